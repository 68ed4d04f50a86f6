//! The MSEL as the sheet exercise planners keep: one row per inject, read back into the
//! scenario. Simple fields are plain cells (team ids separated by commas, one question per
//! line); a trigger, a decision and effects are written as in the scenario file, so nothing is
//! lost on the way round. An edited row changes its inject, a new row adds one, a removed row
//! removes one; every problem is named by row and column, as the planner's own tool numbers
//! them. The same rows travel as CSV or as an XLSX workbook (read back from XLSX, XLS, XLSB or
//! ODS, whichever office suite the planner saved from).
//!
//! Here: the columns, one inject's cells, CSV out and the two ways through. `workbook.rs`
//! writes the XLSX; `import.rs` reads a CSV or a workbook into rows; `rows.rs` reads the rows
//! into injects, a reader per column; `splice.rs` puts the MSEL back in the scenario's text.

mod import;
mod rows;
mod splice;
mod workbook;

pub use import::{Imported, RowAt, import_csv, import_workbook};
pub use splice::{Spliced, replace_msel};
pub use workbook::export_xlsx;

use super::{Inject, Scenario, Trigger};

/// The sheet's columns, in order, as their header cells say.
pub const COLUMNS: &[&str] = &[
    "ID",
    "Module",
    "Move",
    "Trigger",
    "Unless",
    "Delay",
    "Kind",
    "Channel",
    "From",
    "To",
    "Title",
    "Body",
    "Questions",
    "Decision",
    "Effects",
    "Contingency only",
    "Only if",
    "Expected",
];

/// The read-only column: the expectations whose clock an inject starts, for the planner to
/// see beside it. Expectations are kept in the scenario file; an edit here is not read back.
const EXPECTED: usize = 17;

/// The `only_if` column (added after the others, so older sheets keep their layout).
const ONLY_IF: usize = 16;

/// The workbook's sheet that holds the MSEL (the others are for reading).
pub const SHEET: &str = "MSEL";

/// The sheet formats, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetFormat {
    Csv,
    /// An office workbook: written as XLSX; read from XLSX, XLSM, XLSB, XLS or ODS.
    Workbook,
}

impl SheetFormat {
    /// The format a path's extension names, or what the extensions may be.
    pub fn of(path: &std::path::Path) -> Result<Self, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        match ext.as_str() {
            "csv" => Ok(SheetFormat::Csv),
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Ok(SheetFormat::Workbook),
            _ => Err(format!(
                "{}: a sheet is a .csv or an .xlsx file (.xlsm, .xlsb, .xls and .ods are read too)",
                path.display()
            )),
        }
    }
}

/// The MSEL as the sheet `out` names by its extension: CSV, or an XLSX workbook.
pub fn export(scenario: &Scenario, out: &std::path::Path) -> Result<Vec<u8>, String> {
    match SheetFormat::of(out)? {
        SheetFormat::Csv => Ok(export_csv(scenario).into_bytes()),
        SheetFormat::Workbook
            if out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
        {
            export_xlsx(scenario)
        }
        SheetFormat::Workbook => Err(format!(
            "{}: the sheet is written as .xlsx or .csv (other workbooks are read, not written)",
            out.display()
        )),
    }
}

/// An edited sheet read back into the scenario `source` holds: the scenario's text with its
/// new MSEL (each inject the sheet left alone as it was written, comments and all else as they
/// were), checked to load under the name `out`, and what the reading noticed. Every mistake is
/// said where the planner can find it: in the sheet, or in the scenario file as it is.
pub fn import(
    source: &super::Source,
    scenario: &Scenario,
    sheet: &std::path::Path,
    out: &str,
) -> Result<(String, Imported), String> {
    let format = SheetFormat::of(sheet)?;
    let bytes = super::read_bounded(sheet).map_err(|e| format!("{}: {e}", sheet.display()))?;
    let name = sheet.display().to_string();
    let imported = match format {
        SheetFormat::Csv => {
            let text = String::from_utf8(bytes).map_err(|_| {
                format!("{name}: not UTF-8 text\n  help: save the sheet as CSV UTF-8 (or as .xlsx)")
            })?;
            import_csv(&name, &text, scenario)
        }
        SheetFormat::Workbook => import_workbook(&name, bytes, scenario),
    }
    .map_err(|e| e.to_string())?;
    let spliced = replace_msel(&source.text, &scenario.msel, &imported.injects);
    let check = super::Source {
        name: out.into(),
        text: spliced.text.clone(),
        dir: source.dir.clone(),
    };
    if let Err(e) = super::load_source(&check, &[]) {
        let placed = Placed {
            source,
            spliced: &spliced,
            imported: &imported,
            out,
            removed: removed_rows(scenario, &imported, &name),
        };
        let said = e.0.into_iter().map(|d| placed.said(d)).collect();
        return Err(format!(
            "the scenario with this MSEL does not load:\n{}",
            super::LoadError(said)
        ));
    }
    Ok((spliced.text, imported))
}

/// The injects whose rows the sheet no longer has: each id, and what to tell the planner.
fn removed_rows(scenario: &Scenario, imported: &Imported, sheet: &str) -> Vec<(String, String)> {
    (scenario.msel.iter().enumerate())
        .filter(|(_, i)| !imported.injects.iter().any(|n| n.id == i.id))
        .map(|(k, i)| {
            (
                format!("`{}`", i.id),
                format!(
                    "`{}` was row {} of the sheet as exported and {sheet} no longer has it: put \
                     the row back, or change this",
                    i.id,
                    k + 2
                ),
            )
        })
        .collect()
}

/// A problem of the scenario with its new MSEL, said where it can be found: in an inject,
/// at the sheet's row that wrote it; elsewhere, in the scenario file as it is (the new text
/// was never written); about a removed inject, with the row it was.
struct Placed<'a> {
    source: &'a super::Source,
    spliced: &'a Spliced,
    imported: &'a Imported,
    out: &'a str,
    removed: Vec<(String, String)>,
}

impl Placed<'_> {
    fn said(&self, d: super::Diagnostic) -> super::Diagnostic {
        let mut row = true;
        let mut d = if d.file != self.out || d.line == 0 {
            d
        } else {
            let at = offset_of(&self.spliced.text, d.line, d.col);
            match self.spliced.injects.iter().position(|r| r.contains(&at)) {
                Some(n) => self.imported.rows[n].say(d.message, d.help),
                None => {
                    row = false;
                    let (line, col) = super::line_col(&self.source.text, self.spliced.before(at));
                    super::Diagnostic {
                        file: self.source.name.clone(),
                        line,
                        col,
                        ..d
                    }
                }
            }
        };
        if let Some((_, help)) = self.removed.iter().find(|(id, _)| d.message.contains(id)) {
            let place = if row {
                " row"
            } else {
                " in the scenario file first"
            };
            d.help = Some(format!("{help}{place}"));
        }
        d
    }
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start: usize = (text.split_inclusive('\n'))
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start
        + (rest.char_indices())
            .nth(col.saturating_sub(1))
            .map_or(rest.len(), |(k, _)| k)
}

/// Header cells match whatever their case, with `_` for a space (`contingency_only`).
fn column_named(name: &str) -> Option<usize> {
    let norm = |c: &str| c.trim().to_lowercase().replace('_', " ");
    COLUMNS.iter().position(|c| norm(c) == norm(name))
}

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

/// The expectations an inject starts the clock for, a line each.
fn expected(s: &Scenario, inject: &str) -> String {
    s.expectations
        .iter()
        .filter(|e| matches!(&e.after, Trigger::Inject(i) if i == inject))
        .map(|e| {
            format!(
                "{} ({}, within {}): {}",
                e.id, e.team, e.within, e.description
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One inject as a row of cells, in `COLUMNS` order.
fn row(s: &Scenario, i: &Inject) -> Vec<String> {
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
        i.only_if.as_ref().map(ron_text).unwrap_or_default(),
        expected(s, &i.id),
    ]
}

/// The scenario's MSEL as CSV, a header row first.
pub fn export_csv(s: &Scenario) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for i in &s.msel {
        let _ = w.write_record(row(s, i).iter().map(|c| defused(c).into_owned()));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Whether a spreadsheet would take this cell for a formula (OWASP's list: `=`, `+`, `-`, `@`,
/// tab, carriage return), looking past apostrophes already put in front of one.
fn formula_like(cell: &str) -> bool {
    cell.trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A CSV cell a spreadsheet opens as text: a title such as `=HYPERLINK(...)` gets a leading
/// apostrophe (OWASP's advice for CSV injection), which [`restored`] takes off again, so an
/// export read back is what was written.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The cell as written before [`defused`]: one apostrophe off where it guards a formula.
fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;
    use crate::scenario::{Source, load_source};

    /// A title or body a spreadsheet would run as a formula is written with an apostrophe in
    /// front (OWASP's CSV-injection advice) and read back as it was; so is `/* ] */` text in a
    /// block comment, which must not be taken for the list's end.
    #[test]
    fn formula_like_cells_open_as_text_and_come_back_unchanged() {
        let titles = [
            r#"=HYPERLINK(\"http://x\",\"y\")"#,
            r#"=cmd|' /C calc'!A0"#,
            "+1 line",
            "-1 hour",
            "@SUM(1)",
            "'=already guarded",
            "'quoted but harmless",
            "réunion à 9h",
        ];
        let msel: Vec<String> = titles
            .iter()
            .enumerate()
            .map(|(k, t)| {
                format!(
                    r#"Inject(id: "I{k}", trigger: At("D1 09:00"), kind: Narrative, channel: Email, title: "{t}", body: "{t}", to: ["t"])"#
                )
            })
            .collect();
        let region = TinyRegion::new()
            .island("A", false, false)
            .team_with("t", "Leadership", Some("A"), "")
            .field(&format!(
                "/* msel: [ ] réunion */ msel: [{}]",
                msel.join(", ")
            ));
        let plan = region.plan();
        let csv = export_csv(&plan.scenario);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "a live formula in the CSV: {cell}"
                );
            }
        }
        assert!(csv.contains("'=HYPERLINK"), "{csv}");
        let back = import_csv("m.csv", &csv, &plan.scenario).unwrap();
        let text = |list: &[Inject]| list.iter().map(ron_text).collect::<Vec<_>>();
        assert_eq!(text(&back.injects), text(&plan.scenario.msel));
        let replaced = replace_msel(&region.ron(), &plan.scenario.msel, &back.injects).text;
        assert!(replaced.contains("/* msel: [ ] réunion */"), "{replaced}");
        let again = load_source(
            &Source {
                name: "x.ron".into(),
                text: replaced,
                dir: None,
            },
            &[],
        )
        .unwrap();
        assert_eq!(text(&again.scenario.msel), text(&plan.scenario.msel));
    }
}
