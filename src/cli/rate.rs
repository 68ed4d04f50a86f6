//! `tidewatch rate`: the facilitator rates expectations after the exercise (a headless lab has
//! nobody to press "met" while it runs). The ratings go to an assessment file beside the
//! journal that `tidewatch report` reads; the journal is only read.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use tidewatch::exercise::assessment::Assessment;
use tidewatch::exercise::journal::JournalFile;
use tidewatch::exercise::session;
use tidewatch::report::aar::judged_after;
use tidewatch::report::picture::OperatingPicture;
use tidewatch::report::rehearsal::score;
use tidewatch::scenario::ids::ExpectationIx;
use tidewatch::scenario::{Check, Plan};

use super::files::Files;
use super::{Failure, emit};

#[derive(clap::Args)]
pub struct RateArgs {
    /// The exercise's journal (only read; the ratings go beside it, `<name>.assessment.ron`).
    journal: PathBuf,
    /// Rate an expectation: `E04=met` or `E04=not-met` (repeat for several). Without any, the
    /// command asks, one by one, about each expectation left to the facilitator and not rated.
    #[arg(long = "set", value_name = "EXPECTATION=met|not-met")]
    set: Vec<String>,
    /// Why, in the facilitator's words: kept with each rating this command gives.
    #[arg(long, default_value = "")]
    note: String,
    /// Only list the expectations, how each settled and the ratings given so far.
    #[arg(long, conflicts_with_all = ["set", "note"])]
    list: bool,
}

pub fn run(args: RateArgs) -> Result<ExitCode, Failure> {
    let path = Assessment::beside(&args.journal);
    Files::default()
        .reads("the journal", Some(&args.journal))
        .writes("the assessment", Some(&path))
        .check()?;
    let wanted = (args.set.iter())
        .map(|s| parse_set(s))
        .collect::<Result<Vec<_>, _>>()?;
    tidewatch::sim::init_task_pool(Some(1));
    let file = JournalFile::read(&args.journal)?;
    let session = session::replay(&file, None, false)?.session;
    let plan = session.plan.clone();
    let end = session.now();
    let mut assessment = Assessment::read(&path)?;
    let shown = path.display().to_string();
    assessment.resolve(&plan, &shown)?;
    assessment.journal = args
        .journal
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let as_played = OperatingPicture::of(&plan, session.sim.events());
    if args.list {
        emit(&listing(&plan, &as_played, &assessment));
        return Ok(ExitCode::SUCCESS);
    }
    let mut given = Vec::new();
    for (id, met) in wanted {
        let k = (plan.ids.expectations.resolve(&id))
            .map_err(|e| Failure::Usage(format!("--set {id}: {e}")))?;
        given.push((k, met, args.note.clone()));
    }
    if args.set.is_empty() {
        given = ask(&plan, &as_played, &assessment)?;
        if given.is_empty() {
            emit(&format!(
                "nothing rated; {} left as it was\n",
                if path.exists() {
                    shown.as_str()
                } else {
                    "no assessment"
                }
            ));
            return Ok(ExitCode::SUCCESS);
        }
    }
    let mut said = String::new();
    for (k, met, note) in &given {
        let e = &plan.scenario.expectations[k.ix()];
        let before = match assessment.rate(&e.id, *met, note) {
            Some(old) => format!("was rated {} after the exercise", verdict(old.met)),
            None => match as_played.outcome(*k) {
                Some((o, t)) => format!("{} at {}", o.label(), plan.scenario.start.at(t).clock()),
                None => "was not rated".into(),
            },
        };
        said += &format!("{}: {} ({before})\n", e.id, verdict(*met));
    }
    assessment.write(&path)?;
    // The objectives the ratings touch, as the report will rate them now.
    let rated = assessment.resolve(&plan, &shown)?;
    let events = [session.sim.events(), &judged_after(end, &rated)].concat();
    let picture = OperatingPicture::of(&plan, &events);
    let touched: std::collections::BTreeSet<usize> = (given.iter())
        .map(|(k, ..)| plan.expectations[k.ix()].objective.ix())
        .collect();
    for oi in touched {
        let o = &plan.scenario.objectives[oi];
        let s = score(&plan, &picture, oi);
        said += &format!(
            "{} now rates {} ({} of {} rated expectations met, of {})\n",
            o.id, s.rating, s.met, s.rated, s.over
        );
    }
    emit(&format!(
        "{said}written to {shown}; the journal is unchanged. `tidewatch report {}` reads it.\n",
        args.journal.display()
    ));
    Ok(ExitCode::SUCCESS)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "not met" }
}

/// `E04=met` or `E04=not-met` (also `yes`/`no`, `true`/`false`).
fn parse_set(s: &str) -> Result<(String, bool), Failure> {
    let usage = || {
        Failure::Usage(format!(
            "--set {s}: say an expectation and a rating, `E04=met` or `E04=not-met`"
        ))
    };
    let (id, value) = s.split_once('=').ok_or_else(usage)?;
    let met = match value
        .trim()
        .to_lowercase()
        .replace(['_', ' '], "-")
        .as_str()
    {
        "met" | "yes" | "true" => true,
        "not-met" | "unmet" | "no" | "false" => false,
        _ => return Err(usage()),
    };
    Ok((id.trim().to_string(), met))
}

/// Every expectation: its team, how it settled in play, and any rating given since.
fn listing(plan: &Plan, picture: &OperatingPicture, assessment: &Assessment) -> String {
    let mut out = String::from("expectation  team           in play                    after\n");
    for (k, e) in plan.scenario.expectations.iter().enumerate() {
        let played = match picture.outcome(ExpectationIx::from(k)) {
            Some((o, t)) => format!("{} {}", o.label(), plan.scenario.start.at(t).clock()),
            None if matches!(e.check, Check::Facilitator) => "left to the facilitator".into(),
            None => "not due".into(),
        };
        let after = (assessment.ratings.iter())
            .find(|r| r.expectation == e.id)
            .map_or(String::new(), |r| {
                let note = if r.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", r.note)
                };
                format!("{}{note}", verdict(r.met))
            });
        out += &format!("{:<12} {:<14} {played:<26} {after}\n", e.id, e.team);
        out += &format!("             {}\n", e.description);
    }
    out
}

/// Asks about each expectation left to the facilitator that nobody rated, on standard input:
/// met, not met, skip or quit, then a note. The end of the input stops asking; what was
/// answered is kept.
fn ask(
    plan: &Plan,
    picture: &OperatingPicture,
    assessment: &Assessment,
) -> Result<Vec<(ExpectationIx, bool, String)>, Failure> {
    let waiting: Vec<usize> = (plan.scenario.expectations.iter().enumerate())
        .filter(|(k, e)| {
            matches!(e.check, Check::Facilitator)
                && picture.outcome(ExpectationIx::from(*k)).is_none()
                && !assessment.ratings.iter().any(|r| r.expectation == e.id)
        })
        .map(|(k, _)| k)
        .collect();
    if waiting.is_empty() {
        emit(
            "every expectation left to the facilitator is rated; change one with \
             --set E04=met (or not-met), or see them all with --list\n",
        );
        return Ok(Vec::new());
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut next = |prompt: &str| -> Option<String> {
        print!("{prompt}");
        let _ = std::io::stdout().flush();
        lines
            .next()
            .and_then(Result::ok)
            .map(|l| l.trim().to_string())
    };
    let mut given = Vec::new();
    for k in waiting {
        let e = &plan.scenario.expectations[k];
        let o = &plan.scenario.objectives[plan.expectations[k].objective.ix()];
        emit(&format!(
            "\n{} ({}, {} {}): {}\n",
            e.id, e.team, o.id, o.title, e.description
        ));
        let met = loop {
            match next("met? [y]es, [n]o, [s]kip, [q]uit: ").as_deref() {
                None | Some("q" | "quit") => return Ok(given),
                Some("y" | "yes" | "met") => break Some(true),
                Some("n" | "no" | "not met") => break Some(false),
                Some("s" | "skip" | "") => break None,
                Some(other) => emit(&format!("`{other}`: answer y, n, s or q\n")),
            }
        };
        let Some(met) = met else { continue };
        let note = next("note (Enter for none): ").unwrap_or_default();
        given.push((ExpectationIx::from(k), met, note));
    }
    Ok(given)
}
