//! `GET /api/templates`: the current checklist templates with their items: for each, the
//! newest of the shipped version and the versions administrators published.

use crate::{error::ApiError, state::AppState, store::templates::known_templates};
use anxun_domain::{
    api::{TEMPLATES_PATH, TemplatesResponse},
    templates::current,
};
use axum::{Json, extract::State};

/// Every checklist template with its items.
#[utoipa::path(
    get,
    operation_id = "templates",
    path = TEMPLATES_PATH,
    tag = "templates",
    responses((status = 200, description = "The templates, one per area", body = TemplatesResponse))
)]
pub async fn get(State(state): State<AppState>) -> Result<Json<TemplatesResponse>, ApiError> {
    let published = state.db.published_templates().await?;
    Ok(Json(TemplatesResponse {
        templates: current(&known_templates(published)),
    }))
}
