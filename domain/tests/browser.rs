//! Runs in a browser (wasm32): ids are generated on the device, offline, with the browser's
//! clock and `crypto.getRandomValues`.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!  cargo test -p anxun-domain --target wasm32-unknown-unknown --test browser`
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use anxun_domain::{ids::HazardId, templates};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn uuid_v7_is_generated_in_the_browser() {
    let ids: Vec<HazardId> = (0..100).map(|_| HazardId::generate()).collect();
    for id in &ids {
        assert_eq!(id.as_uuid().get_version_num(), 7);
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    // The timestamp comes from the browser clock: after 2024-01-01.
    let (secs, _) = ids[0].as_uuid().get_timestamp().unwrap().to_unix();
    assert!(secs > 1_704_067_200);
}

#[wasm_bindgen_test]
fn builtin_templates_load_in_the_browser() {
    assert_eq!(templates::builtin().len(), 3);
}
