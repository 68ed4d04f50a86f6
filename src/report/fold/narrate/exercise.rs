//! The exercise's own events in words: the white cell, the MSEL, decisions and expectations.

use super::{campaign, org, team};
use crate::scenario::Plan;
use crate::sim::events::SimEvent;

/// The white cell's hand on the attack, and the facilitator's notes.
pub(super) fn white_cell(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        Note { ref text } => format!("Note: {text}"),
        StatementIssued {
            team: t,
            to,
            ref text,
        } => format!("{} to {}: \"{text}\"", team(plan, t), to.label()),
        CampaignLaunched {
            campaign: c,
            org: o,
        } => format!(
            "White cell launches \"{}\" against {}",
            campaign(plan, c),
            org(plan, o)
        ),
        StageForced {
            campaign: c,
            org: o,
            through: None,
        } => format!(
            "White cell pushes \"{}\" a step on at {}",
            campaign(plan, c),
            org(plan, o)
        ),
        StageForced {
            campaign: c,
            org: o,
            through: Some(k),
        } => format!(
            "White cell pushes \"{}\" through {} at {}",
            campaign(plan, c),
            plan.campaigns[c]
                .stages
                .get(k as usize)
                .map_or("?", |s| plan.techniques[s.technique].id.as_str()),
            org(plan, o)
        ),
        IntrusionHalted {
            campaign: c,
            org: o,
        } => format!(
            "White cell halts \"{}\" at {}",
            campaign(plan, c),
            org(plan, o)
        ),
        CampaignForced { campaign: c } => {
            format!("White cell starts \"{}\" now", campaign(plan, c))
        }
        CampaignCancelled { campaign: c } => format!("White cell stops \"{}\"", campaign(plan, c)),
        _ => unreachable!("{event:?} is not the white cell's to tell"),
    }
}

/// The MSEL: injects fired, sent live, scheduled, moved, skipped or dropped; modules.
pub(super) fn injects(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        InjectFired { inject } => {
            let i = &plan.scenario.msel[inject];
            format!(
                "INJECT {} ({:?}, {:?}): {}",
                i.id, i.channel, i.kind, i.title
            )
        }
        InjectSent {
            number,
            ref to,
            ref inject,
        } => format!(
            "INJECT {} ({:?}, live) to {}: {}",
            crate::scenario::live_id(number),
            inject.channel,
            crate::report::fold::picture::team_ids(plan, to),
            inject.title
        ),
        InjectScheduled { inject, at } => format!(
            "Inject {} is due at {}",
            plan.scenario.msel[inject].id,
            plan.scenario.start.at(at).clock()
        ),
        InjectRescheduled { inject, at } => format!(
            "The facilitator moves inject {} to {}",
            plan.scenario.msel[inject].id,
            plan.scenario.start.at(at).clock()
        ),
        InjectDelayed { inject, minutes } => format!(
            "The facilitator puts inject {} back by {}",
            plan.scenario.msel[inject].id,
            crate::time::Span(minutes)
        ),
        InjectOrdered { inject } => format!(
            "Facilitator fires inject {} now",
            plan.scenario.msel[inject].id
        ),
        InjectSkipped { inject } => format!(
            "The facilitator skips inject {}: {}",
            plan.scenario.msel[inject].id, plan.scenario.msel[inject].title
        ),
        InjectWithdrawn { inject } => format!(
            "Inject {} is dropped: the simulation overtook its storyline ({})",
            plan.scenario.msel[inject].id,
            plan.when_text(
                plan.injects[inject]
                    .unless
                    .as_ref()
                    .unwrap_or(&crate::scenario::WhenPlan::Manual)
            )
        ),
        ModuleStarted { module } => {
            format!("{} begins", plan.scenario.modules[module].title)
        }
        ModuleEnded { module } => {
            let m = &plan.scenario.modules[module];
            let mut text = format!("End of {}", m.title);
            if !m.questions.is_empty() {
                text.push_str(&format!(": {} questions for the room", m.questions.len()));
            }
            text
        }
        _ => unreachable!("{event:?} is not an inject's to tell"),
    }
}

/// Decisions taken and expectations settled.
pub(super) fn decisions(plan: &Plan, event: &SimEvent) -> String {
    use SimEvent::*;
    match *event {
        DecisionTaken {
            team: t,
            inject,
            option,
        } => {
            let i = &plan.scenario.msel[inject];
            let label = i
                .decision
                .as_ref()
                .and_then(|d| d.options.get(option as usize))
                .map_or("?", |o| o.label.as_str());
            format!("{} decides on {}: {label}", team(plan, t), i.id)
        }
        LiveDecisionTaken {
            team: t,
            number,
            ref label,
            ..
        } => format!(
            "{} decides on {}: {label}",
            team(plan, t),
            crate::scenario::live_id(number)
        ),
        ExpectationMet { expectation } => format!(
            "Expectation met: {}",
            plan.scenario.expectations[expectation].description
        ),
        ExpectationMissed { expectation } => format!(
            "Expectation MISSED: {}",
            plan.scenario.expectations[expectation].description
        ),
        ExpectationValidated {
            expectation,
            met,
            ref note,
        } => format!(
            "Facilitator rates {}: {}{}",
            plan.scenario.expectations[expectation].id,
            if met { "met" } else { "not met" },
            if note.is_empty() {
                String::new()
            } else {
                format!(" ({note})")
            }
        ),
        _ => unreachable!("{event:?} is not a decision's to tell"),
    }
}
