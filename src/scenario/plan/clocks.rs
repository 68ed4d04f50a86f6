//! Each island's own time. A scenario keeps one clock (every time in the file is on it); an
//! island in another time zone (its `utc_offset`) lives by its own, and a participant there
//! reads "D1 09:00" as the scenario's clock, not theirs. Wherever a time is printed for people
//! on those islands (handouts, cards, the console's clock, the seats), it also says the islands'
//! own time, grouped by offset.

use super::Plan;
use crate::time::{LocalTime, UtcOffset};

/// The islands on one clock other than the scenario's, and what it reads at a moment.
#[derive(Clone, Debug, PartialEq)]
pub struct IslandClock {
    /// Island names on this clock, in file order.
    pub islands: Vec<String>,
    pub offset: UtcOffset,
    pub local: LocalTime,
}

impl IslandClock {
    /// "Fiji 01:00 Tue (UTC+12)": the islands, their time and weekday, their offset.
    pub fn label(&self) -> String {
        format!(
            "{} {:02}:{:02} {} ({})",
            self.islands.join(", "),
            self.local.minute_of_day / 60,
            self.local.minute_of_day % 60,
            self.local.weekday_name(),
            self.offset
        )
    }
}

impl Plan {
    /// The islands' own clocks at `tick`, one per offset that differs from the scenario's, in
    /// the order the islands are listed; empty when every island keeps the scenario's time.
    pub fn island_clocks(&self, tick: u64) -> Vec<IslandClock> {
        let Some(base) = self.scenario.utc_offset else {
            return Vec::new();
        };
        let mut out: Vec<IslandClock> = Vec::new();
        for (i, island) in self.scenario.islands.iter().enumerate() {
            let ahead = self.islands[i].clock_offset;
            if ahead == 0 {
                continue;
            }
            let offset = UtcOffset(base.0 + ahead);
            match out.iter_mut().find(|c| c.offset == offset) {
                Some(c) => c.islands.push(island.name.clone()),
                None => out.push(IslandClock {
                    islands: vec![island.name.clone()],
                    offset,
                    local: self.scenario.start.at_offset(tick, ahead),
                }),
            }
        }
        out
    }

    /// The scenario's clock at `tick` and, after it, the islands' own: "D1 09:00 FJT (UTC+12);
    /// Tonga 10:00 Tue (UTC+13); ..." or the scenario's clock alone.
    pub fn clock_with_islands(&self, tick: u64) -> String {
        let s = &self.scenario;
        let here = s.start.at(tick).clock();
        let zone = match (s.time_zone.trim(), s.utc_offset) {
            ("", None) => String::new(),
            ("", Some(o)) => format!(" {o}"),
            (z, _) => format!(" {z}"),
        };
        let others: Vec<String> = self
            .island_clocks(tick)
            .iter()
            .map(IslandClock::label)
            .collect();
        if others.is_empty() {
            format!("{here}{zone}")
        } else {
            format!("{here}{zone}; {}", others.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::testkit::TinyRegion;

    /// Islands on other offsets read their own time, grouped by offset; a scenario on one
    /// clock has no other to show.
    #[test]
    fn each_island_reads_its_own_time_grouped_by_offset() {
        let at = |offset: &str| format!("csirt: false, npc: false, utc_offset: Some(\"{offset}\")");
        let plan = TinyRegion::new()
            .island("FJ", false, false)
            .island_with("TO", &at("UTC+13"))
            .island_with("VU", &at("UTC+11"))
            .island_with("PG", &at("UTC+10"))
            .field("utc_offset: Some(\"UTC+12\"), time_zone: \"FJT (UTC+12)\"")
            .plan();
        // Tick 0 is D1 08:00 on Fiji's clock (a Monday in the kit).
        let clocks = plan.island_clocks(0);
        assert_eq!(clocks.len(), 3);
        assert_eq!(clocks[0].offset.to_string(), "UTC+13");
        assert_eq!(clocks[0].local.minute_of_day, 9 * 60);
        let line = plan.clock_with_islands(0);
        assert!(
            line.starts_with("D1 08:00 FJT (UTC+12); TO 09:00 Mon (UTC+13)"),
            "{line}"
        );
        assert!(line.contains("(UTC+10)"), "{line}");
        let single = TinyRegion::new().island("A", false, false).plan();
        assert!(single.island_clocks(0).is_empty());
    }
}
