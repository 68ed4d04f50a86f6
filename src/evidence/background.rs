//! What a sensor records when nothing is wrong: people starting programs, looking up names,
//! opening connections and logging on at work hours; servers serving around the clock; the
//! internet knocking at the VPN gateway all day. The signal sits in this noise, as at work.

//!
//! A benign record is drawn as a few numbers (`Benign`) and written straight to bytes from
//! words worked out once per host (`Words`): building each as an `ecs::Record` of a dozen
//! strings and serialising it cost most of the writing. `Benign::record` spells the same
//! record as an `ecs::Record` (for CEF, and for the test that both give the same bytes).

use std::sync::LazyLock;

use crate::scenario::HostKind;
use crate::scenario::ids::HostIx;
use crate::sim::judgement::EVIDENCE_PER_HOUR;

use super::ecs::{ECS_VERSION, Event, Flow, Host, Parent, Process, Record, Related, User};
use super::estate::{Estate, Stream};

/// Programs people start, with the program that starts them.
const PROGRAMS: [(&str, &str, &str); 8] = [
    (
        "OUTLOOK.EXE",
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
        "explorer.exe",
    ),
    (
        "WINWORD.EXE",
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
        "explorer.exe",
    ),
    (
        "EXCEL.EXE",
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
        "explorer.exe",
    ),
    (
        "msedge.exe",
        "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
        "explorer.exe",
    ),
    (
        "Teams.exe",
        "C:\\Users\\Public\\AppData\\Local\\Microsoft\\Teams\\Teams.exe",
        "explorer.exe",
    ),
    (
        "AcroRd32.exe",
        "C:\\Program Files\\Adobe\\Acrobat Reader\\AcroRd32.exe",
        "explorer.exe",
    ),
    (
        "svchost.exe",
        "C:\\Windows\\System32\\svchost.exe",
        "services.exe",
    ),
    (
        "MsMpEng.exe",
        "C:\\ProgramData\\Microsoft\\Windows Defender\\MsMpEng.exe",
        "services.exe",
    ),
];

/// Names looked up at work (documentation and `.example` names, as every name here).
const NAMES: [&str; 8] = [
    "outlook.office365.example",
    "teams.microsoft.example",
    "www.gov-portal.example",
    "update.windows.example",
    "news.caribbean.example",
    "bank-online.example",
    "cdn.office.example",
    "time.windows.example",
];

/// Who tries a password at the VPN gateway from the internet.
const GUESSED: [&str; 4] = ["admin", "root", "test", "vpn"];

/// A string as JSON writes it, quotes included.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// The constant words of the records, as JSON spells them (paths carry backslashes).
struct Spelled {
    /// Per program: message, name, executable, command line, parent's name.
    programs: Vec<[String; 5]>,
    /// Per name looked up: the name and the message.
    names: Vec<[String; 2]>,
}

static SPELLED: LazyLock<Spelled> = LazyLock::new(|| Spelled {
    programs: (PROGRAMS.iter())
        .map(|(program, path, parent)| {
            [
                quoted(&format!("Process Create: {program}")),
                quoted(program),
                quoted(path),
                quoted(&format!("\"{path}\"")),
                quoted(parent),
            ]
        })
        .collect(),
    names: (NAMES.iter())
        .map(|name| [quoted(name), quoted(&format!("DNS query: {name}"))])
        .collect(),
});

/// One host as its records name it, worked out once for a whole file.
pub struct Words {
    pub kind: HostKind,
    host: Host,
    ip: String,
    name: String,
    user: String,
    domain: String,
    /// The `host` object, and the name, user and domain, as JSON writes them.
    host_json: String,
    name_json: String,
    user_json: String,
    domain_json: String,
}

impl Words {
    pub fn new(estate: &Estate, host: HostIx) -> Words {
        let (name, user) = (estate.name(host), estate.user(host));
        let domain = estate.domain(estate.org_of(host));
        let ecs_host = estate.host(host);
        Words {
            kind: estate.kind(host),
            host_json: serde_json::to_string(&ecs_host).expect("a host serialises"),
            name_json: quoted(&name),
            user_json: quoted(&user),
            domain_json: quoted(&domain),
            ip: ecs_host.ip[0].clone(),
            host: ecs_host,
            name,
            user,
            domain,
        }
    }
}

/// A benign record as drawn: the numbers that set it apart from others of its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Benign {
    /// A program (of `PROGRAMS`) someone started.
    Process {
        program: u8,
        pid: u32,
        parent_pid: u32,
    },
    /// A name (of `NAMES`) looked up from a port, answered by 192.0.2.`answer`.
    Lookup { name: u8, answer: u8, port: u16 },
    /// A connection out from a port to 192.0.2.`to`:443.
    Connection { to: u8, port: u16, bytes: u32 },
    /// A logon, from a port.
    Logon { by: Logon, port: u16 },
}

/// Who logged on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Logon {
    /// The host's own user, at the host.
    Staff,
    /// Staff at the VPN gateway from home: user `u<user>` from 192.0.2.`from`.
    Home { from: u8, user: u16 },
    /// The internet guessing a password (of `GUESSED`) from 203.0.113.`from`: it fails.
    Guesser { from: u8, who: u8 },
}

/// The benign records of the host `words` describe (`host`) over the hour starting at `hour`
/// (a tick), each with its second in the hour.
pub fn hour(estate: &Estate, words: &Words, host: HostIx, hour: u64, out: &mut Vec<(u64, Benign)>) {
    let rates = EVIDENCE_PER_HOUR.of(words.kind, estate.working(host, hour + 30));
    let mut sensor = Sensor {
        estate,
        host,
        hour,
        k: 0,
    };
    for _ in 0..sensor.count(rates.processes) {
        out.push(sensor.process());
    }
    for _ in 0..sensor.count(rates.lookups) {
        out.push(sensor.lookup());
    }
    for _ in 0..sensor.count(rates.connections) {
        out.push(sensor.connection());
    }
    for _ in 0..sensor.count(rates.logons) {
        out.push(sensor.logon(words.kind == HostKind::EdgeDevice));
    }
}

/// One host's sensor over one hour: its draws.
struct Sensor<'a, 'p> {
    estate: &'a Estate<'p>,
    host: HostIx,
    hour: u64,
    k: u64,
}

impl Sensor<'_, '_> {
    fn draw(&mut self, n: u64) -> u64 {
        self.k += 1;
        (self.estate.key).below(n, Stream::Background, self.host as u64, self.hour, self.k)
    }

    /// How many of a kind of record: the rate's whole part, and one more with the chance of
    /// its fraction.
    fn count(&mut self, rate: f64) -> u64 {
        rate as u64 + u64::from((self.draw(1_000_000) as f64) < rate.fract() * 1e6)
    }

    /// A program someone started.
    fn process(&mut self) -> (u64, Benign) {
        let program = self.draw(PROGRAMS.len() as u64) as u8;
        let second = self.draw(3600);
        let pid = 1000 + self.draw(60_000) as u32;
        let parent_pid = 600 + self.draw(400) as u32;
        let process = Benign::Process {
            program,
            pid,
            parent_pid,
        };
        (second, process)
    }

    /// A name looked up.
    fn lookup(&mut self) -> (u64, Benign) {
        let name = self.draw(NAMES.len() as u64) as u8;
        let answer = 1 + self.draw(254) as u8;
        let second = self.draw(3600);
        let port = 49152 + self.draw(16000) as u16;
        (second, Benign::Lookup { name, answer, port })
    }

    /// A connection out to the web.
    fn connection(&mut self) -> (u64, Benign) {
        let to = 1 + self.draw(254) as u8;
        let second = self.draw(3600);
        let port = 49152 + self.draw(16000) as u16;
        let bytes = 2_000 + self.draw(400_000) as u32;
        (second, Benign::Connection { to, port, bytes })
    }

    /// A logon: staff at work, or at the gateway the internet guessing passwords.
    fn logon(&mut self, gateway: bool) -> (u64, Benign) {
        // A gateway hears the internet try passwords all day; anywhere else a logon works.
        let failed = gateway && self.draw(3) > 0;
        // Staff working from home reach the gateway from their providers' addresses; the
        // password guessers from anywhere.
        let by = match (gateway, failed) {
            (true, true) => {
                let from = 1 + self.draw(254) as u8;
                let who = self.draw(GUESSED.len() as u64) as u8;
                Logon::Guesser { from, who }
            }
            (true, false) => {
                let from = 1 + self.draw(254) as u8;
                let user = 1 + self.draw(300) as u16;
                Logon::Home { from, user }
            }
            _ => Logon::Staff,
        };
        let second = self.draw(3600);
        let port = 49152 + self.draw(16000) as u16;
        (second, Benign::Logon { by, port })
    }
}

impl Benign {
    /// The record as an `ecs::Record` (its timestamp the caller's to set).
    pub fn record(self, w: &Words) -> Record {
        let on_host = |mut record: Record| {
            record.host = w.host.clone();
            record.related.hosts.push(w.name.clone());
            record
        };
        match self {
            Benign::Process {
                program,
                pid,
                parent_pid,
            } => {
                let (program, path, parent) = PROGRAMS[program as usize];
                Record {
                    message: format!("Process Create: {program}"),
                    event: Event::endpoint(&["process"], &["start"], "process-started"),
                    host: w.host.clone(),
                    process: Some(Process {
                        pid,
                        name: program.into(),
                        executable: path.into(),
                        command_line: format!("\"{path}\""),
                        parent: Some(Parent {
                            pid: parent_pid,
                            name: parent.into(),
                        }),
                        hash: None,
                    }),
                    user: Some(User {
                        name: w.user.clone(),
                        domain: w.domain.clone(),
                    }),
                    related: Related {
                        hosts: vec![w.name.clone()],
                        user: vec![w.user.clone()],
                        ..Related::default()
                    },
                    ..Record::default()
                }
            }
            Benign::Lookup { name, answer, port } => on_host(Record::lookup(
                &w.ip,
                port,
                NAMES[name as usize],
                &format!("192.0.2.{answer}"),
            )),
            Benign::Connection { to, port, bytes } => on_host(Record::connection(Flow {
                from: w.ip.clone(),
                from_port: port,
                to: format!("192.0.2.{to}"),
                port: 443,
                bytes: bytes.into(),
                domain: None,
            })),
            Benign::Logon { by, port } => {
                let (from, who, ok, gateway) = by.spelled(w);
                let user = User {
                    name: who,
                    domain: w.domain.clone(),
                };
                on_host(Record::logon(user, &from, port, ok, gateway))
            }
        }
    }

    /// Writes the record as one line of ECS JSON (no line break) stamped `stamp`: the bytes
    /// `serde_json` writes for `record()`, without building it.
    pub fn write_ecs(self, w: &Words, stamp: &str, out: &mut Vec<u8>) {
        let (mut num, mut other) = (itoa::Buffer::new(), itoa::Buffer::new());
        put(
            out,
            &[
                b"{\"@timestamp\":\"",
                stamp.as_bytes(),
                b"\",\"ecs\":{\"version\":\"",
                ECS_VERSION.as_bytes(),
                b"\"},\"message\":",
            ],
        );
        let (host, name, ip) = (
            w.host_json.as_bytes(),
            w.name_json.as_bytes(),
            w.ip.as_bytes(),
        );
        match self {
            Benign::Process {
                program,
                pid,
                parent_pid,
            } => {
                let [message, program, path, command, parent] = &SPELLED.programs[program as usize];
                put(out, &[
                    message.as_bytes(),
                    b",\"event\":{\"kind\":\"event\",\"category\":[\"process\"],\"type\":[\"start\"],\"action\":\"process-started\",\"dataset\":\"tidewatch.endpoint\",\"module\":\"tidewatch\"},\"host\":",
                    host,
                    b",\"process\":{\"pid\":",
                    num.format(pid).as_bytes(),
                    b",\"name\":",
                    program.as_bytes(),
                    b",\"executable\":",
                    path.as_bytes(),
                    b",\"command_line\":",
                    command.as_bytes(),
                    b",\"parent\":{\"pid\":",
                ]);
                put(
                    out,
                    &[
                        num.format(parent_pid).as_bytes(),
                        b",\"name\":",
                        parent.as_bytes(),
                        b"}},\"user\":{\"name\":",
                        w.user_json.as_bytes(),
                        b",\"domain\":",
                        w.domain_json.as_bytes(),
                        b"},\"related\":{\"hosts\":[",
                        name,
                        b"],\"user\":[",
                        w.user_json.as_bytes(),
                        b"]}}",
                    ],
                );
            }
            Benign::Lookup {
                name: n,
                answer,
                port,
            } => {
                let [looked_up, message] = &SPELLED.names[n as usize];
                let answer = other.format(answer).as_bytes();
                put(out, &[
                    message.as_bytes(),
                    b",\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"protocol\",\"info\"],\"action\":\"dns-query\",\"outcome\":\"success\",\"dataset\":\"tidewatch.dns\",\"module\":\"tidewatch\"},\"host\":",
                    host,
                    b",\"source\":{\"ip\":\"",
                    ip,
                    b"\",\"port\":",
                    num.format(port).as_bytes(),
                    b"},\"dns\":{\"type\":\"query\",\"question\":{\"name\":",
                    looked_up.as_bytes(),
                    b",\"type\":\"A\"},\"resolved_ip\":[\"192.0.2.",
                    answer,
                    b"\"]},\"related\":{\"ip\":[\"",
                    ip,
                    b"\",\"192.0.2.",
                    answer,
                    b"\"],\"hosts\":[",
                    name,
                    b"]}}",
                ]);
            }
            Benign::Connection { to, port, bytes } => {
                let to = other.format(to).as_bytes();
                put(out, &[
                    b"\"Network connection: ",
                    ip,
                    b" -> 192.0.2.",
                    to,
                    b":443\",\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"connection\",\"start\"],\"action\":\"network-connection\",\"dataset\":\"tidewatch.endpoint\",\"module\":\"tidewatch\"},\"host\":",
                    host,
                    b",\"source\":{\"ip\":\"",
                    ip,
                    b"\",\"port\":",
                    num.format(port).as_bytes(),
                    b"},\"destination\":{\"ip\":\"192.0.2.",
                    to,
                    b"\",\"port\":443,\"bytes\":",
                ]);
                put(out, &[
                    num.format(bytes).as_bytes(),
                    b"},\"network\":{\"transport\":\"tcp\",\"protocol\":\"tls\",\"direction\":\"egress\"},\"related\":{\"ip\":[\"",
                    ip,
                    b"\",\"192.0.2.",
                    to,
                    b"\"],\"hosts\":[",
                    name,
                    b"]}}",
                ]);
            }
            Benign::Logon { by, port } => write_logon(by, port, w, out),
        }
    }
}

/// A logon's record after its message key (see `Benign::write_ecs`).
fn write_logon(by: Logon, port: u16, w: &Words, out: &mut Vec<u8>) {
    let mut num = itoa::Buffer::new();
    let (host, name) = (w.host_json.as_bytes(), w.name_json.as_bytes());
    let (from, who, ok, gateway) = by.spelled(w);
    let outcome: &[u8] = if ok { b"success" } else { b"failure" };
    let message = format!(
        "Logon {} for {who} from {from}",
        if ok { "success" } else { "failure" }
    );
    let who = quoted(&who);
    put(out, &[
            quoted(&message).as_bytes(),
            b",\"event\":{\"kind\":\"event\",\"category\":[\"authentication\"],\"type\":[\"start\"],\"action\":\"logged-in\",\"outcome\":\"",
            outcome,
            b"\",\"dataset\":\"tidewatch.",
            if gateway { b"vpn" } else { b"endpoint" },
            b"\",\"module\":\"tidewatch\"},\"host\":",
            host,
            b",\"user\":{\"name\":",
            who.as_bytes(),
            b",\"domain\":",
            w.domain_json.as_bytes(),
            b"},\"source\":{\"ip\":\"",
            from.as_bytes(),
            b"\",\"port\":",
            num.format(port).as_bytes(),
            b"},\"related\":{\"ip\":[\"",
            from.as_bytes(),
            b"\"],\"hosts\":[",
            name,
            b"],\"user\":[",
            who.as_bytes(),
            b"]}}",
        ]);
}

/// Appends the parts in order.
fn put(out: &mut Vec<u8>, parts: &[&[u8]]) {
    parts.iter().for_each(|p| out.extend_from_slice(p));
}

impl Logon {
    /// From where, who, whether it worked, and whether at the VPN gateway.
    fn spelled(self, w: &Words) -> (String, String, bool, bool) {
        match self {
            Logon::Staff => (w.ip.clone(), w.user.clone(), true, false),
            Logon::Home { from, user } => {
                (format!("192.0.2.{from}"), format!("u{user:04}"), true, true)
            }
            Logon::Guesser { from, who } => (
                format!("203.0.113.{from}"),
                GUESSED[who as usize].to_string(),
                false,
                true,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    /// The straight writer and serde_json agree byte for byte on every kind of benign record,
    /// on every kind of host (a workstation, a Linux server, a VPN gateway), over a day of
    /// draws: the file reads as the `ecs::Record` says, field for field.
    #[test]
    fn a_benign_record_is_written_as_serde_writes_its_record() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org_with(
                "min-gov",
                "A",
                "HostGroup(id: \"ws\", kind: Workstation, count: 20, platform: Windows, \
                 sensor_coverage: 1.0, patch_level: 0.5, backups: Online), \
                 HostGroup(id: \"srv\", kind: Server, count: 4, platform: Linux, \
                 sensor_coverage: 1.0, patch_level: 0.5, backups: Online), \
                 HostGroup(id: \"vpn\", kind: EdgeDevice, count: 2, platform: Network, \
                 sensor_coverage: 1.0, patch_level: 0.5, backups: Online)",
            )
            .plan();
        let estate = Estate::new(&plan, 11);
        let stamp = estate.timestamp(75, 9);
        let mut kinds = std::collections::BTreeSet::new();
        let (mut drawn, mut line) = (Vec::new(), Vec::new());
        for h in 0..plan.host_count {
            let words = Words::new(&estate, h);
            for start in (0..24 * 60).step_by(60) {
                drawn.clear();
                hour(&estate, &words, h, start, &mut drawn);
                for &(_, benign) in &drawn {
                    line.clear();
                    benign.write_ecs(&words, &stamp, &mut line);
                    let mut record = benign.record(&words);
                    record.timestamp.clone_from(&stamp);
                    let serde = serde_json::to_string(&record).unwrap();
                    assert_eq!(String::from_utf8_lossy(&line), serde, "{benign:?}");
                    kinds.insert(match benign {
                        Benign::Process { .. } => "process",
                        Benign::Lookup { .. } => "lookup",
                        Benign::Connection { .. } => "connection",
                        Benign::Logon {
                            by: Logon::Staff, ..
                        } => "logon at work",
                        Benign::Logon {
                            by: Logon::Home { .. },
                            ..
                        } => "logon from home",
                        Benign::Logon {
                            by: Logon::Guesser { .. },
                            ..
                        } => "password guessed",
                    });
                }
            }
        }
        let every = [
            "connection",
            "logon at work",
            "logon from home",
            "lookup",
            "password guessed",
            "process",
        ];
        assert_eq!(kinds.into_iter().collect::<Vec<_>>(), every);
    }
}
