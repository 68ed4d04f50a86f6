use std::sync::Arc;

use super::super::{Attempt, Campaign};
use super::*;
use crate::scenario::Plan;
use crate::scenario::ids::TechniqueIx;
use crate::scenario::testkit::TinyRegion;
use crate::sim::draws::Draws;
use crate::sim::posture::IslandDefences;
use crate::sim::{Clock, Region, SimSet, SimTick, Simulation, Stamped};
use bevy::prelude::{IntoScheduleConfigs, Query, Res, ResMut};

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
        let end = first(
            &events,
            |e| matches!(e, SimEvent::StageCompleted { technique, .. } if *technique == lateral),
        )
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

/// A bank flooded from D1 09:00 (the flood's stage takes its time), by a crew of `stages`.
fn flooded_bank(stages: &[&str]) -> Arc<Plan> {
    TinyRegion::new()
        .island("A", false, false)
        .org("bank", "A", 10, 0.0, 0.0)
        .campaign("flood", "D1 09:00", "Organisation(\"bank\")", stages)
        .plan()
}

/// A flood starts with the campaign, needs no foothold, keeps the organisation's services
/// under DDoS while its stage runs, and ends with the stage: services come back by
/// themselves, which a responder should know before spending analysts on it.
#[test]
fn a_flood_runs_for_its_stage_and_then_ends() {
    let plan = flooded_bank(&["T1498"]);
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

/// The white cell halting a flood, calling off its campaign or forcing the crew past it ends it
/// there and then: the organisation is off the list of those under DDoS, and the record says
/// the flood subsided (before, such a flood went on for the rest of the exercise).
#[test]
fn a_flood_the_white_cell_halts_calls_off_or_forces_past_subsides() {
    let halt = SimEvent::IntrusionHalted {
        campaign: CampaignIx(0),
        org: OrgIx(0),
    };
    let cancel = SimEvent::CampaignCancelled {
        campaign: CampaignIx(0),
    };
    // Forced past the flood to a payload it has no foothold for: the crew stops there.
    let force = SimEvent::StageForced {
        campaign: CampaignIx(0),
        org: OrgIx(0),
        through: Some(1),
    };
    let flood_then_encrypt = flooded_bank(&["T1498", "T1486"]);
    let cases = [
        (halt, flooded_bank(&["T1498"]), Phase::Stopped),
        (cancel, flooded_bank(&["T1498"]), Phase::Active),
        (force, flood_then_encrypt, Phase::Stopped),
    ];
    for (command, plan, phase) in cases {
        let mut sim = Simulation::new(plan, 1);
        // The white cell's command at 70, as the exercise layer carries it out.
        let record = move |clock: Res<Clock>,
                           mut log: ResMut<EventLog>,
                           mut campaigns: Query<&mut Campaign>| {
            if clock.now == 70 {
                if matches!(command, SimEvent::CampaignCancelled { .. }) {
                    campaigns.iter_mut().for_each(|mut c| c.cancelled = true);
                }
                log.push(70, command.clone());
            }
        };
        (sim.app).add_systems(SimTick, record.in_set(SimSet::Commands));
        sim.run_until(70);
        let ddos = |sim: &Simulation| sim.app.world().resource::<Intrusions>().ddos_orgs();
        assert_eq!(ddos(&sim), [OrgIx(0)].into());
        sim.run_until(72);
        assert!(ddos(&sim).is_empty());
        let ended = SimEvent::DdosEnded {
            campaign: CampaignIx(0),
            org: OrgIx(0),
        };
        let at: Vec<u64> = (sim.events().iter())
            .filter(|e| e.event == ended)
            .map(|e| e.tick)
            .collect();
        assert_eq!(at, [70]);
        let intrusions = sim.app.world().resource::<Intrusions>();
        assert_eq!(intrusions.by_key[&(CampaignIx(0), OrgIx(0))].phase, phase);
    }
}

/// A crew of `stages` against a ten-host ministry with no sensors or patches, and what working
/// its intrusion one minute needs.
struct Bench {
    region: Region,
    draws: Draws,
    defences: IslandDefences,
    hosts: Hosts,
    lost: LostBackups,
    gate: RestoreGate,
    log: EventLog,
}

impl Bench {
    fn new(stages: &[&str]) -> Self {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 10, 0.0, 0.0)
            .campaign("crew", "D1 09:00", "Organisation(\"gov\")", stages)
            .plan();
        Bench {
            region: Region(plan),
            draws: Draws::new(1),
            defences: IslandDefences::default(),
            hosts: Hosts::default(),
            lost: LostBackups::default(),
            gate: RestoreGate::default(),
            log: EventLog::default(),
        }
    }

    /// The crew's intrusion at the ministry, at `stage` until `stage_ends`, holding `hosts`.
    fn intrusion(phase: Phase, (stage, stage_ends): (usize, u64), hosts: &[u32]) -> Intrusion {
        Intrusion {
            campaign: CampaignIx(0),
            org: OrgIx(0),
            phase,
            stage,
            stage_ends,
            attempts: Default::default(),
            hosts: hosts.iter().copied().collect(),
            ddos: false,
            broken_out: true,
            credentials: false,
            returns_at: None,
            via: None,
            traces: Default::default(),
            mark: Default::default(),
            ahead: Default::default(),
        }
    }

    /// One minute of the intrusion's work at `now`.
    fn work(&mut self, intr: &mut Intrusion, now: u64) -> Option<TrustHop> {
        let step = Step {
            now,
            region: &self.region,
            draws: &self.draws,
            defences: &self.defences,
        };
        let mut harm = Harm {
            hosts: &mut self.hosts,
            lost: &mut self.lost,
            gate: &mut self.gate,
            log: &mut self.log,
        };
        work_stage(&step, intr, &mut harm)
    }
}

/// A crew that has lost every host (isolated or cleaned) and has no attempt still to land
/// stops where it stands, even when its stage is due: it does not steal or encrypt from
/// nowhere. With an attempt pending it waits; with a host it carries on. An access stage
/// whose every attempt failed stops too.
#[test]
fn a_crew_without_hosts_or_attempts_stops_where_it_stands() {
    let intrusion = |phase, hosts: &[u32], attempts: &[Attempt]| {
        // The exfiltration is due.
        let mut intr = Bench::intrusion(phase, (1, 400), hosts);
        intr.attempts = attempts.iter().copied().collect();
        intr
    };
    let work = |intr: &mut Intrusion| {
        let mut bench = Bench::new(&["T1078", "T1041", "T1486"]);
        let hop = bench.work(intr, 500);
        assert!(hop.is_none());
        (bench.log.all().iter())
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

/// A crew evicted from every host while it holds the organisation's credentials does not stop:
/// half a day later it signs in again with them, on a host reachable from outside, and carries
/// on with its stage. Without credentials it stops.
#[test]
fn a_crew_with_stolen_credentials_signs_back_in_after_eviction() {
    let mut bench = Bench::new(&["T1078", "T1003", "T1041"]);
    let mut intr = Bench::intrusion(Phase::Active, (2, 100_000), &[]);
    intr.credentials = true;
    bench.work(&mut intr, 500);
    assert_eq!(intr.returns_at, Some(500 + CREDENTIAL_RETURN_MINUTES));
    assert!(intr.hosts.is_empty() && intr.phase == Phase::Active);
    bench.work(&mut intr, 500 + CREDENTIAL_RETURN_MINUTES - 1);
    assert!(intr.hosts.is_empty(), "not yet");
    bench.work(&mut intr, 500 + CREDENTIAL_RETURN_MINUTES);
    assert_eq!(intr.hosts.len(), 1, "back in with the accounts it took");
    let back = bench.log.all().last().map(|e| e.event.clone());
    let t1078 = bench.region.ids.techniques.get("T1078").unwrap();
    assert!(
        matches!(back, Some(SimEvent::HostCompromised { technique, .. }) if technique == t1078),
        "{back:?}"
    );
    // Reset: the same crew, evicted again, stops.
    intr.hosts.clear();
    intr.credentials = false;
    bench.work(&mut intr, 2000);
    assert_eq!(intr.phase, Phase::Stopped);
}

/// A credential-access stage completing is what gives the crew the organisation's credentials.
#[test]
fn dumping_credentials_is_what_gives_the_crew_them() {
    let mut bench = Bench::new(&["T1078", "T1003", "T1041"]);
    let mut intr = Bench::intrusion(Phase::Active, (1, 400), &[2]);
    bench.work(&mut intr, 500);
    assert!(intr.credentials && intr.stage == 2);
    bench.work(&mut intr, 500);
    assert_eq!(intr.stage, 2, "the theft's stage runs its course");
}

/// A spreading crew is visited only the minutes it tries a move: the look ahead finds the first
/// minute whose draw gives a try (within the hour), every minute before it gives none, a crew
/// that lost a host since (a lower average) finds its next try without drawing those minutes
/// again and where a fresh look would, and a visit to a minute looked at works as one without.
#[test]
fn a_spreading_crew_is_visited_the_minutes_it_tries_a_move() {
    let bench = Bench::new(&["T1078", "T1021.002", "T1041"]);
    let step = |now| Step {
        now,
        region: &bench.region,
        draws: &bench.draws,
        defences: &bench.defences,
    };
    let tries_at = |intr: &Intrusion, now| {
        let stage = bench.region.campaigns[CampaignIx(0)].stages[1];
        let expected = spread_expected(&bench.region, stage, intr);
        let key = ids(&[0, 0]);
        spread_tries(&step(now), expected, key, None)
    };
    let (mut found, mut quiet) = (0, 0);
    for start in (100..20_000).step_by(97) {
        // Not broken out: a try every ten minutes on average.
        let mut intr = Bench::intrusion(Phase::Active, (1, 50_000), &[2]);
        intr.broken_out = false;
        let next = next_visit(&step(start), &mut intr).unwrap();
        assert!(next > start && next <= start + SPREAD_LOOKAHEAD);
        assert!((start + 1..next).all(|m| tries_at(&intr, m) == 0));
        if tries_at(&intr, next) > 0 {
            found += 1;
        } else {
            // Nothing within the hour: the visit at its end draws that minute.
            assert_eq!(next, start + SPREAD_LOOKAHEAD);
            quiet += 1;
        }
        // Broken out with three hosts, then back to one (two taken back) a minute later:
        // the second look starts from what the first knew, and finds what a fresh one finds.
        let mut three = Bench::intrusion(Phase::Active, (1, 50_000), &[2, 3, 4]);
        let first = next_visit(&step(start), &mut three).unwrap();
        three.hosts = [2].into_iter().collect();
        let again = next_visit(&step(start + 1), &mut three).unwrap();
        let mut fresh = Bench::intrusion(Phase::Active, (1, 50_000), &[2]);
        assert_eq!(again, next_visit(&step(start + 1), &mut fresh).unwrap());
        assert!(again >= first.max(start + 2));
    }
    assert!(
        found > 100 && quiet < found / 50,
        "{found} found, {quiet} quiet hours"
    );
    // The visit that minute takes the look ahead's draw, with the same outcome as its own.
    let mut looked = Bench::intrusion(Phase::Active, (1, 50_000), &[2]);
    looked.broken_out = false;
    let at = next_visit(&step(100), &mut looked).unwrap();
    let mut unlooked = looked.clone();
    unlooked.ahead = SpreadAhead::default();
    let (mut a, mut b) = (
        Bench::new(&["T1078", "T1021.002", "T1041"]),
        Bench::new(&["T1078", "T1021.002", "T1041"]),
    );
    a.work(&mut looked, at);
    b.work(&mut unlooked, at);
    assert_eq!((a.log.all(), &looked.hosts), (b.log.all(), &unlooked.hosts));
}
