//! The per-tick state digest: a fingerprint of all simulated state, in stable-id order.
//!
//! It is built from parts (hosts, intrusions, teams, ...) so that a divergence can be named by
//! the part that differs. Only active state is hashed (idle hosts have no row), so the digest
//! costs what the activity costs. The event chain folds in everything that ever happened.

use std::hash::{Hash, Hasher};

use bevy::prelude::*;

use super::attack::{Campaign, Intrusions};
use super::defence::{AlertCounter, Desk, Incidents};
use super::events::EventLog;
use super::impact::ServiceBoard;
use super::intel::{Deployments, IntelBook, IslandDefences};
use super::network::{Connectivity, Hosts, IsolatedOrgs, Link, LostBackups, PowerOutages};
use super::{Clock, SimSet, SimTick, StableId};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<StateDigest>().add_systems(
        SimTick,
        (compute_digest, advance_clock)
            .chain()
            .in_set(SimSet::Digest),
    );
}

/// FNV-1a, 64-bit: simple, fixed and the same on every platform (unlike `DefaultHasher`).
#[derive(Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    // Integers as little-endian bytes whatever the platform.
    fn write_u64(&mut self, v: u64) {
        self.write(&v.to_le_bytes());
    }
    fn write_u32(&mut self, v: u32) {
        self.write(&v.to_le_bytes());
    }
    fn write_usize(&mut self, v: usize) {
        self.write(&(v as u64).to_le_bytes());
    }
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut h = Fnv::default();
    value.hash(&mut h);
    h.finish()
}

/// The digest after the last completed tick.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct StateDigest {
    pub tick: u64,
    pub total: u64,
    /// (part name, hash) in a fixed order.
    pub parts: Vec<(&'static str, u64)>,
    /// Hash chain over every event so far.
    pub events: u64,
}

impl StateDigest {
    pub fn hex(&self) -> String {
        format!("{:016x}", self.total)
    }
}

#[allow(clippy::too_many_arguments)]
fn compute_digest(
    clock: Res<Clock>,
    log: Res<EventLog>,
    hosts: Res<Hosts>,
    intrusions: Res<Intrusions>,
    campaigns: Query<(&StableId, &Campaign)>,
    desks: Query<(&StableId, &Desk)>,
    incidents: Res<Incidents>,
    counter: Res<AlertCounter>,
    board: Res<ServiceBoard>,
    isolated: Res<IsolatedOrgs>,
    lost: Res<LostBackups>,
    cooperation: (Res<IntelBook>, Res<IslandDefences>, Res<Deployments>),
    exercise: (
        Res<crate::exercise::CommandQueue>,
        Res<crate::exercise::msel::MselState>,
    ),
    fabric: (
        Res<Connectivity>,
        Res<PowerOutages>,
        Query<(&StableId, &Link)>,
    ),
    mut digest: ResMut<StateDigest>,
) {
    let mut chain = Fnv(digest.events);
    for e in log.this_tick() {
        e.tick.hash(&mut chain);
        // The Debug form spells out every field and variant; it is stable for a given build of
        // the event types, which is what a digest compares.
        format!("{:?}", e.event).hash(&mut chain);
    }
    let host_rows: Vec<_> = hosts.rows().collect();
    let campaign_rows: Vec<_> = campaigns
        .iter()
        .sort::<&StableId>()
        .map(|(i, c)| (i.0, c.clone()))
        .collect();
    let desk_rows: Vec<_> = desks
        .iter()
        .sort::<&StableId>()
        .map(|(i, d)| (i.0, d.clone()))
        .collect();
    let parts = vec![
        ("hosts", hash_of(&(host_rows, hosts.restores()))),
        (
            "intrusions",
            hash_of(&intrusions.by_key.iter().collect::<Vec<_>>()),
        ),
        ("campaigns", hash_of(&campaign_rows)),
        ("teams", hash_of(&(desk_rows, counter.0))),
        ("incidents", hash_of(&incidents.0)),
        ("services", hash_of(&*board)),
        ("network", {
            let (net, power, links) = &fabric;
            let links: Vec<(u32, bool)> = links
                .iter()
                .sort::<&StableId>()
                .map(|(i, l)| (i.0, l.up))
                .collect();
            hash_of(&(&*isolated, &*lost, &**net, &**power, links))
        }),
        ("exercise", hash_of(&(&exercise.0.0, &*exercise.1))),
        ("intel", {
            let (book, defences, deployments) = &cooperation;
            hash_of(&(&**book, &**defences, &**deployments))
        }),
        ("events", chain.finish()),
    ];
    let mut total = Fnv::default();
    clock.now.hash(&mut total);
    for (name, h) in &parts {
        name.hash(&mut total);
        h.hash(&mut total);
    }
    *digest = StateDigest {
        tick: clock.now,
        total: total.finish(),
        parts,
        events: chain.finish(),
    };
}

fn advance_clock(mut clock: ResMut<Clock>) {
    clock.now += 1;
}
