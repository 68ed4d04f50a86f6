//! `tidewatch msel export|import`: the MSEL as the sheet planners keep, and back.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tidewatch::scenario::sheet;

use super::files::Files;
use super::{Failure, write_new};

#[derive(clap::Subcommand)]
pub enum MselCommand {
    /// Write the scenario's MSEL as a sheet (a new file): an XLSX workbook (the `MSEL` sheet,
    /// with drop-down lists, and a `Lists` sheet of teams, modules and trigger forms) or CSV,
    /// by the file's extension.
    Export {
        /// Scenario file or shipped scenario name.
        scenario: String,
        /// `msel.xlsx` or `msel.csv`.
        #[arg(long)]
        out: PathBuf,
    },
    /// Read an edited sheet back: an edited row changes its inject, a new row adds one, a
    /// removed row removes one. Writes the scenario to a new file, after checking it loads, in
    /// its own form: an unedited inject's text as it was, only an edited one's changed fields
    /// rewritten, defaults left out, comments and all else as they were.
    Import {
        /// Scenario file or shipped scenario name.
        scenario: String,
        /// The edited sheet: .xlsx (its `MSEL` sheet; .xlsm, .xlsb, .xls and .ods are read
        /// too) or .csv.
        sheet: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(cmd: MselCommand) -> Result<ExitCode, Failure> {
    match cmd {
        MselCommand::Export { scenario, out } => {
            Files::default()
                .reads("the scenario", Some(Path::new(&scenario)))
                .writes("--out", Some(&out))
                .check()?;
            let (plan, _) = super::load_with_source(&scenario, &[])?;
            write_new(&out, sheet::export(&plan.scenario, &out)?)?;
            println!(
                "wrote {} injects to {}",
                plan.scenario.msel.len(),
                out.display()
            );
        }
        MselCommand::Import {
            scenario,
            sheet: edited,
            out,
        } => {
            Files::default()
                .reads("the scenario", Some(Path::new(&scenario)))
                .reads("the sheet", Some(&edited))
                .writes("--out", Some(&out))
                .check()?;
            let (plan, source) = super::load_with_source(&scenario, &[])?;
            let (text, imported) =
                sheet::import(&source, &plan.scenario, &edited, &out.display().to_string())?;
            for w in &imported.warnings {
                eprintln!("{}", w.as_warning());
            }
            write_new(&out, &text)?;
            println!(
                "wrote {} with {} injects (was {})",
                out.display(),
                imported.injects.len(),
                plan.scenario.msel.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
