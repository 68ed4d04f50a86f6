//! The improvement plan (the IP of HSEEP's AAR/IP): one row per area for improvement, with its
//! root cause as the record shows it, a first corrective action, the capability it belongs to
//! and the capability element (planning, organisation, equipment, training, exercise), and the
//! columns the ministry fills in: responsible organisation, point of contact, start and
//! completion. Those come blank, or from the plan the facilitator keeps (`report --plan FILE`),
//! matched to a row by its key (the expectation's or the inject's id).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::report::picture::OperatingPicture;
use crate::scenario::ids::ExpectationIx;
use crate::scenario::{CheckPlan, Plan};
use crate::time::Span;

/// One row of the improvement plan.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Improvement {
    /// What the row is about, as a plan file names it: an expectation (`E09`), a decision's
    /// inject (`I07`) or an incident (`incident #3`).
    pub key: String,
    /// The team whose area for improvement it is.
    pub team: String,
    pub issue: String,
    /// Why it happened, as far as the record shows.
    pub root_cause: String,
    pub corrective_action: String,
    /// The capability (the objective's title, or where no objective names it, the kind of
    /// work).
    pub capability: String,
    pub element: Element,
    /// The organisation that owns the action: the team's, unless the plan file says otherwise.
    pub responsible: String,
    /// The rest are the ministry's to fill in: blank unless the plan file gives them.
    pub contact: String,
    pub start: String,
    pub completion: String,
}

/// HSEEP's capability elements: where a corrective action lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Element {
    Planning,
    Organisation,
    Equipment,
    Training,
    Exercise,
}

/// The facilitator's improvement plan as agreed with the ministry, kept in a RON file and
/// given to `report --plan`: what it says of a row replaces the report's first draft.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub actions: Vec<PlannedAction>,
}

/// One agreed action, by the row's key; every other field is optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedAction {
    /// The row's key: `E09`, `I07`, `incident #3`.
    pub issue: String,
    #[serde(default)]
    pub corrective_action: Option<String>,
    #[serde(default)]
    pub element: Option<Element>,
    #[serde(default)]
    pub responsible: Option<String>,
    #[serde(default)]
    pub contact: String,
    /// Dates as the ministry writes them (`2027-01-15`).
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub completion: String,
}

impl PlanFile {
    /// Fills the rows it names; returns the keys it gives that name no row of this report
    /// (a typo, or an area the exercise did not show this time), for the facilitator to see.
    pub fn apply(&self, rows: &mut [Improvement]) -> Vec<String> {
        let mut unmatched = Vec::new();
        for a in &self.actions {
            let key = a.issue.trim();
            let mut found = false;
            for row in rows.iter_mut().filter(|r| r.key.eq_ignore_ascii_case(key)) {
                found = true;
                if let Some(action) = &a.corrective_action {
                    row.corrective_action = action.clone();
                }
                if let Some(element) = a.element {
                    row.element = element;
                }
                if let Some(who) = &a.responsible {
                    row.responsible = who.clone();
                }
                row.contact = a.contact.clone();
                row.start = a.start.clone();
                row.completion = a.completion.clone();
            }
            if !found {
                unmatched.push(a.issue.clone());
            }
        }
        unmatched
    }
}

/// A first corrective action for what the check looked for, and where it lies; the ministry
/// edits both.
pub(super) fn corrective_action(check: &CheckPlan) -> (&'static str, Element) {
    match check {
        CheckPlan::IncidentOpened(_) => (
            "Agree who reads alerts and victims' reports out of office hours, and how fast an \
             incident is opened",
            Element::Organisation,
        ),
        CheckPlan::IncidentContained(_) => (
            "Write an isolation runbook and agree who may take hosts off the network",
            Element::Planning,
        ),
        CheckPlan::IntelShared(_) => (
            "Agree in advance what is shared, at which TLP, with whom, and who approves it",
            Element::Planning,
        ),
        CheckPlan::IntelApplied => (
            "Name who puts received indicators to work (filters, sensors) and within what time",
            Element::Organisation,
        ),
        CheckPlan::Isolates => (
            "Decide in advance who may cut an organisation off, and on what evidence",
            Element::Planning,
        ),
        CheckPlan::AssistanceRequested => (
            "Set a threshold for asking the regional hub for analysts, and who makes the call",
            Element::Planning,
        ),
        CheckPlan::Decides(_) => (
            "Name the decision-maker and the information they need to decide within the time",
            Element::Organisation,
        ),
        CheckPlan::Facilitator => (
            "Review with the facilitator's notes and agree an action",
            Element::Training,
        ),
    }
}

/// Why expectation `k` was missed (its window closed at `deadline`), from what the record
/// holds about its team; a rating by the facilitator gives the facilitator's note.
pub(super) fn root_cause(
    plan: &Plan,
    picture: &OperatingPicture,
    (k, deadline): (ExpectationIx, u64),
    (answered, note): (&BTreeSet<&str>, Option<&str>),
) -> String {
    let s = &plan.scenario;
    let e = &plan.expectations[k.ix()];
    let team = e.team;
    let clock = |t: u64| s.start.at(t).clock();
    let by = clock(deadline);
    let late = |t: u64| Span(t.saturating_sub(deadline));
    if let Some((crate::report::Outcome::Judged { .. }, _)) = picture.outcome(k) {
        return match note {
            Some(n) => format!("The facilitator: {n}"),
            None => "Rated not met by the facilitator, who gave no note".into(),
        };
    }
    match &e.check {
        CheckPlan::IncidentOpened(_) => {
            let opened = (picture.incidents_opened.iter()).find(|o| o.team == team);
            match opened {
                Some(o) if o.tick <= deadline => format!(
                    "By {by} the team's incidents were about other organisations or campaigns \
                     than the one expected"
                ),
                Some(o) => format!(
                    "The team's first incident came at {}, {} after the window closed at {by}",
                    clock(o.tick),
                    late(o.tick)
                ),
                None => format!(
                    "The team opened no incident in the exercise{}",
                    island_knew(plan, picture, team)
                ),
            }
        }
        CheckPlan::IncidentContained(_) => {
            let n = (picture.incidents_opened.iter())
                .filter(|o| o.team == team && o.tick <= deadline)
                .count();
            match n {
                0 => format!("The team had opened no incident by {by}, so it had none to contain"),
                n => format!(
                    "The team had opened {n} incident{} by {by}; none it was expected to \
                     contain was contained in time (its investigation had not found every \
                     host, or no isolation was ordered)",
                    if n == 1 { "" } else { "s" }
                ),
            }
        }
        CheckPlan::IntelShared(tlp) => {
            let items: Vec<_> = (picture.intel.items.values())
                .filter(|i| i.team == team)
                .collect();
            match (items.iter().find(|i| i.produced <= deadline), items.first()) {
                (Some(i), _) => format!(
                    "By {by} it had shared at {}, narrower than the {} expected",
                    i.tlp.label(),
                    tlp.label()
                ),
                (None, Some(i)) => format!(
                    "Its first share came at {} ({}), {} after the window closed at {by}",
                    clock(i.produced),
                    i.tlp.label(),
                    late(i.produced)
                ),
                (None, None) => "The team shared no intelligence in the exercise".into(),
            }
        }
        CheckPlan::IntelApplied => {
            let first = (picture.intel.received.iter())
                .flat_map(|(item, r)| r.iter().map(move |x| (*item, x)))
                .filter(|(_, (_, t, _))| *t == team)
                .min_by_key(|(_, (tick, ..))| *tick);
            match first {
                Some((item, (tick, ..))) if *tick <= deadline => format!(
                    "Intelligence reached the team at {} (item #{item}) but was not applied \
                     by {by}",
                    clock(*tick)
                ),
                Some((item, (tick, ..))) => format!(
                    "The first intelligence reached the team at {} (item #{item}), after the \
                     window closed at {by}",
                    clock(*tick)
                ),
                None => "No intelligence reached the team in the exercise".into(),
            }
        }
        CheckPlan::Isolates => format!("The team isolated no organisation by {by}"),
        CheckPlan::AssistanceRequested => {
            format!("The team did not ask the regional hub for analysts by {by}")
        }
        CheckPlan::Decides(inject) => {
            let id = s.msel[*inject].id.as_str();
            match picture.decision_on(*inject) {
                Some(d) if !answered.contains(id) => format!(
                    "No answer on {id} in the time given: the room moved on with the default \
                     at {}",
                    clock(d.tick)
                ),
                Some(d) => format!(
                    "The decision on {id} came at {}, after the window closed at {by}",
                    clock(d.tick)
                ),
                None => format!("{id} was not decided in the exercise"),
            }
        }
        CheckPlan::Facilitator => "Not rated by the facilitator".into(),
    }
}

/// "; on Grenada the first host fell at D1 10:09 and the island first knew at D1 13:21 (by an
/// incident)", or nothing for a team without an island or an island never hit.
fn island_knew(
    plan: &Plan,
    picture: &OperatingPicture,
    team: crate::scenario::ids::TeamIx,
) -> String {
    let Some(i) = plan.teams[team].island else {
        return String::new();
    };
    let island = &picture.islands[i.ix()];
    let clock = |t: u64| plan.scenario.start.at(t).clock();
    let Some(fell) = island.first_compromised else {
        return "; no host on its island was compromised".into();
    };
    let name = &plan.scenario.islands[i.ix()].name;
    let knew = match (island.first_detection, island.first_detected_by) {
        (Some(t), Some(by)) => format!("the island first knew at {} (by {by})", clock(t)),
        (Some(t), None) => format!("the island first knew at {}", clock(t)),
        (None, _) => "the island never knew in the exercise".into(),
    };
    format!(
        "; on {name} the first host fell at {} and {knew}",
        clock(fell)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    /// A missed share's root cause is what the record holds: a share after the window closed
    /// (when, at what marking, how late), or none at all.
    #[test]
    fn a_missed_share_is_explained_by_when_the_team_shared() {
        use crate::scenario::Tlp;
        use crate::scenario::ids::{CampaignIx, IslandIx, TeamIx};
        use crate::sim::events::{SimEvent, Stamped};
        let plan = TinyRegion::new()
            .island("A", true, true)
            .csirt("a-csirt", "A")
            .field(
                "objectives: [Objective(id: \"O1\", title: \"Share\")], \
                 expectations: [Expectation(id: \"E1\", team: \"a-csirt\", objective: \"O1\", \
                 description: \"Share at GREEN\", after: At(\"D1 08:00\"), within: \"2h\", \
                 check: IntelShared(Green))]",
            )
            .plan();
        let missed = Stamped {
            tick: 120,
            event: SimEvent::ExpectationMissed {
                expectation: ExpectationIx(0),
            },
        };
        let shared = Stamped {
            tick: 200,
            event: SimEvent::IntelProduced {
                item: 0,
                team: TeamIx(0),
                campaign: CampaignIx(0),
                tlp: Tlp::Amber,
                island: IslandIx(0),
                techniques: Vec::new(),
            },
        };
        let why = |events: &[Stamped]| {
            let picture = OperatingPicture::of(&plan, events);
            root_cause(
                &plan,
                &picture,
                (ExpectationIx(0), 120),
                (&BTreeSet::new(), None),
            )
        };
        let late = why(&[missed.clone(), shared]);
        assert_eq!(
            late,
            "Its first share came at D1 11:20 (TLP:AMBER), 1h20m after the window closed at D1 10:00"
        );
        assert_eq!(
            why(&[missed]),
            "The team shared no intelligence in the exercise"
        );
    }

    fn row(key: &str) -> Improvement {
        Improvement {
            key: key.into(),
            team: "a-csirt".into(),
            issue: "x".into(),
            root_cause: "y".into(),
            corrective_action: "draft".into(),
            capability: "Detect".into(),
            element: Element::Organisation,
            responsible: "A CSIRT".into(),
            contact: String::new(),
            start: String::new(),
            completion: String::new(),
        }
    }

    /// The facilitator's plan fills the rows it names (ignoring case) and keeps the report's
    /// draft where it is silent; a key that names no row is handed back, not dropped.
    #[test]
    fn a_plan_file_fills_the_rows_it_names_and_says_which_it_could_not() {
        let file: PlanFile = ron::from_str(
            r#"PlanFile(actions: [
                PlannedAction(issue: "e09", contact: "J. Joseph, NPC", start: "2027-01-15",
                    completion: "2027-03-31", element: Some(Training)),
                PlannedAction(issue: "E99", contact: "nobody"),
            ])"#,
        )
        .unwrap();
        let mut rows = vec![row("E09"), row("I07")];
        assert_eq!(file.apply(&mut rows), vec!["E99".to_string()]);
        assert_eq!(
            (
                rows[0].contact.as_str(),
                rows[0].start.as_str(),
                rows[0].element
            ),
            ("J. Joseph, NPC", "2027-01-15", Element::Training)
        );
        assert_eq!(rows[0].corrective_action, "draft");
        assert_eq!(rows[1], row("I07"));
    }
}
