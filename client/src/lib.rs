//! The device side of Anxun that both the app (a page) and the service worker run: the
//! device database ([`db`], IndexedDB), the inspector on this device ([`profile`]) and sync
//! with the server ([`sync`]: the only code that talks to the server, one sync run, and the
//! Web Lock that keeps page and worker from syncing at once).
//!
//! Nothing here assumes a window: [`global`] reaches `fetch`, timers and `navigator` through
//! whichever global scope the code runs in, so the same code serves the page and the
//! worker's Background Sync. The decisions are the domain's; this crate does the IO.

#![cfg_attr(test, allow(clippy::unwrap_used))]

// The unit tests run in the browser (`cargo xtask test`), like everything this crate does.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

pub mod db;
pub mod global;
pub mod photos;
pub mod profile;
pub mod sync;
