//! The inspections screen: drafts and completed inspections on this device, and the built-in
//! checklists (which work offline).

use crate::{
    components::checklist::pick,
    i18n::{Locale, t, t_string, use_i18n},
    routes::paths,
    state::use_db,
};
use anxun_domain::{
    inspection::{Inspection, InspectionStatus},
    template::{DefaultSeverity, Template},
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::components::A;

/// A status in the current language.
pub fn status_label(i18n: I18nContext<Locale>, status: InspectionStatus) -> &'static str {
    match status {
        InspectionStatus::Draft => t_string!(i18n, inspection_screen.draft),
        InspectionStatus::Completed => t_string!(i18n, inspection_screen.completed),
    }
}

/// The inspections screen.
#[component]
pub fn Inspections() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let inspections = LocalResource::new(move || {
        let db = state.db();
        state.changes();
        async move {
            match db {
                Some(db) => Ok::<_, crate::db::DbError>((
                    db.inspections().await?,
                    db.unsent_records().await?,
                )),
                None => Ok(Default::default()),
            }
        }
    });
    // The built-in templates: parsed and validated once, embedded in the app.
    let templates = StoredValue::new(crate::templates::current());
    let title_of = move |inspection: &Inspection| {
        templates.with_value(|all| {
            all.iter()
                .find(|t| t.reference() == inspection.template)
                .map(|t| t.title.clone())
        })
    };
    let list = move |status: InspectionStatus| {
        let (all, unsent) = inspections.get().and_then(Result::ok).unwrap_or_default();
        let mut found: Vec<Inspection> = all
            .into_iter()
            .filter(|inspection| inspection.status == status)
            .collect();
        found.sort_by_key(|inspection| std::cmp::Reverse(inspection.started_at));
        found
            .into_iter()
            .map(|inspection| {
                let title = title_of(&inspection);
                let waiting = unsent.contains(&inspection.id.to_string());
                let when = inspection
                    .started_at
                    .with_timezone(&anxun_domain::shanghai::offset())
                    .format("%Y-%m-%d %H:%M")
                    .to_string();
                view! {
                    <li>
                        <A href=paths::inspection(inspection.id) attr:class="site-row">
                            <strong>{move || title.as_ref().map(|t| pick(i18n, t)).unwrap_or_default()}</strong>
                            <span class="hint">{when}</span>
                            {waiting
                                .then(|| {
                                    view! {
                                        <span class="tag" data-testid="waiting-to-sync">
                                            {move || t_string!(i18n, inspection_screen.waiting)}
                                        </span>
                                    }
                                })}
                        </A>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="screen">
            <h1>{move || t_string!(i18n, inspections.title)}</h1>
            <p class="empty-state" data-testid="empty-state">
                {move || t_string!(i18n, inspections.empty)}
            </p>
            <h2>{move || t_string!(i18n, inspection_screen.drafts)}</h2>
            <ul class="site-list" data-testid="draft-list">
                {move || list(InspectionStatus::Draft)}
            </ul>
            <h2>{move || t_string!(i18n, inspection_screen.done)}</h2>
            <ul class="site-list" data-testid="completed-list">
                {move || list(InspectionStatus::Completed)}
            </ul>
            <h2>{move || t_string!(i18n, templates.title)}</h2>
            <p class="hint">{move || t_string!(i18n, templates.offline)}</p>
            <ul class="template-list">
                {templates.get_value().into_iter().map(template_card).collect_view()}
            </ul>
        </section>
    }
}

fn template_card(template: Template) -> impl IntoView {
    let i18n = use_i18n();
    let items = template.items().count();
    let major = template
        .items()
        .filter(|item| item.severity == DefaultSeverity::Major)
        .count();
    let version = template.version;
    let title = template.title.clone();
    view! {
        <li
            class=format!("area-card area-{}", template.area.code())
            data-testid=format!("template-{}", template.id)
        >
            <strong>{move || pick(i18n, &title)}</strong>
            <span class="template-meta">
                {t!(i18n, templates.version, version = move || version)}
                " · "
                {t!(i18n, templates.items, count = move || items)}
                " · "
                {t!(i18n, templates.major_items, count = move || major)}
            </span>
        </li>
    }
}
