//! `tidewatch bench`: the performance suite. Generated regions of 1,000, 10,000 and 100,000
//! hosts carry the same attack activity (one campaign against one 500-host organisation); the
//! rest of the hosts are idle. Cost must follow activity, not size.

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::exercise;
use crate::scenario::{self, *};
use crate::time::{Span, When, parse_start_date};

#[derive(Clone, Debug, Serialize)]
pub struct Case {
    pub hosts: u64,
    pub ticks: u64,
    pub seconds: f64,
    pub ticks_per_second: f64,
    pub host_ticks_per_second: f64,
    pub events: usize,
    pub digest: String,
    /// Peak resident memory of the process after this case, in MiB (Linux only).
    pub peak_rss_mib: Option<f64>,
}

fn group(id: &str, kind: HostKind, count: u32, coverage: f64) -> HostGroup {
    HostGroup {
        id: id.into(),
        kind,
        count,
        platform: Platform::Windows,
        sensor_coverage: coverage,
        patch_level: 0.6,
        backups: Backups::Offline,
    }
}

/// A two-island region: island A holds the attacked ministry and a 24/7 SOC watching it;
/// island B holds the idle bulk.
pub fn generated_region(total_hosts: u32) -> Scenario {
    let attacked = 500;
    let idle = total_hosts.saturating_sub(attacked);
    let island = |id: &str, lat: f64| Island {
        id: id.into(),
        name: format!("Bench {id}"),
        population: 100_000,
        gdp_usd: 1e9,
        lat,
        lon: -61.0,
        csirt: false,
        npc: false,
    };
    let mut organisations = vec![Organisation {
        id: "target".into(),
        island: "A".into(),
        sector: Sector::Government,
        name: "Attacked ministry".into(),
        hosts: vec![
            group("ws", HostKind::Workstation, 460, 0.5),
            group("srv", HostKind::Server, 36, 0.7),
            group("edge", HostKind::EdgeDevice, 4, 0.7),
        ],
        manages: vec![],
    }];
    // Idle organisations of up to 5,000 hosts each.
    let mut left = idle;
    let mut n = 0;
    while left > 0 {
        let count = left.min(5_000);
        organisations.push(Organisation {
            id: format!("idle-{n}"),
            island: "B".into(),
            sector: Sector::Finance,
            name: format!("Idle organisation {n}"),
            hosts: vec![group("ws", HostKind::Workstation, count, 0.5)],
            manages: vec![],
        });
        left -= count;
        n += 1;
    }
    Scenario {
        format: FORMAT_VERSION,
        name: format!("bench {total_hosts} hosts"),
        description: String::new(),
        start: parse_start_date("2026-03-02 08:00").expect("valid literal"),
        time_zone: "AST".into(),
        duration: Span::hours(72),
        seed: 1,
        catalog: "techniques.ron".into(),
        islands: vec![island("A", 14.0), island("B", 13.0)],
        links: vec![],
        organisations,
        services: vec![Service {
            id: "eservices".into(),
            name: "E-services".into(),
            provider: "target".into(),
            needs_hosts: vec!["target/srv".into()],
            min_hosts_up: 0.5,
            depends_on: vec![],
            cost_per_hour_usd: 10_000.0,
            people_served: 50_000,
        }],
        actors: vec![ThreatActor {
            id: "crew".into(),
            name: "Bench crew".into(),
            description: String::new(),
            skill: 0.7,
        }],
        campaigns: vec![Campaign {
            id: "wave".into(),
            actor: "crew".into(),
            name: "Bench campaign".into(),
            start: When::Offset(Span(60)),
            targets: vec![Target::Organisation("target".into())],
            stages: ["T1566.001", "T1087", "T1021.002", "T1041", "T1486"]
                .iter()
                .map(|t| Stage {
                    technique: t.to_string(),
                    duration: None,
                })
                .collect(),
        }],
        teams: vec![Team {
            id: "soc".into(),
            name: "Bench SOC".into(),
            kind: TeamKind::SectorSoc,
            island: Some("A".into()),
            monitors: vec!["target".into()],
            analysts: 4,
            skill: 0.6,
            shift: Shift::AroundTheClock,
            auto: true,
        }],
        events: vec![],
        msel: vec![],
        expectations: vec![],
        objectives: vec![],
        intel: IntelPolicy::default(),
        assistance: AssistancePolicy::default(),
        defaults: Defaults::default(),
    }
}

pub fn plan_for(scenario: Scenario) -> Plan {
    let source = Source {
        name: "generated".into(),
        text: String::new(),
        dir: None,
    };
    scenario::load_generated(&source, scenario).expect("the generated bench region is valid")
}

/// Repetitions per case; the median time is reported, so one hiccup does not skew a ratio.
pub const REPEATS: usize = 5;

pub fn run_case(hosts: u32, ticks: u64) -> Case {
    run_case_repeated(hosts, ticks, 1)
}

pub fn run_case_repeated(hosts: u32, ticks: u64, repeats: usize) -> Case {
    let plan = Arc::new(plan_for(generated_region(hosts)));
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..repeats.max(1) {
        let started = Instant::now();
        let mut sim = exercise::simulation(plan.clone(), 1);
        sim.run_until(ticks);
        times.push(started.elapsed().as_secs_f64());
        last = Some(sim);
    }
    times.sort_by(f64::total_cmp);
    let seconds = times[times.len() / 2];
    let sim = last.expect("at least one repetition");
    Case {
        hosts: hosts as u64,
        ticks,
        seconds,
        ticks_per_second: ticks as f64 / seconds,
        host_ticks_per_second: hosts as f64 * ticks as f64 / seconds,
        events: sim.events().len(),
        digest: sim.digest().hex(),
        peak_rss_mib: peak_rss_mib(),
    }
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub const SIZES: [u32; 3] = [1_000, 10_000, 100_000];

pub fn run_suite(ticks: u64, json: bool) {
    crate::sim::init_task_pool(None);
    let mut cases = Vec::new();
    for hosts in SIZES {
        let case = run_case_repeated(hosts, ticks, REPEATS);
        if !json {
            println!(
                "{:>7} hosts: {} ticks in {:.3} s (median of {REPEATS}) = {:>9.0} ticks/s, {:>12.0} host-ticks/s, {} events, peak RSS {}",
                case.hosts,
                case.ticks,
                case.seconds,
                case.ticks_per_second,
                case.host_ticks_per_second,
                case.events,
                case.peak_rss_mib
                    .map_or("n/a".into(), |m| format!("{m:.1} MiB"))
            );
        }
        cases.push(case);
    }
    let ratio = cases[2].seconds / cases[0].seconds;
    if json {
        println!(
            "{}",
            serde_json::json!({ "cases": cases, "ratio_100k_to_1k": ratio })
        );
    } else {
        println!("100,000-host run took {ratio:.2}x the 1,000-host run (target: at most 2x)");
    }
}
