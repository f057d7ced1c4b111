//! The ledger's view in the URL: the domain's [`LedgerFilter`] (filters, sort, page) read from
//! and written to the query string. The same query string is the console's URL (links, reload
//! and back/forward keep the view), the query of `GET /api/hazards` and, without the page, of
//! both exports.
//!
//! Reading is lenient where the server is strict: a parameter that does not parse (a link
//! edited by hand) is dropped and named in [`Parsed::ignored`], never an error page.

use anxun_domain::api::ledger::{
    LedgerFilter, LedgerQuery, LedgerSort, PageNumber, Paging, PerPage, SortDir, StatusFilter,
};
use anxun_domain::hazard::HazardState;

/// The page sizes the console offers (the server accepts 1 to 200).
pub const PER_PAGE_CHOICES: [u32; 4] = [20, 50, 100, 200];

/// A query string read back: the filter, and the parameters that were dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub filter: LedgerFilter,
    /// Names of parameters whose values did not parse or are unknown.
    pub ignored: Vec<String>,
}

/// Reads a query string (with or without the leading `?`).
pub fn from_query(query: &str) -> Parsed {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut wire = LedgerQuery::default();
    let mut ignored = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = Some(value.into_owned());
        match name.as_ref() {
            "area" => wire.area = value,
            "severity" => wire.severity = value,
            "status" => wire.status = value,
            "source" => wire.source = value,
            "district" => wire.district = value,
            "street" => wire.street = value,
            "grid" => wire.grid = value,
            "site" => wire.site = value,
            "inspector" => wire.inspector = value,
            "from" => wire.from = value,
            "to" => wire.to = value,
            "q" => wire.q = value,
            "sort" => wire.sort = value,
            "dir" => wire.dir = value,
            "page" => wire.page = value,
            "per_page" => wire.per_page = value,
            other => ignored.push(other.to_owned()),
        }
    }
    // The domain names the first parameter that does not parse: drop it and read again.
    loop {
        match wire.parse() {
            Ok(filter) => return Parsed { filter, ignored },
            Err(error) => {
                let slot = match error.parameter {
                    "area" => &mut wire.area,
                    "severity" => &mut wire.severity,
                    "status" => &mut wire.status,
                    "source" => &mut wire.source,
                    "district" => &mut wire.district,
                    "street" => &mut wire.street,
                    "grid" => &mut wire.grid,
                    "site" => &mut wire.site,
                    "inspector" => &mut wire.inspector,
                    "from" => &mut wire.from,
                    "to" => &mut wire.to,
                    "q" => &mut wire.q,
                    "sort" => &mut wire.sort,
                    "dir" => &mut wire.dir,
                    "page" => &mut wire.page,
                    "per_page" => &mut wire.per_page,
                    _ => {
                        return Parsed {
                            filter: LedgerFilter::default(),
                            ignored,
                        };
                    }
                };
                if slot.take().is_none() {
                    // Cannot happen (the parameter was given); stop rather than loop.
                    return Parsed {
                        filter: LedgerFilter::default(),
                        ignored,
                    };
                }
                ignored.push(error.parameter.to_owned());
            }
        }
    }
}

/// The query string (without `?`) of everything that differs from the defaults, in a fixed
/// order: equal filters give equal strings.
pub fn to_query(filter: &LedgerFilter) -> String {
    filter.to_query().to_query_string()
}

/// The query of the exports: the filters and the order, without the page.
pub fn export_query(filter: &LedgerFilter) -> String {
    let mut wire = filter.to_query();
    wire.page = None;
    wire.per_page = None;
    wire.to_query_string()
}

/// The same filters on their first page (after any change of filter).
pub fn first_page(filter: &LedgerFilter) -> LedgerFilter {
    LedgerFilter {
        paging: Paging {
            page: PageNumber::FIRST,
            ..filter.paging
        },
        ..filter.clone()
    }
}

/// The same view on page `page` (1-based; 0 counts as 1).
pub fn on_page(filter: &LedgerFilter, page: u32) -> LedgerFilter {
    LedgerFilter {
        paging: Paging {
            page: PageNumber::parse(&page.max(1).to_string()).unwrap_or_default(),
            ..filter.paging
        },
        ..filter.clone()
    }
}

/// The same view with `per_page` rows per page, from the first page.
pub fn with_per_page(filter: &LedgerFilter, per_page: u32) -> LedgerFilter {
    LedgerFilter {
        paging: Paging {
            page: PageNumber::FIRST,
            per_page: PerPage::parse(&per_page.to_string()).unwrap_or_default(),
        },
        ..filter.clone()
    }
}

/// Sorting by a column: a new column sorts descending, the current one flips; first page.
pub fn sorted_by(filter: &LedgerFilter, key: LedgerSort) -> LedgerFilter {
    let dir = if filter.sort == key {
        match filter.dir {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    } else {
        SortDir::Desc
    };
    first_page(&LedgerFilter {
        sort: key,
        dir,
        ..filter.clone()
    })
}

/// The same filters without sort and page: what a saved filter keeps.
pub fn filters_only(filter: &LedgerFilter) -> LedgerFilter {
    LedgerFilter {
        sort: LedgerSort::default(),
        dir: SortDir::default(),
        paging: Paging::default(),
        ..filter.clone()
    }
}

/// Whether any filter (not sort or page) is set.
pub fn is_filtered(filter: &LedgerFilter) -> bool {
    filters_only(filter) != LedgerFilter::default()
}

/// How many pages `total` rows make (at least one).
pub fn page_count(filter: &LedgerFilter, total: u64) -> u32 {
    let pages = total.div_ceil(u64::from(filter.paging.per_page.get().max(1)));
    u32::try_from(pages.max(1)).unwrap_or(u32::MAX)
}

/// Every status choice, in the order the console lists them.
pub fn status_choices() -> Vec<StatusFilter> {
    let mut all = vec![StatusFilter::Open, StatusFilter::Overdue];
    all.extend(HazardState::ALL.map(StatusFilter::State));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use anxun_domain::{
        hazard::{HazardSource, Severity},
        ids::{SiteId, UserId},
        region::RegionCode,
        site::Area,
    };
    use chrono::NaiveDate;

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
            q: anxun_domain::api::ledger::SearchText::parse("燃气 & 报警器").unwrap(),
            sort: LedgerSort::Deadline,
            dir: SortDir::Asc,
            paging: Paging {
                page: PageNumber::parse("3").unwrap(),
                per_page: PerPage::parse("100").unwrap(),
            },
        }
    }

    #[test]
    fn every_filter_survives_the_url() {
        let filter = full();
        let query = to_query(&filter);
        let parsed = from_query(&format!("?{query}"));
        assert_eq!(parsed.ignored, Vec::<String>::new());
        assert_eq!(parsed.filter, filter);
        assert!(query.contains("status=overdue"), "{query}");
        assert!(query.contains("source=hotline_12345"), "{query}");
        assert!(!query.contains("& "), "{query}");
        // A form's `+` for a space reads as a space too.
        assert_eq!(
            from_query("q=a+b").filter.q.map(|q| q.as_str().to_owned()),
            Some("a b".to_owned())
        );
    }

    #[test]
    fn the_default_view_has_an_empty_query() {
        assert_eq!(to_query(&LedgerFilter::default()), "");
        assert_eq!(from_query("").filter, LedgerFilter::default());
        assert!(!is_filtered(&LedgerFilter::default()));
        assert!(is_filtered(&full()));
    }

    #[test]
    fn status_choices_read_back() {
        let choices = status_choices();
        assert_eq!(choices.len(), 2 + HazardState::ALL.len());
        for status in choices {
            let parsed = from_query(&format!("status={}", status.code()));
            assert_eq!(parsed.filter.status, Some(status));
        }
    }

    #[test]
    fn bad_parameters_are_dropped_and_named() {
        let parsed = from_query(
            "area=gas&severity=huge&page=0&per_page=500&from=2026-13-01&site=x&colour=red",
        );
        assert_eq!(parsed.filter.area, Some(Area::Gas));
        assert_eq!(parsed.filter.severity, None);
        assert_eq!(parsed.filter.paging, Paging::default());
        let mut ignored = parsed.ignored.clone();
        ignored.sort();
        assert_eq!(
            ignored,
            ["colour", "from", "page", "per_page", "severity", "site"]
        );
    }

    #[test]
    fn sorting_flips_the_current_column_and_goes_back_to_the_first_page() {
        let filter = on_page(&LedgerFilter::default(), 4);
        assert_eq!(to_query(&filter), "page=4");
        let by_date = sorted_by(&filter, LedgerSort::ReportedAt);
        assert_eq!(to_query(&by_date), "dir=asc");
        let by_site = sorted_by(&by_date, LedgerSort::Site);
        assert_eq!(to_query(&by_site), "sort=site");
    }

    #[test]
    fn exports_keep_filters_and_order_but_not_the_page() {
        let filter = full();
        let export = export_query(&filter);
        assert!(!export.contains("page="), "{export}");
        assert!(export.contains("sort=deadline&dir=asc"), "{export}");
        assert_eq!(
            from_query(&export).filter,
            LedgerFilter {
                paging: Paging::default(),
                ..filter
            }
        );
    }

    #[test]
    fn pages_are_counted_from_the_total() {
        let filter = LedgerFilter::default();
        assert_eq!(page_count(&filter, 0), 1);
        assert_eq!(page_count(&filter, 50), 1);
        assert_eq!(page_count(&filter, 51), 2);
        assert_eq!(page_count(&with_per_page(&filter, 20), 51), 3);
    }
}
