//! `PUT /api/photos/{sha256}`: upload a photo's bytes (`Content-Type: image/jpeg`, `image/png`
//! or `image/webp`). `201 Created` when stored now, `200 OK` when it already was (retries are
//! harmless). Checks: the name is a SHA-256, the type is an image type, the size is at most
//! [`MAX_PHOTO_BYTES`], the magic bytes match the type and the bytes hash to the name (see
//! [`crate::photos`]).

use crate::{auth::AuthUser, error::ApiError, photos::Stored, state::AppState};
use anxun_domain::{api::MAX_PHOTO_BYTES, photo::ImageType};
use axum::{
    body::Body,
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode, header},
};

/// The route's body limit: a full-size photo and some slack (the upload itself enforces
/// [`MAX_PHOTO_BYTES`] exactly, as `photo_too_large`).
pub const MAX_BODY_BYTES: usize = MAX_PHOTO_BYTES + 64 * 1024;

pub async fn put(
    State(state): State<AppState>,
    _user: AuthUser,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let hash = super::hash(path)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .unwrap_or_default();
    let declared =
        ImageType::from_mime(&content_type).ok_or(ApiError::UnsupportedMediaType(content_type))?;
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if length.is_some_and(|length| length > MAX_PHOTO_BYTES as u64) {
        return Err(crate::photos::PhotoError::TooLarge.into());
    }
    let stored = state
        .photos
        .put(&hash, declared, body.into_data_stream())
        .await?;
    Ok(match stored {
        Stored::Created => StatusCode::CREATED,
        Stored::AlreadyPresent => StatusCode::OK,
    })
}
