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
use super::draws::{Purpose, ids};
use super::events::{DetectedBy, EventLog, Order, SimEvent, Verdict};
use super::incidents::{Incidents, check_contained, close_if_done, finish_restores};
use super::judgement::{INVESTIGATION_SEES, SKILL_PACE, TRIAGE_RECOGNITION};
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
    /// Per incident, the intrusion's `taken` and how many hosts the team knew of when the
    /// policy last listed its hosts.
    listed: Vec<Option<(u64, usize)>>,
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
        let mark = Some((taken, inc.known.len()));
        if watch.listed[ix] == mark {
            continue;
        }
        watch.listed[ix] = mark;
        if let Some(intr) = case.intrusions.by_key.get(&(inc.campaign, inc.org)) {
            // What the team found and the intruder still holds: it cannot isolate what it
            // has not seen.
            for &h in intr.hosts.intersection(&inc.known) {
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
            hunt(tick, (team, skill), org, case);
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
            if let Some(id) = case.incidents.open_on(team, alert.org, campaign) {
                // An alert from a host the investigation missed: look again, wider.
                let inc = &mut case.incidents.0[id as usize];
                let unseen = alert.host.is_some_and(|h| !inc.known.contains(&h));
                if auto && inc.scoped && unseen && !inc.looking {
                    inc.looking = true;
                    return vec![Task::Investigate { incident: id }];
                }
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
            let org = case.incidents.0[incident as usize].org;
            let found = look(tick, (team, skill), org, case);
            scope(now, (team, org), found, Some(incident), case);
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

/// What looking at an organisation finds: per campaign holding hosts there (whichever the
/// team came for), the hosts seen, each with a chance set by the analysts' skill
/// (`INVESTIGATION_SEES`). Hosts missed stay the intruder's.
fn look(
    tick: &Tick,
    (team, skill): (TeamIx, f64),
    org: OrgIx,
    case: &Casework,
) -> Vec<(CampaignIx, Vec<u32>)> {
    let now = tick.now();
    let p = (INVESTIGATION_SEES.0 + INVESTIGATION_SEES.1 * skill).clamp(0.0, 1.0);
    let key = ids(&[team.0 as u64, org.0 as u64]);
    let sees = |h: &u32| (tick.draws).chance(p, Purpose::InvestigationSees, key, now, *h);
    (case.intrusions.by_key.values())
        .filter(|i| i.org == org && !i.hosts.is_empty())
        .map(|i| {
            (
                i.campaign,
                i.hosts.iter().copied().filter(sees).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, seen)| !seen.is_empty())
        .collect()
}

/// What an investigation found goes on the team's incidents at the organisation: the one it
/// was scoping (scoped now, whatever it found), and one per other campaign seen there, opened
/// or widened; each says how many hosts the team now knows the intruder holds.
fn scope(
    now: u64,
    (team, org): (TeamIx, OrgIx),
    found: Vec<(CampaignIx, Vec<u32>)>,
    scoping: Option<u32>,
    case: &mut Casework,
) {
    let mut touched: Vec<u32> = scoping.into_iter().collect();
    let mut widened = Vec::new();
    for (campaign, hosts) in found {
        let id = match case.incidents.open_on(team, org, campaign) {
            Some(id) => id,
            None => {
                (case.incidents).open(&mut case.log, now, team, org, campaign, DetectedBy::Hunt)
            }
        };
        let inc = &mut case.incidents.0[id as usize];
        let before = inc.known.len();
        inc.known.extend(hosts);
        if inc.known.len() > before {
            widened.push(id);
        }
        if !touched.contains(&id) {
            touched.push(id);
        }
    }
    touched.sort_unstable();
    for id in touched {
        let inc = &mut case.incidents.0[id as usize];
        inc.scoped = true;
        inc.looking = false;
        inc.quiet = !widened.contains(&id);
        let held = (case.intrusions.by_key.get(&(inc.campaign, inc.org)))
            .map_or(0, |i| i.hosts.intersection(&inc.known).count() as u32);
        let event = SimEvent::IncidentScoped {
            incident: id,
            hosts: held,
        };
        case.log.push(now, event);
        check_contained(inc, id, &case.intrusions, now, &mut case.log);
    }
}

/// A look for intruders at an organisation no incident of the team covers: what it finds is
/// opened and scoped (or widens what is open); nothing found is said.
fn hunt(tick: &Tick, (team, skill): (TeamIx, f64), org: OrgIx, case: &mut Casework) {
    let now = tick.now();
    let found = look(tick, (team, skill), org, case);
    if found.is_empty() {
        case.log.push(now, SimEvent::HuntFoundNothing { team, org });
    }
    scope(now, (team, org), found, None, case);
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
    if !auto {
        return vec![];
    }
    let inc = &mut case.incidents.0[incident as usize];
    inc.cleaning.insert(host);
    let mut tasks = vec![Task::Eradicate { incident, host }];
    // The last host it knew of is cut off: sweep the organisation again before calling it
    // done, for as long as a sweep finds something new.
    let held = (case.intrusions.by_key.get(&(inc.campaign, inc.org))).map(|i| &i.hosts);
    let known_all_out = held.is_none_or(|held| inc.known.is_disjoint(held));
    if known_all_out && !inc.looking && !inc.quiet {
        inc.looking = true;
        tasks.push(Task::Investigate { incident });
    }
    tasks
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
            case.log.push(now, p.event(org));
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
