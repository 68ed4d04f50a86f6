//! The MSEL resolved: triggers, recipients, decisions, expectations, and every inject's and
//! decision option's effects turned into actions once, at load time.

use super::check::Check;
use super::{CheckPlan, DecisionPlan, ExpectationPlan, InjectPlan, Plan, TriggerPlan};
use crate::scenario::ids::{Ids, TeamIx};
use crate::scenario::{Action, Check as Checked, Command, Expectation, Inject, Scenario, Trigger};

fn trigger(
    c: &mut Check,
    (list, id): (&str, &str),
    t: &Trigger,
    s: &Scenario,
    ids: &Ids,
) -> TriggerPlan {
    let what = format!("`{id}` is triggered by");
    let at = (list, id);
    macro_rules! find {
        ($ix:expr, $x:expr) => {
            c.reference(at, &what, $ix, $x).unwrap_or_default()
        };
    }
    match t {
        Trigger::At(w) => match w.to_tick(s.start.minute_of_day) {
            Some(t) => TriggerPlan::At(t),
            None => {
                c.at(
                    list,
                    id,
                    Some("trigger"),
                    format!("`{id}` is set for {w}, before the exercise starts"),
                    None,
                );
                TriggerPlan::At(0)
            }
        },
        Trigger::FirstIncident(i) => TriggerPlan::FirstIncident(find!(&ids.islands, i)),
        Trigger::RansomNote(i) => TriggerPlan::RansomNote(find!(&ids.islands, i)),
        Trigger::IntelApplied(i) => TriggerPlan::IntelApplied(find!(&ids.islands, i)),
        Trigger::ServiceDown(x) => TriggerPlan::ServiceDown(find!(&ids.services, x)),
        Trigger::CampaignStarted(x) => TriggerPlan::CampaignStarted(find!(&ids.campaigns, x)),
        Trigger::Inject(x) => TriggerPlan::Inject(find!(&ids.injects, x)),
    }
}

pub(super) fn injects(c: &mut Check, s: &Scenario, ids: &Ids) -> Vec<InjectPlan> {
    c.unique("msel", s.msel.iter().map(|i| i.id.as_str()));
    s.msel.iter().map(|inj| inject(c, s, ids, inj)).collect()
}

fn inject(c: &mut Check, s: &Scenario, ids: &Ids, inj: &Inject) -> InjectPlan {
    let at = ("msel", inj.id.as_str());
    let what = format!("inject `{}` is addressed to", inj.id);
    let to: Vec<TeamIx> = inj
        .to
        .iter()
        .filter_map(|t| c.reference(at, &what, &ids.teams, t))
        .collect();
    let decision = inj.decision.as_ref().map(|d| {
        let decider = match &d.decider {
            Some(id) => {
                let named = c.reference(at, &format!("inject `{}`'s decider", inj.id), &ids.teams, id);
                if named.is_some_and(|t| !to.contains(&t)) {
                    c.at_value(
                        "msel",
                        &inj.id,
                        id,
                        format!(
                            "inject `{}`: its decider `{id}` is not among the teams it is sent to",
                            inj.id
                        ),
                        Some(format!("add \"{id}\" to `to`, so the team sees what it decides")),
                    );
                }
                named
            }
            None => to.first().copied(),
        };
        if decider.is_none() && d.decider.is_none() && inj.to.is_empty() {
            c.at(
                "msel",
                &inj.id,
                Some("decision"),
                format!(
                    "inject `{}` puts a decision to nobody: it is addressed to no team",
                    inj.id
                ),
                Some("add the deciding team to `to` (the first there decides, or name it in `decider`)".into()),
            );
        }
        let default = d
            .options
            .iter()
            .position(|o| o.id == d.default)
            .unwrap_or_else(|| {
                c.at_value(
                    "msel",
                    &inj.id,
                    &d.default,
                    format!(
                        "inject `{}`: the default `{}` is not one of its options",
                        inj.id, d.default
                    ),
                    None,
                );
                0
            }) as u32;
        if d.options.is_empty() {
            c.at(
                "msel",
                &inj.id,
                Some("options"),
                format!("inject `{}`: a decision needs options", inj.id),
                None,
            );
        }
        DecisionPlan {
            decider: decider.unwrap_or_default(),
            default,
            takes: d.takes.0,
            answer_within: d.answer_within.map(|s| s.0.max(1)),
        }
    });
    InjectPlan {
        trigger: trigger(c, at, &inj.trigger, s, ids),
        delay: inj.delay.0,
        to,
        decision,
        contingency_only: inj.contingency_only,
        effects: Vec::new(),
        option_effects: Vec::new(),
    }
}

pub(super) fn expectations(c: &mut Check, s: &Scenario, ids: &Ids) -> Vec<ExpectationPlan> {
    c.unique("expectations", s.expectations.iter().map(|e| e.id.as_str()));
    s.expectations
        .iter()
        .map(|e| expectation(c, s, ids, e))
        .collect()
}

fn expectation(c: &mut Check, s: &Scenario, ids: &Ids, e: &Expectation) -> ExpectationPlan {
    let at = ("expectations", e.id.as_str());
    let team = c
        .reference(
            at,
            &format!("expectation `{}` is for", e.id),
            &ids.teams,
            &e.team,
        )
        .unwrap_or_default();
    let objective = c
        .reference(
            at,
            &format!("expectation `{}` belongs to", e.id),
            &ids.objectives,
            &e.objective,
        )
        .unwrap_or_default();
    let check = match &e.check {
        Checked::Decides(i) => match ids.injects.get(i) {
            Some(x) if s.msel[x].decision.is_some() => CheckPlan::Decides(x),
            _ => {
                c.at_value(
                    "expectations",
                    &e.id,
                    i,
                    format!(
                        "expectation `{}` waits for a decision on `{i}`, which is not an inject \
                         with a decision",
                        e.id
                    ),
                    None,
                );
                CheckPlan::Facilitator
            }
        },
        Checked::IncidentOpened => CheckPlan::IncidentOpened,
        Checked::IncidentContained => CheckPlan::IncidentContained,
        Checked::IntelShared(t) => CheckPlan::IntelShared(*t),
        Checked::IntelApplied => CheckPlan::IntelApplied,
        Checked::Isolates => CheckPlan::Isolates,
        Checked::AssistanceRequested => CheckPlan::AssistanceRequested,
        Checked::Facilitator => CheckPlan::Facilitator,
    };
    let contingency = e.contingency.as_ref().and_then(|i| {
        let what = format!("expectation `{}` falls back on", e.id);
        c.reference(at, &what, &ids.injects, i)
    });
    if e.within.0 == 0 {
        c.at(
            "expectations",
            &e.id,
            Some("within"),
            format!("expectation `{}` gives no time (`within` is zero)", e.id),
            None,
        );
    }
    ExpectationPlan {
        team,
        objective,
        after: trigger(c, at, &e.after, s, ids),
        within: e.within.0,
        check,
        contingency,
    }
}

/// Commands inside injects and decision options, resolved against the finished plan once: a
/// bad reference is an authoring error here, never something dropped when the inject fires.
pub(super) fn resolve_effects(c: &mut Check, plan: &mut Plan) {
    let mut resolved = Vec::with_capacity(plan.scenario.msel.len());
    for inj in &plan.scenario.msel {
        let mut resolve = |commands: &[Command]| -> Vec<Action> {
            let mut actions = Vec::new();
            for cmd in commands {
                match cmd.resolve(plan) {
                    Ok(Some(action)) => actions.push(action),
                    Ok(None) => c.at(
                        "msel",
                        &inj.id,
                        Some("effects"),
                        format!(
                            "inject `{}`: {cmd:?} only paces the clock; it has no effect",
                            inj.id
                        ),
                        Some("remove it from the effects".into()),
                    ),
                    Err(e) => c.at(
                        "msel",
                        &inj.id,
                        Some("effects"),
                        format!("inject `{}`: {e}", inj.id),
                        None,
                    ),
                }
            }
            actions
        };
        let effects = resolve(&inj.effects);
        let options = inj
            .decision
            .iter()
            .flat_map(|d| d.options.iter())
            .map(|o| resolve(&o.effects))
            .collect();
        resolved.push((effects, options));
    }
    for (inj, (effects, options)) in plan.injects.iter_mut().zip(resolved) {
        inj.effects = effects;
        inj.option_effects = options;
    }
}
