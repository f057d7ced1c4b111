//! Anxun's service worker, in Rust.
//!
//! `public/sw.js` is the shim: it registers the event listeners synchronously at the top level
//! (as the Service Worker specification requires), loads this module (from the cache when it
//! is there, so the worker itself starts offline) and hands it the events with the build's
//! precache list, which `cargo xtask precache` wrote into the shim at build time.
//!
//! - [`precache`]: the list, the cache name of the build.
//! - [`routing`]: which requests the worker answers and how (pure, tested natively).
//! - [`shell`]: install (download and verify every file), activate (drop older builds'
//!   caches), answer requests, and messages from the page (version, activate a waiting update).
//! - [`background`]: Background Sync (Chromium): the same sync as the page's
//!   (`anxun_client::sync::run::attempt`), when connectivity returns, even with the app closed.

#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(target_arch = "wasm32")]
mod background;
pub mod precache;
pub mod routing;
#[cfg(target_arch = "wasm32")]
mod shell;

fn main() {}
