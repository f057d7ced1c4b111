//! Anxun's service worker (skeleton).
//!
//! `public/sw.js` registers the event listeners synchronously at the top level, as the Service
//! Worker specification requires, loads this module and hands the events to it. Precaching the
//! app shell, routing, updates and Background Sync arrive with their own issue; until then the
//! worker is built with every release so that the pipeline stays proven, but the app does not
//! register it.

use wasm_bindgen::prelude::*;

fn main() {}

/// The build this worker belongs to; the shim reports it so the app can show it.
#[wasm_bindgen]
pub fn worker_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
