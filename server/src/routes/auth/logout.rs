//! `POST /api/auth/logout`: revokes the session the request is made with.

use crate::{
    auth::AuthUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::api::LOGOUT_PATH;
use axum::{extract::State, http::StatusCode};
use chrono::Utc;

/// Signs out: revokes the session the request is made with.
#[utoipa::path(
    post,
    operation_id = "logout",
    path = LOGOUT_PATH,
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
    )
)]
pub async fn post(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    state
        .db
        .revoke_session(user.session().as_str(), Utc::now())
        .await?;
    tracing::info!(user = %user.username, "signed out");
    Ok(StatusCode::NO_CONTENT)
}
