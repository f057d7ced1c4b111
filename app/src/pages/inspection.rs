//! One inspection: the checklist, findings, photos and completion, saved on the device at every
//! tap, so that closing the tab or the phone killing the app loses nothing; reopening resumes
//! where the inspector was. Its parts are in the submodules; [`editor::Editor`] is the state
//! they share.

mod completion;
mod editor;
mod findings;
mod summary;

use crate::{
    components::checklist::{ChecklistProgress, ChecklistSection, pick},
    db::DbError,
    i18n::{t_string, use_i18n},
    location::{self, LocationError},
    pages::inspections::status_label,
    state::use_db,
    templates,
};
use anxun_domain::{
    ids::InspectionId,
    inspection::{Inspection, InspectionStatus, ItemAnswer, Verdict},
    site::Site,
    template::{ItemId, Template},
};
use editor::{Editor, PhotoState, SaveState};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

pub use completion::missing_lines;

/// The template an inspection was made with, from the built-in ones.
pub fn template_of(inspection: &Inspection) -> Option<Template> {
    templates::find(&inspection.template)
}

/// An inspection with its site and template, as far as they are on the device.
pub type Loaded = Option<(Inspection, Option<Site>, Option<Template>)>;

/// Loads an inspection, its site and template for a screen keyed by the `id` parameter.
pub fn load_inspection() -> LocalResource<Result<Loaded, DbError>> {
    let state = use_db();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| InspectionId::parse(&id).ok())
    };
    LocalResource::new(move || {
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
            let template = template_of(&inspection);
            Ok::<_, DbError>(Some((inspection, site, template)))
        }
    })
}

/// The inspection screen.
#[component]
pub fn InspectionPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let loaded = load_inspection();
    move || match loaded.get() {
        None => None,
        Some(Err(error)) => Some(
            view! { <p class="error" role="alert">{crate::messages::db_error(i18n, &error)}</p> }
                .into_any(),
        ),
        Some(Ok(None)) => Some(
            view! {
                <section class="screen">
                    <p class="empty-state">{t_string!(i18n, inspection_screen.not_found)}</p>
                </section>
            }
            .into_any(),
        ),
        Some(Ok(Some((inspection, site, Some(template))))) => {
            let editor = Editor::new(inspection, template, site, state, i18n);
            Some(view! { <InspectionEditor editor=editor /> }.into_any())
        }
        Some(Ok(Some((inspection, _, None)))) => Some(
            view! {
                <p class="error" role="alert">
                    {format!("template {} is not on this device", inspection.template)}
                </p>
            }
            .into_any(),
        ),
    }
}

/// Where the position stands.
#[derive(Debug, Clone, PartialEq)]
enum Position {
    Asking,
    Known(f64),
    Missing(LocationError),
}

#[component]
fn InspectionEditor(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    let current = editor.current;
    let locked = editor.locked();
    let template = editor.template;
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
        editor.edit(Vec::new(), move |next, template| {
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
            next.answer(template, &item, answer)
        });
    });
    let extra = Callback::new(move |item: String| -> AnyView {
        match ItemId::parse(&item) {
            Ok(item) => view! { <findings::ItemPanel editor=editor item=item /> }.into_any(),
            Err(_) => ().into_any(),
        }
    });

    // The position of the inspection, asked once for a draft without one; the inspection works
    // without it and the screen says why it is missing.
    let position = RwSignal::new(match current.get_untracked().location {
        Some(point) => Position::Known(point.accuracy_m().unwrap_or(0.0)),
        None => Position::Asking,
    });
    if current.get_untracked().location.is_none() && !locked.get_untracked() {
        leptos::task::spawn_local(async move {
            match location::current_position(15_000).await {
                Ok(point) => {
                    position.set(Position::Known(point.accuracy_m().unwrap_or(0.0)));
                    editor.edit(Vec::new(), move |inspection, _| {
                        inspection.location = Some(point);
                        for finding in &mut inspection.findings {
                            finding.gps.get_or_insert(point);
                        }
                        Ok::<_, String>(())
                    });
                }
                Err(error) => position.set(Position::Missing(error)),
            }
        });
    }
    let position_text = move || match position.get() {
        Position::Asking => t_string!(i18n, location.asking).to_owned(),
        Position::Known(accuracy) => {
            format!("{} ±{accuracy:.0} m", t_string!(i18n, location.known))
        }
        Position::Missing(LocationError::Denied) => t_string!(i18n, location.denied).to_owned(),
        Position::Missing(_) => t_string!(i18n, location.unavailable).to_owned(),
    };

    let site_name = editor.site_name();
    let title = template.with_value(|template| template.title.clone());
    let status = move || current.read().status;
    view! {
        <section class="screen inspection">
            <p class="hint" data-testid="inspection-site">{site_name}</p>
            <h1>{move || pick(i18n, &title)}</h1>
            <p class="save-state" data-testid="save-state" aria-live="polite">
                <span class="tag">{move || status_label(i18n, status())}</span>
                " "
                {move || match editor.save_state.get() {
                    SaveState::Saved => t_string!(i18n, inspection_screen.saved).to_owned(),
                    SaveState::Saving => t_string!(i18n, inspection_screen.saving).to_owned(),
                    SaveState::Failed(error) => {
                        format!("{}{error}", t_string!(i18n, inspection_screen.save_failed))
                    }
                }}
            </p>
            <p class="hint" data-testid="position">{position_text}</p>
            <ChecklistProgress counts=counts />
            {move || match editor.photo_state.get() {
                PhotoState::Idle => None,
                PhotoState::Processing { done, total } => Some(
                    view! {
                        <p class="banner" role="status" data-testid="photo-status">
                            {t_string!(i18n, photos.processing)} {format!(" {}/{total}", done + 1)}
                        </p>
                    }
                    .into_any(),
                ),
                PhotoState::Failed(error) => Some(
                    view! {
                        <p class="banner banner-error" role="alert" data-testid="photo-status">
                            {t_string!(i18n, photos.failed)}
                            {error}
                        </p>
                    }
                    .into_any(),
                ),
            }}
            <Show when=move || status() == InspectionStatus::Completed>
                <summary::Summary editor=editor />
            </Show>
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
                            extra=extra
                        />
                    }
                })
                .collect_view()}
            <findings::AdHocFindings editor=editor />
            <Show when=move || status() == InspectionStatus::Draft>
                <completion::Completion editor=editor />
            </Show>
        </section>
    }
}
