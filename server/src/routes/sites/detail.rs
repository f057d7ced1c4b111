//! `GET /api/sites/{id}`: one site in the caller's scope with its inspections and hazards
//! (newest first).

use crate::{
    auth::SupervisorUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::{
    api::ledger::{LedgerQuery, SITE_PATH, SiteDetail},
    ids::SiteId,
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
    operation_id = "get_site",
    path = SITE_PATH,
    tag = "ledger",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id (UUID)")),
    responses(
        (status = 200, description = "The site, its inspections and its hazards (at most 200, newest first)", body = SiteDetail),
        (status = 400, description = "`bad_query`: the id is not a UUID", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: inspectors use the field app", body = ErrorBody),
        (status = 404, description = "`not_found`: no such site in the caller's scope", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    SupervisorUser(user): SupervisorUser,
    path: Result<Path<String>, PathRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Path(id) = path?;
    let id = SiteId::parse(&id)
        .map_err(|_| ApiError::BadQueryValue(format!("`{id}` is not a site id")))?;
    let site = state
        .db
        .site_in_scope(&user.scope, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("site {id}")))?;
    let inspections = state.db.site_inspections(id).await?;
    let filter = LedgerQuery {
        site: Some(id.to_string()),
        per_page: Some("200".to_owned()),
        ..LedgerQuery::default()
    }
    .parse()
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let hazards = state
        .db
        .ledger_rows(&user.scope, &filter, Utc::now())
        .await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(SiteDetail {
            site,
            inspections,
            hazards,
        }),
    ))
}
