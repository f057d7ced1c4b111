//! The server side of offline sync: the rules a pushed mutation must pass, decided by the
//! domain, never by device clocks. Pure functions over what the store has loaded; the store
//! ([`crate::store::sync`]) runs them inside each entry's transaction.

use anxun_domain::{
    api::RejectionCode,
    hazard::{Hazard, HazardAction, HazardEvent, TransitionError},
    ids::{DeviceId, UserId},
    inspection::{Inspection, InspectionStatus},
    region::Scope,
    role::{Actor, Role},
    site::Site,
};

/// The device a user's console actions are recorded under (`POST /api/hazards/{id}/events`):
/// one per user, derived from the user's id, so the audit log tells them from the field app's
/// devices.
pub fn console_device(user: UserId) -> DeviceId {
    use sha2::Digest;
    let digest = sha2::Sha256::new()
        .chain_update(b"anxun console device\0")
        .chain_update(user.as_uuid().as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    DeviceId::from_uuid(uuid::Builder::from_custom_bytes(bytes).into_uuid())
}

/// Who pushes, from which device.
#[derive(Debug, Clone)]
pub struct Pusher {
    pub user: UserId,
    pub role: Role,
    pub scope: Scope,
    pub device: DeviceId,
}

/// Why a mutation was rejected: final, shown to the user against the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub code: RejectionCode,
    pub message: String,
    /// The domain's reason for a refused transition ([`TransitionError::code`]), when that is
    /// why (answered by the console's actions; pushes carry only `code`).
    pub reason: Option<&'static str>,
}

impl Rejection {
    pub fn new(code: RejectionCode, message: impl Into<String>) -> Rejection {
        Rejection {
            code,
            message: message.into(),
            reason: None,
        }
    }
}

fn unknown_site() -> Rejection {
    Rejection::new(RejectionCode::UnknownSite, "the site does not exist")
}

fn out_of_scope(what: &str) -> Rejection {
    Rejection::new(
        RejectionCode::OutOfScope,
        format!("{what} lies outside the user's region scope"),
    )
}

/// `upsert_site`: the site, and the stored one it replaces, must lie in the user's scope;
/// its region codes must be known (`regions_known`).
pub fn check_upsert_site(
    pusher: &Pusher,
    site: &Site,
    existing: Option<&Site>,
    regions_known: bool,
) -> Result<(), Rejection> {
    if !pusher.scope.covers(site.region()) {
        return Err(out_of_scope("the site"));
    }
    if existing.is_some_and(|old| !pusher.scope.covers(old.region())) {
        return Err(out_of_scope("the stored site"));
    }
    if !regions_known {
        return Err(Rejection::new(
            RejectionCode::Invalid,
            "the site's district, street or grid is not a known region",
        ));
    }
    Ok(())
}

/// `delete_site`: the site must exist, lie in scope and have no inspection or hazard.
pub fn check_delete_site(
    pusher: &Pusher,
    existing: Option<&Site>,
    references: i64,
) -> Result<(), Rejection> {
    let site = existing.ok_or_else(unknown_site)?;
    if !pusher.scope.covers(site.region()) {
        return Err(out_of_scope("the site"));
    }
    if references > 0 {
        return Err(Rejection::new(
            RejectionCode::InUse,
            "the site has inspections or hazards and cannot be deleted",
        ));
    }
    Ok(())
}

/// What to do with a valid `save_inspection`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectionWrite {
    /// Insert or replace the stored inspection.
    Store,
    /// Identical to the stored completed inspection: nothing to do.
    Unchanged,
}

/// `save_inspection`: the user must be one of its inspectors, the site must exist and lie
/// in scope, and a stored completed inspection never changes.
pub fn check_save_inspection(
    pusher: &Pusher,
    inspection: &Inspection,
    site: Option<&Site>,
    existing: Option<&Inspection>,
) -> Result<InspectionWrite, Rejection> {
    if !inspection.inspectors.iter().any(|i| i.user == pusher.user) {
        return Err(Rejection::new(
            RejectionCode::NotAuthor,
            "only an inspector named on the inspection may save it",
        ));
    }
    let site = site.ok_or_else(unknown_site)?;
    if !pusher.scope.covers(site.region()) {
        return Err(out_of_scope("the inspection's site"));
    }
    match existing {
        Some(old) if old.status == InspectionStatus::Completed => {
            if old == inspection {
                Ok(InspectionWrite::Unchanged)
            } else {
                Err(Rejection::new(
                    RejectionCode::InspectionCompleted,
                    "the inspection is completed and can no longer change",
                ))
            }
        }
        Some(old) if old.site != inspection.site => Err(Rejection::new(
            RejectionCode::Invalid,
            "an inspection cannot move to another site",
        )),
        _ => Ok(InspectionWrite::Store),
    }
}

/// An accepted hazard event: the event as recorded and the hazard after it.
#[derive(Debug, Clone)]
pub struct AppliedEvent {
    pub event: HazardEvent,
    pub hazard: Hazard,
}

/// `hazard_event`: the event's actor must be the user; the role and scope applied are the
/// ones the server holds for the user (a device cannot claim more), and a report's region is
/// its site's as stored now (the site may have moved since the device reported). The event
/// is applied to the hazard rebuilt from `history` (its accepted events, in arrival order) by
/// the domain's state machine. `Ok(None)`: the identical event was applied before.
pub fn apply_hazard_event(
    pusher: &Pusher,
    event: &HazardEvent,
    report_site: Option<&Site>,
    history: &[HazardEvent],
) -> Result<Option<AppliedEvent>, Rejection> {
    if event.actor.user != pusher.user {
        return Err(Rejection::new(
            RejectionCode::NotAuthor,
            "the event's actor is not the signed-in user",
        ));
    }
    let mut event = event.clone();
    event.actor = Actor {
        user: pusher.user,
        role: pusher.role,
        scope: pusher.scope.clone(),
    };
    let hazard = if history.is_empty() {
        if let HazardAction::Report(new) = &mut event.action {
            let site = report_site
                .filter(|site| site.id() == new.site)
                .ok_or_else(unknown_site)?;
            // The hazard lies where its site lies now, whatever region the device sent: a
            // report made offline must not be lost because someone corrected the site's grid
            // meanwhile, and a device cannot file a hazard under another region (scope is
            // checked against this one).
            new.region = site.region().clone();
        }
        Hazard::report(&event).map_err(transition)?
    } else {
        let current = Hazard::replay(history).map_err(|e| {
            Rejection::new(
                RejectionCode::Invalid,
                format!("the stored hazard cannot be rebuilt: {e}"),
            )
        })?;
        let next = current.apply(&event).map_err(transition)?;
        if next.history().len() == current.history().len() {
            return Ok(None);
        }
        next
    };
    Ok(Some(AppliedEvent { event, hazard }))
}

fn transition(error: TransitionError) -> Rejection {
    let code = match error {
        TransitionError::OutOfScope { .. } => RejectionCode::OutOfScope,
        _ => RejectionCode::InvalidTransition,
    };
    Rejection {
        reason: Some(error.code()),
        ..Rejection::new(code, error.to_string())
    }
}
