//! A team's screen as data: what the team view draws and what a trainee's seat receives over the
//! lab network. Built from the team's knowledge (never the truth) with every name already
//! resolved, so a seat needs no scenario file: it cannot read ahead in the MSEL or see a
//! campaign, and the window on a seat and `console --team` draw the very same thing.

use std::collections::VecDeque;

mod hub;
pub mod projection;
pub use hub::{HubItemLine, HubView, MemberLine, RequestLine};

use serde::{Deserialize, Serialize};

use super::knowledge::TeamKnowledge;
use super::narrate::{self, Tone};
use crate::exercise::authority::acts_on;
use crate::scenario::ids::{OrgIx, TeamIx};
use crate::scenario::{Command, LinkKind, Plan};
use crate::sim::events::Stamped;

/// The team view's alert queue shows the oldest this many (the count is always whole).
pub const QUEUE_SHOWN: usize = 40;
/// A feed keeps its last this many lines.
pub const FEED_LINES: usize = 400;

/// What the map needs to know about one island, folded from events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IslandView {
    pub ever_compromised: usize,
    pub held: usize,
    pub encrypted: bool,
    pub detected: bool,
    pub incidents: usize,
    pub services_down: usize,
    /// Island-wide power outage in progress.
    pub dark: bool,
    /// Items of shared intelligence applied here.
    pub intel_items: usize,
}

/// The region as anyone may know it: islands at their places, the links between them. The
/// public part of a scenario, sent to a seat when it joins.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Geography {
    pub exercise: String,
    pub time_zone: String,
    /// The minute of the day the exercise starts at, to place `D2 09:00` on the clock.
    pub start_minute: u64,
    pub islands: Vec<Place>,
    pub links: Vec<Route>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    pub csirt: bool,
    pub npc: bool,
    /// A mainland member (drawn as a square); absent from older seats' messages.
    #[serde(default)]
    pub mainland: bool,
    /// Where it goes on the map (`projection::layout`, degrees from the top-left corner), so
    /// every map of the region draws it in the same place.
    #[serde(default)]
    pub x: f64,
    #[serde(default)]
    pub y: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub a: usize,
    pub b: usize,
    pub kind: LinkKind,
    pub up: bool,
    /// Its lane among the links joining the same two islands (`projection::lanes`): 0 alone.
    #[serde(default)]
    pub lane: f64,
}

impl Geography {
    pub fn of(plan: &Plan) -> Self {
        let s = &plan.scenario;
        let at = projection::layout(&s.islands.iter().map(|i| (i.lat, i.lon)).collect::<Vec<_>>());
        let pairs: Vec<(usize, usize)> = plan.links.iter().map(|(a, b)| (a.ix(), b.ix())).collect();
        let lanes = projection::lanes(&pairs);
        Geography {
            exercise: s.name.clone(),
            time_zone: s.time_zone.clone(),
            start_minute: s.start.minute_of_day,
            islands: s
                .islands
                .iter()
                .zip(&plan.islands)
                .zip(&at.points)
                .map(|((i, p), &(x, y))| Place {
                    id: i.id.clone(),
                    name: i.name.clone(),
                    lat: i.lat,
                    lon: i.lon,
                    population: i.population,
                    csirt: p.csirt,
                    npc: p.npc,
                    mainland: i.mainland,
                    x,
                    y,
                })
                .collect(),
            links: plan
                .link_kinds
                .iter()
                .zip(&plan.links)
                .zip(&lanes)
                .map(|((&kind, &(a, b)), &lane)| Route {
                    a: a.ix(),
                    b: b.ix(),
                    kind,
                    up: true,
                    lane,
                })
                .collect(),
        }
    }
}

/// The exercise clock as the room sees it: the facilitator's, on every seat.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockView {
    pub now: u64,
    pub end: u64,
    /// `D1 16:00`
    pub clock: String,
    /// The date and weekday.
    pub calendar: String,
    pub paused: bool,
    pub pace: String,
    /// The islands on other clocks than the scenario's, each with its own time now
    /// (`TO 10:00 Mon (UTC+13)`); empty when every island keeps the scenario's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub islands: Vec<String>,
}

impl ClockView {
    pub fn of(plan: &Plan, now: u64, paused: bool, pace: &str) -> Self {
        let t = plan.scenario.start.at(now);
        ClockView {
            now,
            end: plan.scenario.duration.0,
            clock: t.clock(),
            calendar: t.calendar(),
            paused,
            pace: pace.into(),
            islands: (plan.island_clocks(now).iter())
                .map(|c| c.label())
                .collect(),
        }
    }
}

/// A line of a feed: when, its tone, the event in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedLine {
    pub tick: u64,
    pub time: String,
    pub tone: Tone,
    pub text: String,
}

impl FeedLine {
    /// The facilitator's line: the whole truth.
    pub fn of(plan: &Plan, e: &Stamped) -> Self {
        FeedLine {
            tick: e.tick,
            time: plan.scenario.start.at(e.tick).clock(),
            tone: narrate::tone(&e.event),
            text: narrate::describe(plan, &e.event),
        }
    }

    /// A team's line: told as the team may know it (no true or false on an alert).
    pub fn for_team(plan: &Plan, e: &Stamped) -> Self {
        FeedLine {
            text: narrate::describe_for_team(plan, &e.event),
            ..FeedLine::of(plan, e)
        }
    }
}

/// Adds lines to a feed, keeping the last [`FEED_LINES`].
pub fn push_lines(feed: &mut VecDeque<FeedLine>, lines: impl IntoIterator<Item = FeedLine>) {
    feed.extend(lines);
    while feed.len() > FEED_LINES {
        feed.pop_front();
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// An inject as delivered: what the team reads, not its trigger or effects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    pub tick: u64,
    pub time: String,
    pub id: String,
    pub channel: String,
    pub from: String,
    pub title: String,
    pub body: String,
    pub questions: Vec<String>,
}

/// A decision put to the team and not yet taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    pub inject: String,
    pub prompt: String,
    /// (option id, label)
    pub options: Vec<(String, String)>,
    pub asked: u64,
    /// When the room moves on with the default (`None`: it waits for the team).
    pub deadline: Option<u64>,
    /// The default option's label.
    pub default: String,
    /// The team whose decision it is (its id); the other teams it was put to read it.
    pub decider: String,
}

impl DecisionView {
    /// Whether `team` (an id) takes this decision.
    pub fn taken_by(&self, team: &str) -> bool {
        self.decider == team
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertLine {
    pub number: u64,
    pub time: String,
    pub org: String,
    pub technique: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentLine {
    pub number: u32,
    pub org: String,
    /// open, contained or closed
    pub state: String,
    pub found: Option<u32>,
    pub isolated: u32,
    /// What it waits on before the team can call it contained (empty once contained).
    #[serde(default)]
    pub waits_on: Vec<String>,
    /// Times it was called contained and found live again.
    #[serde(default)]
    pub reopened: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntelLine {
    pub number: u32,
    /// `ours`, or the channel it came by.
    pub source: String,
    pub applied: Option<String>,
}

/// A trainee team's response orders against one organisation, as the buttons of a seat (the
/// window's and the browser page's) and the facilitator's desk offer them.
pub type OrderAt = fn(String, String) -> Command;
pub const RESPONSE_ORDERS: [(&str, OrderAt); 8] = [
    ("Investigate", |team, org| Command::Investigate {
        team,
        org,
    }),
    ("Isolate hosts", |team, org| Command::IsolateHosts {
        team,
        org,
    }),
    ("Eradicate", |team, org| Command::Eradicate { team, org }),
    ("Patch", |team, org| Command::Patch { team, org }),
    ("Cut off network", |team, org| {
        Command::IsolateOrganisation { team, org }
    }),
    ("Revoke provider access", |team, org| {
        Command::RevokeAccess { team, org }
    }),
    ("Reset credentials", |team, org| Command::ResetCredentials {
        team,
        org,
    }),
    ("Restore anyway", |team, org| Command::RestoreAnyway {
        team,
        org,
    }),
];

/// Everything on a team's screen but the clock, the map's places and the feed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub team: Named,
    /// Newest last.
    pub inbox: Vec<InboxItem>,
    pub decisions: Vec<DecisionView>,
    pub queue_total: usize,
    /// The oldest [`QUEUE_SHOWN`] alerts waiting.
    pub queue: Vec<AlertLine>,
    /// (confirmed, dismissed)
    pub triaged: (u32, u32),
    pub incidents: Vec<IncidentLine>,
    pub intel: Vec<IntelLine>,
    pub orders_given: usize,
    /// Hosts its scoping found and not yet isolated.
    pub believed_compromised: u32,
    /// Organisations it may give orders for.
    pub targets: Vec<Named>,
    /// Islands its island has a bilateral sharing agreement with (a share may name one).
    #[serde(default)]
    pub partners: Vec<Named>,
    /// The map as the team knows it, per island.
    pub islands: Vec<IslandView>,
    /// Links it knows are cut.
    pub links_cut: Vec<usize>,
    /// A Leadership team: its seat shows statements, not technical orders.
    #[serde(default)]
    pub leads: bool,
    /// The module the room is in, with its discussion questions.
    #[serde(default)]
    pub module: Option<ModuleView>,
    /// The regional hub's coordination dashboard (the hub's team only).
    #[serde(default)]
    pub hub: Option<HubView>,
    /// Its investigations deliver collections (a technical exercise): its seat takes findings.
    #[serde(default)]
    pub collects: bool,
    /// The collections delivered, newest last: the records `tidewatch evidence --team` writes
    /// for the team now include these organisations' hosts up to then.
    #[serde(default)]
    pub collections: Vec<CollectionLine>,
}

/// A collection a team's investigation delivered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionLine {
    pub time: String,
    pub org: Named,
}

/// Findings as a trainee types or pastes them: host names, indicators and ATT&CK ids in any
/// order, separated by spaces, commas or new lines. A token that starts with the
/// organisation's id and a dash is a host; one shaped like `T1059` or `T1059.001` a technique;
/// anything else an indicator. `None` when nothing was typed. The host checks each entry as it
/// would a command file's (a host of another organisation, an unknown technique: refused with
/// the reason, back at the seat).
pub fn findings_from_text(team: &str, org: &str, text: &str) -> Option<Command> {
    let (mut hosts, mut indicators, mut techniques) = (Vec::new(), Vec::new(), Vec::new());
    let prefix = format!("{org}-");
    let technique = |t: &str| {
        let (id, sub) = t.split_once('.').unwrap_or((t, "000"));
        id.len() == 5
            && id.starts_with('T')
            && id[1..].chars().all(|c| c.is_ascii_digit())
            && sub.len() == 3
            && sub.chars().all(|c| c.is_ascii_digit())
    };
    for token in text.split(|c: char| c.is_whitespace() || c == ',' || c == ';') {
        let token = token.trim_matches(|c| c == '"' || c == '\'');
        if token.is_empty() {
            continue;
        }
        if token.starts_with(&prefix) {
            hosts.push(token.to_string());
        } else if technique(token) {
            techniques.push(token.to_string());
        } else {
            indicators.push(token.to_string());
        }
    }
    (!hosts.is_empty() || !indicators.is_empty() || !techniques.is_empty()).then(|| {
        Command::Findings {
            team: team.to_string(),
            org: org.to_string(),
            hosts,
            indicators,
            techniques,
        }
    })
}

/// The module the room is in, as the players read it (never the facilitator's guidance).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleView {
    pub title: String,
    pub description: String,
    pub questions: Vec<String>,
    /// Its last inject has come: the room discusses the questions.
    pub ended: bool,
}

impl TeamView {
    pub fn of(plan: &Plan, k: &TeamKnowledge) -> Self {
        let s = &plan.scenario;
        let clock = |t: u64| s.start.at(t).clock();
        let org = |o: OrgIx| s.organisations[o].name.clone();
        let team = &s.teams[k.team];
        TeamView {
            team: Named {
                id: team.id.clone(),
                name: team.name.clone(),
            },
            inbox: inbox(plan, k),
            decisions: decisions(plan, k),
            queue_total: k.queue.len(),
            queue: k
                .queue
                .iter()
                .take(QUEUE_SHOWN)
                .map(|(&number, a)| AlertLine {
                    number,
                    time: clock(a.raised),
                    org: org(a.org),
                    technique: a.technique.map(|t| plan.techniques[t].name.clone()),
                })
                .collect(),
            triaged: k.triaged,
            incidents: k
                .incidents
                .iter()
                .map(|(&number, i)| IncidentLine {
                    number,
                    org: org(i.org),
                    state: if i.closed {
                        "closed"
                    } else if i.contained {
                        "contained"
                    } else {
                        "open"
                    }
                    .into(),
                    found: i.found,
                    isolated: i.isolated,
                    waits_on: i.waits_on(plan),
                    reopened: i.reopened,
                })
                .collect(),
            intel: k
                .intel
                .iter()
                .map(|(&number, i)| IntelLine {
                    number,
                    source: i.channel.map_or("ours".into(), |c| format!("{c:?}")),
                    applied: i.applied.map(clock),
                })
                .collect(),
            orders_given: k.orders.len(),
            believed_compromised: k.believed_compromised(),
            targets: targets(plan, k.team),
            partners: partners(plan, k.team),
            islands: islands(plan, k),
            links_cut: k.links_cut.iter().map(|l| l.ix()).collect(),
            leads: team.kind == crate::scenario::TeamKind::Leadership,
            collects: !plan.teams[k.team].auto
                && plan.teams[k.team].investigation == crate::scenario::Investigation::Collection,
            collections: (k.collections.iter())
                .map(|&(t, org)| CollectionLine {
                    time: clock(t),
                    org: Named {
                        id: s.organisations[org.ix()].id.clone(),
                        name: s.organisations[org.ix()].name.clone(),
                    },
                })
                .collect(),
            module: k.module.map(|(m, ended)| {
                let m = &s.modules[m.ix()];
                ModuleView {
                    title: m.title.clone(),
                    description: m.description.clone(),
                    questions: m.questions.clone(),
                    ended,
                }
            }),
            hub: HubView::of(plan, k),
        }
    }
}

/// Scripted and live injects delivered to the team, newest last (the sort is stable: equals
/// keep their order).
fn inbox(plan: &Plan, k: &TeamKnowledge) -> Vec<InboxItem> {
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    let mut items: Vec<InboxItem> = k
        .inbox
        .iter()
        .map(|&(tick, i)| {
            let a = &s.msel[i];
            InboxItem {
                tick,
                time: clock(tick),
                id: a.id.clone(),
                channel: format!("{:?}", a.channel),
                from: a.from.clone(),
                title: a.title.clone(),
                body: a.body.clone(),
                questions: a.questions.clone(),
            }
        })
        .chain(k.live.iter().map(|(tick, number, a)| InboxItem {
            tick: *tick,
            time: clock(*tick),
            id: crate::scenario::live_id(*number),
            channel: format!("{:?}", a.channel),
            from: a.from.clone(),
            title: a.title.clone(),
            body: a.body.clone(),
            questions: a.questions.clone(),
        }))
        .collect();
    items.sort_by_key(|i| i.tick);
    items
}

/// Decisions put to the team and not yet taken: the MSEL's, then live injects'; those another
/// team takes are there to read.
fn decisions(plan: &Plan, k: &TeamKnowledge) -> Vec<DecisionView> {
    let s = &plan.scenario;
    k.pending_decisions
        .iter()
        .filter_map(|&i| {
            let a = &s.msel[i];
            let d = a.decision.as_ref()?;
            let asked = k.inbox.iter().find(|(_, x)| *x == i).map_or(0, |(t, _)| *t);
            let resolved = plan.injects[i].decision?;
            let default = d
                .options
                .get(resolved.default as usize)
                .map_or(String::new(), |o| o.label.clone());
            Some(DecisionView {
                decider: s.teams[resolved.decider.ix()].id.clone(),
                deadline: resolved.answer_within.map(|w| asked + w),
                default,
                inject: a.id.clone(),
                prompt: d.prompt.clone(),
                options: d
                    .options
                    .iter()
                    .map(|o| (o.id.clone(), o.label.clone()))
                    .collect(),
                asked,
            })
        })
        .chain(k.live_pending().map(|(tick, number, a)| {
            DecisionView {
                inject: crate::scenario::live_id(number),
                prompt: a.title.clone(),
                options: a
                    .options
                    .iter()
                    .enumerate()
                    .map(|(n, label)| ((n + 1).to_string(), label.clone()))
                    .collect(),
                asked: tick,
                deadline: None,
                default: String::new(),
                decider: a.decider().to_string(),
            }
        }))
        .collect()
}

/// The organisations a team may give orders for (the rule that checks its orders).
pub fn targets(plan: &Plan, team: TeamIx) -> Vec<Named> {
    let s = &plan.scenario;
    (0..s.organisations.len())
        .map(OrgIx::from)
        .filter(|o| acts_on(plan, team, *o))
        .map(|o| Named {
            id: s.organisations[o].id.clone(),
            name: s.organisations[o].name.clone(),
        })
        .collect()
}

/// The islands `team`'s island shares with bilaterally, by island id and name.
pub fn partners(plan: &Plan, team: TeamIx) -> Vec<Named> {
    let Some(own) = plan.teams[team].island else {
        return Vec::new();
    };
    let s = &plan.scenario;
    (plan.bilateral.iter())
        .filter_map(|&(a, b)| match (a == own, b == own) {
            (true, _) => Some(b),
            (_, true) => Some(a),
            _ => None,
        })
        .map(|i| Named {
            id: s.islands[i].id.clone(),
            name: s.islands[i].name.clone(),
        })
        .collect()
}

/// The map as the team knows it: its own incidents and what scoping found, outages everyone
/// sees; never a compromise it has not found.
fn islands(plan: &Plan, k: &TeamKnowledge) -> Vec<IslandView> {
    let mut views = vec![IslandView::default(); plan.islands.len()];
    for inc in k.incidents.values() {
        let v = &mut views[plan.orgs[inc.org].island];
        v.incidents += 1;
        v.detected = true;
        v.ever_compromised += inc.found.unwrap_or(0) as usize;
        if !inc.contained {
            v.held += inc.held as usize;
        }
    }
    for s in &k.services_down {
        views[plan.services[*s].island].services_down += 1;
    }
    for i in &k.dark {
        views[*i].dark = true;
    }
    views
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::knowledge::QueuedAlert;
    use crate::scenario::testkit::TinyRegion;

    /// Pasted findings sort themselves: the organisation's hosts, ATT&CK ids, and the rest as
    /// indicators (a host of another organisation is an indicator here, and the host refuses
    /// nothing it cannot name); nothing typed is no command.
    #[test]
    fn findings_typed_at_a_seat_sort_into_hosts_techniques_and_indicators() {
        let text = "ag-gov-ws-0001, ag-gov-srv-0002\n T1021.002;T1003 'cdn-x.example' 203.0.113.9 \
                    T12 ag-bank-ws-0001";
        let Some(Command::Findings {
            hosts,
            indicators,
            techniques,
            ..
        }) = findings_from_text("ag-npc", "ag-gov", text)
        else {
            panic!("findings");
        };
        assert_eq!(hosts, ["ag-gov-ws-0001", "ag-gov-srv-0002"]);
        assert_eq!(techniques, ["T1021.002", "T1003"]);
        assert_eq!(
            indicators,
            ["cdn-x.example", "203.0.113.9", "T12", "ag-bank-ws-0001"]
        );
        assert_eq!(findings_from_text("ag-npc", "ag-gov", " ,\n "), None);
    }

    #[test]
    fn a_team_view_names_what_the_team_knows_and_carries_no_truth() {
        let plan = TinyRegion::new()
            .island("A", true, true)
            .org("gov", "A", 10, 0.5, 0.5)
            .csirt("csirt", "A")
            .plan();
        // What its fold let through of a compromise and the alert it raised: the alert.
        let mut k = TeamKnowledge::new(TeamIx(0));
        k.queue.insert(
            7,
            QueuedAlert {
                raised: 2,
                org: OrgIx(0),
                technique: None,
            },
        );
        let view = TeamView::of(&plan, &k);
        assert_eq!(view.team.id, "csirt");
        assert_eq!(view.queue_total, 1);
        assert_eq!(view.queue[0].number, 7);
        assert_eq!(view.queue[0].org, plan.scenario.organisations[0].name);
        assert_eq!(view.targets.len(), 1, "its island's organisation");
        assert_eq!(
            view.islands[0],
            IslandView::default(),
            "an alert is not a compromise found"
        );
        let wire = serde_json::to_string(&view).unwrap();
        assert!(!wire.contains("true_positive"));
        let back: TeamView = serde_json::from_str(&wire).unwrap();
        assert_eq!(back, view, "the view crosses the network whole");
    }
}
