//! The checklist: one card per item, with one-tap 符合 / 不符合 / 不适用, the item's guidance and
//! legal basis one tap away, and progress. Props in, callbacks out: saving is the page's job.

use crate::{
    i18n::{Locale, t, t_string, use_i18n},
    locale,
};
use anxun_domain::{
    inspection::{Counts, Verdict},
    template::{Bilingual, DefaultSeverity, Item, Section, SourceStatus},
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Picks the text for the current language.
pub fn pick(i18n: I18nContext<Locale>, text: &Bilingual) -> String {
    match i18n.get_locale() {
        Locale::zh_CN => text.zh.clone(),
        Locale::en => text.en.clone(),
    }
}

fn severity_label(i18n: I18nContext<Locale>, severity: DefaultSeverity) -> &'static str {
    match severity {
        DefaultSeverity::Major => t_string!(i18n, checklist.severity_major),
        DefaultSeverity::General => t_string!(i18n, checklist.severity_general),
        DefaultSeverity::Combined => t_string!(i18n, checklist.severity_combined),
        DefaultSeverity::LocalMajor => t_string!(i18n, checklist.severity_local_major),
        DefaultSeverity::Advisory => t_string!(i18n, checklist.severity_advisory),
    }
}

fn status_label(i18n: I18nContext<Locale>, status: SourceStatus) -> &'static str {
    match status {
        SourceStatus::Verified => t_string!(i18n, checklist.status_verified),
        SourceStatus::PartlyVerified => t_string!(i18n, checklist.status_partly_verified),
        SourceStatus::Unverified => t_string!(i18n, checklist.status_unverified),
    }
}

/// A progress bar with counts.
#[component]
pub fn ChecklistProgress(#[prop(into)] counts: Signal<Counts>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="progress" data-testid="checklist-progress">
            <progress
                max=move || counts.get().total
                value=move || counts.get().answered
            ></progress>
            <span>
                {t!(
                    i18n, checklist.progress, answered = move || counts.get().answered, total = move || counts.get().total
                )}
            </span>
            <Show when=move || { counts.get().failed > 0 }>
                <span class="failed-count">
                    {t!(i18n, checklist.failed_count, failed = move || counts.get().failed)}
                </span>
            </Show>
        </div>
    }
}

/// One section of the checklist.
#[component]
pub fn ChecklistSection(
    section: Section,
    /// The verdict given to an item so far.
    verdict_of: Callback<String, Option<Verdict>>,
    /// Called when the inspector taps a verdict.
    on_verdict: Callback<(String, Verdict)>,
    /// True once the inspection is completed.
    #[prop(into)]
    locked: Signal<bool>,
    /// What the page shows under an item (e.g. the finding's photos when it failed).
    extra: Callback<String, AnyView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = section.title.clone();
    view! {
        <section class="checklist-section" data-section=section.id.clone()>
            <h2>{move || pick(i18n, &title)}</h2>
            <ol class="checklist-items">
                {section
                    .items
                    .into_iter()
                    .map(|item| {
                        let id = item.id.to_string();
                        let verdict = Signal::derive({
                            let id = id.clone();
                            move || verdict_of.run(id.clone())
                        });
                        view! {
                            <ChecklistItem
                                item=item
                                verdict=verdict
                                on_verdict=Callback::new(move |v| on_verdict.run((id.clone(), v)))
                                locked=locked
                                extra=extra
                            />
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

/// One item: the question, its severity, three large answer buttons, guidance and basis.
#[component]
pub fn ChecklistItem(
    item: Item,
    #[prop(into)] verdict: Signal<Option<Verdict>>,
    on_verdict: Callback<Verdict>,
    #[prop(into)] locked: Signal<bool>,
    extra: Callback<String, AnyView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.id.to_string();
    let extra_id = id.clone();
    let text = item.text.clone();
    let severity = item.severity;
    let (show_guidance, set_show_guidance) = signal(false);
    let (show_basis, set_show_basis) = signal(false);
    let button = move |value: Verdict, class: &'static str| {
        view! {
            <button
                type="button"
                class=format!("verdict {class}")
                aria-pressed=move || (verdict.get() == Some(value)).to_string()
                disabled=move || locked.get()
                on:click=move |_| on_verdict.run(value)
            >
                {move || match value {
                    Verdict::Pass => t_string!(i18n, checklist.pass),
                    Verdict::Fail => t_string!(i18n, checklist.fail),
                    Verdict::NotApplicable => t_string!(i18n, checklist.na),
                }}
            </button>
        }
    };
    let guidance = item.guidance.clone();
    let photo_hint = item.photo_hint.clone();
    let major_when = item.major_when.clone();
    let basis = item.basis.clone();
    view! {
        <li
            class="checklist-item"
            class:answered=move || verdict.get().is_some()
            class:failed=move || verdict.get() == Some(Verdict::Fail)
            data-item=id.clone()
            data-testid=format!("item-{id}")
        >
            <div class="item-head">
                <span class="item-id">{id.clone()}</span>
                <span class=format!("severity severity-{}", severity.code())>
                    {move || severity_label(i18n, severity)}
                </span>
            </div>
            <p class="item-question" lang=move || locale::tag(i18n.get_locale())>
                {move || pick(i18n, &text)}
            </p>
            <div class="verdicts" role="group" aria-label=move || t_string!(i18n, checklist.answer_label)>
                {button(Verdict::Pass, "pass")}
                {button(Verdict::Fail, "fail")}
                {button(Verdict::NotApplicable, "na")}
            </div>
            <div class="item-more">
                <button
                    type="button"
                    class="link-button"
                    aria-expanded=move || show_guidance.get().to_string()
                    on:click=move |_| set_show_guidance.update(|v| *v = !*v)
                >
                    {move || t_string!(i18n, checklist.guidance)}
                </button>
                <button
                    type="button"
                    class="link-button"
                    aria-expanded=move || show_basis.get().to_string()
                    on:click=move |_| set_show_basis.update(|v| *v = !*v)
                >
                    {move || t_string!(i18n, checklist.basis)}
                </button>
            </div>
            <Show when=move || show_guidance.get()>
                <div class="item-guidance" lang="zh-CN">
                    <p>{guidance.clone()}</p>
                    <p class="hint">
                        <strong>{move || t_string!(i18n, checklist.photo_hint)}</strong>
                        "："
                        {photo_hint.clone()}
                    </p>
                    {major_when
                        .clone()
                        .map(|text| {
                            view! {
                                <p class="major-when">
                                    <strong>{move || t_string!(i18n, checklist.major_when)}</strong>
                                    {text}
                                </p>
                            }
                        })}
                </div>
            </Show>
            <Show when=move || show_basis.get()>
                <ul class="item-basis" lang="zh-CN">
                    {basis
                        .clone()
                        .into_iter()
                        .map(|basis| {
                            let status = basis.status;
                            view! {
                                <li>
                                    "《"{basis.document}"》"
                                    {basis.clause.map(|clause| format!(" {clause}"))}
                                    <span class=format!("basis-status status-{}", status.code())>
                                        {move || status_label(i18n, status)}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </Show>
            {move || extra.run(extra_id.clone())}
        </li>
    }
}
