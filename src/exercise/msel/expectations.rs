//! Expectations: what a team is expected to do once something has happened, checked against
//! the events as they come, settled met, missed (with its contingency inject) or by the
//! facilitator's word.

use crate::scenario::ids::{ExpectationIx, TeamIx};
use crate::scenario::{CheckPlan, Plan};
use crate::sim::events::SimEvent;
use crate::sim::incidents::Incidents;

use super::{ExerciseControl, Minute};

impl ExerciseControl<'_> {
    /// Starts the clocks of expectations whose `after` happened and settles those met, missed
    /// or judged by the facilitator this tick.
    pub(super) fn check_expectations(
        &mut self,
        m: &Minute,
        incidents: &Incidents,
        events: &[SimEvent],
    ) {
        let now = m.now;
        for (k, e) in m.plan.expectations.iter().enumerate() {
            let k32 = ExpectationIx::from(k);
            if self.state.settled.contains(&k32) {
                continue;
            }
            if self.state.started[k].is_none() && m.holds(&self.state, &e.after) {
                self.state.started[k] = Some(now);
            }
            let Some(start) = self.state.started[k] else {
                continue;
            };
            let validated = events.iter().any(|ev| {
                matches!(ev, SimEvent::ExpectationValidated { expectation, .. } if *expectation == k32)
            });
            if validated {
                // The facilitator's word settles it either way (the event is already in the log).
                self.state.settled.insert(k32);
                continue;
            }
            if e.check != CheckPlan::Facilitator
                && events
                    .iter()
                    .any(|ev| satisfies(e.check, e.team, ev, (m.plan, incidents)))
            {
                self.state.settled.insert(k32);
                self.log
                    .push(now, SimEvent::ExpectationMet { expectation: k32 });
                continue;
            }
            if e.check != CheckPlan::Facilitator && now >= start + e.within {
                self.state.settled.insert(k32);
                self.log
                    .push(now, SimEvent::ExpectationMissed { expectation: k32 });
                if let Some(c) = e.contingency
                    && !self.state.fired.contains(&c)
                {
                    self.state.due.insert((now + 1, c));
                }
            }
        }
    }
}

/// Whether an event is what the expectation waits for.
fn satisfies(
    check: CheckPlan,
    team: TeamIx,
    e: &SimEvent,
    (region, incidents): (&Plan, &Incidents),
) -> bool {
    match (check, e) {
        (
            CheckPlan::IncidentOpened(about),
            SimEvent::IncidentOpened {
                team: t,
                org,
                campaign,
                ..
            },
        ) => *t == team && about.covers(region.orgs[*org].island, *org, *campaign),
        (CheckPlan::IncidentContained(about), SimEvent::IncidentContained { incident }) => {
            incidents.0.get(*incident as usize).is_some_and(|i| {
                i.team == team && about.covers(region.orgs[i.org].island, i.org, i.campaign)
            })
        }
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
