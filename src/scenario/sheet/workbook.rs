//! The MSEL written as an XLSX workbook: the `MSEL` sheet the planner edits (header frozen and
//! filtered, long text wrapped, drop-down lists where the values are fixed) and a `Lists`
//! sheet to read beside it (the teams, the modules, the trigger forms a cell may name).

use rust_xlsxwriter::{Color, DataValidation, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::{COLUMNS, EXPECTED, ONLY_IF, SHEET, row};
use crate::scenario::Scenario;

/// Column widths in characters, in `COLUMNS` order: ids narrow, prose wide.
const WIDTHS: [f64; 18] = [
    7.0, 10.0, 14.0, 30.0, 18.0, 7.0, 11.0, 13.0, 18.0, 22.0, 32.0, 60.0, 45.0, 40.0, 30.0, 10.0,
    24.0, 45.0,
];

/// The columns whose text is long enough to wrap.
const WRAPPED: [usize; 9] = [3, 4, 10, 11, 12, 13, 14, ONLY_IF, EXPECTED];

/// The inject kinds and channels, for the drop-down lists.
const KINDS: [&str; 3] = ["Technical", "Narrative", "Facilitation"];
const CHANNELS: [&str; 8] = [
    "Email",
    "Phone",
    "Media",
    "Social",
    "RansomNote",
    "MinisterialRequest",
    "ThreatFeed",
    "Briefing",
];

fn fail(e: XlsxError) -> String {
    format!("writing the workbook: {e}")
}

/// The cells' formats: the header's, wrapped text, and the rest aligned to the top.
struct Formats {
    header: Format,
    wrap: Format,
    top: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDCE6F1))
                .set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            top: Format::new().set_align(FormatAlign::Top),
        }
    }
}

/// The scenario's MSEL as an XLSX workbook: the `MSEL` sheet (header frozen and filtered,
/// long text wrapped, drop-down lists where the values are fixed) and a `Lists` sheet of the
/// teams, modules and trigger forms the cells may name.
pub fn export_xlsx(s: &Scenario) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let formats = Formats::new();
    msel_sheet(book.add_worksheet(), s, &formats)?;
    lists_sheet(book.add_worksheet(), s, &formats)?;
    book.save_to_buffer().map_err(fail)
}

/// The `MSEL` sheet: the header row, a row per inject, the drop-down lists.
fn msel_sheet(sheet: &mut Worksheet, s: &Scenario, formats: &Formats) -> Result<(), String> {
    sheet.set_name(SHEET).map_err(fail)?;
    for (c, name) in COLUMNS.iter().enumerate() {
        let c16 = c as u16;
        sheet.set_column_width(c16, WIDTHS[c]).map_err(fail)?;
        sheet
            .write_string_with_format(0, c16, *name, &formats.header)
            .map_err(fail)?;
    }
    for (r, inject) in s.msel.iter().enumerate() {
        for (c, cell) in row(s, inject).into_iter().enumerate() {
            let format = if WRAPPED.contains(&c) {
                &formats.wrap
            } else {
                &formats.top
            };
            sheet
                .write_string_with_format(r as u32 + 1, c as u16, cell, format)
                .map_err(fail)?;
        }
    }
    sheet.set_freeze_panes(1, 1).map_err(fail)?;
    sheet
        .autofilter(0, 0, s.msel.len() as u32, COLUMNS.len() as u16 - 1)
        .map_err(fail)?;
    drop_down_lists(sheet, s)
}

/// Drop-down lists where a cell's values are fixed (module, kind, channel, contingency only),
/// down to 200 rows past the last inject, so the rows a planner adds have them too.
fn drop_down_lists(sheet: &mut Worksheet, s: &Scenario) -> Result<(), String> {
    let last = (s.msel.len() as u32).max(1) + 200;
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
    list(6, KINDS.map(String::from).to_vec(), "the kinds are")?;
    list(7, CHANNELS.map(String::from).to_vec(), "the channels are")?;
    list(15, vec!["true".into(), "false".into()], "true or false")
}

/// The `Lists` sheet, to read beside the MSEL: the teams an inject may go to, the modules,
/// and how a trigger is written.
fn lists_sheet(lists: &mut Worksheet, s: &Scenario, formats: &Formats) -> Result<(), String> {
    let Formats { header, top, .. } = formats;
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
    line(&["Team (To)", "Name", "Kind", "Island"], header)?;
    for t in &s.teams {
        let kind = format!("{:?}", t.kind);
        line(
            &[
                &t.id,
                &t.name,
                &kind,
                t.island.as_deref().unwrap_or("regional"),
            ],
            top,
        )?;
    }
    line(&[], top)?;
    line(&["Module", "Title"], header)?;
    for m in &s.modules {
        line(&[&m.id, &m.title], top)?;
    }
    line(&[], top)?;
    line(&["Trigger (as in the scenario file)", "Means"], header)?;
    for (form, means) in TRIGGER_FORMS {
        line(&[form, means], top)?;
    }
    lists.set_column_width(0, 34.0).map_err(fail)?;
    lists.set_column_width(1, 60.0).map_err(fail)?;
    Ok(())
}

/// How a trigger cell is written, for the `Lists` sheet.
const TRIGGER_FORMS: &[(&str, &str)] = &[
    (
        "D1 09:00",
        "at a time on the exercise clock (the same as At(\"D1 09:00\"))",
    ),
    ("At(\"D1 09:00\")", "at a time on the exercise clock"),
    (
        "FirstIncident(\"LC\")",
        "when the first incident is opened on an island",
    ),
    (
        "RansomNote(\"LC\")",
        "when the first ransom note is found on an island (or name an organisation)",
    ),
    (
        "Compromised(\"org-id\")",
        "when the attackers take their first host of an organisation (or in a campaign)",
    ),
    (
        "DataStolen(\"org-id\")",
        "when the attackers first take data out of an organisation (or in a campaign)",
    ),
    (
        "Encrypted(\"org-id\")",
        "when the attackers first encrypt hosts of an organisation (or in a campaign)",
    ),
    (
        "IncidentOpened(team: \"team-id\", about: \"org-id\")",
        "when a team opens its first incident about an organisation (or a campaign)",
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
        "when the first incident on an island (or about an organisation, or of a campaign) is contained",
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

#[cfg(test)]
mod tests {
    use super::super::{import_csv, replace_msel};
    use crate::scenario::testkit::TinyRegion;
    use crate::scenario::{Source, load_source};

    /// Every form the Lists sheet shows is a trigger cell the sheet reads and the scenario then
    /// accepts, once its placeholders name what a scenario declares.
    #[test]
    fn the_lists_sheet_shows_only_triggers_that_validate() {
        let region = TinyRegion::new()
            .island("LC", false, false)
            .org("org-id", "LC", 5, 1.0, 0.5)
            .service("service-id", "org-id", &["org-id/ws"], &[])
            .campaign(
                "campaign-id",
                "D1 09:00",
                r#"Organisation("org-id")"#,
                &["T1078"],
            )
            .csirt("team-id", "LC")
            .field(r#"msel: [Inject(id: "I03", trigger: Manual, kind: Narrative, channel: Email, title: "x")]"#);
        let plan = region.plan();
        for (form, _) in super::TRIGGER_FORMS
            .iter()
            .filter(|(f, _)| !f.contains("..."))
        {
            let cell = form.replace('"', "\"\"");
            let csv = format!(
                "ID,Trigger,Kind,Channel,Title\nI03,Manual,Narrative,Email,x\nX,\"{cell}\",Narrative,Email,x\n"
            );
            let read =
                import_csv("m.csv", &csv, &plan.scenario).unwrap_or_else(|e| panic!("{form}: {e}"));
            let text = replace_msel(&region.ron(), &plan.scenario.msel, &read.injects).text;
            let source = Source {
                name: "x.ron".into(),
                text,
                dir: None,
            };
            load_source(&source, &[]).unwrap_or_else(|e| panic!("{form}: {e}"));
        }
    }

    /// The Lists sheet names every kind of trigger there is (the format's own list of them,
    /// as an unknown one is answered).
    #[test]
    fn the_lists_sheet_names_every_trigger() {
        let err = ron::from_str::<crate::scenario::Trigger>("Nothing").unwrap_err();
        let ron::Error::NoSuchEnumVariant { expected, .. } = err.code else {
            panic!("{err}");
        };
        for variant in expected {
            assert!(
                super::TRIGGER_FORMS
                    .iter()
                    .any(|(f, _)| f.starts_with(variant) || f.contains(&format!("[{variant}("))),
                "{variant} is not on the Lists sheet"
            );
        }
    }
}
