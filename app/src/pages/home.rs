//! The home screen: the inspector's work for today.

use crate::i18n::{t_string, use_i18n};
use anxun_domain::site::Area;
use leptos::prelude::*;

/// The name of an area in the current language.
pub fn area_name(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, area: Area) -> &'static str {
    match area {
        Area::Gas => t_string!(i18n, home.area_gas),
        Area::FactoryWarehouse => t_string!(i18n, home.area_factory_warehouse),
        Area::Ebike => t_string!(i18n, home.area_ebike),
    }
}

/// The home screen.
#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="screen">
            <h1>{move || t_string!(i18n, home.title)}</h1>
            <p class="lead">{move || t_string!(i18n, home.intro)}</p>
            <crate::components::install_hint::InstallHint />
            <h2>{move || t_string!(i18n, home.areas_title)}</h2>
            <ul class="area-list">
                {Area::ALL
                    .into_iter()
                    .map(|area| {
                        view! {
                            <li class=format!("area-card area-{}", area.code())>
                                {move || area_name(i18n, area)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="empty-state" data-testid="empty-state">
                {move || t_string!(i18n, home.empty)}
            </p>
        </section>
    }
}
