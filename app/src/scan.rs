//! Scanning a site's 检查码 (its QR code, `domain::site::link`) to open the site.
//!
//! Decoding: the browser's `BarcodeDetector` where it has one (Chrome on Android, Safari 17+);
//! otherwise the Rust decoder (rqrr) in a web worker of its own (`qr-worker/`, started from
//! `public/qr-worker.js`), created only when a code is scanned, so the field app's first load
//! does not carry it. Frames come from the rear camera (`getUserMedia` → a video → a canvas
//! → greyscale), or from a photo of the code when there is no camera.
//!
//! What a scanned text means ([`Scanned`]) and what a camera failure means ([`CameraError`])
//! are plain code; the rest is the browser calls.

use anxun_domain::{ids::SiteId, site::link::parse_site_link};
use js_sys::{Array, Object, Promise, Reflect};
use std::{cell::RefCell, rc::Rc};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;

/// The worker's script (the shim that loads the decoder's wasm).
const WORKER_SCRIPT: &str = "/qr-worker.js";
/// Frames are scaled down to at most this width before decoding (a QR code held up to the
/// camera stays readable; decoding stays fast on a phone).
const MAX_FRAME_WIDTH: u32 = 640;

/// What a scanned code means for this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// A site on this device: open it.
    Open(SiteId),
    /// Not an Anxun site code (another QR code).
    NotASite,
    /// A site code, but the site is not on this device (another district, or not synced yet).
    NotOnDevice(SiteId),
}

impl Scanned {
    /// Reads a scanned text against the sites on this device.
    pub fn of(text: &str, on_device: &[SiteId]) -> Scanned {
        match parse_site_link(text) {
            None => Scanned::NotASite,
            Some(id) if on_device.contains(&id) => Scanned::Open(id),
            Some(id) => Scanned::NotOnDevice(id),
        }
    }
}

/// Why the camera cannot be used; the scanner then offers a photo of the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraError {
    /// The inspector (or a policy) refused the camera.
    Denied,
    /// No camera on this device, or none that can be used now (another app holds it).
    NoCamera,
    /// This browser has no camera access at all (an old browser, or not a secure context).
    Unsupported,
    /// Anything else the browser said.
    Other(String),
}

impl CameraError {
    /// From the name of the `DOMException` that `getUserMedia` rejected with.
    pub fn from_name(name: &str, message: &str) -> CameraError {
        match name {
            "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => CameraError::Denied,
            "NotFoundError"
            | "OverconstrainedError"
            | "NotReadableError"
            | "AbortError"
            | "DevicesNotFoundError" => CameraError::NoCamera,
            "TypeError" | "NotSupportedError" => CameraError::Unsupported,
            _ => CameraError::Other(format!("{name}: {message}")),
        }
    }
}

/// Why a frame or a photo could not be decoded (not "no code found", which is `Ok(None)`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the QR decoder failed: {0}")]
pub struct DecodeError(pub String);

fn js_error(value: JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Greyscale (BT.601 luma, integer) of RGBA pixels, one byte per pixel.
pub fn luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8) as u8)
        .collect()
}

/// The rear camera's stream, shown in `video`.
pub async fn start_camera(
    video: &web_sys::HtmlVideoElement,
) -> Result<web_sys::MediaStream, CameraError> {
    let Some(window) = web_sys::window() else {
        return Err(CameraError::Unsupported);
    };
    let navigator = window.navigator();
    let devices = Reflect::get(&navigator, &"mediaDevices".into()).unwrap_or(JsValue::UNDEFINED);
    if devices.is_undefined() || devices.is_null() {
        return Err(CameraError::Unsupported);
    }
    let devices: web_sys::MediaDevices = devices.unchecked_into();
    let constraints = web_sys::MediaStreamConstraints::new();
    let video_constraints = Object::new();
    let _ = Reflect::set(
        &video_constraints,
        &"facingMode".into(),
        &"environment".into(),
    );
    constraints.set_video(&video_constraints);
    constraints.set_audio(&JsValue::FALSE);
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| CameraError::Other(js_error(e)))?;
    let stream: web_sys::MediaStream = match JsFuture::from(promise).await {
        Ok(stream) => stream.unchecked_into(),
        Err(error) => {
            let name = Reflect::get(&error, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_default();
            return Err(CameraError::from_name(&name, &js_error(error)));
        }
    };
    video.set_src_object(Some(&stream));
    video.set_muted(true);
    let _ = video.set_attribute("playsinline", "");
    if let Ok(playing) = video.play() {
        let _ = JsFuture::from(playing).await;
    }
    Ok(stream)
}

/// Stops every track of a camera stream (the camera light goes off).
pub fn stop_camera(stream: &web_sys::MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<web_sys::MediaStreamTrack>().stop();
    }
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The decoder: the browser's `BarcodeDetector`, or the worker (started on first use).
pub enum Decoder {
    Native(JsValue),
    Worker(Option<QrWorker>),
}

impl Decoder {
    /// The browser's detector when it has one for QR codes, else the worker.
    pub fn new() -> Decoder {
        let global = js_sys::global();
        let ctor = Reflect::get(&global, &"BarcodeDetector".into()).unwrap_or(JsValue::UNDEFINED);
        if let Some(ctor) = ctor.dyn_ref::<js_sys::Function>() {
            let options = Object::new();
            let _ = Reflect::set(&options, &"formats".into(), &Array::of1(&"qr_code".into()));
            if let Ok(detector) = Reflect::construct(ctor, &Array::of1(&options)) {
                return Decoder::Native(detector);
            }
        }
        Decoder::Worker(None)
    }

    /// Whether the worker (rqrr) is used.
    pub fn uses_worker(&self) -> bool {
        matches!(self, Decoder::Worker(_))
    }

    /// The code in the video's current frame, if any.
    pub async fn video(
        &mut self,
        video: &web_sys::HtmlVideoElement,
    ) -> Result<Option<String>, DecodeError> {
        let (width, height) = (video.video_width(), video.video_height());
        if width == 0 || height == 0 {
            return Ok(None);
        }
        self.source(video.as_ref(), width, height).await
    }

    /// The code in a photo of it, if any.
    pub async fn file(&mut self, file: &web_sys::File) -> Result<Option<String>, DecodeError> {
        let window = web_sys::window().ok_or_else(|| DecodeError("no window".into()))?;
        let promise = window
            .create_image_bitmap_with_blob(file)
            .map_err(|e| DecodeError(js_error(e)))?;
        let bitmap: web_sys::ImageBitmap = JsFuture::from(promise)
            .await
            .map_err(|e| DecodeError(js_error(e)))?
            .unchecked_into();
        let (width, height) = (bitmap.width(), bitmap.height());
        let found = self.source(bitmap.as_ref(), width, height).await;
        bitmap.close();
        found
    }

    async fn source(
        &mut self,
        source: &JsValue,
        width: u32,
        height: u32,
    ) -> Result<Option<String>, DecodeError> {
        match self {
            Decoder::Native(detector) => {
                let detect = Reflect::get(detector, &"detect".into())
                    .ok()
                    .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                    .ok_or_else(|| DecodeError("BarcodeDetector.detect is missing".into()))?;
                let promise: Promise = detect
                    .call1(detector, source)
                    .map_err(|e| DecodeError(js_error(e)))?
                    .unchecked_into();
                let found = JsFuture::from(promise)
                    .await
                    .map_err(|e| DecodeError(js_error(e)))?;
                Ok(Array::from(&found)
                    .iter()
                    .find_map(|code| Reflect::get(&code, &"rawValue".into()).ok()?.as_string()))
            }
            Decoder::Worker(worker) => {
                let (width, height, pixels) = grey_frame(source, width, height)?;
                if worker.is_none() {
                    *worker = Some(QrWorker::start()?);
                }
                match worker {
                    Some(worker) => worker.decode(width, height, pixels).await,
                    None => Ok(None),
                }
            }
        }
    }
}

impl Default for Decoder {
    fn default() -> Decoder {
        Decoder::new()
    }
}

/// Draws `source` (a video or a bitmap) scaled to at most [`MAX_FRAME_WIDTH`] wide and reads
/// it back as greyscale.
fn grey_frame(
    source: &JsValue,
    width: u32,
    height: u32,
) -> Result<(u32, u32, Vec<u8>), DecodeError> {
    let scale = (f64::from(MAX_FRAME_WIDTH) / f64::from(width)).min(1.0);
    let w = ((f64::from(width) * scale).round() as u32).max(1);
    let h = ((f64::from(height) * scale).round() as u32).max(1);
    let canvas = web_sys::OffscreenCanvas::new(w, h).map_err(|e| DecodeError(js_error(e)))?;
    let context: web_sys::OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(|e| DecodeError(js_error(e)))?
        .ok_or_else(|| DecodeError("no 2d context".into()))?
        .unchecked_into();
    let drawn = if let Some(video) = source.dyn_ref::<web_sys::HtmlVideoElement>() {
        context.draw_image_with_html_video_element_and_dw_and_dh(
            video,
            0.0,
            0.0,
            f64::from(w),
            f64::from(h),
        )
    } else {
        context.draw_image_with_image_bitmap_and_dw_and_dh(
            source.unchecked_ref(),
            0.0,
            0.0,
            f64::from(w),
            f64::from(h),
        )
    };
    drawn.map_err(|e| DecodeError(js_error(e)))?;
    let data = context
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|e| DecodeError(js_error(e)))?;
    Ok((w, h, luma(&data.data())))
}

/// The decoder worker: one frame at a time.
pub struct QrWorker {
    worker: web_sys::Worker,
}

impl QrWorker {
    fn start() -> Result<QrWorker, DecodeError> {
        let worker = web_sys::Worker::new(WORKER_SCRIPT).map_err(|e| DecodeError(js_error(e)))?;
        Ok(QrWorker { worker })
    }

    async fn decode(
        &self,
        width: u32,
        height: u32,
        luma: Vec<u8>,
    ) -> Result<Option<String>, DecodeError> {
        type Handler = Closure<dyn FnMut(JsValue)>;
        let handlers: Rc<RefCell<Vec<Handler>>> = Rc::default();
        let promise = Promise::new(&mut |resolve, reject| {
            let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let data = Reflect::get(&event, &"data".into()).unwrap_or(JsValue::NULL);
                let _ = resolve.call1(&JsValue::NULL, &data);
            });
            let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let message = Reflect::get(&event, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_else(|| "the decoder could not start".into());
                let _ = reject.call1(&JsValue::NULL, &message.into());
            });
            self.worker
                .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            self.worker
                .set_onerror(Some(on_error.as_ref().unchecked_ref()));
            handlers.borrow_mut().extend([on_message, on_error]);
        });
        let message = Object::new();
        let _ = Reflect::set(&message, &"width".into(), &width.into());
        let _ = Reflect::set(&message, &"height".into(), &height.into());
        let _ = Reflect::set(
            &message,
            &"luma".into(),
            &js_sys::Uint8Array::from(&luma[..]),
        );
        self.worker
            .post_message(&message)
            .map_err(|e| DecodeError(js_error(e)))?;
        let answer = JsFuture::from(promise).await;
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        drop(handlers);
        let answer = answer.map_err(|e| DecodeError(js_error(e)))?;
        if let Some(error) = Reflect::get(&answer, &"error".into())
            .ok()
            .and_then(|e| e.as_string())
        {
            return Err(DecodeError(error));
        }
        Ok(Reflect::get(&answer, &"text".into())
            .ok()
            .and_then(|t| t.as_string()))
    }
}

impl Drop for QrWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
