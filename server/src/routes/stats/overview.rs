//! `GET /api/stats`: the dashboard's figures in the caller's scope, overall and by one
//! dimension, with the open major hazards at the end of each month of the campaign.

use crate::{
    auth::AuthUser,
    error::{ApiError, ErrorBody},
    state::AppState,
    store::stats::now_micros,
};
use anxun_domain::api::stats::{STATS_PATH, StatsQuery, StatsResponse, campaign_goal};
use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::header,
    response::IntoResponse,
};

/// The domain's statistics (standards.md §7) of the hazards and inspections in the caller's
/// scope that the query selects.
#[utoipa::path(
    get,
    operation_id = "stats",
    path = STATS_PATH,
    tag = "stats",
    security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, description = "The figures overall, per group of `group`, and the open major hazards per month", body = StatsResponse),
        (status = 400, description = "`bad_query`: a parameter does not parse (the message names it), or `from` is after `to`", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: inspectors use the field app", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    super::require_supervisory(&user)?;
    let Query(query) = query?;
    query
        .check()
        .map_err(|e| ApiError::BadQueryValue(e.to_string()))?;
    let now = now_micros();
    let tallies = state
        .db
        .stats_tallies(&user.scope, &query, query.group, now)
        .await?;
    let response = StatsResponse {
        now,
        overall: super::overall(&tallies),
        groups: query
            .group
            .map(|d| super::groups(&tallies, d))
            .unwrap_or_default(),
        open_major: super::open_major(&tallies, now),
        goal: campaign_goal(),
        query,
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(response)))
}
