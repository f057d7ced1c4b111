//! Administrative regions (区/街镇/网格) and the region scope of a user.

use std::fmt;

use crate::tagged::{MissingField, required};

/// The code of a district, street (街镇) or grid (网格): 1 to 32 ASCII letters, digits,
/// `-` or `_`, for example `310104` or `310104003-012`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    /// Checks the code.
    pub fn parse(code: &str) -> Result<RegionCode, RegionCodeError> {
        let code = code.trim();
        let ok = !code.is_empty()
            && code.len() <= 32
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(RegionCode(code.to_owned()))
        } else {
            Err(RegionCodeError(code.to_owned()))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = RegionCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&value)
    }
}

impl From<RegionCode> for String {
    fn from(value: RegionCode) -> Self {
        value.0
    }
}

/// A region code was malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a region code (1 to 32 ASCII letters, digits, `-` or `_`)")]
pub struct RegionCodeError(pub String);

/// Where a site lies: district, street (街镇) and grid (网格).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct RegionPath {
    /// 区.
    pub district: RegionCode,
    /// 街镇.
    pub street: RegionCode,
    /// 网格.
    pub grid: RegionCode,
}

/// The part of the city a user may act on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "level", try_from = "ScopeWire")]
pub enum Scope {
    /// The whole city (administrators).
    City,
    /// One district (区级).
    District {
        /// District code.
        district: RegionCode,
    },
    /// One street (街镇级).
    Street {
        /// District code.
        district: RegionCode,
        /// Street code.
        street: RegionCode,
    },
    /// One grid (网格).
    Grid {
        /// District code.
        district: RegionCode,
        /// Street code.
        street: RegionCode,
        /// Grid code.
        grid: RegionCode,
    },
}

/// [`Scope`] as read (see [`crate::tagged`]).
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
struct ScopeWire {
    level: ScopeLevel,
    district: Option<RegionCode>,
    street: Option<RegionCode>,
    grid: Option<RegionCode>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum ScopeLevel {
    City,
    District,
    Street,
    Grid,
}

impl TryFrom<ScopeWire> for Scope {
    type Error = MissingField;
    fn try_from(wire: ScopeWire) -> Result<Self, Self::Error> {
        Ok(match wire.level {
            ScopeLevel::City => Scope::City,
            ScopeLevel::District => Scope::District {
                district: required(wire.district, "district")?,
            },
            ScopeLevel::Street => Scope::Street {
                district: required(wire.district, "district")?,
                street: required(wire.street, "street")?,
            },
            ScopeLevel::Grid => Scope::Grid {
                district: required(wire.district, "district")?,
                street: required(wire.street, "street")?,
                grid: required(wire.grid, "grid")?,
            },
        })
    }
}

impl Scope {
    /// Whether every region `other` covers is also covered by `self` (an administrator may
    /// only hand out scopes within their own).
    pub fn includes(&self, other: &Scope) -> bool {
        let (district, street, grid) = match other {
            Scope::City => return *self == Scope::City,
            Scope::District { district } => (district, None, None),
            Scope::Street { district, street } => (district, Some(street), None),
            Scope::Grid {
                district,
                street,
                grid,
            } => (district, Some(street), Some(grid)),
        };
        match self {
            Scope::City => true,
            Scope::District { district: mine } => mine == district,
            Scope::Street {
                district: my_district,
                street: my_street,
            } => my_district == district && Some(my_street) == street,
            Scope::Grid {
                district: my_district,
                street: my_street,
                grid: my_grid,
            } => my_district == district && Some(my_street) == street && Some(my_grid) == grid,
        }
    }

    /// Whether a site at `path` lies inside this scope.
    pub fn covers(&self, path: &RegionPath) -> bool {
        match self {
            Scope::City => true,
            Scope::District { district } => *district == path.district,
            Scope::Street { district, street } => {
                *district == path.district && *street == path.street
            }
            Scope::Grid {
                district,
                street,
                grid,
            } => *district == path.district && *street == path.street && *grid == path.grid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn scopes_nest() {
        let path = RegionPath {
            district: code("310104"),
            street: code("310104003"),
            grid: code("G12"),
        };
        assert!(Scope::City.covers(&path));
        assert!(
            Scope::District {
                district: code("310104")
            }
            .covers(&path)
        );
        assert!(
            !Scope::District {
                district: code("310105")
            }
            .covers(&path)
        );
        assert!(
            !Scope::Street {
                district: code("310104"),
                street: code("310104004")
            }
            .covers(&path)
        );
        let district = Scope::District {
            district: code("310104"),
        };
        let street = Scope::Street {
            district: code("310104"),
            street: code("310104003"),
        };
        let grid = Scope::Grid {
            district: code("310104"),
            street: code("310104003"),
            grid: code("G12"),
        };
        let other = Scope::District {
            district: code("310105"),
        };
        assert!(Scope::City.includes(&Scope::City));
        assert!(Scope::City.includes(&grid));
        assert!(!district.includes(&Scope::City));
        assert!(district.includes(&district) && district.includes(&street));
        assert!(district.includes(&grid) && !district.includes(&other));
        assert!(street.includes(&grid) && !street.includes(&district));
        assert!(grid.includes(&grid) && !grid.includes(&street));
        assert!(RegionCode::parse("徐汇").is_err());
        assert!(RegionCode::parse("").is_err());
    }
}
