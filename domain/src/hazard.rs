//! Hazards (隐患): the ledger record of standards.md §4 and its lifecycle.
//!
//! A hazard is created by a [`HazardAction::Report`] event and changes only through further
//! [`HazardEvent`]s applied by [`Hazard::apply`] (see [`lifecycle`] for the state machine, the
//! roles allowed to make each transition and the evidence each needs). It keeps every event,
//! so its history is complete and auditable, and [`Hazard::replay`] rebuilds it from the
//! events in arrival order, deterministically, on the server or on a device.
//!
//! Hazards serialise (for display and storage as a projection) but do not deserialise: the
//! source of truth on the wire is the event list.

pub mod lifecycle;
pub mod worklist;

use chrono::{DateTime, Utc};

pub use lifecycle::{
    HazardAction, HazardActionKind, HazardEvent, HazardState, TransitionError, allowed_actions,
};

use crate::{
    docno::DocNumber,
    geo::GeoPoint,
    ids::{HazardId, InspectionId, SiteId},
    photo::Sha256Hex,
    region::RegionPath,
    role::Actor,
    site::{Area, Contact, CreditCode},
    template::{CombinedClause, Department, ItemId, LegalBasis, TemplateRef},
    text::Text,
};

/// Hazard level (等级).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 一般隐患.
    General,
    /// 重大隐患.
    Major,
}

impl Severity {
    /// Both levels.
    pub const ALL: [Severity; 2] = [Severity::General, Severity::Major];

    /// 一般 / 重大.
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::General => "一般",
            Severity::Major => "重大",
        }
    }

    /// The stable code (`general`, `major`), as on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Severity::General => "general",
            Severity::Major => "major",
        }
    }

    /// Reads a stable code.
    pub fn parse(code: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where the hazard came from (来源).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HazardSource {
    /// 网格巡查.
    GridPatrol,
    /// 专项检查.
    SpecialCampaign,
    /// 联合检查.
    JointInspection,
    /// 12345 热线.
    #[serde(rename = "hotline_12345")]
    Hotline12345,
    /// 随手拍/群众举报.
    PublicReport,
    /// 企业自查.
    EnterpriseSelfInspection,
}

impl HazardSource {
    /// Every source, in a stable order.
    pub const ALL: [HazardSource; 6] = [
        HazardSource::GridPatrol,
        HazardSource::SpecialCampaign,
        HazardSource::JointInspection,
        HazardSource::Hotline12345,
        HazardSource::PublicReport,
        HazardSource::EnterpriseSelfInspection,
    ];

    /// The stable code, as on the wire.
    pub fn code(self) -> &'static str {
        match self {
            HazardSource::GridPatrol => "grid_patrol",
            HazardSource::SpecialCampaign => "special_campaign",
            HazardSource::JointInspection => "joint_inspection",
            HazardSource::Hotline12345 => "hotline_12345",
            HazardSource::PublicReport => "public_report",
            HazardSource::EnterpriseSelfInspection => "enterprise_self_inspection",
        }
    }

    /// Reads a stable code.
    pub fn parse(code: &str) -> Option<HazardSource> {
        HazardSource::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The ledger label (来源).
    pub fn label_zh(self) -> &'static str {
        match self {
            HazardSource::GridPatrol => "网格巡查",
            HazardSource::SpecialCampaign => "专项检查",
            HazardSource::JointInspection => "联合检查",
            HazardSource::Hotline12345 => "12345",
            HazardSource::PublicReport => "随手拍",
            HazardSource::EnterpriseSelfInspection => "企业自查",
        }
    }
}

/// How the level was determined (判定方式).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeterminationMethod {
    /// 直接判定 (a GB 35181 direct element).
    Direct,
    /// 综合要素计数 (GB 35181 combined elements; major only after collective review).
    CombinedCount,
    /// 行业判定标准 (工贸企业 or 城镇燃气 major-hazard criteria).
    IndustryStandard,
    /// 地方口径 (local practice without a national clause).
    LocalPractice,
    /// 一般违法违规情形 (other breaches).
    Regulation,
}

/// A temporary control measure (临时措施).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InterimMeasure {
    /// 停用.
    StopUse,
    /// 停气.
    GasCut,
    /// 断电.
    PowerCut,
    /// 疏散.
    Evacuation,
    /// 警戒.
    Cordon,
    /// 责令停产停业.
    SuspendOperations,
    /// 临时查封.
    TemporarySeal,
}

/// How the hazard is to be rectified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RectificationMode {
    /// 当场整改: fixed while the inspector is there, evidenced by after-photos.
    OnTheSpot,
    /// 限期整改: fixed by a deadline set when the hazard is assigned.
    ByDeadline,
}

/// The checklist item a finding came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ItemRef {
    /// Template and version.
    pub template: TemplateRef,
    /// Item id.
    pub item: ItemId,
}

/// Who must rectify (整改责任单位/责任人).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ResponsibleParty {
    /// Unit or person.
    pub name: Text,
    /// Contact person.
    pub contact: Option<Contact>,
}

/// Everything recorded when a hazard is reported (the payload of [`HazardAction::Report`]):
/// identification, object, hazard, level, evidence and control fields of standards.md §4.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct NewHazard {
    /// 隐患编号, assigned offline (see [`crate::docno`]).
    pub number: Option<DocNumber>,
    /// 来源.
    pub source: HazardSource,
    /// 关联检查记录.
    pub inspection: Option<InspectionId>,
    /// 模板项编号和模板版本; `None` for an ad hoc finding.
    pub item: Option<ItemRef>,
    /// The site.
    pub site: SiteId,
    /// 单位名称 at the time of reporting.
    pub site_name: Text,
    /// 统一社会信用代码.
    pub credit_code: Option<CreditCode>,
    /// 地址.
    pub address: Option<Text>,
    /// 区/街镇/网格.
    pub region: RegionPath,
    /// 领域.
    pub area: Area,
    /// 类别.
    pub category: Option<Text>,
    /// 现状描述.
    pub description: Text,
    /// 具体部位(楼层/房间).
    pub location_detail: Option<Text>,
    /// GPS.
    pub gps: Option<GeoPoint>,
    /// 等级 as reported.
    pub severity: Severity,
    /// The level the checklist item implies, if the finding came from an item.
    pub default_severity: Option<Severity>,
    /// Why the reported level differs from the item's default (required when it does).
    pub override_reason: Option<Text>,
    /// 判定方式.
    pub determination: DeterminationMethod,
    /// 判定依据 (document and clause).
    pub basis: Vec<LegalBasis>,
    /// GB 35181 combined elements this finding establishes.
    pub combined: Vec<CombinedClause>,
    /// 整改前照片 (SHA-256 of each photo).
    pub photos_before: Vec<Sha256Hex>,
    /// 临时措施.
    pub interim_measures: Vec<InterimMeasure>,
    /// 当场整改 or 限期整改.
    pub rectification: RectificationMode,
    /// 整改要求 suggested by the checklist.
    pub suggested_rectification: Option<Text>,
    /// Departments to refer the hazard to.
    pub refer_to: Vec<Department>,
}

/// 交办: who must fix it, by when, under which notice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Assignment {
    /// 整改责任单位/责任人.
    pub responsible: ResponsibleParty,
    /// 整改要求.
    pub requirement: Option<Text>,
    /// 整改期限 as first set.
    pub deadline: DateTime<Utc>,
    /// 整改通知(告知单)编号.
    pub notice: Option<DocNumber>,
    /// 派单部门.
    pub department: Option<Department>,
    /// When.
    pub at: DateTime<Utc>,
    /// By whom.
    pub by: Actor,
}

/// A pending request to extend the deadline (延期申请).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ExtensionRequest {
    /// Deadline before the extension.
    pub from: DateTime<Utc>,
    /// Requested new deadline.
    pub to: DateTime<Utc>,
    /// Why.
    pub reason: Text,
    /// When.
    pub at: DateTime<Utc>,
    /// By whom.
    pub by: Actor,
}

/// A decided extension request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ExtensionDecision {
    /// The request.
    pub request: ExtensionRequest,
    /// Approved or rejected.
    pub approved: bool,
    /// Why (required when rejected).
    pub reason: Option<Text>,
    /// When.
    pub at: DateTime<Utc>,
    /// By whom (a supervisor or administrator other than the requester).
    pub by: Actor,
}

/// 挂牌督办 of a major hazard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ListedSupervision {
    /// 挂牌督办单位.
    pub authority: Text,
    /// 文号.
    pub document: Text,
    /// 督办期限.
    pub deadline: DateTime<Utc>,
    /// When.
    pub at: DateTime<Utc>,
    /// By whom.
    pub by: Actor,
    /// 核销: when the supervision was lifted (on closing, with the approval document).
    pub lifted: Option<Lifted>,
}

/// 核销 of a listed hazard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Lifted {
    /// 核销批复.
    pub approval: Text,
    /// When.
    pub at: DateTime<Utc>,
}

/// 整改: what the responsible party says it did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct RectificationSubmission {
    /// 整改措施说明.
    pub measures: Text,
    /// 整改后照片 (same angle as before).
    pub after_photos: Vec<Sha256Hex>,
    /// When.
    pub at: DateTime<Utc>,
    /// Recorded by.
    pub by: Actor,
}

/// 复查: an on-site check of the rectification.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Reinspection {
    /// 结论: passed (合格) or failed (不合格).
    pub passed: bool,
    /// 复查照片.
    pub photos: Vec<Sha256Hex>,
    /// The inspection record of the re-inspection, if one was made.
    pub inspection: Option<InspectionId>,
    /// Notes (the reason when failed).
    pub notes: Option<Text>,
    /// Whether this was 当场整改 verified by the inspector who found it.
    pub on_the_spot: bool,
    /// When.
    pub at: DateTime<Utc>,
    /// 复查人.
    pub by: Actor,
}

/// 销号.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Closure {
    /// 销号时间.
    pub at: DateTime<Utc>,
    /// 审批人.
    pub by: Actor,
    /// The level when closed.
    pub severity: Severity,
}

/// 撤销: dismissed as a duplicate or unfounded report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Dismissal {
    /// Why.
    pub reason: Text,
    /// When.
    pub at: DateTime<Utc>,
    /// By whom.
    pub by: Actor,
}

/// A record of a change of level after reporting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct SeverityChange {
    /// Before.
    pub from: Severity,
    /// After.
    pub to: Severity,
    /// 判定方式.
    pub determination: DeterminationMethod,
    /// 是否经集体讨论或专家论证.
    pub collective_review: bool,
    /// Why.
    pub reason: Text,
    /// When.
    pub at: DateTime<Utc>,
    /// 判定人.
    pub by: Actor,
}

/// Whom a notification went to (主要负责人 or 实际控制人).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrincipalRole {
    /// 主要负责人.
    Principal,
    /// 实际控制人.
    ActualController,
}

/// How the principal was notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationMethod {
    /// 当面告知.
    InPerson,
    /// 电话告知.
    Phone,
    /// 书面告知 (a written notice served).
    Written,
    /// 短信或即时消息.
    Message,
}

/// A record that the principal or actual controller was told of the hazard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct PrincipalNotification {
    /// Who was told.
    pub person: Text,
    /// As what.
    pub role: PrincipalRole,
    /// When they were told.
    pub notified_at: DateTime<Utc>,
    /// How.
    pub method: NotificationMethod,
    /// When it was recorded (effective time).
    pub at: DateTime<Utc>,
    /// Recorded by.
    pub by: Actor,
}

/// 退回: a submitted rectification returned to the responsible party without a re-inspection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct SendBack {
    /// Why.
    pub reason: Text,
    /// When.
    pub at: DateTime<Utc>,
    /// By whom (a supervisor or administrator).
    pub by: Actor,
}

/// 责令复查: a supervisor's order to re-inspect, pending until the next re-inspection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ReinspectionOrder {
    /// By when the re-inspection is due.
    pub due: Option<DateTime<Utc>>,
    /// When.
    pub at: DateTime<Utc>,
    /// By whom.
    pub by: Actor,
}

/// A hazard and its complete history. Built only by [`Hazard::report`], [`Hazard::apply`] and
/// [`Hazard::replay`]; read through getters.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Hazard {
    id: HazardId,
    details: NewHazard,
    state: HazardState,
    severity: Severity,
    determination: DeterminationMethod,
    collective_review: bool,
    severity_changes: Vec<SeverityChange>,
    reported_at: DateTime<Utc>,
    reported_by: Actor,
    assignment: Option<Assignment>,
    deadline: Option<DateTime<Utc>>,
    rectification_started_at: Option<DateTime<Utc>>,
    pending_extension: Option<ExtensionRequest>,
    extensions: Vec<ExtensionDecision>,
    supervision: Option<ListedSupervision>,
    submissions: Vec<RectificationSubmission>,
    reinspections: Vec<Reinspection>,
    reinspection_failures: u32,
    closure: Option<Closure>,
    dismissal: Option<Dismissal>,
    notifications: Vec<PrincipalNotification>,
    send_backs: Vec<SendBack>,
    reinspection_order: Option<ReinspectionOrder>,
    last_at: DateTime<Utc>,
    history: Vec<HazardEvent>,
}

impl Hazard {
    /// The id.
    pub fn id(&self) -> HazardId {
        self.id
    }
    /// What was reported.
    pub fn details(&self) -> &NewHazard {
        &self.details
    }
    /// The lifecycle state.
    pub fn state(&self) -> HazardState {
        self.state
    }
    /// The current level.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// How the current level was determined.
    pub fn determination(&self) -> DeterminationMethod {
        self.determination
    }
    /// Whether the level was set after collective discussion or expert review.
    pub fn collective_review(&self) -> bool {
        self.collective_review
    }
    /// Changes of level after reporting.
    pub fn severity_changes(&self) -> &[SeverityChange] {
        &self.severity_changes
    }
    /// When it was reported (effective time, see [`lifecycle`]).
    pub fn reported_at(&self) -> DateTime<Utc> {
        self.reported_at
    }
    /// Who reported it.
    pub fn reported_by(&self) -> &Actor {
        &self.reported_by
    }
    /// 交办 details.
    pub fn assignment(&self) -> Option<&Assignment> {
        self.assignment.as_ref()
    }
    /// The current deadline (after approved extensions).
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.deadline
    }
    /// A pending extension request.
    pub fn pending_extension(&self) -> Option<&ExtensionRequest> {
        self.pending_extension.as_ref()
    }
    /// Decided extension requests.
    pub fn extensions(&self) -> &[ExtensionDecision] {
        &self.extensions
    }
    /// 挂牌督办, if listed.
    pub fn supervision(&self) -> Option<&ListedSupervision> {
        self.supervision.as_ref()
    }
    /// Rectification submissions.
    pub fn submissions(&self) -> &[RectificationSubmission] {
        &self.submissions
    }
    /// Re-inspections, passed and failed.
    pub fn reinspections(&self) -> &[Reinspection] {
        &self.reinspections
    }
    /// 退回次数: how many re-inspections failed.
    pub fn reinspection_failures(&self) -> u32 {
        self.reinspection_failures
    }
    /// 销号.
    pub fn closure(&self) -> Option<&Closure> {
        self.closure.as_ref()
    }
    /// 撤销.
    pub fn dismissal(&self) -> Option<&Dismissal> {
        self.dismissal.as_ref()
    }
    /// Notifications of the principal or actual controller (告知主要负责人/实际控制人).
    pub fn notifications(&self) -> &[PrincipalNotification] {
        &self.notifications
    }
    /// Submissions sent back (退回).
    pub fn send_backs(&self) -> &[SendBack] {
        &self.send_backs
    }
    /// A pending order to re-inspect (责令复查).
    pub fn reinspection_order(&self) -> Option<&ReinspectionOrder> {
        self.reinspection_order.as_ref()
    }
    /// Every event applied, in order.
    pub fn history(&self) -> &[HazardEvent] {
        &self.history
    }

    /// 逾期: a derived state. The hazard is overdue at `now` when it is waiting for the
    /// responsible party (assigned or rectifying, including after a failed re-inspection) and
    /// its current deadline has passed. A rectification submitted and awaiting re-inspection
    /// is not overdue.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        worklist::is_overdue(self.state, self.deadline, now)
    }

    /// Whether supervision is listed and not yet lifted (挂牌督办中).
    pub fn is_listed(&self) -> bool {
        self.supervision
            .as_ref()
            .is_some_and(|s| s.lifted.is_none())
    }

    /// The ledger status at `now`, in Chinese, for example `整改中(逾期)` or
    /// `待复查(挂牌督办中)`.
    pub fn status_label_zh(&self, now: DateTime<Utc>) -> String {
        worklist::status_label_zh(
            self.state,
            self.reinspection_failures,
            self.is_overdue(now),
            self.is_listed(),
        )
    }

    /// The figures statistics need (see [`crate::stats`]).
    pub fn summary(&self) -> crate::stats::HazardSummary {
        let first_reinspection_passed = self
            .reinspections
            .iter()
            .find(|r| !r.on_the_spot)
            .map(|r| r.passed);
        crate::stats::HazardSummary {
            area: self.details.area,
            severity: self.severity,
            region: self.details.region.clone(),
            from_inspection: self.details.inspection.is_some(),
            reported_at: self.reported_at,
            deadline: self.deadline,
            state: self.state,
            closed_at: self.closure.as_ref().map(|c| c.at),
            listed: self.supervision.is_some(),
            first_reinspection_passed,
        }
    }
}
