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
                Some(row) => Some(user_columns(&row, 0)?),
            }
        });
        row.map(UserColumns::into_user).transpose()
    }

    /// Every user with the time the account was created, by username.
    pub async fn users(&self) -> Result<Vec<(StoredUser, DateTime<Utc>)>, StoreError> {
        const QUERY: &str = "SELECT id, username, display_name, role, scope, password_hash, disabled, created_at \
                             FROM users ORDER BY username";
        let rows = on_pool!(self, pool => {
            sqlx::query(QUERY)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|row| Ok((user_columns(row, 0)?, row.try_get::<DateTime<Utc>, _>(7)?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        rows.into_iter()
            .map(|(columns, created_at)| Ok((columns.into_user()?, created_at)))
            .collect()
    }

    /// Disables or re-enables a user: a disabled user cannot sign in, and their sessions stop
    /// working.
    pub async fn set_user_disabled(&self, id: UserId, disabled: bool) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
                .bind(id.as_uuid())
                .bind(disabled)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

/// The columns `id, username, display_name, role, scope, password_hash, disabled` of `users`,
/// as read, before they are checked.
pub(super) struct UserColumns {
    id: uuid::Uuid,
    username: String,
    display_name: String,
    role: String,
    scope: String,
    password_hash: String,
    disabled: bool,
}

/// Reads the user columns starting at column `first`, on either backend.
pub(super) fn user_columns<'r, R>(row: &'r R, first: usize) -> Result<UserColumns, sqlx::Error>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    uuid::Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(UserColumns {
        id: row.try_get(first)?,
        username: row.try_get(first + 1)?,
        display_name: row.try_get(first + 2)?,
        role: row.try_get(first + 3)?,
        scope: row.try_get(first + 4)?,
        password_hash: row.try_get(first + 5)?,
        disabled: row.try_get(first + 6)?,
    })
}

impl UserColumns {
    pub(super) fn into_user(self) -> Result<StoredUser, StoreError> {
        let role = match self.role.as_str() {
            "inspector" => Role::Inspector,
            "supervisor" => Role::Supervisor,
            "admin" => Role::Admin,
            other => return Err(StoreError::Corrupt(format!("unknown role `{other}`"))),
        };
        let scope =
            serde_json::from_str(&self.scope).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(StoredUser {
            id: UserId::from_uuid(self.id),
            username: self.username,
            display_name: self.display_name,
            role,
            scope,
            password_hash: self.password_hash,
            disabled: self.disabled,
        })
    }
}
