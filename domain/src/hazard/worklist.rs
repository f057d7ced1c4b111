//! The hazards a device holds, rebuilt from their events, and what each needs from the
//! inspector (我的工作: 复查).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Hazard, HazardAction, HazardEvent, HazardState, TransitionError};
use crate::ids::HazardId;

/// What an open hazard needs from the field, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attention {
    /// The deadline has passed: re-inspect (复查) or chase the responsible party.
    Overdue,
    /// A rectification was reported and waits for the re-inspection.
    AwaitingReinspection,
    /// The deadline is within the warning window.
    DueSoon,
    /// Open, nothing urgent.
    Open,
}

impl Hazard {
    /// Whether the re-inspection (复查) can be recorded now.
    pub fn can_reinspect(&self) -> bool {
        matches!(
            self.state,
            HazardState::Assigned | HazardState::Rectifying | HazardState::RectificationSubmitted
        )
    }

    /// What the hazard needs at `now`, with deadlines within `soon` counted as due; `None`
    /// once it is closed, dismissed or waiting only for the closure (销号).
    pub fn attention(&self, now: DateTime<Utc>, soon: Duration) -> Option<Attention> {
        match self.state {
            HazardState::Closed | HazardState::Dismissed | HazardState::ReinspectionPassed => None,
            HazardState::RectificationSubmitted => Some(Attention::AwaitingReinspection),
            _ if self.is_overdue(now) => Some(Attention::Overdue),
            _ if self.deadline.is_some_and(|d| d - now <= soon) => Some(Attention::DueSoon),
            _ => Some(Attention::Open),
        }
    }
}

/// Rebuilds every hazard from its events. Events are grouped by hazard and replayed in the
/// order given, except that a hazard's report always comes first. A hazard whose events do
/// not replay is returned with its error instead, so one bad record hides nothing else.
pub fn rebuild(events: &[HazardEvent]) -> (Vec<Hazard>, Vec<(HazardId, TransitionError)>) {
    let mut order: Vec<HazardId> = Vec::new();
    let mut groups: HashMap<HazardId, Vec<&HazardEvent>> = HashMap::new();
    for event in events {
        groups
            .entry(event.hazard)
            .or_insert_with(|| {
                order.push(event.hazard);
                Vec::new()
            })
            .push(event);
    }
    let mut hazards = Vec::with_capacity(order.len());
    let mut failed = Vec::new();
    for id in order {
        let mut group = groups.remove(&id).unwrap_or_default();
        // Stable: keeps the relative order of everything but the report.
        group.sort_by_key(|e| !matches!(e.action, HazardAction::Report(_)));
        match Hazard::replay(group) {
            Ok(hazard) => hazards.push(hazard),
            Err(error) => failed.push((id, error)),
        }
    }
    (hazards, failed)
}
