//! Over many seeds: `tidewatch batch` (a sweep of variants x seeds, whole or one shard),
//! `tidewatch merge` (shards' rows put back together) and `tidewatch calibrate`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tidewatch::batch::{PreparedSweep, Row, Shard, ShardHeader, Sweep};
use tidewatch::scenario::DEFAULT_SCENARIO;
use tidewatch::time::Span;

use super::files::Files;
use super::{Failure, emit, span, write_new};

#[derive(clap::Args)]
pub struct BatchArgs {
    scenario: String,
    /// Number of runs; seeds are S, S+1, ...
    #[arg(long)]
    runs: u64,
    /// First seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Simulated time per run (default: the scenario's duration).
    #[arg(long, value_parser = span)]
    until: Option<Span>,
    /// Override a scenario value for every run, e.g. `--set intel.sharing=false`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Print one JSON object (`runs`, `metrics`) instead of the table.
    #[arg(long)]
    json: bool,
    /// Also write one CSV row per run to this file.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Run every seed on each value of a scenario value, e.g. `--vary intel.sharing=true,false`;
    /// several make a grid (the first changes slowest).
    #[arg(long, value_name = "PATH=V1,V2,...", value_parser = tidewatch::batch::parse_vary)]
    vary: Vec<(String, Vec<String>)>,
    /// Run only slice I of N of the runs (every N-th, from the I-th) and write its rows to
    /// `--rows`, for `tidewatch merge` to combine: a sweep as an array job. `auto/N` takes I
    /// from the scheduler (`SLURM_ARRAY_TASK_ID`, `JOB_COMPLETION_INDEX`).
    #[arg(long, value_name = "I/N|auto/N", value_parser = Shard::parse, requires = "rows")]
    shard: Option<Shard>,
    /// Write each run's row (JSON lines, a header first) to this new file.
    #[arg(long, value_name = "FILE")]
    rows: Option<PathBuf>,
    /// Timed commands to play in every run (RON, as `run --commands`): a room's orders and
    /// decisions, or the white cell's, measured over the seeds.
    #[arg(long, value_name = "FILE")]
    commands: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The rows files of every shard of one sweep (`batch --shard I/N --rows FILE`).
    #[arg(required = true)]
    rows: Vec<PathBuf>,
    /// Print one JSON object instead of the table, as `batch --json` does.
    #[arg(long)]
    json: bool,
    /// Also write one CSV row per run to this file, as `batch --csv` does.
    #[arg(long)]
    csv: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct CalibrateArgs {
    /// Scenario file or shipped name.
    #[arg(default_value = DEFAULT_SCENARIO)]
    scenario: String,
    #[arg(long, default_value_t = 100)]
    runs: u64,
    /// First seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    #[arg(long)]
    json: bool,
}

/// A run over many seeds needs at least one.
pub(super) fn some_runs(runs: u64) -> Result<(), Failure> {
    if runs == 0 {
        return Err(Failure::Usage("--runs must be at least 1".into()));
    }
    Ok(())
}

/// Whether to draw a progress bar: on a terminal, and not when the output is JSON.
fn progress(json: bool) -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stderr()) && !json
}

pub(super) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub fn calibrate(args: CalibrateArgs) -> Result<ExitCode, Failure> {
    use tidewatch::report::calibration;
    some_runs(args.runs)?;
    let (plan, seed) = super::load(&args.scenario, &args.set, args.seed)?;
    tidewatch::sim::init_task_pool(Some(1));
    let ticks = plan.scenario.duration.0;
    let samples = tidewatch::batch::over_seeds(
        &plan,
        (seed, args.runs, ticks),
        cores(),
        progress(args.json),
        |plan, _, events| calibration::samples(plan, events, ticks),
    );
    let mut rows = calibration::rows(&samples);
    let shape = calibration::ScenarioShape {
        compressed: plan.compressed_campaigns(),
        before_lateral: plan.before_lateral(),
        minutes: ticks,
        reach: plan.ransomware_reach(),
    };
    calibration::explain_scenario(&mut rows, &shape);
    if args.json {
        let out = serde_json::json!({
            "scenario": plan.scenario.name,
            "runs": args.runs,
            "seed": seed,
            "rows": rows,
        });
        emit(&format!("{out}\n"));
    } else {
        emit(&format!(
            "{}: {} runs (seeds {}..{}), {} each\n{}",
            plan.scenario.name,
            args.runs,
            seed,
            seed.wrapping_add(args.runs - 1),
            Span(ticks),
            calibration::render(&rows)
        ));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn batch(args: BatchArgs) -> Result<ExitCode, Failure> {
    Files::default()
        .reads("the scenario", Some(Path::new(&args.scenario)))
        .writes("--csv", args.csv.as_deref())
        .writes("--rows", args.rows.as_deref())
        .reads("--commands", args.commands.as_deref())
        .check()?;
    some_runs(args.runs)?;
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let commands = match &args.commands {
        Some(path) => {
            let source = tidewatch::scenario::Source::read(path)?;
            Some(tidewatch::batch::CommandFile {
                name: source.name,
                text: source.text,
            })
        }
        None => None,
    };
    let sweep = Sweep {
        scenario: args.scenario.clone(),
        first_seed: 0,
        runs: args.runs,
        ticks: 0,
        set: args.set.clone(),
        vary: args.vary.clone(),
        commands,
    };
    let prepared = PreparedSweep::load(sweep, args.seed, args.until.map(|u| u.0), shard)?;
    if let Some(path) = &args.rows
        && path.exists()
    {
        return Err(Failure::Refused(format!(
            "{}: already exists; rows are written to a new file",
            path.display()
        )));
    }
    tidewatch::sim::init_task_pool(Some(1));
    let rows = prepared.run(args.threads.unwrap_or_else(cores), progress(args.json));
    let header = &prepared.header;
    if let Some(path) = &args.rows {
        write_new(path, tidewatch::batch::rows_text(header, &rows))?;
    }
    if shard != Shard::WHOLE {
        emit(&format!(
            "shard {}/{}: {} of {} runs written to {}; combine the shards with `tidewatch merge`\n",
            shard.index,
            shard.of,
            rows.len(),
            header.sweep.jobs().len(),
            args.rows
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string())
        ));
        return Ok(ExitCode::SUCCESS);
    }
    print_sweep(header, rows, args.json, args.csv.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// What `batch` and `merge` print: the table or JSON, and the CSV file if asked.
fn print_sweep(
    header: &ShardHeader,
    rows: Vec<Row>,
    json: bool,
    csv: Option<&Path>,
) -> Result<(), Failure> {
    let results = tidewatch::batch::sweep_results(header, rows);
    let out = tidewatch::batch::sweep_output(header, &results);
    if let Some(path) = csv {
        std::fs::write(path, &out.csv)
            .map_err(|e| format!("{}: cannot write CSV: {e}", path.display()))?;
    }
    emit(if json { &out.json } else { &out.text });
    Ok(())
}

/// `tidewatch merge`: shards' rows combined into what one unsharded `batch` prints.
pub fn merge(args: MergeArgs) -> Result<ExitCode, Failure> {
    Files::default()
        .reads_all("a rows file", &args.rows)
        .writes("--csv", args.csv.as_deref())
        .check()?;
    let mut files = Vec::new();
    for path in &args.rows {
        let text = tidewatch::scenario::read_bounded(path)
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| "not UTF-8 text: not a rows file".to_string())
            })
            .map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((path.display().to_string(), text));
    }
    let (header, rows) = tidewatch::batch::merge(&files)?;
    print_sweep(&header, rows, args.json, args.csv.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
