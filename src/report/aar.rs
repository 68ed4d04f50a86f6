//! The after-action report (HSEEP AAR/IP): the exercise as played, from its events only - the
//! overview, each objective's rating with the evidence behind it, strengths and areas for
//! improvement per team, the timeline, per-island figures, the facilitator's notes, an
//! improvement plan the ministry fills in, and what each decision's other options would have
//! cost (the journal replayed with the other choice; see [`counterfactuals`]).
//!
//! One structure, three renderings: Markdown for a repository, a self-contained HTML page that
//! prints to PDF, and JSON (the structure itself) for other tools.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use super::picture::{OperatingPicture, Outcome};
use super::rehearsal::rating;
use super::summary::{RunSummary, summary_of};
use crate::scenario::ids::{ExpectationIx, InjectIx, IslandIx, OrgIx, TeamIx};
use crate::scenario::{Check, Command, Issued, Plan};
use crate::sim::events::{SimEvent, Stamped};
use crate::time::Span;

#[derive(Clone, Debug, Serialize)]
pub struct AfterAction {
    pub overview: Overview,
    pub objectives: Vec<ObjectiveReview>,
    pub teams: Vec<TeamReview>,
    pub timeline: Vec<Moment>,
    pub islands: Vec<IslandFigures>,
    /// Drawn as SVG in the HTML; the JSON and the Markdown carry their titles and captions.
    pub charts: Vec<super::charts::Chart>,
    pub notes: Vec<Moment>,
    pub improvement_plan: Vec<Improvement>,
    pub counterfactuals: Vec<Counterfactual>,
    /// What the missed expectations' actions would have changed, where the action is a command.
    pub missed_actions: Vec<MissedAction>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Overview {
    pub exercise: String,
    pub seed: u64,
    pub started: String,
    pub ended: String,
    /// Exercise time played.
    pub played: String,
    pub teams: Vec<TeamLine>,
    pub islands: Vec<String>,
    /// Set when the journal's record stops without a clean end: the report then covers less
    /// than was played, and says so first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unfinished: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TeamLine {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub island: String,
    /// `trainees` or `simulated`.
    pub played_by: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveReview {
    pub id: String,
    pub title: String,
    /// HSEEP P/S/M/U over the rated expectations; `-` when none was rated.
    pub rating: String,
    pub met: usize,
    pub rated: usize,
    pub evidence: Vec<Evidence>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    pub expectation: String,
    pub team: String,
    pub description: String,
    /// `met`, `missed`, `met (facilitator)`, `not met (facilitator)`, `not rated` (only the
    /// facilitator can rate it, and did not) or `not due` (its time had not come).
    pub outcome: String,
    pub time: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TeamReview {
    pub team: String,
    pub name: String,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Moment {
    pub time: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct IslandFigures {
    pub id: String,
    pub name: String,
    pub hosts_compromised: u64,
    /// Includes hosts the ransomware reached by a domain-wide push, which the crew never held:
    /// it can exceed `hosts_compromised`.
    pub hosts_encrypted: u64,
    pub first_detection: Option<String>,
    /// How the island first knew: `incident` (a team confirmed an alert or hunted) or
    /// `ransom note` (a victim found it; a team may not have opened an incident yet).
    pub first_detected_by: Option<String>,
    pub incidents: u64,
    /// Hours of service lost, summed over the island's services.
    pub service_hours_down: f64,
    /// Exercise time during which at least one of the island's services was down.
    pub time_with_a_service_down: String,
    pub loss_usd: f64,
    pub owed_usd: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Improvement {
    pub issue: String,
    pub corrective_action: String,
    pub capability: String,
    pub responsible: String,
    /// Left blank for the ministry.
    pub due: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Counterfactual {
    pub inject: String,
    pub prompt: String,
    pub team: String,
    pub time: String,
    /// The exercise minute the decision was taken, where the alternative is taken instead.
    pub tick: u64,
    pub taken: String,
    pub alternatives: Vec<Alternative>,
}

/// The end of the run had another option been taken, against the end as played.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Alternative {
    pub option: String,
    pub label: String,
    pub hosts_compromised: i64,
    pub hosts_encrypted: i64,
    pub service_hours_down: f64,
    pub loss_usd: f64,
    pub owed_usd: f64,
    /// With `report --seeds N`: the same change over N seeds (the exercise's and the next).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
}

/// The difference a change makes to the loss over several seeds: its mean and range.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Spread {
    pub seeds: u64,
    pub loss_mean: f64,
    pub loss_low: f64,
    pub loss_high: f64,
    pub hosts_encrypted_mean: f64,
}

impl Spread {
    pub fn sentence(&self) -> String {
        let signed = |v: f64| {
            if v < 0.0 {
                format!("-{}", usd(-v))
            } else {
                format!("+{}", usd(v))
            }
        };
        format!(
            "over {} seeds the loss moves by {} on average (from {} to {}), hosts encrypted by \
             {:+.0}",
            self.seeds,
            signed(self.loss_mean),
            signed(self.loss_low),
            signed(self.loss_high),
            self.hosts_encrypted_mean
        )
    }
}

impl Alternative {
    /// The difference in words: "18 fewer hosts compromised, US$1.6M saved".
    pub fn sentence(&self) -> String {
        let count = |n: i64, what: &str| match n {
            0 => None,
            n if n < 0 => Some(format!("{} fewer {what}", -n)),
            n => Some(format!("{n} more {what}")),
        };
        let money = |v: f64, what: &str| {
            if v.abs() < 1.0 {
                None
            } else if v < 0.0 {
                Some(format!("{} less {what}", usd(-v)))
            } else {
                Some(format!("{} more {what}", usd(v)))
            }
        };
        let parts: Vec<String> = [
            count(self.hosts_compromised, "hosts compromised"),
            count(self.hosts_encrypted, "hosts encrypted"),
            (self.service_hours_down.abs() >= 0.5).then(|| {
                if self.service_hours_down < 0.0 {
                    format!("{:.0} fewer service-hours down", -self.service_hours_down)
                } else {
                    format!("{:.0} more service-hours down", self.service_hours_down)
                }
            }),
            money(self.loss_usd, "lost"),
            money(self.owed_usd, "owed at the end"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "no difference by the end of the exercise".into()
        } else {
            parts.join(", ")
        }
    }
}

pub use super::money::usd;

/// The report of an exercise played to `end` (ticks), from its events; the counterfactuals are
/// computed apart (they replay the journal) and passed in.
pub fn after_action(
    plan: &Plan,
    seed: u64,
    end: u64,
    events: &[Stamped],
    commands: &[Issued],
    (counterfactuals, missed_actions): (Vec<Counterfactual>, Vec<MissedAction>),
) -> AfterAction {
    let picture = OperatingPicture::of(plan, events);
    let summary = summary_of(&picture, plan, seed, end, String::new(), events.len());
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    let overview = Overview {
        exercise: s.name.clone(),
        seed,
        started: s.start.at(0).calendar(),
        ended: s.start.at(end).calendar(),
        played: Span(end).to_string(),
        teams: s
            .teams
            .iter()
            .zip(&plan.teams)
            .map(|(t, p)| TeamLine {
                id: t.id.clone(),
                name: t.name.clone(),
                kind: format!("{:?}", t.kind),
                island: t.island.clone().unwrap_or_else(|| "regional".into()),
                played_by: if p.auto { "simulated" } else { "trainees" }.into(),
            })
            .collect(),
        islands: s.islands.iter().map(|i| i.name.clone()).collect(),
        unfinished: None,
    };
    let notes_on = validation_notes(events);
    let evidence_of = |k: usize| -> Evidence {
        let e = &s.expectations[k];
        let o = picture.outcome(ExpectationIx::from(k));
        let outcome = match o {
            Some((o, _)) => o.label().to_string(),
            None if matches!(e.check, Check::Facilitator) => "not rated".into(),
            None => "not due".into(),
        };
        Evidence {
            expectation: e.id.clone(),
            team: e.team.clone(),
            description: e.description.clone(),
            outcome,
            time: o.map(|o| clock(o.1)),
            note: notes_on.get(&ExpectationIx::from(k)).cloned(),
        }
    };
    let objectives = s
        .objectives
        .iter()
        .enumerate()
        .map(|(oi, o)| {
            let mine = super::rehearsal::expectations_of(plan, oi);
            let settled: Vec<(usize, Outcome)> = mine
                .iter()
                .filter_map(|k| picture.outcome(ExpectationIx::from(*k)).map(|o| (*k, o.0)))
                .collect();
            let met = settled.iter().filter(|(_, o)| o.met()).count();
            ObjectiveReview {
                id: o.id.clone(),
                title: o.title.clone(),
                // Only what was rated counts: an expectation left for the facilitator and not
                // rated is no failure.
                rating: rating(met, settled.len(), settled.len()).into(),
                met,
                rated: settled.len(),
                evidence: mine.iter().map(|k| evidence_of(*k)).collect(),
            }
        })
        .collect::<Vec<_>>();
    // Decisions the trainees gave themselves (the rest were the room's default, or the model's
    // for simulated teams).
    let answered: BTreeSet<&str> = commands
        .iter()
        .filter_map(|c| match &c.command {
            Command::Decide { inject, .. } => Some(inject.as_str()),
            _ => None,
        })
        .collect();
    let teams = team_reviews(plan, &picture, &objectives, &answered);
    let improvement_plan = improvements(plan, &objectives);
    AfterAction {
        overview,
        objectives,
        teams,
        timeline: timeline(plan, events),
        islands: island_figures(plan, &summary, &picture, end),
        charts: super::charts::charts(plan, &picture, end),
        notes: events
            .iter()
            .filter_map(|e| match &e.event {
                SimEvent::Note { text } => Some(Moment {
                    time: clock(e.tick),
                    text: text.clone(),
                }),
                SimEvent::ExpectationValidated {
                    expectation, note, ..
                } if !note.is_empty() => Some(Moment {
                    time: clock(e.tick),
                    text: format!("{}: {note}", s.expectations[expectation.ix()].id),
                }),
                _ => None,
            })
            .collect(),
        improvement_plan,
        counterfactuals,
        missed_actions,
    }
}

/// The facilitator's note on each expectation rated by hand (the last one given).
fn validation_notes(events: &[Stamped]) -> BTreeMap<ExpectationIx, String> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            SimEvent::ExpectationValidated {
                expectation, note, ..
            } if !note.is_empty() => Some((*expectation, note.clone())),
            _ => None,
        })
        .collect()
}

/// Strengths and areas for improvement per team, from the evidence: expectations met and
/// missed, decisions taken.
fn team_reviews(
    plan: &Plan,
    picture: &OperatingPicture,
    objectives: &[ObjectiveReview],
    answered: &BTreeSet<&str>,
) -> Vec<TeamReview> {
    let s = &plan.scenario;
    let mut reviews: Vec<TeamReview> = s
        .teams
        .iter()
        .map(|t| TeamReview {
            team: t.id.clone(),
            name: t.name.clone(),
            strengths: Vec::new(),
            improvements: Vec::new(),
        })
        .collect();
    let index: BTreeMap<&str, usize> = s
        .teams
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    for o in objectives {
        for e in &o.evidence {
            let Some(&t) = index.get(e.team.as_str()) else {
                continue;
            };
            let when = e
                .time
                .as_deref()
                .map_or(String::new(), |t| format!(" ({t})"));
            let line = format!("{}: {}{when}", e.expectation, e.description);
            if e.outcome.starts_with("met") {
                reviews[t].strengths.push(line);
            } else if e.outcome == "missed" || e.outcome.starts_with("not met") {
                reviews[t].improvements.push(line);
            }
        }
    }
    for d in &picture.decisions {
        if plan.teams[d.team].auto {
            continue;
        }
        let inj = &s.msel[d.inject];
        let label = inj
            .decision
            .as_ref()
            .and_then(|x| x.options.get(d.option as usize))
            .map_or("?", |o| o.label.as_str());
        let when = s.start.at(d.tick).clock();
        let review = &mut reviews[d.team.ix()];
        if answered.contains(inj.id.as_str()) {
            review
                .strengths
                .push(format!("Decided on {} ({when}): {label}", inj.id));
        } else {
            review.improvements.push(format!(
                "No answer on {} in the time given: the room moved on with the default at {when} ({label})",
                inj.id
            ));
        }
    }
    reviews.retain(|r| !r.strengths.is_empty() || !r.improvements.is_empty());
    reviews
}

/// One line of the improvement plan per expectation missed or rated not met.
fn improvements(plan: &Plan, objectives: &[ObjectiveReview]) -> Vec<Improvement> {
    let s = &plan.scenario;
    let mut plan_rows = Vec::new();
    for o in objectives {
        for e in &o.evidence {
            if !(e.outcome == "missed" || e.outcome.starts_with("not met")) {
                continue;
            }
            let Some(x) = s.expectations.iter().find(|x| x.id == e.expectation) else {
                continue;
            };
            plan_rows.push(Improvement {
                issue: format!("{} ({}): {}", e.expectation, e.outcome, e.description),
                corrective_action: corrective_action(&x.check).into(),
                capability: o.title.clone(),
                responsible: e.team.clone(),
                due: String::new(),
            });
        }
    }
    plan_rows
}

/// A first corrective action for what the check looked for; the ministry edits it.
fn corrective_action(check: &Check) -> &'static str {
    match check {
        Check::IncidentOpened => {
            "Agree who reads alerts and victims' reports out of office hours, and how fast an \
             incident is opened"
        }
        Check::IncidentContained => {
            "Write an isolation runbook and agree who may take hosts off the network"
        }
        Check::IntelShared(_) => {
            "Agree in advance what is shared, at which TLP, with whom, and who approves it"
        }
        Check::IntelApplied => {
            "Name who puts received indicators to work (filters, sensors) and within what time"
        }
        Check::Isolates => {
            "Decide in advance who may cut an organisation off, and on what evidence"
        }
        Check::AssistanceRequested => {
            "Set a threshold for asking the regional hub for analysts, and who makes the call"
        }
        Check::Decides(_) => {
            "Name the decision-maker and the information they need to decide within the time"
        }
        Check::Facilitator => "Review with the facilitator's notes and agree an action",
    }
}

/// What happened, in order: the attack's milestones (first foothold per organisation, trust
/// hops, data taken, encryption), detections and incidents, intelligence produced and where it
/// was first applied, injects and decisions, infrastructure, notes and missed expectations.
fn timeline(plan: &Plan, events: &[Stamped]) -> Vec<Moment> {
    let mut held: BTreeSet<OrgIx> = BTreeSet::new();
    let mut applied: BTreeSet<(u32, IslandIx)> = BTreeSet::new();
    let mut out = Vec::new();
    for e in events {
        let keep = match &e.event {
            SimEvent::HostCompromised { org, .. } => held.insert(*org),
            SimEvent::IntelApplied { item, island, .. } => applied.insert((*item, *island)),
            SimEvent::TrustFollowed { .. }
            | SimEvent::DataExfiltrated { .. }
            | SimEvent::HostsEncrypted { .. }
            | SimEvent::RansomNoteFound { .. }
            | SimEvent::RansomPaid { .. }
            | SimEvent::IncidentOpened { .. }
            | SimEvent::IncidentContained { .. }
            | SimEvent::IncidentClosed { .. }
            | SimEvent::IntelProduced { .. }
            | SimEvent::InjectFired { .. }
            | SimEvent::InjectSent { .. }
            | SimEvent::LiveDecisionTaken { .. }
            | SimEvent::DecisionTaken { .. }
            | SimEvent::LinkCut { .. }
            | SimEvent::LinkRepaired { .. }
            | SimEvent::PowerOut { .. }
            | SimEvent::PowerRestored { .. }
            | SimEvent::ServiceDown { .. }
            | SimEvent::ServiceRestored { .. }
            | SimEvent::OrganisationIsolated { .. }
            | SimEvent::OrganisationReconnected { .. }
            | SimEvent::AccessRevoked { .. }
            | SimEvent::AssistanceDispatched { .. }
            | SimEvent::AssistanceArrived { .. }
            | SimEvent::DdosStarted { .. }
            | SimEvent::CampaignCancelled { .. }
            | SimEvent::ExpectationMissed { .. }
            | SimEvent::Note { .. } => true,
            _ => false,
        };
        if keep {
            out.push(Moment {
                time: plan.scenario.start.at(e.tick).clock(),
                text: super::narrate::describe(plan, &e.event),
            });
        }
    }
    out
}

fn island_figures(
    plan: &Plan,
    summary: &RunSummary,
    picture: &OperatingPicture,
    end: u64,
) -> Vec<IslandFigures> {
    summary
        .islands
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let island = &picture.islands[i];
            IslandFigures {
                id: s.id.clone(),
                name: s.name.clone(),
                hosts_compromised: s.hosts_compromised,
                hosts_encrypted: s.hosts_encrypted,
                first_detection: island
                    .first_detection
                    .map(|t| plan.scenario.start.at(t).clock()),
                first_detected_by: island.first_detected_by.map(str::to_string),
                incidents: s.incidents,
                service_hours_down: s.service_down_minutes as f64 / 60.0,
                time_with_a_service_down: Span(island.minutes_with_a_service_down(end)).to_string(),
                loss_usd: s.loss_usd,
                owed_usd: s.committed_usd,
            }
        })
        .collect()
}

/// What each decision's other options would have cost: the exercise replayed from the start
/// with the same seed and the same commands, but the other option taken at the same moment
/// (a command the MSEL's default would otherwise have answered), to the same end. Exact for
/// the model: one run, not a forecast.
pub fn counterfactuals(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    events: &[Stamped],
    seeds: u64,
) -> Result<Vec<Counterfactual>, String> {
    let played = summarise_end(plan, seed, end, events);
    // For a spread over seeds: each other seed's run with the commands as played.
    let others: Vec<u64> = (1..seeds.max(1)).map(|k| seed.wrapping_add(k)).collect();
    // ... and when each decision was taken there (a trigger can fire at another minute).
    let bases = over(&others, |s| {
        replay_with(plan, s, commands, end, None).map(|e| {
            let taken: BTreeMap<InjectIx, u64> = e
                .iter()
                .filter_map(|x| match x.event {
                    SimEvent::DecisionTaken { inject, .. } => Some((inject, x.tick)),
                    _ => None,
                })
                .collect();
            (summarise_end(plan, s, end, &e), taken)
        })
    })?;
    let s = &plan.scenario;
    let mut out = Vec::new();
    let decisions: Vec<(u64, TeamIx, InjectIx, u32)> = events
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::DecisionTaken {
                team,
                inject,
                option,
            } => Some((e.tick, team, inject, option)),
            _ => None,
        })
        .collect();
    for (tick, team, inject, option) in decisions {
        let inj = &s.msel[inject];
        let Some(d) = inj.decision.as_ref() else {
            continue;
        };
        let mut alternatives = Vec::new();
        for (k, alt) in d.options.iter().enumerate() {
            if k as u32 == option {
                continue;
            }
            let change = (tick, team, inject, alt.id.as_str());
            let events = alternative_run(plan, seed, commands, end, change)?;
            let other = summarise_end(plan, seed, end, &events);
            let spread = if others.is_empty() {
                None
            } else {
                // On each other seed, the other option where that seed's decision was taken.
                let runs: Vec<(u64, Option<u64>)> = others
                    .iter()
                    .zip(&bases)
                    .map(|(s, b)| (*s, b.1.get(&inject).copied()))
                    .collect();
                let alts = over(&others, |s| {
                    let at = runs.iter().find(|r| r.0 == s).and_then(|r| r.1);
                    match at {
                        Some(t) => {
                            replay_with(plan, s, commands, end, Some((t, team, inject, &alt.id)))
                                .map(|e| Some(summarise_end(plan, s, end, &e)))
                        }
                        // Never put on that seed: no alternative to take.
                        None => Ok(None),
                    }
                })?;
                let mut loss: Vec<f64> = vec![other.loss_usd - played.loss_usd];
                let mut encrypted: Vec<f64> =
                    vec![other.hosts_encrypted as f64 - played.hosts_encrypted as f64];
                for (a, b) in alts.iter().zip(&bases) {
                    let a = a.unwrap_or(b.0);
                    loss.push(a.loss_usd - b.0.loss_usd);
                    encrypted.push(a.hosts_encrypted as f64 - b.0.hosts_encrypted as f64);
                }
                let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
                Some(Spread {
                    seeds: loss.len() as u64,
                    loss_mean: mean(&loss),
                    loss_low: loss.iter().copied().fold(f64::INFINITY, f64::min),
                    loss_high: loss.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    hosts_encrypted_mean: mean(&encrypted),
                })
            };
            alternatives.push(EndFigures::difference(
                (alt.id.clone(), alt.label.clone()),
                other,
                played,
                spread,
            ));
        }
        out.push(Counterfactual {
            inject: inj.id.clone(),
            prompt: d.prompt.clone(),
            team: s.teams[team].id.clone(),
            time: s.start.at(tick).clock(),
            tick,
            taken: d
                .options
                .get(option as usize)
                .map_or("?".into(), |o| o.label.clone()),
            alternatives,
        });
    }
    Ok(out)
}

/// Region-wide figures at the end of a run, to compare one run with another.
#[derive(Clone, Copy, Debug, PartialEq)]
struct EndFigures {
    hosts_compromised: u64,
    hosts_encrypted: u64,
    service_hours_down: f64,
    loss_usd: f64,
    owed_usd: f64,
}

impl EndFigures {
    /// What the `other` run changed against the one `played`, as an alternative (its option's
    /// id and label) with the spread over seeds if one was run.
    fn difference(
        (option, label): (String, String),
        other: EndFigures,
        played: EndFigures,
        spread: Option<Spread>,
    ) -> Alternative {
        Alternative {
            option,
            label,
            hosts_compromised: other.hosts_compromised as i64 - played.hosts_compromised as i64,
            hosts_encrypted: other.hosts_encrypted as i64 - played.hosts_encrypted as i64,
            service_hours_down: other.service_hours_down - played.service_hours_down,
            loss_usd: other.loss_usd - played.loss_usd,
            owed_usd: other.owed_usd - played.owed_usd,
            spread,
        }
    }
}

fn summarise_end(plan: &Plan, seed: u64, end: u64, events: &[Stamped]) -> EndFigures {
    let summary = super::summarise(plan, seed, end, String::new(), events);
    let sum = |f: fn(&super::IslandSummary) -> f64| summary.islands.iter().map(f).sum::<f64>();
    EndFigures {
        hosts_compromised: summary.islands.iter().map(|i| i.hosts_compromised).sum(),
        hosts_encrypted: summary.islands.iter().map(|i| i.hosts_encrypted).sum(),
        service_hours_down: sum(|i| i.service_down_minutes as f64 / 60.0),
        loss_usd: sum(|i| i.loss_usd),
        owed_usd: sum(|i| i.committed_usd),
    }
}

/// The events of the exercise replayed with `option` taken on `inject` at `tick` instead of
/// what was decided (a recorded decision on that inject is left out).
pub fn alternative_run(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    change: (u64, TeamIx, InjectIx, &str),
) -> Result<Vec<Stamped>, String> {
    replay_with(plan, seed, commands, end, Some(change))
}

/// The exercise's commands replayed on `seed` to `end`, with a decision changed if given.
fn replay_with(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    change: Option<(u64, TeamIx, InjectIx, &str)>,
) -> Result<Vec<Stamped>, String> {
    let s = &plan.scenario;
    let changed = change.map(|(_, _, inject, _)| s.msel[inject].id.clone());
    let extra = change.map(|(tick, team, inject, option)| {
        (
            tick,
            Command::Decide {
                team: s.teams[team].id.clone(),
                inject: s.msel[inject].id.clone(),
                option: option.to_string(),
            },
        )
    });
    replay_changed(
        plan,
        seed,
        commands,
        end,
        changed.as_deref(),
        extra.into_iter().collect(),
    )
}

/// The exercise's commands replayed on `seed` to `end`, leaving out the decision on `drop` and
/// adding `extra`.
fn replay_changed(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    drop: Option<&str>,
    extra: Vec<(u64, Command)>,
) -> Result<Vec<Stamped>, String> {
    let mut list: Vec<Issued> = commands
        .iter()
        .filter(|c| {
            c.tick < end
                && !matches!(&c.command, Command::Decide { inject: i, .. } if Some(i.as_str()) == drop)
        })
        .cloned()
        .collect();
    list.extend(extra.into_iter().map(Issued::from));
    list.sort_by_key(|c| c.tick);
    let mut session = crate::exercise::session::Session::new(plan.clone(), seed);
    session.add_from(list);
    session.run_until(end)?;
    Ok(session.sim.events().to_vec())
}

/// An expectation missed where the action it looked for is a command (a share at the expected
/// marking, a request for assistance): the exercise replayed with that command given when the
/// expectation began, against the exercise as played.
#[derive(Clone, Debug, Serialize)]
pub struct MissedAction {
    pub expectation: String,
    pub team: String,
    /// The action, in words, and when it is taken.
    pub action: String,
    pub time: String,
    pub difference: Alternative,
}

pub fn missed_actions(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    events: &[Stamped],
) -> Result<Vec<MissedAction>, String> {
    let played = summarise_end(plan, seed, end, events);
    let s = &plan.scenario;
    let mut out = Vec::new();
    for e in events {
        let SimEvent::ExpectationMissed { expectation } = e.event else {
            continue;
        };
        let x = &s.expectations[expectation.ix()];
        // When the expectation began: its deadline less its window.
        let at = e.tick.saturating_sub(x.within.0);
        let team = plan.ids.teams.get(&x.team);
        let (orders, action) = match &x.check {
            Check::IntelShared(tlp) => {
                let share = Command::ShareIntel {
                    team: x.team.clone(),
                    tlp: *tlp,
                };
                // Trainees scope only on order: scope the incident they had, then share.
                let incident = events.iter().find_map(|e| match e.event {
                    SimEvent::IncidentOpened { team: t, org, .. }
                        if Some(t) == team && e.tick <= at =>
                    {
                        Some(org)
                    }
                    _ => None,
                });
                let scope = team
                    .filter(|t| !plan.teams[*t].auto)
                    .and(incident)
                    .map(|org| Command::Investigate {
                        team: x.team.clone(),
                        org: s.organisations[org.ix()].id.clone(),
                    });
                let what = match scope {
                    Some(_) => format!("{} scopes its incident and shares at TLP:{tlp:?}", x.team),
                    None => format!("{} shares its findings at TLP:{tlp:?}", x.team),
                };
                (scope.into_iter().chain([share]).collect::<Vec<_>>(), what)
            }
            Check::AssistanceRequested => (
                vec![Command::RequestAssistance {
                    team: x.team.clone(),
                }],
                format!("{} asks the hub for analysts", x.team),
            ),
            _ => continue,
        };
        let extra: Vec<(u64, Command)> = orders.into_iter().map(|c| (at, c)).collect();
        let other = replay_changed(plan, seed, commands, end, None, extra)?;
        let other = summarise_end(plan, seed, end, &other);
        out.push(MissedAction {
            expectation: x.id.clone(),
            team: x.team.clone(),
            action: action.clone(),
            time: s.start.at(at).clock(),
            difference: EndFigures::difference((x.id.clone(), action), other, played, None),
        });
    }
    Ok(out)
}

/// `run` for each seed, on two threads at most (results in seed order, whatever the threads).
fn over<T: Send>(
    seeds: &[u64],
    run: impl Fn(u64) -> Result<T, String> + Sync,
) -> Result<Vec<T>, String> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(seeds.len().max(1));
    let chunk = seeds.len().div_ceil(workers.max(1)).max(1);
    let run = &run;
    std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|s| run(*s)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("a replay panicked".into())])
            })
            .collect()
    })
}

/// Where the console's "End exercise" writes the report: beside the journal
/// (`exercise.jsonl` -> `exercise-report.html` and `.md`), or without one `after-action.html`
/// and `.md` in the working directory; never over an existing file (`-2`, `-3`, ...).
pub fn report_paths(journal: Option<&std::path::Path>) -> [std::path::PathBuf; 2] {
    let stem = match journal {
        Some(j) => {
            let name = j
                .file_stem()
                .map_or("exercise".into(), |s| s.to_string_lossy().into_owned());
            j.with_file_name(format!("{name}-report"))
        }
        None => std::path::PathBuf::from("after-action"),
    };
    let free = |k: u32| {
        let base = if k == 1 {
            stem.clone()
        } else {
            let name = stem.file_name().unwrap_or_default().to_string_lossy();
            stem.with_file_name(format!("{name}-{k}"))
        };
        [base.with_extension("html"), base.with_extension("md")]
    };
    (1..)
        .map(free)
        .find(|[h, m]| !h.exists() && !m.exists())
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    #[test]
    fn the_report_goes_beside_the_journal_and_never_over_a_file() {
        let dir = std::env::temp_dir().join(format!("tidewatch-aar-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        let journal = dir.join("drill.jsonl");
        let [html, md] = report_paths(Some(&journal));
        assert_eq!(html, dir.join("drill-report.html"));
        assert_eq!(md, dir.join("drill-report.md"));
        std::fs::write(&html, "an earlier report").unwrap();
        let [html2, md2] = report_paths(Some(&journal));
        assert_eq!(
            (html2, md2),
            (
                dir.join("drill-report-2.html"),
                dir.join("drill-report-2.md")
            )
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn an_alternative_says_what_it_would_have_changed_in_words() {
        let a = Alternative {
            option: "isolate".into(),
            label: "Isolate".into(),
            hosts_compromised: -18,
            hosts_encrypted: 0,
            service_hours_down: 36.0,
            loss_usd: -1_600_000.0,
            owed_usd: 0.0,
            spread: None,
        };
        assert_eq!(
            a.sentence(),
            "18 fewer hosts compromised, 36 more service-hours down, US$1.6M less lost"
        );
        let same = Alternative {
            hosts_compromised: 0,
            service_hours_down: 0.0,
            loss_usd: 0.0,
            ..a
        };
        assert_eq!(same.sentence(), "no difference by the end of the exercise");
    }

    #[test]
    fn a_missed_share_is_replayed_as_if_given_when_it_was_expected() {
        let plan = TinyRegion::new()
            .island("A", true, false)
            .org("gov", "A", 40, 0.8, 0.2)
            .team(
                "csirt",
                "NationalCsirt",
                Some("A"),
                2,
                "AroundTheClock",
                false,
            )
            .campaign(
                "crew",
                "D1 09:00",
                "Island(\"A\")",
                &["T1566.001", "T1087", "T1021.002"],
            )
            .field(
                "objectives: [Objective(id: \"O1\", title: \"Share\")], \
                 expectations: [Expectation(id: \"E1\", team: \"csirt\", objective: \"O1\", \
                 description: \"Share at GREEN\", after: FirstIncident(\"A\"), within: \"2h\", \
                 check: IntelShared(Green))]",
            )
            .plan();
        let end = 2 * 24 * 60;
        let mut missed_somewhere = false;
        for seed in 1..=5 {
            let mut session = crate::exercise::session::Session::new(plan.clone(), seed);
            session.run_until(end).unwrap();
            let events = session.sim.events().to_vec();
            let missed = missed_actions(&plan, seed, &[], end, &events).unwrap();
            let was_missed = events
                .iter()
                .any(|e| matches!(e.event, SimEvent::ExpectationMissed { .. }));
            assert_eq!(missed.len(), was_missed as usize, "seed {seed}");
            if let Some(m) = missed.first() {
                missed_somewhere = true;
                assert_eq!(
                    m.action,
                    "csirt scopes its incident and shares at TLP:Green"
                );
                // Replayed with the share: the expectation is met this time.
                let at = events
                    .iter()
                    .find(|e| matches!(e.event, SimEvent::ExpectationMissed { .. }))
                    .unwrap()
                    .tick
                    - 120;
                assert_eq!(m.time, plan.scenario.start.at(at).clock());
                let orders = vec![
                    (
                        at,
                        Command::Investigate {
                            team: "csirt".into(),
                            org: "gov".into(),
                        },
                    ),
                    (
                        at,
                        Command::ShareIntel {
                            team: "csirt".into(),
                            tlp: crate::scenario::Tlp::Green,
                        },
                    ),
                ];
                let again = replay_changed(&plan, seed, &[], end, None, orders).unwrap();
                assert!(
                    again
                        .iter()
                        .any(|e| matches!(e.event, SimEvent::ExpectationMet { .. })),
                    "seed {seed}"
                );
            }
        }
        assert!(missed_somewhere, "trainees who never act miss the share");
    }

    #[test]
    fn an_expectation_only_the_facilitator_rates_is_not_rated_not_failed() {
        let plan = TinyRegion::new()
            .island("A", true, false)
            .org("gov", "A", 10, 0.5, 0.5)
            .csirt("csirt", "A")
            .field(
                "objectives: [Objective(id: \"O1\", title: \"Talk to the press\")], \
                 expectations: [Expectation(id: \"E1\", team: \"csirt\", objective: \"O1\", \
                 description: \"A public line\", after: At(\"D1 09:00\"), within: \"1h\", \
                 check: Facilitator)]",
            )
            .plan();
        let r = after_action(&plan, 1, 600, &[], &[], (vec![], vec![]));
        let o = &r.objectives[0];
        assert_eq!(o.evidence[0].outcome, "not rated");
        assert_eq!((o.rating.as_str(), o.rated), ("-", 0));
        assert!(r.improvement_plan.is_empty(), "nothing to improve on");
    }
}
