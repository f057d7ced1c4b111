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
        can_reinspect(self.state)
    }

    /// What the hazard needs at `now`, with deadlines within `soon` counted as due; `None`
    /// once it is closed, dismissed or waiting only for the closure (销号).
    pub fn attention(&self, now: DateTime<Utc>, soon: Duration) -> Option<Attention> {
        attention(self.state, self.deadline, now, soon)
    }
}

// The rules, once, for a hazard and for its list item.

pub fn is_overdue(state: HazardState, deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    matches!(state, HazardState::Assigned | HazardState::Rectifying)
        && deadline.is_some_and(|d| now > d)
}

fn can_reinspect(state: HazardState) -> bool {
    matches!(
        state,
        HazardState::Assigned | HazardState::Rectifying | HazardState::RectificationSubmitted
    )
}

fn attention(
    state: HazardState,
    deadline: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    soon: Duration,
) -> Option<Attention> {
    match state {
        HazardState::Closed | HazardState::Dismissed | HazardState::ReinspectionPassed => None,
        HazardState::RectificationSubmitted => Some(Attention::AwaitingReinspection),
        _ if is_overdue(state, deadline, now) => Some(Attention::Overdue),
        _ if deadline.is_some_and(|d| d - now <= soon) => Some(Attention::DueSoon),
        _ => Some(Attention::Open),
    }
}

pub(super) fn status_label_zh(
    state: HazardState,
    reinspection_failures: u32,
    overdue: bool,
    listed: bool,
) -> String {
    let base = match state {
        HazardState::Rectifying if reinspection_failures > 0 => "复查不合格(整改中)",
        other => other.label_zh(),
    };
    let mut label = base.to_owned();
    if overdue {
        label.push_str("(逾期)");
    }
    if listed {
        label.push_str("(挂牌督办中)");
    }
    label
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

/// What a list of hazards shows of one hazard, kept on the device beside its events so that a
/// list of thousands needs no replay: it is rebuilt from the hazard after every event.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct HazardListItem {
    /// The hazard.
    pub id: HazardId,
    /// 隐患编号.
    pub number: Option<crate::docno::DocNumber>,
    /// The site.
    pub site: crate::ids::SiteId,
    /// 单位名称.
    pub site_name: crate::text::Text,
    /// 现状描述.
    pub description: crate::text::Text,
    /// 等级.
    pub severity: super::Severity,
    /// Lifecycle state.
    pub state: HazardState,
    /// Current deadline.
    pub deadline: Option<DateTime<Utc>>,
    /// Listed for supervision and not lifted.
    pub listed: bool,
    /// Failed re-inspections so far.
    pub reinspection_failures: u32,
}

impl HazardListItem {
    /// The list item of a hazard.
    pub fn of(hazard: &Hazard) -> HazardListItem {
        HazardListItem {
            id: hazard.id(),
            number: hazard.details().number.clone(),
            site: hazard.details().site,
            site_name: hazard.details().site_name.clone(),
            description: hazard.details().description.clone(),
            severity: hazard.severity(),
            state: hazard.state(),
            deadline: hazard.deadline(),
            listed: hazard.is_listed(),
            reinspection_failures: hazard.reinspection_failures(),
        }
    }

    /// As [`Hazard::is_overdue`].
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        is_overdue(self.state, self.deadline, now)
    }

    /// As [`Hazard::can_reinspect`].
    pub fn can_reinspect(&self) -> bool {
        can_reinspect(self.state)
    }

    /// As [`Hazard::attention`].
    pub fn attention(&self, now: DateTime<Utc>, soon: Duration) -> Option<Attention> {
        attention(self.state, self.deadline, now, soon)
    }

    /// As [`Hazard::status_label_zh`].
    pub fn status_label_zh(&self, now: DateTime<Utc>) -> String {
        status_label_zh(
            self.state,
            self.reinspection_failures,
            self.is_overdue(now),
            self.listed,
        )
    }
}
