//! A completed inspection at a glance: hazards by level, each with its deadline or on-the-spot
//! fix, and the printable documents.

use super::editor::Editor;
use crate::{
    i18n::{t, t_string, use_i18n},
    routes::paths,
};
use anxun_domain::{hazard::Severity, inspection::finding::Rectification};
use leptos::prelude::*;

/// The summary shown once the inspection is completed.
#[component]
pub fn Summary(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    let inspection = editor.current.get_untracked();
    let count = |severity: Severity| {
        inspection
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let major = count(Severity::Major);
    let general = count(Severity::General);
    let findings = inspection.findings.clone();
    let id = inspection.id;
    view! {
        <section class="card summary" data-testid="inspection-summary">
            <h2>{move || t_string!(i18n, summary.title)}</h2>
            {inspection.number.as_ref().map(|n| view! { <p data-testid="inspection-number">{n.to_string()}</p> })}
            <p>
                <span class="tag severity-major" data-testid="summary-major">
                    {t!(i18n, summary.major, count = major)}
                </span>
                " "
                <span class="tag severity-general" data-testid="summary-general">
                    {t!(i18n, summary.general, count = general)}
                </span>
            </p>
            <ul class="summary-findings">
                {findings
                    .into_iter()
                    .map(|finding| {
                        let when = match finding.rectification {
                            Rectification::OnTheSpot { .. } => {
                                t_string!(i18n, findings.on_spot).to_owned()
                            }
                            Rectification::ByDeadline { deadline } => format!(
                                "{} {}",
                                t_string!(i18n, findings.deadline),
                                deadline.format("%Y-%m-%d")
                            ),
                        };
                        view! {
                            <li data-testid="summary-finding">
                                <span class=format!(
                                    "tag severity-{}",
                                    if finding.severity == Severity::Major { "major" } else { "general" },
                                )>{finding.severity.label_zh()}</span>
                                " "
                                {finding.item.map(|i| format!("{i} "))}
                                {finding.description.as_str().to_owned()}
                                <span class="hint">" · " {when}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <div class="button-row">
                <a class="button" href=paths::inspection_document(id, "record") data-testid="print-record">
                    {move || t_string!(i18n, summary.record)}
                </a>
                <a class="button" href=paths::inspection_document(id, "notice") data-testid="print-notice">
                    {move || t_string!(i18n, summary.notice)}
                </a>
            </div>
        </section>
    }
}
