//! 安巡监管台 (the supervisor console): the hazard ledger, closing the loop, sites and exports
//! for district and street safety officers, in a desktop browser, online.
//!
//! A separate Trunk bundle served at `/console/` (the field app's first load does not grow);
//! no service worker. The logic modules ([`routes`], [`filter`], [`saved`], [`qr`]) are plain
//! Rust, built and tested natively; the screens and [`api`], the only module that calls the
//! server, build for wasm32.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod actions;
pub mod charts;
pub mod dashboard;
pub mod disposition;
pub mod filter;
#[cfg(target_arch = "wasm32")]
pub mod labels;
pub mod qr;
pub mod quarterly;
pub mod routes;
pub mod saved;

#[cfg(target_arch = "wasm32")]
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod locale;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod session;
#[cfg(target_arch = "wasm32")]
pub mod storage;

#[cfg(target_arch = "wasm32")]
pub use app::App;
