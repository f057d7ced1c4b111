//! `GET /api/admin/users`: the accounts within the administrator's scope, by username.

use crate::{
    auth::AdminUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::api::{ADMIN_USERS_PATH, UsersResponse};
use axum::{Json, extract::State};

/// The accounts whose scope lies within the administrator's, by username.
#[utoipa::path(
    get,
    operation_id = "list_users",
    path = ADMIN_USERS_PATH,
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The users (never with their password hashes)", body = UsersResponse),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not an administrator", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
) -> Result<Json<UsersResponse>, ApiError> {
    let users = state
        .db
        .users()
        .await?
        .into_iter()
        .filter(|(user, _)| admin.scope.includes(&user.scope))
        .map(|(user, created_at)| super::summary(user, created_at))
        .collect();
    Ok(Json(UsersResponse { users }))
}
