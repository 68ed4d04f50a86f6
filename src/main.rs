//! The `tidewatch` command line: one subcommand per job. See README.md for usage.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use tidewatch::exercise::journal::JournalFile;
use tidewatch::exercise::session::{self, Session};
use tidewatch::report::summarise;
use tidewatch::report::{audience, narrate};
use tidewatch::scenario::ids::TeamIx;
use tidewatch::scenario::{self, DEFAULT_SCENARIO, Plan};
use tidewatch::sim::events::Stamped;
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
    /// Re-run a recorded exercise from its journal; verify it, or fork it at a moment.
    Replay(ReplayArgs),
    /// Run many seeds of a scenario (in parallel) and report statistics per metric.
    Batch(BatchArgs),
    /// Combine the rows of a sharded batch (`batch --shard I/N --rows FILE`, one per shard)
    /// into exactly what one unsharded `batch` prints.
    Merge(MergeArgs),
    /// The model's figures over many seeds beside the published ones (who finds ransomware,
    /// how fast attackers move, false alerts, backups), with each reference's source.
    Calibrate(CalibrateArgs),
    /// The after-action report of a recorded exercise, as played (the journal is only read):
    /// objectives and evidence, timeline, figures, notes, improvement plan, and what each
    /// decision's other options would have cost.
    Report(ReportArgs),
    /// The intelligence the teams produced and shared in a recorded exercise, as a STIX 2.1
    /// bundle for MISP or OpenCTI: reports by team with their TLP 2.0 markings, the campaigns,
    /// actors (intrusion sets), ATT&CK techniques, fictional indicators and sightings by island.
    Stix {
        /// The exercise's journal (only read).
        journal: std::path::PathBuf,
        /// Where to write the bundle (a new `.json` file).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Check scenario files; exit 1 with file:line:col diagnostics if any is invalid.
    Validate {
        #[arg(required = true)]
        scenarios: Vec<String>,
        /// Treat warnings (`lint`'s) as errors: exit 1 if there is any.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Write a starting scenario: the islands named, with their real figures, a ministry each,
    /// their national teams as they are today, a phishing campaign and a first inject. It
    /// loads, lints clean and runs as it is.
    New {
        /// The scenario's name (and, without --out, its file name).
        name: String,
        /// Islands by id, in festoon order: VG, AI, KN, AG, MS, DM, LC, VC, GD, BB, TT.
        #[arg(long, value_delimiter = ',', default_value = "LC")]
        islands: Vec<String>,
        /// Where to write it (a new file; default: NAME as a file name, `.ron`).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Check scenarios for what loads but is probably not meant: hosts against population,
    /// GDP units, swapped coordinates, things after the end, injects that cannot fire,
    /// organisations and teams nothing involves. Exit 0 unless --deny-warnings.
    Lint {
        #[arg(required = true)]
        scenarios: Vec<String>,
        #[arg(long)]
        deny_warnings: bool,
        /// Override a scenario value first, e.g. `--set islands.LC.csirt=false`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Write the handouts for the room: the players' Situation Manual (no facilitator-only
    /// facts), one printable card per inject for its teams, and the facilitator's guide with
    /// everything, as Markdown and self-contained HTML.
    Handouts {
        /// Scenario file or shipped scenario name.
        scenario: String,
        /// The directory to write into (created if need be; the cards go in `cards/`).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Override a scenario value first, e.g. `--set teams.ag-npc.auto=false`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// The MSEL as the sheet planners keep (XLSX or CSV, one row per inject): export it, or
    /// read an edited sheet back into the scenario.
    #[command(subcommand)]
    Msel(MselCommand),
    /// A trainee's seat in a lab exercise: join the host with the team's code.
    Seat(SeatArgs),
    /// Measure simulation speed on generated regions of 1,000 to 100,000 hosts.
    Bench {
        #[arg(long)]
        json: bool,
        /// Simulated time per case.
        #[arg(long, default_value = "72h", value_parser = span)]
        until: Span,
        /// Instead of the size suite: the console's work per frame at full speed on this
        /// scenario (simulation, and the picture folded from the new events against one
        /// rebuilt from the whole log).
        #[arg(long, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = DEFAULT_SCENARIO)]
        console: Option<String>,
    },
}

#[derive(Subcommand)]
enum MselCommand {
    /// Write the scenario's MSEL as a sheet (a new file): an XLSX workbook (the `MSEL` sheet,
    /// with drop-down lists, and a `Lists` sheet of teams, modules and trigger forms) or CSV,
    /// by the file's extension.
    Export {
        /// Scenario file or shipped scenario name.
        scenario: String,
        /// `msel.xlsx` or `msel.csv`.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Read an edited sheet back: an edited row changes its inject, a new row adds one, a
    /// removed row removes one. Writes the scenario with its new MSEL (comments and all else
    /// as they were) to a new file, after checking it loads.
    Import {
        /// Scenario file or shipped scenario name.
        scenario: String,
        /// The edited sheet: .xlsx (its `MSEL` sheet; .xlsm, .xlsb, .xls and .ods are read
        /// too) or .csv.
        sheet: std::path::PathBuf,
        #[arg(long)]
        out: std::path::PathBuf,
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
    /// End the exercise when the clock reaches this time (EndEx), as the "End exercise" button
    /// does: the clock stops and the after-action report is written beside the journal.
    #[arg(long, value_parser = span, conflicts_with = "team", value_name = "DURATION")]
    end_at: Option<Span>,
    /// With --screenshot: how far to run the exercise before taking it.
    #[arg(long, value_parser = span)]
    after: Option<Span>,
    /// Record the exercise (every command, with digests) to this new journal.
    #[arg(long, conflicts_with = "resume")]
    journal: Option<std::path::PathBuf>,
    /// Continue the exercise recorded in this journal (its scenario, seed and overrides are the
    /// journal's own).
    #[arg(long, conflicts_with_all = ["scenario", "seed", "set"])]
    resume: Option<std::path::PathBuf>,
    /// Timed commands to play (RON: a list of `Timed(at: "D1 10:00", do: ...)`), as `run` does;
    /// with --resume, those at or after where the journal stops.
    #[arg(long)]
    commands: Option<std::path::PathBuf>,
    /// The size of everything in the window, e.g. 1.5 for a projector (A- / A+ and Ctrl +/-
    /// change it live).
    #[arg(long, value_parser = scale)]
    scale: Option<f32>,
    /// The window's size, e.g. `1280x720` or `1920x1080` (a projector's).
    #[arg(long, value_parser = window_size, value_name = "WxH")]
    size: Option<(u32, u32)>,
    /// The facilitator's screen to open on: map, timeline, validation, charts or compose.
    #[arg(long, value_parser = ["map", "timeline", "validation", "charts", "compose"], default_value = "map")]
    screen: String,
    /// Show this team's view (only what it may see) and let it be played from this window;
    /// the other teams are auto-played. Without --resume, the team is handed to the trainee
    /// (`--set teams.TEAM_ID.auto=false`).
    #[arg(long, value_name = "TEAM_ID", conflicts_with = "host")]
    team: Option<String>,
    /// Host a lab exercise: trainee seats join at ADDR:PORT (default 0.0.0.0:7447, every
    /// network of this machine); the window shows each team's join code.
    #[arg(long, value_name = "ADDR:PORT", num_args = 0..=1, default_missing_value = LAB_ADDRESS)]
    host: Option<String>,
    /// With --host: seats one team may have connected at once (at most 32, half the lab).
    #[arg(long, requires = "host", default_value_t = tidewatch::lab::host::SEATS_PER_TEAM)]
    seats_per_team: usize,
}

/// Where a lab host listens unless told otherwise: every network of the machine, port 7447.
const LAB_ADDRESS: &str = "0.0.0.0:7447";

#[derive(clap::Args)]
struct SeatArgs {
    /// The facilitator's machine, as HOST:PORT (the console shows it).
    host: String,
    /// The team this seat plays, by id.
    #[arg(long, value_name = "TEAM_ID")]
    team: String,
    /// The team's join code from the facilitator.
    #[arg(long)]
    code: String,
    /// Who sits here, for the facilitator and the journal (default: this machine's name).
    #[arg(long)]
    name: Option<String>,
    /// No window: play the orders of --commands at their times, print what happens.
    #[arg(long)]
    headless: bool,
    /// With --headless: timed orders (RON: a list of `Timed(at: "D1 10:00", do: ...)`).
    #[arg(long, requires = "headless")]
    commands: Option<std::path::PathBuf>,
    /// With --headless: write the team's screen as it stood at the end (JSON) to this file.
    #[arg(long, requires = "headless")]
    out: Option<std::path::PathBuf>,
    /// Save a screenshot of the seat's window to this PNG once the exercise reaches --after,
    /// then leave.
    #[arg(long, requires = "after", conflicts_with = "headless")]
    screenshot: Option<std::path::PathBuf>,
    /// With --screenshot: the exercise time to take it at.
    #[arg(long, value_parser = span)]
    after: Option<Span>,
    /// How long to keep trying to reach the host (minutes, like `2m`) before giving up.
    #[arg(long, default_value = "2m", value_parser = span)]
    patience: Span,
}

#[derive(clap::Args)]
struct ReplayArgs {
    journal: std::path::PathBuf,
    /// Check every recorded digest; on divergence name the tick and the parts and exit 1.
    #[arg(long)]
    verify: bool,
    /// Stop at this exercise time instead of the journal's end.
    #[arg(long, value_parser = span)]
    until: Option<Span>,
    /// Write a new journal ending at --until, to branch a new exercise from there.
    #[arg(long, requires = "until")]
    fork: Option<std::path::PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct CalibrateArgs {
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
    /// Run every seed on each value of a scenario value, e.g. `--vary intel.sharing=true,false`;
    /// several make a grid (the first changes slowest).
    #[arg(long, value_name = "PATH=V1,V2,...", value_parser = tidewatch::batch::parse_vary)]
    vary: Vec<(String, Vec<String>)>,
    /// Run only slice I of N of the runs (every N-th, from the I-th) and write its rows to
    /// `--rows`, for `tidewatch merge` to combine: a sweep as an array job.
    #[arg(long, value_name = "I/N", value_parser = tidewatch::batch::Shard::parse, requires = "rows")]
    shard: Option<tidewatch::batch::Shard>,
    /// Write each run's row (JSON lines, a header first) to this new file.
    #[arg(long, value_name = "FILE")]
    rows: Option<std::path::PathBuf>,
}

#[derive(clap::Args)]
struct MergeArgs {
    /// The rows files of every shard of one sweep (`batch --shard I/N --rows FILE`).
    #[arg(required = true)]
    rows: Vec<std::path::PathBuf>,
    /// Print one JSON object instead of the table, as `batch --json` does.
    #[arg(long)]
    json: bool,
    /// Also write one CSV row per run to this file, as `batch --csv` does.
    #[arg(long)]
    csv: Option<std::path::PathBuf>,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// The exercise's journal (`--journal` of `run` or `console`); never written to.
    journal: std::path::PathBuf,
    /// Where to write the report: `.html`, `.md` or `.json` (several allowed).
    #[arg(long, required = true, value_name = "FILE")]
    out: Vec<std::path::PathBuf>,
    /// Also replay each decision's alternatives on this many seeds (the exercise's and the
    /// next ones) and give the spread of their effect.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    seeds: u64,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario file or shipped name (not needed with --resume: the journal holds it).
    #[arg(required_unless_present = "resume")]
    scenario: Option<String>,
    /// Timed commands to play (RON: a list of `Timed(at: "D1 10:00", do: ...)`).
    #[arg(long)]
    commands: Option<std::path::PathBuf>,
    /// Record the exercise to this journal (a new file).
    #[arg(long, conflicts_with = "resume")]
    journal: Option<std::path::PathBuf>,
    /// Continue the exercise recorded in this journal, appending to it.
    #[arg(long, conflicts_with_all = ["scenario", "seed", "set"])]
    resume: Option<std::path::PathBuf>,
    #[arg(long)]
    seed: Option<u64>,
    /// Simulated time to run (default: the scenario's duration), e.g. `72h`.
    #[arg(long, value_parser = span)]
    until: Option<Span>,
    /// Write every event as one JSON object per line to this file.
    #[arg(long)]
    events: Option<std::path::PathBuf>,
    /// With --events: write only what this team may see (its fog of war), by team id.
    #[arg(long, requires = "events", value_name = "TEAM_ID")]
    team: Option<String>,
    /// Override a scenario value, e.g. `--set islands.LC.csirt=false`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    json: bool,
    /// Also report the MSEL rehearsal: injects fired, decisions, expectations met, objectives.
    #[arg(long)]
    rehearse: bool,
    /// Write the after-action report of the run to this file: `.html`, `.md` or `.json`
    /// (several allowed).
    #[arg(long, value_name = "FILE")]
    report: Vec<std::path::PathBuf>,
    /// Worker threads for the simulation's parallel steps (results never depend on it).
    #[arg(long)]
    threads: Option<usize>,
    /// Host a lab exercise without a window: seats join at ADDR:PORT (default 0.0.0.0:7447)
    /// and the clock runs at --pace.
    #[arg(long, value_name = "ADDR:PORT", num_args = 0..=1, default_missing_value = LAB_ADDRESS)]
    host: Option<String>,
    /// With --host: the clock's pace, `max` or a factor over real time like `60x`.
    #[arg(long, requires = "host", default_value = "60x")]
    pace: String,
    /// With --host: start the clock once this many seats have joined.
    #[arg(long, requires = "host", default_value_t = 0)]
    wait_for_seats: usize,
    /// With --host: seats one team may have connected at once (at most 32, half the lab).
    #[arg(long, requires = "host", default_value_t = tidewatch::lab::host::SEATS_PER_TEAM)]
    seats_per_team: usize,
}

fn span(text: &str) -> Result<Span, String> {
    parse_span(text)
}

fn window_size(text: &str) -> Result<(u32, u32), String> {
    let parsed = text
        .split_once('x')
        .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)));
    match parsed {
        Some((w, h)) if (640..=7680).contains(&w) && (480..=4320).contains(&h) => Ok((w, h)),
        _ => Err(format!(
            "`{text}` is not a window size like `1280x720` (640x480 to 7680x4320)"
        )),
    }
}

fn scale(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(x) if (0.5..=3.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{text}` is not a scale from 0.5 to 3 (1 is normal, 1.5 a projector)"
        )),
    }
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
        Some(Command::Merge(args)) => merge(args),
        Some(Command::Replay(args)) => replay(args),
        Some(Command::Seat(args)) => seat(args),
        Some(Command::Calibrate(args)) => calibrate(args),
        Some(Command::Report(args)) => report(args),
        Some(Command::Stix { journal, out }) => stix(&journal, &out),
        Some(Command::Validate {
            scenarios,
            deny_warnings,
        }) => validate(&scenarios, &[], deny_warnings),
        Some(Command::New { name, islands, out }) => new_scenario(&name, &islands, out),
        Some(Command::Lint {
            scenarios,
            deny_warnings,
            set,
        }) => validate(&scenarios, &set, deny_warnings),
        Some(Command::Msel(cmd)) => msel_sheet(cmd),
        Some(Command::Handouts { scenario, out, set }) => match load(&scenario, &set, None) {
            Ok((plan, _)) => write_handouts(&plan, &out),
            Err(code) => code,
        },
        Some(Command::Bench {
            json,
            until,
            console: None,
        }) => {
            tidewatch::bench::run_suite(until.0, json);
            ExitCode::SUCCESS
        }
        Some(Command::Bench {
            json,
            until,
            console: Some(scenario),
        }) => match load(&scenario, &[], None) {
            Ok((plan, seed)) => {
                tidewatch::bench::run_console_frames(plan, seed, until.0, json);
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
    }
}

fn load(arg: &str, set: &[String], seed: Option<u64>) -> Result<(Arc<Plan>, u64), ExitCode> {
    let (plan, _) = load_with_source(arg, set)?;
    let seed = seed.unwrap_or(plan.scenario.seed);
    Ok((Arc::new(plan), seed))
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

/// Loads a scenario and keeps its source text (for a journal header); diagnostics go to stderr.
fn load_with_source(arg: &str, set: &[String]) -> Result<(Plan, scenario::Source), ExitCode> {
    scenario::Source::resolve(arg)
        .and_then(|src| Ok((scenario::load_source(&src, set)?, src)))
        .map_err(|e| {
            eprintln!("{e}");
            ExitCode::from(1)
        })
}

/// Writes a new file (never over an existing one); says why not.
fn write_new(path: &std::path::Path, text: impl AsRef<[u8]>) -> Result<(), String> {
    use std::io::Write as _;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_ref()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// `tidewatch msel export|import`.
fn msel_sheet(cmd: MselCommand) -> ExitCode {
    let fail = |e: String| {
        eprintln!("{e}");
        ExitCode::from(1)
    };
    match cmd {
        MselCommand::Export { scenario, out } => {
            let (plan, _) = match load_with_source(&scenario, &[]) {
                Ok(p) => p,
                Err(code) => return code,
            };
            let bytes = match scenario::sheet::SheetFormat::of(&out) {
                Ok(scenario::sheet::SheetFormat::Csv) => {
                    scenario::sheet::export_csv(&plan.scenario).into_bytes()
                }
                Ok(scenario::sheet::SheetFormat::Workbook)
                    if out
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
                {
                    match scenario::sheet::export_xlsx(&plan.scenario) {
                        Ok(b) => b,
                        Err(e) => return fail(e),
                    }
                }
                Ok(scenario::sheet::SheetFormat::Workbook) => {
                    return fail(format!(
                        "{}: the sheet is written as .xlsx or .csv (other workbooks are read, not written)",
                        out.display()
                    ));
                }
                Err(e) => return fail(e),
            };
            match write_new(&out, &bytes) {
                Ok(()) => {
                    println!(
                        "wrote {} injects to {}",
                        plan.scenario.msel.len(),
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        MselCommand::Import {
            scenario,
            sheet,
            out,
        } => {
            let (plan, source) = match load_with_source(&scenario, &[]) {
                Ok(p) => p,
                Err(code) => return code,
            };
            let format = match scenario::sheet::SheetFormat::of(&sheet) {
                Ok(f) => f,
                Err(e) => return fail(e),
            };
            let bytes = match std::fs::read(&sheet) {
                Ok(t) => t,
                Err(e) => return fail(format!("{}: {e}", sheet.display())),
            };
            let name = sheet.display().to_string();
            let read = match format {
                scenario::sheet::SheetFormat::Csv => match String::from_utf8(bytes) {
                    Ok(text) => scenario::sheet::import_csv(&name, &text, &plan.scenario),
                    Err(_) => {
                        return fail(format!(
                            "{name}: not UTF-8 text\n  help: save the sheet as CSV UTF-8 (or as .xlsx)"
                        ));
                    }
                },
                scenario::sheet::SheetFormat::Workbook => {
                    scenario::sheet::import_workbook(&name, bytes, &plan.scenario)
                }
            };
            let imported = match read {
                Ok(i) => i,
                Err(e) => return fail(e.to_string()),
            };
            for w in &imported.warnings {
                eprintln!("{}", w.as_warning());
            }
            let injects = imported.injects;
            let new_text = scenario::sheet::replace_msel(&source.text, &injects);
            let check = scenario::Source {
                name: out.display().to_string(),
                text: new_text.clone(),
                dir: source.dir.clone(),
            };
            if let Err(e) = scenario::load_source(&check, &[]) {
                return fail(format!("the scenario with this MSEL does not load:\n{e}"));
            }
            match write_new(&out, &new_text) {
                Ok(()) => {
                    println!(
                        "wrote {} with {} injects (was {})",
                        out.display(),
                        injects.len(),
                        plan.scenario.msel.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}

/// `tidewatch handouts`: every handout written under `out`; says where, or why not (exit 1).
fn write_handouts(plan: &Plan, out: &std::path::Path) -> ExitCode {
    let all = tidewatch::report::handouts::handouts(plan);
    for h in &all {
        let path = out.join(&h.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(&path, &h.text));
        if let Err(e) = written {
            eprintln!("{}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    let cards = all.iter().filter(|h| h.path.starts_with("cards/")).count() / 2;
    println!(
        "wrote {} files to {}: situation-manual (for the players), facilitator-guide, and {cards} inject cards in cards/ (each as .md and .html)",
        all.len(),
        out.display()
    );
    ExitCode::SUCCESS
}

/// `tidewatch new`: the starter written to a new file (never over an existing one).
fn new_scenario(name: &str, islands: &[String], out: Option<std::path::PathBuf>) -> ExitCode {
    let text = match scenario::starter::starter(name, islands) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("tidewatch new: {e}");
            return ExitCode::from(1);
        }
    };
    let path = out.unwrap_or_else(|| {
        let stem: String = name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let stem = stem.trim_matches('-');
        std::path::PathBuf::from(format!(
            "{}.ron",
            if stem.is_empty() { "scenario" } else { stem }
        ))
    });
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_ref()));
    match written {
        Ok(()) => {
            println!(
                "wrote {0}: try `tidewatch validate {0}`, `tidewatch run {0}`, `tidewatch console {0}`",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: cannot write the scenario there: {e}", path.display());
            ExitCode::from(1)
        }
    }
}

/// Errors exit 1; warnings are printed and exit 0 unless `deny_warnings`.
fn validate(paths: &[String], set: &[String], deny_warnings: bool) -> ExitCode {
    let (mut errors, mut warnings) = (false, 0);
    for p in paths {
        let loaded = scenario::Source::resolve(p)
            .and_then(|src| Ok((scenario::load_source(&src, set)?, src)));
        match loaded {
            Ok((plan, source)) => {
                let found = scenario::lint(&plan, &source);
                for w in &found {
                    eprintln!("{}", w.as_warning());
                }
                warnings += found.len();
                println!(
                    "{p}: ok ({} islands, {} organisations, {} hosts, {} campaigns, {} teams){}",
                    plan.scenario.islands.len(),
                    plan.orgs.len(),
                    plan.host_count,
                    plan.campaigns.len(),
                    plan.teams.len(),
                    match found.len() {
                        0 => String::new(),
                        1 => ", 1 warning".into(),
                        n => format!(", {n} warnings"),
                    }
                );
            }
            Err(e) => {
                eprintln!("{e}");
                errors = true;
            }
        }
    }
    if errors || (deny_warnings && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run(args: RunArgs) -> ExitCode {
    tidewatch::sim::init_task_pool(args.threads);
    let mut session = match &args.resume {
        Some(journal) => match session::resume(journal) {
            Ok((session, _)) => session,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
        },
        None => {
            let arg = args.scenario.as_deref().unwrap_or(DEFAULT_SCENARIO);
            let (plan, source) = match load_with_source(arg, &args.set) {
                Ok(x) => x,
                Err(code) => return code,
            };
            let seed = args.seed.unwrap_or(plan.scenario.seed);
            let mut session = Session::new(Arc::new(plan), seed);
            if let Some(path) = &args.journal
                && let Err(e) = session.record(path, &source, &args.set)
            {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
            session
        }
    };
    if let Err(code) = report_formats(&args.report, args.resume.as_deref()) {
        return code;
    }
    // The commands of the run, for the report's alternatives: the journal's and the file's.
    let mut given: Vec<(u64, tidewatch::scenario::Command, Option<String>)> = Vec::new();
    if let Some(journal) = args.resume.as_deref().filter(|_| !args.report.is_empty()) {
        match JournalFile::read(journal) {
            Ok(file) => given.extend(journal_commands(&file)),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
        }
    }
    if let Some(path) = &args.commands {
        match tidewatch::scenario::load_commands(&path.to_string_lossy(), &session.plan) {
            Ok(commands) => {
                let reached = session.now();
                let later: Vec<_> = commands
                    .into_iter()
                    .filter(|(t, _)| *t >= reached)
                    .collect();
                given.extend(later.iter().map(|(t, c)| (*t, c.clone(), None)));
                session.add_commands(later);
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
        }
    }
    let plan = session.plan.clone();
    let ticks = args.until.unwrap_or(plan.scenario.duration).0;
    let ran = match &args.host {
        Some(address) => host_lab(
            &mut session,
            address,
            &args.pace,
            ticks,
            args.wait_for_seats,
            args.seats_per_team,
        ),
        None => session.run_until(ticks).and_then(|_| session.finish()),
    };
    if let Err(e) = ran {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    let team = match args
        .team
        .as_deref()
        .map(|t| plan.ids.teams.resolve(t))
        .transpose()
    {
        Ok(team) => team,
        Err(e) => {
            eprintln!("--team: {e}");
            return ExitCode::from(1);
        }
    };
    if !args.report.is_empty()
        && let Err(e) = write_report(&plan, &session, &given, &args.report, 1)
    {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    let events = args.events.as_deref().map(|p| (p, team));
    finish_run(&plan, &mut session, events, args.json, args.rehearse)
}

/// Checks the report paths before any work: a known format each, and never the journal.
fn report_formats(
    out: &[std::path::PathBuf],
    journal: Option<&std::path::Path>,
) -> Result<(), ExitCode> {
    for path in out {
        let same = |j: &std::path::Path| {
            j == path.as_path()
                || matches!((j.canonicalize(), path.canonicalize()), (Ok(a), Ok(b)) if a == b)
        };
        if journal.is_some_and(same) {
            eprintln!(
                "report {}: that is the exercise's journal; a report never overwrites it",
                path.display()
            );
            return Err(ExitCode::from(2));
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "htm" | "md" | "json") {
            eprintln!(
                "report {}: say the format by the extension: .html, .md or .json",
                path.display()
            );
            return Err(ExitCode::from(2));
        }
    }
    Ok(())
}

/// The commands a journal recorded, with their seats.
fn journal_commands(
    file: &JournalFile,
) -> Vec<(u64, tidewatch::scenario::Command, Option<String>)> {
    use tidewatch::exercise::journal::Entry;
    file.entries
        .iter()
        .filter_map(|(_, e)| match e {
            Entry::Command {
                tick,
                command,
                seat,
                ..
            } => Some((*tick, command.clone(), seat.clone())),
            _ => None,
        })
        .collect()
}

/// Builds the after-action report of a session played to now and writes it in each format.
fn write_report(
    plan: &Arc<Plan>,
    session: &Session,
    commands: &[(u64, tidewatch::scenario::Command, Option<String>)],
    out: &[std::path::PathBuf],
    seeds: u64,
) -> Result<(), String> {
    tidewatch::report::aar_page::write_report_files(
        plan,
        session.seed,
        session.now(),
        session.sim.events(),
        commands,
        out,
        seeds,
    )
}

fn report(args: ReportArgs) -> ExitCode {
    if let Err(code) = report_formats(&args.out, Some(&args.journal)) {
        return code;
    }
    tidewatch::sim::init_task_pool(Some(1));
    let file = match JournalFile::read(&args.journal) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    // The exercise as played: replayed to its last recorded tick, nothing recorded.
    let replayed = match session::replay(&file, None, false) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let session = replayed.session;
    let plan = session.plan.clone();
    if let Err(e) = write_report(
        &plan,
        &session,
        &journal_commands(&file),
        &args.out,
        args.seeds,
    ) {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    let names: Vec<String> = args.out.iter().map(|p| p.display().to_string()).collect();
    emit(&format!(
        "after-action report of {} ({} played) written to {}\n",
        plan.scenario.name,
        Span(session.now()),
        names.join(", ")
    ));
    ExitCode::SUCCESS
}

/// `tidewatch stix`: the exercise replayed from its journal, its intelligence written as a
/// STIX 2.1 bundle to a new file.
fn stix(journal: &std::path::Path, out: &std::path::Path) -> ExitCode {
    let fail = |e: String| {
        eprintln!("{e}");
        ExitCode::from(1)
    };
    tidewatch::sim::init_task_pool(Some(1));
    let file = match JournalFile::read(journal) {
        Ok(f) => f,
        Err(e) => return fail(e.to_string()),
    };
    let mut session = match session::replay(&file, None, false) {
        Ok(r) => r.session,
        Err(e) => return fail(e.to_string()),
    };
    let digest = session.sim.digest().hex();
    let export = tidewatch::report::stix::StixExport {
        plan: &session.plan,
        events: session.sim.events(),
        seed: session.seed,
        digest,
    };
    let bundle = export.bundle();
    let objects = bundle["objects"].as_array().map_or(0, Vec::len);
    let text = serde_json::to_string_pretty(&bundle).unwrap_or_default() + "\n";
    match write_new(out, text) {
        Ok(()) => {
            println!(
                "wrote {objects} STIX objects ({} intel reports) to {}",
                bundle["objects"]
                    .as_array()
                    .map_or(0, |o| o.iter().filter(|v| v["type"] == "report").count()),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `run --host`: serves seats while the clock runs at `pace`; prints the join codes first and
/// what each seat did at the end.
fn host_lab(
    session: &mut Session,
    address: &str,
    pace: &str,
    until: u64,
    wait_for: usize,
    seats_per_team: usize,
) -> Result<(), String> {
    use tidewatch::lab::{LabHost, Speed, host_headless};
    let speed = Speed::parse(pace).map_err(|e| format!("--pace: {e}"))?;
    let host = LabHost::start(address, &session.plan, seats_per_team)?;
    emit(&host.codes_text());
    let (seats, ran) = host_headless(session, host, speed, until, wait_for)?;
    let mut text = format!(
        "seats served: {} (the clock ran {ran:.1} s at {pace})\n",
        seats.len()
    );
    for s in &seats {
        let bytes = s.received.load(std::sync::atomic::Ordering::Relaxed);
        text.push_str(&format!(
            "  {}: {} orders taken, {} refused, {bytes} bytes received ({:.0} bytes/s)\n",
            s.label,
            s.orders,
            s.refused,
            bytes as f64 / ran.max(1e-3)
        ));
    }
    emit(&text);
    Ok(())
}

/// Writes `--events` and prints the summary of a finished run or replay.
/// `events`: where to write them, and for which team's eyes (`None`: the facilitator's).
fn finish_run(
    plan: &Plan,
    session: &mut Session,
    events: Option<(&std::path::Path, Option<TeamIx>)>,
    json: bool,
    rehearse: bool,
) -> ExitCode {
    let digest = session.sim.digest().hex();
    let sim = &session.sim;
    if let Some((path, team)) = events {
        let written = std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            let all: Vec<&Stamped> = match team {
                Some(t) => audience::visible_to(plan, t, sim.events()),
                None => sim.events().iter().collect(),
            };
            for e in all {
                let line = narrate::to_json(plan, e);
                let line = if team.is_some() {
                    audience::redact(line)
                } else {
                    line
                };
                serde_json::to_writer(&mut w, &line)?;
                w.write_all(b"\n")?;
            }
            w.flush()
        });
        if let Err(e) = written {
            eprintln!("{}: cannot write events: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    let summary = summarise(plan, session.seed, sim.now(), digest, sim.events());
    let rehearsal = rehearse.then(|| tidewatch::report::rehearsal::rehearse(plan, sim.events()));
    if json {
        let mut value = serde_json::to_value(&summary).expect("summary serialises");
        if let Some(r) = &rehearsal {
            value["rehearsal"] = serde_json::to_value(r).expect("rehearsal serialises");
        }
        emit(&format!("{value}\n"));
    } else {
        emit(&tidewatch::report::summary::render_text(plan, &summary));
        if let Some(r) = &rehearsal {
            emit(&r.text());
        }
    }
    ExitCode::SUCCESS
}

fn replay(args: ReplayArgs) -> ExitCode {
    let file = match JournalFile::read(&args.journal) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    if file.torn_tail {
        eprintln!(
            "{}: the last entry was cut off mid-write (a crash); it is ignored",
            file.path
        );
    }
    let until = args.until.map(|u| u.0);
    let mut r = match session::replay(&file, until, args.verify) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let plan = r.session.plan.clone();
    if let Some(d) = &r.divergence {
        eprintln!(
            "{}: replay diverges at tick {} ({}): recorded digest {}, replayed {}; differing parts: {}",
            file.path,
            d.tick,
            plan.scenario.start.at(d.tick).clock(),
            d.recorded,
            d.replayed,
            d.parts.join(", ")
        );
        return ExitCode::from(1);
    }
    if args.verify {
        eprintln!(
            "{}: verified {} digests up to tick {}",
            file.path,
            r.checked,
            r.session.now()
        );
        print_record(&plan, &file);
    }
    if let Some(to) = &args.fork {
        let at = until.unwrap_or_else(|| r.session.now());
        if let Err(e) = session::fork(&file, at, to) {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
        eprintln!(
            "{}: forked at tick {at} ({}); continue it with `tidewatch run --resume {}`",
            to.display(),
            plan.scenario.start.at(at).clock(),
            to.display()
        );
    }
    finish_run(&plan, &mut r.session, None, args.json, false)
}

/// The commands (and the lab host's refusals) on a journal's record, when and from whom: a
/// seat's label, or the facilitator's side (the window, a command file, an inject).
fn print_record(plan: &Plan, file: &JournalFile) {
    use tidewatch::exercise::journal::Entry;
    let mut text = String::new();
    for (_, e) in &file.entries {
        match e {
            Entry::Command {
                tick,
                command,
                seat,
                ..
            } => {
                let who = seat.as_deref().unwrap_or("facilitator");
                let when = plan.scenario.start.at(*tick).clock();
                text.push_str(&format!("  {when} (tick {tick}) {who}: {command:?}\n"));
            }
            Entry::Refused {
                tick,
                seat,
                what,
                why,
                ..
            } => {
                let when = plan.scenario.start.at(*tick).clock();
                text.push_str(&format!(
                    "  {when} (tick {tick}) {seat}: refused {what} ({why})\n"
                ));
            }
            _ => {}
        }
    }
    if !text.is_empty() {
        eprint!("commands on the record:\n{text}");
    }
}

/// The plan and first seed of a run over many seeds (`batch`, `calibrate`).
fn over_seeds_plan(
    scenario: &str,
    set: &[String],
    seed: Option<u64>,
    runs: u64,
) -> Result<(Arc<Plan>, u64), ExitCode> {
    if runs == 0 {
        eprintln!("--runs must be at least 1");
        return Err(ExitCode::from(2));
    }
    load(scenario, set, seed)
}

fn calibrate(args: CalibrateArgs) -> ExitCode {
    use tidewatch::report::calibration;
    let (plan, seed) = match over_seeds_plan(&args.scenario, &args.set, args.seed, args.runs) {
        Ok(x) => x,
        Err(code) => return code,
    };
    tidewatch::sim::init_task_pool(Some(1));
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr()) && !args.json;
    let ticks = plan.scenario.duration.0;
    let samples = tidewatch::batch::over_seeds(
        &plan,
        (seed, args.runs, ticks),
        workers,
        progress,
        |plan, _, events| calibration::samples(plan, events, ticks),
    );
    let rows = calibration::rows(&samples);
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
    ExitCode::SUCCESS
}

fn batch(args: BatchArgs) -> ExitCode {
    use tidewatch::batch::{Row, Shard, ShardHeader, Sweep};
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    // Every variant's plan first: a bad value stops the sweep before anything runs.
    let mut plans = Vec::new();
    let mut first_seed = 0;
    let sweep0 = Sweep {
        scenario: args.scenario.clone(),
        first_seed: 0,
        runs: args.runs,
        ticks: 0,
        set: args.set.clone(),
        vary: args.vary.clone(),
    };
    for variant in sweep0.variants() {
        let set: Vec<String> = args.set.iter().cloned().chain(variant).collect();
        match over_seeds_plan(&args.scenario, &set, args.seed, args.runs) {
            Ok((plan, seed)) => {
                first_seed = seed;
                plans.push(plan);
            }
            Err(code) => return code,
        }
    }
    let ticks = args.until.unwrap_or(plans[0].scenario.duration).0;
    let sweep = Sweep {
        first_seed,
        ticks,
        ..sweep0
    };
    let header = ShardHeader {
        tidewatch_rows: 1,
        scenario_name: plans[0].scenario.name.clone(),
        plans: tidewatch::batch::fingerprint(&plans),
        sweep: sweep.clone(),
        shard,
    };
    if let Some(path) = &args.rows
        && path.exists()
    {
        eprintln!(
            "{}: already exists; rows are written to a new file",
            path.display()
        );
        return ExitCode::from(1);
    }
    let workers = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    tidewatch::sim::init_task_pool(Some(1));
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr()) && !args.json;
    let jobs = sweep.shard_jobs(shard);
    let metrics = tidewatch::batch::over_jobs(
        &plans,
        &jobs,
        ticks,
        workers,
        progress,
        |plan, seed, events| tidewatch::report::metrics::run_metrics(plan, seed, ticks, events),
    );
    let rows: Vec<Row> = jobs
        .iter()
        .zip(metrics)
        .map(|(&(variant, _), metrics)| Row { variant, metrics })
        .collect();
    if let Some(path) = &args.rows
        && let Err(e) = write_new(path, tidewatch::batch::rows_text(&header, &rows))
    {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    if shard != Shard::WHOLE {
        emit(&format!(
            "shard {}/{}: {} of {} runs written to {}; combine the shards with `tidewatch merge`\n",
            shard.index,
            shard.of,
            rows.len(),
            sweep.jobs().len(),
            args.rows
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string())
        ));
        return ExitCode::SUCCESS;
    }
    print_sweep(&header, rows, args.json, args.csv.as_deref())
}

/// What `batch` and `merge` print: the table or JSON, and the CSV file if asked.
fn print_sweep(
    header: &tidewatch::batch::ShardHeader,
    rows: Vec<tidewatch::batch::Row>,
    json: bool,
    csv: Option<&std::path::Path>,
) -> ExitCode {
    let results = tidewatch::batch::sweep_results(header, rows);
    let out = tidewatch::batch::sweep_output(header, &results);
    if let Some(path) = csv
        && let Err(e) = std::fs::write(path, &out.csv)
    {
        eprintln!("{}: cannot write CSV: {e}", path.display());
        return ExitCode::from(1);
    }
    emit(if json { &out.json } else { &out.text });
    ExitCode::SUCCESS
}

/// `tidewatch merge`: shards' rows combined into what one unsharded `batch` prints.
fn merge(args: MergeArgs) -> ExitCode {
    let mut files = Vec::new();
    for path in &args.rows {
        match std::fs::read_to_string(path) {
            Ok(text) => files.push((path.display().to_string(), text)),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                return ExitCode::from(1);
            }
        }
    }
    match tidewatch::batch::merge(&files) {
        Ok((header, rows)) => print_sweep(&header, rows, args.json, args.csv.as_deref()),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn seat(args: SeatArgs) -> ExitCode {
    use tidewatch::lab::seat;
    let name = args.name.clone().unwrap_or_else(|| {
        std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "seat".into())
    });
    let patience = std::time::Duration::from_secs(args.patience.0 * 60);
    let ticket = seat::Ticket {
        address: args.host.clone(),
        team: args.team.clone(),
        code: args.code.clone(),
        name,
    };
    if !args.headless {
        return seat_window(&args, ticket, patience);
    }
    let orders = match args.commands.as_deref().map(seat::load_orders).transpose() {
        Ok(o) => o.unwrap_or_default(),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let screen = match seat::play_headless(&ticket, orders, patience) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    if let Some(path) = &args.out {
        let json = serde_json::to_string_pretty(&screen).expect("a screen serialises");
        if let Err(e) = std::fs::write(path, json) {
            eprintln!("{}: cannot write the seat's screen: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "console")]
fn seat_window(
    args: &SeatArgs,
    ticket: tidewatch::lab::seat::Ticket,
    patience: std::time::Duration,
) -> ExitCode {
    if let Some(why) = tidewatch::console::no_display("use `tidewatch seat ... --headless`") {
        eprintln!("{why}");
        return ExitCode::from(1);
    }
    let shot = args
        .screenshot
        .clone()
        .map(|p| (p, args.after.map_or(0, |a| a.0)));
    tidewatch::console::seat(ticket, patience, shot)
}

#[cfg(not(feature = "console"))]
fn seat_window(
    _args: &SeatArgs,
    _ticket: tidewatch::lab::seat::Ticket,
    _patience: std::time::Duration,
) -> ExitCode {
    eprintln!(
        "this tidewatch was built without the console (feature `console`); a seat needs a window, or use --headless"
    );
    ExitCode::from(2)
}

#[cfg(feature = "console")]
fn console(args: ConsoleArgs) -> ExitCode {
    use tidewatch::console::Start;
    // A screenshot that cannot be saved is said now, not after the run (a trial file is left
    // only if one was there already).
    if let Some(path) = &args.screenshot {
        let existed = path.exists();
        let trial = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path);
        match trial {
            Err(e) => {
                eprintln!("{}: cannot write the screenshot there: {e}", path.display());
                return ExitCode::from(1);
            }
            Ok(_) if !existed => {
                let _ = std::fs::remove_file(path);
            }
            Ok(_) => {}
        }
    }
    if let Some(why) = tidewatch::console::no_display("use `tidewatch run SCENARIO` headless") {
        eprintln!("{why}");
        return ExitCode::from(1);
    }
    // Everything but the exercise itself: the same whether it is new or resumed.
    let open = |plan: Arc<Plan>, seed: u64, start: Start| -> ExitCode {
        let team = match args
            .team
            .as_deref()
            .map(|t| plan.ids.teams.resolve(t))
            .transpose()
        {
            Ok(team) => team,
            Err(e) => {
                eprintln!("--team: {e}");
                return ExitCode::from(1);
            }
        };
        let commands = match &args.commands {
            Some(path) => {
                match tidewatch::scenario::load_commands(&path.to_string_lossy(), &plan) {
                    Ok(commands) => commands,
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::from(1);
                    }
                }
            }
            None => Vec::new(),
        };
        let host = match lab_host(&args.host, &plan, args.seats_per_team) {
            Ok(h) => h,
            Err(code) => return code,
        };
        let options = tidewatch::console::Options {
            shot: args
                .screenshot
                .clone()
                .map(|p| (p, args.after.map_or(0, |a| a.0))),
            team,
            host,
            end_at: args.end_at.map(|s| s.0),
            commands,
            scale: args.scale,
            screen: tidewatch::console::Screen::named(&args.screen).unwrap_or_default(),
            size: args.size,
        };
        tidewatch::console::run(plan, seed, start, options)
    };
    if let Some(path) = args.resume.clone() {
        let loaded =
            JournalFile::read(&path).and_then(|file| Ok((session::journal_plan(&file)?, file)));
        return match loaded {
            Ok(((plan, seed), file)) => open(plan, seed, Start::Resume(path, file)),
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(1)
            }
        };
    }
    let mut set = args.set.clone();
    if let Some(t) = &args.team {
        set.push(format!("teams.{t}.auto=false"));
    }
    let (plan, source) = match load_with_source(&args.scenario, &set) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let seed = args.seed.unwrap_or(plan.scenario.seed);
    let start = match args.journal.clone() {
        Some(path) => Start::Record(path, source, set),
        None => Start::Fresh,
    };
    open(Arc::new(plan), seed, start)
}

/// Starts listening for seats (before the window opens, so a busy port is said plainly) and
/// prints the join codes on the terminal too.
#[cfg(feature = "console")]
fn lab_host(
    address: &Option<String>,
    plan: &Plan,
    seats_per_team: usize,
) -> Result<Option<tidewatch::lab::LabHost>, ExitCode> {
    let Some(address) = address else {
        return Ok(None);
    };
    match tidewatch::lab::LabHost::start(address, plan, seats_per_team) {
        Ok(host) => {
            emit(&host.codes_text());
            Ok(Some(host))
        }
        Err(e) => {
            eprintln!("{e}");
            Err(ExitCode::from(1))
        }
    }
}

#[cfg(not(feature = "console"))]
fn console(_args: ConsoleArgs) -> ExitCode {
    eprintln!(
        "this tidewatch was built without the console (feature `console`); use `tidewatch run SCENARIO`"
    );
    ExitCode::from(2)
}
