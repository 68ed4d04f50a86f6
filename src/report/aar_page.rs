//! The after-action report as a document: Markdown that reads well in a repository, and one
//! self-contained HTML page (no script, no network) that prints cleanly to PDF; and the files
//! an exercise's report is written to.

mod as_html;
mod as_markdown;

use std::sync::Arc;

use crate::report::aar::AfterAction;
use crate::scenario::Plan;

const MODEL_CAVEAT: &str = "Each figure comes from one run of the model with the exercise's \
seed: the alternatives replay the exercise with the other option taken at the same moment and \
everything else as played. They show the direction and rough size of a choice's effect in this \
scenario, not a forecast.";

const DEFINITIONS: &str = "Hosts encrypted include those the ransomware reached by a \
domain-wide push without the crew holding them, so they can exceed hosts compromised. \
Service-hours down add up every service's outage (two services down for an hour are two \
service-hours); \"time with a service down\" is the clock time during which at least one was. \
A loss is services down at their cost per hour, recovery per encrypted host, business \
interruption per encrypted host-day, data breaches and ransoms, each rate from the scenario's \
defaults, and the response's people (its analysts' hours and the help lent, at rates the \
model states); \"owed\" is the interruption still to come, and the ransoms agreed but not yet \
paid, when the exercise ended.";

const FINDINGS_NOTE: &str = "Each submission of findings against what was true when it was \
     made: the hosts a crew held at the organisation then, the techniques crews had used there \
     and the indicators their records carry. Precision is the share of what was named that was \
     right; recall the share of what was there that was named.";

const PLAN_NOTE: &str = "One row per area for improvement. The corrective action and its \
capability element (planning, organisation, equipment, training, exercise) are a first draft; the \
responsible organisation, point of contact, start and completion are the ministry's to agree. \
Kept in a plan file and given to `tidewatch report --plan FILE`, they fill these columns.";

/// The loss split by cause, in a sentence: the script's own outages, which no team could
/// change, and the rest.
pub(super) fn by_cause(r: &AfterAction) -> String {
    let loss: f64 = r.islands.iter().map(|i| i.loss_usd).sum();
    let scripted: f64 = r.islands.iter().map(|i| i.loss_scripted_usd).sum();
    format!(
        "Of the {} lost, {} is services down because of the scenario's own outages (cable cuts, \
         power), which no team could change; the other {} followed the attacks and the \
         response.",
        crate::report::money::usd(loss),
        crate::report::money::usd(scripted),
        crate::report::money::usd(loss - scripted)
    )
}

/// Builds the report of an exercise played to `end` and writes it as HTML and Markdown at
/// `paths`. `unfinished`: what to say on the first page when the journal's record stops short
/// of a clean end (`JournalFile::unfinished_note`), so nobody takes a cut record for the
/// whole exercise. `agreed`: the improvement plan the facilitator keeps, which fills the rows
/// it names; the keys it gives that name no row are returned.
pub fn write_report_files(
    plan: &Arc<Plan>,
    seed: u64,
    end: u64,
    played: super::aar::Played,
    paths: &[std::path::PathBuf],
    (seeds, unfinished): (u64, Option<String>),
    agreed: Option<&super::aar::PlanFile>,
) -> Result<Vec<String>, String> {
    let (events, commands) = (played.events, played.commands);
    let alternatives =
        super::counterfactual::counterfactuals(plan, seed, commands, end, events, seeds)?;
    let missed = super::counterfactual::missed_actions(plan, seed, commands, end, events)?;
    let mut report = super::aar::after_action(plan, seed, end, played, (alternatives, missed));
    report.overview.unfinished = unfinished;
    let unmatched = agreed.map_or(Vec::new(), |p| p.apply(&mut report.improvement_plan));
    for path in paths {
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("md") => markdown(&report),
            Some("json") => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
            _ => html(&report),
        };
        std::fs::write(path, text).map_err(|e| format!("report {}: {e}", path.display()))?;
    }
    Ok(unmatched)
}

pub use as_html::html;
pub use as_markdown::markdown;
