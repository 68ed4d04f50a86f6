//! The MSEL rehearsal: which injects fired when, what each team decided, which expectations
//! were met or missed, how the objectives rate (HSEEP P/S/M/U), and which injects never fired.
//! Built from events only.

use crate::scenario::ids::ExpectationIx;
use std::collections::BTreeMap;

use serde::Serialize;

use super::picture::OperatingPicture;
use crate::scenario::Plan;
use crate::sim::events::Stamped;

#[derive(Clone, Debug, Serialize)]
pub struct FiredInject {
    pub id: String,
    pub time: String,
    pub phase: String,
    pub title: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DecisionRecord {
    pub inject: String,
    pub team: String,
    pub option: String,
    pub time: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExpectationRecord {
    pub id: String,
    pub team: String,
    pub objective: String,
    pub description: String,
    /// `met`, `missed`, `met (facilitator)`, `not met (facilitator)`, or `open`.
    pub outcome: String,
    pub time: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveRating {
    pub id: String,
    pub title: String,
    /// HSEEP: P performed without challenges, S with some, M with major challenges, U unable
    /// to be performed, over the rated expectations (`rehearsal::rating`); `-` when none was.
    pub rating: String,
    pub met: usize,
    pub rated: usize,
    /// The expectations that count (the trainees' when people played some team).
    pub total: usize,
}

/// One inject as the exercise's structure lists it: to whom, when, and what became of it.
#[derive(Clone, Debug, Serialize)]
pub struct PlannedInject {
    pub id: String,
    pub title: String,
    /// What it waits for: "D1 09:00", "ransom note on GD or D9 03:47", "by hand".
    pub when: String,
    /// Team ids it is addressed to.
    pub to: Vec<String>,
    pub channel: String,
    /// `fired D1 09:00`, `skipped`, `overtaken`, or `not fired`.
    pub outcome: String,
}

/// A module of the exercise (or, for an MSEL without modules, a move named in `phase`).
#[derive(Clone, Debug, Serialize)]
pub struct ModuleRecord {
    /// The module's id; empty for a move.
    pub id: String,
    pub title: String,
    pub planned: Option<String>,
    pub pause: bool,
    /// For the facilitator.
    pub guidance: String,
    pub questions: Vec<String>,
    /// When it started and ended, if it did.
    pub ran: Option<(String, Option<String>)>,
    pub injects: Vec<PlannedInject>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Rehearsal {
    /// The MSEL's modules (or moves) in order, each with its injects and their recipients.
    pub structure: Vec<ModuleRecord>,
    pub fired: Vec<FiredInject>,
    pub never_fired: Vec<String>,
    pub decisions: Vec<DecisionRecord>,
    pub expectations: Vec<ExpectationRecord>,
    pub objectives: Vec<ObjectiveRating>,
}

/// HSEEP-style rating from the share of the rated expectations that were met; `-` when none
/// was rated. An expectation not rated (left to the facilitator, or not due) is no failure: the
/// rehearsal and the report rate by this one rule.
pub fn rating(met: usize, rated: usize) -> &'static str {
    if rated == 0 {
        return "-";
    }
    let share = met as f64 / rated as f64;
    if share >= 0.999 {
        "P"
    } else if share >= 2.0 / 3.0 {
        "S"
    } else if share >= 1.0 / 3.0 {
        "M"
    } else {
        "U"
    }
}

/// An objective scored: over the expectations of the teams people played (every team's when
/// people played none, a rehearsal), the simulated teams' kept apart as context.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// The expectations that count, by index.
    pub counted: Vec<usize>,
    /// The simulated teams' expectations when people played some team.
    pub context: Vec<usize>,
    pub met: usize,
    pub rated: usize,
    pub rating: &'static str,
    /// Whose expectations count, in words.
    pub over: &'static str,
}

/// Objective `oi` scored on the picture by the one rating rule.
pub fn score(plan: &Plan, picture: &OperatingPicture, oi: usize) -> Score {
    // A simulated team's expectations are the model's doing, not the room's.
    let people = plan.teams.iter().any(|t| !t.auto);
    let counts = |k: &usize| !people || !plan.teams[plan.expectations[*k].team].auto;
    let (counted, context): (Vec<usize>, Vec<usize>) =
        expectations_of(plan, oi).into_iter().partition(counts);
    let outcomes =
        || (counted.iter()).filter_map(|k| picture.outcome(ExpectationIx::from(*k)).map(|o| o.0));
    let rated = outcomes().count();
    let met = outcomes().filter(|o| o.met()).count();
    Score {
        rating: rating(met, rated),
        met,
        rated,
        over: if people {
            "the teams played by people"
        } else {
            "every team (all were simulated)"
        },
        counted,
        context,
    }
}

pub fn rehearse(plan: &Plan, events: &[Stamped]) -> Rehearsal {
    rehearsal_of(&OperatingPicture::of(plan, events), plan)
}

/// The expectations (by index) that roll up into objective `oi`.
pub fn expectations_of(plan: &Plan, oi: usize) -> Vec<usize> {
    plan.expectations
        .iter()
        .enumerate()
        .filter(|(_, e)| e.objective.ix() == oi)
        .map(|(k, _)| k)
        .collect()
}

/// The rehearsal of a picture already folded.
pub fn rehearsal_of(picture: &OperatingPicture, plan: &Plan) -> Rehearsal {
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    let fired: Vec<FiredInject> = picture
        .fired
        .iter()
        .map(|&(inject, tick)| {
            let i = &s.msel[inject];
            FiredInject {
                id: i.id.clone(),
                time: clock(tick),
                phase: plan.move_of(inject).into(),
                title: i.title.clone(),
            }
        })
        .collect();
    let decisions = picture
        .decisions
        .iter()
        .map(|d| {
            let i = &s.msel[d.inject];
            let label = i
                .decision
                .as_ref()
                .and_then(|x| x.options.get(d.option as usize))
                .map_or("?".into(), |o| o.label.clone());
            DecisionRecord {
                inject: i.id.clone(),
                team: s.teams[d.team].id.clone(),
                option: label,
                time: clock(d.tick),
            }
        })
        .collect();
    let never_fired = s
        .msel
        .iter()
        .filter(|i| !fired.iter().any(|f| f.id == i.id))
        .map(|i| i.id.clone())
        .collect();
    let expectations: Vec<ExpectationRecord> = s
        .expectations
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let o = picture.outcome(ExpectationIx::from(k));
            ExpectationRecord {
                id: e.id.clone(),
                team: e.team.clone(),
                objective: e.objective.clone(),
                description: e.description.clone(),
                outcome: o.map_or("open", |o| o.0.label()).into(),
                time: o.map(|o| clock(o.1)),
            }
        })
        .collect();
    let objectives = s
        .objectives
        .iter()
        .enumerate()
        .map(|(oi, o)| {
            let score = score(plan, picture, oi);
            ObjectiveRating {
                id: o.id.clone(),
                title: o.title.clone(),
                rating: score.rating.into(),
                met: score.met,
                rated: score.rated,
                total: score.counted.len(),
            }
        })
        .collect();
    Rehearsal {
        structure: structure(picture, plan),
        fired,
        never_fired,
        decisions,
        expectations,
        objectives,
    }
}

/// The exercise's structure: its modules in order (injects of none last), or for an MSEL
/// without modules its moves in order of first appearance.
fn structure(picture: &OperatingPicture, plan: &Plan) -> Vec<ModuleRecord> {
    use crate::scenario::ids::InjectIx;
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    let planned = |i: InjectIx| {
        let inj = &s.msel[i];
        let outcome = match picture.has_fired(i) {
            Some(t) => format!("fired {}", clock(t)),
            None if picture.withdrawn.contains(&i) => "overtaken".into(),
            None if picture.skipped.contains(&i) => "skipped".into(),
            None => "not fired".into(),
        };
        let when = plan.awaited(i);
        PlannedInject {
            id: inj.id.clone(),
            title: inj.title.clone(),
            when,
            to: inj.to.clone(),
            channel: format!("{:?}", inj.channel),
            outcome,
        }
    };
    let all = || InjectIx::all(plan.injects.len());
    let mut out: Vec<ModuleRecord> = Vec::new();
    let group = |id: &str, title: &str| ModuleRecord {
        id: id.into(),
        title: title.into(),
        planned: None,
        pause: false,
        guidance: String::new(),
        questions: Vec::new(),
        ran: None,
        injects: Vec::new(),
    };
    if s.modules.is_empty() {
        for i in all() {
            let phase = plan.move_of(i);
            let title = if phase.is_empty() { "(no move)" } else { phase };
            match out.iter_mut().find(|g| g.title == title) {
                Some(g) => g.injects.push(planned(i)),
                None => {
                    let mut g = group("", title);
                    g.injects.push(planned(i));
                    out.push(g);
                }
            }
        }
        return out;
    }
    for (k, m) in s.modules.iter().enumerate() {
        let ix = crate::scenario::ids::ModuleIx::from(k);
        out.push(ModuleRecord {
            planned: m.duration.map(|d| d.to_string()),
            pause: m.pause,
            guidance: m.guidance.clone(),
            questions: m.questions.clone(),
            ran: picture
                .modules
                .get(&ix)
                .map(|(a, b)| (clock(*a), b.map(clock))),
            injects: plan.modules[k]
                .injects
                .iter()
                .map(|i| planned(*i))
                .collect(),
            ..group(&m.id, &m.title)
        });
    }
    let loose: Vec<PlannedInject> = all()
        .filter(|i| plan.injects[*i].module.is_none())
        .map(planned)
        .collect();
    if !loose.is_empty() {
        out.push(ModuleRecord {
            injects: loose,
            ..group("", "(in no module)")
        });
    }
    out
}

impl Rehearsal {
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "\nExercise structure:");
        for m in &self.structure {
            let mut head = m.title.clone();
            if !m.id.is_empty() {
                head.push_str(&format!(" [{}]", m.id));
            }
            if let Some(p) = &m.planned {
                head.push_str(&format!(", planned {p}"));
            }
            if m.pause {
                head.push_str(", pauses at its end");
            }
            match &m.ran {
                Some((a, Some(b))) => head.push_str(&format!("; ran {a} to {b}")),
                Some((a, None)) => head.push_str(&format!("; started {a}, not finished")),
                None if !m.id.is_empty() => head.push_str("; never started"),
                None => {}
            }
            let _ = writeln!(out, "  {head}");
            if !m.guidance.is_empty() {
                let _ = writeln!(out, "    Guidance: {}", m.guidance);
            }
            for i in &m.injects {
                let to = if i.to.is_empty() {
                    "the facilitator".into()
                } else {
                    i.to.join(", ")
                };
                let _ = writeln!(out, "    {:<5} {} ({})", i.id, i.title, i.channel);
                let _ = writeln!(out, "          when {}; to {to}; {}", i.when, i.outcome);
            }
            if !m.questions.is_empty() {
                let _ = writeln!(out, "    Questions for the room:");
                for (n, q) in m.questions.iter().enumerate() {
                    let _ = writeln!(out, "      {}. {q}", n + 1);
                }
            }
        }
        let _ = writeln!(out, "\nInjects fired ({}):", self.fired.len());
        for f in &self.fired {
            let _ = write!(out, "  {}  {:<5} {}", f.time, f.id, f.title);
            let _ = if f.phase.is_empty() {
                writeln!(out)
            } else {
                writeln!(out, "  [{}]", f.phase)
            };
        }
        if !self.never_fired.is_empty() {
            let _ = writeln!(
                out,
                "Injects that never fired: {}",
                self.never_fired.join(", ")
            );
        }
        let _ = writeln!(out, "\nDecisions ({}):", self.decisions.len());
        for d in &self.decisions {
            let _ = writeln!(
                out,
                "  {}  {:<5} {:<14} {}",
                d.time, d.inject, d.team, d.option
            );
        }
        let _ = writeln!(out, "\nExpectations:");
        let mut by_team: BTreeMap<&str, Vec<&ExpectationRecord>> = BTreeMap::new();
        for e in &self.expectations {
            by_team.entry(e.team.as_str()).or_default().push(e);
        }
        for (team, list) in by_team {
            let met = list.iter().filter(|e| e.outcome.starts_with("met")).count();
            let _ = writeln!(out, "  {team}: {met}/{} met", list.len());
            for e in list {
                let _ = writeln!(
                    out,
                    "    {:<5} {:<22} {:<9} {}",
                    e.id,
                    e.outcome,
                    e.time.as_deref().unwrap_or(""),
                    e.description
                );
            }
        }
        let _ = writeln!(out, "\nObjectives:");
        for o in &self.objectives {
            let _ = writeln!(
                out,
                "  {} {:<4} {}/{} rated expectations met{}  {}",
                o.rating,
                o.id,
                o.met,
                o.rated,
                match o.total - o.rated {
                    0 => String::new(),
                    n => format!(" ({n} not rated)"),
                },
                o.title
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::rating;

    #[test]
    fn ratings_follow_the_share_met() {
        assert_eq!(rating(3, 3), "P");
        assert_eq!(rating(2, 3), "S");
        assert_eq!(rating(1, 3), "M");
        assert_eq!(rating(0, 3), "U");
        assert_eq!(rating(0, 0), "-");
    }
}
