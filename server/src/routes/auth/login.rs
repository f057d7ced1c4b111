//! `POST /api/auth/login`: username and password in, a session token out.

use crate::{auth, error::ApiError, state::AppState};
use anxun_domain::api::{LoginRequest, LoginResponse};
use axum::{
    Json,
    extract::{ConnectInfo, State, rejection::JsonRejection},
    http::header,
    response::IntoResponse,
};
use chrono::Utc;
use std::net::SocketAddr;

pub async fn post(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Json(LoginRequest { username, password }) = body?;
    // Phones capitalise the first letter; usernames are lowercase.
    let username = username.trim().to_lowercase();
    state
        .sign_in_limiter
        .attempt(&username, client.ip())
        .map_err(|wait| ApiError::TooManyAttempts {
            retry_after: wait.seconds(),
        })?;
    let user = auth::verify_credentials(&state.db, &username, password)
        .await?
        .ok_or(ApiError::BadCredentials)?;
    state.sign_in_limiter.succeeded(&username, client.ip());
    let (token, expires_at) =
        auth::start_session(&state.db, user.id, state.session_lifetime, Utc::now()).await?;
    tracing::info!(user = %user.username, "signed in");
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(LoginResponse {
            token: token.as_str().to_owned(),
            expires_at,
            user: auth::signed_in_user(&user),
        }),
    ))
}
