//! Pure types for the offline outbox (design/offline-sync.md §6). The sync engine itself is
//! built elsewhere; these are the mutations a device queues and the server applies.

use crate::{
    hazard::HazardEvent,
    ids::{MutationId, SiteId},
    inspection::Inspection,
    site::Site,
};

/// Version of the mutation format, sent as `proto_v`.
pub const PROTOCOL_VERSION: u32 = 1;

/// One change made on a device.
///
/// Sites and inspections are last-writer-wins records keyed by their client-generated ids
/// (a completed inspection is never changed again); hazards change only by appending events,
/// which the server applies with [`crate::hazard::Hazard::apply`] in arrival order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
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

/// An outbox entry as pushed to the server.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct OutboxEntry {
    /// Unique id of the mutation.
    pub mutation_id: MutationId,
    /// Per-device sequence number, strictly increasing.
    pub seq: u64,
    /// The change.
    pub mutation: Mutation,
}
