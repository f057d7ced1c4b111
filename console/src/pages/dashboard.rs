//! 统计分析: the domain's figures (standards.md §7) from `GET /api/stats` as cards with their
//! numerator and denominator, a chart and a table by the chosen grouping, and the open major
//! hazards over time against the campaign's goal of clearing them. The view (grouping, the
//! charted figure, the filters) lives in the URL like the ledger's.

use crate::{
    api::use_api,
    charts::{BarChart, BarLayout, StepChart, StepLayout},
    components::chart::{BarChartView, StepChartView},
    dashboard::{self, DashboardView, Figure, GROUPINGS, GoalStatus, GroupNames},
    i18n::{Locale, t_string, use_i18n},
    labels, quarterly, routes,
};
use anxun_domain::{api::stats::StatsResponse, hazard::Severity, site::Area, stats::Dimension};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_location, use_navigate},
};
use wasm_bindgen::JsCast;

/// The translated name of a figure.
pub fn figure_name(i18n: I18nContext<Locale>, figure: Figure) -> &'static str {
    match figure {
        Figure::RectificationRate => t_string!(i18n, dashboard.figures.rectification_rate.name),
        Figure::MajorRectificationRate => {
            t_string!(i18n, dashboard.figures.major_rectification_rate.name)
        }
        Figure::OnTimeRate => t_string!(i18n, dashboard.figures.on_time_rate.name),
        Figure::HazardsPerThousand => t_string!(i18n, dashboard.figures.hazards_per_thousand.name),
        Figure::MajorHazardsPerThousand => {
            t_string!(i18n, dashboard.figures.major_hazards_per_thousand.name)
        }
        Figure::ListedSupervisionRate => {
            t_string!(i18n, dashboard.figures.listed_supervision_rate.name)
        }
        Figure::Overdue => t_string!(i18n, dashboard.figures.overdue.name),
        Figure::MeanDaysToClose => t_string!(i18n, dashboard.figures.mean_days_to_close.name),
        Figure::FirstPassRate => t_string!(i18n, dashboard.figures.first_pass_rate.name),
        Figure::Hazards => t_string!(i18n, dashboard.figures.hazards.name),
    }
}

/// How a figure is computed (standards.md §7), translated.
pub fn figure_formula(i18n: I18nContext<Locale>, figure: Figure) -> &'static str {
    match figure {
        Figure::RectificationRate => t_string!(i18n, dashboard.figures.rectification_rate.formula),
        Figure::MajorRectificationRate => {
            t_string!(i18n, dashboard.figures.major_rectification_rate.formula)
        }
        Figure::OnTimeRate => t_string!(i18n, dashboard.figures.on_time_rate.formula),
        Figure::HazardsPerThousand => {
            t_string!(i18n, dashboard.figures.hazards_per_thousand.formula)
        }
        Figure::MajorHazardsPerThousand => {
            t_string!(i18n, dashboard.figures.major_hazards_per_thousand.formula)
        }
        Figure::ListedSupervisionRate => {
            t_string!(i18n, dashboard.figures.listed_supervision_rate.formula)
        }
        Figure::Overdue => t_string!(i18n, dashboard.figures.overdue.formula),
        Figure::MeanDaysToClose => t_string!(i18n, dashboard.figures.mean_days_to_close.formula),
        Figure::FirstPassRate => t_string!(i18n, dashboard.figures.first_pass_rate.formula),
        Figure::Hazards => t_string!(i18n, dashboard.figures.hazards.formula),
    }
}

/// The translated name of a grouping.
pub fn dimension_name(i18n: I18nContext<Locale>, dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Area => t_string!(i18n, dashboard.groups.area),
        Dimension::Severity => t_string!(i18n, dashboard.groups.severity),
        Dimension::District => t_string!(i18n, dashboard.groups.district),
        Dimension::Street => t_string!(i18n, dashboard.groups.street),
        Dimension::Grid => t_string!(i18n, dashboard.groups.grid),
        Dimension::Month => t_string!(i18n, dashboard.groups.month),
        Dimension::Quarter => t_string!(i18n, dashboard.groups.quarter),
    }
}

/// Group names from the translation files.
#[derive(Clone, Copy)]
pub struct Names(pub I18nContext<Locale>);

impl GroupNames for Names {
    fn area(&self, area: Area) -> String {
        labels::area(self.0, area).to_owned()
    }
    fn severity(&self, severity: Severity) -> String {
        labels::severity(self.0, severity).to_owned()
    }
    fn quarter(&self, year: i32, quarter: u32) -> String {
        format!("{year} Q{quarter}")
    }
}

/// The figure cards of a report.
#[component]
pub fn FigureCards(report: anxun_domain::stats::Report) -> impl IntoView {
    let i18n = use_i18n();
    Figure::ALL
        .into_iter()
        .map(|figure| {
            let id = figure.id();
            let value = figure.text(&report);
            let basis = figure.basis(&report);
            view! {
                <div class="figure-card" data-testid=format!("figure-{id}")>
                    <h3>{move || figure_name(i18n, figure)}</h3>
                    <p class="figure-value" data-testid=format!("figure-{id}-value")>{value}</p>
                    {(!basis.is_empty()).then(|| view! {
                        <p class="figure-basis" data-testid=format!("figure-{id}-basis")>{basis}</p>
                    })}
                    <p class="figure-formula">{move || figure_formula(i18n, figure)}</p>
                </div>
            }
        })
        .collect_view()
}

/// The filter form's fields, by query parameter name.
const FILTER_FIELDS: [&str; 7] = [
    "area", "severity", "district", "street", "grid", "from", "to",
];

#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let location = use_location();
    let navigate = use_navigate();
    let current = Memo::new(move |_| DashboardView::from_query(&location.search.get()));
    let stats = LocalResource::new(move || {
        let query = current.get().query;
        async move { api.stats(&query).await }
    });
    let go = {
        let navigate = navigate.clone();
        move |view: DashboardView| {
            navigate(
                &routes::dashboard(&view.to_query()),
                NavigateOptions::default(),
            )
        }
    };

    let form_ref = NodeRef::<leptos::html::Form>::new();
    let submit = {
        let go = go.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(form) = form_ref.get_untracked() else {
                return;
            };
            let form: &web_sys::HtmlFormElement = form.unchecked_ref();
            let Ok(data) = web_sys::FormData::new_with_form(form) else {
                return;
            };
            let now = current.get_untracked();
            let mut query = form_urlencoded::Serializer::new(String::new());
            for name in FILTER_FIELDS {
                if let Some(value) = data.get(name).as_string().filter(|v| !v.trim().is_empty()) {
                    query.append_pair(name, &value);
                }
            }
            let mut next = DashboardView::from_query(&query.finish());
            next.query.group = now.query.group;
            next.figure = now.figure;
            go(next);
        }
    };
    let clear = {
        let go = go.clone();
        move |_| go(current.get_untracked().unfiltered())
    };
    let regroup = {
        let go = go.clone();
        move |event: leptos::ev::Event| {
            let code = event_target_value(&event);
            if let Some(dimension) = Dimension::ALL.into_iter().find(|d| d.code() == code) {
                go(current.get_untracked().grouped_by(dimension));
            }
        }
    };
    let chart_figure = {
        let go = go.clone();
        move |event: leptos::ev::Event| {
            if let Some(figure) = Figure::from_id(&event_target_value(&event)) {
                go(current.get_untracked().charting(figure));
            }
        }
    };
    let value = move |get: fn(&DashboardView) -> Option<String>| {
        move || get(&current.get()).unwrap_or_default()
    };

    view! {
        <section class="dashboard-page" data-testid="dashboard">
            <header class="page-header">
                <h1>{move || t_string!(i18n, dashboard.title)}</h1>
                <div class="actions no-print">
                    <A href=routes::quarterly("") attr:class="button" attr:data-testid="quarterly-link">
                        {move || t_string!(i18n, dashboard.quarterly)}
                    </A>
                </div>
            </header>
            <form class="filters no-print" node_ref=form_ref on:submit=submit data-testid="dashboard-filters">
                <label>
                    {move || t_string!(i18n, ledger.col_area)}
                    <select name="area" prop:value=value(|v| v.query.area.map(|a| a.code().to_owned()))>
                        <option value="">{move || t_string!(i18n, ledger.any)}</option>
                        {Area::ALL
                            .into_iter()
                            .map(|area| view! { <option value=area.code()>{move || labels::area(i18n, area)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {move || t_string!(i18n, ledger.col_severity)}
                    <select name="severity" prop:value=value(|v| v.query.severity.map(|s| s.code().to_owned()))>
                        <option value="">{move || t_string!(i18n, ledger.any)}</option>
                        {Severity::ALL
                            .into_iter()
                            .map(|s| view! { <option value=s.code()>{move || labels::severity(i18n, s)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {move || t_string!(i18n, ledger.district)}
                    <input name="district" size="8" prop:value=value(|v| v.query.district.as_ref().map(|c| c.as_str().to_owned())) />
                </label>
                <label>
                    {move || t_string!(i18n, ledger.street)}
                    <input name="street" size="10" prop:value=value(|v| v.query.street.as_ref().map(|c| c.as_str().to_owned())) />
                </label>
                <label>
                    {move || t_string!(i18n, ledger.grid)}
                    <input name="grid" size="12" prop:value=value(|v| v.query.grid.as_ref().map(|c| c.as_str().to_owned())) />
                </label>
                <label>
                    {move || t_string!(i18n, dashboard.from)}
                    <input name="from" type="date" prop:value=value(|v| v.query.from.map(labels::day)) />
                </label>
                <label>
                    {move || t_string!(i18n, dashboard.to)}
                    <input name="to" type="date" prop:value=value(|v| v.query.to.map(labels::day)) />
                </label>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="dashboard-apply">
                        {move || t_string!(i18n, ledger.apply)}
                    </button>
                    <button type="button" on:click=clear>
                        {move || t_string!(i18n, ledger.clear)}
                    </button>
                </div>
            </form>
            {move || {
                let ignored = current.get().ignored;
                (!ignored.is_empty())
                    .then(|| {
                        view! {
                            <p class="notice" role="status">
                                {t_string!(i18n, ledger.ignored)} " " {ignored.join(", ")}
                            </p>
                        }
                    })
            }}
            <Transition fallback=move || view! { <p>{t_string!(i18n, loading)}</p> }>
                {move || {
                    let regroup = regroup.clone();
                    let chart_figure = chart_figure.clone();
                    Suspend::new(async move {
                    match stats.await {
                        Err(error) => {
                            view! { <p class="error" role="alert">{labels::error(i18n, &error)}</p> }
                                .into_any()
                        }
                        Ok(response) => {
                            let view = current.get_untracked();
                            report_view(i18n, response, view, regroup, chart_figure)
                                .into_any()
                        }
                    }
                    })
                }}
            </Transition>
        </section>
    }
}

fn report_view(
    i18n: I18nContext<Locale>,
    response: StatsResponse,
    view: DashboardView,
    regroup: impl Fn(leptos::ev::Event) + Clone + 'static,
    chart_figure: impl Fn(leptos::ev::Event) + Clone + 'static,
) -> impl IntoView {
    let names = Names(i18n);
    let group = view.query.group.unwrap_or(Dimension::Area);
    let figure = view.figure;
    let bars = dashboard::bars(&response, figure, &names);
    let chart = BarChart::new(&bars, figure.format(), BarLayout::default());
    let lines = quarterly::group_lines(&response.groups, &names);
    let status = GoalStatus::of(&response);
    let step = StepChart::new(
        &dashboard::open_major_points(&response),
        status.goal,
        t_string!(i18n, dashboard.goal_marker),
        StepLayout::default(),
    );
    let chart_title = format!(
        "{} · {}",
        figure_name(i18n, figure),
        dimension_name(i18n, group)
    );
    view! {
        <p class="as-of">{t_string!(i18n, dashboard.as_of)} " " {labels::time(response.now)}</p>
        <div class="figure-cards" data-testid="figure-cards">
            <FigureCards report=response.overall.clone() />
        </div>
        <h2>{t_string!(i18n, dashboard.by_group)}</h2>
        <div class="chart-controls no-print">
            <label>
                {t_string!(i18n, dashboard.group)}
                <select data-testid="dashboard-group" prop:value=group.code() on:change=regroup>
                    {GROUPINGS
                        .into_iter()
                        .map(|d| view! { <option value=d.code() selected={d == group}>{dimension_name(i18n, d)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t_string!(i18n, dashboard.figure)}
                <select data-testid="dashboard-figure" prop:value=figure.id() on:change=chart_figure>
                    {Figure::ALL
                        .into_iter()
                        .map(|f| view! { <option value=f.id() selected={f == figure}>{figure_name(i18n, f)}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
        {if bars.is_empty() {
            view! { <p class="empty">{t_string!(i18n, dashboard.no_groups)}</p> }.into_any()
        } else {
            view! {
                <figure class="chart-figure" data-testid="group-chart">
                    <BarChartView chart=chart title=chart_title />
                    <figcaption>{figure_formula(i18n, figure)}</figcaption>
                </figure>
                <table class="ledger stats-table" data-testid="group-table">
                    <thead>
                        <tr>
                            <th>{dimension_name(i18n, group)}</th>
                            {quarterly::GROUP_COLUMNS
                                .into_iter()
                                .map(|f| view! { <th>{figure_name(i18n, f)}</th> })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {lines
                            .into_iter()
                            .map(|line| view! {
                                <tr>
                                    <th scope="row">{line.name}</th>
                                    {line.cells.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
        <h2>{t_string!(i18n, dashboard.open_major_title)}</h2>
        <p class="goal-status" data-testid="goal-status">
            {t_string!(i18n, dashboard.open_now)} " "
            <strong data-testid="open-major-now">{status.open}</strong>
            " · " {t_string!(i18n, dashboard.goal_date)} " " {labels::day(response.goal)}
            " · " {t_string!(i18n, dashboard.months_left)} " " {status.months_left}
            " · " {t_string!(i18n, dashboard.per_month_needed)} " " {status.per_month_needed}
        </p>
        <figure class="chart-figure" data-testid="open-major-chart">
            <StepChartView chart=step title=t_string!(i18n, dashboard.open_major_title) />
            <figcaption>{t_string!(i18n, dashboard.open_major_formula)}</figcaption>
        </figure>
    }
}
