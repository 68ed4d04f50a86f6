//! The flagship tabletop: its MSEL rehearses, decisions change the simulation, expectations
//! are met, missed (with their contingency) or rated by the facilitator, and the whole thing
//! replays from its journal.

mod common;
use common::*;

use std::collections::BTreeSet;

/// A command file played on the small tabletop, in a directory of its own: the files
/// (`NAME.ron`, `journal.jsonl`, `events.jsonl`) and every event of the run.
struct Played {
    dir: std::path::PathBuf,
    commands: std::path::PathBuf,
    journal: std::path::PathBuf,
    events: Vec<serde_json::Value>,
}

/// Plays `commands` (a command file's text) on tests/data/tabletop.ron with `args` besides,
/// journaled; the run must succeed.
fn play(name: &str, commands: &str, args: &[&str]) -> Played {
    play_on("tests/data/tabletop.ron", name, commands, args)
}

/// Plays `commands` on the scenario at `scenario`, as [`play`] does.
fn play_on(scenario: &str, name: &str, commands: &str, args: &[&str]) -> Played {
    let dir = std::env::temp_dir().join(format!("tidewatch-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.ron"));
    std::fs::write(&file, commands).unwrap();
    let (journal, events) = (dir.join("journal.jsonl"), dir.join("events.jsonl"));
    let mut all = vec![
        "run",
        scenario,
        "--commands",
        file.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let out = tidewatch(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    Played {
        events: events_in(&events),
        dir,
        commands: file,
        journal,
    }
}

/// The texts of the notes on the record (refusals are written there).
fn notes(events: &[serde_json::Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["kind"] == "Note")
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_flagship_msel_is_a_full_one_day_tabletop() {
    let plan = plan("scenarios/eastern-caribbean.ron", &[]);
    let s = &plan.scenario;
    assert!(s.msel.len() >= 15);
    assert!(
        s.msel.iter().all(|i| !i.questions.is_empty()),
        "every inject has discussion questions"
    );
    assert!(s.msel.iter().filter(|i| i.decision.is_some()).count() >= 3);
    let teams: BTreeSet<&str> = s.expectations.iter().map(|e| e.team.as_str()).collect();
    // Every CSIRT in service (a planned one, on an island that says `csirt: false`, waits for
    // a what-if).
    let serving = |t: &&tidewatch::scenario::Team| {
        s.islands
            .iter()
            .any(|i| i.csirt && t.island.as_deref() == Some(i.id.as_str()))
    };
    for t in s
        .teams
        .iter()
        .filter(|t| matches!(t.kind, tidewatch::scenario::TeamKind::NationalCsirt))
        .filter(serving)
    {
        assert!(teams.contains(t.id.as_str()), "no expectation for {}", t.id);
    }

    let out = json(&tidewatch(&[
        "run",
        "eastern-caribbean",
        "--until",
        "2d",
        "--rehearse",
        "--json",
    ]));
    let r = &out["rehearsal"];
    let fired = r["fired"].as_array().unwrap();
    assert!(fired.len() >= 15, "{} injects fired", fired.len());
    assert!(
        fired
            .windows(2)
            .all(|w| w[0]["time"].as_str() <= w[1]["time"].as_str())
    );
    // Contingency injects only fire when an expectation is missed.
    let never: Vec<&str> = r["never_fired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for i in s.msel.iter().filter(|i| i.contingency_only) {
        assert!(
            never.contains(&i.id.as_str()),
            "{} fired without a missed expectation",
            i.id
        );
    }
    assert!(
        r["decisions"].as_array().unwrap().len() >= 3,
        "auto-played teams take the policy's decisions"
    );
    let ratings: Vec<&str> = r["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["rating"].as_str().unwrap())
        .collect();
    assert!(
        ratings
            .iter()
            .all(|x| ["P", "S", "M", "U", "-"].contains(x))
            && ratings.len() == s.objectives.len()
    );
}

#[test]
fn trainees_decisions_drive_the_exercise_and_it_replays() {
    let dir = std::env::temp_dir().join(format!("tidewatch-msel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let journal = dir.join("tabletop.jsonl");
    let events = dir.join("events.jsonl");
    let out = tidewatch(&[
        "run",
        "tests/data/tabletop.ron",
        "--set",
        "teams.a-npc.auto=false",
        "--commands",
        "tests/data/tabletop-commands.ron",
        "--journal",
        journal.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        "--until",
        "2d",
        "--rehearse",
        "--json",
    ]);
    let v = json(&out);
    let ev: Vec<serde_json::Value> = std::fs::read_to_string(&events)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |kind: &str, key: &str, val: &str| {
        ev.iter()
            .find(|e| e["kind"] == kind && e[key] == val)
            .cloned()
    };

    // The decision isolates the provider at the next tick boundary.
    let decided =
        find("DecisionTaken", "inject", "I2").expect("the trainees' decision is recorded");
    assert_eq!(
        (decided["team"].as_str(), decided["time"].as_str()),
        (Some("a-npc"), Some("D1 10:30"))
    );
    let isolated =
        find("OrganisationIsolated", "org", "a-msp").expect("the decision's effect applies");
    assert_eq!(isolated["time"], "D1 10:31");
    // Nobody answered the Minister: the expectation is missed and its contingency fires.
    let r = &v["rehearsal"];
    let outcome = |id: &str| {
        r["expectations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()["outcome"]
            .clone()
    };
    assert_eq!(outcome("E2"), "missed");
    assert!(
        find("InjectFired", "inject", "I4").is_some(),
        "the contingency inject fired"
    );
    assert_eq!(outcome("E3"), "met (facilitator)");
    assert_eq!(outcome("E1"), "met");
    // Ordering an inject that already fired does not send it twice.
    assert_eq!(
        ev.iter()
            .filter(|e| e["kind"] == "InjectFired" && e["inject"] == "I5")
            .count(),
        1
    );

    let replay = tidewatch(&["replay", journal.to_str().unwrap(), "--verify", "--json"]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    assert_eq!(json(&replay)["digest"], v["digest"]);

    // The same exercise with the policy playing the NPC keeps the provider connected.
    let auto = tidewatch(&[
        "run",
        "tests/data/tabletop.ron",
        "--until",
        "2d",
        "--events",
        events.to_str().unwrap(),
        "--json",
    ]);
    assert!(auto.status.success());
    let text = std::fs::read_to_string(&events).unwrap();
    assert!(
        !text.contains("\"OrganisationIsolated\""),
        "the default decision is to monitor, not isolate"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_decision_with_a_time_limit_moves_on_with_the_default_when_trainees_do_not_answer() {
    let dir = std::env::temp_dir().join(format!("tidewatch-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string("tests/data/tabletop.ron").unwrap();
    let limited = text.replace(
        r#"default: "hold", takes: "20m","#,
        r#"default: "hold", takes: "20m", answer_within: Some("45m"),"#,
    );
    assert_ne!(limited, text, "the fixture still has I3's decision");
    let scenario = dir.join("limited.ron");
    std::fs::write(&scenario, limited).unwrap();
    let events = dir.join("events.jsonl");
    let run = |set: &str| {
        let out = tidewatch(&[
            "run",
            scenario.to_str().unwrap(),
            "--set",
            set,
            "--until",
            "6h",
            "--events",
            events.to_str().unwrap(),
            "--rehearse",
            "--json",
        ]);
        let ev: Vec<serde_json::Value> = std::fs::read_to_string(&events)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (json(&out), ev)
    };
    let (v, ev) = run("teams.a-npc.auto=false");
    let taken: Vec<_> = ev
        .iter()
        .filter(|e| e["kind"] == "DecisionTaken" && e["inject"] == "I3")
        .collect();
    assert_eq!(taken.len(), 1, "{taken:?}");
    // Fired at 11:00; nobody answered in 45 minutes: the default, at 11:45.
    assert_eq!(taken[0]["time"], "D1 11:45");
    assert_eq!(taken[0]["option"], "hold");
    // The room moving on is not the team answering within its 30 minutes.
    let e2 = v["rehearsal"]["expectations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "E2")
        .unwrap()
        .clone();
    assert_eq!(e2["outcome"], "missed");
    // An auto-played team still answers after its `takes` (20 minutes), limit or not.
    let (_, ev) = run("teams.a-npc.auto=true");
    let auto = ev
        .iter()
        .find(|e| e["kind"] == "DecisionTaken" && e["inject"] == "I3")
        .unwrap();
    assert_eq!(auto["time"], "D1 11:20");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_decision_is_taken_once_and_only_after_it_was_put() {
    let run = play(
        "once",
        r#"[
            Timed(at: "D1 09:00", do: Decide(team: "a-npc", inject: "I2", option: "isolate")),
            Timed(at: "D1 10:30", do: Decide(team: "a-npc", inject: "I2", option: "monitor")),
            Timed(at: "D1 10:40", do: Decide(team: "a-npc", inject: "I2", option: "isolate")),
        ]"#,
        &["--set", "teams.a-npc.auto=false", "--until", "6h"],
    );
    let ev = &run.events;
    let taken: Vec<_> = ev
        .iter()
        .filter(|e| e["kind"] == "DecisionTaken" && e["inject"] == "I2")
        .map(|e| (e["time"].as_str().unwrap(), e["option"].as_str().unwrap()))
        .collect();
    assert_eq!(
        taken,
        vec![("D1 10:30", "monitor")],
        "once, after it was put"
    );
    let notes = notes(ev);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("I2 was refused: it has not been put yet")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("I2 was refused: it was already taken")),
        "{notes:?}"
    );
    // The provider was never isolated: neither refused decision acted.
    assert!(!ev.iter().any(|e| e["kind"] == "OrganisationIsolated"));
    std::fs::remove_dir_all(run.dir).ok();
}

#[test]
fn skipped_and_delayed_injects_are_journaled_and_replay_the_same() {
    // I2 (D1 10:00) is skipped; I3 (D1 11:00) and I5 (D1 12:00) put back before their time.
    let run = play(
        "schedule",
        r#"[
            Timed(at: "D1 09:00", do: SkipInject("I2")),
            Timed(at: "D1 10:30", do: DelayInject(inject: "I3", by: "1h")),
            Timed(at: "D1 10:45", do: DelayInject(inject: "I5", by: "30m")),
            Timed(at: "D1 11:30", do: RescheduleInject(inject: "I3", at: "D1 11:45")),
        ]"#,
        &["--until", "8h"],
    );
    let fired: Vec<(String, String)> = run
        .events
        .iter()
        .filter(|e| e["kind"] == "InjectFired")
        .map(|e| {
            (
                e["inject"].as_str().unwrap().to_string(),
                e["time"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let at = |id: &str| fired.iter().find(|f| f.0 == id).map(|f| f.1.as_str());
    assert_eq!(at("I2"), None, "skipped");
    assert_eq!(
        at("I3"),
        Some("D1 11:45"),
        "put back an hour (due 12:00), then moved to 11:45"
    );
    assert_eq!(at("I5"), Some("D1 12:30"), "30 minutes late");
    // The journal holds the schedule changes and replays to the same digests.
    let text = std::fs::read_to_string(&run.journal).unwrap();
    assert!(
        text.contains("SkipInject")
            && text.contains("DelayInject")
            && text.contains("RescheduleInject")
    );
    let verified = tidewatch(&["replay", run.journal.to_str().unwrap(), "--verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    std::fs::remove_dir_all(run.dir).ok();
}

#[test]
fn a_decision_not_put_to_the_team_is_refused_with_its_reason() {
    // I2 is put to a-npc; b-csirt answering it is refused, then a-npc's answer stands.
    let run = play(
        "notput",
        r#"[
            Timed(at: "D1 10:20", do: Decide(team: "b-csirt", inject: "I2", option: "isolate")),
            Timed(at: "D1 10:30", do: Decide(team: "a-npc", inject: "I2", option: "monitor")),
        ]"#,
        &["--set", "teams.a-npc.auto=false", "--until", "6h"],
    );
    let ev = &run.events;
    let taken: Vec<_> = ev
        .iter()
        .filter(|e| e["kind"] == "DecisionTaken" && e["inject"] == "I2")
        .map(|e| (e["team"].as_str().unwrap(), e["option"].as_str().unwrap()))
        .collect();
    assert_eq!(taken, vec![("a-npc", "monitor")]);
    assert!(
        notes(ev)
            .iter()
            .any(|n| n.contains("I2 was refused: it was not put to b-csirt")),
        "the refusal says why"
    );
    std::fs::remove_dir_all(run.dir).ok();
}

#[test]
fn a_live_inject_reaches_its_teams_and_replays() {
    let run = play(
        "live",
        r#"[
            Timed(at: "D1 09:30", do: SendInject((
                title: "Journalist calls about the outage",
                body: "A reporter from the island radio asks whether customer data was taken.",
                channel: Phone,
                from: "Island Radio newsroom",
                to: ["a-npc"],
                questions: ["What do you tell her?"],
                options: ["Confirm an incident", "No comment"],
            ))),
            Timed(at: "D1 09:35", do: Decide(team: "b-csirt", inject: "live-1", option: "1")),
            Timed(at: "D1 09:40", do: Decide(team: "a-npc", inject: "live-1", option: "no comment")),
            Timed(at: "D1 09:41", do: Decide(team: "a-npc", inject: "live-1", option: "1")),
            Timed(at: "D1 09:42", do: Decide(team: "a-npc", inject: "live-9", option: "1")),
            Timed(at: "D1 09:45", do: SendInject((
                title: "Regional heads of CSIRT call",
                channel: Briefing,
                to: ["a-npc", "b-csirt"],
                options: ["Join", "Send apologies"],
                decider: Some("b-csirt"),
            ))),
            Timed(at: "D1 09:50", do: Decide(team: "a-npc", inject: "live-2", option: "1")),
            Timed(at: "D1 09:55", do: Decide(team: "b-csirt", inject: "live-2", option: "1")),
        ]"#,
        &["--until", "2h"],
    );
    let sent: Vec<&serde_json::Value> = run
        .events
        .iter()
        .filter(|e| e["kind"] == "InjectSent")
        .collect();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0]["id"], "live-1");
    assert_eq!(sent[0]["time"], "D1 09:30");
    assert_eq!(sent[0]["to"], serde_json::json!(["a-npc"]));
    assert_eq!(sent[1]["id"], "live-2");
    assert_eq!(sent[1]["to"], serde_json::json!(["a-npc", "b-csirt"]));
    // Its decision: taken once, by a team it was put to, with the option named either way.
    let decided: Vec<_> = run
        .events
        .iter()
        .filter(|e| e["kind"] == "LiveDecisionTaken")
        .map(|e| (e["team"].as_str().unwrap(), e["label"].as_str().unwrap()))
        .collect();
    // Sent to both, it is b-csirt's to decide: a-npc reads it.
    assert_eq!(decided, vec![("a-npc", "No comment"), ("b-csirt", "Join")]);
    let notes = notes(&run.events);
    for why in [
        "live-2 by a-npc was refused: it is for b-csirt to decide",
        "live-1 by b-csirt was refused: it was not put to that team",
        "live-1 by a-npc was refused: it was already taken",
        "live-9 by a-npc was refused: it has not been sent",
    ] {
        assert!(notes.iter().any(|n| n.contains(why)), "{why}: {notes:?}");
    }
    // On the record, and the record replays to the same digests.
    let text = std::fs::read_to_string(&run.journal).unwrap();
    assert!(text.contains("SendInject") && text.contains("Journalist calls"));
    let verified = tidewatch(&["replay", run.journal.to_str().unwrap(), "--verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    // Fog of war: b-csirt sees only the inject sent to it too, a-npc both.
    for (team, seen) in [("a-npc", 2), ("b-csirt", 1)] {
        let view = run.dir.join(format!("{team}.jsonl"));
        let out = tidewatch(&[
            "run",
            "tests/data/tabletop.ron",
            "--commands",
            run.commands.to_str().unwrap(),
            "--until",
            "2h",
            "--events",
            view.to_str().unwrap(),
            "--team",
            team,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let got = std::fs::read_to_string(&view)
            .unwrap()
            .lines()
            .filter(|l| l.contains("\"InjectSent\""))
            .count();
        assert_eq!(got, seen, "{team}");
    }
    // A live inject with nobody to send it to is refused where it was written.
    std::fs::write(
        &run.commands,
        "[\n  Timed(at: \"D1 09:30\", do: SendInject((title: \"x\", channel: Email, to: []))),\n]",
    )
    .unwrap();
    let bad = tidewatch(&[
        "run",
        "tests/data/tabletop.ron",
        "--commands",
        run.commands.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("live.ron:2:")
            && stderr(&bad).contains("needs at least one team in `to`"),
        "{}",
        stderr(&bad)
    );
    std::fs::remove_dir_all(run.dir).ok();
}

/// The shipped discussion tabletop: no attack is simulated, and `--rehearse` lays out its
/// modules, their questions and who receives each inject; each module ends (and would pause
/// the console) when its last scripted inject has fired, the by-hand inject waiting.
#[test]
fn the_discussion_tabletop_rehearses_its_modules_questions_and_recipients() {
    let out = tidewatch(&["run", "scenarios/tabletop-ransomware.ron", "--rehearse"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for want in [
        "Module 1: Something is wrong at the Treasury [M1], planned 1h, pauses at its end; ran D1 08:15 to D1 09:40",
        "Module 2: Containment and the demand [M2]",
        "Module 3: Recovery and public trust [M3]",
        "Guidance: The decision on the demand belongs to the Crisis Committee.",
        "1. Who in government is told first, and by whom?",
        "when D1 10:30; to gd-cabinet, gd-csirt; fired D1 10:30",
        "when by hand; to gd-ict; not fired",
        "when (D1 11:45 or after I07) +10m; to gd-csirt; fired D1 11:55",
        "when D1 09:40; to the facilitator; fired D1 09:40",
    ] {
        assert!(text.contains(want), "`{want}` not in:\n{text}");
    }
    // Nothing is attacked: the island is untouched.
    assert!(
        text.contains(
            "Grenada (GD)                                       0         0          never"
        ),
        "{text}"
    );
    // The room hears of modules as they start and end; the facilitator's by-hand inject fires
    // when asked, and then the leak-site posting follows it (whichever first).
    let run = play_on(
        "scenarios/tabletop-ransomware.ron",
        "tabletop-by-hand",
        r#"[Timed(at: "D1 11:00", do: FireInject("I07"))]"#,
        &[],
    );
    let kinds: Vec<(String, String)> = run
        .events
        .iter()
        .filter(|e| {
            e["kind"]
                .as_str()
                .is_some_and(|k| k.starts_with("Module") || k == "InjectFired")
        })
        .map(|e| {
            (
                e["time"].as_str().unwrap().to_string(),
                e["inject"]
                    .as_str()
                    .or(e["module"].as_str())
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("D1 11:00".into(), "I07".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("D1 11:10".into(), "I08".into())),
        "{kinds:?}"
    );
}

/// The flagship's handouts: the players' Situation Manual holds no body of an inject meant for
/// the facilitator alone, every other inject has a card (Markdown and HTML), and the guide has
/// everything.
#[test]
fn the_flagship_handouts_keep_facilitator_text_out_of_the_players_manual() {
    let dir = std::env::temp_dir().join(format!("tidewatch-handouts-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    let out = tidewatch(&[
        "handouts",
        "eastern-caribbean",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap();
    let scenario: tidewatch::scenario::Scenario = tidewatch::scenario::parse_ron(
        "flagship",
        &std::fs::read_to_string("scenarios/eastern-caribbean.ron").unwrap(),
    )
    .unwrap();
    let (manual_md, manual_html, guide) = (
        read("situation-manual.md"),
        read("situation-manual.html"),
        read("facilitator-guide.md"),
    );
    let mut facilitator_only = 0;
    for inj in &scenario.msel {
        let secret = inj.kind == tidewatch::scenario::InjectKind::Facilitation || inj.to.is_empty();
        if secret {
            facilitator_only += 1;
            if !inj.body.is_empty() {
                assert!(
                    !manual_md.contains(&inj.body),
                    "{} in the players' manual",
                    inj.id
                );
                assert!(
                    !manual_html.contains(&inj.body),
                    "{} in the players' HTML",
                    inj.id
                );
            }
            assert!(
                !dir.join(format!("cards/{}.md", inj.id)).exists(),
                "{} has a card",
                inj.id
            );
        } else {
            let card = read(&format!("cards/{}.md", inj.id));
            assert!(card.contains(&inj.title), "{}", inj.id);
            assert!(dir.join(format!("cards/{}.html", inj.id)).exists());
        }
        assert!(guide.contains(&inj.title), "{} not in the guide", inj.id);
    }
    assert!(
        facilitator_only > 0,
        "the flagship has facilitator-only injects to keep out"
    );
    // No injected body at all reaches the manual, and no planned team is said to play.
    assert!(!manual_md.contains("(planned)"), "{manual_md}");
    assert!(manual_md.contains("## Rules of play"));
    // A situation players can use: the briefing (never the facilitator's description, which
    // names the intruder), the region on a map, the agenda, how to use a seat.
    assert!(manual_md.contains("## Background") && manual_md.contains(&scenario.briefing));
    assert!(
        !manual_md.contains(&scenario.description),
        "the plot in the players' manual"
    );
    assert!(manual_html.contains("<svg") && dir.join("map.svg").exists());
    assert!(manual_md.contains("## Agenda") && manual_md.contains("D1 08:00 AST (UTC-4): Move 1"));
    assert!(manual_md.contains("## How to use your seat"), "{manual_md}");
    assert!(
        manual_md.contains("Investigate an organisation: 1h30m"),
        "{manual_md}"
    );
    // Saint Lucia's pack: every card addressed to it, one per printed page, in Chromium.
    let pack = dir.join("cards/pack-lc-npc.html");
    let html = std::fs::read_to_string(&pack).unwrap();
    let addressed = (scenario.msel.iter())
        .filter(|i| i.kind != tidewatch::scenario::InjectKind::Facilitation)
        .filter(|i| i.to.iter().any(|t| t == "lc-npc"))
        .count();
    assert_eq!(html.matches("<section class=\"card\">").count(), addressed);
    if let Some(browser) = chromium() {
        let png = dir.join("pack.png");
        let log = screenshot(browser, &pack, &png);
        assert!(
            !log.contains(":CONSOLE("),
            "the pack wrote to the console: {log}"
        );
        assert!(
            std::fs::metadata(&png).unwrap().len() > 50_000,
            "a blank pack"
        );
        if std::env::var_os("TIDEWATCH_BLESS").is_some() {
            std::fs::copy(&png, "docs/card-pack.png").unwrap();
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The MSEL as a sheet: exported and read back unedited, the flagship's file is the same to the
/// byte (and so is its golden run); a removed row removes its inject and nothing else, a new row
/// adds one written without its defaults; a misspelled team is named by row and column with a
/// guess; removing a row another needs is said at that row and at the scenario's own line;
/// nothing is written over an existing file.
#[test]
fn the_msel_sheet_round_trips_and_names_its_mistakes_by_row_and_column() {
    let dir = std::env::temp_dir().join(format!("tidewatch-sheet-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let path = |p: &str| dir.join(p).to_str().unwrap().to_string();
    let out = tidewatch(&[
        "msel",
        "export",
        "eastern-caribbean",
        "--out",
        &path("msel.csv"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let import = |sheet: &str, to: &str| {
        tidewatch(&[
            "msel",
            "import",
            "eastern-caribbean",
            &path(sheet),
            "--out",
            &path(to),
        ])
    };
    let out = import("msel.csv", "same.ron");
    assert!(out.status.success(), "{}", stderr(&out));
    let original = std::fs::read_to_string("scenarios/eastern-caribbean.ron").unwrap();
    assert!(std::fs::read_to_string(path("same.ron")).unwrap() == original);
    let flagship_plan = plan("scenarios/eastern-caribbean.ron", &[]);
    let injects = flagship_plan.scenario.msel.len();
    let msel = |file: &str| {
        let s: tidewatch::scenario::Scenario =
            tidewatch::scenario::parse_ron(file, &std::fs::read_to_string(file).unwrap()).unwrap();
        serde_json::to_value(&s.msel).unwrap()
    };
    assert_eq!(
        msel(&path("same.ron")),
        msel("scenarios/eastern-caribbean.ron")
    );
    let run = tidewatch(&["run", &path("same.ron"), "--seed", "42", "--until", "72h"]);
    let flagship = tidewatch(&["run", "eastern-caribbean", "--seed", "42", "--until", "72h"]);
    assert_eq!(
        stdout(&run).lines().last(),
        stdout(&flagship).lines().last()
    );
    // Edits: the second inject's row removed, a copy of the first added as I99.
    let sheet = std::fs::read_to_string(path("msel.csv")).unwrap();
    let mut reader = csv_rows(&sheet);
    let header = reader.remove(0);
    let column = |name: &str| header.iter().position(|c| c == name).unwrap();
    let (id, to) = (column("ID"), column("To"));
    let removed = reader[1][id].clone();
    let mut edited = vec![header.clone()];
    let mut copy = reader[0].clone();
    copy[id] = "I99".into();
    edited.push(reader[0].clone());
    edited.extend(reader[2..].iter().cloned());
    edited.push(copy);
    std::fs::write(path("edited.csv"), csv_text(&edited)).unwrap();
    let out = import("edited.csv", "edited.ron");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("with {injects} injects (was {injects})")),
        "{}",
        stdout(&out)
    );
    let ids: Vec<String> = msel(&path("edited.ron"))
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ids.contains(&"I99".to_string()) && !ids.contains(&removed),
        "{ids:?}"
    );
    // Every line of the file but the removed inject's is still there, in order; the new one
    // leaves its defaults out.
    let edited_text = std::fs::read_to_string(path("edited.ron")).unwrap();
    let at = original.find(&format!("Inject(id: \"{removed}\"")).unwrap();
    let start = original[..at].rfind('\n').unwrap() + 1;
    let end = start + original[start..].find("\n\n").unwrap();
    let kept = format!("{}{}", &original[..start], &original[end + 2..]);
    let mut lines = edited_text.lines();
    for line in kept.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            lines.any(|l| l == line),
            "{line:?} is missing or out of order"
        );
    }
    let i99 = &edited_text[edited_text.find("Inject(id: \"I99\"").unwrap()..];
    let i99 = &i99[..i99.find(')').unwrap()];
    assert!(!i99.contains("delay") && !i99.contains("decision"), "{i99}");
    // A row another inject and an expectation need: removed, each is said where it is.
    let needed = "I05";
    let dropped: Vec<Vec<String>> = std::iter::once(header.clone())
        .chain(reader.iter().filter(|r| r[id] != needed).cloned())
        .collect();
    std::fs::write(path("dropped.csv"), csv_text(&dropped)).unwrap();
    let out = import("dropped.csv", "dropped.ron");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let dependent = dropped.iter().position(|r| r[id] == "I07").unwrap() + 1;
    assert!(
        err.contains(&format!(
            ":1: error: row {dependent}: `I07` is triggered by inject `I05`"
        )) && err.contains(&path("dropped.csv"))
            && err.contains("embedded:eastern-caribbean:")
            && err.contains("`I05` was row 6 of the sheet as exported")
            && !err.contains("dropped.ron"),
        "{err}"
    );
    // Row 12 (the 11th inject) sent to a misspelled team.
    let team = &flagship_plan.scenario.teams[0].id;
    let mut typo = vec![header];
    typo.extend(reader.iter().cloned());
    typo[11][to] = format!("{team}x");
    std::fs::write(path("typo.csv"), csv_text(&typo)).unwrap();
    let out = import("typo.csv", "typo.ron");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("row 12, column To: unknown team `{team}x`"))
            && err.contains(&format!("did you mean `{team}`")),
        "{err}"
    );
    assert!(!dir.join("typo.ron").exists());
    // Never over an existing file.
    let again = import("msel.csv", "same.ron");
    assert_eq!(again.status.code(), Some(1), "{}", stdout(&again));
}

/// The MSEL as a workbook: exported and read back unedited, the same MSEL; an edited title is
/// read back; a misspelled team in row 12 is named by sheet, row and column with a guess, as
/// the spreadsheet shows them.
#[test]
fn the_msel_workbook_round_trips_and_names_its_mistakes_by_sheet_row_and_column() {
    use calamine::Reader;
    let dir = std::env::temp_dir().join(format!("tidewatch-xlsx-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let path = |p: &str| dir.join(p).to_str().unwrap().to_string();
    let out = tidewatch(&[
        "msel",
        "export",
        "eastern-caribbean",
        "--out",
        &path("msel.xlsx"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let flagship_plan = plan("scenarios/eastern-caribbean.ron", &[]);
    let injects = flagship_plan.scenario.msel.len();
    assert!(
        stdout(&out).contains(&format!("wrote {injects} injects")),
        "{}",
        stdout(&out)
    );
    let import = |sheet: &str, to: &str| {
        tidewatch(&[
            "msel",
            "import",
            "eastern-caribbean",
            &path(sheet),
            "--out",
            &path(to),
        ])
    };
    let out = import("msel.xlsx", "same.ron");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert!(
        std::fs::read(path("same.ron")).unwrap()
            == std::fs::read("scenarios/eastern-caribbean.ron").unwrap()
    );
    // The discussion-based tabletop too, from its file.
    let tabletop = "scenarios/tabletop-ransomware.ron";
    let out = tidewatch(&["msel", "export", tabletop, "--out", &path("t.xlsx")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tidewatch(&[
        "msel",
        "import",
        tabletop,
        &path("t.xlsx"),
        "--out",
        &path("t.ron"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(path("t.ron")).unwrap() == std::fs::read(tabletop).unwrap());
    let msel = |file: &str| {
        let s: tidewatch::scenario::Scenario =
            tidewatch::scenario::parse_ron(file, &std::fs::read_to_string(file).unwrap()).unwrap();
        serde_json::to_value(&s.msel).unwrap()
    };
    assert_eq!(
        msel(&path("same.ron")),
        msel("scenarios/eastern-caribbean.ron")
    );
    // The sheet as a planner's spreadsheet reads it, then written back with an edit.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path("msel.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["MSEL", "Lists"]);
    let rows: Vec<Vec<String>> = book
        .worksheet_range("MSEL")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), injects + 1);
    let write = |rows: &[Vec<String>], name: &str| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("MSEL").unwrap();
        for (r, cells) in rows.iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        book.save(path(name)).unwrap();
    };
    let title = rows[0].iter().position(|c| c == "Title").unwrap();
    let to = rows[0].iter().position(|c| c == "To").unwrap();
    let mut edited = rows.clone();
    edited[3][title] = "Port authority calls the CSIRT".into();
    write(&edited, "edited.xlsx");
    let out = import("edited.xlsx", "edited.ron");
    assert!(out.status.success(), "{}", stderr(&out));
    let back = msel(&path("edited.ron"));
    assert_eq!(back[2]["title"], "Port authority calls the CSIRT");
    assert_eq!(back[1], msel("scenarios/eastern-caribbean.ron")[1]);
    // Row 12 sent to a misspelled team.
    let team = &flagship_plan.scenario.teams[0].id;
    let mut typo = rows.clone();
    typo[11][to] = format!("{team}x");
    write(&typo, "typo.xlsx");
    let out = import("typo.xlsx", "typo.ron");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}: sheet MSEL, row 12, column To: unknown team `{team}x`",
            path("typo.xlsx")
        )) && err.contains(&format!("did you mean `{team}`")),
        "{err}"
    );
    assert!(!dir.join("typo.ron").exists());
    // Neither a sheet nor a workbook.
    let out = tidewatch(&[
        "msel",
        "export",
        "eastern-caribbean",
        "--out",
        &path("msel.txt"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("a sheet is a .csv or an .xlsx file"),
        "{}",
        stderr(&out)
    );
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn csv_text(rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The flagship's story follows its simulation (issue 25): on seeds 1..30 the injects that
/// narrate CaribLink's breach (the admin login, and the isolation question after it) never
/// fire before the crew got in, and those that narrate the theft (the leak site, the Minister's
/// interview, the press, the extortion demand, the forensics) never fire before data was
/// taken; the fallback tells the other story where the crew was out with nothing. Each side is
/// seen on some seed, so the test cannot pass by nothing firing.
#[test]
fn the_flagship_narrates_the_providers_breach_only_where_it_happened() {
    use tidewatch::sim::events::SimEvent;
    let plan = common::plan("scenarios/eastern-caribbean.ron", &[]);
    let s = &plan.scenario;
    let org = |id: &str| s.organisations.iter().position(|o| o.id == id).unwrap();
    let campaign = |id: &str| s.campaigns.iter().position(|c| c.id == id).unwrap();
    let (provider, crew) = (org("ag-caribmsp"), campaign("msp-ransomware"));
    let narrates_breach = ["I05", "I07"];
    let narrates_theft = ["I15", "I16", "I17", "I18", "I21"];
    let (mut stolen_seeds, mut clean_seeds, mut fallback) = (0, 0, 0);
    for seed in 1..=30 {
        let (sim, _) = common::run(&plan, seed, s.duration.0);
        let first = |pick: &dyn Fn(&SimEvent) -> bool| {
            (sim.events().iter())
                .find(|e| pick(&e.event))
                .map(|e| e.tick)
        };
        let breached =
            first(&|e| matches!(e, SimEvent::HostCompromised { org, .. } if org.ix() == provider));
        let stolen = first(
            &|e| matches!(e, SimEvent::DataExfiltrated { campaign, .. } if campaign.ix() == crew),
        );
        let fired = |id: &str| {
            first(
                &|e| matches!(e, SimEvent::InjectFired { inject } if s.msel[inject.ix()].id == id),
            )
        };
        for id in narrates_breach {
            if let Some(t) = fired(id) {
                assert!(
                    breached.is_some_and(|b| b <= t),
                    "seed {seed}: {id} fired at {t}, the provider breached at {breached:?}"
                );
            }
        }
        for id in narrates_theft {
            if let Some(t) = fired(id) {
                assert!(
                    stolen.is_some_and(|b| b <= t),
                    "seed {seed}: {id} fired at {t}, data stolen at {stolen:?}"
                );
            }
        }
        if let Some(t) = fired("I29") {
            assert!(
                stolen.is_none_or(|b| b > t),
                "seed {seed}: the fallback after a theft"
            );
            fallback += 1;
        }
        match stolen {
            Some(_) => stolen_seeds += usize::from(fired("I15").is_some()),
            None => clean_seeds += 1,
        }
    }
    assert!(
        stolen_seeds > 0,
        "the leak-site story is told where data was stolen"
    );
    assert!(
        clean_seeds > 0,
        "some seeds see no theft (the test would be vacuous)"
    );
    assert!(fallback > 0, "the fallback storyline is told on some seed");
}
