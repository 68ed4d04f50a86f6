//! `tidewatch bench`: simulation speed on generated regions, or the console's work per frame.

use std::process::ExitCode;

use tidewatch::scenario::DEFAULT_SCENARIO;
use tidewatch::time::Span;

use super::{Failure, span};

#[derive(clap::Args)]
pub struct BenchArgs {
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
    /// Instead of the size suite: the cost of writing the evidence (every sensor's records) of
    /// an active region of this many hosts, after it has run.
    #[arg(long, value_name = "HOSTS", num_args = 0..=1, default_missing_value = "10000", conflicts_with = "console")]
    evidence: Option<u32>,
}

pub fn run(args: BenchArgs) -> Result<ExitCode, Failure> {
    if let Some(hosts) = args.evidence {
        tidewatch::bench::run_evidence(hosts, args.until.0, args.json);
        return Ok(ExitCode::SUCCESS);
    }
    match args.console {
        None => tidewatch::bench::run_suite(args.until.0, args.json),
        Some(scenario) => {
            let (plan, seed) = super::load(&scenario, &[], None)?;
            tidewatch::bench::run_console_frames(plan, seed, args.until.0, args.json);
        }
    }
    Ok(ExitCode::SUCCESS)
}
