//! The inspections screen.

use crate::{
    components::empty_state::EmptyState,
    i18n::{t_string, use_i18n},
};
use leptos::prelude::*;

/// The inspections screen; until it is built, it says what will be here.
#[component]
pub fn Inspections() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <EmptyState
            title=Signal::derive(move || t_string!(i18n, inspections.title))
            message=Signal::derive(move || t_string!(i18n, inspections.empty))
        />
    }
}
