//! `GET /api/auth/me`: the signed-in user.

use crate::auth::AuthUser;
use anxun_domain::api::SignedInUser;
use axum::{Json, http::header, response::IntoResponse};

pub async fn get(user: AuthUser) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json::<SignedInUser>(user.to_api()),
    )
}
