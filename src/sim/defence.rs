//! Defenders: sensors turn attacker activity into alerts, alerts wait in team queues, scarce
//! analysts on shifts triage them, and auto-played teams scope, isolate, clean and restore.

use std::collections::{BTreeSet, VecDeque};

use bevy::prelude::*;
use bevy::tasks::{ComputeTaskPool, ParallelSlice};

use super::attack::Intrusions;
use super::draws::{Draws, Purpose, ids};
use super::events::{DetectedBy, EventLog, Order, SimEvent, Verdict};
use super::intel::IslandDefences;
use super::network::{Hosts, LostBackups, restore_time};
use super::{Clock, Region, SimSet, SimTick, StableId};
use crate::scenario::{Effect, Shift};
use crate::time::MINUTES_PER_DAY;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Incidents>()
        .init_resource::<AlertCounter>()
        .add_systems(SimTick, raise_alerts.in_set(SimSet::Detection))
        .add_systems(
            SimTick,
            (finish_restores, work_desks)
                .chain()
                .in_set(SimSet::Response),
        );
}

/// Alerts nobody has looked at for this long are dropped from the queue.
const ALERT_SHELF_LIFE: u64 = MINUTES_PER_DAY;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Alert {
    pub id: u64,
    pub org: u32,
    pub host: Option<u32>,
    pub technique: Option<u32>,
    /// The campaign behind it, if the alert is a true positive.
    pub campaign: Option<u32>,
    pub raised: u64,
    /// A victim's own report (a ransom note, services down): nobody can mistake it.
    pub certain: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Task {
    Triage(Alert),
    Investigate {
        incident: u32,
    },
    Isolate {
        incident: u32,
        host: u32,
    },
    Eradicate {
        incident: u32,
        host: u32,
    },
    /// Put an item of intelligence to work: sensors, mail filters, blocklists.
    ApplyIntel {
        item: u32,
    },
    /// The hub vets an item before relaying it to its members.
    RelayIntel {
        item: u32,
    },
    /// Look for an intruder at an organisation no incident covers yet (a trainee's order).
    Hunt {
        org: u32,
    },
    /// Patch an organisation's systems against known vulnerabilities.
    Patch {
        org: u32,
    },
    /// Block a campaign's known infrastructure (mail filters, firewalls) on the team's island.
    Block {
        campaign: u32,
    },
}

const TRIAGE_PRIORITY: u8 = 2;

impl Task {
    /// Analyst minutes the task takes at skill 0.5 (slower or faster with the team's skill).
    pub fn base_minutes(
        &self,
        d: &crate::scenario::Defaults,
        intel: &crate::scenario::IntelPolicy,
    ) -> u64 {
        match self {
            // A victim's own report needs no detective work.
            Task::Triage(a) if a.certain => 5,
            Task::Triage(_) => d.triage.0,
            Task::Investigate { .. } | Task::Hunt { .. } => d.investigate.0,
            Task::Isolate { .. } => d.isolate_per_host.0,
            Task::Eradicate { .. } => d.eradicate_per_host.0,
            Task::ApplyIntel { .. } => intel.apply.0,
            Task::RelayIntel { .. } => intel.hub_processing.0,
            Task::Patch { .. } => d.patch.0,
            Task::Block { .. } => d.block.0,
        }
    }
}

impl Task {
    /// Lower runs first: stop the bleeding, then understand, then sort alerts, then clean up.
    fn priority(&self) -> u8 {
        match self {
            Task::Isolate { .. } => 0,
            Task::Investigate { .. } => 1,
            Task::Triage(_) => TRIAGE_PRIORITY,
            Task::ApplyIntel { .. }
            | Task::RelayIntel { .. }
            | Task::Hunt { .. }
            | Task::Block { .. } => 1,
            Task::Patch { .. } => 3,
            Task::Eradicate { .. } => 3,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Work {
    pub task: Task,
    pub remaining: u64,
}

/// A team's working state: its alert queue, its to-do list and what each analyst is doing.
#[derive(Component, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Desk {
    pub queue: VecDeque<Alert>,
    pub tasks: Vec<Task>,
    pub analysts: Vec<Option<Work>>,
    /// Victim reports on their way (tick they arrive, alert).
    pub reports: Vec<(u64, Alert)>,
    /// Hosts across everything this team watches, for the false-alert rate.
    pub watched_hosts: u64,
}

impl Desk {
    pub fn add_analysts(&mut self, n: u32) {
        self.analysts.extend(std::iter::repeat_n(None, n as usize));
    }

    /// Analysts leave; whatever they were doing goes back on the list.
    pub fn remove_analysts(&mut self, n: u32) {
        for _ in 0..n.min(self.analysts.len() as u32) {
            // Idle analysts leave first.
            let i = self
                .analysts
                .iter()
                .rposition(Option::is_none)
                .unwrap_or(self.analysts.len() - 1);
            if let Some(work) = self.analysts.remove(i) {
                self.tasks.push(work.task);
            }
        }
    }

    /// Analyst-minutes of listed tasks (not counting the alert queue) at base speed.
    pub fn backlog_minutes(
        &self,
        d: &crate::scenario::Defaults,
        intel: &crate::scenario::IntelPolicy,
    ) -> u64 {
        self.tasks
            .iter()
            .map(|t| t.base_minutes(d, intel))
            .sum::<u64>()
    }
}

pub fn team_bundle(id: u32, analysts: u32, watched_hosts: u64) -> impl Bundle {
    (
        StableId(id),
        Desk {
            analysts: vec![None; analysts as usize],
            watched_hosts,
            ..default()
        },
        Name::new(format!("team {id}")),
    )
}

/// Team entities in index order, for routing alerts to a team by its index.
#[derive(Resource, Default)]
pub struct TeamEntities(pub Vec<Entity>);

pub(super) fn spawn_teams(world: &mut World) {
    let region = world.resource::<Region>().clone();
    let mut watched = vec![0u64; region.teams.len()];
    for o in &region.orgs {
        if let Some(t) = o.monitored_by {
            watched[t as usize] += (o.hosts.end - o.hosts.start) as u64;
        }
    }
    let entities = region
        .teams
        .iter()
        .enumerate()
        .map(|(i, t)| {
            world
                .spawn(team_bundle(i as u32, t.analysts, watched[i]))
                .id()
        })
        .collect();
    world.insert_resource(TeamEntities(entities));
}

#[derive(Resource, Default)]
pub struct AlertCounter(pub u64);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Incident {
    pub team: u32,
    pub org: u32,
    pub campaign: u32,
    pub opened: u64,
    pub scoped: bool,
    pub contained: bool,
    pub closed: bool,
    /// Hosts already on the team's isolation list.
    pub queued: BTreeSet<u32>,
    /// Isolated hosts not yet back in service.
    pub outstanding: BTreeSet<u32>,
    /// Hosts already on the team's cleaning list.
    pub cleaning: BTreeSet<u32>,
}

/// Every incident in the order it was opened; the index is its id.
#[derive(Resource, Default)]
pub struct Incidents(pub Vec<Incident>);

/// Something the attacker did that a sensor might see.
#[derive(Clone, Copy)]
struct Sighting {
    campaign: u32,
    org: u32,
    host: Option<u32>,
    technique: u32,
    chance: f64,
}

fn raise_alerts(
    clock: Res<Clock>,
    region: Res<Region>,
    draws: Res<Draws>,
    intrusions: Res<Intrusions>,
    defences: Res<IslandDefences>,
    teams: Res<TeamEntities>,
    mut desks: Query<(&StableId, &mut Desk)>,
    mut counter: ResMut<AlertCounter>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let coverage = |host: u32| region.groups[region.group_of_host(host) as usize].sensor_coverage;
    let mut sightings = Vec::new();
    let mut reports = Vec::new();
    for e in log.this_tick() {
        match e.event {
            SimEvent::HostCompromised {
                campaign,
                org,
                host,
                technique,
            } => {
                let chance = region.techniques[technique as usize].detectability * coverage(host);
                sightings.push(Sighting {
                    campaign,
                    org,
                    host: Some(host),
                    technique,
                    chance,
                });
            }
            SimEvent::AccessBlocked {
                campaign,
                org,
                host,
                technique,
            } => {
                // The filter that stopped it says so, where someone reads its logs.
                sightings.push(Sighting {
                    campaign,
                    org,
                    host: Some(host),
                    technique,
                    chance: coverage(host),
                });
            }
            SimEvent::AccessFailed {
                campaign,
                org,
                host,
                technique,
            } => {
                // A failed attempt is quieter: a blocked exploit or a phish someone reported.
                let chance =
                    0.5 * region.techniques[technique as usize].detectability * coverage(host);
                sightings.push(Sighting {
                    campaign,
                    org,
                    host: Some(host),
                    technique,
                    chance,
                });
            }
            SimEvent::StageCompleted {
                campaign,
                org,
                technique,
            } => {
                let effect = region.techniques[technique as usize].effect;
                let noisy = matches!(
                    effect,
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
                    let chance =
                        region.techniques[technique as usize].detectability * coverage(host);
                    sightings.push(Sighting {
                        campaign,
                        org,
                        host: Some(host),
                        technique,
                        chance,
                    });
                }
            }
            SimEvent::RansomNoteFound { campaign, org } => reports.push((campaign, org, None)),
            SimEvent::DdosStarted { campaign, org } => {
                let technique = region.campaigns[campaign as usize].stages[0].technique;
                reports.push((campaign, org, Some(technique)));
            }
            _ => {}
        }
    }
    // Applied intelligence sharpens the sensors for the techniques it names.
    for s in sightings.iter_mut() {
        let island = region.orgs[s.org as usize].island;
        s.chance = (s.chance * defences.detection_factor(&region, island, s.technique)).min(1.0);
    }
    // The draws are pure, so they may be split across threads; results come back in order.
    let seen: Vec<bool> = sightings
        .par_chunk_map(ComputeTaskPool::get(), 32, |_, chunk| {
            chunk
                .iter()
                .map(|s| {
                    let id = ids(&[
                        s.campaign as u64,
                        s.org as u64,
                        s.host.map_or(u64::MAX, u64::from),
                        s.technique as u64,
                    ]);
                    draws.chance(s.chance, Purpose::Detection, id, now, 0)
                })
                .collect::<Vec<bool>>()
        })
        .into_iter()
        .flatten()
        .collect();

    let mut deliver = |team: u32, alert: Alert, log: &mut EventLog, arrive: u64| {
        if let Ok((_, mut desk)) = desks.get_mut(teams.0[team as usize]) {
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
                desk.queue.push_back(alert);
            } else {
                desk.reports.push((arrive, alert));
            }
        }
    };
    for (s, seen) in sightings.iter().zip(seen) {
        if !seen {
            continue;
        }
        match region.orgs[s.org as usize].monitored_by {
            Some(team) => {
                counter.0 += 1;
                let alert = Alert {
                    id: counter.0,
                    org: s.org,
                    host: s.host,
                    technique: Some(s.technique),
                    campaign: Some(s.campaign),
                    raised: now,
                    certain: false,
                };
                deliver(team, alert, &mut log, now);
            }
            None => log.push(
                now,
                SimEvent::AlertUnwatched {
                    org: s.org,
                    technique: s.technique,
                },
            ),
        }
    }
    // Victims report what they cannot miss: straight to whoever watches them, or after a delay
    // to their island's CSIRT or point of contact. Where there is nobody, nobody hears.
    let delay = region.scenario.defaults.victim_report_delay.0;
    for (campaign, org, technique) in reports {
        let o = &region.orgs[org as usize];
        let route = o
            .monitored_by
            .map(|t| (t, now))
            .or_else(|| region.island_contact[o.island as usize].map(|t| (t, now + delay)));
        if let Some((team, arrive)) = route {
            counter.0 += 1;
            let alert = Alert {
                id: counter.0,
                org,
                host: None,
                technique,
                campaign: Some(campaign),
                raised: arrive,
                certain: true,
            };
            deliver(team, alert, &mut log, arrive);
        }
    }
    // False alerts, at a rate proportional to what each team watches.
    let rate = region.scenario.defaults.false_alerts_per_host_day / MINUTES_PER_DAY as f64;
    for (id, mut desk) in desks.iter_mut().sort::<&StableId>() {
        let n = draws.poisson(
            desk.watched_hosts as f64 * rate,
            Purpose::FalseAlerts,
            id.0 as u64,
            now,
        );
        if n == 0 {
            continue;
        }
        let orgs: Vec<u32> = (0..region.orgs.len() as u32)
            .filter(|o| region.orgs[*o as usize].monitored_by == Some(id.0))
            .collect();
        for k in 0..n {
            let Some(&org) = orgs.get(draws.index(
                orgs.len().max(1) as u64,
                Purpose::FalseAlertHost,
                id.0 as u64,
                now,
                k,
            ) as usize) else {
                break;
            };
            counter.0 += 1;
            let alert = Alert {
                id: counter.0,
                org,
                host: None,
                technique: None,
                campaign: None,
                raised: now,
                certain: false,
            };
            log.push(
                now,
                SimEvent::AlertRaised {
                    alert: alert.id,
                    team: id.0,
                    org,
                    technique: None,
                    true_positive: false,
                },
            );
            desk.queue.push_back(alert);
        }
    }
}

/// Whether a team's analysts are at their desks at `now`.
pub fn on_duty(region: &Region, shift: Shift, now: u64) -> bool {
    match shift {
        Shift::AroundTheClock => true,
        Shift::OfficeHours => {
            let t = region.scenario.start.at(now);
            !t.is_weekend() && (8 * 60..16 * 60).contains(&t.minute_of_day)
        }
    }
}

fn finish_restores(
    clock: Res<Clock>,
    region: Res<Region>,
    mut hosts: ResMut<Hosts>,
    mut incidents: ResMut<Incidents>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    for (host, incident) in hosts.finish_restores(&region, now) {
        log.push(
            now,
            SimEvent::HostRestored {
                host,
                org: region.org_of_host(host),
            },
        );
        if let Some(incident) = incident {
            close_if_done(
                &mut incidents.0[incident as usize],
                incident,
                host,
                now,
                &mut log,
            );
        }
    }
}

fn close_if_done(inc: &mut Incident, id: u32, restored: u32, now: u64, log: &mut EventLog) {
    inc.outstanding.remove(&restored);
    if inc.contained && inc.outstanding.is_empty() && !inc.closed {
        inc.closed = true;
        log.push(now, SimEvent::IncidentClosed { incident: id });
    }
}

#[allow(clippy::too_many_arguments)]
fn work_desks(
    clock: Res<Clock>,
    region: Res<Region>,
    draws: Res<Draws>,
    lost: Res<LostBackups>,
    mut desks: Query<(&StableId, &mut Desk)>,
    mut intrusions: ResMut<Intrusions>,
    mut hosts: ResMut<Hosts>,
    mut incidents: ResMut<Incidents>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let d = &region.scenario.defaults;
    for (id, mut desk) in desks.iter_mut().sort::<&StableId>() {
        let team = id.0;
        let plan = &region.teams[team as usize];
        // Reports that arrive now join the queue.
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut desk.reports)
            .into_iter()
            .partition(|(t, _)| *t <= now);
        desk.reports = later;
        desk.queue.extend(due.into_iter().map(|(_, a)| a));
        while desk
            .queue
            .front()
            .is_some_and(|a| !a.certain && a.raised + ALERT_SHELF_LIFE <= now)
        {
            let a = desk.queue.pop_front().expect("checked above");
            log.push(
                now,
                SimEvent::AlertExpired {
                    alert: a.id,
                    team,
                    true_positive: a.campaign.is_some(),
                },
            );
        }
        // Trainees' orders for this team become work on its list.
        let orders: Vec<Order> = log
            .this_tick()
            .iter()
            .filter_map(|e| match e.event {
                SimEvent::ResponseOrdered { team: t, order } if t == team => Some(order),
                _ => None,
            })
            .collect();
        for order in orders {
            let tasks = order_tasks(order, team, &mut incidents, &hosts, &intrusions);
            desk.tasks.extend(tasks);
        }
        // Trainees decide the response themselves; the policy does it for auto-played teams:
        // every host a scoped incident's intruder still holds goes on the isolation list.
        for (ix, inc) in incidents
            .0
            .iter_mut()
            .enumerate()
            .filter(|(_, i)| plan.auto && i.team == team && i.scoped && !i.contained)
        {
            if let Some(intr) = intrusions.by_key.get(&(inc.campaign, inc.org)) {
                for &h in &intr.hosts {
                    if inc.queued.insert(h) {
                        desk.tasks.push(Task::Isolate {
                            incident: ix as u32,
                            host: h,
                        });
                    }
                }
            }
        }
        if !on_duty(&region, plan.shift, now) {
            continue;
        }
        let slow = 1.5 - plan.skill;
        for a in 0..desk.analysts.len() {
            if desk.analysts[a].is_none() {
                let next = desk
                    .tasks
                    .iter()
                    .enumerate()
                    .min_by_key(|(i, t)| (t.priority(), *i))
                    .map(|(i, _)| i);
                let task = match next {
                    Some(i)
                        if desk.tasks[i].priority() < TRIAGE_PRIORITY || desk.queue.is_empty() =>
                    {
                        Some(desk.tasks.remove(i))
                    }
                    _ => desk.queue.pop_front().map(Task::Triage),
                };
                if let Some(task) = task {
                    let base = task.base_minutes(d, &region.scenario.intel);
                    desk.analysts[a] = Some(Work {
                        task,
                        remaining: ((base as f64 * slow).round() as u64).max(1),
                    });
                }
            }
            let Some(work) = desk.analysts[a].as_mut() else {
                continue;
            };
            work.remaining -= 1;
            if work.remaining > 0 {
                continue;
            }
            let task = work.task;
            desk.analysts[a] = None;
            let ctx = Ctx {
                now,
                team,
                auto: plan.auto,
                region: &region,
                draws: &draws,
                lost: &lost,
            };
            let follow_up = complete(
                &ctx,
                task,
                plan.skill,
                &mut intrusions,
                &mut hosts,
                &mut incidents,
                &mut log,
            );
            desk.tasks.extend(follow_up);
        }
    }
}

struct Ctx<'a> {
    now: u64,
    team: u32,
    /// Whether the policy plays this team (follow-up work is queued automatically).
    auto: bool,
    region: &'a Region,
    draws: &'a Draws,
    lost: &'a LostBackups,
}

/// What finishing a task changes, and which tasks it leads to.
#[allow(clippy::too_many_arguments)]
fn complete(
    ctx: &Ctx,
    task: Task,
    skill: f64,
    intrusions: &mut Intrusions,
    hosts: &mut Hosts,
    incidents: &mut Incidents,
    log: &mut EventLog,
) -> Vec<Task> {
    let (now, team, region) = (ctx.now, ctx.team, ctx.region);
    match task {
        Task::ApplyIntel { item } => {
            if let Some(island) = region.teams[team as usize].island {
                log.push(
                    now,
                    SimEvent::IntelApplied {
                        item,
                        island,
                        team: Some(team),
                    },
                );
            }
            vec![]
        }
        Task::RelayIntel { item } => {
            log.push(now, SimEvent::IntelRelayed { item, team });
            vec![]
        }
        Task::Hunt { org } => {
            // Every intruder holding hosts there is found and scoped at once.
            let found: Vec<(u32, usize)> = intrusions
                .by_key
                .values()
                .filter(|i| i.org == org && !i.hosts.is_empty())
                .map(|i| (i.campaign, i.hosts.len()))
                .collect();
            if found.is_empty() {
                log.push(now, SimEvent::HuntFoundNothing { team, org });
            }
            for (campaign, held) in found {
                let id = incidents.0.len() as u32;
                incidents.0.push(Incident {
                    team,
                    org,
                    campaign,
                    opened: now,
                    scoped: true,
                    contained: false,
                    closed: false,
                    queued: BTreeSet::new(),
                    outstanding: BTreeSet::new(),
                    cleaning: BTreeSet::new(),
                });
                log.push(
                    now,
                    SimEvent::IncidentOpened {
                        incident: id,
                        team,
                        org,
                        campaign,
                        by: DetectedBy::Hunt,
                    },
                );
                log.push(
                    now,
                    SimEvent::IncidentScoped {
                        incident: id,
                        hosts: held as u32,
                    },
                );
            }
            vec![]
        }
        Task::Patch { org } => {
            log.push(now, SimEvent::OrganisationPatched { team, org });
            vec![]
        }
        Task::Block { campaign } => {
            if let Some(island) = region.teams[team as usize].island {
                log.push(
                    now,
                    SimEvent::ActorBlocked {
                        team,
                        island,
                        campaign,
                    },
                );
            }
            vec![]
        }
        Task::Triage(alert) => {
            let recognised = match alert.campaign {
                Some(_) if alert.certain => true,
                Some(_) => {
                    ctx.draws
                        .chance(0.4 + 0.6 * skill, Purpose::TriageVerdict, alert.id, now, 0)
                }
                None => false,
            };
            let verdict = if recognised {
                Verdict::Confirmed
            } else {
                Verdict::Dismissed
            };
            log.push(
                now,
                SimEvent::AlertTriaged {
                    alert: alert.id,
                    team,
                    verdict,
                    true_positive: alert.campaign.is_some(),
                },
            );
            let Some(campaign) = alert.campaign.filter(|_| recognised) else {
                return vec![];
            };
            let open = incidents.0.iter().position(|i| {
                i.team == team && i.org == alert.org && i.campaign == campaign && !i.closed
            });
            if open.is_some() {
                return vec![];
            }
            let id = incidents.0.len() as u32;
            incidents.0.push(Incident {
                team,
                org: alert.org,
                campaign,
                opened: now,
                scoped: false,
                contained: false,
                closed: false,
                queued: BTreeSet::new(),
                outstanding: BTreeSet::new(),
                cleaning: BTreeSet::new(),
            });
            let by = if alert.certain {
                DetectedBy::VictimReport
            } else {
                DetectedBy::Alert
            };
            log.push(
                now,
                SimEvent::IncidentOpened {
                    incident: id,
                    team,
                    org: alert.org,
                    campaign,
                    by,
                },
            );
            if ctx.auto {
                vec![Task::Investigate { incident: id }]
            } else {
                vec![]
            }
        }
        Task::Investigate { incident } => {
            let inc = &mut incidents.0[incident as usize];
            inc.scoped = true;
            let held = intrusions
                .by_key
                .get(&(inc.campaign, inc.org))
                .map_or(0, |i| i.hosts.len() as u32);
            log.push(
                now,
                SimEvent::IncidentScoped {
                    incident,
                    hosts: held,
                },
            );
            check_contained(inc, incident, intrusions, now, log);
            vec![]
        }
        Task::Isolate { incident, host } => {
            let inc = &mut incidents.0[incident as usize];
            let Some(intr) = intrusions.by_key.get_mut(&(inc.campaign, inc.org)) else {
                return vec![];
            };
            if !intr.hosts.remove(&host) {
                return vec![];
            }
            hosts.update(region, host, |h| {
                h.isolated = true;
                h.held_by = None;
            });
            inc.outstanding.insert(host);
            log.push(
                now,
                SimEvent::HostIsolated {
                    host,
                    org: inc.org,
                    team,
                },
            );
            check_contained(inc, incident, intrusions, now, log);
            if ctx.auto {
                incidents.0[incident as usize].cleaning.insert(host);
                vec![Task::Eradicate { incident, host }]
            } else {
                vec![]
            }
        }
        Task::Eradicate { incident, host } => {
            log.push(
                now,
                SimEvent::HostCleaned {
                    host,
                    org: region.org_of_host(host),
                    team,
                },
            );
            if hosts.get(host).encrypted {
                let wait = restore_time(region, ctx.lost, region.group_of_host(host));
                hosts.schedule_restore(region, host, now + wait, Some(incident));
            } else {
                hosts.update(region, host, |h| *h = Default::default());
                log.push(
                    now,
                    SimEvent::HostRestored {
                        host,
                        org: region.org_of_host(host),
                    },
                );
                close_if_done(
                    &mut incidents.0[incident as usize],
                    incident,
                    host,
                    now,
                    log,
                );
            }
            vec![]
        }
    }
}

/// The work a trainee's order puts on the team's list.
fn order_tasks(
    order: Order,
    team: u32,
    incidents: &mut Incidents,
    hosts: &Hosts,
    intrusions: &Intrusions,
) -> Vec<Task> {
    let mine = |i: &Incident, org: u32| i.team == team && i.org == org && !i.closed;
    match order {
        Order::Investigate(org) => {
            let open: Vec<u32> = (0..incidents.0.len() as u32)
                .filter(|k| {
                    mine(&incidents.0[*k as usize], org) && !incidents.0[*k as usize].scoped
                })
                .collect();
            if open.is_empty() {
                vec![Task::Hunt { org }]
            } else {
                open.into_iter()
                    .map(|incident| Task::Investigate { incident })
                    .collect()
            }
        }
        Order::IsolateHosts(org) => {
            let mut tasks = Vec::new();
            for (k, inc) in incidents
                .0
                .iter_mut()
                .enumerate()
                .filter(|(_, i)| mine(i, org) && i.scoped && !i.contained)
            {
                for &h in intrusions
                    .by_key
                    .get(&(inc.campaign, inc.org))
                    .map(|x| &x.hosts)
                    .into_iter()
                    .flatten()
                {
                    if inc.queued.insert(h) {
                        tasks.push(Task::Isolate {
                            incident: k as u32,
                            host: h,
                        });
                    }
                }
            }
            tasks
        }
        Order::Eradicate(org) => {
            let mut tasks = Vec::new();
            for (k, inc) in incidents
                .0
                .iter_mut()
                .enumerate()
                .filter(|(_, i)| mine(i, org))
            {
                let ready: Vec<u32> = inc
                    .outstanding
                    .iter()
                    .copied()
                    .filter(|h| hosts.get(*h).isolated && hosts.get(*h).restore_at.is_none())
                    .collect();
                for h in ready {
                    if inc.cleaning.insert(h) {
                        tasks.push(Task::Eradicate {
                            incident: k as u32,
                            host: h,
                        });
                    }
                }
            }
            tasks
        }
        Order::Patch(org) => vec![Task::Patch { org }],
        Order::Block(campaign) => vec![Task::Block { campaign }],
    }
}

fn check_contained(
    inc: &mut Incident,
    id: u32,
    intrusions: &Intrusions,
    now: u64,
    log: &mut EventLog,
) {
    let held = intrusions
        .by_key
        .get(&(inc.campaign, inc.org))
        .map_or(0, |i| i.hosts.len() + i.attempts.len());
    if inc.scoped && held == 0 && !inc.contained {
        inc.contained = true;
        log.push(now, SimEvent::IncidentContained { incident: id });
        if inc.outstanding.is_empty() {
            inc.closed = true;
            log.push(now, SimEvent::IncidentClosed { incident: id });
        }
    }
}
