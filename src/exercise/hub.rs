//! The regional hub's orders when trainees play it: relay an item (to whom, at which marking),
//! hold it, send analysts to a request. Each is checked against the model's state when it
//! applies (the rules are the model's: `HubTray::relay_refusal`, `loan_refusal`); one that
//! cannot be carried out is said back to the hub (`HubOrderRefused`), never lost silently.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::scenario::ids::TeamIx;
use crate::scenario::{Action, Plan};
use crate::sim::assistance::{WaitingForHelp, loan_refusal};
use crate::sim::desk::{Desk, TeamEntities};
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::intel::{HubTray, IntelBook};
use crate::sim::network::Connectivity;

/// What the hub's orders are checked against.
#[derive(SystemParam)]
pub(super) struct HubState<'w, 's> {
    book: Res<'w, IntelBook>,
    tray: Res<'w, HubTray>,
    waiting: Res<'w, WaitingForHelp>,
    net: Res<'w, Connectivity>,
    teams: Res<'w, TeamEntities>,
    desks: Query<'w, 's, &'static Desk>,
}

impl HubState<'_, '_> {
    /// The hub's order at `now`: the event that carries it out, or the reason it cannot be.
    /// `log` already holds this minute's earlier orders, which count.
    pub(super) fn apply(&self, plan: &Plan, now: u64, action: Action, log: &mut EventLog) {
        let (team, outcome) = match action {
            Action::Relay {
                team,
                item,
                tlp,
                to,
                advisory,
            } => (
                team,
                self.decidable(plan, log, item, true)
                    .and_then(|()| refused(self.tray.relay_refusal(&self.book, item, tlp)))
                    .map(|()| SimEvent::RelayOrdered {
                        team,
                        item,
                        tlp,
                        to,
                        advisory,
                    }),
            ),
            Action::HoldIntel { team, item } => (
                team,
                self.decidable(plan, log, item, false)
                    .and_then(|()| refused(self.tray.hold_refusal(item)))
                    .map(|()| SimEvent::IntelHeld { team, item }),
            ),
            Action::SendAnalysts {
                hub,
                to,
                analysts,
                on_site,
            } => (
                hub,
                self.loan(plan, log, (hub, to, analysts, on_site))
                    .map(|()| SimEvent::AnalystsOrdered {
                        hub,
                        team: to,
                        analysts,
                        on_site,
                    }),
            ),
            _ => return,
        };
        let event = outcome.unwrap_or_else(|why| SimEvent::HubOrderRefused { team, why });
        log.push(now, event);
    }

    /// Trainees play the hub, and no order this minute has decided the item already (a relay
    /// after a hold in the same minute is allowed: it may relay what it held).
    fn decidable(&self, plan: &Plan, log: &EventLog, item: u32, relay: bool) -> Result<(), String> {
        played(plan)?;
        let decided = log.this_tick().iter().any(|e| match e.event {
            SimEvent::RelayOrdered { item: i, .. } => i == item,
            SimEvent::IntelHeld { item: i, .. } => i == item && !relay,
            _ => false,
        });
        match decided {
            true => Err(format!("item {item} was decided this minute")),
            false => Ok(()),
        }
    }

    /// Analysts the hub has at home, less those it sent earlier this minute.
    fn loan(
        &self,
        plan: &Plan,
        log: &EventLog,
        (hub, to, analysts, on_site): (TeamIx, TeamIx, u32, bool),
    ) -> Result<(), String> {
        played(plan)?;
        let mut at_home =
            (self.desks.get(self.teams.0[hub]).ok()).map_or(0, |d| d.analysts.len() - d.visitors);
        for e in log.this_tick() {
            if let SimEvent::AnalystsOrdered {
                analysts: n, team, ..
            } = e.event
            {
                if team == to {
                    return Err(format!(
                        "{} was answered this minute",
                        plan.scenario.teams[to.ix()].id
                    ));
                }
                at_home = at_home.saturating_sub(n as usize);
            }
        }
        let state = (&*self.waiting, &*self.net);
        let asked = &plan.scenario.teams[to.ix()].id;
        refused(loan_refusal(plan, state, at_home, (to, analysts, on_site)))
            .map_err(|why| format!("{asked} {why}"))
    }
}

fn refused(why: Option<String>) -> Result<(), String> {
    why.map_or(Ok(()), Err)
}

fn played(plan: &Plan) -> Result<(), String> {
    if plan.hub_played() {
        Ok(())
    } else {
        Err(
            "the hub is played by the policy (auto: true): it relays what it receives and \
             answers requests itself"
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::exercise::CommandQueue;
    use crate::scenario::ids::{ActorIx, CampaignIx, IslandIx, TechniqueIx};
    use crate::scenario::testkit::TinyRegion;
    use crate::scenario::{Command, Recipients, Tlp};
    use crate::sim::Simulation;
    use crate::sim::assistance::{Deployments, RemoteLoans};
    use crate::sim::events::Channel;
    use crate::sim::intel::{Delivery, IntelItem, Recipient};

    /// A, B and C each have a CSIRT and a point of contact, D neither; trainees play the hub
    /// on B (four analysts around the clock). A and C link to B only.
    fn plan() -> Arc<Plan> {
        let mut r = TinyRegion::new();
        for i in ["A", "B", "C"] {
            r = r.island(i, true, true).csirt(&format!("{i}-csirt"), i);
        }
        r.island("D", false, false)
            .link("ab", "A", "B")
            .link("bc", "B", "C")
            .team("hub", "RegionalHub", Some("B"), 4, "AroundTheClock", false)
            .duration("3d")
            .plan()
    }

    const HUB: TeamIx = TeamIx(3);

    /// The exercise with an item from A's CSIRT, marked GREEN, reaching the hub at minute 10.
    fn with_an_item(plan: &Arc<Plan>) -> Simulation {
        let mut sim = crate::exercise::simulation(plan.clone(), 1);
        let world = sim.world_mut();
        let mut book = world.resource_mut::<IntelBook>();
        book.items.push(IntelItem {
            campaign: CampaignIx(0),
            actor: ActorIx(0),
            techniques: vec![TechniqueIx(0)],
            tlp: Tlp::Green,
            audience: Recipients::Hub,
            team: TeamIx(0),
            island: IslandIx(0),
            produced: 0,
        });
        let to_hub = Delivery {
            item: 0,
            to: Recipient::Team(HUB),
            channel: Channel::Hub,
        };
        book.in_transit.insert((10, 0), to_hub);
        sim
    }

    fn order(sim: &mut Simulation, plan: &Plan, at: u64, command: Command) {
        let action = command.resolve(plan).unwrap().unwrap();
        sim.world_mut()
            .resource_mut::<CommandQueue>()
            .schedule(at, action);
    }

    fn relay(tlp: Tlp, to: &[&str]) -> Command {
        Command::Relay {
            team: "hub".into(),
            item: 0,
            tlp,
            to: to.iter().map(|s| s.to_string()).collect(),
            advisory: false,
        }
    }

    fn refusals(sim: &Simulation) -> Vec<String> {
        (sim.events().iter())
            .filter_map(|e| match &e.event {
                SimEvent::HubOrderRefused { why, .. } => Some(why.clone()),
                _ => None,
            })
            .collect()
    }

    /// Trainees at the hub: an item waits for them (nothing is relayed by itself); a relay
    /// looser than the source's marking is refused with the rule; one at AMBER to C alone
    /// takes the hub's vetting time, reaches C's contact and nobody else, and C holds it at
    /// AMBER, not the source's GREEN.
    #[test]
    fn the_hub_relays_at_the_marking_it_chose_to_the_members_it_chose() {
        let plan = plan();
        let mut sim = with_an_item(&plan);
        sim.run_until(12 * 60);
        let relayed = |sim: &Simulation| {
            (sim.events().iter()).any(|e| matches!(e.event, SimEvent::IntelRelayed { .. }))
        };
        assert!(!relayed(&sim), "relayed before the hub decided");
        let tray = sim.world().resource::<HubTray>();
        assert_eq!(tray.waiting.iter().copied().collect::<Vec<_>>(), vec![0]);
        order(&mut sim, &plan, 12 * 60, relay(Tlp::Clear, &[]));
        order(&mut sim, &plan, 12 * 60 + 1, relay(Tlp::Amber, &["C"]));
        sim.run_until(12 * 60 + 2);
        let why = refusals(&sim);
        assert_eq!(why.len(), 1, "{why:?}");
        assert!(why[0].contains("stricter"), "{why:?}");
        // The hub's analysts vet it first (an hour of `hub_processing`).
        assert!(!relayed(&sim));
        sim.run_until(16 * 60);
        let done = (sim.events().iter())
            .find(|e| matches!(e.event, SimEvent::IntelRelayed { .. }))
            .expect("the relay was never done");
        assert!(done.tick >= 12 * 60 + 1 + 60, "vetted in {}", done.tick);
        let sent: Vec<TeamIx> = (sim.events().iter())
            .filter_map(|e| match e.event {
                SimEvent::IntelSent { recipient, .. } => Some(recipient),
                _ => None,
            })
            .collect();
        assert_eq!(sent, vec![TeamIx(2)], "only C's CSIRT");
        let tray = sim.world().resource::<HubTray>();
        assert_eq!(tray.marked.get(&(TeamIx(2), 0)), Some(&Tlp::Amber));
        assert!(tray.waiting.is_empty() && tray.vetting.is_empty());
        // Relayed once: a second relay is refused.
        order(&mut sim, &plan, 16 * 60, relay(Tlp::Amber, &["A"]));
        sim.run_until(16 * 60 + 1);
        assert!(refusals(&sim)[1].contains("already relayed"));
    }

    /// A held item stays with the hub until it relays it after all; nothing else may be
    /// held twice or held once relayed.
    #[test]
    fn a_held_item_stays_until_the_hub_relays_it() {
        let plan = plan();
        let mut sim = with_an_item(&plan);
        let hold = Command::HoldIntel {
            team: "hub".into(),
            item: 0,
        };
        order(&mut sim, &plan, 60, hold.clone());
        order(&mut sim, &plan, 61, hold.clone());
        sim.run_until(24 * 60);
        assert_eq!(refusals(&sim), vec!["item 0 is already held".to_string()]);
        let tray = sim.world().resource::<HubTray>();
        assert!(tray.held.contains(&0) && tray.waiting.is_empty());
        order(&mut sim, &plan, 24 * 60, relay(Tlp::Green, &[]));
        sim.run_until(26 * 60);
        let members: Vec<TeamIx> = (sim.events().iter())
            .filter_map(|e| match e.event {
                SimEvent::IntelSent { recipient, .. } => Some(recipient),
                _ => None,
            })
            .collect();
        // Every member but the source's island.
        assert_eq!(members, vec![TeamIx(1), TeamIx(2)]);
        order(&mut sim, &plan, 26 * 60, hold);
        sim.run_until(26 * 60 + 1);
        assert!(
            refusals(&sim)[1].contains("not waiting"),
            "{:?}",
            refusals(&sim)
        );
    }

    /// Requests wait for trainees at the hub; they send what they choose: remote help starts
    /// after `remote_start` and stays off the island's restores, on-site help after the
    /// flight. A team that did not ask, more analysts than the hub can spare, or remote help
    /// to an island cut off are refused with the reason.
    #[test]
    fn the_hub_sends_the_analysts_it_chose_to_the_request_it_chose() {
        let plan = plan();
        let mut sim = crate::exercise::simulation(plan.clone(), 1);
        let ask = |team: &str| Command::RequestAssistance { team: team.into() };
        let send = |to: &str, analysts: u32, on_site: bool| Command::SendAnalysts {
            team: "hub".into(),
            to: to.into(),
            analysts,
            on_site,
        };
        order(&mut sim, &plan, 10, ask("A-csirt"));
        order(&mut sim, &plan, 10, ask("C-csirt"));
        sim.run_until(12 * 60);
        assert!(
            sim.world().resource::<Deployments>().0.is_empty(),
            "sent by itself"
        );
        order(&mut sim, &plan, 12 * 60, send("B-csirt", 1, true));
        order(&mut sim, &plan, 12 * 60, send("A-csirt", 4, true));
        order(&mut sim, &plan, 12 * 60, send("A-csirt", 2, false));
        order(&mut sim, &plan, 12 * 60, send("C-csirt", 2, true));
        sim.run_until(12 * 60 + 1);
        let why = refusals(&sim);
        assert_eq!(why.len(), 3, "{why:?}");
        assert!(why[0].contains("has not asked"), "{why:?}");
        assert!(why[1].contains("3 analysts to spare"), "{why:?}");
        // Two went to A: one is left to spare for C.
        assert!(why[2].contains("1 analyst to spare"), "{why:?}");
        let d = sim.world().resource::<Deployments>().0.clone();
        assert_eq!(d.len(), 1);
        let policy = &plan.assistance;
        assert_eq!((d[0].to, d[0].analysts), (TeamIx(0), 2));
        assert_eq!(d[0].arrives, 12 * 60 + policy.remote_start.0);
        assert!(sim.world().resource::<RemoteLoans>().0.contains(&0));
        // C's island is cut off: remote help cannot reach it; on site it can.
        order(&mut sim, &plan, 13 * 60, Command::CutLink("bc".into()));
        order(&mut sim, &plan, 13 * 60 + 1, send("C-csirt", 1, false));
        order(&mut sim, &plan, 13 * 60 + 2, send("C-csirt", 1, true));
        sim.run_until(13 * 60 + 3);
        let why = refusals(&sim);
        assert!(why[3].contains("cut off"), "{why:?}");
        let d = sim.world().resource::<Deployments>().0.clone();
        assert_eq!((d[1].to, d[1].analysts), (TeamIx(2), 1));
        assert_eq!(d[1].arrives, 13 * 60 + 2 + policy.travel.0);
        assert!(!sim.world().resource::<RemoteLoans>().0.contains(&1));
    }

    /// A relay that is also a regional advisory reaches D, which has neither a CSIRT nor a
    /// contact, a public latency later; an advisory may not carry more than TLP:GREEN.
    #[test]
    fn an_advisory_reaches_an_island_without_a_contact() {
        let plan = plan();
        let mut sim = with_an_item(&plan);
        let mut advise = relay(Tlp::Amber, &[]);
        if let Command::Relay { advisory, .. } = &mut advise {
            *advisory = true;
        }
        let refused = advise.resolve(&plan).unwrap_err();
        assert!(refused.contains("TLP:GREEN or CLEAR"), "{refused}");
        if let Command::Relay { tlp, .. } = &mut advise {
            *tlp = Tlp::Green;
        }
        order(&mut sim, &plan, 60, advise);
        sim.run_until(3 * 24 * 60);
        let d = IslandIx(3);
        let picked = (sim.events().iter())
            .find(|e| {
                matches!(e.event, SimEvent::IntelApplied { island, team: None, .. } if island == d)
            })
            .expect("D never picked up the advisory");
        let relayed = (sim.events().iter())
            .find(|e| matches!(e.event, SimEvent::IntelRelayed { .. }))
            .unwrap()
            .tick;
        assert!(picked.tick >= relayed + plan.intel.public_latency.0);
    }

    /// A regional call is an inject, from the hub, sent to every member's contact and the hub
    /// itself (the fog then puts it in their inboxes); only the hub convenes one, and it has an
    /// agenda.
    #[test]
    fn a_regional_call_reaches_every_members_contact() {
        let plan = plan();
        let mut sim = crate::exercise::simulation(plan.clone(), 1);
        let call = |team: &str, agenda: &str| Command::RegionalCall {
            team: team.into(),
            agenda: agenda.into(),
        };
        assert!(call("hub", "  ").resolve(&plan).is_err());
        let not_hub = call("A-csirt", "Status").resolve(&plan).unwrap_err();
        assert!(not_hub.contains("only the regional hub"), "{not_hub}");
        order(
            &mut sim,
            &plan,
            30,
            call("hub", "CoralLock: who has seen the VPN flaw?"),
        );
        sim.run_until(60);
        let (to, title) = (sim.events().iter())
            .find_map(|e| match &e.event {
                SimEvent::InjectSent { to, inject, .. } => Some((to.clone(), inject.title.clone())),
                _ => None,
            })
            .expect("the call went out");
        assert_eq!(*to, [TeamIx(0), TeamIx(1), TeamIx(2), HUB]);
        assert_eq!(title, "Regional call convened by hub");
    }
}
