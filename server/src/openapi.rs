//! The OpenAPI document (`GET /api/openapi.json`): what every endpoint takes and answers.
//!
//! Each handler carries its own `#[utoipa::path]`; [`crate::startup::api_routes`] registers
//! the handlers with `utoipa_axum::routes!`, which routes each one at the method and path of
//! its annotation and adds that operation to the document. [`ApiDoc`] holds what is shared:
//! the title, the tags, the bearer security scheme and the schemas no handler names (the
//! pull contract, served once its route exists).

use crate::error::ErrorBody;
use utoipa::{
    Modify, OpenApi,
    openapi::{
        RefOr, Schema,
        schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type},
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

/// The name of the security scheme: `Authorization: Bearer <session token>` (handlers write
/// it as the literal `security(("bearer" = []))`, which the attribute requires).
pub const BEARER: &str = "bearer";

/// The document's fixed parts; the paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "安巡 Anxun API",
        description = "The API of the Anxun inspection server. Errors are JSON `{code, message}` \
                       (`ErrorBody`): `code` is stable and machine-readable, `message` is for people. \
                       Endpoints marked with the `bearer` scheme need `Authorization: Bearer <token>` \
                       from `POST /api/auth/login`; without a valid session they answer 401 \
                       `unauthorized` (or `session_expired` once a session has ended). Any endpoint \
                       may answer 503 `database_unavailable`, and 500 `internal` when something \
                       unexpected fails."
    ),
    modifiers(&BearerScheme),
    components(schemas(
        ErrorBody,
        anxun_domain::api::PullQuery,
        anxun_domain::api::PullResponse,
    )),
    tags(
        (name = "meta", description = "Health and this document"),
        (name = "auth", description = "Signing in and out"),
        (name = "templates", description = "Checklist templates"),
        (name = "sync", description = "Offline sync: pushing a device's outbox"),
        (name = "photos", description = "Photos by the SHA-256 of their bytes"),
        (name = "admin", description = "Accounts and the site registry (administrators only)"),
        (name = "stats", description = "Statistics for the dashboard and the quarterly report (supervisors and administrators)"),
        (name = "ledger", description = "The hazard ledger, sites and inspection records (supervisors and administrators)"),
        (name = "exports", description = "The ledger as CSV and XLSX, streamed (supervisors and administrators)"),
    )
)]
pub struct ApiDoc;

/// Adds the bearer security scheme.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The session token from `POST /api/auth/login` (opaque, URL-safe)",
                    ))
                    .build(),
            ),
        );
    }
}

/// Raw bytes sent as the body itself (a photo, a spreadsheet): `{"type": "string", "format":
/// "binary"}`.
pub struct Binary;

impl utoipa::PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for Binary {}
