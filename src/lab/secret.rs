//! Join codes that survive a crash. The codes come from a secret; with a journal, the secret is
//! kept in a file beside it (`JOURNAL.lab-secret`, readable by its owner only, never inside the
//! journal, which trainees may be given), so a host resumed after a crash hands out the same
//! codes and the seats that were reconnecting get back in with the slips of paper they have.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Where a journal's join-code secret is kept.
pub fn path_beside(journal: &Path) -> PathBuf {
    let mut name = journal.as_os_str().to_owned();
    name.push(".lab-secret");
    PathBuf::from(name)
}

/// The secret for a lab exercise's join codes, and a line for the facilitator saying where it
/// is kept. Without a journal: fresh each time. A new journal: fresh, written beside it. A
/// resumed journal: the one beside it, else fresh (and written: the codes change once).
pub fn for_journal(journal: Option<&Path>, resumed: bool) -> Result<(u64, String), String> {
    let fresh = super::gate::fresh_secret();
    let Some(journal) = journal else {
        return Ok((fresh, "no journal: the join codes are new each time".into()));
    };
    let path = path_beside(journal);
    if resumed && path.exists() {
        let kept = read(&path)?;
        return Ok((
            kept,
            format!("the join codes are those kept in {}", path.display()),
        ));
    }
    write(&path, fresh)?;
    let note = if resumed {
        format!(
            "{} was missing: these join codes are new; hand out new slips",
            path.display()
        )
    } else {
        format!(
            "the join codes' secret is kept in {} (owner-only; keep it with the journal, never \
             hand it out): a resumed host gives the same codes",
            path.display()
        )
    };
    Ok((fresh, note))
}

fn read(path: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: cannot read the join codes' secret: {e}",
            path.display()
        )
    })?;
    u64::from_str_radix(text.trim(), 16).map_err(|_| {
        format!(
            "{}: not a join-code secret (16 hex digits); delete it to hand out new codes",
            path.display()
        )
    })
}

/// Writes the secret readable by its owner only, replacing the file whole (never a half-written
/// secret after a crash).
fn write(path: &Path, secret: u64) -> Result<(), String> {
    let fail = |e: std::io::Error| {
        format!(
            "{}: cannot keep the join codes' secret: {e}",
            path.display()
        )
    };
    let tmp = path.with_extension("lab-secret.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
    }
    writeln!(f, "{secret:016x}")
        .and_then(|_| f.sync_all())
        .map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resumed_journal_keeps_its_codes_a_new_one_does_not() {
        let dir = std::env::temp_dir().join(format!("tidewatch-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let journal = dir.join("lab.jsonl");
        let (first, _) = for_journal(Some(&journal), false).unwrap();
        let (again, note) = for_journal(Some(&journal), true).unwrap();
        assert_eq!(first, again, "resumed: the same secret");
        assert!(note.contains("kept"), "{note}");
        let (new, _) = for_journal(Some(&journal), false).unwrap();
        assert_ne!(first, new, "a new journal: new codes");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path_beside(&journal))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A secret that is not one is said, with what to do.
        std::fs::write(path_beside(&journal), "hello").unwrap();
        let e = for_journal(Some(&journal), true).unwrap_err();
        assert!(e.contains("delete it"), "{e}");
        // Lost: new codes, said.
        std::fs::remove_file(path_beside(&journal)).unwrap();
        let (_, note) = for_journal(Some(&journal), true).unwrap();
        assert!(note.contains("new slips"), "{note}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
