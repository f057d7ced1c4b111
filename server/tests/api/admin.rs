//! Administration: creating and listing users, importing the site registry (CSV and XLSX).

use crate::{
    helpers::{Backend, Options, TestApp, error, spawn},
    on_both_backends,
};
use anxun_domain::api::{
    ADMIN_SITES_IMPORT_PATH, ADMIN_USERS_PATH, ImportRowStatus, LOGIN_PATH, LoginResponse,
    MAX_IMPORT_BYTES, SiteImportReport, UserSummary, UsersResponse,
};
use serde_json::{Value, json};

const DEMO_PASSWORD: &str = "demo-password-1";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The demo district: demo-admin (district scope), demo-supervisor, demo-inspector.
async fn demo(backend: &Backend) -> TestApp {
    spawn(
        backend,
        Options {
            demo: true,
            demo_password: Some(DEMO_PASSWORD.to_owned()),
            ..Options::default()
        },
    )
    .await
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> String {
    let response = app
        .post_json(
            LOGIN_PATH,
            &json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(response.status(), 200, "{username}");
    response.json::<LoginResponse>().await.unwrap().token
}

async fn create_user(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}{ADMIN_USERS_PATH}", app.address))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn import(
    app: &TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(format!("{}{ADMIN_SITES_IMPORT_PATH}{query}", app.address))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

fn grid_scope() -> Value {
    json!({"level": "grid", "district": "demo-district", "street": "demo-s1", "grid": "demo-s1-g1"})
}

async fn an_admin_creates_a_user_who_can_then_sign_in(backend: Backend) {
    let app = demo(&backend).await;
    let admin = sign_in(&app, "demo-admin", DEMO_PASSWORD).await;
    let response = create_user(
        &app,
        &admin,
        &json!({
            "username": " Wang-Grid ",
            "display_name": "王网格员",
            "password": "a-long-password",
            "role": "inspector",
            "scope": grid_scope(),
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let created: UserSummary = response.json().await.unwrap();
    assert_eq!(created.username, "wang-grid");
    assert_eq!(created.display_name, "王网格员");
    assert!(!created.disabled);

    let token = sign_in(&app, "wang-grid", "a-long-password").await;
    let me: Value = app
        .get_signed_in("/api/auth/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], created.id.to_string());
    assert_eq!(me["role"], "inspector");
    assert_eq!(me["scope"], grid_scope());

    let response = app.get_signed_in(ADMIN_USERS_PATH, &admin).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(!text.contains("argon2"), "{text}");
    let users: UsersResponse = serde_json::from_str(&text).unwrap();
    let names: Vec<&str> = users.users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(
        names,
        [
            "demo-admin",
            "demo-inspector",
            "demo-supervisor",
            "wang-grid"
        ]
    );
}
on_both_backends!(
    an_admin_creates_a_user_who_can_then_sign_in,
    an_admin_creates_a_user_who_can_then_sign_in
);

async fn only_administrators_may_administer(backend: Backend) {
    let app = demo(&backend).await;
    let user = json!({
        "username": "zhao", "display_name": "赵", "password": "a-long-password",
        "role": "inspector", "scope": grid_scope(),
    });
    for username in ["demo-supervisor", "demo-inspector"] {
        let token = sign_in(&app, username, DEMO_PASSWORD).await;
        error(create_user(&app, &token, &user).await, 403, "forbidden").await;
        error(
            app.get_signed_in(ADMIN_USERS_PATH, &token).await,
            403,
            "forbidden",
        )
        .await;
        let csv =
            "名称,地址,区,街道,网格,行业/检查领域\n甲,路1号,demo-district,demo-s1,demo-s1-g1,gas\n";
        error(
            import(&app, &token, "", "text/csv", csv.into()).await,
            403,
            "forbidden",
        )
        .await;
    }
    error(app.get(ADMIN_USERS_PATH).await, 401, "unauthorized").await;
    error(
        app.post_json(ADMIN_USERS_PATH, &user).await,
        401,
        "unauthorized",
    )
    .await;
    assert!(app.db.user_by_username("zhao").await.unwrap().is_none());
    assert_eq!(app.db.site_count(None).await.unwrap(), 20);
}
on_both_backends!(
    only_administrators_may_administer,
    only_administrators_may_administer
);

async fn new_users_are_checked(backend: Backend) {
    let app = demo(&backend).await;
    let admin = sign_in(&app, "demo-admin", DEMO_PASSWORD).await;
    let user = |username: &str, password: &str, scope: Value| {
        json!({"username": username, "display_name": "某人", "password": password,
               "role": "supervisor", "scope": scope})
    };
    let message = error(
        create_user(
            &app,
            &admin,
            &user("demo-inspector", "a-long-password", grid_scope()),
        )
        .await,
        409,
        "username_taken",
    )
    .await;
    assert!(message.contains("demo-inspector"), "{message}");
    let message = error(
        create_user(&app, &admin, &user("qian", "short", grid_scope())).await,
        422,
        "invalid",
    )
    .await;
    assert!(message.starts_with("password"), "{message}");
    let message = error(
        create_user(
            &app,
            &admin,
            &user("1qian", "a-long-password", grid_scope()),
        )
        .await,
        422,
        "invalid",
    )
    .await;
    assert!(message.starts_with("username"), "{message}");
    // Regions must exist, each inside its parent.
    let unknown = json!({"level": "street", "district": "demo-district", "street": "demo-s9"});
    error(
        create_user(&app, &admin, &user("qian", "a-long-password", unknown)).await,
        422,
        "invalid",
    )
    .await;
    // A district administrator cannot hand out the city or another district.
    for scope in [
        json!({"level": "city"}),
        json!({"level": "district", "district": "other-district"}),
    ] {
        error(
            create_user(&app, &admin, &user("qian", "a-long-password", scope)).await,
            403,
            "forbidden",
        )
        .await;
    }
    let response = app
        .client
        .post(format!("{}{ADMIN_USERS_PATH}", app.address))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    error(response, 400, "bad_json").await;
    assert!(app.db.user_by_username("qian").await.unwrap().is_none());
}
on_both_backends!(new_users_are_checked, new_users_are_checked);

const HEADER: &str = "名称,统一社会信用代码,地址,区,街道,网格,行业/检查领域,场所类型,联系人,电话\n";

/// Two good rows (by code and by name) and two bad ones.
fn registry() -> String {
    format!(
        "{HEADER}\
         新开饭店,91350100M000100Y43,滨江路200号,demo-district,demo-s1,demo-s1-g1,城镇燃气,餐饮,周六,13800000011\n\
         坏代码,91350100M000100Y44,滨江路201号,demo-district,demo-s1,demo-s1-g1,燃气,餐饮,,\n\
         园区仓库,,工业路9号,演示区（Demo District）,工业园街道（演示）,demo-s2-g2,厂房仓库、电动自行车,仓库,,\n\
         ,,渡口路1号,demo-district,demo-s9,demo-s1-g1,水务,,,12345\n"
    )
}

fn statuses(report: &SiteImportReport) -> Vec<ImportRowStatus> {
    report.rows.iter().map(|row| row.status).collect()
}

async fn a_csv_import_writes_the_good_rows_and_reports_the_bad_ones(backend: Backend) {
    let app = demo(&backend).await;
    let admin = sign_in(&app, "demo-admin", DEMO_PASSWORD).await;
    let response = import(
        &app,
        &admin,
        "",
        "text/csv; charset=utf-8",
        registry().into(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let report: SiteImportReport = response.json().await.unwrap();
    assert!(!report.dry_run);
    assert_eq!((report.created, report.updated, report.invalid), (2, 0, 2));
    use ImportRowStatus::{Created, Invalid, Updated};
    assert_eq!(statuses(&report), [Created, Invalid, Created, Invalid]);
    assert_eq!(
        report.rows.iter().map(|row| row.row).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    let bad_code = &report.rows[1];
    assert_eq!(bad_code.name.as_deref(), Some("坏代码"));
    assert_eq!(bad_code.errors.len(), 1);
    assert_eq!(bad_code.errors[0].field, "credit_code");
    assert_eq!(
        bad_code.errors[0].header.as_deref(),
        Some("统一社会信用代码")
    );
    assert!(bad_code.errors[0].message.contains("check character"));
    let fields: Vec<&str> = report.rows[3]
        .errors
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["name", "street", "areas", "phone"]);

    // The good rows are sites now, as the domain reads them.
    assert_eq!(app.db.site_count(None).await.unwrap(), 22);
    let sites = app.db.sites().await.unwrap();
    let restaurant = sites
        .iter()
        .find(|site| site.name().as_str() == "新开饭店")
        .unwrap();
    assert_eq!(Some(restaurant.id()), report.rows[0].site);
    assert_eq!(
        restaurant.credit_code().unwrap().as_str(),
        "91350100M000100Y43"
    );
    let warehouse = sites
        .iter()
        .find(|site| site.name().as_str() == "园区仓库")
        .unwrap();
    assert_eq!(warehouse.region().street.as_str(), "demo-s2");
    assert_eq!(warehouse.areas().len(), 2);

    // Importing the corrected file again updates those sites instead of duplicating them.
    let corrected = registry()
        .replace("91350100M000100Y44", "")
        .replace(
            ",demo-s9,demo-s1-g1,水务,,,12345",
            ",demo-s1,demo-s1-g1,燃气,,,",
        )
        .replace("\n,,渡口路1号", "\n渡口小吃,,渡口路1号");
    let report: SiteImportReport = import(&app, &admin, "", "text/csv", corrected.into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(statuses(&report), [Updated, Created, Updated, Created]);
    assert_eq!(report.rows[0].site, Some(restaurant.id()));
    assert_eq!(app.db.site_count(None).await.unwrap(), 24);
}
on_both_backends!(
    a_csv_import_writes_the_good_rows_and_reports_the_bad_ones,
    a_csv_import_writes_the_good_rows_and_reports_the_bad_ones
);

async fn a_dry_run_writes_nothing(backend: Backend) {
    let app = demo(&backend).await;
    let admin = sign_in(&app, "demo-admin", DEMO_PASSWORD).await;
    let response = import(&app, &admin, "?dry_run=true", "text/csv", registry().into()).await;
    assert_eq!(response.status(), 200);
    let report: SiteImportReport = response.json().await.unwrap();
    assert!(report.dry_run);
    assert_eq!((report.created, report.updated, report.invalid), (2, 0, 2));
    assert_eq!(app.db.site_count(None).await.unwrap(), 20);
    error(
        import(
            &app,
            &admin,
            "?dry_run=maybe",
            "text/csv",
            registry().into(),
        )
        .await,
        400,
        "bad_query",
    )
    .await;
}
on_both_backends!(a_dry_run_writes_nothing, a_dry_run_writes_nothing);

async fn an_xlsx_import_reads_the_first_worksheet(backend: Backend) {
    let app = demo(&backend).await;
    let admin = sign_in(&app, "demo-admin", DEMO_PASSWORD).await;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    // A title row above the header, as registries often have.
    sheet.write_string(0, 0, "演示区场所台账").unwrap();
    let header = [
        "名称",
        "地址",
        "区",
        "街道",
        "网格",
        "行业/检查领域",
        "联系人",
        "电话",
    ];
    for (column, text) in header.iter().enumerate() {
        sheet.write_string(1, column as u16, *text).unwrap();
    }
    let rows = [
        [
            "新村车棚",
            "新村路5号",
            "demo-district",
            "demo-s3",
            "demo-s3-g1",
            "电动自行车",
            "钱七",
        ],
        [
            "无网格",
            "新村路6号",
            "demo-district",
            "demo-s3",
            "",
            "电动自行车",
            "",
        ],
    ];
    for (i, row) in rows.iter().enumerate() {
        let line = 2 + i as u32;
        for (column, text) in row.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(line, column as u16, *text).unwrap();
            }
        }
    }
    // A phone number typed as a number.
    sheet.write_number(2, 7, 13800000012.0).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let response = import(&app, &admin, "", XLSX, bytes).await;
    assert_eq!(response.status(), 200);
    let report: SiteImportReport = response.json().await.unwrap();
    assert_eq!((report.created, report.invalid), (1, 1));
    assert_eq!(report.rows[0].row, 3);
    assert_eq!(report.rows[1].row, 4);
    assert_eq!(report.rows[1].errors[0].field, "grid");
    let sites = app.db.sites().await.unwrap();
    let site = sites
        .iter()
        .find(|site| site.name().as_str() == "新村车棚")
        .unwrap();
    let contact = site.responsible().unwrap();
    assert_eq!(contact.name.as_str(), "钱七");
    assert_eq!(contact.phone.as_ref().unwrap().as_str(), "13800000012");
}
on_both_backends!(
    an_xlsx_import_reads_the_first_worksheet,
    an_xlsx_import_reads_the_first_worksheet
);

async fn bad_files_are_clear_4xx_errors(backend: Backend) {
    let app = demo(&backend).await;
    let admin = sign_in(&app, "demo-admin", DEMO_PASSWORD).await;
    error(
        import(&app, &admin, "", "application/json", b"{}".to_vec()).await,
        415,
        "unsupported_media_type",
    )
    .await;
    error(
        import(
            &app,
            &admin,
            "",
            XLSX,
            b"PK\x03\x04 not really a zip".to_vec(),
        )
        .await,
        400,
        "bad_file",
    )
    .await;
    error(
        import(
            &app,
            &admin,
            "",
            "text/csv",
            vec![0xff, 0xfe, b'a', 0x81, b'\n'],
        )
        .await,
        400,
        "bad_file",
    )
    .await;
    let message = error(
        import(&app, &admin, "", "text/csv", "名称,地址\n甲,路1号\n".into()).await,
        422,
        "bad_sheet",
    )
    .await;
    assert!(message.contains("网格"), "{message}");
    error(
        import(&app, &admin, "", "text/csv", HEADER.into()).await,
        422,
        "bad_sheet",
    )
    .await;
    error(
        import(&app, &admin, "", "text/csv", Vec::new()).await,
        422,
        "bad_sheet",
    )
    .await;
    error(
        import(
            &app,
            &admin,
            "",
            "text/csv",
            vec![b'a'; MAX_IMPORT_BYTES + 1],
        )
        .await,
        413,
        "body_too_large",
    )
    .await;
    assert_eq!(app.db.site_count(None).await.unwrap(), 20);
}
on_both_backends!(
    bad_files_are_clear_4xx_errors,
    bad_files_are_clear_4xx_errors
);
