//! Sync on the device: when it runs and what the screens see of it.
//!
//! A sync ([`run::sync`]) runs at start, when the device comes online, when the app becomes
//! visible, when the inspector taps 立即同步, and on a timer: every few minutes while all is
//! well, sooner after a failure with exponential backoff and jitter
//! ([`anxun_domain::sync::engine::Backoff`]). Only one sync runs at a time across the app's
//! tabs and its service worker (Web Locks, where the browser has them). An ended session
//! pauses sync, with nothing dropped, until the inspector signs in again. [`api`] is the only
//! code that talks to the server.
//!
//! Where the browser has Background Sync, the page also asks for one whenever changes wait
//! and it may not send them itself (offline, after a failure, when hidden: see
//! [`anxun_domain::sync::engine::wants_background_sync`]); the service worker then syncs when
//! connectivity returns, even with the app closed, and tells the page ([`background`]).

pub mod background;

// One sync and the server's client are shared with the service worker.
pub use anxun_client::sync::{api, run};

use crate::{db::Db, state::use_db};
use anxun_domain::sync::engine::{self, Backoff, PageConditions};
use leptos::prelude::*;
use run::{Attempt, Progress, Report, SyncError};
use wasm_bindgen::{JsCast, closure::Closure};

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
        let (phase, shell) = (self.phase, self.shell);
        let started = std::cell::Cell::new(false);
        let report = |progress: Progress| {
            if !started.replace(true) {
                shell.set_syncing(true);
            }
            phase.set(Phase::Running(progress));
        };
        let attempt = run::attempt(&db, &report).await;
        if started.get() {
            self.shell.set_syncing(false);
        }
        match attempt {
            Attempt::SignedOut => {
                self.phase.set(Phase::SignedOut);
                return;
            }
            Attempt::SignInNeeded => {
                self.db.changed();
                self.phase.set(Phase::SignInNeeded);
                return;
            }
            // Another tab, the service worker or an earlier request of this page is syncing
            // this device's data right now.
            Attempt::Busy => {
                if !self.running() {
                    self.phase.set(Phase::Idle);
                }
            }
            Attempt::Done(report) => {
                crate::templates::load_received(&db).await;
                self.db.changed();
                self.backoff.update_value(|b| *b = b.succeeded());
                self.last.set(Some(report));
                self.phase.set(Phase::Idle);
            }
            Attempt::Failed(error) => {
                self.db.changed();
                self.fail(error);
                return;
            }
        }
        self.schedule();
    }

    /// Asks for a Background Sync if changes wait that this page may not send itself.
    fn ask_background(&self, db: Db) {
        let retrying = matches!(
            self.phase.get_untracked(),
            Phase::Failed {
                transient: true,
                ..
            }
        );
        leptos::task::spawn_local(async move {
            let Ok((waiting, _)) = db.unsynced().await else {
                return;
            };
            let page = PageConditions {
                waiting,
                online: navigator_online(),
                retrying,
                visible: page_visible(),
            };
            if engine::wants_background_sync(page) {
                background::register().await;
            }
        });
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
    // After every local change and every sync (a failed one included), changes that wait may
    // need the worker.
    Effect::new(move || {
        db.changes();
        if let Some(handle) = db.db_untracked() {
            state.ask_background(handle);
        }
    });
    // The worker synced (Background Sync): what the screens show may have changed.
    background::on_worker_synced(move || {
        if matches!(state.phase.get_untracked(), Phase::Failed { .. }) {
            state.phase.set(Phase::Idle);
        }
        leptos::task::spawn_local(async move {
            if let Some(handle) = db.db_untracked() {
                crate::templates::load_received(&handle).await;
            }
            db.changed();
        });
    });
    if let Some(window) = web_sys::window() {
        let online = Closure::<dyn Fn()>::new(move || state.request());
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        online.forget();
        if let Some(document) = window.document() {
            let visible = Closure::<dyn Fn()>::new(move || {
                if page_visible() {
                    state.request();
                } else if let Some(handle) = state.db.db_untracked() {
                    // The app may be closed now: let the worker send what waits.
                    state.ask_background(handle);
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

/// `navigator.onLine` (true where unknown).
fn navigator_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Whether the page is visible.
fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}
