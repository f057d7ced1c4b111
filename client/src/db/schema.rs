//! The schema and its migrations.
//!
//! | store | key | indexes | holds |
//! |---|---|---|---|
//! | `meta` | `key` | | device id, next outbox sequence number, local profile |
//! | `sites` | `id` | | a site's JSON |
//! | `inspections` | `id` | `by_site`, `by_status` | an inspection's JSON |
//! | `hazard_events` | `id` | `by_hazard` | one hazard event's JSON (a hazard is the replay of its events) |
//! | `photos` | `hash` | | evidence JPEG bytes and metadata |
//! | `thumbnails` | `hash` | | thumbnail JPEG bytes |
//! | `outbox` | `seq` | `by_record` | changes not yet confirmed by the server, in order |
//! | `templates` (v2) | `key` (`id@version`) | | checklist templates received from the server (the built-in ones are in the app) |
//! | `hazards` (v3) | `id` | `by_site`, `by_due` | each hazard's list item (`HazardListItem`), rewritten with every event of the hazard; `due` orders what needs the inspector |
//! | `uploaded` (v4) | `hash` | | photos the server has confirmed it holds (not sent again) |
//! | `refused` (v4) | `seq` | | outbox entries the server refused for good, with the reason and the entry (nothing is lost) |
//! | `upload_attempts` (v5) | `hash` | | photos whose upload was started and not confirmed (only these are checked with a `HEAD` before the next upload) |
//! | `local_photos` (v5) | `hash` | | photos whose full-size bytes are on the device, with when they were stored (a released photo keeps its `photos` row, marked `released`, without bytes, and leaves this store) |
//!
//! Versions: 1 created the first seven stores; 2 added `templates`; 3 added `hazards` (filled
//! from the stored events the first time a database is opened at version 3); 4 added
//! `uploaded` and `refused` (sync); 5 added `local_photos` and `upload_attempts` (releasing photos the server holds;
//! filled from `photos` the first time a database is opened at version 5).
//!
//! Each version adds one step to [`STEPS`]; opening runs every step above the stored version,
//! so a device can upgrade from any earlier version.

use super::DbError;
use indexed_db_futures::{KeyPath, database::Database, prelude::*};

/// The current schema version.
pub const VERSION: u32 = 5;

pub const META: &str = "meta";
pub const SITES: &str = "sites";
pub const INSPECTIONS: &str = "inspections";
pub const HAZARD_EVENTS: &str = "hazard_events";
pub const PHOTOS: &str = "photos";
pub const THUMBNAILS: &str = "thumbnails";
pub const OUTBOX: &str = "outbox";
pub const TEMPLATES: &str = "templates";
pub const HAZARDS: &str = "hazards";
pub const UPLOADED: &str = "uploaded";
pub const REFUSED: &str = "refused";
pub const LOCAL_PHOTOS: &str = "local_photos";
pub const UPLOAD_ATTEMPTS: &str = "upload_attempts";

type Step = fn(&Database) -> indexed_db_futures::Result<()>;

/// Migration steps: `STEPS[n]` upgrades version `n` to `n + 1`.
const STEPS: [Step; VERSION as usize] = [v1, v2, v3, v4, v5];

fn v1(db: &Database) -> indexed_db_futures::Result<()> {
    db.create_object_store(META)
        .with_key_path(KeyPath::from("key"))
        .build()?;
    db.create_object_store(SITES)
        .with_key_path(KeyPath::from("id"))
        .build()?;
    let inspections = db
        .create_object_store(INSPECTIONS)
        .with_key_path(KeyPath::from("id"))
        .build()?;
    inspections
        .create_index("by_site", KeyPath::from("site"))
        .build()?;
    inspections
        .create_index("by_status", KeyPath::from("status"))
        .build()?;
    let events = db
        .create_object_store(HAZARD_EVENTS)
        .with_key_path(KeyPath::from("id"))
        .build()?;
    events
        .create_index("by_hazard", KeyPath::from("hazard"))
        .build()?;
    db.create_object_store(PHOTOS)
        .with_key_path(KeyPath::from("hash"))
        .build()?;
    db.create_object_store(THUMBNAILS)
        .with_key_path(KeyPath::from("hash"))
        .build()?;
    let outbox = db
        .create_object_store(OUTBOX)
        .with_key_path(KeyPath::from("seq"))
        .build()?;
    outbox
        .create_index("by_record", KeyPath::from("record"))
        .build()?;
    Ok(())
}

fn v2(db: &Database) -> indexed_db_futures::Result<()> {
    db.create_object_store(TEMPLATES)
        .with_key_path(KeyPath::from("key"))
        .build()?;
    Ok(())
}

fn v3(db: &Database) -> indexed_db_futures::Result<()> {
    let hazards = db
        .create_object_store(HAZARDS)
        .with_key_path(KeyPath::from("id"))
        .build()?;
    hazards
        .create_index("by_site", KeyPath::from("site"))
        .build()?;
    hazards
        .create_index("by_due", KeyPath::from("due"))
        .build()?;
    Ok(())
}

fn v4(db: &Database) -> indexed_db_futures::Result<()> {
    db.create_object_store(UPLOADED)
        .with_key_path(KeyPath::from("hash"))
        .build()?;
    db.create_object_store(REFUSED)
        .with_key_path(KeyPath::from("seq"))
        .build()?;
    Ok(())
}

fn v5(db: &Database) -> indexed_db_futures::Result<()> {
    db.create_object_store(LOCAL_PHOTOS)
        .with_key_path(KeyPath::from("hash"))
        .build()?;
    db.create_object_store(UPLOAD_ATTEMPTS)
        .with_key_path(KeyPath::from("hash"))
        .build()?;
    Ok(())
}

/// Opens `name` at [`VERSION`], running the missing steps.
pub async fn open(name: &str) -> Result<Database, DbError> {
    open_at(name, VERSION).await
}

/// Opens `name` at `version` (tests open older versions to check upgrades).
pub async fn open_at(name: &str, version: u32) -> Result<Database, DbError> {
    // A page or a worker (the service worker's Background Sync opens it too).
    if crate::global::scope().is_none() {
        return Err(DbError::Unavailable("no IndexedDB here".into()));
    }
    let database = Database::open(name)
        .with_version(version)
        .with_on_upgrade_needed(move |event, db| {
            let old = event.old_version() as usize;
            let new = event.new_version().map_or(version as usize, |v| v as usize);
            for step in &STEPS[old.min(STEPS.len())..new.min(STEPS.len())] {
                step(&db)?;
            }
            Ok(())
        })
        .await?;
    yield_on_version_change(&database);
    Ok(database)
}

/// Closes this connection when a newer version of the app (another tab, or the new build
/// after an update) needs to upgrade the schema, instead of blocking its upgrade. Work in
/// progress is not lost: every change is committed as it is made, and the next operation
/// reopens the database (and fails clearly if this build is now too old for it).
fn yield_on_version_change(database: &Database) {
    let Ok(mut changes) = database.version_changes() else {
        return;
    };
    let database = database.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if changes.recv().await.is_some() {
            database.close();
        }
    });
}
