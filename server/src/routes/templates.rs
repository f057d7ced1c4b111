//! `GET /api/templates`: every checklist template with its items (the built-in ones for now).

use anxun_domain::api::TemplatesResponse;
use axum::Json;

pub async fn get() -> Json<TemplatesResponse> {
    Json(TemplatesResponse::builtin())
}
