//! The sites screen: every site on the device, searchable by name, address or credit code and
//! filterable by area; a new site can be created on the spot, and a site's 检查码 scanned
//! (扫码) to open it.

use crate::{
    components::{
        scanner::Scanner,
        show_more::{PAGE, ShowMore},
    },
    i18n::{t, t_string, use_i18n},
    pages::home::area_name,
    routes::paths,
    state::use_db,
};
use anxun_domain::site::{Area, Site, SiteFilter};
use leptos::prelude::*;
use leptos_router::components::A;

/// The sites screen.
#[component]
pub fn Sites() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let sites = LocalResource::new(move || {
        let db = state.db();
        state.changes();
        async move {
            match db {
                Some(db) => db.sites().await,
                None => Ok(Vec::new()),
            }
        }
    });
    let (text, set_text) = signal(String::new());
    let (area, set_area) = signal(None::<Area>);
    let (grid, set_grid) = signal(None::<String>);
    let shown = RwSignal::new(PAGE);
    // The 检查码 scanner (扫码).
    let scanning = RwSignal::new(false);
    // The grids the sites on this device are in, for the grid filter.
    let grids = move || {
        let mut grids: Vec<String> = sites
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .iter()
            .map(|site| site.region().grid.as_str().to_owned())
            .collect();
        grids.sort();
        grids.dedup();
        grids
    };
    let found = move || {
        let all: Vec<Site> = sites.get().and_then(Result::ok).unwrap_or_default();
        let filter = SiteFilter {
            text: text.get(),
            area: area.get(),
            grid: grid.get(),
        };
        let found: Vec<Site> = filter.apply(&all).into_iter().cloned().collect();
        (all.len(), found)
    };

    view! {
        <section class="screen">
            <div class="screen-head">
                <h1>{move || t_string!(i18n, sites.title)}</h1>
                <button type="button" class="button" data-testid="scan-site" on:click=move |_| scanning.set(true)>
                    {move || t_string!(i18n, scan.button)}
                </button>
                <A href=paths::NEW_SITE attr:class="button primary" attr:data-testid="new-site">
                    {move || t_string!(i18n, sites_screen.create)}
                </A>
            </div>
            <Show when=move || scanning.get()>
                <Scanner on_close=Callback::new(move |()| scanning.set(false)) />
            </Show>
            <input
                type="search"
                class="search"
                data-testid="site-search"
                placeholder=move || t_string!(i18n, sites_screen.search)
                aria-label=move || t_string!(i18n, sites_screen.search)
                prop:value=text
                on:input=move |event| set_text.set(event_target_value(&event))
            />
            <div class="chips" role="group">
                <button
                    type="button"
                    class="chip"
                    aria-pressed=move || area.get().is_none().to_string()
                    on:click=move |_| set_area.set(None)
                >
                    {move || t_string!(i18n, sites_screen.all_areas)}
                </button>
                {Area::ALL
                    .into_iter()
                    .map(|a| {
                        view! {
                            <button
                                type="button"
                                class="chip"
                                aria-pressed=move || (area.get() == Some(a)).to_string()
                                on:click=move |_| set_area.set(Some(a))
                            >
                                {move || area_name(i18n, a)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <label class="field grid-filter">
                <span>{move || t_string!(i18n, site_form.grid)}</span>
                <select
                    data-testid="site-grid-filter"
                    on:change=move |event| {
                        let value = event_target_value(&event);
                        set_grid.set((!value.is_empty()).then_some(value));
                        shown.set(PAGE);
                    }
                >
                    <option value="">{move || t_string!(i18n, sites_screen.all_grids)}</option>
                    {move || {
                        grids()
                            .into_iter()
                            .map(|g| view! { <option value=g.clone()>{g.clone()}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
            {move || {
                let (total, found) = found();
                if total == 0 {
                    return view! {
                        <p class="empty-state" data-testid="empty-state">
                            {t_string!(i18n, sites_screen.none)}
                        </p>
                    }
                        .into_any();
                }
                if found.is_empty() {
                    return view! { <p class="empty-state">{t_string!(i18n, sites_screen.no_match)}</p> }
                        .into_any();
                }
                let count = found.len();
                view! {
                    <p class="hint">{t!(i18n, sites_screen.count, count = move || count)}</p>
                    <ul class="site-list" data-testid="site-list">
                        {found.into_iter().take(shown.get()).map(site_row).collect_view()}
                    </ul>
                    <ShowMore total=count shown=shown />
                }
                    .into_any()
            }}
        </section>
    }
}

fn site_row(site: Site) -> impl IntoView {
    let i18n = use_i18n();
    let areas = site.areas().to_vec();
    view! {
        <li>
            <A href=paths::site(site.id()) attr:class="site-row">
                <strong>{site.name().as_str().to_owned()}</strong>
                <span class="hint">{site.address().as_str().to_owned()}</span>
                <span class="tags">
                    {areas
                        .into_iter()
                        .map(|a| {
                            view! {
                                <span class=format!("tag area-{}", a.code())>
                                    {move || area_name(i18n, a)}
                                </span>
                            }
                        })
                        .collect_view()}
                </span>
            </A>
        </li>
    }
}
