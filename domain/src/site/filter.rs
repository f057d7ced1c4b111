//! Finding sites on the device: by words in the name, address or credit code, by area and by
//! grid. Plain code over a slice, fast enough for thousands of sites.

use super::{Area, Site};

/// What the inspector is looking for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteFilter {
    /// Free text; every whitespace-separated word must appear in the name, the address or the
    /// credit code (case-insensitive).
    pub text: String,
    /// Only sites with this area.
    pub area: Option<Area>,
    /// Only sites in this grid (code).
    pub grid: Option<String>,
}

impl SiteFilter {
    /// Whether the site matches.
    pub fn matches(&self, site: &Site) -> bool {
        if self.area.is_some_and(|area| !site.areas().contains(&area)) {
            return false;
        }
        if self
            .grid
            .as_deref()
            .is_some_and(|grid| site.region().grid.as_str() != grid)
        {
            return false;
        }
        let haystack = format!(
            "{} {} {}",
            site.name().as_str(),
            site.address().as_str(),
            site.credit_code().map_or("", |code| code.as_str())
        )
        .to_lowercase();
        self.text
            .split_whitespace()
            .all(|word| haystack.contains(&word.to_lowercase()))
    }

    /// The matching sites, sorted by name.
    pub fn apply<'a>(&self, sites: &'a [Site]) -> Vec<&'a Site> {
        let mut found: Vec<&Site> = sites.iter().filter(|site| self.matches(site)).collect();
        found.sort_by(|a, b| a.name().as_str().cmp(b.name().as_str()));
        found
    }
}
