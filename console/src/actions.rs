//! The forms for a supervisor's actions on a hazard ([`ActionForm`]): typed fields to the
//! domain's [`HazardAction`], one error per field, and the request that carries it with an
//! event id made once per submitted action ([`request_for`]), so that sending it again after a
//! failure applies it once.

use anxun_domain::{
    api::ledger::{ActionRequest, shanghai_midnight},
    hazard::{HazardAction, HazardActionKind, ResponsibleParty},
    ids::EventId,
    text::Text,
};
use chrono::{DateTime, Days, NaiveDate, Utc};

/// The actions the console offers forms for, in the order it shows them. The others
/// (an inspector's own steps: start, submit, on-the-spot fix, extension request) belong to
/// the field app.
pub const CONSOLE_ACTIONS: [HazardActionKind; 9] = [
    HazardActionKind::Assign,
    HazardActionKind::DecideExtension,
    HazardActionKind::NotifyPrincipal,
    HazardActionKind::ListSupervision,
    HazardActionKind::Reinspect,
    HazardActionKind::OrderReinspection,
    HazardActionKind::SendBack,
    HazardActionKind::Close,
    HazardActionKind::Dismiss,
];

/// A field of an action form that is missing or wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("the responsible party is required")]
    Responsible,
    #[error("the deadline is required (YYYY-MM-DD)")]
    Deadline,
    #[error("the supervising unit is required")]
    Authority,
    #[error("the supervision document number is required")]
    Document,
    #[error("a reason is required")]
    Reason,
    #[error("this action has no form in the console")]
    NotOffered,
}

/// What the user typed and chose, as text; [`ActionForm::build`] parses it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionForm {
    /// 整改责任单位/责任人 (assign).
    pub responsible: String,
    /// 整改要求 (assign; optional).
    pub requirement: String,
    /// 整改期限 / 督办期限, `YYYY-MM-DD` (assign, list for supervision).
    pub deadline: String,
    /// 督办单位 (list for supervision).
    pub authority: String,
    /// 督办文号 (list for supervision).
    pub document: String,
    /// 核销批复 (close; required by the domain for a listed hazard).
    pub approval: String,
    /// 同意 (extension) or 合格 (review).
    pub yes: bool,
    /// Why (required for a refusal, a failed review, a send back, a dismissal, a change of
    /// level).
    pub reason: String,
}

impl ActionForm {
    /// The action and its reason.
    pub fn build(
        &self,
        kind: HazardActionKind,
    ) -> Result<(HazardAction, Option<Text>), FormError> {
        let reason = Text::parse(&self.reason).ok();
        let need_reason = || reason.clone().ok_or(FormError::Reason);
        let action = match kind {
            HazardActionKind::Assign => HazardAction::Assign {
                responsible: ResponsibleParty {
                    name: Text::parse(&self.responsible).map_err(|_| FormError::Responsible)?,
                    contact: None,
                },
                requirement: Text::parse(&self.requirement).ok(),
                deadline: end_of_day(&self.deadline).ok_or(FormError::Deadline)?,
                notice: None,
                department: None,
            },
            HazardActionKind::DecideExtension => {
                if !self.yes {
                    need_reason()?;
                }
                HazardAction::DecideExtension { approved: self.yes }
            }
            HazardActionKind::ListSupervision => HazardAction::ListSupervision {
                authority: Text::parse(&self.authority).map_err(|_| FormError::Authority)?,
                document: Text::parse(&self.document).map_err(|_| FormError::Document)?,
                deadline: end_of_day(&self.deadline).ok_or(FormError::Deadline)?,
            },
            HazardActionKind::Reinspect => {
                if !self.yes {
                    need_reason()?;
                }
                HazardAction::Reinspect {
                    passed: self.yes,
                    photos: Vec::new(),
                    inspection: None,
                }
            }
            HazardActionKind::Close => HazardAction::Close {
                approval: Text::parse(&self.approval).ok(),
            },
            HazardActionKind::Dismiss => {
                need_reason()?;
                HazardAction::Dismiss
            }
            _ => return Err(FormError::NotOffered),
        };
        Ok((action, reason))
    }
}

/// The kind of an action, for the history (`None` for the report that opened the hazard).
pub fn kind(action: &HazardAction) -> Option<HazardActionKind> {
    let value = serde_json::to_value(action).ok()?;
    let code = value.get("type")?.as_str()?;
    HazardActionKind::ALL.into_iter().find(|k| k.code() == code)
}

/// The end of a day in Shanghai (23:59:59): a deadline given as a date.
pub fn end_of_day(date: &str) -> Option<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let next = day.checked_add_days(Days::new(1))?;
    Some(shanghai_midnight(next) - chrono::Duration::seconds(1))
}

/// The request to send: the one already pending if it carries the same action and reason
/// (a retry after a failure keeps its event id, so the server applies it once), a new one
/// with a fresh UUIDv7 otherwise.
pub fn request_for(
    pending: Option<&ActionRequest>,
    action: HazardAction,
    reason: Option<Text>,
) -> ActionRequest {
    match pending {
        Some(pending) if pending.action == action && pending.reason == reason => pending.clone(),
        _ => ActionRequest {
            id: EventId::generate(),
            action,
            reason,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assignment_needs_a_party_and_a_deadline_at_the_end_of_the_day() {
        let mut form = ActionForm::default();
        assert_eq!(
            form.build(HazardActionKind::Assign).unwrap_err(),
            FormError::Responsible
        );
        form.responsible = "某某餐饮店 张三".into();
        assert_eq!(
            form.build(HazardActionKind::Assign).unwrap_err(),
            FormError::Deadline
        );
        form.deadline = "2026-12-01".into();
        let (action, reason) = form.build(HazardActionKind::Assign).unwrap();
        let HazardAction::Assign { deadline, .. } = action else {
            panic!("{action:?}")
        };
        // 2026-12-01 23:59:59 in Shanghai.
        assert_eq!(deadline.to_rfc3339(), "2026-12-01T15:59:59+00:00");
        assert_eq!(reason, None);
    }

    #[test]
    fn refusals_and_dismissals_need_a_reason() {
        let form = ActionForm::default();
        for kind in [
            HazardActionKind::DecideExtension,
            HazardActionKind::Reinspect,
            HazardActionKind::Dismiss,
        ] {
            assert_eq!(form.build(kind).unwrap_err(), FormError::Reason, "{kind}");
        }
        let form = ActionForm {
            yes: true,
            ..ActionForm::default()
        };
        assert!(form.build(HazardActionKind::DecideExtension).is_ok());
        assert!(form.build(HazardActionKind::Reinspect).is_ok());
        let form = ActionForm {
            reason: "重复上报".into(),
            ..ActionForm::default()
        };
        let (action, reason) = form.build(HazardActionKind::Dismiss).unwrap();
        assert_eq!(action, HazardAction::Dismiss);
        assert_eq!(reason.unwrap().as_str(), "重复上报");
    }

    #[test]
    fn a_listing_needs_unit_document_and_deadline() {
        let mut form = ActionForm {
            deadline: "2026-12-31".into(),
            ..ActionForm::default()
        };
        assert_eq!(
            form.build(HazardActionKind::ListSupervision).unwrap_err(),
            FormError::Authority
        );
        form.authority = "区安委办".into();
        assert_eq!(
            form.build(HazardActionKind::ListSupervision).unwrap_err(),
            FormError::Document
        );
        form.document = "沪徐安委办〔2026〕3号".into();
        assert!(form.build(HazardActionKind::ListSupervision).is_ok());
    }

    #[test]
    fn actions_name_their_kind() {
        assert_eq!(kind(&HazardAction::Dismiss), Some(HazardActionKind::Dismiss));
        assert_eq!(
            kind(&HazardAction::Close { approval: None }),
            Some(HazardActionKind::Close)
        );
    }

    #[test]
    fn a_retry_keeps_its_event_id_and_a_new_action_gets_a_new_one() {
        let close = HazardAction::Close { approval: None };
        let first = request_for(None, close.clone(), None);
        let retry = request_for(Some(&first), close, None);
        assert_eq!(retry.id, first.id);
        let other = request_for(Some(&first), HazardAction::Dismiss, Text::parse("x").ok());
        assert_ne!(other.id, first.id);
    }
}
