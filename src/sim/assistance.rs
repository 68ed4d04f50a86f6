//! Mutual assistance: analysts the regional hub lends to a team that is drowning, who travel,
//! work that team's list for a while and go home. The policy asks for help on behalf of
//! auto-played teams; trainees ask with a command.

use crate::scenario::ids::TeamIx;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::digest::{DigestAppExt, hash_of};

use super::desk::{Desk, TeamEntities};
use super::events::{EventLog, SimEvent};
use super::incidents::Incidents;
use super::{Clock, Region, SimSet, SimTick, StableId};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Deployments>()
        .init_resource::<WaitingForHelp>()
        // Deployments are in the "intel" part with the rest of the cooperation state.
        .digest_part(45, "assistance", |world| {
            hash_of(world.resource::<WaitingForHelp>())
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

/// Teams that asked while the hub had nobody to spare: they asked once, and are served when
/// analysts come home.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct WaitingForHelp(pub std::collections::BTreeSet<TeamIx>);

/// Team desks by team index.
#[derive(SystemParam)]
pub(super) struct Desks<'w, 's> {
    teams: Res<'w, TeamEntities>,
    desks: Query<'w, 's, (&'static StableId, &'static mut Desk)>,
}

impl Desks<'_, '_> {
    fn of(&mut self, team: TeamIx) -> Option<Mut<'_, Desk>> {
        self.desks.get_mut(self.teams.0[team]).ok().map(|(_, d)| d)
    }
}

/// A team with an open incident and more queued work than its analysts can clear asks the hub
/// for help; the hub sends analysts it can spare, who arrive after travelling and stay a while.
pub(super) fn mutual_assistance(
    clock: Res<Clock>,
    region: Res<Region>,
    incidents: Res<Incidents>,
    mut desks: Desks,
    mut deployments: ResMut<Deployments>,
    mut waiting: ResMut<WaitingForHelp>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let Some(hub) = region.hub else { return };
    comings_and_goings(now, hub, &mut desks, &mut deployments, &mut log);
    if !region.assistance.enabled {
        return;
    }
    let mut asks = requests(now, hub, &region, &incidents, &desks, &deployments, &log);
    for &t in &waiting.0 {
        if !asks.iter().any(|(r, _)| *r == t) {
            asks.push((t, false));
        }
    }
    for (t, announce) in asks {
        if t == hub || deployments.0.iter().any(|x| x.to == t && x.leaves > now) {
            continue;
        }
        if announce && waiting.0.insert(t) {
            log.push(now, SimEvent::AssistanceRequested { team: t });
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
        waiting.0.remove(&t);
        let arrives = now + policy.travel.0;
        deployments.0.push(Deployment {
            to: t,
            analysts: spare,
            arrives,
            leaves: arrives + policy.stay.0.max(1),
            arrived: false,
        });
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
                desk.add_analysts(d.analysts);
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
                desk.remove_analysts(d.analysts);
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

/// This minute's requests, in order: those teams made themselves (a command, already in the
/// log), then the policy's for auto-played teams that are drowning, in team order. `true`
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
    // Desks in team order (the index order `TeamEntities` keeps), without sorting each tick.
    for (k, &entity) in desks.teams.0.iter().enumerate() {
        let t = TeamIx::from(k);
        let plan = &region.teams[t];
        if t == hub
            || !plan.auto
            || !open[k]
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
