//! The files one invocation reads and writes, checked against each other before any work:
//! no output may land on an input (the journal above all: it is the exercise's record), on
//! another output of the same command, or replace an existing journal unasked. A mistyped
//! flag (`--events ex.jsonl` for `--resume ex.jsonl`) must cost a usage error, not the record.

use std::path::{Path, PathBuf};

/// What a command reads and writes, each under the flag that named it (for the message).
#[derive(Default)]
pub struct Files {
    reads: Vec<(String, PathBuf)>,
    writes: Vec<(String, PathBuf)>,
}

/// Why the files given cannot be used together: a usage error (exit 2), said before any work.
#[derive(Debug, PartialEq)]
pub struct Clash(pub String);

impl Files {
    /// An input. A scenario argument that is not a file on disk (a shipped name) reads nothing.
    pub fn reads(mut self, flag: &str, path: Option<&Path>) -> Self {
        if let Some(p) = path.filter(|p| p.exists()) {
            self.reads.push((flag.into(), p.to_path_buf()));
        }
        self
    }

    pub fn reads_all(mut self, flag: &str, paths: &[PathBuf]) -> Self {
        for p in paths {
            self = self.reads(flag, Some(p));
        }
        self
    }

    /// An output (written, replaced or appended to).
    pub fn writes(mut self, flag: &str, path: Option<&Path>) -> Self {
        if let Some(p) = path {
            self.writes.push((flag.into(), p.to_path_buf()));
        }
        self
    }

    pub fn writes_all(mut self, flag: &str, paths: &[PathBuf]) -> Self {
        for p in paths {
            self = self.writes(flag, Some(p));
        }
        self
    }

    /// Every output against every input and every other output.
    pub fn check(&self) -> Result<(), Clash> {
        for (i, (flag, out)) in self.writes.iter().enumerate() {
            // A device such as /dev/null takes any number of outputs and is never an input.
            if is_special(out) {
                continue;
            }
            if let Some((read_flag, _)) = self.reads.iter().find(|(_, r)| same_file(out, r)) {
                return Err(Clash(format!(
                    "{flag} {}: that is the file given as {read_flag}; an output never writes over what this command reads (choose another file name)",
                    out.display()
                )));
            }
            if let Some((other, _)) = self.writes[..i].iter().find(|(_, o)| same_file(out, o)) {
                return Err(Clash(format!(
                    "{flag} {}: that file is already the output of {other}; give each output its own file",
                    out.display()
                )));
            }
        }
        Ok(())
    }
}

/// A new journal goes to a file that is not there yet, unless `--force` says to replace it.
/// A journal holds a whole exercise: replacing one is a decision, never a default.
pub fn new_journal(flag: &str, path: Option<&Path>, force: bool) -> Result<(), Clash> {
    let Some(path) = path else { return Ok(()) };
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(meta) if force && meta.is_file() => std::fs::remove_file(path)
            .map_err(|e| Clash(format!("{flag} {}: cannot replace it: {e}", path.display()))),
        Ok(meta) if !meta.is_file() => Err(Clash(format!(
            "{flag} {}: not a regular file; a journal is written to a new file",
            path.display()
        ))),
        Ok(_) => Err(Clash(format!(
            "{flag} {}: a file is already there; continue an exercise with `--resume {}`, choose another name, or add --force to replace it",
            path.display(),
            path.display()
        ))),
    }
}

fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Whether two paths name one file: the same inode where both exist (links, `..`, symlinks),
/// else the same absolute path once the directory is resolved (outputs not written yet).
fn same_file(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
        #[cfg(not(unix))]
        {
            let _ = (ma, mb);
        }
    }
    matches!((resolved(a), resolved(b)), (Some(x), Some(y)) if x == y)
}

fn resolved(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = p.canonicalize() {
        return Some(c);
    }
    let parent = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(p.file_name()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("tidewatch-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn an_output_naming_an_input_by_any_path_is_a_clash() {
        let d = dir("input");
        let journal = d.join("ex.jsonl");
        std::fs::write(&journal, "{}\n").unwrap();
        let by_other_path = d.join(".").join("ex.jsonl");
        let err = Files::default()
            .reads("--resume", Some(&journal))
            .writes("--events", Some(&by_other_path))
            .check()
            .unwrap_err();
        assert!(
            err.0.contains("--events") && err.0.contains("--resume"),
            "{}",
            err.0
        );
        #[cfg(unix)]
        {
            let link = d.join("hard.jsonl");
            std::fs::hard_link(&journal, &link).unwrap();
            assert!(
                Files::default()
                    .reads("--resume", Some(&journal))
                    .writes("--report", Some(&link))
                    .check()
                    .is_err(),
                "a hard link is the same file"
            );
        }
        std::fs::remove_dir_all(d).ok();
    }

    #[test]
    fn two_outputs_on_one_new_file_clash_but_devices_and_distinct_files_do_not() {
        let d = dir("outputs");
        let a = d.join("a.html");
        let same = d.join("sub").join("..").join("a.html");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        assert!(
            Files::default()
                .writes("--events", Some(&a))
                .writes("--report", Some(&same))
                .check()
                .is_err()
        );
        assert_eq!(
            Files::default()
                .writes("--events", Some(Path::new("/dev/null")))
                .writes("--report", Some(Path::new("/dev/null")))
                .writes("--csv", Some(&d.join("b.csv")))
                .writes("--rows", Some(&a))
                .check(),
            Ok(())
        );
        std::fs::remove_dir_all(d).ok();
    }

    #[test]
    fn an_existing_journal_is_replaced_only_with_force() {
        let d = dir("journal");
        let j = d.join("ex.jsonl");
        assert_eq!(new_journal("--journal", Some(&j), false), Ok(()));
        std::fs::write(&j, "recorded\n").unwrap();
        let err = new_journal("--journal", Some(&j), false).unwrap_err();
        assert!(err.0.contains("--force"), "{}", err.0);
        assert_eq!(std::fs::read_to_string(&j).unwrap(), "recorded\n");
        assert_eq!(new_journal("--journal", Some(&j), true), Ok(()));
        assert!(!j.exists());
        std::fs::remove_dir_all(d).ok();
    }
}
