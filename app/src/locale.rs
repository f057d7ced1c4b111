//! The interface language: chosen by the user, remembered on the device, Chinese by default.

use crate::i18n::{Locale, use_i18n};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Where the chosen language is kept in `localStorage`.
const STORAGE_KEY: &str = "anxun.locale";

/// The BCP 47 tag of a locale, as stored and as put on `<html lang>`.
pub fn tag(locale: Locale) -> &'static str {
    match locale {
        Locale::zh_CN => "zh-CN",
        Locale::en => "en",
    }
}

/// Parses a stored tag; anything unknown means "not chosen".
pub fn parse_tag(stored: &str) -> Option<Locale> {
    match stored {
        "zh-CN" => Some(Locale::zh_CN),
        "en" => Some(Locale::en),
        _ => None,
    }
}

/// The other language, for the one-tap switch.
pub fn other(locale: Locale) -> Locale {
    match locale {
        Locale::zh_CN => Locale::en,
        Locale::en => Locale::zh_CN,
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The language to start in: the one saved on this device, or Chinese, whatever the browser
/// prefers.
pub fn initial() -> Locale {
    local_storage()
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|stored| parse_tag(&stored))
        .unwrap_or(Locale::zh_CN)
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
            // Setting an attribute on <html> cannot fail in a conforming browser.
            let _ = root.set_attribute("lang", tag(locale));
        }
    });
}

/// Switches to `locale` and remembers the choice on this device.
pub fn choose(i18n: I18nContext<Locale>, locale: Locale) {
    i18n.set_locale(locale);
    if let Some(storage) = local_storage() {
        // Without storage (private mode) the choice lasts for this visit only.
        let _ = storage.set_item(STORAGE_KEY, tag(locale));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn tags_round_trip() {
        for locale in [Locale::zh_CN, Locale::en] {
            assert_eq!(parse_tag(tag(locale)), Some(locale));
            assert_eq!(other(other(locale)), locale);
        }
        assert_eq!(parse_tag("fr"), None);
    }
}
