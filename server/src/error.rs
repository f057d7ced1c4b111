//! `ApiError`: the one place where errors become HTTP responses.
//!
//! Bad input is a 4xx with a machine-readable `code` and a human `message`, and is not logged.
//! Anything unexpected is a 5xx: the cause chain is logged, the client gets a generic message.

use axum::{
    Json,
    extract::rejection::{JsonRejection, PathRejection, QueryRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// Stable, machine-readable code, e.g. `not_found`.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
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
    #[error("the database is unavailable")]
    DatabaseUnavailable(#[source] sqlx::Error),
    #[error("the app is not built: run `cargo xtask build` or set --static-dir")]
    AppNotBuilt,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::BadJson(rejection) => (rejection.status(), "bad_json"),
            ApiError::BadPath(_) => (StatusCode::BAD_REQUEST, "bad_path"),
            ApiError::BadQuery(_) => (StatusCode::BAD_REQUEST, "bad_query"),
            ApiError::DatabaseUnavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable")
            }
            ApiError::AppNotBuilt => (StatusCode::SERVICE_UNAVAILABLE, "app_not_built"),
            ApiError::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            // Never show the client what went wrong inside.
            ApiError::Unexpected(_) => "internal error; it has been logged".to_owned(),
            other => other.to_string(),
        };
        if status.is_server_error() {
            tracing::error!(error = ?anyhow::Error::from(self), "request failed");
        }
        (status, Json(ErrorBody { code, message })).into_response()
    }
}
