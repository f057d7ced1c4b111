//! `GET /api/health`: is the server up, which version, which storage.

use crate::{error::ApiError, state::AppState};
use axum::{Json, extract::State};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The health report.
#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub database: &'static str,
    pub blob_store: &'static str,
    pub app_built: bool,
    pub time: DateTime<Utc>,
}

pub async fn get(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state
        .db
        .ping()
        .await
        .map_err(ApiError::DatabaseUnavailable)?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        database: state.db.backend(),
        blob_store: "local",
        app_built: state.static_app.is_built(),
        time: Utc::now(),
    }))
}
