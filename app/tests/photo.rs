//! In-browser tests of the photo pipeline (wasm-bindgen-test in headless Chromium), on JPEGs the
//! test draws itself: 2, 12 and 48 megapixels, an EXIF-rotated one, PNG and WebP, and bytes that
//! are not photos. No timing is asserted here (budgets belong to `cargo xtask bench`); the time
//! each case took is printed for information.

#![allow(clippy::unwrap_used)]

use anxun_app::photo::{self, PhotoError, PhotoOptions, ProcessedPhoto, Watermark};
use anxun_domain::photo::Sha256Hex;
use chrono::{TimeZone, Utc};
use js_sys::{Array, Uint8Array};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{
    Blob, ImageBitmap, ImageEncodeOptions, OffscreenCanvas, OffscreenCanvasRenderingContext2d,
};

wasm_bindgen_test_configure!(run_in_browser);

// -- fixtures drawn in the browser -- //

fn context(canvas: &OffscreenCanvas) -> OffscreenCanvasRenderingContext2d {
    canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap()
}

async fn blob_bytes(blob: &Blob) -> Vec<u8> {
    let buffer = JsFuture::from(blob.array_buffer()).await.unwrap();
    Uint8Array::new(&buffer).to_vec()
}

/// A photo-like image: a light gradient, a few thousand translucent patches (so the JPEG has
/// detail to encode) and a solid red square in the stored top-left corner (to see orientation).
/// A full-size canvas is fine here: only the pipeline must never use one.
async fn synthetic(width: u32, height: u32, mime: &str) -> Vec<u8> {
    let canvas = OffscreenCanvas::new(width, height).unwrap();
    let c = context(&canvas);
    let (w, h) = (f64::from(width), f64::from(height));
    let gradient = c.create_linear_gradient(0.0, 0.0, w, h);
    gradient.add_color_stop(0.0, "#f2e6c9").unwrap();
    gradient.add_color_stop(1.0, "#9ec3e6").unwrap();
    c.set_fill_style_canvas_gradient(&gradient);
    c.fill_rect(0.0, 0.0, w, h);
    let mut seed = 0x2545_F491_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for _ in 0..3000 {
        let x = f64::from(next() % width);
        let y = f64::from(next() % height);
        let size = w / 200.0 * f64::from(1 + next() % 8);
        let shade = next() % 256;
        c.set_fill_style_str(&format!(
            "rgba({shade}, {}, {}, 0.45)",
            255 - shade,
            (shade * 7) % 256
        ));
        c.fill_rect(x, y, size, size * 0.6);
    }
    let marker = w.min(h) / 8.0;
    c.set_fill_style_str("#ff0000");
    c.fill_rect(0.0, 0.0, marker, marker);

    let options = ImageEncodeOptions::new();
    options.set_type(mime);
    options.set_quality(0.92);
    let blob = JsFuture::from(canvas.convert_to_blob_with_options(&options).unwrap())
        .await
        .unwrap()
        .dyn_into::<Blob>()
        .unwrap();
    canvas.set_width(0);
    canvas.set_height(0);
    assert_eq!(blob.type_(), mime);
    blob_bytes(&blob).await
}

/// `jpeg` with an APP1 Exif segment (big-endian TIFF, IFD0 = orientation) right after SOI.
fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Decoded RGBA pixels of an image (the outputs are small, so a full decode is fine).
struct Pixels {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl Pixels {
    async fn decode(image: &[u8]) -> Pixels {
        let parts = Array::of1(&Uint8Array::from(image));
        let blob = Blob::new_with_u8_array_sequence(&parts).unwrap();
        let window = web_sys::window().unwrap();
        let bitmap: ImageBitmap =
            JsFuture::from(window.create_image_bitmap_with_blob(&blob).unwrap())
                .await
                .unwrap()
                .dyn_into()
                .unwrap();
        let (width, height) = (bitmap.width(), bitmap.height());
        let canvas = OffscreenCanvas::new(width, height).unwrap();
        let c = context(&canvas);
        c.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0).unwrap();
        bitmap.close();
        let data = c
            .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
            .unwrap()
            .data();
        Pixels {
            width,
            height,
            rgba: data.0,
        }
    }

    /// Mean of `f(r, g, b)` over a rectangle given in fractions of the size.
    fn mean(
        &self,
        (x0, y0, x1, y1): (f64, f64, f64, f64),
        f: impl Fn(f64, f64, f64) -> f64,
    ) -> f64 {
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let (xs, xe) = ((x0 * w) as usize, (x1 * w) as usize);
        let (ys, ye) = ((y0 * h) as usize, (y1 * h) as usize);
        let mut sum = 0.0;
        for y in ys..ye {
            for x in xs..xe {
                let i = (y * self.width as usize + x) * 4;
                let p = &self.rgba[i..i + 3];
                sum += f(f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
            }
        }
        sum / ((xe - xs) * (ye - ys)) as f64
    }

    fn luminance(&self, rect: (f64, f64, f64, f64)) -> f64 {
        self.mean(rect, |r, g, b| 0.299 * r + 0.587 * g + 0.114 * b)
    }

    /// How red a region is: red minus the mean of green and blue.
    fn redness(&self, rect: (f64, f64, f64, f64)) -> f64 {
        self.mean(rect, |r, g, b| r - (g + b) / 2.0)
    }
}

fn watermark() -> Watermark {
    Watermark::new(
        Utc.with_ymd_and_hms(2026, 3, 14, 8, 20, 5).unwrap(),
        Some((31.230416, 121.473701, 8.0)),
        "黄浦区某小区 3 号楼",
        "张三",
    )
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

// -- checks -- //

/// Everything that must hold for any processed photo.
async fn check_output(photo: &ProcessedPhoto, original: (u32, u32), options: &PhotoOptions) {
    let (ow, oh) = original;
    assert_eq!((photo.original_width, photo.original_height), original);
    assert_eq!(photo.mime, "image/jpeg");

    // Evidence: long edge at most max_edge (exactly, unless the original is smaller), aspect
    // ratio kept within a pixel.
    let long = photo.width.max(photo.height);
    assert_eq!(long, ow.max(oh).min(options.max_edge), "{photo:?}");
    let expected_height = f64::from(photo.width) * f64::from(oh) / f64::from(ow);
    assert!(
        (f64::from(photo.height) - expected_height).abs() <= 1.0,
        "aspect ratio: {photo:?}"
    );
    assert!(photo.evidence.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(photo.evidence.ends_with(&[0xFF, 0xD9]));
    let evidence = Pixels::decode(&photo.evidence).await;
    assert_eq!(
        (evidence.width, evidence.height),
        (photo.width, photo.height)
    );

    // Thumbnail: long edge at most thumb_edge, same shape.
    assert!(photo.thumb_width.max(photo.thumb_height) <= options.thumb_edge);
    assert_eq!(
        photo.thumb_width.max(photo.thumb_height),
        long.min(options.thumb_edge)
    );
    let expected_thumb_height =
        f64::from(photo.thumb_width) * f64::from(photo.height) / f64::from(photo.width);
    assert!((f64::from(photo.thumb_height) - expected_thumb_height).abs() <= 1.0);
    assert!(photo.thumbnail.starts_with(&[0xFF, 0xD8, 0xFF]));
    let thumbnail = Pixels::decode(&photo.thumbnail).await;
    assert_eq!(
        (thumbnail.width, thumbnail.height),
        (photo.thumb_width, photo.thumb_height)
    );
    assert!(photo.thumbnail.len() < photo.evidence.len());

    // The hash is SHA-256 of exactly the evidence bytes.
    let independent = hex::encode(Sha256::digest(&photo.evidence));
    assert_eq!(photo.sha256.as_str(), independent);
    assert_eq!(Sha256Hex::parse(&independent).unwrap(), photo.sha256);
}

/// The whole pipeline on a generated JPEG of `width`×`height`: outputs, stability, watermark.
async fn pipeline_case(width: u32, height: u32) {
    let original = synthetic(width, height, "image/jpeg").await;
    let options = PhotoOptions::default();

    let started = now_ms();
    let photo = photo::process(&original, &options, &watermark())
        .await
        .unwrap();
    let took = now_ms() - started;
    console_log!(
        "photo {width}×{height} ({:.1} MB JPEG) → {}×{} ({} KB) + thumbnail {}×{} ({} KB) in {took:.0} ms",
        original.len() as f64 / 1e6,
        photo.width,
        photo.height,
        photo.evidence.len() / 1024,
        photo.thumb_width,
        photo.thumb_height,
        photo.thumbnail.len() / 1024,
    );
    check_output(&photo, (width, height), &options).await;

    // The same input gives the same photo, hash included.
    let again = photo::process(&original, &options, &watermark())
        .await
        .unwrap();
    assert_eq!((again.width, again.height), (photo.width, photo.height));
    assert_eq!(
        (again.thumb_width, again.thumb_height),
        (photo.thumb_width, photo.thumb_height)
    );
    assert_eq!(again.sha256, photo.sha256, "processing is deterministic");

    // The watermark darkens the bottom band and leaves the top alone.
    let plain = photo::process(&original, &options, &Watermark::none())
        .await
        .unwrap();
    assert_ne!(plain.sha256, photo.sha256);
    let marked = Pixels::decode(&photo.evidence).await;
    let clean = Pixels::decode(&plain.evidence).await;
    let bottom = (0.0, 0.95, 1.0, 1.0);
    let top = (0.0, 0.0, 1.0, 0.5);
    let (dark, light) = (marked.luminance(bottom), clean.luminance(bottom));
    assert!(
        dark < light - 30.0,
        "watermark band: {dark:.1} should be well below {light:.1}"
    );
    let (a, b) = (marked.luminance(top), clean.luminance(top));
    assert!((a - b).abs() < 1.0, "top half unchanged: {a:.2} vs {b:.2}");
    // White text in the band: some pixels there are much brighter than the band itself.
    let text_rows = (0.0, 0.88, 0.5, 1.0);
    let brightest = marked.mean(
        text_rows,
        |r, g, b| if r.min(g).min(b) > 200.0 { 1.0 } else { 0.0 },
    );
    assert!(brightest > 0.002, "white watermark text: {brightest}");
}

// -- tests -- //

#[wasm_bindgen_test]
async fn two_megapixels_keep_their_size() {
    pipeline_case(1632, 1224).await;
}

#[wasm_bindgen_test]
async fn twelve_megapixels_become_2048_wide() {
    pipeline_case(4000, 3000).await;
}

#[wasm_bindgen_test]
async fn forty_eight_megapixels_become_2048_wide() {
    pipeline_case(8000, 6000).await;
}

#[wasm_bindgen_test]
async fn options_set_the_sizes() {
    let original = synthetic(1632, 1224, "image/jpeg").await;
    let options = PhotoOptions {
        max_edge: 1000,
        quality: 0.6,
        thumb_edge: 100,
    };
    let photo = photo::process(&original, &options, &watermark())
        .await
        .unwrap();
    assert_eq!((photo.width, photo.height), (1000, 750));
    assert_eq!((photo.thumb_width, photo.thumb_height), (100, 75));
    check_output(&photo, (1632, 1224), &options).await;
}

#[wasm_bindgen_test]
async fn exif_orientation_6_becomes_a_portrait_turned_once() {
    let stored = synthetic(1600, 1200, "image/jpeg").await;
    let rotated = with_exif_orientation(&stored, 6);
    let options = PhotoOptions {
        max_edge: 800,
        ..PhotoOptions::default()
    };

    let upright = photo::process(&stored, &options, &Watermark::none())
        .await
        .unwrap();
    assert_eq!((upright.width, upright.height), (800, 600));
    let pixels = Pixels::decode(&upright.evidence).await;
    assert!(
        pixels.redness((0.0, 0.0, 0.05, 0.05)) > 150.0,
        "marker top-left"
    );

    let photo = photo::process(&rotated, &options, &Watermark::none())
        .await
        .unwrap();
    assert_eq!((photo.original_width, photo.original_height), (1200, 1600));
    assert_eq!((photo.width, photo.height), (600, 800), "portrait");
    check_output(&photo, (1200, 1600), &options).await;
    // Orientation 6 shows the stored top-left corner at the top right. Not turned: top left;
    // turned twice: bottom left.
    let pixels = Pixels::decode(&photo.evidence).await;
    let corners = [
        ("top right", (0.95, 0.0, 1.0, 0.05)),
        ("top left", (0.0, 0.0, 0.05, 0.05)),
        ("bottom left", (0.0, 0.95, 0.05, 1.0)),
        ("bottom right", (0.95, 0.95, 1.0, 1.0)),
    ];
    let red: Vec<(&str, f64)> = corners
        .iter()
        .map(|(name, rect)| (*name, pixels.redness(*rect)))
        .collect();
    assert!(red[0].1 > 150.0, "marker at the top right: {red:?}");
    assert!(red[1..].iter().all(|(_, r)| *r < 60.0), "{red:?}");
    // The thumbnail is turned the same way.
    let thumb = Pixels::decode(&photo.thumbnail).await;
    assert_eq!((thumb.width, thumb.height), (240, 320));
    assert!(thumb.redness((0.92, 0.0, 1.0, 0.05)) > 120.0);
}

#[wasm_bindgen_test]
async fn png_and_webp_become_jpeg() {
    for mime in ["image/png", "image/webp"] {
        let original = synthetic(900, 1200, mime).await;
        let photo = photo::process(&original, &PhotoOptions::default(), &watermark())
            .await
            .unwrap();
        assert_eq!((photo.width, photo.height), (900, 1200), "{mime}");
        check_output(&photo, (900, 1200), &PhotoOptions::default()).await;
    }
}

#[wasm_bindgen_test]
async fn what_is_not_a_usable_photo_is_refused_clearly() {
    let options = PhotoOptions::default();
    let none = Watermark::none();
    for bytes in [&b""[..], b"not a photo at all", b"%PDF-1.7\n%...."] {
        assert_eq!(
            photo::process(bytes, &options, &none).await.unwrap_err(),
            PhotoError::NotAnImage
        );
    }

    // A JPEG whose header ends early.
    let jpeg = synthetic(64, 48, "image/jpeg").await;
    let error = photo::process(&jpeg[..40], &options, &none)
        .await
        .unwrap_err();
    assert!(matches!(error, PhotoError::Decode(_)), "{error:?}");

    // A sound header followed by garbage: the browser refuses it.
    let mut garbage = vec![
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80,
    ];
    garbage.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    garbage.extend_from_slice(&[0x5A; 4096]);
    let error = photo::process(&garbage, &options, &none).await.unwrap_err();
    assert!(matches!(error, PhotoError::Decode(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("the photo could not be decoded: ")
    );

    // HEIC that Chromium cannot decode: said plainly.
    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\x20meta\0\0\0\0".to_vec();
    heic.extend_from_slice(b"\0\0\0\x14ispe\0\0\0\0");
    heic.extend_from_slice(&4032u32.to_be_bytes());
    heic.extend_from_slice(&3024u32.to_be_bytes());
    heic.extend_from_slice(&[0; 256]);
    let error = photo::process(&heic, &options, &none).await.unwrap_err();
    assert!(
        matches!(error, PhotoError::Unsupported(ref why) if why.contains("HEIC")),
        "{error:?}"
    );

    // Too many pixels is refused from the header, before any decoding.
    let mut huge = vec![
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF,
    ];
    huge.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    assert_eq!(
        photo::process(&huge, &options, &none).await.unwrap_err(),
        PhotoError::TooManyPixels {
            width: 65535,
            height: 65535
        }
    );

    // Too many bytes is refused before anything else.
    let big = vec![0u8; (photo::MAX_ORIGINAL_BYTES + 1) as usize];
    let error = photo::process(&big, &options, &none).await.unwrap_err();
    assert_eq!(
        error,
        PhotoError::TooLarge {
            bytes: photo::MAX_ORIGINAL_BYTES + 1
        }
    );
    assert_eq!(
        error.to_string(),
        "the photo is too large (41 MB; at most 40 MB)"
    );
}

#[wasm_bindgen_test]
async fn read_file_copies_the_bytes() {
    let jpeg = synthetic(320, 240, "image/jpeg").await;
    let parts = Array::of1(&Uint8Array::from(&jpeg[..]));
    let file = web_sys::File::new_with_u8_array_sequence(&parts, "IMG_0001.JPG").unwrap();
    let bytes = photo::read_file(&file).await.unwrap();
    assert_eq!(bytes, jpeg);
    let photo = photo::process(&bytes, &PhotoOptions::default(), &watermark())
        .await
        .unwrap();
    assert_eq!((photo.width, photo.height), (320, 240));
}
