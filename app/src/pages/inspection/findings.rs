//! Under each checklist item: its measured value or choice, and when it failed, the note, the
//! photos and the finding (隐患) pre-filled from the item, which the inspector can edit. Also
//! the ad hoc findings that belong to no item.

use super::editor::Editor;
use crate::{
    components::{
        checklist::pick,
        photos::{PhotoInput, PhotoStrip},
    },
    i18n::{Locale, t_string, use_i18n},
    location,
};
use anxun_domain::{
    hazard::Severity,
    ids::HazardId,
    inspection::{
        AnswerValue, Verdict,
        finding::{Finding, Rectification},
    },
    photo::Sha256Hex,
    shanghai,
    template::{AnswerSpec, ItemId},
    text::Text,
};
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Empty text is no text.
fn optional_text(value: &str) -> Option<Text> {
    if value.trim().is_empty() {
        None
    } else {
        Text::parse(value).ok()
    }
}

/// The panel under one item.
#[component]
pub fn ItemPanel(editor: Editor, item: ItemId) -> impl IntoView {
    let i18n = use_i18n();
    let locked = editor.locked();
    let verdict = Memo::new({
        let item = item.clone();
        move |_| {
            editor
                .current
                .read()
                .answers
                .get(&item)
                .map(|answer| answer.verdict)
        }
    });
    let spec = editor
        .template
        .with_value(|template| template.item(&item).map(|i| i.answer.clone()));
    let value_input = spec
        .filter(|spec| !matches!(spec, AnswerSpec::PassFail))
        .map(|spec| {
            let item = item.clone();
            view! {
                <Show when=move || matches!(verdict.get(), Some(Verdict::Pass | Verdict::Fail))>
                    <ValueInput editor=editor item=item.clone() spec=spec.clone() />
                </Show>
            }
        });
    let photos = Signal::derive({
        let item = item.clone();
        move || {
            editor
                .current
                .read()
                .answers
                .get(&item)
                .map(|a| a.photos.clone())
                .unwrap_or_default()
        }
    });
    let note = Signal::derive({
        let item = item.clone();
        move || {
            editor
                .current
                .read()
                .answers
                .get(&item)
                .and_then(|a| a.note.as_ref().map(|n| n.as_str().to_owned()))
                .unwrap_or_default()
        }
    });
    let findings = Signal::derive({
        let item = item.clone();
        move || {
            editor
                .current
                .read()
                .findings
                .iter()
                .filter(|f| f.item.as_ref() == Some(&item))
                .map(|f| f.hazard)
                .collect::<Vec<_>>()
        }
    });
    let id = item.to_string();
    let on_note = {
        let item = item.clone();
        move |ev: leptos::ev::Event| {
            let text = optional_text(&event_target_value(&ev));
            let item = item.clone();
            editor.edit(Vec::new(), move |inspection, template| {
                let Some(mut answer) = inspection.answers.get(&item).cloned() else {
                    return Ok(());
                };
                answer.note = text;
                inspection.answer(template, &item, answer)
            });
        }
    };
    let add = {
        let item = item.clone();
        Callback::new(move |files: Vec<web_sys::File>| {
            let item = item.clone();
            editor.add_photos(files, move |inspection, hashes| {
                let template = editor.template.get_value();
                let Some(mut answer) = inspection.answers.get(&item).cloned() else {
                    return Ok(());
                };
                answer.photos.extend(hashes);
                inspection
                    .answer(&template, &item, answer)
                    .map_err(|e| e.to_string())
            });
        })
    };
    let delete = {
        let item = item.clone();
        Callback::new(move |hash: Sha256Hex| {
            let item = item.clone();
            editor.edit(Vec::new(), move |inspection, template| {
                let Some(mut answer) = inspection.answers.get(&item).cloned() else {
                    return Ok(());
                };
                answer.photos.retain(|h| *h != hash);
                inspection.answer(template, &item, answer)
            });
        })
    };
    view! {
        {value_input}
        <Show when=move || verdict.get() == Some(Verdict::Fail)>
            <div class="item-photos" data-testid=format!("photos-{id}")>
                <p class="hint">{move || t_string!(i18n, photos.hint)}</p>
                <PhotoStrip photos=photos on_delete=delete locked=locked />
                <PhotoInput
                    label=Signal::derive(move || t_string!(i18n, photos.take).to_owned())
                    testid=format!("photo-input-{id}")
                    on_files=add
                    disabled=locked
                />
                <label class="field">
                    <span>{move || t_string!(i18n, findings.note)}</span>
                    <textarea
                        rows="2"
                        data-testid=format!("note-{id}")
                        prop:value=move || note.get()
                        disabled=move || locked.get()
                        on:change=on_note.clone()
                    ></textarea>
                </label>
                <For each=move || findings.get() key=|hazard| *hazard let:hazard>
                    <FindingCard editor=editor hazard=hazard />
                </For>
            </div>
        </Show>
    }
}

/// A number or a choice, for the items that take one.
#[component]
fn ValueInput(editor: Editor, item: ItemId, spec: AnswerSpec) -> impl IntoView {
    let i18n = use_i18n();
    let locked = editor.locked();
    let current = Signal::derive({
        let item = item.clone();
        move || {
            editor
                .current
                .read()
                .answers
                .get(&item)
                .and_then(|a| a.value.clone())
        }
    });
    let set = move |item: ItemId, value: Option<AnswerValue>| {
        editor.edit(Vec::new(), move |inspection, template| {
            let Some(mut answer) = inspection.answers.get(&item).cloned() else {
                return Ok(());
            };
            answer.value = value;
            inspection.answer(template, &item, answer)
        });
    };
    let id = item.to_string();
    match spec {
        AnswerSpec::Number {
            label,
            unit,
            min,
            max,
            ..
        } => view! {
            <label class="field value">
                <span>{move || pick(i18n, &label)} " (" {unit} ")"</span>
                <input
                    type="number"
                    inputmode="decimal"
                    min=min
                    max=max
                    step="any"
                    data-testid=format!("value-{id}")
                    disabled=move || locked.get()
                    prop:value=move || match current.get() {
                        Some(AnswerValue::Number(n)) => n.to_string(),
                        _ => String::new(),
                    }
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        let value = text.trim().parse::<f64>().ok().map(AnswerValue::Number);
                        set(item.clone(), value);
                    }
                />
            </label>
        }
        .into_any(),
        AnswerSpec::Choice { label, options } => view! {
            <label class="field value">
                <span>{move || pick(i18n, &label)}</span>
                <select
                    data-testid=format!("value-{id}")
                    disabled=move || locked.get()
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        let value = (!code.is_empty()).then_some(AnswerValue::Choice(code));
                        set(item.clone(), value);
                    }
                >
                    <option value="">"—"</option>
                    {options
                        .into_iter()
                        .map(|option| {
                            let code = option.code.clone();
                            let selected = move || {
                                matches!(current.get(), Some(AnswerValue::Choice(c)) if c == code)
                            };
                            view! {
                                <option value=option.code.clone() selected=selected>
                                    {move || pick(i18n, &option.label)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        }
        .into_any(),
        AnswerSpec::PassFail => ().into_any(),
    }
}

/// The ad hoc findings (not tied to an item) and the form to add one.
#[component]
pub fn AdHocFindings(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    let locked = editor.locked();
    let draft = RwSignal::new(String::new());
    let findings = Signal::derive(move || {
        editor
            .current
            .read()
            .findings
            .iter()
            .filter(|f| f.item.is_none())
            .map(|f| f.hazard)
            .collect::<Vec<_>>()
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(description) = optional_text(&draft.get_untracked()) else {
            return;
        };
        draft.set(String::new());
        editor.edit(Vec::new(), move |inspection, _| {
            inspection.add_finding(
                HazardId::generate(),
                description,
                shanghai::date(Utc::now()),
            )
        });
    };
    view! {
        <section class="card ad-hoc" data-testid="ad-hoc-findings">
            <h2>{move || t_string!(i18n, findings.ad_hoc_title)}</h2>
            <p class="hint">{move || t_string!(i18n, findings.ad_hoc_hint)}</p>
            <For each=move || findings.get() key=|hazard| *hazard let:hazard>
                <FindingCard editor=editor hazard=hazard />
            </For>
            <Show when=move || !locked.get()>
                <form class="add-finding" on:submit=add>
                    <label class="field">
                        <span>{move || t_string!(i18n, findings.description)}</span>
                        <textarea
                            rows="2"
                            data-testid="ad-hoc-description"
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                        ></textarea>
                    </label>
                    <button type="submit" data-testid="ad-hoc-add">
                        {move || t_string!(i18n, findings.ad_hoc_add)}
                    </button>
                </form>
            </Show>
        </section>
    }
}

/// One finding, editable while the inspection is a draft.
#[component]
fn FindingCard(editor: Editor, hazard: HazardId) -> impl IntoView {
    let i18n = use_i18n();
    let locked = editor.locked();
    let finding = Memo::new(move |_| {
        editor
            .current
            .read()
            .findings
            .iter()
            .find(|f| f.hazard == hazard)
            .cloned()
    });
    // Every change to the finding goes through here.
    let change = move |update: Box<dyn FnOnce(&mut Finding)>| {
        let Some(mut next) = finding.get_untracked() else {
            return;
        };
        update(&mut next);
        editor.edit(Vec::new(), move |inspection, template| {
            inspection.edit_finding(template, next)
        });
    };
    // A labelled text area for an optional text of the finding (empty means none).
    let optional_field = move |label: fn(I18nContext<Locale>) -> &'static str,
                               testid: &'static str,
                               get: fn(&Finding) -> Option<&Text>,
                               set: fn(&mut Finding, Option<Text>)| {
        view! {
            <label class="field">
                <span>{move || label(i18n)}</span>
                <textarea
                    rows="2"
                    data-testid=testid
                    disabled=move || locked.get()
                    prop:value=move || {
                        finding
                            .read()
                            .as_ref()
                            .and_then(|f| get(f).map(|t| t.as_str().to_owned()))
                            .unwrap_or_default()
                    }
                    on:change=move |ev| {
                        let text = optional_text(&event_target_value(&ev));
                        change(Box::new(move |f| set(f, text)));
                    }
                ></textarea>
            </label>
        }
    };
    let text_of = move |get: fn(&Finding) -> Option<String>| {
        move || finding.get().and_then(|f| get(&f)).unwrap_or_default()
    };
    let severity_button = move |severity: Severity| {
        view! {
            <button
                type="button"
                class=format!("chip severity-{}", if severity == Severity::Major { "major" } else { "general" })
                aria-pressed=move || (finding.get().map(|f| f.severity) == Some(severity)).to_string()
                disabled=move || locked.get()
                data-testid=format!("finding-severity-{}", if severity == Severity::Major { "major" } else { "general" })
                on:click=move |_| change(Box::new(move |f| f.severity = severity))
            >
                {move || match severity {
                    Severity::General => t_string!(i18n, checklist.severity_general),
                    Severity::Major => t_string!(i18n, checklist.severity_major),
                }}
            </button>
        }
    };
    let overridden = move || {
        finding
            .get()
            .is_some_and(|f| f.default_severity.is_some_and(|d| d != f.severity))
    };
    let on_spot = move || {
        finding
            .get()
            .is_some_and(|f| matches!(f.rectification, Rectification::OnTheSpot { .. }))
    };
    let deadline = move || match finding.get().map(|f| f.rectification) {
        Some(Rectification::ByDeadline { deadline }) => deadline.format("%Y-%m-%d").to_string(),
        _ => String::new(),
    };
    let default_deadline = move || shanghai::date(Utc::now()) + chrono::Duration::days(7);
    let after_photos = Signal::derive(move || match finding.get().map(|f| f.rectification) {
        Some(Rectification::OnTheSpot { after_photos, .. }) => after_photos,
        _ => Vec::new(),
    });
    let own_photos = Signal::derive(move || finding.get().map(|f| f.photos).unwrap_or_default());
    let is_ad_hoc = move || finding.get().is_some_and(|f| f.item.is_none());
    // The finding's own position, asked once when a draft finding has none; without it the
    // inspection's position stands in.
    let answered = RwSignal::new(false);
    if !locked.get_untracked() && finding.get_untracked().is_some_and(|f| f.gps.is_none()) {
        leptos::task::spawn_local(async move {
            let fix = location::fresh_position(15_000).await;
            answered.set(true);
            if let Ok(point) = fix
                && finding.get_untracked().is_some_and(|f| f.gps.is_none())
            {
                change(Box::new(move |f| f.gps = Some(point)));
            }
        });
    }
    let gps_text = move || match finding.get().and_then(|f| f.gps) {
        Some(point) => format!(
            "{} ±{:.0} m",
            t_string!(i18n, findings.gps_own),
            point.accuracy_m().unwrap_or(0.0)
        ),
        None if !answered.get() && !locked.get() => t_string!(i18n, location.asking).to_owned(),
        None => t_string!(i18n, findings.gps_inspection).to_owned(),
    };
    let add_after = Callback::new(move |files: Vec<web_sys::File>| {
        editor.add_photos(files, move |inspection, hashes| {
            let finding = inspection
                .findings
                .iter_mut()
                .find(|f| f.hazard == hazard)
                .ok_or("the finding is gone")?;
            if let Rectification::OnTheSpot { after_photos, .. } = &mut finding.rectification {
                after_photos.extend(hashes);
            }
            Ok(())
        });
    });
    let delete_after = Callback::new(move |hash: Sha256Hex| {
        change(Box::new(move |f| {
            if let Rectification::OnTheSpot { after_photos, .. } = &mut f.rectification {
                after_photos.retain(|h| *h != hash);
            }
        }))
    });
    let add_own = Callback::new(move |files: Vec<web_sys::File>| {
        editor.add_photos(files, move |inspection, hashes| {
            let finding = inspection
                .findings
                .iter_mut()
                .find(|f| f.hazard == hazard)
                .ok_or("the finding is gone")?;
            finding.photos.extend(hashes);
            Ok(())
        });
    });
    let delete_own = Callback::new(move |hash: Sha256Hex| {
        change(Box::new(move |f| f.photos.retain(|h| *h != hash)))
    });
    let remove = move |_| {
        editor.edit(Vec::new(), move |inspection, _| {
            inspection.remove_finding(hazard)
        });
    };
    view! {
        <div class="finding" data-testid="finding">
            <h3>{move || t_string!(i18n, findings.title)}</h3>
            <label class="field">
                <span>{move || t_string!(i18n, findings.description)}</span>
                <textarea
                    rows="2"
                    data-testid="finding-description"
                    disabled=move || locked.get()
                    prop:value=text_of(|f| Some(f.description.as_str().to_owned()))
                    on:change=move |ev| {
                        if let Some(text) = optional_text(&event_target_value(&ev)) {
                            change(Box::new(move |f| f.description = text));
                        }
                    }
                ></textarea>
            </label>
            <div class="chips" role="group" aria-label=move || t_string!(i18n, findings.severity)>
                {severity_button(Severity::General)}
                {severity_button(Severity::Major)}
            </div>
            <Show when=overridden>
                {optional_field(
                    |i| t_string!(i, findings.override_reason),
                    "finding-override-reason",
                    |f| f.override_reason.as_ref(),
                    |f, text| f.override_reason = text,
                )}
            </Show>
            {optional_field(
                |i| t_string!(i, findings.location_detail),
                "finding-location",
                |f| f.location_detail.as_ref(),
                |f, text| f.location_detail = text,
            )}
            <p class="hint" data-testid="finding-gps">{gps_text}</p>
            <Show when=is_ad_hoc>
                <PhotoStrip photos=own_photos on_delete=delete_own locked=locked />
                <PhotoInput
                    label=Signal::derive(move || t_string!(i18n, photos.take).to_owned())
                    testid="finding-photo-input".to_owned()
                    on_files=add_own
                    disabled=locked
                />
            </Show>
            {optional_field(
                |i| t_string!(i, findings.requirement),
                "finding-requirement",
                |f| f.requirement.as_ref(),
                |f, text| f.requirement = text,
            )}
            <div class="chips" role="radiogroup" aria-label=move || t_string!(i18n, findings.rectification)>
                <button
                    type="button"
                    class="chip"
                    aria-pressed=move || (!on_spot()).to_string()
                    disabled=move || locked.get()
                    data-testid="finding-by-deadline"
                    on:click=move |_| {
                        let deadline = default_deadline();
                        change(Box::new(move |f| {
                            if !matches!(f.rectification, Rectification::ByDeadline { .. }) {
                                f.rectification = Rectification::ByDeadline { deadline };
                            }
                        }))
                    }
                >
                    {move || t_string!(i18n, findings.by_deadline)}
                </button>
                <button
                    type="button"
                    class="chip"
                    aria-pressed=move || on_spot().to_string()
                    disabled=move || locked.get()
                    data-testid="finding-on-spot"
                    on:click=move |_| {
                        change(Box::new(|f| {
                            if !matches!(f.rectification, Rectification::OnTheSpot { .. }) {
                                f.rectification = Rectification::OnTheSpot {
                                    measures: None,
                                    after_photos: Vec::new(),
                                };
                            }
                        }))
                    }
                >
                    {move || t_string!(i18n, findings.on_spot)}
                </button>
            </div>
            <Show
                when=on_spot
                fallback=move || {
                    view! {
                        <label class="field">
                            <span>{move || t_string!(i18n, findings.deadline)}</span>
                            <input
                                type="date"
                                data-testid="finding-deadline"
                                disabled=move || locked.get()
                                prop:value=deadline
                                on:change=move |ev| {
                                    if let Ok(date) = NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d") {
                                        change(Box::new(move |f| f.rectification = Rectification::ByDeadline { deadline: date }));
                                    }
                                }
                            />
                        </label>
                    }
                }
            >
                <label class="field">
                    <span>{move || t_string!(i18n, findings.measures)}</span>
                    <textarea
                        rows="2"
                        data-testid="finding-measures"
                        disabled=move || locked.get()
                        prop:value=move || match finding.get().map(|f| f.rectification) {
                            Some(Rectification::OnTheSpot { measures: Some(m), .. }) => m.as_str().to_owned(),
                            _ => String::new(),
                        }
                        on:change=move |ev| {
                            let text = optional_text(&event_target_value(&ev));
                            change(Box::new(move |f| {
                                if let Rectification::OnTheSpot { measures, .. } = &mut f.rectification {
                                    *measures = text;
                                }
                            }))
                        }
                    ></textarea>
                </label>
                <p class="hint">{move || t_string!(i18n, findings.after_photos)}</p>
                <PhotoStrip photos=after_photos on_delete=delete_after locked=locked />
                <PhotoInput
                    label=Signal::derive(move || t_string!(i18n, findings.take_after).to_owned())
                    testid="finding-after-input".to_owned()
                    on_files=add_after
                    disabled=locked
                />
            </Show>
            <Show when=move || is_ad_hoc() && !locked.get()>
                <button type="button" class="link-button danger" data-testid="finding-remove" on:click=remove>
                    {move || t_string!(i18n, findings.remove)}
                </button>
            </Show>
        </div>
    }
}
