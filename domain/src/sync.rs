//! The offline outbox (design/offline-sync.md §6): the mutations a device queues and the
//! server applies, and ([`engine`]) the client's sync decisions as pure code.

pub mod engine;
pub mod release;

use crate::{
    hazard::HazardEvent,
    ids::{MutationId, SiteId},
    inspection::{Inspection, RepresentativeSignature},
    photo::Sha256Hex,
    site::Site,
    tagged::{MissingField, required},
};
use serde::Deserialize as _;

/// Version of the mutation format, sent as `proto_v`.
pub const PROTOCOL_VERSION: u32 = 1;

/// One change made on a device.
///
/// Sites and inspections are last-writer-wins records keyed by their client-generated ids
/// (a completed inspection is never changed again); hazards change only by appending events,
/// which the server applies with [`crate::hazard::Hazard::apply`] in arrival order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "op", try_from = "MutationWire")]
pub enum Mutation {
    /// Create or update a site.
    UpsertSite {
        /// The site.
        site: Box<Site>,
    },
    /// Delete a site created by mistake (only if nothing refers to it).
    DeleteSite {
        /// The site.
        site: SiteId,
    },
    /// Save an inspection (draft or completed).
    SaveInspection {
        /// The inspection.
        inspection: Box<Inspection>,
    },
    /// Append a hazard event (including the report that creates the hazard).
    HazardEvent {
        /// The event.
        event: Box<HazardEvent>,
    },
}

impl Mutation {
    /// Every image the mutation references (SHA-256), each once: an inspection's photos and
    /// signatures, a hazard event's photos. The server accepts the mutation only once it holds
    /// all of them (`missing_photo`), so the app uploads them first.
    pub fn photos(&self) -> Vec<Sha256Hex> {
        match self {
            Mutation::UpsertSite { .. } | Mutation::DeleteSite { .. } => Vec::new(),
            Mutation::SaveInspection { inspection } => inspection_images(inspection),
            Mutation::HazardEvent { event } => event.action.photos(),
        }
    }
}

/// Every image an inspection references, each once: its photos, then its signatures.
pub fn inspection_images(inspection: &Inspection) -> Vec<Sha256Hex> {
    let mut all = inspection.photos();
    let signatures = [
        match &inspection.representative {
            Some(RepresentativeSignature::Signed(signature)) => Some(signature),
            _ => None,
        },
        inspection.inspector_signature.as_ref(),
    ];
    for signature in signatures.into_iter().flatten() {
        if !all.contains(&signature.image) {
            all.push(signature.image.clone());
        }
    }
    all
}

/// [`Mutation`] as read (see [`crate::tagged`]).
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
struct MutationWire {
    op: MutationOp,
    site: Option<SiteOrId>,
    inspection: Option<Box<Inspection>>,
    event: Option<Box<HazardEvent>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum MutationOp {
    UpsertSite,
    DeleteSite,
    SaveInspection,
    HazardEvent,
}

/// The `site` field: the whole site for `upsert_site`, its id for `delete_site`.
enum SiteOrId {
    Site(Box<Site>),
    Id(SiteId),
}

impl<'de> serde::Deserialize<'de> for SiteOrId {
    /// Told apart by shape (an object or a string) as the value is read, without buffering.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = SiteOrId;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a site or a site id")
            }
            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<SiteOrId, E> {
                let id = serde::de::value::StrDeserializer::new(id);
                SiteId::deserialize(id).map(SiteOrId::Id)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<SiteOrId, A::Error> {
                let site = Site::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(SiteOrId::Site(Box::new(site)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Why a [`Mutation`] could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MutationWireError {
    /// A field the `op` requires is missing.
    #[error(transparent)]
    MissingField(#[from] MissingField),
    /// `site` is an id where a site is needed, or the other way round.
    #[error("`site` must be a site for `upsert_site` and a site id for `delete_site`")]
    SiteShape,
}

impl TryFrom<MutationWire> for Mutation {
    type Error = MutationWireError;
    fn try_from(wire: MutationWire) -> Result<Self, Self::Error> {
        Ok(match wire.op {
            MutationOp::UpsertSite => match required(wire.site, "site")? {
                SiteOrId::Site(site) => Mutation::UpsertSite { site },
                SiteOrId::Id(_) => return Err(MutationWireError::SiteShape),
            },
            MutationOp::DeleteSite => match required(wire.site, "site")? {
                SiteOrId::Id(site) => Mutation::DeleteSite { site },
                SiteOrId::Site(_) => return Err(MutationWireError::SiteShape),
            },
            MutationOp::SaveInspection => Mutation::SaveInspection {
                inspection: required(wire.inspection, "inspection")?,
            },
            MutationOp::HazardEvent => Mutation::HazardEvent {
                event: required(wire.event, "event")?,
            },
        })
    }
}

/// An outbox entry as pushed to the server.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub struct OutboxEntry {
    /// Unique id of the mutation.
    pub mutation_id: MutationId,
    /// Per-device sequence number, strictly increasing.
    pub seq: u64,
    /// The change.
    pub mutation: Mutation,
}
