use std::sync::Arc;

use super::*;
use crate::scenario::Plan;
use crate::scenario::ids::IslandIx;
use crate::scenario::testkit::TinyRegion;
use crate::sim::{Simulation, Stamped};

/// Every initial-access attempt of the campaign's first stage against `org`, each landing
/// at its own minute: the events they leave and the intrusion after them.
fn land_all(
    region: &Region,
    defences: &IslandDefences,
    hosts: &mut Hosts,
    seed: u64,
    org: OrgIx,
) -> (Vec<Stamped>, Intrusion) {
    let draws = Draws::new(seed);
    let mut log = EventLog::default();
    let mut intr = begin_intrusion(region, &draws, &mut log, 0, CampaignIx(0), org);
    let ticks: Vec<u64> = intr.attempts.iter().map(|a| a.tick).collect();
    for now in ticks {
        let step = Step {
            now,
            region,
            draws: &draws,
            defences,
        };
        land_attempts(&step, &mut intr, hosts, &mut log);
    }
    (log.all().to_vec(), intr)
}

/// (taken, failed, blocked) attempts over `seeds` runs of the first stage against `org`.
fn outcomes(region: &Region, defences: &IslandDefences, org: OrgIx, seeds: u64) -> [usize; 3] {
    let mut n = [0; 3];
    for seed in 0..seeds {
        let (events, _) = land_all(region, defences, &mut Hosts::default(), seed, org);
        for e in events {
            match e.event {
                SimEvent::HostCompromised { .. } => n[0] += 1,
                SimEvent::AccessFailed { .. } => n[1] += 1,
                SimEvent::AccessBlocked { .. } => n[2] += 1,
                _ => {}
            }
        }
    }
    n
}

fn technique(plan: &Plan, id: &str) -> TechniqueIx {
    TechniqueIx::from(plan.techniques.iter().position(|t| t.id == id).unwrap())
}

/// An exploit of a public-facing application (5 attempts, 0.6 a try, patch-sensitive 0.9)
/// by a skill-0.6 crew against two organisations on A that differ only in their patch level
/// and a third, unpatched like the first, on B. Big enough that two attempts seldom pick the
/// same host.
fn exploit_region() -> Region {
    Region(
        TinyRegion::new()
            .island("A", false, false)
            .island("B", false, false)
            .org("stale", "A", 2000, 0.0, 0.1)
            .org("patched", "A", 2000, 0.0, 0.9)
            .org("abroad", "B", 2000, 0.0, 0.1)
            .campaign(
                "crew",
                "D1 09:00",
                "Island(\"A\"), Island(\"B\")",
                &["T1190", "T1486"],
            )
            .plan(),
    )
}

/// A campaign aimed at island A never tries its luck on island B: the plan's targets are
/// the only organisations attempts land on (a responder on B owes nothing to this crew
/// until it hops or is retargeted), and each lands on a host of its own organisation.
#[test]
fn initial_access_is_tried_only_on_the_campaigns_targets() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .island("B", false, false)
        .org("a1", "A", 30, 0.0, 0.0)
        .org("a2", "A", 30, 0.0, 0.0)
        .org("b1", "B", 30, 0.0, 0.0)
        .campaign("crew", "D1 09:00", "Island(\"A\")", &["T1078", "T1041"])
        .plan();
    for seed in 1..=3 {
        let mut sim = Simulation::new(plan.clone(), seed);
        sim.run_until(2 * 24 * 60);
        let mut tried = std::collections::BTreeSet::new();
        for e in sim.events() {
            if let SimEvent::HostCompromised { org, host, .. }
            | SimEvent::AccessFailed { org, host, .. }
            | SimEvent::AccessBlocked { org, host, .. } = e.event
            {
                assert!(
                    plan.orgs[org].hosts.contains(&host),
                    "seed {seed}: host {host} is not {org:?}'s"
                );
                tried.insert(org);
            }
        }
        assert_eq!(
            tried,
            [OrgIx(0), OrgIx(1)].into(),
            "seed {seed}: A's two organisations, never B's"
        );
        let keys: Vec<_> = sim
            .app
            .world()
            .resource::<super::super::Intrusions>()
            .by_key
            .keys()
            .copied()
            .collect();
        assert_eq!(keys, [(CampaignIx(0), OrgIx(0)), (CampaignIx(0), OrgIx(1))]);
    }
}

/// Where an attempt lands decides what a sensor sees and what the crew can do next: a
/// phish reaches a workstation, an exploit the edge (else a server), stolen credentials the
/// remote-access edge first; an organisation without the preferred kind is hit anywhere.
#[test]
fn each_way_in_lands_on_the_hosts_it_is_for() {
    let group = |id: &str, kind: &str, count: u32, platform: &str| {
        format!(
            "HostGroup(id: \"{id}\", kind: {kind}, count: {count}, platform: {platform}, \
             sensor_coverage: 0.0, patch_level: 0.0, backups: None)"
        )
    };
    let r = Region(
        TinyRegion::new()
            .island("A", false, false)
            .org_with(
                "mixed",
                "A",
                &[
                    group("ws", "Workstation", 10, "Windows"),
                    group("srv", "Server", 4, "Linux"),
                    group("edge", "EdgeDevice", 2, "Network"),
                ]
                .join(", "),
            )
            .org_with(
                "backend",
                "A",
                &[
                    group("ws", "Workstation", 5, "Windows"),
                    group("srv", "Server", 3, "Linux"),
                ]
                .join(", "),
            )
            .org_with("plant", "A", &group("plc", "Controller", 6, "Embedded"))
            .plan(),
    );
    let g = |k: usize| r.groups[k].hosts.clone();
    let (mixed, backend, plant) = (OrgIx(0), OrgIx(1), OrgIx(2));
    assert_eq!(entry_hosts(&r, mixed, Effect::Phish), [g(0)]);
    assert_eq!(entry_hosts(&r, mixed, Effect::ExploitPublicFacing), [g(2)]);
    assert_eq!(entry_hosts(&r, mixed, Effect::ValidAccounts), [g(2)]);
    assert_eq!(entry_hosts(&r, mixed, Effect::TrustedRelationship), [g(2)]);
    assert_eq!(
        entry_hosts(&r, backend, Effect::ExploitPublicFacing),
        [g(4)]
    );
    assert_eq!(entry_hosts(&r, backend, Effect::ValidAccounts), [g(4)]);
    assert_eq!(entry_hosts(&r, backend, Effect::Phish), [g(3)]);
    // No workstation to phish, no edge or server to exploit: any host of the plant.
    assert_eq!(
        entry_hosts(&r, plant, Effect::Phish),
        [r.orgs[plant].hosts.clone()]
    );
    assert_eq!(
        entry_hosts(&r, plant, Effect::ExploitPublicFacing),
        [r.orgs[plant].hosts.clone()]
    );
    // And every pick is one of those hosts.
    let draws = Draws::new(1);
    for k in 0..200 {
        let h = pick(
            &entry_hosts(&r, mixed, Effect::ExploitPublicFacing),
            &draws,
            Purpose::AccessAttemptHost,
            7,
            0,
            k,
        );
        assert!(g(2).contains(&h), "{h}");
    }
}

/// The first host taken is the crew's foothold: it completes the access stage at once (one
/// `StageCompleted`, the next stage's clock starts), and later attempts that work only add
/// hosts. An attempt never takes a host that is isolated, encrypted or already held, however
/// good its odds: a responder who cut a host off has closed that door.
#[test]
fn the_first_host_taken_completes_the_access_stage_and_only_free_usable_hosts_are_taken() {
    let tiny = TinyRegion::new()
        .island("A", false, false)
        .org("gov", "A", 1000, 0.0, 0.0)
        .org("small", "A", 3, 0.0, 0.0)
        .campaign("crew", "D1 09:00", "Island(\"A\")", &["T1078", "T1021.002"]);
    let mut plan = (*tiny.plan()).clone();
    let t1078 = technique(&plan, "T1078");
    plan.techniques[t1078].success = 1.0;
    let r = Region(Arc::new(plan));
    let defences = IslandDefences::default();
    for seed in 1..=20 {
        let (events, intr) = land_all(&r, &defences, &mut Hosts::default(), seed, OrgIx(0));
        let taken = events
            .iter()
            .filter(|e| matches!(e.event, SimEvent::HostCompromised { .. }))
            .count();
        let failed = events
            .iter()
            .filter(|e| matches!(e.event, SimEvent::AccessFailed { .. }))
            .count();
        // Certain odds: only a second attempt at a host already taken fails.
        assert_eq!(taken + failed, 5, "seed {seed}: one outcome per attempt");
        assert!(taken >= 4, "seed {seed}: {taken} taken");
        let first = events
            .iter()
            .position(|e| matches!(e.event, SimEvent::HostCompromised { .. }))
            .unwrap();
        let done: Vec<usize> = (0..events.len())
            .filter(|k| matches!(events[*k].event, SimEvent::StageCompleted { .. }))
            .collect();
        assert_eq!(
            done,
            [first + 1],
            "seed {seed}: completed once, at the foothold"
        );
        assert_eq!(
            events[first + 1].event,
            SimEvent::StageCompleted {
                campaign: CampaignIx(0),
                org: OrgIx(0),
                technique: t1078
            }
        );
        assert_eq!(events[first].tick, events[first + 1].tick);
        assert_eq!((intr.phase, intr.stage), (Phase::Active, 1));
        assert_eq!(intr.hosts.len(), taken);
        assert!(
            intr.stage_ends > events[first].tick,
            "the next stage's clock runs"
        );
    }
    // The small office: one host cut off, one encrypted, one held by another crew.
    let small = r.orgs[OrgIx(1)].hosts.clone();
    for seed in 1..=20 {
        let mut hosts = Hosts::default();
        let h: Vec<u32> = small.clone().collect();
        hosts.update(&r, h[0], |s| s.isolated = true);
        hosts.update(&r, h[1], |s| s.encrypted = true);
        hosts.update(&r, h[2], |s| s.held_by = Some(CampaignIx(1)));
        let (events, intr) = land_all(&r, &defences, &mut hosts, seed, OrgIx(1));
        assert_eq!(events.len(), 5, "seed {seed}");
        assert!(
            events
                .iter()
                .all(|e| matches!(e.event, SimEvent::AccessFailed { .. })),
            "seed {seed}: {events:?}"
        );
        assert_eq!(intr.phase, Phase::Attempting);
        assert!(intr.hosts.is_empty() && intr.attempts.is_empty());
    }
}

/// Attempts succeed as often as `success_chance` says when they land: about 0.60 a try
/// against hosts patched to 0.1 and about 0.13 against hosts patched to 0.9 (the exploit is
/// patch-sensitive 0.9). This is why an emergency patch order buys time.
#[test]
fn attempts_succeed_at_the_techniques_odds_lowered_by_patching() {
    let r = exploit_region();
    let d = IslandDefences::default();
    let rate = |org: u32| {
        let [taken, failed, blocked] = outcomes(&r, &d, OrgIx(org), 200);
        assert_eq!(blocked, 0, "no intelligence applied, nothing blocked");
        assert_eq!(taken + failed, 1000, "five attempts a run");
        taken as f64 / 1000.0
    };
    let (stale, patched) = (rate(0), rate(1));
    let t = &r.techniques[r.campaigns[0].stages[0].technique];
    let expect = |patch: f64| t.success * 1.1 * (1.0 - t.patch_sensitivity * patch);
    assert!(
        (stale - expect(0.1)).abs() < 0.05,
        "stale {stale:.3} vs {:.3}",
        expect(0.1)
    );
    assert!(
        (patched - expect(0.9)).abs() < 0.04,
        "patched {patched:.3} vs {:.3}",
        expect(0.9)
    );
    assert!(stale > 3.0 * patched, "{stale:.3} vs {patched:.3}");
}

/// Applied intelligence about the actor blocks each attempt on its island at the policy's
/// `block` chance (0.7 at full strength); the rest still meet the usual odds, and another
/// island that applied nothing is not protected at all. A blocked attempt is logged: the
/// filter that stopped it is evidence.
#[test]
fn applied_intelligence_blocks_the_actors_attempts_on_its_island_only() {
    let r = exploit_region();
    let mut d = IslandDefences::default();
    d.block_actor(IslandIx(0), r.campaigns[0].actor);
    let [taken, failed, blocked] = outcomes(&r, &d, OrgIx(0), 200);
    assert_eq!(taken + failed + blocked, 1000);
    let share = blocked as f64 / 1000.0;
    assert!((share - r.intel.block).abs() < 0.05, "blocked {share:.3}");
    // What gets past the block meets the exploit's odds (about 0.6).
    let past = taken as f64 / (taken + failed) as f64;
    assert!((0.5..0.7).contains(&past), "{past:.3} of the rest worked");
    // Island B applied nothing.
    let [abroad_taken, _, abroad_blocked] = outcomes(&r, &d, OrgIx(2), 200);
    assert_eq!(abroad_blocked, 0);
    assert!(abroad_taken > 500, "{abroad_taken}");
}

/// In a run: with the actor fully blocked on its island (policy `block: 1.0`), every
/// attempt is stopped, no host is taken, and the intrusion stops when its attempts run
/// out; the same crew without the block gets in.
#[test]
fn a_full_block_keeps_the_crew_out_for_the_whole_run() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .org("gov", "A", 30, 0.0, 0.0)
        .campaign(
            "crew",
            "D1 09:00",
            "Organisation(\"gov\")",
            &["T1078", "T1041"],
        )
        .field("intel: Intel(block: 1.0)")
        .plan();
    let mut got_in = 0;
    for seed in 1..=4 {
        let run = |block: bool| {
            let mut sim = Simulation::new(plan.clone(), seed);
            if block {
                let actor = plan.campaigns[0].actor;
                sim.world_mut()
                    .resource_mut::<IslandDefences>()
                    .block_actor(IslandIx(0), actor);
            }
            sim.run_until(3 * 24 * 60);
            let count =
                |f: fn(&SimEvent) -> bool| sim.events().iter().filter(|e| f(&e.event)).count();
            let phase = sim
                .app
                .world()
                .resource::<super::super::Intrusions>()
                .by_key[&(CampaignIx(0), OrgIx(0))]
                .phase;
            (
                count(|e| matches!(e, SimEvent::AccessBlocked { .. })),
                count(|e| matches!(e, SimEvent::HostCompromised { .. })),
                phase,
            )
        };
        assert_eq!(run(true), (5, 0, Phase::Stopped), "seed {seed}");
        let (blocked, taken, _) = run(false);
        assert_eq!(blocked, 0);
        got_in += (taken > 0) as u32;
    }
    assert!(
        got_in >= 3,
        "unblocked, the crew got in {got_in} of 4 times"
    );
}

/// A stage takes the plan's duration times `ACTOR_PACE - skill` on the median, with a wide
/// spread (a fast and a slow tail a planner must expect); the same dice give a crew of skill
/// 0.9 half the time of one of 0.3. One intrusion's stages share its pace (a flat network
/// is quick throughout), while two intrusions' paces are unrelated.
#[test]
fn stage_times_follow_skill_and_vary_by_intrusion_more_than_by_stage() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .org("a", "A", 10, 0.0, 0.0)
        .org("b", "A", 10, 0.0, 0.0)
        .campaign("crew", "D1 09:00", "Island(\"A\")", &["T1078", "T1021.002"])
        .plan();
    let with_skill = |s: f64| {
        let mut p = (*plan).clone();
        p.campaigns[0].actor_skill = s;
        Region(Arc::new(p))
    };
    let (slow, fast) = (with_skill(0.3), with_skill(0.9));
    let c = CampaignIx(0);
    let (mut lateral, mut pairs, mut across) = (Vec::new(), Vec::new(), Vec::new());
    for seed in 0..200 {
        let draws = Draws::new(seed);
        let t = |r: &Region, org: u32, stage: usize| {
            stage_time(r, &draws, c, OrgIx(org), stage, 0) as f64
        };
        let ratio = t(&fast, 0, 1) / t(&slow, 0, 1);
        assert!((ratio - 0.5).abs() < 0.01, "seed {seed}: {ratio:.3}");
        lateral.push(t(&slow, 0, 1));
        pairs.push((t(&slow, 0, 0).ln(), t(&slow, 0, 1).ln()));
        across.push((t(&slow, 0, 1).ln(), t(&slow, 1, 1).ln()));
    }
    lateral.sort_by(f64::total_cmp);
    let base = plan.campaigns[0].stages[1].duration.0 as f64 * (1.5 - 0.3);
    let median = lateral[100] / base;
    assert!(
        (0.75..1.33).contains(&median),
        "median {median:.2} x the base"
    );
    let spread = lateral[180] / lateral[20];
    assert!(spread > 4.0, "p90/p10 {spread:.1}");
    let corr = |xy: &[(f64, f64)]| {
        let n = xy.len() as f64;
        let (mx, my) = (
            xy.iter().map(|p| p.0).sum::<f64>() / n,
            xy.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let cov: f64 = xy.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let vx: f64 = xy.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let vy: f64 = xy.iter().map(|p| (p.1 - my).powi(2)).sum();
        cov / (vx * vy).sqrt()
    };
    // 0.8^2 / (0.8^2 + 0.5^2) = 0.72 within an intrusion; none across.
    let (within, between) = (corr(&pairs), corr(&across));
    assert!(within > 0.55, "within one intrusion {within:.2}");
    assert!(between.abs() < 0.25, "across intrusions {between:.2}");
}
