//! Figures over time for the console's charts, kept by the operating picture's fold as events
//! arrive: one step per change, so their cost follows the events, never the frames or the hosts.

use crate::scenario::ids::IslandIx;

/// A count over time as steps: `(tick, value)` at each change, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Steps(pub Vec<(u64, u64)>);

impl Steps {
    /// The count is `value` from `tick` on (ticks never go back).
    pub fn set(&mut self, tick: u64, value: u64) {
        match self.0.last_mut() {
            None if value == 0 => {}
            Some(last) if last.1 == value => {}
            // Several changes in one minute: the minute's last word.
            Some(last) if last.0 == tick => last.1 = value,
            _ => self.0.push((tick, value)),
        }
    }

    /// The count now.
    pub fn last(&self) -> u64 {
        self.0.last().map_or(0, |s| s.1)
    }

    /// Corner points of the step line from the start to `now`, as (tick, value).
    pub fn corners(&self, now: u64) -> Vec<(u64, u64)> {
        let mut out = Vec::with_capacity(self.0.len() * 2 + 2);
        out.push((0, 0));
        let mut before = 0;
        for &(t, v) in &self.0 {
            out.push((t, before));
            out.push((t, v));
            before = v;
        }
        out.push((now.max(out.last().map_or(0, |c| c.0)), before));
        out
    }
}

/// Per island: hosts an attacker ever held, hosts encrypted, services down; and every item of
/// intelligence applied, where and when.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trends {
    pub compromised: Vec<Steps>,
    pub encrypted: Vec<Steps>,
    pub services_down: Vec<Steps>,
    /// (tick, island, item number), in log order.
    pub intel: Vec<(u64, IslandIx, u32)>,
}

impl Trends {
    pub fn new(islands: usize) -> Self {
        Trends {
            compromised: vec![Steps::default(); islands],
            encrypted: vec![Steps::default(); islands],
            services_down: vec![Steps::default(); islands],
            intel: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_keep_one_point_per_change_and_the_last_word_in_a_minute() {
        let mut s = Steps::default();
        s.set(5, 0);
        assert!(s.0.is_empty(), "nothing happened yet");
        s.set(10, 1);
        s.set(10, 2);
        s.set(12, 2);
        s.set(20, 1);
        assert_eq!(s.0, vec![(10, 2), (20, 1)]);
        assert_eq!(s.last(), 1);
        assert_eq!(
            s.corners(30),
            vec![(0, 0), (10, 0), (10, 2), (20, 2), (20, 1), (30, 1)]
        );
    }
}
