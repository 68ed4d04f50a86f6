//! Threat actors' campaigns: initial access, stage by stage progress inside each organisation,
//! lateral movement, trust hops through managed service providers, exfiltration, encryption and
//! denial of service.
//!
//! Work is proportional to what attackers are doing: only running intrusions are visited, and a
//! lateral-movement stage costs in proportion to the hosts it holds.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bevy::prelude::*;

use super::draws::{self, Draws, Purpose, ids};
use super::events::{EventLog, SimEvent};
use super::intel::IslandDefences;
use super::network::{Hosts, IsolatedOrgs, LostBackups, restore_time};
use super::{Clock, Region, SimSet, SimTick, StableId};
use crate::scenario::{Effect, HostKind};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Intrusions>().add_systems(
        SimTick,
        (start_campaigns, run_intrusions)
            .chain()
            .in_set(SimSet::Attack),
    );
}

/// A campaign's lifecycle; the plan says who and what, this says how far it got.
#[derive(Component, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Campaign {
    pub started: bool,
    /// The white cell started it at this tick, ahead of the plan.
    pub forced_start: Option<u64>,
    /// The white cell stopped it: no new steps anywhere.
    pub cancelled: bool,
}

pub fn campaign_bundle(id: u32) -> impl Bundle {
    (StableId(id), Campaign::default())
}

pub(super) fn spawn_campaigns(world: &mut World) {
    let n = world.resource::<Region>().campaigns.len();
    for i in 0..n {
        world.spawn(campaign_bundle(i as u32));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Initial-access attempts are still landing.
    Attempting,
    /// Holding hosts and working through stages.
    Active,
    /// All stages done.
    Finished,
    /// Every attempt failed, or defenders took back every host.
    Stopped,
}

/// One pending initial-access attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Attempt {
    pub tick: u64,
    pub host: u32,
    /// The attempt's uniform draw; it succeeds if below the chance when it lands (defences may
    /// have changed since the campaign began).
    pub roll: u64,
}

/// A campaign inside one organisation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Intrusion {
    pub campaign: u32,
    pub org: u32,
    pub phase: Phase,
    /// Index into the campaign's stages.
    pub stage: usize,
    pub stage_ends: u64,
    pub attempts: VecDeque<Attempt>,
    /// Hosts the intruder holds now (not isolated, not cleaned).
    pub hosts: BTreeSet<u32>,
    /// A running DDoS against the organisation's services.
    pub ddos: bool,
}

impl Intrusion {
    pub fn is_running(&self) -> bool {
        matches!(self.phase, Phase::Attempting | Phase::Active)
    }
}

/// Every intrusion, keyed by (campaign, organisation): the stable order work is done in.
#[derive(Resource, Default)]
pub struct Intrusions {
    pub by_key: BTreeMap<(u32, u32), Intrusion>,
}

impl Intrusions {
    /// Organisations under a running DDoS.
    pub fn ddos_orgs(&self) -> BTreeSet<u32> {
        self.by_key
            .values()
            .filter(|i| i.ddos)
            .map(|i| i.org)
            .collect()
    }
}

/// Chance multiplier for an actor's skill: a 0.5 actor is the catalog's baseline.
fn skill_factor(skill: f64) -> f64 {
    0.5 + skill
}

/// A stage's elapsed time: skilled actors are faster; each intrusion varies by 0.5x to 1.5x.
fn stage_time(
    region: &Region,
    draws: &Draws,
    campaign: u32,
    org: u32,
    stage: usize,
    now: u64,
) -> u64 {
    let plan = &region.campaigns[campaign as usize];
    let base = plan.stages[stage].duration.0 as f64 * (1.5 - plan.actor_skill);
    let jitter = 0.5
        + draws.unit(
            Purpose::StageDuration,
            ids(&[campaign as u64, org as u64, stage as u64]),
            now,
            0,
        );
    (base * jitter).round().max(1.0) as u64
}

/// Hosts an initial-access technique can land on, in stable order.
fn entry_hosts(region: &Region, org: u32, effect: Effect) -> Vec<std::ops::Range<u32>> {
    let o = &region.orgs[org as usize];
    let groups = &region.groups[o.groups.start as usize..o.groups.end as usize];
    let preferred: &[HostKind] = match effect {
        Effect::Phish => &[HostKind::Workstation],
        Effect::ExploitPublicFacing => &[HostKind::EdgeDevice, HostKind::Server],
        Effect::ValidAccounts | Effect::TrustedRelationship => &[
            HostKind::EdgeDevice,
            HostKind::Server,
            HostKind::Workstation,
        ],
        _ => &[],
    };
    for kind in preferred {
        let hit: Vec<_> = groups
            .iter()
            .filter(|g| g.kind == *kind)
            .map(|g| g.hosts.clone())
            .collect();
        if !hit.is_empty() {
            return hit;
        }
    }
    vec![o.hosts.clone()]
}

fn pick(
    ranges: &[std::ops::Range<u32>],
    draws: &Draws,
    purpose: Purpose,
    id: u64,
    tick: u64,
    k: u32,
) -> u32 {
    let total: u64 = ranges.iter().map(|r| (r.end - r.start) as u64).sum();
    let mut i = draws.index(total.max(1), purpose, id, tick, k);
    for r in ranges {
        let len = (r.end - r.start) as u64;
        if i < len {
            return r.start + i as u32;
        }
        i -= len;
    }
    ranges[0].start
}

/// Chance that one use of the campaign's technique works on `host`.
fn success_chance(
    region: &Region,
    defences: &IslandDefences,
    campaign: u32,
    technique: u32,
    host: u32,
) -> f64 {
    let tech = &region.techniques[technique as usize];
    let group = &region.groups[region.group_of_host(host) as usize];
    let skill = region.campaigns[campaign as usize].actor_skill;
    let patch = defences.patch_level(group.org, group.patch_level);
    (tech.success * skill_factor(skill) * (1.0 - tech.patch_sensitivity * patch)).clamp(0.0, 1.0)
}

fn start_campaigns(
    clock: Res<Clock>,
    region: Res<Region>,
    draws: Res<Draws>,
    mut campaigns: Query<(&StableId, &mut Campaign)>,
    mut intrusions: ResMut<Intrusions>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    for (id, mut campaign) in campaigns.iter_mut().sort::<&StableId>() {
        let plan = &region.campaigns[id.0 as usize];
        let due = plan.start_tick == now || campaign.forced_start == Some(now);
        if campaign.started || campaign.cancelled || !due {
            continue;
        }
        campaign.started = true;
        log.push(now, SimEvent::CampaignStarted { campaign: id.0 });
        for &org in &plan.targets {
            let intrusion = begin_intrusion(&region, &draws, &mut log, now, id.0, org);
            intrusions.by_key.insert((id.0, org), intrusion);
        }
    }
    // The white cell's ad-hoc launches: a campaign from the library against an organisation now.
    let launches: Vec<(u32, u32)> = log
        .this_tick()
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::CampaignLaunched { campaign, org } => Some((campaign, org)),
            _ => None,
        })
        .collect();
    for (campaign, org) in launches {
        let running = intrusions
            .by_key
            .get(&(campaign, org))
            .is_some_and(Intrusion::is_running);
        if !running {
            let intrusion = begin_intrusion(&region, &draws, &mut log, now, campaign, org);
            intrusions.by_key.insert((campaign, org), intrusion);
        }
    }
}

/// A campaign's first stage against one organisation: a flood starts at once; otherwise the
/// initial-access attempts are laid out over the stage.
fn begin_intrusion(
    region: &Region,
    draws: &Draws,
    log: &mut EventLog,
    now: u64,
    campaign: u32,
    org: u32,
) -> Intrusion {
    let first = region.campaigns[campaign as usize].stages[0];
    let tech = &region.techniques[first.technique as usize];
    let mut intrusion = Intrusion {
        campaign,
        org,
        phase: Phase::Attempting,
        stage: 0,
        stage_ends: now + stage_time(region, draws, campaign, org, 0, now),
        attempts: VecDeque::new(),
        hosts: BTreeSet::new(),
        ddos: false,
    };
    if tech.effect == Effect::Ddos {
        intrusion.phase = Phase::Active;
        intrusion.ddos = true;
        log.push(now, SimEvent::DdosStarted { campaign, org });
        return intrusion;
    }
    let entry = entry_hosts(region, org, tech.effect);
    let span = intrusion.stage_ends - now;
    let key = ids(&[campaign as u64, org as u64]);
    let mut attempts: Vec<Attempt> = (0..tech.attempts.max(1))
        .map(|k| Attempt {
            tick: now + draws.index(span.max(1), Purpose::AccessAttemptTime, key, now, k),
            host: pick(&entry, draws, Purpose::AccessAttemptHost, key, now, k),
            roll: draws.u64(Purpose::AccessAttemptSuccess, key, now, k),
        })
        .collect();
    attempts.sort_by_key(|a| (a.tick, a.host));
    intrusion.attempts = attempts.into();
    intrusion
}

fn run_intrusions(
    clock: Res<Clock>,
    region: Res<Region>,
    draws: Res<Draws>,
    mut intrusions: ResMut<Intrusions>,
    isolated: Res<IsolatedOrgs>,
    defences: Res<IslandDefences>,
    campaigns: Query<(&StableId, &Campaign)>,
    mut lost: ResMut<LostBackups>,
    mut hosts: ResMut<Hosts>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let cancelled: Vec<u32> = campaigns
        .iter()
        .sort::<&StableId>()
        .filter(|(_, c)| c.cancelled)
        .map(|(i, _)| i.0)
        .collect();
    let mut trust_hops: Vec<(u32, u32, usize)> = Vec::new();
    // The white cell's hand on a running intrusion: finish its current step now, or stop it.
    for e in log.this_tick() {
        match e.event {
            SimEvent::StageForced { campaign, org } => {
                if let Some(i) = intrusions
                    .by_key
                    .get_mut(&(campaign, org))
                    .filter(|i| i.phase == Phase::Active)
                {
                    i.stage_ends = now;
                }
            }
            SimEvent::IntrusionHalted { campaign, org } => {
                if let Some(i) = intrusions.by_key.get_mut(&(campaign, org)) {
                    i.phase = Phase::Stopped;
                    i.attempts.clear();
                }
            }
            _ => {}
        }
    }
    for (&(campaign, org), intr) in intrusions.by_key.iter_mut() {
        // An isolated network is frozen: nothing gets in, spreads or leaves.
        if !intr.is_running() || isolated.0.contains(&org) || cancelled.contains(&campaign) {
            continue;
        }
        let plan = &region.campaigns[campaign as usize];
        // Initial-access attempts that land this minute.
        while intr.attempts.front().is_some_and(|a| a.tick <= now) {
            let a = intr.attempts.pop_front().expect("checked above");
            let technique = plan.stages[0].technique;
            let state = hosts.get(a.host);
            if blocked(&region, &draws, &defences, now, campaign, org, a.host) {
                log.push(
                    now,
                    SimEvent::AccessBlocked {
                        campaign,
                        org,
                        host: a.host,
                        technique,
                    },
                );
                continue;
            }
            let p = success_chance(&region, &defences, campaign, technique, a.host);
            if draws::to_unit(a.roll) < p && state.usable() && state.held_by.is_none() {
                hosts.update(&region, a.host, |h| h.held_by = Some(campaign));
                intr.hosts.insert(a.host);
                log.push(
                    now,
                    SimEvent::HostCompromised {
                        campaign,
                        org,
                        host: a.host,
                        technique,
                    },
                );
                if intr.phase == Phase::Attempting {
                    intr.phase = Phase::Active;
                    log.push(
                        now,
                        SimEvent::StageCompleted {
                            campaign,
                            org,
                            technique,
                        },
                    );
                    intr.stage = 1;
                    if intr.stage < plan.stages.len() {
                        intr.stage_ends = now + stage_time(&region, &draws, campaign, org, 1, now);
                    }
                }
            } else {
                log.push(
                    now,
                    SimEvent::AccessFailed {
                        campaign,
                        org,
                        host: a.host,
                        technique,
                    },
                );
            }
        }
        if intr.phase == Phase::Attempting {
            if intr.attempts.is_empty() {
                intr.phase = Phase::Stopped;
            }
            continue;
        }
        if intr.phase != Phase::Active {
            continue;
        }
        // Defenders took every host back: the intrusion stalls (a DDoS needs no hosts).
        if intr.hosts.is_empty() && !intr.ddos {
            if intr.attempts.is_empty() {
                intr.phase = Phase::Stopped;
            }
            continue;
        }
        let Some(stage) = plan.stages.get(intr.stage).copied() else {
            intr.phase = Phase::Finished;
            continue;
        };
        let tech = &region.techniques[stage.technique as usize];
        if tech.effect == Effect::LateralMovement {
            spread(
                &region,
                &draws,
                &defences,
                now,
                campaign,
                org,
                stage.technique,
                stage.duration.0,
                intr,
                &mut hosts,
                &mut log,
            );
        }
        if now < intr.stage_ends {
            continue;
        }
        // The stage completes.
        match tech.effect {
            Effect::TrustedRelationship => trust_hops.push((campaign, org, intr.stage + 1)),
            Effect::Exfiltrate => {
                log.push(
                    now,
                    SimEvent::DataExfiltrated {
                        campaign,
                        org,
                        hosts: intr.hosts.len() as u32,
                    },
                );
            }
            Effect::Encrypt => encrypt(
                &region, &draws, now, campaign, org, intr, &mut hosts, &mut lost, &mut log,
            ),
            Effect::Ddos => {
                intr.ddos = false;
                log.push(now, SimEvent::DdosEnded { campaign, org });
            }
            _ => {}
        }
        log.push(
            now,
            SimEvent::StageCompleted {
                campaign,
                org,
                technique: stage.technique,
            },
        );
        intr.stage += 1;
        if intr.stage < plan.stages.len() {
            intr.stage_ends = now + stage_time(&region, &draws, campaign, org, intr.stage, now);
        } else {
            intr.phase = Phase::Finished;
        }
    }
    for (campaign, from, next_stage) in trust_hops {
        follow_trust(
            &region,
            &draws,
            now,
            campaign,
            from,
            next_stage,
            &isolated,
            &defences,
            &mut intrusions,
            &mut hosts,
            &mut log,
        );
    }
}

/// Whether applied intelligence about the campaign's actor stops this attempt on `org`.
fn blocked(
    region: &Region,
    draws: &Draws,
    defences: &IslandDefences,
    now: u64,
    campaign: u32,
    org: u32,
    host: u32,
) -> bool {
    let island = region.orgs[org as usize].island;
    let p = defences.block_chance(region, island, region.campaigns[campaign as usize].actor);
    draws.chance(
        p,
        Purpose::IntelBlock,
        ids(&[campaign as u64, org as u64, host as u64]),
        now,
        0,
    )
}

/// Lateral movement: each held host makes `attempts` tries over the stage's duration, at a
/// random host of the same organisation.
#[allow(clippy::too_many_arguments)]
fn spread(
    region: &Region,
    draws: &Draws,
    defences: &IslandDefences,
    now: u64,
    campaign: u32,
    org: u32,
    technique: u32,
    duration: u64,
    intr: &mut Intrusion,
    hosts: &mut Hosts,
    log: &mut EventLog,
) {
    let tech = &region.techniques[technique as usize];
    let rate = tech.attempts.max(1) as f64 / duration.max(1) as f64;
    let expected = intr.hosts.len() as f64 * rate;
    let key = ids(&[campaign as u64, org as u64]);
    let tries = (expected.floor() as u32
        + draws.chance(expected.fract(), Purpose::SpreadCount, key, now, 0) as u32)
        .min(256);
    let range = region.orgs[org as usize].hosts.clone();
    for k in 0..tries {
        let target = pick(
            std::slice::from_ref(&range),
            draws,
            Purpose::SpreadHost,
            key,
            now,
            k,
        );
        let state = hosts.get(target);
        if state.held_by.is_some() || !state.usable() {
            continue;
        }
        let p = success_chance(region, defences, campaign, technique, target);
        if draws.chance(p, Purpose::SpreadSuccess, key, now, k) {
            hosts.update(region, target, |h| h.held_by = Some(campaign));
            intr.hosts.insert(target);
            log.push(
                now,
                SimEvent::HostCompromised {
                    campaign,
                    org,
                    host: target,
                    technique,
                },
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn encrypt(
    region: &Region,
    draws: &Draws,
    now: u64,
    campaign: u32,
    org: u32,
    intr: &mut Intrusion,
    hosts: &mut Hosts,
    lost_backups: &mut LostBackups,
    log: &mut EventLog,
) {
    let tech = &region.techniques
        [region.campaigns[campaign as usize].stages[intr.stage].technique as usize];
    let org_hosts = region.orgs[org as usize].hosts.clone();
    let key = ids(&[campaign as u64, org as u64]);
    // Online backups reachable from the network go down with the hosts (per group).
    let backups_lost_p = region.scenario.defaults.online_backups_lost;
    let o = &region.orgs[org as usize];
    let mut hit_online: BTreeMap<u32, u32> = BTreeMap::new();
    for g in o.groups.clone() {
        if region.groups[g as usize].backups == crate::scenario::Backups::Online
            && draws.chance(backups_lost_p, Purpose::BackupsLost, key, now, g)
        {
            lost_backups.0.insert(g);
            hit_online.insert(g, 0);
        }
    }
    // The held hosts, and the payload pushed domain-wide to a share of the rest.
    let mut encrypted = 0;
    for h in org_hosts {
        let state = hosts.get(h);
        let held = intr.hosts.contains(&h);
        if !held
            && !(state.usable()
                && state.held_by.is_none()
                && draws.chance(tech.reach, Purpose::EncryptReach, key, now, h))
        {
            continue;
        }
        hosts.update(region, h, |s| s.encrypted = true);
        encrypted += 1;
        let g = region.group_of_host(h);
        if let Some(n) = hit_online.get_mut(&g) {
            *n += 1;
        }
        if !held {
            // Not the intruder's foothold: the victim's own IT restores it from what it has.
            let wait = restore_time(region, lost_backups, g);
            hosts.schedule_restore(region, h, now + wait, None);
        }
    }
    log.push(
        now,
        SimEvent::HostsEncrypted {
            campaign,
            org,
            hosts: encrypted,
        },
    );
    for (_, n) in hit_online.into_iter().filter(|(_, n)| *n > 0) {
        log.push(now, SimEvent::BackupsLost { org, hosts: n });
    }
    log.push(now, SimEvent::RansomNoteFound { campaign, org });
}

/// The intruder uses a provider's remote access to step into each organisation it manages,
/// starting there at the stage after the trust hop.
#[allow(clippy::too_many_arguments)]
fn follow_trust(
    region: &Region,
    draws: &Draws,
    now: u64,
    campaign: u32,
    from: u32,
    next_stage: usize,
    isolated: &IsolatedOrgs,
    defences: &IslandDefences,
    intrusions: &mut Intrusions,
    hosts: &mut Hosts,
    log: &mut EventLog,
) {
    let technique = region.campaigns[campaign as usize].stages[next_stage - 1].technique;
    for &to in &region.orgs[from as usize].manages {
        if intrusions.by_key.contains_key(&(campaign, to)) || isolated.0.contains(&to) {
            continue;
        }
        let entry = entry_hosts(region, to, Effect::TrustedRelationship);
        let host = pick(
            &entry,
            draws,
            Purpose::TrustEntryHost,
            ids(&[campaign as u64, to as u64]),
            now,
            0,
        );
        if hosts.get(host).held_by.is_some() || !hosts.get(host).usable() {
            continue;
        }
        if blocked(region, draws, defences, now, campaign, to, host) {
            log.push(
                now,
                SimEvent::AccessBlocked {
                    campaign,
                    org: to,
                    host,
                    technique,
                },
            );
            continue;
        }
        hosts.update(region, host, |h| h.held_by = Some(campaign));
        log.push(now, SimEvent::TrustFollowed { campaign, from, to });
        log.push(
            now,
            SimEvent::HostCompromised {
                campaign,
                org: to,
                host,
                technique,
            },
        );
        let stages = region.campaigns[campaign as usize].stages.len();
        let mut intr = Intrusion {
            campaign,
            org: to,
            phase: if next_stage < stages {
                Phase::Active
            } else {
                Phase::Finished
            },
            stage: next_stage,
            stage_ends: now,
            attempts: VecDeque::new(),
            hosts: BTreeSet::from([host]),
            ddos: false,
        };
        if next_stage < stages {
            intr.stage_ends = now + stage_time(region, draws, campaign, to, next_stage, now);
        }
        intrusions.by_key.insert((campaign, to), intr);
    }
}
