//! Issue 29's evidence: the records a team's sensors would have written, from a journaled
//! exercise, in the Elastic Common Schema, only for the hosts the team may see, the intruder's
//! among many times as many benign ones, agreeing with the simulation and with the facilitator's
//! ground truth.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use tidewatch::evidence::{Estate, Scope, covered};
use tidewatch::exercise::journal::JournalFile;
use tidewatch::exercise::session;
use tidewatch::sim::events::SimEvent;

/// The organisations Antigua and Barbuda's NPC watches in this exercise (the README's seat).
const WATCHED: [&str; 5] = ["ag-gov", "ag-caribmsp", "ag-telecom", "ag-port", "ag-bank"];

/// The `--set` that has Antigua and Barbuda's NPC watch `WATCHED`.
fn watching() -> String {
    format!(
        "teams.ag-npc.monitors=[{}]",
        WATCHED.map(|o| format!("\"{o}\"")).join(",")
    )
}

/// The published ECS field set: each field's name and whether it is an array; the allowed
/// values of the categorization fields.
struct Schema {
    fields: Vec<(String, bool)>,
    allowed: BTreeSet<(String, String)>,
}

fn ecs() -> Schema {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let fields = std::fs::read_to_string(root.join("ecs-fields.csv")).unwrap();
    let fields = (fields.lines())
        .filter(|l| !l.starts_with('#') && !l.starts_with("Field,"))
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].to_string(), cells[3] == "array")
        })
        .collect();
    let allowed = std::fs::read_to_string(root.join("ecs-allowed-values.csv")).unwrap();
    let allowed = (allowed.lines())
        .filter(|l| !l.starts_with('#') && !l.starts_with("Field,"))
        .filter_map(|l| l.split_once(','))
        .map(|(f, v)| (f.to_string(), v.to_string()))
        .collect();
    Schema { fields, allowed }
}

/// Every leaf of a record with its path (`event.category`), arrays of values as one leaf.
fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&path, child, out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            for item in items {
                leaves(prefix, item, out);
            }
        }
        _ => out.push((prefix.to_string(), v.clone())),
    }
}

fn records(path: &Path) -> Vec<Value> {
    (std::fs::read_to_string(path).unwrap().lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_teams_evidence_is_ecs_for_its_hosts_with_the_intruder_among_benign_records() {
    let dir = scratch("evidence-evidence");
    let journal = dir.join("room.jsonl");
    let monitors = watching();
    let out = tidewatch(&[
        "run",
        "eastern-caribbean",
        "--seed",
        "42",
        "--until",
        "12h",
        "--set",
        &monitors,
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let evidence = |args: &[&str]| {
        let mut all = vec!["evidence", journal.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = tidewatch(&all);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let said = evidence(&["--team", "ag-npc", "--out", dir.to_str().unwrap()]);
    assert!(said.starts_with("wrote "), "{said}");
    evidence(&["--all", "--out", dir.to_str().unwrap()]);
    let team = records(&dir.join("evidence-ag-npc.ndjson"));
    // The ground truth's intruder records, and a sample of the rest.
    let truth: Vec<Value> = (std::fs::read_to_string(dir.join("evidence-all.ndjson")).unwrap())
        .lines()
        .enumerate()
        .filter(|(n, l)| n % 97 == 0 || l.contains("\"threat\""))
        .map(|(_, l)| serde_json::from_str(l).unwrap())
        .collect();

    // ECS: every field is in the published field set, an array exactly where ECS says one,
    // the categorization fields take their allowed values, the core ones are always there.
    let Schema { fields, allowed } = ecs();
    let mut checked = BTreeSet::new();
    for r in team.iter().chain(truth.iter()) {
        let mut found = Vec::new();
        leaves("", r, &mut found);
        for (path, value) in &found {
            let Some((_, array)) = fields.iter().find(|(f, _)| f == path) else {
                panic!("`{path}` is not an ECS field: {r}");
            };
            let nested = path.starts_with("email.attachments.");
            assert!(
                *array == value.is_array() || nested,
                "`{path}` {} an array in ECS: {r}",
                if *array { "is" } else { "is not" }
            );
            if [
                "event.kind",
                "event.category",
                "event.type",
                "event.outcome",
            ]
            .contains(&path.as_str())
            {
                let values: Vec<&Value> = match value {
                    Value::Array(v) => v.iter().collect(),
                    one => vec![one],
                };
                for v in values {
                    let v = v.as_str().unwrap().to_string();
                    assert!(allowed.contains(&(path.clone(), v.clone())), "{path} = {v}");
                }
            }
            checked.insert(path.clone());
        }
        for core in [
            "@timestamp",
            "ecs.version",
            "message",
            "event.kind",
            "event.category",
            "event.type",
            "event.dataset",
            "host.name",
            "host.ip",
        ] {
            assert!(found.iter().any(|(p, _)| p == core), "no {core}: {r}");
        }
    }
    assert!(checked.len() > 40, "{checked:?}");

    // Only the hosts ag-npc may see, and never the truth.
    let host = |r: &Value| r["host"]["name"].as_str().unwrap().to_string();
    for r in &team {
        let name = host(r);
        assert!(
            WATCHED.iter().any(|o| name.starts_with(&format!("{o}-"))),
            "{name} is not watched by ag-npc"
        );
        assert!(
            r.get("threat").is_none(),
            "a team's evidence tells the truth: {r}"
        );
    }
    // The intruder's records on the hosts it watches are all there, as the truth has them,
    // among at least 20 times as many benign ones.
    let key = |r: &Value| {
        (
            r["@timestamp"].to_string(),
            host(r),
            r["message"].to_string(),
        )
    };
    let seen: BTreeSet<_> = team.iter().map(key).collect();
    let intruder: Vec<&Value> = (truth.iter())
        .filter(|r| r.get("threat").is_some())
        .filter(|r| {
            WATCHED
                .iter()
                .any(|o| host(r).starts_with(&format!("{o}-")))
        })
        .collect();
    assert!(
        !intruder.is_empty(),
        "the crew left nothing on ag-npc's hosts"
    );
    for r in &intruder {
        assert!(
            seen.contains(&key(r)),
            "missing from the team's evidence: {r}"
        );
    }
    assert!(
        team.len() >= 21 * intruder.len(),
        "{} records, {} the intruder's",
        team.len(),
        intruder.len()
    );
    // Time order, as a sensor console shows them.
    let stamps: Vec<&str> = team
        .iter()
        .map(|r| r["@timestamp"].as_str().unwrap())
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]));

    // The simulation's hosts taken that ag-npc's sensors cover are those the truth shows
    // taken there; the README's one-liner finds the first of them from the evidence alone.
    let file = JournalFile::read(&journal).unwrap();
    let replayed = session::replay(&file, None, false).unwrap().session;
    let plan = replayed.plan.clone();
    let estate = Estate::new(&plan, replayed.seed);
    let ag_npc = plan.ids.teams.resolve("ag-npc").unwrap();
    let sees = covered(&estate, Scope::Team(ag_npc), replayed.sim.events());
    let taken: Vec<String> = (replayed.sim.events().iter())
        .filter_map(|e| match e.event {
            SimEvent::HostCompromised { host, .. } if sees[host as usize] > 0 => {
                Some(estate.name(host))
            }
            _ => None,
        })
        .collect();
    assert!(!taken.is_empty());
    let truth_taken: BTreeSet<String> = intruder.iter().map(|r| host(r)).collect();
    for t in &taken {
        assert!(truth_taken.contains(t), "{t} taken but no trace of it");
    }
    if let Some(first) = readme_first_host(&dir.join("evidence-ag-npc.ndjson")) {
        assert_eq!(
            first, taken[0],
            "the README's jq finds the first host taken"
        );
    }

    // The same records as syslog lines carrying CEF: one per ECS document, every extension
    // key one of the CEF dictionary's.
    evidence(&[
        "--team",
        "ag-npc",
        "--format",
        "cef",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let cef = std::fs::read_to_string(dir.join("evidence-ag-npc.cef.log")).unwrap();
    assert_eq!(cef.lines().count(), team.len());
    let dictionary = [
        "rt", "dvchost", "dvc", "cat", "msg", "outcome", "src", "spt", "dst", "dpt", "out",
        "dhost", "proto", "app", "suser", "sntdom", "sproc", "spid", "filePath", "cs1Label", "cs1",
        "cs2Label", "cs2", "cs3Label", "cs3", "fname", "fileHash", "duser", "cs4Label", "cs4",
        "request",
    ];
    for line in cef.lines().step_by(53) {
        let at = line
            .find("CEF:0|tidewatch|")
            .unwrap_or_else(|| panic!("{line}"));
        assert!(line.starts_with('<'), "{line}");
        let extension = line[at..].splitn(8, '|').nth(7).unwrap_or_default();
        for word in extension.split(' ') {
            if let Some((key, _)) = word.split_once('=')
                && !key.ends_with('\\')
                && key.chars().all(|c| c.is_ascii_alphanumeric())
                && !key.is_empty()
            {
                assert!(
                    dictionary.contains(&key),
                    "`{key}` is not a CEF key: {line}"
                );
            }
        }
    }

    // The same journal gives the same evidence, byte for byte.
    let again = dir.join("again");
    evidence(&["--team", "ag-npc", "--out", again.to_str().unwrap()]);
    assert!(
        std::fs::read(again.join("evidence-ag-npc.ndjson")).unwrap()
            == std::fs::read(dir.join("evidence-ag-npc.ndjson")).unwrap()
    );
    // Never over an existing file.
    let out = tidewatch(&[
        "evidence",
        journal.to_str().unwrap(),
        "--team",
        "ag-npc",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(dir).ok();
}

/// The README's one-liner for the first host taken, run with `jq` on the evidence: the host
/// of the first line it prints (None where jq is missing outside CI).
fn readme_first_host(evidence: &Path) -> Option<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let filter = readme
        .lines()
        .find(|l| l.starts_with("jq -r ") && l.contains("first host taken"))
        .and_then(|l| l.split('\'').nth(1))
        .expect("the README's one-liner for the first host taken")
        .to_string();
    let run = std::process::Command::new("jq")
        .args(["-r", &filter])
        .arg(evidence)
        .output();
    let Ok(run) = run else {
        assert!(std::env::var_os("CI").is_none(), "jq is required in CI");
        eprintln!("skipping the README's jq: jq is not installed");
        return None;
    };
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8(run.stdout).unwrap();
    let first = text.lines().next().expect("the one-liner finds something");
    Some(first.split('\t').nth(1).unwrap().to_string())
}

/// Hosts a crew holds at the end of a journal, per organisation id: taken, and not cut off or
/// rebuilt since.
fn held_at_end(
    journal: &Path,
) -> (
    std::sync::Arc<tidewatch::scenario::Plan>,
    Vec<(String, u32)>,
) {
    let file = JournalFile::read(journal).unwrap();
    let replayed = session::replay(&file, None, false).unwrap().session;
    let plan = replayed.plan.clone();
    let mut held = std::collections::BTreeMap::new();
    for e in replayed.sim.events() {
        match e.event {
            SimEvent::HostCompromised { org, host, .. } => {
                held.insert(host, org);
            }
            SimEvent::HostIsolated { host, .. } | SimEvent::HostRestored { host, .. } => {
                held.remove(&host);
            }
            _ => {}
        }
    }
    let held = (held.into_iter())
        .map(|(h, org)| (plan.scenario.organisations[org.ix()].id.clone(), h))
        .collect();
    (plan, held)
}

/// A technical exercise from a command file: Antigua's NPC, played by trainees whose
/// investigations deliver collections, investigates the organisation the crew has spread
/// furthest in, submits findings naming some of the hosts it holds and one it does not, and
/// isolates. Exactly the hosts named are cut off (the wrong one too); the others stay the
/// crew's; the team's evidence now holds the organisation's unsensored hosts up to the
/// collection; the report scores the submission against what was true.
#[test]
fn findings_in_a_command_file_scope_what_they_name_and_the_report_scores_them() {
    let dir = scratch("evidence-findings");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let monitors = watching();
    let run = |commands: &str, until: &str, journal: &str| {
        std::fs::write(path("commands.ron"), commands).unwrap();
        let out = tidewatch(&[
            "run",
            "eastern-caribbean",
            "--seed",
            "42",
            "--until",
            until,
            "--set",
            &monitors,
            "--set",
            "teams.ag-npc.auto=false",
            "--set",
            "teams.ag-npc.investigation=Collection",
            "--commands",
            &path("commands.ron"),
            "--journal",
            &path(journal),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    // Where the crew is at D2 12:00 (the trainees' investigation and collection change
    // nothing in the world).
    run("[]", "28h", "before.jsonl");
    let (plan, held) = held_at_end(&dir.join("before.jsonl"));
    let (org, count) = (WATCHED.iter())
        .map(|o| (*o, held.iter().filter(|(x, _)| x == o).count()))
        .max_by_key(|(_, n)| *n)
        .unwrap();
    assert!(
        count >= 3,
        "the crew holds {count} hosts at {org} by D2 09:00"
    );
    let hosts: Vec<u32> = (held.iter())
        .filter(|(x, _)| x == org)
        .map(|(_, h)| *h)
        .collect();
    let o = plan.ids.orgs.resolve(org).unwrap();
    let range = plan.orgs[o.ix()].hosts.clone();
    let wrong = range.clone().find(|h| !hosts.contains(h)).unwrap();
    let named = [hosts[0], hosts[1], wrong];
    let names: Vec<String> = named
        .iter()
        .map(|h| format!("\"{}\"", plan.host_name(*h)))
        .collect();
    run(
        &format!(
            "[Timed(at: \"D2 08:00\", do: Investigate(team: \"ag-npc\", org: \"{org}\")),
              Timed(at: \"D2 12:00\", do: Findings(team: \"ag-npc\", org: \"{org}\",
                  hosts: [{}], techniques: [\"T1021.002\"])),
              Timed(at: \"D2 12:05\", do: IsolateHosts(team: \"ag-npc\", org: \"{org}\"))]",
            names.join(", ")
        ),
        "34h",
        "room.jsonl",
    );
    let file = JournalFile::read(&dir.join("room.jsonl")).unwrap();
    let replayed = session::replay(&file, None, false).unwrap().session;
    let isolated: BTreeSet<u32> = (replayed.sim.events().iter())
        .filter_map(|e| match e.event {
            SimEvent::HostIsolated { host, org: at, .. } if at == o => Some(host),
            _ => None,
        })
        .collect();
    assert_eq!(
        isolated,
        BTreeSet::from(named),
        "exactly the hosts named are cut off"
    );
    let (_, still) = held_at_end(&dir.join("room.jsonl"));
    for h in &hosts[2..] {
        assert!(
            still.contains(&(org.to_string(), *h)),
            "host {h}, not named, stays held"
        );
    }

    // The team's evidence covers the organisation's every host up to the collection.
    let out = tidewatch(&[
        "evidence",
        &path("room.jsonl"),
        "--team",
        "ag-npc",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let evidence = std::fs::read_to_string(dir.join("evidence-ag-npc.ndjson")).unwrap();
    for h in range.clone() {
        let name = format!("\"hostname\":\"{}\"", plan.host_name(h));
        assert!(
            evidence.contains(&name),
            "{name}: collected, so in the evidence"
        );
    }

    // The report scores it: two right, one wrong, the rest missed.
    let out = tidewatch(&["report", &path("room.jsonl"), "--out", &path("aar.json")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let aar: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("aar.json")).unwrap()).unwrap();
    let scored = &aar["findings"][0];
    assert_eq!(scored["team"], "ag-npc");
    assert_eq!(scored["hosts"]["right"], 2, "{scored}");
    assert_eq!(scored["hosts"]["wrong"], 1, "{scored}");
    assert_eq!(
        scored["hosts"]["missed"],
        hosts.len() as u64 - 2,
        "{scored}"
    );
    assert!(scored["after_collection"].is_string(), "{scored}");
    let review = aar["teams"].to_string();
    assert!(review.contains("named 2 of the"), "{review}");
    std::fs::remove_dir_all(dir).ok();
}

/// A live host feeding a lab SIEM (`--evidence-to`, a file here) writes, as the exercise runs,
/// the records `tidewatch evidence` writes afterwards from its journal, byte for byte; the
/// lab log says where the feed went and how many records it carried.
#[test]
fn a_live_hosts_feed_to_a_lab_siem_is_the_evidence_of_its_journal() {
    let dir = scratch("evidence-feed");
    let (journal, feed) = (dir.join("room.jsonl"), dir.join("siem.ndjson"));
    let monitors = watching();
    let out = tidewatch(&[
        "run",
        "eastern-caribbean",
        "--seed",
        "42",
        "--until",
        "8h",
        "--set",
        &monitors,
        "--journal",
        journal.to_str().unwrap(),
        "--host",
        "127.0.0.1:0",
        "--pace",
        "max",
        "--evidence-to",
        feed.to_str().unwrap(),
        "--evidence-for",
        "ag-npc",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(
        log.contains(&format!("evidence fed to {}: ", feed.display())),
        "{log}"
    );
    let out = tidewatch(&[
        "evidence",
        journal.to_str().unwrap(),
        "--team",
        "ag-npc",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fed = std::fs::read(&feed).unwrap();
    let written = std::fs::read(dir.join("evidence-ag-npc.ndjson")).unwrap();
    assert!(fed.len() > 1_000_000, "{} bytes", fed.len());
    assert!(
        fed == written,
        "the feed differs from the journal's evidence"
    );
    // A feed for a team nobody has, or without --host, is refused before anything runs.
    let refused = tidewatch(&[
        "run",
        "eastern-caribbean",
        "--host",
        "127.0.0.1:0",
        "--evidence-to",
        dir.join("x.ndjson").to_str().unwrap(),
        "--evidence-for",
        "nobody",
    ]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("--evidence-for"),
        "{}",
        stderr(&refused)
    );
    assert!(!dir.join("x.ndjson").exists());
    std::fs::remove_dir_all(dir).ok();
}
