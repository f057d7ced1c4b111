//! Statistics (migration 0006): every hazard's and inspection's additive facts, as the domain
//! computes them ([`anxun_domain::stats::HazardFacts`], [`anxun_domain::stats::InspectionFacts`]),
//! and their sums per cell (district, street, grid, area, level, month).
//!
//! Writing: the push path calls [`write_hazard_facts!`] after each write of a hazard's
//! projection and [`write_inspection_facts!`] after each write of an inspection, in the same
//! transaction. The record's row in `hazard_stats` / `inspection_stats` is replaced and its
//! cell gets the difference (old cell minus, new cell plus), gathered in a [`CellDeltas`] and
//! written by [`flush_cells!`] before commit, once per cell and in key order (so that two
//! transactions never wait for each other's cells in opposite orders).
//!
//! Reading ([`Db::stats_tallies`]): SQL only sums columns the domain filled in. The
//! time-independent part comes from the cells (a few thousand rows even for a million hazards),
//! plus the per-record rows of the months a date filter cuts through; the time-dependent part
//! (due, overdue) counts the per-hazard instants against `now`, through partial indexes on the
//! few open hazards with a deadline; the open major hazards per month count per (reported month,
//! closed month) pair. The domain then turns the sums into figures
//! ([`anxun_domain::stats::Report::from_tally`], [`anxun_domain::stats::grouped_from_tallies`]).

use super::{Db, StoreError, on_pool, pull::scope_filter};
use anxun_domain::{
    api::stats::{StatsQuery, YearMonth},
    hazard::{Hazard, HazardEvent, Severity},
    inspection::{Inspection, InspectionStatus},
    region::{RegionCode, RegionPath, Scope},
    site::Area,
    stats::{Dimension, GroupValue, HazardFacts, HazardSummary, InspectionSummary, Tally},
    template::TemplateRef,
};
use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::Row;

/// The fact columns of `hazard_stats` and `hazard_cells`, in [`tally_columns`] order.
pub const HAZARD_FACTS: [&str; 13] = [
    "hazards",
    "closed",
    "major",
    "major_closed",
    "due",
    "on_time",
    "found",
    "major_found",
    "listed_major",
    "closed_timed",
    "close_seconds",
    "reinspected",
    "first_pass",
];

/// A tally's time-independent hazard columns, in [`HAZARD_FACTS`] order.
fn tally_columns(t: &Tally) -> [u64; 13] {
    [
        t.hazards,
        t.closed,
        t.major,
        t.major_closed,
        t.due,
        t.on_time,
        t.found,
        t.major_found,
        t.listed_major,
        t.closed_timed,
        t.close_seconds,
        t.reinspected,
        t.first_pass,
    ]
}

fn tally_from_columns(c: [u64; 13]) -> Tally {
    Tally {
        hazards: c[0],
        closed: c[1],
        major: c[2],
        major_closed: c[3],
        due: c[4],
        on_time: c[5],
        found: c[6],
        major_found: c[7],
        listed_major: c[8],
        closed_timed: c[9],
        close_seconds: c[10],
        reinspected: c[11],
        first_pass: c[12],
        overdue: 0,
        inspections: 0,
    }
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(corrupt)
}

fn to_u64(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(corrupt)
}

/// Microseconds since 1970, how the statistics tables store instants (the same on both
/// backends). The server evaluates time-dependent figures at a `now` with whole microseconds.
pub fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// `now`, cut to whole microseconds (the precision of the stored instants).
pub fn now_micros() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

fn severity_code(severity: Severity) -> &'static str {
    match severity {
        Severity::General => "general",
        Severity::Major => "major",
    }
}

fn parse_severity(code: &str) -> Result<Severity, StoreError> {
    match code {
        "general" => Ok(Severity::General),
        "major" => Ok(Severity::Major),
        other => Err(corrupt(format!("unknown severity `{other}`"))),
    }
}

/// Where a hazard's facts are summed: its cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellKey {
    pub district: String,
    pub street: String,
    pub grid: String,
    pub area: String,
    pub severity: String,
    pub month: i32,
}

/// The key of an `inspection_cells` row: district, street, grid, area, month.
pub type InspectionCellKey = (String, String, String, String, i32);

/// What the records written in one transaction add to the cells, gathered while they are
/// written and applied by [`flush_cells!`] once per cell before commit: a push of many
/// findings of one site updates its cell once instead of once per finding. Kept in key order
/// (two transactions never wait for each other's cells in opposite orders).
#[derive(Debug, Default)]
pub struct CellDeltas {
    pub hazards: std::collections::BTreeMap<CellKey, [i64; 13]>,
    pub inspections: std::collections::BTreeMap<InspectionCellKey, i64>,
    /// Hazards' `hazard_stats` rows as this transaction left them (`None`: known to have
    /// none, a hazard reported in it), so that a second event of one hazard in a batch does
    /// not read its row again.
    pub written: std::collections::HashMap<uuid::Uuid, Option<(CellKey, [i64; 13])>>,
}

impl CellDeltas {
    /// Adds a hazard's [`cell_deltas`].
    pub fn add_hazard(&mut self, deltas: Vec<(CellKey, [i64; 13])>) {
        for (key, delta) in deltas {
            let sum = self.hazards.entry(key).or_insert([0; 13]);
            for (s, d) in sum.iter_mut().zip(delta) {
                *s += d;
            }
        }
    }

    /// Records that the hazard has no `hazard_stats` row yet (its report is being applied).
    pub fn new_hazard(&mut self, id: uuid::Uuid) {
        self.written.entry(id).or_insert(None);
    }

    /// Adds `n` inspections to a cell.
    pub fn add_inspections(&mut self, key: InspectionCellKey, n: i64) {
        *self.inspections.entry(key).or_insert(0) += n;
    }

    /// Takes the non-zero deltas out, in key order.
    #[allow(clippy::type_complexity)]
    pub fn take(&mut self) -> (Vec<(CellKey, [i64; 13])>, Vec<(InspectionCellKey, i64)>) {
        let hazards = std::mem::take(&mut self.hazards)
            .into_iter()
            .filter(|(_, d)| d.iter().any(|&n| n != 0))
            .collect();
        let inspections = std::mem::take(&mut self.inspections)
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .collect();
        (hazards, inspections)
    }
}

/// A hazard's row of `hazard_stats`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HazardRow {
    pub cell: CellKey,
    pub reported_us: i64,
    pub facts: [i64; 13],
    pub due_from_us: Option<i64>,
    pub overdue_after_us: Option<i64>,
    pub major_from: Option<i32>,
    pub major_until: Option<i32>,
}

impl HazardRow {
    /// The row of a hazard as it is now.
    pub fn of(hazard: &Hazard) -> Result<HazardRow, StoreError> {
        HazardRow::of_summary(&hazard.summary())
    }

    /// The row of a hazard's summary.
    pub fn of_summary(summary: &HazardSummary) -> Result<HazardRow, StoreError> {
        let HazardFacts {
            fixed,
            due_from,
            overdue_after,
            month,
            major_open,
        } = summary.facts();
        let mut facts = [0i64; 13];
        for (slot, value) in facts.iter_mut().zip(tally_columns(&fixed)) {
            *slot = to_i64(value)?;
        }
        Ok(HazardRow {
            cell: CellKey {
                district: summary.region.district.as_str().to_owned(),
                street: summary.region.street.as_str().to_owned(),
                grid: summary.region.grid.as_str().to_owned(),
                area: summary.area.code().to_owned(),
                severity: severity_code(summary.severity).to_owned(),
                month: month.number(),
            },
            reported_us: micros(summary.reported_at),
            facts,
            due_from_us: due_from.map(micros),
            overdue_after_us: overdue_after.map(micros),
            major_from: major_open.map(|(from, _)| from.number()),
            major_until: major_open
                .and_then(|(_, until)| until)
                .map(YearMonth::number),
        })
    }
}

/// What to add to which cells when a hazard's row goes from `old` to `new`: one entry per
/// cell, in key order, without entries that add nothing.
pub fn cell_deltas(
    old: Option<(CellKey, [i64; 13])>,
    new: (&CellKey, &[i64; 13]),
) -> Vec<(CellKey, [i64; 13])> {
    let mut deltas: Vec<(CellKey, [i64; 13])> = vec![(new.0.clone(), *new.1)];
    if let Some((key, facts)) = old {
        let negated = facts.map(|f| -f);
        match deltas.iter_mut().find(|(k, _)| *k == key) {
            Some((_, d)) => {
                for (d, n) in d.iter_mut().zip(negated) {
                    *d += n;
                }
            }
            None => deltas.push((key, negated)),
        }
    }
    deltas.retain(|(_, d)| d.iter().any(|&n| n != 0));
    deltas.sort_by(|a, b| a.0.cmp(&b.0));
    deltas
}

/// `SELECT` of a hazard's current cell and facts.
pub static SELECT_HAZARD_ROW: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(select_hazard_row_sql);

/// See [`upsert_hazard_row_sql`].
pub static UPSERT_HAZARD_ROW: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(upsert_hazard_row_sql);

/// See [`add_to_cell_sql`].
pub static ADD_TO_CELL: std::sync::LazyLock<String> = std::sync::LazyLock::new(add_to_cell_sql);

fn select_hazard_row_sql() -> String {
    format!(
        "SELECT district, street, grid, area, severity, month, {} FROM hazard_stats WHERE hazard_id = $1",
        HAZARD_FACTS.join(", ")
    )
}

/// Replaces a hazard's row: `$1` id, `$2..$7` cell, `$8` reported_us, then the facts, then
/// due_from_us, overdue_after_us, major_from, major_until.
fn upsert_hazard_row_sql() -> String {
    let columns = HAZARD_FACTS.join(", ");
    let n = HAZARD_FACTS.len();
    let params: Vec<String> = (1..=8 + n + 4).map(|i| format!("${i}")).collect();
    let updates: Vec<String> = [
        "district",
        "street",
        "grid",
        "area",
        "severity",
        "month",
        "reported_us",
    ]
    .iter()
    .chain(HAZARD_FACTS.iter())
    .chain(
        [
            "due_from_us",
            "overdue_after_us",
            "major_from",
            "major_until",
        ]
        .iter(),
    )
    .map(|c| format!("{c} = excluded.{c}"))
    .collect();
    format!(
        "INSERT INTO hazard_stats (hazard_id, district, street, grid, area, severity, month, reported_us, {columns}, \
         due_from_us, overdue_after_us, major_from, major_until) VALUES ({}) \
         ON CONFLICT (hazard_id) DO UPDATE SET {}",
        params.join(", "),
        updates.join(", ")
    )
}

/// Adds to a cell: `$1..$6` the key, then the facts.
fn add_to_cell_sql() -> String {
    let columns = HAZARD_FACTS.join(", ");
    let params: Vec<String> = (1..=6 + HAZARD_FACTS.len())
        .map(|i| format!("${i}"))
        .collect();
    let updates: Vec<String> = HAZARD_FACTS
        .iter()
        .map(|c| format!("{c} = hazard_cells.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO hazard_cells (district, street, grid, area, severity, month, {columns}) VALUES ({}) \
         ON CONFLICT (district, street, grid, area, severity, month) DO UPDATE SET {}",
        params.join(", "),
        updates.join(", ")
    )
}

/// Writes a hazard's statistics facts inside the open transaction `$tx` (on either backend):
/// `$hazard` is the [`anxun_domain::hazard::Hazard`] as just written to `hazards`. Call it
/// wherever the projection is written. A macro because the transaction's type differs per
/// backend (it runs inside [`super::on_pool!`]).
macro_rules! write_hazard_facts {
    ($tx:expr, $hazard:expr, $cells:expr) => {{
        let hazard: &anxun_domain::hazard::Hazard = $hazard;
        let row = $crate::store::stats::HazardRow::of(hazard)?;
        let id = hazard.id().as_uuid();
        let old = match $cells.written.get(&id) {
            Some(known) => known.clone(),
            None => {
                let old = sqlx::query(&$crate::store::stats::SELECT_HAZARD_ROW)
                    .bind(id)
                    .fetch_optional(&mut *$tx)
                    .await?;
                match old {
                    Some(old) => Some($crate::store::stats::read_cell_row(&old)?),
                    None => None,
                }
            }
        };
        $cells
            .written
            .insert(id, Some((row.cell.clone(), row.facts)));
        let mut upsert = sqlx::query(&$crate::store::stats::UPSERT_HAZARD_ROW)
            .bind(id)
            .bind(row.cell.district.as_str())
            .bind(row.cell.street.as_str())
            .bind(row.cell.grid.as_str())
            .bind(row.cell.area.as_str())
            .bind(row.cell.severity.as_str())
            .bind(row.cell.month)
            .bind(row.reported_us);
        for fact in row.facts {
            upsert = upsert.bind(fact);
        }
        upsert
            .bind(row.due_from_us)
            .bind(row.overdue_after_us)
            .bind(row.major_from)
            .bind(row.major_until)
            .execute(&mut *$tx)
            .await?;
        $cells.add_hazard($crate::store::stats::cell_deltas(
            old,
            (&row.cell, &row.facts),
        ));
    }};
}
pub(crate) use write_hazard_facts;

/// Applies the gathered [`CellDeltas`] `$cells` inside the open transaction `$tx`: one
/// statement per cell. Call it before `commit` of every transaction that wrote facts.
macro_rules! flush_cells {
    ($tx:expr, $cells:expr) => {{
        let (hazard_cells, inspection_cells) = $cells.take();
        for (key, delta) in hazard_cells {
            let mut add = sqlx::query(&$crate::store::stats::ADD_TO_CELL)
                .bind(key.district)
                .bind(key.street)
                .bind(key.grid)
                .bind(key.area)
                .bind(key.severity)
                .bind(key.month);
            for d in delta {
                add = add.bind(d);
            }
            add.execute(&mut *$tx).await?;
        }
        for ((district, street, grid, area, month), n) in inspection_cells {
            sqlx::query(
                "INSERT INTO inspection_cells (district, street, grid, area, month, inspections) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (district, street, grid, area, month) \
                 DO UPDATE SET inspections = inspection_cells.inspections + excluded.inspections",
            )
            .bind(district)
            .bind(street)
            .bind(grid)
            .bind(area)
            .bind(month)
            .bind(n)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use flush_cells;

/// Reads `district, street, grid, area, severity, month, <facts>` from a row.
pub fn read_cell_row<R: Row>(row: &R) -> Result<(CellKey, [i64; 13]), StoreError>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut facts = [0i64; 13];
    for (i, slot) in facts.iter_mut().enumerate() {
        *slot = row.try_get(6 + i)?;
    }
    Ok((
        CellKey {
            district: row.try_get(0)?,
            street: row.try_get(1)?,
            grid: row.try_get(2)?,
            area: row.try_get(3)?,
            severity: row.try_get(4)?,
            month: row.try_get(5)?,
        },
        facts,
    ))
}

/// The area of a template the server knows (the built-in templates), if any. Published
/// versions keep their template's id and area and an area has one template
/// (`anxun_domain::templates::check_publish`), so the built-in ids cover them too.
pub fn template_area(template: &TemplateRef) -> Option<Area> {
    static AREAS: std::sync::OnceLock<Vec<(String, Area)>> = std::sync::OnceLock::new();
    AREAS
        .get_or_init(|| {
            anxun_domain::templates::builtin()
                .into_iter()
                .map(|t| (t.id.as_str().to_owned(), t.area))
                .collect()
        })
        .iter()
        .find(|(id, _)| id == template.id.as_str())
        .map(|(_, area)| *area)
}

/// An inspection's row of `inspection_stats` (`None` for a template the server does not
/// know: no area to count it under).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionRow {
    pub district: String,
    pub street: String,
    pub grid: String,
    pub area: String,
    pub month: i32,
    pub at_us: i64,
    pub inspections: i64,
}

impl InspectionRow {
    /// The row of an inspection of a site in `region`.
    pub fn of(
        inspection: &Inspection,
        region: &RegionPath,
    ) -> Result<Option<InspectionRow>, StoreError> {
        let Some(area) = template_area(&inspection.template) else {
            return Ok(None);
        };
        let summary = InspectionSummary {
            area,
            region: region.clone(),
            at: inspection.ended_at.unwrap_or(inspection.started_at),
            completed: inspection.status == InspectionStatus::Completed,
        };
        let facts = summary.facts();
        Ok(Some(InspectionRow {
            district: region.district.as_str().to_owned(),
            street: region.street.as_str().to_owned(),
            grid: region.grid.as_str().to_owned(),
            area: area.code().to_owned(),
            month: facts.month.number(),
            at_us: micros(summary.at),
            inspections: to_i64(facts.tally.inspections)?,
        }))
    }
}

/// Writes an inspection's statistics facts inside the open transaction `$tx`: `$inspection`
/// as just written to `inspections`, `$region` its site's region.
macro_rules! write_inspection_facts {
    ($tx:expr, $inspection:expr, $region:expr, $cells:expr) => {{
        let inspection: &anxun_domain::inspection::Inspection = $inspection;
        let id = inspection.id.as_uuid();
        let old = sqlx::query(
            "SELECT district, street, grid, area, month, inspections FROM inspection_stats WHERE inspection_id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some(old) = old {
            let key: (String, String, String, String, i32) = (
                old.try_get(0)?,
                old.try_get(1)?,
                old.try_get(2)?,
                old.try_get(3)?,
                old.try_get(4)?,
            );
            let n: i64 = old.try_get(5)?;
            $cells.add_inspections(key, -n);
            sqlx::query("DELETE FROM inspection_stats WHERE inspection_id = $1")
                .bind(id)
                .execute(&mut *$tx)
                .await?;
        }
        if let Some(row) = $crate::store::stats::InspectionRow::of(inspection, $region)? {
            sqlx::query(
                "INSERT INTO inspection_stats (inspection_id, district, street, grid, area, month, at_us, inspections) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(row.district.as_str())
            .bind(row.street.as_str())
            .bind(row.grid.as_str())
            .bind(row.area.as_str())
            .bind(row.month)
            .bind(row.at_us)
            .bind(row.inspections)
            .execute(&mut *$tx)
            .await?;
            let key = (row.district, row.street, row.grid, row.area, row.month);
            $cells.add_inspections(key, row.inspections);
        }
    }};
}
pub(crate) use write_inspection_facts;

/// Rebuilds both cell tables from the per-record rows (after a bulk load that wrote only those,
/// e.g. the benchmark's generated data).
pub const REBUILD_CELLS_SQL: [&str; 4] = [
    "DELETE FROM hazard_cells",
    "INSERT INTO hazard_cells (district, street, grid, area, severity, month, hazards, closed, major, major_closed, due, on_time, found, major_found, listed_major, closed_timed, close_seconds, reinspected, first_pass) \
     SELECT district, street, grid, area, severity, month, SUM(hazards), SUM(closed), SUM(major), SUM(major_closed), SUM(due), SUM(on_time), SUM(found), SUM(major_found), SUM(listed_major), SUM(closed_timed), SUM(close_seconds), SUM(reinspected), SUM(first_pass) \
     FROM hazard_stats GROUP BY district, street, grid, area, severity, month",
    "DELETE FROM inspection_cells",
    "INSERT INTO inspection_cells (district, street, grid, area, month, inspections) \
     SELECT district, street, grid, area, month, SUM(inspections) FROM inspection_stats GROUP BY district, street, grid, area, month",
];

/// A bound parameter of a statistics query.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bind {
    Text(String),
    Int(i64),
}

/// A statistics query being built: its text and its parameters `$1`, `$2`, ...
#[derive(Debug, Default)]
struct Sql {
    binds: Vec<Bind>,
}

impl Sql {
    fn param(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }
}

/// The Shanghai midnight starting `date`, in microseconds.
fn shanghai_midnight_us(date: NaiveDate) -> i64 {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    micros(DateTime::<Utc>::from_naive_utc_and_offset(midnight, Utc)) - 8 * 3_600 * 1_000_000
}

/// How a `from`/`to` filter splits: whole months read from the cells, the instants between
/// which the per-record rows of the other months count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Period {
    /// First and last whole month (YYYYMM); `first > last` when no month is whole.
    first_month: i32,
    last_month: i32,
    from_us: i64,
    to_us: i64,
}

impl Period {
    fn of(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Option<Period> {
        if from.is_none() && to.is_none() {
            return None;
        }
        let (first_month, from_us) = match from {
            None => (0, i64::MIN),
            Some(from) => {
                let month = YearMonth::of(from);
                let first = if from == month.first_day() {
                    month
                } else {
                    month.next()
                };
                (first.number(), shanghai_midnight_us(from))
            }
        };
        let (last_month, to_us) = match to {
            None => (999_999, i64::MAX),
            Some(to) => {
                let month = YearMonth::of(to);
                let last = if to == month.last_day() {
                    month.number()
                } else {
                    // The month before `to`'s (an impossible month 0 for January is fine: it
                    // only bounds a range).
                    month.number() - 1
                };
                let end = to.checked_add_days(Days::new(1)).unwrap_or(to);
                (last, shanghai_midnight_us(end))
            }
        };
        Some(Period {
            first_month,
            last_month,
            from_us,
            to_us,
        })
    }
}

/// `AND ...` conditions of the query's filters and the caller's scope, on columns without a
/// table prefix. `with_severity`: hazards have a level, inspections do not.
fn filters(sql: &mut Sql, scope: &Scope, query: &StatsQuery, with_severity: bool) -> String {
    let (scope_sql, codes) = scope_filter(scope, "", sql.binds.len() + 1);
    sql.binds
        .extend(codes.into_iter().map(|c| Bind::Text(c.to_owned())));
    let mut out = scope_sql;
    for (column, code) in [
        ("district", &query.district),
        ("street", &query.street),
        ("grid", &query.grid),
    ] {
        if let Some(code) = code {
            let p = sql.param(Bind::Text(code.as_str().to_owned()));
            out.push_str(&format!(" AND {column} = {p}"));
        }
    }
    if let Some(area) = query.area {
        let p = sql.param(Bind::Text(area.code().to_owned()));
        out.push_str(&format!(" AND area = {p}"));
    }
    if let Some(severity) = query.severity.filter(|_| with_severity) {
        let p = sql.param(Bind::Text(severity_code(severity).to_owned()));
        out.push_str(&format!(" AND severity = {p}"));
    }
    out
}

/// The columns a dimension groups by (for hazards; `None` for inspections by level).
fn group_columns(dimension: Option<Dimension>, hazards: bool) -> &'static [&'static str] {
    match dimension {
        None => &[],
        Some(Dimension::Area) => &["area"],
        Some(Dimension::Severity) if hazards => &["severity"],
        Some(Dimension::Severity) => &[],
        Some(Dimension::District) => &["district"],
        Some(Dimension::Street) => &["district", "street"],
        Some(Dimension::Grid) => &["district", "street", "grid"],
        Some(Dimension::Month | Dimension::Quarter) => &["month"],
    }
}

/// The summed time-independent hazard facts (cells, plus the edge months' rows).
fn hazard_sums_sql(
    scope: &Scope,
    query: &StatsQuery,
    dimension: Option<Dimension>,
    period: Option<Period>,
) -> (String, Vec<Bind>) {
    let mut sql = Sql::default();
    let f = filters(&mut sql, scope, query, true);
    let groups = group_columns(dimension, true);
    let facts = HAZARD_FACTS.join(", ");
    let keys = "district, street, grid, area, severity, month";
    let source = match period {
        None => format!("SELECT {keys}, {facts} FROM hazard_cells WHERE 1 = 1{f}"),
        Some(p) => {
            let first = sql.param(Bind::Int(p.first_month.into()));
            let last = sql.param(Bind::Int(p.last_month.into()));
            let from = sql.param(Bind::Int(p.from_us));
            let to = sql.param(Bind::Int(p.to_us));
            format!(
                "SELECT {keys}, {facts} FROM hazard_cells WHERE 1 = 1{f} AND month BETWEEN {first} AND {last} \
                 UNION ALL \
                 SELECT {keys}, {facts} FROM hazard_stats WHERE 1 = 1{f} AND reported_us >= {from} AND reported_us < {to} \
                 AND (month < {first} OR month > {last})"
            )
        }
    };
    let sums: Vec<String> = HAZARD_FACTS
        .iter()
        .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT)"))
        .collect();
    (
        select_grouped(groups, &sums.join(", "), &format!("({source}) AS t"), ""),
        sql.binds,
    )
}

fn select_grouped(groups: &[&str], sums: &str, from: &str, condition: &str) -> String {
    if groups.is_empty() {
        format!("SELECT {sums} FROM {from}{condition}")
    } else {
        let g = groups.join(", ");
        format!("SELECT {g}, {sums} FROM {from}{condition} GROUP BY {g}")
    }
}

/// Due and overdue hazards at `now`.
fn hazard_due_sql(
    scope: &Scope,
    query: &StatsQuery,
    dimension: Option<Dimension>,
    period: Option<Period>,
    now: DateTime<Utc>,
) -> (String, Vec<Bind>) {
    let mut sql = Sql::default();
    let now = sql.param(Bind::Int(micros(now)));
    let f = filters(&mut sql, scope, query, true);
    // The second condition is the partial index's (migration 0008), written out so that
    // SQLite uses it too.
    let mut condition = format!(
        " WHERE (due_from_us <= {now} OR overdue_after_us < {now}) \
         AND (due_from_us IS NOT NULL OR overdue_after_us IS NOT NULL){f}"
    );
    if let Some(p) = period {
        let from = sql.param(Bind::Int(p.from_us));
        let to = sql.param(Bind::Int(p.to_us));
        condition.push_str(&format!(
            " AND reported_us >= {from} AND reported_us < {to}"
        ));
    }
    let sums = format!(
        "CAST(COALESCE(SUM(CASE WHEN due_from_us <= {now} THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN overdue_after_us < {now} THEN 1 ELSE 0 END), 0) AS BIGINT)"
    );
    (
        select_grouped(
            group_columns(dimension, true),
            &sums,
            "hazard_stats",
            &condition,
        ),
        sql.binds,
    )
}

/// Completed inspections.
fn inspection_sums_sql(
    scope: &Scope,
    query: &StatsQuery,
    dimension: Option<Dimension>,
    period: Option<Period>,
) -> (String, Vec<Bind>) {
    let mut sql = Sql::default();
    let f = filters(&mut sql, scope, query, false);
    let keys = "district, street, grid, area, month";
    let source = match period {
        None => format!("SELECT {keys}, inspections FROM inspection_cells WHERE 1 = 1{f}"),
        Some(p) => {
            let first = sql.param(Bind::Int(p.first_month.into()));
            let last = sql.param(Bind::Int(p.last_month.into()));
            let from = sql.param(Bind::Int(p.from_us));
            let to = sql.param(Bind::Int(p.to_us));
            format!(
                "SELECT {keys}, inspections FROM inspection_cells WHERE 1 = 1{f} AND month BETWEEN {first} AND {last} \
                 UNION ALL \
                 SELECT {keys}, inspections FROM inspection_stats WHERE 1 = 1{f} AND at_us >= {from} AND at_us < {to} \
                 AND (month < {first} OR month > {last})"
            )
        }
    };
    (
        select_grouped(
            group_columns(dimension, false),
            "CAST(COALESCE(SUM(inspections), 0) AS BIGINT)",
            &format!("({source}) AS t"),
            "",
        ),
        sql.binds,
    )
}

/// Counted major hazards per (reported month, closed month).
fn open_major_sql(scope: &Scope, query: &StatsQuery) -> (String, Vec<Bind>) {
    let mut sql = Sql::default();
    let f = filters(&mut sql, scope, query, true);
    (
        format!(
            "SELECT major_from, major_until, COUNT(*) FROM hazard_stats WHERE major_from IS NOT NULL{f} \
             GROUP BY major_from, major_until"
        ),
        sql.binds,
    )
}

/// Reads the group value from the first columns of a row.
fn group_value<R: Row>(
    row: &R,
    dimension: Option<Dimension>,
    hazards: bool,
) -> Result<Option<GroupValue>, StoreError>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let text = |i: usize| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(i)?) };
    let code = |i: usize| -> Result<RegionCode, StoreError> {
        RegionCode::parse(&text(i)?).map_err(corrupt)
    };
    Ok(match dimension {
        None => None,
        Some(Dimension::Area) => Some(GroupValue::Area {
            area: Area::parse(&text(0)?).map_err(corrupt)?,
        }),
        Some(Dimension::Severity) if hazards => Some(GroupValue::Severity {
            severity: parse_severity(&text(0)?)?,
        }),
        Some(Dimension::Severity) => None,
        Some(Dimension::District) => Some(GroupValue::District { district: code(0)? }),
        Some(Dimension::Street) => Some(GroupValue::Street {
            district: code(0)?,
            street: code(1)?,
        }),
        Some(Dimension::Grid) => Some(GroupValue::Grid {
            region: RegionPath {
                district: code(0)?,
                street: code(1)?,
                grid: code(2)?,
            },
        }),
        Some(d @ (Dimension::Month | Dimension::Quarter)) => {
            let number: i32 = row.try_get(0)?;
            let month =
                YearMonth::from_number(number).ok_or_else(|| corrupt(format!("month {number}")))?;
            GroupValue::of_month(d, month)
        }
    })
}

/// Summed facts of the hazards and inspections a query selects in a scope, per group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsTallies {
    /// Hazards' tallies at `now` per group value (`None` without a grouping); a value may
    /// appear more than once (the sums add up).
    pub hazards: Vec<(Option<GroupValue>, Tally)>,
    /// Completed inspections per group value (`None` without a grouping, or by level).
    pub inspections: Vec<(Option<GroupValue>, Tally)>,
    /// Counted major hazards per (reported month, closed month), without the date filter.
    pub open_major: Vec<((YearMonth, Option<YearMonth>), u64)>,
}

impl StatsTallies {
    /// Everything summed.
    pub fn total(&self) -> Tally {
        self.hazards
            .iter()
            .chain(self.inspections.iter())
            .map(|(_, t)| *t)
            .sum()
    }
}

macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::Int(n) => query.bind(n),
            };
        }
        query
    }};
}

impl Db {
    /// The summed facts for `query` in `scope`, grouped by `dimension`, with the
    /// time-dependent facts at `now` (whole microseconds, see [`now_micros`]).
    pub async fn stats_tallies(
        &self,
        scope: &Scope,
        query: &StatsQuery,
        dimension: Option<Dimension>,
        now: DateTime<Utc>,
    ) -> Result<StatsTallies, StoreError> {
        let period = Period::of(query.from, query.to);
        let groups = group_columns(dimension, true).len();
        let inspection_groups = group_columns(dimension, false).len();
        let (sums_sql, sums_binds) = hazard_sums_sql(scope, query, dimension, period);
        let (due_sql, due_binds) = hazard_due_sql(scope, query, dimension, period, now);
        let (insp_sql, insp_binds) = inspection_sums_sql(scope, query, dimension, period);
        let (major_sql, major_binds) = open_major_sql(scope, query);
        let mut out = StatsTallies::default();
        on_pool!(self, pool => {
            // The four queries at once, each on a connection of its own.
            let (sums, due, inspections, majors) = tokio::try_join!(
                bind_all!(sqlx::query(&sums_sql), sums_binds).fetch_all(pool),
                bind_all!(sqlx::query(&due_sql), due_binds).fetch_all(pool),
                bind_all!(sqlx::query(&insp_sql), insp_binds).fetch_all(pool),
                bind_all!(sqlx::query(&major_sql), major_binds).fetch_all(pool),
            )?;
            for row in &sums {
                let mut columns = [0u64; 13];
                for (i, slot) in columns.iter_mut().enumerate() {
                    *slot = to_u64(row.try_get(groups + i)?)?;
                }
                out.hazards.push((group_value(row, dimension, true)?, tally_from_columns(columns)));
            }
            for row in &due {
                let tally = Tally {
                    due: to_u64(row.try_get(groups)?)?,
                    overdue: to_u64(row.try_get(groups + 1)?)?,
                    ..Tally::default()
                };
                out.hazards.push((group_value(row, dimension, true)?, tally));
            }
            for row in &inspections {
                let tally = Tally {
                    inspections: to_u64(row.try_get(inspection_groups)?)?,
                    ..Tally::default()
                };
                out.inspections.push((group_value(row, dimension, false)?, tally));
            }
            for row in &majors {
                let from: i32 = row.try_get(0)?;
                let until: Option<i32> = row.try_get(1)?;
                let count: i64 = row.try_get(2)?;
                let month = |n: i32| YearMonth::from_number(n).ok_or_else(|| corrupt(format!("month {n}")));
                out.open_major.push(((month(from)?, until.map(month).transpose()?), to_u64(count)?));
            }
        });
        Ok(out)
    }

    /// Fills in the statistics rows of hazards and inspections written before migration 0006
    /// (or by anything that wrote the records without them), a batch at a time. Answers how
    /// many records it filled in.
    pub async fn backfill_stats(&self) -> Result<u64, StoreError> {
        let mut filled = 0u64;
        loop {
            // The hazard as its events rebuild it (the projection's JSON is written, not read).
            let rows: Vec<(uuid::Uuid, String)> = on_pool!(self, pool => {
                sqlx::query_as(
                    "SELECT e.hazard_id, e.doc FROM hazard_events e WHERE e.hazard_id IN \
                     (SELECT h.id FROM hazards h LEFT JOIN hazard_stats s ON s.hazard_id = h.id \
                      WHERE s.hazard_id IS NULL LIMIT 500) \
                     ORDER BY e.hazard_id, e.position",
                )
                .fetch_all(pool)
                .await?
            });
            if rows.is_empty() {
                break;
            }
            let mut hazards: Vec<Hazard> = Vec::new();
            for chunk in rows.chunk_by(|a, b| a.0 == b.0) {
                let events: Vec<HazardEvent> = chunk
                    .iter()
                    .map(|(_, doc)| serde_json::from_str(doc).map_err(corrupt))
                    .collect::<Result<_, _>>()?;
                hazards.push(Hazard::replay(&events).map_err(corrupt)?);
            }
            on_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                let mut cells = CellDeltas::default();
                for hazard in &hazards {
                    write_hazard_facts!(tx, hazard, cells);
                }
                flush_cells!(tx, cells);
                tx.commit().await?;
            });
            filled += hazards.len() as u64;
        }
        loop {
            let rows: Vec<(String, String, String, String)> = on_pool!(self, pool => {
                sqlx::query_as(
                    "SELECT i.doc, i.district, i.street, i.grid FROM inspections i \
                     LEFT JOIN inspection_stats s ON s.inspection_id = i.id \
                     WHERE s.inspection_id IS NULL LIMIT 500",
                )
                .fetch_all(pool)
                .await?
            });
            let mut inspections = Vec::new();
            for (doc, district, street, grid) in &rows {
                let inspection: Inspection = serde_json::from_str(doc).map_err(corrupt)?;
                let region = RegionPath {
                    district: RegionCode::parse(district).map_err(corrupt)?,
                    street: RegionCode::parse(street).map_err(corrupt)?,
                    grid: RegionCode::parse(grid).map_err(corrupt)?,
                };
                // A template the server does not know gets no row: mark it with a zero row so
                // that it is not looked at again.
                inspections.push((inspection, region));
            }
            let unknown: Vec<&Inspection> = inspections
                .iter()
                .filter(|(i, _)| template_area(&i.template).is_none())
                .map(|(i, _)| i)
                .collect();
            if rows.is_empty() || unknown.len() == rows.len() {
                break;
            }
            on_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                let mut cells = CellDeltas::default();
                for (inspection, region) in &inspections {
                    write_inspection_facts!(tx, inspection, region, cells);
                }
                flush_cells!(tx, cells);
                tx.commit().await?;
            });
            filled += (inspections.len() - unknown.len()) as u64;
        }
        Ok(filled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(severity: &str, month: i32) -> CellKey {
        CellKey {
            district: "d".into(),
            street: "s".into(),
            grid: "g".into(),
            area: "gas".into(),
            severity: severity.into(),
            month,
        }
    }

    #[test]
    fn a_rewritten_hazard_moves_its_facts_between_cells_in_key_order() {
        let mut one = [0i64; 13];
        one[0] = 1;
        let mut closed = one;
        closed[1] = 1;
        // New: everything goes to the new cell.
        assert_eq!(
            cell_deltas(None, (&key("general", 202401), &one)),
            vec![(key("general", 202401), one)]
        );
        // Same cell: only the difference.
        let mut diff = [0i64; 13];
        diff[1] = 1;
        assert_eq!(
            cell_deltas(
                Some((key("general", 202401), one)),
                (&key("general", 202401), &closed)
            ),
            vec![(key("general", 202401), diff)]
        );
        // Unchanged: nothing.
        assert!(
            cell_deltas(
                Some((key("general", 202401), one)),
                (&key("general", 202401), &one)
            )
            .is_empty()
        );
        // Another level: out of the old cell, into the new one, in key order.
        let moved = cell_deltas(
            Some((key("major", 202401), one)),
            (&key("general", 202401), &one),
        );
        assert_eq!(
            moved,
            vec![
                (key("general", 202401), one),
                (key("major", 202401), one.map(|n| -n))
            ]
        );
    }

    #[test]
    fn a_date_filter_splits_into_whole_months_and_edges() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let p = Period::of(Some(d(2025, 1, 1)), Some(d(2025, 3, 31))).unwrap();
        assert_eq!((p.first_month, p.last_month), (202501, 202503));
        let p = Period::of(Some(d(2025, 1, 2)), Some(d(2025, 3, 30))).unwrap();
        assert_eq!((p.first_month, p.last_month), (202502, 202502));
        // 2025-01-02 00:00 in Shanghai is 2025-01-01 16:00 UTC.
        assert_eq!(
            p.from_us,
            micros(
                DateTime::parse_from_rfc3339("2025-01-01T16:00:00Z")
                    .unwrap()
                    .into()
            )
        );
        assert_eq!(
            p.to_us,
            micros(
                DateTime::parse_from_rfc3339("2025-03-30T16:00:00Z")
                    .unwrap()
                    .into()
            )
        );
        let p = Period::of(Some(d(2025, 1, 10)), Some(d(2025, 1, 20))).unwrap();
        assert!(p.first_month > p.last_month);
        assert_eq!(Period::of(None, None), None);
        let p = Period::of(None, Some(d(2025, 12, 31))).unwrap();
        assert_eq!(
            (p.first_month, p.last_month, p.from_us),
            (0, 202512, i64::MIN)
        );
    }
}
