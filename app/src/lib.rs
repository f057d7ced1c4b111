//! 安巡 (Anxun), the field app: a Leptos client-side-rendered PWA for safety inspectors.
//!
//! The route table lives here; each screen is one module in [`pages`], route strings come only
//! from [`routes::Page`], and everything the user reads comes from the translation files in
//! `locales/` (Chinese first, English second).

#![cfg_attr(test, allow(clippy::unwrap_used))]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

// The app's unit tests run in the browser too (`cargo xtask test`), like everything it does.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

pub mod components;
pub mod forms;
pub mod intake;
pub mod locale;
pub mod location;
pub mod messages;
pub mod pages;
pub mod photo;
pub mod routes;
pub mod scan;
pub mod service_worker;
pub mod state;
pub mod sync;
pub mod templates;

// The device database and the inspector on this device live in `anxun-client`, shared with
// the service worker's Background Sync.
pub use anxun_client::{db, profile};

use i18n::{I18nContextProvider, I18nSubContextProvider};
use leptos::prelude::*;
use leptos_router::{
    ParamSegment, StaticSegment,
    components::{Route, Router, Routes},
};
use routes::Page;

/// The whole application: translation context, layout and route table.
#[component]
pub fn App() -> impl IntoView {
    state::provide_db();
    service_worker::provide_shell();
    components::install_hint::provide_install();
    sync::provide_sync();
    view! {
        // The outer context follows the browser; the inner one, which every screen uses,
        // starts from the language saved on this device, or Chinese.
        <I18nContextProvider set_lang_attr_on_html=false set_dir_attr_on_html=false>
            <I18nSubContextProvider initial_locale=locale::initial()>
            <locale::LocaleSync />
            <Router>
                <components::layout::Layout>
                    <Routes fallback=pages::not_found::NotFound>
                        <Route path=StaticSegment(Page::Home.segment()) view=pages::home::Home />
                        <Route path=StaticSegment(Page::Sites.segment()) view=pages::sites::Sites />
                        <Route
                            path=(StaticSegment(Page::Sites.segment()), StaticSegment("new"))
                            view=pages::site_new::NewSite
                        />
                        <Route
                            path=(StaticSegment(Page::Sites.segment()), ParamSegment("id"))
                            view=pages::site_detail::SiteDetail
                        />
                        <Route
                            path=(StaticSegment(Page::Inspections.segment()), ParamSegment("id"))
                            view=pages::inspection::InspectionPage
                        />
                        <Route
                            path=(
                                StaticSegment(Page::Inspections.segment()),
                                ParamSegment("id"),
                                ParamSegment("document"),
                            )
                            view=pages::inspection_document::InspectionDocument
                        />
                        <Route
                            path=StaticSegment(Page::Inspections.segment())
                            view=pages::inspections::Inspections
                        />
                        <Route
                            path=StaticSegment(Page::Hazards.segment())
                            view=pages::hazards::Hazards
                        />
                        <Route path=StaticSegment(Page::Sync.segment()) view=pages::sync::Sync />
                        <Route
                            path=StaticSegment(Page::Settings.segment())
                            view=pages::settings::Settings
                        />
                    </Routes>
                </components::layout::Layout>
            </Router>
            </I18nSubContextProvider>
        </I18nContextProvider>
    }
}
