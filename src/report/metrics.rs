//! Figures for comparing runs (batches, what-ifs), computed from the event log alone.

use crate::scenario::ids::{IslandIx, OrgIx};
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::scenario::Plan;
use crate::sim::events::{SimEvent, Stamped};

/// The metrics of one run. `None` where the run never got there (nobody detected anything,
/// intel never reached everyone).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RunMetrics {
    pub seed: u64,
    pub hosts_compromised: f64,
    /// Hosts compromised on islands other than the first one hit: what sharing should protect.
    pub hosts_compromised_elsewhere: f64,
    pub islands_compromised: f64,
    pub incidents: f64,
    pub hosts_encrypted: f64,
    pub loss_usd: f64,
    /// The loss less what the scripted events alone would have cost (cable and power cuts):
    /// the money the teams' play could change. Rows written before it existed read as 0.
    #[serde(default)]
    pub loss_teams_can_change_usd: f64,
    /// Business interruption still owed when the run ends (restores planned or not started).
    pub committed_usd: f64,
    /// First detection anywhere in the region.
    pub first_detection_minute: Option<f64>,
    /// From the first incident confirmed anywhere until the first item of intelligence is applied
    /// on every island that has a team to receive it (a CSIRT or a point of contact).
    pub intel_reach_minutes: Option<f64>,
}

/// Metric names in a fixed order, for tables and CSV headers.
pub const METRICS: [&str; 10] = [
    "hosts_compromised",
    "hosts_compromised_elsewhere",
    "islands_compromised",
    "incidents",
    "hosts_encrypted",
    "loss_usd",
    "loss_teams_can_change_usd",
    "committed_usd",
    "first_detection_minute",
    "intel_reach_minutes",
];

impl RunMetrics {
    pub fn get(&self, name: &str) -> Option<f64> {
        match name {
            "hosts_compromised" => Some(self.hosts_compromised),
            "hosts_compromised_elsewhere" => Some(self.hosts_compromised_elsewhere),
            "islands_compromised" => Some(self.islands_compromised),
            "incidents" => Some(self.incidents),
            "hosts_encrypted" => Some(self.hosts_encrypted),
            "loss_usd" => Some(self.loss_usd),
            "loss_teams_can_change_usd" => Some(self.loss_teams_can_change_usd),
            "committed_usd" => Some(self.committed_usd),
            "first_detection_minute" => self.first_detection_minute,
            "intel_reach_minutes" => self.intel_reach_minutes,
            _ => None,
        }
    }
}

pub fn run_metrics(plan: &Plan, seed: u64, ticks: u64, events: &[Stamped]) -> RunMetrics {
    let summary = super::summarise(plan, seed, ticks, String::new(), events);
    let island_of = |org: OrgIx| plan.orgs[org].island;
    let mut first_victim = None;
    let mut elsewhere: BTreeSet<u32> = BTreeSet::new();
    let mut first_incident = None;
    let mut first_item = None;
    let mut applied: BTreeMap<IslandIx, u64> = BTreeMap::new();
    for e in events {
        match e.event {
            SimEvent::HostCompromised { org, host, .. } => {
                let island = island_of(org);
                let first = *first_victim.get_or_insert(island);
                if island != first {
                    elsewhere.insert(host);
                }
            }
            SimEvent::IncidentOpened { .. } => {
                first_incident.get_or_insert(e.tick);
            }
            SimEvent::IntelProduced { item, .. } => {
                first_item.get_or_insert(item);
            }
            SimEvent::IntelApplied { item, island, .. } if Some(item) == first_item => {
                applied.entry(island).or_insert(e.tick);
            }
            _ => {}
        }
    }
    let audience: Vec<IslandIx> = IslandIx::all(plan.islands.len())
        .filter(|i| plan.island_contact[*i].is_some())
        .collect();
    let reach = match (
        first_incident,
        audience
            .iter()
            .map(|i| applied.get(i))
            .collect::<Option<Vec<_>>>(),
    ) {
        (Some(start), Some(times)) if !audience.is_empty() => times
            .into_iter()
            .max()
            .map(|&t| t.saturating_sub(start) as f64),
        _ => None,
    };
    RunMetrics {
        seed,
        hosts_compromised: summary
            .islands
            .iter()
            .map(|i| i.hosts_compromised)
            .sum::<u64>() as f64,
        hosts_compromised_elsewhere: elsewhere.len() as f64,
        islands_compromised: summary
            .islands
            .iter()
            .filter(|i| i.hosts_compromised > 0)
            .count() as f64,
        incidents: summary.islands.iter().map(|i| i.incidents).sum::<u64>() as f64,
        hosts_encrypted: summary
            .islands
            .iter()
            .map(|i| i.hosts_encrypted)
            .sum::<u64>() as f64,
        loss_usd: summary.islands.iter().map(|i| i.loss_usd).sum(),
        loss_teams_can_change_usd: summary
            .islands
            .iter()
            .map(|i| i.loss_teams_can_change_usd)
            .sum(),
        committed_usd: summary.islands.iter().map(|i| i.committed_usd).sum(),
        first_detection_minute: summary
            .islands
            .iter()
            .filter_map(|i| i.first_detection_minute)
            .min()
            .map(|m| m as f64),
        intel_reach_minutes: reach,
    }
}

/// Mean and percentiles of one metric over the runs where it is defined.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Stats {
    /// Runs in which the metric is defined.
    pub n: usize,
    pub mean: Option<f64>,
    pub p5: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

/// Nearest-rank percentiles: always a value some run actually had.
pub fn stats(values: &[f64]) -> Stats {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let pick = |p: f64| -> Option<f64> {
        if v.is_empty() {
            return None;
        }
        let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
        Some(v[rank.min(v.len()) - 1])
    };
    Stats {
        n: v.len(),
        mean: (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64),
        p5: pick(5.0),
        p50: pick(50.0),
        p95: pick(95.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = stats(&v);
        assert_eq!(
            (s.n, s.p5, s.p50, s.p95, s.mean),
            (100, Some(5.0), Some(50.0), Some(95.0), Some(50.5))
        );
        let s = stats(&[7.0]);
        assert_eq!((s.p5, s.p50, s.p95), (Some(7.0), Some(7.0), Some(7.0)));
        assert_eq!(stats(&[]).mean, None);
    }
}
