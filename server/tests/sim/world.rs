//! One seed's world: the server, the devices and the network between them, advanced one
//! random step at a time, then healed until quiet.
//!
//! The network holds requests and answers in flight and delivers any of them next, so
//! deliveries among devices are delayed and reordered; it may drop a request, drop the
//! answer after the server acted on it, or deliver a request twice. A device waits for one
//! answer at a time, gives up after a timeout (the request may still arrive later), and may
//! crash between any two steps. The server may restart between any two deliveries.

use crate::{
    device::{Device, Step},
    rng::Rng,
    server::{Call, Fixture, Reply, Server},
};
use std::path::Path;

/// How hostile the world is (percent chances), chosen per seed.
#[derive(Debug, Clone, Copy)]
pub struct Weather {
    pub drop_request: u32,
    pub drop_answer: u32,
    pub duplicate: u32,
    pub crash: u32,
    pub restart: u32,
    pub timeout: u32,
}

impl Weather {
    fn random(rng: &mut Rng) -> Weather {
        Weather {
            drop_request: *rng.pick(&[0, 5, 20]).unwrap(),
            drop_answer: *rng.pick(&[0, 5, 20]).unwrap(),
            duplicate: *rng.pick(&[0, 5, 15]).unwrap(),
            crash: *rng.pick(&[0, 2, 5]).unwrap(),
            restart: *rng.pick(&[0, 1, 3]).unwrap(),
            timeout: *rng.pick(&[2, 5, 10]).unwrap(),
        }
    }

    const CALM: Weather = Weather {
        drop_request: 0,
        drop_answer: 0,
        duplicate: 0,
        crash: 0,
        restart: 0,
        timeout: 0,
    };
}

struct InFlight {
    id: u64,
    device: usize,
    incarnation: u32,
    call: Call,
}

struct Answer {
    id: u64,
    device: usize,
    incarnation: u32,
    reply: Reply,
}

/// What happened, for the summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub steps: u64,
    pub changes: u64,
    pub requests: u64,
    pub dropped_requests: u64,
    pub dropped_answers: u64,
    pub duplicates: u64,
    pub stale_answers: u64,
    pub timeouts: u64,
    pub crashes: u64,
    pub restarts: u64,
    /// Sync runs that finished (before and during quiescence).
    pub syncs: u64,
    /// Entries the server answered `missing_photo`.
    pub missing_photo: u64,
    /// Entries refused for good.
    pub refused: u64,
    /// Pull pages applied.
    pub pulls: u64,
}

pub struct World {
    rng: Rng,
    pub weather: Weather,
    pub server: Server,
    pub devices: Vec<Device>,
    requests: Vec<InFlight>,
    answers: Vec<Answer>,
    next_request: u64,
    /// Virtual seconds since the epoch.
    pub now: i64,
    trace: bool,
    pub stats: Stats,
}

impl World {
    pub async fn new(seed: u64, dir: &Path, fixture: &Fixture, trace: bool) -> World {
        let mut rng = Rng::new(seed);
        let weather = Weather::random(&mut rng);
        let server = Server::start(dir, fixture).await;
        // Every user has a device; a second device for the first user (same user, two
        // phones) in some seeds; sometimes a second one for the street-scoped user.
        let mut owners: Vec<usize> = (0..fixture.users.len()).collect();
        if rng.percent(60) {
            owners.push(0);
        }
        if rng.percent(30) {
            owners.push(1);
        }
        let devices = owners
            .into_iter()
            .enumerate()
            .map(|(index, user)| Device::new(index, fixture.users[user].clone(), &mut rng))
            .collect();
        World {
            rng,
            weather,
            server,
            devices,
            requests: Vec::new(),
            answers: Vec::new(),
            next_request: 1,
            now: 0,
            trace,
            stats: Stats::default(),
        }
    }

    fn log(&self, what: impl FnOnce() -> String) {
        if self.trace {
            eprintln!("[t={:>6}] {}", self.now, what());
        }
    }

    fn send(&mut self, device: usize, call: Call) {
        let id = self.next_request;
        self.next_request += 1;
        self.stats.requests += 1;
        let d = &mut self.devices[device];
        d.waiting = Some(id);
        self.log(|| format!("device {device} sends #{id} {}", call.name()));
        self.requests.push(InFlight {
            id,
            device,
            incarnation: self.devices[device].incarnation,
            call,
        });
    }

    /// Advances the device's sync run by one step.
    fn sync_step(&mut self, device: usize) -> bool {
        match self.devices[device].step() {
            None => false,
            Some(Step::Local) => true,
            Some(Step::Send(call)) => {
                self.send(device, call);
                true
            }
        }
    }

    /// Delivers request `index` to the server (unless the network drops it), and its answer
    /// to the network (unless that is dropped).
    async fn deliver_request(&mut self, index: usize, weather: Weather) {
        let request = self.requests.swap_remove(index);
        if self.rng.percent(weather.drop_request) {
            self.stats.dropped_requests += 1;
            self.log(|| format!("network drops request #{}", request.id));
            return;
        }
        if self.rng.percent(weather.duplicate) {
            self.stats.duplicates += 1;
            self.log(|| format!("network duplicates request #{}", request.id));
            self.requests.push(InFlight {
                call: request.call.clone(),
                ..request
            });
        }
        let token = self.devices[request.device].user.token.clone();
        let reply = self.server.handle(&request.call, &token).await;
        self.log(|| {
            format!(
                "server answers #{} ({}) with {}",
                request.id,
                request.call.name(),
                reply.status
            )
        });
        if reply.status >= 500 {
            let body = String::from_utf8_lossy(&reply.body).into_owned();
            self.devices[request.device].journal.anomalies.push(format!(
                "server error {} on {}: {body}",
                reply.status,
                request.call.name()
            ));
        }
        if self.rng.percent(weather.drop_answer) {
            self.stats.dropped_answers += 1;
            self.log(|| format!("network drops the answer to #{}", request.id));
            return;
        }
        self.answers.push(Answer {
            id: request.id,
            device: request.device,
            incarnation: request.incarnation,
            reply,
        });
    }

    fn deliver_answer(&mut self, index: usize) {
        let answer = self.answers.swap_remove(index);
        let now = self.now;
        let device = &mut self.devices[answer.device];
        if device.incarnation == answer.incarnation && device.waiting == Some(answer.id) {
            device.receive(answer.reply, now);
            self.log(|| format!("device {} receives #{}", answer.device, answer.id));
        } else {
            self.stats.stale_answers += 1;
            self.log(|| format!("nobody waits for the answer to #{}", answer.id));
        }
    }

    /// One random step.
    pub async fn step(&mut self) {
        self.stats.steps += 1;
        self.now += self.rng.range(1, 10) as i64;
        let weather = self.weather;
        let device = self.rng.below(self.devices.len());
        match self.rng.below(100) {
            0..2 => {
                let seconds = self.rng.range(60, 1800) as i64;
                self.log(|| format!("device {device} is offline for {seconds} s"));
                let now = self.now;
                self.devices[device].go_offline(now, seconds);
            }
            2..17 => {
                if let Some(what) = self.devices[device].act(self.now) {
                    self.stats.changes += 1;
                    self.log(|| format!("device {device}: {what}"));
                }
            }
            17..50 => {
                // Mostly a device whose sync runs (a run takes many steps), else any.
                let busy: Vec<usize> = (0..self.devices.len())
                    .filter(|d| !self.devices[*d].is_idle() && self.devices[*d].waiting.is_none())
                    .collect();
                let device = match self.rng.pick(&busy) {
                    Some(d) if self.rng.percent(70) => *d,
                    _ => device,
                };
                let now = self.now;
                if self.devices[device].start_sync(now, false) {
                    self.log(|| format!("device {device} starts a sync"));
                }
                self.sync_step(device);
            }
            50..72 => {
                if !self.requests.is_empty() {
                    let index = self.rng.below(self.requests.len());
                    self.deliver_request(index, weather).await;
                }
            }
            72..92 => {
                if !self.answers.is_empty() {
                    let index = self.rng.below(self.answers.len());
                    self.deliver_answer(index);
                }
            }
            n => {
                let roll = self.rng.below(100) as u32;
                let kind = n % 3;
                if kind == 0
                    && roll < weather.timeout * 10
                    && self.devices[device].waiting.is_some()
                {
                    self.stats.timeouts += 1;
                    self.log(|| format!("device {device} times out"));
                    let now = self.now;
                    self.devices[device].timeout(now);
                } else if kind == 1 && roll < weather.crash * 10 {
                    self.stats.crashes += 1;
                    self.log(|| format!("device {device} crashes"));
                    self.devices[device].crash();
                } else if kind == 2 && roll < weather.restart * 10 {
                    self.stats.restarts += 1;
                    self.log(|| "server restarts".to_owned());
                    self.server.restart().await;
                }
            }
        }
    }

    /// The network heals and every device syncs until nothing is left to push or pull.
    pub async fn quiesce(&mut self) -> Result<(), String> {
        self.log(|| "--- quiescence ---".to_owned());
        // What is still in flight arrives; answers reach whoever still waits.
        while !self.requests.is_empty() {
            let index = self.rng.below(self.requests.len());
            self.deliver_request(index, Weather::CALM).await;
        }
        while !self.answers.is_empty() {
            let index = self.rng.below(self.answers.len());
            self.deliver_answer(index);
        }
        let now = self.now;
        for device in &mut self.devices {
            if device.waiting.is_some() {
                device.timeout(now);
            }
        }
        for pass in 0..6 {
            let mut changed = false;
            for device in 0..self.devices.len() {
                changed |= self.sync_until_done(device).await?;
            }
            if !changed {
                return Ok(());
            }
            self.log(|| format!("--- quiescence pass {pass} changed something ---"));
        }
        Err("devices still had changes after 6 quiet passes".to_owned())
    }

    /// Runs one sync to its end on a reliable network; whether it pushed or pulled anything.
    async fn sync_until_done(&mut self, device: usize) -> Result<bool, String> {
        let before = (
            self.devices[device].store.outbox.len(),
            self.devices[device].store.pull_cursor,
        );
        // A run still going (its pull may have started before the latest local changes) ends
        // first; then one fresh run pushes everything and pulls.
        let mut fresh = self.devices[device].start_sync(self.now, true);
        for _ in 0..20_000 {
            if let Some(id) = self.devices[device].waiting {
                let index = self
                    .requests
                    .iter()
                    .position(|r| r.id == id)
                    .ok_or("a device waits for a request the network lost")?;
                self.deliver_request(index, Weather::CALM).await;
                let index = self
                    .answers
                    .iter()
                    .position(|a| a.id == id)
                    .ok_or("an answer got lost on a calm network")?;
                self.deliver_answer(index);
                continue;
            }
            if self.devices[device].is_idle() && !fresh {
                fresh = self.devices[device].start_sync(self.now, true);
                continue;
            }
            if self.devices[device].is_idle() {
                let d = &self.devices[device];
                if !d.store.outbox.is_empty() {
                    return Err(format!(
                        "device {device}: the sync ended with {} entries in the outbox",
                        d.store.outbox.len()
                    ));
                }
                return Ok(before.0 > 0 || before.1 != d.store.pull_cursor);
            }
            self.sync_step(device);
        }
        Err(format!("device {device}: the sync makes no progress"))
    }
}
