//! Anxun's domain: the model, checklists, hazard lifecycle, statistics and sync rules.
//!
//! **Architecture invariant:** this crate does no IO and depends on nothing that does
//! (no `web-sys`, `leptos`, `axum`, `sqlx`, `tokio`). It builds natively and for
//! `wasm32-unknown-unknown`, and is shared by the app, the service worker and the server.

pub mod site;
