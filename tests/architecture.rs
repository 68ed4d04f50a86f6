//! The layering in ARCHITECTURE.md, checked: a module may use only the modules its row allows.
//! Lowest first: `time` <- `scenario` <- `sim` <- `exercise` <- `report` <- the drivers
//! (`batch`, `bench`, `console`, `main`). Inside `sim`, each domain may use only the domains
//! below it. A forbidden `use` fails this test with the file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Crate layers: module -> the modules it may use.
const LAYERS: &[(&str, &[&str])] = &[
    ("time", &[]),
    ("scenario", &["time"]),
    ("sim", &["scenario", "time"]),
    ("exercise", &["sim", "scenario", "time"]),
    ("report", &["exercise", "sim", "scenario", "time"]),
    // The evidence of a run, from its events: beside the report, whose indicators it shares.
    ("evidence", &["report", "sim", "scenario", "time"]),
    ("batch", &["report", "exercise", "sim", "scenario", "time"]),
    // The bench times the evidence's writing; the lab hands seats their evidence and feeds
    // a lab SIEM.
    (
        "bench",
        &["evidence", "report", "exercise", "sim", "scenario", "time"],
    ),
    (
        "lab",
        &["evidence", "report", "exercise", "sim", "scenario", "time"],
    ),
    (
        "console",
        &["lab", "report", "exercise", "sim", "scenario", "time"],
    ),
    // The binary's own modules (declared in main.rs): the command line's work.
    (
        "cli",
        &[
            "console", "lab", "batch", "bench", "evidence", "report", "exercise", "sim",
            "scenario", "time",
        ],
    ),
];

/// Domains inside `sim`: domain -> the sibling modules it may use. `mod.rs` (the tick, the clock,
/// the plan resource) is open to all of them.
const SIM_DOMAINS: &[(&str, &[&str])] = &[
    ("judgement", &[]),
    ("draws", &[]),
    ("events", &[]),
    ("digest", &["events"]),
    ("network", &["digest", "draws", "events", "judgement"]),
    ("posture", &["digest", "draws", "events", "judgement"]),
    ("attack", &["network", "posture", BASE]),
    ("tasks", &[BASE]),
    ("desk", &["tasks", BASE]),
    (
        "detection",
        &["tasks", "desk", "attack", "network", "posture", BASE],
    ),
    ("incidents", &["attack", "network", BASE]),
    (
        "response",
        &[
            "incidents",
            "tasks",
            "desk",
            "attack",
            "network",
            "posture",
            BASE,
        ],
    ),
    (
        "assistance",
        &["incidents", "desk", "tasks", "network", BASE],
    ),
    (
        "intel",
        &[
            "assistance",
            "incidents",
            "tasks",
            "desk",
            "attack",
            "network",
            "posture",
            BASE,
        ],
    ),
    ("impact", &["attack", "network", BASE]),
    ("ransom", &["impact", "network", BASE]),
    (
        "recovery",
        &["response", "incidents", "attack", "network", BASE],
    ),
];

/// Stands for the modules every domain may use: `digest`, `draws`, `events`, `judgement`.
const BASE: &str = "(base)";

fn allowed_in_sim(siblings: &[&str], used: &str) -> bool {
    siblings.contains(&used)
        || (siblings.contains(&BASE) && ["digest", "draws", "events", "judgement"].contains(&used))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first path segment after each `prefix` in the code (comments left out), with its line;
/// `prefix{a::x, b}` yields `a` and `b`.
fn uses(code: &str, prefix: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().last();
            rest = &rest[at + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                // Top-level names of a (single-line) group.
                let mut depth = 0;
                let mut name = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => found.push((n + 1, std::mem::take(&mut name))),
                        _ if depth == 0 => name.push(c),
                        _ => {}
                    }
                }
                found.push((n + 1, name));
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push((n + 1, name));
            }
        }
    }
    found
        .into_iter()
        .map(|(n, name)| {
            let first = name
                .trim()
                .split("::")
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            (n, first)
        })
        .filter(|(_, name)| !name.is_empty())
        .collect()
}

/// Multi-line `use super::{...}` / `use crate::{...}` groups, flattened onto one line so that
/// [`uses`] sees them.
fn flatten_groups(code: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut open = 0usize;
    let mut start = 0usize;
    for line in code.lines() {
        let code_part = line.split("//").next().unwrap_or("");
        let trimmed = code_part.trim();
        if open > 0 {
            // Continuation of a group: joined onto the line it started on; line numbers kept.
            lines[start].push(' ');
            lines[start].push_str(trimmed);
            lines.push(String::new());
        } else {
            start = lines.len();
            lines.push(code_part.to_string());
        }
        if trimmed.starts_with("use ") || trimmed.starts_with("pub use ") || open > 0 {
            open += code_part.matches('{').count();
            open = open.saturating_sub(code_part.matches('}').count());
        }
    }
    lines.join("\n")
}

#[derive(Debug)]
struct Violation(String);

fn check(src: &Path) -> Vec<Violation> {
    let layers: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let domains: BTreeMap<&str, &[&str]> = SIM_DOMAINS.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        let module = parts[0].as_str();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(allowed) = layers.get(module) else {
            bad.push(Violation(format!(
                "{}: module `{module}` has no row in LAYERS; add one",
                rel.display()
            )));
            continue;
        };
        let code = flatten_groups(&std::fs::read_to_string(&file).unwrap());
        for prefix in ["crate::", "tidewatch::"] {
            for (line, used) in uses(&code, prefix) {
                if used != module && !allowed.contains(&used.as_str()) {
                    bad.push(Violation(format!(
                        "{}:{line}: `{module}` uses `{used}`, which is above it \
                         (it may use: {})",
                        rel.display(),
                        allowed.join(", ")
                    )));
                }
            }
        }
        // Domains inside sim: `super::x` from sim/<domain>.rs, and `crate::sim::x` anywhere in sim.
        if module == "sim" && parts.len() >= 2 && parts[1] != "mod" {
            let domain = parts[1].as_str();
            let Some(siblings) = domains.get(domain) else {
                bad.push(Violation(format!(
                    "{}: sim domain `{domain}` has no row in SIM_DOMAINS; add one",
                    rel.display()
                )));
                continue;
            };
            // From sim/<domain>.rs or sim/<domain>/mod.rs, `super::` is sim; from a file nested
            // deeper (sim/<domain>/<part>.rs), it takes `super::super::`.
            let nested = parts.len() > 2 && parts[parts.len() - 1] != "mod";
            let up = if nested { "super::super::" } else { "super::" };
            let mut refs = uses(&code, up);
            refs.extend(uses(&code, "crate::sim::"));
            for (line, used) in refs {
                let is_domain = domains.contains_key(used.as_str());
                if is_domain && used != domain && !allowed_in_sim(siblings, &used) {
                    bad.push(Violation(format!(
                        "{}:{line}: sim domain `{domain}` uses `{used}`, which is not below it \
                         (it may use: {})",
                        rel.display(),
                        siblings
                            .join(", ")
                            .replace(BASE, "digest, draws, events, judgement")
                    )));
                }
            }
            // The model reads the validated plan, never the raw file's types.
            for (n, l) in code.lines().enumerate() {
                if l.contains(".scenario.") {
                    bad.push(Violation(format!(
                        "{}:{}: the simulation reads the raw scenario (`.scenario.`); \
                         read the plan's resolved field instead",
                        rel.display(),
                        n + 1
                    )));
                }
            }
        }
    }
    bad
}

#[test]
fn modules_use_only_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = check(&src);
    assert!(
        bad.is_empty(),
        "forbidden dependencies:\n{}",
        bad.iter()
            .map(|v| v.0.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_checker_sees_a_forbidden_use() {
    let dir = std::env::temp_dir().join(format!("tidewatch-arch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sim")).unwrap();
    std::fs::write(dir.join("time.rs"), "use crate::scenario::Plan;\n").unwrap();
    std::fs::write(
        dir.join("sim/attack.rs"),
        "use super::{\n    intel::IntelBook,\n    network::Hosts,\n};\n// use crate::console::X;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("sim/network.rs"),
        "fn f(r: &Region) { let _ = r.scenario.defaults; }\n",
    )
    .unwrap();
    let found: Vec<String> = check(&dir).into_iter().map(|v| v.0).collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].contains("sim/attack.rs:1: sim domain `attack` uses `intel`"));
    assert!(found[1].contains("sim/network.rs:1: the simulation reads the raw scenario"));
    assert!(found[2].contains("time.rs:1: `time` uses `scenario`"));
}
