//! A simulated device: what the app keeps in IndexedDB ([`Store`], durable: it survives a
//! crash) and where its sync run is ([`Phase`], volatile: a crash forgets it).
//!
//! Every local change and every sync step that the app commits in one IndexedDB transaction
//! is one call here that changes [`Store`] at once, so a crash "between any two steps" is a
//! crash between two of these calls. Sync decisions come only from the domain's engine
//! (`renumbering`, `next_round`, `settle`, `device_hazard`, `replaceable`, `Backoff`).

use crate::{
    rng::Rng,
    server::{Call, GRIDS, Reply, SimUser, region_path},
};
use anxun_domain::{
    api::{PullQuery, PullResponse, PushRequest, PushResponse},
    hazard::{Hazard, HazardAction, HazardEvent, HazardState, ResponsibleParty},
    ids::{DeviceId, EventId, HazardId, InspectionId, MutationId, SiteId},
    inspection::{
        AnswerValue, Inspection, InspectionKind, InspectionStatus, InspectorRef, ItemAnswer,
        RepresentativeSignature, Signature, Verdict,
        finding::{Finding, Rectification},
    },
    photo::Sha256Hex,
    role::{Actor, Role},
    site::{Area, FireClass, Site, SiteType, SiteWire},
    sync::{
        Mutation, OutboxEntry, PROTOCOL_VERSION,
        engine::{self, Backoff, Refused},
    },
    template::{AnswerSpec, Template},
    text::Text,
};
use chrono::{DateTime, Duration, Utc};
use std::{
    collections::{BTreeMap, BTreeSet, VecDeque},
    sync::{Arc, LazyLock},
};

/// The built-in templates, parsed once.
static TEMPLATES: LazyLock<Vec<Template>> = LazyLock::new(anxun_domain::templates::builtin);

fn template(area: Area) -> &'static Template {
    TEMPLATES.iter().find(|t| t.area == area).unwrap()
}

fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

/// The same bytes on every device (a photo two inspectors both have): uploaded twice, stored
/// once.
const SHARED_PHOTO: &[u8] = b"\xFF\xD8\xFF\xE0 the same notice on every phone \xFF\xD9";

/// A photo on the device.
#[derive(Debug, Clone)]
pub struct LocalPhoto {
    pub bytes: Arc<Vec<u8>>,
    pub mime: &'static str,
    /// The server is known to hold it (HEAD or PUT answered so).
    pub confirmed: bool,
}

/// What the device keeps in IndexedDB.
#[derive(Debug, Clone, Default)]
pub struct Store {
    pub outbox: BTreeMap<u64, OutboxEntry>,
    pub next_seq: u64,
    pub sent_through: u64,
    pub photos: BTreeMap<Sha256Hex, LocalPhoto>,
    pub sites: BTreeMap<SiteId, Site>,
    pub inspections: BTreeMap<InspectionId, Inspection>,
    /// Hazard events the server confirmed (pulled), in its order.
    pub confirmed: BTreeMap<HazardId, Vec<HazardEvent>>,
    /// This device's own events that no pull has brought back yet (and not refused).
    pub local_events: BTreeMap<HazardId, Vec<HazardEvent>>,
    /// Entries the server refused, shown to the inspector.
    pub refused: Vec<Refused>,
    pub pull_cursor: u64,
    /// Sites made on this device (only those may be deleted, as mistakes).
    pub created_sites: BTreeSet<SiteId>,
    /// Sites deleted here whose deletion the server has not settled: shown again if refused.
    pub deleted_sites: BTreeMap<SiteId, Site>,
    /// The server's version of a site (none: gone from the scope) that a pull brought while
    /// the device had changes of its own pending, so it was not shown: if those changes are
    /// refused, it is the server's version, and the device shows it then.
    pub shadowed: BTreeMap<SiteId, Option<Site>>,
}

/// What the simulation notes about a device to check it later (not device state).
#[derive(Debug, Clone, Default)]
pub struct Journal {
    /// Every committed mutation that was not replaced by a newer save: each must reach the
    /// server exactly once.
    pub expected: BTreeMap<MutationId, Mutation>,
    /// Things that must never happen (a server error, an answer the engine cannot use).
    pub anomalies: Vec<String>,
    /// Sync runs that finished.
    pub syncs: u32,
    /// Entries answered `missing_photo`.
    pub missing_photo: u32,
    /// Pull pages applied.
    pub pulls: u32,
}

/// A push round in progress: its entries and the photos still to upload.
#[derive(Debug, Clone)]
pub struct Round {
    entries: Vec<OutboxEntry>,
    photos: VecDeque<Sha256Hex>,
}

/// Where the sync run is (volatile).
#[derive(Debug, Clone)]
pub enum Phase {
    Idle,
    /// Renumber, pick the round, record `sent_through`.
    Plan,
    /// Upload the round's next photo (HEAD first), or push when none is left.
    Upload(Round),
    AwaitHead(Round),
    /// HEAD said 404: PUT it.
    Put(Round),
    AwaitPut(Round),
    AwaitPush(Vec<OutboxEntry>),
    Pull,
    AwaitPull,
}

/// What a step asks the world to do.
#[derive(Debug)]
pub enum Step {
    /// Nothing to send (a local commit, or nothing to do).
    Local,
    Send(Call),
}

pub struct Device {
    pub index: usize,
    pub id: DeviceId,
    pub user: SimUser,
    pub store: Store,
    pub journal: Journal,
    pub phase: Phase,
    /// The request the device waits for.
    pub waiting: Option<u64>,
    /// Bumped by every crash: answers to an earlier life are not heard.
    pub incarnation: u32,
    rng: Rng,
    /// The device clock's error, in seconds (devices' clocks are wrong).
    skew: i64,
    backoff: Backoff,
    /// Virtual time before which no new sync starts (after failures).
    retry_at: i64,
    /// Virtual time until which the device has no network (no sync starts).
    offline_until: i64,
    /// Push round size (the app uses MAX_PUSH_ENTRIES; smaller rounds exercise more).
    max_entries: usize,
    /// Photo uploads are sometimes left to the server's `missing_photo` answer.
    pub eager_push_percent: u32,
}

/// The virtual epoch: every seed's clocks start here.
pub fn epoch() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-06-02T01:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

impl Device {
    pub fn new(index: usize, user: SimUser, rng: &mut Rng) -> Device {
        let mut rng = rng.fork();
        let id = DeviceId::from_parts(epoch(), rng.bytes());
        let skew = rng.range(0, 4 * 3600) as i64 - 2 * 3600;
        let max_entries = *rng.pick(&[1, 2, 3, 5, 8, 200]).unwrap();
        let eager_push_percent = *rng.pick(&[0, 0, 10, 50]).unwrap();
        Device {
            index,
            id,
            user,
            store: Store {
                next_seq: 1,
                ..Store::default()
            },
            journal: Journal::default(),
            phase: Phase::Idle,
            waiting: None,
            incarnation: 0,
            rng,
            skew,
            backoff: Backoff::default(),
            retry_at: 0,
            offline_until: 0,
            max_entries,
            eager_push_percent,
        }
    }

    /// The device clock at virtual time `now` (seconds since the epoch).
    fn clock(&self, now: i64) -> DateTime<Utc> {
        epoch() + Duration::seconds(now + self.skew)
    }

    fn actor(&self) -> Actor {
        Actor {
            user: self.user.id,
            role: Role::Inspector,
            scope: self.user.scope.clone(),
        }
    }

    fn anomaly(&mut self, what: String) {
        self.journal
            .anomalies
            .push(format!("device {}: {what}", self.index));
    }

    // ----- crashes -----

    /// The app is killed: everything not in IndexedDB is gone.
    pub fn crash(&mut self) {
        self.phase = Phase::Idle;
        self.waiting = None;
        self.incarnation += 1;
    }

    pub fn is_idle(&self) -> bool {
        matches!(self.phase, Phase::Idle)
    }

    // ----- local changes (each one IndexedDB transaction) -----

    /// Writes records' outbox entries: unsent saves of `replaces` go (engine::replaceable),
    /// the new entries take the next sequence numbers.
    fn enqueue(
        &mut self,
        at: DateTime<Utc>,
        replaces: Option<InspectionId>,
        mutations: Vec<Mutation>,
    ) {
        if let Some(inspection) = replaces {
            let saves: Vec<u64> = self
                .store
                .outbox
                .values()
                .filter(|entry| matches!(&entry.mutation, Mutation::SaveInspection { inspection: i } if i.id == inspection))
                .map(|entry| entry.seq)
                .collect();
            for seq in engine::replaceable(&saves, self.store.sent_through) {
                let entry = self.store.outbox.remove(&seq).unwrap();
                self.journal.expected.remove(&entry.mutation_id);
            }
        }
        for mutation in mutations {
            let seq = self.store.next_seq;
            self.store.next_seq += 1;
            let mutation_id = MutationId::from_parts(at, self.rng.bytes());
            self.journal.expected.insert(mutation_id, mutation.clone());
            self.store.outbox.insert(
                seq,
                OutboxEntry {
                    mutation_id,
                    seq,
                    mutation,
                },
            );
        }
    }

    fn new_photo(&mut self, png: bool) -> Sha256Hex {
        let bytes = if !png && self.rng.percent(10) {
            SHARED_PHOTO.to_vec()
        } else {
            let mut bytes: Vec<u8> = if png {
                b"\x89PNG\r\n\x1a\n".to_vec()
            } else {
                b"\xFF\xD8\xFF\xE0".to_vec()
            };
            bytes.extend_from_slice(&self.rng.bytes::<24>());
            bytes.extend_from_slice(b"\xFF\xD9");
            bytes
        };
        let hash = Sha256Hex::digest(&bytes);
        self.store.photos.entry(hash.clone()).or_insert(LocalPhoto {
            bytes: Arc::new(bytes),
            mime: if png { "image/png" } else { "image/jpeg" },
            confirmed: false,
        });
        hash
    }

    /// Makes one local change, as the inspector would; a description for the trace.
    pub fn act(&mut self, now: i64) -> Option<String> {
        let choice = self.rng.below(100);
        let drafts: Vec<InspectionId> = self
            .store
            .inspections
            .values()
            .filter(|i| i.status == InspectionStatus::Draft)
            // A draft of a site that left the device (moved out of the user's scope, deleted)
            // cannot be worked on.
            .filter(|i| self.store.sites.contains_key(&i.site))
            .map(|i| i.id)
            .collect();
        match choice {
            _ if self.store.sites.is_empty() => self.create_site(now),
            0..12 => self.create_site(now),
            12..20 => self.edit_site(now),
            20..35 => self.start_inspection(now),
            35..48 if !drafts.is_empty() => {
                let id = *self.rng.pick(&drafts).unwrap();
                self.edit_draft(now, id)
            }
            48..60 if !drafts.is_empty() => {
                let id = *self.rng.pick(&drafts).unwrap();
                self.complete(now, id)
            }
            60..63 => self.delete_site(now),
            _ => self.hazard_event(now),
        }
    }

    fn create_site(&mut self, now: i64) -> Option<String> {
        let grids: Vec<_> = GRIDS
            .iter()
            .map(|g| region_path(*g))
            .filter(|r| self.user.scope.covers(r))
            .collect();
        let region = self.rng.pick(&grids)?.clone();
        let at = self.clock(now);
        let mut areas = vec![*self.rng.pick(&Area::ALL).unwrap()];
        if self.rng.percent(30) {
            areas.push(*self.rng.pick(&Area::ALL).unwrap());
        }
        let n = self.store.sites.len();
        let site = Site::new(SiteWire {
            id: SiteId::from_parts(at, self.rng.bytes()),
            name: text(&format!("场所{}-{n}", self.index)),
            address: text("漕溪北路1号"),
            site_type: SiteType::Restaurant,
            areas,
            credit_code: None,
            responsible: None,
            region,
            gps: None,
            fire_class: FireClass::default(),
            parties: Vec::new(),
        })
        .unwrap();
        let description = format!("create site {}", site.id());
        self.store.sites.insert(site.id(), site.clone());
        self.store.created_sites.insert(site.id());
        self.enqueue(
            at,
            None,
            vec![Mutation::UpsertSite {
                site: Box::new(site),
            }],
        );
        Some(description)
    }

    fn edit_site(&mut self, now: i64) -> Option<String> {
        let ids: Vec<SiteId> = self.store.sites.keys().copied().collect();
        let id = *self.rng.pick(&ids)?;
        let at = self.clock(now);
        let mut fields = self.store.sites[&id].clone().into_fields();
        fields.address = text(&format!("漕溪北路{}号", self.rng.range(1, 999)));
        let mut description = format!("edit site {id}");
        if self.rng.percent(30) {
            // A correction of the site's grid, anywhere in the user's scope.
            let grids: Vec<_> = GRIDS
                .iter()
                .map(|g| region_path(*g))
                .filter(|r| self.user.scope.covers(r))
                .collect();
            fields.region = self.rng.pick(&grids).unwrap().clone();
            description = format!("move site {id} to {}", fields.region.grid.as_str());
        }
        let site = Site::new(fields).unwrap();
        self.store.sites.insert(id, site.clone());
        self.enqueue(
            at,
            None,
            vec![Mutation::UpsertSite {
                site: Box::new(site),
            }],
        );
        Some(description)
    }

    /// Deletes a site made here by mistake: only while nothing on the device refers to it.
    fn delete_site(&mut self, now: i64) -> Option<String> {
        let hazards = self.hazards();
        let candidates: Vec<SiteId> = self
            .store
            .created_sites
            .iter()
            .copied()
            .filter(|id| self.store.sites.contains_key(id))
            .filter(|id| !self.store.inspections.values().any(|i| i.site == *id))
            .filter(|id| !hazards.values().any(|h| h.details().site == *id))
            .collect();
        let id = *self.rng.pick(&candidates)?;
        let at = self.clock(now);
        let site = self.store.sites.remove(&id).unwrap();
        self.store.deleted_sites.insert(id, site);
        self.enqueue(at, None, vec![Mutation::DeleteSite { site: id }]);
        Some(format!("delete site {id}"))
    }

    /// Answers an item: failed (with a photo, so that it counts as evidence) or not.
    fn answer(
        &mut self,
        inspection: &mut Inspection,
        template: &Template,
        item: usize,
        fail: bool,
    ) {
        let spec = template.items().nth(item).unwrap();
        let value = match &spec.answer {
            AnswerSpec::PassFail => None,
            AnswerSpec::Number { min, .. } => Some(AnswerValue::Number(*min)),
            AnswerSpec::Choice { options, .. } => {
                Some(AnswerValue::Choice(options[0].code.clone()))
            }
        };
        let id = spec.id.clone();
        let answer = if fail {
            ItemAnswer {
                verdict: Verdict::Fail,
                value,
                note: None,
                photos: vec![self.new_photo(false)],
                combined: Vec::new(),
            }
        } else if self.rng.percent(50) {
            ItemAnswer {
                verdict: Verdict::Pass,
                value,
                note: None,
                photos: Vec::new(),
                combined: Vec::new(),
            }
        } else {
            ItemAnswer {
                verdict: Verdict::NotApplicable,
                value: None,
                note: None,
                photos: Vec::new(),
                combined: Vec::new(),
            }
        };
        inspection.answer(template, &id, answer).unwrap();
    }

    fn site_of(&self, inspection: &Inspection) -> Site {
        self.store.sites[&inspection.site].clone()
    }

    fn sync_findings(
        &mut self,
        inspection: &mut Inspection,
        template: &Template,
        at: DateTime<Utc>,
    ) {
        let site = self.site_of(inspection);
        let today = at.date_naive();
        let mut ids = Vec::new();
        for _ in 0..template.items().count() {
            ids.push(HazardId::from_parts(at, self.rng.bytes()));
        }
        let mut ids = ids.into_iter();
        inspection.sync_findings(template, &site, today, || ids.next().unwrap());
    }

    fn save(&mut self, at: DateTime<Utc>, inspection: Inspection) {
        let id = inspection.id;
        self.store.inspections.insert(id, inspection.clone());
        self.enqueue(
            at,
            Some(id),
            vec![Mutation::SaveInspection {
                inspection: Box::new(inspection),
            }],
        );
    }

    fn start_inspection(&mut self, now: i64) -> Option<String> {
        let ids: Vec<SiteId> = self.store.sites.keys().copied().collect();
        let site = self.store.sites[self.rng.pick(&ids)?].clone();
        let area = *self.rng.pick(site.areas()).unwrap();
        let template = template(area);
        let at = self.clock(now);
        let mut inspection = Inspection::start(
            InspectionId::from_parts(at, self.rng.bytes()),
            InspectionKind::RoutinePatrol,
            site.id(),
            template,
            vec![InspectorRef {
                user: self.user.id,
                name: text(self.user.name),
                organisation: None,
                badge: None,
            }],
            at,
        );
        let items = template.items().count();
        for _ in 0..self.rng.range(0, 3) {
            let item = self.rng.below(items);
            let fail = self.rng.percent(30);
            self.answer(&mut inspection, template, item, fail);
        }
        self.sync_findings(&mut inspection, template, at);
        let description = format!("start inspection {} at {}", inspection.id, site.id());
        self.save(at, inspection);
        Some(description)
    }

    fn edit_draft(&mut self, now: i64, id: InspectionId) -> Option<String> {
        let mut inspection = self.store.inspections[&id].clone();
        let area = template_area(&inspection);
        let template = template(area);
        let at = self.clock(now);
        let items = template.items().count();
        for _ in 0..self.rng.range(1, 4) {
            let item = self.rng.below(items);
            let fail = self.rng.percent(30);
            self.answer(&mut inspection, template, item, fail);
        }
        self.sync_findings(&mut inspection, template, at);
        if self.rng.percent(15) {
            let hazard = HazardId::from_parts(at, self.rng.bytes());
            inspection
                .add_finding(hazard, text("消防通道堆放杂物"), at.date_naive())
                .unwrap();
            let mut finding = inspection.findings.last().unwrap().clone();
            finding.photos.push(self.new_photo(false));
            inspection.edit_finding(template, finding).unwrap();
        }
        self.save(at, inspection);
        Some(format!("edit draft {id}"))
    }

    fn complete(&mut self, now: i64, id: InspectionId) -> Option<String> {
        let mut inspection = self.store.inspections[&id].clone();
        let template = template(template_area(&inspection));
        let site = self.site_of(&inspection);
        let at = self.clock(now);
        let unanswered: Vec<usize> = template
            .items()
            .enumerate()
            .filter(|(_, item)| !inspection.answers.contains_key(&item.id))
            .map(|(i, _)| i)
            .collect();
        for item in unanswered {
            let fail = self.rng.percent(5);
            self.answer(&mut inspection, template, item, fail);
        }
        self.sync_findings(&mut inspection, template, at);
        let findings: Vec<Finding> = inspection.findings.clone();
        for mut finding in findings {
            if let Rectification::OnTheSpot { .. } = finding.rectification {
                finding.rectification = Rectification::OnTheSpot {
                    measures: Some(text("当场关闭阀门并更换软管")),
                    after_photos: vec![self.new_photo(false)],
                };
                inspection.edit_finding(template, finding).unwrap();
            }
        }
        inspection.inspector_signature = Some(Signature {
            name: text(self.user.name),
            image: self.new_photo(true),
            signed_at: at,
        });
        inspection.representative = Some(if self.rng.percent(70) {
            RepresentativeSignature::Signed(Signature {
                name: text("王老板"),
                image: self.new_photo(true),
                signed_at: at,
            })
        } else {
            RepresentativeSignature::Refused {
                name: None,
                reason: text("负责人不在场"),
                recorded_at: at,
            }
        });
        if let Err(missing) = inspection.complete(template, at.max(inspection.started_at)) {
            panic!("the simulation built an incomplete inspection: {missing:?}");
        }
        let mut events =
            inspection.hazard_events(template, &site, &self.actor(), at, |_| (None, None));
        for event in &mut events {
            event.id = EventId::from_parts(at, self.rng.bytes());
        }
        for event in &events {
            self.store
                .local_events
                .entry(event.hazard)
                .or_default()
                .push(event.clone());
        }
        self.store.inspections.insert(id, inspection.clone());
        let mut mutations = vec![Mutation::SaveInspection {
            inspection: Box::new(inspection),
        }];
        let count = events.len();
        mutations.extend(events.into_iter().map(|event| Mutation::HazardEvent {
            event: Box::new(event),
        }));
        self.enqueue(at, Some(id), mutations);
        Some(format!("complete inspection {id} ({count} hazard events)"))
    }

    /// Every hazard the device shows, as it shows it (engine::device_hazard).
    pub fn hazards(&self) -> BTreeMap<HazardId, Hazard> {
        let ids: BTreeSet<HazardId> = self
            .store
            .confirmed
            .keys()
            .chain(self.store.local_events.keys())
            .copied()
            .collect();
        let none = Vec::new();
        ids.into_iter()
            .filter_map(|id| {
                let confirmed = self.store.confirmed.get(&id).unwrap_or(&none);
                let local = self.store.local_events.get(&id).unwrap_or(&none);
                engine::device_hazard(confirmed, local)
                    .ok()
                    .map(|(hazard, _stale)| (id, hazard))
            })
            .collect()
    }

    fn hazard_event(&mut self, now: i64) -> Option<String> {
        let open: Vec<(HazardId, Hazard)> = self
            .hazards()
            .into_iter()
            .filter(|(_, h)| !h.state().is_final())
            .collect();
        // Often a hazard someone else reported: that is where devices meet.
        let others: Vec<(HazardId, Hazard)> = open
            .iter()
            .filter(|(_, h)| h.reported_by().user != self.user.id)
            .cloned()
            .collect();
        let (id, hazard) = match self.rng.pick(&others) {
            Some(other) if self.rng.percent(60) => other.clone(),
            _ => self.rng.pick(&open)?.clone(),
        };
        let at = self.clock(now);
        let mut reason = None;
        let action = match (hazard.state(), self.rng.below(4)) {
            (HazardState::Reported, 0) | (HazardState::Assigned | HazardState::Rectifying, 0) => {
                HazardAction::RectifyOnSpot {
                    measures: text("当场整改"),
                    after_photos: vec![self.new_photo(false)],
                }
            }
            (HazardState::Reported, _) => HazardAction::Assign {
                responsible: ResponsibleParty {
                    name: text("王老板"),
                    contact: None,
                },
                requirement: None,
                deadline: at + Duration::days(30),
                notice: None,
                department: None,
            },
            (HazardState::Assigned, 1) => HazardAction::RequestExtension {
                new_deadline: hazard.deadline().unwrap_or(at) + Duration::days(7),
            },
            (HazardState::Assigned, _) => HazardAction::StartRectification {
                interim_measures: Vec::new(),
            },
            (HazardState::Rectifying, _) => HazardAction::SubmitRectification {
                measures: text("更换了软管"),
                after_photos: vec![self.new_photo(false)],
            },
            (HazardState::RectificationSubmitted, n) => {
                let passed = n != 0;
                if !passed {
                    reason = Some(text("软管仍老化"));
                }
                HazardAction::Reinspect {
                    passed,
                    photos: vec![self.new_photo(false)],
                    inspection: None,
                }
            }
            (HazardState::ReinspectionPassed, _) => HazardAction::Close { approval: None },
            (HazardState::Closed | HazardState::Dismissed, _) => return None,
        };
        if matches!(action, HazardAction::RequestExtension { .. }) {
            reason = Some(text("材料未到货"));
        }
        let event = HazardEvent {
            id: EventId::from_parts(at, self.rng.bytes()),
            hazard: id,
            at,
            actor: self.actor(),
            reason,
            action,
        };
        // The app offers only what the domain allows on the hazard as the device shows it.
        if hazard.apply(&event).is_err() {
            return None;
        }
        let name = event.action.name();
        self.store
            .local_events
            .entry(id)
            .or_default()
            .push(event.clone());
        self.enqueue(
            at,
            None,
            vec![Mutation::HazardEvent {
                event: Box::new(event),
            }],
        );
        Some(format!("hazard {id}: {name}"))
    }

    // ----- sync -----

    /// The inspector goes where there is no signal for a while (changes pile up locally and
    /// meet other devices' changes later).
    pub fn go_offline(&mut self, now: i64, seconds: i64) {
        self.offline_until = now + seconds;
    }

    /// Starts a sync run if none runs and the backoff allows.
    pub fn start_sync(&mut self, now: i64, ignore_backoff: bool) -> bool {
        let waits = now < self.retry_at || now < self.offline_until;
        if !self.is_idle() || (!ignore_backoff && waits) {
            return false;
        }
        self.phase = Phase::Plan;
        true
    }

    fn failed(&mut self, now: i64) {
        self.phase = Phase::Idle;
        self.waiting = None;
        self.backoff = self.backoff.failed();
        self.retry_at = now + self.backoff.delay(self.rng.unit()).num_seconds();
    }

    fn succeeded(&mut self) {
        self.phase = Phase::Idle;
        self.backoff = self.backoff.succeeded();
        self.journal.syncs += 1;
    }

    /// The request timed out (or the connection broke): the run ends, to be retried.
    pub fn timeout(&mut self, now: i64) {
        self.failed(now);
    }

    /// Takes the next step of the sync run, if it is not waiting for an answer.
    pub fn step(&mut self) -> Option<Step> {
        if self.waiting.is_some() {
            return None;
        }
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Idle => None,
            Phase::Plan => {
                self.plan();
                Some(Step::Local)
            }
            Phase::Upload(mut round) => match round.photos.front().cloned() {
                None => {
                    let call = Call::Push(PushRequest {
                        proto_v: PROTOCOL_VERSION,
                        device: self.id,
                        entries: round.entries.clone(),
                    });
                    self.phase = Phase::AwaitPush(round.entries);
                    Some(Step::Send(call))
                }
                Some(hash) if self.store.photos[&hash].confirmed => {
                    round.photos.pop_front();
                    self.phase = Phase::Upload(round);
                    Some(Step::Local)
                }
                Some(hash) => {
                    self.phase = Phase::AwaitHead(round);
                    Some(Step::Send(Call::HeadPhoto(hash)))
                }
            },
            Phase::Put(round) => {
                let hash = round.photos.front().unwrap().clone();
                let photo = &self.store.photos[&hash];
                let call = Call::PutPhoto(hash, photo.mime, photo.bytes.clone());
                self.phase = Phase::AwaitPut(round);
                Some(Step::Send(call))
            }
            Phase::Pull => {
                self.phase = Phase::AwaitPull;
                Some(Step::Send(Call::Pull(PullQuery {
                    cursor: self.store.pull_cursor,
                    limit: Some(*self.rng.pick(&[2, 5, 500]).unwrap()),
                })))
            }
            waiting @ (Phase::AwaitHead(_)
            | Phase::AwaitPut(_)
            | Phase::AwaitPush(_)
            | Phase::AwaitPull) => {
                // Waiting without a request: cannot happen.
                self.anomaly(format!("phase {waiting:?} without a request"));
                None
            }
        }
    }

    /// One transaction: renumber the unsent tail, choose the round, record `sent_through`.
    fn plan(&mut self) {
        let store = &mut self.store;
        let seqs: Vec<u64> = store.outbox.keys().copied().collect();
        for (old, new) in engine::renumbering(&seqs, store.sent_through) {
            let mut entry = store.outbox.remove(&old).unwrap();
            entry.seq = new;
            assert!(
                store.outbox.insert(new, entry).is_none(),
                "renumbering collided"
            );
        }
        store.next_seq = store
            .outbox
            .keys()
            .last()
            .copied()
            .unwrap_or(0)
            .max(store.sent_through)
            + 1;
        let outbox: Vec<OutboxEntry> = store.outbox.values().cloned().collect();
        let photos = &store.photos;
        let round = engine::next_round(&outbox, self.max_entries, |hash| {
            photos.get(hash).is_some_and(|p| p.confirmed)
        });
        match round {
            None => self.phase = Phase::Pull,
            Some(round) => {
                let last = round.entries.last().unwrap().seq;
                store.sent_through = store.sent_through.max(last);
                let photos = if self.rng.percent(self.eager_push_percent) {
                    VecDeque::new()
                } else {
                    round.photos.into()
                };
                self.phase = Phase::Upload(Round {
                    entries: round.entries,
                    photos,
                });
            }
        }
    }

    /// The answer to the request the device waits for.
    pub fn receive(&mut self, reply: Reply, now: i64) {
        self.waiting = None;
        let phase = std::mem::replace(&mut self.phase, Phase::Idle);
        match (phase, reply.status) {
            (Phase::AwaitHead(mut round), 200) | (Phase::AwaitPut(mut round), 200 | 201) => {
                let hash = round.photos.pop_front().unwrap();
                self.store.photos.get_mut(&hash).unwrap().confirmed = true;
                self.phase = Phase::Upload(round);
            }
            (Phase::AwaitHead(round), 404) => self.phase = Phase::Put(round),
            (Phase::AwaitPush(entries), 200) => {
                let response: PushResponse = match serde_json::from_slice(&reply.body) {
                    Ok(response) => response,
                    Err(e) => {
                        self.anomaly(format!("unreadable push answer: {e}"));
                        return self.failed(now);
                    }
                };
                self.settle(&entries, &response, now);
            }
            (Phase::AwaitPull, 200) => {
                let page: PullResponse = match serde_json::from_slice(&reply.body) {
                    Ok(page) => page,
                    Err(e) => {
                        self.anomaly(format!("unreadable pull answer: {e}"));
                        return self.failed(now);
                    }
                };
                let more = page.more;
                self.apply_pull(page);
                if more {
                    self.phase = Phase::Pull;
                } else {
                    self.succeeded();
                }
            }
            (phase, status) => {
                self.anomaly(format!(
                    "unexpected status {status} in {phase:?}: {}",
                    String::from_utf8_lossy(&reply.body)
                ));
                self.failed(now);
            }
        }
    }

    /// One transaction: what the push's answer means for the outbox (engine::settle).
    fn settle(&mut self, sent: &[OutboxEntry], response: &PushResponse, now: i64) {
        let settlement = match engine::settle(sent, response) {
            Ok(settlement) => settlement,
            Err(e) => {
                self.anomaly(format!(
                    "settle: {e}; sent {:?}, answer {response:?}",
                    seqs(sent)
                ));
                return self.failed(now);
            }
        };
        for seq in &settlement.done {
            match self.remove_sent(*seq, sent).map(|entry| entry.mutation) {
                Some(Mutation::DeleteSite { site }) => {
                    self.store.deleted_sites.remove(&site);
                    self.drop_shadow(site);
                }
                // The server holds this change after any version a pull brought meanwhile;
                // a later pull brings whatever comes after it.
                Some(Mutation::UpsertSite { site }) => self.drop_shadow(site.id()),
                _ => {}
            }
        }
        for refused in &settlement.refused {
            match self
                .remove_sent(refused.seq, sent)
                .map(|entry| entry.mutation)
            {
                Some(Mutation::HazardEvent { event }) => {
                    if let Some(events) = self.store.local_events.get_mut(&event.hazard) {
                        events.retain(|e| e.id != event.id);
                        if events.is_empty() {
                            self.store.local_events.remove(&event.hazard);
                        }
                    }
                }
                // The server kept its version, and a pull brought it while this change was
                // pending: show it now.
                Some(Mutation::UpsertSite { site }) if self.shadow_shown(site.id()) => {}
                Some(Mutation::DeleteSite { site }) if self.shadow_shown(site) => {
                    self.store.deleted_sites.remove(&site);
                }
                // The server keeps its version, which lies outside the user's scope now:
                // the device stops showing the site (a pull brings it back if it returns).
                Some(Mutation::UpsertSite { site })
                    if refused.code == anxun_domain::api::RejectionCode::OutOfScope
                        && !self.pending_site(site.id()) =>
                {
                    self.store.sites.remove(&site.id());
                }
                // Moved out of the user's scope meanwhile: gone from the device's view.
                Some(Mutation::DeleteSite { site })
                    if refused.code == anxun_domain::api::RejectionCode::OutOfScope =>
                {
                    self.store.deleted_sites.remove(&site);
                }
                // Someone uses the site: it stays, and the device shows it again.
                Some(Mutation::DeleteSite { site }) => {
                    if let Some(kept) = self.store.deleted_sites.remove(&site)
                        && !self.pending_site(site)
                    {
                        self.store.sites.insert(site, kept);
                    }
                }
                _ => {}
            }
            self.store.refused.push(refused.clone());
        }
        self.journal.missing_photo += response
            .results
            .iter()
            .filter(|r| r.status == anxun_domain::api::PushStatus::MissingPhoto)
            .count() as u32;
        for hash in &settlement.upload {
            match self.store.photos.get_mut(hash) {
                Some(photo) => photo.confirmed = false,
                None => self.anomaly(format!(
                    "the server asks for photo {hash}, not on the device"
                )),
            }
        }
        self.phase = Phase::Plan;
    }

    /// Forgets the shadowed version of a site once no change of the device's is pending.
    fn drop_shadow(&mut self, site: SiteId) {
        if !self.pending_site(site) {
            self.store.shadowed.remove(&site);
        }
    }

    /// After a refused change: shows the shadowed server version, if there is one and no
    /// other change is pending; whether it did.
    fn shadow_shown(&mut self, site: SiteId) -> bool {
        if self.pending_site(site) {
            return false;
        }
        match self.store.shadowed.remove(&site) {
            Some(Some(version)) => {
                self.store.sites.insert(site, version);
                true
            }
            Some(None) => {
                self.store.sites.remove(&site);
                true
            }
            None => false,
        }
    }

    /// Whether an outbox entry still changes the site.
    fn pending_site(&self, id: SiteId) -> bool {
        self.store
            .outbox
            .values()
            .any(|entry| match &entry.mutation {
                Mutation::UpsertSite { site } => site.id() == id,
                Mutation::DeleteSite { site } => *site == id,
                _ => false,
            })
    }

    /// Removes a settled entry, which must still be the one that was sent.
    fn remove_sent(&mut self, seq: u64, sent: &[OutboxEntry]) -> Option<OutboxEntry> {
        let expected = sent.iter().find(|e| e.seq == seq).map(|e| e.mutation_id);
        match self.store.outbox.remove(&seq) {
            Some(entry) if Some(entry.mutation_id) == expected => Some(entry),
            other => {
                self.anomaly(format!(
                    "settled seq {seq} holds {:?}, not the entry sent",
                    other.map(|e| e.mutation_id)
                ));
                None
            }
        }
    }

    /// One transaction: a pulled page and its cursor. A site with pending local changes is
    /// not overwritten (the device's version is on its way and will come back).
    fn apply_pull(&mut self, page: PullResponse) {
        self.journal.pulls += 1;
        let pending: BTreeSet<SiteId> = self
            .store
            .outbox
            .values()
            .filter_map(|entry| match &entry.mutation {
                Mutation::UpsertSite { site } => Some(site.id()),
                Mutation::DeleteSite { site } => Some(*site),
                _ => None,
            })
            .collect();
        for site in page.sites {
            if !self.user.scope.covers(site.region()) {
                self.anomaly(format!(
                    "pulled site {} outside the user's scope",
                    site.id()
                ));
            }
            if pending.contains(&site.id()) {
                self.store.shadowed.insert(site.id(), Some(site));
            } else {
                self.store.sites.insert(site.id(), site);
            }
        }
        for id in page.deleted_sites {
            if pending.contains(&id) {
                self.store.shadowed.insert(id, None);
            } else {
                self.store.sites.remove(&id);
            }
        }
        for event in page.hazard_events {
            let confirmed = self.store.confirmed.entry(event.hazard).or_default();
            if confirmed.iter().any(|e| e.id == event.id) {
                self.anomaly(format!("event {} pulled twice", event.id));
                continue;
            }
            confirmed.push(event.clone());
            if let Some(local) = self.store.local_events.get_mut(&event.hazard) {
                local.retain(|e| e.id != event.id);
                if local.is_empty() {
                    self.store.local_events.remove(&event.hazard);
                }
            }
        }
        if page.cursor < self.store.pull_cursor {
            self.anomaly(format!(
                "pull cursor went back from {} to {}",
                self.store.pull_cursor, page.cursor
            ));
        }
        self.store.pull_cursor = page.cursor;
    }
}

/// The operation's name, as the audit log writes it.
pub fn op_name(mutation: &Mutation) -> &'static str {
    match mutation {
        Mutation::UpsertSite { .. } => "upsert_site",
        Mutation::DeleteSite { .. } => "delete_site",
        Mutation::SaveInspection { .. } => "save_inspection",
        Mutation::HazardEvent { .. } => "hazard_event",
    }
}

fn template_area(inspection: &Inspection) -> Area {
    TEMPLATES
        .iter()
        .find(|t| t.reference() == inspection.template)
        .unwrap()
        .area
}

fn seqs(entries: &[OutboxEntry]) -> Vec<u64> {
    entries.iter().map(|e| e.seq).collect()
}
