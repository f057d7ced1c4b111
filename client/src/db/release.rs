//! Releasing photos the server holds: their full-size bytes leave the device, their thumbnail
//! and metadata stay, and the photo is marked as on the server only. Which photos may go is
//! the domain's decision ([`anxun_domain::sync::release`]); this module gathers what it needs
//! (in one read-only transaction, so that the outbox, the refusals and the records are seen
//! at one instant) and releases each photo in a transaction of its own.
//!
//! The inspector chooses how much recent work keeps its photos ([`KeepPhotos`], stored in
//! `meta`; 30 days unless chosen).

use super::{
    Db, DbError,
    changes::{LocalPhotoRow, MetaRow, PHOTO_BYTES, PhotoRow, PhotoState},
    read::{doc_field, parse},
    schema::*,
};
use anxun_domain::{
    hazard::HazardEvent,
    inspection::Inspection,
    photo::Sha256Hex,
    sync::{
        OutboxEntry,
        release::{Holder, KeepPhotos, LocalPhoto, Reference, releasable},
    },
};
use chrono::{DateTime, Utc};
use indexed_db_futures::{
    prelude::*,
    transaction::{Transaction, TransactionDurability, TransactionMode, TransactionOptions},
};
use std::collections::HashSet;

const KEEP_PHOTOS: &str = "keep_photos";
/// Set once `local_photos` has been filled from the photos stored before version 5.
const LOCAL_PHOTOS_FILLED: &str = "local_photos_filled";

/// What a release did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Released {
    pub photos: u32,
    pub bytes: u64,
}

/// Where a photo's full-size bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoPlace {
    /// On the device.
    Here,
    /// Released: only on the server (the thumbnail and the metadata are here).
    OnServer {
        mime: String,
        width: u32,
        height: u32,
    },
    /// Not known on this device.
    Unknown,
}

/// The `doc` of every row of a store, inside `tx`.
async fn docs(tx: &Transaction<'_>, store: &str) -> Result<Vec<String>, DbError> {
    let rows = tx
        .object_store(store)?
        .get_all::<wasm_bindgen::JsValue>()
        .primitive()?
        .await?;
    rows.map(|row| doc_field(&row?)).collect()
}

impl Db {
    /// How much recent work keeps its full-size photos on this device.
    pub async fn keep_photos(&self) -> Result<KeepPhotos, DbError> {
        let database = self.database();
        let tx = database.transaction(META).build()?;
        let row: Option<MetaRow> = tx.object_store(META)?.get(KEEP_PHOTOS).serde()?.await?;
        // A stored value this build does not know (a newer build's) keeps the default.
        Ok(row
            .and_then(|row| KeepPhotos::parse(&row.value).ok())
            .unwrap_or_default())
    }

    /// Stores the inspector's choice (the caller then releases what it allows).
    pub async fn set_keep_photos(&self, keep: KeepPhotos) -> Result<(), DbError> {
        let database = self.database();
        let tx = database
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(META)?
            .put(MetaRow {
                key: KEEP_PHOTOS.into(),
                value: keep.as_str().into(),
            })
            .serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// Where a photo's full-size bytes are.
    pub async fn photo_place(&self, hash: &Sha256Hex) -> Result<PhotoPlace, DbError> {
        let database = self.database();
        let tx = database.transaction(PHOTOS).build()?;
        let row: Option<PhotoState> = tx.object_store(PHOTOS)?.get(hash.as_str()).serde()?.await?;
        Ok(match row {
            None => PhotoPlace::Unknown,
            Some(row) if row.released => PhotoPlace::OnServer {
                mime: row.mime,
                width: row.width,
                height: row.height,
            },
            Some(_) => PhotoPlace::Here,
        })
    }

    /// Fills `local_photos` from the photos stored before version 5 (once; their storing time
    /// is unknown, so only their records' times keep them).
    pub(super) async fn fill_local_photos(&self) -> Result<(), DbError> {
        let database = self.database();
        let tx = database
            .transaction([META, PHOTOS, LOCAL_PHOTOS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let done: Option<MetaRow> = meta.get(LOCAL_PHOTOS_FILLED).serde()?.await?;
        if done.is_some() {
            return Ok(());
        }
        let hashes = tx
            .object_store(PHOTOS)?
            .get_all_keys::<String>()
            .primitive()?
            .await?
            .collect::<Result<Vec<_>, _>>()?;
        let local = tx.object_store(LOCAL_PHOTOS)?;
        for hash in hashes {
            local.put(LocalPhotoRow { hash, since: 0.0 }).serde()?;
        }
        meta.put(MetaRow {
            key: LOCAL_PHOTOS_FILLED.into(),
            value: "1".into(),
        })
        .serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// The photos whose full-size bytes may be released at `now`: confirmed by the server,
    /// referenced by no unsent, refused or draft record, and outside the kept window.
    pub async fn releasable_photos(&self, now: DateTime<Utc>) -> Result<Vec<Sha256Hex>, DbError> {
        let keep = self.keep_photos().await?;
        let Some(cutoff) = keep.cutoff(now) else {
            return Ok(Vec::new());
        };
        self.reopening(async || {
            let database = self.database();
            let tx = database
                .transaction([
                    LOCAL_PHOTOS,
                    UPLOADED,
                    OUTBOX,
                    REFUSED,
                    INSPECTIONS,
                    HAZARD_EVENTS,
                ])
                .build()?;
            let local: Vec<LocalPhotoRow> = tx
                .object_store(LOCAL_PHOTOS)?
                .get_all()
                .serde()?
                .await?
                .collect::<Result<_, _>>()?;
            let confirmed: HashSet<String> = tx
                .object_store(UPLOADED)?
                .get_all_keys::<String>()
                .primitive()?
                .await?
                .collect::<Result<_, _>>()?;
            let photos: Vec<LocalPhoto> = local
                .iter()
                .filter_map(|row| {
                    let hash = Sha256Hex::parse(&row.hash).ok()?;
                    Some(LocalPhoto {
                        confirmed: confirmed.contains(hash.as_str()),
                        stored_at: DateTime::from_timestamp_millis(row.since as i64)
                            .filter(|_| row.since > 0.0),
                        hash,
                    })
                })
                .collect();
            // Records only make a photo more recent or keep it: when no confirmed photo was
            // stored before the window, nothing can go, and the records are not read.
            if !photos
                .iter()
                .any(|p| p.confirmed && p.stored_at.is_none_or(|at| at < cutoff))
            {
                return Ok(Vec::new());
            }
            let mut references = Vec::new();
            for doc in docs(&tx, OUTBOX).await? {
                let entry: OutboxEntry = parse(&doc)?;
                references.extend(Reference::of_mutation(&entry.mutation, Holder::Unsent));
            }
            for doc in docs(&tx, REFUSED).await? {
                let entry: OutboxEntry = parse(&doc)?;
                references.extend(Reference::of_mutation(&entry.mutation, Holder::Refused));
            }
            for doc in docs(&tx, INSPECTIONS).await? {
                let inspection: Inspection = parse(&doc)?;
                references.extend(Reference::of_inspection(&inspection));
            }
            for doc in docs(&tx, HAZARD_EVENTS).await? {
                let event: HazardEvent = parse(&doc)?;
                references.extend(Reference::of_event(&event));
            }
            Ok(releasable(&photos, &references, keep, now))
        })
        .await
    }

    /// Releases what [`Db::releasable_photos`] allows at `now`, one transaction per photo:
    /// the bytes are dropped, the row is marked released (thumbnail and metadata stay), the
    /// photo leaves `local_photos`, and the running photo byte total goes down.
    pub async fn release_photos(&self, now: DateTime<Utc>) -> Result<Released, DbError> {
        let mut released = Released::default();
        for hash in self.releasable_photos(now).await? {
            if let Some(bytes) = self.release_photo(&hash).await? {
                released.photos += 1;
                released.bytes += bytes;
            }
        }
        Ok(released)
    }

    /// Releases one photo's bytes; `None` if they were not here (any more).
    async fn release_photo(&self, hash: &Sha256Hex) -> Result<Option<u64>, DbError> {
        self.reopening(async || {
            let database = self.database();
            let tx = database
                .transaction([META, PHOTOS, LOCAL_PHOTOS, UPLOADED])
                .with_mode(TransactionMode::Readwrite)
                .with_options(
                    TransactionOptions::new().with_durability(TransactionDurability::Strict),
                )
                .build()?;
            let photos = tx.object_store(PHOTOS)?;
            let meta = tx.object_store(META)?;
            // Checked again inside the transaction: still confirmed, still here.
            let confirmed = tx
                .object_store(UPLOADED)?
                .count()
                .with_query(hash.as_str())
                .await?;
            let row: Option<PhotoRow> = photos.get(hash.as_str()).serde()?.await?;
            let total: Option<MetaRow> = meta.get(PHOTO_BYTES).serde()?.await?;
            let Some(mut row) = row.filter(|row| !row.released && confirmed > 0) else {
                return Ok(None);
            };
            let size = u64::from(row.size);
            row.bytes = Vec::new();
            row.released = true;
            photos.put(&row).serde()?;
            tx.object_store(LOCAL_PHOTOS)?
                .delete(hash.as_str())
                .build()?;
            let total = total
                .and_then(|row| row.value.parse::<u64>().ok())
                .unwrap_or(0);
            meta.put(MetaRow {
                key: PHOTO_BYTES.into(),
                value: total.saturating_sub(size).to_string(),
            })
            .serde()?;
            tx.commit().await?;
            Ok(Some(size))
        })
        .await
    }
}
