//! A path the console does not know.

use crate::{
    i18n::{t_string, use_i18n},
    routes::Page,
};
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section>
            <h1>{move || t_string!(i18n, not_found.title)}</h1>
            <p>
                <a href=Page::Ledger.path()>{move || t_string!(i18n, not_found.back)}</a>
            </p>
        </section>
    }
}
