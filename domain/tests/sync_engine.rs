//! The client's sync decisions (`anxun_domain::sync::engine`).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "support/fixtures.rs"]
mod fixtures;

use anxun_domain::{
    api::{PushResponse, PushResult, PushStatus, RejectionCode},
    hazard::{HazardAction, HazardState, Severity},
    ids::MutationId,
    sync::{
        Mutation, OutboxEntry,
        engine::{
            BackgroundEnd, BackgroundVerdict, Backoff, Freshness, PageConditions, SettleError,
            adopt, background_verdict, device_hazard, next_round, renumbering, replaceable, settle,
            wants_background_sync,
        },
    },
};
use chrono::Duration;
use fixtures::*;
use proptest::prelude::*;

fn entry(seq: u64, mutation: Mutation) -> OutboxEntry {
    OutboxEntry {
        mutation_id: MutationId::generate(),
        seq,
        mutation,
    }
}

fn site_entry(seq: u64) -> OutboxEntry {
    entry(
        seq,
        Mutation::UpsertSite {
            site: Box::new(site()),
        },
    )
}

fn report_entry(seq: u64) -> OutboxEntry {
    let mut ev = Events::new();
    entry(
        seq,
        Mutation::HazardEvent {
            event: Box::new(ev.report(&inspector(1), new_hazard(Severity::General))),
        },
    )
}

fn result(entry: &OutboxEntry, status: PushStatus) -> PushResult {
    PushResult {
        seq: entry.seq,
        mutation_id: entry.mutation_id,
        status,
        code: None,
        message: None,
        expected: None,
        photos: Vec::new(),
    }
}

#[test]
fn only_unsent_saves_are_replaced() {
    assert_eq!(replaceable(&[3, 7, 9], 7), vec![9]);
    assert_eq!(replaceable(&[3], 0), vec![3]);
    assert!(replaceable(&[3], 3).is_empty());
}

#[test]
fn the_unsent_tail_is_renumbered_without_holes() {
    assert_eq!(
        renumbering(&[2, 5, 6, 9], 0),
        vec![(2, 1), (5, 2), (6, 3), (9, 4)]
    );
    // Sent entries keep their numbers, whatever holes lie before them.
    assert_eq!(renumbering(&[4, 5, 8, 10], 5), vec![(8, 6), (10, 7)]);
    assert!(renumbering(&[6, 7], 5).is_empty());
    assert!(renumbering(&[], 5).is_empty());
}

proptest! {
    #[test]
    fn renumbering_keeps_order_and_fills_from_sent_through(
        mut seqs in proptest::collection::btree_set(1u64..500, 0..40),
        sent_through in 0u64..300,
    ) {
        let seqs: Vec<u64> = std::mem::take(&mut seqs).into_iter().collect();
        let moves = renumbering(&seqs, sent_through);
        let mut after: Vec<u64> = seqs
            .iter()
            .map(|s| moves.iter().find(|(old, _)| old == s).map_or(*s, |(_, new)| *new))
            .collect();
        // Sent entries untouched; unsent ones contiguous from sent_through + 1, same order.
        let unsent: Vec<u64> = after.iter().copied().filter(|s| *s > sent_through).collect();
        let expected: Vec<u64> = (sent_through + 1..).take(unsent.len()).collect();
        prop_assert_eq!(unsent, expected);
        for (before, now) in seqs.iter().zip(&after) {
            if *before <= sent_through {
                prop_assert_eq!(before, now);
            }
        }
        // Moving in the listed order never lands on an entry that has not moved yet.
        let mut held: std::collections::BTreeSet<u64> = seqs.iter().copied().collect();
        for (old, new) in &moves {
            prop_assert!(!held.contains(new), "{} lands on a held number", new);
            held.remove(old);
            held.insert(*new);
        }
        after.sort_unstable();
        after.dedup();
        prop_assert_eq!(after.len(), seqs.len());
    }
}

#[test]
fn a_round_takes_the_front_of_the_outbox_and_its_unconfirmed_photos() {
    assert_eq!(next_round(&[], 50, |_| false), None);
    let outbox = vec![site_entry(1), report_entry(2), site_entry(3)];
    let round = next_round(&outbox, 2, |_| false).unwrap();
    assert_eq!(
        round.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(round.photos, vec![photo(1)]);
    let round = next_round(&outbox, 2, |hash| *hash == photo(1)).unwrap();
    assert!(
        round.photos.is_empty(),
        "a confirmed photo is not sent again"
    );
}

#[test]
fn settling_sorts_done_refused_and_retried_entries() {
    let sent = vec![site_entry(1), site_entry(2), report_entry(3), site_entry(4)];
    let response = PushResponse {
        results: vec![
            result(&sent[0], PushStatus::Accepted),
            PushResult {
                code: Some(RejectionCode::OutOfScope),
                message: Some("outside".into()),
                ..result(&sent[1], PushStatus::Rejected)
            },
            PushResult {
                code: Some(RejectionCode::MissingPhoto),
                photos: vec![photo(1)],
                ..result(&sent[2], PushStatus::MissingPhoto)
            },
            PushResult {
                expected: Some(3),
                ..result(&sent[3], PushStatus::Gap)
            },
        ],
        last_seq: 2,
    };
    let settlement = settle(&sent, &response).unwrap();
    assert_eq!(settlement.done, vec![1]);
    assert_eq!(settlement.refused.len(), 1);
    assert_eq!(settlement.refused[0].seq, 2);
    assert_eq!(settlement.refused[0].code, RejectionCode::OutOfScope);
    assert_eq!(settlement.upload, vec![photo(1)]);
    assert!(settlement.again);
}

#[test]
fn a_duplicate_counts_as_done_and_a_clean_push_is_not_repeated() {
    let sent = vec![site_entry(5)];
    let response = PushResponse {
        results: vec![result(&sent[0], PushStatus::Duplicate)],
        last_seq: 5,
    };
    let settlement = settle(&sent, &response).unwrap();
    assert_eq!(settlement.done, vec![5]);
    assert!(!settlement.again);
}

#[test]
fn answers_for_other_entries_and_lost_server_data_are_errors() {
    let sent = vec![site_entry(4), site_entry(5)];
    let short = PushResponse {
        results: vec![result(&sent[0], PushStatus::Accepted)],
        last_seq: 4,
    };
    assert_eq!(settle(&sent, &short), Err(SettleError::Mismatch));
    let other = PushResponse {
        results: vec![
            result(&sent[0], PushStatus::Accepted),
            result(&site_entry(5), PushStatus::Accepted),
        ],
        last_seq: 5,
    };
    assert_eq!(settle(&sent, &other), Err(SettleError::Mismatch));
    let lost = PushResponse {
        results: sent
            .iter()
            .map(|e| PushResult {
                expected: Some(2),
                ..result(e, PushStatus::Gap)
            })
            .collect(),
        last_seq: 1,
    };
    assert_eq!(settle(&sent, &lost), Err(SettleError::Lost { expected: 2 }));
}

#[test]
fn local_work_is_adopted_by_the_signed_in_user() {
    let mut entry = report_entry(1);
    assert!(adopt(&mut entry, user(1), user(9)));
    let Mutation::HazardEvent { event } = &entry.mutation else {
        unreachable!()
    };
    assert_eq!(event.actor.user, user(9));
    assert!(
        !adopt(&mut entry, user(1), user(9)),
        "nothing left to adopt"
    );
    assert!(!adopt(&mut site_entry(2), user(1), user(9)));
}

#[test]
fn a_pending_event_that_no_longer_applies_is_left_out_and_named() {
    let mut ev = Events::new();
    let me = inspector(1);
    let report = ev.report(&me, new_hazard(Severity::General));
    let dismissed = ev.event(&supervisor(1), Some("重复上报"), HazardAction::Dismiss);
    let mine = ev.event(
        &me,
        None,
        HazardAction::Assign {
            responsible: responsible(),
            requirement: None,
            deadline: ev.at + days(7),
            notice: None,
            department: None,
        },
    );
    let (hazard, stale) = device_hazard([&report, &dismissed], [&mine]).unwrap();
    assert_eq!(hazard.state(), HazardState::Dismissed);
    assert_eq!(stale, vec![mine.id]);
    // Without the supervisor's event the inspector's own applies.
    let (hazard, stale) = device_hazard([&report], [&mine]).unwrap();
    assert_eq!(hazard.state(), HazardState::Assigned);
    assert!(stale.is_empty());
    // A hazard reported on this device and not confirmed yet.
    let (hazard, _) = device_hazard([], [&report, &mine]).unwrap();
    assert_eq!(hazard.state(), HazardState::Assigned);
    // An event already confirmed is not applied twice.
    let (hazard, stale) = device_hazard([&report, &mine], [&mine]).unwrap();
    assert_eq!(hazard.history().len(), 2);
    assert!(stale.is_empty());
}

#[test]
fn backoff_grows_to_a_cap_with_jitter_and_resets() {
    let idle = Backoff::default();
    assert_eq!(idle.delay(0.3), Backoff::IDLE);
    let once = idle.failed();
    assert_eq!(once.delay(0.0), Duration::milliseconds(2_500));
    assert_eq!(once.delay(1.0), Duration::seconds(5));
    let many = (0..30).fold(idle, |b, _| b.failed());
    assert!(many.delay(1.0) <= Backoff::MAX);
    assert!(many.delay(0.0) >= Backoff::MAX / 2);
    assert_eq!(many.succeeded().failures(), 0);
    let three = idle.failed().failed().failed();
    assert!(three.delay(0.5) > once.delay(0.5));
}

#[test]
fn unsynced_work_is_flagged_after_a_day() {
    let now = t0();
    assert_eq!(Freshness::of(None, now), Freshness::Clear);
    assert_eq!(
        Freshness::of(Some(now - Duration::hours(3)), now),
        Freshness::Waiting
    );
    assert_eq!(
        Freshness::of(Some(now - Duration::hours(25)), now),
        Freshness::Old
    );
}

#[test]
fn a_background_sync_is_asked_for_only_when_the_page_may_not_send_the_changes_itself() {
    let fine = PageConditions {
        waiting: 3,
        online: true,
        retrying: false,
        visible: true,
    };
    // Open, online and syncing fine: the page's own timer sends them.
    assert!(!wants_background_sync(fine));
    for page in [
        PageConditions {
            online: false,
            ..fine
        },
        PageConditions {
            retrying: true,
            ..fine
        },
        PageConditions {
            visible: false,
            ..fine
        },
    ] {
        assert!(wants_background_sync(page), "{page:?}");
        // Nothing waits: nothing to ask for.
        assert!(!wants_background_sync(PageConditions {
            waiting: 0,
            ..page
        }));
    }
}

#[test]
fn the_worker_retries_only_transient_failures_and_tells_pages_when_it_synced() {
    let verdict = |notify_pages, retry| BackgroundVerdict {
        notify_pages,
        retry,
    };
    assert_eq!(
        background_verdict(BackgroundEnd::Synced),
        verdict(true, false)
    );
    assert_eq!(
        background_verdict(BackgroundEnd::Failed { transient: true }),
        verdict(true, true)
    );
    assert_eq!(
        background_verdict(BackgroundEnd::Failed { transient: false }),
        verdict(true, false)
    );
    assert_eq!(
        background_verdict(BackgroundEnd::NotRun),
        verdict(false, false)
    );
}
