//! The browser half of the pipeline: decode at reduced size, draw, encode.
//!
//! Full-resolution pixels never reach a canvas: `createImageBitmap` is asked for the target size
//! (`resizeWidth`/`resizeHeight`), and every canvas here is at most the evidence size. Canvases
//! are shrunk to 0×0 and bitmaps closed when dropped, so a phone does not keep their memory until
//! the garbage collector runs. The browser applies EXIF orientation (`imageOrientation:
//! "from-image"`); nothing here rotates.

use js_sys::{Array, ArrayBuffer, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap,
    ImageBitmapOptions, ImageEncodeOptions, ImageOrientation, OffscreenCanvas,
    OffscreenCanvasRenderingContext2d, ResizeQuality, Window,
};

use super::PhotoError;

/// Font stack that has CJK glyphs on iOS, Android, Linux and Windows.
const FONT_FAMILY: &str = r#""PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif"#;

/// A `Blob` holding a copy of `bytes`, for the decoder. Never stored (Safari pitfall).
pub(crate) fn blob(bytes: &[u8], mime: &str) -> Result<Blob, PhotoError> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| PhotoError::Decode(describe(&e)))
}

/// The bytes of a blob, copied into wasm memory.
pub(crate) async fn bytes_of(blob: &Blob) -> Result<Vec<u8>, JsValue> {
    let buffer = JsFuture::from(blob.array_buffer()).await?;
    let buffer: ArrayBuffer = buffer.dyn_into()?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// An `ImageBitmap` that is closed when dropped.
pub(crate) struct Bitmap(ImageBitmap);

impl Drop for Bitmap {
    fn drop(&mut self) {
        self.0.close();
    }
}

fn window() -> Result<Window, PhotoError> {
    let window =
        web_sys::window().ok_or_else(|| PhotoError::Unsupported("no browser window".into()))?;
    if !Reflect::has(&window, &"createImageBitmap".into()).unwrap_or(false) {
        return Err(PhotoError::Unsupported(
            "this browser cannot decode images off screen (createImageBitmap is missing); \
             update the browser"
                .into(),
        ));
    }
    Ok(window)
}

fn resize_options(width: u32, height: u32) -> ImageBitmapOptions {
    let options = ImageBitmapOptions::new();
    options.set_resize_width(width);
    options.set_resize_height(height);
    options.set_resize_quality(ResizeQuality::High);
    options.set_image_orientation(ImageOrientation::FromImage);
    options
}

/// Decodes the image in `blob` straight to `width`×`height` (the size as displayed, orientation
/// applied). The rejection is returned as is, for the caller to explain.
pub(crate) async fn decode(blob: &Blob, width: u32, height: u32) -> Result<Bitmap, DecodeFailure> {
    let window = window().map_err(DecodeFailure::Setup)?;
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(
            blob,
            &resize_options(width, height),
        )
        .map_err(DecodeFailure::Rejected)?;
    let bitmap = JsFuture::from(promise)
        .await
        .map_err(DecodeFailure::Rejected)?;
    let bitmap: ImageBitmap = bitmap.dyn_into().map_err(DecodeFailure::Rejected)?;
    Ok(Bitmap(bitmap))
}

/// Why [`decode`] failed.
pub(crate) enum DecodeFailure {
    /// The browser lacks what decoding needs.
    Setup(PhotoError),
    /// The browser refused the image (the value it rejected with).
    Rejected(JsValue),
}

/// A smaller copy of a bitmap, resized by the browser with high quality. `None` if the browser
/// cannot (the caller then scales while drawing).
pub(crate) async fn resized(bitmap: &Bitmap, width: u32, height: u32) -> Option<Bitmap> {
    let window = window().ok()?;
    let promise = window
        .create_image_bitmap_with_image_bitmap_and_image_bitmap_options(
            &bitmap.0,
            &resize_options(width, height),
        )
        .ok()?;
    let bitmap = JsFuture::from(promise).await.ok()?;
    Some(Bitmap(bitmap.dyn_into().ok()?))
}

/// A 2D canvas of the target size: an `OffscreenCanvas` where the browser has one, otherwise a
/// detached `<canvas>` element. Shrunk to 0×0 when dropped.
pub(crate) enum Surface {
    Offscreen(OffscreenCanvas, OffscreenCanvasRenderingContext2d),
    Element(HtmlCanvasElement, CanvasRenderingContext2d),
}

/// Runs the same expression on either kind of 2D context (their methods have the same names).
macro_rules! with_context {
    ($surface:expr, $context:ident => $body:expr) => {
        match $surface {
            Surface::Offscreen(_, $context) => $body,
            Surface::Element(_, $context) => $body,
        }
    };
}

impl Surface {
    /// A canvas of `width`×`height`, offscreen if possible.
    pub(crate) fn new(width: u32, height: u32) -> Result<Surface, PhotoError> {
        match Surface::offscreen(width, height) {
            Some(surface) => Ok(surface),
            None => Surface::element(width, height),
        }
    }

    fn offscreen(width: u32, height: u32) -> Option<Surface> {
        let global = js_sys::global();
        if !Reflect::has(&global, &"OffscreenCanvas".into()).unwrap_or(false) {
            return None;
        }
        let canvas = OffscreenCanvas::new(width, height).ok()?;
        // Safari before 16.4 has OffscreenCanvas without a 2D context.
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        Some(Surface::Offscreen(canvas, context))
    }

    /// A detached `<canvas>` element (the fallback where `OffscreenCanvas` is missing).
    pub(crate) fn element(width: u32, height: u32) -> Result<Surface, PhotoError> {
        let unsupported = || PhotoError::Unsupported("this browser has no 2D canvas".into());
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(unsupported)?;
        let canvas: HtmlCanvasElement = document
            .create_element("canvas")
            .map_err(|_| unsupported())?
            .dyn_into()
            .map_err(|_| unsupported())?;
        canvas.set_width(width);
        canvas.set_height(height);
        let context = canvas
            .get_context("2d")
            .map_err(|_| unsupported())?
            .ok_or_else(unsupported)?
            .dyn_into()
            .map_err(|_| unsupported())?;
        Ok(Surface::Element(canvas, context))
    }

    /// Draws `bitmap` over the whole canvas (scaling it if the browser ignored the resize).
    pub(crate) fn draw(&self, bitmap: &Bitmap, width: u32, height: u32) -> Result<(), PhotoError> {
        let (w, h) = (f64::from(width), f64::from(height));
        with_context!(self, c => c.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap.0, 0.0, 0.0, w, h))
            .map_err(|e| PhotoError::Decode(describe(&e)))
    }

    /// Burns `lines` into a dark band across the bottom of a `width`×`height` canvas.
    pub(crate) fn draw_watermark(&self, lines: &[String], width: u32, height: u32) {
        if lines.is_empty() {
            return;
        }
        let layout = WatermarkLayout::new(lines.len(), width, height);
        with_context!(self, c => {
            c.set_fill_style_str("rgba(0, 0, 0, 0.55)");
            c.fill_rect(0.0, layout.band_top, f64::from(width), layout.band_height);
            c.set_font(&format!("{}px {FONT_FAMILY}", layout.font_px));
            c.set_text_baseline("top");
            c.set_fill_style_str("#ffffff");
            let max_width = f64::from(width) - 2.0 * layout.padding;
            for (index, line) in lines.iter().enumerate() {
                let fits = |text: &str| {
                    c.measure_text(text).map(|m| m.width() <= max_width).unwrap_or(true)
                };
                let text = shorten_to_fit(line, fits);
                let y = layout.band_top + layout.padding + layout.line_height * index as f64;
                // A failure to draw text is not worth losing the photo over.
                let _ = c.fill_text(&text, layout.padding, y);
            }
        })
    }

    /// The canvas as a JPEG file.
    pub(crate) async fn encode_jpeg(&self, quality: f64) -> Result<Vec<u8>, PhotoError> {
        let encode = |e: JsValue| PhotoError::Encode(describe(&e));
        let blob = match self {
            Surface::Offscreen(canvas, _) => {
                let options = ImageEncodeOptions::new();
                options.set_type("image/jpeg");
                options.set_quality(quality);
                let promise = canvas
                    .convert_to_blob_with_options(&options)
                    .map_err(encode)?;
                JsFuture::from(promise).await.map_err(encode)?
            }
            Surface::Element(canvas, _) => JsFuture::from(element_to_blob(canvas, quality))
                .await
                .map_err(encode)?,
        };
        let blob: Blob = blob
            .dyn_into()
            .map_err(|_| PhotoError::Encode("the browser produced no JPEG".into()))?;
        if blob.type_() != "image/jpeg" {
            return Err(PhotoError::Encode(format!(
                "the browser cannot encode JPEG (it produced `{}`)",
                blob.type_()
            )));
        }
        bytes_of(&blob).await.map_err(encode)
    }
}

impl Drop for Surface {
    fn drop(&mut self) {
        match self {
            Surface::Offscreen(canvas, _) => {
                canvas.set_width(0);
                canvas.set_height(0);
            }
            Surface::Element(canvas, _) => {
                canvas.set_width(0);
                canvas.set_height(0);
            }
        }
    }
}

/// `canvas.toBlob(callback, "image/jpeg", quality)` as a promise of the blob (or of `null`).
fn element_to_blob(canvas: &HtmlCanvasElement, quality: f64) -> Promise {
    Promise::new(&mut |resolve: Function, reject: Function| {
        let callback = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        if let Err(error) = canvas.to_blob_with_type_and_encoder_options(
            callback.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(quality),
        ) {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    })
}

/// Sizes of the watermark band, proportional to the image so it reads the same at any size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WatermarkLayout {
    pub(crate) font_px: u32,
    pub(crate) line_height: f64,
    pub(crate) padding: f64,
    pub(crate) band_top: f64,
    pub(crate) band_height: f64,
}

impl WatermarkLayout {
    /// The font is about 1/45 of the short edge (34 px on a 2048×1536 photo), 10–64 px, and
    /// smaller if the band would otherwise cover more than 40% of the height.
    pub(crate) fn new(lines: usize, width: u32, height: u32) -> WatermarkLayout {
        let lines = lines.max(1) as f64;
        let short = f64::from(width.min(height));
        let by_size = (short / 45.0).round().clamp(10.0, 64.0);
        // Band = lines × 1.35 em + 2 × 0.6 em of padding.
        let by_band = (0.4 * f64::from(height) / (lines * 1.35 + 1.2)).floor();
        let font = by_size.min(by_band).max(1.0);
        let line_height = (font * 1.35).round();
        let padding = (font * 0.6).round();
        let band_height = lines * line_height + 2.0 * padding;
        WatermarkLayout {
            font_px: font as u32,
            line_height,
            padding,
            band_top: f64::from(height) - band_height,
            band_height,
        }
    }
}

/// `text`, or its longest prefix followed by `…` that `fits`.
fn shorten_to_fit(text: &str, fits: impl Fn(&str) -> bool) -> String {
    if fits(text) {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    // Binary search on the number of characters kept.
    let (mut low, mut high) = (0, chars.len());
    while low < high {
        let mid = (low + high).div_ceil(2);
        let candidate: String = chars[..mid].iter().chain(['…'].iter()).collect();
        if fits(&candidate) {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    chars[..low].iter().chain(['…'].iter()).collect()
}

/// A readable description of a JavaScript error: `name: message`, or its string form.
pub(crate) fn describe(error: &JsValue) -> String {
    let field = |key: &str| {
        Reflect::get(error, &key.into())
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    match (field("name"), field("message")) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (Some(name), None) => name,
        (None, Some(message)) => message,
        (None, None) => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn layout_scales_with_the_image() {
        let layout = WatermarkLayout::new(4, 2048, 1536);
        assert_eq!(layout.font_px, 34);
        assert!(layout.band_height < 1536.0 * 0.2);
        assert_eq!(layout.band_top + layout.band_height, 1536.0);
        let portrait = WatermarkLayout::new(4, 1536, 2048);
        assert_eq!(portrait.font_px, 34);
        // A very flat image: the band is capped at 40% of the height.
        let flat = WatermarkLayout::new(4, 2048, 100);
        assert!(flat.band_height <= 40.0 + 4.0, "{flat:?}");
        assert!(flat.font_px >= 1);
        // A small image keeps a readable minimum.
        assert_eq!(WatermarkLayout::new(1, 320, 240).font_px, 10);
    }

    #[wasm_bindgen_test]
    fn text_is_shortened_with_an_ellipsis() {
        let fits = |text: &str| text.chars().count() <= 5;
        assert_eq!(shorten_to_fit("abc", fits), "abc");
        assert_eq!(shorten_to_fit("abcdefgh", fits), "abcd…");
        assert_eq!(shorten_to_fit("abcdefgh", |_: &str| false), "…");
    }

    #[wasm_bindgen_test]
    async fn the_canvas_element_fallback_encodes_jpeg() {
        let surface = Surface::element(64, 48).unwrap();
        assert!(matches!(surface, Surface::Element(..)));
        surface.draw_watermark(&["时间 2026-01-01 08:00:00 (UTC+8)".to_owned()], 64, 48);
        let jpeg = surface.encode_jpeg(0.8).await.unwrap();
        assert!(jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
        let header = super::super::header::Header::parse(&jpeg).unwrap();
        assert_eq!(header.displayed(), (64, 48));
    }

    #[wasm_bindgen_test]
    fn dropping_a_surface_releases_its_pixels() {
        let surface = Surface::new(100, 100).unwrap();
        let Surface::Offscreen(canvas, _) = &surface else {
            panic!("Chromium has OffscreenCanvas");
        };
        let canvas = canvas.clone();
        drop(surface);
        assert_eq!((canvas.width(), canvas.height()), (0, 0));
    }
}
