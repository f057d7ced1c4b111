//! The interface's words for the domain's codes, errors and times, from the translation files.

use crate::{
    api::ApiError,
    i18n::{Locale, t_string},
};
use anxun_domain::{
    hazard::{HazardActionKind, HazardSource, HazardState, Severity},
    site::Area,
};
use chrono::{DateTime, NaiveDate, Utc};
use leptos_i18n::I18nContext;

type I18n = I18nContext<Locale>;

pub fn area(i18n: I18n, area: Area) -> &'static str {
    match area {
        Area::Gas => t_string!(i18n, area.gas),
        Area::FactoryWarehouse => t_string!(i18n, area.factory_warehouse),
        Area::Ebike => t_string!(i18n, area.ebike),
    }
}

pub fn severity(i18n: I18n, severity: Severity) -> &'static str {
    match severity {
        Severity::General => t_string!(i18n, severity.general),
        Severity::Major => t_string!(i18n, severity.major),
    }
}

pub fn state(i18n: I18n, state: HazardState) -> &'static str {
    match state {
        HazardState::Reported => t_string!(i18n, state.reported),
        HazardState::Assigned => t_string!(i18n, state.assigned),
        HazardState::Rectifying => t_string!(i18n, state.rectifying),
        HazardState::RectificationSubmitted => t_string!(i18n, state.rectification_submitted),
        HazardState::ReinspectionPassed => t_string!(i18n, state.reinspection_passed),
        HazardState::Closed => t_string!(i18n, state.closed),
        HazardState::Dismissed => t_string!(i18n, state.dismissed),
    }
}

pub fn source(i18n: I18n, source: HazardSource) -> &'static str {
    match source {
        HazardSource::GridPatrol => t_string!(i18n, source.grid_patrol),
        HazardSource::SpecialCampaign => t_string!(i18n, source.special_campaign),
        HazardSource::JointInspection => t_string!(i18n, source.joint_inspection),
        HazardSource::Hotline12345 => t_string!(i18n, source.hotline_12345),
        HazardSource::PublicReport => t_string!(i18n, source.public_report),
        HazardSource::EnterpriseSelfInspection => {
            t_string!(i18n, source.enterprise_self_inspection)
        }
    }
}

pub fn action(i18n: I18n, kind: HazardActionKind) -> &'static str {
    match kind {
        HazardActionKind::Assign => t_string!(i18n, action.assign),
        HazardActionKind::StartRectification => t_string!(i18n, action.start_rectification),
        HazardActionKind::RectifyOnSpot => t_string!(i18n, action.rectify_on_spot),
        HazardActionKind::SubmitRectification => t_string!(i18n, action.submit_rectification),
        HazardActionKind::Reinspect => t_string!(i18n, action.reinspect),
        HazardActionKind::RequestExtension => t_string!(i18n, action.request_extension),
        HazardActionKind::DecideExtension => t_string!(i18n, action.decide_extension),
        HazardActionKind::NotifyPrincipal => t_string!(i18n, action.notify_principal),
        HazardActionKind::ListSupervision => t_string!(i18n, action.list_supervision),
        HazardActionKind::ChangeSeverity => t_string!(i18n, action.change_severity),
        HazardActionKind::SendBack => t_string!(i18n, action.send_back),
        HazardActionKind::OrderReinspection => t_string!(i18n, action.order_reinspection),
        HazardActionKind::Close => t_string!(i18n, action.close),
        HazardActionKind::Dismiss => t_string!(i18n, action.dismiss),
    }
}

/// An error as the user reads it: the server's own message where it gave one.
pub fn error(i18n: I18n, error: &ApiError) -> String {
    match error {
        ApiError::Unreachable(_) => t_string!(i18n, errors.unreachable).to_owned(),
        ApiError::SessionEnded => t_string!(i18n, errors.session_ended).to_owned(),
        ApiError::Unreadable(_) => t_string!(i18n, errors.unreadable).to_owned(),
        ApiError::Server { status: 403, .. } => t_string!(i18n, errors.forbidden).to_owned(),
        ApiError::Server { status: 404, .. } => t_string!(i18n, errors.not_found).to_owned(),
        ApiError::Server { code, .. } if code == "bad_credentials" => {
            t_string!(i18n, errors.bad_credentials).to_owned()
        }
        ApiError::Server { message, .. } => message.clone(),
    }
}

/// An instant as a Shanghai date and time.
pub fn time(at: DateTime<Utc>) -> String {
    at.with_timezone(&anxun_domain::shanghai::offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// An instant as a Shanghai date.
pub fn date(at: DateTime<Utc>) -> String {
    at.with_timezone(&anxun_domain::shanghai::offset())
        .format("%Y-%m-%d")
        .to_string()
}

pub fn day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}
