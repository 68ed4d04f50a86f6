//! Regional cooperation: sharing, points of contact, cable cuts and assistance change outcomes
//! in the direction the region hopes, measured over many seeds.

mod common;
use common::*;

use std::sync::Arc;

use tidewatch::report::metrics::run_metrics;
use tidewatch::scenario::ids::IslandIx;
use tidewatch::scenario::{Plan, TeamKind};
use tidewatch::sim::events::SimEvent;

const SEEDS: u64 = 100;
const HERD: &str = "tests/data/herd.ron";

fn island(plan: &Plan, id: &str) -> IslandIx {
    plan.ids.islands.get(id).unwrap()
}

/// Tick at which intelligence was first applied on `island`, if ever.
fn intel_applied_on(plan: &Arc<Plan>, seed: u64, island: IslandIx) -> Option<u64> {
    let (sim, _) = run(plan, seed, plan.scenario.duration.0);
    sim.events()
        .iter()
        .find(|e| matches!(e.event, SimEvent::IntelApplied { island: i, .. } if i == island))
        .map(|e| e.tick)
}

#[test]
fn sharing_protects_the_islands_hit_later() {
    let on = plan(HERD, &[]);
    let off = plan(HERD, &["intel.sharing=false"]);
    // Per seed: hosts compromised beyond the first victim island, and the loss.
    let outcomes = |plan: &Arc<Plan>| -> (Vec<f64>, Vec<f64>) {
        (0..SEEDS)
            .map(|seed| {
                let (sim, _) = run(plan, seed, plan.scenario.duration.0);
                let m = run_metrics(plan, seed, plan.scenario.duration.0, sim.events());
                (m.hosts_compromised_elsewhere, m.loss_usd)
            })
            .unzip()
    };
    let ((with, with_loss), (without, without_loss)) = (outcomes(&on), outcomes(&off));
    let (with, without) = (mean(&with), mean(&without));
    assert!(
        with < 0.8 * without,
        "hosts compromised beyond the first victim: sharing {with:.1}, no sharing {without:.1}"
    );
    // Fewer ministries breached is money a minister can see.
    let (with_loss, without_loss) = (mean(&with_loss), mean(&without_loss));
    assert!(
        with_loss < 0.9 * without_loss,
        "mean loss: sharing {with_loss:.0} USD, no sharing {without_loss:.0} USD"
    );
}

#[test]
fn an_island_without_a_point_of_contact_learns_later() {
    let with_npc = plan(HERD, &[]);
    let without = plan(HERD, &["islands.B.npc=false"]);
    let b = island(&with_npc, "B");
    let mut compared = 0;
    for seed in 0..SEEDS {
        let (Some(early), late) = (
            intel_applied_on(&with_npc, seed, b),
            intel_applied_on(&without, seed, b),
        ) else {
            continue;
        };
        compared += 1;
        // Without a point of contact, B only gets the public advisory, a day later.
        let late = late.unwrap_or(u64::MAX);
        assert!(
            late > early,
            "seed {seed}: with an NPC at {early}, without at {late}"
        );
    }
    assert!(
        compared >= SEEDS * 9 / 10,
        "intel was produced in most runs ({compared}/{SEEDS})"
    );
}

#[test]
fn a_cable_cut_delays_intel_to_the_island_it_cuts_off() {
    let intact = plan(HERD, &[]);
    // The fixture's A-B cut happens after the run; bring it to the first morning.
    let cut = plan(HERD, &["events.0.at=D1 08:00"]);
    let b = island(&intact, "B");
    let mut delays = Vec::new();
    for seed in 0..SEEDS {
        let (Some(fast), Some(slow)) = (
            intel_applied_on(&intact, seed, b),
            intel_applied_on(&cut, seed, b),
        ) else {
            continue;
        };
        assert!(slow > fast, "seed {seed}: intact {fast}, cut {slow}");
        delays.push((slow - fast) as f64);
    }
    assert!(delays.len() as u64 >= SEEDS * 9 / 10);
    assert!(
        mean(&delays) >= 6.0 * 60.0,
        "the fallback path costs hours: mean delay {:.0} min",
        mean(&delays)
    );
}

#[test]
fn assistance_shortens_containment_on_the_island_that_asked() {
    let helped = plan("tests/data/assist.ron", &[]);
    let alone = plan("tests/data/assist.ron", &["assistance.enabled=false"]);
    // Minutes from the first incident to its containment (the run's end if never), and whether
    // help arrived.
    let containment = |plan: &Arc<Plan>, seed: u64| -> Option<(f64, bool)> {
        let end = plan.scenario.duration.0;
        let (sim, _) = run(plan, seed, end);
        let events = sim.events();
        let opened = events
            .iter()
            .find(|e| matches!(e.event, SimEvent::IncidentOpened { .. }))?
            .tick;
        let contained = events
            .iter()
            .find(|e| matches!(e.event, SimEvent::IncidentContained { .. }))
            .map_or(end, |e| e.tick);
        let helped = events
            .iter()
            .any(|e| matches!(e.event, SimEvent::AssistanceArrived { .. }));
        Some(((contained - opened) as f64, helped))
    };
    let (mut with, mut without, mut asked) = (Vec::new(), Vec::new(), 0);
    for seed in 0..SEEDS {
        if let (Some((a, helped)), Some((b, _))) =
            (containment(&helped, seed), containment(&alone, seed))
        {
            with.push(a);
            without.push(b);
            asked += helped as u32;
        }
    }
    assert!(asked >= 20, "help arrived in {asked} runs");
    let (w, wo) = (mean(&with), mean(&without));
    assert!(
        w < 0.9 * wo,
        "mean minutes from incident to containment: helped {w:.0}, alone {wo:.0}"
    );
}

#[test]
fn batch_output_is_identical_across_runs_and_thread_counts() {
    let args = [
        "batch",
        "tests/data/herd.ron",
        "--runs",
        "12",
        "--seed",
        "3",
        "--json",
    ];
    let a = tidewatch(&args);
    let b = tidewatch(&[&args[..], &["--threads", "1"]].concat());
    let c = tidewatch(&[&args[..], &["--threads", "3"]].concat());
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stdout, c.stdout);
    let v = json(&a);
    assert_eq!(v["runs"], 12);
    for metric in [
        "hosts_compromised",
        "islands_compromised",
        "loss_usd",
        "first_detection_minute",
        "intel_reach_minutes",
    ] {
        let m = &v["metrics"][metric];
        for k in ["mean", "p5", "p50", "p95"] {
            assert!(m.get(k).is_some(), "{metric} lacks {k}: {v}");
        }
    }
    let m = &v["metrics"]["hosts_compromised"];
    assert!(m["p5"].as_f64() <= m["p50"].as_f64() && m["p50"].as_f64() <= m["p95"].as_f64());
}

#[test]
fn batch_writes_one_csv_row_per_run() {
    let dir = std::env::temp_dir().join(format!("tidewatch-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("runs.csv");
    let out = tidewatch(&[
        "batch",
        "tutorial",
        "--runs",
        "5",
        "--seed",
        "10",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("hosts_compromised"));
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[0].starts_with("seed,hosts_compromised"));
    assert!(rows[1].starts_with("10,") && rows[5].starts_with("14,"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn calibrate_prints_each_figure_beside_its_published_reference() {
    let out = tidewatch(&[
        "calibrate",
        "tests/data/assist.ron",
        "--runs",
        "6",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 15);
    for r in rows {
        assert!(!r["published"].as_str().unwrap().is_empty(), "{r}");
        assert!(r["source"].as_str().unwrap().contains("(S)"), "{r}");
    }
    // The fixture's ransomware encrypts: the rows about it stand on cases.
    let encrypted = rows
        .iter()
        .find(|r| r["figure"] == "foothold to encryption")
        .unwrap();
    assert!(encrypted["cases"].as_u64().unwrap() >= 1, "{encrypted}");
    let text = tidewatch(&["calibrate", "tests/data/assist.ron", "--runs", "2"]);
    assert!(stdout(&text).contains("IDC 2021"));
}

#[test]
fn a_team_the_hub_cannot_help_asks_once_not_every_minute() {
    // A one-analyst hub keeps its analyst at home: nobody to spare, ever.
    let plan = plan("tests/data/assist.ron", &["teams.hub.analysts=1"]);
    let mut asked_runs = 0;
    for seed in 0..20 {
        let (sim, _) = run(&plan, seed, plan.scenario.duration.0);
        let asked = sim
            .events()
            .iter()
            .filter(|e| matches!(e.event, SimEvent::AssistanceRequested { .. }))
            .count();
        assert!(asked <= 1, "seed {seed}: asked {asked} times");
        assert!(
            !sim.events()
                .iter()
                .any(|e| matches!(e.event, SimEvent::AssistanceDispatched { .. }))
        );
        asked_runs += asked;
    }
    assert!(
        asked_runs >= 10,
        "the drowning team asked in {asked_runs} runs"
    );
}

/// The natural what-if, "what if this island had a national CSIRT?", runs whether or not the
/// scenario planned the team, and on the flagship's island whose CSIRT is planned but not yet
/// standing (Antigua) it finds the first compromise earlier on average over 100 seeds. An island
/// with no team of its own: switching its CSIRT or its point of contact on stands one up.
#[test]
fn switching_on_an_islands_csirt_always_runs_and_antigua_detects_earlier() {
    const FLAGSHIP: &str = "scenarios/eastern-caribbean.ron";
    let flagship = plan(FLAGSHIP, &[]);
    let teams = &flagship.scenario.teams;
    // Whether the island has a team (of that kind, if given).
    let has = |island: &str, kind: Option<TeamKind>| {
        teams
            .iter()
            .any(|t| t.island.as_deref() == Some(island) && kind.is_none_or(|k| t.kind == k))
    };
    let planned = flagship
        .scenario
        .islands
        .iter()
        .find(|i| !i.csirt && has(&i.id, Some(TeamKind::NationalCsirt)))
        .expect("the flagship plans a national CSIRT not yet standing")
        .id
        .clone();
    let bare = flagship
        .scenario
        .islands
        .iter()
        .find(|i| !has(&i.id, None))
        .expect("an island of the flagship has no team of its own")
        .id
        .clone();
    let first_detection = |set: &[&str]| -> (f64, usize) {
        let plan = plan(FLAGSHIP, set);
        let end = plan.scenario.duration.0;
        let k = island(&plan, &planned).ix();
        let found: Vec<Option<u64>> = (0..100)
            .map(|seed| run(&plan, seed, end).1.islands[k].first_detection_minute)
            .collect();
        let minutes: Vec<f64> = found.iter().map(|f| f.unwrap_or(end) as f64).collect();
        (mean(&minutes), found.iter().filter(|f| f.is_some()).count())
    };
    let (without, seen_without) = first_detection(&[]);
    let (with, seen_with) = first_detection(&[&format!("islands.{planned}.csirt=true")]);
    eprintln!(
        "{planned} first detection over 100 seeds (never = end of run): without a CSIRT \
         {without:.0} min ({seen_without} runs detected), with one {with:.0} min ({seen_with} \
         runs detected)"
    );
    assert!(
        with < without * 0.8,
        "with {with:.0} min, without {without:.0} min"
    );
    for set in [
        format!("islands.{bare}.csirt=true"),
        format!("islands.{bare}.npc=true"),
    ] {
        let plan = plan(FLAGSHIP, &[&set]);
        let stood_up = plan
            .scenario
            .teams
            .iter()
            .filter(|t| t.island.as_deref() == Some(bare.as_str()))
            .count();
        assert_eq!(stood_up, 1, "{set}: one team for {bare}");
        let out = tidewatch(&["run", "eastern-caribbean", "--set", &set, "--until", "6h"]);
        assert!(out.status.success(), "{set}: {}", stderr(&out));
    }
}
