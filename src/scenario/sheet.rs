//! The MSEL as the sheet exercise planners keep: one row per inject, read back into the
//! scenario. Simple fields are plain cells (team ids separated by commas, one question per
//! line); a trigger, a decision and effects are written as in the scenario file, so nothing is
//! lost on the way round. An edited row changes its inject, a new row adds one, a removed row
//! removes one; every problem is named by row and column.

use super::ids::nearest_name;
use super::{
    Decision, Diagnostic, Inject, InjectChannel, InjectKind, LoadError, Scenario, Trigger,
};
use crate::scenario::Command;
use crate::time::{Span, parse_span};

/// The sheet's columns, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "module",
    "move",
    "trigger",
    "unless",
    "delay",
    "kind",
    "channel",
    "from",
    "to",
    "title",
    "body",
    "questions",
    "decision",
    "effects",
    "contingency_only",
];

fn ron_text<T: serde::Serialize>(value: &T) -> String {
    ron::ser::to_string_pretty(
        value,
        ron::ser::PrettyConfig::new()
            .compact_arrays(true)
            .struct_names(true)
            .new_line("\n")
            .indentor(""),
    )
    .unwrap_or_default()
    .replace('\n', " ")
    .replace("( ", "(")
}

/// One inject as a row of cells, in `COLUMNS` order.
fn row(i: &Inject) -> Vec<String> {
    vec![
        i.id.clone(),
        i.module.clone().unwrap_or_default(),
        i.phase.clone(),
        ron_text(&i.trigger),
        i.unless.as_ref().map(ron_text).unwrap_or_default(),
        if i.delay.0 == 0 {
            String::new()
        } else {
            i.delay.to_string()
        },
        format!("{:?}", i.kind),
        format!("{:?}", i.channel),
        i.from.clone(),
        i.to.join(", "),
        i.title.clone(),
        i.body.clone(),
        i.questions.join("\n"),
        i.decision.as_ref().map(ron_text).unwrap_or_default(),
        if i.effects.is_empty() {
            String::new()
        } else {
            ron_text(&i.effects)
        },
        i.contingency_only.to_string(),
    ]
}

/// The scenario's MSEL as CSV, a header row first.
pub fn export_csv(s: &Scenario) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for i in &s.msel {
        let _ = w.write_record(row(i));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A sheet's rows read back as injects, checked against the scenario's teams and modules.
pub fn import_csv(file: &str, text: &str, s: &Scenario) -> Result<Vec<Inject>, LoadError> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => {
            return Err(LoadError::one(
                file,
                1,
                1,
                format!("not a CSV sheet: {e}"),
                None,
            ));
        }
    };
    // Where each known column is in this sheet (columns may be reordered; unknown ones refused).
    let mut at = vec![None; COLUMNS.len()];
    for (k, name) in header.iter().enumerate() {
        match COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) {
            Some(c) => at[c] = Some(k),
            None => {
                let guess = nearest_name(name, COLUMNS.iter().copied())
                    .map(|g| format!("did you mean `{g}`? "))
                    .unwrap_or_default();
                problems.push(Diagnostic {
                    file: file.into(),
                    line: 1,
                    col: k + 1,
                    message: format!("row 1: unknown column `{name}`"),
                    help: Some(format!("{guess}the columns are {}", COLUMNS.join(", "))),
                });
            }
        }
    }
    for (c, name) in COLUMNS.iter().enumerate() {
        if at[c].is_none() && ["id", "trigger", "kind", "channel", "title"].contains(name) {
            problems.push(Diagnostic {
                file: file.into(),
                line: 1,
                col: 1,
                message: format!("row 1: the sheet has no `{name}` column"),
                help: Some(format!("the columns are {}", COLUMNS.join(", "))),
            });
        }
    }
    if !problems.is_empty() {
        return Err(LoadError(problems));
    }
    let mut say = |row: usize, col: usize, message: String, help: Option<String>| {
        problems.push(Diagnostic {
            file: file.into(),
            line: row,
            col: col + 1,
            message: format!(
                "row {row}, column {}: {message}",
                COLUMNS.get(col).unwrap_or(&"?")
            ),
            help,
        })
    };
    let teams: Vec<&str> = s.teams.iter().map(|t| t.id.as_str()).collect();
    let modules: Vec<&str> = s.modules.iter().map(|m| m.id.as_str()).collect();
    let mut injects = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let r = k + 2;
        let record = match record {
            Ok(rec) => rec,
            Err(e) => {
                say(r, 0, format!("unreadable: {e}"), None);
                continue;
            }
        };
        let cell = |c: usize| {
            at[c]
                .and_then(|k| record.get(k))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        macro_rules! ron_cell {
            ($c:expr, $t:ty, $what:expr) => {{
                let text = cell($c);
                match ron::from_str::<$t>(&text) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        say(
                            r,
                            $c,
                            format!("`{text}` is not {}: {}", $what, e.code),
                            None,
                        );
                        None
                    }
                }
            }};
        }
        let trigger = ron_cell!(3, Trigger, "a trigger (e.g. At(\"D1 09:00\"))");
        let unless = if cell(4).is_empty() {
            Some(None)
        } else {
            ron_cell!(4, Trigger, "a trigger").map(Some)
        };
        let delay = match cell(5).as_str() {
            "" => Some(Span(0)),
            t => parse_span(t).map_err(|e| say(r, 5, e, None)).ok(),
        };
        let kind = ron_cell!(6, InjectKind, "Technical, Narrative or Facilitation");
        let channel = ron_cell!(7, InjectChannel, "a channel (Email, Phone, Media, ...)");
        let to: Vec<String> = cell(9)
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        for t in &to {
            if !teams.contains(&t.as_str()) {
                let guess = nearest_name(t, teams.iter().copied())
                    .map(|g| format!("did you mean `{g}`? "))
                    .unwrap_or_default();
                say(
                    r,
                    9,
                    format!("unknown team `{t}`"),
                    Some(format!("{guess}the teams are {}", teams.join(", "))),
                );
            }
        }
        let module = cell(1);
        if !module.is_empty() && !modules.contains(&module.as_str()) {
            let guess = nearest_name(&module, modules.iter().copied())
                .map(|g| format!("did you mean `{g}`? "))
                .unwrap_or_default();
            say(
                r,
                1,
                format!("unknown module `{module}`"),
                Some(format!("{guess}the modules are {}", modules.join(", "))),
            );
        }
        let decision = if cell(13).is_empty() {
            Some(None)
        } else {
            ron_cell!(13, Decision, "a decision").map(Some)
        };
        let effects = if cell(14).is_empty() {
            Some(Vec::new())
        } else {
            ron_cell!(14, Vec<Command>, "a list of commands")
        };
        let contingency_only = match cell(15).to_lowercase().as_str() {
            "" | "false" | "no" => Some(false),
            "true" | "yes" => Some(true),
            other => {
                say(r, 15, format!("`{other}` is not true or false"), None);
                None
            }
        };
        if cell(0).is_empty() {
            say(r, 0, "an inject needs an id".into(), None);
        }
        if let (
            Some(trigger),
            Some(unless),
            Some(delay),
            Some(kind),
            Some(channel),
            Some(decision),
            Some(effects),
            Some(contingency_only),
        ) = (
            trigger,
            unless,
            delay,
            kind,
            channel,
            decision,
            effects,
            contingency_only,
        ) {
            injects.push(Inject {
                id: cell(0),
                phase: cell(2),
                module: (!module.is_empty()).then_some(module),
                trigger,
                unless,
                delay,
                kind,
                channel,
                from: cell(8),
                to,
                title: cell(10),
                body: cell(11),
                questions: cell(12)
                    .lines()
                    .map(|q| q.trim().to_string())
                    .filter(|q| !q.is_empty())
                    .collect(),
                effects,
                decision,
                contingency_only,
            });
        }
    }
    if problems.is_empty() {
        Ok(injects)
    } else {
        Err(LoadError(problems))
    }
}

/// The scenario file's text with its `msel` list replaced (or added), everything else,
/// comments included, as it was.
pub fn replace_msel(text: &str, injects: &[Inject]) -> String {
    let items: Vec<String> = injects
        .iter()
        .map(|i| format!("        {},\n", ron_text(i)))
        .collect();
    let list = format!("[\n{}    ]", items.concat());
    match msel_span(text) {
        Some((start, end)) => format!("{}{list}{}", &text[..start], &text[end..]),
        None => {
            let close = text.rfind(')').unwrap_or(text.len());
            format!(
                "{}    msel: {list},\n{}",
                text[..close].trim_end_matches([' ']),
                &text[close..]
            )
        }
    }
}

/// Where the top-level `msel` list's brackets are (start of `[` to just after `]`).
fn msel_span(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let (mut depth, mut i, mut start) = (0i32, 0, None);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' => {
                if depth == 1 && b[i] == b'[' && start.is_none() {
                    let before = text[..i].trim_end().trim_end_matches(':').trim_end();
                    if before.ends_with("msel")
                        && !before[..before.len() - 4]
                            .ends_with(|c: char| c.is_alphanumeric() || c == '_')
                    {
                        start = Some(i);
                    }
                }
                depth += 1;
            }
            b')' | b']' => {
                depth -= 1;
                if depth == 1
                    && let Some(s) = start
                {
                    return Some((s, i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;
    use crate::scenario::{Source, load_source};

    /// The list replaced is the top-level `msel`, not a comment or a string that mentions one;
    /// a file without one gains it; the result loads with the new MSEL.
    #[test]
    fn the_msel_list_is_replaced_in_place_and_the_rest_kept() {
        let region = TinyRegion::new()
            .island("A", false, false)
            .team_with("t", "Leadership", Some("A"), "")
            .field(r#"msel: [Inject(id: "OLD", trigger: At("D1 09:00"), kind: Narrative, channel: Email, title: "a ] msel: [")]"#)
            .field("// msel: [ a comment ]\n    objectives: []");
        let plan = region.plan();
        let text = region.ron();
        let mut new = plan.scenario.msel.clone();
        new[0].id = "NEW".into();
        new[0].to = vec!["t".into()];
        let replaced = replace_msel(&text, &new);
        assert!(replaced.contains("// msel: [ a comment ]"), "{replaced}");
        let load = |text: String| {
            load_source(
                &Source {
                    name: "x.ron".into(),
                    text,
                    dir: None,
                },
                &[],
            )
            .unwrap()
        };
        let loaded = load(replaced);
        assert_eq!(loaded.scenario.msel.len(), 1);
        assert_eq!(
            (
                loaded.scenario.msel[0].id.as_str(),
                loaded.scenario.msel[0].to.len()
            ),
            ("NEW", 1)
        );
        // Without an `msel` list: it is added.
        let bare = TinyRegion::new().island("A", false, false).ron();
        let added = load(replace_msel(&bare, &plan.scenario.msel));
        assert_eq!(added.scenario.msel[0].id, "OLD");
        // And the sheet reads back what it wrote.
        let csv = export_csv(&loaded.scenario);
        let back = import_csv("x.csv", &csv, &loaded.scenario).unwrap();
        assert_eq!(
            serde_json::to_value(&back).unwrap(),
            serde_json::to_value(&loaded.scenario.msel).unwrap()
        );
    }
}
