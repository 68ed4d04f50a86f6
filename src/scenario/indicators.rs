//! The indicators a campaign leaves: what an analyst keys on for its use of a technique (a
//! sender, an address, a domain, a payload's hash), fictional and from reserved ranges only.
//! The STIX bundle names them, the evidence carries them, and the model reads a team's
//! findings against them, so all three must derive the same values: they live here, below all
//! three.

use std::collections::BTreeSet;

use super::stable_hash::hash_of;
use super::{Effect, Tactic};

/// FNV of near-identical inputs differs in few bits: SplitMix64's finaliser spreads them, so
/// ids and hashes look like the random values they stand for.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What an analyst keys on for a campaign's use of a technique: a sender, an address, a
/// domain or a payload, from reserved ranges only (RFC 5737 addresses, RFC 2606 `.example`
/// names, hashes of nothing). The STIX bundle's indicators and the evidence's records name the
/// same ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Indicator {
    Sender(String),
    Address(String),
    Domain(String),
    /// A tool or payload by its SHA-256, and the ransom note's file name for an encryptor.
    Payload {
        sha256: String,
        note: Option<String>,
    },
}

pub fn fictional_indicator(
    campaign: &str,
    technique: &str,
    effect: Effect,
    tactic: Tactic,
) -> Indicator {
    let slug: String = campaign
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let h = mix(hash_of(&(campaign, technique)));
    let octet = 1 + h % 254;
    let sha256: String = (0..4u8)
        .map(|k| format!("{:016x}", mix(hash_of(&(campaign, technique, k)))))
        .collect();
    if tactic == Tactic::CommandAndControl {
        return Indicator::Domain(format!("cdn-{slug}.example"));
    }
    match effect {
        Effect::Phish => Indicator::Sender(format!("accounts@{slug}-invoices.example")),
        Effect::ExploitPublicFacing | Effect::Ddos => {
            Indicator::Address(format!("203.0.113.{octet}"))
        }
        Effect::ValidAccounts | Effect::TrustedRelationship => {
            Indicator::Address(format!("198.51.100.{octet}"))
        }
        Effect::Exfiltrate => Indicator::Address(format!("192.0.2.{octet}")),
        Effect::Encrypt => Indicator::Payload {
            sha256,
            note: Some(format!("{}-RESTORE-FILES.txt", slug.to_uppercase())),
        },
        Effect::Foothold | Effect::LateralMovement => Indicator::Payload { sha256, note: None },
    }
}

impl Indicator {
    /// The values an analyst would copy out of a record: the sender, address or domain, the
    /// payload's hash and, for an encryptor, its ransom note's file name.
    pub fn values(&self) -> Vec<&str> {
        match self {
            Indicator::Sender(v) | Indicator::Address(v) | Indicator::Domain(v) => vec![v],
            Indicator::Payload { sha256, note } => std::iter::once(sha256.as_str())
                .chain(note.as_deref())
                .collect(),
        }
    }
}

/// The campaign's command-and-control name, which every foothold beacons to.
pub fn c2_domain(campaign: &str) -> String {
    match fictional_indicator(campaign, "c2", Effect::Foothold, Tactic::CommandAndControl) {
        Indicator::Domain(d) => d,
        _ => unreachable!("a command-and-control indicator is a domain"),
    }
}

/// The hash of the campaign's own tool, for a stage whose indicator is not a payload.
pub fn tool_hash(campaign: &str) -> String {
    match fictional_indicator(campaign, "tool", Effect::Foothold, Tactic::Execution) {
        Indicator::Payload { sha256, .. } => sha256,
        _ => unreachable!("a tool's indicator is a payload"),
    }
}

/// An indicator as people type it, for comparing: trimmed, lower case (hashes and domains are
/// case-blind; a ransom note's name is matched the same way).
pub fn normalised(value: &str) -> String {
    value.trim().to_ascii_lowercase()
}

/// Every value a campaign's records carry for the techniques given (`normalised`): each
/// technique's indicator, and the crew's command-and-control domain and tool hash.
pub fn indicators_of(
    plan: &super::Plan,
    campaign: super::ids::CampaignIx,
    techniques: impl IntoIterator<Item = super::ids::TechniqueIx>,
) -> BTreeSet<String> {
    let id = &plan.scenario.campaigns[campaign.ix()].id;
    let mut out = BTreeSet::from([normalised(&c2_domain(id)), normalised(&tool_hash(id))]);
    for t in techniques {
        let t = &plan.techniques[t];
        let indicator = fictional_indicator(id, &t.id, t.effect, t.tactic);
        out.extend(indicator.values().into_iter().map(normalised));
    }
    out
}

/// Every value the campaign's records may carry: its stages' indicators, its domain and tool.
pub fn campaign_indicators(
    plan: &super::Plan,
    campaign: super::ids::CampaignIx,
) -> BTreeSet<String> {
    let stages = plan.campaigns[campaign].stages.iter().map(|s| s.technique);
    indicators_of(plan, campaign, stages)
}
