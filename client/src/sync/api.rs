//! The only code that talks to the server (for the page and the service worker alike): JSON requests with the session's bearer
//! token and a timeout, photo uploads by content hash, and one error type that says what went
//! wrong in terms sync can act on (wait and retry, sign in again, or show the server's reason).

use crate::global;
use anxun_domain::{
    api::{self, LoginRequest, LoginResponse, PullQuery, PullResponse, PushRequest, PushResponse},
    photo::Sha256Hex,
};
use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;

/// How long one JSON request may take.
const JSON_TIMEOUT_MS: i32 = 30_000;
/// How long one photo upload may take (a 1 MB photo over a poor 2G link still fits).
const PHOTO_TIMEOUT_MS: i32 = 120_000;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No answer: offline, the connection dropped, or the server is down. Retry later.
    #[error("the server cannot be reached: {0}")]
    Unreachable(String),
    /// No answer in time. Retry later.
    #[error("the server did not answer in time")]
    Timeout,
    /// The session expired or was revoked: sign in again (nothing is dropped meanwhile).
    #[error("the session has ended: sign in again")]
    SessionEnded,
    /// The server answered with an error.
    #[error("{message} ({code}, HTTP {status})")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    /// The answer could not be read.
    #[error("the server's answer could not be read: {0}")]
    Unreadable(String),
}

impl ApiError {
    /// Whether waiting and retrying can help.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Unreachable(_) | ApiError::Timeout => true,
            ApiError::Server { status, .. } => *status >= 500 || *status == 429,
            ApiError::SessionEnded | ApiError::Unreadable(_) => false,
        }
    }
}

/// The server, as seen with one session's token (or none, to sign in).
#[derive(Debug, Clone)]
pub struct Api {
    token: Option<String>,
}

/// A request body.
enum Body<'a> {
    None,
    Json(String),
    Bytes(&'a [u8], &'a str),
}

impl Api {
    /// Requests without a session (signing in).
    pub fn anonymous() -> Api {
        Api { token: None }
    }

    /// Requests with a session token.
    pub fn with_token(token: &str) -> Api {
        Api {
            token: Some(token.to_owned()),
        }
    }

    /// `POST /api/auth/login`.
    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, ApiError> {
        let body = Body::Json(to_json(request)?);
        let response = self
            .send("POST", api::LOGIN_PATH, body, JSON_TIMEOUT_MS)
            .await?;
        read_json(response).await
    }

    /// `POST /api/sync/push`.
    pub async fn push(&self, request: &PushRequest) -> Result<PushResponse, ApiError> {
        let body = Body::Json(to_json(request)?);
        let response = self
            .send("POST", api::SYNC_PUSH_PATH, body, JSON_TIMEOUT_MS)
            .await?;
        read_json(response).await
    }

    /// `GET /api/sync/pull`.
    pub async fn pull(&self, query: PullQuery) -> Result<PullResponse, ApiError> {
        let mut path = format!("{}?cursor={}", api::SYNC_PULL_PATH, query.cursor);
        if let Some(limit) = query.limit {
            path.push_str(&format!("&limit={limit}"));
        }
        let response = self.send("GET", &path, Body::None, JSON_TIMEOUT_MS).await?;
        read_json(response).await
    }

    /// `HEAD /api/photos/{sha256}`: whether the server holds the photo.
    pub async fn has_photo(&self, hash: &Sha256Hex) -> Result<bool, ApiError> {
        let path = api::photo_path(hash);
        match self.send("HEAD", &path, Body::None, JSON_TIMEOUT_MS).await {
            Ok(_) => Ok(true),
            Err(ApiError::Server { status: 404, .. }) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// `PUT /api/photos/{sha256}` (idempotent: the server checks the hash).
    pub async fn put_photo(
        &self,
        hash: &Sha256Hex,
        bytes: &[u8],
        mime: &str,
    ) -> Result<(), ApiError> {
        let path = api::photo_path(hash);
        self.send("PUT", &path, Body::Bytes(bytes, mime), PHOTO_TIMEOUT_MS)
            .await
            .map(|_| ())
    }

    /// `GET /api/photos/{sha256}`: a photo's bytes, checked against its name (a photo that
    /// does not match is refused as unreadable, never shown).
    pub async fn get_photo(&self, hash: &Sha256Hex) -> Result<Vec<u8>, ApiError> {
        let path = api::photo_path(hash);
        let response = self
            .send("GET", &path, Body::None, PHOTO_TIMEOUT_MS)
            .await?;
        let promise = response.array_buffer().map_err(js_unreachable)?;
        let buffer = JsFuture::from(promise).await.map_err(js_unreachable)?;
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        if Sha256Hex::digest(&bytes) != *hash {
            return Err(ApiError::Unreadable(format!(
                "photo {} does not match its hash",
                hash.as_str()
            )));
        }
        Ok(bytes)
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Body<'_>,
        timeout_ms: i32,
    ) -> Result<web_sys::Response, ApiError> {
        let scope = global::scope().ok_or_else(|| ApiError::Unreachable("no fetch here".into()))?;
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        // Never from the HTTP cache: sync must see the server as it is.
        init.set_cache(web_sys::RequestCache::NoStore);
        let headers = web_sys::Headers::new().map_err(js_unreachable)?;
        headers
            .set("Accept", "application/json")
            .map_err(js_unreachable)?;
        if let Some(token) = &self.token {
            headers
                .set("Authorization", &format!("Bearer {token}"))
                .map_err(js_unreachable)?;
        }
        match body {
            Body::None => {}
            Body::Json(json) => {
                headers
                    .set("Content-Type", "application/json")
                    .map_err(js_unreachable)?;
                init.set_body(&JsValue::from_str(&json));
            }
            Body::Bytes(bytes, mime) => {
                headers.set("Content-Type", mime).map_err(js_unreachable)?;
                init.set_body(&js_sys::Uint8Array::from(bytes));
            }
        }
        init.set_headers(&headers);
        let abort = web_sys::AbortController::new().map_err(js_unreachable)?;
        init.set_signal(Some(&abort.signal()));
        let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
        let on_timeout = {
            let abort = abort.clone();
            let timed_out = timed_out.clone();
            Closure::once(move || {
                timed_out.set(true);
                abort.abort();
            })
        };
        let timer = scope
            .set_timeout(on_timeout.as_ref().unchecked_ref(), timeout_ms)
            .map_err(js_unreachable)?;
        let request =
            web_sys::Request::new_with_str_and_init(path, &init).map_err(js_unreachable)?;
        let result = JsFuture::from(scope.fetch(&request)).await;
        scope.clear_timeout(timer);
        drop(on_timeout);
        let response: web_sys::Response = match result {
            Ok(value) => value.unchecked_into(),
            Err(_) if timed_out.get() => return Err(ApiError::Timeout),
            Err(error) => return Err(js_unreachable(error)),
        };
        if response.ok() {
            return Ok(response);
        }
        Err(error_of(response).await)
    }
}

fn js_unreachable(error: JsValue) -> ApiError {
    let text = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "network error".into());
    ApiError::Unreachable(text)
}

fn to_json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Unreadable(e.to_string()))
}

async fn text_of(response: &web_sys::Response) -> Result<String, ApiError> {
    let promise = response.text().map_err(js_unreachable)?;
    let text = JsFuture::from(promise).await.map_err(js_unreachable)?;
    Ok(text.as_string().unwrap_or_default())
}

async fn read_json<T: DeserializeOwned>(response: web_sys::Response) -> Result<T, ApiError> {
    let text = text_of(&response).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Unreadable(e.to_string()))
}

/// The server's JSON error (`{"code", "message"}`), or what the status says.
async fn error_of(response: web_sys::Response) -> ApiError {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        code: String,
        #[serde(default)]
        message: String,
    }
    let status = response.status();
    let body = text_of(&response).await.unwrap_or_default();
    let parsed: Option<ErrorBody> = serde_json::from_str(&body).ok();
    match parsed {
        Some(body)
            if status == 401
                && matches!(body.code.as_str(), "session_expired" | "unauthorized") =>
        {
            ApiError::SessionEnded
        }
        Some(body) => ApiError::Server {
            status,
            code: body.code,
            message: body.message,
        },
        None => ApiError::Server {
            status,
            code: format!("http_{status}"),
            message: response.status_text(),
        },
    }
}
