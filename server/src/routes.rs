//! The API: one module per endpoint.

pub mod admin;
pub mod auth;
pub mod health;
pub mod openapi;
pub mod photos;
pub mod stats;
pub mod sync;
pub mod templates;
