//! The exercise's intelligence as a STIX 2.1 bundle: checked here against the specification's
//! required properties, references and the OASIS TLP 2.0 markings, and by the OASIS validator
//! (`stix2-validator`, which `.ci/run` installs) wherever `TIDEWATCH_STIX_VALIDATOR` names it.

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// `type--` and an RFC 4122 UUID.
fn well_formed_id(id: &str, kind: &str) -> bool {
    let Some(uuid) = id.strip_prefix(&format!("{kind}--")) else {
        return false;
    };
    let parts: Vec<&str> = uuid.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && uuid
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        && ('1'..='5').contains(&parts[2].chars().next().unwrap())
        && "89ab".contains(parts[3].chars().next().unwrap())
}

/// `2026-03-02T12:00:00.000Z`: RFC 3339 in UTC, to the millisecond as STIX asks.
fn timestamp(v: &Value) -> bool {
    let Some(t) = v.as_str() else { return false };
    let b = t.as_bytes();
    t.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && t.chars()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19, 23].contains(&i) || c.is_ascii_digit())
}

/// Every reference an object makes (`*_ref`, `*_refs`).
fn refs(o: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in o.as_object().unwrap() {
        if k.ends_with("_ref") {
            out.push(v.as_str().unwrap().to_string());
        } else if k.ends_with("_refs") {
            out.extend(
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string()),
            );
        }
    }
    out
}

/// The properties STIX 2.1 requires of each object type this bundle uses.
fn required(kind: &str) -> &'static [&'static str] {
    match kind {
        "marking-definition" => &["created"],
        "identity" => &["created", "modified", "name"],
        "location" => &["created", "modified"],
        "attack-pattern" | "intrusion-set" | "campaign" => &["created", "modified", "name"],
        "indicator" => &[
            "created",
            "modified",
            "pattern",
            "pattern_type",
            "valid_from",
        ],
        "relationship" => &[
            "created",
            "modified",
            "relationship_type",
            "source_ref",
            "target_ref",
        ],
        "sighting" => &["created", "modified", "sighting_of_ref"],
        "report" => &["created", "modified", "name", "published", "object_refs"],
        other => panic!("unexpected object type {other}"),
    }
}

/// The flagship's scripted exercise, played from its journal into a bundle: every object is
/// well formed and complete, every reference resolves inside the bundle, each report carries
/// the TLP its item was shared at (as OASIS publishes the marking), indicators use reserved
/// ranges only, and the same journal always gives the same bytes. The OASIS validator, where
/// provided, finds no error and no warning.
#[test]
fn the_flagship_exercise_gives_a_valid_stix_bundle() {
    let dir = scratch("stix");
    let path = |p: &str| dir.join(p).to_str().unwrap().to_string();
    let out = tidewatch(&[
        "run",
        "eastern-caribbean",
        "--seed",
        "42",
        "--until",
        "72h",
        "--journal",
        &path("j.ron"),
        "--events",
        &path("events.jsonl"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tidewatch(&["stix", &path("j.ron"), "--out", &path("bundle.json")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("STIX objects"), "{}", stdout(&out));
    let text = std::fs::read_to_string(path("bundle.json")).unwrap();
    let bundle: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(bundle["type"], "bundle");
    assert!(well_formed_id(bundle["id"].as_str().unwrap(), "bundle"));
    let objects = bundle["objects"].as_array().unwrap();
    let ids: BTreeSet<&str> = objects.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), objects.len(), "ids are unique");
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for o in objects {
        let kind = o["type"].as_str().unwrap();
        *count.entry(kind).or_default() += 1;
        assert!(well_formed_id(o["id"].as_str().unwrap(), kind), "{o}");
        assert_eq!(o["spec_version"], "2.1", "{o}");
        for p in required(kind) {
            assert!(!o[*p].is_null(), "{kind} without {p}: {o}");
        }
        for p in [
            "created",
            "modified",
            "published",
            "valid_from",
            "first_seen",
            "last_seen",
        ] {
            assert!(o[p].is_null() || timestamp(&o[p]), "{p} in {o}");
        }
        if !o["modified"].is_null() {
            assert!(o["created"].as_str() <= o["modified"].as_str(), "{o}");
        }
        for r in refs(o) {
            assert!(
                ids.contains(r.as_str()),
                "{} refers to {r}, not in the bundle",
                o["id"]
            );
        }
        match kind {
            "location" => {
                let (lat, lon) = (
                    o["latitude"].as_f64().unwrap(),
                    o["longitude"].as_f64().unwrap(),
                );
                assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
            }
            "report" => assert!(!o["object_refs"].as_array().unwrap().is_empty()),
            "attack-pattern" => {
                let ext = &o["external_references"][0];
                assert_eq!(ext["source_name"], "mitre-attack");
                assert!(ext["external_id"].as_str().unwrap().starts_with('T'), "{o}");
            }
            "indicator" => {
                let p = o["pattern"].as_str().unwrap();
                let reserved = [
                    "'192.0.2.",
                    "'198.51.100.",
                    "'203.0.113.",
                    ".example'",
                    "hashes.'SHA-256'",
                ];
                assert!(reserved.iter().any(|r| p.contains(r)), "{p}");
                assert!(o["labels"].as_array().unwrap().contains(&"exercise".into()));
            }
            "marking-definition" => {
                let ext =
                    &o["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"];
                assert_eq!(ext["extension_type"], "property-extension");
                let published = match ext["tlp_2_0"].as_str().unwrap() {
                    "clear" => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
                    "green" => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                    "amber" => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
                    "amber+strict" => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                    "red" => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
                    other => panic!("not a TLP 2.0 level: {other}"),
                };
                assert_eq!(o["id"], published);
            }
            _ => {}
        }
    }
    eprintln!("STIX objects by type: {count:?}");
    for kind in [
        "identity",
        "location",
        "attack-pattern",
        "intrusion-set",
        "campaign",
        "indicator",
        "relationship",
        "sighting",
        "report",
        "marking-definition",
    ] {
        assert!(count.contains_key(kind), "no {kind} in {count:?}");
    }
    // One report per item produced, marked as the item was shared.
    let marking_of = |level: &str| {
        objects
            .iter()
            .find(|o| {
                o["type"] == "marking-definition"
                    && o["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"]
                        ["tlp_2_0"]
                        == level
            })
            .map(|o| o["id"].as_str().unwrap().to_string())
    };
    let produced: Vec<Value> = events_in(&dir.join("events.jsonl"))
        .into_iter()
        .filter(|e| e["kind"] == "IntelProduced")
        .collect();
    assert!(!produced.is_empty());
    assert_eq!(count["report"], produced.len());
    for e in &produced {
        let item = e["item"].as_u64().unwrap();
        let tlp = e["tlp"].as_str().unwrap();
        let level = match tlp {
            "Clear" => "clear",
            "Green" => "green",
            "Amber" => "amber",
            "AmberStrict" => "amber+strict",
            _ => "red",
        };
        let report = objects
            .iter()
            .find(|o| {
                o["type"] == "report"
                    && o["name"]
                        .as_str()
                        .unwrap()
                        .ends_with(&format!("(intel #{item})"))
            })
            .unwrap_or_else(|| panic!("no report for item {item}"));
        assert_eq!(
            report["object_marking_refs"][0].as_str(),
            marking_of(level).as_deref(),
            "item {item} at {tlp}"
        );
    }
    // The same journal, the same bytes; never over an existing file.
    let again = tidewatch(&["stix", &path("j.ron"), "--out", &path("again.json")]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(path("again.json")).unwrap(), text);
    let over = tidewatch(&["stix", &path("j.ron"), "--out", &path("bundle.json")]);
    assert_eq!(over.status.code(), Some(1));

    // The OASIS validator (stix2-validator), strict: warnings count as errors.
    match std::env::var("TIDEWATCH_STIX_VALIDATOR") {
        Ok(validator) => {
            let out = std::process::Command::new(&validator)
                .args(["--strict", "--enforce-refs", &path("bundle.json")])
                .output()
                .unwrap_or_else(|e| panic!("{validator}: {e}"));
            let said = format!("{}{}", stdout(&out), stderr(&out));
            eprintln!("{said}");
            assert!(
                out.status.success() && said.contains("[+] STIX JSON: Valid"),
                "{said}"
            );
        }
        Err(_) => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must name the OASIS validator in TIDEWATCH_STIX_VALIDATOR (see .ci/run)"
            );
            eprintln!("TIDEWATCH_STIX_VALIDATOR not set: the OASIS validator was not run");
        }
    }
}
