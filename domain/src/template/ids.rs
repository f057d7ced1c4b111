//! Identifier newtypes of templates.

use std::{cmp::Ordering, fmt};

/// A template id: lowercase ASCII letters, digits and `_`, starting with a letter, at most
/// 40 characters (for example `gas`).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct TemplateId(String);

impl TemplateId {
    /// Checks the id.
    pub fn parse(text: &str) -> Result<TemplateId, IdError> {
        let ok = text.len() <= 40
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(TemplateId(text.to_owned()))
        } else {
            Err(IdError::Template(text.to_owned()))
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A checklist item id: one capital letter and two or three digits (for example `G01`).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ItemId(String);

impl ItemId {
    /// Checks the id.
    pub fn parse(text: &str) -> Result<ItemId, IdError> {
        let b = text.as_bytes();
        let ok = (3..=4).contains(&b.len())
            && b[0].is_ascii_uppercase()
            && b[1..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(ItemId(text.to_owned()))
        } else {
            Err(IdError::Item(text.to_owned()))
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The leading letter (G, F or E for the shipped areas).
    pub fn prefix(&self) -> char {
        self.0.chars().next().unwrap_or('?')
    }
}

/// A GB 35181-2017 chapter 7 combined element (综合判定要素), such as `7.3.9` or `7.5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct CombinedClause {
    section: u8,
    clause: Option<u8>,
}

impl CombinedClause {
    /// Parses `7.<section>` or `7.<section>.<clause>`.
    pub fn parse(text: &str) -> Result<CombinedClause, IdError> {
        let err = || IdError::Clause(text.to_owned());
        let mut parts = text.split('.');
        if parts.next() != Some("7") {
            return Err(err());
        }
        let number = |p: Option<&str>| -> Result<Option<u8>, IdError> {
            match p {
                None => Ok(None),
                Some(p)
                    if !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    p.parse::<u8>().map(Some).map_err(|_| err())
                }
                Some(_) => Err(err()),
            }
        };
        let section = number(parts.next())?.filter(|s| *s > 0).ok_or_else(err)?;
        let clause = number(parts.next())?;
        if parts.next().is_some() || clause == Some(0) {
            return Err(err());
        }
        Ok(CombinedClause { section, clause })
    }

    /// The section number (x in 7.x).
    pub fn section(&self) -> u8 {
        self.section
    }

    /// The clause number (y in 7.x.y), if any.
    pub fn clause(&self) -> Option<u8> {
        self.clause
    }
}

impl PartialOrd for CombinedClause {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CombinedClause {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.section, self.clause).cmp(&(other.section, other.clause))
    }
}

impl fmt::Display for CombinedClause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.clause {
            Some(c) => write!(f, "7.{}.{}", self.section, c),
            None => write!(f, "7.{}", self.section),
        }
    }
}

macro_rules! string_conversions {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::parse(&value)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

string_conversions!(TemplateId);
string_conversions!(ItemId);

impl TryFrom<String> for CombinedClause {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CombinedClause::parse(&value)
    }
}

impl From<CombinedClause> for String {
    fn from(value: CombinedClause) -> Self {
        value.to_string()
    }
}

/// A template, item or clause id was malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Bad template id.
    #[error(
        "`{0}` is not a template id (lowercase letters, digits and `_`, starting with a letter)"
    )]
    Template(String),
    /// Bad item id.
    #[error("`{0}` is not an item id (a capital letter and two or three digits, such as G01)")]
    Item(String),
    /// Bad combined-element clause.
    #[error("`{0}` is not a GB 35181-2017 chapter 7 clause (such as 7.3.9)")]
    Clause(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids() {
        assert!(ItemId::parse("G01").is_ok());
        assert!(ItemId::parse("F123").is_ok());
        assert!(ItemId::parse("g01").is_err());
        assert!(ItemId::parse("G1").is_err());
        assert!(TemplateId::parse("factory_warehouse").is_ok());
        assert!(TemplateId::parse("Gas").is_err());
    }

    #[test]
    fn parses_clauses_and_orders_numerically() {
        let a = CombinedClause::parse("7.3.9").unwrap();
        let b = CombinedClause::parse("7.3.10").unwrap();
        let c = CombinedClause::parse("7.5").unwrap();
        assert!(a < b && b < c);
        assert_eq!(b.to_string(), "7.3.10");
        for bad in ["6.2", "7", "7.", "7.0", "7.3.0", "7.3.9.1", "7.x"] {
            assert!(CombinedClause::parse(bad).is_err(), "{bad}");
        }
    }
}
