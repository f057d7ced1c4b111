//! The sync screen.

use crate::{
    components::empty_state::EmptyState,
    i18n::{t_string, use_i18n},
};
use leptos::prelude::*;

/// The sync screen; until it is built, it says what will be here.
#[component]
pub fn Sync() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <EmptyState
            title=Signal::derive(move || t_string!(i18n, sync.title))
            message=Signal::derive(move || t_string!(i18n, sync.empty))
        />
    }
}
