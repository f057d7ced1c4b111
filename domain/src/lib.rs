//! Anxun's domain: the model, checklists, hazard lifecycle, statistics and sync rules.
//!
//! **Architecture invariant:** this crate does no IO and depends on nothing that does
//! (no `web-sys`, `leptos`, `axum`, `sqlx`, `tokio`). It builds natively and for
//! `wasm32-unknown-unknown`, and is shared by the app, the service worker and the server.
//! Time comes in as arguments; only [`ids`] reads the clock and randomness, to make UUIDv7s.
//!
//! ## Entry points
//! - Templates: [`templates::builtin`], [`templates::parse_template`], [`template::Template`]
//!   (its serde JSON is what `GET /api/templates` serves, see [`api::TemplatesResponse`]).
//! - Sites: [`site::Site`], [`site::CreditCode`], [`site::PhoneNumber`].
//! - Inspections: [`inspection::Inspection`] (`start`, `answer`, `check_complete`, `complete`,
//!   `findings`, `combined_assessment`).
//! - Hazards: [`hazard::Hazard`] (`report`, `apply`, `replay`, `is_overdue`) driven by
//!   [`hazard::HazardEvent`]s; rules in [`hazard::lifecycle`].
//! - GB 35181 combined elements: [`gb35181::assess`].
//! - Statistics: [`stats`] (`report`, `grouped` and one function per figure).
//! - Ids and document numbers: [`ids`], [`docno`].
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod api;
pub mod docno;
pub mod documents;
pub mod gb35181;
pub mod geo;
pub mod hazard;
pub mod ids;
pub mod inspection;
pub mod photo;
pub mod region;
pub mod role;
pub mod shanghai;
pub mod site;
pub mod stats;
pub mod sync;
pub mod tagged;
pub mod template;
pub mod templates;
pub mod text;
