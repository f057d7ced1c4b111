//! `GET /api/health`: is the server up, which version, which storage.

use crate::{
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::api::HEALTH_PATH;
use axum::{Json, extract::State};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The health report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` (a failing database answers 503 instead).
    #[schema(example = "ok")]
    pub status: &'static str,
    /// The server's version.
    pub version: &'static str,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub database: &'static str,
    /// Where photos are stored.
    pub blob_store: &'static str,
    /// Whether the built app is there to serve.
    pub app_built: bool,
    /// The server's clock.
    pub time: DateTime<Utc>,
}

/// Whether the server and its database are up, and which version runs.
#[utoipa::path(
    get,
    operation_id = "health",
    path = HEALTH_PATH,
    tag = "meta",
    responses(
        (status = 200, description = "Up", body = Health),
        (status = 503, description = "`database_unavailable`", body = ErrorBody),
    )
)]
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
