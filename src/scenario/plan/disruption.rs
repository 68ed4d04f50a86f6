//! Disruptions: cable cuts and repairs, power outages, scripted in the file (`events`) and
//! resolved here. A new kind touches four places: its variant in the format
//! (`format::DisruptionKind`), its resolution here (`DisruptionPlan`), its effect in the model
//! (`sim::network::disruption`) and the event that records it (`sim::events::SimEvent`). For
//! the facilitator to inject it during the exercise too, it also needs its command (`Command`
//! and `Action`, which the exercise layer queues as a `DisruptionPlan`).

use super::check::Check;
use crate::scenario::ids::{Ids, IslandIx, LinkIx};
use crate::scenario::{DisruptionKind, Scenario};

/// A disruption resolved to indexes: what the model applies at its tick, whether the file
/// scheduled it or a facilitator's command (`CutLink`, `RepairLink`, `PowerOutage`) gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisruptionPlan {
    CableCut(LinkIx),
    CableRepaired(LinkIx),
    PowerOutage { island: IslandIx, minutes: u64 },
}

/// The scripted disruptions in time order (file order among equals).
pub(super) fn disruptions(c: &mut Check, s: &Scenario, ids: &Ids) -> Vec<(u64, DisruptionPlan)> {
    let mut disruptions = Vec::new();
    for (k, h) in s.events.iter().enumerate() {
        let Some(tick) = h.at.to_tick(s.start.minute_of_day) else {
            c.at(
                "events",
                "",
                None,
                format!(
                    "disruption #{} happens at {}, before the exercise starts",
                    k + 1,
                    h.at
                ),
                None,
            );
            continue;
        };
        let what = format!("disruption #{} names", k + 1);
        let at = ("events", "");
        let resolved = match &h.what {
            DisruptionKind::CableCut(id) => c
                .reference(at, &what, &ids.links, id)
                .map(DisruptionPlan::CableCut),
            DisruptionKind::CableRepaired(id) => c
                .reference(at, &what, &ids.links, id)
                .map(DisruptionPlan::CableRepaired),
            DisruptionKind::PowerOutage { island, duration } => c
                .reference(at, &what, &ids.islands, island)
                .map(|island| DisruptionPlan::PowerOutage {
                    island,
                    minutes: duration.0,
                }),
        };
        disruptions.extend(resolved.map(|r| (tick, r)));
    }
    disruptions.sort_by_key(|(t, _)| *t);
    disruptions
}
