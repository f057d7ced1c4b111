//! Statistics for supervisors and administrators: `GET /api/stats` (the dashboard) and
//! `GET /api/stats/quarterly` (the quarterly report). Figures are the domain's
//! ([`anxun_domain::stats`]), computed from facts the store sums in SQL
//! ([`crate::store::stats`]), always within the caller's scope.

pub mod overview;
pub mod quarterly;

use crate::{auth::AuthUser, error::ApiError, store::stats::StatsTallies};
use anxun_domain::{
    api::stats::{CAMPAIGN_START, OpenMajorPoint, StatsGroup, YearMonth, campaign_goal},
    stats::{self, Dimension, Report},
};
use chrono::{DateTime, Utc};

/// Inspectors use the field app: statistics are for supervisors and administrators.
fn require_supervisory(user: &AuthUser) -> Result<(), ApiError> {
    if user.role.is_supervisory() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "statistics are for supervisors and administrators".to_owned(),
        ))
    }
}

/// The overall figures of summed tallies.
fn overall(tallies: &StatsTallies) -> Report {
    Report::from_tally(&tallies.total())
}

/// One group per value of `dimension` ([`stats::grouped_from_tallies`]), in key order.
fn groups(tallies: &StatsTallies, dimension: Dimension) -> Vec<StatsGroup> {
    stats::grouped_from_tallies(
        dimension,
        tallies
            .hazards
            .iter()
            .filter_map(|(value, tally)| value.clone().map(|v| (v, *tally))),
        tallies.inspections.iter().cloned(),
    )
    .into_iter()
    .map(|(key, report)| StatsGroup { key, report })
    .collect()
}

/// Open major hazards at the end of each month of the campaign up to `now`'s month.
fn open_major(tallies: &StatsTallies, now: DateTime<Utc>) -> Vec<OpenMajorPoint> {
    let last = stats::month_of(now).min(YearMonth::of(campaign_goal()));
    stats::open_major_series(&tallies.open_major, CAMPAIGN_START, last)
}

/// Open major hazards at the end of one month.
fn open_major_at(tallies: &StatsTallies, month: YearMonth) -> u64 {
    stats::open_major_series(&tallies.open_major, month, month)
        .first()
        .map_or(0, |p| p.open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anxun_domain::{
        hazard::Severity,
        stats::{GroupValue, Tally},
    };

    #[test]
    fn inspections_count_once_overall_and_in_every_level_by_level() {
        let hazard = Tally {
            hazards: 1,
            found: 1,
            ..Tally::default()
        };
        let inspections = Tally {
            inspections: 4,
            ..Tally::default()
        };
        let tallies = StatsTallies {
            hazards: vec![(
                Some(GroupValue::Severity {
                    severity: Severity::Major,
                }),
                hazard,
            )],
            inspections: vec![(None, inspections)],
            open_major: Vec::new(),
        };
        assert_eq!(overall(&tallies).inspections, 4);
        let by_level = groups(&tallies, Dimension::Severity);
        assert_eq!(by_level.len(), 2);
        assert!(by_level.iter().all(|g| g.report.inspections == 4));
        assert_eq!(by_level[1].report.hazards_per_thousand, Some(250.0));
    }
}
