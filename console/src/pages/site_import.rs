//! Importing the site registry (administrators): the file is checked first (a dry run with
//! the report of every row), then written on confirmation.

use crate::{
    api::{ApiError, use_api},
    i18n::{t_string, use_i18n},
    labels,
};
use anxun_domain::api::{ImportRowStatus, SiteImportReport};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[component]
pub fn SiteImport() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let file = StoredValue::new(None::<(Vec<u8>, String)>);
    let report = RwSignal::new(None::<SiteImportReport>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let run = move |dry_run: bool| {
        let Some((bytes, content_type)) = file.get_value() else {
            return;
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api.import_sites(bytes, &content_type, dry_run).await {
                Ok(answer) => report.set(Some(answer)),
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    let picked = move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        let Some(picked) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let content_type = if picked.name().to_lowercase().ends_with(".xlsx") {
            XLSX.to_owned()
        } else {
            "text/csv".to_owned()
        };
        report.set(None);
        leptos::task::spawn_local(async move {
            if let Ok(buffer) = JsFuture::from(picked.array_buffer()).await {
                let bytes = js_sys::Uint8Array::new(buffer.unchecked_ref()).to_vec();
                file.set_value(Some((bytes, content_type)));
                run(true);
            }
        });
    };
    view! {
        <section>
            <h1>{move || t_string!(i18n, sites.import)}</h1>
            <p class="hint">{move || t_string!(i18n, sites.import_hint)}</p>
            <input type="file" accept=".csv,.xlsx" data-testid="import-file" on:change=picked />
            {move || error.get().map(|e| view! { <p class="error" role="alert">{labels::error(i18n, &e)}</p> })}
            {move || report.get().map(|report| {
                let dry = report.dry_run;
                view! {
                    <p data-testid="import-summary">
                        {if dry { t_string!(i18n, sites.dry_run) } else { t_string!(i18n, sites.written) }} " "
                        {format!("{} {} · {} {} · {} {}",
                            t_string!(i18n, sites.created), report.created,
                            t_string!(i18n, sites.updated), report.updated,
                            t_string!(i18n, sites.invalid), report.invalid)}
                    </p>
                    {dry.then(|| view! {
                        <button type="button" class="primary" data-testid="import-confirm"
                            disabled=move || busy.get() on:click=move |_| run(false)>
                            {t_string!(i18n, sites.confirm_import)}
                        </button>
                    })}
                    <table class="ledger">
                        <thead><tr>
                            <th>{t_string!(i18n, sites.row)}</th>
                            <th>{t_string!(i18n, sites.name)}</th>
                            <th>{t_string!(i18n, sites.outcome)}</th>
                            <th>{t_string!(i18n, sites.errors)}</th>
                        </tr></thead>
                        <tbody>
                            {report.rows.into_iter().map(|row| view! {
                                <tr class:invalid=row.status == ImportRowStatus::Invalid>
                                    <td>{row.row}</td>
                                    <td>{row.name.clone()}</td>
                                    <td>{match row.status {
                                        ImportRowStatus::Created => t_string!(i18n, sites.created),
                                        ImportRowStatus::Updated => t_string!(i18n, sites.updated),
                                        ImportRowStatus::Invalid => t_string!(i18n, sites.invalid),
                                    }}</td>
                                    <td>{row.errors.iter().map(|e| format!("{}: {}", e.header.clone().unwrap_or_else(|| e.field.clone()), e.message)).collect::<Vec<_>>().join("; ")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
        </section>
    }
}
