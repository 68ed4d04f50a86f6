//! Running the MSEL: injects fire on time or on a trigger, decision points wait for the
//! addressed team (auto-played teams take the policy's answer), and expectations are checked
//! against events, with contingency injects when one is missed.
//!
//! Everything reacts to this tick's events, after the simulation has had its say (the
//! `Exercise` set runs after `Impact`); effects are commands for the next tick boundary.

use crate::scenario::ids::{ExpectationIx, InjectIx, OrgIx, TeamIx};
use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::*;

use super::CommandQueue;
use crate::scenario::{CheckPlan, TriggerPlan};
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::incidents::Incidents;
use crate::sim::{Clock, Region, SimSet, SimTick};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<MselState>()
        .add_systems(SimTick, run_msel.in_set(SimSet::Exercise));
}

/// Where each inject and expectation stands.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct MselState {
    pub fired: BTreeSet<InjectIx>,
    /// (tick, inject) waiting for their delay.
    pub due: BTreeSet<(u64, InjectIx)>,
    /// (tick, inject) decisions auto-played teams will take.
    pub auto_decisions: BTreeSet<(u64, InjectIx)>,
    pub decided: BTreeSet<InjectIx>,
    /// Per expectation: the tick its clock started.
    pub started: Vec<Option<u64>>,
    pub settled: BTreeSet<ExpectationIx>,
    /// Triggers that have already happened once (firsts only count once).
    seen: BTreeSet<TriggerPlan>,
    /// Injects the facilitator took out: they never fire.
    pub skipped: BTreeSet<InjectIx>,
    /// Minutes the facilitator put injects back by, for those not yet triggered.
    pub delays: BTreeMap<InjectIx, u64>,
    /// Live injects sent so far (`live-1` first): to whom, their options, whether decided.
    pub live: Vec<LiveState>,
}

/// A live inject as the exercise tracks it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LiveState {
    pub to: Vec<TeamIx>,
    pub inject: crate::scenario::LiveInject,
    pub decided: bool,
}

impl MselState {
    /// Records a live inject as sent; its number (`live-1` first).
    pub fn send_live(&mut self, to: &[TeamIx], inject: &crate::scenario::LiveInject) -> u32 {
        self.live.push(LiveState {
            to: to.to_vec(),
            inject: inject.clone(),
            decided: false,
        });
        self.live.len() as u32
    }

    /// Takes the decision on live inject `number` if it is open to `team`: the option's
    /// position and label, or why not.
    pub fn decide_live(
        &mut self,
        number: u32,
        team: TeamIx,
        option: &str,
    ) -> Result<(u32, String), String> {
        let live = crate::scenario::live_index(number)
            .and_then(|k| self.live.get_mut(k))
            .ok_or("it has not been sent")?;
        if live.inject.options.is_empty() {
            return Err("it offers nothing to decide".into());
        }
        if live.decided {
            return Err("it was already taken".into());
        }
        if !live.to.contains(&team) {
            return Err("it was not put to that team".into());
        }
        let k = live.inject.option(option).ok_or_else(|| {
            format!(
                "`{option}` is not one of its options ({})",
                live.inject.options.join(", ")
            )
        })?;
        live.decided = true;
        Ok((k, live.inject.options[k as usize].clone()))
    }
}

/// The triggers this tick's events amount to.
fn occurrences(
    region: &Region,
    events: &[SimEvent],
    now: u64,
    seen: &BTreeSet<TriggerPlan>,
) -> Vec<TriggerPlan> {
    let island = |org: OrgIx| region.orgs[org].island;
    let mut out = vec![TriggerPlan::At(now)];
    for e in events {
        let t = match *e {
            SimEvent::IncidentOpened { org, .. } => TriggerPlan::FirstIncident(island(org)),
            SimEvent::RansomNoteFound { org, .. } => TriggerPlan::RansomNote(island(org)),
            SimEvent::ServiceDown { service } => TriggerPlan::ServiceDown(service),
            SimEvent::CampaignStarted { campaign } => TriggerPlan::CampaignStarted(campaign),
            SimEvent::IntelApplied { island, .. } => TriggerPlan::IntelApplied(island),
            _ => continue,
        };
        if !seen.contains(&t) && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Whether an event is what the expectation waits for.
fn satisfies(check: CheckPlan, team: TeamIx, e: &SimEvent, incidents: &Incidents) -> bool {
    match (check, e) {
        (CheckPlan::IncidentOpened, SimEvent::IncidentOpened { team: t, .. }) => *t == team,
        (CheckPlan::IncidentContained, SimEvent::IncidentContained { incident }) => incidents
            .0
            .get(*incident as usize)
            .is_some_and(|i| i.team == team),
        // A wider marking (CLEAR is wider than GREEN) satisfies a narrower requirement.
        (CheckPlan::IntelShared(wanted), SimEvent::IntelProduced { team: t, tlp, .. }) => {
            *t == team && *tlp <= wanted
        }
        (CheckPlan::IntelApplied, SimEvent::IntelApplied { team: Some(t), .. }) => *t == team,
        (CheckPlan::Isolates, SimEvent::OrganisationIsolated { team: t, .. }) => *t == team,
        (CheckPlan::AssistanceRequested, SimEvent::AssistanceRequested { team: t }) => *t == team,
        (
            CheckPlan::Decides(i),
            SimEvent::DecisionTaken {
                team: t, inject, ..
            },
        ) => *t == team && *inject == i,
        _ => false,
    }
}

fn run_msel(
    clock: Res<Clock>,
    region: Res<Region>,
    incidents: Res<Incidents>,
    mut state: ResMut<MselState>,
    mut queue: ResMut<CommandQueue>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let plan = &region.0;
    if plan.injects.is_empty() && plan.expectations.is_empty() {
        return;
    }
    if state.started.len() != plan.expectations.len() {
        state.started = vec![None; plan.expectations.len()];
    }
    let mut events: Vec<SimEvent> = log.this_tick().iter().map(|e| e.event.clone()).collect();
    let mut happened = occurrences(&region, &events, now, &state.seen);
    for t in &happened {
        if !matches!(t, TriggerPlan::At(_)) {
            state.seen.insert(*t);
        }
    }
    // The facilitator's orders and decisions given by command this tick.
    for e in &events {
        match *e {
            SimEvent::InjectOrdered { inject } if !state.skipped.contains(&inject) => {
                state.due.insert((now, inject));
            }
            SimEvent::InjectSkipped { inject } => {
                state.skipped.insert(inject);
                state.due.retain(|(_, i)| *i != inject);
            }
            SimEvent::InjectDelayed { inject, minutes } => {
                let due: Vec<(u64, InjectIx)> = state
                    .due
                    .iter()
                    .filter(|(_, i)| *i == inject)
                    .copied()
                    .collect();
                if due.is_empty() {
                    *state.delays.entry(inject).or_default() += minutes;
                }
                for (t, i) in due {
                    state.due.remove(&(t, i));
                    state.due.insert((t + minutes, i));
                    log.push(
                        now,
                        SimEvent::InjectScheduled {
                            inject: i,
                            at: t + minutes,
                        },
                    );
                }
            }
            // Already fired or skipped: nothing to move. Otherwise it fires then, whatever its
            // trigger does meanwhile (a moment already past: at once).
            SimEvent::InjectRescheduled { inject, at }
                if !state.fired.contains(&inject) && !state.skipped.contains(&inject) =>
            {
                state.due.retain(|(_, i)| *i != inject);
                state.delays.remove(&inject);
                state.due.insert((at.max(now), inject));
            }
            SimEvent::DecisionTaken { inject, option, .. } => {
                take_decision(plan, &mut state, &mut queue, now, inject, option)
            }
            _ => {}
        }
    }
    // Decisions auto-played teams take now.
    let ready: Vec<(u64, InjectIx)> = state
        .auto_decisions
        .range(..=(now, InjectIx(u32::MAX)))
        .copied()
        .collect();
    for (t, inject) in ready {
        state.auto_decisions.remove(&(t, inject));
        if state.decided.contains(&inject) {
            continue;
        }
        let d = plan.injects[inject]
            .decision
            .expect("scheduled only for decisions");
        let team = d.decider;
        let event = SimEvent::DecisionTaken {
            team,
            inject,
            option: d.default,
        };
        log.push(now, event.clone());
        events.push(event);
        take_decision(plan, &mut state, &mut queue, now, inject, d.default);
    }
    // Injects: schedule those whose trigger happened, then fire what is due, following chains
    // of injects triggered by injects within the same tick.
    loop {
        for (i, inj) in plan.injects.iter().enumerate() {
            let i = InjectIx::from(i);
            let already = state.fired.contains(&i)
                || state.skipped.contains(&i)
                || state.due.iter().any(|(_, x)| *x == i);
            if !already && !inj.contingency_only && happened.contains(&inj.trigger) {
                let put_back = state.delays.get(&i).copied().unwrap_or(0);
                let at = now + inj.delay + put_back;
                state.due.insert((at, i));
                // Known ahead only when it fires later than now (the timeline shows it).
                if at > now {
                    log.push(now, SimEvent::InjectScheduled { inject: i, at });
                }
            }
        }
        let firing: Vec<(u64, InjectIx)> = state
            .due
            .range(..=(now, InjectIx(u32::MAX)))
            .copied()
            .collect();
        if firing.is_empty() {
            break;
        }
        for (t, i) in firing {
            state.due.remove(&(t, i));
            if !state.fired.insert(i) {
                continue;
            }
            fire(plan, &mut state, &mut queue, &mut log, now, i);
            happened.push(TriggerPlan::Inject(i));
        }
    }
    check_expectations(
        plan, &incidents, &mut state, &mut log, now, &events, &happened,
    );
}

fn fire(
    plan: &crate::scenario::Plan,
    state: &mut MselState,
    queue: &mut CommandQueue,
    log: &mut EventLog,
    now: u64,
    i: InjectIx,
) {
    log.push(now, SimEvent::InjectFired { inject: i });
    let inj = &plan.injects[i];
    for action in &inj.effects {
        queue.schedule(now + 1, action.clone());
    }
    if let Some(d) = inj.decision {
        // Trainees decide with a Decide command; the policy answers for auto-played teams.
        let auto = plan.teams[d.decider].auto;
        if auto {
            state.auto_decisions.insert((now + d.takes, i));
        } else if let Some(limit) = d.answer_within {
            // Trainees who have not answered by then: the room moves on with the default.
            state.auto_decisions.insert((now + limit, i));
        }
    }
}

fn take_decision(
    plan: &crate::scenario::Plan,
    state: &mut MselState,
    queue: &mut CommandQueue,
    now: u64,
    inject: InjectIx,
    option: u32,
) {
    if !state.decided.insert(inject) {
        return;
    }
    let effects = plan.injects[inject].option_effects.get(option as usize);
    for action in effects.into_iter().flatten() {
        queue.schedule(now + 1, action.clone());
    }
}

fn check_expectations(
    plan: &crate::scenario::Plan,
    incidents: &Incidents,
    state: &mut MselState,
    log: &mut EventLog,
    now: u64,
    events: &[SimEvent],
    happened: &[TriggerPlan],
) {
    for (k, e) in plan.expectations.iter().enumerate() {
        let k32 = ExpectationIx::from(k);
        if state.settled.contains(&k32) {
            continue;
        }
        if state.started[k].is_none() && happened.contains(&e.after) {
            state.started[k] = Some(now);
        }
        let Some(start) = state.started[k] else {
            continue;
        };
        let validated = events.iter().find_map(|ev| match ev {
            SimEvent::ExpectationValidated {
                expectation, met, ..
            } if *expectation == k32 => Some(*met),
            _ => None,
        });
        if validated.is_some() {
            // The facilitator's word settles it either way (the event is already in the log).
            state.settled.insert(k32);
            continue;
        }
        if e.check != CheckPlan::Facilitator
            && events
                .iter()
                .any(|ev| satisfies(e.check, e.team, ev, incidents))
        {
            state.settled.insert(k32);
            log.push(now, SimEvent::ExpectationMet { expectation: k32 });
            continue;
        }
        if e.check != CheckPlan::Facilitator && now >= start + e.within {
            state.settled.insert(k32);
            log.push(now, SimEvent::ExpectationMissed { expectation: k32 });
            if let Some(c) = e.contingency
                && !state.fired.contains(&c)
            {
                state.due.insert((now + 1, c));
            }
        }
    }
}
