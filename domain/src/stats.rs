//! Statistics (standards.md §7) as pure functions over summaries of hazards and inspections.
//!
//! Build the inputs with [`crate::hazard::Hazard::summary`] and
//! [`crate::inspection::Inspection::summary`] (or straight from database rows). Dismissed
//! hazards (撤销) are left out of every figure. Rates are [`Ratio`]s whose
//! [`value`](Ratio::value) is `None` when the denominator is zero. Periods use the Shanghai
//! calendar ([`crate::shanghai`]): a hazard belongs to the period it was reported in, an
//! inspection to the period it ended in.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};

use crate::{
    api::stats::{OpenMajorPoint, YearMonth},
    hazard::{HazardState, Severity},
    region::{RegionCode, RegionPath},
    shanghai,
    site::Area,
    tagged::{MissingField, required},
};

/// What statistics need to know about a hazard.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct HazardSummary {
    /// 领域.
    pub area: Area,
    /// Current level.
    pub severity: Severity,
    /// 区/街镇/网格.
    pub region: RegionPath,
    /// Whether it was found during an inspection (counts towards 千次检查发现率).
    pub from_inspection: bool,
    /// When reported.
    pub reported_at: DateTime<Utc>,
    /// Current deadline, if assigned.
    pub deadline: Option<DateTime<Utc>>,
    /// Lifecycle state.
    pub state: HazardState,
    /// When closed (销号), if closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Whether it was ever listed for supervision (挂牌督办).
    pub listed: bool,
    /// Result of the first re-inspection that was not an on-the-spot rectification.
    pub first_reinspection_passed: Option<bool>,
}

impl HazardSummary {
    fn counted(&self) -> bool {
        self.state != HazardState::Dismissed
    }

    fn closed(&self) -> bool {
        self.state == HazardState::Closed
    }

    /// Counted, closed and with a closing time: the whole seconds from report to closing.
    fn seconds_to_close(&self) -> Option<u64> {
        (self.counted() && self.closed())
            .then_some(self.closed_at)
            .flatten()
            .map(|c| (c - self.reported_at).num_seconds().max(0).unsigned_abs())
    }
}

/// What statistics need to know about an inspection.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct InspectionSummary {
    /// The template's area.
    pub area: Area,
    /// The site's region.
    pub region: RegionPath,
    /// When it ended (or started, for drafts).
    pub at: DateTime<Utc>,
    /// Only completed inspections count.
    pub completed: bool,
}

/// A rate as numerator and denominator.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Ratio {
    /// Numerator.
    pub numerator: u64,
    /// Denominator (≥ numerator).
    pub denominator: u64,
}

impl Ratio {
    /// `numerator / denominator` in [0, 1], or `None` when the denominator is zero.
    pub fn value(self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    fn count<T>(
        items: &[T],
        in_denominator: impl Fn(&T) -> bool,
        in_numerator: impl Fn(&T) -> bool,
    ) -> Ratio {
        let mut r = Ratio {
            numerator: 0,
            denominator: 0,
        };
        for item in items.iter().filter(|i| in_denominator(i)) {
            r.denominator += 1;
            if in_numerator(item) {
                r.numerator += 1;
            }
        }
        r
    }
}

/// 隐患整改率 = 已销号隐患数 ÷ 发现隐患总数.
///
/// "Rectified" means closed (复查通过并销号), not merely reported as fixed.
pub fn rectification_rate(hazards: &[HazardSummary]) -> Ratio {
    Ratio::count(hazards, HazardSummary::counted, HazardSummary::closed)
}

/// 重大隐患整改率 = 已销号重大隐患数 ÷ 重大隐患总数 (level as it is now).
pub fn major_rectification_rate(hazards: &[HazardSummary]) -> Ratio {
    Ratio::count(
        hazards,
        |h| h.counted() && h.severity == Severity::Major,
        HazardSummary::closed,
    )
}

/// 按期整改率 = 期限内销号数 ÷ 到期应整改数.
///
/// Due (到期应整改): hazards with a deadline that has passed at `now`, or that are closed.
/// On time: closed at or before the deadline. Hazards without a deadline (not assigned, or
/// rectified on the spot) are left out.
pub fn on_time_rate(hazards: &[HazardSummary], now: DateTime<Utc>) -> Ratio {
    Ratio::count(
        hazards,
        |h| h.counted() && h.deadline.is_some_and(|d| d <= now || h.closed()),
        |h| h.closed() && matches!((h.closed_at, h.deadline), (Some(c), Some(d)) if c <= d),
    )
}

/// 千次检查隐患发现率 = 检查中发现的隐患数 ÷ 已完成检查次数 × 1000.
///
/// Counts hazards found during inspections (not hotline or public reports); `None` when there
/// were no completed inspections. Not a proportion: it can exceed 1000.
pub fn hazards_per_thousand(
    hazards: &[HazardSummary],
    inspections: &[InspectionSummary],
) -> Option<f64> {
    per_thousand(hazards, inspections, |_| true)
}

/// 千次检查重大隐患发现率 = 检查中发现的重大隐患数 ÷ 已完成检查次数 × 1000.
pub fn major_hazards_per_thousand(
    hazards: &[HazardSummary],
    inspections: &[InspectionSummary],
) -> Option<f64> {
    per_thousand(hazards, inspections, |h| h.severity == Severity::Major)
}

fn per_thousand(
    hazards: &[HazardSummary],
    inspections: &[InspectionSummary],
    filter: impl Fn(&HazardSummary) -> bool,
) -> Option<f64> {
    let done = inspections.iter().filter(|i| i.completed).count();
    let found = hazards
        .iter()
        .filter(|h| h.counted() && h.from_inspection && filter(h))
        .count();
    thousandths(found as u64, done as u64)
}

fn thousandths(found: u64, inspections: u64) -> Option<f64> {
    (inspections > 0).then(|| found as f64 * 1000.0 / inspections as f64)
}

/// 挂牌督办率 = 已挂牌督办的重大隐患数 ÷ 重大隐患数.
pub fn listed_supervision_rate(hazards: &[HazardSummary]) -> Ratio {
    Ratio::count(
        hazards,
        |h| h.counted() && h.severity == Severity::Major,
        |h| h.listed,
    )
}

/// 逾期未改数 = hazards waiting for the responsible party (assigned or rectifying) whose
/// deadline is before `now` (the same rule as [`crate::hazard::Hazard::is_overdue`]).
pub fn overdue_count(hazards: &[HazardSummary], now: DateTime<Utc>) -> u64 {
    hazards
        .iter()
        .filter(|h| {
            matches!(h.state, HazardState::Assigned | HazardState::Rectifying)
                && h.deadline.is_some_and(|d| now > d)
        })
        .count() as u64
}

/// 平均整改时长 = Σ(销号时间 − 上账时间) ÷ 已销号隐患数, in days; `None` when nothing is closed.
///
/// Summed in whole seconds (a time closed before it was reported counts as 0), then divided,
/// so that sums of [`Tally`]s give the same value bit for bit.
pub fn mean_days_to_close(hazards: &[HazardSummary]) -> Option<f64> {
    let seconds: Vec<u64> = hazards
        .iter()
        .filter_map(HazardSummary::seconds_to_close)
        .collect();
    mean_days(seconds.iter().sum(), seconds.len() as u64)
}

fn mean_days(seconds: u64, closed: u64) -> Option<f64> {
    (closed > 0).then(|| seconds as f64 / 86_400.0 / closed as f64)
}

/// 复查一次通过率 = 首次复查即合格的隐患数 ÷ 经过复查的隐患数 (on-the-spot rectifications
/// are not re-inspections and are left out).
pub fn first_pass_rate(hazards: &[HazardSummary]) -> Ratio {
    Ratio::count(
        hazards,
        |h| h.counted() && h.first_reinspection_passed.is_some(),
        |h| h.first_reinspection_passed == Some(true),
    )
}

/// Every figure for one group.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Report {
    /// Hazards counted (dismissed excluded).
    pub hazards: u64,
    /// Completed inspections.
    pub inspections: u64,
    /// [`rectification_rate`].
    pub rectification_rate: Ratio,
    /// [`major_rectification_rate`].
    pub major_rectification_rate: Ratio,
    /// [`on_time_rate`].
    pub on_time_rate: Ratio,
    /// [`hazards_per_thousand`].
    pub hazards_per_thousand: Option<f64>,
    /// [`major_hazards_per_thousand`].
    pub major_hazards_per_thousand: Option<f64>,
    /// [`listed_supervision_rate`].
    pub listed_supervision_rate: Ratio,
    /// [`overdue_count`].
    pub overdue: u64,
    /// [`mean_days_to_close`].
    pub mean_days_to_close: Option<f64>,
    /// [`first_pass_rate`].
    pub first_pass_rate: Ratio,
}

/// All figures at `now`.
pub fn report(
    hazards: &[HazardSummary],
    inspections: &[InspectionSummary],
    now: DateTime<Utc>,
) -> Report {
    Report {
        hazards: hazards.iter().filter(|h| h.counted()).count() as u64,
        inspections: inspections.iter().filter(|i| i.completed).count() as u64,
        rectification_rate: rectification_rate(hazards),
        major_rectification_rate: major_rectification_rate(hazards),
        on_time_rate: on_time_rate(hazards, now),
        hazards_per_thousand: hazards_per_thousand(hazards, inspections),
        major_hazards_per_thousand: major_hazards_per_thousand(hazards, inspections),
        listed_supervision_rate: listed_supervision_rate(hazards),
        overdue: overdue_count(hazards, now),
        mean_days_to_close: mean_days_to_close(hazards),
        first_pass_rate: first_pass_rate(hazards),
    }
}

/// A grouping dimension.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// By area.
    Area,
    /// By level. Inspections have no level: each counts in every level's group.
    Severity,
    /// By district.
    District,
    /// By street (within its district).
    Street,
    /// By grid (within its street).
    Grid,
    /// By calendar month (Shanghai time).
    Month,
    /// By calendar quarter (Shanghai time).
    Quarter,
}

impl Dimension {
    /// Every dimension, in a stable order.
    pub const ALL: [Dimension; 7] = [
        Dimension::Area,
        Dimension::Severity,
        Dimension::District,
        Dimension::Street,
        Dimension::Grid,
        Dimension::Month,
        Dimension::Quarter,
    ];

    /// The stable code used on the wire (`area`, `severity`, `district`, `street`, `grid`,
    /// `month`, `quarter`).
    pub fn code(self) -> &'static str {
        match self {
            Dimension::Area => "area",
            Dimension::Severity => "severity",
            Dimension::District => "district",
            Dimension::Street => "street",
            Dimension::Grid => "grid",
            Dimension::Month => "month",
            Dimension::Quarter => "quarter",
        }
    }
}

/// One coordinate of a group key.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(
    rename_all = "snake_case",
    tag = "dimension",
    try_from = "GroupValueWire"
)]
pub enum GroupValue {
    /// An area.
    Area {
        /// The area.
        area: Area,
    },
    /// A level.
    Severity {
        /// The level.
        severity: Severity,
    },
    /// A district.
    District {
        /// District code.
        district: RegionCode,
    },
    /// A street.
    Street {
        /// District code.
        district: RegionCode,
        /// Street code.
        street: RegionCode,
    },
    /// A grid.
    Grid {
        /// Region path.
        region: RegionPath,
    },
    /// A month.
    Month {
        /// Year.
        year: i32,
        /// Month 1–12.
        month: u32,
    },
    /// A quarter.
    Quarter {
        /// Year.
        year: i32,
        /// Quarter 1–4.
        quarter: u32,
    },
}

/// [`GroupValue`] as read (see [`crate::tagged`]); the tag is a [`Dimension`].
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
struct GroupValueWire {
    dimension: Dimension,
    area: Option<Area>,
    severity: Option<Severity>,
    district: Option<RegionCode>,
    street: Option<RegionCode>,
    region: Option<RegionPath>,
    year: Option<i32>,
    month: Option<u32>,
    quarter: Option<u32>,
}

impl TryFrom<GroupValueWire> for GroupValue {
    type Error = MissingField;
    fn try_from(wire: GroupValueWire) -> Result<Self, Self::Error> {
        Ok(match wire.dimension {
            Dimension::Area => GroupValue::Area {
                area: required(wire.area, "area")?,
            },
            Dimension::Severity => GroupValue::Severity {
                severity: required(wire.severity, "severity")?,
            },
            Dimension::District => GroupValue::District {
                district: required(wire.district, "district")?,
            },
            Dimension::Street => GroupValue::Street {
                district: required(wire.district, "district")?,
                street: required(wire.street, "street")?,
            },
            Dimension::Grid => GroupValue::Grid {
                region: required(wire.region, "region")?,
            },
            Dimension::Month => GroupValue::Month {
                year: required(wire.year, "year")?,
                month: required(wire.month, "month")?,
            },
            Dimension::Quarter => GroupValue::Quarter {
                year: required(wire.year, "year")?,
                quarter: required(wire.quarter, "quarter")?,
            },
        })
    }
}

fn region_value(dimension: Dimension, region: &RegionPath) -> Option<GroupValue> {
    match dimension {
        Dimension::District => Some(GroupValue::District {
            district: region.district.clone(),
        }),
        Dimension::Street => Some(GroupValue::Street {
            district: region.district.clone(),
            street: region.street.clone(),
        }),
        Dimension::Grid => Some(GroupValue::Grid {
            region: region.clone(),
        }),
        _ => None,
    }
}

fn period_value(dimension: Dimension, at: DateTime<Utc>) -> Option<GroupValue> {
    let date = shanghai::date(at);
    match dimension {
        Dimension::Month => Some(GroupValue::Month {
            year: date.year(),
            month: date.month(),
        }),
        Dimension::Quarter => Some(GroupValue::Quarter {
            year: date.year(),
            quarter: (date.month() - 1) / 3 + 1,
        }),
        _ => None,
    }
}

fn hazard_key(h: &HazardSummary, dimensions: &[Dimension]) -> Vec<GroupValue> {
    dimensions
        .iter()
        .filter_map(|d| match d {
            Dimension::Area => Some(GroupValue::Area { area: h.area }),
            Dimension::Severity => Some(GroupValue::Severity {
                severity: h.severity,
            }),
            Dimension::Month | Dimension::Quarter => period_value(*d, h.reported_at),
            _ => region_value(*d, &h.region),
        })
        .collect()
}

fn inspection_keys(i: &InspectionSummary, dimensions: &[Dimension]) -> Vec<Vec<GroupValue>> {
    let mut keys = vec![Vec::new()];
    for d in dimensions {
        let values: Vec<GroupValue> = match d {
            Dimension::Area => vec![GroupValue::Area { area: i.area }],
            Dimension::Severity => Severity::ALL
                .into_iter()
                .map(|severity| GroupValue::Severity { severity })
                .collect(),
            Dimension::Month | Dimension::Quarter => period_value(*d, i.at).into_iter().collect(),
            _ => region_value(*d, &i.region).into_iter().collect(),
        };
        keys = keys
            .into_iter()
            .flat_map(|k| {
                values.iter().map(move |v| {
                    let mut k = k.clone();
                    k.push(v.clone());
                    k
                })
            })
            .collect();
    }
    keys
}

/// The [`Report`] of every group of hazards and inspections sharing the same values of
/// `dimensions` (in that order). Groups with only inspections are included; an empty
/// `dimensions` gives one group with the overall figures.
pub fn grouped(
    hazards: &[HazardSummary],
    inspections: &[InspectionSummary],
    dimensions: &[Dimension],
    now: DateTime<Utc>,
) -> BTreeMap<Vec<GroupValue>, Report> {
    let mut groups: BTreeMap<Vec<GroupValue>, (Vec<HazardSummary>, Vec<InspectionSummary>)> =
        BTreeMap::new();
    for h in hazards.iter().filter(|h| h.counted()) {
        groups
            .entry(hazard_key(h, dimensions))
            .or_default()
            .0
            .push(h.clone());
    }
    for i in inspections.iter().filter(|i| i.completed) {
        for key in inspection_keys(i, dimensions) {
            groups.entry(key).or_default().1.push(i.clone());
        }
    }
    groups
        .into_iter()
        .map(|(key, (h, i))| (key, report(&h, &i, now)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Additive facts: how a database computes the same figures without loading every hazard.

/// Counts from which every figure of a [`Report`] follows ([`Report::from_tally`]). Tallies
/// add up: the tally of a set of hazards and inspections is the sum of their tallies, so a
/// database can sum them per group (`SUM(column)`) and the figures still equal [`report`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Tally {
    /// Hazards counted (not dismissed).
    pub hazards: u64,
    /// … of which closed.
    pub closed: u64,
    /// Counted major hazards.
    pub major: u64,
    /// … of which closed.
    pub major_closed: u64,
    /// Due for rectification ([`on_time_rate`]'s denominator).
    pub due: u64,
    /// Closed by the deadline ([`on_time_rate`]'s numerator).
    pub on_time: u64,
    /// Counted hazards found during an inspection.
    pub found: u64,
    /// … of which major.
    pub major_found: u64,
    /// Counted major hazards listed for supervision.
    pub listed_major: u64,
    /// Counted closed hazards with a closing time ([`mean_days_to_close`]'s divisor).
    pub closed_timed: u64,
    /// Their whole seconds from report to closing.
    pub close_seconds: u64,
    /// Counted hazards re-inspected (not on the spot) at least once.
    pub reinspected: u64,
    /// … of which the first re-inspection passed.
    pub first_pass: u64,
    /// Overdue ([`overdue_count`]).
    pub overdue: u64,
    /// Completed inspections.
    pub inspections: u64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.hazards += o.hazards;
        self.closed += o.closed;
        self.major += o.major;
        self.major_closed += o.major_closed;
        self.due += o.due;
        self.on_time += o.on_time;
        self.found += o.found;
        self.major_found += o.major_found;
        self.listed_major += o.listed_major;
        self.closed_timed += o.closed_timed;
        self.close_seconds += o.close_seconds;
        self.reinspected += o.reinspected;
        self.first_pass += o.first_pass;
        self.overdue += o.overdue;
        self.inspections += o.inspections;
    }
}

impl std::ops::Add for Tally {
    type Output = Tally;
    fn add(mut self, o: Tally) -> Tally {
        self += o;
        self
    }
}

impl std::iter::Sum for Tally {
    fn sum<I: Iterator<Item = Tally>>(iter: I) -> Tally {
        iter.fold(Tally::default(), |a, b| a + b)
    }
}

impl Report {
    /// The figures of a summed [`Tally`]: equal to [`report`] over the same hazards and
    /// inspections when the tally is the sum of their [`HazardFacts::tally_at`] and
    /// [`InspectionFacts::tally`] at the same `now`.
    pub fn from_tally(t: &Tally) -> Report {
        let ratio = |numerator, denominator| Ratio {
            numerator,
            denominator,
        };
        Report {
            hazards: t.hazards,
            inspections: t.inspections,
            rectification_rate: ratio(t.closed, t.hazards),
            major_rectification_rate: ratio(t.major_closed, t.major),
            on_time_rate: ratio(t.on_time, t.due),
            hazards_per_thousand: thousandths(t.found, t.inspections),
            major_hazards_per_thousand: thousandths(t.major_found, t.inspections),
            listed_supervision_rate: ratio(t.listed_major, t.major),
            overdue: t.overdue,
            mean_days_to_close: mean_days(t.close_seconds, t.closed_timed),
            first_pass_rate: ratio(t.first_pass, t.reinspected),
        }
    }
}

/// What one hazard contributes to the statistics, computed when the hazard is written.
///
/// `fixed` is the part that does not depend on the time of the query. The rest is
/// time-dependent, as instants a query compares with its `now`: the hazard is due (counts in
/// [`on_time_rate`]'s denominator) once `now >= due_from`, and overdue once `now >
/// overdue_after`. `month` and `major_open` place it in time (Shanghai calendar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HazardFacts {
    /// The time-independent part of the hazard's tally.
    pub fixed: Tally,
    /// The deadline of a counted hazard not yet closed (due once it has passed).
    pub due_from: Option<DateTime<Utc>>,
    /// The deadline of a hazard waiting for the responsible party (overdue after it).
    pub overdue_after: Option<DateTime<Utc>>,
    /// The month it was reported in.
    pub month: YearMonth,
    /// For a counted major hazard: the month it was reported in and, if closed, the month it
    /// was closed in ([`open_major_at`]).
    pub major_open: Option<(YearMonth, Option<YearMonth>)>,
}

impl HazardFacts {
    /// Whether the hazard counts as due at `now` although not closed.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.due_from.is_some_and(|d| d <= now)
    }

    /// Whether the hazard is overdue at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.overdue_after.is_some_and(|d| now > d)
    }

    /// The hazard's whole tally at `now`.
    pub fn tally_at(&self, now: DateTime<Utc>) -> Tally {
        let mut t = self.fixed;
        t.due += u64::from(self.is_due(now));
        t.overdue += u64::from(self.is_overdue(now));
        t
    }
}

/// The Shanghai calendar month of an instant.
pub fn month_of(at: DateTime<Utc>) -> YearMonth {
    YearMonth::of(shanghai::date(at))
}

impl HazardSummary {
    /// What this hazard contributes ([`HazardFacts`]).
    pub fn facts(&self) -> HazardFacts {
        let counted = self.counted();
        let closed = counted && self.closed();
        let major = counted && self.severity == Severity::Major;
        let found = counted && self.from_inspection;
        let seconds = self.seconds_to_close();
        let reinspected = counted && self.first_reinspection_passed.is_some();
        let on_time =
            closed && matches!((self.closed_at, self.deadline), (Some(c), Some(d)) if c <= d);
        let fixed = Tally {
            hazards: u64::from(counted),
            closed: u64::from(closed),
            major: u64::from(major),
            major_closed: u64::from(major && closed),
            // A closed hazard with a deadline is due whatever the time.
            due: u64::from(closed && self.deadline.is_some()),
            on_time: u64::from(on_time),
            found: u64::from(found),
            major_found: u64::from(found && major),
            listed_major: u64::from(major && self.listed),
            closed_timed: u64::from(seconds.is_some()),
            close_seconds: seconds.unwrap_or(0),
            reinspected: u64::from(reinspected),
            first_pass: u64::from(reinspected && self.first_reinspection_passed == Some(true)),
            overdue: 0,
            inspections: 0,
        };
        HazardFacts {
            fixed,
            due_from: self.deadline.filter(|_| counted && !closed),
            overdue_after: self
                .deadline
                .filter(|_| matches!(self.state, HazardState::Assigned | HazardState::Rectifying)),
            month: month_of(self.reported_at),
            major_open: major.then(|| {
                (
                    month_of(self.reported_at),
                    self.closed_at.filter(|_| closed).map(month_of),
                )
            }),
        }
    }
}

/// What one inspection contributes to the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InspectionFacts {
    /// Its tally (only `inspections`, 1 when completed).
    pub tally: Tally,
    /// The month it ended in.
    pub month: YearMonth,
}

impl InspectionSummary {
    /// What this inspection contributes ([`InspectionFacts`]).
    pub fn facts(&self) -> InspectionFacts {
        InspectionFacts {
            tally: Tally {
                inspections: u64::from(self.completed),
                ..Tally::default()
            },
            month: month_of(self.at),
        }
    }
}

impl GroupValue {
    /// The value of a period dimension for a month (`None` for other dimensions).
    pub fn of_month(dimension: Dimension, month: YearMonth) -> Option<GroupValue> {
        match dimension {
            Dimension::Month => Some(GroupValue::Month {
                year: month.year,
                month: month.month,
            }),
            Dimension::Quarter => Some(GroupValue::Quarter {
                year: month.year,
                quarter: (month.month - 1) / 3 + 1,
            }),
            _ => None,
        }
    }
}

/// [`grouped`] by one dimension, from tallies summed per value: `hazards` holds each value's
/// summed hazard tallies at `now` (several rows with the same value add up, e.g. the months of
/// a quarter), `inspections` each value's summed inspection tallies, with `None` for
/// [`Dimension::Severity`] (an inspection has no level: it counts in every level's group).
/// As in [`grouped`], a group exists when it has a counted hazard or a completed inspection.
pub fn grouped_from_tallies(
    dimension: Dimension,
    hazards: impl IntoIterator<Item = (GroupValue, Tally)>,
    inspections: impl IntoIterator<Item = (Option<GroupValue>, Tally)>,
) -> BTreeMap<Vec<GroupValue>, Report> {
    let mut groups: BTreeMap<Vec<GroupValue>, Tally> = BTreeMap::new();
    for (value, tally) in hazards {
        *groups.entry(vec![value]).or_default() += tally;
    }
    for (value, tally) in inspections {
        let values: Vec<GroupValue> = match (dimension, value) {
            (Dimension::Severity, _) => Severity::ALL
                .into_iter()
                .map(|severity| GroupValue::Severity { severity })
                .collect(),
            (_, Some(value)) => vec![value],
            (_, None) => Vec::new(),
        };
        for value in values {
            *groups.entry(vec![value]).or_default() += tally;
        }
    }
    groups
        .into_iter()
        .filter(|(_, t)| t.hazards > 0 || t.inspections > 0)
        .map(|(key, t)| (key, Report::from_tally(&t)))
        .collect()
}

/// 重大隐患存量: counted major hazards (level as it is now) reported by the end of `month`
/// and not closed by then (Shanghai calendar).
pub fn open_major_at(hazards: &[HazardSummary], month: YearMonth) -> u64 {
    hazards
        .iter()
        .filter_map(|h| h.facts().major_open)
        .filter(|&(from, until)| open_in(month, from, until))
        .count() as u64
}

fn open_in(month: YearMonth, from: YearMonth, until: Option<YearMonth>) -> bool {
    from <= month && until.is_none_or(|until| until > month)
}

/// [`open_major_at`] for every month from `first` to `last`, from counts of hazards per
/// ([`HazardFacts::major_open`]) pair.
pub fn open_major_series(
    counts: &[((YearMonth, Option<YearMonth>), u64)],
    first: YearMonth,
    last: YearMonth,
) -> Vec<OpenMajorPoint> {
    let mut points = Vec::new();
    let mut month = first;
    while month <= last {
        let open = counts
            .iter()
            .filter(|((from, until), _)| open_in(month, *from, *until))
            .map(|(_, n)| n)
            .sum();
        points.push(OpenMajorPoint { month, open });
        month = month.next();
    }
    points
}
