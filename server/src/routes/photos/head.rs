//! `HEAD /api/photos/{sha256}`: `200` if the photo is stored, `404` if it must be uploaded.

use crate::{auth::AuthUser, error::ApiError, state::AppState};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};

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
