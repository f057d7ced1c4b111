//! Session tokens: 256 random bits, URL-safe base64 on the wire, stored only as their SHA-256.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::{RngCore, rngs::OsRng};
use sha2::{Digest, Sha256};
use std::fmt;

/// How many random bytes a token carries.
const TOKEN_BYTES: usize = 32;

/// A session token as the client holds it. Never stored, never logged (`Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// A new token from the operating system's random source.
    pub fn generate() -> SessionToken {
        let mut bytes = [0u8; TOKEN_BYTES];
        OsRng.fill_bytes(&mut bytes);
        SessionToken(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token as sent by a client: exactly what [`generate`](SessionToken::generate) makes.
    pub fn parse(text: &str) -> Option<SessionToken> {
        let decoded = URL_SAFE_NO_PAD.decode(text).ok()?;
        (decoded.len() == TOKEN_BYTES).then(|| SessionToken(text.to_owned()))
    }

    /// The token's text, to give to the client once.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database stores instead of the token.
    pub fn hash(&self) -> TokenHash {
        TokenHash(format!("{:x}", Sha256::digest(self.0.as_bytes())))
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(***)")
    }
}

/// The lowercase hex SHA-256 of a [`SessionToken`]: the key of its row in `sessions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits_in_url_safe_text() {
        let token = SessionToken::generate();
        assert_eq!(token.as_str().len(), 43);
        assert!(
            token
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(token, SessionToken::generate());
        assert_eq!(SessionToken::parse(token.as_str()), Some(token.clone()));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }

    #[test]
    fn only_well_formed_tokens_parse() {
        assert_eq!(SessionToken::parse(""), None);
        assert_eq!(SessionToken::parse("abc"), None);
        assert_eq!(SessionToken::parse(&"A".repeat(44)), None);
        assert_eq!(SessionToken::parse(&format!("{}=", "A".repeat(42))), None);
        assert!(SessionToken::parse(&"A".repeat(43)).is_some());
    }

    #[test]
    fn the_hash_is_the_hex_sha256_of_the_token_text() {
        let token = SessionToken::parse(&"A".repeat(43)).unwrap();
        let hash = token.hash();
        assert_eq!(hash.as_str().len(), 64);
        assert_eq!(
            hash.as_str(),
            format!("{:x}", Sha256::digest("A".repeat(43).as_bytes()))
        );
        assert!(!hash.as_str().contains(token.as_str()));
    }
}
