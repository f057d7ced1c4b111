//! What a screen shows while it has nothing to show yet.

use leptos::prelude::*;

/// A titled screen body that says what will appear here.
#[component]
pub fn EmptyState(
    /// The screen's heading.
    #[prop(into)]
    title: Signal<&'static str>,
    /// What the screen will show once there is something.
    #[prop(into)]
    message: Signal<&'static str>,
) -> impl IntoView {
    view! {
        <section class="screen">
            <h1>{title}</h1>
            <p class="empty-state" data-testid="empty-state">
                {message}
            </p>
        </section>
    }
}
