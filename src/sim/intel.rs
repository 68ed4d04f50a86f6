//! Regional cooperation: intelligence produced from confirmed incidents, carried by bilateral
//! agreements, the NPC network, the regional hub and public advisories, applied by recipients
//! at the cost of analyst time. (Mutual assistance, analysts the hub lends, is `assistance`.)
//!
//! Everything here reacts to this tick's events (incidents scoped, items applied or relayed by
//! analysts) and to deliveries falling due, so a quiet region costs nothing.

use crate::scenario::ids::{ActorIx, CampaignIx, IslandIx, TeamIx, TechniqueIx};
use std::collections::{BTreeMap, BTreeSet};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::assistance::{Desks, mutual_assistance};
use super::attack::Intrusions;
use super::digest::kept::{SummedMap, SummedSet, SummedVec, whole_rows};
use super::digest::{DigestAppExt, hash_of};
use super::events::{Channel, EventLog, SimEvent};
use super::incidents::Incidents;
use super::network::Connectivity;
use super::posture::{IslandDefences, strength};
use super::tasks::Task;
use super::{Clock, Region, SimSet, SimTick};
use crate::scenario::{Recipients, Tlp};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<IntelBook>()
        .init_resource::<HubTray>()
        .add_systems(
            SimTick,
            (share_intel, deliver_intel)
                .chain()
                .in_set(SimSet::Cooperation)
                .before(mutual_assistance),
        )
        .digest_part_kept(
            90,
            "intel",
            |world| {
                // The tray is empty unless trainees play the hub, so runs without them keep
                // the digests their journals recorded.
                let (book, tray) = (world.resource::<IntelBook>(), world.resource::<HubTray>());
                if tray.is_empty() {
                    hash_of(book)
                } else {
                    hash_of(&(book, tray))
                }
            },
            |world| {
                let (book, tray) = (world.resource::<IntelBook>(), world.resource::<HubTray>());
                hash_of(&(book.kept_hash(), tray))
            },
        );
}

/// A relay as the hub chose it: the marking, and the members by island (every member, and
/// the teams it feeds directly, when empty).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Relay {
    pub tlp: Tlp,
    pub to: Vec<IslandIx>,
    /// Also as a regional advisory, which every island picks up.
    pub advisory: bool,
}

/// The desk of a hub played by trainees: what it received waits for their decision (relay it,
/// to whom and at which marking, or hold it). Auto-played, the hub relays everything it
/// receives to every member at the source's marking, and this stays empty.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct HubTray {
    /// Received and not yet decided.
    pub waiting: BTreeSet<u32>,
    /// Held by the hub (it may still relay them).
    pub held: BTreeSet<u32>,
    /// Relays ordered, being vetted by the hub's analysts.
    pub vetting: BTreeMap<u32, Relay>,
    /// Relays sent.
    pub relayed: BTreeMap<u32, Relay>,
    /// The marking a team got an item at when the hub's relay made it stricter than the
    /// source's (the first channel an item arrives by is the one that counts).
    pub marked: BTreeMap<(TeamIx, u32), Tlp>,
}

impl HubTray {
    pub fn is_empty(&self) -> bool {
        *self == HubTray::default()
    }

    /// Why the hub may not relay `item` at `tlp` now, if it may not.
    pub fn relay_refusal(&self, book: &IntelBook, item: u32, tlp: Tlp) -> Option<String> {
        if self.vetting.contains_key(&item) || self.relayed.contains_key(&item) {
            return Some(format!("item {item} is already relayed"));
        }
        if !self.waiting.contains(&item) && !self.held.contains(&item) {
            return Some(format!("item {item} has not reached the hub"));
        }
        let source = book.items.get(item as usize)?.tlp;
        (tlp < source).then(|| {
            format!(
                "item {item} is marked {}: a relay keeps the source's marking or makes it \
                 stricter (TLP 2.0); ask the source to re-share it more widely",
                source.label()
            )
        })
    }

    /// Why the hub may not hold `item` now, if it may not.
    pub fn hold_refusal(&self, item: u32) -> Option<String> {
        if self.held.contains(&item) {
            Some(format!("item {item} is already held"))
        } else if !self.waiting.contains(&item) {
            Some(format!("item {item} is not waiting for the hub's decision"))
        } else {
            None
        }
    }

    /// The marking `team` holds `item` at.
    fn marking(&self, book: &IntelBook, team: TeamIx, item: u32) -> Tlp {
        (self.marked.get(&(team, item)).copied()).unwrap_or(book.items[item as usize].tlp)
    }
}

whole_rows!(IntelItem, Delivery);

/// What a team learned from an incident: the campaign's actor and the techniques seen so far.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IntelItem {
    pub campaign: CampaignIx,
    pub actor: ActorIx,
    pub techniques: Vec<TechniqueIx>,
    pub tlp: Tlp,
    /// Whom the team sent it to (within what the marking allows).
    pub audience: Recipients,
    pub team: TeamIx,
    pub island: IslandIx,
    pub produced: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Recipient {
    Team(TeamIx),
    /// A public advisory picked up on an island without anyone's analyst time.
    Island(IslandIx),
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
    pub items: SummedVec<IntelItem>,
    /// (arrival tick, sequence) -> delivery; the sequence keeps same-tick arrivals in send order.
    pub in_transit: SummedMap<(u64, u64), Delivery>,
    sent: u64,
    /// (team, item) pairs already received, so a second channel does not cost a second apply.
    pub received: SummedSet<(TeamIx, u32)>,
    /// Shares ordered before the team had scoped anything: they go out, at the marking
    /// ordered, as soon as it has ("share as soon as we know").
    pub standing: BTreeMap<TeamIx, (Tlp, Recipients)>,
}

/// Transit time between two islands: the hop's latency, plus the slower links' delay on the
/// way round, or the fallback's when no path of links that are up joins them. A team with no
/// island (a hub abroad) is reached over the island's links to anywhere: the fallback's when
/// every one of them is down.
fn hop(region: &Region, net: &Connectivity, from: Option<IslandIx>, to: Option<IslandIx>) -> u64 {
    let p = &region.intel;
    match (from, to) {
        (Some(a), Some(b)) if !net.connected(a, b) => p.latency.0 + p.fallback_latency.0,
        (Some(a), Some(b)) => p.latency.0 + net.delay(a, b),
        (Some(a), None) | (None, Some(a)) if net.cut_off(a) => p.latency.0 + p.fallback_latency.0,
        _ => p.latency.0,
    }
}

impl IntelBook {
    /// The book's hash from its kept fingerprints (digest version 2): the standing orders are
    /// a few per team, and hashed whole.
    fn kept_hash(&self) -> u64 {
        hash_of(&(
            self.items.sum(),
            self.in_transit.sum(),
            self.sent,
            self.received.sum(),
            &self.standing,
        ))
    }

    /// An island's contact passes an item it holds on to its constituency (the teams fed
    /// `National` on its island), one hop later.
    fn pass_on(
        &mut self,
        region: &Region,
        log: &mut EventLog,
        now: u64,
        (item, tlp): (u32, Tlp),
        holder: TeamIx,
    ) {
        let Some(island) = region.teams[holder].island else {
            return;
        };
        // RED stays with whom it was given to; AMBER may go to a constituency that needs it.
        if region.island_contact[island] != Some(holder)
            || !region.intel.sharing
            || tlp > Tlp::Amber
        {
            return;
        }
        let at = now + region.intel.latency.0;
        let feed = crate::scenario::Feed::National;
        let fed: Vec<TeamIx> = (region.fed_by(feed, Some(island)))
            .filter(|t| *t != holder)
            .collect();
        for t in fed {
            self.send(log, now, at, item, Recipient::Team(t), Channel::National);
        }
    }

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
        let p = &region.intel;
        if !p.sharing {
            return;
        }
        let it = self.items[item as usize].clone();
        let origin = it.island;
        let islands = &region.islands;
        let contact = |i: IslandIx| region.island_contact[i];
        let to = it.audience;
        for &(a, b) in &region.bilateral {
            let other = if a == origin {
                b
            } else if b == origin {
                a
            } else {
                continue;
            };
            let chosen = match to {
                Recipients::AsMarked | Recipients::Partners => true,
                Recipients::Partner(p) => p == other,
                _ => false,
            };
            if !chosen {
                continue;
            }
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
        let any = |kind: Recipients| to == Recipients::AsMarked || to == kind;
        if it.tlp <= Tlp::Green && islands[origin].npc && any(Recipients::Contacts) {
            for (j, isl) in islands.iter().enumerate() {
                let j = IslandIx::from(j);
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
        if p.hub
            && it.tlp <= Tlp::Amber
            && any(Recipients::Hub)
            && region.hub_members().any(|m| m == origin)
            && let Some(hub) = region.hub
        {
            let seat = region.teams[hub].island;
            self.send(
                log,
                now,
                now + hop(region, net, Some(origin), seat),
                item,
                Recipient::Team(hub),
                Channel::Hub,
            );
        }
        if it.tlp == Tlp::Clear && any(Recipients::Public) {
            self.publish(region, net, log, now, (item, Some(origin)));
        }
    }

    /// An advisory every island but the item's own picks up: after the public latency, and
    /// the links' delay from where it is issued (`None`: a hub abroad, no delay of its own).
    fn publish(
        &mut self,
        region: &Region,
        net: &Connectivity,
        log: &mut EventLog,
        now: u64,
        (item, from): (u32, Option<IslandIx>),
    ) {
        let p = &region.intel;
        let origin = self.items[item as usize].island;
        for j in IslandIx::all(region.islands.len()).filter(|j| *j != origin) {
            let cut = match from {
                Some(f) if net.connected(f, j) => net.delay(f, j),
                Some(_) => p.fallback_latency.0,
                None => 0,
            };
            let at = now + p.public_latency.0 + cut;
            self.send(log, now, at, item, Recipient::Island(j), Channel::Public);
        }
    }
}

/// What intelligence is made from: incidents, what the intruder did, and which islands can
/// reach each other.
#[derive(SystemParam)]
struct Sources<'w> {
    clock: Res<'w, Clock>,
    region: Res<'w, Region>,
    incidents: Res<'w, Incidents>,
    intrusions: Res<'w, Intrusions>,
    net: Res<'w, Connectivity>,
}

/// Produces intel from incidents scoped this tick, applies what analysts finished applying, and
/// sends on what the hub finished vetting.
fn share_intel(
    seen: Sources,
    (mut book, mut tray): (ResMut<IntelBook>, ResMut<HubTray>),
    mut desks: Desks,
    mut defences: ResMut<IslandDefences>,
    mut log: ResMut<EventLog>,
) {
    let Sources {
        clock, region, net, ..
    } = &seen;
    let now = clock.now;
    let happened: Vec<SimEvent> = log.this_tick().iter().map(|e| e.event.clone()).collect();
    for event in happened {
        match event {
            SimEvent::IncidentScoped { .. } | SimEvent::ShareOrdered { .. } => {
                let share = match event {
                    // Auto-played teams share by policy; trainees decide (a ShareIntel command,
                    // which waits for their first scoped incident if they have none yet).
                    SimEvent::IncidentScoped { incident, .. } => {
                        let team = seen.incidents.0[incident as usize].team;
                        if region.teams[team].auto {
                            Some((incident, (region.intel.tlp_default, Recipients::AsMarked)))
                        } else {
                            book.standing.remove(&team).map(|share| (incident, share))
                        }
                    }
                    SimEvent::ShareOrdered {
                        team,
                        tlp,
                        audience,
                    } => {
                        let scoped = seen
                            .incidents
                            .0
                            .iter()
                            .rposition(|i| i.team == team && i.scoped)
                            .map(|i| (i as u32, (tlp, audience)));
                        if scoped.is_none() {
                            book.standing.insert(team, (tlp, audience));
                        }
                        scoped
                    }
                    _ => None,
                };
                if let Some((incident, marked)) = share {
                    produce(&seen, &mut book, &mut defences, &mut log, incident, marked);
                }
            }
            SimEvent::IntelApplied {
                item,
                island,
                team: Some(team),
            } if book.items[item as usize].team != team => {
                let it = book.items[item as usize].clone();
                let strength = strength(region, Some(team));
                let tlp = tray.marking(&book, team, item);
                defences.apply(island, &it.techniques, it.actor, tlp, strength);
            }
            SimEvent::RelayOrdered {
                team,
                item,
                tlp,
                ref to,
                advisory,
            } => {
                tray.waiting.remove(&item);
                tray.held.remove(&item);
                let relay = Relay {
                    tlp,
                    to: to.clone(),
                    advisory,
                };
                tray.vetting.insert(item, relay);
                if let Some(mut desk) = desks.of(team) {
                    desk.tasks.push(Task::RelayIntel { item });
                }
            }
            SimEvent::IntelHeld { item, .. } if tray.waiting.remove(&item) => {
                tray.held.insert(item);
            }
            SimEvent::IntelRelayed { item, team } => {
                let relay = tray.vetting.remove(&item);
                if let Some(r) = &relay {
                    tray.relayed.insert(item, r.clone());
                }
                relay_to_members(region, net, (&mut book, &mut log), now, (team, item), relay);
            }
            _ => {}
        }
    }
}

/// The hub's relay of `item`: to the members chosen (each by its point of contact) or, for
/// every member, to them all and the teams the hub feeds directly (a regional bank's SOC,
/// say); never back to where it came from.
fn relay_to_members(
    region: &Region,
    net: &Connectivity,
    (book, log): (&mut IntelBook, &mut EventLog),
    now: u64,
    (hub, item): (TeamIx, u32),
    relay: Option<Relay>,
) {
    let seat = region.teams[hub].island;
    let (origin, producer) = {
        let it = &book.items[item as usize];
        (it.island, it.team)
    };
    if relay.as_ref().is_some_and(|r| r.advisory) {
        book.publish(region, net, log, now, (item, seat));
    }
    let chosen = relay.map(|r| r.to).unwrap_or_default();
    let members = region.hub_members().filter(|m| *m != origin);
    for m in members.filter(|m| chosen.is_empty() || chosen.contains(m)) {
        if let Some(t) = region.island_contact[m] {
            let at = now + hop(region, net, seat, Some(m));
            book.send(log, now, at, item, Recipient::Team(t), Channel::Hub);
        }
    }
    if !chosen.is_empty() {
        return;
    }
    let fed: Vec<TeamIx> = (region.fed_by(crate::scenario::Feed::Hub, None))
        .filter(|t| *t != producer && *t != hub)
        .collect();
    for t in fed {
        let at = now + hop(region, net, seat, region.teams[t].island);
        book.send(log, now, at, item, Recipient::Team(t), Channel::Hub);
    }
}

/// A new item from an incident: the producing team applies it at once and sends it out.
fn produce(
    seen: &Sources,
    book: &mut IntelBook,
    defences: &mut IslandDefences,
    log: &mut EventLog,
    incident: u32,
    (tlp, audience): (Tlp, Recipients),
) {
    let Sources {
        clock,
        region,
        incidents,
        intrusions,
        net,
    } = seen;
    let (now, region) = (clock.now, &**region);
    let inc = &incidents.0[incident as usize];
    let plan = &region.campaigns[inc.campaign];
    // The techniques the intruder has used in that organisation so far.
    let reached = intrusions
        .by_key
        .get(&(inc.campaign, inc.org))
        .map_or(1, |i| i.stage.max(1));
    let mut techniques: Vec<TechniqueIx> = plan.stages[..reached.min(plan.stages.len())]
        .iter()
        .map(|s| s.technique)
        .collect();
    techniques.sort_unstable();
    techniques.dedup();
    let island = region.teams[inc.team]
        .island
        .unwrap_or(region.orgs[inc.org].island);
    let item = IntelItem {
        campaign: inc.campaign,
        actor: plan.actor,
        techniques,
        tlp,
        audience,
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
            island,
            techniques: item.techniques.clone(),
        },
    );
    // The producing team knows what it found.
    let strength = strength(region, Some(inc.team));
    defences.apply(island, &item.techniques, item.actor, item.tlp, strength);
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
    book.pass_on(region, log, now, (id, tlp), inc.team);
}

/// Deliveries falling due: a team puts the item on its to-do list (the hub vets and relays;
/// others apply); a public advisory is picked up directly.
fn deliver_intel(
    clock: Res<Clock>,
    region: Res<Region>,
    mut desks: Desks,
    (mut book, mut tray): (ResMut<IntelBook>, ResMut<HubTray>),
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
                let to_hub = Some(t) == region.hub;
                if d.channel == Channel::Hub
                    && !to_hub
                    && let Some(tlp) = tray.relayed.get(&d.item).map(|r| r.tlp)
                    && tlp > book.items[d.item as usize].tlp
                {
                    tray.marked.insert((t, d.item), tlp);
                }
                let task = match to_hub {
                    // Trainees at the hub decide what becomes of it.
                    true if region.hub_played() => {
                        tray.waiting.insert(d.item);
                        None
                    }
                    true => Some(Task::RelayIntel { item: d.item }),
                    false => Some(Task::ApplyIntel { item: d.item }),
                };
                if let Some(task) = task
                    && let Some(mut desk) = desks.of(t)
                {
                    desk.tasks.push(task);
                }
                let tlp = tray.marking(&book, t, d.item);
                book.pass_on(&region, &mut log, now, (d.item, tlp), t);
            }
            Recipient::Island(i) => {
                let item = book.items[d.item as usize].clone();
                defences.apply(
                    i,
                    &item.techniques,
                    item.actor,
                    item.tlp,
                    strength(&region, None),
                );
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

#[cfg(test)]
mod tests;
