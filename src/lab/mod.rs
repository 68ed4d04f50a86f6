//! The mobile lab: the facilitator's machine hosts the exercise on the lab network and trainee
//! laptops join as seats of their national team. The host runs the only simulation and is the
//! authority; a seat sees its team's view (`report::view`) and nothing else, and its orders are
//! checked against its team and journaled with the seat they came from.

mod budget;
mod connection;
mod conversation;
mod gate;
pub mod host;
pub mod protocol;
pub mod seat;

use std::time::{Duration, Instant};

pub use host::LabHost;

use crate::exercise::session::Session;
use crate::report::view::ClockView;

/// How fast a headless host runs the clock: simulated minutes per real second, or flat out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Speed(pub Option<f64>);

impl Speed {
    /// `max`, or a factor over real time like `60x` (a simulated hour per real minute).
    pub fn parse(text: &str) -> Result<Speed, String> {
        let t = text.trim();
        if t == "max" {
            return Ok(Speed(None));
        }
        t.strip_suffix('x')
            .and_then(|n| n.parse::<f64>().ok())
            .filter(|n| n.is_finite() && *n > 0.0 && *n <= 1e6)
            .map(|n| Speed(Some(n / 60.0)))
            .ok_or_else(|| {
                format!("`{t}` is not a pace; write `max` or a factor like `60x` (1x: real time)")
            })
    }

    pub fn label(self) -> String {
        match self.0 {
            None => "max".into(),
            Some(m) => format!("{}x", m * 60.0),
        }
    }
}

/// Runs a session headless as the host of a lab exercise until `until`: waits for `wait_for`
/// seats before starting the clock, then ticks at `speed` and serves the seats between ticks.
/// Returns the seats as the facilitator saw them, and how long the clock ran (real seconds).
pub fn host_headless(
    session: &mut Session,
    host: LabHost,
    speed: Speed,
    until: u64,
    wait_for: usize,
) -> Result<(Vec<host::SeatRecord>, f64), String> {
    let mut host = host;
    let plan = session.plan.clone();
    let label = speed.label();
    let mut started: Option<Instant> = None;
    let mut owed = 0.0;
    let mut last = Instant::now();
    while session.now() < until {
        let paused = started.is_none();
        let clock = ClockView::of(&plan, session.now(), paused, &label);
        let given = host.serve(&plan, session.sim.events(), clock);
        let now = session.now();
        session.add_from(
            given
                .orders
                .into_iter()
                .map(|(c, seat)| (now, c, Some(seat))),
        );
        session.add_refused(given.refused);
        if started.is_none() {
            if host.connected() >= wait_for {
                started = Some(Instant::now());
                last = Instant::now();
            } else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        }
        let dt = last.elapsed().as_secs_f64();
        last = Instant::now();
        let due = crate::exercise::pacing::owed_ticks(&mut owed, speed.0, dt);
        let frame = Instant::now();
        let mut ran = 0;
        while ran < due && session.now() < until && frame.elapsed() < Duration::from_millis(20) {
            session.step()?;
            ran += 1;
        }
        if ran == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    session.finish()?;
    let ran = started.map_or(0.0, |t| t.elapsed().as_secs_f64());
    let clock = ClockView::of(&plan, session.now(), false, &label);
    Ok((host.finish(&plan, session.sim.events(), clock), ran))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pace_is_max_or_a_positive_factor() {
        assert_eq!(Speed::parse("max"), Ok(Speed(None)));
        assert_eq!(Speed::parse("60x"), Ok(Speed(Some(1.0))));
        assert_eq!(Speed::parse("600x").unwrap().label(), "600x");
        for bad in ["", "0x", "-5x", "fast", "NaNx", "1e9x"] {
            assert!(Speed::parse(bad).is_err(), "{bad}");
        }
    }
}
