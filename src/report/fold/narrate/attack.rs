//! The attack's events in words, and what citizens notice of it.

use super::{campaign, island_name, link_name, org, tech};
use crate::scenario::Plan;
use crate::sim::events::{DownCause, SimEvent};

/// The attacker's moves.
pub(super) fn attack(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        CampaignStarted { campaign: c } => format!("Campaign \"{}\" begins", campaign(plan, c)),
        AccessFailed {
            org: o, technique, ..
        } => format!(
            "{}: attempt failed ({})",
            org(plan, o),
            tech(plan, technique)
        ),
        HostCompromised {
            org: o,
            host,
            technique,
            ..
        } => format!(
            "{}: host #{host} compromised ({})",
            org(plan, o),
            tech(plan, technique)
        ),
        StageCompleted {
            org: o, technique, ..
        } => format!(
            "{}: attacker completes {}",
            org(plan, o),
            tech(plan, technique)
        ),
        TrustFollowed { from, to, .. } => format!(
            "Intruder moves from {} into client {}",
            org(plan, from),
            org(plan, to)
        ),
        DataExfiltrated { org: o, .. } => format!("{}: data exfiltrated", org(plan, o)),
        HostsEncrypted {
            org: o,
            hosts,
            rebuilt,
            ..
        } => match rebuilt {
            0 => format!("{}: {hosts} hosts encrypted", org(plan, o)),
            n => format!(
                "{}: {hosts} hosts encrypted, {n} of them with no usable backup left (to rebuild)",
                org(plan, o)
            ),
        },
        BackupsLost { org: o, hosts } => format!(
            "{}: online backups of {hosts} hosts encrypted too",
            org(plan, o)
        ),
        DdosStarted { org: o, .. } => format!("{}: denial-of-service flood begins", org(plan, o)),
        DdosEnded { org: o, .. } => format!("{}: flood subsides", org(plan, o)),
        _ => unreachable!("{event:?} is not the attacker's to tell"),
    }
}

/// What citizens notice: cables, power, services.
pub(super) fn infrastructure(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        LinkCut { link } => format!("CABLE CUT: {}", link_name(plan, link)),
        LinkRepaired { link } => format!("Link repaired: {}", link_name(plan, link)),
        PowerOut { island } => format!("{}: island-wide power outage", island_name(plan, island)),
        PowerRestored { island } => format!("{}: power restored", island_name(plan, island)),
        ServiceDown { service } => {
            format!("SERVICE DOWN: {}", plan.scenario.services[service].name)
        }
        ServiceRestored { service } => {
            format!("Service restored: {}", plan.scenario.services[service].name)
        }
        OutageCause { service, cause } => {
            let why = match cause {
                DownCause::Scripted => "the scripted events (a cable or power cut)",
                DownCause::Attack => "the attack (hosts encrypted or being restored, a flood)",
                DownCause::Response => "the response (hosts or a network isolated)",
            };
            let name = &plan.scenario.services[service].name;
            format!("{name} is down because of {why}")
        }
        _ => unreachable!("{event:?} is not infrastructure's to tell"),
    }
}
