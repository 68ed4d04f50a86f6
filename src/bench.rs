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
        utc_offset: None,
        mainland: false,
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
        utc_offset: None,
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
            feeds: vec![],
        }],
        events: vec![],
        modules: vec![],
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

/// What the facilitator's console spends per frame outside rendering, at full speed: ticking
/// the simulation, then bringing the screen's picture (island table, MSEL, charts' trends) up
/// to date. `fold` is what the console does (fold the frame's new events into the picture it
/// keeps); `refold` is the alternative it replaced (rebuild the picture from the whole log each
/// frame), measured on the same frames. Microseconds.
#[derive(Clone, Debug, Serialize)]
pub struct FrameCost {
    pub scenario: String,
    pub frames: usize,
    pub ticks_per_frame: u64,
    pub events: usize,
    pub sim_us_per_frame: f64,
    pub fold_us_per_frame: f64,
    pub refold_us_per_frame: f64,
    /// Over the last simulated day's frames, when the log is longest.
    pub fold_us_last_day: f64,
    pub refold_us_last_day: f64,
}

/// Frames of `ticks_per_frame` ticks up to `ticks` on `plan`.
pub fn console_frames(plan: Arc<Plan>, seed: u64, ticks: u64, ticks_per_frame: u64) -> FrameCost {
    use crate::report::{OperatingPicture, summary_of};
    let mut sim = exercise::simulation(plan.clone(), seed);
    let mut picture = OperatingPicture::new(&plan);
    let (mut sim_s, mut fold_s, mut refold_s) = (0.0, 0.0, 0.0);
    let (mut fold_last, mut refold_last, mut last_frames) = (0.0, 0.0, 0usize);
    let last_day = ticks.saturating_sub(24 * 60);
    let mut frames = 0;
    // What a frame reads off the picture: the island table and every chart line.
    let screen = |picture: &OperatingPicture, now: u64, events: usize| {
        let summary = summary_of(picture, &plan, seed, now, String::new(), events);
        let t = &picture.trends;
        let corners: usize = [&t.compromised, &t.encrypted, &t.services_down]
            .iter()
            .flat_map(|series| series.iter())
            .map(|s| s.corners(now).len())
            .sum();
        std::hint::black_box((summary, corners));
    };
    while sim.now() < ticks {
        let started = Instant::now();
        sim.run_until((sim.now() + ticks_per_frame).min(ticks));
        let ticked = Instant::now();
        let now = sim.now();
        let log = sim.events();
        picture.update(&plan, log);
        screen(&picture, now, log.len());
        let folded = Instant::now();
        let whole = OperatingPicture::of(&plan, log);
        screen(&whole, now, log.len());
        let refolded = Instant::now();
        let (f, r) = (
            (folded - ticked).as_secs_f64(),
            (refolded - folded).as_secs_f64(),
        );
        sim_s += (ticked - started).as_secs_f64();
        fold_s += f;
        refold_s += r;
        if now > last_day {
            fold_last += f;
            refold_last += r;
            last_frames += 1;
        }
        frames += 1;
    }
    let us = |s: f64, n: usize| s * 1e6 / n.max(1) as f64;
    FrameCost {
        scenario: plan.scenario.name.clone(),
        frames,
        ticks_per_frame,
        events: sim.events().len(),
        sim_us_per_frame: us(sim_s, frames),
        fold_us_per_frame: us(fold_s, frames),
        refold_us_per_frame: us(refold_s, frames),
        fold_us_last_day: us(fold_last, last_frames),
        refold_us_last_day: us(refold_last, last_frames),
    }
}

/// `tidewatch bench --console`: the console's per-frame cost on a scenario at full speed.
pub fn run_console_frames(plan: Arc<Plan>, seed: u64, ticks: u64, json: bool) {
    crate::sim::init_task_pool(None);
    // At full speed the console runs as many ticks as fit in its frame budget; 10 is about
    // what the flagship reaches on two cores.
    let cost = console_frames(plan, seed, ticks, 10);
    if json {
        println!("{}", serde_json::json!(cost));
        return;
    }
    println!(
        "{}: {} frames of {} ticks, {} events\n  simulation      {:>9.1} us/frame\n  \
         fold (console) {:>9.1} us/frame, {:>9.1} on the last day\n  \
         refold (log)   {:>9.1} us/frame, {:>9.1} on the last day ({:.1}x the fold)",
        cost.scenario,
        cost.frames,
        cost.ticks_per_frame,
        cost.events,
        cost.sim_us_per_frame,
        cost.fold_us_per_frame,
        cost.fold_us_last_day,
        cost.refold_us_per_frame,
        cost.refold_us_last_day,
        cost.refold_us_last_day / cost.fold_us_last_day.max(1e-9),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_bench_folds_the_same_picture_as_a_refold() {
        // The two ways must agree, or the comparison would be meaningless.
        let plan = Arc::new(plan_for(generated_region(600)));
        let cost = console_frames(plan.clone(), 1, 240, 10);
        assert_eq!(cost.frames, 24);
        let mut sim = exercise::simulation(plan.clone(), 1);
        let mut picture = crate::report::OperatingPicture::new(&plan);
        for t in (10..=240).step_by(10) {
            sim.run_until(t);
            picture.update(&plan, sim.events());
        }
        let whole = crate::report::OperatingPicture::of(&plan, sim.events());
        assert_eq!(picture.islands, whole.islands);
        assert_eq!(picture.trends, whole.trends);
        assert!(cost.events > 0);
    }
}
