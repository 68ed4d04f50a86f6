//! The MSEL resolved: triggers, recipients, decisions, expectations, and every inject's and
//! decision option's effects turned into actions once, at load time.

use super::check::Check;
use super::{
    CheckPlan, DecisionPlan, ExpectationPlan, InjectPlan, ModulePlan, Plan, Subject, TriggerPlan,
    WhenPlan,
};
use crate::scenario::ids::{Ids, OrgIx, TeamIx};
use crate::scenario::{Action, Check as Checked, Command, Expectation, Inject, Scenario, Trigger};

fn trigger(
    c: &mut Check,
    (list, id): (&str, &str),
    t: &Trigger,
    s: &Scenario,
    ids: &Ids,
) -> WhenPlan {
    let what = format!("`{id}` is triggered by");
    let at = (list, id);
    macro_rules! find {
        ($ix:expr, $x:expr) => {
            c.reference(at, &what, $ix, $x).unwrap_or_default()
        };
    }
    let on = WhenPlan::On;
    match t {
        Trigger::At(w) => match w.to_tick(s.start.minute_of_day) {
            Some(t) => on(TriggerPlan::At(t)),
            None => {
                c.at(
                    list,
                    id,
                    Some("trigger"),
                    format!("`{id}` is set for {w}, before the exercise starts"),
                    None,
                );
                on(TriggerPlan::At(0))
            }
        },
        Trigger::FirstIncident(i) => on(TriggerPlan::FirstIncident(find!(&ids.islands, i))),
        Trigger::RansomNote(x) => on(TriggerPlan::RansomNote(subject(
            c,
            at,
            &what,
            ids,
            x,
            Kinds::PLACES,
        ))),
        Trigger::IntelApplied(i) => on(TriggerPlan::IntelApplied(find!(&ids.islands, i))),
        Trigger::Contained(x) => on(TriggerPlan::Contained(subject(
            c,
            at,
            &what,
            ids,
            x,
            Kinds::ALL,
        ))),
        Trigger::Evicted(o) => on(TriggerPlan::Evicted(find!(&ids.orgs, o))),
        Trigger::Compromised(x) | Trigger::DataStolen(x) | Trigger::Encrypted(x) => {
            let about = subject(c, at, &what, ids, x, Kinds::ABOUT);
            on(match t {
                Trigger::Compromised(_) => TriggerPlan::Compromised(about),
                Trigger::DataStolen(_) => TriggerPlan::DataStolen(about),
                _ => TriggerPlan::Encrypted(about),
            })
        }
        Trigger::IncidentOpened { team, about } => {
            let team = find!(&ids.teams, team);
            let about = subject(c, at, &what, ids, about, Kinds::ABOUT);
            on(TriggerPlan::IncidentOpened(team, about))
        }
        Trigger::ServiceDown(x) => on(TriggerPlan::ServiceDown(find!(&ids.services, x))),
        Trigger::CampaignStarted(x) => on(TriggerPlan::CampaignStarted(find!(&ids.campaigns, x))),
        Trigger::Inject(x) => on(TriggerPlan::Inject(find!(&ids.injects, x))),
        Trigger::Manual => WhenPlan::Manual,
        Trigger::AnyOf(parts) | Trigger::AllOf(parts) => {
            let any = matches!(t, Trigger::AnyOf(_));
            if parts.is_empty() {
                let (name, means) = if any {
                    ("AnyOf", "never happens")
                } else {
                    ("AllOf", "has always happened")
                };
                c.at(
                    list,
                    id,
                    Some(name),
                    format!("`{id}`: an empty `{name}([])` {means}"),
                    Some("list the happenings it combines, e.g. `AnyOf([At(\"D2 09:00\"), RansomNote(\"GD\")])`".into()),
                );
            }
            let parts = parts.iter().map(|p| trigger(c, at, p, s, ids)).collect();
            if any {
                WhenPlan::AnyOf(parts)
            } else {
                WhenPlan::AllOf(parts)
            }
        }
    }
}

/// Which lists an id naming a [Subject] may come from.
#[derive(Clone, Copy)]
struct Kinds {
    islands: bool,
    orgs: bool,
    campaigns: bool,
}

impl Kinds {
    const ALL: Kinds = Kinds {
        islands: true,
        orgs: true,
        campaigns: true,
    };
    /// Where a ransom note is found: an island or an organisation.
    const PLACES: Kinds = Kinds {
        islands: true,
        orgs: true,
        campaigns: false,
    };
    /// What an incident is about: an organisation or a campaign.
    const ABOUT: Kinds = Kinds {
        islands: false,
        orgs: true,
        campaigns: true,
    };
}

/// The island, organisation or campaign an id names (among those `kinds` allows). An id that
/// names two (an island and a campaign both called `GD`) is refused rather than guessed.
fn subject(
    c: &mut Check,
    at: (&str, &str),
    what: &str,
    ids: &Ids,
    value: &str,
    kinds: Kinds,
) -> Subject {
    /// One list an id may come from: its kind, what the id names there, and its ids.
    struct List<'a> {
        kind: &'static str,
        named: Option<Subject>,
        names: Vec<&'a str>,
        known: String,
    }
    fn list<'a, I: From<u32>>(
        on: bool,
        index: &'a crate::scenario::ids::IdIndex<I>,
        value: &str,
        as_subject: fn(I) -> Subject,
    ) -> Option<List<'a>> {
        on.then(|| List {
            kind: index.kind,
            named: index.get(value).map(as_subject),
            names: index.names().collect(),
            known: index.known(),
        })
    }
    let lists: Vec<List> = [
        list(kinds.islands, &ids.islands, value, Subject::Island),
        list(kinds.orgs, &ids.orgs, value, Subject::Org),
        list(kinds.campaigns, &ids.campaigns, value, Subject::Campaign),
    ]
    .into_iter()
    .flatten()
    .collect();
    let found: Vec<(&str, Subject)> = (lists.iter())
        .filter_map(|l| Some((l.kind, l.named?)))
        .collect();
    match found.as_slice() {
        [(_, one)] => *one,
        [] => {
            let kinds: Vec<&str> = lists.iter().map(|l| l.kind).collect();
            let nearest = crate::scenario::ids::nearest_name(
                value,
                lists.iter().flat_map(|l| l.names.iter().copied()),
            );
            let help = match nearest {
                Some(n) => format!("did you mean `{n}`?"),
                None => (lists.iter())
                    .map(|l| format!("{}s: {}", l.kind, l.known))
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            let message = format!(
                "{what} `{value}`, which is not a declared {}",
                kinds.join(" or ")
            );
            c.at_value(at.0, at.1, value, message, Some(help));
            Subject::Any
        }
        [(a, first), (b, _), ..] => {
            let an = |k: &str| {
                if k.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                }
            };
            let message = format!(
                "{what} `{value}`, which is the id of both {} {a} and {} {b}",
                an(a),
                an(b)
            );
            c.at_value(
                at.0,
                at.1,
                value,
                message,
                Some("give one of them another id, so the trigger says which it means".into()),
            );
            *first
        }
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
    let decision = inj.decision.as_ref().map(|d| decision(c, ids, inj, d, &to));
    let mut condition = |field: &str, given: &Option<Trigger>, so: &str, help: &str| {
        let when = trigger(c, at, given.as_ref()?, s, ids);
        if when.is_manual() {
            c.at(
                "msel",
                &inj.id,
                Some(field),
                format!(
                    "inject `{}`: `{field}` waits on `Manual`, which never happens{so}",
                    inj.id
                ),
                Some(help.into()),
            );
        }
        Some(when)
    };
    let unless = condition(
        "unless",
        &inj.unless,
        "",
        "name what overtakes the storyline, e.g. `Contained(\"GD\")`; to drop it by hand, skip it from the console",
    );
    let only_if = condition(
        "only_if",
        &inj.only_if,
        ", so it would never fire",
        "name the fact it narrates, e.g. `Compromised(\"org-id\")`",
    );
    let module = inj.module.as_ref().and_then(|m| {
        c.reference(
            at,
            &format!("inject `{}` belongs to", inj.id),
            &ids.modules,
            m,
        )
    });
    InjectPlan {
        trigger: trigger(c, at, &inj.trigger, s, ids),
        unless,
        only_if,
        module,
        delay: inj.delay.0,
        to,
        decision,
        contingency_only: inj.contingency_only,
        effects: Vec::new(),
        option_effects: Vec::new(),
    }
}

/// An inject's decision resolved: its decider (named, else the first recipient) and default.
fn decision(
    c: &mut Check,
    ids: &Ids,
    inj: &Inject,
    d: &crate::scenario::Decision,
    to: &[TeamIx],
) -> DecisionPlan {
    let at = ("msel", inj.id.as_str());
    let decider = match &d.decider {
        Some(id) => {
            let named = c.reference(
                at,
                &format!("inject `{}`'s decider", inj.id),
                &ids.teams,
                id,
            );
            if named.is_some_and(|t| !to.contains(&t)) {
                c.at_value(
                    "msel",
                    &inj.id,
                    id,
                    format!(
                        "inject `{}`: its decider `{id}` is not among the teams it is sent to",
                        inj.id
                    ),
                    Some(format!(
                        "add \"{id}\" to `to`, so the team sees what it decides"
                    )),
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
            Some(
                "add the deciding team to `to` (the first there decides, or name it in `decider`)"
                    .into(),
            ),
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
}

/// Every happening the script mentions: triggers, `unless`, `only_if` and expectations' clocks.
pub(super) fn awaited(
    injects: &[InjectPlan],
    expectations: &[ExpectationPlan],
) -> std::collections::BTreeSet<TriggerPlan> {
    let whens = injects
        .iter()
        .flat_map(|i| {
            std::iter::once(&i.trigger)
                .chain(&i.unless)
                .chain(&i.only_if)
        })
        .chain(expectations.iter().map(|e| &e.after));
    whens.flat_map(|w| w.happenings()).collect()
}

/// The organisations any trigger asks about the attackers being out of.
pub(super) fn evictions(injects: &[InjectPlan], expectations: &[ExpectationPlan]) -> Vec<OrgIx> {
    let mut orgs: Vec<OrgIx> = awaited(injects, expectations)
        .into_iter()
        .filter_map(|t| match t {
            TriggerPlan::Evicted(o) => Some(o),
            _ => None,
        })
        .collect();
    orgs.dedup();
    orgs
}

/// The modules, each with its injects; a module is checked for having something in it.
pub(super) fn modules(c: &mut Check, s: &Scenario, injects: &[InjectPlan]) -> Vec<ModulePlan> {
    c.unique("modules", s.modules.iter().map(|m| m.id.as_str()));
    let mut modules = vec![ModulePlan::default(); s.modules.len()];
    for (k, m) in s.modules.iter().enumerate() {
        modules[k].pause = m.pause;
        if m.duration.is_some_and(|d| d.0 == 0) {
            c.at(
                "modules",
                &m.id,
                Some("duration"),
                format!(
                    "module `{}` is planned to take no time (`duration` is zero)",
                    m.id
                ),
                Some(
                    "give the time the room needs, e.g. `duration: Some(\"45m\")`, or leave it out"
                        .into(),
                ),
            );
        }
    }
    for (i, inj) in injects.iter().enumerate() {
        let Some(m) = inj.module else { continue };
        let Some(module) = modules.get_mut(m.ix()) else {
            continue;
        };
        module.injects.push(i.into());
        if !inj.contingency_only && !inj.trigger.is_manual() {
            module.scripted.push(i.into());
        }
    }
    modules
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
        Checked::IncidentOpened => CheckPlan::IncidentOpened(Subject::Any),
        Checked::IncidentContained => CheckPlan::IncidentContained(Subject::Any),
        Checked::IncidentOpenedAbout(x) | Checked::IncidentContainedAbout(x) => {
            let what = format!("expectation `{}` waits for an incident about", e.id);
            let about = subject(c, at, &what, ids, x, Kinds::ABOUT);
            if matches!(e.check, Checked::IncidentOpenedAbout(_)) {
                CheckPlan::IncidentOpened(about)
            } else {
                CheckPlan::IncidentContained(about)
            }
        }
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
    let after = trigger(c, at, &e.after, s, ids);
    if after.is_manual() {
        c.at(
            "expectations",
            &e.id,
            Some("after"),
            format!(
                "expectation `{}`: its clock would start on `Manual`, which never happens",
                e.id
            ),
            Some(
                "start it on the inject that puts the question, e.g. `after: Inject(\"I05\")`"
                    .into(),
            ),
        );
    }
    ExpectationPlan {
        team,
        objective,
        after,
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

#[cfg(test)]
mod tests {
    use crate::scenario::testkit::TinyRegion;
    use crate::scenario::{Source, load_source};

    /// The load error for a tiny region with `msel`, as the author reads it.
    fn refused(region: TinyRegion) -> String {
        let source = Source {
            name: "tiny.ron".into(),
            text: region.ron(),
            dir: None,
        };
        match load_source(&source, &[]) {
            Ok(_) => panic!("loads, but should not:\n{}", source.text),
            Err(e) => e.to_string(),
        }
    }

    fn with_trigger(trigger: &str) -> TinyRegion {
        TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 5, 1.0, 0.5)
            .campaign("A", "D1 09:00", r#"Organisation("gov")"#, &["T1078"])
            .field(&format!(
                "msel: [Inject(id: \"X\", trigger: {trigger}, kind: Narrative, channel: Email, \
                 title: \"x\")]"
            ))
    }

    /// A trigger naming an island, an organisation or a campaign by one id: a typo gets the
    /// nearest id, and an id two lists share is refused rather than guessed.
    #[test]
    fn a_trigger_names_what_it_is_about_without_guessing() {
        let typo = refused(with_trigger(r#"Compromised("gvo")"#));
        assert!(
            typo.contains("not a declared organisation or campaign"),
            "{typo}"
        );
        assert!(typo.contains("did you mean `gov`?"), "{typo}");
        // The campaign is called `A`, like the island: a ransom note may be found on an island
        // but not "in a campaign", so that one is clear; containment may be either.
        let _ = with_trigger(r#"RansomNote("A")"#).plan();
        let both = refused(with_trigger(r#"Contained("A")"#));
        assert!(
            both.contains("the id of both an island and a campaign"),
            "{both}"
        );
        let about = refused(with_trigger(
            r#"IncidentOpened(team: "nobody", about: "gov")"#,
        ));
        assert!(about.contains("`nobody`"), "{about}");
    }
}
