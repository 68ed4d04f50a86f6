//! The intelligence-sharing policy: bilateral agreements between islands, and the policy's
//! numbers in range.

use super::check::Check;
use crate::scenario::Scenario;
use crate::scenario::ids::{Ids, IslandIx};

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
