//! The known regions (区/街镇/网格), loaded once for a request that checks many codes: a
//! user's scope, the rows of a site registry.

use crate::store::regions::{Level, StoredRegion};
use anxun_domain::region::{RegionCode, Scope};

/// The regions of the database, to look codes and names up in.
#[derive(Debug, Clone)]
pub struct RegionIndex {
    regions: Vec<StoredRegion>,
}

impl RegionIndex {
    pub fn new(regions: Vec<StoredRegion>) -> RegionIndex {
        RegionIndex { regions }
    }

    /// The district with this code or name.
    pub fn district(&self, text: &str) -> Result<RegionCode, String> {
        self.find(Level::District, None, text)
            .ok_or_else(|| format!("`{text}` is not a known district (code or name)"))
    }

    /// The street with this code or name in `district`.
    pub fn street(&self, district: &RegionCode, text: &str) -> Result<RegionCode, String> {
        self.find(Level::Street, Some(district), text)
            .ok_or_else(|| {
                format!("`{text}` is not a known street (code or name) of district {district}")
            })
    }

    /// The grid with this code or name in `street`.
    pub fn grid(&self, street: &RegionCode, text: &str) -> Result<RegionCode, String> {
        self.find(Level::Grid, Some(street), text).ok_or_else(|| {
            format!("`{text}` is not a known grid (code or name) of street {street}")
        })
    }

    /// Checks that a scope names known regions of the right levels, each inside its parent.
    pub fn check_scope(&self, scope: &Scope) -> Result<(), String> {
        let known = |level, parent: Option<&RegionCode>, code: &RegionCode| {
            self.regions.iter().any(|region| {
                region.level == level
                    && region.code == code.as_str()
                    && region.parent.as_deref() == parent.map(RegionCode::as_str)
            })
        };
        let (district, street, grid) = match scope {
            Scope::City => return Ok(()),
            Scope::District { district } => (district, None, None),
            Scope::Street { district, street } => (district, Some(street), None),
            Scope::Grid {
                district,
                street,
                grid,
            } => (district, Some(street), Some(grid)),
        };
        if !known(Level::District, None, district) {
            return Err(format!("scope: {district} is not a known district"));
        }
        if let Some(street) = street {
            if !known(Level::Street, Some(district), street) {
                return Err(format!(
                    "scope: {street} is not a known street of district {district}"
                ));
            }
            if let Some(grid) = grid
                && !known(Level::Grid, Some(street), grid)
            {
                return Err(format!(
                    "scope: {grid} is not a known grid of street {street}"
                ));
            }
        }
        Ok(())
    }

    /// The region of `level` under `parent` whose code, or else whose name, is `text`.
    fn find(&self, level: Level, parent: Option<&RegionCode>, text: &str) -> Option<RegionCode> {
        let text = text.trim();
        let candidates = || {
            self.regions.iter().filter(move |region| {
                region.level == level && region.parent.as_deref() == parent.map(RegionCode::as_str)
            })
        };
        candidates()
            .find(|region| region.code == text)
            .or_else(|| candidates().find(|region| region.name == text))
            .and_then(|region| RegionCode::parse(&region.code).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, name: &str, level: Level, parent: Option<&str>) -> StoredRegion {
        StoredRegion {
            code: code.into(),
            name: name.into(),
            level,
            parent: parent.map(Into::into),
        }
    }

    fn index() -> RegionIndex {
        RegionIndex::new(vec![
            region("d1", "一区", Level::District, None),
            region("s1", "一街道", Level::Street, Some("d1")),
            region("g1", "第一网格", Level::Grid, Some("s1")),
            region("d2", "二区", Level::District, None),
        ])
    }

    fn code(text: &str) -> RegionCode {
        RegionCode::parse(text).unwrap()
    }

    #[test]
    fn regions_are_found_by_code_or_name_under_their_parent() {
        let index = index();
        assert_eq!(index.district("d1"), Ok(code("d1")));
        assert_eq!(index.district(" 一区 "), Ok(code("d1")));
        assert!(index.district("s1").is_err());
        assert_eq!(index.street(&code("d1"), "一街道"), Ok(code("s1")));
        assert!(index.street(&code("d2"), "s1").is_err());
        assert_eq!(index.grid(&code("s1"), "g1"), Ok(code("g1")));
        assert!(index.grid(&code("s1"), "g2").is_err());
    }

    #[test]
    fn scopes_must_name_known_regions_inside_their_parents() {
        let index = index();
        assert!(index.check_scope(&Scope::City).is_ok());
        let grid = Scope::Grid {
            district: code("d1"),
            street: code("s1"),
            grid: code("g1"),
        };
        assert!(index.check_scope(&grid).is_ok());
        let misplaced = Scope::Street {
            district: code("d2"),
            street: code("s1"),
        };
        assert!(index.check_scope(&misplaced).is_err());
        let unknown = Scope::District {
            district: code("d9"),
        };
        assert!(index.check_scope(&unknown).is_err());
    }
}
