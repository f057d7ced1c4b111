//! The wire format: serialisation round-trips, and YAML snapshots of the JSON shapes of
//! templates, inspections and findings (hazards with their events).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "support/fixtures.rs"]
mod fixtures;

use anxun_domain::{
    api::TemplatesResponse,
    gb35181,
    hazard::{Hazard, HazardAction, HazardEvent, Severity},
    ids::InspectionId,
    inspection::{
        AnswerValue, Incomplete, Inspection, InspectionKind, InspectorRef, ItemAnswer,
        RepresentativeSignature, Signature, Verdict,
    },
    site::{Area, Site},
    template::{ItemId, Template},
    templates,
};
use fixtures::*;
use proptest::prelude::*;

fn id(s: &str) -> ItemId {
    ItemId::parse(s).unwrap()
}

fn pass() -> ItemAnswer {
    ItemAnswer {
        verdict: Verdict::Pass,
        value: None,
        note: None,
        photos: vec![],
        combined: vec![],
    }
}

/// A completed gas inspection with two failures (G06 hose too long, G11 LPG in a basement).
fn gas_inspection(template: &Template) -> Inspection {
    let mut inspection = Inspection::start(
        InspectionId::from_parts(t0(), [3; 10]),
        InspectionKind::RoutinePatrol,
        site().id(),
        template,
        vec![InspectorRef {
            user: user(1),
            name: text("李网格"),
            organisation: Some(text("徐家汇街道")),
            badge: None,
        }],
        t0(),
    );
    for item in template.items() {
        let mut answer = pass();
        if let anxun_domain::template::AnswerSpec::Number { min, .. } = item.answer {
            answer.value = Some(AnswerValue::Number(min));
        }
        inspection.answer(template, &item.id, answer).unwrap();
    }
    let fail = |value, note: &str, n| ItemAnswer {
        verdict: Verdict::Fail,
        value,
        note: Some(text(note)),
        photos: vec![photo(n)],
        combined: vec![],
    };
    inspection
        .answer(
            template,
            &id("G06"),
            fail(Some(AnswerValue::Number(3.5)), "软管长3.5 m,穿墙", 11),
        )
        .unwrap();
    inspection
        .answer(
            template,
            &id("G11"),
            fail(None, "两只液化气钢瓶放在地下一层厨房", 12),
        )
        .unwrap();
    inspection.representative = Some(RepresentativeSignature::Refused {
        name: Some(text("王某")),
        reason: text("称需请示老板"),
        recorded_at: t0() + days(0) + chrono::Duration::minutes(40),
    });
    inspection.inspector_signature = Some(Signature {
        name: text("李网格"),
        image: photo(20),
        signed_at: t0() + chrono::Duration::minutes(41),
    });
    inspection
}

#[test]
fn inspection_completeness_rules() {
    let template = templates::builtin_for(Area::Gas);
    let empty = Inspection::start(
        InspectionId::from_parts(t0(), [3; 10]),
        InspectionKind::RoutinePatrol,
        site().id(),
        &template,
        vec![],
        t0(),
    );
    let missing = empty.check_complete(&template);
    assert!(missing.contains(&Incomplete::NoInspector));
    assert!(missing.contains(&Incomplete::Unanswered(id("G01"))));
    assert!(missing.contains(&Incomplete::NoRepresentative));
    assert!(missing.contains(&Incomplete::NoInspectorSignature));
    assert!(missing.contains(&Incomplete::BadTimes));

    let mut inspection = gas_inspection(&template);
    let mut g03 = pass();
    g03.value = None;
    inspection.answer(&template, &id("G03"), g03).unwrap();
    let mut g08 = pass();
    g08.verdict = Verdict::Fail;
    inspection.answer(&template, &id("G08"), g08).unwrap();
    let mut attempt = inspection.clone();
    assert_eq!(
        attempt.complete(&template, t0() + chrono::Duration::minutes(45)),
        Err(vec![
            Incomplete::MissingValue(id("G03")),
            Incomplete::FailWithoutEvidence(id("G08"))
        ])
    );
    assert_eq!(attempt, inspection, "a failed completion changes nothing");

    // Answers are checked against the item.
    assert!(
        inspection
            .answer(
                &template,
                &id("G06"),
                ItemAnswer {
                    value: Some(AnswerValue::Number(-1.0)),
                    ..pass()
                }
            )
            .is_err()
    );
    assert!(
        inspection
            .answer(
                &template,
                &id("G01"),
                ItemAnswer {
                    value: Some(AnswerValue::Number(1.0)),
                    ..pass()
                }
            )
            .is_err()
    );
    assert!(inspection.answer(&template, &id("G99"), pass()).is_err());
}

#[test]
fn findings_and_combined_elements() {
    let template = templates::builtin_for(Area::Gas);
    let mut inspection = gas_inspection(&template);
    inspection
        .complete(&template, t0() + chrono::Duration::minutes(45))
        .unwrap();
    let findings = inspection.findings(&template, &site());
    let items: Vec<&str> = findings
        .iter()
        .map(|f| f.item.as_ref().unwrap().item.as_str())
        .collect();
    assert_eq!(items, ["G06", "G11"]);
    assert_eq!(findings[0].severity, Severity::General);
    assert_eq!(findings[1].severity, Severity::Major);
    // A completed inspection no longer changes.
    assert!(inspection.answer(&template, &id("G01"), pass()).is_err());

    // Factory: four combined elements at a crowded site trigger the suspicion flag, and the
    // findings stay general.
    let factory = templates::builtin_for(Area::FactoryWarehouse);
    let mut f = Inspection::start(
        InspectionId::from_parts(t0(), [4; 10]),
        InspectionKind::SpecialCampaign,
        site().id(),
        &factory,
        vec![],
        t0(),
    );
    for item in ["F07", "F08", "F09", "F10"] {
        f.answer(
            &factory,
            &id(item),
            ItemAnswer {
                verdict: Verdict::Fail,
                note: Some(text("见照片")),
                ..pass()
            },
        )
        .unwrap();
    }
    let crowded = site().fire_class();
    assert!(
        f.combined_assessment(&factory, crowded).suspected_major(),
        "7.3.3, 7.3.6 and 7.3.9 at a crowded site"
    );
    // Four elements (7.1.1, 7.3.3, 7.3.6, 7.3.9) at an ordinary site: below the threshold of six.
    let a = f.combined_assessment(&factory, anxun_domain::site::FireClass::default());
    assert_eq!(a.clauses.len(), 4);
    assert!(!a.suspected_major());
    assert!(
        f.findings(&factory, &site())
            .iter()
            .all(|h| h.severity == Severity::General)
    );
    assert_eq!(
        gb35181::CombinedAssessment::MESSAGE_ZH,
        "疑似重大火灾隐患,需提交消防救援机构判定"
    );
}

#[test]
fn templates_round_trip_through_json() {
    let response = TemplatesResponse::builtin();
    let json = serde_json::to_string(&response).unwrap();
    let back: TemplatesResponse = serde_json::from_str(&json).unwrap();
    assert_eq!(back, response);
    for t in &back.templates {
        templates::validate("json", t).unwrap();
    }
}

#[test]
fn snapshot_template_wire_format() {
    // The first section of the gas template and the factory items with a number and combined
    // elements: enough to pin every field's name and shape.
    let mut gas = templates::builtin_for(Area::Gas);
    gas.sections.truncate(1);
    gas.sections[0].items.truncate(2);
    let mut factory = templates::builtin_for(Area::FactoryWarehouse);
    factory.sections.retain(|s| s.id == "egress");
    factory.sections[0].items.retain(|i| i.id.as_str() == "F10");
    insta::assert_yaml_snapshot!(
        "template_wire",
        TemplatesResponse {
            templates: vec![gas, factory]
        }
    );
}

#[test]
fn snapshot_inspection_wire_format() {
    let template = templates::builtin_for(Area::Gas);
    let mut inspection = gas_inspection(&template);
    inspection
        .complete(&template, t0() + chrono::Duration::minutes(45))
        .unwrap();
    inspection
        .answers
        .retain(|k, _| ["G05", "G06", "G11"].contains(&k.as_str()));
    insta::assert_yaml_snapshot!("inspection_wire", inspection);
    insta::assert_yaml_snapshot!("site_wire", site());
}

#[test]
fn snapshot_finding_wire_format() {
    let template = templates::builtin_for(Area::Gas);
    let mut inspection = gas_inspection(&template);
    inspection
        .complete(&template, t0() + chrono::Duration::minutes(45))
        .unwrap();
    let finding = inspection.findings(&template, &site()).pop().unwrap();
    let mut ev = Events::new();
    let boss = supervisor(2);
    let events: Vec<HazardEvent> = vec![
        ev.report(&inspector(1), finding),
        ev.event(
            &boss,
            None,
            HazardAction::Assign {
                responsible: responsible(),
                requirement: Some(text("立即停用并撤出地下空间")),
                deadline: ev.at + days(3),
                notice: Some(
                    anxun_domain::docno::DocNumber::parse("ZG-20261123-7K3F-0001").unwrap(),
                ),
                department: Some(anxun_domain::template::Department::Housing),
            },
        ),
        ev.event(
            &inspector(1),
            None,
            HazardAction::StartRectification {
                interim_measures: vec![anxun_domain::hazard::InterimMeasure::StopUse],
            },
        ),
        ev.event(
            &inspector(1),
            None,
            HazardAction::SubmitRectification {
                measures: text("钢瓶已撤出,改用电磁灶"),
                after_photos: vec![photo(30)],
            },
        ),
        ev.event(
            &inspector(1),
            None,
            HazardAction::Reinspect {
                passed: true,
                photos: vec![photo(31)],
                inspection: None,
            },
        ),
        ev.event(&boss, None, HazardAction::Close { approval: None }),
    ];
    let hazard = Hazard::replay(&events).unwrap();
    insta::assert_yaml_snapshot!("hazard_events_wire", events);
    insta::assert_yaml_snapshot!("hazard_projection_wire", hazard);
    insta::assert_yaml_snapshot!("hazard_summary_wire", hazard.summary());
}

proptest! {
    #[test]
    fn sites_round_trip(name in "[\\p{Han}a-z]{1,12}", phone in prop::option::of("1[3-9][0-9]{9}"), areas in prop::collection::vec(prop::sample::select(Area::ALL.to_vec()), 1..4)) {
        let mut fields = site().into_fields();
        fields.name = text(&name);
        fields.areas = areas;
        fields.responsible = phone.map(|p| anxun_domain::site::Contact { name: text("负责人"), phone: Some(anxun_domain::site::PhoneNumber::parse(&p).unwrap()) });
        let s = Site::new(fields).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(serde_json::from_str::<Site>(&json).unwrap(), s);
    }

    #[test]
    fn inspections_round_trip(fail_mask in prop::collection::vec(any::<bool>(), 28), hose in 0.0f64..50.0) {
        let template = templates::builtin_for(Area::Gas);
        let mut inspection = gas_inspection(&template);
        let ids: Vec<ItemId> = template.items().map(|i| i.id.clone()).collect();
        for (item, fail) in ids.iter().zip(fail_mask) {
            if fail {
                let mut a = inspection.answers[item].clone();
                a.verdict = Verdict::Fail;
                a.photos = vec![photo(1)];
                inspection.answer(&template, item, a).unwrap();
            }
        }
        let mut g06 = inspection.answers[&id("G06")].clone();
        g06.value = Some(AnswerValue::Number(hose));
        inspection.answer(&template, &id("G06"), g06).unwrap();
        let json = serde_json::to_string(&inspection).unwrap();
        prop_assert_eq!(serde_json::from_str::<Inspection>(&json).unwrap(), inspection);
    }
}

#[test]
fn deserialisation_rechecks_newtypes() {
    let bad_code = serde_json::to_value(site())
        .unwrap()
        .to_string()
        .replace("91350100M000100Y43", "91350100M000100Y44");
    assert!(serde_json::from_str::<Site>(&bad_code).is_err());
    let no_area = serde_json::to_value(site())
        .unwrap()
        .to_string()
        .replace(r#""areas":["gas","ebike"]"#, r#""areas":[]"#);
    assert!(
        serde_json::from_str::<Site>(&no_area)
            .unwrap_err()
            .to_string()
            .contains("at least one area")
    );
}

/// Serialises, reads back (also with the keys reordered, so the tag is not always first) and
/// checks that the value and its JSON are unchanged.
fn assert_round_trip<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_string(value).unwrap();
    let read: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&read, value, "{json}");
    assert_eq!(serde_json::to_string(&read).unwrap(), json);
    // serde_json::Value sorts the keys.
    let sorted = serde_json::from_str::<serde_json::Value>(&json)
        .unwrap()
        .to_string();
    assert_eq!(
        &serde_json::from_str::<T>(&sorted).unwrap(),
        value,
        "{sorted}"
    );
}

/// Every variant of every internally tagged enum is read back as written (they are read
/// through flat wire structs, see `anxun_domain::tagged`).
#[test]
fn tagged_enums_round_trip() {
    use anxun_domain::{
        docno::DocNumber,
        hazard::{DeterminationMethod, InterimMeasure},
        inspection::finding::Rectification,
        region::Scope,
        stats::GroupValue,
        sync::{Mutation, OutboxEntry},
        template::Department,
    };

    let template = templates::builtin_for(Area::Gas);
    let mut inspection = gas_inspection(&template);
    inspection
        .complete(&template, t0() + chrono::Duration::minutes(45))
        .unwrap();
    // A report with every optional field set.
    let mut report = inspection.findings(&template, &site()).pop().unwrap();
    report.number = Some(DocNumber::parse("YH-20261123-7K3F-0001").unwrap());
    report.credit_code = site().credit_code().cloned();
    report.address = Some(text("漕溪北路1号"));
    report.category = Some(text("燃气"));
    report.gps = Some(anxun_domain::geo::GeoPoint::parse(31.19, 121.43, Some(8.0)).unwrap());
    report.default_severity = Some(Severity::General);
    report.override_reason = Some(text("地下空间"));
    report.interim_measures = vec![InterimMeasure::StopUse];
    report.suggested_rectification = Some(text("撤出钢瓶"));
    report.refer_to = vec![Department::Housing];
    assert!(report.item.is_some() && report.inspection.is_some() && !report.basis.is_empty());

    let boss = supervisor(2);
    let mut ev = Events::new();
    let actions = vec![
        HazardAction::Report(Box::new(report)),
        HazardAction::Assign {
            responsible: responsible(),
            requirement: Some(text("立即停用")),
            deadline: t0() + days(3),
            notice: Some(DocNumber::parse("ZG-20261123-7K3F-0001").unwrap()),
            department: Some(Department::Housing),
        },
        HazardAction::Assign {
            responsible: responsible(),
            requirement: None,
            deadline: t0() + days(3),
            notice: None,
            department: None,
        },
        HazardAction::StartRectification {
            interim_measures: vec![InterimMeasure::StopUse],
        },
        HazardAction::RectifyOnSpot {
            measures: text("已关阀"),
            after_photos: vec![photo(30)],
        },
        HazardAction::SubmitRectification {
            measures: text("钢瓶已撤出"),
            after_photos: vec![photo(31)],
        },
        HazardAction::Reinspect {
            passed: false,
            photos: vec![photo(32)],
            inspection: Some(InspectionId::from_parts(t0(), [4; 10])),
        },
        HazardAction::RequestExtension {
            new_deadline: t0() + days(10),
        },
        HazardAction::DecideExtension { approved: true },
        HazardAction::ListSupervision {
            authority: text("区应急局"),
            document: text("徐应急〔2026〕1号"),
            deadline: t0() + days(30),
        },
        HazardAction::ChangeSeverity {
            to: Severity::Major,
            determination: DeterminationMethod::CombinedCount,
            collective_review: true,
        },
        HazardAction::Close {
            approval: Some(text("同意销号")),
        },
        HazardAction::Dismiss,
        HazardAction::NotifyPrincipal {
            person: text("王老板"),
            role: anxun_domain::hazard::PrincipalRole::ActualController,
            at: t0() + days(1),
            method: anxun_domain::hazard::NotificationMethod::Written,
        },
        HazardAction::SendBack,
        HazardAction::OrderReinspection {
            due: Some(t0() + days(2)),
        },
        HazardAction::OrderReinspection { due: None },
    ];
    let events: Vec<HazardEvent> = actions
        .into_iter()
        .map(|action| ev.event(&boss, Some("理由"), action))
        .collect();
    for event in &events {
        assert_round_trip(event);
    }

    let mutations = [
        Mutation::UpsertSite {
            site: Box::new(site()),
        },
        Mutation::DeleteSite { site: site().id() },
        Mutation::SaveInspection {
            inspection: Box::new(inspection.clone()),
        },
        Mutation::HazardEvent {
            event: Box::new(events[0].clone()),
        },
    ];
    for (seq, mutation) in mutations.into_iter().enumerate() {
        assert_round_trip(&OutboxEntry {
            mutation_id: anxun_domain::ids::MutationId::from_parts(t0(), [5; 10]),
            seq: seq as u64,
            mutation,
        });
    }

    assert_round_trip(&inspection.representative);
    assert_round_trip(
        &inspection
            .inspector_signature
            .clone()
            .map(RepresentativeSignature::Signed),
    );
    assert_round_trip(&RepresentativeSignature::Refused {
        name: None,
        reason: text("拒绝"),
        recorded_at: t0(),
    });

    assert_round_trip(&Rectification::OnTheSpot {
        measures: Some(text("已关阀")),
        after_photos: vec![photo(1)],
    });
    assert_round_trip(&Rectification::OnTheSpot {
        measures: None,
        after_photos: vec![],
    });
    assert_round_trip(&Rectification::ByDeadline {
        deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    });

    for actor in [inspector(1), supervisor(2), admin(3)] {
        assert_round_trip(&actor.scope);
    }
    assert_round_trip(&Scope::District {
        district: code("310104"),
    });

    for value in [
        GroupValue::Area { area: Area::Ebike },
        GroupValue::Severity {
            severity: Severity::Major,
        },
        GroupValue::District {
            district: code("310104"),
        },
        GroupValue::Street {
            district: code("310104"),
            street: code("310104003"),
        },
        GroupValue::Grid { region: region() },
        GroupValue::Month {
            year: 2026,
            month: 11,
        },
        GroupValue::Quarter {
            year: 2026,
            quarter: 4,
        },
    ] {
        assert_round_trip(&value);
    }

    for item in template.items() {
        assert_round_trip(&item.answer);
    }
}

/// A tagged object without a field its tag requires, or with fields of the wrong shape, is
/// refused with a message naming the field; fields of other variants are ignored.
#[test]
fn tagged_enums_refuse_missing_fields() {
    use anxun_domain::{hazard::HazardAction, region::Scope, sync::Mutation};

    let err = serde_json::from_str::<Scope>(r#"{"level":"street","district":"310104"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `street`"), "{err}");
    assert_eq!(
        serde_json::from_str::<Scope>(r#"{"district":"310104","level":"district","grid":"x"}"#)
            .unwrap(),
        Scope::District {
            district: code("310104")
        }
    );
    let err = serde_json::from_str::<Scope>(r#"{"level":"town"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown variant `town`"), "{err}");
    let err = serde_json::from_str::<HazardAction>(r#"{"type":"decide_extension"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `approved`"), "{err}");

    let site_json = serde_json::to_string(&site()).unwrap();
    let id_json = serde_json::to_string(&site().id()).unwrap();
    for bad in [
        format!(r#"{{"op":"delete_site","site":{site_json}}}"#),
        format!(r#"{{"op":"upsert_site","site":{id_json}}}"#),
    ] {
        let err = serde_json::from_str::<Mutation>(&bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`site` must be a site"), "{err}");
    }
    let err = serde_json::from_str::<Mutation>(r#"{"op":"delete_site","site":"G01"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("UUID"), "{err}");
}
