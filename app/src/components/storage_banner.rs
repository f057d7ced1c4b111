//! Says loudly when the device cannot keep data, so nobody works on without noticing.

use crate::{
    i18n::{t_string, use_i18n},
    state::{DbStatus, use_db},
};
use leptos::prelude::*;

/// A banner for a database that could not be opened.
#[component]
pub fn StorageBanner() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    move || match state.status() {
        DbStatus::Failed(crate::db::DbError::Unavailable(_)) => Some(
            view! {
                <p class="banner banner-error" role="alert" data-testid="storage-banner">
                    {t_string!(i18n, storage_state.unavailable)}
                </p>
            }
            .into_any(),
        ),
        DbStatus::Failed(error) => Some(
            view! {
                <p class="banner banner-error" role="alert" data-testid="storage-banner">
                    {t_string!(i18n, storage_state.error)}
                    {crate::messages::db_error(i18n, &error)}
                </p>
            }
            .into_any(),
        ),
        _ => None,
    }
}
