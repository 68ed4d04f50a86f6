//! Mutual assistance: analysts the regional hub lends to a team that is drowning, who travel,
//! work that team's list for a while and go home. The policy asks for help on behalf of
//! auto-played teams; trainees ask with a command.

use crate::scenario::ids::{OrgIx, TeamIx};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::digest::{DigestAppExt, hash_of};

use super::desk::{Desk, TeamEntities};
use super::events::{EventLog, SimEvent};
use super::incidents::Incidents;
use super::network::{RestoreCrews, RestoreGate};
use super::{Clock, Region, SimSet, SimTick, StableId};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Deployments>()
        .init_resource::<WaitingForHelp>()
        .init_resource::<RemoteLoans>()
        .digest_part(45, "assistance", |world| {
            let parts = (
                world.resource::<WaitingForHelp>(),
                world.resource::<Deployments>(),
            );
            // Empty unless trainees at the hub chose remote help: runs without them keep the
            // digests their journals recorded.
            let remote = world.resource::<RemoteLoans>();
            if remote.0.is_empty() {
                hash_of(&parts)
            } else {
                hash_of(&(parts, remote))
            }
        })
        .add_systems(SimTick, mutual_assistance.in_set(SimSet::Cooperation));
}

/// Analysts on loan from the regional hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Deployment {
    pub to: TeamIx,
    pub analysts: u32,
    pub arrives: u64,
    pub leaves: u64,
    pub arrived: bool,
}

#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Deployments(pub Vec<Deployment>);

/// The deployments (by position) trainees at the hub sent as remote help: on the desk only,
/// never at the island's restores. (The policy's loans follow `assistance.on_site`.)
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct RemoteLoans(pub std::collections::BTreeSet<usize>);

/// Why the hub, played by trainees, may not send `analysts` to `team` now (on site or
/// remote), if it may not, said of the team: it must have asked and not been answered, the
/// hub keeps one analyst at home, and remote help needs the island reachable.
pub fn loan_refusal(
    region: &crate::scenario::Plan,
    (waiting, net): (&WaitingForHelp, &super::network::Connectivity),
    at_home: usize,
    (team, analysts, on_site): (TeamIx, u32, bool),
) -> Option<String> {
    if !region.assistance.enabled {
        return Some("cannot be helped: mutual assistance is switched off in this scenario".into());
    }
    if !waiting.contains(&team) {
        return Some("has not asked for help, or was answered already".into());
    }
    let spare = at_home.saturating_sub(1);
    if analysts as usize > spare {
        return Some(format!(
            "cannot have {analysts}: the hub has {spare} analyst{} to spare (it keeps one at \
             home)",
            if spare == 1 { "" } else { "s" }
        ));
    }
    let island = region.teams[team].island;
    if !on_site && island.is_some_and(|i| net.cut_off(i)) {
        return Some(
            "sits on an island cut off from the world: analysts can only go on site".into(),
        );
    }
    None
}

/// Teams that asked while the hub had nobody to spare, in the order they asked: they asked
/// once, and are served first come, first served when analysts come home, ahead of anyone who
/// asks later.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct WaitingForHelp(pub Vec<TeamIx>);

impl WaitingForHelp {
    pub fn contains(&self, team: &TeamIx) -> bool {
        self.0.contains(team)
    }
}

/// Team desks by team index.
#[derive(SystemParam)]
pub(super) struct Desks<'w, 's> {
    teams: Res<'w, TeamEntities>,
    desks: Query<'w, 's, (&'static StableId, &'static mut Desk)>,
}

impl Desks<'_, '_> {
    pub(super) fn of(&mut self, team: TeamIx) -> Option<Mut<'_, Desk>> {
        self.desks.get_mut(self.teams.0[team]).ok().map(|(_, d)| d)
    }
}

/// The hub's loans: out, asked for, and which went as remote help.
#[derive(SystemParam)]
pub(super) struct Loans<'w> {
    deployments: ResMut<'w, Deployments>,
    waiting: ResMut<'w, WaitingForHelp>,
    remote: ResMut<'w, RemoteLoans>,
}

/// A team with an open incident and more queued work than its analysts can clear asks the hub
/// for help; the hub sends analysts it can spare, most needed first, who arrive after
/// travelling and stay a while.
pub(super) fn mutual_assistance(
    clock: Res<Clock>,
    region: Res<Region>,
    incidents: Res<Incidents>,
    mut desks: Desks,
    loans: Loans,
    (mut crews, mut gate): (ResMut<RestoreCrews>, ResMut<RestoreGate>),
    mut log: ResMut<EventLog>,
) {
    let Loans {
        mut deployments,
        mut waiting,
        mut remote,
    } = loans;
    let now = clock.now;
    let Some(hub) = region.hub else { return };
    comings_and_goings(now, hub, &mut desks, &mut deployments, &mut log);
    let played = region.hub_played();
    if region.assistance.on_site || played {
        join_preparations(now, &region, (&deployments, &remote), &mut gate, &mut log);
    }
    if !region.assistance.enabled {
        return;
    }
    // Those already waiting first, in the order they asked; then this minute's requests.
    let mut asks: Vec<(TeamIx, bool)> = waiting.0.iter().map(|&t| (t, false)).collect();
    for (t, announce) in requests(now, hub, &region, &incidents, &desks, &deployments, &log) {
        if !waiting.contains(&t) {
            asks.push((t, announce));
        }
    }
    most_needed_first(&mut asks, &region, &incidents);
    for (t, announce) in asks {
        if t == hub || deployments.0.iter().any(|x| x.to == t && x.leaves > now) {
            continue;
        }
        if !waiting.contains(&t) {
            waiting.0.push(t);
            if announce {
                log.push(now, SimEvent::AssistanceRequested { team: t });
            }
        }
        if played {
            // Trainees at the hub answer (below), whom and how.
            continue;
        }
        let policy = &region.assistance;
        let Some(mut hub_desk) = desks.of(hub) else {
            continue;
        };
        // The hub keeps one analyst at home.
        let spare = (hub_desk.analysts.len() as u32)
            .saturating_sub(1)
            .min(policy.analysts);
        if spare == 0 {
            continue;
        }
        hub_desk.remove_analysts(spare);
        waiting.0.retain(|w| *w != t);
        let loan = (hub, t, spare);
        let how = (policy.travel.0, policy.on_site);
        dispatch(
            now,
            (loan, how),
            &region,
            (&mut deployments, &mut crews),
            &mut log,
        );
    }
    if played {
        let loans = (&mut *deployments, &mut *remote);
        answer_requests(
            now,
            &region,
            &mut desks,
            &mut waiting,
            &mut log,
            &mut crews,
            loans,
        );
    }
}

/// Trainees at the hub answered requests this minute (`AnalystsOrdered`, checked by
/// `loan_refusal` when given): the analysts leave the hub's desk and set off, on site after
/// the policy's travel, remote after its `remote_start`.
fn answer_requests(
    now: u64,
    region: &Region,
    desks: &mut Desks,
    waiting: &mut WaitingForHelp,
    log: &mut EventLog,
    crews: &mut RestoreCrews,
    (deployments, remote): (&mut Deployments, &mut RemoteLoans),
) {
    let orders: Vec<(TeamIx, TeamIx, u32, bool)> = (log.this_tick().iter())
        .filter_map(|e| match e.event {
            SimEvent::AnalystsOrdered {
                hub,
                team,
                analysts,
                on_site,
            } => Some((hub, team, analysts, on_site)),
            _ => None,
        })
        .collect();
    let policy = &region.assistance;
    for (hub, t, analysts, on_site) in orders {
        let Some(mut hub_desk) = desks.of(hub) else {
            continue;
        };
        hub_desk.remove_analysts(analysts);
        waiting.0.retain(|w| *w != t);
        let start = if on_site {
            policy.travel.0
        } else {
            policy.remote_start.0
        };
        if !on_site {
            remote.0.insert(deployments.0.len());
        }
        let loan = ((hub, t, analysts), (start, on_site));
        dispatch(now, loan, region, (deployments, crews), log);
    }
}

/// The hub sends help where it is needed most: teams with ransomware on their hands first,
/// then those with more open incidents; first come, first served among equals (a stable sort).
fn most_needed_first(asks: &mut [(TeamIx, bool)], region: &Region, incidents: &Incidents) {
    if asks.len() < 2 {
        return;
    }
    let mut severity = vec![(0u32, 0u32); region.teams.len()];
    for (_, i) in incidents.uncontained() {
        let s = &mut severity[i.team.ix()];
        s.0 += region.is_ransomware(i.campaign) as u32;
        s.1 += 1;
    }
    asks.sort_by_key(|(t, _)| std::cmp::Reverse(severity[t.ix()]));
}

/// `spare` of the hub's analysts set off for team `t`: due after their travel, back after
/// their stay, and, on site, lent to the restores the island's organisations plan meanwhile.
fn dispatch(
    now: u64,
    ((hub, t, spare), (start, on_site)): ((TeamIx, TeamIx, u32), (u64, bool)),
    region: &Region,
    (deployments, crews): (&mut Deployments, &mut RestoreCrews),
    log: &mut EventLog,
) {
    let policy = &region.assistance;
    let arrives = now + start;
    let leaves = arrives + policy.stay.0.max(1);
    deployments.0.push(Deployment {
        to: t,
        analysts: spare,
        arrives,
        leaves,
        arrived: false,
    });
    if on_site {
        for o in on_the_island(region, t) {
            crews.lend(o, (arrives, leaves), spare);
        }
    }
    log.push(
        now,
        SimEvent::AssistanceDispatched {
            hub,
            team: t,
            analysts: spare,
            arrives,
        },
    );
}

/// Loaned analysts arrive at their team's desk after travelling, and go home to the hub.
fn comings_and_goings(
    now: u64,
    hub: TeamIx,
    desks: &mut Desks,
    deployments: &mut Deployments,
    log: &mut EventLog,
) {
    for d in deployments.0.iter_mut() {
        if !d.arrived && d.arrives <= now {
            d.arrived = true;
            if let Some(mut desk) = desks.of(d.to) {
                desk.add_visitors(d.analysts);
            }
            log.push(
                now,
                SimEvent::AssistanceArrived {
                    team: d.to,
                    analysts: d.analysts,
                },
            );
        }
        if d.arrived && d.leaves == now {
            if let Some(mut desk) = desks.of(d.to) {
                desk.remove_visitors(d.analysts);
            }
            if let Some(mut desk) = desks.of(hub) {
                desk.add_analysts(d.analysts);
            }
            log.push(
                now,
                SimEvent::AssistanceLeft {
                    team: d.to,
                    analysts: d.analysts,
                },
            );
        }
    }
}

/// The organisations on the island a team sits on, where analysts lent to it land: whoever
/// watches them, their IT is who the analysts can help in person. None for a team abroad.
fn on_the_island(region: &Region, team: TeamIx) -> impl Iterator<Item = OrgIx> + use<'_> {
    let island = region.teams[team].island;
    (region.orgs.iter().enumerate())
        .filter(move |(_, org)| island == Some(org.island))
        .map(|(o, _)| OrgIx::from(o))
}

/// Analysts on site join the IT of the island's organisations getting ready to restore, when
/// they arrive and when an organisation starts preparing while they are there: what is left
/// of its preparation takes half as long.
fn join_preparations(
    now: u64,
    region: &Region,
    (deployments, remote): (&Deployments, &RemoteLoans),
    gate: &mut RestoreGate,
    log: &mut EventLog,
) {
    let prepared: Vec<OrgIx> = (log.this_tick().iter())
        .filter_map(|e| match e.event {
            SimEvent::RestoresPrepared { org, .. } => Some(org),
            _ => None,
        })
        .collect();
    let here = (deployments.0.iter().enumerate())
        .filter(|(k, d)| d.arrived && now < d.leaves && !remote.0.contains(k))
        .map(|(_, d)| d);
    for d in here {
        let arriving = d.arrives == now;
        let joins: Vec<OrgIx> = on_the_island(region, d.to)
            .filter(|o| arriving || prepared.contains(o))
            .collect();
        for o in joins {
            if let Some((was, ready)) = gate.hasten(o, now) {
                let event = SimEvent::RestoresHastened {
                    org: o,
                    team: d.to,
                    was,
                    ready,
                };
                log.push(now, event);
            }
        }
    }
}

/// This minute's requests, in order: those teams made themselves (a command, already in the
/// log), then the policy's for auto-played teams that watch something and are drowning, in
/// team order. `true`
/// where the request still has to be announced.
fn requests(
    now: u64,
    hub: TeamIx,
    region: &Region,
    incidents: &Incidents,
    desks: &Desks,
    deployments: &Deployments,
    log: &EventLog,
) -> Vec<(TeamIx, bool)> {
    let policy = &region.assistance;
    let d = &region.defaults;
    let mut requests: Vec<(TeamIx, bool)> = log
        .this_tick()
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::AssistanceRequested { team } => Some((team, false)),
            _ => None,
        })
        .collect();
    // Which teams have an incident still open, in one pass rather than one per team.
    let mut open = vec![false; region.teams.len()];
    for (_, i) in incidents.uncontained() {
        open[i.team.ix()] = true;
    }
    // Help goes where analysts can use it: a team that watches no organisation (a point of
    // contact that forwards reports) has no sensors to read and no hosts to scope.
    let mut watches = vec![false; region.teams.len()];
    for o in region.orgs.iter() {
        if let Some(t) = o.monitored_by {
            watches[t.ix()] = true;
        }
    }
    // Desks in team order (the index order `TeamEntities` keeps), without sorting each tick.
    for (k, &entity) in desks.teams.0.iter().enumerate() {
        let t = TeamIx::from(k);
        let plan = &region.teams[t];
        if t == hub
            || !plan.auto
            || !open[k]
            || !watches[k]
            || deployments.0.iter().any(|x| x.to == t && x.leaves > now)
        {
            continue;
        }
        let Ok((_, desk)) = desks.desks.get(entity) else {
            continue;
        };
        // The backlog is summed only for a team with an incident open.
        let backlog = desk.backlog_minutes(d, &region.intel) + desk.queue.len() as u64 * d.triage.0;
        if backlog > policy.backlog.0 * desk.analysts.len() as u64
            && !requests.iter().any(|(r, _)| *r == t)
        {
            requests.push((t, true));
        }
    }
    requests
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::scenario::Plan;
    use crate::scenario::ids::{CampaignIx, OrgIx};
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::events::DetectedBy;
    use crate::sim::{Simulation, Stamped};

    const TRAVEL: u64 = 12 * 60;
    const STAY: u64 = 24 * 60;

    /// Island A's CSIRT of one analyst watches a ministry of 600 hosts in full sensor view;
    /// `alerts` false alerts per host-day (1.0 drowns it within hours: 600 a day against the
    /// 96 one analyst triages; 0.04, the default, does not). A regional hub of `hub` analysts;
    /// helpers travel 12 hours and stay a day. More islands like A with `islands`.
    fn region(islands: &[&str], auto: bool, alerts: f64, hub: u32) -> Arc<Plan> {
        let target = format!("Organisation(\"{}-gov\")", islands[0]);
        let mut tiny = TinyRegion::new();
        for i in islands {
            tiny = tiny
                .island(i, true, false)
                .org(&format!("{i}-gov"), i, 600, 1.0, 0.5)
                .team(
                    &format!("{i}-csirt"),
                    "NationalCsirt",
                    Some(i),
                    1,
                    "AroundTheClock",
                    auto,
                );
        }
        tiny.team(
            "hub",
            "RegionalHub",
            Some(islands[0]),
            hub,
            "AroundTheClock",
            true,
        )
        .field(&format!(
            "defaults: Defaults(false_alerts_per_host_day: {alerts})"
        ))
        .field("assistance: Assistance(travel: \"12h\", stay: \"1d\")")
        // The crews incidents are about (a thief, then a ransomware crew); they never start:
        // the rule here is the hub's.
        .campaign("crew", "D9 00:00", &target, &["T1078", "T1041"])
        .campaign("lock", "D9 00:00", &target, &["T1078", "T1486"])
        .plan()
    }

    /// A simulation where each listed team has an incident open from the start (how it was
    /// found is not this rule's business: it is never scoped, so nobody works it).
    fn with_incidents(plan: Arc<Plan>, teams: &[TeamIx]) -> Simulation {
        let mut sim = Simulation::build(plan, 1, |app| {
            app.init_resource::<Requests>()
                .add_systems(SimTick, ask.in_set(SimSet::Commands));
        });
        let world = sim.world_mut();
        world.resource_scope(|world, mut incidents: Mut<Incidents>| {
            let mut log = world.resource_mut::<EventLog>();
            for &t in teams {
                let org = OrgIx(t.0);
                incidents.open(&mut log, 0, t, org, CampaignIx(0), DetectedBy::Alert);
            }
        });
        sim
    }

    /// Requests for help a trainee team makes (the exercise layer's command), for the next tick.
    #[derive(Resource, Default)]
    struct Requests(Vec<TeamIx>);

    fn ask(clock: Res<Clock>, mut requests: ResMut<Requests>, mut log: ResMut<EventLog>) {
        for team in requests.0.drain(..) {
            log.push(clock.now, SimEvent::AssistanceRequested { team });
        }
    }

    fn analysts(sim: &Simulation, team: TeamIx) -> usize {
        let entity = sim.app.world().resource::<TeamEntities>().0[team];
        sim.app.world().get::<Desk>(entity).unwrap().analysts.len()
    }

    fn ticks(events: &[Stamped], f: impl Fn(&SimEvent) -> bool) -> Vec<u64> {
        events
            .iter()
            .filter(|e| f(&e.event))
            .map(|e| e.tick)
            .collect()
    }

    /// A team with an incident open and more queued work than `backlog` per analyst asks once;
    /// the hub sends what it can spare (at most `analysts`, keeping one at home), who arrive
    /// after `travel`, work that team's desk for `stay`, and go back to the hub. While they are
    /// on their way or there, the team does not ask again.
    #[test]
    fn the_hub_lends_analysts_to_a_drowning_team_for_the_stay_and_they_go_home() {
        let (csirt, hub) = (TeamIx(0), TeamIx(1));
        let mut sim = with_incidents(region(&["A"], true, 1.0, 5), &[csirt]);
        sim.run_until(2 * 24 * 60);
        let events = sim.events().to_vec();
        let asked = ticks(&events, |e| {
            *e == SimEvent::AssistanceRequested { team: csirt }
        });
        let t = *asked.first().expect("the drowning team asks");
        assert!(
            t < 6 * 60,
            "asked at minute {t}: drowning takes hours, not days"
        );
        let sent = ticks(&events, |e| {
            matches!(e, SimEvent::AssistanceDispatched { .. })
        });
        assert_eq!(sent[0], t, "sent the minute it asked");
        let arrives = t + TRAVEL;
        assert!(events.iter().any(|e| e.event
            == SimEvent::AssistanceDispatched {
                hub,
                team: csirt,
                analysts: 2,
                arrives
            }));
        let arrived = ticks(&events, |e| {
            *e == SimEvent::AssistanceArrived {
                team: csirt,
                analysts: 2,
            }
        });
        let left = ticks(&events, |e| {
            *e == SimEvent::AssistanceLeft {
                team: csirt,
                analysts: 2,
            }
        });
        assert_eq!(arrived.first(), Some(&arrives));
        assert_eq!(left.first(), Some(&(arrives + STAY)));
        // Asked once while help was coming or there.
        assert_eq!(
            asked.iter().filter(|a| **a < arrives + STAY).count(),
            1,
            "{asked:?}"
        );
        // The desks, replayed: one at home, two on the way, three at work, one again.
        let mut sim = with_incidents(region(&["A"], true, 1.0, 5), &[csirt]);
        sim.run_until(t + 1);
        assert_eq!((analysts(&sim, csirt), analysts(&sim, hub)), (1, 3));
        sim.run_until(arrives + 1);
        assert_eq!((analysts(&sim, csirt), analysts(&sim, hub)), (3, 3));
        sim.run_until(arrives + STAY);
        assert_eq!(analysts(&sim, csirt), 3, "still there the minute before");
        sim.run_until(arrives + STAY + 1);
        assert_eq!(analysts(&sim, csirt), 1, "gone home");
    }

    /// Help goes where it is needed: a team with no incident open does not ask however long
    /// its queue (alert noise is not a crisis), nor does a calm team with an incident; nor does
    /// a trainee team by policy, until it asks itself; and with assistance switched off nobody
    /// is sent.
    #[test]
    fn only_a_drowning_team_with_an_incident_open_is_helped() {
        let csirt = TeamIx(0);
        let requests = |sim: &Simulation| {
            sim.events()
                .iter()
                .filter(|e| {
                    matches!(
                        e.event,
                        SimEvent::AssistanceRequested { .. }
                            | SimEvent::AssistanceDispatched { .. }
                    )
                })
                .count()
        };
        let mut noise = with_incidents(region(&["A"], true, 1.0, 5), &[]);
        noise.run_until(24 * 60);
        assert_eq!(requests(&noise), 0, "no incident open");
        let mut calm = with_incidents(region(&["A"], true, 0.04, 5), &[csirt]);
        calm.run_until(24 * 60);
        assert_eq!(requests(&calm), 0, "a calm team");
        // Switched off: the same drowning team gets nobody.
        let mut plan = (*region(&["A"], true, 1.0, 5)).clone();
        plan.assistance.enabled = false;
        let mut off = with_incidents(Arc::new(plan), &[csirt]);
        off.run_until(24 * 60);
        assert_eq!(requests(&off), 0, "assistance off");
        // A trainee team drowning: nothing until it asks, then help is sent that minute.
        let mut trainee = with_incidents(region(&["A"], false, 1.0, 5), &[csirt]);
        trainee.run_until(24 * 60);
        assert_eq!(
            requests(&trainee),
            0,
            "the policy does not ask for trainees"
        );
        trainee.world_mut().resource_mut::<Requests>().0.push(csirt);
        trainee.run_until(24 * 60 + 1);
        let now = 24 * 60;
        assert_eq!(
            trainee
                .events()
                .iter()
                .filter(|e| e.tick == now && !matches!(e.event, SimEvent::AlertRaised { .. }))
                .map(|e| e.event.clone())
                .collect::<Vec<_>>(),
            [
                SimEvent::AssistanceRequested { team: csirt },
                SimEvent::AssistanceDispatched {
                    hub: TeamIx(1),
                    team: csirt,
                    analysts: 2,
                    arrives: now + TRAVEL
                }
            ]
        );
    }

    /// The hub keeps one analyst at home and sends at most the policy's number: a hub of one
    /// can send nobody (the team's request is recorded once and waits), a hub of two sends one.
    #[test]
    fn the_hub_keeps_one_analyst_at_home() {
        let csirt = TeamIx(0);
        let mut alone = with_incidents(region(&["A"], true, 1.0, 1), &[csirt]);
        alone.run_until(24 * 60);
        let events = alone.events();
        let asked = ticks(events, |e| {
            matches!(e, SimEvent::AssistanceRequested { .. })
        });
        assert_eq!(asked.len(), 1, "asked once, not every minute: {asked:?}");
        assert!(
            ticks(events, |e| matches!(
                e,
                SimEvent::AssistanceDispatched { .. }
            ))
            .is_empty()
        );
        assert!(
            alone
                .app
                .world()
                .resource::<WaitingForHelp>()
                .0
                .contains(&csirt)
        );
        let mut two = with_incidents(region(&["A"], true, 1.0, 2), &[csirt]);
        two.run_until(24 * 60);
        assert!(
            two.events()
                .iter()
                .any(|e| matches!(e.event, SimEvent::AssistanceDispatched { analysts: 1, .. }))
        );
        assert!(two.app.world().resource::<WaitingForHelp>().0.is_empty());
    }

    /// A team that asked while the hub had nobody to spare waits, and is served when analysts
    /// come home (`WaitingForHelp`): B's CSIRT asks minutes after A's, A's gets the hub's two
    /// spare analysts, and when they come home B's should be sent them.
    ///
    /// Ignored: it fails. The minute A's helpers go home, A (still drowning, and first in team
    /// order) asks again and is sent the same two analysts before the waiting list is served;
    /// B, waiting since minute 103, is never served in four days (A is sent help at minutes 100,
    /// 2260 and 4420). `mutual_assistance` serves this minute's requests in team order and
    /// appends the waiting teams after them, so a waiting team with a higher index starves while
    /// a lower one keeps drowning. Left for a decision: serve `WaitingForHelp` first (in the
    /// order teams asked), or change the doc comment.
    #[test]
    fn a_waiting_team_is_served_when_analysts_come_home() {
        let (a, b) = (TeamIx(0), TeamIx(1));
        let mut sim = with_incidents(region(&["A", "B"], true, 1.0, 3), &[a, b]);
        sim.run_until(4 * 24 * 60);
        let events = sim.events();
        let sent = |team: TeamIx| {
            ticks(
                events,
                |e| matches!(e, SimEvent::AssistanceDispatched { team: t, .. } if *t == team),
            )
        };
        let (to_a, to_b) = (sent(a), sent(b));
        assert!(!to_a.is_empty());
        assert!(
            sim.app.world().resource::<WaitingForHelp>().0.contains(&b) || !to_b.is_empty(),
            "B asked"
        );
        let home = ticks(
            events,
            |e| matches!(e, SimEvent::AssistanceLeft { team, .. } if *team == a),
        );
        let home = *home.first().expect("A's helpers go home");
        assert_eq!(
            to_b.first(),
            Some(&home),
            "B waited since minute {} and should be served when A's helpers come home at {home}; \
             sent to A at {to_a:?}",
            ticks(events, |e| *e == SimEvent::AssistanceRequested { team: b })
                .first()
                .copied()
                .unwrap_or(0)
        );
    }

    /// Two teams ask in the same minute and the hub can spare one loan: it goes to the team with
    /// ransomware on its hands, though the other asked ahead of it.
    #[test]
    fn the_hub_sends_help_where_ransomware_is_first() {
        let (a, b) = (TeamIx(0), TeamIx(1));
        let plan = region(&["A", "B"], false, 1.0, 3);
        let mut sim = Simulation::build(plan, 1, |app| {
            app.init_resource::<Requests>()
                .add_systems(SimTick, ask.in_set(SimSet::Commands));
        });
        let world = sim.world_mut();
        // Both ask in the same minute, A first.
        world.resource_mut::<Requests>().0.extend([a, b]);
        world.resource_scope(|world, mut incidents: Mut<Incidents>| {
            let mut log = world.resource_mut::<EventLog>();
            incidents.open(&mut log, 0, a, OrgIx(0), CampaignIx(0), DetectedBy::Alert);
            incidents.open(&mut log, 0, b, OrgIx(1), CampaignIx(1), DetectedBy::Alert);
        });
        sim.run_until(12 * 60);
        let first = sim.events().iter().find_map(|e| match e.event {
            SimEvent::AssistanceDispatched { team, .. } => Some(team),
            _ => None,
        });
        assert_eq!(first, Some(b), "the ransomware victim's team first");
    }

    /// A point of contact that watches no organisation drowns in victims' reports (here: a
    /// thousand reports at the start) with an incident open: the policy does not send it the
    /// hub's analysts, who would have no sensors to read and no hosts to scope. The same desk
    /// watching its ministry is helped.
    #[test]
    fn the_hub_sends_nobody_to_a_team_that_watches_nothing() {
        let csirt = TeamIx(0);
        let drowning = |watches: bool| {
            let mut plan = (*region(&["A"], true, 0.0, 5)).clone();
            if !watches {
                plan.orgs[OrgIx(0)].monitored_by = None;
            }
            let mut sim = with_incidents(Arc::new(plan), &[csirt]);
            let entity = sim.app.world().resource::<TeamEntities>().0[csirt];
            let mut desk = sim.world_mut().get_mut::<Desk>(entity).unwrap();
            for id in 0..1000 {
                desk.enqueue(crate::sim::tasks::Alert {
                    id,
                    org: OrgIx(0),
                    host: None,
                    technique: None,
                    campaign: None,
                    raised: 0,
                    certain: true,
                    urgent: false,
                });
            }
            sim.run_until(60);
            sim.events()
                .iter()
                .any(|e| matches!(e.event, SimEvent::AssistanceDispatched { .. }))
        };
        assert!(drowning(true), "a team that watches its ministry is helped");
        assert!(!drowning(false), "a team that watches nothing is not");
    }

    /// Analysts on loan work around the clock, whatever the helped team's shift: the office-hours
    /// team's alerts are triaged at night only when the hub has sent help.
    #[test]
    fn analysts_on_loan_work_nights_for_an_office_hours_team() {
        let csirt = TeamIx(0);
        let night_triage = |help: bool| {
            let mut plan = (*region(&["A"], true, 1.0, 5)).clone();
            plan.teams[csirt].shift = crate::scenario::Shift::OfficeHours;
            plan.assistance.enabled = help;
            let plan = Arc::new(plan);
            let mut sim = with_incidents(plan.clone(), &[csirt]);
            sim.run_until(3 * 24 * 60);
            let region = Region(plan);
            sim.events()
                .iter()
                .filter(|e| matches!(e.event, SimEvent::AlertTriaged { team, .. } if team == csirt))
                .filter(|e| {
                    !crate::sim::desk::on_duty(
                        &region,
                        crate::scenario::Shift::OfficeHours,
                        region.teams[csirt].island,
                        e.tick,
                    )
                })
                .count()
        };
        assert_eq!(night_triage(false), 0, "nobody at the desk at night");
        assert!(night_triage(true) > 50, "the visitors work nights");
    }
}
