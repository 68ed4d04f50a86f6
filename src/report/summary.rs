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
    /// Services down (their cost per hour), hosts to recover and data breaches.
    pub loss_usd: f64,
    pub loss_services_usd: f64,
    /// Encrypted hosts times `defaults.recovery_per_host_usd`.
    pub loss_recovery_usd: f64,
    /// Organisations whose data was taken times `defaults.breach_usd`.
    pub loss_breach_usd: f64,
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
            let d = &plan.defaults;
            let recovery = p.encrypted as f64 * d.recovery_per_host_usd;
            let breach = p.breached.len() as f64 * d.breach_usd;
            IslandSummary {
                id: isl.id.clone(),
                name: isl.name.clone(),
                hosts_compromised: p.compromised.len() as u64,
                hosts_encrypted: p.encrypted,
                first_detection_minute: p.first_detection,
                incidents: p.incidents,
                service_down_minutes: minutes,
                loss_usd: loss + recovery + breach,
                loss_services_usd: loss,
                loss_recovery_usd: recovery,
                loss_breach_usd: breach,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::{CampaignIx, OrgIx};
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::events::SimEvent;

    #[test]
    fn encrypted_hosts_and_stolen_data_cost_money_not_only_services_down() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 100, 0.5, 0.5)
            .org("bank", "A", 100, 0.5, 0.5)
            .plan();
        let (campaign, gov, bank) = (CampaignIx(0), OrgIx(0), OrgIx(1));
        let at = |tick, event| Stamped { tick, event };
        let log = vec![
            at(
                10,
                SimEvent::DataExfiltrated {
                    campaign,
                    org: gov,
                    hosts: 3,
                },
            ),
            at(
                20,
                SimEvent::DataExfiltrated {
                    campaign,
                    org: gov,
                    hosts: 5,
                },
            ),
            at(
                30,
                SimEvent::HostsEncrypted {
                    campaign,
                    org: gov,
                    hosts: 40,
                },
            ),
            at(
                40,
                SimEvent::HostsEncrypted {
                    campaign,
                    org: bank,
                    hosts: 10,
                },
            ),
        ];
        let s = summarise(&plan, 1, 60, String::new(), &log);
        let a = &s.islands[0];
        let d = &plan.defaults;
        assert_eq!(a.loss_recovery_usd, 50.0 * d.recovery_per_host_usd);
        assert_eq!(
            a.loss_breach_usd, d.breach_usd,
            "one organisation breached, twice"
        );
        assert_eq!(a.loss_services_usd, 0.0);
        assert_eq!(a.loss_usd, a.loss_recovery_usd + a.loss_breach_usd);
        assert!(a.loss_usd > 0.0);
    }
}
