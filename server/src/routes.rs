//! The API: one module per endpoint.

pub mod health;
pub mod templates;
