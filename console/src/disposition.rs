//! The file name in a `Content-Disposition` header (the exports name their files).

/// `attachment; filename="a.xlsx"` or `filename*=UTF-8''%E9%9A%90.xlsx` (preferred when both
/// are given). Path separators are dropped.
pub fn filename(header: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for part in header.split(';').map(str::trim) {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename" => plain = Some(value.trim().trim_matches('"').to_owned()),
            "filename*" => {
                let value = value.trim();
                let encoded = value
                    .split_once("''")
                    .map(|(_, encoded)| encoded)
                    .unwrap_or(value);
                extended =
                    form_urlencoded::parse(format!("x={}", encoded.replace('+', "%2B")).as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned());
            }
            _ => {}
        }
    }
    extended
        .or(plain)
        .map(|name| name.replace(['/', '\\'], "_"))
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_encoded_names() {
        assert_eq!(
            filename("attachment; filename=\"hazards-2026.xlsx\""),
            Some("hazards-2026.xlsx".into())
        );
        assert_eq!(
            filename("attachment; filename=\"x.csv\"; filename*=UTF-8''%E9%9A%90%E6%82%A3.csv"),
            Some("隐患.csv".into())
        );
        assert_eq!(
            filename("attachment; filename=\"../a/b.csv\""),
            Some(".._a_b.csv".into())
        );
        assert_eq!(filename("attachment"), None);
    }
}
