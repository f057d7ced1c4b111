//! One site (`GET /api/sites/{id}`): its details, inspections and hazards, with links to its
//! printable code and to the ledger filtered to it.

use crate::{
    api::use_api,
    components::rows::HazardTable,
    filter,
    i18n::{t_string, use_i18n},
    labels, routes,
};
use anxun_domain::{api::ledger::LedgerFilter, documents::DocumentKind, ids::SiteId};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

#[component]
pub fn SitePage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| SiteId::parse(&id).ok())
    });
    let detail = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => Some(api.site(id).await),
                None => None,
            }
        }
    });
    move || match detail.get() {
        None => view! { <p>{t_string!(i18n, loading)}</p> }.into_any(),
        Some(None) => view! { <p class="error">{t_string!(i18n, errors.not_found)}</p> }.into_any(),
        Some(Some(Err(error))) => {
            view! { <p class="error" role="alert">{labels::error(i18n, &error)}</p> }.into_any()
        }
        Some(Some(Ok(found))) => {
            let site = found.site;
            let ledger = routes::ledger(&filter::to_query(&LedgerFilter {
                site: Some(site.id()),
                ..LedgerFilter::default()
            }));
            view! {
                <section data-testid="site-detail">
                    <header class="page-header">
                        <h1>{site.name().as_str().to_owned()}</h1>
                        <div class="actions">
                            <A href=routes::site_code(site.id()) attr:class="button">{t_string!(i18n, sites.code)}</A>
                            <A href=ledger attr:class="button">{t_string!(i18n, sites.in_ledger)}</A>
                        </div>
                    </header>
                    <dl class="facts">
                        <dt>{t_string!(i18n, sites.address)}</dt>
                        <dd>{site.address().as_str().to_owned()}</dd>
                        <dt>{t_string!(i18n, ledger.col_area)}</dt>
                        <dd>{site.areas().iter().map(|a| labels::area(i18n, *a)).collect::<Vec<_>>().join("、")}</dd>
                        <dt>{t_string!(i18n, ledger.grid)}</dt>
                        <dd>{format!("{} / {} / {}", site.region().district.as_str(), site.region().street.as_str(), site.region().grid.as_str())}</dd>
                    </dl>
                    <h2>{t_string!(i18n, sites.inspections)}</h2>
                    {if found.inspections.is_empty() {
                        view! { <p class="empty">{t_string!(i18n, sites.no_inspections)}</p> }.into_any()
                    } else {
                        view! {
                            <table class="ledger">
                                <thead><tr>
                                    <th>{t_string!(i18n, sites.started)}</th>
                                    <th>{t_string!(i18n, ledger.col_area)}</th>
                                    <th>{t_string!(i18n, sites.inspector)}</th>
                                    <th>{t_string!(i18n, sites.findings)}</th>
                                    <th>{t_string!(i18n, sites.completed)}</th>
                                    <th>{t_string!(i18n, documents.printables)}</th>
                                </tr></thead>
                                <tbody>
                                    {found.inspections.into_iter().map(|row| view! {
                                        <tr>
                                            <td>{labels::time(row.started_at)}</td>
                                            <td>{labels::area(i18n, row.area)}</td>
                                            <td>{row.inspector.name}</td>
                                            <td>{row.findings}</td>
                                            <td>{row.completed_at.map(labels::time)}</td>
                                            <td class="printables">
                                                <A href=routes::inspection_document(row.id, DocumentKind::Record) attr:data-testid="inspection-record-link">
                                                    {t_string!(i18n, documents.record)}
                                                </A>
                                                " "
                                                <A href=routes::inspection_document(row.id, DocumentKind::Notice) attr:data-testid="inspection-notice-link">
                                                    {t_string!(i18n, documents.notice)}
                                                </A>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                    <h2>{t_string!(i18n, sites.hazards)}</h2>
                    <HazardTable rows=found.hazards />
                </section>
            }
            .into_any()
        }
    }
}
