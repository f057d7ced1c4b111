//! Sites (被检查单位/场所) and the inspection areas they fall under.

mod credit_code;
mod filter;
mod phone;

pub mod link;

use std::fmt;

pub use credit_code::{CreditCode, CreditCodeError};
pub use filter::SiteFilter;
pub use phone::{PhoneNumber, PhoneNumberError};

use crate::{geo::GeoPoint, ids::SiteId, region::RegionPath, text::Text};

/// The three inspection areas Anxun has checklists for.
///
/// The wire and storage code of each area is stable: `gas`, `factory_warehouse`, `ebike`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Every area, in a stable order.
    pub const ALL: [Area; 3] = [Area::Gas, Area::FactoryWarehouse, Area::Ebike];

    /// The stable code used on the wire and in storage.
    pub fn code(self) -> &'static str {
        match self {
            Area::Gas => "gas",
            Area::FactoryWarehouse => "factory_warehouse",
            Area::Ebike => "ebike",
        }
    }

    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Area::Gas => "城镇燃气",
            Area::FactoryWarehouse => "厂房仓库",
            Area::Ebike => "电动自行车停放充电",
        }
    }

    /// The letter that starts the checklist item ids of this area (G01, F01, E01).
    pub fn item_prefix(self) -> char {
        match self {
            Area::Gas => 'G',
            Area::FactoryWarehouse => 'F',
            Area::Ebike => 'E',
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

/// The code was not one of the area codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown area code `{0}` (expected gas, factory_warehouse or ebike)")]
pub struct UnknownArea(pub String);

/// What kind of place a site is (场所类型).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SiteType {
    /// 餐饮.
    Restaurant,
    /// 商铺.
    Shop,
    /// 厂房.
    Factory,
    /// 仓库.
    Warehouse,
    /// 多业态混合生产经营场所 / 合用场所.
    MixedUse,
    /// 居住小区或居住建筑.
    Residential,
    /// 电动自行车集中停放充电场所.
    EbikeFacility,
    /// 快递、外卖站点或电动车销售维修店.
    DeliveryOrEbikeShop,
    /// 其他.
    Other,
}

/// How GB 35181 classifies a site for the combined-element rule (see [`crate::gb35181`]).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct FireClass {
    /// 人员密集场所 (crowded venue, including labour-intensive workshops and staff dormitories).
    pub crowded: bool,
    /// 易燃易爆危险品场所 (produces, stores or trades flammable or explosive dangerous goods).
    pub flammable: bool,
}

/// A person to contact, with an optional telephone number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Contact {
    /// Name.
    pub name: Text,
    /// Telephone number.
    pub phone: Option<PhoneNumber>,
}

/// The part a party plays at a site (产权人/出租人/承租人/物业), for the letting chain of F18.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// 产权人.
    Owner,
    /// 出租人.
    Landlord,
    /// 承租人.
    Tenant,
    /// 次承租人.
    Subtenant,
    /// 物业.
    PropertyManager,
}

/// A party related to a site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct Party {
    /// Its role.
    pub role: PartyRole,
    /// Name of the organisation or person.
    pub name: Text,
    /// Its unified social credit code, when it is an organisation and the code is known.
    pub credit_code: Option<CreditCode>,
    /// Contact person.
    pub contact: Option<Contact>,
}

/// A site (被检查单位/场所): the unit or place that is inspected.
///
/// Every field holds an already-checked value; the one rule across fields (at least one
/// area) is enforced by [`Site::new`] and by deserialisation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "SiteWire")]
pub struct Site {
    id: SiteId,
    name: Text,
    address: Text,
    site_type: SiteType,
    areas: Vec<Area>,
    credit_code: Option<CreditCode>,
    responsible: Option<Contact>,
    region: RegionPath,
    gps: Option<GeoPoint>,
    fire_class: FireClass,
    parties: Vec<Party>,
}

/// The fields of a [`Site`], as given by a form or the wire.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct SiteWire {
    /// Client-generated id (UUIDv7) for sites created offline.
    pub id: SiteId,
    /// 单位名称/场所名称.
    pub name: Text,
    /// 地址.
    pub address: Text,
    /// 场所类型.
    pub site_type: SiteType,
    /// Areas that apply; at least one, duplicates are removed.
    pub areas: Vec<Area>,
    /// 统一社会信用代码, checksum-validated when present.
    pub credit_code: Option<CreditCode>,
    /// 负责人及电话.
    pub responsible: Option<Contact>,
    /// 区/街镇/网格.
    pub region: RegionPath,
    /// Optional GPS position.
    pub gps: Option<GeoPoint>,
    /// GB 35181 classification.
    #[serde(default)]
    pub fire_class: FireClass,
    /// 产权人/出租人/承租人/物业.
    #[serde(default)]
    pub parties: Vec<Party>,
}

impl TryFrom<SiteWire> for Site {
    type Error = SiteError;
    fn try_from(wire: SiteWire) -> Result<Self, Self::Error> {
        Site::new(wire)
    }
}

impl Site {
    /// Builds a site; it needs at least one area. Areas are sorted and deduplicated.
    pub fn new(fields: SiteWire) -> Result<Site, SiteError> {
        let mut areas = fields.areas;
        areas.sort();
        areas.dedup();
        if areas.is_empty() {
            return Err(SiteError::NoArea);
        }
        Ok(Site {
            id: fields.id,
            name: fields.name,
            address: fields.address,
            site_type: fields.site_type,
            areas,
            credit_code: fields.credit_code,
            responsible: fields.responsible,
            region: fields.region,
            gps: fields.gps,
            fire_class: fields.fire_class,
            parties: fields.parties,
        })
    }

    /// The id.
    pub fn id(&self) -> SiteId {
        self.id
    }
    /// 单位名称/场所名称.
    pub fn name(&self) -> &Text {
        &self.name
    }
    /// 地址.
    pub fn address(&self) -> &Text {
        &self.address
    }
    /// 场所类型.
    pub fn site_type(&self) -> SiteType {
        self.site_type
    }
    /// Areas that apply (sorted, at least one).
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }
    /// 统一社会信用代码.
    pub fn credit_code(&self) -> Option<&CreditCode> {
        self.credit_code.as_ref()
    }
    /// 负责人.
    pub fn responsible(&self) -> Option<&Contact> {
        self.responsible.as_ref()
    }
    /// 区/街镇/网格.
    pub fn region(&self) -> &RegionPath {
        &self.region
    }
    /// GPS position.
    pub fn gps(&self) -> Option<GeoPoint> {
        self.gps
    }
    /// GB 35181 classification.
    pub fn fire_class(&self) -> FireClass {
        self.fire_class
    }
    /// Related parties.
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// The fields, to edit and rebuild with [`Site::new`].
    pub fn into_fields(self) -> SiteWire {
        SiteWire {
            id: self.id,
            name: self.name,
            address: self.address,
            site_type: self.site_type,
            areas: self.areas,
            credit_code: self.credit_code,
            responsible: self.responsible,
            region: self.region,
            gps: self.gps,
            fire_class: self.fire_class,
            parties: self.parties,
        }
    }
}

/// A site could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    /// No area given.
    #[error("a site needs at least one area")]
    NoArea,
}

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
