//! The text burned into every evidence photo: when (Shanghai time), where (GPS if known), which
//! site and who took it. Pure formatting; drawing is in `canvas`.
//!
//! The labels are fixed Chinese on purpose: the watermark is part of the evidence, so it reads
//! the same whatever interface language the inspector chose.

use chrono::{DateTime, FixedOffset, Utc};

/// China Standard Time, UTC+8 (no daylight saving).
const SHANGHAI_OFFSET_SECONDS: i32 = 8 * 3600;

/// Longest text kept from a free-text field (site name, inspector name), in characters.
const MAX_FIELD_CHARS: usize = 60;

/// Lines of text burned into the bottom of an evidence photo.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Watermark {
    lines: Vec<String>,
}

impl Watermark {
    /// The standard watermark: capture time in Shanghai local time, the position when known
    /// (`gps` is latitude and longitude in degrees, WGS-84, and accuracy in metres), the site and
    /// the inspector. Unknown or blank parts are left out rather than shown empty.
    pub fn new(
        time: DateTime<Utc>,
        gps: Option<(f64, f64, f64)>,
        site: &str,
        inspector: &str,
    ) -> Watermark {
        let mut lines = vec![format!("时间 {}", shanghai_time(time))];
        if let Some(position) = gps.and_then(|(lat, lon, accuracy)| position(lat, lon, accuracy)) {
            lines.push(format!("位置 {position}"));
        }
        let site = clean(site);
        if !site.is_empty() {
            lines.push(format!("场所 {site}"));
        }
        let inspector = clean(inspector);
        if !inspector.is_empty() {
            lines.push(format!("检查人 {inspector}"));
        }
        Watermark { lines }
    }

    /// No watermark at all (nothing is drawn).
    pub fn none() -> Watermark {
        Watermark { lines: Vec::new() }
    }

    /// The lines, top to bottom.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// `2026-03-14 16:20:05 (UTC+8)`.
fn shanghai_time(time: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(SHANGHAI_OFFSET_SECONDS) {
        Some(shanghai) => time
            .with_timezone(&shanghai)
            .format("%Y-%m-%d %H:%M:%S (UTC+8)")
            .to_string(),
        None => time.format("%Y-%m-%d %H:%M:%S (UTC)").to_string(),
    }
}

/// `31.230416°N 121.473701°E ±12 m`; `None` when the coordinates are not a position on Earth.
fn position(lat: f64, lon: f64, accuracy: f64) -> Option<String> {
    if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return None;
    }
    let ns = if lat < 0.0 { 'S' } else { 'N' };
    let ew = if lon < 0.0 { 'W' } else { 'E' };
    let mut text = format!("{:.6}°{ns} {:.6}°{ew}", lat.abs(), lon.abs());
    if accuracy.is_finite() && accuracy >= 0.0 {
        text.push_str(&format!(" ±{accuracy:.0} m"));
    }
    Some(text)
}

/// One line of free text: control characters and runs of white space become one space, and
/// overly long text is cut with an ellipsis.
fn clean(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let joined = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > MAX_FIELD_CHARS {
        let mut cut: String = joined.chars().take(MAX_FIELD_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[wasm_bindgen_test]
    fn full_watermark() {
        let watermark = Watermark::new(
            utc(2026, 3, 14, 8, 20, 5),
            Some((31.2304161, 121.4737012, 12.4)),
            "黄浦区某小区 3 号楼",
            "张三",
        );
        assert_eq!(
            watermark.lines(),
            [
                "时间 2026-03-14 16:20:05 (UTC+8)",
                "位置 31.230416°N 121.473701°E ±12 m",
                "场所 黄浦区某小区 3 号楼",
                "检查人 张三",
            ]
        );
        assert!(!watermark.is_empty());
    }

    #[wasm_bindgen_test]
    fn shanghai_time_crosses_midnight_and_year() {
        let watermark = Watermark::new(utc(2026, 12, 31, 16, 30, 0), None, "", "");
        assert_eq!(watermark.lines(), ["时间 2027-01-01 00:30:00 (UTC+8)"]);
    }

    #[wasm_bindgen_test]
    fn unknown_or_invalid_positions_are_left_out() {
        let time = utc(2026, 1, 1, 0, 0, 0);
        for gps in [
            None,
            Some((f64::NAN, 121.0, 5.0)),
            Some((91.0, 121.0, 5.0)),
            Some((31.0, -180.5, 5.0)),
            Some((31.0, f64::INFINITY, 5.0)),
        ] {
            let watermark = Watermark::new(time, gps, "A", "B");
            assert_eq!(watermark.lines().len(), 3, "{gps:?}");
            assert!(watermark.lines().iter().all(|l| !l.starts_with("位置")));
        }
    }

    #[wasm_bindgen_test]
    fn southern_western_and_unknown_accuracy() {
        assert_eq!(
            position(-33.8688, -151.2093, f64::NAN).unwrap(),
            "33.868800°S 151.209300°W"
        );
        assert_eq!(position(0.0, 0.0, -1.0).unwrap(), "0.000000°N 0.000000°E");
        assert_eq!(
            position(31.0, 121.0, 1500.6).unwrap(),
            "31.000000°N 121.000000°E ±1501 m"
        );
    }

    #[wasm_bindgen_test]
    fn free_text_is_one_clean_line() {
        let watermark = Watermark::new(
            utc(2026, 1, 1, 0, 0, 0),
            None,
            "  某厂房\n\t2 号  仓库 ",
            "\u{7}",
        );
        assert_eq!(watermark.lines()[1], "场所 某厂房 2 号 仓库");
        assert_eq!(watermark.lines().len(), 2, "a blank inspector is left out");
        let long = "很".repeat(100);
        let cut = clean(&long);
        assert_eq!(cut.chars().count(), MAX_FIELD_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[wasm_bindgen_test]
    fn none_is_empty() {
        assert!(Watermark::none().is_empty());
        assert_eq!(Watermark::none(), Watermark::default());
    }
}
