//! The region's fabric: islands, links, organisations and the host table.
//!
//! Hosts are many and mostly idle, so they live in a sparse table keyed by their stable index:
//! a host with no row is healthy and costs nothing per tick. Only hosts something happened to
//! (compromised, isolated, encrypted, restoring) have a row.

use crate::scenario::ids::{CampaignIx, IslandIx, OrgIx};
use std::collections::BTreeMap;

use bevy::prelude::*;

use super::digest::kept::{Row, RowSum, SummedMap, SummedSet, row_hash_of, whole_rows};
use super::digest::{DigestAppExt, hash_of, sorted_rows};
use super::{Region, SimSet, SimTick, SpawnRegion, StableId};
use crate::scenario::LinkKind;
pub use disruption::{AdHocDisruptions, PowerOutages};

mod disruption;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Hosts>()
        .init_resource::<IsolatedOrgs>()
        .init_resource::<LostBackups>()
        .init_resource::<RestoreCrews>()
        .init_resource::<RestoreGate>()
        .init_resource::<RevokedAccess>()
        .init_resource::<Connectivity>()
        .add_plugins(disruption::plugin)
        .add_systems(SpawnRegion, spawn_links)
        .add_systems(SimTick, new_tick.in_set(SimSet::BeginTick))
        .digest_part_kept(
            10,
            "hosts",
            |world| {
                let hosts = world.resource::<Hosts>();
                let rows: Vec<_> = hosts.rows().collect();
                hash_of(&(rows, hosts.restores(), hosts.decrypting()))
            },
            |world| hash_of(&world.resource::<Hosts>().kept()),
        )
        .digest_part(70, "network", |world| {
            let links: Vec<(u32, bool)> = sorted_rows::<Link>(world)
                .into_iter()
                .map(|(i, l)| (i, l.up))
                .collect();
            hash_of(&(
                world.resource::<IsolatedOrgs>(),
                world.resource::<LostBackups>(),
                world.resource::<RestoreCrews>(),
                world.resource::<RevokedAccess>(),
                world.resource::<Connectivity>(),
                world.resource::<PowerOutages>(),
                links,
            ))
        });
}

/// Services re-check only the host groups that changed since the tick began.
fn new_tick(mut hosts: ResMut<Hosts>) {
    hosts.dirty_groups.clear();
}

/// Which islands can reach each other over the links that are up: a component label per
/// island, and the least extra delay between them (links' `latency`) on the way round, both
/// recomputed only when a link changes.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq)]
pub struct Connectivity {
    pub component: Vec<u32>,
    /// Least added delay from island a to b over up links, at `a * n + b`; empty while no link
    /// adds any (every path is then as fast).
    pub delay: Vec<u64>,
    /// Per island, whether every link it has is down: cut off from the region and beyond it
    /// (an island the scenario gives no link is not cut off: its links are not modelled).
    pub cut_off: Vec<bool>,
}

/// The digest hashes the components alone: the delays follow from them and the plan.
impl std::hash::Hash for Connectivity {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.component.hash(state);
    }
}

impl Connectivity {
    pub fn connected(&self, a: IslandIx, b: IslandIx) -> bool {
        a == b || self.component.get(a.ix()) == self.component.get(b.ix())
    }

    /// Whether the island has links and every one of them is down: nothing reaches a team
    /// abroad (a hub with no island of its own) from it but the fallback.
    pub fn cut_off(&self, island: IslandIx) -> bool {
        self.cut_off.get(island.ix()).copied().unwrap_or(false)
    }

    /// The least extra transit time from `a` to `b` over the links that are up (0 when none
    /// adds any, or when they are not connected: the fallback covers that).
    pub fn delay(&self, a: IslandIx, b: IslandIx) -> u64 {
        let n = self.component.len();
        match self.delay.get(a.ix() * n + b.ix()) {
            Some(&d) if d != u64::MAX => d,
            _ => 0,
        }
    }

    /// Components, and all-pairs least delays (Floyd-Warshall: a region has tens of islands
    /// and links change a few times a run) when some link adds delay.
    pub(crate) fn compute(islands: usize, links: &[(IslandIx, IslandIx, bool, u64)]) -> Self {
        let mut net = Self::components(islands, links);
        if links.iter().any(|l| l.3 > 0) {
            let n = islands;
            let mut d = vec![u64::MAX; n * n];
            for i in 0..n {
                d[i * n + i] = 0;
            }
            for &(a, b, up, delay) in links {
                if up {
                    for (x, y) in [(a.ix(), b.ix()), (b.ix(), a.ix())] {
                        d[x * n + y] = d[x * n + y].min(delay);
                    }
                }
            }
            for k in 0..n {
                for i in 0..n {
                    for j in 0..n {
                        let via = d[i * n + k].saturating_add(d[k * n + j]);
                        if via < d[i * n + j] {
                            d[i * n + j] = via;
                        }
                    }
                }
            }
            net.delay = d;
        }
        net
    }

    fn components(islands: usize, links: &[(IslandIx, IslandIx, bool, u64)]) -> Self {
        // Union-find in index order: each component is labelled by its smallest island index.
        let mut parent: Vec<u32> = (0..islands as u32).collect();
        fn root(p: &mut [u32], mut x: u32) -> u32 {
            while p[x as usize] != x {
                p[x as usize] = p[p[x as usize] as usize];
                x = p[x as usize];
            }
            x
        }
        for &(a, b, up, _) in links {
            if up {
                let (ra, rb) = (root(&mut parent, a.0), root(&mut parent, b.0));
                let (lo, hi) = (ra.min(rb), ra.max(rb));
                parent[hi as usize] = lo;
            }
        }
        let (mut linked, mut up_link) = (vec![false; islands], vec![false; islands]);
        for &(a, b, up, _) in links {
            for i in [a.ix(), b.ix()] {
                linked[i] = true;
                up_link[i] |= up;
            }
        }
        Connectivity {
            component: (0..islands as u32).map(|i| root(&mut parent, i)).collect(),
            delay: Vec::new(),
            cut_off: linked.iter().zip(&up_link).map(|(l, u)| *l && !u).collect(),
        }
    }
}

/// Organisations whose network a defender has cut off from the outside and from each other:
/// nothing moves in or out, and the services they run stop.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct IsolatedOrgs(pub std::collections::BTreeSet<OrgIx>);

/// A cable segment or radio path between two islands.
#[derive(Component, Clone, Debug)]
pub struct Link {
    pub a: IslandIx,
    pub b: IslandIx,
    pub kind: LinkKind,
    pub up: bool,
}

pub fn link_bundle(id: u32, link: Link) -> impl Bundle {
    (StableId(id), link)
}

/// Links are entities (the console and the digest query them); islands are plain plan rows,
/// and hosts live in the sparse [`Hosts`] table.
fn spawn_links(world: &mut World) {
    let region = world.resource::<Region>().clone();
    for (i, (&kind, &(a, b))) in region.link_kinds.iter().zip(&region.links).enumerate() {
        world.spawn(link_bundle(
            i as u32,
            Link {
                a,
                b,
                kind,
                up: true,
            },
        ));
    }
    let all_up: Vec<(IslandIx, IslandIx, bool, u64)> = region
        .links
        .iter()
        .zip(&region.link_latency)
        .map(|(&(a, b), &delay)| (a, b, true, delay))
        .collect();
    world.insert_resource(Connectivity::compute(region.islands.len(), &all_up));
}

/// What has happened to one host. A host returns to no row when it is healthy again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HostState {
    /// The campaign holding the host, while it does.
    pub held_by: Option<CampaignIx>,
    pub isolated: bool,
    pub encrypted: bool,
    /// Tick at which a restore from backup (or a rebuild) completes.
    pub restore_at: Option<u64>,
}

impl HostState {
    pub fn usable(&self) -> bool {
        !self.isolated && !self.encrypted && self.restore_at.is_none()
    }

    /// Out of use because of what the attack did (encrypted, or being restored since), whether
    /// or not it is also isolated: isolating it costs nothing more. The cause services read
    /// to tell the attack's outages from the response's.
    pub fn damaged(&self) -> bool {
        self.encrypted || self.restore_at.is_some()
    }
}

/// A host back in service after a restore.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restored {
    pub host: u32,
    /// Rebuilt or restored from backup (not decrypted): whatever was on it is gone.
    pub rebuilt: bool,
    pub incident: Option<u32>,
    pub held_by: Option<CampaignIx>,
}

whole_rows!(HostState);

/// The sparse host table plus per-group counts of unusable hosts, which services read.
#[derive(Resource, Default)]
pub struct Hosts {
    rows: SummedMap<u32, HostState>,
    unusable: BTreeMap<u32, u32>,
    /// Per group, hosts out of use because of the attack (see [`HostState::damaged`]).
    damaged: BTreeMap<u32, u32>,
    /// Restores in progress: (tick done, host) -> the incident waiting for it, if a team's.
    restores: SummedMap<(u64, u32), Option<u32>>,
    /// Hosts whose restore is a decryption (the ransom was paid): their data comes back, the
    /// intruder's foothold on them stays (nothing was rebuilt).
    decrypting: SummedSet<u32>,
    /// Host groups whose usable count changed this tick; services depending on them re-check.
    pub dirty_groups: Vec<u32>,
}

impl Hosts {
    pub fn get(&self, host: u32) -> HostState {
        self.rows.get(&host).copied().unwrap_or_default()
    }

    /// Changes a host's state, keeping the group counts and the dirty list right.
    pub fn update(&mut self, region: &Region, host: u32, change: impl FnOnce(&mut HostState)) {
        let before = self.get(host);
        let mut after = before;
        change(&mut after);
        if after == before {
            return;
        }
        if after == HostState::default() {
            self.rows.remove(&host);
        } else {
            self.rows.insert(host, after);
        }
        let usable_changed = before.usable() != after.usable();
        let damaged_changed = before.damaged() != after.damaged();
        if usable_changed || damaged_changed {
            let group = region.group_of_host(host);
            if usable_changed {
                count(&mut self.unusable, group, !after.usable());
            }
            if damaged_changed {
                count(&mut self.damaged, group, after.damaged());
            }
            if !self.dirty_groups.contains(&group) {
                self.dirty_groups.push(group);
            }
        }
    }

    /// Starts bringing an encrypted host back: from backup, or by a rebuild.
    pub fn schedule_restore(&mut self, region: &Region, host: u32, at: u64, incident: Option<u32>) {
        self.update(region, host, |h| h.restore_at = Some(at));
        self.restores.insert((at, host), incident);
    }

    /// Hosts whose restore completes by `now`, now healthy again, with their incident and the
    /// campaign that held the host until the rebuild wiped it, if one did.
    pub fn finish_restores(&mut self, region: &Region, now: u64) -> Vec<Restored> {
        let mut done = Vec::new();
        while let Some((&(tick, host), &incident)) = self.restores.first_key_value() {
            if tick > now {
                break;
            }
            self.restores.pop_first();
            let before = self.get(host);
            let decrypted = self.decrypting.remove(&host);
            let held_by = if decrypted {
                // Decrypted, not rebuilt: whatever held or isolated it still does.
                self.update(region, host, |h| {
                    h.encrypted = false;
                    h.restore_at = None;
                });
                None
            } else {
                self.update(region, host, |h| *h = HostState::default());
                before.held_by
            };
            done.push(Restored {
                host,
                rebuilt: !decrypted,
                incident,
                held_by,
            });
        }
        done
    }

    /// The host's data comes back by decryption at `at`, if that is sooner than its restore
    /// planned or its restore has not started (a host not encrypted is left alone). True if
    /// it moved.
    pub fn decrypt_by(&mut self, region: &Region, host: u32, at: u64) -> bool {
        let state = self.get(host);
        if !state.encrypted || state.restore_at.is_some_and(|p| p <= at) {
            return false;
        }
        let incident = (state.restore_at)
            .and_then(|planned| self.restores.remove(&(planned, host)))
            .flatten();
        self.restores.insert((at, host), incident);
        self.update(region, host, |h| h.restore_at = Some(at));
        self.decrypting.insert(host);
        true
    }

    /// Hosts being decrypted rather than restored.
    pub fn decrypting(&self) -> &std::collections::BTreeSet<u32> {
        &self.decrypting
    }

    /// A team waits on a restore already planned for the host (its organisation's IT started
    /// before the team cleaned it); false if none is planned.
    pub fn wait_on_restore(&mut self, host: u32, incident: u32) -> bool {
        let Some(at) = self.get(host).restore_at else {
            return false;
        };
        if let Some(mut waiting) = self.restores.get_mut(&(at, host)) {
            *waiting = Some(incident);
        }
        true
    }

    pub fn restores(&self) -> &BTreeMap<(u64, u32), Option<u32>> {
        &self.restores
    }

    pub fn unusable_in_group(&self, group: u32) -> u32 {
        self.unusable.get(&group).copied().unwrap_or(0)
    }

    /// Hosts of `group` out of use because of the attack, isolated or not.
    pub fn damaged_in_group(&self, group: u32) -> u32 {
        self.damaged.get(&group).copied().unwrap_or(0)
    }

    pub fn rows(&self) -> impl Iterator<Item = (&u32, &HostState)> {
        self.rows.iter()
    }

    pub fn active_count(&self) -> usize {
        self.rows.len()
    }

    /// The fingerprints of the rows, the restores and the decryptions (digest version 2).
    pub fn kept(&self) -> (RowSum, RowSum, RowSum) {
        (self.rows.sum(), self.restores.sum(), self.decrypting.sum())
    }
}

/// One more (`up`) or one fewer host in a group's count, dropping the group at zero.
fn count(counts: &mut BTreeMap<u32, u32>, group: u32, up: bool) {
    let n = counts.entry(group).or_default();
    if up {
        *n += 1;
    } else {
        *n -= 1;
        if *n == 0 {
            counts.remove(&group);
        }
    }
}

/// Organisations that cut their managed service provider's remote access: a trust hop from
/// the provider no longer leads in.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct RevokedAccess(pub std::collections::BTreeSet<OrgIx>);

/// Host groups whose online backups the intruder encrypted: their hosts must be rebuilt.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct LostBackups(pub std::collections::BTreeSet<u32>);

/// How long before an encrypted host of `group` can be brought back: offline backups are
/// fetched and checked, online ones are quicker unless the intruder encrypted them too, and no
/// backup means new builds. The typical organisation's figure; see [`RestoreCrews`].
pub fn restore_time(region: &Region, lost: &LostBackups, group: u32) -> u64 {
    let d = &region.defaults;
    match region.groups[group as usize].backups {
        crate::scenario::Backups::Offline => d.restore_offline.0,
        crate::scenario::Backups::Online if !lost.0.contains(&group) => d.restore_offline.0 / 2,
        _ => d.rebuild.0,
    }
}

/// Whether an encrypted host of `group` has no usable backup left (none kept, or online ones
/// the crew encrypted too), so it is rebuilt rather than restored.
pub fn rebuilt(region: &Region, lost: &LostBackups, group: u32) -> bool {
    match region.groups[group as usize].backups {
        crate::scenario::Backups::Offline => false,
        crate::scenario::Backups::Online => lost.0.contains(&group),
        crate::scenario::Backups::None => true,
    }
}

/// How many of `hosts` are rebuilt ([`rebuilt`]).
pub fn count_rebuilt(region: &Region, lost: &LostBackups, hosts: &[u32]) -> u32 {
    let rebuilt = |&&h: &&u32| rebuilt(region, lost, region.group_of_host(h));
    hosts.iter().filter(rebuilt).count() as u32
}

/// Minutes an organisation's crew spends on each host it brings back
/// (`defaults.restore_hosts_per_day`), from backup or with a decryptor.
pub fn minutes_per_host(region: &crate::scenario::Plan) -> u64 {
    minutes_each(region.defaults.restore_hosts_per_day)
}

/// Minutes per host at `per_day` hosts a day (at least a minute; a pace of nothing is
/// taken as a hundredth of a host a day).
fn minutes_each(per_day: f64) -> u64 {
    (crate::time::MINUTES_PER_DAY as f64 / per_day.max(0.01))
        .round()
        .max(1.0) as u64
}

/// Each organisation's IT brings its encrypted hosts back one after another, at
/// `defaults.restore_hosts_per_day`, once backups (or new builds) are ready: a ministry with
/// hundreds of machines takes weeks where a shop takes days. How long the preparation takes
/// varies a lot between organisations (log-normal, `RESTORE_SPREAD`): this is the long tail
/// of recoveries that run past a month. Holds when each organisation's crew is next free, and
/// the analysts lent on site who work beside it for a while.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct RestoreCrews {
    next: BTreeMap<OrgIx, u64>,
    /// Per organisation, analysts lent on site to a team on its island: (from, until, how
    /// many). Each restores `HELPER_RESTORE_HOSTS_PER_DAY` beside its IT while there.
    lent: BTreeMap<OrgIx, Vec<(u64, u64, u32)>>,
}

/// One batch of restores an organisation's IT has planned: `hosts` of them, the first back at
/// `first` and the last at `last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestorePlan {
    pub hosts: u32,
    pub first: u64,
    pub last: u64,
}

impl RestorePlan {
    /// The record of it: `org`'s IT has planned these restores.
    pub fn event(self, org: OrgIx) -> super::events::SimEvent {
        let RestorePlan { hosts, first, last } = self;
        super::events::SimEvent::RestoresPlanned {
            org,
            hosts,
            first,
            last,
        }
    }
}

/// The order an organisation's IT brings hosts back in: those a service runs on first, the
/// costliest service's first (payments before e-mail: Turks and Caicos 2024 restored payments
/// first), then the rest; host order among equals.
fn restore_order(region: &Region, batch: &[u32]) -> Vec<u32> {
    let mut worth: BTreeMap<u32, f64> = BTreeMap::new();
    for s in &region.services {
        for &g in &s.groups {
            let w = worth.entry(g).or_insert(0.0);
            *w = w.max(s.cost_per_hour_usd);
        }
    }
    let of = |h: &u32| worth.get(&region.group_of_host(*h)).copied();
    let mut order = batch.to_vec();
    order.sort_by(|a, b| {
        let (wa, wb) = (of(a), of(b));
        wb.is_some()
            .cmp(&wa.is_some())
            .then(wb.unwrap_or(0.0).total_cmp(&wa.unwrap_or(0.0)))
            .then(a.cmp(b))
    });
    order
}

/// How much longer than the typical organisation this one needs to get ready to restore: a
/// log-normal draw, capped (`RESTORE_STRETCH_MAX`).
fn restore_difficulty(draws: &super::draws::Draws, org: OrgIx, now: u64) -> f64 {
    use super::judgement::{RESTORE_SPREAD, RESTORE_STRETCH_MAX};
    let purpose = super::draws::Purpose::RestoreDifficulty;
    (draws.lognormal(RESTORE_SPREAD, purpose, org.0 as u64, now, 0)).min(RESTORE_STRETCH_MAX)
}

/// When the organisation's IT can start on `host`, having begun preparing at `since`: its
/// backups fetched and checked (or new builds ready), stretched by how hard this organisation
/// finds it.
pub fn ready_at(
    region: &Region,
    draws: &super::draws::Draws,
    lost: &LostBackups,
    org: OrgIx,
    host: u32,
    since: u64,
) -> u64 {
    let wait = restore_time(region, lost, region.group_of_host(host)) as f64
        * restore_difficulty(draws, org, since);
    since + wait.round() as u64
}

/// When an organisation's IT is ready, that would have been ready at `ready`, once help on
/// site joined at `at`: what was left then takes `HELPER_PREPARATION_SHARE` of the time.
fn hastened_ready(ready: u64, at: u64) -> u64 {
    if ready <= at {
        return ready;
    }
    let share = super::judgement::HELPER_PREPARATION_SHARE;
    at + ((ready - at) as f64 * share).round() as u64
}

/// Restores an encrypted organisation's IT has prepared or is preparing but not started: they
/// wait for it to be ready and for nobody's containment to be pending (`recovery.rs` decides).
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct RestoreGate {
    held: SummedMap<OrgIx, Held>,
    /// Organisations a team told to restore without waiting for containment.
    anyway: std::collections::BTreeSet<OrgIx>,
    /// Hosts the organisations' IT rebuilt this minute, for `recovery` to check whether a
    /// crew still inside hits them again.
    rebuilt: Vec<u32>,
}

/// One organisation's encrypted hosts waiting for their restore to start.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Held {
    hosts: SummedSet<u32>,
    /// When its IT began preparing (the draw of how hard it finds it is keyed by this).
    since: u64,
    /// When the first of them could start.
    ready: u64,
    /// The team whose uncontained incident it was last said to wait for.
    waiting_for: Option<crate::scenario::ids::TeamIx>,
    /// When help on site joined it and shortened what was left of it.
    hastened: Option<u64>,
}

/// A waiting organisation's hash as a row of the digest (version 2): its hosts by their kept
/// fingerprint.
impl Row for Held {
    fn row_hash(&self) -> u64 {
        row_hash_of(&(
            self.hosts.sum(),
            self.since,
            self.ready,
            self.waiting_for,
            self.hastened,
        ))
    }
}

impl RestoreGate {
    /// The gate's hash from its kept fingerprint (digest version 2).
    pub fn kept_hash(&self) -> u64 {
        hash_of(&(self.held.sum(), &self.anyway, &self.rebuilt))
    }

    /// The organisation's IT starts preparing to bring `hosts` back (just encrypted, or
    /// encrypted again); they join any it is already preparing. Said in the record.
    pub fn hold(
        &mut self,
        (region, draws, lost): (&Region, &super::draws::Draws, &LostBackups),
        (org, hosts): (OrgIx, &[u32]),
        now: u64,
        log: &mut super::events::EventLog,
    ) {
        let Some(first) = (hosts.iter())
            .map(|&h| ready_at(region, draws, lost, org, h, now))
            .min()
        else {
            return;
        };
        let mut held = self.held.get_or_insert_with(org, || Held {
            hosts: Default::default(),
            since: now,
            ready: first,
            waiting_for: None,
            hastened: None,
        });
        held.ready = held.ready.min(first);
        held.hosts.extend(hosts.iter().copied());
        let (hosts, ready) = (hosts.len() as u32, held.ready);
        log.push(
            now,
            super::events::SimEvent::RestoresPrepared { org, hosts, ready },
        );
    }

    /// Help on site shortens what is left of the organisation's preparation, once: (when it
    /// was to be ready, when it is now), if it is still preparing.
    pub fn hasten(&mut self, org: OrgIx, now: u64) -> Option<(u64, u64)> {
        let mut held = self.held.get_mut(&org)?;
        let was = held.ready;
        if was <= now || held.hastened.is_some() {
            return None;
        }
        held.hastened = Some(now);
        held.ready = hastened_ready(was, now);
        Some((was, held.ready))
    }

    /// When help on site joined the organisation's preparation, if it did.
    pub fn hastened(&self, org: OrgIx) -> Option<u64> {
        self.held.get(&org).and_then(|h| h.hastened)
    }

    /// A team tells the organisation to restore without waiting for containment.
    pub fn restore_anyway(&mut self, org: OrgIx) -> bool {
        self.anyway.insert(org)
    }

    /// Takes `host` out of the organisation's waiting restores (a team cleaned it and queues
    /// it itself); when its IT began preparing, if it was waiting.
    pub fn take(&mut self, org: OrgIx, host: u32) -> Option<u64> {
        let mut held = self.held.get_mut(&org)?;
        let since = held.since;
        if !held.hosts.remove(&host) {
            return None;
        }
        let emptied = held.hosts.is_empty();
        drop(held);
        if emptied {
            self.held.remove(&org);
        }
        Some(since)
    }

    /// Organisations whose IT could start by `now`.
    pub fn ready_by(&self, now: u64) -> Vec<OrgIx> {
        (self.held.iter())
            .filter(|(_, h)| h.ready <= now)
            .map(|(&o, _)| o)
            .collect()
    }

    /// When the organisation's IT can start on the first host it is preparing.
    pub fn ready(&self, org: OrgIx) -> Option<u64> {
        self.held.get(&org).map(|h| h.ready)
    }

    /// Whether a team told the organisation to restore without waiting.
    pub fn anyway(&self, org: OrgIx) -> bool {
        self.anyway.contains(&org)
    }

    /// The organisation's restore waits for `team`: the hosts waiting, if that is news.
    pub fn waits_for(&mut self, org: OrgIx, team: crate::scenario::ids::TeamIx) -> Option<u32> {
        let mut held = self.held.get_mut(&org)?;
        (held.waiting_for != Some(team)).then(|| {
            held.waiting_for = Some(team);
            held.hosts.len() as u32
        })
    }

    /// The organisation's waiting hosts go to its crew: when its IT began preparing, and
    /// the hosts.
    pub fn release(&mut self, org: OrgIx) -> Option<(u64, Vec<u32>)> {
        let held = self.held.remove(&org)?;
        Some((held.since, held.hosts.iter().copied().collect()))
    }

    /// A host the organisation's IT rebuilt this minute.
    pub fn rebuilt(&mut self, host: u32) {
        self.rebuilt.push(host);
    }

    /// The hosts rebuilt this minute, emptied.
    pub fn take_rebuilt(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.rebuilt)
    }

    /// Nothing waits.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Encrypted hosts of `org` waiting for their restore to start.
    pub fn waiting(&self, org: OrgIx) -> impl Iterator<Item = u32> + '_ {
        self.held
            .get(&org)
            .into_iter()
            .flat_map(|h| h.hosts.iter().copied())
    }
}

/// Encrypted hosts of one organisation to bring back, prepared from `now` and started no
/// sooner than `start` (when the organisation was cleared to restore), each on `incident` if a
/// team's (the incident then waits for them).
#[derive(Clone, Copy, Debug)]
pub struct RestoreBatch<'a> {
    pub org: OrgIx,
    pub hosts: &'a [u32],
    pub now: u64,
    pub start: u64,
    pub incident: Option<u32>,
    /// When help on site joined the preparation (what was left of it then takes
    /// `HELPER_PREPARATION_SHARE` of the time).
    pub hastened: Option<u64>,
}

impl RestoreCrews {
    /// Analysts lent on site join the organisation's restores from `from` until `until`.
    pub fn lend(&mut self, org: OrgIx, (from, until): (u64, u64), analysts: u32) {
        if analysts > 0 && until > from {
            self.lent
                .entry(org)
                .or_default()
                .push((from, until, analysts));
        }
    }

    /// How long a host takes to restore when started at `at`: the organisation's IT alone, or
    /// faster with the analysts lent on site then.
    pub fn minutes_per_host(&self, region: &Region, org: OrgIx, at: u64) -> u64 {
        let lent: u32 = (self.lent.get(&org).into_iter().flatten())
            .filter(|(from, until, _)| (*from..*until).contains(&at))
            .map(|(_, _, n)| n)
            .sum();
        if lent == 0 {
            return minutes_per_host(region);
        }
        minutes_each(
            region.defaults.restore_hosts_per_day.max(0.01)
                + lent as f64 * super::judgement::HELPER_RESTORE_HOSTS_PER_DAY,
        )
    }

    /// Schedules the restore of the batch's hosts, in the order given; returns the plan for the
    /// record.
    pub fn restore(
        &mut self,
        region: &Region,
        draws: &super::draws::Draws,
        lost: &LostBackups,
        hosts: &mut Hosts,
        batch: RestoreBatch,
    ) -> Option<RestorePlan> {
        let RestoreBatch {
            org,
            hosts: batch,
            now,
            start,
            incident,
            hastened,
        } = batch;
        let mut plan: Option<RestorePlan> = None;
        for h in restore_order(region, batch) {
            let ready = ready_at(region, draws, lost, org, h, now);
            let ready = hastened
                .map_or(ready, |at| hastened_ready(ready, at))
                .max(start);
            let begins = self.next.get(&org).copied().unwrap_or(0).max(ready);
            let done = begins + self.minutes_per_host(region, org, begins);
            self.next.insert(org, done);
            hosts.schedule_restore(region, h, done, incident);
            let p = plan.get_or_insert(RestorePlan {
                hosts: 0,
                first: done,
                last: done,
            });
            p.hosts += 1;
            p.first = p.first.min(done);
            p.last = p.last.max(done);
        }
        plan
    }
}

#[cfg(test)]
mod tests;
