//! 检查码: a site's QR code (its link in the field app) with its name and address, laid out
//! for printing on a sign.

use crate::{
    api::use_api,
    i18n::{t_string, use_i18n},
    labels, qr,
};
use anxun_domain::ids::SiteId;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SiteCode() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| SiteId::parse(&id).ok())
    });
    let detail = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => Some(api.site(id).await),
                None => None,
            }
        }
    });
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    move || match detail.get() {
        None => view! { <p>{t_string!(i18n, loading)}</p> }.into_any(),
        Some(None) => view! { <p class="error">{t_string!(i18n, errors.not_found)}</p> }.into_any(),
        Some(Some(Err(error))) => {
            view! { <p class="error" role="alert">{labels::error(i18n, &error)}</p> }.into_any()
        }
        Some(Some(Ok(found))) => {
            let site = found.site;
            let svg = qr::site_code_svg(&origin, site.id(), 320).unwrap_or_default();
            let link = anxun_domain::site::link::site_link(&origin, site.id());
            view! {
                <section class="site-code" data-testid="site-code">
                    <p class="no-print">
                        <button type="button" class="primary" on:click=move |_| {
                            if let Some(window) = web_sys::window() {
                                let _ = window.print();
                            }
                        }>{t_string!(i18n, sites.print)}</button>
                    </p>
                    <div class="sign">
                        <h1>{t_string!(i18n, sites.code_title)}</h1>
                        <div class="qr" inner_html=svg data-link=link.clone()></div>
                        <h2>{site.name().as_str().to_owned()}</h2>
                        <p>{site.address().as_str().to_owned()}</p>
                        <p class="hint">{t_string!(i18n, sites.code_hint)}</p>
                        <p class="link">{link}</p>
                    </div>
                </section>
            }
            .into_any()
        }
    }
}
