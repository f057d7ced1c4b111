//! Offline sync: `POST /api/sync/push`.

pub mod push;
