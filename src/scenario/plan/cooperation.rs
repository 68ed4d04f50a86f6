//! Infrastructure events (cable cuts, power outages), the intelligence-sharing policy and the
//! technique catalog's numbers.

use super::HappeningPlan;
use super::check::Check;
use crate::scenario::ids::{Ids, IslandIx};
use crate::scenario::{Infrastructure, Scenario};

/// Infrastructure events in time order (file order among equals).
pub(super) fn happenings(c: &mut Check, s: &Scenario, ids: &Ids) -> Vec<(u64, HappeningPlan)> {
    let mut happenings = Vec::new();
    for (k, h) in s.events.iter().enumerate() {
        let Some(tick) = h.at.to_tick(s.start.minute_of_day) else {
            c.at(
                "events",
                "",
                None,
                format!(
                    "event #{} happens at {}, before the exercise starts",
                    k + 1,
                    h.at
                ),
                None,
            );
            continue;
        };
        let what = format!("event #{} names", k + 1);
        let at = ("events", "");
        let resolved = match &h.what {
            Infrastructure::CableCut(id) => c
                .reference(at, &what, &ids.links, id)
                .map(HappeningPlan::CableCut),
            Infrastructure::CableRepaired(id) => c
                .reference(at, &what, &ids.links, id)
                .map(HappeningPlan::CableRepaired),
            Infrastructure::PowerOutage { island, duration } => c
                .reference(at, &what, &ids.islands, island)
                .map(|island| HappeningPlan::PowerOutage {
                    island,
                    minutes: duration.0,
                }),
        };
        happenings.extend(resolved.map(|r| (tick, r)));
    }
    happenings.sort_by_key(|(t, _)| *t);
    happenings
}

/// Bilateral agreements as island pairs, and the policy's numbers in range.
pub(super) fn intel_policy(c: &mut Check, s: &Scenario, ids: &Ids) -> Vec<(IslandIx, IslandIx)> {
    let ip = &s.intel;
    let mut bilateral = Vec::new();
    for (a, b) in &ip.bilateral {
        let what = "bilateral agreement names";
        let x = c.reference(("intel", ""), what, &ids.islands, a);
        let y = c.reference(("intel", ""), what, &ids.islands, b);
        match (x, y) {
            (Some(x), Some(y)) if x != y => bilateral.push((x, y)),
            (Some(_), Some(_)) => c.at_value(
                "intel",
                "",
                a,
                format!("bilateral agreement between `{a}` and itself"),
                None,
            ),
            _ => {}
        }
    }
    if !(0.0..=1.0).contains(&ip.block) {
        c.at(
            "intel",
            "",
            Some("block"),
            format!(
                "`intel.block` is {}, but it is a chance between 0 and 1",
                ip.block
            ),
            None,
        );
    }
    if !(1.0..=100.0).contains(&ip.detection_boost) {
        c.at(
            "intel",
            "",
            Some("detection_boost"),
            format!(
                "`intel.detection_boost` is {}; it multiplies detection, so 1 (no effect) to 100",
                ip.detection_boost
            ),
            None,
        );
    }
    bilateral
}
