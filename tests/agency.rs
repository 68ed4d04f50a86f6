//! Agency, measured (issue 25, item 11): over the flagship's first 100 seeds, what the teams do
//! moves the money they can change, and the decisive move has a price the run shows.

mod common;
use common::*;

use tidewatch::batch::run_batch;
use tidewatch::report::metrics::RunMetrics;

const FLAGSHIP: &str = "scenarios/eastern-caribbean.ron";
const RUNS: u64 = 100;

/// The room does nothing: every team is the trainees' and they give no order, and every
/// decision is left at its passive option.
const NOTHING: &[&str] = &[
    "teams.*.auto=false",
    "msel.I07.decision.default=monitor",
    "msel.I08.decision.default=alone",
    "msel.I11.decision.default=hold",
    "msel.I13.decision.default=continue",
];

/// Per seed, the runs of one arm.
fn arm(set: &[&str]) -> Vec<RunMetrics> {
    let plan = plan(FLAGSHIP, set);
    let ticks = plan.scenario.duration.0;
    run_batch(plan, 1, RUNS, ticks, 2, false).per_run
}

fn mean(runs: &[RunMetrics], f: impl Fn(&RunMetrics) -> f64) -> f64 {
    runs.iter().map(f).sum::<f64>() / runs.len() as f64
}

#[test]
fn what_the_teams_do_moves_the_money_they_can_change() {
    let nothing = arm(NOTHING);
    let played = arm(&[]);
    let decisive = arm(&["msel.I07.decision.default=isolate"]);
    let part = |r: &RunMetrics| r.loss_teams_can_change_usd;
    let (n, p, d) = (
        mean(&nothing, part),
        mean(&played, part),
        mean(&decisive, part),
    );
    // The teams' own work, by policy: at least 30% less than a room that does nothing.
    assert!(p <= 0.7 * n, "played {p:.0} against nothing {n:.0}");
    // Isolating the provider early saves more, seed by seed more often than not.
    assert!(d < p, "decisive {d:.0} against played {p:.0}");
    let better = (decisive.iter().zip(&played))
        .filter(|(a, b)| part(a) < part(b))
        .count();
    assert!(
        better > RUNS as usize / 2,
        "better in {better} of {RUNS} seeds"
    );
    // And it has a price: the provider's clients lose their support, more than the analysts'
    // work the isolation spares (36% more than the policy's own price when written).
    let price = |r: &RunMetrics| r.response_price_usd;
    let (pp, dp) = (mean(&played, price), mean(&decisive, price));
    assert!(dp > 1.25 * pp, "decisive price {dp:.0} against {pp:.0}");
}
