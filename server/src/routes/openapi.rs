//! `GET /api/openapi.json`: this API, described as an OpenAPI 3 document.

use anxun_domain::api::OPENAPI_PATH;
use axum::{Extension, Json};
use std::sync::Arc;
use utoipa::openapi::OpenApi;

/// The document, built once with the router.
#[derive(Clone)]
pub struct Document(pub Arc<OpenApi>);

/// The OpenAPI document of this API.
#[utoipa::path(
    get,
    operation_id = "openapi",
    path = OPENAPI_PATH,
    tag = "meta",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json", body = Object),
    )
)]
pub async fn get(Extension(Document(document)): Extension<Document>) -> Json<OpenApi> {
    Json(OpenApi::clone(&document))
}
