//! The settings screen: who is inspecting on this device, language, storage (space used, by
//! photos, whether it is kept), how much recent work keeps its full-size photos, changes
//! waiting to be sent, version, build and the offline shell's state.

use crate::{
    components::language_switch::LanguageSwitch,
    db::storage,
    i18n::{t_string, use_i18n},
    profile::ProfileInput,
    service_worker::{WorkerState, use_shell},
    state::use_db,
};
use anxun_domain::sync::release::KeepPhotos;
use leptos::prelude::*;

/// Megabytes with one decimal, for people.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// The settings screen.
#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="screen">
            <h1>{move || t_string!(i18n, settings.title)}</h1>
            <ProfileForm />
            <dl class="settings-list">
                <dt>{move || t_string!(i18n, language.label)}</dt>
                <dd>
                    <span data-testid="current-language">
                        {move || t_string!(i18n, language.current)}
                    </span>
                    " "
                    <LanguageSwitch />
                    <p class="hint">{move || t_string!(i18n, settings.language_hint)}</p>
                </dd>
                <StorageInfo />
                <KeepPhotosChoice />
                <PendingChanges />
                <dt>{move || t_string!(i18n, settings.version)}</dt>
                <dd data-testid="app-version">{env!("CARGO_PKG_VERSION")}</dd>
                <ShellInfo />
            </dl>
        </section>
    }
}

/// The inspector's name, organisation and badge number, kept on the device.
#[component]
fn ProfileForm() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let input = RwSignal::new(ProfileInput::default());
    let message = RwSignal::new(None::<(bool, String)>);
    Effect::new(move || {
        if let Some(profile) = state.profile() {
            input.set(ProfileInput::from_profile(&profile));
        }
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let existing = state.profile();
        let profile = match input.get_untracked().parse(existing.as_ref()) {
            Ok(profile) => profile,
            Err(_) => {
                message.set(Some((
                    false,
                    t_string!(i18n, profile.name_required).to_owned(),
                )));
                return;
            }
        };
        let Some(db) = state.db() else { return };
        leptos::task::spawn_local(async move {
            match db.save_profile(&profile).await {
                Ok(()) => {
                    state.set_profile(profile);
                    message.set(Some((true, t_string!(i18n, profile.saved).to_owned())));
                    // Once someone relies on this device, ask the browser to keep its data.
                    let _ = storage::persist().await;
                    state.changed();
                }
                Err(error) => message.set(Some((false, crate::messages::db_error(i18n, &error)))),
            }
        });
    };
    let field = move |label: &'static str,
                      testid: &'static str,
                      get: fn(&ProfileInput) -> String,
                      set: fn(&mut ProfileInput, String)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input
                    type="text"
                    data-testid=testid
                    prop:value=move || get(&input.read())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        input.update(|i| set(i, value));
                    }
                />
            </label>
        }
    };
    view! {
        <form class="card profile" on:submit=save data-testid="profile-form">
            <h2>{move || t_string!(i18n, profile.title)}</h2>
            <p class="hint">{move || t_string!(i18n, profile.hint)}</p>
            {field(t_string!(i18n, profile.name), "profile-name", |i| i.name.clone(), |i, v| i.name = v)}
            {field(
                t_string!(i18n, profile.organisation),
                "profile-organisation",
                |i| i.organisation.clone(),
                |i, v| i.organisation = v,
            )}
            {field(t_string!(i18n, profile.badge), "profile-badge", |i| i.badge.clone(), |i, v| i.badge = v)}
            <button type="submit" class="primary" data-testid="profile-save">
                {move || t_string!(i18n, profile.save)}
            </button>
            {move || {
                message
                    .get()
                    .map(|(ok, text)| {
                        view! {
                            <p class=if ok { "hint" } else { "error" } role="status" data-testid="profile-message">
                                {text}
                            </p>
                        }
                    })
            }}
        </form>
    }
}

/// The offline shell: the build the service worker serves and where the worker stands.
#[component]
fn ShellInfo() -> impl IntoView {
    let i18n = use_i18n();
    let shell = use_shell();
    let state = move || match shell.state.get() {
        WorkerState::Unsupported => t_string!(i18n, shell.unsupported).to_owned(),
        WorkerState::Installing => t_string!(i18n, shell.installing).to_owned(),
        WorkerState::Ready => t_string!(i18n, shell.ready).to_owned(),
        WorkerState::UpdateWaiting => t_string!(i18n, shell.update_waiting).to_owned(),
        WorkerState::Failed(reason) => format!("{} ({reason})", t_string!(i18n, shell.failed)),
    };
    view! {
        <dt>{move || t_string!(i18n, shell.build)}</dt>
        <dd>
            <span data-testid="app-build">
                {move || shell.build.get().map(|b| b.build).unwrap_or_else(|| "—".into())}
            </span>
            {move || {
                shell
                    .build
                    .get()
                    .map(|b| format!(" · {} · {}", b.files, megabytes(b.bytes)))
            }}
            {crate::service_worker::build_label()
                .map(|label| view! { " · " <span data-testid="build-label">{label}</span> })}
        </dd>
        <dt>{move || t_string!(i18n, shell.title)}</dt>
        <dd data-testid="shell-state">{state}</dd>
    }
}

/// How many local changes wait to be sent.
#[component]
fn PendingChanges() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let pending = LocalResource::new(move || {
        let db = state.db();
        state.changes();
        async move {
            match db {
                Some(db) => db.outbox_len().await.ok(),
                None => None,
            }
        }
    });
    view! {
        <dt>{move || t_string!(i18n, settings.pending)}</dt>
        <dd data-testid="pending-changes">
            {move || pending.get().flatten().map(|n| n.to_string()).unwrap_or_else(|| "—".into())}
        </dd>
    }
}

/// Space used on the device, by photos, and whether the browser keeps the data.
#[component]
fn StorageInfo() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let asked = RwSignal::new(0u32);
    let info = LocalResource::new(move || {
        let db = state.db();
        state.changes();
        asked.get();
        async move {
            let estimate = storage::estimate().await;
            let persisted = storage::persisted().await;
            let photos = match db {
                Some(db) => db.photo_bytes().await.ok(),
                None => None,
            };
            (estimate, persisted, photos)
        }
    });
    let request = move |_| {
        leptos::task::spawn_local(async move {
            let _ = storage::persist().await;
            asked.update(|n| *n += 1);
        });
    };
    view! {
        <dt>{move || t_string!(i18n, storage_info.title)}</dt>
        <dd data-testid="storage-info">
            {move || {
                info.get()
                    .map(|(estimate, persisted, photos)| {
                        let used = match estimate {
                            Some(e) => format!("{} / {}", megabytes(e.usage), megabytes(e.quota)),
                            None => t_string!(i18n, storage_info.unknown).to_owned(),
                        };
                        let kept = match persisted {
                            Some(true) => t_string!(i18n, storage_info.persistent),
                            Some(false) => t_string!(i18n, storage_info.not_persistent),
                            None => t_string!(i18n, storage_info.unknown),
                        };
                        view! {
                            <p>{t_string!(i18n, storage_info.used)} " " <span data-testid="storage-used">{used}</span></p>
                            <p>
                                {t_string!(i18n, storage_info.photos)} " "
                                <span data-testid="storage-photos">
                                    {photos.map(megabytes).unwrap_or_default()}
                                </span>
                            </p>
                            <p>
                                {t_string!(i18n, storage_info.kept)} " "
                                <span data-testid="storage-persisted">{kept}</span>
                            </p>
                            {(persisted != Some(true))
                                .then(|| {
                                    view! {
                                        <p class="hint">{t_string!(i18n, storage_info.why)}</p>
                                        <button type="button" on:click=request data-testid="storage-persist">
                                            {t_string!(i18n, storage_info.ask)}
                                        </button>
                                    }
                                })}
                        }
                    })
            }}
        </dd>
    }
}

/// How much recent work keeps its full-size photos on the device (7, 30 or 90 days, or all).
/// Choosing releases at once what the new choice allows (`Db::release_photos`).
#[component]
fn KeepPhotosChoice() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let chosen = LocalResource::new(move || {
        let db = state.db();
        async move {
            match db {
                Some(db) => db.keep_photos().await.ok(),
                None => None,
            }
        }
    });
    let released = RwSignal::new(None::<Result<u32, String>>);
    let label = move |keep: KeepPhotos| match keep {
        KeepPhotos::Week => t_string!(i18n, storage_info.keep_7),
        KeepPhotos::Month => t_string!(i18n, storage_info.keep_30),
        KeepPhotos::Quarter => t_string!(i18n, storage_info.keep_90),
        KeepPhotos::All => t_string!(i18n, storage_info.keep_all),
    };
    let change = move |event: leptos::ev::Event| {
        let Ok(keep) = KeepPhotos::parse(&event_target_value(&event)) else {
            return;
        };
        let Some(db) = state.db() else { return };
        leptos::task::spawn_local(async move {
            let result = async {
                db.set_keep_photos(keep).await?;
                db.release_photos(chrono::Utc::now()).await
            }
            .await;
            released.set(Some(
                result
                    .map(|done| done.photos)
                    .map_err(|error| crate::messages::db_error(i18n, &error)),
            ));
            state.changed();
        });
    };
    view! {
        <dt>{move || t_string!(i18n, storage_info.keep)}</dt>
        <dd>
            <select data-testid="keep-photos" on:change=change>
                {move || {
                    let current = chosen.get().flatten().unwrap_or_default();
                    KeepPhotos::CHOICES
                        .into_iter()
                        .map(|keep| {
                            view! {
                                <option value=keep.as_str() selected=keep == current>
                                    {label(keep)}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <p class="hint">{move || t_string!(i18n, storage_info.keep_hint)}</p>
            {move || {
                released
                    .get()
                    .map(|result| match result {
                        Ok(n) => {
                            view! {
                                <p class="hint" role="status">
                                    {t_string!(i18n, storage_info.released)} " "
                                    <span data-testid="photos-released">{n}</span>
                                </p>
                            }
                                .into_any()
                        }
                        Err(message) => view! { <p class="error" role="status">{message}</p> }.into_any(),
                    })
            }}
        </dd>
    }
}
