//! `PUT /api/photos/{sha256}`: upload a photo's bytes (`Content-Type: image/jpeg`, `image/png`
//! or `image/webp`). `201 Created` when stored now, `200 OK` when it already was (retries are
//! harmless). Checks: the name is a SHA-256, the type is an image type, the size is at most
//! [`MAX_PHOTO_BYTES`], the magic bytes match the type and the bytes hash to the name (see
//! [`crate::photos`]).

use crate::{
    auth::AuthUser,
    error::{ApiError, ErrorBody},
    photos::Stored,
    state::AppState,
};
use anxun_domain::{
    api::{MAX_PHOTO_BYTES, PHOTO_PATH},
    photo::ImageType,
};
use axum::{
    body::Body,
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode, header},
};

/// The route's body limit: a full-size photo and some slack (the upload itself enforces
/// [`MAX_PHOTO_BYTES`] exactly, as `photo_too_large`).
pub const MAX_BODY_BYTES: usize = MAX_PHOTO_BYTES + 64 * 1024;

/// Uploads a photo's bytes under their SHA-256 (idempotent).
#[utoipa::path(
    put,
    operation_id = "put_photo",
    path = PHOTO_PATH,
    tag = "photos",
    security(("bearer" = [])),
    params(("sha256" = String, Path, description = "The SHA-256 of the photo's bytes, 64 lowercase hex digits")),
    request_body(description = "The photo's bytes, at most 25 MiB",
        content((inline(crate::openapi::Binary) = "image/jpeg"), (inline(crate::openapi::Binary) = "image/png"), (inline(crate::openapi::Binary) = "image/webp"))),
    responses(
        (status = 201, description = "Stored now"),
        (status = 200, description = "Already stored (nothing was read or written)"),
        (status = 400, description = "`bad_hash` (the name is not a SHA-256) or `bad_body` (the upload was interrupted)", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 413, description = "`photo_too_large`: more than 25 MiB", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: not image/jpeg, image/png or image/webp, or the bytes are another of these types", body = ErrorBody),
        (status = 422, description = "`not_an_image` (the magic bytes are no image) or `hash_mismatch` (the bytes do not hash to the name)", body = ErrorBody),
        (status = 503, description = "`photo_store_unavailable`", body = ErrorBody),
    )
)]
pub async fn put(
    State(state): State<AppState>,
    user: AuthUser,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let hash = super::hash(path)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .unwrap_or_default();
    let declared = ImageType::from_mime(&content_type).ok_or(ApiError::UnsupportedMediaType {
        found: content_type,
        expected: "image/jpeg, image/png or image/webp",
    })?;
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
        Stored::Created => {
            // The bytes were checked against the hash: the uploader may read them back. (An
            // upload of a photo already stored is not read, so it grants nothing.)
            state
                .db
                .photo_uploaded(&hash, user.id, chrono::Utc::now())
                .await?;
            StatusCode::CREATED
        }
        Stored::AlreadyPresent => StatusCode::OK,
    })
}
