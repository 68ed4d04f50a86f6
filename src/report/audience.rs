//! The fog of war: who may see each event, decided here and nowhere else. The facilitator sees
//! everything (ground truth); a team sees what reached its desk, its inbox, its incidents and
//! its orders; everyone sees what citizens and the press would (outages, a cable cut, a media
//! inject, a public advisory). A team's view of an exercise is the events it may see, with the
//! facilitator-only fields (whether an alert was a true positive) left out.

use serde_json::Value;

use crate::scenario::ids::{InjectIx, TeamIx};
use crate::scenario::{InjectChannel, InjectKind, Plan};
use crate::sim::events::{SimEvent, Stamped};

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

/// Fields of a team-visible event that only the facilitator may read.
pub const FACILITATOR_FIELDS: &[&str] = &["true_positive"];

/// Decides audiences as the log grows: some events name only an incident or an item of
/// intelligence, whose owner an earlier event said.
#[derive(Clone, Debug, Default)]
pub struct Fog {
    /// Per incident id: the team that opened it.
    incident_team: Vec<TeamIx>,
    /// Per intelligence item: the team that produced it.
    item_team: Vec<TeamIx>,
    /// Per live inject (`live-1` first): the teams it was sent to.
    live_to: Vec<Vec<TeamIx>>,
}

impl Fog {
    /// Who may see `event`. Call for every event in log order.
    pub fn audience(&mut self, plan: &Plan, event: &SimEvent) -> Audience {
        use SimEvent::*;
        let team = |t: TeamIx| Audience::Teams(vec![t]);
        let with_hub = |t: TeamIx| Audience::Teams(plan.hub.into_iter().chain([t]).collect());
        match *event {
            // A team's own orders, work done and what its desk receives.
            ResponseOrdered { team: t, .. }
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
            | IntelRelayed { team: t, .. } => team(t),
            IncidentOpened { team: t, .. } => {
                self.incident_team.push(t);
                team(t)
            }
            IncidentScoped { incident, .. }
            | IncidentContained { incident }
            | IncidentClosed { incident } => self.incident_owner(incident),
            IntelProduced { team: t, .. } => {
                self.item_team.push(t);
                team(t)
            }
            IntelSent { item, .. } => match self.item_team.get(item as usize) {
                Some(t) => team(*t),
                None => Audience::Facilitator,
            },
            // A public advisory picked up on an island is public; otherwise the team applied it.
            IntelApplied { team: Some(t), .. } => team(t),
            IntelApplied { team: None, .. } => Audience::Everyone,
            // The team watching the organisation hears when its hosts are back in service.
            HostRestored { org, .. } | RestoresPlanned { org, .. } => {
                match plan.orgs[org].monitored_by {
                    Some(t) => team(t),
                    None => Audience::Facilitator,
                }
            }
            AssistanceRequested { team: t } => with_hub(t),
            AssistanceDispatched { hub, team: t, .. } => Audience::Teams(vec![hub, t]),
            AssistanceArrived { team: t, .. } | AssistanceLeft { team: t, .. } => with_hub(t),
            // The MSEL: an inject reaches whom it is addressed to (a media story reaches
            // everyone); a decision is seen by the teams it was put to.
            InjectFired { inject } => inject_audience(plan, inject),
            // A live decision is seen by the teams the inject was put to, as a scripted one.
            LiveDecisionTaken {
                team: t, number, ..
            } => {
                let mut teams = crate::scenario::live_index(number)
                    .and_then(|k| self.live_to.get(k))
                    .cloned()
                    .unwrap_or_default();
                if !teams.contains(&t) {
                    teams.push(t);
                }
                Audience::Teams(teams)
            }
            InjectSent {
                ref to, ref inject, ..
            } => {
                self.live_to.push(to.to_vec());
                if matches!(inject.channel, InjectChannel::Media | InjectChannel::Social) {
                    Audience::Everyone
                } else {
                    Audience::Teams(to.to_vec())
                }
            }
            DecisionTaken {
                team: t, inject, ..
            } => {
                let mut teams = plan.injects[inject].to.clone();
                if !teams.contains(&t) {
                    teams.push(t);
                }
                Audience::Teams(teams)
            }
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
            | RansomNoteFound { .. } => Audience::Facilitator,
        }
    }

    fn incident_owner(&self, incident: u32) -> Audience {
        match self.incident_team.get(incident as usize) {
            Some(t) => Audience::Teams(vec![*t]),
            None => Audience::Facilitator,
        }
    }
}

fn inject_audience(plan: &Plan, inject: InjectIx) -> Audience {
    let authored = &plan.scenario.msel[inject];
    if authored.kind == InjectKind::Facilitation {
        return Audience::Facilitator;
    }
    if matches!(
        authored.channel,
        InjectChannel::Media | InjectChannel::Social
    ) {
        return Audience::Everyone;
    }
    match &plan.injects[inject].to {
        to if to.is_empty() => Audience::Facilitator,
        to => Audience::Teams(to.clone()),
    }
}

/// The events `team` may see, in log order.
pub fn visible_to<'a>(plan: &Plan, team: TeamIx, events: &'a [Stamped]) -> Vec<&'a Stamped> {
    let mut fog = Fog::default();
    events
        .iter()
        .filter(|e| fog.audience(plan, &e.event).includes(team))
        .collect()
}

/// An event as a team's JSON line: the facilitator-only fields removed.
pub fn redact(mut json: Value) -> Value {
    if let Value::Object(map) = &mut json {
        for f in FACILITATOR_FIELDS {
            map.remove(*f);
        }
    }
    json
}

/// The event log as JSON lines (`run --events`): every event for the facilitator, or only
/// what `team` may see, with the facilitator-only fields removed.
pub fn write_events(
    plan: &Plan,
    events: &[Stamped],
    team: Option<TeamIx>,
    out: impl std::io::Write,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut w = std::io::BufWriter::new(out);
    let shown: Vec<&Stamped> = match team {
        Some(t) => visible_to(plan, t, events),
        None => events.iter().collect(),
    };
    for e in shown {
        let line = super::narrate::to_json(plan, e);
        let line = if team.is_some() { redact(line) } else { line };
        serde_json::to_writer(&mut w, &line)?;
        w.write_all(b"\n")?;
    }
    w.flush()
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

    #[test]
    fn a_team_never_reads_whether_its_alert_was_true() {
        let json =
            serde_json::json!({"kind": "AlertRaised", "team": "csirt", "true_positive": true});
        assert_eq!(
            redact(json),
            serde_json::json!({"kind": "AlertRaised", "team": "csirt"})
        );
    }
}
