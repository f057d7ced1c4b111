//! `GET /api/inspections/{id}`: one inspection record in the caller's scope, with its site,
//! its inspector and the hazards it reported.

use crate::{
    auth::SupervisorUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::{
    api::ledger::{INSPECTION_PATH, InspectionDetail, PersonRef},
    ids::InspectionId,
};
use axum::{
    Json,
    extract::{Path, State, rejection::PathRejection},
    http::header,
    response::IntoResponse,
};
use chrono::Utc;

#[utoipa::path(
    get,
    operation_id = "get_inspection",
    path = INSPECTION_PATH,
    tag = "ledger",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The inspection's id (UUID)")),
    responses(
        (status = 200, description = "The record, its site, inspector and hazards", body = InspectionDetail),
        (status = 400, description = "`bad_query`: the id is not a UUID", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: inspectors use the field app", body = ErrorBody),
        (status = 404, description = "`not_found`: no such inspection in the caller's scope", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    SupervisorUser(user): SupervisorUser,
    path: Result<Path<String>, PathRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Path(id) = path?;
    let id = InspectionId::parse(&id)
        .map_err(|_| ApiError::BadQueryValue(format!("`{id}` is not an inspection id")))?;
    let not_found = || ApiError::NotFound(format!("inspection {id}"));
    let inspection = state
        .db
        .inspection_in_scope(&user.scope, id)
        .await?
        .ok_or_else(not_found)?;
    let site = state
        .db
        .site_in_scope(&user.scope, inspection.site)
        .await?
        .ok_or_else(not_found)?;
    let first = inspection.inspectors.first();
    let inspector = match first {
        Some(i) => PersonRef {
            id: i.user,
            name: state
                .db
                .display_name(i.user)
                .await?
                .unwrap_or_else(|| i.name.as_str().to_owned()),
        },
        None => return Err(anyhow::anyhow!("inspection {id} has no inspector").into()),
    };
    let hazards = state
        .db
        .inspection_hazards(&user.scope, id, Utc::now())
        .await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(InspectionDetail {
            inspection,
            site,
            inspector,
            hazards,
        }),
    ))
}
