//! Response: analysts on shift work their team's list. Auto-played teams follow the policy
//! (scope what they confirm; isolate every host the investigation found, reset the credentials
//! it found stolen and have the provider access it found revoked; clean what they isolated);
//! trainee teams triage on their own but respond only to their orders (`ResponseOrdered`).
//! Finishing a task changes the world and may put follow-up work on the list.

use crate::scenario::ids::{CampaignIx, OrgIx, TeamIx};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use std::collections::BTreeSet;

use super::attack::{Intrusion, Intrusions};
use super::desk::{Desk, TeamEntities, on_duty};
use super::draws::{Purpose, ids};
use super::events::{DetectedBy, EventLog, Order, SimEvent, Verdict};
use super::incidents::{Incidents, check_contained, close_if_done, finish_restores};
use super::judgement::{SKILL_PACE, TRIAGE_RECOGNITION, investigation_sees};
use super::network::{Hosts, LostBackups, RestoreBatch, RestoreCrews, RevokedAccess};
use super::tasks::{Task, Work};
use super::{SimSet, SimTick, StableId, Tick};
use orders::order_tasks;

mod findings;
mod orders;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        SimTick,
        work_desks.after(finish_restores).in_set(SimSet::Response),
    );
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
    revoked: ResMut<'w, RevokedAccess>,
    log: ResMut<'w, EventLog>,
}

pub(super) fn work_desks(
    tick: Tick,
    mut desks: Query<(&StableId, &mut Desk)>,
    teams: Res<TeamEntities>,
    mut case: Casework,
) {
    let (now, region) = (tick.now(), &*tick.region);
    // Trainees' orders this tick, and provider access revoked on a trainee's command, read
    // once rather than once per team (most ticks: none).
    let mut orders: Vec<(TeamIx, Order)> = Vec::new();
    let mut revoked: Vec<OrgIx> = Vec::new();
    let mut submitted: Vec<crate::scenario::Findings> = Vec::new();
    for e in case.log.this_tick() {
        match e.event {
            SimEvent::ResponseOrdered { team, order } => orders.push((team, order)),
            SimEvent::AccessRevoked { org, .. } => revoked.push(org),
            SimEvent::FindingsSubmitted(ref f) => submitted.push(f.clone()),
            _ => {}
        }
    }
    for org in revoked {
        access_revoked(now, org, &mut case);
    }
    // Desks in team order (the index order `TeamEntities` keeps), without sorting each tick.
    for (t, &entity) in teams.0.iter().enumerate() {
        let Ok((_, mut desk)) = desks.get_mut(entity) else {
            continue;
        };
        let team = TeamIx::from(t);
        let plan = &region.teams[team];
        desk.receive_reports(now);
        desk.expire_alerts(now, team, &mut case.log);
        // Findings first (an order in the same minute acts on them), then trainees' orders for
        // this team become work on its list.
        for s in submitted.iter().filter(|s| s.team == team) {
            let tasks = findings::apply(&tick, s, &mut case);
            desk.tasks.extend(tasks);
        }
        for order in orders.iter().filter(|(t, _)| *t == team).map(|(_, o)| *o) {
            let tasks = order_tasks(order, team, &mut case.incidents, &case.hosts);
            desk.tasks.extend(tasks);
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
        Task::Hunt { org } if collects(region, team, auto) => collect(now, team, org, case),
        Task::Hunt { org } => hunt(tick, (team, auto, skill), org, case),
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
        Task::Triage(alert) => triage(tick, (team, auto, skill), alert, case),
        Task::Investigate { incident } if collects(region, team, auto) => {
            let org = {
                let mut inc = case.incidents.edit(incident);
                inc.looking = false;
                inc.org
            };
            collect(now, team, org, case)
        }
        Task::Investigate { incident } => {
            let inc = &case.incidents.0[incident as usize];
            let org = inc.org;
            if inc.closed {
                // Closed while the look waited: whatever it finds is news, as a hunt's is.
                return hunt(tick, (team, auto, skill), org, case);
            }
            let found = look(tick, (team, skill), org, case);
            scope(now, (team, org, auto), found, Some(incident), case)
        }
        Task::Isolate { incident, host } => isolate(tick, team, auto, incident, host, case),
        Task::Eradicate { incident, host } => {
            eradicate(tick, team, incident, host, case);
            vec![]
        }
    }
}

/// Whether the team's investigations deliver records rather than the answer: trainees in a
/// technical exercise.
fn collects(region: &super::Region, team: TeamIx, auto: bool) -> bool {
    !auto && region.teams[team].investigation == crate::scenario::Investigation::Collection
}

/// A technical exercise's investigation: the organisation's records are the team's to analyse
/// (`tidewatch evidence --team`); its incidents learn only from the findings it submits.
fn collect(now: u64, team: TeamIx, org: OrgIx, case: &mut Casework) -> Vec<Task> {
    case.log
        .push(now, SimEvent::CollectionDelivered { team, org });
    vec![]
}

/// A triaged alert: confirmed or dismissed by the analyst's skill; a confirmed one opens an
/// incident, or reopens and widens the team's open one.
fn triage(
    tick: &Tick,
    (team, auto, skill): (TeamIx, bool, f64),
    alert: super::tasks::Alert,
    case: &mut Casework,
) -> Vec<Task> {
    let now = tick.now();
    let recognised = match alert.campaign {
        Some(_) if alert.certain => true,
        Some(campaign) => {
            let p = TRIAGE_RECOGNITION.0 + TRIAGE_RECOGNITION.1 * skill;
            // Keyed by what the alert is (who reads it, what it says, when it was raised), not
            // by its number or the minute it is read: a change elsewhere in the region (another
            // team's alerts, a busier desk) leaves this verdict as it was, so paired what-ifs
            // compare like with like.
            let key = super::draws::ids(&[
                team.0 as u64,
                campaign.0 as u64,
                alert.host.map_or(u64::MAX, u64::from),
                alert.technique.map_or(u64::MAX, |t| t.0 as u64),
            ]);
            (tick.draws).chance(p, Purpose::TriageVerdict, key, alert.raised, 0)
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
        // An alert from a host the team has not cut off nor listed: the intruder is
        // somewhere it did not know of, so an incident it called contained is not, and
        // an auto-played team looks again, wider, starting from that host.
        let unseen = {
            let mut inc = case.incidents.edit(id);
            let unseen = alert.host.is_some_and(|h| !inc.held.contains(&h));
            inc.known.extend(alert.host);
            unseen
        };
        if unseen {
            case.incidents.reopen(id, now, &mut case.log);
        }
        let mut inc = case.incidents.edit(id);
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
    // The investigation starts from the host the alert named.
    (case.incidents.edit(incident).known).extend(alert.host);
    if auto {
        vec![Task::Investigate { incident }]
    } else {
        vec![]
    }
}

/// What any crew took at the organisation stops working: none can sign back in. The team's
/// incidents there no longer wait on the credentials they found stolen (whether a crew held
/// any is not something the reset tells it).
fn reset_credentials(now: u64, team: TeamIx, org: OrgIx, case: &mut Casework) {
    case.log.push(now, SimEvent::CredentialsReset { org, team });
    for (_, intr) in (case.intrusions.by_key).iter_mut_where(|_, i| i.org == org) {
        intr.credentials = false;
        intr.returns_at = None;
    }
    (case.incidents).learn_at(org, (now, &mut case.log), |inc| {
        inc.reset_listed = false;
        std::mem::take(&mut inc.credentials_found)
    });
}

/// The organisation cut its provider's remote access: the team's incidents there no longer
/// wait on the way in they found.
fn access_revoked(now: u64, org: OrgIx, case: &mut Casework) {
    (case.incidents).learn_at(org, (now, &mut case.log), |inc| {
        inc.provider.take().is_some()
    });
}

/// What an investigation found of one crew at the organisation.
struct Found {
    campaign: CampaignIx,
    /// The hosts it was seen on.
    hosts: Vec<u32>,
    /// Its tools dumped the organisation's credentials, and they still work.
    credentials: bool,
    /// It came in through this provider's remote access.
    via: Option<OrgIx>,
}

/// What looking at an organisation finds: per crew holding hosts there (whichever the team
/// came for), the hosts seen, each with a chance set by the analysts' skill, how loud the
/// technique that took it is and the investigation's time (`investigation_sees`), except those the team already had evidence on (an alert named it,
/// or an earlier look found it), which it checks first. A crew seen on one host shows how it
/// came in and whether it took the credentials. Hosts missed stay the intruder's.
fn look(tick: &Tick, (team, skill): (TeamIx, f64), org: OrgIx, case: &Casework) -> Vec<Found> {
    let (now, region) = (tick.now(), &*tick.region);
    let minutes = region.defaults.investigate.0;
    let key = ids(&[team.0 as u64, org.0 as u64]);
    let leads: BTreeSet<u32> = (case.incidents.on_org(org))
        .map(|k| &case.incidents.0[k as usize])
        .filter(|i| i.team == team && !i.closed)
        .flat_map(|i| i.known.iter().copied())
        .collect();
    let sees = |i: &Intrusion, h: &u32| {
        let loud = (i.traces.get(h)).map_or(0.5, |t| region.techniques[*t].detectability);
        let p = investigation_sees(skill, loud, minutes);
        leads.contains(h) || (tick.draws).chance(p, Purpose::InvestigationSees, key, now, *h)
    };
    (case.intrusions.by_key.values())
        .filter(|i| i.org == org && !i.hosts.is_empty())
        .map(|i| Found {
            campaign: i.campaign,
            hosts: i.hosts.iter().copied().filter(|h| sees(i, h)).collect(),
            credentials: i.credentials,
            via: i.via,
        })
        .filter(|f| !f.hosts.is_empty())
        .collect()
}

/// What an investigation found goes on the team's incidents at the organisation: the one it
/// was scoping (scoped now, whatever it found), and one per other crew seen there, opened,
/// widened or reopened; each says how many hosts the team now counts as the intruder's, and
/// what else it learned (credentials stolen, the provider's access). An auto-played team acts
/// on it at once: the hosts go on its isolation list, the reset on its list, and it has the
/// organisation revoke the provider's access.
fn scope(
    now: u64,
    (team, org, auto): (TeamIx, OrgIx, bool),
    found: Vec<Found>,
    scoping: Option<u32>,
    case: &mut Casework,
) -> Vec<Task> {
    let mut touched: Vec<u32> = scoping.into_iter().collect();
    let mut widened = Vec::new();
    let mut revoke = false;
    for f in found {
        let id = match case.incidents.open_on(team, org, f.campaign) {
            Some(id) => id,
            None => {
                let by = DetectedBy::Hunt;
                (case.incidents).open(&mut case.log, now, team, org, f.campaign, by)
            }
        };
        let mut inc = case.incidents.edit(id);
        let before = inc.held.len();
        inc.known.extend(&f.hosts);
        inc.held.extend(&f.hosts);
        let wider = inc.held.len() > before;
        if f.credentials && !inc.credentials_found {
            inc.credentials_found = true;
            case.log
                .push(now, SimEvent::CredentialsStolen { incident: id });
        }
        if let Some(provider) = f.via.filter(|_| !case.revoked.0.contains(&org))
            && inc.provider.is_none()
        {
            inc.provider = Some(provider);
            let event = SimEvent::ProviderAccessFound {
                incident: id,
                provider,
            };
            case.log.push(now, event);
            revoke |= auto;
        }
        drop(inc);
        if wider {
            widened.push(id);
            case.incidents.reopen(id, now, &mut case.log);
        }
        if !touched.contains(&id) {
            touched.push(id);
        }
    }
    if revoke && case.revoked.0.insert(org) {
        case.log.push(now, SimEvent::AccessRevoked { org, team });
        access_revoked(now, org, case);
    }
    touched.sort_unstable();
    let mut tasks = Vec::new();
    for id in touched {
        let mut inc = case.incidents.edit(id);
        inc.scoped = true;
        inc.looking = false;
        inc.quiet = !widened.contains(&id);
        let event = SimEvent::IncidentScoped {
            incident: id,
            hosts: inc.held.len() as u32,
        };
        case.log.push(now, event);
        if auto {
            tasks.extend(act_on_scope(&mut inc, id));
        }
        check_contained(&mut inc, id, now, &mut case.log);
    }
    tasks
}

/// What an auto-played team does with an incident's scope: every host it counts as the
/// intruder's not yet listed goes on its isolation list, and the reset it learned it needs.
fn act_on_scope(inc: &mut super::incidents::Incident, id: u32) -> Vec<Task> {
    let mut tasks = Vec::new();
    let listed = (inc.held.iter()).filter(|h| !inc.queued.contains(h));
    let isolations: Vec<u32> = listed.copied().collect();
    for host in isolations {
        inc.queued.insert(host);
        tasks.push(Task::Isolate { incident: id, host });
    }
    if inc.credentials_found && !inc.reset_listed {
        inc.reset_listed = true;
        tasks.push(Task::ResetCredentials { org: inc.org });
    }
    tasks
}

/// A look for intruders at an organisation no incident of the team covers: what it finds is
/// opened and scoped (or widens what is open); nothing found is said.
fn hunt(
    tick: &Tick,
    (team, auto, skill): (TeamIx, bool, f64),
    org: OrgIx,
    case: &mut Casework,
) -> Vec<Task> {
    let now = tick.now();
    let found = look(tick, (team, skill), org, case);
    if found.is_empty() {
        case.log.push(now, SimEvent::HuntFoundNothing { team, org });
    }
    scope(now, (team, org, auto), found, None, case)
}

/// A host is cut off: whichever crew held it loses it, it goes out of service until cleaned,
/// and the team no longer counts it as the intruder's. The team pays for the isolation whether
/// or not a crew was still on the host: it cannot know.
fn isolate(
    tick: &Tick,
    team: TeamIx,
    auto: bool,
    incident: u32,
    host: u32,
    case: &mut Casework,
) -> Vec<Task> {
    let (now, region) = (tick.now(), &*tick.region);
    let mut inc = case.incidents.edit(incident);
    inc.queued.remove(&host);
    inc.held.remove(&host);
    let org = inc.org;
    let cut_now = !case.hosts.get(host).isolated;
    if cut_now {
        if let Some(campaign) = case.hosts.get(host).held_by
            && let Some(intr) = case.intrusions.by_key.get_mut(&(campaign, org))
        {
            intr.lose(host);
        }
        case.hosts.update(region, host, |h| {
            h.isolated = true;
            h.held_by = None;
        });
        inc.outstanding.insert(host);
        case.log
            .push(now, SimEvent::HostIsolated { host, org, team });
    }
    let mut tasks = Vec::new();
    if auto {
        if cut_now && inc.cleaning.insert(host) {
            tasks.push(Task::Eradicate { incident, host });
        }
        // The last host it knew of is cut off: sweep the organisation again before calling it
        // done, for as long as a sweep finds something new.
        if inc.held.is_empty() && !inc.looking && !inc.quiet {
            inc.looking = true;
            tasks.push(Task::Investigate { incident });
        }
    }
    check_contained(&mut inc, incident, now, &mut case.log);
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
        let hastened = case.gate.hastened(org);
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
                hastened,
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
        let mut inc = case.incidents.edit(incident);
        close_if_done(&mut inc, incident, host, now, &mut case.log);
    }
}

#[cfg(test)]
mod tests;
