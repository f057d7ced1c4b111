//! Wire DTOs and route paths shared by the server and the app. The same JSON is stored in
//! IndexedDB and sent over HTTP. Model types that appear here serialise with stable,
//! snake_case field names; their deserialisation re-checks every newtype.

use crate::{ids::UserId, region::Scope, role::Role, template::Template};
use chrono::{DateTime, Utc};
use std::fmt;

/// `GET`: the server's health, version and storage backends.
pub const HEALTH_PATH: &str = "/api/health";

/// `GET`: every template with its items, as [`TemplatesResponse`].
pub const TEMPLATES_PATH: &str = "/api/templates";

/// `POST`: sign in with a [`LoginRequest`]; answers a [`LoginResponse`].
pub const LOGIN_PATH: &str = "/api/auth/login";

/// `POST`: revoke the session whose token is sent (`204 No Content`).
pub const LOGOUT_PATH: &str = "/api/auth/logout";

/// `GET`: the signed-in user, as a [`SignedInUser`].
pub const ME_PATH: &str = "/api/auth/me";

/// Body of `POST /api/auth/login`.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct LoginRequest {
    /// The username, as typed (the server ignores case and surrounding spaces).
    pub username: String,
    /// The password, as typed.
    pub password: String,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

/// Body of a successful sign-in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct LoginResponse {
    /// The session token, sent back as `Authorization: Bearer <token>`. Opaque and URL-safe.
    pub token: String,
    /// When the session ends; after that the server answers `401 session_expired`.
    pub expires_at: DateTime<Utc>,
    /// Who signed in.
    pub user: SignedInUser,
}

/// The user a session belongs to (body of `GET /api/auth/me`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct SignedInUser {
    /// The user's id.
    pub id: UserId,
    /// The username.
    pub username: String,
    /// The name shown to people.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// The part of the city the user may act on.
    pub scope: Scope,
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_request_never_prints_its_password() {
        let request: LoginRequest =
            serde_json::from_str(r#"{"username": "demo-inspector", "password": "hunter22"}"#)
                .unwrap();
        assert_eq!(request.password, "hunter22");
        let printed = format!("{request:?}");
        assert!(printed.contains("demo-inspector"));
        assert!(!printed.contains("hunter22"), "{printed}");
    }
}
