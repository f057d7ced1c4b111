//! `cargo xtask fixtures`: sample photos for the end-to-end tests, drawn and encoded here into
//! `tests/fixtures/photos/` (gitignored): nothing is downloaded and the bytes are the same on
//! every machine.
//!
//! Each picture is a gradient "sky" over "ground", a few shapes, a red square in the stored
//! top-left corner (to see orientation) and light per-pixel noise, so the files are about as large
//! as phone photos of the same size. Existing files of the current fixture version are kept;
//! `--force` rewrites them.

use crate::{root, step};
use anyhow::{Context, Result, bail};
use jpeg_encoder::{Encoder, ImageBuffer, JpegColorType, rgb_to_ycbcr};
use std::{fs, path::Path};

/// Bump when the drawing or the encoding changes, so that old files are rewritten.
const VERSION: &str = "anxun-fixture v1";

/// JPEG quality of the fixtures (typical of phone cameras).
const QUALITY: u8 = 90;

/// Strength of the per-pixel noise (about ±NOISE × 16 levels per channel).
const NOISE: f32 = 0.75;

/// One sample photo.
struct Fixture {
    name: &'static str,
    /// Stored width and height (before EXIF orientation).
    width: u16,
    height: u16,
    /// EXIF orientation to write, if any (6: shown turned a quarter clockwise, as a portrait).
    orientation: Option<u16>,
}

const FIXTURES: [Fixture; 4] = [
    Fixture {
        name: "photo-2mp.jpg",
        width: 1632,
        height: 1224,
        orientation: None,
    },
    Fixture {
        name: "photo-12mp.jpg",
        width: 4000,
        height: 3000,
        orientation: None,
    },
    Fixture {
        name: "photo-48mp.jpg",
        width: 8000,
        height: 6000,
        orientation: None,
    },
    Fixture {
        name: "photo-12mp-exif6.jpg",
        width: 4000,
        height: 3000,
        orientation: Some(6),
    },
];

pub fn write(args: &[String]) -> Result<()> {
    let force = match args {
        [] => false,
        [flag] if flag == "--force" => true,
        [other, ..] => bail!("`cargo xtask fixtures` takes only `--force` (got `{other}`)"),
    };
    let dir = root().join("tests/fixtures/photos");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    step(&format!("Sample photos in {}", dir.display()));
    for fixture in &FIXTURES {
        let path = dir.join(fixture.name);
        let label = label(fixture);
        if !force && is_current(&path, &label) {
            println!("{} is up to date", fixture.name);
            continue;
        }
        let bytes = encode(fixture)?;
        // Written aside and renamed, so an interrupted run never leaves half a photo behind.
        let partial = dir.join(format!(".{}.partial", fixture.name));
        fs::write(&partial, &bytes).with_context(|| format!("writing {}", partial.display()))?;
        fs::rename(&partial, &path).with_context(|| format!("writing {}", path.display()))?;
        println!(
            "{}: {}×{}, {:.1} MB",
            fixture.name,
            fixture.width,
            fixture.height,
            bytes.len() as f64 / 1e6
        );
    }
    Ok(())
}

/// The text stored in each file (APP15) that says which fixture version it is.
fn label(fixture: &Fixture) -> String {
    format!(
        "{VERSION} {}x{} orientation {}",
        fixture.width,
        fixture.height,
        fixture.orientation.unwrap_or(1)
    )
}

/// Whether `path` already holds this fixture (its label is in the first kilobytes).
fn is_current(path: &Path, label: &str) -> bool {
    let Ok(bytes) = fs::read(path) else {
        return false;
    };
    let head = &bytes[..bytes.len().min(4096)];
    bytes.ends_with(&[0xFF, 0xD9])
        && head
            .windows(label.len())
            .any(|window| window == label.as_bytes())
}

/// The JPEG file of a fixture.
fn encode(fixture: &Fixture) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, QUALITY);
    if let Some(orientation) = fixture.orientation {
        encoder.add_exif_metadata(&exif_orientation(orientation))?;
    }
    encoder.add_app_segment(15, label(fixture).into_bytes())?;
    encoder.encode_image(Scene {
        width: fixture.width,
        height: fixture.height,
    })?;
    Ok(out)
}

/// A big-endian TIFF structure whose IFD0 holds only the orientation tag.
fn exif_orientation(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // padding of the value field
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    tiff
}

/// The picture, computed row by row as the encoder asks for it (a 48 MP image never sits in
/// memory as pixels).
struct Scene {
    width: u16,
    height: u16,
}

impl Scene {
    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let (w, h) = (f32::from(self.width), f32::from(self.height));
        let (fx, fy) = (x as f32 / w, y as f32 / h);
        let short = w.min(h);
        let horizon = 0.55 + 0.05 * (fx * std::f32::consts::TAU).sin();
        let mut rgb = if fy < horizon {
            // Sky: light blue to pale at the horizon.
            let t = fy / horizon;
            [150.0 + 80.0 * t, 190.0 + 45.0 * t, 235.0 + 10.0 * t]
        } else {
            // Ground: concrete grey getting darker towards the bottom.
            let t = (fy - horizon) / (1.0 - horizon);
            [
                170.0 - 60.0 * t + 20.0 * fx,
                165.0 - 60.0 * t,
                150.0 - 50.0 * t,
            ]
        };
        // A building with windows.
        let (bx0, bx1, by0) = (0.55, 0.85, 0.25);
        if fx > bx0 && fx < bx1 && fy > by0 && fy < horizon + 0.05 {
            rgb = [196.0, 160.0, 120.0];
            let cell = short / 25.0;
            let (cx, cy) = (x as f32 % cell, y as f32 % cell);
            if cx > cell * 0.3 && cy > cell * 0.3 {
                rgb = [60.0, 80.0, 110.0];
            }
        }
        // A red cylinder (a fire extinguisher) and a round gauge.
        let (px, py) = (x as f32, y as f32);
        if (px - 0.2 * w).abs() < short * 0.05 && py > 0.5 * h && py < 0.85 * h {
            rgb = [200.0, 30.0, 35.0];
        }
        let (gx, gy, gr) = (0.2 * w, 0.42 * h, short * 0.06);
        let d2 = (px - gx).powi(2) + (py - gy).powi(2);
        if d2 < gr * gr {
            rgb = if d2 < (gr * 0.85).powi(2) {
                [245.0, 245.0, 240.0]
            } else {
                [40.0, 40.0, 40.0]
            };
        }
        // The orientation marker: pure red in the stored top-left corner.
        if px < short / 8.0 && py < short / 8.0 {
            rgb = [255.0, 0.0, 0.0];
        }
        // Sensor-like noise, the same on every run.
        let noise = hash(x, y);
        let mut out = [0u8; 3];
        for (index, (channel, value)) in out.iter_mut().zip(rgb).enumerate() {
            let jitter = ((noise >> (index * 8)) & 0x1F) as f32 - 16.0;
            *channel = (value + jitter * NOISE).round().clamp(0.0, 255.0) as u8;
        }
        out
    }
}

/// A well-mixed 32-bit hash of a pixel position.
fn hash(x: u32, y: u32) -> u32 {
    let mut h = ((u64::from(x) << 32) | u64::from(y)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 32;
    h as u32
}

impl ImageBuffer for Scene {
    fn get_jpeg_color_type(&self) -> JpegColorType {
        JpegColorType::Ycbcr
    }

    fn width(&self) -> u16 {
        self.width
    }

    fn height(&self) -> u16 {
        self.height
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        for x in 0..u32::from(self.width) {
            let [r, g, b] = self.pixel(x, u32::from(y));
            let (luma, cb, cr) = rgb_to_ycbcr(r, g, b);
            buffers[0].push(luma);
            buffers[1].push(cb);
            buffers[2].push(cr);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sof_size(jpeg: &[u8]) -> (u16, u16) {
        let at = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let height = u16::from_be_bytes([jpeg[at + 5], jpeg[at + 6]]);
        let width = u16::from_be_bytes([jpeg[at + 7], jpeg[at + 8]]);
        (width, height)
    }

    #[test]
    fn fixtures_are_deterministic_jpegs_of_the_right_size() {
        let fixture = Fixture {
            name: "small.jpg",
            width: 160,
            height: 120,
            orientation: Some(6),
        };
        let first = encode(&fixture).unwrap();
        let second = encode(&fixture).unwrap();
        assert_eq!(first, second, "same bytes on every run");
        assert!(first.starts_with(&[0xFF, 0xD8]) && first.ends_with(&[0xFF, 0xD9]));
        assert_eq!(sof_size(&first), (160, 120));
        let exif = first.windows(6).position(|w| w == b"Exif\0\0").unwrap();
        assert_eq!(&first[exif + 6..exif + 8], b"MM");
        let label = label(&fixture);
        assert!(first.windows(label.len()).any(|w| w == label.as_bytes()));
    }

    #[test]
    fn the_marker_is_red_and_the_rest_is_not() {
        let scene = Scene {
            width: 800,
            height: 600,
        };
        let [r, g, b] = scene.pixel(10, 10);
        assert!(r > 230 && g < 30 && b < 30, "{r} {g} {b}");
        let [r, g, b] = scene.pixel(790, 10);
        assert!(b > r, "sky at the top right: {r} {g} {b}");
    }

    #[test]
    fn only_current_files_are_kept() {
        let dir = std::env::temp_dir().join(format!("anxun-fixtures-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.jpg");
        assert!(!is_current(&path, "label"));
        fs::write(&path, b"\xFF\xD8 label \xFF\xD9").unwrap();
        assert!(is_current(&path, "label"));
        assert!(!is_current(&path, "other label"));
        fs::write(&path, b"\xFF\xD8 label, cut short").unwrap();
        assert!(!is_current(&path, "label"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
