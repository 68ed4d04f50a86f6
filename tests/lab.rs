//! The mobile lab end to end, on the loopback address only: a headless host of the flagship and
//! scripted seats as separate processes. Each seat's orders take effect; an order for another
//! team, a clock command and a wrong code are refused; garbage, a flood and an oversized message
//! from a rogue client leave the exercise running; a seat killed mid-exercise rejoins and ends
//! with the same screen as its teammate who never left; the seat's screen is exactly its team's
//! view folded from the journal's replay (never the truth); `replay --verify` passes and names
//! the seat of every command.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tidewatch::exercise::session;
use tidewatch::lab::protocol::{FromHost, FromSeat, PROTOCOL};
use tidewatch::report::knowledge::TeamKnowledge;
use tidewatch::report::view::TeamView;

const BIN: &str = env!("CARGO_BIN_EXE_tidewatch");
const LIMIT: Duration = Duration::from_secs(120);

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("tidewatch-lab-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Waits for a child within the test's limit; kills it and fails past that.
fn wait(mut child: Child, what: &str) -> Output {
    let deadline = Instant::now() + LIMIT;
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn seat(
    address: &str,
    team: &str,
    code: &str,
    name: &str,
    orders: Option<&Path>,
    out: &Path,
) -> Child {
    let mut c = Command::new(BIN);
    c.args([
        "seat",
        address,
        "--team",
        team,
        "--code",
        code,
        "--name",
        name,
        "--headless",
    ])
    .arg("--out")
    .arg(out)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    if let Some(o) = orders {
        c.arg("--commands").arg(o);
    }
    c.spawn().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A client that joins properly, then misbehaves: unreadable text, a binary frame, a flood of
/// orders, and finally a message larger than any order, which cuts it off.
fn rogue(address: &str, code: &str) -> Vec<FromHost> {
    let stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let (mut ws, _) = tungstenite::client::client(format!("ws://{address}/seat"), stream).unwrap();
    let hello = FromSeat::Hello {
        protocol: PROTOCOL,
        team: "bank-soc".into(),
        code: code.into(),
        name: "rogue".into(),
    };
    ws.send(tungstenite::Message::text(hello.text())).unwrap();
    let mut got = Vec::new();
    while !matches!(got.last(), Some(FromHost::Welcome { .. })) {
        if let tungstenite::Message::Text(t) = ws.read().unwrap() {
            got.push(serde_json::from_str(&t).unwrap());
        }
    }
    ws.send(tungstenite::Message::text("{not json")).unwrap();
    ws.send(tungstenite::Message::binary(vec![0u8, 159, 146, 150]))
        .unwrap();
    for id in 0..40 {
        let note = FromSeat::Order {
            id,
            command: tidewatch::scenario::Command::Note("spam".into()),
        };
        ws.send(tungstenite::Message::text(note.text())).unwrap();
    }
    let _ = ws.send(tungstenite::Message::text("x".repeat(100_000)));
    while let Ok(m) = ws.read() {
        if let tungstenite::Message::Text(t) = m {
            got.push(serde_json::from_str(&t).unwrap());
        }
    }
    got
}

#[test]
fn a_lab_exercise_over_the_loopback_with_three_seats_a_rogue_and_a_rejoin() {
    let d = dir();
    let journal = d.join("lab.jsonl");
    let _ = std::fs::remove_file(&journal);
    let ag_orders = write(
        &d,
        "ag.ron",
        r#"[
            Timed(at: "D1 10:00", do: Patch(team: "ag-npc", org: "ag-gov")),
            Timed(at: "D1 11:00", do: IsolateOrganisation(team: "ag-npc", org: "ag-caribmsp")),
            Timed(at: "D1 12:00", do: Patch(team: "lc-npc", org: "lc-gov")),
            Timed(at: "D1 12:30", do: Pause),
            Timed(at: "D1 12:45", do: Decide(team: "ag-npc", inject: "I07", option: "isolate")),
            Timed(at: "D1 13:30", do: Decide(team: "ag-npc", inject: "I07", option: "isolate")),
        ]"#,
    );
    let lc_orders = write(
        &d,
        "lc.ron",
        r#"[ Timed(at: "D1 09:30", do: ShareIntel(team: "lc-npc", tlp: Green)) ]"#,
    );
    let mut host = Command::new(BIN)
        .args([
            "run",
            "eastern-caribbean",
            "--until",
            "24h",
            "--host",
            "127.0.0.1:0",
        ])
        .args(["--pace", "12000x", "--wait-for-seats", "3"])
        .args([
            "--set",
            "teams.ag-npc.auto=false",
            "--set",
            "teams.lc-npc.auto=false",
        ])
        // Antigua's NPC watches its ministry and its provider, so its seat has alerts to see.
        .args(["--set", r#"teams.ag-npc.monitors=["ag-gov","ag-caribmsp"]"#])
        .arg("--journal")
        .arg(&journal)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(host.stdout.take().unwrap()).lines();
    let mut address = String::new();
    let mut codes = std::collections::BTreeMap::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(a) = line.strip_prefix("lab host listening on ") {
            address = a.to_string();
        } else if let [team, code] = line.split_whitespace().collect::<Vec<_>>()[..] {
            codes.insert(team.to_string(), code.to_string());
            if team == "regional-hub" {
                break;
            }
        }
    }
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let rest = std::thread::spawn(move || lines.map(|l| l.unwrap() + "\n").collect::<String>());

    // A wrong code is refused, and nothing joins.
    let wrong = wait(
        seat(
            &address,
            "ag-npc",
            "ZZZZZZ",
            "guess",
            None,
            &d.join("x.json"),
        ),
        "wrong-code seat",
    );
    assert_eq!(wrong.status.code(), Some(1), "{}", text(&wrong));
    assert!(text(&wrong).contains("wrong join code"), "{}", text(&wrong));

    // Garbage from a stranger is not a seat; the host keeps listening.
    let mut raw = TcpStream::connect(&address).unwrap();
    raw.write_all(b"GET / HTTP/1.0\r\n\r\n\x00\x01garbage")
        .unwrap();
    let mut answer = Vec::new();
    raw.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = raw.read_to_end(&mut answer);

    let ag = seat(
        &address,
        "ag-npc",
        &codes["ag-npc"],
        "a",
        Some(&ag_orders),
        &d.join("ag.json"),
    );
    let b1 = seat(
        &address,
        "lc-npc",
        &codes["lc-npc"],
        "b1",
        Some(&lc_orders),
        &d.join("b1.json"),
    );
    let b2 = seat(
        &address,
        "lc-npc",
        &codes["lc-npc"],
        "b2",
        None,
        &d.join("b2.json"),
    );
    // The rogue joins before the clock starts (three seats start it) and is cut off.
    let rogue_heard = rogue(&address, &codes["bank-soc"]);
    // Kill one of the two Saint Lucia seats mid-exercise, then bring it back.
    std::thread::sleep(Duration::from_millis(2500));
    let mut b2 = b2;
    b2.kill().unwrap();
    let _ = b2.wait();
    let mut b2_first = String::new();
    b2.stdout
        .take()
        .unwrap()
        .read_to_string(&mut b2_first)
        .unwrap();
    let b2 = seat(
        &address,
        "lc-npc",
        &codes["lc-npc"],
        "b2",
        None,
        &d.join("b2.json"),
    );

    let (ag, b1, b2) = (
        wait(ag, "ag seat"),
        wait(b1, "b1 seat"),
        wait(b2, "b2 seat"),
    );
    let host = wait(host, "host");
    let host_out = rest.join().unwrap();
    let host_err = String::from_utf8_lossy(&host.stderr).to_string();
    assert!(host.status.success(), "{host_out}{host_err}");
    for o in [&ag, &b1, &b2] {
        assert!(o.status.success(), "{}", text(o));
    }

    // Orders: taken for the seat's own team, refused for another team or the clock.
    let ag_text = text(&ag);
    assert!(ag_text.contains("order 1 accepted"), "{ag_text}");
    assert!(ag_text.contains("order 2 accepted"), "{ag_text}");
    assert!(
        ag_text.contains("order 3 refused: the command is for team `lc-npc`"),
        "{ag_text}"
    );
    assert!(
        ag_text.contains("order 4 refused: the clock is the facilitator's to do"),
        "{ag_text}"
    );
    // A decision not yet put to the team is refused; once put, it is taken.
    assert!(
        ag_text.contains("order 5 refused: decision I07 is not waiting"),
        "{ag_text}"
    );
    assert!(ag_text.contains("order 6 accepted"), "{ag_text}");
    assert!(text(&b1).contains("order 1 accepted"), "{}", text(&b1));
    // The killed seat rejoined under its number.
    let joined = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("joined as "))
            .map(str::to_string)
    };
    assert_eq!(joined(&b2_first), joined(&text(&b2)), "{b2_first}");
    assert!(joined(&b2_first).is_some_and(|j| j.starts_with("joined as lc-npc/")));

    // The rogue got in, had its junk and its flood refused, and was cut off.
    assert!(matches!(
        rogue_heard.first(),
        Some(FromHost::Welcome { .. })
    ));
    let rejected = |why: &str| {
        rogue_heard
            .iter()
            .any(|m| matches!(m, FromHost::Rejected { reason, .. } if reason.contains(why)))
    };
    assert!(rejected("not an order"), "{rogue_heard:?}");
    assert!(rejected("too many orders"), "{rogue_heard:?}");
    assert!(rejected("binary"), "{rogue_heard:?}");
    assert!(host_err.contains("not a seat"), "{host_err}");
    assert!(
        host_err.contains("rogue") && host_err.contains("cut off"),
        "{host_err}"
    );
    assert!(host_out.contains("seats served: 4"), "{host_out}");

    // The seat that was killed ends with the same screen as the one that stayed.
    let screen = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(d.join(name)).unwrap()).unwrap()
    };
    let (s1, s2) = (screen("b1.json"), screen("b2.json"));
    for part in ["view", "feed", "clock", "geography", "finished"] {
        assert_eq!(s1[part], s2[part], "{part} differs after the rejoin");
    }

    // The journal replays, names each command's seat, and a seat's screen is its team's view
    // of the replay: no more, no less.
    let verify = Command::new(BIN)
        .args(["replay", "--verify"])
        .arg(&journal)
        .output()
        .unwrap();
    let v = text(&verify);
    assert!(verify.status.success(), "{v}");
    assert!(v.contains("ag-npc/1 a (127.0.0.1): Patch"), "{v}");
    assert!(
        v.contains("ag-npc/1 a (127.0.0.1): IsolateOrganisation"),
        "{v}"
    );
    assert!(v.contains("ag-npc/1 a (127.0.0.1): Decide"), "{v}");
    assert!(
        v.lines()
            .any(|l| l.contains(") lc-npc/") && l.contains(" b1 (127.0.0.1): ShareIntel")),
        "{v}"
    );
    let file = tidewatch::exercise::journal::JournalFile::read(&journal).unwrap();
    let replay = session::replay(&file, None, false).unwrap();
    let plan = replay.session.plan.clone();
    for (name, team) in [("ag.json", "ag-npc"), ("b1.json", "lc-npc")] {
        let mut k = TeamKnowledge::new(plan.ids.teams.resolve(team).unwrap());
        k.update(&plan, replay.session.sim.events());
        let expected = serde_json::to_value(TeamView::of(&plan, &k)).unwrap();
        assert_eq!(screen(name)["view"], expected, "{name}");
    }
    // Nothing on a seat says whether an alert was real (the facilitator's to know).
    let ag_feed = serde_json::to_string(&screen("ag.json")["feed"]).unwrap();
    assert!(ag_feed.contains("Alert from"), "{ag_feed}");
    for name in ["ag.json", "b1.json", "b2.json"] {
        let all = serde_json::to_string(&screen(name)).unwrap();
        for truth in ["true_positive", "True alert", "False alert", "it was real"] {
            assert!(!all.contains(truth), "{name} shows `{truth}`");
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}
