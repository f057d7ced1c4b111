//! Findings recorded during an inspection: pre-filled from failed items, edited, ad hoc, and
//! put on the ledger as hazard events when the inspection is completed.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "support/fixtures.rs"]
mod fixtures;

use anxun_domain::{
    hazard::{Hazard, HazardState, Severity},
    ids::{HazardId, InspectionId},
    inspection::{
        Incomplete, Inspection, InspectionKind, ItemAnswer, Verdict,
        finding::{FindingError, Rectification, end_of_day},
    },
    site::Area,
    template::{AnswerSpec, DefaultSeverity, Item, Template},
    templates,
};
use chrono::NaiveDate;
use fixtures::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn fail(photo_n: u8) -> ItemAnswer {
    ItemAnswer {
        verdict: Verdict::Fail,
        value: None,
        note: None,
        photos: vec![photo(photo_n)],
        combined: Vec::new(),
    }
}

fn pass() -> ItemAnswer {
    ItemAnswer {
        verdict: Verdict::Pass,
        ..fail(0)
    }
}

fn draft(template: &Template) -> Inspection {
    Inspection::start(
        InspectionId::generate(),
        InspectionKind::RoutinePatrol,
        site().id(),
        template,
        Vec::new(),
        t0(),
    )
}

fn item_where(template: &Template, wanted: impl Fn(&Item) -> bool) -> Item {
    template
        .items()
        .find(|item| matches!(item.answer, AnswerSpec::PassFail) && wanted(item))
        .cloned()
        .unwrap()
}

fn sync(inspection: &mut Inspection, template: &Template) -> bool {
    inspection.sync_findings(template, &site(), today(), HazardId::generate)
}

#[test]
fn a_failed_item_gets_one_prefilled_finding_that_goes_when_the_answer_changes() {
    let template = templates::builtin_for(Area::Gas);
    let item = item_where(&template, |i| {
        i.severity == DefaultSeverity::General && i.deadline_days > 0
    });
    let mut inspection = draft(&template);
    inspection.answer(&template, &item.id, fail(1)).unwrap();
    assert!(sync(&mut inspection, &template));
    assert!(
        !sync(&mut inspection, &template),
        "syncing twice changes nothing"
    );
    assert_eq!(inspection.findings.len(), 1);
    let finding = &inspection.findings[0];
    assert_eq!(finding.item.as_ref(), Some(&item.id));
    assert_eq!(finding.description.as_str(), item.text.zh);
    assert_eq!(finding.severity, Severity::General);
    assert_eq!(finding.default_severity, Some(Severity::General));
    assert_eq!(
        finding.requirement.as_ref().map(|t| t.as_str()),
        Some(item.rectification.as_str())
    );
    assert_eq!(
        finding.rectification,
        Rectification::ByDeadline {
            deadline: today() + chrono::Duration::days(i64::from(item.deadline_days))
        }
    );

    inspection.answer(&template, &item.id, pass()).unwrap();
    assert!(sync(&mut inspection, &template));
    assert!(inspection.findings.is_empty());
}

#[test]
fn a_changed_level_needs_a_reason_and_the_item_cannot_be_changed() {
    let template = templates::builtin_for(Area::Gas);
    let item = item_where(&template, |i| i.severity == DefaultSeverity::General);
    let mut inspection = draft(&template);
    inspection.answer(&template, &item.id, fail(1)).unwrap();
    sync(&mut inspection, &template);
    let mut edited = inspection.findings[0].clone();
    let hazard = edited.hazard;
    edited.severity = Severity::Major;
    edited.item = None;
    edited.default_severity = None;
    inspection.edit_finding(&template, edited.clone()).unwrap();
    assert_eq!(inspection.findings[0].item.as_ref(), Some(&item.id));
    assert_eq!(
        inspection.findings[0].default_severity,
        Some(Severity::General)
    );
    assert!(
        inspection
            .check_complete(&template)
            .contains(&Incomplete::OverrideReason(hazard))
    );
    edited.override_reason = Some(text("软管老化严重且位于明火旁"));
    inspection.edit_finding(&template, edited).unwrap();
    assert!(
        !inspection
            .check_complete(&template)
            .contains(&Incomplete::OverrideReason(hazard))
    );
    assert_eq!(
        inspection.remove_finding(hazard),
        Err(FindingError::FromItem)
    );
}

#[test]
fn a_combined_element_cannot_be_reported_major_on_site() {
    let template = templates::builtin_for(Area::FactoryWarehouse);
    let item = item_where(&template, |i| i.severity == DefaultSeverity::Combined);
    let mut inspection = draft(&template);
    inspection.answer(&template, &item.id, fail(1)).unwrap();
    sync(&mut inspection, &template);
    let mut edited = inspection.findings[0].clone();
    edited.severity = Severity::Major;
    edited.override_reason = Some(text("理由"));
    assert_eq!(
        inspection.edit_finding(&template, edited),
        Err(FindingError::CombinedNotMajor)
    );
}

#[test]
fn an_ad_hoc_finding_needs_a_photo_and_can_be_removed() {
    let template = templates::builtin_for(Area::Ebike);
    let mut inspection = draft(&template);
    let hazard = HazardId::generate();
    inspection
        .add_finding(hazard, text("楼道堆放纸箱"), today())
        .unwrap();
    assert!(
        inspection
            .check_complete(&template)
            .contains(&Incomplete::FindingWithoutPhoto(hazard))
    );
    inspection.findings[0].photos.push(photo(9));
    assert!(
        !inspection
            .check_complete(&template)
            .contains(&Incomplete::FindingWithoutPhoto(hazard))
    );
    assert!(inspection.photos().contains(&photo(9)));
    inspection.remove_finding(hazard).unwrap();
    assert!(inspection.findings.is_empty());
    assert_eq!(
        inspection.remove_finding(hazard),
        Err(FindingError::Unknown(hazard))
    );
}

#[test]
fn completion_puts_every_finding_on_the_ledger_in_the_right_state() {
    let template = templates::builtin_for(Area::Gas);
    let general = item_where(&template, |i| {
        i.severity == DefaultSeverity::General && i.deadline_days > 0
    });
    let major = item_where(&template, |i| i.severity == DefaultSeverity::Major);
    let on_spot = item_where(&template, |i| {
        i.severity == DefaultSeverity::General && i.id != general.id
    });
    let mut inspection = draft(&template);
    for (item, n) in [(&general, 1), (&major, 2), (&on_spot, 3)] {
        inspection.answer(&template, &item.id, fail(n)).unwrap();
    }
    sync(&mut inspection, &template);
    let mut fixed = inspection
        .findings
        .iter()
        .find(|f| f.item.as_ref() == Some(&on_spot.id))
        .cloned()
        .unwrap();
    fixed.rectification = Rectification::OnTheSpot {
        measures: Some(text("当场更换软管")),
        after_photos: vec![photo(30)],
    };
    inspection.edit_finding(&template, fixed).unwrap();
    let ad_hoc = HazardId::generate();
    inspection
        .add_finding(ad_hoc, text("后厨通道堆放杂物"), today())
        .unwrap();
    inspection
        .findings
        .last_mut()
        .unwrap()
        .photos
        .push(photo(40));

    let actor = inspector(1);
    let at = t0() + days(1);
    let events = inspection.hazard_events(&template, &site(), &actor, at, |_| (None, None));
    assert!(events.iter().all(|e| e.actor == actor && e.at == at));
    for finding in &inspection.findings {
        let mine: Vec<_> = events
            .iter()
            .filter(|e| e.hazard == finding.hazard)
            .collect();
        let hazard = Hazard::replay(mine).unwrap();
        let item = finding.item.as_ref();
        if item == Some(&general.id) {
            assert_eq!(hazard.state(), HazardState::Assigned);
            let Rectification::ByDeadline { deadline } = finding.rectification else {
                panic!("general finding should have a deadline");
            };
            assert_eq!(hazard.deadline(), Some(end_of_day(deadline)));
            assert_eq!(hazard.details().photos_before, vec![photo(1)]);
        } else if item == Some(&major.id) {
            assert_eq!(hazard.severity(), Severity::Major);
            assert_eq!(
                hazard.state(),
                HazardState::Reported,
                "a supervisor assigns major hazards"
            );
        } else if item == Some(&on_spot.id) {
            assert_eq!(hazard.state(), HazardState::ReinspectionPassed);
        } else {
            assert_eq!(hazard.id(), ad_hoc);
            assert!(hazard.details().item.is_none());
            assert_eq!(hazard.details().photos_before, vec![photo(40)]);
            assert_eq!(hazard.state(), HazardState::Assigned);
        }
    }
}

#[test]
fn drafts_saved_before_findings_existed_still_load() {
    let template = templates::builtin_for(Area::Gas);
    let inspection = draft(&template);
    let mut json: serde_json::Value = serde_json::to_value(&inspection).unwrap();
    json.as_object_mut().unwrap().remove("findings");
    let back: Inspection = serde_json::from_value(json).unwrap();
    assert_eq!(back, inspection);
}

#[test]
fn a_completed_inspection_keeps_its_findings() {
    let template = templates::builtin_for(Area::Gas);
    let mut inspection = draft(&template);
    inspection.status = anxun_domain::inspection::InspectionStatus::Completed;
    assert_eq!(
        inspection.add_finding(HazardId::generate(), text("x"), today()),
        Err(FindingError::Completed)
    );
}

#[test]
fn the_work_list_rebuilds_hazards_and_says_what_each_needs() {
    use anxun_domain::hazard::worklist::{Attention, rebuild};
    let template = templates::builtin_for(Area::Gas);
    let general = item_where(&template, |i| {
        i.severity == DefaultSeverity::General && i.deadline_days > 0
    });
    let major = item_where(&template, |i| i.severity == DefaultSeverity::Major);
    let mut inspection = draft(&template);
    inspection.answer(&template, &general.id, fail(1)).unwrap();
    inspection.answer(&template, &major.id, fail(2)).unwrap();
    sync(&mut inspection, &template);
    let at = t0();
    let mut events =
        inspection.hazard_events(&template, &site(), &inspector(1), at, |_| (None, None));
    // Stored out of order: the report still comes first.
    events.reverse();
    let (hazards, failed) = rebuild(&events);
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(hazards.len(), 2);
    let assigned = hazards
        .iter()
        .find(|h| h.state() == HazardState::Assigned)
        .unwrap();
    assert!(assigned.can_reinspect());
    let deadline = assigned.deadline().unwrap();
    let week = chrono::Duration::days(3);
    assert_eq!(
        assigned.attention(deadline - days(10), week),
        Some(Attention::Open)
    );
    assert_eq!(
        assigned.attention(deadline - days(1), week),
        Some(Attention::DueSoon)
    );
    assert_eq!(
        assigned.attention(deadline + days(1), week),
        Some(Attention::Overdue)
    );
    let reported = hazards
        .iter()
        .find(|h| h.state() == HazardState::Reported)
        .unwrap();
    assert!(!reported.can_reinspect());
    assert_eq!(reported.attention(at, week), Some(Attention::Open));
}

#[test]
fn a_list_item_says_what_its_hazard_says_at_any_time() {
    use anxun_domain::hazard::worklist::{HazardListItem, rebuild};
    let template = templates::builtin_for(Area::Gas);
    let mut inspection = draft(&template);
    for item in template
        .items()
        .filter(|i| matches!(i.answer, AnswerSpec::PassFail))
        .take(6)
        .map(|i| i.id.clone())
        .collect::<Vec<_>>()
    {
        inspection.answer(&template, &item, fail(1)).unwrap();
    }
    sync(&mut inspection, &template);
    let events =
        inspection.hazard_events(&template, &site(), &inspector(1), t0(), |_| (None, None));
    let (hazards, _) = rebuild(&events);
    assert!(hazards.len() >= 5);
    let soon = chrono::Duration::days(3);
    for hazard in &hazards {
        let item = HazardListItem::of(hazard);
        for offset in [-30, 0, 5, 10, 40] {
            let now = t0() + days(offset);
            assert_eq!(item.attention(now, soon), hazard.attention(now, soon));
            assert_eq!(item.status_label_zh(now), hazard.status_label_zh(now));
            assert_eq!(item.is_overdue(now), hazard.is_overdue(now));
        }
        assert_eq!(item.can_reinspect(), hazard.can_reinspect());
        let json = serde_json::to_string(&item).unwrap();
        assert_eq!(serde_json::from_str::<HazardListItem>(&json).unwrap(), item);
    }
}

#[test]
fn a_mutation_lists_every_image_it_references_once() {
    use anxun_domain::{
        hazard::{HazardAction, HazardEvent},
        ids::{EventId, SiteId},
        inspection::{RepresentativeSignature, Signature},
        sync::Mutation,
    };
    let template = templates::builtin_for(Area::Gas);
    let mut inspection = draft(&template);
    let item = item_where(&template, |_| true);
    inspection.answer(&template, &item.id, fail(1)).unwrap();
    inspection
        .add_finding(HazardId::generate(), text("灭火器过期"), today())
        .unwrap();
    inspection.findings.last_mut().unwrap().photos = vec![photo(2), photo(1)];
    let signature = |n| Signature {
        name: text("王老板"),
        image: photo(n),
        signed_at: t0(),
    };
    inspection.representative = Some(RepresentativeSignature::Signed(signature(3)));
    inspection.inspector_signature = Some(signature(4));
    let save = Mutation::SaveInspection {
        inspection: Box::new(inspection),
    };
    let mut listed = save.photos();
    listed.sort();
    let mut expected = vec![photo(1), photo(2), photo(3), photo(4)];
    expected.sort();
    assert_eq!(listed, expected);

    let event = |action| HazardEvent {
        id: EventId::generate(),
        hazard: hazard_id(),
        at: t0(),
        actor: inspector(1),
        reason: None,
        action,
    };
    let mut new = new_hazard(Severity::General);
    new.photos_before = vec![photo(5), photo(5), photo(6)];
    let report = Mutation::HazardEvent {
        event: Box::new(event(HazardAction::Report(Box::new(new)))),
    };
    assert_eq!(report.photos(), vec![photo(5), photo(6)]);
    let reinspect = Mutation::HazardEvent {
        event: Box::new(event(HazardAction::Reinspect {
            passed: true,
            photos: vec![photo(7)],
            inspection: None,
        })),
    };
    assert_eq!(reinspect.photos(), vec![photo(7)]);
    assert!(
        Mutation::DeleteSite {
            site: SiteId::generate()
        }
        .photos()
        .is_empty()
    );
}
