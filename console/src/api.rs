//! The only code that talks to the server: JSON requests with the session's bearer token, the
//! photos and exports as blobs, and one error type. A `401` ends the session here, so every
//! screen goes back to the sign-in form.

mod stats;

use crate::session::SessionState;
use anxun_domain::{
    api::{
        self, LoginRequest, LoginResponse, SiteImportReport, TemplatesResponse,
        ledger::{self, ActionRequest, HazardDetail, LedgerPage, SiteDetail, SitePage},
    },
    ids::{HazardId, SiteId},
    photo::Sha256Hex,
};
use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No answer: the network or the server is down.
    #[error("the server cannot be reached: {0}")]
    Unreachable(String),
    /// The session expired or was revoked (the console has gone back to sign-in).
    #[error("the session has ended")]
    SessionEnded,
    /// The server answered with an error: its `code`, `message` and, for a refused
    /// transition, its machine `reason`.
    #[error("{message} ({code}, HTTP {status})")]
    Server {
        status: u16,
        code: String,
        message: String,
        reason: Option<String>,
    },
    /// The answer could not be read.
    #[error("the server's answer could not be read: {0}")]
    Unreadable(String),
}

/// The JSON error body every endpoint answers with.
#[derive(serde::Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
    #[serde(default)]
    reason: Option<String>,
}

/// A downloaded file.
pub struct Download {
    pub blob: web_sys::Blob,
    /// From `Content-Disposition`, if the server named it.
    pub filename: Option<String>,
}

/// The server, with the session (if any).
#[derive(Debug, Clone, Copy)]
pub struct Api {
    session: SessionState,
}

enum Body {
    None,
    Json(String),
    Bytes(Vec<u8>, String),
}

impl Api {
    pub fn new(session: SessionState) -> Api {
        Api { session }
    }

    /// `POST /api/auth/login`.
    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, ApiError> {
        self.json("POST", api::LOGIN_PATH, Body::Json(to_json(request)?))
            .await
    }

    /// `POST /api/auth/logout` (best effort), then forgets the session.
    pub async fn logout(&self) {
        let _ = self.send("POST", api::LOGOUT_PATH, Body::None).await;
        self.session.end();
    }

    /// `GET /api/templates` (the items' legal basis).
    pub async fn templates(&self) -> Result<TemplatesResponse, ApiError> {
        self.json("GET", api::TEMPLATES_PATH, Body::None).await
    }

    /// `GET /api/hazards?<query>`.
    pub async fn ledger(&self, query: &str) -> Result<LedgerPage, ApiError> {
        self.json("GET", &with_query(ledger::HAZARDS_PATH, query), Body::None)
            .await
    }

    /// `GET /api/hazards/{id}`.
    pub async fn hazard(&self, id: HazardId) -> Result<HazardDetail, ApiError> {
        self.json("GET", &ledger::hazard_path(id), Body::None).await
    }

    /// `POST /api/hazards/{id}/events` (retry-safe: the request carries its event id).
    pub async fn act(
        &self,
        id: HazardId,
        request: &ActionRequest,
    ) -> Result<HazardDetail, ApiError> {
        let body = Body::Json(to_json(request)?);
        self.json("POST", &ledger::hazard_events_path(id), body)
            .await
    }

    /// `GET /api/sites?<query>`.
    pub async fn sites(&self, query: &str) -> Result<SitePage, ApiError> {
        self.json("GET", &with_query(ledger::SITES_PATH, query), Body::None)
            .await
    }

    /// `GET /api/sites/{id}`.
    pub async fn site(&self, id: SiteId) -> Result<SiteDetail, ApiError> {
        self.json("GET", &ledger::site_path(id), Body::None).await
    }

    /// `POST /api/admin/sites/import[?dry_run=true]` with the file's bytes.
    pub async fn import_sites(
        &self,
        bytes: Vec<u8>,
        content_type: &str,
        dry_run: bool,
    ) -> Result<SiteImportReport, ApiError> {
        let path = if dry_run {
            format!("{}?dry_run=true", api::ADMIN_SITES_IMPORT_PATH)
        } else {
            api::ADMIN_SITES_IMPORT_PATH.to_owned()
        };
        self.json("POST", &path, Body::Bytes(bytes, content_type.to_owned()))
            .await
    }

    /// A photo as an object URL (photos need the bearer token, so `<img src>` cannot fetch
    /// them itself). Revoke it with `Url::revoke_object_url` when done.
    pub async fn photo_url(&self, hash: &Sha256Hex) -> Result<String, ApiError> {
        let download = self.download(&api::photo_path(hash)).await?;
        web_sys::Url::create_object_url_with_blob(&download.blob).map_err(unreachable)
    }

    /// Any `GET` as a file (the exports).
    pub async fn download(&self, path: &str) -> Result<Download, ApiError> {
        let response = self.send("GET", path, Body::None).await?;
        let filename = response
            .headers()
            .get("Content-Disposition")
            .ok()
            .flatten()
            .and_then(|value| crate::disposition::filename(&value));
        let blob = JsFuture::from(response.blob().map_err(unreadable)?)
            .await
            .map_err(unreadable)?;
        Ok(Download {
            blob: blob.unchecked_into(),
            filename,
        })
    }

    async fn json<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Body,
    ) -> Result<T, ApiError> {
        let response = self.send(method, path, body).await?;
        let text = response_text(&response).await?;
        serde_json::from_str(&text).map_err(|error| ApiError::Unreadable(error.to_string()))
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Body,
    ) -> Result<web_sys::Response, ApiError> {
        let window = web_sys::window().ok_or_else(|| ApiError::Unreachable("no window".into()))?;
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        init.set_cache(web_sys::RequestCache::NoStore);
        let headers = web_sys::Headers::new().map_err(unreachable)?;
        if let Some(token) = self.session.token() {
            headers
                .set("Authorization", &format!("Bearer {token}"))
                .map_err(unreachable)?;
        }
        match body {
            Body::None => {}
            Body::Json(json) => {
                headers
                    .set("Content-Type", "application/json")
                    .map_err(unreachable)?;
                init.set_body(&JsValue::from_str(&json));
            }
            Body::Bytes(bytes, content_type) => {
                headers
                    .set("Content-Type", &content_type)
                    .map_err(unreachable)?;
                let array = js_sys::Uint8Array::from(bytes.as_slice());
                init.set_body(&array);
            }
        }
        init.set_headers(&headers);
        let response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
            .await
            .map_err(unreachable)?;
        let response: web_sys::Response = response.unchecked_into();
        let status = response.status();
        if response.ok() {
            return Ok(response);
        }
        // A 401 with a token is an ended session; without one it is a failed sign-in.
        if status == 401 && self.session.token().is_some() {
            self.session.end();
            return Err(ApiError::SessionEnded);
        }
        let text = response_text(&response).await.unwrap_or_default();
        Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => ApiError::Server {
                status,
                code: body.code,
                message: body.message,
                reason: body.reason,
            },
            Err(_) => ApiError::Server {
                status,
                code: "http".into(),
                message: text,
                reason: None,
            },
        })
    }
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

async fn response_text(response: &web_sys::Response) -> Result<String, ApiError> {
    let text = JsFuture::from(response.text().map_err(unreadable)?)
        .await
        .map_err(unreadable)?;
    text.as_string()
        .ok_or_else(|| ApiError::Unreadable("not text".into()))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|error| ApiError::Unreadable(error.to_string()))
}

fn unreachable(error: JsValue) -> ApiError {
    ApiError::Unreachable(format!("{error:?}"))
}

fn unreadable(error: JsValue) -> ApiError {
    ApiError::Unreadable(format!("{error:?}"))
}

/// The API with the current session, for a screen.
pub fn use_api() -> Api {
    Api::new(crate::session::use_session())
}
