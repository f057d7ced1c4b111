//! `POST /api/sync/push`: exactly-once by (device, seq), gaps, per-mutation rejections,
//! immutable completed inspections, the hazard state machine, the audit log.

use crate::{
    helpers::{Backend, Options, Photos, TestApp, spawn},
    on_both_backends, on_every_store,
};
use anxun_domain::{
    api::{PullResponse, PushRequest, SYNC_PULL_PATH, SYNC_PUSH_PATH},
    hazard::{
        DeterminationMethod, HazardAction, HazardEvent, HazardSource, NewHazard, RectificationMode,
        Severity,
    },
    ids::{DeviceId, EventId, HazardId, InspectionId, MutationId, SiteId, UserId},
    inspection::{Inspection, InspectionKind, InspectionStatus, InspectorRef, ItemAnswer, Verdict},
    photo::Sha256Hex,
    region::{RegionCode, RegionPath, Scope},
    role::{Actor, Role},
    site::{Area, FireClass, Site, SiteType, SiteWire},
    sync::{Mutation, OutboxEntry, PROTOCOL_VERSION},
    text::Text,
};
use anxun_server::store::{
    regions::{Level, NewRegion},
    sync::SyncTable,
};
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

/// A running app with regions 310104 (in scope) and 310105 (out of scope) and an inspector
/// scoped to district 310104, signed in.
pub(crate) struct Setup {
    pub(crate) app: TestApp,
    pub(crate) user: UserId,
    pub(crate) token: String,
    pub(crate) device: DeviceId,
}

/// The photo every hazard report references (uploaded by [`setup`]).
pub(crate) const BEFORE: &[u8] = b"\xFF\xD8\xFF\xE0 before \xFF\xD9";

pub(crate) fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

pub(crate) fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

pub(crate) fn region(district: &str) -> RegionPath {
    RegionPath {
        district: code(district),
        street: code(&format!("{district}003")),
        grid: code(&format!("{district}003-G1")),
    }
}

pub(crate) async fn setup(backend: &Backend) -> Setup {
    setup_with(backend, &Photos::Files).await
}

/// [`setup`] with photos kept in `photos`.
pub(crate) async fn setup_with(backend: &Backend, photos: &Photos) -> Setup {
    let options = Options {
        photos: photos.clone(),
        ..Options::default()
    };
    let app = spawn(backend, options).await;
    for district in ["310104", "310105"] {
        let path = region(district);
        for (code, level, parent) in [
            (path.district.as_str(), Level::District, None),
            (
                path.street.as_str(),
                Level::Street,
                Some(path.district.as_str()),
            ),
            (path.grid.as_str(), Level::Grid, Some(path.street.as_str())),
        ] {
            app.db
                .insert_region(&NewRegion {
                    code,
                    name: code,
                    level,
                    parent,
                    is_demo: false,
                })
                .await
                .unwrap();
        }
    }
    let (user, token) = user(&app, "li-inspector").await;
    let response = app
        .put_photo(
            Some(&token),
            Sha256Hex::digest(BEFORE).as_str(),
            "image/jpeg",
            BEFORE.to_vec(),
        )
        .await;
    assert_eq!(response.status(), 201);
    Setup {
        app,
        user,
        token,
        device: DeviceId::generate(),
    }
}

/// A new inspector scoped to district 310104, and a session token.
pub(crate) async fn user(app: &TestApp, username: &str) -> (UserId, String) {
    let scope = Scope::District {
        district: code("310104"),
    };
    app.signed_in_inspector(username, "李网格员", &scope).await
}

pub(crate) fn site(district: &str) -> Site {
    Site::new(SiteWire {
        id: SiteId::generate(),
        name: text("老王面馆"),
        address: text("漕溪北路1号"),
        site_type: SiteType::Restaurant,
        areas: vec![Area::Gas],
        credit_code: None,
        responsible: None,
        region: region(district),
        gps: None,
        fire_class: FireClass::default(),
        parties: Vec::new(),
    })
    .unwrap()
}

pub(crate) fn inspection(site: &Site, user: UserId) -> Inspection {
    let template = anxun_domain::templates::builtin_for(Area::Gas);
    Inspection::start(
        InspectionId::generate(),
        InspectionKind::RoutinePatrol,
        site.id(),
        &template,
        vec![InspectorRef {
            user,
            name: text("李网格员"),
            organisation: None,
            badge: None,
        }],
        Utc::now(),
    )
}

pub(crate) fn actor(user: UserId) -> Actor {
    Actor {
        user,
        role: Role::Inspector,
        scope: Scope::District {
            district: code("310104"),
        },
    }
}

pub(crate) fn event(hazard: HazardId, user: UserId, action: HazardAction) -> HazardEvent {
    HazardEvent {
        id: EventId::generate(),
        hazard,
        at: Utc::now(),
        actor: actor(user),
        reason: None,
        action,
    }
}

pub(crate) fn report(site: &Site, user: UserId) -> HazardEvent {
    let new = NewHazard {
        number: None,
        source: HazardSource::GridPatrol,
        inspection: None,
        item: None,
        site: site.id(),
        site_name: site.name().clone(),
        credit_code: None,
        address: None,
        region: site.region().clone(),
        area: Area::Gas,
        category: None,
        description: text("液化石油气钢瓶设在地下室"),
        location_detail: None,
        gps: None,
        severity: Severity::General,
        default_severity: None,
        override_reason: None,
        determination: DeterminationMethod::Regulation,
        basis: Vec::new(),
        combined: Vec::new(),
        photos_before: vec![Sha256Hex::digest(BEFORE)],
        interim_measures: Vec::new(),
        rectification: RectificationMode::ByDeadline,
        suggested_rectification: None,
        refer_to: Vec::new(),
    };
    event(
        HazardId::generate(),
        user,
        HazardAction::Report(Box::new(new)),
    )
}

pub(crate) fn entries(first_seq: u64, mutations: Vec<Mutation>) -> Vec<OutboxEntry> {
    mutations
        .into_iter()
        .zip(first_seq..)
        .map(|(mutation, seq)| OutboxEntry {
            mutation_id: MutationId::generate(),
            seq,
            mutation,
        })
        .collect()
}

pub(crate) fn upsert(site: &Site) -> Mutation {
    Mutation::UpsertSite {
        site: Box::new(site.clone()),
    }
}

pub(crate) fn save(inspection: &Inspection) -> Mutation {
    Mutation::SaveInspection {
        inspection: Box::new(inspection.clone()),
    }
}

pub(crate) fn hazard_event(event: &HazardEvent) -> Mutation {
    Mutation::HazardEvent {
        event: Box::new(event.clone()),
    }
}

impl Setup {
    async fn push_raw(&self, token: Option<&str>, body: &Value) -> reqwest::Response {
        let request = self
            .app
            .client
            .post(format!("{}{SYNC_PUSH_PATH}", self.app.address))
            .json(body);
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        request.send().await.unwrap()
    }

    /// Pushes and answers the body of the `200`.
    async fn push(&self, entries: &[OutboxEntry]) -> Value {
        let body = serde_json::to_value(PushRequest {
            proto_v: PROTOCOL_VERSION,
            device: self.device,
            entries: entries.to_vec(),
        })
        .unwrap();
        let response = self.push_raw(Some(&self.token), &body).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    async fn count(&self, table: SyncTable) -> i64 {
        self.app.db.count_rows(table).await.unwrap()
    }
}

fn statuses(body: &Value) -> Vec<&str> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

async fn a_retried_push_has_exactly_once_effect(backend: Backend) {
    let s = setup(&backend).await;
    let site = site("310104");
    let mut completed = inspection(&site, s.user);
    completed.status = InspectionStatus::Completed;
    let batch = entries(
        1,
        vec![
            upsert(&site),
            save(&completed),
            hazard_event(&report(&site, s.user)),
        ],
    );
    let body = s.push(&batch).await;
    assert_eq!(statuses(&body), ["accepted"; 3], "{body}");
    assert_eq!(body["last_seq"], 3);
    assert_eq!(body["results"][1]["seq"], 2);
    assert_eq!(
        body["results"][1]["mutation_id"],
        json!(batch[1].mutation_id)
    );

    let again = s.push(&batch).await;
    assert_eq!(statuses(&again), ["duplicate"; 3], "{again}");
    assert_eq!(again["last_seq"], 3);
    assert_eq!(s.count(SyncTable::Sites).await, 1);
    assert_eq!(s.count(SyncTable::Inspections).await, 1);
    assert_eq!(s.count(SyncTable::Hazards).await, 1);
    assert_eq!(s.count(SyncTable::HazardEvents).await, 1);
    assert_eq!(s.count(SyncTable::SyncMutations).await, 3);
}
on_both_backends!(exactly_once, a_retried_push_has_exactly_once_effect);

async fn nothing_after_a_gap_is_applied(backend: Backend) {
    let s = setup(&backend).await;
    let sites = [site("310104"), site("310104"), site("310104")];
    let mut batch = entries(1, sites.iter().map(upsert).collect());
    batch[1].seq = 3;
    batch[2].seq = 4;
    let body = s.push(&batch).await;
    assert_eq!(statuses(&body), ["accepted", "gap", "gap"], "{body}");
    assert_eq!(body["results"][1]["expected"], 2);
    assert_eq!(body["results"][2]["expected"], 2);
    assert_eq!(body["last_seq"], 1);
    assert_eq!(s.count(SyncTable::Sites).await, 1);
    assert_eq!(s.count(SyncTable::SyncMutations).await, 1);

    // Filling the gap lets the rest through.
    batch[1].seq = 2;
    batch[2].seq = 3;
    let body = s.push(&batch).await;
    assert_eq!(
        statuses(&body),
        ["duplicate", "accepted", "accepted"],
        "{body}"
    );
    assert_eq!(s.count(SyncTable::Sites).await, 3);
}
on_both_backends!(gaps, nothing_after_a_gap_is_applied);

async fn a_rejected_mutation_does_not_block_the_next(backend: Backend) {
    let s = setup(&backend).await;
    let batch = entries(1, vec![upsert(&site("310105")), upsert(&site("310104"))]);
    let body = s.push(&batch).await;
    assert_eq!(statuses(&body), ["rejected", "accepted"], "{body}");
    assert_eq!(body["results"][0]["code"], "out_of_scope");
    assert!(
        body["results"][0]["message"]
            .as_str()
            .unwrap()
            .contains("scope")
    );
    assert_eq!(body["last_seq"], 2);
    assert_eq!(s.count(SyncTable::Sites).await, 1);

    // A retry gets the same rejection and still applies nothing.
    let again = s.push(&batch).await;
    assert_eq!(statuses(&again), ["rejected", "duplicate"], "{again}");
    assert_eq!(again["results"][0]["code"], "out_of_scope");
    assert_eq!(
        again["results"][0]["message"],
        body["results"][0]["message"]
    );
    assert_eq!(s.count(SyncTable::Sites).await, 1);
}
on_both_backends!(rejections, a_rejected_mutation_does_not_block_the_next);

async fn completed_inspections_never_change(backend: Backend) {
    let s = setup(&backend).await;
    let site = site("310104");
    let mut completed = inspection(&site, s.user);
    completed.status = InspectionStatus::Completed;
    let mut changed = completed.clone();
    changed.notes = Some(text("补记"));
    let body = s
        .push(&entries(
            1,
            vec![
                upsert(&site),
                save(&completed),
                save(&changed),
                save(&completed),
            ],
        ))
        .await;
    assert_eq!(
        statuses(&body),
        ["accepted", "accepted", "rejected", "accepted"],
        "{body}"
    );
    assert_eq!(body["results"][2]["code"], "inspection_completed");

    // Someone who is not its inspector cannot save it, and an unknown site is rejected.
    let other = inspection(&site, UserId::generate());
    let mut nowhere = inspection(&site, s.user);
    nowhere.site = SiteId::generate();
    let body = s
        .push(&entries(5, vec![save(&other), save(&nowhere)]))
        .await;
    assert_eq!(body["results"][0]["code"], "not_author", "{body}");
    assert_eq!(body["results"][1]["code"], "unknown_site", "{body}");
    assert_eq!(s.count(SyncTable::Inspections).await, 1);
}
on_both_backends!(completed_inspections, completed_inspections_never_change);

async fn invalid_hazard_transitions_are_rejected(backend: Backend) {
    let s = setup(&backend).await;
    let site = site("310104");
    let reported = report(&site, s.user);
    let close = event(
        reported.hazard,
        s.user,
        HazardAction::Close { approval: None },
    );
    let body = s
        .push(&entries(
            1,
            vec![upsert(&site), hazard_event(&reported), hazard_event(&close)],
        ))
        .await;
    assert_eq!(
        statuses(&body),
        ["accepted", "accepted", "rejected"],
        "{body}"
    );
    assert_eq!(body["results"][2]["code"], "invalid_transition");
    assert_eq!(
        body["results"][2]["message"],
        "cannot close a hazard that is reported"
    );
    assert_eq!(
        s.app
            .db
            .hazard_status(reported.hazard)
            .await
            .unwrap()
            .as_deref(),
        Some("reported")
    );
    assert_eq!(s.count(SyncTable::HazardEvents).await, 1);

    // A site with a hazard cannot be deleted.
    let body = s
        .push(&entries(4, vec![Mutation::DeleteSite { site: site.id() }]))
        .await;
    assert_eq!(body["results"][0]["code"], "in_use", "{body}");
    assert_eq!(s.count(SyncTable::Sites).await, 1);
}
on_both_backends!(hazard_transitions, invalid_hazard_transitions_are_rejected);

/// Found by the simulation (tests/sim): a report made offline was rejected for good
/// (`invalid`, "differs from its site's") when another phone had corrected the site's grid
/// before the report arrived, so a completed inspection's hazard never reached the ledger.
async fn reports_are_filed_where_their_site_lies_now(backend: Backend) {
    let s = setup(&backend).await;
    let site = site("310104");
    let mut stale = report(&site, s.user);
    if let HazardAction::Report(new) = &mut stale.action {
        new.region = region("310105");
    }
    let body = s
        .push(&entries(1, vec![upsert(&site), hazard_event(&stale)]))
        .await;
    assert_eq!(statuses(&body), ["accepted", "accepted"], "{body}");
    // Stored, and pulled, with the site's region: in the user's scope.
    let response = s
        .app
        .get_signed_in(&format!("{SYNC_PULL_PATH}?cursor=0"), &s.token)
        .await;
    assert_eq!(response.status(), 200);
    let page: PullResponse = response.json().await.unwrap();
    let [pulled] = page.hazard_events.as_slice() else {
        panic!("{page:?}");
    };
    assert_eq!(pulled.id, stale.id);
    let HazardAction::Report(new) = &pulled.action else {
        panic!("{pulled:?}");
    };
    assert_eq!(new.region, *site.region());

    // A site outside the user's scope stays out of reach, whatever region the report names.
    let outside = self::site("310105");
    s.app
        .db
        .insert_site(&outside, false, Utc::now())
        .await
        .unwrap();
    let mut sneaky = report(&outside, s.user);
    if let HazardAction::Report(new) = &mut sneaky.action {
        new.region = region("310104");
    }
    let body = s.push(&entries(3, vec![hazard_event(&sneaky)])).await;
    assert_eq!(body["results"][0]["code"], "out_of_scope", "{body}");
    assert_eq!(s.count(SyncTable::Hazards).await, 1);
}
on_both_backends!(
    reports_follow_their_site,
    reports_are_filed_where_their_site_lies_now
);

async fn unused_sites_can_be_deleted(backend: Backend) {
    let s = setup(&backend).await;
    let site = site("310104");
    let body = s
        .push(&entries(
            1,
            vec![upsert(&site), Mutation::DeleteSite { site: site.id() }],
        ))
        .await;
    assert_eq!(statuses(&body), ["accepted", "accepted"], "{body}");
    assert_eq!(s.count(SyncTable::Sites).await, 0);
}
on_both_backends!(delete_site, unused_sites_can_be_deleted);

async fn pushes_need_a_session_the_protocol_and_the_device(backend: Backend) {
    let s = setup(&backend).await;
    let body = json!({"proto_v": PROTOCOL_VERSION, "device": s.device, "entries": []});
    let response = s.push_raw(None, &body).await;
    assert_eq!(response.status(), 401);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "unauthorized");

    let wrong = json!({"proto_v": 99, "device": s.device, "entries": []});
    let response = s.push_raw(Some(&s.token), &wrong).await;
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "unsupported_protocol");

    // The device belongs to the first user who pushes from it.
    let first = s.push(&[]).await;
    assert_eq!(first["last_seq"], 0);
    let (_, other_token) = user(&s.app, "wang-inspector").await;
    let response = s.push_raw(Some(&other_token), &body).await;
    assert_eq!(response.status(), 403);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "device_taken");

    // Sequence numbers out of order are a malformed push.
    let site = site("310104");
    let mut batch = entries(1, vec![upsert(&site), upsert(&site)]);
    batch[1].seq = 1;
    let body = serde_json::to_value(PushRequest {
        proto_v: PROTOCOL_VERSION,
        device: s.device,
        entries: batch,
    })
    .unwrap();
    let response = s.push_raw(Some(&s.token), &body).await;
    assert_eq!(response.status(), 400);
    assert_eq!(s.count(SyncTable::Sites).await, 0);
}
on_both_backends!(
    push_guards,
    pushes_need_a_session_the_protocol_and_the_device
);

async fn unreadable_mutations_are_rejected_on_their_own(backend: Backend) {
    let s = setup(&backend).await;
    let site = site("310104");
    let body = json!({
        "proto_v": PROTOCOL_VERSION,
        "device": s.device,
        "entries": [
            {"mutation_id": MutationId::generate(), "seq": 1, "mutation": {"op": "upsert_site", "site": {"id": "nope"}}},
            {"mutation_id": MutationId::generate(), "seq": 2, "mutation": upsert(&site)},
        ],
    });
    let response = s.push_raw(Some(&s.token), &body).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(statuses(&body), ["rejected", "accepted"], "{body}");
    assert_eq!(body["results"][0]["code"], "invalid");
}
on_both_backends!(unreadable, unreadable_mutations_are_rejected_on_their_own);

async fn the_audit_log_records_who_when_and_which_device(backend: Backend) {
    let s = setup(&backend).await;
    let before = Utc::now() - TimeDelta::seconds(1);
    let batch = entries(1, vec![upsert(&site("310104")), upsert(&site("310105"))]);
    s.push(&batch).await;
    let after = Utc::now() + TimeDelta::seconds(1);
    let rows = s.app.db.audit_rows(s.device).await.unwrap();
    assert_eq!(rows.len(), 2);
    for (row, entry) in rows.iter().zip(&batch) {
        assert_eq!(row.user, s.user);
        assert_eq!(row.device, s.device);
        assert_eq!(row.seq, entry.seq);
        assert_eq!(row.mutation_id, entry.mutation_id);
        assert_eq!(row.op.as_deref(), Some("upsert_site"));
        assert!(
            before <= row.received_at && row.received_at <= after,
            "{row:?}"
        );
    }
    assert_eq!(rows[0].status, "accepted");
    assert_eq!(rows[1].status, "rejected");
    assert_eq!(rows[1].code.as_deref(), Some("out_of_scope"));
}
on_both_backends!(audit, the_audit_log_records_who_when_and_which_device);

async fn a_mutation_waits_for_its_photos(backend: Backend, photos: Photos) {
    let s = setup_with(&backend, &photos).await;
    let first_site = site("310104");
    let other_site = site("310104");
    let site = first_site;
    let photo = b"\xFF\xD8\xFF\xE0 the gas cylinder \xFF\xD9".to_vec();
    let hash = Sha256Hex::digest(&photo);
    let mut draft = inspection(&site, s.user);
    let template = anxun_domain::templates::builtin_for(Area::Gas);
    let item = template.items().next().unwrap().id.clone();
    draft.answers.insert(
        item,
        ItemAnswer {
            verdict: Verdict::Fail,
            value: None,
            note: None,
            photos: vec![hash.clone()],
            combined: Vec::new(),
        },
    );
    let mut hazard = report(&site, s.user);
    if let HazardAction::Report(new) = &mut hazard.action {
        new.photos_before.push(hash.clone());
    }
    let batch = entries(
        1,
        vec![
            upsert(&site),
            save(&draft),
            hazard_event(&hazard),
            upsert(&other_site),
        ],
    );
    let body = s.push(&batch).await;
    assert_eq!(
        statuses(&body),
        ["accepted", "missing_photo", "gap", "gap"],
        "{body}"
    );
    let missing = &body["results"][1];
    assert_eq!(missing["code"], "missing_photo");
    assert_eq!(missing["photos"], json!([hash]));
    assert!(
        missing["message"].as_str().unwrap().contains(hash.as_str()),
        "{missing}"
    );
    assert_eq!(body["results"][2]["expected"], 2);
    assert_eq!(body["last_seq"], 1, "the sequence did not advance");
    assert_eq!(s.count(SyncTable::Inspections).await, 0);
    assert_eq!(s.count(SyncTable::Sites).await, 1);
    assert_eq!(s.count(SyncTable::SyncMutations).await, 1);

    // Once the photo is uploaded, the same push goes through, exactly once.
    let response = s
        .app
        .put_photo(Some(&s.token), hash.as_str(), "image/jpeg", photo)
        .await;
    assert_eq!(response.status(), 201);
    let body = s.push(&batch).await;
    assert_eq!(
        statuses(&body),
        ["duplicate", "accepted", "accepted", "accepted"],
        "{body}"
    );
    assert_eq!(body["last_seq"], 4);
    assert_eq!(s.count(SyncTable::Inspections).await, 1);
    assert_eq!(s.count(SyncTable::Hazards).await, 1);
    assert_eq!(s.count(SyncTable::Sites).await, 2);
}
on_every_store!(missing_photos, a_mutation_waits_for_its_photos);
