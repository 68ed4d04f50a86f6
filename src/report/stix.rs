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

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::scenario::ids::{ActorIx, CampaignIx, IslandIx, TeamIx, TechniqueIx};
use crate::scenario::{Effect, Plan, Tactic, Tlp};
use crate::sim::digest::hash_of;
use crate::sim::events::{SimEvent, Stamped};

/// The OASIS TLP 2.0 extension every marking below declares itself through.
const TLP_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The TLP 2.0 marking definitions as OASIS published them (cti-stix-common-objects): their
/// ids and creation time are part of the standard, not ours to make up.
fn tlp_marking(tlp: Tlp) -> (&'static str, &'static str, &'static str) {
    match tlp {
        Tlp::Clear => (
            "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            "TLP:CLEAR",
            "clear",
        ),
        Tlp::Green => (
            "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            "TLP:GREEN",
            "green",
        ),
        Tlp::Amber => (
            "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            "TLP:AMBER",
            "amber",
        ),
        Tlp::AmberStrict => (
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            "TLP:AMBER+STRICT",
            "amber+strict",
        ),
        Tlp::Red => (
            "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
            "TLP:RED",
            "red",
        ),
    }
}

fn tlp_id(tlp: Tlp) -> &'static str {
    tlp_marking(tlp).0
}

/// From the most to the least shareable: an object two items mention carries the more
/// shareable of their markings (it was said at that level).
fn openness(tlp: Tlp) -> u8 {
    match tlp {
        Tlp::Clear => 0,
        Tlp::Green => 1,
        Tlp::Amber => 2,
        Tlp::AmberStrict => 3,
        Tlp::Red => 4,
    }
}

fn marking_object(tlp: Tlp) -> Value {
    let (id, name, level) = tlp_marking(tlp);
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

/// Where a team that shared about a campaign met it: (campaign, island), (first tick, last
/// tick, times, team), and the most open marking it shared under.
type Sighting = ((CampaignIx, IslandIx), (u64, u64, u32, TeamIx), Tlp);

/// One intel item as its `IntelProduced` event tells it.
struct Item {
    campaign: CampaignIx,
    actor: ActorIx,
    techniques: Vec<TechniqueIx>,
    tlp: Tlp,
    team: TeamIx,
    island: IslandIx,
    produced: u64,
}

/// The exercise's intelligence as a STIX 2.1 bundle, from its events.
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

    /// The bundle, as JSON.
    pub fn bundle(&self) -> Value {
        let plan = self.plan;
        let s = &plan.scenario;
        let exercise = format!("EXERCISE {}", s.name);
        let start = self.time(0);
        let labels = json!(["exercise", "tidewatch"]);

        // What the log says of each item: produced (what), received (by whom, how), applied.
        let mut produced: BTreeMap<u32, Item> = BTreeMap::new();
        let mut received: BTreeMap<u32, Vec<(u64, TeamIx, String)>> = BTreeMap::new();
        let mut applied: BTreeMap<u32, Vec<(u64, IslandIx)>> = BTreeMap::new();
        // Incidents by campaign and island: (first, last, count, first team).
        let mut met: BTreeMap<(CampaignIx, IslandIx), (u64, u64, u32, TeamIx)> = BTreeMap::new();
        for e in self.events {
            match &e.event {
                SimEvent::IntelProduced {
                    item,
                    team,
                    campaign,
                    tlp,
                    island,
                    techniques,
                } => {
                    produced.insert(
                        *item,
                        Item {
                            campaign: *campaign,
                            actor: plan.campaigns[*campaign].actor,
                            techniques: techniques.clone(),
                            tlp: *tlp,
                            team: *team,
                            island: *island,
                            produced: e.tick,
                        },
                    );
                }
                SimEvent::IntelReceived {
                    item,
                    team,
                    channel,
                } => {
                    received
                        .entry(*item)
                        .or_default()
                        .push((e.tick, *team, format!("{channel:?}")))
                }
                SimEvent::IntelApplied { item, island, .. } => {
                    applied.entry(*item).or_default().push((e.tick, *island))
                }
                SimEvent::IncidentOpened {
                    team,
                    org,
                    campaign,
                    ..
                } => {
                    let island = plan.orgs[*org].island;
                    let m = met
                        .entry((*campaign, island))
                        .or_insert((e.tick, e.tick, 0, *team));
                    m.1 = e.tick;
                    m.2 += 1;
                }
                _ => {}
            }
        }
        let items: Vec<(u32, &Item)> = produced.iter().map(|(&n, i)| (n, i)).collect();

        // The shared objects, each with the most shareable marking it was said at and the
        // first moment it was.
        let mut tlps: BTreeSet<u8> = BTreeSet::new();
        let mut teams: BTreeMap<TeamIx, u64> = BTreeMap::new();
        let mut campaigns: BTreeMap<CampaignIx, (Tlp, u64)> = BTreeMap::new();
        let mut actors: BTreeMap<usize, (Tlp, u64)> = BTreeMap::new();
        let mut techniques: BTreeMap<TechniqueIx, u64> = BTreeMap::new();
        let mut islands: BTreeSet<IslandIx> = BTreeSet::new();
        let more_open = |slot: &mut (Tlp, u64), tlp: Tlp, at: u64| {
            if openness(tlp) < openness(slot.0) {
                slot.0 = tlp;
            }
            slot.1 = slot.1.min(at);
        };
        for &(_, item) in &items {
            tlps.insert(openness(item.tlp));
            teams.entry(item.team).or_insert(item.produced);
            more_open(
                campaigns
                    .entry(item.campaign)
                    .or_insert((item.tlp, item.produced)),
                item.tlp,
                item.produced,
            );
            more_open(
                actors
                    .entry(item.actor.ix())
                    .or_insert((item.tlp, item.produced)),
                item.tlp,
                item.produced,
            );
            for &t in &item.techniques {
                techniques.entry(t).or_insert(item.produced);
            }
            islands.insert(item.island);
        }
        // Sightings: where a team that shared about a campaign met it.
        let mut sightings: Vec<Sighting> = Vec::new();
        for (&(campaign, island), &m) in &met {
            let said = items
                .iter()
                .filter(|(_, i)| i.campaign == campaign && i.island == island)
                .map(|(_, i)| i.tlp)
                .min_by_key(|t| openness(*t));
            if let Some(tlp) = said {
                islands.insert(island);
                teams.entry(m.3).or_insert(m.0);
                sightings.push(((campaign, island), m, tlp));
            }
        }
        let clear = tlp_id(Tlp::Clear);
        if !teams.is_empty() {
            tlps.insert(openness(Tlp::Clear));
        }

        let mut objects: Vec<Value> = Vec::new();
        for tlp in [
            Tlp::Clear,
            Tlp::Green,
            Tlp::Amber,
            Tlp::AmberStrict,
            Tlp::Red,
        ] {
            if tlps.contains(&openness(tlp)) {
                objects.push(marking_object(tlp));
            }
        }
        let team_id = |t: TeamIx| self.id("identity", &s.teams[t.ix()].id, false);
        for &t in teams.keys() {
            let team = &s.teams[t.ix()];
            let island = plan.teams[t]
                .island
                .map(|i| format!(" of {}", s.islands[i.ix()].name))
                .unwrap_or_default();
            objects.push(json!({
                "type": "identity",
                "spec_version": "2.1",
                "id": team_id(t),
                "created": start,
                "modified": start,
                "name": team.name,
                "description": format!("{:?}{island}, as played in the exercise {}", team.kind, s.name),
                "identity_class": "organization",
                "labels": labels,
                "object_marking_refs": [clear],
            }));
        }
        let island_id = |i: IslandIx| self.id("location", &s.islands[i.ix()].id, false);
        for &i in &islands {
            let island = &s.islands[i.ix()];
            objects.push(json!({
                "type": "location",
                "spec_version": "2.1",
                "id": island_id(i),
                "created": start,
                "modified": start,
                "name": island.name,
                "latitude": island.lat,
                "longitude": island.lon,
                "labels": labels,
                "object_marking_refs": [clear],
            }));
        }
        let technique_id =
            |t: TechniqueIx| self.id("attack-pattern", &plan.techniques[t].id, false);
        for &t in techniques.keys() {
            let tech = &plan.techniques[t];
            objects.push(json!({
                "type": "attack-pattern",
                "spec_version": "2.1",
                "id": technique_id(t),
                "created": start,
                "modified": start,
                "name": tech.name,
                // No `url`: STIX wants a hash beside one, and the ATT&CK page has none.
                "external_references": [{
                    "source_name": "mitre-attack",
                    "external_id": tech.id,
                }],
                "kill_chain_phases": [{
                    "kill_chain_name": "mitre-attack",
                    "phase_name": phase_name(tech.tactic),
                }],
                "object_marking_refs": [clear],
            }));
        }
        let actor_id = |a: usize| self.id("intrusion-set", &s.actors[a].id, false);
        for (&a, &(tlp, at)) in &actors {
            let actor = &s.actors[a];
            let when = self.time(at);
            objects.push(json!({
                "type": "intrusion-set",
                "spec_version": "2.1",
                "id": actor_id(a),
                "created": when,
                "modified": when,
                "name": actor.name,
                "description": if actor.description.is_empty() {
                    format!("A fictional actor of the exercise {}.", s.name)
                } else {
                    actor.description.clone()
                },
                "labels": labels,
                "object_marking_refs": [tlp_id(tlp)],
            }));
        }
        let campaign_id = |c: CampaignIx| self.id("campaign", &s.campaigns[c.ix()].id, true);
        for (&c, &(tlp, at)) in &campaigns {
            let campaign = &s.campaigns[c.ix()];
            let when = self.time(at);
            objects.push(json!({
                "type": "campaign",
                "spec_version": "2.1",
                "id": campaign_id(c),
                "created": when,
                "modified": when,
                "name": format!("{exercise}: {}", campaign.name),
                "first_seen": self.time(plan.campaigns[c].start_tick),
                "labels": labels,
                "object_marking_refs": [tlp_id(tlp)],
            }));
        }

        // Per item: its indicators and relationships, then the report that holds them.
        let mut related: Vec<Value> = Vec::new();
        let mut reports: Vec<Value> = Vec::new();
        let mut indicators: Vec<Value> = Vec::new();
        let relationship =
            |kind: &str, from: &str, to: &str, key: &str, at: &str, by: &str, tlp: Tlp| -> Value {
                json!({
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": self.id("relationship", &format!("{key}|{from}|{kind}|{to}"), true),
                    "created": at,
                    "modified": at,
                    "relationship_type": kind,
                    "source_ref": from,
                    "target_ref": to,
                    "created_by_ref": by,
                    "object_marking_refs": [tlp_id(tlp)],
                })
            };
        for &(n, item) in &items {
            let when = self.time(item.produced);
            let by = team_id(item.team);
            let tlp = item.tlp;
            let campaign = &s.campaigns[item.campaign.ix()];
            let key = format!("item {n}");
            let mut refs = vec![
                campaign_id(item.campaign),
                actor_id(item.actor.ix()),
                island_id(item.island),
            ];
            let attributed = relationship(
                "attributed-to",
                &campaign_id(item.campaign),
                &actor_id(item.actor.ix()),
                &key,
                &when,
                &by,
                tlp,
            );
            refs.push(attributed["id"].as_str().unwrap_or_default().to_string());
            related.push(attributed);
            for &t in &item.techniques {
                let tech = &plan.techniques[t];
                let pattern = fictional_pattern(&campaign.id, &tech.id, tech.effect, tech.tactic);
                let indicator = self.id("indicator", &format!("{key}|{}", tech.id), true);
                indicators.push(json!({
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": indicator,
                    "created": when,
                    "modified": when,
                    "name": format!("{exercise}: {} ({})", tech.name, campaign.name),
                    "description": format!(
                        "Fictional indicator for the exercise {}: seen with {} {}. Documentation addresses and .example names only; never seen in the wild.",
                        s.name, tech.id, tech.name
                    ),
                    "indicator_types": ["malicious-activity"],
                    "pattern": pattern,
                    "pattern_type": "stix",
                    "pattern_version": "2.1",
                    "valid_from": when,
                    "labels": labels,
                    "created_by_ref": by,
                    "object_marking_refs": [tlp_id(tlp)],
                }));
                refs.push(technique_id(t));
                refs.push(indicator.clone());
                for (kind, target) in [
                    ("indicates", campaign_id(item.campaign)),
                    ("indicates", technique_id(t)),
                ] {
                    let r = relationship(kind, &indicator, &target, &key, &when, &by, tlp);
                    refs.push(r["id"].as_str().unwrap_or_default().to_string());
                    related.push(r);
                }
                let uses = relationship(
                    "uses",
                    &campaign_id(item.campaign),
                    &technique_id(t),
                    &key,
                    &when,
                    &by,
                    tlp,
                );
                refs.push(uses["id"].as_str().unwrap_or_default().to_string());
                related.push(uses);
            }
            let org_where = self.events.iter().find_map(|e| match &e.event {
                SimEvent::IncidentOpened {
                    team,
                    org,
                    campaign,
                    ..
                } if *team == item.team
                    && *campaign == item.campaign
                    && e.tick <= item.produced =>
                {
                    Some(s.organisations[org.ix()].name.clone())
                }
                _ => None,
            });
            let mut description = format!(
                "{} scoped an incident{} on {} and produced this at {} ({}, {}). Actor: {}. Techniques seen: {}.",
                s.teams[item.team.ix()].name,
                org_where.map(|o| format!(" at {o}")).unwrap_or_default(),
                s.islands[item.island.ix()].name,
                self.clock(item.produced),
                tlp_marking(tlp).1,
                campaign.name,
                s.actors[item.actor.ix()].name,
                item.techniques
                    .iter()
                    .map(|&t| plan.techniques[t].id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if let Some(r) = received.get(&n) {
                let got: Vec<String> = r
                    .iter()
                    .map(|(at, t, ch)| {
                        format!("{} ({ch}, {})", s.teams[t.ix()].id, self.clock(*at))
                    })
                    .collect();
                description.push_str(&format!(" Received by {}.", got.join(", ")));
            }
            if let Some(a) = applied.get(&n) {
                let on: BTreeSet<&str> = a
                    .iter()
                    .map(|(_, i)| s.islands[i.ix()].name.as_str())
                    .collect();
                description.push_str(&format!(
                    " Applied on {}.",
                    on.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
            reports.push(json!({
                "type": "report",
                "spec_version": "2.1",
                "id": self.id("report", &key, true),
                "created": when,
                "modified": when,
                "published": when,
                "name": format!("{exercise}: {} on {} (intel #{n})", s.teams[item.team.ix()].name, campaign.name),
                "description": description,
                "report_types": ["campaign", "indicator"],
                "object_refs": refs,
                "labels": labels,
                "created_by_ref": by,
                "object_marking_refs": [tlp_id(tlp)],
            }));
        }
        let mut sighted: Vec<Value> = Vec::new();
        for ((campaign, island), (first, last, count, team), tlp) in sightings {
            let at = self.time(first);
            sighted.push(json!({
                "type": "sighting",
                "spec_version": "2.1",
                "id": self.id("sighting", &format!("{}|{}", campaign.ix(), island.ix()), true),
                "created": at,
                "modified": at,
                "first_seen": at,
                "last_seen": self.time(last.max(first) + 1),
                "count": count,
                "sighting_of_ref": campaign_id(campaign),
                "where_sighted_refs": [island_id(island)],
                "created_by_ref": team_id(team),
                "object_marking_refs": [tlp_id(tlp)],
            }));
        }
        objects.extend(indicators);
        objects.extend(related);
        objects.extend(sighted);
        objects.extend(reports);
        json!({
            "type": "bundle",
            "id": self.id("bundle", "bundle", true),
            "objects": objects,
        })
    }
}

/// FNV of near-identical inputs differs in few bits: SplitMix64's finaliser spreads them, so
/// ids and hashes look like the random values they stand for.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The scenario clock's offset from UTC in minutes: `utc_offset`, else one its `time_zone`
/// text names (`AST (UTC-4)`), else 0.
fn scenario_offset(plan: &Plan) -> i64 {
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
/// for command and control, a file hash for tools and payloads), from reserved ranges only.
pub fn fictional_pattern(
    campaign: &str,
    technique: &str,
    effect: Effect,
    tactic: Tactic,
) -> String {
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
        return format!("[domain-name:value = 'cdn-{slug}.example']");
    }
    match effect {
        Effect::Phish => {
            format!("[email-message:from_ref.value = 'accounts@{slug}-invoices.example']")
        }
        Effect::ExploitPublicFacing | Effect::Ddos => {
            format!("[ipv4-addr:value = '203.0.113.{octet}']")
        }
        Effect::ValidAccounts | Effect::TrustedRelationship => {
            format!("[ipv4-addr:value = '198.51.100.{octet}']")
        }
        Effect::Exfiltrate => format!("[ipv4-addr:value = '192.0.2.{octet}']"),
        Effect::Encrypt => format!(
            "[file:hashes.'SHA-256' = '{sha256}'] OR [file:name = '{}-RESTORE-FILES.txt']",
            slug.to_uppercase()
        ),
        Effect::Foothold | Effect::LateralMovement => {
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
