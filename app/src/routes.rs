//! The app's screens and their paths: the only place route strings are written.

/// A top-level screen of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Home,
    Sites,
    Inspections,
    Hazards,
    Sync,
    Settings,
}

impl Page {
    /// Every screen, in navigation order.
    pub const ALL: [Page; 6] = [
        Page::Home,
        Page::Sites,
        Page::Inspections,
        Page::Hazards,
        Page::Sync,
        Page::Settings,
    ];

    /// A short stable name of the screen, for test ids and styling.
    pub fn id(self) -> &'static str {
        match self {
            Page::Home => "home",
            Page::Sites => "sites",
            Page::Inspections => "inspections",
            Page::Hazards => "hazards",
            Page::Sync => "sync",
            Page::Settings => "settings",
        }
    }

    /// The path segment of the screen (empty for the home screen).
    pub fn segment(self) -> &'static str {
        match self {
            Page::Home => "",
            page => page.id(),
        }
    }

    /// The absolute path of the screen, for links.
    pub fn path(self) -> &'static str {
        match self {
            Page::Home => "/",
            Page::Sites => "/sites",
            Page::Inspections => "/inspections",
            Page::Hazards => "/hazards",
            Page::Sync => "/sync",
            Page::Settings => "/settings",
        }
    }

    /// The screen a path belongs to, for highlighting the navigation.
    pub fn from_path(path: &str) -> Option<Page> {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        Page::ALL.into_iter().find(|page| page.segment() == first)
    }
}

/// Paths of screens below the top level.
pub mod paths {
    use anxun_domain::ids::{InspectionId, SiteId};

    /// The new-site form.
    pub const NEW_SITE: &str = "/sites/new";

    /// The supervisor console (a separate bundle served by the server; not a route here).
    pub const CONSOLE: &str = "/console/";

    /// One site.
    pub fn site(id: SiteId) -> String {
        format!("/sites/{id}")
    }

    /// One inspection.
    pub fn inspection(id: InspectionId) -> String {
        format!("/inspections/{id}")
    }

    /// A printable document of an inspection: `record` (现场检查记录) or `notice` (整改通知).
    pub fn inspection_document(id: InspectionId, document: &str) -> String {
        format!("/inspections/{id}/{document}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn path_and_segment_agree() {
        for page in Page::ALL {
            assert_eq!(page.path(), format!("/{}", page.segment()));
            assert_eq!(Page::from_path(page.path()), Some(page));
        }
    }

    #[test]
    fn nested_paths_belong_to_their_screen() {
        assert_eq!(Page::from_path("/sites/0193-abc"), Some(Page::Sites));
        assert_eq!(Page::from_path("/nowhere"), None);
    }
}
