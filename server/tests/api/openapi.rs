//! `GET /api/openapi.json`: an OpenAPI 3 document that lists every route the router has.

use crate::{
    helpers::{Backend, Options, spawn},
    on_both_backends,
};
use anxun_domain::api::OPENAPI_PATH;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every `(method, path)` registered in the router: `startup::api_routes` is the one place
/// where API routes are registered, and `routes!` takes each route from its handler's
/// documentation, so this list is the router's.
fn routed() -> BTreeSet<(String, String)> {
    let document = anxun_server::startup::api_routes().into_openapi();
    let document = serde_json::to_value(&document).unwrap();
    operations(&document)
}

/// The `(method, path)` of every operation of a document.
fn operations(document: &Value) -> BTreeSet<(String, String)> {
    document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|key| {
                    [
                        "get", "put", "post", "delete", "options", "head", "patch", "trace",
                    ]
                    .contains(&key.as_str())
                })
                .map(|method| (method.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every `$ref` in the document, with where it is.
fn refs(value: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => found.push((at.to_owned(), target.clone())),
                    _ => refs(value, &format!("{at}/{key}"), found),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                refs(item, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

async fn the_document_is_openapi_3_and_lists_every_route(backend: Backend) {
    let app = spawn(&backend, Options::default()).await;
    let response = app.get(OPENAPI_PATH).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let document: Value = response.json().await.unwrap();

    // OpenAPI 3, with the fields every document needs.
    let version = document["openapi"].as_str().unwrap();
    assert!(version.starts_with("3."), "{version}");
    assert!(
        document["info"]["title"]
            .as_str()
            .unwrap()
            .contains("Anxun")
    );
    assert!(document["info"]["version"].is_string());
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    // Every reference resolves.
    let mut found = Vec::new();
    refs(&document, "#", &mut found);
    assert!(!found.is_empty());
    for (at, target) in &found {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{at}: external reference {target}"));
        assert!(
            document.pointer(pointer).is_some(),
            "{at}: {target} does not resolve"
        );
    }

    // Every route the router has is documented, and nothing else.
    let documented = operations(&document);
    let routed = routed();
    assert!(routed.len() >= 13, "{routed:?}");
    assert_eq!(documented, routed);

    let mut operation_ids = BTreeSet::new();
    for (method, path) in &documented {
        let operation = &document["paths"][path][method];
        let name = format!("{method} {path}");
        assert!(
            operation_ids.insert(operation["operationId"].as_str().unwrap().to_owned()),
            "{name}: operationId not unique"
        );
        let responses = operation["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|status| status.starts_with('2')),
            "{name}: no success response"
        );
        // Errors are described with their JSON body.
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{name} {status}"
                );
            }
        }
        // Endpoints that need a session say so, and document the 401.
        if operation["security"].is_array() {
            assert_eq!(operation["security"][0]["bearer"], Value::Array(vec![]));
            assert!(responses.contains_key("401"), "{name}: no 401");
        }

        // The router answers the documented method at the documented path (not the JSON 404
        // of unknown API paths, not 405).
        let url = format!(
            "{}{}",
            app.address,
            path.replace("{sha256}", &"0".repeat(64))
        );
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = app.client.request(method, url).send().await.unwrap();
        assert_ne!(response.status(), 405, "{name}");
        if response.status() == 404 && !path.contains("{sha256}") {
            panic!("{name}: answered 404");
        }
    }

    // Sign-in and public endpoints need no session; the others do.
    for path in [
        "/api/health",
        "/api/templates",
        "/api/auth/login",
        OPENAPI_PATH,
    ] {
        let item = document["paths"][path].as_object().unwrap();
        assert!(
            item.values().all(|op| op.get("security").is_none()),
            "{path}"
        );
    }
    for path in ["/api/sync/push", "/api/admin/users", "/api/photos/{sha256}"] {
        let item = document["paths"][path].as_object().unwrap();
        assert!(item.values().all(|op| op["security"].is_array()), "{path}");
    }

    // The wire types are real schemas, not placeholders.
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for name in [
        "Site",
        "Inspection",
        "HazardEvent",
        "PushRequest",
        "PushResponse",
        "PullResponse",
        "PullQuery",
        "OutboxEntry",
        "Template",
        "LoginResponse",
        "CreateUserRequest",
        "UsersResponse",
        "SiteImportReport",
        "ErrorBody",
    ] {
        let schema = &schemas[name];
        assert!(
            schema["properties"].is_object() || schema["oneOf"].is_array(),
            "{name}: {schema}"
        );
    }
    // Tagged enums are described as what is sent: one object per variant, with its tag.
    let mutation = schemas["Mutation"]["oneOf"].as_array().unwrap();
    assert_eq!(mutation.len(), 4);
    assert!(
        mutation
            .iter()
            .all(|variant| variant["properties"]["op"]["enum"].is_array())
    );
    // Newtypes are strings.
    for name in [
        "Text",
        "CreditCode",
        "PhoneNumber",
        "RegionCode",
        "Sha256Hex",
    ] {
        assert_eq!(schemas[name]["type"], "string", "{name}");
    }
    assert_eq!(schemas["SiteId"]["format"], "uuid");
    // The import takes the file itself.
    let import = &document["paths"]["/api/admin/sites/import"]["post"];
    assert!(import["requestBody"]["content"]["text/csv"].is_object());
    assert_eq!(import["parameters"][0]["name"], "dry_run");
}

on_both_backends!(
    the_document_is_openapi_3_and_lists_every_route,
    the_document_is_openapi_3_and_lists_every_route
);
