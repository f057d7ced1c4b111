//! The non-blocking prompt shown when a newer build is installed and waits (新版本可用).

use crate::{
    i18n::{t_string, use_i18n},
    service_worker::{Hold, WorkerState, use_shell},
};
use leptos::prelude::*;

/// Offers the update; applies it only when tapped, and then only once nothing is being typed
/// or synced (the page reloads into the new build). "Later" keeps this build for the session.
#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let i18n = use_i18n();
    let shell = use_shell();
    let shown = move || shell.state.get() == WorkerState::UpdateWaiting && !shell.dismissed.get();
    view! {
        <Show when=shown>
            <div class="update-prompt" role="status" data-testid="update-prompt">
                <p>
                    <strong>{move || t_string!(i18n, update.available)}</strong>
                    " "
                    {move || t_string!(i18n, update.explain)}
                </p>
                {move || {
                    shell
                        .hold()
                        .map(|hold| {
                            let text = match hold {
                                Hold::UnsavedInput => t_string!(i18n, update.wait_input),
                                Hold::Syncing => t_string!(i18n, update.wait_sync),
                            };
                            view! { <p class="hint" data-testid="update-held">{text}</p> }
                        })
                }}
                <div class="actions">
                    <button
                        type="button"
                        class="primary"
                        data-testid="update-apply"
                        disabled=move || shell.requested()
                        on:click=move |_| shell.request_update()
                    >
                        {move || t_string!(i18n, update.apply)}
                    </button>
                    <button
                        type="button"
                        data-testid="update-later"
                        on:click=move |_| shell.dismissed.set(true)
                    >
                        {move || t_string!(i18n, update.later)}
                    </button>
                </div>
            </div>
        </Show>
    }
}
