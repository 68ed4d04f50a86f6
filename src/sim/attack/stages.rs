//! An intruder at work inside an organisation: each stage runs its course (lateral movement
//! spreads while it runs) and completes with its effect: a trust hop to managed customers,
//! data out, files encrypted, a flood ended.

use crate::scenario::ids::{CampaignIx, OrgIx};
use std::collections::{BTreeMap, VecDeque};

use super::super::Region;
use super::super::digest::kept::{SummedMap, SummedSet, outside_the_state};
use super::super::draws::{Purpose, ids};
use super::super::events::{EventLog, SimEvent};
use super::super::judgement::{
    BREAKOUT_TRY_MINUTES, CREDENTIAL_RETURN_MINUTES, MAX_SPREAD_TRIES_PER_MINUTE, push_reach,
};
use super::super::network::RestoreGate;
use super::super::network::{Hosts, IsolatedOrgs, LostBackups, RevokedAccess};
use super::access::{Step, blocked, entry_hosts, pick, stage_time, success_chance};
use super::{Intrusion, Intrusions, Phase};
use crate::scenario::{Backups, Effect, StagePlan, Tactic};

/// What an intrusion's steps may damage: hosts, backups, and the record.
pub(super) struct Harm<'a> {
    pub hosts: &'a mut Hosts,
    pub lost: &'a mut LostBackups,
    pub gate: &'a mut RestoreGate,
    pub log: &'a mut EventLog,
}

/// A trust hop due: from a provider into the organisations it manages, at the stage after it.
#[derive(Clone, Copy, Debug)]
pub(super) struct TrustHop {
    pub campaign: CampaignIx,
    pub from: OrgIx,
    pub next_stage: usize,
}

/// One minute of an active intrusion's current stage; a trust hop to follow once every
/// intrusion has moved (so no intrusion sees another's new foothold in the same minute).
pub(super) fn work_stage(step: &Step, intr: &mut Intrusion, harm: &mut Harm) -> Option<TrustHop> {
    let (now, region) = (step.now, step.region);
    let (campaign, org) = (intr.campaign, intr.org);
    let plan = &region.campaigns[campaign];
    if intr.phase == Phase::Attempting {
        if intr.attempts.is_empty() {
            intr.phase = Phase::Stopped;
        }
        return None;
    }
    if intr.phase != Phase::Active {
        return None;
    }
    // Defenders took every host back: the intrusion stalls (a DDoS needs no hosts), unless
    // the crew holds credentials nobody has reset: then it logs back in.
    if intr.hosts.is_empty() && !intr.ddos {
        if intr.credentials {
            return_with_credentials(step, intr, harm);
        } else if intr.attempts.is_empty() {
            intr.phase = Phase::Stopped;
        }
        return None;
    }
    intr.returns_at = None;
    let Some(stage) = plan.stages.get(intr.stage).copied() else {
        intr.phase = Phase::Finished;
        return None;
    };
    let tech = &region.techniques[stage.technique];
    if tech.effect == Effect::LateralMovement {
        spread(step, stage, intr, harm.hosts, harm.log);
    }
    if now < intr.stage_ends {
        return None;
    }
    // The stage completes.
    let mut hop = None;
    match tech.effect {
        Effect::TrustedRelationship => {
            hop = Some(TrustHop {
                campaign,
                from: org,
                next_stage: intr.stage + 1,
            })
        }
        Effect::Exfiltrate => {
            let hosts = intr.hosts.len() as u32;
            let event = SimEvent::DataExfiltrated {
                campaign,
                org,
                hosts,
            };
            harm.log.push(now, event);
        }
        Effect::Encrypt => encrypt(step, intr, harm),
        Effect::Ddos => {
            intr.ddos = false;
            harm.log.push(now, SimEvent::DdosEnded { campaign, org });
        }
        _ => {}
    }
    if tech.tactic == Tactic::CredentialAccess {
        intr.credentials = true;
    }
    let technique = stage.technique;
    let event = SimEvent::StageCompleted {
        campaign,
        org,
        technique,
    };
    harm.log.push(now, event);
    intr.stage += 1;
    if intr.stage < plan.stages.len() {
        intr.stage_ends = now + stage_time(region, step.draws, campaign, org, intr.stage, now);
    } else {
        intr.phase = Phase::Finished;
    }
    hop
}

/// The next minute a visit (`land_attempts`, then `work_stage`) can do anything to this
/// intrusion, if nothing else changes it first (what does wakes it: see `run_intrusions`):
/// its next initial-access attempt, its stage's end, the crew's return with stolen
/// credentials, or every minute while it spreads. `None`: it is over.
pub(super) fn next_visit(step: &Step, intr: &mut Intrusion) -> Option<u64> {
    if !intr.is_running() {
        return None;
    }
    let (now, region) = (step.now, step.region);
    let attempt = intr.attempts.front().map(|a| a.tick);
    let own = match intr.phase {
        Phase::Attempting => intr.attempts.is_empty().then_some(now),
        _ if intr.hosts.is_empty() && !intr.ddos => {
            if intr.credentials {
                Some(intr.returns_at.unwrap_or(now))
            } else {
                intr.attempts.is_empty().then_some(now)
            }
        }
        // Held hosts and a return still set: the next visit clears it.
        _ if intr.returns_at.is_some() => Some(now),
        _ => match region.campaigns[intr.campaign].stages.get(intr.stage) {
            // Spreading: the next minute the crew makes a try (the same draws the visits
            // would make, without the visits), or the stage's end.
            Some(&stage)
                if region.techniques[stage.technique].effect == Effect::LateralMovement =>
            {
                let expected = spread_expected(region, stage, intr);
                if expected >= 1.0 {
                    Some(now)
                } else {
                    Some(look_ahead(step, intr, expected))
                }
            }
            Some(_) => Some(intr.stage_ends),
            // Past its last stage: the next visit finishes it.
            None => Some(now),
        },
    };
    // Nothing comes due in the minute just worked.
    [attempt, own]
        .into_iter()
        .flatten()
        .min()
        .map(|t| t.max(now + 1))
}

/// A crew evicted while it holds valid credentials signs in again after a while
/// (`CREDENTIAL_RETURN_MINUTES`) on a host it can reach from outside, with the accounts it
/// took, and carries on with its stage.
fn return_with_credentials(step: &Step, intr: &mut Intrusion, harm: &mut Harm) {
    let Step {
        now, region, draws, ..
    } = *step;
    let at = *intr
        .returns_at
        .get_or_insert(now + CREDENTIAL_RETURN_MINUTES);
    if now < at {
        return;
    }
    intr.returns_at = None;
    let (campaign, org) = (intr.campaign, intr.org);
    let key = ids(&[campaign.0 as u64, org.0 as u64]);
    let entry = entry_hosts(region, org, Effect::ValidAccounts);
    let host = pick(&entry, draws, Purpose::CredentialReturn, key, now, 0);
    let state = harm.hosts.get(host);
    if !state.usable() || state.held_by.is_some() {
        // Nothing to sign in to there this time: it tries again later.
        return;
    }
    // The campaign's own valid-accounts technique if it has one, else the catalog's.
    let technique = (region.campaigns[campaign].stages.iter())
        .map(|s| s.technique)
        .chain(crate::scenario::ids::TechniqueIx::all(
            region.techniques.len(),
        ))
        .find(|&t| region.techniques[t].effect == Effect::ValidAccounts);
    let Some(technique) = technique else {
        return;
    };
    harm.hosts
        .update(region, host, |h| h.held_by = Some(campaign));
    intr.take(host, technique);
    let event = SimEvent::HostCompromised {
        campaign,
        org,
        host,
        technique,
    };
    harm.log.push(now, event);
}

/// Lateral movement: each held host makes `attempts` tries over the stage's duration, at a
/// random host of the same organisation. Until the crew holds a second host it works at
/// breakout pace (a try every `BREAKOUT_TRY_MINUTES`): the first move is what it came for.
fn spread(
    step: &Step,
    stage: StagePlan,
    intr: &mut Intrusion,
    hosts: &mut Hosts,
    log: &mut EventLog,
) {
    let Step {
        now,
        region,
        draws,
        defences,
    } = *step;
    let (campaign, org) = (intr.campaign, intr.org);
    let technique = stage.technique;
    let key = ids(&[campaign.0 as u64, org.0 as u64]);
    let expected = spread_expected(region, stage, intr);
    let tries = spread_tries(step, expected, key, intr.ahead.draw_at(now));
    let range = region.orgs[org].hosts.clone();
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
        // A try at a host the technique cannot work on (RDP at a PLC) is a try wasted.
        if state.held_by.is_some() || !state.usable() || !region.runs_on(technique, target) {
            continue;
        }
        let p = success_chance(region, defences, campaign, technique, target);
        if draws.chance(p, Purpose::SpreadSuccess, key, now, k) {
            hosts.update(region, target, |h| h.held_by = Some(campaign));
            intr.take(target, technique);
            intr.broken_out = true;
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

/// How far ahead, in minutes, `next_visit` looks for a crew's next lateral-movement try: a
/// minute looked at and never reached (the hosts taken back, the run over) is a draw for
/// nothing.
const SPREAD_LOOKAHEAD: u64 = 60;

/// What `next_visit` learnt looking ahead at a spreading crew's draws, so that neither the
/// visit it schedules nor a look ahead after an early visit (defenders took a host back) draws
/// them again. It follows from the draws, so it is not part of the intrusion's state: it
/// hashes to nothing, and every one equals every other.
#[derive(Clone, Copy, Debug, Default)]
pub struct SpreadAhead(Option<Lookahead>);

#[derive(Clone, Copy, Debug)]
struct Lookahead {
    /// The minutes from `from` to before `quiet_until` make no try at `expected` tries a
    /// minute, nor at any lower average (a try happens where the draw is below it).
    from: u64,
    quiet_until: u64,
    expected: f64,
    /// The draw at `quiet_until`, if that minute was drawn (a try was found there).
    draw: Option<f64>,
}

impl SpreadAhead {
    /// The draw for minute `at`, if a look ahead made it.
    fn draw_at(&self, at: u64) -> Option<f64> {
        self.0.filter(|k| k.quiet_until == at).and_then(|k| k.draw)
    }
}

outside_the_state!(SpreadAhead);

/// The next minute a crew spreading at `expected` (< 1) tries a move, or the end of the hour
/// (or of the stage) looked at. Minutes an earlier look found quiet at this average or a
/// higher one are not drawn again.
fn look_ahead(step: &Step, intr: &mut Intrusion, expected: f64) -> u64 {
    let now = step.now;
    let horizon = intr.stage_ends.min(now + SPREAD_LOOKAHEAD);
    let key = ids(&[intr.campaign.0 as u64, intr.org.0 as u64]);
    let mut t = now + 1;
    // (A stage forced to its end since may have brought the horizon before what was known.)
    let known = (intr.ahead.0).filter(|k| {
        k.from <= t && t <= k.quiet_until && k.quiet_until <= horizon && expected <= k.expected
    });
    let mut found = None;
    if let Some(k) = known {
        t = k.quiet_until;
        match k.draw {
            Some(u) if u < expected => found = Some(u),
            Some(_) => t += 1,
            None => {}
        }
    }
    while found.is_none() && t < horizon {
        let u = step.draws.unit(Purpose::SpreadCount, key, t, 0);
        if u < expected {
            found = Some(u);
        } else {
            t += 1;
        }
    }
    intr.ahead = SpreadAhead(Some(Lookahead {
        from: now + 1,
        quiet_until: t,
        expected,
        draw: found,
    }));
    t
}

/// How many tries lateral movement makes a minute on average: each held host its share of
/// the stage's attempts, at breakout pace until the crew holds a second host.
fn spread_expected(region: &Region, stage: StagePlan, intr: &Intrusion) -> f64 {
    let tech = &region.techniques[stage.technique];
    let rate = tech.attempts.max(1) as f64 / stage.duration.0.max(1) as f64;
    let expected = intr.hosts.len() as f64 * rate;
    if intr.broken_out {
        expected
    } else {
        expected.max(1.0 / BREAKOUT_TRY_MINUTES)
    }
}

/// How many tries lateral movement makes this minute, `expected` on average: the draw made
/// now, or the one a look ahead made for this minute.
fn spread_tries(step: &Step, expected: f64, key: u64, drawn: Option<f64>) -> u32 {
    let fraction = expected.fract();
    let one_more = fraction > 0.0
        && drawn.unwrap_or_else(|| step.draws.unit(Purpose::SpreadCount, key, step.now, 0))
            < fraction;
    (expected.floor() as u32 + u32::from(one_more)).min(MAX_SPREAD_TRIES_PER_MINUTE)
}

/// Ransomware's payload: the held hosts and a share of the rest are encrypted, online backups
/// may go with them, and the victim finds the ransom note.
fn encrypt(step: &Step, intr: &mut Intrusion, harm: &mut Harm) {
    let Step {
        now, region, draws, ..
    } = *step;
    let (campaign, org) = (intr.campaign, intr.org);
    let Harm {
        hosts,
        lost: lost_backups,
        gate,
        log,
    } = harm;
    let technique = region.campaigns[campaign].stages[intr.stage].technique;
    let tech = &region.techniques[technique];
    let org_hosts = region.orgs[org].hosts.clone();
    let key = ids(&[campaign.0 as u64, org.0 as u64]);
    // Online backups reachable from the network go down with the hosts: the crew finds the
    // backup console or it does not (one draw per attack, as Sophos counts them).
    let backups_lost_p = region.defaults.online_backups_lost;
    let o = &region.orgs[org];
    let mut hit_online: BTreeMap<u32, u32> = BTreeMap::new();
    let backups_found = draws.chance(backups_lost_p, Purpose::BackupsLost, key, 0, 0);
    for g in o.groups.clone() {
        if region.groups[g as usize].backups == Backups::Online && backups_found {
            lost_backups.0.insert(g);
            hit_online.insert(g, 0);
        }
    }
    // The held hosts, and the payload pushed domain-wide to a share of the rest: how far this
    // push gets is drawn once per attack (`push_reach`), then host by host.
    let push = push_reach(tech.reach, draws.unit(Purpose::EncryptPush, key, 0, 0));
    let mut encrypted = 0;
    // The victim's own IT restores or rebuilds every encrypted host from what it has (a rebuild
    // wipes the intruder's foothold on it too; footholds on hosts not encrypted stay).
    let mut to_restore = Vec::new();
    for h in org_hosts {
        let state = hosts.get(h);
        let held = intr.hosts.contains(&h);
        // The payload has no build for a controller or a router, held or not.
        if !region.runs_on(technique, h) {
            continue;
        }
        // A host the crew does not hold is hit if the payload, pushed domain-wide, reaches it.
        let reached = || {
            state.usable()
                && state.held_by.is_none()
                && draws.chance(push, Purpose::EncryptReach, key, 0, h)
        };
        if !(held || reached()) {
            continue;
        }
        hosts.update(region, h, |s| s.encrypted = true);
        encrypted += 1;
        let g = region.group_of_host(h);
        if let Some(n) = hit_online.get_mut(&g) {
            *n += 1;
        }
        to_restore.push(h);
    }
    log.push(
        now,
        SimEvent::HostsEncrypted {
            campaign,
            org,
            hosts: encrypted,
            rebuilt: crate::sim::network::count_rebuilt(region, lost_backups, &to_restore),
        },
    );
    for (_, n) in hit_online.into_iter().filter(|(_, n)| *n > 0) {
        log.push(now, SimEvent::BackupsLost { org, hosts: n });
    }
    gate.hold(
        (region, draws, &**lost_backups),
        (org, &to_restore),
        now,
        log,
    );
    log.push(now, SimEvent::RansomNoteFound { campaign, org });
}

/// The intruder uses a provider's remote access to step into each organisation it manages,
/// starting there at the stage after the trust hop.
pub(super) fn follow_trust(
    step: &Step,
    hop: TrustHop,
    (isolated, revoked): (&IsolatedOrgs, &RevokedAccess),
    intrusions: &mut Intrusions,
    hosts: &mut Hosts,
    log: &mut EventLog,
) {
    let Step {
        now, region, draws, ..
    } = *step;
    let TrustHop {
        campaign,
        from,
        next_stage,
    } = hop;
    let technique = region.campaigns[campaign].stages[next_stage - 1].technique;
    for &to in &region.orgs[from].manages {
        if intrusions.by_key.contains_key(&(campaign, to)) || isolated.0.contains(&to) {
            continue;
        }
        let entry = entry_hosts(region, to, Effect::TrustedRelationship);
        let host = pick(
            &entry,
            draws,
            Purpose::TrustEntryHost,
            ids(&[campaign.0 as u64, to.0 as u64]),
            now,
            0,
        );
        if hosts.get(host).held_by.is_some() || !hosts.get(host).usable() {
            continue;
        }
        // The provider's access works only as often as the technique does (a client with its
        // own MFA on the remote tools, or a stale credential, stops it).
        let p = success_chance(region, step.defences, campaign, technique, host);
        let key = ids(&[campaign.0 as u64, to.0 as u64]);
        if !draws.chance(p, Purpose::TrustHopSuccess, key, now, 0) {
            log.push(
                now,
                SimEvent::AccessFailed {
                    campaign,
                    org: to,
                    host,
                    technique,
                },
            );
            continue;
        }
        // The client cut the provider's remote access: the way in is shut, and its logs say so.
        if revoked.0.contains(&to) || blocked(step, campaign, to, host) {
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
        let stages = region.campaigns[campaign].stages.len();
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
            hosts: SummedSet::from_iter([host]),
            ddos: false,
            broken_out: false,
            credentials: false,
            returns_at: None,
            via: Some(from),
            traces: SummedMap::from_iter([(host, technique)]),
            mark: Default::default(),
            ahead: Default::default(),
        };
        if next_stage < stages {
            intr.stage_ends = now + stage_time(region, draws, campaign, to, next_stage, now);
        }
        intrusions.by_key.insert((campaign, to), intr);
    }
}

#[cfg(test)]
mod tests;
