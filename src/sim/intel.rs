//! Regional cooperation: intelligence produced from confirmed incidents, carried by bilateral
//! agreements, the NPC network, the regional hub and public advisories, applied by recipients
//! at the cost of analyst time; and mutual assistance, analysts the hub sends to a team that
//! is drowning.
//!
//! Everything here reacts to this tick's events (incidents scoped, items applied or relayed by
//! analysts) and to deliveries falling due, so a quiet region costs nothing.

use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::*;

use super::attack::Intrusions;
use super::defence::{Desk, Incidents, Task, TeamEntities};
use super::events::{Channel, EventLog, SimEvent};
use super::network::Connectivity;
use super::{Clock, Region, SimSet, SimTick, StableId};
use crate::scenario::{TeamKind, Tlp};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<IntelBook>()
        .init_resource::<IslandDefences>()
        .init_resource::<Deployments>()
        .add_systems(
            SimTick,
            (share_intel, deliver_intel, mutual_assistance)
                .chain()
                .in_set(SimSet::Cooperation),
        );
}

/// What a team learned from an incident: the campaign's actor and the techniques seen so far.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IntelItem {
    pub campaign: u32,
    pub actor: u32,
    pub techniques: Vec<u32>,
    pub tlp: Tlp,
    pub team: u32,
    pub island: u32,
    pub produced: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Recipient {
    Team(u32),
    /// A public advisory picked up on an island without anyone's analyst time.
    Island(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Delivery {
    pub item: u32,
    pub to: Recipient,
    pub channel: Channel,
}

/// Every item produced, what is in transit, and who already has what.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct IntelBook {
    pub items: Vec<IntelItem>,
    /// (arrival tick, sequence) -> delivery; the sequence keeps same-tick arrivals in send order.
    pub in_transit: BTreeMap<(u64, u64), Delivery>,
    sent: u64,
    /// (team, item) pairs already received, so a second channel does not cost a second apply.
    pub received: BTreeSet<(u32, u32)>,
}

/// How strongly applied intelligence protects an island's organisations.
#[derive(Resource, Default, Clone, Debug, PartialEq, Hash)]
pub struct IslandDefences {
    /// Per island: technique -> strength (0..1) of the detection boost.
    known_techniques: BTreeMap<u32, BTreeMap<u32, Strength>>,
    /// Per island: actor -> strength (0..1) of blocking its initial access.
    blocked_actors: BTreeMap<u32, BTreeMap<u32, Strength>>,
    /// Organisations a team patched on order.
    patched: BTreeSet<u32>,
}

/// What an emergency patch round brings an organisation's hosts to (judgement).
const PATCHED_LEVEL: f64 = 0.95;

/// A strength in thousandths, so defences hash and compare exactly.
type Strength = u32;

impl IslandDefences {
    /// Multiplier on the chance that a sensor sees `technique` on `island`.
    pub fn detection_factor(&self, region: &Region, island: u32, technique: u32) -> f64 {
        let s = self
            .known_techniques
            .get(&island)
            .and_then(|m| m.get(&technique))
            .copied()
            .unwrap_or(0);
        1.0 + (region.scenario.intel.detection_boost - 1.0) * s as f64 / 1000.0
    }

    /// Chance that an initial-access attempt by `actor` is stopped on `island`.
    pub fn block_chance(&self, region: &Region, island: u32, actor: u32) -> f64 {
        let s = self
            .blocked_actors
            .get(&island)
            .and_then(|m| m.get(&actor))
            .copied()
            .unwrap_or(0);
        region.scenario.intel.block * s as f64 / 1000.0
    }

    /// The patch level that counts for a host of `org` whose group is at `base`.
    pub fn patch_level(&self, org: u32, base: f64) -> f64 {
        if self.patched.contains(&org) {
            base.max(PATCHED_LEVEL)
        } else {
            base
        }
    }

    fn block_actor(&mut self, island: u32, actor: u32) {
        self.blocked_actors
            .entry(island)
            .or_default()
            .insert(actor, 1000);
    }

    fn apply(&mut self, island: u32, item: &IntelItem, strength: Strength) {
        let known = self.known_techniques.entry(island).or_default();
        for &t in &item.techniques {
            let s = known.entry(t).or_default();
            *s = (*s).max(strength);
        }
        // RED is for named recipients' eyes: they watch for it but cannot push blocks.
        if item.tlp != Tlp::Red {
            let s = self
                .blocked_actors
                .entry(island)
                .or_default()
                .entry(item.actor)
                .or_default();
            *s = (*s).max(strength);
        }
    }
}

/// How much of an item's value a recipient can put to work (judgement): a CSIRT or SOC tunes
/// sensors and filters; a one-person point of contact forwards advisories; a public advisory
/// reaches whoever reads it.
fn strength(region: &Region, team: Option<u32>) -> Strength {
    match team.map(|t| region.teams[t as usize].kind) {
        Some(TeamKind::NationalCsirt | TeamKind::SectorSoc) => 1000,
        Some(TeamKind::Npc) => 600,
        Some(TeamKind::RegionalHub) | None => 400,
    }
}

/// Transit time between two islands: the hop's latency, plus the fallback's when no cable path
/// joins them.
fn hop(region: &Region, net: &Connectivity, from: Option<u32>, to: Option<u32>) -> u64 {
    let p = &region.scenario.intel;
    let cut = matches!((from, to), (Some(a), Some(b)) if !net.connected(a, b));
    p.latency.0 + if cut { p.fallback_latency.0 } else { 0 }
}

/// Islands the regional hub serves: those with a CSIRT or a designated point of contact.
fn hub_members(region: &Region) -> impl Iterator<Item = u32> + '_ {
    region
        .scenario
        .islands
        .iter()
        .enumerate()
        .filter(|(_, i)| i.csirt || i.npc)
        .map(|(i, _)| i as u32)
}

impl IntelBook {
    fn send(
        &mut self,
        log: &mut EventLog,
        now: u64,
        arrives: u64,
        item: u32,
        to: Recipient,
        channel: Channel,
    ) {
        self.sent += 1;
        self.in_transit
            .insert((arrives, self.sent), Delivery { item, to, channel });
        if let Recipient::Team(t) = to {
            log.push(
                now,
                SimEvent::IntelSent {
                    item,
                    recipient: t,
                    channel,
                    arrives,
                },
            );
        }
    }

    /// Sends a new item out through every channel its marking allows.
    fn dispatch(
        &mut self,
        region: &Region,
        net: &Connectivity,
        log: &mut EventLog,
        now: u64,
        item: u32,
    ) {
        let p = &region.scenario.intel;
        if !p.sharing {
            return;
        }
        let it = self.items[item as usize].clone();
        let origin = it.island;
        let islands = &region.scenario.islands;
        let contact = |i: u32| region.island_contact[i as usize];
        for &(a, b) in &region.bilateral {
            let other = if a == origin {
                b
            } else if b == origin {
                a
            } else {
                continue;
            };
            if let Some(t) = contact(other) {
                self.send(
                    log,
                    now,
                    now + hop(region, net, Some(origin), Some(other)),
                    item,
                    Recipient::Team(t),
                    Channel::Bilateral,
                );
            }
        }
        if it.tlp <= Tlp::Green && islands[origin as usize].npc {
            for (j, isl) in islands.iter().enumerate() {
                let j = j as u32;
                if j != origin
                    && isl.npc
                    && let Some(t) = contact(j)
                {
                    self.send(
                        log,
                        now,
                        now + hop(region, net, Some(origin), Some(j)),
                        item,
                        Recipient::Team(t),
                        Channel::NpcNetwork,
                    );
                }
            }
        }
        if p.hub && it.tlp <= Tlp::Amber && hub_members(region).any(|m| m == origin) {
            if let Some(hub) = region.hub {
                let seat = region.teams[hub as usize].island;
                self.send(
                    log,
                    now,
                    now + hop(region, net, Some(origin), seat),
                    item,
                    Recipient::Team(hub),
                    Channel::Hub,
                );
            }
        }
        if it.tlp == Tlp::Clear {
            for j in 0..islands.len() as u32 {
                if j != origin {
                    let cut = if net.connected(origin, j) {
                        0
                    } else {
                        p.fallback_latency.0
                    };
                    self.send(
                        log,
                        now,
                        now + p.public_latency.0 + cut,
                        item,
                        Recipient::Island(j),
                        Channel::Public,
                    );
                }
            }
        }
    }
}

/// Produces intel from incidents scoped this tick, applies what analysts finished applying, and
/// sends on what the hub finished vetting.
#[allow(clippy::too_many_arguments)]
fn share_intel(
    clock: Res<Clock>,
    region: Res<Region>,
    incidents: Res<Incidents>,
    intrusions: Res<Intrusions>,
    net: Res<Connectivity>,
    mut book: ResMut<IntelBook>,
    mut defences: ResMut<IslandDefences>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let happened: Vec<SimEvent> = log.this_tick().iter().map(|e| e.event.clone()).collect();
    for event in happened {
        match event {
            SimEvent::IncidentScoped { .. } | SimEvent::ShareOrdered { .. } => {
                let share = match event {
                    // Auto-played teams share by policy; trainees decide (a ShareIntel command).
                    SimEvent::IncidentScoped { incident, .. } => {
                        let team = incidents.0[incident as usize].team;
                        region.teams[team as usize]
                            .auto
                            .then_some((incident, region.scenario.intel.tlp_default))
                    }
                    SimEvent::ShareOrdered { team, tlp } => incidents
                        .0
                        .iter()
                        .rposition(|i| i.team == team && i.scoped)
                        .map(|i| (i as u32, tlp)),
                    _ => None,
                };
                if let Some((incident, tlp)) = share {
                    produce(
                        &region,
                        &incidents,
                        &intrusions,
                        &net,
                        &mut book,
                        &mut defences,
                        &mut log,
                        now,
                        incident,
                        tlp,
                    );
                }
            }
            SimEvent::IntelApplied {
                item,
                island,
                team: Some(team),
            } if book.items[item as usize].team != team => {
                let it = book.items[item as usize].clone();
                defences.apply(island, &it, strength(&region, Some(team)));
            }
            SimEvent::OrganisationPatched { org, .. } => {
                defences.patched.insert(org);
            }
            SimEvent::ActorBlocked {
                island, campaign, ..
            } => {
                defences.block_actor(island, region.campaigns[campaign as usize].actor);
            }
            SimEvent::IntelRelayed { item, team } => {
                let seat = region.teams[team as usize].island;
                let origin = book.items[item as usize].island;
                for m in hub_members(&region).filter(|m| *m != origin) {
                    if let Some(t) = region.island_contact[m as usize] {
                        let at = now + hop(&region, &net, seat, Some(m));
                        book.send(&mut log, now, at, item, Recipient::Team(t), Channel::Hub);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A new item from an incident: the producing team applies it at once and sends it out.
#[allow(clippy::too_many_arguments)]
fn produce(
    region: &Region,
    incidents: &Incidents,
    intrusions: &Intrusions,
    net: &Connectivity,
    book: &mut IntelBook,
    defences: &mut IslandDefences,
    log: &mut EventLog,
    now: u64,
    incident: u32,
    tlp: Tlp,
) {
    let inc = &incidents.0[incident as usize];
    let plan = &region.campaigns[inc.campaign as usize];
    // The techniques the intruder has used in that organisation so far.
    let reached = intrusions
        .by_key
        .get(&(inc.campaign, inc.org))
        .map_or(1, |i| i.stage.max(1));
    let mut techniques: Vec<u32> = plan.stages[..reached.min(plan.stages.len())]
        .iter()
        .map(|s| s.technique)
        .collect();
    techniques.sort_unstable();
    techniques.dedup();
    let island = region.teams[inc.team as usize]
        .island
        .unwrap_or(region.orgs[inc.org as usize].island);
    let item = IntelItem {
        campaign: inc.campaign,
        actor: plan.actor,
        techniques,
        tlp,
        team: inc.team,
        island,
        produced: now,
    };
    let id = book.items.len() as u32;
    log.push(
        now,
        SimEvent::IntelProduced {
            item: id,
            team: inc.team,
            campaign: inc.campaign,
            tlp,
        },
    );
    // The producing team knows what it found.
    defences.apply(island, &item, strength(region, Some(inc.team)));
    book.items.push(item);
    book.received.insert((inc.team, id));
    log.push(
        now,
        SimEvent::IntelApplied {
            item: id,
            island,
            team: Some(inc.team),
        },
    );
    book.dispatch(region, net, log, now, id);
}

/// Deliveries falling due: a team puts the item on its to-do list (the hub vets and relays;
/// others apply); a public advisory is picked up directly.
fn deliver_intel(
    clock: Res<Clock>,
    region: Res<Region>,
    teams: Res<TeamEntities>,
    mut desks: Query<&mut Desk>,
    mut book: ResMut<IntelBook>,
    mut defences: ResMut<IslandDefences>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    while let Some((&(tick, seq), &d)) = book.in_transit.first_key_value() {
        if tick > now {
            break;
        }
        book.in_transit.remove(&(tick, seq));
        match d.to {
            Recipient::Team(t) => {
                if !book.received.insert((t, d.item)) {
                    continue;
                }
                log.push(
                    now,
                    SimEvent::IntelReceived {
                        item: d.item,
                        team: t,
                        channel: d.channel,
                    },
                );
                let task = if Some(t) == region.hub {
                    Task::RelayIntel { item: d.item }
                } else {
                    Task::ApplyIntel { item: d.item }
                };
                if let Ok(mut desk) = desks.get_mut(teams.0[t as usize]) {
                    desk.tasks.push(task);
                }
            }
            Recipient::Island(i) => {
                let item = book.items[d.item as usize].clone();
                defences.apply(i, &item, strength(&region, None));
                log.push(
                    now,
                    SimEvent::IntelApplied {
                        item: d.item,
                        island: i,
                        team: None,
                    },
                );
            }
        }
    }
}

/// Analysts on loan from the regional hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Deployment {
    pub to: u32,
    pub analysts: u32,
    pub arrives: u64,
    pub leaves: u64,
    pub arrived: bool,
}

#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Deployments(pub Vec<Deployment>);

/// A team with an open incident and more queued work than its analysts can clear asks the hub
/// for help; the hub sends analysts it can spare, who arrive after travelling and stay a while.
#[allow(clippy::too_many_arguments)]
fn mutual_assistance(
    clock: Res<Clock>,
    region: Res<Region>,
    incidents: Res<Incidents>,
    teams: Res<TeamEntities>,
    mut desks: Query<(&StableId, &mut Desk)>,
    mut deployments: ResMut<Deployments>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let policy = &region.scenario.assistance;
    let Some(hub) = region.hub else { return };
    // Arrivals and departures.
    for d in deployments.0.iter_mut() {
        if !d.arrived && d.arrives <= now {
            d.arrived = true;
            if let Ok((_, mut desk)) = desks.get_mut(teams.0[d.to as usize]) {
                desk.add_analysts(d.analysts);
            }
            log.push(
                now,
                SimEvent::AssistanceArrived {
                    team: d.to,
                    analysts: d.analysts,
                },
            );
        }
        if d.arrived && d.leaves == now {
            if let Ok((_, mut desk)) = desks.get_mut(teams.0[d.to as usize]) {
                desk.remove_analysts(d.analysts);
            }
            if let Ok((_, mut desk)) = desks.get_mut(teams.0[hub as usize]) {
                desk.add_analysts(d.analysts);
            }
            log.push(
                now,
                SimEvent::AssistanceLeft {
                    team: d.to,
                    analysts: d.analysts,
                },
            );
        }
    }
    if !policy.enabled {
        return;
    }
    // Requests: those a team made itself (a command, already in the log), then the policy's,
    // in team order.
    let d = &region.scenario.defaults;
    let mut requests: Vec<(u32, bool)> = log
        .this_tick()
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::AssistanceRequested { team } => Some((team, false)),
            _ => None,
        })
        .collect();
    for (id, desk) in desks.iter().sort::<&StableId>() {
        let t = id.0;
        let plan = &region.teams[t as usize];
        if t == hub || !plan.auto || deployments.0.iter().any(|x| x.to == t && x.leaves > now) {
            continue;
        }
        let open = incidents.0.iter().any(|i| i.team == t && !i.contained);
        let backlog =
            desk.backlog_minutes(d, &region.scenario.intel) + desk.queue.len() as u64 * d.triage.0;
        if open && backlog > policy.backlog.0 * desk.analysts.len() as u64 {
            if !requests.iter().any(|(r, _)| *r == t) {
                requests.push((t, true));
            }
        }
    }
    for (t, announce) in requests {
        if t == hub || deployments.0.iter().any(|x| x.to == t && x.leaves > now) {
            continue;
        }
        if announce {
            log.push(now, SimEvent::AssistanceRequested { team: t });
        }
        let Ok((_, mut hub_desk)) = desks.get_mut(teams.0[hub as usize]) else {
            continue;
        };
        // The hub keeps one analyst at home.
        let spare = (hub_desk.analysts.len() as u32)
            .saturating_sub(1)
            .min(policy.analysts);
        if spare == 0 {
            continue;
        }
        hub_desk.remove_analysts(spare);
        let arrives = now + policy.travel.0;
        deployments.0.push(Deployment {
            to: t,
            analysts: spare,
            arrives,
            leaves: arrives + policy.stay.0.max(1),
            arrived: false,
        });
        log.push(
            now,
            SimEvent::AssistanceDispatched {
                hub,
                team: t,
                analysts: spare,
                arrives,
            },
        );
    }
}
