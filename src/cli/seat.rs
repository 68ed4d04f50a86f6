//! `tidewatch seat`: a trainee's seat in a lab exercise, in a window or headless.

use std::path::PathBuf;
use std::process::ExitCode;

use tidewatch::lab::seat;
use tidewatch::time::Span;

use super::files::Files;
use super::{Failure, span};

#[derive(clap::Args)]
pub struct SeatArgs {
    /// The facilitator's machine, as HOST:PORT (the console shows it).
    host: String,
    /// The team this seat plays, by id.
    #[arg(long, value_name = "TEAM_ID")]
    team: String,
    /// The team's join code from the facilitator.
    #[arg(long)]
    code: String,
    /// Who sits here, for the facilitator and the journal (default: this machine's name).
    #[arg(long)]
    name: Option<String>,
    /// No window: play the orders of --commands at their times, print what happens.
    #[arg(long)]
    headless: bool,
    /// With --headless: timed orders (RON: a list of `Timed(at: "D1 10:00", do: ...)`).
    #[arg(long, requires = "headless")]
    commands: Option<PathBuf>,
    /// With --headless: write the team's screen as it stood at the end (JSON) to this file.
    #[arg(long, requires = "headless")]
    out: Option<PathBuf>,
    /// Save a screenshot of the seat's window to this PNG once the exercise reaches --after,
    /// then leave.
    #[arg(long, requires = "after", conflicts_with = "headless")]
    screenshot: Option<PathBuf>,
    /// With --screenshot: the exercise time to take it at.
    #[arg(long, value_parser = span)]
    after: Option<Span>,
    /// How long to keep trying to reach the host (minutes, like `2m`) before giving up.
    #[arg(long, default_value = "2m", value_parser = span)]
    patience: Span,
    /// The window's size, e.g. `1366x768` for a government laptop (default 1500x940).
    #[arg(long, value_parser = super::console::window_size, value_name = "WxH", conflicts_with = "headless")]
    size: Option<(u32, u32)>,
    /// The size of everything in the window, e.g. 1.25 for a screen read from
    /// further away (Ctrl +/- changes it while it runs).
    #[arg(long, value_parser = super::console::scale, conflicts_with = "headless")]
    scale: Option<f32>,
}

pub fn run(args: SeatArgs) -> Result<ExitCode, Failure> {
    if args.team == tidewatch::lab::protocol::FACILITATOR {
        return Err(Failure::Usage(format!(
            "the facilitator's seat is the browser page: open http://{}/ and choose \
             \"Facilitator\" with the facilitator code the host printed",
            args.host
        )));
    }
    Files::default()
        .reads("--commands", args.commands.as_deref())
        .writes("--out", args.out.as_deref())
        .writes("--screenshot", args.screenshot.as_deref())
        .check()?;
    let name = args.name.clone().unwrap_or_else(|| {
        std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "seat".into())
    });
    let patience = std::time::Duration::from_secs(args.patience.0 * 60);
    let ticket = seat::Ticket {
        address: args.host.clone(),
        team: args.team.clone(),
        code: args.code.clone(),
        name,
    };
    if !args.headless {
        return window(&args, ticket, patience);
    }
    let orders = args
        .commands
        .as_deref()
        .map(seat::load_orders)
        .transpose()?
        .unwrap_or_default();
    let screen = seat::play_headless(&ticket, orders, patience).map_err(|e| e.to_string())?;
    if let Some(path) = &args.out {
        let json = serde_json::to_string_pretty(&screen).expect("a screen serialises");
        std::fs::write(path, json)
            .map_err(|e| format!("{}: cannot write the seat's screen: {e}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "console")]
fn window(
    args: &SeatArgs,
    ticket: seat::Ticket,
    patience: std::time::Duration,
) -> Result<ExitCode, Failure> {
    if let Some(why) = tidewatch::console::no_display("use `tidewatch seat ... --headless`") {
        return Err(Failure::Refused(why));
    }
    let shot = args
        .screenshot
        .clone()
        .map(|p| (p, args.after.map_or(0, |a| a.0)));
    let window = tidewatch::console::SeatWindow {
        size: args.size,
        scale: args.scale,
        shot,
    };
    Ok(tidewatch::console::seat(ticket, patience, window))
}

#[cfg(not(feature = "console"))]
fn window(
    _args: &SeatArgs,
    _ticket: seat::Ticket,
    _patience: std::time::Duration,
) -> Result<ExitCode, Failure> {
    Err(Failure::Usage(
        "this tidewatch was built without the console (feature `console`); a seat needs a window, or use --headless"
            .into(),
    ))
}
