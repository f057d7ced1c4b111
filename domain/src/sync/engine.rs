//! The client side of sync, as pure decisions: which outbox entries may still be rewritten,
//! what to send next, what a push's answer means for the outbox, how a pulled page is applied,
//! how long to wait after a failure, and when unsynced work is getting old. The app (and the
//! service worker's Background Sync) do the IO around these; the simulation tests drive them
//! against the real server.
//!
//! ## Sent and unsent entries
//! The device records `sent_through`: the highest sequence number it has ever put in a push
//! request. The server may have settled anything up to it, so those entries are never changed
//! or renumbered; they are re-sent as they are until the server answers for them (a retried
//! push is deduplicated by `(device, seq)`). Entries above it were never seen by the server:
//! an unsent save of an inspection may be replaced by a newer save, and before each push the
//! unsent tail is renumbered without holes (the server rejects a gap).

use super::OutboxEntry;
use crate::{
    api::{PushResponse, PushStatus, RejectionCode},
    hazard::{Hazard, HazardEvent, TransitionError},
    ids::{EventId, MutationId, UserId},
    photo::Sha256Hex,
};
use chrono::{DateTime, Duration, Utc};

/// The outbox entries a new save of a record replaces: its unsent saves (sequence numbers
/// above `sent_through`). Sent ones stay: the server may already hold them.
pub fn replaceable(saves_of_record: &[u64], sent_through: u64) -> Vec<u64> {
    saves_of_record
        .iter()
        .copied()
        .filter(|seq| *seq > sent_through)
        .collect()
}

/// How to renumber the unsent tail of the outbox (`seqs`, ascending) so that it follows
/// `sent_through` without holes: `(old, new)` pairs for the entries that move, in ascending
/// order (moving each down never collides with an entry not yet moved).
pub fn renumbering(seqs: &[u64], sent_through: u64) -> Vec<(u64, u64)> {
    let unsent = seqs.iter().copied().filter(|seq| *seq > sent_through);
    (sent_through + 1..)
        .zip(unsent)
        .filter(|(next, seq)| seq != next)
        .map(|(next, seq)| (seq, next))
        .collect()
}

/// The next push: up to `max_entries` entries from the front of the outbox, and the photos
/// they reference that the server has not confirmed, in the order they are first referenced.
/// Photos go up first, so that the server can accept the entries.
#[derive(Debug, Clone, PartialEq)]
pub struct PushRound {
    pub entries: Vec<OutboxEntry>,
    pub photos: Vec<Sha256Hex>,
}

/// Plans the next push over the outbox (in sequence order); `None` when it is empty.
/// `confirmed(hash)`: whether the server is known to hold the photo.
pub fn next_round(
    outbox: &[OutboxEntry],
    max_entries: usize,
    confirmed: impl Fn(&Sha256Hex) -> bool,
) -> Option<PushRound> {
    if outbox.is_empty() {
        return None;
    }
    let entries: Vec<OutboxEntry> = outbox.iter().take(max_entries.max(1)).cloned().collect();
    let mut photos: Vec<Sha256Hex> = Vec::new();
    for entry in &entries {
        for photo in entry.mutation.photos() {
            if !confirmed(&photo) && !photos.contains(&photo) {
                photos.push(photo);
            }
        }
    }
    Some(PushRound { entries, photos })
}

/// An entry the server refused for good: it leaves the outbox and is shown to the inspector
/// against its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub seq: u64,
    pub mutation_id: MutationId,
    pub code: RejectionCode,
    pub message: String,
}

/// What a push's answer means for the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settlement {
    /// Entries the server holds now (accepted, or by an earlier push): remove them.
    pub done: Vec<u64>,
    /// Entries refused for good: remove them and keep the reason.
    pub refused: Vec<Refused>,
    /// Photos the server says it lacks although an entry needs them: upload them (again),
    /// then push again.
    pub upload: Vec<Sha256Hex>,
    /// Whether entries remain unsettled in this round (push again).
    pub again: bool,
}

/// Why a push's answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettleError {
    /// The answer does not match the request (a protocol bug on one side).
    #[error("the server answered for other entries than were sent")]
    Mismatch,
    /// The server expects an entry the device no longer holds: its data was lost (restored
    /// from an older backup?). Nothing more can be sent until an operator looks at it.
    #[error("the server expects entry {expected}, which this device no longer holds")]
    Lost { expected: u64 },
}

/// Reads the answer to a push of `sent`.
pub fn settle(sent: &[OutboxEntry], response: &PushResponse) -> Result<Settlement, SettleError> {
    if response.results.len() != sent.len() {
        return Err(SettleError::Mismatch);
    }
    let mut settlement = Settlement::default();
    for (entry, result) in sent.iter().zip(&response.results) {
        if result.seq != entry.seq || result.mutation_id != entry.mutation_id {
            return Err(SettleError::Mismatch);
        }
        match result.status {
            PushStatus::Accepted | PushStatus::Duplicate => settlement.done.push(entry.seq),
            PushStatus::Rejected => settlement.refused.push(Refused {
                seq: entry.seq,
                mutation_id: entry.mutation_id,
                code: result.code.unwrap_or(RejectionCode::Invalid),
                message: result.message.clone().unwrap_or_default(),
            }),
            PushStatus::MissingPhoto => {
                settlement.again = true;
                for photo in &result.photos {
                    if !settlement.upload.contains(photo) {
                        settlement.upload.push(photo.clone());
                    }
                }
            }
            PushStatus::Gap => {
                settlement.again = true;
                let expected = result.expected.unwrap_or(0);
                // The server skips nothing: it asks for an entry before the first one sent,
                // which only happens if it lost what it had confirmed.
                if sent.first().is_some_and(|first| expected < first.seq) {
                    return Err(SettleError::Lost { expected });
                }
            }
        }
    }
    Ok(settlement)
}

/// Rewrites work recorded under a local profile (before the first sign-in) as the signed-in
/// user's: the inspections they inspected and the hazard events they did. Returns whether
/// anything changed.
pub fn adopt(entry: &mut OutboxEntry, from: UserId, to: UserId) -> bool {
    use super::Mutation;
    match &mut entry.mutation {
        Mutation::SaveInspection { inspection } => adopt_inspection(inspection, from, to),
        Mutation::HazardEvent { event } => adopt_event(event, from, to),
        Mutation::UpsertSite { .. } | Mutation::DeleteSite { .. } => false,
    }
}

/// [`adopt`] for a stored inspection.
pub fn adopt_inspection(
    inspection: &mut crate::inspection::Inspection,
    from: UserId,
    to: UserId,
) -> bool {
    let mut changed = false;
    for inspector in &mut inspection.inspectors {
        if inspector.user == from {
            inspector.user = to;
            changed = true;
        }
    }
    changed
}

/// [`adopt`] for a stored hazard event.
pub fn adopt_event(event: &mut HazardEvent, from: UserId, to: UserId) -> bool {
    if event.actor.user == from {
        event.actor.user = to;
        true
    } else {
        false
    }
}

/// A hazard as the device shows it: the events the server confirmed (in its order), then the
/// device's own pending events that still apply. A pending event that no longer applies (the
/// supervisor closed the hazard meanwhile) is left out and listed: the server will refuse it,
/// and the inspector is told.
pub fn device_hazard<'a>(
    confirmed: impl IntoIterator<Item = &'a HazardEvent>,
    pending: impl IntoIterator<Item = &'a HazardEvent>,
) -> Result<(Hazard, Vec<EventId>), TransitionError> {
    let mut confirmed = confirmed.into_iter();
    let mut pending = pending.into_iter();
    let (mut hazard, mut stale) = match confirmed.next() {
        Some(first) => (
            Hazard::replay(std::iter::once(first).chain(confirmed))?,
            Vec::new(),
        ),
        // Reported on this device and not confirmed yet: the report is pending too.
        None => {
            let first = pending.next().ok_or(TransitionError::NoEvents)?;
            (Hazard::report(first)?, Vec::new())
        }
    };
    for event in pending {
        if hazard.history().iter().any(|e| e.id == event.id) {
            continue;
        }
        match hazard.apply(event) {
            Ok(next) => hazard = next,
            Err(_) => stale.push(event.id),
        }
    }
    Ok((hazard, stale))
}

/// When to try again after failures: exponential from [`Backoff::BASE`] up to
/// [`Backoff::MAX`], with jitter so that a district's phones do not all retry at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The first wait after a failure.
    pub const BASE: Duration = Duration::seconds(5);
    /// The longest wait.
    pub const MAX: Duration = Duration::minutes(10);
    /// The wait between syncs while everything works.
    pub const IDLE: Duration = Duration::minutes(5);

    /// After a failed sync.
    pub fn failed(self) -> Backoff {
        Backoff {
            failures: self.failures.saturating_add(1),
        }
    }

    /// After a successful sync.
    pub fn succeeded(self) -> Backoff {
        Backoff { failures: 0 }
    }

    /// Consecutive failures.
    pub fn failures(self) -> u32 {
        self.failures
    }

    /// How long to wait before the next sync; `jitter` in `[0, 1)` (random) picks a point in
    /// the upper half of the window ("equal jitter").
    pub fn delay(self, jitter: f64) -> Duration {
        if self.failures == 0 {
            return Self::IDLE;
        }
        let exp = self.failures.saturating_sub(1).min(16);
        let window = (Self::BASE.num_milliseconds().saturating_mul(1 << exp))
            .min(Self::MAX.num_milliseconds());
        let jitter = jitter.clamp(0.0, 1.0);
        let ms = window as f64 * (0.5 + jitter / 2.0);
        Duration::milliseconds(ms as i64)
    }
}

/// How old the oldest unsynced change is, as the app shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Nothing waits.
    Clear,
    /// Changes wait, the oldest for less than [`Freshness::WARN_AFTER`].
    Waiting,
    /// Changes have waited too long: warn the inspector to get online.
    Old,
}

impl Freshness {
    /// Unsynced work older than this is flagged.
    pub const WARN_AFTER: Duration = Duration::hours(24);

    /// For the oldest unsynced change (none: nothing waits).
    pub fn of(oldest: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Freshness {
        match oldest {
            None => Freshness::Clear,
            Some(at) if now - at >= Self::WARN_AFTER => Freshness::Old,
            Some(_) => Freshness::Waiting,
        }
    }
}

/// What the page knows when it decides whether to ask for a Background Sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageConditions {
    /// Changes waiting for the server.
    pub waiting: u32,
    /// Whether the browser believes it is online.
    pub online: bool,
    /// Whether the page's last sync failed and will be retried.
    pub retrying: bool,
    /// Whether the page is visible (a hidden page may be closed at any moment).
    pub visible: bool,
}

/// Whether the page should ask the browser for a Background Sync (Chromium's
/// `registration.sync.register`), so that the service worker sends the waiting changes when
/// connectivity returns, even with the app closed. Only when changes wait and the page may
/// not send them itself: offline, after a failed sync, or when the page is hidden. While it
/// is open, online and syncing fine, its own timer sends them (a Background Sync would fire at
/// once and send every edit separately).
pub fn wants_background_sync(page: PageConditions) -> bool {
    page.waiting > 0 && (!page.online || page.retrying || !page.visible)
}

/// How a sync started by the service worker's Background Sync event ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackgroundEnd {
    /// It ran to the end.
    Synced,
    /// It stopped at an error (what was settled before it is stored).
    Failed { transient: bool },
    /// It did not run: signed out, the session ended, or a page was syncing already.
    NotRun,
}

/// What the service worker does after a Background Sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackgroundVerdict {
    /// Tell open pages that the database changed, so that they refresh their view.
    pub notify_pages: bool,
    /// Reject the event's promise, so that the browser fires it again later (with its own
    /// backoff and attempt limit).
    pub retry: bool,
}

/// The service worker's verdict: retry only what waiting can fix; tell pages whenever the
/// sync touched the database.
pub fn background_verdict(end: BackgroundEnd) -> BackgroundVerdict {
    match end {
        BackgroundEnd::Synced => BackgroundVerdict {
            notify_pages: true,
            retry: false,
        },
        BackgroundEnd::Failed { transient } => BackgroundVerdict {
            notify_pages: true,
            retry: transient,
        },
        BackgroundEnd::NotRun => BackgroundVerdict {
            notify_pages: false,
            retry: false,
        },
    }
}
