//! The printable documents of an inspection: 现场检查记录 (the record) and 隐患整改通知书 (the
//! notice to the site). Laid out for A4 by the print stylesheet; the browser's print dialog
//! saves them as PDF, and the share button hands the page to the phone's share sheet.
//!
//! The documents themselves are always in Chinese: they are handed to the site and filed.

use crate::{
    components::photos::StoredImage,
    i18n::{t_string, use_i18n},
    pages::inspection::load_inspection,
    routes::paths,
};
use anxun_domain::{
    hazard::Severity,
    inspection::{
        Inspection, RepresentativeSignature, Verdict,
        finding::{Finding, Rectification},
    },
    shanghai,
    site::Site,
    template::Template,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsValue;

fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai::offset())
        .format("%Y年%m月%d日 %H:%M")
        .to_string()
}

fn verdict_zh(verdict: Option<Verdict>) -> &'static str {
    match verdict {
        Some(Verdict::Pass) => "符合",
        Some(Verdict::Fail) => "不符合",
        Some(Verdict::NotApplicable) => "不适用",
        None => "未检查",
    }
}

fn deadline_zh(finding: &Finding) -> String {
    match &finding.rectification {
        Rectification::OnTheSpot { .. } => "当场整改".to_owned(),
        Rectification::ByDeadline { deadline } => {
            format!("{} 前完成整改", deadline.format("%Y年%m月%d日"))
        }
    }
}

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
        let notice = kind() == "notice";
        let title = if notice {
            "安全隐患整改通知书"
        } else {
            "现场检查记录"
        };
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

fn signatures(inspection: &Inspection) -> impl IntoView + use<> {
    let representative = match &inspection.representative {
        Some(RepresentativeSignature::Signed(signature)) => view! {
            <div class="signature">
                <p>"被检查单位现场负责人：" {signature.name.as_str().to_owned()}</p>
                <StoredImage hash=signature.image.clone() alt="现场负责人签名" />
                <p>{local_time(signature.signed_at)}</p>
            </div>
        }
        .into_any(),
        Some(RepresentativeSignature::Refused {
            name,
            reason,
            recorded_at,
        }) => view! {
            <div class="signature">
                <p>
                    "被检查单位现场负责人"
                    {name.as_ref().map(|n| format!("（{}）", n.as_str()))}
                    "拒绝签字。拒签原因："
                    {reason.as_str().to_owned()}
                </p>
                <p>"记录时间：" {local_time(*recorded_at)}</p>
            </div>
        }
        .into_any(),
        None => view! { <div class="signature"><p>"被检查单位现场负责人：（未签字）"</p></div> }
            .into_any(),
    };
    let inspector = inspection.inspector_signature.clone().map(|signature| {
        view! {
            <div class="signature">
                <p>"检查人员：" {signature.name.as_str().to_owned()}</p>
                <StoredImage hash=signature.image.clone() alt="检查人员签名" />
                <p>{local_time(signature.signed_at)}</p>
            </div>
        }
    });
    view! { <div class="signatures">{representative} {inspector}</div> }
}

fn site_block(site: &Site) -> impl IntoView + use<> {
    view! {
        <dl class="document-fields">
            <dt>"被检查单位"</dt>
            <dd data-testid="document-site">{site.name().as_str().to_owned()}</dd>
            <dt>"地址"</dt>
            <dd>{site.address().as_str().to_owned()}</dd>
            <dt>"统一社会信用代码"</dt>
            <dd>{site.credit_code().map(|c| c.as_str().to_owned()).unwrap_or_else(|| "—".into())}</dd>
            <dt>"负责人"</dt>
            <dd>
                {site
                    .responsible()
                    .map(|c| {
                        format!(
                            "{} {}",
                            c.name.as_str(),
                            c.phone.as_ref().map(|p| p.as_str()).unwrap_or(""),
                        )
                    })
                    .unwrap_or_else(|| "—".into())}
            </dd>
        </dl>
    }
}

fn record_view(inspection: &Inspection, site: &Site, template: &Template) -> impl IntoView + use<> {
    let inspectors = inspection
        .inspectors
        .iter()
        .map(|i| {
            let mut s = i.name.as_str().to_owned();
            if let Some(badge) = &i.badge {
                s.push_str(&format!("（{}）", badge.as_str()));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("、");
    let rows = template
        .items()
        .map(|item| {
            let answer = inspection.answers.get(&item.id);
            let verdict = answer.map(|a| a.verdict);
            let note = answer
                .and_then(|a| a.note.as_ref())
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default();
            view! {
                <tr class:failed=verdict == Some(Verdict::Fail)>
                    <td>{item.id.to_string()}</td>
                    <td>{item.text.zh.clone()}</td>
                    <td>{verdict_zh(verdict)}</td>
                    <td>{note}</td>
                </tr>
            }
        })
        .collect_view();
    let findings = inspection
        .findings
        .iter()
        .enumerate()
        .map(|(index, finding)| {
            view! {
                <li>
                    {format!("{}. ", index + 1)}
                    {finding.item.as_ref().map(|i| format!("[{i}] "))}
                    {finding.description.as_str().to_owned()}
                    {format!("（{}隐患；{}）", finding.severity.label_zh(), deadline_zh(finding))}
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>"现场检查记录"</h1>
        <p class="document-number" data-testid="document-number">
            "编号：" {inspection.number.as_ref().map(|n| n.to_string()).unwrap_or_else(|| "（草稿）".into())}
        </p>
        {site_block(site)}
        <dl class="document-fields">
            <dt>"检查表"</dt>
            <dd>{format!("{}（第 {} 版）", template.title.zh, template.version)}</dd>
            <dt>"检查时间"</dt>
            <dd>
                {local_time(inspection.started_at)}
                {inspection.ended_at.map(|end| format!(" 至 {}", local_time(end)))}
            </dd>
            <dt>"检查人员"</dt>
            <dd>{inspectors}</dd>
            <dt>"位置"</dt>
            <dd>
                {inspection
                    .location
                    .map(|p| format!("{:.5}, {:.5}", p.lat(), p.lon()))
                    .unwrap_or_else(|| "未取得定位".into())}
            </dd>
        </dl>
        <table class="document-table">
            <thead>
                <tr>
                    <th>"编号"</th>
                    <th>"检查内容"</th>
                    <th>"结果"</th>
                    <th>"说明"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>"发现的隐患"</h2>
        <ol class="document-findings" data-testid="document-findings">{findings}</ol>
        {inspection.notes.as_ref().map(|n| view! { <p>"备注：" {n.as_str().to_owned()}</p> })}
        {signatures(inspection)}
    }
}

fn notice_view(inspection: &Inspection, site: &Site) -> impl IntoView + use<> {
    let by_deadline: Vec<&Finding> = inspection
        .findings
        .iter()
        .filter(|f| matches!(f.rectification, Rectification::ByDeadline { .. }))
        .collect();
    let fixed: Vec<&Finding> = inspection
        .findings
        .iter()
        .filter(|f| matches!(f.rectification, Rectification::OnTheSpot { .. }))
        .collect();
    let has_major = inspection
        .findings
        .iter()
        .any(|f| f.severity == Severity::Major);
    let rows = by_deadline
        .iter()
        .enumerate()
        .map(|(index, finding)| {
            view! {
                <tr>
                    <td>{index + 1}</td>
                    <td>
                        {finding.description.as_str().to_owned()}
                        {finding.location_detail.as_ref().map(|l| format!("（{}）", l.as_str()))}
                    </td>
                    <td>{finding.severity.label_zh()}</td>
                    <td>{finding.requirement.as_ref().map(|r| r.as_str().to_owned()).unwrap_or_default()}</td>
                    <td>{deadline_zh(finding)}</td>
                </tr>
            }
        })
        .collect_view();
    let fixed = fixed
        .into_iter()
        .map(
            |finding| view! { <li>{finding.description.as_str().to_owned()} "（已当场整改）"</li> },
        )
        .collect_view();
    view! {
        <h1>"安全隐患整改通知书"</h1>
        <p class="document-number">
            "检查记录编号：" {inspection.number.as_ref().map(|n| n.to_string()).unwrap_or_default()}
        </p>
        <p data-testid="notice-addressee">{site.name().as_str().to_owned()} "："</p>
        <p>
            {format!(
                "经 {} 现场检查，你单位存在下列安全隐患，依据相关法律法规和标准，现责令你单位在规定期限内完成整改，整改期间应采取有效措施确保安全。整改完成后请及时报告，我们将进行复查。",
                local_time(inspection.started_at),
            )}
        </p>
        <table class="document-table" data-testid="notice-table">
            <thead>
                <tr>
                    <th>"序号"</th>
                    <th>"隐患内容"</th>
                    <th>"等级"</th>
                    <th>"整改要求"</th>
                    <th>"整改期限"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {has_major
            .then(|| {
                view! {
                    <p class="major-note">
                        "其中重大事故隐患由主管部门挂牌督办或另行交办，整改期限以其书面通知为准；整改前无法保证安全的，应当从危险区域内撤出作业人员，暂时停产停业或者停止使用相关设施、设备。"
                    </p>
                }
            })}
        <h2>"已当场整改的问题"</h2>
        <ul>{fixed}</ul>
        {site_block(site)}
        {signatures(inspection)}
    }
}
