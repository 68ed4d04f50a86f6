//! Figures for comparing runs (batches, what-ifs), read from the operating picture of a run.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::picture::OperatingPicture;
use super::summary::summary_of;
use crate::scenario::Plan;
use crate::scenario::ids::IslandIx;
use crate::sim::events::Stamped;

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
    /// Owed when the run ends: business interruption (restores planned or not started) and
    /// ransoms agreed but not yet paid.
    pub committed_usd: f64,
    /// What the response itself cost: services down only because a team isolated something,
    /// the support a provider's clients lost while cut off from it, and its people (analysts'
    /// hours, help lent). Rows written before it existed read as 0.
    #[serde(default)]
    pub response_price_usd: f64,
    /// First detection anywhere in the region.
    pub first_detection_minute: Option<f64>,
    /// From the first incident confirmed anywhere until the first item of intelligence is applied
    /// on every island that has a team to receive it (a CSIRT or a point of contact).
    pub intel_reach_minutes: Option<f64>,
}

/// Metric names in a fixed order, for tables and CSV headers.
pub const METRICS: [&str; 11] = [
    "hosts_compromised",
    "hosts_compromised_elsewhere",
    "islands_compromised",
    "incidents",
    "hosts_encrypted",
    "loss_usd",
    "loss_teams_can_change_usd",
    "committed_usd",
    "response_price_usd",
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
            "response_price_usd" => Some(self.response_price_usd),
            "first_detection_minute" => self.first_detection_minute,
            "intel_reach_minutes" => self.intel_reach_minutes,
            _ => None,
        }
    }
}

pub fn run_metrics(plan: &Plan, seed: u64, ticks: u64, events: &[Stamped]) -> RunMetrics {
    let picture = OperatingPicture::of(plan, events);
    let summary = summary_of(&picture, plan, seed, ticks, String::new(), events.len());
    let islands = &summary.islands;
    // Hosts taken on the islands other than the first hit (a host is on one island).
    let first_hit = picture.islands_hit.first();
    let elsewhere: usize = picture
        .islands_hit
        .iter()
        .filter(|i| Some(*i) != first_hit)
        .map(|i| picture.islands[i.ix()].compromised.len())
        .sum();
    RunMetrics {
        seed,
        hosts_compromised: islands.iter().map(|i| i.hosts_compromised).sum::<u64>() as f64,
        hosts_compromised_elsewhere: elsewhere as f64,
        islands_compromised: islands.iter().filter(|i| i.hosts_compromised > 0).count() as f64,
        incidents: islands.iter().map(|i| i.incidents).sum::<u64>() as f64,
        hosts_encrypted: islands.iter().map(|i| i.hosts_encrypted).sum::<u64>() as f64,
        loss_usd: islands.iter().map(|i| i.loss_usd).sum(),
        loss_teams_can_change_usd: islands.iter().map(|i| i.loss_teams_can_change_usd).sum(),
        committed_usd: islands.iter().map(|i| i.committed_usd).sum(),
        response_price_usd: (islands.iter())
            .map(|i| i.loss_services_response_usd + i.loss_support_usd + i.loss_response_usd)
            .sum(),
        first_detection_minute: islands
            .iter()
            .filter_map(|i| i.first_detection_minute)
            .min()
            .map(|m| m as f64),
        intel_reach_minutes: intel_reach(plan, &picture),
    }
}

/// From the first incident anywhere until the first item of intelligence was applied on the
/// last island with a team to receive it; `None` if it never reached them all.
fn intel_reach(plan: &Plan, picture: &OperatingPicture) -> Option<f64> {
    let start = picture.incidents_opened.first()?.tick;
    let first_item = *picture.intel.items.keys().next()?;
    let mut applied: BTreeMap<IslandIx, u64> = BTreeMap::new();
    for &(tick, island, item) in &picture.trends.intel {
        if item == first_item {
            applied.entry(island).or_insert(tick);
        }
    }
    let audience: Vec<IslandIx> = IslandIx::all(plan.islands.len())
        .filter(|i| plan.island_contact[*i].is_some())
        .collect();
    if audience.is_empty() {
        return None;
    }
    let times = audience
        .iter()
        .map(|i| applied.get(i))
        .collect::<Option<Vec<_>>>()?;
    times
        .into_iter()
        .max()
        .map(|&t| t.saturating_sub(start) as f64)
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
