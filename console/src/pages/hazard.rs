//! One hazard: before and after photos side by side, the legal basis, the full history, the
//! site and its other hazards, and a form for each action the lifecycle allows this user now
//! (computed by the domain; the server says which). An action is posted with an event id made
//! once per submitted action, so a retry after a failure applies it once; a refused
//! transition shows the domain's reason.

use crate::{
    actions::{ActionForm, CONSOLE_ACTIONS, FormError, request_for},
    api::{ApiError, use_api},
    components::{photo::Photo, rows::HazardTable},
    i18n::{t_string, use_i18n},
    labels, routes,
};
use anxun_domain::{
    api::ledger::{ActionRequest, HazardDetail},
    documents::DocumentKind,
    hazard::{HazardActionKind, NotificationMethod, PrincipalRole},
    ids::HazardId,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

#[component]
pub fn HazardPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| HazardId::parse(&id).ok())
    });
    // The detail as last read or as the last action answered it.
    let detail = RwSignal::new(None::<Result<HazardDetail, ApiError>>);
    Effect::new(move || {
        let Some(id) = id.get() else {
            detail.set(Some(Err(ApiError::Server {
                status: 404,
                code: "not_found".into(),
                message: String::new(),
                reason: None,
            })));
            return;
        };
        detail.set(None);
        leptos::task::spawn_local(async move { detail.set(Some(api.hazard(id).await)) });
    });

    move || match detail.get() {
        None => view! { <p>{t_string!(i18n, loading)}</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="error" role="alert">{labels::error(i18n, &error)}</p> }.into_any()
        }
        Some(Ok(found)) => view! { <Detail found=found detail=detail /> }.into_any(),
    }
}

#[component]
fn Detail(
    found: HazardDetail,
    detail: RwSignal<Option<Result<HazardDetail, ApiError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hazard = found.hazard.clone();
    let details = hazard.details().clone();
    let before = details.photos_before.clone();
    let after: Vec<_> = hazard
        .submissions()
        .iter()
        .flat_map(|s| s.after_photos.iter().cloned())
        .chain(
            hazard
                .reinspections()
                .iter()
                .flat_map(|r| r.photos.iter().cloned()),
        )
        .collect();
    let title = details
        .item
        .as_ref()
        .map(|item| format!("{} · {}", item.item.as_str(), details.description.as_str()))
        .unwrap_or_else(|| details.description.as_str().to_owned());
    let site = found.site.clone();
    let site_href = routes::site(site.id());
    let site_name = site.name().as_str().to_owned();
    let site_address = site.address().as_str().to_owned();
    let number = details.number.as_ref().map(|n| n.to_string());
    let offered: Vec<HazardActionKind> = CONSOLE_ACTIONS
        .into_iter()
        .filter(|kind| found.allowed.contains(kind))
        .collect();
    let hazard_id = hazard.id();
    let now = chrono::Utc::now();
    view! {
        <article class="hazard-page" data-testid="hazard-detail">
            <header class="page-header">
                <h1>{title}</h1>
                <p class="meta">
                    {number.map(|n| view! { <span class="number">{n}</span> })}
                    <span class=format!("severity-{}", hazard.severity().code())>
                        {labels::severity(i18n, hazard.severity())}
                    </span>
                    <span data-testid="detail-state">{labels::state(i18n, hazard.state())}</span>
                    {hazard.is_overdue(now).then(|| view! { <span class="tag warn">{t_string!(i18n, ledger.overdue)}</span> })}
                    {hazard.is_listed().then(|| view! { <span class="tag">{t_string!(i18n, ledger.listed)}</span> })}
                </p>
            </header>
            <dl class="facts">
                <dt>{t_string!(i18n, ledger.col_site)}</dt>
                <dd><A href=site_href>{site_name}</A> " · " {site_address}</dd>
                <dt>{t_string!(i18n, ledger.col_area)}</dt>
                <dd>{labels::area(i18n, details.area)}</dd>
                <dt>{t_string!(i18n, ledger.source)}</dt>
                <dd>{labels::source(i18n, details.source)}</dd>
                <dt>{t_string!(i18n, ledger.col_reported_at)}</dt>
                <dd>{labels::time(hazard.reported_at())}</dd>
                {details.inspection.map(|inspection| view! {
                    <dt>{t_string!(i18n, documents.printables)}</dt>
                    <dd class="printables">
                        <A href=routes::inspection_document(inspection, DocumentKind::Record) attr:data-testid="hazard-record-link">
                            {t_string!(i18n, documents.record)}
                        </A>
                        " "
                        <A href=routes::inspection_document(inspection, DocumentKind::Notice) attr:data-testid="hazard-notice-link">
                            {t_string!(i18n, documents.notice)}
                        </A>
                    </dd>
                })}
                <dt>{t_string!(i18n, ledger.col_deadline)}</dt>
                <dd data-testid="detail-deadline">{hazard.deadline().map(labels::date)}</dd>
                {hazard.assignment().map(|a| view! {
                    <dt>{t_string!(i18n, hazard.responsible)}</dt>
                    <dd>{a.responsible.name.as_str().to_owned()}</dd>
                })}
                {hazard.supervision().map(|s| view! {
                    <dt>{t_string!(i18n, hazard.supervision)}</dt>
                    <dd>{format!("{} {} · {}", s.authority.as_str(), s.document.as_str(), labels::date(s.deadline))}</dd>
                })}
            </dl>
            <section class="photos-compare">
                <div>
                    <h2>{t_string!(i18n, hazard.before)}</h2>
                    <PhotoList photos=before alt=t_string!(i18n, hazard.before) />
                </div>
                <div>
                    <h2>{t_string!(i18n, hazard.after)}</h2>
                    <PhotoList photos=after alt=t_string!(i18n, hazard.after) />
                </div>
            </section>
            <section>
                <h2>{t_string!(i18n, hazard.basis)}</h2>
                {if details.basis.is_empty() {
                    view! { <p class="empty">{t_string!(i18n, hazard.no_basis)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="basis" data-testid="legal-basis">
                            {details.basis.iter().map(|b| view! {
                                <li>
                                    {b.document.clone()}
                                    {b.clause.clone().map(|c| format!(" {c}"))}
                                    {b.note.clone().map(|n| view! { <span class="hint">{format!(" ({n})")}</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="actions-panel no-print">
                <h2>{t_string!(i18n, hazard.actions)}</h2>
                {if offered.is_empty() {
                    view! { <p class="empty" data-testid="no-actions">{t_string!(i18n, hazard.no_actions)}</p> }.into_any()
                } else {
                    offered.into_iter().map(|kind| view! {
                        <ActionPanel hazard=hazard_id kind=kind detail=detail />
                    }).collect_view().into_any()
                }}
            </section>
            <section>
                <h2>{t_string!(i18n, hazard.history)}</h2>
                <ol class="history" data-testid="history">
                    {found.events.iter().map(|record| {
                        let kind = record.event.action.kind();
                        view! {
                            <li>
                                <time>{labels::time(record.event.at)}</time> " "
                                <strong>{record.actor.name.clone()}</strong> " "
                                {kind.map(|k| labels::action(i18n, k)).unwrap_or_else(|| t_string!(i18n, action.report))}
                                {record.event.reason.as_ref().map(|r| view! { <span class="reason">{format!(" · {}", r.as_str())}</span> })}
                                <span class="hint">{format!(" ({} {})", t_string!(i18n, hazard.received), labels::time(record.received_at))}</span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
            <section>
                <h2>{t_string!(i18n, hazard.site_hazards)}</h2>
                <HazardTable rows=found.site_hazards.clone() />
            </section>
        </article>
    }
}

#[component]
fn PhotoList(photos: Vec<anxun_domain::photo::Sha256Hex>, alt: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    if photos.is_empty() {
        return view! { <p class="empty">{t_string!(i18n, hazard.no_photos)}</p> }.into_any();
    }
    view! {
        <div class="photo-list">
            {photos.into_iter().map(|hash| view! { <Photo hash=hash alt=alt.to_owned() /> }).collect_view()}
        </div>
    }
    .into_any()
}

/// One action's form.
#[component]
fn ActionPanel(
    hazard: HazardId,
    kind: HazardActionKind,
    detail: RwSignal<Option<Result<HazardDetail, ApiError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let form = RwSignal::new(ActionForm::default());
    let pending = StoredValue::new(None::<ActionRequest>);
    let form_error = RwSignal::new(None::<FormError>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (action, reason) = match form.get_untracked().build(kind, chrono::Utc::now()) {
            Ok(built) => built,
            Err(failure) => {
                form_error.set(Some(failure));
                return;
            }
        };
        form_error.set(None);
        let request = request_for(pending.get_value().as_ref(), action, reason);
        pending.set_value(Some(request.clone()));
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api.act(hazard, &request).await {
                Ok(updated) => {
                    pending.set_value(None);
                    detail.set(Some(Ok(updated)));
                }
                Err(failure) => {
                    // A refused transition will be refused again: the next submit is a new action.
                    if matches!(
                        failure,
                        ApiError::Server {
                            status: 400..=499,
                            ..
                        }
                    ) {
                        pending.set_value(None);
                    }
                    error.set(Some(failure));
                }
            }
            busy.set(false);
        });
    };
    let text = move |get: fn(&ActionForm) -> String, set: fn(&mut ActionForm, String)| {
        (
            move || get(&form.get()),
            move |event: leptos::ev::Event| form.update(|f| set(f, event_target_value(&event))),
        )
    };
    let (responsible, set_responsible) = text(|f| f.responsible.clone(), |f, v| f.responsible = v);
    let (requirement, set_requirement) = text(|f| f.requirement.clone(), |f, v| f.requirement = v);
    let (deadline, set_deadline) = text(|f| f.deadline.clone(), |f, v| f.deadline = v);
    let (authority, set_authority) = text(|f| f.authority.clone(), |f, v| f.authority = v);
    let (document, set_document) = text(|f| f.document.clone(), |f, v| f.document = v);
    let (approval, set_approval) = text(|f| f.approval.clone(), |f, v| f.approval = v);
    let (reason, set_reason) = text(|f| f.reason.clone(), |f, v| f.reason = v);
    let (person, set_person) = text(|f| f.person.clone(), |f, v| f.person = v);
    let yes_label = match kind {
        HazardActionKind::DecideExtension => Some(t_string!(i18n, hazard.approve)),
        HazardActionKind::Reinspect => Some(t_string!(i18n, hazard.passed)),
        _ => None,
    };
    let fields = match kind {
        HazardActionKind::Assign => view! {
            <label>{t_string!(i18n, hazard.responsible)}
                <input name="responsible" prop:value=responsible on:input=set_responsible required /></label>
            <label>{t_string!(i18n, hazard.requirement)}
                <input name="requirement" prop:value=requirement on:input=set_requirement /></label>
            <label>{t_string!(i18n, ledger.col_deadline)}
                <input name="deadline" type="date" prop:value=deadline on:input=set_deadline required /></label>
        }.into_any(),
        HazardActionKind::ListSupervision => view! {
            <label>{t_string!(i18n, hazard.authority)}
                <input name="authority" prop:value=authority on:input=set_authority required /></label>
            <label>{t_string!(i18n, hazard.document)}
                <input name="document" prop:value=document on:input=set_document required /></label>
            <label>{t_string!(i18n, ledger.col_deadline)}
                <input name="deadline" type="date" prop:value=deadline on:input=set_deadline required /></label>
        }.into_any(),
        HazardActionKind::NotifyPrincipal => view! {
            <label>{t_string!(i18n, hazard.person)}
                <input name="person" prop:value=person on:input=set_person required /></label>
            <label>{t_string!(i18n, hazard.principal_role)}
                <select name="principal_role" on:change=move |event| {
                    let role = if event_target_value(&event) == "actual_controller" {
                        PrincipalRole::ActualController
                    } else {
                        PrincipalRole::Principal
                    };
                    form.update(|f| f.principal_role = role);
                }>
                    <option value="principal">{t_string!(i18n, hazard.principal)}</option>
                    <option value="actual_controller">{t_string!(i18n, hazard.actual_controller)}</option>
                </select></label>
            <label>{t_string!(i18n, hazard.method)}
                <select name="method" on:change=move |event| {
                    let method = match event_target_value(&event).as_str() {
                        "phone" => NotificationMethod::Phone,
                        "written" => NotificationMethod::Written,
                        "message" => NotificationMethod::Message,
                        _ => NotificationMethod::InPerson,
                    };
                    form.update(|f| f.method = method);
                }>
                    <option value="in_person">{t_string!(i18n, hazard.in_person)}</option>
                    <option value="phone">{t_string!(i18n, hazard.phone)}</option>
                    <option value="written">{t_string!(i18n, hazard.written)}</option>
                    <option value="message">{t_string!(i18n, hazard.message)}</option>
                </select></label>
        }.into_any(),
        HazardActionKind::OrderReinspection => view! {
            <label>{t_string!(i18n, hazard.due)}
                <input name="deadline" type="date" prop:value=deadline on:input=set_deadline /></label>
        }.into_any(),
        HazardActionKind::Close => view! {
            <label>{t_string!(i18n, hazard.approval)}
                <input name="approval" prop:value=approval on:input=set_approval /></label>
        }.into_any(),
        _ => ().into_any(),
    };
    view! {
        <form class="action-form" data-testid=format!("action-{}", kind.code()) on:submit=submit>
            <h3>{labels::action(i18n, kind)}</h3>
            {fields}
            {yes_label.map(|label| view! {
                <label class="check">
                    <input
                        type="checkbox"
                        name="yes"
                        prop:checked=move || form.get().yes
                        on:change=move |event| form.update(|f| f.yes = event_target_checked(&event))
                    />
                    {label}
                </label>
            })}
            <label>{t_string!(i18n, hazard.reason)}
                <input name="reason" prop:value=reason on:input=set_reason /></label>
            <button type="submit" class="primary" disabled=move || busy.get()>
                {labels::action(i18n, kind)}
            </button>
            {move || form_error.get().map(|failure| {
                let text = match failure {
                    FormError::Responsible => t_string!(i18n, hazard.need_responsible),
                    FormError::Deadline => t_string!(i18n, hazard.need_deadline),
                    FormError::Authority => t_string!(i18n, hazard.need_authority),
                    FormError::Document => t_string!(i18n, hazard.need_document),
                    FormError::Reason => t_string!(i18n, hazard.need_reason),
                    FormError::NotOffered => t_string!(i18n, hazard.not_offered),
                    FormError::Person => t_string!(i18n, hazard.need_person),
                    FormError::Date => t_string!(i18n, hazard.need_deadline),
                };
                view! { <p class="error" role="alert">{text}</p> }
            })}
            {move || error.get().map(|failure| view! {
                <p class="error" role="alert" data-testid="action-error">{labels::error(i18n, &failure)}</p>
            })}
        </form>
    }
}
