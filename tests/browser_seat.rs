//! The browser seat end to end, on the loopback address: a headless host of the flagship serves
//! its page, and a real headless Chromium, driven over the DevTools protocol, is a trainee's
//! browser. A wrong code is refused in the page; the right one joins; the page takes a
//! decision put to its team and the journal holds the order with the page's seat; a reloaded
//! page rejoins as the same seat without the code asked again, and so does a page whose host
//! was killed and resumed; at the end
//! the page shows exactly its team's view folded from the journal, and nothing that says
//! whether an alert was real.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use tidewatch::exercise::session;
use tidewatch::report::knowledge::TeamKnowledge;
use tidewatch::report::view::TeamView;

mod lab_host;
use lab_host::{Host, LIMIT, dir, free_port};

/// The system's Chromium; without one (a developer's machine) the test is skipped, but CI,
/// which installs it, fails.
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new("sh")
                .args(["-c", &format!("command -v {c}")])
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is required in CI (.ci/run installs it)"
        );
        eprintln!("skipping: no chromium installed");
    }
    found
}

/// A headless Chromium and one page in it, driven over the DevTools protocol.
struct Browser {
    child: Child,
    devtools: WebSocket<MaybeTlsStream<TcpStream>>,
    session: String,
    next: u64,
}

impl Browser {
    fn start(binary: &str, profile: &Path, size: (u32, u32)) -> Browser {
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--window-size={},{}", size.0, size.1))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let err = BufReader::new(child.stderr.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = rx.recv_timeout(LIMIT).expect("Chromium's DevTools address");
        let (devtools, _) = tungstenite::connect(url.as_str()).unwrap();
        let mut browser = Browser {
            child,
            devtools,
            session: String::new(),
            next: 1,
        };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
        let target = target["targetId"].clone();
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target, "flatten": true }),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_string();
        browser.resize(size);
        browser
    }

    /// The page's screen: a laptop's, or a phone's under 600 px wide.
    fn resize(&mut self, (width, height): (u32, u32)) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
    }

    /// One DevTools call on the page (or the browser before a page is attached); its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.devtools
            .send(Message::text(message.to_string()))
            .unwrap();
        loop {
            let Message::Text(text) = self.devtools.read().unwrap() else {
                continue;
            };
            let answer: Value = serde_json::from_str(&text).unwrap();
            if answer["id"] == json!(id) {
                assert!(answer["error"].is_null(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// Evaluates JavaScript in the page; its value.
    fn eval(&mut self, script: &str) -> Value {
        self.try_eval(script)
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Evaluates JavaScript in the page; its value, or the exception it threw.
    fn try_eval(&mut self, script: &str) -> Result<Value, Value> {
        let got = self.call(
            "Runtime.evaluate",
            json!({ "expression": script, "returnByValue": true }),
        );
        match got["exceptionDetails"].is_null() {
            true => Ok(got["result"]["value"].clone()),
            false => Err(got),
        }
    }

    /// Waits until `script` is truthy (a string not empty, true, a number not 0); its value.
    fn until(&mut self, script: &str, what: &str) -> Value {
        let deadline = Instant::now() + LIMIT;
        loop {
            // Between two documents (just after a navigation) the page has no elements yet.
            let v = self.try_eval(script).unwrap_or_else(|e| {
                assert!(Instant::now() < deadline, "{script}: {e}");
                Value::Null
            });
            let truthy = match &v {
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::Null => false,
                _ => true,
            };
            if truthy {
                return v;
            }
            assert!(Instant::now() < deadline, "the page never showed {what}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn go(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
    }

    fn screenshot(&mut self, path: &Path) {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let png = data_encoding::BASE64
            .decode(shot["data"].as_str().unwrap().as_bytes())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    /// Fills in the page's join form for `team` as the seat `chromium` and presses Join.
    fn join(&mut self, team: &str, code: &str) {
        self.eval(&format!(
            "document.getElementById('join-team').value = '{team}';
             document.getElementById('join-code').value = '{code}';
             document.getElementById('join-name').value = 'chromium';
             document.getElementById('join-go').click(); true"
        ));
    }

    /// Waits for the host's answer to order `n` (the page numbers them from 1); the bar's line.
    fn answer_to(&mut self, n: u32) -> String {
        let answered = self.until(
            &format!(
                "(t => t.includes('order {n} ') && (t.includes('taken') || t.includes('refused')) \
                 ? t : '')(document.getElementById('answer').textContent)"
            ),
            &format!("the host's answer to order {n}"),
        );
        answered.as_str().unwrap().to_string()
    }

    /// Waits for the host's answer to the last order sent; the bar's line.
    fn answer(&mut self) -> String {
        let answered = self.until(
            "(t => t.includes('taken') || t.includes('refused') ? t : '')(document.getElementById('answer').textContent)",
            "the host's answer",
        );
        answered.as_str().unwrap().to_string()
    }
}

/// Where the pictures go: the test's directory, or docs/ for the README with
/// `TIDEWATCH_BLESS=1`.
fn shots(d: &Path) -> PathBuf {
    match std::env::var_os("TIDEWATCH_BLESS") {
        Some(_) => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs"),
        None => d.to_path_buf(),
    }
}

/// A headless host of `scenario` with trainees playing `team`, journaled, its clock at `pace`
/// (and the other `host` arguments), and a browser at 1366x768 joined as that team: the test's
/// directory, the journal, the host and the browser.
fn seated(
    binary: &str,
    (scenario, team, pace): (&str, &str, &str),
    more: &[&str],
) -> (PathBuf, PathBuf, Host, Browser) {
    let d = dir(team);
    let journal = d.join("exercise.jsonl");
    let address = format!("127.0.0.1:{}", free_port());
    let plays = format!("teams.{team}.auto=false");
    let mut args = vec![
        "run", scenario, "--set", &plays, "--host", &address, "--pace", pace,
    ];
    args.extend(more);
    args.extend(["--journal", journal.to_str().unwrap()]);
    let host = Host::start(&args);
    let mut browser = Browser::start(binary, &d.join("profile"), (1366, 768));
    browser.go(&host.page);
    browser.until(
        "document.querySelectorAll('#join-team option').length",
        "the teams",
    );
    browser.join(team, &host.codes[team]);
    browser.until(
        "document.getElementById('desk').hidden === false",
        "the desk",
    );
    (d, journal, host, browser)
}

/// The flagship's first decision whose decider the test plays, and that team.
fn decision_and_decider() -> (String, String) {
    let path = format!(
        "{}/scenarios/eastern-caribbean.ron",
        env!("CARGO_MANIFEST_DIR")
    );
    let plan = tidewatch::scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
    let s = &plan.scenario;
    (s.msel.iter().enumerate())
        .find_map(|(i, inject)| {
            let decider = plan.injects[i].decision.as_ref()?.decider;
            Some((inject.id.clone(), s.teams[decider.ix()].id.clone()))
        })
        .expect("the flagship puts a decision to a team")
}

#[test]
fn a_browser_joins_takes_its_decision_and_sees_only_its_team() {
    let Some(binary) = chromium() else {
        return;
    };
    let d = dir("trainee");
    let (decision, trainee) = decision_and_decider();
    let journal = d.join("room.jsonl");
    let trainee_plays = format!("teams.{trainee}.auto=false");
    let address = format!("127.0.0.1:{}", free_port());
    let mut host = Host::start(&[
        "run",
        "eastern-caribbean",
        "--set",
        &trainee_plays,
        "--host",
        &address,
        "--pace",
        "60x",
        "--until",
        "2d",
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert_eq!(
        host.page,
        format!("http://{}/", host.address),
        "the host says where browsers join"
    );
    let page = host.page.clone();
    let mut browser = Browser::start(binary, &d.join("profile"), (1366, 768));
    browser.go(&page);
    browser.until(
        "document.querySelectorAll('#join-team option').length",
        "the teams",
    );

    // A wrong code is refused in the page, with the host's reason.
    browser.join(&trainee, "WRONG1");
    let refused = browser.until(
        "document.getElementById('join-error').textContent",
        "a refusal",
    );
    assert!(
        refused.as_str().unwrap().contains("refused this seat"),
        "{refused}"
    );
    assert!(browser.eval("document.getElementById('desk').hidden") == json!(true));

    // The right one joins as the trainee's team.
    browser.join(&trainee, &host.codes[&trainee]);
    let seat = browser.until("document.getElementById('seat').textContent", "the seat");
    assert_eq!(
        seat.as_str().unwrap(),
        format!("{trainee}/1 chromium (127.0.0.1)")
    );
    browser.until(
        "document.querySelectorAll('#map svg circle').length",
        "the map",
    );
    // Every island's label is on the map and covers no other label (the Leewards crowd).
    let overlaps = browser.eval(
        "(() => { const map = document.querySelector('#map svg').getBoundingClientRect(); \
         const r = [...document.querySelectorAll('#map g.label')].map(g => g.getBoundingClientRect()); \
         const bad = []; r.forEach((a, i) => { \
           if (a.left < map.left - 1 || a.right > map.right + 1 || a.top < map.top - 1 || a.bottom > map.bottom + 1) bad.push('off ' + i); \
           r.slice(0, i).forEach((b, j) => { if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) bad.push(i + ' on ' + j); }); }); \
         return [r.length, bad]; })()",
    );
    assert_eq!(overlaps, json!([11, []]), "labels of the seat's map");

    // The decision, brought forward by the facilitator, is taken from the page.
    host.say(&format!("fire {decision}"));
    let button = format!("document.querySelector('.decision[data-inject=\"{decision}\"] button')");
    browser.until(&format!("!!{button}"), "the decision's buttons");
    let option = browser.eval(&format!("{button}.dataset.option"));
    let option = option.as_str().unwrap().to_string();
    browser.eval(&format!("{button}.click(); true"));
    let taken = browser.answer();
    assert!(taken.contains("taken"), "{taken}");
    let shots = shots(&d);
    browser.screenshot(&shots.join("browser-seat.png"));
    for (size, name) in [((820, 1180), "tablet"), ((390, 844), "phone")] {
        browser.resize(size);
        browser.screenshot(&shots.join(format!("browser-seat-{name}.png")));
        assert_eq!(
            browser.eval("document.documentElement.scrollWidth <= window.innerWidth"),
            json!(true),
            "on a {name} nothing runs off the side"
        );
    }

    // A reloaded page (a tablet that slept, a trainee pressing F5) rejoins as the same seat
    // with its screen, the code not asked again.
    browser.eval("window.before_the_reload = true");
    browser.go(&page);
    browser.until(
        "!window.before_the_reload && document.getElementById('desk').hidden === false
         && document.querySelectorAll('#inbox .title').length",
        "the screen back after a reload",
    );
    let again = browser.eval("document.getElementById('seat').textContent");
    assert_eq!(again, seat);

    // The facilitator's laptop dies and comes back on the same journal and address: the page
    // keeps trying and gets back in with the same code, as the same seat.
    host.crash();
    browser.until(
        "document.getElementById('status').textContent.startsWith('lost the host')",
        "that it lost the host",
    );
    let mut host = Host::start(&[
        "run",
        "--resume",
        journal.to_str().unwrap(),
        "--host",
        &address,
        "--pace",
        "60x",
    ]);
    browser.until(
        "document.getElementById('status').textContent === 'connected'",
        "the seat back in after the host's crash",
    );
    assert_eq!(
        browser.eval("document.getElementById('seat').textContent"),
        seat
    );

    host.say("end");
    browser.until(
        "document.getElementById('status').textContent === 'the exercise is over'",
        "the end",
    );
    let shown = browser.eval(
        "({ inbox: [...document.querySelectorAll('#inbox .title')].map(e => e.textContent).reverse(),
            incidents: [...document.querySelectorAll('#incidents li')].map(e => e.textContent),
            triaged: document.getElementById('triaged').textContent,
            text: document.body.innerText })",
    );
    host.wait();

    // The journal holds the decision with the page's seat.
    let record = std::fs::read_to_string(&journal).unwrap();
    let line = (record.lines())
        .find(|l| l.contains("\"Decide\"") && l.contains(&format!("\"{decision}\"")))
        .unwrap_or_else(|| panic!("no Decide {decision} in the journal"));
    assert!(
        line.contains(&format!("{trainee}/1 chromium (127.0.0.1)")),
        "{line}"
    );
    assert!(line.contains(&format!("\"option\":\"{option}\"")), "{line}");

    // The page shows the team's view folded from the journal: its inbox, its incidents.
    let file = tidewatch::exercise::journal::JournalFile::read(&journal).unwrap();
    let replay = session::replay(&file, None, false).unwrap();
    let plan = replay.session.plan.clone();
    let mut k = TeamKnowledge::new(plan.ids.teams.resolve(&trainee).unwrap());
    k.update(&plan, replay.session.sim.events());
    let view = TeamView::of(&plan, &k);
    let inbox: Vec<String> = (view.inbox.iter())
        .map(|i| format!("{}: {}", i.channel, i.title))
        .collect();
    assert!(!inbox.is_empty());
    assert_eq!(shown["inbox"], json!(inbox));
    assert_eq!(
        shown["incidents"].as_array().unwrap().len(),
        view.incidents.len()
    );
    let (confirmed, dismissed) = view.triaged;
    assert_eq!(
        shown["triaged"],
        json!(format!(
            "triaged: {confirmed} confirmed, {dismissed} dismissed"
        ))
    );
    let text = shown["text"].as_str().unwrap();
    for truth in ["True alert", "False alert", "true_positive", "it was real"] {
        assert!(!text.contains(truth), "the page shows `{truth}`");
    }
    std::fs::remove_dir_all(d).ok();
}

/// The leaders' seat in a browser: the Crisis Committee of the tabletop reads the module it is
/// in with its questions, takes its decision on the demand and speaks to the public, with no
/// technical orders; the journal holds both with the page's seat.
#[test]
fn a_leaders_seat_in_a_browser_decides_and_speaks_to_the_public() {
    let Some(binary) = chromium() else {
        return;
    };
    let room = ("tabletop-ransomware", "gd-cabinet", "60x");
    let (d, journal, mut host, mut browser) = seated(binary, room, &[]);
    // Straight to the demand: the facilitator moves the exercise on.
    host.say("fire I05");
    let module = browser.until(
        "document.querySelector('#module .title') && document.querySelector('#module .title').textContent",
        "the module",
    );
    assert!(module.as_str().unwrap().starts_with("Module"), "{module}");
    assert_eq!(
        browser.eval("document.querySelectorAll('#orders button').length > 0 && !document.getElementById('target')"),
        json!(true),
        "statements and notes, no technical orders"
    );
    assert_eq!(
        browser.eval("document.getElementById('work').hidden"),
        json!(true)
    );
    let refuse =
        "document.querySelector('.decision[data-inject=\"I05\"] button[data-option=\"refuse\"]')";
    browser.until(&format!("!!{refuse}"), "the demand's decision");
    browser.eval(&format!("{refuse}.click(); true"));
    assert!(browser.answer().contains("taken"));
    browser.eval(
        "document.getElementById('listeners').value = 'Public';
         document.getElementById('statement').value = 'The Treasury was attacked by criminals. We will not pay them.';
         [...document.querySelectorAll('#orders button')].find(b => b.textContent === 'Issue statement').click(); true",
    );
    let said = browser.answer_to(2);
    assert!(said.contains("taken"), "{said}");
    browser.until(
        "document.getElementById('feed').textContent.includes('to the public')",
        "the statement in the team's feed",
    );
    let shots = shots(&d);
    browser.screenshot(&shots.join("leaders-seat.png"));
    host.say("end");
    host.wait();
    let record = std::fs::read_to_string(&journal).unwrap();
    for what in ["\"Decide\"", "\"Statement\""] {
        let line = (record.lines())
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what} in the journal"));
        assert!(line.contains("gd-cabinet/1 chromium (127.0.0.1)"), "{line}");
    }
    std::fs::remove_dir_all(d).ok();
}

/// The facilitator's seat in a browser, from another laptop: only the facilitator's code
/// (printed on the host's terminal) gets it, a team's code does not; it pauses the clock (which
/// then stands still), fires an inject from the MSEL and ends the exercise; the journal holds
/// the inject fired with the facilitator's seat.
#[test]
fn a_facilitator_runs_a_headless_host_from_a_browser() {
    let Some(binary) = chromium() else {
        return;
    };
    let d = dir("facilitator");
    let journal = d.join("tabletop.jsonl");
    let mut host = Host::start(&[
        "run",
        "tabletop-ransomware",
        "--host",
        "127.0.0.1:0",
        "--pace",
        "60x",
        "--journal",
        journal.to_str().unwrap(),
    ]);
    let code = host
        .facilitator_code
        .clone()
        .expect("the host prints a facilitator code");
    assert!(!host.codes.values().any(|c| *c == code));
    let mut browser = Browser::start(binary, &d.join("profile"), (1366, 768));
    browser.go(&host.page);
    browser.until(
        "document.querySelectorAll('#join-team option').length",
        "the teams",
    );
    // A team's code is not the facilitator's.
    browser.join("@facilitator", &host.codes["gd-csirt"]);
    let refused = browser.until(
        "document.getElementById('join-error').textContent",
        "a refusal",
    );
    assert!(refused.as_str().unwrap().contains("refused"), "{refused}");
    browser.join("@facilitator", &code);
    browser.until(
        "document.getElementById('white-cell').hidden === false && document.querySelectorAll('#wc-msel tr').length",
        "the facilitator's desk",
    );
    assert_eq!(
        browser.eval("document.getElementById('desk').hidden"),
        json!(true)
    );
    let said = |b: &mut Browser, what: &str| {
        b.until(
            &format!("document.getElementById('wc-said').textContent.includes('{what}')"),
            what,
        );
    };
    browser.eval("[...document.querySelectorAll('#wc-clock button')].find(b => b.textContent === 'Pause').click(); true");
    said(&mut browser, "paused at");
    let at = host.tick();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(host.tick(), at, "the clock moved while paused");
    browser.eval("document.querySelector('#wc-msel button[data-say=\"fire I05\"]').click(); true");
    said(&mut browser, "taken at");
    browser.eval("[...document.querySelectorAll('#wc-clock button')].find(b => b.textContent === 'Resume').click(); true");
    browser.until(
        "document.querySelector('#wc-msel tr[data-inject=\"I05\"]').className === 'fired'",
        "I05 fired",
    );
    let shots = shots(&d);
    browser.screenshot(&shots.join("facilitator-seat.png"));
    let end = "[...document.querySelectorAll('#wc-clock button')].find(b => b.textContent.startsWith('End')).click(); true";
    browser.eval(end);
    browser.eval(end);
    let (status, said) = host.wait();
    assert!(status.success(), "{said}");
    let record = std::fs::read_to_string(&journal).unwrap();
    for what in ["\"FireInject\":\"I05\"", "\"command\":\"Pause\""] {
        let line = (record.lines())
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what} in the journal"));
        assert!(
            line.contains("@facilitator/1 chromium (127.0.0.1)"),
            "{line}"
        );
    }
    std::fs::remove_dir_all(d).ok();
}

/// The regional hub's seat in a browser, on the flagship with trainees at the hub: its
/// dashboard lists the members, what reached it with the source's marking, and the requests
/// for help; nothing is relayed or lent until it says so. It relays an item at TLP:AMBER (its
/// source said GREEN) to two members it ticks, and sends one analyst, remote, to the request
/// it chose; the record holds both orders with the page's seat, and the run carried them out:
/// the item went to those two members' contacts and nobody else, and the analyst started
/// after `remote_start`.
#[test]
fn a_hub_seat_in_a_browser_relays_at_its_marking_and_sends_analysts() {
    let Some(binary) = chromium() else {
        return;
    };
    let room = ("eastern-caribbean", "regional-hub", "900x");
    let (d, journal, mut host, mut browser) = seated(binary, room, &["--until", "2d"]);
    browser.until(
        "document.getElementById('hub').hidden === false",
        "the hub's dashboard",
    );
    assert_eq!(
        browser
            .eval("!document.getElementById('target') && document.getElementById('work').hidden"),
        json!(true),
        "no national desk's orders at the hub"
    );
    // Grenada's CSIRT asks for help (the facilitator's hand, so the test need not wait for a
    // team to drown); an item reaches the hub on its own.
    host.say(r#"RequestAssistance(team: "gd-csirt")"#);
    let open_item = "document.querySelector('.hub-item.open')";
    let open_request = "document.querySelector('.hub-request.open[data-team=\"gd-csirt\"]')";
    browser.until(
        &format!("!!{open_item} && !!{open_request}"),
        "an item to decide and Grenada's request",
    );
    host.say("pause");
    let item = browser.eval(&format!("Number({open_item}.dataset.item)"));
    let item = item.as_u64().unwrap() as u32;
    let members = browser.eval(&format!(
        "(d => {{
            const boxes = [...d.querySelectorAll('input[type=checkbox]')].slice(0, 2);
            boxes.forEach(b => {{ b.checked = true; b.dispatchEvent(new Event('change')); }});
            const tlp = d.querySelector('select.relay-tlp');
            tlp.value = 'Amber';
            tlp.dispatchEvent(new Event('change'));
            return boxes.map(b => b.value);
        }})({open_item})"
    ));
    let members: Vec<String> = serde_json::from_value(members).unwrap();
    assert_eq!(members.len(), 2, "two members to tick");
    assert_eq!(
        browser.eval(&format!(
            "[...{open_item}.querySelectorAll('select.relay-tlp option')].map(o => o.value)"
        )),
        json!(["Green", "Amber", "AmberStrict", "Red"]),
        "a relay may keep the source's GREEN or make it stricter, never looser"
    );
    let shots = shots(&d);
    browser.eval("document.getElementById('hub').scrollIntoView(); true");
    browser.screenshot(&shots.join("hub-seat.png"));
    assert_eq!(
        browser.eval(&format!(
            "{open_item}.querySelector('input.relay-advisory').disabled"
        )),
        json!(true),
        "an AMBER item cannot go out as a regional advisory"
    );
    browser.eval(&format!(
        "[...{open_item}.querySelectorAll('button')].find(b => b.textContent === 'Relay').click(); true"
    ));
    let relayed = browser.answer();
    assert!(relayed.contains("taken"), "{relayed}");
    browser.eval(&format!(
        "(d => {{
            const n = d.querySelector('input[type=number]');
            n.value = '1'; n.dispatchEvent(new Event('change'));
            const how = d.querySelector('select');
            how.value = 'remote'; how.dispatchEvent(new Event('change'));
            [...d.querySelectorAll('button')].find(b => b.textContent === 'Send').click();
            return true;
        }})({open_request})"
    ));
    let sent = browser.answer_to(2);
    assert!(sent.contains("taken"), "{sent}");
    browser.eval(
        "document.getElementById('agenda').value = 'CoralLock: who runs the VPN appliance? Patch status by 16:00.';
         [...document.querySelectorAll('#orders button')].find(b => b.textContent === 'Convene regional call').click(); true",
    );
    let called = browser.answer_to(3);
    assert!(called.contains("taken"), "{called}");
    host.say("resume");
    let state = format!(
        "(d => d ? d.textContent : '')(document.querySelector('.hub-item[data-item=\"{item}\"]'))"
    );
    browser.until(
        &format!("{state}.includes('relayed: TLP:AMBER')"),
        "the item relayed at AMBER",
    );
    browser.until(
        "document.getElementById('hub-requests').textContent.includes('1 analyst remote')",
        "the analyst on the way",
    );
    host.say("pause");
    browser.eval("document.getElementById('hub').scrollIntoView(); true");
    browser.screenshot(&shots.join("hub-seat-done.png"));
    host.say("end");
    host.wait();

    let record = std::fs::read_to_string(&journal).unwrap();
    for what in ["\"Relay\"", "\"SendAnalysts\"", "\"RegionalCall\""] {
        let line = (record.lines())
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what} in the journal"));
        assert!(
            line.contains("regional-hub/1 chromium (127.0.0.1)"),
            "{line}"
        );
    }
    let file = tidewatch::exercise::journal::JournalFile::read(&journal).unwrap();
    let replay = session::replay(&file, None, false).unwrap();
    let plan = replay.session.plan.clone();
    let events = replay.session.sim.events();
    use tidewatch::sim::events::SimEvent;
    let relayed_at = (events.iter())
        .find(|e| matches!(e.event, SimEvent::IntelRelayed { item: i, .. } if i == item))
        .expect("the relay was carried out")
        .tick;
    let contacts: Vec<String> = (members.iter())
        .map(|m| {
            let island = plan.ids.islands.resolve(m).unwrap();
            let t = plan.island_contact[island].unwrap();
            plan.scenario.teams[t.ix()].id.clone()
        })
        .collect();
    let mut reached: Vec<String> = (events.iter())
        .filter(|e| e.tick == relayed_at)
        .filter_map(|e| match e.event {
            SimEvent::IntelSent {
                item: i, recipient, ..
            } if i == item => Some(plan.scenario.teams[recipient.ix()].id.clone()),
            _ => None,
        })
        .collect();
    reached.sort();
    let mut expected = contacts.clone();
    expected.sort();
    assert_eq!(reached, expected, "the relay went to the members ticked");
    let (ordered, arrives) = (events.iter())
        .find_map(|e| match e.event {
            SimEvent::AssistanceDispatched {
                analysts: 1,
                arrives,
                ..
            } => Some((e.tick, arrives)),
            _ => None,
        })
        .expect("the analyst was sent");
    assert_eq!(arrives - ordered, plan.assistance.remote_start.0);
    std::fs::remove_dir_all(d).ok();
}

/// A technical exercise at a browser seat: Antigua's NPC, whose investigations deliver
/// collections, investigates the ministry, sees the collection listed, and submits findings
/// pasted as they come (a host, an ATT&CK id, an indicator); the host takes them and the
/// journal holds them as the seat's, sorted into hosts, techniques and indicators.
#[test]
fn a_seat_in_a_technical_exercise_lists_its_collections_and_submits_findings() {
    let Some(binary) = chromium() else {
        return;
    };
    let room = ("eastern-caribbean", "ag-npc", "600x");
    let more = ["--set", "teams.ag-npc.investigation=Collection"];
    let (d, journal, mut host, mut browser) = seated(binary, room, &more);
    browser.until("!!document.getElementById('findings')", "the findings form");
    browser.eval(
        "document.getElementById('target').value = 'ag-gov';
         [...document.querySelectorAll('#orders button')].find(b => b.textContent === 'Investigate').click(); true",
    );
    assert!(browser.answer_to(1).contains("taken"));
    browser.until(
        "document.getElementById('collections').textContent.includes('Ministry of Finance')",
        "the collection listed",
    );
    // The collected ministry's records, made by the host from the live exercise, as the
    // link's download gets them.
    let link = browser.eval(
        "const a = [...document.querySelectorAll('#evidence-links a')].find(a => a.textContent.startsWith('Ministry of Finance'));
         window.got = '';
         fetch(a.href).then(r => r.text()).then(t => {
           const lines = t.split('\\n').filter(l => l);
           const hosts = new Set(lines.map(l => JSON.parse(l).host.name.split('-').slice(0, 2).join('-')));
           window.got = `${lines.length} ${[...hosts].join(',')}`;
         });
         a.getAttribute('href')",
    );
    let link = link.as_str().unwrap();
    assert!(
        link.starts_with("/evidence/ag-npc.ndjson?code=") && link.ends_with("&org=ag-gov"),
        "{link}"
    );
    let got = browser.until("window.got", "the collection's records downloaded");
    let (records, orgs) = got.as_str().unwrap().split_once(' ').unwrap();
    assert!(records.parse::<u64>().unwrap() > 1000, "{got}");
    assert_eq!(orgs, "ag-gov", "only the collected ministry's hosts");
    browser.eval(
        "document.getElementById('target').value = 'ag-gov';
         document.getElementById('findings').value = 'ag-gov-ws-0001, T1021.002\\ncdn-x.example';
         [...document.querySelectorAll('#orders button')].find(b => b.textContent === 'Submit findings').click(); true",
    );
    let said = browser.answer_to(2);
    assert!(said.contains("taken"), "{said}");
    browser.until(
        "document.getElementById('feed').textContent.includes('submits findings')",
        "the findings in the team's feed",
    );
    browser.screenshot(&shots(&d).join("technical-seat.png"));
    host.say("end");
    host.wait();
    let record = std::fs::read_to_string(&journal).unwrap();
    let line = (record.lines())
        .find(|l| l.contains("\"Findings\""))
        .expect("the findings in the journal");
    assert!(line.contains("ag-npc/1 chromium (127.0.0.1)"), "{line}");
    for part in [
        "\"hosts\":[\"ag-gov-ws-0001\"]",
        "\"techniques\":[\"T1021.002\"]",
        "\"indicators\":[\"cdn-x.example\"]",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    std::fs::remove_dir_all(d).ok();
}
