//! The picture's MSEL: injects fired, scheduled, delayed, skipped and sent live, modules,
//! decisions (and which wait on trainees, due when), how each expectation settled, and the
//! facilitator's notes.

use super::OperatingPicture;
use crate::scenario::Plan;
use crate::scenario::ids::{ExpectationIx, InjectIx, TeamIx};
use crate::sim::events::{SimEvent, Stamped};

/// How an expectation settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The expected action happened in time.
    Met,
    /// Its time ran out.
    Missed,
    /// The facilitator's judgement, which overrides the automatic check.
    Judged { met: bool },
}

impl Outcome {
    pub fn met(self) -> bool {
        matches!(self, Outcome::Met | Outcome::Judged { met: true })
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::Missed => "missed",
            Outcome::Judged { met: true } => "met (facilitator)",
            Outcome::Judged { met: false } => "not met (facilitator)",
        }
    }
}

/// A decision as taken: (tick, team, inject, option).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decided {
    pub tick: u64,
    pub team: TeamIx,
    pub inject: InjectIx,
    pub option: u32,
}

/// A note the facilitator wrote: on the exercise, or (`on`) with a rating given by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Noted {
    pub tick: u64,
    pub on: Option<ExpectationIx>,
    pub text: String,
}

/// Teams by id, `a-npc, b-csirt`.
pub fn team_ids(plan: &Plan, teams: &[TeamIx]) -> String {
    teams
        .iter()
        .map(|t| plan.scenario.teams[t.ix()].id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A decision put to a team the trainees play and not yet taken: when it was put and by when
/// an answer is expected.
pub struct Waiting {
    pub inject: InjectIx,
    pub asked: u64,
    pub due: Option<u64>,
}

/// When an answer to an inject's decision is expected: the decision's own time limit, or the
/// earliest expectation that the team decides it within a time of it being put.
pub fn answer_due(plan: &Plan, inject: InjectIx, asked: u64) -> Option<u64> {
    use crate::scenario::{CheckPlan, TriggerPlan, WhenPlan};
    let limit = plan.injects[inject]
        .decision
        .and_then(|d| d.answer_within)
        .map(|w| asked + w);
    let expected = plan
        .expectations
        .iter()
        .filter(|e| {
            e.check == CheckPlan::Decides(inject)
                && e.after == WhenPlan::On(TriggerPlan::Inject(inject))
        })
        .map(|e| asked + e.within)
        .min();
    limit.into_iter().chain(expected).min()
}

/// A live inject as sent, and the decision on it if it offered one and it was taken.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub tick: u64,
    pub number: u32,
    pub to: Vec<TeamIx>,
    pub inject: crate::scenario::LiveInject,
    /// (tick, team, option)
    pub decided: Option<(u64, TeamIx, u32)>,
}

impl Sent {
    /// It offers a choice nobody has made yet.
    pub fn waiting(&self) -> bool {
        self.decided.is_none() && !self.inject.options.is_empty()
    }
}

impl OperatingPicture {
    /// Where the MSEL stands: injects, modules and decisions.
    pub(super) fn msel(&mut self, e: &Stamped) {
        let tick = e.tick;
        match e.event {
            SimEvent::InjectFired { inject } => self.fired.push((inject, tick)),
            SimEvent::InjectSent {
                number,
                ref to,
                ref inject,
            } => self.sent.push(Sent {
                tick,
                number,
                to: to.to_vec(),
                inject: (**inject).clone(),
                decided: None,
            }),
            SimEvent::LiveDecisionTaken {
                team,
                number,
                option,
                ..
            } => {
                if let Some(sent) =
                    crate::scenario::live_index(number).and_then(|k| self.sent.get_mut(k))
                {
                    sent.decided = Some((tick, team, option));
                }
            }
            SimEvent::InjectSkipped { inject } => {
                self.skipped.insert(inject);
            }
            SimEvent::InjectWithdrawn { inject } => {
                self.skipped.insert(inject);
                self.withdrawn.insert(inject);
            }
            SimEvent::ModuleStarted { module } => {
                self.modules.insert(module, (tick, None));
            }
            SimEvent::ModuleEnded { module } => {
                self.modules.entry(module).or_insert((tick, None)).1 = Some(tick);
            }
            SimEvent::InjectScheduled { inject, at }
            | SimEvent::InjectRescheduled { inject, at } => {
                self.scheduled.insert(inject, at);
            }
            SimEvent::InjectDelayed { inject, minutes } => {
                *self.delayed.entry(inject).or_default() += minutes;
            }
            SimEvent::DecisionTaken {
                team,
                inject,
                option,
            } => self.decisions.push(Decided {
                tick,
                team,
                inject,
                option,
            }),
            _ => {}
        }
    }

    /// How expectations settled, and what the facilitator wrote. The automatic check settles
    /// an expectation once; the facilitator's word overrides.
    pub(super) fn settle(&mut self, e: &Stamped) {
        let tick = e.tick;
        match &e.event {
            SimEvent::ExpectationMet { expectation } => {
                self.outcomes
                    .entry(*expectation)
                    .or_insert((Outcome::Met, tick));
            }
            SimEvent::ExpectationMissed { expectation } => {
                self.outcomes
                    .entry(*expectation)
                    .or_insert((Outcome::Missed, tick));
                self.missed.push((*expectation, tick));
            }
            SimEvent::ExpectationValidated {
                expectation,
                met,
                note,
            } => {
                self.outcomes
                    .insert(*expectation, (Outcome::Judged { met: *met }, tick));
                if !note.is_empty() {
                    self.notes.push(Noted {
                        tick,
                        on: Some(*expectation),
                        text: note.clone(),
                    });
                }
            }
            SimEvent::Note { text } => self.notes.push(Noted {
                tick,
                on: None,
                text: text.clone(),
            }),
            _ => {}
        }
    }

    pub fn outcome(&self, expectation: ExpectationIx) -> Option<(Outcome, u64)> {
        self.outcomes.get(&expectation).copied()
    }

    /// The decision taken on an inject, if any.
    pub fn decision_on(&self, inject: InjectIx) -> Option<&Decided> {
        self.decisions.iter().find(|d| d.inject == inject)
    }

    /// When an inject not yet fired is expected: the time its trigger set, or for a clock
    /// trigger its time (with the facilitator's delays); `None` while its trigger is awaited.
    pub fn expected(&self, plan: &Plan, inject: InjectIx) -> Option<u64> {
        if self.has_fired(inject).is_some() || self.skipped.contains(&inject) {
            return None;
        }
        self.scheduled.get(&inject).copied().or_else(|| {
            let i = &plan.injects[inject];
            let by = i.trigger.due_by().filter(|_| !i.contingency_only)?;
            Some(by + i.delay + self.delayed.get(&inject).copied().unwrap_or(0))
        })
    }

    /// Decisions fired and waiting on trainee teams, oldest first.
    pub fn waiting_decisions(&self, plan: &Plan) -> Vec<Waiting> {
        let mut out: Vec<Waiting> = self
            .fired
            .iter()
            .filter(|(i, _)| {
                self.decision_on(*i).is_none()
                    && plan.injects[*i]
                        .decision
                        .is_some_and(|d| !plan.teams[d.decider].auto)
            })
            .map(|&(inject, asked)| Waiting {
                inject,
                asked,
                due: answer_due(plan, inject, asked),
            })
            .collect();
        out.sort_by_key(|w| (w.asked, w.inject));
        out
    }

    /// When an inject fired, if it did.
    pub fn has_fired(&self, inject: InjectIx) -> Option<u64> {
        self.fired
            .iter()
            .find(|(i, _)| *i == inject)
            .map(|(_, t)| *t)
    }
}
