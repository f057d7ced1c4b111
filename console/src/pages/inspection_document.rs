//! An inspection's printable 现场检查记录 and 安全隐患整改通知书 (`GET /api/inspections/{id}`,
//! the template from `GET /api/templates`), laid out for A4 by the print stylesheet. The
//! content is [`anxun_domain::documents`], the same as the field app prints; the documents are
//! always in Chinese (they are handed to the site and filed).

use crate::{
    api::use_api,
    i18n::{t_string, use_i18n},
    labels, routes,
};
use anxun_domain::{
    api::ledger::InspectionDetail,
    documents::{
        DocumentKind, FINDINGS_HEADING, FIXED_HEADING, Field, InspectionRecord, NOTICE_COLUMNS,
        RECORD_COLUMNS, RectificationNotice, SignatureBlock,
    },
    ids::InspectionId,
    photo::Sha256Hex,
    template::Template,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

#[component]
pub fn InspectionDocument() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| InspectionId::parse(&id).ok())
    });
    let kind = Memo::new(move |_| {
        DocumentKind::from_segment(&params.read().get("document").unwrap_or_default())
    });
    let loaded = LocalResource::new(move || {
        let id = id.get();
        async move {
            let id = id?;
            let detail = api.inspection(id).await;
            let detail = match detail {
                Ok(detail) => detail,
                Err(error) => return Some(Err(error)),
            };
            let template = api.templates().await.ok().and_then(|t| {
                t.templates
                    .into_iter()
                    .find(|t| t.reference() == detail.inspection.template)
            });
            Some(Ok((detail, template)))
        }
    });
    move || match loaded.get() {
        None => view! { <p>{t_string!(i18n, loading)}</p> }.into_any(),
        Some(None) => view! { <p class="error">{t_string!(i18n, errors.not_found)}</p> }.into_any(),
        Some(Some(Err(error))) => {
            view! { <p class="error" role="alert">{labels::error(i18n, &error)}</p> }.into_any()
        }
        Some(Some(Ok((detail, template)))) => {
            let kind = kind.get();
            let other = match kind {
                DocumentKind::Record => DocumentKind::Notice,
                DocumentKind::Notice => DocumentKind::Record,
            };
            let other_label = match other {
                DocumentKind::Record => t_string!(i18n, documents.record),
                DocumentKind::Notice => t_string!(i18n, documents.notice),
            };
            let site = routes::site(detail.site.id());
            let other_path = routes::inspection_document(detail.inspection.id, other);
            view! {
                <section class="document-screen">
                    <div class="actions no-print">
                        <A href=site attr:class="button">{t_string!(i18n, documents.back)}</A>
                        <A href=other_path attr:class="button">{other_label}</A>
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
                            {t_string!(i18n, documents.print)}
                        </button>
                    </div>
                    <article class="document" data-testid="document" lang="zh-CN">
                        {document(kind, &detail, template.as_ref(), i18n)}
                    </article>
                </section>
            }
            .into_any()
        }
    }
}

fn document(
    kind: DocumentKind,
    detail: &InspectionDetail,
    template: Option<&Template>,
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
) -> AnyView {
    match (kind, template) {
        (DocumentKind::Notice, _) => notice_view(detail).into_any(),
        (DocumentKind::Record, Some(template)) => record_view(detail, template).into_any(),
        (DocumentKind::Record, None) => view! {
            <p class="error" role="alert">{t_string!(i18n, documents.no_template)}</p>
        }
        .into_any(),
    }
}

/// A signature image, fetched with the session's token.
#[component]
fn SignatureImage(hash: Sha256Hex, alt: &'static str) -> impl IntoView {
    let api = use_api();
    let url = LocalResource::new(move || {
        let hash = hash.clone();
        async move { api.photo_url(&hash).await.ok() }
    });
    on_cleanup(move || {
        if let Some(Some(url)) = url.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    move || {
        url.get()
            .flatten()
            .map(|src| view! { <img class="signature-image" src=src alt=alt /> })
    }
}

fn signatures_view(blocks: Vec<SignatureBlock>) -> impl IntoView {
    let blocks = blocks
        .into_iter()
        .map(|block| {
            view! {
                <div class="signature">
                    <p>{block.text}</p>
                    {block.image.map(|hash| view! { <SignatureImage hash=hash alt=block.image_alt /> })}
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

fn record_view(detail: &InspectionDetail, template: &Template) -> impl IntoView + use<> {
    let record = InspectionRecord::new(&detail.inspection, &detail.site, template);
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

fn notice_view(detail: &InspectionDetail) -> impl IntoView + use<> {
    let notice = RectificationNotice::new(&detail.inspection, &detail.site);
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
