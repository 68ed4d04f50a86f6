//! The console renders under Xvfb and agrees with the headless run.
#![cfg(feature = "console")]

mod common;
use common::*;

use std::process::Command;

/// The flagship, the scenario the console opens by default.
fn flagship() -> std::sync::Arc<tidewatch::scenario::Plan> {
    plan("scenarios/eastern-caribbean.ron", &[])
}

/// The flagship's points of contact on islands that have designated one, in file order.
fn points_of_contact() -> Vec<String> {
    let flagship = flagship();
    let s = &flagship.scenario;
    let designated = |island: &Option<String>| {
        s.islands
            .iter()
            .any(|i| Some(&i.id) == island.as_ref() && i.npc)
    };
    (s.teams.iter())
        .filter(|t| t.kind == tidewatch::scenario::TeamKind::Npc && designated(&t.island))
        .map(|t| t.id.clone())
        .collect()
}

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the console in a virtual X display with Mesa's software Vulkan driver.
fn console_under_xvfb(args: &[&str]) -> std::process::Output {
    Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1600x1000x24"])
        .arg(env!("CARGO_BIN_EXE_tidewatch"))
        .args(args)
        .env("WGPU_BACKEND", "vulkan")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("xvfb-run starts")
}

#[test]
fn console_screenshot_digest_matches_headless_run() {
    if !have("xvfb-run") {
        // CI installs Xvfb; a developer machine without it cannot run this test.
        assert!(
            std::env::var_os("CI").is_none(),
            "xvfb-run is required in CI (.ci/run installs it)"
        );
        eprintln!("skipping: xvfb-run is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("tidewatch-console-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("console.png");
    let journal = dir.join("console.jsonl");
    let out = console_under_xvfb(&[
        "console",
        "scenarios/eastern-caribbean.ron",
        "--seed",
        "42",
        "--screenshot",
        png.to_str().unwrap(),
        "--after",
        "6h",
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "console failed:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let printed = stdout(&out);
    let console_digest = printed
        .lines()
        .find_map(|l| l.strip_prefix("tick 360 digest "))
        .unwrap_or_else(|| panic!("no digest line for tick 360 in:\n{printed}"))
        .trim()
        .to_string();
    let run = json(&tidewatch(&[
        "run",
        "scenarios/eastern-caribbean.ron",
        "--seed",
        "42",
        "--until",
        "6h",
        "--json",
    ]));
    assert_eq!(run["digest"].as_str().unwrap(), console_digest);
    // The console's journal replays to the same digest.
    let replay = tidewatch(&["replay", journal.to_str().unwrap(), "--verify", "--json"]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    assert_eq!(json(&replay)["digest"].as_str().unwrap(), console_digest);
    // The console continues that journal: replays it, verifies it and runs on to 8h.
    let resumed_png = dir.join("resumed.png");
    let out = console_under_xvfb(&[
        "console",
        "--resume",
        journal.to_str().unwrap(),
        "--screenshot",
        resumed_png.to_str().unwrap(),
        "--after",
        "8h",
        "--end-at",
        "8h",
    ]);
    assert!(
        out.status.success(),
        "resumed console failed:\n{}",
        stderr(&out)
    );
    let resumed = stdout(&out);
    let at_8h = json(&tidewatch(&[
        "run",
        "scenarios/eastern-caribbean.ron",
        "--seed",
        "42",
        "--until",
        "8h",
        "--json",
    ]));
    assert!(
        resumed.contains(&format!(
            "tick 480 digest {}",
            at_8h["digest"].as_str().unwrap()
        )),
        "{resumed}"
    );
    // EndEx at 8h: the after-action report is beside the journal, which still verifies.
    let report = std::fs::read_to_string(dir.join("console-report.md"))
        .expect("the console wrote the after-action report beside its journal");
    assert!(report.contains("Played from Mon 2026-03-02 08:00 to Mon 2026-03-02 16:00"));
    assert!(dir.join("console-report.html").exists());
    let verified = tidewatch(&["replay", journal.to_str().unwrap(), "--verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    let bytes = std::fs::read(&png).expect("the screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        bytes.len() > 20_000,
        "a screenshot of the map, clock and feed is not tiny ({} bytes)",
        bytes.len()
    );
    if let Ok(keep) = std::env::var("TIDEWATCH_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
    std::fs::remove_dir_all(dir).ok();
}

/// A team's view renders too, and the exercise it shows is the one `run` plays with that team
/// handed to the trainees.
#[test]
fn the_team_view_renders_and_plays_the_same_exercise() {
    if !have("xvfb-run") {
        assert!(
            std::env::var_os("CI").is_none(),
            "xvfb-run is required in CI"
        );
        eprintln!("skipping: xvfb-run is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("tidewatch-team-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("team.png");
    let team = &points_of_contact()[0];
    let out = console_under_xvfb(&[
        "console",
        "--team",
        team,
        "--seed",
        "42",
        "--screenshot",
        png.to_str().unwrap(),
        "--after",
        "8h",
    ]);
    assert!(out.status.success(), "team view failed:\n{}", stderr(&out));
    let run = json(&tidewatch(&[
        "run",
        "eastern-caribbean",
        "--seed",
        "42",
        "--set",
        &format!("teams.{team}.auto=false"),
        "--until",
        "8h",
        "--json",
    ]));
    assert!(
        stdout(&out).contains(&format!(
            "tick 480 digest {}",
            run["digest"].as_str().unwrap()
        )),
        "{}",
        stdout(&out)
    );
    let bytes = std::fs::read(&png).expect("the screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000);
    let out = tidewatch(&[
        "console",
        "--team",
        "nobody",
        "--screenshot",
        "x.png",
        "--after",
        "1h",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    if let Ok(keep) = std::env::var("TIDEWATCH_KEEP_TEAM_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn without_a_display_the_console_and_a_seat_say_what_to_do_instead_of_panicking() {
    for (args, hint) in [
        (vec!["console"], "tidewatch run"),
        (
            vec!["seat", "127.0.0.1:1", "--team", "some-team", "--code", "X"],
            "--headless",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_tidewatch"))
            .args(&args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("no display") && err.contains(hint), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn the_console_refuses_what_it_would_ignore_or_fail_at_later() {
    // --resume takes the journal's own seed and overrides: giving others is a usage error.
    let both = tidewatch(&["console", "--resume", "exercise.jsonl", "--seed", "3"]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    assert!(stderr(&both).contains("cannot be used with"));
    // A screenshot that cannot be saved is said before anything runs.
    let shot = tidewatch(&[
        "console",
        "--screenshot",
        "/nonexistent-dir/shot.png",
        "--after",
        "1h",
    ]);
    assert_eq!(shot.status.code(), Some(1), "{}", stderr(&shot));
    assert!(
        stderr(&shot).contains("cannot write the screenshot"),
        "{}",
        stderr(&shot)
    );
}

/// A command file played through the console (`--commands`) is journaled like orders given in
/// the window, live injects and schedule changes included, and the journal replays to the
/// digest `run` reaches with the same file; the projector options change nothing but the look.
#[test]
fn the_console_plays_a_command_file_into_its_journal() {
    if !have("xvfb-run") {
        assert!(
            std::env::var_os("CI").is_none(),
            "xvfb-run is required in CI"
        );
        eprintln!("skipping: xvfb-run is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("tidewatch-console-cmd-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let commands = dir.join("room.ron");
    // A live inject to two points of contact, the second scripted inject skipped and the third
    // moved, and the first cable cut.
    let flagship = flagship();
    let contacts = points_of_contact();
    let inject = |k: usize| flagship.scenario.msel[k].id.clone();
    let (skipped, moved) = (inject(1), inject(2));
    let cable = (flagship.scenario.links.iter())
        .find(|l| l.kind == tidewatch::scenario::LinkKind::SubmarineCable)
        .unwrap()
        .id
        .clone();
    std::fs::write(
        &commands,
        format!(
            r#"[
            Timed(at: "D1 08:30", do: SendInject((title: "Radio asks about the ministry's email",
                channel: Phone, from: "Radio Antilles", to: ["{}", "{}"],
                questions: ["What do you say on air?"]))),
            Timed(at: "D1 08:40", do: SkipInject("{skipped}")),
            Timed(at: "D1 08:45", do: RescheduleInject(inject: "{moved}", at: "D1 09:30")),
            Timed(at: "D1 09:00", do: CutLink("{cable}")),
        ]"#,
            contacts[0], contacts[1]
        ),
    )
    .unwrap();
    let png = dir.join("timeline.png");
    let journal = dir.join("room.jsonl");
    let out = console_under_xvfb(&[
        "console",
        "--commands",
        commands.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--screenshot",
        png.to_str().unwrap(),
        "--after",
        "3h",
        "--size",
        "1280x720",
        "--scale",
        "1.5",
        "--present",
        "--screen",
        "timeline",
    ]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let digest = stdout(&out)
        .lines()
        .find_map(|l| l.strip_prefix("tick 180 digest "))
        .map(|d| d.trim().to_string())
        .unwrap_or_else(|| panic!("no digest at tick 180:\n{}", stdout(&out)));
    let text = std::fs::read_to_string(&journal).unwrap();
    for kind in ["SendInject", "SkipInject", "RescheduleInject", "CutLink"] {
        assert!(text.contains(kind), "{kind} is on the record");
    }
    let replay = tidewatch(&["replay", journal.to_str().unwrap(), "--verify", "--json"]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    assert_eq!(json(&replay)["digest"].as_str().unwrap(), digest);
    let run = json(&tidewatch(&[
        "run",
        "eastern-caribbean",
        "--commands",
        commands.to_str().unwrap(),
        "--until",
        "3h",
        "--json",
    ]));
    assert_eq!(run["digest"].as_str().unwrap(), digest);
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    std::fs::remove_dir_all(dir).ok();
}
