//! `tidewatch replay`: a recorded exercise re-run from its journal; verified digest by digest,
//! stopped at a moment, or forked into a new journal from there.

use std::process::ExitCode;
use std::path::PathBuf;

use tidewatch::exercise::journal::JournalFile;
use tidewatch::exercise::session;
use tidewatch::scenario::Plan;
use tidewatch::time::Span;

use super::files::Files;
use super::{Failure, span};

#[derive(clap::Args)]
pub struct ReplayArgs {
    journal: PathBuf,
    /// Check every recorded digest; on divergence name the tick and the parts and exit 1.
    #[arg(long)]
    verify: bool,
    /// Stop at this exercise time instead of the journal's end.
    #[arg(long, value_parser = span)]
    until: Option<Span>,
    /// Write a new journal ending at --until, to branch a new exercise from there.
    #[arg(long, requires = "until")]
    fork: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub fn run(args: ReplayArgs) -> Result<ExitCode, Failure> {
    Files::default()
        .reads("the journal", Some(&args.journal))
        .writes("--fork", args.fork.as_deref())
        .check()?;
    let file = JournalFile::read(&args.journal)?;
    if file.torn_tail {
        eprintln!(
            "{}: the last entry was cut off mid-write (a crash); it is ignored",
            file.path
        );
    }
    let until = args.until.map(|u| u.0);
    let mut r = session::replay(&file, until, args.verify)?;
    let plan = r.session.plan.clone();
    if let Some(d) = &r.divergence {
        return Err(Failure::Refused(format!(
            "{}: replay diverges at tick {} ({}): recorded digest {}, replayed {}; differing parts: {}",
            file.path,
            d.tick,
            plan.scenario.start.at(d.tick).clock(),
            d.recorded,
            d.replayed,
            d.parts.join(", ")
        )));
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
        session::fork(&file, at, to)?;
        eprintln!(
            "{}: forked at tick {at} ({}); continue it with `tidewatch run --resume {}`",
            to.display(),
            plan.scenario.start.at(at).clock(),
            to.display()
        );
    }
    super::run::finish(&plan, &mut r.session, None, args.json, false)?;
    Ok(ExitCode::SUCCESS)
}

/// The commands on a journal's record, when and from whom: a seat's label, or the
/// facilitator's side (the window, a command file, an inject).
fn print_record(plan: &Plan, file: &JournalFile) {
    let mut text = String::new();
    for (tick, command, seat) in file.commands() {
        let who = seat.as_deref().unwrap_or("facilitator");
        let when = plan.scenario.start.at(tick).clock();
        text.push_str(&format!("  {when} (tick {tick}) {who}: {command:?}\n"));
    }
    if !text.is_empty() {
        eprint!("commands on the record:\n{text}");
    }
}
