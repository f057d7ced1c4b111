//! The forms for a supervisor's actions on a hazard ([`ActionForm`]): typed fields to the
//! domain's [`HazardAction`], one error per field, and the request that carries it with an
//! event id made once per submitted action ([`request_for`]), so that sending it again after a
//! failure applies it once.

use anxun_domain::{
    api::ledger::{ActionRequest, shanghai_midnight},
    hazard::{HazardAction, HazardActionKind, NotificationMethod, PrincipalRole, ResponsibleParty},
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
    #[error("the person notified is required")]
    Person,
    #[error("the date is not a date (YYYY-MM-DD)")]
    Date,
    #[error("this action has no form in the console")]
    NotOffered,
}

/// What the user typed and chose, as text; [`ActionForm::build`] parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Who was notified (notify the principal).
    pub person: String,
    /// 主要负责人 or 实际控制人 (notify the principal).
    pub principal_role: PrincipalRole,
    /// How (notify the principal).
    pub method: NotificationMethod,
}

impl Default for ActionForm {
    fn default() -> ActionForm {
        ActionForm {
            responsible: String::new(),
            requirement: String::new(),
            deadline: String::new(),
            authority: String::new(),
            document: String::new(),
            approval: String::new(),
            yes: false,
            reason: String::new(),
            person: String::new(),
            principal_role: PrincipalRole::Principal,
            method: NotificationMethod::InPerson,
        }
    }
}

impl ActionForm {
    /// The action and its reason; `now` is when a notification is recorded as made.
    pub fn build(
        &self,
        kind: HazardActionKind,
        now: DateTime<Utc>,
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
            HazardActionKind::SendBack => {
                need_reason()?;
                HazardAction::SendBack
            }
            HazardActionKind::NotifyPrincipal => HazardAction::NotifyPrincipal {
                person: Text::parse(&self.person).map_err(|_| FormError::Person)?,
                role: self.principal_role,
                at: now,
                method: self.method,
            },
            HazardActionKind::OrderReinspection => HazardAction::OrderReinspection {
                due: if self.deadline.trim().is_empty() {
                    None
                } else {
                    Some(end_of_day(&self.deadline).ok_or(FormError::Date)?)
                },
            },
            _ => return Err(FormError::NotOffered),
        };
        Ok((action, reason))
    }
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

    fn now() -> DateTime<Utc> {
        "2026-11-23T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn an_assignment_needs_a_party_and_a_deadline_at_the_end_of_the_day() {
        let mut form = ActionForm::default();
        assert_eq!(
            form.build(HazardActionKind::Assign, now()).unwrap_err(),
            FormError::Responsible
        );
        form.responsible = "某某餐饮店 张三".into();
        assert_eq!(
            form.build(HazardActionKind::Assign, now()).unwrap_err(),
            FormError::Deadline
        );
        form.deadline = "2026-12-01".into();
        let (action, reason) = form.build(HazardActionKind::Assign, now()).unwrap();
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
            assert_eq!(
                form.build(kind, now()).unwrap_err(),
                FormError::Reason,
                "{kind}"
            );
        }
        let form = ActionForm {
            yes: true,
            ..ActionForm::default()
        };
        assert!(form.build(HazardActionKind::DecideExtension, now()).is_ok());
        assert!(form.build(HazardActionKind::Reinspect, now()).is_ok());
        let form = ActionForm {
            reason: "重复上报".into(),
            ..ActionForm::default()
        };
        let (action, reason) = form.build(HazardActionKind::Dismiss, now()).unwrap();
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
            form.build(HazardActionKind::ListSupervision, now())
                .unwrap_err(),
            FormError::Authority
        );
        form.authority = "区安委办".into();
        assert_eq!(
            form.build(HazardActionKind::ListSupervision, now())
                .unwrap_err(),
            FormError::Document
        );
        form.document = "沪徐安委办〔2026〕3号".into();
        assert!(form.build(HazardActionKind::ListSupervision, now()).is_ok());
    }

    #[test]
    fn every_console_action_builds_from_a_complete_form() {
        let form = ActionForm {
            responsible: "张三".into(),
            deadline: "2026-12-01".into(),
            authority: "区安委办".into(),
            document: "〔2026〕3号".into(),
            yes: true,
            reason: "说明".into(),
            person: "李四".into(),
            ..ActionForm::default()
        };
        for kind in CONSOLE_ACTIONS {
            let (action, _) = form.build(kind, now()).unwrap();
            assert_eq!(action.kind(), Some(kind));
        }
    }

    #[test]
    fn a_notification_names_the_person_and_a_send_back_its_reason() {
        let form = ActionForm::default();
        assert_eq!(
            form.build(HazardActionKind::NotifyPrincipal, now())
                .unwrap_err(),
            FormError::Person
        );
        assert_eq!(
            form.build(HazardActionKind::SendBack, now()).unwrap_err(),
            FormError::Reason
        );
        let (action, _) = form
            .build(HazardActionKind::OrderReinspection, now())
            .unwrap();
        assert_eq!(action, HazardAction::OrderReinspection { due: None });
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
