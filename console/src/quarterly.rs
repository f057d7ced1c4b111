//! The printable quarterly statistics report (`GET /api/stats/quarterly`): which quarter to
//! show (from the URL, or the last one ended, whose report is due next), and the rows and
//! columns of its tables. standards.md §7 and 16号令: by level, the quarter and the year to
//! date, due before the 15th of the next quarter (the fourth with the annual report by 31
//! January).

use anxun_domain::{
    api::stats::{Quarter, QuarterlyQuery, QuarterlyReport, ReportYear},
    stats::Report,
};
use chrono::{Datelike, NaiveDate};

use crate::dashboard::{Figure, GroupNames, key_name};

/// The columns of the tables by level, area and region.
pub const GROUP_COLUMNS: [Figure; 7] = [
    Figure::Hazards,
    Figure::RectificationRate,
    Figure::MajorRectificationRate,
    Figure::OnTimeRate,
    Figure::ListedSupervisionRate,
    Figure::Overdue,
    Figure::HazardsPerThousand,
];

/// The quarter before the one `today` is in: the report due next (`None` outside the years
/// the statistics cover).
pub fn default_quarter(today: NaiveDate) -> Option<QuarterlyQuery> {
    let current = Quarter::of_month(today.month()).get();
    let (year, quarter) = if current == 1 {
        (today.year() - 1, 4)
    } else {
        (today.year(), current - 1)
    };
    Some(QuarterlyQuery {
        year: ReportYear::new(year)?,
        quarter: Quarter::new(quarter)?,
    })
}

/// Reads `year` and `quarter` from the console's query string; either missing or not
/// parsing gives the default quarter.
pub fn from_query(query: &str, today: NaiveDate) -> Option<QuarterlyQuery> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut year = None;
    let mut quarter = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "year" => year = value.parse().ok().and_then(ReportYear::new),
            "quarter" => quarter = value.parse().ok().and_then(Quarter::new),
            _ => {}
        }
    }
    match (year, quarter) {
        (Some(year), Some(quarter)) => Some(QuarterlyQuery { year, quarter }),
        _ => default_quarter(today),
    }
}

/// `year=…&quarter=…`.
pub fn to_query(query: QuarterlyQuery) -> String {
    format!("year={}&quarter={}", query.year.get(), query.quarter.get())
}

/// The quarter before and after (for the picker).
pub fn neighbours(query: QuarterlyQuery) -> (Option<QuarterlyQuery>, Option<QuarterlyQuery>) {
    let index = query.year.get() * 4 + query.quarter.get() as i32 - 1;
    let at = |index: i32| {
        Some(QuarterlyQuery {
            year: ReportYear::new(index.div_euclid(4))?,
            quarter: Quarter::new(index.rem_euclid(4) as u32 + 1)?,
        })
    };
    (at(index - 1), at(index + 1))
}

/// One line of the headline table: a figure for the quarter and for the year to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureLine {
    pub figure: Figure,
    pub quarter: String,
    pub quarter_basis: String,
    pub year_to_date: String,
    pub year_to_date_basis: String,
}

/// Every figure, the quarter beside the year to date.
pub fn figure_lines(report: &QuarterlyReport) -> Vec<FigureLine> {
    Figure::ALL
        .into_iter()
        .map(|figure| FigureLine {
            figure,
            quarter: figure.text(&report.quarter_report),
            quarter_basis: figure.basis(&report.quarter_report),
            year_to_date: figure.text(&report.year_to_date),
            year_to_date_basis: figure.basis(&report.year_to_date),
        })
        .collect()
}

/// One row of a table by group: its name and one cell per [`GROUP_COLUMNS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupLine {
    pub name: String,
    pub cells: Vec<String>,
}

fn cells(report: &Report) -> Vec<String> {
    GROUP_COLUMNS
        .iter()
        .map(|figure| {
            let basis = figure.basis(report);
            if basis.is_empty() || figure.ratio(report).is_none() {
                figure.text(report)
            } else {
                format!("{} ({basis})", figure.text(report))
            }
        })
        .collect()
}

/// The rows of a table by group, and its total (the quarter).
pub fn group_lines(
    groups: &[anxun_domain::api::stats::StatsGroup],
    names: &impl GroupNames,
) -> Vec<GroupLine> {
    groups
        .iter()
        .map(|group| GroupLine {
            name: key_name(&group.key, names),
            cells: cells(&group.report),
        })
        .collect()
}

/// The total row's cells (the quarter as a whole).
pub fn total_cells(report: &QuarterlyReport) -> Vec<String> {
    cells(&report.quarter_report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_default_is_the_last_quarter_ended() {
        assert_eq!(
            to_query(default_quarter(day(2026, 11, 23)).unwrap()),
            "year=2026&quarter=3"
        );
        assert_eq!(
            to_query(default_quarter(day(2026, 2, 1)).unwrap()),
            "year=2025&quarter=4"
        );
        assert_eq!(
            to_query(default_quarter(day(2026, 4, 1)).unwrap()),
            "year=2026&quarter=1"
        );
    }

    #[test]
    fn the_quarter_comes_from_the_url_when_both_parts_parse() {
        let today = day(2026, 11, 23);
        assert_eq!(
            to_query(from_query("?year=2025&quarter=2", today).unwrap()),
            "year=2025&quarter=2"
        );
        assert_eq!(
            to_query(from_query("year=2025&quarter=5", today).unwrap()),
            "year=2026&quarter=3"
        );
        assert_eq!(
            to_query(from_query("year=1999&quarter=1", today).unwrap()),
            "year=2026&quarter=3"
        );
        assert_eq!(
            to_query(from_query("quarter=1", today).unwrap()),
            "year=2026&quarter=3"
        );
    }

    #[test]
    fn neighbours_cross_year_ends_and_stop_at_the_covered_years() {
        let q = from_query("year=2025&quarter=1", day(2026, 1, 1)).unwrap();
        let (before, after) = neighbours(q);
        assert_eq!(to_query(before.unwrap()), "year=2024&quarter=4");
        assert_eq!(to_query(after.unwrap()), "year=2025&quarter=2");
        let last = from_query("year=2100&quarter=4", day(2026, 1, 1)).unwrap();
        assert_eq!(neighbours(last).1, None);
        let first = from_query("year=2000&quarter=1", day(2026, 1, 1)).unwrap();
        assert_eq!(neighbours(first).0, None);
    }
}
