//! Site search on the device.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "support/fixtures.rs"]
mod fixtures;

use anxun_domain::{
    ids::SiteId,
    site::{Area, Site, SiteFilter},
    text::Text,
};
use fixtures::*;

fn named(name: &str, address: &str, area: Area) -> Site {
    let mut fields = site().into_fields();
    fields.id = SiteId::generate();
    fields.name = Text::parse(name).unwrap();
    fields.address = Text::parse(address).unwrap();
    fields.areas = vec![area];
    fields.credit_code = None;
    Site::new(fields).unwrap()
}

#[test]
fn finds_by_words_area_and_grid() {
    let sites = vec![
        named("老弄堂本帮菜馆", "滨江路101号", Area::Gas),
        named("精密五金厂", "工业大道200号", Area::FactoryWarehouse),
        named("Riverside Cafe", "滨江路120号", Area::Gas),
    ];
    let by = |text: &str, area: Option<Area>| {
        SiteFilter {
            text: text.into(),
            area,
            grid: None,
        }
        .apply(&sites)
        .iter()
        .map(|site| site.name().as_str().to_owned())
        .collect::<Vec<_>>()
    };
    assert_eq!(by("滨江路", None), ["Riverside Cafe", "老弄堂本帮菜馆"]);
    assert_eq!(by("riverside 120", None), ["Riverside Cafe"]);
    assert_eq!(by("", Some(Area::FactoryWarehouse)), ["精密五金厂"]);
    assert!(by("滨江路", Some(Area::Ebike)).is_empty());
    let grid = sites[0].region().grid.as_str().to_owned();
    let in_grid = SiteFilter {
        grid: Some(grid),
        ..SiteFilter::default()
    }
    .apply(&sites);
    assert_eq!(in_grid.len(), 3);
    let elsewhere = SiteFilter {
        grid: Some("nowhere".into()),
        ..SiteFilter::default()
    };
    assert!(elsewhere.apply(&sites).is_empty());
}

#[test]
fn finds_by_credit_code() {
    let with_code = site();
    let code = with_code.credit_code().unwrap().as_str().to_lowercase();
    let sites = vec![with_code, named("其他", "别处", Area::Gas)];
    let found = SiteFilter {
        text: code[..10].into(),
        ..SiteFilter::default()
    }
    .apply(&sites);
    assert_eq!(found.len(), 1);
}
