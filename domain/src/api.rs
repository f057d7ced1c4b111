//! Wire DTOs and route paths shared by the server and the app. The same JSON is stored in
//! IndexedDB and sent over HTTP. Model types that appear here serialise with stable,
//! snake_case field names; their deserialisation re-checks every newtype.

pub mod ledger;
pub mod stats;

use crate::{
    ids::{DeviceId, MutationId, SiteId, UserId},
    region::Scope,
    role::Role,
    sync::OutboxEntry,
    template::Template,
};
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

/// `POST`: push outbox entries with a [`PushRequest`]; answers a [`PushResponse`].
pub const SYNC_PUSH_PATH: &str = "/api/sync/push";

/// `GET`: what changed in the signed-in user's scope after a cursor,
/// `/api/sync/pull?cursor=<n>&limit=<n>`; answers a [`PullResponse`]. `cursor` 0 (or none)
/// starts from the beginning.
pub const SYNC_PULL_PATH: &str = "/api/sync/pull";

/// The most changes one pull page carries (and the default `limit`).
pub const MAX_PULL_CHANGES: usize = 500;

/// `GET`: this API, described as an OpenAPI 3 document (generated from the server's code).
pub const OPENAPI_PATH: &str = "/api/openapi.json";

/// `GET`: the users an administrator manages, as a [`UsersResponse`]; `POST`: create a user
/// with a [`CreateUserRequest`], answering the [`UserSummary`]. Administrators only.
pub const ADMIN_USERS_PATH: &str = "/api/admin/users";

/// `POST` (administrators): publish a new version of a checklist template, as the TOML file
/// (`Content-Type: application/toml`, the format of `domain/templates/`) or as the JSON of a
/// [`Template`]. Devices receive it with their next pull.
pub const ADMIN_TEMPLATES_PATH: &str = "/api/admin/templates";

/// `POST`: import sites from a registry spreadsheet (the body is the CSV or XLSX file;
/// `?dry_run=true` checks without writing); answers a [`SiteImportReport`]. Administrators
/// only.
pub const ADMIN_SITES_IMPORT_PATH: &str = "/api/admin/sites/import";

/// The largest site registry file the import accepts (10 MiB).
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// The shortest password an administrator may give a new account, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// `HEAD`, `PUT` and `GET` one photo by the SHA-256 of its bytes: `/api/photos/{sha256}`.
pub const PHOTO_PATH: &str = "/api/photos/{sha256}";

/// The path of one photo.
pub fn photo_path(hash: &crate::photo::Sha256Hex) -> String {
    format!("/api/photos/{hash}")
}

/// The largest photo the server accepts (25 MiB).
pub const MAX_PHOTO_BYTES: usize = 25 * 1024 * 1024;

/// The most entries one push may carry.
pub const MAX_PUSH_ENTRIES: usize = 200;

/// Body of `POST /api/auth/login`.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Body of `POST /api/sync/push`: a device's outbox entries, in sequence order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct PushRequest {
    /// [`crate::sync::PROTOCOL_VERSION`].
    pub proto_v: u32,
    /// The device the outbox belongs to.
    pub device: DeviceId,
    /// At most [`MAX_PUSH_ENTRIES`], with strictly increasing `seq`.
    pub entries: Vec<OutboxEntry>,
}

/// Body of a successful push: one result per entry, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct PushResponse {
    /// One per entry.
    pub results: Vec<PushResult>,
    /// The device's last sequence number the server has settled (accepted or rejected).
    pub last_seq: u64,
}

/// Query of `GET /api/sync/pull`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "snake_case")]
pub struct PullQuery {
    /// The cursor of the last page applied (0: from the beginning).
    #[serde(default)]
    pub cursor: u64,
    /// At most this many changes (capped at [`MAX_PULL_CHANGES`]).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One page of changes for the user's scope, in the server's commit order. The device applies
/// the page and stores `cursor` in one transaction, then pulls again while `more`.
///
/// A change is listed once per page even if it happened several times (a site edited twice
/// is sent once, as it is now); hazard events are listed in arrival order, which is the
/// order the server applied them in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct PullResponse {
    /// Send this as `cursor` next time. Never smaller than the cursor sent.
    pub cursor: u64,
    /// Whether more changes follow (pull again at once).
    pub more: bool,
    /// Sites created or changed, as they are now.
    #[serde(default)]
    pub sites: Vec<crate::site::Site>,
    /// Sites deleted.
    #[serde(default)]
    pub deleted_sites: Vec<crate::ids::SiteId>,
    /// Hazard events accepted, in arrival order (the first event of a hazard is its report).
    #[serde(default)]
    pub hazard_events: Vec<crate::hazard::HazardEvent>,
    /// Checklist template versions published (by an administrator) since the cursor, for every
    /// user whatever their scope. The device keeps every version: inspections made with an
    /// older one still show their items; new inspections use the newest.
    #[serde(default)]
    pub templates: Vec<Template>,
}

/// Body of `POST /api/admin/users`: a new account.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct CreateUserRequest {
    /// 3 to 32 lowercase ASCII letters, digits, `-` or `_`, starting with a letter (surrounding
    /// spaces are removed and letters lowercased, as at sign-in).
    pub username: String,
    /// The name shown to people.
    pub display_name: String,
    /// At least [`MIN_PASSWORD_CHARS`] characters; stored only as an argon2id hash.
    pub password: String,
    /// What the user may do.
    pub role: Role,
    /// The part of the city the user may act on: known regions, within the administrator's
    /// own scope.
    pub scope: Scope,
}

impl fmt::Debug for CreateUserRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateUserRequest")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("password", &"***")
            .field("role", &self.role)
            .field("scope", &self.scope)
            .finish()
    }
}

/// An account as administrators see it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct UserSummary {
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
    /// A disabled user cannot sign in.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

/// Body of `GET /api/admin/users`: the accounts whose scope lies within the administrator's,
/// by username.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct UsersResponse {
    /// The users.
    pub users: Vec<UserSummary>,
}

/// Body of `POST /api/admin/sites/import`: what each row of the file did (or would do, in a
/// dry run). Valid rows are written (all in one transaction) unless `dry_run`; invalid rows
/// are only reported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct SiteImportReport {
    /// Whether this was a dry run: nothing was written.
    pub dry_run: bool,
    /// Rows that create a site.
    pub created: u32,
    /// Rows that update an existing site.
    pub updated: u32,
    /// Rows with errors (not written).
    pub invalid: u32,
    /// One per data row, in file order.
    pub rows: Vec<SiteImportRow>,
}

/// What one row of an imported registry did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct SiteImportRow {
    /// The row's line in the file (the header is line 1), as the spreadsheet numbers it.
    pub row: u32,
    /// The outcome.
    pub status: ImportRowStatus,
    /// The site created or updated (absent for an invalid row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteId>,
    /// The row's 名称, as given (to find the row again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What is wrong, one entry per field (only for an invalid row).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ImportFieldError>,
}

/// The outcome of one imported row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportRowStatus {
    /// A new site (created, or to be created in a dry run).
    Created,
    /// An existing site (updated, or to be updated in a dry run).
    Updated,
    /// Not written: see the errors.
    Invalid,
}

/// One field of an imported row that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ImportFieldError {
    /// The field's stable key (`name`, `credit_code`, `address`, `district`, `street`, `grid`,
    /// `areas`, `site_type`, `contact`, `phone`, `id`).
    pub field: String,
    /// The column's header as written in the file (absent when the column is missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// What is wrong, for people.
    pub message: String,
}

/// What happened to one outbox entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct PushResult {
    /// The entry's sequence number.
    pub seq: u64,
    /// The entry's mutation id.
    pub mutation_id: MutationId,
    /// The outcome.
    pub status: PushStatus,
    /// Why it was rejected (only with [`PushStatus::Rejected`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<RejectionCode>,
    /// The reason, for people (only with [`PushStatus::Rejected`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The sequence number the server expects next (only with [`PushStatus::Gap`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
    /// The photos to upload before pushing the entry again (only with
    /// [`PushStatus::MissingPhoto`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<crate::photo::Sha256Hex>,
}

/// The outcome of one outbox entry. Every status but `gap` and `missing_photo` is final: the
/// entry leaves the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// Applied now.
    Accepted,
    /// Applied by an earlier push (a retry); nothing was applied again.
    Duplicate,
    /// Not applied, for good: shown to the user against the record.
    Rejected,
    /// Not looked at: an earlier sequence number is missing. Push again from `expected`.
    Gap,
    /// Not applied yet, and not final: the entry references photos the server does not hold
    /// (listed in `photos`, code [`RejectionCode::MissingPhoto`]). The device's sequence does
    /// not advance and every later entry of the push answers `gap`: upload the photos
    /// (`PUT /api/photos/{sha256}`), then push the same entry again.
    MissingPhoto,
}

/// Why the server rejected a mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectionCode {
    /// The record lies outside the user's scope.
    OutOfScope,
    /// The user is not the inspection's inspector or the event's actor.
    NotAuthor,
    /// The site does not exist (any more).
    UnknownSite,
    /// The inspection is completed and can no longer change.
    InspectionCompleted,
    /// The hazard event is not valid in the hazard's current state (see
    /// [`crate::hazard::lifecycle`]).
    InvalidTransition,
    /// The site is referred to by inspections or hazards.
    InUse,
    /// The mutation is malformed or refers to something unknown.
    Invalid,
    /// The mutation references photos the server does not hold. Only with
    /// [`PushStatus::MissingPhoto`]: never final, never stored.
    MissingPhoto,
}

impl RejectionCode {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            RejectionCode::OutOfScope => "out_of_scope",
            RejectionCode::NotAuthor => "not_author",
            RejectionCode::UnknownSite => "unknown_site",
            RejectionCode::InspectionCompleted => "inspection_completed",
            RejectionCode::InvalidTransition => "invalid_transition",
            RejectionCode::InUse => "in_use",
            RejectionCode::Invalid => "invalid",
            RejectionCode::MissingPhoto => "missing_photo",
        }
    }

    /// Reads a stable code.
    pub fn parse(code: &str) -> Option<RejectionCode> {
        [
            RejectionCode::OutOfScope,
            RejectionCode::NotAuthor,
            RejectionCode::UnknownSite,
            RejectionCode::InspectionCompleted,
            RejectionCode::InvalidTransition,
            RejectionCode::InUse,
            RejectionCode::Invalid,
            RejectionCode::MissingPhoto,
        ]
        .into_iter()
        .find(|c| c.code() == code)
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

    #[test]
    fn push_results_leave_out_empty_fields_and_codes_round_trip() {
        let result = PushResult {
            seq: 3,
            mutation_id: MutationId::from_uuid(uuid::Uuid::nil()),
            status: PushStatus::Gap,
            code: None,
            message: None,
            expected: Some(2),
            photos: Vec::new(),
        };
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"seq": 3, "mutation_id": uuid::Uuid::nil(), "status": "gap", "expected": 2})
        );
        assert_eq!(serde_json::from_value::<PushResult>(json).unwrap(), result);
        let code = RejectionCode::InvalidTransition;
        assert_eq!(serde_json::to_value(code).unwrap(), code.code());
        assert_eq!(RejectionCode::parse(code.code()), Some(code));
    }
}
