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

/// What the console's map drew where (`--map-layout`), after a screenshot of the map screen.
fn drawn_map(scenario: &str, after: &str, name: &str) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!("tidewatch-map-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (png, layout) = (dir.join("map.png"), dir.join("map.json"));
    let out = console_under_xvfb(&[
        "console",
        scenario,
        "--size",
        "1280x720",
        "--screen",
        "map",
        "--screenshot",
        png.to_str().unwrap(),
        "--map-layout",
        layout.to_str().unwrap(),
        "--after",
        after,
    ]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let drawn: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&layout).unwrap()).unwrap();
    std::fs::remove_dir_all(dir).ok();
    drawn
}

fn xy(v: &serde_json::Value) -> (f64, f64) {
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

fn boxes_overlap(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    let f = |v: &serde_json::Value, k: usize| v[k].as_f64().unwrap();
    f(a, 0) < f(b, 2) && f(b, 0) < f(a, 2) && f(a, 1) < f(b, 3) && f(b, 1) < f(a, 3)
}

/// Issue 28's done-when, checked on what the console drew rather than on pixels: Fiji, Tonga
/// and Samoa across the 180th meridian are drawn in one piece, west to east, their distances
/// on screen in proportion to the real ones; the cut Tonga Cable and the satellite path beside
/// it are two lines; every label is on the map and covers no other. The flagship's eleven
/// islands' labels cover none of each other either.
#[test]
fn the_map_draws_a_region_across_the_antimeridian_in_one_piece() {
    if !have("xvfb-run") {
        assert!(
            std::env::var_os("CI").is_none(),
            "xvfb-run is required in CI (.ci/run installs it)"
        );
        eprintln!("skipping: xvfb-run is not installed");
        return;
    }
    let drawn = drawn_map("tests/data/pacific.ron", "13h", "pacific");
    let islands = drawn["islands"].as_array().unwrap();
    let at = |id: &str| xy(&islands.iter().find(|i| i["id"] == id).unwrap()["at"]);
    let (fj, to, ws) = (at("FJ"), at("TO"), at("WS"));
    assert!(
        fj.0 < to.0 && to.0 < ws.0,
        "west to east: {fj:?} {to:?} {ws:?}"
    );
    let area = drawn["area"].as_array().unwrap();
    let width = area[2].as_f64().unwrap() - area[0].as_f64().unwrap();
    // Real great-circle distances (km) against drawn ones: the same proportions within 15%.
    let km = |a: (f64, f64), b: (f64, f64)| {
        let (la1, lo1, la2, lo2) = (
            a.0.to_radians(),
            a.1.to_radians(),
            b.0.to_radians(),
            b.1.to_radians(),
        );
        let h = ((la2 - la1) / 2.0).sin().powi(2)
            + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
        2.0 * 6371.0 * h.sqrt().asin()
    };
    let px = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let (fiji, tonga, samoa) = ((-18.14, 178.44), (-21.14, -175.2), (-13.83, -171.76));
    let real = km(fiji, tonga) / km(fiji, samoa);
    let shown = px(fj, to) / px(fj, ws);
    assert!(
        (shown / real - 1.0).abs() < 0.15,
        "shown {shown:.2}, real {real:.2}"
    );
    assert!(px(fj, ws) < width, "drawn the short way round");
    // The two links between Fiji and Tonga: one cut, one up, side by side a few points apart.
    let links = drawn["links"].as_array().unwrap();
    let fj_to: Vec<&serde_json::Value> = links
        .iter()
        .filter(|l| l["between"] == serde_json::json!([0, 1]))
        .collect();
    assert_eq!(fj_to.len(), 2, "{links:?}");
    assert!(fj_to.iter().any(|l| l["up"] == false) && fj_to.iter().any(|l| l["up"] == true));
    let gap = px(xy(&fj_to[0]["from"]), xy(&fj_to[1]["from"]));
    assert!(gap >= 4.0, "the two lines are {gap:.1} points apart");
    for map in [drawn, drawn_map("eastern-caribbean", "1h", "flagship")] {
        let islands = map["islands"].as_array().unwrap();
        let area = map["area"].as_array().unwrap();
        let labels: Vec<&serde_json::Value> = islands.iter().map(|i| &i["label"]).collect();
        for (k, label) in labels.iter().enumerate() {
            assert!(!label.is_null(), "island {k} has no label");
            let inside = label[0].as_f64() >= area[0].as_f64()
                && label[2].as_f64() <= area[2].as_f64()
                && label[1].as_f64() >= area[1].as_f64()
                && label[3].as_f64() <= area[3].as_f64();
            assert!(inside, "label {k} {label} is off the map {area:?}");
            for other in &labels[..k] {
                assert!(!boxes_overlap(label, other), "{label} covers {other}");
            }
        }
    }
}
