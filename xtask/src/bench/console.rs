//! `cargo xtask bench console`: the supervisor console's budgets (issue 7), on the release
//! `anxun-server` over loopback with a PostgreSQL that the command starts.
//!
//! Setup (not timed): the server creates the schema; then one SQL script (`generate_series`)
//! writes one district with 12 streets of 10 grids, 20,000 sites, [`HAZARDS`] hazards and
//! [`INSPECTIONS`] inspections: areas 50/30/20 %, 5 % major, reported uniformly over
//! 2024-01-01 to now, 80 % closed (within 30 days), 4 % dismissed and the rest open at every
//! stage (those past the report with a deadline 15 days after it). Every row has the columns
//! the ledger (migration 0005) and the statistics (0006) read, and a `doc` the domain parses
//! (a hazard, site or inspection the domain made, with the row's ids and region written in).
//! The statistics cells are then summed from the per-record rows, as
//! `anxun_server::store::stats::REBUILD_CELLS_SQL` does.
//!
//! With `ANXUN_BENCH_CONSOLE_PG=<database URL>` the PostgreSQL part uses that database
//! instead of a fresh cluster: the data is generated into it on the first run and reused by
//! later ones.
//!
//! Measured, as a district supervisor, each request [`RUNS`] times after 3 warm-ups, one at a
//! time (time to the whole answer on loopback, an upper bound of the server's time):
//! - the dashboard, `GET /api/stats?group=street` (budget p95 ≤ 200 ms);
//! - a filtered ledger page, `GET /api/hazards?status=open&area=gas&street=…&page=3`
//!   (budget p95 ≤ 200 ms);
//! - the XLSX export of about 100,000 and about 10,000 hazards (a date range), each on a
//!   freshly started server: the time, and the server's peak resident memory (VmHWM) after
//!   it, which must not grow with the number of rows.

use super::{ServerGuard, agent, wait_for_health};
use crate::{postgres, step, tools};
use anxun_domain::{
    api::{LOGIN_PATH, LoginRequest, LoginResponse},
    hazard::{
        DeterminationMethod, Hazard, HazardAction, HazardEvent, HazardSource, NewHazard,
        RectificationMode, Severity,
    },
    ids::{EventId, HazardId, InspectionId, SiteId, UserId},
    inspection::{Inspection, InspectionKind, InspectionStatus, InspectorRef},
    region::{RegionCode, RegionPath, Scope},
    role::{Actor, Role},
    site::{Area, FireClass, Site, SiteType, SiteWire},
    text::Text,
};
use anyhow::{Context, Result, bail};
use std::{
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

/// Hazards generated.
pub const HAZARDS: u64 = 1_000_000;
/// Inspections generated.
pub const INSPECTIONS: u64 = 300_000;
/// Hazards generated for SQLite.
pub const SQLITE_HAZARDS: u64 = 200_000;
/// Inspections generated for SQLite.
pub const SQLITE_INSPECTIONS: u64 = 60_000;
/// Timed requests per measurement.
const RUNS: usize = 40;

const ADMIN_PASSWORD: &str = "bench-console-admin-1";
const SUPERVISOR_PASSWORD: &str = "bench-console-supervisor-1";

/// Budgets, printed beside the numbers.
pub const BUDGETS: [(&str, &str); 18] = [
    ("generate_data", "—"),
    ("dashboard_stats_p50", "—"),
    ("dashboard_stats_p95", "≤ 200 ms"),
    ("ledger_page_p50", "—"),
    ("ledger_page_p95", "≤ 200 ms"),
    ("ledger_page_total", "—"),
    ("xlsx_100k_rows", "—"),
    ("xlsx_100k_time", "report"),
    ("xlsx_100k_peak_rss", "bounded"),
    ("xlsx_10k_rows", "—"),
    ("xlsx_10k_time", "report"),
    ("xlsx_10k_peak_rss", "≈ the 100k figure"),
    ("sqlite_generate_data", "—"),
    ("sqlite_dashboard_stats_p50", "—"),
    ("sqlite_dashboard_stats_p95", "report"),
    ("sqlite_ledger_page_p50", "—"),
    ("sqlite_ledger_page_p95", "report"),
    ("sqlite_ledger_page_total", "—"),
];

fn text(s: &str) -> Result<Text> {
    Text::parse(s).map_err(|e| anyhow::anyhow!("{s}: {e}"))
}

fn code(s: &str) -> Result<RegionCode> {
    RegionCode::parse(s).map_err(|e| anyhow::anyhow!("{s}: {e}"))
}

/// Placeholders the SQL replaces with each row's values.
const P_DISTRICT: &str = "PHDISTRICT";
const P_STREET: &str = "PHSTREET";
const P_GRID: &str = "PHGRID";

fn placeholder_region() -> Result<RegionPath> {
    Ok(RegionPath {
        district: code(P_DISTRICT)?,
        street: code(P_STREET)?,
        grid: code(P_GRID)?,
    })
}

/// JSON of a site, a hazard and an inspection made by the domain, with placeholder ids and
/// region for the SQL to replace.
struct Templates {
    site: String,
    site_id: SiteId,
    hazard: String,
    hazard_id: HazardId,
    /// The hazard's report event (the ledger's detail and exports rebuild hazards from events).
    event: String,
    event_id: EventId,
    user: UserId,
    inspection: String,
    inspection_id: InspectionId,
}

fn templates() -> Result<Templates> {
    let site = Site::new(SiteWire {
        id: SiteId::generate(),
        name: text("压测餐饮店")?,
        address: text("压测区压测路1号")?,
        site_type: SiteType::Restaurant,
        areas: vec![Area::Gas],
        credit_code: None,
        responsible: None,
        region: placeholder_region()?,
        gps: None,
        fire_class: FireClass::default(),
        parties: Vec::new(),
    })
    .map_err(|e| anyhow::anyhow!("bench site: {e}"))?;
    let user = UserId::generate();
    let new = NewHazard {
        number: None,
        source: HazardSource::GridPatrol,
        inspection: None,
        item: None,
        site: site.id(),
        site_name: site.name().clone(),
        credit_code: None,
        address: None,
        region: placeholder_region()?,
        area: Area::Gas,
        category: None,
        description: text("液化石油气钢瓶设在地下室")?,
        location_detail: None,
        gps: None,
        severity: Severity::General,
        default_severity: None,
        override_reason: None,
        determination: DeterminationMethod::Regulation,
        basis: Vec::new(),
        combined: Vec::new(),
        photos_before: Vec::new(),
        interim_measures: Vec::new(),
        rectification: RectificationMode::ByDeadline,
        suggested_rectification: None,
        refer_to: Vec::new(),
    };
    let event = HazardEvent {
        id: EventId::generate(),
        hazard: HazardId::generate(),
        at: template_time(),
        actor: Actor {
            user,
            role: Role::Supervisor,
            scope: Scope::City,
        },
        reason: None,
        action: HazardAction::Report(Box::new(new)),
    };
    let hazard = Hazard::report(&event).map_err(|e| anyhow::anyhow!("bench hazard: {e}"))?;
    let template = anxun_domain::templates::builtin_for(Area::Gas);
    let mut inspection = Inspection::start(
        InspectionId::generate(),
        InspectionKind::RoutinePatrol,
        site.id(),
        &template,
        vec![InspectorRef {
            user,
            name: text("压测网格员")?,
            organisation: None,
            badge: None,
        }],
        chrono::Utc::now(),
    );
    inspection.status = InspectionStatus::Completed;
    inspection.ended_at = Some(chrono::Utc::now());
    Ok(Templates {
        site: serde_json::to_string(&site)?,
        site_id: site.id(),
        hazard: serde_json::to_string(&hazard)?,
        hazard_id: hazard.id(),
        event: serde_json::to_string(&event)?,
        event_id: event.id,
        user,
        inspection: serde_json::to_string(&inspection)?,
        inspection_id: inspection.id,
    })
}

/// The time of the template's report event, replaced by each hazard's report time.
fn template_time() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(981_173_106, 0).unwrap_or_default()
}

/// [`template_time`] as serialised.
const TEMPLATE_TIME: &str = "2001-02-03T04:05:06Z";

/// The SQL of a hazard's report time, serialised as the template's.
const REPORTED_JSON: &str =
    r#"to_char(g.reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"#;

/// `replace(...)` of a JSON template's ids and region with SQL expressions.
fn fill(template: &str, ids: &[(String, &str)], region: (&str, &str, &str)) -> String {
    fill_literal(format!("$doc${template}$doc$"), ids, region)
}

/// [`fill`] on SQLite: a plain string literal.
fn fill_sqlite(template: &str, ids: &[(String, &str)], region: (&str, &str, &str)) -> String {
    fill_literal(format!("'{}'", template.replace('\'', "''")), ids, region)
}

fn fill_literal(literal: String, ids: &[(String, &str)], region: (&str, &str, &str)) -> String {
    let mut expr = literal;
    for (from, to) in ids {
        expr = format!("replace({expr}, '{from}', {to})");
    }
    // The grid code contains the street code, which contains the district code: replace the
    // longest placeholder first (they do not contain each other, but the values might).
    for (from, to) in [
        (P_GRID, region.2),
        (P_STREET, region.1),
        (P_DISTRICT, region.0),
    ] {
        expr = format!("replace({expr}, '{from}', {to})");
    }
    expr
}

/// The generating SQL script.
fn script(t: &Templates) -> String {
    let site_doc = fill(
        &t.site,
        &[(t.site_id.to_string(), "g.id::text")],
        ("'BD01'", "g.street", "g.grid"),
    );
    let user = t.user.to_string();
    let ids = |id: String| {
        vec![
            (id, "g.id::text"),
            (t.site_id.to_string(), "g.site_id::text"),
            (user.clone(), "md5('bench-reporter')::uuid::text"),
            (TEMPLATE_TIME.to_owned(), REPORTED_JSON),
        ]
    };
    let hazard_doc = fill(
        &t.hazard,
        &ids(t.hazard_id.to_string()),
        ("'BD01'", "g.street", "g.grid"),
    );
    let mut event_ids = ids(t.hazard_id.to_string());
    event_ids.push((t.event_id.to_string(), "md5('event' || g.n)::uuid::text"));
    let event_doc = fill(&t.event, &event_ids, ("'BD01'", "g.street", "g.grid"));
    let inspection_doc = fill(
        &t.inspection,
        &[
            (t.inspection_id.to_string(), "g.id::text"),
            (t.site_id.to_string(), "g.site_id::text"),
        ],
        ("'BD01'", "g.street", "g.grid"),
    );
    format!(
        r#"
SELECT setseed(0.2024);
INSERT INTO regions (code, name, level, parent) VALUES ('BD01', '压测区', 'district', NULL);
INSERT INTO regions (code, name, level, parent)
  SELECT 'BD01S' || lpad(s::text, 2, '0'), '压测街道' || s, 'street', 'BD01' FROM generate_series(1, 12) s;
INSERT INTO regions (code, name, level, parent)
  SELECT 'BD01S' || lpad(s::text, 2, '0') || 'G' || lpad(g::text, 2, '0'), '网格' || g, 'grid', 'BD01S' || lpad(s::text, 2, '0')
  FROM generate_series(1, 12) s, generate_series(1, 10) g;

CREATE TEMP TABLE gsites AS
  SELECT n, md5('site' || n)::uuid AS id,
         'BD01S' || lpad((n % 12 + 1)::text, 2, '0') AS street,
         'BD01S' || lpad((n % 12 + 1)::text, 2, '0') || 'G' || lpad(((n / 12) % 10 + 1)::text, 2, '0') AS grid
  FROM generate_series(0, 19999) n;
INSERT INTO sites (id, name, district, street, grid, areas, doc, is_demo, created_at, updated_at, search, ledger_v)
  SELECT g.id, '压测餐饮店', 'BD01', g.street, g.grid, 'gas', {site_doc}, FALSE, now(), now(), '压测餐饮店 压测区压测路1号', 1
  FROM gsites g;

CREATE TEMP TABLE ghaz AS
  SELECT r.n, md5('hazard' || r.n)::uuid AS id, s.id AS site_id, s.street, s.grid,
         CASE WHEN r1 < 0.5 THEN 'gas' WHEN r1 < 0.8 THEN 'factory_warehouse' ELSE 'ebike' END AS area,
         CASE WHEN r2 < 0.05 THEN 'major' ELSE 'general' END AS severity,
         CASE WHEN r4 < 0.80 THEN 'closed' WHEN r4 < 0.84 THEN 'dismissed' WHEN r4 < 0.90 THEN 'rectifying'
              WHEN r4 < 0.93 THEN 'assigned' WHEN r4 < 0.96 THEN 'rectification_submitted'
              WHEN r4 < 0.98 THEN 'reinspection_passed' ELSE 'reported' END AS status,
         TIMESTAMPTZ '2024-01-01 00:00:00+08' + r3 * (now() - TIMESTAMPTZ '2024-01-01 00:00:00+08') AS reported_at,
         r5, r6
  FROM (SELECT n, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6
        FROM generate_series(0, {hazards} - 1) n) r
  JOIN gsites s ON s.n = (r.n::bigint * 7919) % 20000;
ALTER TABLE ghaz ADD COLUMN deadline TIMESTAMPTZ, ADD COLUMN closed_at TIMESTAMPTZ, ADD COLUMN listed BOOLEAN;
UPDATE ghaz SET deadline = CASE WHEN status NOT IN ('reported', 'dismissed') THEN reported_at + INTERVAL '15 days' END,
                closed_at = CASE WHEN status = 'closed' THEN reported_at + r5 * INTERVAL '30 days' END,
                listed = severity = 'major' AND r6 < 0.6;

INSERT INTO hazards (id, site_id, district, street, grid, area, status, severity, deadline, reported_at, doc, updated_at,
                     ledger_v, source, reporter_id, inspection_id, number, site_name, item_id, item_title, description,
                     listed, closed_at, status_rank, search)
  SELECT g.id, g.site_id, 'BD01', g.street, g.grid, g.area, g.status, g.severity, g.deadline, g.reported_at, {hazard_doc}, now(),
         1, 'grid_patrol', md5('bench-reporter')::uuid, NULL, NULL, '压测餐饮店', NULL, NULL, '液化石油气钢瓶设在地下室',
         g.listed, g.closed_at,
         CASE g.status WHEN 'reported' THEN 0 WHEN 'assigned' THEN 1 WHEN 'rectifying' THEN 2
              WHEN 'rectification_submitted' THEN 3 WHEN 'reinspection_passed' THEN 4 WHEN 'closed' THEN 5 ELSE 6 END,
         '压测餐饮店 压测区压测路1号 液化石油气钢瓶设在地下室'
  FROM ghaz g;

-- Each hazard's report event, by one reporter on one device.
INSERT INTO users (id, username, display_name, role, scope, password_hash, disabled, is_demo, created_at)
  VALUES (md5('bench-reporter')::uuid, 'bench-reporter', '压测网格员', 'inspector', '{{"level":"city"}}', '!', TRUE, FALSE, now());
INSERT INTO devices (id, user_id, last_seq, created_at) VALUES (md5('bench-device')::uuid, md5('bench-reporter')::uuid, 0, now());
INSERT INTO hazard_events (id, hazard_id, position, doc, user_id, device_id, received_at)
  SELECT md5('event' || g.n)::uuid, g.id, 0, {event_doc}, md5('bench-reporter')::uuid, md5('bench-device')::uuid, g.reported_at
  FROM ghaz g;

-- The statistics facts, as the domain defines them (anxun_domain::stats::HazardFacts).
INSERT INTO hazard_stats (hazard_id, district, street, grid, area, severity, month, reported_us,
    hazards, closed, major, major_closed, due, on_time, found, major_found, listed_major, closed_timed, close_seconds,
    reinspected, first_pass, due_from_us, overdue_after_us, major_from, major_until)
  SELECT g.id, 'BD01', g.street, g.grid, g.area, g.severity,
         to_char(g.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMM')::int,
         (extract(epoch FROM g.reported_at) * 1000000)::bigint,
         c, cl, mj, mj * cl, cl * (g.deadline IS NOT NULL)::int, (cl = 1 AND g.closed_at <= g.deadline)::int,
         c * (g.r6 < 0.7)::int, c * mj * (g.r6 < 0.7)::int, mj * g.listed::int, cl,
         CASE WHEN cl = 1 THEN extract(epoch FROM g.closed_at - g.reported_at)::bigint ELSE 0 END,
         c * (g.status IN ('closed', 'reinspection_passed'))::int, c * (g.status IN ('closed', 'reinspection_passed') AND g.r5 < 0.85)::int,
         CASE WHEN c = 1 AND cl = 0 AND g.deadline IS NOT NULL THEN (extract(epoch FROM g.deadline) * 1000000)::bigint END,
         CASE WHEN g.status IN ('assigned', 'rectifying') THEN (extract(epoch FROM g.deadline) * 1000000)::bigint END,
         CASE WHEN mj = 1 THEN to_char(g.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMM')::int END,
         CASE WHEN mj = 1 AND cl = 1 THEN to_char(g.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMM')::int END
  FROM (SELECT *, (status <> 'dismissed')::int AS c, (status = 'closed')::int AS cl,
               (status <> 'dismissed' AND severity = 'major')::int AS mj FROM ghaz) g;

CREATE TEMP TABLE ginsp AS
  SELECT i.n, md5('inspection' || i.n)::uuid AS id, s.id AS site_id, s.street, s.grid,
         TIMESTAMPTZ '2024-01-01 00:00:00+08' + random() * (now() - TIMESTAMPTZ '2024-01-01 00:00:00+08') AS started_at
  FROM generate_series(0, {inspections} - 1) AS i(n) JOIN gsites s ON s.n = (i.n::bigint * 104729) % 20000;
INSERT INTO inspections (id, site_id, district, street, grid, status, started_at, doc, created_at, updated_at)
  SELECT g.id, g.site_id, 'BD01', g.street, g.grid, 'completed', g.started_at, {inspection_doc}, now(), now() FROM ginsp g;
INSERT INTO inspection_stats (inspection_id, district, street, grid, area, month, at_us, inspections)
  SELECT g.id, 'BD01', g.street, g.grid, 'gas', to_char((g.started_at + INTERVAL '1 hour') AT TIME ZONE 'Asia/Shanghai', 'YYYYMM')::int,
         (extract(epoch FROM g.started_at + INTERVAL '1 hour') * 1000000)::bigint, 1
  FROM ginsp g;

-- As anxun_server::store::stats::REBUILD_CELLS_SQL.
DELETE FROM hazard_cells;
INSERT INTO hazard_cells (district, street, grid, area, severity, month, hazards, closed, major, major_closed, due, on_time, found, major_found, listed_major, closed_timed, close_seconds, reinspected, first_pass)
  SELECT district, street, grid, area, severity, month, SUM(hazards), SUM(closed), SUM(major), SUM(major_closed), SUM(due), SUM(on_time), SUM(found), SUM(major_found), SUM(listed_major), SUM(closed_timed), SUM(close_seconds), SUM(reinspected), SUM(first_pass)
  FROM hazard_stats GROUP BY district, street, grid, area, severity, month;
DELETE FROM inspection_cells;
INSERT INTO inspection_cells (district, street, grid, area, month, inspections)
  SELECT district, street, grid, area, month, SUM(inspections) FROM inspection_stats GROUP BY district, street, grid, area, month;
-- FREEZE: every page visited and marked all-visible, as autovacuum keeps a live database
-- (index-only scans depend on it).
VACUUM (FREEZE, ANALYZE);
"#,
        hazards = HAZARDS,
        inspections = INSPECTIONS,
    )
}

/// The SQLite flavour of [`script`], for [`SQLITE_HAZARDS`] hazards and
/// [`SQLITE_INSPECTIONS`] inspections (ids are random 16-byte blobs, times RFC 3339 text as
/// sqlx writes them).
fn sqlite_script(t: &Templates) -> String {
    let user = t.user.to_string();
    let uuid = |blob: &str| {
        format!(
            "lower(substr(hex({blob}),1,8)||'-'||substr(hex({blob}),9,4)||'-'||substr(hex({blob}),13,4)||'-'||substr(hex({blob}),17,4)||'-'||substr(hex({blob}),21,12))"
        )
    };
    let (gid, gsite, reporter, event) = (
        uuid("g.id"),
        uuid("g.site_id"),
        uuid("(SELECT id FROM users WHERE username = 'bench-reporter')"),
        uuid("g.event_id"),
    );
    let reported_json = "strftime('%Y-%m-%dT%H:%M:%SZ', g.reported_e, 'unixepoch')";
    let ids = |id: String| {
        vec![
            (id, gid.as_str()),
            (t.site_id.to_string(), gsite.as_str()),
            (user.clone(), reporter.as_str()),
            (TEMPLATE_TIME.to_owned(), reported_json),
        ]
    };
    let region = ("'BD01'", "g.street", "g.grid");
    let site_doc = fill_sqlite(&t.site, &[(t.site_id.to_string(), gid.as_str())], region);
    let hazard_doc = fill_sqlite(&t.hazard, &ids(t.hazard_id.to_string()), region);
    let mut event_ids = ids(t.hazard_id.to_string());
    event_ids.push((t.event_id.to_string(), event.as_str()));
    let event_doc = fill_sqlite(&t.event, &event_ids, region);
    let inspection_doc = fill_sqlite(
        &t.inspection,
        &[
            (t.inspection_id.to_string(), gid.as_str()),
            (t.site_id.to_string(), gsite.as_str()),
        ],
        region,
    );
    let time = |e: &str| format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', {e}, 'unixepoch')");
    let month = |e: &str| format!("CAST(strftime('%Y%m', {e} + 28800, 'unixepoch') AS INTEGER)");
    let (reported, deadline, closed) = (
        time("g.reported_e"),
        time("g.deadline_e"),
        time("g.closed_e"),
    );
    let (reported_month, closed_month) = (month("g.reported_e"), month("g.closed_e"));
    let ended_month = month("g.started_e + 3600");
    let started = time("g.started_e");
    format!(
        r#"
PRAGMA foreign_keys = OFF;
BEGIN;
INSERT INTO regions (code, name, level, parent, is_demo) VALUES ('BD01', '压测区', 'district', NULL, 0);
WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 12)
INSERT INTO regions (code, name, level, parent, is_demo) SELECT 'BD01S' || printf('%02d', n), '压测街道' || n, 'street', 'BD01', 0 FROM s;
WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 12), g(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM g WHERE m < 10)
INSERT INTO regions (code, name, level, parent, is_demo)
  SELECT 'BD01S' || printf('%02d', n) || 'G' || printf('%02d', m), '网格' || m, 'grid', 'BD01S' || printf('%02d', n), 0 FROM s, g;

CREATE TEMP TABLE gsites AS
  WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < 19999)
  SELECT n, randomblob(16) AS id, 'BD01S' || printf('%02d', n % 12 + 1) AS street,
         'BD01S' || printf('%02d', n % 12 + 1) || 'G' || printf('%02d', (n / 12) % 10 + 1) AS grid
  FROM c;
CREATE UNIQUE INDEX temp.gsites_n ON gsites (n);
INSERT INTO sites (id, name, district, street, grid, areas, doc, is_demo, created_at, updated_at, search, ledger_v)
  SELECT g.id, '压测餐饮店', 'BD01', g.street, g.grid, 'gas', {site_doc}, 0, {now}, {now}, '压测餐饮店 压测区压测路1号', 1 FROM gsites g;

CREATE TEMP TABLE ghaz AS
  WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < {hazards} - 1),
  r AS MATERIALIZED (SELECT n, (random() & 268435455) / 268435456.0 AS r1, (random() & 268435455) / 268435456.0 AS r2,
               (random() & 268435455) / 268435456.0 AS r3, (random() & 268435455) / 268435456.0 AS r4,
               (random() & 268435455) / 268435456.0 AS r5, (random() & 268435455) / 268435456.0 AS r6 FROM c)
  SELECT r.n, randomblob(16) AS id, randomblob(16) AS event_id, s.id AS site_id, s.street, s.grid,
         CASE WHEN r1 < 0.5 THEN 'gas' WHEN r1 < 0.8 THEN 'factory_warehouse' ELSE 'ebike' END AS area,
         CASE WHEN r2 < 0.05 THEN 'major' ELSE 'general' END AS severity,
         CASE WHEN r4 < 0.80 THEN 'closed' WHEN r4 < 0.84 THEN 'dismissed' WHEN r4 < 0.90 THEN 'rectifying'
              WHEN r4 < 0.93 THEN 'assigned' WHEN r4 < 0.96 THEN 'rectification_submitted'
              WHEN r4 < 0.98 THEN 'reinspection_passed' ELSE 'reported' END AS status,
         1704038400 + CAST(r3 * (unixepoch('now') - 1704038400) AS INTEGER) AS reported_e, r5, r6
  FROM r JOIN gsites s ON s.n = (r.n * 7919) % 20000;
ALTER TABLE ghaz ADD COLUMN deadline_e INTEGER;
ALTER TABLE ghaz ADD COLUMN closed_e INTEGER;
UPDATE ghaz SET deadline_e = CASE WHEN status NOT IN ('reported', 'dismissed') THEN reported_e + 15 * 86400 END,
                closed_e = CASE WHEN status = 'closed' THEN reported_e + CAST(r5 * 30 * 86400 AS INTEGER) END;

INSERT INTO users (id, username, display_name, role, scope, password_hash, disabled, is_demo, created_at)
  VALUES (randomblob(16), 'bench-reporter', '压测网格员', 'inspector', '{{"level":"city"}}', '!', 1, 0, {now});
INSERT INTO devices (id, user_id, last_seq, created_at)
  SELECT randomblob(16), id, 0, {now} FROM users WHERE username = 'bench-reporter';

INSERT INTO hazards (id, site_id, district, street, grid, area, status, severity, deadline, reported_at, doc, updated_at,
                     ledger_v, source, reporter_id, inspection_id, number, site_name, item_id, item_title, description,
                     listed, closed_at, status_rank, search)
  SELECT g.id, g.site_id, 'BD01', g.street, g.grid, g.area, g.status, g.severity,
         CASE WHEN g.deadline_e IS NOT NULL THEN {deadline} END, {reported}, {hazard_doc}, {now},
         1, 'grid_patrol', (SELECT id FROM users WHERE username = 'bench-reporter'), NULL, NULL, '压测餐饮店', NULL, NULL,
         '液化石油气钢瓶设在地下室', g.severity = 'major' AND g.r6 < 0.6,
         CASE WHEN g.closed_e IS NOT NULL THEN {closed} END,
         CASE g.status WHEN 'reported' THEN 0 WHEN 'assigned' THEN 1 WHEN 'rectifying' THEN 2
              WHEN 'rectification_submitted' THEN 3 WHEN 'reinspection_passed' THEN 4 WHEN 'closed' THEN 5 ELSE 6 END,
         '压测餐饮店 压测区压测路1号 液化石油气钢瓶设在地下室'
  FROM ghaz g;
INSERT INTO hazard_events (id, hazard_id, position, doc, user_id, device_id, received_at)
  SELECT g.event_id, g.id, 0, {event_doc}, (SELECT id FROM users WHERE username = 'bench-reporter'),
         (SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.username = 'bench-reporter'), {reported}
  FROM ghaz g;

INSERT INTO hazard_stats (hazard_id, district, street, grid, area, severity, month, reported_us,
    hazards, closed, major, major_closed, due, on_time, found, major_found, listed_major, closed_timed, close_seconds,
    reinspected, first_pass, due_from_us, overdue_after_us, major_from, major_until)
  SELECT g.id, 'BD01', g.street, g.grid, g.area, g.severity, {reported_month}, g.reported_e * 1000000,
         c, cl, mj, mj * cl, cl * (g.deadline_e IS NOT NULL), (cl = 1 AND g.closed_e <= g.deadline_e),
         c * (g.r6 < 0.7), c * mj * (g.r6 < 0.7), mj * (g.r6 < 0.6), cl,
         CASE WHEN cl = 1 THEN g.closed_e - g.reported_e ELSE 0 END,
         c * (g.status IN ('closed', 'reinspection_passed')), c * (g.status IN ('closed', 'reinspection_passed') AND g.r5 < 0.85),
         CASE WHEN c = 1 AND cl = 0 AND g.deadline_e IS NOT NULL THEN g.deadline_e * 1000000 END,
         CASE WHEN g.status IN ('assigned', 'rectifying') THEN g.deadline_e * 1000000 END,
         CASE WHEN mj = 1 THEN {reported_month} END,
         CASE WHEN mj = 1 AND cl = 1 THEN {closed_month} END
  FROM (SELECT *, (status <> 'dismissed') AS c, (status = 'closed') AS cl,
               (status <> 'dismissed' AND severity = 'major') AS mj FROM ghaz) g;

CREATE TEMP TABLE ginsp AS
  WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < {inspections} - 1)
  SELECT c.n, randomblob(16) AS id, s.id AS site_id, s.street, s.grid,
         1704038400 + CAST((random() & 268435455) / 268435456.0 * (unixepoch('now') - 1704038400) AS INTEGER) AS started_e
  FROM c JOIN gsites s ON s.n = (c.n * 104729) % 20000;
INSERT INTO inspections (id, site_id, district, street, grid, status, started_at, doc, created_at, updated_at)
  SELECT g.id, g.site_id, 'BD01', g.street, g.grid, 'completed', {started}, {inspection_doc}, {now}, {now} FROM ginsp g;
INSERT INTO inspection_stats (inspection_id, district, street, grid, area, month, at_us, inspections)
  SELECT g.id, 'BD01', g.street, g.grid, 'gas', {ended_month}, (g.started_e + 3600) * 1000000, 1 FROM ginsp g;

DELETE FROM hazard_cells;
INSERT INTO hazard_cells (district, street, grid, area, severity, month, hazards, closed, major, major_closed, due, on_time, found, major_found, listed_major, closed_timed, close_seconds, reinspected, first_pass)
  SELECT district, street, grid, area, severity, month, SUM(hazards), SUM(closed), SUM(major), SUM(major_closed), SUM(due), SUM(on_time), SUM(found), SUM(major_found), SUM(listed_major), SUM(closed_timed), SUM(close_seconds), SUM(reinspected), SUM(first_pass)
  FROM hazard_stats GROUP BY district, street, grid, area, severity, month;
DELETE FROM inspection_cells;
INSERT INTO inspection_cells (district, street, grid, area, month, inspections)
  SELECT district, street, grid, area, month, SUM(inspections) FROM inspection_stats GROUP BY district, street, grid, area, month;
COMMIT;
ANALYZE;
"#,
        now = time("unixepoch('now')"),
        hazards = SQLITE_HAZARDS,
        inspections = SQLITE_INSPECTIONS,
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn login(agent: &ureq::Agent, base: &str, username: &str, password: &str) -> Result<String> {
    let body = serde_json::to_vec(&LoginRequest {
        username: username.to_owned(),
        password: password.to_owned(),
    })?;
    let mut response = agent
        .post(&format!("{base}{LOGIN_PATH}"))
        .header("Content-Type", "application/json")
        .send(&body[..])?;
    if response.status() != 200 {
        bail!("signing in as {username}: {}", response.status());
    }
    let login: LoginResponse = serde_json::from_slice(&response.body_mut().read_to_vec()?)?;
    Ok(login.token)
}

/// GET, answering the status, the body and how long it took.
fn get(agent: &ureq::Agent, url: &str, token: &str) -> Result<(u16, Vec<u8>, Duration)> {
    let started = Instant::now();
    let mut response = agent
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .with_context(|| format!("GET {url}"))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()?;
    Ok((status, body, started.elapsed()))
}

/// p50 and p95 of [`RUNS`] requests after 3 warm-ups; answers the last body too.
fn timed(agent: &ureq::Agent, url: &str, token: &str) -> Result<(Duration, Duration, Vec<u8>)> {
    let mut times = Vec::new();
    let mut last = Vec::new();
    for i in 0..RUNS + 3 {
        let (status, body, took) = get(agent, url, token)?;
        if status != 200 {
            bail!("GET {url}: {status} {}", String::from_utf8_lossy(&body));
        }
        if i >= 3 {
            times.push(took);
        }
        last = body;
    }
    times.sort();
    Ok((percentile(&times, 0.5), percentile(&times, 0.95), last))
}

fn start_server(server: &Path, url: &str, port: u16, data: &Path) -> Result<ServerGuard> {
    let child = Command::new(server)
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(data)
        .arg("--database-url")
        .arg(url)
        .arg("--static-dir")
        .arg(data.join("no-app"))
        .env("ANXUN_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("ANXUN_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .context("starting anxun-server")?;
    let guard = ServerGuard(child);
    wait_for_health(&format!("http://127.0.0.1:{port}"))?;
    Ok(guard)
}

/// VmHWM of a process, in MB.
fn peak_rss_mb(pid: u32) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM")?;
    Ok(kb / 1024.0)
}

/// Runs the console benchmark against `server` (the release binary): PostgreSQL with
/// [`HAZARDS`] hazards (dashboard, ledger page, exports), then SQLite with [`SQLITE_HAZARDS`]
/// (dashboard, ledger page).
pub fn run(server: &Path) -> Result<Vec<(String, String)>> {
    step("Console benchmark: PostgreSQL with 1,000,000 hazards and 300,000 inspections");
    let bin = tools::ensure_postgres()?;
    // An existing database to use instead of a fresh cluster (generated into on the first
    // run, reused afterwards: about 4 minutes saved per run when working on a query).
    let kept = std::env::var(KEEP_DB_VAR)
        .ok()
        .filter(|url| !url.is_empty());
    let pg = match kept {
        Some(_) => None,
        None => Some(postgres::TempPostgres::start(&bin)?),
    };
    let url = match (&kept, &pg) {
        (Some(url), _) => url.clone(),
        (None, Some(pg)) => pg.url(),
        (None, None) => unreachable!("a cluster is started when no database is given"),
    };
    let data = std::env::temp_dir().join(format!("anxun-console-bench-{}", std::process::id()));
    std::fs::create_dir_all(&data)?;
    let mut rows = Vec::new();
    let result = measure_postgres(server, &bin, &url, &data, &mut rows);
    drop(pg);
    let _ = std::fs::remove_dir_all(&data);
    result?;
    step("Console benchmark: SQLite with 200,000 hazards and 60,000 inspections");
    std::fs::create_dir_all(&data)?;
    let result = measure_sqlite(server, &data, &mut rows);
    let _ = std::fs::remove_dir_all(&data);
    result?;
    Ok(rows)
}

/// The environment variable naming a PostgreSQL database (URL) to generate the data into
/// once and to measure on, instead of a fresh cluster per run.
const KEEP_DB_VAR: &str = "ANXUN_BENCH_CONSOLE_PG";

/// Feeds `script` to a command's standard input and waits for it to succeed.
fn run_script(mut command: Command, script: &str) -> Result<()> {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("starting the SQL client")?;
    {
        let mut stdin = child.stdin.take().context("stdin")?;
        stdin.write_all(script.as_bytes())?;
    }
    if !child.wait()?.success() {
        bail!("generating the data failed");
    }
    Ok(())
}

fn measure_postgres(
    server: &Path,
    pg_bin: &Path,
    url: &str,
    data: &Path,
    rows: &mut Vec<(String, String)>,
) -> Result<()> {
    let port = postgres::free_port()?;
    // The schema (migrations) and the first administrator.
    drop(start_server(server, url, port, data)?);
    let psql = || {
        let mut psql = Command::new(pg_bin.join("psql"));
        psql.args(["-q", "-v", "ON_ERROR_STOP=1", "-d", url]);
        psql
    };
    let generated = crate::process::output(psql().args([
        "-tA",
        "-c",
        "SELECT COUNT(*) FROM regions WHERE code = 'BD01'",
    ]))?;
    if generated.trim() == "1" {
        println!("The data is already in {url} ({KEEP_DB_VAR}): not generated again");
    } else {
        let started = Instant::now();
        let mut generate = psql();
        generate.args(["-f", "-"]);
        run_script(generate, &script(&templates()?))?;
        rows.push((
            "generate_data".to_owned(),
            format!("{:.0} s", started.elapsed().as_secs_f64()),
        ));
    }
    measure_queries(server, url, port, data, "", HAZARDS, rows)?;
    measure_exports(server, url, port, data, rows)
}

fn measure_sqlite(server: &Path, data: &Path, rows: &mut Vec<(String, String)>) -> Result<()> {
    let port = postgres::free_port()?;
    let db = data.join("anxun.db");
    let url = format!("sqlite://{}", db.display());
    drop(start_server(server, &url, port, data)?);
    let started = Instant::now();
    let mut sqlite = Command::new("sqlite3");
    sqlite.args(["-bail"]).arg(&db);
    run_script(sqlite, &sqlite_script(&templates()?))?;
    rows.push((
        "sqlite_generate_data".to_owned(),
        format!("{:.0} s", started.elapsed().as_secs_f64()),
    ));
    measure_queries(server, &url, port, data, "sqlite_", SQLITE_HAZARDS, rows)
}

/// The dashboard and a ledger page as a district supervisor (created here).
fn measure_queries(
    server: &Path,
    url: &str,
    port: u16,
    data: &Path,
    prefix: &str,
    expected: u64,
    rows: &mut Vec<(String, String)>,
) -> Result<()> {
    let base = format!("http://127.0.0.1:{port}");
    let agent = agent();
    let _guard = start_server(server, url, port, data)?;
    let admin = login(&agent, &base, "admin", ADMIN_PASSWORD)?;
    let create = serde_json::json!({
        "username": "bench-district",
        "display_name": "区级监管",
        "password": SUPERVISOR_PASSWORD,
        "role": "supervisor",
        "scope": {"level": "district", "district": "BD01"},
    });
    let response = agent
        .post(&format!("{base}/api/admin/users"))
        .header("Authorization", &format!("Bearer {admin}"))
        .header("Content-Type", "application/json")
        .send(&serde_json::to_vec(&create)?[..])?;
    // 409: made by an earlier run on a kept database (ANXUN_BENCH_CONSOLE_PG).
    if !matches!(response.status().as_u16(), 201 | 409) {
        bail!("creating the district supervisor: {}", response.status());
    }
    let token = login(&agent, &base, "bench-district", SUPERVISOR_PASSWORD)?;

    let (p50, p95, body) = timed(&agent, &format!("{base}/api/stats?group=street"), &token)?;
    let stats: serde_json::Value = serde_json::from_slice(&body)?;
    let hazards = stats["overall"]["hazards"].as_u64().unwrap_or(0);
    if hazards < expected * 9 / 10 {
        bail!("the dashboard counts {hazards} hazards; the data has {expected}");
    }
    rows.push((format!("{prefix}dashboard_stats_p50"), millis(p50)));
    rows.push((format!("{prefix}dashboard_stats_p95"), millis(p95)));

    let ledger =
        format!("{base}/api/hazards?status=open&area=gas&street=BD01S03&page=3&per_page=50");
    let (p50, p95, body) = timed(&agent, &ledger, &token)?;
    let page: serde_json::Value = serde_json::from_slice(&body)?;
    rows.push((format!("{prefix}ledger_page_p50"), millis(p50)));
    rows.push((format!("{prefix}ledger_page_p95"), millis(p95)));
    rows.push((
        format!("{prefix}ledger_page_total"),
        page["total"].as_u64().unwrap_or(0).to_string(),
    ));
    // The ledger's other ways in, each a page as the console asks for it (p95 only).
    for (name, query) in LEDGER_VARIANTS {
        let (_, p95, _) = timed(&agent, &format!("{base}/api/hazards?{query}"), &token)?;
        rows.push((format!("{prefix}ledger_{name}_p95"), millis(p95)));
    }
    Ok(())
}

/// More ledger pages measured (name, query): every sort, deep pages, the status filters and
/// free text. In the generated data every hazard has the same text, so the search matches
/// every row of the district: the worst case for `LIKE '%…%'`, which no index serves.
const LEDGER_VARIANTS: [(&str, &str); 8] = [
    ("first_page", "page=1"),
    ("deadline_sort", "sort=deadline&dir=asc&street=BD01S07"),
    ("deadline_desc_page_30", "sort=deadline&dir=desc&page=30"),
    ("severity_sort_page_200", "sort=severity&dir=desc&page=200"),
    ("status_sort", "sort=status&dir=asc&page=20"),
    ("site_sort", "sort=site&dir=asc&page=50"),
    ("overdue", "status=overdue"),
    ("free_text_all_rows", "q=%E9%92%A2%E7%93%B6"),
];

/// The XLSX export of about 100,000 and 10,000 hazards, each on a freshly started server so
/// that its peak memory is the export's.
fn measure_exports(
    server: &Path,
    url: &str,
    port: u16,
    data: &Path,
    rows: &mut Vec<(String, String)>,
) -> Result<()> {
    let base = format!("http://127.0.0.1:{port}");
    // An export of 100,000 rows takes seconds; a slow machine must not fail the benchmark.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(600)))
        .http_status_as_error(false)
        .build()
        .into();
    for (name, from, to) in [
        ("100k", "2025-01-01", "2025-04-15"),
        ("10k", "2025-01-01", "2025-01-11"),
    ] {
        let guard = start_server(server, url, port, data)?;
        let token = login(&agent, &base, "bench-district", SUPERVISOR_PASSWORD)?;
        let query = format!("from={from}&to={to}");
        let (_, body, _) = get(
            &agent,
            &format!("{base}/api/hazards?{query}&per_page=1"),
            &token,
        )?;
        let total = serde_json::from_slice::<serde_json::Value>(&body)?["total"]
            .as_u64()
            .unwrap_or(0);
        let (status, body, took) = get(
            &agent,
            &format!("{base}/api/exports/hazards.xlsx?{query}"),
            &token,
        )?;
        if status != 200 {
            bail!("XLSX export: {status}");
        }
        let peak = peak_rss_mb(guard.0.id())?;
        rows.push((format!("xlsx_{name}_rows"), total.to_string()));
        rows.push((
            format!("xlsx_{name}_time"),
            format!(
                "{:.1} s ({:.1} MB)",
                took.as_secs_f64(),
                body.len() as f64 / 1e6
            ),
        ));
        rows.push((format!("xlsx_{name}_peak_rss"), format!("{peak:.0} MB")));
        drop(guard);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_are_the_domains_and_fill_every_placeholder() {
        let t = templates().unwrap();
        let sql = script(&t);
        for placeholder in [P_DISTRICT, P_STREET, P_GRID] {
            assert!(t.hazard.contains(placeholder) && t.site.contains(placeholder));
        }
        assert!(sql.contains(&format!("'{}', g.id::text", t.hazard_id)));
        assert!(sql.contains(&format!("'{}', g.site_id::text", t.site_id)));
        let sqlite = sqlite_script(&t);
        assert!(!sqlite.contains("$doc$") && sqlite.contains(&t.hazard_id.to_string()));
        // The JSON with another id and region still parses as the domain's.
        let hazard = t
            .hazard
            .replace(&t.hazard_id.to_string(), &HazardId::generate().to_string())
            .replace(P_GRID, "BD01S01G01")
            .replace(P_STREET, "BD01S01")
            .replace(P_DISTRICT, "BD01");
        let json: serde_json::Value = serde_json::from_str(&hazard).unwrap();
        assert!(json.to_string().contains("\"BD01S01G01\""));
        assert!(t.event.contains(TEMPLATE_TIME) && t.hazard.contains(TEMPLATE_TIME));
        assert!(t.event.contains(&t.user.to_string()));
        let event = t.event.replace(TEMPLATE_TIME, "2025-03-04T05:06:07Z");
        let event: HazardEvent = serde_json::from_str(
            &event
                .replace(P_GRID, "BD01S01G01")
                .replace(P_STREET, "BD01S01")
                .replace(P_DISTRICT, "BD01"),
        )
        .unwrap();
        assert_eq!(event.at.to_rfc3339(), "2025-03-04T05:06:07+00:00");
        let site = t.site.replace(P_GRID, "BD01S01G01");
        assert!(
            serde_json::from_str::<Site>(
                &site
                    .replace(P_STREET, "BD01S01")
                    .replace(P_DISTRICT, "BD01")
            )
            .is_ok()
        );
    }
}
