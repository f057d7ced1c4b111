use crate::helpers::{Backend, Options, spawn};

#[tokio::test]
async fn every_template_is_served_with_its_items() {
    let app = spawn(&Backend::Sqlite, Options::default()).await;
    let response = app.get("/api/templates").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let templates = body["templates"].as_array().unwrap();
    let areas: Vec<&str> = templates
        .iter()
        .map(|t| t["area"].as_str().unwrap())
        .collect();
    assert_eq!(areas, ["gas", "factory_warehouse", "ebike"]);
    for template in templates {
        assert!(template["version"].as_u64().unwrap() >= 1);
        let items: usize = template["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|section| section["items"].as_array().unwrap().len())
            .sum();
        assert!(items >= 20, "{} has {items} items", template["id"]);
    }
}
