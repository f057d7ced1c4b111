//! The global scope the code runs in: a page (`Window`) or a worker (`WorkerGlobalScope`,
//! which the service worker's is). Both have `fetch`, timers, `navigator` and `indexedDB`;
//! this module reaches them without assuming which.

use wasm_bindgen::{JsCast, JsValue};

/// A page or a worker.
#[derive(Debug, Clone)]
pub enum Scope {
    Window(web_sys::Window),
    Worker(web_sys::WorkerGlobalScope),
}

/// The current global scope, if it is a page or a worker.
pub fn scope() -> Option<Scope> {
    let global = js_sys::global();
    // `instanceof` on a class the scope lacks (`Window` in a worker) is false, not an error.
    match global.dyn_into::<web_sys::Window>() {
        Ok(window) => Some(Scope::Window(window)),
        Err(global) => global.dyn_into().ok().map(Scope::Worker),
    }
}

impl Scope {
    /// `fetch(request)`.
    pub fn fetch(&self, request: &web_sys::Request) -> js_sys::Promise {
        match self {
            Scope::Window(window) => window.fetch_with_request(request),
            Scope::Worker(worker) => worker.fetch_with_request(request),
        }
    }

    /// `setTimeout(callback, ms)`.
    pub fn set_timeout(&self, callback: &js_sys::Function, ms: i32) -> Result<i32, JsValue> {
        match self {
            Scope::Window(window) => {
                window.set_timeout_with_callback_and_timeout_and_arguments_0(callback, ms)
            }
            Scope::Worker(worker) => {
                worker.set_timeout_with_callback_and_timeout_and_arguments_0(callback, ms)
            }
        }
    }

    /// `clearTimeout(handle)`.
    pub fn clear_timeout(&self, handle: i32) {
        match self {
            Scope::Window(window) => window.clear_timeout_with_handle(handle),
            Scope::Worker(worker) => worker.clear_timeout_with_handle(handle),
        }
    }

    /// `navigator` (a `Navigator` or a `WorkerNavigator`), for the members both have.
    pub fn navigator(&self) -> JsValue {
        match self {
            Scope::Window(window) => window.navigator().into(),
            Scope::Worker(worker) => worker.navigator().into(),
        }
    }

    /// `navigator.onLine`: false only when the browser knows it is offline.
    pub fn online(&self) -> bool {
        match self {
            Scope::Window(window) => window.navigator().on_line(),
            Scope::Worker(worker) => worker.navigator().on_line(),
        }
    }
}
