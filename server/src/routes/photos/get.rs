//! `GET /api/photos/{sha256}`: the photo's bytes, cached for good (they never change).

use crate::{auth::AuthUser, error::ApiError, state::AppState};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::header,
    response::IntoResponse,
};

pub async fn get(
    State(state): State<AppState>,
    _user: AuthUser,
    path: Result<Path<String>, PathRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let hash = super::hash(path)?;
    let photo = state
        .photos
        .get(&hash)
        .await?
        .ok_or(ApiError::PhotoNotFound(hash))?;
    Ok((
        [
            (header::CONTENT_TYPE, photo.image_type.mime()),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable",
            ),
        ],
        photo.bytes,
    ))
}
