//! Sync with the server, shared by the page and the service worker's Background Sync.
//!
//! - [`api`]: the only code that talks to the server.
//! - [`run`]: one sync (push rounds with photos first, settle, pull pages), and [`run::attempt`],
//!   which runs it with the stored session under the Web Lock.
//! - [`lock`]: the Web Lock that keeps the app's tabs and its worker from syncing at once.

pub mod api;
pub mod lock;
pub mod run;

/// The Web Lock a sync holds, in a page or in the service worker.
pub const LOCK: &str = "anxun-sync";

/// The Background Sync tag the page registers and the service worker answers.
pub const TAG: &str = "anxun-sync";

/// The `type` of the message the service worker posts to open pages after a Background Sync
/// (`{type: "synced"}`), so that they refresh what they show.
pub const SYNCED_MESSAGE: &str = "synced";
