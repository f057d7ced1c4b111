//! Sync's storage in headless Chromium: preparing push rounds (renumbering the unsent tail,
//! never rewriting what was sent), settling answers, applying pulled pages, and signing in
//! (adopting a local profile's work, refusing to mix two users' changes).

#![allow(clippy::unwrap_used)]

#[path = "../../domain/tests/support/fixtures.rs"]
mod fixtures;

use anxun_app::{
    db::{Change, Db, Session, SignInError},
    profile::Profile,
};
use anxun_domain::{
    api::{PullResponse, PushResponse, PushResult, PushStatus, RejectionCode, SignedInUser},
    hazard::{HazardAction, HazardState, Severity},
    ids::{InspectionId, UserId},
    inspection::{Inspection, InspectionKind, InspectorRef},
    site::Area,
    sync::{Mutation, engine},
};
use fixtures::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn name() -> String {
    format!("anxun-sync-test-{}", uuid::Uuid::new_v4())
}

fn inspection_by(user: UserId) -> Inspection {
    let template = anxun_app::templates::current_for(Area::Gas).unwrap();
    Inspection::start(
        InspectionId::generate(),
        InspectionKind::RoutinePatrol,
        site().id(),
        &template,
        vec![InspectorRef {
            user,
            name: text("孙网格"),
            organisation: None,
            badge: None,
        }],
        t0(),
    )
}

fn answer(round: &[anxun_domain::sync::OutboxEntry], status: PushStatus) -> PushResponse {
    PushResponse {
        results: round
            .iter()
            .map(|e| PushResult {
                seq: e.seq,
                mutation_id: e.mutation_id,
                status,
                code: (status == PushStatus::Rejected).then_some(RejectionCode::InvalidTransition),
                message: (status == PushStatus::Rejected).then(|| "closed meanwhile".to_owned()),
                expected: None,
                photos: Vec::new(),
            })
            .collect(),
        last_seq: round.last().map_or(0, |e| e.seq),
    }
}

fn session(user: UserId, username: &str) -> Session {
    let actor = inspector(1);
    Session {
        token: "token".into(),
        expires_at: t0() + days(30),
        user: SignedInUser {
            id: user,
            username: username.into(),
            display_name: "孙网格".into(),
            role: actor.role,
            scope: actor.scope,
        },
        ended: false,
    }
}

#[wasm_bindgen_test]
async fn rounds_renumber_the_unsent_tail_and_never_rewrite_what_was_sent() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let mut draft = inspection_by(user(1));
    db.apply(Change::Site(site())).await.unwrap(); // 1
    db.apply(Change::Inspection(draft.clone())).await.unwrap(); // 2
    draft.notes = Some(text("第二次保存"));
    db.apply(Change::Inspection(draft.clone())).await.unwrap(); // 3 replaces 2: a hole
    let seqs: Vec<u64> = db.outbox().await.unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 3]);

    let round = db.prepare_round(50).await.unwrap().unwrap();
    let seqs: Vec<u64> = round.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2], "renumbered without holes");
    assert!(round.photos.is_empty());

    // Saved again while the push is out: the sent save stays, the new one is appended.
    draft.notes = Some(text("第三次保存"));
    let third = db.apply(Change::Inspection(draft.clone())).await.unwrap();
    assert_eq!(third.seq, 3);
    let outbox = db.outbox().await.unwrap();
    assert_eq!(outbox.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);

    // The answer arrives: done entries leave, the next round is the third save alone.
    let settlement = engine::settle(
        &round.entries,
        &answer(&round.entries, PushStatus::Accepted),
    )
    .unwrap();
    db.settle(&round.entries, &settlement).await.unwrap();
    let next = db.prepare_round(50).await.unwrap().unwrap();
    assert_eq!(next.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [3]);
    let Mutation::SaveInspection { inspection } = &next.entries[0].mutation else {
        panic!("not a save")
    };
    assert_eq!(inspection.notes, Some(text("第三次保存")));
    let (count, oldest) = db.unsynced().await.unwrap();
    assert_eq!(count, 1);
    assert!(oldest.is_some());
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn photos_confirmed_by_the_server_are_not_sent_again_unless_it_lost_them() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let mut ev = Events::new();
    let mut new = new_hazard(Severity::General);
    let bytes = vec![7u8; 10_000];
    let hash = anxun_domain::photo::Sha256Hex::digest(&bytes);
    new.photos_before = vec![hash.clone()];
    let report = ev.report(&inspector(1), new);
    let photo = anxun_app::db::NewPhoto {
        hash: hash.clone(),
        mime: "image/jpeg".into(),
        width: 10,
        height: 10,
        evidence: bytes,
        thumbnail: vec![1; 10],
    };
    db.apply(Change::HazardEvent(report, vec![photo]))
        .await
        .unwrap();
    let round = db.prepare_round(50).await.unwrap().unwrap();
    assert_eq!(round.photos, vec![hash.clone()]);
    db.photo_confirmed(&hash).await.unwrap();
    let round = db.prepare_round(50).await.unwrap().unwrap();
    assert!(round.photos.is_empty());
    // The server answers missing_photo: the photo counts as unconfirmed again.
    let response = PushResponse {
        results: vec![PushResult {
            seq: round.entries[0].seq,
            mutation_id: round.entries[0].mutation_id,
            status: PushStatus::MissingPhoto,
            code: Some(RejectionCode::MissingPhoto),
            message: None,
            expected: None,
            photos: vec![hash.clone()],
        }],
        last_seq: 0,
    };
    let settlement = engine::settle(&round.entries, &response).unwrap();
    db.settle(&round.entries, &settlement).await.unwrap();
    let round = db.prepare_round(50).await.unwrap().unwrap();
    assert_eq!(round.photos, vec![hash]);
    assert_eq!(round.entries.len(), 1, "the entry still waits");
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_refused_event_is_kept_with_its_reason_and_leaves_the_hazard() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let mut ev = Events::new();
    let me = inspector(1);
    let report = ev.report(&me, new_hazard(Severity::General));
    // The report is confirmed by a pull (the server's copy).
    db.apply_pull(&PullResponse {
        cursor: 5,
        more: false,
        sites: vec![site()],
        deleted_sites: Vec::new(),
        hazard_events: vec![report.clone()],
        templates: Vec::new(),
    })
    .await
    .unwrap();
    assert_eq!(db.pull_cursor().await.unwrap(), 5);
    let assign = ev.event(
        &me,
        None,
        HazardAction::Assign {
            responsible: responsible(),
            requirement: None,
            deadline: ev.at + days(7),
            notice: None,
            department: None,
        },
    );
    db.apply(Change::HazardEvent(assign.clone(), Vec::new()))
        .await
        .unwrap();
    assert_eq!(
        db.hazard(report.hazard).await.unwrap().unwrap().state(),
        HazardState::Assigned
    );
    let round = db.prepare_round(50).await.unwrap().unwrap();
    let settlement = engine::settle(
        &round.entries,
        &answer(&round.entries, PushStatus::Rejected),
    )
    .unwrap();
    db.settle(&round.entries, &settlement).await.unwrap();
    assert!(db.outbox().await.unwrap().is_empty());
    let refused = db.refusals().await.unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].code, "invalid_transition");
    assert_eq!(refused[0].message, "closed meanwhile");
    let kept = refused[0].entry().unwrap();
    assert!(matches!(kept.mutation, Mutation::HazardEvent { ref event } if event.id == assign.id));
    let hazard = db.hazard(report.hazard).await.unwrap().unwrap();
    assert_eq!(
        hazard.state(),
        HazardState::Reported,
        "the refused event left the hazard"
    );
    let list = db.hazard_list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, HazardState::Reported);
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_pulled_page_skips_sites_with_pending_changes_and_orders_events_as_the_server() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    // A local edit of the site waits to be sent: the server's older copy must not replace it.
    let mut json = serde_json::to_value(site()).unwrap();
    json["name"] = "本地改过的名称".into();
    let local: anxun_domain::site::Site = serde_json::from_value(json).unwrap();
    db.apply(Change::Site(local.clone())).await.unwrap();
    let mut ev = Events::new();
    let report = ev.report(&inspector(1), new_hazard(Severity::General));
    let dismissed = ev.event(&supervisor(2), Some("重复上报"), HazardAction::Dismiss);
    // This device's own pending event, made before it heard of the dismissal.
    let mine = ev.event(
        &inspector(1),
        None,
        HazardAction::Assign {
            responsible: responsible(),
            requirement: None,
            deadline: ev.at + days(7),
            notice: None,
            department: None,
        },
    );
    db.apply_pull(&PullResponse {
        cursor: 9,
        more: false,
        sites: vec![site()],
        deleted_sites: Vec::new(),
        hazard_events: vec![report.clone()],
        templates: Vec::new(),
    })
    .await
    .unwrap();
    db.apply(Change::HazardEvent(mine.clone(), Vec::new()))
        .await
        .unwrap();
    assert_eq!(db.sites().await.unwrap(), vec![local.clone()]);
    db.apply_pull(&PullResponse {
        cursor: 12,
        more: false,
        sites: Vec::new(),
        deleted_sites: Vec::new(),
        hazard_events: vec![dismissed.clone()],
        templates: Vec::new(),
    })
    .await
    .unwrap();
    // The server's order wins: dismissed, and the pending event no longer applies.
    let hazard = db.hazard(report.hazard).await.unwrap().unwrap();
    assert_eq!(hazard.state(), HazardState::Dismissed);
    assert_eq!(db.pull_cursor().await.unwrap(), 12);
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn signing_in_adopts_a_local_profiles_work_and_keeps_two_users_apart() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let local = user(50);
    let profile = Profile {
        user: local,
        name: text("孙网格"),
        organisation: Some(text("演示区应急管理局")),
        badge: None,
        role: anxun_domain::role::Role::Inspector,
        scope: anxun_domain::region::Scope::City,
        signed_in: false,
    };
    db.save_profile(&profile).await.unwrap();
    let draft = inspection_by(local);
    db.apply(Change::Inspection(draft.clone())).await.unwrap();
    let account = user(60);
    let signed = db.sign_in(session(account, "sun")).await.unwrap();
    assert_eq!(signed.user, account);
    assert!(signed.signed_in);
    assert_eq!(
        signed.organisation, profile.organisation,
        "kept from the device"
    );
    let stored = db.inspection(draft.id).await.unwrap().unwrap();
    assert_eq!(stored.inspectors[0].user, account);
    let Mutation::SaveInspection { inspection } = &db.outbox().await.unwrap()[0].mutation else {
        panic!("not a save")
    };
    assert_eq!(inspection.inspectors[0].user, account);
    assert_eq!(db.session().await.unwrap().unwrap().user.username, "sun");

    // Another account while the first one's change waits: refused, nothing changes.
    let device = db.device_id().await.unwrap();
    let other = db.sign_in(session(user(70), "li")).await.unwrap_err();
    assert_eq!(other, SignInError::OtherUsersChanges(1));
    assert_eq!(db.session().await.unwrap().unwrap().user.username, "sun");
    assert_eq!(db.profile().await.unwrap().unwrap().user, account);

    // Once it has reached the server, the other account starts this as a new device.
    let round = db.prepare_round(50).await.unwrap().unwrap();
    let settlement = engine::settle(
        &round.entries,
        &answer(&round.entries, PushStatus::Accepted),
    )
    .unwrap();
    db.settle(&round.entries, &settlement).await.unwrap();
    db.sign_in(session(user(70), "li")).await.unwrap();
    assert_ne!(db.device_id().await.unwrap(), device);
    assert_eq!(db.pull_cursor().await.unwrap(), 0);
    let next = db.apply(Change::Site(site())).await.unwrap();
    assert_eq!(next.seq, 1, "a new device starts its sequence again");

    // An ended session is remembered until the next sign-in.
    db.end_session().await.unwrap();
    assert!(db.session().await.unwrap().unwrap().ended);
    db.clear_session().await.unwrap();
    assert!(db.session().await.unwrap().is_none());
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_refused_site_change_pulls_the_servers_sites_again() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    db.apply_pull(&PullResponse {
        cursor: 40,
        more: false,
        sites: Vec::new(),
        deleted_sites: Vec::new(),
        hazard_events: Vec::new(),
        templates: Vec::new(),
    })
    .await
    .unwrap();
    db.apply(Change::Site(site())).await.unwrap();
    let round = db.prepare_round(50).await.unwrap().unwrap();
    let settlement = engine::settle(
        &round.entries,
        &answer(&round.entries, PushStatus::Rejected),
    )
    .unwrap();
    db.settle(&round.entries, &settlement).await.unwrap();
    assert_eq!(db.refusals().await.unwrap().len(), 1);
    // Pulls skipped the server's version while the change was pending: start again.
    assert_eq!(db.pull_cursor().await.unwrap(), 0);
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn template_versions_received_with_a_page_are_kept_and_become_current() {
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    let shipped = anxun_app::templates::current_for(Area::Gas).unwrap();
    let mut next = shipped.clone();
    next.version += 1;
    next.title.zh.push_str("(2027 修订)");
    let page = PullResponse {
        cursor: 3,
        more: false,
        sites: Vec::new(),
        deleted_sites: Vec::new(),
        hazard_events: Vec::new(),
        templates: vec![next.clone()],
    };
    db.apply_pull(&page).await.unwrap();
    // The same page again (a retried pull) keeps one copy.
    db.apply_pull(&page).await.unwrap();
    assert_eq!(db.received_templates().await.unwrap(), vec![next.clone()]);
    assert_eq!(db.pull_cursor().await.unwrap(), 3);

    // Reopened, as at the next start: the app reads them in; new inspections get the newest
    // version, and an inspection made with the shipped one still finds its items.
    db.close();
    let db = Db::open_named(&name).await.unwrap();
    anxun_app::templates::load_received(&db).await;
    assert_eq!(
        anxun_app::templates::current_for(Area::Gas),
        Some(next.clone())
    );
    assert_eq!(
        anxun_app::templates::find(&shipped.reference()),
        Some(shipped.clone())
    );
    anxun_app::templates::receive(Vec::new());
    db.close();
    Db::delete(&name).await.unwrap();
}

fn new_photo(seed: u8) -> anxun_app::db::NewPhoto {
    let bytes = vec![seed; 10_000 + usize::from(seed)];
    anxun_app::db::NewPhoto {
        hash: anxun_domain::photo::Sha256Hex::digest(&bytes),
        mime: "image/jpeg".into(),
        width: 10,
        height: 10,
        evidence: bytes,
        thumbnail: vec![seed; 10],
    }
}

/// A hazard report with one photo, stored; returns the photo.
async fn report_with_photo(db: &Db, ev: &mut Events, seed: u8) -> anxun_app::db::NewPhoto {
    let photo = new_photo(seed);
    let mut new = new_hazard(Severity::General);
    new.photos_before = vec![photo.hash.clone()];
    let mut report = ev.report(&inspector(1), new);
    // Each report its own hazard.
    report.hazard = anxun_domain::ids::HazardId::generate();
    db.apply(Change::HazardEvent(report, vec![photo.clone()]))
        .await
        .unwrap();
    photo
}

/// Pushes the next round and answers every entry with `status`.
async fn push_and_answer(db: &Db, status: PushStatus) {
    let round = db.prepare_round(50).await.unwrap().unwrap();
    for hash in &round.photos {
        db.photo_confirmed(hash).await.unwrap();
    }
    let settlement = engine::settle(&round.entries, &answer(&round.entries, status)).unwrap();
    db.settle(&round.entries, &settlement).await.unwrap();
}

#[wasm_bindgen_test]
async fn photos_are_released_once_confirmed_and_accepted_and_outside_the_kept_window() {
    use anxun_app::db::{PhotoPlace, Released};
    use anxun_domain::sync::release::KeepPhotos;
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    assert_eq!(db.keep_photos().await.unwrap(), KeepPhotos::Month);
    let mut ev = Events::new();
    let photo = report_with_photo(&db, &mut ev, 1).await;
    let size = photo.evidence.len() as u64;
    let now = chrono::Utc::now();
    let later = now + days(31);
    assert_eq!(db.photo_bytes().await.unwrap(), size);

    // Unsent: nothing goes, however old.
    assert!(db.releasable_photos(later).await.unwrap().is_empty());
    // Confirmed by the server, but its entry not answered yet: kept.
    db.photo_confirmed(&photo.hash).await.unwrap();
    assert!(db.releasable_photos(later).await.unwrap().is_empty());
    let round = db.prepare_round(50).await.unwrap().unwrap();
    assert!(
        db.releasable_photos(later).await.unwrap().is_empty(),
        "sent, unanswered"
    );
    let settlement = engine::settle(
        &round.entries,
        &answer(&round.entries, PushStatus::Accepted),
    )
    .unwrap();
    db.settle(&round.entries, &settlement).await.unwrap();

    // Accepted: still kept within the window (30 days by default), and when keeping all.
    assert!(
        db.releasable_photos(now + days(1))
            .await
            .unwrap()
            .is_empty()
    );
    db.set_keep_photos(KeepPhotos::All).await.unwrap();
    assert_eq!(db.release_photos(later).await.unwrap(), Released::default());
    db.set_keep_photos(KeepPhotos::Week).await.unwrap();
    assert_eq!(db.keep_photos().await.unwrap(), KeepPhotos::Week);
    assert!(
        db.releasable_photos(now + days(6))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.releasable_photos(now + days(8)).await.unwrap(),
        std::slice::from_ref(&photo.hash)
    );

    // Released: bytes gone, thumbnail and metadata kept, the total goes down, nothing to send.
    let released = db.release_photos(now + days(8)).await.unwrap();
    assert_eq!(
        released,
        Released {
            photos: 1,
            bytes: size
        }
    );
    assert_eq!(db.photo_bytes().await.unwrap(), 0);
    assert_eq!(db.photo(&photo.hash).await.unwrap(), None);
    assert_eq!(
        db.photo_place(&photo.hash).await.unwrap(),
        PhotoPlace::OnServer {
            mime: "image/jpeg".into(),
            width: 10,
            height: 10
        }
    );
    assert_eq!(
        db.thumbnail(&photo.hash).await.unwrap(),
        Some(photo.thumbnail.clone())
    );
    assert!(db.prepare_round(50).await.unwrap().is_none());
    // Releasing again does nothing.
    assert_eq!(
        db.release_photos(now + days(8)).await.unwrap(),
        Released::default()
    );

    // The same photo stored again (picked again) has its bytes back and counts again.
    let mut new = new_hazard(Severity::General);
    new.photos_before = vec![photo.hash.clone()];
    let again = ev.report(&inspector(1), new);
    db.apply(Change::HazardEvent(again, vec![photo.clone()]))
        .await
        .unwrap();
    assert_eq!(db.photo_bytes().await.unwrap(), size);
    assert_eq!(db.photo_place(&photo.hash).await.unwrap(), PhotoPlace::Here);
    assert_eq!(
        db.photo(&photo.hash).await.unwrap().unwrap().bytes,
        photo.evidence
    );
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn refused_unsent_and_draft_records_keep_their_photos() {
    use anxun_domain::{
        inspection::{ItemAnswer, Verdict},
        sync::release::KeepPhotos,
        template::ItemId,
    };
    let name = name();
    let db = Db::open_named(&name).await.unwrap();
    db.set_keep_photos(KeepPhotos::Week).await.unwrap();
    let mut ev = Events::new();
    let later = chrono::Utc::now() + days(30);

    // Refused: kept with its reason, and so is its photo.
    let refused = report_with_photo(&db, &mut ev, 1).await;
    push_and_answer(&db, PushStatus::Rejected).await;
    assert_eq!(db.refusals().await.unwrap().len(), 1);

    // A draft whose save the server accepted: still edited here, its photo stays.
    let draft_photo = new_photo(2);
    let mut draft = inspection_by(user(1));
    draft.answers.insert(
        ItemId::parse("A01").unwrap(),
        ItemAnswer {
            verdict: Verdict::Fail,
            value: None,
            note: None,
            photos: vec![draft_photo.hash.clone()],
            combined: Vec::new(),
        },
    );
    db.apply(Change::InspectionWithPhotos(
        draft.clone(),
        vec![draft_photo.clone()],
    ))
    .await
    .unwrap();
    push_and_answer(&db, PushStatus::Accepted).await;

    // Accepted: the only one that may go.
    let accepted = report_with_photo(&db, &mut ev, 4).await;
    push_and_answer(&db, PushStatus::Accepted).await;

    // Unsent (its photo uploaded, the entry not pushed yet).
    let unsent = report_with_photo(&db, &mut ev, 3).await;
    db.photo_confirmed(&unsent.hash).await.unwrap();
    assert_eq!(db.outbox_len().await.unwrap(), 1);

    let before = db.photo_bytes().await.unwrap();
    let released = db.release_photos(later).await.unwrap();
    assert_eq!(released.photos, 1);
    assert_eq!(db.photo(&accepted.hash).await.unwrap(), None);
    for kept in [&refused, &draft_photo, &unsent] {
        assert_eq!(
            db.photo(&kept.hash).await.unwrap().unwrap().bytes,
            kept.evidence,
            "kept"
        );
    }
    assert_eq!(
        db.photo_bytes().await.unwrap(),
        before - accepted.evidence.len() as u64
    );

    // Completing the draft: its photos stay until the completed inspection is accepted.
    draft.status = anxun_domain::inspection::InspectionStatus::Completed;
    db.apply(Change::Inspection(draft)).await.unwrap();
    assert!(
        !db.releasable_photos(later)
            .await
            .unwrap()
            .contains(&draft_photo.hash)
    );
    db.close();
    Db::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn photos_stored_before_version_5_can_be_released_once_confirmed() {
    use anxun_app::db::{PhotoPlace, schema};
    use indexed_db_futures::{prelude::*, transaction::TransactionMode};
    let name = name();
    // Version 4, as the sync release left it: a photo (confirmed by the server) that no record
    // references any more (taken for a draft, then deleted), and the running total.
    let old = schema::open_at(&name, 4).await.unwrap();
    let bytes = vec![5u8; 3_000];
    let hash = anxun_domain::photo::Sha256Hex::digest(&bytes);
    let tx = old
        .transaction([schema::META, schema::PHOTOS, schema::UPLOADED])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    let row = |fields: &[(&str, wasm_bindgen::JsValue)]| {
        let object = js_sys::Object::new();
        for (key, value) in fields {
            js_sys::Reflect::set(&object, &(*key).into(), value).unwrap();
        }
        wasm_bindgen::JsValue::from(object)
    };
    tx.object_store(schema::PHOTOS)
        .unwrap()
        .put(row(&[
            ("hash", hash.as_str().into()),
            ("mime", "image/jpeg".into()),
            ("size", 3000.0.into()),
            ("width", 10.0.into()),
            ("height", 10.0.into()),
            ("bytes", js_sys::Uint8Array::from(&bytes[..]).into()),
        ]))
        .build()
        .unwrap();
    tx.object_store(schema::UPLOADED)
        .unwrap()
        .put(row(&[("hash", hash.as_str().into())]))
        .build()
        .unwrap();
    tx.object_store(schema::META)
        .unwrap()
        .put(row(&[
            ("key", "photo_bytes".into()),
            ("value", "3000".into()),
        ]))
        .build()
        .unwrap();
    tx.commit().await.unwrap();
    old.close();

    let db = Db::open_named(&name).await.unwrap();
    assert_eq!(db.photo(&hash).await.unwrap().unwrap().bytes, bytes);
    // Its storing time is unknown, and nothing references it: it may go at once.
    let released = db.release_photos(chrono::Utc::now()).await.unwrap();
    assert_eq!(released.photos, 1);
    assert_eq!(released.bytes, 3000);
    assert_eq!(db.photo_bytes().await.unwrap(), 0);
    assert!(matches!(
        db.photo_place(&hash).await.unwrap(),
        PhotoPlace::OnServer { .. }
    ));
    db.close();
    Db::delete(&name).await.unwrap();
}
