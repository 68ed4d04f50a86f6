//! The narrative: each event in words (the console's feed, a team's feed, the report's
//! timeline), with its tone, and as a JSON object with author ids (`--events`). One describer
//! per family of events, each in the file of its family: `exercise.rs` (the white cell, the
//! MSEL, decisions, expectations), `response.rs` (orders, casework, intelligence and
//! assistance), `attack.rs` (the attacker and what citizens notice), `json.rs`.

mod attack;
mod exercise;
mod json;
mod response;
pub(crate) use response::members;

pub use json::to_json;

use std::collections::BTreeSet;

use crate::scenario::ids::{CampaignIx, IslandIx, LinkIx, OrgIx, TeamIx, TechniqueIx};

use crate::scenario::Plan;
use crate::sim::events::{SimEvent, Stamped};

fn org(plan: &Plan, o: OrgIx) -> &str {
    &plan.scenario.organisations[o].name
}
fn island_name(plan: &Plan, i: IslandIx) -> &str {
    &plan.scenario.islands[i].name
}
fn link_name(plan: &Plan, l: LinkIx) -> String {
    let link = &plan.scenario.links[l];
    format!(
        "{} {} ({}-{})",
        link.system, link.id, link.between.0, link.between.1
    )
}
fn campaign(plan: &Plan, c: CampaignIx) -> &str {
    &plan.scenario.campaigns[c].name
}
fn team(plan: &Plan, t: TeamIx) -> &str {
    &plan.scenario.teams[t].name
}
fn tech(plan: &Plan, t: TechniqueIx) -> String {
    let t = &plan.techniques[t];
    format!("{} {}", t.id, t.name)
}

/// How serious an event is, for colouring the feed.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Tone {
    Routine,
    Defence,
    Warning,
    Harm,
}

pub fn tone(event: &SimEvent) -> Tone {
    use SimEvent::*;
    match event {
        LinkCut { .. } | PowerOut { .. } => Tone::Harm,
        OrganisationIsolated { .. }
        | OrganisationReconnected { .. }
        | ShareOrdered { .. }
        | AccessRevoked { .. }
        | RestoresPlanned { .. }
        | RestoresPrepared { .. }
        | RestoresHastened { .. }
        | RestoreAnywayOrdered { .. }
        | Decrypting { .. } => Tone::Defence,
        RestoresHeld { .. } | CredentialsStolen { .. } => Tone::Warning,
        CredentialsReset { .. } => Tone::Defence,
        RestoredHostsEncrypted { .. } => Tone::Harm,
        RansomPaid { .. } | RansomTalks { .. } => Tone::Harm,
        ResponseOrdered { .. }
        | HuntFoundNothing { .. }
        | OrganisationPatched { .. }
        | ActorBlocked { .. } => Tone::Defence,
        CampaignLaunched { .. } | StageForced { .. } | IntrusionHalted { .. } => Tone::Routine,
        StatementIssued { .. } => Tone::Warning,
        Note { .. }
        | CampaignForced { .. }
        | CampaignCancelled { .. }
        | InjectOrdered { .. }
        | InjectSkipped { .. }
        | InjectWithdrawn { .. }
        | InjectScheduled { .. }
        | InjectDelayed { .. }
        | InjectRescheduled { .. }
        | ModuleEnded { .. } => Tone::Routine,
        ModuleStarted { .. } => Tone::Warning,
        InjectFired { .. } | InjectSent { .. } | ExpectationMissed { .. } => Tone::Warning,
        DecisionTaken { .. }
        | LiveDecisionTaken { .. }
        | ExpectationMet { .. }
        | ExpectationValidated { .. } => Tone::Defence,
        LinkRepaired { .. }
        | PowerRestored { .. }
        | IntelProduced { .. }
        | IntelApplied { .. }
        | IntelRelayed { .. }
        | RelayOrdered { .. }
        | AnalystsOrdered { .. }
        | AccessBlocked { .. }
        | AssistanceDispatched { .. }
        | AssistanceArrived { .. } => Tone::Defence,
        AssistanceRequested { .. } | IntelHeld { .. } | HubOrderRefused { .. } => Tone::Warning,
        HostsEncrypted { .. }
        | ServiceDown { .. }
        | DataExfiltrated { .. }
        | BackupsLost { .. }
        | RansomNoteFound { .. }
        | DdosStarted { .. } => Tone::Harm,
        HostCompromised { .. }
        | TrustFollowed { .. }
        | CampaignStarted { .. }
        | AlertUnwatched { .. }
        | IncidentReopened { .. }
        | ProviderAccessFound { .. } => Tone::Warning,
        IncidentOpened { .. }
        | IncidentScoped { .. }
        | FindingsSubmitted(_)
        | HostIsolated { .. }
        | HostCleaned { .. }
        | HostRestored { .. }
        | IncidentContained { .. }
        | IncidentClosed { .. }
        | ServiceRestored { .. }
        | DdosEnded { .. } => Tone::Defence,
        _ => Tone::Routine,
    }
}

/// Whether the facilitator's feed shows it: the steady drizzle of false alerts and failed
/// attempts would drown the story.
pub fn newsworthy(plan: &Plan, event: &SimEvent) -> bool {
    if let SimEvent::StageCompleted { technique, .. } = event {
        // The first foothold is already told by "host compromised".
        return !plan.techniques[*technique].effect.is_initial_access();
    }
    !matches!(
        event,
        SimEvent::IntelSent { .. }
            | SimEvent::IntelReceived { .. }
            | SimEvent::AccessBlocked { .. }
            | SimEvent::AccessFailed { .. }
            | SimEvent::AlertRaised {
                true_positive: false,
                ..
            }
            | SimEvent::AlertTriaged {
                true_positive: false,
                ..
            }
            | SimEvent::AlertExpired {
                true_positive: false,
                ..
            }
            | SimEvent::HostCleaned { .. }
            | SimEvent::HostIsolated { .. }
            | SimEvent::HostRestored { .. }
            | SimEvent::InjectScheduled { .. }
    )
}

/// An event in words as a team may read it: whether an alert was real is the facilitator's
/// to know (the team learns it by triage and scoping, not from the narrator).
pub fn describe_for_team(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        AlertRaised {
            team: t,
            org: o,
            technique,
            ..
        } => format!(
            "Alert from {} ({}) -> {}",
            org(plan, o),
            technique.map_or("no technique named".into(), |x| tech(plan, x)),
            team(plan, t)
        ),
        AlertTriaged {
            team: t, verdict, ..
        } => format!("{}: alert {verdict:?}", team(plan, t)),
        _ => describe(plan, event),
    }
}

/// The event in a sentence, by the describer of its family. Every kind of event is routed
/// here by name (no default), so a new kind cannot go untold.
pub fn describe(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match event {
        Note { .. }
        | StatementIssued { .. }
        | CampaignLaunched { .. }
        | StageForced { .. }
        | IntrusionHalted { .. }
        | CampaignForced { .. }
        | CampaignCancelled { .. } => exercise::white_cell(plan, event),
        InjectFired { .. }
        | InjectSent { .. }
        | InjectScheduled { .. }
        | InjectRescheduled { .. }
        | InjectDelayed { .. }
        | InjectOrdered { .. }
        | InjectSkipped { .. }
        | InjectWithdrawn { .. }
        | ModuleStarted { .. }
        | ModuleEnded { .. } => exercise::injects(plan, event),
        DecisionTaken { .. }
        | LiveDecisionTaken { .. }
        | ExpectationMet { .. }
        | ExpectationMissed { .. }
        | ExpectationValidated { .. } => exercise::decisions(plan, event),
        ResponseOrdered { .. }
        | HuntFoundNothing { .. }
        | OrganisationPatched { .. }
        | ActorBlocked { .. }
        | OrganisationIsolated { .. }
        | OrganisationReconnected { .. }
        | AccessRevoked { .. }
        | ShareOrdered { .. }
        | CredentialsReset { .. } => response::orders(plan, event),
        RestoresPlanned { .. }
        | RestoresPrepared { .. }
        | RestoresHastened { .. }
        | RestoresHeld { .. }
        | RestoreAnywayOrdered { .. }
        | RansomPaid { .. }
        | RansomTalks { .. }
        | Decrypting { .. } => response::recovery(plan, event),
        AlertRaised { .. }
        | AlertUnwatched { .. }
        | AlertExpired { .. }
        | AlertTriaged { .. }
        | RansomNoteFound { .. }
        | CollectionDelivered { .. }
        | IndicatorsBlocked { .. }
        | FindingsSubmitted(_)
        | IncidentOpened { .. }
        | IncidentScoped { .. }
        | HostIsolated { .. }
        | HostCleaned { .. }
        | HostRestored { .. }
        | RestoredHostsEncrypted { .. }
        | CredentialsStolen { .. }
        | ProviderAccessFound { .. }
        | IncidentContained { .. }
        | IncidentReopened { .. }
        | IncidentClosed { .. } => response::casework(plan, event),
        IntelProduced { .. }
        | IntelSent { .. }
        | IntelReceived { .. }
        | IntelRelayed { .. }
        | RelayOrdered { .. }
        | IntelHeld { .. }
        | AnalystsOrdered { .. }
        | HubOrderRefused { .. }
        | IntelApplied { .. }
        | AccessBlocked { .. }
        | AssistanceRequested { .. }
        | AssistanceDispatched { .. }
        | AssistanceArrived { .. }
        | AssistanceLeft { .. } => response::cooperation(plan, event),
        CampaignStarted { .. }
        | AccessFailed { .. }
        | HostCompromised { .. }
        | StageCompleted { .. }
        | TrustFollowed { .. }
        | DataExfiltrated { .. }
        | HostsEncrypted { .. }
        | BackupsLost { .. }
        | DdosStarted { .. }
        | DdosEnded { .. } => attack::attack(plan, event),
        LinkCut { .. }
        | LinkRepaired { .. }
        | PowerOut { .. }
        | PowerRestored { .. }
        | ServiceDown { .. }
        | ServiceRestored { .. }
        | OutageCause { .. } => attack::infrastructure(plan, event),
    }
}

/// What happened, in order, for the report's timeline: the attack's milestones (first
/// foothold per organisation, trust hops, data taken, encryption), detections and incidents,
/// intelligence produced and where it was first applied, injects and decisions (the hub's
/// relays, holds and loans among them), infrastructure, notes and missed expectations. Each as (tick, the event in words).
pub fn milestones(plan: &Plan, events: &[Stamped]) -> Vec<(u64, String)> {
    let mut held: BTreeSet<OrgIx> = BTreeSet::new();
    let mut applied: BTreeSet<(u32, IslandIx)> = BTreeSet::new();
    let mut out = Vec::new();
    for e in events {
        let keep = match &e.event {
            SimEvent::HostCompromised { org, .. } => held.insert(*org),
            SimEvent::IntelApplied { item, island, .. } => applied.insert((*item, *island)),
            event => milestone(event),
        };
        if keep {
            out.push((e.tick, describe(plan, &e.event)));
        }
    }
    out
}

/// Kinds of event a timeline always keeps.
fn milestone(event: &SimEvent) -> bool {
    matches!(
        event,
        SimEvent::TrustFollowed { .. }
            | SimEvent::DataExfiltrated { .. }
            | SimEvent::HostsEncrypted { .. }
            | SimEvent::RansomNoteFound { .. }
            | SimEvent::RansomPaid { .. }
            | SimEvent::RansomTalks { .. }
            | SimEvent::IncidentOpened { .. }
            | SimEvent::IncidentContained { .. }
            | SimEvent::IncidentReopened { .. }
            | SimEvent::IncidentClosed { .. }
            | SimEvent::IntelProduced { .. }
            | SimEvent::InjectFired { .. }
            | SimEvent::InjectSent { .. }
            | SimEvent::LiveDecisionTaken { .. }
            | SimEvent::DecisionTaken { .. }
            | SimEvent::LinkCut { .. }
            | SimEvent::LinkRepaired { .. }
            | SimEvent::PowerOut { .. }
            | SimEvent::PowerRestored { .. }
            | SimEvent::ServiceDown { .. }
            | SimEvent::ServiceRestored { .. }
            | SimEvent::OrganisationIsolated { .. }
            | SimEvent::OrganisationReconnected { .. }
            | SimEvent::AccessRevoked { .. }
            | SimEvent::AssistanceDispatched { .. }
            | SimEvent::AssistanceArrived { .. }
            | SimEvent::RelayOrdered { .. }
            | SimEvent::IntelHeld { .. }
            | SimEvent::AnalystsOrdered { .. }
            | SimEvent::HubOrderRefused { .. }
            | SimEvent::DdosStarted { .. }
            | SimEvent::CampaignCancelled { .. }
            | SimEvent::ExpectationMissed { .. }
            | SimEvent::Note { .. }
            | SimEvent::StatementIssued { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    #[test]
    fn a_team_reads_its_alert_without_whether_it_was_true() {
        let plan = TinyRegion::new()
            .island("A", true, true)
            .org("gov", "A", 10, 0.5, 0.5)
            .csirt("csirt", "A")
            .plan();
        let alert = SimEvent::AlertRaised {
            alert: 7,
            team: TeamIx(0),
            org: OrgIx(0),
            technique: None,
            true_positive: true,
        };
        let told = describe_for_team(&plan, &alert);
        assert!(told.starts_with("Alert from"), "{told}");
        assert!(describe(&plan, &alert).starts_with("True alert"));
    }
}
