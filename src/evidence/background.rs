//! What a sensor records when nothing is wrong: people starting programs, looking up names,
//! opening connections and logging on at work hours; servers serving around the clock; the
//! internet knocking at the VPN gateway all day. The signal sits in this noise, as at work.

use crate::scenario::HostKind;
use crate::scenario::ids::HostIx;
use crate::sim::judgement::EVIDENCE_PER_HOUR;

use super::ecs::{Dns, Endpoint, Event, Network, Parent, Process, Question, Record, Related, User};
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

/// The benign records of `host` over the hour starting at `hour` (a tick), each with its
/// second in the hour.
pub fn hour(estate: &Estate, host: HostIx, hour: u64, out: &mut Vec<(u64, Record)>) {
    let rates = EVIDENCE_PER_HOUR.of(estate.kind(host), estate.working(host, hour + 30));
    let mut sensor = Sensor {
        estate,
        host,
        hour,
        k: 0,
        kind: estate.kind(host),
        ip: estate.ip(host),
        name: estate.name(host),
        user: estate.user(host),
        domain: estate.domain(estate.org_of(host)),
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
        out.push(sensor.logon());
    }
}

/// One host's sensor over one hour: what it names, and its draws.
struct Sensor<'a, 'p> {
    estate: &'a Estate<'p>,
    host: HostIx,
    hour: u64,
    k: u64,
    kind: HostKind,
    ip: String,
    name: String,
    user: String,
    domain: String,
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

    fn base(&self) -> Record {
        Record {
            host: self.estate.host(self.host),
            ..Record::default()
        }
    }

    /// A program someone started.
    fn process(&mut self) -> (u64, Record) {
        let (program, path, parent) = PROGRAMS[self.draw(PROGRAMS.len() as u64) as usize];
        let second = self.draw(3600);
        (
            second,
            Record {
                message: format!("Process Create: {program}"),
                event: endpoint(&["process"], &["start"], "process-started"),
                process: Some(Process {
                    pid: 1000 + self.draw(60_000) as u32,
                    name: program.into(),
                    executable: path.into(),
                    command_line: format!("\"{path}\""),
                    parent: Some(Parent {
                        pid: 600 + self.draw(400) as u32,
                        name: parent.into(),
                    }),
                    hash: None,
                }),
                user: Some(User {
                    name: self.user.clone(),
                    domain: self.domain.clone(),
                }),
                related: Related {
                    hosts: vec![self.name.clone()],
                    user: vec![self.user.clone()],
                    ..Related::default()
                },
                ..self.base()
            },
        )
    }

    /// A name looked up.
    fn lookup(&mut self) -> (u64, Record) {
        let looked_up = NAMES[self.draw(NAMES.len() as u64) as usize];
        let answer = format!("192.0.2.{}", 1 + self.draw(254));
        (
            self.draw(3600),
            Record {
                message: format!("DNS query: {looked_up}"),
                event: Event {
                    kind: "event",
                    category: vec!["network"],
                    kind_of: vec!["protocol", "info"],
                    action: "dns-query",
                    outcome: Some("success"),
                    dataset: "tidewatch.dns",
                    module: "tidewatch",
                },
                dns: Some(Dns {
                    kind: "query",
                    question: Question {
                        name: looked_up.into(),
                        kind: "A",
                    },
                    resolved_ip: vec![answer.clone()],
                }),
                source: Some(Endpoint {
                    ip: self.ip.clone(),
                    port: 49152 + self.draw(16000) as u16,
                    ..Endpoint::default()
                }),
                related: Related {
                    ip: vec![self.ip.clone(), answer],
                    hosts: vec![self.name.clone()],
                    ..Related::default()
                },
                ..self.base()
            },
        )
    }

    /// A connection out to the web.
    fn connection(&mut self) -> (u64, Record) {
        let to = format!("192.0.2.{}", 1 + self.draw(254));
        (
            self.draw(3600),
            Record {
                message: format!("Network connection: {} -> {to}:443", self.ip),
                event: endpoint(&["network"], &["connection", "start"], "network-connection"),
                source: Some(Endpoint {
                    ip: self.ip.clone(),
                    port: 49152 + self.draw(16000) as u16,
                    ..Endpoint::default()
                }),
                destination: Some(Endpoint {
                    ip: to.clone(),
                    port: 443,
                    bytes: Some(2_000 + self.draw(400_000)),
                    ..Endpoint::default()
                }),
                network: Some(Network {
                    transport: "tcp",
                    protocol: "tls",
                    direction: "egress",
                }),
                related: Related {
                    ip: vec![self.ip.clone(), to],
                    hosts: vec![self.name.clone()],
                    ..Related::default()
                },
                ..self.base()
            },
        )
    }

    /// A logon: staff at work, or at the gateway the internet guessing passwords.
    fn logon(&mut self) -> (u64, Record) {
        // A gateway hears the internet try passwords all day; anywhere else a logon works.
        let failed = self.kind == HostKind::EdgeDevice && self.draw(3) > 0;
        // Staff working from home reach the gateway from their providers' addresses; the
        // password guessers from anywhere.
        let (from, who) = match (self.kind == HostKind::EdgeDevice, failed) {
            (true, true) => (
                format!("203.0.113.{}", 1 + self.draw(254)),
                ["admin", "root", "test", "vpn"][self.draw(4) as usize].to_string(),
            ),
            (true, false) => (
                format!("192.0.2.{}", 1 + self.draw(254)),
                format!("u{:04}", 1 + self.draw(300)),
            ),
            _ => (self.ip.clone(), self.user.clone()),
        };
        (
            self.draw(3600),
            Record {
                message: format!(
                    "Logon {} for {who} from {from}",
                    if failed { "failure" } else { "success" }
                ),
                event: Event {
                    kind: "event",
                    category: vec!["authentication"],
                    kind_of: vec!["start"],
                    action: "logged-in",
                    outcome: Some(if failed { "failure" } else { "success" }),
                    dataset: if self.kind == HostKind::EdgeDevice {
                        "tidewatch.vpn"
                    } else {
                        "tidewatch.endpoint"
                    },
                    module: "tidewatch",
                },
                user: Some(User {
                    name: who.clone(),
                    domain: self.domain.clone(),
                }),
                source: Some(Endpoint {
                    ip: from.clone(),
                    port: 49152 + self.draw(16000) as u16,
                    ..Endpoint::default()
                }),
                related: Related {
                    ip: vec![from],
                    hosts: vec![self.name.clone()],
                    user: vec![who],
                },
                ..self.base()
            },
        )
    }
}

/// An endpoint sensor's event.
pub fn endpoint(
    category: &[&'static str],
    kind_of: &[&'static str],
    action: &'static str,
) -> Event {
    Event {
        kind: "event",
        category: category.to_vec(),
        kind_of: kind_of.to_vec(),
        action,
        outcome: None,
        dataset: "tidewatch.endpoint",
        module: "tidewatch",
    }
}
