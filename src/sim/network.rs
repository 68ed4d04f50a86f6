//! The region's fabric: islands, links, organisations and the host table.
//!
//! Hosts are many and mostly idle, so they live in a sparse table keyed by their stable index:
//! a host with no row is healthy and costs nothing per tick. Only hosts something happened to
//! (compromised, isolated, encrypted, restoring) have a row.

use crate::scenario::ids::{CampaignIx, IslandIx, OrgIx};
use std::collections::BTreeMap;

use bevy::prelude::*;

use super::digest::{DigestAppExt, hash_of, sorted_rows};
use super::events::{EventLog, SimEvent};
use super::{Clock, Region, SimSet, SimTick, SpawnRegion, StableId};
use crate::scenario::HappeningPlan;
use crate::scenario::LinkKind;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Hosts>()
        .init_resource::<IsolatedOrgs>()
        .init_resource::<LostBackups>()
        .init_resource::<Connectivity>()
        .init_resource::<PowerOutages>()
        .init_resource::<AdHocHappenings>()
        .add_systems(SpawnRegion, spawn_links)
        .add_systems(SimTick, new_tick.in_set(SimSet::BeginTick))
        .add_systems(SimTick, apply_happenings.in_set(SimSet::Infrastructure))
        .digest_part(10, "hosts", |world| {
            let hosts = world.resource::<Hosts>();
            let rows: Vec<_> = hosts.rows().collect();
            hash_of(&(rows, hosts.restores()))
        })
        .digest_part(70, "network", |world| {
            let links: Vec<(u32, bool)> = sorted_rows::<Link>(world)
                .into_iter()
                .map(|(i, l)| (i, l.up))
                .collect();
            hash_of(&(
                world.resource::<IsolatedOrgs>(),
                world.resource::<LostBackups>(),
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
/// island, recomputed only when a link changes.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Connectivity {
    pub component: Vec<u32>,
}

impl Connectivity {
    pub fn connected(&self, a: IslandIx, b: IslandIx) -> bool {
        a == b || self.component.get(a.ix()) == self.component.get(b.ix())
    }

    fn compute(islands: usize, links: &[(IslandIx, IslandIx, bool)]) -> Self {
        // Union-find in index order: each component is labelled by its smallest island index.
        let mut parent: Vec<u32> = (0..islands as u32).collect();
        fn root(p: &mut [u32], mut x: u32) -> u32 {
            while p[x as usize] != x {
                p[x as usize] = p[p[x as usize] as usize];
                x = p[x as usize];
            }
            x
        }
        for &(a, b, up) in links {
            if up {
                let (ra, rb) = (root(&mut parent, a.0), root(&mut parent, b.0));
                let (lo, hi) = (ra.min(rb), ra.max(rb));
                parent[hi as usize] = lo;
            }
        }
        Connectivity {
            component: (0..islands as u32).map(|i| root(&mut parent, i)).collect(),
        }
    }
}

/// Infrastructure events a facilitator injected for this tick.
#[derive(Resource, Default, Clone, Debug)]
pub struct AdHocHappenings(pub Vec<HappeningPlan>);

/// Islands without mains power, until the tick given.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct PowerOutages(pub BTreeMap<IslandIx, u64>);

/// Applies the scenario's infrastructure events that fall on this tick.
fn apply_happenings(
    clock: Res<Clock>,
    region: Res<Region>,
    mut links: Query<(&StableId, &mut Link)>,
    mut connectivity: ResMut<Connectivity>,
    mut power: ResMut<PowerOutages>,
    mut adhoc: ResMut<AdHocHappenings>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    power.0.retain(|&island, until| {
        let back = *until <= now;
        if back {
            log.push(now, SimEvent::PowerRestored { island });
        }
        !back
    });
    let start = region.happenings.partition_point(|(t, _)| *t < now);
    let mut changed = false;
    let scheduled = region.happenings[start..]
        .iter()
        .take_while(|(t, _)| *t == now)
        .map(|(_, h)| *h);
    let injected: Vec<HappeningPlan> = std::mem::take(&mut adhoc.0);
    for h in scheduled.chain(injected) {
        match h {
            HappeningPlan::CableCut(l) | HappeningPlan::CableRepaired(l) => {
                let up = matches!(h, HappeningPlan::CableRepaired(_));
                for (id, mut link) in links.iter_mut().sort::<&StableId>() {
                    if id.0 == l.0 && link.up != up {
                        link.up = up;
                        changed = true;
                        log.push(
                            now,
                            if up {
                                SimEvent::LinkRepaired { link: l }
                            } else {
                                SimEvent::LinkCut { link: l }
                            },
                        );
                    }
                }
            }
            HappeningPlan::PowerOutage { island, minutes } => {
                let until = now + minutes.max(1);
                let entry = power.0.entry(island).or_insert(0);
                if *entry < until {
                    *entry = until;
                }
                log.push(now, SimEvent::PowerOut { island });
            }
        }
    }
    if changed {
        let state: Vec<(IslandIx, IslandIx, bool)> = links
            .iter()
            .sort::<&StableId>()
            .map(|(_, l)| (l.a, l.b, l.up))
            .collect();
        *connectivity = Connectivity::compute(region.islands.len(), &state);
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
    let all_up: Vec<(IslandIx, IslandIx, bool)> =
        region.links.iter().map(|&(a, b)| (a, b, true)).collect();
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
}

/// The sparse host table plus per-group counts of unusable hosts, which services read.
#[derive(Resource, Default)]
pub struct Hosts {
    rows: BTreeMap<u32, HostState>,
    unusable: BTreeMap<u32, u32>,
    /// Restores in progress: (tick done, host) -> the incident waiting for it, if a team's.
    restores: BTreeMap<(u64, u32), Option<u32>>,
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
        if before.usable() != after.usable() {
            let group = region.group_of_host(host);
            let n = self.unusable.entry(group).or_default();
            if after.usable() {
                *n -= 1;
            } else {
                *n += 1;
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

    /// Hosts whose restore completes by `now`, now healthy again, with their incident.
    pub fn finish_restores(&mut self, region: &Region, now: u64) -> Vec<(u32, Option<u32>)> {
        let mut done = Vec::new();
        while let Some((&(tick, host), &incident)) = self.restores.first_key_value() {
            if tick > now {
                break;
            }
            self.restores.pop_first();
            self.update(region, host, |h| *h = HostState::default());
            done.push((host, incident));
        }
        done
    }

    pub fn restores(&self) -> &BTreeMap<(u64, u32), Option<u32>> {
        &self.restores
    }

    pub fn unusable_in_group(&self, group: u32) -> u32 {
        self.unusable.get(&group).copied().unwrap_or(0)
    }

    pub fn rows(&self) -> impl Iterator<Item = (&u32, &HostState)> {
        self.rows.iter()
    }

    pub fn active_count(&self) -> usize {
        self.rows.len()
    }
}

/// Host groups whose online backups the intruder encrypted: their hosts must be rebuilt.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct LostBackups(pub std::collections::BTreeSet<u32>);

/// How long an encrypted host of `group` takes to come back: offline backups restore, online
/// ones restore faster unless the intruder encrypted them too, and no backup means a rebuild.
pub fn restore_time(region: &Region, lost: &LostBackups, group: u32) -> u64 {
    let d = &region.defaults;
    match region.groups[group as usize].backups {
        crate::scenario::Backups::Offline => d.restore_offline.0,
        crate::scenario::Backups::Online if !lost.0.contains(&group) => d.restore_offline.0 / 2,
        _ => d.rebuild.0,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::scenario::ids::*;
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::Simulation;

    #[test]
    fn islands_reach_each_other_only_over_links_that_are_up() {
        // A - B - C in a chain, D on its own.
        let all = Connectivity::compute(
            4,
            &[
                (IslandIx(0), IslandIx(1), true),
                (IslandIx(1), IslandIx(2), true),
            ],
        );
        assert!(all.connected(IslandIx(0), IslandIx(2)));
        assert!(!all.connected(IslandIx(0), IslandIx(3)));
        assert!(all.connected(IslandIx(3), IslandIx(3)));
        let cut = Connectivity::compute(
            4,
            &[
                (IslandIx(0), IslandIx(1), true),
                (IslandIx(1), IslandIx(2), false),
            ],
        );
        assert!(cut.connected(IslandIx(0), IslandIx(1)));
        assert!(
            !cut.connected(IslandIx(1), IslandIx(2)) && !cut.connected(IslandIx(0), IslandIx(2))
        );
    }

    #[test]
    fn a_scripted_cable_cut_splits_the_region_until_it_is_repaired() {
        let plan: Arc<_> = TinyRegion::new()
            .island("A", false, false)
            .island("B", false, false)
            .island("C", false, false)
            .link("ab", "A", "B")
            .link("bc", "B", "C")
            .field(
                "events: [Happening(at: \"D1 09:00\", what: CableCut(\"bc\")), \
                 Happening(at: \"D1 11:00\", what: CableRepaired(\"bc\"))]",
            )
            .plan();
        let mut sim = Simulation::new(plan, 1);
        let reach = |sim: &Simulation| {
            let net = sim.app.world().resource::<Connectivity>();
            (
                net.connected(IslandIx(0), IslandIx(1)),
                net.connected(IslandIx(0), IslandIx(2)),
            )
        };
        sim.run_until(60);
        assert_eq!(reach(&sim), (true, true), "before the cut");
        sim.run_until(61);
        assert_eq!(reach(&sim), (true, false), "C is cut off at 09:00");
        assert!(
            sim.events()
                .iter()
                .any(|e| e.tick == 60 && e.event == SimEvent::LinkCut { link: LinkIx(1) })
        );
        sim.run_until(181);
        assert_eq!(reach(&sim), (true, true), "repaired at 11:00");
    }
}
