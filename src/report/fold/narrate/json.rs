//! Events as JSON objects with author ids (`run --events`).

use serde_json::{Map, Value, json};

use crate::scenario::Plan;
use crate::scenario::ids::OrgIx;
use crate::sim::events::{SimEvent, Stamped};

fn org_id(plan: &Plan, o: OrgIx) -> &str {
    &plan.scenario.organisations[o].id
}
fn island_id(plan: &Plan, o: OrgIx) -> &str {
    &plan.scenario.islands[plan.orgs[o].island].id
}

/// One event as a JSON object: `tick`, `time` (`D1 09:30`), `kind`, and its fields with
/// scenario ids in place of indexes.
pub fn to_json(plan: &Plan, e: &Stamped) -> Value {
    let mut obj = Map::new();
    obj.insert("tick".into(), json!(e.tick));
    obj.insert("time".into(), json!(plan.scenario.start.at(e.tick).clock()));
    let raw = serde_json::to_value(&e.event).unwrap_or(Value::Null);
    let (kind, fields) = match raw {
        Value::Object(m) => m.into_iter().next().unwrap_or((String::new(), Value::Null)),
        Value::String(s) => (s, Value::Null),
        _ => (String::new(), Value::Null),
    };
    obj.insert("kind".into(), json!(kind));
    if let Value::Object(fields) = fields {
        for (k, v) in fields {
            let idx = v.as_u64().map(|x| x as u32);
            let mapped = match (k.as_str(), idx) {
                ("campaign", Some(c)) => json!(plan.scenario.campaigns[c as usize].id),
                ("org" | "from" | "to", Some(o)) => {
                    if k == "org" {
                        obj.insert("island".into(), json!(island_id(plan, OrgIx(o))));
                    }
                    json!(org_id(plan, OrgIx(o)))
                }
                ("team" | "recipient" | "hub", Some(t)) => {
                    json!(plan.scenario.teams[t as usize].id)
                }
                ("island", Some(i)) => json!(plan.scenario.islands[i as usize].id),
                ("link", Some(l)) => json!(plan.scenario.links[l as usize].id),
                ("inject", Some(i)) => json!(plan.scenario.msel[i as usize].id),
                ("expectation", Some(x)) => json!(plan.scenario.expectations[x as usize].id),
                ("service", Some(s)) => {
                    let sp = &plan.services[s as usize];
                    obj.insert("island".into(), json!(plan.scenario.islands[sp.island].id));
                    json!(plan.scenario.services[s as usize].id)
                }
                ("technique", Some(t)) => json!(plan.techniques[t as usize].id),
                ("campaigns", None) => json!(
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|c| c.as_u64())
                        .map(|c| plan.scenario.campaigns[c as usize].id.clone())
                        .collect::<Vec<_>>()
                ),
                // Findings' hosts as the team named them (a count of hosts stays a number).
                ("hosts", None) => json!(
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|h| h.as_u64())
                        .map(|h| plan.host_name(h as u32))
                        .collect::<Vec<_>>()
                ),
                ("techniques", None) => json!(
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.as_u64())
                        .map(|t| plan.techniques[t as usize].id.clone())
                        .collect::<Vec<_>>()
                ),
                _ => v,
            };
            obj.insert(k, mapped);
        }
    }
    // A live inject: its recipients by team id, and the id it goes by in the record.
    if let SimEvent::InjectSent { number, ref to, .. } = e.event {
        let teams: Vec<&str> = to
            .iter()
            .map(|t| plan.scenario.teams[t.ix()].id.as_str())
            .collect();
        obj.insert("to".into(), json!(teams));
        obj.insert("id".into(), json!(crate::scenario::live_id(number)));
    }
    // A share's audience as a command file writes it (`Hub`, `Partner("GD")`).
    if let SimEvent::ShareOrdered { audience, .. } = e.event {
        let to = match audience {
            crate::scenario::Recipients::Partner(i) => {
                format!("Partner(\"{}\")", plan.scenario.islands[i].id)
            }
            other => format!("{other:?}"),
        };
        obj.insert("audience".into(), json!(to));
    }
    if let SimEvent::DecisionTaken { inject, option, .. } = e.event {
        let decision = plan.scenario.msel[inject].decision.as_ref();
        if let Some(o) = decision.and_then(|d| d.options.get(option as usize)) {
            obj.insert("option".into(), json!(o.id));
        }
    }
    Value::Object(obj)
}
