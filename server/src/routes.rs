//! The API: one module per endpoint.

pub mod admin;
pub mod auth;
pub mod exports;
pub mod hazards;
pub mod health;
pub mod inspections;
pub mod openapi;
pub mod photos;
pub mod sites;
pub mod stats;
pub mod sync;
pub mod templates;
