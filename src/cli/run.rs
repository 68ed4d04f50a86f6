//! `tidewatch run`: a scenario headless (or a journal resumed), with commands from a file,
//! optionally recorded, optionally serving a lab's seats; prints the summary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use tidewatch::exercise::session::{self, Session};
use tidewatch::report::{audience, summarise};
use tidewatch::scenario::ids::TeamIx;
use tidewatch::scenario::{DEFAULT_SCENARIO, Plan};
use tidewatch::time::Span;

use super::files::Files;
use super::{Failure, LAB_ADDRESS, emit, span};

#[derive(clap::Args)]
pub struct RunArgs {
    /// Scenario file or shipped name (not needed with --resume: the journal holds it).
    #[arg(required_unless_present = "resume")]
    scenario: Option<String>,
    /// Timed commands to play (RON: a list of `Timed(at: "D1 10:00", do: ...)`).
    #[arg(long)]
    commands: Option<PathBuf>,
    #[command(flatten)]
    record: super::RecordArgs,
    #[arg(long)]
    seed: Option<u64>,
    /// Simulated time to run (default: the scenario's duration), e.g. `72h`.
    #[arg(long, value_parser = span)]
    until: Option<Span>,
    /// Write every event as one JSON object per line to this file.
    #[arg(long)]
    events: Option<PathBuf>,
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
    report: Vec<PathBuf>,
    /// Worker threads for the simulation's parallel steps (results never depend on it).
    #[arg(long)]
    threads: Option<usize>,
    /// Host a lab exercise without a window: seats join at ADDR:PORT (default 0.0.0.0:7447)
    /// and the clock runs at --pace.
    #[arg(long, value_name = "ADDR:PORT", num_args = 0..=1, default_missing_value = LAB_ADDRESS)]
    host: Option<String>,
    #[command(flatten)]
    feed: super::evidence::FeedArgs,
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

pub fn run(args: RunArgs) -> Result<ExitCode, Failure> {
    let files = Files::default()
        .reads("the scenario", args.scenario.as_deref().map(Path::new))
        .reads("--commands", args.commands.as_deref());
    args.record
        .files(files)
        .writes("--events", args.events.as_deref())
        .writes_all("--report", &args.report)
        .check()?;
    tidewatch::sim::init_task_pool(args.threads);
    let mut session = start(&args)?;
    super::report::formats(&args.report)?;
    if let Some(path) = &args.commands {
        let commands = tidewatch::scenario::load_commands(&path.to_string_lossy(), &session.plan)?;
        let reached = session.now();
        session.add_commands(commands.into_iter().filter(|(t, _)| *t >= reached));
    }
    let plan = session.plan.clone();
    let ticks = args.until.unwrap_or(plan.scenario.duration).0;
    match &args.host {
        Some(address) => host_lab(&mut session, address, &args, ticks)?,
        None => session.run_until(ticks).and_then(|_| session.finish())?,
    }
    let team = args
        .team
        .as_deref()
        .map(|t| plan.ids.teams.resolve(t))
        .transpose()
        .map_err(|e| format!("--team: {e}"))?;
    if !args.report.is_empty() {
        // The commands of the run, for the report's alternatives: a resumed journal's, the
        // file's and the seats', as applied.
        let given = session.applied();
        let played = tidewatch::report::aar::Played::new(session.sim.events(), &given);
        super::report::write(&plan, &session, played, &args.report, (1, None))?;
    }
    let events = args.events.as_deref().map(|p| (p, team));
    finish(&plan, &mut session, events, args.json, args.rehearse)?;
    Ok(ExitCode::SUCCESS)
}

/// The session to run: resumed from its journal, or new (and recorded if asked).
fn start(args: &RunArgs) -> Result<Session, Failure> {
    let seal = args.record.seal_key()?;
    if let Some(journal) = &args.record.resume {
        return Ok(session::resume(journal, seal)?.0);
    }
    let arg = args.scenario.as_deref().unwrap_or(DEFAULT_SCENARIO);
    let (plan, source) = super::load_with_source(arg, &args.set)?;
    let seed = args.seed.unwrap_or(plan.scenario.seed);
    let mut session = Session::new(Arc::new(plan), seed);
    args.record.new_journal()?;
    if let Some(path) = &args.record.journal {
        session.record(path, &source, &args.set, seal)?;
    }
    Ok(session)
}

/// `run --host`: serves seats while the clock runs at the pace asked; prints the join codes
/// first and what each seat did at the end.
fn host_lab(
    session: &mut Session,
    address: &str,
    args: &RunArgs,
    until: u64,
) -> Result<(), Failure> {
    use tidewatch::lab::{LabHost, Speed, facilitator, host_headless};
    let speed = Speed::parse(&args.pace).map_err(|e| format!("--pace: {e}"))?;
    let (secret, kept) = args.record.lab_secret()?;
    // The SIEM is reached (or the file made) before the lab opens: a feed that cannot start
    // is said before anyone joins.
    let feed = args.feed.open(&session.plan, session.seed)?;
    let mut host = LabHost::start(
        address,
        &session.plan,
        session.seed,
        args.seats_per_team,
        secret,
        true,
    )?;
    if let Some(feed) = feed {
        host.feed_evidence(feed);
    }
    emit(&host.codes_text());
    emit(&format!("{kept}\n"));
    emit("the facilitator's commands are read here, one a line; type `help` for the list\n");
    let lines = facilitator::listen_stdin();
    let (seats, ran) = host_headless(session, host, speed, until, args.wait_for_seats, lines)?;
    let mut text = format!(
        "seats served: {} (the clock ran {ran:.1} s at {})\n",
        seats.len(),
        args.pace
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
pub fn finish(
    plan: &Plan,
    session: &mut Session,
    events: Option<(&Path, Option<TeamIx>)>,
    json: bool,
    rehearse: bool,
) -> Result<(), Failure> {
    let digest = session.sim.digest().hex();
    let sim = &session.sim;
    if let Some((path, team)) = events {
        std::fs::File::create(path)
            .and_then(|f| audience::write_events(plan, sim.events(), team, f))
            .map_err(|e| format!("{}: cannot write events: {e}", path.display()))?;
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
    Ok(())
}
