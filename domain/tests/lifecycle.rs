//! The hazard lifecycle: scenarios, and a property test that no sequence of events reaches an
//! inconsistent state.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "support/fixtures.rs"]
mod fixtures;

use anxun_domain::{
    hazard::{
        DeterminationMethod, Hazard, HazardAction, HazardActionKind, HazardEvent, HazardState,
        NotificationMethod, PrincipalRole, Severity, TransitionError, allowed_actions,
    },
    role::Actor,
};
use fixtures::*;
use proptest::prelude::*;

fn assign(deadline_days: i64, ev: &Events) -> HazardAction {
    HazardAction::Assign {
        responsible: responsible(),
        requirement: Some(text("停用地下室气瓶")),
        deadline: ev.at + days(deadline_days),
        notice: None,
        department: None,
    }
}

fn apply_all(events: &[HazardEvent]) -> Result<Hazard, TransitionError> {
    Hazard::replay(events)
}

#[test]
fn general_hazard_full_cycle_by_inspectors() {
    let mut ev = Events::new();
    let me = inspector(1);
    let mut events = vec![ev.report(&me, new_hazard(Severity::General))];
    events.push(ev.event(&me, None, assign(7, &ev)));
    events.push(ev.event(
        &me,
        None,
        HazardAction::StartRectification {
            interim_measures: vec![],
        },
    ));
    events.push(ev.event(
        &me,
        None,
        HazardAction::SubmitRectification {
            measures: text("已更换软管"),
            after_photos: vec![photo(2)],
        },
    ));
    events.push(ev.event(
        &me,
        Some("软管仍超长"),
        HazardAction::Reinspect {
            passed: false,
            photos: vec![photo(3)],
            inspection: None,
        },
    ));
    events.push(ev.event(
        &me,
        None,
        HazardAction::SubmitRectification {
            measures: text("改用钢管"),
            after_photos: vec![photo(4)],
        },
    ));
    events.push(ev.event(
        &me,
        None,
        HazardAction::Reinspect {
            passed: true,
            photos: vec![photo(5)],
            inspection: None,
        },
    ));
    events.push(ev.event(&me, None, HazardAction::Close { approval: None }));
    let hazard = apply_all(&events).unwrap();
    assert_eq!(hazard.state(), HazardState::Closed);
    assert_eq!(hazard.reinspection_failures(), 1);
    assert_eq!(hazard.history().len(), 8);
    assert_eq!(hazard.summary().first_reinspection_passed, Some(false));
    hazard.check_invariants().unwrap();
}

#[test]
fn major_hazard_cannot_be_closed_by_an_inspector_alone() {
    let mut ev = Events::new();
    let me = inspector(1);
    let boss = supervisor(2);
    let mut events = vec![ev.report(&me, new_hazard(Severity::Major))];
    // Inspectors do not assign major hazards either.
    let e = apply_all(&[events.clone(), vec![ev.event(&me, None, assign(30, &ev))]].concat())
        .unwrap_err();
    assert!(
        matches!(
            e,
            TransitionError::Forbidden {
                action: "assign",
                ..
            }
        ),
        "{e}"
    );
    events.push(ev.event(&boss, None, assign(30, &ev)));
    events.push(ev.event(
        &me,
        None,
        HazardAction::StartRectification {
            interim_measures: vec![],
        },
    ));
    events.push(ev.event(
        &me,
        None,
        HazardAction::SubmitRectification {
            measures: text("气瓶已撤出地下室"),
            after_photos: vec![photo(2)],
        },
    ));
    events.push(ev.event(
        &me,
        None,
        HazardAction::Reinspect {
            passed: true,
            photos: vec![photo(3)],
            inspection: None,
        },
    ));
    let hazard = apply_all(&events).unwrap();
    let e = hazard
        .apply(&ev.event(&me, None, HazardAction::Close { approval: None }))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "a user with role inspector may not close: a major hazard cannot be closed by an inspector alone"
    );
    let closed = hazard
        .apply(&ev.event(&boss, None, HazardAction::Close { approval: None }))
        .unwrap();
    assert_eq!(closed.state(), HazardState::Closed);
}

#[test]
fn closing_needs_a_passed_reinspection() {
    let mut ev = Events::new();
    let me = inspector(1);
    let events = vec![
        ev.report(&me, new_hazard(Severity::General)),
        ev.event(&me, None, assign(7, &ev)),
    ];
    let hazard = apply_all(&events).unwrap();
    let e = hazard
        .apply(&ev.event(&me, None, HazardAction::Close { approval: None }))
        .unwrap_err();
    assert_eq!(e.to_string(), "cannot close a hazard that is assigned");
    let e = hazard
        .apply(&ev.event(
            &me,
            None,
            HazardAction::Reinspect {
                passed: true,
                photos: vec![],
                inspection: None,
            },
        ))
        .unwrap_err();
    assert_eq!(
        e,
        TransitionError::PhotosRequired {
            action: "reinspect"
        }
    );
    let e = hazard
        .apply(&ev.event(
            &me,
            None,
            HazardAction::Reinspect {
                passed: false,
                photos: vec![photo(2)],
                inspection: None,
            },
        ))
        .unwrap_err();
    assert_eq!(
        e,
        TransitionError::ReasonRequired {
            action: "reinspect"
        }
    );
}

#[test]
fn on_the_spot_rectification_needs_after_photos() {
    let mut ev = Events::new();
    let me = inspector(1);
    let hazard = Hazard::report(&ev.report(&me, new_hazard(Severity::General))).unwrap();
    let e = hazard
        .apply(&ev.event(
            &me,
            None,
            HazardAction::RectifyOnSpot {
                measures: text("已关闭阀门"),
                after_photos: vec![],
            },
        ))
        .unwrap_err();
    assert_eq!(
        e,
        TransitionError::PhotosRequired {
            action: "rectify_on_spot"
        }
    );
    let fixed = hazard
        .apply(&ev.event(
            &me,
            None,
            HazardAction::RectifyOnSpot {
                measures: text("已关闭阀门"),
                after_photos: vec![photo(9)],
            },
        ))
        .unwrap();
    assert_eq!(fixed.state(), HazardState::ReinspectionPassed);
    let closed = fixed
        .apply(&ev.event(&me, None, HazardAction::Close { approval: None }))
        .unwrap();
    assert_eq!(closed.state(), HazardState::Closed);
    // On-the-spot fixes are not re-inspections for the first-pass rate.
    assert_eq!(closed.summary().first_reinspection_passed, None);
}

#[test]
fn extensions_need_approval_by_someone_else() {
    let mut ev = Events::new();
    let me = inspector(1);
    let boss = supervisor(2);
    let events = vec![
        ev.report(&me, new_hazard(Severity::General)),
        ev.event(&me, None, assign(7, &ev)),
    ];
    let hazard = apply_all(&events).unwrap();
    let deadline = hazard.deadline().unwrap();
    let request = HazardAction::RequestExtension {
        new_deadline: deadline + days(7),
    };
    let e = hazard
        .apply(&ev.event(&me, None, request.clone()))
        .unwrap_err();
    assert_eq!(
        e,
        TransitionError::ReasonRequired {
            action: "request_extension"
        }
    );
    let asked = hazard
        .apply(&ev.event(&boss, Some("需采购钢管"), request))
        .unwrap();
    let e = asked
        .apply(&ev.event(
            &boss,
            None,
            HazardAction::DecideExtension { approved: true },
        ))
        .unwrap_err();
    assert_eq!(e, TransitionError::SelfApproval);
    let e = asked
        .apply(&ev.event(&me, None, HazardAction::DecideExtension { approved: true }))
        .unwrap_err();
    assert!(matches!(e, TransitionError::Forbidden { .. }));
    let approved = asked
        .apply(&ev.event(
            &admin(3),
            None,
            HazardAction::DecideExtension { approved: true },
        ))
        .unwrap();
    assert_eq!(approved.deadline(), Some(deadline + days(7)));
    assert!(approved.pending_extension().is_none());
    assert!(!approved.is_overdue(deadline + days(1)));
    assert!(approved.is_overdue(deadline + days(8)));
    assert_eq!(approved.status_label_zh(deadline + days(8)), "已交办(逾期)");
}

#[test]
fn listed_supervision_only_for_major_and_needs_approval_to_close() {
    let mut ev = Events::new();
    let me = inspector(1);
    let boss = supervisor(2);
    let list = |ev: &Events| HazardAction::ListSupervision {
        authority: text("徐汇区安委办"),
        document: text("徐安委办〔2026〕12号"),
        deadline: ev.at + days(60),
    };
    let general = Hazard::report(&ev.report(&me, new_hazard(Severity::General))).unwrap();
    assert_eq!(
        general
            .apply(&ev.event(&boss, None, list(&ev)))
            .unwrap_err(),
        TransitionError::NotMajor
    );

    let mut ev = Events::new();
    let mut events = vec![ev.report(&me, new_hazard(Severity::Major))];
    events.push(ev.event(&boss, None, list(&ev)));
    events.push(ev.event(&boss, None, assign(30, &ev)));
    events.push(ev.event(
        &me,
        None,
        HazardAction::StartRectification {
            interim_measures: vec![],
        },
    ));
    events.push(ev.event(
        &me,
        None,
        HazardAction::SubmitRectification {
            measures: text("改造完成"),
            after_photos: vec![photo(2)],
        },
    ));
    events.push(ev.event(
        &me,
        None,
        HazardAction::Reinspect {
            passed: true,
            photos: vec![photo(3)],
            inspection: None,
        },
    ));
    let hazard = apply_all(&events).unwrap();
    assert!(hazard.is_listed());
    let e = hazard
        .apply(&ev.event(
            &boss,
            Some("误判"),
            HazardAction::ChangeSeverity {
                to: Severity::General,
                determination: DeterminationMethod::Regulation,
                collective_review: true,
            },
        ))
        .unwrap_err();
    assert_eq!(e, TransitionError::ListedStaysMajor);
    let e = hazard
        .apply(&ev.event(&boss, None, HazardAction::Close { approval: None }))
        .unwrap_err();
    assert_eq!(e, TransitionError::ApprovalRequired);
    let closed = hazard
        .apply(&ev.event(
            &boss,
            None,
            HazardAction::Close {
                approval: Some(text("核销批复〔2026〕3号")),
            },
        ))
        .unwrap();
    assert!(!closed.is_listed());
    assert!(closed.summary().listed);
    closed.check_invariants().unwrap();
}

#[test]
fn combined_elements_never_become_major_without_review() {
    let mut ev = Events::new();
    let me = inspector(1);
    let mut new = new_hazard(Severity::Major);
    new.determination = DeterminationMethod::CombinedCount;
    assert_eq!(
        Hazard::report(&ev.report(&me, new.clone())).unwrap_err(),
        TransitionError::CombinedNeedsReview
    );
    new.severity = Severity::General;
    let hazard = Hazard::report(&ev.report(&me, new)).unwrap();
    let change = |review| HazardAction::ChangeSeverity {
        to: Severity::Major,
        determination: DeterminationMethod::CombinedCount,
        collective_review: review,
    };
    let boss = supervisor(2);
    assert_eq!(
        hazard
            .apply(&ev.event(&boss, Some("综合要素4项"), change(false)))
            .unwrap_err(),
        TransitionError::CombinedNeedsReview
    );
    let major = hazard
        .apply(&ev.event(&boss, Some("消防救援支队集体讨论认定"), change(true)))
        .unwrap();
    assert_eq!(major.severity(), Severity::Major);
}

#[test]
fn override_needs_a_reason_and_scope_is_enforced() {
    let mut ev = Events::new();
    let me = inspector(1);
    let mut new = new_hazard(Severity::Major);
    new.default_severity = Some(Severity::General);
    assert_eq!(
        Hazard::report(&ev.report(&me, new.clone())).unwrap_err(),
        TransitionError::OverrideReasonRequired
    );
    new.override_reason = Some(text("燃具为国家明令淘汰产品(判定标准第九条(四))"));
    assert!(Hazard::report(&ev.report(&me, new.clone())).is_ok());

    let mut stranger: Actor = inspector(5);
    stranger.scope = anxun_domain::region::Scope::District {
        district: code("310105"),
    };
    assert_eq!(
        Hazard::report(&ev.report(&stranger, new)).unwrap_err(),
        TransitionError::OutOfScope { action: "report" }
    );
}

#[test]
fn duplicates_are_idempotent_and_conflicts_rejected() {
    let mut ev = Events::new();
    let me = inspector(1);
    let report = ev.report(&me, new_hazard(Severity::General));
    let a = ev.event(&me, None, assign(7, &ev));
    let hazard = Hazard::replay(&[report.clone(), a.clone()]).unwrap();
    assert_eq!(hazard.apply(&a).unwrap(), hazard);
    let mut changed = a.clone();
    changed.reason = Some(text("不同"));
    assert_eq!(
        hazard.apply(&changed).unwrap_err(),
        TransitionError::ConflictingDuplicate(a.id)
    );
    assert_eq!(hazard.apply(&report).unwrap(), hazard);
    assert!(matches!(
        Hazard::replay(&[a]).unwrap_err(),
        TransitionError::NotReported("assign")
    ));
}

#[test]
fn dismissal_by_supervisor_with_reason() {
    let mut ev = Events::new();
    let hazard = Hazard::report(&ev.report(&inspector(1), new_hazard(Severity::General))).unwrap();
    assert!(matches!(
        hazard
            .apply(&ev.event(&inspector(1), Some("重复"), HazardAction::Dismiss))
            .unwrap_err(),
        TransitionError::Forbidden { .. }
    ));
    let gone = hazard
        .apply(&ev.event(&supervisor(2), Some("与YH-0003重复"), HazardAction::Dismiss))
        .unwrap();
    assert_eq!(gone.state(), HazardState::Dismissed);
    assert!(
        gone.apply(&ev.event(&supervisor(2), None, HazardAction::Close { approval: None }))
            .is_err()
    );
}

// ---- property test ----

#[derive(Debug, Clone)]
enum Step {
    Assign(i64),
    Start,
    OnSpot(bool),
    Submit(bool),
    Reinspect {
        passed: bool,
        photos: bool,
        reason: bool,
    },
    RequestExtension {
        days: i64,
        reason: bool,
    },
    DecideExtension {
        approved: bool,
        reason: bool,
    },
    List,
    ChangeSeverity {
        major: bool,
        combined: bool,
        review: bool,
        reason: bool,
    },
    Close {
        approval: bool,
    },
    Dismiss {
        reason: bool,
    },
    Notify {
        days_back: i64,
    },
    SendBack {
        reason: bool,
    },
    OrderReinspection {
        due_days: Option<i64>,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (-2i64..40).prop_map(Step::Assign),
        Just(Step::Start),
        any::<bool>().prop_map(Step::OnSpot),
        any::<bool>().prop_map(Step::Submit),
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(passed, photos, reason)| {
            Step::Reinspect {
                passed,
                photos,
                reason,
            }
        }),
        (-3i64..30, any::<bool>())
            .prop_map(|(days, reason)| Step::RequestExtension { days, reason }),
        (any::<bool>(), any::<bool>())
            .prop_map(|(approved, reason)| Step::DecideExtension { approved, reason }),
        Just(Step::List),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(major, combined, review, reason)| Step::ChangeSeverity {
                major,
                combined,
                review,
                reason
            }
        ),
        any::<bool>().prop_map(|approval| Step::Close { approval }),
        any::<bool>().prop_map(|reason| Step::Dismiss { reason }),
        (-2i64..3).prop_map(|days_back| Step::Notify { days_back }),
        any::<bool>().prop_map(|reason| Step::SendBack { reason }),
        prop::option::of(-2i64..10).prop_map(|due_days| Step::OrderReinspection { due_days }),
    ]
}

fn actor(n: u8) -> Actor {
    match n % 4 {
        0 | 1 => inspector(n),
        2 => supervisor(n),
        _ => admin(n),
    }
}

fn action(step: &Step, ev: &Events, hazard: &Hazard) -> (HazardAction, bool) {
    let ps = |b: bool, n: u8| if b { vec![photo(n)] } else { vec![] };
    match step {
        Step::Assign(d) => (assign(*d, ev), false),
        Step::Start => (
            HazardAction::StartRectification {
                interim_measures: vec![],
            },
            false,
        ),
        Step::OnSpot(p) => (
            HazardAction::RectifyOnSpot {
                measures: text("当场整改"),
                after_photos: ps(*p, 8),
            },
            false,
        ),
        Step::Submit(p) => (
            HazardAction::SubmitRectification {
                measures: text("已整改"),
                after_photos: ps(*p, 9),
            },
            false,
        ),
        Step::Reinspect {
            passed,
            photos,
            reason,
        } => (
            HazardAction::Reinspect {
                passed: *passed,
                photos: ps(*photos, 10),
                inspection: None,
            },
            *reason,
        ),
        Step::RequestExtension { days: d, reason } => (
            HazardAction::RequestExtension {
                new_deadline: hazard.deadline().unwrap_or(ev.at) + days(*d),
            },
            *reason,
        ),
        Step::DecideExtension { approved, reason } => (
            HazardAction::DecideExtension {
                approved: *approved,
            },
            *reason,
        ),
        Step::List => (
            HazardAction::ListSupervision {
                authority: text("区安委办"),
                document: text("督办〔2026〕1号"),
                deadline: ev.at + days(60),
            },
            false,
        ),
        Step::ChangeSeverity {
            major,
            combined,
            review,
            reason,
        } => (
            HazardAction::ChangeSeverity {
                to: if *major {
                    Severity::Major
                } else {
                    Severity::General
                },
                determination: if *combined {
                    DeterminationMethod::CombinedCount
                } else {
                    DeterminationMethod::IndustryStandard
                },
                collective_review: *review,
            },
            *reason,
        ),
        Step::Close { approval } => (
            HazardAction::Close {
                approval: approval.then(|| text("核销批复")),
            },
            false,
        ),
        Step::Dismiss { reason } => (HazardAction::Dismiss, *reason),
        Step::Notify { days_back } => (
            HazardAction::NotifyPrincipal {
                person: text("王老板"),
                role: PrincipalRole::Principal,
                at: ev.at - days(*days_back),
                method: NotificationMethod::InPerson,
            },
            false,
        ),
        Step::SendBack { reason } => (HazardAction::SendBack, *reason),
        Step::OrderReinspection { due_days } => (
            HazardAction::OrderReinspection {
                due: due_days.map(|d| ev.at + days(d)),
            },
            false,
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_sequence_of_events_reaches_an_inconsistent_state(
        major in any::<bool>(),
        steps in prop::collection::vec((step(), 0u8..8, -30i64..240), 1..40),
    ) {
        let mut ev = Events::new();
        let severity = if major { Severity::Major } else { Severity::General };
        let mut hazard = Hazard::report(&ev.report(&inspector(1), new_hazard(severity))).unwrap();
        let mut applied = hazard.history().to_vec();
        for (step, who, minutes) in &steps {
            // Device clocks may go backwards: the hazard's effective times must not.
            ev.at += chrono::Duration::minutes(*minutes);
            let (action, with_reason) = action(step, &ev, &hazard);
            let event = ev.event(&actor(*who), with_reason.then_some("理由"), action);
            match hazard.apply(&event) {
                Ok(next) => {
                    prop_assert_eq!(next.history().len(), hazard.history().len() + 1);
                    hazard = next;
                    applied.push(event);
                }
                Err(e) => {
                    // Errors explain themselves and change nothing.
                    prop_assert!(!e.to_string().is_empty());
                    prop_assert!(!e.to_string().ends_with('.'));
                }
            }
            if let Err(violation) = hazard.check_invariants() {
                return Err(TestCaseError::fail(format!("{violation}: {hazard:#?}")));
            }
            check_allowed(&hazard, &ev)?;
            if hazard.state() == HazardState::Closed && hazard.severity() == Severity::Major {
                prop_assert!(hazard.closure().unwrap().by.role.is_supervisory());
            }
            prop_assert!(!(hazard.is_overdue(ev.at) && hazard.state().is_final()));
        }
        // Replaying the accepted events gives the same hazard (the server's view).
        prop_assert_eq!(Hazard::replay(&applied).unwrap(), hazard.clone());
        // Events round-trip through JSON and replay identically.
        let json = serde_json::to_string(&applied).unwrap();
        let back: Vec<HazardEvent> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(Hazard::replay(&back).unwrap(), hazard);
    }
}

/// A well-formed action of each kind for `hazard` at `ev`'s next time: a reason, photos, a
/// later deadline, the approval document. Used to check [`allowed_actions`] against
/// [`Hazard::apply`].
fn sample(kind: HazardActionKind, ev: &Events, hazard: &Hazard) -> HazardAction {
    use HazardActionKind as K;
    let later = ev.at + days(30);
    match kind {
        K::Assign => assign(10, ev),
        K::StartRectification => HazardAction::StartRectification {
            interim_measures: vec![],
        },
        K::RectifyOnSpot => HazardAction::RectifyOnSpot {
            measures: text("当场整改"),
            after_photos: vec![photo(20)],
        },
        K::SubmitRectification => HazardAction::SubmitRectification {
            measures: text("已整改"),
            after_photos: vec![photo(21)],
        },
        K::Reinspect => HazardAction::Reinspect {
            passed: true,
            photos: vec![photo(22)],
            inspection: None,
        },
        K::RequestExtension => HazardAction::RequestExtension {
            new_deadline: hazard.deadline().unwrap_or(ev.at) + days(5),
        },
        K::DecideExtension => HazardAction::DecideExtension { approved: true },
        K::NotifyPrincipal => HazardAction::NotifyPrincipal {
            person: text("王老板"),
            role: PrincipalRole::Principal,
            at: hazard.reported_at(),
            method: NotificationMethod::Phone,
        },
        K::ListSupervision => HazardAction::ListSupervision {
            authority: text("区安委办"),
            document: text("督办〔2026〕2号"),
            deadline: later,
        },
        K::ChangeSeverity => HazardAction::ChangeSeverity {
            to: match hazard.severity() {
                Severity::General => Severity::Major,
                Severity::Major => Severity::General,
            },
            determination: DeterminationMethod::IndustryStandard,
            collective_review: true,
        },
        K::SendBack => HazardAction::SendBack,
        K::OrderReinspection => HazardAction::OrderReinspection { due: Some(later) },
        K::Close => HazardAction::Close {
            approval: Some(text("核销批复")),
        },
        K::Dismiss => HazardAction::Dismiss,
    }
}

/// Checks that `allowed_actions` lists exactly the kinds whose well-formed action applies.
fn check_allowed(hazard: &Hazard, ev: &Events) -> Result<(), TestCaseError> {
    for who in 0u8..8 {
        let actor = actor(who);
        let allowed = allowed_actions(hazard, &actor);
        for kind in HazardActionKind::ALL {
            let mut probe = ev.clone();
            let action = sample(kind, &probe, hazard);
            prop_assert_eq!(action.kind(), Some(kind));
            let event = probe.event(&actor, Some("理由"), action);
            let applied = hazard.apply(&event);
            prop_assert_eq!(
                applied.is_ok(),
                allowed.contains(&kind),
                "{} by {:?} in {}: {:?}",
                kind,
                actor.role,
                hazard.state(),
                applied.err()
            );
        }
    }
    let outsider = Actor {
        scope: anxun_domain::region::Scope::District {
            district: code("310999"),
        },
        ..admin(9)
    };
    prop_assert!(allowed_actions(hazard, &outsider).is_empty());
    Ok(())
}

#[test]
fn new_supervisor_actions_follow_their_rules() {
    let mut ev = Events::new();
    let me = inspector(1);
    let boss = supervisor(2);
    let mut hazard = Hazard::report(&ev.report(&me, new_hazard(Severity::General))).unwrap();
    // Notify the principal: any role, any open state; the time lies between report and event.
    let reported = hazard.reported_at();
    let notify = |at| HazardAction::NotifyPrincipal {
        person: text("王老板"),
        role: PrincipalRole::ActualController,
        at,
        method: NotificationMethod::Written,
    };
    let too_early = ev.event(&me, None, notify(reported - days(1)));
    assert_eq!(
        hazard.apply(&too_early).unwrap_err(),
        TransitionError::NotificationTime
    );
    let future = ev.event(&me, None, notify(ev.at + days(1)));
    assert_eq!(
        hazard.apply(&future).unwrap_err(),
        TransitionError::NotificationTime
    );
    hazard = hazard
        .apply(&ev.event(&me, None, notify(reported)))
        .unwrap();
    assert_eq!(hazard.notifications().len(), 1);
    assert_eq!(hazard.state(), HazardState::Reported);

    hazard = hazard
        .apply(&ev.event(&boss, None, assign(7, &ev)))
        .unwrap();
    // Ordering a re-inspection is for supervisors.
    let order = HazardAction::OrderReinspection {
        due: Some(ev.at + days(3)),
    };
    assert!(matches!(
        hazard
            .apply(&ev.event(&me, None, order.clone()))
            .unwrap_err(),
        TransitionError::Forbidden { .. }
    ));
    let past = HazardAction::OrderReinspection {
        due: Some(ev.at - days(3)),
    };
    assert_eq!(
        hazard.apply(&ev.event(&boss, None, past)).unwrap_err(),
        TransitionError::DeadlineInPast
    );
    hazard = hazard.apply(&ev.event(&boss, None, order)).unwrap();
    assert!(hazard.reinspection_order().is_some());

    hazard = hazard
        .apply(&ev.event(
            &me,
            None,
            HazardAction::StartRectification {
                interim_measures: vec![],
            },
        ))
        .unwrap();
    let submit = HazardAction::SubmitRectification {
        measures: text("已整改"),
        after_photos: vec![photo(2)],
    };
    hazard = hazard.apply(&ev.event(&me, None, submit.clone())).unwrap();
    // Send back: a supervisor, with a reason, only from rectification_submitted.
    assert!(matches!(
        hazard
            .apply(&ev.event(&me, Some("不行"), HazardAction::SendBack))
            .unwrap_err(),
        TransitionError::Forbidden { .. }
    ));
    assert_eq!(
        hazard
            .apply(&ev.event(&boss, None, HazardAction::SendBack))
            .unwrap_err(),
        TransitionError::ReasonRequired {
            action: "send_back"
        }
    );
    hazard = hazard
        .apply(&ev.event(&boss, Some("照片角度不一致"), HazardAction::SendBack))
        .unwrap();
    assert_eq!(hazard.state(), HazardState::Rectifying);
    assert_eq!(hazard.send_backs().len(), 1);
    assert_eq!(hazard.reinspection_failures(), 0);
    assert_eq!(
        hazard
            .apply(&ev.event(&boss, Some("again"), HazardAction::SendBack))
            .unwrap_err(),
        TransitionError::InvalidState {
            action: "send_back",
            state: HazardState::Rectifying
        }
    );
    // The order stays pending until a re-inspection, which clears it.
    assert!(hazard.reinspection_order().is_some());
    hazard = hazard.apply(&ev.event(&me, None, submit)).unwrap();
    hazard = hazard
        .apply(&ev.event(
            &me,
            None,
            HazardAction::Reinspect {
                passed: true,
                photos: vec![photo(3)],
                inspection: None,
            },
        ))
        .unwrap();
    assert!(hazard.reinspection_order().is_none());
    assert_eq!(
        allowed_actions(&hazard, &me),
        vec![HazardActionKind::NotifyPrincipal, HazardActionKind::Close]
    );
    hazard.check_invariants().unwrap();
    // The new actions round-trip through JSON.
    let json = serde_json::to_string(hazard.history()).unwrap();
    let back: Vec<HazardEvent> = serde_json::from_str(&json).unwrap();
    assert_eq!(Hazard::replay(&back).unwrap(), hazard);
}

#[test]
fn allowed_actions_by_role_for_a_reported_major_hazard() {
    let mut ev = Events::new();
    let hazard = Hazard::report(&ev.report(&inspector(1), new_hazard(Severity::Major))).unwrap();
    use HazardActionKind as K;
    assert_eq!(
        allowed_actions(&hazard, &inspector(1)),
        vec![K::RectifyOnSpot, K::NotifyPrincipal]
    );
    assert_eq!(
        allowed_actions(&hazard, &supervisor(2)),
        vec![
            K::Assign,
            K::RectifyOnSpot,
            K::NotifyPrincipal,
            K::ListSupervision,
            K::ChangeSeverity,
            K::Dismiss
        ]
    );
}
