//! What a room needs from a headless lab host, end to end over the loopback address: the
//! decider decides (another team's seat is refused with the reason), a Leadership seat speaks
//! to the public and the other seats hear it, the facilitator controls the clock from the
//! host's standard input, a command file and the modules' pauses (the clock does not move while
//! paused), and a host killed with `kill -9` and resumed hands out the same join codes, so a
//! seat that was reconnecting gets back in.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod lab_host;
use lab_host::{BIN, Host, LIMIT, dir, free_port};

fn seat(host: &Host, team: &str, orders: Option<&Path>, out: &Path) -> Child {
    let mut c = Command::new(BIN);
    c.args([
        "seat",
        &host.address,
        "--team",
        team,
        "--code",
        &host.codes[team],
    ])
    .args(["--name", team, "--headless", "--patience", "1m"])
    .arg("--out")
    .arg(out)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    if let Some(o) = orders {
        c.arg("--commands").arg(o);
    }
    c.spawn().unwrap()
}

fn finished(child: Child, what: &str) -> Output {
    let deadline = Instant::now() + LIMIT;
    let mut child = child;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn on_a_headless_tabletop_the_decider_decides_and_the_modules_pause_the_clock() {
    let d = dir("decider");
    let journal = d.join("tabletop.jsonl");
    let report = d.join("report.json");
    let mut host = Host::start(&[
        "run",
        "tabletop-ransomware",
        "--host",
        "127.0.0.1:0",
        "--pace",
        "3000x",
        "--wait-for-seats",
        "2",
        "--set",
        "teams.gd-cabinet.auto=false",
        "--set",
        "teams.gd-gis.auto=false",
        "--journal",
        journal.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    // The Crisis Committee takes its own decision and speaks to the public; on I11 it answers
    // first, but that statement is the Information Service's to decide.
    let cabinet_orders = d.join("cabinet.ron");
    std::fs::write(
        &cabinet_orders,
        r#"[
            Timed(at: "D1 10:40", do: Decide(team: "gd-cabinet", inject: "I05", option: "refuse")),
            Timed(at: "D1 10:50", do: Statement(team: "gd-cabinet", to: Public,
                text: "The Treasury was attacked by criminals. The government will not pay them.")),
            Timed(at: "D1 14:35", do: Decide(team: "gd-cabinet", inject: "I11", option: "none")),
            Timed(at: "D1 14:40", do: Note("Ask the Treasury when its backups were last tested")),
        ]"#,
    )
    .unwrap();
    let gis_orders = d.join("gis.ron");
    std::fs::write(
        &gis_orders,
        r#"[ Timed(at: "D1 14:45", do: Decide(team: "gd-gis", inject: "I11", option: "facts")) ]"#,
    )
    .unwrap();
    let cabinet = seat(
        &host,
        "gd-cabinet",
        Some(&cabinet_orders),
        &d.join("c.json"),
    );
    let gis = seat(&host, "gd-gis", Some(&gis_orders), &d.join("g.json"));

    // The first module's end stops the clock until the facilitator resumes.
    let paused = host.until(|l| l.starts_with("paused at "));
    assert!(paused.contains("module M1 has ended"), "{paused}");
    let at = host.tick();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(host.tick(), at, "the clock moved while paused");
    host.say("resume");
    let pauses = host.resume_to_the_end();
    assert!(pauses.iter().any(|p| p.contains("module M2")), "{pauses:?}");
    let (status, said) = host.wait();
    assert!(status.success(), "{said}");

    let (cabinet, gis) = (finished(cabinet, "cabinet"), finished(gis, "gis"));
    let said = text(&cabinet);
    assert!(said.contains("order 1 accepted"), "{said}");
    assert!(said.contains("order 2 accepted"), "{said}");
    assert!(
        said.contains("order 3 refused: the decision on `I11` is for gd-gis to decide"),
        "{said}"
    );
    assert!(text(&gis).contains("order 1 accepted"), "{}", text(&gis));
    // The leaders' seat: a Leadership team's view, the module the room is in with its
    // questions, and the public statement heard at the other leaders' seat.
    let screen = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(d.join(name)).unwrap()).unwrap()
    };
    let (c, g) = (screen("c.json"), screen("g.json"));
    assert_eq!(c["view"]["leads"], true);
    let module = &c["view"]["module"];
    assert!(
        module["title"].as_str().unwrap().starts_with("Module 3"),
        "{module}"
    );
    assert!(
        !module["questions"].as_array().unwrap().is_empty(),
        "{module}"
    );
    let heard = g["feed"].to_string();
    assert!(
        heard.contains("National Crisis Committee to the public: \\\"The Treasury was attacked"),
        "{heard}"
    );

    // The record and the report credit the Information Service.
    let file = tidewatch::exercise::journal::JournalFile::read(&journal).unwrap();
    let replay = tidewatch::exercise::session::replay(&file, None, false).unwrap();
    let plan = replay.session.plan.clone();
    let decided: Vec<(String, String)> = replay
        .session
        .sim
        .events()
        .iter()
        .filter_map(|e| match e.event {
            tidewatch::sim::events::SimEvent::DecisionTaken { team, inject, .. } => Some((
                plan.scenario.teams[team.ix()].id.clone(),
                plan.scenario.msel[inject.ix()].id.clone(),
            )),
            _ => None,
        })
        .collect();
    assert!(
        decided.contains(&("gd-gis".into(), "I11".into())),
        "{decided:?}"
    );
    assert!(
        !decided.contains(&("gd-cabinet".into(), "I11".into())),
        "{decided:?}"
    );
    let report = std::fs::read_to_string(&report).unwrap();
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let reviews = report["teams"]
        .as_array()
        .expect("the report's team reviews");
    let gis_review = reviews
        .iter()
        .find(|r| r["team"] == "gd-gis")
        .expect("a review of gd-gis");
    assert!(
        gis_review.to_string().contains("Decided on I11"),
        "{gis_review}"
    );
    // The participants are the seats on the record; a seat's note is the trainees', apart
    // from the facilitator's and the script's.
    let seats = report["overview"]["participants"].to_string();
    assert!(
        seats.contains("gd-cabinet/") && seats.contains("gd-gis/"),
        "{seats}"
    );
    let notes = &report["notes"];
    assert!(
        notes["trainees"]
            .to_string()
            .contains("gd-cabinet: Ask the Treasury when its backups were last tested"),
        "{notes}"
    );
    assert!(
        !notes["facilitator"].to_string().contains("backups"),
        "{notes}"
    );
    assert!(
        report["summary"]["what_happened"][0]
            .as_str()
            .unwrap()
            .contains("discussion-based"),
        "{}",
        report["summary"]
    );
    let timeline = report["timeline"].to_string();
    assert!(
        timeline.contains("to the public: \\\"The Treasury was attacked"),
        "{timeline}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_headless_host_pauses_from_its_input_and_a_command_file_and_ends_when_told() {
    let d = dir("pause");
    let journal = d.join("pause.jsonl");
    let commands = d.join("facilitator.ron");
    std::fs::write(&commands, r#"[ Timed(at: "D1 08:30", do: Pause) ]"#).unwrap();
    let mut host = Host::start(&[
        "run",
        "tabletop-ransomware",
        "--host",
        "127.0.0.1:0",
        "--pace",
        "3000x",
        "--commands",
        commands.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
    ]);
    // The command file's pause holds the clock.
    let paused = host.until(|l| l.starts_with("paused at "));
    assert!(paused.starts_with("paused at D1 08:30"), "{paused}");
    let at = host.tick();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        host.tick(),
        at,
        "the clock moved after the command file's pause"
    );
    // A typo is said back and changes nothing.
    host.say("fire I99");
    let refused = host.until(|l| l.starts_with("not taken: "));
    assert!(refused.contains("I99"), "{refused}");
    host.say("resume");
    host.until(|l| l.starts_with("resumed at "));
    // Typed: pause, a note while paused, resume, then the end long before the scenario's.
    std::thread::sleep(Duration::from_millis(200));
    host.say("pause");
    host.until(|l| l.starts_with("paused at "));
    let at = host.tick();
    assert!(at > 30, "the clock ran after the resume (tick {at})");
    host.say("note the room takes a break");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(host.tick(), at, "the clock moved after a typed pause");
    host.say("resume");
    host.say("end");
    let (status, said) = host.wait();
    assert!(status.success(), "{said}");
    assert!(said.contains("ending the exercise at "), "{said}");

    // The record has the pauses, the resumes and the note, and ends where the room stopped.
    let file = tidewatch::exercise::journal::JournalFile::read(&journal).unwrap();
    let given: Vec<String> = file
        .commands()
        .into_iter()
        .map(|c| format!("{:?}", c.command))
        .collect();
    let pauses = given.iter().filter(|c| *c == "Pause").count();
    let resumes = given.iter().filter(|c| *c == "Resume").count();
    assert_eq!((pauses, resumes), (2, 2), "{given:?}");
    assert!(
        given.iter().any(|c| c.contains("the room takes a break")),
        "{given:?}"
    );
    assert!(file.reached() < 600, "ended early: {}", file.reached());
    let verify = Command::new(BIN)
        .args(["replay", "--verify"])
        .arg(&journal)
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", text(&verify));
    let _ = std::fs::remove_dir_all(&d);
}

/// A port free on the loopback now (the resumed host must listen where the seats knew it).

#[test]
fn a_host_killed_and_resumed_keeps_its_join_codes_and_its_seat() {
    let d = dir("crash");
    let journal = d.join("crash.jsonl");
    let address = format!("127.0.0.1:{}", free_port());
    let mut host = Host::start(&[
        "run",
        "tabletop-ransomware",
        "--host",
        &address,
        "--pace",
        "600x",
        "--wait-for-seats",
        "1",
        "--set",
        "teams.gd-csirt.auto=false",
        "--journal",
        journal.to_str().unwrap(),
    ]);
    let codes = host.codes.clone();
    let kept = host
        .heard
        .iter()
        .find(|l| l.contains("lab-secret"))
        .unwrap();
    assert!(kept.contains("owner-only"), "{kept}");
    let trainee = seat(&host, "gd-csirt", None, &d.join("csirt.json"));
    // Wait for the clock to run a little, then the facilitator's laptop dies.
    while host.tick() < 20 {
        std::thread::sleep(Duration::from_millis(100));
    }
    host.crash();

    let mut again = Host::start(&[
        "run",
        "--resume",
        journal.to_str().unwrap(),
        "--host",
        &address,
        "--pace",
        "3000x",
    ]);
    assert_eq!(
        again.codes, codes,
        "a resumed host hands out the same codes"
    );
    let kept = again
        .heard
        .iter()
        .find(|l| l.contains("lab-secret"))
        .unwrap();
    assert!(kept.contains("kept in"), "{kept}");
    again.resume_to_the_end();
    let (status, said) = again.wait();
    assert!(status.success(), "{said}");
    let trainee = finished(trainee, "the trainee's seat");
    let seen = text(&trainee);
    assert!(trainee.status.success(), "{seen}");
    assert!(seen.contains("rejoined as gd-csirt/"), "{seen}");
    assert!(seen.contains("the exercise ended at D1 18:00"), "{seen}");
    let _ = std::fs::remove_dir_all(&d);
}

/// A seat's window opens at the size the room's laptops have (a 1366x768 government laptop
/// here, its text a little larger) with the whole screen in it; a size no screen has is refused
/// before anything opens.
#[cfg(feature = "console")]
#[test]
fn a_seat_opens_at_the_size_asked_for_and_refuses_one_no_screen_has() {
    let bad = Command::new(BIN)
        .args(["seat", "127.0.0.1:1", "--team", "bb-csirt", "--code", "X"])
        .args(["--size", "1366x20"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "a usage error");
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(said.contains("not a window size like `1280x720`"), "{said}");
    // The facilitator's seat is the browser page, not a window.
    let white = Command::new(BIN)
        .args([
            "seat",
            "127.0.0.1:1",
            "--team",
            "@facilitator",
            "--code",
            "X",
        ])
        .output()
        .unwrap();
    assert_eq!(white.status.code(), Some(2), "a usage error");
    let said = String::from_utf8_lossy(&white.stderr);
    assert!(said.contains("open http://127.0.0.1:1/"), "{said}");
    let has_xvfb = Command::new("sh")
        .args(["-c", "command -v xvfb-run"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_xvfb {
        assert!(
            std::env::var_os("CI").is_none(),
            "xvfb-run is required in CI (.ci/run installs it)"
        );
        eprintln!("skipping the window: xvfb-run is not installed");
        return;
    }
    let d = dir("size");
    let mut host = Host::start(&[
        "run",
        "eastern-caribbean",
        "--set",
        "teams.bb-csirt.auto=false",
        "--host",
        "127.0.0.1:0",
        "--pace",
        "600x",
        "--until",
        "4h",
    ]);
    let png = d.join("seat.png");
    let out = Command::new("xvfb-run")
        .args([
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            BIN,
            "seat",
            &host.address,
        ])
        .args(["--team", "bb-csirt", "--code", &host.codes["bb-csirt"]])
        .args(["--size", "1366x768", "--scale", "1.1", "--after", "1h"])
        .arg("--screenshot")
        .arg(&png)
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    let dimension = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((dimension(16), dimension(20)), (1366, 768));
    host.say("end");
    std::fs::remove_dir_all(d).ok();
}
