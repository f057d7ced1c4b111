//! Sign-in rate limiting, in memory (per server process).
//!
//! Every attempt counts when it is made (so parallel guesses cannot slip past the limit), in
//! two fixed windows: one per username and client address, one per client address. A success
//! forgets the username's attempts from that address and gives the address its attempt back.
//! An attempt refused by the limiter does not count, so waiting out the window always works.
//! IPv6 clients are counted by their /64 network, which one client usually holds whole.

use std::{
    collections::HashMap,
    fmt,
    net::{IpAddr, Ipv6Addr},
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

/// Where the limiter reads the time (injectable for tests).
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Instant;
}

/// The monotonic system clock.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// How many attempts are allowed in one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Per username and client address.
    pub per_username_and_address: u32,
    /// Per client address, whatever the username.
    pub per_address: u32,
    pub window: Duration,
}

impl Limits {
    /// Sign-in: 5 failures per username and address, 30 per address, in 15 minutes.
    pub const SIGN_IN: Limits = Limits {
        per_username_and_address: 5,
        per_address: 30,
        window: Duration::from_secs(15 * 60),
    };
}

/// An attempt that was refused, and how long until one would be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(Duration);

impl RetryAfter {
    /// Whole seconds to wait, rounded up, at least 1 (for the `Retry-After` header).
    pub fn seconds(self) -> u64 {
        let whole = self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0);
        whole.max(1)
    }
}

/// Counts sign-in attempts and refuses them past [`Limits`].
pub struct SignInLimiter {
    limits: Limits,
    clock: Arc<dyn Clock>,
    counters: Mutex<Counters>,
}

#[derive(Default)]
struct Counters {
    by_username_and_address: HashMap<(String, IpAddr), Window>,
    by_address: HashMap<IpAddr, Window>,
    last_pruned: Option<Instant>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    attempts: u32,
}

/// Usernames longer than this are counted by their first characters.
const MAX_KEY_CHARS: usize = 64;

/// How often windows that have ended are removed.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

impl SignInLimiter {
    /// A limiter on the system clock.
    pub fn new(limits: Limits) -> SignInLimiter {
        SignInLimiter::with_clock(limits, Arc::new(SystemClock))
    }

    /// A limiter reading the time from `clock`.
    pub fn with_clock(limits: Limits, clock: Arc<dyn Clock>) -> SignInLimiter {
        SignInLimiter {
            limits,
            clock,
            counters: Mutex::new(Counters::default()),
        }
    }

    /// Counts an attempt to sign in as `username` from `address`, or refuses it when a limit
    /// has been reached.
    pub fn attempt(&self, username: &str, address: IpAddr) -> Result<(), RetryAfter> {
        let now = self.clock.now();
        let window = self.limits.window;
        let key = (username_key(username), address_key(address));
        let mut counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        counters.prune(now, window);

        let pair = current(counters.by_username_and_address.get(&key), now, window);
        let whole = current(counters.by_address.get(&key.1), now, window);
        let refused = [
            (pair, self.limits.per_username_and_address),
            (whole, self.limits.per_address),
        ]
        .into_iter()
        .filter_map(|(window_now, limit)| window_now.filter(|w| w.attempts >= limit))
        .map(|w| (w.started + window).saturating_duration_since(now))
        .max();
        if let Some(wait) = refused {
            return Err(RetryAfter(wait));
        }

        let address = key.1;
        counters
            .by_username_and_address
            .insert(key, counted(pair, now));
        counters.by_address.insert(address, counted(whole, now));
        Ok(())
    }

    /// A successful sign-in: the username's attempts from `address` are forgotten, and this
    /// attempt no longer counts against the address.
    pub fn succeeded(&self, username: &str, address: IpAddr) {
        let key = (username_key(username), address_key(address));
        let mut counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        counters.by_username_and_address.remove(&key);
        if let Some(window) = counters.by_address.get_mut(&key.1) {
            window.attempts = window.attempts.saturating_sub(1);
        }
    }
}

impl fmt::Debug for SignInLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignInLimiter")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Counters {
    /// Forgets windows that have ended, at most once per [`PRUNE_EVERY`].
    fn prune(&mut self, now: Instant, window: Duration) {
        if self
            .last_pruned
            .is_some_and(|last| now.saturating_duration_since(last) < PRUNE_EVERY)
        {
            return;
        }
        self.last_pruned = Some(now);
        self.by_username_and_address
            .retain(|_, w| current(Some(w), now, window).is_some());
        self.by_address
            .retain(|_, w| current(Some(w), now, window).is_some());
    }
}

/// The window if it is still running at `now`.
fn current(window: Option<&Window>, now: Instant, length: Duration) -> Option<Window> {
    window
        .copied()
        .filter(|w| now.saturating_duration_since(w.started) < length)
}

/// The window with one more attempt (a new window if none is running).
fn counted(window: Option<Window>, now: Instant) -> Window {
    match window {
        Some(w) => Window {
            attempts: w.attempts.saturating_add(1),
            ..w
        },
        None => Window {
            started: now,
            attempts: 1,
        },
    }
}

fn username_key(username: &str) -> String {
    username
        .trim()
        .chars()
        .take(MAX_KEY_CHARS)
        .flat_map(char::to_lowercase)
        .collect()
}

/// IPv4 addresses as they are (also when mapped into IPv6), IPv6 addresses by their /64.
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & !(u128::from(u64::MAX));
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that moves only when told to.
    struct ManualClock(Mutex<Instant>);

    impl ManualClock {
        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> Instant {
            *self.0.lock().unwrap()
        }
    }

    const LIMITS: Limits = Limits {
        per_username_and_address: 3,
        per_address: 5,
        window: Duration::from_secs(600),
    };

    fn limiter() -> (SignInLimiter, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock(Mutex::new(Instant::now())));
        (SignInLimiter::with_clock(LIMITS, clock.clone()), clock)
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn refuses_past_the_limit_per_username_and_address_until_the_window_ends() {
        let (limiter, clock) = limiter();
        let home = ip("203.0.113.7");
        for _ in 0..3 {
            assert_eq!(limiter.attempt("li", home), Ok(()));
            clock.advance(Duration::from_secs(60));
        }
        // The window started 180 s ago and lasts 600 s.
        let refused = limiter.attempt("li", home).unwrap_err();
        assert_eq!(refused.seconds(), 420);
        // Refused attempts do not extend the lockout.
        clock.advance(Duration::from_secs(419));
        assert_eq!(limiter.attempt("li", home).unwrap_err().seconds(), 1);
        clock.advance(Duration::from_secs(1));
        assert_eq!(limiter.attempt("li", home), Ok(()));
    }

    #[test]
    fn usernames_are_counted_without_case_and_spaces() {
        let (limiter, _clock) = limiter();
        let home = ip("203.0.113.7");
        for name in ["li", "LI", " Li "] {
            assert_eq!(limiter.attempt(name, home), Ok(()));
        }
        assert!(limiter.attempt("lI", home).is_err());
    }

    #[test]
    fn other_usernames_and_other_addresses_are_not_locked_out_by_one_username() {
        let (limiter, _clock) = limiter();
        let home = ip("203.0.113.7");
        for _ in 0..3 {
            limiter.attempt("li", home).unwrap();
        }
        assert!(limiter.attempt("li", home).is_err());
        assert_eq!(limiter.attempt("wang", home), Ok(()));
        assert_eq!(limiter.attempt("li", ip("198.51.100.1")), Ok(()));
    }

    #[test]
    fn refuses_past_the_limit_per_address_whatever_the_username() {
        let (limiter, clock) = limiter();
        let home = ip("203.0.113.7");
        for name in ["a1", "a2", "a3", "a4", "a5"] {
            assert_eq!(limiter.attempt(name, home), Ok(()));
        }
        clock.advance(Duration::from_secs(100));
        assert_eq!(limiter.attempt("a6", home).unwrap_err().seconds(), 500);
        assert_eq!(limiter.attempt("a6", ip("198.51.100.1")), Ok(()));
        clock.advance(Duration::from_secs(500));
        assert_eq!(limiter.attempt("a6", home), Ok(()));
    }

    #[test]
    fn a_success_clears_the_username_and_gives_the_address_its_attempt_back() {
        let (limiter, _clock) = limiter();
        let home = ip("203.0.113.7");
        limiter.attempt("li", home).unwrap();
        limiter.attempt("li", home).unwrap();
        limiter.attempt("li", home).unwrap();
        limiter.succeeded("li", home);
        for _ in 0..3 {
            assert_eq!(limiter.attempt("li", home), Ok(()));
        }
        assert!(limiter.attempt("li", home).is_err());
        // 6 attempts from the address, one of them a success: 5 count, the limit.
        assert!(limiter.attempt("wang", home).is_err());
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network() {
        let (limiter, _clock) = limiter();
        for host in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"] {
            limiter.attempt("li", ip(host)).unwrap();
        }
        assert!(limiter.attempt("li", ip("2001:db8:1:2::77")).is_err());
        assert_eq!(limiter.attempt("li", ip("2001:db8:1:3::1")), Ok(()));
        assert_eq!(address_key(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
    }

    #[test]
    fn ended_windows_are_forgotten() {
        let (limiter, clock) = limiter();
        for n in 0..100 {
            limiter.attempt(&format!("user{n}"), ip("203.0.113.7")).ok();
        }
        clock.advance(LIMITS.window + PRUNE_EVERY);
        limiter.attempt("li", ip("198.51.100.1")).unwrap();
        let counters = limiter.counters.lock().unwrap();
        assert_eq!(counters.by_username_and_address.len(), 1);
        assert_eq!(counters.by_address.len(), 1);
    }
}
