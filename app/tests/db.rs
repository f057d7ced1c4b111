//! The device database in headless Chromium: atomic changes with their outbox entries,
//! sequence numbers, draft coalescing, photos, reopening and the schema.

#![allow(clippy::unwrap_used)]

#[path = "../../domain/tests/support/fixtures.rs"]
mod fixtures;

use anxun_app::db::{Change, Db, DbError, NewPhoto, schema};
use anxun_domain::{
    hazard::Severity,
    ids::InspectionId,
    inspection::{Inspection, InspectionKind, ItemAnswer, Verdict},
    photo::Sha256Hex,
    site::Area,
    sync::Mutation,
};
use fixtures::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn name() -> String {
    format!("anxun-test-{}", uuid::Uuid::new_v4())
}

fn photo(seed: u8) -> NewPhoto {
    let evidence: Vec<u8> = (0..50_000u32)
        .map(|i| (i as u8).wrapping_mul(seed))
        .collect();
    NewPhoto {
        hash: Sha256Hex::digest(&evidence),
        mime: "image/jpeg".into(),
        width: 2048,
        height: 1536,
        evidence,
        thumbnail: vec![seed; 3000],
    }
}

fn inspection() -> Inspection {
    let template = anxun_app::templates::current_for(Area::Gas).unwrap();
    Inspection::start(
        InspectionId::generate(),
        InspectionKind::RoutinePatrol,
        site().id(),
        &template,
        Vec::new(),
        t0(),
    )
}

#[wasm_bindgen_test]
async fn opens_probes_and_keeps_the_device_id() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let device = db.device_id().await.unwrap();
    assert_eq!(db.device_id().await.unwrap(), device);
    db.close();
    let again = Db::open_named(&name).await.unwrap();
    assert_eq!(again.device_id().await.unwrap(), device);
    again.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn every_change_gets_the_next_sequence_number_even_after_reopening() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let first = db.apply(Change::Site(site())).await.unwrap();
    let second = db.apply(Change::Inspection(inspection())).await.unwrap();
    assert_eq!((first.seq, second.seq), (1, 2));
    assert!(matches!(first.mutation, Mutation::UpsertSite { .. }));
    db.close();

    let db = Db::open_named(&name).await.unwrap();
    let third = db.apply(Change::Inspection(inspection())).await.unwrap();
    assert_eq!(third.seq, 3);
    assert_eq!(db.sites().await.unwrap(), vec![site()]);
    let seqs: Vec<u64> = db.outbox().await.unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn drafts_are_saved_as_they_change_and_only_the_newest_waits_to_be_sent() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let template = anxun_app::templates::current_for(Area::Gas).unwrap();
    let mut draft = inspection();
    db.apply(Change::Inspection(draft.clone())).await.unwrap();
    let items: Vec<_> = template
        .items()
        .take(3)
        .map(|item| item.id.clone())
        .collect();
    for item in &items {
        let answer = ItemAnswer {
            verdict: Verdict::Pass,
            value: None,
            note: None,
            photos: Vec::new(),
            combined: Vec::new(),
        };
        draft.answer(&template, item, answer).unwrap();
        db.apply(Change::Inspection(draft.clone())).await.unwrap();
    }
    // Reopening resumes exactly where the inspector was.
    db.close();
    let db = Db::open_named(&name).await.unwrap();
    assert_eq!(db.inspection(draft.id).await.unwrap(), Some(draft.clone()));
    let outbox = db.outbox().await.unwrap();
    assert_eq!(
        outbox.len(),
        1,
        "older unsent saves of the same draft are replaced"
    );
    assert_eq!(outbox[0].seq, 4);
    match &outbox[0].mutation {
        Mutation::SaveInspection { inspection } => assert_eq!(**inspection, draft),
        other => panic!("unexpected {other:?}"),
    }
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_finding_its_photos_and_its_outbox_entry_are_stored_together() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let mut events = Events::new();
    let report = events.report(&inspector(1), new_hazard(Severity::General));
    let photos = vec![photo(1), photo(2), photo(3)];
    let entry = db
        .apply(Change::HazardEvent(report.clone(), photos.clone()))
        .await
        .unwrap();
    assert!(matches!(entry.mutation, Mutation::HazardEvent { .. }));
    assert_eq!(db.hazard_events().await.unwrap(), vec![report.clone()]);
    for photo in &photos {
        let stored = db.photo(&photo.hash).await.unwrap().unwrap();
        assert_eq!(stored.bytes, photo.evidence);
        assert_eq!(Sha256Hex::digest(&stored.bytes), photo.hash);
        assert_eq!(
            db.thumbnail(&photo.hash).await.unwrap().unwrap(),
            photo.thumbnail
        );
    }
    assert_eq!(db.photo_bytes().await.unwrap(), 3 * 50_000);

    // The same event again, with new photos: the whole change fails and nothing of it stays.
    let late = vec![photo(7), photo(8), photo(9)];
    let error = db
        .apply(Change::HazardEvent(report, late.clone()))
        .await
        .unwrap_err();
    assert_eq!(error, DbError::Duplicate);
    for photo in &late {
        assert!(db.photo(&photo.hash).await.unwrap().is_none());
        assert!(db.thumbnail(&photo.hash).await.unwrap().is_none());
    }
    assert_eq!(db.outbox().await.unwrap().len(), 1);
    assert_eq!(db.hazard_events().await.unwrap().len(), 1);
    let next = db.apply(Change::Site(site())).await.unwrap();
    assert_eq!(next.seq, 2, "the failed change used no sequence number");
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_photo_that_does_not_match_its_hash_is_refused() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let mut bad = photo(4);
    bad.evidence[0] ^= 0xff;
    let mut events = Events::new();
    let report = events.report(&inspector(1), new_hazard(Severity::General));
    let error = db
        .apply(Change::HazardEvent(report, vec![bad]))
        .await
        .unwrap_err();
    assert!(matches!(error, DbError::Corrupt(_)), "{error:?}");
    assert!(db.outbox().await.unwrap().is_empty());
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_closed_connection_is_reopened() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    db.apply(Change::Site(site())).await.unwrap();
    db.close();
    // The same handle: the browser closed it underneath (as iOS does in the background).
    assert_eq!(db.sites().await.unwrap().len(), 1);
    db.close();
    let entry = db.apply(Change::Inspection(inspection())).await.unwrap();
    assert_eq!(entry.seq, 2);
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_schema_has_every_store_and_survives_reopening_at_the_same_version() {
    let name = name();
    let database = schema::open(&name).await.unwrap();
    let stores: Vec<String> = database.object_store_names().collect();
    for store in [
        schema::META,
        schema::SITES,
        schema::INSPECTIONS,
        schema::HAZARD_EVENTS,
        schema::PHOTOS,
        schema::THUMBNAILS,
        schema::OUTBOX,
        schema::TEMPLATES,
        schema::HAZARDS,
    ] {
        assert!(
            stores.iter().any(|s| s == store),
            "{store} missing in {stores:?}"
        );
    }
    assert_eq!(database.version() as u32, schema::VERSION);
    database.close();
    let db = Db::open_named(&name).await.unwrap();
    db.apply(Change::Site(site())).await.unwrap();
    db.close();
    let db = Db::open_named(&name).await.unwrap();
    assert_eq!(db.sites().await.unwrap().len(), 1);
    db.close();
    Db::delete(&name).await.unwrap();
}

/// A completed gas inspection with one failed general item and its finding.
fn completed_with_finding() -> (Inspection, Vec<anxun_domain::hazard::HazardEvent>) {
    let template = anxun_app::templates::current_for(Area::Gas).unwrap();
    let mut inspection = inspection();
    let item = template
        .items()
        .find(|i| {
            i.severity == anxun_domain::template::DefaultSeverity::General
                && i.deadline_days > 0
                && matches!(i.answer, anxun_domain::template::AnswerSpec::PassFail)
        })
        .unwrap()
        .id
        .clone();
    inspection
        .answer(
            &template,
            &item,
            ItemAnswer {
                verdict: Verdict::Fail,
                value: None,
                note: None,
                photos: vec![photo(1).hash],
                combined: Vec::new(),
            },
        )
        .unwrap();
    inspection.sync_findings(
        &template,
        &site(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        anxun_domain::ids::HazardId::generate,
    );
    inspection.status = anxun_domain::inspection::InspectionStatus::Completed;
    let events =
        inspection.hazard_events(&template, &site(), &inspector(1), t0(), |_| (None, None));
    (inspection, events)
}

#[wasm_bindgen_test]
async fn a_completed_inspection_and_its_hazard_events_are_stored_together_in_order() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let (completed, events) = completed_with_finding();
    assert_eq!(events.len(), 2, "report and notice");
    // A draft save waiting to be sent is replaced by the completed inspection.
    db.apply(Change::Inspection(inspection())).await.unwrap();
    let draft = {
        let mut draft = completed.clone();
        draft.status = anxun_domain::inspection::InspectionStatus::Draft;
        draft
    };
    db.apply(Change::Inspection(draft)).await.unwrap();
    let entries = db
        .apply_all(Change::Complete {
            inspection: completed.clone(),
            events: events.clone(),
            photos: vec![photo(1)],
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 3);
    assert!(matches!(
        entries[0].mutation,
        Mutation::SaveInspection { .. }
    ));
    assert!(matches!(entries[1].mutation, Mutation::HazardEvent { .. }));
    assert!(entries.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert_eq!(
        db.inspection(completed.id).await.unwrap(),
        Some(completed.clone())
    );
    assert_eq!(db.hazard_events().await.unwrap().len(), 2);
    let outbox = db.outbox().await.unwrap();
    // The first inspection's save, then the completion's three entries (the draft was replaced).
    assert_eq!(outbox.len(), 4, "{outbox:#?}");

    // Completing again with the same events fails as a whole: nothing is added.
    let error = db
        .apply_all(Change::Complete {
            inspection: completed,
            events,
            photos: vec![photo(2)],
        })
        .await
        .unwrap_err();
    assert_eq!(error, DbError::Duplicate);
    assert!(db.photo(&photo(2).hash).await.unwrap().is_none());
    assert_eq!(db.outbox().await.unwrap().len(), 4);
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn document_numbers_count_up_per_kind_and_survive_reopening() {
    use anxun_domain::docno::DocKind;
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let first = db
        .reserve_numbers(
            &[DocKind::InspectionRecord, DocKind::Hazard, DocKind::Hazard],
            date,
        )
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|n| n.serial()).collect::<Vec<_>>(),
        vec![1, 1, 2]
    );
    db.close();
    let db = Db::open_named(&name).await.unwrap();
    let next = db.reserve_numbers(&[DocKind::Hazard], date).await.unwrap();
    assert_eq!(next[0].serial(), 3);
    assert_eq!(next[0].device(), first[0].device());
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_photo_total_counts_each_photo_once_and_the_profile_is_kept() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let mut events = Events::new();
    let first = events.report(&inspector(1), new_hazard(Severity::General));
    let mut second = events.report(&inspector(1), new_hazard(Severity::General));
    second.hazard = anxun_domain::ids::HazardId::generate();
    db.apply(Change::HazardEvent(first, vec![photo(1)]))
        .await
        .unwrap();
    // The same photo again (referenced twice) is not counted twice.
    db.apply(Change::HazardEvent(second, vec![photo(1), photo(2)]))
        .await
        .unwrap();
    assert_eq!(db.photo_bytes().await.unwrap(), 2 * 50_000);

    assert_eq!(db.profile().await.unwrap(), None);
    let profile = anxun_app::profile::ProfileInput {
        name: "李网格".into(),
        organisation: "演示区应急管理局".into(),
        badge: String::new(),
    }
    .parse(None)
    .unwrap();
    db.save_profile(&profile).await.unwrap();
    db.close();
    let db = Db::open_named(&name).await.unwrap();
    assert_eq!(db.profile().await.unwrap(), Some(profile));
    db.close();
    Db::delete(&name).await.unwrap();
}

/// A JS object with string fields, as version 1 of the app wrote its rows.
fn row(fields: &[(&str, wasm_bindgen::JsValue)]) -> wasm_bindgen::JsValue {
    let object = js_sys::Object::new();
    for (key, value) in fields {
        js_sys::Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

#[wasm_bindgen_test]
async fn a_database_made_by_version_1_upgrades_with_its_data_and_outbox() {
    use indexed_db_futures::{prelude::*, transaction::TransactionMode};
    let name = name();
    // Version 1, as the first release left it on a phone: a site and its unsent outbox entry.
    let old = schema::open_at(&name, 1).await.unwrap();
    assert!(!old.object_store_names().any(|s| s == schema::TEMPLATES));
    let site = site();
    let site_doc = serde_json::to_string(&site).unwrap();
    let entry = anxun_domain::sync::OutboxEntry {
        mutation_id: anxun_domain::ids::MutationId::generate(),
        seq: 1,
        mutation: Mutation::UpsertSite {
            site: Box::new(site.clone()),
        },
    };
    let tx = old
        .transaction([schema::META, schema::SITES, schema::OUTBOX])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    tx.object_store(schema::SITES)
        .unwrap()
        .put(row(&[
            ("id", site.id().to_string().into()),
            ("doc", site_doc.into()),
        ]))
        .build()
        .unwrap();
    tx.object_store(schema::OUTBOX)
        .unwrap()
        .put(row(&[
            ("seq", 1.0.into()),
            ("record", site.id().to_string().into()),
            ("doc", serde_json::to_string(&entry).unwrap().into()),
        ]))
        .build()
        .unwrap();
    tx.object_store(schema::META)
        .unwrap()
        .put(row(&[("key", "next_seq".into()), ("value", "2".into())]))
        .build()
        .unwrap();
    tx.commit().await.unwrap();
    // The old connection stays open: it closes itself so that the upgrade is not blocked.
    let db = Db::open_named(&name).await.unwrap();
    assert_eq!(db.sites().await.unwrap(), vec![site]);
    assert_eq!(db.outbox().await.unwrap(), vec![entry]);
    let next = db.apply(Change::Inspection(inspection())).await.unwrap();
    assert_eq!(next.seq, 2, "the outbox sequence continues");
    db.close();
    let upgraded = schema::open(&name).await.unwrap();
    assert!(
        upgraded
            .object_store_names()
            .any(|s| s == schema::TEMPLATES)
    );
    assert_eq!(upgraded.version() as u32, schema::VERSION);
    upgraded.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn hazard_list_items_follow_their_events_and_a_refused_event_stores_nothing() {
    use anxun_domain::hazard::{HazardAction, HazardState};
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let (completed, events) = completed_with_finding();
    db.apply_all(Change::Complete {
        inspection: completed,
        events: events.clone(),
        photos: Vec::new(),
    })
    .await
    .unwrap();
    let list = db.hazard_list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, HazardState::Assigned);
    assert_eq!(db.hazards_of_site(site().id()).await.unwrap(), list);
    // Due: by its deadline, not before.
    let deadline = list[0].deadline.unwrap();
    let (due, total) = db.hazards_due(deadline, 50).await.unwrap();
    assert_eq!((due, total), (list.clone(), 1));
    let (due, total) = db.hazards_due(deadline - days(1), 50).await.unwrap();
    assert_eq!((due.len(), total), (0, 0));

    let reinspect = |passed: bool| anxun_domain::hazard::HazardEvent {
        id: anxun_domain::ids::EventId::generate(),
        hazard: list[0].id,
        at: t0() + days(2),
        actor: inspector(1),
        reason: None,
        action: HazardAction::Reinspect {
            passed,
            photos: vec![photo(5).hash],
            inspection: None,
        },
    };
    db.apply(Change::HazardEvent(reinspect(true), vec![photo(5)]))
        .await
        .unwrap();
    let after = db.hazard_list().await.unwrap();
    assert_eq!(after[0].state, HazardState::ReinspectionPassed);
    assert_eq!(
        db.hazards_due(deadline, 50).await.unwrap().1,
        0,
        "nothing due any more"
    );
    assert_eq!(
        db.hazard(list[0].id).await.unwrap().unwrap().state(),
        HazardState::ReinspectionPassed
    );
    // A second re-inspection is not allowed in that state: refused, nothing stored.
    let outbox = db.outbox().await.unwrap().len();
    let error = db
        .apply(Change::HazardEvent(reinspect(false), vec![photo(6)]))
        .await
        .unwrap_err();
    assert!(matches!(error, DbError::Rejected(_)), "{error:?}");
    assert_eq!(db.outbox().await.unwrap().len(), outbox);
    assert!(db.photo(&photo(6).hash).await.unwrap().is_none());
    assert_eq!(db.hazard_list().await.unwrap(), after);
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn hazards_stored_before_version_3_are_listed_after_the_upgrade() {
    use indexed_db_futures::{prelude::*, transaction::TransactionMode};
    let name = name();
    let (_, events) = completed_with_finding();
    let old = schema::open_at(&name, 2).await.unwrap();
    let tx = old
        .transaction(schema::HAZARD_EVENTS)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    for event in &events {
        tx.object_store(schema::HAZARD_EVENTS)
            .unwrap()
            .put(row(&[
                ("id", event.id.to_string().into()),
                ("hazard", event.hazard.to_string().into()),
                ("doc", serde_json::to_string(event).unwrap().into()),
            ]))
            .build()
            .unwrap();
    }
    tx.commit().await.unwrap();
    let db = Db::open_named(&name).await.unwrap();
    let list = db.hazard_list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, events[0].hazard);
    db.close();
    Db::delete(&name).await.unwrap();
}
