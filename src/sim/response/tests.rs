use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::*;
use crate::scenario::Plan;
use crate::scenario::testkit::TinyRegion;
use crate::sim::{Clock, Simulation, Stamped};

/// Orders given from outside for the next tick (what the exercise layer's commands do).
/// Findings are events as the exercise layer logs them.
#[derive(Resource, Default)]
struct Orders(Vec<(TeamIx, Order)>, Vec<SimEvent>);

fn give_orders(clock: Res<Clock>, mut orders: ResMut<Orders>, mut log: ResMut<EventLog>) {
    for (team, order) in orders.0.drain(..) {
        log.push(clock.now, SimEvent::ResponseOrdered { team, order });
    }
    for said in orders.1.drain(..) {
        log.push(clock.now, said);
    }
}

/// The model plus a hand that gives trainees' orders.
fn with_orders(plan: Arc<Plan>, seed: u64) -> Simulation {
    Simulation::build(plan, seed, |app| {
        app.init_resource::<Orders>()
            .add_systems(SimTick, give_orders.in_set(SimSet::Commands));
    })
}

fn order(sim: &mut Simulation, team: TeamIx, order: Order) {
    sim.world_mut()
        .resource_mut::<Orders>()
        .0
        .push((team, order));
}

/// Steps until an event matches (its tick), or `limit` minutes have been simulated.
fn step_until(sim: &mut Simulation, limit: u64, f: impl Fn(&SimEvent) -> bool) -> Option<u64> {
    while sim.now() < limit {
        sim.step();
        let log = sim.app.world().resource::<EventLog>();
        if let Some(e) = log.this_tick().iter().find(|e| f(&e.event)) {
            return Some(e.tick);
        }
    }
    None
}

fn held(sim: &Simulation) -> BTreeSet<u32> {
    sim.app
        .world()
        .resource::<Intrusions>()
        .by_key
        .get(&(CampaignIx(0), OrgIx(0)))
        .map(|i| (*i.hosts).clone())
        .unwrap_or_default()
}

/// Hosts named by events that match, from `events`.
fn hosts_of(events: &[Stamped], f: impl Fn(&SimEvent) -> Option<u32>) -> BTreeSet<u32> {
    events.iter().filter_map(|e| f(&e.event)).collect()
}

/// A ministry of 40 workstations in full sensor view, watched by A's CSIRT (two analysts
/// around the clock, `auto` as given), and a crew that gets in, spreads for a day and
/// steals (no encryption, so hosts come back as soon as they are cleaned). Its way in is
/// always seen, so every run has an incident to respond to.
fn ministry(auto: bool) -> Plan {
    ministry_with(
        auto,
        &[("crew", "D1 09:00", &["T1078", "T1021.002", "T1041"])],
    )
}

/// The same ministry and CSIRT against the crews given (id, start, techniques); the way in of
/// valid accounts is always seen.
fn ministry_with(auto: bool, crews: &[(&str, &str, &[&str])]) -> Plan {
    seen_way_in(ministry_region(auto, crews))
}

/// The ministry, its CSIRT and the crews, as a region a test may add to.
fn ministry_region(auto: bool, crews: &[(&str, &str, &[&str])]) -> TinyRegion {
    let mut tiny = TinyRegion::new()
        .island("A", true, false)
        .org("gov", "A", 40, 1.0, 0.0)
        .team(
            "csirt",
            "NationalCsirt",
            Some("A"),
            2,
            "AroundTheClock",
            auto,
        );
    for (id, start, stages) in crews {
        tiny = tiny.campaign(id, start, "Organisation(\"gov\")", stages);
    }
    tiny
}

/// The region's plan with the way in of valid accounts always seen.
fn seen_way_in(tiny: TinyRegion) -> Plan {
    let mut plan = (*tiny.plan()).clone();
    tune(&mut plan, "T1078", |t| t.detectability = 1.0);
    plan
}

fn tune(plan: &mut Plan, id: &str, f: impl Fn(&mut crate::scenario::Technique)) {
    plan.techniques
        .iter_mut()
        .filter(|t| t.id == id)
        .for_each(f);
}

/// An auto-played team works by policy, in the order a responder should: it opens an
/// incident on a confirmed alert, scopes it, isolates only hosts the intruder took, cleans
/// only hosts it isolated (each comes back at once: nothing was encrypted), and the
/// incident is contained once the intruder holds nothing.
#[test]
fn an_auto_played_team_scopes_then_isolates_then_cleans() {
    let plan = Arc::new(ministry(true));
    let mut contained = 0;
    for seed in 1..=4 {
        let mut sim = Simulation::new(plan.clone(), seed);
        sim.run_until(3 * 24 * 60);
        let events = sim.events();
        let at =
            |f: &dyn Fn(&SimEvent) -> bool| events.iter().find(|e| f(&e.event)).map(|e| e.tick);
        let opened = at(&|e| matches!(e, SimEvent::IncidentOpened { incident: 0, .. }))
            .expect("the team confirms an alert");
        let scoped = at(&|e| matches!(e, SimEvent::IncidentScoped { incident: 0, .. }))
            .expect("and scopes it");
        assert!(opened <= scoped);
        let mut taken: BTreeMap<u32, u64> = BTreeMap::new();
        let mut isolated: BTreeMap<u32, u64> = BTreeMap::new();
        let mut cleaned = BTreeSet::new();
        for e in events {
            match e.event {
                SimEvent::HostCompromised { host, .. } => {
                    taken.entry(host).or_insert(e.tick);
                }
                SimEvent::HostIsolated { host, .. } => {
                    assert!(e.tick >= scoped, "seed {seed}: isolated before scoping");
                    assert!(
                        taken.get(&host).is_some_and(|t| *t <= e.tick),
                        "seed {seed}: host {host} isolated but never taken"
                    );
                    isolated.insert(host, e.tick);
                }
                SimEvent::HostCleaned { host, .. } => {
                    assert!(
                        isolated.get(&host).is_some_and(|t| *t <= e.tick),
                        "seed {seed}: host {host} cleaned but never isolated"
                    );
                    cleaned.insert(host);
                }
                SimEvent::HostRestored {
                    host,
                    encrypted: false,
                    ..
                } => assert!(cleaned.contains(&host)),
                _ => {}
            }
        }
        assert!(!isolated.is_empty(), "seed {seed}: nothing isolated");
        if events
            .iter()
            .any(|e| e.event == SimEvent::IncidentContained { incident: 0 })
        {
            contained += 1;
            assert!(held(&sim).is_empty(), "seed {seed}");
            // Contained and given three days, every isolated host has been cleaned.
            assert_eq!(cleaned, isolated.keys().copied().collect(), "seed {seed}");
        }
    }
    assert!(contained >= 3, "contained in {contained} of 4 runs");
}

/// The isolation policy lists hosts when an investigation finds them, not by a walk each
/// minute. Whatever it skips, after every minute every host of a scoped, uncontained incident
/// that the team counts as the intruder's is on its isolation list, and every host the team
/// counts was held when found: a missed listing would let the intruder sit out the response.
#[test]
fn every_host_a_scoped_incident_counts_as_the_intruders_is_on_the_isolation_list() {
    let mut plan = ministry(true);
    // A single slow analyst against a crew that spreads fast, so hosts keep falling after
    // the scoping.
    plan.teams[0].analysts = 1;
    plan.teams[0].skill = 0.0;
    tune(&mut plan, "T1021.002", |t| {
        t.success = 1.0;
        t.attempts = 40;
    });
    let plan = Arc::new(plan);
    let (mut checked, mut after_scoping) = (0u64, 0usize);
    for seed in 1..=3 {
        let mut sim = Simulation::new(plan.clone(), seed);
        let mut scoped_at: BTreeMap<u32, u64> = BTreeMap::new();
        let mut seen_held: BTreeSet<u32> = BTreeSet::new();
        for _ in 0..2 * 24 * 60 {
            sim.step();
            let tick = sim.now() - 1;
            let world = sim.app.world();
            for e in world.resource::<EventLog>().this_tick() {
                if let SimEvent::IncidentScoped { incident, .. } = e.event {
                    scoped_at.insert(incident, e.tick);
                }
            }
            let intrusions = world.resource::<Intrusions>();
            for (k, inc) in world.resource::<Incidents>().0.iter().enumerate() {
                // Scoped this minute after the policy ran: listed from the next.
                let Some(&at) = scoped_at.get(&(k as u32)) else {
                    continue;
                };
                if inc.contained || at >= tick {
                    continue;
                }
                // What the team counts as the intruder's: found on it, not cut off yet.
                let hosts: Vec<u32> = inc.held.iter().copied().collect();
                let held_now = intrusions.by_key.get(&(inc.campaign, inc.org));
                for h in hosts {
                    assert!(
                        inc.queued.contains(&h),
                        "seed {seed}, minute {tick}: host {h} counted but not listed"
                    );
                    assert!(
                        held_now.is_some_and(|i| i.hosts.contains(&h)),
                        "seed {seed}, minute {tick}: host {h} counted but not held"
                    );
                    checked += 1;
                    if seen_held.insert(h) && k == 0 {
                        after_scoping += (tick > at) as usize;
                    }
                }
            }
        }
    }
    assert!(checked > 100, "{checked} host-minutes checked");
    assert!(
        after_scoping >= 3,
        "{after_scoping} hosts first held after the scoping"
    );
}

/// A trainee team triages on its own (the incident opens) but does nothing more until told;
/// then it does what it is ordered and no more: scoping on `Investigate`, isolating the
/// hosts held when `IsolateHosts` came (not those taken later), cleaning only on
/// `Eradicate`. The exercise measures the trainees' decisions, so the model must not make
/// them.
#[test]
fn a_trainee_team_responds_only_to_its_orders_and_exactly_to_them() {
    let plan = Arc::new(ministry(false));
    let (t, gov) = (TeamIx(0), OrgIx(0));
    let mut stories = 0;
    for seed in 1..=3 {
        let mut sim = with_orders(plan.clone(), seed);
        let day = 24 * 60;
        let Some(_) = step_until(&mut sim, 2 * day, |e| {
            matches!(e, SimEvent::IncidentOpened { .. })
        }) else {
            continue;
        };
        stories += 1;
        // Twelve hours without an order: nothing beyond triage.
        let later = sim.now() + 12 * 60;
        sim.run_until(later);
        let acted = |e: &SimEvent| {
            matches!(
                e,
                SimEvent::IncidentScoped { .. }
                    | SimEvent::HostIsolated { .. }
                    | SimEvent::HostCleaned { .. }
                    | SimEvent::HuntFoundNothing { .. }
            )
        };
        assert!(
            !sim.events().iter().any(|e| acted(&e.event)),
            "seed {seed}: acted unordered"
        );
        order(&mut sim, t, Order::Investigate(gov));
        let limit = sim.now() + 6 * 60;
        assert!(
            step_until(&mut sim, limit, |e| matches!(
                e,
                SimEvent::IncidentScoped { .. }
            ))
            .is_some(),
            "seed {seed}: scoped on order"
        );
        let before = sim.events().len();
        order(&mut sim, t, Order::IsolateHosts(gov));
        // The order is listed in the minute it is given, after the attacker's move; no
        // isolation takes less than a minute.
        sim.step();
        // The hosts its investigation found and the intruder still holds.
        let known: BTreeSet<u32> = (sim.app.world().resource::<Incidents>().0.iter())
            .flat_map(|i| i.known.iter().copied())
            .collect();
        let held_then: BTreeSet<u32> = held(&sim).intersection(&known).copied().collect();
        assert!(!held_then.is_empty(), "seed {seed}");
        let later = sim.now() + 6 * 60;
        sim.run_until(later);
        let isolated = hosts_of(&sim.events()[before..], |e| match e {
            SimEvent::HostIsolated { host, .. } => Some(*host),
            _ => None,
        });
        assert_eq!(
            isolated, held_then,
            "seed {seed}: exactly the hosts found and held"
        );
        assert!(
            !sim.events()[before..]
                .iter()
                .any(|e| matches!(e.event, SimEvent::HostCleaned { .. })),
            "seed {seed}: cleaned unordered"
        );
        let before = sim.events().len();
        order(&mut sim, t, Order::Eradicate(gov));
        let later = sim.now() + 12 * 60;
        sim.run_until(later);
        let cleaned = hosts_of(&sim.events()[before..], |e| match e {
            SimEvent::HostCleaned { host, .. } => Some(*host),
            _ => None,
        });
        assert_eq!(
            cleaned, isolated,
            "seed {seed}: every isolated host cleaned"
        );
    }
    assert!(stories >= 2, "an incident opened in {stories} of 3 runs");
}

/// Told to investigate an organisation no incident covers, a team hunts: where an intruder
/// holds hosts it opens an incident (by hunt) already scoped with the hosts held; where
/// there is none, it says it found nothing. This is how a trainee finds a quiet intruder
/// no sensor reported.
#[test]
fn a_hunt_finds_a_silent_intruder_and_reports_a_clean_organisation_clean() {
    let plan = TinyRegion::new()
        .island("A", true, false)
        // No sensors: no alert will ever point at the crew.
        .org("gov", "A", 40, 0.0, 0.0)
        .org("clean", "A", 10, 0.0, 0.0)
        .team(
            "csirt",
            "NationalCsirt",
            Some("A"),
            2,
            "AroundTheClock",
            false,
        )
        .campaign(
            "crew",
            "D1 09:00",
            "Organisation(\"gov\")",
            &["T1078", "T1021.002", "T1041"],
        )
        .plan();
    let (t, gov, clean) = (TeamIx(0), OrgIx(0), OrgIx(1));
    for seed in 1..=3 {
        let mut sim = with_orders(plan.clone(), seed);
        while held(&sim).is_empty() && sim.now() < 3 * 24 * 60 {
            sim.step();
        }
        assert!(!held(&sim).is_empty(), "seed {seed}: the crew got in");
        order(&mut sim, t, Order::Investigate(gov));
        order(&mut sim, t, Order::Investigate(clean));
        let limit = sim.now() + 6 * 60;
        let found = step_until(&mut sim, limit, |e| {
            matches!(e, SimEvent::IncidentScoped { .. })
        });
        assert!(found.is_some(), "seed {seed}: the hunt found it");
        let there = held(&sim);
        let limit = sim.now() + 6 * 60;
        sim.run_until(limit);
        let events: Vec<&SimEvent> = sim.events().iter().map(|e| &e.event).collect();
        assert!(events.contains(&&SimEvent::IncidentOpened {
            incident: 0,
            team: t,
            org: gov,
            campaign: CampaignIx(0),
            by: DetectedBy::Hunt
        }));
        // It found some of what is there (an investigation misses some), nothing that is not.
        let counted = &sim.app.world().resource::<Incidents>().0[0].held;
        assert!(
            !counted.is_empty() && counted.is_subset(&there),
            "seed {seed}: {counted:?} of {there:?}"
        );
        assert!(events.contains(&&SimEvent::IncidentScoped {
            incident: 0,
            hosts: counted.len() as u32
        }));
        assert!(events.contains(&&SimEvent::HuntFoundNothing {
            team: t,
            org: clean
        }));
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, SimEvent::IncidentOpened { org, .. } if *org == clean))
        );
    }
}

/// Triage: a false alert is always dismissed; a true one is recognised with chance
/// `0.4 + 0.6 x skill` (`TRIAGE_RECOGNITION`), so a weak team lets about half of the real
/// alerts go and a strong one nearly none. Measured over ten runs of a trainee team (which
/// leaves the intruder to spread and raise alerts).
#[test]
fn triage_dismisses_false_alerts_and_recognises_true_ones_by_skill() {
    let share = |skill: f64| {
        let mut plan = ministry(false);
        plan.teams[0].skill = skill;
        // Every move seen: plenty of true alerts to count.
        tune(&mut plan, "T1021.002", |t| {
            t.success = 1.0;
            t.attempts = 40;
            t.detectability = 1.0;
        });
        let plan = Arc::new(plan);
        let (mut confirmed, mut true_ones, mut false_ones) = (0, 0, 0);
        for seed in 1..=10 {
            let mut sim = Simulation::new(plan.clone(), seed);
            sim.run_until(2 * 24 * 60);
            for e in sim.events() {
                if let SimEvent::AlertTriaged {
                    verdict,
                    true_positive,
                    ..
                } = e.event
                {
                    if true_positive {
                        true_ones += 1;
                        confirmed += (verdict == Verdict::Confirmed) as u32;
                    } else {
                        false_ones += 1;
                        assert_eq!(verdict, Verdict::Dismissed, "a false alert confirmed");
                    }
                }
            }
        }
        assert!(true_ones >= 100, "{true_ones} true alerts triaged");
        assert!(false_ones >= 10, "{false_ones} false alerts triaged");
        confirmed as f64 / true_ones as f64
    };
    let (weak, strong) = (share(0.1), share(0.9));
    assert!((weak - 0.46).abs() < 0.1, "skill 0.1: {weak:.2}");
    assert!((strong - 0.94).abs() < 0.06, "skill 0.9: {strong:.2}");
}

/// Analysts work only on shift: an office-hours team triages on weekdays between 08:00 and
/// 16:00 its island's time and leaves the night's alerts for the morning, while a team
/// around the clock works at night too. A planner reading a slow response should see this.
#[test]
fn an_office_hours_team_works_only_in_office_hours() {
    let plan = TinyRegion::new()
        .island("A", true, false)
        .island("B", true, false)
        .org("a-gov", "A", 300, 1.0, 0.5)
        .org("b-gov", "B", 300, 1.0, 0.5)
        .team(
            "a-csirt",
            "NationalCsirt",
            Some("A"),
            2,
            "OfficeHours",
            true,
        )
        .team(
            "b-csirt",
            "NationalCsirt",
            Some("B"),
            2,
            "AroundTheClock",
            true,
        )
        .plan();
    let mut sim = Simulation::new(plan, 1);
    // Monday 08:00 to Thursday 08:00.
    sim.run_until(3 * 24 * 60);
    // Minutes of the day, for each team's triage.
    let mut worked: [Vec<u64>; 2] = Default::default();
    for e in sim.events() {
        if let SimEvent::AlertTriaged { team, .. } = e.event {
            worked[team.ix()].push((8 * 60 + e.tick) % (24 * 60));
        }
    }
    assert!(worked[0].len() > 20, "{} triaged", worked[0].len());
    assert!(
        worked[0].iter().all(|m| (8 * 60..16 * 60).contains(m)),
        "{:?}",
        worked[0]
    );
    let nights = worked[1]
        .iter()
        .filter(|m| !(8 * 60..16 * 60).contains(*m))
        .count();
    assert!(nights > 10, "the night shift triaged {nights}");
}

/// Where the crew dumped the ministry's credentials, the auto-played team resets them once its
/// investigation finds it, and the incident is contained only after the reset.
#[test]
fn stolen_credentials_keep_an_incident_open_until_the_team_resets_them() {
    let crew: &[&str] = &["T1078", "T1003", "T1021.002", "T1041"];
    let mut plan = ministry_with(true, &[("crew", "D1 09:00", crew)]);
    // The crew dumps the credentials within minutes of getting in, before the team is there.
    plan.campaigns[CampaignIx(0)].stages[1].duration = crate::time::Span(20);
    let plan = Arc::new(plan);
    let mut found = 0;
    for seed in 1..=6 {
        let mut sim = Simulation::new(plan.clone(), seed);
        sim.run_until(3 * 24 * 60);
        let at = |f: &dyn Fn(&SimEvent) -> bool| {
            sim.events().iter().find(|e| f(&e.event)).map(|e| e.tick)
        };
        let Some(stolen) = at(&|e| matches!(e, SimEvent::CredentialsStolen { .. })) else {
            continue;
        };
        found += 1;
        let reset = at(&|e| matches!(e, SimEvent::CredentialsReset { .. }))
            .expect("the team resets what it found stolen");
        assert!(reset >= stolen, "seed {seed}");
        let contained = at(&|e| matches!(e, SimEvent::IncidentContained { incident: 0 }));
        assert!(
            contained.is_none_or(|c| c >= reset),
            "seed {seed}: {contained:?} {reset}"
        );
    }
    assert!(
        found >= 2,
        "the crew took the credentials in {found} of 6 runs"
    );
}

/// An investigation sees each host an intruder holds with a chance set by the analysts' skill
/// (seven in ten at 0.5), whichever campaign holds it: the rest stay the intruder's until the
/// team sweeps again. Over seeds, the first scoping of the ministry counts about that share of
/// the hosts held then as the intruder's (a little more: the host the alert named is looked at
/// first), and never a host the intruder does not hold.
#[test]
fn an_investigation_finds_most_of_what_is_there_not_all() {
    let mut plan = ministry(true);
    tune(&mut plan, "T1021.002", |t| {
        t.success = 1.0;
        t.attempts = 20;
    });
    let plan = Arc::new(plan);
    let (mut found, mut there) = (0usize, 0usize);
    for seed in 1..=30 {
        let mut sim = Simulation::new(plan.clone(), seed);
        let scoped = step_until(&mut sim, 2 * 24 * 60, |e| {
            matches!(e, SimEvent::IncidentScoped { incident: 0, .. })
        });
        if scoped.is_none() {
            continue;
        }
        let held = held(&sim);
        let known = sim.app.world().resource::<Incidents>().0[0].held.clone();
        assert!(
            known.is_subset(&held),
            "seed {seed}: found what is not there"
        );
        found += known.len();
        there += held.len();
    }
    let share = found as f64 / there.max(1) as f64;
    assert!(there > 60, "{there} hosts held at scoping");
    assert!((0.55..0.85).contains(&share), "{share} of {there}");
}

/// Investigating one campaign's incident looks at the whole organisation: a second crew seen on
/// its hosts gets an incident of its own, scoped, without waiting for an alert of its own.
#[test]
fn an_investigation_opens_what_it_finds_of_another_campaign() {
    let mut plan = ministry_with(
        true,
        &[
            ("crew", "D1 09:00", &["T1078", "T1021.002", "T1041"]),
            ("other", "D1 08:00", &["T1190", "T1021.001", "T1567.002"]),
        ],
    );
    // The second crew raises no alert of its own.
    for quiet in ["T1190", "T1021.001", "T1567.002"] {
        tune(&mut plan, quiet, |t| {
            t.detectability = 0.0;
            t.success = 1.0;
        });
    }
    let plan = Arc::new(plan);
    let mut seen = 0;
    for seed in 1..=10 {
        let mut sim = Simulation::new(plan.clone(), seed);
        sim.run_until(24 * 60);
        let opened: Vec<(CampaignIx, DetectedBy)> = (sim.events().iter())
            .filter_map(|e| match e.event {
                SimEvent::IncidentOpened { campaign, by, .. } => Some((campaign, by)),
                _ => None,
            })
            .collect();
        let first = opened.first().map(|o| o.0);
        seen += opened
            .iter()
            .any(|(c, by)| Some(*c) != first && *by == DetectedBy::Hunt) as usize;
    }
    assert!(
        seen >= 3,
        "a second crew found by the first's investigation in {seen} of 10"
    );
}

/// Containment is the team's judgement on what it found: where the investigation missed a
/// host, the team calls the incident contained while the crew still holds it (nothing tells
/// it otherwise), and an alert from that host later reopens the incident, or opens a new one
/// once it is closed, where the crew still does something a sensor sees. Weak analysts (five in
/// ten seen) against a crew that spreads fast.
#[test]
fn a_team_can_call_an_incident_contained_that_is_not_and_learns_it_from_an_alert() {
    let mut plan = ministry(true);
    plan.teams[TeamIx(0)].skill = 0.0;
    tune(&mut plan, "T1021.002", |t| {
        t.success = 1.0;
        t.attempts = 20;
        t.detectability = 0.3;
    });
    let plan = Arc::new(plan);
    let (mut early, mut learned) = (0, 0);
    for seed in 1..=40 {
        let mut sim = Simulation::new(plan.clone(), seed);
        let Some(at) = step_until(&mut sim, 3 * 24 * 60, |e| {
            matches!(e, SimEvent::IncidentContained { .. })
        }) else {
            continue;
        };
        if held(&sim).is_empty() {
            continue;
        }
        early += 1;
        sim.run_until(3 * 24 * 60);
        learned += sim.events().iter().any(|e| {
            e.tick > at
                && matches!(
                    e.event,
                    SimEvent::IncidentReopened { .. } | SimEvent::IncidentOpened { .. }
                )
        }) as usize;
    }
    assert!(
        early >= 8,
        "called contained with a host missed in {early} of 40"
    );
    // Only where the crew still does something a sensor sees (17 and 5 when written).
    assert!(learned >= 2, "found live again in {learned} of {early}");
}

/// A crew that came in over a managed provider's remote access: the client's investigation
/// shows the way in, the auto-played team has the client revoke it (its support is lost from
/// then on), and the incident is contained only after that.
#[test]
fn a_crew_that_came_through_the_provider_is_contained_only_once_its_access_is_revoked() {
    let mut plan = (*TinyRegion::new()
        .island("A", true, false)
        .org("msp", "A", 10, 0.0, 0.0)
        .org("gov", "A", 30, 1.0, 0.0)
        .manages("msp", &["gov"])
        .team(
            "csirt",
            "NationalCsirt",
            Some("A"),
            2,
            "AroundTheClock",
            true,
        )
        .monitors("csirt", &["gov"])
        .campaign(
            "crew",
            "D1 09:00",
            "Organisation(\"msp\")",
            &["T1078", "T1199", "T1021.002", "T1041"],
        )
        .plan())
    .clone();
    for t in ["T1078", "T1199"] {
        tune(&mut plan, t, |t| t.success = 1.0);
    }
    tune(&mut plan, "T1021.002", |t| {
        t.success = 1.0;
        t.detectability = 1.0;
    });
    let plan = Arc::new(plan);
    let mut revoked_runs = 0;
    for seed in 1..=6 {
        let mut sim = Simulation::new(plan.clone(), seed);
        sim.run_until(3 * 24 * 60);
        let at = |f: &dyn Fn(&SimEvent) -> bool| {
            sim.events().iter().find(|e| f(&e.event)).map(|e| e.tick)
        };
        let Some(found) = at(&|e| {
            matches!(
                e,
                SimEvent::ProviderAccessFound {
                    provider: OrgIx(0),
                    ..
                }
            )
        }) else {
            continue;
        };
        let revoked = at(&|e| {
            matches!(
                e,
                SimEvent::AccessRevoked {
                    org: OrgIx(1),
                    team: TeamIx(0)
                }
            )
        })
        .expect("the team has the client revoke it");
        assert_eq!(found, revoked, "seed {seed}: at once");
        assert!(
            sim.app
                .world()
                .resource::<RevokedAccess>()
                .0
                .contains(&OrgIx(1))
        );
        let contained = at(&|e| matches!(e, SimEvent::IncidentContained { .. }));
        assert!(contained.is_none_or(|c| c >= revoked), "seed {seed}");
        revoked_runs += 1;
    }
    assert!(revoked_runs >= 5, "the way in found in {revoked_runs} of 6");
}

/// A triage verdict is drawn for the alert it is about (team, crew, host, technique, when it
/// was raised), not for its number: another island's team raising its own alerts first, which
/// renumbers every alert, leaves this team's verdicts as they were, so a paired what-if that
/// adds a team compares like with like.
#[test]
fn another_team_alerts_leave_this_team_verdicts_as_they_were() {
    let crews: &[(&str, &str, &[&str])] = &[("crew", "D1 09:00", &["T1078", "T1021.002", "T1041"])];
    let base = ministry_with(true, crews);
    let busier = seen_way_in(
        ministry_region(true, crews)
            .island("B", false, false)
            .org("shop", "B", 200, 1.0, 0.0)
            .team("soc", "SectorSoc", Some("B"), 2, "AroundTheClock", true)
            .monitors("soc", &["shop"]),
    );
    let verdicts = |plan: Plan| {
        let mut sim = Simulation::new(Arc::new(plan), 3);
        sim.run_until(24 * 60);
        let events = sim.events();
        let others = (events.iter())
            .filter(|e| {
                matches!(
                    e.event,
                    SimEvent::AlertRaised {
                        team: TeamIx(1),
                        ..
                    }
                )
            })
            .count();
        let ours: Vec<(u64, Verdict)> = (events.iter())
            .filter_map(|e| match e.event {
                SimEvent::AlertTriaged {
                    team: TeamIx(0),
                    verdict,
                    true_positive: true,
                    ..
                } => Some((e.tick, verdict)),
                _ => None,
            })
            .collect();
        (ours, others)
    };
    let (alone, none) = verdicts(base);
    let (beside, others) = verdicts(busier);
    assert_eq!(none, 0);
    assert!(
        others >= 5,
        "the other team raises alerts of its own: {others}"
    );
    assert!(alone.len() >= 3, "{alone:?}");
    assert_eq!(alone, beside);
}

/// A team's findings for the next tick.
fn submit(sim: &mut Simulation, hosts: &[u32], indicators: &[&str], techniques: &[&str]) {
    let plan = sim.app.world().resource::<crate::sim::Region>().0.clone();
    let techniques = (techniques.iter())
        .map(|id| plan.ids.techniques.resolve(id).unwrap())
        .collect();
    let event = SimEvent::FindingsSubmitted(crate::scenario::Findings {
        team: TeamIx(0),
        org: OrgIx(0),
        hosts: hosts.to_vec(),
        indicators: indicators.iter().map(|i| i.to_string()).collect(),
        techniques,
    });
    sim.world_mut().resource_mut::<Orders>().1.push(event);
}

/// The ministry's CSIRT played by trainees in a technical exercise: investigating delivers the
/// records, not the answer.
fn collecting() -> Arc<Plan> {
    let mut plan = ministry(false);
    plan.teams[TeamIx(0)].investigation = crate::scenario::Investigation::Collection;
    Arc::new(plan)
}

/// In a technical exercise an investigation delivers a collection and scopes nothing; the
/// findings the team submits are its scope: `IsolateHosts` cuts off exactly the hosts named
/// (the right ones and the wrong one: the wrong one costs an isolation), and the hosts it did
/// not name stay the intruder's.
#[test]
fn findings_naming_some_held_hosts_leave_the_others_held_and_cost_the_wrong_one() {
    let plan = collecting();
    let (t, gov) = (TeamIx(0), OrgIx(0));
    let mut stories = 0;
    for seed in 1..=4 {
        let mut sim = with_orders(plan.clone(), seed);
        let opened = step_until(&mut sim, 2 * 24 * 60, |e| {
            matches!(e, SimEvent::IncidentOpened { .. })
        });
        // The crew spreads for a while before the team looks.
        let spread = |sim: &mut Simulation| held(sim).len() >= 4;
        while opened.is_some() && !spread(&mut sim) && sim.now() < 3 * 24 * 60 {
            sim.step();
        }
        if opened.is_none() || !spread(&mut sim) {
            continue;
        }
        stories += 1;
        let before = sim.events().len();
        order(&mut sim, t, Order::Investigate(gov));
        let limit = sim.now() + 6 * 60;
        let delivered = step_until(&mut sim, limit, |e| {
            matches!(e, SimEvent::CollectionDelivered { .. })
        });
        assert!(delivered.is_some(), "seed {seed}: a collection on order");
        assert!(
            !sim.events()[before..]
                .iter()
                .any(|e| matches!(e.event, SimEvent::IncidentScoped { .. })),
            "seed {seed}: the collection told the team nothing by itself"
        );
        let now_held: Vec<u32> = held(&sim).into_iter().collect();
        let named = &now_held[..2];
        let wrong = (0..40).find(|h| !now_held.contains(h)).unwrap();
        submit(&mut sim, &[named[0], named[1], wrong], &[], &[]);
        let soon = sim.now() + 5;
        let scoped = step_until(&mut sim, soon, |e| {
            matches!(e, SimEvent::IncidentScoped { .. })
        });
        assert!(scoped.is_some(), "seed {seed}: findings scope the incident");
        let before = sim.events().len();
        order(&mut sim, t, Order::IsolateHosts(gov));
        let later = sim.now() + 6 * 60;
        sim.run_until(later);
        let isolated = hosts_of(&sim.events()[before..], |e| match e {
            SimEvent::HostIsolated { host, .. } => Some(*host),
            _ => None,
        });
        let expected: BTreeSet<u32> = [named[0], named[1], wrong].into();
        assert_eq!(isolated, expected, "seed {seed}: exactly the hosts named");
        let still = held(&sim);
        for h in &now_held[2..] {
            assert!(
                still.contains(h),
                "seed {seed}: host {h}, not named, stays held"
            );
        }
        let incidents = sim.app.world().resource::<Incidents>();
        assert!(
            !incidents
                .0
                .iter()
                .any(|i| i.contained && !i.held.is_empty()),
            "seed {seed}"
        );
    }
    assert!(stories >= 2, "the crew spread in {stories} of 4 runs");
}

/// Indicators that are a campaign's block it at the team's island (the Block task's work); an
/// indicator that is nobody's blocks nothing. A credential-access technique in the findings
/// keeps the incident from being contained until the organisation's credentials are reset,
/// as the team's own investigation learning of the theft would.
#[test]
fn findings_indicators_block_their_campaign_and_a_credential_technique_waits_on_a_reset() {
    let plan = collecting();
    let c2 = crate::scenario::indicators::c2_domain("crew");
    let mut sim = with_orders(plan.clone(), 1);
    sim.run_until(30);
    submit(&mut sim, &[], &["cdn-nobody.example"], &[]);
    sim.run_until(6 * 60);
    let blocked = |sim: &Simulation| -> Vec<Vec<CampaignIx>> {
        (sim.events().iter())
            .filter_map(|e| match &e.event {
                SimEvent::IndicatorsBlocked { campaigns, .. } => Some(campaigns.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        blocked(&sim),
        vec![vec![]],
        "an indicator of nobody's blocks nothing (and says so as any block does)"
    );
    submit(&mut sim, &[], &[&c2], &[]);
    sim.run_until(7 * 60);
    assert_eq!(
        blocked(&sim)[1],
        vec![CampaignIx(0)],
        "the crew's command-and-control domain blocks the crew"
    );
    let defences = sim
        .app
        .world()
        .resource::<crate::sim::posture::IslandDefences>();
    let actor = plan.campaigns[CampaignIx(0)].actor;
    let at = plan.teams[TeamIx(0)].island.unwrap();
    assert!(
        defences.block_chance(&crate::sim::Region(plan.clone()), at, actor) > 0.0,
        "at the team's island"
    );

    // A credential-access finding with the hosts: contained only after the reset.
    let mut sim = with_orders(plan, 2);
    step_until(&mut sim, 3 * 24 * 60, |_| false);
    let hosts: Vec<u32> = held(&sim).into_iter().collect();
    assert!(!hosts.is_empty(), "the crew holds hosts after three days");
    let incidents_before = sim.app.world().resource::<Incidents>().0.len();
    submit(&mut sim, &hosts, &[], &["T1003"]);
    let soon = sim.now() + 5;
    let stolen = step_until(&mut sim, soon, |e| {
        matches!(e, SimEvent::CredentialsStolen { .. })
    });
    assert!(
        stolen.is_some(),
        "the team's finding of credential dumping is on its incident"
    );
    let incidents = sim.app.world().resource::<Incidents>();
    assert!(incidents.0.len() <= incidents_before + 1);
    order(&mut sim, TeamIx(0), Order::IsolateHosts(OrgIx(0)));
    sim.run_until(sim.now() + 6 * 60);
    let contained = |sim: &Simulation| {
        sim.events()
            .iter()
            .any(|e| matches!(e.event, SimEvent::IncidentContained { .. }))
    };
    assert!(
        !contained(&sim),
        "isolated, but the credentials are still the crew's"
    );
    order(&mut sim, TeamIx(0), Order::ResetCredentials(OrgIx(0)));
    sim.run_until(sim.now() + 12 * 60);
    assert!(contained(&sim), "contained once reset");
}
