//! The journal: an append-only record of an exercise, one JSON object per line, flushed per
//! entry. A header (scenario text and its hash, seed, overrides, version), then commands at the
//! tick they took effect, state digests at regular ticks, and an end marker at a clean stop. A
//! crash loses at most the line being written, and a reader skips a torn last line.
//!
//! Tamper-evident by line (format 4): every line ends with `"chain"`, the SHA-256 of the
//! previous line's chain and this line's own bytes without the chain, so any byte edited, and
//! any line deleted, duplicated, moved or inserted, breaks the chain at a line the reader names.
//! The chain covers the line it is written on (not only the one before), so the last line, the
//! end marker, is covered too. Anyone can recompute a SHA-256 chain, so a sealed journal also
//! carries `"seal"` on each line: HMAC-SHA256, under a key the facilitator keeps apart, of the
//! line's chain. Without the key a trainee can edit the record only by breaking a seal.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::scenario::{Command, Issued};
use crate::scenario::{Diagnostic, LoadError, Plan};
use crate::sim::StateDigest;
use crate::sim::digest::Fnv;
use crate::time::MAX_TICKS;

/// Format 2 numbers every entry after the header (`seq`), so a deleted, duplicated or moved
/// line is named as such; format 3 names the seat a command came from (a lab exercise); format
/// 4 chains (and may seal) every line and marks a clean stop with an `end` entry.
/// Formats 1 to 3 still read and replay, without those checks.
pub const JOURNAL_FORMAT: u32 = 4;

/// The first format whose lines carry a chain and whose clean stop carries an end marker.
const CHAINED_FORMAT: u32 = 4;

/// The longest line after the header. The biggest entries are digests (a few hundred bytes)
/// and commands with a note (a lab message is at most 1 MB too): a longer line was not
/// written by tidewatch, and is refused before it fills memory.
pub const MAX_LINE: usize = 1 << 20;

/// The longest header line: it embeds the scenario, which may be up to the scenario cap. JSON
/// writes a newline, tab, quote or backslash as two bytes, so a scenario at the cap made only of
/// those still fits in twice the cap; 1 MB more holds the rest (overrides, names). The writer
/// refuses a header over it, so every journal written reads back.
pub const MAX_HEADER_LINE: usize = 2 * crate::scenario::MAX_FILE_BYTES as usize + (1 << 20);

/// The chain before the first line.
const GENESIS: [u8; 32] = [0; 32];

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
    /// Whether every line carries a seal (format 4): said in the header, which is chained and
    /// sealed itself, so seals cannot be stripped without a key-holder noticing. Never the key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sealed: bool,
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
    /// Tidewatch stopped the exercise on purpose with the clock at `tick` (format 4): without it
    /// as the last line, the record was cut short (a crash, or lines removed from its end). A
    /// journal continued after a clean stop has one in the middle.
    End {
        #[serde(default)]
        seq: u64,
        tick: u64,
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
            | Entry::End { tick, .. }
            | Entry::Refused { tick, .. } => Some(*tick),
        }
    }
    fn seq(&self) -> u64 {
        match self {
            Entry::Header(_) => 0,
            Entry::Command { seq, .. }
            | Entry::Digest { seq, .. }
            | Entry::End { seq, .. }
            | Entry::Refused { seq, .. } => *seq,
        }
    }
    fn numbered(&self, n: u64) -> Entry {
        let mut e = self.clone();
        if let Entry::Command { seq, .. }
        | Entry::Digest { seq, .. }
        | Entry::End { seq, .. }
        | Entry::Refused { seq, .. } = &mut e
        {
            *seq = n;
        }
        e
    }
    /// The clock once this entry is replayed: a command or digest at `t` needs tick `t`
    /// simulated; an end marker says where the clock stood.
    fn reaches(&self) -> u64 {
        match self {
            Entry::Header(_) => 0,
            // A refusal is journaled as a command is, in the tick it was refused at.
            Entry::Command { tick, .. }
            | Entry::Digest { tick, .. }
            | Entry::Refused { tick, .. } => tick + 1,
            Entry::End { tick, .. } => *tick,
        }
    }
}

pub fn text_hash(text: &str) -> String {
    use std::hash::Hasher;
    let mut h = Fnv::default();
    h.write(text.as_bytes());
    format!("{:016x}", h.finish())
}

/// The facilitator's secret that seals a journal: the bytes of a key file kept away from the
/// trainees. Never written to the journal nor printed (its `Debug` shows only its length).
#[derive(Clone)]
pub struct SealKey(Vec<u8>);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealKey({} bytes)", self.0.len())
    }
}

impl SealKey {
    /// Fewer bytes could be guessed by trying keys against a seal offline.
    pub const MIN_BYTES: usize = 16;
    /// A key file is a small secret; a bigger file is the wrong file.
    pub const MAX_BYTES: usize = 64 * 1024;

    pub fn read(path: &Path) -> Result<SealKey, String> {
        let fail = |m: String| format!("{}: {m}", path.display());
        let mut bytes = Vec::new();
        File::open(path)
            .and_then(|f| f.take(Self::MAX_BYTES as u64 + 1).read_to_end(&mut bytes))
            .map_err(|e| fail(format!("cannot read the seal key: {e}")))?;
        if bytes.len() > Self::MAX_BYTES {
            return Err(fail(format!(
                "a seal key file holds at most {} KB: is this the key?",
                Self::MAX_BYTES / 1024
            )));
        }
        SealKey::from_bytes(bytes).map_err(fail)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Result<SealKey, String> {
        if bytes.len() < Self::MIN_BYTES {
            return Err(format!(
                "a seal key needs at least {} bytes (it has {}); make one with `head -c 32 \
                 /dev/urandom > exercise.key` and keep it away from the trainees",
                Self::MIN_BYTES,
                bytes.len()
            ));
        }
        Ok(SealKey(bytes))
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes keys of any length")
    }

    fn seal(&self, chain: &[u8; 32]) -> [u8; 32] {
        let mut mac = self.mac();
        mac.update(chain);
        mac.finalize().into_bytes().into()
    }

    /// Compared in constant time, so timing tells a forger nothing.
    fn verifies(&self, chain: &[u8; 32], seal: &[u8; 32]) -> bool {
        let mut mac = self.mac();
        mac.update(chain);
        mac.verify_slice(seal).is_ok()
    }
}

/// The chain of a line: the previous line's chain and this line's bytes without its own chain
/// and seal (`body`, as serialized), so every byte of every line is covered.
fn link(prev: &[u8; 32], body: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update(prev)
        .chain_update(body)
        .finalize()
        .into()
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &[u8]) -> Option<[u8; 32]> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(text.chunks(2)) {
        *o = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

const CHAIN_FIELD: &[u8] = b",\"chain\":\"";
const SEAL_FIELD: &[u8] = b",\"seal\":\"";

/// Finds `,"<field>":"<64 hex>"` ending at `end` in `line`: where it starts, and its value.
fn field_before(line: &[u8], end: usize, field: &[u8]) -> Option<(usize, [u8; 32])> {
    let start = end.checked_sub(field.len() + 64 + 1)?;
    if line[end - 1] != b'"' || &line[start..start + field.len()] != field {
        return None;
    }
    Some((start, unhex(&line[end - 65..end - 1])?))
}

/// Splits a line into its body (left in `line`, as it was serialized) and its chain and seal,
/// when it ends with them. The two fields are always written last, in that order, so they are
/// found by position, not by parsing: the bytes hashed are exactly the bytes on the disk.
fn split_tail(line: &mut Vec<u8>) -> (Option<[u8; 32]>, Option<[u8; 32]>) {
    let Some(end) = line.len().checked_sub(1).filter(|&e| line[e] == b'}') else {
        return (None, None);
    };
    let seal = field_before(line, end, SEAL_FIELD);
    let chain_end = seal.map_or(end, |(start, _)| start);
    // A seal without a chain was not written by tidewatch: left in place, it is an unknown
    // field to the parser.
    let Some((start, chain)) = field_before(line, chain_end, CHAIN_FIELD) else {
        return (None, None);
    };
    line.truncate(start);
    line.push(b'}');
    (Some(chain), seal.map(|(_, s)| s))
}

/// One journal line as written: the entry, then (format 4) its chain and seal; refused over
/// the line bounds, so every line written reads back. Returns the line and its chain.
fn compose(
    entry: &Entry,
    prev: Option<&[u8; 32]>,
    seal: Option<&SealKey>,
) -> Result<(Vec<u8>, Option<[u8; 32]>), String> {
    let mut line = serde_json::to_vec(entry).map_err(|e| format!("internal: {e}"))?;
    let chain = prev.map(|prev| link(prev, &line));
    if let Some(chain) = &chain {
        if line.pop() != Some(b'}') {
            return Err("internal: a journal entry is not a JSON object".into());
        }
        line.extend_from_slice(CHAIN_FIELD);
        line.extend_from_slice(hex(chain).as_bytes());
        line.push(b'"');
        if let Some(key) = seal {
            line.extend_from_slice(SEAL_FIELD);
            line.extend_from_slice(hex(&key.seal(chain)).as_bytes());
            line.push(b'"');
        }
        line.push(b'}');
    }
    let bound = match entry {
        Entry::Header(_) => MAX_HEADER_LINE,
        _ => MAX_LINE,
    };
    if line.len() > bound {
        return Err(format!(
            "a journal entry of {} bytes is over the {} MB a journal line may hold; it was not \
             written",
            line.len(),
            bound >> 20
        ));
    }
    line.push(b'\n');
    Ok((line, chain))
}

/// An open journal being appended to. Every entry is flushed to the operating system as it is
/// written; commands are also synced to the disk (`sync`), so a power cut never loses one.
pub struct JournalWriter {
    file: File,
    pub path: PathBuf,
    /// The number the next entry gets.
    next_seq: u64,
    /// The chain of the last line written; `None` for a journal of format 1 to 3 continued in
    /// its own format (a line with a chain would be damage to its reader).
    chain: Option<[u8; 32]>,
    seal: Option<SealKey>,
    /// The tick of the end marker just written: a second clean stop at the same moment (the
    /// console's screenshot and "End exercise") adds nothing.
    ended: Option<u64>,
}

impl JournalWriter {
    /// Starts a new journal, sealed with `seal` if given; refuses to overwrite one (use resume
    /// to continue it).
    pub fn create(path: &Path, mut header: Header, seal: Option<SealKey>) -> Result<Self, String> {
        header.format = JOURNAL_FORMAT;
        header.sealed = seal.is_some();
        // Composed first: a header over the bound leaves no empty file behind.
        let (line, chain) = compose(&Entry::Header(header), Some(&GENESIS), seal.as_ref())?;
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
            chain,
            seal,
            ended: None,
        };
        w.write(&line)?;
        w.sync()?;
        Ok(w)
    }

    /// Whether `journal` may be continued with `seal`: a sealed journal only with its key
    /// (checked on every line already there: `journal` read with it), so nobody extends a
    /// record they could not have written; an unsealed or older one never with a key (a
    /// record is sealed from its first line). Asked before a resume replays, to fail fast.
    pub fn may_continue(
        path: &Path,
        journal: &JournalFile,
        seal: Option<&SealKey>,
    ) -> Result<(), String> {
        let fail = |m: String| format!("{}: {m}", path.display());
        let chained = journal.header.format >= CHAINED_FORMAT;
        match (chained, journal.header.sealed, seal) {
            (false, _, Some(_)) => Err(fail(format!(
                "a format {} journal has no chain to seal; fork it with `tidewatch replay \
                     {} --until TIME --fork NEW --seal KEYFILE` and continue the fork",
                journal.header.format,
                path.display()
            ))),
            (true, true, None) => Err(fail(
                "the journal is sealed: continue it with `--seal KEYFILE`, the key it was \
                     sealed with"
                    .into(),
            )),
            (true, false, Some(_)) => Err(fail(
                "the journal is not sealed, and a journal is sealed from its first line: \
                     fork it with `--seal KEYFILE` to continue it sealed"
                    .into(),
            )),
            (true, true, Some(_)) if !journal.seals_checked => Err(fail(
                "internal: the journal was read without its key".into(),
            )),
            _ => Ok(()),
        }
    }

    /// Reopens a journal to continue it, cutting off a torn last line first (`may_continue`
    /// says with which key).
    pub fn reopen(
        path: &Path,
        journal: &JournalFile,
        seal: Option<SealKey>,
    ) -> Result<Self, String> {
        let fail = |m: String| format!("{}: {m}", path.display());
        JournalWriter::may_continue(path, journal, seal.as_ref())?;
        let chained = journal.header.format >= CHAINED_FORMAT;
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| fail(format!("cannot open the journal: {e}")))?;
        file.set_len(journal.valid_len)
            .map_err(|e| fail(format!("cannot repair the journal: {e}")))?;
        let mut file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| fail(e.to_string()))?;
        file.flush().ok();
        Ok(JournalWriter {
            file,
            path: path.to_path_buf(),
            next_seq: journal.entries.len() as u64 + 1,
            chain: if chained { journal.chain } else { None },
            seal,
            ended: match journal.ending {
                Ending::Clean { tick } => Some(tick),
                _ => None,
            },
        })
    }

    /// Appends an entry, numbering and chaining it; flushed, not yet synced.
    pub fn append(&mut self, entry: &Entry) -> Result<(), String> {
        let entry = match entry {
            Entry::Header(_) => entry.clone(),
            _ => entry.numbered(self.next_seq),
        };
        let (line, chain) = compose(&entry, self.chain.as_ref(), self.seal.as_ref())
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.write(&line)?;
        if !matches!(entry, Entry::Header(_)) {
            self.next_seq += 1;
        }
        if self.chain.is_some() {
            self.chain = chain;
        }
        self.ended = match entry {
            Entry::End { tick, .. } => Some(tick),
            _ => None,
        };
        Ok(())
    }

    /// Marks a clean stop with the clock at `tick`. A journal of format 1 to 3 (continued in
    /// its own format) gets none: its readers know no such entry.
    pub fn end(&mut self, tick: u64) -> Result<(), String> {
        if self.chain.is_none() || self.ended == Some(tick) {
            return Ok(());
        }
        self.append(&Entry::End { seq: 0, tick })
    }

    fn write(&mut self, line: &[u8]) -> Result<(), String> {
        self.file
            .write_all(line)
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

/// How a journal's record ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The last line is an end marker: tidewatch stopped the exercise with the clock at `tick`.
    Clean { tick: u64 },
    /// No end marker after line `line` (a crash, or lines cut from the end): the record reaches
    /// the clock at `tick`, and the exercise may have gone on past it.
    Unfinished { line: usize, tick: u64 },
    /// A journal of format 1 to 3, written before end markers: how it ended cannot be told.
    Unmarked,
}

/// A journal as read back: header, entries with their line numbers, how much of the file is
/// whole (a torn last line is left out), and what its chain and end say.
pub struct JournalFile {
    pub path: String,
    pub header: Header,
    pub entries: Vec<(usize, Entry)>,
    pub valid_len: u64,
    pub torn_tail: bool,
    /// Whole lines read, the header included.
    pub lines: usize,
    /// The chain of the last whole line (format 4): where a continued journal picks up.
    pub chain: Option<[u8; 32]>,
    /// Whether every line's seal was checked against a key (a sealed journal read with it).
    pub seals_checked: bool,
    pub ending: Ending,
}

const RESTORE: &str = "a journal is written only by tidewatch; restore it from a copy";

/// What the reader knows after the lines read so far; each line is checked against it as it
/// comes, so the first line that is wrong is the one named.
struct Reading<'a> {
    fail: &'a dyn Fn(usize, String, Option<String>) -> LoadError,
    key: Option<&'a SealKey>,
    format: u32,
    sealed: bool,
    chain: [u8; 32],
    /// The tick of the last entry, for the order check.
    last_tick: u64,
}

impl Reading<'_> {
    /// Numbered 1, 2, 3... after the header (format 2 on): a gap is a deleted line, a repeat or
    /// a step back a duplicated or moved one. Checked before the chain, which breaks at the
    /// same line but says less.
    fn check_number(&self, line: usize, expected: u64, seq: u64) -> Result<(), LoadError> {
        if self.format < 2 || seq == expected {
            return Ok(());
        }
        let message = if seq > expected {
            let missing = if seq == expected + 1 {
                format!("entry #{expected} is missing")
            } else {
                format!("entries #{expected} to #{} are missing", seq - 1)
            };
            format!("{missing} before this one (#{seq}): a line was deleted")
        } else {
            format!(
                "entry #{seq} appears again where #{expected} belongs: a line was duplicated or \
                 moved"
            )
        };
        Err((self.fail)(line, message, Some(RESTORE.into())))
    }

    fn check_tick(&mut self, line: usize, entry: &Entry) -> Result<(), LoadError> {
        let t = entry.tick().unwrap_or(0);
        if t > MAX_TICKS {
            return Err((self.fail)(
                line,
                format!(
                    "entry for tick {t} is beyond the exercise clock's limit ({MAX_TICKS} ticks, \
                     366 days)"
                ),
                Some(RESTORE.into()),
            ));
        }
        if t < self.last_tick {
            return Err((self.fail)(
                line,
                format!(
                    "entry for tick {t} comes after tick {}: the journal is out of order",
                    self.last_tick
                ),
                None,
            ));
        }
        self.last_tick = t;
        Ok(())
    }

    /// The line's chain must follow from the previous line's and its own bytes, and (sealed,
    /// with the key) its seal must be the key's.
    fn check_chain(
        &mut self,
        line: usize,
        body: &[u8],
        chain: Option<[u8; 32]>,
        seal: Option<[u8; 32]>,
    ) -> Result<(), LoadError> {
        if self.format < CHAINED_FORMAT {
            return match chain {
                None => Ok(()),
                Some(_) => Err((self.fail)(
                    line,
                    format!(
                        "a chained line in a format {} journal (chains began with format \
                         {CHAINED_FORMAT}): the header's format was edited",
                        self.format
                    ),
                    Some(RESTORE.into()),
                )),
            };
        }
        let Some(chain) = chain else {
            return Err((self.fail)(
                line,
                "this line carries no chain (every line of a format 4 journal ends with one): it \
                 was written or edited by hand"
                    .into(),
                Some(RESTORE.into()),
            ));
        };
        if link(&self.chain, body) != chain {
            let what = if line == 1 {
                "the header was edited (its scenario, seed, overrides or format)".to_string()
            } else {
                format!(
                    "this line was edited, or a line was deleted, inserted or moved just before \
                     it (lines 1 to {} hold together)",
                    line - 1
                )
            };
            return Err((self.fail)(
                line,
                format!("the journal's chain breaks here: {what}"),
                Some(RESTORE.into()),
            ));
        }
        match (self.sealed, seal) {
            (true, None) => {
                return Err((self.fail)(
                    line,
                    "this line of a sealed journal carries no seal: it was written or edited \
                     without the key"
                        .into(),
                    Some(RESTORE.into()),
                ));
            }
            (false, Some(_)) => {
                return Err((self.fail)(
                    line,
                    "this line carries a seal but the header says the journal is not sealed: \
                     the header was edited"
                        .into(),
                    Some(RESTORE.into()),
                ));
            }
            (true, Some(seal)) => {
                if let Some(key) = self.key
                    && !key.verifies(&chain, &seal)
                {
                    let message = if line == 1 {
                        "the seal does not match the key: this is not the key the journal was \
                         sealed with, or the header was forged"
                    } else {
                        "the seal does not match the key: this line, or one before it, was \
                         forged without the key (its chain recomputed)"
                    };
                    return Err((self.fail)(line, message.into(), Some(RESTORE.into())));
                }
            }
            (false, None) => {}
        }
        self.chain = chain;
        Ok(())
    }
}

impl JournalFile {
    /// Reads a journal, checking its chain and everything else but the seals (which need the
    /// key, `read_with`).
    pub fn read(path: &Path) -> Result<JournalFile, LoadError> {
        JournalFile::read_with(path, None)
    }

    /// Reads a journal; with `key`, a sealed journal's seals are checked too (an unsealed one
    /// reads as without it: the caller decides whether a key for it is a mistake).
    pub fn read_with(path: &Path, key: Option<&SealKey>) -> Result<JournalFile, LoadError> {
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
        let file =
            File::open(path).map_err(|e| fail(1, format!("cannot read the journal: {e}"), None))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut reading = Reading {
            fail: &fail,
            key,
            format: 0,
            sealed: false,
            chain: GENESIS,
            last_tick: 0,
        };
        let mut entries = Vec::new();
        let mut header = None;
        let mut valid_len = 0u64;
        let mut torn_tail = false;
        let mut line_no = 0;
        let mut buf = Vec::new();
        loop {
            let bound = if line_no == 0 {
                MAX_HEADER_LINE
            } else {
                MAX_LINE
            };
            buf.clear();
            // Never more than the bound (and one byte to tell) in memory, however long the line.
            let read = (&mut reader)
                .take(bound as u64 + 1)
                .read_until(b'\n', &mut buf)
                .map_err(|e| fail(line_no + 1, format!("cannot read the journal: {e}"), None))?;
            if read == 0 {
                break;
            }
            line_no += 1;
            if buf.len() > bound && buf.last() != Some(&b'\n') {
                return Err(fail(
                    line_no,
                    format!(
                        "this line is longer than the {} MB a journal {} may hold: it was not \
                         written by tidewatch",
                        bound >> 20,
                        if line_no == 1 { "header" } else { "line" }
                    ),
                    Some(RESTORE.into()),
                ));
            }
            if buf.pop() != Some(b'\n') {
                // No newline: the process died while writing this entry.
                torn_tail = true;
                break;
            }
            let (chain, seal) = split_tail(&mut buf);
            let entry: Entry = std::str::from_utf8(&buf)
                .map_err(|_| "not UTF-8 text".to_string())
                .and_then(|t| serde_json::from_str(t).map_err(|e| e.to_string()))
                .map_err(|e| {
                    fail(
                        line_no,
                        format!("journal entry is damaged: {e}"),
                        Some(RESTORE.into()),
                    )
                })?;
            match (&entry, line_no) {
                (Entry::Header(h), 1) => {
                    check_header(&fail, h)?;
                    reading.format = h.format;
                    reading.sealed = h.sealed;
                    header = Some(h.clone());
                }
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
                (Entry::End { .. }, _) if reading.format < CHAINED_FORMAT => {
                    return Err(fail(
                        line_no,
                        format!(
                            "an end marker in a format {} journal (end markers began with \
                             format {CHAINED_FORMAT}): the header's format was edited",
                            reading.format
                        ),
                        Some(RESTORE.into()),
                    ));
                }
                _ => {
                    reading.check_number(line_no, entries.len() as u64 + 1, entry.seq())?;
                    reading.check_tick(line_no, &entry)?;
                }
            }
            reading.check_chain(line_no, &buf, chain, seal)?;
            if line_no > 1 {
                entries.push((line_no, entry));
            }
            valid_len += read as u64;
        }
        let header = header
            .ok_or_else(|| fail(1, "the journal is empty or its header is torn".into(), None))?;
        let chained = header.format >= CHAINED_FORMAT;
        let reached = entries.iter().map(|(_, e)| e.reaches()).max().unwrap_or(0);
        let ending = match entries.last() {
            _ if !chained => Ending::Unmarked,
            Some((_, Entry::End { tick, .. })) if !torn_tail => Ending::Clean { tick: *tick },
            _ => Ending::Unfinished {
                line: line_no - usize::from(torn_tail),
                tick: reached,
            },
        };
        Ok(JournalFile {
            path: name.clone(),
            seals_checked: header.sealed && key.is_some(),
            chain: chained.then_some(reading.chain),
            header,
            entries,
            valid_len,
            torn_tail,
            lines: line_no - usize::from(torn_tail),
            ending,
        })
    }

    /// The last tick a command or digest of the journal is about.
    pub fn last_tick(&self) -> Option<u64> {
        self.entries
            .iter()
            .filter(|(_, e)| !matches!(e, Entry::End { .. }))
            .filter_map(|(_, e)| e.tick())
            .max()
    }

    /// The clock the record reaches: replayed to here, the exercise stands where it stopped.
    pub fn reached(&self) -> u64 {
        self.entries
            .iter()
            .map(|(_, e)| e.reaches())
            .max()
            .unwrap_or(0)
    }

    pub fn ended_cleanly(&self) -> bool {
        matches!(self.ending, Ending::Clean { .. })
    }

    /// The last whole line and the clock reached, when the record ends without an end marker.
    pub fn unfinished_at(&self) -> Option<(usize, u64)> {
        match self.ending {
            Ending::Unfinished { line, tick } => Some((line, tick)),
            _ => None,
        }
    }

    /// What a reader of the record must be told first when it stops short of a clean end, in
    /// the exercise's time (the after-action report's first page, `replay --verify`).
    pub fn unfinished_note(&self, plan: &Plan) -> Option<String> {
        let (_, tick) = self.unfinished_at()?;
        Some(format!(
            "The record ends at {} without an end marker (no EndEx): tidewatch did not stop the \
             exercise there cleanly (a crash, or a journal cut short), so it may have gone on \
             past what this record holds.",
            plan.scenario.start.at(tick).clock()
        ))
    }
}

/// The header's own checks: a format this tidewatch reads, a scenario matching its hash, and
/// a seal only where seals exist.
fn check_header(
    fail: &dyn Fn(usize, String, Option<String>) -> LoadError,
    header: &Header,
) -> Result<(), LoadError> {
    if !(1..=JOURNAL_FORMAT).contains(&header.format) {
        return Err(fail(
            1,
            format!(
                "journal format {} (written by tidewatch {}) is not supported: this tidewatch {} \
                 reads formats 1 to {JOURNAL_FORMAT}",
                header.format,
                header.version,
                env!("CARGO_PKG_VERSION")
            ),
            Some("replay it with the tidewatch version that wrote it".into()),
        ));
    }
    if text_hash(&header.scenario_text) != header.scenario_hash {
        return Err(fail(
            1,
            "the scenario stored in the journal does not match its hash: the journal was edited"
                .into(),
            None,
        ));
    }
    if header.sealed && header.format < CHAINED_FORMAT {
        return Err(fail(
            1,
            format!(
                "a format {} journal cannot be sealed (seals began with format \
                 {CHAINED_FORMAT}): the header was edited",
                header.format
            ),
            Some(RESTORE.into()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reader hashes exactly the bytes the writer hashed, found by position, sealed or not.
    #[test]
    fn a_line_splits_back_into_the_bytes_it_was_chained_over() {
        let key = SealKey::from_bytes(vec![1; 32]).unwrap();
        let entry = Entry::End { seq: 3, tick: 7 };
        for seal in [None, Some(&key)] {
            let (line, chain) = compose(&entry, Some(&GENESIS), seal).unwrap();
            let mut body = line[..line.len() - 1].to_vec();
            let (found, sealed) = split_tail(&mut body);
            assert_eq!(body, serde_json::to_vec(&entry).unwrap());
            assert_eq!(found, chain);
            assert_eq!(Some(link(&GENESIS, &body)), chain);
            assert_eq!(sealed.is_some(), seal.is_some());
            if let (Some(k), Some(s)) = (seal, sealed) {
                assert!(k.verifies(&found.unwrap(), &s));
                let other = SealKey::from_bytes(vec![2; 32]).unwrap();
                assert!(!other.verifies(&found.unwrap(), &s));
            }
        }
        // Lines too short or malformed to carry a chain are left whole for the parser.
        let zeros = "0".repeat(64);
        for text in [
            String::new(),
            "}".into(),
            "\"}".into(),
            format!("{{\"chain\":\"{zeros}\"}}"),
            format!("{{\"x\":1,\"chain\":\"{}\"}}", "Z".repeat(64)),
            format!("{{\"x\":1,\"seal\":\"{zeros}\"}}"),
        ] {
            let mut line = text.as_bytes().to_vec();
            assert_eq!(split_tail(&mut line), (None, None), "{text}");
            assert_eq!(line, text.as_bytes());
        }
    }
}

/// What a record says was done: read by the report, the replay's listing and `run --resume`.
impl JournalFile {
    /// The commands on the record, when, and from which seat (none: the facilitator's side).
    pub fn commands(&self) -> Vec<Issued> {
        self.entries
            .iter()
            .filter_map(|(_, e)| match e {
                Entry::Command {
                    tick,
                    command,
                    seat,
                    ..
                } => Some(Issued {
                    tick: *tick,
                    command: command.clone(),
                    seat: seat.clone(),
                }),
                _ => None,
            })
            .collect()
    }
}
