//! After an exercise: `tidewatch report` (the after-action report of a journal) and
//! `tidewatch stix` (its intelligence as a STIX 2.1 bundle). The journal is only read.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use tidewatch::exercise::assessment::Assessment;
use tidewatch::exercise::journal::JournalFile;
use tidewatch::exercise::session::{self, Session};
use tidewatch::report::aar::{PlanFile, Played};
use tidewatch::scenario::Plan;
use tidewatch::time::Span;

use super::files::Files;
use super::{Failure, emit, write_new};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The exercise's journal (`--journal` of `run` or `console`); never written to.
    journal: PathBuf,
    /// Where to write the report: `.html`, `.md` or `.json` (several allowed).
    #[arg(long, required = true, value_name = "FILE")]
    out: Vec<PathBuf>,
    /// Also replay each decision's alternatives on this many seeds (the exercise's and the
    /// next ones) and give the spread of their effect.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    seeds: u64,
    /// The improvement plan as agreed (a RON `PlanFile`): the responsible organisation, point
    /// of contact, start and completion (and any corrective action or element it gives) of
    /// each row it names by key (`E09`, `I07`, `incident #3`).
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct StixArgs {
    /// The exercise's journal (only read).
    journal: PathBuf,
    /// Where to write the bundle (a new `.json` file).
    #[arg(long)]
    out: PathBuf,
}

pub fn report(args: ReportArgs) -> Result<ExitCode, Failure> {
    Files::default()
        .reads("the journal", Some(&args.journal))
        .reads("--plan", args.plan.as_deref())
        .writes_all("--out", &args.out)
        .check()?;
    formats(&args.out)?;
    let agreed = args.plan.as_deref().map(read_plan).transpose()?;
    tidewatch::sim::init_task_pool(Some(1));
    let file = JournalFile::read(&args.journal)?;
    // The exercise as played: replayed to its last recorded tick, nothing recorded.
    let session = session::replay(&file, None, false)?.session;
    let plan = session.plan.clone();
    let unfinished = file.unfinished_note(&plan);
    if let Some(note) = &unfinished {
        eprintln!("{}: {note}", file.path);
    }
    // The facilitator's ratings given afterwards (`tidewatch rate`), if any, beside the journal.
    let beside = Assessment::beside(&args.journal);
    let rated_after = Assessment::read(&beside)?.resolve(&plan, &beside.display().to_string())?;
    if !rated_after.is_empty() {
        eprintln!(
            "with {} rating{} given after the exercise, from {}",
            rated_after.len(),
            if rated_after.len() == 1 { "" } else { "s" },
            beside.display()
        );
    }
    let commands = file.commands();
    let played = Played {
        events: session.sim.events(),
        commands: &commands,
        rated_after: &rated_after,
    };
    let unmatched = tidewatch::report::aar_page::write_report_files(
        &plan,
        session.seed,
        session.now(),
        played,
        &args.out,
        (args.seeds, unfinished),
        agreed.as_ref(),
    )?;
    if let Some(file) = &args.plan {
        for key in unmatched {
            eprintln!(
                "{}: `{key}` names no row of this report's improvement plan (its rows are keyed \
                 by expectation, inject or `incident #N`; see the JSON's `improvement_plan`)",
                file.display()
            );
        }
    }
    let names: Vec<String> = args.out.iter().map(|p| p.display().to_string()).collect();
    emit(&format!(
        "after-action report of {} ({} played) written to {}\n",
        plan.scenario.name,
        Span(session.now()),
        names.join(", ")
    ));
    Ok(ExitCode::SUCCESS)
}

/// The facilitator's improvement plan, refused with where and why when it does not parse.
fn read_plan(path: &std::path::Path) -> Result<PlanFile, Failure> {
    let file = path.display().to_string();
    let bytes = tidewatch::scenario::read_bounded(path).map_err(|e| format!("{file}: {e}"))?;
    Ok(tidewatch::scenario::parse_ron(
        &file,
        &String::from_utf8_lossy(&bytes),
    )?)
}

/// Checks the report paths before any work: a known format each (that none lands on the
/// journal or another output is `Files`' to say).
pub fn formats(out: &[PathBuf]) -> Result<(), Failure> {
    for path in out {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "htm" | "md" | "json") {
            return Err(Failure::Usage(format!(
                "report {}: say the format by the extension: .html, .md or .json",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Builds the after-action report of a session played to now and writes it in each format;
/// `unfinished` says on its first page that the record stops short of a clean end.
pub fn write(
    plan: &Arc<Plan>,
    session: &Session,
    played: Played,
    out: &[PathBuf],
    (seeds, unfinished): (u64, Option<String>),
) -> Result<(), Failure> {
    tidewatch::report::aar_page::write_report_files(
        plan,
        session.seed,
        session.now(),
        played,
        out,
        (seeds, unfinished),
        None,
    )?;
    Ok(())
}

/// `tidewatch stix`: the exercise replayed from its journal, its intelligence written as a
/// STIX 2.1 bundle to a new file.
pub fn stix(args: StixArgs) -> Result<ExitCode, Failure> {
    Files::default()
        .reads("the journal", Some(&args.journal))
        .writes("--out", Some(&args.out))
        .check()?;
    tidewatch::sim::init_task_pool(Some(1));
    let file = JournalFile::read(&args.journal)?;
    let mut session = session::replay(&file, None, false)?.session;
    let digest = session.sim.digest().hex();
    let export = tidewatch::report::stix::StixExport {
        plan: &session.plan,
        events: session.sim.events(),
        seed: session.seed,
        digest,
    };
    let bundle = export.bundle();
    let objects = bundle["objects"].as_array().map_or(0, Vec::len);
    let reports = bundle["objects"]
        .as_array()
        .map_or(0, |o| o.iter().filter(|v| v["type"] == "report").count());
    let text = serde_json::to_string_pretty(&bundle).unwrap_or_default() + "\n";
    write_new(&args.out, text)?;
    println!(
        "wrote {objects} STIX objects ({reports} intel reports) to {}",
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
