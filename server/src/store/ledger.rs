//! The hazard ledger on either backend: the projection writer ([`write_hazard!`], used by
//! every accepted hazard event), the backfill of rows written before migration 0005, ledger
//! pages with their filters in SQL ([`ledger_where`]), a hazard's events with their actors,
//! keyset chunks for the exports, the site registry and inspection records.
//!
//! Every read takes the caller's [`Scope`] and filters on it in SQL (`scope_filter`): a row
//! outside the scope is never read.

use super::{
    Db, StoreError, on_pool,
    pull::scope_filter,
    stats::{CellDeltas, flush_cells},
};
use crate::ledger::{LEDGER_VERSION, ledger_item};
use anxun_domain::{
    api::ledger::{
        InspectionRow, LedgerFilter, LedgerRow, LedgerSort, PersonRef, SitesFilter, SortDir,
        StatusFilter,
    },
    hazard::{Hazard, HazardEvent, HazardSource, HazardState, Severity},
    ids::{HazardId, InspectionId, SiteId, UserId},
    inspection::Inspection,
    region::{RegionCode, RegionPath, Scope},
    site::{Area, Site},
};
use chrono::{DateTime, Utc};
use sqlx::Row;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Writes the projection of `$hazard` (a [`Hazard`]) into `hazards` inside the open
/// transaction `$tx`: the row as the domain rebuilt it, with every ledger column. The one
/// place a `hazards` row is written. A macro because the transaction's type differs per
/// backend (it runs inside [`super::on_pool!`]).
macro_rules! write_hazard {
    ($tx:expr, $hazard:expr, $now:expr, $cells:expr) => {{
        let hazard: &anxun_domain::hazard::Hazard = $hazard;
        let details = hazard.details();
        let region = &details.region;
        let columns = $crate::ledger::LedgerColumns::of(hazard);
        let doc = serde_json::to_string(hazard)
            .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO hazards (id, site_id, district, street, grid, area, status, severity, deadline, \
             reported_at, doc, updated_at, ledger_v, source, reporter_id, inspection_id, number, site_name, \
             item_id, item_title, description, listed, closed_at, status_rank, search) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
             $19, $20, $21, $22, $23, $24, $25) \
             ON CONFLICT (id) DO UPDATE SET district = excluded.district, street = excluded.street, \
             grid = excluded.grid, status = excluded.status, severity = excluded.severity, \
             deadline = excluded.deadline, doc = excluded.doc, updated_at = excluded.updated_at, \
             ledger_v = excluded.ledger_v, source = excluded.source, reporter_id = excluded.reporter_id, \
             inspection_id = excluded.inspection_id, number = excluded.number, \
             site_name = excluded.site_name, item_id = excluded.item_id, item_title = excluded.item_title, \
             description = excluded.description, listed = excluded.listed, closed_at = excluded.closed_at, \
             status_rank = excluded.status_rank, search = excluded.search",
        )
        .bind(hazard.id().as_uuid())
        .bind(details.site.as_uuid())
        .bind(region.district.as_str())
        .bind(region.street.as_str())
        .bind(region.grid.as_str())
        .bind(details.area.code())
        .bind(hazard.state().code())
        .bind(hazard.severity().code())
        .bind(hazard.deadline())
        .bind(hazard.reported_at())
        .bind(doc)
        .bind($now)
        .bind($crate::ledger::LEDGER_VERSION)
        .bind(columns.source)
        .bind(columns.reporter)
        .bind(columns.inspection)
        .bind(columns.number)
        .bind(columns.site_name)
        .bind(columns.item_id)
        .bind(columns.item_title)
        .bind(columns.description)
        .bind(columns.listed)
        .bind(columns.closed_at)
        .bind(columns.status_rank)
        .bind(columns.search)
        .execute(&mut *$tx)
        .await?;
        // The statistics facts of the same hazard (migration 0006).
        $crate::store::stats::write_hazard_facts!($tx, hazard, $cells);
    }};
}
pub(crate) use write_hazard;

/// A value bound to a numbered parameter of a query built at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    Uuid(uuid::Uuid),
    Time(DateTime<Utc>),
    Int(i64),
}

/// Binds `$binds` in order to the query `$q`.
macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for bind in $binds {
            q = match bind {
                Bind::Text(s) => q.bind(s.clone()),
                Bind::Uuid(u) => q.bind(*u),
                Bind::Time(t) => q.bind(*t),
                Bind::Int(i) => q.bind(*i),
            };
        }
        q
    }};
}

/// Escapes `%`, `_` and `\` for `LIKE … ESCAPE '\'`.
fn like_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The `WHERE` clause (from ` WHERE`) of a ledger query over `hazards h`: the caller's scope
/// and every filter, with parameters numbered from `$1`, and the values to bind.
pub fn ledger_where(
    filter: &LedgerFilter,
    scope: &Scope,
    now: DateTime<Utc>,
) -> (String, Vec<Bind>) {
    let (scope_sql, codes) = scope_filter(scope, "h.", 1);
    let mut binds: Vec<Bind> = codes.iter().map(|c| Bind::Text((*c).to_owned())).collect();
    let mut sql = format!(" WHERE 1 = 1{scope_sql}");
    let mut add = |sql: &mut String, clause: &str, bind: Bind| {
        binds.push(bind);
        sql.push_str(&clause.replace("$?", &format!("${}", binds.len())));
    };
    if let Some(area) = filter.area {
        add(
            &mut sql,
            " AND h.area = $?",
            Bind::Text(area.code().to_owned()),
        );
    }
    if let Some(severity) = filter.severity {
        add(
            &mut sql,
            " AND h.severity = $?",
            Bind::Text(severity.code().to_owned()),
        );
    }
    match filter.status {
        None => {}
        Some(StatusFilter::State(state)) => {
            add(
                &mut sql,
                " AND h.status = $?",
                Bind::Text(state.code().to_owned()),
            );
        }
        Some(StatusFilter::Open) => sql.push_str(" AND h.status NOT IN ('closed', 'dismissed')"),
        Some(StatusFilter::Overdue) => add(
            &mut sql,
            " AND h.status IN ('assigned', 'rectifying') AND h.deadline IS NOT NULL AND h.deadline < $?",
            Bind::Time(now),
        ),
    }
    if let Some(source) = filter.source {
        add(
            &mut sql,
            " AND h.source = $?",
            Bind::Text(source.code().to_owned()),
        );
    }
    for (column, code) in [
        ("district", &filter.district),
        ("street", &filter.street),
        ("grid", &filter.grid),
    ] {
        if let Some(code) = code {
            add(
                &mut sql,
                &format!(" AND h.{column} = $?"),
                Bind::Text(code.as_str().to_owned()),
            );
        }
    }
    if let Some(site) = filter.site {
        add(&mut sql, " AND h.site_id = $?", Bind::Uuid(site.as_uuid()));
    }
    if let Some(user) = filter.inspector {
        add(
            &mut sql,
            " AND h.reporter_id = $?",
            Bind::Uuid(user.as_uuid()),
        );
    }
    if let Some(from) = filter.reported_from() {
        add(&mut sql, " AND h.reported_at >= $?", Bind::Time(from));
    }
    if let Some(before) = filter.reported_before() {
        add(&mut sql, " AND h.reported_at < $?", Bind::Time(before));
    }
    if let Some(q) = &filter.q {
        add(
            &mut sql,
            " AND h.search LIKE $? ESCAPE '\\'",
            Bind::Text(like_pattern(q.as_str())),
        );
    }
    (sql, binds)
}

/// The `ORDER BY` of a ledger page: the sort key, then the id, in the same direction.
fn ledger_order(sort: LedgerSort, dir: SortDir) -> String {
    let d = match dir {
        SortDir::Asc => "ASC",
        SortDir::Desc => "DESC",
    };
    match sort {
        LedgerSort::ReportedAt => format!(" ORDER BY h.reported_at {d}, h.id {d}"),
        // Hazards without a deadline last, either way (false before true on both backends);
        // each direction has its index (migration 0009).
        LedgerSort::Deadline => {
            format!(" ORDER BY (h.deadline IS NULL), h.deadline {d}, h.id {d}")
        }
        LedgerSort::Severity => {
            format!(" ORDER BY h.severity {d}, h.reported_at {d}, h.id {d}")
        }
        LedgerSort::Status => {
            format!(" ORDER BY h.status_rank {d}, h.reported_at {d}, h.id {d}")
        }
        LedgerSort::Site => format!(" ORDER BY h.site_name {d}, h.reported_at {d}, h.id {d}"),
    }
}

/// The columns [`ledger_row`] reads, over `hazards h LEFT JOIN users u`.
const LEDGER_COLUMNS: &str = "h.id, h.number, h.site_id, h.site_name, h.area, h.item_id, \
     h.item_title, h.description, h.severity, h.status, h.source, h.district, h.street, h.grid, \
     h.reporter_id, u.display_name, h.reported_at, h.deadline, h.listed, h.closed_at";

const LEDGER_FROM: &str = " FROM hazards h LEFT JOIN users u ON u.id = h.reporter_id";

/// Reads a row of [`LEDGER_COLUMNS`] (from column `first`).
fn ledger_row<'r, R>(row: &'r R, now: DateTime<Utc>) -> Result<LedgerRow, StoreError>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    uuid::Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    DateTime<Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let text = |i: usize| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(i)?) };
    let opt_text = |i: usize| -> Result<Option<String>, StoreError> {
        Ok(row.try_get::<Option<String>, _>(i)?)
    };
    let code = |s: String| RegionCode::parse(&s).map_err(corrupt);
    let state = HazardState::parse(&text(9)?).ok_or_else(|| corrupt("unknown hazard state"))?;
    let deadline: Option<DateTime<Utc>> = row.try_get(17)?;
    let reporter: Option<uuid::Uuid> = row.try_get(14)?;
    let reporter = reporter.ok_or_else(|| corrupt("hazard row without its ledger columns"))?;
    Ok(LedgerRow {
        id: HazardId::from_uuid(row.try_get(0)?),
        number: opt_text(1)?
            .map(|n| anxun_domain::docno::DocNumber::parse(&n).map_err(corrupt))
            .transpose()?,
        site_id: SiteId::from_uuid(row.try_get(2)?),
        site_name: opt_text(3)?.unwrap_or_default(),
        area: Area::parse(&text(4)?).map_err(corrupt)?,
        item: ledger_item(opt_text(5)?, opt_text(6)?),
        description: opt_text(7)?.unwrap_or_default(),
        severity: Severity::parse(&text(8)?).ok_or_else(|| corrupt("unknown severity"))?,
        state,
        source: HazardSource::parse(&opt_text(10)?.unwrap_or_default())
            .ok_or_else(|| corrupt("unknown hazard source"))?,
        region: RegionPath {
            district: code(text(11)?)?,
            street: code(text(12)?)?,
            grid: code(text(13)?)?,
        },
        reporter: PersonRef {
            id: UserId::from_uuid(reporter),
            name: opt_text(15)?.unwrap_or_default(),
        },
        reported_at: row.try_get(16)?,
        deadline,
        overdue: anxun_domain::hazard::worklist::is_overdue(state, deadline, now),
        listed: row.try_get(18)?,
        closed_at: row.try_get(19)?,
    })
}

/// One hazard event with who sent it and when the server applied it.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub event: HazardEvent,
    pub user: UserId,
    pub name: String,
    pub received_at: DateTime<Utc>,
}

/// A hazard's region, site and events, as stored.
#[derive(Debug, Clone)]
pub struct StoredHazard {
    pub region: RegionPath,
    pub site: SiteId,
    pub events: Vec<StoredEvent>,
}

/// A page of sites with their counts.
#[derive(Debug, Clone)]
pub struct SiteCounts {
    pub site: Site,
    pub open: u64,
    pub major_open: u64,
    pub last_inspection: Option<DateTime<Utc>>,
}

impl Db {
    /// Fills the ledger columns of hazards (and the search column of sites) written before
    /// migration 0005, by replaying each hazard's events; run once at start. Returns how many
    /// hazards were rebuilt.
    pub async fn backfill_ledger(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut rebuilt = 0;
        loop {
            let ids: Vec<uuid::Uuid> = on_pool!(self, pool => {
                sqlx::query_scalar("SELECT id FROM hazards WHERE ledger_v < $1 LIMIT 200")
                    .bind(LEDGER_VERSION)
                    .fetch_all(pool)
                    .await?
            });
            if ids.is_empty() {
                break;
            }
            for id in ids {
                let docs: Vec<String> = on_pool!(self, pool => {
                    sqlx::query_scalar(
                        "SELECT doc FROM hazard_events WHERE hazard_id = $1 ORDER BY position",
                    )
                    .bind(id)
                    .fetch_all(pool)
                    .await?
                });
                let events: Vec<HazardEvent> = docs
                    .iter()
                    .map(|d| serde_json::from_str(d).map_err(corrupt))
                    .collect::<Result<_, _>>()?;
                let hazard = Hazard::replay(&events).map_err(corrupt)?;
                on_pool!(self, pool => {
                    let mut tx = pool.begin().await?;
                    let mut cells = CellDeltas::default();
                    write_hazard!(tx, &hazard, now, cells);
                    flush_cells!(tx, cells);
                    tx.commit().await?;
                });
                rebuilt += 1;
            }
        }
        loop {
            let rows: Vec<(uuid::Uuid, String)> = on_pool!(self, pool => {
                sqlx::query_as("SELECT id, doc FROM sites WHERE ledger_v < $1 LIMIT 500")
                    .bind(LEDGER_VERSION)
                    .fetch_all(pool)
                    .await?
            });
            if rows.is_empty() {
                break;
            }
            for (id, doc) in rows {
                let site: Site = serde_json::from_str(&doc).map_err(corrupt)?;
                on_pool!(self, pool => {
                    sqlx::query("UPDATE sites SET search = $2, ledger_v = $3 WHERE id = $1")
                        .bind(id)
                        .bind(super::sites::site_search(&site))
                        .bind(LEDGER_VERSION)
                        .execute(pool)
                        .await?;
                });
            }
        }
        Ok(rebuilt)
    }

    /// One page of the ledger for `scope`: the total matching and the rows of the page.
    pub async fn ledger_page(
        &self,
        scope: &Scope,
        filter: &LedgerFilter,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<LedgerRow>), StoreError> {
        let (where_sql, mut binds) = ledger_where(filter, scope, now);
        let count_sql = format!("SELECT COUNT(*) FROM hazards h{where_sql}");
        let total: i64 = on_pool!(self, pool => {
            bind_all!(sqlx::query_scalar(&count_sql), &binds).fetch_one(pool).await?
        });
        let n = binds.len();
        binds.push(Bind::Int(
            i64::try_from(filter.paging.limit()).map_err(corrupt)?,
        ));
        binds.push(Bind::Int(
            i64::try_from(filter.paging.offset()).map_err(corrupt)?,
        ));
        let sql = format!(
            "SELECT {LEDGER_COLUMNS}{LEDGER_FROM}{where_sql}{} LIMIT ${} OFFSET ${}",
            ledger_order(filter.sort, filter.dir),
            n + 1,
            n + 2
        );
        let rows = on_pool!(self, pool => {
            let rows = bind_all!(sqlx::query(&sql), &binds).fetch_all(pool).await?;
            rows.iter().map(|r| ledger_row(r, now)).collect::<Result<Vec<_>, _>>()?
        });
        Ok((u64::try_from(total).map_err(corrupt)?, rows))
    }

    /// The next chunk of the export: at most `limit` rows matching `filter` in `scope`, in
    /// report order (oldest first), after the keyset `after` (reported_at, id), each with the
    /// hazard rebuilt from its events.
    pub async fn export_chunk(
        &self,
        scope: &Scope,
        filter: &LedgerFilter,
        after: Option<(DateTime<Utc>, HazardId)>,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<(LedgerRow, Hazard)>, StoreError> {
        let (mut where_sql, mut binds) = ledger_where(filter, scope, now);
        if let Some((at, id)) = after {
            binds.push(Bind::Time(at));
            binds.push(Bind::Uuid(id.as_uuid()));
            let (a, b) = (binds.len() - 1, binds.len());
            // A row value, so that both backends walk the (…, reported_at, id) index.
            where_sql.push_str(&format!(" AND (h.reported_at, h.id) > (${a}, ${b})"));
        }
        binds.push(Bind::Int(i64::from(limit)));
        let sql = format!(
            "SELECT {LEDGER_COLUMNS}{LEDGER_FROM}{where_sql} ORDER BY h.reported_at ASC, h.id ASC LIMIT ${}",
            binds.len()
        );
        let rows: Vec<LedgerRow> = on_pool!(self, pool => {
            let rows = bind_all!(sqlx::query(&sql), &binds).fetch_all(pool).await?;
            rows.iter().map(|r| ledger_row(r, now)).collect::<Result<Vec<_>, _>>()?
        });
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (1..=rows.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let events_sql = format!(
            "SELECT hazard_id, doc FROM hazard_events WHERE hazard_id IN ({placeholders}) \
             ORDER BY hazard_id, position"
        );
        let ids: Vec<Bind> = rows.iter().map(|r| Bind::Uuid(r.id.as_uuid())).collect();
        let docs: Vec<(uuid::Uuid, String)> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(&events_sql), &ids).fetch_all(pool).await?
        });
        let mut by_hazard: std::collections::HashMap<uuid::Uuid, Vec<HazardEvent>> =
            std::collections::HashMap::new();
        for (id, doc) in docs {
            by_hazard
                .entry(id)
                .or_default()
                .push(serde_json::from_str(&doc).map_err(corrupt)?);
        }
        rows.into_iter()
            .map(|row| {
                let events = by_hazard.remove(&row.id.as_uuid()).unwrap_or_default();
                let hazard = Hazard::replay(&events).map_err(corrupt)?;
                Ok((row, hazard))
            })
            .collect()
    }

    /// A hazard's region, site and events with their senders, if it exists in `scope`.
    pub async fn stored_hazard(
        &self,
        scope: &Scope,
        id: HazardId,
    ) -> Result<Option<StoredHazard>, StoreError> {
        let (scope_sql, codes) = scope_filter(scope, "", 2);
        let sql =
            format!("SELECT district, street, grid, site_id FROM hazards WHERE id = $1{scope_sql}");
        let head: Option<(String, String, String, uuid::Uuid)> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql).bind(id.as_uuid());
            for code in &codes {
                q = q.bind(*code);
            }
            q.fetch_optional(pool).await?
        });
        let Some((district, street, grid, site)) = head else {
            return Ok(None);
        };
        let rows: Vec<(String, uuid::Uuid, Option<String>, DateTime<Utc>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT e.doc, e.user_id, u.display_name, e.received_at FROM hazard_events e \
                 LEFT JOIN users u ON u.id = e.user_id WHERE e.hazard_id = $1 ORDER BY e.position",
            )
            .bind(id.as_uuid())
            .fetch_all(pool)
            .await?
        });
        let events = rows
            .into_iter()
            .map(|(doc, user, name, received_at)| {
                Ok(StoredEvent {
                    event: serde_json::from_str(&doc).map_err(corrupt)?,
                    user: UserId::from_uuid(user),
                    name: name.unwrap_or_default(),
                    received_at,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(StoredHazard {
            region: RegionPath {
                district: RegionCode::parse(&district).map_err(corrupt)?,
                street: RegionCode::parse(&street).map_err(corrupt)?,
                grid: RegionCode::parse(&grid).map_err(corrupt)?,
            },
            site: SiteId::from_uuid(site),
            events,
        }))
    }

    /// Which hazard an event id belongs to, if it was applied.
    pub async fn event_hazard(
        &self,
        event: anxun_domain::ids::EventId,
    ) -> Result<Option<HazardId>, StoreError> {
        let id: Option<uuid::Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT hazard_id FROM hazard_events WHERE id = $1")
                .bind(event.as_uuid())
                .fetch_optional(pool)
                .await?
        });
        Ok(id.map(HazardId::from_uuid))
    }

    /// A site by id, if it exists in `scope`.
    pub async fn site_in_scope(
        &self,
        scope: &Scope,
        id: SiteId,
    ) -> Result<Option<Site>, StoreError> {
        let (scope_sql, codes) = scope_filter(scope, "", 2);
        let sql = format!("SELECT doc FROM sites WHERE id = $1{scope_sql}");
        let doc: Option<String> = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(&sql).bind(id.as_uuid());
            for code in &codes {
                q = q.bind(*code);
            }
            q.fetch_optional(pool).await?
        });
        doc.map(|d| serde_json::from_str(&d).map_err(corrupt))
            .transpose()
    }

    /// One page of the site registry for `scope`, by name, with open hazard counts.
    pub async fn sites_page(
        &self,
        scope: &Scope,
        filter: &SitesFilter,
    ) -> Result<(u64, Vec<SiteCounts>), StoreError> {
        let (scope_sql, codes) = scope_filter(scope, "s.", 1);
        let mut binds: Vec<Bind> = codes.iter().map(|c| Bind::Text((*c).to_owned())).collect();
        let mut sql = format!(" WHERE 1 = 1{scope_sql}");
        let mut add = |sql: &mut String, clause: &str, bind: Bind| {
            binds.push(bind);
            sql.push_str(&clause.replace("$?", &format!("${}", binds.len())));
        };
        if let Some(q) = &filter.q {
            add(
                &mut sql,
                " AND s.search LIKE $? ESCAPE '\\'",
                Bind::Text(like_pattern(q.as_str())),
            );
        }
        if let Some(area) = filter.area {
            add(
                &mut sql,
                " AND s.areas LIKE $?",
                Bind::Text(format!("%,{},%", area.code())),
            );
        }
        for (column, code) in [
            ("district", &filter.district),
            ("street", &filter.street),
            ("grid", &filter.grid),
        ] {
            if let Some(code) = code {
                add(
                    &mut sql,
                    &format!(" AND s.{column} = $?"),
                    Bind::Text(code.as_str().to_owned()),
                );
            }
        }
        let count_sql = format!("SELECT COUNT(*) FROM sites s{sql}");
        let total: i64 = on_pool!(self, pool => {
            bind_all!(sqlx::query_scalar(&count_sql), &binds).fetch_one(pool).await?
        });
        let n = binds.len();
        binds.push(Bind::Int(
            i64::try_from(filter.paging.limit()).map_err(corrupt)?,
        ));
        binds.push(Bind::Int(
            i64::try_from(filter.paging.offset()).map_err(corrupt)?,
        ));
        let page_sql = format!(
            "SELECT s.doc, \
             (SELECT COUNT(*) FROM hazards h WHERE h.site_id = s.id AND h.status NOT IN ('closed', 'dismissed')), \
             (SELECT COUNT(*) FROM hazards h WHERE h.site_id = s.id AND h.severity = 'major' AND h.status NOT IN ('closed', 'dismissed')), \
             (SELECT MAX(i.started_at) FROM inspections i WHERE i.site_id = s.id) \
             FROM sites s{sql} ORDER BY s.name, s.id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let rows: Vec<(String, i64, i64, Option<DateTime<Utc>>)> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(&page_sql), &binds).fetch_all(pool).await?
        });
        let rows = rows
            .into_iter()
            .map(|(doc, open, major_open, last)| {
                Ok(SiteCounts {
                    site: serde_json::from_str(&doc).map_err(corrupt)?,
                    open: u64::try_from(open).map_err(corrupt)?,
                    major_open: u64::try_from(major_open).map_err(corrupt)?,
                    last_inspection: last,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((u64::try_from(total).map_err(corrupt)?, rows))
    }

    /// The inspections of a site, newest first (the site's scope is checked by the caller).
    pub async fn site_inspections(&self, site: SiteId) -> Result<Vec<InspectionRow>, StoreError> {
        let docs: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT doc FROM inspections WHERE site_id = $1 ORDER BY started_at DESC, id DESC",
            )
            .bind(site.as_uuid())
            .fetch_all(pool)
            .await?
        });
        docs.iter()
            .map(|doc| {
                let inspection: Inspection = serde_json::from_str(doc).map_err(corrupt)?;
                Ok(inspection_row(&inspection))
            })
            .collect()
    }

    /// Hazards matching `filter` in `scope`, at most `limit`, newest first (a site's or an
    /// inspection's hazards).
    pub async fn ledger_rows(
        &self,
        scope: &Scope,
        filter: &LedgerFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<LedgerRow>, StoreError> {
        Ok(self.ledger_page(scope, filter, now).await?.1)
    }

    /// The hazards an inspection reported, in `scope`, oldest first.
    pub async fn inspection_hazards(
        &self,
        scope: &Scope,
        inspection: InspectionId,
        now: DateTime<Utc>,
    ) -> Result<Vec<LedgerRow>, StoreError> {
        let (scope_sql, codes) = scope_filter(scope, "h.", 2);
        let sql = format!(
            "SELECT {LEDGER_COLUMNS}{LEDGER_FROM} WHERE h.inspection_id = $1{scope_sql} \
             ORDER BY h.reported_at, h.id"
        );
        on_pool!(self, pool => {
            let mut q = sqlx::query(&sql).bind(inspection.as_uuid());
            for code in &codes {
                q = q.bind(*code);
            }
            let rows = q.fetch_all(pool).await?;
            rows.iter().map(|r| ledger_row(r, now)).collect::<Result<Vec<_>, _>>()
        })
    }

    /// An inspection by id, if its site lies in `scope`.
    pub async fn inspection_in_scope(
        &self,
        scope: &Scope,
        id: InspectionId,
    ) -> Result<Option<Inspection>, StoreError> {
        let (scope_sql, codes) = scope_filter(scope, "", 2);
        let sql = format!("SELECT doc FROM inspections WHERE id = $1{scope_sql}");
        let doc: Option<String> = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(&sql).bind(id.as_uuid());
            for code in &codes {
                q = q.bind(*code);
            }
            q.fetch_optional(pool).await?
        });
        doc.map(|d| serde_json::from_str(&d).map_err(corrupt))
            .transpose()
    }

    /// A user's display name.
    pub async fn display_name(&self, user: UserId) -> Result<Option<String>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
                .bind(user.as_uuid())
                .fetch_optional(pool)
                .await?
        }))
    }
}

/// An inspection as a site's list shows it.
pub fn inspection_row(inspection: &Inspection) -> InspectionRow {
    let area = anxun_domain::templates::builtin()
        .into_iter()
        .find(|t| t.id == inspection.template.id)
        .map_or(Area::Gas, |t| t.area);
    let inspector = inspection.inspectors.first();
    InspectionRow {
        id: inspection.id,
        number: inspection.number.clone(),
        kind: inspection.kind,
        template: inspection.template.clone(),
        area,
        status: inspection.status,
        started_at: inspection.started_at,
        completed_at: inspection.ended_at,
        inspector: PersonRef {
            id: inspector.map_or_else(|| UserId::from_uuid(uuid::Uuid::nil()), |i| i.user),
            name: inspector
                .map(|i| i.name.as_str().to_owned())
                .unwrap_or_default(),
        },
        findings: u32::try_from(inspection.findings.len()).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anxun_domain::api::ledger::LedgerQuery;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("燃气"), "%燃气%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn the_where_clause_numbers_its_parameters_after_the_scope() {
        let scope = Scope::Street {
            district: RegionCode::parse("310104").unwrap(),
            street: RegionCode::parse("310104003").unwrap(),
        };
        let filter = LedgerQuery {
            area: Some("gas".into()),
            status: Some("overdue".into()),
            q: Some("面馆".into()),
            ..LedgerQuery::default()
        }
        .parse()
        .unwrap();
        let (sql, binds) = ledger_where(&filter, &scope, Utc::now());
        assert!(sql.contains("h.district = $1 AND h.street = $2"), "{sql}");
        assert!(sql.contains("h.area = $3"), "{sql}");
        assert!(sql.contains("h.deadline < $4"), "{sql}");
        assert!(sql.contains("h.search LIKE $5"), "{sql}");
        assert_eq!(binds.len(), 5);
    }
}
