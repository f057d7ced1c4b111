//! The site registry (`GET /api/sites`): search, open hazards per site, links to each site
//! and its printable code; administrators import the registry.

use crate::{
    api::use_api,
    i18n::{t_string, use_i18n},
    labels, routes,
    session::use_session,
};
use anxun_domain::{api::ledger::SitesQuery, role::Role};
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_location, use_navigate},
};

#[component]
pub fn Sites() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    let query = Memo::new(move |_| {
        let search = location.search.get();
        let q = form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.into_owned());
        let page = form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
            .find(|(k, _)| k == "page")
            .map(|(_, v)| v.into_owned());
        SitesQuery {
            q,
            page,
            ..SitesQuery::default()
        }
    });
    let sites = LocalResource::new(move || {
        let wire = query.get();
        let text = serde_qs(&wire);
        async move { api.sites(&text).await }
    });
    let search = RwSignal::new(String::new());
    Effect::new(move || search.set(query.get().q.unwrap_or_default()));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let wire = SitesQuery {
            q: Some(search.get_untracked()).filter(|q| !q.trim().is_empty()),
            ..SitesQuery::default()
        };
        let text = serde_qs(&wire);
        let path = crate::routes::Page::Sites.path();
        navigate(
            &if text.is_empty() {
                path
            } else {
                format!("{path}?{text}")
            },
            NavigateOptions::default(),
        );
    };
    let is_admin = move || session.user().is_some_and(|u| u.role == Role::Admin);
    view! {
        <section>
            <header class="page-header">
                <h1>{move || t_string!(i18n, sites.title)}</h1>
                <Show when=is_admin>
                    <A href=routes::site_import() attr:class="button">{move || t_string!(i18n, sites.import)}</A>
                </Show>
            </header>
            <form class="filters no-print" on:submit=submit>
                <label>
                    {move || t_string!(i18n, sites.search)}
                    <input name="q" type="search" bind:value=search data-testid="site-search" />
                </label>
                <button type="submit" class="primary">{move || t_string!(i18n, ledger.apply)}</button>
            </form>
            <Transition fallback=move || view! { <p>{t_string!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match sites.await {
                        Err(error) => view! { <p class="error" role="alert">{labels::error(i18n, &error)}</p> }.into_any(),
                        Ok(page) => view! {
                            <p class="total">{t_string!(i18n, ledger.total)} " " {page.total}</p>
                            <table class="ledger" data-testid="site-table">
                                <thead><tr>
                                    <th>{t_string!(i18n, sites.name)}</th>
                                    <th>{t_string!(i18n, sites.address)}</th>
                                    <th>{t_string!(i18n, ledger.col_area)}</th>
                                    <th>{t_string!(i18n, sites.open)}</th>
                                    <th>{t_string!(i18n, sites.major_open)}</th>
                                    <th>{t_string!(i18n, sites.last_inspection)}</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|row| {
                                        let site = row.site;
                                        let name = site.name().as_str().to_owned();
                                        let areas = site.areas().iter().map(|a| labels::area(i18n, *a)).collect::<Vec<_>>().join("、");
                                        view! {
                                            <tr data-testid="site-row">
                                                <td><A href=routes::site(site.id())>{name}</A></td>
                                                <td>{site.address().as_str().to_owned()}</td>
                                                <td>{areas}</td>
                                                <td>{row.open_hazards}</td>
                                                <td>{row.major_open}</td>
                                                <td>{row.last_inspection.map(labels::day)}</td>
                                                <td><A href=routes::site_code(site.id())>{t_string!(i18n, sites.code)}</A></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The query string of a sites query.
fn serde_qs(query: &SitesQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("q", &query.q),
        ("area", &query.area),
        ("district", &query.district),
        ("street", &query.street),
        ("grid", &query.grid),
        ("page", &query.page),
        ("per_page", &query.per_page),
    ] {
        if let Some(value) = value {
            out.append_pair(name, value);
        }
    }
    out.finish()
}
