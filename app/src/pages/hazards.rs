//! My work (我的工作) for hazards: the hazards on this device, those whose deadline is near or
//! past first, and the re-inspection (复查) recorded offline as pass or fail with photos.

use crate::{
    components::photos::PhotoInput,
    components::show_more::{PAGE, ShowMore},
    db::{Change, NewPhoto},
    i18n::{t, t_string, use_i18n},
    intake::{self, Stamp},
    state::use_db,
};
use anxun_domain::{
    hazard::{
        HazardAction, HazardEvent, Severity,
        worklist::{Attention, HazardListItem},
    },
    ids::{EventId, HazardId},
    shanghai,
    text::Text,
};
use chrono::{Duration, Utc};
use leptos::prelude::*;

/// Deadlines this close count as due.
const DUE_SOON_DAYS: i64 = 3;

/// Which hazards are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    NeedsAction,
    Open,
    All,
}

/// The hazards screen.
#[component]
pub fn Hazards() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let filter = RwSignal::new(Filter::NeedsAction);
    let shown = RwSignal::new(PAGE);
    // What needs action (the default) is read through an index, a page at a time; the
    // other filters read every hazard's list item.
    let hazards = LocalResource::new(move || {
        let db = state.db();
        state.changes();
        let filter = filter.get();
        let limit = u32::try_from(shown.get()).unwrap_or(u32::MAX);
        async move {
            let Some(db) = db else {
                return Ok((Vec::new(), 0));
            };
            let until = Utc::now() + Duration::days(DUE_SOON_DAYS);
            match filter {
                Filter::NeedsAction => {
                    let (items, total) = db.hazards_due(until, limit).await?;
                    Ok((items, total as usize))
                }
                Filter::Open | Filter::All => {
                    let items = db.hazard_list().await?;
                    let total = items.len();
                    Ok::<_, crate::db::DbError>((items, total))
                }
            }
        }
    });
    let listed = move || {
        let now = Utc::now();
        let soon = Duration::days(DUE_SOON_DAYS);
        let Some(Ok((hazards, stored))) = hazards.get() else {
            return (Vec::new(), 0);
        };
        let mut listed: Vec<(Option<Attention>, HazardListItem)> = hazards
            .into_iter()
            .map(|h| (h.attention(now, soon), h))
            .filter(|(attention, _)| match filter.get_untracked() {
                Filter::NeedsAction => matches!(
                    attention,
                    Some(Attention::Overdue | Attention::DueSoon | Attention::AwaitingReinspection)
                ),
                Filter::Open => attention.is_some(),
                Filter::All => true,
            })
            .collect();
        listed.sort_by_key(|(attention, hazard)| {
            (
                attention.unwrap_or(Attention::Open),
                hazard.deadline.unwrap_or(chrono::DateTime::<Utc>::MAX_UTC),
            )
        });
        let total = match filter.get_untracked() {
            Filter::NeedsAction => stored,
            Filter::Open | Filter::All => listed.len(),
        };
        (listed, total)
    };
    let chip = move |value: Filter,
                     label: fn(leptos_i18n::I18nContext<crate::i18n::Locale>) -> &'static str,
                     testid: &'static str| {
        view! {
            <button
                type="button"
                class="chip"
                data-testid=testid
                aria-pressed=move || (filter.get() == value).to_string()
                on:click=move |_| {
                    filter.set(value);
                    shown.set(PAGE);
                }
            >
                {move || label(i18n)}
            </button>
        }
    };
    view! {
        <section class="screen">
            <h1>{move || t_string!(i18n, hazards.title)}</h1>
            <div class="chips" role="group">
                {chip(Filter::NeedsAction, |i| t_string!(i, hazards.needs_action), "filter-needs-action")}
                {chip(Filter::Open, |i| t_string!(i, hazards.open), "filter-open")}
                {chip(Filter::All, |i| t_string!(i, hazards.all), "filter-all")}
            </div>
            {move || {
                hazards
                    .get()
                    .and_then(|r| r.err())
                    .map(|error| {
                        view! {
                            <p class="banner banner-error" role="alert">
                                {crate::messages::db_error(i18n, &error)}
                            </p>
                        }
                    })
            }}
            {move || {
                let (listed, total) = listed();
                if listed.is_empty() {
                    return view! {
                        <p class="empty-state" data-testid="hazards-empty">
                            {t_string!(i18n, hazards.empty)}
                        </p>
                    }
                    .into_any();
                }
                let cards = listed
                    .into_iter()
                    .take(shown.get())
                    .map(|(attention, hazard)| view! { <HazardCard hazard=hazard attention=attention /> })
                    .collect_view();
                view! {
                    <p class="hint" data-testid="hazards-count">{t!(i18n, hazards.count, count = total)}</p>
                    <ul class="hazard-list" data-testid="hazard-list">{cards}</ul>
                    <ShowMore total=total shown=shown />
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn HazardCard(hazard: HazardListItem, attention: Option<Attention>) -> impl IntoView {
    let i18n = use_i18n();
    let now = Utc::now();
    let severity = hazard.severity;
    let deadline = hazard.deadline.map(|d| {
        d.with_timezone(&shanghai::offset())
            .format("%Y-%m-%d")
            .to_string()
    });
    let attention_label = move || match attention {
        Some(Attention::Overdue) => Some(t_string!(i18n, hazards.overdue)),
        Some(Attention::DueSoon) => Some(t_string!(i18n, hazards.due_soon)),
        Some(Attention::AwaitingReinspection) => Some(t_string!(i18n, hazards.awaiting)),
        _ => None,
    };
    let reinspecting = RwSignal::new(false);
    let can_reinspect = hazard.can_reinspect();
    let id = hazard.id;
    let site = hazard.site_name.as_str().to_owned();
    view! {
        <li class="card hazard" data-testid="hazard-card" data-hazard=id.to_string()>
            <p>
                <span class=format!(
                    "tag severity-{}",
                    if severity == Severity::Major { "major" } else { "general" },
                )>{severity.label_zh()}</span>
                " "
                <span class="tag" data-testid="hazard-state">{hazard.status_label_zh(now)}</span>
                " "
                {move || attention_label().map(|l| view! { <span class="tag attention">{l}</span> })}
            </p>
            <p class="hazard-site">{site.clone()}</p>
            <p data-testid="hazard-description">{hazard.description.as_str().to_owned()}</p>
            <p class="hint">
                {hazard.number.clone().map(|n| format!("{n} · "))}
                {deadline.map(|d| format!("{} {d}", t_string!(i18n, findings.deadline)))}
            </p>
            <Show when=move || can_reinspect && !reinspecting.get()>
                <button type="button" data-testid="reinspect" on:click=move |_| reinspecting.set(true)>
                    {move || t_string!(i18n, reinspection.start)}
                </button>
            </Show>
            <Show when=move || reinspecting.get()>
                <ReinspectionForm hazard=id site=site.clone() on_done=Callback::new(move |()| reinspecting.set(false)) />
            </Show>
        </li>
    }
}

/// 复查: pass or fail, with photos (required) and a reason when it failed.
#[component]
fn ReinspectionForm(hazard: HazardId, site: String, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let passed = RwSignal::new(None::<bool>);
    let note = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<NewPhoto>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let hashes = Signal::derive(move || {
        photos
            .read()
            .iter()
            .map(|p| p.hash.clone())
            .collect::<Vec<_>>()
    });
    let add = Callback::new(move |files: Vec<web_sys::File>| {
        let stamp = Stamp {
            site: site.clone(),
            inspector: state
                .profile()
                .map(|p| p.name.as_str().to_owned())
                .unwrap_or_default(),
            gps: None,
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match intake::take_in(i18n, &files, &stamp, |_, _| ()).await {
                Ok(taken) => photos.update(|p| p.extend(taken)),
                Err(error) => message.set(Some(error)),
            }
            busy.set(false);
        });
    });
    let save = move |_| {
        let Some(profile) = state.profile() else {
            message.set(Some(t_string!(i18n, completion.no_profile).to_owned()));
            return;
        };
        let Some(result) = passed.get_untracked() else {
            message.set(Some(t_string!(i18n, reinspection.choose).to_owned()));
            return;
        };
        let stored = photos.get_untracked();
        if stored.is_empty() {
            message.set(Some(
                t_string!(i18n, reinspection.photo_required).to_owned(),
            ));
            return;
        }
        let reason = Text::parse(&note.get_untracked()).ok();
        if !result && reason.is_none() {
            message.set(Some(
                t_string!(i18n, reinspection.reason_required).to_owned(),
            ));
            return;
        }
        let event = HazardEvent {
            id: EventId::generate(),
            hazard,
            at: Utc::now(),
            actor: profile.actor(),
            reason,
            action: HazardAction::Reinspect {
                passed: result,
                photos: stored.iter().map(|p| p.hash.clone()).collect(),
                inspection: None,
            },
        };
        let Some(db) = state.db() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            // Checked against the hazard as stored before anything is written.
            let verdict = match db.hazard(hazard).await {
                Ok(Some(current)) => current.apply(&event).map(|_| ()).map_err(|e| e.to_string()),
                Ok(None) => Err("hazard not found".to_owned()),
                Err(error) => Err(crate::messages::db_error(i18n, &error)),
            };
            if let Err(error) = verdict {
                message.set(Some(error));
                busy.set(false);
                return;
            }
            match db.apply(Change::HazardEvent(event, stored)).await {
                Ok(_) => {
                    state.changed();
                    on_done.run(());
                }
                Err(error) => message.set(Some(crate::messages::db_error(i18n, &error))),
            }
            busy.set(false);
        });
    };
    let choice = move |value: bool, testid: &'static str| {
        view! {
            <button
                type="button"
                class="chip"
                data-testid=testid
                aria-pressed=move || (passed.get() == Some(value)).to_string()
                on:click=move |_| passed.set(Some(value))
            >
                {move || if value { t_string!(i18n, reinspection.passed) } else { t_string!(i18n, reinspection.failed) }}
            </button>
        }
    };
    view! {
        <div class="reinspection" data-testid="reinspection-form">
            <div class="chips" role="radiogroup">
                {choice(true, "reinspect-pass")}
                {choice(false, "reinspect-fail")}
            </div>
            <p class="hint" data-testid="reinspect-photo-count">
                {move || t!(i18n, reinspection.photo_count, count = move || hashes.get().len())}
            </p>
            <PhotoInput
                label=Signal::derive(move || t_string!(i18n, reinspection.photo).to_owned())
                testid="reinspect-photo".to_owned()
                on_files=add
                disabled=busy
            />
            <label class="field">
                <span>{move || t_string!(i18n, reinspection.note)}</span>
                <textarea
                    rows="2"
                    data-testid="reinspect-note"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                ></textarea>
            </label>
            <button type="button" class="primary" data-testid="reinspect-save" disabled=move || busy.get() on:click=save>
                {move || t_string!(i18n, reinspection.save)}
            </button>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </div>
    }
}
