//! The after-action report: written from a journal without touching it, in three formats, and
//! its "what the other choice would have cost" figures agree with the fork replayed by hand.

mod common;
use common::*;

use std::path::Path;

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The flagship's decisions with an `isolate` option, in MSEL order, each with the team the
/// isolation is ordered by: cutting off the managed service provider (its team played by
/// trainees here) and isolating the port.
fn isolation_decisions() -> Vec<(String, String)> {
    use tidewatch::scenario::Command;
    let flagship = plan("scenarios/eastern-caribbean.ron", &[]);
    let decisions: Vec<(String, String)> = (flagship.scenario.msel.iter())
        .filter_map(|i| {
            let options = &i.decision.as_ref()?.options;
            let isolate = options.iter().find(|o| o.id == "isolate")?;
            isolate.effects.iter().find_map(|e| match e {
                Command::IsolateOrganisation { team, .. } => Some((i.id.clone(), team.clone())),
                _ => None,
            })
        })
        .collect();
    assert_eq!(decisions.len(), 2, "{decisions:?}");
    decisions
}

/// The team that plays the provider's decision: trainees here.
fn trainees() -> String {
    isolation_decisions().remove(0).1
}

/// The flagship's first two days with the provider's point of contact played by trainees who
/// never answer, and the scripted facilitator commands; recorded to `journal`.
fn record(journal: &Path) {
    let out = tidewatch(&[
        "run",
        "eastern-caribbean",
        "--set",
        &format!("teams.{}.auto=false", trainees()),
        "--commands",
        "tests/data/flagship-commands.ron",
        "--journal",
        path(journal),
        "--until",
        "2d",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Region-wide (hosts encrypted, loss) from `run --json`.
fn totals(json: &serde_json::Value) -> (u64, f64) {
    let islands = json["islands"].as_array().unwrap();
    (
        islands
            .iter()
            .map(|i| i["hosts_encrypted"].as_u64().unwrap())
            .sum(),
        islands
            .iter()
            .map(|i| i["loss_usd"].as_f64().unwrap())
            .sum(),
    )
}

#[test]
fn the_report_reads_the_journal_and_never_writes_it() {
    let dir = scratch("report-formats");
    let journal = dir.join("exercise.jsonl");
    record(&journal);
    let before = std::fs::read(&journal).unwrap();
    let (md, html, json) = (
        dir.join("aar.md"),
        dir.join("aar.html"),
        dir.join("aar.json"),
    );
    let out = tidewatch(&[
        "report",
        path(&journal),
        "--out",
        path(&md),
        "--out",
        path(&html),
        "--out",
        path(&json),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&journal).unwrap(),
        before,
        "the journal changed"
    );

    let md = std::fs::read_to_string(&md).unwrap();
    for section in [
        "## Executive summary",
        "## Scope and scenario",
        "## Exercise overview",
        "## Objectives and their evidence",
        "## Strengths and areas for improvement",
        "## What the other choice would have cost",
        "## Per island",
        "## Timeline",
        "## Facilitator's notes and hot wash",
        "## Improvement plan",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    // The trainees' team is named as such; their unanswered decision is not a strength.
    let decisions = isolation_decisions();
    let (unanswered, trainees) = &decisions[0];
    let flagship = plan("scenarios/eastern-caribbean.ron", &[]);
    let team = (flagship.scenario.teams.iter())
        .find(|t| t.id == *trainees)
        .unwrap();
    let row = format!(
        "| {} | {} | Npc | {} | trainees |",
        team.id,
        team.name,
        team.island.as_deref().unwrap()
    );
    assert!(md.contains(&row), "`{row}` not in:\n{md}");
    assert!(md.contains(&format!("No answer on {unanswered} in the time given")));
    // Expectations only the facilitator can rate are "not rated", never failures.
    assert!(md.contains("| not rated |"));
    assert!(
        md.contains("Exercise starts: STARTEX"),
        "the facilitator's note"
    );

    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(!html.contains("<script"), "no script in a report");
    assert!(html.contains("<h2>Improvement plan</h2>"));

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(json["overview"]["played"], "2d");
    assert!(!json["improvement_plan"].as_array().unwrap().is_empty());

    // Over three seeds, each alternative also carries the spread of its effect on the loss.
    let spread_out = dir.join("spread.json");
    let out = tidewatch(&[
        "report",
        path(&journal),
        "--seeds",
        "3",
        "--out",
        path(&spread_out),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let spread: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&spread_out).unwrap()).unwrap();
    // The port's decision, taken by a simulated point of contact.
    let i13 = spread["counterfactuals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["inject"] == decisions[1].0.as_str())
        .unwrap();
    let s = &i13["alternatives"][0]["spread"];
    assert_eq!(s["seeds"], 3);
    let count = |k: &str| s[k].as_u64().unwrap();
    assert!(count("differs") <= count("put") && count("put") <= 3, "{s}");
    assert_eq!(count("better") + count("worse"), count("differs"), "{s}");
    let (low, median, high) = (
        s["loss_low"].as_f64().unwrap(),
        s["loss_median"].as_f64().unwrap(),
        s["loss_high"].as_f64().unwrap(),
    );
    assert!(low <= median && median <= high, "{s}");
    assert!(
        json["counterfactuals"][0]["alternatives"][0]
            .get("spread")
            .is_none()
    );

    // Refused before any work: the journal as an output, an unknown format.
    let clobber = tidewatch(&["report", path(&journal), "--out", path(&journal)]);
    assert_eq!(clobber.status.code(), Some(2));
    assert!(stderr(&clobber).contains("never writes over"));
    let odd = tidewatch(&[
        "report",
        path(&journal),
        "--out",
        path(&dir.join("aar.pdf")),
    ]);
    assert_eq!(odd.status.code(), Some(2));
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_other_choice_on_i07_and_i13_matches_the_fork_replayed_with_it() {
    let dir = scratch("report-fork");
    let journal = dir.join("exercise.jsonl");
    record(&journal);
    let json_out = dir.join("aar.json");
    let out = tidewatch(&["report", path(&journal), "--out", path(&json_out)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    // As played: the journal replayed to its end.
    let played = json(&tidewatch(&["replay", path(&journal), "--json"]));
    let (played_enc, played_loss) = totals(&played);
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/flagship-commands.ron"),
    )
    .unwrap();
    let mut moved = 0.0;
    // The provider's: the trainees let the default stand; the port's: a simulated NPC decided.
    for (inject, team) in isolation_decisions() {
        let c = report["counterfactuals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["inject"] == inject)
            .unwrap_or_else(|| panic!("{inject} was decided"));
        let at = c["time"].as_str().unwrap();
        let tick = format!("{}m", c["tick"].as_u64().unwrap());
        let isolate = c["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["option"] == "isolate")
            .unwrap();
        // By hand: fork at the decision, then resume with the other option and the rest of the
        // scripted commands.
        let fork = dir.join(format!("fork-{inject}.jsonl"));
        let out = tidewatch(&[
            "replay",
            path(&journal),
            "--until",
            &tick,
            "--fork",
            path(&fork),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let close = script.rfind(']').unwrap();
        let alt = format!(
            "{}    Timed(at: \"{at}\", do: Decide(team: \"{team}\", inject: \"{inject}\", option: \"isolate\")),\n]\n",
            &script[..close]
        );
        let alt_path = dir.join(format!("alt-{inject}.ron"));
        std::fs::write(&alt_path, alt).unwrap();
        let other = json(&tidewatch(&[
            "run",
            "--resume",
            path(&fork),
            "--commands",
            path(&alt_path),
            "--until",
            "2d",
            "--json",
        ]));
        let (other_enc, other_loss) = totals(&other);
        assert_eq!(
            other_enc as i64 - played_enc as i64,
            isolate["hosts_encrypted"].as_i64().unwrap(),
            "{inject}"
        );
        let delta = isolate["loss_usd"].as_f64().unwrap();
        assert!(
            ((other_loss - played_loss) - delta).abs() < 0.01,
            "{inject}: fork by hand {:.2}, report {delta:.2}",
            other_loss - played_loss
        );
        moved += delta.abs();
    }
    // Isolating the port costs it days of cargo: the comparison is not of two zeros.
    assert!(moved > 100_000.0, "{moved}");
    std::fs::remove_dir_all(dir).ok();
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_html_report_renders_in_headless_chromium_with_every_chart() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = scratch("report-chromium");
    let journal = dir.join("exercise.jsonl");
    record(&journal);
    let html = dir.join("aar.html");
    let out = tidewatch(&["report", path(&journal), "--out", path(&html)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(&html).unwrap();
    for chart in ["hosts", "detection", "intel", "services", "losses"] {
        assert!(
            page.contains(&format!("data-chart=\"{chart}\"")),
            "chart {chart} missing"
        );
    }
    let shot = dir.join("aar.png");
    let log = screenshot(browser, &html, &shot);
    assert!(
        !log.contains(":CONSOLE("),
        "the page wrote to the console: {log}"
    );
    // Against a blank page of the same size: the report is far from blank.
    let blank = dir.join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><html><body></body></html>").unwrap();
    let blank_shot = dir.join("blank.png");
    screenshot(browser, &blank, &blank_shot);
    let (ours, empty) = (
        std::fs::metadata(&shot).unwrap().len(),
        std::fs::metadata(&blank_shot).unwrap().len(),
    );
    assert!(
        ours > 10 * empty,
        "report {ours} bytes, blank page {empty} bytes"
    );
    std::fs::remove_dir_all(dir).ok();
}

/// The example in `docs/` is this very run's report: a model change that moves it must
/// regenerate it (the commands are in README.md).
#[test]
fn the_example_report_in_docs_is_current() {
    let dir = scratch("report-docs");
    let journal = dir.join("exercise.jsonl");
    record(&journal);
    let (html, md) = (dir.join("aar.html"), dir.join("aar.md"));
    let out = tidewatch(&[
        "report",
        path(&journal),
        "--out",
        path(&html),
        "--out",
        path(&md),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    for (fresh, kept) in [
        (html, "after-action-example.html"),
        (md, "after-action-example.md"),
    ] {
        assert!(
            std::fs::read(&fresh).unwrap() == std::fs::read(docs.join(kept)).unwrap(),
            "docs/{kept} is stale: regenerate it as README.md says"
        );
    }
    std::fs::remove_dir_all(dir).ok();
}

/// The report of a journaled flagship exercise with one team played by people (Saint Lucia's
/// point of contact, who keeps the port running and revokes the provider's access by hand on
/// I13): its objectives are rated on that team alone, the simulated teams' expectations shown
/// apart as context; its decision is judged on what the other options would have lost (isolating
/// the port costs more, so it is a strength, with the figures); over three seeds each other
/// option says in how many the loss differs; the loss is split by cause (the script's outages
/// apart).
#[test]
fn a_trainee_decision_is_judged_with_figures_and_objectives_rate_the_trainees() {
    let dir = scratch("report-judged");
    let journal = dir.join("exercise.jsonl");
    let orders = dir.join("orders.ron");
    std::fs::write(
        &orders,
        r#"[ Timed(at: "D1 15:00", do: Decide(team: "lc-npc", inject: "I13", option: "revoke")) ]"#,
    )
    .unwrap();
    let out = tidewatch(&[
        "run",
        "eastern-caribbean",
        "--set",
        "teams.lc-npc.auto=false",
        "--commands",
        path(&orders),
        "--journal",
        path(&journal),
        "--until",
        "2d",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (md, html) = (dir.join("aar.md"), dir.join("aar.html"));
    // The improvement plan as the ministry agreed it, and a key that names no row.
    let agreed = dir.join("plan.ron");
    std::fs::write(
        &agreed,
        r#"PlanFile(actions: [
            PlannedAction(issue: "E08", contact: "Port liaison, Saint Lucia NPC",
                start: "2027-01-15", completion: "2027-03-31"),
            PlannedAction(issue: "E99", contact: "nobody"),
        ])"#,
    )
    .unwrap();
    let out = tidewatch(&[
        "report",
        path(&journal),
        "--seeds",
        "3",
        "--plan",
        path(&agreed),
        "--out",
        path(&md),
        "--out",
        path(&html),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`E99` names no row"),
        "{}",
        stderr(&out)
    );
    for file in [&md, &html] {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains("of the teams played by people"), "{file:?}");
        assert!(
            text.contains("Simulated teams, for context (not rated)"),
            "{file:?}"
        );
        let judged = (text.lines())
            .find(|l| l.contains("Strength: Decided on I13"))
            .unwrap_or_else(|| panic!("{file:?}: no judgement of I13"));
        assert!(judged.contains("Strength"), "{judged}");
        assert!(
            judged.contains("Isolate the port network") && judged.contains("more"),
            "{judged}"
        );
        assert!(judged.contains("of 3 seeds"), "{judged}");
        assert!(
            !text.contains("Grenada national CSIRT (gd-csirt)"),
            "{file:?}: a simulated team reviewed as if people played it"
        );
        // Orders from a command file carry no seat: no participant is invented.
        assert!(text.contains("No seat gave an order"), "{file:?}");
        // The loss by cause: the script's outages apart from what the teams could change.
        assert!(text.contains("of which scripted"), "{file:?}");
        assert!(text.contains("which no team could change"), "{file:?}");
        assert!(
            text.contains("in grey,"),
            "{file:?}: the losses chart splits by cause"
        );
        // The minister's page: what happened, the trainees' strength with its figures, the
        // money split by cause, the decisions that mattered (the trainees' first).
        let summary = &text
            [text.find("Executive summary").unwrap()..text.find("Scope and scenario").unwrap()];
        assert!(summary.contains("campaigns took"), "{summary}");
        assert!(
            summary.contains("Saint Lucia NPC: Decided on I13"),
            "{summary}"
        );
        assert!(
            summary.contains("followed the attacks and the response"),
            "{summary}"
        );
        let mattered = &summary[summary.find("The decisions that mattered").unwrap()..];
        assert!(mattered.contains("I13 (lc-npc, D1 15:00)"), "{mattered}");
        assert!(mattered.contains("simulated"), "{mattered}");
        // The missed expectation's root cause, from the record: the decision came late.
        assert!(
            text.contains("The decision on I13 came at D1 15:00, after the window closed"),
            "{file:?}"
        );
        // The improvement plan's HSEEP columns, filled from the ministry's plan for E08.
        assert!(
            text.contains("point of contact") && text.contains("completion"),
            "{file:?}"
        );
        assert!(text.contains("Port liaison, Saint Lucia NPC"), "{file:?}");
        assert!(text.contains("2027-03-31"), "{file:?}");
        // The notes by author: the script's decision notes apart.
        assert!(text.contains("The script's and the record's"), "{file:?}");
    }
    std::fs::remove_dir_all(dir).ok();
}

/// A headless lab has nobody to rate "met" while it runs: `tidewatch rate` gives the ratings
/// afterwards, to an assessment file beside the journal, and `report` shows them (as given
/// after the exercise, with the note) and rates the objective by them; the journal's bytes
/// never change. A second rating replaces the first; an unknown expectation is refused.
#[test]
fn ratings_given_after_the_exercise_reach_the_report_and_leave_the_journal() {
    let dir = scratch("report-rate");
    let journal = dir.join("tabletop.jsonl");
    let out = tidewatch(&["run", "tabletop-ransomware", "--journal", path(&journal)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = std::fs::read(&journal).unwrap();
    let rate = |args: &[&str]| {
        let mut all = vec!["rate", path(&journal)];
        all.extend_from_slice(args);
        tidewatch(&all)
    };
    let out = rate(&["--set", "E3=not-met"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = rate(&[
        "--set",
        "E3=met",
        "--set",
        "E4=not-met",
        "--note",
        "by phone only",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("E3: met (was rated not met after the exercise)"),
        "{said}"
    );
    assert!(said.contains("O2 now rates M (1 of 2 rated"), "{said}");
    let wrong = rate(&["--set", "E9=met"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("did you mean"),
        "{}",
        stderr(&wrong)
    );
    let listed = stdout(&rate(&["--list"]));
    assert!(listed.contains("not met: by phone only"), "{listed}");
    assert!(dir.join("tabletop.assessment.ron").exists());

    let md = dir.join("aar.md");
    let out = tidewatch(&["report", path(&journal), "--out", path(&md)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(
        md.contains("### O2 Lead the technical response - rating M"),
        "{md}"
    );
    assert!(
        md.contains("| E4 | gd-csirt | not met (facilitator) | after the exercise |"),
        "{md}"
    );
    assert!(md.contains("by phone only"), "{md}");
    assert_eq!(
        std::fs::read(&journal).unwrap(),
        before,
        "the journal changed"
    );
    std::fs::remove_dir_all(dir).ok();
}
