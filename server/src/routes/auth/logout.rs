//! `POST /api/auth/logout`: revokes the session the request is made with.

use crate::{auth::AuthUser, error::ApiError, state::AppState};
use axum::{extract::State, http::StatusCode};
use chrono::Utc;

pub async fn post(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    state
        .db
        .revoke_session(user.session().as_str(), Utc::now())
        .await?;
    tracing::info!(user = %user.username, "signed out");
    Ok(StatusCode::NO_CONTENT)
}
