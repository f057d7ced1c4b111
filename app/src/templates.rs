//! The built-in checklist templates: parsed and validated from `domain/templates/*.toml` when
//! the app is built (build.rs), embedded as JSON, read once when first needed.

use anxun_domain::{
    site::Area,
    template::{Template, TemplateRef},
};

const EMBEDDED: &str = include_str!(concat!(env!("OUT_DIR"), "/templates.json"));

thread_local! {
    static BUILTIN: Vec<Template> = {
        #[allow(clippy::expect_used)]
        serde_json::from_str(EMBEDDED).expect("build.rs embeds valid templates")
    };
}

/// The built-in templates, one per area in [`Area::ALL`] order.
pub fn builtin() -> Vec<Template> {
    BUILTIN.with(Clone::clone)
}

/// The built-in template for an area.
pub fn builtin_for(area: Area) -> Option<Template> {
    BUILTIN.with(|all| all.iter().find(|t| t.area == area).cloned())
}

/// The built-in template with this id and version, if it is on the device.
pub fn find(reference: &TemplateRef) -> Option<Template> {
    BUILTIN.with(|all| all.iter().find(|t| t.reference() == *reference).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_area_has_its_template() {
        for area in Area::ALL {
            let template = builtin_for(area).unwrap();
            assert_eq!(template.area, area);
            assert!(template.items().count() >= 20);
            assert_eq!(find(&template.reference()), Some(template));
        }
        assert_eq!(builtin().len(), Area::ALL.len());
    }
}
