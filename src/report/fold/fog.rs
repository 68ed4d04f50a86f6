//! The fog of war: who may see each event, decided here and nowhere else. The facilitator sees
//! everything (ground truth); a team sees what reached its desk, its inbox, its incidents and
//! its orders; everyone sees what citizens and the press would (outages, a cable cut, a media
//! inject, a public advisory). A fold, because some events name only an incident, an item of
//! intelligence or a live inject whose owner an earlier event said.

use crate::scenario::ids::{InjectIx, IslandIx, OrgIx, TeamIx};
use crate::scenario::{InjectChannel, InjectKind, LiveInject, Plan};
use crate::sim::events::SimEvent;

/// Who may see an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Ground truth: the facilitator (white cell) only.
    Facilitator,
    /// These teams (and the facilitator).
    Teams(Vec<TeamIx>),
    /// Every team and the facilitator: what the public would notice.
    Everyone,
}

impl Audience {
    pub fn includes(&self, team: TeamIx) -> bool {
        match self {
            Audience::Facilitator => false,
            Audience::Teams(t) => t.contains(&team),
            Audience::Everyone => true,
        }
    }
}

/// An item of intelligence as whoever receives it reads it: who produced it, on which
/// island, about which campaign, at which marking, with which techniques.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemCard {
    pub team: TeamIx,
    pub island: IslandIx,
    pub campaign: crate::scenario::ids::CampaignIx,
    pub tlp: crate::scenario::Tlp,
    pub techniques: Vec<crate::scenario::ids::TechniqueIx>,
}

/// Decides audiences as the log grows.
#[derive(Clone, Debug, Default)]
pub struct Fog {
    /// Per incident id: the team that opened it.
    incident_team: Vec<TeamIx>,
    /// Per intelligence item: what it says and who produced it (a recipient reads it).
    items: Vec<ItemCard>,
    /// Per live inject (`live-1` first): the teams it was sent to.
    live_to: Vec<Vec<TeamIx>>,
}

impl Fog {
    /// An item produced earlier in the log, as its recipients read it.
    pub fn item(&self, item: u32) -> Option<&ItemCard> {
        self.items.get(item as usize)
    }

    /// Who may see `event`. Call for every event in log order. One arm per kind of event, no
    /// default: a new kind of event is shown to nobody until someone decides who sees it.
    pub fn audience(&mut self, plan: &Plan, event: &SimEvent) -> Audience {
        use SimEvent::*;
        let team = |t: TeamIx| Audience::Teams(vec![t]);
        match *event {
            // A team's own orders, work done and what its desk receives.
            FindingsSubmitted(ref f) => team(f.team),
            ResponseOrdered { team: t, .. }
            | CollectionDelivered { team: t, .. }
            | IndicatorsBlocked { team: t, .. }
            | HuntFoundNothing { team: t, .. }
            | OrganisationPatched { team: t, .. }
            | ActorBlocked { team: t, .. }
            | OrganisationIsolated { team: t, .. }
            | OrganisationReconnected { team: t, .. }
            | AccessRevoked { team: t, .. }
            | ShareOrdered { team: t, .. }
            | AlertRaised { team: t, .. }
            | AlertExpired { team: t, .. }
            | AlertTriaged { team: t, .. }
            | HostIsolated { team: t, .. }
            | HostCleaned { team: t, .. }
            | IntelReceived { team: t, .. }
            | IntelRelayed { team: t, .. }
            | RelayOrdered { team: t, .. }
            | IntelHeld { team: t, .. }
            | HubOrderRefused { team: t, .. } => team(t),
            // An incident stays with the team that opened it, an item with its producer.
            IncidentOpened { team: t, .. } => {
                self.incident_team.push(t);
                team(t)
            }
            IncidentScoped { incident, .. }
            | CredentialsStolen { incident }
            | ProviderAccessFound { incident, .. }
            | IncidentContained { incident }
            | IncidentReopened { incident }
            | IncidentClosed { incident } => owner(self.incident_team.get(incident as usize)),
            IntelProduced {
                team: t,
                island,
                campaign,
                tlp,
                ref techniques,
                ..
            } => {
                self.items.push(ItemCard {
                    team: t,
                    island,
                    campaign,
                    tlp,
                    techniques: techniques.clone(),
                });
                team(t)
            }
            IntelSent { item, .. } => owner(self.item(item).map(|c| &c.team)),
            // A public advisory picked up on an island is public; otherwise the team applied it.
            IntelApplied { team: Some(t), .. } => team(t),
            IntelApplied { team: None, .. } => Audience::Everyone,
            // The team watching the organisation hears when its hosts are back in service.
            HostRestored { org, .. }
            | RestoresPlanned { org, .. }
            | RestoresPrepared { org, .. }
            | RestoresHastened { org, .. }
            | RestoredHostsEncrypted { org, .. } => watcher(plan, org),
            // The organisation tells the team it waits for; a team's order is its own.
            RestoresHeld { team: t, .. }
            | RestoreAnywayOrdered { team: t, .. }
            | CredentialsReset { team: t, .. } => team(t),
            AssistanceRequested { team: t }
            | AssistanceArrived { team: t, .. }
            | AssistanceLeft { team: t, .. } => {
                Audience::Teams(plan.hub.into_iter().chain([t]).collect())
            }
            AssistanceDispatched { hub, team: t, .. } | AnalystsOrdered { hub, team: t, .. } => {
                Audience::Teams(vec![hub, t])
            }
            StatementIssued { team: t, to, .. } => listeners(plan, t, to),
            // The MSEL: an inject reaches whom it is addressed to (a media story reaches
            // everyone); a decision is seen by the teams it was put to.
            InjectFired { inject } => inject_audience(plan, inject),
            LiveDecisionTaken {
                team: t, number, ..
            } => self.live_decision(t, number),
            InjectSent {
                ref to, ref inject, ..
            } => self.live_sent(to, inject),
            DecisionTaken {
                team: t, inject, ..
            } => with(plan.injects[inject].to.clone(), t),
            // The room moves through the exercise's modules together.
            ModuleStarted { .. } | ModuleEnded { .. } => Audience::Everyone,
            // What citizens notice.
            ServiceDown { .. }
            | ServiceRestored { .. }
            | LinkCut { .. }
            | LinkRepaired { .. }
            | PowerOut { .. }
            | PowerRestored { .. } => Audience::Everyone,
            // Ground truth: the attacker's moves, what nobody has detected, the white cell's
            // hand, the facilitator's notes and the evaluation of expectations.
            Note { .. }
            | OutageCause { .. }
            | CampaignForced { .. }
            | CampaignLaunched { .. }
            | StageForced { .. }
            | IntrusionHalted { .. }
            | CampaignCancelled { .. }
            | InjectOrdered { .. }
            | InjectSkipped { .. }
            | InjectWithdrawn { .. }
            | InjectScheduled { .. }
            | InjectDelayed { .. }
            | InjectRescheduled { .. }
            | ExpectationMet { .. }
            | ExpectationMissed { .. }
            | ExpectationValidated { .. }
            | CampaignStarted { .. }
            | AccessFailed { .. }
            | AccessBlocked { .. }
            | HostCompromised { .. }
            | StageCompleted { .. }
            | TrustFollowed { .. }
            | DataExfiltrated { .. }
            | HostsEncrypted { .. }
            | BackupsLost { .. }
            | DdosStarted { .. }
            | DdosEnded { .. }
            | AlertUnwatched { .. }
            | RansomPaid { .. }
            | RansomTalks { .. }
            | Decrypting { .. }
            | RansomNoteFound { .. } => Audience::Facilitator,
        }
    }

    /// A live inject reaches the teams it is sent to (a media story everyone).
    fn live_sent(&mut self, to: &[TeamIx], inject: &LiveInject) -> Audience {
        self.live_to.push(to.to_vec());
        if matches!(inject.channel, InjectChannel::Media | InjectChannel::Social) {
            Audience::Everyone
        } else {
            Audience::Teams(to.to_vec())
        }
    }

    /// A live decision is seen by the teams the inject was put to, as a scripted one.
    fn live_decision(&self, team: TeamIx, number: u32) -> Audience {
        let teams = crate::scenario::live_index(number)
            .and_then(|k| self.live_to.get(k))
            .cloned()
            .unwrap_or_default();
        with(teams, team)
    }
}

/// `teams` and `team` too.
fn with(mut teams: Vec<TeamIx>, team: TeamIx) -> Audience {
    if !teams.contains(&team) {
        teams.push(team);
    }
    Audience::Teams(teams)
}

/// The owner an earlier event named; nobody's but the facilitator's if none did (a damaged
/// log).
fn owner(team: Option<&TeamIx>) -> Audience {
    match team {
        Some(t) => Audience::Teams(vec![*t]),
        None => Audience::Facilitator,
    }
}

/// The team watching an organisation, if any.
fn watcher(plan: &Plan, org: OrgIx) -> Audience {
    match plan.orgs[org].monitored_by {
        Some(t) => Audience::Teams(vec![t]),
        None => Audience::Facilitator,
    }
}

fn inject_audience(plan: &Plan, inject: InjectIx) -> Audience {
    let authored = &plan.scenario.msel[inject];
    // A facilitation inject (a StartEx, a prompt for the room) reaches the teams it names; with
    // nobody named it is the facilitator's alone, whatever its channel.
    if authored.kind == InjectKind::Facilitation && plan.injects[inject].to.is_empty() {
        return Audience::Facilitator;
    }
    if authored.kind != InjectKind::Facilitation
        && matches!(
            authored.channel,
            InjectChannel::Media | InjectChannel::Social
        )
    {
        return Audience::Everyone;
    }
    match &plan.injects[inject].to {
        to if to.is_empty() => Audience::Facilitator,
        to => Audience::Teams(to.clone()),
    }
}

/// Who hears a team's statement: everyone for a public one; the teams of its island and of its
/// island's bilateral partners for one to partners; the teams of its island for its staff. A
/// team with no island (a hub abroad) is heard by itself alone unless it speaks publicly.
fn listeners(plan: &Plan, t: TeamIx, to: crate::scenario::Listeners) -> Audience {
    use crate::scenario::Listeners;
    let own = plan.teams[t].island;
    let partner = |i: IslandIx| {
        (plan.bilateral.iter()).any(|&(a, b)| Some(a) == own && b == i || Some(b) == own && a == i)
    };
    let hears = |i: Option<IslandIx>| match to {
        Listeners::Public => true,
        Listeners::Partners => i.is_some_and(|i| Some(i) == own || partner(i)),
        Listeners::Staff => own.is_some() && i == own,
    };
    if to == Listeners::Public {
        return Audience::Everyone;
    }
    Audience::Teams(
        (0..plan.teams.len())
            .map(TeamIx::from)
            .filter(|&k| k == t || hears(plan.teams[k].island))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::events::{DetectedBy, Verdict};

    fn plan() -> std::sync::Arc<Plan> {
        TinyRegion::new()
            .island("A", true, true)
            .island("B", false, true)
            .org("gov", "A", 10, 0.5, 0.5)
            .csirt("csirt", "A")
            .team("npc", "Npc", Some("B"), 1, "OfficeHours", true)
            .team("hub", "RegionalHub", Some("A"), 2, "AroundTheClock", true)
            .plan()
    }

    #[test]
    fn an_unseen_compromise_is_ground_truth_and_an_alert_reaches_only_its_desk() {
        let p = plan();
        let mut fog = Fog::default();
        let (csirt, npc) = (TeamIx(0), TeamIx(1));
        let compromise = SimEvent::HostCompromised {
            campaign: Default::default(),
            org: Default::default(),
            host: 3,
            technique: Default::default(),
        };
        assert_eq!(fog.audience(&p, &compromise), Audience::Facilitator);
        let alert = SimEvent::AlertTriaged {
            alert: 1,
            team: csirt,
            verdict: Verdict::Confirmed,
            true_positive: true,
        };
        let a = fog.audience(&p, &alert);
        assert!(a.includes(csirt) && !a.includes(npc));
    }

    #[test]
    fn a_briefing_reaches_the_teams_it_names_and_a_prompt_for_nobody_stays_with_the_facilitator() {
        let p = TinyRegion::new()
            .island("A", true, true)
            .csirt("csirt", "A")
            .team("npc", "Npc", Some("A"), 1, "OfficeHours", true)
            .field(
                "msel: [Inject(id: \"I1\", trigger: At(\"D1 08:00\"), kind: Facilitation, \
                 channel: Briefing, to: [\"csirt\"], title: \"StartEx\"), \
                 Inject(id: \"I2\", trigger: At(\"D1 09:00\"), kind: Facilitation, \
                 channel: Media, title: \"Ask the room\")]",
            )
            .plan();
        let mut fog = Fog::default();
        let fired = |i| SimEvent::InjectFired {
            inject: InjectIx(i),
        };
        assert_eq!(
            fog.audience(&p, &fired(0)),
            Audience::Teams(vec![TeamIx(0)])
        );
        // Addressed to nobody: the facilitator's, even on a public channel.
        assert_eq!(fog.audience(&p, &fired(1)), Audience::Facilitator);
    }

    #[test]
    fn an_incident_stays_with_the_team_that_opened_it() {
        let p = plan();
        let mut fog = Fog::default();
        let open = |team| SimEvent::IncidentOpened {
            incident: 0,
            team,
            org: Default::default(),
            campaign: Default::default(),
            by: DetectedBy::Alert,
        };
        fog.audience(&p, &open(TeamIx(1)));
        fog.audience(&p, &open(TeamIx(0)));
        let scoped = |incident| SimEvent::IncidentScoped { incident, hosts: 4 };
        assert_eq!(
            fog.audience(&p, &scoped(0)),
            Audience::Teams(vec![TeamIx(1)])
        );
        assert_eq!(
            fog.audience(&p, &scoped(1)),
            Audience::Teams(vec![TeamIx(0)])
        );
        // An incident nobody opened (a damaged log) is nobody's but the facilitator's.
        assert_eq!(fog.audience(&p, &scoped(7)), Audience::Facilitator);
    }

    #[test]
    fn outages_are_public_and_help_involves_the_hub() {
        let p = plan();
        let mut fog = Fog::default();
        let down = SimEvent::ServiceDown {
            service: Default::default(),
        };
        assert_eq!(fog.audience(&p, &down), Audience::Everyone);
        let asked = SimEvent::AssistanceRequested { team: TeamIx(1) };
        let a = fog.audience(&p, &asked);
        assert!(a.includes(TeamIx(1)) && a.includes(TeamIx(2)) && !a.includes(TeamIx(0)));
    }

    /// A public statement is heard by everyone; one to partners by the teams of the island
    /// and of its bilateral partners; one to staff by the island's own teams only.
    #[test]
    fn a_statement_is_heard_by_those_it_is_addressed_to() {
        use crate::scenario::Listeners;
        let p = TinyRegion::new()
            .island("A", false, true)
            .island("B", false, true)
            .island("C", false, true)
            .team_with("a-cabinet", "Leadership", Some("A"), "")
            .team("a-npc", "Npc", Some("A"), 1, "OfficeHours", true)
            .team("b-npc", "Npc", Some("B"), 1, "OfficeHours", true)
            .team("c-npc", "Npc", Some("C"), 1, "OfficeHours", true)
            .field(r#"intel: Intel(bilateral: [("A", "B")])"#)
            .plan();
        let heard = |to| {
            let said = SimEvent::StatementIssued {
                team: TeamIx(0),
                to,
                text: "Services will be back by noon".into(),
            };
            Fog::default().audience(&p, &said)
        };
        assert_eq!(heard(Listeners::Public), Audience::Everyone);
        assert_eq!(
            heard(Listeners::Partners),
            Audience::Teams(vec![TeamIx(0), TeamIx(1), TeamIx(2)])
        );
        assert_eq!(
            heard(Listeners::Staff),
            Audience::Teams(vec![TeamIx(0), TeamIx(1)])
        );
    }
}
