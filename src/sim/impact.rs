//! Services and what outages cost: a service is up while enough of its hosts are usable, its
//! provider's network is not isolated, it is not flooded, and everything it depends on is up.
//! Failures cascade down the dependency graph (across islands for regional services).
//!
//! Services are re-checked only in a tick where a host group, an isolation or a flood changed.

use crate::scenario::ids::{IslandIx, OrgIx};
use bevy::prelude::*;

use super::attack::Intrusions;
use super::digest::{DigestAppExt, hash_of};
use super::events::{EventLog, SimEvent};
use super::network::{Connectivity, Hosts, IsolatedOrgs, PowerOutages};
use super::{Clock, Region, SimSet, SimTick, SpawnRegion};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ServiceBoard>()
        .add_systems(SpawnRegion, size_board)
        .add_systems(SimTick, update_services.in_set(SimSet::Impact))
        .digest_part(60, "services", |world| {
            hash_of(world.resource::<ServiceBoard>())
        });
}

/// Whether each service (by index) is up, plus what the last check saw, so unchanged ticks
/// cost nothing.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServiceBoard {
    pub up: Vec<bool>,
    seen_isolated: Vec<OrgIx>,
    seen_ddos: Vec<OrgIx>,
    seen_dark: Vec<IslandIx>,
    seen_components: Vec<u32>,
}

/// Every service starts up.
fn size_board(region: Res<Region>, mut board: ResMut<ServiceBoard>) {
    board.up = vec![true; region.services.len()];
}

#[allow(clippy::too_many_arguments)] // a system: each resource it reads is a parameter
fn update_services(
    clock: Res<Clock>,
    region: Res<Region>,
    intrusions: Res<Intrusions>,
    isolated: Res<IsolatedOrgs>,
    power: Res<PowerOutages>,
    net: Res<Connectivity>,
    hosts: Res<Hosts>,
    mut board: ResMut<ServiceBoard>,
    mut log: ResMut<EventLog>,
) {
    let isolated_now: Vec<OrgIx> = isolated.0.iter().copied().collect();
    let ddos_now: Vec<OrgIx> = intrusions.ddos_orgs().into_iter().collect();
    let dark_now: Vec<IslandIx> = power.0.keys().copied().collect();
    if hosts.dirty_groups.is_empty()
        && isolated_now == board.seen_isolated
        && ddos_now == board.seen_ddos
        && dark_now == board.seen_dark
        && net.component == board.seen_components
    {
        return;
    }
    for &s in &region.service_order {
        let plan = &region.services[s];
        let (mut total, mut unusable) = (0u64, 0u64);
        for &g in &plan.groups {
            let group = &region.groups[g as usize];
            total += (group.hosts.end - group.hosts.start) as u64;
            unusable += hosts.unusable_in_group(g) as u64;
        }
        let hosts_ok = total == 0 || (total - unusable) as f64 >= plan.min_hosts_up * total as f64;
        // A dependency on another island also needs a path to it (a regional service across a
        // cut cable is as good as down).
        let deps_ok = plan
            .depends_on
            .iter()
            .all(|d| board.up[*d] && net.connected(plan.island, region.services[*d].island));
        let up = hosts_ok
            && deps_ok
            && isolated_now.binary_search(&plan.org).is_err()
            && ddos_now.binary_search(&plan.org).is_err()
            && dark_now.binary_search(&plan.island).is_err();
        if up != board.up[s] {
            board.up[s] = up;
            let event = if up {
                SimEvent::ServiceRestored { service: s }
            } else {
                SimEvent::ServiceDown { service: s }
            };
            log.push(clock.now, event);
        }
    }
    board.seen_isolated = isolated_now;
    board.seen_ddos = ddos_now;
    board.seen_dark = dark_now;
    board.seen_components = net.component.clone();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::*;
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::Simulation;
    use crate::sim::network::IsolatedOrgs;

    /// `port` (listed first) depends on `grid`; `ferry` on island B depends on `grid` too.
    fn region() -> TinyRegion {
        TinyRegion::new()
            .island("A", false, false)
            .island("B", false, false)
            .link("ab", "A", "B")
            .org("utility", "A", 4, 0.5, 0.5)
            .org("harbour", "A", 4, 0.5, 0.5)
            .org("ferries", "B", 4, 0.5, 0.5)
            .service("port", "harbour", &["harbour/ws"], &["grid"])
            .service("grid", "utility", &["utility/ws"], &[])
            .service("ferry", "ferries", &["ferries/ws"], &["grid"])
    }

    fn down_events(sim: &Simulation) -> Vec<(u64, ServiceIx)> {
        sim.events()
            .iter()
            .filter_map(|e| match e.event {
                SimEvent::ServiceDown { service } => Some((e.tick, service)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_failure_cascades_through_dependencies_in_the_same_tick() {
        let mut sim = Simulation::new(region().plan(), 1);
        sim.run_until(10);
        assert!(down_events(&sim).is_empty());
        sim.world_mut()
            .resource_mut::<IsolatedOrgs>()
            .0
            .insert(OrgIx(0));
        sim.run_until(11);
        // The grid first, then everything that needs it, whatever the file order.
        assert_eq!(
            down_events(&sim),
            vec![(10, ServiceIx(1)), (10, ServiceIx(0)), (10, ServiceIx(2))]
        );
        sim.world_mut().resource_mut::<IsolatedOrgs>().0.clear();
        sim.run_until(12);
        let up = &sim.app.world().resource::<ServiceBoard>().up;
        assert_eq!(up, &vec![true, true, true], "and back together");
    }

    #[test]
    fn a_dependency_across_a_cut_cable_counts_as_down() {
        let plan = region()
            .field("events: [Happening(at: \"D1 09:00\", what: CableCut(\"ab\"))]")
            .plan();
        let mut sim = Simulation::new(plan, 1);
        sim.run_until(61);
        assert_eq!(
            down_events(&sim),
            vec![(60, ServiceIx(2))],
            "only the ferry, on the far side"
        );
    }
}
