//! `POST /api/auth/login`: username and password in, a session token out.

use crate::{
    auth,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::api::{LOGIN_PATH, LoginRequest, LoginResponse};
use axum::{
    Json,
    extract::{ConnectInfo, State, rejection::JsonRejection},
    http::header,
    response::IntoResponse,
};
use chrono::Utc;
use std::net::SocketAddr;

/// Signs in: a session token for the username and password.
#[utoipa::path(
    post,
    operation_id = "login",
    path = LOGIN_PATH,
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in (`Cache-Control: no-store`)", body = LoginResponse),
        (status = 400, description = "`bad_json`: the body is not JSON", body = ErrorBody),
        (status = 401, description = "`bad_credentials`: unknown user, wrong password or disabled account (not told apart)", body = ErrorBody),
        (status = 415, description = "`bad_json`: not `Content-Type: application/json`", body = ErrorBody),
        (status = 422, description = "`bad_json`: JSON of the wrong shape", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`: too many failed sign-ins; wait `Retry-After` seconds", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
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
