//! `POST /api/admin/templates`: publishes a new version of a checklist template. The body is
//! the template file (TOML, the format of `domain/templates/`, documented in
//! `domain/templates/README.md`) or the JSON of a template. It must pass the domain's checks
//! (`422 invalid_template`, naming every problem) and its publishing rules (`409`: a version,
//! once published, never changes; versions only grow; a template keeps its area). Every
//! device receives the new version with its next pull, whatever its user's scope; inspections
//! already made keep the version they were made with.
//!
//! Templates apply to the whole city, so only administrators whose scope is the city may
//! publish them.

use crate::{
    auth::AdminUser,
    error::{ApiError, ErrorBody},
    state::AppState,
};
use anxun_domain::{
    api::ADMIN_TEMPLATES_PATH,
    region::Scope,
    template::Template,
    templates::{Publish, parse_template, validate},
};
use axum::{
    Json,
    body::Bytes,
    extract::{State, rejection::BytesRejection},
    http::{HeaderMap, StatusCode, header},
};
use chrono::Utc;

/// The name used for the uploaded file in error messages.
const FILE_NAME: &str = "upload";

/// Publishes a template version.
#[utoipa::path(
    post,
    operation_id = "publish_template",
    path = ADMIN_TEMPLATES_PATH,
    tag = "admin",
    security(("bearer" = [])),
    request_body(
        description = "The template: its TOML file (`application/toml`) or its JSON (`application/json`)",
        content(
            (inline(crate::openapi::Binary) = "application/toml"),
            (Template = "application/json"),
        )
    ),
    responses(
        (status = 201, description = "Published: devices receive it with their next pull", body = Template),
        (status = 200, description = "This exact version was already published: nothing changed", body = Template),
        (status = 400, description = "`bad_file` (not UTF-8 text, or JSON of the wrong shape) or `bad_body`", body = ErrorBody),
        (status = 401, description = "`unauthorized` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not an administrator of the whole city", body = ErrorBody),
        (status = 409, description = "`version_taken` (this version exists with other content), `version_not_newer`, `area_changed` or `area_taken` (an area has one template)", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: send application/toml or application/json", body = ErrorBody),
        (status = 422, description = "`invalid_template`: the file breaks the template rules; the message names every problem and where", body = ErrorBody),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    if admin.scope != Scope::City {
        return Err(ApiError::Forbidden(
            "templates apply to the whole city: only an administrator of the city may publish them"
                .to_owned(),
        ));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).to_ascii_lowercase())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    let body = body?;
    let template = match essence.as_str() {
        "application/toml" | "text/toml" | "text/plain" => {
            let text = std::str::from_utf8(&body)
                .map_err(|_| ApiError::BadFile("the template file is not UTF-8 text".to_owned()))?;
            parse_template(FILE_NAME, text)?
        }
        "application/json" => {
            let template: Template = serde_json::from_slice(&body)
                .map_err(|e| ApiError::BadFile(format!("the template JSON: {e}")))?;
            validate(FILE_NAME, &template)?;
            template
        }
        _ => {
            return Err(ApiError::UnsupportedMediaType {
                found: content_type,
                expected: "application/toml or application/json",
            });
        }
    };
    let status = match state
        .db
        .publish_template(&template, admin.id, Utc::now())
        .await??
    {
        Publish::New => StatusCode::CREATED,
        Publish::AlreadyPublished => StatusCode::OK,
    };
    tracing::info!(
        admin = %admin.username,
        template = %template.reference(),
        published = status == StatusCode::CREATED,
        "template published"
    );
    Ok((status, Json(template)))
}
