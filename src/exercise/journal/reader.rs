//! Reading a journal back: streamed with a bound per line, every line checked as it comes (its
//! number, its tick, its chain and seal), so the first line that is wrong is the one named;
//! damage and a cut end are told apart from a torn last line.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::chain::{GENESIS, link, split_tail};
use crate::sim::digest::DIGEST_VERSION;

use super::{
    CHAINED_FORMAT, DIGEST_KEPT_FORMAT, Ending, Entry, Header, JOURNAL_FORMAT, JournalFile,
    MAX_HEADER_LINE, MAX_LINE, SealKey, text_hash,
};
use crate::scenario::{Diagnostic, LoadError};
use crate::time::MAX_TICKS;

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
        self.check_seal(line, &chain, seal)?;
        self.chain = chain;
        Ok(())
    }

    /// A sealed journal's line carries a seal (and, with the key, the key's); an unsealed
    /// one's carries none.
    fn check_seal(
        &self,
        line: usize,
        chain: &[u8; 32],
        seal: Option<[u8; 32]>,
    ) -> Result<(), LoadError> {
        match (self.sealed, seal) {
            (true, None) => Err((self.fail)(
                line,
                "this line of a sealed journal carries no seal: it was written or edited \
                     without the key"
                    .into(),
                Some(RESTORE.into()),
            )),
            (false, Some(_)) => Err((self.fail)(
                line,
                "this line carries a seal but the header says the journal is not sealed: \
                     the header was edited"
                    .into(),
                Some(RESTORE.into()),
            )),
            (true, Some(seal)) => match self.key {
                Some(key) if !key.verifies(chain, &seal) => {
                    let message = if line == 1 {
                        "the seal does not match the key: this is not the key the journal was \
                         sealed with, or the header was forged"
                    } else {
                        "the seal does not match the key: this line, or one before it, was \
                         forged without the key (its chain recomputed)"
                    };
                    Err((self.fail)(line, message.into(), Some(RESTORE.into())))
                }
                _ => Ok(()),
            },
            (false, None) => Ok(()),
        }
    }

    /// A line's place in the record: the header first and only first, an end marker only where
    /// they exist, then each entry's number and tick.
    fn check_entry(&mut self, line: usize, entry: &Entry, expected: u64) -> Result<(), LoadError> {
        let fail = self.fail;
        match (entry, line) {
            (Entry::Header(h), 1) => {
                check_header(fail, h)?;
                self.format = h.format;
                self.sealed = h.sealed;
            }
            (Entry::Header(_), _) => {
                return Err(fail(
                    line,
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
            (Entry::End { .. }, _) if self.format < CHAINED_FORMAT => {
                return Err(fail(
                    line,
                    format!(
                        "an end marker in a format {} journal (end markers began with format \
                         {CHAINED_FORMAT}): the header's format was edited",
                        self.format
                    ),
                    Some(RESTORE.into()),
                ));
            }
            _ => {
                self.check_number(line, expected, entry.seq())?;
                self.check_tick(line, entry)?;
            }
        }
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
        let mut lines = Lines {
            reader: BufReader::with_capacity(1 << 16, file),
            buf: Vec::new(),
            number: 0,
            whole_bytes: 0,
            torn: false,
        };
        let mut reading = Reading {
            fail: &fail,
            key,
            format: 0,
            sealed: false,
            chain: GENESIS,
            last_tick: 0,
        };
        let mut header = None;
        let mut entries = Vec::new();
        while lines.next(&fail)? {
            let line = lines.number;
            let (chain, seal) = split_tail(&mut lines.buf);
            let entry = parse(&lines.buf).map_err(|e| {
                let message = format!("journal entry is damaged: {e}");
                fail(line, message, Some(RESTORE.into()))
            })?;
            reading.check_entry(line, &entry, entries.len() as u64 + 1)?;
            reading.check_chain(line, &lines.buf, chain, seal)?;
            match entry {
                Entry::Header(h) => header = Some(h),
                entry => entries.push((line, entry)),
            }
        }
        let header = header
            .ok_or_else(|| fail(1, "the journal is empty or its header is torn".into(), None))?;
        let chained = header.format >= CHAINED_FORMAT;
        Ok(JournalFile {
            path: name.clone(),
            seals_checked: header.sealed && key.is_some(),
            chain: chained.then_some(reading.chain),
            ending: Ending::of(chained, &entries, lines.torn, lines.whole()),
            header,
            entries,
            valid_len: lines.whole_bytes,
            torn_tail: lines.torn,
            lines: lines.whole(),
        })
    }
}

/// An entry from a line's body (its chain and seal cut off).
fn parse(body: &[u8]) -> Result<Entry, String> {
    let text = std::str::from_utf8(body).map_err(|_| "not UTF-8 text".to_string())?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

impl Ending {
    /// How the record ends: cleanly with an end marker last and whole, or cut short after its
    /// last whole line; a journal of format 1 to 3 cannot say.
    fn of(chained: bool, entries: &[(usize, Entry)], torn: bool, whole_lines: usize) -> Ending {
        match entries.last() {
            _ if !chained => Ending::Unmarked,
            Some((_, Entry::End { tick, .. })) if !torn => Ending::Clean { tick: *tick },
            _ => Ending::Unfinished {
                line: whole_lines,
                tick: entries.iter().map(|(_, e)| e.reaches()).max().unwrap_or(0),
            },
        }
    }
}

/// A journal's lines, each read within its bound (the header's, then a line's): never more
/// than the bound, and one byte to tell, in memory, however long the line.
struct Lines {
    reader: BufReader<File>,
    /// The line read last, without its newline.
    buf: Vec<u8>,
    /// Lines read so far, a torn last one included.
    number: usize,
    /// Bytes of the whole lines read so far: where a continued journal is cut back to.
    whole_bytes: u64,
    /// The last line has no newline: the process died while writing it.
    torn: bool,
}

impl Lines {
    /// Reads the next whole line into `buf`; false at the end of the file or at a torn line.
    fn next(
        &mut self,
        fail: &dyn Fn(usize, String, Option<String>) -> LoadError,
    ) -> Result<bool, LoadError> {
        let bound = if self.number == 0 {
            MAX_HEADER_LINE
        } else {
            MAX_LINE
        };
        self.buf.clear();
        let read = (&mut self.reader)
            .take(bound as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| {
                fail(
                    self.number + 1,
                    format!("cannot read the journal: {e}"),
                    None,
                )
            })?;
        if read == 0 {
            return Ok(false);
        }
        self.number += 1;
        if self.buf.len() > bound && self.buf.last() != Some(&b'\n') {
            return Err(fail(
                self.number,
                format!(
                    "this line is longer than the {} MB a journal {} may hold: it was not \
                     written by tidewatch",
                    bound >> 20,
                    if self.number == 1 { "header" } else { "line" }
                ),
                Some(RESTORE.into()),
            ));
        }
        if self.buf.pop() != Some(b'\n') {
            self.torn = true;
            return Ok(false);
        }
        self.whole_bytes += read as u64;
        Ok(true)
    }

    /// Whole lines read, the header included (a torn last one is not).
    fn whole(&self) -> usize {
        self.number - usize::from(self.torn)
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
    if !(1..=DIGEST_VERSION).contains(&header.digest_version)
        || (header.digest_version > 1 && header.format < DIGEST_KEPT_FORMAT)
    {
        return Err(fail(
            1,
            format!(
                "digest version {} in a format {} journal: this tidewatch hashes versions 1 to \
                 {DIGEST_VERSION}, version 2 from format {DIGEST_KEPT_FORMAT}",
                header.digest_version, header.format
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
