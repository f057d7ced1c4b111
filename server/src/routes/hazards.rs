//! The hazard ledger (supervisors and administrators): pages with filters, one hazard's
//! detail, and the actions the console takes on it.

pub mod detail;
pub mod events;
pub mod list;

use crate::{auth::AuthUser, error::ApiError, state::AppState};
use anxun_domain::{
    api::ledger::{EventRecord, HazardDetail, LedgerQuery, PersonRef},
    hazard::{Hazard, allowed_actions},
    ids::HazardId,
    role::Actor,
};
use axum::extract::{Path, rejection::PathRejection};
use chrono::{DateTime, Utc};

/// The hazard id of the path.
pub(crate) fn hazard_id(path: Result<Path<String>, PathRejection>) -> Result<HazardId, ApiError> {
    let Path(id) = path?;
    HazardId::parse(&id).map_err(|_| ApiError::BadQueryValue(format!("`{id}` is not a hazard id")))
}

/// Who acts, as the lifecycle sees them.
pub(crate) fn actor(user: &AuthUser) -> Actor {
    Actor {
        user: user.id,
        role: user.role,
        scope: user.scope.clone(),
    }
}

/// The detail of a hazard in the user's scope (`404` otherwise), with what the user may do
/// now.
pub(crate) async fn load_detail(
    state: &AppState,
    user: &AuthUser,
    id: HazardId,
    now: DateTime<Utc>,
) -> Result<HazardDetail, ApiError> {
    let not_found = || ApiError::NotFound(format!("hazard {id}"));
    let stored = state
        .db
        .stored_hazard(&user.scope, id)
        .await?
        .ok_or_else(not_found)?;
    let hazard = Hazard::replay(stored.events.iter().map(|e| &e.event))
        .map_err(|e| anyhow::anyhow!("hazard {id} does not replay: {e}"))?;
    let site = state
        .db
        .site_in_scope(&user.scope, stored.site)
        .await?
        .ok_or_else(not_found)?;
    let filter = LedgerQuery {
        site: Some(stored.site.to_string()),
        per_page: Some("200".to_owned()),
        ..LedgerQuery::default()
    }
    .parse()
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let site_hazards = state
        .db
        .ledger_rows(&user.scope, &filter, now)
        .await?
        .into_iter()
        .filter(|row| row.id != id)
        .collect();
    let events = stored
        .events
        .into_iter()
        .map(|e| EventRecord {
            event: e.event,
            actor: PersonRef {
                id: e.user,
                name: e.name,
            },
            received_at: e.received_at,
        })
        .collect();
    Ok(HazardDetail {
        allowed: allowed_actions(&hazard, &actor(user)),
        hazard,
        site,
        events,
        site_hazards,
    })
}
