//! The picture's intelligence: each item as produced (what the STIX export tells) and who
//! received it. Where items were applied is in the picture's `trends.intel`.

use std::collections::BTreeMap;

use crate::scenario::Tlp;
use crate::scenario::ids::{CampaignIx, IslandIx, TeamIx, TechniqueIx};
use crate::sim::events::{Channel, SimEvent, Stamped};

/// One item of intelligence as its team produced it.
#[derive(Clone, Debug, PartialEq)]
pub struct IntelItem {
    pub produced: u64,
    pub team: TeamIx,
    pub campaign: CampaignIx,
    pub tlp: Tlp,
    /// Where the incident it came from was found.
    pub island: IslandIx,
    /// The techniques the intruder had used there.
    pub techniques: Vec<TechniqueIx>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntelRecord {
    /// Items by number: numbered in the order they are produced, so the first is the first.
    pub items: BTreeMap<u32, IntelItem>,
    /// Per item: (when, by whom, how) it was received, in log order.
    pub received: BTreeMap<u32, Vec<(u64, TeamIx, Channel)>>,
}

impl IntelRecord {
    pub(super) fn apply(&mut self, e: &Stamped) {
        match &e.event {
            SimEvent::IntelProduced {
                item,
                team,
                campaign,
                tlp,
                island,
                techniques,
            } => {
                self.items.insert(
                    *item,
                    IntelItem {
                        produced: e.tick,
                        team: *team,
                        campaign: *campaign,
                        tlp: *tlp,
                        island: *island,
                        techniques: techniques.clone(),
                    },
                );
            }
            SimEvent::IntelReceived {
                item,
                team,
                channel,
            } => self
                .received
                .entry(*item)
                .or_default()
                .push((e.tick, *team, *channel)),
            _ => {}
        }
    }
}
