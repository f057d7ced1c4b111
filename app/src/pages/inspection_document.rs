//! The printable documents of an inspection: 现场检查记录 (the record) and 隐患整改通知书 (the
//! notice to the site). Laid out for A4 by the print stylesheet; the browser's print dialog
//! saves them as PDF, and the share button hands the page to the phone's share sheet.
//!
//! The documents themselves are always in Chinese: they are handed to the site and filed. Their
//! content (fields, rows, wording) is [`anxun_domain::documents`], shared with the supervisor
//! console; this screen lays it out.

use crate::{
    components::photos::StoredImage,
    i18n::{t_string, use_i18n},
    pages::inspection::load_inspection,
    routes::paths,
};
use anxun_domain::{
    documents::{
        DocumentKind, FINDINGS_HEADING, FIXED_HEADING, Field, InspectionRecord, NOTICE_COLUMNS,
        RECORD_COLUMNS, RectificationNotice, SignatureBlock,
    },
    inspection::Inspection,
    site::Site,
    template::Template,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsValue;

/// Opens the phone's share sheet with the document's address and title, where there is one.
fn share(title: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let share = js_sys::Reflect::get(&navigator, &JsValue::from_str("share")).unwrap_or_default();
    let Ok(share) = wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(share) else {
        let _ = window.print();
        return;
    };
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &"title".into(), &title.into());
    let url = window.location().href().unwrap_or_default();
    let _ = js_sys::Reflect::set(&data, &"url".into(), &url.into());
    let _ = share.call1(&navigator, &data);
}

/// `/inspections/:id/record` and `/inspections/:id/notice`.
#[component]
pub fn InspectionDocument() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let loaded = load_inspection();
    let kind = move || params.read().get("document").unwrap_or_default();
    move || {
        let Some(Ok(Some((inspection, Some(site), Some(template))))) = loaded.get() else {
            return view! { <p class="hint">{t_string!(i18n, storage_state.opening)}</p> }
                .into_any();
        };
        let document = DocumentKind::from_segment(&kind());
        let notice = document == DocumentKind::Notice;
        let title = document.title();
        let back = paths::inspection(inspection.id);
        view! {
            <section class="screen document-screen">
                <div class="button-row no-print">
                    <a class="button" href=back>{t_string!(i18n, document.back)}</a>
                    <button
                        type="button"
                        class="primary"
                        data-testid="print"
                        on:click=move |_| {
                            if let Some(window) = web_sys::window() {
                                let _ = window.print();
                            }
                        }
                    >
                        {t_string!(i18n, document.print)}
                    </button>
                    <button type="button" on:click=move |_| share(title)>
                        {t_string!(i18n, document.share)}
                    </button>
                </div>
                <article class="document" data-testid="document" lang="zh-CN">
                    {if notice {
                        notice_view(&inspection, &site).into_any()
                    } else {
                        record_view(&inspection, &site, &template).into_any()
                    }}
                </article>
            </section>
        }
        .into_any()
    }
}

fn signatures_view(blocks: Vec<SignatureBlock>) -> impl IntoView {
    let blocks = blocks
        .into_iter()
        .map(|block| {
            view! {
                <div class="signature">
                    <p>{block.text}</p>
                    {block.image.map(|hash| view! { <StoredImage hash=hash alt=block.image_alt /> })}
                    {block.time.map(|time| view! { <p>{time}</p> })}
                </div>
            }
        })
        .collect_view();
    view! { <div class="signatures">{blocks}</div> }
}

fn fields_view(fields: Vec<Field>, site: bool) -> impl IntoView {
    let fields = fields
        .into_iter()
        .enumerate()
        .map(|(index, field)| {
            let test_id = (site && index == 0).then_some("document-site");
            view! {
                <dt>{field.label}</dt>
                <dd data-testid=test_id>{field.value}</dd>
            }
        })
        .collect_view();
    view! { <dl class="document-fields">{fields}</dl> }
}

fn record_view(inspection: &Inspection, site: &Site, template: &Template) -> impl IntoView + use<> {
    let record = InspectionRecord::new(inspection, site, template);
    let rows = record
        .rows
        .into_iter()
        .map(|row| {
            view! {
                <tr class:failed=row.failed>
                    <td>{row.item}</td>
                    <td>{row.text}</td>
                    <td>{row.verdict}</td>
                    <td>{row.note}</td>
                </tr>
            }
        })
        .collect_view();
    let findings = record
        .findings
        .into_iter()
        .map(|finding| view! { <li>{finding}</li> })
        .collect_view();
    view! {
        <h1>{DocumentKind::Record.title()}</h1>
        <p class="document-number" data-testid="document-number">{record.number}</p>
        {fields_view(record.site, true)}
        {fields_view(record.fields, false)}
        <table class="document-table">
            <thead>
                <tr>{RECORD_COLUMNS.map(|column| view! { <th>{column}</th> })}</tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>{FINDINGS_HEADING}</h2>
        <ol class="document-findings" data-testid="document-findings">{findings}</ol>
        {record.notes.map(|notes| view! { <p>{notes}</p> })}
        {signatures_view(record.signatures)}
    }
}

fn notice_view(inspection: &Inspection, site: &Site) -> impl IntoView + use<> {
    let notice = RectificationNotice::new(inspection, site);
    let rows = notice
        .rows
        .into_iter()
        .map(|row| {
            view! {
                <tr>
                    <td>{row.index}</td>
                    <td>{row.description}</td>
                    <td>{row.severity}</td>
                    <td>{row.requirement}</td>
                    <td>{row.deadline}</td>
                </tr>
            }
        })
        .collect_view();
    let fixed = notice
        .fixed
        .into_iter()
        .map(|fixed| view! { <li>{fixed}</li> })
        .collect_view();
    view! {
        <h1>{DocumentKind::Notice.title()}</h1>
        <p class="document-number">{notice.number}</p>
        <p data-testid="notice-addressee">{notice.addressee}</p>
        <p>{notice.body}</p>
        <table class="document-table" data-testid="notice-table">
            <thead>
                <tr>{NOTICE_COLUMNS.map(|column| view! { <th>{column}</th> })}</tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {notice.major_note.map(|note| view! { <p class="major-note">{note}</p> })}
        <h2>{FIXED_HEADING}</h2>
        <ul>{fixed}</ul>
        {fields_view(notice.site, true)}
        {signatures_view(notice.signatures)}
    }
}
