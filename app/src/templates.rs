//! The checklist templates on this device: the built-in ones (parsed and validated from
//! `domain/templates/*.toml` when the app is built (build.rs), embedded as JSON, read once when
//! first needed) and the versions an administrator published since, received with sync and
//! kept in the device database (read in at start and after each sync). New inspections use the
//! newest version of each template; an inspection keeps the version it was made with.

use crate::db::Db;
use anxun_domain::{
    site::Area,
    template::{Template, TemplateRef},
    templates::current as newest,
};
use std::cell::RefCell;

const EMBEDDED: &str = include_str!(concat!(env!("OUT_DIR"), "/templates.json"));

thread_local! {
    static BUILTIN: Vec<Template> = {
        #[allow(clippy::expect_used)]
        serde_json::from_str(EMBEDDED).expect("build.rs embeds valid templates")
    };
    static RECEIVED: RefCell<Vec<Template>> = const { RefCell::new(Vec::new()) };
}

/// Every version on the device: the built-in ones, then those received.
fn all() -> Vec<Template> {
    let mut all = BUILTIN.with(Clone::clone);
    RECEIVED.with(|received| all.extend(received.borrow().iter().cloned()));
    all
}

/// Replaces the received versions (every version the device database holds).
pub fn receive(templates: Vec<Template>) {
    RECEIVED.with(|received| *received.borrow_mut() = templates);
}

/// Reads the received versions from the device database (at start and after each sync). If
/// they cannot be read, the ones read before (or the built-in ones) stay in use.
pub async fn load_received(db: &Db) {
    match db.received_templates().await {
        Ok(templates) => receive(templates),
        Err(error) => leptos::logging::warn!("templates received from the server: {error}"),
    }
}

/// The current templates: the newest version of each, one per area in [`Area::ALL`] order.
pub fn current() -> Vec<Template> {
    newest(&all())
}

/// The current template for an area.
pub fn current_for(area: Area) -> Option<Template> {
    current().into_iter().find(|t| t.area == area)
}

/// The template with this id and version, if it is on the device.
pub fn find(reference: &TemplateRef) -> Option<Template> {
    all().into_iter().find(|t| t.reference() == *reference)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_area_has_its_template() {
        for area in Area::ALL {
            let template = current_for(area).unwrap();
            assert_eq!(template.area, area);
            assert!(template.items().count() >= 20);
            assert_eq!(find(&template.reference()), Some(template));
        }
        assert_eq!(current().len(), Area::ALL.len());
    }

    #[test]
    fn a_received_version_becomes_current_and_the_old_one_stays_findable() {
        let old = current_for(Area::Gas).unwrap();
        let mut next = old.clone();
        next.version += 1;
        next.title.zh.push_str("(修订)");
        receive(vec![next.clone()]);
        assert_eq!(current_for(Area::Gas), Some(next.clone()));
        assert_eq!(current().len(), Area::ALL.len());
        assert_eq!(find(&old.reference()), Some(old.clone()));
        assert_eq!(find(&next.reference()), Some(next));
        receive(Vec::new());
        assert_eq!(current_for(Area::Gas), Some(old));
    }
}
