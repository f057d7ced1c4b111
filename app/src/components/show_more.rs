//! Long lists show a page at a time; this button shows the next page.

use crate::i18n::{t_string, use_i18n};
use leptos::prelude::*;

/// Rows a long list shows at first, and adds per tap.
pub const PAGE: usize = 50;

/// "Show more", when `total` rows are more than `shown`; a tap shows [`PAGE`] more.
#[component]
pub fn ShowMore(total: usize, shown: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    (total > shown.get_untracked()).then(|| {
        view! {
            <button type="button" on:click=move |_| shown.update(|n| *n += PAGE)>
                {move || t_string!(i18n, hazards.more)}
            </button>
        }
    })
}
