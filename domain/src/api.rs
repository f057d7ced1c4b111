//! Wire DTOs and route paths shared by the server and the app. The same JSON is stored in
//! IndexedDB and sent over HTTP. Model types that appear here serialise with stable,
//! snake_case field names; their deserialisation re-checks every newtype.

use crate::template::Template;

/// `GET`: the server's health, version and storage backends.
pub const HEALTH_PATH: &str = "/api/health";

/// `GET`: every template with its items, as [`TemplatesResponse`].
pub const TEMPLATES_PATH: &str = "/api/templates";

/// Body of `GET /api/templates`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct TemplatesResponse {
    /// Templates, one per area (the newest version the server has).
    pub templates: Vec<Template>,
}

impl TemplatesResponse {
    /// The shipped templates ([`crate::templates::builtin`]).
    #[cfg(feature = "toml")]
    pub fn builtin() -> TemplatesResponse {
        TemplatesResponse {
            templates: crate::templates::builtin(),
        }
    }
}
