//! The one-tap switch between Chinese and English.

use crate::{
    i18n::{t_string, use_i18n},
    locale,
};
use leptos::prelude::*;

/// A button that switches the interface to the other language and remembers the choice.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| locale::choose(i18n, locale::other(i18n.get_locale_untracked()));
    view! {
        <button
            type="button"
            class="language-switch"
            data-testid="language-switch"
            lang=move || locale::tag(locale::other(i18n.get_locale()))
            aria-label=move || t_string!(i18n, language.label)
            on:click=switch
        >
            {move || t_string!(i18n, language.switch_to_other)}
        </button>
    }
}
