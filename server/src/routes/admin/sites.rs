//! The site registry: `POST /api/admin/sites/import`.

pub mod import;
