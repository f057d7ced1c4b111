//! Sync on the device: when it runs and what the screens see of it.
//!
//! A sync ([`run::sync`]) runs at start, when the device comes online, when the app becomes
//! visible, when the inspector taps 立即同步, and on a timer: every few minutes while all is
//! well, sooner after a failure with exponential backoff and jitter
//! ([`anxun_domain::sync::engine::Backoff`]). Only one sync runs at a time across the app's
//! tabs (Web Locks, where the browser has them). An ended session pauses sync, with nothing
//! dropped, until the inspector signs in again. [`api`] is the only code that talks to the
//! server.

pub mod api;
pub mod run;

use crate::{db::Db, state::use_db};
use anxun_domain::sync::engine::Backoff;
use leptos::prelude::*;
use run::{Progress, Report, SyncError};
use std::{cell::Cell, rc::Rc};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;

/// Where sync stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Not signed in on this device: nothing is sent (work is kept until sign-in).
    SignedOut,
    /// Waiting for the next sync.
    Idle,
    /// Running.
    Running(Progress),
    /// The session ended: sign in again to continue (nothing is dropped).
    SignInNeeded,
    /// The last sync failed; it is retried after a delay (`transient`) or needs attention.
    Failed { message: String, transient: bool },
}

/// Sync as the screens see it.
#[derive(Clone, Copy)]
pub struct SyncState {
    phase: RwSignal<Phase>,
    last: RwSignal<Option<Report>>,
    backoff: StoredValue<Backoff>,
    timer: StoredValue<Option<i32>>,
    db: crate::state::DbState,
    shell: crate::service_worker::Shell,
}

impl SyncState {
    /// Where sync stands.
    pub fn phase(&self) -> Phase {
        self.phase.get()
    }

    /// What the last successful sync did (this session of the app).
    pub fn last_report(&self) -> Option<Report> {
        self.last.get()
    }

    /// Whether a sync is running.
    pub fn running(&self) -> bool {
        matches!(self.phase.get_untracked(), Phase::Running(_))
    }

    /// Starts a sync now unless one is running.
    pub fn request(&self) {
        if self.running() {
            return;
        }
        let state = *self;
        let Some(db) = self.db.db_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move { state.run(db).await });
    }

    async fn run(self, db: Db) {
        let session = match db.session().await {
            Ok(Some(session)) => session,
            Ok(None) => {
                self.phase.set(Phase::SignedOut);
                return;
            }
            Err(error) => {
                self.fail(SyncError::Db(error));
                return;
            }
        };
        if session.ended {
            self.phase.set(Phase::SignInNeeded);
            return;
        }
        self.phase.set(Phase::Running(Progress::default()));
        self.shell.set_syncing(true);
        let api = api::Api::with_token(&session.token);
        let phase = self.phase;
        let report = |progress: Progress| phase.set(Phase::Running(progress));
        let result = with_lock("anxun-sync", run::sync(&db, &api, &report)).await;
        self.shell.set_syncing(false);
        self.db.changed();
        match result {
            // Another tab holds the lock: it is syncing this device's data right now.
            None => self.phase.set(Phase::Idle),
            Some(Ok(report)) => {
                self.backoff.update_value(|b| *b = b.succeeded());
                self.last.set(Some(report));
                self.phase.set(Phase::Idle);
            }
            Some(Err(SyncError::Api(api::ApiError::SessionEnded))) => {
                let _ = db.end_session().await;
                self.phase.set(Phase::SignInNeeded);
                return;
            }
            Some(Err(error)) => self.fail(error),
        }
        self.schedule();
    }

    fn fail(&self, error: SyncError) {
        self.backoff.update_value(|b| *b = b.failed());
        self.phase.set(Phase::Failed {
            message: error.to_string(),
            transient: error.is_transient(),
        });
        self.schedule();
    }

    /// Arms the timer for the next sync.
    fn schedule(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(Some(handle)) = self.timer.try_get_value() {
            window.clear_timeout_with_handle(handle);
        }
        let delay = self
            .backoff
            .get_value()
            .delay(js_sys::Math::random())
            .num_milliseconds()
            .clamp(0, i64::from(i32::MAX)) as i32;
        let state = *self;
        let tick = Closure::once_into_js(move || state.request());
        let handle = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(tick.unchecked_ref(), delay)
            .ok();
        self.timer.set_value(handle);
    }
}

/// Provides [`SyncState`] and starts syncing once the database is open: now, on `online`,
/// and whenever the app becomes visible.
pub fn provide_sync() -> SyncState {
    let db = use_db();
    let state = SyncState {
        db,
        shell: crate::service_worker::use_shell(),
        phase: RwSignal::new(Phase::Idle),
        last: RwSignal::new(None),
        backoff: StoredValue::new(Backoff::default()),
        timer: StoredValue::new(None),
    };
    provide_context(state);
    let started = StoredValue::new(false);
    Effect::new(move || {
        if db.db().is_some() && !started.get_value() {
            started.set_value(true);
            state.request();
        }
    });
    if let Some(window) = web_sys::window() {
        let online = Closure::<dyn Fn()>::new(move || state.request());
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        online.forget();
        if let Some(document) = window.document() {
            let visible = Closure::<dyn Fn()>::new(move || {
                let shown = web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
                if shown {
                    state.request();
                }
            });
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                visible.as_ref().unchecked_ref(),
            );
            visible.forget();
        }
    }
    state
}

/// Sync as provided by [`provide_sync`].
pub fn use_sync() -> SyncState {
    expect_context::<SyncState>()
}

/// Runs `work` holding the Web Lock `name`, unless another tab holds it (`None`). Where the
/// browser has no Web Locks, runs it directly.
async fn with_lock<T>(name: &str, work: impl std::future::Future<Output = T>) -> Option<T> {
    let locks = web_sys::window()
        .map(|w| w.navigator())
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
