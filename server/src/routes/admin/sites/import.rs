//! `POST /api/admin/sites/import`: a district's site registry (the body is the CSV or XLSX
//! file) in, a report per row out. Valid rows are written, all in one transaction, and invalid
//! rows are only reported, so an administrator fixes those rows and imports the file again
//! (rows already imported then update their sites instead of duplicating them). With
//! `?dry_run=true` nothing is written: the report says what would happen. See
//! [`crate::site_import`] for the columns and how rows are matched to existing sites.

use crate::{
    auth::AdminUser,
    error::{ApiError, ErrorBody},
    regions::RegionIndex,
    site_import::{self, Format, ImportError},
    state::AppState,
};
use anxun_domain::api::{
    ADMIN_SITES_IMPORT_PATH, ImportRowStatus, MAX_IMPORT_BYTES, SiteImportReport,
};
use axum::{
    Json,
    body::Bytes,
    extract::{Query, State, rejection::BytesRejection, rejection::QueryRejection},
    http::{HeaderMap, header},
};
use chrono::Utc;

/// The route's body limit (the file is counted exactly against [`MAX_IMPORT_BYTES`]).
pub const MAX_BODY_BYTES: usize = MAX_IMPORT_BYTES;

/// The query of the import.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Only check the file and report what would happen; write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// Imports sites from a registry spreadsheet and reports on every row.
#[utoipa::path(
    post,
    operation_id = "import_sites",
    path = ADMIN_SITES_IMPORT_PATH,
    tag = "admin",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(
        description = "The registry file, at most 10 MiB: CSV (UTF-8 or GB18030) or XLSX (the first worksheet). \
                       The header row names the columns: 名称, 地址, 区, 街道, 网格 and 行业/检查领域 are required; \
                       编号, 统一社会信用代码, 场所类型, 联系人 and 电话 are optional (English: id, name, credit_code, \
                       address, district, street, grid, areas, site_type, contact, phone)",
        content(
            (inline(crate::openapi::Binary) = "text/csv"),
            (inline(crate::openapi::Binary) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    ),
    responses(
        (status = 200, description = "One entry per row: `created`, `updated` or `invalid` with the errors per field; valid rows are written unless `dry_run`", body = SiteImportReport),
        (status = 400, description = "`bad_file` (the bytes are not a CSV or XLSX file), `bad_body` (the upload was interrupted) or `bad_query`", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not an administrator", body = ErrorBody),
        (status = 413, description = "`body_too_large`: more than 10 MiB", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: send text/csv or the XLSX type", body = ErrorBody),
        (status = 422, description = "`bad_sheet`: no header row, required columns missing, no rows, or more than 10,000 rows", body = ErrorBody),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    query: Result<Query<ImportQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<SiteImportReport>, ApiError> {
    let Query(query) = query?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .unwrap_or_default();
    let format =
        Format::from_content_type(&content_type).ok_or(ApiError::UnsupportedMediaType {
            found: content_type,
            expected: "text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })?;
    let body = body?;
    // Parsing a large workbook takes a while: off the async workers.
    let table = tokio::task::spawn_blocking(move || site_import::read_table(format, &body))
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))??;
    let regions = RegionIndex::new(state.db.regions().await?);
    let existing = state.db.sites().await?;
    let plan = site_import::plan(&table, &regions, &existing, &admin.scope)?;
    if !query.dry_run && !plan.writes.is_empty() {
        state.db.import_sites(&plan.writes, Utc::now()).await?;
    }
    let count = |status| {
        u32::try_from(plan.rows.iter().filter(|row| row.status == status).count())
            .unwrap_or(u32::MAX)
    };
    let report = SiteImportReport {
        dry_run: query.dry_run,
        created: count(ImportRowStatus::Created),
        updated: count(ImportRowStatus::Updated),
        invalid: count(ImportRowStatus::Invalid),
        rows: plan.rows,
    };
    tracing::info!(
        admin = %admin.username,
        dry_run = query.dry_run,
        created = report.created,
        updated = report.updated,
        invalid = report.invalid,
        "sites imported"
    );
    Ok(Json(report))
}

impl From<ImportError> for ApiError {
    fn from(error: ImportError) -> ApiError {
        match error {
            ImportError::Unreadable(message) => ApiError::BadFile(message),
            ImportError::Unusable(message) => ApiError::BadSheet(message),
        }
    }
}
