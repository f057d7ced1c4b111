//! `GET /api/templates`: every checklist template with its items (the built-in ones for now).

use anxun_domain::api::{TEMPLATES_PATH, TemplatesResponse};
use axum::Json;

/// Every checklist template with its items.
#[utoipa::path(
    get,
    operation_id = "templates",
    path = TEMPLATES_PATH,
    tag = "templates",
    responses((status = 200, description = "The templates, one per area", body = TemplatesResponse))
)]
pub async fn get() -> Json<TemplatesResponse> {
    Json(TemplatesResponse::builtin())
}
