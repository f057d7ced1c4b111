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

#[wasm_bindgen_test]
fn a_scanned_code_opens_a_site_on_the_device_or_says_why_not() {
    use anxun_app::scan::Scanned;
    use anxun_domain::{ids::SiteId, site::link::site_link};
    let here = SiteId::generate();
    let elsewhere = SiteId::generate();
    let on_device = [here];
    let link = site_link("https://anxun.example.gov.cn", here);
    assert_eq!(Scanned::of(&link, &on_device), Scanned::Open(here));
    assert_eq!(
        Scanned::of(&site_link("http://127.0.0.1:8080/", here), &on_device),
        Scanned::Open(here)
    );
    assert_eq!(
        Scanned::of(
            &site_link("https://anxun.example.gov.cn", elsewhere),
            &on_device
        ),
        Scanned::NotOnDevice(elsewhere)
    );
    assert_eq!(
        Scanned::of("https://pay.example.com/?id=42", &on_device),
        Scanned::NotASite
    );
    assert_eq!(Scanned::of("", &on_device), Scanned::NotASite);
}

#[wasm_bindgen_test]
fn camera_failures_are_told_apart_and_frames_become_greyscale() {
    use anxun_app::scan::{CameraError, luma};
    assert_eq!(
        CameraError::from_name("NotAllowedError", ""),
        CameraError::Denied
    );
    assert_eq!(
        CameraError::from_name("NotFoundError", ""),
        CameraError::NoCamera
    );
    assert_eq!(
        CameraError::from_name("NotReadableError", ""),
        CameraError::NoCamera
    );
    assert_eq!(
        CameraError::from_name("TypeError", ""),
        CameraError::Unsupported
    );
    assert!(matches!(
        CameraError::from_name("WeirdError", "x"),
        CameraError::Other(_)
    ));
    // White, black, pure red, green and blue (BT.601 weights).
    let rgba = [
        255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255,
    ];
    assert_eq!(luma(&rgba), [255, 0, 76, 149, 28]);
}
