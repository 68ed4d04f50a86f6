//! Response: analysts on shift work their team's list. Auto-played teams follow the policy
//! (scope what they confirm, isolate every host the intruder holds, clean what they isolated);
//! trainee teams triage on their own but respond only to their orders (`ResponseOrdered`).
//! Finishing a task changes the world and may put follow-up work on the list.

use crate::scenario::ids::{CampaignIx, OrgIx, TeamIx};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use std::collections::BTreeMap;

use super::attack::Intrusions;
use super::desk::{Desk, TeamEntities, on_duty};
use super::draws::Purpose;
use super::events::{DetectedBy, EventLog, Order, SimEvent, Verdict};
use super::incidents::{Incidents, check_contained, close_if_done, finish_restores};
use super::judgement::{SKILL_PACE, TRIAGE_RECOGNITION};
use super::network::{Hosts, LostBackups, RestoreBatch, RestoreCrews};
use super::tasks::{Task, Work};
use super::{SimSet, SimTick, StableId, Tick};
use orders::order_tasks;

mod orders;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PolicyWatch>().add_systems(
        SimTick,
        work_desks.after(finish_restores).in_set(SimSet::Response),
    );
}

/// Which scoped incidents' intruders have taken hosts since the isolation policy last listed
/// theirs, so the policy walks an intruder's hosts only when one may be new, not every minute.
/// It is read off the log (`HostCompromised`), so it is not part of the state's digest.
#[derive(Resource, Default)]
pub(super) struct PolicyWatch {
    /// Events of the log already read.
    read: usize,
    /// Per intrusion, how many hosts it has taken so far.
    taken: BTreeMap<(CampaignIx, OrgIx), u64>,
    /// Per incident, the intrusion's `taken` when the policy last listed its hosts.
    listed: Vec<Option<u64>>,
}

impl PolicyWatch {
    fn read(&mut self, log: &EventLog) {
        for e in &log.all()[self.read.min(log.all().len())..] {
            if let SimEvent::HostCompromised { campaign, org, .. } = e.event {
                *self.taken.entry((campaign, org)).or_default() += 1;
            }
        }
        self.read = log.all().len();
    }
}

/// What response work changes: the intruders' hold, hosts, incidents, and the record.
#[derive(SystemParam)]
pub(super) struct Casework<'w> {
    intrusions: ResMut<'w, Intrusions>,
    hosts: ResMut<'w, Hosts>,
    incidents: ResMut<'w, Incidents>,
    lost: Res<'w, LostBackups>,
    crews: ResMut<'w, RestoreCrews>,
    gate: ResMut<'w, super::network::RestoreGate>,
    log: ResMut<'w, EventLog>,
}

pub(super) fn work_desks(
    tick: Tick,
    mut desks: Query<(&StableId, &mut Desk)>,
    teams: Res<TeamEntities>,
    mut case: Casework,
    mut watch: ResMut<PolicyWatch>,
) {
    let (now, region) = (tick.now(), &*tick.region);
    watch.read(&case.log);
    // Trainees' orders this tick, read once rather than once per team (most ticks: none).
    let orders: Vec<(TeamIx, Order)> = case
        .log
        .this_tick()
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::ResponseOrdered { team, order } => Some((team, order)),
            _ => None,
        })
        .collect();
    // Auto-played teams' scoped incidents still open, in incident order: only a team's own
    // work scopes or contains its incidents, so the list made now holds at its turn.
    let open: Vec<(TeamIx, usize)> = case
        .incidents
        .uncontained()
        .filter(|(_, i)| i.scoped && region.teams[i.team].auto)
        .map(|(ix, i)| (i.team, ix as usize))
        .collect();
    // Desks in team order (the index order `TeamEntities` keeps), without sorting each tick.
    for (t, &entity) in teams.0.iter().enumerate() {
        let Ok((_, mut desk)) = desks.get_mut(entity) else {
            continue;
        };
        let team = TeamIx::from(t);
        let plan = &region.teams[team];
        desk.receive_reports(now);
        desk.expire_alerts(now, team, &mut case.log);
        // Trainees' orders for this team become work on its list.
        for order in orders.iter().filter(|(t, _)| *t == team).map(|(_, o)| *o) {
            let tasks = order_tasks(
                order,
                team,
                &mut case.incidents,
                &case.hosts,
                &case.intrusions,
            );
            desk.tasks.extend(tasks);
        }
        if plan.auto {
            isolate_by_policy(team, &open, &mut desk, &mut case, &mut watch);
        }
        // The team's own analysts keep its shift; analysts on loan work around the clock at the
        // hub's skill.
        // Out of hours, one of the team's own is on call for victims' phone calls only.
        let home_on_duty = on_duty(region, plan.shift, plan.island, now);
        let calling = desk.queue.front().is_some_and(|a| a.certain);
        if !home_on_duty && desk.visitors == 0 && !calling && !desk.on_a_call() {
            continue;
        }
        let lender = region.hub.map_or(plan.skill, |h| region.teams[h].skill);
        for a in 0..desk.analysts.len() {
            let visitor = desk.is_visitor(a);
            let on_call = !visitor && !home_on_duty;
            if on_call && !desk.answers_calls(a) {
                continue;
            }
            let skill = if visitor { lender } else { plan.skill };
            let slow = SKILL_PACE - skill;
            let next = |desk: &mut Desk| {
                if on_call {
                    desk.take_call()
                } else {
                    desk.next_task()
                }
            };
            if desk.analysts[a].is_none()
                && let Some(task) = next(&mut desk)
            {
                let base = task.base_minutes(&region.defaults, &region.intel);
                desk.analysts[a] = Some(Work {
                    task,
                    remaining: ((base as f64 * slow).round() as u64).max(1),
                });
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
            let follow_up = complete(&tick, team, plan.auto, skill, task, &mut case);
            desk.tasks.extend(follow_up);
        }
    }
}

/// The policy for auto-played teams: every host a scoped incident's intruder still holds goes
/// on the isolation list.
fn isolate_by_policy(
    team: TeamIx,
    open: &[(TeamIx, usize)],
    desk: &mut Desk,
    case: &mut Casework,
    watch: &mut PolicyWatch,
) {
    for &(_, ix) in open.iter().filter(|(t, _)| *t == team) {
        let inc = &mut case.incidents.0[ix];
        if inc.team != team || !inc.scoped || inc.contained {
            continue;
        }
        // Credentials the investigation found stolen are reset with the isolations.
        if inc.credentials_found && !inc.reset_listed {
            inc.reset_listed = true;
            desk.tasks.push(Task::ResetCredentials { org: inc.org });
        }
        // Every host held when last listed is on the list (queued hosts stay queued), and an
        // intruder gains hosts only by taking them: nothing new unless it took one since.
        let taken = watch
            .taken
            .get(&(inc.campaign, inc.org))
            .copied()
            .unwrap_or(0);
        if watch.listed.len() <= ix {
            watch.listed.resize(ix + 1, None);
        }
        if watch.listed[ix] == Some(taken) {
            continue;
        }
        watch.listed[ix] = Some(taken);
        if let Some(intr) = case.intrusions.by_key.get(&(inc.campaign, inc.org)) {
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
}

/// What finishing a task changes, and which tasks it leads to (for auto-played teams).
fn complete(
    tick: &Tick,
    team: TeamIx,
    auto: bool,
    skill: f64,
    task: Task,
    case: &mut Casework,
) -> Vec<Task> {
    let (now, region) = (tick.now(), &*tick.region);
    match task {
        Task::ApplyIntel { item } => {
            if let Some(island) = region.teams[team].island {
                let team = Some(team);
                case.log
                    .push(now, SimEvent::IntelApplied { item, island, team });
            }
            vec![]
        }
        Task::RelayIntel { item } => {
            case.log.push(now, SimEvent::IntelRelayed { item, team });
            vec![]
        }
        Task::Hunt { org } => {
            hunt(now, team, org, case);
            vec![]
        }
        Task::Patch { org } => {
            case.log
                .push(now, SimEvent::OrganisationPatched { team, org });
            vec![]
        }
        Task::ResetCredentials { org } => {
            reset_credentials(now, team, org, case);
            vec![]
        }
        Task::Block { campaign } => {
            if let Some(island) = region.teams[team].island {
                let event = SimEvent::ActorBlocked {
                    team,
                    island,
                    campaign,
                };
                case.log.push(now, event);
            }
            vec![]
        }
        Task::Triage(alert) => {
            let recognised = match alert.campaign {
                Some(_) if alert.certain => true,
                Some(_) => {
                    let p = TRIAGE_RECOGNITION.0 + TRIAGE_RECOGNITION.1 * skill;
                    tick.draws
                        .chance(p, Purpose::TriageVerdict, alert.id, now, 0)
                }
                None => false,
            };
            let verdict = if recognised {
                Verdict::Confirmed
            } else {
                Verdict::Dismissed
            };
            case.log.push(
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
            if case.incidents.open_on(team, alert.org, campaign).is_some() {
                return vec![];
            }
            let by = if alert.certain {
                DetectedBy::VictimReport
            } else {
                DetectedBy::Alert
            };
            let incident = case
                .incidents
                .open(&mut case.log, now, team, alert.org, campaign, by);
            if auto {
                vec![Task::Investigate { incident }]
            } else {
                vec![]
            }
        }
        Task::Investigate { incident } => {
            let inc = &mut case.incidents.0[incident as usize];
            inc.scoped = true;
            let hosts = case
                .intrusions
                .by_key
                .get(&(inc.campaign, inc.org))
                .map_or(0, |i| i.hosts.len() as u32);
            case.log
                .push(now, SimEvent::IncidentScoped { incident, hosts });
            check_contained(inc, incident, &case.intrusions, now, &mut case.log);
            vec![]
        }
        Task::Isolate { incident, host } => isolate(tick, team, auto, incident, host, case),
        Task::Eradicate { incident, host } => {
            eradicate(tick, team, incident, host, case);
            vec![]
        }
    }
}

/// What any crew took at the organisation stops working: none can sign back in, and incidents
/// there waiting only on that are contained.
fn reset_credentials(now: u64, team: TeamIx, org: OrgIx, case: &mut Casework) {
    case.log.push(now, SimEvent::CredentialsReset { org, team });
    let mut cases = Vec::new();
    for ((campaign, o), intr) in case.intrusions.by_key.iter_mut() {
        if *o == org && intr.credentials {
            intr.credentials = false;
            intr.returns_at = None;
            cases.push(*campaign);
        }
    }
    for campaign in cases {
        let on_case: Vec<u32> = case.incidents.on_case(org, campaign).collect();
        for id in on_case {
            let inc = &mut case.incidents.0[id as usize];
            if !inc.closed {
                check_contained(inc, id, &case.intrusions, now, &mut case.log);
            }
        }
    }
}

/// Every intruder holding hosts in the organisation is found and scoped at once.
fn hunt(now: u64, team: TeamIx, org: OrgIx, case: &mut Casework) {
    let found: Vec<(CampaignIx, usize)> = case
        .intrusions
        .by_key
        .values()
        .filter(|i| i.org == org && !i.hosts.is_empty())
        .map(|i| (i.campaign, i.hosts.len()))
        .collect();
    if found.is_empty() {
        case.log.push(now, SimEvent::HuntFoundNothing { team, org });
    }
    for (campaign, held) in found {
        let incident =
            case.incidents
                .open(&mut case.log, now, team, org, campaign, DetectedBy::Hunt);
        let hosts = held as u32;
        case.log
            .push(now, SimEvent::IncidentScoped { incident, hosts });
    }
}

/// A host is cut off: the intruder loses it, the incident waits for it to come back.
fn isolate(
    tick: &Tick,
    team: TeamIx,
    auto: bool,
    incident: u32,
    host: u32,
    case: &mut Casework,
) -> Vec<Task> {
    let (now, region) = (tick.now(), &*tick.region);
    let inc = &mut case.incidents.0[incident as usize];
    let Some(intr) = case.intrusions.by_key.get_mut(&(inc.campaign, inc.org)) else {
        return vec![];
    };
    if !intr.hosts.remove(&host) {
        return vec![];
    }
    case.hosts.update(region, host, |h| {
        h.isolated = true;
        h.held_by = None;
    });
    inc.outstanding.insert(host);
    let org = inc.org;
    case.log
        .push(now, SimEvent::HostIsolated { host, org, team });
    check_contained(inc, incident, &case.intrusions, now, &mut case.log);
    if auto {
        case.incidents.0[incident as usize].cleaning.insert(host);
        vec![Task::Eradicate { incident, host }]
    } else {
        vec![]
    }
}

/// A cleaned host comes back at once, or after a restore from backups if it was encrypted.
fn eradicate(tick: &Tick, team: TeamIx, incident: u32, host: u32, case: &mut Casework) {
    let (now, region) = (tick.now(), &*tick.region);
    let org = region.org_of_host(host);
    case.log
        .push(now, SimEvent::HostCleaned { host, org, team });
    if case.hosts.wait_on_restore(host, incident) {
        // Its organisation's IT is already restoring it: the incident waits for that.
    } else if case.hosts.get(host).encrypted {
        // Clean now, but encrypted: it joins its organisation's restore queue, prepared since
        // its IT began on it (a clean host need not wait for the rest to be contained).
        let since = case.gate.take(org, host).unwrap_or(now);
        let plan = case.crews.restore(
            region,
            &tick.draws,
            &case.lost,
            &mut case.hosts,
            RestoreBatch {
                org,
                hosts: &[host],
                now: since,
                start: now,
                incident: Some(incident),
            },
        );
        if let Some(p) = plan {
            let event = SimEvent::RestoresPlanned {
                org,
                hosts: p.hosts,
                first: p.first,
                last: p.last,
            };
            case.log.push(now, event);
        }
    } else {
        case.hosts.update(region, host, |h| *h = Default::default());
        let event = SimEvent::HostRestored {
            host,
            org,
            encrypted: false,
        };
        case.log.push(now, event);
        let inc = &mut case.incidents.0[incident as usize];
        close_if_done(inc, incident, host, now, &mut case.log);
    }
}

#[cfg(test)]
mod tests;
