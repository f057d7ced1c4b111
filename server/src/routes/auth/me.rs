//! `GET /api/auth/me`: the signed-in user.

use crate::{auth::AuthUser, error::ErrorBody};
use anxun_domain::api::{ME_PATH, SignedInUser};
use axum::{Json, http::header, response::IntoResponse};

/// The signed-in user.
#[utoipa::path(
    get,
    operation_id = "me",
    path = ME_PATH,
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user (`Cache-Control: no-store`)", body = SignedInUser),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
    )
)]
pub async fn get(user: AuthUser) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json::<SignedInUser>(user.to_api()),
    )
}
