//! `POST /api/sync/push`: a device's outbox entries in, one result per entry out.
//!
//! Entries are settled in order, up to [`PUSH_CHUNK`] in one transaction
//! ([`crate::store::Db::push_entries`]):
//! an entry already settled is a `duplicate` (or its earlier rejection again), the next one is
//! applied or rejected (both final, both advance the device's sequence), and one beyond the
//! next is a `gap` that stops the push: it and every later entry answer `gap`.
//!
//! Photos come first: the next entry, if it references photos the store does not hold
//! ([`Mutation::photos`]), answers `missing_photo` with their hashes. That is not final and
//! does not advance the device's sequence; like a gap it stops the push (later entries answer
//! `gap`, expecting this one again), so the client uploads the photos and pushes the same
//! entry again: exactly-once holds, and nothing is applied out of order.

use crate::{
    auth::AuthUser,
    error::{ApiError, ErrorBody},
    state::AppState,
    store::sync::{EntryIn, EntryOutcome, PUSH_CHUNK},
    sync::Pusher,
};
use anxun_domain::{
    api::{
        MAX_PUSH_ENTRIES, PushRequest, PushResponse, PushResult, PushStatus, RejectionCode,
        SYNC_PUSH_PATH,
    },
    ids::{DeviceId, MutationId},
    sync::{Mutation, PROTOCOL_VERSION},
};
use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
};
use chrono::Utc;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// [`anxun_domain::api::PushRequest`] as read: each mutation is parsed on its own, so that
/// one the server cannot read is rejected as `invalid` instead of failing the whole push.
#[derive(Debug, serde::Deserialize)]
pub struct PushBody {
    proto_v: u32,
    device: DeviceId,
    entries: Vec<EntryBody>,
}

#[derive(Debug, serde::Deserialize)]
struct EntryBody {
    mutation_id: MutationId,
    seq: u64,
    mutation: serde_json::Value,
}

/// Pushes a device's outbox entries; answers one result per entry, in order.
#[utoipa::path(
    post,
    operation_id = "sync_push",
    path = SYNC_PUSH_PATH,
    tag = "sync",
    security(("bearer" = [])),
    request_body(content = PushRequest, description = "At most 200 entries, `seq` strictly increasing from 1; at most 2 MB"),
    responses(
        (status = 200, description = "Each entry `accepted`, `duplicate`, `rejected` (final, with a code), `gap` or `missing_photo` (not final)", body = PushResponse),
        (status = 400, description = "`bad_json` (not JSON), `unsupported_protocol` (`proto_v` is not this server's) or `bad_batch` (too many entries, sequence numbers out of order)", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`device_taken`: the device belongs to another user", body = ErrorBody),
        (status = 413, description = "`bad_json`: the body is larger than 2 MB", body = ErrorBody),
        (status = 415, description = "`bad_json`: not `Content-Type: application/json`", body = ErrorBody),
        (status = 422, description = "`bad_json`: JSON of the wrong shape", body = ErrorBody),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    user: AuthUser,
    body: Result<Json<PushBody>, JsonRejection>,
) -> Result<Json<PushResponse>, ApiError> {
    let Json(body) = body?;
    if body.proto_v != PROTOCOL_VERSION {
        return Err(ApiError::UnsupportedProtocol(
            body.proto_v,
            PROTOCOL_VERSION,
        ));
    }
    check_batch(&body.entries)?;
    let now = Utc::now();
    let owner = state.db.register_device(body.device, user.id, now).await?;
    if owner != user.id {
        return Err(ApiError::DeviceTaken);
    }
    let pusher = Pusher {
        user: user.id,
        role: user.role,
        scope: user.scope.clone(),
        device: body.device,
    };
    // Every entry read, and the photos each lacks looked up, before the database is touched.
    let mut parsed = Vec::with_capacity(body.entries.len());
    for entry in body.entries {
        let mutation = serde_json::from_value::<Mutation>(entry.mutation)
            .map_err(|e| format!("the mutation cannot be read: {e}"));
        let missing = match &mutation {
            Ok(mutation) => state.photos.missing(&mutation.photos()).await?,
            Err(_) => Vec::new(),
        };
        parsed.push((entry.seq, entry.mutation_id, mutation, missing));
    }
    let mut results = Vec::with_capacity(parsed.len());
    let mut gap = None;
    for chunk in parsed.chunks(PUSH_CHUNK) {
        if gap.is_some() {
            break;
        }
        let entries = chunk
            .iter()
            .map(|(seq, mutation_id, mutation, missing)| EntryIn {
                seq: Some(*seq),
                mutation_id: *mutation_id,
                mutation: mutation.as_ref().map_err(Clone::clone),
                missing_photos: missing.clone(),
            })
            .collect();
        let outcomes = state.db.push_entries(&pusher, entries, Utc::now()).await?;
        for ((seq, mutation_id, _, _), outcome) in chunk.iter().zip(outcomes) {
            results.push(result(*seq, *mutation_id, outcome, &mut gap));
        }
    }
    // After a gap or missing photos, every later entry waits for the one expected.
    for (seq, mutation_id, _, _) in &parsed[results.len()..] {
        results.push(PushResult {
            expected: gap,
            ..result_with(*seq, *mutation_id, PushStatus::Gap)
        });
    }
    let last_seq = state.db.device_last_seq(body.device).await?;
    Ok(Json(PushResponse { results, last_seq }))
}

/// A result with `status` and nothing else.
fn result_with(seq: u64, mutation_id: MutationId, status: PushStatus) -> PushResult {
    PushResult {
        seq,
        mutation_id,
        status,
        code: None,
        message: None,
        expected: None,
        photos: Vec::new(),
    }
}

/// The result of one settled entry; a gap or missing photos set `gap` to the sequence number
/// expected next.
fn result(
    seq: u64,
    mutation_id: MutationId,
    outcome: EntryOutcome,
    gap: &mut Option<u64>,
) -> PushResult {
    let result = |status| result_with(seq, mutation_id, status);
    match outcome {
        EntryOutcome::Accepted => result(PushStatus::Accepted),
        EntryOutcome::Duplicate => result(PushStatus::Duplicate),
        EntryOutcome::Rejected(rejection) => PushResult {
            code: Some(rejection.code),
            message: Some(rejection.message),
            ..result(PushStatus::Rejected)
        },
        EntryOutcome::MissingPhotos(photos) => {
            *gap = Some(seq);
            let list = photos
                .iter()
                .map(|hash| hash.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            PushResult {
                code: Some(RejectionCode::MissingPhoto),
                message: Some(format!("upload the photos first, then push again: {list}")),
                photos,
                ..result(PushStatus::MissingPhoto)
            }
        }
        EntryOutcome::Gap { expected } => {
            *gap = Some(expected);
            PushResult {
                expected: Some(expected),
                ..result(PushStatus::Gap)
            }
        }
    }
}

/// At most [`MAX_PUSH_ENTRIES`], sequence numbers from 1, strictly increasing.
fn check_batch(entries: &[EntryBody]) -> Result<(), ApiError> {
    if entries.len() > MAX_PUSH_ENTRIES {
        return Err(ApiError::BadBatch(format!(
            "{} entries; at most {MAX_PUSH_ENTRIES} per push",
            entries.len()
        )));
    }
    let mut previous = 0;
    for entry in entries {
        if entry.seq <= previous || i64::try_from(entry.seq).is_err() {
            return Err(ApiError::BadBatch(format!(
                "sequence number {} out of order: sequence numbers start at 1 and strictly increase",
                entry.seq
            )));
        }
        previous = entry.seq;
    }
    Ok(())
}
