//! Serving the built bundles (Trunk's `dist/`): the field app at `/`, and the supervisor
//! console at `/console/` (`dist/console/`, a separate bundle with an `index.html` of its own).
//! Both go through the same code: [`Bundle`] says which one a path belongs to.
//!
//! - Paths whose last segment has no extension are routes of their bundle: they get that
//!   bundle's `index.html` (the SPA fallback), so deep links work (`/console/hazards/…` gets
//!   the console, never the field app). A missing file with an extension is a real 404, so
//!   that a stale script tag never receives HTML.
//! - Trunk names assets with a content hash (`anxun-app-3f2a9c1b7e8d4a01_bg.wasm`): those are
//!   cached for a year as immutable; everything else (index.html, the manifest, the service
//!   worker, icons) is revalidated on every load.
//! - Precompressed `.br`/`.gz` siblings written by `cargo xtask build` are served when the
//!   browser accepts them.
//! - Every response here (index.html, assets, the service worker, 404s) carries its bundle's
//!   Content-Security-Policy ([`content_security_policy`]): exactly that bundle's index.html's
//!   inline scripts (by SHA-256, computed when index.html is loaded and again whenever it
//!   changes on disk),
//!   WebAssembly compilation, and nothing from other origins. The service worker's script gets
//!   it too (a worker runs under the policy of its own script's response, and it compiles
//!   wasm). API responses get a stricter one (`startup::API_CONTENT_SECURITY_POLICY`).

use crate::error::ApiError;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
    time::SystemTime,
};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The bundles served, by the path they live under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The field app: everything not under another bundle.
    App,
    /// The supervisor console: `/console` and everything under `/console/`.
    Console,
}

impl Bundle {
    /// Where the console is served (its Trunk `public_url` without the trailing slash).
    pub const CONSOLE_PREFIX: &'static str = "/console";

    /// The bundle a request path belongs to.
    pub fn of(path: &str) -> Bundle {
        match path.strip_prefix(Bundle::CONSOLE_PREFIX) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => Bundle::Console,
            _ => Bundle::App,
        }
    }

    /// The bundle's directory inside `dist/`.
    fn subdir(self) -> &'static str {
        match self {
            Bundle::App => "",
            Bundle::Console => "console",
        }
    }
}

/// The directory holding the built bundles, and each one's policy computed from its
/// index.html.
#[derive(Debug)]
pub struct StaticApp {
    dir: PathBuf,
    app: BundleFiles,
    console: BundleFiles,
}

/// One bundle's index.html and the policy last computed from it, with that file's
/// modification time and size (a rebuild under a running server changes them, and the policy
/// is computed again).
#[derive(Debug)]
struct BundleFiles {
    index: PathBuf,
    policy: Mutex<Option<(Fingerprint, HeaderValue)>>,
}

type Fingerprint = (Option<SystemTime>, u64);

impl StaticApp {
    pub fn new(dir: PathBuf) -> StaticApp {
        let files = |bundle: Bundle| {
            let files = BundleFiles {
                index: dir.join(bundle.subdir()).join("index.html"),
                policy: Mutex::new(None),
            };
            if let Ok(html) = std::fs::read_to_string(&files.index)
                && let Ok(metadata) = std::fs::metadata(&files.index)
            {
                files.remember(&metadata, &html);
            }
            files
        };
        StaticApp {
            app: files(Bundle::App),
            console: files(Bundle::Console),
            dir,
        }
    }

    fn bundle(&self, bundle: Bundle) -> &BundleFiles {
        match bundle {
            Bundle::App => &self.app,
            Bundle::Console => &self.console,
        }
    }

    /// Whether the field app has been built into the directory.
    pub fn is_built(&self) -> bool {
        self.app.index.is_file()
    }
}

impl BundleFiles {
    /// The bundle's policy for its index.html as it is now on disk (`None` if not built).
    async fn policy(&self) -> Option<HeaderValue> {
        let path = &self.index;
        let metadata = tokio::fs::metadata(&path).await.ok()?;
        if let Some((fingerprint, policy)) = &*self.lock()
            && *fingerprint == Self::fingerprint(&metadata)
        {
            return Some(policy.clone());
        }
        let html = tokio::fs::read_to_string(path).await.ok()?;
        Some(self.remember(&metadata, &html))
    }

    fn remember(&self, metadata: &std::fs::Metadata, html: &str) -> HeaderValue {
        // Hashes are base64 and the rest is ASCII: always a valid header value.
        let policy = HeaderValue::from_str(&content_security_policy(html))
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
        *self.lock() = Some((Self::fingerprint(metadata), policy.clone()));
        policy
    }

    fn fingerprint(metadata: &std::fs::Metadata) -> Fingerprint {
        (metadata.modified().ok(), metadata.len())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Fingerprint, HeaderValue)>> {
        self.policy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Serves a request for anything outside `/api`.
pub async fn serve(State(app): State<Arc<StaticApp>>, request: Request) -> Response {
    let bundle = app.bundle(Bundle::of(request.uri().path()));
    let mut response = serve_file(&app.dir, bundle, request).await;
    if let Some(policy) = bundle.policy().await {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

async fn serve_file(dir: &std::path::Path, bundle: &BundleFiles, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let last = path.rsplit('/').next().unwrap_or_default();
    if !last.contains('.') || last == "index.html" {
        return index(bundle).await.into_response();
    }
    let served = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(request)
        .await;
    let mut response = match served {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let cache = if is_hashed(last) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if last.ends_with(".webmanifest") {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/manifest+json"),
        );
    }
    response
}

async fn index(bundle: &BundleFiles) -> Result<Response, ApiError> {
    let Ok(html) = tokio::fs::read_to_string(&bundle.index).await else {
        return Err(ApiError::AppNotBuilt);
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, REVALIDATE),
        ],
        html,
    )
        .into_response())
}

/// Whether a file name carries Trunk's content hash: `name-<hex digits>` before the
/// extension (and before `_bg` for wasm).
pub fn is_hashed(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        // Trunk writes a 64-bit hash in hex without leading zeros: up to 16 digits.
        .is_some_and(|(_, hash)| {
            (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// The app's policy: `index.html`'s own inline scripts by hash, wasm compilation, same origin.
/// Styles come only from the app's stylesheet: the app sets no `style` attributes and adds no
/// `<style>` elements, so `style-src` needs no `'unsafe-inline'`. Photos are shown from
/// `blob:` URLs (and `data:` for small images); nothing may frame the app.
pub fn content_security_policy(html: &str) -> String {
    let hashes: Vec<String> = inline_scripts(html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'; \
         img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        hashes
            .iter()
            .map(|hash| format!(" {hash}"))
            .collect::<String>()
    )
}

/// The contents of every `<script>` element without a `src` attribute.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find("<script")?;
            let open_end = start + rest[start..].find('>')?;
            let tag = &rest[start..open_end];
            let body_start = open_end + 1;
            let body_end = body_start + rest[body_start..].find("</script>")?;
            let body = &rest[body_start..body_end];
            rest = &rest[body_end + "</script>".len()..];
            if !tag.contains(" src=") {
                return Some(body);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_paths_belong_to_the_console_and_nothing_else_does() {
        for path in [
            "/console",
            "/console/",
            "/console/hazards/0193",
            "/console/c-0123456789abcdef.js",
        ] {
            assert_eq!(Bundle::of(path), Bundle::Console, "{path}");
        }
        for path in [
            "/",
            "/consoles",
            "/console.js",
            "/sites/console",
            "/index.html",
        ] {
            assert_eq!(Bundle::of(path), Bundle::App, "{path}");
        }
    }

    #[test]
    fn recognises_trunk_hashes() {
        assert!(is_hashed("anxun-app-a0873f30c2ade22f.js"));
        assert!(is_hashed("anxun-app-a0873f30c2ade22f_bg.wasm"));
        assert!(is_hashed("main-87469f6875372a67.css"));
        // A hash with a leading zero is one digit shorter.
        assert!(is_hashed("main-499bd0c9f48615e.css"));
        assert!(!is_hashed("anxun-service-worker.js"));
        assert!(!is_hashed("manifest.webmanifest"));
        assert!(!is_hashed("icon-192.png"));
    }

    #[test]
    fn the_policy_allows_exactly_the_inline_scripts() {
        let html = "<script type=\"module\">init();</script><script src=\"/x.js\"></script>";
        let policy = content_security_policy(html);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init();"));
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert_eq!(policy.matches("'sha256-").count(), 1);
        assert!(policy.contains("'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
