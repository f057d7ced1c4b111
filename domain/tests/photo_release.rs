//! Which photos a device may release (`anxun_domain::sync::release`).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "support/fixtures.rs"]
mod fixtures;

use anxun_domain::{
    hazard::Severity,
    photo::Sha256Hex,
    sync::{
        Mutation,
        release::{Holder, KeepPhotos, LocalPhoto, Reference, releasable},
    },
};
use chrono::{DateTime, Duration, Utc};
use fixtures::*;
use proptest::prelude::*;

fn hash(n: u8) -> Sha256Hex {
    Sha256Hex::digest(&[n])
}

fn local(n: u8, confirmed: bool, stored_at: Option<DateTime<Utc>>) -> LocalPhoto {
    LocalPhoto {
        hash: hash(n),
        confirmed,
        stored_at,
    }
}

fn used(n: u8, holder: Holder, at: DateTime<Utc>) -> Reference {
    Reference {
        photo: hash(n),
        holder,
        at,
    }
}

#[test]
fn keep_choices_round_trip_and_default_to_thirty_days() {
    for choice in KeepPhotos::CHOICES {
        assert_eq!(KeepPhotos::parse(choice.as_str()), Ok(choice));
    }
    assert_eq!(KeepPhotos::default(), KeepPhotos::Month);
    assert_eq!(KeepPhotos::Month.days(), Some(30));
    assert_eq!(KeepPhotos::All.days(), None);
    assert!(KeepPhotos::parse("31").is_err());
    assert!(KeepPhotos::parse("").is_err());
}

#[test]
fn a_confirmed_photo_of_accepted_old_work_is_released() {
    let now = t0() + days(100);
    let photos = [local(1, true, Some(t0()))];
    let refs = [used(1, Holder::Accepted, t0())];
    assert_eq!(
        releasable(&photos, &refs, KeepPhotos::Month, now),
        [hash(1)]
    );
    // Keeping everything releases nothing.
    assert!(releasable(&photos, &refs, KeepPhotos::All, now).is_empty());
}

#[test]
fn an_unconfirmed_photo_is_kept_whatever_its_age() {
    let now = t0() + days(1000);
    let photos = [local(1, false, Some(t0()))];
    let refs = [used(1, Holder::Accepted, t0())];
    assert!(releasable(&photos, &refs, KeepPhotos::Week, now).is_empty());
}

#[test]
fn any_unsent_refused_or_draft_record_keeps_the_photo() {
    let now = t0() + days(1000);
    let photos = [local(1, true, None)];
    for holder in [Holder::Unsent, Holder::Refused, Holder::Draft] {
        let refs = [
            used(1, Holder::Accepted, t0()),
            used(1, holder, t0()),
            used(1, Holder::Accepted, t0()),
        ];
        assert!(
            releasable(&photos, &refs, KeepPhotos::Week, now).is_empty(),
            "{holder:?}"
        );
    }
}

#[test]
fn the_newest_use_decides_the_age() {
    let now = t0() + days(40);
    // Stored 40 days ago, but referenced by work 10 days ago: recent.
    let photos = [local(1, true, Some(t0())), local(2, true, Some(t0()))];
    let refs = [
        used(1, Holder::Accepted, t0()),
        used(1, Holder::Accepted, t0() + days(30)),
        used(2, Holder::Accepted, t0()),
    ];
    assert_eq!(
        releasable(&photos, &refs, KeepPhotos::Month, now),
        [hash(2)]
    );
    // Within the week window both are old.
    assert_eq!(
        releasable(&photos, &refs, KeepPhotos::Week, now),
        [hash(1), hash(2)]
    );
    // Stored recently (a photo picked again): kept.
    let photos = [local(2, true, Some(now - Duration::hours(1)))];
    assert!(releasable(&photos, &refs, KeepPhotos::Week, now).is_empty());
}

#[test]
fn signatures_of_an_unsynced_inspection_are_referenced_by_its_outbox_entry() {
    let before = hash(9);
    let mut ev = Events::new();
    let mut new = new_hazard(Severity::General);
    new.photos_before = vec![before.clone()];
    let report = ev.report(&inspector(1), new);
    let mutation = Mutation::HazardEvent {
        event: Box::new(report.clone()),
    };
    let refs = Reference::of_mutation(&mutation, Holder::Unsent);
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].holder, Holder::Unsent);
    assert_eq!(refs[0].at, report.at);
    let photos = [LocalPhoto {
        hash: before,
        confirmed: true,
        stored_at: None,
    }];
    let now = t0() + days(365);
    assert!(releasable(&photos, &refs, KeepPhotos::Week, now).is_empty());
    // Once the entry is accepted (only the stored event references it), it may go.
    let refs = Reference::of_event(&report);
    assert_eq!(releasable(&photos, &refs, KeepPhotos::Week, now).len(), 1);
}

fn holder() -> impl Strategy<Value = Holder> {
    prop_oneof![
        Just(Holder::Unsent),
        Just(Holder::Refused),
        Just(Holder::Draft),
        Just(Holder::Accepted),
    ]
}

fn keep() -> impl Strategy<Value = KeepPhotos> {
    prop::sample::select(KeepPhotos::CHOICES.to_vec())
}

type Case = (
    Vec<(u8, bool, Option<i64>)>,
    Vec<(u8, Holder, i64)>,
    KeepPhotos,
    i64,
);

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((0u8..8, any::<bool>(), prop::option::of(0i64..200)), 0..10),
        prop::collection::vec((0u8..8, holder(), 0i64..200), 0..20),
        keep(),
        0i64..300,
    )
}

fn build(case: &Case) -> (Vec<LocalPhoto>, Vec<Reference>, DateTime<Utc>) {
    let (photos, refs, _, now) = case;
    // The device holds one row per photo (its hash is the key).
    let mut seen = std::collections::HashSet::new();
    let photos = photos
        .iter()
        .filter(|(n, _, _)| seen.insert(*n))
        .map(|(n, confirmed, at)| local(*n, *confirmed, at.map(|d| t0() + days(d))))
        .collect();
    let refs = refs
        .iter()
        .map(|(n, holder, d)| used(*n, *holder, t0() + days(*d)))
        .collect();
    (photos, refs, t0() + days(*now))
}

proptest! {
    /// Safety: nothing released is unconfirmed, still needed by a record, or recent work.
    #[test]
    fn never_releases_what_may_still_be_needed(case in case()) {
        let (photos, refs, now) = build(&case);
        let keep = case.2;
        let released = releasable(&photos, &refs, keep, now);
        let Some(cutoff) = keep.cutoff(now) else {
            prop_assert!(released.is_empty());
            return Ok(());
        };
        for hash in &released {
            prop_assert!(photos.iter().any(|p| &p.hash == hash && p.confirmed));
            for reference in refs.iter().filter(|r| &r.photo == hash) {
                prop_assert_eq!(reference.holder, Holder::Accepted);
                prop_assert!(reference.at < cutoff);
            }
            for photo in photos.iter().filter(|p| &p.hash == hash && p.confirmed) {
                prop_assert!(photo.stored_at.is_none_or(|at| at < cutoff));
            }
        }
    }

    /// Liveness: a confirmed photo that nothing pending uses and that is older than the window
    /// is released.
    #[test]
    fn releases_every_confirmed_old_photo_of_accepted_work(case in case()) {
        let (photos, refs, now) = build(&case);
        let keep = case.2;
        let released = releasable(&photos, &refs, keep, now);
        let Some(cutoff) = keep.cutoff(now) else { return Ok(()); };
        for photo in &photos {
            let uses: Vec<&Reference> = refs.iter().filter(|r| r.photo == photo.hash).collect();
            let free = photo.confirmed
                && photo.stored_at.is_none_or(|at| at < cutoff)
                && uses.iter().all(|r| r.holder == Holder::Accepted && r.at < cutoff);
            if free {
                prop_assert!(released.contains(&photo.hash), "{photo:?} with {uses:?}");
            }
        }
    }
}
