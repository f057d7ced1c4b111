//! The printable documents' content (现场检查记录, 安全隐患整改通知书), shared by the field app
//! and the console.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "support/fixtures.rs"]
mod fixtures;

use anxun_domain::{
    documents::{DocumentKind, InspectionRecord, MAJOR_NOTE, RectificationNotice},
    hazard::Severity,
    ids::{HazardId, InspectionId},
    inspection::{
        Inspection, InspectionKind, InspectorRef, ItemAnswer, RepresentativeSignature, Signature,
        Verdict, finding::Rectification,
    },
    site::Area,
    template::{AnswerSpec, DefaultSeverity, Template},
    templates,
};
use chrono::NaiveDate;
use fixtures::*;

fn answer(verdict: Verdict, note: Option<&str>) -> ItemAnswer {
    ItemAnswer {
        verdict,
        value: None,
        note: note.map(text),
        photos: vec![photo(1)],
        combined: Vec::new(),
    }
}

/// A gas inspection: one item passed with a note, one general and one major item failed; the
/// general one fixed on the spot.
fn inspection(template: &Template) -> Inspection {
    let mut inspection = Inspection::start(
        InspectionId::generate(),
        InspectionKind::RoutinePatrol,
        site().id(),
        template,
        vec![InspectorRef {
            user: user(1),
            name: text("张三"),
            organisation: None,
            badge: Some(text("310001")),
        }],
        t0(),
    );
    let pass_fail: Vec<_> = template
        .items()
        .filter(|i| matches!(i.answer, AnswerSpec::PassFail))
        .cloned()
        .collect();
    let general = pass_fail
        .iter()
        .find(|i| i.severity == DefaultSeverity::General && i.deadline_days > 0)
        .unwrap();
    let major = pass_fail
        .iter()
        .find(|i| i.severity == DefaultSeverity::Major)
        .unwrap();
    let passed = pass_fail
        .iter()
        .find(|i| i.id != general.id && i.id != major.id)
        .unwrap();
    inspection
        .answer(template, &passed.id, answer(Verdict::Pass, Some("已查看")))
        .unwrap();
    inspection
        .answer(template, &general.id, answer(Verdict::Fail, None))
        .unwrap();
    inspection
        .answer(template, &major.id, answer(Verdict::Fail, None))
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    inspection.sync_findings(template, &site(), today, HazardId::generate);
    inspection.representative = Some(RepresentativeSignature::Refused {
        name: Some(text("王某")),
        reason: text("老板不在"),
        recorded_at: t0(),
    });
    inspection.inspector_signature = Some(Signature {
        name: text("张三"),
        image: photo(5),
        signed_at: t0(),
    });
    inspection
}

#[test]
fn the_record_lists_every_item_in_template_order_with_its_verdict_and_the_findings() {
    let template = templates::builtin_for(Area::Gas);
    let inspection = inspection(&template);
    let record = InspectionRecord::new(&inspection, &site(), &template);
    assert_eq!(record.rows.len(), template.items().count());
    let ids: Vec<String> = template.items().map(|i| i.id.to_string()).collect();
    let rows: Vec<String> = record.rows.iter().map(|r| r.item.clone()).collect();
    assert_eq!(rows, ids);
    assert_eq!(record.rows.iter().filter(|r| r.failed).count(), 2);
    assert!(
        record
            .rows
            .iter()
            .all(|r| r.failed == (r.verdict == "不符合"))
    );
    assert!(
        record
            .rows
            .iter()
            .any(|r| r.verdict == "符合" && r.note == "已查看")
    );
    assert_eq!(
        record.rows.iter().filter(|r| r.verdict == "未检查").count(),
        template.items().count() - 3
    );
    assert_eq!(record.number, "编号：（草稿）");
    assert_eq!(record.site[0].value, "老王面馆");
    assert_eq!(record.site[3].value, "王某 13800138000");
    let inspectors = record
        .fields
        .iter()
        .find(|f| f.label == "检查人员")
        .unwrap();
    assert_eq!(inspectors.value, "张三（310001）");
    assert_eq!(record.findings.len(), 2);
    assert!(record.findings[0].starts_with("1. ["));
    assert!(record.findings.iter().any(|f| f.contains("（重大隐患；")));
    // Refusal recorded with its reason; the inspector's signature with its image.
    assert_eq!(
        record.signatures[0].text,
        "被检查单位现场负责人（王某）拒绝签字。拒签原因：老板不在"
    );
    assert!(record.signatures[0].image.is_none());
    assert_eq!(record.signatures[1].image, Some(photo(5)));
    assert_eq!(record.signatures[1].text, "检查人员：张三");
}

#[test]
fn the_notice_orders_the_deadline_hazards_and_lists_those_fixed_on_the_spot_apart() {
    let template = templates::builtin_for(Area::Gas);
    let mut inspection = inspection(&template);
    let notice = RectificationNotice::new(&inspection, &site());
    assert_eq!(notice.addressee, "老王面馆：");
    assert_eq!(notice.rows.len(), 2);
    assert_eq!(notice.major_note, Some(MAJOR_NOTE));
    assert!(notice.rows.iter().any(|r| r.severity == "重大"));
    assert!(
        notice
            .rows
            .iter()
            .all(|r| r.deadline.ends_with("前完成整改"))
    );
    assert_eq!(
        notice.rows.iter().map(|r| r.index).collect::<Vec<_>>(),
        [1, 2]
    );

    // The general hazard fixed on the spot leaves the table for the list; no major left.
    for finding in &mut inspection.findings {
        if finding.severity == Severity::General {
            finding.rectification = Rectification::OnTheSpot {
                measures: Some(text("更换软管")),
                after_photos: vec![photo(3)],
            };
        } else {
            finding.severity = Severity::General;
        }
    }
    let notice = RectificationNotice::new(&inspection, &site());
    assert_eq!(notice.rows.len(), 1);
    assert_eq!(notice.fixed.len(), 1);
    assert!(notice.fixed[0].ends_with("（已当场整改）"));
    assert_eq!(notice.major_note, None);
    assert!(notice.body.contains("现场检查"));
}

#[test]
fn document_kinds_read_their_path_segment() {
    for kind in [DocumentKind::Record, DocumentKind::Notice] {
        assert_eq!(DocumentKind::from_segment(kind.segment()), kind);
    }
    assert_eq!(DocumentKind::from_segment("other"), DocumentKind::Record);
    assert_eq!(DocumentKind::Notice.title(), "安全隐患整改通知书");
}
