//! `GET /api/hazards`: one page of the ledger, filtered, sorted and paged in SQL within the
//! caller's scope ([`crate::store::Db::ledger_page`]).

use crate::{
    auth::SupervisorUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::api::ledger::{HAZARDS_PATH, LedgerPage, LedgerQuery};
use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::header,
    response::IntoResponse,
};
use chrono::Utc;

#[utoipa::path(
    get,
    operation_id = "list_hazards",
    path = HAZARDS_PATH,
    tag = "ledger",
    security(("bearer" = [])),
    params(LedgerQuery),
    responses(
        (status = 200, description = "The page: the total matching, and the rows of the page in the requested order", body = LedgerPage),
        (status = 400, description = "`bad_query`: a parameter does not parse (the message names it)", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: inspectors use the field app", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    SupervisorUser(user): SupervisorUser,
    query: Result<Query<LedgerQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(query) = query?;
    let filter = query
        .parse()
        .map_err(|e| ApiError::BadQueryValue(e.to_string()))?;
    let (total, rows) = state
        .db
        .ledger_page(&user.scope, &filter, Utc::now())
        .await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(LedgerPage {
            total,
            page: filter.paging.page.get(),
            per_page: filter.paging.per_page.get(),
            rows,
        }),
    ))
}
