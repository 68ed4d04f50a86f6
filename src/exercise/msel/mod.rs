//! Running the MSEL: injects fire on time or on a trigger, decision points wait for the
//! addressed team (auto-played teams take the policy's answer), and expectations are checked
//! against events, with contingency injects when one is missed.
//!
//! Everything reacts to this tick's events, after the simulation has had its say (the
//! `Exercise` set runs after `Impact`); effects are commands for the next tick boundary.

mod expectations;

use std::collections::{BTreeMap, BTreeSet};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::CommandQueue;
use crate::scenario::ids::{ExpectationIx, InjectIx, OrgIx, TeamIx};
use crate::scenario::{Plan, Subject, TriggerPlan, WhenPlan};
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
    /// The one of `to` that decides.
    pub decider: TeamIx,
    pub inject: crate::scenario::LiveInject,
    pub decided: bool,
}

impl MselState {
    /// Records a live inject as sent; its number (`live-1` first).
    pub fn send_live(&mut self, to: &[TeamIx], inject: &crate::scenario::LiveInject) -> u32 {
        let decider = inject
            .to
            .iter()
            .position(|t| t == inject.decider())
            .and_then(|k| to.get(k))
            .or(to.first())
            .copied()
            .unwrap_or_default();
        self.live.push(LiveState {
            decider,
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
        if live.decider != team {
            return Err(format!("it is for {} to decide", live.inject.decider()));
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

/// The firsts this tick's events amount to, among those the script waits for (`wanted`): a
/// first nobody waits for is not kept.
fn occurrences(
    region: &Region,
    incidents: &Incidents,
    events: &[SimEvent],
    (seen, wanted): (&BTreeSet<TriggerPlan>, &BTreeSet<TriggerPlan>),
) -> Vec<TriggerPlan> {
    let island = |org: OrgIx| region.orgs[org].island;
    let mut out = Vec::new();
    let mut first = |t: TriggerPlan| {
        if wanted.contains(&t) && !seen.contains(&t) && !out.contains(&t) {
            out.push(t);
        }
    };
    for e in events {
        match *e {
            SimEvent::IncidentOpened {
                org,
                team,
                campaign,
                ..
            } => {
                first(TriggerPlan::FirstIncident(island(org)));
                for about in Subject::of(island(org), org, campaign) {
                    first(TriggerPlan::IncidentOpened(team, about));
                }
            }
            SimEvent::RansomNoteFound { org, campaign } => {
                for at in Subject::of(island(org), org, campaign) {
                    first(TriggerPlan::RansomNote(at));
                }
            }
            SimEvent::ServiceDown { service } => first(TriggerPlan::ServiceDown(service)),
            SimEvent::CampaignStarted { campaign } => first(TriggerPlan::CampaignStarted(campaign)),
            SimEvent::IntelApplied { island, .. } => first(TriggerPlan::IntelApplied(island)),
            SimEvent::IncidentContained { incident } => {
                if let Some(i) = incidents.0.get(incident as usize) {
                    for about in Subject::of(island(i.org), i.org, i.campaign) {
                        first(TriggerPlan::Contained(about));
                    }
                }
            }
            SimEvent::HostCompromised { org, campaign, .. } => {
                first(TriggerPlan::Compromised(Subject::Org(org)));
                first(TriggerPlan::Compromised(Subject::Campaign(campaign)));
            }
            SimEvent::DataExfiltrated { org, campaign, .. } => {
                first(TriggerPlan::DataStolen(Subject::Org(org)));
                first(TriggerPlan::DataStolen(Subject::Campaign(campaign)));
            }
            SimEvent::HostsEncrypted { org, campaign, .. } => {
                first(TriggerPlan::Encrypted(Subject::Org(org)));
                first(TriggerPlan::Encrypted(Subject::Campaign(campaign)));
            }
            _ => {}
        }
    }
    out
}

/// What the MSEL reads of the exercise: the clock, the plan, the incidents (whose, where) and
/// the intrusions (which organisations the attackers are out of).
#[derive(SystemParam)]
struct Situation<'w> {
    clock: Res<'w, Clock>,
    region: Res<'w, Region>,
    incidents: Res<'w, Incidents>,
    intrusions: Res<'w, Intrusions>,
}

/// What exercise control writes: where each inject and expectation stands, the commands that
/// injects and decisions give for the next tick, and the record.
#[derive(SystemParam)]
struct ExerciseControl<'w> {
    state: ResMut<'w, MselState>,
    queue: ResMut<'w, CommandQueue>,
    log: ResMut<'w, EventLog>,
}

/// The minute being run: the plan, the clock, and the organisations the attackers are out of.
struct Minute<'a> {
    plan: &'a Plan,
    now: u64,
    evicted: BTreeSet<OrgIx>,
}

impl Minute<'_> {
    /// Whether a trigger (or an `unless`) holds now.
    fn holds(&self, state: &MselState, trigger: &WhenPlan) -> bool {
        trigger.holds(&|t| state.occurred(self.now, t, &self.evicted))
    }
}

fn run_msel(situation: Situation, mut control: ExerciseControl) {
    let plan = &**situation.region;
    if plan.injects.is_empty() && plan.expectations.is_empty() {
        return;
    }
    let state = &mut control.state;
    if state.started.len() != plan.expectations.len() {
        state.started = vec![None; plan.expectations.len()];
    }
    let mut events: Vec<SimEvent> = control
        .log
        .this_tick()
        .iter()
        .map(|e| e.event.clone())
        .collect();
    for t in occurrences(
        &situation.region,
        &situation.incidents,
        &events,
        (&state.seen, &plan.awaited),
    ) {
        state.seen.insert(t);
    }
    let minute = Minute {
        plan,
        now: situation.clock.now,
        evicted: (plan.evictions.iter().copied())
            .filter(|o| situation.intrusions.evicted(*o))
            .collect(),
    };
    let ordered = control.take_orders(&minute, &events);
    control.auto_decide(&minute, &mut events);
    control.fire_due(&minute, &ordered);
    control.check_expectations(&minute, &situation.incidents, &events);
}

impl ExerciseControl<'_> {
    /// The facilitator's orders and decisions given by command this tick; returns the injects
    /// ordered fired now, whatever their `unless` says.
    fn take_orders(&mut self, m: &Minute, events: &[SimEvent]) -> BTreeSet<InjectIx> {
        let now = m.now;
        let mut ordered = BTreeSet::new();
        for e in events {
            match *e {
                SimEvent::InjectOrdered { inject } if !self.state.skipped.contains(&inject) => {
                    self.state.due.insert((now, inject));
                    ordered.insert(inject);
                }
                SimEvent::InjectSkipped { inject } => {
                    let was_done = self.state.done(inject);
                    self.state.skipped.insert(inject);
                    self.state.due.retain(|(_, i)| *i != inject);
                    if !was_done {
                        self.module_progress(m, inject);
                    }
                }
                SimEvent::InjectDelayed { inject, minutes } => self.delay(now, inject, minutes),
                // Already fired or skipped: nothing to move. Otherwise it fires then, whatever
                // its trigger does meanwhile (a moment already past: at once).
                SimEvent::InjectRescheduled { inject, at } if !self.state.done(inject) => {
                    self.state.due.retain(|(_, i)| *i != inject);
                    self.state.delays.remove(&inject);
                    self.state.due.insert((at.max(now), inject));
                }
                SimEvent::DecisionTaken { inject, option, .. } => {
                    self.take_decision(m, inject, option)
                }
                _ => {}
            }
        }
        ordered
    }

    /// Puts an inject back: when due, it is due later; when not yet triggered, it will be.
    fn delay(&mut self, now: u64, inject: InjectIx, minutes: u64) {
        let due: Vec<(u64, InjectIx)> = (self.state.due.iter())
            .filter(|(_, i)| *i == inject)
            .copied()
            .collect();
        if due.is_empty() {
            *self.state.delays.entry(inject).or_default() += minutes;
        }
        for (t, i) in due {
            self.state.due.remove(&(t, i));
            self.state.due.insert((t + minutes, i));
            let at = t + minutes;
            self.log
                .push(now, SimEvent::InjectScheduled { inject: i, at });
        }
    }

    /// Decisions auto-played teams take now (and trainees' unanswered ones, by default); each
    /// joins this tick's events, for the expectations.
    fn auto_decide(&mut self, m: &Minute, events: &mut Vec<SimEvent>) {
        let ready: Vec<(u64, InjectIx)> = (self.state.auto_decisions)
            .range(..=(m.now, InjectIx(u32::MAX)))
            .copied()
            .collect();
        for (t, inject) in ready {
            self.state.auto_decisions.remove(&(t, inject));
            if self.state.decided.contains(&inject) {
                continue;
            }
            let d = m.plan.injects[inject]
                .decision
                .expect("scheduled only for decisions");
            let event = SimEvent::DecisionTaken {
                team: d.decider,
                inject,
                option: d.default,
            };
            self.log.push(m.now, event.clone());
            events.push(event);
            self.take_decision(m, inject, d.default);
        }
    }

    /// Schedules the injects whose trigger happened, then fires what is due, following chains
    /// of injects triggered by injects within the same tick.
    fn fire_due(&mut self, m: &Minute, ordered: &BTreeSet<InjectIx>) {
        loop {
            self.schedule_triggered(m);
            let firing: Vec<(u64, InjectIx)> = (self.state.due)
                .range(..=(m.now, InjectIx(u32::MAX)))
                .copied()
                .collect();
            if firing.is_empty() {
                break;
            }
            for (t, i) in firing {
                self.state.due.remove(&(t, i));
                if self.state.done(i) {
                    continue;
                }
                if !ordered.contains(&i) && !still_true(m, &m.plan.injects[i], &self.state) {
                    self.withdraw(m, i);
                    continue;
                }
                self.fire(m, i);
            }
        }
    }

    /// Each inject not yet in the running whose trigger holds: due after its delay (and the
    /// facilitator's), or withdrawn if its storyline was overtaken.
    fn schedule_triggered(&mut self, m: &Minute) {
        for (i, inj) in m.plan.injects.iter().enumerate() {
            let i = InjectIx::from(i);
            let already = self.state.done(i) || self.state.due.iter().any(|(_, x)| *x == i);
            if already || inj.contingency_only || !m.holds(&self.state, &inj.trigger) {
                continue;
            }
            if overtaken(m, inj, &self.state) {
                self.withdraw(m, i);
                continue;
            }
            let put_back = self.state.delays.get(&i).copied().unwrap_or(0);
            let at = m.now + inj.delay + put_back;
            self.state.due.insert((at, i));
            // Known ahead only when it fires later than now (the timeline shows it).
            if at > m.now {
                self.log
                    .push(m.now, SimEvent::InjectScheduled { inject: i, at });
            }
        }
    }

    /// Drops an inject whose storyline the simulation overtook.
    fn withdraw(&mut self, m: &Minute, i: InjectIx) {
        self.state.skipped.insert(i);
        self.state.due.retain(|(_, x)| *x != i);
        self.log
            .push(m.now, SimEvent::InjectWithdrawn { inject: i });
        self.module_progress(m, i);
    }

    /// After inject `i` fired or was taken out: its module ends when that was the last of its
    /// scripted injects still to come (and the room saw at least one of them).
    fn module_progress(&mut self, m: &Minute, i: InjectIx) {
        let Some(module) = m.plan.injects[i].module else {
            return;
        };
        let scripted = &m.plan.modules[module];
        if scripted.scripted.contains(&i)
            && scripted.scripted.iter().all(|x| self.state.done(*x))
            && scripted
                .injects
                .iter()
                .any(|x| self.state.fired.contains(x))
        {
            self.log.push(m.now, SimEvent::ModuleEnded { module });
        }
    }

    /// Fires inject `i`: its module starts with its first, its effects are commands for the
    /// next tick, and a decision waits for its team (or the policy, or the time limit).
    fn fire(&mut self, m: &Minute, i: InjectIx) {
        let (plan, now) = (m.plan, m.now);
        let inj = &plan.injects[i];
        let first_of_module = inj.module.filter(|module| {
            !(plan.modules[*module].injects.iter()).any(|x| self.state.fired.contains(x))
        });
        self.state.fired.insert(i);
        if let Some(module) = first_of_module {
            self.log.push(now, SimEvent::ModuleStarted { module });
        }
        self.log.push(now, SimEvent::InjectFired { inject: i });
        for action in &inj.effects {
            self.queue.schedule(now + 1, action.clone());
        }
        if let Some(d) = inj.decision {
            // Trainees decide with a Decide command; the policy answers for auto-played teams.
            if plan.teams[d.decider].auto {
                self.state.auto_decisions.insert((now + d.takes, i));
            } else if let Some(limit) = d.answer_within {
                // Trainees who have not answered by then: the room moves on with the default.
                self.state.auto_decisions.insert((now + limit, i));
            }
        }
        self.module_progress(m, i);
    }

    fn take_decision(&mut self, m: &Minute, inject: InjectIx, option: u32) {
        if !self.state.decided.insert(inject) {
            return;
        }
        let effects = m.plan.injects[inject].option_effects.get(option as usize);
        for action in effects.into_iter().flatten() {
            self.queue.schedule(m.now + 1, action.clone());
        }
    }
}

/// Whether an inject's storyline has been overtaken (its `unless` has happened).
fn overtaken(m: &Minute, inj: &crate::scenario::InjectPlan, state: &MselState) -> bool {
    inj.unless.as_ref().is_some_and(|u| m.holds(state, u))
}

/// Whether what an inject narrates holds as it comes due: not overtaken, and the fact its
/// `only_if` names has happened.
fn still_true(m: &Minute, inj: &crate::scenario::InjectPlan, state: &MselState) -> bool {
    !overtaken(m, inj, state) && inj.only_if.as_ref().is_none_or(|w| m.holds(state, w))
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
            .field(&format!("msel: [{pinned}]"))
            // Slow restores: what the crew encrypts on its own stays down, its foothold with it.
            .field(r#"defaults: Defaults(restore_offline: "20d")"#);
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

    /// Two organisations on one island, each its own campaign's target (valid accounts, then
    /// exfiltration and encryption), watched by a CSIRT around the clock, with `msel` and more.
    fn two_victims(fields: &[&str]) -> TinyRegion {
        let mut region = TinyRegion::new()
            .island("A", true, false)
            .org("gov", "A", 20, 1.0, 0.5)
            .org("shop", "A", 20, 1.0, 0.5)
            .campaign(
                "c1",
                "D1 09:00",
                r#"Organisation("gov")"#,
                &["T1078", "T1041", "T1486"],
            )
            .campaign(
                "c2",
                "D1 13:00",
                r#"Organisation("shop")"#,
                &["T1078", "T1041", "T1486"],
            )
            .csirt("csirt", "A")
            .monitors("csirt", &["gov", "shop"])
            .duration("4d");
        for f in fields {
            region = region.field(f);
        }
        region
    }

    /// The tick of the first event `pick` accepts.
    fn first(session: &Session, pick: impl Fn(&SimEvent) -> bool) -> Option<u64> {
        (session.sim.events().iter())
            .find(|e| pick(&e.event))
            .map(|e| e.tick)
    }

    fn fired(session: &Session, id: &str) -> Option<u64> {
        let plan = &session.plan;
        first(
            session,
            |e| matches!(e, SimEvent::InjectFired { inject } if plan.scenario.msel[*inject].id == id),
        )
    }

    fn withdrawn(session: &Session, id: &str) -> Option<u64> {
        let plan = &session.plan;
        first(
            session,
            |e| matches!(e, SimEvent::InjectWithdrawn { inject } if plan.scenario.msel[*inject].id == id),
        )
    }

    fn org_named(session: &Session, org: crate::scenario::ids::OrgIx, id: &str) -> bool {
        session.plan.scenario.organisations[org].id == id
    }

    /// An inject that narrates a breach fires where there is one, at the minute the fact
    /// happens when it waits for it, and is dropped where the fact never happened.
    #[test]
    fn the_script_narrates_only_what_the_simulation_did() {
        let msel = format!(
            "msel: [{}, {}, {}, {}, {}, {}]",
            r#"Inject(id: "BREACH", trigger: At("D1 18:00"), only_if: Some(Compromised("gov")),
                kind: Narrative, channel: Phone, title: "gov breached")"#,
            r#"Inject(id: "NOTHING", trigger: At("D1 18:00"), only_if: Some(DataStolen("nobody")),
                kind: Narrative, channel: Phone, title: "nobody's data on the leak site")"#,
            r#"Inject(id: "ON-THEFT", trigger: DataStolen("gov"), kind: Narrative, channel: Media,
                title: "gov's data on the leak site")"#,
            r#"Inject(id: "ON-ENCRYPT", trigger: Encrypted("shop"), kind: Narrative,
                channel: Phone, title: "shop's tills are locked")"#,
            r#"Inject(id: "ON-BREACH", trigger: Compromised("shop"), kind: Facilitation,
                channel: Briefing, title: "shop is breached")"#,
            r#"Inject(id: "C2-ENCRYPTS", trigger: Encrypted("c2"), kind: Facilitation,
                channel: Briefing, title: "the second crew encrypts")"#,
        );
        let region = two_victims(&[&msel]).org("nobody", "A", 5, 1.0, 0.5);
        // Nobody stops the crews (the CSIRT is a trainee team that gives no order): each does
        // all it came to do, and the script follows.
        let mut plan = (*region.plan()).clone();
        plan.teams.iter_mut().for_each(|t| t.auto = false);
        let mut session = Session::new(std::sync::Arc::new(plan), 1);
        session.run_until(4 * 24 * 60).unwrap();
        let org_event = |kind: &str, id: &str| {
            first(&session, |e| match (kind, e) {
                ("breach", SimEvent::HostCompromised { org, .. })
                | ("theft", SimEvent::DataExfiltrated { org, .. })
                | ("encrypt", SimEvent::HostsEncrypted { org, .. }) => {
                    org_named(&session, *org, id)
                }
                _ => false,
            })
        };
        let breached = org_event("breach", "gov").expect("the crew gets into gov");
        assert!(breached < 9 * 60, "gov is breached before 18:00 on day one");
        assert_eq!(fired(&session, "BREACH"), Some(10 * 60));
        assert_eq!(fired(&session, "NOTHING"), None);
        assert_eq!(withdrawn(&session, "NOTHING"), Some(10 * 60));
        let theft = org_event("theft", "gov").expect("gov's data is taken");
        assert_eq!(fired(&session, "ON-THEFT"), Some(theft));
        let encrypted = org_event("encrypt", "shop").expect("shop is encrypted");
        assert_eq!(fired(&session, "ON-ENCRYPT"), Some(encrypted));
        assert_eq!(
            fired(&session, "C2-ENCRYPTS"),
            Some(encrypted),
            "c2 is shop's crew"
        );
        assert_eq!(fired(&session, "ON-BREACH"), org_event("breach", "shop"));
    }

    /// A trigger and a check that name an organisation or a campaign are met by an incident
    /// about it, never by the team's incident about another.
    #[test]
    fn an_incident_about_another_organisation_does_not_count() {
        let msel = r#"msel: [
            Inject(id: "ON-GOV", trigger: IncidentOpened(team: "csirt", about: "gov"),
                kind: Facilitation, channel: Briefing, title: "gov's incident"),
            Inject(id: "ON-C2", trigger: IncidentOpened(team: "csirt", about: "c2"),
                kind: Facilitation, channel: Briefing, title: "c2's incident"),
            Inject(id: "ON-GOV-CONTAINED", trigger: Contained("gov"),
                kind: Facilitation, channel: Briefing, title: "gov contained")]"#;
        let expectations = r#"expectations: [Expectation(id: "E-GOV", team: "csirt",
            objective: "O1", description: "Open an incident about the government",
            after: At("D1 08:00"), within: "4d", check: IncidentOpenedAbout("gov"))]"#;
        let objectives = r#"objectives: [Objective(id: "O1", title: "Detect")]"#;
        let region = two_victims(&[msel, expectations, objectives]);
        let mut session = Session::new(region.plan(), 1);
        session.run_until(4 * 24 * 60).unwrap();
        let opened = |id: &str| {
            first(
                &session,
                |e| matches!(e, SimEvent::IncidentOpened { org, .. } if org_named(&session, *org, id)),
            )
        };
        let (gov, shop) = (opened("gov"), opened("shop"));
        let (gov, shop) = (
            gov.expect("an incident about gov"),
            shop.expect("one about shop"),
        );
        assert!(
            shop < gov,
            "shop's incident comes first, so a loose check would be met early"
        );
        assert_eq!(fired(&session, "ON-GOV"), Some(gov));
        assert_eq!(
            fired(&session, "ON-C2"),
            Some(shop),
            "c2 is the campaign against shop"
        );
        let met = first(&session, |e| matches!(e, SimEvent::ExpectationMet { .. }));
        assert_eq!(met, Some(gov));
        let about_gov: Vec<u32> = (session.sim.events().iter())
            .filter_map(|e| match e.event {
                SimEvent::IncidentOpened { incident, org, .. }
                    if org_named(&session, org, "gov") =>
                {
                    Some(incident)
                }
                _ => None,
            })
            .collect();
        let contained = first(
            &session,
            |e| matches!(e, SimEvent::IncidentContained { incident } if about_gov.contains(incident)),
        );
        assert!(contained.is_some(), "the CSIRT contains gov's intrusion");
        assert_eq!(fired(&session, "ON-GOV-CONTAINED"), contained);
    }
}
