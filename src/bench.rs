//! `tidewatch bench`: the performance suite. Cost must follow activity, not size, so it runs
//! two kinds of generated region at 1,000, 10,000 and 100,000 hosts: idle ones, where the same
//! attack on one 500-host organisation is all that happens (extra hosts must cost nothing),
//! and active ones, where attacks, alerts and teams grow with the region (the cost of an event
//! must not grow with it).

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

/// Hosts per island in the active regions: a small island state's worth.
pub const HOSTS_PER_ISLAND: u32 = 2_500;

/// A region whose activity grows with its size, as a real one's does: one island per 2,500
/// hosts, each with a ministry, a bank, a port, a telecom operator, a hotel group and a
/// managed service provider that runs the ministry's and the port's IT; a national CSIRT, a
/// national contact and a bank SOC on every island, a regional hub, cables island to island;
/// false alerts at the default rate everywhere; and waves of three kinds of campaign that
/// target sectors, so every island is attacked again and again, each spreading through poorly
/// patched, thinly watched estates: five phishing and data-theft waves against ministries and
/// hotels, three worms through banks', telecom operators' and ports' public-facing systems,
/// three ransomware waves through the service providers' trusted access.
pub fn active_region(total_hosts: u32) -> Scenario {
    let islands_n = (total_hosts / HOSTS_PER_ISLAND).max(2);
    let per_island = total_hosts / islands_n;
    let mut scenario = generated_region(1_000);
    scenario.name = format!("active {total_hosts} hosts");
    scenario.duration = Span::hours(72);
    scenario.islands.clear();
    scenario.organisations.clear();
    scenario.services.clear();
    scenario.teams.clear();
    scenario.links.clear();
    // Poorly patched, thinly watched estates: what lets a worm and its operators spread.
    let weak = |id: String, kind: HostKind, count: u32, coverage: f64| HostGroup {
        patch_level: 0.2,
        ..group(&id, kind, count, coverage)
    };
    let mix = |id: &str, hosts: u32| -> Vec<HostGroup> {
        let servers = (hosts * 12 / 100).max(1);
        let edge = (hosts * 2 / 100).max(1);
        vec![
            weak(
                format!("{id}-ws"),
                HostKind::Workstation,
                hosts.saturating_sub(servers + edge).max(1),
                0.4,
            ),
            weak(format!("{id}-srv"), HostKind::Server, servers, 0.6),
            weak(format!("{id}-edge"), HostKind::EdgeDevice, edge, 0.5),
        ]
    };
    // (name, sector, share of the island's hosts in percent)
    let kinds = [
        ("ministry", Sector::Government, 30),
        ("bank", Sector::Finance, 22),
        ("port", Sector::Port, 15),
        ("telecom", Sector::Telecom, 15),
        ("hotels", Sector::Tourism, 13),
        ("msp", Sector::ItServices, 5),
    ];
    for n in 0..islands_n {
        let island = format!("I{n}");
        scenario.islands.push(Island {
            id: island.clone(),
            name: format!("Island {n}"),
            population: 100_000,
            gdp_usd: 1.5e9,
            lat: 10.0 + (n % 80) as f64 * 0.2,
            lon: -62.0 + (n / 80) as f64 * 0.5,
            csirt: true,
            npc: true,
            utc_offset: None,
            mainland: false,
        });
        for (kind, sector, share) in kinds {
            let id = format!("{kind}-{n}");
            scenario.organisations.push(Organisation {
                id: id.clone(),
                island: island.clone(),
                sector,
                name: format!("{kind} {n}"),
                hosts: mix(kind, per_island * share / 100),
                manages: if kind == "msp" {
                    vec![format!("ministry-{n}"), format!("port-{n}")]
                } else {
                    vec![]
                },
            });
        }
        scenario.services.push(Service {
            id: format!("eservices-{n}"),
            name: format!("E-services {n}"),
            provider: format!("ministry-{n}"),
            needs_hosts: vec![format!("ministry-{n}/ministry-srv")],
            min_hosts_up: 0.5,
            depends_on: vec![],
            cost_per_hour_usd: 10_000.0,
            people_served: 50_000,
        });
        let team =
            |id: String, kind: TeamKind, monitors: Vec<String>, analysts: u32, shift: Shift| Team {
                name: id.clone(),
                id,
                kind,
                island: Some(island.clone()),
                monitors,
                analysts,
                skill: 0.6,
                shift,
                auto: true,
                feeds: vec![],
            };
        // Small teams in office hours, as on most small islands: the intruders work nights.
        scenario.teams.push(team(
            format!("csirt-{n}"),
            TeamKind::NationalCsirt,
            vec![],
            2,
            Shift::OfficeHours,
        ));
        scenario.teams.push(team(
            format!("npc-{n}"),
            TeamKind::Npc,
            vec![],
            1,
            Shift::OfficeHours,
        ));
        scenario.teams.push(team(
            format!("soc-{n}"),
            TeamKind::SectorSoc,
            vec![format!("bank-{n}")],
            2,
            Shift::OfficeHours,
        ));
        if n > 0 {
            scenario.links.push(Link {
                id: format!("cable-{n}"),
                kind: LinkKind::SubmarineCable,
                system: "Bench ring".into(),
                between: (format!("I{}", n - 1), island.clone()),
                latency: Span(0),
            });
        }
    }
    scenario.teams.push(Team {
        id: "hub".into(),
        name: "Regional hub".into(),
        kind: TeamKind::RegionalHub,
        island: None,
        monitors: vec![],
        analysts: 6,
        skill: 0.7,
        shift: Shift::AroundTheClock,
        auto: true,
        feeds: vec![],
    });
    let campaign =
        |id: &str, actor: &str, hours: u64, sectors: &[Sector], stages: &[&str]| Campaign {
            id: id.into(),
            actor: actor.into(),
            name: id.into(),
            start: When::Offset(Span::hours(hours)),
            targets: sectors.iter().map(|s| Target::Sector(*s)).collect(),
            stages: stages
                .iter()
                .map(|t| Stage {
                    technique: t.to_string(),
                    duration: None,
                })
                .collect(),
        };
    use Sector::*;
    // Waves through the three days, each a campaign of its own by a crew of its own (new
    // lures, new exploit servers, new affiliates), so what one wave taught the region, and the
    // blocks it led to, do not stop the next.
    // (name, start hours of its waves, sectors targeted, techniques in order)
    type Wave<'a> = (&'a str, &'a [u64], &'a [Sector], &'a [&'a str]);
    let waves: [Wave; 3] = [
        (
            "phishing",
            &[1, 13, 25, 37, 49],
            &[Government, Tourism],
            &["T1566.001", "T1021.002", "T1570", "T1041"],
        ),
        (
            "worm",
            &[2, 26, 50],
            &[Finance, Telecom, Port],
            &["T1190", "T1570", "T1021.002", "T1021.001", "T1486"],
        ),
        (
            "msp-ransomware",
            &[6, 30, 54],
            &[ItServices],
            &["T1078", "T1199", "T1021.001", "T1021.002", "T1486"],
        ),
    ];
    scenario.actors = waves
        .iter()
        .flat_map(|(id, starts, _, _)| {
            (1..=starts.len()).map(move |w| ThreatActor {
                id: format!("{id}-crew-{w}"),
                name: format!("The {id} crew of wave {w}"),
                description: String::new(),
                skill: 0.85,
            })
        })
        .collect();
    scenario.campaigns = waves
        .iter()
        .flat_map(|(id, starts, sectors, stages)| {
            starts.iter().enumerate().map(move |(w, hours)| {
                let (campaign_id, actor) =
                    (format!("{id}-{}", w + 1), format!("{id}-crew-{}", w + 1));
                campaign(&campaign_id, &actor, *hours, sectors, stages)
            })
        })
        .collect();
    scenario
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
    let mut sim = last.expect("at least one repetition");
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

/// One run of an active region: what it cost per event as well as per tick.
#[derive(Clone, Debug, Serialize)]
pub struct ActiveCase {
    pub hosts: u64,
    pub islands: usize,
    pub ticks: u64,
    /// CPU time of the simulating thread (median of the repeats), seconds.
    pub cpu_seconds: f64,
    pub events: usize,
    pub events_per_second: f64,
    pub us_per_event: f64,
    /// Share of the hosts an attacker held at some point.
    pub compromised_share: f64,
    /// Peak resident memory during this case, MiB (Linux only).
    pub peak_rss_mib: Option<f64>,
    pub digest: String,
}

/// CPU time this thread has used, in seconds (Linux: `/proc/thread-self/schedstat`); wall
/// time elsewhere would mislead on a busy machine, so `None`.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Starts a new peak for `peak_rss_mib` (Linux: writing 5 to `clear_refs` resets VmHWM).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub fn run_active_case(hosts: u32, ticks: u64, repeats: usize) -> ActiveCase {
    let plan = Arc::new(plan_for(active_region(hosts)));
    let mut times = Vec::new();
    let mut last = None;
    reset_peak_rss();
    for _ in 0..repeats.max(1) {
        let (cpu, wall) = (thread_cpu_seconds(), Instant::now());
        let mut sim = exercise::simulation(plan.clone(), 1);
        sim.run_until(ticks);
        let spent = match (cpu, thread_cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => wall.elapsed().as_secs_f64(),
        };
        times.push(spent);
        last = Some(sim);
    }
    times.sort_by(f64::total_cmp);
    let cpu_seconds = times[times.len() / 2];
    let mut sim = last.expect("at least one repetition");
    let digest = sim.digest().hex();
    let summary = crate::report::summarise(&plan, 1, ticks, digest.clone(), sim.events());
    let compromised: u64 = summary.islands.iter().map(|i| i.hosts_compromised).sum();
    let events = sim.events().len();
    ActiveCase {
        hosts: plan.host_count as u64,
        islands: plan.scenario.islands.len(),
        ticks,
        cpu_seconds,
        events,
        events_per_second: events as f64 / cpu_seconds,
        us_per_event: cpu_seconds * 1e6 / events.max(1) as f64,
        compromised_share: compromised as f64 / plan.host_count.max(1) as f64,
        peak_rss_mib: peak_rss_mib(),
        digest,
    }
}

/// The slope of log(time) against log(hosts) between two cases: 1 is linear.
pub fn slope(a: &ActiveCase, b: &ActiveCase) -> f64 {
    (b.cpu_seconds / a.cpu_seconds).ln() / (b.hosts as f64 / a.hosts as f64).ln()
}

/// Repetitions of an active case (the median is reported): the small regions take a few
/// hundredths of a second, so they are repeated more, or one slow moment of a shared machine
/// would tilt the slope.
pub fn active_repeats(hosts: u32) -> usize {
    (300_000 / hosts.max(1) as usize).clamp(3, 15)
}

pub fn run_suite(ticks: u64, json: bool) {
    // One core: the per-event cost is the model's, not the thread pool's.
    crate::sim::init_task_pool(Some(1));
    let mut cases = Vec::new();
    for hosts in SIZES {
        let case = run_case_repeated(hosts, ticks, REPEATS);
        if !json {
            println!(
                "idle   {:>7} hosts: {} ticks in {:.3} s (median of {REPEATS}) = {:>9.0} ticks/s, {:>12.0} host-ticks/s, {} events",
                case.hosts,
                case.ticks,
                case.seconds,
                case.ticks_per_second,
                case.host_ticks_per_second,
                case.events,
            );
        }
        cases.push(case);
    }
    let ratio = cases[2].seconds / cases[0].seconds;
    if !json {
        println!(
            "  the idle 100,000-host run took {ratio:.2}x the 1,000-host run (target: at most 2x)"
        );
    }
    let mut active = Vec::new();
    for hosts in SIZES {
        let repeats = active_repeats(hosts);
        let case = run_active_case(hosts, ticks, repeats);
        if !json {
            println!(
                "active {:>7} hosts on {:>2} islands: {:.3} s CPU (median of {repeats:>2}), {:>7} events = {:>9.0} events/s, {:>6.2} us/event, {:.0}% of hosts compromised, peak RSS {}",
                case.hosts,
                case.islands,
                case.cpu_seconds,
                case.events,
                case.events_per_second,
                case.us_per_event,
                case.compromised_share * 100.0,
                case.peak_rss_mib
                    .map_or("n/a".into(), |m| format!("{m:.0} MiB"))
            );
        }
        active.push(case);
    }
    let per_event = active[2].us_per_event / active[0].us_per_event;
    let slope_10k = slope(&active[1], &active[2]);
    if json {
        println!(
            "{}",
            serde_json::json!({
                "idle": { "cases": cases, "ratio_100k_to_1k": ratio },
                "active": {
                    "cases": active,
                    "per_event_ratio_100k_to_1k": per_event,
                    "slope_10k_to_100k": slope_10k,
                },
            })
        );
    } else {
        println!(
            "  per event, the active 100,000-host region cost {per_event:.2}x the 1,000-host one (target: at most 1.25x); time against hosts from 10k to 100k: slope {slope_10k:.2} (target: at most 1.05)"
        );
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

    /// The active regions load, and their activity grows with their size: four times the
    /// hosts, at least three times the events and the compromised hosts.
    #[test]
    fn active_regions_grow_their_activity_with_their_size() {
        let run = |hosts: u32| {
            let plan = Arc::new(plan_for(active_region(hosts)));
            let mut sim = exercise::simulation(plan.clone(), 1);
            sim.run_until(48 * 60);
            let digest = sim.digest().hex();
            let s = crate::report::summarise(&plan, 1, 48 * 60, digest, sim.events());
            let compromised: u64 = s.islands.iter().map(|i| i.hosts_compromised).sum();
            (plan.scenario.islands.len(), sim.events().len(), compromised)
        };
        let (islands_small, events_small, hit_small) = run(2 * HOSTS_PER_ISLAND);
        let (islands_big, events_big, hit_big) = run(8 * HOSTS_PER_ISLAND);
        assert_eq!((islands_small, islands_big), (2, 8));
        assert!(
            events_big >= 3 * events_small,
            "{events_small} -> {events_big}"
        );
        assert!(
            hit_big >= 3 * hit_small && hit_small > 0,
            "{hit_small} -> {hit_big}"
        );
    }

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
