//! Diagnostics while validating: each points at the item (and field, or quoted value) at fault.

use super::super::ids::IdIndex;
use super::super::{Diagnostic, LoadError, Source, find_field, find_item, find_nth_item, line_col};

/// Collects diagnostics, each pointing at the item (and field) at fault.
pub(super) struct Check<'a> {
    source: &'a Source,
    pub(super) found: Vec<Diagnostic>,
}

impl<'a> Check<'a> {
    pub(super) fn new(source: &'a Source) -> Self {
        Check {
            source,
            found: Vec::new(),
        }
    }

    /// All is well, or every problem found, in file order.
    pub(super) fn finish(&mut self) -> Result<(), LoadError> {
        if self.found.is_empty() {
            return Ok(());
        }
        let mut found = std::mem::take(&mut self.found);
        found.sort_by_key(|d| (d.line, d.col));
        found.dedup();
        Err(LoadError(found))
    }

    fn push(&mut self, pos: usize, message: String, help: Option<String>) {
        let (line, col) = line_col(&self.source.text, pos);
        self.found.push(Diagnostic {
            file: self.source.name.clone(),
            line,
            col,
            message,
            help,
        });
    }

    /// Points at `field` of the item `id` in `list` (or at the item, or the list).
    pub(super) fn at(
        &mut self,
        list: &str,
        id: &str,
        field: Option<&str>,
        message: String,
        help: Option<String>,
    ) {
        let text = &self.source.text;
        let item = find_item(text, list, id).or_else(|| find_field(text, 0, list));
        let pos = match (item, field) {
            (Some(i), Some(f)) => find_field(text, i + 1, f)
                .filter(|p| {
                    // Only accept the field if it belongs to this item, i.e. comes before the next `id:`.
                    find_field(text, i + 1, "id").is_none_or(|next| *p < next)
                })
                .unwrap_or(i),
            (Some(i), None) => i,
            (None, _) => 0,
        };
        self.push(pos, message, help);
    }

    /// Points at a quoted value (a reference) inside the item, e.g. the `"XX"` of `island: "XX"`.
    pub(super) fn at_value(
        &mut self,
        list: &str,
        id: &str,
        value: &str,
        message: String,
        help: Option<String>,
    ) {
        let text = &self.source.text;
        let quoted = format!("\"{value}\"");
        let pos =
            find_item(text, list, id).and_then(|i| text[i + 1..].find(&quoted).map(|p| p + i + 1));
        match pos {
            Some(pos) => self.push(pos, message, help),
            None => self.at(list, id, None, message, help),
        }
    }

    /// Points at `field` of the nested item `sub` (a host group) inside the item `id`.
    pub(super) fn at_sub(
        &mut self,
        list: &str,
        id: &str,
        sub: &str,
        field: &str,
        message: String,
        help: Option<String>,
    ) {
        let text = &self.source.text;
        let quoted = format!("\"{sub}\"");
        let pos = find_item(text, list, id)
            .and_then(|i| text[i + 1..].find(&quoted).map(|p| p + i + 1))
            .and_then(|g| find_field(text, g, field));
        match pos {
            Some(pos) => self.push(pos, message, help),
            None => self.at(list, id, Some(field), message, help),
        }
    }

    /// Resolves a reference from item `item` of `list`; an unknown one is reported at the quoted
    /// value as "`{what}` {kind} `{value}`, which is not declared", with the nearest id and the
    /// known ones.
    pub(super) fn reference<I: From<u32>>(
        &mut self,
        (list, item): (&str, &str),
        what: &str,
        ids: &IdIndex<I>,
        value: &str,
    ) -> Option<I> {
        match ids.resolve(value) {
            Ok(ix) => Some(ix),
            Err(e) => {
                let message = format!("{what} {} `{value}`, which is not declared", e.kind);
                self.at_value(list, item, value, message, Some(e.help()));
                None
            }
        }
    }

    /// A share (0..1) or a complaint at the field.
    pub(super) fn share(&mut self, list: &str, id: &str, field: &str, v: f64) {
        if !(0.0..=1.0).contains(&v) || v.is_nan() {
            self.at(
                list,
                id,
                Some(field),
                format!("`{field}` is {v}, but it is a share between 0 and 1"),
                Some("write e.g. 0.6 for 60%".into()),
            );
        }
    }

    /// Zero or more, and finite, or a complaint at the field.
    pub(super) fn not_negative(&mut self, list: &str, id: &str, field: &str, v: f64) {
        if !v.is_finite() || v < 0.0 {
            self.at(
                list,
                id,
                Some(field),
                format!("`{field}` is {v}; it must be zero or more"),
                None,
            );
        }
    }

    /// Each id declared once; a repeat is reported at the repeat, naming the first. Whether
    /// any id was repeated (what refers to it would be ambiguous).
    pub(super) fn unique<'i>(&mut self, list: &str, ids: impl Iterator<Item = &'i str>) -> bool {
        let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
        let mut repeated = false;
        for id in ids {
            let copies = seen.entry(id).or_default();
            *copies += 1;
            if *copies == 1 {
                continue;
            }
            repeated = true;
            let text = &self.source.text;
            let first = find_item(text, list, id).map(|p| line_col(text, p).0);
            let message = match first {
                Some(line) => {
                    format!("`{id}` is declared again in `{list}` (first at line {line})")
                }
                None => format!("`{id}` is declared twice in `{list}`"),
            };
            let help = Some("give each item its own id".to_string());
            match find_nth_item(text, list, id, *copies - 1) {
                Some(pos) => self.push(pos, message, help),
                None => self.at(list, id, None, message, help),
            }
        }
        repeated
    }
}
