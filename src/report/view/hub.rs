//! The regional coordination dashboard as data: every member as the hub knows it, the items
//! that reached it with their markings and what it decided, the requests for help and its
//! answers. Built from the hub's knowledge only (what members reported and what the public
//! sees), so the dashboard tells the hub nothing the model did not deliver to it.

use serde::{Deserialize, Serialize};

use super::Named;
use crate::report::fold::coordination::{Coordination, Decision};
use crate::report::knowledge::TeamKnowledge;
use crate::scenario::ids::{IslandIx, TeamIx};
use crate::scenario::{Plan, Tlp};
use crate::sim::intel::Relay;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HubView {
    /// Trainees play the hub: relays and loans wait for their orders. Otherwise the policy
    /// decides and the dashboard is there to read.
    pub played: bool,
    /// Analysts at the hub's desk, and out on loan.
    pub analysts_home: u32,
    pub analysts_away: u32,
    pub members: Vec<MemberLine>,
    /// Newest last.
    pub items: Vec<HubItemLine>,
    /// In the order asked.
    pub requests: Vec<RequestLine>,
}

/// A member island as the hub knows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberLine {
    pub island: Named,
    /// Its point of contact's team, by id.
    pub contact: Option<String>,
    /// Items that reached the hub from it.
    pub reports: usize,
    /// Its team asked for help and has no answer yet.
    pub asking: bool,
    /// The hub's analysts working there now, and on their way.
    pub helping: u32,
    #[serde(default)]
    pub coming: u32,
    pub services_down: usize,
    pub dark: bool,
    /// Reachable from the hub over links not known to be cut.
    pub reachable: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HubItemLine {
    pub number: u32,
    pub received: String,
    /// The island it came from, and the team that produced it (by id).
    pub from: String,
    pub by: String,
    /// The campaign it is about, and its techniques (`T1566 Phishing`).
    pub about: String,
    pub techniques: Vec<String>,
    /// The source's marking.
    pub marking: Tlp,
    /// `waiting`, `held`, `vetting: ...`, `relayed: ...`, in words.
    pub state: String,
    /// The hub may still relay it (waiting or held), and hold it (waiting).
    pub relayable: bool,
    pub holdable: bool,
    /// Member islands (by id) it may go to: all but where it came from.
    pub to: Vec<Named>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestLine {
    pub team: Named,
    pub asked: String,
    /// `waiting`, or what was sent and when it starts.
    pub state: String,
    /// Not answered yet: the hub may send analysts.
    pub open: bool,
    /// Remote help cannot reach it now (its island is known to be cut off).
    pub unreachable: bool,
}

impl HubView {
    /// The hub's dashboard, or `None` for any other team.
    pub fn of(plan: &Plan, k: &TeamKnowledge) -> Option<HubView> {
        let c = k.coordination.as_ref()?;
        let s = &plan.scenario;
        let clock = |t: u64| s.start.at(t).clock();
        let named = |i: IslandIx| Named {
            id: s.islands[i.ix()].id.clone(),
            name: s.islands[i.ix()].name.clone(),
        };
        let team = |t: TeamIx| Named {
            id: s.teams[t.ix()].id.clone(),
            name: s.teams[t.ix()].name.clone(),
        };
        let reachable = reachable_from(plan, plan.teams[k.team].island, k);
        let away = on_loan(c);
        let members: Vec<MemberLine> = plan
            .hub_members()
            .map(|i| {
                let contact = plan.island_contact[i];
                let theirs = |t: TeamIx| plan.teams[t].island == Some(i);
                MemberLine {
                    island: named(i),
                    contact: contact.map(|t| s.teams[t.ix()].id.clone()),
                    reports: c.items.values().filter(|x| x.card.island == i).count(),
                    asking: c.waiting().any(|r| theirs(r.team)),
                    helping: (away.iter())
                        .filter(|(t, _, arrived)| theirs(*t) && *arrived)
                        .map(|(_, n, _)| n)
                        .sum(),
                    coming: (away.iter())
                        .filter(|(t, _, arrived)| theirs(*t) && !*arrived)
                        .map(|(_, n, _)| n)
                        .sum(),
                    services_down: (k.services_down.iter())
                        .filter(|x| plan.services[**x].island == i)
                        .count(),
                    dark: k.dark.contains(&i),
                    reachable: reachable[i.ix()],
                }
            })
            .collect();
        let items = (c.items.iter())
            .map(|(&number, x)| {
                let card = &x.card;
                let (state, relayable, holdable) = match &x.decision {
                    Decision::Waiting => ("waiting".to_string(), true, true),
                    Decision::Held => ("held".to_string(), true, false),
                    Decision::Vetting(r) => (relayed(plan, "vetting", r), false, false),
                    Decision::Relayed(r) => (relayed(plan, "relayed", r), false, false),
                };
                HubItemLine {
                    number,
                    received: clock(x.received),
                    from: s.islands[card.island.ix()].name.clone(),
                    by: s.teams[card.team.ix()].id.clone(),
                    about: s.campaigns[card.campaign.ix()].name.clone(),
                    techniques: (card.techniques.iter())
                        .map(|&t| format!("{} {}", plan.techniques[t].id, plan.techniques[t].name))
                        .collect(),
                    marking: card.tlp,
                    state,
                    relayable: relayable && plan.hub_played(),
                    holdable: holdable && plan.hub_played(),
                    to: plan
                        .hub_members()
                        .filter(|m| *m != card.island)
                        .map(named)
                        .collect(),
                }
            })
            .collect();
        let requests = (c.requests.iter())
            .map(|r| {
                let island = plan.teams[r.team].island;
                RequestLine {
                    team: team(r.team),
                    asked: clock(r.asked),
                    state: match r.sent {
                        None => "waiting".into(),
                        Some((n, mode, at)) => {
                            let how = match mode {
                                Some(true) => " on site",
                                Some(false) => " remote",
                                None => "",
                            };
                            let when = match (r.arrived, r.left) {
                                (_, true) => "gone home".to_string(),
                                (true, false) => "working".to_string(),
                                _ => format!("from {}", clock(at)),
                            };
                            format!("{n} analyst{}{how}, {when}", if n == 1 { "" } else { "s" })
                        }
                    },
                    open: r.sent.is_none() && plan.hub_played(),
                    unreachable: island.is_some_and(|i| !reachable[i.ix()]),
                }
            })
            .collect();
        let total = plan.scenario.teams[k.team.ix()].analysts;
        Some(HubView {
            played: plan.hub_played(),
            analysts_home: total.saturating_sub(c.away),
            analysts_away: c.away,
            members,
            items,
            requests,
        })
    }
}

/// A relay in words: `relayed: TLP:AMBER to every member`.
fn relayed(plan: &Plan, what: &str, r: &Relay) -> String {
    let whom = crate::report::fold::narrate::members(plan, &r.to);
    let advisory = if r.advisory {
        ", and as a regional advisory"
    } else {
        ""
    };
    format!("{what}: {} to {whom}{advisory}", r.tlp.label())
}

/// Analysts on loan now, by the team they help, and whether they have arrived.
fn on_loan(c: &Coordination) -> Vec<(TeamIx, u32, bool)> {
    (c.requests.iter())
        .filter(|r| !r.left)
        .filter_map(|r| r.sent.map(|(n, _, _)| (r.team, n, r.arrived)))
        .collect()
}

/// Islands joined to `from` over links the team does not know to be cut (every island, for a
/// hub abroad: it reaches anyone not cut off from everything).
fn reachable_from(plan: &Plan, from: Option<IslandIx>, k: &TeamKnowledge) -> Vec<bool> {
    let n = plan.islands.len();
    let up: Vec<(IslandIx, IslandIx)> = (plan.links.iter().enumerate())
        .filter(|(l, _)| !k.links_cut.iter().any(|c| c.ix() == *l))
        .map(|(_, &ab)| ab)
        .collect();
    let Some(from) = from else {
        let mut linked = vec![false; n];
        for &(a, b) in &up {
            linked[a.ix()] = true;
            linked[b.ix()] = true;
        }
        return linked;
    };
    let mut seen = vec![false; n];
    seen[from.ix()] = true;
    let mut frontier = vec![from];
    while let Some(i) = frontier.pop() {
        for &(a, b) in &up {
            let other = if a == i {
                b
            } else if b == i {
                a
            } else {
                continue;
            };
            if !seen[other.ix()] {
                seen[other.ix()] = true;
                frontier.push(other);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::{CampaignIx, TechniqueIx};
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::events::{Channel, SimEvent, Stamped};

    /// The hub's dashboard shows what reached it, from whom and at which marking, and what it
    /// decided; an item it never received is not there, and no other team has a dashboard.
    #[test]
    fn the_dashboard_shows_what_reached_the_hub_and_what_it_decided() {
        let plan = TinyRegion::new()
            .island("A", true, true)
            .island("B", true, true)
            .island("C", false, false)
            .org("gov", "A", 10, 0.5, 0.5)
            .campaign("wave", "D1 09:00", "Organisation(\"gov\")", &["T1566.001"])
            .csirt("a-csirt", "A")
            .csirt("b-csirt", "B")
            .team("hub", "RegionalHub", Some("B"), 3, "AroundTheClock", false)
            .plan();
        let (a, hub) = (TeamIx(0), TeamIx(2));
        let produced = |item| SimEvent::IntelProduced {
            item,
            team: a,
            campaign: CampaignIx(0),
            tlp: Tlp::Green,
            island: IslandIx(0),
            techniques: vec![TechniqueIx(0)],
        };
        let at = |tick, event| Stamped { tick, event };
        let log = vec![
            at(60, produced(0)),
            at(60, produced(1)),
            at(
                120,
                SimEvent::IntelReceived {
                    item: 0,
                    team: hub,
                    channel: Channel::Hub,
                },
            ),
            at(130, SimEvent::AssistanceRequested { team: a }),
            at(
                180,
                SimEvent::RelayOrdered {
                    team: hub,
                    item: 0,
                    tlp: Tlp::Amber,
                    to: vec![IslandIx(1)],
                    advisory: false,
                },
            ),
        ];
        let mut k = TeamKnowledge::new(hub);
        k.update(&plan, &log);
        let view = HubView::of(&plan, &k).expect("the hub has a dashboard");
        assert!(view.played);
        assert_eq!(view.items.len(), 1, "item 1 never reached the hub");
        let item = &view.items[0];
        assert_eq!(
            (item.number, item.marking, item.by.as_str()),
            (0, Tlp::Green, "a-csirt")
        );
        assert_eq!(item.state, "vetting: TLP:AMBER to B");
        assert!(!item.relayable && !item.holdable);
        // Members: A and B (C has neither a CSIRT nor a contact); A reported and is asking.
        let names: Vec<&str> = view.members.iter().map(|m| m.island.id.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!((view.members[0].reports, view.members[0].asking), (1, true));
        assert_eq!(view.requests.len(), 1);
        assert!(view.requests[0].open && view.requests[0].state == "waiting");
        assert_eq!(view.analysts_home, 3);
        let mut other = TeamKnowledge::new(a);
        other.update(&plan, &log);
        assert!(HubView::of(&plan, &other).is_none());
    }
}
