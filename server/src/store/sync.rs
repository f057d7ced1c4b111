//! Pushed outbox entries: the device registry, the outcome of every entry (the audit log)
//! and the records mutations write. Entries are settled in batches, each in one transaction:
//! every entry's outcome, its effect (if accepted), the change log rows that announce the
//! effects to pulls ([`super::changes`]) and the device's advanced sequence number commit
//! together ([`Db::push_entries`]).

use super::{
    Db, StoreError,
    changes::{Change, ChangeKind, append_changes},
    ledger::write_hazard,
    on_pool,
    sites::write_site,
};
use crate::sync::{self, InspectionWrite, Pusher, Rejection};
use anxun_domain::region::RegionPath;
use anxun_domain::{
    api::RejectionCode,
    hazard::HazardEvent,
    ids::{DeviceId, MutationId, UserId},
    inspection::{Inspection, InspectionStatus},
    photo::Sha256Hex,
    site::Site,
    sync::Mutation,
};
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::HashMap;

/// How one entry was settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryOutcome {
    /// Applied now.
    Accepted,
    /// Rejected now, or by an earlier push of the same entry.
    Rejected(Rejection),
    /// Accepted by an earlier push.
    Duplicate,
    /// An earlier sequence number is missing; nothing was done.
    Gap { expected: u64 },
    /// The entry is the next one but references photos the store does not hold: nothing was
    /// done and the device's sequence did not advance (the client uploads them and retries).
    MissingPhotos(Vec<Sha256Hex>),
}

/// Entries settled in one transaction at most: a push of 200 entries holds the SQLite write
/// gate for a few of these at a time, so that other devices' pushes are not kept waiting.
pub const PUSH_CHUNK: usize = 50;

/// One outbox entry to settle ([`Db::push_entries`]).
#[derive(Debug)]
pub struct EntryIn<'a> {
    /// Its sequence number; `None`: the device's next one.
    pub seq: Option<u64>,
    pub mutation_id: MutationId,
    /// The parsed mutation, or why it could not be read (rejected, so that it does not block
    /// the outbox).
    pub mutation: Result<&'a Mutation, String>,
    /// The photos it references that the photo store lacks: if the entry is the next one,
    /// they make it [`EntryOutcome::MissingPhotos`] (a duplicate stays a duplicate).
    pub missing_photos: Vec<Sha256Hex>,
}

/// A `sync_mutations` row: mutation id, status, rejection code and message.
type SettledRow = (uuid::Uuid, String, Option<String>, Option<String>);

/// The outcome of an entry whose sequence number was settled before, from its
/// `sync_mutations` row (none: settled before the audit log existed, so accepted).
fn settled_before(
    row: Option<SettledRow>,
    seq: u64,
    mutation_id: MutationId,
) -> Result<EntryOutcome, StoreError> {
    let Some((stored, status, code, message)) = row else {
        return Ok(EntryOutcome::Duplicate);
    };
    if stored != mutation_id.as_uuid() {
        return Ok(EntryOutcome::Rejected(Rejection::new(
            RejectionCode::Invalid,
            format!("sequence number {seq} was already used by mutation {stored}"),
        )));
    }
    if status == "accepted" {
        return Ok(EntryOutcome::Duplicate);
    }
    let code = code
        .as_deref()
        .and_then(RejectionCode::parse)
        .ok_or_else(|| corrupt(format!("rejection without a known code at seq {seq}")))?;
    Ok(EntryOutcome::Rejected(Rejection::new(
        code,
        message.unwrap_or_default(),
    )))
}

/// A `sync_mutations` row to write at the end of a batch (the device, user and time are the
/// batch's).
struct AuditInsert {
    seq: i64,
    mutation_id: uuid::Uuid,
    op: Option<&'static str>,
    status: &'static str,
    code: Option<&'static str>,
    message: Option<String>,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt)
}

fn from_json<T: serde::de::DeserializeOwned>(doc: &str) -> Result<T, StoreError> {
    serde_json::from_str(doc).map_err(corrupt)
}

fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(corrupt)
}

fn to_u64(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(corrupt)
}

fn op(mutation: &Mutation) -> &'static str {
    match mutation {
        Mutation::UpsertSite { .. } => "upsert_site",
        Mutation::DeleteSite { .. } => "delete_site",
        Mutation::SaveInspection { .. } => "save_inspection",
        Mutation::HazardEvent { .. } => "hazard_event",
    }
}

/// A row of `sync_mutations`, as the audit log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub device: DeviceId,
    pub seq: u64,
    pub mutation_id: MutationId,
    pub user: UserId,
    pub received_at: DateTime<Utc>,
    pub op: Option<String>,
    pub status: String,
    pub code: Option<String>,
    pub message: Option<String>,
}

impl Db {
    /// Registers the device for `user` if it is new, and answers its owner.
    ///
    /// A known device (every push but a device's first) is only read: no write, so no turn at
    /// the SQLite write gate.
    pub async fn register_device(
        &self,
        device: DeviceId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<UserId, StoreError> {
        const OWNER: &str = "SELECT user_id FROM devices WHERE id = $1";
        let known: Option<uuid::Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(OWNER)
                .bind(device.as_uuid())
                .fetch_optional(pool)
                .await?
        });
        if let Some(owner) = known {
            return Ok(UserId::from_uuid(owner));
        }
        let _turn = self.write_gate().await;
        let owner: uuid::Uuid = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO devices (id, user_id, last_seq, created_at) VALUES ($1, $2, 0, $3) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(device.as_uuid())
            .bind(user.as_uuid())
            .bind(now)
            .execute(pool)
            .await?;
            sqlx::query_scalar(OWNER)
                .bind(device.as_uuid())
                .fetch_one(pool)
                .await?
        });
        Ok(UserId::from_uuid(owner))
    }

    /// The device's last settled sequence number (0 for an unknown device).
    pub async fn device_last_seq(&self, device: DeviceId) -> Result<u64, StoreError> {
        let last: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT last_seq FROM devices WHERE id = $1")
                .bind(device.as_uuid())
                .fetch_optional(pool)
                .await?
        });
        to_u64(last.unwrap_or(0))
    }

    /// The audit log of a device, by sequence number.
    pub async fn audit_rows(&self, device: DeviceId) -> Result<Vec<AuditRow>, StoreError> {
        const QUERY: &str = "SELECT device_id, seq, mutation_id, user_id, received_at, op, status, code, message \
                             FROM sync_mutations WHERE device_id = $1 ORDER BY seq";
        on_pool!(self, pool => {
            let rows = sqlx::query(QUERY).bind(device.as_uuid()).fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    Ok(AuditRow {
                        device: DeviceId::from_uuid(row.try_get(0)?),
                        seq: to_u64(row.try_get(1)?)?,
                        mutation_id: MutationId::from_uuid(row.try_get(2)?),
                        user: UserId::from_uuid(row.try_get(3)?),
                        received_at: row.try_get(4)?,
                        op: row.try_get(5)?,
                        status: row.try_get(6)?,
                        code: row.try_get(7)?,
                        message: row.try_get(8)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })
    }

    /// How many rows a table holds (tests and diagnostics; `table` is a fixed name).
    pub async fn count_rows(&self, table: SyncTable) -> Result<i64, StoreError> {
        let query = format!("SELECT COUNT(*) FROM {}", table.name());
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(&query).fetch_one(pool).await?
        }))
    }

    /// The stored state of a hazard (`status` column), if the hazard exists.
    pub async fn hazard_status(
        &self,
        hazard: anxun_domain::ids::HazardId,
    ) -> Result<Option<String>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT status FROM hazards WHERE id = $1")
                .bind(hazard.as_uuid())
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Settles one outbox entry (see [`Db::push_entries`]).
    pub async fn push_entry(
        &self,
        pusher: &Pusher,
        seq: Option<u64>,
        mutation_id: MutationId,
        mutation: Result<&Mutation, String>,
        missing_photos: &[Sha256Hex],
        now: DateTime<Utc>,
    ) -> Result<EntryOutcome, StoreError> {
        let entry = EntryIn {
            seq,
            mutation_id,
            mutation,
            missing_photos: missing_photos.to_vec(),
        };
        let mut outcomes = self.push_entries(pusher, vec![entry], now).await?;
        outcomes
            .pop()
            .ok_or_else(|| corrupt("no outcome for the entry"))
    }

    /// Settles a device's outbox entries in order, in one transaction: each entry's outcome,
    /// its effect (if accepted), the change log rows that announce the effects to pulls
    /// ([`super::changes`]) and the device's advanced sequence number commit together, or
    /// nothing does (a database failure: the device pushes again and nothing was applied
    /// twice). Each mutation is still decided on its own: a rejection writes only its outcome.
    ///
    /// Answers one outcome per entry up to and including the first [`EntryOutcome::Gap`] or
    /// [`EntryOutcome::MissingPhotos`], which stops the push (the caller answers the rest).
    /// An entry's `seq` `None` settles it as the device's next one, whatever its number (the
    /// console's actions, [`crate::sync::console_device`]).
    ///
    /// One transaction per batch rather than per entry: the device row, the change counter and
    /// the statements' shared pages are written once per batch instead of once per entry
    /// (the throughput budget of issue 6). Callers bound the batch (the push route sends at
    /// most [`PUSH_CHUNK`] entries at a time) so that other devices' pushes wait little.
    pub async fn push_entries(
        &self,
        pusher: &Pusher,
        entries: Vec<EntryIn<'_>>,
        now: DateTime<Utc>,
    ) -> Result<Vec<EntryOutcome>, StoreError> {
        let device = pusher.device.as_uuid();
        let user = pusher.user.as_uuid();
        // PostgreSQL runs writers at once: a hazard's row is locked before its history is read.
        let lock_hazard_rows = matches!(self, Db::Postgres(_));
        let _turn = self.write_gate().await;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Take the write lock on the device first: pushes from one device are serialised.
            sqlx::query("UPDATE devices SET last_seq = last_seq WHERE id = $1")
                .bind(device)
                .execute(&mut *tx)
                .await?;
            let stored_last: i64 = sqlx::query_scalar("SELECT last_seq FROM devices WHERE id = $1")
                .bind(device)
                .fetch_one(&mut *tx)
                .await?;
            let stored_last = to_u64(stored_last)?;
            let mut last = stored_last;
            let mut outcomes = Vec::with_capacity(entries.len());
            // What the accepted mutations changed, for pulls (appended last, before commit).
            let mut changes: Vec<Change> = Vec::new();
            // What they add to the statistics cells, the audit rows and the photo references:
            // written once per batch, before commit (fewer statements: issue 6's throughput).
            let mut cells = super::stats::CellDeltas::default();
            let mut audit: Vec<AuditInsert> = Vec::new();
            let mut photo_refs: Vec<(Sha256Hex, RegionPath)> = Vec::new();
            // Sites read by earlier entries of the batch (a site written by one is read again).
            let mut sites_read: HashMap<uuid::Uuid, Option<Site>> = HashMap::new();
            // Hazards' histories as earlier entries of the batch left them (taken out while an
            // event is applied, put back with the event if it was applied).
            let mut histories: HashMap<uuid::Uuid, Vec<HazardEvent>> = HashMap::new();
            for EntryIn { seq, mutation_id, mutation, missing_photos } in entries {
                let seq = seq.unwrap_or(last + 1);
                let seq_i = to_i64(seq)?;
                if seq <= last {
                    let row: Option<SettledRow> = sqlx::query_as(
                        "SELECT mutation_id, status, code, message FROM sync_mutations \
                         WHERE device_id = $1 AND seq = $2",
                    )
                    .bind(device)
                    .bind(seq_i)
                    .fetch_optional(&mut *tx)
                    .await?;
                    outcomes.push(settled_before(row, seq, mutation_id)?);
                    continue;
                }
                if seq > last + 1 {
                    outcomes.push(EntryOutcome::Gap { expected: last + 1 });
                    break;
                }
                if !missing_photos.is_empty() {
                    outcomes.push(EntryOutcome::MissingPhotos(missing_photos));
                    break;
                }

                let op_name = mutation.as_ref().ok().map(|m| op(m));
                // Photos an accepted mutation references, with the region of the record: who may
                // read them ([`super::photo_access`]).
                let referenced = mutation.as_ref().map(|m| m.photos()).unwrap_or_default();
                let outcome: Result<(), Rejection> = match mutation {
                    Err(reason) => Err(Rejection::new(RejectionCode::Invalid, reason)),
                    Ok(Mutation::UpsertSite { site }) => {
                        let existing: Option<String> = sqlx::query_scalar("SELECT doc FROM sites WHERE id = $1")
                            .bind(site.id().as_uuid())
                            .fetch_optional(&mut *tx)
                            .await?;
                        let existing: Option<Site> = existing.as_deref().map(from_json).transpose()?;
                        let region = site.region();
                        let known: i64 = sqlx::query_scalar(
                            "SELECT COUNT(*) FROM regions WHERE (code = $1 AND level = 'district') \
                             OR (code = $2 AND level = 'street' AND parent = $1) \
                             OR (code = $3 AND level = 'grid' AND parent = $2)",
                        )
                        .bind(region.district.as_str())
                        .bind(region.street.as_str())
                        .bind(region.grid.as_str())
                        .fetch_one(&mut *tx)
                        .await?;
                        match sync::check_upsert_site(pusher, site, existing.as_ref(), known == 3) {
                            Err(rejection) => Err(rejection),
                            Ok(()) => {
                                write_site(&mut *tx, site, false, now).await?;
                                // A site moved to another region leaves the old one: devices that
                                // see only the old region drop it.
                                if let Some(old) = existing.as_ref().filter(|old| old.region() != region) {
                                    changes.push(Change {
                                        kind: ChangeKind::SiteDeleted,
                                        record: site.id().as_uuid(),
                                        region: old.region().clone(),
                                    });
                                }
                                changes.push(Change {
                                    kind: ChangeKind::Site,
                                    record: site.id().as_uuid(),
                                    region: region.clone(),
                                });
                                Ok(())
                            }
                        }
                    }
                    Ok(Mutation::DeleteSite { site }) => {
                        let existing: Option<String> = sqlx::query_scalar("SELECT doc FROM sites WHERE id = $1")
                            .bind(site.as_uuid())
                            .fetch_optional(&mut *tx)
                            .await?;
                        let existing: Option<Site> = existing.as_deref().map(from_json).transpose()?;
                        let references: i64 = sqlx::query_scalar(
                            "SELECT (SELECT COUNT(*) FROM inspections WHERE site_id = $1) \
                             + (SELECT COUNT(*) FROM hazards WHERE site_id = $1)",
                        )
                        .bind(site.as_uuid())
                        .fetch_one(&mut *tx)
                        .await?;
                        match sync::check_delete_site(pusher, existing.as_ref(), references) {
                            Err(rejection) => Err(rejection),
                            Ok(()) => {
                                sqlx::query("DELETE FROM sites WHERE id = $1")
                                    .bind(site.as_uuid())
                                    .execute(&mut *tx)
                                    .await?;
                                let region = existing.as_ref().map(|old| old.region().clone()).ok_or_else(|| corrupt("site vanished"))?;
                                changes.push(Change {
                                    kind: ChangeKind::SiteDeleted,
                                    record: site.as_uuid(),
                                    region,
                                });
                                Ok(())
                            }
                        }
                    }
                    Ok(Mutation::SaveInspection { inspection }) => {
                        let site: Option<Site> = match sites_read.get(&inspection.site.as_uuid()) {
                            Some(site) => site.clone(),
                            None => {
                                let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM sites WHERE id = $1")
                                    .bind(inspection.site.as_uuid())
                                    .fetch_optional(&mut *tx)
                                    .await?;
                                let site: Option<Site> = doc.as_deref().map(from_json).transpose()?;
                                sites_read.insert(inspection.site.as_uuid(), site.clone());
                                site
                            }
                        };
                        let existing: Option<String> = sqlx::query_scalar("SELECT doc FROM inspections WHERE id = $1")
                            .bind(inspection.id.as_uuid())
                            .fetch_optional(&mut *tx)
                            .await?;
                        let existing: Option<Inspection> = existing.as_deref().map(from_json).transpose()?;
                        match sync::check_save_inspection(pusher, inspection, site.as_ref(), existing.as_ref()) {
                            Err(rejection) => Err(rejection),
                            Ok(InspectionWrite::Unchanged) => Ok(()),
                            Ok(InspectionWrite::Store) => {
                                let region = site.as_ref().map(|s| s.region().clone()).ok_or_else(|| corrupt("site vanished"))?;
                                let status = match inspection.status {
                                    InspectionStatus::Draft => "draft",
                                    InspectionStatus::Completed => "completed",
                                };
                                sqlx::query(
                                    "INSERT INTO inspections (id, site_id, district, street, grid, status, started_at, doc, created_at, updated_at) \
                                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
                                     ON CONFLICT (id) DO UPDATE SET status = excluded.status, started_at = excluded.started_at, \
                                     doc = excluded.doc, updated_at = excluded.updated_at",
                                )
                                .bind(inspection.id.as_uuid())
                                .bind(inspection.site.as_uuid())
                                .bind(region.district.as_str())
                                .bind(region.street.as_str())
                                .bind(region.grid.as_str())
                                .bind(status)
                                .bind(inspection.started_at)
                                .bind(to_json(&**inspection)?)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                                super::stats::write_inspection_facts!(tx, inspection, &region, cells);
                                for photo in &referenced {
                                    photo_refs.push((photo.clone(), region.clone()));
                                }
                                Ok(())
                            }
                        }
                    }
                    Ok(Mutation::HazardEvent { event }) => {
                        // One hazard's events one at a time: on PostgreSQL the row lock is held
                        // until commit, and the history read below then holds every event
                        // committed before (read committed reads anew per statement), so the next
                        // position is free. Without it, two events arriving together took the
                        // same position and one failed. (SQLite has one writer at a time.)
                        if lock_hazard_rows {
                            sqlx::query("UPDATE hazards SET updated_at = updated_at WHERE id = $1")
                                .bind(event.hazard.as_uuid())
                                .execute(&mut *tx)
                                .await?;
                        }
                        let history: Vec<HazardEvent> = match histories.remove(&event.hazard.as_uuid()) {
                            Some(history) => history,
                            None => {
                                let docs: Vec<String> = sqlx::query_scalar(
                                    "SELECT doc FROM hazard_events WHERE hazard_id = $1 ORDER BY position",
                                )
                                .bind(event.hazard.as_uuid())
                                .fetch_all(&mut *tx)
                                .await?;
                                docs.iter().map(|doc| from_json(doc)).collect::<Result<_, _>>()?
                            }
                        };
                        let report_site = match &event.action {
                            anxun_domain::hazard::HazardAction::Report(new) if history.is_empty() => {
                                match sites_read.get(&new.site.as_uuid()) {
                                    Some(site) => site.clone(),
                                    None => {
                                        let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM sites WHERE id = $1")
                                            .bind(new.site.as_uuid())
                                            .fetch_optional(&mut *tx)
                                            .await?;
                                        let site = doc.as_deref().map(from_json::<Site>).transpose()?;
                                        sites_read.insert(new.site.as_uuid(), site.clone());
                                        site
                                    }
                                }
                            }
                            _ => None,
                        };
                        match sync::apply_hazard_event(pusher, event, report_site.as_ref(), &history) {
                            Err(rejection) => Err(rejection),
                            Ok(None) => Ok(()),
                            Ok(Some(applied)) => {
                                let hazard = &applied.hazard;
                                let details = hazard.details();
                                let region = &details.region;
                                if history.is_empty() {
                                    cells.new_hazard(hazard.id().as_uuid());
                                }
                                write_hazard!(tx, hazard, now, cells);
                                sqlx::query(
                                    "INSERT INTO hazard_events (id, hazard_id, position, doc, user_id, device_id, received_at) \
                                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                )
                                .bind(applied.event.id.as_uuid())
                                .bind(hazard.id().as_uuid())
                                .bind(i64::try_from(history.len()).map_err(corrupt)?)
                                .bind(to_json(&applied.event)?)
                                .bind(user)
                                .bind(device)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                                changes.push(Change {
                                    kind: ChangeKind::HazardEvent,
                                    record: applied.event.id.as_uuid(),
                                    region: region.clone(),
                                });
                                for photo in &referenced {
                                    photo_refs.push((photo.clone(), region.clone()));
                                }
                                let mut history = history.clone();
                                history.push(applied.event.clone());
                                histories.insert(hazard.id().as_uuid(), history);
                                Ok(())
                            }
                        }
                    }
                };

                let (status, code, message) = match &outcome {
                    Ok(()) => ("accepted", None, None),
                    Err(rejection) => ("rejected", Some(rejection.code.code()), Some(rejection.message.clone())),
                };
                audit.push(AuditInsert {
                    seq: seq_i,
                    mutation_id: mutation_id.as_uuid(),
                    op: op_name,
                    status,
                    code,
                    message,
                });
                last = seq;
                outcomes.push(match outcome {
                    Ok(()) => EntryOutcome::Accepted,
                    Err(rejection) => EntryOutcome::Rejected(rejection),
                });
            }
            if last != stored_last {
                sqlx::query("UPDATE devices SET last_seq = $2 WHERE id = $1")
                    .bind(device)
                    .bind(to_i64(last)?)
                    .execute(&mut *tx)
                    .await?;
                for rows in audit.chunks(super::ROWS_PER_INSERT) {
                    let sql = format!(
                        "INSERT INTO sync_mutations (device_id, seq, mutation_id, user_id, received_at, op, status, code, message) VALUES {}",
                        super::values_sql(rows.len(), 9)
                    );
                    let mut insert = sqlx::query(&sql);
                    for row in rows {
                        insert = insert
                            .bind(device)
                            .bind(row.seq)
                            .bind(row.mutation_id)
                            .bind(user)
                            .bind(now)
                            .bind(row.op)
                            .bind(row.status)
                            .bind(row.code)
                            .bind(row.message.as_deref());
                    }
                    insert.execute(&mut *tx).await?;
                }
                // In key order, once each (concurrent PostgreSQL writers never wait on each
                // other's rows in opposite orders).
                let key = |(hash, region): &(Sha256Hex, RegionPath)| {
                    (hash.as_str().to_owned(), region.district.as_str().to_owned(), region.street.as_str().to_owned(), region.grid.as_str().to_owned())
                };
                photo_refs.sort_by_key(key);
                photo_refs.dedup();
                for rows in photo_refs.chunks(super::ROWS_PER_INSERT) {
                    let sql = format!(
                        "INSERT INTO photo_refs (hash, district, street, grid) VALUES {} \
                         ON CONFLICT (hash, district, street, grid) DO NOTHING",
                        super::values_sql(rows.len(), 4)
                    );
                    let mut insert = sqlx::query(&sql);
                    for (hash, region) in rows {
                        insert = insert
                            .bind(hash.as_str())
                            .bind(region.district.as_str())
                            .bind(region.street.as_str())
                            .bind(region.grid.as_str());
                    }
                    insert.execute(&mut *tx).await?;
                }
                super::stats::flush_cells!(tx, cells);
                append_changes!(tx, &changes, now);
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            Ok(outcomes)
        })
    }
}

/// Tables [`Db::count_rows`] can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncTable {
    Sites,
    Inspections,
    Hazards,
    HazardEvents,
    SyncMutations,
}

impl SyncTable {
    fn name(self) -> &'static str {
        match self {
            SyncTable::Sites => "sites",
            SyncTable::Inspections => "inspections",
            SyncTable::Hazards => "hazards",
            SyncTable::HazardEvents => "hazard_events",
            SyncTable::SyncMutations => "sync_mutations",
        }
    }
}
