//! Detection: sensors turn what attackers do into alerts on the desk of the team that watches
//! the organisation; victims report what they cannot miss; false alerts arrive at a rate set by
//! what each team watches. Applied intelligence sharpens the sensors (see `posture`).

use crate::scenario::ids::{CampaignIx, OrgIx, TeamIx, TechniqueIx};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::tasks::{ComputeTaskPool, ParallelSlice};

use super::attack::Intrusions;
use super::desk::{AlertCounter, CoveredHosts, Desk, TeamEntities};
use super::draws::{Purpose, ids};
use super::events::{EventLog, SimEvent};
use super::judgement::{FAILED_ATTEMPT_VISIBILITY, FALSE_ALERTS_URGENT};
use super::posture::IslandDefences;
use super::tasks::Alert;
use super::{Region, SimSet, SimTick, StableId, Tick};
use crate::scenario::{Effect, Tactic};
use crate::time::MINUTES_PER_DAY;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(SimTick, raise_alerts.in_set(SimSet::Detection));
}

/// Something the attacker did that a sensor might see.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sighting {
    pub campaign: CampaignIx,
    pub org: OrgIx,
    pub host: Option<u32>,
    pub technique: TechniqueIx,
    /// Chance a sensor raises an alert for it.
    pub chance: f64,
}

/// Something the victim cannot miss: a ransom note (no technique) or a flood (its technique).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VictimReport {
    pub campaign: CampaignIx,
    pub org: OrgIx,
    pub technique: Option<TechniqueIx>,
}

/// The team desks alerts are delivered to, and the counter that numbers them.
#[derive(SystemParam)]
struct Desks<'w, 's> {
    teams: Res<'w, TeamEntities>,
    desks: Query<'w, 's, (&'static StableId, &'static mut Desk)>,
    counter: ResMut<'w, AlertCounter>,
}

impl Desks<'_, '_> {
    fn next_id(&mut self) -> u64 {
        self.counter.0 += 1;
        self.counter.0
    }

    /// Puts an alert on a team's desk now, or among its reports still on their way.
    fn deliver(&mut self, log: &mut EventLog, now: u64, team: TeamIx, alert: Alert, arrive: u64) {
        if let Ok((_, mut desk)) = self.desks.get_mut(self.teams.0[team]) {
            log.push(
                now,
                SimEvent::AlertRaised {
                    alert: alert.id,
                    team,
                    org: alert.org,
                    technique: alert.technique,
                    true_positive: alert.campaign.is_some(),
                },
            );
            if arrive <= now {
                desk.enqueue(alert);
            } else {
                desk.reports.push((arrive, alert));
            }
        }
    }
}

fn raise_alerts(
    tick: Tick,
    intrusions: Res<Intrusions>,
    defences: Res<IslandDefences>,
    covered: Res<CoveredHosts>,
    mut desks: Desks,
    mut log: ResMut<EventLog>,
) {
    let (now, region) = (tick.now(), &*tick.region);
    let (mut sightings, reports) = sightings(region, &intrusions, &log);
    // Applied intelligence sharpens the sensors for the techniques it names.
    for s in sightings.iter_mut() {
        let island = region.orgs[s.org].island;
        s.chance = (s.chance * defences.detection_factor(region, island, s.technique)).min(1.0);
    }
    let seen = seen(&tick, &sightings);
    for (s, seen) in sightings.iter().zip(seen) {
        if !seen {
            continue;
        }
        let route = match region.orgs[s.org].monitored_by {
            Some(team) => Some((team, now, false)),
            // Its own IT saw it: a report, certain, to the island's team.
            None => own_it_reports(&tick, s).map(|(team, arrive)| (team, arrive, true)),
        };
        let Some((team, arrive, certain)) = route else {
            log.push(
                now,
                SimEvent::AlertUnwatched {
                    org: s.org,
                    technique: s.technique,
                },
            );
            continue;
        };
        let alert = Alert {
            id: desks.next_id(),
            org: s.org,
            host: s.host,
            technique: Some(s.technique),
            campaign: Some(s.campaign),
            raised: arrive,
            certain,
            urgent: severe(region.techniques[s.technique].tactic),
        };
        desks.deliver(&mut log, now, team, alert, arrive);
    }
    route_victim_reports(region, now, reports, &mut desks, &mut log);
    false_alerts(&tick, &covered, &mut desks, &mut log);
}

/// Where no team watches an organisation, its own IT may look into what its sensors raised: if
/// it recognises an intrusion, it reports to the island's CSIRT or point of contact in office
/// hours. Returns that team and when the report reaches it.
fn own_it_reports(tick: &Tick, s: &Sighting) -> Option<(TeamIx, u64)> {
    let (now, region) = (tick.now(), &*tick.region);
    let team = region.island_contact[region.orgs[s.org].island]?;
    let d = &region.defaults;
    let id = ids(&[
        s.campaign.0 as u64,
        s.org.0 as u64,
        s.host.map_or(u64::MAX, u64::from),
        s.technique.0 as u64,
    ]);
    if !tick
        .draws
        .chance(d.own_it_notices, Purpose::OwnItNotices, id, now, 0)
    {
        return None;
    }
    let shift = crate::scenario::Shift::OfficeHours;
    let at_desk = super::desk::next_on_duty(region, shift, region.teams[team].island, now);
    Some((team, at_desk + d.own_it_report.0))
}

/// What this tick's attacker events offer the sensors, and what victims will report.
pub fn sightings(
    region: &Region,
    intrusions: &Intrusions,
    log: &EventLog,
) -> (Vec<Sighting>, Vec<VictimReport>) {
    let coverage = |host: u32| region.groups[region.group_of_host(host) as usize].sensor_coverage;
    let detectability = |t: TechniqueIx| region.techniques[t].detectability;
    let mut sightings = Vec::new();
    let mut reports = Vec::new();
    let mut sight = |campaign, org, host: u32, technique, chance| {
        sightings.push(Sighting {
            campaign,
            org,
            host: Some(host),
            technique,
            chance,
        })
    };
    for e in log.this_tick() {
        match e.event {
            SimEvent::HostCompromised {
                campaign,
                org,
                host,
                technique,
            } => sight(
                campaign,
                org,
                host,
                technique,
                detectability(technique) * coverage(host),
            ),
            // The filter that stopped it says so, where someone reads its logs.
            SimEvent::AccessBlocked {
                campaign,
                org,
                host,
                technique,
            } => sight(campaign, org, host, technique, coverage(host)),
            // A failed attempt is quieter: a blocked exploit or a phish someone reported.
            SimEvent::AccessFailed {
                campaign,
                org,
                host,
                technique,
            } => sight(
                campaign,
                org,
                host,
                technique,
                FAILED_ATTEMPT_VISIBILITY * detectability(technique) * coverage(host),
            ),
            SimEvent::StageCompleted {
                campaign,
                org,
                technique,
            } => {
                let noisy = matches!(
                    region.techniques[technique].effect,
                    Effect::Foothold
                        | Effect::ValidAccounts
                        | Effect::TrustedRelationship
                        | Effect::Exfiltrate
                );
                let held = intrusions
                    .by_key
                    .get(&(campaign, org))
                    .and_then(|i| i.hosts.first().copied());
                if let (true, Some(host)) = (noisy, held) {
                    sight(
                        campaign,
                        org,
                        host,
                        technique,
                        detectability(technique) * coverage(host),
                    );
                }
            }
            SimEvent::RansomNoteFound { campaign, org } => reports.push(VictimReport {
                campaign,
                org,
                technique: None,
            }),
            SimEvent::DdosStarted { campaign, org } => reports.push(VictimReport {
                campaign,
                org,
                technique: Some(region.campaigns[campaign].stages[0].technique),
            }),
            _ => {}
        }
    }
    (sightings, reports)
}

/// Which sightings raise an alert. The draws are pure, so they may be split across threads;
/// results come back in order.
fn seen(tick: &Tick, sightings: &[Sighting]) -> Vec<bool> {
    let now = tick.now();
    sightings
        .par_chunk_map(ComputeTaskPool::get(), 32, |_, chunk| {
            chunk
                .iter()
                .map(|s| {
                    let id = ids(&[
                        s.campaign.0 as u64,
                        s.org.0 as u64,
                        s.host.map_or(u64::MAX, u64::from),
                        s.technique.0 as u64,
                    ]);
                    tick.draws.chance(s.chance, Purpose::Detection, id, now, 0)
                })
                .collect::<Vec<bool>>()
        })
        .into_iter()
        .flatten()
        .collect()
}

/// Victims report what they cannot miss: straight to whoever watches them, and after a delay
/// to their island's CSIRT or point of contact (a ransom note at a ministry is the government's
/// business, whoever runs its IT). Where there is nobody, nobody hears.
fn route_victim_reports(
    region: &Region,
    now: u64,
    reports: Vec<VictimReport>,
    desks: &mut Desks,
    log: &mut EventLog,
) {
    let delay = region.defaults.victim_report_delay.0;
    for r in reports {
        let o = &region.orgs[r.org];
        let watcher = o.monitored_by.map(|t| (t, now));
        let contact = region.island_contact[o.island]
            .filter(|t| Some(*t) != o.monitored_by)
            .map(|t| (t, now + delay));
        for (team, arrive) in watcher.into_iter().chain(contact) {
            let alert = Alert {
                id: desks.next_id(),
                org: r.org,
                host: None,
                technique: r.technique,
                campaign: Some(r.campaign),
                raised: arrive,
                certain: true,
                urgent: true,
            };
            desks.deliver(log, now, team, alert, arrive);
        }
    }
}

/// False alerts, at a rate proportional to the sensor-covered hosts each team watches, each
/// from an organisation in proportion to its covered hosts.
fn false_alerts(tick: &Tick, covered: &CoveredHosts, desks: &mut Desks, log: &mut EventLog) {
    let (now, region, draws) = (tick.now(), &*tick.region, &*tick.draws);
    let rate = region.defaults.false_alerts_per_host_day / MINUTES_PER_DAY as f64;
    let Desks {
        teams,
        desks,
        counter,
    } = desks;
    // Desks in team order (the index order `TeamEntities` keeps): a sorted query would
    // rebuild its access sets, a dozen allocations, every minute.
    for &entity in &teams.0 {
        let Ok((id, mut desk)) = desks.get_mut(entity) else {
            continue;
        };
        let n = draws.poisson(
            desk.watched_covered as f64 * rate,
            Purpose::FalseAlerts,
            id.0 as u64,
            now,
        );
        if n == 0 {
            continue;
        }
        let orgs = &covered.0[id.0 as usize];
        for k in 0..n {
            // The k-th covered host, counted across the team's organisations.
            let mut at = draws.index(
                desk.watched_covered.max(1),
                Purpose::FalseAlertHost,
                id.0 as u64,
                now,
                k,
            );
            let Some(&(org, _)) = orgs.iter().find(|(_, c)| {
                let here = at < *c;
                at = at.saturating_sub(*c);
                here
            }) else {
                break;
            };
            counter.0 += 1;
            let urgent = draws.chance(
                FALSE_ALERTS_URGENT,
                Purpose::FalseAlertSeverity,
                id.0 as u64,
                now,
                k,
            );
            let alert = Alert {
                id: counter.0,
                org,
                host: None,
                technique: None,
                campaign: None,
                raised: now,
                certain: false,
                urgent,
            };
            log.push(
                now,
                SimEvent::AlertRaised {
                    alert: alert.id,
                    team: TeamIx(id.0),
                    org,
                    technique: None,
                    true_positive: false,
                },
            );
            desk.enqueue(alert);
        }
    }
}

/// Sensors rate credential theft, lateral movement, data leaving and impact as high severity.
fn severe(tactic: Tactic) -> bool {
    matches!(
        tactic,
        Tactic::CredentialAccess | Tactic::LateralMovement | Tactic::Exfiltration | Tactic::Impact
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::Simulation;

    /// False alerts over three quiet days for a CSIRT watching 200 workstations at `coverage`
    /// and 200 with no sensors at all.
    fn false_alerts_at(coverage: f64, seed: u64) -> (usize, usize) {
        let plan = TinyRegion::new()
            .island("A", true, false)
            .org("seen", "A", 200, coverage, 0.5)
            .org("blind", "A", 200, 0.0, 0.5)
            .team(
                "csirt",
                "NationalCsirt",
                Some("A"),
                2,
                "AroundTheClock",
                true,
            )
            .monitors("csirt", &["seen", "blind"])
            .plan();
        let mut sim = Simulation::new(plan, seed);
        sim.run_until(3 * MINUTES_PER_DAY);
        let from = |o: u32| {
            sim.events()
                .iter()
                .filter(|e| {
                    matches!(e.event, SimEvent::AlertRaised { org, true_positive: false, .. }
                        if org == OrgIx(o))
                })
                .count()
        };
        (from(0), from(1))
    }

    #[test]
    fn false_alerts_come_from_sensors_in_proportion_to_coverage() {
        let (mut none, mut half, mut full) = (0, 0, 0);
        for seed in 1..=10 {
            let (seen, blind) = false_alerts_at(0.0, seed);
            assert_eq!((seen, blind), (0, 0), "no sensors, no false alerts");
            let (h, blind) = false_alerts_at(0.5, seed);
            assert_eq!(blind, 0, "the sensorless organisation raises none");
            half += h;
            full += false_alerts_at(1.0, seed).0;
            none += seen;
        }
        assert_eq!(none, 0);
        // 0.05 per covered host-day: 200 hosts x 3 days x 10 seeds = 300 at full coverage.
        assert!((240..=360).contains(&full), "{full}");
        let ratio = full as f64 / half as f64;
        assert!(
            (1.6..=2.5).contains(&ratio),
            "twice the sensors, twice the noise: {ratio}"
        );
    }

    /// Alerts an NPC receives about a small shop it does not watch: (with a technique named,
    /// without), over two days of a ransomware intrusion.
    fn npc_hears(notices: f64, seed: u64) -> (usize, usize) {
        let tiny = TinyRegion::new()
            .island("A", false, true)
            .org("shop", "A", 50, 1.0, 0.0)
            .team("npc", "Npc", Some("A"), 1, "OfficeHours", true)
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"shop\")",
                &["T1078", "T1021.002", "T1486"],
            );
        let mut plan = (*tiny.plan()).clone();
        plan.defaults.own_it_notices = notices;
        let mut sim = Simulation::new(std::sync::Arc::new(plan), seed);
        sim.run_until(2 * MINUTES_PER_DAY);
        let heard = |named: bool| {
            sim.events()
                .iter()
                .filter(|e| {
                    matches!(e.event, SimEvent::AlertRaised { technique, .. }
                        if technique.is_some() == named)
                })
                .count()
        };
        (heard(true), heard(false))
    }

    #[test]
    fn an_unwatched_organisations_own_it_reports_what_its_sensors_saw() {
        let (mut told, mut silent) = (0, 0);
        for seed in 1..=5 {
            let (named, _) = npc_hears(0.0, seed);
            silent += named;
            told += npc_hears(1.0, seed).0;
        }
        assert_eq!(
            silent, 0,
            "nobody looks: the NPC hears only the ransom note"
        );
        assert!(told >= 5, "its IT reports what the sensors saw: {told}");
    }

    #[test]
    fn a_ransom_note_reaches_the_watching_desk_at_once_and_the_island_later() {
        let plan = TinyRegion::new()
            .island("A", false, true)
            .org("client", "A", 20, 0.0, 0.0)
            .team("npc", "Npc", Some("A"), 1, "AroundTheClock", true)
            .team("desk", "SectorSoc", Some("A"), 1, "AroundTheClock", true)
            .monitors("desk", &["client"])
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"client\")",
                &["T1078", "T1486"],
            )
            .plan();
        let delay = plan.defaults.victim_report_delay.0;
        let mut sim = Simulation::new(plan.clone(), 3);
        sim.run_until(6 * MINUTES_PER_DAY);
        let note = sim
            .events()
            .iter()
            .find(|e| matches!(e.event, SimEvent::RansomNoteFound { .. }))
            .map(|e| e.tick)
            .expect("the crew encrypts");
        // Both hear; the NPC's report is on its way for `victim_report_delay`.
        let told: Vec<TeamIx> = sim
            .events()
            .iter()
            .filter(|e| e.tick == note)
            .filter_map(|e| match e.event {
                SimEvent::AlertRaised {
                    team,
                    technique: None,
                    true_positive: true,
                    ..
                } => Some(team),
                _ => None,
            })
            .collect();
        assert_eq!(told, vec![TeamIx(1), TeamIx(0)]);
        let npc_opened = sim.events().iter().find_map(|e| match e.event {
            SimEvent::IncidentOpened {
                team: TeamIx(0), ..
            } => Some(e.tick),
            _ => None,
        });
        assert!(
            npc_opened.is_some_and(|t| t >= note + delay),
            "{npc_opened:?}"
        );
    }

    #[test]
    fn own_it_reports_wait_for_the_next_office_hour() {
        // TinyRegion starts on Monday 2026-03-02 at 08:00.
        let r = Region(TinyRegion::new().island("A", false, false).plan());
        let office = crate::scenario::Shift::OfficeHours;
        let friday_8pm = 4 * MINUTES_PER_DAY + 12 * 60;
        let monday_8am = 7 * MINUTES_PER_DAY;
        assert_eq!(
            super::super::desk::next_on_duty(&r, office, None, friday_8pm),
            monday_8am
        );
        assert_eq!(
            super::super::desk::next_on_duty(&r, office, None, 60),
            60,
            "already at work"
        );
    }

    /// Seeds (of `seeds`) in which the NPC opens an incident at the shop before its hosts are
    /// encrypted, at the shop's sensor coverage.
    fn found_in_time(coverage: f64, seeds: u64) -> usize {
        let plan = TinyRegion::new()
            .island("A", false, true)
            .org("shop", "A", 50, coverage, 0.0)
            .team("npc", "Npc", Some("A"), 2, "AroundTheClock", true)
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"shop\")",
                &["T1078", "T1021.002", "T1486"],
            )
            .plan();
        (1..=seeds)
            .filter(|seed| {
                let mut sim = Simulation::new(plan.clone(), *seed);
                sim.run_until(3 * MINUTES_PER_DAY);
                let first = |f: fn(&SimEvent) -> bool| {
                    sim.events().iter().find(|e| f(&e.event)).map(|e| e.tick)
                };
                let opened = first(|e| matches!(e, SimEvent::IncidentOpened { .. }));
                let encrypted = first(|e| matches!(e, SimEvent::HostsEncrypted { .. }));
                opened.is_some_and(|o| encrypted.is_none_or(|x| o < x))
            })
            .count()
    }

    #[test]
    fn better_sensors_at_an_unwatched_shop_find_ransomware_before_encryption_more_often() {
        let (low, high) = (found_in_time(0.1, 20), found_in_time(0.9, 20));
        assert!(
            high > low && high >= 2 * low,
            "coverage 0.9: {high} of 20 found in time; 0.1: {low}"
        );
    }
}
