//! The settings screen: language now; storage, version and offline state as they arrive.

use crate::{
    components::language_switch::LanguageSwitch,
    i18n::{t_string, use_i18n},
};
use leptos::prelude::*;

/// The settings screen.
#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="screen">
            <h1>{move || t_string!(i18n, settings.title)}</h1>
            <dl class="settings-list">
                <dt>{move || t_string!(i18n, language.label)}</dt>
                <dd>
                    <span data-testid="current-language">
                        {move || t_string!(i18n, language.current)}
                    </span>
                    " "
                    <LanguageSwitch />
                    <p class="hint">{move || t_string!(i18n, settings.language_hint)}</p>
                </dd>
                <dt>{move || t_string!(i18n, settings.version)}</dt>
                <dd data-testid="app-version">{env!("CARGO_PKG_VERSION")}</dd>
            </dl>
            <p class="empty-state" data-testid="empty-state">
                {move || t_string!(i18n, settings.empty)}
            </p>
        </section>
    }
}
