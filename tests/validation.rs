//! Bad input never panics: it exits 1 with file:line:col, what is wrong and how to fix it.

mod common;
use common::*;

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tidewatch-validation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn tutorial() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/tutorial.ron"
    ))
    .unwrap()
}

/// Line (1-based) of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in fixture"))]
        .matches('\n')
        .count()
        + 1
}

fn rejects(name: &str, text: &str, expect_line: usize, expect: &[&str]) {
    let path = write(name, text);
    for cmd in [
        vec!["validate", path.to_str().unwrap()],
        vec!["run", path.to_str().unwrap()],
    ] {
        let out = tidewatch(&cmd);
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{cmd:?} should exit 1, stderr: {err}"
        );
        let prefix = format!("{}:{expect_line}:", path.display());
        assert!(
            err.contains(&prefix),
            "{cmd:?}: expected a diagnostic at {prefix}, got:\n{err}"
        );
        for word in expect {
            assert!(err.contains(word), "{cmd:?}: expected `{word}` in:\n{err}");
        }
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn shipped_scenarios_validate() {
    let out = tidewatch(&[
        "validate",
        "scenarios/eastern-caribbean.ron",
        "scenarios/tutorial.ron",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ok"));
}

#[test]
fn syntax_error_names_its_position() {
    let text = tutorial().replacen(
        "name: \"Saint Lucia\",",
        "name: \"Saint Lucia\" population",
        1,
    );
    let line = line_of(&text, "population");
    rejects("syntax.ron", &text, line, &["error"]);
}

#[test]
fn wrong_type_names_its_position() {
    let text = tutorial().replacen("population: 180000,", "population: \"many\",", 1);
    rejects("type.ron", &text, line_of(&text, "\"many\""), &["error"]);
}

#[test]
fn unknown_field_lists_the_real_ones() {
    let text = tutorial().replacen("csirt: true,", "cert: true,", 1);
    rejects(
        "field.ron",
        &text,
        line_of(&text, "cert:"),
        &["cert", "csirt"],
    );
}

#[test]
fn unknown_island_reference_names_the_field_and_the_known_ids() {
    let text = tutorial().replacen(
        "island: \"LC\",              // must be",
        "island: \"XX\",              // must be",
        1,
    );
    rejects(
        "reference.ron",
        &text,
        line_of(&text, "\"XX\""),
        &["island `XX`", "known ids: LC"],
    );
}

#[test]
fn unknown_technique_is_reported() {
    let text = tutorial().replacen(
        "Stage(technique: \"T1087\")",
        "Stage(technique: \"T9999\")",
        1,
    );
    rejects(
        "technique.ron",
        &text,
        line_of(&text, "T9999"),
        &["T9999", "not in the catalog"],
    );
}

#[test]
fn absurd_numbers_are_refused() {
    let text = tutorial().replacen(
        "sensor_coverage: 0.5, patch_level: 0.7",
        "sensor_coverage: 5.0, patch_level: 0.7",
        1,
    );
    rejects(
        "share.ron",
        &text,
        line_of(&text, "sensor_coverage: 5.0"),
        &["between 0 and 1"],
    );
    let text = tutorial().replacen("count: 8,", "count: 900000000,", 1);
    let path = write("huge.ron", &text);
    let out = tidewatch(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("hosts"), "{}", stderr(&out));
}

#[test]
fn campaign_before_the_exercise_starts_is_refused() {
    let text = tutorial().replacen("start: \"D1 09:30\"", "start: \"D1 07:00\"", 1);
    rejects(
        "early.ron",
        &text,
        line_of(&text, "D1 07:00"),
        &["before the exercise starts"],
    );
}

#[test]
fn truncated_and_empty_files_and_missing_paths_exit_1() {
    let t = tutorial();
    let cut = &t[..t.len() / 2];
    let path = write("truncated.ron", cut);
    let out = tidewatch(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&format!("{}:", path.display())));
    let path = write("empty.ron", "");
    assert_eq!(
        tidewatch(&["validate", path.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    let path = write("binary.ron", "\u{0}\u{1}\u{2}");
    assert_eq!(
        tidewatch(&["validate", path.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    let out = tidewatch(&["run", "no/such/file.ron"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(tidewatch(&["run"]).status.code(), Some(2));
    assert_eq!(
        tidewatch(&["run", "tutorial", "--until", "90"])
            .status
            .code(),
        Some(2)
    );
}
