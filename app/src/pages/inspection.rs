//! One inspection: the checklist, saved on the device at every tap, so that closing the tab
//! or the phone killing the app loses nothing; reopening resumes where the inspector was.

use crate::{
    components::checklist::{ChecklistProgress, ChecklistSection, pick},
    db::{Change, DbError},
    i18n::{t_string, use_i18n},
    pages::inspections::status_label,
    state::use_db,
};
use anxun_domain::{
    ids::InspectionId,
    inspection::{Inspection, InspectionStatus, ItemAnswer, Verdict},
    site::Site,
    template::{ItemId, Template},
    templates,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Where saving stands, shown to the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SaveState {
    Saved,
    Saving,
    Failed(String),
}

/// The template an inspection was made with, from the built-in ones.
fn template_of(inspection: &Inspection) -> Option<Template> {
    templates::builtin()
        .into_iter()
        .find(|template| template.reference() == inspection.template)
}

/// The inspection screen.
#[component]
pub fn InspectionPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| InspectionId::parse(&id).ok())
    };
    let loaded = LocalResource::new(move || {
        let db = state.db();
        let id = id();
        async move {
            let (Some(db), Some(id)) = (db, id) else {
                return Ok(None);
            };
            let Some(inspection) = db.inspection(id).await? else {
                return Ok(None);
            };
            let site = db
                .sites()
                .await?
                .into_iter()
                .find(|s| s.id() == inspection.site);
            Ok::<_, DbError>(Some((inspection, site)))
        }
    });
    move || match loaded.get() {
        None => None,
        Some(Err(error)) => {
            Some(view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any())
        }
        Some(Ok(None)) => Some(
            view! {
                <section class="screen">
                    <p class="empty-state">{t_string!(i18n, inspection_screen.not_found)}</p>
                </section>
            }
            .into_any(),
        ),
        Some(Ok(Some((inspection, site)))) => match template_of(&inspection) {
            Some(template) => Some(checklist_view(inspection, site, template).into_any()),
            None => Some(
                view! {
                    <p class="error" role="alert">
                        {format!("template {} is not on this device", inspection.template)}
                    </p>
                }
                .into_any(),
            ),
        },
    }
}

fn checklist_view(inspection: Inspection, site: Option<Site>, template: Template) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let current = RwSignal::new(inspection);
    let template = StoredValue::new(template);
    let save_state = RwSignal::new(SaveState::Saved);
    let locked = Signal::derive(move || current.read().status == InspectionStatus::Completed);
    let counts = Signal::derive(move || {
        template.with_value(|template| current.read().progress(template).overall)
    });
    let verdict_of = Callback::new(move |item: String| {
        let item = ItemId::parse(&item).ok()?;
        current
            .read()
            .answers
            .get(&item)
            .map(|answer| answer.verdict)
    });
    let on_verdict = Callback::new(move |(item, verdict): (String, Verdict)| {
        let Ok(item) = ItemId::parse(&item) else {
            return;
        };
        let mut next = current.get_untracked();
        let answer = match next.answers.get(&item) {
            Some(previous) => ItemAnswer {
                verdict,
                ..previous.clone()
            },
            None => ItemAnswer {
                verdict,
                value: None,
                note: None,
                photos: Vec::new(),
                combined: Vec::new(),
            },
        };
        let answered = template.with_value(|template| next.answer(template, &item, answer));
        if let Err(error) = answered {
            save_state.set(SaveState::Failed(error.to_string()));
            return;
        }
        current.set(next.clone());
        let Some(db) = state.db() else { return };
        save_state.set(SaveState::Saving);
        leptos::task::spawn_local(async move {
            match db.apply(Change::Inspection(next)).await {
                Ok(_) => {
                    save_state.set(SaveState::Saved);
                    state.changed();
                }
                Err(error) => save_state.set(SaveState::Failed(error.to_string())),
            }
        });
    });
    let title = template.with_value(|template| template.title.clone());
    let site_name = site
        .map(|site| site.name().as_str().to_owned())
        .unwrap_or_default();
    let status = move || current.read().status;
    view! {
        <section class="screen inspection">
            <p class="hint" data-testid="inspection-site">{site_name}</p>
            <h1>{move || pick(i18n, &title)}</h1>
            <p class="save-state" data-testid="save-state" aria-live="polite">
                <span class="tag">{move || status_label(i18n, status())}</span>
                " "
                {move || match save_state.get() {
                    SaveState::Saved => t_string!(i18n, inspection_screen.saved).to_owned(),
                    SaveState::Saving => t_string!(i18n, inspection_screen.saving).to_owned(),
                    SaveState::Failed(error) => {
                        format!("{}{error}", t_string!(i18n, inspection_screen.save_failed))
                    }
                }}
            </p>
            <ChecklistProgress counts=counts />
            {template
                .get_value()
                .sections
                .into_iter()
                .map(|section| {
                    view! {
                        <ChecklistSection
                            section=section
                            verdict_of=verdict_of
                            on_verdict=on_verdict
                            locked=locked
                        />
                    }
                })
                .collect_view()}
        </section>
    }
}
