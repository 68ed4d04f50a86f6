//! The detection content shipped with the evidence (`assets/sigma`, one Sigma rule per
//! behaviour, tagged with the ATT&CK techniques it detects, written against the ECS fields the
//! evidence carries) evaluated on the evidence itself with an independent Sigma evaluator
//! (`sigma-rust`): each rule fires on the records of every technique it is tagged with, and
//! on few of the benign ones. A rule that never fires would say the evidence is not what a
//! responder's detections expect; one that fires on the noise would be useless to trainees.

use std::collections::BTreeMap;

use sigma_rust::{Event, Rule};

use super::{Format, Scope, Wanted, write};
use crate::scenario::Effect;
use crate::scenario::ids::{CampaignIx, OrgIx, TechniqueIx};
use crate::scenario::testkit::TinyRegion;
use crate::sim::events::{SimEvent, Stamped};

/// Techniques whose records no single-event rule can tell from the noise, and why.
const NO_RULE: &[(&str, &str)] = &[(
    "T1071.001",
    "a beacon over HTTPS is a lookup and a small connection like any other: it shows in how \
     few hosts ask for the name and how regularly (stacking, as the README's one-liner does), \
     which a rule on one record cannot say",
)];

/// The rules as shipped: (file name, the techniques its tags name, the rule).
fn rules() -> Vec<(String, Vec<String>, Rule)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sigma");
    let mut files: Vec<_> = (std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    (files.into_iter())
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let rule = sigma_rust::rule_from_yaml(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let techniques = (text.lines())
                .filter_map(|l| l.trim().strip_prefix("- attack.t"))
                .map(|t| format!("T{}", t.to_uppercase()))
                .collect();
            (name, techniques, rule)
        })
        .collect()
}

/// A ministry of 200 workstations and a gateway, every host with a sensor, and a crew that
/// phishes its way in and then does everything the catalog knows, one technique every half
/// hour: initial access and lateral movement on hosts of their own, the rest from the first
/// host it took; the evidence of two days, ground truth marked.
fn everything() -> Vec<serde_json::Value> {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .org_with(
            "gov",
            "A",
            "HostGroup(id: \"ws\", kind: Workstation, count: 200, platform: Windows, \
             sensor_coverage: 1.0, patch_level: 0.5, backups: Online), \
             HostGroup(id: \"vpn\", kind: EdgeDevice, count: 2, platform: Network, \
             sensor_coverage: 1.0, patch_level: 0.5, backups: None)",
        )
        .campaign(
            "crew",
            "D1 09:00",
            "Organisation(\"gov\")",
            &["T1566.001", "T1486"],
        )
        .plan();
    let (c, org) = (CampaignIx(0), OrgIx(0));
    let phish = (plan.techniques.iter())
        .position(|t| t.id == "T1566.001")
        .unwrap();
    let mut events = vec![Stamped {
        tick: 60,
        event: SimEvent::HostCompromised {
            campaign: c,
            org,
            host: 0,
            technique: TechniqueIx::from(phish),
        },
    }];
    for (k, t) in plan.techniques.iter().enumerate() {
        let tick = 120 + 30 * k as u64;
        let technique = TechniqueIx::from(k);
        let gateway = matches!(
            t.effect,
            Effect::ExploitPublicFacing | Effect::ValidAccounts | Effect::TrustedRelationship
        );
        let event = match t.effect {
            _ if gateway => SimEvent::HostCompromised {
                campaign: c,
                org,
                host: 200 + (k % 2) as u32,
                technique,
            },
            Effect::Phish | Effect::LateralMovement => SimEvent::HostCompromised {
                campaign: c,
                org,
                host: 1 + k as u32,
                technique,
            },
            Effect::Encrypt => SimEvent::HostsEncrypted {
                campaign: c,
                org,
                hosts: 2,
                rebuilt: 0,
            },
            _ => SimEvent::StageCompleted {
                campaign: c,
                org,
                technique,
            },
        };
        events.push(Stamped { tick, event });
    }
    let mut out = Vec::new();
    let wanted = Wanted {
        until: 2 * 24 * 60,
        scope: Scope::All,
        format: Format::Ecs,
        orgs: Vec::new(),
    };
    write(&plan, 7, &events, wanted, &mut out).unwrap();
    (String::from_utf8(out).unwrap().lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Every rule fires on each technique it is tagged with, and on at most one benign record in
/// a thousand; every technique that leaves records on a host is some rule's.
#[test]
fn each_sigma_rule_fires_on_its_techniques_and_rarely_on_benign_records() {
    let records = everything();
    let technique_of = |r: &serde_json::Value| {
        r["threat"]["technique"]["id"][0]
            .as_str()
            .map(str::to_string)
    };
    let parsed: Vec<(Option<String>, Event)> = (records.iter())
        .map(|r| (technique_of(r), Event::try_from(r.clone()).unwrap()))
        .collect();
    let benign = parsed.iter().filter(|(t, _)| t.is_none()).count();
    assert!(benign > 20_000, "{benign} benign records");
    let rules = rules();
    assert!(!rules.is_empty(), "no rules in assets/sigma");
    let mut covered: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, techniques, rule) in &rules {
        let mut fired: BTreeMap<&str, usize> = BTreeMap::new();
        let mut noise = 0;
        for (t, event) in &parsed {
            if rule.is_match(event) {
                match t {
                    Some(t) => *fired.entry(t.as_str()).or_default() += 1,
                    None => noise += 1,
                }
            }
        }
        if techniques.is_empty() {
            problems.push(format!("{name}: no attack.tNNNN tag"));
        }
        for t in techniques {
            covered.entry(t.clone()).or_default().push(name.clone());
            if !fired.contains_key(t.as_str()) {
                problems.push(format!("{name} does not fire on {t}'s records"));
            }
        }
        if noise * 1000 > benign {
            problems.push(format!(
                "{name} fires on {noise} of {benign} benign records"
            ));
        }
    }
    let left: std::collections::BTreeSet<String> = (parsed.iter())
        .filter_map(|(t, _)| t.clone())
        .filter(|t| !covered.contains_key(t) && !NO_RULE.iter().any(|(x, _)| x == t))
        .collect();
    for t in left {
        let sample = (records.iter())
            .find(|r| technique_of(r).as_deref() == Some(t.as_str()))
            .map(|r| r["message"].to_string());
        problems.push(format!(
            "{t} leaves records no rule detects, e.g. {sample:?}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
