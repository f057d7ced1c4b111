//! Creating a site on the spot (现场新建场所); saved on the device with its outbox entry.

use crate::{
    db::Change,
    forms::site_form::{FieldError, Problem, SiteField, SiteForm},
    i18n::{Locale, t_string, use_i18n},
    pages::home::area_name,
    routes::{Page, paths},
    state::use_db,
};
use anxun_domain::{
    ids::SiteId,
    region::{RegionCode, RegionPath},
    site::{Area, SiteType},
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_navigate;

/// Where the last region typed is remembered, so the next site starts in the same grid.
const LAST_REGION_KEY: &str = "anxun.last_region";

const SITE_TYPES: [SiteType; 9] = [
    SiteType::Restaurant,
    SiteType::Shop,
    SiteType::Factory,
    SiteType::Warehouse,
    SiteType::MixedUse,
    SiteType::Residential,
    SiteType::EbikeFacility,
    SiteType::DeliveryOrEbikeShop,
    SiteType::Other,
];

fn type_code(site_type: SiteType) -> &'static str {
    match site_type {
        SiteType::Restaurant => "restaurant",
        SiteType::Shop => "shop",
        SiteType::Factory => "factory",
        SiteType::Warehouse => "warehouse",
        SiteType::MixedUse => "mixed_use",
        SiteType::Residential => "residential",
        SiteType::EbikeFacility => "ebike_facility",
        SiteType::DeliveryOrEbikeShop => "delivery_or_ebike_shop",
        SiteType::Other => "other",
    }
}

fn type_name(i18n: I18nContext<Locale>, site_type: SiteType) -> &'static str {
    match site_type {
        SiteType::Restaurant => t_string!(i18n, site_type.restaurant),
        SiteType::Shop => t_string!(i18n, site_type.shop),
        SiteType::Factory => t_string!(i18n, site_type.factory),
        SiteType::Warehouse => t_string!(i18n, site_type.warehouse),
        SiteType::MixedUse => t_string!(i18n, site_type.mixed_use),
        SiteType::Residential => t_string!(i18n, site_type.residential),
        SiteType::EbikeFacility => t_string!(i18n, site_type.ebike_facility),
        SiteType::DeliveryOrEbikeShop => t_string!(i18n, site_type.delivery_or_ebike_shop),
        SiteType::Other => t_string!(i18n, site_type.other),
    }
}

fn problem_text(i18n: I18nContext<Locale>, problem: Problem) -> &'static str {
    match problem {
        Problem::Required => t_string!(i18n, site_form.required),
        Problem::NoArea => t_string!(i18n, site_form.no_area),
        Problem::BadCreditCode => t_string!(i18n, site_form.bad_credit_code),
        Problem::BadPhone => t_string!(i18n, site_form.bad_phone),
        Problem::BadRegion => t_string!(i18n, site_form.bad_region),
    }
}

fn remembered_region() -> Option<RegionPath> {
    let stored = web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(LAST_REGION_KEY)
        .ok()??;
    let mut parts = stored.split('/');
    Some(RegionPath {
        district: RegionCode::parse(parts.next()?).ok()?,
        street: RegionCode::parse(parts.next()?).ok()?,
        grid: RegionCode::parse(parts.next()?).ok()?,
    })
}

fn remember_region(region: &RegionPath) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let value = format!("{}/{}/{}", region.district, region.street, region.grid);
        let _ = storage.set_item(LAST_REGION_KEY, &value);
    }
}

/// The new-site form.
#[component]
pub fn NewSite() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let navigate = use_navigate();
    let form = RwSignal::new(match remembered_region() {
        Some(region) => SiteForm::new(&region),
        None => SiteForm::new_empty(),
    });
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let save_error = RwSignal::new(None::<String>);
    let error_for = move |field: SiteField| {
        move || {
            errors
                .get()
                .iter()
                .find(|e| e.field == field)
                .map(|e| view! { <span class="field-error" role="alert">{problem_text(i18n, e.problem)}</span> })
        }
    };
    let text_field = move |field: SiteField,
                           label: Signal<&'static str>,
                           get: fn(&SiteForm) -> &String,
                           set: fn(&mut SiteForm) -> &mut String,
                           test_id: &'static str| {
        view! {
            <label class="field">
                <span>{move || label.get()}</span>
                <input
                    type="text"
                    data-testid=test_id
                    prop:value=move || get(&form.read()).clone()
                    on:input=move |event| {
                        let value = event_target_value(&event);
                        form.update(|f| *set(f) = value);
                    }
                />
                {error_for(field)}
            </label>
        }
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(db) = state.db() else { return };
        match form.get_untracked().to_site(SiteId::generate(), None) {
            Err(found) => errors.set(found),
            Ok(site) => {
                errors.set(Vec::new());
                remember_region(site.region());
                let navigate = navigate.clone();
                leptos::task::spawn_local(async move {
                    let id = site.id();
                    match db.apply(Change::Site(site)).await {
                        Ok(_) => {
                            state.changed();
                            navigate(&paths::site(id), Default::default());
                        }
                        Err(error) => save_error.set(Some(crate::messages::db_error(i18n, &error))),
                    }
                });
            }
        }
    };

    view! {
        <section class="screen">
            <h1>{move || t_string!(i18n, site_form.title)}</h1>
            <form class="form" on:submit=submit novalidate>
                {text_field(
                    SiteField::Name,
                    Signal::derive(move || t_string!(i18n, site_form.name)),
                    |f| &f.name,
                    |f| &mut f.name,
                    "site-name",
                )}
                {text_field(
                    SiteField::Address,
                    Signal::derive(move || t_string!(i18n, site_form.address)),
                    |f| &f.address,
                    |f| &mut f.address,
                    "site-address",
                )}
                <label class="field">
                    <span>{move || t_string!(i18n, site_form.site_type)}</span>
                    <select
                        data-testid="site-type"
                        on:change=move |event| {
                            let code = event_target_value(&event);
                            if let Some(t) = SITE_TYPES.into_iter().find(|t| type_code(*t) == code) {
                                form.update(|f| f.site_type = t);
                            }
                        }
                    >
                        {SITE_TYPES
                            .into_iter()
                            .map(|t| {
                                view! {
                                    <option
                                        value=type_code(t)
                                        selected=move || form.read().site_type == t
                                    >
                                        {move || type_name(i18n, t)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <fieldset class="field">
                    <legend>{move || t_string!(i18n, site_form.areas)}</legend>
                    {Area::ALL
                        .into_iter()
                        .map(|area| {
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        data-testid=format!("site-area-{}", area.code())
                                        prop:checked=move || form.read().areas.contains(&area)
                                        on:change=move |_| form.update(|f| f.toggle_area(area))
                                    />
                                    {move || area_name(i18n, area)}
                                </label>
                            }
                        })
                        .collect_view()}
                    {error_for(SiteField::Areas)}
                </fieldset>
                {text_field(
                    SiteField::CreditCode,
                    Signal::derive(move || t_string!(i18n, site_form.credit_code)),
                    |f| &f.credit_code,
                    |f| &mut f.credit_code,
                    "site-credit-code",
                )}
                {text_field(
                    SiteField::Person,
                    Signal::derive(move || t_string!(i18n, site_form.person)),
                    |f| &f.person,
                    |f| &mut f.person,
                    "site-person",
                )}
                {text_field(
                    SiteField::Phone,
                    Signal::derive(move || t_string!(i18n, site_form.phone)),
                    |f| &f.phone,
                    |f| &mut f.phone,
                    "site-phone",
                )}
                <div class="region-fields">
                    {text_field(
                        SiteField::Region,
                        Signal::derive(move || t_string!(i18n, site_form.district)),
                        |f| &f.district,
                        |f| &mut f.district,
                        "site-district",
                    )}
                    <label class="field">
                        <span>{move || t_string!(i18n, site_form.street)}</span>
                        <input
                            type="text"
                            data-testid="site-street"
                            prop:value=move || form.read().street.clone()
                            on:input=move |event| {
                                let value = event_target_value(&event);
                                form.update(|f| f.street = value);
                            }
                        />
                    </label>
                    <label class="field">
                        <span>{move || t_string!(i18n, site_form.grid)}</span>
                        <input
                            type="text"
                            data-testid="site-grid"
                            prop:value=move || form.read().grid.clone()
                            on:input=move |event| {
                                let value = event_target_value(&event);
                                form.update(|f| f.grid = value);
                            }
                        />
                    </label>
                </div>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || form.read().crowded
                        on:change=move |_| form.update(|f| f.crowded = !f.crowded)
                    />
                    {move || t_string!(i18n, site_form.crowded)}
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || form.read().flammable
                        on:change=move |_| form.update(|f| f.flammable = !f.flammable)
                    />
                    {move || t_string!(i18n, site_form.flammable)}
                </label>
                {move || save_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <div class="button-row">
                    <button type="submit" class="primary" data-testid="save-site">
                        {move || t_string!(i18n, site_form.save)}
                    </button>
                    <a class="button" href=Page::Sites.path()>
                        {move || t_string!(i18n, site_form.cancel)}
                    </a>
                </div>
            </form>
        </section>
    }
}
