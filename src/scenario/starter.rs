//! `tidewatch new`: a valid, commented starting scenario for the islands an author names, with
//! their real figures (position, people, GDP, clock, whether they have a national CSIRT) from
//! the gazetteer of small island states, linked by the real cables that join them, so the
//! first file an author edits already loads, lints clean and runs.

use super::gazetteer::{Gazetteer, Route};
use super::{EMBEDDED_SCENARIOS, Island, Scenario, parse_ron};
use crate::time::UtcOffset;

/// The shipped Eastern Caribbean scenario's islands.
pub fn shipped_islands() -> Vec<Island> {
    parse_ron::<Scenario>("embedded:eastern-caribbean", EMBEDDED_SCENARIOS[0].1)
        .map(|s| s.islands)
        .unwrap_or_default()
}

/// The islands a starter can hold: the gazetteer's, each with a point of contact where the
/// shipped region says it has designated one (the gazetteer does not record them).
pub fn known_islands(gazetteer: &Gazetteer) -> Vec<Island> {
    let shipped = shipped_islands();
    (gazetteer.places.iter())
        .map(|p| p.island(shipped.iter().any(|s| s.id == p.id && s.npc)))
        .collect()
}

/// The scenario text for `name` over `islands` (the gazetteer's, by ISO code or name, e.g.
/// `LC` or `Saint Lucia`) and any other island an author describes (`--island`, see
/// [`island_from`]), or why not.
pub fn starter(name: &str, islands: &[String], others: &[String]) -> Result<String, String> {
    let gazetteer = Gazetteer::shipped();
    let mut known = known_islands(&gazetteer);
    let described = (others.iter())
        .map(|o| island_from(o))
        .collect::<Result<Vec<_>, _>>()?;
    let mut ids: Vec<String> = islands.to_vec();
    for d in &described {
        if known.iter().any(|k| k.id.eq_ignore_ascii_case(&d.id)) {
            return Err(format!(
                "`{}` is an island tidewatch knows: name it with --islands, or give yours another id",
                d.id
            ));
        }
        ids.push(d.id.clone());
    }
    known.extend(described);
    if ids.is_empty() {
        ids.push("LC".into());
    }
    let chosen = choose(&known, &ids)?;
    let (teams, team_ids) = teams(&chosen, &gazetteer);
    Ok([
        heading(name, &chosen),
        islands_list(&chosen),
        cables(&chosen, &gazetteer),
        ministries(&chosen),
        service(chosen[0]),
        CAMPAIGN.to_string(),
        teams,
        msel(&team_ids),
        ")\n".to_string(),
    ]
    .concat())
}

/// An island the author describes: `ID,Name,lat,lon,population,gdp_usd`, then optionally its
/// clock (`UTC+13`) and `csirt` and `npc` if it has a national CSIRT or a point of contact:
/// `TO,Tonga,-21.14,-175.2,105000,5e8,UTC+13,csirt`.
pub fn island_from(spec: &str) -> Result<Island, String> {
    let usage = |why: &str| {
        format!(
            "--island {spec:?}: {why}; write ID,Name,lat,lon,population,gdp_usd[,UTC+13][,csirt][,npc], \
             e.g. \"TO,Tonga,-21.14,-175.2,105000,5e8,UTC+13,csirt\""
        )
    };
    let parts: Vec<&str> = spec.split(',').map(str::trim).collect();
    if parts.len() < 6 {
        return Err(usage("too few parts"));
    }
    let number = |k: usize, what: &str| -> Result<f64, String> {
        (parts[k].parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .ok_or_else(|| usage(&format!("`{}` is not a number ({what})", parts[k])))
    };
    let (lat, lon) = (number(2, "latitude")?, number(3, "longitude")?);
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(usage(
            "latitude runs from -90 to 90, longitude from -180 to 180 (west negative)",
        ));
    }
    let population = (parts[4].parse::<u64>().ok())
        .filter(|p| *p > 0)
        .ok_or_else(|| usage(&format!("`{}` is not a number of people", parts[4])))?;
    let gdp_usd = number(5, "GDP in US dollars a year")?;
    let id = parts[0];
    if id.is_empty() || parts[1].is_empty() {
        return Err(usage("give an id and a name"));
    }
    let mut island = Island {
        id: id.to_string(),
        name: parts[1].to_string(),
        population,
        gdp_usd,
        lat,
        lon,
        csirt: false,
        npc: false,
        utc_offset: None,
        mainland: false,
    };
    for extra in &parts[6..] {
        match extra.to_ascii_lowercase().as_str() {
            "csirt" => island.csirt = true,
            "npc" => island.npc = true,
            _ if extra.starts_with("UTC") => {
                island.utc_offset =
                    Some(crate::time::parse_utc_offset(extra).map_err(|e| usage(&e))?)
            }
            _ => {
                return Err(usage(&format!(
                    "`{extra}` is neither a UTC offset, `csirt` nor `npc`"
                )));
            }
        }
    }
    Ok(island)
}

/// The islands named (by id or name), in the order named: each known (else a guess), none
/// twice, at least one.
fn choose<'a>(known: &'a [Island], islands: &[String]) -> Result<Vec<&'a Island>, String> {
    let mut chosen: Vec<&Island> = Vec::new();
    for id in islands {
        let named = |i: &&Island| {
            i.id.eq_ignore_ascii_case(id.trim()) || i.name.eq_ignore_ascii_case(id.trim())
        };
        let island = known.iter().find(named).ok_or_else(|| {
            let ids: Vec<&str> = known.iter().map(|i| i.id.as_str()).collect();
            let names = known.iter().map(|i| i.name.as_str());
            let near = super::ids::nearest_name(id, ids.iter().copied())
                .or_else(|| super::ids::nearest_name(id, names))
                .map_or(String::new(), |n| format!("did you mean `{n}`? "));
            format!(
                "`{id}` is not an island tidewatch knows; {near}known (the small island states \
                 of the gazetteer, by ISO code; docs/scenario-reference.md lists them): {}\n  \
                 help: describe any other with --island \"ID,Name,lat,lon,population,gdp_usd,UTC+13\"",
                ids.join(", ")
            )
        })?;
        if chosen.iter().any(|c| c.id == island.id) {
            return Err(format!("`{}` is named twice", island.id));
        }
        chosen.push(island);
    }
    if chosen.is_empty() {
        return Err("name at least one island, e.g. `--islands LC,BB`".into());
    }
    Ok(chosen)
}

/// The banner that says where the file came from and how to use it, and the scenario's own
/// fields: its name, the islands' names, the clock.
fn heading(name: &str, chosen: &[&Island]) -> String {
    format!(
        "// =============================================================================================\n\
         //  {name}: a starting scenario written by `tidewatch new`.\n\
         // =============================================================================================\n\
         //\n\
         // It loads, lints clean and runs as it is: `tidewatch validate FILE`, `tidewatch lint FILE`,\n\
         // `tidewatch run FILE`, `tidewatch console FILE`. Each island has one government ministry, its\n\
         // national CSIRT or point of contact (as it has today), and one phishing campaign reaches\n\
         // every ministry. scenarios/tutorial.ron explains every field line by line; the README lists\n\
         // the MSEL's triggers, checks and commands. Replace the fictional names with your own.\n\
         Scenario(\n\
         \x20   format: 1,\n\
         \x20   name: {name:?},\n\
         \x20   description: \"A phishing wave against the ministries of {}. Written by `tidewatch new`; make it yours.\",\n\
         \x20   // What the players are told at the start (the Situation Manual's background); the\n\
         \x20   // description above is the facilitator's and is never printed for players.\n\
         \x20   briefing: \"A Monday morning. The ministries start their week; nothing unusual has been reported.\",\n\
         \x20   // Local date and time of the first minute (a Monday, so office hours matter).\n\
         \x20   start: \"2026-03-02 08:00\",\n\
         {}\
         \x20   duration: \"2d\",\n\
         \x20   seed: 1,\n\n",
        chosen
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        clock(chosen)
    )
}

/// Atlantic Standard Time, the shipped region's clock and a scenario's when it gives none.
const AST: UtcOffset = UtcOffset(-4 * 60);

/// The scenario's clock: the first island's; given in the file when it is not Atlantic time
/// or another island keeps its own.
fn clock(chosen: &[&Island]) -> String {
    let first = chosen[0].utc_offset.unwrap_or(AST);
    let zone = if first == AST {
        "AST (UTC-4)".to_string()
    } else {
        first.to_string()
    };
    let mixed = chosen
        .iter()
        .any(|i| i.utc_offset.unwrap_or(first) != first);
    let offset = if mixed || first != AST {
        format!("    utc_offset: Some(\"{first}\"),\n")
    } else {
        String::new()
    };
    format!("    time_zone: \"{zone}\",\n{offset}")
}

/// The islands with their real figures, a clock given where it is not the scenario's.
fn islands_list(chosen: &[&Island]) -> String {
    let first = chosen[0].utc_offset.unwrap_or(AST);
    let mut out = String::from(
        "    // Real figures (the gazetteer's, with its sources: assets/gazetteer.ron): people, GDP in US\n\
         \x20   // dollars a year, the capital's position (for the map), and whether the island has a\n\
         \x20   // national CSIRT and a designated point of contact today.\n\
         \x20   islands: [\n",
    );
    for i in chosen {
        let clock = (i.utc_offset)
            .filter(|o| *o != first)
            .map_or(String::new(), |o| format!(", utc_offset: Some(\"{o}\")"));
        let mainland = if i.mainland { ", mainland: true" } else { "" };
        out.push_str(&format!(
            "        Island(id: {:?}, name: {:?}, population: {}, gdp_usd: {:e}, lat: {}, lon: {}, csirt: {}, npc: {}{clock}{mainland}),\n",
            i.id, i.name, i.population, i.gdp_usd, i.lat, i.lon, i.csirt, i.npc
        ));
    }
    out.push_str("    ],\n\n");
    out
}

/// The real cables between the islands, as the gazetteer knows them: a link for each pair
/// joined through landings not in the scenario (named in a comment). An island joined to
/// none of the others is said, not linked by invention.
fn cables(chosen: &[&Island], gazetteer: &Gazetteer) -> String {
    let ids: Vec<&str> = chosen.iter().map(|i| i.id.as_str()).collect();
    let routes = gazetteer.routes(&ids);
    let mut out = String::from(
        "    // The submarine cables that join the islands (the gazetteer's). Cutting one cuts the\n\
         \x20   // islands' intelligence sharing over it; islands joined by no link share by the slower\n\
         \x20   // fallback (`intel.fallback_latency`).\n\
         \x20   links: [\n",
    );
    for route in &routes {
        out.push_str(&link_line(route, gazetteer));
    }
    for island in chosen {
        if !routes
            .iter()
            .any(|r| r.from == island.id || r.to == island.id)
            && chosen.len() > 1
        {
            out.push_str(&format!(
                "        // {}: no cable the gazetteer knows joins it to the islands here.\n",
                island.name
            ));
        }
    }
    out.push_str("    ],\n\n");
    out
}

/// One route as a link, its way through landings not in the scenario said beside it.
fn link_line(route: &Route, gazetteer: &Gazetteer) -> String {
    let system = route.systems.join(" / ");
    let slug = (route.systems[0].to_lowercase())
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let via: Vec<&str> = (route.via.iter())
        .map(|v| gazetteer.place(v).map_or(v.as_str(), |p| p.name.as_str()))
        .collect();
    let comment = if via.is_empty() {
        String::new()
    } else {
        format!(" // via {}", via.join(", "))
    };
    format!(
        "        Link(id: \"{}-{}-{}\", kind: SubmarineCable, system: {system:?}, between: ({:?}, {:?})),{comment}\n",
        slug,
        route.from.to_lowercase(),
        route.to.to_lowercase(),
        route.from,
        route.to
    )
}

/// One ministry per island, the organisation the campaign attacks.
fn ministries(chosen: &[&Island]) -> String {
    let mut out = String::from(
        "    // One ministry per island: 120 workstations half watched by sensors, 12 servers, 2 internet-\n\
         \x20   // facing devices. Counts are hosts; coverage and patch level are shares from 0 to 1.\n\
         \x20   organisations: [\n",
    );
    for i in chosen {
        out.push_str(&format!(
            "        Organisation(id: \"{}-gov\", island: {:?}, sector: Government, name: \"Ministry of Finance ({})\", hosts: [\n\
             \x20           HostGroup(id: \"ws\", kind: Workstation, count: 120, platform: Windows, sensor_coverage: 0.5, patch_level: 0.7, backups: Offline),\n\
             \x20           HostGroup(id: \"srv\", kind: Server, count: 12, platform: Windows, sensor_coverage: 0.6, patch_level: 0.6, backups: Online),\n\
             \x20           HostGroup(id: \"edge\", kind: EdgeDevice, count: 2, platform: Network, sensor_coverage: 0.3, patch_level: 0.5, backups: None),\n\
             \x20       ]),\n",
            i.id.to_lowercase(),
            i.id,
            i.name
        ));
    }
    out.push_str("    ],\n\n");
    out
}

/// The first island's government payments: what its citizens lose while the servers are down.
fn service(first: &Island) -> String {
    format!(
        "    // What citizens lose when the ministry's servers are down (US dollars an hour, people).\n\
         \x20   services: [\n\
         \x20       Service(id: \"{0}-payments\", name: \"Government payments ({1})\", provider: \"{0}-gov\",\n\
         \x20           needs_hosts: [\"{0}-gov/srv\"], min_hosts_up: 0.5, cost_per_hour_usd: 4000.0, people_served: {2}),\n\
         \x20   ],\n\n",
        first.id.to_lowercase(),
        first.name,
        first.population
    )
}

/// The crew and its phishing wave against every ministry.
const CAMPAIGN: &str = "    actors: [\n\
     \x20       ThreatActor(id: \"crew\", name: \"A ransomware crew\", description: \"Fictional.\", skill: 0.6),\n\
     \x20   ],\n\n\
     \x20   // Phishing every ministry from D1 09:30; stages are ATT&CK techniques from the shipped catalog.\n\
     \x20   campaigns: [\n\
     \x20       Campaign(id: \"wave\", actor: \"crew\", name: \"Budget circular phishing\", start: \"D1 09:30\",\n\
     \x20           targets: [Sector(Government)],\n\
     \x20           stages: [Stage(technique: \"T1566.001\"), Stage(technique: \"T1087\"),\n\
     \x20               Stage(technique: \"T1021.001\"), Stage(technique: \"T1486\")]),\n\
     \x20   ],\n\n";

/// Each island's national team as it has one today, and the teams' ids.
fn teams(chosen: &[&Island], gazetteer: &Gazetteer) -> (String, Vec<String>) {
    let mut out = String::from(
        "    // Each island's national team as it has one today: a CSIRT (2 analysts, around the clock) or a\n\
         \x20   // point of contact (1 officer, office hours). `auto: false` hands a team to trainees.\n\
         \x20   teams: [\n",
    );
    let mut team_ids = Vec::new();
    for i in chosen {
        let csirt = gazetteer.place(&i.id).and_then(|p| p.csirt.as_deref());
        match national_team(i, csirt) {
            Some((id, line)) => {
                out.push_str(&line);
                team_ids.push(id);
            }
            None => out.push_str(&format!(
                "        // {} has neither a national CSIRT nor a designated point of contact as far as the\n\
                 \x20       // gazetteer knows: its victims report to nobody. If it has one, add its team here\n\
                 \x20       // (kind: Npc, analysts: 1, shift: OfficeHours) and set its island's `npc: true`.\n",
                i.name
            )),
        }
    }
    out.push_str("    ],\n\n");
    (out, team_ids)
}

/// An island's CSIRT (2 analysts, around the clock) or else its point of contact (1 officer,
/// office hours): its id and its line in the `teams` list. `None`: it has neither.
fn national_team(i: &Island, csirt: Option<&str>) -> Option<(String, String)> {
    let id = i.id.to_lowercase();
    let (tid, what, kind, analysts, skill, shift) = if i.csirt {
        (
            format!("{id}-csirt"),
            "national CSIRT",
            "NationalCsirt",
            2,
            0.55,
            "AroundTheClock",
        )
    } else if i.npc {
        (format!("{id}-npc"), "NPC", "Npc", 1, 0.4, "OfficeHours")
    } else {
        return None;
    };
    let name = match csirt {
        Some(name) if i.csirt => format!("{name} ({})", i.name),
        _ => format!("{} {what}", i.name),
    };
    let line = format!(
        "        Team(id: {tid:?}, name: {name:?}, kind: {kind}, island: Some({:?}), analysts: {analysts}, skill: {skill}, shift: {shift}),\n",
        i.id
    );
    Some((tid, line))
}

/// The MSEL's one inject, StartEx, to every team (none when no island has a team).
fn msel(team_ids: &[String]) -> String {
    if team_ids.is_empty() {
        return String::new();
    }
    let to: Vec<String> = team_ids.iter().map(|t| format!("{t:?}")).collect();
    format!(
        "    // The master scenario events list: what the facilitator puts to the room, and when.\n\
         \x20   msel: [\n\
         \x20       Inject(id: \"I01\", phase: \"Move 1: Detection\", trigger: At(\"D1 09:00\"), kind: Facilitation,\n\
         \x20           channel: Briefing, to: [{}], title: \"StartEx\",\n\
         \x20           body: \"The exercise begins. Introduce the teams and the rules of play.\",\n\
         \x20           questions: [\"Who do you call first when a ministry reports an intrusion?\"]),\n\
         \x20   ],\n",
        to.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any choice of the gazetteer's islands loads, lints clean and runs a day: the Eastern
    /// Caribbean, the South Pacific across the 180th meridian, the Indian Ocean, a mainland
    /// member, islands no cable joins.
    #[test]
    fn a_starter_loads_and_lints_clean_for_any_choice_of_islands() {
        for islands in [
            &["LC"][..],
            &["MS", "AG", "KN"],
            &["VG", "TT", "BB", "GD"],
            &["FJ", "TO", "WS", "VU", "SB", "PG"],
            &["MV", "MU", "SC", "KM"],
            &["BZ", "JM", "KY"],
            &["CV", "ST", "GW"],
        ] {
            let islands: Vec<String> = islands.iter().map(|s| s.to_string()).collect();
            let text = starter("Northern test", &islands, &[]).unwrap();
            let source = super::super::Source {
                name: "new.ron".into(),
                text,
                dir: None,
            };
            let plan = super::super::load_source(&source, &[])
                .unwrap_or_else(|e| panic!("{islands:?}: {e}\n{}", source.text));
            assert_eq!(plan.scenario.islands.len(), islands.len());
            let warnings = super::super::lint(&plan, &source);
            assert!(warnings.is_empty(), "{islands:?}: {warnings:?}");
        }
    }

    /// The links are the real cables: Saint Lucia and Antigua are joined by ECFS through the
    /// French islands between them, Fiji and Tonga by the Tonga Cable; Papua New Guinea,
    /// whose cables land elsewhere, is said and not linked; the national CSIRT has its name.
    #[test]
    fn a_starters_links_follow_the_real_cables() {
        let text = starter("x", &["LC".into(), "AG".into()], &[]).unwrap();
        assert!(
            text.contains(r#"Link(id: "ecfs-lc-ag", kind: SubmarineCable, system: "ECFS", between: ("LC", "AG")), // via Martinique, Guadeloupe"#),
            "{text}"
        );
        let names: Vec<String> = ["FJ", "TO", "PG"].map(String::from).to_vec();
        let text = starter("x", &names, &[]).unwrap();
        assert!(text.contains(r#"between: ("FJ", "TO"))"#), "{text}");
        assert!(
            !text
                .lines()
                .any(|l| l.contains("Link(") && l.contains("PG")),
            "{text}"
        );
        assert!(
            text.contains("// Papua New Guinea: no cable the gazetteer knows joins it"),
            "{text}"
        );
        assert!(text.contains(r#"name: "CERT Tonga (Tonga)""#), "{text}");
        // By name as well as by code.
        let by_name = starter("x", &["Fiji".into(), "tonga".into(), "PG".into()], &[]).unwrap();
        assert_eq!(by_name, text);
    }

    #[test]
    fn an_unknown_island_is_refused_with_a_guess() {
        let e = starter("x", &["LCA".into()], &[]).unwrap_err();
        assert!(
            e.contains("did you mean `LC`?")
                && e.contains("known (the small island states")
                && e.contains("--island"),
            "{e}"
        );
        assert!(
            starter("x", &["LC".into(), "lc".into()], &[])
                .unwrap_err()
                .contains("twice")
        );
    }

    /// Islands the gazetteer does not know, described on the command line, each on its own
    /// clock: the starter keeps the first island's as the scenario's, loads and lints clean; a
    /// malformed description says what is wrong and how to write it; one it knows is refused.
    #[test]
    fn a_starter_takes_islands_described_on_the_command_line() {
        let outlying = [
            "RT,Rotuma,-12.50,177.07,2000,1.0e7,UTC+12".to_string(),
            "CH,Chatham Islands,-43.95,-176.56,600,5e7,UTC+12:45,csirt".to_string(),
            "NF,Norfolk Island,-29.05,167.96,2200,1e8,UTC+11,npc".to_string(),
        ];
        let text = starter("Pacific", &[], &outlying).unwrap();
        assert!(text.contains("utc_offset: Some(\"UTC+12\")"), "{text}");
        let source = super::super::Source {
            name: "new.ron".into(),
            text,
            dir: None,
        };
        let plan = super::super::load_source(&source, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plan.scenario.islands.len(), 3);
        assert_eq!(plan.island_clocks(0).len(), 2);
        let warnings = super::super::lint(&plan, &source);
        assert!(warnings.is_empty(), "{warnings:?}");
        let bad = island_from("TO,Tonga,-21.1,184.8,105000,5e8").unwrap_err();
        assert!(bad.contains("longitude") && bad.contains("e.g."), "{bad}");
        assert!(
            island_from("TO,Tonga,x,1,1,1")
                .unwrap_err()
                .contains("latitude")
        );
        assert!(starter("x", &[], &["LC,Saint Lucia,14,-61,180000,2.4e9".into()]).is_err());
        assert!(starter("x", &[], &["FJ,Fiji,-18,178,900000,5e9".into()]).is_err());
    }
}
