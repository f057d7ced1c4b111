//! The worker's event handlers, exported to the shim.

use crate::{
    precache::{File, Precache, is_content_named},
    routing::{Route, SHELL, route},
};
use js_sys::{Array, Object, Promise, Reflect};
use sha2::{Digest, Sha256};
use std::{cell::RefCell, rc::Rc};
use wasm_bindgen::{JsCast, prelude::*};
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{
    Cache, CacheStorage, ExtendableMessageEvent, FetchEvent, MessagePort, Request, RequestCache,
    RequestInit, RequestMode, Response, ServiceWorkerGlobalScope, Url,
};

thread_local! {
    static LIST: RefCell<Option<Rc<Precache>>> = const { RefCell::new(None) };
}

fn scope() -> ServiceWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn list() -> Result<Rc<Precache>, JsValue> {
    LIST.with(|list| list.borrow().clone())
        .ok_or_else(|| JsValue::from_str("the worker has no precache list (configure first)"))
}

fn error(message: String) -> JsValue {
    js_sys::Error::new(&message).into()
}

/// Hands the build's list to the module. Called once by the shim, before any event.
#[wasm_bindgen]
pub fn configure(
    build: String,
    urls: Vec<String>,
    hashes: Vec<String>,
    sizes: Vec<f64>,
) -> Result<(), JsValue> {
    if urls.len() != hashes.len() || urls.len() != sizes.len() {
        return Err(error("the precache list is malformed".into()));
    }
    let files = urls
        .into_iter()
        .zip(hashes)
        .zip(sizes)
        .map(|((url, sha256), bytes)| File {
            url,
            sha256,
            bytes: bytes as u64,
        })
        .collect();
    let parsed = Precache::parse(build, files).map_err(|e| error(e.to_string()))?;
    LIST.with(|list| *list.borrow_mut() = Some(Rc::new(parsed)));
    Ok(())
}

/// The `install` step: stores every file of this build in its own cache, each checked against
/// its SHA-256. Files named by their content come from an earlier build's cache when they are
/// there. The promise rejects if any file is missing or different (the server already has
/// another build): the browser then drops this worker and keeps the one it had.
#[wasm_bindgen]
pub fn install() -> Promise {
    future_to_promise(async move {
        let list = list()?;
        let caches = scope().caches()?;
        let cache: Cache = JsFuture::from(caches.open(&list.cache_name()))
            .await?
            .unchecked_into();
        let older = older_caches(&caches, &list).await?;
        let pending = Array::new();
        for file in list.files() {
            let file = file.clone();
            let cache = cache.clone();
            let caches = caches.clone();
            let older = older.clone();
            pending.push(&future_to_promise(async move {
                store(&caches, &cache, &older, &file).await?;
                Ok(JsValue::UNDEFINED)
            }));
        }
        JsFuture::from(Promise::all(&pending)).await?;
        Ok(JsValue::UNDEFINED)
    })
}

/// The names of caches that belong to other builds.
async fn older_caches(caches: &CacheStorage, list: &Precache) -> Result<Vec<String>, JsValue> {
    let names: Array = JsFuture::from(caches.keys()).await?.unchecked_into();
    Ok(names
        .iter()
        .filter_map(|name| name.as_string())
        .filter(|name| list.is_stale_cache(name))
        .collect())
}

async fn store(
    caches: &CacheStorage,
    cache: &Cache,
    older: &[String],
    file: &File,
) -> Result<(), JsValue> {
    // Already here from an interrupted install of the same build (stored only once verified).
    if cached(cache, &file.url).await?.is_some() {
        return Ok(());
    }
    if is_content_named(&file.url) {
        for name in older {
            let old: Cache = JsFuture::from(caches.open(name)).await?.unchecked_into();
            if let Some(response) = cached(&old, &file.url).await? {
                JsFuture::from(cache.put_with_str(&file.url, &response)).await?;
                return Ok(());
            }
        }
    }
    // A file named by its content may come from the HTTP cache (the page just loaded it);
    // anything else is revalidated, since a stale copy would fail the check below.
    let init = RequestInit::new();
    if !is_content_named(&file.url) {
        init.set_cache(RequestCache::NoCache);
    }
    let response: Response = JsFuture::from(scope().fetch_with_str_and_init(&file.url, &init))
        .await?
        .unchecked_into();
    if !response.ok() {
        return Err(error(format!(
            "{}: the server answered {}",
            file.url,
            response.status()
        )));
    }
    let copy = response.clone()?;
    let bytes = js_sys::Uint8Array::new(&JsFuture::from(copy.array_buffer()?).await?).to_vec();
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if sha256 != file.sha256 {
        return Err(error(format!(
            "{}: not the file of build {} (the server has another build)",
            file.url,
            list()?.build()
        )));
    }
    JsFuture::from(cache.put_with_str(&file.url, &response)).await?;
    Ok(())
}

async fn cached(cache: &Cache, url: &str) -> Result<Option<Response>, JsValue> {
    let found = JsFuture::from(cache.match_with_str(url)).await?;
    Ok(found.dyn_into::<Response>().ok())
}

/// The `activate` step: this build's cache is complete (install succeeded), so older builds'
/// caches go; then the worker takes control of open pages that have none.
#[wasm_bindgen]
pub fn activate() -> Promise {
    future_to_promise(async move {
        let list = list()?;
        let scope = scope();
        let caches = scope.caches()?;
        for name in older_caches(&caches, &list).await? {
            JsFuture::from(caches.delete(&name)).await?;
        }
        JsFuture::from(scope.clients().claim()).await?;
        Ok(JsValue::UNDEFINED)
    })
}

/// The route of a request.
fn route_of(request: &Request, list: &Precache) -> Result<(Route, String), JsValue> {
    let url = Url::new(&request.url())?;
    let origin = scope().location().origin();
    let path = url.pathname();
    let chosen = route(
        &request.method(),
        url.origin() == origin,
        request.mode() == RequestMode::Navigate,
        &path,
        |p| list.contains(p),
    );
    Ok((chosen, path))
}

/// The `fetch` handler once the module is ready: decides synchronously, and calls
/// `respondWith` before anything is awaited. Requests the worker does not answer (the API,
/// other origins, anything but GET) are left to the browser.
#[wasm_bindgen]
pub fn on_fetch(event: FetchEvent) -> Result<(), JsValue> {
    let list = list()?;
    let request = event.request();
    let (chosen, path) = route_of(&request, &list)?;
    if chosen == Route::Network {
        return Ok(());
    }
    event.respond_with(&answer(chosen, path, request, list))
}

/// Answers a request that arrived while the module was still loading: the shim has already
/// called `respondWith` with this promise. Every route is served, the network ones by fetching.
#[wasm_bindgen]
pub fn respond(request: Request) -> Promise {
    let answered = list().and_then(|list| {
        let (chosen, path) = route_of(&request, &list)?;
        Ok(answer(chosen, path, Clone::clone(&request), list))
    });
    match answered {
        Ok(promise) => promise,
        Err(_) => scope().fetch_with_request(&request),
    }
}

fn answer(chosen: Route, path: String, request: Request, list: Rc<Precache>) -> Promise {
    future_to_promise(async move {
        let key = match chosen {
            Route::Network => return JsFuture::from(scope().fetch_with_request(&request)).await,
            Route::Shell => SHELL.to_owned(),
            Route::Precached => path,
        };
        let cache: Cache = JsFuture::from(scope().caches()?.open(&list.cache_name()))
            .await?
            .unchecked_into();
        match cached(&cache, &key).await? {
            Some(response) => Ok(response.into()),
            // Not cached (the install was cleared by the browser): the network, if any.
            None => JsFuture::from(scope().fetch_with_request(&request)).await,
        }
    })
}

/// Messages from the page: `{type: "version"}` is answered on the port it carries with the
/// build, the number of files and their size; `{type: "activate"}` lets a waiting worker take
/// over (the page sends it only when the user asked and nothing is being saved or synced).
#[wasm_bindgen]
pub fn on_message(event: ExtendableMessageEvent) -> Result<Promise, JsValue> {
    let kind = Reflect::get(&event.data(), &"type".into())?.as_string();
    match kind.as_deref() {
        Some("version") => {
            let list = list()?;
            let reply = Object::new();
            Reflect::set(&reply, &"build".into(), &list.build().into())?;
            Reflect::set(&reply, &"version".into(), &env!("CARGO_PKG_VERSION").into())?;
            Reflect::set(&reply, &"files".into(), &(list.files().len() as f64).into())?;
            Reflect::set(&reply, &"bytes".into(), &(list.total_bytes() as f64).into())?;
            if let Ok(port) = event.ports().get(0).dyn_into::<MessagePort>() {
                port.post_message(&reply)?;
            }
            Ok(Promise::resolve(&JsValue::UNDEFINED))
        }
        Some("activate") => scope().skip_waiting(),
        _ => Ok(Promise::resolve(&JsValue::UNDEFINED)),
    }
}
