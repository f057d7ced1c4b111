//! One site: its details, a button per checklist that applies to it, and its inspections.

use crate::{
    components::checklist::pick,
    db::Change,
    i18n::{t_string, use_i18n},
    pages::{home::area_name, inspections::status_label},
    routes::paths,
    state::use_db,
    templates,
};
use anxun_domain::{
    hazard::worklist::HazardListItem,
    ids::{InspectionId, SiteId},
    inspection::{Inspection, InspectionKind},
    site::Site,
    template::Template,
};
use chrono::Utc;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_navigate, hooks::use_params_map};

/// The site screen.
#[component]
pub fn SiteDetail() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| SiteId::parse(&id).ok())
    };
    let data = LocalResource::new(move || {
        let db = state.db();
        let id = id();
        state.changes();
        async move {
            let (Some(db), Some(id)) = (db, id) else {
                return Ok((None, Vec::new(), Vec::new()));
            };
            let site = db.sites().await?.into_iter().find(|site| site.id() == id);
            let mut inspections: Vec<Inspection> = db
                .inspections()
                .await?
                .into_iter()
                .filter(|inspection| inspection.site == id)
                .collect();
            inspections.sort_by_key(|inspection| std::cmp::Reverse(inspection.started_at));
            let open: Vec<HazardListItem> = db
                .hazards_of_site(id)
                .await?
                .into_iter()
                .filter(|h| !h.state.is_final())
                .collect();
            Ok::<_, crate::db::DbError>((site, inspections, open))
        }
    });

    move || match data.get() {
        None => None,
        Some(Err(error)) => Some(
            view! { <p class="error" role="alert">{crate::messages::db_error(i18n, &error)}</p> }
                .into_any(),
        ),
        Some(Ok((None, _, _))) => Some(
            view! {
                <section class="screen">
                    <p class="empty-state">{t_string!(i18n, site_detail.not_found)}</p>
                </section>
            }
            .into_any(),
        ),
        Some(Ok((Some(site), inspections, open))) => {
            Some(site_view(site, inspections, open).into_any())
        }
    }
}

fn site_view(site: Site, inspections: Vec<Inspection>, open: Vec<HazardListItem>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let navigate = use_navigate();
    let site_id = site.id();
    let applicable: Vec<Template> = site
        .areas()
        .iter()
        .filter_map(|area| templates::current_for(*area))
        .collect();
    let start = move |template: Template| {
        let Some(db) = state.db() else { return };
        let navigate = navigate.clone();
        let inspectors = state
            .profile()
            .map(|p| vec![p.inspector()])
            .unwrap_or_default();
        let inspection = Inspection::start(
            InspectionId::generate(),
            InspectionKind::RoutinePatrol,
            site_id,
            &template,
            inspectors,
            Utc::now(),
        );
        leptos::task::spawn_local(async move {
            let id = inspection.id;
            if db.apply(Change::Inspection(inspection)).await.is_ok() {
                state.changed();
                navigate(&paths::inspection(id), Default::default());
            }
        });
    };
    let areas = site.areas().to_vec();
    view! {
        <section class="screen">
            <h1 data-testid="site-name">{site.name().as_str().to_owned()}</h1>
            <p>{site.address().as_str().to_owned()}</p>
            <p class="tags">
                {areas
                    .into_iter()
                    .map(|a| view! { <span class=format!("tag area-{}", a.code())>{move || area_name(i18n, a)}</span> })
                    .collect_view()}
            </p>
            {site
                .credit_code()
                .map(|code| {
                    let code = code.as_str().to_owned();
                    view! {
                        <p class="hint">{move || t_string!(i18n, site_detail.credit_code)}": "{code}</p>
                    }
                })}
            {site
                .responsible()
                .map(|contact| {
                    let text = format!(
                        "{} {}",
                        contact.name.as_str(),
                        contact.phone.as_ref().map_or("", |p| p.as_str())
                    );
                    view! { <p class="hint">{move || t_string!(i18n, site_detail.responsible)}": "{text}</p> }
                })}
            <div class="button-column">
                {applicable
                    .into_iter()
                    .map(|template| {
                        let title = template.title.clone();
                        let test_id = format!("start-{}", template.id);
                        let start = start.clone();
                        view! {
                            <button
                                type="button"
                                class="primary big"
                                data-testid=test_id
                                on:click=move |_| start(template.clone())
                            >
                                {move || t_string!(i18n, site_detail.start)}
                                {move || pick(i18n, &title)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <h2>{move || t_string!(i18n, site_detail.open_hazards)}</h2>
            {if open.is_empty() {
                view! { <p class="hint">{move || t_string!(i18n, site_detail.no_open_hazards)}</p> }.into_any()
            } else {
                let now = Utc::now();
                view! {
                    <ul class="site-list" data-testid="site-open-hazards">
                        {open
                            .into_iter()
                            .map(|hazard| {
                                view! {
                                    <li>
                                        <span class="tag">{hazard.severity.label_zh()}</span>
                                        " "
                                        {hazard.description.as_str().to_owned()}
                                        <span class="hint">" · " {hazard.status_label_zh(now)}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <h2>{move || t_string!(i18n, site_detail.inspections)}</h2>
            {if inspections.is_empty() {
                view! { <p class="hint">{move || t_string!(i18n, site_detail.no_inspections)}</p> }.into_any()
            } else {
                view! {
                    <ul class="site-list">
                        {inspections
                            .into_iter()
                            .map(|inspection| {
                                let status = inspection.status;
                                let when = inspection
                                    .started_at
                                    .with_timezone(&anxun_domain::shanghai::offset())
                                    .format("%Y-%m-%d %H:%M")
                                    .to_string();
                                view! {
                                    <li>
                                        <A href=paths::inspection(inspection.id) attr:class="site-row">
                                            <strong>{inspection.template.id.to_string()}</strong>
                                            <span class="hint">{when}" · "{move || status_label(i18n, status)}</span>
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}
