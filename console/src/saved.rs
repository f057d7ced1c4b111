//! Saved filters: named ledger views kept in the browser (`localStorage`), as the query
//! string of their filters (without sort and page).

use crate::filter;
use anxun_domain::api::ledger::LedgerFilter;

/// The `localStorage` key.
pub const STORAGE_KEY: &str = "anxun.console.saved_filters";

/// The most filters kept.
pub const MAX_SAVED: usize = 50;

/// One saved view.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedFilter {
    pub name: String,
    /// The filters' query string ([`filter::to_query`] of [`filter::filters_only`]).
    pub query: String,
}

impl SavedFilter {
    /// The filter it restores (first page, default order).
    pub fn filter(&self) -> LedgerFilter {
        filter::from_query(&self.query).filter
    }
}

/// Why a filter was not saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    #[error("a saved filter needs a name")]
    EmptyName,
    #[error("no filter is set")]
    NothingFiltered,
    #[error("at most {MAX_SAVED} filters are kept")]
    Full,
}

/// The saved filters, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SavedFilters(Vec<SavedFilter>);

impl SavedFilters {
    /// Reads what was stored; anything unreadable counts as none.
    pub fn from_json(json: Option<&str>) -> SavedFilters {
        let mut list: Vec<SavedFilter> = json
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        list.retain(|saved| !saved.name.trim().is_empty());
        list.sort_by(|a, b| a.name.cmp(&b.name));
        list.dedup_by(|a, b| a.name == b.name);
        SavedFilters(list)
    }

    /// What to store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".to_owned())
    }

    pub fn list(&self) -> &[SavedFilter] {
        &self.0
    }

    /// Saves the filters of `filter` under `name`, replacing a filter of the same name.
    pub fn save(&mut self, name: &str, filter: &LedgerFilter) -> Result<(), SaveError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(SaveError::EmptyName);
        }
        if !filter::is_filtered(filter) {
            return Err(SaveError::NothingFiltered);
        }
        let saved = SavedFilter {
            name: name.to_owned(),
            query: filter::to_query(&filter::filters_only(filter)),
        };
        match self.0.binary_search_by(|s| s.name.as_str().cmp(name)) {
            Ok(index) => self.0[index] = saved,
            Err(_) if self.0.len() >= MAX_SAVED => return Err(SaveError::Full),
            Err(index) => self.0.insert(index, saved),
        }
        Ok(())
    }

    /// Removes the filter named `name` (nothing if there is none).
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|saved| saved.name != name);
    }

    pub fn get(&self, name: &str) -> Option<&SavedFilter> {
        self.0.iter().find(|saved| saved.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anxun_domain::{
        api::ledger::{LedgerSort, StatusFilter},
        hazard::Severity,
        site::Area,
    };

    fn overdue_major() -> LedgerFilter {
        filter::on_page(
            &LedgerFilter {
                severity: Some(Severity::Major),
                status: Some(StatusFilter::Overdue),
                sort: LedgerSort::Deadline,
                ..LedgerFilter::default()
            },
            7,
        )
    }

    #[test]
    fn a_saved_filter_restores_its_filters_on_the_first_page() {
        let mut saved = SavedFilters::default();
        saved.save("  重大逾期 ", &overdue_major()).unwrap();
        let restored = saved.get("重大逾期").unwrap().filter();
        assert_eq!(restored.severity, Some(Severity::Major));
        assert_eq!(restored.status, Some(StatusFilter::Overdue));
        assert_eq!(restored.paging.page.get(), 1);
        assert_eq!(restored.sort, LedgerSort::default());
    }

    #[test]
    fn the_same_name_replaces_and_names_stay_sorted() {
        let mut saved = SavedFilters::default();
        saved.save("b", &overdue_major()).unwrap();
        let gas = LedgerFilter {
            area: Some(Area::Gas),
            ..LedgerFilter::default()
        };
        saved.save("a", &gas).unwrap();
        saved.save("b", &gas).unwrap();
        let names: Vec<_> = saved.list().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(saved.get("b").unwrap().query, "area=gas");
        saved.remove("a");
        assert_eq!(saved.list().len(), 1);
    }

    #[test]
    fn empty_names_and_empty_filters_are_refused() {
        let mut saved = SavedFilters::default();
        assert_eq!(saved.save(" ", &overdue_major()), Err(SaveError::EmptyName));
        assert_eq!(
            saved.save("all", &LedgerFilter::default()),
            Err(SaveError::NothingFiltered)
        );
    }

    #[test]
    fn storage_round_trips_and_survives_garbage() {
        let mut saved = SavedFilters::default();
        saved.save("x", &overdue_major()).unwrap();
        assert_eq!(SavedFilters::from_json(Some(&saved.to_json())), saved);
        assert_eq!(
            SavedFilters::from_json(Some("{not json")),
            SavedFilters::default()
        );
        assert_eq!(SavedFilters::from_json(None), SavedFilters::default());
    }
}
