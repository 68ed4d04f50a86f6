//! The report's first pages: the executive summary a minister reads (what happened, how the
//! objectives rated, the three strengths and three improvements, the money at stake and the
//! decisions that mattered), and the exercise's scope and scenario. Both are drawn from the rest
//! of the report, never from a tally of their own.

use serde::Serialize;

use super::{IslandFigures, ObjectiveReview, TeamReview};
use crate::report::counterfactual::{Alternative, Counterfactual, MEASURABLE_USD};
use crate::report::money::usd;
use crate::scenario::Plan;
use crate::time::Span;

/// One page for the minister.
#[derive(Clone, Debug, Serialize)]
pub struct ExecutiveSummary {
    /// What happened, in a few sentences.
    pub what_happened: Vec<String>,
    /// The objectives' ratings in a sentence.
    pub ratings: String,
    /// Up to three each, judged decisions with figures first.
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    /// The loss, split by cause, and what was still owed.
    pub money: String,
    /// The decisions whose other options changed the loss most, with the figures: the
    /// trainees' first, a simulated team's marked as such.
    pub decisions: Vec<String>,
}

/// What the exercise was: its scenario, kind, time, threat, agenda and objectives.
#[derive(Clone, Debug, Serialize)]
pub struct Scope {
    pub description: String,
    /// Discussion-based (a tabletop) or with simulated attacks.
    pub kind: String,
    pub time: String,
    pub threat: Vec<String>,
    /// The scripted infrastructure events (cable cuts, power), which no team could change.
    pub disruptions: Vec<String>,
    pub modules: Vec<String>,
    pub objectives: Vec<String>,
}

/// How many of a list to put on the first page.
const FIRST_PAGE: usize = 3;

pub(super) fn executive_summary(
    plan: &Plan,
    (objectives, teams): (&[ObjectiveReview], &[TeamReview]),
    islands: &[IslandFigures],
    counterfactuals: &[Counterfactual],
    end: u64,
) -> ExecutiveSummary {
    let played = |t: &TeamReview| {
        plan.ids
            .teams
            .get(&t.team)
            .is_some_and(|ix| !plan.teams[ix].auto)
    };
    let people = plan.teams.iter().any(|t| !t.auto);
    let reviewed: Vec<&TeamReview> = teams.iter().filter(|t| !people || played(t)).collect();
    let first = |lines: Vec<(&str, &String)>| -> Vec<String> {
        // Judged decisions carry figures: they lead.
        let (decided, rest): (Vec<_>, Vec<_>) = lines
            .into_iter()
            .partition(|(_, l)| l.starts_with("Decided"));
        (decided.into_iter().chain(rest))
            .take(FIRST_PAGE)
            .map(|(team, l)| format!("{team}: {l}"))
            .collect()
    };
    let strengths = first(
        (reviewed.iter())
            .flat_map(|t| t.strengths.iter().map(|l| (t.name.as_str(), l)))
            .collect(),
    );
    let improvements = first(
        (reviewed.iter())
            .flat_map(|t| t.improvements.iter().map(|l| (t.name.as_str(), l)))
            .collect(),
    );
    ExecutiveSummary {
        what_happened: what_happened(plan, islands, end),
        ratings: ratings(objectives),
        strengths,
        improvements,
        money: money(islands),
        decisions: decisions(plan, counterfactuals),
    }
}

fn what_happened(plan: &Plan, islands: &[IslandFigures], end: u64) -> Vec<String> {
    let s = &plan.scenario;
    let mut out = Vec::new();
    let hit: Vec<&IslandFigures> = islands.iter().filter(|i| i.hosts_compromised > 0).collect();
    let taken: u64 = islands.iter().map(|i| i.hosts_compromised).sum();
    let encrypted: u64 = islands.iter().map(|i| i.hosts_encrypted).sum();
    let played = Span(end);
    if s.campaigns.is_empty() {
        out.push(format!(
            "A discussion-based exercise of {played}: no attack was simulated; the teams \
             answered the script's injects."
        ));
    } else if hit.is_empty() {
        out.push(format!(
            "In {played} of exercise time, the attackers' {} campaign{} took no host.",
            s.campaigns.len(),
            plural(s.campaigns.len())
        ));
    } else {
        let encrypted = match encrypted {
            0 => "none was encrypted".to_string(),
            1 => "1 host was encrypted".to_string(),
            n => format!("{n} hosts were encrypted"),
        };
        out.push(format!(
            "In {played} of exercise time, {} campaign{} took {taken} host{} on {} of {} \
             islands ({}); {encrypted}.",
            s.campaigns.len(),
            plural(s.campaigns.len()),
            plural(taken as usize),
            hit.len(),
            islands.len(),
            (hit.iter().map(|i| i.name.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
        ));
        let known: Vec<&&IslandFigures> =
            hit.iter().filter(|i| i.first_detection.is_some()).collect();
        let never = hit.len() - known.len();
        let first = known.iter().min_by_key(|i| i.first_detection.clone());
        if let Some(i) = first {
            out.push(format!(
                "The first island to know was {} at {}{}; {}.",
                i.name,
                i.first_detection.as_deref().unwrap_or(""),
                i.first_detected_by
                    .as_deref()
                    .map_or(String::new(), |b| format!(" (by {b})")),
                match never {
                    0 => "every island hit came to know".to_string(),
                    n => format!("{n} island{} hit never knew in the exercise", plural(n)),
                }
            ));
        }
    }
    let hours: f64 = islands.iter().map(|i| i.service_hours_down).sum();
    if hours >= 0.5 {
        out.push(format!(
            "Services citizens rely on were down for {hours:.0} service-hours in all."
        ));
    }
    out
}

fn ratings(objectives: &[ObjectiveReview]) -> String {
    if objectives.is_empty() {
        return "The exercise set no objectives.".into();
    }
    let list = (objectives.iter())
        .map(|o| format!("{} {} ({})", o.id, o.rating, o.title))
        .collect::<Vec<_>>()
        .join("; ");
    let over = objectives
        .first()
        .map_or(String::new(), |o| o.rated_over.clone());
    format!(
        "Objectives, rated P (performed without challenges), S (some), M (major challenges), U \
         (unable to perform) or - (none of its expectations rated), on the expectations of {over}: \
         {list}."
    )
}

fn money(islands: &[IslandFigures]) -> String {
    let loss: f64 = islands.iter().map(|i| i.loss_usd).sum();
    let scripted: f64 = islands.iter().map(|i| i.loss_scripted_usd).sum();
    let owed: f64 = islands.iter().map(|i| i.owed_usd).sum();
    let mut out = format!(
        "{} lost across the region: {} followed the attacks and the response, {} the \
         scenario's own outages (cable cuts, power), which no team could change.",
        usd(loss),
        usd(loss - scripted),
        usd(scripted)
    );
    if owed >= MEASURABLE_USD {
        out += &format!(
            " A further {} of interruption (and ransoms agreed) was still owed when the \
             exercise ended.",
            usd(owed)
        );
    }
    out
}

/// The loss difference an alternative made: over seeds the median where it differed, else the
/// exercise's own.
fn moved(a: &Alternative) -> f64 {
    a.spread.as_ref().map_or(
        a.loss_usd,
        |s| {
            if s.differs == 0 { 0.0 } else { s.loss_median }
        },
    )
}

/// The decisions whose other options moved the loss most: the trainees' first, then the
/// simulated teams' (marked so: the model took them).
fn decisions(plan: &Plan, counterfactuals: &[Counterfactual]) -> Vec<String> {
    let simulated = |team: &str| plan.ids.teams.get(team).is_some_and(|t| plan.teams[t].auto);
    let mut ranked: Vec<(bool, f64, String)> = (counterfactuals.iter())
        .filter_map(|c| {
            let a =
                (c.alternatives.iter()).max_by(|a, b| moved(a).abs().total_cmp(&moved(b).abs()))?;
            let d = moved(a);
            if d.abs() < MEASURABLE_USD {
                return None;
            }
            let spread = a
                .spread
                .as_ref()
                .map_or(String::new(), |s| format!("; {}", s.sentence()));
            Some((
                simulated(&c.team),
                d.abs(),
                format!(
                    "{} ({}{}, {}): took \"{}\"; \"{}\" would have lost {} {}{spread}",
                    c.inject,
                    c.team,
                    if simulated(&c.team) {
                        ", simulated"
                    } else {
                        ""
                    },
                    c.time,
                    c.taken,
                    a.label,
                    usd(d.abs()),
                    if d > 0.0 { "more" } else { "less" },
                ),
            ))
        })
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    if ranked.is_empty() && !counterfactuals.is_empty() {
        return vec![
            "No decision's other option changed the loss measurably in the model (each is \
             below under \"What the other choice would have cost\")."
                .into(),
        ];
    }
    ranked
        .into_iter()
        .take(FIRST_PAGE)
        .map(|(.., l)| l)
        .collect()
}

pub(super) fn scope(plan: &Plan, end: u64) -> Scope {
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    let threat = (s.campaigns.iter())
        .zip(&plan.campaigns)
        .map(|(c, p)| {
            let actor = (s.actors.iter())
                .find(|a| a.id == c.actor)
                .map_or(c.actor.as_str(), |a| a.name.as_str());
            format!(
                "{} by {actor}, from {} ({} stage{})",
                c.name,
                clock(p.start_tick),
                c.stages.len(),
                plural(c.stages.len())
            )
        })
        .collect();
    use crate::scenario::DisruptionPlan;
    let link = |l: usize| match &s.links[l] {
        x if x.system.is_empty() => x.id.clone(),
        x => format!("{} ({})", x.id, x.system),
    };
    let disruptions = (plan.disruptions.iter())
        .map(|(tick, d)| {
            let what = match d {
                DisruptionPlan::CableCut(l) => format!("link {} cut", link(l.ix())),
                DisruptionPlan::CableRepaired(l) => format!("link {} repaired", link(l.ix())),
                DisruptionPlan::PowerOutage { island, minutes } => format!(
                    "power outage on {} for {}",
                    s.islands[island.ix()].name,
                    Span(*minutes)
                ),
            };
            format!("{} {what}", clock(*tick))
        })
        .collect();
    let modules = (s.modules.iter())
        .map(|m| match &m.description {
            d if d.is_empty() => format!("{} {}", m.id, m.title),
            d => format!("{} {}: {d}", m.id, m.title),
        })
        .collect();
    Scope {
        description: if s.description.trim().is_empty() {
            "The scenario file gives no description.".into()
        } else {
            s.description.trim().to_string()
        },
        kind: if s.campaigns.is_empty() {
            "Discussion-based (a tabletop): the teams answer the script's injects; no attack is \
             simulated."
                .into()
        } else {
            "Operations-based: the attackers' campaigns and the teams' response are simulated \
             minute by minute, and the teams played by people give their orders."
                .into()
        },
        time: format!(
            "{} to {} ({}), times on the scenario's clock ({})",
            s.start.at(0).calendar(),
            s.start.at(end).calendar(),
            Span(end),
            s.time_zone
        ),
        threat,
        disruptions,
        modules,
        objectives: (s.objectives.iter())
            .map(|o| format!("{} {}", o.id, o.title))
            .collect(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    fn counterfactual(inject: &str, team: &str, loss: f64) -> Counterfactual {
        Counterfactual {
            inject: inject.into(),
            prompt: "?".into(),
            team: team.into(),
            time: "D1 10:00".into(),
            tick: 0,
            taken: "keep".into(),
            alternatives: vec![Alternative {
                option: "cut".into(),
                label: "cut".into(),
                hosts_compromised: 0,
                hosts_encrypted: 0,
                service_hours_down: 0.0,
                loss_usd: loss,
                owed_usd: 0.0,
                spread: None,
                why_no_difference: None,
            }],
        }
    }

    /// The decisions that mattered: the trainees' first whatever their size, a simulated
    /// team's marked as the model's, a difference under a measurable one left out, and the
    /// direction said in words.
    #[test]
    fn the_decisions_that_mattered_put_the_trainees_first_with_the_direction() {
        let plan = TinyRegion::new()
            .island("A", true, true)
            .csirt("a-csirt", "A")
            .team("b-npc", "Npc", Some("A"), 1, "OfficeHours", false)
            .plan();
        // a-csirt is simulated (the kit's default), b-npc played by people.
        let lines = decisions(
            &plan,
            &[
                counterfactual("I1", "a-csirt", 900_000.0),
                counterfactual("I2", "b-npc", -20_000.0),
                counterfactual("I3", "b-npc", 300.0),
            ],
        );
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with("I2 (b-npc, D1 10:00)"), "{}", lines[0]);
        assert!(
            lines[0].contains("would have lost US$20k less"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("I1 (a-csirt, simulated,"),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("US$900k more"), "{}", lines[1]);
        let none = decisions(&plan, &[counterfactual("I3", "b-npc", 300.0)]);
        assert!(
            none[0].starts_with("No decision's other option"),
            "{none:?}"
        );
    }

    /// A discussion-based exercise says no attack was simulated; the money splits the
    /// script's outages from what followed the attacks and the response.
    #[test]
    fn what_happened_and_the_money_say_what_the_record_holds() {
        let plan = TinyRegion::new().island("A", false, false).plan();
        let island = |loss: f64, scripted: f64| IslandFigures {
            id: "A".into(),
            name: "A".into(),
            hosts_compromised: 0,
            hosts_encrypted: 0,
            first_detection: None,
            first_detected_by: None,
            incidents: 0,
            service_hours_down: 0.0,
            time_with_a_service_down: "0m".into(),
            loss_usd: loss,
            loss_scripted_usd: scripted,
            owed_usd: 0.0,
        };
        let said = what_happened(&plan, &[island(0.0, 0.0)], 600);
        assert!(
            said[0].contains("discussion-based exercise of 10h"),
            "{said:?}"
        );
        let money = money(&[island(1_000_000.0, 400_000.0)]);
        assert!(
            money.contains("US$1.0M lost")
                && money.contains("US$600k followed the attacks")
                && money.contains("US$400k the scenario's own outages"),
            "{money}"
        );
        assert!(!money.contains("still owed"), "{money}");
    }
}
