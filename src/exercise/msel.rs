//! Running the MSEL: injects fire on time or on a trigger, decision points wait for the
//! addressed team (auto-played teams take the policy's answer), and expectations are checked
//! against events, with contingency injects when one is missed.
//!
//! Everything reacts to this tick's events, after the simulation has had its say (the
//! `Exercise` set runs after `Impact`); effects are commands for the next tick boundary.

use crate::scenario::Plan;
use crate::scenario::ids::{ExpectationIx, InjectIx, OrgIx, TeamIx};
use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::*;

use super::CommandQueue;
use crate::scenario::{CheckPlan, TriggerPlan};
use crate::sim::attack::Intrusions;
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

impl MselState {
    /// Whether a happening has occurred by `now`: a moment once the clock reaches it, an inject
    /// once it fired, a first once seen.
    /// `evicted`: the organisations the attackers are out of now.
    pub fn occurred(&self, now: u64, t: TriggerPlan, evicted: &BTreeSet<OrgIx>) -> bool {
        match t {
            TriggerPlan::At(at) => now >= at,
            TriggerPlan::Inject(i) => self.fired.contains(&i),
            TriggerPlan::Evicted(o) => evicted.contains(&o),
            first => self.seen.contains(&first),
        }
    }

    /// Whether an inject is out of the running: fired, skipped or withdrawn.
    fn done(&self, i: InjectIx) -> bool {
        self.fired.contains(&i) || self.skipped.contains(&i)
    }
}

/// The firsts this tick's events amount to.
fn occurrences(
    region: &Region,
    incidents: &Incidents,
    events: &[SimEvent],
    seen: &BTreeSet<TriggerPlan>,
) -> Vec<TriggerPlan> {
    let island = |org: OrgIx| region.orgs[org].island;
    let mut out = Vec::new();
    for e in events {
        let t = match *e {
            SimEvent::IncidentOpened { org, .. } => TriggerPlan::FirstIncident(island(org)),
            SimEvent::RansomNoteFound { org, .. } => TriggerPlan::RansomNote(island(org)),
            SimEvent::ServiceDown { service } => TriggerPlan::ServiceDown(service),
            SimEvent::CampaignStarted { campaign } => TriggerPlan::CampaignStarted(campaign),
            SimEvent::IntelApplied { island, .. } => TriggerPlan::IntelApplied(island),
            SimEvent::IncidentContained { incident } => match incidents.0.get(incident as usize) {
                Some(i) => TriggerPlan::Contained(island(i.org)),
                None => continue,
            },
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

#[allow(clippy::too_many_arguments)] // a system: each resource it reads is a parameter
fn run_msel(
    clock: Res<Clock>,
    region: Res<Region>,
    incidents: Res<Incidents>,
    intrusions: Res<Intrusions>,
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
    for t in occurrences(&region, &incidents, &events, &state.seen) {
        state.seen.insert(t);
    }
    let evicted: BTreeSet<OrgIx> = plan
        .evictions
        .iter()
        .copied()
        .filter(|o| intrusions.evicted(*o))
        .collect();
    let evicted = &evicted;
    // Fired now by the facilitator's order, whatever their `unless` says.
    let mut ordered = BTreeSet::new();
    // The facilitator's orders and decisions given by command this tick.
    for e in &events {
        match *e {
            SimEvent::InjectOrdered { inject } if !state.skipped.contains(&inject) => {
                state.due.insert((now, inject));
                ordered.insert(inject);
            }
            SimEvent::InjectSkipped { inject } => {
                let was_done = state.done(inject);
                state.skipped.insert(inject);
                state.due.retain(|(_, i)| *i != inject);
                if !was_done {
                    module_progress(plan, &state, &mut log, now, inject);
                }
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
            let already = state.done(i) || state.due.iter().any(|(_, x)| *x == i);
            let occurred = |t| state.occurred(now, t, evicted);
            if !already && !inj.contingency_only && inj.trigger.holds(&occurred) {
                if overtaken(inj, &state, now, evicted) {
                    withdraw(plan, &mut state, &mut log, now, i);
                    continue;
                }
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
            if state.done(i) {
                continue;
            }
            if !ordered.contains(&i) && overtaken(&plan.injects[i], &state, now, evicted) {
                withdraw(plan, &mut state, &mut log, now, i);
                continue;
            }
            let first_of_module = plan.injects[i].module.filter(|m| {
                !plan.modules[*m]
                    .injects
                    .iter()
                    .any(|x| state.fired.contains(x))
            });
            state.fired.insert(i);
            if let Some(module) = first_of_module {
                log.push(now, SimEvent::ModuleStarted { module });
            }
            fire(plan, &mut state, &mut queue, &mut log, now, i);
            module_progress(plan, &state, &mut log, now, i);
        }
    }
    check_expectations(
        plan, &incidents, &mut state, &mut log, now, &events, evicted,
    );
}

/// Whether an inject's storyline has been overtaken (its `unless` has happened).
fn overtaken(
    inj: &crate::scenario::InjectPlan,
    state: &MselState,
    now: u64,
    evicted: &BTreeSet<OrgIx>,
) -> bool {
    inj.unless
        .as_ref()
        .is_some_and(|u| u.holds(&|t| state.occurred(now, t, evicted)))
}

/// Drops an inject whose storyline the simulation overtook.
fn withdraw(plan: &Plan, state: &mut MselState, log: &mut EventLog, now: u64, i: InjectIx) {
    state.skipped.insert(i);
    state.due.retain(|(_, x)| *x != i);
    log.push(now, SimEvent::InjectWithdrawn { inject: i });
    module_progress(plan, state, log, now, i);
}

/// After inject `i` fired or was taken out: its module ends when that was the last of its
/// scripted injects still to come (and the room saw at least one of them).
fn module_progress(plan: &Plan, state: &MselState, log: &mut EventLog, now: u64, i: InjectIx) {
    let Some(m) = plan.injects[i].module else {
        return;
    };
    let module = &plan.modules[m];
    if module.scripted.contains(&i)
        && module.scripted.iter().all(|x| state.done(*x))
        && module.injects.iter().any(|x| state.fired.contains(x))
    {
        log.push(now, SimEvent::ModuleEnded { module: m });
    }
}

fn fire(
    plan: &Plan,
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
    plan: &Plan,
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
    plan: &Plan,
    incidents: &Incidents,
    state: &mut MselState,
    log: &mut EventLog,
    now: u64,
    events: &[SimEvent],
    evicted: &BTreeSet<OrgIx>,
) {
    for (k, e) in plan.expectations.iter().enumerate() {
        let k32 = ExpectationIx::from(k);
        if state.settled.contains(&k32) {
            continue;
        }
        if state.started[k].is_none() && e.after.holds(&|t| state.occurred(now, t, evicted)) {
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

#[cfg(test)]
mod tests {
    use crate::exercise::session::Session;
    use crate::scenario::Command;
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::events::SimEvent;

    /// Runs a tiny one-island region with `msel` (and more top-level fields) to `until` minutes,
    /// with the facilitator's commands; the MSEL's events as text, e.g. `60 fired I01`.
    fn play(region: TinyRegion, until: u64, commands: &[(u64, Command)]) -> Vec<String> {
        let plan = region.plan();
        let mut session = Session::new(plan.clone(), 1);
        session.add_commands(commands.iter().cloned());
        session.run_until(until).unwrap();
        let id = |i: crate::scenario::ids::InjectIx| plan.scenario.msel[i].id.clone();
        session
            .sim
            .events()
            .iter()
            .filter_map(|e| {
                let what = match e.event {
                    SimEvent::InjectFired { inject } => format!("fired {}", id(inject)),
                    SimEvent::InjectWithdrawn { inject } => format!("withdrawn {}", id(inject)),
                    SimEvent::ModuleStarted { module } => {
                        format!("start {}", plan.scenario.modules[module].id)
                    }
                    SimEvent::ModuleEnded { module } => {
                        format!("end {}", plan.scenario.modules[module].id)
                    }
                    _ => return None,
                };
                Some(format!("{} {what}", e.tick))
            })
            .collect()
    }

    fn talk(id: &str, module: &str, trigger: &str) -> String {
        format!(
            "Inject(id: \"{id}\", module: {module}, trigger: {trigger}, kind: Narrative, \
             channel: Email, title: \"{id}\")"
        )
    }

    fn tabletop(injects: &[String], modules: &str) -> TinyRegion {
        TinyRegion::new()
            .island("A", false, false)
            .duration("1d")
            .field(&format!("modules: [{modules}]"))
            .field(&format!("msel: [{}]", injects.join(", ")))
    }

    #[test]
    fn any_of_fires_at_the_first_and_all_of_waits_for_the_last() {
        let region = tabletop(
            &[
                talk("X", "None", r#"At("D1 09:00")"#),
                talk("Y", "None", r#"At("D1 11:00")"#),
                talk("ANY", "None", r#"AnyOf([At("D1 12:00"), Inject("X")])"#),
                talk("ALL", "None", r#"AllOf([Inject("X"), Inject("Y")])"#),
            ],
            "",
        );
        assert_eq!(
            play(region, 13 * 60, &[]),
            ["60 fired X", "60 fired ANY", "180 fired Y", "180 fired ALL"]
        );
    }

    #[test]
    fn a_manual_inject_fires_only_when_the_facilitator_says() {
        let region = tabletop(&[talk("H", "None", "Manual")], "");
        assert!(play(region.clone(), 600, &[]).is_empty());
        let fire = [(300, Command::FireInject("H".into()))];
        assert_eq!(play(region, 600, &fire), ["300 fired H"]);
    }

    /// The pinned step: encryption at a set time, unless the crew was already thrown out. With
    /// a CSIRT that isolates everything the crew is out by 10:00; without one it is not.
    #[test]
    fn a_storyline_step_is_withdrawn_once_the_simulation_overtook_it() {
        let pinned = r#"Inject(id: "P", trigger: At("D2 10:00"), unless: Some(Evicted("gov")),
            kind: Technical, channel: Media, title: "Encrypted",
            effects: [ForceStep(campaign: "c", org: "gov", through: Some("T1486"))])"#;
        let region = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 20, 1.0, 0.5)
            .campaign(
                "c",
                "D1 09:00",
                r#"Organisation("gov")"#,
                &["T1078", "T1486"],
            )
            .duration("2d")
            .field(&format!("msel: [{pinned}]"));
        // The crew gets in with valid accounts and is still inside at the pinned time.
        let free = play(region.clone(), 2 * 24 * 60, &[]);
        assert_eq!(free, [format!("{} fired P", 26 * 60)]);
        // Stopped at noon on the first day: the step is dropped, not fired.
        let halt = [(
            4 * 60,
            Command::HaltIntrusion {
                campaign: "c".into(),
                org: "gov".into(),
            },
        )];
        assert_eq!(
            play(region, 2 * 24 * 60, &halt),
            [format!("{} withdrawn P", 26 * 60)]
        );
    }

    #[test]
    fn a_module_starts_with_its_first_inject_and_ends_with_its_last_scripted_one() {
        let region = tabletop(
            &[
                talk("A1", r#"Some("M1")"#, r#"At("D1 09:00")"#),
                talk("A2", r#"Some("M1")"#, r#"At("D1 10:00")"#),
                // By hand, so the module does not wait for it.
                talk("A3", r#"Some("M1")"#, "Manual"),
                talk("B1", r#"Some("M2")"#, r#"At("D1 12:00")"#),
                talk("B2", r#"Some("M2")"#, r#"At("D1 13:00")"#),
            ],
            r#"Module(id: "M1", title: "One", pause: true), Module(id: "M2", title: "Two")"#,
        );
        // B2 taken out: M2 ends with B1.
        let skip = [(30, Command::SkipInject("B2".into()))];
        assert_eq!(
            play(region, 14 * 60, &skip),
            [
                "60 start M1",
                "60 fired A1",
                "120 fired A2",
                "120 end M1",
                "240 start M2",
                "240 fired B1",
                "240 end M2",
            ]
        );
    }
}
