//! Signing in on the sync screen: once online; the session is kept so that the app syncs
//! later without asking again until it ends.

use crate::{
    db::{Session, SignInError},
    i18n::{t_string, use_i18n},
    state::use_db,
    sync::{
        api::{Api, ApiError},
        use_sync,
    },
};
use anxun_domain::api::LoginRequest;
use leptos::prelude::*;

/// The sign-in form. `again`: the session ended (asks to sign in again, same user).
#[component]
pub fn SignInForm(#[prop(into)] again: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let sync = use_sync();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(db) = state.db() else { return };
        let request = LoginRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = match Api::anonymous().login(&request).await {
                Ok(login) => {
                    let session = Session {
                        token: login.token,
                        expires_at: login.expires_at,
                        user: login.user,
                        ended: false,
                    };
                    db.sign_in(session).await.map_err(|e| match e {
                        SignInError::OtherUsersChanges(n) => {
                            format!("{}（{n}）", t_string!(i18n, sync.other_users_changes))
                        }
                        SignInError::Db(e) => crate::messages::db_error(i18n, &e),
                    })
                }
                Err(e) => Err(login_error(i18n, &e)),
            };
            busy.set(false);
            match result {
                Ok(profile) => {
                    password.set(String::new());
                    state.signed_in(profile);
                    let _ = crate::db::storage::persist().await;
                    sync.request();
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    view! {
        <form class="card sign-in" on:submit=submit data-testid="sign-in-form">
            <h2>
                {move || {
                    if again.get() {
                        t_string!(i18n, sync.sign_in_again)
                    } else {
                        t_string!(i18n, sync.sign_in)
                    }
                }}
            </h2>
            <p class="hint">{move || t_string!(i18n, sync.sign_in_hint)}</p>
            <label class="field">
                <span>{move || t_string!(i18n, sync.username)}</span>
                <input
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    data-testid="sign-in-username"
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev))
                    required
                />
            </label>
            <label class="field">
                <span>{move || t_string!(i18n, sync.password)}</span>
                <input
                    type="password"
                    autocomplete="current-password"
                    data-testid="sign-in-password"
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                    required
                />
            </label>
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="error" role="alert" data-testid="sign-in-error">
                                {message}
                            </p>
                        }
                    })
            }}
            <button
                type="submit"
                class="primary"
                data-testid="sign-in-submit"
                prop:disabled=move || busy.get()
            >
                {move || t_string!(i18n, sync.sign_in_button)}
            </button>
        </form>
    }
}

/// Why signing in failed, for people.
fn login_error(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, error: &ApiError) -> String {
    match error {
        ApiError::Unreachable(_) | ApiError::Timeout => t_string!(i18n, sync.offline).to_owned(),
        ApiError::Server { code, .. } if code == "bad_credentials" => {
            t_string!(i18n, sync.bad_credentials).to_owned()
        }
        ApiError::Server { code, .. } if code == "too_many_attempts" => {
            t_string!(i18n, sync.too_many_attempts).to_owned()
        }
        other => format!("{}（{other}）", t_string!(i18n, sync.failed)),
    }
}
