//! The after-action report (HSEEP AAR/IP): the exercise as played, from its events only - the
//! overview, each objective's rating with the evidence behind it, strengths and areas for
//! improvement per team, the timeline, per-island figures, the facilitator's notes, an
//! improvement plan the ministry fills in, and what each decision's other options would have
//! cost (the journal replayed with the other choice; see `counterfactual`).
//!
//! One structure, three renderings: Markdown for a repository, a self-contained HTML page that
//! prints to PDF, and JSON (the structure itself) for other tools.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

mod brief;
mod findings;
mod improve;
mod judged;

pub use brief::{ExecutiveSummary, Scope};
pub use improve::{Element, Improvement, PlanFile, PlannedAction};

use super::counterfactual::{Counterfactual, MissedAction};
use super::picture::OperatingPicture;
use super::rehearsal::score;
use super::summary::{RunSummary, summary_of};
use crate::exercise::assessment::Rated;
use crate::scenario::ids::ExpectationIx;
use crate::scenario::{Check, CheckPlan, Command, Issued, Plan};
use crate::sim::events::{SimEvent, Stamped};
use crate::time::Span;
pub use findings::{FindingsScore, Tally};

#[derive(Clone, Debug, Serialize)]
pub struct AfterAction {
    /// The first page, for the minister.
    pub summary: ExecutiveSummary,
    pub scope: Scope,
    pub overview: Overview,
    pub objectives: Vec<ObjectiveReview>,
    pub teams: Vec<TeamReview>,
    /// Each submission of findings, scored against what was true when it was made.
    pub findings: Vec<FindingsScore>,
    pub timeline: Vec<Moment>,
    pub islands: Vec<IslandFigures>,
    /// Drawn as SVG in the HTML; the JSON and the Markdown carry their titles and captions.
    pub charts: Vec<super::charts::Chart>,
    pub notes: Notes,
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
    /// The seats that gave orders, from the journal (a seat that joined and gave none left
    /// no trace there), in the order they first did.
    pub participants: Vec<Participant>,
    pub islands: Vec<String>,
    /// Set when the journal's record stops without a clean end: the report then covers less
    /// than was played, and says so first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unfinished: Option<String>,
    /// Set when the scenario compresses campaigns so their attacks land within the exercise:
    /// the figures follow that pace, not the published one, and the report says so beside them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compressed: Option<String>,
}

/// A seat of the lab, as the journal names it (`ag-npc/1 chromium (192.168.8.21)`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Participant {
    pub seat: String,
    /// The team it sat for (`@facilitator` for the facilitator's own seat).
    pub team: String,
    pub orders: usize,
    pub first: String,
    pub last: String,
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
    /// Whose expectations the rating counts: those of the teams people played, or every team's
    /// when people played none (a rehearsal).
    pub rated_over: String,
    pub evidence: Vec<Evidence>,
    /// The simulated teams' expectations when people played some team: context, not rated.
    pub context: Vec<Evidence>,
}

impl ObjectiveReview {
    /// How the rating came about, in a sentence.
    pub fn summary(&self) -> String {
        match (self.rated, self.evidence.is_empty()) {
            (0, true) => format!("No expectation of {} under it: not rated.", self.rated_over),
            (0, false) => format!(
                "None of the expectations of {} was rated (not due yet, or left to the \
                 facilitator, who did not rate it).",
                self.rated_over
            ),
            (rated, _) => format!(
                "{} of {rated} rated expectations met, of {}.",
                self.met, self.rated_over
            ),
        }
    }
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
    /// Decisions neither a strength nor an area for improvement: no measurable difference
    /// from the other options, or a choice the model plays nothing of (for discussion).
    pub decisions: Vec<String>,
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
    /// Of the loss, services down because of the script's own outages (cable cuts, power):
    /// what no team could change.
    pub loss_scripted_usd: f64,
    pub owed_usd: f64,
}

/// What was played, as recorded: the events, the commands as given (with their seats), and
/// the facilitator's ratings given after the exercise (`exercise::assessment`), which count as
/// judgements at its end.
#[derive(Clone, Copy)]
pub struct Played<'a> {
    pub events: &'a [Stamped],
    pub commands: &'a [Issued],
    pub rated_after: &'a [Rated],
}

impl<'a> Played<'a> {
    pub fn new(events: &'a [Stamped], commands: &'a [Issued]) -> Self {
        Played {
            events,
            commands,
            rated_after: &[],
        }
    }
}

/// The ratings given after the exercise as judgements at its end, to fold like any other, so
/// the picture stays the one place an expectation's outcome is decided.
pub fn judged_after(end: u64, rated: &[Rated]) -> Vec<Stamped> {
    (rated.iter())
        .map(|r| Stamped {
            tick: end,
            event: SimEvent::ExpectationValidated {
                expectation: r.expectation,
                met: r.met,
                note: r.note.clone(),
            },
        })
        .collect()
}

/// The report of an exercise played to `end` (ticks), from its events; the counterfactuals are
/// computed apart (they replay the journal) and passed in.
pub fn after_action(
    plan: &Plan,
    seed: u64,
    end: u64,
    played: Played,
    (counterfactuals, missed_actions): (Vec<Counterfactual>, Vec<MissedAction>),
) -> AfterAction {
    let Played {
        events, commands, ..
    } = played;
    let judged_after = judged_after(end, played.rated_after);
    let picture = if judged_after.is_empty() {
        OperatingPicture::of(plan, events)
    } else {
        OperatingPicture::of(plan, &[events, &judged_after].concat())
    };
    let after: BTreeSet<ExpectationIx> = played.rated_after.iter().map(|r| r.expectation).collect();
    let summary = summary_of(&picture, plan, seed, end, String::new(), events.len());
    let clock = |t: u64| plan.scenario.start.at(t).clock();
    let objectives = objective_reviews(plan, &picture, &after);
    // Decisions the trainees gave themselves (the rest were the room's default, or the model's
    // for simulated teams).
    let answered: BTreeSet<&str> = commands
        .iter()
        .filter_map(|c| match &c.command {
            Command::Decide { inject, .. } => Some(inject.as_str()),
            _ => None,
        })
        .collect();
    let loss: f64 = summary.islands.iter().map(|i| i.loss_usd).sum();
    let judged = (&answered, &counterfactuals[..], loss);
    let mut improvement_plan = improvements(plan, &picture, &objectives, &answered);
    let (teams, findings) =
        team_reviews(plan, &picture, &objectives, judged, &mut improvement_plan);
    let islands = island_figures(plan, &summary, &picture, end);
    AfterAction {
        summary: brief::executive_summary(
            plan,
            (&objectives, &teams),
            &islands,
            &counterfactuals,
            end,
        ),
        scope: brief::scope(plan, end),
        overview: overview(plan, seed, end, commands),
        objectives,
        teams,
        findings,
        timeline: super::narrate::milestones(plan, events)
            .into_iter()
            .map(|(tick, text)| Moment {
                time: clock(tick),
                text,
            })
            .collect(),
        islands,
        charts: super::charts::charts(plan, &picture, end),
        notes: notes(plan, &picture, (&after, commands)),
        improvement_plan,
        counterfactuals,
        missed_actions,
    }
}

/// What the scenario's compressed campaigns do to the figures, in a sentence, if it has any.
fn compression_note(plan: &Plan) -> Option<String> {
    let compressed = plan.compressed_campaigns();
    if compressed.is_empty() {
        return None;
    }
    let which = (compressed.iter())
        .map(|(id, f)| format!("{id} at {:.0}%", 100.0 * f))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "The scenario runs {which} of the technique catalog's stage times, so that its attack \
         lands within the exercise: those intrusions reach exfiltration and encryption faster \
         than published figures (Sophos 2025: about 73 h from foothold to exfiltration), and the \
         figures below follow the scenario's pace (tidewatch calibrate shows both)."
    ))
}

/// The seats that gave orders, in the order they first did, with how many and when.
fn participants(plan: &Plan, commands: &[Issued]) -> Vec<Participant> {
    let clock = |t: u64| plan.scenario.start.at(t).clock();
    let mut out: Vec<Participant> = Vec::new();
    for c in commands {
        let Some(seat) = &c.seat else { continue };
        match out.iter_mut().find(|p| p.seat == *seat) {
            Some(p) => {
                p.orders += 1;
                p.last = clock(c.tick);
            }
            None => out.push(Participant {
                seat: seat.clone(),
                team: seat.split('/').next().unwrap_or_default().to_string(),
                orders: 1,
                first: clock(c.tick),
                last: clock(c.tick),
            }),
        }
    }
    out
}

fn overview(plan: &Plan, seed: u64, end: u64, commands: &[Issued]) -> Overview {
    let s = &plan.scenario;
    Overview {
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
        participants: participants(plan, commands),
        islands: s.islands.iter().map(|i| i.name.clone()).collect(),
        unfinished: None,
        compressed: compression_note(plan),
    }
}

/// Each objective rated over its expectations, with the evidence.
fn objective_reviews(
    plan: &Plan,
    picture: &OperatingPicture,
    after: &BTreeSet<ExpectationIx>,
) -> Vec<ObjectiveReview> {
    // The facilitator's note on each expectation rated by hand (the last one given).
    let notes_on: BTreeMap<ExpectationIx, &str> = picture
        .notes
        .iter()
        .filter_map(|n| Some((n.on?, n.text.as_str())))
        .collect();
    let evidence_of = |list: &[usize]| -> Vec<Evidence> {
        (list.iter())
            .map(|k| evidence(plan, picture, ExpectationIx::from(*k), (&notes_on, after)))
            .collect()
    };
    plan.scenario
        .objectives
        .iter()
        .enumerate()
        .map(|(oi, o)| {
            // Only what was rated counts: an expectation left for the facilitator and not
            // rated is no failure (the one rule the rehearsal also rates by).
            let score = score(plan, picture, oi);
            ObjectiveReview {
                id: o.id.clone(),
                title: o.title.clone(),
                rating: score.rating.into(),
                met: score.met,
                rated: score.rated,
                rated_over: score.over.into(),
                evidence: evidence_of(&score.counted),
                context: evidence_of(&score.context),
            }
        })
        .collect()
}

/// How an expectation settled, when, and the facilitator's note on it.
fn evidence(
    plan: &Plan,
    picture: &OperatingPicture,
    k: ExpectationIx,
    (notes_on, after): (&BTreeMap<ExpectationIx, &str>, &BTreeSet<ExpectationIx>),
) -> Evidence {
    let e = &plan.scenario.expectations[k.ix()];
    let o = picture.outcome(k);
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
        time: o.map(|o| match after.contains(&k) {
            true => AFTER.to_string(),
            false => plan.scenario.start.at(o.1).clock(),
        }),
        note: notes_on.get(&k).map(|n| n.to_string()),
    }
}

/// When a rating given with `tidewatch rate` was given, as the report says it.
const AFTER: &str = "after the exercise";

/// The notes of the record, by who wrote them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Notes {
    /// The facilitator's: from the console, the terminal or a command file, and those given
    /// with a rating (during or after the exercise).
    pub facilitator: Vec<Moment>,
    /// The trainees', from their seats, each with its team.
    pub trainees: Vec<Moment>,
    /// The script's own (a decision option's `Note` effect) and the exercise's record (a
    /// decision refused, and why).
    pub scripted: Vec<Moment>,
}

impl Notes {
    pub fn is_empty(&self) -> bool {
        self.facilitator.is_empty() && self.trainees.is_empty() && self.scripted.is_empty()
    }

    /// Each author's notes under its heading, those with none left out.
    pub fn by_author(&self) -> Vec<(&'static str, &[Moment])> {
        [
            ("The facilitator's", &self.facilitator[..]),
            ("The trainees' (from their seats)", &self.trainees[..]),
            (
                "The script's and the record's (a decision's scripted note, a refused decision)",
                &self.scripted[..],
            ),
        ]
        .into_iter()
        .filter(|(_, n)| !n.is_empty())
        .collect()
    }
}

impl AfterAction {
    /// The improvement plan's rows under a capability (an objective's title).
    pub fn rows_under<'a>(&'a self, capability: &'a str) -> impl Iterator<Item = &'a Improvement> {
        (self.improvement_plan.iter()).filter(move |p| p.capability == capability)
    }

    /// The rows no objective names (decision-making, containment).
    pub fn rows_outside_objectives(&self) -> Vec<&Improvement> {
        (self.improvement_plan.iter())
            .filter(|p| !self.objectives.iter().any(|o| o.title == p.capability))
            .collect()
    }
}

/// The record's notes split by author: the scenario's effects are the script's; a note given
/// as a command is its seat's (a trainee team's, or the facilitator's when from the
/// facilitator's seat, the console or a command file); a refused decision is the record's.
fn notes(
    plan: &Plan,
    picture: &OperatingPicture,
    (after, commands): (&BTreeSet<ExpectationIx>, &[Issued]),
) -> Notes {
    use crate::scenario::Action;
    let s = &plan.scenario;
    let scripted: BTreeSet<&str> = (plan.injects.iter())
        .flat_map(|i| i.effects.iter().chain(i.option_effects.iter().flatten()))
        .filter_map(|a| match a {
            Action::Note(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    // Who gave each note command: its seat's team (`None`: the facilitator).
    let mut given: Vec<(u64, &str, Option<&str>)> = (commands.iter())
        .filter_map(|c| match &c.command {
            Command::Note(t) => Some((
                c.tick,
                t.as_str(),
                c.seat
                    .as_deref()
                    .and_then(|seat| seat.split('/').next())
                    .filter(|team| !team.starts_with('@')),
            )),
            _ => None,
        })
        .collect();
    let mut out = Notes::default();
    for n in &picture.notes {
        let time = match n.on {
            Some(x) if after.contains(&x) => AFTER.to_string(),
            _ => s.start.at(n.tick).clock(),
        };
        if let Some(x) = n.on {
            out.facilitator.push(Moment {
                time,
                text: format!("{}: {}", s.expectations[x.ix()].id, n.text),
            });
            continue;
        }
        let by = given
            .iter()
            .position(|(t, text, _)| *t == n.tick && *text == n.text)
            .map(|k| given.remove(k).2);
        let moment = |text: String| Moment {
            time: time.clone(),
            text,
        };
        match by {
            Some(Some(team)) => out.trainees.push(moment(format!("{team}: {}", n.text))),
            Some(None) => out.facilitator.push(moment(n.text.clone())),
            None if scripted.contains(n.text.as_str()) || n.text.starts_with("a decision on ") => {
                out.scripted.push(moment(n.text.clone()))
            }
            None => out.facilitator.push(moment(n.text.clone())),
        }
    }
    out
}

/// Strengths and areas for improvement per team, from the evidence: expectations met and
/// missed, decisions taken.
fn team_reviews(
    plan: &Plan,
    picture: &OperatingPicture,
    objectives: &[ObjectiveReview],
    judged: (&BTreeSet<&str>, &[Counterfactual], f64),
    rows: &mut Vec<Improvement>,
) -> (Vec<TeamReview>, Vec<FindingsScore>) {
    let s = &plan.scenario;
    let mut reviews: Vec<TeamReview> = s
        .teams
        .iter()
        .map(|t| TeamReview {
            team: t.id.clone(),
            name: t.name.clone(),
            strengths: Vec::new(),
            improvements: Vec::new(),
            decisions: Vec::new(),
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
    decision_reviews(plan, picture, judged, (&mut reviews, &mut *rows));
    early_containment(plan, picture, (&mut reviews, &mut *rows));
    let scored = findings::findings(plan, picture, (&mut reviews, &mut *rows));
    reviews.retain(|r| {
        !r.strengths.is_empty() || !r.improvements.is_empty() || !r.decisions.is_empty()
    });
    (reviews, scored)
}

/// The trainees' decisions: judged on their counterfactuals (a strength, an area for
/// improvement with its plan row, or listed), or left to the room's default (an area for
/// improvement, with a row unless a missed expectation already has one).
fn decision_reviews(
    plan: &Plan,
    picture: &OperatingPicture,
    (answered, counterfactuals, loss): (&BTreeSet<&str>, &[Counterfactual], f64),
    (reviews, rows): (&mut [TeamReview], &mut Vec<Improvement>),
) {
    let s = &plan.scenario;
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
        let row = |issue: &str, root_cause: String, action: &str, element| Improvement {
            key: inj.id.clone(),
            team: s.teams[d.team.ix()].id.clone(),
            issue: issue.to_string(),
            root_cause,
            corrective_action: action.into(),
            capability: capability_of(plan, d.inject),
            element,
            responsible: s.teams[d.team.ix()].name.clone(),
            contact: String::new(),
            start: String::new(),
            completion: String::new(),
        };
        if answered.contains(inj.id.as_str())
            && let Some(decision) = inj.decision.as_ref()
        {
            let said = format!("{} ({when})", inj.id);
            let replayed = counterfactuals.iter().find(|c| c.inject == inj.id);
            match judged::judge(decision, (&said, label), replayed, loss) {
                judged::Judged::Strength(line) => review.strengths.push(line),
                judged::Judged::Improvement(line) => {
                    rows.push(row(
                        &line,
                        "The option taken lost measurably more in the model than another; the \
                         room decided without those figures"
                            .into(),
                        "Work through the decision's options and their costs before the next \
                         exercise, and agree what evidence decides it",
                        Element::Training,
                    ));
                    review.improvements.push(line);
                }
                judged::Judged::Listed(line) => review.decisions.push(line),
            }
        } else {
            let line = format!(
                "No answer on {} in the time given: the room moved on with the default at {when} ({label})",
                inj.id
            );
            // An expectation that this team decides it, missed, already has the row.
            let covered = (plan.expectations.iter().zip(&s.expectations)).any(|(e, x)| {
                e.team == d.team
                    && matches!(e.check, CheckPlan::Decides(i) if i == d.inject)
                    && rows.iter().any(|r| r.key == x.id)
            });
            review.improvements.push(line.clone());
            if covered {
                continue;
            }
            rows.push(row(
                &line,
                format!(
                    "Nobody playing {} decided within the time the inject gave",
                    s.teams[d.team.ix()].id
                ),
                "Name the decision-maker and the information they need to decide within the time",
                Element::Organisation,
            ));
        }
    }
}

/// A trainee team that called an incident contained while the crew still held hosts it had
/// missed: what it could not see at the time, the report can.
fn early_containment(
    plan: &Plan,
    picture: &OperatingPicture,
    (reviews, rows): (&mut [TeamReview], &mut Vec<Improvement>),
) {
    let s = &plan.scenario;
    let f = &picture.footholds;
    for early in f.early.iter().filter(|x| !plan.teams[x.team].auto) {
        let after = match f.found_again(early, &picture.incidents_opened) {
            Some(t) => format!("it found the crew again at {}", s.start.at(t).clock()),
            None => "it did not find them again in the exercise".into(),
        };
        let line = format!(
            "Called incident #{} at {} contained at {} while the crew still held {} host{} the \
             investigation had missed; {after}. Sweep again before calling it contained.",
            early.incident,
            s.organisations[early.org].name,
            s.start.at(early.tick).clock(),
            early.held,
            if early.held == 1 { "" } else { "s" },
        );
        let team = &s.teams[early.team.ix()];
        rows.push(Improvement {
            key: format!("incident #{}", early.incident),
            team: team.id.clone(),
            issue: line.clone(),
            root_cause: "The investigation had not found every host the crew held, and the \
                         incident was called contained without a second sweep"
                .into(),
            corrective_action: "Make a second sweep (and a check of the accounts the crew used) \
                                part of calling an incident contained"
                .into(),
            capability: "Containment".into(),
            element: Element::Training,
            responsible: team.name.clone(),
            contact: String::new(),
            start: String::new(),
            completion: String::new(),
        });
        reviews[early.team.ix()].improvements.push(line);
    }
}

/// The capability a decision belongs to: the objective of an expectation that checks it, or
/// decision-making in general.
fn capability_of(plan: &Plan, inject: crate::scenario::ids::InjectIx) -> String {
    (plan.expectations.iter())
        .find(|e| matches!(e.check, CheckPlan::Decides(i) if i == inject))
        .map_or("Decision-making".into(), |e| {
            plan.scenario.objectives[e.objective.ix()].title.clone()
        })
}

/// The improvement plan's rows for the expectations missed or rated not met (the counted ones:
/// the trainees' when people played), each with its root cause from the record.
fn improvements(
    plan: &Plan,
    picture: &OperatingPicture,
    objectives: &[ObjectiveReview],
    answered: &BTreeSet<&str>,
) -> Vec<Improvement> {
    let s = &plan.scenario;
    let mut rows = Vec::new();
    for o in objectives {
        for e in &o.evidence {
            if !(e.outcome == "missed" || e.outcome.starts_with("not met")) {
                continue;
            }
            let Some(k) = plan.ids.expectations.get(&e.expectation) else {
                continue;
            };
            let Some((_, deadline)) = picture.outcome(k) else {
                continue;
            };
            let x = &plan.expectations[k.ix()];
            let (action, element) = improve::corrective_action(&x.check);
            let why = (answered, e.note.as_deref());
            rows.push(Improvement {
                key: e.expectation.clone(),
                team: e.team.clone(),
                issue: format!("{} ({}): {}", e.expectation, e.outcome, e.description),
                root_cause: improve::root_cause(plan, picture, (k, deadline), why),
                corrective_action: action.into(),
                capability: o.title.clone(),
                element,
                responsible: s.teams[x.team.ix()].name.clone(),
                contact: String::new(),
                start: String::new(),
                completion: String::new(),
            });
        }
    }
    rows
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
                loss_scripted_usd: s.loss_services_scripted_usd,
                owed_usd: s.committed_usd,
            }
        })
        .collect()
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

    /// A trainee team that called an incident contained while its crew still held a host is
    /// told so among its areas for improvement, with whether it found the crew again.
    #[test]
    fn a_trainee_team_learns_it_called_an_incident_contained_too_soon() {
        use crate::scenario::ids::{CampaignIx, OrgIx, TeamIx, TechniqueIx};
        use crate::sim::events::{DetectedBy, SimEvent, Stamped};
        let plan = TinyRegion::new()
            .island("A", true, false)
            .org("gov", "A", 10, 1.0, 0.0)
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
                "Organisation(\"gov\")",
                &["T1078", "T1041"],
            )
            .plan();
        let (team, org, campaign) = (TeamIx(0), OrgIx(0), CampaignIx(0));
        let at = |tick, event| Stamped { tick, event };
        let taken = |host| SimEvent::HostCompromised {
            campaign,
            org,
            host,
            technique: TechniqueIx(0),
        };
        let events = [
            at(60, taken(1)),
            at(61, taken(2)),
            at(
                90,
                SimEvent::IncidentOpened {
                    incident: 0,
                    team,
                    org,
                    campaign,
                    by: DetectedBy::Alert,
                },
            ),
            at(150, SimEvent::HostIsolated { host: 1, org, team }),
            at(150, SimEvent::IncidentContained { incident: 0 }),
        ];
        let picture = OperatingPicture::of(&plan, &events);
        let (reviews, _) = team_reviews(
            &plan,
            &picture,
            &[],
            (&BTreeSet::new(), &[], 0.0),
            &mut Vec::new(),
        );
        let lines = &reviews[0].improvements;
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("Called incident #0"), "{}", lines[0]);
        assert!(lines[0].contains("still held 1 host"), "{}", lines[0]);
        assert!(lines[0].contains("did not find them again"), "{}", lines[0]);
        // A simulated team's calls are the model's, not a lesson for the room.
        let mut auto = (*plan).clone();
        auto.teams[team].auto = true;
        assert!(
            team_reviews(
                &auto,
                &picture,
                &[],
                (&BTreeSet::new(), &[], 0.0),
                &mut Vec::new()
            )
            .0
            .is_empty()
        );
    }

    /// The seats that gave orders are the participants, in the order they first did, with
    /// how many orders and when; commands from a file (no seat) are nobody's.
    #[test]
    fn the_participants_are_the_seats_on_the_record() {
        let plan = TinyRegion::new().island("A", false, false).plan();
        let given = |tick, seat: Option<&str>| Issued {
            tick,
            command: Command::Note("x".into()),
            seat: seat.map(str::to_string),
        };
        let commands = [
            given(0, None),
            given(60, Some("a-csirt/1 chromium (10.0.0.5)")),
            given(90, Some("@facilitator/1 tablet (10.0.0.9)")),
            given(120, Some("a-csirt/1 chromium (10.0.0.5)")),
        ];
        let seats = participants(&plan, &commands);
        assert_eq!(seats.len(), 2);
        assert_eq!(
            (
                seats[0].team.as_str(),
                seats[0].orders,
                seats[0].first.as_str(),
                seats[0].last.as_str()
            ),
            ("a-csirt", 2, "D1 09:00", "D1 10:00")
        );
        assert_eq!(seats[1].team, "@facilitator");
    }

    /// An objective is rated on the teams people played: a simulated team's expectation met
    /// does not lift it, and is shown apart as context; with nobody played, every team counts.
    #[test]
    fn objectives_are_rated_on_the_teams_people_played() {
        use crate::scenario::ids::ExpectationIx;
        use crate::sim::events::{SimEvent, Stamped};
        let expectation = |id: &str, team: &str| {
            format!(
                "Expectation(id: \"{id}\", team: \"{team}\", objective: \"O1\", \
                 description: \"Open an incident\", after: At(\"D1 08:00\"), within: \"2h\", \
                 check: IncidentOpened)"
            )
        };
        let plan = TinyRegion::new()
            .island("A", true, true)
            .island("B", true, true)
            .csirt("a-csirt", "A")
            .team(
                "b-csirt",
                "NationalCsirt",
                Some("B"),
                2,
                "AroundTheClock",
                false,
            )
            .field(&format!(
                "objectives: [Objective(id: \"O1\", title: \"Detect\")], expectations: [{}, {}]",
                expectation("E1", "a-csirt"),
                expectation("E2", "b-csirt")
            ))
            .plan();
        let events = [
            Stamped {
                tick: 60,
                event: SimEvent::ExpectationMet {
                    expectation: ExpectationIx(0),
                },
            },
            Stamped {
                tick: 120,
                event: SimEvent::ExpectationMissed {
                    expectation: ExpectationIx(1),
                },
            },
        ];
        let picture = OperatingPicture::of(&plan, &events);
        let o = &objective_reviews(&plan, &picture, &BTreeSet::new())[0];
        assert_eq!((o.rating.as_str(), o.met, o.rated), ("U", 0, 1));
        assert_eq!(o.evidence.len(), 1);
        assert_eq!(o.evidence[0].team, "b-csirt");
        assert_eq!(o.context.len(), 1);
        assert_eq!(o.context[0].team, "a-csirt");
        let mut rehearsal = (*plan).clone();
        rehearsal.teams[crate::scenario::ids::TeamIx(1)].auto = true;
        let o = &objective_reviews(&rehearsal, &picture, &BTreeSet::new())[0];
        assert_eq!((o.rating.as_str(), o.met, o.rated), ("M", 1, 2));
        assert!(o.context.is_empty() && o.rated_over.contains("every team"));
    }

    /// A scenario that shortens a campaign's stages says so beside the figures, naming the
    /// campaign and how much of the catalog's pace it keeps; one at the catalog's pace says
    /// nothing.
    #[test]
    fn the_report_says_which_campaigns_the_scenario_compresses() {
        let tiny = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 10, 1.0, 0.0)
            .campaign(
                "lock",
                "D1 09:00",
                "Organisation(\"gov\")",
                &["T1078", "T1486"],
            );
        let plan = tiny.plan();
        assert_eq!(compression_note(&plan), None);
        let mut fast = (*plan).clone();
        for stage in &mut fast.campaigns[crate::scenario::ids::CampaignIx(0)].stages {
            stage.duration = Span(stage.duration.0 / 2);
        }
        let note = compression_note(&fast).unwrap_or_default();
        assert!(note.contains("lock at 50%"), "{note}");
        assert!(note.contains("tidewatch calibrate"), "{note}");
    }

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
    fn an_expectation_only_the_facilitator_rates_is_not_rated_not_failed() {
        let plan = TinyRegion::new()
            .island("A", true, false)
            .org("gov", "A", 10, 0.5, 0.5)
            .csirt("csirt", "A")
            .press_line()
            .plan();
        let r = after_action(&plan, 1, 600, Played::new(&[], &[]), (vec![], vec![]));
        let o = &r.objectives[0];
        assert_eq!(o.evidence[0].outcome, "not rated");
        assert_eq!((o.rating.as_str(), o.rated), ("-", 0));
        assert!(r.improvement_plan.is_empty(), "nothing to improve on");
    }
}
