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
    ActiveCase, Case, REPEATS, active_repeats, run_active_case, run_case, run_case_repeated, slope,
};
pub use evidence::{EvidenceCase, run_evidence, run_evidence_case};
pub use frames::{FrameCost, console_frames, run_console_frames};
pub use region::{HOSTS_PER_ISLAND, active_region, generated_region, plan_for};

pub const SIZES: [u32; 3] = [1_000, 10_000, 100_000];

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
