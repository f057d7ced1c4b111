//! Photos for findings: from a picked or captured file to a stored evidence JPEG with a burned-in
//! watermark, a thumbnail and the SHA-256 that names the evidence.
//!
//! The steps, and why (see the offline-sync design, pitfalls 3, 4 and 12):
//! 1. [`read_file`] copies the bytes at once, in the `change` handler: a `File` from Android's
//!    photo picker or a cloud folder can become unreadable later (`NotReadableError`).
//! 2. [`process`] reads format, size and EXIF orientation from the header in Rust, without
//!    decoding, and picks the evidence size (long edge at most [`PhotoOptions::max_edge`], never
//!    larger than the original).
//! 3. The browser decodes straight to that size (`createImageBitmap` with `resizeWidth`/
//!    `resizeHeight`), so a 48 MP photo never lands on a full-size canvas (iOS refuses canvases
//!    over 16.7 MP). The browser applies EXIF orientation; nothing here rotates again.
//! 4. One canvas at a time, of the evidence size, then of the thumbnail size; each shrunk to 0×0
//!    after use. JPEG out, bytes back into wasm memory: callers store bytes, never `Blob`s
//!    (Safari fails to store Blobs in IndexedDB).

mod canvas;
mod header;
mod watermark;

pub use watermark::Watermark;

use anxun_domain::photo::Sha256Hex;
use std::fmt;
use wasm_bindgen_futures::JsFuture;

use canvas::{Bitmap, DecodeFailure, Surface};
use header::{Format, Header, HeaderError, fit};

/// Largest original accepted, in bytes (40 MiB; a 48 MP phone JPEG is about 10–25 MB).
pub const MAX_ORIGINAL_BYTES: u64 = 40 * 1024 * 1024;

/// Largest original accepted, in pixels (room for 200 MP phone sensors).
pub const MAX_ORIGINAL_PIXELS: u64 = 210_000_000;

/// The MIME type of everything [`process`] produces.
pub const JPEG_MIME: &str = "image/jpeg";

/// How evidence photos and thumbnails are made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhotoOptions {
    /// Longest edge of the evidence image in pixels (default 2048). Smaller photos keep their size.
    pub max_edge: u32,
    /// JPEG quality from 0 to 1 (default 0.8).
    pub quality: f64,
    /// Longest edge of the thumbnail in pixels (default 320).
    pub thumb_edge: u32,
}

impl Default for PhotoOptions {
    fn default() -> Self {
        PhotoOptions {
            max_edge: 2048,
            quality: 0.8,
            thumb_edge: 320,
        }
    }
}

/// A photo ready to store: evidence and thumbnail JPEGs, and the evidence's hash.
#[derive(Clone, PartialEq, Eq)]
pub struct ProcessedPhoto {
    /// The evidence image (JPEG, watermarked), as stored and uploaded.
    pub evidence: Vec<u8>,
    /// A small JPEG for lists, without the watermark.
    pub thumbnail: Vec<u8>,
    /// SHA-256 of [`Self::evidence`]: the photo's name in storage and on the server.
    pub sha256: Sha256Hex,
    /// Width of the evidence image.
    pub width: u32,
    /// Height of the evidence image.
    pub height: u32,
    /// Width of the thumbnail.
    pub thumb_width: u32,
    /// Height of the thumbnail.
    pub thumb_height: u32,
    /// Width of the original as displayed (EXIF orientation applied).
    pub original_width: u32,
    /// Height of the original as displayed (EXIF orientation applied).
    pub original_height: u32,
    /// Always [`JPEG_MIME`].
    pub mime: &'static str,
}

impl fmt::Debug for ProcessedPhoto {
    // Megabytes of JPEG are no use in a log line: lengths only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessedPhoto")
            .field("evidence", &format_args!("{} bytes", self.evidence.len()))
            .field("thumbnail", &format_args!("{} bytes", self.thumbnail.len()))
            .field("sha256", &self.sha256.as_str())
            .field("size", &format_args!("{}×{}", self.width, self.height))
            .field(
                "thumb_size",
                &format_args!("{}×{}", self.thumb_width, self.thumb_height),
            )
            .field(
                "original_size",
                &format_args!("{}×{}", self.original_width, self.original_height),
            )
            .field("mime", &self.mime)
            .finish()
    }
}

/// Why a photo could not be taken in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// The bytes are not an image format we know.
    #[error("the file is not a photo (JPEG, PNG, WebP, GIF or HEIC expected)")]
    NotAnImage,
    /// The browser could not read the file (`NotReadableError` and the like).
    #[error(
        "the photo could not be read: it may have been moved or deleted, or be stored only in \
         the cloud; choose it again"
    )]
    Unreadable,
    /// The original is larger than [`MAX_ORIGINAL_BYTES`].
    #[error(
        "the photo is too large ({} MB; at most {} MB)",
        .bytes.div_ceil(1024 * 1024),
        MAX_ORIGINAL_BYTES / (1024 * 1024)
    )]
    TooLarge { bytes: u64 },
    /// The original has more than [`MAX_ORIGINAL_PIXELS`].
    #[error("the photo has too many pixels ({width}×{height}; at most 210 megapixels)")]
    TooManyPixels { width: u32, height: u32 },
    /// The header is damaged or the browser could not decode the image.
    #[error("the photo could not be decoded: {0}")]
    Decode(String),
    /// The browser could not encode the JPEG.
    #[error("the photo could not be saved as JPEG: {0}")]
    Encode(String),
    /// The browser lacks something the pipeline needs, or cannot decode this format.
    #[error("this browser cannot process the photo: {0}")]
    Unsupported(String),
}

/// Copies the bytes of a picked file into memory, at once: call it in the input's `change`
/// handler, before anything else awaits.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, PhotoError> {
    let size = file.size();
    if size > MAX_ORIGINAL_BYTES as f64 {
        return Err(PhotoError::TooLarge { bytes: size as u64 });
    }
    // Every failure to read a picked file means the same to the user: pick it again.
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| PhotoError::Unreadable)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Turns the bytes of a photo into the evidence JPEG (long edge at most `options.max_edge`,
/// watermark burned in), a thumbnail and the evidence's SHA-256.
///
/// Process several photos one after another, not all at once: each call holds a decoded bitmap
/// and a canvas of the evidence size while it runs, and phones have little memory for both.
pub async fn process(
    bytes: &[u8],
    options: &PhotoOptions,
    watermark: &Watermark,
) -> Result<ProcessedPhoto, PhotoError> {
    if bytes.len() as u64 > MAX_ORIGINAL_BYTES {
        return Err(PhotoError::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    let header = Header::parse(bytes).map_err(|error| match error {
        HeaderError::NotAnImage => PhotoError::NotAnImage,
        HeaderError::Malformed(why) => PhotoError::Decode(why.to_owned()),
    })?;
    let (original_width, original_height) = header.displayed();
    if u64::from(original_width) * u64::from(original_height) > MAX_ORIGINAL_PIXELS {
        return Err(PhotoError::TooManyPixels {
            width: original_width,
            height: original_height,
        });
    }
    let (width, height) = fit(original_width, original_height, options.max_edge);
    let (thumb_width, thumb_height) = fit(width, height, options.thumb_edge);
    let quality = if (0.0..=1.0).contains(&options.quality) {
        options.quality
    } else {
        PhotoOptions::default().quality
    };

    let bitmap = decode(bytes, header.format, width, height).await?;

    let evidence = {
        let surface = Surface::new(width, height)?;
        surface.draw(&bitmap, width, height)?;
        surface.draw_watermark(watermark.lines(), width, height);
        surface.encode_jpeg(quality).await?
    };

    let thumbnail = {
        let small = canvas::resized(&bitmap, thumb_width, thumb_height).await;
        let surface = Surface::new(thumb_width, thumb_height)?;
        surface.draw(small.as_ref().unwrap_or(&bitmap), thumb_width, thumb_height)?;
        drop(small);
        drop(bitmap);
        surface.encode_jpeg(quality).await?
    };

    let sha256 = Sha256Hex::digest(&evidence);
    Ok(ProcessedPhoto {
        evidence,
        thumbnail,
        sha256,
        width,
        height,
        thumb_width,
        thumb_height,
        original_width,
        original_height,
        mime: JPEG_MIME,
    })
}

/// Decodes straight to `width`×`height`, explaining a refusal.
async fn decode(
    bytes: &[u8],
    format: Format,
    width: u32,
    height: u32,
) -> Result<Bitmap, PhotoError> {
    let blob = canvas::blob(bytes, format.mime())?;
    match canvas::decode(&blob, width, height).await {
        Ok(bitmap) => Ok(bitmap),
        Err(DecodeFailure::Setup(error)) => Err(error),
        Err(DecodeFailure::Rejected(_)) if format == Format::Heif => Err(PhotoError::Unsupported(
            "HEIC/HEIF photos cannot be decoded here; set the camera to \"Most Compatible\" \
                 (JPEG) or share the photo as JPEG"
                .into(),
        )),
        Err(DecodeFailure::Rejected(error)) => Err(PhotoError::Decode(canvas::describe(&error))),
    }
}
