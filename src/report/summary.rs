//! The per-island summary of a run, derived from events only (no second bookkeeping).

use crate::scenario::ids::ServiceIx;
use serde::Serialize;

use super::picture::OperatingPicture;
use crate::scenario::Plan;
use crate::sim::events::Stamped;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct IslandSummary {
    pub id: String,
    pub name: String,
    /// Distinct hosts an attacker held at some point.
    pub hosts_compromised: u64,
    /// Hosts encrypted by ransomware (held ones and those reached by a domain-wide push).
    pub hosts_encrypted: u64,
    /// Minute of the first detection on the island: an incident confirmed by a team, or a ransom
    /// note found by a victim. `None` if nobody ever noticed.
    pub first_detection_minute: Option<u64>,
    pub incidents: u64,
    /// Sum over the island's services of minutes down.
    pub service_down_minutes: u64,
    pub loss_usd: f64,
    /// People-hours of service lost.
    pub people_hours_lost: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RunSummary {
    pub scenario: String,
    pub seed: u64,
    pub ticks: u64,
    pub digest: String,
    pub events: usize,
    pub islands: Vec<IslandSummary>,
}

/// Folds the event log into per-island figures as of `ticks` minutes (open outages count up to
/// then).
pub fn summarise(
    plan: &Plan,
    seed: u64,
    ticks: u64,
    digest: String,
    events: &[Stamped],
) -> RunSummary {
    summary_of(
        &OperatingPicture::of(plan, events),
        plan,
        seed,
        ticks,
        digest,
        events.len(),
    )
}

/// The summary of a picture already folded (the console keeps one up to date).
pub fn summary_of(
    picture: &OperatingPicture,
    plan: &Plan,
    seed: u64,
    ticks: u64,
    digest: String,
    events: usize,
) -> RunSummary {
    let islands = plan
        .scenario
        .islands
        .iter()
        .zip(&picture.islands)
        .enumerate()
        .map(|(i, (isl, p))| {
            let mut minutes = 0;
            let mut loss = 0.0;
            let mut people = 0.0;
            for (s, sp) in plan.services.iter().enumerate() {
                if sp.island.ix() == i {
                    let down = picture.service_down_minutes(ServiceIx::from(s), ticks);
                    minutes += down;
                    loss += sp.cost_per_hour_usd * down as f64 / 60.0;
                    people += sp.people_served as f64 * down as f64 / 60.0;
                }
            }
            IslandSummary {
                id: isl.id.clone(),
                name: isl.name.clone(),
                hosts_compromised: p.compromised.len() as u64,
                hosts_encrypted: p.encrypted,
                first_detection_minute: p.first_detection,
                incidents: p.incidents,
                service_down_minutes: minutes,
                loss_usd: loss,
                people_hours_lost: people,
            }
        })
        .collect();
    RunSummary {
        scenario: plan.scenario.name.clone(),
        seed,
        ticks,
        digest,
        events,
        islands,
    }
}

/// The human summary `tidewatch run` prints.
pub fn render_text(plan: &Plan, s: &RunSummary) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (seed {}), {} simulated ({} ticks), {} events",
        s.scenario,
        s.seed,
        crate::time::Span(s.ticks),
        s.ticks,
        s.events
    );
    let _ = writeln!(
        out,
        "{:<40} {:>11} {:>9} {:>14} {:>9} {:>10} {:>12}",
        "island", "compromised", "encrypted", "first detected", "incidents", "svc down", "loss USD"
    );
    for i in &s.islands {
        let first = i
            .first_detection_minute
            .map_or("never".to_string(), |t| plan.scenario.start.at(t).clock());
        let _ = writeln!(
            out,
            "{:<40} {:>11} {:>9} {:>14} {:>9} {:>10} {:>12}",
            format!("{} ({})", i.name, i.id),
            i.hosts_compromised,
            i.hosts_encrypted,
            first,
            i.incidents,
            crate::time::Span(i.service_down_minutes).to_string(),
            format!("{:.0}", i.loss_usd)
        );
    }
    let _ = writeln!(out, "digest {}", s.digest);
    out
}
