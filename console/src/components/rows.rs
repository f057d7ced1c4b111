//! The hazard table (the ledger, a site's hazards, a hazard's site): one row per hazard,
//! linking to its detail. With a filter, the sortable headers link to the ledger sorted by
//! that column.

use crate::{
    filter,
    i18n::{t_string, use_i18n},
    labels, routes,
};
use anxun_domain::api::ledger::{LedgerFilter, LedgerRow, LedgerSort, SortDir};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HazardTable(
    rows: Vec<LedgerRow>,
    /// The ledger's view, to make the headers sort links.
    #[prop(optional)]
    sorting: Option<LedgerFilter>,
) -> impl IntoView {
    let i18n = use_i18n();
    let header = move |key: Option<LedgerSort>, label: &'static str| {
        let sorting = sorting.clone();
        match (key, sorting) {
            (Some(key), Some(current)) => {
                let href = routes::ledger(&filter::to_query(&filter::sorted_by(&current, key)));
                let sorted = (current.sort == key).then_some(match current.dir {
                    SortDir::Asc => "ascending",
                    SortDir::Desc => "descending",
                });
                view! {
                    <th aria-sort=sorted.unwrap_or("none")>
                        <A href=href attr:data-testid=format!("sort-{}", key.code())>
                            {label}
                            {match sorted {
                                Some("ascending") => " ▲",
                                Some(_) => " ▼",
                                None => "",
                            }}
                        </A>
                    </th>
                }
                .into_any()
            }
            _ => view! { <th>{label}</th> }.into_any(),
        }
    };
    if rows.is_empty() {
        return view! { <p class="empty" data-testid="no-hazards">{t_string!(i18n, ledger.empty)}</p> }
            .into_any();
    }
    view! {
        <table class="ledger" data-testid="hazard-table">
            <thead>
                <tr>
                    {header(Some(LedgerSort::ReportedAt), t_string!(i18n, ledger.col_reported_at))}
                    {header(Some(LedgerSort::Site), t_string!(i18n, ledger.col_site))}
                    {header(None, t_string!(i18n, ledger.col_area))}
                    {header(None, t_string!(i18n, ledger.col_description))}
                    {header(Some(LedgerSort::Severity), t_string!(i18n, ledger.col_severity))}
                    {header(Some(LedgerSort::Status), t_string!(i18n, ledger.col_status))}
                    {header(None, t_string!(i18n, ledger.col_reporter))}
                    {header(Some(LedgerSort::Deadline), t_string!(i18n, ledger.col_deadline))}
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let description = row
                            .item
                            .as_ref()
                            .map(|item| format!("{} {}", item.id.as_str(), item.title))
                            .filter(|_| row.description.is_empty())
                            .unwrap_or(row.description.clone());
                        view! {
                            <tr
                                data-testid="hazard-row"
                                data-hazard=row.id.to_string()
                                class:overdue=row.overdue
                            >
                                <td>{labels::time(row.reported_at)}</td>
                                <td>
                                    <A href=routes::site(row.site_id)>{row.site_name.clone()}</A>
                                </td>
                                <td>{labels::area(i18n, row.area)}</td>
                                <td>
                                    <A href=routes::hazard(row.id) attr:class="hazard-link">
                                        {description}
                                    </A>
                                </td>
                                <td class=format!("severity-{}", row.severity.code())>
                                    {labels::severity(i18n, row.severity)}
                                    {row.listed.then(|| view! { <span class="tag">{t_string!(i18n, ledger.listed)}</span> })}
                                </td>
                                <td data-testid="hazard-state">
                                    {labels::state(i18n, row.state)}
                                    {row.overdue.then(|| view! { <span class="tag warn">{t_string!(i18n, ledger.overdue)}</span> })}
                                </td>
                                <td>{row.reporter.name.clone()}</td>
                                <td data-testid="hazard-deadline">{row.deadline.map(labels::date)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
