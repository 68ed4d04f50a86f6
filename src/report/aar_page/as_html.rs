//! The after-action report as one self-contained HTML page (no script, no network) that
//! prints cleanly to PDF.

use std::fmt::Write;

use crate::report::html_escaped as esc;

use super::{DEFINITIONS, FINDINGS_NOTE, MODEL_CAVEAT, by_cause};
use crate::report::aar::{AfterAction, Improvement};
use crate::report::money::usd;

pub fn html(r: &AfterAction) -> String {
    let mut out = String::new();
    head(&mut out, r);
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
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;\
margin:2em auto;padding:0 1em;color:#1b2733;line-height:1.45}h1{border-bottom:3px solid #0b6e8f}\
h2{color:#0b6e8f;margin-top:1.8em;border-bottom:1px solid #c9d6df}h3{margin-bottom:.3em}\
table{border-collapse:collapse;width:100%;margin:.5em 0 1em;font-size:.92em}\
th,td{border:1px solid #c9d6df;padding:4px 6px;text-align:left;vertical-align:top}\
th{background:#e8f1f5}td.n{text-align:right}td.t{white-space:nowrap}.rating{font-weight:bold;padding:1px 7px;\
border-radius:3px;color:#fff}.P{background:#2e7d32}.S{background:#7cb342}.M{background:#f9a825}\
.U{background:#c62828}.none{background:#78909c}.met{color:#2e7d32}.missed{color:#c62828}\
.summary{background:#f4f9fb;border:1px solid #c9d6df;padding:.2em 1.2em 1em;page-break-after:always}\
table.plan td{min-width:5em}table.scope th{width:11em}.caveat{background:#fff8e1;border-left:4px solid #f9a825;padding:.5em 1em}\
ul.timeline{columns:2;font-size:.9em}figure{margin:1em 0;page-break-inside:avoid}\
figure svg{max-width:100%;height:auto}figcaption{margin-bottom:.3em}@media print{body{margin:0;max-width:none}\
h2{page-break-after:avoid}table,ul{page-break-inside:auto}tr{page-break-inside:avoid}}";

/// The page's head, the title, when it was played, and who played.
fn head(out: &mut String, r: &AfterAction) {
    let o = &r.overview;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>After-action report: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&o.exercise)
    );
    let _ = writeln!(
        out,
        "<h1>After-action report: {}</h1><p>Played from {} to {} ({} of exercise time), seed \
         {}.</p>",
        esc(&o.exercise),
        esc(&o.started),
        esc(&o.ended),
        esc(&o.played),
        o.seed
    );
    if let Some(note) = &o.unfinished {
        let _ = writeln!(out, "<p><strong>{}</strong></p>", esc(note));
    }
}

/// The page a minister reads.
fn executive_summary(out: &mut String, r: &AfterAction) {
    let x = &r.summary;
    let _ = writeln!(
        out,
        "<section class=\"summary\"><h2>Executive summary</h2><p>{}</p><p>{}</p>\
         <p><b>The money at stake.</b> {}</p>",
        esc(&x.what_happened.join(" ")),
        esc(&x.ratings),
        esc(&x.money)
    );
    for (title, lines, none, class) in [
        ("Strengths", &x.strengths, "None recorded.", "met"),
        (
            "Areas for improvement",
            &x.improvements,
            "None recorded.",
            "missed",
        ),
        (
            "The decisions that mattered",
            &x.decisions,
            "No decision was put to the teams.",
            "",
        ),
    ] {
        let _ = writeln!(out, "<h3>{title}</h3><ul>");
        if lines.is_empty() {
            let _ = writeln!(out, "<li>{none}</li>");
        }
        for l in lines {
            let _ = writeln!(out, "<li class=\"{class}\">{}</li>", esc(l));
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(out, "</section>");
}

/// The exercise's scope and scenario.
fn scope(out: &mut String, r: &AfterAction) {
    let x = &r.scope;
    let _ = writeln!(
        out,
        "<h2>Scope and scenario</h2><p>{}</p><table class=\"scope\"><tr><th>kind</th><td>{}</td></tr>\
         <tr><th>time</th><td>{}</td></tr>",
        esc(&x.description),
        esc(&x.kind),
        esc(&x.time)
    );
    for (title, lines) in [
        ("threat", &x.threat),
        (
            "scripted infrastructure events (no team could change them)",
            &x.disruptions,
        ),
        ("modules", &x.modules),
        ("objectives", &x.objectives),
    ] {
        if lines.is_empty() {
            continue;
        }
        let items: String = lines
            .iter()
            .map(|l| format!("<li>{}</li>", esc(l)))
            .collect();
        let _ = writeln!(out, "<tr><th>{title}</th><td><ul>{items}</ul></td></tr>");
    }
    let _ = writeln!(out, "</table>");
}

/// Who played.
fn overview(out: &mut String, r: &AfterAction) {
    let o = &r.overview;
    let _ = writeln!(
        out,
        "<h2>Exercise overview</h2><p>Islands: {}.</p><table><tr><th>team</th><th>name</th>\
         <th>kind</th><th>island</th><th>played by</th></tr>",
        esc(&o.islands.join(", "))
    );
    for t in &o.teams {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&t.id),
            esc(&t.name),
            esc(&t.kind),
            esc(&t.island),
            esc(&t.played_by)
        );
    }
    let _ = writeln!(
        out,
        "</table><h3>Participants (the seats that gave orders, from the journal)</h3>"
    );
    if o.participants.is_empty() {
        let _ = writeln!(
            out,
            "<p>No seat gave an order: the exercise was run from the facilitator's console or \
             a command file.</p><table>"
        );
        return;
    }
    let _ = writeln!(
        out,
        "<table><tr><th>seat</th><th>team</th><th>orders</th><th>first</th><th>last</th></tr>"
    );
    for p in &o.participants {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"t\">{}</td>\
             <td class=\"t\">{}</td></tr>",
            esc(&p.seat),
            esc(&p.team),
            p.orders,
            esc(&p.first),
            esc(&p.last)
        );
    }
}

/// Each objective, its rating and the evidence.
fn objectives(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "</table><h2>Objectives and their evidence</h2>");
    for ob in &r.objectives {
        let class = if ob.rating == "-" { "none" } else { &ob.rating };
        let _ = writeln!(
            out,
            "<h3>{} {} <span class=\"rating {class}\">{}</span></h3><p>{}</p>",
            esc(&ob.id),
            esc(&ob.title),
            esc(&ob.rating),
            esc(&ob.summary())
        );
        evidence_table(out, &ob.evidence);
        root_causes(out, r.rows_under(&ob.title));
        if !ob.context.is_empty() {
            let _ = writeln!(out, "<p>Simulated teams, for context (not rated):</p>");
            evidence_table(out, &ob.context);
        }
    }
    let others = r.rows_outside_objectives();
    if !others.is_empty() {
        let _ = writeln!(out, "<h3>Other areas for improvement</h3>");
        root_causes(out, others);
    }
}

/// The areas for improvement under a capability, each with its root cause.
fn root_causes<'a>(out: &mut String, rows: impl IntoIterator<Item = &'a Improvement>) {
    let mut any = false;
    for p in rows {
        if !any {
            let _ = writeln!(
                out,
                "<p>Areas for improvement and their root causes:</p><ul>"
            );
            any = true;
        }
        let _ = writeln!(
            out,
            "<li class=\"missed\">{} ({}). <i>Root cause:</i> {}.</li>",
            esc(&p.issue),
            esc(&p.team),
            esc(&p.root_cause)
        );
    }
    if any {
        let _ = writeln!(out, "</ul>");
    }
}

/// Expectations with how each settled, as a table.
fn evidence_table(out: &mut String, evidence: &[crate::report::aar::Evidence]) {
    if evidence.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<table><tr><th>expectation</th><th>team</th><th>outcome</th><th>when</th>\
         <th>what</th><th>note</th></tr>"
    );
    for e in evidence {
        let class = if e.outcome.starts_with("met") {
            "met"
        } else if e.outcome == "missed" || e.outcome.starts_with("not met") {
            "missed"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"{class}\">{}</td><td class=\"t\">{}</td>\
             <td>{}</td><td>{}</td></tr>",
            esc(&e.expectation),
            esc(&e.team),
            esc(&e.outcome),
            esc(e.time.as_deref().unwrap_or("")),
            esc(&e.description),
            esc(e.note.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(out, "</table>");
}

/// Strengths and areas for improvement per team.
fn teams(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "<h2>Strengths and areas for improvement</h2>");
    for t in &r.teams {
        let _ = writeln!(out, "<h3>{} ({})</h3><ul>", esc(&t.name), esc(&t.team));
        for s in &t.strengths {
            let _ = writeln!(out, "<li class=\"met\">Strength: {}</li>", esc(s));
        }
        for s in &t.improvements {
            let _ = writeln!(out, "<li class=\"missed\">To improve: {}</li>", esc(s));
        }
        for s in &t.decisions {
            let _ = writeln!(out, "<li>Decision: {}</li>", esc(s));
        }
        let _ = writeln!(out, "</ul>");
    }
}

/// Each submission of findings, scored (nothing when no team submitted any).
fn findings(out: &mut String, r: &AfterAction) {
    if r.findings.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2>Findings, scored</h2><p>{}</p><table><tr><th>team</th><th>organisation</th>\
         <th>submitted</th><th>hosts</th><th>indicators</th><th>techniques</th>\
         <th>after the first compromise</th><th>after the collection</th></tr>",
        esc(FINDINGS_NOTE)
    );
    for f in &r.findings {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            esc(&f.team),
            esc(&f.organisation),
            esc(&f.time),
            esc(&f.hosts.sentence()),
            esc(&f.indicators.sentence()),
            esc(&f.techniques.sentence()),
            esc(f.after_compromise.as_deref().unwrap_or("-")),
            esc(f.after_collection.as_deref().unwrap_or("-")),
        );
    }
    let _ = writeln!(out, "</table>");
}

/// What the other choice, and the missed actions, would have changed.
fn counterfactuals(out: &mut String, r: &AfterAction) {
    let _ = writeln!(
        out,
        "<h2>What the other choice would have cost</h2><p class=\"caveat\">{}</p>",
        esc(MODEL_CAVEAT)
    );
    for c in &r.counterfactuals {
        let _ = writeln!(
            out,
            "<h3>{} ({}, {}): {}</h3><p>Taken: {}</p><ul>",
            esc(&c.inject),
            esc(&c.team),
            esc(&c.time),
            esc(&c.prompt),
            esc(&c.taken)
        );
        for a in &c.alternatives {
            let spread = a
                .spread
                .as_ref()
                .map_or(String::new(), |s| format!(" ({})", s.sentence()));
            let _ = writeln!(
                out,
                "<li>Had they chosen &ldquo;{}&rdquo;: {}{}.</li>",
                esc(&a.label),
                esc(&a.sentence()),
                esc(&spread)
            );
        }
        let _ = writeln!(out, "</ul>");
    }
    if !r.missed_actions.is_empty() {
        let _ = writeln!(out, "<h3>Had the missed actions been taken</h3><ul>");
        for m in &r.missed_actions {
            let _ = writeln!(
                out,
                "<li>{} ({}): had {} at {}: {}.</li>",
                esc(&m.expectation),
                esc(&m.team),
                esc(&m.action),
                esc(&m.time),
                esc(&m.difference.sentence())
            );
        }
        let _ = writeln!(out, "</ul>");
    }
}

/// The per-island figures.
fn islands(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "<h2>Per island</h2><p>{}</p>", esc(DEFINITIONS));
    let _ = writeln!(out, "<p><b>{}</b></p>", esc(&by_cause(r)));
    if let Some(pace) = &r.overview.compressed {
        let _ = writeln!(out, "<p>{}</p>", esc(pace));
    }
    let _ = writeln!(
        out,
        "<table><tr><th>island</th><th>compromised</th>\
         <th>encrypted</th><th>first known</th><th>by</th><th>incidents</th>\
         <th>service-hours down</th><th>time with a service down</th><th>loss</th>\
         <th>of which scripted</th><th>owed</th></tr>"
    );
    for i in &r.islands {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{:.1}</td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&i.name),
            i.hosts_compromised,
            i.hosts_encrypted,
            esc(i.first_detection.as_deref().unwrap_or("never")),
            esc(i.first_detected_by.as_deref().unwrap_or("")),
            i.incidents,
            i.service_hours_down,
            esc(&i.time_with_a_service_down),
            usd(i.loss_usd),
            usd(i.loss_scripted_usd),
            usd(i.owed_usd)
        );
    }
}

/// The charts, the timeline and the facilitator's notes.
fn record(out: &mut String, r: &AfterAction) {
    let _ = writeln!(out, "</table><h2>Charts</h2>");
    for c in &r.charts {
        let _ = writeln!(
            out,
            "<figure id=\"chart-{}\"><figcaption><b>{}</b>. {}</figcaption>{}</figure>",
            c.id,
            esc(c.title),
            esc(&c.caption),
            c.svg
        );
    }
    let _ = writeln!(out, "<h2>Timeline</h2><ul class=\"timeline\">");
    for m in &r.timeline {
        let _ = writeln!(out, "<li><b>{}</b> {}</li>", esc(&m.time), esc(&m.text));
    }
    let _ = writeln!(out, "</ul><h2>Facilitator's notes and hot wash</h2>");
    if r.notes.is_empty() {
        let _ = writeln!(out, "<p>No notes were recorded.</p>");
    }
    for (title, notes) in r.notes.by_author() {
        let _ = writeln!(out, "<h3>{}</h3><ul>", esc(title));
        for m in notes {
            let _ = writeln!(out, "<li><b>{}</b> {}</li>", esc(&m.time), esc(&m.text));
        }
        let _ = writeln!(out, "</ul>");
    }
}

/// The improvement plan the ministry fills in, and the page's end.
fn improvement_plan(out: &mut String, r: &AfterAction) {
    let _ = writeln!(
        out,
        "<h2>Improvement plan</h2><p>{}</p><table class=\"plan\"><tr><th>issue</th>\
         <th>corrective action</th><th>capability</th><th>element</th><th>responsible</th>\
         <th>point of contact</th><th>start</th><th>completion</th></tr>",
        esc(super::PLAN_NOTE)
    );
    for p in &r.improvement_plan {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:?}</td><td>{}</td><td>{}</td>\
             <td class=\"t\">{}</td><td class=\"t\">{}</td></tr>",
            esc(&p.issue),
            esc(&p.corrective_action),
            esc(&p.capability),
            p.element,
            esc(&p.responsible),
            esc(&p.contact),
            esc(&p.start),
            esc(&p.completion)
        );
    }
    let _ = writeln!(out, "</table></body></html>");
}
