//! `GET /api/sync/pull`: changes in the user's scope above the cursor, each once, never one
//! skipped, also while many devices push at the same time.

use crate::{
    helpers::{Backend, Options, TestApp, spawn},
    on_both_backends,
    sync_push::{code, entries, hazard_event, region, report, setup, site, upsert, user},
};
use anxun_domain::{
    api::{PullResponse, PushRequest, SYNC_PULL_PATH, SYNC_PUSH_PATH},
    ids::{DeviceId, EventId, SiteId},
    region::Scope,
    sync::{Mutation, OutboxEntry, PROTOCOL_VERSION},
};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

fn district(code_: &str) -> Scope {
    Scope::District {
        district: code(code_),
    }
}

/// Pushes from `device` and answers the body of the `200`.
async fn push(app: &TestApp, token: &str, device: DeviceId, entries: &[OutboxEntry]) -> Value {
    let response = app
        .client
        .post(format!("{}{SYNC_PUSH_PATH}", app.address))
        .bearer_auth(token)
        .json(&PushRequest {
            proto_v: PROTOCOL_VERSION,
            device,
            entries: entries.to_vec(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn statuses(body: &Value) -> Vec<&str> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

/// One pull; answers the page of the `200`.
async fn pull(app: &TestApp, token: &str, cursor: u64, limit: Option<u32>) -> PullResponse {
    let query = match limit {
        Some(limit) => format!("?cursor={cursor}&limit={limit}"),
        None => format!("?cursor={cursor}"),
    };
    let response = app
        .get_signed_in(&format!("{SYNC_PULL_PATH}{query}"), token)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page: PullResponse = response.json().await.unwrap();
    assert!(page.cursor >= cursor, "the cursor went back: {page:?}");
    page
}

/// Everything a device pulls from `cursor` until `more` is false, page by page.
async fn pull_all(
    app: &TestApp,
    token: &str,
    mut cursor: u64,
    limit: Option<u32>,
) -> (Vec<PullResponse>, u64) {
    let mut pages = Vec::new();
    loop {
        let page = pull(app, token, cursor, limit).await;
        cursor = page.cursor;
        let more = page.more;
        pages.push(page);
        if !more {
            return (pages, cursor);
        }
        assert!(pages.len() < 1000, "pulling does not end");
    }
}

fn site_ids(pages: &[PullResponse]) -> Vec<SiteId> {
    pages
        .iter()
        .flat_map(|page| page.sites.iter().map(|site| site.id()))
        .collect()
}

fn event_ids(pages: &[PullResponse]) -> Vec<EventId> {
    pages
        .iter()
        .flat_map(|page| page.hazard_events.iter().map(|event| event.id))
        .collect()
}

fn sorted<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut items = items.to_vec();
    items.sort();
    items
}

async fn a_device_pulling_from_zero_gets_the_demo_sites_in_its_scope(backend: Backend) {
    let app = spawn(
        &backend,
        Options {
            demo: true,
            demo_password: Some("demo-password-1".into()),
            ..Options::default()
        },
    )
    .await;
    let all = app.db.sites().await.unwrap();
    let head = app.db.change_head().await.unwrap();
    assert_eq!(head, all.len() as u64, "one change per seeded site");
    let demo = code(anxun_server::demo::DISTRICT);
    let scopes = [
        (
            "grid-user",
            Scope::Grid {
                district: demo.clone(),
                street: code("demo-s1"),
                grid: code("demo-s1-g1"),
            },
        ),
        (
            "street-user",
            Scope::Street {
                district: demo.clone(),
                street: code("demo-s2"),
            },
        ),
        ("district-user", Scope::District { district: demo }),
        ("elsewhere-user", district("310104")),
    ];
    for (username, scope) in scopes {
        let (_, token) = app.signed_in_inspector(username, "网格员", &scope).await;
        let expected: Vec<SiteId> = all
            .iter()
            .filter(|site| scope.covers(site.region()))
            .map(|site| site.id())
            .collect();
        let page = pull(&app, &token, 0, None).await;
        assert!(!page.more, "{username}");
        assert_eq!(page.cursor, head, "{username}: every change was examined");
        assert_eq!(
            sorted(&site_ids(std::slice::from_ref(&page))),
            sorted(&expected),
            "{username}"
        );
        assert!(page.deleted_sites.is_empty() && page.hazard_events.is_empty());
        // Nothing new: the same cursor, an empty page.
        let again = pull(&app, &token, page.cursor, None).await;
        assert_eq!((again.cursor, again.more), (head, false));
        assert!(again.sites.is_empty());
    }
    // Sanity of the scopes above: some, not all, and none.
    let grid = all
        .iter()
        .filter(|site| site.region().grid.as_str() == "demo-s1-g1")
        .count();
    assert!(grid > 0 && grid < all.len());
}
on_both_backends!(
    demo_from_zero,
    a_device_pulling_from_zero_gets_the_demo_sites_in_its_scope
);

async fn pushes_by_others_show_up_after_the_cursor_and_rejections_never(backend: Backend) {
    let s = setup(&backend).await;
    let (_, reader) = user(&s.app, "reader").await;
    let first = pull(&s.app, &reader, 0, None).await;
    assert_eq!((first.cursor, first.more), (0, false));
    assert!(first.sites.is_empty());

    let kept = site("310104");
    let removed = site("310104");
    let hazard = report(&kept, s.user);
    let body = push(
        &s.app,
        &s.token,
        s.device,
        &entries(
            1,
            vec![
                upsert(&kept),
                upsert(&removed),
                hazard_event(&hazard),
                // Rejected: outside the pusher's scope.
                upsert(&site("310105")),
            ],
        ),
    )
    .await;
    assert_eq!(
        statuses(&body),
        ["accepted", "accepted", "accepted", "rejected"]
    );
    let page = pull(&s.app, &reader, first.cursor, None).await;
    assert_eq!(
        sorted(&site_ids(std::slice::from_ref(&page))),
        sorted(&[kept.id(), removed.id()])
    );
    assert_eq!(event_ids(std::slice::from_ref(&page)), [hazard.id]);
    assert_eq!(page.hazard_events[0], hazard);
    assert!(!page.more);
    let cursor = page.cursor;

    // An edit and a deletion: the edited site once, as it is now; the deleted one only as
    // deleted, although it was created in the same window.
    let created_then_deleted = site("310104");
    let mut edited = kept.clone().into_fields();
    edited.name = crate::sync_push::text("老王面馆（新址）");
    let edited = anxun_domain::site::Site::new(edited).unwrap();
    let body = push(
        &s.app,
        &s.token,
        s.device,
        &entries(
            5,
            vec![
                upsert(&created_then_deleted),
                upsert(&edited),
                Mutation::DeleteSite { site: removed.id() },
                Mutation::DeleteSite {
                    site: created_then_deleted.id(),
                },
                // Rejected: the site has a hazard.
                Mutation::DeleteSite { site: kept.id() },
            ],
        ),
    )
    .await;
    assert_eq!(
        statuses(&body),
        ["accepted", "accepted", "accepted", "accepted", "rejected"]
    );
    let page = pull(&s.app, &reader, cursor, None).await;
    assert_eq!(page.sites, std::slice::from_ref(&edited));
    assert_eq!(
        sorted(&page.deleted_sites),
        sorted(&[removed.id(), created_then_deleted.id()])
    );
    assert!(page.hazard_events.is_empty());
    assert_eq!(page.cursor, s.app.db.change_head().await.unwrap());

    // From zero, a new device gets the current state: the kept site as edited, the report,
    // and deletions of sites it never had (harmless).
    let page = pull(&s.app, &reader, 0, None).await;
    assert_eq!(page.sites, [edited]);
    assert_eq!(event_ids(std::slice::from_ref(&page)), [hazard.id]);
}
on_both_backends!(
    pushes_show_up,
    pushes_by_others_show_up_after_the_cursor_and_rejections_never
);

async fn out_of_scope_changes_move_the_cursor_but_are_not_sent(backend: Backend) {
    let s = setup(&backend).await;
    let (_, reader) = user(&s.app, "reader").await;
    let (_, other) = s
        .app
        .signed_in_inspector("other-district", "张网格员", &district("310105"))
        .await;
    let elsewhere = [site("310105"), site("310105")];
    let body = push(
        &s.app,
        &other,
        DeviceId::generate(),
        &entries(1, elsewhere.iter().map(upsert).collect()),
    )
    .await;
    assert_eq!(statuses(&body), ["accepted"; 2]);
    let page = pull(&s.app, &reader, 0, None).await;
    assert_eq!(page.cursor, 2);
    assert!(!page.more);
    assert!(page.sites.is_empty() && page.deleted_sites.is_empty());

    // A full page of one: the cursor stops at the change it returned.
    let mine = site("310104");
    push(&s.app, &s.token, s.device, &entries(1, vec![upsert(&mine)])).await;
    push(
        &s.app,
        &other,
        DeviceId::generate(),
        &entries(1, vec![upsert(&site("310105"))]),
    )
    .await;
    let page = pull(&s.app, &reader, 2, Some(1)).await;
    assert_eq!((page.cursor, page.more), (3, true));
    assert_eq!(site_ids(&[page]), [mine.id()]);
    let page = pull(&s.app, &reader, 3, Some(1)).await;
    assert_eq!((page.cursor, page.more), (4, false));
    assert!(page.sites.is_empty());

    // The other district's user sees only theirs.
    let (pages, _) = pull_all(&s.app, &other, 0, None).await;
    assert_eq!(site_ids(&pages).len(), 3);
    assert!(!site_ids(&pages).contains(&mine.id()));
}
on_both_backends!(
    out_of_scope,
    out_of_scope_changes_move_the_cursor_but_are_not_sent
);

async fn small_pages_return_everything_exactly_once(backend: Backend) {
    let s = setup(&backend).await;
    let (_, reader) = user(&s.app, "reader").await;
    let (_, other) = s
        .app
        .signed_in_inspector("other-district", "张网格员", &district("310105"))
        .await;
    let other_device = DeviceId::generate();
    let mut expected_sites = Vec::new();
    let mut expected_events = Vec::new();
    for i in 0..6u64 {
        let mine = site("310104");
        let hazard = report(&mine, s.user);
        push(
            &s.app,
            &s.token,
            s.device,
            &entries(2 * i + 1, vec![upsert(&mine), hazard_event(&hazard)]),
        )
        .await;
        push(
            &s.app,
            &other,
            other_device,
            &entries(i + 1, vec![upsert(&site("310105"))]),
        )
        .await;
        expected_sites.push(mine.id());
        expected_events.push(hazard.id);
    }
    let head = s.app.db.change_head().await.unwrap();
    assert_eq!(head, 18);
    for limit in [1, 2, 3, 5, 500, 100_000] {
        let (pages, cursor) = pull_all(&s.app, &reader, 0, Some(limit)).await;
        assert_eq!(cursor, head, "limit {limit}");
        let sites = site_ids(&pages);
        assert_eq!(sorted(&sites), sorted(&expected_sites), "limit {limit}");
        assert_eq!(
            sites.len(),
            expected_sites.len(),
            "limit {limit}: duplicates"
        );
        // Hazard events in arrival order, each after its site.
        assert_eq!(event_ids(&pages), expected_events, "limit {limit}");
        let mut seen = HashSet::new();
        for page in &pages {
            assert!(page.sites.len() + page.hazard_events.len() <= limit as usize);
            seen.extend(page.sites.iter().map(|site| site.id()));
            for event in &page.hazard_events {
                let anxun_domain::hazard::HazardAction::Report(new) = &event.action else {
                    panic!("only reports were pushed");
                };
                assert!(
                    seen.contains(&new.site),
                    "limit {limit}: event before its site"
                );
            }
        }
        assert!(!pages.last().unwrap().more);
    }
}
on_both_backends!(paging, small_pages_return_everything_exactly_once);

async fn pulls_need_a_session_and_a_readable_query(backend: Backend) {
    let s = setup(&backend).await;
    let response = s.app.get(SYNC_PULL_PATH).await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "unauthorized");
    let response = s
        .app
        .get_signed_in(SYNC_PULL_PATH, "not-a-real-token")
        .await;
    assert_eq!(response.status(), 401);

    for query in [
        "?cursor=abc",
        "?cursor=-1",
        "?limit=-5",
        "?limit=0",
        "?limit=many",
        "?cursor=99999999999999999999999",
    ] {
        let response = s
            .app
            .get_signed_in(&format!("{SYNC_PULL_PATH}{query}"), &s.token)
            .await;
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "bad_query", "{query}");
        assert!(body["message"].as_str().unwrap().len() > 5, "{query}");
    }

    // No query at all: from the beginning. A cursor past the server's latest change (another
    // server, or a database started afresh): an empty page that keeps it.
    push(
        &s.app,
        &s.token,
        s.device,
        &entries(1, vec![upsert(&site("310104"))]),
    )
    .await;
    let response = s.app.get_signed_in(SYNC_PULL_PATH, &s.token).await;
    assert_eq!(response.status(), 200);
    let page: PullResponse = response.json().await.unwrap();
    assert_eq!((page.cursor, page.sites.len()), (1, 1));
    for cursor in [2, 1_000, i64::MAX as u64, u64::MAX] {
        let page = pull(&s.app, &s.token, cursor, None).await;
        assert_eq!((page.cursor, page.more), (cursor, false));
        assert!(page.sites.is_empty());
    }
}
on_both_backends!(guards, pulls_need_a_session_and_a_readable_query);

/// Devices pushing at once while another device pulls: the numbers must become visible in
/// order, or the puller moves its cursor past a change that commits a moment later and never
/// sees it (PostgreSQL sequences do exactly that; see store/changes.rs).
async fn concurrent_pushes_are_never_skipped(backend: Backend) {
    const DEVICES: usize = 20;
    const PUSHES: u64 = 4;
    let s = setup(&backend).await;
    let (_, reader) = user(&s.app, "reader").await;
    // Every account first: creating one hashes its password on this (single-threaded) test
    // runtime, which would stall the server's tasks mid-transaction.
    let mut pushers = Vec::new();
    for device_index in 0..DEVICES {
        pushers.push(if device_index % 2 == 0 {
            (s.user, s.token.clone())
        } else {
            user(&s.app, &format!("pusher-{device_index}")).await
        });
    }
    let app = std::sync::Arc::new(s.app);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

    let puller = {
        let app = app.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut cursor = 0;
            let mut sites = Vec::new();
            let mut events = Vec::new();
            let mut pulls = 0;
            loop {
                // Read the flag first: a pull that starts after every push finished sees all.
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let page = pull(&app, &reader, cursor, Some(7)).await;
                pulls += 1;
                cursor = page.cursor;
                sites.extend(page.sites.iter().map(|site| site.id()));
                events.extend(page.hazard_events.iter().map(|event| event.id));
                if finished && !page.more {
                    return (sites, events, cursor, pulls);
                }
            }
        })
    };

    let mut tasks = Vec::new();
    for (pusher, token) in pushers {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let device = DeviceId::generate();
            let mut sites = Vec::new();
            let mut events = Vec::new();
            for i in 0..PUSHES {
                let mine = site("310104");
                let hazard = report(&mine, pusher);
                let body = push(
                    &app,
                    &token,
                    device,
                    &entries(2 * i + 1, vec![upsert(&mine), hazard_event(&hazard)]),
                )
                .await;
                assert_eq!(statuses(&body), ["accepted"; 2], "{body}");
                sites.push(mine.id());
                events.push(hazard.id);
            }
            (sites, events)
        }));
    }
    let mut committed_sites = BTreeSet::new();
    let mut committed_events = BTreeSet::new();
    for task in tasks {
        let (sites, events) = task.await.unwrap();
        committed_sites.extend(sites);
        committed_events.extend(events);
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let (sites, events, cursor, pulls) = puller.await.unwrap();

    assert_eq!(committed_sites.len(), DEVICES * PUSHES as usize);
    assert_eq!(cursor, app.db.change_head().await.unwrap());
    assert_eq!(cursor, 2 * (DEVICES as u64) * PUSHES);
    let pulled_sites: BTreeSet<_> = sites.iter().copied().collect();
    let pulled_events: BTreeSet<_> = events.iter().copied().collect();
    assert_eq!(sites.len(), pulled_sites.len(), "a site was pulled twice");
    assert_eq!(
        events.len(),
        pulled_events.len(),
        "an event was pulled twice"
    );
    assert_eq!(
        committed_sites.difference(&pulled_sites).count(),
        0,
        "sites skipped ({pulls} pulls)"
    );
    assert_eq!(pulled_sites, committed_sites);
    assert_eq!(
        committed_events.difference(&pulled_events).count(),
        0,
        "events skipped ({pulls} pulls)"
    );
    assert_eq!(pulled_events, committed_events);
    eprintln!("{}: {pulls} pulls during the pushes", backend.name());
}
on_both_backends!(concurrent, concurrent_pushes_are_never_skipped);

/// A database an older server (migrations 0001 and 0002) left with a site and a hazard event:
/// migration 0003 logs both, so a device pulling from 0 gets them, and new changes follow.
async fn the_migration_logs_what_is_already_stored(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = match &backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("old.db").display()),
        Backend::Postgres(url) => url.clone(),
    };
    let user = anxun_domain::ids::UserId::generate();
    let stored = site("310104");
    let event = report(&stored, user);
    let now = chrono::Utc::now();
    let path = region("310104");
    macro_rules! old_server {
        ($pool:expr, $migrator:expr) => {{
            let pool = $pool;
            let mut migrator = $migrator;
            migrator.migrations = migrator
                .migrations
                .iter()
                .filter(|migration| migration.version <= 2)
                .cloned()
                .collect();
            migrator.run(&pool).await.unwrap();
            for (code, level, parent) in [
                (path.district.as_str(), "district", None),
                (path.street.as_str(), "street", Some(path.district.as_str())),
                (path.grid.as_str(), "grid", Some(path.street.as_str())),
            ] {
                sqlx::query("INSERT INTO regions (code, name, level, parent) VALUES ($1, $1, $2, $3)")
                    .bind(code)
                    .bind(level)
                    .bind(parent)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            sqlx::query(
                "INSERT INTO sites (id, name, district, street, grid, areas, doc, is_demo, created_at, updated_at) \
                 VALUES ($1, 'x', $2, $3, $4, ',gas,', $5, FALSE, $6, $6)",
            )
            .bind(stored.id().as_uuid())
            .bind(path.district.as_str())
            .bind(path.street.as_str())
            .bind(path.grid.as_str())
            .bind(serde_json::to_string(&stored).unwrap())
            .bind(now)
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO users (id, username, display_name, role, scope, password_hash, created_at) \
                 VALUES ($1, 'old', 'old', 'inspector', '{}', 'x', $2)",
            )
            .bind(user.as_uuid())
            .bind(now)
            .execute(&pool)
            .await
            .unwrap();
            let device = DeviceId::generate().as_uuid();
            sqlx::query("INSERT INTO devices (id, user_id, last_seq, created_at) VALUES ($1, $2, 1, $3)")
                .bind(device)
                .bind(user.as_uuid())
                .bind(now)
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query(
                "INSERT INTO hazards (id, site_id, district, street, grid, area, status, severity, reported_at, doc, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 'gas', 'reported', 'general', $6, '{}', $6)",
            )
            .bind(event.hazard.as_uuid())
            .bind(stored.id().as_uuid())
            .bind(path.district.as_str())
            .bind(path.street.as_str())
            .bind(path.grid.as_str())
            .bind(now)
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO hazard_events (id, hazard_id, position, doc, user_id, device_id, received_at) \
                 VALUES ($1, $2, 0, $3, $4, $5, $6)",
            )
            .bind(event.id.as_uuid())
            .bind(event.hazard.as_uuid())
            .bind(serde_json::to_string(&event).unwrap())
            .bind(user.as_uuid())
            .bind(device)
            .bind(now)
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
        }};
    }
    match &backend {
        Backend::Sqlite => {
            let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url)
                .unwrap()
                .create_if_missing(true)
                .foreign_keys(true);
            old_server!(
                sqlx::SqlitePool::connect_with(options).await.unwrap(),
                sqlx::migrate!("./migrations/sqlite")
            )
        }
        Backend::Postgres(url) => old_server!(
            sqlx::PgPool::connect(url).await.unwrap(),
            sqlx::migrate!("./migrations/postgres")
        ),
    }

    let db =
        anxun_server::store::Db::connect(&anxun_server::config::DatabaseUrl::parse(&url).unwrap())
            .await
            .unwrap();
    assert_eq!(db.change_head().await.unwrap(), 2);
    let page = db.pull(&Scope::City, 0, 500).await.unwrap();
    assert_eq!(page.sites, std::slice::from_ref(&stored));
    assert_eq!(page.hazard_events, std::slice::from_ref(&event));
    assert_eq!((page.cursor, page.more), (2, false));
    let elsewhere = db.pull(&district("310105"), 0, 500).await.unwrap();
    assert_eq!((elsewhere.cursor, elsewhere.sites.len()), (2, 0));

    // New writes continue after the backfilled numbers.
    let next = site("310104");
    db.insert_site(&next, false, now).await.unwrap();
    let page = db.pull(&Scope::City, 2, 500).await.unwrap();
    assert_eq!((page.cursor, page.sites.len()), (3, 1));
    db.close().await;
}
on_both_backends!(backfill, the_migration_logs_what_is_already_stored);
