//! Each submission of findings, scored for the report: what the team named right and wrong,
//! what it missed, and how long after the first compromise and its collection it answered. A
//! trainee team's review says it in a sentence; hosts missed, or named wrongly, make a row of
//! the improvement plan, since each had a price in the exercise (a missed host stayed the
//! crew's, a wrong one was cut off for nothing).

use serde::Serialize;

use super::{Element, Improvement, TeamReview};
use crate::report::picture::{OperatingPicture, Score};
use crate::scenario::Plan;
use crate::time::Span;

/// Right, wrong and missed, with the shares the analyst is scored on.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Tally {
    pub right: u32,
    pub wrong: u32,
    pub missed: u32,
    /// Of what was named, the share right.
    pub precision: Option<f64>,
    /// Of what was there, the share named.
    pub recall: Option<f64>,
}

impl Tally {
    fn of(s: Score) -> Self {
        Tally {
            right: s.right,
            wrong: s.wrong,
            missed: s.missed,
            precision: s.precision(),
            recall: s.recall(),
        }
    }

    /// `3 right, 1 wrong, 2 missed (precision 75%, recall 60%)`.
    pub fn sentence(&self) -> String {
        let pct = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.0}%", x * 100.0));
        format!(
            "{} right, {} wrong, {} missed (precision {}, recall {})",
            self.right,
            self.wrong,
            self.missed,
            pct(self.precision),
            pct(self.recall)
        )
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingsScore {
    pub team: String,
    pub organisation: String,
    pub time: String,
    pub hosts: Tally,
    pub indicators: Tally,
    pub techniques: Tally,
    /// Since a crew first took a host there (`None`: none ever had).
    pub after_compromise: Option<String>,
    /// Since the team's latest collection from the organisation.
    pub after_collection: Option<String>,
}

/// Every submission scored, and its line in the team's review (trainee teams).
pub(super) fn findings(
    plan: &Plan,
    picture: &OperatingPicture,
    (reviews, rows): (&mut [TeamReview], &mut Vec<Improvement>),
) -> Vec<FindingsScore> {
    let s = &plan.scenario;
    let mut out = Vec::new();
    for f in &picture.findings.scored {
        let team = &s.teams[f.team.ix()];
        let org = &s.organisations[f.org.ix()].name;
        let time = s.start.at(f.tick).clock();
        let score = FindingsScore {
            team: team.id.clone(),
            organisation: org.clone(),
            time: time.clone(),
            hosts: Tally::of(f.hosts),
            indicators: Tally::of(f.indicators),
            techniques: Tally::of(f.techniques),
            after_compromise: f.since_compromise.map(|m| Span(m).to_string()),
            after_collection: f.since_collection.map(|m| Span(m).to_string()),
        };
        out.push(score);
        if plan.teams[f.team].auto {
            continue;
        }
        let h = f.hosts;
        let plural = |n: u32| if n == 1 { "" } else { "s" };
        let review = &mut reviews[f.team.ix()];
        if h.missed == 0 && h.wrong == 0 && h.right > 0 {
            review.strengths.push(format!(
                "Findings at {org} ({time}) named every host the crew held and no other ({})",
                h.right
            ));
            continue;
        }
        let mut said = format!(
            "Findings at {org} ({time}) named {} of the {} host{} the crew held",
            h.right,
            h.right + h.missed,
            plural(h.right + h.missed)
        );
        if h.missed > 0 {
            said.push_str(&format!(" (the {} missed stayed the crew's)", h.missed));
        }
        if h.wrong > 0 {
            said.push_str(&format!(
                " and {} it did not (cut off for nothing once isolated)",
                h.wrong
            ));
        }
        review.improvements.push(said.clone());
        rows.push(Improvement {
            key: format!("findings {time}"),
            team: team.id.clone(),
            issue: said,
            root_cause: if h.missed > 0 {
                "The analysis of the records stopped before every host the crew held was found"
            } else {
                "Hosts were named on weaker evidence than the crew's own traces"
            }
            .into(),
            corrective_action: "Pivot from each confirmed host on what the crew left (its \
                                command-and-control domain, its tool's hash, the accounts it \
                                used) across every host's records before submitting findings"
                .into(),
            capability: "Analysis".into(),
            element: Element::Training,
            responsible: team.name.clone(),
            contact: String::new(),
            start: String::new(),
            completion: String::new(),
        });
    }
    out
}
