//! The invariants at quiescence, checked against the server's database and photo store.

use crate::{device::Device, world::World};
use anxun_domain::{
    hazard::{Hazard, HazardAction, HazardEvent},
    ids::{DeviceId, HazardId, MutationId, SiteId},
    photo::Sha256Hex,
    region::RegionPath,
    sync::Mutation,
};
use anxun_server::store::Db;
use serde_json::Value;
use sqlx::{Row, SqlitePool};
use std::collections::{BTreeMap, BTreeSet};

fn pool(db: &Db) -> &SqlitePool {
    match db {
        Db::Sqlite(pool) => pool,
        Db::Postgres(_) => unreachable!("the simulation runs on SQLite"),
    }
}

/// A hazard event row.
struct EventRow {
    hazard: HazardId,
    position: i64,
    device: DeviceId,
    event: HazardEvent,
}

struct HazardRow {
    region: RegionPath,
    doc: Value,
}

/// Everything the server holds that the checks look at.
struct ServerView {
    sites: BTreeMap<SiteId, Value>,
    site_regions: BTreeMap<SiteId, RegionPath>,
    inspections: BTreeMap<String, Value>,
    hazards: BTreeMap<HazardId, HazardRow>,
    events: Vec<EventRow>,
    /// Sites a device deleted (their `site_deleted` changes that are not moves).
    deleted_sites: BTreeSet<SiteId>,
}

fn region(row: &sqlx::sqlite::SqliteRow, from: usize) -> RegionPath {
    let code = |i: usize| {
        anxun_domain::region::RegionCode::parse(&row.get::<String, _>(from + i)).unwrap()
    };
    RegionPath {
        district: code(0),
        street: code(1),
        grid: code(2),
    }
}

async fn load(db: &Db) -> ServerView {
    let pool = pool(db);
    let mut view = ServerView {
        sites: BTreeMap::new(),
        site_regions: BTreeMap::new(),
        inspections: BTreeMap::new(),
        hazards: BTreeMap::new(),
        events: Vec::new(),
        deleted_sites: BTreeSet::new(),
    };

    for row in sqlx::query("SELECT id, doc, district, street, grid FROM sites")
        .fetch_all(pool)
        .await
        .unwrap()
    {
        let id = SiteId::from_uuid(row.get(0));
        view.sites
            .insert(id, serde_json::from_str(row.get::<&str, _>(1)).unwrap());
        view.site_regions.insert(id, region(&row, 2));
    }
    for row in sqlx::query("SELECT id, doc FROM inspections")
        .fetch_all(pool)
        .await
        .unwrap()
    {
        let id: uuid::Uuid = row.get(0);
        view.inspections.insert(
            id.to_string(),
            serde_json::from_str(row.get::<&str, _>(1)).unwrap(),
        );
    }
    for row in sqlx::query("SELECT id, doc, district, street, grid FROM hazards")
        .fetch_all(pool)
        .await
        .unwrap()
    {
        view.hazards.insert(
            HazardId::from_uuid(row.get(0)),
            HazardRow {
                doc: serde_json::from_str(row.get::<&str, _>(1)).unwrap(),
                region: region(&row, 2),
            },
        );
    }
    for row in sqlx::query(
        "SELECT hazard_id, position, device_id, doc FROM hazard_events ORDER BY hazard_id, position",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        view.events.push(EventRow {
            hazard: HazardId::from_uuid(row.get(0)),
            position: row.get(1),
            device: DeviceId::from_uuid(row.get(2)),
            event: serde_json::from_str(row.get::<&str, _>(3)).unwrap(),
        });
    }
    view
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// Checks every invariant; the list of violations (empty when all hold).
pub async fn check(world: &World) -> Vec<String> {
    let mut errors = Vec::new();
    for device in &world.devices {
        errors.extend(device.journal.anomalies.iter().cloned());
    }
    let db = world.server.db();
    let mut server = load(db).await;
    for device in &world.devices {
        for row in db.audit_rows(device.id).await.unwrap() {
            if let (Some(Mutation::DeleteSite { site }), "accepted") = (
                device.journal.expected.get(&row.mutation_id),
                row.status.as_str(),
            ) {
                server.deleted_sites.insert(*site);
            }
        }
    }

    // Hazard events: positions without holes, each event once.
    let mut by_hazard: BTreeMap<HazardId, Vec<&EventRow>> = BTreeMap::new();
    for row in &server.events {
        by_hazard.entry(row.hazard).or_default().push(row);
    }
    for (hazard, rows) in &by_hazard {
        let positions: Vec<i64> = rows.iter().map(|r| r.position).collect();
        if positions != (0..rows.len() as i64).collect::<Vec<_>>() {
            errors.push(format!("hazard {hazard}: event positions {positions:?}"));
        }
        let events: Vec<HazardEvent> = rows.iter().map(|r| r.event.clone()).collect();
        match Hazard::replay(&events) {
            Ok(replayed) => {
                let stored = server.hazards.get(hazard).map(|h| &h.doc);
                if stored != Some(&json(&replayed)) {
                    errors.push(format!(
                        "hazard {hazard}: the stored state is not the replay of its events"
                    ));
                }
            }
            Err(e) => errors.push(format!("hazard {hazard}: its events do not replay: {e}")),
        }
    }
    let mut event_rows: BTreeMap<_, Vec<&EventRow>> = BTreeMap::new();
    for row in &server.events {
        event_rows.entry(row.event.id).or_default().push(row);
    }
    if server.hazards.len() != by_hazard.len() {
        errors.push(format!(
            "{} hazards but {} hazards with events",
            server.hazards.len(),
            by_hazard.len()
        ));
    }

    let mut accepted_events = 0usize;
    let mut site_ids = BTreeSet::new();
    let mut inspection_ids = BTreeSet::new();
    for device in &world.devices {
        check_device(
            device,
            db,
            &server,
            &event_rows,
            &mut errors,
            &mut accepted_events,
        )
        .await;
        let refused: BTreeSet<MutationId> =
            device.store.refused.iter().map(|r| r.mutation_id).collect();
        for (id, mutation) in &device.journal.expected {
            if refused.contains(id) {
                continue;
            }
            match mutation {
                Mutation::UpsertSite { site } => {
                    site_ids.insert(site.id());
                }
                Mutation::SaveInspection { inspection } => {
                    inspection_ids.insert(inspection.id.to_string());
                }
                _ => {}
            }
        }
        check_photos(device, world, &mut errors).await;
        check_view(device, &server, &mut errors);
    }
    if server.events.len() != accepted_events {
        errors.push(format!(
            "{} hazard events stored, {accepted_events} accepted",
            server.events.len()
        ));
    }
    // Every site made is there, unless deleted (another device may have saved it again).
    let stored: BTreeSet<SiteId> = server.sites.keys().copied().collect();
    if !stored.is_subset(&site_ids)
        || site_ids
            .iter()
            .any(|id| !stored.contains(id) && !server.deleted_sites.contains(id))
    {
        errors.push(format!(
            "the server has {} sites, the devices made {} and deleted {}",
            server.sites.len(),
            site_ids.len(),
            server.deleted_sites.len()
        ));
    }
    if server.inspections.keys().cloned().collect::<BTreeSet<_>>() != inspection_ids {
        errors.push(format!(
            "the server has {} inspections, the devices saved {}",
            server.inspections.len(),
            inspection_ids.len()
        ));
    }
    errors
}

/// Outbox empty; every committed entry settled exactly once, in a row of seqs without holes;
/// only the rejections the scenario causes.
async fn check_device(
    device: &Device,
    db: &Db,
    server: &ServerView,
    event_rows: &BTreeMap<anxun_domain::ids::EventId, Vec<&EventRow>>,
    errors: &mut Vec<String>,
    accepted_events: &mut usize,
) {
    let name = format!("device {}", device.index);
    if !device.store.outbox.is_empty() {
        errors.push(format!(
            "{name}: {} entries left in the outbox",
            device.store.outbox.len()
        ));
    }
    let rows = db.audit_rows(device.id).await.unwrap();
    let last_seq = db.device_last_seq(device.id).await.unwrap();
    let seqs: Vec<u64> = rows.iter().map(|r| r.seq).collect();
    if seqs != (1..=rows.len() as u64).collect::<Vec<_>>() || last_seq != rows.len() as u64 {
        errors.push(format!("{name}: audit seqs {seqs:?}, last_seq {last_seq}"));
    }
    let mut seen: BTreeMap<MutationId, usize> = BTreeMap::new();
    for row in &rows {
        *seen.entry(row.mutation_id).or_default() += 1;
    }
    for (id, count) in &seen {
        if *count != 1 {
            errors.push(format!("{name}: mutation {id} settled {count} times"));
        }
        if !device.journal.expected.contains_key(id) {
            errors.push(format!(
                "{name}: mutation {id} settled but never committed (or replaced)"
            ));
        }
    }
    for id in device.journal.expected.keys() {
        if !seen.contains_key(id) {
            errors.push(format!(
                "{name}: committed mutation {id} never reached the server"
            ));
        }
    }
    let refused: BTreeSet<MutationId> =
        device.store.refused.iter().map(|r| r.mutation_id).collect();
    for row in &rows {
        let Some(mutation) = device.journal.expected.get(&row.mutation_id) else {
            continue;
        };
        match (row.status.as_str(), mutation) {
            ("accepted", Mutation::HazardEvent { event }) => {
                *accepted_events += 1;
                match event_rows.get(&event.id).map(Vec::as_slice) {
                    Some([stored]) if stored.device == device.id => {}
                    other => errors.push(format!(
                        "{name}: accepted event {} stored {} times",
                        event.id,
                        other.map_or(0, |o| o.len())
                    )),
                }
            }
            ("accepted", _) => {}
            ("rejected", mutation) => {
                let code = row.code.as_deref().unwrap_or("");
                if let Err(why) = rejection_allowed(device, server, mutation, code) {
                    errors.push(format!(
                        "{name}: seq {} ({}) rejected {code}: {:?}: {why}",
                        row.seq,
                        crate::device::op_name(mutation),
                        row.message
                    ));
                }
                if !refused.contains(&row.mutation_id) {
                    errors.push(format!(
                        "{name}: rejection of {} not shown on the device",
                        row.mutation_id
                    ));
                }
            }
            (status, mutation) => errors.push(
                format!(
                    "{name}: seq {} ({}) {status} {:?}: {:?}",
                    row.seq,
                    row.op.as_deref().unwrap_or("?"),
                    row.code,
                    row.message
                ) + &format!(" [{}]", crate::device::op_name(mutation)),
            ),
        }
    }
    if refused.len() != rows.iter().filter(|r| r.status == "rejected").count() {
        errors.push(format!(
            "{name}: refused entries on the device differ from the server's rejections"
        ));
    }
}

/// The rejections the scenario causes, each only in its situation; anything else is a bug.
fn rejection_allowed(
    device: &Device,
    server: &ServerView,
    mutation: &Mutation,
    code: &str,
) -> Result<(), &'static str> {
    let scope = &device.user.scope;
    let site_outside = |id: &SiteId| {
        server
            .site_regions
            .get(id)
            .is_some_and(|region| !scope.covers(region))
    };
    match (mutation, code) {
        // Another device moved the site out of this user's scope first.
        (Mutation::UpsertSite { site }, "out_of_scope") if site_outside(&site.id()) => Ok(()),
        (Mutation::DeleteSite { site }, "out_of_scope") if site_outside(site) => Ok(()),
        (Mutation::SaveInspection { inspection }, "out_of_scope")
            if site_outside(&inspection.site) =>
        {
            Ok(())
        }
        // Its maker deleted the site first.
        (Mutation::SaveInspection { inspection }, "unknown_site")
            if server.deleted_sites.contains(&inspection.site) =>
        {
            Ok(())
        }
        (Mutation::HazardEvent { event }, "unknown_site") => match &event.action {
            HazardAction::Report(new) if server.deleted_sites.contains(&new.site) => Ok(()),
            _ => Err("the site was never deleted"),
        },
        // Another device inspected the site, or reported a hazard there, first.
        (Mutation::DeleteSite { site }, "in_use") => {
            let inspected = server
                .inspections
                .values()
                .any(|doc| doc["site"] == json(site));
            let reported = server
                .events
                .iter()
                .any(|e| matches!(&e.event.action, HazardAction::Report(new) if new.site == *site));
            if inspected || reported {
                Ok(())
            } else {
                Err("nothing refers to the site")
            }
        }
        (Mutation::HazardEvent { event }, "invalid_transition" | "out_of_scope") => {
            // The hazard never reached the ledger (its report was refused), so its later
            // events cannot apply.
            if !server.hazards.contains_key(&event.hazard) {
                return Ok(());
            }
            match &event.action {
                // A report for a site another device moved out of the user's scope.
                HazardAction::Report(new) if code == "out_of_scope" => {
                    if site_outside(&new.site) {
                        Ok(())
                    } else {
                        Err("the site lies in the user's scope")
                    }
                }
                // A stale event: another device changed the hazard first.
                _ if code == "invalid_transition" => {
                    let others = server
                        .events
                        .iter()
                        .any(|e| e.hazard == event.hazard && e.device != device.id);
                    if others {
                        Ok(())
                    } else {
                        Err("no other device touched the hazard")
                    }
                }
                _ => Err("the hazard lies in the user's scope"),
            }
        }
        _ => Err("the scenario never causes this rejection"),
    }
}

/// Every photo a committed mutation references is stored, with the device's bytes.
async fn check_photos(device: &Device, world: &World, errors: &mut Vec<String>) {
    let mut hashes: BTreeSet<Sha256Hex> = BTreeSet::new();
    for mutation in device.journal.expected.values() {
        hashes.extend(mutation.photos());
    }
    for hash in hashes {
        let Some(local) = device.store.photos.get(&hash) else {
            errors.push(format!(
                "device {}: photo {hash} referenced but not on the device",
                device.index
            ));
            continue;
        };
        match world.server.photos().get(&hash).await {
            Ok(Some(photo)) if photo.bytes.as_ref() == local.bytes.as_slice() => {}
            Ok(Some(_)) => errors.push(format!("photo {hash}: stored bytes differ")),
            Ok(None) => errors.push(format!(
                "device {}: photo {hash} missing on the server",
                device.index
            )),
            Err(e) => errors.push(format!("photo {hash}: {e}")),
        }
    }
}

fn check_inspections(device: &Device, server: &ServerView, errors: &mut Vec<String>) {
    let refused: BTreeSet<MutationId> =
        device.store.refused.iter().map(|r| r.mutation_id).collect();
    let refused_inspections: BTreeSet<_> = device
        .journal
        .expected
        .iter()
        .filter(|(id, _)| refused.contains(id))
        .filter_map(|(_, mutation)| match mutation {
            Mutation::SaveInspection { inspection } => Some(inspection.id),
            _ => None,
        })
        .collect();
    for (id, inspection) in &device.store.inspections {
        if refused_inspections.contains(id) {
            // Shown as refused on the device; the server keeps what it had, if anything.
            continue;
        }
        if server.inspections.get(&id.to_string()) != Some(&json(inspection)) {
            errors.push(format!(
                "device {}: inspection {id} differs on the server",
                device.index
            ));
        }
    }
}

/// The device shows exactly the server's sites and hazards in its scope, and its inspections
/// as the server holds them.
fn check_view(device: &Device, server: &ServerView, errors: &mut Vec<String>) {
    let name = format!("device {}", device.index);
    let scope = &device.user.scope;
    if !device.store.local_events.is_empty() {
        errors.push(format!(
            "{name}: {} hazards with own events never pulled back",
            device.store.local_events.len()
        ));
    }
    let server_sites: BTreeMap<SiteId, &Value> = server
        .sites
        .iter()
        .filter(|(id, _)| scope.covers(&server.site_regions[*id]))
        .map(|(id, doc)| (*id, doc))
        .collect();
    let device_sites: BTreeMap<SiteId, Value> = device
        .store
        .sites
        .iter()
        .map(|(id, s)| (*id, json(s)))
        .collect();
    if server_sites.keys().collect::<Vec<_>>() != device_sites.keys().collect::<Vec<_>>() {
        errors.push(format!(
            "{name}: shows {} sites, the server has {} in its scope",
            device_sites.len(),
            server_sites.len()
        ));
    }
    for (id, doc) in &device_sites {
        if let Some(server_doc) = server_sites.get(id)
            && *server_doc != doc
        {
            errors.push(format!("{name}: site {id} differs from the server's"));
        }
    }
    check_inspections(device, server, errors);
    let server_hazards: BTreeMap<HazardId, &Value> = server
        .hazards
        .iter()
        .filter(|(_, h)| scope.covers(&h.region))
        .map(|(id, h)| (*id, &h.doc))
        .collect();
    let device_hazards: BTreeMap<HazardId, Value> = device
        .hazards()
        .iter()
        .map(|(id, h)| (*id, json(h)))
        .collect();
    if server_hazards.keys().collect::<Vec<_>>() != device_hazards.keys().collect::<Vec<_>>() {
        errors.push(format!(
            "{name}: shows {} hazards, the server has {} in its scope",
            device_hazards.len(),
            server_hazards.len()
        ));
    }
    for (id, doc) in &device_hazards {
        if let Some(server_doc) = server_hazards.get(id)
            && *server_doc != doc
        {
            errors.push(format!("{name}: hazard {id} differs from the server's"));
        }
    }
}
