//! The hazard lifecycle as an explicit state machine.
//!
//! ```text
//!            assign            start_rectification        submit_rectification
//! reported ─────────▶ assigned ───────────────────▶ rectifying ──────────────▶ rectification_submitted
//!    │                   │  ▲                          ▲   │                          │
//!    │                   │  └── (request/decide        │   └── reinspect (passed) ────┤ reinspect (failed:
//!    │ dismiss           │      extension: deadline)   └──────────────────────────────┘  back, counted)
//!    ▼                   │ reinspect (passed)                                            │ reinspect (passed)
//! dismissed              ▼                                                               ▼
//!             rectify_on_spot (from reported/assigned/rectifying) ─────────▶ reinspection_passed ──close──▶ closed (销号)
//! ```
//!
//! | action | allowed from | who | evidence and checks |
//! |---|---|---|---|
//! | `report` | (creates) | any role | override reason when the level differs from the item's default; a combined-element case cannot be reported major |
//! | `assign` | reported | inspector for general hazards; supervisor, admin | deadline not before the event |
//! | `start_rectification` | assigned | any role | — |
//! | `rectify_on_spot` | reported, assigned, rectifying | any role | measures and at least one after-photo; not while listed |
//! | `submit_rectification` | rectifying | any role | measures and at least one after-photo |
//! | `reinspect` | assigned, rectifying, rectification_submitted | any role | at least one photo; a reason when failed (failure returns to rectifying and is counted) |
//! | `request_extension` | assigned, rectifying | any role | reason; a deadline later than the current one; none pending |
//! | `decide_extension` | any open state with a pending request | supervisor, admin, not the requester | reason when rejected |
//! | `list_supervision` | any open state, major only | supervisor, admin | authority, document number, deadline; once |
//! | `change_severity` | any open state | supervisor, admin | reason; major by combined count needs collective review; a listed hazard stays major |
//! | `close` | reinspection_passed | general: any role; major: supervisor, admin only | a passed re-inspection with photos (guaranteed by the state); a listed hazard needs the approval document (核销批复) |
//! | `dismiss` | reported, assigned | supervisor, admin | reason |
//! | `notify_principal` | any open state | any role | who (主要负责人 or 实际控制人), when (between the report and the event), how |
//! | `send_back` (退回) | rectification_submitted → rectifying | supervisor, admin | reason; not counted as a failed re-inspection |
//! | `order_reinspection` (责令复查) | assigned, rectifying, rectification_submitted | supervisor, admin | due date not before the event; pending until the next re-inspection |
//!
//! [`allowed_actions`] lists what one actor may do to a hazard now: the state, role and
//! scope rules above (the payload's own checks, a reason, photos, dates, still apply).
//!
//! Every actor must hold a scope covering the hazard's region. Overdue (逾期) is derived
//! ([`Hazard::is_overdue`]), never stored.
//!
//! **Time.** Device clocks may be wrong, so an event's `at` is kept as sent, but the hazard
//! records the *effective* time `max(at, previous effective time)`: times in a hazard never go
//! backwards, and replaying the same events in the same order always gives the same hazard.
//!
//! **Duplicates.** Applying an event whose id is already in the history returns the hazard
//! unchanged if the event is identical (so the server can replay retried uploads), and an error
//! if it differs.

mod wire;

use chrono::{DateTime, Utc};

use super::{
    Assignment, Closure, DeterminationMethod, Dismissal, ExtensionDecision, ExtensionRequest,
    Hazard, InterimMeasure, Lifted, ListedSupervision, NewHazard, NotificationMethod,
    PrincipalNotification, PrincipalRole, RectificationSubmission, Reinspection, ReinspectionOrder,
    ResponsibleParty, SendBack, Severity, SeverityChange,
};
use crate::{
    docno::DocNumber,
    ids::{EventId, HazardId, InspectionId},
    photo::Sha256Hex,
    role::{Actor, Role},
    template::Department,
    text::Text,
};

/// Where a hazard is in its lifecycle.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HazardState {
    /// 已上账,待交办.
    Reported,
    /// 已交办/已告知.
    Assigned,
    /// 整改中 (also after a failed re-inspection).
    Rectifying,
    /// 已提交整改,待复查.
    RectificationSubmitted,
    /// 复查合格,待销号.
    ReinspectionPassed,
    /// 已销号.
    Closed,
    /// 已撤销 (duplicate or unfounded).
    Dismissed,
}

impl HazardState {
    /// Every state, in lifecycle order.
    pub const ALL: [HazardState; 7] = [
        HazardState::Reported,
        HazardState::Assigned,
        HazardState::Rectifying,
        HazardState::RectificationSubmitted,
        HazardState::ReinspectionPassed,
        HazardState::Closed,
        HazardState::Dismissed,
    ];

    /// Closed and dismissed hazards are final.
    pub fn is_final(self) -> bool {
        matches!(self, HazardState::Closed | HazardState::Dismissed)
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            HazardState::Reported => "reported",
            HazardState::Assigned => "assigned",
            HazardState::Rectifying => "rectifying",
            HazardState::RectificationSubmitted => "rectification_submitted",
            HazardState::ReinspectionPassed => "reinspection_passed",
            HazardState::Closed => "closed",
            HazardState::Dismissed => "dismissed",
        }
    }

    /// Reads a stable code.
    pub fn parse(code: &str) -> Option<HazardState> {
        HazardState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The ledger label.
    pub fn label_zh(self) -> &'static str {
        match self {
            HazardState::Reported => "待交办",
            HazardState::Assigned => "已交办",
            HazardState::Rectifying => "整改中",
            HazardState::RectificationSubmitted => "待复查",
            HazardState::ReinspectionPassed => "复查合格待销号",
            HazardState::Closed => "已销号",
            HazardState::Dismissed => "已撤销",
        }
    }
}

impl std::fmt::Display for HazardState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One event in a hazard's history: who did what, when and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct HazardEvent {
    /// Event id (UUIDv7 made on the device); the server deduplicates on it.
    pub id: EventId,
    /// The hazard.
    pub hazard: HazardId,
    /// When, by the device clock.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Actor,
    /// Why (required by some actions).
    pub reason: Option<Text>,
    /// What.
    pub action: HazardAction,
}

/// What an event does. See the module documentation for who may do what.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    rename_all = "snake_case",
    tag = "type",
    try_from = "wire::HazardActionWire"
)]
pub enum HazardAction {
    /// 上账: creates the hazard.
    Report(Box<NewHazard>),
    /// 交办: sets the responsible party and deadline (限期整改 notice).
    Assign {
        /// 整改责任单位/责任人.
        responsible: ResponsibleParty,
        /// 整改要求.
        requirement: Option<Text>,
        /// 整改期限.
        deadline: DateTime<Utc>,
        /// 整改通知(告知单)编号.
        notice: Option<DocNumber>,
        /// 派单部门.
        department: Option<Department>,
    },
    /// The responsible party has started (with any temporary measures).
    StartRectification {
        /// 临时措施 added now.
        interim_measures: Vec<InterimMeasure>,
    },
    /// 当场整改, witnessed by the actor.
    RectifyOnSpot {
        /// What was done.
        measures: Text,
        /// 整改后照片.
        after_photos: Vec<Sha256Hex>,
    },
    /// 整改完成,申请复查.
    SubmitRectification {
        /// 整改措施说明.
        measures: Text,
        /// 整改后照片.
        after_photos: Vec<Sha256Hex>,
    },
    /// 复查.
    Reinspect {
        /// 合格 or 不合格.
        passed: bool,
        /// 复查照片.
        photos: Vec<Sha256Hex>,
        /// The re-inspection's inspection record.
        inspection: Option<InspectionId>,
    },
    /// 延期申请.
    RequestExtension {
        /// Requested deadline.
        new_deadline: DateTime<Utc>,
    },
    /// 延期审批.
    DecideExtension {
        /// Approve or reject.
        approved: bool,
    },
    /// 挂牌督办 (major hazards).
    ListSupervision {
        /// 督办单位.
        authority: Text,
        /// 文号.
        document: Text,
        /// 督办期限.
        deadline: DateTime<Utc>,
    },
    /// 定级变更 after determination.
    ChangeSeverity {
        /// New level.
        to: Severity,
        /// 判定方式.
        determination: DeterminationMethod,
        /// 是否经集体讨论或专家论证.
        collective_review: bool,
    },
    /// 销号 (and 核销 of a listed hazard).
    Close {
        /// 核销批复, required for listed hazards.
        approval: Option<Text>,
    },
    /// 撤销.
    Dismiss,
    /// 告知主要负责人/实际控制人: records that the principal or actual controller was told.
    NotifyPrincipal {
        /// Who was told.
        person: Text,
        /// 主要负责人 or 实际控制人.
        role: PrincipalRole,
        /// When they were told (not after the event, not before the report).
        at: DateTime<Utc>,
        /// How.
        method: NotificationMethod,
    },
    /// 退回: a submitted rectification goes back to rectifying (reason required).
    SendBack,
    /// 责令复查: a supervisor orders a re-inspection.
    OrderReinspection {
        /// By when (optional; not before the event).
        due: Option<DateTime<Utc>>,
    },
}

impl HazardAction {
    /// The photos the action references (SHA-256), in order, each once.
    pub fn photos(&self) -> Vec<Sha256Hex> {
        let listed: &[Sha256Hex] = match self {
            HazardAction::Report(new) => &new.photos_before,
            HazardAction::RectifyOnSpot { after_photos, .. }
            | HazardAction::SubmitRectification { after_photos, .. } => after_photos,
            HazardAction::Reinspect { photos, .. } => photos,
            _ => &[],
        };
        let mut all: Vec<Sha256Hex> = Vec::new();
        for hash in listed {
            if !all.contains(hash) {
                all.push(hash.clone());
            }
        }
        all
    }

    /// The stable name, used in error messages.
    pub fn name(&self) -> &'static str {
        self.kind().map_or("report", HazardActionKind::code)
    }

    /// The kind of action; `None` for a report (which creates a hazard).
    pub fn kind(&self) -> Option<HazardActionKind> {
        use HazardActionKind as K;
        Some(match self {
            HazardAction::Report(_) => return None,
            HazardAction::Assign { .. } => K::Assign,
            HazardAction::StartRectification { .. } => K::StartRectification,
            HazardAction::RectifyOnSpot { .. } => K::RectifyOnSpot,
            HazardAction::SubmitRectification { .. } => K::SubmitRectification,
            HazardAction::Reinspect { .. } => K::Reinspect,
            HazardAction::RequestExtension { .. } => K::RequestExtension,
            HazardAction::DecideExtension { .. } => K::DecideExtension,
            HazardAction::ListSupervision { .. } => K::ListSupervision,
            HazardAction::ChangeSeverity { .. } => K::ChangeSeverity,
            HazardAction::Close { .. } => K::Close,
            HazardAction::Dismiss => K::Dismiss,
            HazardAction::NotifyPrincipal { .. } => K::NotifyPrincipal,
            HazardAction::SendBack => K::SendBack,
            HazardAction::OrderReinspection { .. } => K::OrderReinspection,
        })
    }
}

/// The kind of a [`HazardAction`], without its payload: what the ledger offers a user
/// (see [`allowed_actions`]). Serialised as the action's `type` (`assign`, `close`, ...).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HazardActionKind {
    /// 交办.
    Assign,
    /// 开始整改.
    StartRectification,
    /// 当场整改.
    RectifyOnSpot,
    /// 提交整改.
    SubmitRectification,
    /// 复查 (also the review of a submitted rectification).
    Reinspect,
    /// 延期申请.
    RequestExtension,
    /// 延期审批.
    DecideExtension,
    /// 告知主要负责人/实际控制人.
    NotifyPrincipal,
    /// 挂牌督办.
    ListSupervision,
    /// 定级变更.
    ChangeSeverity,
    /// 退回: a submitted rectification goes back to the responsible party.
    SendBack,
    /// 责令复查: a supervisor orders a re-inspection.
    OrderReinspection,
    /// 销号.
    Close,
    /// 撤销.
    Dismiss,
}

impl HazardActionKind {
    /// Every kind an existing hazard may be offered, in the order the ledger lists them.
    pub const ALL: [HazardActionKind; 14] = [
        HazardActionKind::Assign,
        HazardActionKind::StartRectification,
        HazardActionKind::RectifyOnSpot,
        HazardActionKind::SubmitRectification,
        HazardActionKind::Reinspect,
        HazardActionKind::RequestExtension,
        HazardActionKind::DecideExtension,
        HazardActionKind::NotifyPrincipal,
        HazardActionKind::ListSupervision,
        HazardActionKind::ChangeSeverity,
        HazardActionKind::SendBack,
        HazardActionKind::OrderReinspection,
        HazardActionKind::Close,
        HazardActionKind::Dismiss,
    ];

    /// The stable name (the action's `type`).
    pub fn code(self) -> &'static str {
        match self {
            HazardActionKind::Assign => "assign",
            HazardActionKind::StartRectification => "start_rectification",
            HazardActionKind::RectifyOnSpot => "rectify_on_spot",
            HazardActionKind::SubmitRectification => "submit_rectification",
            HazardActionKind::Reinspect => "reinspect",
            HazardActionKind::RequestExtension => "request_extension",
            HazardActionKind::DecideExtension => "decide_extension",
            HazardActionKind::NotifyPrincipal => "notify_principal",
            HazardActionKind::ListSupervision => "list_supervision",
            HazardActionKind::ChangeSeverity => "change_severity",
            HazardActionKind::SendBack => "send_back",
            HazardActionKind::OrderReinspection => "order_reinspection",
            HazardActionKind::Close => "close",
            HazardActionKind::Dismiss => "dismiss",
        }
    }
}

impl std::fmt::Display for HazardActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Why an event could not be applied. Nothing is changed when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action is not allowed in the current state.
    #[error("cannot {action} a hazard that is {state}")]
    InvalidState {
        /// The action.
        action: &'static str,
        /// The state.
        state: HazardState,
    },
    /// The role may not do this.
    #[error("a user with role {role} may not {action}: {why}")]
    Forbidden {
        /// The action.
        action: &'static str,
        /// The actor's role.
        role: &'static str,
        /// The rule.
        why: &'static str,
    },
    /// The actor's scope does not include the hazard's region.
    #[error("cannot {action}: the hazard's region is outside the user's scope")]
    OutOfScope {
        /// The action.
        action: &'static str,
    },
    /// A reason is required.
    #[error("cannot {action} without a reason")]
    ReasonRequired {
        /// The action.
        action: &'static str,
    },
    /// Photos are required.
    #[error("cannot {action} without at least one photo")]
    PhotosRequired {
        /// The action.
        action: &'static str,
    },
    /// The event belongs to another hazard.
    #[error("event is for hazard {event}, not {hazard}")]
    WrongHazard {
        /// The event's hazard.
        event: HazardId,
        /// This hazard.
        hazard: HazardId,
    },
    /// The first event must be a report.
    #[error("the first event of a hazard must be report, not {0}")]
    NotReported(&'static str),
    /// A hazard is reported only once.
    #[error("the hazard has already been reported")]
    AlreadyReported,
    /// No events to replay.
    #[error("no events to replay")]
    NoEvents,
    /// Same event id, different content.
    #[error("event {0} was already applied with different content")]
    ConflictingDuplicate(EventId),
    /// Level differs from the item's default without a reason.
    #[error("the level differs from the checklist item's default: give an override reason")]
    OverrideReasonRequired,
    /// A combined-element case cannot be made major without collective review.
    #[error(
        "a GB 35181 combined-element case becomes major only after collective discussion or expert review by the fire authority"
    )]
    CombinedNeedsReview,
    /// The deadline is before the event.
    #[error("the deadline is before the time of the event")]
    DeadlineInPast,
    /// An extension needs a current deadline.
    #[error("cannot request an extension: the hazard has no deadline")]
    NoDeadline,
    /// An extension must move the deadline later.
    #[error("the requested deadline must be later than the current deadline")]
    ExtensionNotLater,
    /// Only one extension request may be pending.
    #[error("an extension request is already pending")]
    ExtensionPending,
    /// Nothing to decide.
    #[error("there is no pending extension request")]
    NoPendingExtension,
    /// Nobody approves their own request.
    #[error("an extension must be decided by someone other than the requester")]
    SelfApproval,
    /// Only major hazards are listed.
    #[error("only major hazards can be listed for supervision")]
    NotMajor,
    /// Already listed.
    #[error("the hazard is already listed for supervision")]
    AlreadyListed,
    /// A listed hazard stays major.
    #[error("a hazard listed for supervision cannot be downgraded")]
    ListedStaysMajor,
    /// The level is already what was asked.
    #[error("the hazard is already {0:?}")]
    SameSeverity(Severity),
    /// A listed hazard needs the approval document to close.
    #[error("closing a listed hazard needs the approval document (核销批复)")]
    ApprovalRequired,
    /// On-the-spot rectification is not for listed hazards.
    #[error("a hazard listed for supervision cannot be rectified on the spot")]
    ListedNotOnSpot,
    /// A notification's time is after the event or before the report.
    #[error("the time of the notification must lie between the report and the event")]
    NotificationTime,
}

impl TransitionError {
    /// A stable machine code for the reason (`invalid_state`, `forbidden`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::InvalidState { .. } => "invalid_state",
            TransitionError::Forbidden { .. } => "forbidden",
            TransitionError::OutOfScope { .. } => "out_of_scope",
            TransitionError::ReasonRequired { .. } => "reason_required",
            TransitionError::PhotosRequired { .. } => "photos_required",
            TransitionError::WrongHazard { .. } => "wrong_hazard",
            TransitionError::NotReported(_) => "not_reported",
            TransitionError::AlreadyReported => "already_reported",
            TransitionError::NoEvents => "no_events",
            TransitionError::ConflictingDuplicate(_) => "conflicting_duplicate",
            TransitionError::OverrideReasonRequired => "override_reason_required",
            TransitionError::CombinedNeedsReview => "combined_needs_review",
            TransitionError::DeadlineInPast => "deadline_in_past",
            TransitionError::NoDeadline => "no_deadline",
            TransitionError::ExtensionNotLater => "extension_not_later",
            TransitionError::ExtensionPending => "extension_pending",
            TransitionError::NoPendingExtension => "no_pending_extension",
            TransitionError::SelfApproval => "self_approval",
            TransitionError::NotMajor => "not_major",
            TransitionError::AlreadyListed => "already_listed",
            TransitionError::ListedStaysMajor => "listed_stays_major",
            TransitionError::SameSeverity(_) => "same_severity",
            TransitionError::ApprovalRequired => "approval_required",
            TransitionError::ListedNotOnSpot => "listed_not_on_spot",
            TransitionError::NotificationTime => "notification_time",
        }
    }
}

type Result<T> = std::result::Result<T, TransitionError>;

/// The actions `actor` may take on `hazard` now, in [`HazardActionKind::ALL`] order: those
/// whose state, role and scope rules (the module's table) let them through. An action listed
/// here is applied by [`Hazard::apply`] when its payload passes its own checks (a reason
/// where one is required, photos, a deadline not in the past); one not listed never is.
pub fn allowed_actions(hazard: &Hazard, actor: &Actor) -> Vec<HazardActionKind> {
    use HazardActionKind as K;
    use HazardState as S;
    if !actor.scope.covers(&hazard.details.region) {
        return Vec::new();
    }
    let state = hazard.state;
    let open = !state.is_final();
    let supervisory = actor.role.is_supervisory();
    let major = hazard.severity == Severity::Major;
    let awaiting_fix = matches!(state, S::Assigned | S::Rectifying);
    let reinspectable = matches!(
        state,
        S::Assigned | S::Rectifying | S::RectificationSubmitted
    );
    let allowed = |kind: &K| match kind {
        K::Assign => state == S::Reported && (!major || supervisory),
        K::StartRectification => state == S::Assigned,
        K::RectifyOnSpot => {
            matches!(state, S::Reported | S::Assigned | S::Rectifying) && !hazard.is_listed()
        }
        K::SubmitRectification => state == S::Rectifying,
        K::Reinspect => reinspectable,
        K::RequestExtension => {
            awaiting_fix && hazard.deadline.is_some() && hazard.pending_extension.is_none()
        }
        K::DecideExtension => {
            open && supervisory
                && hazard
                    .pending_extension
                    .as_ref()
                    .is_some_and(|r| r.by.user != actor.user)
        }
        K::NotifyPrincipal => open,
        K::ListSupervision => open && supervisory && major && hazard.supervision.is_none(),
        // A listed hazard stays major, and a general one may always be raised.
        K::ChangeSeverity => open && supervisory && !(major && hazard.supervision.is_some()),
        K::SendBack => state == S::RectificationSubmitted && supervisory,
        K::OrderReinspection => reinspectable && supervisory,
        K::Close => {
            state == S::ReinspectionPassed && (supervisory || (!major && !hazard.is_listed()))
        }
        K::Dismiss => matches!(state, S::Reported | S::Assigned) && supervisory,
    };
    K::ALL.into_iter().filter(allowed).collect()
}

impl Hazard {
    /// Creates a hazard from its report event.
    pub fn report(event: &HazardEvent) -> Result<Hazard> {
        let HazardAction::Report(new) = &event.action else {
            return Err(TransitionError::NotReported(event.action.name()));
        };
        let action = "report";
        if !event.actor.scope.covers(&new.region) {
            return Err(TransitionError::OutOfScope { action });
        }
        if new.default_severity.is_some_and(|d| d != new.severity) && new.override_reason.is_none()
        {
            return Err(TransitionError::OverrideReasonRequired);
        }
        if new.severity == Severity::Major
            && new.determination == DeterminationMethod::CombinedCount
        {
            return Err(TransitionError::CombinedNeedsReview);
        }
        Ok(Hazard {
            id: event.hazard,
            details: (**new).clone(),
            state: HazardState::Reported,
            severity: new.severity,
            determination: new.determination,
            collective_review: false,
            severity_changes: Vec::new(),
            reported_at: event.at,
            reported_by: event.actor.clone(),
            assignment: None,
            deadline: None,
            rectification_started_at: None,
            pending_extension: None,
            extensions: Vec::new(),
            supervision: None,
            submissions: Vec::new(),
            reinspections: Vec::new(),
            reinspection_failures: 0,
            closure: None,
            dismissal: None,
            notifications: Vec::new(),
            send_backs: Vec::new(),
            reinspection_order: None,
            last_at: event.at,
            history: vec![event.clone()],
        })
    }

    /// Rebuilds a hazard from its events, in order.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a HazardEvent>) -> Result<Hazard> {
        let mut events = events.into_iter();
        let first = events.next().ok_or(TransitionError::NoEvents)?;
        let mut hazard = Hazard::report(first)?;
        for event in events {
            hazard = hazard.apply(event)?;
        }
        Ok(hazard)
    }

    /// Applies one event and returns the new hazard; `self` is untouched. Pure and
    /// deterministic. See the module documentation for the rules.
    pub fn apply(&self, event: &HazardEvent) -> Result<Hazard> {
        if event.hazard != self.id {
            return Err(TransitionError::WrongHazard {
                event: event.hazard,
                hazard: self.id,
            });
        }
        if let Some(previous) = self.history.iter().find(|e| e.id == event.id) {
            return if previous == event {
                Ok(self.clone())
            } else {
                Err(TransitionError::ConflictingDuplicate(event.id))
            };
        }
        let action = event.action.name();
        if !event.actor.scope.covers(&self.details.region) {
            return Err(TransitionError::OutOfScope { action });
        }
        let at = event.at.max(self.last_at);
        let actor = &event.actor;
        let role = actor.role;
        let reason = event.reason.clone();
        let state = self.state;
        let invalid = || TransitionError::InvalidState { action, state };
        let require_reason = || {
            reason
                .clone()
                .ok_or(TransitionError::ReasonRequired { action })
        };
        let require_supervisory = |why: &'static str| {
            if role.is_supervisory() {
                Ok(())
            } else {
                Err(TransitionError::Forbidden {
                    action,
                    role: role.code(),
                    why,
                })
            }
        };
        use HazardState as S;

        let mut next = self.clone();
        match &event.action {
            HazardAction::Report(_) => return Err(TransitionError::AlreadyReported),
            HazardAction::Assign {
                responsible,
                requirement,
                deadline,
                notice,
                department,
            } => {
                if state != S::Reported {
                    return Err(invalid());
                }
                if self.severity == Severity::Major {
                    require_supervisory("major hazards are assigned by a supervisor")?;
                }
                if *deadline < at {
                    return Err(TransitionError::DeadlineInPast);
                }
                next.assignment = Some(Assignment {
                    responsible: responsible.clone(),
                    requirement: requirement.clone(),
                    deadline: *deadline,
                    notice: notice.clone(),
                    department: *department,
                    at,
                    by: actor.clone(),
                });
                next.deadline = Some(*deadline);
                next.state = S::Assigned;
            }
            HazardAction::StartRectification { interim_measures } => {
                if state != S::Assigned {
                    return Err(invalid());
                }
                for m in interim_measures {
                    if !next.details.interim_measures.contains(m) {
                        next.details.interim_measures.push(*m);
                    }
                }
                next.rectification_started_at = Some(at);
                next.state = S::Rectifying;
            }
            HazardAction::RectifyOnSpot {
                measures,
                after_photos,
            } => {
                if !matches!(state, S::Reported | S::Assigned | S::Rectifying) {
                    return Err(invalid());
                }
                if self.is_listed() {
                    return Err(TransitionError::ListedNotOnSpot);
                }
                if after_photos.is_empty() {
                    return Err(TransitionError::PhotosRequired { action });
                }
                next.submissions.push(RectificationSubmission {
                    measures: measures.clone(),
                    after_photos: after_photos.clone(),
                    at,
                    by: actor.clone(),
                });
                next.reinspection_order = None;
                next.reinspections.push(Reinspection {
                    passed: true,
                    photos: after_photos.clone(),
                    inspection: self.details.inspection,
                    notes: reason.clone(),
                    on_the_spot: true,
                    at,
                    by: actor.clone(),
                });
                next.pending_extension = None;
                next.state = S::ReinspectionPassed;
            }
            HazardAction::SubmitRectification {
                measures,
                after_photos,
            } => {
                if state != S::Rectifying {
                    return Err(invalid());
                }
                if after_photos.is_empty() {
                    return Err(TransitionError::PhotosRequired { action });
                }
                next.submissions.push(RectificationSubmission {
                    measures: measures.clone(),
                    after_photos: after_photos.clone(),
                    at,
                    by: actor.clone(),
                });
                next.state = S::RectificationSubmitted;
            }
            HazardAction::Reinspect {
                passed,
                photos,
                inspection,
            } => {
                if !matches!(
                    state,
                    S::Assigned | S::Rectifying | S::RectificationSubmitted
                ) {
                    return Err(invalid());
                }
                if photos.is_empty() {
                    return Err(TransitionError::PhotosRequired { action });
                }
                let notes = if *passed {
                    reason.clone()
                } else {
                    Some(require_reason()?)
                };
                next.reinspection_order = None;
                next.reinspections.push(Reinspection {
                    passed: *passed,
                    photos: photos.clone(),
                    inspection: *inspection,
                    notes,
                    on_the_spot: false,
                    at,
                    by: actor.clone(),
                });
                if *passed {
                    next.pending_extension = None;
                    next.state = S::ReinspectionPassed;
                } else {
                    next.reinspection_failures += 1;
                    if next.rectification_started_at.is_none() {
                        next.rectification_started_at = Some(at);
                    }
                    next.state = S::Rectifying;
                }
            }
            HazardAction::RequestExtension { new_deadline } => {
                if !matches!(state, S::Assigned | S::Rectifying) {
                    return Err(invalid());
                }
                let reason = require_reason()?;
                let current = self.deadline.ok_or(TransitionError::NoDeadline)?;
                if self.pending_extension.is_some() {
                    return Err(TransitionError::ExtensionPending);
                }
                if *new_deadline <= current {
                    return Err(TransitionError::ExtensionNotLater);
                }
                next.pending_extension = Some(ExtensionRequest {
                    from: current,
                    to: *new_deadline,
                    reason,
                    at,
                    by: actor.clone(),
                });
            }
            HazardAction::DecideExtension { approved } => {
                if state.is_final() {
                    return Err(invalid());
                }
                let request = self
                    .pending_extension
                    .clone()
                    .ok_or(TransitionError::NoPendingExtension)?;
                require_supervisory("extensions are approved by a supervisor")?;
                if request.by.user == actor.user {
                    return Err(TransitionError::SelfApproval);
                }
                let reason = if *approved {
                    reason.clone()
                } else {
                    Some(require_reason()?)
                };
                if *approved {
                    next.deadline = Some(request.to);
                }
                next.extensions.push(ExtensionDecision {
                    request,
                    approved: *approved,
                    reason,
                    at,
                    by: actor.clone(),
                });
                next.pending_extension = None;
            }
            HazardAction::ListSupervision {
                authority,
                document,
                deadline,
            } => {
                if state.is_final() {
                    return Err(invalid());
                }
                require_supervisory("listing for supervision is decided by a supervisor")?;
                if self.severity != Severity::Major {
                    return Err(TransitionError::NotMajor);
                }
                if self.supervision.is_some() {
                    return Err(TransitionError::AlreadyListed);
                }
                if *deadline < at {
                    return Err(TransitionError::DeadlineInPast);
                }
                next.supervision = Some(ListedSupervision {
                    authority: authority.clone(),
                    document: document.clone(),
                    deadline: *deadline,
                    at,
                    by: actor.clone(),
                    lifted: None,
                });
            }
            HazardAction::ChangeSeverity {
                to,
                determination,
                collective_review,
            } => {
                if state.is_final() {
                    return Err(invalid());
                }
                require_supervisory("the level is changed by a supervisor after determination")?;
                let reason = require_reason()?;
                if *to == self.severity {
                    return Err(TransitionError::SameSeverity(*to));
                }
                if *to == Severity::General && self.supervision.is_some() {
                    return Err(TransitionError::ListedStaysMajor);
                }
                if *to == Severity::Major
                    && *determination == DeterminationMethod::CombinedCount
                    && !collective_review
                {
                    return Err(TransitionError::CombinedNeedsReview);
                }
                next.severity_changes.push(SeverityChange {
                    from: self.severity,
                    to: *to,
                    determination: *determination,
                    collective_review: *collective_review,
                    reason,
                    at,
                    by: actor.clone(),
                });
                next.severity = *to;
                next.determination = *determination;
                next.collective_review = *collective_review;
            }
            HazardAction::Close { approval } => {
                if state != S::ReinspectionPassed {
                    return Err(invalid());
                }
                if self.severity == Severity::Major {
                    require_supervisory("a major hazard cannot be closed by an inspector alone")?;
                }
                if let Some(supervision) = &mut next.supervision {
                    require_supervisory("a listed hazard is closed by a supervisor")?;
                    let approval = approval.clone().ok_or(TransitionError::ApprovalRequired)?;
                    supervision.lifted = Some(Lifted { approval, at });
                }
                next.reinspection_order = None;
                next.closure = Some(Closure {
                    at,
                    by: actor.clone(),
                    severity: self.severity,
                });
                next.pending_extension = None;
                next.state = S::Closed;
            }
            HazardAction::Dismiss => {
                if !matches!(state, S::Reported | S::Assigned) {
                    return Err(invalid());
                }
                require_supervisory("reports are dismissed by a supervisor")?;
                next.dismissal = Some(Dismissal {
                    reason: require_reason()?,
                    at,
                    by: actor.clone(),
                });
                next.pending_extension = None;
                next.reinspection_order = None;
                next.state = S::Dismissed;
            }
            HazardAction::NotifyPrincipal {
                person,
                role: principal_role,
                at: notified_at,
                method,
            } => {
                if state.is_final() {
                    return Err(invalid());
                }
                if *notified_at > event.at || *notified_at < self.reported_at {
                    return Err(TransitionError::NotificationTime);
                }
                next.notifications.push(PrincipalNotification {
                    person: person.clone(),
                    role: *principal_role,
                    notified_at: *notified_at,
                    method: *method,
                    at,
                    by: actor.clone(),
                });
            }
            HazardAction::SendBack => {
                if state != S::RectificationSubmitted {
                    return Err(invalid());
                }
                require_supervisory("a submitted rectification is sent back by a supervisor")?;
                next.send_backs.push(SendBack {
                    reason: require_reason()?,
                    at,
                    by: actor.clone(),
                });
                next.state = S::Rectifying;
            }
            HazardAction::OrderReinspection { due } => {
                if !matches!(
                    state,
                    S::Assigned | S::Rectifying | S::RectificationSubmitted
                ) {
                    return Err(invalid());
                }
                require_supervisory("a re-inspection is ordered by a supervisor")?;
                if due.is_some_and(|d| d < at) {
                    return Err(TransitionError::DeadlineInPast);
                }
                next.reinspection_order = Some(ReinspectionOrder {
                    due: *due,
                    at,
                    by: actor.clone(),
                });
            }
        }
        next.last_at = at;
        next.history.push(event.clone());
        Ok(next)
    }

    /// Checks the invariants every hazard built through events satisfies; returns the first
    /// violated one. Used by the property tests, and useful to the server after a replay.
    pub fn check_invariants(&self) -> std::result::Result<(), String> {
        let fail = |m: &str| Err(m.to_owned());
        let Some(first) = self.history.first() else {
            return fail("history is empty");
        };
        if !matches!(first.action, HazardAction::Report(_)) {
            return fail("history does not start with report");
        }
        if self.history.iter().any(|e| e.hazard != self.id) {
            return fail("history holds another hazard's event");
        }
        let mut ids: Vec<EventId> = self.history.iter().map(|e| e.id).collect();
        ids.sort();
        ids.dedup();
        if ids.len() != self.history.len() {
            return fail("history holds an event twice");
        }
        let failures = self.reinspections.iter().filter(|r| !r.passed).count();
        if usize::try_from(self.reinspection_failures).ok() != Some(failures) {
            return fail("failure count differs from failed re-inspections");
        }
        let last_passed_with_photos = self
            .reinspections
            .last()
            .is_some_and(|r| r.passed && !r.photos.is_empty());
        match self.state {
            HazardState::Closed => {
                let Some(closure) = &self.closure else {
                    return fail("closed without closure record");
                };
                if !last_passed_with_photos {
                    return fail("closed without a passed re-inspection with photos");
                }
                if closure.severity == Severity::Major && closure.by.role == Role::Inspector {
                    return fail("major hazard closed by an inspector");
                }
                if self
                    .supervision
                    .as_ref()
                    .is_some_and(|s| s.lifted.is_none())
                {
                    return fail("closed while still listed");
                }
            }
            HazardState::ReinspectionPassed if !last_passed_with_photos => {
                return fail("re-inspection passed state without a passed re-inspection");
            }
            HazardState::RectificationSubmitted
                if self
                    .submissions
                    .last()
                    .is_none_or(|s| s.after_photos.is_empty()) =>
            {
                return fail("submitted without after-photos");
            }
            _ => {}
        }
        if (self.state == HazardState::Closed) != self.closure.is_some() {
            return fail("closure record and state disagree");
        }
        if (self.state == HazardState::Dismissed) != self.dismissal.is_some() {
            return fail("dismissal record and state disagree");
        }
        if self.supervision.is_some() && self.severity != Severity::Major {
            return fail("listed hazard is not major");
        }
        if self.state.is_final() && self.pending_extension.is_some() {
            return fail("final hazard has a pending extension");
        }
        if self.state.is_final() && self.reinspection_order.is_some() {
            return fail("final hazard has a pending re-inspection order");
        }
        if self.send_backs.iter().any(|s| !s.by.role.is_supervisory()) {
            return fail("a submission was sent back by an inspector");
        }
        if self.severity == Severity::Major
            && self.determination == DeterminationMethod::CombinedCount
            && !self.collective_review
        {
            return fail("combined-element case is major without collective review");
        }
        if let Some(last) = self.extensions.iter().rev().find(|e| e.approved)
            && self.deadline != Some(last.request.to)
        {
            return fail("deadline differs from the last approved extension");
        }
        if self.deadline.is_some() != self.assignment.is_some() {
            return fail("deadline without assignment or assignment without deadline");
        }
        let times = [
            self.closure.as_ref().map(|c| c.at),
            self.dismissal.as_ref().map(|d| d.at),
            self.assignment.as_ref().map(|a| a.at),
        ];
        if times.into_iter().flatten().any(|t| t < self.reported_at)
            || self.last_at < self.reported_at
        {
            return fail("an effective time precedes the report");
        }
        Ok(())
    }
}
