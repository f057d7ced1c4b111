//! `GET /api/exports/hazards.csv`: the ledger as CSV (UTF-8 with a BOM, so that Excel reads
//! the Chinese), one row per hazard with the headers of standards.md §4, streamed chunk by
//! chunk.

use crate::{
    auth::SupervisorUser,
    error::{ApiError, ErrorBody},
    ledger::{Cell, EXPORT_HEADERS, export_row},
    state::AppState,
};
use anxun_domain::{
    api::ledger::{EXPORT_HAZARDS_CSV_PATH, LedgerQuery},
    ids::HazardId,
};
use axum::{
    body::Body,
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderMap, header},
    response::IntoResponse,
};
use bytes::Bytes;
use chrono::{DateTime, Utc};

#[utoipa::path(
    get,
    operation_id = "export_hazards_csv",
    path = EXPORT_HAZARDS_CSV_PATH,
    tag = "exports",
    security(("bearer" = [])),
    params(LedgerQuery),
    responses(
        (status = 200, description = "The ledger as CSV, UTF-8 with BOM, in report order (oldest first); page and per_page are ignored",
            content((inline(crate::openapi::Binary) = "text/csv"))),
        (status = 400, description = "`bad_query`: a parameter does not parse (the message names it)", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: inspectors use the field app", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    SupervisorUser(user): SupervisorUser,
    headers: HeaderMap,
    query: Result<Query<LedgerQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(query) = query?;
    let filter = super::filter(&query)?;
    let base = super::base_url(&headers);
    let now = Utc::now();
    struct Cursor {
        after: Option<(DateTime<Utc>, HazardId)>,
        started: bool,
        done: bool,
    }
    let start = Cursor {
        after: None,
        started: false,
        done: false,
    };
    let stream = futures_util::stream::unfold(start, move |mut cursor| {
        let state = state.clone();
        let scope = user.scope.clone();
        let filter = filter.clone();
        let base = base.clone();
        async move {
            if cursor.done {
                return None;
            }
            if !cursor.started {
                cursor.started = true;
                let mut head = "\u{FEFF}".as_bytes().to_vec();
                head.extend(csv_line(EXPORT_HEADERS.iter().map(|h| (*h).to_owned())));
                return Some((Ok::<Bytes, ApiError>(Bytes::from(head)), cursor));
            }
            let chunk = match state
                .db
                .export_chunk(&scope, &filter, cursor.after, super::CHUNK, now)
                .await
            {
                Ok(chunk) => chunk,
                Err(e) => {
                    cursor.done = true;
                    tracing::error!(error = %e, "CSV export failed");
                    return Some((Err(ApiError::from(e)), cursor));
                }
            };
            if chunk.len() < super::CHUNK as usize {
                cursor.done = true;
            }
            if chunk.is_empty() {
                return None;
            }
            let mut out = Vec::new();
            for (row, hazard) in &chunk {
                out.extend(csv_line(
                    export_row(row, hazard, &base, now).iter().map(Cell::to_csv),
                ));
            }
            cursor.after = chunk.last().map(|(row, _)| (row.reported_at, row.id));
            Some((Ok(Bytes::from(out)), cursor))
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, super::disposition("csv")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(stream),
    ))
}

/// One CSV record (RFC 4180 quoting, CRLF).
fn csv_line(fields: impl Iterator<Item = String>) -> Vec<u8> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fields: Vec<String> = fields.collect();
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(&fields);
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed() {
        let line = csv_line(
            [
                "a".to_owned(),
                "b,c".to_owned(),
                "d\"e".to_owned(),
                "多\n行".to_owned(),
            ]
            .into_iter(),
        );
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "a,\"b,c\",\"d\"\"e\",\"多\n行\"\r\n"
        );
    }
}
