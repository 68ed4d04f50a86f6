//! The MSEL as the sheet exercise planners keep: one row per inject, read back into the
//! scenario. Simple fields are plain cells (team ids separated by commas, one question per
//! line); a trigger, a decision and effects are written as in the scenario file, so nothing is
//! lost on the way round. An edited row changes its inject, a new row adds one, a removed row
//! removes one; every problem is named by row and column, as the planner's own tool numbers
//! them. The same rows travel as CSV or as an XLSX workbook (read back from XLSX, XLS, XLSB or
//! ODS, whichever office suite the planner saved from).

use std::io::Cursor;

use calamine::{Data, Reader};

use super::ids::nearest_name;
use super::{
    Decision, Diagnostic, Inject, InjectChannel, InjectKind, LoadError, Scenario, Trigger,
    did_you_mean,
};
use crate::scenario::Command;
use crate::time::{Span, parse_span};

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
    "Expected",
];

/// The read-only column: the expectations whose clock an inject starts, for the planner to
/// see beside it. Expectations are kept in the scenario file; an edit here is not read back.
const EXPECTED: usize = 16;

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
/// new MSEL (comments and all else as they were), checked to load under the name `out`, and
/// what the reading noticed. Every mistake is said where the planner's tool shows it.
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
    let text = replace_msel(&source.text, &imported.injects);
    let check = super::Source {
        name: out.into(),
        text: text.clone(),
        dir: source.dir.clone(),
    };
    super::load_source(&check, &[])
        .map_err(|e| format!("the scenario with this MSEL does not load:\n{e}"))?;
    Ok((text, imported))
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

/// The scenario's MSEL as an XLSX workbook: the `MSEL` sheet (header frozen and filtered,
/// long text wrapped, drop-down lists where the values are fixed) and a `Lists` sheet of the
/// teams, modules and trigger forms the cells may name.
pub fn export_xlsx(s: &Scenario) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Color, DataValidation, Format, FormatAlign, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| format!("writing the workbook: {e}");
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDCE6F1))
        .set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let top = Format::new().set_align(FormatAlign::Top);
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET).map_err(fail)?;
    // Widths in characters, by column: ids narrow, prose wide.
    let widths = [
        7.0, 10.0, 14.0, 30.0, 18.0, 7.0, 11.0, 13.0, 18.0, 22.0, 32.0, 60.0, 45.0, 40.0, 30.0,
        10.0, 45.0,
    ];
    let wrapped = [3, 4, 10, 11, 12, 13, 14, EXPECTED];
    for (c, name) in COLUMNS.iter().enumerate() {
        let c16 = c as u16;
        sheet.set_column_width(c16, widths[c]).map_err(fail)?;
        sheet
            .write_string_with_format(0, c16, *name, &header)
            .map_err(fail)?;
    }
    for (r, inject) in s.msel.iter().enumerate() {
        for (c, cell) in row(s, inject).into_iter().enumerate() {
            let format = if wrapped.contains(&c) { &wrap } else { &top };
            sheet
                .write_string_with_format(r as u32 + 1, c as u16, cell, format)
                .map_err(fail)?;
        }
    }
    let last = (s.msel.len() as u32).max(1) + 200;
    sheet.set_freeze_panes(1, 1).map_err(fail)?;
    sheet
        .autofilter(0, 0, s.msel.len() as u32, COLUMNS.len() as u16 - 1)
        .map_err(fail)?;
    let mut list = |col: usize, values: Vec<String>, what: &str| -> Result<(), String> {
        if values.is_empty() {
            return Ok(());
        }
        let check = DataValidation::new()
            .allow_list_strings(&values)
            .map_err(fail)?
            .set_error_message(format!("{what}: {}", values.join(", ")))
            .map_err(fail)?;
        sheet
            .add_data_validation(1, col as u16, last, col as u16, &check)
            .map_err(fail)?;
        Ok(())
    };
    list(
        1,
        s.modules.iter().map(|m| m.id.clone()).collect(),
        "a module id",
    )?;
    list(
        6,
        ["Technical", "Narrative", "Facilitation"]
            .map(String::from)
            .to_vec(),
        "the kinds are",
    )?;
    list(
        7,
        [
            "Email",
            "Phone",
            "Media",
            "Social",
            "RansomNote",
            "MinisterialRequest",
            "ThreatFeed",
            "Briefing",
        ]
        .map(String::from)
        .to_vec(),
        "the channels are",
    )?;
    list(15, vec!["true".into(), "false".into()], "true or false")?;

    let lists = book.add_worksheet();
    lists.set_name("Lists").map_err(fail)?;
    let mut r = 0u32;
    let mut line = |cells: &[&str], format: &Format| -> Result<(), String> {
        for (c, cell) in cells.iter().enumerate() {
            lists
                .write_string_with_format(r, c as u16, *cell, format)
                .map_err(fail)?;
        }
        r += 1;
        Ok(())
    };
    line(&["Team (To)", "Name", "Kind", "Island"], &header)?;
    for t in &s.teams {
        let kind = format!("{:?}", t.kind);
        line(
            &[
                &t.id,
                &t.name,
                &kind,
                t.island.as_deref().unwrap_or("regional"),
            ],
            &top,
        )?;
    }
    line(&[], &top)?;
    line(&["Module", "Title"], &header)?;
    for m in &s.modules {
        line(&[&m.id, &m.title], &top)?;
    }
    line(&[], &top)?;
    line(&["Trigger (as in the scenario file)", "Means"], &header)?;
    for (form, means) in TRIGGER_FORMS {
        line(&[form, means], &top)?;
    }
    lists.set_column_width(0, 34.0).map_err(fail)?;
    lists.set_column_width(1, 60.0).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

/// How a trigger cell is written, for the `Lists` sheet.
const TRIGGER_FORMS: &[(&str, &str)] = &[
    ("At(\"D1 09:00\")", "at a time on the exercise clock"),
    (
        "FirstIncident(\"LC\")",
        "when the first incident is opened on an island",
    ),
    (
        "RansomNote(\"org-id\")",
        "when an organisation finds a ransom note",
    ),
    ("ServiceDown(\"service-id\")", "when a service goes down"),
    ("CampaignStarted(\"campaign-id\")", "when a campaign starts"),
    (
        "IntelApplied(\"LC\")",
        "when an island applies shared intelligence",
    ),
    ("Inject(\"I03\")", "after another inject fires (plus Delay)"),
    (
        "Contained(\"LC\")",
        "when every incident on an island is contained",
    ),
    (
        "Evicted(\"org-id\")",
        "when no intruder holds a host of an organisation",
    ),
    ("Manual", "only when the facilitator fires it"),
    (
        "AnyOf([At(\"D2 03:47\"), RansomNote(\"org-id\")])",
        "whichever comes first",
    ),
    ("AllOf([...])", "once all have happened"),
];

/// Where a cell is, said the way the planner's tool numbers it.
enum Place<'a> {
    /// A CSV file: `file:line:col` (a text editor's), then the sheet's row and column.
    Csv { file: &'a str },
    /// A workbook: the sheet, row and column, as the spreadsheet shows them.
    Workbook { file: &'a str, sheet: &'a str },
}

/// One row of the sheet: its number as the planner sees it, the line it starts on (CSV) and
/// its cells.
struct SheetRow {
    row: usize,
    line: usize,
    cells: Vec<String>,
}

impl Place<'_> {
    fn say(
        &self,
        at: &SheetRow,
        col: usize,
        column: &str,
        message: String,
        help: Option<String>,
    ) -> Diagnostic {
        match self {
            Place::Csv { file } => Diagnostic {
                file: file.to_string(),
                line: at.line,
                col: col + 1,
                message: format!("row {}, column {column}: {message}", at.row),
                help,
            },
            Place::Workbook { file, sheet } => Diagnostic {
                file: file.to_string(),
                line: 0,
                col: 0,
                message: format!("sheet {sheet}, row {}, column {column}: {message}", at.row),
                help,
            },
        }
    }
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

/// What an import read: the injects, and what it noticed but did not stop for.
#[derive(Debug)]
pub struct Imported {
    pub injects: Vec<Inject>,
    pub warnings: Vec<Diagnostic>,
}

/// A CSV sheet's rows read back as injects, checked against the scenario's teams and modules.
pub fn import_csv(file: &str, text: &str, s: &Scenario) -> Result<Imported, LoadError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (k, record) in reader.records().enumerate() {
        match record {
            Ok(rec) => rows.push(SheetRow {
                row: k + 1,
                line: rec.position().map(|p| p.line() as usize).unwrap_or(k + 1),
                cells: rec.iter().map(|c| restored(c).to_string()).collect(),
            }),
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(k + 1);
                return Err(LoadError::one(
                    file,
                    line,
                    1,
                    format!("row {}: not readable as CSV: {e}", k + 1),
                    Some("save the sheet as CSV (comma-separated, UTF-8)".into()),
                ));
            }
        }
    }
    import_rows(&Place::Csv { file }, rows, s)
}

/// A workbook's `MSEL` sheet read back as injects (XLSX, XLSM, XLSB, XLS or ODS).
pub fn import_workbook(file: &str, bytes: Vec<u8>, s: &Scenario) -> Result<Imported, LoadError> {
    let whole = |message: String, help: Option<String>| {
        LoadError(vec![Diagnostic {
            file: file.into(),
            line: 0,
            col: 0,
            message,
            help,
        }])
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        whole(
            format!("not a workbook this can read: {e}"),
            Some("save it as .xlsx (or .ods), or export the sheet as .csv".into()),
        )
    })?;
    let names = book.sheet_names();
    if !names.iter().any(|n| n == SHEET) {
        let guess = nearest_name(SHEET, names.iter().map(String::as_str))
            .map(|g| format!("did you mean `{g}`? rename it to `{SHEET}`; "))
            .unwrap_or_default();
        return Err(whole(
            format!(
                "no sheet named `{SHEET}` (the workbook has {})",
                names.join(", ")
            ),
            Some(format!(
                "{guess}the injects are read from the sheet `{SHEET}`, one row each"
            )),
        ));
    }
    let range = book
        .worksheet_range(SHEET)
        .map_err(|e| whole(format!("sheet {SHEET}: not readable: {e}"), None))?;
    // The range starts at its first used cell; rows and columns are numbered from the sheet's
    // corner, as the spreadsheet shows them.
    let (top, left) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(k, cells)| {
            let mut row: Vec<String> = vec![String::new(); left as usize];
            row.extend(cells.iter().map(|c| restored(&cell_text(c)).to_string()));
            SheetRow {
                row: top as usize + k + 1,
                line: 0,
                cells: row,
            }
        })
        .collect();
    import_rows(&Place::Workbook { file, sheet: SHEET }, rows, s)
}

/// A workbook cell as the text the planner typed (a spreadsheet turns `12` into a number and
/// `true` into a boolean on the way in).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A spreadsheet's name for a column: A, B, ..., Z, AA, ...
fn column_letter(mut c: usize) -> String {
    let mut name = String::new();
    loop {
        name.insert(0, (b'A' + (c % 26) as u8) as char);
        if c < 26 {
            return name;
        }
        c = c / 26 - 1;
    }
}

/// The rows (header first) read back as injects.
fn import_rows(
    place: &Place,
    mut rows: Vec<SheetRow>,
    s: &Scenario,
) -> Result<Imported, LoadError> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    // Rows with nothing in them (a spreadsheet's trailing blank lines) are not injects.
    rows.retain(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    if rows.is_empty() {
        let empty = SheetRow {
            row: 1,
            line: 1,
            cells: Vec::new(),
        };
        return Err(LoadError(vec![place.say(
            &empty,
            0,
            "A",
            "the sheet is empty".into(),
            Some(format!(
                "its first row names the columns: {}",
                COLUMNS.join(", ")
            )),
        )]));
    }
    let header = rows.remove(0);
    // Where each known column is in this sheet (columns may be reordered; unknown ones refused).
    let mut at = vec![None; COLUMNS.len()];
    for (k, name) in header.cells.iter().enumerate() {
        if name.trim().is_empty() {
            continue;
        }
        match column_named(name) {
            Some(c) => at[c] = Some(k),
            None => {
                let guess = did_you_mean(name.trim(), COLUMNS);
                problems.push(place.say(
                    &header,
                    k,
                    &column_letter(k),
                    format!("unknown column `{}`", name.trim()),
                    Some(format!("{guess}the columns are {}", COLUMNS.join(", "))),
                ));
            }
        }
    }
    for (c, name) in COLUMNS.iter().enumerate() {
        if at[c].is_none() && ["ID", "Trigger", "Kind", "Channel", "Title"].contains(name) {
            problems.push(place.say(
                &header,
                0,
                "A",
                format!("the sheet has no `{name}` column"),
                Some(format!("the columns are {}", COLUMNS.join(", "))),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(LoadError(problems));
    }
    let teams: Vec<&str> = s.teams.iter().map(|t| t.id.as_str()).collect();
    let modules: Vec<&str> = s.modules.iter().map(|m| m.id.as_str()).collect();
    let mut injects: Vec<Inject> = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for record in &rows {
        let mut say = |c: usize, message: String, help: Option<String>| {
            problems.push(place.say(record, at[c].unwrap_or(0), COLUMNS[c], message, help))
        };
        let cell = |c: usize| {
            at[c]
                .and_then(|k| record.cells.get(k))
                .map(|t| t.trim())
                .unwrap_or("")
                .to_string()
        };
        macro_rules! ron_cell {
            ($c:expr, $t:ty, $what:expr) => {{
                let text = cell($c);
                match ron::from_str::<$t>(&text) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        say($c, format!("`{text}` is not {}: {}", $what, e.code), None);
                        None
                    }
                }
            }};
        }
        let id = cell(0);
        if id.is_empty() {
            say(0, "an inject needs an id".into(), None);
        } else if let Some((_, first)) = seen.iter().find(|(i, _)| *i == id) {
            say(
                0,
                format!("`{id}` is already the id of row {first}"),
                Some("give each inject its own id".into()),
            );
        } else {
            seen.push((id.clone(), record.row));
        }
        let trigger = ron_cell!(
            3,
            Trigger,
            "a trigger (e.g. At(\"D1 09:00\"); see the Lists sheet)"
        );
        let unless = if cell(4).is_empty() {
            Some(None)
        } else {
            ron_cell!(4, Trigger, "a trigger").map(Some)
        };
        let delay = match cell(5).as_str() {
            "" => Some(Span(0)),
            t => parse_span(t).map_err(|e| say(5, e, None)).ok(),
        };
        let kind = ron_cell!(6, InjectKind, "Technical, Narrative or Facilitation");
        let channel = ron_cell!(
            7,
            InjectChannel,
            "a channel (Email, Phone, Media, Social, RansomNote, MinisterialRequest, ThreatFeed, Briefing)"
        );
        let to: Vec<String> = cell(9)
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        for t in &to {
            if !teams.contains(&t.as_str()) {
                let guess = did_you_mean(t, &teams);
                say(
                    9,
                    format!("unknown team `{t}`"),
                    Some(format!("{guess}the teams are {}", teams.join(", "))),
                );
            }
        }
        let module = cell(1);
        if !module.is_empty() && !modules.contains(&module.as_str()) {
            let guess = did_you_mean(&module, &modules);
            say(
                1,
                format!("unknown module `{module}`"),
                Some(if modules.is_empty() {
                    "the scenario has no modules: leave the cell empty".into()
                } else {
                    format!("{guess}the modules are {}", modules.join(", "))
                }),
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
                say(15, format!("`{other}` is not true or false"), None);
                None
            }
        };
        if at[EXPECTED].is_some() && cell(EXPECTED) != expected(s, &id).trim() {
            warnings.push(place.say(
                record,
                at[EXPECTED].unwrap_or(0),
                COLUMNS[EXPECTED],
                "this column is not read back: expectations are kept in the scenario file".into(),
                Some(format!(
                    "edit the `expectations` of the scenario for {}",
                    if id.is_empty() { "this inject" } else { &id }
                )),
            ));
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
                id,
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
        Ok(Imported { injects, warnings })
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
        if let Some(end) = crate::scenario::past_comment_or_literal(b, i) {
            i = end;
            continue;
        }
        match b[i] {
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
            serde_json::to_value(&back.injects).unwrap(),
            serde_json::to_value(&loaded.scenario.msel).unwrap()
        );
        // As does the workbook.
        let book = export_xlsx(&loaded.scenario).unwrap();
        let back = import_workbook("x.xlsx", book, &loaded.scenario).unwrap();
        assert_eq!(
            serde_json::to_value(&back.injects).unwrap(),
            serde_json::to_value(&loaded.scenario.msel).unwrap()
        );
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    }

    /// A workbook's mistakes are named by sheet, row and column as the spreadsheet shows them;
    /// a missing sheet, a repeated id, a reordered and a renamed column are all answered.
    #[test]
    fn a_workbook_names_its_mistakes_by_sheet_row_and_column() {
        let region = TinyRegion::new()
            .island("A", false, false)
            .team_with("t-one", "Leadership", Some("A"), "")
            .field(r#"msel: [Inject(id: "I1", trigger: At("D1 09:00"), kind: Narrative, channel: Email, title: "one", to: ["t-one"])]"#);
        let plan = region.plan();
        let write = |rows: &[Vec<&str>], sheet: &str| {
            let mut book = rust_xlsxwriter::Workbook::new();
            let ws = book.add_worksheet();
            ws.set_name(sheet).unwrap();
            for (r, cells) in rows.iter().enumerate() {
                for (c, cell) in cells.iter().enumerate() {
                    ws.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
            book.save_to_buffer().unwrap()
        };
        let header = vec!["Title", "ID", "Trigger", "Kind", "Channel", "To"];
        let good = vec![
            "one",
            "I1",
            "At(\"D1 09:00\")",
            "Narrative",
            "Email",
            "t-one",
        ];
        // Columns in another order read the same.
        let back = import_workbook(
            "m.xlsx",
            write(&[header.clone(), good.clone()], SHEET),
            &plan.scenario,
        )
        .unwrap();
        assert_eq!(
            (back.injects[0].id.as_str(), back.injects[0].title.as_str()),
            ("I1", "one")
        );
        // A typo in row 3's team, a repeated id.
        let mut typo = good.clone();
        typo[5] = "t-on";
        let err = import_workbook(
            "m.xlsx",
            write(&[header.clone(), good.clone(), typo], SHEET),
            &plan.scenario,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("m.xlsx: sheet MSEL, row 3, column To: unknown team `t-on`")
                && err.contains("did you mean `t-one`")
                && err.contains("row 3, column ID: `I1` is already the id of row 2"),
            "{err}"
        );
        // No MSEL sheet: the one there is named.
        let err = import_workbook(
            "m.xlsx",
            write(std::slice::from_ref(&header), "MSEl"),
            &plan.scenario,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("no sheet named `MSEL` (the workbook has MSEl)")
                && err.contains("did you mean `MSEl`"),
            "{err}"
        );
        // An unknown column by its letter.
        let mut odd = header.clone();
        odd.push("Tiitle");
        let err = import_workbook("m.xlsx", write(&[odd, good], SHEET), &plan.scenario)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("row 1, column G: unknown column `Tiitle`"),
            "{err}"
        );
        // Not a workbook at all.
        let err = import_workbook("m.xlsx", b"not a zip".to_vec(), &plan.scenario)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("m.xlsx: not a workbook"), "{err}");
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(26), "AA");
    }

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
        let replaced = replace_msel(&region.ron(), &back.injects);
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
