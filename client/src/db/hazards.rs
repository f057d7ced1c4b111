//! Hazards on the device: their events (the truth) and a list item per hazard (a projection
//! for lists, rewritten in the same transaction as every event of the hazard).

use super::{
    Db, DbError,
    changes::{EventRow, MetaRow},
    read::{doc_field, parse},
    schema::*,
};
use anxun_domain::{
    hazard::{
        Hazard, HazardEvent, HazardState,
        worklist::{HazardListItem, rebuild},
    },
    ids::{HazardId, SiteId},
};
use chrono::{DateTime, Utc};
use indexed_db_futures::{
    KeyRange,
    prelude::*,
    transaction::{TransactionDurability, TransactionMode, TransactionOptions},
};
use serde::{Deserialize, Serialize};

/// Marks a database whose `hazards` store has been filled from its events.
const PROJECTED: &str = "hazards_projected";

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct HazardRow {
    pub id: String,
    pub site: String,
    /// When the hazard needs the inspector, in ms since the epoch, for the `by_due` index:
    /// its deadline while it is open, 0 while a rectification awaits re-inspection, absent
    /// (so not indexed) once nothing is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<f64>,
    pub doc: String,
}

/// See [`HazardRow::due`].
fn due(item: &HazardListItem) -> Option<f64> {
    match item.state {
        HazardState::Closed | HazardState::Dismissed | HazardState::ReinspectionPassed => None,
        HazardState::RectificationSubmitted => Some(0.0),
        _ => item.deadline.map(|d| d.timestamp_millis() as f64),
    }
}

impl HazardRow {
    pub(super) fn of(hazard: &Hazard) -> Result<HazardRow, DbError> {
        let item = HazardListItem::of(hazard);
        Ok(HazardRow {
            id: item.id.to_string(),
            site: item.site.to_string(),
            due: due(&item),
            doc: serde_json::to_string(&item).map_err(|e| DbError::Corrupt(e.to_string()))?,
        })
    }
}

/// A hazard from its stored event rows plus `new` events (not stored yet, this device's):
/// confirmed events by the server's order, then pending ones by id (time made), those that
/// no longer apply left out and listed ([`anxun_domain::sync::engine::device_hazard`]).
pub(super) fn view(
    rows: &[EventRow],
    new: &[HazardEvent],
) -> Result<(Hazard, Vec<anxun_domain::ids::EventId>), DbError> {
    let mut confirmed: Vec<(f64, HazardEvent)> = Vec::new();
    let mut pending: Vec<HazardEvent> = Vec::new();
    for row in rows {
        let event: HazardEvent = parse(&row.doc)?;
        match row.pos {
            Some(pos) => confirmed.push((pos, event)),
            None => pending.push(event),
        }
    }
    confirmed.sort_by(|a, b| a.0.total_cmp(&b.0));
    pending.extend(new.iter().cloned());
    // The report first, then by id (UUIDv7: the time the device made it).
    pending.sort_by_key(|e| {
        (
            !matches!(e.action, anxun_domain::hazard::HazardAction::Report(_)),
            e.id,
        )
    });
    anxun_domain::sync::engine::device_hazard(confirmed.iter().map(|(_, e)| e), &pending)
        .map_err(|e| DbError::Corrupt(e.to_string()))
}

impl Db {
    /// The stored events of one hazard, as rows.
    async fn event_rows(&self, hazard: HazardId) -> Result<Vec<EventRow>, DbError> {
        let database = self.database();
        let tx = database.transaction(HAZARD_EVENTS).build()?;
        let rows: Vec<EventRow> = tx
            .object_store(HAZARD_EVENTS)?
            .index("by_hazard")?
            .get_all()
            .with_query(hazard.to_string())
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// One hazard as the device shows it: the events the server confirmed, in its order, then
    /// this device's pending ones that still apply.
    pub async fn hazard(&self, id: HazardId) -> Result<Option<Hazard>, DbError> {
        let rows = self.event_rows(id).await?;
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(view(&rows, &[])?.0))
    }

    /// The list item of every hazard on the device.
    pub async fn hazard_list(&self) -> Result<Vec<HazardListItem>, DbError> {
        let docs = self.all_docs(HAZARDS).await?;
        docs.iter().map(|doc| parse(doc)).collect()
    }

    /// The hazards that need the inspector by `until` (overdue, due by then, or awaiting
    /// re-inspection), most urgent first: at most `limit` of them, and how many there are.
    /// Reads only those rows, through the `by_due` index, however many hazards the device holds.
    pub async fn hazards_due(
        &self,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<(Vec<HazardListItem>, u32), DbError> {
        let database = self.database();
        let tx = database.transaction(HAZARDS).build()?;
        let store = tx.object_store(HAZARDS)?;
        let index = store.index("by_due")?;
        let bound = until.timestamp_millis() as f64;
        let total = index
            .count()
            .with_query::<f64, _>(KeyRange::UpperBound(bound, false))
            .await?;
        let rows = index
            .get_all::<wasm_bindgen::JsValue>()
            .with_query::<f64, _>(KeyRange::UpperBound(bound, false))
            .with_limit(limit)
            .primitive()?
            .await?;
        let items = rows
            .map(|row| parse(&doc_field(&row?)?))
            .collect::<Result<Vec<HazardListItem>, DbError>>()?;
        Ok((items, total))
    }

    /// The list items of one site's hazards.
    pub async fn hazards_of_site(&self, site: SiteId) -> Result<Vec<HazardListItem>, DbError> {
        let database = self.database();
        let tx = database.transaction(HAZARDS).build()?;
        let rows: Vec<HazardRow> = tx
            .object_store(HAZARDS)?
            .index("by_site")?
            .get_all()
            .with_query(site.to_string())
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        rows.iter().map(|row| parse(&row.doc)).collect()
    }

    /// The hazards that new events produce, with the stored events before them: what the
    /// `hazards` store must hold after the change. Fails if a new event does not apply.
    pub(super) async fn project(&self, events: &[HazardEvent]) -> Result<Vec<HazardRow>, DbError> {
        let mut hazards: Vec<HazardId> = Vec::new();
        for event in events {
            if !hazards.contains(&event.hazard) {
                hazards.push(event.hazard);
            }
        }
        let mut rows = Vec::with_capacity(hazards.len());
        for id in hazards {
            let stored = self.event_rows(id).await?;
            let new: Vec<HazardEvent> = events.iter().filter(|e| e.hazard == id).cloned().collect();
            let (hazard, stale) = view(&stored, &new)?;
            if let Some(event) = new.iter().find(|e| stale.contains(&e.id)) {
                let error = hazard
                    .apply(event)
                    .err()
                    .map_or_else(|| "the event does not apply".to_owned(), |e| e.to_string());
                return Err(DbError::Rejected(error));
            }
            rows.push(HazardRow::of(&hazard)?);
        }
        Ok(rows)
    }

    /// Fills the `hazards` store from the stored events, once per database (after the
    /// upgrade to schema version 3).
    pub(super) async fn backfill_hazards(&self) -> Result<(), DbError> {
        let database = self.database();
        let tx = database.transaction(META).build()?;
        let done: Option<MetaRow> = tx.object_store(META)?.get(PROJECTED).serde()?.await?;
        drop(tx);
        if done.is_some() {
            return Ok(());
        }
        let events = self.hazard_events().await?;
        let (hazards, _) = rebuild(&events);
        let rows = hazards
            .iter()
            .map(HazardRow::of)
            .collect::<Result<Vec<_>, _>>()?;
        let tx = database
            .transaction([META, HAZARDS])
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()?;
        let store = tx.object_store(HAZARDS)?;
        for row in &rows {
            store.put(row).serde()?;
        }
        tx.object_store(META)?
            .put(MetaRow {
                key: PROJECTED.into(),
                value: "1".into(),
            })
            .serde()?;
        tx.commit().await?;
        Ok(())
    }
}
