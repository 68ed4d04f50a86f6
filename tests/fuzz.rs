//! The fuzz run: "bad input never panics", tried on thousands of mutated inputs. Each target
//! starts from the shipped scenarios and the test fixtures, mutates them the ways a person or a
//! broken disk would (numbers swapped for huge, negative, NaN or infinite ones, times past the
//! clock, ids renamed, lines deleted, duplicated or swapped, the file cut short, bytes of noise),
//! and checks that loading, validating and (when valid) running a few simulated hours returns
//! an answer: a plan or positioned diagnostics, never a panic, and within a time bound.
//!
//! CI runs `TIDEWATCH_FUZZ_CASES` cases per target (default 2000, the same cases every run:
//! seed 1; `TIDEWATCH_FUZZ_SEED=random` explores). For a longer hunt:
//! `TIDEWATCH_FUZZ_CASES=20000 cargo test --release --test fuzz`. A failure is shrunk by
//! proptest and its seed saved under `proptest-regressions/`; keep the smallest input as a
//! fixture in `tests/data/fuzz/`, which `every_kept_crasher_is_answered` replays.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};
use tidewatch::exercise::journal::JournalFile;
use tidewatch::exercise::session::{self, Session};
use tidewatch::scenario::{self, Plan, Source};

/// How long one case may take: a few simulated hours of any valid input, well inside this.
const CASE_BOUND: Duration = Duration::from_secs(20);
/// Simulated minutes a valid mutant is run for.
const RUN_TICKS: u64 = 6 * 60;

fn cases() -> u32 {
    std::env::var("TIDEWATCH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// CI's run is the same every time (seed 1); `TIDEWATCH_FUZZ_SEED=random` or another number
/// explores elsewhere.
fn seed() -> RngSeed {
    match std::env::var("TIDEWATCH_FUZZ_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(n) => n.parse().map(RngSeed::Fixed).unwrap_or(RngSeed::Fixed(1)),
        None => RngSeed::Fixed(1),
    }
}

fn trace(what: &str, detail: &dyn std::fmt::Debug) {
    if std::env::var_os("TIDEWATCH_FUZZ_TRACE").is_some() {
        eprintln!("{what} {detail:?}");
    }
}

fn config() -> Config {
    Config {
        cases: cases(),
        rng_seed: seed(),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn seeds() -> Vec<(&'static str, String)> {
    [
        "scenarios/tutorial.ron",
        "scenarios/eastern-caribbean.ron",
        "scenarios/tabletop-ransomware.ron",
        "tests/data/tabletop.ron",
        "tests/data/herd.ron",
        "tests/data/cascade.ron",
        "tests/data/assist.ron",
    ]
    .into_iter()
    .map(|p| (p, read(p)))
    .collect()
}

/// Values a number or a string in the file is replaced by.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "-8",
    "1",
    "2",
    "0.0",
    "-0.5",
    "1.5",
    "5.0",
    "1e6",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "-inf",
    "4294967296",
    "18446744073709551615",
    "99999999999999999999999",
    "0.000001",
];
const STRINGS: &[&str] = &[
    "\"\"",
    "\"0m\"",
    "\"1m\"",
    "\"366d\"",
    "\"367d\"",
    "\"18446744073709551615m\"",
    "\"999999999999999999d\"",
    "\"D0 08:00\"",
    "\"D1 07:59\"",
    "\"D366 23:59\"",
    "\"D999999999999999999 09:00\"",
    "\"D2 25:00\"",
    "\"LC\"",
    "\"XX\"",
    "\"a-msp\"",
    "\"ag-npc\"",
    "\"I1\"",
    "\"E2\"",
    "\"T1486\"",
    "\"T9999\"",
    "\"\\u{0}\"",
    "\"D1 999999999999999999:00\"",
    "\"UTC+999999999999999999\"",
    "\"UTC-9223372036854775807:59\"",
];

/// Everyday text of the region and the edges of Unicode: accented names in comments and
/// strings, emoji, combining marks, right-to-left text, and characters some tools take for
/// whitespace or a line's end (U+2028, U+2029, U+0085, U+00A0, U+FEFF).
const UNICODE: &[&str] = &[
    "/* réunion à 9h */",
    "/* Saint-Barthélemy, Curaçao /* imbriqué */ fin */",
    "// Martinique: équipe prête ☀\n",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\u{a0}",
    "\u{feff}",
    "e\u{301}",
    "🌊🏝️",
    "שלום",
    "\u{202e}evil\u{202c}",
    "Ñandú",
    "r#\"raw \" ] ) (\"#",
    "'é'",
    "\u{1F468}\u{200D}\u{1F4BB}",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the k-th number in the text.
    Number(usize, usize),
    /// Replace the k-th quoted string.
    Str(usize, usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Cut the text at this fraction (per mille) of its length.
    Truncate(u16),
    /// Insert noise at this fraction of the length.
    Noise(u16, Vec<u8>),
    /// Put a `UNICODE` text in place of the k-th space (as whitespace or a comment between
    /// tokens).
    UnicodeSpace(usize, usize),
    /// Put a `UNICODE` text just inside the k-th quoted string (ids, names, times).
    UnicodeInString(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 0..NUMBERS.len()).prop_map(|(k, v)| Mutation::Number(k, v)),
        4 => (any::<usize>(), 0..STRINGS.len()).prop_map(|(k, v)| Mutation::Str(k, v)),
        1 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (0u16..1000).prop_map(Mutation::Truncate),
        1 => (0u16..1000, prop::collection::vec(any::<u8>(), 1..12))
            .prop_map(|(at, b)| Mutation::Noise(at, b)),
        3 => (any::<usize>(), 0..UNICODE.len()).prop_map(|(k, v)| Mutation::UnicodeSpace(k, v)),
        2 => (any::<usize>(), 0..UNICODE.len())
            .prop_map(|(k, v)| Mutation::UnicodeInString(k, v)),
    ]
}

/// Byte ranges of the tokens a mutation can aim at: numbers outside strings, and strings.
fn tokens(text: &str, numbers: bool) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if !numbers {
                    out.push((start, (i + 1).min(b.len())));
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            c if c.is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                if numbers {
                    out.push((start, i));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn apply(text: &str, m: &Mutation) -> String {
    let replace = |numbers: bool, k: usize, with: &str| {
        let t = tokens(text, numbers);
        if t.is_empty() {
            return text.to_string();
        }
        let (a, b) = t[k % t.len()];
        format!("{}{with}{}", &text[..a], &text[b..])
    };
    let mut lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    let cut = |per_mille: u16| {
        let mut at = text.len() * per_mille as usize / 1000;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    match m {
        Mutation::Number(k, v) => replace(true, *k, NUMBERS[*v]),
        Mutation::Str(k, v) => replace(false, *k, STRINGS[*v]),
        Mutation::DeleteLine(k) => {
            if !lines.is_empty() {
                lines.remove(k % n);
            }
            lines.join("\n")
        }
        Mutation::DuplicateLine(k) => {
            if let Some(l) = lines.get(k % n).copied() {
                lines.insert(k % n, l);
            }
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
            lines.join("\n")
        }
        Mutation::Truncate(at) => text[..cut(*at)].to_string(),
        Mutation::Noise(at, bytes) => {
            let at = cut(*at);
            let noise = String::from_utf8_lossy(bytes);
            format!("{}{noise}{}", &text[..at], &text[at..])
        }
        Mutation::UnicodeSpace(k, v) => {
            let spaces: Vec<usize> = text.match_indices(' ').map(|(i, _)| i).collect();
            match spaces.get(k % spaces.len().max(1)) {
                Some(&at) => format!("{}{}{}", &text[..at], UNICODE[*v], &text[at + 1..]),
                None => text.to_string(),
            }
        }
        Mutation::UnicodeInString(k, v) => {
            let t = tokens(text, false);
            match t.get(k % t.len().max(1)) {
                Some(&(a, _)) => format!("{}{}{}", &text[..a + 1], UNICODE[*v], &text[a + 1..]),
                None => text.to_string(),
            }
        }
    }
}

fn source(name: &str, text: String) -> Source {
    Source {
        name: name.into(),
        text,
        dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")),
    }
}

/// Loads (with overrides) and, if valid, runs a few simulated hours: must answer, in time.
fn answer(source: &Source, set: &[String]) -> Option<Arc<Plan>> {
    let started = Instant::now();
    let plan = match scenario::load_source(source, set) {
        Ok(plan) => Arc::new(plan),
        Err(e) => {
            assert!(!e.0.is_empty(), "an error without a diagnostic");
            return None;
        }
    };
    let ticks = RUN_TICKS.min(plan.scenario.duration.0);
    let mut s = Session::new(plan.clone(), 1);
    s.run_until(ticks).unwrap();
    assert!(
        started.elapsed() < CASE_BOUND,
        "a valid input ran {ticks} ticks in {:?}",
        started.elapsed()
    );
    Some(plan)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_scenarios_are_answered(
        pick in 0usize..7,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let seeds = seeds();
        let (name, text) = &seeds[pick % seeds.len()];
        let mut text = text.clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        trace(name, &mutations);
        answer(&source(name, text), &[]);
    }

    /// Generated degenerate scenarios (empty lists, zero counts, self-references, every
    /// trigger and team kind): a plan or diagnostics, never a panic.
    #[test]
    fn generated_degenerate_scenarios_are_answered(
        draws in prop::collection::vec(0usize..1000, 80..120),
    ) {
        let text = degenerate(&draws);
        trace("generated", &text);
        answer(&source("generated.ron", text), &[]);
    }

    #[test]
    fn overrides_are_answered(
        path in prop::sample::select(vec![
            "duration", "seed", "format", "start", "islands.LC.csirt", "islands.LC.lat",
            "islands.XX.csirt", "organisations.ministry.hosts.ws.count",
            "organisations.ministry.hosts.ws.sensor_coverage", "campaigns.ransomware.start",
            "campaigns.ransomware.targets", "teams.csirt.analysts", "teams.csirt.skill",
            "teams.csirt.island", "teams.csirt.auto", "defaults.triage", "defaults.rebuild",
            "defaults.false_alerts_per_host_day", "defaults.online_backups_lost", "intel.sharing",
            "intel.tlp_default", "intel.latency", "intel.block", "intel.detection_boost",
            "assistance.analysts", "assistance.stay", "services.eservices.depends_on", "nothing.here",
        ]),
        value in prop::sample::select(vec![
            "0", "-1", "1", "2", "0.5", "1e308", "NaN", "inf", "true", "false", "\"x\"", "[]",
            "0m", "90m", "366d", "367d", "18446744073709551615m", "D999999999999999999 09:00",
            "D1 07:00", "D2 09:00", "Some(\"LC\")", "None", "Clear", "Red", "4294967296",
            "18446744073709551615", "2026-02-30 08:00", "",
        ]),
    ) {
        let tutorial = read("scenarios/tutorial.ron");
        trace("--set", &(path, value));
        answer(&source("tutorial.ron", tutorial), &[format!("{path}={value}")]);
    }

    #[test]
    fn mutated_command_files_are_answered(
        pick in 0usize..2,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let (scenario, commands) = [
            ("tests/data/tabletop.ron", "tests/data/tabletop-commands.ron"),
            ("scenarios/eastern-caribbean.ron", "tests/data/flagship-commands.ron"),
        ][pick];
        let plan = answer(&source(scenario, read(scenario)), &[]).expect("the fixture is valid");
        let mut text = read(commands);
        for m in &mutations {
            text = apply(&text, m);
        }
        trace(commands, &mutations);
        if let Ok(list) = scenario::commands_from(&source(commands, text), &plan) {
            let mut s = Session::new(plan.clone(), 1);
            s.add_commands(list);
            s.run_until(RUN_TICKS).unwrap();
        }
    }

    #[test]
    fn mutated_journals_are_answered(
        mutations in prop::collection::vec(mutation(), 1..3),
        case in any::<u64>(),
    ) {
        let dir = std::env::temp_dir().join(format!("tidewatch-fuzz-{}-{case}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let text = journal_text();
        let mut mutated = text.clone();
        for m in &mutations {
            mutated = apply(&mutated, m);
        }
        // Half the cases recompute the chain after the mutation, as a forger of an unsealed
        // journal can, so mutations reach the checks behind it and the replay.
        if case % 2 == 0 {
            let mut lines: Vec<String> = mutated.split('\n').map(str::to_string).collect();
            common::rechain(&mut lines, 1);
            mutated = lines.join("\n");
        }
        trace("journal", &mutations);
        let path = dir.join("mutated.jsonl");
        std::fs::write(&path, &mutated).unwrap();
        if let Ok(file) = JournalFile::read(&path) {
            let _ = session::replay(&file, None, true);
        }
        std::fs::remove_dir_all(dir).ok();
    }
}

/// Picks from a list by a drawn number (any number picks something).
fn pick<'a>(list: &[&'a str], k: usize) -> &'a str {
    list[k % list.len()]
}

/// A scenario written from drawn numbers: valid by construction but degenerate (lists empty,
/// one host, a day of one minute, teams with nothing to watch, every trigger, team kind and
/// check the format has, injects triggered by themselves), with now and then one defect (a
/// zero count, a link to itself, a missing reference, an empty `AnyOf`). `d` is the draws,
/// used in order (wrapping around).
fn degenerate(d: &[usize]) -> String {
    let mut k = 0;
    let mut next = || {
        let v = d[k % d.len()];
        k += 1;
        v
    };
    let n_islands = 1 + next() % 3;
    let isl = |v: usize| ["A", "B", "C"][v % n_islands];
    let (csirt, npc) = (next() % 2 == 0, next() % 2 == 0);
    let mut out =
        String::from("Scenario(format: 1, name: \"generated\", start: \"2026-03-07 23:59\",\n");
    out += &format!(
        "  duration: \"{}\", seed: {},\n  islands: [",
        pick(&["1m", "1h", "6h"], next()),
        next() % 3
    );
    for i in 0..n_islands {
        out += &format!(
            "Island(id: \"{0}\", name: \"{0}\", population: {1}, gdp_usd: {2}, lat: {3}, lon: -61.0, csirt: {4}, npc: {5}),",
            isl(i),
            pick(&["1", "100000", "5000"], next()),
            pick(&["0.0", "1e9"], next()),
            13 + i,
            i == 0 && csirt,
            i == 0 && npc
        );
    }
    out += "],\n  links: [";
    if n_islands > 1 {
        for n in 0..next() % 3 {
            out += &format!(
                "Link(id: \"l{n}\", kind: {}, between: (\"{}\", \"{}\")),",
                pick(&["SubmarineCable", "Microwave", "Satellite"], next()),
                isl(n),
                isl(n + 1)
            );
        }
    }
    let n_orgs = 1 + next() % 2;
    out += "],\n  organisations: [";
    for n in 0..n_orgs {
        out += &format!(
            "Organisation(id: \"o{n}\", island: \"{}\", sector: {}, name: \"o\", manages: [{}], hosts: [HostGroup(id: \"g\", kind: {}, count: {}, platform: {}, sensor_coverage: {}, patch_level: {}, backups: {})]),",
            isl(next()),
            pick(
                &["Government", "Finance", "ItServices", "Elections"],
                next()
            ),
            if n == 1 && next() % 3 == 0 {
                "\"o0\""
            } else {
                ""
            },
            pick(&["Workstation", "Server", "EdgeDevice"], next()),
            pick(&["1", "2", "30"], next()),
            pick(&["Windows", "Linux", "Network"], next()),
            pick(&["0.0", "0.5", "1.0"], next()),
            pick(&["0.0", "0.5", "1.0"], next()),
            pick(&["None", "Online", "Offline"], next()),
        );
    }
    let n_services = next() % 3;
    out += "],\n  services: [";
    for n in 0..n_services {
        out += &format!(
            "Service(id: \"s{n}\", name: \"s\", provider: \"o0\", needs_hosts: [{}], depends_on: [{}], min_hosts_up: {}, cost_per_hour_usd: 1.0, people_served: 0),",
            pick(&["", "\"o0/g\""], next()),
            if n == 1 && next() % 2 == 0 {
                "\"s0\""
            } else {
                ""
            },
            pick(&["0.0", "0.5", "1.0"], next())
        );
    }
    let n_campaigns = next() % 3;
    out += "],\n  actors: [ThreatActor(id: \"x\", name: \"x\", skill: 0.9)],\n  campaigns: [";
    for n in 0..n_campaigns {
        out += &format!(
            "Campaign(id: \"c{n}\", actor: \"x\", name: \"c\", start: \"{}\", targets: [{}], stages: [{}]),",
            pick(&["D1 23:59", "2m", "D2 00:00"], next()),
            pick(
                &[
                    "Organisation(\"o0\")",
                    "Island(\"A\")",
                    format!("Sector({})", "Government").as_str()
                ],
                next()
            ),
            pick(
                &[
                    "Stage(technique: \"T1078\")",
                    "Stage(technique: \"T1190\"), Stage(technique: \"T1486\", duration: Some(\"1m\"))",
                    "Stage(technique: \"T1078\"), Stage(technique: \"T1021.001\"), Stage(technique: \"T1486\")",
                    "Stage(technique: \"T1498\")",
                ],
                next()
            )
        );
    }
    out += "],\n  teams: [";
    if csirt {
        out += "Team(id: \"cs\", name: \"cs\", kind: NationalCsirt, island: Some(\"A\"), analysts: 1, skill: 0.5, shift: AroundTheClock),";
    }
    if npc {
        out += "Team(id: \"np\", name: \"np\", kind: Npc, island: Some(\"A\"), analysts: 1, skill: 0.5, shift: OfficeHours),";
    }
    let n_teams = next() % 3;
    for n in 0..n_teams {
        let kind = pick(
            &[
                "SectorSoc",
                "RegionalHub",
                "Leadership",
                "NationalCsirt",
                "Npc",
            ],
            next(),
        );
        out += &format!(
            "Team(id: \"t{n}\", name: \"t\", kind: {kind}, island: {}, monitors: [{}], analysts: {}, skill: {}, shift: {}, auto: {}),",
            if kind == "RegionalHub" {
                pick(&["None", "Some(\"A\")"], next())
            } else {
                "Some(\"A\")"
            },
            if kind == "SectorSoc" {
                pick(&["", "\"o0\""], next())
            } else {
                ""
            },
            pick(&["1", "2"], next()),
            pick(&["0.0", "1.0"], next()),
            pick(&["OfficeHours", "AroundTheClock"], next()),
            next() % 2 == 0
        );
    }
    let n_modules = next() % 3;
    out += "],\n  modules: [";
    for n in 0..n_modules {
        out += &format!(
            "Module(id: \"m{n}\", title: \"m\", questions: [{}], duration: {}, pause: {}),",
            pick(&["", "\"q?\""], next()),
            pick(&["None", "Some(\"1m\")"], next()),
            next() % 2 == 0
        );
    }
    let n_injects = next() % 4;
    // Triggers that name only what exists: the first inject, island A, organisation o0.
    let mut triggers = vec![
        "At(\"D1 23:59\")",
        "At(\"2m\")",
        "Manual",
        "Inject(\"i0\")",
        "Evicted(\"o0\")",
        "Contained(\"A\")",
        "FirstIncident(\"A\")",
        "RansomNote(\"A\")",
        "IntelApplied(\"A\")",
        "AnyOf([At(\"D2 00:01\"), Inject(\"i0\")])",
        "AllOf([Inject(\"i0\"), At(\"3m\")])",
        "AnyOf([Manual, Evicted(\"o0\")])",
        "AllOf([Manual])",
    ];
    if n_services > 0 {
        triggers.push("ServiceDown(\"s0\")");
    }
    if n_campaigns > 0 {
        triggers.push("CampaignStarted(\"c0\")");
    }
    let team = |v: usize| -> &str {
        match (v % 3, csirt, npc, n_teams) {
            (0, true, _, _) => "\"cs\"",
            (1, _, true, _) => "\"np\"",
            (_, _, _, t) if t > 0 => "\"t0\"",
            _ => "",
        }
    };
    out += "],\n  msel: [";
    for n in 0..n_injects {
        let to = team(next());
        out += &format!(
            "Inject(id: \"i{n}\", module: {}, trigger: {}, unless: {}, delay: \"{}\", kind: {}, channel: Email, to: [{to}], title: \"i\", contingency_only: {}, effects: [{}], decision: {}),",
            if n_modules > 0 {
                pick(&["None", "Some(\"m0\")"], next())
            } else {
                "None"
            },
            pick(&triggers, next()),
            pick(
                &[
                    "None",
                    "Some(Evicted(\"o0\"))",
                    "Some(Inject(\"i0\"))",
                    "Some(AllOf([]))"
                ],
                next()
            ),
            pick(&["0m", "1m"], next()),
            pick(&["Technical", "Narrative", "Facilitation"], next()),
            next() % 5 == 0,
            match next() % 4 {
                0 if n_campaigns > 0 => "ForceStep(campaign: \"c0\", org: \"o0\")",
                1 => "FireInject(\"i0\")",
                2 => "PowerOutage(island: \"A\", duration: \"1m\")",
                _ => "",
            },
            if to.is_empty() {
                "None"
            } else {
                pick(
                    &[
                        "None",
                        "Some(Decision(prompt: \"p\", default: \"a\", options: [Option(id: \"a\", label: \"a\")], answer_within: Some(\"1m\")))",
                    ],
                    next(),
                )
            }
        );
    }
    out += "],\n  objectives: [Objective(id: \"ob\", title: \"ob\")],\n  expectations: [";
    for n in 0..next() % 3 {
        let team = team(next());
        if team.is_empty() || n_injects == 0 {
            break;
        }
        out += &format!(
            "Expectation(id: \"e{n}\", team: {team}, objective: \"ob\", description: \"e\", after: {}, within: \"{}\", check: {}, contingency: {}),",
            pick(&triggers[..2], next()),
            pick(&["1m", "1h"], next()),
            pick(
                &[
                    "IncidentOpened",
                    "Facilitator",
                    "IntelShared(Red)",
                    "Isolates",
                    "IntelApplied"
                ],
                next()
            ),
            pick(&["None", "Some(\"i0\")"], next())
        );
    }
    out += "],\n)\n";
    // Now and then one defect a person might write.
    let defects: &[(&str, &str)] = &[
        ("count: 1,", "count: 0,"),
        ("AnyOf([At", "AnyOf([]), AnyOf([At"),
        ("\"o0\"", "\"o9\""),
        ("island: Some(\"A\")", "island: None"),
        ("Inject(\"i0\")", "Inject(\"i7\")"),
        ("skill: 0.9", "skill: 1.9"),
    ];
    if next() % 4 == 0 {
        let (from, to) = defects[next() % defects.len()];
        out = out.replacen(from, to, 1);
    }
    out
}

/// A short recorded exercise of the tabletop, as the journal text.
fn journal_text() -> String {
    use std::sync::OnceLock;
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("tidewatch-fuzz-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let src = source("tests/data/tabletop.ron", read("tests/data/tabletop.ron"));
        let plan = Arc::new(scenario::load_source(&src, &[]).unwrap());
        let commands = scenario::load_commands(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/tabletop-commands.ron")
                .to_string_lossy(),
            &plan,
        )
        .unwrap();
        let mut s = Session::new(plan, 3);
        let path = dir.join("journal.jsonl");
        s.record(&path, &src, &[], None).unwrap();
        s.add_commands(commands);
        s.run_until(14 * 60).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(dir).ok();
        text
    })
    .clone()
}

/// Inputs a fuzz run once broke, kept so they stay answered: scenarios (`.ron`) and journals
/// (`.jsonl`, e.g. a digest at tick 2^32 that made replay simulate for hours).
#[test]
fn every_kept_crasher_is_answered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("commands-") && name.ends_with(".ron") {
            // A command file, played against the tabletop fixture.
            let plan = answer(
                &source("tabletop.ron", read("tests/data/tabletop.ron")),
                &[],
            )
            .expect("the fixture is valid");
            let text = std::fs::read_to_string(&path).unwrap();
            if let Ok(list) = scenario::commands_from(&source(&name, text), &plan) {
                let mut s = Session::new(plan.clone(), 1);
                s.add_commands(list);
                s.run_until(RUN_TICKS).unwrap();
            }
            count += 1;
        } else if path.extension().is_some_and(|e| e == "ron") {
            let text = std::fs::read_to_string(&path).unwrap();
            answer(&source(&path.display().to_string(), text), &[]);
            count += 1;
        }
        if path.extension().is_some_and(|e| e == "jsonl") {
            let started = Instant::now();
            if let Ok(file) = JournalFile::read(&path) {
                let _ = session::replay(&file, None, true);
            }
            assert!(
                started.elapsed() < CASE_BOUND,
                "{} took too long",
                path.display()
            );
            count += 1;
        }
    }
    assert!(count > 0, "no fixtures in {}", dir.display());
}

/// The generated corpus is not all rejects: enough of it is valid to reach the simulation
/// (else the fuzz run above would only ever test the validator).
#[test]
fn the_degenerate_corpus_reaches_the_simulation() {
    let mut state = 1u64;
    let mut draw = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % 1000
    };
    let (mut valid, total) = (0, 400);
    let mut first_errors = std::collections::BTreeMap::new();
    for _ in 0..total {
        let draws: Vec<usize> = (0..100).map(|_| draw()).collect();
        let source = source("generated.ron", degenerate(&draws));
        match scenario::load_source(&source, &[]) {
            Ok(_) => valid += 1,
            Err(e) => {
                let m = e.0[0].message.clone();
                let key: String = m.chars().take(60).collect();
                *first_errors.entry(key).or_insert(0) += 1;
            }
        }
        answer(&source, &[]);
    }
    if std::env::var_os("TIDEWATCH_FUZZ_TRACE").is_some() {
        eprintln!("{valid}/{total} valid; first errors: {first_errors:#?}");
    }
    assert!(
        valid * 5 >= total,
        "only {valid} of {total} generated scenarios are valid: {first_errors:#?}"
    );
}
