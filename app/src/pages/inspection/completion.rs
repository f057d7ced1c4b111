//! Finishing an inspection: notes, the site representative's signature or the recorded
//! refusal, the inspector's signature, what is still missing, and completing it, which puts
//! every finding on the ledger (hazard events) in the same transaction as the inspection.

use super::editor::{Editor, SaveState};
use crate::{
    components::signature_pad::SignaturePad,
    db::{Change, NewPhoto},
    i18n::{Locale, t_string, use_i18n},
};
use anxun_domain::{
    docno::DocKind,
    hazard::Severity,
    ids::HazardId,
    inspection::{
        Incomplete, Inspection, RepresentativeSignature, Signature,
        finding::{Finding, Rectification},
    },
    photo::Sha256Hex,
    shanghai,
    text::Text,
};
use chrono::Utc;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// What is still missing, in the inspector's words. Unanswered items are listed together.
pub fn missing_lines(
    i18n: I18nContext<Locale>,
    inspection: &Inspection,
    missing: &[Incomplete],
) -> Vec<String> {
    let finding_label = |hazard: &HazardId| {
        inspection
            .findings
            .iter()
            .position(|f| f.hazard == *hazard)
            .map(|index| {
                let finding = &inspection.findings[index];
                match &finding.item {
                    Some(item) => item.to_string(),
                    None => format!("{} {}", t_string!(i18n, findings.ad_hoc_short), index + 1),
                }
            })
            .unwrap_or_default()
    };
    let unanswered: Vec<String> = missing
        .iter()
        .filter_map(|m| match m {
            Incomplete::Unanswered(item) => Some(item.to_string()),
            _ => None,
        })
        .collect();
    let mut lines = Vec::new();
    if !unanswered.is_empty() {
        lines.push(format!(
            "{}{}",
            t_string!(i18n, completion.unanswered),
            unanswered.join("、")
        ));
    }
    for m in missing {
        let line = match m {
            Incomplete::Unanswered(_) | Incomplete::BadTimes => continue,
            Incomplete::WrongTemplate => t_string!(i18n, completion.wrong_template).to_owned(),
            Incomplete::NoInspector => t_string!(i18n, completion.no_inspector).to_owned(),
            Incomplete::MissingValue(item) => {
                format!("{item}：{}", t_string!(i18n, completion.missing_value))
            }
            Incomplete::FailWithoutEvidence(item) => {
                format!("{item}：{}", t_string!(i18n, completion.no_evidence))
            }
            Incomplete::NoInspectorSignature => {
                t_string!(i18n, completion.no_inspector_signature).to_owned()
            }
            Incomplete::NoRepresentative => {
                t_string!(i18n, completion.no_representative).to_owned()
            }
            Incomplete::OverrideReason(h) => {
                format!(
                    "{}：{}",
                    finding_label(h),
                    t_string!(i18n, completion.override_reason)
                )
            }
            Incomplete::FindingWithoutPhoto(h) => {
                format!(
                    "{}：{}",
                    finding_label(h),
                    t_string!(i18n, completion.finding_photo)
                )
            }
            Incomplete::OnTheSpotEvidence(h) => {
                format!(
                    "{}：{}",
                    finding_label(h),
                    t_string!(i18n, completion.on_spot_evidence)
                )
            }
        };
        lines.push(line);
    }
    lines
}

/// A signature drawing as a stored image.
fn signature_photo(png: Vec<u8>) -> NewPhoto {
    NewPhoto {
        hash: Sha256Hex::digest(&png),
        mime: "image/png".into(),
        width: 600,
        height: 240,
        thumbnail: png.clone(),
        evidence: png,
    }
}

/// The completion part of the inspection screen (drafts only).
#[component]
pub fn Completion(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    let state = editor.db;
    let refusing = RwSignal::new(false);
    let representative_name = RwSignal::new(String::new());
    let refusal_reason = RwSignal::new(String::new());
    let completing = RwSignal::new(None::<String>);

    let notes = move || {
        editor
            .current
            .read()
            .notes
            .as_ref()
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default()
    };
    let on_notes = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let text = (!value.trim().is_empty())
            .then(|| Text::parse(&value).ok())
            .flatten();
        editor.edit(Vec::new(), move |inspection, _| {
            inspection.notes = text;
            Ok::<_, String>(())
        });
    };
    let representative = move || editor.current.read().representative.clone();
    let representative_signed = Callback::new(move |png: Vec<u8>| {
        let Ok(name) = Text::parse(&representative_name.get_untracked()) else {
            editor.save_state.set(SaveState::Failed(
                t_string!(i18n, completion.name_required).to_owned(),
            ));
            return;
        };
        let photo = signature_photo(png);
        let image = photo.hash.clone();
        editor.edit(vec![photo], move |inspection, _| {
            inspection.representative = Some(RepresentativeSignature::Signed(Signature {
                name,
                image,
                signed_at: Utc::now(),
            }));
            Ok::<_, String>(())
        });
    });
    let record_refusal = move |_| {
        let Ok(reason) = Text::parse(&refusal_reason.get_untracked()) else {
            editor.save_state.set(SaveState::Failed(
                t_string!(i18n, completion.reason_required).to_owned(),
            ));
            return;
        };
        let name = Text::parse(&representative_name.get_untracked()).ok();
        editor.edit(Vec::new(), move |inspection, _| {
            inspection.representative = Some(RepresentativeSignature::Refused {
                name,
                reason,
                recorded_at: Utc::now(),
            });
            Ok::<_, String>(())
        });
    };
    let redo_representative = move |_| {
        editor.edit(Vec::new(), move |inspection, _| {
            inspection.representative = None;
            Ok::<_, String>(())
        });
    };
    let inspector_signed = Callback::new(move |png: Vec<u8>| {
        let Some(profile) = state.profile() else {
            return;
        };
        let photo = signature_photo(png);
        let image = photo.hash.clone();
        editor.edit(vec![photo], move |inspection, _| {
            if inspection.inspectors.is_empty() {
                inspection.inspectors.push(profile.inspector());
            }
            inspection.inspector_signature = Some(Signature {
                name: profile.name.clone(),
                image,
                signed_at: Utc::now(),
            });
            Ok::<_, String>(())
        });
    });
    let missing = Memo::new(move |_| {
        let mut probe = editor.current.get();
        if probe.inspectors.is_empty()
            && let Some(profile) = state.profile()
        {
            probe.inspectors.push(profile.inspector());
        }
        probe.ended_at = Some(Utc::now().max(probe.started_at));
        let missing = editor.template.with_value(|t| probe.check_complete(t));
        missing_lines(i18n, &probe, &missing)
    });
    let complete = move |_| {
        let Some(profile) = state.profile() else {
            return;
        };
        let Some(db) = state.db() else { return };
        let Some(site) = editor.site.get_value() else {
            return;
        };
        let template = editor.template.get_value();
        let mut inspection = editor.current.get_untracked();
        if inspection.inspectors.is_empty() {
            inspection.inspectors.push(profile.inspector());
        }
        completing.set(Some(String::new()));
        leptos::task::spawn_local(async move {
            let now = Utc::now();
            // Numbers: the record, then per finding its hazard number and, for a notice the
            // inspector issues (general, by deadline), the notice number.
            let notices = |f: &Finding| {
                f.severity == Severity::General
                    && matches!(f.rectification, Rectification::ByDeadline { .. })
            };
            let mut kinds = vec![DocKind::InspectionRecord];
            for finding in &inspection.findings {
                kinds.push(DocKind::Hazard);
                if notices(finding) {
                    kinds.push(DocKind::RectificationNotice);
                }
            }
            let numbers = match db.reserve_numbers(&kinds, shanghai::date(now)).await {
                Ok(numbers) => numbers,
                Err(error) => {
                    completing.set(Some(crate::messages::db_error(i18n, &error)));
                    return;
                }
            };
            let mut numbers = numbers.into_iter();
            inspection.number = numbers.next();
            if let Err(missing) = inspection.complete(&template, now) {
                completing.set(Some(missing_lines(i18n, &inspection, &missing).join("；")));
                return;
            }
            let events = inspection.hazard_events(&template, &site, &profile.actor(), now, |f| {
                let hazard = numbers.next();
                let notice = if notices(f) { numbers.next() } else { None };
                (hazard, notice)
            });
            let change = Change::Complete {
                inspection: inspection.clone(),
                events,
                photos: Vec::new(),
            };
            match db.apply_all(change).await {
                Ok(_) => {
                    editor.current.set(inspection);
                    completing.set(None);
                    state.changed();
                }
                Err(error) => completing.set(Some(crate::messages::db_error(i18n, &error))),
            }
        });
    };
    let inspector_name = move || state.profile().map(|p| p.name.as_str().to_owned());

    view! {
        <section class="card completion" data-testid="completion">
            <h2>{move || t_string!(i18n, completion.title)}</h2>
            <label class="field">
                <span>{move || t_string!(i18n, completion.notes)}</span>
                <textarea rows="3" data-testid="inspection-notes" prop:value=notes on:change=on_notes></textarea>
            </label>

            <h3>{move || t_string!(i18n, completion.representative)}</h3>
            {move || match representative() {
                Some(done) => {
                    let (what, detail) = match done {
                        RepresentativeSignature::Signed(signature) => {
                            (t_string!(i18n, completion.signed_by), signature.name)
                        }
                        RepresentativeSignature::Refused { reason, .. } => {
                            (t_string!(i18n, completion.refused), reason)
                        }
                    };
                    view! {
                        <p data-testid="representative-done">
                            {what} {detail.as_str().to_owned()} " "
                            <button type="button" class="link-button" on:click=redo_representative>
                                {t_string!(i18n, completion.redo)}
                            </button>
                        </p>
                    }
                        .into_any()
                }
                None => view! {
                    <div>
                        <label class="field">
                            <span>{t_string!(i18n, completion.representative_name)}</span>
                            <input
                                type="text"
                                data-testid="representative-name"
                                prop:value=move || representative_name.get()
                                on:input=move |ev| representative_name.set(event_target_value(&ev))
                            />
                        </label>
                        <div class="chips" role="radiogroup">
                            <button
                                type="button"
                                class="chip"
                                aria-pressed=move || (!refusing.get()).to_string()
                                on:click=move |_| refusing.set(false)
                            >
                                {t_string!(i18n, completion.sign)}
                            </button>
                            <button
                                type="button"
                                class="chip"
                                aria-pressed=move || refusing.get().to_string()
                                data-testid="representative-refuses"
                                on:click=move |_| refusing.set(true)
                            >
                                {t_string!(i18n, completion.refuses)}
                            </button>
                        </div>
                        <Show
                            when=move || refusing.get()
                            fallback=move || {
                                view! {
                                    <div data-testid="representative-pad">
                                        <SignaturePad
                                            label=Signal::derive(move || t_string!(i18n, completion.representative).to_owned())
                                            on_confirm=representative_signed
                                        />
                                    </div>
                                }
                            }
                        >
                            <label class="field">
                                <span>{t_string!(i18n, completion.refusal_reason)}</span>
                                <textarea
                                    rows="2"
                                    data-testid="refusal-reason"
                                    prop:value=move || refusal_reason.get()
                                    on:input=move |ev| refusal_reason.set(event_target_value(&ev))
                                ></textarea>
                            </label>
                            <button type="button" data-testid="record-refusal" on:click=record_refusal>
                                {t_string!(i18n, completion.record_refusal)}
                            </button>
                        </Show>
                    </div>
                }
                .into_any(),
            }}

            <h3>{move || t_string!(i18n, completion.inspector)}</h3>
            {move || match (inspector_name(), editor.current.read().inspector_signature.clone()) {
                (None, _) => view! {
                    <p class="error" data-testid="no-profile">
                        {t_string!(i18n, completion.no_profile)} " "
                        <a href=crate::routes::Page::Settings.path()>{t_string!(i18n, settings.title)}</a>
                    </p>
                }
                .into_any(),
                (Some(_), Some(signature)) => view! {
                    <p data-testid="inspector-done">
                        {t_string!(i18n, completion.signed_by)} {signature.name.as_str().to_owned()}
                    </p>
                }
                .into_any(),
                (Some(name), None) => view! {
                    <div data-testid="inspector-pad">
                        <p>{name.clone()}</p>
                        <SignaturePad
                            label=Signal::derive(move || t_string!(i18n, completion.inspector).to_owned())
                            on_confirm=inspector_signed
                        />
                    </div>
                }
                .into_any(),
            }}

            <h3>{move || t_string!(i18n, completion.missing_title)}</h3>
            {move || {
                let lines = missing.get();
                if lines.is_empty() {
                    view! { <p data-testid="missing-none">{t_string!(i18n, completion.nothing_missing)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="missing" data-testid="missing-list">
                            {lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
            <button
                type="button"
                class="primary big"
                data-testid="complete-inspection"
                disabled=move || !missing.get().is_empty() || completing.get().is_some_and(|s| s.is_empty())
                on:click=complete
            >
                {move || t_string!(i18n, completion.complete)}
            </button>
            {move || {
                completing
                    .get()
                    .filter(|s| !s.is_empty())
                    .map(|error| view! { <p class="error" role="alert">{error}</p> })
            }}
        </section>
    }
}
