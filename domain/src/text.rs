//! Free text that must not be empty: names, addresses, reasons.

use std::fmt;

/// Trimmed, non-empty text of at most [`Text::MAX_CHARS`] characters.
///
/// Used wherever the ledger needs a real answer (a reason for a transition, a site name,
/// a description), so that "" and "   " cannot slip through.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Text(String);

impl Text {
    /// The longest text accepted, in characters.
    pub const MAX_CHARS: usize = 4000;

    /// Trims and checks the text.
    pub fn parse(text: &str) -> Result<Text, TextError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty);
        }
        let chars = trimmed.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(TextError::TooLong(chars));
        }
        Ok(Text(trimmed.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Text {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Text::parse(&value)
    }
}

impl From<Text> for String {
    fn from(value: Text) -> Self {
        value.0
    }
}

/// Why a [`Text`] was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but whitespace.
    #[error("text is empty")]
    Empty,
    /// Longer than [`Text::MAX_CHARS`].
    #[error("text has {0} characters (at most 4000 allowed)")]
    TooLong(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_rejects_blank() {
        assert_eq!(Text::parse("  占用通道 ").unwrap().as_str(), "占用通道");
        assert_eq!(Text::parse(" \n "), Err(TextError::Empty));
        assert!(Text::parse(&"字".repeat(4001)).is_err());
    }
}
