//! Statistics for the dashboard and the quarterly report (`GET /api/stats`,
//! `GET /api/stats/quarterly`). Every figure is a [`crate::stats::Report`], computed as
//! [`crate::stats`] defines it; the server sums per-hazard facts the domain fills in
//! (per-hazard facts) instead of loading every hazard.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::{
    hazard::Severity,
    region::{RegionCode, Scope},
    site::Area,
    stats::{Dimension, GroupValue, Report},
};

/// `GET`: the dashboard's figures, `/api/stats?group=<dimension>&area=…`; query
/// [`StatsQuery`], answer [`StatsResponse`]. Supervisors and administrators.
pub const STATS_PATH: &str = "/api/stats";

/// `GET`: the quarterly statistics report, `/api/stats/quarterly?year=YYYY&quarter=1..4`;
/// query [`QuarterlyQuery`], answer [`QuarterlyReport`]. Supervisors and administrators.
pub const STATS_QUARTERLY_PATH: &str = "/api/stats/quarterly";

/// The first month of the three-year campaign (治本攻坚三年行动, 2024–2026).
pub const CAMPAIGN_START: YearMonth = YearMonth {
    year: 2024,
    month: 1,
};

/// The campaign's goal date: by the end of 2026 major hazards are cleared as they arise
/// (动态清零, standards.md §6).
pub fn campaign_goal() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or(NaiveDate::MIN)
}

/// Query of `GET /api/stats`. Every parameter is optional; a value that does not parse is
/// `400 bad_query` naming the parameter.
///
/// Filters apply to hazards and, where the inspection has the same attribute, to inspections:
/// `area` (the template's area) and the region filters to both, `severity` to hazards only
/// (an inspection has no level), `from`/`to` (Shanghai calendar dates, inclusive) to the
/// hazard's report time and the inspection's end time. Region filters narrow within the
/// caller's scope; a region outside it gives empty figures.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "snake_case")]
pub struct StatsQuery {
    /// Group by this dimension (`area`, `severity`, `district`, `street`, `grid`, `month`,
    /// `quarter`); without it, `groups` is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Dimension>,
    /// Only this area (`gas`, `factory_warehouse`, `ebike`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    /// Only hazards of this level (`general`, `major`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Only this district (code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<RegionCode>,
    /// Only this street (code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<RegionCode>,
    /// Only this grid (code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<RegionCode>,
    /// From this date (Shanghai, inclusive), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// To this date (Shanghai, inclusive), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

impl StatsQuery {
    /// The query as `key=value` pairs, in a stable order (for building a URL; codes and
    /// dates need no escaping).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(group) = self.group {
            pairs.push(("group", group.code().to_owned()));
        }
        if let Some(area) = self.area {
            pairs.push(("area", area.code().to_owned()));
        }
        if let Some(severity) = self.severity {
            pairs.push((
                "severity",
                match severity {
                    Severity::General => "general",
                    Severity::Major => "major",
                }
                .to_owned(),
            ));
        }
        for (key, code) in [
            ("district", &self.district),
            ("street", &self.street),
            ("grid", &self.grid),
        ] {
            if let Some(code) = code {
                pairs.push((key, code.as_str().to_owned()));
            }
        }
        for (key, date) in [("from", self.from), ("to", self.to)] {
            if let Some(date) = date {
                pairs.push((key, date.format("%Y-%m-%d").to_string()));
            }
        }
        pairs
    }

    /// `/api/stats?…` for this query.
    pub fn url(&self) -> String {
        let pairs = self.to_pairs();
        if pairs.is_empty() {
            return STATS_PATH.to_owned();
        }
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{STATS_PATH}?{}", query.join("&"))
    }

    /// Checks what the parameters say together: `from` must not be after `to`.
    pub fn check(&self) -> Result<(), StatsQueryError> {
        match (self.from, self.to) {
            (Some(from), Some(to)) if from > to => Err(StatsQueryError::EmptyRange { from, to }),
            _ => Ok(()),
        }
    }
}

/// A [`StatsQuery`] whose parameters parse one by one but not together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsQueryError {
    /// `from` is after `to`.
    #[error("from ({from}) is after to ({to})")]
    EmptyRange {
        /// `from`.
        from: NaiveDate,
        /// `to`.
        to: NaiveDate,
    },
}

/// A calendar month, written `YYYY-MM` on the wire.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    /// The year.
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl YearMonth {
    /// The month, if `month` is 1–12.
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        (1..=12)
            .contains(&month)
            .then_some(YearMonth { year, month })
    }

    /// The month of a date.
    pub fn of(date: NaiveDate) -> YearMonth {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The month after this one.
    pub fn next(self) -> YearMonth {
        if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    /// `year * 100 + month`, e.g. 202503 (how the database stores a month).
    pub fn number(self) -> i32 {
        self.year * 100 + self.month as i32
    }

    /// The month of a [`YearMonth::number`].
    pub fn from_number(number: i32) -> Option<YearMonth> {
        YearMonth::new(number.div_euclid(100), number.rem_euclid(100) as u32)
    }

    /// Reads `YYYY-MM`.
    pub fn parse(text: &str) -> Result<YearMonth, BadYearMonth> {
        let bad = || BadYearMonth(text.to_owned());
        let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        YearMonth::new(year, month).ok_or_else(bad)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = BadYearMonth;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        YearMonth::parse(&value)
    }
}

impl From<YearMonth> for String {
    fn from(value: YearMonth) -> Self {
        value.to_string()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for YearMonth {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}-(0[1-9]|1[0-2])$"))
            .description(Some("A calendar month, `YYYY-MM`"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for YearMonth {}

/// Not a `YYYY-MM` month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a month (YYYY-MM)")]
pub struct BadYearMonth(pub String);

/// The figures of one group: hazards and inspections sharing the values of `key`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct StatsGroup {
    /// One value per grouping dimension (one, for `GET /api/stats?group=…`).
    pub key: Vec<GroupValue>,
    /// The group's figures.
    pub report: Report,
}

/// Open major hazards at the end of one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct OpenMajorPoint {
    /// The month (Shanghai calendar).
    pub month: YearMonth,
    /// Major hazards (level as it is now, dismissed left out) reported by the end of the
    /// month and not closed by then ; for the current month,
    /// as of now.
    pub open: u64,
}

/// Body of `GET /api/stats`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct StatsResponse {
    /// The instant the time-dependent figures (on-time rate, overdue) were computed at.
    pub now: DateTime<Utc>,
    /// The query as the server understood it.
    pub query: StatsQuery,
    /// Every hazard and inspection the query selects, in the caller's scope.
    pub overall: Report,
    /// One entry per group when `group` is given (sorted by key; groups with inspections only
    /// are included), else empty.
    pub groups: Vec<StatsGroup>,
    /// Open major hazards at the end of each month from [`CAMPAIGN_START`] to the current
    /// month (at most to the goal's month), with the query's filters except `from`/`to`.
    pub open_major: Vec<OpenMajorPoint>,
    /// The campaign's goal date ([`campaign_goal`]): open major hazards cleared.
    pub goal: NaiveDate,
}

/// A calendar quarter, 1–4.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "u32", into = "u32")]
pub struct Quarter(u32);

impl Quarter {
    /// The quarter, if 1–4.
    pub fn new(quarter: u32) -> Option<Quarter> {
        (1..=4).contains(&quarter).then_some(Quarter(quarter))
    }

    /// 1–4.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The quarter a month lies in.
    pub fn of_month(month: u32) -> Quarter {
        Quarter((month.clamp(1, 12) - 1) / 3 + 1)
    }
}

impl TryFrom<u32> for Quarter {
    type Error = BadQuarter;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Quarter::new(value).ok_or(BadQuarter(value))
    }
}

impl From<Quarter> for u32 {
    fn from(value: Quarter) -> Self {
        value.0
    }
}

/// Not a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a quarter (1 to 4)")]
pub struct BadQuarter(pub u32);

/// A year the statistics cover: 2000–2100.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "i32", into = "i32")]
pub struct ReportYear(i32);

impl ReportYear {
    /// The year, if 2000–2100.
    pub fn new(year: i32) -> Option<ReportYear> {
        (2000..=2100).contains(&year).then_some(ReportYear(year))
    }

    /// The year.
    pub fn get(self) -> i32 {
        self.0
    }
}

impl TryFrom<i32> for ReportYear {
    type Error = BadReportYear;
    fn try_from(value: i32) -> Result<Self, Self::Error> {
        ReportYear::new(value).ok_or(BadReportYear(value))
    }
}

impl From<ReportYear> for i32 {
    fn from(value: ReportYear) -> Self {
        value.0
    }
}

/// Not a year the statistics cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a year from 2000 to 2100")]
pub struct BadReportYear(pub i32);

/// Query of `GET /api/stats/quarterly`: both required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "snake_case")]
pub struct QuarterlyQuery {
    /// The year, e.g. 2025.
    pub year: ReportYear,
    /// The quarter, 1–4.
    pub quarter: Quarter,
}

impl QuarterlyQuery {
    /// The first day of the quarter.
    pub fn first_day(self) -> NaiveDate {
        YearMonth {
            year: self.year.get(),
            month: (self.quarter.get() - 1) * 3 + 1,
        }
        .first_day()
    }

    /// The last day of the quarter.
    pub fn last_day(self) -> NaiveDate {
        YearMonth {
            year: self.year.get(),
            month: self.quarter.get() * 3,
        }
        .last_day()
    }

    /// The deadline for reporting the quarter (16号令: before the 15th of the quarter that
    /// follows, i.e. the 15th of its first month; the year's fourth quarter goes with the
    /// annual report by 31 January, see [`QuarterlyReport::annual_due_by`]).
    pub fn due_by(self) -> NaiveDate {
        let next = YearMonth {
            year: self.year.get(),
            month: self.quarter.get() * 3,
        }
        .next();
        NaiveDate::from_ymd_opt(next.year, next.month, 15).unwrap_or(NaiveDate::MIN)
    }

    /// `/api/stats/quarterly?year=…&quarter=…`.
    pub fn url(self) -> String {
        format!(
            "{STATS_QUARTERLY_PATH}?year={}&quarter={}",
            self.year.get(),
            self.quarter.get()
        )
    }
}

/// Body of `GET /api/stats/quarterly`: the quarterly hazard statistics of the caller's scope
/// (隐患排查治理情况季度统计), as 16号令 asks them to be reported: by level, with the
/// quarter's figures and the year's to date, signed by the principal (主要负责人签字, a line
/// the printed page leaves blank).
///
/// Hazards count in the quarter they were reported in and inspections in the quarter they
/// ended in (Shanghai calendar); their state is as of `now` (the report is generated from the
/// current ledger), and the time-dependent figures use `now`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct QuarterlyReport {
    /// The year.
    pub year: ReportYear,
    /// The quarter.
    pub quarter: Quarter,
    /// The quarter's first day.
    pub period_start: NaiveDate,
    /// The quarter's last day.
    pub period_end: NaiveDate,
    /// The quarterly report is due by this date (the 15th of the following quarter's first
    /// month).
    pub due_by: NaiveDate,
    /// For the fourth quarter, the annual report's deadline (31 January of the next year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_due_by: Option<NaiveDate>,
    /// Whose figures these are: the caller's scope.
    pub scope: Scope,
    /// When the report was generated (the time-dependent figures' `now`).
    pub now: DateTime<Utc>,
    /// The quarter.
    pub quarter_report: Report,
    /// From 1 January to the quarter's end (累计).
    pub year_to_date: Report,
    /// The quarter by level (一般/重大).
    pub by_severity: Vec<StatsGroup>,
    /// The quarter by area (燃气/厂房仓库/电动自行车).
    pub by_area: Vec<StatsGroup>,
    /// The quarter by the next region level below the scope (districts for the city, streets
    /// for a district, grids for a street or grid).
    pub by_region: Vec<StatsGroup>,
    /// Open major hazards at the quarter's end (重大隐患存量), or now if the quarter has not
    /// ended.
    pub open_major_at_end: u64,
    /// Open major hazards at the end of the previous quarter, to show the change.
    pub open_major_at_start: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stats_query_reads_its_parameters_into_newtypes_and_writes_them_back() {
        let query: StatsQuery = serde_json::from_value(serde_json::json!({
            "group": "street", "area": "gas", "severity": "major", "district": "310104",
            "from": "2025-01-01", "to": "2025-03-31"
        }))
        .unwrap();
        assert_eq!(query.group, Some(Dimension::Street));
        assert_eq!(query.area, Some(Area::Gas));
        assert_eq!(query.severity, Some(Severity::Major));
        assert_eq!(
            query.url(),
            "/api/stats?group=street&area=gas&severity=major&district=310104&from=2025-01-01&to=2025-03-31"
        );
        assert!(query.check().is_ok());
        let bad = StatsQuery {
            from: NaiveDate::from_ymd_opt(2025, 2, 1),
            to: NaiveDate::from_ymd_opt(2025, 1, 1),
            ..StatsQuery::default()
        };
        assert!(bad.check().is_err());
        for bad in [
            serde_json::json!({"group": "week"}),
            serde_json::json!({"area": "water"}),
            serde_json::json!({"district": "徐汇"}),
            serde_json::json!({"from": "2025-13-01"}),
        ] {
            assert!(serde_json::from_value::<StatsQuery>(bad).is_err());
        }
        assert_eq!(StatsQuery::default().url(), STATS_PATH);
    }

    #[test]
    fn months_and_quarters_parse_and_bound_their_periods() {
        let m = YearMonth::parse("2024-02").unwrap();
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(m.number(), 202402);
        assert_eq!(YearMonth::from_number(202402), Some(m));
        assert_eq!(
            YearMonth::parse("2024-12").unwrap().next().to_string(),
            "2025-01"
        );
        assert!(YearMonth::parse("2024-13").is_err() && YearMonth::parse("24-01").is_err());
        assert_eq!(serde_json::to_value(m).unwrap(), "2024-02");

        let q: QuarterlyQuery =
            serde_json::from_value(serde_json::json!({"year": 2025, "quarter": 4})).unwrap();
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2025, 10, 1).unwrap());
        assert_eq!(q.last_day(), NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
        assert_eq!(q.due_by(), NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
        assert_eq!(q.url(), "/api/stats/quarterly?year=2025&quarter=4");
        assert!(
            serde_json::from_value::<QuarterlyQuery>(
                serde_json::json!({"year": 2025, "quarter": 5})
            )
            .is_err()
        );
        assert!(
            serde_json::from_value::<QuarterlyQuery>(
                serde_json::json!({"year": 1999, "quarter": 1})
            )
            .is_err()
        );
        assert_eq!(Quarter::of_month(12).get(), 4);
    }
}
