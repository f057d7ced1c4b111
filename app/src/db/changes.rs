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
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct PhotoRow {
    pub hash: String,
    pub mime: String,
    pub size: u32,
    pub width: u32,
    pub height: u32,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
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
}

pub(super) const DEVICE_ID: &str = "device_id";
pub(super) const NEXT_SEQ: &str = "next_seq";

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
    /// A hazard event (the report that creates a finding, a re-inspection, ...) with the photos
    /// it references.
    HazardEvent(HazardEvent, Vec<NewPhoto>),
}

impl Change {
    fn record(&self) -> String {
        match self {
            Change::Site(site) => site.id().to_string(),
            Change::Inspection(inspection) => inspection.id.to_string(),
            Change::HazardEvent(event, _) => event.hazard.to_string(),
        }
    }

    fn mutation(&self) -> Mutation {
        match self {
            Change::Site(site) => Mutation::UpsertSite {
                site: Box::new(site.clone()),
            },
            Change::Inspection(inspection) => Mutation::SaveInspection {
                inspection: Box::new(inspection.clone()),
            },
            Change::HazardEvent(event, _) => Mutation::HazardEvent {
                event: Box::new(event.clone()),
            },
        }
    }
}

fn json<T: Serialize>(value: &T) -> Result<String, DbError> {
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
    record: String,
    mutation_doc: Mutation,
    site: Option<SiteRow>,
    inspection: Option<InspectionRow>,
    event: Option<EventRow>,
    photos: Vec<(PhotoRow, ThumbnailRow)>,
    replaces_unsent: bool,
}

fn prepare(change: &Change) -> Result<Prepared, DbError> {
    let mut prepared = Prepared {
        record: change.record(),
        mutation_doc: change.mutation(),
        site: None,
        inspection: None,
        event: None,
        photos: Vec::new(),
        replaces_unsent: matches!(change, Change::Inspection(_)),
    };
    match change {
        Change::Site(site) => {
            prepared.site = Some(SiteRow {
                id: site.id().to_string(),
                doc: json(site)?,
            });
        }
        Change::Inspection(inspection) => {
            prepared.inspection = Some(InspectionRow {
                id: inspection.id.to_string(),
                site: inspection.site.to_string(),
                status: status_code(inspection.status).to_owned(),
                doc: json(inspection)?,
            });
        }
        Change::HazardEvent(event, photos) => {
            prepared.event = Some(EventRow {
                id: event.id.to_string(),
                hazard: event.hazard.to_string(),
                doc: json(event)?,
            });
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
                    },
                    ThumbnailRow {
                        hash: photo.hash.as_str().to_owned(),
                        bytes: photo.thumbnail.clone(),
                    },
                ));
            }
        }
    }
    Ok(prepared)
}

impl Db {
    /// Stores a change and its outbox entry atomically; returns the entry.
    pub async fn apply(&self, change: Change) -> Result<OutboxEntry, DbError> {
        let prepared = prepare(&change)?;
        match self.write(&prepared).await {
            Err(error) if error.is_closed_connection() => {
                self.reopen().await?;
                self.write(&prepared).await
            }
            result => result,
        }
    }

    async fn write(&self, prepared: &Prepared) -> Result<OutboxEntry, DbError> {
        let database = self.database();
        let tx = database
            .transaction([
                META,
                SITES,
                INSPECTIONS,
                HAZARD_EVENTS,
                PHOTOS,
                THUMBNAILS,
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

        if prepared.replaces_unsent {
            let unsent: Vec<OutboxRow> = outbox
                .index("by_record")?
                .get_all()
                .with_query(prepared.record.as_str())
                .serde()?
                .await?
                .collect::<Result<_, _>>()?;
            for row in unsent {
                let entry: OutboxEntry =
                    serde_json::from_str(&row.doc).map_err(|e| DbError::Corrupt(e.to_string()))?;
                if matches!(entry.mutation, Mutation::SaveInspection { .. }) {
                    // Keys are JS numbers: a u64 would become a BigInt, which is no valid key.
                    outbox.delete(row.seq as f64).build()?;
                }
            }
        }

        if let Some(row) = &prepared.site {
            tx.object_store(SITES)?.put(row).serde()?;
        }
        if let Some(row) = &prepared.inspection {
            tx.object_store(INSPECTIONS)?.put(row).serde()?;
        }
        if let Some(row) = &prepared.event {
            // `add`: an event is never rewritten; a second one with the same id fails the
            // whole transaction.
            tx.object_store(HAZARD_EVENTS)?.add(row).serde()?;
        }
        for (photo, thumbnail) in &prepared.photos {
            tx.object_store(PHOTOS)?.put(photo).serde()?;
            tx.object_store(THUMBNAILS)?.put(thumbnail).serde()?;
        }

        let entry = OutboxEntry {
            mutation_id: MutationId::generate(),
            seq,
            mutation: prepared.mutation_doc.clone(),
        };
        outbox
            .add(OutboxRow {
                seq,
                record: prepared.record.clone(),
                doc: json(&entry)?,
            })
            .serde()?;
        meta.put(MetaRow {
            key: NEXT_SEQ.into(),
            value: (seq + 1).to_string(),
        })
        .serde()?;
        tx.commit().await?;
        Ok(entry)
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
