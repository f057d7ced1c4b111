//! Building the application from settings, and running it until it is told to stop.

use crate::{
    accounts::{self, AccountError, FirstAdmin},
    auth::{
        self,
        rate_limit::{Limits, SignInLimiter},
    },
    config::Settings,
    demo::{self, DemoError, Seeded},
    error::ApiError,
    openapi::ApiDoc,
    photos::{PhotoError, PhotoStore},
    routes::{self, openapi::Document},
    state::AppState,
    static_files::{self, StaticApp},
    store::{Db, StoreError},
};
use axum::{
    Extension, Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, HeaderValue, Uri, header},
    routing::get,
};
use std::{net::SocketAddr, sync::Arc};
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer,
};
use utoipa::OpenApi;
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouter},
    routes,
};

/// Every API endpoint: the only place where API routes are registered. `routes!` routes each
/// handler at the method and path of its `#[utoipa::path]` and adds that operation to the
/// OpenAPI document, so an endpoint cannot be routed without being documented (a handler
/// without the annotation does not compile here). `axum::Router::route` is a disallowed
/// method (`clippy.toml`) everywhere but the JSON 404s of [`router`].
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(routes::health::get))
        .routes(routes!(routes::openapi::get))
        .routes(routes!(routes::templates::get))
        .routes(routes!(routes::auth::login::post))
        .routes(routes!(routes::auth::me::get))
        .routes(routes!(routes::auth::logout::post))
        .routes(body_limit(
            routes!(routes::sync::push::post),
            routes::sync::push::MAX_BODY_BYTES,
        ))
        .routes(routes!(routes::sync::pull::get))
        .routes(body_limit(
            routes!(
                routes::photos::get::get,
                routes::photos::head::head,
                routes::photos::put::put
            ),
            routes::photos::put::MAX_BODY_BYTES,
        ))
        .routes(routes!(
            routes::admin::users::list::get,
            routes::admin::users::create::post
        ))
        .routes(body_limit(
            routes!(routes::admin::sites::import::post),
            routes::admin::sites::import::MAX_BODY_BYTES,
        ))
        .routes(routes!(routes::stats::overview::get))
        .routes(routes!(routes::stats::quarterly::get))
        .routes(routes!(routes::hazards::list::get))
        .routes(routes!(routes::hazards::detail::get))
        .routes(body_limit(
            routes!(routes::hazards::events::post),
            routes::hazards::events::MAX_BODY_BYTES,
        ))
        .routes(routes!(routes::sites::list::get))
        .routes(routes!(routes::sites::detail::get))
        .routes(routes!(routes::inspections::get::get))
        .routes(routes!(routes::exports::csv::get))
        .routes(routes!(routes::exports::xlsx::get))
}

/// The routes with a request body limit of their own.
fn body_limit(
    (schemas, paths, method_router): UtoipaMethodRouter<AppState>,
    bytes: usize,
) -> UtoipaMethodRouter<AppState> {
    (
        schemas,
        paths,
        method_router.layer(DefaultBodyLimit::max(bytes)),
    )
}

/// The whole application: routes over the shared state, with the cross-cutting layers.
/// Public so that tests can drive it without a socket (sign-in reads the client's address
/// from `ConnectInfo<SocketAddr>`: add axum's `MockConnectInfo` layer there).
pub fn router(state: AppState) -> Router {
    let static_app = state.static_app.clone();
    let (api, document) = api_routes().split_for_parts();
    #[allow(clippy::disallowed_methods)] // Not endpoints: unknown API paths.
    let api = api
        .layer(Extension(Document(Arc::new(document))))
        // Unknown API paths are JSON 404s, never the app's index.html.
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", axum::routing::any(api_not_found));
    api.with_state(state)
        .fallback(move |request| static_files::serve(axum::extract::State(static_app), request))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "no-referrer"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        // The app's responses carry the app's policy (`static_files`); everything else (JSON,
        // photos, the OpenAPI document) is never a document that runs anything.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CONTENT_SECURITY_POLICY),
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// The Content-Security-Policy of every response that is not the app's: nothing may load,
/// run or frame it.
pub const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

async fn api_not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_owned())
}

/// What startup did that the operator must know (printed by `main`).
#[derive(Debug)]
pub enum Announcement {
    FirstAdmin(FirstAdmin),
    Demo(Seeded),
}

/// A built application, bound to its address and ready to run.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    announcements: Vec<Announcement>,
}

impl Application {
    /// Prepares storage, seeds what the settings ask for and binds the listener.
    pub async fn build(settings: &Settings) -> Result<Application, StartupError> {
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|e| StartupError::DataDir(settings.data_dir.display().to_string(), e))?;
        let photos = PhotoStore::open(&settings.photo_store, &settings.data_dir)?;
        let db = Db::connect(&settings.database).await?;
        // Ledger columns of rows written before migration 0005 (a no-op afterwards).
        db.backfill_ledger(chrono::Utc::now()).await?;
        let filled = db.backfill_stats().await?;
        if filled > 0 {
            tracing::info!(filled, "statistics facts filled in for existing records");
        }
        let mut announcements = Vec::new();
        if settings.demo {
            announcements.push(Announcement::Demo(
                demo::seed(&db, settings.demo_password.as_deref()).await?,
            ));
        }
        if let Some(admin) =
            accounts::ensure_first_admin(&db, settings.admin_password.as_deref()).await?
        {
            announcements.push(Announcement::FirstAdmin(admin));
        }
        let static_app = StaticApp::new(settings.static_dir.clone());
        if !static_app.is_built() {
            tracing::warn!(
                dir = %settings.static_dir.display(),
                "the app is not built there: the API runs, pages answer 503 (run `cargo xtask build`)"
            );
        }
        auth::prepare();
        let listener = TcpListener::bind(settings.bind)
            .await
            .map_err(|e| StartupError::Bind(settings.bind, e))?;
        Ok(Application {
            listener,
            state: AppState {
                db,
                photos,
                static_app: Arc::new(static_app),
                sign_in_limiter: Arc::new(SignInLimiter::new(Limits::SIGN_IN)),
                session_lifetime: settings.session_lifetime,
            },
            announcements,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// What the operator must be told.
    pub fn announcements(&self) -> &[Announcement] {
        &self.announcements
    }

    /// The database (for tests).
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests and closes the
    /// database.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let db = self.state.db.clone();
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        db.close().await;
        served
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, #[source] std::io::Error),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, #[source] std::io::Error),
    #[error("cannot open the photo store: {0}")]
    Photos(#[from] PhotoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Accounts(#[from] AccountError),
    #[error(transparent)]
    Demo(#[from] DemoError),
}
