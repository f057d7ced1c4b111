//! The hint to install Anxun to the home screen, with the reason, until it is installed.

use crate::{
    db::storage,
    i18n::{t_string, use_i18n},
};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, prelude::*};

/// Which hint this browser gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// The browser offered its install prompt: one button.
    Prompt,
    /// iOS/iPadOS: only Safari's share menu installs (分享 → 添加到主屏幕).
    IosShareMenu,
    /// Elsewhere: the browser menu.
    BrowserMenu,
}

/// The hint, or none when the app already runs installed.
pub fn hint(standalone: bool, ios: bool, can_prompt: bool) -> Option<Hint> {
    if standalone {
        None
    } else if can_prompt {
        Some(Hint::Prompt)
    } else if ios {
        Some(Hint::IosShareMenu)
    } else {
        Some(Hint::BrowserMenu)
    }
}

/// Whether the app runs from the home screen (or as an installed app).
pub fn is_standalone() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let media = window
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    // iOS Safari's own flag.
    let ios = js_sys::Reflect::get(&window.navigator(), &"standalone".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    media || ios
}

fn is_ios() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let agent = navigator.user_agent().unwrap_or_default();
    // iPadOS presents itself as a Mac with a touch screen.
    agent.contains("iPhone")
        || agent.contains("iPad")
        || agent.contains("iPod")
        || (agent.contains("Macintosh") && navigator.max_touch_points() > 1)
}

/// What the install prompt needs across screens.
#[derive(Clone, Copy)]
pub struct Install {
    /// The browser's deferred `beforeinstallprompt` event.
    deferred: RwSignal<Option<JsValue>, LocalStorage>,
    installed: RwSignal<bool>,
}

/// Listens for the browser's install events from the start (they may come before any screen
/// that shows the hint) and provides [`Install`]. Installed apps ask to keep their data.
pub fn provide_install() {
    let install = Install {
        deferred: RwSignal::new_local(None),
        installed: RwSignal::new(is_standalone()),
    };
    provide_context(install);
    if let Some(window) = web_sys::window() {
        let on_offer = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            install.deferred.set(Some(event.into()));
        });
        let _ = window.add_event_listener_with_callback(
            "beforeinstallprompt",
            on_offer.as_ref().unchecked_ref(),
        );
        on_offer.forget();
        let on_installed = Closure::<dyn FnMut()>::new(move || {
            install.installed.set(true);
            install.deferred.set(None);
            leptos::task::spawn_local(async {
                let _ = storage::persist().await;
            });
        });
        let _ = window.add_event_listener_with_callback(
            "appinstalled",
            on_installed.as_ref().unchecked_ref(),
        );
        on_installed.forget();
    }
    if install.installed.get_untracked() {
        leptos::task::spawn_local(async {
            if storage::persisted().await == Some(false) {
                let _ = storage::persist().await;
            }
        });
    }
}

/// The hint, with the reason to install.
#[component]
pub fn InstallHint() -> impl IntoView {
    let i18n = use_i18n();
    let install = expect_context::<Install>();
    let ios = is_ios();
    let which = move || {
        hint(
            install.installed.get(),
            ios,
            install.deferred.with(|d| d.is_some()),
        )
    };
    let prompt = move |_| {
        let Some(event) = install.deferred.get_untracked() else {
            return;
        };
        let Ok(function) = js_sys::Reflect::get(&event, &"prompt".into()) else {
            return;
        };
        if let Some(function) = function.dyn_ref::<js_sys::Function>() {
            let _ = function.call0(&event);
        }
        // The event can prompt once; the browser offers a new one if the user declines.
        install.deferred.set(None);
    };
    view! {
        {move || {
            which()
                .map(|which| {
                    let how = match which {
                        Hint::Prompt => None,
                        Hint::IosShareMenu => Some(t_string!(i18n, install.how_ios)),
                        Hint::BrowserMenu => Some(t_string!(i18n, install.how_menu)),
                    };
                    view! {
                        <aside class="card install-hint" data-testid="install-hint">
                            <h2>{t_string!(i18n, install.title)}</h2>
                            <p>{t_string!(i18n, install.why)}</p>
                            {match how {
                                Some(how) => view! { <p class="hint" data-testid="install-how">{how}</p> }.into_any(),
                                None => {
                                    view! {
                                        <button type="button" class="primary" data-testid="install-button" on:click=prompt>
                                            {t_string!(i18n, install.button)}
                                        </button>
                                    }
                                        .into_any()
                                }
                            }}
                        </aside>
                    }
                })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_hint_fits_the_browser_and_goes_once_installed() {
        assert_eq!(hint(true, true, true), None);
        assert_eq!(hint(false, false, true), Some(Hint::Prompt));
        assert_eq!(hint(false, true, false), Some(Hint::IosShareMenu));
        assert_eq!(hint(false, false, false), Some(Hint::BrowserMenu));
    }
}
