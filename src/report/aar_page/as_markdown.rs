//! The after-action report as Markdown that reads well in a repository (defanged: no raw
//! HTML, no links).

use std::fmt::Write;

use super::{DEFINITIONS, FINDINGS_NOTE, MODEL_CAVEAT};
use crate::report::aar::{AfterAction, Improvement};
use crate::report::money::usd;

pub fn markdown(r: &AfterAction) -> String {
    let mut out = String::new();
    executive_summary(&mut out, r);
    scope(&mut out, r);
    overview(&mut out, r);
    objectives(&mut out, r);
    teams(&mut out, r);
    findings(&mut out, r);
    counterfactuals(&mut out, r);
    islands(&mut out, r);
    record(&mut out, r);
    improvement_plan(&mut out, r);
    crate::report::markdown::defanged(&out)
}

/// Markdown table cell: no pipes or line breaks inside.
fn cell(s: &str) -> String {
    s.replace('|', "/").replace('\n', " ")
}

/// The title, when it was played, and the page a minister reads.
fn executive_summary(out: &mut String, r: &AfterAction) {
    let o = &r.overview;
    let x = &r.summary;
    let _ = writeln!(out, "# After-action report: {}\n", o.exercise);
    let _ = writeln!(
        out,
        "Played from {} to {} ({} of exercise time), seed {}.\n",
        o.started, o.ended, o.played, o.seed
    );
    if let Some(note) = &o.unfinished {
        let _ = writeln!(out, "**{note}**\n");
    }
    let _ = writeln!(out, "## Executive summary\n");
    let _ = writeln!(out, "{}\n", x.what_happened.join(" "));
    let _ = writeln!(out, "{}\n", x.ratings);
    let _ = writeln!(out, "**The money at stake.** {}\n", x.money);
    let list = |out: &mut String, title: &str, lines: &[String], none: &str| {
        let _ = writeln!(out, "**{title}**\n");
        if lines.is_empty() {
            let _ = writeln!(out, "- {none}");
        }
        for l in lines {
            let _ = writeln!(out, "- {l}");
        }
        let _ = writeln!(out);
    };
    list(out, "Strengths", &x.strengths, "None recorded.");
    list(
        out,
        "Areas for improvement",
        &x.improvements,
        "None recorded.",
    );
    list(
        out,
        "The decisions that mattered",
        &x.decisions,
        "No decision was put to the teams.",
    );
}

/// The exercise's scope and scenario.
fn scope(out: &mut String, r: &AfterAction) {
    let x = &r.scope;
    let _ = writeln!(out, "## Scope and scenario\n\n{}\n", x.description);
    let _ = writeln!(out, "- Kind: {}", x.kind);
    let _ = writeln!(out, "- Time: {}", x.time);
    for (title, lines) in [
        ("Threat", &x.threat),
        (
            "Scripted infrastructure events (no team could change them)",
            &x.disruptions,
        ),
        ("Modules", &x.modules),
        ("Objectives", &x.objectives),
    ] {
        if !lines.is_empty() {
            let _ = writeln!(out, "- {title}: {}", lines.join("; "));
        }
    }
    let _ = writeln!(out);
}

/// Who played.
fn overview(out: &mut String, r: &AfterAction) {
    let o = &r.overview;
    let _ = writeln!(out, "## Exercise overview\n");
    let _ = writeln!(out, "Islands: {}.\n", o.islands.join(", "));
    let _ = writeln!(out, "| team | name | kind | island | played by |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for t in &o.teams {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            t.id,
            cell(&t.name),
            t.kind,
            t.island,
            t.played_by
        );
    }
    let _ = writeln!(
        out,
        "\n### Participants (the seats that gave orders, from the journal)\n"
    );
    if o.participants.is_empty() {
        let _ = writeln!(
            out,
            "No seat gave an order: the exercise was run from the facilitator's console or a \
             command file."
        );
        return;
    }
    let _ = writeln!(out, "| seat | team | orders | first | last |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for p in &o.participants {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&p.seat),
            cell(&p.team),
            p.orders,
            p.first,
            p.last
        );
    }
}

/// Each objective, its rating and the evidence.
fn objectives(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "\n## Objectives and their evidence\n");
    for ob in &r.objectives {
        let _ = writeln!(
            out,
            "### {} {} - rating {}\n\n{}\n",
            ob.id,
            ob.title,
            ob.rating,
            ob.summary()
        );
        evidence_table(out, &ob.evidence);
        root_causes(out, r.rows_under(&ob.title));
        if !ob.context.is_empty() {
            let _ = writeln!(out, "Simulated teams, for context (not rated):\n");
            evidence_table(out, &ob.context);
        }
    }
    let others = r.rows_outside_objectives();
    if !others.is_empty() {
        let _ = writeln!(out, "### Other areas for improvement\n");
        root_causes(out, others);
    }
}

/// The areas for improvement under a capability, each with its root cause.
fn root_causes<'a>(out: &mut String, rows: impl IntoIterator<Item = &'a Improvement>) {
    let mut any = false;
    for p in rows {
        if !any {
            let _ = writeln!(out, "Areas for improvement and their root causes:\n");
            any = true;
        }
        let _ = writeln!(
            out,
            "- {} ({}). Root cause: {}.",
            p.issue, p.team, p.root_cause
        );
    }
    if any {
        let _ = writeln!(out);
    }
}

/// Expectations with how each settled, as a table.
fn evidence_table(out: &mut String, evidence: &[crate::report::aar::Evidence]) {
    if evidence.is_empty() {
        return;
    }
    let _ = writeln!(out, "| expectation | team | outcome | when | what | note |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for e in evidence {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            e.expectation,
            e.team,
            e.outcome,
            e.time.as_deref().unwrap_or(""),
            cell(&e.description),
            cell(e.note.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(out);
}

/// Strengths and areas for improvement per team.
fn teams(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "## Strengths and areas for improvement\n");
    for t in &r.teams {
        let _ = writeln!(out, "### {} ({})\n", t.name, t.team);
        for s in &t.strengths {
            let _ = writeln!(out, "- Strength: {s}");
        }
        for s in &t.improvements {
            let _ = writeln!(out, "- To improve: {s}");
        }
        for s in &t.decisions {
            let _ = writeln!(out, "- Decision: {s}");
        }
        let _ = writeln!(out);
    }
}

/// Each submission of findings, scored (nothing when no team submitted any).
fn findings(out: &mut String, r: &AfterAction) {
    if r.findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Findings, scored\n\n{FINDINGS_NOTE}\n");
    let _ = writeln!(
        out,
        "| team | organisation | submitted | hosts | indicators | techniques | after the first compromise | after the collection |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for f in &r.findings {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&f.team),
            cell(&f.organisation),
            f.time,
            f.hosts.sentence(),
            f.indicators.sentence(),
            f.techniques.sentence(),
            f.after_compromise.as_deref().unwrap_or("-"),
            f.after_collection.as_deref().unwrap_or("-"),
        );
    }
    let _ = writeln!(out);
}

/// What the other choice, and the missed actions, would have changed.
fn counterfactuals(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "## What the other choice would have cost\n");
    let _ = writeln!(out, "{MODEL_CAVEAT}\n");
    for c in &r.counterfactuals {
        let _ = writeln!(
            out,
            "### {} ({}, {}): {}\n\nTaken: {}\n",
            c.inject, c.team, c.time, c.prompt, c.taken
        );
        for a in &c.alternatives {
            let spread = a
                .spread
                .as_ref()
                .map_or(String::new(), |s| format!(" ({})", s.sentence()));
            let _ = writeln!(
                out,
                "- Had they chosen \"{}\": {}{spread}.",
                a.label,
                a.sentence()
            );
        }
        let _ = writeln!(out);
    }
    if !r.missed_actions.is_empty() {
        let _ = writeln!(out, "### Had the missed actions been taken\n");
        for m in &r.missed_actions {
            let _ = writeln!(
                out,
                "- {} ({}): had {} at {}: {}.",
                m.expectation,
                m.team,
                m.action,
                m.time,
                m.difference.sentence()
            );
        }
        let _ = writeln!(out);
    }
}

/// The per-island figures.
fn islands(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "## Per island\n\n{DEFINITIONS}\n");
    let _ = writeln!(out, "**{}**\n", super::by_cause(r));
    if let Some(pace) = &r.overview.compressed {
        let _ = writeln!(out, "{pace}\n");
    }
    let _ = writeln!(
        out,
        "| island | compromised | encrypted | first known | by | incidents | service-hours down | time with a service down | loss | of which scripted | owed |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|");
    for i in &r.islands {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {:.1} | {} | {} | {} | {} |",
            cell(&i.name),
            i.hosts_compromised,
            i.hosts_encrypted,
            i.first_detection.as_deref().unwrap_or("never"),
            i.first_detected_by.as_deref().unwrap_or(""),
            i.incidents,
            i.service_hours_down,
            i.time_with_a_service_down,
            usd(i.loss_usd),
            usd(i.loss_scripted_usd),
            usd(i.owed_usd)
        );
    }
}

/// The charts' titles, the timeline and the facilitator's notes.
fn record(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "\n## Charts (drawn in the HTML report)\n");
    for c in &r.charts {
        let _ = writeln!(out, "- {}: {}", c.title, c.caption);
    }
    let _ = writeln!(out, "\n## Timeline\n");
    for m in &r.timeline {
        let _ = writeln!(out, "- {} {}", m.time, m.text);
    }
    let _ = writeln!(out, "\n## Facilitator's notes and hot wash\n");
    if r.notes.is_empty() {
        let _ = writeln!(out, "No notes were recorded.");
    }
    for (title, notes) in r.notes.by_author() {
        let _ = writeln!(out, "### {title}\n");
        for m in notes {
            let _ = writeln!(out, "- {} {}", m.time, m.text);
        }
        let _ = writeln!(out);
    }
}

/// The improvement plan the ministry fills in.
fn improvement_plan(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "\n## Improvement plan\n\n{}\n", super::PLAN_NOTE);
    let _ = writeln!(
        out,
        "| issue | corrective action | capability | element | responsible | point of contact | start | completion |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for p in &r.improvement_plan {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:?} | {} | {} | {} | {} |",
            cell(&p.issue),
            cell(&p.corrective_action),
            cell(&p.capability),
            p.element,
            cell(&p.responsible),
            cell(&p.contact),
            cell(&p.start),
            cell(&p.completion)
        );
    }
}
