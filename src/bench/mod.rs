//! `tidewatch bench`: the performance suite. Cost must follow activity, not size, so it runs
//! two kinds of generated region at 1,000, 10,000 and 100,000 hosts: idle ones, where the same
//! attack on one 500-host organisation is all that happens (extra hosts must cost nothing),
//! and active ones, where attacks, alerts and teams grow with the region (the cost of an event
//! must not grow with it).
//!
//! `region.rs` generates the regions, `cases.rs` runs and measures one case, `frames.rs` the
//! console's cost per frame, `evidence.rs` the cost of writing a region's evidence; here,
//! the suite and what it prints.

mod cases;
mod evidence;
mod frames;
mod region;

pub use cases::{
    ActiveCase, Case, JournalCase, PartCost, REPEATS, active_repeats, attacker_actions,
    digest_part_costs, run_active_case, run_case, run_case_repeated, run_journal_pair, slope,
};
pub use evidence::{EvidenceCase, run_evidence, run_evidence_case};
pub use frames::{FrameCost, console_frames, run_console_frames};
pub use region::{HOSTS_PER_ISLAND, active_region, generated_region, plan_for};

pub const SIZES: [u32; 3] = [1_000, 10_000, 100_000];
/// The active regions' sizes; those above `--max-hosts` (100,000 unless given) are left out.
pub const ACTIVE_SIZES: [u32; 6] = [1_000, 10_000, 30_000, 100_000, 300_000, 1_000_000];

/// What the suite runs.
#[derive(Clone, Copy, Debug)]
pub struct Suite {
    pub ticks: u64,
    pub json: bool,
    /// The largest active region.
    pub max_hosts: u32,
    /// Also run each active region with a journal, paired with a run without.
    pub journaled: bool,
}

pub fn run_suite(suite: Suite) {
    let Suite {
        ticks,
        json,
        max_hosts,
        journaled,
    } = suite;
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
    let sizes: Vec<u32> = ACTIVE_SIZES
        .into_iter()
        .filter(|h| *h <= max_hosts)
        .collect();
    let mut active = Vec::new();
    for &hosts in &sizes {
        let repeats = active_repeats(hosts);
        let case = run_active_case(hosts, ticks, repeats);
        if !json {
            println!(
                "active {:>7} hosts on {:>3} islands: {:.3} s CPU (median of {repeats:>2}), {:>7} events = {:>9.0} events/s, {:>6.2} us/event, {:>6.2} us/attacker action, {:.0}% of hosts compromised, peak RSS {}",
                case.hosts,
                case.islands,
                case.cpu_seconds,
                case.events,
                case.events_per_second,
                case.us_per_event,
                case.us_per_attacker_action,
                case.compromised_share * 100.0,
                case.peak_rss_mib
                    .map_or("n/a".into(), |m| format!("{m:.0} MiB"))
            );
        }
        active.push(case);
    }
    let at = |hosts: u32| active.iter().find(|c| c.hosts == hosts as u64);
    let per_event = |a: u32, b: u32| Some(at(b)?.us_per_event / at(a)?.us_per_event);
    let slope_10k = at(10_000).zip(at(100_000)).map(|(a, b)| slope(a, b));
    let mut journals = Vec::new();
    if journaled {
        for &hosts in &sizes {
            let case = run_journal_pair(hosts, ticks, active_repeats(hosts).min(5));
            if !json {
                println!(
                    "journal {:>7} hosts: {:.3} s CPU journaled against {:.3} s without = {:.2}x (median of the pairs), {} journal points at {:.0} us each, journal {:.1} MB",
                    case.hosts,
                    case.journaled_cpu_seconds,
                    case.unjournaled_cpu_seconds,
                    case.ratio,
                    case.journal_points,
                    case.us_per_journal_point,
                    case.journal_bytes as f64 / 1e6,
                );
                let sum = |f: fn(&PartCost) -> f64| case.digest_parts.iter().map(f).sum::<f64>();
                let costly: Vec<String> = (case.digest_parts.iter())
                    .filter(|p| p.whole_us >= 5.0 || p.kept_us >= 5.0)
                    .map(|p| format!("{} {:.0}/{:.0}", p.part, p.whole_us, p.kept_us))
                    .collect();
                println!(
                    "        a digest of the last state, hashed anew: {:.0} us every row (version 1), {:.0} us from kept fingerprints (version 2, rows changed since the last point not counted); us by part, 1/2: {}",
                    sum(|p| p.whole_us),
                    sum(|p| p.kept_us),
                    costly.join(", ")
                );
            }
            journals.push(case);
        }
    }
    if json {
        println!(
            "{}",
            serde_json::json!({
                "idle": { "cases": cases, "ratio_100k_to_1k": ratio },
                "active": {
                    "cases": active,
                    "per_event_ratio_100k_to_1k": per_event(1_000, 100_000),
                    "per_event_ratio_100k_to_30k": per_event(30_000, 100_000),
                    "per_event_ratio_1m_to_100k": per_event(100_000, 1_000_000),
                    "slope_10k_to_100k": slope_10k,
                },
                "journal": journals,
            })
        );
        return;
    }
    if let (Some(r), Some(s)) = (per_event(1_000, 100_000), slope_10k) {
        println!(
            "  per event, the active 100,000-host region cost {r:.2}x the 1,000-host one (target: at most 1.25x); time against hosts from 10k to 100k: slope {s:.2} (target: at most 1.05)"
        );
    }
    for (a, b, name) in [
        (30_000, 100_000, "100,000 against 30,000"),
        (100_000, 1_000_000, "1,000,000 against 100,000"),
    ] {
        if let Some(r) = per_event(a, b) {
            println!("  per event, {name} hosts: {r:.2}x (target: at most 1.15x)");
        }
    }
}
