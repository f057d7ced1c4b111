//! Offline sync: `POST /api/sync/push` and `GET /api/sync/pull`.

pub mod pull;
pub mod push;
