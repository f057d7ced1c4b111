//! In-browser tests (wasm-bindgen-test in headless Chromium): the app mounts in Chinese,
//! switches language and remembers it; the domain's ids work with the browser's randomness.

#![allow(clippy::unwrap_used)]

use anxun_domain::ids::InspectionId;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn text_of(selector: &str) -> String {
    document()
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

async fn settle() {
    for _ in 0..5 {
        leptos::task::tick().await;
    }
}

#[wasm_bindgen_test]
fn uuid_v7_ids_are_generated_in_the_browser() {
    let first = InspectionId::generate();
    let second = InspectionId::generate();
    assert_ne!(first, second);
    assert_eq!(first.as_uuid().get_version_num(), 7);
    assert!(
        first.as_uuid() < second.as_uuid(),
        "v7 ids sort by creation time"
    );
    assert_eq!(InspectionId::parse(&first.to_string()).unwrap(), first);
}

#[wasm_bindgen_test]
async fn the_app_mounts_in_chinese_and_switches_to_english_and_back() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.clear().unwrap();

    leptos::mount::mount_to_body(anxun_app::App);
    settle().await;
    let root = document().document_element().unwrap();
    assert_eq!(root.get_attribute("lang").as_deref(), Some("zh-CN"));
    assert_eq!(text_of(".brand-name"), "安巡");
    assert_eq!(text_of("[data-testid=nav-sites] .nav-label"), "场所");

    let switch: web_sys::HtmlElement = document()
        .query_selector("[data-testid=language-switch]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    switch.click();
    settle().await;
    assert_eq!(root.get_attribute("lang").as_deref(), Some("en"));
    assert_eq!(text_of(".brand-name"), "Anxun");
    assert_eq!(text_of("[data-testid=nav-sites] .nav-label"), "Sites");
    assert_eq!(
        storage.get_item("anxun.locale").unwrap().as_deref(),
        Some("en")
    );

    switch.click();
    settle().await;
    assert_eq!(text_of(".brand-name"), "安巡");
    assert_eq!(
        storage.get_item("anxun.locale").unwrap().as_deref(),
        Some("zh-CN")
    );
}
