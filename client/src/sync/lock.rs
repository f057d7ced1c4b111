//! Web Locks (`navigator.locks`, in pages and in workers): work that runs only if no other
//! tab or worker of the app holds the same lock.

use crate::global;
use std::{cell::Cell, rc::Rc};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;

/// Runs `work` holding the Web Lock `name`, unless another tab or worker holds it (`None`).
/// Where the browser has no Web Locks, runs it directly.
pub async fn with_lock<T>(name: &str, work: impl Future<Output = T>) -> Option<T> {
    let locks = global::scope()
        .map(|scope| scope.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("locks")).ok())
        .filter(|locks| !locks.is_undefined() && !locks.is_null());
    let Some(locks) = locks else {
        return Some(work.await);
    };
    let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(request) = request else {
        return Some(work.await);
    };
    // `held` stays pending while the work runs; the lock is released when it resolves.
    let release: Rc<Cell<Option<js_sys::Function>>> = Rc::new(Cell::new(None));
    let held = {
        let release = release.clone();
        js_sys::Promise::new(&mut move |resolve, _| release.set(Some(resolve)))
    };
    let granted_with: Rc<Cell<Option<js_sys::Function>>> = Rc::new(Cell::new(None));
    let granted = {
        let granted_with = granted_with.clone();
        js_sys::Promise::new(&mut move |resolve, _| granted_with.set(Some(resolve)))
    };
    let callback = {
        let granted_with = granted_with.clone();
        Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
            let got = !lock.is_null() && !lock.is_undefined();
            if let Some(resolve) = granted_with.take() {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(got));
            }
            if got {
                held
            } else {
                js_sys::Promise::resolve(&JsValue::UNDEFINED)
            }
        })
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
    let done = request.call3(&locks, &JsValue::from_str(name), &options, &callback);
    let got = JsFuture::from(granted).await.ok().and_then(|v| v.as_bool()) == Some(true);
    if !got {
        return None;
    }
    let result = work.await;
    if let Some(resolve) = release.take() {
        let _ = resolve.call0(&JsValue::NULL);
    }
    if let Ok(done) = done.and_then(|d| d.dyn_into::<js_sys::Promise>()) {
        let _ = JsFuture::from(done).await;
    }
    Some(result)
}
