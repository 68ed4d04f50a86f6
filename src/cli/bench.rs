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
    /// scenario, or `active:N` for the bench's active region of N hosts (simulation, the
    /// picture folded from the new events against one rebuilt from the whole log, a read of
    /// the digest).
    #[arg(long, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = DEFAULT_SCENARIO)]
    console: Option<String>,
    /// The largest active region (1,000 to 1,000,000 hosts; the suite runs 1k, 10k, 30k,
    /// 100k, 300k and 1M up to it).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(1_000..=1_000_000))]
    max_hosts: u32,
    /// Also run every active region with a journal, in turn with a run without, and report
    /// what the journal costs.
    #[arg(long)]
    journaled: bool,
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
        None => tidewatch::bench::run_suite(tidewatch::bench::Suite {
            ticks: args.until.0,
            json: args.json,
            max_hosts: args.max_hosts,
            journaled: args.journaled,
        }),
        Some(scenario) => {
            // `active:N`: the bench's active region of N hosts (seed 1), for a console's frame
            // at scale.
            let active = scenario.strip_prefix("active:").map(str::parse::<u32>);
            let (plan, seed) = match active {
                Some(Ok(hosts)) if (1_000..=1_000_000).contains(&hosts) => (
                    std::sync::Arc::new(tidewatch::bench::plan_for(
                        tidewatch::bench::active_region(hosts),
                    )),
                    1,
                ),
                Some(_) => {
                    return Err(Failure::Usage(format!(
                        "--console {scenario}: write active:N with N from 1000 to 1000000 hosts"
                    )));
                }
                None => super::load(&scenario, &[], None)?,
            };
            tidewatch::bench::run_console_frames(plan, seed, args.until.0, args.json);
        }
    }
    Ok(ExitCode::SUCCESS)
}
