//! The `tidewatch` command line: parse, then hand the subcommand to `cli` (one file each).
//! See README.md for usage.

use std::process::ExitCode;

use clap::Parser;

mod cli;

#[derive(Parser)]
#[command(
    name = "tidewatch",
    version,
    about = "Deterministic cyber crisis exercise simulator for small island states"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<cli::Command>,
}

fn main() -> ExitCode {
    cli::dispatch(Cli::parse().command)
}
