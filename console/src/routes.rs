//! The console's screens and their paths: the only place route strings are written. Every
//! path starts with [`BASE`], where the server serves the console.

use anxun_domain::{
    documents::DocumentKind,
    ids::{HazardId, InspectionId, SiteId},
};

/// Where the console is served.
pub const BASE: &str = "/console";

/// [`BASE`] as the route table's first segment.
pub const BASE_SEGMENT: &str = "console";

/// A screen in the console's navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Ledger,
    Sites,
    Dashboard,
}

impl Page {
    /// The screens in navigation order.
    pub const NAV: [Page; 3] = [Page::Ledger, Page::Sites, Page::Dashboard];

    /// A short stable name, for test ids and styling.
    pub fn id(self) -> &'static str {
        match self {
            Page::Ledger => "hazards",
            Page::Sites => "sites",
            Page::Dashboard => "dashboard",
        }
    }

    /// The path segment below [`BASE`].
    pub fn segment(self) -> &'static str {
        self.id()
    }

    /// The absolute path, for links.
    pub fn path(self) -> String {
        format!("{BASE}/{}", self.segment())
    }

    /// The screen a path belongs to, for highlighting the navigation.
    pub fn from_path(path: &str) -> Option<Page> {
        let rest = path.strip_prefix(BASE)?.trim_start_matches('/');
        let first = rest.split('/').next().unwrap_or_default();
        [Page::Ledger, Page::Sites, Page::Dashboard]
            .into_iter()
            .find(|page| page.segment() == first)
    }
}

/// The sign-in screen.
pub fn sign_in() -> String {
    format!("{BASE}/sign-in")
}

/// The ledger with a query string (without `?`; empty for no filters).
pub fn ledger(query: &str) -> String {
    if query.is_empty() {
        Page::Ledger.path()
    } else {
        format!("{}?{query}", Page::Ledger.path())
    }
}

/// One hazard.
pub fn hazard(id: HazardId) -> String {
    format!("{}/{id}", Page::Ledger.path())
}

/// One site.
pub fn site(id: SiteId) -> String {
    format!("{}/{id}", Page::Sites.path())
}

/// One site's printable code (检查码).
pub fn site_code(id: SiteId) -> String {
    format!("{}/{id}/code", Page::Sites.path())
}

/// The site registry import (administrators).
pub fn site_import() -> String {
    format!("{}/import", Page::Sites.path())
}

/// The dashboard with a query string (without `?`; empty for the default view).
pub fn dashboard(query: &str) -> String {
    if query.is_empty() {
        Page::Dashboard.path()
    } else {
        format!("{}?{query}", Page::Dashboard.path())
    }
}

/// The path segment of the printable quarterly report, below the dashboard.
pub const QUARTERLY_SEGMENT: &str = "quarterly";

/// The printable quarterly statistics report (`year=…&quarter=…`, or empty for the last
/// quarter ended).
pub fn quarterly(query: &str) -> String {
    let path = format!("{}/{QUARTERLY_SEGMENT}", Page::Dashboard.path());
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// The path segment of the printable inspection documents.
pub const INSPECTIONS_SEGMENT: &str = "inspections";

/// An inspection's printable record (现场检查记录) or rectification notice (整改通知书).
pub fn inspection_document(id: InspectionId, kind: DocumentKind) -> String {
    format!("{BASE}/{INSPECTIONS_SEGMENT}/{id}/{}", kind.segment())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_belong_to_their_screen() {
        for page in [Page::Ledger, Page::Sites, Page::Dashboard] {
            assert_eq!(Page::from_path(&page.path()), Some(page));
        }
        let id = SiteId::generate();
        assert_eq!(Page::from_path(&site(id)), Some(Page::Sites));
        assert_eq!(Page::from_path(&site_code(id)), Some(Page::Sites));
        assert_eq!(
            Page::from_path(&hazard(HazardId::generate())),
            Some(Page::Ledger)
        );
        assert_eq!(Page::from_path("/sites"), None);
        assert_eq!(Page::from_path(&sign_in()), None);
        assert_eq!(ledger(""), "/console/hazards");
        assert_eq!(ledger("area=gas"), "/console/hazards?area=gas");
        assert_eq!(dashboard(""), "/console/dashboard");
        assert_eq!(
            Page::from_path(&quarterly("year=2026&quarter=3")),
            Some(Page::Dashboard)
        );
        assert_eq!(quarterly(""), "/console/dashboard/quarterly");
        let inspection = InspectionId::generate();
        assert_eq!(
            inspection_document(inspection, DocumentKind::Notice),
            format!("/console/inspections/{inspection}/notice")
        );
        assert_eq!(
            Page::from_path(&inspection_document(inspection, DocumentKind::Record)),
            None
        );
    }
}
