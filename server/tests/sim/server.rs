//! The real server in process: `startup::router` over an `AppState` on SQLite and a photo
//! directory, driven with `oneshot` (no socket). A restart drops the state, closing the pool,
//! and builds it again over the same files.
//!
//! Every seed starts from a copy of one prepared database (migrated, with regions, users
//! and their sessions), so that no seed pays for migrations or password hashing.

use crate::rng::Rng;
use anxun_domain::{
    api::{PullQuery, PushRequest, SYNC_PULL_PATH, SYNC_PUSH_PATH, photo_path},
    ids::UserId,
    photo::Sha256Hex,
    region::{RegionCode, RegionPath, Scope},
    role::Role,
};
use anxun_server::{
    auth::rate_limit::{Limits, SignInLimiter},
    config::{DatabaseUrl, PhotoStoreUrl},
    photos::PhotoStore,
    startup::router,
    state::AppState,
    static_files::StaticApp,
    store::{
        Db,
        accounts::NewUser,
        regions::{Level, NewRegion},
    },
};
use axum::{Router, body::Body, extract::connect_info::MockConnectInfo, http::Request};
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
};
use tower::ServiceExt;

/// The region tree: two streets with grids in district 310104, one street in 310105.
pub const GRIDS: [(&str, &str, &str); 4] = [
    ("310104", "310104003", "310104003-G1"),
    ("310104", "310104003", "310104003-G2"),
    ("310104", "310104004", "310104004-G1"),
    ("310105", "310105003", "310105003-G1"),
];

pub fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

pub fn region_path((district, street, grid): (&str, &str, &str)) -> RegionPath {
    RegionPath {
        district: code(district),
        street: code(street),
        grid: code(grid),
    }
}

/// A user of the simulation, with a session that lasts.
#[derive(Debug, Clone)]
pub struct SimUser {
    pub id: UserId,
    pub name: &'static str,
    pub scope: Scope,
    pub token: String,
}

/// The users: two with district 310104 (one of them on two devices), one with a street of
/// it, one with district 310105.
fn user_specs() -> Vec<(&'static str, Scope)> {
    vec![
        (
            "li",
            Scope::District {
                district: code("310104"),
            },
        ),
        (
            "wang",
            Scope::Street {
                district: code("310104"),
                street: code("310104003"),
            },
        ),
        (
            "zhao",
            Scope::District {
                district: code("310105"),
            },
        ),
    ]
}

/// The prepared database every seed copies.
pub struct Fixture {
    _dir: tempfile::TempDir,
    db_file: PathBuf,
    pub users: Vec<SimUser>,
}

fn sqlite_url(file: &Path) -> DatabaseUrl {
    DatabaseUrl::Sqlite(format!("sqlite://{}", file.display()))
}

impl Fixture {
    pub async fn prepare() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db_file = dir.path().join("anxun.db");
        let db = Db::connect(&sqlite_url(&db_file)).await.unwrap();
        let mut known = Vec::new();
        for (district, street, grid) in GRIDS {
            for (code, level, parent) in [
                (district, Level::District, None),
                (street, Level::Street, Some(district)),
                (grid, Level::Grid, Some(street)),
            ] {
                if known.contains(&code) {
                    continue;
                }
                known.push(code);
                db.insert_region(&NewRegion {
                    code,
                    name: code,
                    level,
                    parent,
                    is_demo: false,
                })
                .await
                .unwrap();
            }
        }
        let mut rng = Rng::new(0x5EED);
        let now = chrono::Utc::now();
        let mut users = Vec::new();
        for (name, scope) in user_specs() {
            let id = UserId::from_parts(crate::device::epoch(), rng.bytes());
            db.insert_user(
                &NewUser {
                    id,
                    username: name,
                    display_name: name,
                    role: Role::Inspector,
                    scope: &scope,
                    // Never signed in with: sessions are started directly.
                    password_hash: "not-a-password-hash",
                    is_demo: false,
                },
                now,
            )
            .await
            .unwrap();
            let (token, _) =
                anxun_server::auth::start_session(&db, id, chrono::TimeDelta::days(3650), now)
                    .await
                    .unwrap();
            users.push(SimUser {
                id,
                name,
                scope,
                token: token.as_str().to_owned(),
            });
        }
        // Everything into the main file (seeds copy only that file).
        if let Db::Sqlite(pool) = &db {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
                .unwrap();
        }
        db.close().await;
        Fixture {
            _dir: dir,
            db_file,
            users,
        }
    }
}

/// One HTTP call a device makes.
#[derive(Debug, Clone)]
pub enum Call {
    HeadPhoto(Sha256Hex),
    PutPhoto(Sha256Hex, &'static str, Arc<Vec<u8>>),
    Push(PushRequest),
    Pull(PullQuery),
}

impl Call {
    pub fn name(&self) -> &'static str {
        match self {
            Call::HeadPhoto(_) => "HEAD photo",
            Call::PutPhoto(..) => "PUT photo",
            Call::Push(_) => "push",
            Call::Pull(_) => "pull",
        }
    }

    fn request(&self, token: &str) -> Request<Body> {
        let builder = Request::builder().header("authorization", format!("Bearer {token}"));
        match self {
            Call::HeadPhoto(hash) => builder
                .method("HEAD")
                .uri(photo_path(hash))
                .body(Body::empty()),
            Call::PutPhoto(hash, mime, bytes) => builder
                .method("PUT")
                .uri(photo_path(hash))
                .header("content-type", *mime)
                .header("content-length", bytes.len())
                .body(Body::from(bytes.as_ref().clone())),
            Call::Push(push) => builder
                .method("POST")
                .uri(SYNC_PUSH_PATH)
                .header("content-type", "application/json")
                .body(Body::from(serde_json::to_vec(push).unwrap())),
            Call::Pull(query) => {
                let mut uri = format!("{SYNC_PULL_PATH}?cursor={}", query.cursor);
                if let Some(limit) = query.limit {
                    uri.push_str(&format!("&limit={limit}"));
                }
                builder.method("GET").uri(uri).body(Body::empty())
            }
        }
        .unwrap()
    }
}

/// A response as the device sees it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: bytes::Bytes,
}

/// The server: its files and, while it runs, its state and router.
pub struct Server {
    dir: PathBuf,
    state: AppState,
    router: Router,
    pub restarts: u32,
}

impl Server {
    /// A fresh server in `dir`, from a copy of the fixture's database.
    pub async fn start(dir: &Path, fixture: &Fixture) -> Server {
        std::fs::copy(&fixture.db_file, dir.join("anxun.db")).unwrap();
        let (state, router) = Self::open(dir).await;
        Server {
            dir: dir.to_owned(),
            state,
            router,
            restarts: 0,
        }
    }

    async fn open(dir: &Path) -> (AppState, Router) {
        let db = Db::connect(&sqlite_url(&dir.join("anxun.db")))
            .await
            .unwrap();
        let photos = PhotoStore::open(&PhotoStoreUrl::File(dir.join("photos")), dir).unwrap();
        let state = AppState {
            db,
            photos,
            static_app: Arc::new(StaticApp::new(dir.join("dist"))),
            sign_in_limiter: Arc::new(SignInLimiter::new(Limits::SIGN_IN)),
            session_lifetime: chrono::TimeDelta::days(30),
        };
        let router =
            router(state.clone()).layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        (state, router)
    }

    /// Stops (closing the database) and starts again over the same files.
    pub async fn restart(&mut self) {
        self.state.db.close().await;
        let (state, router) = Self::open(&self.dir).await;
        self.state = state;
        self.router = router;
        self.restarts += 1;
    }

    pub async fn stop(self) {
        self.state.db.close().await;
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn photos(&self) -> &PhotoStore {
        &self.state.photos
    }

    /// Handles one request to the end.
    pub async fn handle(&self, call: &Call, token: &str) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(call.request(token))
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Reply { status, body }
    }
}
