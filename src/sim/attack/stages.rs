//! An intruder at work inside an organisation: each stage runs its course (lateral movement
//! spreads while it runs) and completes with its effect: a trust hop to managed customers,
//! data out, files encrypted, a flood ended.

use crate::scenario::ids::{CampaignIx, OrgIx};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::super::draws::{Purpose, ids};
use super::super::events::{EventLog, SimEvent};
use super::super::judgement::{BREAKOUT_TRY_MINUTES, MAX_SPREAD_TRIES_PER_MINUTE};
use super::super::network::{Hosts, IsolatedOrgs, LostBackups, RestoreCrews, RevokedAccess};
use super::access::{Step, blocked, entry_hosts, pick, stage_time, success_chance};
use super::{Intrusion, Intrusions, Phase};
use crate::scenario::{Backups, Effect, StagePlan};

/// What an intrusion's steps may damage: hosts, backups, and the record.
pub(super) struct Harm<'a> {
    pub hosts: &'a mut Hosts,
    pub lost: &'a mut LostBackups,
    pub crews: &'a mut RestoreCrews,
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
    // Defenders took every host back: the intrusion stalls (a DDoS needs no hosts).
    if intr.hosts.is_empty() && !intr.ddos {
        if intr.attempts.is_empty() {
            intr.phase = Phase::Stopped;
        }
        return None;
    }
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
    let (technique, duration) = (stage.technique, stage.duration.0);
    let tech = &region.techniques[technique];
    let rate = tech.attempts.max(1) as f64 / duration.max(1) as f64;
    let mut expected = intr.hosts.len() as f64 * rate;
    if !intr.broken_out {
        expected = expected.max(1.0 / BREAKOUT_TRY_MINUTES);
    }
    let key = ids(&[campaign.0 as u64, org.0 as u64]);
    let tries = (expected.floor() as u32
        + draws.chance(expected.fract(), Purpose::SpreadCount, key, now, 0) as u32)
        .min(MAX_SPREAD_TRIES_PER_MINUTE);
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
            intr.hosts.insert(target);
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
        crews,
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
    let backups_found = draws.chance(backups_lost_p, Purpose::BackupsLost, key, now, 0);
    for g in o.groups.clone() {
        if region.groups[g as usize].backups == Backups::Online && backups_found {
            lost_backups.0.insert(g);
            hit_online.insert(g, 0);
        }
    }
    // The held hosts, and the payload pushed domain-wide to a share of the rest.
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
                && draws.chance(tech.reach, Purpose::EncryptReach, key, now, h)
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
        },
    );
    for (_, n) in hit_online.into_iter().filter(|(_, n)| *n > 0) {
        log.push(now, SimEvent::BackupsLost { org, hosts: n });
    }
    let plan = crews.restore(
        region,
        draws,
        lost_backups,
        hosts,
        org,
        &to_restore,
        now,
        None,
    );
    if let Some(p) = plan {
        log.push(
            now,
            SimEvent::RestoresPlanned {
                org,
                hosts: p.hosts,
                first: p.first,
                last: p.last,
            },
        );
    }
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
            hosts: BTreeSet::from([host]),
            ddos: false,
            broken_out: false,
        };
        if next_stage < stages {
            intr.stage_ends = now + stage_time(region, draws, campaign, to, next_stage, now);
        }
        intrusions.by_key.insert((campaign, to), intr);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::Attempt;
    use super::*;
    use crate::scenario::Plan;
    use crate::scenario::ids::TechniqueIx;
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::draws::Draws;
    use crate::sim::posture::IslandDefences;
    use crate::sim::{Region, Simulation, Stamped};

    fn technique(plan: &Plan, id: &str) -> TechniqueIx {
        TechniqueIx::from(plan.techniques.iter().position(|t| t.id == id).unwrap())
    }

    /// Every technique works every time and the payload reaches `reach` of the hosts not held.
    fn certain(tiny: TinyRegion, reach: f64) -> Arc<Plan> {
        let mut plan = (*tiny.plan()).clone();
        for t in &mut plan.techniques {
            t.success = 1.0;
            t.reach = reach;
        }
        Arc::new(plan)
    }

    fn run(plan: &Arc<Plan>, seed: u64, days: u64) -> Vec<Stamped> {
        let mut sim = Simulation::new(plan.clone(), seed);
        sim.run_until(days * 24 * 60);
        sim.events().to_vec()
    }

    fn first(events: &[Stamped], f: impl Fn(&SimEvent) -> bool) -> Option<&Stamped> {
        events.iter().find(|e| f(&e.event))
    }

    /// Lateral movement spreads only inside the organisation the crew is in (the neighbour on
    /// the same island is reached only through a trust hop), and only while its stage runs:
    /// once the stage completes, the crew holds what it has and moves on to the next step.
    #[test]
    fn lateral_movement_stays_in_the_organisation_and_ends_with_its_stage() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 60, 0.0, 0.0)
            .org("neighbour", "A", 60, 0.0, 0.0)
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"gov\")",
                &["T1078", "T1021.002", "T1041"],
            )
            .plan();
        let lateral = technique(&plan, "T1021.002");
        let (mut moved, mut ended) = (0, 0);
        for seed in 1..=4 {
            let events = run(&plan, seed, 6);
            let end = first(&events, |e| {
                matches!(e, SimEvent::StageCompleted { technique, .. } if *technique == lateral)
            })
            .map(|e| e.tick);
            ended += end.is_some() as u32;
            for e in &events {
                if let SimEvent::HostCompromised {
                    org,
                    host,
                    technique,
                    ..
                } = e.event
                {
                    assert_eq!(org, OrgIx(0), "seed {seed}: the crew left its organisation");
                    assert!(plan.orgs[org].hosts.contains(&host));
                    assert!(
                        end.is_none_or(|end| e.tick <= end),
                        "seed {seed}: host {host} taken at {} after the stage ended at {end:?}",
                        e.tick
                    );
                    moved += (technique == lateral) as u32;
                }
            }
        }
        assert!(ended >= 3, "the lateral stage ended in {ended} of 4 runs");
        assert!(moved >= 8, "{moved} lateral moves in 4 runs");
    }

    /// Stages complete in the plan's order, so whether data leaves before the files are
    /// encrypted (double extortion) is the campaign's to say: the theft takes what the crew
    /// holds when it completes, and the ransom note follows the encryption in the same minute.
    #[test]
    fn exfiltration_and_encryption_come_in_the_order_of_the_stages() {
        let crew = |stages: &[&str]| {
            certain(
                TinyRegion::new()
                    .island("A", false, false)
                    .org("gov", "A", 30, 0.0, 0.0)
                    .campaign("crew", "D1 09:00", "Organisation(\"gov\")", stages),
                0.0,
            )
        };
        let steal_first = crew(&["T1078", "T1021.002", "T1041", "T1486"]);
        let lock_first = crew(&["T1078", "T1021.002", "T1486", "T1041"]);
        let mut both = 0;
        for seed in 1..=4 {
            let events = run(&steal_first, seed, 12);
            let out = first(&events, |e| matches!(e, SimEvent::DataExfiltrated { .. }));
            let locked = first(&events, |e| matches!(e, SimEvent::HostsEncrypted { .. }));
            if let (Some(out), Some(locked)) = (out, locked) {
                both += 1;
                assert!(out.tick < locked.tick, "seed {seed}");
                let held: std::collections::BTreeSet<u32> = events
                    .iter()
                    .filter(|e| e.tick <= out.tick)
                    .filter_map(|e| match e.event {
                        SimEvent::HostCompromised { host, .. } => Some(host),
                        _ => None,
                    })
                    .collect();
                assert!(
                    matches!(out.event, SimEvent::DataExfiltrated { hosts, .. } if hosts as usize == held.len()),
                    "seed {seed}: {:?} vs {} held",
                    out.event,
                    held.len()
                );
                let note = first(&events, |e| matches!(e, SimEvent::RansomNoteFound { .. }));
                assert_eq!(note.map(|e| e.tick), Some(locked.tick));
            }
            let events = run(&lock_first, seed, 12);
            let locked = first(&events, |e| matches!(e, SimEvent::HostsEncrypted { .. }))
                .expect("the crew encrypts");
            assert!(
                !events[..]
                    .iter()
                    .take_while(|e| e.tick <= locked.tick)
                    .any(|e| matches!(e.event, SimEvent::DataExfiltrated { .. })),
                "seed {seed}: data left before the encryption the plan puts first"
            );
        }
        assert!(both >= 3, "the whole chain ran in {both} of 4 runs");
    }

    /// Ransomware encrypts every host the crew holds and, pushed domain-wide, the technique's
    /// `reach` of the other Windows and Linux hosts (never a controller); online backups go
    /// with them when the crew finds the console (`online_backups_lost`), offline ones never.
    /// This is the loss a responder is racing: what was held, plus the reach.
    #[test]
    fn encryption_hits_the_held_hosts_the_reach_of_the_rest_and_found_online_backups() {
        let tiny = TinyRegion::new()
            .island("A", false, false)
            .org_with(
                "port",
                "A",
                "HostGroup(id: \"ws\", kind: Workstation, count: 20, platform: Windows, \
                 sensor_coverage: 0.0, patch_level: 0.0, backups: Online), \
                 HostGroup(id: \"srv\", kind: Server, count: 10, platform: Linux, \
                 sensor_coverage: 0.0, patch_level: 0.0, backups: Offline), \
                 HostGroup(id: \"plc\", kind: Controller, count: 4, platform: Embedded, \
                 sensor_coverage: 0.0, patch_level: 0.0, backups: None)",
            )
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"port\")",
                &["T1078", "T1486"],
            );
        let with = |reach: f64, backups_lost: f64| {
            let mut plan = (*certain(tiny.clone(), reach)).clone();
            plan.defaults.online_backups_lost = backups_lost;
            Arc::new(plan)
        };
        let outcome = |plan: &Arc<Plan>, seed: u64| {
            let mut sim = Simulation::new(plan.clone(), seed);
            sim.run_until(8 * 24 * 60);
            let events = sim.events();
            let locked = first(events, |e| matches!(e, SimEvent::HostsEncrypted { .. }))
                .expect("the crew encrypts");
            let held = events
                .iter()
                .filter(|e| e.tick <= locked.tick)
                .filter(|e| matches!(e.event, SimEvent::HostCompromised { .. }))
                .count() as u32;
            let SimEvent::HostsEncrypted { hosts, .. } = locked.event else {
                unreachable!()
            };
            let backups: Vec<u32> = events
                .iter()
                .filter_map(|e| match e.event {
                    SimEvent::BackupsLost { hosts, .. } => Some(hosts),
                    _ => None,
                })
                .collect();
            let planned = events.iter().find_map(|e| match e.event {
                SimEvent::RestoresPlanned { hosts, .. } => Some(hosts),
                _ => None,
            });
            let lost = sim.app.world().resource::<LostBackups>().0.clone();
            (held, hosts, backups, planned, lost)
        };
        for seed in 1..=4 {
            // No reach: exactly what is held (the crew got in through the servers).
            let (held, hit, backups, planned, lost) = outcome(&with(0.0, 0.0), seed);
            assert!(held >= 1);
            assert_eq!(hit, held, "seed {seed}: no reach, the held hosts only");
            assert_eq!(
                planned,
                Some(hit),
                "every encrypted host is queued for restore"
            );
            assert!(backups.is_empty() && lost.is_empty(), "seed {seed}");
            // Full reach: every Windows and Linux host, no controller; the console found.
            let (_, hit, backups, _, lost) = outcome(&with(1.0, 1.0), seed);
            assert_eq!(hit, 30, "seed {seed}");
            assert_eq!(backups, [20], "seed {seed}: the online group only");
            assert_eq!(lost, [0].into(), "seed {seed}: group ws's backups are gone");
            let (_, hit, backups, _, lost) = outcome(&with(1.0, 0.0), seed);
            assert_eq!(hit, 30);
            assert!(backups.is_empty() && lost.is_empty(), "seed {seed}");
        }
    }

    /// A flood starts with the campaign, needs no foothold, keeps the organisation's services
    /// under DDoS while its stage runs, and ends with the stage: services come back by
    /// themselves, which a responder should know before spending analysts on it.
    #[test]
    fn a_flood_runs_for_its_stage_and_then_ends() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("bank", "A", 10, 0.0, 0.0)
            .campaign("flood", "D1 09:00", "Organisation(\"bank\")", &["T1498"])
            .plan();
        for seed in 1..=4 {
            let mut sim = Simulation::new(plan.clone(), seed);
            sim.run_until(61);
            let ddos = |sim: &Simulation| sim.app.world().resource::<Intrusions>().ddos_orgs();
            assert_eq!(ddos(&sim), [OrgIx(0)].into(), "seed {seed}: at 09:00");
            assert_eq!(
                sim.events().last().map(|e| (e.tick, e.event.clone())),
                Some((
                    60,
                    SimEvent::DdosStarted {
                        campaign: CampaignIx(0),
                        org: OrgIx(0)
                    }
                ))
            );
            sim.run_until(10 * 24 * 60);
            let events = sim.events();
            let ended = first(events, |e| matches!(e, SimEvent::DdosEnded { .. }))
                .expect("the flood ends")
                .tick;
            let done = first(events, |e| matches!(e, SimEvent::StageCompleted { .. }))
                .unwrap()
                .tick;
            assert_eq!(ended, done, "seed {seed}: with its stage");
            assert!(ended > 60);
            assert!(
                !events
                    .iter()
                    .any(|e| matches!(e.event, SimEvent::HostCompromised { .. }))
            );
            assert!(ddos(&sim).is_empty());
            let phase =
                sim.app.world().resource::<Intrusions>().by_key[&(CampaignIx(0), OrgIx(0))].phase;
            assert_eq!(phase, Phase::Finished);
        }
    }

    /// A crew that has lost every host (isolated or cleaned) and has no attempt still to land
    /// stops where it stands, even when its stage is due: it does not steal or encrypt from
    /// nowhere. With an attempt pending it waits; with a host it carries on. An access stage
    /// whose every attempt failed stops too.
    #[test]
    fn a_crew_without_hosts_or_attempts_stops_where_it_stands() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 10, 0.0, 0.0)
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"gov\")",
                &["T1078", "T1041", "T1486"],
            )
            .plan();
        let r = Region(plan);
        let draws = Draws::new(1);
        let defences = IslandDefences::default();
        let step = Step {
            now: 500,
            region: &r,
            draws: &draws,
            defences: &defences,
        };
        let intrusion = |phase, hosts: &[u32], attempts: &[Attempt]| Intrusion {
            campaign: CampaignIx(0),
            org: OrgIx(0),
            phase,
            stage: 1,
            // The exfiltration is due.
            stage_ends: 400,
            attempts: attempts.iter().copied().collect(),
            hosts: hosts.iter().copied().collect(),
            ddos: false,
            broken_out: true,
        };
        let work = |intr: &mut Intrusion| {
            let (mut hosts, mut lost, mut crews, mut log) = Default::default();
            let mut harm = Harm {
                hosts: &mut hosts,
                lost: &mut lost,
                crews: &mut crews,
                log: &mut log,
            };
            let hop = work_stage(&step, intr, &mut harm);
            assert!(hop.is_none());
            log.all()
                .iter()
                .map(|e| e.event.clone())
                .collect::<Vec<_>>()
        };
        let pending = Attempt {
            tick: 600,
            host: 3,
            roll: 0,
        };
        let mut bare = intrusion(Phase::Active, &[], &[]);
        assert_eq!(work(&mut bare), []);
        assert_eq!((bare.phase, bare.stage), (Phase::Stopped, 1));
        let mut waiting = intrusion(Phase::Active, &[], &[pending]);
        assert_eq!(work(&mut waiting), []);
        assert_eq!((waiting.phase, waiting.stage), (Phase::Active, 1));
        let mut holding = intrusion(Phase::Active, &[2], &[]);
        let events = work(&mut holding);
        assert!(
            matches!(events[0], SimEvent::DataExfiltrated { hosts: 1, .. }),
            "{events:?}"
        );
        assert_eq!((holding.phase, holding.stage), (Phase::Active, 2));
        let mut failed = intrusion(Phase::Attempting, &[], &[]);
        failed.stage = 0;
        assert_eq!(work(&mut failed), []);
        assert_eq!(failed.phase, Phase::Stopped);
    }

    /// A trust hop lands the crew in each managed client at the stage after the hop (no access
    /// stage of its own there: the provider's remote tools are the way in), so a client can be
    /// encrypted without ever seeing a phish. A client whose network is isolated is skipped.
    #[test]
    fn a_trust_hop_starts_the_client_at_the_next_stage_and_skips_an_isolated_one() {
        let plan = certain(
            TinyRegion::new()
                .island("A", false, false)
                .org("msp", "A", 10, 0.0, 0.0)
                .org("open", "A", 10, 0.0, 0.0)
                .org("cut-off", "A", 10, 0.0, 0.0)
                .manages("msp", &["open", "cut-off"])
                .campaign(
                    "crew",
                    "D1 09:00",
                    "Organisation(\"msp\")",
                    &["T1078", "T1199", "T1486"],
                ),
            1.0,
        );
        let (access, hop) = (technique(&plan, "T1078"), technique(&plan, "T1199"));
        for seed in 1..=4 {
            let mut sim = Simulation::new(plan.clone(), seed);
            sim.world_mut()
                .resource_mut::<IsolatedOrgs>()
                .0
                .insert(OrgIx(2));
            sim.run_until(8 * 24 * 60);
            let events = sim.events();
            let in_client = |f: &dyn Fn(&SimEvent) -> bool| events.iter().any(|e| f(&e.event));
            assert!(in_client(&|e| *e
                == SimEvent::TrustFollowed {
                    campaign: CampaignIx(0),
                    from: OrgIx(0),
                    to: OrgIx(1)
                }));
            assert!(
                !in_client(
                    &|e| matches!(e, SimEvent::StageCompleted { org: OrgIx(1), technique, .. }
                    if *technique == access || *technique == hop)
                ),
                "seed {seed}: the client starts after the hop"
            );
            assert!(in_client(
                &|e| matches!(e, SimEvent::HostsEncrypted { org: OrgIx(1), hosts, .. } if *hosts > 0)
            ));
            // The isolated client: not a trace.
            for e in events {
                let org = match e.event {
                    SimEvent::HostCompromised { org, .. }
                    | SimEvent::AccessFailed { org, .. }
                    | SimEvent::AccessBlocked { org, .. }
                    | SimEvent::TrustFollowed { to: org, .. } => org,
                    _ => continue,
                };
                assert_ne!(org, OrgIx(2), "seed {seed}: {:?}", e.event);
            }
            let intrusions = sim.app.world().resource::<Intrusions>();
            assert!(!intrusions.by_key.contains_key(&(CampaignIx(0), OrgIx(2))));
            // Control: not isolated, it is entered like the other.
            let events = run(&plan, seed, 8);
            assert!(events.iter().any(|e| e.event
                == SimEvent::TrustFollowed {
                    campaign: CampaignIx(0),
                    from: OrgIx(0),
                    to: OrgIx(2)
                }));
        }
    }
}
