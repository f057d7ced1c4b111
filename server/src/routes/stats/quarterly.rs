//! `GET /api/stats/quarterly?year=YYYY&quarter=1..4`: the quarterly hazard statistics of the
//! caller's scope, for the printable report (16号令: by level, the quarter and the year to
//! date, reported by the 15th of the next quarter).

use crate::{
    auth::AuthUser,
    error::{ApiError, ErrorBody},
    state::AppState,
    store::stats::now_micros,
};
use anxun_domain::{
    api::stats::{QuarterlyQuery, QuarterlyReport, STATS_QUARTERLY_PATH, StatsQuery, YearMonth},
    region::Scope,
    stats::Dimension,
};
use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::header,
    response::IntoResponse,
};
use chrono::NaiveDate;

/// The region level below a scope: what the report breaks its figures down by.
fn region_dimension(scope: &Scope) -> Dimension {
    match scope {
        Scope::City => Dimension::District,
        Scope::District { .. } => Dimension::Street,
        Scope::Street { .. } | Scope::Grid { .. } => Dimension::Grid,
    }
}

/// The quarter's statistics in the caller's scope.
#[utoipa::path(
    get,
    operation_id = "stats_quarterly",
    path = STATS_QUARTERLY_PATH,
    tag = "stats",
    security(("bearer" = [])),
    params(QuarterlyQuery),
    responses(
        (status = 200, description = "The quarter's figures overall, by level, by area and by region, the year to date, and the open major hazards at the quarter's start and end", body = QuarterlyReport),
        (status = 400, description = "`bad_query`: `year` (2000–2100) or `quarter` (1–4) missing or out of range", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: inspectors use the field app", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<QuarterlyQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    super::require_supervisory(&user)?;
    let Query(quarterly) = query?;
    let now = now_micros();
    let quarter = StatsQuery {
        from: Some(quarterly.first_day()),
        to: Some(quarterly.last_day()),
        ..StatsQuery::default()
    };
    let db = &state.db;
    let scope = &user.scope;
    let by_severity = db
        .stats_tallies(scope, &quarter, Some(Dimension::Severity), now)
        .await?;
    let by_area = db
        .stats_tallies(scope, &quarter, Some(Dimension::Area), now)
        .await?;
    let region = region_dimension(scope);
    let by_region = db.stats_tallies(scope, &quarter, Some(region), now).await?;
    let year_to_date = StatsQuery {
        from: NaiveDate::from_ymd_opt(quarterly.year.get(), 1, 1),
        to: Some(quarterly.last_day()),
        ..StatsQuery::default()
    };
    let year_to_date = db.stats_tallies(scope, &year_to_date, None, now).await?;
    let end = YearMonth::of(quarterly.last_day());
    let start = YearMonth::of(quarterly.first_day());
    let before_start = YearMonth::from_number(if start.month == 1 {
        (start.year - 1) * 100 + 12
    } else {
        start.number() - 1
    })
    .unwrap_or(start);
    let report = QuarterlyReport {
        year: quarterly.year,
        quarter: quarterly.quarter,
        period_start: quarterly.first_day(),
        period_end: quarterly.last_day(),
        due_by: quarterly.due_by(),
        annual_due_by: (quarterly.quarter.get() == 4)
            .then(|| NaiveDate::from_ymd_opt(quarterly.year.get() + 1, 1, 31))
            .flatten(),
        scope: scope.clone(),
        now,
        quarter_report: super::overall(&by_severity),
        year_to_date: super::overall(&year_to_date),
        by_severity: super::groups(&by_severity, Dimension::Severity),
        by_area: super::groups(&by_area, Dimension::Area),
        by_region: super::groups(&by_region, region),
        open_major_at_end: super::open_major_at(&by_severity, end),
        open_major_at_start: super::open_major_at(&by_severity, before_start),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(report)))
}
