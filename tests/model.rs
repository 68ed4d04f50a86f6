//! The model's effects point the right way, measured over many seeds.

mod common;
use common::*;

use tidewatch::scenario::ids::ServiceIx;
use tidewatch::sim::events::SimEvent;
use tidewatch::sim::network::IsolatedOrgs;

const SEEDS: u64 = 100;

/// Minute of first detection on the island, counting "never" as the end of the run.
fn detection_minutes(set: &[&str]) -> Vec<f64> {
    let plan = plan("scenarios/tutorial.ron", set);
    let end = plan.scenario.duration.0;
    (0..SEEDS)
        .map(|seed| {
            let (_, s) = run(&plan, seed, end);
            s.islands[0].first_detection_minute.unwrap_or(end) as f64
        })
        .collect()
}

#[test]
fn higher_sensor_coverage_detects_earlier_on_average() {
    let groups = ["ws", "srv", "edge"];
    let set_all = |v: &str| -> Vec<String> {
        groups
            .iter()
            .map(|g| format!("organisations.ministry.hosts.{g}.sensor_coverage={v}"))
            .collect()
    };
    let low = set_all("0.05");
    let high = set_all("0.95");
    let low = detection_minutes(&low.iter().map(String::as_str).collect::<Vec<_>>());
    let high = detection_minutes(&high.iter().map(String::as_str).collect::<Vec<_>>());
    let (low, high) = (mean(&low), mean(&high));
    assert!(
        high < low * 0.8,
        "mean first detection: coverage 0.95 -> {high:.0} min, 0.05 -> {low:.0} min"
    );
}

#[test]
fn isolating_an_organisation_stops_spread_from_it() {
    // A ransomware crew enters a managed service provider and follows its remote access into
    // clients. Cut the provider off as soon as it is breached.
    let plan = plan("tests/data/tabletop.ron", &[]);
    let msp = plan.ids.orgs.get("a-msp").unwrap();
    let end = 72 * 60;
    let (mut hops_free, mut hops_isolated, mut breached) = (0, 0, 0);
    for seed in 0..40 {
        let (free, _) = run(&plan, seed, end);
        hops_free += free
            .events()
            .iter()
            .filter(|e| matches!(e.event, SimEvent::TrustFollowed { from, .. } if from == msp))
            .count();

        let mut sim = tidewatch::exercise::simulation(plan.clone(), seed);
        let mut isolated_at = None;
        while sim.now() < end {
            sim.step();
            let hit = sim
                .events()
                .iter()
                .any(|e| matches!(e.event, SimEvent::HostCompromised { org, .. } if org == msp));
            if hit && isolated_at.is_none() {
                sim.world_mut().resource_mut::<IsolatedOrgs>().0.insert(msp);
                isolated_at = Some(sim.now());
            }
        }
        let Some(at) = isolated_at else { continue };
        breached += 1;
        let after: Vec<_> = sim.events().iter().filter(|e| e.tick >= at).collect();
        hops_isolated += after
            .iter()
            .filter(|e| matches!(e.event, SimEvent::TrustFollowed { .. }))
            .count();
        let spread = after
            .iter()
            .filter(|e| matches!(e.event, SimEvent::HostCompromised { org, .. } if org == msp))
            .count();
        assert_eq!(
            spread, 0,
            "seed {seed}: hosts compromised inside the isolated provider"
        );
        assert!(
            !after
                .iter()
                .any(|e| matches!(e.event, SimEvent::HostsEncrypted { org, .. } if org == msp))
        );
    }
    assert!(
        breached >= 10,
        "the provider is breached in most seeds ({breached}/40)"
    );
    assert!(
        hops_free > 0,
        "without isolation the intruder reaches clients"
    );
    assert_eq!(hops_isolated, 0);
}

#[test]
fn a_service_goes_down_with_its_dependency_and_comes_back_with_it() {
    let plan = plan("tests/data/cascade.ron", &[]);
    let grid = plan.ids.services.get("grid").unwrap();
    let payments = plan.ids.services.get("payments").unwrap();
    let (mut outages, mut restored) = (0, 0);
    for seed in 0..SEEDS {
        let (sim, _) = run(&plan, seed, plan.scenario.duration.0);
        let ticks = |kind: fn(&SimEvent) -> Option<ServiceIx>, service: ServiceIx| -> Vec<u64> {
            sim.events()
                .iter()
                .filter(|e| kind(&e.event) == Some(service))
                .map(|e| e.tick)
                .collect()
        };
        let down = |e: &SimEvent| {
            if let SimEvent::ServiceDown { service } = e {
                Some(*service)
            } else {
                None
            }
        };
        let up = |e: &SimEvent| {
            if let SimEvent::ServiceRestored { service } = e {
                Some(*service)
            } else {
                None
            }
        };
        // The bank's own servers are never touched, so payments follows the grid exactly.
        assert_eq!(ticks(down, grid), ticks(down, payments), "seed {seed}");
        assert_eq!(ticks(up, grid), ticks(up, payments), "seed {seed}");
        if !ticks(down, grid).is_empty() {
            outages += 1;
            restored += !ticks(up, grid).is_empty() as u64;
        }
    }
    assert!(
        outages >= SEEDS / 2,
        "the utility's servers are encrypted in most runs ({outages}/{SEEDS})"
    );
    // Restores have a long tail: most, not all, are done within the four days.
    assert!(
        restored * 2 >= outages,
        "the grid came back within four days in {restored} of {outages} outages"
    );
}

#[test]
fn islands_without_anyone_watching_learn_by_ransom_note() {
    // Without its CSIRT the tutorial island only learns when the ransom note appears.
    const TUTORIAL: &str = "scenarios/tutorial.ron";
    let island = plan(TUTORIAL, &[]).scenario.islands[0].id.clone();
    let plan = plan(
        TUTORIAL,
        &[
            &format!("islands.{island}.csirt=false"),
            &format!("islands.{island}.npc=false"),
        ],
    );
    for seed in 0..20 {
        let (sim, s) = run(&plan, seed, plan.scenario.duration.0);
        assert_eq!(s.islands[0].incidents, 0);
        let note = sim
            .events()
            .iter()
            .find(|e| matches!(e.event, SimEvent::RansomNoteFound { .. }))
            .map(|e| e.tick);
        assert_eq!(s.islands[0].first_detection_minute, note, "seed {seed}");
        assert!(
            sim.events()
                .iter()
                .all(|e| !matches!(e.event, SimEvent::AlertRaised { .. }))
        );
    }
}

#[test]
fn idle_hosts_change_nothing_and_cost_nothing_per_tick() {
    // The bench regions differ only in idle hosts on another island: the runs must be identical.
    let digests: Vec<String> = tidewatch::bench::SIZES
        .iter()
        .map(|&hosts| tidewatch::bench::run_case(hosts, 24 * 60).digest)
        .collect();
    assert_eq!(digests[0], digests[1]);
    assert_eq!(digests[1], digests[2]);
}
