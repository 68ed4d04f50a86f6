//! `--set PATH=VALUE`: change any scenario value from the command line, so a policy variant
//! needs no copied file.
//!
//! The scenario is turned into a JSON tree, the path is walked (list items by their `id`, or by
//! position), the value replaced, and the tree read back through the same serde types, so every
//! type check the file gets, an override gets too.

use serde_json::Value;

use super::{Scenario, Shift, Team, TeamKind};

pub fn apply_overrides(scenario: Scenario, overrides: &[String]) -> Result<Scenario, String> {
    let before: Vec<(bool, bool)> = scenario.islands.iter().map(|i| (i.csirt, i.npc)).collect();
    let mut after = set_values(scenario, overrides)?;
    stand_up_teams(&before, &mut after);
    Ok(after)
}

/// What a national CSIRT stood up by a what-if is like, when the scenario has none for the
/// island: three analysts in office hours, middling skill. Judgement: the region's newer
/// national CSIRTs started with two to four staff, working office hours with on-call.
pub const STOOD_UP_CSIRT: (u32, f64, Shift) = (3, 0.55, Shift::OfficeHours);
/// A point of contact stood up by a what-if: one officer in office hours who passes
/// intelligence on and takes reports, with less practice than a CSIRT.
pub const STOOD_UP_NPC: (u32, f64, Shift) = (1, 0.45, Shift::OfficeHours);

/// `--set islands.X.csirt=true` (or `npc=true`) on an island no team of that kind serves stands
/// one up from the defaults above, so the natural what-if always runs: it watches what nobody
/// else on the island watches, like any national team. A file that says `csirt: true` without
/// the team is still an authoring error.
fn stand_up_teams(before: &[(bool, bool)], scenario: &mut Scenario) {
    let mut added = Vec::new();
    for (k, island) in scenario.islands.iter().enumerate() {
        let (had_csirt, had_npc) = before.get(k).copied().unwrap_or((true, true));
        let serves = |kinds: &[TeamKind]| {
            scenario
                .teams
                .iter()
                .any(|t| kinds.contains(&t.kind) && t.island.as_deref() == Some(&island.id))
        };
        let wanted = [
            (
                island.csirt && !had_csirt && !serves(&[TeamKind::NationalCsirt]),
                TeamKind::NationalCsirt,
                "csirt",
                "national CSIRT",
                STOOD_UP_CSIRT,
            ),
            (
                island.npc
                    && !had_npc
                    && !serves(&[TeamKind::Npc, TeamKind::NationalCsirt])
                    // A CSIRT switched on in the same breath is the contact too.
                    && (!island.csirt || had_csirt),
                TeamKind::Npc,
                "npc",
                "point of contact",
                STOOD_UP_NPC,
            ),
        ];
        for (needed, kind, suffix, what, (analysts, skill, shift)) in wanted {
            if !needed {
                continue;
            }
            let mut id = format!("{}-{suffix}", island.id.to_lowercase());
            while scenario
                .teams
                .iter()
                .chain(&added)
                .any(|t: &Team| t.id == id)
            {
                id.push('x');
            }
            added.push(Team {
                id,
                name: format!("{} {what} (stood up for this what-if)", island.name),
                kind,
                island: Some(island.id.clone()),
                monitors: Vec::new(),
                analysts,
                skill,
                shift,
                auto: true,
                investigation: Default::default(),
                feeds: Vec::new(),
            });
        }
    }
    scenario.teams.extend(added);
}

fn set_values(scenario: Scenario, overrides: &[String]) -> Result<Scenario, String> {
    let mut tree = serde_json::to_value(&scenario).map_err(|e| format!("internal: {e}"))?;
    for item in overrides {
        let (path, raw) = item.split_once('=').ok_or_else(|| {
            format!("`--set {item}`: write it as PATH=VALUE, e.g. `--set islands.LC.csirt=false`")
        })?;
        for path in expand(&tree, path.trim())? {
            let slot = walk(&mut tree, &path)?;
            let value = parse_value(raw.trim(), slot);
            *slot = value;
            // Check each override on its own so the error names the one at fault.
            serde_json::from_value::<Scenario>(tree.clone())
                .map_err(|e| format!("`--set {path}={raw}`: {e}"))?;
        }
    }
    serde_json::from_value(tree).map_err(|e| format!("--set: {e}"))
}

/// A path with `*` for every item of a list (`teams.*.auto`) as the paths it stands for, by
/// the items' ids (or positions); a path without one as itself.
fn expand(tree: &Value, path: &str) -> Result<Vec<String>, String> {
    let Some((head, tail)) = path.split_once(".*") else {
        return Ok(vec![path.to_string()]);
    };
    let mut probe = tree.clone();
    let list = walk(&mut probe, head)?;
    let Value::Array(items) = list else {
        return Err(format!(
            "`--set {path}`: `{head}` is not a list, so `*` means nothing there"
        ));
    };
    let mut out = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .map_or(k.to_string(), String::from);
        out.extend(expand(tree, &format!("{head}.{id}{tail}"))?);
    }
    Ok(out)
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

    /// `*` stands for every item of a list, so a whole room can be switched at once.
    #[test]
    fn a_star_sets_every_item_of_a_list() {
        let s = apply_overrides(tutorial(), &["teams.*.auto=false".into()]).unwrap();
        assert!(!s.teams.is_empty() && s.teams.iter().all(|t| !t.auto));
        let hosts = apply_overrides(
            tutorial(),
            &["organisations.*.hosts.*.patch_level=1.0".into()],
        )
        .unwrap();
        let levels = hosts.organisations.iter().flat_map(|o| &o.hosts);
        assert!(levels.map(|g| g.patch_level).all(|p| p == 1.0));
        let err = apply_overrides(tutorial(), &["seed.*.x=1".into()]).unwrap_err();
        assert!(err.contains("not a list"), "{err}");
    }

    #[test]
    fn switching_on_a_csirt_or_a_contact_stands_up_the_team_when_there_is_none() {
        let mut s = tutorial();
        s.islands[0].csirt = false;
        s.islands[0].npc = false;
        s.teams.retain(|t| t.island.as_deref() != Some("LC"));
        let n = s.teams.len();
        let csirt = apply_overrides(s.clone(), &["islands.LC.csirt=true".into()]).unwrap();
        assert_eq!(csirt.teams.len(), n + 1);
        let t = csirt.teams.last().unwrap();
        assert_eq!(
            (t.id.as_str(), t.kind),
            ("lc-csirt", TeamKind::NationalCsirt)
        );
        assert_eq!((t.analysts, t.skill, t.shift), STOOD_UP_CSIRT);
        // A CSIRT is also the island's point of contact: one team, not two.
        let both = apply_overrides(
            s.clone(),
            &["islands.LC.csirt=true".into(), "islands.LC.npc=true".into()],
        )
        .unwrap();
        assert_eq!(both.teams.len(), n + 1);
        let npc = apply_overrides(s, &["islands.LC.npc=true".into()]).unwrap();
        assert_eq!(npc.teams.last().unwrap().kind, TeamKind::Npc);
        // Where the scenario has the team already, nothing is added.
        let kept = apply_overrides(tutorial(), &["islands.LC.csirt=true".into()]).unwrap();
        assert_eq!(kept.teams.len(), tutorial().teams.len());
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
