//! What every handler can reach.

use crate::{static_files::StaticApp, store::Db};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub static_app: Arc<StaticApp>,
}
