//! The fog of war on the flagship: for every team, no event it may not see reaches its view,
//! and everything addressed to it does. Checked over a whole 72-hour run.

mod common;
use common::*;

use tidewatch::report::audience::visible_to;
use tidewatch::report::knowledge::TeamKnowledge;
use tidewatch::scenario::ids::{InjectIx, TeamIx};
use tidewatch::scenario::{InjectKind, TeamKind};
use tidewatch::sim::events::SimEvent;

/// Ground truth: what no team's view may ever hold.
fn ground_truth(e: &SimEvent) -> bool {
    use SimEvent::*;
    matches!(
        e,
        HostCompromised { .. }
            | AccessFailed { .. }
            | AccessBlocked { .. }
            | StageCompleted { .. }
            | TrustFollowed { .. }
            | DataExfiltrated { .. }
            | HostsEncrypted { .. }
            | BackupsLost { .. }
            | CampaignStarted { .. }
            | AlertUnwatched { .. }
            | RansomNoteFound { .. }
            | ExpectationMet { .. }
            | ExpectationMissed { .. }
            | ExpectationValidated { .. }
            | Note { .. }
            | OutageCause { .. }
    )
}

/// The team an event is addressed to by name, if it is.
fn addressed_to(e: &SimEvent) -> Option<TeamIx> {
    use SimEvent::*;
    match *e {
        AlertRaised { team, .. }
        | AlertTriaged { team, .. }
        | AlertExpired { team, .. }
        | IncidentOpened { team, .. }
        | HostIsolated { team, .. }
        | IntelReceived { team, .. }
        | IntelProduced { team, .. }
        | ResponseOrdered { team, .. } => Some(team),
        _ => None,
    }
}

#[test]
fn every_team_sees_its_own_and_nothing_of_the_ground_truth() {
    let plan = plan("scenarios/eastern-caribbean.ron", &[]);
    let (sim, _) = run(&plan, 42, 72 * 60);
    let events = sim.events();
    assert!(events.iter().any(|e| ground_truth(&e.event)));
    for t in TeamIx::all(plan.teams.len()) {
        let id = &plan.scenario.teams[t].id;
        let view = visible_to(&plan, t, events);
        // The team's knowledge is the same fold: it sees exactly its view.
        let mut knows = TeamKnowledge::new(t);
        assert_eq!(knows.update(&plan, events).len(), view.len(), "{id}");
        let addressed = plan.injects.iter().enumerate().filter(|(i, inj)| {
            inj.to.contains(&t)
                && events.iter().any(|e| {
                    e.event
                        == SimEvent::InjectFired {
                            inject: InjectIx::from(*i),
                        }
                })
        });
        assert!(
            knows.inbox.len()
                >= addressed
                    .clone()
                    .filter(|(i, _)| plan.scenario.msel[*i].kind != InjectKind::Facilitation)
                    .count()
        );
        for e in &view {
            assert!(!ground_truth(&e.event), "{id} sees {:?}", e.event);
            if let Some(to) = addressed_to(&e.event) {
                assert_eq!(to, t, "{id} sees another team's {:?}", e.event);
            }
        }
        let seen = |x: &&tidewatch::sim::events::Stamped| view.iter().any(|v| std::ptr::eq(*v, *x));
        for e in events {
            if addressed_to(&e.event) == Some(t) {
                assert!(seen(&e), "{id} misses its own {:?}", e.event);
            }
            if let SimEvent::InjectFired { inject } = e.event {
                let i = &plan.scenario.msel[inject];
                if plan.injects[inject].to.contains(&t) && i.kind != InjectKind::Facilitation {
                    assert!(seen(&e), "{id} misses inject {}", i.id);
                }
            }
            if matches!(
                e.event,
                SimEvent::ServiceDown { .. } | SimEvent::LinkCut { .. }
            ) {
                assert!(
                    seen(&e),
                    "{id} misses what every citizen sees: {:?}",
                    e.event
                );
            }
        }
    }
}

#[test]
fn a_teams_events_file_holds_only_its_view() {
    let dir = std::env::temp_dir().join(format!("tidewatch-fog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The tabletop's point of contact: injects are put to it, and intrusions it cannot see are
    // in the log.
    const SCENARIO: &str = "tests/data/tabletop.ron";
    let npc = plan(SCENARIO, &[])
        .scenario
        .teams
        .iter()
        .find(|t| t.kind == TeamKind::Npc)
        .expect("the tabletop has a point of contact")
        .id
        .clone();
    let (all, mine) = (dir.join("all.jsonl"), dir.join(format!("{npc}.jsonl")));
    for (path, team) in [(&all, None), (&mine, Some(npc.as_str()))] {
        let mut args = vec!["run", SCENARIO, "--until", "2d", "--events"];
        args.push(path.to_str().unwrap());
        if let Some(t) = team {
            args.extend(["--team", t]);
        }
        let out = tidewatch(&args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let (all, mine) = (
        std::fs::read_to_string(&all).unwrap(),
        std::fs::read_to_string(&mine).unwrap(),
    );
    assert!(all.contains("\"true_positive\"") && all.contains("\"HostCompromised\""));
    assert!(
        !mine.contains("\"true_positive\""),
        "a team never reads the truth of its alerts"
    );
    assert!(!mine.contains("\"HostCompromised\""));
    assert!(
        mine.contains("\"InjectFired\""),
        "the NPC's inbox is in its view"
    );
    assert!(mine.lines().count() < all.lines().count() / 2);
    let out = tidewatch(&[
        "run",
        "tutorial",
        "--events",
        "/dev/null",
        "--team",
        "nobody",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown team `nobody`"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(dir).ok();
}

/// A false alert looks like a true one: in the events a team may read, an alert raised by an
/// intruder and one raised by benign activity have the same fields, both name a technique, and
/// the techniques overlap, so telling them apart is an analyst's work (triage, investigation),
/// never a field. On the flagship's busiest desk over two days.
#[test]
fn a_team_cannot_tell_a_false_alert_from_a_true_one_by_any_field() {
    use std::collections::{BTreeMap, BTreeSet};
    use tidewatch::report::audience::write_events;
    let plan = plan("scenarios/eastern-caribbean.ron", &[]);
    let (sim, _) = run(&plan, 7, 2 * 24 * 60);
    let lines = |team: Option<TeamIx>| -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        write_events(&plan, sim.events(), team, &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|v: &serde_json::Value| v["kind"] == "AlertRaised")
            .collect()
    };
    let all = lines(None);
    let truth: BTreeMap<u64, bool> = all
        .iter()
        .map(|v| (v["alert"].as_u64().unwrap(), v["true_positive"] == true))
        .collect();
    // The team with the most true alerts: the one the crew's moves reach.
    let mut per_team: BTreeMap<String, usize> = BTreeMap::new();
    for v in all.iter().filter(|v| v["true_positive"] == true) {
        *per_team
            .entry(v["team"].as_str().unwrap().into())
            .or_default() += 1;
    }
    let busiest = per_team.iter().max_by_key(|(_, n)| **n).unwrap().0.clone();
    let team = TeamIx::all(plan.teams.len())
        .find(|t| plan.scenario.teams[*t].id == busiest)
        .unwrap();
    let (mut keys, mut named) = (
        [BTreeSet::new(), BTreeSet::new()],
        [BTreeSet::new(), BTreeSet::new()],
    );
    let mut count = [0, 0];
    for v in &lines(Some(team)) {
        let real = truth[&v["alert"].as_u64().unwrap()] as usize;
        count[real] += 1;
        let fields = v.as_object().unwrap();
        keys[real].insert(fields.keys().cloned().collect::<Vec<_>>());
        assert!(
            v["technique"].is_string(),
            "every alert names a technique: {v}"
        );
        named[real].insert(v["technique"].as_str().unwrap().to_string());
    }
    assert!(
        count[0] > 20 && count[1] > 5,
        "false and true alerts both: {count:?}"
    );
    assert_eq!(keys[0], keys[1], "the same fields, false or true");
    assert_eq!(keys[0].len(), 1, "one shape for every alert: {:?}", keys[0]);
    assert!(
        named[0].intersection(&named[1]).next().is_some(),
        "false alerts name techniques true ones name: {named:?}"
    );
}
