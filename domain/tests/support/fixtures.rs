//! Shared test fixtures (included with `#[path]` by the test files that need them).
#![allow(dead_code, clippy::unwrap_used)]

use anxun_domain::{
    hazard::{
        DeterminationMethod, HazardAction, HazardEvent, HazardSource, NewHazard, RectificationMode,
        ResponsibleParty, Severity,
    },
    ids::{EventId, HazardId, SiteId, UserId},
    photo::Sha256Hex,
    region::{RegionCode, RegionPath, Scope},
    role::{Actor, Role},
    site::{Area, Contact, CreditCode, FireClass, PhoneNumber, Site, SiteType, SiteWire},
    text::Text,
};
use chrono::{DateTime, Duration, TimeZone, Utc};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 30, 0).unwrap()
}

pub fn days(n: i64) -> Duration {
    Duration::days(n)
}

pub fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

pub fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

pub fn region() -> RegionPath {
    RegionPath {
        district: code("310104"),
        street: code("310104003"),
        grid: code("G012"),
    }
}

pub fn user(n: u8) -> UserId {
    UserId::from_parts(t0(), [n; 10])
}

pub fn inspector(n: u8) -> Actor {
    Actor {
        user: user(n),
        role: Role::Inspector,
        scope: Scope::Grid {
            district: code("310104"),
            street: code("310104003"),
            grid: code("G012"),
        },
    }
}

pub fn supervisor(n: u8) -> Actor {
    Actor {
        user: user(n),
        role: Role::Supervisor,
        scope: Scope::Street {
            district: code("310104"),
            street: code("310104003"),
        },
    }
}

pub fn admin(n: u8) -> Actor {
    Actor {
        user: user(n),
        role: Role::Admin,
        scope: Scope::City,
    }
}

pub fn photo(n: u8) -> Sha256Hex {
    Sha256Hex::digest(&[n])
}

pub fn site() -> Site {
    Site::new(SiteWire {
        id: SiteId::from_parts(t0(), [1; 10]),
        name: text("老王面馆"),
        address: text("徐汇区漕溪北路1号"),
        site_type: SiteType::Restaurant,
        areas: vec![Area::Gas, Area::Ebike],
        credit_code: Some(CreditCode::parse("91350100M000100Y43").unwrap()),
        responsible: Some(Contact {
            name: text("王某"),
            phone: Some(PhoneNumber::parse("13800138000").unwrap()),
        }),
        region: region(),
        gps: None,
        fire_class: FireClass {
            crowded: true,
            flammable: false,
        },
        parties: Vec::new(),
    })
    .unwrap()
}

pub fn hazard_id() -> HazardId {
    HazardId::from_parts(t0(), [7; 10])
}

pub fn new_hazard(severity: Severity) -> NewHazard {
    NewHazard {
        number: None,
        source: HazardSource::GridPatrol,
        inspection: None,
        item: None,
        site: site().id(),
        site_name: text("老王面馆"),
        credit_code: None,
        address: None,
        region: region(),
        area: Area::Gas,
        category: None,
        description: text("液化石油气钢瓶设在地下室"),
        location_detail: Some(text("地下一层厨房")),
        gps: None,
        severity,
        default_severity: None,
        override_reason: None,
        determination: match severity {
            Severity::Major => DeterminationMethod::IndustryStandard,
            Severity::General => DeterminationMethod::Regulation,
        },
        basis: Vec::new(),
        combined: Vec::new(),
        photos_before: vec![photo(1)],
        interim_measures: Vec::new(),
        rectification: RectificationMode::ByDeadline,
        suggested_rectification: None,
        refer_to: Vec::new(),
    }
}

/// Builds events with increasing ids and times.
#[derive(Clone)]
pub struct Events {
    n: u8,
    pub at: DateTime<Utc>,
}

impl Events {
    pub fn new() -> Events {
        Events { n: 0, at: t0() }
    }

    pub fn event(
        &mut self,
        actor: &Actor,
        reason: Option<&str>,
        action: HazardAction,
    ) -> HazardEvent {
        self.n += 1;
        self.at += Duration::hours(1);
        HazardEvent {
            id: EventId::from_parts(self.at, [self.n; 10]),
            hazard: hazard_id(),
            at: self.at,
            actor: actor.clone(),
            reason: reason.map(text),
            action,
        }
    }

    pub fn report(&mut self, actor: &Actor, new: NewHazard) -> HazardEvent {
        self.event(actor, None, HazardAction::Report(Box::new(new)))
    }
}

pub fn responsible() -> ResponsibleParty {
    ResponsibleParty {
        name: text("老王面馆"),
        contact: None,
    }
}
