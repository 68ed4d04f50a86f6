//! The sheet's rows read back as injects: the header row says where each column is, then each
//! row is read a column at a time, every mistake said where the planner's tool shows it (and
//! every mistake of a row said, not only the first).

use serde::de::DeserializeOwned;

use super::import::{Imported, Place, SheetRow, column_letter};
use super::{COLUMNS, EXPECTED, ONLY_IF, column_named, expected};
use crate::scenario::{
    Command, Decision, Diagnostic, Inject, InjectChannel, InjectKind, LoadError, Scenario, Trigger,
    did_you_mean,
};
use crate::time::{Span, parse_span, parse_when};

/// The columns an inject cannot do without.
const REQUIRED: [&str; 5] = ["ID", "Trigger", "Kind", "Channel", "Title"];

/// The rows (header first) read back as injects.
pub(super) fn import_rows(
    place: &Place,
    mut rows: Vec<SheetRow>,
    s: &Scenario,
) -> Result<Imported, LoadError> {
    // Rows with nothing in them (a spreadsheet's trailing blank lines) are not injects.
    rows.retain(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    if rows.is_empty() {
        return Err(LoadError(vec![empty_sheet(place)]));
    }
    let header = rows.remove(0);
    let at = columns(place, &header)?;
    let teams: Vec<&str> = s.teams.iter().map(|t| t.id.as_str()).collect();
    let modules: Vec<&str> = s.modules.iter().map(|m| m.id.as_str()).collect();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut injects: Vec<Inject> = Vec::new();
    let mut at_rows = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for record in &rows {
        let mut row = Row {
            place,
            at: &at,
            record,
            problems: &mut problems,
        };
        let id = row.id(&mut seen);
        warnings.extend(row.expected_edited(s, &id));
        if let Some(inject) = row.inject(id, &teams, &modules) {
            injects.push(inject);
            at_rows.push(place.row_at(record));
        }
    }
    if problems.is_empty() {
        Ok(Imported {
            injects,
            rows: at_rows,
            warnings,
        })
    } else {
        Err(LoadError(problems))
    }
}

/// A sheet with no row at all: its first row should name the columns.
fn empty_sheet(place: &Place) -> Diagnostic {
    let empty = SheetRow {
        row: 1,
        line: 1,
        cells: Vec::new(),
    };
    place.say(
        &empty,
        0,
        "A",
        "the sheet is empty".into(),
        Some(format!(
            "its first row names the columns: {}",
            COLUMNS.join(", ")
        )),
    )
}

/// Where each known column is in this sheet, by its header cell: columns may come in any
/// order; an unknown one, or a missing one an inject needs, is refused.
fn columns(place: &Place, header: &SheetRow) -> Result<Vec<Option<usize>>, LoadError> {
    let mut problems = Vec::new();
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
                    header,
                    k,
                    &column_letter(k),
                    format!("unknown column `{}`", name.trim()),
                    Some(format!("{guess}the columns are {}", COLUMNS.join(", "))),
                ));
            }
        }
    }
    for (c, name) in COLUMNS.iter().enumerate() {
        if at[c].is_none() && REQUIRED.contains(name) {
            problems.push(place.say(
                header,
                0,
                "A",
                format!("the sheet has no `{name}` column"),
                Some(format!("the columns are {}", COLUMNS.join(", "))),
            ));
        }
    }
    if problems.is_empty() {
        Ok(at)
    } else {
        Err(LoadError(problems))
    }
}

/// One row being read: where each column is, the row's cells, and the problems found so far
/// (in all rows).
struct Row<'a> {
    place: &'a Place<'a>,
    at: &'a [Option<usize>],
    record: &'a SheetRow,
    problems: &'a mut Vec<Diagnostic>,
}

impl Row<'_> {
    /// A cell's text, trimmed (empty where the sheet has no such column).
    fn cell(&self, c: usize) -> String {
        self.at[c]
            .and_then(|k| self.record.cells.get(k))
            .map(|t| t.trim())
            .unwrap_or("")
            .to_string()
    }

    /// A problem in column `c` of this row.
    fn say(&mut self, c: usize, message: String, help: Option<String>) {
        let problem = self.place.say(
            self.record,
            self.at[c].unwrap_or(0),
            COLUMNS[c],
            message,
            help,
        );
        self.problems.push(problem);
    }

    /// A cell written as in the scenario file (`what` it should be, for the message).
    fn ron<T: DeserializeOwned>(&mut self, c: usize, what: &str) -> Option<T> {
        let text = self.cell(c);
        match ron::from_str::<T>(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.say(c, format!("`{text}` is not {what}: {}", e.code), None);
                None
            }
        }
    }

    /// The same for a cell that may be left empty: `Some(None)` when it is.
    fn optional_ron<T: DeserializeOwned>(&mut self, c: usize, what: &str) -> Option<Option<T>> {
        if self.cell(c).is_empty() {
            Some(None)
        } else {
            self.ron(c, what).map(Some)
        }
    }

    /// The ID: there, and no earlier row's (`seen`: the ids read so far, with their rows).
    fn id(&mut self, seen: &mut Vec<(String, usize)>) -> String {
        let id = self.cell(0);
        if id.is_empty() {
            self.say(0, "an inject needs an id".into(), None);
        } else if let Some(&(_, first)) = seen.iter().find(|(i, _)| *i == id) {
            self.say(
                0,
                format!("`{id}` is already the id of row {first}"),
                Some("give each inject its own id".into()),
            );
        } else {
            seen.push((id.clone(), self.record.row));
        }
        id
    }

    /// The delay: a span, none when empty.
    fn delay(&mut self) -> Option<Span> {
        match self.cell(5).as_str() {
            "" => Some(Span(0)),
            t => parse_span(t).map_err(|e| self.say(5, e, None)).ok(),
        }
    }

    /// The teams it goes to, separated by commas, each one of the scenario's.
    fn recipients(&mut self, teams: &[&str]) -> Vec<String> {
        let to: Vec<String> = self
            .cell(9)
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        for t in &to {
            if !teams.contains(&t.as_str()) {
                let guess = did_you_mean(t, teams);
                self.say(
                    9,
                    format!("unknown team `{t}`"),
                    Some(format!("{guess}the teams are {}", teams.join(", "))),
                );
            }
        }
        to
    }

    /// The module it belongs to, if any: one of the scenario's.
    fn module(&mut self, modules: &[&str]) -> Option<String> {
        let module = self.cell(1);
        if !module.is_empty() && !modules.contains(&module.as_str()) {
            let guess = did_you_mean(&module, modules);
            self.say(
                1,
                format!("unknown module `{module}`"),
                Some(if modules.is_empty() {
                    "the scenario has no modules: leave the cell empty".into()
                } else {
                    format!("{guess}the modules are {}", modules.join(", "))
                }),
            );
        }
        (!module.is_empty()).then_some(module)
    }

    /// Contingency only: true or false (yes, no, or empty for false).
    fn contingency_only(&mut self) -> Option<bool> {
        match self.cell(15).to_lowercase().as_str() {
            "" | "false" | "no" => Some(false),
            "true" | "yes" => Some(true),
            other => {
                self.say(15, format!("`{other}` is not true or false"), None);
                None
            }
        }
    }

    /// A warning when the Expected column was edited: it is there to read, not read back.
    fn expected_edited(&self, s: &Scenario, id: &str) -> Option<Diagnostic> {
        let column = self.at[EXPECTED]?;
        (self.cell(EXPECTED) != expected(s, id).trim()).then(|| {
            self.place.say(
                self.record,
                column,
                COLUMNS[EXPECTED],
                "this column is not read back: expectations are kept in the scenario file".into(),
                Some(format!(
                    "edit the `expectations` of the scenario for {}",
                    if id.is_empty() { "this inject" } else { id }
                )),
            )
        })
    }

    /// A trigger cell: written as in the scenario file, or a bare time (`D2 07:00`) for
    /// `At("D2 07:00")`, the form a planner types first.
    fn trigger(&mut self, c: usize) -> Option<Trigger> {
        let text = self.cell(c);
        if let Ok(when) = parse_when(&text) {
            return Some(Trigger::At(when));
        }
        self.ron(
            c,
            "a trigger (a time such as D1 09:00, or a form the Lists sheet shows)",
        )
    }

    /// The same for a trigger cell that may be left empty: `Some(None)` when it is.
    fn optional_trigger(&mut self, c: usize) -> Option<Option<Trigger>> {
        if self.cell(c).is_empty() {
            Some(None)
        } else {
            self.trigger(c).map(Some)
        }
    }

    /// The row's inject, or `None` when a cell it needs is wrong (every wrong cell said).
    fn inject(&mut self, id: String, teams: &[&str], modules: &[&str]) -> Option<Inject> {
        let trigger = self.trigger(3);
        let unless = self.optional_trigger(4);
        let only_if = self.optional_trigger(ONLY_IF);
        let delay = self.delay();
        let kind = self.ron::<InjectKind>(6, "Technical, Narrative or Facilitation");
        let channel = self.ron::<InjectChannel>(
            7,
            "a channel (Email, Phone, Media, Social, RansomNote, MinisterialRequest, ThreatFeed, Briefing)",
        );
        let to = self.recipients(teams);
        let module = self.module(modules);
        let decision = self.optional_ron::<Decision>(13, "a decision");
        let effects = self.optional_ron::<Vec<Command>>(14, "a list of commands");
        let contingency_only = self.contingency_only();
        Some(Inject {
            id,
            phase: self.cell(2),
            module,
            trigger: trigger?,
            unless: unless?,
            only_if: only_if?,
            delay: delay?,
            kind: kind?,
            channel: channel?,
            from: self.cell(8),
            to,
            title: self.cell(10),
            body: self.cell(11),
            questions: self
                .cell(12)
                .lines()
                .map(|q| q.trim().to_string())
                .filter(|q| !q.is_empty())
                .collect(),
            effects: effects?.unwrap_or_default(),
            decision: decision?,
            contingency_only: contingency_only?,
        })
    }
}
