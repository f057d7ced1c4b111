//! What an unknown address shows.

use crate::{
    i18n::{t_string, use_i18n},
    routes::Page,
};
use leptos::prelude::*;
use leptos_router::components::A;

/// The screen for an address that matches no route.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="screen">
            <h1>{move || t_string!(i18n, not_found.title)}</h1>
            <p>{move || t_string!(i18n, not_found.body)}</p>
            <A href=Page::Home.path()>{move || t_string!(i18n, not_found.back_home)}</A>
        </section>
    }
}
