//! `tidewatch replay`: a recorded exercise re-run from its journal; verified digest by digest,
//! stopped at a moment, or forked into a new journal from there.

use std::path::PathBuf;
use std::process::ExitCode;

use tidewatch::exercise::journal::{Ending, Entry, JournalFile, SealKey};
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
    /// The key the journal was sealed with: --verify checks every line's seal with it (and
    /// fails on a journal that is not sealed: its seals may have been stripped); --fork seals
    /// the new journal with it.
    #[arg(long, value_name = "KEYFILE")]
    seal: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub fn run(args: ReplayArgs) -> Result<ExitCode, Failure> {
    Files::default()
        .reads("the journal", Some(&args.journal))
        .reads("--seal", args.seal.as_deref())
        .writes("--fork", args.fork.as_deref())
        .check()?;
    let seal = args.seal.as_deref().map(SealKey::read).transpose()?;
    // Every line's chain (and, with the key, its seal) is checked as it is read.
    let file = JournalFile::read_with(&args.journal, seal.as_ref())?;
    if args.verify && seal.is_some() && !file.header.sealed {
        return Err(Failure::Refused(format!(
            "{}:1:1: error: the journal is not sealed, but a key was given: a journal sealed \
             with it says so in its header, so if this exercise was sealed, its seals were \
             stripped",
            file.path
        )));
    }
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
    // A record cut short fails verification: it checks out only as far as it goes.
    let unfinished = file.unfinished_at().map(|(line, tick)| {
        format!(
            "{}:{line}:1: {}: the record ends at {} (tick {tick}) after this line without an end \
             marker (no EndEx): tidewatch did not stop the exercise there cleanly (a crash, or \
             lines cut from the end); `tidewatch run --resume` continues it",
            file.path,
            if args.verify { "error" } else { "warning" },
            plan.scenario.start.at(tick).clock()
        )
    });
    if let Some(note) = &unfinished {
        eprintln!("{note}");
    }
    if args.verify {
        eprintln!(
            "{}: verified {} digests up to tick {}; {}",
            file.path,
            r.checked,
            r.session.now(),
            chain_checked(&file)
        );
        print_record(&plan, &file);
        if unfinished.is_some() {
            return Err(Failure::Said);
        }
    }
    if let Some(to) = &args.fork {
        let at = until.unwrap_or_else(|| r.session.now());
        session::fork(&file, at, to, seal)?;
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

/// What the reading of a journal checked beyond the digests: its chain, its seals, its end.
fn chain_checked(file: &JournalFile) -> String {
    let format = file.header.format;
    if format < 4 {
        return format!(
            "a format {format} journal has no chain (it predates format 4): an edited line is \
             caught only where it changes a digest, and its end cannot be told from a cut"
        );
    }
    let chain = format!("the chain holds over all {} lines", file.lines);
    let seal = match (file.header.sealed, file.seals_checked) {
        (true, true) => "; every line's seal matches the key",
        (true, false) => {
            "; the journal is sealed, and its seals were not checked: give the key with --seal \
             KEYFILE to tell a forged line from the facilitator's"
        }
        (false, _) => "; not sealed",
    };
    let end = match file.ending {
        Ending::Clean { .. } => ", and it ends with a clean stop",
        _ => "",
    };
    format!("{chain}{seal}{end}")
}

/// The commands (and the lab host's refusals) on a journal's record, when and from whom: a
/// seat's label, or the facilitator's side (the window, a command file, an inject).
fn print_record(plan: &Plan, file: &JournalFile) {
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
