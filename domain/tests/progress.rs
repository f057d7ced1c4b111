//! Checklist progress, as the inspection screen shows it.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "support/fixtures.rs"]
mod fixtures;

use anxun_domain::{
    ids::InspectionId,
    inspection::{Inspection, InspectionKind, ItemAnswer, Verdict},
    site::Area,
    templates,
};
use fixtures::*;

fn answer(verdict: Verdict) -> ItemAnswer {
    ItemAnswer {
        verdict,
        value: None,
        note: Some(text("note")),
        photos: vec![photo(1)],
        combined: Vec::new(),
    }
}

#[test]
fn progress_counts_answers_and_failures_per_section() {
    let template = templates::builtin_for(Area::Ebike);
    let mut inspection = Inspection::start(
        InspectionId::generate(),
        InspectionKind::RoutinePatrol,
        site().id(),
        &template,
        Vec::new(),
        t0(),
    );
    let empty = inspection.progress(&template);
    assert_eq!(empty.overall.answered, 0);
    assert_eq!(empty.overall.total, template.items().count());
    assert_eq!(empty.sections.len(), template.sections.len());

    let first_section = &template.sections[0];
    for (i, item) in first_section.items.iter().enumerate() {
        let verdict = if i == 0 { Verdict::Fail } else { Verdict::Pass };
        if matches!(item.answer, anxun_domain::template::AnswerSpec::PassFail) {
            inspection
                .answer(&template, &item.id, answer(verdict))
                .unwrap();
        }
    }
    let progress = inspection.progress(&template);
    let answered = inspection.answers.len();
    assert_eq!(progress.overall.answered, answered);
    assert_eq!(progress.sections[0].answered, answered);
    assert_eq!(progress.overall.failed, usize::from(answered > 0));
    assert!(!progress.overall.is_done());
    assert_eq!(
        progress.sections.iter().map(|s| s.total).sum::<usize>(),
        progress.overall.total
    );
}
