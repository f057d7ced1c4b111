//! What sync reads and writes on the device, each step in one transaction: preparing a push
//! round (renumbering the unsent tail, recording what is being sent), photos confirmed by the
//! server, settling a push's answer, applying a pulled page with its cursor, the session and
//! the switch of a local profile to a signed-in account.
//!
//! The decisions are the domain's ([`anxun_domain::sync::engine`]); this module only stores
//! them, so that a crash between any two steps leaves the device in a state the next sync
//! continues from.

use super::{
    Db, DbError,
    changes::{
        DEVICE_ID, EventRow, InspectionRow, MetaRow, NEXT_SEQ, OutboxRow, SENT_THROUGH, SiteRow,
        json,
    },
    hazards::{HazardRow, view},
    read::parse,
    schema::*,
    templates::TemplateRow,
};
use crate::profile::Profile;
use anxun_domain::{
    api::{PullResponse, SignedInUser},
    hazard::HazardEvent,
    ids::{DeviceId, HazardId, UserId},
    inspection::Inspection,
    photo::Sha256Hex,
    sync::{
        OutboxEntry,
        engine::{self, PushRound, Refused, Settlement},
    },
};
use chrono::{DateTime, Utc};
use indexed_db_futures::{
    prelude::*,
    transaction::{Transaction, TransactionDurability, TransactionMode, TransactionOptions},
};
use serde::{Deserialize, Serialize};

const SESSION: &str = "session";
const PULL_CURSOR: &str = "pull_cursor";
const EVENT_POS: &str = "event_pos";
const LAST_SYNC: &str = "last_sync";
const PROFILE: &str = "profile";

/// A row keyed by a photo's hash.
#[derive(Serialize)]
struct HashRow<'a> {
    hash: &'a str,
}

/// A signed-in session, kept on the device so that sync works after the app restarts offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: SignedInUser,
    /// The server said the session ended (expired or revoked): sync waits for a new sign-in.
    #[serde(default)]
    pub ended: bool,
}

/// An outbox entry the server refused, kept with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusedRow {
    pub seq: u64,
    /// The record (site, inspection or hazard id).
    pub record: String,
    pub code: String,
    pub message: String,
    /// When the answer came (ms since the epoch).
    pub at: f64,
    /// The entry as it was sent.
    pub doc: String,
}

impl RefusedRow {
    /// The entry as it was sent.
    pub fn entry(&self) -> Result<OutboxEntry, DbError> {
        parse(&self.doc)
    }
}

fn strict() -> TransactionOptions {
    TransactionOptions::new().with_durability(TransactionDurability::Strict)
}

async fn meta_u64(tx: &Transaction<'_>, key: &str) -> Result<u64, DbError> {
    let row: Option<MetaRow> = tx.object_store(META)?.get(key).serde()?.await?;
    Ok(row.and_then(|row| row.value.parse().ok()).unwrap_or(0))
}

fn put_meta(tx: &Transaction<'_>, key: &str, value: String) -> Result<(), DbError> {
    tx.object_store(META)?
        .put(MetaRow {
            key: key.into(),
            value,
        })
        .serde()?;
    Ok(())
}

impl Db {
    /// The next push round, or `None` when nothing waits. In one transaction: the unsent tail
    /// of the outbox is renumbered without holes, the round's entries are read with the photos
    /// they need that the server has not confirmed, and `sent_through` is raised to the round's
    /// last entry (from now on the server may hold them, so they are never rewritten).
    pub async fn prepare_round(&self, max_entries: usize) -> Result<Option<PushRound>, DbError> {
        self.reopening(async || {
            let database = self.database();
            let tx = database
                .transaction([META, OUTBOX, UPLOADED])
                .with_mode(TransactionMode::Readwrite)
                .with_options(strict())
                .build()?;
            let outbox = tx.object_store(OUTBOX)?;
            let mut rows: Vec<OutboxRow> =
                outbox.get_all().serde()?.await?.collect::<Result<_, _>>()?;
            rows.sort_by_key(|row| row.seq);
            let sent_through = meta_u64(&tx, SENT_THROUGH).await?;
            let seqs: Vec<u64> = rows.iter().map(|row| row.seq).collect();
            let moves = engine::renumbering(&seqs, sent_through);
            for (old, new) in &moves {
                let Some(row) = rows.iter_mut().find(|row| row.seq == *old) else {
                    continue;
                };
                let mut entry: OutboxEntry = parse(&row.doc)?;
                entry.seq = *new;
                row.seq = *new;
                row.doc = json(&entry)?;
                // Keys are JS numbers: a u64 would become a BigInt, which is no valid key.
                outbox.delete(*old as f64).build()?;
                outbox.put(&*row).serde()?;
            }
            if !moves.is_empty() {
                let last = rows.last().map_or(sent_through, |row| row.seq);
                put_meta(&tx, NEXT_SEQ, (last + 1).to_string())?;
            }
            let entries = rows
                .iter()
                .map(|row| parse::<OutboxEntry>(&row.doc))
                .collect::<Result<Vec<_>, _>>()?;
            // Which referenced photos the server has confirmed, read before deciding.
            let uploaded = tx.object_store(UPLOADED)?;
            let mut confirmed = std::collections::HashSet::new();
            for entry in entries.iter().take(ROUND) {
                for photo in entry.mutation.photos() {
                    if uploaded.count().with_query(photo.as_str()).await? > 0 {
                        confirmed.insert(photo);
                    }
                }
            }
            let round = engine::next_round(&entries, max_entries.min(ROUND), |hash| {
                confirmed.contains(hash)
            });
            if let Some(last) = round.as_ref().and_then(|r| r.entries.last())
                && last.seq > sent_through
            {
                put_meta(&tx, SENT_THROUGH, last.seq.to_string())?;
            }
            tx.commit().await?;
            Ok(round)
        })
        .await
    }

    /// Records that the server holds a photo (its upload attempt, if any, is over).
    pub async fn photo_confirmed(&self, hash: &Sha256Hex) -> Result<(), DbError> {
        let database = self.database();
        let tx = database
            .transaction([UPLOADED, UPLOAD_ATTEMPTS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(UPLOADED)?
            .put(HashRow {
                hash: hash.as_str(),
            })
            .serde()?;
        tx.object_store(UPLOAD_ATTEMPTS)?
            .delete(hash.as_str())
            .build()?;
        tx.commit().await?;
        Ok(())
    }

    /// Records, before a photo's `PUT`, that its upload was attempted: if the answer never
    /// arrives, the next sync asks the server (`HEAD`) before sending it again.
    pub async fn upload_attempted(&self, hash: &Sha256Hex) -> Result<(), DbError> {
        let database = self.database();
        let tx = database
            .transaction(UPLOAD_ATTEMPTS)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(UPLOAD_ATTEMPTS)?
            .put(HashRow {
                hash: hash.as_str(),
            })
            .serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a photo's upload was attempted and not confirmed (it may be on the server).
    pub async fn was_upload_attempted(&self, hash: &Sha256Hex) -> Result<bool, DbError> {
        let database = self.database();
        let tx = database.transaction(UPLOAD_ATTEMPTS).build()?;
        let count = tx
            .object_store(UPLOAD_ATTEMPTS)?
            .count()
            .with_query(hash.as_str())
            .await?;
        Ok(count > 0)
    }

    /// Stores what a push's answer means, in one transaction: settled entries leave the
    /// outbox; refused ones are kept in `refused` with the reason (and a refused hazard event
    /// leaves the device's view of its hazard); photos the server lacks are no longer counted
    /// as confirmed.
    pub async fn settle(
        &self,
        sent: &[OutboxEntry],
        settlement: &Settlement,
    ) -> Result<(), DbError> {
        let database = self.database();
        let tx = database
            .transaction([META, OUTBOX, REFUSED, UPLOADED, HAZARD_EVENTS, HAZARDS])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()?;
        let outbox = tx.object_store(OUTBOX)?;
        for seq in &settlement.done {
            outbox.delete(*seq as f64).build()?;
        }
        let now = js_sys::Date::now();
        let mut stale_hazards: Vec<HazardId> = Vec::new();
        let mut stale_sites = false;
        for Refused {
            seq, code, message, ..
        } in &settlement.refused
        {
            let Some(entry) = sent.iter().find(|e| e.seq == *seq) else {
                continue;
            };
            let record = match &entry.mutation {
                // The device holds its own version of the site, and pulls skipped the server's
                // while the change was pending: pull everything again to get the server's back.
                anxun_domain::sync::Mutation::UpsertSite { site } => {
                    stale_sites = true;
                    site.id().to_string()
                }
                anxun_domain::sync::Mutation::DeleteSite { site } => {
                    stale_sites = true;
                    site.to_string()
                }
                anxun_domain::sync::Mutation::SaveInspection { inspection } => {
                    inspection.id.to_string()
                }
                anxun_domain::sync::Mutation::HazardEvent { event } => {
                    // The event will never happen on the server: it leaves the hazard's events
                    // (it stays in `refused`, with everything it held).
                    tx.object_store(HAZARD_EVENTS)?
                        .delete(event.id.to_string())
                        .build()?;
                    if !stale_hazards.contains(&event.hazard) {
                        stale_hazards.push(event.hazard);
                    }
                    event.hazard.to_string()
                }
            };
            tx.object_store(REFUSED)?
                .put(RefusedRow {
                    seq: *seq,
                    record,
                    code: code.code().to_owned(),
                    message: message.clone(),
                    at: now,
                    doc: json(entry)?,
                })
                .serde()?;
            outbox.delete(*seq as f64).build()?;
        }
        for hash in &settlement.upload {
            tx.object_store(UPLOADED)?.delete(hash.as_str()).build()?;
        }
        for hazard in stale_hazards {
            reproject(&tx, hazard).await?;
        }
        if stale_sites {
            put_meta(&tx, PULL_CURSOR, "0".into())?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The pull cursor: where the next pull starts.
    pub async fn pull_cursor(&self) -> Result<u64, DbError> {
        let database = self.database();
        let tx = database.transaction(META).build()?;
        meta_u64(&tx, PULL_CURSOR).await
    }

    /// Applies one pulled page and stores its cursor, in one transaction. A site with changes
    /// still in the outbox is not overwritten (the device's version reaches the server next and
    /// comes back). Hazard events are added in the server's order (or marked confirmed if they
    /// are this device's own), and each touched hazard's list item is rebuilt; template versions
    /// the server published are kept (every version: an inspection keeps the one it used).
    pub async fn apply_pull(&self, page: &PullResponse) -> Result<(), DbError> {
        let sites: Vec<(String, SiteRow)> = page
            .sites
            .iter()
            .map(|site| {
                Ok((
                    site.id().to_string(),
                    SiteRow {
                        id: site.id().to_string(),
                        doc: json(site)?,
                    },
                ))
            })
            .collect::<Result<_, DbError>>()?;
        let events = page
            .hazard_events
            .iter()
            .map(|event| Ok((event, json(event)?)))
            .collect::<Result<Vec<_>, DbError>>()?;
        let templates = page
            .templates
            .iter()
            .map(TemplateRow::new)
            .collect::<Result<Vec<_>, DbError>>()?;
        self.reopening(async || {
            let database = self.database();
            let tx = database
                .transaction([META, OUTBOX, SITES, HAZARD_EVENTS, HAZARDS, TEMPLATES])
                .with_mode(TransactionMode::Readwrite)
                .with_options(strict())
                .build()?;
            let outbox = tx.object_store(OUTBOX)?;
            let pending_index = outbox.index("by_record")?;
            let site_store = tx.object_store(SITES)?;
            for (id, row) in &sites {
                if pending_index.count().with_query(id.as_str()).await? == 0 {
                    site_store.put(row).serde()?;
                }
            }
            for id in &page.deleted_sites {
                let id = id.to_string();
                if pending_index.count().with_query(id.as_str()).await? == 0 {
                    site_store.delete(id).build()?;
                }
            }
            let store = tx.object_store(HAZARD_EVENTS)?;
            let mut pos = meta_u64(&tx, EVENT_POS).await?;
            let mut touched: Vec<HazardId> = Vec::new();
            for (event, doc) in &events {
                let existing: Option<EventRow> = store.get(event.id.to_string()).serde()?.await?;
                if existing.as_ref().is_some_and(|row| row.pos.is_some()) {
                    continue;
                }
                pos += 1;
                store
                    .put(EventRow {
                        id: event.id.to_string(),
                        hazard: event.hazard.to_string(),
                        // The server's version (its actor is the one the server knew).
                        doc: doc.clone(),
                        pos: Some(pos as f64),
                    })
                    .serde()?;
                if !touched.contains(&event.hazard) {
                    touched.push(event.hazard);
                }
            }
            put_meta(&tx, EVENT_POS, pos.to_string())?;
            for hazard in touched {
                reproject(&tx, hazard).await?;
            }
            let template_store = tx.object_store(TEMPLATES)?;
            for row in &templates {
                template_store.put(row).serde()?;
            }
            put_meta(&tx, PULL_CURSOR, page.cursor.to_string())?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// When the last sync finished without error.
    pub async fn last_sync(&self) -> Result<Option<DateTime<Utc>>, DbError> {
        let database = self.database();
        let tx = database.transaction(META).build()?;
        let row: Option<MetaRow> = tx.object_store(META)?.get(LAST_SYNC).serde()?.await?;
        Ok(row.and_then(|row| row.value.parse().ok()))
    }

    /// Records a sync that finished without error.
    pub async fn set_last_sync(&self, at: DateTime<Utc>) -> Result<(), DbError> {
        let database = self.database();
        let tx = database
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        put_meta(&tx, LAST_SYNC, at.to_rfc3339())?;
        tx.commit().await?;
        Ok(())
    }

    /// How many changes wait for the server, and when the oldest was made.
    pub async fn unsynced(&self) -> Result<(u32, Option<DateTime<Utc>>), DbError> {
        self.reopening(async || {
            let database = self.database();
            let tx = database.transaction(OUTBOX).build()?;
            let store = tx.object_store(OUTBOX)?;
            let count = store.count().await?;
            let first: Option<OutboxRow> = store
                .get_all()
                .with_limit(1)
                .serde()?
                .await?
                .next()
                .transpose()?;
            let oldest = first
                .and_then(|row| row.at)
                .and_then(|ms| DateTime::from_timestamp_millis(ms as i64));
            Ok((count, oldest))
        })
        .await
    }

    /// Entries the server refused, newest first.
    pub async fn refusals(&self) -> Result<Vec<RefusedRow>, DbError> {
        let mut rows: Vec<RefusedRow> = self.all(REFUSED).await?;
        rows.sort_by_key(|row| std::cmp::Reverse(row.seq));
        Ok(rows)
    }

    /// The stored session, if any.
    pub async fn session(&self) -> Result<Option<Session>, DbError> {
        let database = self.database();
        let tx = database.transaction(META).build()?;
        let row: Option<MetaRow> = tx.object_store(META)?.get(SESSION).serde()?.await?;
        row.map(|row| parse(&row.value)).transpose()
    }

    /// Marks the stored session as ended (the server refused it): sync waits for a sign-in.
    pub async fn end_session(&self) -> Result<(), DbError> {
        let Some(mut session) = self.session().await? else {
            return Ok(());
        };
        session.ended = true;
        let database = self.database();
        let tx = database
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        put_meta(&tx, SESSION, json(&session)?)?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the session (signing out). Nothing recorded is touched.
    pub async fn clear_session(&self) -> Result<(), DbError> {
        let database = self.database();
        let tx = database
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(META)?.delete(SESSION).build()?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a new session and makes its user the device's profile, in one transaction.
    ///
    /// - The same user again: the session is replaced.
    /// - A local profile (entered before the first sign-in): the work recorded under it becomes
    ///   the signed-in user's (outbox, inspections and hazard events are rewritten to the
    ///   account's id), so that the server accepts it as theirs.
    /// - Another signed-in user: refused while changes wait for the server (they belong to
    ///   the first user); otherwise the device starts as a new device of the new user.
    pub async fn sign_in(&self, session: Session) -> Result<Profile, SignInError> {
        let user = session.user.clone();
        let database = self.database();
        let tx = database
            .transaction([META, OUTBOX, INSPECTIONS, HAZARD_EVENTS])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()?;
        let meta = tx.object_store(META)?;
        let stored: Option<MetaRow> = meta.get(PROFILE).serde()?.await?;
        let previous: Option<Profile> = stored.map(|row| parse(&row.value)).transpose()?;
        let profile = Profile::signed_in(&user, previous.as_ref());
        match previous {
            Some(old) if old.user == user.id => {}
            Some(old) if !old.signed_in => adopt(&tx, old.user, user.id).await?,
            Some(_) => {
                let waiting = tx.object_store(OUTBOX)?.count().await?;
                if waiting > 0 {
                    return Err(SignInError::OtherUsersChanges(waiting));
                }
                // The server ties a device to its first user: start as a new device.
                put_meta(&tx, DEVICE_ID, DeviceId::generate().to_string())?;
                put_meta(&tx, NEXT_SEQ, "1".into())?;
                put_meta(&tx, SENT_THROUGH, "0".into())?;
                put_meta(&tx, PULL_CURSOR, "0".into())?;
            }
            None => {}
        }
        put_meta(&tx, PROFILE, json(&profile)?)?;
        put_meta(&tx, SESSION, json(&session)?)?;
        tx.commit().await?;
        Ok(profile)
    }
}

/// Rewrites the work of local profile `from` as user `to`'s.
async fn adopt(tx: &Transaction<'_>, from: UserId, to: UserId) -> Result<(), DbError> {
    let outbox = tx.object_store(OUTBOX)?;
    let rows: Vec<OutboxRow> = outbox.get_all().serde()?.await?.collect::<Result<_, _>>()?;
    for mut row in rows {
        let mut entry: OutboxEntry = parse(&row.doc)?;
        if engine::adopt(&mut entry, from, to) {
            row.doc = json(&entry)?;
            outbox.put(&row).serde()?;
        }
    }
    let inspections = tx.object_store(INSPECTIONS)?;
    let rows: Vec<InspectionRow> = inspections
        .get_all()
        .serde()?
        .await?
        .collect::<Result<_, _>>()?;
    for mut row in rows {
        let mut inspection: Inspection = parse(&row.doc)?;
        if engine::adopt_inspection(&mut inspection, from, to) {
            row.doc = json(&inspection)?;
            inspections.put(&row).serde()?;
        }
    }
    let events = tx.object_store(HAZARD_EVENTS)?;
    let rows: Vec<EventRow> = events.get_all().serde()?.await?.collect::<Result<_, _>>()?;
    for mut row in rows {
        let mut event: HazardEvent = parse(&row.doc)?;
        if engine::adopt_event(&mut event, from, to) {
            row.doc = json(&event)?;
            events.put(&row).serde()?;
        }
    }
    Ok(())
}

/// Rebuilds one hazard's list item from its stored events, inside `tx`.
async fn reproject(tx: &Transaction<'_>, hazard: HazardId) -> Result<(), DbError> {
    let rows: Vec<EventRow> = tx
        .object_store(HAZARD_EVENTS)?
        .index("by_hazard")?
        .get_all()
        .with_query(hazard.to_string())
        .serde()?
        .await?
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        tx.object_store(HAZARDS)?
            .delete(hazard.to_string())
            .build()?;
        return Ok(());
    }
    let (built, _) = view(&rows, &[])?;
    tx.object_store(HAZARDS)?
        .put(HazardRow::of(&built)?)
        .serde()?;
    Ok(())
}

/// The most entries one push carries.
pub const ROUND: usize = anxun_domain::api::MAX_PUSH_ENTRIES / 4;

/// Why signing in could not be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    /// Another user's changes still wait for the server on this device.
    #[error("{0} changes of the previous user have not reached the server yet")]
    OtherUsersChanges(u32),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<indexed_db_futures::error::Error> for SignInError {
    fn from(error: indexed_db_futures::error::Error) -> SignInError {
        SignInError::Db(error.into())
    }
}
