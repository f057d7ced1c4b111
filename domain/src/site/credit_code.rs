//! The unified social credit code (统一社会信用代码), GB 32100-2015.

use std::fmt;

/// The 31 characters the code may use: digits and capital letters without I, O, Z, S, V.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1 to 17 (3^i mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// An 18-character unified social credit code whose check character (position 18) is right.
///
/// Layout: registration authority (1), organisation type (1), administrative division
/// code (6 digits), organisation code (9, its own check included), check character (1).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    /// Checks length, characters, the division code and the check character.
    /// Lowercase letters and surrounding spaces are accepted and normalised.
    pub fn parse(text: &str) -> Result<CreditCode, CreditCodeError> {
        let code = text.trim().to_ascii_uppercase();
        if code.chars().count() != 18 {
            return Err(CreditCodeError::Length(code.chars().count()));
        }
        let bytes = code.as_bytes();
        let mut values = [0u32; 18];
        for (i, b) in bytes.iter().enumerate() {
            values[i] = value_of(*b).ok_or(CreditCodeError::Character {
                position: i + 1,
                character: char::from(*b),
            })?;
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::DivisionCode);
        }
        let expected = check_char(&values[..17]);
        if bytes[17] != expected {
            return Err(CreditCodeError::Checksum {
                expected: char::from(expected),
                found: char::from(bytes[17]),
            });
        }
        Ok(CreditCode(code))
    }

    /// Completes 17 characters with their check character (handy for tests and fixtures).
    pub fn with_check_char(first17: &str) -> Result<CreditCode, CreditCodeError> {
        let upper = first17.trim().to_ascii_uppercase();
        let mut values = Vec::with_capacity(17);
        for (i, b) in upper.bytes().enumerate() {
            values.push(value_of(b).ok_or(CreditCodeError::Character {
                position: i + 1,
                character: char::from(b),
            })?);
        }
        if values.len() != 17 {
            return Err(CreditCodeError::Length(values.len() + 1));
        }
        let mut code = upper;
        code.push(char::from(check_char(&values)));
        CreditCode::parse(&code)
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value_of(b: u8) -> Option<u32> {
    CHARSET
        .iter()
        .position(|c| *c == b)
        .and_then(|p| u32::try_from(p).ok())
}

fn check_char(values: &[u32]) -> u8 {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    CHARSET[check as usize]
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CreditCode::parse(&value)
    }
}

impl From<CreditCode> for String {
    fn from(value: CreditCode) -> Self {
        value.0
    }
}

/// Why a unified social credit code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// Not 18 characters.
    #[error("a unified social credit code has 18 characters, not {0}")]
    Length(usize),
    /// A character outside the code's alphabet (I, O, Z, S, V are never used).
    #[error(
        "character `{character}` at position {position} is not allowed in a unified social credit code"
    )]
    Character {
        /// 1-based position.
        position: usize,
        /// The offending character.
        character: char,
    },
    /// Positions 3 to 8 must be the administrative division code.
    #[error("positions 3 to 8 of a unified social credit code must be digits (the division code)")]
    DivisionCode,
    /// The check character does not match.
    #[error("check character should be `{expected}`, found `{found}`")]
    Checksum {
        /// What the first 17 characters imply.
        expected: char,
        /// What was written.
        found: char,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_codes() {
        // Published example codes.
        for code in ["91350100M000100Y43", "91110000600037341L"] {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
        assert!(CreditCode::parse(" 91350100m000100y43 ").is_ok());
    }

    #[test]
    fn rejects_bad_codes() {
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(CreditCodeError::Checksum {
                expected: '3',
                found: '4'
            })
        );
        assert_eq!(
            CreditCode::parse("9135010"),
            Err(CreditCodeError::Length(7))
        );
        assert!(matches!(
            CreditCode::parse("91350100I000100Y43"),
            Err(CreditCodeError::Character { position: 9, .. })
        ));
    }

    #[test]
    fn completes_check_char() {
        let code = CreditCode::with_check_char("91350100M000100Y4").unwrap();
        assert_eq!(code.as_str(), "91350100M000100Y43");
    }
}
