//! The hazard ledger: `GET /api/hazards` (every filter, sort and page), a hazard's detail, the
//! supervisor's actions (`POST /api/hazards/{id}/events`), sites and inspection records, the
//! CSV and XLSX exports, and that a street supervisor sees nothing of another street. Hazards
//! are made the real way: inspectors push them.

use crate::{
    helpers::{Backend, TestApp},
    on_both_backends,
    sync_push::{BEFORE, code, entries, hazard_event, report, save, setup, text, upsert},
};
use anxun_domain::{
    api::{
        PullResponse, PushRequest, SYNC_PULL_PATH, SYNC_PUSH_PATH,
        ledger::{
            ActionRequest, EXPORT_HAZARDS_CSV_PATH, EXPORT_HAZARDS_XLSX_PATH, HAZARDS_PATH,
            HazardDetail, InspectionDetail, LedgerPage, SITES_PATH, SiteDetail, SitePage,
            hazard_events_path, hazard_path, inspection_path, site_path,
        },
    },
    hazard::{
        HazardAction, HazardActionKind, HazardEvent, HazardSource, HazardState, ItemRef,
        NotificationMethod, PrincipalRole, ResponsibleParty, Severity,
    },
    ids::{DeviceId, EventId, HazardId, InspectionId, UserId},
    inspection::InspectionStatus,
    photo::Sha256Hex,
    region::{RegionPath, Scope},
    role::{Actor, Role},
    site::{Area, FireClass, Site, SiteType, SiteWire},
    sync::{Mutation, PROTOCOL_VERSION},
};
use anxun_server::store::regions::{Level, NewRegion};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The after-photo of on-the-spot fixes.
pub(crate) const AFTER: &[u8] = b"\xFF\xD8\xFF\xE0 after \xFF\xD9";

pub(crate) fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

fn path(district: &str, street: &str, grid: &str) -> RegionPath {
    RegionPath {
        district: code(district),
        street: code(street),
        grid: code(grid),
    }
}

fn make_site(name: &str, area: Area, region: RegionPath) -> Site {
    Site::new(SiteWire {
        id: anxun_domain::ids::SiteId::generate(),
        name: text(name),
        address: text(&format!("{name}路1号")),
        site_type: SiteType::Restaurant,
        areas: vec![area],
        credit_code: None,
        responsible: None,
        region,
        gps: None,
        fire_class: FireClass::default(),
        parties: Vec::new(),
    })
    .unwrap()
}

/// A user with `role` and `scope`, signed in.
pub(crate) async fn signed_in(
    app: &TestApp,
    name: &str,
    role: Role,
    scope: &Scope,
) -> (UserId, String) {
    let id = anxun_server::accounts::create_user(
        &app.db,
        &anxun_server::accounts::Username::parse(name).unwrap(),
        &format!("{name}-显示名"),
        role,
        scope,
        "ledger-password-1",
        false,
    )
    .await
    .unwrap();
    let (token, _) =
        anxun_server::auth::start_session(&app.db, id, chrono::TimeDelta::days(1), Utc::now())
            .await
            .unwrap();
    (id, token.as_str().to_owned())
}

fn street_scope(street: &str) -> Scope {
    Scope::Street {
        district: code("310104"),
        street: code(street),
    }
}

/// Pushes from a fresh device; every entry must be accepted.
pub(crate) async fn push_all(app: &TestApp, token: &str, mutations: Vec<Mutation>) {
    let response = app
        .client
        .post(format!("{}{SYNC_PUSH_PATH}", app.address))
        .bearer_auth(token)
        .json(&PushRequest {
            proto_v: PROTOCOL_VERSION,
            device: DeviceId::generate(),
            entries: entries(1, mutations),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    for result in body["results"].as_array().unwrap() {
        assert_eq!(result["status"], "accepted", "{body}");
    }
}

/// A report by `user` at `when`, changed by `edit`.
fn report_at(
    site: &Site,
    user: UserId,
    scope: &Scope,
    when: DateTime<Utc>,
    edit: impl FnOnce(&mut anxun_domain::hazard::NewHazard),
) -> HazardEvent {
    let mut event = report(site, user);
    event.at = when;
    event.actor = Actor {
        user,
        role: Role::Inspector,
        scope: scope.clone(),
    };
    if let HazardAction::Report(new) = &mut event.action {
        new.area = site.areas()[0];
        new.address = Some(site.address().clone());
        edit(new);
    }
    event
}

fn follow(
    of: &HazardEvent,
    when: DateTime<Utc>,
    reason: Option<&str>,
    action: HazardAction,
) -> HazardEvent {
    HazardEvent {
        id: EventId::generate(),
        hazard: of.hazard,
        at: when,
        actor: of.actor.clone(),
        reason: reason.map(text),
        action,
    }
}

/// The fixture: district 310104 with streets 310104003 and 310104004, district 310105; sites
/// and hazards pushed by inspectors; supervisors of the district and of each street.
pub(crate) struct Ledger {
    pub app: TestApp,
    pub inspector: (UserId, String),
    pub other_inspector: UserId,
    pub district_supervisor: (UserId, String),
    pub street_supervisor: (UserId, String),
    pub other_street_supervisor: (UserId, String),
    pub admin: (UserId, String),
    /// In 310104003: restaurant (gas).
    pub s1: Site,
    /// In 310104004: warehouse (factory).
    pub s2: Site,
    /// In 310105.
    pub s3: Site,
    pub inspection: InspectionId,
    /// s1, general, grid patrol, Shanghai 2026-03-01 23:59:59, from the inspection, with an item.
    pub h1: HazardId,
    /// s1, major, 12345 hotline, Shanghai 2026-03-02 00:00:00, "Pipe" in the description.
    pub h2: HazardId,
    /// s2, general, public report, 2026-03-05, assigned with a deadline long past: overdue.
    pub h3: HazardId,
    /// s2, general, fixed on the spot and closed, 2026-03-10.
    pub h4: HazardId,
    /// s1, by the other inspector, 2026-04-01.
    pub h5: HazardId,
    /// s3 (district 310105), 2026-03-03.
    pub h6: HazardId,
    pub item_title: String,
}

pub(crate) async fn ledger(backend: &Backend) -> Ledger {
    let setup = setup(backend).await;
    let app = setup.app;
    for (code_, level, parent) in [
        ("310104004", Level::Street, Some("310104")),
        ("310104004-G1", Level::Grid, Some("310104004")),
    ] {
        app.db
            .insert_region(&NewRegion {
                code: code_,
                name: code_,
                level,
                parent,
                is_demo: false,
            })
            .await
            .unwrap();
    }
    let token = setup.token;
    let user = setup.user;
    let district = Scope::District {
        district: code("310104"),
    };
    let after = app
        .put_photo(
            Some(&token),
            Sha256Hex::digest(AFTER).as_str(),
            "image/jpeg",
            AFTER.to_vec(),
        )
        .await;
    assert_eq!(after.status(), 201);

    let s1 = make_site(
        "老王面馆",
        Area::Gas,
        path("310104", "310104003", "310104003-G1"),
    );
    let s2 = make_site(
        "和平仓库",
        Area::FactoryWarehouse,
        path("310104", "310104004", "310104004-G1"),
    );
    let s3 = make_site(
        "江南饭店",
        Area::Gas,
        path("310105", "310105003", "310105003-G1"),
    );

    let template = anxun_domain::templates::builtin_for(Area::Gas);
    let item = template.items().nth(1).unwrap().clone();
    let mut inspection = crate::sync_push::inspection(&s1, user);
    inspection.status = InspectionStatus::Completed;

    let e1 = report_at(&s1, user, &district, at("2026-03-01T15:59:59Z"), |n| {
        n.inspection = Some(inspection.id);
        n.item = Some(ItemRef {
            template: template.reference(),
            item: item.id.clone(),
        });
        n.description = text("液化石油气钢瓶设在地下室");
    });
    let e2 = report_at(&s1, user, &district, at("2026-03-01T16:00:00Z"), |n| {
        n.severity = Severity::Major;
        n.source = HazardSource::Hotline12345;
        n.description = text("燃气软管老化 Pipe 50%");
    });
    let e3 = report_at(&s2, user, &district, at("2026-03-05T02:00:00Z"), |n| {
        n.source = HazardSource::PublicReport;
        n.description = text("疏散通道堵塞");
    });
    let e3_assign = follow(
        &e3,
        at("2026-03-06T02:00:00Z"),
        None,
        HazardAction::Assign {
            responsible: ResponsibleParty {
                name: text("和平仓库"),
                contact: None,
            },
            requirement: Some(text("清理通道")),
            deadline: at("2026-03-20T02:00:00Z"),
            notice: None,
            department: None,
        },
    );
    let e4 = report_at(&s2, user, &district, at("2026-03-10T02:00:00Z"), |n| {
        n.description = text("灭火器过期");
    });
    let e4_fix = follow(
        &e4,
        at("2026-03-10T03:00:00Z"),
        None,
        HazardAction::RectifyOnSpot {
            measures: text("更换灭火器"),
            after_photos: vec![Sha256Hex::digest(AFTER)],
        },
    );
    let e4_close = follow(
        &e4,
        at("2026-03-10T04:00:00Z"),
        None,
        HazardAction::Close { approval: None },
    );
    push_all(
        &app,
        &token,
        vec![
            upsert(&s1),
            upsert(&s2),
            save(&inspection),
            hazard_event(&e1),
            hazard_event(&e2),
            hazard_event(&e3),
            hazard_event(&e3_assign),
            hazard_event(&e4),
            hazard_event(&e4_fix),
            hazard_event(&e4_close),
        ],
    )
    .await;

    let (other_inspector, other_token) =
        signed_in(&app, "zhao-inspector", Role::Inspector, &district).await;
    let e5 = report_at(
        &s1,
        other_inspector,
        &district,
        at("2026-04-01T02:00:00Z"),
        |n| {
            n.description = text("燃气报警器缺失");
        },
    );
    push_all(&app, &other_token, vec![hazard_event(&e5)]).await;

    let elsewhere = Scope::District {
        district: code("310105"),
    };
    let (far_inspector, far_token) =
        signed_in(&app, "qian-inspector", Role::Inspector, &elsewhere).await;
    let e6 = report_at(
        &s3,
        far_inspector,
        &elsewhere,
        at("2026-03-03T02:00:00Z"),
        |n| {
            n.description = text("钢瓶无检验标识");
        },
    );
    push_all(&app, &far_token, vec![upsert(&s3), hazard_event(&e6)]).await;

    let district_supervisor = signed_in(&app, "district-sup", Role::Supervisor, &district).await;
    let street_supervisor = signed_in(
        &app,
        "street-sup",
        Role::Supervisor,
        &street_scope("310104003"),
    )
    .await;
    let other_street_supervisor = signed_in(
        &app,
        "other-street-sup",
        Role::Supervisor,
        &street_scope("310104004"),
    )
    .await;
    let admin = signed_in(&app, "city-admin", Role::Admin, &Scope::City).await;
    Ledger {
        app,
        inspector: (user, token),
        other_inspector,
        district_supervisor,
        street_supervisor,
        other_street_supervisor,
        admin,
        s1,
        s2,
        s3,
        inspection: inspection.id,
        h1: e1.hazard,
        h2: e2.hazard,
        h3: e3.hazard,
        h4: e4.hazard,
        h5: e5.hazard,
        h6: e6.hazard,
        item_title: item.text.zh.clone(),
    }
}

impl Ledger {
    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.app.get_signed_in(path, token).await
    }

    /// The ids of the ledger for `query`, in the answer's order, and the total.
    async fn ids(&self, token: &str, query: &str) -> (Vec<HazardId>, u64) {
        let response = self.get(token, &format!("{HAZARDS_PATH}?{query}")).await;
        assert_eq!(response.status(), 200, "{query}");
        let page: LedgerPage = response.json().await.unwrap();
        (page.rows.iter().map(|r| r.id).collect(), page.total)
    }

    async fn set(&self, token: &str, query: &str) -> BTreeSet<HazardId> {
        let (ids, total) = self.ids(token, &format!("{query}&per_page=200")).await;
        assert_eq!(ids.len() as u64, total, "{query}");
        ids.into_iter().collect()
    }

    pub async fn post_action(
        &self,
        token: &str,
        hazard: HazardId,
        id: EventId,
        reason: Option<&str>,
        action: HazardAction,
    ) -> reqwest::Response {
        self.app
            .client
            .post(format!(
                "{}{}",
                self.app.address,
                hazard_events_path(hazard)
            ))
            .bearer_auth(token)
            .json(&ActionRequest {
                id,
                action,
                reason: reason.map(text),
            })
            .send()
            .await
            .unwrap()
    }
}

fn set(ids: &[HazardId]) -> BTreeSet<HazardId> {
    ids.iter().copied().collect()
}

async fn every_filter_sort_and_page_is_applied_in_the_database(backend: Backend) {
    let l = ledger(&backend).await;
    let token = &l.district_supervisor.1;
    let all = set(&[l.h1, l.h2, l.h3, l.h4, l.h5]);
    assert_eq!(l.set(token, "").await, all);
    // Newest first by default.
    let (order, total) = l.ids(token, "").await;
    assert_eq!(total, 5);
    assert_eq!(order, vec![l.h5, l.h4, l.h3, l.h2, l.h1]);

    let by_site = format!("site={}", l.s2.id());
    let by_inspector = format!("inspector={}", l.other_inspector);
    let cases: Vec<(&str, Vec<HazardId>)> = vec![
        ("area=gas", vec![l.h1, l.h2, l.h5]),
        ("area=factory_warehouse", vec![l.h3, l.h4]),
        ("severity=major", vec![l.h2]),
        ("severity=general", vec![l.h1, l.h3, l.h4, l.h5]),
        ("status=closed", vec![l.h4]),
        ("status=assigned", vec![l.h3]),
        ("status=reported", vec![l.h1, l.h2, l.h5]),
        ("status=open", vec![l.h1, l.h2, l.h3, l.h5]),
        ("status=overdue", vec![l.h3]),
        ("source=hotline_12345", vec![l.h2]),
        ("source=public_report", vec![l.h3]),
        ("source=grid_patrol", vec![l.h1, l.h4, l.h5]),
        ("district=310104", vec![l.h1, l.h2, l.h3, l.h4, l.h5]),
        // Outside the caller's scope: nothing, not an error.
        ("district=310105", vec![]),
        ("street=310104004", vec![l.h3, l.h4]),
        ("grid=310104003-G1", vec![l.h1, l.h2, l.h5]),
        ("street=310104003&grid=310104004-G1", vec![]),
        (&by_site, vec![l.h3, l.h4]),
        (&by_inspector, vec![l.h5]),
        // Shanghai days: h1 is 2026-03-01 23:59:59, h2 2026-03-02 00:00:00 local time.
        ("to=2026-03-01", vec![l.h1]),
        ("from=2026-03-02", vec![l.h2, l.h3, l.h4, l.h5]),
        ("from=2026-03-02&to=2026-03-02", vec![l.h2]),
        ("from=2026-03-05&to=2026-03-10", vec![l.h3, l.h4]),
        // Free text: description, site name, address, item title; case and wildcards.
        ("q=钢瓶", vec![l.h1]),
        ("q=pipe", vec![l.h2]),
        ("q=PIPE", vec![l.h2]),
        ("q=50%25", vec![l.h2]),
        ("q=%25", vec![l.h2]),
        ("q=_", vec![]),
        ("q=和平", vec![l.h3, l.h4]),
        ("q=老王面馆路", vec![l.h1, l.h2, l.h5]),
        ("area=gas&severity=general&status=open", vec![l.h1, l.h5]),
    ];
    for (query, expected) in cases {
        assert_eq!(l.set(token, query).await, set(&expected), "{query}");
    }
    let fragment: String = l.item_title.chars().take(4).collect();
    let query = format!(
        "q={}",
        anxun_domain::api::ledger::LedgerQuery {
            q: Some(fragment.clone()),
            ..Default::default()
        }
        .to_query_string()
        .trim_start_matches("q=")
    );
    assert!(
        l.set(token, &query).await.contains(&l.h1),
        "item title {fragment}"
    );

    // Sorts, both ways; ties broken by id in the same direction.
    assert_eq!(
        l.ids(token, "sort=reported_at&dir=asc").await.0,
        vec![l.h1, l.h2, l.h3, l.h4, l.h5]
    );
    let by_deadline = l.ids(token, "sort=deadline&dir=asc").await.0;
    assert_eq!(by_deadline[0], l.h3, "the only deadline first");
    assert_eq!(l.ids(token, "sort=deadline&dir=desc").await.0[0], l.h3);
    assert_eq!(l.ids(token, "sort=severity&dir=desc").await.0[0], l.h2);
    assert_eq!(l.ids(token, "sort=severity&dir=asc").await.0[4], l.h2);
    let by_status = l.ids(token, "sort=status&dir=desc").await.0;
    assert_eq!(by_status[0], l.h4, "closed is last in the lifecycle");
    assert_eq!(by_status[1], l.h3, "then assigned");
    let by_site = l.ids(token, "sort=site&dir=asc").await.0;
    // 和 (he) sorts before 老 (lao) by code point: U+548C < U+8001.
    assert_eq!(set(&by_site[..2]), set(&[l.h3, l.h4]));

    // Pages cover everything exactly once.
    let mut seen = Vec::new();
    for page in 1..=3 {
        let response = l
            .get(token, &format!("{HAZARDS_PATH}?per_page=2&page={page}"))
            .await;
        let body: LedgerPage = response.json().await.unwrap();
        assert_eq!((body.total, body.page, body.per_page), (5, page, 2));
        assert_eq!(body.rows.len(), if page == 3 { 1 } else { 2 });
        seen.extend(body.rows.iter().map(|r| r.id));
    }
    assert_eq!(seen, vec![l.h5, l.h4, l.h3, l.h2, l.h1]);
    assert_eq!(l.ids(token, "page=9").await, (vec![], 5));

    // The rows carry the ledger's fields.
    let response = l
        .get(token, &format!("{HAZARDS_PATH}?sort=reported_at&dir=asc"))
        .await;
    let page: LedgerPage = response.json().await.unwrap();
    let r1 = &page.rows[0];
    assert_eq!(r1.site_name, "老王面馆");
    assert_eq!(r1.item.as_ref().unwrap().title, l.item_title);
    assert_eq!(r1.reporter.id, l.inspector.0);
    assert_eq!(r1.reporter.name, "李网格员");
    assert_eq!(r1.reported_at, at("2026-03-01T15:59:59Z"));
    let r3 = page.rows.iter().find(|r| r.id == l.h3).unwrap();
    assert!(r3.overdue);
    assert_eq!(r3.deadline, Some(at("2026-03-20T02:00:00Z")));
    let r4 = page.rows.iter().find(|r| r.id == l.h4).unwrap();
    assert_eq!(r4.state, HazardState::Closed);
    assert_eq!(r4.closed_at, Some(at("2026-03-10T04:00:00Z")));

    // Bad values are 400 bad_query naming the parameter.
    for (query, parameter) in [
        ("area=water", "area"),
        ("severity=huge", "severity"),
        ("status=lost", "status"),
        ("source=rumour", "source"),
        ("site=nope", "site"),
        ("from=2026-02-30", "from"),
        ("to=yesterday", "to"),
        ("sort=colour", "sort"),
        ("dir=up", "dir"),
        ("page=0", "page"),
        ("per_page=201", "per_page"),
    ] {
        let response = l.get(token, &format!("{HAZARDS_PATH}?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "bad_query", "{query}");
        assert!(
            body["message"].as_str().unwrap().contains(parameter),
            "{query}: {body}"
        );
    }
    // Inspectors use the field app.
    let response = l.get(&l.inspector.1, HAZARDS_PATH).await;
    assert_eq!(response.status(), 403);
}

on_both_backends!(
    filters_sorts_and_pages,
    every_filter_sort_and_page_is_applied_in_the_database
);

async fn detail_and_supervisor_actions(backend: Backend) {
    let l = ledger(&backend).await;
    let (sup, token) = (&l.district_supervisor.0, &l.district_supervisor.1);
    let response = l.get(token, &hazard_path(l.h2)).await;
    assert_eq!(response.status(), 200);
    let detail: HazardDetail = response.json().await.unwrap();
    assert_eq!(detail.hazard.id(), l.h2);
    assert_eq!(detail.site.id(), l.s1.id());
    assert_eq!(detail.events.len(), 1);
    assert_eq!(detail.events[0].actor.id, l.inspector.0);
    assert_eq!(
        set(&detail.site_hazards.iter().map(|r| r.id).collect::<Vec<_>>()),
        set(&[l.h1, l.h5])
    );
    use HazardActionKind as K;
    assert_eq!(
        detail.allowed,
        vec![
            K::Assign,
            K::RectifyOnSpot,
            K::NotifyPrincipal,
            K::ListSupervision,
            K::ChangeSeverity,
            K::Dismiss
        ]
    );

    // Notify the principal, assign, list for supervision.
    let notified = l
        .post_action(
            token,
            l.h2,
            EventId::generate(),
            None,
            HazardAction::NotifyPrincipal {
                person: text("王老板"),
                role: PrincipalRole::Principal,
                at: Utc::now() - Duration::hours(1),
                method: NotificationMethod::Phone,
            },
        )
        .await;
    assert_eq!(notified.status(), 200);
    let detail: HazardDetail = notified.json().await.unwrap();
    assert_eq!(detail.hazard.notifications().len(), 1);
    let assign_id = EventId::generate();
    let assign = HazardAction::Assign {
        responsible: ResponsibleParty {
            name: text("老王面馆"),
            contact: None,
        },
        requirement: Some(text("更换软管")),
        deadline: Utc::now() + Duration::days(7),
        notice: None,
        department: None,
    };
    let assigned = l
        .post_action(token, l.h2, assign_id, None, assign.clone())
        .await;
    assert_eq!(assigned.status(), 200);
    let detail: HazardDetail = assigned.json().await.unwrap();
    assert_eq!(detail.hazard.state(), HazardState::Assigned);
    assert_eq!(detail.events.last().unwrap().actor.id, *sup);
    // A retry of the same id: the same answer, applied once.
    let again = l
        .post_action(token, l.h2, assign_id, None, assign.clone())
        .await;
    assert_eq!(again.status(), 200);
    let again: HazardDetail = again.json().await.unwrap();
    assert_eq!(again.events.len(), detail.events.len());
    // The same id for another hazard is refused.
    let reused = l.post_action(token, l.h1, assign_id, None, assign).await;
    assert_eq!(reused.status(), 422);
    let listed = l
        .post_action(
            token,
            l.h2,
            EventId::generate(),
            None,
            HazardAction::ListSupervision {
                authority: text("区安委办"),
                document: text("督办〔2026〕3号"),
                deadline: Utc::now() + Duration::days(60),
            },
        )
        .await;
    assert_eq!(listed.status(), 200);
    // Invalid transitions: 409 with the domain's reason.
    for (reason, action, expected) in [
        (
            None,
            HazardAction::DecideExtension { approved: true },
            "no_pending_extension",
        ),
        (Some("照片不清"), HazardAction::SendBack, "invalid_state"),
        (None, HazardAction::Dismiss, "reason_required"),
    ] {
        let response = l
            .post_action(token, l.h2, EventId::generate(), reason, action)
            .await;
        assert_eq!(response.status(), 409);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "transition", "{body}");
        assert_eq!(body["reason"], expected, "{body}");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
    let ordered = l
        .post_action(
            token,
            l.h2,
            EventId::generate(),
            None,
            HazardAction::OrderReinspection {
                due: Some(Utc::now() + Duration::days(3)),
            },
        )
        .await;
    assert_eq!(ordered.status(), 200);
    let detail: HazardDetail = ordered.json().await.unwrap();
    assert!(detail.hazard.is_listed());
    assert!(detail.hazard.reinspection_order().is_some());
    assert!(detail.allowed.contains(&K::Reinspect));
    assert!(!detail.allowed.contains(&K::ListSupervision));

    // Review (re-inspect on the evidence) and close a general hazard; the ledger follows.
    for (reason, action) in [
        (
            None,
            HazardAction::Assign {
                responsible: ResponsibleParty {
                    name: text("老王面馆"),
                    contact: None,
                },
                requirement: None,
                deadline: Utc::now() + Duration::days(3),
                notice: None,
                department: None,
            },
        ),
        (
            None,
            HazardAction::Reinspect {
                passed: true,
                photos: vec![Sha256Hex::digest(AFTER)],
                inspection: None,
            },
        ),
        (None, HazardAction::Close { approval: None }),
    ] {
        let response = l
            .post_action(token, l.h1, EventId::generate(), reason, action)
            .await;
        assert_eq!(response.status(), 200);
    }
    assert!(l.set(token, "status=closed").await.contains(&l.h1));
    // Send back: a submitted rectification returns to rectifying.
    let inspector_token = &l.inspector.1;
    let h5_actor = Actor {
        user: l.inspector.0,
        role: Role::Inspector,
        scope: Scope::District {
            district: code("310104"),
        },
    };
    let steps = [
        HazardAction::Assign {
            responsible: ResponsibleParty {
                name: text("老王面馆"),
                contact: None,
            },
            requirement: None,
            deadline: Utc::now() + Duration::days(5),
            notice: None,
            department: None,
        },
        HazardAction::StartRectification {
            interim_measures: vec![],
        },
        HazardAction::SubmitRectification {
            measures: text("已安装报警器"),
            after_photos: vec![Sha256Hex::digest(AFTER)],
        },
    ];
    let events: Vec<Mutation> = steps
        .into_iter()
        .map(|action| {
            hazard_event(&HazardEvent {
                id: EventId::generate(),
                hazard: l.h5,
                at: Utc::now(),
                actor: h5_actor.clone(),
                reason: None,
                action,
            })
        })
        .collect();
    push_all(&l.app, inspector_token, events).await;
    let sent_back = l
        .post_action(
            token,
            l.h5,
            EventId::generate(),
            Some("照片角度与整改前不一致"),
            HazardAction::SendBack,
        )
        .await;
    assert_eq!(sent_back.status(), 200);
    let detail: HazardDetail = sent_back.json().await.unwrap();
    assert_eq!(detail.hazard.state(), HazardState::Rectifying);
    assert_eq!(detail.hazard.send_backs().len(), 1);

    // The inspector's device receives the console's events through pull.
    let response = l
        .app
        .get_signed_in(&format!("{SYNC_PULL_PATH}?cursor=0"), inspector_token)
        .await;
    let page: PullResponse = response.json().await.unwrap();
    let pulled: Vec<&HazardEvent> = page
        .hazard_events
        .iter()
        .filter(|e| e.actor.user == *sup)
        .collect();
    assert!(pulled.iter().any(|e| e.id == assign_id));
    assert!(
        pulled
            .iter()
            .any(|e| matches!(e.action, HazardAction::SendBack) && e.hazard == l.h5)
    );
    // Audited under the supervisor's console device: accepted and refused alike, in order.
    let audit = l
        .app
        .db
        .audit_rows(anxun_server::sync::console_device(*sup))
        .await
        .unwrap();
    assert_eq!(audit.iter().filter(|a| a.status == "accepted").count(), 8);
    assert_eq!(audit.iter().filter(|a| a.status == "rejected").count(), 3);
    assert!(audit.iter().all(|a| a.user == *sup));
    assert_eq!(
        audit.iter().map(|a| a.seq).collect::<Vec<_>>(),
        (1..=11).collect::<Vec<_>>()
    );

    // Bad requests.
    let missing = l
        .post_action(
            token,
            l.h3,
            EventId::generate(),
            None,
            HazardAction::Reinspect {
                passed: true,
                photos: vec![Sha256Hex::digest(b"never uploaded")],
                inspection: None,
            },
        )
        .await;
    assert_eq!(missing.status(), 422);
    let report = report_at(&l.s1, *sup, &Scope::City, Utc::now(), |_| {});
    let refused = l
        .post_action(token, l.h3, EventId::generate(), None, report.action)
        .await;
    assert_eq!(refused.status(), 422);
    let unknown = l
        .post_action(
            token,
            HazardId::generate(),
            EventId::generate(),
            None,
            HazardAction::Dismiss,
        )
        .await;
    assert_eq!(unknown.status(), 404);
    let by_inspector = l
        .post_action(
            inspector_token,
            l.h3,
            EventId::generate(),
            Some("重复"),
            HazardAction::Dismiss,
        )
        .await;
    assert_eq!(by_inspector.status(), 403);
    assert_eq!(l.get(token, "/api/hazards/not-a-uuid").await.status(), 400);
    let not_json = l
        .app
        .client
        .post(format!("{}{}", l.app.address, hazard_events_path(l.h3)))
        .bearer_auth(token)
        .json(&json!({"id": EventId::generate(), "action": {"type": "fly"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 422);
}

on_both_backends!(detail_and_actions, detail_and_supervisor_actions);

async fn sites_and_inspection_records(backend: Backend) {
    let l = ledger(&backend).await;
    let token = &l.district_supervisor.1;
    let response = l.get(token, SITES_PATH).await;
    assert_eq!(response.status(), 200);
    let page: SitePage = response.json().await.unwrap();
    assert_eq!(page.total, 2);
    // By name: 和平仓库 before 老王面馆.
    assert_eq!(page.rows[0].site.id(), l.s2.id());
    assert_eq!(page.rows[0].open_hazards, 1);
    assert_eq!(page.rows[1].open_hazards, 3);
    assert_eq!(page.rows[1].major_open, 1);
    assert!(page.rows[1].last_inspection.is_some());
    assert!(page.rows[0].last_inspection.is_none());
    for (query, expected) in [
        ("q=面馆", vec![l.s1.id()]),
        ("q=和平仓库路", vec![l.s2.id()]),
        ("area=factory_warehouse", vec![l.s2.id()]),
        ("street=310104003", vec![l.s1.id()]),
        ("district=310105", vec![]),
    ] {
        let page: SitePage = l
            .get(token, &format!("{SITES_PATH}?{query}"))
            .await
            .json()
            .await
            .unwrap();
        let ids: Vec<_> = page.rows.iter().map(|r| r.site.id()).collect();
        assert_eq!(ids, expected, "{query}");
    }
    let bad = l.get(token, &format!("{SITES_PATH}?area=x")).await;
    assert_eq!(bad.status(), 400);

    let response = l.get(token, &site_path(l.s1.id())).await;
    assert_eq!(response.status(), 200);
    let detail: SiteDetail = response.json().await.unwrap();
    assert_eq!(detail.inspections.len(), 1);
    assert_eq!(detail.inspections[0].id, l.inspection);
    assert_eq!(detail.inspections[0].area, Area::Gas);
    assert_eq!(
        set(&detail.hazards.iter().map(|r| r.id).collect::<Vec<_>>()),
        set(&[l.h1, l.h2, l.h5])
    );
    assert_eq!(l.get(token, &site_path(l.s3.id())).await.status(), 404);

    let response = l.get(token, &inspection_path(l.inspection)).await;
    assert_eq!(response.status(), 200);
    let record: InspectionDetail = response.json().await.unwrap();
    assert_eq!(record.inspection.id, l.inspection);
    assert_eq!(record.site.id(), l.s1.id());
    assert_eq!(record.inspector.id, l.inspector.0);
    assert_eq!(
        record.hazards.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![l.h1]
    );
    assert_eq!(
        l.get(token, &inspection_path(InspectionId::generate()))
            .await
            .status(),
        404
    );
    assert_eq!(
        l.get(&l.inspector.1, &site_path(l.s1.id())).await.status(),
        403
    );
}

on_both_backends!(sites_and_inspections, sites_and_inspection_records);

/// The CSV export's records (BOM checked and removed).
pub(crate) async fn csv_records(l: &Ledger, token: &str, query: &str) -> Vec<Vec<String>> {
    let response = l
        .get(token, &format!("{EXPORT_HAZARDS_CSV_PATH}?{query}"))
        .await;
    assert_eq!(response.status(), 200, "{query}");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename="),
        "{disposition}"
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The XLSX export's first sheet, read back with calamine.
pub(crate) async fn xlsx_rows(l: &Ledger, token: &str, query: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let response = l
        .get(token, &format!("{EXPORT_HAZARDS_XLSX_PATH}?{query}"))
        .await;
    assert_eq!(response.status(), 200, "{query}");
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["隐患台账".to_owned()]);
    let range = workbook.worksheet_range("隐患台账").unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

async fn exports_hold_the_filtered_ledger(backend: Backend) {
    let l = ledger(&backend).await;
    let token = &l.district_supervisor.1;
    let headers: Vec<String> = anxun_server::ledger::EXPORT_HEADERS
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
    let records = csv_records(&l, token, "").await;
    assert_eq!(records[0], headers);
    let ids: Vec<String> = records[1..].iter().map(|r| r[0].clone()).collect();
    // Report order, oldest first.
    assert_eq!(
        ids,
        [l.h1, l.h2, l.h3, l.h4, l.h5]
            .map(|h| h.to_string())
            .to_vec()
    );
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let first = &records[1];
    assert_eq!(first[column("单位名称")], "老王面馆");
    assert_eq!(first[column("上报时间")], "2026-03-01 23:59");
    assert_eq!(first[column("等级")], "一般");
    assert_eq!(first[column("检查项")], l.item_title);
    assert_eq!(first[column("关联检查记录")], l.inspection.to_string());
    let photo = format!("/api/photos/{}", Sha256Hex::digest(BEFORE));
    assert!(first[column("整改前照片")].starts_with("http://127.0.0.1:"));
    assert!(first[column("整改前照片")].ends_with(&photo));
    let closed = &records[4];
    assert_eq!(closed[column("状态")], "已销号");
    assert_eq!(closed[column("复查结论")], "合格");
    assert!(
        closed[column("整改后照片")]
            .ends_with(&format!("/api/photos/{}", Sha256Hex::digest(AFTER)))
    );
    let overdue = &records[3];
    assert_eq!(overdue[column("是否逾期")], "是");
    assert_eq!(overdue[column("整改期限")], "2026-03-20 10:00");
    // Filters are honoured; paging is ignored.
    let major = csv_records(&l, token, "severity=major&per_page=1&page=3").await;
    assert_eq!(major.len(), 2);
    assert_eq!(major[1][0], l.h2.to_string());
    // The keyset walks every row once, in order, chunk after chunk.
    let scope = Scope::District {
        district: code("310104"),
    };
    let everything = anxun_domain::api::ledger::LedgerQuery::default()
        .parse()
        .unwrap();
    let mut after = None;
    let mut walked = Vec::new();
    loop {
        let chunk = l
            .app
            .db
            .export_chunk(&scope, &everything, after, 2, Utc::now())
            .await
            .unwrap();
        walked.extend(chunk.iter().map(|(row, hazard)| {
            assert_eq!(row.id, hazard.id());
            row.id
        }));
        if chunk.len() < 2 {
            break;
        }
        after = chunk.last().map(|(row, _)| (row.reported_at, row.id));
    }
    assert_eq!(walked, vec![l.h1, l.h2, l.h3, l.h4, l.h5]);
    let bad = l
        .get(token, &format!("{EXPORT_HAZARDS_CSV_PATH}?status=nope"))
        .await;
    assert_eq!(bad.status(), 400);

    let rows = xlsx_rows(&l, token, "").await;
    assert_eq!(rows.len(), 6);
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, headers);
    let reported = &rows[1][column("上报时间")];
    let calamine::Data::DateTime(date) = reported else {
        panic!("上报时间 is not a date: {reported:?}");
    };
    assert_eq!(
        date.as_datetime().unwrap().to_string(),
        "2026-03-01 23:59:59"
    );
    assert_eq!(rows[4][column("状态")].to_string(), "已销号");
    assert!(rows[1][column("整改前照片")].to_string().ends_with(&photo));
    let closed_only = xlsx_rows(&l, token, "status=closed").await;
    assert_eq!(closed_only.len(), 2);
    assert_eq!(closed_only[1][0].to_string(), l.h4.to_string());
    let empty = xlsx_rows(&l, token, "district=310105").await;
    assert_eq!(empty.len(), 1, "headers only");
    assert_eq!(
        l.get(&l.inspector.1, EXPORT_HAZARDS_XLSX_PATH)
            .await
            .status(),
        403
    );
}

on_both_backends!(exports, exports_hold_the_filtered_ledger);

async fn a_street_supervisor_sees_nothing_of_another_street(backend: Backend) {
    let l = ledger(&backend).await;
    let token = &l.street_supervisor.1;
    let mine = set(&[l.h1, l.h2, l.h5]);
    let theirs = [l.h3, l.h4, l.h6];
    assert_eq!(l.set(token, "").await, mine);
    for query in [
        "street=310104004",
        "district=310105",
        "status=overdue",
        "q=和平",
        "area=factory_warehouse",
    ] {
        assert_eq!(l.set(token, query).await, BTreeSet::new(), "{query}");
    }
    let other_site = format!("site={}", l.s2.id());
    assert!(l.set(token, &other_site).await.is_empty());
    for hazard in theirs {
        assert_eq!(l.get(token, &hazard_path(hazard)).await.status(), 404);
        let post = l
            .post_action(
                token,
                hazard,
                EventId::generate(),
                Some("x"),
                HazardAction::Dismiss,
            )
            .await;
        assert_eq!(post.status(), 404);
    }
    let detail: HazardDetail = l.get(token, &hazard_path(l.h1)).await.json().await.unwrap();
    assert!(detail.site_hazards.iter().all(|r| !theirs.contains(&r.id)));
    let sites: SitePage = l.get(token, SITES_PATH).await.json().await.unwrap();
    assert_eq!(
        sites.rows.iter().map(|r| r.site.id()).collect::<Vec<_>>(),
        vec![l.s1.id()]
    );
    assert_eq!(l.get(token, &site_path(l.s2.id())).await.status(), 404);
    assert_eq!(l.get(token, &site_path(l.s3.id())).await.status(), 404);
    // Exports: only this street's hazards, whatever the filter.
    for query in ["", "street=310104004", "district=310105"] {
        let records = csv_records(&l, token, query).await;
        let ids: BTreeSet<String> = records[1..].iter().map(|r| r[0].clone()).collect();
        let expected: BTreeSet<String> = if query.is_empty() {
            mine.iter().map(|h| h.to_string()).collect()
        } else {
            BTreeSet::new()
        };
        assert_eq!(ids, expected, "csv {query}");
        let rows = xlsx_rows(&l, token, query).await;
        let ids: BTreeSet<String> = rows[1..].iter().map(|r| r[0].to_string()).collect();
        assert_eq!(ids, expected, "xlsx {query}");
    }
    // And the other street's supervisor sees only theirs (and not this inspection's record).
    let other = &l.other_street_supervisor.1;
    assert_eq!(l.set(other, "").await, set(&[l.h3, l.h4]));
    assert_eq!(
        l.get(other, &inspection_path(l.inspection)).await.status(),
        404
    );
    // The administrator of the city sees both districts.
    assert_eq!(
        l.set(&l.admin.1, "").await,
        set(&[l.h1, l.h2, l.h3, l.h4, l.h5, l.h6])
    );
}

on_both_backends!(
    street_scope,
    a_street_supervisor_sees_nothing_of_another_street
);

async fn rows_stored_before_the_ledger_columns_are_backfilled(backend: Backend) {
    let l = ledger(&backend).await;
    let token = &l.district_supervisor.1;
    let before = l.ids(token, "sort=reported_at&dir=asc").await;
    // As a row written before migration 0005 looks: no ledger columns.
    let clear = "UPDATE hazards SET ledger_v = 0, source = NULL, reporter_id = NULL, \
                 site_name = NULL, description = NULL, search = '', item_title = NULL";
    match &l.app.db {
        anxun_server::store::Db::Sqlite(pool) => {
            sqlx::query(clear).execute(pool).await.unwrap();
            sqlx::query("UPDATE sites SET search = '', ledger_v = 0")
                .execute(pool)
                .await
                .unwrap();
        }
        anxun_server::store::Db::Postgres(pool) => {
            sqlx::query(clear).execute(pool).await.unwrap();
            sqlx::query("UPDATE sites SET search = '', ledger_v = 0")
                .execute(pool)
                .await
                .unwrap();
        }
    }
    assert_eq!(l.set(token, "q=钢瓶").await, BTreeSet::new());
    let rebuilt = l.app.db.backfill_ledger(Utc::now()).await.unwrap();
    assert_eq!(rebuilt, 6);
    assert_eq!(l.ids(token, "sort=reported_at&dir=asc").await, before);
    assert_eq!(l.set(token, "q=钢瓶").await, set(&[l.h1]));
    assert_eq!(
        l.set(token, &format!("inspector={}", l.other_inspector))
            .await,
        set(&[l.h5])
    );
    let sites: SitePage = l
        .get(token, &format!("{SITES_PATH}?q=面馆"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sites.total, 1);
    assert_eq!(l.app.db.backfill_ledger(Utc::now()).await.unwrap(), 0);
}

on_both_backends!(
    backfill,
    rows_stored_before_the_ledger_columns_are_backfilled
);
