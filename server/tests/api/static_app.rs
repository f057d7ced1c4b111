//! Serving the built app: SPA fallback, types, caching, compression, security headers.

use crate::helpers::{Backend, CONSOLE_INLINE_SCRIPT, INLINE_SCRIPT, Options, TestApp, spawn};
use base64::Engine;
use sha2::{Digest, Sha256};

async fn app() -> TestApp {
    spawn(&Backend::Sqlite, Options::default()).await
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn app_routes_fall_back_to_index_html() {
    let app = app().await;
    for path in ["/", "/sites", "/inspections/0193abc", "/settings"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, "content-type"),
            "text/html; charset=utf-8"
        );
        assert_eq!(header(&response, "cache-control"), "no-cache");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("<title>安巡</title>")
        );
    }
}

#[tokio::test]
async fn the_console_is_served_under_console_with_its_own_index_and_policy() {
    let app = app().await;
    let console_hash =
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CONSOLE_INLINE_SCRIPT));
    let app_hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(INLINE_SCRIPT));
    for path in [
        "/console",
        "/console/",
        "/console/hazards",
        "/console/hazards/0193abc",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        let policy = header(&response, "content-security-policy");
        assert!(policy.contains(&console_hash), "{path}: {policy}");
        assert!(!policy.contains(&app_hash), "{path}: {policy}");
        assert!(response.text().await.unwrap().contains("监管台"), "{path}");
    }
    let asset = app.get("/console/anxun-console-0123456789abcdef.js").await;
    assert_eq!(asset.status(), 200);
    assert!(header(&asset, "cache-control").contains("immutable"));
    assert!(header(&asset, "content-security-policy").contains(&console_hash));
    // A missing console file is a 404, never either bundle's HTML.
    let missing = app.get("/console/anxun-console-ffffffffffffffff.js").await;
    assert_eq!(missing.status(), 404);
    // The field app's routes still get the field app, even one that starts like the console.
    for path in ["/sites", "/consoles"] {
        let response = app.get(path).await;
        let policy = header(&response, "content-security-policy");
        assert!(policy.contains(&app_hash), "{path}: {policy}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("<title>安巡</title>"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn missing_files_are_404_not_html() {
    let app = app().await;
    let response = app.get("/anxun-app-ffffffffffffffff.js").await;
    assert_eq!(response.status(), 404);
    assert!(!header(&response, "content-type").contains("html"));
}

#[tokio::test]
async fn files_have_their_types_and_cache_policies() {
    let app = app().await;
    let cases = [
        ("/anxun-app-0123456789abcdef.js", "javascript", "immutable"),
        (
            "/anxun-app-0123456789abcdef_bg.wasm",
            "application/wasm",
            "immutable",
        ),
        ("/main-fedcba9876543210.css", "text/css", "immutable"),
        (
            "/manifest.webmanifest",
            "application/manifest+json",
            "no-cache",
        ),
        ("/sw.js", "javascript", "no-cache"),
    ];
    for (path, content_type, cache) in cases {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            header(&response, "content-type").contains(content_type),
            "{path}"
        );
        assert!(header(&response, "cache-control").contains(cache), "{path}");
    }
}

#[tokio::test]
async fn responses_are_compressed_with_brotli_or_gzip() {
    let app = app().await;
    for (encoding, path) in [
        ("br", "/anxun-app-0123456789abcdef_bg.wasm"),
        ("gzip", "/anxun-app-0123456789abcdef.js"),
        ("br", "/api/templates"),
        ("gzip", "/"),
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "content-encoding"), encoding, "{path}");
    }
}

#[tokio::test]
async fn every_response_carries_security_headers_and_html_a_strict_policy() {
    let app = app().await;
    let response = app.get("/").await;
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header(&response, "x-frame-options"), "DENY");
    let policy = header(&response, "content-security-policy");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(INLINE_SCRIPT));
    assert!(policy.contains(&format!("'sha256-{hash}'")), "{policy}");
    assert!(policy.contains("'wasm-unsafe-eval'"));
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("'unsafe-eval'"));
    let api = app.get("/api/health").await;
    assert_eq!(header(&api, "x-content-type-options"), "nosniff");
}

/// The app's policy: index.html's inline script by hash, wasm, same origin, no inline styles.
fn assert_app_policy(response: &reqwest::Response, path: &str) {
    assert_eq!(
        header(response, "x-content-type-options"),
        "nosniff",
        "{path}"
    );
    assert_eq!(header(response, "x-frame-options"), "DENY", "{path}");
    let policy = header(response, "content-security-policy");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(INLINE_SCRIPT));
    assert_eq!(
        policy,
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'; \
             style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; \
             worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; \
             form-action 'self'; frame-ancestors 'none'"
        ),
        "{path}"
    );
}

#[tokio::test]
async fn the_app_index_deep_links_and_assets_carry_the_app_policy() {
    let app = app().await;
    for path in [
        "/",
        "/inspections/0193abc",
        "/anxun-app-0123456789abcdef.js",
        "/anxun-app-0123456789abcdef_bg.wasm",
        "/sw.js",
        "/anxun-app-ffffffffffffffff.js",
    ] {
        assert_app_policy(&app.get(path).await, path);
    }
}

#[tokio::test]
async fn api_responses_carry_a_policy_that_allows_nothing() {
    let app = app().await;
    for path in ["/api/health", "/api/templates", "/api/nothing-here"] {
        let response = app.get(path).await;
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
        assert_eq!(
            header(&response, "content-security-policy"),
            "default-src 'none'; frame-ancestors 'none'",
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_rebuilt_index_html_gets_a_policy_with_its_new_hashes() {
    let app = app().await;
    let index = app.data_dir.path().join("dist").join("index.html");
    let rebuilt = "<!DOCTYPE html><html><head><script type=\"module\">rebuilt();</script>\
                   </head><body></body></html>";
    std::fs::write(&index, rebuilt).unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest("rebuilt();"));
    for path in ["/", "/anxun-app-0123456789abcdef.js"] {
        let policy = header(&app.get(path).await, "content-security-policy");
        assert!(
            policy.contains(&format!("'sha256-{hash}'")),
            "{path}: {policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 1, "{path}: {policy}");
    }
}

#[tokio::test]
async fn without_a_built_app_the_api_still_runs() {
    let app = app().await;
    std::fs::remove_dir_all(app.data_dir.path().join("dist")).unwrap();
    let response = app.get("/").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "app_not_built");
    assert_eq!(app.get("/api/health").await.status(), 200);
}
