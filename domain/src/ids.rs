//! Identifiers made on the device: UUIDv7, so records created offline never collide and
//! sort roughly by creation time.
//!
//! [`generate`](SiteId::generate) reads the device clock and randomness (on wasm32 through
//! `crypto.getRandomValues`, via uuid's `js` feature); everything else in this crate takes
//! time as an argument. [`from_parts`](SiteId::from_parts) builds the same kind of id
//! deterministically, for tests and replays. UUIDv7 is an id and a sort hint only: conflict
//! resolution never trusts the device clock.

use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new UUIDv7 from the device clock and randomness.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            /// A UUIDv7 from a timestamp (millisecond precision, clamped at the Unix epoch) and
            /// ten random bytes. Deterministic: the same inputs give the same id.
            pub fn from_parts(at: DateTime<Utc>, random: [u8; 10]) -> Self {
                Self(uuid_v7_from_parts(at, random))
            }

            /// Wraps an existing UUID (for example one read from storage).
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// Parses the hyphenated (or simple) text form.
            pub fn parse(text: &str) -> Result<Self, IdError> {
                Uuid::parse_str(text.trim())
                    .map(Self)
                    .map_err(|_| IdError(text.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

uuid_id!(
    /// A site (被检查单位/场所).
    SiteId
);
uuid_id!(
    /// An inspection (现场检查记录).
    InspectionId
);
uuid_id!(
    /// A hazard (隐患).
    HazardId
);
uuid_id!(
    /// One event in a hazard's history.
    EventId
);
uuid_id!(
    /// A user (inspector, supervisor or administrator).
    UserId
);
uuid_id!(
    /// A device (browser profile) that works offline; document numbers derive from it.
    DeviceId
);
uuid_id!(
    /// A mutation in the offline outbox, used by the server to deduplicate.
    MutationId
);

/// The text was not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a UUID")]
pub struct IdError(pub String);

fn uuid_v7_from_parts(at: DateTime<Utc>, random: [u8; 10]) -> Uuid {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn generated_ids_are_v7_and_distinct() {
        let a = HazardId::generate();
        let b = HazardId::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn from_parts_is_deterministic_and_ordered_by_time() {
        let t1 = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
        let t2 = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 1).unwrap();
        let a = SiteId::from_parts(t1, [9; 10]);
        assert_eq!(a, SiteId::from_parts(t1, [9; 10]));
        assert!(a < SiteId::from_parts(t2, [0; 10]));
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert_eq!(SiteId::parse(&a.to_string()), Ok(a));
        assert!(SiteId::parse("G01").is_err());
    }
}
