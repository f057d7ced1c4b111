//! The console: translation context, session, layout and the route table.

use crate::{
    components::layout::Layout,
    i18n::{I18nContextProvider, I18nSubContextProvider},
    locale, pages,
    routes::{BASE_SEGMENT as CONSOLE, INSPECTIONS_SEGMENT, Page, QUARTERLY_SEGMENT},
    session,
};
use leptos::prelude::*;
use leptos_router::{
    ParamSegment, StaticSegment,
    components::{Redirect, Route, Router, Routes},
};

/// The whole console.
#[component]
pub fn App() -> impl IntoView {
    session::provide_session();
    view! {
        <I18nContextProvider set_lang_attr_on_html=false set_dir_attr_on_html=false>
            <I18nSubContextProvider initial_locale=locale::initial()>
                <locale::LocaleSync />
                <Router>
                    <Layout>
                        <Routes fallback=pages::not_found::NotFound>
                            <Route
                                path=StaticSegment(CONSOLE)
                                view=|| view! { <Redirect path=Page::Ledger.path() /> }
                            />
                            <Route
                                path=(StaticSegment(CONSOLE), StaticSegment(Page::Ledger.segment()))
                                view=pages::ledger::Ledger
                            />
                            <Route
                                path=(
                                    StaticSegment(CONSOLE),
                                    StaticSegment(Page::Ledger.segment()),
                                    ParamSegment("id"),
                                )
                                view=pages::hazard::HazardPage
                            />
                            <Route
                                path=(StaticSegment(CONSOLE), StaticSegment(Page::Sites.segment()))
                                view=pages::sites::Sites
                            />
                            <Route
                                path=(StaticSegment(CONSOLE), StaticSegment(Page::Dashboard.segment()))
                                view=pages::dashboard::Dashboard
                            />
                            <Route
                                path=(
                                    StaticSegment(CONSOLE),
                                    StaticSegment(Page::Dashboard.segment()),
                                    StaticSegment(QUARTERLY_SEGMENT),
                                )
                                view=pages::quarterly::QuarterlyReportPage
                            />
                            <Route
                                path=(
                                    StaticSegment(CONSOLE),
                                    StaticSegment(INSPECTIONS_SEGMENT),
                                    ParamSegment("id"),
                                    ParamSegment("document"),
                                )
                                view=pages::inspection_document::InspectionDocument
                            />
                            <Route
                                path=(
                                    StaticSegment(CONSOLE),
                                    StaticSegment(Page::Sites.segment()),
                                    StaticSegment("import"),
                                )
                                view=pages::site_import::SiteImport
                            />
                            <Route
                                path=(
                                    StaticSegment(CONSOLE),
                                    StaticSegment(Page::Sites.segment()),
                                    ParamSegment("id"),
                                )
                                view=pages::site::SitePage
                            />
                            <Route
                                path=(
                                    StaticSegment(CONSOLE),
                                    StaticSegment(Page::Sites.segment()),
                                    ParamSegment("id"),
                                    StaticSegment("code"),
                                )
                                view=pages::site_code::SiteCode
                            />
                        </Routes>
                    </Layout>
                </Router>
            </I18nSubContextProvider>
        </I18nContextProvider>
    }
}
