//! The demo: one clearly labelled district (演示区) with streets, grids, about twenty sites across
//! the three areas, and the accounts `demo-inspector`, `demo-supervisor` and `demo-admin`.
//!
//! Everything here is fictional and marked `is_demo`; names carry "（演示）".

use crate::{
    accounts::{self, AccountError, Username},
    store::{
        Db, StoreError,
        regions::{Level, NewRegion},
    },
};
use anxun_domain::{
    geo::GeoPoint,
    ids::SiteId,
    region::{RegionCode, RegionPath, Scope},
    role::Role,
    site::{Area, Contact, CreditCode, FireClass, PhoneNumber, Site, SiteType, SiteWire},
    text::Text,
};
use chrono::Utc;

pub const DISTRICT: &str = "demo-district";
const DISTRICT_NAME: &str = "演示区（Demo District）";

/// Streets of the demo district, each with two grids.
const STREETS: [(&str, &str); 3] = [
    ("demo-s1", "滨江街道（演示）"),
    ("demo-s2", "工业园街道（演示）"),
    ("demo-s3", "新村街道（演示）"),
];

/// The demo accounts: username, display name, role.
pub const ACCOUNTS: [(&str, &str, Role); 3] = [
    (
        "demo-inspector",
        "演示网格员 Demo inspector",
        Role::Inspector,
    ),
    (
        "demo-supervisor",
        "演示区安全监管员 Demo supervisor",
        Role::Supervisor,
    ),
    ("demo-admin", "演示管理员 Demo administrator", Role::Admin),
];

/// One demo site: name, address, type, areas, first 17 characters of a credit code,
/// responsible person, phone, street index, grid index (1 or 2), latitude, longitude,
/// crowded, flammable.
type DemoSite = (
    &'static str,
    &'static str,
    SiteType,
    &'static [Area],
    Option<&'static str>,
    &'static str,
    &'static str,
    usize,
    u8,
    f64,
    f64,
    bool,
    bool,
);

use Area::{Ebike, FactoryWarehouse as Fw, Gas};
use SiteType::*;

const SITES: [DemoSite; 20] = [
    (
        "老弄堂本帮菜馆（演示）",
        "演示区滨江路101号",
        Restaurant,
        &[Gas],
        Some("92310115MA1K0001X"),
        "张伟",
        "13800000001",
        0,
        1,
        31.2301,
        121.5012,
        true,
        false,
    ),
    (
        "川味小厨（演示）",
        "演示区滨江路115号",
        Restaurant,
        &[Gas],
        Some("92310115MA1K0002X"),
        "李娜",
        "13800000002",
        0,
        1,
        31.2305,
        121.5021,
        true,
        false,
    ),
    (
        "江南面馆（演示）",
        "演示区滨江路120弄3号",
        Restaurant,
        &[Gas],
        None,
        "王芳",
        "13800000003",
        0,
        2,
        31.2312,
        121.5033,
        false,
        false,
    ),
    (
        "海鲜大排档（演示，瓶装液化气）",
        "演示区渡口路8号",
        Restaurant,
        &[Gas],
        Some("92310115MA1K0004X"),
        "刘洋",
        "13800000004",
        0,
        2,
        31.2318,
        121.5040,
        true,
        false,
    ),
    (
        "社区食堂（演示）",
        "演示区新村路66号",
        Restaurant,
        &[Gas],
        Some("12310115MB2K0005X"),
        "陈静",
        "021-50000005",
        2,
        1,
        31.2250,
        121.5101,
        true,
        false,
    ),
    (
        "早点铺（演示，瓶装液化气）",
        "演示区新村路70号",
        Restaurant,
        &[Gas],
        None,
        "杨磊",
        "13800000006",
        2,
        1,
        31.2252,
        121.5105,
        false,
        false,
    ),
    (
        "火锅城（演示）",
        "演示区工业大道18号",
        Restaurant,
        &[Gas],
        Some("91310115MA1K0007X"),
        "赵敏",
        "13800000007",
        1,
        1,
        31.2402,
        121.5201,
        true,
        false,
    ),
    (
        "精密五金厂（演示）",
        "演示区工业大道200号",
        Factory,
        &[Fw],
        Some("91310115MA1K0008X"),
        "黄强",
        "13800000008",
        1,
        1,
        31.2410,
        121.5215,
        true,
        false,
    ),
    (
        "彩印包装厂（演示）",
        "演示区工业大道236号",
        Factory,
        &[Fw],
        Some("91310115MA1K0009X"),
        "周杰",
        "13800000009",
        1,
        1,
        31.2415,
        121.5222,
        true,
        true,
    ),
    (
        "服装加工厂（演示，三合一场所）",
        "演示区园区路9号",
        MixedUse,
        &[Fw],
        Some("91310115MA1K0010X"),
        "吴霞",
        "13800000010",
        1,
        2,
        31.2421,
        121.5230,
        true,
        false,
    ),
    (
        "冷链物流仓库（演示）",
        "演示区园区路52号",
        Warehouse,
        &[Fw],
        Some("91310115MA1K0011X"),
        "徐刚",
        "13800000011",
        1,
        2,
        31.2433,
        121.5245,
        false,
        false,
    ),
    (
        "电商周转仓（演示）",
        "演示区园区路60号",
        Warehouse,
        &[Fw],
        Some("91310115MA1K0012X"),
        "孙丽",
        "13800000012",
        1,
        2,
        31.2436,
        121.5251,
        false,
        false,
    ),
    (
        "化工原料仓库（演示）",
        "演示区园区路88号",
        Warehouse,
        &[Fw],
        Some("91310115MA1K0013X"),
        "马超",
        "13800000013",
        1,
        2,
        31.2440,
        121.5260,
        false,
        true,
    ),
    (
        "食品加工厂（演示，含燃气灶房）",
        "演示区工业大道300号",
        Factory,
        &[Fw, Gas],
        Some("91310115MA1K0014X"),
        "朱红",
        "13800000014",
        1,
        1,
        31.2445,
        121.5270,
        true,
        false,
    ),
    (
        "新村一期非机动车棚（演示）",
        "演示区新村路100弄",
        EbikeFacility,
        &[Ebike],
        None,
        "胡军",
        "13800000015",
        2,
        1,
        31.2240,
        121.5120,
        false,
        false,
    ),
    (
        "新村二期集中充电点（演示）",
        "演示区新村路200弄",
        EbikeFacility,
        &[Ebike],
        None,
        "郭梅",
        "13800000016",
        2,
        2,
        31.2235,
        121.5131,
        false,
        false,
    ),
    (
        "滨江花园地下非机动车库（演示）",
        "演示区滨江路300弄",
        Residential,
        &[Ebike],
        Some("91310115MA1K0017X"),
        "林涛",
        "13800000017",
        0,
        2,
        31.2325,
        121.5055,
        false,
        false,
    ),
    (
        "外卖骑手站点（演示）",
        "演示区渡口路20号",
        DeliveryOrEbikeShop,
        &[Ebike],
        Some("91310115MA1K0018X"),
        "何平",
        "13800000018",
        0,
        2,
        31.2330,
        121.5060,
        false,
        false,
    ),
    (
        "电动车维修店（演示）",
        "演示区新村路88号",
        DeliveryOrEbikeShop,
        &[Ebike],
        Some("92310115MA1K0019X"),
        "高翔",
        "13800000019",
        2,
        1,
        31.2255,
        121.5110,
        false,
        false,
    ),
    (
        "老旧小区楼道（演示）",
        "演示区新村路120弄5号",
        Residential,
        &[Ebike],
        None,
        "罗兰",
        "021-50000020",
        2,
        2,
        31.2245,
        121.5125,
        false,
        false,
    ),
];

/// What seeding did.
#[derive(Debug)]
pub enum Seeded {
    /// The demo was created with this password for every demo account.
    Created {
        password: String,
        generated: bool,
        sites: usize,
    },
    /// The database already holds data; nothing was changed.
    AlreadyPresent,
}

/// Seeds the demo on an empty database (no users and no regions).
pub async fn seed(db: &Db, password: Option<&str>) -> Result<Seeded, DemoError> {
    if db.user_count().await? > 0 || db.region_count().await? > 0 {
        return Ok(Seeded::AlreadyPresent);
    }
    db.insert_region(&NewRegion {
        code: DISTRICT,
        name: DISTRICT_NAME,
        level: Level::District,
        parent: None,
        is_demo: true,
    })
    .await?;
    for (street, name) in STREETS {
        db.insert_region(&NewRegion {
            code: street,
            name,
            level: Level::Street,
            parent: Some(DISTRICT),
            is_demo: true,
        })
        .await?;
        for grid in 1..=2 {
            let code = format!("{street}-g{grid}");
            let name = format!("{}第{grid}网格（演示）", name.trim_end_matches("（演示）"));
            db.insert_region(&NewRegion {
                code: &code,
                name: &name,
                level: Level::Grid,
                parent: Some(street),
                is_demo: true,
            })
            .await?;
        }
    }

    let now = Utc::now();
    for row in SITES {
        db.insert_site(&demo_site(row)?, true, now).await?;
    }

    let generated = password.is_none();
    let password = password.map_or_else(accounts::generate_password, str::to_owned);
    let district = code(DISTRICT)?;
    for (username, display_name, role) in ACCOUNTS {
        let scope = match role {
            Role::Inspector => Scope::Grid {
                district: district.clone(),
                street: code(STREETS[0].0)?,
                grid: code(&format!("{}-g1", STREETS[0].0))?,
            },
            Role::Supervisor | Role::Admin => Scope::District {
                district: district.clone(),
            },
        };
        let username = Username::parse(username)?;
        accounts::create_user(db, &username, display_name, role, &scope, &password, true).await?;
    }
    Ok(Seeded::Created {
        password,
        generated,
        sites: SITES.len(),
    })
}

fn code(text: &str) -> Result<RegionCode, DemoError> {
    RegionCode::parse(text).map_err(|e| DemoError::Data(e.to_string()))
}

fn demo_site(row: DemoSite) -> Result<Site, DemoError> {
    let (
        name,
        address,
        site_type,
        areas,
        credit17,
        person,
        phone,
        street,
        grid,
        lat,
        lon,
        crowded,
        flammable,
    ) = row;
    let data = |e: &dyn std::fmt::Display| DemoError::Data(format!("{name}: {e}"));
    let text = |s: &str| Text::parse(s).map_err(|e| data(&e));
    let street_code = STREETS[street].0;
    Site::new(SiteWire {
        id: SiteId::generate(),
        name: text(name)?,
        address: text(address)?,
        site_type,
        areas: areas.to_vec(),
        credit_code: credit17
            .map(CreditCode::with_check_char)
            .transpose()
            .map_err(|e| data(&e))?,
        responsible: Some(Contact {
            name: text(person)?,
            phone: Some(PhoneNumber::parse(phone).map_err(|e| data(&e))?),
        }),
        region: RegionPath {
            district: code(DISTRICT)?,
            street: code(street_code)?,
            grid: code(&format!("{street_code}-g{grid}"))?,
        },
        gps: Some(GeoPoint::parse(lat, lon, None).map_err(|e| data(&e))?),
        fire_class: FireClass { crowded, flammable },
        parties: Vec::new(),
    })
    .map_err(|e| data(&e))
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data is invalid: {0}")]
    Data(String),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_site_is_valid_and_the_areas_are_covered() {
        let sites: Vec<Site> = SITES
            .into_iter()
            .map(|row| demo_site(row).unwrap())
            .collect();
        for area in Area::ALL {
            assert!(
                sites
                    .iter()
                    .filter(|site| site.areas().contains(&area))
                    .count()
                    >= 5,
                "{area}"
            );
        }
        assert!(
            sites
                .iter()
                .filter(|site| site.credit_code().is_some())
                .count()
                >= 10
        );
    }
}
