//! 隐患排查治理情况季度统计: the printable quarterly statistics report of the caller's scope
//! (`GET /api/stats/quarterly`), following standards.md §7: every figure for the quarter and
//! the year to date, the quarter by level, area and region, the stock of open major hazards,
//! the deadline for reporting and a blank line for the principal's signature.

use crate::{
    api::use_api,
    dashboard::Figure,
    i18n::{t_string, use_i18n},
    labels,
    pages::dashboard::{Names, figure_formula, figure_name},
    quarterly::{self, GROUP_COLUMNS, GroupLine},
    routes,
};
use anxun_domain::{api::stats::QuarterlyReport, region::Scope, shanghai};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

#[component]
pub fn QuarterlyReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let location = use_location();
    let query = Memo::new(move |_| {
        let today = chrono::Utc::now()
            .with_timezone(&shanghai::offset())
            .date_naive();
        quarterly::from_query(&location.search.get(), today)
    });
    let report = LocalResource::new(move || {
        let query = query.get();
        async move {
            match query {
                Some(query) => Some(api.quarterly(query).await),
                None => None,
            }
        }
    });
    let picker = move || {
        query.get().map(|q| {
            let (before, after) = quarterly::neighbours(q);
            view! {
                {before.map(|b| view! {
                    <A href=routes::quarterly(&quarterly::to_query(b)) attr:class="button" attr:rel="prev">
                        {t_string!(i18n, quarterly.previous)}
                    </A>
                })}
                {after.map(|a| view! {
                    <A href=routes::quarterly(&quarterly::to_query(a)) attr:class="button" attr:rel="next">
                        {t_string!(i18n, quarterly.next)}
                    </A>
                })}
            }
        })
    };
    view! {
        <section class="document-screen quarterly-page">
            <div class="actions no-print">
                <A href=routes::dashboard("") attr:class="button">{move || t_string!(i18n, quarterly.back)}</A>
                {picker}
                <button
                    type="button"
                    class="primary"
                    data-testid="print"
                    on:click=move |_| {
                        if let Some(window) = web_sys::window() {
                            let _ = window.print();
                        }
                    }
                >
                    {move || t_string!(i18n, documents.print)}
                </button>
            </div>
            {move || match report.get() {
                None => view! { <p>{t_string!(i18n, loading)}</p> }.into_any(),
                Some(None) => view! { <p class="error">{t_string!(i18n, errors.not_found)}</p> }.into_any(),
                Some(Some(Err(error))) => {
                    view! { <p class="error" role="alert">{labels::error(i18n, &error)}</p> }.into_any()
                }
                Some(Some(Ok(report))) => report_view(report).into_any(),
            }}
        </section>
    }
}

fn scope_text(scope: &Scope) -> Option<String> {
    match scope {
        Scope::City => None,
        Scope::District { district } => Some(district.as_str().to_owned()),
        Scope::Street { district, street } => {
            Some(format!("{} / {}", district.as_str(), street.as_str()))
        }
        Scope::Grid {
            district,
            street,
            grid,
        } => Some(format!(
            "{} / {} / {}",
            district.as_str(),
            street.as_str(),
            grid.as_str()
        )),
    }
}

#[component]
fn GroupTable(
    title: &'static str,
    lines: Vec<GroupLine>,
    total: Vec<String>,
    test_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{title}</h2>
        <table class="document-table" data-testid=test_id>
            <thead>
                <tr>
                    <th></th>
                    {GROUP_COLUMNS.into_iter().map(|f| view! { <th>{move || figure_name(i18n, f)}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {lines
                    .into_iter()
                    .map(|line| view! {
                        <tr>
                            <th scope="row">{line.name}</th>
                            {line.cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                        </tr>
                    })
                    .collect_view()}
                <tr class="total">
                    <th scope="row">{move || t_string!(i18n, quarterly.total)}</th>
                    {total.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                </tr>
            </tbody>
        </table>
    }
}

fn report_view(report: QuarterlyReport) -> impl IntoView {
    let i18n = use_i18n();
    let names = Names(i18n);
    let lines = quarterly::figure_lines(&report);
    let total = quarterly::total_cells(&report);
    let scope = scope_text(&report.scope);
    let period = format!(
        "{} — {}",
        labels::day(report.period_start),
        labels::day(report.period_end)
    );
    let title = format!(
        "{} {} Q{}",
        t_string!(i18n, quarterly.title),
        report.year.get(),
        report.quarter.get()
    );
    let change = report.open_major_at_end as i64 - report.open_major_at_start as i64;
    view! {
        <article class="document quarterly-report" data-testid="quarterly-report">
            <h1 data-testid="quarterly-title">{title}</h1>
            <dl class="document-fields">
                <dt>{t_string!(i18n, quarterly.scope)}</dt>
                <dd data-testid="quarterly-scope">
                    {scope.unwrap_or_else(|| t_string!(i18n, quarterly.city).to_owned())}
                </dd>
                <dt>{t_string!(i18n, quarterly.period)}</dt>
                <dd>{period}</dd>
                <dt>{t_string!(i18n, quarterly.due_by)}</dt>
                <dd data-testid="quarterly-due">{labels::day(report.due_by)}</dd>
                {report.annual_due_by.map(|annual| view! {
                    <dt>{t_string!(i18n, quarterly.annual_due_by)}</dt>
                    <dd>{labels::day(annual)}</dd>
                })}
                <dt>{t_string!(i18n, quarterly.generated)}</dt>
                <dd>{labels::time(report.now)}</dd>
            </dl>
            <p class="report-rule">{t_string!(i18n, quarterly.rule)}</p>
            <table class="document-table" data-testid="quarterly-figures">
                <thead>
                    <tr>
                        <th>{t_string!(i18n, quarterly.figure)}</th>
                        <th>{t_string!(i18n, quarterly.quarter)}</th>
                        <th>{t_string!(i18n, quarterly.year_to_date)}</th>
                        <th>{t_string!(i18n, quarterly.formula)}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines
                        .into_iter()
                        .map(|line| {
                            let with_basis = |value: String, basis: String| {
                                if basis.is_empty() || line.figure == Figure::MeanDaysToClose {
                                    value
                                } else {
                                    format!("{value} ({basis})")
                                }
                            };
                            view! {
                                <tr data-testid=format!("quarterly-{}", line.figure.id())>
                                    <th scope="row">{figure_name(i18n, line.figure)}</th>
                                    <td>{with_basis(line.quarter.clone(), line.quarter_basis.clone())}</td>
                                    <td>{with_basis(line.year_to_date.clone(), line.year_to_date_basis.clone())}</td>
                                    <td class="formula">{figure_formula(i18n, line.figure)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <GroupTable
                title=t_string!(i18n, quarterly.by_severity)
                lines=quarterly::group_lines(&report.by_severity, &names)
                total=total.clone()
                test_id="quarterly-by-severity"
            />
            <GroupTable
                title=t_string!(i18n, quarterly.by_area)
                lines=quarterly::group_lines(&report.by_area, &names)
                total=total.clone()
                test_id="quarterly-by-area"
            />
            <GroupTable
                title=t_string!(i18n, quarterly.by_region)
                lines=quarterly::group_lines(&report.by_region, &names)
                total=total
                test_id="quarterly-by-region"
            />
            <h2>{t_string!(i18n, quarterly.open_major)}</h2>
            <dl class="document-fields">
                <dt>{t_string!(i18n, quarterly.open_major_start)}</dt>
                <dd>{report.open_major_at_start}</dd>
                <dt>{t_string!(i18n, quarterly.open_major_end)}</dt>
                <dd data-testid="quarterly-open-major">{report.open_major_at_end}</dd>
                <dt>{t_string!(i18n, quarterly.open_major_change)}</dt>
                <dd>{format!("{change:+}")}</dd>
            </dl>
            <div class="signatures">
                <div class="signature"><p>{t_string!(i18n, quarterly.prepared_by)}</p></div>
                <div class="signature"><p>{t_string!(i18n, quarterly.principal)}</p></div>
                <div class="signature"><p>{t_string!(i18n, quarterly.date)}</p></div>
            </div>
        </article>
    }
}
