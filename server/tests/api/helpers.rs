//! Spawning the application for a test: a fresh data directory, a fresh database, a tiny
//! built app in a static directory, port 0.

use anxun_server::{
    config::{Args, Settings},
    startup::{Announcement, Application},
    store::Db,
};
use clap::Parser;
use std::path::Path;
use tempfile::TempDir;

/// Which database a test runs against.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// PostgreSQL from `ANXUN_TEST_POSTGRES_URL`, with a fresh database for this test.
    /// Without the variable, the test is skipped with a message, unless
    /// `ANXUN_REQUIRE_POSTGRES=1` (as `cargo xtask test` sets), which makes it a failure.
    pub async fn postgres() -> Option<Backend> {
        let Ok(admin_url) = std::env::var("ANXUN_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("ANXUN_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "ANXUN_REQUIRE_POSTGRES=1 but ANXUN_TEST_POSTGRES_URL is not set"
            );
            eprintln!("postgres tests skipped: set ANXUN_TEST_POSTGRES_URL");
            return None;
        };
        let name = format!("anxun_test_{}", uuid::Uuid::new_v4().simple());
        let pool = sqlx::PgPool::connect(&admin_url).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        Some(Backend::Postgres(format!("{base}/{name}")))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

/// Runs a test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $test:path) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                $test($crate::helpers::Backend::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(backend) = $crate::helpers::Backend::postgres().await {
                    $test(backend).await;
                }
            }
        }
    };
}

/// Where a test's photos are kept.
#[derive(Debug, Clone, Default)]
pub enum Photos {
    /// Local files under `<data-dir>/photos` (the default).
    #[default]
    Files,
    /// A prefix of its own in a bucket of a real S3-compatible server.
    S3(S3Prefix),
}

/// A bucket on an S3-compatible server, and the key prefix this test uses in it.
#[derive(Debug, Clone)]
pub struct S3Prefix {
    pub endpoint: String,
    pub bucket: String,
    pub prefix: String,
}

/// Test credentials of the S3-compatible test server (it accepts any).
pub const S3_ACCESS_KEY_ID: &str = "anxun-test";
pub const S3_SECRET_ACCESS_KEY: &str = "anxun-test-secret";
pub const S3_REGION: &str = "us-east-1";

impl Photos {
    /// The S3-compatible server at `ANXUN_TEST_S3_ENDPOINT` (its bucket
    /// `ANXUN_TEST_S3_BUCKET`, default `anxun-test`, must exist: `cargo xtask test` creates
    /// it), with a fresh key prefix for this test. Without the variable, the test is skipped
    /// with a message, unless `ANXUN_REQUIRE_S3=1` (as `cargo xtask test` sets).
    pub fn s3() -> Option<Photos> {
        let Ok(endpoint) = std::env::var("ANXUN_TEST_S3_ENDPOINT") else {
            assert!(
                std::env::var("ANXUN_REQUIRE_S3").as_deref() != Ok("1"),
                "ANXUN_REQUIRE_S3=1 but ANXUN_TEST_S3_ENDPOINT is not set"
            );
            eprintln!("S3 tests skipped: set ANXUN_TEST_S3_ENDPOINT");
            return None;
        };
        let bucket =
            std::env::var("ANXUN_TEST_S3_BUCKET").unwrap_or_else(|_| "anxun-test".to_owned());
        Some(Photos::S3(S3Prefix {
            endpoint,
            bucket,
            prefix: format!("test-{}", uuid::Uuid::new_v4().simple()),
        }))
    }

    /// The server's command-line arguments for this store.
    fn args(&self) -> Vec<String> {
        match self {
            Photos::Files => Vec::new(),
            Photos::S3(s3) => vec![
                "--photo-store".into(),
                format!("s3://{}/{}", s3.bucket, s3.prefix),
                "--s3-endpoint".into(),
                s3.endpoint.clone(),
                "--s3-region".into(),
                S3_REGION.into(),
                "--s3-access-key-id".into(),
                S3_ACCESS_KEY_ID.into(),
                "--s3-secret-access-key".into(),
                S3_SECRET_ACCESS_KEY.into(),
            ],
        }
    }
}

/// Runs a test body that stores photos on SQLite and PostgreSQL, each with local files and
/// with a real S3-compatible server.
#[macro_export]
macro_rules! on_every_store {
    ($name:ident, $test:path) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite_files() {
                $test(
                    $crate::helpers::Backend::Sqlite,
                    $crate::helpers::Photos::Files,
                )
                .await;
            }
            #[tokio::test]
            async fn postgres_files() {
                if let Some(backend) = $crate::helpers::Backend::postgres().await {
                    $test(backend, $crate::helpers::Photos::Files).await;
                }
            }
            #[tokio::test]
            async fn sqlite_s3() {
                if let Some(photos) = $crate::helpers::Photos::s3() {
                    $test($crate::helpers::Backend::Sqlite, photos).await;
                }
            }
            #[tokio::test]
            async fn postgres_s3() {
                if let Some(photos) = $crate::helpers::Photos::s3()
                    && let Some(backend) = $crate::helpers::Backend::postgres().await
                {
                    $test(backend, photos).await;
                }
            }
        }
    };
}

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub announcements: Vec<String>,
    pub data_dir: TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Asserts an error response's status and code, and returns its message.
pub async fn error(response: reqwest::Response, status: u16, code: &str) -> String {
    let actual = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(actual, status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    body["message"].as_str().unwrap().to_owned()
}

impl TestApp {
    /// Creates an inspector with this scope and starts a day-long session for them: their id
    /// and the session token.
    pub async fn signed_in_inspector(
        &self,
        username: &str,
        display_name: &str,
        scope: &anxun_domain::region::Scope,
    ) -> (anxun_domain::ids::UserId, String) {
        self.signed_in(
            username,
            display_name,
            anxun_domain::role::Role::Inspector,
            scope,
        )
        .await
    }

    /// Creates a user with this role and scope and starts a day-long session for them: their
    /// id and the session token.
    pub async fn signed_in(
        &self,
        username: &str,
        display_name: &str,
        role: anxun_domain::role::Role,
        scope: &anxun_domain::region::Scope,
    ) -> (anxun_domain::ids::UserId, String) {
        let id = anxun_server::accounts::create_user(
            &self.db,
            &anxun_server::accounts::Username::parse(username).unwrap(),
            display_name,
            role,
            scope,
            "inspector-password-1",
            false,
        )
        .await
        .unwrap();
        let (token, _) = anxun_server::auth::start_session(
            &self.db,
            id,
            chrono::TimeDelta::days(1),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        (id, token.as_str().to_owned())
    }
}

/// Options for [`spawn`].
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub demo: bool,
    pub demo_password: Option<String>,
    pub admin_password: Option<String>,
    /// Reuse this data directory (to start a second time on the same database).
    pub data_dir: Option<std::path::PathBuf>,
    /// Where photos are kept.
    pub photos: Photos,
}

/// Starts the application on 127.0.0.1:0 with a fresh data directory and a built app.
pub async fn spawn(backend: &Backend, options: Options) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let data_path = options
        .data_dir
        .clone()
        .unwrap_or_else(|| data_dir.path().join("data"));
    let static_dir = data_dir.path().join("dist");
    write_fake_app(&static_dir);
    let mut args = vec![
        "anxun-server".to_owned(),
        "--bind".into(),
        "127.0.0.1:0".into(),
        "--data-dir".into(),
        data_path.display().to_string(),
        "--static-dir".into(),
        static_dir.display().to_string(),
    ];
    if let Backend::Postgres(url) = backend {
        args.extend(["--database-url".into(), url.clone()]);
    }
    args.extend(options.photos.args());
    if options.demo {
        args.push("--demo".into());
    }
    if let Some(password) = &options.demo_password {
        args.extend(["--demo-password".into(), password.clone()]);
    }
    if let Some(password) = &options.admin_password {
        args.extend(["--admin-password".into(), password.clone()]);
    }
    let settings = Settings::from_args(Args::parse_from(args)).unwrap();
    let app = Application::build(&settings).await.unwrap();
    let address = format!("http://{}", app.local_addr().unwrap());
    let db = app.db().clone();
    let announcements = app
        .announcements()
        .iter()
        .map(|announcement| match announcement {
            Announcement::FirstAdmin(_) => "first_admin".to_owned(),
            Announcement::Demo(seeded) => format!("demo:{seeded:?}"),
        })
        .collect();
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stop.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        announcements,
        data_dir,
        shutdown: Some(shutdown),
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }

    /// `GET` with `Authorization: Bearer <token>`.
    pub async fn get_signed_in(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// `PUT /api/photos/{hash}` with `bytes`, signed in when `token` is given.
    pub async fn put_photo(
        &self,
        token: Option<&str>,
        hash: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let request = self
            .client
            .put(format!("{}/api/photos/{hash}", self.address))
            .header("content-type", content_type)
            .body(bytes);
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        request.send().await.unwrap()
    }

    /// `HEAD /api/photos/{hash}`, signed in.
    pub async fn head_photo(&self, token: &str, hash: &str) -> reqwest::Response {
        self.client
            .head(format!("{}/api/photos/{hash}", self.address))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// `POST` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// The inline script of the fake index.html (its hash must appear in the CSP).
pub const INLINE_SCRIPT: &str = "import init from '/anxun-app-0123456789abcdef.js'; await init();";

/// The inline script of the fake console's index.html (its own policy).
pub const CONSOLE_INLINE_SCRIPT: &str =
    "import init from '/console/anxun-console-0123456789abcdef.js'; await init();";

/// A miniature Trunk build: index.html with an inline module script, hashed JS, wasm, CSS,
/// the manifest and the service worker shim; and the console's bundle in `console/`.
fn write_fake_app(dir: &Path) {
    std::fs::create_dir_all(dir.join("console")).unwrap();
    std::fs::write(
        dir.join("console/index.html"),
        format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>安巡 · 监管台</title>\
             <script type=\"module\">{CONSOLE_INLINE_SCRIPT}</script></head><body></body></html>"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("console/anxun-console-0123456789abcdef.js"),
        "export default async function init() { return 2; }\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let index = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>安巡</title>\
         <link rel=\"manifest\" href=\"/manifest.webmanifest\">\
         <script type=\"module\">{INLINE_SCRIPT}</script></head><body></body></html>"
    );
    std::fs::write(dir.join("index.html"), index).unwrap();
    let js = "export default async function init() { return 1; }\n".repeat(40);
    std::fs::write(dir.join("anxun-app-0123456789abcdef.js"), js).unwrap();
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(0u8, 4096));
    std::fs::write(dir.join("anxun-app-0123456789abcdef_bg.wasm"), wasm).unwrap();
    std::fs::write(
        dir.join("main-fedcba9876543210.css"),
        "body { color: black; }\n".repeat(20),
    )
    .unwrap();
    std::fs::write(
        dir.join("manifest.webmanifest"),
        "{\"name\":\"安巡\",\"short_name\":\"安巡\",\"start_url\":\"/\"}",
    )
    .unwrap();
    std::fs::write(
        dir.join("sw.js"),
        "self.addEventListener('install', () => {});",
    )
    .unwrap();
}
