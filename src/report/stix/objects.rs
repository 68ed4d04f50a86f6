//! One builder per kind of STIX object the bundle holds, from what the teams said.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::said::{Item, Said};
use super::{StixExport, fictional_pattern, marking_object, phase_name, tlp_id};
use crate::report::picture::OperatingPicture;
use crate::scenario::Tlp;
use crate::scenario::ids::{CampaignIx, IslandIx, TeamIx, TechniqueIx};

/// Everything is labelled as an exercise.
fn labels() -> Value {
    json!(["exercise", "tidewatch"])
}

/// Who said an item, when and under which marking: what each object about it carries.
struct Voice {
    /// The item's key in object ids.
    key: String,
    when: String,
    by: String,
    tlp: Tlp,
}

/// Per item, in item order: its indicators, its relationships, and the report that holds them.
#[derive(Default)]
pub(super) struct ItemObjects {
    pub indicators: Vec<Value>,
    pub related: Vec<Value>,
    pub reports: Vec<Value>,
}

impl StixExport<'_> {
    fn exercise(&self) -> String {
        format!("EXERCISE {}", self.plan.scenario.name)
    }

    pub(super) fn team_id(&self, t: TeamIx) -> String {
        self.id("identity", &self.plan.scenario.teams[t.ix()].id, false)
    }

    fn island_id(&self, i: IslandIx) -> String {
        self.id("location", &self.plan.scenario.islands[i.ix()].id, false)
    }

    fn technique_id(&self, t: TechniqueIx) -> String {
        self.id("attack-pattern", &self.plan.techniques[t].id, false)
    }

    fn actor_id(&self, a: usize) -> String {
        self.id("intrusion-set", &self.plan.scenario.actors[a].id, false)
    }

    fn campaign_id(&self, c: CampaignIx) -> String {
        self.id("campaign", &self.plan.scenario.campaigns[c.ix()].id, true)
    }

    /// The TLP 2.0 markings used, from the most to the least shareable.
    pub(super) fn markings(&self, said: &Said) -> Vec<Value> {
        [
            Tlp::Clear,
            Tlp::Green,
            Tlp::Amber,
            Tlp::AmberStrict,
            Tlp::Red,
        ]
        .into_iter()
        .filter(|tlp| said.tlps.contains(&super::openness(*tlp)))
        .map(marking_object)
        .collect()
    }

    /// The teams that produced or sighted, as `identity` objects.
    pub(super) fn identities(&self, said: &Said) -> Vec<Value> {
        let (plan, s) = (self.plan, &self.plan.scenario);
        let start = self.time(0);
        said.teams
            .keys()
            .map(|&t| {
                let team = &s.teams[t.ix()];
                let island = plan.teams[t]
                    .island
                    .map(|i| format!(" of {}", s.islands[i.ix()].name))
                    .unwrap_or_default();
                json!({
                    "type": "identity",
                    "spec_version": "2.1",
                    "id": self.team_id(t),
                    "created": start,
                    "modified": start,
                    "name": team.name,
                    "description": format!("{:?}{island}, as played in the exercise {}", team.kind, s.name),
                    "identity_class": "organization",
                    "labels": labels(),
                    "object_marking_refs": [tlp_id(Tlp::Clear)],
                })
            })
            .collect()
    }

    /// The islands mentioned, as `location` objects.
    pub(super) fn locations(&self, said: &Said) -> Vec<Value> {
        let start = self.time(0);
        said.islands
            .iter()
            .map(|&i| {
                let island = &self.plan.scenario.islands[i.ix()];
                json!({
                    "type": "location",
                    "spec_version": "2.1",
                    "id": self.island_id(i),
                    "created": start,
                    "modified": start,
                    "name": island.name,
                    "latitude": island.lat,
                    "longitude": island.lon,
                    "labels": labels(),
                    "object_marking_refs": [tlp_id(Tlp::Clear)],
                })
            })
            .collect()
    }

    /// The techniques seen, as `attack-pattern` objects with their ATT&CK ids.
    pub(super) fn attack_patterns(&self, said: &Said) -> Vec<Value> {
        let start = self.time(0);
        said.techniques
            .keys()
            .map(|&t| {
                let tech = &self.plan.techniques[t];
                json!({
                    "type": "attack-pattern",
                    "spec_version": "2.1",
                    "id": self.technique_id(t),
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
                    "object_marking_refs": [tlp_id(Tlp::Clear)],
                })
            })
            .collect()
    }

    /// The campaigns' actors, as `intrusion-set` objects.
    pub(super) fn intrusion_sets(&self, said: &Said) -> Vec<Value> {
        let s = &self.plan.scenario;
        said.actors
            .iter()
            .map(|(&a, &(tlp, at))| {
                let actor = &s.actors[a];
                let when = self.time(at);
                json!({
                    "type": "intrusion-set",
                    "spec_version": "2.1",
                    "id": self.actor_id(a),
                    "created": when,
                    "modified": when,
                    "name": actor.name,
                    "description": if actor.description.is_empty() {
                        format!("A fictional actor of the exercise {}.", s.name)
                    } else {
                        actor.description.clone()
                    },
                    "labels": labels(),
                    "object_marking_refs": [tlp_id(tlp)],
                })
            })
            .collect()
    }

    /// The campaigns, as `campaign` objects named for the exercise.
    pub(super) fn campaigns(&self, said: &Said) -> Vec<Value> {
        said.campaigns
            .iter()
            .map(|(&c, &(tlp, at))| {
                let when = self.time(at);
                json!({
                    "type": "campaign",
                    "spec_version": "2.1",
                    "id": self.campaign_id(c),
                    "created": when,
                    "modified": when,
                    "name": format!("{}: {}", self.exercise(), self.plan.scenario.campaigns[c.ix()].name),
                    "first_seen": self.time(self.plan.campaigns[c].start_tick),
                    "labels": labels(),
                    "object_marking_refs": [tlp_id(tlp)],
                })
            })
            .collect()
    }

    /// Where a team that shared about a campaign met it, as `sighting` objects.
    pub(super) fn sightings(&self, said: &Said) -> Vec<Value> {
        said.sightings
            .iter()
            .map(|&((campaign, island), (first, last, count, team), tlp)| {
                let at = self.time(first);
                json!({
                    "type": "sighting",
                    "spec_version": "2.1",
                    "id": self.id("sighting", &format!("{}|{}", campaign.ix(), island.ix()), true),
                    "created": at,
                    "modified": at,
                    "first_seen": at,
                    "last_seen": self.time(last.max(first) + 1),
                    "count": count,
                    "sighting_of_ref": self.campaign_id(campaign),
                    "where_sighted_refs": [self.island_id(island)],
                    "created_by_ref": self.team_id(team),
                    "object_marking_refs": [tlp_id(tlp)],
                })
            })
            .collect()
    }

    /// Each item's indicators and relationships, and the report that holds them.
    pub(super) fn items(&self, said: &Said, picture: &OperatingPicture) -> ItemObjects {
        let mut out = ItemObjects::default();
        for item in &said.items {
            let voice = Voice {
                key: format!("item {}", item.number),
                when: self.time(item.produced),
                by: self.team_id(item.team),
                tlp: item.tlp,
            };
            let campaign = self.campaign_id(item.campaign);
            let actor = self.actor_id(item.actor.ix());
            let mut refs = vec![campaign.clone(), actor.clone(), self.island_id(item.island)];
            let attributed = self.relationship("attributed-to", &campaign, &actor, &voice);
            refs.push(attributed["id"].as_str().unwrap_or_default().to_string());
            out.related.push(attributed);
            for &t in item.techniques {
                self.technique_seen(item, t, &voice, &mut refs, &mut out);
            }
            out.reports.push(self.report(item, picture, &voice, refs));
        }
        out
    }

    /// One technique an item tells of: its indicator, what the indicator indicates, and the
    /// campaign's use of it.
    fn technique_seen(
        &self,
        item: &Item,
        t: TechniqueIx,
        voice: &Voice,
        refs: &mut Vec<String>,
        out: &mut ItemObjects,
    ) {
        let s = &self.plan.scenario;
        let tech = &self.plan.techniques[t];
        let campaign = &s.campaigns[item.campaign.ix()];
        let pattern = fictional_pattern(&campaign.id, &tech.id, tech.effect, tech.tactic);
        let indicator = self.id("indicator", &format!("{}|{}", voice.key, tech.id), true);
        out.indicators.push(json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": indicator,
            "created": voice.when,
            "modified": voice.when,
            "name": format!("{}: {} ({})", self.exercise(), tech.name, campaign.name),
            "description": format!(
                "Fictional indicator for the exercise {}: seen with {} {}. Documentation addresses and .example names only; never seen in the wild.",
                s.name, tech.id, tech.name
            ),
            "indicator_types": ["malicious-activity"],
            "pattern": pattern,
            "pattern_type": "stix",
            "pattern_version": "2.1",
            "valid_from": voice.when,
            "labels": labels(),
            "created_by_ref": voice.by,
            "object_marking_refs": [tlp_id(voice.tlp)],
        }));
        let (campaign_id, technique_id) = (self.campaign_id(item.campaign), self.technique_id(t));
        refs.push(technique_id.clone());
        refs.push(indicator.clone());
        for target in [&campaign_id, &technique_id] {
            let r = self.relationship("indicates", &indicator, target, voice);
            refs.push(r["id"].as_str().unwrap_or_default().to_string());
            out.related.push(r);
        }
        let uses = self.relationship("uses", &campaign_id, &technique_id, voice);
        refs.push(uses["id"].as_str().unwrap_or_default().to_string());
        out.related.push(uses);
    }

    fn relationship(&self, kind: &str, from: &str, to: &str, voice: &Voice) -> Value {
        json!({
            "type": "relationship",
            "spec_version": "2.1",
            "id": self.id("relationship", &format!("{}|{from}|{kind}|{to}", voice.key), true),
            "created": voice.when,
            "modified": voice.when,
            "relationship_type": kind,
            "source_ref": from,
            "target_ref": to,
            "created_by_ref": voice.by,
            "object_marking_refs": [tlp_id(voice.tlp)],
        })
    }

    /// The `report` an item is: what its team scoped and produced, who received it, where it
    /// was applied; referring to everything it mentions.
    fn report(
        &self,
        item: &Item,
        picture: &OperatingPicture,
        voice: &Voice,
        refs: Vec<String>,
    ) -> Value {
        let s = &self.plan.scenario;
        let campaign = &s.campaigns[item.campaign.ix()];
        json!({
            "type": "report",
            "spec_version": "2.1",
            "id": self.id("report", &voice.key, true),
            "created": voice.when,
            "modified": voice.when,
            "published": voice.when,
            "name": format!("{}: {} on {} (intel #{})", self.exercise(), s.teams[item.team.ix()].name, campaign.name, item.number),
            "description": self.description(item, picture),
            "report_types": ["campaign", "indicator"],
            "object_refs": refs,
            "labels": labels(),
            "created_by_ref": voice.by,
            "object_marking_refs": [tlp_id(voice.tlp)],
        })
    }

    fn description(&self, item: &Item, picture: &OperatingPicture) -> String {
        let (plan, s) = (self.plan, &self.plan.scenario);
        // Where the team opened an incident on the campaign by then.
        let org_where = picture
            .incidents_opened
            .iter()
            .find(|o| o.team == item.team && o.campaign == item.campaign && o.tick <= item.produced)
            .map(|o| s.organisations[o.org.ix()].name.clone());
        let mut description = format!(
            "{} scoped an incident{} on {} and produced this at {} ({}, {}). Actor: {}. Techniques seen: {}.",
            s.teams[item.team.ix()].name,
            org_where.map(|o| format!(" at {o}")).unwrap_or_default(),
            s.islands[item.island.ix()].name,
            self.clock(item.produced),
            item.tlp.label(),
            s.campaigns[item.campaign.ix()].name,
            s.actors[item.actor.ix()].name,
            item.techniques
                .iter()
                .map(|&t| plan.techniques[t].id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(r) = picture.intel.received.get(&item.number) {
            let got: Vec<String> = r
                .iter()
                .map(|(at, t, ch)| format!("{} ({ch:?}, {})", s.teams[t.ix()].id, self.clock(*at)))
                .collect();
            description.push_str(&format!(" Received by {}.", got.join(", ")));
        }
        let on: BTreeSet<&str> = picture
            .trends
            .intel
            .iter()
            .filter(|(_, _, n)| *n == item.number)
            .map(|(_, i, _)| s.islands[i.ix()].name.as_str())
            .collect();
        if !on.is_empty() {
            description.push_str(&format!(
                " Applied on {}.",
                on.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        description
    }
}
