//! Services and what outages cost: a service is up while enough of its hosts are usable, its
//! provider's network is not isolated, it is not flooded, and everything it depends on is up.
//! Failures cascade down the dependency graph (across islands for regional services).
//!
//! Services are re-checked only in a tick where a host group, an isolation or a flood changed.

use crate::scenario::ids::{IslandIx, OrgIx, ServiceIx};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::attack::Intrusions;
use super::digest::{DigestAppExt, hash_of};
use super::events::{DownCause, EventLog, SimEvent};
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

/// Whether each service (by index) is up, why each one down is down, plus what the last check
/// saw, so unchanged ticks cost nothing.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServiceBoard {
    pub up: Vec<bool>,
    /// For a service down, what keeps it down (see [`DownCause`]); `None` while up.
    pub cause: Vec<Option<DownCause>>,
    seen_isolated: Vec<OrgIx>,
    seen_ddos: Vec<OrgIx>,
    seen_dark: Vec<IslandIx>,
    seen_components: Vec<u32>,
}

/// Every service starts up.
fn size_board(region: Res<Region>, mut board: ResMut<ServiceBoard>) {
    board.up = vec![true; region.services.len()];
    board.cause = vec![None; region.services.len()];
}

/// What a service's state is read from.
#[derive(SystemParam)]
pub(super) struct Conditions<'w> {
    intrusions: Res<'w, Intrusions>,
    isolated: Res<'w, IsolatedOrgs>,
    power: Res<'w, PowerOutages>,
    net: Res<'w, Connectivity>,
    hosts: Res<'w, Hosts>,
}

/// Whether each service would be up under three views of the world, each adding to the one
/// before: the script alone (power cuts, cables), then the attack (hosts it put out of use, a
/// flood), then the response (isolation). The first view in which a service is down names
/// why it is down; the last is whether it is.
#[derive(Clone, Copy, Default)]
struct Views {
    scripted: bool,
    attacked: bool,
    actual: bool,
}

impl Views {
    fn cause(self) -> Option<DownCause> {
        if !self.scripted {
            Some(DownCause::Scripted)
        } else if !self.attacked {
            Some(DownCause::Attack)
        } else if !self.actual {
            Some(DownCause::Response)
        } else {
            None
        }
    }
}

pub(super) fn update_services(
    clock: Res<Clock>,
    region: Res<Region>,
    now: Conditions,
    mut board: ResMut<ServiceBoard>,
    mut log: ResMut<EventLog>,
) {
    let isolated_now: Vec<OrgIx> = now.isolated.0.iter().copied().collect();
    let ddos_now: Vec<OrgIx> = now.intrusions.ddos_orgs().into_iter().collect();
    let dark_now: Vec<IslandIx> = now.power.0.keys().copied().collect();
    if now.hosts.dirty_groups.is_empty()
        && isolated_now == board.seen_isolated
        && ddos_now == board.seen_ddos
        && dark_now == board.seen_dark
        && now.net.component == board.seen_components
    {
        return;
    }
    let mut views = vec![Views::default(); region.services.len()];
    for &s in &region.service_order {
        let plan = &region.services[s];
        let (mut total, mut unusable, mut damaged) = (0u64, 0u64, 0u64);
        for &g in &plan.groups {
            let group = &region.groups[g as usize];
            total += (group.hosts.end - group.hosts.start) as u64;
            unusable += now.hosts.unusable_in_group(g) as u64;
            damaged += now.hosts.damaged_in_group(g) as u64;
        }
        let enough =
            |out: u64| total == 0 || (total - out) as f64 >= plan.min_hosts_up * total as f64;
        // A dependency on another island also needs a path to it (a regional service across a
        // cut cable is as good as down).
        let reachable = |d: &ServiceIx| now.net.connected(plan.island, region.services[*d].island);
        let deps = |view: fn(&Views) -> bool| {
            plan.depends_on
                .iter()
                .all(|d| view(&views[d.ix()]) && reachable(d))
        };
        let powered = dark_now.binary_search(&plan.island).is_err();
        let flooded = ddos_now.binary_search(&plan.org).is_ok();
        let isolated = isolated_now.binary_search(&plan.org).is_ok();
        let scripted = powered && deps(|v| v.scripted);
        let attacked = scripted && enough(damaged) && !flooded && deps(|v| v.attacked);
        let actual = attacked && enough(unusable) && !isolated && deps(|v| v.actual);
        views[s.ix()] = Views {
            scripted,
            attacked,
            actual,
        };
    }
    for &s in &region.service_order {
        let v = views[s.ix()];
        let cause = v.cause();
        if v.actual != board.up[s] {
            board.up[s] = v.actual;
            let event = if v.actual {
                SimEvent::ServiceRestored { service: s }
            } else {
                SimEvent::ServiceDown { service: s }
            };
            log.push(clock.now, event);
        }
        if cause != board.cause[s.ix()] {
            board.cause[s.ix()] = cause;
            if let Some(cause) = cause {
                log.push(clock.now, SimEvent::OutageCause { service: s, cause });
            }
        }
    }
    board.seen_isolated = isolated_now;
    board.seen_ddos = ddos_now;
    board.seen_dark = dark_now;
    board.seen_components = now.net.component.clone();
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
            .field("events: [Disruption(at: \"D1 09:00\", what: CableCut(\"ab\"))]")
            .plan();
        let mut sim = Simulation::new(plan, 1);
        sim.run_until(61);
        assert_eq!(
            down_events(&sim),
            vec![(60, ServiceIx(2))],
            "only the ferry, on the far side"
        );
    }

    fn causes(sim: &Simulation) -> Vec<(u64, ServiceIx, DownCause)> {
        sim.events()
            .iter()
            .filter_map(|e| match e.event {
                SimEvent::OutageCause { service, cause } => Some((e.tick, service, cause)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_outage_is_put_down_to_the_script_then_the_attack_then_the_response() {
        let plan = region()
            .field("events: [Disruption(at: \"D1 09:30\", what: CableCut(\"ab\"))]")
            .plan();
        let mut sim = Simulation::new(plan, 1);
        // At 08:11 the utility's four hosts are encrypted, in the tick as the attack would.
        sim.app.add_systems(
            crate::sim::SimTick,
            (|clock: Res<Clock>, region: Res<Region>, mut hosts: ResMut<Hosts>| {
                if clock.now == 11 {
                    for h in 0..4 {
                        hosts.update(&region, h, |s| s.encrypted = true);
                    }
                }
            })
            .in_set(SimSet::Commands),
        );
        sim.run_until(10);
        // The response alone: the utility's network isolated takes the grid and all that needs it.
        let utility = OrgIx(0);
        sim.world_mut()
            .resource_mut::<IsolatedOrgs>()
            .0
            .insert(utility);
        sim.run_until(11);
        let (grid, port, ferry) = (ServiceIx(1), ServiceIx(0), ServiceIx(2));
        use DownCause::*;
        assert_eq!(
            causes(&sim),
            vec![
                (10, grid, Response),
                (10, port, Response),
                (10, ferry, Response)
            ]
        );
        // Its hosts encrypted as well: the attack would have done it anyway, isolation or not.
        sim.run_until(12);
        assert_eq!(
            causes(&sim)[3..],
            [(11, grid, Attack), (11, port, Attack), (11, ferry, Attack)]
        );
        // The cable to B cut at 09:30 (tick 90): the ferry would be down with no attack at all.
        sim.run_until(92);
        assert_eq!(causes(&sim)[6..], [(90, ferry, Scripted)]);
        // What citizens see is unchanged by all this: one outage each.
        assert_eq!(
            down_events(&sim),
            vec![(10, grid), (10, port), (10, ferry)],
            "one outage each, whatever its cause"
        );
    }
}
