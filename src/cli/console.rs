//! `tidewatch console` (and `tidewatch` alone): the facilitator's window, a team's window
//! (`--team`), or a lab host's (`--host`); new, recorded or resumed.

use std::path::PathBuf;

use tidewatch::scenario::DEFAULT_SCENARIO;
use tidewatch::time::Span;

use super::{LAB_ADDRESS, span};

#[derive(clap::Args)]
pub struct ConsoleArgs {
    /// Scenario file or shipped scenario name.
    #[arg(default_value = DEFAULT_SCENARIO)]
    scenario: String,
    #[arg(long)]
    seed: Option<u64>,
    /// Override a scenario value, e.g. `--set islands.LC.csirt=false`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Save a screenshot to this PNG file and exit (needs --after).
    #[arg(long, requires = "after")]
    screenshot: Option<PathBuf>,
    /// End the exercise when the clock reaches this time (EndEx), as the "End exercise" button
    /// does: the clock stops and the after-action report is written beside the journal.
    #[arg(long, value_parser = span, conflicts_with = "team", value_name = "DURATION")]
    end_at: Option<Span>,
    /// With --screenshot: write what the map drew where (each island's centre and label box,
    /// each link's ends, in the window's points) to this JSON file.
    #[arg(long, requires = "screenshot", value_name = "FILE.json")]
    map_layout: Option<PathBuf>,
    /// With --screenshot: how far to run the exercise before taking it.
    #[arg(long, value_parser = span)]
    after: Option<Span>,
    #[command(flatten)]
    record: super::RecordArgs,
    /// Timed commands to play (RON: a list of `Timed(at: "D1 10:00", do: ...)`), as `run` does;
    /// with --resume, those at or after where the journal stops.
    #[arg(long)]
    commands: Option<PathBuf>,
    /// The size of everything in the window, e.g. 1.5 for a projector (A- / A+ and Ctrl +/-
    /// change it live).
    #[arg(long, value_parser = scale)]
    scale: Option<f32>,
    /// The window's size, e.g. `1280x720` or `1920x1080` (a projector's).
    #[arg(long, value_parser = window_size, value_name = "WxH")]
    size: Option<(u32, u32)>,
    /// The facilitator's screen to open on: map, timeline, validation, charts or compose; and,
    /// presenting, feed, islands or desk.
    #[arg(long, value_parser = ["map", "timeline", "validation", "charts", "compose", "feed", "islands", "desk"], default_value = "map")]
    screen: String,
    /// For a projector: one screen at a time takes the whole window, the side panels folded
    /// into screens of their own (the Present button and F5 switch it while it runs).
    #[arg(long, conflicts_with = "team")]
    present: bool,
    /// Show this team's view (only what it may see) and let it be played from this window;
    /// the other teams are auto-played. Without --resume, the team is handed to the trainee
    /// (`--set teams.TEAM_ID.auto=false`).
    #[arg(long, value_name = "TEAM_ID", conflicts_with = "host")]
    team: Option<String>,
    /// Host a lab exercise: trainee seats join at ADDR:PORT (default 0.0.0.0:7447, every
    /// network of this machine); the window shows each team's join code.
    #[arg(long, value_name = "ADDR:PORT", num_args = 0..=1, default_missing_value = LAB_ADDRESS)]
    host: Option<String>,
    #[command(flatten)]
    feed: super::evidence::FeedArgs,
    /// With --host: seats one team may have connected at once (at most 32, half the lab).
    #[arg(long, requires = "host", default_value_t = tidewatch::lab::host::SEATS_PER_TEAM)]
    seats_per_team: usize,
}

impl Default for ConsoleArgs {
    /// `tidewatch` alone: the console on the default scenario, on the map.
    fn default() -> Self {
        ConsoleArgs {
            scenario: DEFAULT_SCENARIO.into(),
            seed: None,
            set: Vec::new(),
            screenshot: None,
            map_layout: None,
            end_at: None,
            after: None,
            record: super::RecordArgs::default(),
            commands: None,
            scale: None,
            size: None,
            screen: "map".into(),
            present: false,
            team: None,
            host: None,
            feed: super::evidence::FeedArgs::default(),
            seats_per_team: tidewatch::lab::host::SEATS_PER_TEAM,
        }
    }
}

pub(super) fn window_size(text: &str) -> Result<(u32, u32), String> {
    let parsed = text
        .split_once('x')
        .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)));
    match parsed {
        Some((w, h)) if (640..=7680).contains(&w) && (480..=4320).contains(&h) => Ok((w, h)),
        _ => Err(format!(
            "`{text}` is not a window size like `1280x720` (640x480 to 7680x4320)"
        )),
    }
}

pub(super) fn scale(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(x) if (0.5..=3.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{text}` is not a scale from 0.5 to 3 (1 is normal, 1.5 a projector)"
        )),
    }
}

#[cfg(not(feature = "console"))]
pub fn run(_args: ConsoleArgs) -> Result<std::process::ExitCode, super::Failure> {
    Err(super::Failure::Usage(
        "this tidewatch was built without the console (feature `console`); use `tidewatch run SCENARIO`"
            .into(),
    ))
}

#[cfg(feature = "console")]
pub use window::run;

#[cfg(feature = "console")]
mod window {
    use std::path::Path;
    use std::process::ExitCode;
    use std::sync::Arc;

    use tidewatch::console::{Options, Screen, Start};
    use tidewatch::exercise::journal::JournalFile;
    use tidewatch::exercise::session;
    use tidewatch::lab::LabHost;
    use tidewatch::scenario::Plan;

    use super::super::files::Files;
    use super::super::{Failure, emit};
    use super::ConsoleArgs;

    pub fn run(args: ConsoleArgs) -> Result<ExitCode, Failure> {
        let files = Files::default()
            .reads("the scenario", Some(Path::new(&args.scenario)))
            .reads("--commands", args.commands.as_deref());
        args.record
            .files(files)
            .writes("--screenshot", args.screenshot.as_deref())
            .writes("--map-layout", args.map_layout.as_deref())
            .check()?;
        screenshot_writable(args.screenshot.as_deref())?;
        if let Some(why) = tidewatch::console::no_display("use `tidewatch run SCENARIO` headless") {
            return Err(Failure::Refused(why));
        }
        let seal = args.record.seal_key()?;
        if let Some(path) = args.record.resume.clone() {
            let file = JournalFile::read_with(&path, seal.as_ref())?;
            let (plan, seed) = session::journal_plan(&file)?;
            return open(&args, plan, seed, Start::Resume(path, file, seal));
        }
        let mut set = args.set.clone();
        if let Some(t) = &args.team {
            set.push(format!("teams.{t}.auto=false"));
        }
        let (plan, source) = super::super::load_with_source(&args.scenario, &set)?;
        let seed = args.seed.unwrap_or(plan.scenario.seed);
        args.record.new_journal()?;
        let start = match args.record.journal.clone() {
            Some(path) => Start::Record(path, source, set, seal),
            None => Start::Fresh,
        };
        open(&args, Arc::new(plan), seed, start)
    }

    /// A screenshot that cannot be saved is said now, not after the run (a trial file is left
    /// only if one was there already).
    fn screenshot_writable(path: Option<&Path>) -> Result<(), Failure> {
        let Some(path) = path else { return Ok(()) };
        let existed = path.exists();
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| format!("{}: cannot write the screenshot there: {e}", path.display()))?;
        if !existed {
            let _ = std::fs::remove_file(path);
        }
        Ok(())
    }

    /// Everything but the exercise itself: the same whether it is new or resumed.
    fn open(
        args: &ConsoleArgs,
        plan: Arc<Plan>,
        seed: u64,
        start: Start,
    ) -> Result<ExitCode, Failure> {
        let team = args
            .team
            .as_deref()
            .map(|t| plan.ids.teams.resolve(t))
            .transpose()
            .map_err(|e| format!("--team: {e}"))?;
        let commands = match &args.commands {
            Some(path) => tidewatch::scenario::load_commands(&path.to_string_lossy(), &plan)?,
            None => Vec::new(),
        };
        let feed = args.feed.open(&plan, seed)?;
        let host = lab_host(
            args.host.as_deref(),
            &plan,
            seed,
            args.seats_per_team,
            &args.record,
        )?;
        let host = match (host, feed) {
            (Some(mut host), Some(feed)) => {
                host.feed_evidence(feed);
                Some(host)
            }
            (host, _) => host,
        };
        let options = Options {
            shot: args
                .screenshot
                .clone()
                .map(|p| (p, args.after.map_or(0, |a| a.0))),
            team,
            host,
            end_at: args.end_at.map(|s| s.0),
            commands,
            scale: args.scale,
            screen: Screen::named(&args.screen).unwrap_or_default(),
            present: args.present,
            size: args.size,
            map_layout: args.map_layout.clone(),
        };
        Ok(tidewatch::console::run(plan, seed, start, options))
    }

    /// Starts listening for seats (before the window opens, so a busy port is said plainly)
    /// and prints the join codes on the terminal too.
    fn lab_host(
        address: Option<&str>,
        plan: &Arc<Plan>,
        seed: u64,
        seats_per_team: usize,
        record: &crate::cli::RecordArgs,
    ) -> Result<Option<LabHost>, Failure> {
        let Some(address) = address else {
            return Ok(None);
        };
        let (secret, kept) = record.lab_secret()?;
        // The facilitator is at this window: no facilitator's seat.
        let host = LabHost::start(address, plan, seed, seats_per_team, secret, false)?;
        emit(&host.codes_text());
        emit(&format!("{kept}\n"));
        Ok(Some(host))
    }
}
