//! The device's database (IndexedDB): sites, inspections, hazard events, photos and the outbox of
//! changes the sync engine will push.
//!
//! Rules (see the offline-sync design, pitfalls 1–9):
//! - Every local change is written together with its outbox entry and the device's next
//!   sequence number in **one** readwrite transaction with strict durability, then committed.
//!   Either all of it is stored or none of it.
//! - Inside a transaction nothing is awaited but IndexedDB requests: callers hash, resize and
//!   serialise first.
//! - Records are kept as the domain's JSON (`doc`) next to the fields that are indexed; photo
//!   bytes as `Uint8Array`, never `Blob` (Safari fails to store Blobs).
//! - A handle that the browser closed (iOS does this in the background) is reopened once and
//!   the operation retried.
//!
//! Schema (version [`schema::VERSION`]): see [`schema`].

pub mod schema;

mod changes;
mod hazards;
mod meta;
mod read;
mod release;
mod sync;
mod templates;

pub use read::StoredPhoto;
pub use release::{PhotoPlace, Released};
pub mod storage;

use indexed_db_futures::{database::Database, error::DomException};
use std::{cell::RefCell, rc::Rc};

pub use changes::{Change, NewPhoto};
pub use sync::{ROUND, RefusedRow, Session, SignInError};

/// The database of the app (`anxun`), or of a test (any other name).
#[derive(Debug, Clone)]
pub struct Db {
    name: String,
    handle: Rc<RefCell<Database>>,
}

impl Db {
    /// Opens the app's database, creating or upgrading it, after checking that this browser
    /// keeps data at all.
    pub async fn open() -> Result<Db, DbError> {
        Db::open_named("anxun").await
    }

    /// Opens a database by name (tests use their own).
    pub async fn open_named(name: &str) -> Result<Db, DbError> {
        let database = schema::open(name).await?;
        let db = Db {
            name: name.to_owned(),
            handle: Rc::new(RefCell::new(database)),
        };
        db.probe().await?;
        db.backfill_hazards().await?;
        db.fill_local_photos().await?;
        Ok(db)
    }

    /// The current handle.
    fn database(&self) -> Database {
        self.handle.borrow().clone()
    }

    /// Replaces a handle the browser has closed.
    async fn reopen(&self) -> Result<(), DbError> {
        let database = schema::open(&self.name).await?;
        *self.handle.borrow_mut() = database;
        Ok(())
    }

    /// Runs `op`, and once more after reopening when the browser had closed the connection.
    async fn reopening<T>(&self, op: impl AsyncFn() -> Result<T, DbError>) -> Result<T, DbError> {
        match op().await {
            Err(error) if error.is_closed_connection() => {
                self.reopen().await?;
                op().await
            }
            result => result,
        }
    }

    /// Closes the handle (tests use this to simulate the browser dropping the connection).
    pub fn close(&self) {
        self.handle.borrow().clone().close();
    }

    /// Deletes a whole database (tests).
    pub async fn delete(name: &str) -> Result<(), DbError> {
        Database::delete_by_name(name)
            .map_err(|e| DbError::Other(e.to_string()))?
            .await
            .map_err(|e| DbError::Other(e.to_string()))?;
        Ok(())
    }
}

/// Why the database could not do what was asked. Every variant has a clear message for the
/// inspector; none of them loses data already stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// No IndexedDB (private browsing, disabled storage): nothing can be kept on this device.
    #[error("this browser does not keep data for this site (private browsing?): {0}")]
    Unavailable(String),
    /// The device or the browser's quota is full.
    #[error("storage is full: sync and free space before adding more")]
    QuotaExceeded,
    /// The browser closed the connection and reopening did not help.
    #[error("the connection to the local database was lost: {0}")]
    ConnectionLost(String),
    /// A record with this id exists already.
    #[error("a record with this id exists already")]
    Duplicate,
    /// The change does not apply to what is stored (for example a hazard event its hazard's
    /// state does not allow).
    #[error("the change was refused: {0}")]
    Rejected(String),
    /// Stored data could not be read back.
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    /// Anything else the browser reported.
    #[error("local database error: {0}")]
    Other(String),
}

impl DbError {
    /// Whether reopening the handle may help.
    fn is_closed_connection(&self) -> bool {
        matches!(self, DbError::ConnectionLost(_))
    }
}

impl From<indexed_db_futures::error::Error> for DbError {
    fn from(error: indexed_db_futures::error::Error) -> DbError {
        use indexed_db_futures::error::Error;
        match error {
            Error::DomException(exception) => DbError::from(exception),
            Error::Serialisation(e) => DbError::Corrupt(e.to_string()),
            Error::MissingData(e) => DbError::Corrupt(e.to_string()),
            other => classify(&other.to_string(), &other.to_string()),
        }
    }
}

impl From<DomException> for DbError {
    fn from(exception: DomException) -> DbError {
        let sys: web_sys::DomException = exception.into();
        classify(&sys.name(), &sys.message())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for DbError {
    fn from(error: indexed_db_futures::error::OpenDbError) -> DbError {
        DbError::Unavailable(error.to_string())
    }
}

/// Maps a DOMException name and message to what the inspector is told.
pub fn classify(name: &str, message: &str) -> DbError {
    let lower = message.to_ascii_lowercase();
    if name == "QuotaExceededError" || lower.contains("quota") {
        DbError::QuotaExceeded
    } else if name == "InvalidStateError"
        || lower.contains("connection is closing")
        || lower.contains("connection to indexed database server lost")
    {
        DbError::ConnectionLost(message.to_owned())
    } else if name == "ConstraintError" {
        DbError::Duplicate
    } else {
        DbError::Other(format!("{name}: {message}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn browser_errors_become_clear_reasons() {
        assert_eq!(classify("QuotaExceededError", "x"), DbError::QuotaExceeded);
        assert!(matches!(
            classify("InvalidStateError", "The database connection is closing."),
            DbError::ConnectionLost(_)
        ));
        assert!(matches!(
            classify(
                "UnknownError",
                "Connection to Indexed Database server lost. Refresh the page"
            ),
            DbError::ConnectionLost(_)
        ));
        assert_eq!(
            classify("ConstraintError", "Key already exists"),
            DbError::Duplicate
        );
        assert!(matches!(
            classify("UnknownError", "disk"),
            DbError::Other(_)
        ));
    }
}
