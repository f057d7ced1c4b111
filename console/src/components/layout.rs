//! The frame: header with navigation, the signed-in user, language and sign-out; the screen,
//! or the sign-in form while nobody is signed in.

use crate::{
    api::use_api,
    i18n::{t_string, use_i18n},
    locale,
    pages::sign_in::SignIn,
    routes::Page,
    session::use_session,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

#[component]
pub fn Layout(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let api = use_api();
    let location = use_location();
    let children = StoredValue::new(children);
    let nav_label = move |page: Page| match page {
        Page::Ledger => t_string!(i18n, nav.ledger),
        Page::Sites => t_string!(i18n, nav.sites),
        Page::Dashboard => t_string!(i18n, nav.dashboard),
    };
    view! {
        <header class="console-header no-print">
            <a class="brand" href=Page::Ledger.path()>
                <img src="/icons/icon.svg" alt="" width="24" height="24" />
                <span>{move || t_string!(i18n, app_name)}</span>
            </a>
            <Show when=move || session.get().is_some()>
                <nav aria-label=move || t_string!(i18n, nav.label)>
                    {Page::NAV
                        .into_iter()
                        .map(|page| {
                            let current = move || {
                                (Page::from_path(&location.pathname.get()) == Some(page))
                                    .then_some("page")
                            };
                            view! {
                                <A href=page.path() attr:aria-current=current attr:data-testid=format!("nav-{}", page.id())>
                                    {move || nav_label(page)}
                                </A>
                            }
                        })
                        .collect_view()}
                </nav>
            </Show>
            <div class="header-end">
                {move || {
                    session
                        .user()
                        .map(|user| {
                            view! {
                                <span class="user" data-testid="signed-in-user">
                                    {user.display_name}
                                </span>
                                <button
                                    type="button"
                                    class="link"
                                    on:click=move |_| {
                                        leptos::task::spawn_local(async move { api.logout().await })
                                    }
                                >
                                    {move || t_string!(i18n, sign_in.sign_out)}
                                </button>
                            }
                        })
                }}
                <button type="button" class="link" on:click=move |_| locale::toggle(i18n)>
                    {move || t_string!(i18n, language.switch)}
                </button>
            </div>
        </header>
        <main class="console-main">
            {move || {
                if session.get().is_some() {
                    children.with_value(|children| children()).into_any()
                } else {
                    view! { <SignIn /> }.into_any()
                }
            }}
        </main>
    }
}
