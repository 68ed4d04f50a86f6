use super::*;
use crate::scenario::testkit::TinyRegion;
use crate::sim::Simulation;

/// False alerts over three quiet days for a CSIRT watching 200 workstations at `coverage`
/// and 200 with no sensors at all.
fn false_alerts_at(coverage: f64, seed: u64) -> (usize, usize) {
    let plan = TinyRegion::new()
        .island("A", true, false)
        .org("seen", "A", 200, coverage, 0.5)
        .org("blind", "A", 200, 0.0, 0.5)
        .team(
            "csirt",
            "NationalCsirt",
            Some("A"),
            2,
            "AroundTheClock",
            true,
        )
        .monitors("csirt", &["seen", "blind"])
        .plan();
    let mut sim = Simulation::new(plan, seed);
    sim.run_until(3 * MINUTES_PER_DAY);
    let from = |o: u32| {
        sim.events()
            .iter()
            .filter(|e| {
                matches!(e.event, SimEvent::AlertRaised { org, true_positive: false, .. }
                    if org == OrgIx(o))
            })
            .count()
    };
    (from(0), from(1))
}

#[test]
fn false_alerts_come_from_sensors_in_proportion_to_coverage() {
    let (mut none, mut half, mut full) = (0, 0, 0);
    for seed in 1..=10 {
        let (seen, blind) = false_alerts_at(0.0, seed);
        assert_eq!((seen, blind), (0, 0), "no sensors, no false alerts");
        let (h, blind) = false_alerts_at(0.5, seed);
        assert_eq!(blind, 0, "the sensorless organisation raises none");
        half += h;
        full += false_alerts_at(1.0, seed).0;
        none += seen;
    }
    assert_eq!(none, 0);
    // 0.05 per covered host-day: 200 hosts x 3 days x 10 seeds = 300 at full coverage.
    assert!((240..=360).contains(&full), "{full}");
    let ratio = full as f64 / half as f64;
    assert!(
        (1.6..=2.5).contains(&ratio),
        "twice the sensors, twice the noise: {ratio}"
    );
}

/// Alerts an NPC receives about a small shop it does not watch: (what sensors saw, the victim's
/// report of its files encrypted), over two days of a ransomware intrusion.
fn npc_hears(notices: f64, seed: u64) -> (usize, usize) {
    let tiny = TinyRegion::new()
        .island("A", false, true)
        .org("shop", "A", 50, 1.0, 0.0)
        .team("npc", "Npc", Some("A"), 1, "OfficeHours", true)
        .campaign(
            "crew",
            "D1 09:00",
            "Organisation(\"shop\")",
            &["T1078", "T1021.002", "T1486"],
        );
    let mut plan = (*tiny.plan()).clone();
    plan.defaults.own_it_notices = notices;
    let plan = std::sync::Arc::new(plan);
    let mut sim = Simulation::new(plan.clone(), seed);
    sim.run_until(2 * MINUTES_PER_DAY);
    let heard = |sensors: bool| {
        sim.events()
            .iter()
            .filter(|e| {
                matches!(e.event, SimEvent::AlertRaised { technique: Some(t), .. }
                    if (plan.techniques[t].effect != Effect::Encrypt) == sensors)
            })
            .count()
    };
    (heard(true), heard(false))
}

#[test]
fn an_unwatched_organisations_own_it_reports_what_its_sensors_saw() {
    let (mut told, mut silent) = (0, 0);
    for seed in 1..=5 {
        let (named, _) = npc_hears(0.0, seed);
        silent += named;
        told += npc_hears(1.0, seed).0;
    }
    assert_eq!(
        silent, 0,
        "nobody looks: the NPC hears only the ransom note"
    );
    assert!(told >= 5, "its IT reports what the sensors saw: {told}");
}

#[test]
fn a_ransom_note_reaches_the_watching_desk_at_once_and_the_island_later() {
    let plan = TinyRegion::new()
        .island("A", false, true)
        .org("client", "A", 20, 0.0, 0.0)
        .team("npc", "Npc", Some("A"), 1, "AroundTheClock", true)
        .team("desk", "SectorSoc", Some("A"), 1, "AroundTheClock", true)
        .monitors("desk", &["client"])
        .campaign(
            "crew",
            "D1 09:00",
            "Organisation(\"client\")",
            &["T1078", "T1486"],
        )
        .plan();
    let delay = plan.defaults.victim_report_delay.0;
    let mut sim = Simulation::new(plan.clone(), 3);
    sim.run_until(6 * MINUTES_PER_DAY);
    let note = sim
        .events()
        .iter()
        .find(|e| matches!(e.event, SimEvent::RansomNoteFound { .. }))
        .map(|e| e.tick)
        .expect("the crew encrypts");
    // Both hear; the NPC's report is on its way for `victim_report_delay`.
    let told: Vec<TeamIx> = sim
        .events()
        .iter()
        .filter(|e| e.tick == note)
        .filter_map(|e| match e.event {
            SimEvent::AlertRaised {
                team,
                technique: Some(t),
                true_positive: true,
                ..
            } if plan.techniques[t].effect == Effect::Encrypt => Some(team),
            _ => None,
        })
        .collect();
    assert_eq!(told, vec![TeamIx(1), TeamIx(0)]);
    let npc_opened = sim.events().iter().find_map(|e| match e.event {
        SimEvent::IncidentOpened {
            team: TeamIx(0), ..
        } => Some(e.tick),
        _ => None,
    });
    // A small client calls after a while (about `victim_report_delay`), if at all.
    assert!(
        npc_opened.is_some_and(|t| t > note + delay / 4),
        "{npc_opened:?}"
    );
}

/// Victims phone their national team sooner the larger they are: a ministry of 300 hosts
/// within the hour (day or night: the delay does not wait for office hours), a shop of 10
/// after hours and now and then never.
#[test]
fn victims_call_sooner_the_larger_they_are_and_small_ones_may_not_call() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .org("ministry", "A", 300, 0.0, 0.0)
        .org("shop", "A", 10, 0.0, 0.0)
        .plan();
    let region = Region(plan);
    let draws = crate::sim::Draws::new(1);
    let calls = |org: u32| -> Vec<Option<u64>> {
        (0..400u64)
            .map(|k| {
                let report = VictimReport {
                    campaign: CampaignIx(0),
                    org: OrgIx(org),
                    technique: None,
                };
                call_delay(&region, &draws, 600 + k * 97, &report)
            })
            .collect()
    };
    let median = |v: &[Option<u64>]| {
        let mut d: Vec<u64> = v.iter().flatten().copied().collect();
        d.sort();
        d[d.len() / 2]
    };
    let (ministry, shop) = (calls(0), calls(1));
    assert!(
        ministry.iter().all(Option::is_some),
        "a ministry always calls"
    );
    assert!(median(&ministry) <= 30, "{}", median(&ministry));
    let within_hour = ministry.iter().flatten().filter(|d| **d <= 60).count();
    assert!(within_hour >= 380, "{within_hour} of 400 within the hour");
    let never = shop.iter().filter(|d| d.is_none()).count();
    assert!(
        (40..=110).contains(&never),
        "{never} of 400 shops never call"
    );
    let day = region.defaults.victim_report_delay.0;
    assert!(
        (day * 3 / 4..=day * 4 / 3).contains(&median(&shop)),
        "{}",
        median(&shop)
    );
}

#[test]
fn own_it_reports_wait_for_the_next_office_hour() {
    // TinyRegion starts on Monday 2026-03-02 at 08:00.
    let r = Region(TinyRegion::new().island("A", false, false).plan());
    let office = crate::scenario::Shift::OfficeHours;
    let friday_8pm = 4 * MINUTES_PER_DAY + 12 * 60;
    let monday_8am = 7 * MINUTES_PER_DAY;
    assert_eq!(
        super::super::desk::next_on_duty(&r, office, None, friday_8pm),
        monday_8am
    );
    assert_eq!(
        super::super::desk::next_on_duty(&r, office, None, 60),
        60,
        "already at work"
    );
}

/// Seeds (of `seeds`) in which the NPC opens an incident at the shop before its hosts are
/// encrypted, at the shop's sensor coverage.
fn found_in_time(coverage: f64, seeds: u64) -> usize {
    let plan = TinyRegion::new()
        .island("A", false, true)
        .org("shop", "A", 50, coverage, 0.0)
        .team("npc", "Npc", Some("A"), 2, "AroundTheClock", true)
        .campaign(
            "crew",
            "D1 09:00",
            "Organisation(\"shop\")",
            &["T1078", "T1021.002", "T1486"],
        )
        .plan();
    (1..=seeds)
        .filter(|seed| {
            let mut sim = Simulation::new(plan.clone(), *seed);
            sim.run_until(3 * MINUTES_PER_DAY);
            let first = |f: fn(&SimEvent) -> bool| {
                sim.events().iter().find(|e| f(&e.event)).map(|e| e.tick)
            };
            let opened = first(|e| matches!(e, SimEvent::IncidentOpened { .. }));
            let encrypted = first(|e| matches!(e, SimEvent::HostsEncrypted { .. }));
            opened.is_some_and(|o| encrypted.is_none_or(|x| o < x))
        })
        .count()
}

#[test]
fn better_sensors_at_an_unwatched_shop_find_ransomware_before_encryption_more_often() {
    let (low, high) = (found_in_time(0.1, 20), found_in_time(0.9, 20));
    assert!(
        high > low && high >= 2 * low,
        "coverage 0.9: {high} of 20 found in time; 0.1: {low}"
    );
}

/// A false alert names a technique as a true one does, drawn by how often each technique's rule
/// fires (its detectability), never encryption or a flood, and is raised on one of the
/// organisation's hosts with the severity its technique's tactic gives.
#[test]
fn false_alerts_name_techniques_as_true_ones_do() {
    // One analyst in office hours: what the night raised still waits in the queue.
    let plan = TinyRegion::new()
        .island("A", true, false)
        .org("gov", "A", 200, 1.0, 0.5)
        .team("csirt", "NationalCsirt", Some("A"), 1, "OfficeHours", true)
        .monitors("csirt", &["gov"])
        .plan();
    let (mut named, mut queued) = (std::collections::BTreeMap::new(), 0);
    for seed in 1..=5 {
        let mut sim = Simulation::new(plan.clone(), seed);
        sim.run_until(3 * MINUTES_PER_DAY);
        for e in sim.events() {
            if let SimEvent::AlertRaised {
                technique,
                true_positive: false,
                ..
            } = e.event
            {
                let t = technique.expect("a false alert names a technique");
                *named.entry(t).or_insert(0) += 1;
            }
        }
        let entity = sim.app.world().resource::<TeamEntities>().0[TeamIx(0)];
        let desk = sim.app.world().get::<Desk>(entity).unwrap();
        for a in desk.queue.iter() {
            let t = a.technique.expect("queued alerts too");
            assert_eq!(a.urgent, severe(plan.techniques[t].tactic));
            assert!(plan.orgs[a.org].hosts.contains(&a.host.expect("on a host")));
            queued += 1;
        }
    }
    assert!(queued > 0, "some alerts still queued to look at");
    assert!(named.len() >= 5, "a spread of techniques: {named:?}");
    for t in named.keys() {
        let effect = plan.techniques[*t].effect;
        assert!(
            !matches!(effect, Effect::Encrypt | Effect::Ddos),
            "{effect:?}"
        );
    }
}
