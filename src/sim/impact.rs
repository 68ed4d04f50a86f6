//! Services and what outages cost: a service is up while enough of its hosts are usable, its
//! provider's network is not isolated, it is not flooded, and everything it depends on is up.
//! Failures cascade down the dependency graph (across islands for regional services).
//!
//! Services are re-checked only in a tick where a host group, an isolation or a flood changed.

use bevy::prelude::*;

use super::attack::Intrusions;
use super::events::{EventLog, SimEvent};
use super::network::{Connectivity, Hosts, IsolatedOrgs, PowerOutages};
use super::{Clock, Region, SimSet, SimTick, StableId};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ServiceBoard>()
        .add_systems(SimTick, update_services.in_set(SimSet::Impact));
}

/// Whether each service (by index) is up, plus what the last check saw, so unchanged ticks
/// cost nothing.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServiceBoard {
    pub up: Vec<bool>,
    seen_isolated: Vec<u32>,
    seen_ddos: Vec<u32>,
    seen_dark: Vec<u32>,
    seen_components: Vec<u32>,
}

/// A service on the map; its state lives in [`ServiceBoard`].
#[derive(Component, Clone, Debug)]
pub struct ServiceMarker;

pub(super) fn spawn_services(world: &mut World) {
    let n = world.resource::<Region>().services.len();
    for i in 0..n {
        world.spawn((StableId(i as u32), ServiceMarker));
    }
    world.resource_mut::<ServiceBoard>().up = vec![true; n];
}

fn update_services(
    clock: Res<Clock>,
    region: Res<Region>,
    intrusions: Res<Intrusions>,
    isolated: Res<IsolatedOrgs>,
    power: Res<PowerOutages>,
    net: Res<Connectivity>,
    mut hosts: ResMut<Hosts>,
    mut board: ResMut<ServiceBoard>,
    mut log: ResMut<EventLog>,
) {
    let isolated_now: Vec<u32> = isolated.0.iter().copied().collect();
    let ddos_now: Vec<u32> = intrusions.ddos_orgs().into_iter().collect();
    let dark_now: Vec<u32> = power.0.keys().copied().collect();
    if hosts.dirty_groups.is_empty()
        && isolated_now == board.seen_isolated
        && ddos_now == board.seen_ddos
        && dark_now == board.seen_dark
        && net.component == board.seen_components
    {
        return;
    }
    hosts.dirty_groups.clear();
    for &s in &region.service_order {
        let plan = &region.services[s as usize];
        let (mut total, mut unusable) = (0u64, 0u64);
        for &g in &plan.groups {
            let group = &region.groups[g as usize];
            total += (group.hosts.end - group.hosts.start) as u64;
            unusable += hosts.unusable_in_group(g) as u64;
        }
        let hosts_ok = total == 0 || (total - unusable) as f64 >= plan.min_hosts_up * total as f64;
        // A dependency on another island also needs a path to it (a regional service across a
        // cut cable is as good as down).
        let deps_ok = plan.depends_on.iter().all(|d| {
            board.up[*d as usize] && net.connected(plan.island, region.services[*d as usize].island)
        });
        let up = hosts_ok
            && deps_ok
            && isolated_now.binary_search(&plan.org).is_err()
            && ddos_now.binary_search(&plan.org).is_err()
            && dark_now.binary_search(&plan.island).is_err();
        if up != board.up[s as usize] {
            board.up[s as usize] = up;
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
