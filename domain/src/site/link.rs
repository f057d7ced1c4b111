//! 检查码: the link printed as a QR code on each site's sign. Scanned with the phone's own
//! camera it opens the field app on the site (`/sites/{id}` is one of the app's routes); scanned
//! from inside the app, [`parse_site_link`] finds the site's id in it.

use crate::ids::SiteId;

/// The path of the field app's screen for one site.
pub fn site_path(id: SiteId) -> String {
    format!("/sites/{id}")
}

/// The link encoded in a site's QR code: `origin` is where the app is served, such as
/// `https://anxun.example.gov.cn` (a trailing slash is dropped).
pub fn site_link(origin: &str, id: SiteId) -> String {
    format!("{}{}", origin.trim_end_matches('/'), site_path(id))
}

/// The site a scanned code names: a link made by [`site_link`] from any origin, or a bare
/// site id. Anything else (a payment code, a web page) is `None`.
pub fn parse_site_link(scanned: &str) -> Option<SiteId> {
    let text = scanned.trim();
    if let Ok(id) = text.parse::<SiteId>() {
        return Some(id);
    }
    let without_query = text.split(['?', '#']).next().unwrap_or(text);
    let path = match without_query.split_once("://") {
        Some((scheme, rest)) if scheme == "https" || scheme == "http" => &rest[rest.find('/')?..],
        Some(_) => return None,
        None if without_query.starts_with('/') => without_query,
        None => return None,
    };
    let id = path.strip_prefix("/sites/")?.trim_end_matches('/');
    id.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn id() -> SiteId {
        SiteId::from_parts(
            chrono::Utc.timestamp_opt(1_760_000_000, 0).unwrap(),
            [7; 10],
        )
    }

    #[test]
    fn a_link_reads_back_as_its_site() {
        let link = site_link("https://anxun.example.gov.cn/", id());
        assert_eq!(link, format!("https://anxun.example.gov.cn/sites/{}", id()));
        assert_eq!(parse_site_link(&link), Some(id()));
        assert_eq!(parse_site_link(&format!(" {link}/?from=qr ")), Some(id()));
        assert_eq!(
            parse_site_link(&format!("http://10.0.0.2:8080/sites/{}", id())),
            Some(id())
        );
        assert_eq!(parse_site_link(&site_path(id())), Some(id()));
        assert_eq!(parse_site_link(&id().to_string()), Some(id()));
    }

    #[test]
    fn other_codes_name_no_site() {
        for text in [
            "",
            "https://pay.example.com/qr/12345",
            "https://anxun.example.gov.cn/sites/not-an-id",
            "https://anxun.example.gov.cn/sites/new",
            "weixin://sites/0190",
            "https://anxun.example.gov.cn",
            "sites/abc",
        ] {
            assert_eq!(parse_site_link(text), None, "{text}");
        }
    }
}
