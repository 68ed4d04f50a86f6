//! One bench case run and measured: an idle region's ticks per second, an active region's
//! CPU time per event, each the median of its repeats, with the process's peak memory.

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::{active_region, generated_region, plan_for};
use crate::exercise;

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
    let seconds = median(times);
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
    /// Events that are an intruder's move (an access tried, a host taken, a stage done, data
    /// taken, hosts encrypted, a flood started): what a network simulator counts as a step.
    pub attacker_actions: usize,
    pub us_per_attacker_action: f64,
    /// Share of the hosts an attacker held at some point.
    pub compromised_share: f64,
    /// Peak resident memory during this case, MiB (Linux only).
    pub peak_rss_mib: Option<f64>,
    pub digest: String,
}

/// CPU time this thread has used, in seconds: the kernel's thread clock, exact to the
/// nanosecond (`/proc/thread-self/schedstat`, read before, lags by up to a scheduler tick, a
/// few milliseconds: a short run could read as none).
#[cfg(unix)]
fn thread_cpu_seconds() -> Option<f64> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    ok.then(|| t.tv_sec as f64 + t.tv_nsec as f64 / 1e9)
}

/// Wall time elsewhere would mislead on a busy machine, so none.
#[cfg(not(unix))]
fn thread_cpu_seconds() -> Option<f64> {
    None
}

/// The CPU time `work` takes on this thread (wall time where the thread's is unknown), with
/// what it gives.
pub(super) fn cpu_timed<R>(work: impl FnOnce() -> R) -> (f64, R) {
    let (cpu, wall) = (thread_cpu_seconds(), Instant::now());
    let done = work();
    let spent = match (cpu, thread_cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => wall.elapsed().as_secs_f64(),
    };
    (spent, done)
}

/// The middle of some timings (the upper middle of an even count).
pub(super) fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
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
        let (spent, sim) = cpu_timed(|| {
            let mut sim = exercise::simulation(plan.clone(), 1);
            sim.run_until(ticks);
            sim
        });
        times.push(spent);
        last = Some(sim);
    }
    let cpu_seconds = median(times);
    let mut sim = last.expect("at least one repetition");
    let digest = sim.digest().hex();
    let summary = crate::report::summarise(&plan, 1, ticks, digest.clone(), sim.events());
    let compromised: u64 = summary.islands.iter().map(|i| i.hosts_compromised).sum();
    let events = sim.events().len();
    let attacker_actions = attacker_actions(sim.events());
    ActiveCase {
        hosts: plan.host_count as u64,
        islands: plan.scenario.islands.len(),
        ticks,
        cpu_seconds,
        events,
        events_per_second: events as f64 / cpu_seconds,
        us_per_event: cpu_seconds * 1e6 / events.max(1) as f64,
        attacker_actions,
        us_per_attacker_action: cpu_seconds * 1e6 / attacker_actions.max(1) as f64,
        compromised_share: compromised as f64 / plan.host_count.max(1) as f64,
        peak_rss_mib: peak_rss_mib(),
        digest,
    }
}

/// The intruders' moves among `events` (see `SimEvent::is_intruders_move`).
pub fn attacker_actions(events: &[crate::sim::events::Stamped]) -> usize {
    events
        .iter()
        .filter(|e| e.event.is_intruders_move())
        .count()
}

/// What a journal costs a live exercise: an active region run without and with a journal,
/// in turn, so the machine's drift weighs on both alike.
#[derive(Clone, Debug, Serialize)]
pub struct JournalCase {
    pub hosts: u64,
    pub ticks: u64,
    pub events: usize,
    /// CPU of the simulating thread, seconds (medians of the repeats).
    pub unjournaled_cpu_seconds: f64,
    pub journaled_cpu_seconds: f64,
    /// Journaled over unjournaled, the median of the pairs' ratios.
    pub ratio: f64,
    pub journal_bytes: u64,
    /// Digests the journal holds (one every ten minutes, and after a command).
    pub journal_points: usize,
    /// What a journal point costs: the median pair's difference over the points, microseconds.
    pub us_per_journal_point: f64,
    /// What one digest of the last state costs, part by part, hashed as version 1 did (every
    /// row) and as version 2 does (kept fingerprints).
    pub digest_parts: Vec<PartCost>,
}

/// One part of the digest: microseconds to hash it each way (the least of a few tries).
#[derive(Clone, Debug, Serialize)]
pub struct PartCost {
    pub part: &'static str,
    pub whole_us: f64,
    pub kept_us: f64,
}

/// Times every part of the digest of the world as it stands, both ways.
pub fn digest_part_costs(world: &mut bevy::prelude::World) -> Vec<PartCost> {
    let time = |world: &mut bevy::prelude::World, hash: crate::sim::digest::PartHasher| {
        hash(world); // the first call builds the part's query
        (0..5)
            .map(|_| {
                let t = std::time::Instant::now();
                std::hint::black_box(hash(world));
                t.elapsed().as_secs_f64() * 1e6
            })
            .fold(f64::INFINITY, f64::min)
    };
    (crate::sim::digest::part_hashers(world).into_iter())
        .map(|(part, whole, kept)| PartCost {
            part,
            whole_us: time(world, whole),
            kept_us: time(world, kept),
        })
        .collect()
}

/// Runs the active region of `hosts` for `ticks` `repeats` times each way, in pairs.
pub fn run_journal_pair(hosts: u32, ticks: u64, repeats: usize) -> JournalCase {
    use crate::exercise::session::Session;
    let scenario = active_region(hosts);
    let source = crate::scenario::Source {
        name: scenario.name.clone(),
        text: ron::ser::to_string(&scenario).expect("a generated scenario is RON"),
        dir: None,
    };
    let plan = Arc::new(plan_for(scenario));
    let dir = std::env::temp_dir().join(format!("tidewatch-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let journal = dir.join("bench.jsonl");
    let (mut plain, mut journaled, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut events, mut bytes, mut points, mut digest_parts) = (0, 0, 0, Vec::new());
    for _ in 0..repeats.max(1) {
        let mut pair = [0.0; 2];
        for (k, record) in [false, true].into_iter().enumerate() {
            let _ = std::fs::remove_file(&journal);
            let (spent, mut session) = cpu_timed(|| {
                let mut session = Session::new(plan.clone(), 1);
                if record {
                    session
                        .record(&journal, &source, &[], None)
                        .expect("the bench's journal is writable");
                }
                session.run_until(ticks).expect("the bench region runs");
                session.finish().expect("the bench's journal closes");
                session
            });
            pair[k] = spent;
            events = session.sim.events().len();
            if record && digest_parts.is_empty() {
                digest_parts = digest_part_costs(session.sim.world_mut());
            }
        }
        bytes = std::fs::metadata(&journal).map_or(0, |m| m.len());
        points = std::fs::read_to_string(&journal)
            .map_or(0, |text| text.matches("\"entry\":\"digest\"").count());
        plain.push(pair[0]);
        journaled.push(pair[1]);
        ratios.push(pair[1] / pair[0]);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (plain, journaled) = (median(plain), median(journaled));
    JournalCase {
        hosts: plan.host_count as u64,
        ticks,
        events,
        unjournaled_cpu_seconds: plain,
        journaled_cpu_seconds: journaled,
        ratio: median(ratios),
        journal_bytes: bytes,
        journal_points: points,
        us_per_journal_point: (journaled - plain) * 1e6 / points.max(1) as f64,
        digest_parts,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The journal pair runs the same exercise both ways (the same events), writes a journal
    /// and reports both times; attacker actions are a share of the events.
    #[test]
    fn the_journal_pair_runs_the_same_exercise_with_and_without_a_journal() {
        let case = run_journal_pair(1_000, 6 * 60, 1);
        let active = run_active_case(1_000, 6 * 60, 1);
        assert_eq!(case.events, active.events);
        assert!(case.journal_bytes > 10_000, "{case:?}");
        assert!(case.journaled_cpu_seconds > 0.0 && case.unjournaled_cpu_seconds > 0.0);
        assert!(case.ratio > 0.0);
        assert!(active.attacker_actions > 0 && active.attacker_actions < active.events);
        assert!(active.us_per_attacker_action > active.us_per_event);
    }
}
