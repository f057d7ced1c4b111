//! Users and their password hashes.

use super::{Db, StoreError, on_pool};
use anxun_domain::{ids::UserId, region::Scope, role::Role};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A user to insert; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub id: UserId,
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub scope: &'a Scope,
    pub password_hash: &'a str,
    pub is_demo: bool,
}

/// A stored user, as sign-in needs it.
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub password_hash: String,
    pub disabled: bool,
}

impl Db {
    /// Inserts a user.
    pub async fn insert_user(
        &self,
        user: &NewUser<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let scope =
            serde_json::to_string(user.scope).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO users (id, username, display_name, role, scope, password_hash, is_demo, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(user.id.as_uuid())
            .bind(user.username)
            .bind(user.display_name)
            .bind(user.role.code())
            .bind(&scope)
            .bind(user.password_hash)
            .bind(user.is_demo)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// How many users there are.
    pub async fn user_count(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?
        }))
    }

    /// The user with this username, if any.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<StoredUser>, StoreError> {
        const QUERY: &str = "SELECT id, username, display_name, role, scope, password_hash, disabled \
                             FROM users WHERE username = $1";
        let row = on_pool!(self, pool => {
            match sqlx::query(QUERY).bind(username).fetch_optional(pool).await? {
                None => None,
                Some(row) => Some((
                    row.try_get::<uuid::Uuid, _>(0)?,
                    row.try_get::<String, _>(1)?,
                    row.try_get::<String, _>(2)?,
                    row.try_get::<String, _>(3)?,
                    row.try_get::<String, _>(4)?,
                    row.try_get::<String, _>(5)?,
                    row.try_get::<bool, _>(6)?,
                )),
            }
        });
        let Some((id, username, display_name, role, scope, password_hash, disabled)) = row else {
            return Ok(None);
        };
        let role = match role.as_str() {
            "inspector" => Role::Inspector,
            "supervisor" => Role::Supervisor,
            "admin" => Role::Admin,
            other => return Err(StoreError::Corrupt(format!("unknown role `{other}`"))),
        };
        let scope = serde_json::from_str(&scope).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some(StoredUser {
            id: UserId::from_uuid(id),
            username,
            display_name,
            role,
            scope,
            password_hash,
            disabled,
        }))
    }
}
