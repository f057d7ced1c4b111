//! Sign-in and sessions.
//!
//! Signing in checks the password against its argon2id hash (against a dummy hash when there
//! is no such user, so that both cases take about as long) and starts a session: a random
//! [`SessionToken`] given to the client once, stored only as its SHA-256. Requests then send it
//! as `Authorization: Bearer <token>`, and handlers that need a user take an [`AuthUser`].
//! Sign-in attempts are limited by [`rate_limit::SignInLimiter`].

pub mod rate_limit;
pub mod token;

use crate::{
    accounts::{hash_password, verify_password},
    error::ApiError,
    state::AppState,
    store::{
        Db, StoreError,
        accounts::StoredUser,
        sessions::{NewSession, StoredSession},
    },
};
use anxun_domain::{api::SignedInUser, ids::UserId, region::Scope, role::Role};
use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header, request::Parts},
};
use chrono::{DateTime, TimeDelta, Utc};
use std::sync::LazyLock;
use token::{SessionToken, TokenHash};

/// Passwords longer than this are refused without hashing them.
const MAX_PASSWORD_BYTES: usize = 1024;

/// A hash to check passwords against when the user does not exist.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password(&crate::accounts::generate_password()).unwrap_or_else(|error| {
        tracing::error!(%error, "cannot hash the dummy password");
        String::new()
    })
});

/// Computes the dummy hash now, so that the first sign-in of an unknown user is not faster.
pub fn prepare() {
    LazyLock::force(&DUMMY_HASH);
}

/// The user with this username and password, if the account exists, is enabled and the
/// password matches. The password is always checked, even when the answer is already known.
pub async fn verify_credentials(
    db: &Db,
    username: &str,
    password: String,
) -> Result<Option<StoredUser>, StoreError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Ok(None);
    }
    let user = db.user_by_username(username).await?;
    let hash = user
        .as_ref()
        .map_or_else(|| DUMMY_HASH.clone(), |user| user.password_hash.clone());
    // Argon2 takes tens of milliseconds of CPU: off the async workers.
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or_else(|error| {
            tracing::error!(%error, "password verification did not finish");
            false
        });
    Ok(user.filter(|user| matches && !user.disabled))
}

/// Starts a session for `user` that ends `lifetime` after `now`.
pub async fn start_session(
    db: &Db,
    user: UserId,
    lifetime: TimeDelta,
    now: DateTime<Utc>,
) -> Result<(SessionToken, DateTime<Utc>), StoreError> {
    let token = SessionToken::generate();
    let expires_at = now + lifetime;
    db.insert_session(&NewSession {
        token_hash: token.hash().as_str(),
        user_id: user,
        created_at: now,
        expires_at,
    })
    .await?;
    Ok((token, expires_at))
}

/// What a user looks like to the app.
pub fn signed_in_user(user: &StoredUser) -> SignedInUser {
    SignedInUser {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        scope: user.scope.clone(),
    }
}

/// The user behind a request's session token: extracting it answers `401 unauthorized` when
/// the token is missing, unknown or revoked or the user is disabled, and `401 session_expired`
/// when the session has ended (the app then asks to sign in again and keeps its data).
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    session: TokenHash,
}

impl AuthUser {
    /// The session the request was made with.
    pub fn session(&self) -> &TokenHash {
        &self.session
    }

    /// What the user looks like to the app.
    pub fn to_api(&self) -> SignedInUser {
        SignedInUser {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            scope: self.scope.clone(),
        }
    }

    /// Checks a stored session at `now`.
    fn from_session(
        session: StoredSession,
        hash: TokenHash,
        now: DateTime<Utc>,
    ) -> Result<AuthUser, ApiError> {
        if session.revoked_at.is_some() || session.user.disabled {
            return Err(ApiError::Unauthorized);
        }
        if session.expires_at <= now {
            return Err(ApiError::SessionExpired);
        }
        let user = session.user;
        Ok(AuthUser {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            role: user.role,
            scope: user.scope,
            session: hash,
        })
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let hash = token.hash();
        let session = state
            .db
            .session_by_token_hash(hash.as_str())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        AuthUser::from_session(session, hash, Utc::now())
    }
}

/// A signed-in administrator: extracting it answers like [`AuthUser`] without a valid session,
/// and `403 forbidden` for a signed-in user who is not an administrator.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if user.role != Role::Admin {
            return Err(ApiError::Forbidden(
                "only administrators may do this".to_owned(),
            ));
        }
        Ok(AdminUser(user))
    }
}

/// A signed-in supervisor or administrator (the ledger and the console): extracting it answers
/// like [`AuthUser`] without a valid session, and `403 forbidden` for an inspector (who uses
/// the field app).
#[derive(Debug, Clone)]
pub struct SupervisorUser(pub AuthUser);

impl FromRequestParts<AppState> for SupervisorUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if !user.role.is_supervisory() {
            return Err(ApiError::Forbidden(
                "only supervisors and administrators may use the ledger".to_owned(),
            ));
        }
        Ok(SupervisorUser(user))
    }
}

/// The token of an `Authorization: Bearer <token>` header, if it is well formed.
fn bearer_token(headers: &HeaderMap) -> Option<SessionToken> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    SessionToken::parse(token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(authorization).unwrap(),
        );
        headers
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        let token = SessionToken::generate();
        for value in [
            format!("Bearer {}", token.as_str()),
            format!("bearer {}", token.as_str()),
            format!("  BEARER   {} ", token.as_str()),
        ] {
            assert_eq!(
                bearer_token(&headers(&value)),
                Some(token.clone()),
                "{value}"
            );
        }
        for value in [
            format!("Basic {}", token.as_str()),
            token.as_str().to_owned(),
            "Bearer".to_owned(),
            "Bearer not-a-token".to_owned(),
        ] {
            assert_eq!(bearer_token(&headers(&value)), None, "{value}");
        }
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }

    fn session(expires_in: TimeDelta, revoked: bool, disabled: bool) -> StoredSession {
        let now = Utc::now();
        StoredSession {
            expires_at: now + expires_in,
            revoked_at: revoked.then_some(now),
            user: StoredUser {
                id: UserId::generate(),
                username: "li".into(),
                display_name: "Li".into(),
                role: Role::Inspector,
                scope: Scope::City,
                password_hash: String::new(),
                disabled,
            },
        }
    }

    fn check(session: StoredSession) -> Result<AuthUser, ApiError> {
        AuthUser::from_session(session, SessionToken::generate().hash(), Utc::now())
    }

    #[test]
    fn sessions_are_checked_for_revocation_expiry_and_disabled_users() {
        let day = TimeDelta::days(1);
        assert_eq!(check(session(day, false, false)).unwrap().username, "li");
        assert!(matches!(
            check(session(-day, false, false)),
            Err(ApiError::SessionExpired)
        ));
        for (expires, revoked, disabled) in
            [(day, true, false), (day, false, true), (-day, true, false)]
        {
            assert!(matches!(
                check(session(expires, revoked, disabled)),
                Err(ApiError::Unauthorized)
            ));
        }
    }
}
