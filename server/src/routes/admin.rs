//! Administration (administrators only): accounts and the site registry.

pub mod sites;
pub mod users;
