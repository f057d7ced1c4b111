//! Sites (被检查单位/场所) and the inspection areas they fall under.

use std::fmt;

/// The three inspection areas Anxun has checklists for.
///
/// The wire and storage code of each area is stable: `gas`, `factory_warehouse`, `ebike`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// 城镇燃气: commercial users of pipeline gas or bottled LPG, restaurants above all.
    Gas,
    /// 厂房仓库: fire and industrial safety in factories and warehouses.
    FactoryWarehouse,
    /// 电动自行车停放充电: e-bike parking and charging.
    Ebike,
}

impl Area {
    pub const ALL: [Area; 3] = [Area::Gas, Area::FactoryWarehouse, Area::Ebike];

    /// The stable code used on the wire and in storage.
    pub fn code(self) -> &'static str {
        match self {
            Area::Gas => "gas",
            Area::FactoryWarehouse => "factory_warehouse",
            Area::Ebike => "ebike",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Result<Area, UnknownArea> {
        Area::ALL
            .into_iter()
            .find(|area| area.code() == code)
            .ok_or_else(|| UnknownArea(code.to_owned()))
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown area code `{0}` (expected gas, factory_warehouse or ebike)")]
pub struct UnknownArea(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for area in Area::ALL {
            assert_eq!(Area::parse(area.code()), Ok(area));
        }
        assert!(Area::parse("water").is_err());
    }
}
