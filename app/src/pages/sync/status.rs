//! What the sync screen and the badge say about waiting work, as plain tested logic.

use anxun_domain::sync::engine::Freshness;
use chrono::{DateTime, Utc};

/// An age for people: minutes, hours or days, rounded down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    JustNow,
    Minutes(i64),
    Hours(i64),
    Days(i64),
}

impl Age {
    pub fn of(at: DateTime<Utc>, now: DateTime<Utc>) -> Age {
        let elapsed = now - at;
        if elapsed.num_minutes() < 1 {
            Age::JustNow
        } else if elapsed.num_hours() < 1 {
            Age::Minutes(elapsed.num_minutes())
        } else if elapsed.num_days() < 1 {
            Age::Hours(elapsed.num_hours())
        } else {
            Age::Days(elapsed.num_days())
        }
    }
}

/// The waiting work as shown: how many changes, how old the oldest is, and whether to warn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub count: u32,
    pub oldest: Option<Age>,
    pub freshness: Freshness,
}

impl Waiting {
    pub fn of(count: u32, oldest: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Waiting {
        let oldest = if count == 0 { None } else { oldest };
        Waiting {
            count,
            oldest: oldest.map(|at| Age::of(at, now)),
            freshness: if count == 0 {
                Freshness::Clear
            } else {
                // An entry without a time (made before times were kept) counts as old.
                Freshness::of(Some(oldest.unwrap_or(DateTime::<Utc>::MIN_UTC)), now)
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn ages_round_down_to_the_largest_unit() {
        let now = Utc::now();
        assert_eq!(Age::of(now - Duration::seconds(20), now), Age::JustNow);
        assert_eq!(Age::of(now - Duration::minutes(59), now), Age::Minutes(59));
        assert_eq!(Age::of(now - Duration::hours(5), now), Age::Hours(5));
        assert_eq!(Age::of(now - Duration::hours(49), now), Age::Days(2));
    }

    #[test]
    fn waiting_work_is_flagged_once_old() {
        let now = Utc::now();
        assert_eq!(Waiting::of(0, Some(now), now).freshness, Freshness::Clear);
        assert_eq!(Waiting::of(0, Some(now), now).oldest, None);
        let fresh = Waiting::of(3, Some(now - Duration::hours(2)), now);
        assert_eq!(fresh.freshness, Freshness::Waiting);
        assert_eq!(fresh.oldest, Some(Age::Hours(2)));
        assert_eq!(
            Waiting::of(1, Some(now - Duration::days(3)), now).freshness,
            Freshness::Old
        );
        assert_eq!(Waiting::of(1, None, now).freshness, Freshness::Old);
    }
}
