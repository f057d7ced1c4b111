//! `GET /api/sync/pull?cursor=<n>&limit=<n>`: one page of the server's changes for the
//! user's scope, above the cursor the device last stored ([`crate::store::Db::pull`]).
//!
//! The cursor is the number of the last change log row the server examined for this user, in
//! scope or not, so changes outside the scope still move it on. Numbers become visible in
//! commit order ([`crate::store::changes`]), so a cursor never passes a change that is still
//! to commit. `more` is set when the page is full: pull again at once. A cursor above the
//! server's latest change (another server, a database started afresh) gets an empty page.

use crate::{auth::AuthUser, error::ApiError, state::AppState};
use anxun_domain::api::{MAX_PULL_CHANGES, PullQuery, PullResponse};
use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::header,
    response::IntoResponse,
};

pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(query) = query?;
    let limit = page_limit(query.limit)?;
    let page = state.db.pull(&user.scope, query.cursor, limit).await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json::<PullResponse>(page),
    ))
}

/// `limit`: [`MAX_PULL_CHANGES`] when absent, capped at it; 0 is refused (a page that looks at
/// nothing would never move the cursor).
fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    let max = u32::try_from(MAX_PULL_CHANGES).unwrap_or(u32::MAX);
    match limit {
        None => Ok(max),
        Some(0) => Err(ApiError::BadQueryValue(
            "limit must be at least 1".to_owned(),
        )),
        Some(limit) => Ok(limit.min(max)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_defaults_to_and_is_capped_at_the_maximum() {
        let max = MAX_PULL_CHANGES as u32;
        assert_eq!(page_limit(None).unwrap(), max);
        assert_eq!(page_limit(Some(1)).unwrap(), 1);
        assert_eq!(page_limit(Some(max + 1)).unwrap(), max);
        assert_eq!(page_limit(Some(u32::MAX)).unwrap(), max);
        assert!(matches!(
            page_limit(Some(0)),
            Err(ApiError::BadQueryValue(_))
        ));
    }
}
