//! 检查码: a site's link ([`anxun_domain::site::link::site_link`]) as a QR code, drawn as SVG
//! for the printable sign. The field app scans it to open the site.

use anxun_domain::{ids::SiteId, site::link::site_link};
use qrcode::{EcLevel, QrCode, render::svg};

/// Why no code could be made (a link too long for a QR code; never for a real origin).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the site's link does not fit in a QR code: {0}")]
pub struct QrError(String);

/// The SVG of the site's code, `size` pixels wide at least, with a quiet zone, error
/// correction level M (a printed sign survives some dirt and glare).
pub fn site_code_svg(origin: &str, site: SiteId, size: u32) -> Result<String, QrError> {
    let link = site_link(origin, site);
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|error| QrError(error.to_string()))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_an_svg_that_changes_with_the_site() {
        let a = site_code_svg("https://anxun.example.gov.cn", SiteId::generate(), 240).unwrap();
        let b = site_code_svg("https://anxun.example.gov.cn", SiteId::generate(), 240).unwrap();
        assert!(a.starts_with("<?xml") || a.starts_with("<svg"), "{a}");
        assert!(a.contains("<path"), "{a}");
        assert_ne!(a, b);
    }
}
