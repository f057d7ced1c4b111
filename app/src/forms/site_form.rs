//! Creating a site on the spot (现场新建场所).

use anxun_domain::{
    geo::GeoPoint,
    ids::SiteId,
    region::{RegionCode, RegionPath},
    site::{Area, Contact, CreditCode, FireClass, PhoneNumber, Site, SiteType, SiteWire},
    text::Text,
};

/// The fields of the new-site form, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteForm {
    pub name: String,
    pub address: String,
    pub site_type: SiteType,
    pub areas: Vec<Area>,
    pub credit_code: String,
    pub person: String,
    pub phone: String,
    pub district: String,
    pub street: String,
    pub grid: String,
    pub crowded: bool,
    pub flammable: bool,
}

impl SiteForm {
    /// An empty form in the inspector's own grid.
    pub fn new(region: &RegionPath) -> SiteForm {
        SiteForm {
            district: region.district.as_str().to_owned(),
            street: region.street.as_str().to_owned(),
            grid: region.grid.as_str().to_owned(),
            ..SiteForm::new_empty()
        }
    }

    /// An empty form with no region yet.
    pub fn new_empty() -> SiteForm {
        SiteForm {
            name: String::new(),
            address: String::new(),
            site_type: SiteType::Restaurant,
            areas: Vec::new(),
            credit_code: String::new(),
            person: String::new(),
            phone: String::new(),
            district: String::new(),
            street: String::new(),
            grid: String::new(),
            crowded: false,
            flammable: false,
        }
    }

    /// Turns the form into a site, or lists every field that needs fixing.
    pub fn to_site(&self, id: SiteId, gps: Option<GeoPoint>) -> Result<Site, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut required = |field: SiteField, value: &str| match Text::parse(value) {
            Ok(text) => Some(text),
            Err(_) => {
                errors.push(FieldError {
                    field,
                    problem: Problem::Required,
                });
                None
            }
        };
        let name = required(SiteField::Name, &self.name);
        let address = required(SiteField::Address, &self.address);
        if self.areas.is_empty() {
            errors.push(FieldError {
                field: SiteField::Areas,
                problem: Problem::NoArea,
            });
        }
        let credit_code = match self.credit_code.trim() {
            "" => None,
            code => match CreditCode::parse(code) {
                Ok(code) => Some(code),
                Err(_) => {
                    errors.push(FieldError {
                        field: SiteField::CreditCode,
                        problem: Problem::BadCreditCode,
                    });
                    None
                }
            },
        };
        let phone = match self.phone.trim() {
            "" => None,
            phone => match PhoneNumber::parse(phone) {
                Ok(phone) => Some(phone),
                Err(_) => {
                    errors.push(FieldError {
                        field: SiteField::Phone,
                        problem: Problem::BadPhone,
                    });
                    None
                }
            },
        };
        // A phone number needs the name of the person it belongs to.
        let responsible = match Text::parse(&self.person) {
            Ok(name) => Some(Contact { name, phone }),
            Err(_) if self.phone.trim().is_empty() => None,
            Err(_) => {
                errors.push(FieldError {
                    field: SiteField::Person,
                    problem: Problem::Required,
                });
                None
            }
        };
        let region = match (
            RegionCode::parse(&self.district),
            RegionCode::parse(&self.street),
            RegionCode::parse(&self.grid),
        ) {
            (Ok(district), Ok(street), Ok(grid)) => Some(RegionPath {
                district,
                street,
                grid,
            }),
            _ => {
                errors.push(FieldError {
                    field: SiteField::Region,
                    problem: Problem::BadRegion,
                });
                None
            }
        };
        let (Some(name), Some(address), Some(region), true) =
            (name, address, region, errors.is_empty())
        else {
            return Err(errors);
        };
        Site::new(SiteWire {
            id,
            name,
            address,
            site_type: self.site_type,
            areas: self.areas.clone(),
            credit_code,
            responsible,
            region,
            gps,
            fire_class: FireClass {
                crowded: self.crowded,
                flammable: self.flammable,
            },
            parties: Vec::new(),
        })
        .map_err(|_| {
            vec![FieldError {
                field: SiteField::Areas,
                problem: Problem::NoArea,
            }]
        })
    }

    /// Adds or removes an area.
    pub fn toggle_area(&mut self, area: Area) {
        if let Some(at) = self.areas.iter().position(|a| *a == area) {
            self.areas.remove(at);
        } else {
            self.areas.push(area);
        }
    }
}

/// A field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteField {
    Name,
    Address,
    Areas,
    CreditCode,
    Person,
    Phone,
    Region,
}

/// What is wrong with a field (each has a translated message in the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    NoArea,
    BadCreditCode,
    BadPhone,
    BadRegion,
}

/// One field that needs fixing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    pub field: SiteField,
    pub problem: Problem,
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn region() -> RegionPath {
        RegionPath {
            district: RegionCode::parse("d1").unwrap(),
            street: RegionCode::parse("s1").unwrap(),
            grid: RegionCode::parse("g1").unwrap(),
        }
    }

    fn filled() -> SiteForm {
        let mut form = SiteForm::new(&region());
        form.name = "  老弄堂菜馆 ".into();
        form.address = "滨江路1号".into();
        form.toggle_area(Area::Gas);
        form.credit_code = CreditCode::with_check_char("91310115MA1K00010")
            .unwrap()
            .as_str()
            .to_lowercase();
        form.person = "张伟".into();
        form.phone = "138 0000 0001".into();
        form
    }

    #[test]
    fn a_filled_form_becomes_a_site() {
        let id = SiteId::generate();
        let site = filled().to_site(id, None).unwrap();
        assert_eq!(site.id(), id);
        assert_eq!(site.name().as_str(), "老弄堂菜馆");
        assert_eq!(site.areas(), &[Area::Gas]);
        assert!(site.credit_code().is_some());
        assert_eq!(site.region(), &region());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut form = SiteForm::new(&region());
        form.credit_code = "91310115MA1K000100".into();
        form.phone = "12345".into();
        let errors = form.to_site(SiteId::generate(), None).unwrap_err();
        let fields: Vec<SiteField> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                SiteField::Name,
                SiteField::Address,
                SiteField::Areas,
                SiteField::CreditCode,
                SiteField::Phone,
                SiteField::Person
            ]
        );
    }

    #[test]
    fn optional_fields_may_stay_empty_and_areas_toggle() {
        let mut form = filled();
        form.credit_code.clear();
        form.person.clear();
        form.phone.clear();
        form.toggle_area(Area::Ebike);
        form.toggle_area(Area::Gas);
        let site = form.to_site(SiteId::generate(), None).unwrap();
        assert_eq!(site.areas(), &[Area::Ebike]);
        assert!(site.responsible().is_none());
    }
}
