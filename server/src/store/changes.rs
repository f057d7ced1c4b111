//! The change log (`change_log`, migration 0003): one row per write of a site or a hazard
//! event, numbered 1, 2, 3, ... in commit order, which `GET /api/sync/pull` reads from.
//!
//! Numbers come from the one-row `change_counter`, bumped with `UPDATE ... RETURNING` inside
//! the writing transaction, never from a sequence or identity column: on PostgreSQL sequence
//! values become visible out of order (a transaction holding 7 may commit after one holding
//! 8), and a pull that has seen 8 would move its cursor past 7 for good. The counter row's
//! lock is held until commit, so the next writer gets its number only once the previous one
//! is committed and visible: every pull sees a prefix of the log, with no holes (a rolled
//! back writer gives its number back). SQLite has one writer at a time anyway. Writers bump
//! the counter last, just before commit, to hold its lock as briefly as possible.

use anxun_domain::region::RegionPath;

/// What a change log row says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A site was created or changed; a pull sends it as it is now.
    Site,
    /// A site left this region: it was deleted, or moved to another region.
    SiteDeleted,
    /// A hazard event was accepted.
    HazardEvent,
}

impl ChangeKind {
    /// The `kind` column.
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::Site => "site",
            ChangeKind::SiteDeleted => "site_deleted",
            ChangeKind::HazardEvent => "hazard_event",
        }
    }

    /// Reads the `kind` column.
    pub fn parse(code: &str) -> Option<ChangeKind> {
        match code {
            "site" => Some(ChangeKind::Site),
            "site_deleted" => Some(ChangeKind::SiteDeleted),
            "hazard_event" => Some(ChangeKind::HazardEvent),
            _ => None,
        }
    }
}

/// One change to append: what happened to which record (a site id or a hazard event id), in
/// which region (the site's, or the hazard's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub record: uuid::Uuid,
    pub region: RegionPath,
}

/// Appends `$changes` (an iterator of [`Change`]) to the change log inside the open
/// transaction `$tx`, each with the next number from `change_counter`. Call it last before
/// `commit`: the counter row stays locked until then. A macro because the transaction's type
/// differs per backend (it runs inside [`super::on_pool!`]).
macro_rules! append_changes {
    ($tx:expr, $changes:expr, $now:expr) => {
        let changes: Vec<&$crate::store::changes::Change> = $changes.into_iter().collect();
        if !changes.is_empty() {
            // All the numbers at once: one write of the counter row per transaction.
            let count = i64::try_from(changes.len())
                .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?;
            let last: i64 = sqlx::query_scalar(
                "UPDATE change_counter SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq",
            )
            .bind(count)
            .fetch_one(&mut *$tx)
            .await?;
            let numbered: Vec<(i64, &$crate::store::changes::Change)> =
                (last - count + 1..).zip(changes).collect();
            for rows in numbered.chunks($crate::store::ROWS_PER_INSERT) {
                let sql = format!(
                    "INSERT INTO change_log (seq, kind, record_id, district, street, grid, created_at) VALUES {}",
                    $crate::store::values_sql(rows.len(), 7)
                );
                let mut insert = sqlx::query(&sql);
                for (seq, change) in rows {
                    insert = insert
                        .bind(*seq)
                        .bind(change.kind.code())
                        .bind(change.record)
                        .bind(change.region.district.as_str())
                        .bind(change.region.street.as_str())
                        .bind(change.region.grid.as_str())
                        .bind($now);
                }
                insert.execute(&mut *$tx).await?;
            }
        }
    };
}
pub(crate) use append_changes;
