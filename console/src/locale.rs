//! The interface language: Chinese unless the user chose English in this browser.

use crate::{
    i18n::{Locale, use_i18n},
    storage,
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

const STORAGE_KEY: &str = "anxun.console.locale";

pub fn tag(locale: Locale) -> &'static str {
    match locale {
        Locale::zh_CN => "zh-CN",
        Locale::en => "en",
    }
}

/// The language to start in: the one saved in this browser, or Chinese.
pub fn initial() -> Locale {
    match storage::get(STORAGE_KEY).as_deref() {
        Some("en") => Locale::en,
        _ => Locale::zh_CN,
    }
}

/// Keeps `<html lang>` in step with the current language.
#[component]
pub fn LocaleSync() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let locale = i18n.get_locale();
        if let Some(root) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element())
        {
            let _ = root.set_attribute("lang", tag(locale));
        }
    });
}

/// Switches to the other language and remembers the choice.
pub fn toggle(i18n: I18nContext<Locale>) {
    let next = match i18n.get_locale_untracked() {
        Locale::zh_CN => Locale::en,
        Locale::en => Locale::zh_CN,
    };
    i18n.set_locale(next);
    storage::set(STORAGE_KEY, tag(next));
}
