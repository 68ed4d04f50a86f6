//! The journal: an append-only record of an exercise, one JSON object per line, flushed per
//! entry. A header (scenario text and its hash, seed, overrides, version), then commands at the
//! tick they took effect and state digests at regular ticks. A crash loses at most the line
//! being written, and a reader skips a torn last line.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::scenario::Command;
use crate::scenario::{Diagnostic, LoadError};
use crate::sim::StateDigest;
use crate::sim::digest::Fnv;
use crate::time::MAX_TICKS;

/// Format 2 numbers every entry after the header (`seq`), so a deleted, duplicated or moved
/// line is named as such; format 3 names the seat a command came from (a lab exercise).
/// Formats 1 and 2 still read and replay.
pub const JOURNAL_FORMAT: u32 = 3;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: u32,
    pub version: String,
    /// Where the scenario came from (a path or `embedded:<name>`), for people.
    pub scenario: String,
    /// FNV-1a of `scenario_text`, so an edited journal is caught.
    pub scenario_hash: String,
    /// The scenario itself, so the journal replays on a machine that has only the journal.
    pub scenario_text: String,
    pub set: Vec<String>,
    pub seed: u64,
    pub digest_every: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case", deny_unknown_fields)]
pub enum Entry {
    Header(Header),
    Command {
        /// The entry's number after the header, from 1 (0: a format 1 journal).
        #[serde(default)]
        seq: u64,
        tick: u64,
        command: Command,
        /// The trainee seat that gave it (`team/n name@address`); none: the facilitator's
        /// window, a command file or an inject.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seat: Option<String>,
    },
    /// The state digest after `tick` was simulated, with its parts.
    Digest {
        #[serde(default)]
        seq: u64,
        tick: u64,
        digest: String,
        parts: BTreeMap<String, String>,
    },
    /// An order or note a seat gave that the host refused (who, what, why), kept so the
    /// after-action report can show what the seats of one team disagreed on. Replay skips it.
    Refused {
        #[serde(default)]
        seq: u64,
        tick: u64,
        seat: String,
        /// What was refused, in words (the order as written, or `note of 16384 bytes`).
        what: String,
        why: String,
    },
}

impl Entry {
    pub fn digest(d: &StateDigest) -> Entry {
        Entry::Digest {
            seq: 0,
            tick: d.tick,
            digest: d.hex(),
            parts: d
                .parts
                .iter()
                .map(|(n, h)| (n.to_string(), format!("{h:016x}")))
                .collect(),
        }
    }
    pub fn tick(&self) -> Option<u64> {
        match self {
            Entry::Header(_) => None,
            Entry::Command { tick, .. }
            | Entry::Digest { tick, .. }
            | Entry::Refused { tick, .. } => Some(*tick),
        }
    }
    fn seq(&self) -> u64 {
        match self {
            Entry::Header(_) => 0,
            Entry::Command { seq, .. } | Entry::Digest { seq, .. } | Entry::Refused { seq, .. } => {
                *seq
            }
        }
    }
    fn numbered(&self, n: u64) -> Entry {
        let mut e = self.clone();
        if let Entry::Command { seq, .. } | Entry::Digest { seq, .. } | Entry::Refused { seq, .. } =
            &mut e
        {
            *seq = n;
        }
        e
    }
}

pub fn text_hash(text: &str) -> String {
    use std::hash::Hasher;
    let mut h = Fnv::default();
    h.write(text.as_bytes());
    format!("{:016x}", h.finish())
}

/// An open journal being appended to. Every entry is flushed to the operating system as it is
/// written; commands are also synced to the disk (`sync`), so a power cut never loses one.
pub struct JournalWriter {
    file: File,
    pub path: PathBuf,
    /// The number the next entry gets.
    next_seq: u64,
}

impl JournalWriter {
    /// Starts a new journal; refuses to overwrite one (use resume to continue it).
    pub fn create(path: &Path, mut header: Header) -> Result<Self, String> {
        header.format = JOURNAL_FORMAT;
        let file = OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!("{}: a journal is already there; resume it with `--resume {}` or choose another file", path.display(), path.display())
            } else {
                format!("{}: cannot create the journal: {e}", path.display())
            }
        })?;
        let mut w = JournalWriter {
            file,
            path: path.to_path_buf(),
            next_seq: 1,
        };
        w.append(&Entry::Header(header))?;
        w.sync()?;
        Ok(w)
    }

    /// Reopens a journal to continue it, cutting off a torn last line first.
    pub fn reopen(path: &Path, journal: &JournalFile) -> Result<Self, String> {
        let valid_len = journal.valid_len;
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| format!("{}: cannot open the journal: {e}", path.display()))?;
        file.set_len(valid_len)
            .map_err(|e| format!("{}: cannot repair the journal: {e}", path.display()))?;
        let mut file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        file.flush().ok();
        Ok(JournalWriter {
            file,
            path: path.to_path_buf(),
            next_seq: journal.entries.len() as u64 + 1,
        })
    }

    /// Appends an entry, numbering it; flushed, not yet synced.
    pub fn append(&mut self, entry: &Entry) -> Result<(), String> {
        let entry = match entry {
            Entry::Header(_) => entry.clone(),
            _ => {
                self.next_seq += 1;
                entry.numbered(self.next_seq - 1)
            }
        };
        let mut line = serde_json::to_string(&entry).map_err(|e| format!("internal: {e}"))?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|_| self.file.flush())
            .map_err(|e| format!("{}: cannot write the journal: {e}", self.path.display()))
    }

    /// Waits until what was written is on the disk (after a command, and at a clean stop).
    pub fn sync(&mut self) -> Result<(), String> {
        self.file
            .sync_data()
            .map_err(|e| format!("{}: cannot sync the journal: {e}", self.path.display()))
    }
}

/// Entries are numbered 1, 2, 3... after the header: a gap is a deleted line, a repeat or a
/// step back a duplicated or moved one.
fn check_numbers(
    fail: &impl Fn(usize, String, Option<String>) -> LoadError,
    entries: &[(usize, Entry)],
) -> Result<(), LoadError> {
    let help = || Some("a journal is written only by tidewatch; restore it from a copy".into());
    for (expected, (line, e)) in (1u64..).zip(entries) {
        let seq = e.seq();
        if seq > expected {
            let missing = if seq == expected + 1 {
                format!("entry #{expected} is missing")
            } else {
                format!("entries #{expected} to #{} are missing", seq - 1)
            };
            return Err(fail(
                *line,
                format!("{missing} before this one (#{seq}): a line was deleted"),
                help(),
            ));
        }
        if seq < expected {
            return Err(fail(
                *line,
                format!(
                    "entry #{seq} appears again where #{expected} belongs: a line was duplicated \
                     or moved"
                ),
                help(),
            ));
        }
    }
    Ok(())
}

/// A journal as read back: header, entries with their line numbers, and how much of the file is
/// whole (a torn last line is left out).
pub struct JournalFile {
    pub path: String,
    pub header: Header,
    pub entries: Vec<(usize, Entry)>,
    pub valid_len: u64,
    pub torn_tail: bool,
}

impl JournalFile {
    pub fn read(path: &Path) -> Result<JournalFile, LoadError> {
        let name = path.display().to_string();
        let fail = |line: usize, message: String, help: Option<String>| {
            LoadError(vec![Diagnostic {
                file: name.clone(),
                line,
                col: 1,
                message,
                help,
            }])
        };
        let bytes = std::fs::read(path)
            .map_err(|e| fail(1, format!("cannot read the journal: {e}"), None))?;
        let mut entries = Vec::new();
        let mut header = None;
        let mut offset = 0usize;
        let mut valid_len = 0u64;
        let mut torn_tail = false;
        let mut line_no = 0;
        while offset < bytes.len() {
            line_no += 1;
            let end = bytes[offset..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|p| offset + p);
            let Some(end) = end else {
                // No newline: the process died while writing this entry.
                torn_tail = true;
                break;
            };
            let line = &bytes[offset..end];
            offset = end + 1;
            let entry: Entry = std::str::from_utf8(line)
                .map_err(|_| "not UTF-8 text".to_string())
                .and_then(|t| serde_json::from_str(t).map_err(|e| e.to_string()))
                .map_err(|e| {
                    fail(
                        line_no,
                        format!("journal entry is damaged: {e}"),
                        Some(
                            "a journal is written only by tidewatch; restore it from a copy".into(),
                        ),
                    )
                })?;
            match (&entry, line_no) {
                (Entry::Header(h), 1) => header = Some(h.clone()),
                (Entry::Header(_), _) => {
                    return Err(fail(
                        line_no,
                        "a second header in the middle of the journal".into(),
                        None,
                    ));
                }
                (_, 1) => {
                    return Err(fail(
                        1,
                        "the journal does not start with a header".into(),
                        None,
                    ));
                }
                _ => entries.push((line_no, entry)),
            }
            valid_len = offset as u64;
        }
        let header = header
            .ok_or_else(|| fail(1, "the journal is empty or its header is torn".into(), None))?;
        if !(1..=JOURNAL_FORMAT).contains(&header.format) {
            return Err(fail(
                1,
                format!(
                    "journal format {} (written by tidewatch {}) is not supported: this \
                     tidewatch {} reads formats 1 to {JOURNAL_FORMAT}",
                    header.format,
                    header.version,
                    env!("CARGO_PKG_VERSION")
                ),
                Some("replay it with the tidewatch version that wrote it".into()),
            ));
        }
        if text_hash(&header.scenario_text) != header.scenario_hash {
            return Err(fail(1, "the scenario stored in the journal does not match its hash: the journal was edited".into(), None));
        }
        if header.format >= 2 {
            check_numbers(&fail, &entries)?;
        }
        let mut last = 0;
        for (line, e) in &entries {
            let t = e.tick().unwrap_or(0);
            if t > MAX_TICKS {
                return Err(fail(
                    *line,
                    format!(
                        "entry for tick {t} is beyond the exercise clock's limit ({} ticks, 366 days)",
                        MAX_TICKS
                    ),
                    Some("a journal is written only by tidewatch; restore it from a copy".into()),
                ));
            }
            if t < last {
                return Err(fail(
                    *line,
                    format!(
                        "entry for tick {t} comes after tick {last}: the journal is out of order"
                    ),
                    None,
                ));
            }
            last = t;
        }
        Ok(JournalFile {
            path: name,
            header,
            entries,
            valid_len,
            torn_tail,
        })
    }

    /// The last tick the journal says anything about.
    pub fn last_tick(&self) -> Option<u64> {
        self.entries.iter().filter_map(|(_, e)| e.tick()).max()
    }
}
