//! The estate as its logs name it: each host's name, address, operating system and users, which
//! hosts carry a sensor, and the moment of a record in UTC. Everything is a pure function of the
//! plan, the seed and stable ids, so the same run always gives the same evidence.

use crate::scenario::ids::{HostIx, OrgIx};
use crate::scenario::{HostKind, Plan, Platform};
use crate::sim::draws::splitmix;

use super::ecs::{Host, Os};

/// Why a number is drawn for the evidence: each its own stream, apart from the simulation's
/// (the evidence never draws from those, so writing it cannot change a run).
#[derive(Clone, Copy)]
pub enum Stream {
    Sensor = 1,
    Background = 2,
    Second = 3,
    Pick = 4,
    Attempt = 5,
}

/// A counter-based draw for the evidence: (seed, stream, stable id, tick, k).
#[derive(Clone, Copy)]
pub struct Key(u64);

impl Key {
    pub fn new(seed: u64) -> Self {
        Key(splitmix(seed ^ 0x6576_6964_656e_6365)) // "evidence"
    }

    pub fn u64(self, stream: Stream, id: u64, tick: u64, k: u64) -> u64 {
        splitmix(self.0 ^ splitmix((stream as u64) << 56 ^ id) ^ splitmix(tick << 16 ^ k))
    }

    /// Uniform in [0, 1).
    pub fn unit(self, stream: Stream, id: u64, tick: u64, k: u64) -> f64 {
        crate::sim::draws::to_unit(self.u64(stream, id, tick, k))
    }

    /// Uniform below `n` (n > 0).
    pub fn below(self, n: u64, stream: Stream, id: u64, tick: u64, k: u64) -> u64 {
        ((self.u64(stream, id, tick, k) as u128 * n as u128) >> 64) as u64
    }
}

/// The estate of a plan: names and addresses, kept once.
pub struct Estate<'p> {
    pub plan: &'p Plan,
    pub key: Key,
    /// The scenario clock's offset from UTC, minutes.
    utc_offset: i64,
}

impl<'p> Estate<'p> {
    pub fn new(plan: &'p Plan, seed: u64) -> Self {
        Estate {
            plan,
            key: Key::new(seed),
            utc_offset: crate::report::stix::scenario_offset(plan),
        }
    }

    /// Whether the host carries a sensor: each host of a group with coverage `c` does with
    /// chance `c` (the share the model's detection scales by), fixed for the run.
    pub fn sensored(&self, host: HostIx) -> bool {
        let g = &self.plan.groups[self.plan.group_of_host(host) as usize];
        self.key.unit(Stream::Sensor, host as u64, 0, 0) < g.sensor_coverage
    }

    pub fn org_of(&self, host: HostIx) -> OrgIx {
        self.plan.groups[self.plan.group_of_host(host) as usize].org
    }

    pub fn kind(&self, host: HostIx) -> HostKind {
        self.plan.groups[self.plan.group_of_host(host) as usize].kind
    }

    /// `ag-gov-ws-0013`: the organisation, its host group and the host's number in it.
    pub fn name(&self, host: HostIx) -> String {
        self.plan.host_name(host)
    }

    /// A private address (RFC 1918): 10.<organisation>.<block>.<host>.
    pub fn ip(&self, host: HostIx) -> String {
        let org = self.org_of(host);
        let n = host - self.plan.orgs[org.ix()].hosts.start;
        format!("10.{}.{}.{}", org.ix() % 250 + 1, n / 250, n % 250 + 2)
    }

    /// The organisation's Windows domain, as its logons name it.
    pub fn domain(&self, org: OrgIx) -> String {
        self.plan.scenario.organisations[org.ix()]
            .id
            .replace('-', "")
            .to_uppercase()
    }

    /// Who works at a workstation (one user each), or the service account of a server.
    pub fn user(&self, host: HostIx) -> String {
        let g = &self.plan.groups[self.plan.group_of_host(host) as usize];
        match g.kind {
            HostKind::Workstation => format!("u{:04}", host - g.hosts.start + 1),
            HostKind::Server | HostKind::Controller => "svc-ops".into(),
            HostKind::EdgeDevice => "admin".into(),
        }
    }

    pub fn platform(&self, host: HostIx) -> Platform {
        self.plan.groups[self.plan.group_of_host(host) as usize].platform
    }

    pub fn host(&self, host: HostIx) -> Host {
        let (family, platform, kind) = match self.platform(host) {
            Platform::Windows => ("windows", "windows", "windows"),
            Platform::Linux => ("debian", "debian", "linux"),
            Platform::MacOs => ("macos", "darwin", "macos"),
            Platform::Network | Platform::Embedded => ("fortios", "fortios", "linux"),
        };
        let name = self.name(host);
        Host {
            hostname: name.clone(),
            name,
            ip: vec![self.ip(host)],
            os: Os {
                family,
                platform,
                kind,
            },
        }
    }

    /// Whether people are at work on the host's island at `tick` (weekdays 08:00-16:00 on the
    /// island's own clock, the model's office hours).
    pub fn working(&self, host: HostIx, tick: u64) -> bool {
        let island = self.plan.orgs[self.org_of(host).ix()].island;
        let offset = self.plan.islands[island.ix()].clock_offset;
        let (weekday, minute) = self.plan.start.weekday_minute(tick, offset);
        weekday < 5 && crate::sim::judgement::OFFICE_HOURS.contains(&minute)
    }

    /// The UTC moment `second` seconds into minute `tick`, as ECS writes it.
    pub fn timestamp(&self, tick: u64, second: u64) -> String {
        let t = self.plan.start.at_offset(tick, -self.utc_offset);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000Z",
            t.year,
            t.month,
            t.day,
            t.minute_of_day / 60,
            t.minute_of_day % 60,
            second.min(59)
        )
    }
}
