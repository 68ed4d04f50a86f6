//! Getting in: initial-access attempts laid out over the first stage, each landing on a host
//! and succeeding by the technique's odds against the host's patch level, unless applied
//! intelligence blocks the actor first.

use crate::scenario::ids::{CampaignIx, OrgIx, TechniqueIx};
use std::collections::VecDeque;

use super::super::Region;
use super::super::draws::{self, Draws, Purpose, ids};
use super::super::events::{EventLog, SimEvent};
use super::super::judgement::{ACTOR_PACE, INTRUSION_PACE_SPREAD, SKILL_ODDS, STAGE_SPREAD};
use super::super::network::Hosts;
use super::super::posture::IslandDefences;
use super::{Attempt, Intrusion, Phase};
use crate::scenario::{Effect, HostKind};

/// What an attacker's move reads: the minute, the plan, the dice and the defences it meets.
#[derive(Clone, Copy)]
pub(super) struct Step<'a> {
    pub now: u64,
    pub region: &'a Region,
    pub draws: &'a Draws,
    pub defences: &'a IslandDefences,
}

/// Chance multiplier for an actor's skill: a 0.5 actor is the catalog's baseline.
fn skill_factor(skill: f64) -> f64 {
    SKILL_ODDS + skill
}

/// A stage's elapsed time: skilled actors are faster; the same crew is quicker in one network
/// than another (one log-normal pace per intrusion, `INTRUSION_PACE_SPREAD`) and each stage
/// varies around that (`STAGE_SPREAD`), so the whole chain has a fast and a slow tail.
pub(super) fn stage_time(
    region: &Region,
    draws: &Draws,
    campaign: CampaignIx,
    org: OrgIx,
    stage: usize,
    now: u64,
) -> u64 {
    let plan = &region.campaigns[campaign];
    let base = plan.stages[stage].duration.0 as f64 * (ACTOR_PACE - plan.actor_skill);
    let intrusion = ids(&[campaign.0 as u64, org.0 as u64]);
    let pace = draws.lognormal(
        INTRUSION_PACE_SPREAD,
        Purpose::IntrusionPace,
        intrusion,
        0,
        0,
    );
    let this_stage = draws.lognormal(
        STAGE_SPREAD,
        Purpose::StageDuration,
        ids(&[campaign.0 as u64, org.0 as u64, stage as u64]),
        now,
        0,
    );
    (base * pace * this_stage).round().max(1.0) as u64
}

/// Hosts an initial-access technique can land on, in stable order.
pub(super) fn entry_hosts(
    region: &Region,
    org: OrgIx,
    effect: Effect,
) -> Vec<std::ops::Range<u32>> {
    let o = &region.orgs[org];
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

pub(super) fn pick(
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
pub(super) fn success_chance(
    region: &Region,
    defences: &IslandDefences,
    campaign: CampaignIx,
    technique: TechniqueIx,
    host: u32,
) -> f64 {
    let tech = &region.techniques[technique];
    let group = &region.groups[region.group_of_host(host) as usize];
    let skill = region.campaigns[campaign].actor_skill;
    let patch = defences.patch_level(group.org, group.patch_level);
    (tech.success * skill_factor(skill) * (1.0 - tech.patch_sensitivity * patch)).clamp(0.0, 1.0)
}

/// A campaign's first stage against one organisation: a flood starts at once; otherwise the
/// initial-access attempts are laid out over the stage.
pub(super) fn begin_intrusion(
    region: &Region,
    draws: &Draws,
    log: &mut EventLog,
    now: u64,
    campaign: CampaignIx,
    org: OrgIx,
) -> Intrusion {
    let first = region.campaigns[campaign].stages[0];
    let tech = &region.techniques[first.technique];
    let mut intrusion = Intrusion {
        campaign,
        org,
        phase: Phase::Attempting,
        stage: 0,
        stage_ends: now + stage_time(region, draws, campaign, org, 0, now),
        attempts: VecDeque::new(),
        hosts: Default::default(),
        ddos: false,
        broken_out: false,
        credentials: false,
        returns_at: None,
        via: None,
        traces: Default::default(),
        mark: Default::default(),
        ahead: Default::default(),
    };
    if tech.effect == Effect::Ddos {
        intrusion.phase = Phase::Active;
        intrusion.ddos = true;
        log.push(now, SimEvent::DdosStarted { campaign, org });
        return intrusion;
    }
    let entry = entry_hosts(region, org, tech.effect);
    let span = intrusion.stage_ends - now;
    let key = ids(&[campaign.0 as u64, org.0 as u64]);
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

/// Initial-access attempts that land this minute: blocked, failed, or a host taken (the first
/// host taken completes the access stage).
pub(super) fn land_attempts(
    step: &Step,
    intr: &mut Intrusion,
    hosts: &mut Hosts,
    log: &mut EventLog,
) {
    let (now, region) = (step.now, step.region);
    let (campaign, org) = (intr.campaign, intr.org);
    let plan = &region.campaigns[campaign];
    let technique = plan.stages[0].technique;
    while intr.attempts.front().is_some_and(|a| a.tick <= now) {
        let a = intr.attempts.pop_front().expect("checked above");
        let host = a.host;
        let state = hosts.get(host);
        if blocked(step, campaign, org, host) {
            let event = SimEvent::AccessBlocked {
                campaign,
                org,
                host,
                technique,
            };
            log.push(now, event);
            continue;
        }
        let p = success_chance(region, step.defences, campaign, technique, host);
        if !(draws::to_unit(a.roll) < p && state.usable() && state.held_by.is_none()) {
            let event = SimEvent::AccessFailed {
                campaign,
                org,
                host,
                technique,
            };
            log.push(now, event);
            continue;
        }
        hosts.update(region, host, |h| h.held_by = Some(campaign));
        intr.take(host, technique);
        let event = SimEvent::HostCompromised {
            campaign,
            org,
            host,
            technique,
        };
        log.push(now, event);
        if intr.phase == Phase::Attempting {
            intr.phase = Phase::Active;
            let event = SimEvent::StageCompleted {
                campaign,
                org,
                technique,
            };
            log.push(now, event);
            intr.stage = 1;
            if intr.stage < plan.stages.len() {
                intr.stage_ends = now + stage_time(region, step.draws, campaign, org, 1, now);
            }
        }
    }
}

/// Whether applied intelligence about the campaign's actor stops this attempt on `org`.
pub(super) fn blocked(step: &Step, campaign: CampaignIx, org: OrgIx, host: u32) -> bool {
    let Step {
        now,
        region,
        draws,
        defences,
    } = *step;
    let island = region.orgs[org].island;
    let p = defences.block_chance(region, island, region.campaigns[campaign].actor);
    draws.chance(
        p,
        Purpose::IntelBlock,
        ids(&[campaign.0 as u64, org.0 as u64, host as u64]),
        now,
        0,
    )
}

#[cfg(test)]
mod tests;
