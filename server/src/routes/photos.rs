//! Photos by the SHA-256 of their bytes: `HEAD` (is it stored?), `PUT` (upload, idempotent),
//! `GET` (the bytes). Any signed-in user may use them for now; who may see which photo comes
//! with the authorization matrix.

pub mod get;
pub mod head;
pub mod put;

use crate::error::ApiError;
use anxun_domain::photo::Sha256Hex;
use axum::extract::{Path, rejection::PathRejection};

/// The `{sha256}` path segment, parsed.
fn hash(path: Result<Path<String>, PathRejection>) -> Result<Sha256Hex, ApiError> {
    let Path(name) = path?;
    Ok(Sha256Hex::parse(&name)?)
}
