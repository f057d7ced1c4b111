//! The frame around every screen: header, main content and the navigation bar.

use crate::{
    components::language_switch::LanguageSwitch,
    i18n::{t_string, use_i18n},
    routes::Page,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

/// Header with the app name and language switch, the screen, and the navigation bar.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // What was typed counts as saved after the next local save, or once its screen is left.
    let shell = crate::service_worker::use_shell();
    let state = crate::state::use_db();
    let location = use_location();
    Effect::new(move || {
        state.changes();
        location.pathname.track();
        shell.saved();
    });
    view! {
        <a class="skip-link" href="#main">
            {move || t_string!(i18n, skip_to_content)}
        </a>
        <header class="app-header">
            <A href=Page::Home.path() attr:class="brand">
                <img src="/icons/icon.svg" alt="" width="28" height="28" />
                <span class="brand-name">{move || t_string!(i18n, app_name)}</span>
                <span class="brand-tagline">{move || t_string!(i18n, app_tagline)}</span>
            </A>
            <LanguageSwitch />
        </header>
        <main id="main" class="app-main">
            <crate::components::update_prompt::UpdatePrompt />
            <crate::components::storage_banner::StorageBanner />
            {children()}
        </main>
        <Nav />
    }
}

/// The label of a screen in the navigation bar.
fn nav_label(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, page: Page) -> &'static str {
    match page {
        Page::Home => t_string!(i18n, nav.home),
        Page::Sites => t_string!(i18n, nav.sites),
        Page::Inspections => t_string!(i18n, nav.inspections),
        Page::Hazards => t_string!(i18n, nav.hazards),
        Page::Sync => t_string!(i18n, nav.sync),
        Page::Settings => t_string!(i18n, nav.settings),
    }
}

/// The navigation bar: at the bottom on phones, at the side on wide screens.
#[component]
fn Nav() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let current = Memo::new(move |_| Page::from_path(&location.pathname.get()));
    view! {
        <nav class="app-nav" aria-label=move || t_string!(i18n, nav.label)>
            <ul>
                {Page::ALL
                    .into_iter()
                    .map(|page| {
                        view! {
                            <li>
                                <a
                                    href=page.path()
                                    class="nav-item"
                                    data-testid=format!("nav-{}", page.id())
                                    aria-current=move || {
                                        (current.get() == Some(page)).then_some("page")
                                    }
                                >
                                    <span class="nav-icon" aria-hidden="true">
                                        {page_icon(page)}
                                    </span>
                                    <span class="nav-label">{move || nav_label(i18n, page)}</span>
                                    {(page == Page::Sync)
                                        .then(|| view! { <crate::components::sync_badge::SyncBadge /> })}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// A glyph for each screen; plain text so that nothing is fetched and nothing needs a font.
fn page_icon(page: Page) -> &'static str {
    match page {
        Page::Home => "⌂",
        Page::Sites => "▦",
        Page::Inspections => "☑",
        Page::Hazards => "⚠",
        Page::Sync => "⇅",
        Page::Settings => "⚙",
    }
}
