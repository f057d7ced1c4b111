//! Stored photos: a strip of thumbnails, each opening the full evidence image; deleting one is
//! offered where the caller allows it (a draft). These are the only components that read the
//! device database, and only the photo they show.

use crate::{
    i18n::{t_string, use_i18n},
    state::use_db,
};
use anxun_client::photos::{FullSizeError, full_size};
use anxun_domain::photo::Sha256Hex;
use leptos::prelude::*;

/// An object URL for bytes, revoked when the owner is cleaned up.
fn object_url(bytes: &[u8], mime: &str) -> Option<String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

fn revoke_on_cleanup(url: LocalResource<Option<String>>) {
    on_cleanup(move || {
        if let Some(Some(url)) = url.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
}

/// Thumbnails of `photos`; tapping one opens it full screen.
#[component]
pub fn PhotoStrip(
    #[prop(into)] photos: Signal<Vec<Sha256Hex>>,
    /// Offered in the full-screen view when set (drafts only).
    #[prop(optional)]
    on_delete: Option<Callback<Sha256Hex>>,
    #[prop(into, optional)] locked: Signal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(None::<Sha256Hex>);
    view! {
        <div class="thumbs">
            <For each=move || photos.get() key=|hash| hash.clone() let:hash>
                <PhotoThumb hash=hash.clone() on_open=Callback::new(move |h| open.set(Some(h))) />
            </For>
        </div>
        {move || {
            open.get()
                .map(|hash| {
                    let delete = on_delete
                        .filter(|_| !locked.get_untracked())
                        .map(|callback| {
                            Callback::new(move |h: Sha256Hex| {
                                open.set(None);
                                callback.run(h);
                            })
                        });
                    view! {
                        <PhotoViewer
                            hash=hash
                            on_close=Callback::new(move |()| open.set(None))
                            on_delete=delete
                        />
                    }
                })
        }}
    }
}

/// One thumbnail.
#[component]
fn PhotoThumb(hash: Sha256Hex, on_open: Callback<Sha256Hex>) -> impl IntoView {
    let state = use_db();
    let label = hash.as_str()[..12].to_owned();
    let key = hash.clone();
    let url = LocalResource::new(move || {
        let db = state.db();
        let hash = key.clone();
        async move { object_url(&db?.thumbnail(&hash).await.ok()??, "image/jpeg") }
    });
    revoke_on_cleanup(url);
    view! {
        <button
            type="button"
            class="thumb-button"
            data-testid="photo-thumb"
            on:click=move |_| on_open.run(hash.clone())
        >
            {move || url.get().flatten().map(|src| view! { <img class="thumb" src=src alt=label.clone() /> })}
        </button>
    }
}

/// The full-size photo as an object URL: from the device, or from the server once released
/// (`anxun_client::photos::full_size`); the reason when it cannot be shown.
fn full_size_url(hash: Sha256Hex) -> LocalResource<Option<Result<String, FullSizeError>>> {
    let state = use_db();
    LocalResource::new(move || {
        let db = state.db();
        let hash = hash.clone();
        async move {
            let photo = match full_size(&db?, &hash).await {
                Ok(photo) => photo,
                Err(error) => return Some(Err(error)),
            };
            object_url(&photo.bytes, &photo.mime).map(Ok)
        }
    })
}

fn revoke_full_size_on_cleanup(url: LocalResource<Option<Result<String, FullSizeError>>>) {
    on_cleanup(move || {
        if let Some(Some(Ok(url))) = url.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
}

/// A photo full screen, with its fingerprint, and deletion when allowed. A photo released to
/// the server is fetched from it; offline, its thumbnail is shown with the reason.
#[component]
fn PhotoViewer(
    hash: Sha256Hex,
    on_close: Callback<()>,
    on_delete: Option<Callback<Sha256Hex>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_db();
    let url = full_size_url(hash.clone());
    revoke_full_size_on_cleanup(url);
    let key = hash.clone();
    let thumbnail = LocalResource::new(move || {
        let db = state.db();
        let hash = key.clone();
        async move { object_url(&db?.thumbnail(&hash).await.ok()??, "image/jpeg") }
    });
    revoke_on_cleanup(thumbnail);
    let fingerprint = hash.as_str()[..16].to_owned();
    view! {
        <div class="photo-viewer" role="dialog" aria-modal="true" data-testid="photo-viewer">
            {move || match url.get().flatten() {
                Some(Ok(src)) => {
                    view! { <img src=src alt=fingerprint.clone() data-testid="photo-full" /> }.into_any()
                }
                Some(Err(error)) => {
                    let message = crate::messages::full_size_error(i18n, &error);
                    view! {
                        {thumbnail
                            .get()
                            .flatten()
                            .map(|src| view! { <img src=src alt=fingerprint.clone() data-testid="photo-thumbnail-only" /> })}
                        <p class="error" role="status" data-testid="photo-unavailable">{message}</p>
                    }
                        .into_any()
                }
                None => ().into_any(),
            }}
            <p class="hint">"SHA-256 " {hash.as_str()[..16].to_owned()} "…"</p>
            <div class="button-row">
                {on_delete
                    .map(|delete| {
                        let hash = hash.clone();
                        view! {
                            <button
                                type="button"
                                class="danger"
                                data-testid="photo-delete"
                                on:click=move |_| delete.run(hash.clone())
                            >
                                {t_string!(i18n, photos.delete)}
                            </button>
                        }
                    })}
                <button type="button" class="primary" data-testid="photo-close" on:click=move |_| on_close.run(())>
                    {t_string!(i18n, photos.close)}
                </button>
            </div>
        </div>
    }
}

/// A button that opens the rear camera or the gallery; hands the picked files over.
#[component]
pub fn PhotoInput(
    #[prop(into)] label: Signal<String>,
    testid: String,
    on_files: Callback<Vec<web_sys::File>>,
    #[prop(into, optional)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <label class="button photo-button" class:disabled=move || disabled.get()>
            {move || label.get()}
            <input
                type="file"
                accept="image/*"
                capture="environment"
                multiple
                class="visually-hidden"
                data-testid=testid
                disabled=move || disabled.get()
                on:change=move |event| {
                    let files = picked_files(&event);
                    if !files.is_empty() {
                        on_files.run(files);
                    }
                }
            />
        </label>
    }
}

/// The files of a file input's `change` event; clears the input so the same file can be
/// picked again.
pub fn picked_files(event: &leptos::ev::Event) -> Vec<web_sys::File> {
    use wasm_bindgen::JsCast;
    let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default();
    input.set_value("");
    files
}

/// A stored image at its size (signatures on printed records), from the server once released;
/// the reason when it cannot be shown.
#[component]
pub fn StoredImage(hash: Sha256Hex, #[prop(into)] alt: String) -> impl IntoView {
    let i18n = use_i18n();
    let url = full_size_url(hash);
    revoke_full_size_on_cleanup(url);
    move || {
        match url.get().flatten() {
        Some(Ok(src)) => view! { <img class="stored-image" src=src alt=alt.clone() /> }.into_any(),
        Some(Err(error)) => view! {
            <span class="error" data-testid="photo-unavailable">{crate::messages::full_size_error(i18n, &error)}</span>
        }
        .into_any(),
        None => ().into_any(),
    }
    }
}
