//! The mobile lab: the facilitator's machine hosts the exercise on the lab network and trainee
//! laptops join as seats of their national team. The host runs the only simulation and is the
//! authority; a seat sees its team's view (`report::view`) and nothing else, and its orders are
//! checked against its team and journaled with the seat they came from.

mod budget;
mod connection;
mod conversation;
mod evidence;
pub mod facilitator;
pub mod feed;
mod gate;
mod headless;
pub mod host;
mod page;
pub mod protocol;
pub mod seat;
pub mod secret;

pub use headless::host_headless;
pub use host::LabHost;

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

    /// The pace as the record names it: the console's four, any whole factor, or `None` for a
    /// fraction (`0.5x`), which the clock runs but the record has no word for.
    pub fn pace(self) -> Option<crate::scenario::Pace> {
        use crate::scenario::Pace;
        let Some(m) = self.0 else {
            return Some(Pace::Max);
        };
        let n = m * 60.0;
        if n.fract() != 0.0 || n < 1.0 {
            return None;
        }
        Some(match n as u32 {
            1 => Pace::X1,
            10 => Pace::X10,
            60 => Pace::X60,
            n => Pace::Times(n),
        })
    }
}

impl From<crate::scenario::Pace> for Speed {
    fn from(p: crate::scenario::Pace) -> Speed {
        Speed(p.minutes_per_second())
    }
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
