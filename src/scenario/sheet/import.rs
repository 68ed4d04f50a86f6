//! A sheet's file read into rows: a CSV file, or a workbook's `MSEL` sheet, each cell as the
//! planner typed it, each row numbered as the planner's tool numbers it.

use std::io::Cursor;

use calamine::{Data, Reader};

use super::rows::import_rows;
use super::{SHEET, restored};
use crate::scenario::ids::nearest_name;
use crate::scenario::{Diagnostic, Inject, LoadError, Scenario};

/// Where a cell is, said the way the planner's tool numbers it.
pub(super) enum Place<'a> {
    /// A CSV file: `file:line:col` (a text editor's), then the sheet's row and column.
    Csv { file: &'a str },
    /// A workbook: the sheet, row and column, as the spreadsheet shows them.
    Workbook { file: &'a str, sheet: &'a str },
}

/// One row of the sheet: its number as the planner sees it, the line it starts on (CSV) and
/// its cells.
pub(super) struct SheetRow {
    pub(super) row: usize,
    pub(super) line: usize,
    pub(super) cells: Vec<String>,
}

/// Where an inject's row is in the sheet, kept to say a problem found later (once the
/// scenario with the new MSEL is checked) at the row that wrote it.
#[derive(Clone, Debug)]
pub struct RowAt {
    file: String,
    /// The CSV line the row starts on; 0 in a workbook (the message names sheet and row).
    line: usize,
    /// `row 7`, or `sheet MSEL, row 7`.
    label: String,
}

impl RowAt {
    pub fn say(&self, message: String, help: Option<String>) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line: self.line,
            col: usize::from(self.line > 0),
            message: format!("{}: {message}", self.label),
            help,
        }
    }
}

impl Place<'_> {
    pub(super) fn row_at(&self, at: &SheetRow) -> RowAt {
        match self {
            Place::Csv { file } => RowAt {
                file: file.to_string(),
                line: at.line,
                label: format!("row {}", at.row),
            },
            Place::Workbook { file, sheet } => RowAt {
                file: file.to_string(),
                line: 0,
                label: format!("sheet {sheet}, row {}", at.row),
            },
        }
    }

    pub(super) fn say(
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

/// What an import read: the injects, and what it noticed but did not stop for.
#[derive(Debug)]
pub struct Imported {
    pub injects: Vec<Inject>,
    /// Where each inject's row is, in the same order.
    pub rows: Vec<RowAt>,
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
pub(super) fn column_letter(mut c: usize) -> String {
    let mut name = String::new();
    loop {
        name.insert(0, (b'A' + (c % 26) as u8) as char);
        if c < 26 {
            return name;
        }
        c = c / 26 - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

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
}
