//! The `tidewatch` command line: one subcommand per job. See README.md for usage.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use tidewatch::report::narrate;
use tidewatch::report::summarise;
use tidewatch::scenario::{self, DEFAULT_SCENARIO, Plan};
use tidewatch::sim::Simulation;
use tidewatch::time::{Span, parse_span};

#[derive(Parser)]
#[command(
    name = "tidewatch",
    version,
    about = "Deterministic cyber crisis exercise simulator for small island states"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the facilitator console on a scenario (a path, or a shipped name).
    Console(ConsoleArgs),
    /// Run a scenario headless and print a summary.
    Run(RunArgs),
    /// Run many seeds of a scenario (in parallel) and report statistics per metric.
    Batch(BatchArgs),
    /// Check scenario files; exit 1 with file:line:col diagnostics if any is invalid.
    Validate {
        #[arg(required = true)]
        scenarios: Vec<String>,
    },
    /// Measure simulation speed on generated regions of 1,000 to 100,000 hosts.
    Bench {
        #[arg(long)]
        json: bool,
        /// Simulated time per case.
        #[arg(long, default_value = "72h", value_parser = span)]
        until: Span,
    },
}

#[derive(clap::Args, Default)]
pub struct ConsoleArgs {
    /// Scenario file or shipped scenario name.
    #[arg(default_value = DEFAULT_SCENARIO)]
    scenario: String,
    #[arg(long)]
    seed: Option<u64>,
    /// Override a scenario value, e.g. `--set islands.LC.csirt=false`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Save a screenshot to this PNG file and exit (needs --after).
    #[arg(long, requires = "after")]
    screenshot: Option<std::path::PathBuf>,
    /// With --screenshot: how far to run the exercise before taking it.
    #[arg(long, value_parser = span)]
    after: Option<Span>,
}

#[derive(clap::Args)]
struct BatchArgs {
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
    csv: Option<std::path::PathBuf>,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(clap::Args)]
struct RunArgs {
    scenario: String,
    #[arg(long)]
    seed: Option<u64>,
    /// Simulated time to run (default: the scenario's duration), e.g. `72h`.
    #[arg(long, value_parser = span)]
    until: Option<Span>,
    /// Write every event as one JSON object per line to this file.
    #[arg(long)]
    events: Option<std::path::PathBuf>,
    /// Override a scenario value, e.g. `--set islands.LC.csirt=false`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    json: bool,
    /// Worker threads for the simulation's parallel steps (results never depend on it).
    #[arg(long)]
    threads: Option<usize>,
}

fn span(text: &str) -> Result<Span, String> {
    parse_span(text)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => console(ConsoleArgs {
            scenario: DEFAULT_SCENARIO.into(),
            ..Default::default()
        }),
        Some(Command::Console(args)) => console(args),
        Some(Command::Run(args)) => run(args),
        Some(Command::Batch(args)) => batch(args),
        Some(Command::Validate { scenarios }) => validate(&scenarios),
        Some(Command::Bench { json, until }) => {
            tidewatch::bench::run_suite(until.0, json);
            ExitCode::SUCCESS
        }
    }
}

fn load(arg: &str, set: &[String], seed: Option<u64>) -> Result<(Arc<Plan>, u64), ExitCode> {
    match scenario::load(arg, set) {
        Ok(plan) => {
            let seed = seed.unwrap_or(plan.scenario.seed);
            Ok((Arc::new(plan), seed))
        }
        Err(e) => {
            eprintln!("{e}");
            Err(ExitCode::from(1))
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

fn validate(paths: &[String]) -> ExitCode {
    let mut ok = true;
    for p in paths {
        match scenario::load(p, &[]) {
            Ok(plan) => println!(
                "{p}: ok ({} islands, {} organisations, {} hosts, {} campaigns, {} teams)",
                plan.scenario.islands.len(),
                plan.orgs.len(),
                plan.host_count,
                plan.campaigns.len(),
                plan.teams.len()
            ),
            Err(e) => {
                eprintln!("{e}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run(args: RunArgs) -> ExitCode {
    let (plan, seed) = match load(&args.scenario, &args.set, args.seed) {
        Ok(x) => x,
        Err(code) => return code,
    };
    tidewatch::sim::init_task_pool(args.threads);
    let ticks = args.until.unwrap_or(plan.scenario.duration).0;
    let mut sim = Simulation::new(plan.clone(), seed);
    sim.run_until(ticks);
    let digest = sim.digest().hex();
    if let Some(path) = &args.events {
        let written = std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            for e in sim.events() {
                serde_json::to_writer(&mut w, &narrate::to_json(&plan, e))?;
                w.write_all(b"\n")?;
            }
            w.flush()
        });
        if let Err(e) = written {
            eprintln!("{}: cannot write events: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    let summary = summarise(&plan, seed, ticks, digest, sim.events());
    if args.json {
        emit(&format!(
            "{}\n",
            serde_json::to_string(&summary).expect("summary serialises")
        ));
    } else {
        emit(&tidewatch::report::summary::render_text(&plan, &summary));
    }
    ExitCode::SUCCESS
}

fn batch(args: BatchArgs) -> ExitCode {
    let (plan, seed) = match load(&args.scenario, &args.set, args.seed) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if args.runs == 0 {
        eprintln!("--runs must be at least 1");
        return ExitCode::from(2);
    }
    let workers = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    tidewatch::sim::init_task_pool(Some(1));
    let ticks = args.until.unwrap_or(plan.scenario.duration).0;
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr()) && !args.json;
    let result = tidewatch::batch::run_batch(plan, seed, args.runs, ticks, workers, progress);
    if let Some(path) = &args.csv
        && let Err(e) = std::fs::write(path, result.csv())
    {
        eprintln!("{}: cannot write CSV: {e}", path.display());
        return ExitCode::from(1);
    }
    if args.json {
        let out = serde_json::json!({
            "scenario": result.scenario,
            "runs": result.runs,
            "seed": result.first_seed,
            "ticks": result.ticks,
            "metrics": result.metrics,
        });
        emit(&format!("{out}\n"));
    } else {
        emit(&result.text());
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "console")]
fn console(args: ConsoleArgs) -> ExitCode {
    let (plan, seed) = match load(&args.scenario, &args.set, args.seed) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let shot = args.screenshot.map(|p| (p, args.after.map_or(0, |a| a.0)));
    tidewatch::console::run(plan, seed, shot)
}

#[cfg(not(feature = "console"))]
fn console(_args: ConsoleArgs) -> ExitCode {
    eprintln!(
        "this tidewatch was built without the console (feature `console`); use `tidewatch run SCENARIO`"
    );
    ExitCode::from(2)
}
