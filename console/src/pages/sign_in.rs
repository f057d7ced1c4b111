//! Signing in (`POST /api/auth/login`). Only supervisors and administrators use the console;
//! an inspector is sent to the field app instead (the session is not kept).

use crate::{
    api::{ApiError, use_api},
    i18n::{t_string, use_i18n},
    labels,
    session::use_session,
};
use anxun_domain::api::LoginRequest;
use leptos::prelude::*;

#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let inspector = RwSignal::new(false);
    let busy = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        inspector.set(false);
        leptos::task::spawn_local(async move {
            match api.login(&request).await {
                Ok(login) if login.user.role.is_supervisory() => session.start(login),
                Ok(_) => inspector.set(true),
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="sign-in">
            <h1>{move || t_string!(i18n, sign_in.title)}</h1>
            <p class="hint">{move || t_string!(i18n, sign_in.intro)}</p>
            <form on:submit=submit>
                <label>
                    {move || t_string!(i18n, sign_in.username)}
                    <input
                        name="username"
                        autocomplete="username"
                        required
                        bind:value=username
                    />
                </label>
                <label>
                    {move || t_string!(i18n, sign_in.password)}
                    <input
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                    />
                </label>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || t_string!(i18n, sign_in.submit)}
                </button>
            </form>
            <Show when=move || inspector.get()>
                <p class="notice" role="alert" data-testid="use-field-app">
                    {move || t_string!(i18n, sign_in.inspector)} " "
                    <a href="/" rel="external">{move || t_string!(i18n, sign_in.open_field_app)}</a>
                </p>
            </Show>
            {move || {
                error
                    .get()
                    .map(|error| {
                        view! {
                            <p class="error" role="alert">
                                {labels::error(i18n, &error)}
                            </p>
                        }
                    })
            }}
        </section>
    }
}
