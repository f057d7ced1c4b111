//! Photos from the server (`GET /api/photos/{sha256}` with the session's token, shown from an
//! object URL), and the full-size viewer: zoom with the buttons or the wheel, pan by dragging.

use crate::{
    api::use_api,
    i18n::{t_string, use_i18n},
};
use anxun_domain::photo::Sha256Hex;
use leptos::prelude::*;

/// One photo as a thumbnail; a click opens it full size.
#[component]
pub fn Photo(hash: Sha256Hex, alt: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let open = RwSignal::new(false);
    let url = LocalResource::new(move || {
        let hash = hash.clone();
        async move { api.photo_url(&hash).await.ok() }
    });
    on_cleanup(move || {
        if let Some(Some(url)) = url.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    let alt = StoredValue::new(alt);
    move || match url.get() {
        None => view! { <span class="photo loading">{t_string!(i18n, loading)}</span> }.into_any(),
        Some(None) => {
            view! { <span class="photo missing">{t_string!(i18n, hazard.photo_missing)}</span> }
                .into_any()
        }
        Some(Some(src)) => {
            let full = src.clone();
            view! {
                <button type="button" class="photo" data-testid="photo" on:click=move |_| open.set(true)>
                    <img src=src alt=alt.get_value() />
                </button>
                <Show when=move || open.get()>
                    <Viewer src=full.clone() alt=alt.get_value() close=move || open.set(false) />
                </Show>
            }
            .into_any()
        }
    }
}

/// The full-size view: the photo at its own size times the zoom, in a scrolling frame.
#[component]
fn Viewer(src: String, alt: String, close: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let zoom = RwSignal::new(1.0_f64);
    let frame = NodeRef::<leptos::html::Div>::new();
    let drag = StoredValue::new(None::<(i32, i32, i32, i32)>);
    let set_zoom = move |z: f64| zoom.set(z.clamp(0.25, 8.0));
    view! {
        <div class="viewer" role="dialog" aria-modal="true" data-testid="photo-viewer">
            <div class="viewer-bar">
                <button type="button" on:click=move |_| set_zoom(zoom.get() / 1.5)>"−"</button>
                <span data-testid="zoom">{move || format!("{:.0}%", zoom.get() * 100.0)}</span>
                <button type="button" data-testid="zoom-in" on:click=move |_| set_zoom(zoom.get() * 1.5)>"+"</button>
                <button type="button" on:click=move |_| set_zoom(1.0)>"1:1"</button>
                <button type="button" class="primary" on:click=move |_| close()>
                    {move || t_string!(i18n, hazard.close_photo)}
                </button>
            </div>
            <div
                class="viewer-frame"
                node_ref=frame
                on:wheel=move |event: web_sys::WheelEvent| {
                    event.prevent_default();
                    let factor = if event.delta_y() < 0.0 { 1.25 } else { 0.8 };
                    set_zoom(zoom.get() * factor);
                }
                on:pointerdown=move |event: web_sys::PointerEvent| {
                    if let Some(frame) = frame.get_untracked() {
                        drag.set_value(Some((event.client_x(), event.client_y(), frame.scroll_left(), frame.scroll_top())));
                    }
                }
                on:pointermove=move |event: web_sys::PointerEvent| {
                    if let (Some((x, y, left, top)), Some(frame)) = (drag.get_value(), frame.get_untracked()) {
                        frame.set_scroll_left(left - (event.client_x() - x));
                        frame.set_scroll_top(top - (event.client_y() - y));
                    }
                }
                on:pointerup=move |_| drag.set_value(None)
                on:pointerleave=move |_| drag.set_value(None)
            >
                <img
                    src=src
                    alt=alt
                    draggable="false"
                    style:width=move || format!("{}%", zoom.get() * 100.0)
                />
            </div>
        </div>
    }
}
