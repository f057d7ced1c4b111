//! The authorization matrix: every endpoint, for every role (and no session), in scope and out
//! of scope, on both backends. A user in scope is one whose region covers the data made by the
//! fixture (district 310104); one out of scope holds the same role in district 310105.

use crate::{
    helpers::{Backend, TestApp},
    on_both_backends,
    sync_push::{BEFORE, code, entries, inspection, report, setup, site, text},
};
use anxun_domain::{
    api::{
        ADMIN_SITES_IMPORT_PATH, ADMIN_TEMPLATES_PATH, ADMIN_USERS_PATH, HEALTH_PATH, LOGOUT_PATH,
        ME_PATH, OPENAPI_PATH, PullResponse, PushRequest, SYNC_PULL_PATH, SYNC_PUSH_PATH,
        TEMPLATES_PATH,
        ledger::{
            ActionRequest, EXPORT_HAZARDS_CSV_PATH, EXPORT_HAZARDS_XLSX_PATH, HAZARDS_PATH,
            HazardDetail, LedgerPage, SITES_PATH, SitePage, hazard_events_path, hazard_path,
            inspection_path, site_path,
        },
        photo_path,
        stats::{STATS_PATH, STATS_QUARTERLY_PATH, StatsResponse},
    },
    hazard::{HazardAction, NotificationMethod, PrincipalRole},
    ids::EventId,
    ids::{DeviceId, UserId},
    photo::Sha256Hex,
    region::Scope,
    role::Role,
    sync::{Mutation, PROTOCOL_VERSION},
};
use reqwest::Method;
use serde_json::{Value, json};

/// Who calls.
#[derive(Debug, Clone)]
struct Caller {
    name: &'static str,
    role: Option<Role>,
    in_scope: bool,
    user: Option<UserId>,
    token: Option<String>,
}

async fn caller(app: &TestApp, name: &'static str, role: Role, district: &str) -> Caller {
    let scope = Scope::District {
        district: code(district),
    };
    let id = anxun_server::accounts::create_user(
        &app.db,
        &anxun_server::accounts::Username::parse(name).unwrap(),
        name,
        role,
        &scope,
        "matrix-password-1",
        false,
    )
    .await
    .unwrap();
    let (token, _) = anxun_server::auth::start_session(
        &app.db,
        id,
        chrono::TimeDelta::days(1),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    Caller {
        name,
        role: Some(role),
        in_scope: district == "310104",
        user: Some(id),
        token: Some(token.as_str().to_owned()),
    }
}

async fn call(
    app: &TestApp,
    caller: &Caller,
    method: Method,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    if let Some(token) = &caller.token {
        request = request.bearer_auth(token);
    }
    if let Some((content_type, bytes)) = body {
        request = request.header("content-type", content_type).body(bytes);
    }
    request.send().await.unwrap()
}

fn json_body(value: &Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", serde_json::to_vec(value).unwrap()))
}

async fn the_authorization_matrix_holds_for_every_endpoint(backend: Backend) {
    // The fixture: an inspector of 310104 uploads a photo and pushes a site and a hazard
    // report that references it.
    let setup = setup(&backend).await;
    let app = &setup.app;
    let owned_site = site("310104");
    let hazard = report(&owned_site, setup.user);
    let record = inspection(&owned_site, setup.user);
    let body = serde_json::to_value(PushRequest {
        proto_v: PROTOCOL_VERSION,
        device: setup.device,
        entries: entries(
            1,
            vec![
                Mutation::UpsertSite {
                    site: Box::new(owned_site.clone()),
                },
                Mutation::HazardEvent {
                    event: Box::new(hazard.clone()),
                },
                Mutation::SaveInspection {
                    inspection: Box::new(record.clone()),
                },
            ],
        ),
    })
    .unwrap();
    let pushed = call(
        app,
        &Caller {
            name: "fixture",
            role: Some(Role::Inspector),
            in_scope: true,
            user: Some(setup.user),
            token: Some(setup.token.clone()),
        },
        Method::POST,
        SYNC_PUSH_PATH,
        json_body(&body),
    )
    .await;
    assert_eq!(pushed.status(), 200);
    let pushed: Value = pushed.json().await.unwrap();
    assert!(
        pushed["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "accepted"),
        "{pushed}"
    );
    let photo = Sha256Hex::digest(BEFORE);

    let callers = vec![
        Caller {
            name: "anonymous",
            role: None,
            in_scope: false,
            user: None,
            token: None,
        },
        caller(app, "inspector-in", Role::Inspector, "310104").await,
        caller(app, "inspector-out", Role::Inspector, "310105").await,
        caller(app, "supervisor-in", Role::Supervisor, "310104").await,
        caller(app, "supervisor-out", Role::Supervisor, "310105").await,
        caller(app, "admin-in", Role::Admin, "310104").await,
        caller(app, "admin-out", Role::Admin, "310105").await,
    ];

    for caller in &callers {
        let who = caller.name;
        let signed_in = caller.token.is_some();
        let admin = caller.role == Some(Role::Admin);

        // Public: health, the API description, the shipped templates.
        for path in [HEALTH_PATH, OPENAPI_PATH, TEMPLATES_PATH] {
            let status = call(app, caller, Method::GET, path, None).await.status();
            assert_eq!(status, 200, "{who} GET {path}");
        }

        // Who am I.
        let me = call(app, caller, Method::GET, ME_PATH, None).await;
        assert_eq!(me.status(), if signed_in { 200 } else { 401 }, "{who} me");

        // Pull: only what the scope covers.
        let pull = call(
            app,
            caller,
            Method::GET,
            &format!("{SYNC_PULL_PATH}?cursor=0"),
            None,
        )
        .await;
        if !signed_in {
            assert_eq!(pull.status(), 401, "{who} pull");
        } else {
            assert_eq!(pull.status(), 200, "{who} pull");
            let page: PullResponse = pull.json().await.unwrap();
            let sees_site = page.sites.iter().any(|s| s.id() == owned_site.id());
            let sees_hazard = page.hazard_events.iter().any(|e| e.id == hazard.id);
            assert_eq!(sees_site, caller.in_scope, "{who} pull sees the site");
            assert_eq!(sees_hazard, caller.in_scope, "{who} pull sees the hazard");
        }

        // Photos: anyone signed in may ask whether one exists and upload; reading needs the
        // scope (or having uploaded it).
        let path = photo_path(&photo);
        let head = call(app, caller, Method::HEAD, &path, None).await.status();
        assert_eq!(head, if signed_in { 200 } else { 401 }, "{who} HEAD photo");
        let get = call(app, caller, Method::GET, &path, None).await.status();
        let expected = match (signed_in, caller.in_scope) {
            (false, _) => 401,
            (true, true) => 200,
            (true, false) => 404,
        };
        assert_eq!(get, expected, "{who} GET photo");
        let own = format!("\u{FF}\u{D8}\u{FF}\u{E0} {who} \u{FF}\u{D9}");
        let own: Vec<u8> = own.chars().map(|c| c as u32 as u8).collect();
        let own_hash = Sha256Hex::digest(&own);
        let put = call(
            app,
            caller,
            Method::PUT,
            &photo_path(&own_hash),
            Some(("image/jpeg", own)),
        )
        .await
        .status();
        assert_eq!(put, if signed_in { 201 } else { 401 }, "{who} PUT photo");
        if signed_in {
            let back = call(app, caller, Method::GET, &photo_path(&own_hash), None).await;
            assert_eq!(back.status(), 200, "{who} reads back their upload");
        }

        // Push: a new site in 310104 is accepted from users whose scope covers it, refused
        // out_of_scope from the others; no session is 401.
        let new_site = site("310104");
        let body = serde_json::to_value(PushRequest {
            proto_v: PROTOCOL_VERSION,
            device: DeviceId::generate(),
            entries: entries(
                1,
                vec![Mutation::UpsertSite {
                    site: Box::new(new_site),
                }],
            ),
        })
        .unwrap();
        let push = call(app, caller, Method::POST, SYNC_PUSH_PATH, json_body(&body)).await;
        if !signed_in {
            assert_eq!(push.status(), 401, "{who} push");
        } else {
            assert_eq!(push.status(), 200, "{who} push");
            let answer: Value = push.json().await.unwrap();
            let result = &answer["results"][0];
            if caller.in_scope {
                assert_eq!(result["status"], "accepted", "{who} push: {answer}");
            } else {
                assert_eq!(result["status"], "rejected", "{who} push: {answer}");
                assert_eq!(result["code"], "out_of_scope", "{who} push: {answer}");
            }
        }

        // Statistics: supervisors and administrators, over their own scope only (the
        // fixture's hazard counts for those in scope); inspectors 403.
        for path in [
            STATS_PATH.to_owned(),
            format!("{STATS_PATH}?group=street&district=310104"),
            format!("{STATS_QUARTERLY_PATH}?year=2025&quarter=1"),
        ] {
            let response = call(app, caller, Method::GET, &path, None).await;
            let expected = match caller.role {
                None => 401,
                Some(Role::Inspector) => 403,
                Some(_) => 200,
            };
            assert_eq!(response.status(), expected, "{who} GET {path}");
            if expected == 200 && path.starts_with(&format!("{STATS_PATH}?")) {
                let stats: StatsResponse = response.json().await.unwrap();
                assert_eq!(
                    stats.overall.hazards,
                    u64::from(caller.in_scope),
                    "{who} GET {path}"
                );
                assert_eq!(stats.groups.len(), usize::from(caller.in_scope), "{who}");
            }
        }

        // Administration: admins only (403 for other roles, 401 without a session).
        let forbidden_or = |ok: bool| {
            if !signed_in {
                401
            } else if admin {
                u16::from(ok) * 200
            } else {
                403
            }
        };
        let list = call(app, caller, Method::GET, ADMIN_USERS_PATH, None).await;
        let status = list.status().as_u16();
        assert_eq!(status, forbidden_or(true), "{who} list users");
        if admin {
            let listed: Value = list.json().await.unwrap();
            let names: Vec<&str> = listed["users"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|u| u["username"].as_str())
                .collect();
            // An administrator sees the users of their own scope only.
            assert_eq!(
                names.contains(&"inspector-in"),
                caller.in_scope,
                "{who}: {names:?}"
            );
            assert_eq!(
                names.contains(&"inspector-out"),
                !caller.in_scope,
                "{who}: {names:?}"
            );
        }
        let new_user = json!({
            "username": format!("made-by-{who}"),
            "display_name": "新用户",
            "password": "a-long-password",
            "role": "inspector",
            "scope": {"level": "district", "district": "310104"},
        });
        let create = call(
            app,
            caller,
            Method::POST,
            ADMIN_USERS_PATH,
            json_body(&new_user),
        )
        .await;
        let status = create.status().as_u16();
        if !signed_in {
            assert_eq!(status, 401, "{who} create user");
        } else if !admin {
            assert_eq!(status, 403, "{who} create user");
        } else if caller.in_scope {
            assert_eq!(status, 201, "{who} create user");
        } else {
            // A user outside the administrator's own scope.
            assert!(matches!(status, 403 | 422), "{who} create user: {status}");
        }
        let csv = "名称,地址,区,街道,网格\n".as_bytes().to_vec();
        let import = call(
            app,
            caller,
            Method::POST,
            &format!("{ADMIN_SITES_IMPORT_PATH}?dry_run=true"),
            Some(("text/csv", csv)),
        )
        .await
        .status()
        .as_u16();
        if !signed_in {
            assert_eq!(import, 401, "{who} import");
        } else if !admin {
            assert_eq!(import, 403, "{who} import");
        } else {
            assert!(!matches!(import, 401 | 403), "{who} import: {import}");
        }

        // Publishing a template: administrators of the whole city only (every caller here
        // holds a district, so even an administrator is refused; the city administrator's
        // success is in `templates.rs`).
        let (_, gas) = anxun_domain::templates::BUILTIN_FILES[0];
        let v2 = gas.replacen("\nversion = 1\n", "\nversion = 2\n", 1);
        let publish = call(
            app,
            caller,
            Method::POST,
            ADMIN_TEMPLATES_PATH,
            Some(("application/toml", v2.into_bytes())),
        )
        .await
        .status()
        .as_u16();
        assert_eq!(
            publish,
            if signed_in { 403 } else { 401 },
            "{who} publish template"
        );

        // The ledger, sites, inspection records and exports: supervisors and administrators,
        // each within their scope (outside it: empty lists, 404 for one record); inspectors
        // 403; no session 401.
        let supervisory = caller.role.is_some_and(|r| r.is_supervisory());
        let ledger_status = |in_scope_record: bool| -> u16 {
            match (signed_in, supervisory, in_scope_record) {
                (false, _, _) => 401,
                (true, false, _) => 403,
                (true, true, true) => 200,
                (true, true, false) => 404,
            }
        };
        let list = call(app, caller, Method::GET, HAZARDS_PATH, None).await;
        assert_eq!(list.status().as_u16(), ledger_status(true), "{who} ledger");
        if supervisory {
            let page: LedgerPage = list.json().await.unwrap();
            let sees = page.rows.iter().any(|r| r.id == hazard.hazard);
            assert_eq!(sees, caller.in_scope, "{who} ledger sees the hazard");
        }
        let detail = call(app, caller, Method::GET, &hazard_path(hazard.hazard), None).await;
        assert_eq!(
            detail.status().as_u16(),
            ledger_status(caller.in_scope),
            "{who} hazard detail"
        );
        if supervisory && caller.in_scope {
            let detail: HazardDetail = detail.json().await.unwrap();
            assert_eq!(detail.hazard.id(), hazard.hazard);
        }
        let action = ActionRequest {
            id: EventId::generate(),
            action: HazardAction::NotifyPrincipal {
                person: text("王老板"),
                role: PrincipalRole::Principal,
                at: chrono::Utc::now(),
                method: NotificationMethod::InPerson,
            },
            reason: None,
        };
        let posted = call(
            app,
            caller,
            Method::POST,
            &hazard_events_path(hazard.hazard),
            json_body(&serde_json::to_value(&action).unwrap()),
        )
        .await;
        assert_eq!(
            posted.status().as_u16(),
            ledger_status(caller.in_scope),
            "{who} hazard action"
        );
        let sites = call(app, caller, Method::GET, SITES_PATH, None).await;
        assert_eq!(sites.status().as_u16(), ledger_status(true), "{who} sites");
        if supervisory {
            let page: SitePage = sites.json().await.unwrap();
            let sees = page.rows.iter().any(|r| r.site.id() == owned_site.id());
            assert_eq!(sees, caller.in_scope, "{who} sites sees the site");
        }
        let one_site = call(app, caller, Method::GET, &site_path(owned_site.id()), None).await;
        assert_eq!(
            one_site.status().as_u16(),
            ledger_status(caller.in_scope),
            "{who} site"
        );
        let record_status = call(app, caller, Method::GET, &inspection_path(record.id), None)
            .await
            .status()
            .as_u16();
        assert_eq!(
            record_status,
            ledger_status(caller.in_scope),
            "{who} inspection record"
        );
        for path in [EXPORT_HAZARDS_CSV_PATH, EXPORT_HAZARDS_XLSX_PATH] {
            let export = call(app, caller, Method::GET, path, None).await;
            assert_eq!(
                export.status().as_u16(),
                ledger_status(true),
                "{who} {path}"
            );
            if supervisory {
                let bytes = export.bytes().await.unwrap();
                if path == EXPORT_HAZARDS_CSV_PATH {
                    let text = String::from_utf8(bytes.to_vec()).unwrap();
                    assert_eq!(
                        text.contains(&hazard.hazard.to_string()),
                        caller.in_scope,
                        "{who} CSV export holds the hazard"
                    );
                } else {
                    assert!(bytes.starts_with(b"PK"), "{who} XLSX is a zip");
                }
            }
        }

        // Signing out: a session ends only itself.
        let logout = call(app, caller, Method::POST, LOGOUT_PATH, None).await;
        assert_eq!(
            logout.status(),
            if signed_in { 204 } else { 401 },
            "{who} logout"
        );
        if signed_in {
            let after = call(app, caller, Method::GET, ME_PATH, None).await;
            assert_eq!(after.status(), 401, "{who} after logout");
            let _ = caller.user;
        }
    }
    // The fixture's own session still works.
    let me = app.get_signed_in(ME_PATH, &setup.token).await;
    assert_eq!(me.status(), 200);
}

on_both_backends!(matrix, the_authorization_matrix_holds_for_every_endpoint);
