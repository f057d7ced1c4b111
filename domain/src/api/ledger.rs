//! The hazard ledger: filters, pages, a hazard's detail and the actions a supervisor takes
//! (`GET /api/hazards`, `GET /api/hazards/{id}`, `POST /api/hazards/{id}/events`, sites,
//! inspections, exports).
//!
//! Queries arrive as strings ([`LedgerQuery`], [`SitesQuery`]) and are parsed, once, into
//! typed filters ([`LedgerFilter`], [`SitesFilter`]); a value that does not parse is a
//! [`QueryError`] naming the parameter (the server answers `400 bad_query`). A filter turns
//! back into its query ([`LedgerFilter::to_query`]) so that the console builds its links from
//! the same types.

use std::fmt;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::{
    docno::DocNumber,
    hazard::{
        Hazard, HazardAction, HazardActionKind, HazardEvent, HazardSource, HazardState, Severity,
    },
    ids::{EventId, HazardId, InspectionId, SiteId, UserId},
    inspection::{Inspection, InspectionKind, InspectionStatus},
    region::{RegionCode, RegionPath},
    site::{Area, Site},
    template::{ItemId, TemplateRef},
    text::Text,
};

/// `GET`: one page of the ledger, `/api/hazards?<LedgerQuery>`; answers a [`LedgerPage`].
pub const HAZARDS_PATH: &str = "/api/hazards";

/// `GET`: one hazard with its history and the actions the caller may take, as a
/// [`HazardDetail`].
pub const HAZARD_PATH: &str = "/api/hazards/{id}";

/// `POST`: a supervisor's action on a hazard, an [`ActionRequest`]; answers the
/// [`HazardDetail`] after applying it.
pub const HAZARD_EVENTS_PATH: &str = "/api/hazards/{id}/events";

/// `GET`: the site registry, `/api/sites?<SitesQuery>`; answers a [`SitePage`].
pub const SITES_PATH: &str = "/api/sites";

/// `GET`: one site with its inspections and hazards, as a [`SiteDetail`].
pub const SITE_PATH: &str = "/api/sites/{id}";

/// `GET`: one inspection record with its site, inspector and hazards, as an
/// [`InspectionDetail`].
pub const INSPECTION_PATH: &str = "/api/inspections/{id}";

/// `GET`: the ledger as CSV (UTF-8 with BOM), with the [`LedgerQuery`] filters (paging
/// ignored), streamed.
pub const EXPORT_HAZARDS_CSV_PATH: &str = "/api/exports/hazards.csv";

/// `GET`: the ledger as XLSX, with the [`LedgerQuery`] filters (paging ignored), streamed.
pub const EXPORT_HAZARDS_XLSX_PATH: &str = "/api/exports/hazards.xlsx";

/// The path of one hazard.
pub fn hazard_path(id: HazardId) -> String {
    format!("/api/hazards/{id}")
}

/// The path to post actions on one hazard.
pub fn hazard_events_path(id: HazardId) -> String {
    format!("/api/hazards/{id}/events")
}

/// The path of one site.
pub fn site_path(id: SiteId) -> String {
    format!("/api/sites/{id}")
}

/// The path of one inspection.
pub fn inspection_path(id: InspectionId) -> String {
    format!("/api/inspections/{id}")
}

/// Rows per page unless asked otherwise.
pub const DEFAULT_PER_PAGE: u32 = 50;

/// The most rows one page may hold.
pub const MAX_PER_PAGE: u32 = 200;

/// The longest free-text search, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;

/// A query parameter that does not parse. The server answers `400 bad_query` with this
/// message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("query parameter `{parameter}`: {message}")]
pub struct QueryError {
    /// The parameter's name.
    pub parameter: &'static str,
    /// What is wrong.
    pub message: String,
}

fn bad(parameter: &'static str, message: impl Into<String>) -> QueryError {
    QueryError {
        parameter,
        message: message.into(),
    }
}

/// A 1-based page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PageNumber(u32);

impl PageNumber {
    /// The first page.
    pub const FIRST: PageNumber = PageNumber(1);

    /// Reads a page number: an integer from 1.
    pub fn parse(text: &str) -> Result<PageNumber, QueryError> {
        match text.trim().parse::<u32>() {
            Ok(n) if n >= 1 => Ok(PageNumber(n)),
            _ => Err(bad(
                "page",
                format!("`{text}` is not a page number (1, 2, ...)"),
            )),
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for PageNumber {
    fn default() -> Self {
        PageNumber::FIRST
    }
}

/// Rows per page, 1 to [`MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PerPage(u32);

impl PerPage {
    /// Reads a page size.
    pub fn parse(text: &str) -> Result<PerPage, QueryError> {
        match text.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => Ok(PerPage(n)),
            _ => Err(bad(
                "per_page",
                format!("`{text}` is not a page size (1 to {MAX_PER_PAGE})"),
            )),
        }
    }

    /// The size.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for PerPage {
    fn default() -> Self {
        PerPage(DEFAULT_PER_PAGE)
    }
}

/// A page of a list: which page and how many rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paging {
    /// The page.
    pub page: PageNumber,
    /// Rows per page.
    pub per_page: PerPage,
}

impl Paging {
    /// Rows to skip.
    pub fn offset(self) -> u64 {
        u64::from(self.page.get() - 1) * u64::from(self.per_page.get())
    }

    /// Rows to take.
    pub fn limit(self) -> u64 {
        u64::from(self.per_page.get())
    }

    fn parse(page: Option<&str>, per_page: Option<&str>) -> Result<Paging, QueryError> {
        Ok(Paging {
            page: present(page)
                .map(PageNumber::parse)
                .transpose()?
                .unwrap_or_default(),
            per_page: present(per_page)
                .map(PerPage::parse)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// Free text to search for: trimmed, non-empty, at most [`MAX_SEARCH_CHARS`] characters,
/// lowercased (the search ignores case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    /// Reads a search; `None` for blank text.
    pub fn parse(text: &str) -> Result<Option<SearchText>, QueryError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let chars = trimmed.chars().count();
        if chars > MAX_SEARCH_CHARS {
            return Err(bad(
                "q",
                format!("the search has {chars} characters (at most {MAX_SEARCH_CHARS})"),
            ));
        }
        Ok(Some(SearchText(trimmed.to_lowercase())))
    }

    /// The lowercased text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `haystack` contains the search, ignoring case.
    pub fn matches(&self, haystack: &str) -> bool {
        haystack.to_lowercase().contains(&self.0)
    }
}

/// The ledger's status filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Exactly this state.
    State(HazardState),
    /// Any state that is not final.
    Open,
    /// Open and past its deadline at the time of the query (see [`Hazard::is_overdue`]).
    Overdue,
}

impl StatusFilter {
    /// Reads a state code, `open` or `overdue`.
    pub fn parse(text: &str) -> Result<StatusFilter, QueryError> {
        match text.trim() {
            "open" => Ok(StatusFilter::Open),
            "overdue" => Ok(StatusFilter::Overdue),
            other => HazardState::parse(other)
                .map(StatusFilter::State)
                .ok_or_else(|| {
                    bad(
                        "status",
                        format!("`{text}` is not a status (a hazard state, `open` or `overdue`)"),
                    )
                }),
        }
    }

    /// The code.
    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::State(state) => state.code(),
            StatusFilter::Open => "open",
            StatusFilter::Overdue => "overdue",
        }
    }
}

/// What the ledger is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LedgerSort {
    /// 上报时间 (the default).
    #[default]
    ReportedAt,
    /// 整改期限 (hazards without one last).
    Deadline,
    /// 等级 (major first when descending).
    Severity,
    /// 状态, in lifecycle order.
    Status,
    /// 单位名称.
    Site,
}

impl LedgerSort {
    /// Every sort, in a stable order.
    pub const ALL: [LedgerSort; 5] = [
        LedgerSort::ReportedAt,
        LedgerSort::Deadline,
        LedgerSort::Severity,
        LedgerSort::Status,
        LedgerSort::Site,
    ];

    /// The code.
    pub fn code(self) -> &'static str {
        match self {
            LedgerSort::ReportedAt => "reported_at",
            LedgerSort::Deadline => "deadline",
            LedgerSort::Severity => "severity",
            LedgerSort::Status => "status",
            LedgerSort::Site => "site",
        }
    }

    /// Reads a code.
    pub fn parse(text: &str) -> Result<LedgerSort, QueryError> {
        LedgerSort::ALL
            .into_iter()
            .find(|s| s.code() == text.trim())
            .ok_or_else(|| {
                bad(
                    "sort",
                    format!(
                        "`{text}` is not a sort (reported_at, deadline, severity, status, site)"
                    ),
                )
            })
    }
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDir {
    /// Smallest first.
    Asc,
    /// Largest first (the default).
    #[default]
    Desc,
}

impl SortDir {
    /// The code.
    pub fn code(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }

    /// Reads `asc` or `desc`.
    pub fn parse(text: &str) -> Result<SortDir, QueryError> {
        match text.trim() {
            "asc" => Ok(SortDir::Asc),
            "desc" => Ok(SortDir::Desc),
            _ => Err(bad(
                "dir",
                format!("`{text}` is not a direction (asc, desc)"),
            )),
        }
    }
}

/// Query of `GET /api/hazards` and the exports, as sent: every parameter optional text.
/// Parse it with [`LedgerQuery::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "snake_case")]
pub struct LedgerQuery {
    /// Area code (`gas`, `factory_warehouse`, `ebike`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// `general` or `major`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// A hazard state code, `open` (not final) or `overdue` (open and past its deadline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Source code (`grid_patrol`, `special_campaign`, `joint_inspection`, `hotline_12345`,
    /// `public_report`, `enterprise_self_inspection`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// District code (within the caller's scope; outside it the answer is empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Street code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Grid code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<String>,
    /// Site id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// The reporting inspector's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspector: Option<String>,
    /// Reported on or after this day (`YYYY-MM-DD`, Shanghai time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Reported on or before this day (`YYYY-MM-DD`, Shanghai time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Free text in the site's name or address, the description or the item's title
    /// (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// `reported_at` (default), `deadline`, `severity`, `status` or `site`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// `asc` or `desc` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    /// 1-based page (default 1; ignored by the exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Rows per page, 1 to 200 (default 50; ignored by the exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<String>,
}

/// A blank parameter counts as absent (a form sends `area=` for "any").
fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

fn parse_region(
    parameter: &'static str,
    value: Option<&str>,
) -> Result<Option<RegionCode>, QueryError> {
    present(value)
        .map(|v| RegionCode::parse(v).map_err(|e| bad(parameter, e.to_string())))
        .transpose()
}

fn parse_date(
    parameter: &'static str,
    value: Option<&str>,
) -> Result<Option<NaiveDate>, QueryError> {
    present(value)
        .map(|v| {
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| bad(parameter, format!("`{v}` is not a date (YYYY-MM-DD)")))
        })
        .transpose()
}

impl LedgerQuery {
    /// Parses every parameter.
    pub fn parse(&self) -> Result<LedgerFilter, QueryError> {
        let area = present(self.area.as_deref())
            .map(|v| Area::parse(v.trim()).map_err(|e| bad("area", e.to_string())))
            .transpose()?;
        let severity = present(self.severity.as_deref())
            .map(|v| {
                Severity::parse(v.trim()).ok_or_else(|| {
                    bad("severity", format!("`{v}` is not a level (general, major)"))
                })
            })
            .transpose()?;
        let status = present(self.status.as_deref())
            .map(StatusFilter::parse)
            .transpose()?;
        let source = present(self.source.as_deref())
            .map(|v| {
                HazardSource::parse(v.trim())
                    .ok_or_else(|| bad("source", format!("`{v}` is not a hazard source")))
            })
            .transpose()?;
        let site = present(self.site.as_deref())
            .map(|v| SiteId::parse(v).map_err(|_| bad("site", format!("`{v}` is not a site id"))))
            .transpose()?;
        let inspector = present(self.inspector.as_deref())
            .map(|v| {
                UserId::parse(v).map_err(|_| bad("inspector", format!("`{v}` is not a user id")))
            })
            .transpose()?;
        let from = parse_date("from", self.from.as_deref())?;
        let to = parse_date("to", self.to.as_deref())?;
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(bad("to", format!("{to} is before `from` ({from})")));
        }
        Ok(LedgerFilter {
            area,
            severity,
            status,
            source,
            district: parse_region("district", self.district.as_deref())?,
            street: parse_region("street", self.street.as_deref())?,
            grid: parse_region("grid", self.grid.as_deref())?,
            site,
            inspector,
            from,
            to,
            q: self
                .q
                .as_deref()
                .map(SearchText::parse)
                .transpose()?
                .flatten(),
            sort: present(self.sort.as_deref())
                .map(LedgerSort::parse)
                .transpose()?
                .unwrap_or_default(),
            dir: present(self.dir.as_deref())
                .map(SortDir::parse)
                .transpose()?
                .unwrap_or_default(),
            paging: Paging::parse(self.page.as_deref(), self.per_page.as_deref())?,
        })
    }
}

/// The ledger's filters, sort and page, parsed. Region filters narrow within the caller's
/// scope (the server always adds the scope).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerFilter {
    /// 领域.
    pub area: Option<Area>,
    /// 等级.
    pub severity: Option<Severity>,
    /// 状态.
    pub status: Option<StatusFilter>,
    /// 来源.
    pub source: Option<HazardSource>,
    /// 区.
    pub district: Option<RegionCode>,
    /// 街镇.
    pub street: Option<RegionCode>,
    /// 网格.
    pub grid: Option<RegionCode>,
    /// 场所.
    pub site: Option<SiteId>,
    /// 上报人.
    pub inspector: Option<UserId>,
    /// First day (Shanghai), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day (Shanghai), inclusive.
    pub to: Option<NaiveDate>,
    /// Free text.
    pub q: Option<SearchText>,
    /// Sort key.
    pub sort: LedgerSort,
    /// Sort direction.
    pub dir: SortDir,
    /// Page.
    pub paging: Paging,
}

/// Midnight in Shanghai at the start of `day`, as an instant.
pub fn shanghai_midnight(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::MIN);
    match crate::shanghai::offset().from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        // A fixed offset maps every local time exactly once.
        _ => Utc.from_utc_datetime(&local),
    }
}

impl LedgerFilter {
    /// Reported at or after this instant (`from` at midnight in Shanghai).
    pub fn reported_from(&self) -> Option<DateTime<Utc>> {
        self.from.map(shanghai_midnight)
    }

    /// Reported strictly before this instant (the day after `to`, at midnight in Shanghai).
    pub fn reported_before(&self) -> Option<DateTime<Utc>> {
        self.to
            .map(|to| shanghai_midnight(to.checked_add_days(Days::new(1)).unwrap_or(to)))
    }

    /// Whether a row passes every filter but the scope, at `now` (the same rules the server
    /// applies in SQL; used by tests and by the console to check a row it holds).
    pub fn matches(
        &self,
        row: &LedgerRow,
        item_title: Option<&str>,
        address: &str,
        now: DateTime<Utc>,
    ) -> bool {
        let status_ok = match self.status {
            None => true,
            Some(StatusFilter::State(state)) => row.state == state,
            Some(StatusFilter::Open) => !row.state.is_final(),
            Some(StatusFilter::Overdue) => {
                crate::hazard::worklist::is_overdue(row.state, row.deadline, now)
            }
        };
        let text_ok = self.q.as_ref().is_none_or(|q| {
            q.matches(&row.site_name)
                || q.matches(address)
                || q.matches(&row.description)
                || item_title.is_some_and(|t| q.matches(t))
        });
        status_ok
            && text_ok
            && self.area.is_none_or(|a| a == row.area)
            && self.severity.is_none_or(|s| s == row.severity)
            && self.source.is_none_or(|s| s == row.source)
            && self
                .district
                .as_ref()
                .is_none_or(|d| *d == row.region.district)
            && self.street.as_ref().is_none_or(|s| *s == row.region.street)
            && self.grid.as_ref().is_none_or(|g| *g == row.region.grid)
            && self.site.is_none_or(|s| s == row.site_id)
            && self.inspector.is_none_or(|u| u == row.reporter.id)
            && self.reported_from().is_none_or(|t| row.reported_at >= t)
            && self.reported_before().is_none_or(|t| row.reported_at < t)
    }

    /// The query that parses back into this filter (defaults left out).
    pub fn to_query(&self) -> LedgerQuery {
        let text = |s: &str| Some(s.to_owned());
        LedgerQuery {
            area: self.area.map(|a| a.code().to_owned()),
            severity: self.severity.map(|s| s.code().to_owned()),
            status: self.status.map(|s| s.code().to_owned()),
            source: self.source.map(|s| s.code().to_owned()),
            district: self.district.as_ref().and_then(|c| text(c.as_str())),
            street: self.street.as_ref().and_then(|c| text(c.as_str())),
            grid: self.grid.as_ref().and_then(|c| text(c.as_str())),
            site: self.site.map(|s| s.to_string()),
            inspector: self.inspector.map(|u| u.to_string()),
            from: self.from.map(|d| d.format("%Y-%m-%d").to_string()),
            to: self.to.map(|d| d.format("%Y-%m-%d").to_string()),
            q: self.q.as_ref().map(|q| q.as_str().to_owned()),
            sort: (self.sort != LedgerSort::default()).then(|| self.sort.code().to_owned()),
            dir: (self.dir != SortDir::default()).then(|| self.dir.code().to_owned()),
            page: (self.paging.page != PageNumber::default())
                .then(|| self.paging.page.get().to_string()),
            per_page: (self.paging.per_page != PerPage::default())
                .then(|| self.paging.per_page.get().to_string()),
        }
    }
}

impl LedgerQuery {
    /// The query string (without `?`), parameters percent-encoded, in a stable order.
    pub fn to_query_string(&self) -> String {
        let pairs = [
            ("area", &self.area),
            ("severity", &self.severity),
            ("status", &self.status),
            ("source", &self.source),
            ("district", &self.district),
            ("street", &self.street),
            ("grid", &self.grid),
            ("site", &self.site),
            ("inspector", &self.inspector),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
            ("sort", &self.sort),
            ("dir", &self.dir),
            ("page", &self.page),
            ("per_page", &self.per_page),
        ];
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", percent_encode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Query of `GET /api/sites`, as sent. Parse it with [`SitesQuery::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "snake_case")]
pub struct SitesQuery {
    /// Free text in the name, address or credit code (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Area code: sites with this area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// District code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Street code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Grid code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<String>,
    /// 1-based page (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<String>,
}

/// The site registry's filters, parsed. Sites are listed by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SitesFilter {
    /// Free text.
    pub q: Option<SearchText>,
    /// 领域.
    pub area: Option<Area>,
    /// 区.
    pub district: Option<RegionCode>,
    /// 街镇.
    pub street: Option<RegionCode>,
    /// 网格.
    pub grid: Option<RegionCode>,
    /// Page.
    pub paging: Paging,
}

impl SitesQuery {
    /// Parses every parameter.
    pub fn parse(&self) -> Result<SitesFilter, QueryError> {
        Ok(SitesFilter {
            q: self
                .q
                .as_deref()
                .map(SearchText::parse)
                .transpose()?
                .flatten(),
            area: present(self.area.as_deref())
                .map(|v| Area::parse(v.trim()).map_err(|e| bad("area", e.to_string())))
                .transpose()?,
            district: parse_region("district", self.district.as_deref())?,
            street: parse_region("street", self.street.as_deref())?,
            grid: parse_region("grid", self.grid.as_deref())?,
            paging: Paging::parse(self.page.as_deref(), self.per_page.as_deref())?,
        })
    }
}

/// A user as the ledger shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct PersonRef {
    /// The user.
    pub id: UserId,
    /// The name shown to people.
    pub name: String,
}

/// The checklist item a hazard came from, with its title.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct LedgerItem {
    /// 模板项编号 (G01, F12, ...).
    pub id: ItemId,
    /// The item's text (Chinese).
    pub title: String,
}

/// One hazard in the ledger.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct LedgerRow {
    /// The hazard.
    pub id: HazardId,
    /// 隐患编号.
    #[serde(default)]
    pub number: Option<DocNumber>,
    /// The site.
    pub site_id: SiteId,
    /// 单位名称 at the time of reporting.
    pub site_name: String,
    /// 领域.
    pub area: Area,
    /// The checklist item, for a finding made from one.
    #[serde(default)]
    pub item: Option<LedgerItem>,
    /// 现状描述.
    pub description: String,
    /// 等级 (current).
    pub severity: Severity,
    /// 状态.
    pub state: HazardState,
    /// 来源.
    pub source: HazardSource,
    /// 区/街镇/网格.
    pub region: RegionPath,
    /// Who reported it.
    pub reporter: PersonRef,
    /// When it was reported.
    pub reported_at: DateTime<Utc>,
    /// 整改期限 (current).
    #[serde(default)]
    pub deadline: Option<DateTime<Utc>>,
    /// 逾期 at the time of the answer.
    pub overdue: bool,
    /// 挂牌督办 (listed, whether or not lifted since).
    pub listed: bool,
    /// 销号时间.
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
}

/// Body of `GET /api/hazards`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct LedgerPage {
    /// Hazards matching the filters (all pages).
    pub total: u64,
    /// This page (1-based).
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// The rows.
    pub rows: Vec<LedgerRow>,
}

/// One event in a hazard's history, as the server received it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct EventRecord {
    /// The event.
    pub event: HazardEvent,
    /// Who.
    pub actor: PersonRef,
    /// When the server applied it.
    pub received_at: DateTime<Utc>,
}

/// Body of `GET /api/hazards/{id}` and of `POST /api/hazards/{id}/events`.
///
/// The hazard is serialised as the domain builds it; reading the JSON rebuilds it by
/// replaying `events` (a [`Hazard`] is never read from the wire).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "HazardDetailWire")]
pub struct HazardDetail {
    /// The hazard, as its events make it.
    pub hazard: Hazard,
    /// The site (as it is now).
    pub site: Site,
    /// Every event, in arrival order.
    pub events: Vec<EventRecord>,
    /// The site's other hazards.
    pub site_hazards: Vec<LedgerRow>,
    /// What the caller may do now (computed by the domain: `hazard::lifecycle::allowed_actions`).
    pub allowed: Vec<HazardActionKind>,
}

/// [`HazardDetail`] as read.
#[derive(serde::Deserialize)]
struct HazardDetailWire {
    site: Site,
    events: Vec<EventRecord>,
    site_hazards: Vec<LedgerRow>,
    allowed: Vec<HazardActionKind>,
}

/// The events of a [`HazardDetail`] do not replay into a hazard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the hazard's events do not replay: {0}")]
pub struct ReplayError(pub crate::hazard::TransitionError);

impl TryFrom<HazardDetailWire> for HazardDetail {
    type Error = ReplayError;
    fn try_from(wire: HazardDetailWire) -> Result<Self, Self::Error> {
        let hazard = Hazard::replay(wire.events.iter().map(|r| &r.event)).map_err(ReplayError)?;
        Ok(HazardDetail {
            hazard,
            site: wire.site,
            events: wire.events,
            site_hazards: wire.site_hazards,
            allowed: wire.allowed,
        })
    }
}

/// Body of `POST /api/hazards/{id}/events`: one action by the signed-in user. The server
/// makes the event (hazard, time, actor) from the session.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct ActionRequest {
    /// A UUIDv7 made by the console; sending the same id again applies the action once.
    pub id: EventId,
    /// What to do.
    pub action: HazardAction,
    /// Why (required by some actions: a rejected extension, a failed re-inspection, a send
    /// back, a dismissal, a change of level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
}

/// One site in the registry.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct SiteRow {
    /// The site.
    pub site: Site,
    /// Hazards not closed or dismissed.
    pub open_hazards: u64,
    /// Of which major.
    pub major_open: u64,
    /// The day (Shanghai) of the latest inspection started there.
    #[serde(default)]
    pub last_inspection: Option<NaiveDate>,
}

/// Body of `GET /api/sites`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct SitePage {
    /// Sites matching the filters (all pages).
    pub total: u64,
    /// This page (1-based).
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// The rows, by name.
    pub rows: Vec<SiteRow>,
}

/// One inspection at a site.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct InspectionRow {
    /// The inspection.
    pub id: InspectionId,
    /// 记录编号.
    #[serde(default)]
    pub number: Option<DocNumber>,
    /// 检查类型.
    pub kind: InspectionKind,
    /// Template and version.
    pub template: TemplateRef,
    /// 领域.
    pub area: Area,
    /// Draft or completed.
    pub status: InspectionStatus,
    /// 检查开始时间.
    pub started_at: DateTime<Utc>,
    /// 检查结束时间.
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    /// The inspector who recorded it.
    pub inspector: PersonRef,
    /// Findings recorded.
    pub findings: u32,
}

/// Body of `GET /api/sites/{id}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct SiteDetail {
    /// The site.
    pub site: Site,
    /// Its inspections, newest first.
    pub inspections: Vec<InspectionRow>,
    /// Its hazards, newest first.
    pub hazards: Vec<LedgerRow>,
}

/// Body of `GET /api/inspections/{id}` (the printable 现场检查记录 and 整改通知书).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct InspectionDetail {
    /// The record.
    pub inspection: Inspection,
    /// The site (as it is now).
    pub site: Site,
    /// The inspector who recorded it.
    pub inspector: PersonRef,
    /// The hazards it reported.
    pub hazards: Vec<LedgerRow>,
}

impl fmt::Display for StatusFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> LedgerQuery {
        let mut map = serde_json::Map::new();
        for (k, v) in pairs {
            map.insert((*k).to_owned(), serde_json::Value::String((*v).to_owned()));
        }
        serde_json::from_value(serde_json::Value::Object(map)).unwrap()
    }

    #[test]
    fn an_empty_query_is_the_default_filter() {
        let filter = LedgerQuery::default().parse().unwrap();
        assert_eq!(filter, LedgerFilter::default());
        assert_eq!(filter.sort, LedgerSort::ReportedAt);
        assert_eq!(filter.dir, SortDir::Desc);
        assert_eq!(filter.paging.page.get(), 1);
        assert_eq!(filter.paging.per_page.get(), DEFAULT_PER_PAGE);
        assert_eq!(filter.paging.offset(), 0);
    }

    #[test]
    fn every_parameter_parses_into_its_type() {
        let site = SiteId::from_uuid(uuid::Uuid::from_u128(7));
        let user = UserId::from_uuid(uuid::Uuid::from_u128(9));
        let site_text = site.to_string();
        let user_text = user.to_string();
        let filter = query(&[
            ("area", "gas"),
            ("severity", "major"),
            ("status", "overdue"),
            ("source", "hotline_12345"),
            ("district", "310104"),
            ("street", "310104003"),
            ("grid", "310104003-012"),
            ("site", &site_text),
            ("inspector", &user_text),
            ("from", "2026-01-01"),
            ("to", "2026-01-31"),
            ("q", "  燃气 Pipe "),
            ("sort", "deadline"),
            ("dir", "asc"),
            ("page", "3"),
            ("per_page", "20"),
        ])
        .parse()
        .unwrap();
        assert_eq!(filter.area, Some(Area::Gas));
        assert_eq!(filter.severity, Some(Severity::Major));
        assert_eq!(filter.status, Some(StatusFilter::Overdue));
        assert_eq!(filter.source, Some(HazardSource::Hotline12345));
        assert_eq!(
            filter.grid.as_ref().map(|g| g.as_str()),
            Some("310104003-012")
        );
        assert_eq!(filter.site, Some(site));
        assert_eq!(filter.inspector, Some(user));
        assert_eq!(filter.q.as_ref().map(|q| q.as_str()), Some("燃气 pipe"));
        assert_eq!(filter.sort, LedgerSort::Deadline);
        assert_eq!(filter.dir, SortDir::Asc);
        assert_eq!(filter.paging.offset(), 40);
        assert_eq!(filter.paging.limit(), 20);
        // And back: the query it gives parses into the same filter.
        assert_eq!(filter.to_query().parse().unwrap(), filter);
    }

    #[test]
    fn status_takes_states_open_and_overdue() {
        for state in HazardState::ALL {
            assert_eq!(
                StatusFilter::parse(state.code()),
                Ok(StatusFilter::State(state))
            );
        }
        assert_eq!(StatusFilter::parse("open"), Ok(StatusFilter::Open));
        assert_eq!(
            StatusFilter::parse("closedd").unwrap_err().parameter,
            "status"
        );
    }

    #[test]
    fn each_bad_value_names_its_parameter() {
        let cases = [
            ("area", "water"),
            ("severity", "huge"),
            ("status", "lost"),
            ("source", "rumour"),
            ("district", "31 01"),
            ("street", "街道"),
            ("grid", "a/b"),
            ("site", "nope"),
            ("inspector", "42"),
            ("from", "2026-13-01"),
            ("to", "01/02/2026"),
            ("sort", "colour"),
            ("dir", "up"),
            ("page", "0"),
            ("page", "-1"),
            ("per_page", "0"),
            ("per_page", "201"),
        ];
        for (parameter, value) in cases {
            let error = query(&[(parameter, value)]).parse().unwrap_err();
            assert_eq!(error.parameter, parameter, "{parameter}={value}: {error}");
            assert!(error.message.contains(value), "{error}");
        }
        let long = "字".repeat(MAX_SEARCH_CHARS + 1);
        assert_eq!(query(&[("q", &long)]).parse().unwrap_err().parameter, "q");
        let error = query(&[("from", "2026-02-01"), ("to", "2026-01-31")])
            .parse()
            .unwrap_err();
        assert_eq!(error.parameter, "to");
    }

    #[test]
    fn blank_parameters_are_absent() {
        let filter = query(&[("area", ""), ("q", "   "), ("page", " "), ("status", "")])
            .parse()
            .unwrap();
        assert_eq!(filter, LedgerFilter::default());
    }

    #[test]
    fn dates_are_shanghai_days() {
        let filter = query(&[("from", "2026-03-01"), ("to", "2026-03-01")])
            .parse()
            .unwrap();
        // 2026-03-01 00:00 in Shanghai is 2026-02-28 16:00 UTC.
        assert_eq!(
            filter.reported_from().unwrap().to_rfc3339(),
            "2026-02-28T16:00:00+00:00"
        );
        assert_eq!(
            filter.reported_before().unwrap().to_rfc3339(),
            "2026-03-01T16:00:00+00:00"
        );
    }

    #[test]
    fn the_query_string_is_percent_encoded() {
        let q = LedgerQuery {
            q: Some("燃气 a&b".into()),
            area: Some("gas".into()),
            ..LedgerQuery::default()
        };
        assert_eq!(q.to_query_string(), "area=gas&q=%E7%87%83%E6%B0%94%20a%26b");
    }

    #[test]
    fn sites_queries_parse_and_name_bad_parameters() {
        let filter = SitesQuery {
            q: Some("饭店".into()),
            area: Some("ebike".into()),
            per_page: Some("10".into()),
            ..SitesQuery::default()
        }
        .parse()
        .unwrap();
        assert_eq!(filter.area, Some(Area::Ebike));
        assert_eq!(filter.paging.limit(), 10);
        let error = SitesQuery {
            page: Some("x".into()),
            ..SitesQuery::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(error.parameter, "page");
    }

    #[test]
    fn paths_take_ids() {
        let id = HazardId::from_uuid(uuid::Uuid::nil());
        assert_eq!(
            hazard_events_path(id),
            "/api/hazards/00000000-0000-0000-0000-000000000000/events"
        );
        assert_eq!(
            HAZARD_PATH.replace("{id}", &id.to_string()),
            hazard_path(id)
        );
    }
}
