//! A signature pad: the signer draws with a finger or stylus; confirming hands the drawing over
//! as PNG bytes (stored like a photo, by its SHA-256).

use crate::i18n::{t_string, use_i18n};
use leptos::{html::Canvas, prelude::*};
use wasm_bindgen::{JsCast, JsValue};

/// Where the pointer was last, in canvas pixels, while drawing.
#[derive(Debug, Clone, Copy, Default)]
struct Stroke {
    drawing: bool,
    last: (f64, f64),
    strokes: u32,
}

fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

fn position(canvas: &web_sys::HtmlCanvasElement, event: &web_sys::PointerEvent) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    let scale_x = f64::from(canvas.width()) / rect.width().max(1.0);
    let scale_y = f64::from(canvas.height()) / rect.height().max(1.0);
    (
        (f64::from(event.client_x()) - rect.left()) * scale_x,
        (f64::from(event.client_y()) - rect.top()) * scale_y,
    )
}

/// Encodes the canvas as PNG bytes.
async fn png_bytes(canvas: &web_sys::HtmlCanvasElement) -> Result<Vec<u8>, JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if let Err(error) = canvas.to_blob(&resolve) {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await?
        .dyn_into()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The pad. `on_confirm` receives the PNG bytes of the signature.
#[component]
pub fn SignaturePad(
    /// Accessible name of the drawing area (e.g. who signs).
    #[prop(into)]
    label: Signal<String>,
    on_confirm: Callback<Vec<u8>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let canvas_ref = NodeRef::<Canvas>::new();
    let stroke = StoredValue::new(Stroke::default());
    let (empty_warning, set_empty_warning) = signal(false);

    let start = move |event: web_sys::PointerEvent| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        event.prevent_default();
        let _ = canvas.set_pointer_capture(event.pointer_id());
        let point = position(&canvas, &event);
        stroke.update_value(|s| {
            s.drawing = true;
            s.last = point;
            s.strokes += 1;
        });
        set_empty_warning.set(false);
    };
    let draw = move |event: web_sys::PointerEvent| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        if !stroke.get_value().drawing {
            return;
        }
        event.prevent_default();
        let point = position(&canvas, &event);
        if let Some(ctx) = context(&canvas) {
            let last = stroke.get_value().last;
            ctx.set_line_width(4.0);
            ctx.set_line_cap("round");
            ctx.set_stroke_style_str("#111");
            ctx.begin_path();
            ctx.move_to(last.0, last.1);
            ctx.line_to(point.0, point.1);
            ctx.stroke();
        }
        stroke.update_value(|s| s.last = point);
    };
    let end = move |_event: web_sys::PointerEvent| stroke.update_value(|s| s.drawing = false);
    let clear = move |_| {
        if let Some(canvas) = canvas_ref.get()
            && let Some(ctx) = context(&canvas)
        {
            ctx.clear_rect(
                0.0,
                0.0,
                f64::from(canvas.width()),
                f64::from(canvas.height()),
            );
        }
        stroke.set_value(Stroke::default());
    };
    let confirm = move |_| {
        if stroke.get_value().strokes == 0 {
            set_empty_warning.set(true);
            return;
        }
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(bytes) = png_bytes(&canvas).await {
                on_confirm.run(bytes);
            }
        });
    };

    view! {
        <div class="signature-pad">
            <canvas
                node_ref=canvas_ref
                width="600"
                height="240"
                role="img"
                aria-label=move || label.get()
                data-testid="signature-canvas"
                on:pointerdown=start
                on:pointermove=draw
                on:pointerup=end
                on:pointercancel=end
            ></canvas>
            <p class="hint">{move || t_string!(i18n, signature.hint)}</p>
            <Show when=move || empty_warning.get()>
                <p class="error" role="alert">{move || t_string!(i18n, signature.empty)}</p>
            </Show>
            <div class="button-row">
                <button type="button" on:click=clear>{move || t_string!(i18n, signature.clear)}</button>
                <button type="button" class="primary" on:click=confirm>
                    {move || t_string!(i18n, signature.confirm)}
                </button>
            </div>
        </div>
    }
}
