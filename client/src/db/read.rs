//! Reads.

use super::{
    Db, DbError,
    changes::{
        EventRow, InspectionRow, MetaRow, OutboxRow, PHOTO_BYTES, PhotoRow, SiteRow, ThumbnailRow,
    },
    schema::*,
};
use anxun_domain::{
    hazard::HazardEvent, ids::InspectionId, inspection::Inspection, photo::Sha256Hex, site::Site,
    sync::OutboxEntry,
};
use indexed_db_futures::{prelude::*, transaction::TransactionMode};
use serde::de::DeserializeOwned;

/// A stored JSON record read back.
pub(super) fn parse<T: DeserializeOwned>(doc: &str) -> Result<T, DbError> {
    serde_json::from_str(doc).map_err(|e| DbError::Corrupt(e.to_string()))
}

/// The `doc` field of a row read as a plain JS object.
pub(super) fn doc_field(row: &wasm_bindgen::JsValue) -> Result<String, DbError> {
    js_sys::Reflect::get(row, &wasm_bindgen::JsValue::from_str("doc"))
        .ok()
        .and_then(|doc| doc.as_string())
        .ok_or_else(|| DbError::Corrupt("a stored row has no document".into()))
}

/// A stored photo's evidence bytes and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoto {
    pub hash: Sha256Hex,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

impl Db {
    /// Every site on the device.
    pub async fn sites(&self) -> Result<Vec<Site>, DbError> {
        let rows: Vec<SiteRow> = self.all(SITES).await?;
        rows.iter().map(|row| parse(&row.doc)).collect()
    }

    /// Every inspection on the device.
    pub async fn inspections(&self) -> Result<Vec<Inspection>, DbError> {
        let rows: Vec<InspectionRow> = self.all(INSPECTIONS).await?;
        rows.iter().map(|row| parse(&row.doc)).collect()
    }

    /// One inspection.
    pub async fn inspection(&self, id: InspectionId) -> Result<Option<Inspection>, DbError> {
        let database = self.database();
        let tx = database.transaction(INSPECTIONS).build()?;
        let row: Option<InspectionRow> = tx
            .object_store(INSPECTIONS)?
            .get(id.to_string())
            .serde()?
            .await?;
        row.map(|row| parse(&row.doc)).transpose()
    }

    /// Every hazard event on the device, in storage order.
    pub async fn hazard_events(&self) -> Result<Vec<HazardEvent>, DbError> {
        let rows: Vec<EventRow> = self.all(HAZARD_EVENTS).await?;
        rows.iter().map(|row| parse(&row.doc)).collect()
    }

    /// The outbox, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, DbError> {
        let rows: Vec<OutboxRow> = self.all(OUTBOX).await?;
        rows.iter().map(|row| parse(&row.doc)).collect()
    }

    /// A photo's evidence bytes, if they are on the device (not when released: see
    /// [`Db::photo_place`]).
    pub async fn photo(&self, hash: &Sha256Hex) -> Result<Option<StoredPhoto>, DbError> {
        let database = self.database();
        let tx = database.transaction(PHOTOS).build()?;
        let row: Option<PhotoRow> = tx.object_store(PHOTOS)?.get(hash.as_str()).serde()?.await?;
        row.filter(|row| !row.released)
            .map(|row| {
                Ok(StoredPhoto {
                    hash: Sha256Hex::parse(&row.hash)
                        .map_err(|e| DbError::Corrupt(e.to_string()))?,
                    mime: row.mime,
                    width: row.width,
                    height: row.height,
                    bytes: row.bytes,
                })
            })
            .transpose()
    }

    /// A photo's thumbnail bytes.
    pub async fn thumbnail(&self, hash: &Sha256Hex) -> Result<Option<Vec<u8>>, DbError> {
        let database = self.database();
        let tx = database.transaction(THUMBNAILS).build()?;
        let row: Option<ThumbnailRow> = tx
            .object_store(THUMBNAILS)?
            .get(hash.as_str())
            .serde()?
            .await?;
        Ok(row.map(|row| row.bytes))
    }

    /// The records (inspection, site or hazard ids) with changes not yet sent to the server.
    pub async fn unsent_records(&self) -> Result<std::collections::HashSet<String>, DbError> {
        let rows: Vec<OutboxRow> = self.all(OUTBOX).await?;
        Ok(rows.into_iter().map(|row| row.record).collect())
    }

    /// How many changes wait in the outbox for the server.
    pub async fn outbox_len(&self) -> Result<u32, DbError> {
        self.reopening(async || {
            let database = self.database();
            let tx = database
                .transaction(OUTBOX)
                .with_mode(TransactionMode::Readonly)
                .build()?;
            Ok(tx.object_store(OUTBOX)?.count().await?)
        })
        .await
    }

    /// Bytes used by photo evidence on this device (a total kept as photos are stored, so
    /// that no photo is read to tell it).
    pub async fn photo_bytes(&self) -> Result<u64, DbError> {
        let database = self.database();
        let tx = database.transaction(META).build()?;
        let row: Option<MetaRow> = tx.object_store(META)?.get(PHOTO_BYTES).serde()?.await?;
        Ok(row.and_then(|row| row.value.parse().ok()).unwrap_or(0))
    }

    /// The `doc` field of every row of a store, read straight from the JS objects (much
    /// faster for thousands of rows than deserialising each row's fields).
    pub(super) async fn all_docs(&self, store: &str) -> Result<Vec<String>, DbError> {
        self.reopening(async || self.all_docs_once(store).await)
            .await
    }

    async fn all_docs_once(&self, store: &str) -> Result<Vec<String>, DbError> {
        let database = self.database();
        let tx = database
            .transaction(store)
            .with_mode(TransactionMode::Readonly)
            .build()?;
        let rows = tx
            .object_store(store)?
            .get_all::<wasm_bindgen::JsValue>()
            .primitive()?
            .await?;
        rows.map(|row| doc_field(&row?)).collect()
    }

    pub(super) async fn all<T: DeserializeOwned>(&self, store: &str) -> Result<Vec<T>, DbError> {
        self.reopening(async || self.all_once(store).await).await
    }

    async fn all_once<T: DeserializeOwned>(&self, store: &str) -> Result<Vec<T>, DbError> {
        let database = self.database();
        let tx = database
            .transaction(store)
            .with_mode(TransactionMode::Readonly)
            .build()?;
        let rows = tx
            .object_store(store)?
            .get_all()
            .serde()?
            .await?
            .collect::<Result<Vec<T>, _>>()?;
        Ok(rows)
    }
}
