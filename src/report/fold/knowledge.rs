//! What one team knows: a fold of only the events it may see (`fog`), never of the truth.
//! Its inbox, its alert queue, its incidents and the hosts its investigations found, the
//! intelligence that reached it, the decisions put to it, its orders. The team view and a
//! trainee's seat show this and nothing else.

use std::collections::{BTreeMap, BTreeSet};

use super::fog::Fog;
use crate::scenario::Order;
use crate::scenario::Plan;
use crate::scenario::ids::{InjectIx, IslandIx, LinkIx, OrgIx, ServiceIx, TeamIx, TechniqueIx};
use crate::sim::events::{Channel, SimEvent, Stamped, Verdict};

/// An alert on the team's desk, as the team sees it (not whether it is true).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedAlert {
    pub raised: u64,
    pub org: OrgIx,
    pub technique: Option<TechniqueIx>,
}

/// One of the team's incidents, as far as its work has got.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IncidentView {
    pub org: OrgIx,
    pub opened: u64,
    /// Hosts its last scoping counted as the intruder's (`None` until scoped).
    pub found: Option<u32>,
    /// Of those, the ones it has not cut off since.
    pub held: u32,
    pub isolated: u32,
    /// Its investigation found credentials stolen, not reset since.
    pub credentials: bool,
    /// Its investigation found the crew came through this provider's access, not revoked since.
    pub provider: Option<OrgIx>,
    pub contained: bool,
    /// Times it was called contained and found live again.
    pub reopened: u32,
    pub closed: bool,
}

impl IncidentView {
    /// What stands between the team and calling it contained, in its own words: a partial
    /// containment shown as such.
    pub fn waits_on(&self, plan: &Plan) -> Vec<String> {
        let mut out = Vec::new();
        if self.contained || self.closed {
            return out;
        }
        match self.found {
            None => out.push("scoping".into()),
            Some(_) if self.held > 0 => out.push(format!(
                "{} host{} to cut off",
                self.held,
                if self.held == 1 { "" } else { "s" }
            )),
            Some(_) => {}
        }
        if self.credentials {
            out.push("credentials to reset".into());
        }
        if let Some(p) = self.provider {
            out.push(format!(
                "{}'s access to revoke",
                plan.scenario.organisations[p].name
            ));
        }
        out
    }
}

/// An item of intelligence that reached the team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntelView {
    pub received: u64,
    pub channel: Option<Channel>,
    pub applied: Option<u64>,
}

#[derive(Clone, Debug, Default)]
pub struct TeamKnowledge {
    pub team: TeamIx,
    fog: Fog,
    cursor: usize,
    /// Injects delivered to the team, with when.
    pub inbox: Vec<(u64, InjectIx)>,
    /// Live injects delivered to the team: (when, number, the inject).
    pub live: Vec<(u64, u32, crate::scenario::LiveInject)>,
    /// Live injects whose decision was taken.
    pub live_decided: BTreeSet<u32>,
    /// Alerts waiting on its desk, by alert number.
    pub queue: BTreeMap<u64, QueuedAlert>,
    /// Alerts it triaged: (confirmed, dismissed).
    pub triaged: (u32, u32),
    pub incidents: BTreeMap<u32, IncidentView>,
    /// Intelligence items it holds, by item number.
    pub intel: BTreeMap<u32, IntelView>,
    /// Decisions put to it and not yet taken (by anyone it shares them with).
    pub pending_decisions: Vec<InjectIx>,
    pub orders: Vec<(u64, Order)>,
    /// What the public notices: services down, islands without power.
    pub services_down: BTreeSet<ServiceIx>,
    pub dark: BTreeSet<IslandIx>,
    /// Links it knows are cut (a cut is announced to everyone).
    pub links_cut: BTreeSet<LinkIx>,
    /// The module the room is in, and whether it has ended (the room discusses its questions).
    pub module: Option<(crate::scenario::ids::ModuleIx, bool)>,
    /// Every event it has seen, in order (its feed).
    pub seen: usize,
    /// The regional hub's desk: what reached it and what it decided (the hub's team only).
    pub coordination: Option<super::coordination::Coordination>,
    /// Collections its investigations delivered (a technical exercise): when, and from where.
    pub collections: Vec<(u64, OrgIx)>,
}

impl TeamKnowledge {
    pub fn new(team: TeamIx) -> Self {
        TeamKnowledge {
            team,
            ..Default::default()
        }
    }

    /// Live injects put to the team with options, not yet decided: (when, number, inject).
    pub fn live_pending(&self) -> impl Iterator<Item = (u64, u32, &crate::scenario::LiveInject)> {
        self.live
            .iter()
            .filter(|(_, n, a)| !a.options.is_empty() && !self.live_decided.contains(n))
            .map(|(t, n, a)| (*t, *n, a))
    }

    /// Folds the events added to `log` since the last update, keeping only what the team may
    /// see; returns those.
    pub fn update<'a>(&mut self, plan: &Plan, log: &'a [Stamped]) -> Vec<&'a Stamped> {
        let new = &log[self.cursor.min(log.len())..];
        self.cursor = log.len();
        let mut visible = Vec::new();
        for e in new {
            if self.fog.audience(plan, &e.event).includes(self.team) {
                self.apply(plan, e);
                visible.push(e);
            }
        }
        self.seen += visible.len();
        visible
    }

    /// Hosts the team believes compromised: what its scoping found, not the truth.
    pub fn believed_compromised(&self) -> u32 {
        self.incidents
            .values()
            .filter(|i| !i.contained)
            .map(|i| i.held)
            .sum()
    }

    /// One event the team may see, offered to each part of what it knows.
    fn apply(&mut self, plan: &Plan, e: &Stamped) {
        self.on_inbox(plan, e);
        self.on_desk(e);
        self.on_incidents(e);
        self.on_intel(e);
        self.on_public(e);
        if plan.hub == Some(self.team) {
            let desk = self.coordination.get_or_insert_default();
            desk.apply(&self.fog, e);
        }
    }

    /// Injects delivered to it and the decisions put to it.
    fn on_inbox(&mut self, plan: &Plan, e: &Stamped) {
        use SimEvent::*;
        let now = e.tick;
        match e.event {
            InjectSent {
                number, ref inject, ..
            } => self.live.push((now, number, (**inject).clone())),
            LiveDecisionTaken { number, .. } => {
                self.live_decided.insert(number);
            }
            InjectFired { inject } => {
                self.inbox.push((now, inject));
                if plan.injects[inject].decision.is_some() {
                    self.pending_decisions.push(inject);
                }
            }
            DecisionTaken { inject, .. } => self.pending_decisions.retain(|i| *i != inject),
            _ => {}
        }
    }

    /// Its alert queue, triage and orders.
    fn on_desk(&mut self, e: &Stamped) {
        use SimEvent::*;
        let now = e.tick;
        match e.event {
            AlertRaised {
                alert,
                org,
                technique,
                ..
            } => {
                self.queue.insert(
                    alert,
                    QueuedAlert {
                        raised: now,
                        org,
                        technique,
                    },
                );
            }
            AlertExpired { alert, .. } => {
                self.queue.remove(&alert);
            }
            AlertTriaged { alert, verdict, .. } => {
                self.queue.remove(&alert);
                match verdict {
                    Verdict::Confirmed => self.triaged.0 += 1,
                    Verdict::Dismissed => self.triaged.1 += 1,
                }
            }
            ResponseOrdered { order, .. } => self.orders.push((now, order)),
            CollectionDelivered { org, .. } => self.collections.push((now, org)),
            _ => {}
        }
    }

    /// Its incidents, as far as its work has got.
    fn on_incidents(&mut self, e: &Stamped) {
        use SimEvent::*;
        match e.event {
            IncidentOpened { incident, org, .. } => {
                self.incidents.insert(
                    incident,
                    IncidentView {
                        org,
                        opened: e.tick,
                        ..Default::default()
                    },
                );
            }
            IncidentScoped { incident, hosts } => {
                if let Some(i) = self.incidents.get_mut(&incident) {
                    i.found = Some(hosts);
                    i.held = hosts;
                }
            }
            CredentialsStolen { incident } => {
                if let Some(i) = self.incidents.get_mut(&incident) {
                    i.credentials = true;
                }
            }
            ProviderAccessFound { incident, provider } => {
                if let Some(i) = self.incidents.get_mut(&incident) {
                    i.provider = Some(provider);
                }
            }
            CredentialsReset { org, .. } => {
                for i in self.incidents.values_mut().filter(|i| i.org == org) {
                    i.credentials = false;
                }
            }
            AccessRevoked { org, .. } => {
                for i in self.incidents.values_mut().filter(|i| i.org == org) {
                    i.provider = None;
                }
            }
            IncidentReopened { incident } => {
                if let Some(i) = self.incidents.get_mut(&incident) {
                    i.contained = false;
                    i.reopened += 1;
                }
            }
            HostIsolated { org, .. } => {
                // Credited to the team's open incident at that organisation.
                if let Some(i) = self
                    .incidents
                    .values_mut()
                    .rev()
                    .find(|i| i.org == org && !i.closed)
                {
                    i.isolated += 1;
                    i.held = i.held.saturating_sub(1);
                }
            }
            IncidentContained { incident } => {
                if let Some(i) = self.incidents.get_mut(&incident) {
                    i.contained = true;
                }
            }
            IncidentClosed { incident } => {
                if let Some(i) = self.incidents.get_mut(&incident) {
                    i.closed = true;
                }
            }
            _ => {}
        }
    }

    /// The intelligence that reached it, and when it put it to work.
    fn on_intel(&mut self, e: &Stamped) {
        use SimEvent::*;
        let now = e.tick;
        match e.event {
            IntelProduced { item, .. } => {
                self.intel.insert(
                    item,
                    IntelView {
                        received: now,
                        channel: None,
                        applied: None,
                    },
                );
            }
            IntelReceived { item, channel, .. } => {
                self.intel.entry(item).or_insert(IntelView {
                    received: now,
                    channel: Some(channel),
                    applied: None,
                });
            }
            IntelApplied {
                item,
                team: Some(_),
                ..
            } => {
                if let Some(i) = self.intel.get_mut(&item) {
                    i.applied.get_or_insert(now);
                }
            }
            _ => {}
        }
    }

    /// What the public notices: services, power, cables.
    fn on_public(&mut self, e: &Stamped) {
        use SimEvent::*;
        match e.event {
            ServiceDown { service } => {
                self.services_down.insert(service);
            }
            ServiceRestored { service } => {
                self.services_down.remove(&service);
            }
            PowerOut { island } => {
                self.dark.insert(island);
            }
            PowerRestored { island } => {
                self.dark.remove(&island);
            }
            LinkCut { link } => {
                self.links_cut.insert(link);
            }
            LinkRepaired { link } => {
                self.links_cut.remove(&link);
            }
            ModuleStarted { module } => self.module = Some((module, false)),
            ModuleEnded { module } => self.module = Some((module, true)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::events::DetectedBy;

    #[test]
    fn a_team_believes_what_its_scoping_found_and_knows_nothing_else() {
        let plan = TinyRegion::new()
            .island("A", true, true)
            .org("gov", "A", 10, 0.5, 0.5)
            .csirt("csirt", "A")
            .csirt("other", "A")
            .plan();
        let (me, other) = (TeamIx(0), TeamIx(1));
        let at = |tick, event| Stamped { tick, event };
        let org = OrgIx(0);
        let log = vec![
            // The truth: five hosts held. Nobody is told.
            at(
                1,
                SimEvent::HostCompromised {
                    campaign: Default::default(),
                    org,
                    host: 1,
                    technique: Default::default(),
                },
            ),
            at(
                2,
                SimEvent::AlertRaised {
                    alert: 1,
                    team: me,
                    org,
                    technique: None,
                    true_positive: true,
                },
            ),
            at(
                2,
                SimEvent::AlertRaised {
                    alert: 2,
                    team: other,
                    org,
                    technique: None,
                    true_positive: false,
                },
            ),
            at(
                3,
                SimEvent::AlertTriaged {
                    alert: 1,
                    team: me,
                    verdict: Verdict::Confirmed,
                    true_positive: true,
                },
            ),
            at(
                3,
                SimEvent::IncidentOpened {
                    incident: 0,
                    team: me,
                    org,
                    campaign: Default::default(),
                    by: DetectedBy::Alert,
                },
            ),
            at(
                4,
                SimEvent::IncidentScoped {
                    incident: 0,
                    hosts: 3,
                },
            ),
            at(
                5,
                SimEvent::HostIsolated {
                    host: 1,
                    org,
                    team: me,
                },
            ),
        ];
        let mut k = TeamKnowledge::new(me);
        let seen = k.update(&plan, &log);
        assert_eq!(
            seen.len(),
            5,
            "its alert, triage, incident, scoping and isolation"
        );
        assert!(
            k.queue.is_empty(),
            "its one alert was triaged; the other desk's never showed"
        );
        assert_eq!(k.triaged, (1, 0));
        assert_eq!(k.believed_compromised(), 2, "3 found, 1 isolated");
        // Folding again adds nothing; only new events count.
        assert!(k.update(&plan, &log).is_empty());
        let mut o = TeamKnowledge::new(other);
        o.update(&plan, &log);
        assert_eq!(o.queue.len(), 1);
        assert!(o.incidents.is_empty());
    }

    #[test]
    fn a_live_decision_waits_on_the_teams_it_was_put_to_until_one_takes_it() {
        let plan = TinyRegion::new()
            .island("A", true, true)
            .csirt("csirt", "A")
            .csirt("other", "A")
            .plan();
        let (me, other) = (TeamIx(0), TeamIx(1));
        let inject = crate::scenario::LiveInject {
            title: "Radio calls".into(),
            body: String::new(),
            channel: crate::scenario::InjectChannel::Phone,
            from: String::new(),
            to: vec!["csirt".into()],
            questions: vec![],
            options: vec!["Talk".into(), "No comment".into()],
            decider: None,
        };
        let mut log = vec![Stamped {
            tick: 5,
            event: SimEvent::InjectSent {
                number: 1,
                to: vec![me].into(),
                inject: Box::new(inject),
            },
        }];
        let mut k = TeamKnowledge::new(me);
        k.update(&plan, &log);
        let pending: Vec<u32> = k.live_pending().map(|(_, n, _)| n).collect();
        assert_eq!(pending, vec![1]);
        let view = crate::report::view::TeamView::of(&plan, &k);
        assert_eq!(view.decisions[0].inject, "live-1");
        assert_eq!(
            view.decisions[0].options[1],
            ("2".into(), "No comment".into())
        );
        // The other team never saw it.
        let mut o = TeamKnowledge::new(other);
        o.update(&plan, &log);
        assert!(o.live.is_empty() && o.live_pending().next().is_none());
        log.push(Stamped {
            tick: 9,
            event: SimEvent::LiveDecisionTaken {
                team: me,
                number: 1,
                option: 1,
                label: "No comment".into(),
            },
        });
        k.update(&plan, &log);
        assert!(k.live_pending().next().is_none(), "taken");
    }
}
