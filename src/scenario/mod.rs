//! Scenario files: the RON format, loading with positioned diagnostics, `--set` overrides,
//! semantic validation, and expansion into a [`Plan`] the simulation spawns from.

pub mod catalog;
pub mod command;
pub mod defaults;
pub mod format;
pub mod gazetteer;
pub mod ids;
pub mod indicators;
pub mod msel;
mod overrides;
mod plan;
mod renamed;
pub mod sheet;
pub mod stable_hash;
pub mod starter;
#[cfg(test)]
pub mod testkit;

use std::fmt;
use std::path::{Path, PathBuf};

pub use catalog::{Catalog, Effect, Tactic, Technique};
pub use command::{
    Action, Audience, Command, Findings, Issued, Listeners, Order, Pace, Recipients,
    STATEMENT_MAX_CHARS, Timed, commands_from, load_commands,
};
// The format's names, the MSEL's and the plan's, said one by one so a reader sees where each
// lives (no glob re-exports).
pub use defaults::{Defaults, default_interruption_weights};
pub use format::{
    AssistancePolicy, Backups, Campaign, Disruption, DisruptionKind, FORMAT_VERSION, Feed,
    HostGroup, HostKind, IntelPolicy, Investigation, Island, Link, LinkKind, Organisation,
    Platform, Scenario, Sector, Service, Shift, Stage, Target, Team, TeamKind, ThreatActor, Tlp,
};
pub use msel::{
    Check, Decision, DecisionOption, Expectation, Inject, InjectChannel, InjectKind, LiveInject,
    Module, Objective, Trigger, live_id, live_index, parse_live_id,
};
pub use overrides::apply_overrides;
pub use plan::{
    CampaignPlan, CheckPlan, DecisionPlan, DisruptionPlan, ExpectationPlan, GroupPlan, InjectPlan,
    IslandClock, IslandPlan, MAX_FALSE_ALERTS_PER_HOST_DAY, MAX_HOSTS, MAX_LOANED_ANALYSTS,
    MAX_TECHNIQUE_ATTEMPTS, ModulePlan, OrgPlan, Plan, RansomwareReach, ServicePlan, StagePlan,
    Subject, TeamPlan, TriggerPlan, WhenPlan, lint,
};

/// Scenarios shipped inside the binary, so `tidewatch` works from any directory.
pub const EMBEDDED_SCENARIOS: &[(&str, &str)] = &[
    (
        "eastern-caribbean",
        include_str!("../../scenarios/eastern-caribbean.ron"),
    ),
    ("tutorial", include_str!("../../scenarios/tutorial.ron")),
    (
        "tabletop-ransomware",
        include_str!("../../scenarios/tabletop-ransomware.ron"),
    ),
];
pub const DEFAULT_SCENARIO: &str = "eastern-caribbean";
pub const EMBEDDED_CATALOG: &str = include_str!("../../assets/techniques.ron");
/// The shipped catalog's first edition, frozen: journals recorded with it replay with it.
pub const EMBEDDED_CATALOG_1: &str = include_str!("../../assets/techniques-1.ron");
/// The edition of the shipped `techniques.ron` (a journal records it; 1 when it does not).
pub const CATALOG_EDITION: u32 = 2;
/// Larger files are refused before parsing: no real scenario comes near it.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// One thing wrong with an input file, with where it is and how to fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based; 0 when the message itself names the place (a workbook's sheet, row and column).
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// `file:line:col`, or the file alone when the message names the place (line 0).
    fn place(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.col)
        }
    }

    /// The same, said as a warning: the scenario loads, but probably not as meant.
    pub fn as_warning(&self) -> String {
        let mut out = format!("{}: warning: {}", self.place(), self.message);
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  help: {help}"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            // A place a text editor cannot jump to (a workbook's sheet, row and column): the
            // message names it, as the planner's spreadsheet does.
            write!(f, "{}: {}", self.file, self.message)?;
        } else {
            write!(f, "{}: error: {}", self.place(), self.message)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Everything that stops a scenario from loading; each entry already names its place.
#[derive(Debug)]
pub struct LoadError(pub Vec<Diagnostic>);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    fn one(
        file: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        LoadError(vec![Diagnostic {
            file: file.into(),
            line,
            col,
            message: message.into(),
            help,
        }])
    }
}

/// A scenario's text and where it came from (a path, or `embedded:<name>`).
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
    pub dir: Option<PathBuf>,
}

impl Source {
    /// A path on disk always wins; otherwise an embedded scenario by name (`tutorial`,
    /// `tutorial.ron` or `scenarios/tutorial.ron`).
    pub fn resolve(arg: &str) -> Result<Source, LoadError> {
        let path = Path::new(arg);
        if path.exists() {
            return Source::read(path);
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or(arg);
        if let Some((name, text)) = EMBEDDED_SCENARIOS.iter().find(|(n, _)| *n == stem) {
            return Ok(Source {
                name: format!("embedded:{name}"),
                text: text.to_string(),
                dir: None,
            });
        }
        let known: Vec<&str> = EMBEDDED_SCENARIOS.iter().map(|(n, _)| *n).collect();
        Err(LoadError::one(
            arg,
            1,
            1,
            "no such file, and no shipped scenario by that name",
            Some(format!(
                "give a path to a .ron file, or one of: {}",
                known.join(", ")
            )),
        ))
    }

    pub fn read(path: &Path) -> Result<Source, LoadError> {
        let name = path.display().to_string();
        let bytes = read_bounded(path).map_err(|m| LoadError::one(&name, 1, 1, m, None))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let (line, col) = line_col(
                &String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]),
                usize::MAX,
            );
            LoadError::one(
                &name,
                line,
                col,
                "the file is not valid UTF-8 text",
                Some("save it as UTF-8".into()),
            )
        })?;
        Ok(Source {
            name,
            text,
            dir: path.parent().map(Path::to_path_buf),
        })
    }
}

/// The bytes of an input file (a scenario, a command file, a sheet, a batch's rows): only a
/// regular file, and only up to `MAX_FILE_BYTES`, so `/dev/zero`, a pipe that never ends or
/// a runaway file cannot eat the machine's memory. The size is checked while reading, not
/// only from the metadata (a file can grow, and a device reports no size).
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(format!(
            "not a regular file ({}); give the path of a file",
            if meta.is_dir() {
                "a directory"
            } else {
                "a device, pipe or socket"
            }
        ));
    }
    let too_big = || {
        format!(
            "the file is over {} MB, the most tidewatch reads; no real scenario, command file or sheet comes near it",
            MAX_FILE_BYTES / (1024 * 1024)
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Parses RON into `T`, turning ron's error into a positioned diagnostic.
pub fn parse_ron<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, LoadError> {
    ron::Options::default()
        .from_str(text)
        .map_err(|e: ron::error::SpannedError| {
            let (line, col) = (e.span.start.line.max(1), e.span.start.col.max(1));
            let mut help = ron_help(&e.code);
            let mut message = e.code.to_string();
            if e.code == ron::Error::IntegerOutOfBounds {
                // ron says only "Integer is out of bounds": name the field it belongs to.
                let field = field_before(text, line, col);
                message = match field {
                    Some(f) => format!("`{f}` is out of range for a whole number of 0 or more"),
                    None => "a number is out of range for a whole number of 0 or more".into(),
                };
                help = Some("counts and sizes are whole numbers, never negative".into());
            }
            LoadError::one(file, line, col, message, help)
        })
}

/// The name of the field whose value sits at `line`:`col` (1-based): the nearest `name:` before
/// it on the same line.
fn field_before(text: &str, line: usize, col: usize) -> Option<String> {
    let row = text.lines().nth(line - 1)?;
    let before: String = row.chars().take(col.saturating_sub(1)).collect();
    let colon = before
        .trim_end()
        .strip_suffix(':')
        .map(str::trim_end)
        .or_else(|| {
            let at = before.rfind(':')?;
            Some(before[..at].trim_end())
        })?;
    let name: String = colon
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!name.is_empty()).then_some(name)
}

/// "did you mean `X`? " when a known name is a likely typo of `found`, else nothing.
fn did_you_mean(found: &str, expected: &[&str]) -> String {
    ids::nearest_name(found, expected.iter().copied())
        .map_or(String::new(), |n| format!("did you mean `{n}`? "))
}

fn ron_help(code: &ron::Error) -> Option<String> {
    use ron::Error as E;
    Some(match code {
        E::NoSuchStructField {
            expected, found, ..
        } => format!(
            "{}the fields here are: {}",
            did_you_mean(found, expected),
            expected.join(", ")
        ),
        E::MissingStructField { field, .. } => format!("add `{field}: ...` to this item"),
        E::NoSuchEnumVariant {
            expected, found, ..
        } => format!(
            "{}write one of: {}",
            did_you_mean(found, expected),
            expected.join(", ")
        ),
        E::ExpectedString | E::ExpectedStringEnd => "put the text in double quotes".into(),
        E::Eof => "the file ends too early: look for an unclosed `(` or `[`".into(),
        E::ExpectedComma | E::ExpectedArrayEnd | E::ExpectedStructLikeEnd => {
            "separate items with commas and close every `(` and `[`".into()
        }
        _ => return None,
    })
}

/// 1-based line and column of byte offset `at` (clamped to the text).
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Loads, overrides and validates: the one path every command uses to get a runnable plan.
pub fn load(arg: &str, overrides: &[String]) -> Result<Plan, LoadError> {
    let source = Source::resolve(arg)?;
    load_source(&source, overrides)
}

pub fn load_source(source: &Source, overrides: &[String]) -> Result<Plan, LoadError> {
    load_source_with(source, overrides, CATALOG_EDITION)
}

/// As [`load_source`], with the shipped catalog of `edition` standing for `techniques.ron`:
/// a journal replays with the catalog it was recorded with.
pub fn load_source_with(
    source: &Source,
    overrides: &[String],
    edition: u32,
) -> Result<Plan, LoadError> {
    let mut scenario: Scenario = parse_ron(&source.name, &source.text)?;
    check_format(source, &scenario, "the file")?;
    if !overrides.is_empty() {
        scenario = apply_overrides(scenario, overrides)
            .map_err(|m| LoadError::one("--set", 1, 1, m, None))?;
        // Overrides are validated after they apply, like the file itself.
        check_format(source, &scenario, "`--set`")?;
    }
    let catalog = load_catalog(source, &scenario.catalog, edition)?;
    plan::build(source, scenario, catalog)
}

fn check_format(source: &Source, scenario: &Scenario, by: &str) -> Result<(), LoadError> {
    if scenario.format == FORMAT_VERSION {
        return Ok(());
    }
    let at = find_field(&source.text, 0, "format").unwrap_or(0);
    let (line, col) = line_col(&source.text, at);
    Err(LoadError::one(
        &source.name,
        line,
        col,
        format!(
            "scenario format {} (set by {by}) is not supported",
            scenario.format
        ),
        Some(format!("this tidewatch reads format {FORMAT_VERSION}")),
    ))
}

/// Validates a scenario built in code (benchmarks, tests) against the shipped catalog.
pub fn load_generated(source: &Source, scenario: Scenario) -> Result<Plan, LoadError> {
    let catalog = parse_ron("embedded:techniques.ron", EMBEDDED_CATALOG)?;
    plan::build(source, scenario, catalog)
}

fn load_catalog(source: &Source, name: &str, edition: u32) -> Result<Catalog, LoadError> {
    if let Some(dir) = &source.dir {
        let path = dir.join(name);
        if path.is_file() {
            let s = Source::read(&path)?;
            return parse_ron(&s.name, &s.text);
        }
    }
    match (name, edition) {
        ("techniques-1.ron", _) | ("techniques.ron", 1) => {
            return parse_ron("embedded:techniques-1.ron", EMBEDDED_CATALOG_1);
        }
        ("techniques.ron", CATALOG_EDITION) => {
            return parse_ron("embedded:techniques.ron", EMBEDDED_CATALOG);
        }
        ("techniques.ron", newer) => {
            return Err(LoadError::one(
                &source.name,
                1,
                1,
                format!(
                    "recorded with the technique catalog's edition {newer}; this tidewatch has \
                     editions 1 to {CATALOG_EDITION}"
                ),
                Some("replay it with the tidewatch that recorded it, or a newer one".into()),
            ));
        }
        _ => {}
    }
    let at = find_field(&source.text, 0, "catalog").unwrap_or(0);
    let (line, col) = line_col(&source.text, at);
    Err(LoadError::one(
        &source.name,
        line,
        col,
        format!("technique catalog `{name}` not found next to the scenario"),
        Some("remove `catalog` to use the shipped techniques.ron".into()),
    ))
}

/// Byte offset of `field:` at or after `from`, skipping comments and strings.
pub(crate) fn find_field(text: &str, from: usize, field: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if let Some(end) = past_comment_or_literal(bytes, i) {
            i = end;
            continue;
        }
        // Only an ASCII byte can start the (ASCII) field name, and an ASCII byte is always a
        // character boundary, so the slices below never cut a character in two.
        let boundary = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if boundary && bytes[i..].starts_with(field.as_bytes()) {
            let after = text[i + field.len()..].trim_start();
            if after.starts_with(':') {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// Where the comment, string or character literal starting at byte `i` ends (just past it),
/// or `None` when none starts there. RON's lexical forms: `// ...` to the line's end, nested
/// `/* ... */`, `"..."` with escapes, raw strings `r"..."` and `r#"..."#`, and `'c'`. Written
/// on bytes: every delimiter is ASCII, so non-ASCII text inside is stepped over whole.
pub(crate) fn past_comment_or_literal(b: &[u8], i: usize) -> Option<usize> {
    let ident = |k: usize| k > 0 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_');
    match b[i] {
        b'/' if b.get(i + 1) == Some(&b'/') => {
            let mut j = i + 2;
            while j < b.len() && b[j] != b'\n' {
                j += 1;
            }
            Some(j)
        }
        b'/' if b.get(i + 1) == Some(&b'*') => {
            let (mut j, mut depth) = (i + 2, 1usize);
            while j < b.len() && depth > 0 {
                if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                    depth += 1;
                    j += 2;
                } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            Some(j.min(b.len()))
        }
        b'"' => {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            Some((j + 1).min(b.len()))
        }
        b'r' if !ident(i) => {
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            if b.get(i + 1 + hashes) != Some(&b'"') {
                return None;
            }
            let mut j = i + 2 + hashes;
            while j < b.len() {
                if b[j] == b'"'
                    && b[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&c| c == b'#')
                        .count()
                        == hashes
                {
                    return Some((j + 1 + hashes).min(b.len()));
                }
                j += 1;
            }
            Some(b.len())
        }
        b'\'' => {
            // A character literal is at most an escape like `'\u{10FFFF}'`: look that far only,
            // so a stray quote does not swallow the rest of the file.
            let mut j = i + 1;
            while j < b.len() && j < i + 13 && b[j] != b'\'' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            (b.get(j) == Some(&b'\'')).then_some(j + 1)
        }
        _ => None,
    }
}

/// Where the item with `id: "<id>"` is declared, searching after the list field `list`.
pub(crate) fn find_item(text: &str, list: &str, id: &str) -> Option<usize> {
    find_nth_item(text, list, id, 0)
}

/// Where the `n`-th item (from 0) of `list` with this id is declared: a repeated id's copies.
pub(crate) fn find_nth_item(text: &str, list: &str, id: &str, n: usize) -> Option<usize> {
    let mut at = find_field(text, 0, list)?;
    if id.is_empty() {
        // Items without ids (events) are found by their values; start from the list itself.
        return Some(at);
    }
    let quoted = format!("\"{id}\"");
    let mut skip = n;
    while let Some(pos) = find_field(text, at + 1, "id") {
        let after = text[pos + 2..].trim_start().strip_prefix(':')?.trim_start();
        if after.starts_with(&quoted) {
            if skip == 0 {
                return Some(pos);
            }
            skip -= 1;
        }
        at = pos;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first edition of the shipped catalog stays as it was (its techniques keep their
    /// indexes and parameters); the second only appends; an edition this build lacks is
    /// refused with what to do.
    #[test]
    fn the_catalog_editions_keep_their_techniques() {
        let source = Source {
            name: "x.ron".into(),
            text: String::new(),
            dir: None,
        };
        let first = load_catalog(&source, "techniques.ron", 1).unwrap();
        let second = load_catalog(&source, "techniques.ron", CATALOG_EDITION).unwrap();
        assert_eq!(first.techniques.len(), 18);
        assert!(second.techniques.len() >= 40, "{}", second.techniques.len());
        for (a, b) in first.techniques.iter().zip(&second.techniques) {
            assert_eq!(
                (a.id.as_str(), a.success, a.detectability, a.duration),
                (b.id.as_str(), b.success, b.detectability, b.duration)
            );
        }
        let pinned = load_catalog(&source, "techniques-1.ron", CATALOG_EDITION).unwrap();
        assert_eq!(pinned.techniques.len(), 18);
        let newer = load_catalog(&source, "techniques.ron", CATALOG_EDITION + 1).unwrap_err();
        assert!(newer.to_string().contains("edition 3"), "{newer}");
    }

    #[test]
    fn fields_are_found_outside_comments_and_strings() {
        let text = "A(\n // id: \"x\"\n name: \"id: x\",\n id: \"x\",\n)";
        let at = find_field(text, 0, "id").unwrap();
        assert_eq!(line_col(text, at), (4, 2));
    }

    #[test]
    fn malformed_ron_is_reported_with_its_position() {
        let err = parse_ron::<Scenario>("bad.ron", "Scenario(\n  format: 1,\n  name: 12,\n)")
            .unwrap_err();
        let d = &err.0[0];
        assert_eq!((d.file.as_str(), d.line), ("bad.ron", 3));
        assert!(d.to_string().starts_with("bad.ron:3:"), "{d}");
    }
}
