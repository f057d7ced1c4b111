//! `POST /api/admin/users`: creates an account. The username must be free (`409
//! username_taken`), the password at least [`MIN_PASSWORD_CHARS`] characters, the scope made
//! of known regions and within the administrator's own scope.

use crate::{
    accounts::{self, AccountError, Username},
    auth::AdminUser,
    error::{ApiError, ErrorBody},
    regions::RegionIndex,
    state::AppState,
};
use anxun_domain::{
    api::{ADMIN_USERS_PATH, CreateUserRequest, MIN_PASSWORD_CHARS, UserSummary},
    text::Text,
};
use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
    http::StatusCode,
};
use chrono::Utc;

/// Passwords longer than this (in bytes) are refused, as at sign-in.
const MAX_PASSWORD_BYTES: usize = 1024;

/// The longest display name, in characters.
const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// Creates an account that can sign in at once.
#[utoipa::path(
    post,
    operation_id = "create_user",
    path = ADMIN_USERS_PATH,
    tag = "admin",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserSummary),
        (status = 400, description = "`bad_json`: the body is not JSON", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not an administrator, or the scope is wider than the administrator's", body = ErrorBody),
        (status = 409, description = "`username_taken`", body = ErrorBody),
        (status = 415, description = "`bad_json`: not `Content-Type: application/json`", body = ErrorBody),
        (status = 422, description = "`bad_json` (JSON of the wrong shape) or `invalid` (a bad username, display name or password, or a scope of unknown regions; the message names the field)", body = ErrorBody),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    body: Result<Json<CreateUserRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<UserSummary>), ApiError> {
    let Json(request) = body?;
    // As at sign-in: phones capitalise the first letter; usernames are lowercase.
    let username = Username::parse(&request.username.trim().to_lowercase())
        .map_err(|e| ApiError::Invalid(format!("username: {e}")))?;
    let display_name = Text::parse(&request.display_name)
        .ok()
        .filter(|name| name.as_str().chars().count() <= MAX_DISPLAY_NAME_CHARS)
        .ok_or_else(|| {
            ApiError::Invalid(format!(
                "display_name: give 1 to {MAX_DISPLAY_NAME_CHARS} characters"
            ))
        })?;
    if request.password.chars().count() < MIN_PASSWORD_CHARS
        || request.password.len() > MAX_PASSWORD_BYTES
    {
        return Err(ApiError::Invalid(format!(
            "password: at least {MIN_PASSWORD_CHARS} characters (and at most {MAX_PASSWORD_BYTES} bytes)"
        )));
    }
    if !admin.scope.includes(&request.scope) {
        return Err(ApiError::Forbidden(
            "the new user's scope must lie within your own".to_owned(),
        ));
    }
    RegionIndex::new(state.db.regions().await?)
        .check_scope(&request.scope)
        .map_err(ApiError::Invalid)?;
    let id = accounts::create_user(
        &state.db,
        &username,
        display_name.as_str(),
        request.role,
        &request.scope,
        &request.password,
        false,
    )
    .await
    .map_err(|e| match e {
        AccountError::UsernameTaken(name) => ApiError::UsernameTaken(name),
        AccountError::Store(e) => ApiError::Store(e),
        other => ApiError::Unexpected(other.into()),
    })?;
    tracing::info!(admin = %admin.username, user = %username.as_str(), role = request.role.code(), "user created");
    Ok((
        StatusCode::CREATED,
        Json(UserSummary {
            id,
            username: username.as_str().to_owned(),
            display_name: display_name.as_str().to_owned(),
            role: request.role,
            scope: request.scope,
            disabled: false,
            created_at: Utc::now(),
        }),
    ))
}
