//! The per-island summary of a run, derived from events only (no second bookkeeping).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::scenario::Plan;
use crate::sim::events::{SimEvent, Stamped};

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
    let n = plan.scenario.islands.len();
    let mut compromised: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); n];
    let mut first: Vec<Option<u64>> = vec![None; n];
    let mut incidents = vec![0u64; n];
    let mut encrypted = vec![0u64; n];
    let mut down_since: BTreeMap<u32, u64> = BTreeMap::new();
    let mut down_minutes = vec![0u64; plan.services.len()];
    let island_of_org = |org: u32| plan.orgs[org as usize].island as usize;
    let mut detect = |island: usize, tick: u64| {
        let f = &mut first[island];
        *f = Some(f.map_or(tick, |t: u64| t.min(tick)));
    };
    for e in events {
        match e.event {
            SimEvent::HostCompromised { org, host, .. } => {
                compromised[island_of_org(org)].insert(host);
            }
            SimEvent::IncidentOpened { org, .. } => {
                incidents[island_of_org(org)] += 1;
                detect(island_of_org(org), e.tick);
            }
            SimEvent::RansomNoteFound { org, .. } => detect(island_of_org(org), e.tick),
            SimEvent::HostsEncrypted { org, hosts, .. } => {
                encrypted[island_of_org(org)] += hosts as u64
            }
            SimEvent::ServiceDown { service } => {
                down_since.insert(service, e.tick);
            }
            SimEvent::ServiceRestored { service } => {
                if let Some(since) = down_since.remove(&service) {
                    down_minutes[service as usize] += e.tick - since;
                }
            }
            _ => {}
        }
    }
    for (service, since) in down_since {
        down_minutes[service as usize] += ticks.saturating_sub(since);
    }
    let islands = plan
        .scenario
        .islands
        .iter()
        .enumerate()
        .map(|(i, isl)| {
            let mut minutes = 0;
            let mut loss = 0.0;
            let mut people = 0.0;
            for (s, sp) in plan.services.iter().enumerate() {
                if sp.island as usize == i {
                    minutes += down_minutes[s];
                    loss += sp.cost_per_hour_usd * down_minutes[s] as f64 / 60.0;
                    people += sp.people_served as f64 * down_minutes[s] as f64 / 60.0;
                }
            }
            IslandSummary {
                id: isl.id.clone(),
                name: isl.name.clone(),
                hosts_compromised: compromised[i].len() as u64,
                hosts_encrypted: encrypted[i],
                first_detection_minute: first[i],
                incidents: incidents[i],
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
        events: events.len(),
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
