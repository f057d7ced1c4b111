//! The number of changes waiting for the server, always in view (on the sync item of the
//! navigation), marked as a warning once the oldest has waited too long.

use crate::{
    i18n::{t_string, use_i18n},
    pages::sync::status::Waiting,
    state::use_db,
    sync::use_sync,
};
use anxun_domain::sync::engine::Freshness;
use leptos::prelude::*;

/// The badge; empty when nothing waits.
#[component]
pub fn SyncBadge() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let sync = use_sync();
    let waiting = LocalResource::new(move || {
        let db = state.db();
        state.changes();
        sync.phase();
        async move {
            let (count, oldest) = db?.unsynced().await.ok()?;
            Some(Waiting::of(count, oldest, chrono::Utc::now()))
        }
    });
    move || {
        waiting.get().flatten().filter(|w| w.count > 0).map(|w| {
            let old = w.freshness == Freshness::Old;
            view! {
                <span
                    class="sync-badge"
                    class:old=old
                    data-testid="sync-badge"
                    title=move || t_string!(i18n, sync.waiting)
                >
                    {w.count}
                    {old.then_some("!")}
                </span>
            }
        })
    }
}
