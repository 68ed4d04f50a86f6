//! Intelligence out: what the teams learned and shared during an exercise, as a STIX 2.1
//! bundle a CSIRT can load into MISP or OpenCTI to practise with the tools it uses for real.
//!
//! Each intel item becomes a `report` by its team (an `identity`), marked with the item's TLP
//! 2.0 marking, referring to the campaign, its actor (an `intrusion-set`), the techniques seen
//! (`attack-pattern`s with their ATT&CK ids) and one `indicator` per technique. The indicators
//! are fictional but well formed, and harmless if loaded by mistake: documentation addresses
//! (RFC 5737), `.example` domains (RFC 2606) and hashes of nothing. A `sighting` per island
//! records where a team that shared about a campaign met it. Everything is labelled
//! `exercise`, and ids are derived from the scenario, the seed and the final state digest, so
//! the same exercise always gives the same bundle and two exercises never collide.

mod objects;
mod said;

use serde_json::{Value, json};

use super::picture::OperatingPicture;
use crate::scenario::indicators::mix;
pub use crate::scenario::indicators::{Indicator, fictional_indicator};
use crate::scenario::{Effect, Plan, Tactic, Tlp};
use crate::sim::digest::hash_of;
use crate::sim::events::Stamped;
use said::Said;

/// The OASIS TLP 2.0 extension every marking below declares itself through.
const TLP_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The TLP 2.0 marking definitions as OASIS published them (cti-stix-common-objects): their
/// ids and creation time are part of the standard, not ours to make up. (id, level); the
/// name is the marking's label (`Tlp::label`).
fn tlp_marking(tlp: Tlp) -> (&'static str, &'static str) {
    match tlp {
        Tlp::Clear => (
            "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            "clear",
        ),
        Tlp::Green => (
            "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            "green",
        ),
        Tlp::Amber => (
            "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            "amber",
        ),
        Tlp::AmberStrict => (
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            "amber+strict",
        ),
        Tlp::Red => (
            "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
            "red",
        ),
    }
}

fn tlp_id(tlp: Tlp) -> &'static str {
    tlp_marking(tlp).0
}

/// From the most to the least shareable (the markings' declaration order): an object two
/// items mention carries the more shareable of their markings (it was said at that level).
fn openness(tlp: Tlp) -> u8 {
    tlp as u8
}

fn marking_object(tlp: Tlp) -> Value {
    let (id, level) = tlp_marking(tlp);
    let name = tlp.label();
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": id,
        "created": "2022-10-01T00:00:00.000Z",
        "name": name,
        "extensions": {
            TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}
        }
    })
}

/// The exercise's intelligence as a STIX 2.1 bundle, from the operating picture of its events.
pub struct StixExport<'a> {
    pub plan: &'a Plan,
    pub events: &'a [Stamped],
    pub seed: u64,
    /// The played exercise's final state digest: two exercises never share object ids.
    pub digest: String,
}

impl StixExport<'_> {
    /// A STIX id: `type--` and a version-4-shaped UUID hashed from what the object stands for
    /// (stable for the same thing, different for anything else).
    fn id(&self, kind: &str, key: &str, per_exercise: bool) -> String {
        let scope = if per_exercise {
            format!("{}|{}|{}", self.plan.scenario.name, self.seed, self.digest)
        } else {
            self.plan.scenario.name.clone()
        };
        let a = mix(hash_of(&("tidewatch-stix", kind, key, scope.as_str(), 1u8)));
        let b = mix(hash_of(&("tidewatch-stix", kind, key, scope.as_str(), 2u8)));
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a.to_be_bytes());
        bytes[8..].copy_from_slice(&b.to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{kind}--{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// The UTC moment `tick` minutes into the exercise, as STIX writes timestamps. The
    /// scenario's clock is `utc_offset` (or the offset its `time_zone` names) from UTC; with
    /// neither, it is taken as UTC.
    fn time(&self, tick: u64) -> String {
        let offset = scenario_offset(self.plan);
        let t = self.plan.start.at_offset(tick, -offset);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:00.000Z",
            t.year,
            t.month,
            t.day,
            t.minute_of_day / 60,
            t.minute_of_day % 60
        )
    }

    fn clock(&self, tick: u64) -> String {
        self.plan.start.at(tick).clock()
    }

    /// The bundle, as JSON: the markings, the teams, islands, techniques, actors and
    /// campaigns the items mention, then each item's indicators and relationships, the
    /// sightings, and the reports.
    pub fn bundle(&self) -> Value {
        let picture = OperatingPicture::of(self.plan, self.events);
        let said = Said::of(self.plan, &picture);
        let mut objects = self.markings(&said);
        objects.extend(self.identities(&said));
        objects.extend(self.locations(&said));
        objects.extend(self.attack_patterns(&said));
        objects.extend(self.intrusion_sets(&said));
        objects.extend(self.campaigns(&said));
        let items = self.items(&said, &picture);
        objects.extend(items.indicators);
        objects.extend(items.related);
        objects.extend(self.sightings(&said));
        objects.extend(items.reports);
        json!({
            "type": "bundle",
            "id": self.id("bundle", "bundle", true),
            "objects": objects,
        })
    }
}

/// The scenario clock's offset from UTC in minutes: `utc_offset`, else one its `time_zone`
/// text names (`AST (UTC-4)`), else 0.
pub(crate) fn scenario_offset(plan: &Plan) -> i64 {
    if let Some(o) = plan.scenario.utc_offset {
        return o.0;
    }
    let zone = &plan.scenario.time_zone;
    zone.find("UTC")
        .and_then(|at| {
            let rest = &zone[at..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == ':'))
                .unwrap_or(rest.len());
            crate::time::parse_utc_offset(&rest[..end]).ok()
        })
        .map_or(0, |o| o.0)
}

/// ATT&CK's kill-chain phase names.
fn phase_name(tactic: Tactic) -> &'static str {
    match tactic {
        Tactic::InitialAccess => "initial-access",
        Tactic::Execution => "execution",
        Tactic::Persistence => "persistence",
        Tactic::PrivilegeEscalation => "privilege-escalation",
        Tactic::DefenseEvasion => "defense-evasion",
        Tactic::CredentialAccess => "credential-access",
        Tactic::Discovery => "discovery",
        Tactic::LateralMovement => "lateral-movement",
        Tactic::Collection => "collection",
        Tactic::CommandAndControl => "command-and-control",
        Tactic::Exfiltration => "exfiltration",
        Tactic::Impact => "impact",
    }
}

/// A fictional, well-formed STIX pattern for a campaign's use of a technique: what an analyst
/// would write for it (a sender for phishing, an address for exploitation or logins, a domain
/// for command and control, a file hash for tools and payloads).
pub fn fictional_pattern(
    campaign: &str,
    technique: &str,
    effect: Effect,
    tactic: Tactic,
) -> String {
    match fictional_indicator(campaign, technique, effect, tactic) {
        Indicator::Domain(d) => format!("[domain-name:value = '{d}']"),
        Indicator::Sender(a) => format!("[email-message:from_ref.value = '{a}']"),
        Indicator::Address(ip) => format!("[ipv4-addr:value = '{ip}']"),
        Indicator::Payload {
            sha256,
            note: Some(note),
        } => format!("[file:hashes.'SHA-256' = '{sha256}'] OR [file:name = '{note}']"),
        Indicator::Payload { sha256, note: None } => {
            format!("[file:hashes.'SHA-256' = '{sha256}']")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of technique gets its own kind of observable, from the reserved ranges, and
    /// the same campaign and technique always the same value.
    #[test]
    fn fictional_indicators_are_well_formed_and_reserved() {
        let phish = fictional_pattern("C-1", "T1566.001", Effect::Phish, Tactic::InitialAccess);
        assert_eq!(
            phish,
            "[email-message:from_ref.value = 'accounts@c-1-invoices.example']"
        );
        let ip = fictional_pattern(
            "c1",
            "T1190",
            Effect::ExploitPublicFacing,
            Tactic::InitialAccess,
        );
        assert!(ip.starts_with("[ipv4-addr:value = '203.0.113."), "{ip}");
        let hash = fictional_pattern("c1", "T1003", Effect::Foothold, Tactic::CredentialAccess);
        let hex = hash.split('\'').nth(3).unwrap();
        assert_eq!(hex.len(), 64);
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            hash,
            fictional_pattern("c1", "T1003", Effect::Foothold, Tactic::CredentialAccess)
        );
        assert_ne!(
            hash,
            fictional_pattern("c2", "T1003", Effect::Foothold, Tactic::CredentialAccess)
        );
        let c2 = fictional_pattern(
            "c1",
            "T1071.004",
            Effect::Foothold,
            Tactic::CommandAndControl,
        );
        assert_eq!(c2, "[domain-name:value = 'cdn-c1.example']");
    }

    #[test]
    fn phases_follow_attack() {
        assert_eq!(phase_name(Tactic::CommandAndControl), "command-and-control");
    }
}
