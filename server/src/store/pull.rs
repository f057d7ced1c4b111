//! Pages of the change log for `GET /api/sync/pull`: the changes above a cursor whose region
//! the user's scope covers, turned into what a device applies (sites as they are now, deleted
//! sites, hazard events in arrival order), and the checklist template versions published in
//! the page's range of numbers, for every scope.
//!
//! Why the cursor never skips a change: the log's numbers become visible in order
//! ([`super::changes`]), so once the latest number `head` is visible, every change up to `head`
//! is. A page reads `head` first, then only changes `<= head`; its cursor is the last change it
//! examined (the last row of a full page) or `head` (a page that is not full examined
//! everything up to `head`, in scope or not). A change committing meanwhile is above `head`,
//! so the next pull finds it.

use super::{Db, StoreError, changes::ChangeKind, on_pool};
use anxun_domain::{
    api::PullResponse, hazard::HazardEvent, ids::SiteId, region::Scope, site::Site,
};
use sqlx::Row;
use std::collections::HashMap;

/// One change log row of a page, with the record it names: the site's current document (none
/// if the site is gone) or the hazard event's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledRow {
    pub seq: u64,
    pub kind: ChangeKind,
    pub record: uuid::Uuid,
    pub site_doc: Option<String>,
    pub event_doc: Option<String>,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// The SQL filter for a scope: a prefix of (district, street, grid) on the columns of `table`
/// (an alias, or empty), with parameters numbered from `$first`, and the codes to bind to them.
/// On the change log each level is served by its own index (`change_log_district`, `_street`,
/// `_grid`).
pub(super) fn scope_filter<'s>(
    scope: &'s Scope,
    table: &str,
    first: usize,
) -> (String, Vec<&'s str>) {
    let codes = match scope {
        Scope::City => Vec::new(),
        Scope::District { district } => vec![district.as_str()],
        Scope::Street { district, street } => vec![district.as_str(), street.as_str()],
        Scope::Grid {
            district,
            street,
            grid,
        } => vec![district.as_str(), street.as_str(), grid.as_str()],
    };
    let filter = ["district", "street", "grid"]
        .iter()
        .zip(first..)
        .take(codes.len())
        .map(|(column, n)| format!(" AND {table}{column} = ${n}"))
        .collect();
    (filter, codes)
}

impl Db {
    /// The number of the latest committed change (0 for an empty log).
    pub async fn change_head(&self) -> Result<u64, StoreError> {
        let head: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT last_seq FROM change_counter WHERE id = 1")
                .fetch_one(pool)
                .await?
        });
        u64::try_from(head).map_err(corrupt)
    }

    /// One page for `scope`: at most `limit` (at least 1) changes above `cursor`.
    pub async fn pull(
        &self,
        scope: &Scope,
        cursor: u64,
        limit: u32,
    ) -> Result<PullResponse, StoreError> {
        let limit = limit.max(1);
        // First the head, then only changes up to it (see the module documentation).
        let head = self.change_head().await?;
        if cursor >= head {
            // Nothing new, or a cursor from another server (or a database started afresh).
            return Ok(PullResponse {
                cursor,
                more: false,
                sites: Vec::new(),
                deleted_sites: Vec::new(),
                hazard_events: Vec::new(),
                templates: Vec::new(),
            });
        }
        let (filter, codes) = scope_filter(scope, "c.", 4);
        let query = format!(
            "SELECT c.seq, c.kind, c.record_id, s.doc, e.doc FROM change_log c \
             LEFT JOIN sites s ON c.kind = 'site' AND s.id = c.record_id \
             LEFT JOIN hazard_events e ON c.kind = 'hazard_event' AND e.id = c.record_id \
             WHERE c.seq > $1 AND c.seq <= $2{filter} ORDER BY c.seq LIMIT $3"
        );
        // cursor < head <= i64::MAX here.
        let cursor_i = i64::try_from(cursor).map_err(corrupt)?;
        let head_i = i64::try_from(head).map_err(corrupt)?;
        let rows: Vec<PulledRow> = on_pool!(self, pool => {
            let mut q = sqlx::query(&query)
                .bind(cursor_i)
                .bind(head_i)
                .bind(i64::from(limit));
            for code in &codes {
                q = q.bind(*code);
            }
            let rows = q.fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    let kind: String = row.try_get(1)?;
                    Ok(PulledRow {
                        seq: u64::try_from(row.try_get::<i64, _>(0)?).map_err(corrupt)?,
                        kind: ChangeKind::parse(&kind)
                            .ok_or_else(|| corrupt(format!("unknown change kind `{kind}`")))?,
                        record: row.try_get(2)?,
                        site_doc: row.try_get(3)?,
                        event_doc: row.try_get(4)?,
                    })
                })
                .collect::<Result<_, StoreError>>()?
        });
        let full = rows.len() == usize::try_from(limit).map_err(corrupt)?;
        let next = match rows.last() {
            Some(last) if full => last.seq,
            _ => head,
        };
        let mut page = assemble(scope, &rows)?;
        // Template versions are for everyone; their numbers come from the same counter.
        page.templates = self.templates_published_between(cursor, next).await?;
        page.cursor = next;
        page.more = full;
        Ok(page)
    }
}

/// Turns a page's rows into what the device applies (`cursor` and `more` left at 0 and
/// false): each site once, as its last change in the page says (changed → `sites` with its
/// current document; deleted or moved away → `deleted_sites`); a site that is gone by now, or
/// has since moved outside `scope`, counts as deleted (its later change says so again); hazard
/// events in log order.
pub fn assemble(scope: &Scope, rows: &[PulledRow]) -> Result<PullResponse, StoreError> {
    enum Last {
        Changed(Box<Site>),
        Deleted,
    }
    let mut last: HashMap<uuid::Uuid, (u64, Last)> = HashMap::new();
    let mut hazard_events = Vec::new();
    for row in rows {
        match row.kind {
            ChangeKind::Site => {
                let site = row
                    .site_doc
                    .as_deref()
                    .map(serde_json::from_str::<Site>)
                    .transpose()
                    .map_err(corrupt)?
                    .filter(|site| scope.covers(site.region()));
                let state = match site {
                    Some(site) => Last::Changed(Box::new(site)),
                    None => Last::Deleted,
                };
                last.insert(row.record, (row.seq, state));
            }
            ChangeKind::SiteDeleted => {
                last.insert(row.record, (row.seq, Last::Deleted));
            }
            ChangeKind::HazardEvent => {
                let doc = row.event_doc.as_deref().ok_or_else(|| {
                    corrupt(format!("change {} names a missing hazard event", row.seq))
                })?;
                hazard_events.push(serde_json::from_str::<HazardEvent>(doc).map_err(corrupt)?);
            }
        }
    }
    let mut last: Vec<(uuid::Uuid, (u64, Last))> = last.into_iter().collect();
    last.sort_by_key(|(_, (seq, _))| *seq);
    let mut sites = Vec::new();
    let mut deleted_sites = Vec::new();
    for (id, (_, state)) in last {
        match state {
            Last::Changed(site) => sites.push(*site),
            Last::Deleted => deleted_sites.push(SiteId::from_uuid(id)),
        }
    }
    Ok(PullResponse {
        cursor: 0,
        more: false,
        sites,
        deleted_sites,
        hazard_events,
        templates: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anxun_domain::{
        region::{RegionCode, RegionPath},
        site::{Area, FireClass, SiteType, SiteWire},
        text::Text,
    };

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn site(grid: &str) -> Site {
        Site::new(SiteWire {
            id: SiteId::generate(),
            name: Text::parse("老王面馆").unwrap(),
            address: Text::parse("漕溪北路1号").unwrap(),
            site_type: SiteType::Restaurant,
            areas: vec![Area::Gas],
            credit_code: None,
            responsible: None,
            region: RegionPath {
                district: code("d"),
                street: code("s"),
                grid: code(grid),
            },
            gps: None,
            fire_class: FireClass::default(),
            parties: Vec::new(),
        })
        .unwrap()
    }

    fn scope() -> Scope {
        Scope::Grid {
            district: code("d"),
            street: code("s"),
            grid: code("g1"),
        }
    }

    fn row(seq: u64, kind: ChangeKind, site: &Site, now: Option<&Site>) -> PulledRow {
        PulledRow {
            seq,
            kind,
            record: site.id().as_uuid(),
            site_doc: now.map(|site| serde_json::to_string(site).unwrap()),
            event_doc: None,
        }
    }

    #[test]
    fn each_site_once_as_its_last_change_in_the_page_says() {
        let edited = site("g1");
        let removed = site("g1");
        let recreated = site("g1");
        let rows = [
            row(1, ChangeKind::Site, &edited, Some(&edited)),
            row(2, ChangeKind::Site, &removed, None),
            row(3, ChangeKind::Site, &edited, Some(&edited)),
            row(4, ChangeKind::SiteDeleted, &removed, None),
            row(5, ChangeKind::SiteDeleted, &recreated, None),
            row(6, ChangeKind::Site, &recreated, Some(&recreated)),
        ];
        let page = assemble(&scope(), &rows).unwrap();
        assert_eq!(page.sites, [edited, recreated]);
        assert_eq!(page.deleted_sites, [removed.id()]);
        assert!(page.hazard_events.is_empty());
    }

    #[test]
    fn a_site_gone_or_moved_out_of_scope_since_counts_as_deleted() {
        let gone = site("g1");
        let moved = site("g1");
        let now_elsewhere = Site::new(SiteWire {
            region: site("g2").region().clone(),
            ..moved.clone().into_fields()
        })
        .unwrap();
        let rows = [
            row(7, ChangeKind::Site, &gone, None),
            row(8, ChangeKind::Site, &moved, Some(&now_elsewhere)),
        ];
        let page = assemble(&scope(), &rows).unwrap();
        assert!(page.sites.is_empty());
        assert_eq!(page.deleted_sites, [gone.id(), moved.id()]);
    }

    #[test]
    fn a_hazard_event_change_needs_its_event() {
        let site = site("g1");
        let rows = [row(1, ChangeKind::HazardEvent, &site, None)];
        assert!(matches!(
            assemble(&scope(), &rows),
            Err(StoreError::Corrupt(_))
        ));
    }
}
