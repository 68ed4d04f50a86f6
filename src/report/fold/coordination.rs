//! What the regional hub knows of the region's coordination, from the events it may see: the
//! items that reached it (what each says, from whom, at which marking) and what it decided for
//! each, the requests for help and its answers, its analysts out on loan. The hub's dashboard
//! (the seat's, the browser page's) reads this and its team's knowledge, nothing else.

use std::collections::BTreeMap;

use super::fog::{Fog, ItemCard};
use crate::scenario::ids::TeamIx;
use crate::sim::events::{SimEvent, Stamped};
use crate::sim::intel::Relay;

/// What became of an item at the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Waiting for the hub's decision.
    Waiting,
    Held,
    /// Being vetted for this relay.
    Vetting(Relay),
    Relayed(Relay),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubItem {
    pub card: ItemCard,
    pub received: u64,
    pub decision: Decision,
}

/// A team's request for help and what became of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    pub team: TeamIx,
    pub asked: u64,
    /// Analysts sent, on site or not (`None` for the policy's loans, whose mode the scenario
    /// sets), and when they start.
    pub sent: Option<(u32, Option<bool>, u64)>,
    pub arrived: bool,
    pub left: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Coordination {
    pub items: BTreeMap<u32, HubItem>,
    /// In the order asked.
    pub requests: Vec<Request>,
    /// Analysts out on loan now.
    pub away: u32,
}

impl Coordination {
    /// One event the hub may see; `fog` says what an item it receives says.
    pub(super) fn apply(&mut self, fog: &Fog, e: &Stamped) {
        use SimEvent::*;
        match e.event {
            IntelReceived { item, .. } => {
                if let Some(card) = fog.item(item) {
                    self.items.entry(item).or_insert(HubItem {
                        card: card.clone(),
                        received: e.tick,
                        decision: Decision::Waiting,
                    });
                }
            }
            IntelHeld { item, .. } => self.decide(item, Decision::Held),
            RelayOrdered {
                item,
                tlp,
                ref to,
                advisory,
                ..
            } => {
                let relay = Relay {
                    tlp,
                    to: to.clone(),
                    advisory,
                };
                self.decide(item, Decision::Vetting(relay))
            }
            IntelRelayed { item, .. } => {
                if let Some(i) = self.items.get_mut(&item) {
                    i.decision = match std::mem::replace(&mut i.decision, Decision::Waiting) {
                        Decision::Vetting(relay) => Decision::Relayed(relay),
                        // The policy's relay: every member, at the source's marking.
                        _ => Decision::Relayed(Relay {
                            tlp: i.card.tlp,
                            to: Vec::new(),
                            advisory: false,
                        }),
                    };
                }
            }
            AssistanceRequested { team } => self.requests.push(Request {
                team,
                asked: e.tick,
                ..Default::default()
            }),
            AnalystsOrdered { team, on_site, .. } => {
                if let Some(r) = self.open(team) {
                    r.sent = Some((0, Some(on_site), e.tick));
                }
            }
            AssistanceDispatched {
                team,
                analysts,
                arrives,
                ..
            } => {
                self.away += analysts;
                match self.open(team) {
                    Some(r) => {
                        let mode = r.sent.and_then(|(_, m, _)| m);
                        r.sent = Some((analysts, mode, arrives));
                    }
                    // The policy answers a request it made itself in the same minute.
                    None => self.requests.push(Request {
                        team,
                        asked: e.tick,
                        sent: Some((analysts, None, arrives)),
                        ..Default::default()
                    }),
                }
            }
            AssistanceArrived { team, .. } => {
                if let Some(r) = self.requests.iter_mut().rev().find(|r| r.team == team) {
                    r.arrived = true;
                }
            }
            AssistanceLeft { team, analysts } => {
                self.away = self.away.saturating_sub(analysts);
                if let Some(r) = self.requests.iter_mut().rev().find(|r| r.team == team) {
                    r.left = true;
                }
            }
            _ => {}
        }
    }

    fn decide(&mut self, item: u32, decision: Decision) {
        if let Some(i) = self.items.get_mut(&item) {
            i.decision = decision;
        }
    }

    /// The team's latest request not yet answered, or answered this minute (its dispatch).
    fn open(&mut self, team: TeamIx) -> Option<&mut Request> {
        (self.requests.iter_mut().rev())
            .find(|r| r.team == team && (r.sent.is_none() || r.sent.is_some_and(|s| s.0 == 0)))
    }

    /// Requests not answered yet.
    pub fn waiting(&self) -> impl Iterator<Item = &Request> {
        self.requests.iter().filter(|r| r.sent.is_none())
    }
}
