//! `tidewatch batch`: many seeds of one scenario, or of each variant of a sweep (`--vary`), run
//! in parallel on every core and folded into summary statistics. Results are gathered by job,
//! so the output does not depend on which worker finished first; a sweep too large for one
//! machine runs as shards (`--shard I/N`, each writing its rows) that `tidewatch merge` puts
//! back together into exactly what one run prints.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};

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
    let jobs: Vec<(usize, u64)> = (0..runs).map(|k| (0, first_seed.wrapping_add(k))).collect();
    over_jobs(
        (std::slice::from_ref(plan), &[]),
        &jobs,
        ticks,
        workers,
        progress,
        fold,
    )
}

/// Runs each job (a plan by its index in `plans`, a seed) for `ticks` minutes on `workers`
/// threads, playing the plan's `orders` if given, and folds each run's events with `fold`;
/// results in job order.
pub fn over_jobs<T: Send>(
    (plans, orders): (&[Arc<Plan>], &[PlanOrders]),
    jobs: &[(usize, u64)],
    ticks: u64,
    workers: usize,
    progress: bool,
    fold: impl Fn(&Plan, u64, &[crate::sim::events::Stamped]) -> T + Sync,
) -> Vec<T> {
    let runs = jobs.len() as u64;
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
                let (next, bar) = (&next, bar.clone());
                scope.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        if k >= runs {
                            break out;
                        }
                        let (variant, seed) = jobs[k as usize];
                        let plan = &plans[variant];
                        let mut sim = exercise::simulation(plan.clone(), seed);
                        if let Some(list) = orders.get(variant) {
                            let world = sim.world_mut();
                            let mut queue = world.resource_mut::<exercise::CommandQueue>();
                            for (tick, action) in list {
                                queue.schedule(*tick, action.clone());
                            }
                        }
                        sim.run_until(ticks);
                        out.push((k, fold(plan, seed, sim.events())));
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

/// Folds runs' metrics into the batch's statistics.
pub fn batch_result(
    scenario: &str,
    (first_seed, runs, ticks): (u64, u64, u64),
    per_run: Vec<RunMetrics>,
) -> BatchResult {
    let metrics = METRICS
        .iter()
        .map(|name| {
            let values: Vec<f64> = per_run.iter().filter_map(|m| m.get(name)).collect();
            (name.to_string(), stats(&values))
        })
        .collect();
    BatchResult {
        scenario: scenario.to_string(),
        runs,
        first_seed,
        ticks,
        metrics,
        per_run,
    }
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
    batch_result(&plan.scenario.name, (first_seed, runs, ticks), per_run)
}

/// A sweep: the batch's seeds run on every variant, each variant one combination of the
/// `--vary` values (the first `--vary` changes slowest), on top of the batch's own `--set`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The scenario as given on the command line (a path or a shipped name).
    pub scenario: String,
    pub first_seed: u64,
    pub runs: u64,
    pub ticks: u64,
    /// `--set` overrides common to every variant.
    pub set: Vec<String>,
    /// `--vary PATH=V1,V2,...`: the path and its values, in the order given.
    pub vary: Vec<(String, Vec<String>)>,
    /// `--commands FILE`: timed commands played in every run (its name and text, so every
    /// shard plays the same ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<CommandFile>,
}

/// A command file as read: what a sweep plays in every run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommandFile {
    pub name: String,
    pub text: String,
}

/// The commands one plan plays: (tick, action) in time order.
pub type PlanOrders = Vec<(u64, crate::scenario::Action)>;

/// Per plan (a sweep's variant), the commands to play.
pub type Orders = Vec<PlanOrders>;

/// `--shard I/N`: the slice of a sweep's jobs one machine runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub of: u64,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, of: 1 };

    /// `I/N` with `0 <= I < N`, or `auto/N` under an array job's scheduler (the index from
    /// its environment: [`Shard::parse_in`]).
    pub fn parse(text: &str) -> Result<Shard, String> {
        Shard::parse_in(text, |name| std::env::var(name).ok())
    }

    /// `I/N`, or `auto/N` with the index the scheduler gives the task in `env`: Slurm's
    /// `SLURM_ARRAY_TASK_ID` (less `SLURM_ARRAY_TASK_MIN`, so `--array=1-4` is shards 0 to 3),
    /// else Kubernetes' `JOB_COMPLETION_INDEX` (an Indexed Job's, from 0).
    pub fn parse_in(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let bad = || {
            format!(
                "`{text}` is not a shard: write it I/N with 0 <= I < N, e.g. 0/4, or auto/N in \
                 a Slurm array or a Kubernetes Indexed Job"
            )
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let of: u64 = n.trim().parse().map_err(|_| bad())?;
        let index: u64 = if i.trim() == "auto" {
            scheduled_index(&env)?
        } else {
            i.trim().parse().map_err(|_| bad())?
        };
        if of == 0 {
            return Err(bad());
        }
        if index >= of {
            return Err(format!(
                "shard {index} of {of}: the index must be below {of} (`{text}`)"
            ));
        }
        Ok(Shard { index, of })
    }
}

/// The index of this task in its array job, from the scheduler's variables.
fn scheduled_index(env: &impl Fn(&str) -> Option<String>) -> Result<u64, String> {
    let number = |name: &str| -> Result<Option<u64>, String> {
        env(name)
            .map(|v| {
                (v.trim().parse::<u64>()).map_err(|_| format!("{name}={v} is not a task index"))
            })
            .transpose()
    };
    if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
        let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        return id.checked_sub(min).ok_or_else(|| {
            format!("SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}")
        });
    }
    if let Some(index) = number("JOB_COMPLETION_INDEX")? {
        return Ok(index);
    }
    Err(
        "`auto` takes the shard's index from the scheduler: SLURM_ARRAY_TASK_ID (a Slurm \
         array job) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), and neither is set"
            .into(),
    )
}

/// `PATH=V1,V2,...`.
pub fn parse_vary(text: &str) -> Result<(String, Vec<String>), String> {
    let (path, values) = text.split_once('=').ok_or_else(|| {
        format!("`{text}`: write --vary PATH=V1,V2,... e.g. intel.sharing=true,false")
    })?;
    let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
    if path.trim().is_empty() || values.iter().any(String::is_empty) {
        return Err(format!(
            "`{text}`: write --vary PATH=V1,V2,... with no empty value"
        ));
    }
    Ok((path.trim().to_string(), values))
}

impl Sweep {
    /// Every variant's extra overrides, `PATH=VALUE` each, in grid order (one empty variant
    /// without `--vary`).
    pub fn variants(&self) -> Vec<Vec<String>> {
        let mut grid: Vec<Vec<String>> = vec![Vec::new()];
        for (path, values) in &self.vary {
            grid = grid
                .into_iter()
                .flat_map(|v| {
                    values.iter().map(move |value| {
                        let mut v = v.clone();
                        v.push(format!("{path}={value}"));
                        v
                    })
                })
                .collect();
        }
        grid
    }

    /// All jobs, (variant, seed), variant by variant.
    pub fn jobs(&self) -> Vec<(usize, u64)> {
        (0..self.variants().len())
            .flat_map(|v| (0..self.runs).map(move |k| (v, self.first_seed.wrapping_add(k))))
            .collect()
    }

    /// The jobs of one shard: every N-th, starting at I, so each shard gets a fair share of
    /// every variant.
    pub fn shard_jobs(&self, shard: Shard) -> Vec<(usize, u64)> {
        self.jobs()
            .into_iter()
            .enumerate()
            .filter(|(j, _)| *j as u64 % shard.of == shard.index)
            .map(|(_, job)| job)
            .collect()
    }
}

/// A sweep made ready to run: every variant's plan loaded first (a bad value stops the sweep
/// before anything runs), the first seed (the scenario's unless given), and its header.
pub struct PreparedSweep {
    pub plans: Vec<Arc<Plan>>,
    /// Per plan, the command file's commands resolved against it (empty without one).
    pub orders: Orders,
    pub header: ShardHeader,
}

impl PreparedSweep {
    /// `sweep.first_seed` and `sweep.ticks` are filled in here: from `seed` (or the scenario's)
    /// and `until` (or the scenario's duration).
    pub fn load(
        mut sweep: Sweep,
        seed: Option<u64>,
        until: Option<u64>,
        shard: Shard,
    ) -> Result<PreparedSweep, crate::scenario::LoadError> {
        let mut plans = Vec::new();
        let mut orders = Vec::new();
        for variant in sweep.variants() {
            let set: Vec<String> = sweep.set.iter().cloned().chain(variant).collect();
            let plan = Arc::new(crate::scenario::load(&sweep.scenario, &set)?);
            if let Some(file) = &sweep.commands {
                let source = crate::scenario::Source {
                    name: file.name.clone(),
                    text: file.text.clone(),
                    dir: None,
                };
                let timed = crate::scenario::commands_from(&source, &plan)?;
                // Every command resolved when the file was read; a clock command has no action.
                let actions = timed.into_iter().filter_map(|(tick, command)| {
                    command.resolve(&plan).ok().flatten().map(|a| (tick, a))
                });
                orders.push(actions.collect());
            }
            plans.push(plan);
        }
        // The duration is the first variant's, the seed the last's, as sweeps always did.
        let (first, last) = (&plans[0].scenario, &plans[plans.len() - 1].scenario);
        sweep.first_seed = seed.unwrap_or(last.seed);
        sweep.ticks = until.unwrap_or(first.duration.0);
        let header = ShardHeader {
            tidewatch_rows: 1,
            scenario_name: first.name.clone(),
            plans: fingerprint(&plans),
            sweep,
            shard,
        };
        Ok(PreparedSweep {
            plans,
            orders,
            header,
        })
    }

    /// Runs this shard's jobs on `workers` threads: one row per run, in job order.
    pub fn run(&self, workers: usize, progress: bool) -> Vec<Row> {
        let (sweep, ticks) = (&self.header.sweep, self.header.sweep.ticks);
        let jobs = sweep.shard_jobs(self.header.shard);
        let metrics = over_jobs(
            (&self.plans, &self.orders),
            &jobs,
            ticks,
            workers,
            progress,
            |plan, seed, events| run_metrics(plan, seed, ticks, events),
        );
        jobs.iter()
            .zip(metrics)
            .map(|(&(variant, _), metrics)| Row { variant, metrics })
            .collect()
    }
}

/// One run's row, as a shard writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub variant: usize,
    pub metrics: RunMetrics,
}

/// What a shard writes: the sweep it belongs to, which slice, and its rows (JSON lines: the
/// header first, then one row per run).
///
/// The plans' fingerprint is the FNV hash of each variant's scenario as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardHeader {
    pub tidewatch_rows: u32,
    pub sweep: Sweep,
    /// The scenario's name, for the output.
    pub scenario_name: String,
    /// A fingerprint of every variant's scenario as loaded (overrides applied): shards run
    /// on different versions of the scenario file do not merge.
    pub plans: String,
    pub shard: Shard,
}

/// The fingerprint of a sweep's plans, for `ShardHeader::plans`.
pub fn fingerprint(plans: &[Arc<Plan>]) -> String {
    let texts: Vec<String> = plans
        .iter()
        .map(|p| serde_json::to_string(&p.scenario).unwrap_or_default())
        .collect();
    format!("{:016x}", crate::sim::digest::hash_of(&texts))
}

pub fn rows_text(header: &ShardHeader, rows: &[Row]) -> String {
    let mut out = serde_json::to_string(header).unwrap_or_default();
    out.push('\n');
    for r in rows {
        out.push_str(&serde_json::to_string(r).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Shards' rows put back in job order: the same rows one unsharded run gives, or what is
/// missing, repeated or from another sweep.
pub fn merge(files: &[(String, String)]) -> Result<(ShardHeader, Vec<Row>), String> {
    let mut first: Option<ShardHeader> = None;
    let mut parts: BTreeMap<u64, (String, Vec<Row>)> = BTreeMap::new();
    for (name, text) in files {
        let mut lines = text.lines().enumerate();
        let header: ShardHeader = match lines.next() {
            Some((_, l)) => serde_json::from_str(l)
                .map_err(|e| format!("{name}:1: not a tidewatch rows file: {e}"))?,
            None => return Err(format!("{name}: empty")),
        };
        if header.tidewatch_rows != 1 {
            return Err(format!(
                "{name}:1: rows format {} is not one this version reads (1)",
                header.tidewatch_rows
            ));
        }
        if let Some(f) = &first {
            if f.sweep != header.sweep || f.scenario_name != header.scenario_name {
                return Err(format!(
                    "{name}: a shard of another sweep (scenario, seeds, runs, duration, --set and --vary must all match)"
                ));
            }
            if f.plans != header.plans {
                return Err(format!(
                    "{name}: a shard of the same sweep run on another version of the scenario (its contents differ)"
                ));
            }
            if f.shard.of != header.shard.of {
                return Err(format!(
                    "{name}: shard {}/{} of a sweep split {} ways elsewhere",
                    header.shard.index, header.shard.of, f.shard.of
                ));
            }
        }
        let mut rows = Vec::new();
        for (k, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            rows.push(
                serde_json::from_str::<Row>(line)
                    .map_err(|e| format!("{name}:{}: not a row: {e}", k + 1))?,
            );
        }
        if let Some((other, _)) = parts.get(&header.shard.index) {
            return Err(format!(
                "{name}: shard {}/{} is also in {other}",
                header.shard.index, header.shard.of
            ));
        }
        parts.insert(header.shard.index, (name.clone(), rows));
        first.get_or_insert(header);
    }
    let header = first.ok_or("no rows files given")?;
    let missing: Vec<String> = (0..header.shard.of)
        .filter(|i| !parts.contains_key(i))
        .map(|i| format!("{i}/{}", header.shard.of))
        .collect();
    if !missing.is_empty() {
        return Err(format!("shards missing: {}", missing.join(", ")));
    }
    // Job j was run by shard j % N as its (j / N)-th row.
    let jobs = header.sweep.jobs();
    let mut rows = Vec::with_capacity(jobs.len());
    for (j, (variant, seed)) in jobs.iter().enumerate() {
        let (name, shard_rows) = &parts[&(j as u64 % header.shard.of)];
        let row = shard_rows
            .get(j / header.shard.of as usize)
            .ok_or_else(|| format!("{name}: rows missing (was the shard cut short?)"))?;
        if row.variant != *variant || row.metrics.seed != *seed {
            return Err(format!(
                "{name}: expected the run of variant {variant}, seed {seed}; found variant {}, seed {}",
                row.variant, row.metrics.seed
            ));
        }
        rows.push(row.clone());
    }
    for (i, (name, shard_rows)) in &parts {
        let expected = jobs.len() / header.shard.of as usize
            + usize::from((*i as usize) < jobs.len() % header.shard.of as usize);
        if shard_rows.len() != expected {
            return Err(format!(
                "{name}: {} rows where shard {i}/{} has {expected}",
                shard_rows.len(),
                header.shard.of
            ));
        }
    }
    let header = ShardHeader {
        shard: Shard::WHOLE,
        ..header
    };
    Ok((header, rows))
}

/// A sweep's rows folded per variant: (the variant's overrides, its batch result).
pub fn sweep_results(header: &ShardHeader, rows: Vec<Row>) -> Vec<(Vec<String>, BatchResult)> {
    let sweep = &header.sweep;
    let mut per: Vec<Vec<RunMetrics>> = vec![Vec::new(); sweep.variants().len()];
    for r in rows {
        if let Some(v) = per.get_mut(r.variant) {
            v.push(r.metrics);
        }
    }
    sweep
        .variants()
        .into_iter()
        .zip(per)
        .map(|(set, runs)| {
            // The table says what the runs played besides the scenario.
            let name = match &sweep.commands {
                Some(file) => format!("{}, playing {}", header.scenario_name, file.name),
                None => header.scenario_name.clone(),
            };
            (
                set,
                batch_result(&name, (sweep.first_seed, sweep.runs, sweep.ticks), runs),
            )
        })
        .collect()
}

/// What `batch` prints (and `merge` prints the same): the table, or one JSON object; and the
/// CSV rows. Without `--vary`, as before sweeps existed.
pub struct SweepOutput {
    pub text: String,
    pub json: String,
    pub csv: String,
}

pub fn sweep_output(header: &ShardHeader, results: &[(Vec<String>, BatchResult)]) -> SweepOutput {
    let sweep = &header.sweep;
    if sweep.vary.is_empty()
        && let [(_, result)] = results
    {
        let json = serde_json::json!({
            "scenario": result.scenario,
            "runs": result.runs,
            "seed": result.first_seed,
            "ticks": result.ticks,
            "metrics": result.metrics,
        });
        return SweepOutput {
            text: result.text(),
            json: format!("{json}\n"),
            csv: result.csv(),
        };
    }
    let mut text = String::new();
    let mut variants = Vec::new();
    let paths: Vec<&str> = sweep.vary.iter().map(|(p, _)| p.as_str()).collect();
    let mut csv = format!("{},seed,{}\n", paths.join(","), METRICS.join(","));
    for (set, result) in results {
        text.push_str(&format!("variant {}\n", set.join(" ")));
        text.push_str(&result.text());
        text.push('\n');
        let values: Vec<&str> = set
            .iter()
            .map(|s| s.split_once('=').map_or("", |(_, v)| v))
            .collect();
        variants.push(serde_json::json!({
            "set": set,
            "metrics": result.metrics,
        }));
        for line in result.csv().lines().skip(1) {
            csv.push_str(&format!("{},{line}\n", values.join(",")));
        }
    }
    let json = serde_json::json!({
        "scenario": header.scenario_name,
        "runs": sweep.runs,
        "seed": sweep.first_seed,
        "ticks": sweep.ticks,
        "vary": sweep.vary,
        "variants": variants,
    });
    SweepOutput {
        text,
        json: format!("{json}\n"),
        csv,
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

#[cfg(test)]
mod shard_tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            (vars.iter())
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    /// `auto/N` takes the task's index from Slurm (from its array's first index) or from a
    /// Kubernetes Indexed Job; with neither, or an index out of range, it says what to set.
    #[test]
    fn an_automatic_shard_takes_its_index_from_the_scheduler() {
        let at = |vars, text| Shard::parse_in(text, env(vars));
        assert_eq!(at(&[], "2/4"), Ok(Shard { index: 2, of: 4 }));
        let slurm = [("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_MIN", "1")];
        assert_eq!(at(&slurm, "auto/4"), Ok(Shard { index: 2, of: 4 }));
        let from_zero = [("SLURM_ARRAY_TASK_ID", "3")];
        assert_eq!(at(&from_zero, "auto/4"), Ok(Shard { index: 3, of: 4 }));
        let k8s = [("JOB_COMPLETION_INDEX", "0")];
        assert_eq!(at(&k8s, "auto/2"), Ok(Shard { index: 0, of: 2 }));
        let none = at(&[], "auto/4").unwrap_err();
        assert!(none.contains("SLURM_ARRAY_TASK_ID") && none.contains("JOB_COMPLETION_INDEX"));
        let beyond = at(&[("JOB_COMPLETION_INDEX", "4")], "auto/4").unwrap_err();
        assert!(beyond.contains("below 4"), "{beyond}");
        assert!(at(&[("JOB_COMPLETION_INDEX", "x")], "auto/4").is_err());
        assert!(at(&[], "4/4").is_err() && at(&[], "1/0").is_err() && at(&[], "auto").is_err());
    }
}
