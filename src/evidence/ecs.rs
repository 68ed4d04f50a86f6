//! One record as a sensor writes it, in the Elastic Common Schema (ECS): nested JSON objects,
//! one per line, so it loads into Elastic or OpenSearch with `_bulk`, into Wazuh or Splunk as
//! JSON, or is read with `jq`. Only the fields a sensor of that kind fills are written.

use serde::Serialize;

/// The ECS version the records follow (every field is checked against the published field
/// set in `tests/evidence.rs`).
pub const ECS_VERSION: &str = "9.0.0";

#[derive(Clone, Debug, Default, Serialize)]
pub struct Record {
    #[serde(rename = "@timestamp")]
    pub timestamp: String,
    pub ecs: Ecs,
    pub message: String,
    pub event: Event,
    pub host: Host,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<Process>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Endpoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<Endpoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<File>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Url>,
    /// The ground truth, written only in the facilitator's evidence (`--all`): which campaign
    /// and technique made the record. A team's evidence never carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threat: Option<Threat>,
    pub related: Related,
}

#[derive(Clone, Debug, Serialize)]
pub struct Ecs {
    pub version: &'static str,
}

impl Default for Ecs {
    fn default() -> Self {
        Ecs {
            version: ECS_VERSION,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Event {
    pub kind: &'static str,
    pub category: Vec<&'static str>,
    #[serde(rename = "type")]
    pub kind_of: Vec<&'static str>,
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'static str>,
    /// Which sensor wrote it: `tidewatch.endpoint`, `tidewatch.dns`, `tidewatch.mail`,
    /// `tidewatch.vpn`.
    pub dataset: &'static str,
    pub module: &'static str,
}

impl Event {
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
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Host {
    pub name: String,
    pub hostname: String,
    pub ip: Vec<String>,
    pub os: Os,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Os {
    pub family: &'static str,
    pub platform: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Process {
    pub pid: u32,
    pub name: String,
    pub executable: String,
    pub command_line: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Parent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<Hash>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Parent {
    pub pid: u32,
    pub name: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Hash {
    pub sha256: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct User {
    pub name: String,
    pub domain: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Endpoint {
    pub ip: String,
    pub port: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Network {
    pub transport: &'static str,
    pub protocol: &'static str,
    pub direction: &'static str,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Dns {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub question: Question,
    pub resolved_ip: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Question {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct File {
    pub path: String,
    pub name: String,
    pub extension: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<Hash>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Email {
    pub from: Addresses,
    pub to: Addresses,
    pub subject: String,
    pub attachments: Vec<Attachment>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Addresses {
    pub address: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Attachment {
    pub file: AttachmentFile,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct AttachmentFile {
    pub name: String,
    pub extension: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Url {
    pub path: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Threat {
    pub technique: Technique,
    pub tactic: Tactic,
    /// The campaign (ECS's `threat.group` is the actor; the campaign is its operation).
    pub group: Group,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Technique {
    pub id: Vec<String>,
    pub name: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Tactic {
    pub name: Vec<&'static str>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Group {
    pub name: String,
}

/// What a search across sources keys on: every address, host and user in the record.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Related {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ip: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user: Vec<String>,
}

/// A connection as a sensor sees it: from an address and port to another.
pub struct Flow {
    pub from: String,
    pub from_port: u16,
    pub to: String,
    pub port: u16,
    pub bytes: u64,
    pub domain: Option<String>,
}

impl Record {
    /// A name looked up from `ip` (port `port`) and the address it resolved to; the host is
    /// the caller's to set.
    pub fn lookup(ip: &str, port: u16, name: &str, answer: &str) -> Record {
        Record {
            message: format!("DNS query: {name}"),
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
                    name: name.into(),
                    kind: "A",
                },
                resolved_ip: vec![answer.into()],
            }),
            source: Some(Endpoint {
                ip: ip.into(),
                port,
                ..Endpoint::default()
            }),
            related: Related {
                ip: vec![ip.into(), answer.into()],
                ..Related::default()
            },
            ..Record::default()
        }
    }

    /// A connection out (or inside the estate, to a 10.x address).
    pub fn connection(flow: Flow) -> Record {
        let direction = if flow.to.starts_with("10.") {
            "internal"
        } else {
            "egress"
        };
        Record {
            message: format!(
                "Network connection: {} -> {}:{}",
                flow.from, flow.to, flow.port
            ),
            event: Event::endpoint(&["network"], &["connection", "start"], "network-connection"),
            source: Some(Endpoint {
                ip: flow.from.clone(),
                port: flow.from_port,
                ..Endpoint::default()
            }),
            destination: Some(Endpoint {
                ip: flow.to.clone(),
                port: flow.port,
                domain: flow.domain,
                bytes: Some(flow.bytes),
            }),
            network: Some(Network {
                transport: "tcp",
                protocol: match flow.port {
                    443 => "tls",
                    445 => "smb",
                    3389 => "rdp",
                    22 => "ssh",
                    _ => "http",
                },
                direction,
            }),
            related: Related {
                ip: vec![flow.from, flow.to],
                ..Related::default()
            },
            ..Record::default()
        }
    }

    /// A logon by `user` from `from` (port `port`), at a VPN gateway or a host.
    pub fn logon(user: User, from: &str, port: u16, ok: bool, gateway: bool) -> Record {
        Record {
            message: format!(
                "Logon {} for {} from {from}",
                if ok { "success" } else { "failure" },
                user.name
            ),
            event: Event {
                kind: "event",
                category: vec!["authentication"],
                kind_of: vec!["start"],
                action: "logged-in",
                outcome: Some(if ok { "success" } else { "failure" }),
                dataset: if gateway {
                    "tidewatch.vpn"
                } else {
                    "tidewatch.endpoint"
                },
                module: "tidewatch",
            },
            source: Some(Endpoint {
                ip: from.into(),
                port,
                ..Endpoint::default()
            }),
            related: Related {
                ip: vec![from.into()],
                user: vec![user.name.clone()],
                ..Related::default()
            },
            user: Some(user),
            ..Record::default()
        }
    }
}
