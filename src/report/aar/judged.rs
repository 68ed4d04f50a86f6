//! A trainee team's decision judged on what its other options would have changed (the
//! counterfactuals, over the seeds the report replayed): a strength when no other option lost
//! measurably less and one lost more, an area for improvement when another lost measurably
//! less, and otherwise listed with why it made no measurable difference. A decision whose
//! options play nothing in the model is listed for the room's discussion, not judged.

use crate::report::counterfactual::{Alternative, Counterfactual, MEASURABLE_USD};
use crate::report::money::usd;
use crate::scenario::Decision;

/// Where a decision lands in a team's review.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Judged {
    Strength(String),
    Improvement(String),
    /// Listed with the decisions, not judged either way.
    Listed(String),
}

/// A difference in the loss worth a lesson is at least this share of the exercise's loss (and
/// at least [`MEASURABLE_USD`]): the model's money is an estimate, and a choice that moves a
/// multi-million loss by a few thousand dollars is a draw, not a better choice (judgement).
pub(super) const MATERIAL_SHARE: f64 = 0.01;

/// Whether the other option did better or worse than the one taken, on the loss, by at least
/// `material`: over seeds, in more than half of those where the decision came up (and by the
/// median); on one seed, by the exercise's own difference.
fn better_and_worse(a: &Alternative, material: f64) -> (bool, bool) {
    match &a.spread {
        Some(s) => (
            s.better * 2 > s.put && s.loss_median <= -material,
            s.worse * 2 > s.put && s.loss_median >= material,
        ),
        None => (a.loss_usd <= -material, a.loss_usd >= material),
    }
}

/// What an alternative changed, with its spread over seeds when there is one.
fn figures(a: &Alternative) -> String {
    match &a.spread {
        Some(s) => format!("{}; {}", a.sentence(), s.sentence()),
        None => a.sentence(),
    }
}

/// `taken` (its label) on `decision`, `said` how the decision is named ("I18 (D1 21:54)").
pub(super) fn judge(
    decision: &Decision,
    (said, taken): (&str, &str),
    counterfactual: Option<&Counterfactual>,
    exercise_loss: f64,
) -> Judged {
    let material = (MATERIAL_SHARE * exercise_loss).max(MEASURABLE_USD);
    let decided = format!("Decided on {said}: \"{taken}\"");
    if decision.options.iter().all(|o| o.effects.is_empty()) {
        return Judged::Listed(format!(
            "{decided}; a choice for the room to discuss, with no effect the model plays"
        ));
    }
    let Some(c) = counterfactual else {
        return Judged::Listed(format!(
            "{decided} (not judged: its options were not replayed)"
        ));
    };
    let loss = |a: &&Alternative| a.spread.as_ref().map_or(a.loss_usd, |s| s.loss_median);
    let better: Vec<&Alternative> = (c.alternatives.iter())
        .filter(|a| better_and_worse(a, material).0)
        .collect();
    if let Some(best) = better.iter().min_by(|a, b| loss(a).total_cmp(&loss(b))) {
        return Judged::Improvement(format!(
            "{decided}; \"{}\" would have lost {} less ({})",
            best.label,
            usd(-loss(best)),
            figures(best)
        ));
    }
    let worse: Vec<&Alternative> = (c.alternatives.iter())
        .filter(|a| better_and_worse(a, material).1)
        .collect();
    if let Some(worst) = worse.iter().max_by(|a, b| loss(a).total_cmp(&loss(b))) {
        return Judged::Strength(format!(
            "{decided}; no other option lost less, and \"{}\" would have cost {} more ({})",
            worst.label,
            usd(loss(worst)),
            figures(worst)
        ));
    }
    let why = (c.alternatives.iter())
        .map(|a| format!("\"{}\": {}", a.label, figures(a)))
        .collect::<Vec<_>>()
        .join("; ");
    Judged::Listed(format!(
        "{decided}; no option clearly better or worse (by at least {} and in most seeds): {why}",
        usd(material)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::counterfactual::Spread;
    use crate::scenario::DecisionOption;
    use crate::time::Span;

    fn decision(effects: bool) -> Decision {
        let option = |id: &str| DecisionOption {
            id: id.into(),
            label: id.into(),
            effects: if effects {
                vec![crate::scenario::Command::Note("x".into())]
            } else {
                Vec::new()
            },
        };
        Decision {
            prompt: "Pay?".into(),
            options: vec![option("pay"), option("refuse")],
            default: "pay".into(),
            takes: Span(30),
            answer_within: None,
            decider: None,
        }
    }

    fn counterfactual(loss: f64, spread: Option<Spread>) -> Counterfactual {
        Counterfactual {
            inject: "I18".into(),
            prompt: "Pay?".into(),
            team: "ag-npc".into(),
            time: "D1 21:54".into(),
            tick: 0,
            taken: "pay".into(),
            alternatives: vec![Alternative {
                option: "refuse".into(),
                label: "refuse".into(),
                hosts_compromised: 0,
                hosts_encrypted: 0,
                service_hours_down: 0.0,
                loss_usd: loss,
                owed_usd: 0.0,
                spread,
                why_no_difference: (loss.abs() < MEASURABLE_USD).then(|| "the same".into()),
            }],
        }
    }

    fn spread(better: u64, worse: u64, seeds: u64) -> Spread {
        Spread {
            seeds,
            put: seeds,
            differs: better + worse,
            loss_median: if better > worse { -90_000.0 } else { 90_000.0 },
            loss_low: -50_000.0,
            loss_high: 50_000.0,
            better,
            worse,
            hosts_encrypted_mean: 0.0,
        }
    }

    /// The option taken is judged by what the others would have lost: better elsewhere is an
    /// area for improvement, worse elsewhere a strength, the same listed with why; over seeds,
    /// only a majority of them counts; a choice the model plays nothing of is not judged.
    #[test]
    fn a_decision_is_judged_by_what_the_other_options_would_have_lost() {
        let d = decision(true);
        let judge = |c: Counterfactual| judge(&d, ("I18 (D1 21:54)", "pay"), Some(&c), 5_000_000.0);
        assert!(matches!(
            judge(counterfactual(-200_000.0, None)),
            Judged::Improvement(_)
        ));
        assert!(matches!(
            judge(counterfactual(200_000.0, None)),
            Judged::Strength(_)
        ));
        let Judged::Listed(same) = judge(counterfactual(21.0, None)) else {
            panic!("US$21 is no lesson");
        };
        assert!(same.contains("no option clearly better or worse"), "{same}");
        assert!(same.contains("no measurable difference"), "{same}");
        // US$30k on a US$5M exercise is under 1% of it: a draw.
        assert!(matches!(
            judge(counterfactual(-30_000.0, None)),
            Judged::Listed(_)
        ));
        // Better in 2 seeds of 5 and worse in 1: no majority either way.
        let mixed = judge(counterfactual(-60_000.0, Some(spread(2, 1, 5))));
        assert!(matches!(mixed, Judged::Listed(_)), "{mixed:?}");
        let mostly = judge(counterfactual(-60_000.0, Some(spread(4, 0, 5))));
        let Judged::Improvement(line) = mostly else {
            panic!("{mostly:?}");
        };
        assert!(line.contains("4 of 5 seeds"), "{line}");
        let talk = judge_discussion();
        assert!(
            matches!(talk, Judged::Listed(ref l) if l.contains("to discuss")),
            "{talk:?}"
        );
    }

    fn judge_discussion() -> Judged {
        let discussed = counterfactual(0.0, None);
        judge(&decision(false), ("I11", "pay"), Some(&discussed), 1e6)
    }
}
