//! The API: one module per endpoint.

pub mod auth;
pub mod health;
pub mod photos;
pub mod sync;
pub mod templates;
