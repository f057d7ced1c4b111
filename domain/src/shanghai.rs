//! Local time in Shanghai (UTC+8, no daylight saving): document dates and statistics periods
//! use the local calendar, not UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// UTC+8.
pub fn offset() -> FixedOffset {
    #[allow(clippy::expect_used)]
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The Shanghai calendar date of an instant.
pub fn date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&offset()).date_naive()
}
