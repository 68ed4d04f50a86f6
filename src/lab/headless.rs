//! A lab exercise without a window (`run --host`): the host's own loop serves the seats between
//! ticks and keeps the clock as the console does. The clock starts once enough seats have
//! joined (or the facilitator says `resume`), stops for a `Pause` (typed, or in a command file)
//! and at the end of a module that pauses, and goes on only when the facilitator resumes.
//! Pacing never changes what happens, only when.

use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use super::Speed;
use super::facilitator::{self, Said};
use super::host::{LabHost, SeatRecord};
use crate::exercise::session::Session;
use crate::report::view::ClockView;
use crate::scenario::{Command, Plan};
use crate::sim::events::SimEvent;

/// A headless host's clock as the facilitator controls it.
struct HostClock {
    speed: Speed,
    paused: bool,
    /// When the clock first ran: the seats awaited had joined, or the facilitator resumed.
    started: Option<Instant>,
    owed: f64,
    last: Instant,
    /// The facilitator asked to end the exercise.
    ended: bool,
    /// What the host said since the facilitators' seats were last told.
    said: Vec<String>,
}

impl HostClock {
    fn label(&self) -> String {
        self.speed.label()
    }

    /// A clock command, from the facilitator or applied from a command file; false when it
    /// changed nothing (a pause while paused), which is then not put on the record.
    fn obey(&mut self, command: &Command, now: &str) -> bool {
        match command {
            Command::Pause if !self.paused => {
                self.paused = true;
                self.say(&format!("paused at {now}; type `resume` to go on"));
            }
            Command::Resume if self.paused || self.started.is_none() => {
                self.paused = false;
                self.start();
                self.say(&format!("resumed at {now}"));
            }
            Command::Speed(pace) if Speed::from(*pace) != self.speed => {
                self.speed = Speed::from(*pace);
                self.say(&format!("the clock runs at {}", self.label()));
            }
            Command::Pause => {
                self.say(&format!("already paused at {now}"));
                return false;
            }
            Command::Resume => {
                self.say(&format!("already running at {now}"));
                return false;
            }
            _ => return false,
        }
        true
    }

    fn start(&mut self) {
        if self.started.is_none() {
            self.started = Some(Instant::now());
        }
        self.last = Instant::now();
        self.owed = 0.0;
    }

    fn running(&self) -> bool {
        self.started.is_some() && !self.paused && !self.ended
    }
}

impl HostClock {
    /// A line for the facilitator: on the host's standard output, and for the facilitators'
    /// seats.
    fn say(&mut self, text: &str) {
        println!("{text}");
        self.said.push(text.to_string());
    }
}

/// Runs a session headless as the host of a lab exercise until `until`: waits for `wait_for`
/// seats before starting the clock, then ticks at `speed`, serves the seats between ticks, and
/// obeys the facilitator's lines from `facilitator` (see [`facilitator::HELP`]). Returns the
/// seats as the facilitator saw them, and how long the clock ran (real seconds).
pub fn host_headless(
    session: &mut Session,
    host: LabHost,
    speed: Speed,
    until: u64,
    wait_for: usize,
    lines: Receiver<String>,
) -> Result<(Vec<SeatRecord>, f64), String> {
    let mut host = host;
    let plan = session.plan.clone();
    let mut clock = HostClock {
        speed,
        paused: false,
        started: None,
        owed: 0.0,
        last: Instant::now(),
        ended: false,
        said: Vec::new(),
    };
    let mut lines = Some(lines);
    while session.now() < until && !clock.ended {
        hear(&plan, session, &mut host, &mut clock, &mut lines)?;
        let view = ClockView::of(&plan, session.now(), !clock.running(), &clock.label());
        let given = host.serve(&plan, session.sim.events(), view);
        session.record_seat_orders(given.orders, given.refused)?;
        for (line, seat) in given.said {
            clock.say(&format!("{seat}: {line}"));
            obey_line(&plan, session, &host, &mut clock, &line, Some(seat))?;
        }
        for line in clock.said.drain(..) {
            host.tell(&line);
        }
        if clock.started.is_none() && host.connected() >= wait_for && !clock.paused {
            clock.start();
        }
        if !clock.running() {
            std::thread::sleep(Duration::from_millis(10));
            continue;
        }
        if run_frame(&plan, session, &mut clock, until)? == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    if clock.ended && session.has_due() {
        // What the facilitator and the seats gave before the end takes effect, then it ends.
        session.step()?;
    }
    session.finish()?;
    let ran = clock.started.map_or(0.0, |t| t.elapsed().as_secs_f64());
    let view = ClockView::of(&plan, session.now(), false, &clock.label());
    Ok((host.finish(&plan, session.sim.events(), view), ran))
}

/// Ticks due this frame at the clock's pace (at most 20 ms of work, so seats are served),
/// stopping at a clock command applied from a command file and at a module that pauses.
fn run_frame(
    plan: &Plan,
    session: &mut Session,
    clock: &mut HostClock,
    until: u64,
) -> Result<u64, String> {
    let dt = clock.last.elapsed().as_secs_f64();
    clock.last = Instant::now();
    let due = crate::exercise::pacing::owed_ticks(&mut clock.owed, clock.speed.0, dt);
    let frame = Instant::now();
    let mut ran = 0;
    while ran < due && session.now() < until && frame.elapsed() < Duration::from_millis(20) {
        let now = ClockView::of(plan, session.now(), false, "").clock;
        for c in session.due_clock_orders()? {
            let _ = clock.obey(&c, &now);
        }
        if clock.paused {
            break;
        }
        let before = session.sim.events().len();
        session.step()?;
        ran += 1;
        let now = ClockView::of(plan, session.now(), false, "").clock;
        if let Some(module) = paused_module(plan, &session.sim.events()[before..]) {
            clock.paused = true;
            clock.say(&format!(
                "paused at {now}: module {module} has ended; the room discusses its \
                 questions; type `resume` to go on"
            ));
        }
        if clock.paused {
            break;
        }
    }
    Ok(ran)
}

/// The module that ended among `events` and pauses the clock at its end, if any.
fn paused_module<'a>(plan: &'a Plan, events: &[crate::sim::events::Stamped]) -> Option<&'a str> {
    events.iter().find_map(|e| match e.event {
        SimEvent::ModuleEnded { module } if plan.modules[module].pause => {
            Some(plan.scenario.modules[module.ix()].id.as_str())
        }
        _ => None,
    })
}

/// Takes in what the facilitator typed since the last frame.
fn hear(
    plan: &Plan,
    session: &mut Session,
    host: &mut LabHost,
    clock: &mut HostClock,
    lines: &mut Option<Receiver<String>>,
) -> Result<(), String> {
    loop {
        let line = match lines.as_ref().map(Receiver::try_recv) {
            Some(Ok(line)) => line,
            Some(Err(TryRecvError::Disconnected)) => {
                // The end of input (a host started with nothing to read): nothing more comes.
                *lines = None;
                return Ok(());
            }
            Some(Err(TryRecvError::Empty)) | None => return Ok(()),
        };
        obey_line(plan, session, host, clock, &line, None)?;
    }
}

/// One facilitator's line, typed here or said at a facilitator's seat (`seat`, journaled with
/// what it gives): obeyed, or said back as not taken.
fn obey_line(
    plan: &Plan,
    session: &mut Session,
    host: &LabHost,
    clock: &mut HostClock,
    line: &str,
    seat: Option<String>,
) -> Result<(), String> {
    let now = ClockView::of(plan, session.now(), false, "").clock;
    match facilitator::parse(plan, line) {
        Ok(None) => {}
        Ok(Some(Said::Command(c))) => {
            if matches!(c, Command::Pause | Command::Resume | Command::Speed(_)) {
                if clock.obey(&c, &now) {
                    session.record_clock(c, seat)?;
                }
            } else {
                clock.say(&format!("taken at {now}: {c:?}"));
                match seat {
                    // A seat hears "taken": on the record at once, as a team seat's order.
                    Some(seat) => session.record_seat_orders(vec![(c, seat)], Vec::new())?,
                    None => {
                        let tick = session.now();
                        session.add_from([(tick, c, None::<String>)]);
                    }
                }
            }
        }
        Ok(Some(Said::Speed(speed))) => {
            clock.speed = speed;
            let label = clock.label();
            clock.say(&format!("the clock runs at {label}"));
        }
        Ok(Some(Said::Status)) => {
            let status = status(plan, session, host, clock);
            clock.say(&status);
        }
        Ok(Some(Said::End)) => {
            clock.say(&format!("ending the exercise at {now}"));
            clock.ended = true;
        }
        Ok(Some(Said::Help)) => clock.say(facilitator::HELP),
        Err(e) => clock.say(&format!("not taken: {e}")),
    }
    Ok(())
}

/// Where the exercise stands, on one line.
fn status(plan: &Plan, session: &Session, host: &LabHost, clock: &HostClock) -> String {
    let now = session.now();
    let v = ClockView::of(plan, now, !clock.running(), &clock.label());
    let state = match (clock.started, clock.paused) {
        (None, false) => "waiting for seats".to_string(),
        (_, true) => "paused".to_string(),
        _ => format!("running at {}", clock.label()),
    };
    let fired = (session.sim.events().iter())
        .filter(|e| matches!(e.event, SimEvent::InjectFired { .. }))
        .count();
    format!(
        "status: {} (tick {now} of {}), {state}; {} seats connected; {fired} of {} injects fired",
        v.clock,
        v.end,
        host.connected(),
        plan.injects.len()
    )
}
