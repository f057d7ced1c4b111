//! `GET /api/exports/hazards.xlsx`: the ledger as an Excel workbook: one sheet 隐患台账, the
//! headers of standards.md §4, real dates (Shanghai time), photo links. Written in
//! rust_xlsxwriter's constant-memory mode on a blocking thread that reads the rows chunk by
//! chunk, into a temporary directory; the finished file is then streamed from disk and
//! removed.

use crate::{
    auth::SupervisorUser,
    error::{ApiError, ErrorBody},
    ledger::{Cell, EXPORT_HEADERS, export_row},
    state::AppState,
};
use anxun_domain::{
    api::ledger::{EXPORT_HAZARDS_XLSX_PATH, LedgerFilter, LedgerQuery},
    region::Scope,
    shanghai,
};
use axum::{
    body::Body,
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderMap, header},
    response::IntoResponse,
};
use chrono::Utc;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

const MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[utoipa::path(
    get,
    operation_id = "export_hazards_xlsx",
    path = EXPORT_HAZARDS_XLSX_PATH,
    tag = "exports",
    security(("bearer" = [])),
    params(LedgerQuery),
    responses(
        (status = 200, description = "The ledger as XLSX, in report order (oldest first); page and per_page are ignored",
            content((inline(crate::openapi::Binary) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
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
    let dir = tempfile::tempdir().map_err(|e| anyhow::anyhow!("temporary directory: {e}"))?;
    let path = dir.path().join("hazards.xlsx");
    let runtime = tokio::runtime::Handle::current();
    let scope = user.scope.clone();
    let target = path.clone();
    let tempdir = dir.path().to_owned();
    tokio::task::spawn_blocking(move || {
        write_workbook(&runtime, &state, &scope, &filter, &base, &tempdir, &target)
    })
    .await
    .map_err(|e| anyhow::anyhow!("export task: {e}"))??;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| anyhow::anyhow!("reading the export: {e}"))?;
    let length = file
        .metadata()
        .await
        .map_err(|e| anyhow::anyhow!("reading the export: {e}"))?
        .len();
    // The open file stays readable once its directory is removed (Unix).
    drop(dir);
    Ok((
        [
            (header::CONTENT_TYPE, MIME.to_owned()),
            (header::CONTENT_DISPOSITION, super::disposition("xlsx")),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    ))
}

fn xlsx(e: XlsxError) -> ApiError {
    anyhow::anyhow!("writing the workbook: {e}").into()
}

/// Writes the workbook at `target`, reading rows chunk by chunk (on a blocking thread).
fn write_workbook(
    runtime: &tokio::runtime::Handle,
    state: &AppState,
    scope: &Scope,
    filter: &LedgerFilter,
    base: &str,
    tempdir: &std::path::Path,
    target: &std::path::Path,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let mut workbook = Workbook::new();
    workbook.set_tempdir(tempdir).map_err(xlsx)?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let wrap = Format::new().set_text_wrap();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx)?;
    sheet.set_name("隐患台账").map_err(xlsx)?;
    for (col, header) in (0u16..).zip(EXPORT_HEADERS) {
        sheet
            .write_string_with_format(0, col, header, &bold)
            .map_err(xlsx)?;
        let width = match header {
            "现状描述" | "整改前照片" | "整改后照片" | "检查项" => 40.0,
            "单位名称" | "地址" | "整改要求" | "整改措施" => 24.0,
            "上报时间" | "整改期限" | "督办期限" | "复查时间" | "销号时间" => {
                17.0
            }
            _ => 12.0,
        };
        sheet.set_column_width(col, width).map_err(xlsx)?;
    }
    let mut row_number: u32 = 1;
    let mut after = None;
    loop {
        let chunk =
            runtime.block_on(
                state
                    .db
                    .export_chunk(scope, filter, after, super::CHUNK, now),
            )?;
        for (row, hazard) in &chunk {
            for (col, cell) in (0u16..).zip(export_row(row, hazard, base, now)) {
                match cell {
                    Cell::Empty => {}
                    Cell::Text(text) if text.contains('\n') => {
                        sheet
                            .write_string_with_format(row_number, col, &text, &wrap)
                            .map_err(xlsx)?;
                    }
                    Cell::Text(text) => {
                        sheet.write_string(row_number, col, &text).map_err(xlsx)?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(row_number, col, n).map_err(xlsx)?;
                    }
                    Cell::Time(t) => {
                        let local = t.with_timezone(&shanghai::offset()).naive_local();
                        sheet
                            .write_datetime_with_format(row_number, col, local, &date)
                            .map_err(xlsx)?;
                    }
                }
            }
            row_number += 1;
        }
        if chunk.len() < super::CHUNK as usize {
            break;
        }
        after = chunk.last().map(|(row, _)| (row.reported_at, row.id));
    }
    workbook.save(target).map_err(xlsx)?;
    Ok(())
}
