//! The ledger as files: CSV and XLSX with the ledger's filters (paging ignored), streamed.
//!
//! Rows are read in keyset chunks of [`CHUNK`] (report order, oldest first,
//! [`crate::store::Db::export_chunk`]) and written as they come, so the server holds one chunk
//! at a time whatever the number of rows: the CSV body is produced chunk by chunk; the XLSX
//! workbook is written by rust_xlsxwriter in constant-memory mode (each row goes to a
//! temporary file as it is written), then the finished file is streamed from disk.

pub mod csv;
pub mod xlsx;

use crate::error::ApiError;
use anxun_domain::api::ledger::{LedgerFilter, LedgerQuery};
use axum::http::{HeaderMap, header};

/// Rows per chunk read from the database.
pub const CHUNK: u32 = 500;

/// The filter of the export's query (`400 bad_query` when a parameter does not parse).
pub(crate) fn filter(query: &LedgerQuery) -> Result<LedgerFilter, ApiError> {
    query
        .parse()
        .map_err(|e| ApiError::BadQueryValue(e.to_string()))
}

/// `scheme://host` of the request, for absolute photo links (`X-Forwarded-Proto` when a proxy
/// says so, else `http`).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        })
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// `attachment; filename=...` with the Shanghai date, e.g. `隐患台账-2026-11-23.xlsx` (and an
/// ASCII fallback).
pub(crate) fn disposition(extension: &str) -> String {
    let day = anxun_domain::shanghai::date(chrono::Utc::now());
    let name = format!("隐患台账-{day}.{extension}");
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"hazards-{day}.{extension}\"; filename*=UTF-8''{encoded}")
}
