//! The dashboard's logic: which figures it shows and how each is written (value and
//! numerator/denominator, from the domain's [`Report`]), the view in the URL (grouping, the
//! charted figure and the filters of `GET /api/stats`), the bars of the chart by group and the
//! series of open major hazards against the campaign's goal.
//!
//! Reading the URL is lenient like the ledger's ([`crate::filter`]): a parameter that does
//! not parse is dropped and named in [`DashboardView::ignored`].

use anxun_domain::{
    api::stats::{StatsQuery, StatsResponse, YearMonth},
    hazard::Severity,
    region::RegionCode,
    site::Area,
    stats::{Dimension, GroupValue, Ratio, Report},
};
use chrono::NaiveDate;

use crate::charts::{BarInput, ValueFormat};

/// One figure of standards.md §7, as the domain computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// 隐患整改率.
    RectificationRate,
    /// 重大隐患整改率.
    MajorRectificationRate,
    /// 按期整改率.
    OnTimeRate,
    /// 千次检查隐患发现率.
    HazardsPerThousand,
    /// 千次检查重大隐患发现率.
    MajorHazardsPerThousand,
    /// 挂牌督办率.
    ListedSupervisionRate,
    /// 逾期未改数.
    Overdue,
    /// 平均整改时长 (days).
    MeanDaysToClose,
    /// 复查一次通过率.
    FirstPassRate,
    /// 隐患数 (the hazards counted).
    Hazards,
}

impl Figure {
    /// The figures in the order the dashboard shows them.
    pub const ALL: [Figure; 10] = [
        Figure::RectificationRate,
        Figure::MajorRectificationRate,
        Figure::OnTimeRate,
        Figure::HazardsPerThousand,
        Figure::MajorHazardsPerThousand,
        Figure::ListedSupervisionRate,
        Figure::Overdue,
        Figure::MeanDaysToClose,
        Figure::FirstPassRate,
        Figure::Hazards,
    ];

    /// A stable name (URL parameter `figure`, test ids, the `Report` field it shows).
    pub fn id(self) -> &'static str {
        match self {
            Figure::RectificationRate => "rectification_rate",
            Figure::MajorRectificationRate => "major_rectification_rate",
            Figure::OnTimeRate => "on_time_rate",
            Figure::HazardsPerThousand => "hazards_per_thousand",
            Figure::MajorHazardsPerThousand => "major_hazards_per_thousand",
            Figure::ListedSupervisionRate => "listed_supervision_rate",
            Figure::Overdue => "overdue",
            Figure::MeanDaysToClose => "mean_days_to_close",
            Figure::FirstPassRate => "first_pass_rate",
            Figure::Hazards => "hazards",
        }
    }

    /// The figure with this [`Figure::id`].
    pub fn from_id(id: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.id() == id)
    }

    /// How its value is written.
    pub fn format(self) -> ValueFormat {
        match self {
            Figure::Overdue | Figure::Hazards => ValueFormat::Count,
            Figure::HazardsPerThousand
            | Figure::MajorHazardsPerThousand
            | Figure::MeanDaysToClose => ValueFormat::Decimal,
            _ => ValueFormat::Percent,
        }
    }

    /// The rate behind a proportion.
    pub fn ratio(self, report: &Report) -> Option<Ratio> {
        match self {
            Figure::RectificationRate => Some(report.rectification_rate),
            Figure::MajorRectificationRate => Some(report.major_rectification_rate),
            Figure::OnTimeRate => Some(report.on_time_rate),
            Figure::ListedSupervisionRate => Some(report.listed_supervision_rate),
            Figure::FirstPassRate => Some(report.first_pass_rate),
            _ => None,
        }
    }

    /// The value, `None` when undefined (no denominator, no inspections, nothing closed).
    pub fn value(self, report: &Report) -> Option<f64> {
        if let Some(ratio) = self.ratio(report) {
            return ratio.value();
        }
        match self {
            Figure::HazardsPerThousand => report.hazards_per_thousand,
            Figure::MajorHazardsPerThousand => report.major_hazards_per_thousand,
            Figure::Overdue => Some(report.overdue as f64),
            Figure::MeanDaysToClose => report.mean_days_to_close,
            Figure::Hazards => Some(report.hazards as f64),
            _ => None,
        }
    }

    /// What the value is computed from, as `numerator/denominator` (hazards found in
    /// inspections / completed inspections for the per-thousand figures, closed hazards for
    /// the mean time), or empty for plain counts.
    pub fn basis(self, report: &Report) -> String {
        if let Some(ratio) = self.ratio(report) {
            return format!("{}/{}", ratio.numerator, ratio.denominator);
        }
        match self {
            Figure::HazardsPerThousand | Figure::MajorHazardsPerThousand => {
                let found = self
                    .value(report)
                    .map(|v| (v * report.inspections as f64 / 1000.0).round() as u64)
                    .unwrap_or(0);
                format!("{found}/{}", report.inspections)
            }
            Figure::MeanDaysToClose => report.rectification_rate.numerator.to_string(),
            _ => String::new(),
        }
    }

    /// The value as written on a card: `97.3%`, `12`, `4.5`, or `—` when undefined.
    pub fn text(self, report: &Report) -> String {
        self.value(report)
            .map(|v| self.format().value(v))
            .unwrap_or_else(|| UNDEFINED.to_owned())
    }
}

/// A figure that cannot be computed (zero denominator).
pub const UNDEFINED: &str = "—";

/// The groupings the selector offers, in order.
pub const GROUPINGS: [Dimension; 6] = [
    Dimension::Area,
    Dimension::Severity,
    Dimension::District,
    Dimension::Street,
    Dimension::Grid,
    Dimension::Month,
];

/// What the dashboard shows: the query of `GET /api/stats` (always grouped) and the figure
/// charted by group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardView {
    pub query: StatsQuery,
    pub figure: Figure,
    /// Names of parameters whose values did not parse or are unknown.
    pub ignored: Vec<String>,
}

impl Default for DashboardView {
    fn default() -> Self {
        DashboardView {
            query: StatsQuery {
                group: Some(Dimension::Area),
                ..StatsQuery::default()
            },
            figure: Figure::RectificationRate,
            ignored: Vec::new(),
        }
    }
}

fn code<T: serde::de::DeserializeOwned>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
}

impl DashboardView {
    /// Reads the console's query string (with or without `?`).
    pub fn from_query(query: &str) -> DashboardView {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut view = DashboardView::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = value.trim();
            let ok = match name.as_ref() {
                "group" => code::<Dimension>(value).map(|d| view.query.group = Some(d)),
                "figure" => Figure::from_id(value).map(|f| view.figure = f),
                "area" => code::<Area>(value).map(|a| view.query.area = Some(a)),
                "severity" => code::<Severity>(value).map(|s| view.query.severity = Some(s)),
                "district" => RegionCode::parse(value)
                    .ok()
                    .map(|c| view.query.district = Some(c)),
                "street" => RegionCode::parse(value)
                    .ok()
                    .map(|c| view.query.street = Some(c)),
                "grid" => RegionCode::parse(value)
                    .ok()
                    .map(|c| view.query.grid = Some(c)),
                "from" => date(value).map(|d| view.query.from = Some(d)),
                "to" => date(value).map(|d| view.query.to = Some(d)),
                _ => None,
            };
            if ok.is_none() {
                view.ignored.push(name.into_owned());
            }
        }
        if view.query.check().is_err() {
            view.query.to = None;
            view.ignored.push("to".to_owned());
        }
        view
    }

    /// The console's query string (without `?`): the stats query and the figure, when not the
    /// default one.
    pub fn to_query(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.query.to_pairs() {
            out.append_pair(key, &value);
        }
        if self.figure != Figure::RectificationRate {
            out.append_pair("figure", self.figure.id());
        }
        out.finish()
    }

    /// The same view grouped by `group`.
    pub fn grouped_by(&self, group: Dimension) -> DashboardView {
        let mut view = self.clone();
        view.query.group = Some(group);
        view
    }

    /// The same view charting `figure`.
    pub fn charting(&self, figure: Figure) -> DashboardView {
        DashboardView {
            figure,
            ..self.clone()
        }
    }

    /// The same grouping and figure without filters.
    pub fn unfiltered(&self) -> DashboardView {
        DashboardView {
            query: StatsQuery {
                group: self.query.group,
                ..StatsQuery::default()
            },
            figure: self.figure,
            ignored: Vec::new(),
        }
    }
}

/// `YYYY-MM-DD`.
pub fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Names for group values that need translating (the caller's translation files).
pub trait GroupNames {
    fn area(&self, area: Area) -> String;
    fn severity(&self, severity: Severity) -> String;
    /// A quarter, e.g. `2025年第1季度` / `2025 Q1`.
    fn quarter(&self, year: i32, quarter: u32) -> String;
}

/// A group's name: the area or level translated, region codes as they are (street and grid
/// within their parents), months as `YYYY-MM`.
pub fn group_name(value: &GroupValue, names: &impl GroupNames) -> String {
    match value {
        GroupValue::Area { area } => names.area(*area),
        GroupValue::Severity { severity } => names.severity(*severity),
        GroupValue::District { district } => district.as_str().to_owned(),
        GroupValue::Street { district, street } => {
            format!("{} / {}", district.as_str(), street.as_str())
        }
        GroupValue::Grid { region } => format!(
            "{} / {} / {}",
            region.district.as_str(),
            region.street.as_str(),
            region.grid.as_str()
        ),
        GroupValue::Month { year, month } => format!("{year:04}-{month:02}"),
        GroupValue::Quarter { year, quarter } => names.quarter(*year, *quarter),
    }
}

/// The name of a group key (one value per dimension; joined if there are several).
pub fn key_name(key: &[GroupValue], names: &impl GroupNames) -> String {
    key.iter()
        .map(|v| group_name(v, names))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The bars of the chart by group: one per group of the answer, in its order.
pub fn bars(response: &StatsResponse, figure: Figure, names: &impl GroupNames) -> Vec<BarInput> {
    response
        .groups
        .iter()
        .map(|group| BarInput {
            label: key_name(&group.key, names),
            value: figure.value(&group.report),
            detail: figure.basis(&group.report),
        })
        .collect()
}

/// The open major hazards per month, for the step chart.
pub fn open_major_points(response: &StatsResponse) -> Vec<(YearMonth, u64)> {
    response
        .open_major
        .iter()
        .map(|p| (p.month, p.open))
        .collect()
}

/// Where the count of open major hazards stands against the goal of clearing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoalStatus {
    /// Open major hazards now (the last month of the series).
    pub open: u64,
    /// The goal's month.
    pub goal: YearMonth,
    /// Whole months left until the goal's month ends (0 in that month).
    pub months_left: usize,
    /// Major hazards to close per month from now on to reach zero by the goal (rounded up).
    pub per_month_needed: u64,
}

impl GoalStatus {
    /// The status from the answer.
    pub fn of(response: &StatsResponse) -> GoalStatus {
        let goal = YearMonth::of(response.goal);
        let (open, now) = response
            .open_major
            .last()
            .map_or((0, YearMonth::of(response.now.date_naive())), |p| {
                (p.open, p.month)
            });
        let months_left = crate::charts::months_between(now, goal);
        let per_month_needed = if open == 0 {
            0
        } else {
            open.div_ceil(months_left.max(1) as u64)
        };
        GoalStatus {
            open,
            goal,
            months_left,
            per_month_needed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anxun_domain::{
        api::stats::{OpenMajorPoint, StatsGroup},
        region::RegionPath,
    };

    fn ratio(numerator: u64, denominator: u64) -> Ratio {
        Ratio {
            numerator,
            denominator,
        }
    }

    fn report() -> Report {
        Report {
            hazards: 40,
            inspections: 800,
            rectification_rate: ratio(30, 40),
            major_rectification_rate: ratio(1, 4),
            on_time_rate: ratio(0, 0),
            hazards_per_thousand: Some(45.0),
            major_hazards_per_thousand: Some(5.0),
            listed_supervision_rate: ratio(3, 4),
            overdue: 2,
            mean_days_to_close: Some(6.3),
            first_pass_rate: ratio(9, 10),
        }
    }

    struct Names;
    impl GroupNames for Names {
        fn area(&self, area: Area) -> String {
            format!("area:{}", area.code())
        }
        fn severity(&self, severity: Severity) -> String {
            format!("severity:{}", severity.code())
        }
        fn quarter(&self, year: i32, quarter: u32) -> String {
            format!("{year}Q{quarter}")
        }
    }

    #[test]
    fn figures_read_the_report_and_write_value_and_basis() {
        let r = report();
        assert_eq!(Figure::RectificationRate.text(&r), "75.0%");
        assert_eq!(Figure::RectificationRate.basis(&r), "30/40");
        assert_eq!(Figure::MajorRectificationRate.text(&r), "25.0%");
        assert_eq!(Figure::OnTimeRate.text(&r), UNDEFINED);
        assert_eq!(Figure::OnTimeRate.basis(&r), "0/0");
        assert_eq!(Figure::OnTimeRate.value(&r), None);
        // 36 hazards found in 800 inspections = 45 per 1,000.
        assert_eq!(Figure::HazardsPerThousand.text(&r), "45.0");
        assert_eq!(Figure::HazardsPerThousand.basis(&r), "36/800");
        assert_eq!(Figure::MajorHazardsPerThousand.basis(&r), "4/800");
        assert_eq!(Figure::Overdue.text(&r), "2");
        assert_eq!(Figure::Overdue.basis(&r), "");
        assert_eq!(Figure::MeanDaysToClose.text(&r), "6.3");
        assert_eq!(Figure::MeanDaysToClose.basis(&r), "30");
        assert_eq!(Figure::FirstPassRate.text(&r), "90.0%");
        assert_eq!(Figure::Hazards.text(&r), "40");
        let none = Report {
            hazards_per_thousand: None,
            mean_days_to_close: None,
            inspections: 0,
            ..report()
        };
        assert_eq!(Figure::HazardsPerThousand.text(&none), UNDEFINED);
        assert_eq!(Figure::HazardsPerThousand.basis(&none), "0/0");
        assert_eq!(Figure::MeanDaysToClose.text(&none), UNDEFINED);
        for figure in Figure::ALL {
            assert_eq!(Figure::from_id(figure.id()), Some(figure));
        }
    }

    #[test]
    fn the_view_reads_and_writes_the_url_dropping_what_does_not_parse() {
        let view = DashboardView::from_query(
            "?group=street&figure=overdue&area=gas&severity=major&district=310104&from=2025-01-01&to=2025-03-31",
        );
        assert!(view.ignored.is_empty(), "{:?}", view.ignored);
        assert_eq!(view.query.group, Some(Dimension::Street));
        assert_eq!(view.figure, Figure::Overdue);
        assert_eq!(view.query.severity, Some(Severity::Major));
        assert_eq!(
            view.to_query(),
            "group=street&area=gas&severity=major&district=310104&from=2025-01-01&to=2025-03-31&figure=overdue"
        );
        assert_eq!(DashboardView::from_query(&view.to_query()), view);

        let bad =
            DashboardView::from_query("group=week&area=water&from=2025-13-01&x=1&figure=nope");
        assert_eq!(bad.ignored, ["group", "area", "from", "x", "figure"]);
        assert_eq!(bad.query, DashboardView::default().query);
        // A range that ends before it starts loses its end.
        let reversed = DashboardView::from_query("from=2025-03-01&to=2025-01-01");
        assert_eq!(reversed.query.to, None);
        assert_eq!(reversed.ignored, ["to"]);
        // The default view groups by area and charts the rectification rate.
        assert_eq!(DashboardView::from_query("").to_query(), "group=area");
        let regrouped = view.grouped_by(Dimension::Month).charting(Figure::Hazards);
        assert_eq!(regrouped.query.group, Some(Dimension::Month));
        assert_eq!(regrouped.query.area, Some(Area::Gas));
        assert_eq!(
            regrouped.unfiltered().to_query(),
            "group=month&figure=hazards"
        );
    }

    fn response() -> StatsResponse {
        let path = RegionPath {
            district: RegionCode::parse("310104").unwrap(),
            street: RegionCode::parse("310104001").unwrap(),
            grid: RegionCode::parse("310104001001").unwrap(),
        };
        StatsResponse {
            now: "2026-11-23T02:00:00Z".parse().unwrap(),
            query: StatsQuery::default(),
            overall: report(),
            groups: vec![
                StatsGroup {
                    key: vec![GroupValue::Area { area: Area::Gas }],
                    report: report(),
                },
                StatsGroup {
                    key: vec![GroupValue::Grid { region: path }],
                    report: Report {
                        rectification_rate: ratio(0, 0),
                        ..report()
                    },
                },
                StatsGroup {
                    key: vec![GroupValue::Quarter {
                        year: 2025,
                        quarter: 2,
                    }],
                    report: report(),
                },
            ],
            open_major: vec![
                OpenMajorPoint {
                    month: YearMonth::parse("2026-10").unwrap(),
                    open: 9,
                },
                OpenMajorPoint {
                    month: YearMonth::parse("2026-11").unwrap(),
                    open: 5,
                },
            ],
            goal: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        }
    }

    #[test]
    fn bars_name_their_groups_and_carry_value_and_basis() {
        let bars = bars(&response(), Figure::RectificationRate, &Names);
        assert_eq!(bars.len(), 3);
        assert_eq!(bars[0].label, "area:gas");
        assert_eq!(bars[0].value, Some(0.75));
        assert_eq!(bars[0].detail, "30/40");
        assert_eq!(bars[1].label, "310104 / 310104001 / 310104001001");
        assert_eq!(bars[1].value, None);
        assert_eq!(bars[2].label, "2025Q2");
        assert_eq!(
            group_name(
                &GroupValue::Month {
                    year: 2025,
                    month: 3
                },
                &Names
            ),
            "2025-03"
        );
        assert_eq!(
            key_name(
                &[
                    GroupValue::Severity {
                        severity: Severity::Major
                    },
                    GroupValue::Area { area: Area::Ebike }
                ],
                &Names
            ),
            "severity:major · area:ebike"
        );
    }

    #[test]
    fn the_goal_status_says_what_pace_clears_the_open_major_hazards_in_time() {
        let response = response();
        assert_eq!(
            open_major_points(&response),
            vec![
                (YearMonth::parse("2026-10").unwrap(), 9),
                (YearMonth::parse("2026-11").unwrap(), 5)
            ]
        );
        let status = GoalStatus::of(&response);
        assert_eq!(status.open, 5);
        assert_eq!(status.goal.to_string(), "2026-12");
        assert_eq!(status.months_left, 1);
        assert_eq!(status.per_month_needed, 5);
        let cleared = StatsResponse {
            open_major: vec![OpenMajorPoint {
                month: YearMonth::parse("2025-01").unwrap(),
                open: 0,
            }],
            ..response.clone()
        };
        let status = GoalStatus::of(&cleared);
        assert_eq!((status.open, status.per_month_needed), (0, 0));
        assert_eq!(status.months_left, 23);
        let late = StatsResponse {
            open_major: vec![OpenMajorPoint {
                month: YearMonth::parse("2026-12").unwrap(),
                open: 3,
            }],
            ..response
        };
        assert_eq!(GoalStatus::of(&late).per_month_needed, 3);
    }
}
