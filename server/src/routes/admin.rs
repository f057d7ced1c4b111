//! Administration (administrators only): accounts, the site registry and checklist templates.

pub mod sites;
pub mod templates;
pub mod users;
