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

mod publishing {
    use crate::{
        helpers::{Backend, Options, TestApp, error, spawn},
        on_both_backends,
    };
    use anxun_domain::{
        api::{ADMIN_TEMPLATES_PATH, PullResponse, SYNC_PULL_PATH, TemplatesResponse},
        region::{RegionCode, Scope},
        role::Role,
        template::Template,
        templates::BUILTIN_FILES,
    };

    /// A user with a day-long session: the session token.
    async fn user(app: &TestApp, username: &str, role: Role, scope: &Scope) -> String {
        app.signed_in(username, username, role, scope).await.1
    }

    fn district(code: &str) -> Scope {
        Scope::District {
            district: RegionCode::parse(code).unwrap(),
        }
    }

    fn grid() -> Scope {
        Scope::Grid {
            district: RegionCode::parse("demo-district").unwrap(),
            street: RegionCode::parse("demo-s1").unwrap(),
            grid: RegionCode::parse("demo-s1-g1").unwrap(),
        }
    }

    /// The shipped gas template file as version 2, with a changed title.
    fn gas_v2() -> String {
        let (_, text) = BUILTIN_FILES[0];
        assert!(
            text.contains("\nversion = 1\n"),
            "the shipped gas template is version 1"
        );
        text.replacen("\nversion = 1\n", "\nversion = 2\n", 1)
            .replacen("title_zh = \"", "title_zh = \"(2027 修订)", 1)
    }

    async fn publish(
        app: &TestApp,
        token: &str,
        content_type: &str,
        body: String,
    ) -> reqwest::Response {
        app.client
            .post(format!("{}{ADMIN_TEMPLATES_PATH}", app.address))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn pull(app: &TestApp, token: &str, cursor: u64) -> PullResponse {
        let response = app
            .get_signed_in(&format!("{SYNC_PULL_PATH}?cursor={cursor}"), token)
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    async fn pull_to_end(app: &TestApp, token: &str, mut cursor: u64) -> (u64, Vec<Template>) {
        let mut templates = Vec::new();
        loop {
            let page = pull(app, token, cursor).await;
            templates.extend(page.templates);
            cursor = page.cursor;
            if !page.more {
                return (cursor, templates);
            }
        }
    }

    async fn a_published_version_reaches_every_device_and_becomes_current(backend: Backend) {
        let app = spawn(
            &backend,
            Options {
                demo: true,
                demo_password: Some("demo-password-1".to_owned()),
                ..Options::default()
            },
        )
        .await;
        let admin = user(&app, "city-admin", Role::Admin, &Scope::City).await;
        let inspector = user(&app, "grid-inspector", Role::Inspector, &grid()).await;
        let elsewhere = user(
            &app,
            "far-inspector",
            Role::Inspector,
            &district("far-district"),
        )
        .await;
        let (before, none) = pull_to_end(&app, &inspector, 0).await;
        assert!(none.is_empty(), "nothing published yet");

        let response = publish(&app, &admin, "application/toml", gas_v2()).await;
        assert_eq!(response.status(), 201);
        let published: Template = response.json().await.unwrap();
        assert_eq!((published.id.as_str(), published.version), ("gas", 2));
        assert!(published.title.zh.starts_with("(2027 修订)"));
        // Publishing the same file again changes nothing.
        let again = publish(&app, &admin, "application/toml", gas_v2()).await;
        assert_eq!(again.status(), 200);

        // The inspector's device gets it once, above its cursor; another district's too.
        let (after, received) = pull_to_end(&app, &inspector, before).await;
        assert_eq!(received, vec![published.clone()]);
        assert!(after > before);
        let (_, nothing_more) = pull_to_end(&app, &inspector, after).await;
        assert!(nothing_more.is_empty());
        let (_, far) = pull_to_end(&app, &elsewhere, 0).await;
        assert_eq!(far, vec![published.clone()]);

        // As JSON too: the next version.
        let mut v3 = published.clone();
        v3.version = 3;
        let response = publish(
            &app,
            &admin,
            "application/json",
            serde_json::to_string(&v3).unwrap(),
        )
        .await;
        assert_eq!(response.status(), 201);

        let current: TemplatesResponse = app.get("/api/templates").await.json().await.unwrap();
        let versions: Vec<(String, u32)> = current
            .templates
            .iter()
            .map(|t| (t.id.as_str().to_owned(), t.version))
            .collect();
        assert_eq!(versions[0], ("gas".to_owned(), 3));
        assert_eq!(current.templates.len(), 3);
        let (_, both) = pull_to_end(&app, &elsewhere, 0).await;
        assert_eq!(both.iter().map(|t| t.version).collect::<Vec<_>>(), [2, 3]);
    }
    on_both_backends!(
        a_published_version_reaches_every_device_and_becomes_current,
        a_published_version_reaches_every_device_and_becomes_current
    );

    async fn bad_templates_are_refused_with_their_reasons(backend: Backend) {
        let app = spawn(&backend, Options::default()).await;
        let admin = user(&app, "city-admin", Role::Admin, &Scope::City).await;
        let district_admin = user(
            &app,
            "district-admin",
            Role::Admin,
            &district("demo-district"),
        )
        .await;
        let inspector = user(&app, "grid-inspector", Role::Inspector, &grid()).await;

        // Not a city administrator: refused before the body is read.
        for token in [&district_admin, &inspector] {
            error(
                publish(&app, token, "application/toml", gas_v2()).await,
                403,
                "forbidden",
            )
            .await;
        }
        // Broken rules are named, with the item.
        let no_basis = gas_v2().replacen("basis = [", "old_basis = [", 1);
        let message = error(
            publish(&app, &admin, "application/toml", no_basis).await,
            422,
            "invalid_template",
        )
        .await;
        assert!(message.contains("G01"), "{message}");
        let message = error(
            publish(
                &app,
                &admin,
                "application/toml",
                "id = \"gas\"\nversion = ".to_owned(),
            )
            .await,
            422,
            "invalid_template",
        )
        .await;
        assert!(!message.is_empty());
        error(
            publish(&app, &admin, "application/json", "{\"id\": 1}".to_owned()).await,
            400,
            "bad_file",
        )
        .await;
        error(
            publish(&app, &admin, "image/png", gas_v2()).await,
            415,
            "unsupported_media_type",
        )
        .await;
        // The shipped version with other content, a lower version, another area's slot.
        let (_, shipped) = BUILTIN_FILES[0];
        let changed = shipped.replacen("title_zh = \"", "title_zh = \"改", 1);
        error(
            publish(&app, &admin, "application/toml", changed).await,
            409,
            "version_taken",
        )
        .await;
        assert_eq!(
            publish(&app, &admin, "application/toml", gas_v2())
                .await
                .status(),
            201
        );
        let v1_again = gas_v2().replacen("\nversion = 2\n", "\nversion = 1\n", 1);
        error(
            publish(&app, &admin, "application/toml", v1_again).await,
            409,
            "version_taken",
        )
        .await;
        let (_, ebike) = BUILTIN_FILES[2];
        let ebike_as_new_id = ebike.replacen("id = \"ebike\"", "id = \"ebike_2027\"", 1);
        error(
            publish(&app, &admin, "application/toml", ebike_as_new_id).await,
            409,
            "area_taken",
        )
        .await;
        // Nothing refused was published.
        let current: TemplatesResponse = app.get("/api/templates").await.json().await.unwrap();
        let versions: Vec<u32> = current.templates.iter().map(|t| t.version).collect();
        assert_eq!(versions, [2, 1, 1]);
    }
    on_both_backends!(
        bad_templates_are_refused_with_their_reasons,
        bad_templates_are_refused_with_their_reasons
    );
}
