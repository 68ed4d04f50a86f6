//! What a sensor records when nothing is wrong: people starting programs, looking up names,
//! opening connections and logging on at work hours; servers serving around the clock; the
//! internet knocking at the VPN gateway all day. The signal sits in this noise, as at work.

use crate::scenario::HostKind;
use crate::scenario::ids::HostIx;
use crate::sim::judgement::EVIDENCE_PER_HOUR;

use super::ecs::{Event, Flow, Parent, Process, Record, Related, User};
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
                event: Event::endpoint(&["process"], &["start"], "process-started"),
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
        let second = self.draw(3600);
        let port = 49152 + self.draw(16000) as u16;
        (
            second,
            self.on_host(Record::lookup(&self.ip, port, looked_up, &answer)),
        )
    }

    /// A connection out to the web.
    fn connection(&mut self) -> (u64, Record) {
        let to = format!("192.0.2.{}", 1 + self.draw(254));
        let second = self.draw(3600);
        let flow = Flow {
            from: self.ip.clone(),
            from_port: 49152 + self.draw(16000) as u16,
            to,
            port: 443,
            bytes: 2_000 + self.draw(400_000),
            domain: None,
        };
        (second, self.on_host(Record::connection(flow)))
    }

    /// A logon: staff at work, or at the gateway the internet guessing passwords.
    fn logon(&mut self) -> (u64, Record) {
        let gateway = self.kind == HostKind::EdgeDevice;
        // A gateway hears the internet try passwords all day; anywhere else a logon works.
        let failed = gateway && self.draw(3) > 0;
        // Staff working from home reach the gateway from their providers' addresses; the
        // password guessers from anywhere.
        let (from, who) = match (gateway, failed) {
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
        let second = self.draw(3600);
        let port = 49152 + self.draw(16000) as u16;
        let user = User {
            name: who,
            domain: self.domain.clone(),
        };
        (
            second,
            self.on_host(Record::logon(user, &from, port, !failed, gateway)),
        )
    }

    /// The record on this sensor's host.
    fn on_host(&self, mut record: Record) -> Record {
        record.host = self.estate.host(self.host);
        record.related.hosts.push(self.name.clone());
        record
    }
}
