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
        "scenarios/tabletop-ransomware.ron",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ok"));
}

/// Modules and combined triggers are checked where they are written: an inject's module must
/// exist (with a did-you-mean), an empty `AnyOf` never happens, and `unless: Manual` is refused.
#[test]
fn modules_and_combined_triggers_are_checked_where_written() {
    let t = tutorial();
    let bad_module = t.replacen(
        r#"module: Some("M2"), trigger: AnyOf"#,
        r#"module: Some("M3"), trigger: AnyOf"#,
        1,
    );
    rejects(
        "bad-module.ron",
        &bad_module,
        line_of(&bad_module, r#"Some("M3")"#),
        &["module", "`M3`", "M1, M2"],
    );
    let empty_any = t.replacen(
        r#"AnyOf([At("D2 10:00"), RansomNote("LC")])"#,
        "AnyOf([])",
        1,
    );
    rejects(
        "empty-any.ron",
        &empty_any,
        line_of(&empty_any, "AnyOf([])"),
        &["`I03`", "never happens"],
    );
    let manual_unless = t.replacen(
        r#"unless: Some(Evicted("ministry"))"#,
        "unless: Some(Manual)",
        1,
    );
    rejects(
        "manual-unless.ron",
        &manual_unless,
        line_of(&manual_unless, "unless: Some(Manual)"),
        &["`unless` waits on `Manual`"],
    );
    let no_stage = t.replacen(r#"through: Some("T1486")"#, r#"through: Some("T1490")"#, 1);
    rejects(
        "no-stage.ron",
        &no_stage,
        line_of(&no_stage, "T1490"),
        &["no stage T1490", "T1566.001, T1087, T1021.001, T1486"],
    );
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
fn a_negative_count_names_its_field() {
    let text = tutorial().replacen(
        "kind: Workstation, count: 8,",
        "kind: Workstation, count: -8,",
        1,
    );
    rejects(
        "negative.ron",
        &text,
        line_of(&text, "count: -8"),
        &["`count` is out of range", "never negative"],
    );
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
fn a_misspelled_field_or_variant_gets_a_did_you_mean() {
    let text = tutorial().replacen("population: 180000,", "populaton: 180000,", 1);
    rejects(
        "typo-field.ron",
        &text,
        line_of(&text, "populaton:"),
        &["did you mean `population`?"],
    );
    let text = tutorial().replacen("sector: Government,", "sector: Govermnent,", 1);
    rejects(
        "typo-variant.ron",
        &text,
        line_of(&text, "Govermnent"),
        &[
            "did you mean `Government`?",
            "write one of: Government, Finance",
        ],
    );
    // Nothing close: no guess, only the list.
    let text = tutorial().replacen("sector: Government,", "sector: Shipping,", 1);
    let path = write("no-guess.ron", &text);
    let err = stderr(&tidewatch(&["validate", path.to_str().unwrap()]));
    assert!(
        !err.contains("did you mean") && err.contains("write one of"),
        "{err}"
    );
}

#[test]
fn a_repeated_id_is_reported_at_the_repeat_once_and_alone() {
    let text = tutorial();
    let start = text
        .find("        Island(\n")
        .expect("the tutorial's island");
    let end = start + text[start..].find("        ),\n").unwrap() + "        ),\n".len();
    let twice = format!("{}{}{}", &text[..end], &text[start..end], &text[end..]);
    let first = line_of(&twice, "id: \"LC\"");
    let second = first + twice[start..end].matches('\n').count();
    rejects(
        "twice.ron",
        &twice,
        second,
        &[&format!(
            "`LC` is declared again in `islands` (first at line {first})"
        )],
    );
    let path = write("twice.ron", &twice);
    let err = stderr(&tidewatch(&["validate", path.to_str().unwrap()]));
    assert_eq!(err.matches("error:").count(), 1, "only the repeat: {err}");
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
    // DNS tunnelling for command and control is in the catalog; a slip gets a guess.
    let dns = tutorial().replacen(
        "Stage(technique: \"T1087\")",
        "Stage(technique: \"T1071.004\")",
        1,
    );
    let path = write("dns.ron", &dns);
    let out = tidewatch(&["validate", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let slip = tutorial().replacen(
        "Stage(technique: \"T1087\")",
        "Stage(technique: \"T1071.04\")",
        1,
    );
    rejects(
        "dns-slip.ron",
        &slip,
        line_of(&slip, "T1071.04"),
        &["did you mean `T1071.004`"],
    );
}

/// Vocabulary for the wider region: a mainland member on its own clock, reached over land, and
/// an electoral commission; an island keeping another time than a scenario that gives none is
/// refused where it is written.
#[test]
fn mainland_members_time_zones_and_elections_are_part_of_the_format() {
    let t = tutorial();
    // The tutorial gives its clock's offset (`utc_offset: Some("UTC-4")`).
    let with = t
        .replacen(
            "    islands: [\n",
            "    islands: [\n        Island(id: \"BZ\", name: \"Belize\", population: 400000, gdp_usd: 3.0e9, lat: 17.25, lon: -88.77, csirt: false, npc: false, utc_offset: Some(\"UTC-6\"), mainland: true),\n",
            1,
        )
        .replacen("sector: Government,", "sector: Elections,", 1);
    let path = write("mainland.ron", &with);
    let out = tidewatch(&["run", path.to_str().unwrap(), "--until", "1d"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Belize (BZ)"), "{}", stdout(&out));
    let no_clock = with.replacen("    utc_offset: Some(\"UTC-4\"),\n", "", 1);
    rejects(
        "no-clock.ron",
        &no_clock,
        line_of(&no_clock, "Some(\"UTC-6\"), mainland"),
        &["keeps UTC-6", "utc_offset: Some(\"UTC-4\")"],
    );
    let bad = with.replacen("Some(\"UTC-6\"), mainland", "Some(\"EST\"), mainland", 1);
    rejects(
        "bad-offset.ron",
        &bad,
        line_of(&bad, "\"EST\""),
        &["not a UTC offset", "UTC-4"],
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

/// The tutorial with a `defaults` block (or any other top-level field) added at the end.
/// The tutorial with one more top-level field at the end, in place of its own if it has one.
fn tutorial_with(field: &str) -> String {
    let mut t = tutorial();
    let name = field.split(':').next().unwrap();
    if let Some(at) = t.find(&format!("\n    {name}: ")) {
        // The tutorial's own block runs to the first line that closes it: `),` at its end.
        let close = at + t[at..].find("),\n").unwrap() + "),\n".len();
        t.replace_range(at + 1..close, "");
    }
    let end = t.trim_end().strip_suffix(')').unwrap().to_string();
    format!("{end}    {field},\n)\n")
}

#[test]
fn times_and_durations_beyond_the_clock_are_refused_with_their_place() {
    for (name, from, to, word) in [
        (
            "start-day",
            "start: \"D1 09:30\"",
            "start: \"D999999999999999999 09:30\"",
            "from 1 to 366",
        ),
        (
            "stage",
            "duration: Some(\"12h\")",
            "duration: Some(\"18446744073709551615m\")",
            "at most 366d",
        ),
        (
            "length",
            "duration: \"2d\"",
            "duration: \"400d\"",
            "at most 366d",
        ),
    ] {
        let text = tutorial().replacen(from, to, 1);
        assert_ne!(text, tutorial(), "{name}: fixture changed");
        rejects(&format!("{name}.ron"), &text, line_of(&text, to), &[word]);
    }
    // The same through --set, and in a command file.
    let out = tidewatch(&["run", "tutorial", "--set", "duration=18446744073709551615m"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("at most 366d"), "{}", stderr(&out));
    let path = write(
        "late.commands.ron",
        "[ Timed(at: \"D99999999999999999999 10:00\", do: Note(\"late\")) ]",
    );
    let out = tidewatch(&["run", "tutorial", "--commands", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn an_empty_island_list_with_teams_still_naming_one_is_reported_not_a_panic() {
    let t = tutorial();
    let (a, b) = (t.find("islands: [").unwrap(), t.find("links:").unwrap());
    let text = format!("{}islands: [],\n    {}", &t[..a], &t[b..]);
    let path = write("no-islands.ron", &text);
    let out = tidewatch(&["validate", path.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the scenario has no islands"), "{err}");
    assert!(err.contains("island `LC`, which is not declared"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_defaults_block_is_checked_field_by_field() {
    for (value, word) in [
        ("online_backups_lost: 5.0", "between 0 and 1"),
        ("online_backups_lost: -1.0", "between 0 and 1"),
        ("online_backups_lost: NaN", "between 0 and 1"),
        (
            "false_alerts_per_host_day: inf",
            "from 0 to 1 per monitored host",
        ),
        (
            "false_alerts_per_host_day: -3.0",
            "from 0 to 1 per monitored host",
        ),
        (
            "false_alerts_per_host_day: 1e6",
            "from 0 to 1 per monitored host",
        ),
        ("triage: \"0m\"", "`defaults.triage` is zero"),
        ("rebuild: \"0m\"", "`defaults.rebuild` is zero"),
    ] {
        let text = tutorial_with(&format!("defaults: Defaults({value})"));
        rejects("defaults.ron", &text, line_of(&text, value), &[word]);
    }
    let text = tutorial_with("intel: Intel(apply: \"0m\", detection_boost: NaN)");
    rejects(
        "intel.ron",
        &text,
        line_of(&text, "apply: \"0m\""),
        &["`intel.apply` is zero"],
    );
    assert!(
        stderr(&tidewatch(&[
            "validate",
            write("intel.ron", &text).to_str().unwrap()
        ]))
        .contains("detection_boost")
    );
}

#[test]
fn overrides_are_validated_after_they_apply() {
    for (set, word) in [
        (
            "format=0",
            "scenario format 0 (set by `--set`) is not supported",
        ),
        ("defaults.online_backups_lost=5.0", "between 0 and 1"),
        (
            "defaults.false_alerts_per_host_day=1000000.0",
            "from 0 to 1",
        ),
        ("assistance.stay=0m", "`assistance.stay` is zero"),
    ] {
        let out = tidewatch(&["run", "tutorial", "--set", set]);
        assert_eq!(out.status.code(), Some(1), "--set {set}: {}", stderr(&out));
        assert!(stderr(&out).contains(word), "--set {set}: {}", stderr(&out));
    }
}

#[test]
fn lint_warns_without_failing_unless_told_to() {
    let clean = tidewatch(&["lint", "eastern-caribbean", "tutorial", "--deny-warnings"]);
    assert!(clean.status.success(), "{}", stderr(&clean));
    assert!(!stderr(&clean).contains("warning"));
    let args = ["lint", "tutorial", "--set", "islands.LC.gdp_usd=19.4"];
    let warned = tidewatch(&args);
    assert!(warned.status.success(), "a warning alone exits 0");
    assert!(stdout(&warned).contains("1 warning"), "{}", stdout(&warned));
    assert!(
        stderr(&warned).contains("embedded:tutorial:")
            && stderr(&warned).contains("warning: Saint Lucia has a GDP of US$19.4"),
        "{}",
        stderr(&warned)
    );
    let denied = tidewatch(&[&args[..], &["--deny-warnings"]].concat());
    assert_eq!(denied.status.code(), Some(1));
    // validate shows lint's warnings too.
    let text = tutorial().replacen("gdp_usd: 2.4e9", "gdp_usd: 2.4", 1);
    let path = write("gdp.ron", &text);
    let out = tidewatch(&["validate", path.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains(&format!(
            "{}:{}:",
            path.display(),
            line_of(&text, "gdp_usd: 2.4")
        )) && stderr(&out).contains("warning:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_new_scenario_validates_lints_clean_runs_and_is_never_written_over() {
    pacific_starter();
    let dir = std::env::temp_dir().join(format!("tidewatch-new-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("northern.ron");
    let p = path.to_str().unwrap();
    let out = tidewatch(&["new", "Northern drill", "--islands", "KN,AG,MS", "--out", p]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("Saint Kitts and Nevis")
            && text.contains(r#"system: "ECFS", between: ("KN", "AG")"#)
            && text.contains(r#"between: ("AG", "MS")"#),
        "{text}"
    );
    let lint = tidewatch(&["lint", p, "--deny-warnings"]);
    assert!(lint.status.success(), "{}", stderr(&lint));
    let run = tidewatch(&["run", p, "--until", "1d"]);
    assert!(run.status.success(), "{}", stderr(&run));
    // Never over an existing file; an unknown island is refused with a guess.
    let again = tidewatch(&["new", "Northern drill", "--islands", "KN", "--out", p]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let wrong = tidewatch(&[
        "new",
        "x",
        "--islands",
        "ZZ",
        "--out",
        dir.join("x.ron").to_str().unwrap(),
    ]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("not an island tidewatch knows"),
        "{}",
        stderr(&wrong)
    );
    std::fs::remove_dir_all(dir).ok();
}

/// Issue 28's South Pacific: six states across the 180th meridian from the gazetteer alone
/// validate, lint clean (warnings denied) and run three days.
fn pacific_starter() {
    let dir = std::env::temp_dir().join(format!("tidewatch-pacific-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pacific.ron");
    let p = path.to_str().unwrap();
    let out = tidewatch(&[
        "new",
        "pacific",
        "--islands",
        "FJ,TO,WS,VU,SB,PG",
        "--out",
        p,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for args in [
        &["validate", p][..],
        &["lint", p, "--deny-warnings"],
        &["run", p, "--until", "72h"],
    ] {
        let out = tidewatch(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(r#"name: "CERT Tonga (Tonga)""#) && text.contains(r#"system: "Tonga Cable""#),
        "{text}"
    );
    std::fs::remove_dir_all(dir).ok();
}

/// The tutorial shows every top-level field of the format (in a comment for the optional
/// `defaults`), so an author learns none of them from an error message.
#[test]
fn the_tutorial_shows_every_top_level_field() {
    let text = tutorial();
    let scenario: tidewatch::scenario::Scenario =
        tidewatch::scenario::parse_ron("tutorial", &text).unwrap();
    let tree = serde_json::to_value(&scenario).unwrap();
    let missing: Vec<&String> = tree
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| !text.contains(&format!("{k}:")))
        .collect();
    assert!(missing.is_empty(), "the tutorial never shows {missing:?}");
}

/// Whose decision it is: the first team the inject is sent to, or the one named as `decider`;
/// a decision put to nobody, or to a decider who never sees it, is refused where it is written.
#[test]
fn a_decision_belongs_to_a_team_it_is_sent_to() {
    let tabletop = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/tabletop.ron"
    ))
    .unwrap();
    let sent_to = "from: \"Chief executive, Provider A\", to: [\"a-npc\"],";
    let prompt = "Decision(prompt: \"Advise the provider\",";
    let nobody = tabletop.replacen(sent_to, "from: \"Chief executive, Provider A\", to: [],", 1);
    rejects(
        "nobody.ron",
        &nobody,
        line_of(&nobody, "decision: Some(Decision(prompt: \"Advise"),
        &["inject `I2` puts a decision to nobody"],
    );
    let stranger = tabletop.replacen(
        prompt,
        "Decision(decider: Some(\"b-csirt\"), prompt: \"Advise the provider\",",
        1,
    );
    rejects(
        "stranger.ron",
        &stranger,
        line_of(&stranger, "decider: Some(\"b-csirt\")"),
        &["its decider `b-csirt` is not among the teams it is sent to"],
    );
    // Named and sent to: the CSIRT (auto-played) takes the default, not the first team.
    let named = tabletop
        .replacen(
            sent_to,
            "from: \"Chief executive, Provider A\", to: [\"a-npc\", \"b-csirt\"],",
            1,
        )
        .replacen(
            prompt,
            "Decision(decider: Some(\"b-csirt\"), prompt: \"Advise the provider\",",
            1,
        );
    let path = write("named.ron", &named);
    let events = path.with_extension("jsonl");
    let out = tidewatch(&[
        "run",
        path.to_str().unwrap(),
        "--until",
        "6h",
        "--events",
        events.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let taken: Vec<String> = events_in(&events)
        .into_iter()
        .filter(|e| e["kind"] == "DecisionTaken" && e["inject"] == "I2")
        .map(|e| e["team"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(taken, vec!["b-csirt".to_string()]);
}

/// Old files keep loading: scenarios as they were written for format 1 on the first days
/// (kept verbatim under tests/data/format-1/, named for the commit that wrote them) still
/// validate and run after the format grew modules, combined triggers, `unless` and the rest,
/// because every field added since has a default.
#[test]
fn scenarios_written_for_format_1_still_load_and_run() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/format-1");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        let path = file.to_str().unwrap();
        let out = tidewatch(&["run", path, "--until", "12h", "--rehearse"]);
        assert!(out.status.success(), "{path}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("digest "), "{path}: {text}");
        assert!(text.contains("Exercise structure:"), "{path}: {text}");
    }
}
