//! Background Sync, where the browser has it (Chromium; Safari and Firefox do not): the page
//! asks the browser to wake the service worker when connectivity returns, and the worker runs
//! the same sync (`anxun_client::sync::run::attempt`) even with the app closed. The worker
//! tells open pages when it has synced.
//!
//! Where the browser lacks it, nothing here does anything: the page syncs on start, on
//! `online`, when shown and on its timer.

use anxun_client::sync::TAG;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, closure::Closure};
use wasm_bindgen_futures::JsFuture;

fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // `navigator.serviceWorker` is missing in insecure contexts and some private windows.
    let present = Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    present.then(|| navigator.service_worker())
}

/// Whether this browser has Background Sync.
fn supported() -> bool {
    Reflect::has(&js_sys::global(), &"SyncManager".into()).unwrap_or(false)
}

/// Asks for a one-off Background Sync (`registration.sync.register(TAG)`; asking again
/// before it fired changes nothing). Returns whether the browser took it.
pub async fn register() -> bool {
    if !supported() {
        return false;
    }
    let Some(container) = container() else {
        return false;
    };
    let Ok(ready) = container.ready() else {
        return false;
    };
    // Resolves once a worker is active (at once on every load after the first).
    let Ok(registration) = JsFuture::from(ready).await else {
        return false;
    };
    let Ok(manager) = Reflect::get(&registration, &"sync".into()) else {
        return false;
    };
    let register = Reflect::get(&manager, &"register".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    let Some(register) = register else {
        return false;
    };
    // Refused (for example when the user blocked background sync for the site): the page
    // keeps syncing by itself.
    match register.call1(&manager, &TAG.into()) {
        Ok(promise) => JsFuture::from(Promise::resolve(&promise)).await.is_ok(),
        Err(_) => false,
    }
}

/// Calls `synced` whenever the service worker reports that it synced (`{type: "synced"}`).
pub fn on_worker_synced(synced: impl Fn() + 'static) {
    let Some(container) = container() else {
        return;
    };
    let listener =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let kind = Reflect::get(&event.data(), &"type".into())
                .ok()
                .and_then(|kind| kind.as_string());
            if kind.as_deref() == Some(SYNCED) {
                synced();
            }
        });
    let _ =
        container.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    listener.forget();
}

/// The message the worker posts to every page after a Background Sync.
const SYNCED: &str = anxun_client::sync::SYNCED_MESSAGE;
