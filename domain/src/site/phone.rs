//! Telephone numbers of responsible persons.

use std::fmt;

/// A mainland China telephone number, normalised to digits only.
///
/// Accepts mobile numbers (`1[3-9]` + 9 digits), landlines with area code (`0` + 9 to 11
/// digits, such as `021-6432 1234`) and 8-digit Shanghai local numbers, which are stored with
/// the `021` area code. Spaces, `-`, parentheses and a `+86`/`0086` prefix are removed.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Normalises and checks the number.
    pub fn parse(text: &str) -> Result<PhoneNumber, PhoneNumberError> {
        let mut digits = String::new();
        let trimmed = text.trim();
        let body = trimmed
            .strip_prefix("+86")
            .or_else(|| trimmed.strip_prefix("0086"))
            .unwrap_or(trimmed);
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '\u{FF08}' | '\u{FF09}' => {}
                _ => return Err(PhoneNumberError(text.to_owned())),
            }
        }
        let b = digits.as_bytes();
        let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
        let landline = (10..=12).contains(&b.len()) && b[0] == b'0' && b[1] != b'0';
        let local = b.len() == 8 && b[0] != b'0' && b[0] != b'1';
        if mobile || landline {
            Ok(PhoneNumber(digits))
        } else if local {
            Ok(PhoneNumber(format!("021{digits}")))
        } else {
            Err(PhoneNumberError(text.to_owned()))
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PhoneNumber::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

/// The text was not a telephone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a mobile or landline number")]
pub struct PhoneNumberError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        assert_eq!(
            PhoneNumber::parse("+86 138-0013-8000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            PhoneNumber::parse("(021) 6432 1234").unwrap().as_str(),
            "02164321234"
        );
        assert_eq!(
            PhoneNumber::parse("64321234").unwrap().as_str(),
            "02164321234"
        );
        assert!(PhoneNumber::parse("12345").is_err());
        assert!(PhoneNumber::parse("1380013800x").is_err());
        assert!(PhoneNumber::parse("12800138000").is_err());
    }
}
