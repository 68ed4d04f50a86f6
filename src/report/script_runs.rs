//! How the script fares over many seeds (`tidewatch lint --runs N`): per inject, on how many
//! runs it fired, was withdrawn (its `unless` overtook it, or its `only_if` fact never
//! happened) or never came, and when it fired; whether the modules kept their order. An
//! author reads it to see the story hold on every seed, not only on the one rehearsed.

use serde::Serialize;

use super::picture::OperatingPicture;
use crate::scenario::Plan;
use crate::scenario::ids::InjectIx;
use crate::sim::events::Stamped;

/// What one run's script did: per inject (file order) the minute it fired, whether it was
/// withdrawn, and, if the modules lost their order, how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunScript {
    pub fired: Vec<Option<u64>>,
    pub withdrawn: Vec<bool>,
    pub modules_out_of_order: Option<String>,
}

/// One run's script, read from the picture of its events.
pub fn of_run(plan: &Plan, events: &[Stamped]) -> RunScript {
    let picture = OperatingPicture::of(plan, events);
    let n = plan.injects.len();
    let mut fired = vec![None; n];
    for &(i, tick) in &picture.fired {
        fired[i.ix()].get_or_insert(tick);
    }
    let withdrawn = (0..n)
        .map(|k| picture.withdrawn.contains(&InjectIx::from(k)))
        .collect();
    RunScript {
        fired,
        withdrawn,
        modules_out_of_order: module_order(plan, &picture),
    }
}

/// How the modules lost their order, if they did: one started before an earlier one (in the
/// file) started, or before it ended.
fn module_order(plan: &Plan, picture: &OperatingPicture) -> Option<String> {
    let ids = &plan.scenario.modules;
    let mut previous: Option<(usize, u64, Option<u64>)> = None;
    for (m, &(start, end)) in &picture.modules {
        if let Some((p, p_start, p_end)) = previous {
            let clock = |t: u64| plan.scenario.start.at(t).clock();
            if start < p_start {
                return Some(format!(
                    "`{}` started at {} before `{}` (at {})",
                    ids[m.ix()].id,
                    clock(start),
                    ids[p].id,
                    clock(p_start)
                ));
            }
            if p_end.is_none_or(|e| start < e) {
                return Some(format!(
                    "`{}` started at {} while `{}` was still running",
                    ids[m.ix()].id,
                    clock(start),
                    ids[p].id
                ));
            }
        }
        previous = Some((m.ix(), start, end));
    }
    None
}

/// One inject over the runs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct InjectRuns {
    pub id: String,
    pub fired: u32,
    pub withdrawn: u32,
    /// Neither fired nor withdrawn by the end of the run.
    pub never: u32,
    /// When it fired, over the runs it fired on: the earliest, the median and the latest, on
    /// the exercise clock.
    pub earliest: Option<String>,
    pub median: Option<String>,
    pub latest: Option<String>,
    /// Only by hand or as a contingency: not firing is no fault.
    pub by_hand: bool,
}

/// The script over the runs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScriptRuns {
    pub runs: u32,
    pub injects: Vec<InjectRuns>,
    /// Runs whose modules kept their order (all of them when there are no modules).
    pub modules_in_order: u32,
    /// The first run (by seed) whose modules lost their order, and how.
    pub first_out_of_order: Option<(u64, String)>,
}

/// The runs (seeds `first_seed`, `first_seed + 1`, ...) summed up per inject.
pub fn summarise(plan: &Plan, runs: &[RunScript], first_seed: u64) -> ScriptRuns {
    let clock = |t: u64| plan.scenario.start.at(t).clock();
    let injects = (0..plan.injects.len())
        .map(|k| {
            let mut when: Vec<u64> = runs.iter().filter_map(|r| r.fired[k]).collect();
            when.sort_unstable();
            let withdrawn = runs.iter().filter(|r| r.withdrawn[k]).count() as u32;
            let inject = &plan.injects[k];
            InjectRuns {
                id: plan.scenario.msel[k].id.clone(),
                fired: when.len() as u32,
                withdrawn,
                never: runs.len() as u32 - when.len() as u32 - withdrawn,
                earliest: when.first().map(|&t| clock(t)),
                median: (!when.is_empty()).then(|| clock(when[(when.len() - 1) / 2])),
                latest: when.last().map(|&t| clock(t)),
                by_hand: inject.contingency_only || inject.trigger.is_manual(),
            }
        })
        .collect();
    let out: Vec<(u64, &String)> = (runs.iter().enumerate())
        .filter_map(|(k, r)| {
            (r.modules_out_of_order.as_ref()).map(|why| (first_seed.wrapping_add(k as u64), why))
        })
        .collect();
    ScriptRuns {
        runs: runs.len() as u32,
        injects,
        modules_in_order: runs.len() as u32 - out.len() as u32,
        first_out_of_order: out.first().map(|(seed, why)| (*seed, (*why).clone())),
    }
}

impl ScriptRuns {
    /// What an author should look at: injects that fire on no run (unless fired by hand), and
    /// modules that lose their order.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = (self.injects.iter())
            .filter(|i| i.fired == 0 && !i.by_hand)
            .map(|i| {
                format!(
                    "inject `{}` fired on none of {} runs (withdrawn on {}, never came on {})",
                    i.id, self.runs, i.withdrawn, i.never
                )
            })
            .collect();
        if let Some((seed, why)) = &self.first_out_of_order {
            out.push(format!(
                "the modules lost their order on {} of {} runs; on seed {seed}: {why}",
                self.runs - self.modules_in_order,
                self.runs
            ));
        }
        out
    }

    /// The table an author reads.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{:<10} {:>7} {:>9} {:>6}  {:<9} {:<9} {:<9}\n",
            "inject", "fired", "withdrawn", "never", "earliest", "median", "latest"
        );
        for i in &self.injects {
            let or_dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
            out.push_str(&format!(
                "{:<10} {:>7} {:>9} {:>6}  {:<9} {:<9} {:<9}{}\n",
                i.id,
                format!("{}/{}", i.fired, self.runs),
                i.withdrawn,
                i.never,
                or_dash(&i.earliest),
                or_dash(&i.median),
                or_dash(&i.latest),
                if i.by_hand { "  (by hand)" } else { "" }
            ));
        }
        out.push_str(&format!(
            "modules in order on {}/{} runs\n",
            self.modules_in_order, self.runs
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::session::Session;
    use crate::scenario::testkit::TinyRegion;

    /// A breach story told only where the crew got in: over seeds, the inject fires on the
    /// runs where the organisation was breached and is withdrawn on the others, and a module
    /// whose inject comes late loses its order.
    #[test]
    fn the_runs_count_what_fired_what_was_withdrawn_and_module_order() {
        let region = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 6, 1.0, 0.9)
            .campaign("c", "D1 09:00", r#"Organisation("gov")"#, &["T1190"])
            .duration("1d")
            .field(r#"modules: [Module(id: "M1", title: "One"), Module(id: "M2", title: "Two")]"#)
            .field(
                r#"msel: [
                Inject(id: "EARLY", module: Some("M2"), trigger: At("D1 08:30"), kind: Narrative,
                    channel: Email, title: "Two starts first"),
                Inject(id: "LATE", module: Some("M1"), trigger: At("D1 09:00"), kind: Narrative,
                    channel: Email, title: "One"),
                Inject(id: "BREACH", trigger: At("D1 20:00"), only_if: Some(Compromised("gov")),
                    kind: Narrative, channel: Phone, title: "gov breached"),
                Inject(id: "HAND", trigger: Manual, kind: Narrative, channel: Phone,
                    title: "by hand")]"#,
            );
        let plan = region.plan();
        let mut runs = Vec::new();
        let mut breached = 0;
        for seed in 1..=12 {
            let mut session = Session::new(plan.clone(), seed);
            session.run_until(24 * 60).unwrap();
            let events = session.sim.events();
            if (events.iter()).any(|e| {
                matches!(
                    e.event,
                    crate::sim::events::SimEvent::HostCompromised { .. }
                )
            }) {
                breached += 1;
            }
            runs.push(of_run(&plan, events));
        }
        assert!(
            (1..12).contains(&breached),
            "an exploit against a well-patched shop works on some seeds only ({breached}/12)"
        );
        let s = summarise(&plan, &runs, 1);
        let by_id = |id: &str| s.injects.iter().find(|i| i.id == id).unwrap().clone();
        let breach = by_id("BREACH");
        assert_eq!(
            (breach.fired, breach.withdrawn, breach.never),
            (breached, 12 - breached, 0)
        );
        assert_eq!(breach.median.as_deref(), Some("D1 20:00"));
        assert_eq!(by_id("EARLY").fired, 12);
        assert_eq!(s.modules_in_order, 0);
        assert_eq!(
            s.first_out_of_order.as_ref().map(|(seed, _)| *seed),
            Some(1),
            "M1 starts at 09:00 while M2 began at 08:30"
        );
        let warnings = s.warnings();
        assert_eq!(
            warnings.len(),
            1,
            "HAND is by hand; only the order is a fault: {warnings:?}"
        );
        assert!(s.render().contains("BREACH"));
    }
}
