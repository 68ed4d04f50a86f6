//! Events in words (for the console feed) and as JSON objects with author ids (for `--events`).

use crate::scenario::ids::{CampaignIx, IslandIx, LinkIx, OrgIx, TeamIx, TechniqueIx};
use serde_json::{Map, Value, json};

use crate::scenario::Plan;
use crate::sim::events::{DownCause, SimEvent, Stamped};

fn org(plan: &Plan, o: OrgIx) -> &str {
    &plan.scenario.organisations[o].name
}
fn org_id(plan: &Plan, o: OrgIx) -> &str {
    &plan.scenario.organisations[o].id
}
fn island_id(plan: &Plan, o: OrgIx) -> &str {
    &plan.scenario.islands[plan.orgs[o].island].id
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
        | RestoresPlanned { .. } => Tone::Defence,
        RansomPaid { .. } => Tone::Harm,
        ResponseOrdered { .. }
        | HuntFoundNothing { .. }
        | OrganisationPatched { .. }
        | ActorBlocked { .. } => Tone::Defence,
        CampaignLaunched { .. } | StageForced { .. } | IntrusionHalted { .. } => Tone::Routine,
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
        | AccessBlocked { .. }
        | AssistanceDispatched { .. }
        | AssistanceArrived { .. } => Tone::Defence,
        AssistanceRequested { .. } => Tone::Warning,
        HostsEncrypted { .. }
        | ServiceDown { .. }
        | DataExfiltrated { .. }
        | BackupsLost { .. }
        | RansomNoteFound { .. }
        | DdosStarted { .. } => Tone::Harm,
        HostCompromised { .. }
        | TrustFollowed { .. }
        | CampaignStarted { .. }
        | AlertUnwatched { .. } => Tone::Warning,
        IncidentOpened { .. }
        | IncidentScoped { .. }
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

/// The event in a sentence. One arm per kind of event, so it is as long as `SimEvent` is wide
/// (over 120 lines): splitting it would only scatter the wording of events a reader compares.
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

pub fn describe(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        Note { ref text } => format!("Note: {text}"),
        CampaignLaunched {
            campaign: c,
            org: o,
        } => format!(
            "White cell launches \"{}\" against {}",
            campaign(plan, c),
            org(plan, o)
        ),
        StageForced {
            campaign: c,
            org: o,
            through: None,
        } => format!(
            "White cell pushes \"{}\" a step on at {}",
            campaign(plan, c),
            org(plan, o)
        ),
        StageForced {
            campaign: c,
            org: o,
            through: Some(k),
        } => format!(
            "White cell pushes \"{}\" through {} at {}",
            campaign(plan, c),
            plan.campaigns[c]
                .stages
                .get(k as usize)
                .map_or("?", |s| plan.techniques[s.technique].id.as_str()),
            org(plan, o)
        ),
        IntrusionHalted {
            campaign: c,
            org: o,
        } => format!(
            "White cell halts \"{}\" at {}",
            campaign(plan, c),
            org(plan, o)
        ),
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
        InjectFired { inject } => {
            let i = &plan.scenario.msel[inject];
            format!(
                "INJECT {} ({:?}, {:?}): {}",
                i.id, i.channel, i.kind, i.title
            )
        }
        LiveDecisionTaken {
            team: t,
            number,
            ref label,
            ..
        } => format!(
            "{} decides on {}: {label}",
            team(plan, t),
            crate::scenario::live_id(number)
        ),
        InjectRescheduled { inject, at } => format!(
            "The facilitator moves inject {} to {}",
            plan.scenario.msel[inject].id,
            plan.scenario.start.at(at).clock()
        ),
        InjectSent {
            number,
            ref to,
            ref inject,
        } => format!(
            "INJECT {} ({:?}, live) to {}: {}",
            crate::scenario::live_id(number),
            inject.channel,
            super::picture::team_ids(plan, to),
            inject.title
        ),
        InjectScheduled { inject, at } => format!(
            "Inject {} is due at {}",
            plan.scenario.msel[inject].id,
            plan.scenario.start.at(at).clock()
        ),
        InjectSkipped { inject } => format!(
            "The facilitator skips inject {}: {}",
            plan.scenario.msel[inject].id, plan.scenario.msel[inject].title
        ),
        InjectWithdrawn { inject } => format!(
            "Inject {} is dropped: the simulation overtook its storyline ({})",
            plan.scenario.msel[inject].id,
            plan.when_text(
                plan.injects[inject]
                    .unless
                    .as_ref()
                    .unwrap_or(&crate::scenario::WhenPlan::Manual)
            )
        ),
        ModuleStarted { module } => {
            format!("{} begins", plan.scenario.modules[module].title)
        }
        ModuleEnded { module } => {
            let m = &plan.scenario.modules[module];
            let mut text = format!("End of {}", m.title);
            if !m.questions.is_empty() {
                text.push_str(&format!(": {} questions for the room", m.questions.len()));
            }
            text
        }
        InjectDelayed { inject, minutes } => format!(
            "The facilitator puts inject {} back by {}",
            plan.scenario.msel[inject].id,
            crate::time::Span(minutes)
        ),
        InjectOrdered { inject } => format!(
            "Facilitator fires inject {} now",
            plan.scenario.msel[inject].id
        ),
        DecisionTaken {
            team: t,
            inject,
            option,
        } => {
            let i = &plan.scenario.msel[inject];
            let label = i
                .decision
                .as_ref()
                .and_then(|d| d.options.get(option as usize))
                .map_or("?", |o| o.label.as_str());
            format!("{} decides on {}: {label}", team(plan, t), i.id)
        }
        ExpectationMet { expectation } => format!(
            "Expectation met: {}",
            plan.scenario.expectations[expectation].description
        ),
        ExpectationMissed { expectation } => format!(
            "Expectation MISSED: {}",
            plan.scenario.expectations[expectation].description
        ),
        ExpectationValidated {
            expectation,
            met,
            ref note,
        } => format!(
            "Facilitator rates {}: {}{}",
            plan.scenario.expectations[expectation].id,
            if met { "met" } else { "not met" },
            if note.is_empty() {
                String::new()
            } else {
                format!(" ({note})")
            }
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
        RansomPaid { org: o, usd } => format!("{} pays a ransom of US${usd}", org(plan, o)),
        ShareOrdered { team: t, tlp } => format!(
            "{} decides to share its findings (TLP:{tlp:?})",
            team(plan, t)
        ),
        CampaignForced { campaign: c } => {
            format!("White cell starts \"{}\" now", campaign(plan, c))
        }
        CampaignCancelled { campaign: c } => format!("White cell stops \"{}\"", campaign(plan, c)),
        LinkCut { link } => format!("CABLE CUT: {}", link_name(plan, link)),
        LinkRepaired { link } => format!("Link repaired: {}", link_name(plan, link)),
        PowerOut { island } => format!("{}: island-wide power outage", island_name(plan, island)),
        PowerRestored { island } => format!("{}: power restored", island_name(plan, island)),
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
            "{} sends {analysts} analysts to {} (arriving {})",
            team(plan, hub),
            team(plan, t),
            plan.scenario.start.at(arrives).clock()
        ),
        AssistanceArrived { team: t, analysts } => {
            format!("{analysts} regional analysts join {}", team(plan, t))
        }
        AssistanceLeft { team: t, analysts } => {
            format!("{analysts} regional analysts leave {}", team(plan, t))
        }
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
        HostsEncrypted { org: o, hosts, .. } => {
            format!("{}: {hosts} hosts encrypted", org(plan, o))
        }
        BackupsLost { org: o, hosts } => format!(
            "{}: online backups of {hosts} hosts encrypted too",
            org(plan, o)
        ),
        DdosStarted { org: o, .. } => format!("{}: denial-of-service flood begins", org(plan, o)),
        DdosEnded { org: o, .. } => format!("{}: flood subsides", org(plan, o)),
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
        IncidentScoped { incident, hosts } => {
            format!("Incident #{incident} scoped: {hosts} hosts held by the intruder")
        }
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
        IncidentContained { incident } => format!("Incident #{incident} contained"),
        IncidentClosed { incident } => format!("Incident #{incident} closed"),
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
    }
}

/// One event as a JSON object: `tick`, `time` (`D1 09:30`), `kind`, and its fields with
/// scenario ids in place of indexes.
pub fn to_json(plan: &Plan, e: &Stamped) -> Value {
    let mut obj = Map::new();
    obj.insert("tick".into(), json!(e.tick));
    obj.insert("time".into(), json!(plan.scenario.start.at(e.tick).clock()));
    let raw = serde_json::to_value(&e.event).unwrap_or(Value::Null);
    let (kind, fields) = match raw {
        Value::Object(m) => m.into_iter().next().unwrap_or((String::new(), Value::Null)),
        Value::String(s) => (s, Value::Null),
        _ => (String::new(), Value::Null),
    };
    obj.insert("kind".into(), json!(kind));
    if let Value::Object(fields) = fields {
        for (k, v) in fields {
            let idx = v.as_u64().map(|x| x as u32);
            let mapped = match (k.as_str(), idx) {
                ("campaign", Some(c)) => json!(plan.scenario.campaigns[c as usize].id),
                ("org" | "from" | "to", Some(o)) => {
                    if k == "org" {
                        obj.insert("island".into(), json!(island_id(plan, OrgIx(o))));
                    }
                    json!(org_id(plan, OrgIx(o)))
                }
                ("team" | "recipient" | "hub", Some(t)) => {
                    json!(plan.scenario.teams[t as usize].id)
                }
                ("island", Some(i)) => json!(plan.scenario.islands[i as usize].id),
                ("link", Some(l)) => json!(plan.scenario.links[l as usize].id),
                ("inject", Some(i)) => json!(plan.scenario.msel[i as usize].id),
                ("expectation", Some(x)) => json!(plan.scenario.expectations[x as usize].id),
                ("service", Some(s)) => {
                    let sp = &plan.services[s as usize];
                    obj.insert("island".into(), json!(plan.scenario.islands[sp.island].id));
                    json!(plan.scenario.services[s as usize].id)
                }
                ("technique", Some(t)) => json!(plan.techniques[t as usize].id),
                ("techniques", None) => json!(
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.as_u64())
                        .map(|t| plan.techniques[t as usize].id.clone())
                        .collect::<Vec<_>>()
                ),
                _ => v,
            };
            obj.insert(k, mapped);
        }
    }
    // A live inject: its recipients by team id, and the id it goes by in the record.
    if let SimEvent::InjectSent { number, ref to, .. } = e.event {
        let teams: Vec<&str> = to
            .iter()
            .map(|t| plan.scenario.teams[t.ix()].id.as_str())
            .collect();
        obj.insert("to".into(), json!(teams));
        obj.insert("id".into(), json!(crate::scenario::live_id(number)));
    }
    if let SimEvent::DecisionTaken { inject, option, .. } = e.event {
        let decision = plan.scenario.msel[inject].decision.as_ref();
        if let Some(o) = decision.and_then(|d| d.options.get(option as usize)) {
            obj.insert("option".into(), json!(o.id));
        }
    }
    Value::Object(obj)
}
