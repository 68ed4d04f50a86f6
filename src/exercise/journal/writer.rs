//! Appending to a journal: created new (never over one), or reopened to continue it with its
//! torn tail cut off, its chain picked up and, sealed, only with its key.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::chain::{GENESIS, compose};
use super::{CHAINED_FORMAT, Ending, Entry, Header, JOURNAL_FORMAT, JournalFile, SealKey};

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
