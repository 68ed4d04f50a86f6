//! The scenario file's text with its MSEL put back, in the author's own form: an inject the
//! sheet left as it was keeps its text to the byte (layout, comments and all), a changed one
//! has only its changed fields rewritten (a field back at its default is taken out), a new one
//! is written with its defaults left out, a removed one goes but the comments above it stay.
//! Nothing outside the top-level `msel` list is touched.

use std::ops::Range;

use super::ron_text;
use crate::scenario::Inject;

/// The scenario's text with its new MSEL, and where each inject of it now is (to say a
/// problem of the result at the sheet's row that wrote it).
pub struct Spliced {
    pub text: String,
    /// The new text's span of each inject, in the order given.
    pub injects: Vec<Range<usize>>,
    /// The `msel` list's span in the old text and in the new (empty at the insertion point
    /// when the old text had none).
    pub list_before: Range<usize>,
    pub list_after: Range<usize>,
}

impl Spliced {
    /// Where a byte of the new text was in the old one, outside the list (inside it: the
    /// list's start).
    pub fn before(&self, at: usize) -> usize {
        if at < self.list_after.start {
            at
        } else if at >= self.list_after.end {
            at - self.list_after.end + self.list_before.end
        } else {
            self.list_before.start
        }
    }
}

/// The scenario file's text with its `msel` list (whose injects were `old`) made `new`.
pub fn replace_msel(text: &str, old: &[Inject], new: &[Inject]) -> Spliced {
    match msel_span(text) {
        Some(span) => {
            let list = List::read(text, span.clone());
            if list.items.len() == old.len() {
                list.remade(old, new)
            } else {
                List::read(text, span).rewritten(new)
            }
        }
        None => added(text, new),
    }
}

/// A text without an `msel` list gains one before its closing parenthesis.
fn added(text: &str, new: &[Inject]) -> Spliced {
    let close = text.rfind(')').unwrap_or(text.len());
    let head = text[..close].trim_end_matches([' ']);
    let mut out = format!("{head}    msel: [");
    let mut spans = Vec::new();
    for inject in new {
        out.push_str("\n        ");
        let at = out.len();
        out.push_str(&written(inject, "        "));
        spans.push(at..out.len());
        out.push(',');
    }
    out.push_str("\n    ],\n");
    let tail = out.len();
    out.push_str(&text[close..]);
    // What follows the list in the new text stood at `close` in the old.
    Spliced {
        text: out,
        injects: spans,
        list_before: head.len()..close,
        list_after: head.len()..tail,
    }
}

/// The `msel` list of a scenario's text: each item's span, the trivia (blank lines and
/// comments) before it, and whether the last one has a comma after it.
struct List<'t> {
    text: &'t str,
    span: Range<usize>,
    items: Vec<Range<usize>>,
    /// Before each item: the text from the previous comma (or the `[`) to the item.
    leading: Vec<Range<usize>>,
    /// After the last item's comma (or the last item), to the `]`.
    tail: Range<usize>,
    trailing_comma: bool,
}

impl<'t> List<'t> {
    fn read(text: &'t str, span: Range<usize>) -> Self {
        let (open, close) = (span.start, span.end - 1);
        let mut items = Vec::new();
        let mut leading = Vec::new();
        let (mut after, mut depth, mut current): (usize, i32, Option<Range<usize>>) =
            (open + 1, 0, None);
        let mut trailing_comma = false;
        for atom in atoms(text, open + 1..close) {
            match atom.first {
                b',' if depth == 0 => {
                    if let Some(item) = current.take() {
                        leading.push(after..item.start);
                        items.push(item);
                    }
                    after = atom.end;
                    trailing_comma = true;
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                _ => {}
            }
            trailing_comma = false;
            current = Some(match current {
                Some(item) => item.start..atom.end,
                None => atom.start..atom.end,
            });
        }
        if let Some(item) = current.take() {
            leading.push(after..item.start);
            after = item.end;
            items.push(item);
        }
        List {
            text,
            span,
            items,
            leading,
            tail: after..close,
            trailing_comma,
        }
    }

    /// How the list's items are indented (the first item's line), for written injects.
    fn indent(&self) -> String {
        let Some(first) = self.items.first() else {
            return "        ".into();
        };
        let line = self.text[..first.start].rsplit('\n').next().unwrap_or("");
        line.chars().take_while(|c| c.is_whitespace()).collect()
    }

    /// What goes before a new item: the blank lines an item of the list has before it (its
    /// comments left out), else a new line at the items' indent.
    fn new_leading(&self) -> String {
        let indent = self.indent();
        let plain = self
            .leading
            .iter()
            .map(|r| &self.text[r.clone()])
            .rfind(|t| t.contains('\n') && t.trim().is_empty());
        plain.map_or(format!("\n{indent}"), str::to_string)
    }

    /// The list with `new` for `old`, each kept item in its own form.
    fn remade(self, old: &[Inject], new: &[Inject]) -> Spliced {
        let text = self.text;
        let indent = self.indent();
        let kept: Vec<Option<usize>> = new
            .iter()
            .map(|n| old.iter().position(|o| o.id == n.id))
            .collect();
        let removed: Vec<usize> = (0..old.len())
            .filter(|k| !kept.contains(&Some(*k)))
            .collect();
        let mut pending = removed.iter().peekable();
        let mut out = text[..self.span.start + 1].to_string();
        // The comments above a removed item stay where it was, its blank lines do not.
        let comments_above = |out: &mut String, r: usize| {
            let t = &text[self.leading[r].clone()];
            if t.contains('/') {
                out.push_str(t.trim_end_matches([' ', '\t']).trim_end_matches('\n'));
            }
        };
        let mut spans = Vec::new();
        for (n, inject) in new.iter().enumerate() {
            let body = match kept[n] {
                Some(k) => {
                    while let Some(&&r) = pending.peek() {
                        if r > k {
                            break;
                        }
                        comments_above(&mut out, r);
                        pending.next();
                    }
                    out.push_str(&text[self.leading[k].clone()]);
                    let item = self.items[k].clone();
                    if same(&old[k], inject) {
                        text[item].to_string()
                    } else {
                        Fields::read(text, item.clone())
                            .map_or_else(|| written(inject, &indent), |f| f.remade(&old[k], inject))
                    }
                }
                None => {
                    out.push_str(&self.new_leading());
                    written(inject, &indent)
                }
            };
            let at = out.len();
            out.push_str(&body);
            spans.push(at..out.len());
            if n + 1 < new.len() || self.trailing_comma || self.items.is_empty() {
                out.push(',');
            }
        }
        for &r in pending {
            comments_above(&mut out, r);
        }
        let tail = &text[self.tail.clone()];
        if self.items.is_empty() && !new.is_empty() && !tail.contains('\n') {
            out.push_str("\n    ");
        }
        out.push_str(tail);
        let list_end = out.len() + 1;
        out.push_str(&text[self.span.end - 1..]);
        Spliced {
            text: out,
            injects: spans,
            list_before: self.span.clone(),
            list_after: self.span.start..list_end,
        }
    }

    /// The list written afresh (its items could not be matched to the injects read).
    fn rewritten(self, new: &[Inject]) -> Spliced {
        let empty = List {
            items: Vec::new(),
            leading: Vec::new(),
            tail: self.span.end - 1..self.span.end - 1,
            ..self
        };
        empty.remade(&[], new)
    }
}

/// Whether two injects say the same, whatever their text.
fn same(a: &Inject, b: &Inject) -> bool {
    FIELDS
        .iter()
        .all(|f| field_value(f, a).0 == field_value(f, b).0)
}

/// An inject's fields in the order the scenario format lists them.
const FIELDS: [&str; 17] = [
    "id",
    "phase",
    "module",
    "trigger",
    "unless",
    "only_if",
    "delay",
    "kind",
    "channel",
    "from",
    "to",
    "title",
    "body",
    "questions",
    "effects",
    "decision",
    "contingency_only",
];

/// The fields an inject cannot do without (never left out).
const REQUIRED: [&str; 5] = ["id", "trigger", "kind", "channel", "title"];

/// A field's value as RON text, and whether it is the field's default (and so left out of a
/// written inject).
fn field_value(field: &str, i: &Inject) -> (String, bool) {
    match field {
        "id" => (ron_text(&i.id), false),
        "phase" => (ron_text(&i.phase), i.phase.is_empty()),
        "module" => (ron_text(&i.module), i.module.is_none()),
        "trigger" => (ron_text(&i.trigger), false),
        "unless" => (ron_text(&i.unless), i.unless.is_none()),
        "only_if" => (ron_text(&i.only_if), i.only_if.is_none()),
        "delay" => (ron_text(&i.delay), i.delay.0 == 0),
        "kind" => (ron_text(&i.kind), false),
        "channel" => (ron_text(&i.channel), false),
        "from" => (ron_text(&i.from), i.from.is_empty()),
        "to" => (ron_text(&i.to), i.to.is_empty()),
        "title" => (ron_text(&i.title), false),
        "body" => (ron_text(&i.body), i.body.is_empty()),
        "questions" => (ron_text(&i.questions), i.questions.is_empty()),
        "effects" => (ron_text(&i.effects), i.effects.is_empty()),
        "decision" => (ron_text(&i.decision), i.decision.is_none()),
        _ => (ron_text(&i.contingency_only), !i.contingency_only),
    }
}

/// A list of texts (`to`, `questions`) in the form `like` has: one per line at its indent
/// when it spans lines, on one line otherwise.
fn texts_like(like: &str, texts: &[String], value: String) -> String {
    let Some((_, rest)) = like.split_once('\n') else {
        return value;
    };
    let indent: String = rest
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let close: String = like
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let items: String = texts
        .iter()
        .map(|t| format!("{indent}{},\n", ron_text(t)))
        .collect();
    format!("[\n{items}{close}]")
}

/// A new inject as an author would write it: its id first, then each field that is not its
/// default on a line of its own.
fn written(inject: &Inject, indent: &str) -> String {
    let inner = format!("{indent}    ");
    let mut out = format!("Inject(id: {}", ron_text(&inject.id));
    for field in &FIELDS[1..] {
        let (value, default) = field_value(field, inject);
        if default {
            continue;
        }
        let value = match *field {
            "questions" => texts_like(
                &format!("[\n{inner}    \n{inner}]"),
                &inject.questions,
                value,
            ),
            _ => value,
        };
        out.push_str(&format!(",\n{inner}{field}: {value}"));
    }
    out.push(')');
    out
}

/// An inject's text taken apart at its fields: what comes before the first, each field's
/// span (name to the end of its value) and what separates it from the previous one.
struct Fields<'t> {
    text: &'t str,
    item: Range<usize>,
    /// Each field: its name, the span from its name to its value's end, where its value starts.
    fields: Vec<(String, Range<usize>, usize)>,
    /// The `)` that closes the inject.
    close: usize,
}

impl<'t> Fields<'t> {
    /// The fields of `Inject(...)` (or an unnamed `(...)`); `None` if the text is not one.
    fn read(text: &'t str, item: Range<usize>) -> Option<Self> {
        let atoms = atoms(text, item.clone());
        let open = atoms.iter().position(|a| a.first == b'(')?;
        let close = atoms.last().filter(|a| a.first == b')')?.start;
        let mut fields: Vec<(String, Range<usize>, usize)> = Vec::new();
        let (mut depth, mut k) = (0i32, open + 1);
        while k < atoms.len() - 1 {
            let a = &atoms[k];
            if depth == 0 && atoms.get(k + 1).is_some_and(|c| c.first == b':') {
                let value = atoms.get(k + 2)?.start;
                fields.push((text[a.start..a.end].to_string(), a.start..a.end, value));
                k += 2;
                continue;
            }
            match a.first {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    k += 1;
                    continue;
                }
                _ => {}
            }
            if let Some(field) = fields.last_mut() {
                field.1.end = a.end;
            }
            k += 1;
        }
        Some(Fields {
            text,
            item,
            fields,
            close,
        })
    }

    /// The inject's text with each changed field rewritten, a field now at its default taken
    /// out (with the separator before it), a field no longer at its default put after the
    /// field before it in the format's order; the rest, comments included, as it was.
    fn remade(&self, old: &Inject, new: &Inject) -> String {
        let text = self.text;
        let first = self.fields.first().map_or(self.close, |f| f.1.start);
        let mut out = text[self.item.start..first].to_string();
        let present: Vec<&str> = self.fields.iter().map(|f| f.0.as_str()).collect();
        // Fields the text lacks, each after the nearest field before it in FIELDS that it has.
        let missing = |after: &str| -> Vec<&str> {
            let from = FIELDS.iter().position(|f| *f == after).map_or(0, |p| p + 1);
            FIELDS[from..]
                .iter()
                .take_while(|f| !present.contains(f))
                .copied()
                .collect()
        };
        let mut previous_end: Option<usize> = None;
        for (name, span, value_start) in &self.fields {
            let separator = previous_end.map_or("", |end| &text[end..span.start]);
            previous_end = Some(span.end);
            let known = FIELDS.contains(&name.as_str());
            let (value, default) = field_value(name, new);
            let unchanged = !known || field_value(name, old).0 == value;
            if !unchanged && default && !REQUIRED.contains(&name.as_str()) {
                // Left out; were it the first field, its separator is the next one's.
                if out.len() == first - self.item.start {
                    previous_end = None;
                }
                continue;
            }
            let was = &text[*value_start..span.end];
            out.push_str(separator);
            if unchanged {
                out.push_str(&text[span.clone()]);
            } else {
                let value = match name.as_str() {
                    "to" => texts_like(was, &new.to, value),
                    "questions" => texts_like(was, &new.questions, value),
                    _ => value,
                };
                out.push_str(&text[span.start..*value_start]);
                out.push_str(&value);
            }
            for extra in missing(name) {
                let (value, default) = field_value(extra, new);
                if !default {
                    out.push_str(&format!(", {extra}: {value}"));
                }
            }
        }
        out.push_str(&text[previous_end.unwrap_or(first)..self.item.end]);
        out
    }
}

/// A piece of RON that matters: a string or character literal, a bracket, a comma or a colon,
/// or a run of anything else (a name, a number), with comments and white space stepped over.
struct Atom {
    start: usize,
    end: usize,
    first: u8,
}

fn atoms(text: &str, range: Range<usize>) -> Vec<Atom> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let c = b[i];
        if let Some(end) = crate::scenario::past_comment_or_literal(b, i) {
            if c != b'/' {
                out.push(Atom {
                    start: i,
                    end,
                    first: c,
                });
            }
            i = end;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if b"()[]{},:".contains(&c) {
            out.push(Atom {
                start: i,
                end: i + 1,
                first: c,
            });
            i += 1;
        } else {
            let start = i;
            while i < range.end && !b[i].is_ascii_whitespace() && !b"()[]{},:\"/".contains(&b[i]) {
                i += 1;
            }
            if i == start {
                i += 1;
            }
            out.push(Atom {
                start,
                end: i,
                first: c,
            });
        }
    }
    out
}

/// Where the top-level `msel` list's brackets are (start of `[` to just after `]`).
fn msel_span(text: &str) -> Option<Range<usize>> {
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
                    return Some(s..i + 1);
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

    fn load(text: &str) -> crate::scenario::Plan {
        load_source(
            &Source {
                name: "x.ron".into(),
                text: text.to_string(),
                dir: None,
            },
            &[],
        )
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

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
        let replaced = replace_msel(&text, &plan.scenario.msel, &new).text;
        assert!(replaced.contains("// msel: [ a comment ]"), "{replaced}");
        let loaded = load(&replaced);
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
        let added = replace_msel(&bare, &[], &plan.scenario.msel);
        assert_eq!(load(&added.text).scenario.msel[0].id, "OLD");
        assert!(added.text[added.injects[0].clone()].starts_with("Inject(id: \"OLD\""));
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

    /// The author's form survives the sheet: an inject left alone keeps its text to the byte,
    /// a changed one only its changed fields (a field back at its default goes, a new one
    /// comes after its neighbour in the format's order), a new one is written without its
    /// defaults, a removed one takes its blank lines but not the comments above it.
    #[test]
    fn only_what_the_sheet_changed_is_rewritten() {
        let msel = r#"msel: [
        // ---- Move 1
        Inject(id: "I1", phase: "Move 1", trigger: At("D1 09:00"), delay: "0m",
            kind: Narrative, channel: Email, // by email, as in real life
            to: ["t"],
            title: "One",
            questions: [
                "First?",
                "Second?",
            ],
            effects: [], decision: None),

        // ---- Move 2: the second inject's own comment
        Inject(id: "I2", trigger: At("D1 10:00"), kind: Narrative, channel: Phone,
            to: ["t"], title: "Two", body: "Call."),

        Inject(id: "I3", trigger: Inject("I1"), delay: "30m", kind: Narrative, channel: Email, title: "Three"),
    ]"#;
        let region = TinyRegion::new()
            .island("A", false, false)
            .team_with("t", "Leadership", Some("A"), "")
            .field(msel);
        let text = region.ron();
        let old = region.plan().scenario.msel.clone();
        // Unchanged: the same bytes.
        assert_eq!(replace_msel(&text, &old, &old).text, text);
        // I1's title and questions changed, its delay given, its body still empty; I2 gone;
        // I3 back to no delay; I4 new.
        let mut new = old.clone();
        new[0].title = "One, edited".into();
        new[0].questions = vec!["Only?".into()];
        new[0].unless = Some(crate::scenario::Trigger::Inject("I3".into()));
        new[2].delay = crate::time::Span(0);
        let mut fourth = new[2].clone();
        fourth.id = "I4".into();
        fourth.title = "Four".into();
        new.remove(1);
        new.push(fourth);
        let spliced = replace_msel(&text, &old, &new);
        let out = &spliced.text;
        let expected = text
            .replace(r#""One","#, r#""One, edited","#)
            .replace(
                "[\n                \"First?\",\n                \"Second?\",\n            ]",
                "[\n                \"Only?\",\n            ]",
            )
            .replace(
                r#"trigger: At("D1 09:00"), delay"#,
                r##"trigger: At("D1 09:00"), unless: Some(Inject("I3")), delay"##,
            )
            .replace(
                "\n\n        // ---- Move 2: the second inject's own comment\n        Inject(id: \"I2\", trigger: At(\"D1 10:00\"), kind: Narrative, channel: Phone,\n            to: [\"t\"], title: \"Two\", body: \"Call.\"),",
                "\n\n        // ---- Move 2: the second inject's own comment",
            )
            .replace(r#", delay: "30m", kind"#, ", kind")
            .replace(
                "title: \"Three\"),\n",
                "title: \"Three\"),\n\n        Inject(id: \"I4\",\n            trigger: Inject(\"I1\"),\n            kind: Narrative,\n            channel: Email,\n            title: \"Four\"),\n",
            );
        assert_eq!(out, &expected);
        let loaded = load(out);
        let ids: Vec<&str> = loaded.scenario.msel.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["I1", "I3", "I4"]);
        assert!(same(&loaded.scenario.msel[0], &new[0]));
        // Each inject's span is where its text now is; what follows the list maps back.
        for (span, inject) in spliced.injects.iter().zip(&new) {
            assert!(out[span.clone()].starts_with(&format!("Inject(id: \"{}\"", inject.id)));
        }
        let after = out.rfind("objectives").unwrap_or(out.len() - 1);
        assert_eq!(
            &text[spliced.before(after)..],
            &out[after..],
            "positions after the list map back to the old text"
        );
    }
}
