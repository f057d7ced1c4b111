//! `POST /api/hazards/{id}/events`: a supervisor's action on a hazard from the console.
//!
//! The action becomes a hazard event made by the server (this hazard, now, the signed-in user
//! with the role and scope the server holds) and is settled exactly like a pushed one
//! ([`crate::store::Db::push_entry`]): the domain's lifecycle decides, the event is stored in
//! arrival order with the hazard's projection, the audit log records who, when and from which
//! client (each user's console is a device of its own, [`crate::sync::console_device`]), the
//! change log carries it to the inspectors' devices on their next pull, and the photos it
//! references become readable in the hazard's region. The console makes the event id; sending
//! the same id again answers the current detail without applying anything twice.

use crate::{
    auth::SupervisorUser,
    error::{ApiError, ErrorBody},
    state::AppState,
    store::sync::EntryOutcome,
    sync::{Pusher, console_device},
};
use anxun_domain::{
    api::ledger::{ActionRequest, HAZARD_EVENTS_PATH, HazardDetail},
    hazard::{HazardAction, HazardEvent},
    ids::MutationId,
    sync::Mutation,
};
use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection, rejection::PathRejection},
};
use chrono::Utc;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[utoipa::path(
    post,
    operation_id = "post_hazard_event",
    path = HAZARD_EVENTS_PATH,
    tag = "ledger",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The hazard's id (UUID)")),
    request_body(content = ActionRequest, description = "The action, with an event id made by the console (UUIDv7) for safe retries"),
    responses(
        (status = 200, description = "Applied (or applied before, for a retried id): the hazard as it is now", body = HazardDetail),
        (status = 400, description = "`bad_json` or `bad_query` (the id is not a UUID)", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: inspectors use the field app", body = ErrorBody),
        (status = 404, description = "`not_found`: no such hazard in the caller's scope", body = ErrorBody),
        (status = 409, description = "`transition`: the lifecycle does not allow the action now; `reason` is the domain's code (`invalid_state`, `forbidden`, `reason_required`, ...)", body = ErrorBody),
        (status = 422, description = "`invalid`: a report (made in the field app), an event id used for another hazard, or photos the server does not hold; `bad_json`: JSON of the wrong shape", body = ErrorBody),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    SupervisorUser(user): SupervisorUser,
    path: Result<Path<String>, PathRejection>,
    body: Result<Json<ActionRequest>, JsonRejection>,
) -> Result<Json<HazardDetail>, ApiError> {
    let id = super::hazard_id(path)?;
    let Json(request) = body?;
    let now = Utc::now();
    // The hazard must exist in the caller's scope before anything else is said about it.
    state
        .db
        .stored_hazard(&user.scope, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("hazard {id}")))?;
    if matches!(request.action, HazardAction::Report(_)) {
        return Err(ApiError::Invalid(
            "hazards are reported from the field app, not the console".to_owned(),
        ));
    }
    let retried = |hazard| {
        if hazard == id {
            Ok(true)
        } else {
            Err(ApiError::Invalid(format!(
                "event id {} was already used for another hazard",
                request.id
            )))
        }
    };
    if let Some(hazard) = state.db.event_hazard(request.id).await? {
        retried(hazard)?;
        return Ok(Json(super::load_detail(&state, &user, id, now).await?));
    }
    let event = HazardEvent {
        id: request.id,
        hazard: id,
        at: now,
        actor: super::actor(&user),
        reason: request.reason.clone(),
        action: request.action.clone(),
    };
    let mutation = Mutation::HazardEvent {
        event: Box::new(event),
    };
    let missing = state.photos.missing(&mutation.photos()).await?;
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|h| h.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ApiError::Invalid(format!(
            "upload the photos first (PUT /api/photos/{{sha256}}): {list}"
        )));
    }
    let device = console_device(user.id);
    let owner = state.db.register_device(device, user.id, now).await?;
    if owner != user.id {
        return Err(ApiError::DeviceTaken);
    }
    let pusher = Pusher {
        user: user.id,
        role: user.role,
        scope: user.scope.clone(),
        device,
    };
    let outcome = state
        .db
        .push_entry(
            &pusher,
            None,
            MutationId::from_uuid(request.id.as_uuid()),
            Ok(&mutation),
            &[],
            now,
        )
        .await?;
    match outcome {
        EntryOutcome::Accepted | EntryOutcome::Duplicate => {}
        EntryOutcome::Rejected(rejection) => {
            // The same id applied meanwhile by a concurrent retry: exactly once, answered alike.
            if let Some(hazard) = state.db.event_hazard(request.id).await? {
                retried(hazard)?;
            } else {
                return Err(ApiError::Transition {
                    reason: rejection.reason.unwrap_or(rejection.code.code()),
                    message: rejection.message,
                });
            }
        }
        EntryOutcome::Gap { .. } | EntryOutcome::MissingPhotos(_) => {
            return Err(anyhow::anyhow!("a console entry cannot be a gap or miss photos").into());
        }
    }
    Ok(Json(super::load_detail(&state, &user, id, now).await?))
}
