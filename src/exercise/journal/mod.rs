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

//!
//! `chain.rs` composes and splits a line (its chain and seal), `writer.rs` appends to a journal,
//! `reader.rs` reads one back, checking every line as it comes.

mod chain;
mod reader;
mod writer;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::scenario::{Command, Issued, Plan};
use crate::sim::StateDigest;
use crate::sim::digest::Fnv;

pub use chain::SealKey;
pub use writer::JournalWriter;

/// Format 2 numbers every entry after the header (`seq`), so a deleted, duplicated or moved
/// line is named as such; format 3 names the seat a command came from (a lab exercise); format
/// 4 chains (and may seal) every line and marks a clean stop with an `end` entry; format 5
/// names its digest's version (2: hashed from kept fingerprints, see `sim::digest`).
/// Formats 1 to 3 still read and replay, without those checks; formats 1 to 4 replay with the
/// version 1 digest they recorded.
pub const JOURNAL_FORMAT: u32 = 5;

/// The first format whose header names its digest's version.
const DIGEST_KEPT_FORMAT: u32 = 5;

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
    /// The edition of the shipped technique catalog the exercise ran with (a false alert names
    /// a technique drawn over the whole catalog, so a later edition would replay it otherwise);
    /// journals from before editions were recorded ran with the first.
    #[serde(default = "first_catalog_edition")]
    pub catalog_edition: u32,
    /// How its digests were hashed (`sim::digest::DigestVersion`): journals before format 5
    /// name none, and hashed with the first.
    #[serde(default = "first_digest_version")]
    pub digest_version: u32,
}

fn first_catalog_edition() -> u32 {
    1
}

fn first_digest_version() -> u32 {
    1
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

impl JournalFile {
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
