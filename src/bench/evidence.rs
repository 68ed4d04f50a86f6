//! `tidewatch bench --evidence`: what writing a technical exercise's evidence costs. An active
//! region runs its hours, then the facilitator's evidence (every sensor's records, `--all`) is
//! written into a counting sink on one core, timed by the thread's CPU: the records per CPU
//! second a lab host pays to hand a room its logs. The run's digest is read before and after
//! the writing: evidence is made from the events and its own draws, never the world.

use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;

use super::active_region;
use super::cases::{cpu_timed, median};
use crate::evidence::{self, Format, Scope, Wanted};
use crate::exercise;

#[derive(Clone, Debug, Serialize)]
pub struct EvidenceCase {
    pub hosts: u64,
    pub ticks: u64,
    /// Hosts whose sensors the evidence covers.
    pub sensors: usize,
    pub records: u64,
    pub intruder_records: u64,
    pub bytes: u64,
    /// CPU time of the writing thread (median of the repeats), seconds.
    pub cpu_seconds: f64,
    pub records_per_second: f64,
    pub megabytes_per_second: f64,
    pub digest_before: String,
    pub digest_after: String,
}

/// Counts what is written and keeps none of it.
#[derive(Default)]
struct Counted(u64);

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs the active region of `hosts` for `ticks`, then writes its whole evidence `repeats`
/// times (the median CPU time is reported).
pub fn run_evidence_case(hosts: u32, ticks: u64, repeats: usize) -> EvidenceCase {
    let plan = Arc::new(super::plan_for(active_region(hosts)));
    let mut sim = exercise::simulation(plan.clone(), 1);
    sim.run_until(ticks);
    let digest_before = sim.digest().hex();
    let mut times = Vec::new();
    let mut last = (evidence::Written::default(), 0);
    for _ in 0..repeats.max(1) {
        let mut sink = Counted::default();
        let wanted = Wanted {
            until: ticks,
            scope: Scope::All,
            format: Format::Ecs,
            orgs: Vec::new(),
        };
        let (spent, written) = cpu_timed(|| {
            evidence::write(&plan, 1, sim.events(), wanted, &mut sink)
                .expect("a counting sink takes everything")
        });
        times.push(spent);
        last = (written, sink.0);
    }
    let cpu_seconds = median(times);
    let (written, bytes) = last;
    EvidenceCase {
        hosts: plan.host_count as u64,
        ticks,
        sensors: written.hosts,
        records: written.records,
        intruder_records: written.intruder,
        bytes,
        cpu_seconds,
        records_per_second: written.records as f64 / cpu_seconds,
        megabytes_per_second: bytes as f64 / 1e6 / cpu_seconds,
        digest_before,
        digest_after: sim.digest().hex(),
    }
}

/// Prints the case, as text or JSON.
pub fn run_evidence(hosts: u32, ticks: u64, json: bool) {
    crate::sim::init_task_pool(Some(1));
    let case = run_evidence_case(hosts, ticks, 3);
    if json {
        println!("{}", serde_json::json!({ "evidence": case }));
        return;
    }
    println!(
        "evidence {:>7} hosts, {} h: {} records ({} the intruder's) from {} sensors, {:.0} MB, in {:.3} s CPU (median of 3) = {:.0} records/s, {:.0} MB/s",
        case.hosts,
        case.ticks / 60,
        case.records,
        case.intruder_records,
        case.sensors,
        case.bytes as f64 / 1e6,
        case.cpu_seconds,
        case.records_per_second,
        case.megabytes_per_second,
    );
    println!(
        "  the run's digest {} before writing, {} after ({})",
        case.digest_before,
        case.digest_after,
        if case.digest_before == case.digest_after {
            "unchanged"
        } else {
            "CHANGED"
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bench writes what the evidence command would (the same records, counted) and
    /// reads the run's digest on both sides of the writing.
    #[test]
    fn the_evidence_bench_counts_what_the_writer_writes_and_leaves_the_run_alone() {
        let case = run_evidence_case(1_000, 12 * 60, 1);
        let plan = super::super::plan_for(active_region(1_000));
        let mut sim = exercise::simulation(Arc::new(plan.clone()), 1);
        sim.run_until(12 * 60);
        let mut out = Vec::new();
        let wanted = Wanted {
            until: 12 * 60,
            scope: Scope::All,
            format: Format::Ecs,
            orgs: Vec::new(),
        };
        let written = evidence::write(&plan, 1, sim.events(), wanted, &mut out).unwrap();
        assert_eq!(case.records, written.records);
        assert_eq!(case.bytes, out.len() as u64);
        assert_eq!(
            out.iter().filter(|b| **b == b'\n').count() as u64,
            case.records
        );
        assert!(case.intruder_records > 0 && case.sensors > 100, "{case:?}");
        assert_eq!(case.digest_before, case.digest_after);
        assert_eq!(case.digest_before, sim.digest().hex());
    }
}
