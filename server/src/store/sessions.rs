//! Sessions: one row per sign-in, keyed by the SHA-256 of its token (never the token).

use super::{
    Db, StoreError,
    accounts::{StoredUser, user_columns},
    on_pool,
};
use anxun_domain::ids::UserId;
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A session to insert.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    /// Hex SHA-256 of the token.
    pub token_hash: &'a str,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A stored session with its user, as an authenticated request needs it.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub user: StoredUser,
}

impl Db {
    /// Inserts a session.
    pub async fn insert_session(&self, session: &NewSession<'_>) -> Result<(), StoreError> {
        let _turn = self.write_gate().await;
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(session.token_hash)
            .bind(session.user_id.as_uuid())
            .bind(session.created_at)
            .bind(session.expires_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The session with this token hash and its user, if any (expired and revoked ones too).
    pub async fn session_by_token_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<StoredSession>, StoreError> {
        const QUERY: &str = "SELECT s.expires_at, s.revoked_at, \
                             u.id, u.username, u.display_name, u.role, u.scope, u.password_hash, u.disabled \
                             FROM sessions s JOIN users u ON u.id = s.user_id \
                             WHERE s.token_hash = $1";
        let row = on_pool!(self, pool => {
            match sqlx::query(QUERY).bind(token_hash).fetch_optional(pool).await? {
                None => None,
                Some(row) => Some((
                    row.try_get::<DateTime<Utc>, _>(0)?,
                    row.try_get::<Option<DateTime<Utc>>, _>(1)?,
                    user_columns(&row, 2)?,
                )),
            }
        });
        let Some((expires_at, revoked_at, user)) = row else {
            return Ok(None);
        };
        Ok(Some(StoredSession {
            expires_at,
            revoked_at,
            user: user.into_user()?,
        }))
    }

    /// Revokes a session; revoking it again changes nothing.
    pub async fn revoke_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(token_hash)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}
