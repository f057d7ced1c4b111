//! Accounts: usernames that parse, argon2id password hashes, and the first administrator.

use crate::store::{Db, StoreError, accounts::NewUser};
use anxun_domain::{ids::UserId, region::Scope, role::Role};
use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use chrono::Utc;
use rand::{Rng, distributions::Alphanumeric};

/// A username: 3 to 32 lowercase ASCII letters, digits, `-` or `_`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Username, AccountError> {
        let ok = (3..=32).contains(&text.len())
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(Username(text.to_owned()))
        } else {
            Err(AccountError::BadUsername(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A random password of 20 letters and digits (about 119 bits).
pub fn generate_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

/// Creates an account.
pub async fn create_user(
    db: &Db,
    username: &Username,
    display_name: &str,
    role: Role,
    scope: &Scope,
    password: &str,
    is_demo: bool,
) -> Result<UserId, AccountError> {
    let id = UserId::generate();
    let password_hash = hash_password(password)?;
    let user = NewUser {
        id,
        username: username.as_str(),
        display_name,
        role,
        scope,
        password_hash: &password_hash,
        is_demo,
    };
    match db.insert_user(&user, Utc::now()).await {
        Err(StoreError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => {
            Err(AccountError::UsernameTaken(username.as_str().to_owned()))
        }
        Err(e) => Err(e.into()),
        Ok(()) => Ok(id),
    }
}

/// The first administrator, created on a database without users.
#[derive(Debug)]
pub struct FirstAdmin {
    pub username: String,
    /// Set when the password was generated and must be shown once.
    pub generated_password: Option<String>,
}

/// Creates the administrator `admin` if there is no user at all.
pub async fn ensure_first_admin(
    db: &Db,
    password: Option<&str>,
) -> Result<Option<FirstAdmin>, AccountError> {
    if db.user_count().await? > 0 {
        return Ok(None);
    }
    let generated = password.is_none().then(generate_password);
    let password = password.or(generated.as_deref()).unwrap_or_default();
    let username = Username::parse("admin")?;
    create_user(
        db,
        &username,
        "系统管理员 Administrator",
        Role::Admin,
        &Scope::City,
        password,
        false,
    )
    .await?;
    Ok(Some(FirstAdmin {
        username: username.as_str().to_owned(),
        generated_password: generated,
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(
        "`{0}` is not a valid username (3-32 lowercase letters, digits, - or _, starting with a letter)"
    )]
    BadUsername(String),
    #[error("the username `{0}` is taken")]
    UsernameTaken(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_parse() {
        assert!(Username::parse("demo-inspector").is_ok());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("Admin").is_err());
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("a b c").is_err());
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_eq!(generate_password().len(), 20);
    }
}
