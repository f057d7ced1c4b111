//! The inspections screen: the checklists on this device (built in, so they work offline);
//! drafts, completed inspections and those waiting to sync arrive with local storage.

use crate::{
    components::{checklist::pick, empty_state::EmptyState},
    i18n::{t, t_string, use_i18n},
};
use anxun_domain::template::{DefaultSeverity, Template};
use leptos::prelude::*;

/// The inspections screen.
#[component]
pub fn Inspections() -> impl IntoView {
    let i18n = use_i18n();
    // The built-in templates: parsed and validated once, embedded in the app.
    let templates = StoredValue::new(anxun_domain::templates::builtin());
    view! {
        <EmptyState
            title=Signal::derive(move || t_string!(i18n, inspections.title))
            message=Signal::derive(move || t_string!(i18n, inspections.empty))
        />
        <section class="screen">
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
