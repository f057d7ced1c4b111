use crate::{
    helpers::{Backend, Options, spawn},
    on_both_backends,
};

async fn reports_version_and_backend(backend: Backend) {
    let app = spawn(&backend, Options::default()).await;
    let response = app.get("/api/health").await;
    assert_eq!(response.status(), 200);
    let health: serde_json::Value = response.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["database"], backend.name());
    assert_eq!(health["blob_store"], "local");
    assert_eq!(health["app_built"], true);
}
on_both_backends!(
    health_reports_version_and_backend,
    reports_version_and_backend
);

async fn unknown_api_paths_are_json_404s(backend: Backend) {
    let app = spawn(&backend, Options::default()).await;
    for path in ["/api/nope", "/api", "/api/sites/123/nothing"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "not_found");
        assert!(body["message"].as_str().unwrap().contains(path));
    }
}
on_both_backends!(unknown_api_paths, unknown_api_paths_are_json_404s);
