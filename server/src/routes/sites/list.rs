//! `GET /api/sites`: one page of the sites in the caller's scope, by name, with their open and
//! major open hazards and the day of their latest inspection.

use crate::{
    auth::SupervisorUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::{
    api::ledger::{SITES_PATH, SitePage, SiteRow, SitesQuery},
    shanghai,
};
use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::header,
    response::IntoResponse,
};

#[utoipa::path(
    get,
    operation_id = "list_sites",
    path = SITES_PATH,
    tag = "ledger",
    security(("bearer" = [])),
    params(SitesQuery),
    responses(
        (status = 200, description = "The page of sites, by name", body = SitePage),
        (status = 400, description = "`bad_query`: a parameter does not parse (the message names it)", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: inspectors use the field app", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    SupervisorUser(user): SupervisorUser,
    query: Result<Query<SitesQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(query) = query?;
    let filter = query
        .parse()
        .map_err(|e| ApiError::BadQueryValue(e.to_string()))?;
    let (total, rows) = state.db.sites_page(&user.scope, &filter).await?;
    let rows = rows
        .into_iter()
        .map(|r| SiteRow {
            site: r.site,
            open_hazards: r.open,
            major_open: r.major_open,
            last_inspection: r.last_inspection.map(shanghai::date),
        })
        .collect();
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(SitePage {
            total,
            page: filter.paging.page.get(),
            per_page: filter.paging.per_page.get(),
            rows,
        }),
    ))
}
