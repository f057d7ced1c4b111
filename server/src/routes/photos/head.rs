//! `HEAD /api/photos/{sha256}`: `200` if the photo is stored, `404` if it must be uploaded.

use crate::{
    auth::AuthUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::api::PHOTO_PATH;
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};

/// Whether the photo is stored (`200`) or must be uploaded (`404`).
#[utoipa::path(
    head,
    operation_id = "head_photo",
    path = PHOTO_PATH,
    tag = "photos",
    security(("bearer" = [])),
    params(("sha256" = String, Path, description = "The SHA-256 of the photo's bytes, 64 lowercase hex digits")),
    responses(
        (status = 200, description = "Stored"),
        (status = 400, description = "`bad_hash`: the name is not a SHA-256 (no body, as for every HEAD)", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired` (no body)", body = ErrorBody),
        (status = 404, description = "`photo_not_found`: upload it (no body)", body = ErrorBody),
        (status = 503, description = "`photo_store_unavailable` (no body)", body = ErrorBody),
    )
)]
pub async fn head(
    State(state): State<AppState>,
    _user: AuthUser,
    path: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let hash = super::hash(path)?;
    if state.photos.contains(&hash).await? {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::PhotoNotFound(hash))
    }
}
