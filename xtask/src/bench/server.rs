//! `cargo xtask bench server`: the server's push budgets (issue 6), on the real release
//! binary over loopback, with SQLite (the default) and a fresh data directory.
//!
//! Setup (not timed): the server starts with `--demo`; `demo-admin` creates 100 inspector
//! accounts over the admin API (each scoped to one grid of the demo district), each signs
//! in on a device of their own, uploads the device's photos (evidence and signatures) and
//! pushes a site of their grid. Every push body is built from the domain's types (a completed
//! inspection with its findings turned into hazard events by the domain), so it is valid.
//!
//! 1. Throughput: [`THROUGHPUT_DEVICES`] devices push about [`THROUGHPUT_FINDINGS`] findings
//!    (hazard `report` events) at once, in batches of [`BATCH_ENTRIES`] entries: completed
//!    inspections (`save_inspection`) each followed by their hazard events. Every entry must
//!    answer `accepted`.
//! 2. Latency: `wrk` (Debian) drives 100 devices over 100 connections for
//!    [`LATENCY_SECONDS`] s, back to back (no pause between pushes): each push is one
//!    completed inspection with two findings (5 entries). The Lua script (`push.lua`) keeps
//!    at most one push in flight per device, numbers each device's entries in order and gives
//!    every push fresh ids; it counts every result that is not `accepted`. Afterwards every
//!    device's sequence on the server is checked against what wrk saw (exactly once).

use super::{ServerGuard, agent, wait_for_health};
use crate::{postgres, step, tools};
use anxun_domain::{
    api::{
        ADMIN_USERS_PATH, CreateUserRequest, LOGIN_PATH, LoginRequest, LoginResponse, PushRequest,
        PushResponse, PushStatus, SYNC_PUSH_PATH, UserSummary,
    },
    hazard::HazardAction,
    ids::{DeviceId, HazardId, InspectionId, MutationId, SiteId, UserId},
    inspection::{
        AnswerValue, Inspection, InspectionKind, InspectorRef, ItemAnswer, RepresentativeSignature,
        Signature, Verdict, finding::Rectification,
    },
    photo::Sha256Hex,
    region::{RegionCode, RegionPath, Scope},
    role::{Actor, Role},
    site::{Area, FireClass, Site, SiteType, SiteWire},
    sync::{Mutation, OutboxEntry, PROTOCOL_VERSION},
    template::{AnswerSpec, Template},
    text::Text,
};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration as TimeDelta, Utc};
use std::{
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::Mutex,
    thread,
    time::{Duration, Instant},
};

/// Devices (one inspector each) in the latency run.
const DEVICES: usize = 100;
/// Devices pushing at once in the throughput run.
const THROUGHPUT_DEVICES: usize = 10;
/// Findings pushed in the throughput run (about; whole inspections).
const THROUGHPUT_FINDINGS: usize = 20_000;
/// Failed items per inspection in the throughput run (each one finding).
const THROUGHPUT_FAILED_ITEMS: usize = 3;
/// Entries per push in the throughput run (the most one push may carry).
const BATCH_ENTRIES: usize = 200;
/// Failed items per inspection in the latency run: 1 save + 2 × (report + notice, unless
/// the finding is major and has a deadline) = 4 or 5 entries.
const LATENCY_FAILED_ITEMS: usize = 2;
/// How long each wrk run lasts.
const LATENCY_SECONDS: u32 = 30;
/// The paced run: each device pauses about this long (0.5 to 1.5 times) after each answer.
const PACED_PAUSE_MS: u32 = 1000;
/// wrk's threads (2 cores).
const WRK_THREADS: usize = 2;

const DEMO_PASSWORD: &str = "bench-demo-password-1";
const INSPECTOR_PASSWORD: &str = "bench-inspector-password-1";
const DISTRICT: &str = "demo-district";
/// The demo district's grids (server/src/demo.rs).
const GRIDS: [(&str, &str); 6] = [
    ("demo-s1", "demo-s1-g1"),
    ("demo-s1", "demo-s1-g2"),
    ("demo-s2", "demo-s2-g1"),
    ("demo-s2", "demo-s2-g2"),
    ("demo-s3", "demo-s3-g1"),
    ("demo-s3", "demo-s3-g2"),
];

/// The wrk script (see the module documentation).
const PUSH_LUA: &str = include_str!("push.lua");

/// Budgets of the server benchmarks (issue 6).
pub const BUDGETS: [(&str, &str); 21] = [
    ("push_findings_per_s", "≥ 1000/s"),
    ("push_entries_per_s", "—"),
    ("push_findings_total", "—"),
    ("push_batch_p50", "—"),
    ("push_batch_p99", "—"),
    ("wrk_pushes_per_s", "—"),
    ("wrk_findings_per_s", "—"),
    ("wrk_latency_p50", "—"),
    ("wrk_latency_p90", "—"),
    ("wrk_latency_p99", "≤ 100 ms"),
    ("wrk_latency_max", "—"),
    ("wrk_pushes_total", "—"),
    ("wrk_not_accepted", "0"),
    ("wrk_paced_pushes_per_s", "—"),
    ("wrk_paced_findings_per_s", "—"),
    ("wrk_paced_latency_p50", "—"),
    ("wrk_paced_latency_p90", "—"),
    ("wrk_paced_latency_p99", "≤ 100 ms"),
    ("wrk_paced_latency_max", "—"),
    ("wrk_paced_pushes_total", "—"),
    ("wrk_paced_not_accepted", "0"),
];

/// Runs both server benchmarks against `server` (the release binary); answers the measured
/// `(name, value)` rows.
pub fn run(server: &Path) -> Result<Vec<(String, String)>> {
    step("Server benchmarks (SQLite): push throughput and latency under 100 devices");
    let wrk = ensure_wrk()?;
    let port = postgres::free_port()?;
    let data = std::env::temp_dir().join(format!("anxun-bench-server-{}", std::process::id()));
    let _ = fs::remove_dir_all(&data);
    fs::create_dir_all(&data)?;
    let result = with_server(server, &wrk, port, &data);
    let _ = fs::remove_dir_all(&data);
    result
}

fn with_server(server: &Path, wrk: &Path, port: u16, data: &Path) -> Result<Vec<(String, String)>> {
    let log = fs::File::create(data.join("server.log"))?;
    let child = Command::new(server)
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(data.join("data"))
        .arg("--static-dir")
        .arg(data.join("no-app"))
        .arg("--demo")
        .env("ANXUN_DEMO_PASSWORD", DEMO_PASSWORD)
        .env("ANXUN_ADMIN_PASSWORD", "bench-only-password-1")
        .env_remove("ANXUN_DATABASE_URL")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("starting anxun-server")?;
    let guard = ServerGuard(child);
    let base = format!("http://127.0.0.1:{port}");
    wait_for_health(&base)?;
    let result = measure(&base, wrk, data);
    drop(guard);
    if result.is_err()
        && let Ok(log) = fs::read_to_string(data.join("server.log"))
    {
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        eprintln!("server log (last lines):");
        for line in tail.iter().rev() {
            eprintln!("  {line}");
        }
    }
    result
}

fn measure(base: &str, wrk: &Path, data: &Path) -> Result<Vec<(String, String)>> {
    let started = Instant::now();
    let mut devices = setup_devices(base)?;
    println!(
        "Set up {} inspectors with a device, photos and a site each in {:.1} s",
        devices.len(),
        started.elapsed().as_secs_f64()
    );
    let mut measured = throughput(base, &mut devices[..THROUGHPUT_DEVICES])?;
    measured.extend(latency(base, wrk, data, &mut devices, 0, "wrk")?);
    measured.extend(latency(
        base,
        wrk,
        data,
        &mut devices,
        PACED_PAUSE_MS,
        "wrk_paced",
    )?);
    Ok(measured)
}

/// Debian's wrk, installed if missing.
fn ensure_wrk() -> Result<PathBuf> {
    let path = PathBuf::from("/usr/bin/wrk");
    tools::ensure_debian_packages("wrk (HTTP load generator)", path.exists(), &["wrk"])?;
    Ok(path)
}

// ----- setup -----

/// An inspector's device as the benchmark drives it.
struct Device {
    index: usize,
    id: DeviceId,
    user: UserId,
    name: Text,
    scope: Scope,
    token: String,
    site: Site,
    template: &'static Template,
    /// Two evidence photos (JPEG), the inspector's and the representative's signatures (PNG).
    photos: [Sha256Hex; 4],
    next_seq: u64,
    /// Inspections made so far (varies which items fail).
    inspections: usize,
}

fn text(s: &str) -> Result<Text> {
    Text::parse(s).map_err(|e| anyhow::anyhow!("{s}: {e}"))
}

fn code(s: &str) -> Result<RegionCode> {
    RegionCode::parse(s).map_err(|e| anyhow::anyhow!("{s}: {e}"))
}

fn templates() -> &'static [Template] {
    static TEMPLATES: std::sync::OnceLock<Vec<Template>> = std::sync::OnceLock::new();
    TEMPLATES.get_or_init(anxun_domain::templates::builtin)
}

/// A small image of the given kind whose bytes (and so hash) are unique to `seed`.
fn photo(seed: &str, png: bool) -> Vec<u8> {
    let mut bytes: Vec<u8> = if png {
        b"\x89PNG\r\n\x1a\n".to_vec()
    } else {
        b"\xFF\xD8\xFF\xE0".to_vec()
    };
    bytes.extend_from_slice(format!(" anxun bench photo {seed} ").as_bytes());
    bytes.extend_from_slice(b"\xFF\xD9");
    bytes
}

fn post_json(
    agent: &ureq::Agent,
    url: &str,
    token: Option<&str>,
    body: &[u8],
) -> Result<(u16, Vec<u8>)> {
    let mut request = agent.post(url).header("Content-Type", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let mut response = request.send(body).with_context(|| format!("POST {url}"))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(16 << 20)
        .read_to_vec()?;
    Ok((status, body))
}

fn login(agent: &ureq::Agent, base: &str, username: &str, password: &str) -> Result<LoginResponse> {
    let body = serde_json::to_vec(&LoginRequest {
        username: username.to_owned(),
        password: password.to_owned(),
    })?;
    let (status, body) = post_json(agent, &format!("{base}{LOGIN_PATH}"), None, &body)?;
    if status != 200 {
        bail!(
            "signing in as {username}: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    Ok(serde_json::from_slice(&body)?)
}

/// Creates the inspectors (argon2 hashing makes this the slow part, so a few at a time),
/// signs each in on a new device, uploads its photos and pushes its site as entry 1.
fn setup_devices(base: &str) -> Result<Vec<Device>> {
    let agent = agent();
    let admin = login(&agent, base, "demo-admin", DEMO_PASSWORD)?;
    let next = Mutex::new(0usize);
    let devices = Mutex::new(Vec::with_capacity(DEVICES));
    thread::scope(|s| -> Result<()> {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    let agent = super::agent();
                    loop {
                        let index = {
                            let mut next = next.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                            let index = *next;
                            *next += 1;
                            index
                        };
                        if index >= DEVICES {
                            return Ok(());
                        }
                        let device = setup_device(&agent, base, &admin.token, index)?;
                        devices
                            .lock()
                            .map_err(|_| anyhow::anyhow!("poisoned"))?
                            .push(device);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("a setup thread panicked"))??;
        }
        Ok(())
    })?;
    let mut devices = devices
        .into_inner()
        .map_err(|_| anyhow::anyhow!("poisoned"))?;
    devices.sort_by_key(|d| d.index);
    Ok(devices)
}

fn setup_device(agent: &ureq::Agent, base: &str, admin: &str, index: usize) -> Result<Device> {
    let (street, grid) = GRIDS[index % GRIDS.len()];
    let scope = Scope::Grid {
        district: code(DISTRICT)?,
        street: code(street)?,
        grid: code(grid)?,
    };
    let username = format!("bench-inspector-{index:03}");
    let name = format!("压测网格员{index:03}");
    let request = serde_json::to_vec(&CreateUserRequest {
        username: username.clone(),
        display_name: name.clone(),
        password: INSPECTOR_PASSWORD.to_owned(),
        role: Role::Inspector,
        scope: scope.clone(),
    })?;
    let (status, body) = post_json(
        agent,
        &format!("{base}{ADMIN_USERS_PATH}"),
        Some(admin),
        &request,
    )?;
    if status != 201 {
        bail!(
            "creating {username}: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    let created: UserSummary = serde_json::from_slice(&body)?;
    let session = login(agent, base, &username, INSPECTOR_PASSWORD)?;
    if session.user.id != created.id {
        bail!("{username} signed in as someone else");
    }

    let images = [
        (photo(&format!("{index} evidence a"), false), "image/jpeg"),
        (photo(&format!("{index} evidence b"), false), "image/jpeg"),
        (photo(&format!("{index} inspector"), true), "image/png"),
        (photo(&format!("{index} representative"), true), "image/png"),
    ];
    for (bytes, mime) in &images {
        let hash = Sha256Hex::digest(bytes);
        let url = format!("{base}/api/photos/{hash}");
        let response = agent
            .put(&url)
            .header("Content-Type", *mime)
            .header("Authorization", &format!("Bearer {}", session.token))
            .send(&bytes[..])
            .with_context(|| format!("PUT {url}"))?;
        if !matches!(response.status().as_u16(), 200 | 201) {
            bail!("PUT {url}: {}", response.status());
        }
    }
    let photos = images.map(|(bytes, _)| Sha256Hex::digest(&bytes));

    let area = Area::ALL[index % Area::ALL.len()];
    let template = templates()
        .iter()
        .find(|t| t.area == area)
        .context("no template for an area")?;
    let site = Site::new(SiteWire {
        id: SiteId::generate(),
        name: text(&format!("压测场所{index:03}（演示）"))?,
        address: text(&format!("演示区压测路{index}号"))?,
        site_type: SiteType::Other,
        areas: vec![area],
        credit_code: None,
        responsible: None,
        region: RegionPath {
            district: code(DISTRICT)?,
            street: code(street)?,
            grid: code(grid)?,
        },
        gps: None,
        fire_class: FireClass::default(),
        parties: Vec::new(),
    })
    .map_err(|e| anyhow::anyhow!("bench site: {e}"))?;
    let mut device = Device {
        index,
        id: DeviceId::generate(),
        user: created.id,
        name: text(&name)?,
        scope,
        token: session.token,
        site,
        template,
        photos,
        next_seq: 1,
        inspections: 0,
    };
    let entries = device.entries(vec![Mutation::UpsertSite {
        site: Box::new(device.site.clone()),
    }]);
    let body = device.push_body(entries)?;
    let response = device.push(agent, base, &body)?;
    check_accepted(&response, 1)?;
    Ok(device)
}

impl Device {
    fn actor(&self) -> Actor {
        Actor {
            user: self.user,
            role: Role::Inspector,
            scope: self.scope.clone(),
        }
    }

    /// A completed inspection of the device's site with `failed` failed items (each with a
    /// photo), as the app completes it: the saved inspection, then its hazard events
    /// (each finding's report, then its notice or on-the-spot rectification). Answers the
    /// mutations and how many findings (reports) they carry.
    fn completed_inspection(
        &mut self,
        failed: usize,
        at: DateTime<Utc>,
    ) -> Result<(Vec<Mutation>, usize)> {
        let template = self.template;
        let mut inspection = Inspection::start(
            InspectionId::generate(),
            InspectionKind::RoutinePatrol,
            self.site.id(),
            template,
            vec![InspectorRef {
                user: self.user,
                name: self.name.clone(),
                organisation: None,
                badge: None,
            }],
            at - TimeDelta::minutes(25),
        );
        let items: Vec<_> = template.items().collect();
        let offset = self.inspections * failed;
        self.inspections += 1;
        let failing: Vec<usize> = (0..failed.min(items.len()))
            .map(|k| (offset + k) % items.len())
            .collect();
        for (i, item) in items.iter().enumerate() {
            let value = match &item.answer {
                AnswerSpec::PassFail => None,
                AnswerSpec::Number { min, .. } => Some(AnswerValue::Number(*min)),
                AnswerSpec::Choice { options, .. } => options
                    .first()
                    .map(|option| AnswerValue::Choice(option.code.clone())),
            };
            let answer = if failing.contains(&i) {
                ItemAnswer {
                    verdict: Verdict::Fail,
                    value,
                    note: None,
                    photos: vec![self.photos[i % 2].clone()],
                    combined: Vec::new(),
                }
            } else {
                ItemAnswer {
                    verdict: Verdict::Pass,
                    value,
                    note: None,
                    photos: Vec::new(),
                    combined: Vec::new(),
                }
            };
            inspection
                .answer(template, &item.id, answer)
                .map_err(|e| anyhow::anyhow!("answering {}: {e}", item.id))?;
        }
        inspection.sync_findings(template, &self.site, at.date_naive(), HazardId::generate);
        for mut finding in inspection.findings.clone() {
            if let Rectification::OnTheSpot { .. } = finding.rectification {
                finding.rectification = Rectification::OnTheSpot {
                    measures: Some(text("当场关闭阀门并更换软管")?),
                    after_photos: vec![self.photos[1].clone()],
                };
                inspection
                    .edit_finding(template, finding)
                    .map_err(|e| anyhow::anyhow!("editing a finding: {e}"))?;
            }
        }
        inspection.inspector_signature = Some(Signature {
            name: self.name.clone(),
            image: self.photos[2].clone(),
            signed_at: at,
        });
        inspection.representative = Some(RepresentativeSignature::Signed(Signature {
            name: text("王老板")?,
            image: self.photos[3].clone(),
            signed_at: at,
        }));
        if let Err(missing) = inspection.complete(template, at) {
            bail!("the benchmark built an incomplete inspection: {missing:?}");
        }
        let events =
            inspection.hazard_events(template, &self.site, &self.actor(), at, |_| (None, None));
        let findings = events
            .iter()
            .filter(|e| matches!(e.action, HazardAction::Report(_)))
            .count();
        let mut mutations = vec![Mutation::SaveInspection {
            inspection: Box::new(inspection),
        }];
        mutations.extend(events.into_iter().map(|event| Mutation::HazardEvent {
            event: Box::new(event),
        }));
        Ok((mutations, findings))
    }

    /// Outbox entries for `mutations`, numbered from the device's next sequence number.
    fn entries(&mut self, mutations: Vec<Mutation>) -> Vec<OutboxEntry> {
        mutations
            .into_iter()
            .map(|mutation| {
                let seq = self.next_seq;
                self.next_seq += 1;
                OutboxEntry {
                    mutation_id: MutationId::generate(),
                    seq,
                    mutation,
                }
            })
            .collect()
    }

    fn push_body(&self, entries: Vec<OutboxEntry>) -> Result<Vec<u8>> {
        Ok(serde_json::to_vec(&PushRequest {
            proto_v: PROTOCOL_VERSION,
            device: self.id,
            entries,
        })?)
    }

    fn push(&self, agent: &ureq::Agent, base: &str, body: &[u8]) -> Result<PushResponse> {
        let (status, response) = post_json(
            agent,
            &format!("{base}{SYNC_PUSH_PATH}"),
            Some(&self.token),
            body,
        )?;
        if status != 200 {
            bail!(
                "push from device {}: {status} {}",
                self.index,
                String::from_utf8_lossy(&response)
            );
        }
        Ok(serde_json::from_slice(&response)?)
    }
}

/// Every one of `entries` results is `accepted`.
fn check_accepted(response: &PushResponse, entries: usize) -> Result<()> {
    if response.results.len() != entries {
        bail!("{} results for {entries} entries", response.results.len());
    }
    if let Some(result) = response
        .results
        .iter()
        .find(|r| r.status != PushStatus::Accepted)
    {
        bail!(
            "entry {} answered {:?} ({:?}: {:?})",
            result.seq,
            result.status,
            result.code,
            result.message
        );
    }
    Ok(())
}

// ----- throughput -----

/// One prepared push: its body, entries and findings.
struct Batch {
    body: Vec<u8>,
    entries: usize,
    findings: usize,
}

fn throughput(base: &str, devices: &mut [Device]) -> Result<Vec<(String, String)>> {
    let prepared = Instant::now();
    let per_device = THROUGHPUT_FINDINGS.div_ceil(devices.len());
    let at = Utc::now();
    let mut batches: Vec<Vec<Batch>> = Vec::new();
    for device in devices.iter_mut() {
        let mut mutations: Vec<(Mutation, bool)> = Vec::new();
        let mut findings = 0;
        while findings < per_device {
            let (inspection, count) = device.completed_inspection(THROUGHPUT_FAILED_ITEMS, at)?;
            findings += count;
            mutations.extend(inspection.into_iter().map(|m| {
                let report = matches!(&m, Mutation::HazardEvent { event } if matches!(event.action, HazardAction::Report(_)));
                (m, report)
            }));
        }
        let mut device_batches = Vec::new();
        for chunk in mutations.chunks(BATCH_ENTRIES) {
            let findings = chunk.iter().filter(|(_, report)| *report).count();
            let entries = device.entries(chunk.iter().map(|(m, _)| m.clone()).collect());
            device_batches.push(Batch {
                entries: entries.len(),
                body: device.push_body(entries)?,
                findings,
            });
        }
        batches.push(device_batches);
    }
    let total_findings: usize = batches.iter().flatten().map(|b| b.findings).sum();
    let total_entries: usize = batches.iter().flatten().map(|b| b.entries).sum();
    let bytes: usize = batches.iter().flatten().map(|b| b.body.len()).sum();
    println!(
        "Throughput: {} devices, {} pushes of up to {BATCH_ENTRIES} entries ({total_entries} entries, \
         {total_findings} findings, {:.1} MB of JSON), prepared in {:.1} s",
        devices.len(),
        batches.iter().map(Vec::len).sum::<usize>(),
        bytes as f64 / 1e6,
        prepared.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let latencies = Mutex::new(Vec::new());
    thread::scope(|s| -> Result<()> {
        let workers: Vec<_> = devices
            .iter()
            .zip(&batches)
            .map(|(device, batches)| {
                let latencies = &latencies;
                s.spawn(move || -> Result<()> {
                    let agent = super::agent();
                    let mut mine = Vec::with_capacity(batches.len());
                    for batch in batches {
                        let sent = Instant::now();
                        let response = device.push(&agent, base, &batch.body)?;
                        mine.push(sent.elapsed());
                        check_accepted(&response, batch.entries)
                            .with_context(|| format!("device {}", device.index))?;
                    }
                    latencies
                        .lock()
                        .map_err(|_| anyhow::anyhow!("poisoned"))?
                        .extend(mine);
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("a push thread panicked"))??;
        }
        Ok(())
    })?;
    let took = started.elapsed().as_secs_f64();
    let mut latencies = latencies
        .into_inner()
        .map_err(|_| anyhow::anyhow!("poisoned"))?;
    latencies.sort();
    println!("Throughput: every entry accepted; {total_findings} findings in {took:.2} s");
    Ok(vec![
        row(
            "push_findings_per_s",
            format!("{:.0}/s", total_findings as f64 / took),
        ),
        row(
            "push_entries_per_s",
            format!("{:.0}/s", total_entries as f64 / took),
        ),
        row("push_findings_total", format!("{total_findings}")),
        row("push_batch_p50", millis(percentile(&latencies, 50.0))),
        row("push_batch_p99", millis(percentile(&latencies, 99.0))),
    ])
}

fn row(name: &str, value: String) -> (String, String) {
    (name.to_owned(), value)
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// The `p`th percentile of sorted values (nearest rank).
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

// ----- latency (wrk) -----

/// One device's line for push.lua: index, device, token, next sequence number, entries and
/// findings per push, and the push body with placeholders: `__S<k>__` for the sequence
/// number of entry k (counted from the device's next one), `__I<k>__` for the k-th id that
/// every push replaces with a fresh UUIDv7 (mutation ids first, then the inspection's, its
/// hazards' and its events' ids). Tab-separated; compact JSON holds no raw tab or newline.
fn device_line(device: &mut Device) -> Result<String> {
    let (mutations, findings) = device.completed_inspection(LATENCY_FAILED_ITEMS, Utc::now())?;
    const SEQ_BASE: u64 = 900_000_000;
    let entries: Vec<OutboxEntry> = mutations
        .into_iter()
        .zip(SEQ_BASE..)
        .map(|(mutation, seq)| OutboxEntry {
            mutation_id: MutationId::generate(),
            seq,
            mutation,
        })
        .collect();
    let mut fresh: Vec<String> = entries.iter().map(|e| e.mutation_id.to_string()).collect();
    for entry in &entries {
        match &entry.mutation {
            Mutation::SaveInspection { inspection } => {
                fresh.push(inspection.id.to_string());
                fresh.extend(inspection.findings.iter().map(|f| f.hazard.to_string()));
            }
            Mutation::HazardEvent { event } => {
                fresh.push(event.id.to_string());
                fresh.push(event.hazard.to_string());
            }
            Mutation::UpsertSite { .. } | Mutation::DeleteSite { .. } => {}
        }
    }
    let mut seen = std::collections::HashSet::new();
    fresh.retain(|id| seen.insert(id.clone()));
    let count = entries.len();
    let mut body = String::from_utf8(device.push_body(entries)?)?;
    for k in 0..count {
        let seq = format!("\"seq\":{}", SEQ_BASE + k as u64);
        if body.matches(&seq).count() != 1 {
            bail!("the push template does not hold {seq} exactly once");
        }
        body = body.replace(&seq, &format!("\"seq\":__S{k}__"));
    }
    for (k, id) in fresh.iter().enumerate() {
        if !body.contains(id.as_str()) {
            bail!("the push template does not hold id {id}");
        }
        body = body.replace(id.as_str(), &format!("__I{k}__"));
    }
    if body.contains('\t') || body.contains('\n') {
        bail!("the push template holds a tab or a newline");
    }
    Ok(format!(
        "{}\t{}\t{}\t{}\t{count}\t{findings}\t{body}",
        device.index, device.id, device.token, device.next_seq
    ))
}

/// What push.lua reports at the end.
#[derive(Debug, Default)]
struct WrkReport {
    values: std::collections::BTreeMap<String, f64>,
    /// Device index → (last sequence number answered, last sequence number sent).
    devices: std::collections::BTreeMap<usize, (u64, u64)>,
}

impl WrkReport {
    fn parse(stdout: &str) -> WrkReport {
        let mut report = WrkReport::default();
        for line in stdout.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["WRK", name, value] => {
                    if let Ok(value) = value.parse() {
                        report.values.insert((*name).to_owned(), value);
                    }
                }
                ["DEVICE", index, acked, sent] => {
                    if let (Ok(index), Ok(acked), Ok(sent)) =
                        (index.parse(), acked.parse(), sent.parse())
                    {
                        report.devices.insert(index, (acked, sent));
                    }
                }
                _ => {}
            }
        }
        report
    }

    fn get(&self, name: &str) -> Result<f64> {
        self.values
            .get(name)
            .copied()
            .with_context(|| format!("push.lua did not report {name}"))
    }
}

/// One wrk run over every device: back to back (`pause_ms` 0) or paced. Rows are named
/// `<prefix>_...`.
fn latency(
    base: &str,
    wrk: &Path,
    data: &Path,
    devices: &mut [Device],
    pause_ms: u32,
    prefix: &str,
) -> Result<Vec<(String, String)>> {
    let mut lines = String::new();
    let mut entries = 0;
    for device in devices.iter_mut() {
        let line = device_line(device)?;
        entries += line
            .split('\t')
            .nth(4)
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        writeln!(lines, "{line}")?;
    }
    let devices_file = data.join("wrk-devices.tsv");
    let script = data.join("push.lua");
    fs::write(&devices_file, lines)?;
    fs::write(&script, PUSH_LUA)?;
    let pace = if pause_ms == 0 {
        "back to back".to_owned()
    } else {
        format!("each pausing about {pause_ms} ms after each answer")
    };
    println!(
        "Latency: wrk, {} devices on {} connections ({WRK_THREADS} threads) for {LATENCY_SECONDS} s, \
         {pace}; each push one completed inspection with {LATENCY_FAILED_ITEMS} findings \
         ({:.1} entries on average)",
        devices.len(),
        devices.len(),
        entries as f64 / devices.len() as f64
    );
    let output = Command::new(wrk)
        .arg("-t")
        .arg(WRK_THREADS.to_string())
        .arg("-c")
        .arg(devices.len().to_string())
        .arg("-d")
        .arg(format!("{LATENCY_SECONDS}s"))
        .args(["--timeout", "10s", "--latency", "-s"])
        .arg(&script)
        .arg(format!("{base}{SYNC_PUSH_PATH}"))
        .arg("--")
        .arg(&devices_file)
        .arg(WRK_THREADS.to_string())
        .arg(pause_ms.to_string())
        .stderr(Stdio::inherit())
        .output()
        .context("running wrk")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines().filter(|l| !l.starts_with("DEVICE ")) {
        println!("  {line}");
    }
    if !output.status.success() {
        bail!("wrk failed ({})", output.status);
    }
    let report = WrkReport::parse(&stdout);

    // Exactly once: each device's sequence on the server is at least what wrk saw answered
    // and at most what it sent (entries settle one by one: the push in flight when wrk
    // stopped may have settled in part).
    let agent = agent();
    let mut problems = Vec::new();
    for device in devices.iter_mut() {
        let &(acked, sent) = report
            .devices
            .get(&device.index)
            .with_context(|| format!("push.lua did not report device {}", device.index))?;
        let body = device.push_body(Vec::new())?;
        let last = device.push(&agent, base, &body)?.last_seq;
        if last < acked || last > sent {
            problems.push(format!(
                "device {}: the server is at {last}, wrk saw {acked} answered and sent up to {sent}",
                device.index
            ));
        }
        device.next_seq = last + 1;
    }
    let not_accepted = report.get("not_accepted")?;
    let failures = report.get("non_200")?
        + report.get("stalled")?
        + report.get("errors_connect")?
        + report.get("errors_read")?
        + report.get("errors_write")?
        + report.get("errors_timeout")?;
    if !problems.is_empty() || not_accepted > 0.0 || failures > 0.0 {
        bail!(
            "the load was not exactly once or not all accepted: {not_accepted} entries not \
             accepted, {failures} failed requests; {}",
            problems.join("; ")
        );
    }
    println!("Latency: every entry accepted; each device's sequence on the server matches wrk's");
    let seconds = report.get("duration_us")? / 1e6;
    let name = |suffix: &str| format!("{prefix}_{suffix}");
    let ms = |key: &str| -> Result<String> { Ok(format!("{:.1} ms", report.get(key)? / 1000.0)) };
    let per_second =
        |key: &str| -> Result<String> { Ok(format!("{:.0}/s", report.get(key)? / seconds)) };
    Ok(vec![
        (name("pushes_per_s"), per_second("pushes")?),
        (name("findings_per_s"), per_second("findings")?),
        (name("latency_p50"), ms("p50_us")?),
        (name("latency_p90"), ms("p90_us")?),
        (name("latency_p99"), ms("p99_us")?),
        (name("latency_max"), ms("max_us")?),
        (
            name("pushes_total"),
            format!("{:.0}", report.get("pushes")?),
        ),
        (name("not_accepted"), format!("{not_accepted:.0}")),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&values, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&values, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&values, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 99.0), Duration::ZERO);
    }

    #[test]
    fn reads_the_wrk_report() {
        let report =
            WrkReport::parse("  Latency 1ms\nWRK p99_us 81234\nDEVICE 7 41 46\nWRK pushes 12\n");
        assert_eq!(report.get("p99_us").unwrap(), 81234.0);
        assert_eq!(report.get("pushes").unwrap(), 12.0);
        assert_eq!(report.devices[&7], (41, 46));
        assert!(report.get("p50_us").is_err());
    }

    #[test]
    fn inspections_are_complete_with_their_findings() {
        let template = templates().iter().find(|t| t.area == Area::Gas).unwrap();
        let scope = Scope::Grid {
            district: code(DISTRICT).unwrap(),
            street: code("demo-s1").unwrap(),
            grid: code("demo-s1-g1").unwrap(),
        };
        let site = Site::new(SiteWire {
            id: SiteId::generate(),
            name: text("压测场所").unwrap(),
            address: text("演示区压测路1号").unwrap(),
            site_type: SiteType::Other,
            areas: vec![Area::Gas],
            credit_code: None,
            responsible: None,
            region: RegionPath {
                district: code(DISTRICT).unwrap(),
                street: code("demo-s1").unwrap(),
                grid: code("demo-s1-g1").unwrap(),
            },
            gps: None,
            fire_class: FireClass::default(),
            parties: Vec::new(),
        })
        .unwrap();
        let mut device = Device {
            index: 3,
            id: DeviceId::generate(),
            user: UserId::generate(),
            name: text("压测网格员").unwrap(),
            scope,
            token: "token".into(),
            site,
            template,
            photos: [0, 1, 2, 3].map(|i| Sha256Hex::digest(&photo(&i.to_string(), i > 1))),
            next_seq: 2,
            inspections: 0,
        };
        let (mutations, findings) = device
            .completed_inspection(LATENCY_FAILED_ITEMS, Utc::now())
            .unwrap();
        assert_eq!(findings, LATENCY_FAILED_ITEMS);
        // The save, then per finding its report and (unless major with a deadline) its notice
        // or on-the-spot rectification.
        assert!((1 + findings..=1 + 2 * findings).contains(&mutations.len()));
        let line = device_line(&mut device).unwrap();
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 7);
        assert_eq!(fields[3], "2");
        assert!(fields[6].contains("\"seq\":__S0__") && fields[6].contains("__I0__"));
        assert!(!fields[6].contains("900000000"));
    }
}
