//! `ApiError`: the one place where errors become HTTP responses.
//!
//! Bad input is a 4xx with a machine-readable `code` and a human `message`, and is not logged.
//! Anything unexpected is a 5xx: the cause chain is logged, the client gets a generic message.

use crate::{photos::PhotoError, store::StoreError};
use anxun_domain::photo::{Sha256Hex, Sha256HexError};
use axum::{
    Json,
    extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// The JSON body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable code, e.g. `not_found`; each response lists the codes it may
    /// carry.
    #[schema(example = "unauthorized")]
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// With `transition`: the domain's machine reason (`invalid_state`, `forbidden`,
    /// `reason_required`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such API endpoint: {0}")]
    NotFound(String),
    #[error("invalid JSON body: {0}")]
    BadJson(#[from] JsonRejection),
    #[error("invalid path: {0}")]
    BadPath(#[from] PathRejection),
    #[error("invalid query: {0}")]
    BadQuery(#[from] QueryRejection),
    /// A query string that parses but asks for something impossible.
    #[error("invalid query: {0}")]
    BadQueryValue(String),
    /// A request body that could not be read (too large, or interrupted).
    #[error("cannot read the request body: {0}")]
    BadBody(#[from] BytesRejection),
    /// Signed in, but the user's role or scope does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// A well-formed request whose values are not acceptable (the message names the field).
    #[error("{0}")]
    Invalid(String),
    /// An account with this username exists.
    #[error("the username `{0}` is taken")]
    UsernameTaken(String),
    /// An uploaded file that cannot be read as what its type says.
    #[error("cannot read the file: {0}")]
    BadFile(String),
    /// A hazard action the lifecycle does not allow now (the domain's reason).
    #[error("{message}")]
    Transition {
        reason: &'static str,
        message: String,
    },
    /// A readable spreadsheet that cannot be imported as a whole (missing columns, no rows).
    #[error("{0}")]
    BadSheet(String),
    #[error("the database is unavailable")]
    DatabaseUnavailable(#[source] sqlx::Error),
    #[error("the app is not built: run `cargo xtask build` or set --static-dir")]
    AppNotBuilt,
    /// Unknown user, wrong password or disabled account: the client is not told which.
    #[error("wrong username or password")]
    BadCredentials,
    /// Too many failed sign-ins; `retry_after` is in whole seconds.
    #[error("too many failed sign-in attempts; try again in {} minute(s)", retry_after.div_ceil(60))]
    TooManyAttempts { retry_after: u64 },
    /// No token, an unknown or revoked token, or a disabled account.
    #[error("sign in first: this request needs a valid session token (Authorization: Bearer)")]
    Unauthorized,
    /// A real session that has ended: the app signs in again and keeps its data.
    #[error("the session has expired; sign in again")]
    SessionExpired,
    /// The client speaks another version of the sync protocol.
    #[error("sync protocol version {0} is not supported; this server speaks version {1}")]
    UnsupportedProtocol(u32, u32),
    /// The device already belongs to another user.
    #[error(
        "this device is registered to another user; sign in as that user or reset the app's data"
    )]
    DeviceTaken,
    /// A push that breaks the protocol as a whole (too many entries, sequence out of order).
    #[error("invalid push: {0}")]
    BadBatch(String),
    /// A photo's name is not a SHA-256 digest.
    #[error("the photo's name must be the SHA-256 of its bytes: {0}")]
    BadHash(#[from] Sha256HexError),
    /// No photo with this hash is stored.
    #[error("no photo {0} is stored")]
    PhotoNotFound(Sha256Hex),
    /// A `Content-Type` the endpoint does not take.
    #[error("unsupported Content-Type `{found}`; send {expected}")]
    UnsupportedMediaType {
        found: String,
        expected: &'static str,
    },
    /// A refused upload, or a failing photo store.
    #[error(transparent)]
    Photo(#[from] PhotoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::BadJson(rejection) => (rejection.status(), "bad_json"),
            ApiError::BadPath(_) => (StatusCode::BAD_REQUEST, "bad_path"),
            ApiError::BadQuery(_) | ApiError::BadQueryValue(_) => {
                (StatusCode::BAD_REQUEST, "bad_query")
            }
            ApiError::BadBody(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
            }
            ApiError::BadBody(_) => (StatusCode::BAD_REQUEST, "bad_body"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::UsernameTaken(_) => (StatusCode::CONFLICT, "username_taken"),
            ApiError::Transition { .. } => (StatusCode::CONFLICT, "transition"),
            ApiError::BadFile(_) => (StatusCode::BAD_REQUEST, "bad_file"),
            ApiError::BadSheet(_) => (StatusCode::UNPROCESSABLE_ENTITY, "bad_sheet"),
            ApiError::DatabaseUnavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable")
            }
            ApiError::AppNotBuilt => (StatusCode::SERVICE_UNAVAILABLE, "app_not_built"),
            ApiError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            ApiError::TooManyAttempts { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
            }
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::SessionExpired => (StatusCode::UNAUTHORIZED, "session_expired"),
            ApiError::UnsupportedProtocol(..) => (StatusCode::BAD_REQUEST, "unsupported_protocol"),
            ApiError::DeviceTaken => (StatusCode::FORBIDDEN, "device_taken"),
            ApiError::BadBatch(_) => (StatusCode::BAD_REQUEST, "bad_batch"),
            ApiError::BadHash(_) => (StatusCode::BAD_REQUEST, "bad_hash"),
            ApiError::PhotoNotFound(_) => (StatusCode::NOT_FOUND, "photo_not_found"),
            ApiError::UnsupportedMediaType { .. }
            | ApiError::Photo(PhotoError::WrongType { .. }) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::Photo(PhotoError::TooLarge) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "photo_too_large")
            }
            ApiError::Photo(PhotoError::NotAnImage) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "not_an_image")
            }
            ApiError::Photo(PhotoError::HashMismatch { .. }) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "hash_mismatch")
            }
            ApiError::Photo(PhotoError::Body(_)) => (StatusCode::BAD_REQUEST, "bad_body"),
            ApiError::Photo(PhotoError::Store(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, "photo_store_unavailable")
            }
            ApiError::Photo(PhotoError::Staging(_) | PhotoError::Corrupt(_)) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
            ApiError::Store(StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_),
            )) => (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable"),
            ApiError::Store(_) | ApiError::Unexpected(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            // Never show the client what went wrong inside.
            ApiError::Store(_) if status == StatusCode::SERVICE_UNAVAILABLE => {
                "the database is unavailable".to_owned()
            }
            ApiError::Photo(_) if status == StatusCode::SERVICE_UNAVAILABLE => {
                "the photo store is unavailable".to_owned()
            }
            ApiError::Unexpected(_) | ApiError::Store(_) => {
                "internal error; it has been logged".to_owned()
            }
            ApiError::Photo(_) if status.is_server_error() => {
                "internal error; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let reason = match &self {
            ApiError::Transition { reason, .. } => Some(*reason),
            _ => None,
        };
        let retry_after = match &self {
            ApiError::TooManyAttempts { retry_after } => Some(HeaderValue::from(*retry_after)),
            _ => None,
        };
        if status.is_server_error() {
            tracing::error!(error = ?anyhow::Error::from(self), "request failed");
        }
        let mut response = (
            status,
            Json(ErrorBody {
                code,
                message,
                reason,
            }),
        )
            .into_response();
        if let Some(retry_after) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after);
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
