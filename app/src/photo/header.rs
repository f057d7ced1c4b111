//! What the first bytes of a photo say without decoding a pixel: its format, its stored size
//! and whether the browser will show it turned a quarter (EXIF orientation 5–8 in a JPEG,
//! `irot` in a HEIF). Pure functions, so the pipeline can choose its decode size before the
//! browser touches the image.

/// An image format the pipeline recognises by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
    /// HEIC, HEIF or AVIF (ISO base media file with an image brand).
    Heif,
}

impl Format {
    /// The format announced by the first bytes, if any.
    pub(crate) fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if bytes.len() >= 12
            && &bytes[4..8] == b"ftyp"
            && HEIF_BRANDS.contains(&&bytes[8..12])
        {
            Some(Format::Heif)
        } else {
            None
        }
    }

    /// The MIME type given to the browser's decoder.
    pub(crate) fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
            Format::Heif => "image/heic",
        }
    }
}

/// Major brands of HEIF-family files (HEIC from phones, AVIF).
const HEIF_BRANDS: [&[u8]; 11] = [
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis",
    b"mif2",
];

/// Format and size of a photo as stored, and how the browser will orient it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) format: Format,
    /// Width of the stored pixels (before any orientation is applied).
    pub(crate) width: u32,
    /// Height of the stored pixels (before any orientation is applied).
    pub(crate) height: u32,
    /// The browser shows the image turned by a quarter: width and height swap on screen.
    pub(crate) quarter_turn: bool,
}

impl Header {
    /// Reads the header of a photo.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Header, HeaderError> {
        let format = Format::sniff(bytes).ok_or(HeaderError::NotAnImage)?;
        let malformed = HeaderError::Malformed;
        let (width, height, quarter_turn) = match format {
            Format::Jpeg => {
                let frame = jpeg(bytes).map_err(malformed)?;
                (
                    frame.width,
                    frame.height,
                    matches!(frame.orientation, 5..=8),
                )
            }
            Format::Png => {
                let (w, h) = png(bytes).ok_or(malformed("PNG without an IHDR header"))?;
                (w, h, false)
            }
            Format::Webp => {
                let (w, h) = webp(bytes).ok_or(malformed("WebP without a size"))?;
                (w, h, false)
            }
            Format::Gif => {
                let w = u32::from(le16(bytes, 6).ok_or(malformed("GIF too short"))?);
                let h = u32::from(le16(bytes, 8).ok_or(malformed("GIF too short"))?);
                (w, h, false)
            }
            Format::Heif => heif(bytes).ok_or(malformed("HEIF without an image size"))?,
        };
        if width == 0 || height == 0 {
            return Err(malformed("the image has no pixels"));
        }
        Ok(Header {
            format,
            width,
            height,
            quarter_turn,
        })
    }

    /// Width and height as the browser shows the image (orientation applied).
    pub(crate) fn displayed(&self) -> (u32, u32) {
        if self.quarter_turn {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

/// Why a header could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderError {
    /// No known image signature.
    NotAnImage,
    /// A known signature, but the header is damaged or truncated.
    Malformed(&'static str),
}

/// The size scaled down so that its long edge is at most `max_edge`; never scaled up. Each side
/// is at least one pixel.
pub(crate) fn fit(width: u32, height: u32, max_edge: u32) -> (u32, u32) {
    let max_edge = max_edge.max(1);
    let long = width.max(height);
    if long <= max_edge {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| -> u32 {
        // Rounded to the nearest pixel; exact in u64 for any u32 sides.
        let scaled =
            (u64::from(side) * u64::from(max_edge) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(max_edge).clamp(1, max_edge)
    };
    (scale(width), scale(height))
}

/// The frame size and EXIF orientation of a JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JpegFrame {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// EXIF orientation 1–8; 1 when there is none.
    pub(crate) orientation: u16,
}

/// Walks the JPEG segments up to the first start-of-frame, reading the EXIF orientation on the
/// way (APP1 comes before SOF).
pub(crate) fn jpeg(bytes: &[u8]) -> Result<JpegFrame, &'static str> {
    let mut orientation = 1;
    let mut pos = 2;
    loop {
        if *bytes.get(pos).ok_or("JPEG ends before its frame header")? != 0xFF {
            return Err("JPEG segment does not start with a marker");
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *bytes.get(pos).ok_or("JPEG ends before its frame header")?;
        pos += 1;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 | 0xDA => return Err("JPEG image data before any frame header"),
            _ => {}
        }
        let length = usize::from(be16(bytes, pos).ok_or("JPEG segment truncated")?);
        if length < 2 {
            return Err("JPEG segment length is invalid");
        }
        let body = bytes
            .get(pos + 2..pos + length)
            .ok_or("JPEG segment truncated")?;
        match marker {
            // Start of frame: baseline, progressive, lossless, arithmetic; not DHT (C4),
            // JPG (C8) or DAC (CC).
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                let height = be16(body, 1).ok_or("JPEG frame header truncated")?;
                let width = be16(body, 3).ok_or("JPEG frame header truncated")?;
                return Ok(JpegFrame {
                    width: u32::from(width),
                    height: u32::from(height),
                    orientation,
                });
            }
            0xE1 => {
                if let Some(tiff) = body.strip_prefix(b"Exif\0\0")
                    && let Some(found) = exif_orientation(tiff)
                {
                    orientation = found;
                }
            }
            _ => {}
        }
        pos += length;
    }
}

/// The orientation tag (0x0112) of IFD0 in an EXIF TIFF structure, if present and valid.
pub(crate) fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big_endian = match tiff.get(0..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = tiff.get(at..at.checked_add(2)?)?;
        Some(if big_endian {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b = tiff.get(at..at.checked_add(4)?)?;
        Some(if big_endian {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        })
    };
    if u16_at(2)? != 42 {
        return None;
    }
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(ifd)?);
    for index in 0..entries {
        let entry = ifd.checked_add(2 + index * 12)?;
        if u16_at(entry)? == 0x0112 {
            // Type SHORT, one value, stored in the first half of the value field.
            if u16_at(entry + 2)? != 3 {
                return None;
            }
            let value = u16_at(entry + 8)?;
            return (1..=8).contains(&value).then_some(value);
        }
    }
    None
}

fn png(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    Some((be32(bytes, 16)?, be32(bytes, 20)?))
}

fn webp(bytes: &[u8]) -> Option<(u32, u32)> {
    let u24 = |at: usize| -> Option<u32> {
        let b = bytes.get(at..at + 3)?;
        Some(u32::from(b[0]) | (u32::from(b[1]) << 8) | (u32::from(b[2]) << 16))
    };
    match bytes.get(12..16)? {
        // Extended: canvas size minus one, 24 bits each.
        b"VP8X" => Some((u24(24)? + 1, u24(27)? + 1)),
        // Lossy: after the frame tag and the start code 9D 01 2A, 14-bit sizes.
        b"VP8 " => {
            if bytes.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((
                u32::from(le16(bytes, 26)? & 0x3FFF),
                u32::from(le16(bytes, 28)? & 0x3FFF),
            ))
        }
        // Lossless: signature 0x2F, then width - 1 and height - 1 in 14 bits each.
        b"VP8L" => {
            if *bytes.get(20)? != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes(bytes.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        _ => None,
    }
}

/// The largest `ispe` (image spatial extents) property in the top-level `meta` box of a HEIF
/// file, and whether an `irot` property turns it a quarter. A grid image (as phones write) has
/// small tiles and one large `ispe` for the whole picture.
fn heif(bytes: &[u8]) -> Option<(u32, u32, bool)> {
    let meta = top_level_box(bytes, b"meta")?;
    let mut best: Option<(u32, u32)> = None;
    let mut quarter_turn = false;
    for at in 0..meta.len().saturating_sub(4) {
        match &meta[at..at + 4] {
            b"ispe" => {
                // Full box: version and flags (4 bytes), then width and height.
                if let (Some(w), Some(h)) = (be32(meta, at + 8), be32(meta, at + 12)) {
                    let area = u64::from(w) * u64::from(h);
                    if best.is_none_or(|(bw, bh)| area > u64::from(bw) * u64::from(bh)) {
                        best = Some((w, h));
                    }
                }
            }
            b"irot" => {
                if let Some(angle) = meta.get(at + 4) {
                    quarter_turn = angle & 1 == 1;
                }
            }
            _ => {}
        }
    }
    best.map(|(w, h)| (w, h, quarter_turn))
}

/// The contents of the first top-level ISO BMFF box of type `kind` (truncated files give what
/// is there).
fn top_level_box<'a>(bytes: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    let mut at = 0usize;
    while at < bytes.len() {
        let size = be32(bytes, at)?;
        let (header, size) = match size {
            // Extends to the end of the file.
            0 => (8, bytes.len() - at),
            // A 64-bit size follows the type.
            1 => {
                let large =
                    u64::from(be32(bytes, at + 8)?) << 32 | u64::from(be32(bytes, at + 12)?);
                (16, usize::try_from(large).ok()?)
            }
            size => (8, usize::try_from(size).ok()?),
        };
        if size < header {
            return None;
        }
        if bytes.get(at + 4..at + 8)? == kind {
            let end = at.checked_add(size)?.min(bytes.len());
            return bytes.get(at + header..end);
        }
        at = at.checked_add(size)?;
    }
    None
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A minimal JPEG header: SOI, optional segments, SOF0 with the given size, SOS.
    fn jpeg_header(width: u16, height: u16, before_frame: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend_from_slice(before_frame);
        bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02]);
        bytes
    }

    /// An APP1 Exif segment with one IFD0 entry: orientation.
    fn exif_app1(orientation: u16, big_endian: bool) -> Vec<u8> {
        let mut tiff = Vec::new();
        let u16b = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let u32b = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        tiff.extend_from_slice(if big_endian { b"MM" } else { b"II" });
        tiff.extend_from_slice(&u16b(42));
        tiff.extend_from_slice(&u32b(8));
        tiff.extend_from_slice(&u16b(1));
        tiff.extend_from_slice(&u16b(0x0112));
        tiff.extend_from_slice(&u16b(3));
        tiff.extend_from_slice(&u32b(1));
        tiff.extend_from_slice(&u16b(orientation));
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&u32b(0));
        let mut segment = vec![0xFF, 0xE1];
        let length = u16::try_from(2 + 6 + tiff.len()).unwrap();
        segment.extend_from_slice(&length.to_be_bytes());
        segment.extend_from_slice(b"Exif\0\0");
        segment.extend_from_slice(&tiff);
        segment
    }

    #[wasm_bindgen_test]
    fn jpeg_frame_size_without_exif() {
        let app0 = [
            0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        ];
        let bytes = jpeg_header(4000, 3000, &app0);
        let header = Header::parse(&bytes).unwrap();
        assert_eq!(header.format, Format::Jpeg);
        assert_eq!((header.width, header.height), (4000, 3000));
        assert!(!header.quarter_turn);
        assert_eq!(header.displayed(), (4000, 3000));
    }

    #[wasm_bindgen_test]
    fn jpeg_exif_orientation_both_byte_orders() {
        for big_endian in [true, false] {
            for orientation in 1..=8 {
                let bytes = jpeg_header(4000, 3000, &exif_app1(orientation, big_endian));
                let frame = jpeg(&bytes).unwrap();
                assert_eq!(frame.orientation, orientation, "big endian: {big_endian}");
                let header = Header::parse(&bytes).unwrap();
                let expected = if orientation >= 5 {
                    (3000, 4000)
                } else {
                    (4000, 3000)
                };
                assert_eq!(header.displayed(), expected, "orientation {orientation}");
            }
        }
    }

    #[wasm_bindgen_test]
    fn jpeg_skips_fill_bytes_xmp_and_tables_and_progressive_frames() {
        let mut before = vec![0xFF, 0xFF]; // fill bytes before the next marker
        before.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x08]);
        before.extend_from_slice(b"http\0\0"); // an APP1 that is not Exif (XMP)
        before.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x03, 0x00]); // DHT is not a frame
        before.extend_from_slice(&exif_app1(6, true));
        let mut bytes = jpeg_header(8000, 6000, &before);
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bytes[sof + 1] = 0xC2; // progressive
        let frame = jpeg(&bytes).unwrap();
        assert_eq!(
            (frame.width, frame.height, frame.orientation),
            (8000, 6000, 6)
        );
    }

    #[wasm_bindgen_test]
    fn damaged_jpegs_are_malformed_not_panics() {
        let whole = jpeg_header(640, 480, &exif_app1(6, false));
        for cut in 0..whole.len() - 8 {
            let result = Header::parse(&whole[..cut]);
            assert!(result.is_err(), "cut at {cut}");
        }
        assert!(jpeg(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2]).is_err());
        assert!(matches!(
            Header::parse(&jpeg_header(0, 480, &[])),
            Err(HeaderError::Malformed(_))
        ));
    }

    #[wasm_bindgen_test]
    fn exif_orientation_rejects_garbage() {
        assert_eq!(exif_orientation(b""), None);
        assert_eq!(exif_orientation(b"XX\0\x2a\0\0\0\x08"), None);
        let app1 = exif_app1(9, true);
        assert_eq!(exif_orientation(&app1[10..]), None, "out of range");
        let app1 = exif_app1(6, true);
        assert_eq!(exif_orientation(&app1[10..]), Some(6));
        // An IFD offset pointing past the end.
        assert_eq!(exif_orientation(b"MM\0\x2a\xff\xff\xff\xff"), None);
    }

    #[wasm_bindgen_test]
    fn png_ihdr() {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend_from_slice(&1632u32.to_be_bytes());
        bytes.extend_from_slice(&1224u32.to_be_bytes());
        bytes.extend_from_slice(&[8, 6, 0, 0, 0]);
        let header = Header::parse(&bytes).unwrap();
        assert_eq!(header.format, Format::Png);
        assert_eq!(header.displayed(), (1632, 1224));
        assert!(Header::parse(&bytes[..20]).is_err());
    }

    #[wasm_bindgen_test]
    fn webp_sizes() {
        let riff = |chunk: &[u8; 4], data: &[u8]| {
            let mut bytes = b"RIFF\0\0\0\0WEBP".to_vec();
            bytes.extend_from_slice(chunk);
            bytes.extend_from_slice(&[0, 0, 0, 0]);
            bytes.extend_from_slice(data);
            bytes
        };
        // VP8X: flags (4 bytes), then width - 1 and height - 1 in 24 bits.
        let vp8x = riff(b"VP8X", &[0, 0, 0, 0, 0x9F, 0x0F, 0x00, 0xB7, 0x0B, 0x00]);
        assert_eq!(Header::parse(&vp8x).unwrap().displayed(), (4000, 3000));
        // VP8: frame tag, start code, 14-bit width and height.
        let vp8 = riff(
            b"VP8 ",
            &[0, 0, 0, 0x9D, 0x01, 0x2A, 0x60, 0x06, 0xC8, 0x04],
        );
        assert_eq!(Header::parse(&vp8).unwrap().displayed(), (1632, 1224));
        // VP8L: (width - 1) | (height - 1) << 14.
        let bits: u32 = 1631 | (1223 << 14);
        let mut data = vec![0x2F];
        data.extend_from_slice(&bits.to_le_bytes());
        let vp8l = riff(b"VP8L", &data);
        assert_eq!(Header::parse(&vp8l).unwrap().displayed(), (1632, 1224));
    }

    #[wasm_bindgen_test]
    fn gif_and_heif_sizes() {
        let gif = b"GIF89a\x40\x06\xc8\x04\0\0\0";
        assert_eq!(Header::parse(gif).unwrap().displayed(), (1600, 1224));

        let heic = |properties: &[u8], after: &[u8]| {
            let mut bytes = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
            let size = u32::try_from(8 + 4 + properties.len()).unwrap();
            bytes.extend_from_slice(&size.to_be_bytes());
            bytes.extend_from_slice(b"meta\0\0\0\0");
            bytes.extend_from_slice(properties);
            bytes.extend_from_slice(after);
            bytes
        };
        let mut properties = Vec::new();
        for (w, h) in [(512u32, 512u32), (4032, 3024)] {
            properties.extend_from_slice(b"\0\0\0\x14ispe\0\0\0\0");
            properties.extend_from_slice(&w.to_be_bytes());
            properties.extend_from_slice(&h.to_be_bytes());
        }
        let header = Header::parse(&heic(&properties, b"")).unwrap();
        assert_eq!(header.format, Format::Heif);
        assert_eq!(header.displayed(), (4032, 3024));
        // Outside the meta box (in the image data, say) the same bytes mean nothing.
        let stray = b"\0\0\0\x11mdat\0\0\0\x09irot\x03";
        assert_eq!(
            Header::parse(&heic(&properties, stray))
                .unwrap()
                .displayed(),
            (4032, 3024)
        );
        properties.extend_from_slice(b"\0\0\0\x09irot\x03");
        assert_eq!(
            Header::parse(&heic(&properties, b"")).unwrap().displayed(),
            (3024, 4032)
        );
        // No meta box, no size.
        assert!(Header::parse(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").is_err());
    }

    #[wasm_bindgen_test]
    fn not_images() {
        for bytes in [
            &b""[..],
            b"hello world",
            b"%PDF-1.7\n",
            b"\xFF\xD8",
            b"RIFF\0\0\0\0WAVE",
        ] {
            assert_eq!(Header::parse(bytes), Err(HeaderError::NotAnImage));
        }
    }

    #[wasm_bindgen_test]
    fn fit_never_upscales_and_keeps_the_aspect_ratio() {
        assert_eq!(fit(4000, 3000, 2048), (2048, 1536));
        assert_eq!(fit(8000, 6000, 2048), (2048, 1536));
        assert_eq!(fit(3000, 4000, 2048), (1536, 2048));
        assert_eq!(fit(1632, 1224, 2048), (1632, 1224));
        assert_eq!(fit(2048, 1536, 320), (320, 240));
        assert_eq!(fit(2048, 2048, 320), (320, 320));
        assert_eq!(fit(10000, 1, 100), (100, 1));
        assert_eq!(fit(u32::MAX, u32::MAX / 2, 2048), (2048, 1024));
        assert_eq!(fit(10, 10, 0), (1, 1));
        for (w, h) in [(4032, 3024), (5712, 4284), (4000, 1800), (1080, 2400)] {
            let (fw, fh) = fit(w, h, 2048);
            assert_eq!(fw.max(fh), 2048);
            let expected = f64::from(h) * f64::from(fw) / f64::from(w);
            assert!(
                (f64::from(fh) - expected).abs() <= 1.0,
                "{w}×{h} → {fw}×{fh}"
            );
        }
    }
}
