//! Disruptions of the region's infrastructure: cables cut and repaired, islands without power.
//! The scenario's scheduled ones (`Plan::disruptions`) and the facilitator's (queued by the
//! exercise layer in `AdHocDisruptions`) apply alike, in `SimSet::Disruptions`; links and the
//! power table are part of the "network" digest part.

use crate::scenario::DisruptionPlan;
use crate::scenario::ids::IslandIx;
use std::collections::BTreeMap;

use bevy::prelude::*;

use super::super::events::{EventLog, SimEvent};
use super::super::{Clock, Region, SimSet, SimTick, StableId};
use super::{Connectivity, Link};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PowerOutages>()
        .init_resource::<AdHocDisruptions>()
        .add_systems(SimTick, apply_disruptions.in_set(SimSet::Disruptions));
}

/// Disruptions the facilitator injected for this tick (commands, or an inject's effects).
#[derive(Resource, Default, Clone, Debug)]
pub struct AdHocDisruptions(pub Vec<DisruptionPlan>);

/// Islands without mains power, until the tick given.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct PowerOutages(pub BTreeMap<IslandIx, u64>);

/// Applies the disruptions that fall on this tick: the scenario's, then the facilitator's; and
/// brings back the power whose outage has run its course.
fn apply_disruptions(
    clock: Res<Clock>,
    region: Res<Region>,
    mut links: Query<(&StableId, &mut Link)>,
    mut connectivity: ResMut<Connectivity>,
    mut power: ResMut<PowerOutages>,
    mut adhoc: ResMut<AdHocDisruptions>,
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
    let start = region.disruptions.partition_point(|(t, _)| *t < now);
    let mut changed = false;
    let scheduled = region.disruptions[start..]
        .iter()
        .take_while(|(t, _)| *t == now)
        .map(|(_, h)| *h);
    let injected: Vec<DisruptionPlan> = std::mem::take(&mut adhoc.0);
    for h in scheduled.chain(injected) {
        match h {
            DisruptionPlan::CableCut(l) | DisruptionPlan::CableRepaired(l) => {
                let up = matches!(h, DisruptionPlan::CableRepaired(_));
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
            DisruptionPlan::PowerOutage { island, minutes } => {
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
        let state: Vec<(IslandIx, IslandIx, bool, u64)> = links
            .iter()
            .sort::<&StableId>()
            .map(|(id, l)| (l.a, l.b, l.up, region.link_latency[id.0 as usize]))
            .collect();
        *connectivity = Connectivity::compute(region.islands.len(), &state);
    }
}
