//! Background Sync: the page asks for it (tag [`TAG`]) when changes wait that it may not send
//! itself; the browser fires `sync` here when connectivity returns, even with the app closed.
//!
//! The worker runs the page's own sync ([`run::attempt`]: the stored session, the same Web
//! Lock, so page and worker never sync at once) on the same database, opened through the same
//! schema steps and closed when done, so that it never blocks a page's upgrade. A transient
//! failure rejects the event's promise so that the browser tries again later; after a sync,
//! open pages are told (`{type: "synced"}`) and refresh their view. Signed out or with an
//! ended session it does nothing: the page asks the inspector to sign in.

use anxun_client::{
    db::Db,
    sync::{SYNCED_MESSAGE, TAG, run},
};
use anxun_domain::sync::engine::{BackgroundEnd, background_verdict};
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, prelude::*};
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{Client, ClientQueryOptions, ClientType, ExtendableEvent, ServiceWorkerGlobalScope};

/// The `sync` event: the shim passes every one and waits on the promise returned.
#[wasm_bindgen]
pub fn on_sync(event: ExtendableEvent) -> Promise {
    let tag = Reflect::get(&event, &"tag".into())
        .ok()
        .and_then(|tag| tag.as_string());
    if tag.as_deref() != Some(TAG) {
        return Promise::resolve(&JsValue::UNDEFINED);
    }
    future_to_promise(async move {
        let (end, problem) = sync_once().await;
        let verdict = background_verdict(end);
        if let Some(problem) = &problem {
            web_sys::console::warn_1(&format!("background sync: {problem}").into());
        }
        if verdict.notify_pages {
            notify_pages().await;
        }
        if verdict.retry {
            let message = problem.unwrap_or_else(|| "background sync failed".into());
            return Err(js_sys::Error::new(&message).into());
        }
        Ok(JsValue::UNDEFINED)
    })
}

/// One attempt on the device database, closed afterwards; with what went wrong, if anything.
async fn sync_once() -> (BackgroundEnd, Option<String>) {
    let db = match Db::open().await {
        Ok(db) => db,
        Err(error) => {
            let error = run::SyncError::Db(error);
            let transient = error.is_transient();
            return (BackgroundEnd::Failed { transient }, Some(error.to_string()));
        }
    };
    let attempt = run::attempt(&db, &|_| {}).await;
    db.close();
    match attempt {
        run::Attempt::Done(_) => (BackgroundEnd::Synced, None),
        run::Attempt::Failed(error) => (
            BackgroundEnd::Failed {
                transient: error.is_transient(),
            },
            Some(error.to_string()),
        ),
        run::Attempt::SignedOut | run::Attempt::SignInNeeded | run::Attempt::Busy => {
            (BackgroundEnd::NotRun, None)
        }
    }
}

/// Posts `{type: "synced"}` to every open page of the app.
async fn notify_pages() {
    let scope: ServiceWorkerGlobalScope = js_sys::global().unchecked_into();
    let options = ClientQueryOptions::new();
    options.set_type(ClientType::Window);
    options.set_include_uncontrolled(true);
    let Ok(found) = JsFuture::from(scope.clients().match_all_with_options(&options)).await else {
        return;
    };
    let message = Object::new();
    let _ = Reflect::set(&message, &"type".into(), &SYNCED_MESSAGE.into());
    for client in found.unchecked_into::<Array>().iter() {
        if let Ok(client) = client.dyn_into::<Client>() {
            let _ = client.post_message(&message);
        }
    }
}
