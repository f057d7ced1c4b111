//! `GET /api/hazards/{id}`: one hazard, its site, its events with who sent them, the site's
//! other hazards, and the actions the lifecycle lets the caller take now.

use crate::{
    auth::SupervisorUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::api::ledger::{HAZARD_PATH, HazardDetail};
use axum::{
    Json,
    extract::{Path, State, rejection::PathRejection},
    http::header,
    response::IntoResponse,
};
use chrono::Utc;

#[utoipa::path(
    get,
    operation_id = "get_hazard",
    path = HAZARD_PATH,
    tag = "ledger",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The hazard's id (UUID)")),
    responses(
        (status = 200, description = "The hazard with its history and the caller's allowed actions", body = HazardDetail),
        (status = 400, description = "`bad_query`: the id is not a UUID", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: inspectors use the field app", body = ErrorBody),
        (status = 404, description = "`not_found`: no such hazard in the caller's scope", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    SupervisorUser(user): SupervisorUser,
    path: Result<Path<String>, PathRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let id = super::hazard_id(path)?;
    let detail = super::load_detail(&state, &user, id, Utc::now()).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(detail)))
}
