//! The per-island summary of a run, read from its operating picture (no second bookkeeping).

use crate::scenario::ids::{OrgIx, ServiceIx};
use serde::Serialize;

use super::picture::OperatingPicture;
use crate::scenario::Plan;
use crate::sim::events::{DownCause, Stamped};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct IslandSummary {
    pub id: String,
    pub name: String,
    /// Distinct hosts an attacker held at some point.
    pub hosts_compromised: u64,
    /// Hosts encrypted by ransomware (held ones and those reached by a domain-wide push).
    pub hosts_encrypted: u64,
    /// Encrypted hosts with no usable backup left (none kept, or online backups encrypted too),
    /// rebuilt rather than restored; a restored host encrypted again counts again.
    pub hosts_rebuilt: u64,
    /// Minute of the first detection on the island: an incident confirmed by a team, or a ransom
    /// note found by a victim. `None` if nobody ever noticed.
    pub first_detection_minute: Option<u64>,
    pub incidents: u64,
    /// Sum over the island's services of minutes down.
    pub service_down_minutes: u64,
    /// Services down, hosts to recover, business interrupted, data breaches and ransoms, up
    /// to the end of the run.
    pub loss_usd: f64,
    /// Services down at their cost per hour, whatever kept them down; the three parts below.
    pub loss_services_usd: f64,
    /// ... while the scripted events alone (cable and power cuts) would have kept them down.
    pub loss_services_scripted_usd: f64,
    /// ... while the attack kept them down (hosts encrypted or being restored, a flood).
    pub loss_services_attack_usd: f64,
    /// ... while only the response kept them down (isolation): the response's price.
    pub loss_services_response_usd: f64,
    /// Encrypted hosts restored from backup at `defaults.restore_per_host_usd` each, and
    /// those with no usable backup left rebuilt at `defaults.rebuild_per_host_usd`.
    pub loss_recovery_usd: f64,
    /// Organisations whose data was taken times `defaults.breach_usd`.
    pub loss_breach_usd: f64,
    /// Host-days encrypted hosts were down, times their organisation's sector rate
    /// (`defaults.interruption_per_host_day_usd` and `interruption_weight`).
    pub loss_interruption_usd: f64,
    /// Ransoms paid.
    pub loss_ransom_usd: f64,
    /// Clients cut off from their managed service provider (provider isolated, access
    /// revoked): `SUPPORT_LOST_SHARE` of their interruption rate on every host, per day cut.
    /// A price of the response.
    pub loss_support_usd: f64,
    /// The response's people: its teams' analysts' hours on the work they finished
    /// (`ANALYST_HOUR_USD`), and the analysts the hub lent them (`LENT_ANALYST_DAY_USD` a day,
    /// `LENT_ANALYST_TRIP_USD` a trip on site), charged to the island the team sits on.
    #[serde(default)]
    pub loss_response_usd: f64,
    /// What the run's end leaves owed: business interruption (restores still planned, and
    /// encrypted hosts nobody has started on at a rebuild's time each) and ransoms agreed but
    /// not yet paid. Not in `loss_usd`.
    pub committed_usd: f64,
    /// Of `committed_usd`, the ransoms agreed and not yet paid.
    #[serde(default)]
    pub ransom_agreed_usd: f64,
    /// People-hours of service lost.
    pub people_hours_lost: f64,
    /// The loss less what the scripted events alone would have cost: the part the teams' play
    /// could change (attack and response, recovery, interruption, breaches, ransoms).
    pub loss_teams_can_change_usd: f64,
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
/// What the response's people cost on island `i` by `ticks`: the hours its teams' analysts
/// worked and the analysts lent to them. A team with no island (a hub abroad) is charged
/// nowhere.
fn response_cost(plan: &Plan, picture: &OperatingPicture, i: usize, ticks: u64) -> f64 {
    use crate::sim::judgement::{ANALYST_HOUR_USD, LENT_ANALYST_DAY_USD, LENT_ANALYST_TRIP_USD};
    let day = crate::time::MINUTES_PER_DAY as f64;
    (picture.work.teams())
        .filter(|t| plan.teams[*t].island.is_some_and(|x| x.ix() == i))
        .map(|t| {
            let worked = picture.work.minutes.get(&t).copied().unwrap_or(0.0);
            let (lent, trips) = picture.work.loaned(t, ticks);
            worked / 60.0 * ANALYST_HOUR_USD
                + lent as f64 / day * LENT_ANALYST_DAY_USD
                + trips as f64 * LENT_ANALYST_TRIP_USD
        })
        .sum()
}

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
            let mut by_cause = [0.0; 3];
            let mut people = 0.0;
            for (s, sp) in plan.services.iter().enumerate() {
                if sp.island.ix() == i {
                    let service = ServiceIx::from(s);
                    let down = picture.service_down_minutes(service, ticks);
                    minutes += down;
                    people += sp.people_served as f64 * down as f64 / 60.0;
                    let causes = picture.service_down_minutes_by_cause(service, ticks);
                    for (usd, m) in by_cause.iter_mut().zip(causes) {
                        *usd += sp.cost_per_hour_usd * m as f64 / 60.0;
                    }
                }
            }
            let loss: f64 = by_cause.iter().sum();
            let d = &plan.defaults;
            let breach = p.breached.len() as f64 * d.breach_usd;
            let ransom = p.ransom_usd as f64;
            // Each restore of an encrypted host costs its recovery, a second one after it was
            // encrypted again too.
            let (mut recovery, mut rebuilt) = (0.0, 0);
            let (mut interruption, mut committed) = (0.0, 0.0);
            let day = crate::time::MINUTES_PER_DAY as f64;
            let per_host = crate::sim::network::minutes_per_host(plan);
            // An organisation on this island, with how many hosts it has (its users).
            let here = |org: OrgIx| {
                let o = &plan.orgs[org];
                (o.island.ix() == i).then(|| (o, (o.hosts.end - o.hosts.start) as f64))
            };
            for (org, r) in &picture.recovery {
                let o = &plan.orgs[*org];
                if o.island.ix() != i {
                    continue;
                }
                recovery += d.recovery_usd(r.encrypted, r.rebuilt);
                rebuilt += r.rebuilt;
                let rate = d.interruption_rate(o.sector) / day;
                interruption += r.host_minutes_down(ticks) as f64 * rate;
                committed += r.host_minutes_committed(ticks, d.rebuild.0, per_host) as f64 * rate;
            }
            // Each reset of an organisation's credentials costs every user half a working day.
            let lockout = crate::sim::judgement::RESET_LOCKOUT_MINUTES as f64 / day;
            for (o, hosts, n) in (picture.resets.iter())
                .filter_map(|(&org, &n)| here(org).map(|(o, hosts)| (o, hosts, n)))
            {
                interruption += n as f64 * hosts * lockout * d.interruption_rate(o.sector);
            }
            // A ransom agreed and not yet paid is owed all the same.
            let ransom_agreed = p.ransom_agreed.values().sum::<u64>() as f64;
            committed += ransom_agreed;
            let mut support = 0.0;
            for org in picture.support.clients() {
                if let Some((o, hosts)) = here(org) {
                    let minutes = picture.support.minutes(org, ticks) as f64;
                    support += hosts * d.interruption_rate(o.sector) / day
                        * crate::sim::judgement::SUPPORT_LOST_SHARE
                        * minutes;
                }
            }
            let response = response_cost(plan, picture, i, ticks);
            let total = loss + recovery + breach + interruption + ransom + support + response;
            IslandSummary {
                id: isl.id.clone(),
                name: isl.name.clone(),
                hosts_compromised: p.compromised.len() as u64,
                hosts_encrypted: p.encrypted,
                first_detection_minute: p.first_detection,
                incidents: p.incidents,
                service_down_minutes: minutes,
                loss_usd: total,
                loss_services_usd: loss,
                loss_services_scripted_usd: by_cause[DownCause::Scripted as usize],
                loss_services_attack_usd: by_cause[DownCause::Attack as usize],
                loss_services_response_usd: by_cause[DownCause::Response as usize],
                hosts_rebuilt: rebuilt,
                loss_recovery_usd: recovery,
                loss_breach_usd: breach,
                loss_interruption_usd: interruption,
                loss_ransom_usd: ransom,
                loss_support_usd: support,
                loss_response_usd: response,
                committed_usd: committed,
                ransom_agreed_usd: ransom_agreed,
                people_hours_lost: people,
                loss_teams_can_change_usd: total - by_cause[DownCause::Scripted as usize],
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
        "{:<40} {:>11} {:>9} {:>14} {:>9} {:>10} {:>12} {:>12} {:>12}",
        "island",
        "compromised",
        "encrypted",
        "first detected",
        "incidents",
        "svc down",
        "loss USD",
        "teams' part",
        "owed USD"
    );
    for i in &s.islands {
        let first = i
            .first_detection_minute
            .map_or("never".to_string(), |t| plan.scenario.start.at(t).clock());
        let _ = writeln!(
            out,
            "{:<40} {:>11} {:>9} {:>14} {:>9} {:>10} {:>12} {:>12} {:>12}",
            format!("{} ({})", i.name, i.id),
            i.hosts_compromised,
            i.hosts_encrypted,
            first,
            i.incidents,
            crate::time::Span(i.service_down_minutes).to_string(),
            format!("{:.0}", i.loss_usd),
            format!("{:.0}", i.loss_teams_can_change_usd),
            format!("{:.0}", i.committed_usd)
        );
    }
    let _ = writeln!(out, "digest {}", s.digest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::OrgIx;
    use crate::scenario::testkit::TinyRegion;

    #[test]
    fn encrypted_hosts_and_stolen_data_cost_money_not_only_services_down() {
        let tiny = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 100, 0.5, 0.5)
            .org("bank", "A", 100, 0.5, 0.5)
            .plan();
        let mut plan = (*tiny).clone();
        plan.orgs[OrgIx(1)].sector = crate::scenario::Sector::Finance;
        let (gov, bank) = (OrgIx(0), OrgIx(1));
        let mut picture = OperatingPicture::new(&plan);
        picture.islands[0].breached.insert(gov);
        // The ministry's 40 had backups; 4 of the bank's 10 had none left.
        picture.hosts_encrypted(&plan, gov, (40, 0), 30);
        picture.hosts_encrypted(&plan, bank, (10, 4), 40);
        let s = summary_of(&picture, &plan, 1, 60, String::new(), 0);
        let a = &s.islands[0];
        let d = &plan.defaults;
        let recovery = 46.0 * d.restore_per_host_usd + 4.0 * d.rebuild_per_host_usd;
        assert_eq!(a.loss_recovery_usd, recovery);
        assert_eq!(a.hosts_rebuilt, 4);
        assert_eq!(a.loss_breach_usd, d.breach_usd, "one organisation breached");
        assert_eq!(a.loss_services_usd, 0.0);
        // 40 government hosts down 30 minutes, 10 bank hosts 20 minutes (four times the rate).
        let per_minute = d.interruption_per_host_day_usd / 1440.0;
        let expected = (40.0 * 30.0 + 4.0 * 10.0 * 20.0) * per_minute;
        assert!((a.loss_interruption_usd - expected).abs() < 1e-6);
        assert_eq!(
            a.loss_usd,
            a.loss_recovery_usd + a.loss_breach_usd + a.loss_interruption_usd
        );
        // Nobody planned a restore: each host waits a rebuild after the end.
        let owed = (40.0 + 40.0) * d.rebuild.0 as f64 * per_minute;
        assert!((a.committed_usd - owed).abs() < 1e-6, "{}", a.committed_usd);
    }

    #[test]
    fn restores_end_the_interruption_and_planned_ones_are_owed_after_the_end() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 100, 0.5, 0.5)
            .plan();
        let gov = OrgIx(0);
        let mut picture = OperatingPicture::new(&plan);
        picture.hosts_encrypted(&plan, gov, (3, 0), 0);
        let restores = picture.recovery.get_mut(&gov).unwrap();
        restores.planned.push((3, 100, 300));
        restores.host_restored(100);
        restores.host_restored(200);
        picture.ransom_paid(&plan, gov, 5000);
        let s = summary_of(&picture, &plan, 1, 250, String::new(), 0);
        let a = &s.islands[0];
        let per_minute = plan.defaults.interruption_per_host_day_usd / 1440.0;
        // Down 100 + 200 + 250 host-minutes by the end; the third host is owed 50 more.
        assert!((a.loss_interruption_usd - 550.0 * per_minute).abs() < 1e-6);
        assert!((a.committed_usd - 50.0 * per_minute).abs() < 1e-6);
        assert_eq!(a.loss_ransom_usd, 5000.0);
        assert!(a.loss_usd > a.loss_interruption_usd + 4999.0);
    }
}
