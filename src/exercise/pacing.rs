//! Pacing: how simulated time runs against the wall clock in a live exercise. The facilitator
//! pauses, steps a minute, or picks a speed; the driver asks each frame how many ticks are due.
//! Pacing never changes what happens, only when (speed changes are journaled as `Speed`
//! commands for the record).

use bevy::prelude::*;

use crate::scenario::Pace;

impl Pace {
    pub const ALL: [Pace; 4] = [Pace::X1, Pace::X10, Pace::X60, Pace::Max];

    pub fn label(self) -> String {
        match self {
            Pace::X1 => "1x".into(),
            Pace::X10 => "10x".into(),
            Pace::X60 => "60x".into(),
            Pace::Max => "max".into(),
            Pace::Times(n) => format!("{n}x"),
        }
    }

    /// Simulated minutes per real second, or `None` for as fast as the machine allows.
    pub fn minutes_per_second(self) -> Option<f64> {
        match self {
            Pace::X1 => Some(1.0 / 60.0),
            Pace::X10 => Some(10.0 / 60.0),
            Pace::X60 => Some(1.0),
            Pace::Max => None,
            Pace::Times(n) => Some(f64::from(n.max(1)) / 60.0),
        }
    }
}

/// The facilitator's clock controls.
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct Pacing {
    pub paused: bool,
    pub speed: Pace,
    /// Simulated minutes owed to the clock at the current speed (fractions carry over).
    owed: f64,
    /// Stop here: the exercise's end.
    pub end_tick: u64,
    /// Single minutes the facilitator asked for while paused.
    pub steps: u64,
    /// "Run to": flat out to this moment (the next inject, a time typed in), then pause.
    pub run_to: Option<u64>,
}

impl Pacing {
    pub fn new(end_tick: u64, paused: bool, speed: Pace) -> Self {
        Pacing {
            paused,
            speed,
            owed: 0.0,
            end_tick,
            steps: 0,
            run_to: None,
        }
    }

    /// Runs flat out to `tick` (not past the end) and pauses there.
    pub fn run_to(&mut self, now: u64, tick: u64) {
        if tick > now {
            self.run_to = Some(tick.min(self.end_tick));
        }
    }

    /// The moment to rush to this frame: a screenshot's, else the facilitator's "run to". Once
    /// the clock is there, the run-to is done and the clock pauses.
    pub fn rush_target(&mut self, now: u64, screenshot: Option<u64>) -> Option<u64> {
        if let Some(t) = self.run_to
            && now >= t
        {
            self.run_to = None;
            self.paused = true;
        }
        screenshot.or(self.run_to)
    }

    /// Ticks due after `dt` real seconds at `now` (`u64::MAX`: as many as time allows), and the
    /// tick to stop at. `rush_to` runs flat out to a moment whatever the controls say (a
    /// screenshot rehearsal).
    pub fn due(&mut self, now: u64, dt: f64, rush_to: Option<u64>) -> (u64, u64) {
        let end = rush_to.unwrap_or(self.end_tick);
        let (paused, speed) = match rush_to {
            Some(_) => (false, Pace::Max),
            None => (self.paused, self.speed),
        };
        if now >= end || (paused && self.steps == 0) {
            self.owed = 0.0;
            return (0, end);
        }
        let ticks = if paused {
            std::mem::take(&mut self.steps)
        } else {
            owed_ticks(&mut self.owed, speed.minutes_per_second(), dt)
        };
        (ticks, end)
    }
}

/// Whole ticks owed after `dt` real seconds at `rate` simulated minutes per second (`None`: as
/// many as time allows, `u64::MAX`); the fraction carries over in `owed`.
pub fn owed_ticks(owed: &mut f64, rate: Option<f64>, dt: f64) -> u64 {
    match rate {
        Some(rate) => {
            *owed += rate * dt;
            let whole = owed.floor();
            *owed -= whole;
            whole as u64
        }
        None => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_exercise_runs_a_minute_per_real_minute_carrying_fractions() {
        let mut p = Pacing::new(100, false, Pace::X1);
        let mut ticks = 0;
        for _ in 0..59 {
            ticks += p.due(0, 1.0, None).0;
        }
        assert_eq!(ticks, 0, "59 seconds owe less than a minute");
        assert_eq!(p.due(0, 1.0, None).0, 1, "the 60th second completes it");
        p.speed = Pace::X60;
        assert_eq!(p.due(0, 2.5, None).0, 2);
        assert_eq!(p.due(0, 0.5, None).0, 1, "the half carried over");
    }

    #[test]
    fn paused_means_only_the_minutes_stepped_and_nothing_past_the_end() {
        let mut p = Pacing::new(100, true, Pace::Max);
        assert_eq!(p.due(0, 10.0, None), (0, 100));
        p.steps = 2;
        assert_eq!(p.due(0, 10.0, None), (2, 100));
        assert_eq!(p.due(0, 10.0, None), (0, 100), "steps are used up");
        p.paused = false;
        assert_eq!(p.due(0, 0.1, None), (u64::MAX, 100));
        assert_eq!(p.due(100, 0.1, None).0, 0, "the exercise is over");
        // A rehearsal for a screenshot ignores the controls and stops at its moment.
        p.paused = true;
        assert_eq!(p.due(5, 0.1, Some(50)), (u64::MAX, 50));
    }

    #[test]
    fn run_to_goes_flat_out_to_its_moment_then_pauses() {
        let mut p = Pacing::new(100, true, Pace::X1);
        p.run_to(10, 40);
        let target = p.rush_target(10, None);
        assert_eq!(target, Some(40));
        assert_eq!(p.due(10, 0.1, target), (u64::MAX, 40));
        // There: paused, and the clock controls are the facilitator's again.
        assert_eq!(p.rush_target(40, None), None);
        assert!(p.paused);
        assert_eq!(p.due(40, 10.0, None), (0, 100));
        // Never past the end, never backwards.
        p.run_to(40, 500);
        assert_eq!(p.run_to, Some(100));
        p.run_to = None;
        p.run_to(40, 30);
        assert_eq!(p.run_to, None);
    }
}
