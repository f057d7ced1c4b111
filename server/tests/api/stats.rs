//! `GET /api/stats` and `GET /api/stats/quarterly`: every figure equals what the domain's
//! `stats::report` / `stats::grouped` compute over the same hazards and inspections. Random
//! hazards (random lifecycles, pushed as hazard events through the real push path: whatever
//! the lifecycle refuses is rejected, as in the field) and random inspections; the expected
//! figures come from the hazards as their accepted events (pulled back) rebuild them.

use crate::{
    helpers::{Backend, TestApp, spawn},
    on_both_backends,
    sync_push::{BEFORE, code, entries, hazard_event, report, text, upsert},
};
use anxun_domain::{
    api::{
        PullResponse, PushRequest, SYNC_PULL_PATH, SYNC_PUSH_PATH,
        stats::{CAMPAIGN_START, QuarterlyReport, STATS_PATH, StatsQuery, StatsResponse},
    },
    hazard::{DeterminationMethod, Hazard, HazardAction, HazardEvent, ResponsibleParty, Severity},
    ids::{DeviceId, EventId, HazardId, InspectionId, SiteId, UserId},
    inspection::{Inspection, InspectionKind, InspectionStatus, InspectorRef},
    photo::Sha256Hex,
    region::{RegionPath, Scope},
    role::Role,
    shanghai,
    site::{Area, FireClass, Site, SiteType, SiteWire},
    stats::{self, Dimension, HazardSummary, InspectionSummary},
    sync::{Mutation, PROTOCOL_VERSION},
};
use anxun_server::store::regions::{Level, NewRegion};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::{
    strategy::{Strategy, ValueTree},
    test_runner::TestRunner,
};
use std::collections::BTreeMap;

/// Two districts; 310104 has two streets of two grids each.
fn regions() -> Vec<RegionPath> {
    let path = |d: &str, s: &str, g: &str| RegionPath {
        district: code(d),
        street: code(s),
        grid: code(g),
    };
    vec![
        path("310104", "310104003", "310104003-G1"),
        path("310104", "310104003", "310104003-G2"),
        path("310104", "310104004", "310104004-G1"),
        path("310104", "310104004", "310104004-G2"),
        path("310105", "310105001", "310105001-G1"),
    ]
}

struct World {
    app: TestApp,
    pusher: UserId,
    token: String,
    device: DeviceId,
    next_seq: u64,
    sites: Vec<Site>,
    inspections: Vec<InspectionSummary>,
}

async fn user(app: &TestApp, name: &str, role: Role, scope: &Scope) -> (UserId, String) {
    let id = anxun_server::accounts::create_user(
        &app.db,
        &anxun_server::accounts::Username::parse(name).unwrap(),
        name,
        role,
        scope,
        "stats-password-1",
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

async fn world(backend: &Backend) -> World {
    let app = spawn(backend, Default::default()).await;
    let mut known = std::collections::BTreeSet::new();
    for path in regions() {
        for (code, level, parent) in [
            (path.district.as_str(), Level::District, None),
            (
                path.street.as_str(),
                Level::Street,
                Some(path.district.as_str()),
            ),
            (path.grid.as_str(), Level::Grid, Some(path.street.as_str())),
        ] {
            if known.insert(code.to_owned()) {
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
    }
    // A city-wide supervisor records everything (supervisors may do every step).
    let (pusher, token) = user(&app, "sup-city", Role::Supervisor, &Scope::City).await;
    let put = app
        .put_photo(
            Some(&token),
            Sha256Hex::digest(BEFORE).as_str(),
            "image/jpeg",
            BEFORE.to_vec(),
        )
        .await;
    assert_eq!(put.status(), 201);
    let sites: Vec<Site> = regions()
        .into_iter()
        .enumerate()
        .map(|(i, region)| {
            Site::new(SiteWire {
                id: SiteId::generate(),
                name: text(&format!("场所{i}")),
                address: text("漕溪北路1号"),
                site_type: SiteType::Restaurant,
                areas: Area::ALL.to_vec(),
                credit_code: None,
                responsible: None,
                region,
                gps: None,
                fire_class: FireClass::default(),
                parties: Vec::new(),
            })
            .unwrap()
        })
        .collect();
    let mut world = World {
        app,
        pusher,
        token,
        device: DeviceId::generate(),
        next_seq: 1,
        sites: Vec::new(),
        inspections: Vec::new(),
    };
    let upserts = sites.iter().map(upsert).collect();
    world.push(upserts).await;
    world.sites = sites;
    world
}

impl World {
    /// Pushes in batches; answers each entry's status.
    async fn push(&mut self, mutations: Vec<Mutation>) -> Vec<String> {
        let mut statuses = Vec::new();
        for chunk in mutations.chunks(200) {
            let body = PushRequest {
                proto_v: PROTOCOL_VERSION,
                device: self.device,
                entries: entries(self.next_seq, chunk.to_vec()),
            };
            self.next_seq += chunk.len() as u64;
            let response = self
                .app
                .client
                .post(format!("{}{SYNC_PUSH_PATH}", self.app.address))
                .bearer_auth(&self.token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let answer: serde_json::Value = response.json().await.unwrap();
            for result in answer["results"].as_array().unwrap() {
                let status = result["status"].as_str().unwrap().to_owned();
                assert!(
                    matches!(status.as_str(), "accepted" | "rejected"),
                    "{result}"
                );
                statuses.push(status);
            }
        }
        statuses
    }

    /// Every hazard as its accepted events rebuild it (pulled by the city-wide supervisor).
    async fn hazards(&self) -> Vec<HazardSummary> {
        let mut cursor = 0;
        let mut events: BTreeMap<HazardId, Vec<HazardEvent>> = BTreeMap::new();
        loop {
            let page: PullResponse = self
                .app
                .get_signed_in(&format!("{SYNC_PULL_PATH}?cursor={cursor}"), &self.token)
                .await
                .json()
                .await
                .unwrap();
            for event in page.hazard_events {
                events.entry(event.hazard).or_default().push(event);
            }
            cursor = page.cursor;
            if !page.more {
                break;
            }
        }
        events
            .values()
            .map(|events| Hazard::replay(events).unwrap().summary())
            .collect()
    }
}

/// One random hazard: where, what, when, and the steps tried after the report.
#[derive(Debug, Clone)]
struct Plan {
    site: usize,
    area: Area,
    major: bool,
    from_inspection: bool,
    reported_minutes: i64,
    steps: Vec<(u8, i64, i64, bool)>,
}

/// From 2024-01-01 (Shanghai) to about 2026-11-20, in minutes.
const SPAN_MINUTES: i64 = 1_055 * 24 * 60;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 12, 31, 16, 0, 0).unwrap()
}

fn plans() -> impl Strategy<Value = (Vec<Plan>, Vec<(usize, i64, bool)>)> {
    let plan = (
        0usize..5,
        proptest::sample::select(Area::ALL.to_vec()),
        proptest::bool::weighted(0.3),
        proptest::bool::ANY,
        0..SPAN_MINUTES,
        proptest::collection::vec(
            (
                0u8..10,
                0i64..40 * 24 * 60,
                1i64..90,
                proptest::bool::weighted(0.7),
            ),
            0..9,
        ),
        0usize..6,
    )
        .prop_map(
            |(site, area, major, from_inspection, reported_minutes, mut steps, script)| {
                // Mostly the usual paths (with random times, deadlines and outcomes), else
                // random steps, most of which the lifecycle refuses.
                let scripts: [&[u8]; 5] = [
                    &[0, 2, 4, 5, 9, 5, 4, 5, 9],
                    &[3, 9],
                    &[7, 0, 2, 4, 5, 9],
                    &[0, 2],
                    &[8],
                ];
                if let Some(kinds) = scripts.get(script) {
                    let timing = steps.first().copied().unwrap_or((0, 600, 10, true));
                    steps = kinds
                        .iter()
                        .enumerate()
                        .map(|(i, &kind)| {
                            let (_, after, days, flag) = steps.get(i).copied().unwrap_or(timing);
                            (kind, after, days, flag && kind != 8)
                        })
                        .collect();
                }
                Plan {
                    site,
                    area,
                    major,
                    from_inspection,
                    reported_minutes,
                    steps,
                }
            },
        );
    (
        proptest::collection::vec(plan, 1..25),
        proptest::collection::vec(
            (0usize..5, 0..SPAN_MINUTES, proptest::bool::weighted(0.8)),
            0..12,
        ),
    )
}

fn hazard_events(
    plan: &Plan,
    pusher: UserId,
    site: &Site,
    inspection: Option<InspectionId>,
) -> Vec<HazardEvent> {
    let latest = Utc::now() - Duration::hours(1);
    let mut at = (start() + Duration::minutes(plan.reported_minutes)).min(latest);
    let mut first = report(site, pusher);
    first.at = at;
    if let HazardAction::Report(new) = &mut first.action {
        new.area = plan.area;
        new.severity = if plan.major {
            Severity::Major
        } else {
            Severity::General
        };
        new.inspection = inspection.filter(|_| plan.from_inspection);
    }
    let hazard = first.hazard;
    let photo = Sha256Hex::digest(BEFORE);
    let mut events = vec![first];
    for &(kind, after, days, flag) in &plan.steps {
        at = (at + Duration::minutes(after)).min(latest);
        let action = match kind {
            0 | 1 => HazardAction::Assign {
                responsible: ResponsibleParty {
                    name: text("老王"),
                    contact: None,
                },
                requirement: None,
                deadline: at + Duration::days(days),
                notice: None,
                department: None,
            },
            2 => HazardAction::StartRectification {
                interim_measures: Vec::new(),
            },
            3 => HazardAction::RectifyOnSpot {
                measures: text("已整改"),
                after_photos: vec![photo.clone()],
            },
            4 => HazardAction::SubmitRectification {
                measures: text("已整改"),
                after_photos: vec![photo.clone()],
            },
            5 | 6 => HazardAction::Reinspect {
                passed: flag,
                photos: vec![photo.clone()],
                inspection: None,
            },
            7 => HazardAction::ListSupervision {
                authority: text("区安委办"),
                document: text("督办〔2025〕1号"),
                deadline: at + Duration::days(days),
            },
            8 if flag => HazardAction::ChangeSeverity {
                to: if plan.major {
                    Severity::General
                } else {
                    Severity::Major
                },
                determination: DeterminationMethod::Regulation,
                collective_review: true,
            },
            8 => HazardAction::Dismiss,
            _ => HazardAction::Close {
                approval: Some(text("核销批复")),
            },
        };
        events.push(HazardEvent {
            id: EventId::generate(),
            hazard,
            at,
            actor: events[0].actor.clone(),
            reason: Some(text("原因")),
            action,
        });
    }
    events
}

fn inspection_of(site: &Site, pusher: UserId, minutes: i64, completed: bool) -> Inspection {
    let template = anxun_domain::templates::builtin_for(Area::Gas);
    let at = (start() + Duration::minutes(minutes)).min(Utc::now() - Duration::hours(1));
    let mut inspection = Inspection::start(
        InspectionId::generate(),
        InspectionKind::RoutinePatrol,
        site.id(),
        &template,
        vec![InspectorRef {
            user: pusher,
            name: text("李主任"),
            organisation: None,
            badge: None,
        }],
        at,
    );
    if completed {
        inspection.status = InspectionStatus::Completed;
        inspection.ended_at = Some(at + Duration::minutes(90));
    }
    inspection
}

/// Adds one random batch of inspections and hazards through the push path.
async fn add_random(world: &mut World, runner: &mut TestRunner) {
    let (plans, inspections) = plans().new_tree(runner).unwrap().current();
    let mut mutations = Vec::new();
    let mut made = Vec::new();
    for (site, minutes, completed) in inspections {
        let site = &world.sites[site];
        let inspection = inspection_of(site, world.pusher, minutes, completed);
        world.inspections.push(InspectionSummary {
            area: Area::Gas,
            region: site.region().clone(),
            at: inspection.ended_at.unwrap_or(inspection.started_at),
            completed,
        });
        made.push(inspection.id);
        mutations.push(Mutation::SaveInspection {
            inspection: Box::new(inspection),
        });
    }
    let saved = mutations.len();
    for plan in &plans {
        let events = hazard_events(
            plan,
            world.pusher,
            &world.sites[plan.site],
            made.first().copied(),
        );
        mutations.extend(events.iter().map(hazard_event));
    }
    let statuses = world.push(mutations).await;
    assert!(
        statuses[..saved].iter().all(|s| s == "accepted"),
        "{statuses:?}"
    );
}

/// The domain's view of a query: the hazards and inspections it selects.
fn select(
    query: &StatsQuery,
    scope: &Scope,
    hazards: &[HazardSummary],
    inspections: &[InspectionSummary],
    with_dates: bool,
) -> (Vec<HazardSummary>, Vec<InspectionSummary>) {
    let region_ok = |r: &RegionPath| {
        scope.covers(r)
            && query.district.as_ref().is_none_or(|d| *d == r.district)
            && query.street.as_ref().is_none_or(|s| *s == r.street)
            && query.grid.as_ref().is_none_or(|g| *g == r.grid)
    };
    let date_ok = |at: DateTime<Utc>| {
        let date = shanghai::date(at);
        !with_dates || (query.from.is_none_or(|f| date >= f) && query.to.is_none_or(|t| date <= t))
    };
    let hazards = hazards
        .iter()
        .filter(|h| region_ok(&h.region) && date_ok(h.reported_at))
        .filter(|h| query.area.is_none_or(|a| a == h.area))
        .filter(|h| query.severity.is_none_or(|s| s == h.severity))
        .cloned()
        .collect();
    let inspections = inspections
        .iter()
        .filter(|i| region_ok(&i.region) && date_ok(i.at))
        .filter(|i| query.area.is_none_or(|a| a == i.area))
        .cloned()
        .collect();
    (hazards, inspections)
}

async fn stats(app: &TestApp, token: &str, query: &StatsQuery) -> StatsResponse {
    let response = app.get_signed_in(&query.url(), token).await;
    assert_eq!(response.status(), 200, "{}", query.url());
    response.json().await.unwrap()
}

/// The answer to `query` equals the domain's figures over the same data.
fn check(
    answer: &StatsResponse,
    query: &StatsQuery,
    scope: &Scope,
    hazards: &[HazardSummary],
    inspections: &[InspectionSummary],
) {
    let url = query.url();
    let now = answer.now;
    let (h, i) = select(query, scope, hazards, inspections, true);
    assert_eq!(
        answer.overall,
        stats::report(&h, &i, now),
        "overall of {url}"
    );
    let expected: Vec<_> = match query.group {
        None => Vec::new(),
        Some(d) => stats::grouped(&h, &i, &[d], now).into_iter().collect(),
    };
    let got: Vec<_> = answer
        .groups
        .iter()
        .map(|g| (g.key.clone(), g.report.clone()))
        .collect();
    assert_eq!(got, expected, "groups of {url}");
    let (h, _) = select(query, scope, hazards, inspections, false);
    let mut month = CAMPAIGN_START;
    assert_eq!(answer.open_major.first().map(|p| p.month), Some(month));
    for point in &answer.open_major {
        assert_eq!(point.month, month);
        assert_eq!(point.open, stats::open_major_at(&h, month), "{url} {month}");
        month = month.next();
    }
    assert_eq!(month, stats::month_of(now).next(), "{url}");
}

fn random_query(runner: &mut TestRunner) -> StatsQuery {
    let dates = (2024i32..=2026, 1u32..=12, 1u32..=28, 0i64..200);
    let strategy = (
        proptest::option::of(proptest::sample::select(Dimension::ALL.to_vec())),
        proptest::option::of(proptest::sample::select(Area::ALL.to_vec())),
        proptest::option::of(proptest::sample::select(Severity::ALL.to_vec())),
        proptest::option::of(0usize..5),
        0u8..4,
        proptest::option::of(dates),
    );
    let (group, area, severity, region, level, dates) =
        strategy.new_tree(runner).unwrap().current();
    let region = region.map(|r| regions()[r].clone());
    let (from, to) = match dates {
        None => (None, None),
        Some((y, m, d, days)) => {
            let from = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            (Some(from), from.checked_add_signed(Duration::days(days)))
        }
    };
    StatsQuery {
        group,
        area,
        severity,
        district: region
            .as_ref()
            .filter(|_| level >= 1)
            .map(|r| r.district.clone()),
        street: region
            .as_ref()
            .filter(|_| level >= 2)
            .map(|r| r.street.clone()),
        grid: region
            .as_ref()
            .filter(|_| level >= 3)
            .map(|r| r.grid.clone()),
        from,
        to,
    }
}

async fn the_figures_equal_the_domains_over_random_data(backend: Backend) {
    let mut w = world(&backend).await;
    let mut runner = TestRunner::default();
    let (admin, admin_token) = user(&w.app, "admin-city", Role::Admin, &Scope::City).await;
    let _ = admin;
    // A few rounds (cases): each adds random data, then checks every grouping and random
    // filtered queries against the domain over everything stored so far.
    for _ in 0..4 {
        add_random(&mut w, &mut runner).await;
        let hazards = w.hazards().await;
        for group in std::iter::once(None).chain(Dimension::ALL.map(Some)) {
            let query = StatsQuery {
                group,
                ..StatsQuery::default()
            };
            let answer = stats(&w.app, &admin_token, &query).await;
            check(&answer, &query, &Scope::City, &hazards, &w.inspections);
        }
        for _ in 0..6 {
            let query = random_query(&mut runner);
            let answer = stats(&w.app, &admin_token, &query).await;
            check(&answer, &query, &Scope::City, &hazards, &w.inspections);
        }
    }
    // Enough happened to make the comparison mean something.
    let hazards = w.hazards().await;
    let all = stats::report(&hazards, &w.inspections, Utc::now());
    eprintln!("{all:?}");
    assert!(all.hazards > 10 && all.inspections > 0, "{all:?}");
    assert!(all.rectification_rate.numerator > 0, "{all:?}");

    // The quarterly report: the quarter's figures, by level, area and street, and the year's.
    let response = w
        .app
        .get_signed_in("/api/stats/quarterly?year=2025&quarter=2", &admin_token)
        .await;
    assert_eq!(response.status(), 200);
    let report: QuarterlyReport = response.json().await.unwrap();
    let quarter = StatsQuery {
        from: NaiveDate::from_ymd_opt(2025, 4, 1),
        to: NaiveDate::from_ymd_opt(2025, 6, 30),
        ..StatsQuery::default()
    };
    let (h, i) = select(&quarter, &Scope::City, &hazards, &w.inspections, true);
    assert_eq!(report.quarter_report, stats::report(&h, &i, report.now));
    let by_area: Vec<_> = stats::grouped(&h, &i, &[Dimension::Area], report.now)
        .into_values()
        .collect();
    assert_eq!(
        report
            .by_area
            .iter()
            .map(|g| g.report.clone())
            .collect::<Vec<_>>(),
        by_area
    );
    assert_eq!(
        report.by_region.len(),
        stats::grouped(&h, &i, &[Dimension::District], report.now).len()
    );
    let year = StatsQuery {
        from: NaiveDate::from_ymd_opt(2025, 1, 1),
        ..quarter.clone()
    };
    let (yh, yi) = select(&year, &Scope::City, &hazards, &w.inspections, true);
    assert_eq!(report.year_to_date, stats::report(&yh, &yi, report.now));
    let june = anxun_domain::api::stats::YearMonth::new(2025, 6).unwrap();
    assert_eq!(
        report.open_major_at_end,
        stats::open_major_at(&hazards, june)
    );
    assert_eq!(report.due_by, NaiveDate::from_ymd_opt(2025, 7, 15).unwrap());
}
on_both_backends!(
    figures_equal_the_domain,
    the_figures_equal_the_domains_over_random_data
);

async fn a_street_supervisor_sees_only_their_street_and_inspectors_none(backend: Backend) {
    let mut w = world(&backend).await;
    let mut runner = TestRunner::default();
    add_random(&mut w, &mut runner).await;
    add_random(&mut w, &mut runner).await;
    let hazards = w.hazards().await;
    let street = Scope::Street {
        district: code("310104"),
        street: code("310104003"),
    };
    let (_, token) = user(&w.app, "sup-street", Role::Supervisor, &street).await;
    for group in std::iter::once(None).chain(Dimension::ALL.map(Some)) {
        let query = StatsQuery {
            group,
            ..StatsQuery::default()
        };
        let answer = stats(&w.app, &token, &query).await;
        check(&answer, &query, &street, &hazards, &w.inspections);
        // Every group lies in the street.
        for g in &answer.groups {
            for value in &g.key {
                if let stats::GroupValue::Street { street: s, .. } = value {
                    assert_eq!(s.as_str(), "310104003");
                }
            }
        }
    }
    // Asking for another street or district gives nothing, not someone else's figures.
    for query in [
        StatsQuery {
            street: Some(code("310104004")),
            ..StatsQuery::default()
        },
        StatsQuery {
            district: Some(code("310105")),
            group: Some(Dimension::Grid),
            ..StatsQuery::default()
        },
    ] {
        let answer = stats(&w.app, &token, &query).await;
        assert_eq!(answer.overall.hazards, 0, "{}", query.url());
        assert_eq!(answer.overall.inspections, 0, "{}", query.url());
        assert!(answer.groups.is_empty());
        assert!(answer.open_major.iter().all(|p| p.open == 0));
    }
    let quarterly = w
        .app
        .get_signed_in("/api/stats/quarterly?year=2025&quarter=1", &token)
        .await;
    assert_eq!(quarterly.status(), 200);
    let quarterly: QuarterlyReport = quarterly.json().await.unwrap();
    assert_eq!(quarterly.scope, street);
    let (h, i) = select(
        &StatsQuery {
            from: NaiveDate::from_ymd_opt(2025, 1, 1),
            to: NaiveDate::from_ymd_opt(2025, 3, 31),
            ..StatsQuery::default()
        },
        &street,
        &hazards,
        &w.inspections,
        true,
    );
    assert_eq!(
        quarterly.quarter_report,
        stats::report(&h, &i, quarterly.now)
    );
    assert!(quarterly.by_region.iter().all(|g| matches!(
        &g.key[..],
        [stats::GroupValue::Grid { region }] if region.street.as_str() == "310104003"
    )));

    // Inspectors use the field app.
    let district = Scope::District {
        district: code("310104"),
    };
    let (_, inspector) = user(&w.app, "insp", Role::Inspector, &district).await;
    for path in [STATS_PATH, "/api/stats/quarterly?year=2025&quarter=1"] {
        let response = w.app.get_signed_in(path, &inspector).await;
        assert_eq!(response.status(), 403, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "forbidden");
    }
}
on_both_backends!(
    street_scope,
    a_street_supervisor_sees_only_their_street_and_inspectors_none
);

async fn bad_queries_are_400_naming_the_parameter(backend: Backend) {
    let w = world(&backend).await;
    for (query, names) in [
        ("group=week", "group"),
        ("area=water", "area"),
        ("severity=huge", "severity"),
        ("district=%E5%BE%90%E6%B1%87", "district"),
        ("from=2025-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2025-03-01&to=2025-02-01", "from"),
    ] {
        let response = w
            .app
            .get_signed_in(&format!("{STATS_PATH}?{query}"), &w.token)
            .await;
        assert_eq!(response.status(), 400, "{query}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "bad_query", "{query}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(names), "{query}: {message}");
    }
    for query in [
        "year=2025&quarter=5",
        "year=1999&quarter=1",
        "year=2025",
        "quarter=1",
    ] {
        let response = w
            .app
            .get_signed_in(&format!("/api/stats/quarterly?{query}"), &w.token)
            .await;
        assert_eq!(response.status(), 400, "{query}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "bad_query", "{query}");
    }
    let _ = w.pusher;
}
on_both_backends!(bad_queries, bad_queries_are_400_naming_the_parameter);
