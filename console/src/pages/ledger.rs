//! 隐患台账: the ledger as a table with every filter, sorting, paging, saved filters and the
//! exports. The view lives in the URL's query string (`filter`), so links, reload and
//! back/forward show the same hazards; filtering and paging happen on the server.

use crate::{
    api::{ApiError, use_api},
    components::rows::HazardTable,
    filter,
    i18n::{t_string, use_i18n},
    labels, routes,
    saved::{self, SavedFilters},
    storage,
};
use anxun_domain::{
    api::ledger::{EXPORT_HAZARDS_CSV_PATH, EXPORT_HAZARDS_XLSX_PATH, LedgerFilter},
    hazard::{HazardSource, Severity},
    site::Area,
};
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_location, use_navigate},
};
use wasm_bindgen::JsCast;

#[component]
pub fn Ledger() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let location = use_location();
    let navigate = use_navigate();
    let parsed = Memo::new(move |_| filter::from_query(&location.search.get()));
    let current = Memo::new(move |_| parsed.get().filter);
    let page = LocalResource::new(move || {
        let query = filter::to_query(&current.get());
        async move { api.ledger(&query).await }
    });

    // -- the filter form: read on submit, canonicalised into the URL --
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let go = {
        let navigate = navigate.clone();
        move |filter: LedgerFilter| {
            navigate(
                &routes::ledger(&filter::to_query(&filter)),
                NavigateOptions::default(),
            )
        }
    };
    let submit = {
        let go = go.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(form) = form_ref.get_untracked() else {
                return;
            };
            let form: &web_sys::HtmlFormElement = form.unchecked_ref();
            let Ok(data) = web_sys::FormData::new_with_form(form) else {
                return;
            };
            let mut query = form_urlencoded::Serializer::new(String::new());
            for name in FILTER_FIELDS {
                if let Some(value) = data.get(name).as_string() {
                    query.append_pair(name, &value);
                }
            }
            let mut next = filter::from_query(&query.finish()).filter;
            let now = current.get_untracked();
            next.sort = now.sort;
            next.dir = now.dir;
            next.paging.per_page = now.paging.per_page;
            go(filter::first_page(&next));
        }
    };
    let clear = {
        let go = go.clone();
        move |_| go(LedgerFilter::default())
    };

    // -- saved filters --
    let saved = RwSignal::new(SavedFilters::from_json(
        storage::get(saved::STORAGE_KEY).as_deref(),
    ));
    let save_name = RwSignal::new(String::new());
    let save_error = RwSignal::new(None::<saved::SaveError>);
    let persist = move || storage::set(saved::STORAGE_KEY, &saved.with_untracked(|s| s.to_json()));
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let mut next = saved.get_untracked();
        match next.save(&save_name.get_untracked(), &current.get_untracked()) {
            Ok(()) => {
                saved.set(next);
                persist();
                save_name.set(String::new());
                save_error.set(None);
            }
            Err(error) => save_error.set(Some(error)),
        }
    };

    // -- exports --
    let export_error = RwSignal::new(None::<ApiError>);
    let exporting = RwSignal::new(false);
    let export = move |path: &'static str| {
        let query = filter::export_query(&current.get_untracked());
        let url = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        exporting.set(true);
        export_error.set(None);
        leptos::task::spawn_local(async move {
            match api.download(&url).await {
                Ok(download) => {
                    let fallback = path.rsplit('/').next().unwrap_or("export").to_owned();
                    save_blob(&download.blob, &download.filename.unwrap_or(fallback));
                }
                Err(error) => export_error.set(Some(error)),
            }
            exporting.set(false);
        });
    };

    let value = move |get: fn(&LedgerFilter) -> Option<String>| {
        move || get(&current.get()).unwrap_or_default()
    };

    view! {
        <section class="ledger-page">
            <header class="page-header">
                <h1>{move || t_string!(i18n, ledger.title)}</h1>
                <div class="actions no-print">
                    <button
                        type="button"
                        data-testid="export-xlsx"
                        disabled=move || exporting.get()
                        on:click=move |_| export(EXPORT_HAZARDS_XLSX_PATH)
                    >
                        {move || t_string!(i18n, ledger.export_xlsx)}
                    </button>
                    <button
                        type="button"
                        data-testid="export-csv"
                        disabled=move || exporting.get()
                        on:click=move |_| export(EXPORT_HAZARDS_CSV_PATH)
                    >
                        {move || t_string!(i18n, ledger.export_csv)}
                    </button>
                </div>
            </header>
            {move || {
                export_error
                    .get()
                    .map(|error| view! { <p class="error" role="alert">{labels::error(i18n, &error)}</p> })
            }}
            <form class="filters no-print" node_ref=form_ref on:submit=submit data-testid="ledger-filters">
                <label>
                    {move || t_string!(i18n, ledger.q)}
                    <input name="q" type="search" prop:value=value(|f| f.q.as_ref().map(|q| q.as_str().to_owned())) />
                </label>
                <label>
                    {move || t_string!(i18n, ledger.col_area)}
                    <select name="area">
                        <option value="">{move || t_string!(i18n, ledger.any)}</option>
                        {Area::ALL
                            .into_iter()
                            .map(|area| view! { <option value=area.code() prop:selected=move || current.get().area == Some(area)>{move || labels::area(i18n, area)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {move || t_string!(i18n, ledger.col_severity)}
                    <select name="severity">
                        <option value="">{move || t_string!(i18n, ledger.any)}</option>
                        {Severity::ALL
                            .into_iter()
                            .map(|s| view! { <option value=s.code() prop:selected=move || current.get().severity == Some(s)>{move || labels::severity(i18n, s)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {move || t_string!(i18n, ledger.col_status)}
                    <select name="status">
                        <option value="">{move || t_string!(i18n, ledger.any)}</option>
                        {filter::status_choices()
                            .into_iter()
                            .map(|status| {
                                let label = move || match status {
                                    anxun_domain::api::ledger::StatusFilter::Open => t_string!(i18n, ledger.status_open),
                                    anxun_domain::api::ledger::StatusFilter::Overdue => t_string!(i18n, ledger.status_overdue),
                                    anxun_domain::api::ledger::StatusFilter::State(state) => labels::state(i18n, state),
                                };
                                view! { <option value=status.code() prop:selected=move || current.get().status == Some(status)>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {move || t_string!(i18n, ledger.source)}
                    <select name="source">
                        <option value="">{move || t_string!(i18n, ledger.any)}</option>
                        {HazardSource::ALL
                            .into_iter()
                            .map(|s| view! { <option value=s.code() prop:selected=move || current.get().source == Some(s)>{move || labels::source(i18n, s)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {move || t_string!(i18n, ledger.district)}
                    <input name="district" size="8" prop:value=value(|f| f.district.as_ref().map(|c| c.as_str().to_owned())) />
                </label>
                <label>
                    {move || t_string!(i18n, ledger.street)}
                    <input name="street" size="10" prop:value=value(|f| f.street.as_ref().map(|c| c.as_str().to_owned())) />
                </label>
                <label>
                    {move || t_string!(i18n, ledger.grid)}
                    <input name="grid" size="12" prop:value=value(|f| f.grid.as_ref().map(|c| c.as_str().to_owned())) />
                </label>
                <label>
                    {move || t_string!(i18n, ledger.site_id)}
                    <input name="site" size="12" prop:value=value(|f| f.site.map(|s| s.to_string())) />
                </label>
                <label>
                    {move || t_string!(i18n, ledger.inspector_id)}
                    <input name="inspector" size="12" prop:value=value(|f| f.inspector.map(|u| u.to_string())) />
                </label>
                <label>
                    {move || t_string!(i18n, ledger.from)}
                    <input name="from" type="date" prop:value=value(|f| f.from.map(labels::day)) />
                </label>
                <label>
                    {move || t_string!(i18n, ledger.to)}
                    <input name="to" type="date" prop:value=value(|f| f.to.map(labels::day)) />
                </label>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="apply-filters">
                        {move || t_string!(i18n, ledger.apply)}
                    </button>
                    <button type="button" on:click=clear>
                        {move || t_string!(i18n, ledger.clear)}
                    </button>
                </div>
            </form>
            {move || {
                let ignored = parsed.get().ignored;
                (!ignored.is_empty())
                    .then(|| {
                        view! {
                            <p class="notice" role="status">
                                {t_string!(i18n, ledger.ignored)} " " {ignored.join(", ")}
                            </p>
                        }
                    })
            }}
            <div class="saved-filters no-print">
                <span>{move || t_string!(i18n, ledger.saved)}</span>
                {move || {
                    saved
                        .get()
                        .list()
                        .iter()
                        .map(|entry| {
                            let name = entry.name.clone();
                            let remove_name = name.clone();
                            view! {
                                <span class="saved-filter">
                                    <A href=routes::ledger(&entry.query)>{name}</A>
                                    <button
                                        type="button"
                                        class="link"
                                        aria-label=move || t_string!(i18n, ledger.delete_saved)
                                        on:click=move |_| {
                                            saved.update(|s| s.remove(&remove_name));
                                            persist();
                                        }
                                    >
                                        "×"
                                    </button>
                                </span>
                            }
                        })
                        .collect_view()
                }}
                <form class="inline" on:submit=save>
                    <input
                        name="saved-name"
                        data-testid="saved-name"
                        placeholder=move || t_string!(i18n, ledger.saved_name)
                        bind:value=save_name
                    />
                    <button type="submit" data-testid="save-filter">
                        {move || t_string!(i18n, ledger.save)}
                    </button>
                </form>
                {move || {
                    save_error
                        .get()
                        .map(|error| {
                            let text = match error {
                                saved::SaveError::EmptyName => t_string!(i18n, ledger.saved_empty_name),
                                saved::SaveError::NothingFiltered => t_string!(i18n, ledger.saved_nothing),
                                saved::SaveError::Full => t_string!(i18n, ledger.saved_full),
                            };
                            view! { <span class="error" role="alert">{text}</span> }
                        })
                }}
            </div>
            <Transition fallback=move || view! { <p>{t_string!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => {
                            view! { <p class="error" role="alert">{labels::error(i18n, &error)}</p> }
                                .into_any()
                        }
                        Ok(result) => {
                            let view_filter = current.get_untracked();
                            let pages = filter::page_count(&view_filter, result.total);
                            let this = result.page;
                            let prev = (this > 1)
                                .then(|| routes::ledger(&filter::to_query(&filter::on_page(&view_filter, this - 1))));
                            let next = (this < pages)
                                .then(|| routes::ledger(&filter::to_query(&filter::on_page(&view_filter, this + 1))));
                            let per_page_links = filter::PER_PAGE_CHOICES
                                .into_iter()
                                .map(|size| {
                                    let href = routes::ledger(&filter::to_query(&filter::with_per_page(&view_filter, size)));
                                    let current = (size == result.per_page).then_some("page");
                                    view! { <A href=href attr:aria-current=current>{size}</A> }
                                })
                                .collect_view();
                            view! {
                                <p class="total" data-testid="ledger-total">
                                    {t_string!(i18n, ledger.total)} " " {result.total}
                                </p>
                                <HazardTable rows=result.rows sorting=view_filter />
                                <nav class="pager no-print" aria-label=t_string!(i18n, ledger.pages)>
                                    {prev.map(|href| view! { <A href=href attr:rel="prev">{t_string!(i18n, ledger.prev)}</A> })}
                                    <span data-testid="page-of">{format!("{this} / {pages}")}</span>
                                    {next.map(|href| view! { <A href=href attr:rel="next" attr:data-testid="next-page">{t_string!(i18n, ledger.next)}</A> })}
                                    <span class="per-page">{t_string!(i18n, ledger.per_page)} " " {per_page_links}</span>
                                </nav>
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// The filter form's fields, by query parameter name.
const FILTER_FIELDS: [&str; 12] = [
    "q",
    "area",
    "severity",
    "status",
    "source",
    "district",
    "street",
    "grid",
    "site",
    "inspector",
    "from",
    "to",
];

/// Saves a downloaded file under its name (an object URL on a temporary link).
fn save_blob(blob: &web_sys::Blob, name: &str) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document())
        && let Ok(link) = document.create_element("a")
    {
        let link: web_sys::HtmlAnchorElement = link.unchecked_into();
        link.set_href(&url);
        link.set_download(name);
        if let Some(body) = document.body() {
            let _ = body.append_child(&link);
            link.click();
            let _ = body.remove_child(&link);
        }
    }
    // Revoked a minute later: the browser reads the blob after the click has returned.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
}
