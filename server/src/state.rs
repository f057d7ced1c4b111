//! What every handler can reach.

use crate::{
    auth::rate_limit::SignInLimiter, photos::PhotoStore, static_files::StaticApp, store::Db,
};
use chrono::TimeDelta;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    /// Photos by content hash.
    pub photos: PhotoStore,
    pub static_app: Arc<StaticApp>,
    /// Failed sign-ins, counted in this process.
    pub sign_in_limiter: Arc<SignInLimiter>,
    /// How long a session lasts after sign-in.
    pub session_lifetime: TimeDelta,
}
