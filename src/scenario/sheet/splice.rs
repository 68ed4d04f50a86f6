//! The scenario file's text with its MSEL put back: only the top-level `msel` list is
//! replaced, so the author's comments, layout and every other field stay as they were.

use super::ron_text;
use crate::scenario::Inject;

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
    use super::super::{export_csv, export_xlsx, import_csv, import_workbook};
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
}
