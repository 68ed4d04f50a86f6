use super::*;
use crate::report::Outcome;
use crate::scenario::testkit::TinyRegion;

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
        why_no_difference: None,
    };
    assert_eq!(
        a.sentence(),
        "18 fewer hosts compromised, 36 more service-hours down, US$1.6M less lost"
    );
    // A few hundred dollars (an analyst's hour moved) is no measurable difference.
    let same = Alternative {
        hosts_compromised: 0,
        service_hours_down: 0.0,
        loss_usd: 400.0,
        why_no_difference: Some("why".into()),
        ..a
    };
    assert!(!same.measurable());
    assert_eq!(
        same.sentence(),
        "no measurable difference by the end of the exercise: why"
    );
}

/// Over seeds: in how many the loss differs, and where it does, the median and range; the
/// seeds it made better and worse.
#[test]
fn a_spread_says_in_how_many_seeds_it_differs_and_by_how_much_there() {
    let s = Spread::of(&[
        Some((0.0, 0.0)),
        Some((2_000_000.0, 10.0)),
        Some((500.0, 0.0)),
        Some((-1_000_000.0, -4.0)),
        Some((3_000_000.0, 2.0)),
    ]);
    assert_eq!(
        (s.seeds, s.put, s.differs, s.better, s.worse),
        (5, 5, 3, 1, 2)
    );
    assert_eq!(s.loss_median, 2_000_000.0);
    assert_eq!(
        s.sentence(),
        "the loss differs in 3 of 5 seeds; where it differs, +US$2.0M median (from -US$1.0M to +US$3.0M)"
    );
    let none = Spread::of(&[Some((0.0, 0.0)), Some((10.0, 0.0))]);
    assert_eq!(none.sentence(), "the loss differs in none of 2 seeds");
    // Seeds where the decision never came up do not count for or against it.
    let rare = Spread::of(&[Some((-5_000.0, 0.0)), None, None]);
    assert_eq!((rare.put, rare.better), (1, 1));
    assert_eq!(
        rare.sentence(),
        "the loss differs in 1 of the 1 of 3 seeds where the decision came up; where it differs, -US$5k median"
    );
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
        let picture = OperatingPicture::of(&plan, &events);
        let was_missed = !picture.missed.is_empty();
        assert_eq!(missed.len(), was_missed as usize, "seed {seed}");
        if let Some(m) = missed.first() {
            missed_somewhere = true;
            assert_eq!(
                m.action,
                "csirt scopes its incident and shares at TLP:Green"
            );
            // Replayed with the share: the expectation is met this time.
            let at = picture.missed[0].1 - 120;
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
                        to: Default::default(),
                    },
                ),
            ];
            let again = replay_changed(&plan, seed, &[], end, None, orders).unwrap();
            let again = OperatingPicture::of(&plan, &again);
            assert!(
                again.outcomes.values().any(|o| o.0 == Outcome::Met),
                "seed {seed}"
            );
        }
    }
    assert!(missed_somewhere, "trainees who never act miss the share");
}
