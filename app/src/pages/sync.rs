//! The sync screen: the account, what waits for the server and how old it is, the last
//! successful sync, a running sync's progress, errors with a retry, and the changes the
//! server refused with its reasons.

mod sign_in;
pub mod status;

use crate::{
    i18n::{Locale, t_string, use_i18n},
    state::use_db,
    sync::{Phase, use_sync},
};
use anxun_domain::{api::RejectionCode, shanghai, sync::engine::Freshness};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use sign_in::SignInForm;
use status::{Age, Waiting};

/// An age for people.
pub fn age_text(i18n: I18nContext<Locale>, age: Age) -> String {
    match age {
        Age::JustNow => t_string!(i18n, sync.just_now).to_owned(),
        Age::Minutes(n) => format!("{n} {}", t_string!(i18n, sync.minutes_ago)),
        Age::Hours(n) => format!("{n} {}", t_string!(i18n, sync.hours_ago)),
        Age::Days(n) => format!("{n} {}", t_string!(i18n, sync.days_ago)),
    }
}

/// A refusal's reason, for people.
fn refusal_text(i18n: I18nContext<Locale>, code: &str) -> &'static str {
    match RejectionCode::parse(code) {
        Some(RejectionCode::OutOfScope) => t_string!(i18n, sync.refused_out_of_scope),
        Some(RejectionCode::NotAuthor) => t_string!(i18n, sync.refused_not_author),
        Some(RejectionCode::UnknownSite) => t_string!(i18n, sync.refused_unknown_site),
        Some(RejectionCode::InspectionCompleted) => t_string!(i18n, sync.refused_completed),
        Some(RejectionCode::InvalidTransition) => t_string!(i18n, sync.refused_transition),
        Some(RejectionCode::InUse) => t_string!(i18n, sync.refused_in_use),
        _ => t_string!(i18n, sync.refused_invalid),
    }
}

/// The sync screen.
#[component]
pub fn Sync() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let sync = use_sync();
    let session = LocalResource::new(move || {
        let db = state.db();
        state.changes();
        sync.phase();
        async move {
            match db {
                Some(db) => db.session().await.ok().flatten(),
                None => None,
            }
        }
    });
    let signed_in = move || session.get().flatten().is_some_and(|s| !s.ended);
    let ended = Signal::derive(move || session.get().flatten().is_some_and(|s| s.ended));
    let sign_out = move |_| {
        let Some(db) = state.db() else { return };
        leptos::task::spawn_local(async move {
            let _ = db.clear_session().await;
            state.changed();
        });
    };
    view! {
        <section class="screen sync-screen">
            <h1>{move || t_string!(i18n, sync.title)}</h1>
            <Show
                when=signed_in
                fallback=move || view! { <SignInForm again=ended /> }
            >
                <div class="card account" data-testid="account">
                    <p>
                        {move || t_string!(i18n, sync.signed_in_as)} " "
                        <strong data-testid="account-name">
                            {move || {
                                session
                                    .get()
                                    .flatten()
                                    .map(|s| format!("{}（{}）", s.user.display_name, s.user.username))
                            }}
                        </strong>
                    </p>
                    <button type="button" class="secondary" on:click=sign_out data-testid="sign-out">
                        {move || t_string!(i18n, sync.sign_out)}
                    </button>
                    // Supervisors and administrators keep the ledger in the console (online,
                    // a separate bundle): a full page load, not a route of this app.
                    <Show when=move || {
                        session.get().flatten().is_some_and(|s| s.user.role.is_supervisory())
                    }>
                        <p>
                            <a href=crate::routes::paths::CONSOLE rel="external" data-testid="open-console">
                                {move || t_string!(i18n, sync.open_console)}
                            </a>
                        </p>
                    </Show>
                </div>
            </Show>
            <SyncStatus />
            <Refusals />
        </section>
    }
}

/// What waits, the last sync, the running sync and errors.
#[component]
fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let sync = use_sync();
    let info = LocalResource::new(move || {
        let db = state.db();
        state.changes();
        sync.phase();
        async move {
            let db = db?;
            let (count, oldest) = db.unsynced().await.ok()?;
            let last = db.last_sync().await.ok().flatten();
            Some((count, oldest, last))
        }
    });
    let now = chrono::Utc::now;
    let waiting = move || {
        info.get()
            .flatten()
            .map(|(count, oldest, _)| Waiting::of(count, oldest, now()))
    };
    let last = move || info.get().flatten().and_then(|(_, _, last)| last);
    view! {
        <div class="card sync-status" data-testid="sync-status">
            <dl class="settings-list">
                <dt>{move || t_string!(i18n, sync.waiting)}</dt>
                <dd
                    data-testid="sync-waiting"
                    class:warning=move || {
                        waiting().is_some_and(|w| w.freshness == Freshness::Old)
                    }
                >
                    {move || {
                        waiting()
                            .map(|w| match w.oldest {
                                None => w.count.to_string(),
                                Some(age) => {
                                    format!(
                                        "{}（{} {}）",
                                        w.count,
                                        t_string!(i18n, sync.oldest),
                                        age_text(i18n, age),
                                    )
                                }
                            })
                            .unwrap_or_else(|| "—".into())
                    }}
                </dd>
                <dt>{move || t_string!(i18n, sync.last_success)}</dt>
                <dd data-testid="sync-last">
                    {move || {
                        last()
                            .map(|at| {
                                at.with_timezone(&shanghai::offset())
                                    .format("%Y-%m-%d %H:%M")
                                    .to_string()
                            })
                            .unwrap_or_else(|| t_string!(i18n, sync.never).to_owned())
                    }}
                </dd>
            </dl>
            {move || {
                waiting()
                    .filter(|w| w.freshness == Freshness::Old)
                    .map(|_| {
                        view! {
                            <p class="warning" role="status" data-testid="sync-old">
                                {t_string!(i18n, sync.old_warning)}
                            </p>
                        }
                    })
            }}
            <p class="sync-phase" role="status" data-testid="sync-phase">
                {move || match sync.phase() {
                    Phase::SignedOut => t_string!(i18n, sync.phase_signed_out).to_owned(),
                    Phase::Idle => t_string!(i18n, sync.phase_idle).to_owned(),
                    Phase::SignInNeeded => t_string!(i18n, sync.phase_sign_in).to_owned(),
                    Phase::Running(progress) => {
                        let mut text = t_string!(i18n, sync.phase_running).to_owned();
                        if let Some((n, m)) = progress.photo {
                            text.push_str(&format!("：{} {n}/{m}", t_string!(i18n, sync.photo)));
                        } else if progress.pulling {
                            text.push_str(&format!("：{}", t_string!(i18n, sync.receiving)));
                        }
                        if progress.records > 0 || progress.bytes > 0 {
                            text.push_str(&format!(
                                "（{} {}，{}）",
                                progress.records,
                                t_string!(i18n, sync.records),
                                crate::pages::settings::megabytes(progress.bytes),
                            ));
                        }
                        text
                    }
                    Phase::Failed { message, transient } => {
                        let lead = if transient {
                            t_string!(i18n, sync.failed_retrying)
                        } else {
                            t_string!(i18n, sync.failed)
                        };
                        format!("{lead}（{message}）")
                    }
                }}
            </p>
            <button
                type="button"
                class="primary"
                data-testid="sync-now"
                prop:disabled=move || matches!(sync.phase(), Phase::Running(_))
                on:click=move |_| sync.request()
            >
                {move || {
                    if matches!(sync.phase(), Phase::Failed { .. }) {
                        t_string!(i18n, sync.retry)
                    } else {
                        t_string!(i18n, sync.now)
                    }
                }}
            </button>
        </div>
    }
}

/// Changes the server refused, with the reason.
#[component]
fn Refusals() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let rows = LocalResource::new(move || {
        let db = state.db();
        state.changes();
        async move {
            match db {
                Some(db) => db.refusals().await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    view! {
        {move || {
            let rows = rows.get().unwrap_or_default();
            (!rows.is_empty())
                .then(|| {
                    view! {
                        <div class="card refusals" data-testid="refusals">
                            <h2>{t_string!(i18n, sync.refused_title)}</h2>
                            <p class="hint">{t_string!(i18n, sync.refused_hint)}</p>
                            <ul>
                                {rows
                                    .into_iter()
                                    .map(|row| {
                                        view! {
                                            <li data-testid="refusal">
                                                <strong>{refusal_text(i18n, &row.code)}</strong>
                                                <span class="hint">{row.message.clone()}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
        }}
    }
}
