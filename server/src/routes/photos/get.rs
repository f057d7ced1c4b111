//! `GET /api/photos/{sha256}`: the photo's bytes, cached for good (they never change).

use crate::{
    auth::AuthUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::api::PHOTO_PATH;
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::header,
    response::IntoResponse,
};

/// The photo's bytes, cached for good (they never change). Only for its uploader and the
/// users whose scope covers a record that references it; anyone else gets `404`, as if it did
/// not exist.
#[utoipa::path(
    get,
    operation_id = "get_photo",
    path = PHOTO_PATH,
    tag = "photos",
    security(("bearer" = [])),
    params(("sha256" = String, Path, description = "The SHA-256 of the photo's bytes, 64 lowercase hex digits")),
    responses(
        (status = 200, description = "The photo, with its type (`Cache-Control: private, max-age=31536000, immutable`)",
            content((inline(crate::openapi::Binary) = "image/jpeg"), (inline(crate::openapi::Binary) = "image/png"), (inline(crate::openapi::Binary) = "image/webp"))),
        (status = 400, description = "`bad_hash`: the name is not a SHA-256", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 404, description = "`photo_not_found`: not stored, or not visible to this user (outside their scope)", body = ErrorBody),
        (status = 503, description = "`photo_store_unavailable`", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    path: Result<Path<String>, PathRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let hash = super::hash(path)?;
    if !state.db.may_read_photo(&hash, user.id, &user.scope).await? {
        return Err(ApiError::PhotoNotFound(hash));
    }
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
