//! The database: SQLite (embedded, the default) or PostgreSQL, chosen by the database URL.
//!
//! Queries are written once with `$n` placeholders, which both backends accept, and run on
//! either pool through [`on_pool!`]. Each backend has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`), embedded in the binary.

use crate::config::DatabaseUrl;
use sqlx::{
    PgPool, SqlitePool,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{
    collections::HashMap,
    path::PathBuf,
    str::FromStr,
    sync::{Arc, LazyLock, Mutex},
    time::Duration,
};

pub mod accounts;
pub mod changes;
pub mod ledger;
pub mod photo_access;
pub mod pull;
pub mod regions;
pub mod sessions;
pub mod sites;
pub mod stats;
pub mod sync;
pub mod templates;

/// A connection pool to one of the two backends.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same query code on whichever pool `db` holds.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($pool) => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Db {
    /// Connects (creating the SQLite file if needed) and brings the schema up to date.
    pub async fn connect(url: &DatabaseUrl) -> Result<Db, StoreError> {
        let db = match url {
            DatabaseUrl::Sqlite(url) => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    // Each connection caches up to 64 MB of pages (the default is 2 MB: a
                    // push reads and writes index pages all over the file) and reads the
                    // file through a memory map of up to 256 MB instead of copies.
                    .pragma("cache_size", "-65536")
                    .pragma("mmap_size", "268435456")
                    .pragma("temp_store", "memory");
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
                Db::Sqlite(pool)
            }
            DatabaseUrl::Postgres(url) => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?;
                sqlx::migrate!("./migrations/postgres").run(&pool).await?;
                Db::Postgres(pool)
            }
        };
        Ok(db)
    }

    /// The backend's name, as reported by `/api/health`.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }

    /// Waits for this process's turn to write, on SQLite; on PostgreSQL at once (it has
    /// row locks). Hold the guard for the whole write transaction.
    ///
    /// SQLite lets one connection write to a database file at a time. Connections that find
    /// the lock taken poll for it with growing sleeps (the busy handler, up to 100 ms each),
    /// which under load becomes long tail latency; and a transaction that read before it
    /// writes fails with `SQLITE_BUSY` instead of waiting when another writer committed in the
    /// meantime. Writers in this process therefore queue here first, in arrival order
    /// (tokio's mutex is fair), one gate per database file.
    pub async fn write_gate(&self) -> WriteGuard {
        match self {
            Db::Sqlite(pool) => {
                let file = pool.connect_options().get_filename().to_path_buf();
                let gate = {
                    let mut gates = WRITE_GATES.lock().unwrap_or_else(|e| e.into_inner());
                    Arc::clone(gates.entry(file).or_default())
                };
                WriteGuard {
                    _turn: Some(gate.lock_owned().await),
                }
            }
            Db::Postgres(_) => WriteGuard { _turn: None },
        }
    }

    /// Closes every connection (on shutdown).
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// The SQLite write gates of this process, by database file (see [`Db::write_gate`]).
static WRITE_GATES: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

/// This process's turn to write (see [`Db::write_gate`]); the turn ends when it is dropped.
#[must_use = "the turn to write ends when the guard is dropped"]
pub struct WriteGuard {
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// Rows written by one multi-row `INSERT` at most (PostgreSQL takes 65,535 parameters, SQLite
/// 32,766).
pub const ROWS_PER_INSERT: usize = 100;

/// `($1, ..., $c), ($c+1, ...), ...`: the placeholders of `rows` rows of `columns` values.
pub fn values_sql(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let params: Vec<String> = (1..=columns)
                .map(|column| format!("${}", row * columns + column))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A database operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}
