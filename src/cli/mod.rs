//! The command line: one file per subcommand, each holding its clap arguments and a `run`
//! that does the command's job through the layers below and returns `Result<(), Failure>`.
//! `main.rs` parses and calls [`dispatch`]; a failure is printed, and its exit code chosen,
//! in one place ([`Failure::exit`]): 1 for what an input or the machine refused, 2 for a
//! command line that cannot be obeyed.

pub mod batch;
pub mod bench;
pub mod console;
pub mod evidence;
pub mod files;
pub mod msel;
pub mod rate;
pub mod replay;
pub mod report;
pub mod run;
pub mod scenario;
pub mod seat;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;

use tidewatch::scenario::{LoadError, Plan, Source};
use tidewatch::time::{Span, parse_span};

#[derive(Subcommand)]
pub enum Command {
    /// Open the facilitator console on a scenario (a path, or a shipped name).
    Console(console::ConsoleArgs),
    /// Run a scenario headless and print a summary.
    Run(run::RunArgs),
    /// Re-run a recorded exercise from its journal; verify it, or fork it at a moment.
    Replay(replay::ReplayArgs),
    /// Run many seeds of a scenario (in parallel) and report statistics per metric.
    Batch(batch::BatchArgs),
    /// Combine the rows of a sharded batch (`batch --shard I/N --rows FILE`, one per shard)
    /// into exactly what one unsharded `batch` prints.
    Merge(batch::MergeArgs),
    /// The model's figures over many seeds beside the published ones (who finds ransomware,
    /// how fast attackers move, false alerts, backups), with each reference's source.
    Calibrate(batch::CalibrateArgs),
    /// The after-action report of a recorded exercise, as played (the journal is only read):
    /// objectives and evidence, timeline, figures, notes, improvement plan, and what each
    /// decision's other options would have cost.
    Report(report::ReportArgs),
    /// Rate expectations after the exercise (`--set E04=met --note "..."`, or one by one when
    /// asked): the ratings go to an assessment file beside the journal, which `report` reads;
    /// the journal is only read.
    Rate(rate::RateArgs),
    /// The intelligence the teams produced and shared in a recorded exercise, as a STIX 2.1
    /// bundle for MISP or OpenCTI: reports by team with their TLP 2.0 markings, the campaigns,
    /// actors (intrusion sets), ATT&CK techniques, fictional indicators and sightings by island.
    Stix(report::StixArgs),
    /// The evidence of a recorded exercise for a technical exercise: the records the sensors
    /// a team's hosts carry would have written (process starts, logons, connections, name
    /// lookups, mail), the intruder's among benign activity, as Elastic Common Schema NDJSON
    /// for Elastic, OpenSearch, Wazuh, Splunk or `jq`. `--all`: the facilitator's ground truth.
    Evidence(evidence::EvidenceArgs),
    /// Check scenario files; exit 1 with file:line:col diagnostics if any is invalid.
    Validate(scenario::ValidateArgs),
    /// Write a starting scenario: the islands named, with their real figures, a ministry each,
    /// their national teams as they are today, a phishing campaign and a first inject. It
    /// loads, lints clean and runs as it is.
    New(scenario::NewArgs),
    /// Check scenarios for what loads but is probably not meant: hosts against population,
    /// GDP units, swapped coordinates, things after the end, injects that cannot fire,
    /// organisations and teams nothing involves. Exit 0 unless --deny-warnings.
    Lint(scenario::LintArgs),
    /// Write the handouts for the room: the players' Situation Manual (no facilitator-only
    /// facts), one printable card per inject for its teams, and the facilitator's guide with
    /// everything, as Markdown and self-contained HTML.
    Handouts(scenario::HandoutsArgs),
    /// The MSEL as the sheet planners keep (XLSX or CSV, one row per inject): export it, or
    /// read an edited sheet back into the scenario.
    #[command(subcommand)]
    Msel(msel::MselCommand),
    /// A trainee's seat in a lab exercise: join the host with the team's code.
    Seat(seat::SeatArgs),
    /// Measure simulation speed on generated regions of 1,000 to 100,000 hosts.
    Bench(bench::BenchArgs),
}

/// Runs the command (the console on the default scenario when none is given) and turns its
/// outcome into the process's exit code.
pub fn dispatch(command: Option<Command>) -> ExitCode {
    let done = match command {
        None => console::run(console::ConsoleArgs::default()),
        Some(Command::Console(args)) => console::run(args),
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Replay(args)) => replay::run(args),
        Some(Command::Batch(args)) => batch::batch(args),
        Some(Command::Merge(args)) => batch::merge(args),
        Some(Command::Calibrate(args)) => batch::calibrate(args),
        Some(Command::Report(args)) => report::report(args),
        Some(Command::Rate(args)) => rate::run(args),
        Some(Command::Stix(args)) => report::stix(args),
        Some(Command::Evidence(args)) => evidence::run(args),
        Some(Command::Validate(args)) => scenario::validate(args),
        Some(Command::New(args)) => scenario::new(args),
        Some(Command::Lint(args)) => scenario::lint(args),
        Some(Command::Handouts(args)) => scenario::handouts(args),
        Some(Command::Msel(cmd)) => msel::run(cmd),
        Some(Command::Seat(args)) => seat::run(args),
        Some(Command::Bench(args)) => bench::run(args),
    };
    done.unwrap_or_else(Failure::exit)
}

/// Why a command stopped.
#[derive(Debug)]
pub enum Failure {
    /// The command line cannot be obeyed as given (exit 2), said before any work.
    Usage(String),
    /// An input, a file or the exercise refused (exit 1), with what and where.
    Refused(String),
    /// Already said where it was found (diagnostics printed one by one): exit 1.
    Said,
}

impl Failure {
    /// The one place a failure is printed and its exit code chosen.
    pub fn exit(self) -> ExitCode {
        match self {
            Failure::Usage(why) => {
                eprintln!("error: {why}");
                ExitCode::from(2)
            }
            Failure::Refused(why) => {
                eprintln!("{why}");
                ExitCode::from(1)
            }
            Failure::Said => ExitCode::from(1),
        }
    }
}

impl From<String> for Failure {
    fn from(why: String) -> Self {
        Failure::Refused(why)
    }
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::Refused(e.to_string())
    }
}

impl From<files::Clash> for Failure {
    fn from(c: files::Clash) -> Self {
        Failure::Usage(c.0)
    }
}

/// Where a lab host listens unless told otherwise: every network of the machine, port 7447.
pub const LAB_ADDRESS: &str = "0.0.0.0:7447";

/// clap's parser for a duration such as `72h` or `1d2h30m`.
pub fn span(text: &str) -> Result<Span, String> {
    parse_span(text)
}

/// A scenario loaded, overridden and validated, with the seed to run (the scenario's unless
/// given).
pub fn load(arg: &str, set: &[String], seed: Option<u64>) -> Result<(Arc<Plan>, u64), Failure> {
    let (plan, _) = load_with_source(arg, set)?;
    let seed = seed.unwrap_or(plan.scenario.seed);
    Ok((Arc::new(plan), seed))
}

/// Loads a scenario and keeps its source text (for a journal header or an edited copy).
pub fn load_with_source(arg: &str, set: &[String]) -> Result<(Plan, Source), Failure> {
    let source = Source::resolve(arg)?;
    let plan = tidewatch::scenario::load_source(&source, set)?;
    Ok((plan, source))
}

/// How an exercise is recorded, the same for `run` and `console`: a new journal (replacing a
/// file only with `--force`), or one resumed, sealed with a key if asked.
#[derive(clap::Args, Default)]
pub struct RecordArgs {
    /// Record the exercise (every command, with digests) to this new journal.
    #[arg(long, conflicts_with = "resume")]
    pub journal: Option<std::path::PathBuf>,
    /// With --journal: replace a file already there (otherwise it is refused).
    #[arg(long, requires = "journal")]
    pub force: bool,
    /// Continue the exercise recorded in this journal, appending to it (its scenario, seed and
    /// overrides are the journal's own).
    #[arg(long, conflicts_with_all = ["scenario", "seed", "set"])]
    pub resume: Option<std::path::PathBuf>,
    /// Seal the journal with this key file (HMAC-SHA256 over its chain), which the facilitator
    /// keeps away from the trainees: without it nobody can forge a seat or a decision on the
    /// record. A sealed journal is continued only with its key; the key is never written.
    #[arg(long, value_name = "KEYFILE")]
    pub seal: Option<std::path::PathBuf>,
}

impl RecordArgs {
    /// The journal resumed and the key are read; a new journal is written.
    pub fn files(&self, files: files::Files) -> files::Files {
        files
            .reads("--resume", self.resume.as_deref())
            .reads("--seal", self.seal.as_deref())
            .writes("--journal", self.journal.as_deref())
    }

    /// The key of `--seal`, read before any work; `--seal` seals a journal, so it needs one.
    pub fn seal_key(&self) -> Result<Option<tidewatch::exercise::journal::SealKey>, Failure> {
        let Some(path) = &self.seal else {
            return Ok(None);
        };
        if self.journal.is_none() && self.resume.is_none() {
            return Err(Failure::Usage(
                "--seal seals a journal: give --journal FILE or --resume FILE too".into(),
            ));
        }
        Ok(Some(tidewatch::exercise::journal::SealKey::read(path)?))
    }

    /// The lab's join-code secret: kept beside the journal, the same again when it is resumed.
    pub fn lab_secret(&self) -> Result<(u64, String), Failure> {
        let journal = self.journal.as_deref().or(self.resume.as_deref());
        Ok(tidewatch::lab::secret::for_journal(
            journal,
            self.resume.is_some(),
        )?)
    }

    /// A new journal's file is free, or `--force` says to replace what is there.
    pub fn new_journal(&self) -> Result<(), Failure> {
        Ok(files::new_journal(
            "--journal",
            self.journal.as_deref(),
            self.force,
        )?)
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

/// Writes a new file (never over an existing one); says why not.
pub fn write_new(path: &Path, text: impl AsRef<[u8]>) -> Result<(), Failure> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_ref()))
        .map_err(|e| Failure::Refused(format!("{}: {e}", path.display())))
}
