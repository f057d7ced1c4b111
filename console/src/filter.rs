//! The ledger's filters, sort and page ([`LedgerFilter`]), and the query string that carries
//! them. The same query string is the console's URL (so links, reload and back/forward keep
//! the view), the query of `GET /api/hazards` and of both exports (without the page).
//!
//! Parsing is lenient where the URL is concerned: a parameter that does not parse (a link
//! edited by hand) is dropped and reported in [`Parsed::ignored`], never an error page; the
//! server parses the same parameters strictly.

use anxun_domain::{
    hazard::{HazardSource, Severity, lifecycle::HazardState},
    ids::{SiteId, UserId},
    region::RegionCode,
    site::Area,
};
use chrono::NaiveDate;

/// The page size when none is chosen (the server's default).
pub const DEFAULT_PER_PAGE: u32 = 50;
/// The page sizes the console offers (the server accepts 1 to 200).
pub const PER_PAGE_CHOICES: [u32; 4] = [20, 50, 100, 200];

/// The status filter: one lifecycle state, every open hazard, or the overdue ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    State(HazardState),
    /// Not closed or dismissed.
    Open,
    /// Open with its deadline passed.
    Overdue,
}

impl StatusFilter {
    /// Every choice, in the order the console lists them.
    pub fn all() -> Vec<StatusFilter> {
        let mut all = vec![StatusFilter::Open, StatusFilter::Overdue];
        all.extend(
            [
                HazardState::Reported,
                HazardState::Assigned,
                HazardState::Rectifying,
                HazardState::RectificationSubmitted,
                HazardState::ReinspectionPassed,
                HazardState::Closed,
                HazardState::Dismissed,
            ]
            .map(StatusFilter::State),
        );
        all
    }

    /// The code on the wire.
    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::State(state) => state.code(),
            StatusFilter::Open => "open",
            StatusFilter::Overdue => "overdue",
        }
    }

    pub fn parse(code: &str) -> Option<StatusFilter> {
        match code {
            "open" => Some(StatusFilter::Open),
            "overdue" => Some(StatusFilter::Overdue),
            other => from_code(other).map(StatusFilter::State),
        }
    }
}

/// The column the ledger is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    ReportedAt,
    Deadline,
    Severity,
    Status,
    Site,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::ReportedAt,
        SortKey::Deadline,
        SortKey::Severity,
        SortKey::Status,
        SortKey::Site,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SortKey::ReportedAt => "reported_at",
            SortKey::Deadline => "deadline",
            SortKey::Severity => "severity",
            SortKey::Status => "status",
            SortKey::Site => "site",
        }
    }

    pub fn parse(code: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|key| key.code() == code)
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    Asc,
    #[default]
    Desc,
}

impl Direction {
    pub fn code(self) -> &'static str {
        match self {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        }
    }

    pub fn parse(code: &str) -> Option<Direction> {
        match code {
            "asc" => Some(Direction::Asc),
            "desc" => Some(Direction::Desc),
            _ => None,
        }
    }

    pub fn flipped(self) -> Direction {
        match self {
            Direction::Asc => Direction::Desc,
            Direction::Desc => Direction::Asc,
        }
    }
}

/// Everything that decides which hazards the ledger shows, in which order, and which page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerFilter {
    pub area: Option<Area>,
    pub severity: Option<Severity>,
    pub status: Option<StatusFilter>,
    pub source: Option<HazardSource>,
    pub district: Option<RegionCode>,
    pub street: Option<RegionCode>,
    pub grid: Option<RegionCode>,
    pub site: Option<SiteId>,
    /// The reporter.
    pub inspector: Option<UserId>,
    /// Reported on or after (Shanghai date).
    pub from: Option<NaiveDate>,
    /// Reported on or before (Shanghai date).
    pub to: Option<NaiveDate>,
    /// Free text (site name, address, description, item title); trimmed, empty for none.
    pub q: String,
    pub sort: SortKey,
    pub dir: Direction,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl Default for LedgerFilter {
    fn default() -> LedgerFilter {
        LedgerFilter {
            area: None,
            severity: None,
            status: None,
            source: None,
            district: None,
            street: None,
            grid: None,
            site: None,
            inspector: None,
            from: None,
            to: None,
            q: String::new(),
            sort: SortKey::default(),
            dir: Direction::default(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// A query string read back: the filter, and the parameters that were dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub filter: LedgerFilter,
    /// Names of parameters whose values did not parse (or are unknown).
    pub ignored: Vec<String>,
}

impl LedgerFilter {
    /// Reads a query string (with or without the leading `?`).
    pub fn from_query(query: &str) -> Parsed {
        let mut filter = LedgerFilter::default();
        let mut ignored = Vec::new();
        let query = query.strip_prefix('?').unwrap_or(query);
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let ok = match name.as_ref() {
                "area" => set(&mut filter.area, from_code(value)),
                "severity" => set(&mut filter.severity, from_code(value)),
                "status" => set(&mut filter.status, StatusFilter::parse(value)),
                "source" => set(&mut filter.source, from_code(value)),
                "district" => set(&mut filter.district, RegionCode::parse(value).ok()),
                "street" => set(&mut filter.street, RegionCode::parse(value).ok()),
                "grid" => set(&mut filter.grid, RegionCode::parse(value).ok()),
                "site" => set(&mut filter.site, SiteId::parse(value).ok()),
                "inspector" => set(&mut filter.inspector, UserId::parse(value).ok()),
                "from" => set(&mut filter.from, parse_date(value)),
                "to" => set(&mut filter.to, parse_date(value)),
                "q" => {
                    filter.q = value.to_owned();
                    true
                }
                "sort" => set_value(&mut filter.sort, SortKey::parse(value)),
                "dir" => set_value(&mut filter.dir, Direction::parse(value)),
                "page" => set_value(
                    &mut filter.page,
                    value.parse::<u32>().ok().filter(|page| *page >= 1),
                ),
                "per_page" => set_value(
                    &mut filter.per_page,
                    value
                        .parse::<u32>()
                        .ok()
                        .filter(|size| (1..=200).contains(size)),
                ),
                _ => false,
            };
            if !ok {
                ignored.push(name.into_owned());
            }
        }
        Parsed { filter, ignored }
    }

    /// The query string (without `?`) of everything that differs from the defaults, in a
    /// fixed order: equal filters give equal strings.
    pub fn to_query(&self) -> String {
        self.pairs(true)
    }

    /// The query of the exports: the filters and the order, without the page.
    pub fn export_query(&self) -> String {
        self.pairs(false)
    }

    /// The same filters on their first page (after any filter changes).
    pub fn first_page(mut self) -> LedgerFilter {
        self.page = 1;
        self
    }

    /// Sorting by a column: a new column sorts descending, the current one flips.
    pub fn sorted_by(mut self, key: SortKey) -> LedgerFilter {
        if self.sort == key {
            self.dir = self.dir.flipped();
        } else {
            self.sort = key;
            self.dir = Direction::Desc;
        }
        self.first_page()
    }

    /// The same filters without sort and page: what a saved filter keeps.
    pub fn filters_only(&self) -> LedgerFilter {
        LedgerFilter {
            sort: SortKey::default(),
            dir: Direction::default(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..self.clone()
        }
    }

    /// Whether any filter (not sort or page) is set.
    pub fn is_filtered(&self) -> bool {
        self.filters_only() != LedgerFilter::default()
    }

    /// How many pages `total` rows make (at least one).
    pub fn page_count(&self, total: u64) -> u32 {
        let pages = total.div_ceil(u64::from(self.per_page.max(1)));
        u32::try_from(pages.max(1)).unwrap_or(u32::MAX)
    }

    fn pairs(&self, with_page: bool) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        let mut put = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                out.append_pair(name, &value);
            }
        };
        put("area", self.area.map(|a| a.code().to_owned()));
        put("severity", self.severity.and_then(|s| code_of(&s)));
        put("status", self.status.map(|s| s.code().to_owned()));
        put("source", self.source.and_then(|s| code_of(&s)));
        put("district", self.district.as_ref().map(|c| c.as_str().to_owned()));
        put("street", self.street.as_ref().map(|c| c.as_str().to_owned()));
        put("grid", self.grid.as_ref().map(|c| c.as_str().to_owned()));
        put("site", self.site.map(|s| s.to_string()));
        put("inspector", self.inspector.map(|u| u.to_string()));
        put("from", self.from.map(|d| d.format("%Y-%m-%d").to_string()));
        put("to", self.to.map(|d| d.format("%Y-%m-%d").to_string()));
        let q = self.q.trim();
        put("q", (!q.is_empty()).then(|| q.to_owned()));
        put(
            "sort",
            (self.sort != SortKey::default()).then(|| self.sort.code().to_owned()),
        );
        put(
            "dir",
            (self.dir != Direction::default()).then(|| self.dir.code().to_owned()),
        );
        if with_page {
            put("page", (self.page != 1).then(|| self.page.to_string()));
            put(
                "per_page",
                (self.per_page != DEFAULT_PER_PAGE).then(|| self.per_page.to_string()),
            );
        }
        out.finish()
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let ok = value.is_some();
    if ok {
        *slot = value;
    }
    ok
}

fn set_value<T>(slot: &mut T, value: Option<T>) -> bool {
    match value {
        Some(value) => {
            *slot = value;
            true
        }
        None => false,
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A domain enum from its wire code (its serde name).
pub fn from_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

/// A domain enum's wire code (its serde name).
pub fn code_of<T: serde::Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(code) => Some(code),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> LedgerFilter {
        LedgerFilter {
            area: Some(Area::Gas),
            severity: Some(Severity::Major),
            status: Some(StatusFilter::Overdue),
            source: Some(HazardSource::Hotline12345),
            district: Some(RegionCode::parse("310104").unwrap()),
            street: Some(RegionCode::parse("310104001").unwrap()),
            grid: Some(RegionCode::parse("310104001001").unwrap()),
            site: Some(SiteId::generate()),
            inspector: Some(UserId::generate()),
            from: NaiveDate::from_ymd_opt(2026, 1, 1),
            to: NaiveDate::from_ymd_opt(2026, 3, 31),
            q: "燃气 & 报警器".to_owned(),
            sort: SortKey::Deadline,
            dir: Direction::Asc,
            page: 3,
            per_page: 100,
        }
    }

    #[test]
    fn every_filter_survives_the_query_string() {
        let filter = full();
        let query = filter.to_query();
        let parsed = LedgerFilter::from_query(&format!("?{query}"));
        assert_eq!(parsed.ignored, Vec::<String>::new());
        assert_eq!(parsed.filter, filter);
        assert!(query.contains("status=overdue"), "{query}");
        assert!(query.contains("source=hotline_12345"), "{query}");
        assert!(query.contains("from=2026-01-01"), "{query}");
        // Free text is encoded, not spliced in.
        assert!(!query.contains("& "), "{query}");
    }

    #[test]
    fn the_default_view_has_an_empty_query() {
        assert_eq!(LedgerFilter::default().to_query(), "");
        assert_eq!(LedgerFilter::from_query("").filter, LedgerFilter::default());
        assert!(!LedgerFilter::default().is_filtered());
    }

    #[test]
    fn states_open_and_overdue_are_all_status_filters() {
        for status in StatusFilter::all() {
            assert_eq!(StatusFilter::parse(status.code()), Some(status));
        }
        assert_eq!(
            StatusFilter::parse("rectification_submitted"),
            Some(StatusFilter::State(HazardState::RectificationSubmitted))
        );
        assert_eq!(StatusFilter::parse("late"), None);
    }

    #[test]
    fn bad_parameters_are_dropped_and_named() {
        let parsed = LedgerFilter::from_query(
            "area=gas&severity=huge&page=0&per_page=500&from=2026-13-01&site=x&colour=red",
        );
        assert_eq!(parsed.filter.area, Some(Area::Gas));
        assert_eq!(parsed.filter.severity, None);
        assert_eq!(parsed.filter.page, 1);
        assert_eq!(parsed.filter.per_page, DEFAULT_PER_PAGE);
        assert_eq!(
            parsed.ignored,
            ["severity", "page", "per_page", "from", "site", "colour"]
        );
    }

    #[test]
    fn sorting_flips_the_current_column_and_goes_back_to_the_first_page() {
        let filter = LedgerFilter {
            page: 4,
            ..LedgerFilter::default()
        };
        let by_date = filter.clone().sorted_by(SortKey::ReportedAt);
        assert_eq!((by_date.sort, by_date.dir, by_date.page), (SortKey::ReportedAt, Direction::Asc, 1));
        let by_site = by_date.sorted_by(SortKey::Site);
        assert_eq!((by_site.sort, by_site.dir), (SortKey::Site, Direction::Desc));
        assert_eq!(by_site.to_query(), "sort=site");
    }

    #[test]
    fn exports_keep_filters_and_order_but_not_the_page() {
        let filter = full();
        let export = filter.export_query();
        assert!(!export.contains("page="), "{export}");
        assert!(export.contains("sort=deadline&dir=asc"), "{export}");
        assert_eq!(
            LedgerFilter::from_query(&export).filter,
            LedgerFilter {
                page: 1,
                per_page: DEFAULT_PER_PAGE,
                ..filter
            }
        );
    }

    #[test]
    fn pages_are_counted_from_the_total() {
        let filter = LedgerFilter::default();
        assert_eq!(filter.page_count(0), 1);
        assert_eq!(filter.page_count(50), 1);
        assert_eq!(filter.page_count(51), 2);
    }
}
