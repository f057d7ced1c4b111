//! Which photos a device may release: drop the full-size bytes of, keeping the thumbnail and
//! the metadata, because the server holds the photo and nothing on the device can still need
//! to send it (design/offline-sync.md §5: "local bytes are released only after the server has
//! confirmed the photo and every record referencing it").
//!
//! A photo is released only when all of these hold:
//! - the server has confirmed it holds the photo (a `HEAD` or a `PUT` answered);
//! - every record that references it is [`Holder::Accepted`]: no unsent or unanswered outbox
//!   entry ([`Holder::Unsent`], which covers the signatures of an inspection not yet synced),
//!   no entry the server refused ([`Holder::Refused`]: the inspector may fix and send it
//!   again), no draft still being edited on the device ([`Holder::Draft`]);
//! - it is older than the window of recent work the inspector keeps ([`KeepPhotos`]): its
//!   time is the newest of when it was stored and the times of the records that reference it.
//!
//! The device's IO gathers the photos and references and stores the answer; this module only
//! decides.

use super::{Mutation, inspection_images};
use crate::{
    hazard::HazardEvent,
    inspection::{Inspection, InspectionStatus},
    photo::Sha256Hex,
};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// How much of the inspector's recent work keeps its full-size photos on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeepPhotos {
    /// The last 7 days.
    Week,
    /// The last 30 days (the default).
    #[default]
    Month,
    /// The last 90 days.
    Quarter,
    /// Never release (until the inspector chooses otherwise).
    All,
}

/// A stored [`KeepPhotos`] that is none of the choices.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a photo keeping choice (7, 30, 90 or all)")]
pub struct KeepPhotosError(pub String);

impl KeepPhotos {
    /// Every choice, in the order the settings screen offers them.
    pub const CHOICES: [KeepPhotos; 4] = [
        KeepPhotos::Week,
        KeepPhotos::Month,
        KeepPhotos::Quarter,
        KeepPhotos::All,
    ];

    /// Reads a stored choice (see [`KeepPhotos::as_str`]).
    pub fn parse(text: &str) -> Result<KeepPhotos, KeepPhotosError> {
        Self::CHOICES
            .into_iter()
            .find(|choice| choice.as_str() == text.trim())
            .ok_or_else(|| KeepPhotosError(text.to_owned()))
    }

    /// How the choice is stored: the number of days, or `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeepPhotos::Week => "7",
            KeepPhotos::Month => "30",
            KeepPhotos::Quarter => "90",
            KeepPhotos::All => "all",
        }
    }

    /// The window in days, or `None` to keep everything.
    pub fn days(self) -> Option<u32> {
        match self {
            KeepPhotos::Week => Some(7),
            KeepPhotos::Month => Some(30),
            KeepPhotos::Quarter => Some(90),
            KeepPhotos::All => None,
        }
    }

    /// Photos last used before this instant may be released; `None`: none may.
    pub fn cutoff(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.days()
            .map(|days| now - Duration::days(i64::from(days)))
    }
}

/// Where a record referencing a photo stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    /// In the outbox: not sent yet, or sent and not answered (the photo may be needed again,
    /// for a `missing_photo` answer).
    Unsent,
    /// Refused by the server and kept with its reason: it may be corrected and sent again.
    Refused,
    /// A draft still edited on the device.
    Draft,
    /// The server accepted it and the device holds nothing newer to send.
    Accepted,
}

/// One record's use of one photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub photo: Sha256Hex,
    pub holder: Holder,
    /// When the record's work was done (the inspection's end or start, the event's time).
    pub at: DateTime<Utc>,
}

impl Reference {
    /// The photos an outbox entry's (or a refused entry's) mutation references.
    pub fn of_mutation(mutation: &Mutation, holder: Holder) -> Vec<Reference> {
        match mutation {
            Mutation::UpsertSite { .. } | Mutation::DeleteSite { .. } => Vec::new(),
            Mutation::SaveInspection { inspection } => {
                let mut references = Reference::of_inspection(inspection);
                for reference in &mut references {
                    reference.holder = holder;
                }
                references
            }
            Mutation::HazardEvent { event } => {
                let mut references = Reference::of_event(event);
                for reference in &mut references {
                    reference.holder = holder;
                }
                references
            }
        }
    }

    /// The photos and signatures of an inspection stored on the device: held by a draft, or
    /// accepted (whether a completed one is still unsent is told by the outbox).
    pub fn of_inspection(inspection: &Inspection) -> Vec<Reference> {
        let holder = match inspection.status {
            InspectionStatus::Draft => Holder::Draft,
            InspectionStatus::Completed => Holder::Accepted,
        };
        let at = inspection.ended_at.unwrap_or(inspection.started_at);
        inspection_images(inspection)
            .into_iter()
            .map(|photo| Reference { photo, holder, at })
            .collect()
    }

    /// The photos of a hazard event stored on the device (whether it is still unsent is told
    /// by the outbox).
    pub fn of_event(event: &HazardEvent) -> Vec<Reference> {
        event
            .action
            .photos()
            .into_iter()
            .map(|photo| Reference {
                photo,
                holder: Holder::Accepted,
                at: event.at,
            })
            .collect()
    }
}

/// A photo whose full-size bytes are still on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPhoto {
    pub hash: Sha256Hex,
    /// The server has confirmed it holds the photo.
    pub confirmed: bool,
    /// When it was stored on the device (unknown for photos stored by older versions).
    pub stored_at: Option<DateTime<Utc>>,
}

/// The photos among `photos` whose full-size bytes may be released now, in the order given.
pub fn releasable(
    photos: &[LocalPhoto],
    references: &[Reference],
    keep: KeepPhotos,
    now: DateTime<Utc>,
) -> Vec<Sha256Hex> {
    let Some(cutoff) = keep.cutoff(now) else {
        return Vec::new();
    };
    // Per photo: whether any record still needs it, and when it was last used.
    let mut uses: HashMap<&Sha256Hex, (bool, Option<DateTime<Utc>>)> = HashMap::new();
    for reference in references {
        let (pinned, last) = uses.entry(&reference.photo).or_default();
        *pinned |= reference.holder != Holder::Accepted;
        *last = (*last).max(Some(reference.at));
    }
    photos
        .iter()
        .filter(|photo| photo.confirmed)
        .filter(|photo| {
            let (pinned, last) = uses.get(&photo.hash).copied().unwrap_or_default();
            let last = last.max(photo.stored_at);
            !pinned && last.is_none_or(|at| at < cutoff)
        })
        .map(|photo| photo.hash.clone())
        .collect()
}
