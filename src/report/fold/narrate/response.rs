//! The defenders' events in words: orders, casework, intelligence and assistance.

use super::{campaign, island_name, org, team, tech};
use crate::scenario::Plan;
use crate::scenario::ids::IslandIx;
use crate::sim::events::SimEvent;

/// What a team ordered or an organisation did about its own defence.
pub(super) fn orders(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        ResponseOrdered { team: t, order } => {
            let what = match order {
                crate::sim::events::Order::Investigate(o) => {
                    format!("investigate {}", org(plan, o))
                }
                crate::sim::events::Order::IsolateHosts(o) => {
                    format!("isolate the compromised hosts of {}", org(plan, o))
                }
                crate::sim::events::Order::Eradicate(o) => {
                    format!("clean the isolated hosts of {}", org(plan, o))
                }
                crate::sim::events::Order::Patch(o) => format!("patch {}", org(plan, o)),
                crate::sim::events::Order::ResetCredentials(o) => {
                    format!("reset the credentials of {}", org(plan, o))
                }
                crate::sim::events::Order::Block(c) => format!("block \"{}\"", campaign(plan, c)),
            };
            format!("{} orders: {what}", team(plan, t))
        }
        HuntFoundNothing { team: t, org: o } => {
            format!("{} finds no intruder at {}", team(plan, t), org(plan, o))
        }
        OrganisationPatched { team: t, org: o } => {
            format!("{} has patched {}", team(plan, t), org(plan, o))
        }
        ActorBlocked {
            team: t,
            campaign: c,
            ..
        } => format!(
            "{} blocks the infrastructure of \"{}\"",
            team(plan, t),
            campaign(plan, c)
        ),
        OrganisationIsolated { org: o, team: t } => {
            format!("{} isolates the network of {}", team(plan, t), org(plan, o))
        }
        OrganisationReconnected { org: o, team: t } => {
            format!("{} reconnects {}", team(plan, t), org(plan, o))
        }
        AccessRevoked { org: o, team: t } => format!(
            "{} revokes its managed service provider's remote access (advised by {})",
            org(plan, o),
            team(plan, t)
        ),
        ShareOrdered {
            team: t,
            tlp,
            audience,
        } => match audience {
            crate::scenario::Recipients::AsMarked => format!(
                "{} decides to share its findings ({})",
                team(plan, t),
                tlp.label()
            ),
            to => format!(
                "{} decides to share its findings with {} ({})",
                team(plan, t),
                to.describe(plan),
                tlp.label()
            ),
        },
        CredentialsReset { org: o, team: t } => format!(
            "{} resets every credential at {}: what an intruder took there no longer works",
            team(plan, t),
            org(plan, o)
        ),
        _ => unreachable!("{event:?} is not an order's to tell"),
    }
}

/// An encrypted organisation's way back: restores prepared, hastened, held and planned, a
/// ransom paid or agreed, and the decryptor's work.
pub(super) fn recovery(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        RestoresPlanned {
            org: o,
            hosts,
            first,
            last,
        } => format!(
            "{}: IT plans to restore {hosts} encrypted host{}, the first back {}, the last {}",
            org(plan, o),
            if hosts == 1 { "" } else { "s" },
            plan.start.at(first).clock(),
            plan.start.at(last).clock()
        ),
        RestoresPrepared {
            org: o,
            hosts,
            ready,
        } => format!(
            "{}: IT starts preparing to restore {hosts} encrypted host{}, ready to start {}",
            org(plan, o),
            if hosts == 1 { "" } else { "s" },
            plan.start.at(ready).clock()
        ),
        RestoresHastened {
            org: o,
            team: t,
            was,
            ready,
        } => format!(
            "{}: analysts lent to {} join its IT; ready to restore {} instead of {}",
            org(plan, o),
            team(plan, t),
            plan.start.at(ready).clock(),
            plan.start.at(was).clock()
        ),
        RestoresHeld {
            org: o,
            hosts,
            team: t,
        } => format!(
            "{}: IT is ready to restore {hosts} encrypted host{} and waits for {} to contain the intrusion",
            org(plan, o),
            if hosts == 1 { "" } else { "s" },
            team(plan, t)
        ),
        RestoreAnywayOrdered { org: o, team: t } => format!(
            "{} tells {} to restore without waiting for containment",
            team(plan, t),
            org(plan, o)
        ),
        RansomPaid { org: o, usd } => format!("{} pays a ransom of US${usd}", org(plan, o)),
        RansomTalks { org: o, usd, until } => format!(
            "{} decides to pay the crew: talks settle on US${usd}, the decryptor in hand {}",
            org(plan, o),
            plan.start.at(until).clock()
        ),
        Decrypting {
            org: o,
            hosts,
            failed,
            first,
            last,
        } => format!(
            "{}: the decryptor brings back {hosts} encrypted host{}, the first {}, the last {}; \
             it fails on {failed}, which wait for their restore",
            org(plan, o),
            if hosts == 1 { "" } else { "s" },
            plan.start.at(first).clock(),
            plan.start.at(last).clock()
        ),
        _ => unreachable!("{event:?} is not a recovery's to tell"),
    }
}

/// Alerts on a desk and incidents worked, to the hosts back in service.
pub(super) fn casework(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        AlertRaised {
            team: t,
            org: o,
            true_positive,
            ..
        } => {
            format!(
                "{} alert from {} -> {}",
                if true_positive { "True" } else { "False" },
                org(plan, o),
                team(plan, t)
            )
        }
        AlertUnwatched { org: o, technique } => format!(
            "{}: sensor fired ({}), nobody watching",
            org(plan, o),
            tech(plan, technique)
        ),
        AlertExpired { team: t, .. } => format!("{}: an alert expired unread", team(plan, t)),
        AlertTriaged {
            team: t,
            verdict,
            true_positive,
            ..
        } => format!(
            "{}: alert {:?}{}",
            team(plan, t),
            verdict,
            if true_positive && verdict == crate::sim::events::Verdict::Dismissed {
                " (it was real)"
            } else {
                ""
            }
        ),
        RansomNoteFound { org: o, .. } => format!("{}: staff find a ransom note", org(plan, o)),
        // Whose the indicators were is the facilitator's: the team hears only that it blocked
        // them.
        IndicatorsBlocked {
            team: t,
            island,
            indicators,
            ..
        } => format!(
            "{} blocks the {indicators} indicator{} it found at {}'s perimeter",
            team(plan, t),
            if indicators == 1 { "" } else { "s" },
            island_name(plan, island)
        ),
        CollectionDelivered { team: t, org: o } => format!(
            "{}: the records of {}'s hosts are collected for analysis",
            team(plan, t),
            org(plan, o)
        ),
        FindingsSubmitted(crate::scenario::Findings {
            team: t,
            org: o,
            ref hosts,
            ref indicators,
            ref techniques,
        }) => format!(
            "{} submits findings at {}: {} host{}, {} indicator{}, {} technique{}",
            team(plan, t),
            org(plan, o),
            hosts.len(),
            if hosts.len() == 1 { "" } else { "s" },
            indicators.len(),
            if indicators.len() == 1 { "" } else { "s" },
            techniques.len(),
            if techniques.len() == 1 { "" } else { "s" },
        ),
        IncidentOpened {
            incident,
            team: t,
            org: o,
            by,
            ..
        } => {
            format!(
                "{} opens incident #{incident} at {} (via {by:?})",
                team(plan, t),
                org(plan, o)
            )
        }
        // The team's count (what its investigation or its findings named), not the truth.
        IncidentScoped { incident, hosts } => format!(
            "Incident #{incident} scoped: {hosts} host{} counted as the intruder's",
            if hosts == 1 { "" } else { "s" }
        ),
        HostIsolated { host, org: o, .. } => format!("{}: host #{host} isolated", org(plan, o)),
        HostCleaned { host, org: o, .. } => format!("{}: host #{host} cleaned", org(plan, o)),
        HostRestored {
            host,
            org: o,
            encrypted,
        } => {
            let how = if encrypted {
                "restored and back"
            } else {
                "back"
            };
            format!("{}: host #{host} {how} in service", org(plan, o))
        }
        RestoredHostsEncrypted { org: o, hosts, .. } => format!(
            "{}: {hosts} host{} just restored encrypted again: the intruder is still inside",
            org(plan, o),
            if hosts == 1 { "" } else { "s" }
        ),
        CredentialsStolen { incident } => format!(
            "Incident #{incident}: the intruder took the organisation's credentials; \
             not contained until they are reset"
        ),
        ProviderAccessFound { incident, provider } => format!(
            "Incident #{incident}: the intruder came in through {}'s remote access; \
             not contained until it is revoked",
            org(plan, provider)
        ),
        IncidentContained { incident } => format!("Incident #{incident} contained"),
        IncidentReopened { incident } => format!(
            "Incident #{incident} reopened: the intruder is on a host the team had not cut off"
        ),
        IncidentClosed { incident } => format!("Incident #{incident} closed"),
        _ => unreachable!("{event:?} is not casework to tell"),
    }
}

/// Intelligence produced, passed on and applied; analysts lent by the hub.
pub(super) fn cooperation(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        IntelProduced {
            item,
            team: t,
            campaign: c,
            tlp,
            ..
        } => {
            format!(
                "{} produces intel #{item} on \"{}\" (TLP:{tlp:?})",
                team(plan, t),
                campaign(plan, c)
            )
        }
        IntelSent {
            item,
            recipient,
            channel,
            ..
        } => format!(
            "Intel #{item} sent to {} ({channel:?})",
            team(plan, recipient)
        ),
        IntelReceived {
            item,
            team: t,
            channel,
        } => format!("{} receives intel #{item} ({channel:?})", team(plan, t)),
        IntelRelayed { item, team: t } => {
            format!("{} relays intel #{item} to its members", team(plan, t))
        }
        RelayOrdered {
            team: t,
            item,
            tlp,
            ref to,
            advisory,
        } => format!(
            "{} vets intel #{item} to relay at {} to {}{}",
            team(plan, t),
            tlp.label(),
            members(plan, to),
            if advisory {
                ", and as a regional advisory"
            } else {
                ""
            }
        ),
        IntelHeld { team: t, item } => format!("{} holds intel #{item}", team(plan, t)),
        AnalystsOrdered {
            hub,
            team: t,
            analysts,
            on_site,
        } => format!(
            "{} answers {}'s request: {analysts} analyst{} {}",
            team(plan, hub),
            team(plan, t),
            if analysts == 1 { "" } else { "s" },
            if on_site { "on site" } else { "remote" }
        ),
        HubOrderRefused { team: t, ref why } => {
            format!("{}'s order could not be carried out: {why}", team(plan, t))
        }
        IntelApplied {
            item,
            island,
            team: t,
        } => match t {
            Some(t) => format!(
                "{} applies intel #{item} on {}",
                team(plan, t),
                island_name(plan, island)
            ),
            None => format!(
                "{} picks up public advisory #{item}",
                island_name(plan, island)
            ),
        },
        AccessBlocked {
            org: o, technique, ..
        } => format!(
            "{}: attempt blocked thanks to shared intel ({})",
            org(plan, o),
            tech(plan, technique)
        ),
        AssistanceRequested { team: t } => {
            format!("{} asks for regional assistance", team(plan, t))
        }
        AssistanceDispatched {
            hub,
            team: t,
            analysts,
            arrives,
        } => format!(
            "{} sends {analysts} analyst{} to {} (arriving {})",
            team(plan, hub),
            if analysts == 1 { "" } else { "s" },
            team(plan, t),
            plan.scenario.start.at(arrives).clock()
        ),
        AssistanceArrived { team: t, analysts } => {
            format!("{analysts} regional analysts join {}", team(plan, t))
        }
        AssistanceLeft { team: t, analysts } => {
            format!("{analysts} regional analysts leave {}", team(plan, t))
        }
        _ => unreachable!("{event:?} is not cooperation's to tell"),
    }
}

/// The members a relay goes to: every one, or those named.
pub(crate) fn members(plan: &Plan, to: &[IslandIx]) -> String {
    if to.is_empty() {
        return "every member".into();
    }
    let names: Vec<&str> = to.iter().map(|&i| island_name(plan, i)).collect();
    names.join(", ")
}
