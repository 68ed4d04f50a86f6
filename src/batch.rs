//! `tidewatch batch`: many seeds of one scenario variant, run in parallel on every core, folded
//! into summary statistics. Results are gathered by seed, so the output does not depend on
//! which worker finished first.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::exercise;
use crate::report::metrics::{METRICS, RunMetrics, Stats, run_metrics, stats};
use crate::scenario::Plan;

#[derive(Clone, Debug, Serialize)]
pub struct BatchResult {
    pub scenario: String,
    pub runs: u64,
    pub first_seed: u64,
    pub ticks: u64,
    pub metrics: BTreeMap<String, Stats>,
    #[serde(skip)]
    pub per_run: Vec<RunMetrics>,
}

/// Runs seeds `first_seed .. first_seed + runs` for `ticks` minutes on `workers` threads and
/// folds each run's events with `fold`; results in seed order.
pub fn over_seeds<T: Send>(
    plan: &Arc<Plan>,
    (first_seed, runs, ticks): (u64, u64, u64),
    workers: usize,
    progress: bool,
    fold: impl Fn(&Plan, u64, &[crate::sim::events::Stamped]) -> T + Sync,
) -> Vec<T> {
    let bar = if progress {
        ProgressBar::new(runs)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {elapsed_precise} (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let next = AtomicU64::new(0);
    let fold = &fold;
    let mut out: Vec<(u64, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.clamp(1, runs.max(1) as usize))
            .map(|_| {
                let (plan, next, bar) = (plan.clone(), &next, bar.clone());
                scope.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        if k >= runs {
                            break out;
                        }
                        let seed = first_seed.wrapping_add(k);
                        let mut sim = exercise::simulation(plan.clone(), seed);
                        sim.run_until(ticks);
                        out.push((k, fold(&plan, seed, sim.events())));
                        bar.inc(1);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a batch worker panicked"))
            .collect()
    });
    bar.finish_and_clear();
    out.sort_by_key(|(k, _)| *k);
    out.into_iter().map(|(_, t)| t).collect()
}

/// Runs seeds `first_seed .. first_seed + runs` for `ticks` minutes on `workers` threads.
pub fn run_batch(
    plan: Arc<Plan>,
    first_seed: u64,
    runs: u64,
    ticks: u64,
    workers: usize,
    progress: bool,
) -> BatchResult {
    let per_run = over_seeds(
        &plan,
        (first_seed, runs, ticks),
        workers,
        progress,
        |plan, seed, events| run_metrics(plan, seed, ticks, events),
    );
    let metrics = METRICS
        .iter()
        .map(|name| {
            let values: Vec<f64> = per_run.iter().filter_map(|m| m.get(name)).collect();
            (name.to_string(), stats(&values))
        })
        .collect();
    BatchResult {
        scenario: plan.scenario.name.clone(),
        runs,
        first_seed,
        ticks,
        metrics,
        per_run,
    }
}

impl BatchResult {
    pub fn csv(&self) -> String {
        let mut out = format!("seed,{}\n", METRICS.join(","));
        for m in &self.per_run {
            let cells: Vec<String> = METRICS
                .iter()
                .map(|n| m.get(n).map_or(String::new(), |v| format!("{v}")))
                .collect();
            out.push_str(&format!("{},{}\n", m.seed, cells.join(",")));
        }
        out
    }

    pub fn text(&self) -> String {
        let mut out = format!(
            "{}: {} runs (seeds {}..{}), {} each\n{:<28} {:>6} {:>14} {:>14} {:>14} {:>14}\n",
            self.scenario,
            self.runs,
            self.first_seed,
            self.first_seed.wrapping_add(self.runs.saturating_sub(1)),
            crate::time::Span(self.ticks),
            "metric",
            "runs",
            "mean",
            "p5",
            "median",
            "p95"
        );
        let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        for name in METRICS {
            let s = &self.metrics[name];
            out.push_str(&format!(
                "{:<28} {:>6} {:>14} {:>14} {:>14} {:>14}\n",
                name,
                s.n,
                f(s.mean),
                f(s.p5),
                f(s.p50),
                f(s.p95)
            ));
        }
        out
    }
}
