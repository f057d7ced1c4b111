#![cfg_attr(test, allow(clippy::unwrap_used))]
//! Decoding QR codes from camera frames or photos, for browsers without `BarcodeDetector`
//! (Chromium on Linux, Firefox, older Safari). It runs in a dedicated web worker of its own
//! (`public/qr-worker.js` loads this crate's wasm), which the page starts only when the
//! inspector scans a code: the field app's first load does not carry the decoder.
//!
//! The page sends greyscale pixels (one luma byte per pixel, row by row); [`decode`] answers
//! the text of the first code found.

/// The text of the first readable QR code in a `width` × `height` greyscale image, if any.
/// Pixels outside `luma` (a short buffer) count as white.
// Natively only the tests call it (the worker's export is wasm32 only).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn decode(width: usize, height: usize, luma: &[u8]) -> Option<String> {
    if width == 0 || height == 0 {
        return None;
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        luma.get(y * width + x).copied().unwrap_or(u8::MAX)
    });
    image
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

/// The worker's entry point: `decode(width, height, luma)` from JavaScript.
#[cfg(target_arch = "wasm32")]
pub mod worker {
    use wasm_bindgen::prelude::*;

    /// The text of the first QR code in the greyscale image, or `undefined`.
    #[wasm_bindgen]
    pub fn decode(width: u32, height: u32, luma: &[u8]) -> Option<String> {
        super::decode(width as usize, height as usize, luma)
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::decode;

    /// `text` as a QR code, `scale` pixels per module, on a white `width` × `height` image
    /// at (`left`, `top`).
    fn drawn(
        text: &str,
        scale: usize,
        width: usize,
        height: usize,
        left: usize,
        top: usize,
    ) -> Vec<u8> {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let modules = code.width();
        let colors = code.to_colors();
        let mut luma = vec![235u8; width * height];
        for y in 0..modules * scale {
            for x in 0..modules * scale {
                if colors[(y / scale) * modules + x / scale] == qrcode::Color::Dark {
                    luma[(top + y) * width + left + x] = 20;
                }
            }
        }
        luma
    }

    #[test]
    fn reads_a_site_link_anywhere_in_a_frame() {
        let link = "https://anxun.example.cn/sites/019a5b2c-6d7e-7f80-9a1b-2c3d4e5f6071";
        let luma = drawn(link, 6, 640, 480, 180, 90);
        assert_eq!(decode(640, 480, &luma).as_deref(), Some(link));
        let luma = drawn(link, 4, 640, 480, 20, 300);
        assert_eq!(decode(640, 480, &luma).as_deref(), Some(link));
    }

    #[test]
    fn an_image_without_a_code_reads_nothing() {
        assert_eq!(decode(320, 240, &vec![200u8; 320 * 240]), None);
        assert_eq!(decode(0, 0, &[]), None);
        // A buffer shorter than the size claims: the rest is white, nothing breaks.
        assert_eq!(decode(320, 240, &[0u8; 100]), None);
    }
}
