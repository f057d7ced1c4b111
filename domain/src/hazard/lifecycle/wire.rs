//! [`HazardAction`] as read: one flat struct with the `type` tag and the fields of every
//! action, including those of [`NewHazard`] for `report` (see [`crate::tagged`]).

use chrono::{DateTime, Utc};

use super::HazardAction;
use crate::{
    docno::DocNumber,
    geo::GeoPoint,
    hazard::{
        DeterminationMethod, HazardSource, InterimMeasure, ItemRef, NewHazard, NotificationMethod,
        PrincipalRole, RectificationMode, ResponsibleParty, Severity,
    },
    ids::{InspectionId, SiteId},
    photo::Sha256Hex,
    region::RegionPath,
    site::{Area, CreditCode},
    tagged::{MissingField, required},
    template::{CombinedClause, Department, LegalBasis},
    text::Text,
};

/// The `type` of a [`HazardAction`].
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum ActionType {
    Report,
    Assign,
    StartRectification,
    RectifyOnSpot,
    SubmitRectification,
    Reinspect,
    RequestExtension,
    DecideExtension,
    ListSupervision,
    ChangeSeverity,
    Close,
    Dismiss,
    NotifyPrincipal,
    SendBack,
    OrderReinspection,
}

/// Every field any action has; each action takes its own and ignores the others.
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) struct HazardActionWire {
    r#type: ActionType,
    // `report`: the fields of `NewHazard`.
    number: Option<DocNumber>,
    source: Option<HazardSource>,
    /// Also `reinspect`.
    inspection: Option<InspectionId>,
    item: Option<ItemRef>,
    site: Option<SiteId>,
    site_name: Option<Text>,
    credit_code: Option<CreditCode>,
    address: Option<Text>,
    region: Option<RegionPath>,
    area: Option<Area>,
    category: Option<Text>,
    description: Option<Text>,
    location_detail: Option<Text>,
    gps: Option<GeoPoint>,
    severity: Option<Severity>,
    default_severity: Option<Severity>,
    override_reason: Option<Text>,
    /// Also `change_severity`.
    determination: Option<DeterminationMethod>,
    basis: Option<Vec<LegalBasis>>,
    combined: Option<Vec<CombinedClause>>,
    photos_before: Option<Vec<Sha256Hex>>,
    /// Also `start_rectification`.
    interim_measures: Option<Vec<InterimMeasure>>,
    rectification: Option<RectificationMode>,
    suggested_rectification: Option<Text>,
    refer_to: Option<Vec<Department>>,
    // The other actions.
    responsible: Option<ResponsibleParty>,
    requirement: Option<Text>,
    /// `assign` and `list_supervision`.
    deadline: Option<DateTime<Utc>>,
    notice: Option<DocNumber>,
    department: Option<Department>,
    /// `rectify_on_spot` and `submit_rectification`.
    measures: Option<Text>,
    /// `rectify_on_spot` and `submit_rectification`.
    after_photos: Option<Vec<Sha256Hex>>,
    passed: Option<bool>,
    photos: Option<Vec<Sha256Hex>>,
    new_deadline: Option<DateTime<Utc>>,
    approved: Option<bool>,
    authority: Option<Text>,
    document: Option<Text>,
    to: Option<Severity>,
    collective_review: Option<bool>,
    approval: Option<Text>,
    // `notify_principal`.
    person: Option<Text>,
    role: Option<PrincipalRole>,
    at: Option<DateTime<Utc>>,
    method: Option<NotificationMethod>,
    // `order_reinspection`.
    due: Option<DateTime<Utc>>,
}

impl TryFrom<HazardActionWire> for HazardAction {
    type Error = MissingField;
    fn try_from(wire: HazardActionWire) -> Result<Self, Self::Error> {
        Ok(match wire.r#type {
            ActionType::Report => HazardAction::Report(Box::new(NewHazard {
                number: wire.number,
                source: required(wire.source, "source")?,
                inspection: wire.inspection,
                item: wire.item,
                site: required(wire.site, "site")?,
                site_name: required(wire.site_name, "site_name")?,
                credit_code: wire.credit_code,
                address: wire.address,
                region: required(wire.region, "region")?,
                area: required(wire.area, "area")?,
                category: wire.category,
                description: required(wire.description, "description")?,
                location_detail: wire.location_detail,
                gps: wire.gps,
                severity: required(wire.severity, "severity")?,
                default_severity: wire.default_severity,
                override_reason: wire.override_reason,
                determination: required(wire.determination, "determination")?,
                basis: required(wire.basis, "basis")?,
                combined: required(wire.combined, "combined")?,
                photos_before: required(wire.photos_before, "photos_before")?,
                interim_measures: required(wire.interim_measures, "interim_measures")?,
                rectification: required(wire.rectification, "rectification")?,
                suggested_rectification: wire.suggested_rectification,
                refer_to: required(wire.refer_to, "refer_to")?,
            })),
            ActionType::Assign => HazardAction::Assign {
                responsible: required(wire.responsible, "responsible")?,
                requirement: wire.requirement,
                deadline: required(wire.deadline, "deadline")?,
                notice: wire.notice,
                department: wire.department,
            },
            ActionType::StartRectification => HazardAction::StartRectification {
                interim_measures: required(wire.interim_measures, "interim_measures")?,
            },
            ActionType::RectifyOnSpot => HazardAction::RectifyOnSpot {
                measures: required(wire.measures, "measures")?,
                after_photos: required(wire.after_photos, "after_photos")?,
            },
            ActionType::SubmitRectification => HazardAction::SubmitRectification {
                measures: required(wire.measures, "measures")?,
                after_photos: required(wire.after_photos, "after_photos")?,
            },
            ActionType::Reinspect => HazardAction::Reinspect {
                passed: required(wire.passed, "passed")?,
                photos: required(wire.photos, "photos")?,
                inspection: wire.inspection,
            },
            ActionType::RequestExtension => HazardAction::RequestExtension {
                new_deadline: required(wire.new_deadline, "new_deadline")?,
            },
            ActionType::DecideExtension => HazardAction::DecideExtension {
                approved: required(wire.approved, "approved")?,
            },
            ActionType::ListSupervision => HazardAction::ListSupervision {
                authority: required(wire.authority, "authority")?,
                document: required(wire.document, "document")?,
                deadline: required(wire.deadline, "deadline")?,
            },
            ActionType::ChangeSeverity => HazardAction::ChangeSeverity {
                to: required(wire.to, "to")?,
                determination: required(wire.determination, "determination")?,
                collective_review: required(wire.collective_review, "collective_review")?,
            },
            ActionType::Close => HazardAction::Close {
                approval: wire.approval,
            },
            ActionType::Dismiss => HazardAction::Dismiss,
            ActionType::NotifyPrincipal => HazardAction::NotifyPrincipal {
                person: required(wire.person, "person")?,
                role: required(wire.role, "role")?,
                at: required(wire.at, "at")?,
                method: required(wire.method, "method")?,
            },
            ActionType::SendBack => HazardAction::SendBack,
            ActionType::OrderReinspection => HazardAction::OrderReinspection { due: wire.due },
        })
    }
}
