//! The offline shell from the page's side: registers the service worker (`/sw.js`, written in
//! Rust in `service-worker/`), follows its state, and applies an update only when the user asked
//! for it and nothing is being typed or synced.
//!
//! The decision is [`UpdateGate`], a plain struct; this module only wires it to the browser.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, prelude::*};
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

/// Where the worker stands, as settings show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerState {
    /// This browser has no service workers (or not in this context, such as a private window).
    Unsupported,
    /// Registering, or the first install is downloading the shell.
    Installing,
    /// The shell is cached: the app starts without a network.
    Ready,
    /// A newer build is installed and waits for the user.
    UpdateWaiting,
    /// Registering or installing failed; the app works online, not yet offline.
    Failed(String),
}

/// What the worker says about itself (its answer to `{type: "version"}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerBuild {
    pub build: String,
    pub files: u32,
    pub bytes: u64,
}

/// Why an update the user asked for waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// Something typed on this screen has not been saved yet.
    UnsavedInput,
    /// Records are being sent to the server.
    Syncing,
}

/// Whether a waiting update may take over now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateGate {
    /// The user tapped "update".
    pub requested: bool,
    /// A text field was typed into since the last local save on this screen.
    pub unsaved_input: bool,
    /// A sync is running.
    pub syncing: bool,
}

impl UpdateGate {
    /// `Ok(true)`: activate now; `Ok(false)`: nothing asked; `Err`: asked, but wait.
    pub fn decide(&self) -> Result<bool, Hold> {
        if !self.requested {
            return Ok(false);
        }
        if self.syncing {
            return Err(Hold::Syncing);
        }
        if self.unsaved_input {
            return Err(Hold::UnsavedInput);
        }
        Ok(true)
    }
}

/// The shell's state, provided to every screen.
#[derive(Clone, Copy)]
pub struct Shell {
    pub state: RwSignal<WorkerState>,
    pub build: RwSignal<Option<WorkerBuild>>,
    gate: RwSignal<UpdateGate>,
    /// The user put the prompt off for this session.
    pub dismissed: RwSignal<bool>,
    registration: RwSignal<Option<ServiceWorkerRegistration>, LocalStorage>,
}

impl Shell {
    /// Why the requested update waits, if it does.
    pub fn hold(&self) -> Option<Hold> {
        self.gate.get().decide().err()
    }

    /// The user asked for the update: it is applied as soon as the gate allows.
    pub fn request_update(&self) {
        self.gate.update(|g| g.requested = true);
    }

    pub fn requested(&self) -> bool {
        self.gate.get().requested
    }

    /// Text was typed (called for every `input` event in the app).
    pub fn typed(&self) {
        if !self.gate.get_untracked().unsaved_input {
            self.gate.update(|g| g.unsaved_input = true);
        }
    }

    /// What was typed is saved, or its screen was left.
    pub fn saved(&self) {
        if self.gate.get_untracked().unsaved_input {
            self.gate.update(|g| g.unsaved_input = false);
        }
    }

    /// Sync reports whether it runs (the sync engine sets this).
    pub fn set_syncing(&self, syncing: bool) {
        self.gate.update(|g| g.syncing = syncing);
    }
}

/// How long the screen must be quiet before a requested update is applied.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(1_200);

/// Registers the worker in the background and provides [`Shell`].
pub fn provide_shell() -> Shell {
    let shell = Shell {
        state: RwSignal::new(WorkerState::Installing),
        build: RwSignal::new(None),
        gate: RwSignal::new(UpdateGate::default()),
        dismissed: RwSignal::new(false),
        registration: RwSignal::new_local(None),
    };
    provide_context(shell);
    // Anything typed anywhere counts as unsaved until the next local save or screen change.
    let _ = window_event_listener(leptos::ev::input, move |event| {
        let search = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|input| input.type_() == "search");
        if !search {
            shell.typed();
        }
    });
    Effect::new(move || {
        if shell.gate.get().decide() == Ok(true) {
            // Once the screen has settled: a request the page makes to the old worker while the
            // browser stops it for the new one (Chromium re-fetches the favicon after every
            // in-app navigation, such as the one after a save) can leave the activation
            // stalled until the browser gives up on the old worker, minutes later.
            set_timeout(
                move || {
                    if shell.gate.get_untracked().decide() == Ok(true) {
                        activate_waiting(shell);
                    }
                },
                SETTLE,
            );
        }
    });
    leptos::task::spawn_local(register(shell));
    shell
}

/// The shell state provided by [`provide_shell`].
pub fn use_shell() -> Shell {
    expect_context::<Shell>()
}

fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // `navigator.serviceWorker` is missing in insecure contexts and some private windows.
    let present = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    present.then(|| navigator.service_worker())
}

async fn register(shell: Shell) {
    let Some(container) = container() else {
        shell.state.set(WorkerState::Unsupported);
        return;
    };
    let options = web_sys::RegistrationOptions::new();
    options.set_scope("/");
    // The worker script and what it imports are always checked with the server.
    options.set_update_via_cache(web_sys::ServiceWorkerUpdateViaCache::None);
    let registered =
        wasm_bindgen_futures::JsFuture::from(container.register_with_options("/sw.js", &options))
            .await;
    let registration: ServiceWorkerRegistration = match registered {
        Ok(value) => value.unchecked_into(),
        Err(error) => {
            shell.state.set(WorkerState::Failed(describe(&error)));
            return;
        }
    };
    shell.registration.set(Some(registration.clone()));
    follow(shell, &registration);

    // A reload is what the user asked for once the new worker has taken over; otherwise (the
    // first install claiming the page) the worker is asked which build it serves.
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if shell.gate.get_untracked().requested {
            let _ = web_sys::window().map(|w| w.location().reload());
        } else if let Some(found) = self::container() {
            leptos::task::spawn_local(async move { ask_version(shell, &found).await });
        }
    });
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();

    // Look for a new build when the app comes back to the foreground or online, and hourly.
    let check = move || {
        let online = web_sys::window().is_some_and(|w| w.navigator().on_line());
        if let (true, Some(registration)) = (online, shell.registration.get_untracked()) {
            // A failed check (the network went away meanwhile) is retried at the next one.
            if let Ok(checked) = registration.update() {
                leptos::task::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(checked).await;
                });
            }
        }
    };
    let _ = window_event_listener(leptos::ev::online, move |_| check());
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| check());
    set_interval(check, std::time::Duration::from_secs(60 * 60));

    ask_version(shell, &container).await;
}

/// Keeps [`Shell::state`] in step with the registration.
fn follow(shell: Shell, registration: &ServiceWorkerRegistration) {
    let update_state = {
        let registration = registration.clone();
        move || {
            let controlled = container().and_then(|c| c.controller()).is_some();
            let state = if registration.waiting().is_some() && controlled {
                WorkerState::UpdateWaiting
            } else if registration.active().is_some() {
                WorkerState::Ready
            } else if let Some(installing) = registration.installing() {
                if installing.state() == ServiceWorkerState::Redundant {
                    WorkerState::Failed("install failed".into())
                } else {
                    WorkerState::Installing
                }
            } else {
                WorkerState::Installing
            };
            shell.state.set(state);
        }
    };
    update_state();
    let watch = {
        let update_state = update_state.clone();
        move |worker: Option<ServiceWorker>| {
            let Some(worker) = worker else { return };
            let update_state = update_state.clone();
            let worker_for_state = worker.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if worker_for_state.state() == ServiceWorkerState::Redundant
                    && container().and_then(|c| c.controller()).is_none()
                {
                    shell
                        .state
                        .set(WorkerState::Failed("the shell could not be cached".into()));
                    return;
                }
                update_state();
                if worker_for_state.state() == ServiceWorkerState::Activated
                    && let Some(container) = container()
                {
                    leptos::task::spawn_local(async move { ask_version(shell, &container).await });
                }
            });
            worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        }
    };
    watch(registration.installing());
    let on_found = {
        let registration = registration.clone();
        Closure::<dyn FnMut()>::new(move || watch(registration.installing()))
    };
    registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
    on_found.forget();
}

/// Lets the waiting worker take over; the page reloads on `controllerchange`.
fn activate_waiting(shell: Shell) {
    let Some(registration) = shell.registration.get_untracked() else {
        return;
    };
    let Some(waiting) = registration.waiting() else {
        return;
    };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &"activate".into());
    let _ = waiting.post_message(&message);
}

/// Asks the worker that controls this page which build it serves.
async fn ask_version(shell: Shell, container: &web_sys::ServiceWorkerContainer) {
    let Some(controller) = container.controller() else {
        return;
    };
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let reply = js_sys::Promise::new(&mut |resolve, _| {
        let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        channel
            .port1()
            .set_onmessage(Some(on_message.unchecked_ref()));
    });
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &"version".into());
    let transfer = js_sys::Array::of1(&channel.port2());
    if controller
        .post_message_with_transferable(&message, &transfer)
        .is_err()
    {
        return;
    }
    let Ok(data) = wasm_bindgen_futures::JsFuture::from(reply).await else {
        return;
    };
    let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).ok();
    let build = field("build").and_then(|v| v.as_string());
    let files = field("files").and_then(|v| v.as_f64()).unwrap_or(0.0);
    let bytes = field("bytes").and_then(|v| v.as_f64()).unwrap_or(0.0);
    if let Some(build) = build {
        shell.build.set(Some(WorkerBuild {
            build,
            files: files as u32,
            bytes: bytes as u64,
        }));
    }
}

/// The label a deployment gives its build (`<meta name="anxun-build-label">` in index.html),
/// shown in settings beside the worker's build id.
pub fn build_label() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let meta = document
        .query_selector("meta[name=anxun-build-label]")
        .ok()
        .flatten()?;
    meta.get_attribute("content").filter(|c| !c.is_empty())
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn an_update_waits_for_the_user_then_for_typing_and_sync() {
        let mut gate = UpdateGate::default();
        assert_eq!(gate.decide(), Ok(false));
        gate.unsaved_input = true;
        assert_eq!(gate.decide(), Ok(false), "never without the user");
        gate.requested = true;
        assert_eq!(gate.decide(), Err(Hold::UnsavedInput));
        gate.syncing = true;
        assert_eq!(gate.decide(), Err(Hold::Syncing));
        gate.unsaved_input = false;
        assert_eq!(gate.decide(), Err(Hold::Syncing));
        gate.syncing = false;
        assert_eq!(gate.decide(), Ok(true));
    }
}
