//! Statistics stay within [0, 1] and agree with a plain reference computation.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "support/fixtures.rs"]
mod fixtures;

use anxun_domain::{
    api::stats::YearMonth,
    hazard::{HazardState, Severity},
    region::RegionPath,
    site::Area,
    stats::{self, Dimension, GroupValue, HazardSummary, InspectionSummary},
};
use chrono::{DateTime, Duration, Utc};
use fixtures::*;
use proptest::prelude::*;

fn regions() -> impl Strategy<Value = RegionPath> {
    (0u8..2, 0u8..2, 0u8..2).prop_map(|(d, s, g)| RegionPath {
        district: code(&format!("D{d}")),
        street: code(&format!("S{s}")),
        grid: code(&format!("G{g}")),
    })
}

fn area() -> impl Strategy<Value = Area> {
    prop::sample::select(Area::ALL.to_vec())
}

fn hazard() -> impl Strategy<Value = HazardSummary> {
    (
        area(),
        any::<bool>(),
        regions(),
        any::<bool>(),
        0i64..400,
        prop::option::of(0i64..60),
        prop::sample::select(HazardState::ALL.to_vec()),
        0i64..90,
        any::<bool>(),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(
                area,
                major,
                region,
                from_inspection,
                reported,
                deadline,
                state,
                close_after,
                listed,
                first,
            )| {
                let reported_at = t0() + Duration::days(reported);
                HazardSummary {
                    area,
                    severity: if major {
                        Severity::Major
                    } else {
                        Severity::General
                    },
                    region,
                    from_inspection,
                    reported_at,
                    deadline: deadline.map(|d| reported_at + Duration::days(d)),
                    state,
                    closed_at: (state == HazardState::Closed)
                        .then(|| reported_at + Duration::days(close_after)),
                    listed: listed && major,
                    first_reinspection_passed: first,
                }
            },
        )
}

fn inspection() -> impl Strategy<Value = InspectionSummary> {
    (area(), regions(), 0i64..400, any::<bool>()).prop_map(|(area, region, at, completed)| {
        InspectionSummary {
            area,
            region,
            at: t0() + Duration::days(at),
            completed,
        }
    })
}

/// The plain definitions, written out without the library's helpers.
fn reference_rates(h: &[HazardSummary], now: DateTime<Utc>) -> [Option<f64>; 5] {
    let live: Vec<&HazardSummary> = h
        .iter()
        .filter(|x| x.state != HazardState::Dismissed)
        .collect();
    let ratio = |num: usize, den: usize| {
        if den == 0 {
            None
        } else {
            Some(num as f64 / den as f64)
        }
    };
    let closed = live
        .iter()
        .filter(|x| x.state == HazardState::Closed)
        .count();
    let majors: Vec<&&HazardSummary> = live
        .iter()
        .filter(|x| x.severity == Severity::Major)
        .collect();
    let major_closed = majors
        .iter()
        .filter(|x| x.state == HazardState::Closed)
        .count();
    let mut due = 0;
    let mut on_time = 0;
    for x in &live {
        if let Some(d) = x.deadline {
            let is_closed = x.state == HazardState::Closed;
            if d <= now || is_closed {
                due += 1;
                if is_closed && x.closed_at.unwrap() <= d {
                    on_time += 1;
                }
            }
        }
    }
    let listed = majors.iter().filter(|x| x.listed).count();
    let reinspected: Vec<_> = live
        .iter()
        .filter(|x| x.first_reinspection_passed.is_some())
        .collect();
    let first_pass = reinspected
        .iter()
        .filter(|x| x.first_reinspection_passed == Some(true))
        .count();
    [
        ratio(closed, live.len()),
        ratio(major_closed, majors.len()),
        ratio(on_time, due),
        ratio(listed, majors.len()),
        ratio(first_pass, reinspected.len()),
    ]
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        _ => false,
    }
}

proptest! {
    #[test]
    fn rates_are_proportions_and_match_the_reference(
        hazards in prop::collection::vec(hazard(), 0..60),
        inspections in prop::collection::vec(inspection(), 0..60),
        now_days in 0i64..500,
    ) {
        let now = t0() + Duration::days(now_days);
        let ours = [
            stats::rectification_rate(&hazards),
            stats::major_rectification_rate(&hazards),
            stats::on_time_rate(&hazards, now),
            stats::listed_supervision_rate(&hazards),
            stats::first_pass_rate(&hazards),
        ];
        for (r, expected) in ours.iter().zip(reference_rates(&hazards, now)) {
            prop_assert!(r.numerator <= r.denominator);
            if let Some(v) = r.value() {
                prop_assert!((0.0..=1.0).contains(&v));
            }
            prop_assert!(close(r.value(), expected), "{r:?} vs {expected:?}");
        }

        let done = inspections.iter().filter(|i| i.completed).count();
        let found = hazards.iter().filter(|h| h.state != HazardState::Dismissed && h.from_inspection).count();
        let found_major = hazards
            .iter()
            .filter(|h| h.state != HazardState::Dismissed && h.from_inspection && h.severity == Severity::Major)
            .count();
        let per = |n: usize| (done > 0).then(|| n as f64 * 1000.0 / done as f64);
        prop_assert!(close(stats::hazards_per_thousand(&hazards, &inspections), per(found)));
        prop_assert!(close(stats::major_hazards_per_thousand(&hazards, &inspections), per(found_major)));

        let overdue = hazards
            .iter()
            .filter(|h| matches!(h.state, HazardState::Assigned | HazardState::Rectifying))
            .filter(|h| h.deadline.is_some_and(|d| d < now))
            .count() as u64;
        prop_assert_eq!(stats::overdue_count(&hazards, now), overdue);

        let closed: Vec<f64> = hazards
            .iter()
            .filter(|h| h.state == HazardState::Closed)
            .map(|h| (h.closed_at.unwrap() - h.reported_at).num_seconds() as f64 / 86400.0)
            .collect();
        let mean = (!closed.is_empty()).then(|| closed.iter().sum::<f64>() / closed.len() as f64);
        prop_assert!(close(stats::mean_days_to_close(&hazards), mean));
    }

    #[test]
    fn groups_partition_the_hazards_and_agree_with_filtering(
        hazards in prop::collection::vec(hazard(), 0..60),
        inspections in prop::collection::vec(inspection(), 0..60),
        dims in prop::sample::subsequence(
            vec![Dimension::Area, Dimension::Severity, Dimension::District, Dimension::Street, Dimension::Grid, Dimension::Month, Dimension::Quarter],
            0..3,
        ),
    ) {
        let now = t0() + Duration::days(200);
        let groups = stats::grouped(&hazards, &inspections, &dims, now);
        let live = hazards.iter().filter(|h| h.state != HazardState::Dismissed).count() as u64;
        prop_assert_eq!(groups.values().map(|r| r.hazards).sum::<u64>(), live);
        for (key, report) in &groups {
            prop_assert_eq!(key.len(), dims.len());
            // Filtering by hand gives the same figures.
            let matches_h = |h: &HazardSummary| key.iter().all(|v| match v {
                GroupValue::Area { area } => h.area == *area,
                GroupValue::Severity { severity } => h.severity == *severity,
                GroupValue::District { district } => h.region.district == *district,
                GroupValue::Street { district, street } => h.region.district == *district && h.region.street == *street,
                GroupValue::Grid { region } => h.region == *region,
                GroupValue::Month { year, month } => {
                    let d = anxun_domain::shanghai::date(h.reported_at);
                    chrono::Datelike::year(&d) == *year && chrono::Datelike::month(&d) == *month
                }
                GroupValue::Quarter { year, quarter } => {
                    let d = anxun_domain::shanghai::date(h.reported_at);
                    chrono::Datelike::year(&d) == *year && (chrono::Datelike::month(&d) - 1) / 3 + 1 == *quarter
                }
            });
            let subset: Vec<HazardSummary> = hazards.iter().filter(|h| matches_h(h)).cloned().collect();
            prop_assert_eq!(report.rectification_rate, stats::rectification_rate(&subset));
            prop_assert_eq!(report.on_time_rate, stats::on_time_rate(&subset, now));
            if let Some(v) = report.rectification_rate.value() {
                prop_assert!((0.0..=1.0).contains(&v));
            }
        }
    }
}

/// The value of one dimension for a hazard, as a database groups it (by its columns and the
/// month its facts name).
fn hazard_value(h: &HazardSummary, dimension: Dimension) -> GroupValue {
    let month = h.facts().month;
    match dimension {
        Dimension::Area => GroupValue::Area { area: h.area },
        Dimension::Severity => GroupValue::Severity {
            severity: h.severity,
        },
        Dimension::District => GroupValue::District {
            district: h.region.district.clone(),
        },
        Dimension::Street => GroupValue::Street {
            district: h.region.district.clone(),
            street: h.region.street.clone(),
        },
        Dimension::Grid => GroupValue::Grid {
            region: h.region.clone(),
        },
        Dimension::Month | Dimension::Quarter => GroupValue::of_month(dimension, month).unwrap(),
    }
}

fn inspection_value(i: &InspectionSummary, dimension: Dimension) -> Option<GroupValue> {
    match dimension {
        Dimension::Area => Some(GroupValue::Area { area: i.area }),
        Dimension::Severity => None,
        Dimension::District => Some(GroupValue::District {
            district: i.region.district.clone(),
        }),
        Dimension::Street => Some(GroupValue::Street {
            district: i.region.district.clone(),
            street: i.region.street.clone(),
        }),
        Dimension::Grid => Some(GroupValue::Grid {
            region: i.region.clone(),
        }),
        Dimension::Month | Dimension::Quarter => GroupValue::of_month(dimension, i.facts().month),
    }
}

proptest! {
    #[test]
    fn summed_facts_give_exactly_the_report_and_the_groups(
        hazards in prop::collection::vec(hazard(), 0..60),
        inspections in prop::collection::vec(inspection(), 0..60),
        now_days in 0i64..500,
        now_seconds in prop::sample::select(vec![0i64, 1, 43_199, 86_399]),
    ) {
        let now = t0() + Duration::days(now_days) + Duration::seconds(now_seconds);
        let tally: stats::Tally = hazards.iter().map(|h| h.facts().tally_at(now))
            .chain(inspections.iter().map(|i| i.facts().tally))
            .sum();
        prop_assert_eq!(stats::Report::from_tally(&tally), stats::report(&hazards, &inspections, now));
        for dimension in Dimension::ALL {
            let from_tallies = stats::grouped_from_tallies(
                dimension,
                hazards.iter().map(|h| (hazard_value(h, dimension), h.facts().tally_at(now))),
                inspections.iter().map(|i| (inspection_value(i, dimension), i.facts().tally)),
            );
            prop_assert_eq!(from_tallies, stats::grouped(&hazards, &inspections, &[dimension], now));
        }
    }

    #[test]
    fn the_open_major_series_counts_what_was_open_at_each_months_end(
        hazards in prop::collection::vec(hazard(), 0..60),
    ) {
        let mut counts: Vec<((YearMonth, Option<YearMonth>), u64)> = Vec::new();
        for pair in hazards.iter().filter_map(|h| h.facts().major_open) {
            match counts.iter_mut().find(|(p, _)| *p == pair) {
                Some((_, n)) => *n += 1,
                None => counts.push((pair, 1)),
            }
        }
        let first = stats::month_of(t0());
        let last = stats::month_of(t0() + Duration::days(500));
        let series = stats::open_major_series(&counts, first, last);
        prop_assert_eq!(series.first().map(|p| p.month), Some(first));
        prop_assert_eq!(series.last().map(|p| p.month), Some(last));
        for point in series {
            // By hand: reported by the month's end (Shanghai) and not closed by then.
            let end = point.month.next().first_day().and_hms_opt(0, 0, 0).unwrap()
                - Duration::hours(8);
            let end = chrono::DateTime::<Utc>::from_naive_utc_and_offset(end, Utc);
            let by_hand = hazards
                .iter()
                .filter(|h| h.state != HazardState::Dismissed && h.severity == Severity::Major)
                .filter(|h| h.reported_at < end)
                .filter(|h| !(h.state == HazardState::Closed && h.closed_at.is_some_and(|c| c < end)))
                .count() as u64;
            prop_assert_eq!(point.open, by_hand, "{}", point.month);
            prop_assert_eq!(point.open, stats::open_major_at(&hazards, point.month));
        }
    }
}

#[test]
fn empty_inputs_give_no_rates() {
    let r = stats::report(&[], &[], t0());
    assert_eq!(r.rectification_rate.value(), None);
    assert_eq!(r.hazards_per_thousand, None);
    assert_eq!(r.mean_days_to_close, None);
    assert_eq!(r.overdue, 0);
    assert_eq!(stats::grouped(&[], &[], &[], t0()).len(), 0);
}

#[test]
fn periods_use_shanghai_time() {
    // 2026-03-31 17:00 UTC is already 1 April in Shanghai: second quarter.
    let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 31, 17, 0, 0).unwrap();
    let inspections = [InspectionSummary {
        area: Area::Gas,
        region: region(),
        at,
        completed: true,
    }];
    let groups = stats::grouped(&[], &inspections, &[Dimension::Quarter], at);
    let keys: Vec<_> = groups.keys().cloned().collect();
    assert_eq!(
        keys,
        vec![vec![GroupValue::Quarter {
            year: 2026,
            quarter: 2
        }]]
    );
}
