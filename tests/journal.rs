//! A journal is tamper-evident by line: every edit of a recorded exercise (a field, a seat, a
//! digest, the stored scenario, a deleted, duplicated, moved or appended line) is named with
//! its line by `replay --verify` and by the reader, a record cut short is named as an unclean
//! end, a sealed journal cannot be forged without its key, older formats still replay, and an
//! over-long line is refused without being read whole. On the small tabletop fixture.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tidewatch::exercise::journal::{JournalFile, SealKey, text_hash};
use tidewatch::exercise::session::Session;
use tidewatch::scenario::{self, Command, Source};

const SCENARIO: &str = "tests/data/tabletop.ron";
const COMMANDS: &str = "tests/data/tabletop-commands.ron";
/// The trainee seat that gives A's decision in the recording.
const SEAT: &str = "a-npc/1 Ana@192.0.2.7";
const KEY: &[u8; 32] = b"facilitator's secret, 32 bytes!!";

fn root(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Six hours of the tabletop: its command file (A's decision from a seat), a pause and a
/// resume by the facilitator, a clean stop. Returns the digest at the end.
fn record(path: &Path, seal: Option<SealKey>) -> String {
    let src = Source {
        name: SCENARIO.into(),
        text: std::fs::read_to_string(root(SCENARIO)).unwrap(),
        dir: None,
    };
    let plan = Arc::new(scenario::load_source(&src, &[]).unwrap());
    let commands = scenario::load_commands(&root(COMMANDS).to_string_lossy(), &plan).unwrap();
    let mut s = Session::new(plan, 3);
    s.record(path, &src, &[], seal).unwrap();
    s.add_from(commands.into_iter().map(|(t, c)| {
        let seat = matches!(c, Command::Decide { .. }).then(|| SEAT.to_string());
        (t, c, seat)
    }));
    s.add_from([(60, Command::Pause, None), (75, Command::Resume, None)]);
    s.run_until(6 * 60).unwrap();
    s.finish().unwrap();
    s.sim.digest().hex()
}

fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn position(lines: &[String], what: &str) -> usize {
    lines
        .iter()
        .position(|l| l.contains(what))
        .unwrap_or_else(|| panic!("no line with {what}"))
}

/// The line with its `"seq":N` set to `n`.
fn renumbered(line: &str, n: usize) -> String {
    let at = line.find("\"seq\":").unwrap() + 6;
    let end = at + line[at..].find(',').unwrap();
    format!("{}{n}{}", &line[..at], &line[end..])
}

/// Every line from `from` (0-based) on numbered by its place, as a careful editor would.
fn renumber_from(mut lines: Vec<String>, from: usize) -> Vec<String> {
    for (i, l) in lines.iter_mut().enumerate().skip(from.max(1)) {
        *l = renumbered(l, i);
    }
    lines
}

fn replaced(lines: &[String], at: usize, from: &str, to: &str) -> Vec<String> {
    let mut out = lines.to_vec();
    assert!(
        out[at].contains(from),
        "line {at} has no {from}: {}",
        out[at]
    );
    out[at] = out[at].replacen(from, to, 1);
    out
}

/// The 44 edits a tester made, by class, each with the journal as edited.
fn edits(lines: &[String]) -> Vec<(&'static str, Vec<String>)> {
    let decide = position(lines, "\"Decide\"");
    let pause = position(lines, "\"command\":\"Pause\"");
    let note = position(lines, "\"Note\"");
    let validate = position(lines, "\"Validate\"");
    let fire = position(lines, "\"FireInject\"");
    let digest = position(lines, "\"entry\":\"digest\"");
    let end = lines.len() - 1;
    let last_digest = end - 1;
    assert!(lines[end].contains("\"entry\":\"end\""), "{}", lines[end]);
    let part = |l: &str| {
        let at = l.find("\"hosts\":\"").unwrap() + 9;
        l[at..at + 16].to_string()
    };
    let flip = |s: &str| {
        let (first, rest) = s.split_at(1);
        format!("{}{rest}", if first == "0" { "1" } else { "0" })
    };
    let total = |l: &str| {
        let at = l.find("\"digest\":\"").unwrap() + 10;
        l[at..at + 16].to_string()
    };
    let without = |skip: &[usize]| -> Vec<String> {
        lines
            .iter()
            .enumerate()
            .filter(|(i, _)| !skip.contains(i))
            .map(|(_, l)| l.clone())
            .collect()
    };
    let header = &lines[0];
    // The stored scenario edited, and its hash recomputed as the tester did.
    let scenario_edit = {
        let h: serde_json::Value = serde_json::from_str(header).unwrap();
        let text = h["scenario_text"].as_str().unwrap();
        let edited = text.replacen(
            "The Minister wants a public line",
            "The Minister resigns",
            1,
        );
        let line = header
            .replacen(
                "The Minister wants a public line",
                "The Minister resigns",
                1,
            )
            .replacen(&text_hash(text), &text_hash(&edited), 1);
        let mut out = lines.to_vec();
        out[0] = line;
        out
    };
    let swapped = |a: usize| {
        let mut out = lines.to_vec();
        out.swap(a, a + 1);
        out
    };
    let inserted = |at: usize, line: String| {
        let mut out = lines.to_vec();
        out.insert(at, line);
        out
    };
    let appended = |line: String| {
        let mut out = lines.to_vec();
        out.push(line);
        out
    };
    let cut_chain = |l: &str| l[..l.find(",\"chain\":").unwrap()].to_string() + "}";
    vec![
        // Commands' fields.
        (
            "decision option",
            replaced(lines, decide, "\"isolate\"", "\"monitor\""),
        ),
        (
            "decision team",
            replaced(lines, decide, "\"a-npc\"", "\"b-csirt\""),
        ),
        (
            "command tick",
            replaced(lines, decide, "\"tick\":150", "\"tick\":151"),
        ),
        (
            "note text",
            replaced(lines, note, "no spokesperson", "a spokesperson"),
        ),
        (
            "validation outcome",
            replaced(lines, validate, "\"met\":true", "\"met\":false"),
        ),
        ("fired inject", replaced(lines, fire, "\"I5\"", "\"I4\"")),
        (
            "pause made resume",
            replaced(lines, pause, "\"Pause\"", "\"Resume\""),
        ),
        (
            "command number",
            replaced(lines, note, "\"seq\":", "\"seq\":9"),
        ),
        // Seats.
        (
            "seat forged",
            replaced(lines, decide, "Ana@192.0.2.7", "Bo@192.0.2.9"),
        ),
        (
            "seat's team forged",
            replaced(lines, decide, SEAT, "b-csirt/1 Ana@192.0.2.7"),
        ),
        (
            "seat removed",
            replaced(lines, decide, &format!(",\"seat\":\"{SEAT}\""), ""),
        ),
        (
            "seat given to the facilitator's pause",
            replaced(
                lines,
                pause,
                "\"Pause\"",
                &format!("\"Pause\",\"seat\":\"{SEAT}\""),
            ),
        ),
        // Digests.
        ("digest total", {
            let t = total(&lines[digest]);
            replaced(lines, digest, &t, &flip(&t))
        }),
        ("digest part", {
            let p = part(&lines[digest]);
            replaced(lines, digest, &p, &flip(&p))
        }),
        ("digest part removed", {
            let p = part(&lines[digest]);
            replaced(lines, digest, &format!("\"hosts\":\"{p}\","), "")
        }),
        (
            "digest part added",
            replaced(lines, digest, "\"parts\":{", "\"parts\":{\"extra\":\"0\","),
        ),
        (
            "digest tick",
            replaced(lines, digest, "\"tick\":9,", "\"tick\":8,"),
        ),
        ("last digest total", {
            let t = total(&lines[last_digest]);
            replaced(lines, last_digest, &t, &flip(&t))
        }),
        ("last digest part", {
            let p = part(&lines[last_digest]);
            replaced(lines, last_digest, &p, &flip(&p))
        }),
        // The header and its scenario.
        ("scenario edited, hash recomputed", scenario_edit),
        ("scenario edited", replaced(lines, 0, "StartEx", "StartEX")),
        ("seed", replaced(lines, 0, "\"seed\":3", "\"seed\":4")),
        (
            "overrides",
            replaced(lines, 0, "\"set\":[]", "\"set\":[\"seed=4\"]"),
        ),
        (
            "digest interval",
            replaced(lines, 0, "\"digest_every\":10", "\"digest_every\":20"),
        ),
        (
            "format downgraded",
            replaced(lines, 0, "\"format\":5", "\"format\":4"),
        ),
        (
            "claimed sealed",
            replaced(
                lines,
                0,
                "\"digest_every\":10",
                "\"digest_every\":10,\"sealed\":true",
            ),
        ),
        (
            "scenario's name",
            replaced(lines, 0, "tabletop.ron", "tabletop2.ron"),
        ),
        // Lines deleted, duplicated, moved, inserted.
        (
            "pause deleted, later lines renumbered",
            renumber_from(without(&[pause]), pause),
        ),
        ("digest deleted", without(&[digest])),
        (
            "digest deleted, later lines renumbered",
            renumber_from(without(&[digest]), digest),
        ),
        (
            "command duplicated",
            inserted(decide + 1, lines[decide].clone()),
        ),
        (
            "command duplicated, later lines renumbered",
            renumber_from(inserted(decide + 1, lines[decide].clone()), decide + 1),
        ),
        ("two lines swapped", swapped(pause)),
        (
            "two lines swapped, renumbered",
            renumber_from(swapped(pause), pause),
        ),
        ("header repeated", inserted(1, header.clone())),
        (
            "forged command inserted, later lines renumbered",
            renumber_from(
                inserted(fire, lines[fire].replacen("\"I5\"", "\"I4\"", 1)),
                fire,
            ),
        ),
        ("a line's chain changed", {
            let at = lines[note].find(",\"chain\":\"").unwrap() + 10;
            let c = lines[note][at..at + 64].to_string();
            replaced(lines, note, &c, &flip(&c))
        }),
        ("a line's chain removed", {
            let mut out = lines.to_vec();
            out[validate] = cut_chain(&lines[validate]);
            out
        }),
        // Cut at a line boundary.
        ("cut in the middle", lines[..note].to_vec()),
        ("end marker removed", lines[..end].to_vec()),
        ("cut after the header", lines[..1].to_vec()),
        // Forged lines appended after the clean stop.
        (
            "command appended",
            appended(renumbered(&lines[note], end + 1).replacen("\"tick\":305", "\"tick\":359", 1)),
        ),
        ("end marker repeated", appended(lines[end].clone())),
        // The last line is covered by its own chain: the end marker moved to a later time.
        (
            "end marker's time",
            replaced(lines, end, "\"tick\":360", "\"tick\":420"),
        ),
    ]
}

#[test]
fn every_edit_of_a_journal_is_named_by_its_line() {
    let dir = scratch("journal-edits");
    let journal = dir.join("exercise.jsonl");
    let recorded = record(&journal, None);
    let lines = lines_of(&journal);
    let out = tidewatch(&["replay", journal.to_str().unwrap(), "--verify", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["digest"], recorded);
    assert!(
        stderr(&out).contains("ends with a clean stop"),
        "{}",
        stderr(&out)
    );

    let edits = edits(&lines);
    assert_eq!(edits.len(), 44);
    for (k, (name, edited)) in edits.iter().enumerate() {
        assert_ne!(edited, &lines, "{name}: not an edit");
        let path = dir.join(format!("edit-{k}.jsonl"));
        std::fs::write(&path, edited.join("\n") + "\n").unwrap();
        // The line to name: the first that differs; for a cut, the last one left.
        let first = (0..edited.len()).find(|&i| lines.get(i) != Some(&edited[i]));
        let out = tidewatch(&["replay", path.to_str().unwrap(), "--verify"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name} passed verify:\n{err}");
        let read = JournalFile::read(&path);
        match first {
            Some(i) => {
                assert!(
                    err.contains(&format!("{}:{}:", path.display(), i + 1)),
                    "{name}: line {} not named:\n{err}",
                    i + 1
                );
                let e = read
                    .err()
                    .unwrap_or_else(|| panic!("{name}: the reader took it"));
                assert_eq!(e.0[0].line, i + 1, "{name}: {e}");
            }
            None => {
                let n = edited.len();
                assert!(
                    err.contains(&format!("{}:{n}:", path.display()))
                        && err.contains("without an end marker"),
                    "{name}: the cut is not named at line {n}:\n{err}"
                );
                let file = read.unwrap();
                assert!(!file.ended_cleanly());
                assert_eq!(file.unfinished_at().map(|(l, _)| l), Some(n), "{name}");
            }
        }
    }
}

/// A record cut short says so on the after-action report's first page.
#[test]
fn a_report_of_a_cut_record_says_so_first() {
    let dir = scratch("journal-report");
    let journal = dir.join("exercise.jsonl");
    record(&journal, None);
    let lines = lines_of(&journal);
    let cut = dir.join("cut.jsonl");
    let kept = position(&lines, "\"Note\"") + 1;
    std::fs::write(&cut, lines[..kept].join("\n") + "\n").unwrap();
    for (path, unfinished) in [(&journal, false), (&cut, true)] {
        let md = path.with_extension("md");
        let out = tidewatch(&[
            "report",
            path.to_str().unwrap(),
            "--out",
            md.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = std::fs::read_to_string(&md).unwrap();
        let overview = text.find("## Exercise overview").unwrap();
        let said = text[..overview].find("The record ends at D1 13:06 without an end marker");
        assert_eq!(said.is_some(), unfinished, "{text}");
    }
}

#[test]
fn a_sealed_journal_cannot_be_forged_without_its_key() {
    let dir = scratch("journal-sealed");
    let key = dir.join("exercise.key");
    std::fs::write(&key, KEY).unwrap();
    let journal = dir.join("exercise.jsonl");
    let recorded = record(&journal, Some(SealKey::from_bytes(KEY.to_vec()).unwrap()));
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.lines().next().unwrap().contains("\"sealed\":true"));
    assert!(text.lines().all(|l| l.contains(",\"seal\":\"")));
    assert!(
        !text.contains("facilitator's secret"),
        "the key is never written"
    );
    let verify = |path: &Path, key: Option<&Path>| {
        let mut args = vec!["replay", path.to_str().unwrap(), "--verify", "--json"];
        if let Some(k) = key {
            args.extend(["--seal", k.to_str().unwrap()]);
        }
        tidewatch(&args)
    };
    let out = verify(&journal, Some(&key));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["digest"], recorded);
    assert!(
        stderr(&out).contains("every line's seal matches the key"),
        "{}",
        stderr(&out)
    );
    // Without the key: what can be checked is, and it says the seals were not.
    let out = verify(&journal, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("seals were not checked"),
        "{}",
        stderr(&out)
    );

    // A trainee forges the seat of the decision and recomputes the chain (no key).
    let mut lines = lines_of(&journal);
    let decide = position(&lines, "\"Decide\"");
    lines[decide] = lines[decide].replacen("Ana@192.0.2.7", "Bo@192.0.2.9", 1);
    rechain(&mut lines, decide + 1);
    let forged = dir.join("forged.jsonl");
    std::fs::write(&forged, lines.join("\n") + "\n").unwrap();
    assert!(
        JournalFile::read(&forged).is_ok(),
        "the chain itself was recomputed"
    );
    let out = verify(&forged, Some(&key));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:{}:", forged.display(), decide + 1))
            && err.contains("seal does not match"),
        "{err}"
    );
    // Or strips every seal and the header's word for it: a key-holder is told.
    let stripped: Vec<String> = lines_of(&journal)
        .iter()
        .map(|l| {
            let at = l.find(",\"seal\":\"").unwrap();
            format!("{}}}", &l[..at]).replacen(",\"sealed\":true", "", 1)
        })
        .collect();
    let mut stripped = stripped;
    rechain(&mut stripped, 1);
    let path = dir.join("stripped.jsonl");
    std::fs::write(&path, stripped.join("\n") + "\n").unwrap();
    assert!(
        verify(&path, None).status.success(),
        "a plain journal to anyone without the key"
    );
    let out = verify(&path, Some(&key));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("seals were stripped"),
        "{}",
        stderr(&out)
    );
    // Another key is not the key.
    let other = dir.join("other.key");
    std::fs::write(&other, [7u8; 32]).unwrap();
    let out = verify(&journal, Some(&other));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{}:1:", journal.display())),
        "{}",
        stderr(&out)
    );

    // A sealed journal continues only with its key, sealed to its end.
    let cut = dir.join("cut.jsonl");
    let whole = lines_of(&journal);
    std::fs::write(&cut, whole[..whole.len() / 2].join("\n") + "\n").unwrap();
    let resume = |key: Option<&Path>| {
        let mut args = vec![
            "run",
            "--resume",
            cut.to_str().unwrap(),
            "--until",
            "6h",
            "--json",
        ];
        if let Some(k) = key {
            args.extend(["--seal", k.to_str().unwrap()]);
        }
        tidewatch(&args)
    };
    let out = resume(None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the journal is sealed"),
        "{}",
        stderr(&out)
    );
    let out = resume(Some(&key));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = verify(&cut, Some(&key));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ends with a clean stop"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_resumed_and_a_forked_journal_keep_their_chain() {
    let dir = scratch("journal-resume");
    let whole = dir.join("whole.jsonl");
    let recorded = record(&whole, None);
    let lines = lines_of(&whole);
    // Cut at a line boundary and mid-line (a torn tail), then continued to the same end.
    let text = lines.join("\n") + "\n";
    let at = text.find("\"Note\"").unwrap();
    for (name, cut) in [
        (
            "boundary",
            text[..text[..at].rfind('\n').unwrap() + 1].to_string(),
        ),
        ("torn", text[..at].to_string()),
    ] {
        let path = dir.join(format!("{name}.jsonl"));
        std::fs::write(&path, &cut).unwrap();
        let out = tidewatch(&[
            "run",
            "--resume",
            path.to_str().unwrap(),
            "--commands",
            COMMANDS,
            "--until",
            "6h",
            "--json",
        ]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let out = tidewatch(&["replay", path.to_str().unwrap(), "--verify", "--json"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("ends with a clean stop"),
            "{}",
            stderr(&out)
        );
    }
    // Continued after a clean stop: the end marker stays in the middle, the new end is last.
    let out = tidewatch(&[
        "run",
        "--resume",
        whole.to_str().unwrap(),
        "--until",
        "8h",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let file = JournalFile::read(&whole).unwrap();
    assert!(file.ended_cleanly());
    assert_eq!(file.lines, lines_of(&whole).len());
    // A fork ends cleanly where it was cut, and a key seals it.
    let key = dir.join("k.key");
    std::fs::write(&key, KEY).unwrap();
    let fork = dir.join("fork.jsonl");
    let out = tidewatch(&[
        "replay",
        whole.to_str().unwrap(),
        "--until",
        "4h",
        "--fork",
        fork.to_str().unwrap(),
        "--seal",
        key.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tidewatch(&[
        "replay",
        fork.to_str().unwrap(),
        "--verify",
        "--seal",
        key.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("every line's seal matches"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("up to tick 240"), "{}", stderr(&out));
    let _ = recorded;
}

/// A journal as tidewatch wrote it before digest version 2: format 4, version 1 digests (six
/// hours of `record`'s exercise, kept as it was written).
const DIGEST_1: &str = "tests/data/journals/digest-1.jsonl";

/// A journal recorded with the first digest (format 4) verifies digest for digest, and
/// continued it goes on hashing as it did: every digest it then has verifies. A new journal
/// says it hashes with the second.
#[test]
fn a_journal_of_the_first_digest_verifies_and_continues_with_it() {
    let dir = scratch("journal-digest-1");
    let journal = dir.join("exercise.jsonl");
    std::fs::copy(root(DIGEST_1), &journal).unwrap();
    let verified = |path: &Path| {
        let out = tidewatch(&["replay", path.to_str().unwrap(), "--verify"]);
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    let said = verified(&journal);
    assert!(said.contains("verified 42 digests"), "{said}");
    let out = tidewatch(&[
        "run",
        "--resume",
        journal.to_str().unwrap(),
        "--until",
        "9h",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let file = JournalFile::read(&journal).unwrap();
    assert_eq!((file.header.format, file.header.digest_version), (4, 1));
    let said = verified(&journal);
    assert!(said.contains("verified 60 digests"), "{said}");

    let today = dir.join("today.jsonl");
    record(&today, None);
    let file = JournalFile::read(&today).unwrap();
    assert_eq!(
        (file.header.format, file.header.digest_version),
        (5, tidewatch::sim::digest::DIGEST_VERSION)
    );
    verified(&today);
}

/// Journals of formats 1 to 3 (no chain, no end marker) still read and replay to the digest
/// they recorded; verify says what it could not check.
#[test]
fn older_journals_still_replay() {
    let dir = scratch("journal-old");
    let journal = dir.join("exercise.jsonl");
    std::fs::copy(root(DIGEST_1), &journal).unwrap();
    let out = tidewatch(&["replay", journal.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recorded = json(&out)["digest"].clone();
    let lines = lines_of(&journal);
    // A format 3 writer wrote these bytes: the same entries, no chain, no end marker.
    let unchained: Vec<String> = lines[..lines.len() - 1]
        .iter()
        .map(|l| format!("{}}}", &l[..l.find(",\"chain\":").unwrap()]))
        .collect();
    for format in [3, 2, 1] {
        let old: Vec<String> = unchained
            .iter()
            .map(|l| {
                let mut l = l.replacen("\"format\":4,", &format!("\"format\":{format},"), 1);
                if format < 3 {
                    l = l.replacen(&format!(",\"seat\":\"{SEAT}\""), "", 1);
                }
                if format < 2
                    && let Some(at) = l.find(",\"seq\":")
                {
                    let end = l[at + 7..].find(',').map_or(l.len(), |e| at + 7 + e);
                    l = format!("{}{}", &l[..at], &l[end..]);
                }
                l
            })
            .collect();
        let path = dir.join(format!("format-{format}.jsonl"));
        std::fs::write(&path, old.join("\n") + "\n").unwrap();
        let out = tidewatch(&["replay", path.to_str().unwrap(), "--verify", "--json"]);
        assert!(out.status.success(), "format {format}: {}", stderr(&out));
        assert_eq!(json(&out)["digest"], recorded, "format {format}");
        assert!(stderr(&out).contains("has no chain"), "{}", stderr(&out));
        let file = JournalFile::read(&path).unwrap();
        assert_eq!(file.unfinished_at(), None, "format {format} cannot tell");
        // Continued, it stays in its own format (no chained line its readers would refuse).
        let out = tidewatch(&["run", "--resume", path.to_str().unwrap(), "--until", "7h"]);
        assert!(out.status.success(), "format {format}: {}", stderr(&out));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("\"chain\"") && !text.contains("\"entry\":\"end\""));
        assert!(JournalFile::read(&path).is_ok());
    }
}

/// A journal recorded before the technique catalog's second edition (its header names no
/// edition) replays to the digests it recorded, with the first edition; the same exercise run
/// today, with the second, is another run (a false alert names a technique drawn over the
/// whole catalog), and its journal says which edition it used.
#[test]
fn a_journal_replays_with_the_technique_catalog_it_was_recorded_with() {
    let old = root("tests/data/journals/catalog-edition-1.jsonl");
    let before = std::fs::read(&old).unwrap();
    let out = tidewatch(&["replay", old.to_str().unwrap(), "--verify", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("verified 144 digests"),
        "{}",
        stderr(&out)
    );
    let recorded = json(&out)["digest"].clone();
    assert_eq!(std::fs::read(&old).unwrap(), before, "the fixture changed");
    let dir = scratch("journal-edition");
    let journal = dir.join("today.jsonl");
    let out = tidewatch(&[
        "run",
        root("tests/data/tabletop.ron").to_str().unwrap(),
        "--until",
        "1d",
        "--journal",
        journal.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(
        json(&out)["digest"],
        recorded,
        "the second edition changed nothing"
    );
    let file = JournalFile::read(&journal).unwrap();
    assert_eq!(
        file.header.catalog_edition,
        tidewatch::scenario::CATALOG_EDITION
    );
    let old = JournalFile::read(&old).unwrap();
    assert_eq!(old.header.catalog_edition, 1);
}

/// A line over the bound is refused with its number, after reading no more than the bound: a
/// 1 GB line (sparse, so the test writes next to nothing) answers at once.
#[test]
fn an_over_long_line_is_refused_with_its_number() {
    use std::io::Write;
    let dir = scratch("journal-long");
    let journal = dir.join("exercise.jsonl");
    record(&journal, None);
    let lines = lines_of(&journal);
    let path = dir.join("long.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "{}\n{}", lines[0], lines[1]).unwrap();
    f.set_len(f.metadata().unwrap().len() + (1 << 30)).unwrap();
    drop(f);
    let started = std::time::Instant::now();
    let e = JournalFile::read(&path).err().expect("refused");
    assert_eq!(e.0[0].line, 3, "{e}");
    assert!(e.0[0].message.contains("longer than the 1 MB"), "{e}");
    assert!(started.elapsed().as_secs() < 10);
    let out = tidewatch(&["replay", path.to_str().unwrap(), "--verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{}:3:", path.display())),
        "{}",
        stderr(&out)
    );

    // A header line over its own bound (twice the scenario cap and 1 MB).
    let path = dir.join("long-header.jsonl");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(66 << 20).unwrap();
    let e = JournalFile::read(&path).err().expect("refused");
    assert_eq!(e.0[0].line, 1, "{e}");
    assert!(
        e.0[0]
            .message
            .contains("longer than the 65 MB a journal header"),
        "{e}"
    );

    // A line at the bound is whole: the writer refuses what the reader would.
    let src = Source {
        name: SCENARIO.into(),
        text: std::fs::read_to_string(root(SCENARIO)).unwrap(),
        dir: None,
    };
    let plan = Arc::new(scenario::load_source(&src, &[]).unwrap());
    let mut s = Session::new(plan, 3);
    let path = dir.join("note.jsonl");
    s.record(&path, &src, &[], None).unwrap();
    s.add_commands([(0, Command::Note("x".repeat(1 << 20)))]);
    let err = s.step().unwrap_err();
    assert!(err.contains("over the 1 MB"), "{err}");
    let file = JournalFile::read(&path).unwrap();
    assert_eq!(file.lines, 1, "nothing half-written");
}
