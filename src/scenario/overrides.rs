//! `--set PATH=VALUE`: change any scenario value from the command line, so a policy variant
//! needs no copied file.
//!
//! The scenario is turned into a JSON tree, the path is walked (list items by their `id`, or by
//! position), the value replaced, and the tree read back through the same serde types, so every
//! type check the file gets, an override gets too.

use serde_json::Value;

use super::Scenario;

pub fn apply_overrides(scenario: Scenario, overrides: &[String]) -> Result<Scenario, String> {
    let mut tree = serde_json::to_value(&scenario).map_err(|e| format!("internal: {e}"))?;
    for item in overrides {
        let (path, raw) = item.split_once('=').ok_or_else(|| {
            format!("`--set {item}`: write it as PATH=VALUE, e.g. `--set islands.LC.csirt=false`")
        })?;
        let path = path.trim();
        let slot = walk(&mut tree, path)?;
        let value = parse_value(raw.trim(), slot);
        *slot = value;
        // Check each override on its own so the error names the one at fault.
        serde_json::from_value::<Scenario>(tree.clone())
            .map_err(|e| format!("`--set {path}={raw}`: {e}"))?;
    }
    serde_json::from_value(tree).map_err(|e| format!("--set: {e}"))
}

fn walk<'a>(tree: &'a mut Value, path: &str) -> Result<&'a mut Value, String> {
    if path.is_empty() {
        return Err("`--set` needs a path, e.g. `islands.LC.csirt`".into());
    }
    let mut node = tree;
    let mut walked = String::new();
    for seg in path.split('.') {
        let here = if walked.is_empty() {
            "the scenario".to_string()
        } else {
            format!("`{walked}`")
        };
        node = match node {
            Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                map.get_mut(seg).ok_or_else(|| {
                    format!(
                        "unknown path `{path}`: {here} has no field `{seg}` (fields: {})",
                        keys.join(", ")
                    )
                })?
            }
            Value::Array(items) => {
                let ids: Vec<String> = items
                    .iter()
                    .filter_map(|v| v.get("id").and_then(Value::as_str).map(String::from))
                    .collect();
                let pos = items
                    .iter()
                    .position(|v| v.get("id").and_then(Value::as_str) == Some(seg))
                    .or_else(|| seg.parse::<usize>().ok().filter(|i| *i < items.len()));
                let pos = pos.ok_or_else(|| {
                    if ids.is_empty() {
                        format!("unknown path `{path}`: {here} has no item `{seg}`")
                    } else {
                        format!(
                            "unknown path `{path}`: {here} has no item with id `{seg}` (ids: {})",
                            ids.join(", ")
                        )
                    }
                })?;
                &mut items[pos]
            }
            _ => {
                return Err(format!(
                    "unknown path `{path}`: {here} is a single value, not a group"
                ));
            }
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(seg);
    }
    Ok(node)
}

/// `true`, `3`, `0.5`, `"text"`, `[..]` are read as JSON; anything else is text, so
/// `--set duration=48h` needs no quotes.
fn parse_value(raw: &str, current: &Value) -> Value {
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::String(s)) => Value::String(s),
        Ok(v) if !current.is_string() => v,
        _ => Value::String(raw.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{EMBEDDED_SCENARIOS, parse_ron};

    fn tutorial() -> Scenario {
        parse_ron("tutorial", EMBEDDED_SCENARIOS[1].1).unwrap()
    }

    #[test]
    fn overrides_reach_fields_by_path_and_id() {
        let s = apply_overrides(
            tutorial(),
            &[
                "seed=7".into(),
                "islands.LC.csirt=false".into(),
                "duration=1d6h".into(),
                "islands.0.population=5".into(),
            ],
        )
        .unwrap();
        assert_eq!(s.seed, 7);
        assert!(!s.islands[0].csirt);
        assert_eq!(s.duration.0, 30 * 60);
        assert_eq!(s.islands[0].population, 5);
    }

    #[test]
    fn unknown_paths_and_bad_values_are_rejected_with_the_reason() {
        let e = apply_overrides(tutorial(), &["islands.XX.csirt=false".into()]).unwrap_err();
        assert!(
            e.contains("no item with id `XX`") && e.contains("LC"),
            "{e}"
        );
        let e = apply_overrides(tutorial(), &["islands.LC.cert=false".into()]).unwrap_err();
        assert!(e.contains("no field `cert`") && e.contains("csirt"), "{e}");
        let e = apply_overrides(tutorial(), &["islands.LC.csirt=maybe".into()]).unwrap_err();
        assert!(e.contains("islands.LC.csirt"), "{e}");
        let e = apply_overrides(tutorial(), &["seed".into()]).unwrap_err();
        assert!(e.contains("PATH=VALUE"), "{e}");
    }
}
