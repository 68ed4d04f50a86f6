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
use super::judgement::{
    FAILED_ATTEMPT_VISIBILITY, SMALL_NEVER_CALLS, SMALL_ORGANISATION_HOSTS, VICTIM_CALL_SPREAD,
    false_alarm_weight,
};
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
    route_victim_reports(&tick, reports, &mut desks, &mut log);
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
            // The victim reports what it sees: its files encrypted, by the crew's payload.
            SimEvent::RansomNoteFound { campaign, org } => reports.push(VictimReport {
                campaign,
                org,
                technique: region.campaigns[campaign]
                    .stages
                    .iter()
                    .map(|s| s.technique)
                    .find(|t| region.techniques[*t].effect == Effect::Encrypt),
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
    tick: &Tick,
    reports: Vec<VictimReport>,
    desks: &mut Desks,
    log: &mut EventLog,
) {
    let (now, region) = (tick.now(), &*tick.region);
    for r in reports {
        let o = &region.orgs[r.org];
        let watcher = o.monitored_by.map(|t| (t, now));
        let contact = region.island_contact[o.island]
            .filter(|t| Some(*t) != o.monitored_by)
            .and_then(|t| Some((t, now + call_delay(region, &tick.draws, now, &r)?)));
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

/// How long the victim takes to phone its national team, or `None` if it never does: sooner
/// the larger it is (see `SMALL_ORGANISATION_HOSTS`), and a small one may not call at all.
pub(super) fn call_delay(
    region: &Region,
    draws: &super::Draws,
    now: u64,
    r: &VictimReport,
) -> Option<u64> {
    let hosts = region.orgs[r.org].hosts.len().max(1) as f64;
    let id = ids(&[r.campaign.0 as u64, r.org.0 as u64]);
    let small = (1.0 - hosts / SMALL_ORGANISATION_HOSTS).max(0.0);
    if draws.chance(SMALL_NEVER_CALLS * small, Purpose::VictimCalls, id, now, 0) {
        return None;
    }
    let median =
        region.defaults.victim_report_delay.0 as f64 * (SMALL_ORGANISATION_HOSTS / hosts).min(1.0);
    let spread = draws.lognormal(VICTIM_CALL_SPREAD, Purpose::VictimCallDelay, id, now, 0);
    Some((median * spread).round().max(1.0) as u64)
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
            // It looks like a true alert in every field: a host, a technique, a severity.
            let hosts = &region.orgs[org].hosts;
            let host = hosts.start
                + draws.index(
                    (hosts.end - hosts.start).max(1) as u64,
                    Purpose::FalseAlertMachine,
                    id.0 as u64,
                    now,
                    k,
                ) as u32;
            let technique = false_alarm_technique(region, draws, id.0 as u64, now, k);
            let alert = Alert {
                id: counter.0,
                org,
                host: Some(host),
                technique,
                campaign: None,
                raised: now,
                certain: false,
                urgent: technique.is_some_and(|t| severe(region.techniques[t].tactic)),
            };
            log.push(
                now,
                SimEvent::AlertRaised {
                    alert: alert.id,
                    team: TeamIx(id.0),
                    org,
                    technique,
                    true_positive: false,
                },
            );
            desk.enqueue(alert);
        }
    }
}

/// The technique a false alert names, drawn by [`false_alarm_weight`] (`None` only for a
/// catalog with nothing that can misfire).
fn false_alarm_technique(
    region: &Region,
    draws: &super::Draws,
    team: u64,
    now: u64,
    k: u32,
) -> Option<TechniqueIx> {
    let weight = |t: &crate::scenario::Technique| false_alarm_weight(t.effect, t.detectability);
    let total: f64 = region.techniques.iter().map(weight).sum();
    if total <= 0.0 {
        return None;
    }
    let mut at = draws.unit(Purpose::FalseAlertTechnique, team, now, k) * total;
    let mut last = None;
    for (i, t) in region.techniques.iter().enumerate() {
        let w = weight(t);
        if w <= 0.0 {
            continue;
        }
        last = Some(TechniqueIx::from(i));
        if at < w {
            break;
        }
        at -= w;
    }
    last
}

/// Sensors rate credential theft, lateral movement, data leaving and impact as high severity.
fn severe(tactic: Tactic) -> bool {
    matches!(
        tactic,
        Tactic::CredentialAccess | Tactic::LateralMovement | Tactic::Exfiltration | Tactic::Impact
    )
}

#[cfg(test)]
mod tests;
