//! Local changes: each one stores its records, the outbox entry and the next sequence number
//! in one strict-durability transaction.

use super::{Db, DbError, schema::*};
use anxun_domain::{
    hazard::HazardEvent,
    ids::{DeviceId, MutationId},
    inspection::{Inspection, InspectionStatus},
    photo::Sha256Hex,
    site::Site,
    sync::{Mutation, OutboxEntry},
};
use indexed_db_futures::{
    prelude::*,
    transaction::{TransactionDurability, TransactionMode, TransactionOptions},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct MetaRow {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SiteRow {
    pub id: String,
    pub doc: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct InspectionRow {
    pub id: String,
    pub site: String,
    pub status: String,
    pub doc: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct EventRow {
    pub id: String,
    pub hazard: String,
    pub doc: String,
    /// The order in which the server applied the event, once a pull has brought it back
    /// (a device-local counter); absent while the event is this device's and unconfirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct PhotoRow {
    pub hash: String,
    pub mime: String,
    pub size: u32,
    pub width: u32,
    pub height: u32,
    /// The full-size bytes; empty once released (the server holds the photo).
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    /// The bytes were released: the photo is on the server only (its thumbnail and these
    /// fields stay).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub released: bool,
}

/// A photo row's state without its bytes.
#[derive(Debug, Deserialize)]
pub(super) struct PhotoState {
    #[serde(default)]
    pub mime: String,
    #[serde(default)]
    pub width: u32,
    #[serde(default)]
    pub height: u32,
    #[serde(default)]
    pub released: bool,
}

/// A photo whose full-size bytes are on the device (the `local_photos` store): the photos
/// that may one day be released are read from these small rows, never from the bytes.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct LocalPhotoRow {
    pub hash: String,
    /// When the bytes were stored (ms since the epoch; 0 for photos stored before version 5).
    pub since: f64,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ThumbnailRow {
    pub hash: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct OutboxRow {
    pub seq: u64,
    /// The record the change is about (site, inspection or hazard id).
    pub record: String,
    pub doc: String,
    /// When the change was made (ms since the epoch), to tell how long it has waited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<f64>,
}

pub(super) const DEVICE_ID: &str = "device_id";
pub(super) const NEXT_SEQ: &str = "next_seq";
pub(super) const PHOTO_BYTES: &str = "photo_bytes";
/// The highest sequence number ever put in a push request (see `anxun_domain::sync::engine`).
pub(super) const SENT_THROUGH: &str = "sent_through";

/// A photo ready to store: evidence and thumbnail bytes, already processed and hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoto {
    pub hash: Sha256Hex,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub evidence: Vec<u8>,
    pub thumbnail: Vec<u8>,
}

/// One local change.
#[derive(Debug, Clone)]
pub enum Change {
    /// A site created or edited on the device.
    Site(Site),
    /// An inspection saved as the inspector works (drafts) or completed. Unsent saves of the
    /// same inspection are replaced: only the newest state needs to reach the server.
    Inspection(Inspection),
    /// An inspection saved together with photos just taken for it (referenced by its answers).
    InspectionWithPhotos(Inspection, Vec<NewPhoto>),
    /// A hazard event (the report that creates a finding, a re-inspection, ...) with the photos
    /// it references.
    HazardEvent(HazardEvent, Vec<NewPhoto>),
    /// A completed inspection with the hazard events that put its findings on the ledger, and
    /// the last photos (signatures): all of it or nothing.
    Complete {
        inspection: Inspection,
        events: Vec<HazardEvent>,
        photos: Vec<NewPhoto>,
    },
}

impl Change {
    /// The outbox entries' records and mutations, in the order they must reach the server.
    fn mutations(&self) -> Vec<(String, Mutation)> {
        let inspection = |inspection: &Inspection| {
            (
                inspection.id.to_string(),
                Mutation::SaveInspection {
                    inspection: Box::new(inspection.clone()),
                },
            )
        };
        let event = |event: &HazardEvent| {
            (
                event.hazard.to_string(),
                Mutation::HazardEvent {
                    event: Box::new(event.clone()),
                },
            )
        };
        match self {
            Change::Site(site) => vec![(
                site.id().to_string(),
                Mutation::UpsertSite {
                    site: Box::new(site.clone()),
                },
            )],
            Change::Inspection(record) | Change::InspectionWithPhotos(record, _) => {
                vec![inspection(record)]
            }
            Change::HazardEvent(record, _) => vec![event(record)],
            Change::Complete {
                inspection: record,
                events,
                ..
            } => std::iter::once(inspection(record))
                .chain(events.iter().map(event))
                .collect(),
        }
    }
}

/// A record as stored JSON.
pub(super) fn json<T: Serialize>(value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::Corrupt(e.to_string()))
}

pub(super) fn status_code(status: InspectionStatus) -> &'static str {
    match status {
        InspectionStatus::Draft => "draft",
        InspectionStatus::Completed => "completed",
    }
}

/// Everything a change writes, serialised before the transaction opens.
struct Prepared {
    mutations: Vec<(String, Mutation)>,
    site: Option<SiteRow>,
    inspection: Option<InspectionRow>,
    events: Vec<EventRow>,
    /// The list items of the hazards the events change.
    hazards: Vec<super::hazards::HazardRow>,
    photos: Vec<(PhotoRow, ThumbnailRow)>,
    /// The inspection whose unsent saves this change replaces.
    replaces_unsent: Option<String>,
}

fn inspection_row(inspection: &Inspection) -> Result<InspectionRow, DbError> {
    Ok(InspectionRow {
        id: inspection.id.to_string(),
        site: inspection.site.to_string(),
        status: status_code(inspection.status).to_owned(),
        doc: json(inspection)?,
    })
}

fn event_row(event: &HazardEvent) -> Result<EventRow, DbError> {
    Ok(EventRow {
        id: event.id.to_string(),
        hazard: event.hazard.to_string(),
        doc: json(event)?,
        pos: None,
    })
}

fn prepare(change: &Change) -> Result<Prepared, DbError> {
    let mut prepared = Prepared {
        mutations: change.mutations(),
        site: None,
        inspection: None,
        events: Vec::new(),
        hazards: Vec::new(),
        photos: Vec::new(),
        replaces_unsent: None,
    };
    let photos = match change {
        Change::Site(site) => {
            prepared.site = Some(SiteRow {
                id: site.id().to_string(),
                doc: json(site)?,
            });
            &[][..]
        }
        Change::Inspection(inspection) => {
            prepared.inspection = Some(inspection_row(inspection)?);
            prepared.replaces_unsent = Some(inspection.id.to_string());
            &[][..]
        }
        Change::InspectionWithPhotos(inspection, photos) => {
            prepared.inspection = Some(inspection_row(inspection)?);
            prepared.replaces_unsent = Some(inspection.id.to_string());
            photos.as_slice()
        }
        Change::HazardEvent(event, photos) => {
            prepared.events.push(event_row(event)?);
            photos.as_slice()
        }
        Change::Complete {
            inspection,
            events,
            photos,
        } => {
            prepared.inspection = Some(inspection_row(inspection)?);
            prepared.replaces_unsent = Some(inspection.id.to_string());
            for event in events {
                prepared.events.push(event_row(event)?);
            }
            photos.as_slice()
        }
    };
    for photo in photos {
        if Sha256Hex::digest(&photo.evidence) != photo.hash {
            return Err(DbError::Corrupt(format!(
                "photo {} does not match its hash",
                photo.hash.as_str()
            )));
        }
        prepared.photos.push((
            PhotoRow {
                hash: photo.hash.as_str().to_owned(),
                mime: photo.mime.clone(),
                size: u32::try_from(photo.evidence.len()).unwrap_or(u32::MAX),
                width: photo.width,
                height: photo.height,
                bytes: photo.evidence.clone(),
                released: false,
            },
            ThumbnailRow {
                hash: photo.hash.as_str().to_owned(),
                bytes: photo.thumbnail.clone(),
            },
        ));
    }
    Ok(prepared)
}

impl Db {
    /// Stores a change and its outbox entries atomically; returns the first entry.
    pub async fn apply(&self, change: Change) -> Result<OutboxEntry, DbError> {
        let mut entries = self.apply_all(change).await?;
        if entries.is_empty() {
            return Err(DbError::Other("a change without an outbox entry".into()));
        }
        Ok(entries.swap_remove(0))
    }

    /// Stores a change and all its outbox entries atomically; returns the entries in order.
    pub async fn apply_all(&self, change: Change) -> Result<Vec<OutboxEntry>, DbError> {
        let mut prepared = prepare(&change)?;
        let events: &[HazardEvent] = match &change {
            Change::HazardEvent(event, _) => std::slice::from_ref(event),
            Change::Complete { events, .. } => events,
            Change::Site(_) | Change::Inspection(_) | Change::InspectionWithPhotos(..) => &[],
        };
        if !events.is_empty() {
            prepared.hazards = self.project(events).await?;
        }
        self.reopening(async || self.write(&prepared).await).await
    }

    async fn write(&self, prepared: &Prepared) -> Result<Vec<OutboxEntry>, DbError> {
        let database = self.database();
        let tx = database
            .transaction([
                META,
                SITES,
                INSPECTIONS,
                HAZARD_EVENTS,
                HAZARDS,
                PHOTOS,
                THUMBNAILS,
                LOCAL_PHOTOS,
                OUTBOX,
            ])
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()?;
        let meta = tx.object_store(META)?;
        let outbox = tx.object_store(OUTBOX)?;

        let next: Option<MetaRow> = meta.get(NEXT_SEQ).serde()?.await?;
        let seq = next
            .and_then(|row| row.value.parse::<u64>().ok())
            .unwrap_or(1);

        if let Some(record) = &prepared.replaces_unsent {
            let sent: Option<MetaRow> = meta.get(SENT_THROUGH).serde()?.await?;
            let sent_through = sent
                .and_then(|row| row.value.parse::<u64>().ok())
                .unwrap_or(0);
            let unsent: Vec<OutboxRow> = outbox
                .index("by_record")?
                .get_all()
                .with_query(record.as_str())
                .serde()?
                .await?
                .collect::<Result<_, _>>()?;
            let mut saves = Vec::new();
            for row in unsent {
                let entry: OutboxEntry =
                    serde_json::from_str(&row.doc).map_err(|e| DbError::Corrupt(e.to_string()))?;
                if matches!(entry.mutation, Mutation::SaveInspection { .. }) {
                    saves.push(row.seq);
                }
            }
            // Only saves the server cannot have seen yet are replaced.
            for seq in anxun_domain::sync::engine::replaceable(&saves, sent_through) {
                // Keys are JS numbers: a u64 would become a BigInt, which is no valid key.
                outbox.delete(seq as f64).build()?;
            }
        }

        // Photos first: their reads are awaited, and an await after a request that failed
        // (a duplicate event) would report the abort instead of the reason.
        if !prepared.photos.is_empty() {
            // A running total of photo bytes, so that settings need not read every photo.
            // Every read before any write: a write that fails (a full disk) must surface as
            // itself at commit, not as the abort of a later read.
            let photos = tx.object_store(PHOTOS)?;
            let mut added = 0u64;
            for (photo, _) in &prepared.photos {
                // Counted unless its bytes are here already (a released photo's come back).
                let existing: Option<PhotoState> = photos.get(photo.hash.as_str()).serde()?.await?;
                if existing.is_none_or(|row| row.released) {
                    added += u64::from(photo.size);
                }
            }
            let total: Option<MetaRow> = meta.get(PHOTO_BYTES).serde()?.await?;
            let now = js_sys::Date::now();
            for (photo, thumbnail) in &prepared.photos {
                photos.put(photo).serde()?;
                tx.object_store(THUMBNAILS)?.put(thumbnail).serde()?;
                tx.object_store(LOCAL_PHOTOS)?
                    .put(LocalPhotoRow {
                        hash: photo.hash.clone(),
                        since: now,
                    })
                    .serde()?;
            }
            let total = total
                .and_then(|row| row.value.parse::<u64>().ok())
                .unwrap_or(0);
            meta.put(MetaRow {
                key: PHOTO_BYTES.into(),
                value: (total + added).to_string(),
            })
            .serde()?;
        }

        if let Some(row) = &prepared.site {
            tx.object_store(SITES)?.put(row).serde()?;
        }
        if let Some(row) = &prepared.inspection {
            tx.object_store(INSPECTIONS)?.put(row).serde()?;
        }
        for row in &prepared.events {
            // `add`: an event is never rewritten; a second one with the same id fails the
            // whole transaction.
            tx.object_store(HAZARD_EVENTS)?.add(row).serde()?;
        }
        for row in &prepared.hazards {
            tx.object_store(HAZARDS)?.put(row).serde()?;
        }
        let mut entries = Vec::with_capacity(prepared.mutations.len());
        let mut seq = seq;
        for (record, mutation) in &prepared.mutations {
            let entry = OutboxEntry {
                mutation_id: MutationId::generate(),
                seq,
                mutation: mutation.clone(),
            };
            outbox
                .add(OutboxRow {
                    seq,
                    record: record.clone(),
                    doc: json(&entry)?,
                    at: Some(js_sys::Date::now()),
                })
                .serde()?;
            entries.push(entry);
            seq += 1;
        }
        meta.put(MetaRow {
            key: NEXT_SEQ.into(),
            value: seq.to_string(),
        })
        .serde()?;
        tx.commit().await?;
        Ok(entries)
    }

    /// This device's id, made once and kept.
    pub async fn device_id(&self) -> Result<DeviceId, DbError> {
        let database = self.database();
        let tx = database
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let stored: Option<MetaRow> = meta.get(DEVICE_ID).serde()?.await?;
        if let Some(id) = stored.and_then(|row| DeviceId::parse(&row.value).ok()) {
            return Ok(id);
        }
        let id = DeviceId::generate();
        meta.put(MetaRow {
            key: DEVICE_ID.into(),
            value: id.to_string(),
        })
        .serde()?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes and reads back a probe record: fails with `Unavailable` where the browser does
    /// not keep data (private browsing).
    pub(super) async fn probe(&self) -> Result<(), DbError> {
        let database = self.database();
        let tx = database
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(|e| DbError::Unavailable(e.to_string()))?;
        let meta = tx.object_store(META)?;
        meta.put(MetaRow {
            key: "probe".into(),
            value: "ok".into(),
        })
        .serde()
        .map_err(|e| DbError::Unavailable(e.to_string()))?;
        let back: Option<MetaRow> = meta.get("probe").serde()?.await?;
        meta.delete("probe").build()?;
        tx.commit()
            .await
            .map_err(|e| DbError::Unavailable(e.to_string()))?;
        match back {
            Some(row) if row.value == "ok" => Ok(()),
            _ => Err(DbError::Unavailable(
                "a test record could not be read back".into(),
            )),
        }
    }
}
