//! Running an exercise from outside: scripted commands, the journal, replay and its
//! verification, resuming after a crash, forking.

mod common;
use common::*;

const COMMANDS: &str = "tests/data/flagship-commands.ron";

fn digest_of(out: &std::process::Output) -> String {
    json(out)["digest"].as_str().unwrap().to_string()
}

fn record(journal: &std::path::Path, until: &str) -> String {
    let out = tidewatch(&[
        "run",
        "eastern-caribbean",
        "--commands",
        COMMANDS,
        "--journal",
        journal.to_str().unwrap(),
        "--until",
        until,
        "--json",
    ]);
    digest_of(&out)
}

#[test]
fn a_recorded_exercise_replays_digest_for_digest_and_a_flipped_byte_is_caught() {
    let dir = scratch("exercise-verify");
    let journal = dir.join("exercise.jsonl");
    let recorded = record(&journal, "72h");
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("\"entry\":\"header\"")
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("\"entry\":\"command\""))
            .count(),
        8
    );

    let out = tidewatch(&["replay", journal.to_str().unwrap(), "--verify", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(digest_of(&out), recorded);
    assert!(stderr(&out).contains("verified 4"), "{}", stderr(&out));

    // One byte of one recorded command: the power cut lasts 9 hours instead of 8.
    let line = text
        .lines()
        .position(|l| l.contains("\"PowerOutage\""))
        .unwrap();
    let flipped: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                l.replacen("\"8h\"", "\"9h\"", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_eq!(flipped.join("\n").len(), text.trim_end().len());
    let bad = dir.join("flipped.jsonl");
    std::fs::write(&bad, flipped.join("\n") + "\n").unwrap();
    let out = tidewatch(&["replay", bad.to_str().unwrap(), "--verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // The chain names the line at once.
    assert!(
        err.contains(&format!("{}:{}:", bad.display(), line + 1)) && err.contains("chain"),
        "{err}"
    );
    // With the chain recomputed (an unsealed journal's forger can), the replay still catches
    // the change where it alters the exercise.
    let mut flipped = flipped;
    rechain(&mut flipped, line + 1);
    std::fs::write(&bad, flipped.join("\n") + "\n").unwrap();
    let out = tidewatch(&["replay", bad.to_str().unwrap(), "--verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // The outage was commanded for D1 12:00 (tick 240) and the digest after that tick differs.
    assert!(err.contains("diverges at tick 240 (D1 12:00)"), "{err}");
    assert!(err.contains("network"), "{err}");
}

#[test]
fn an_interrupted_exercise_resumes_to_the_same_end() {
    let dir = scratch("exercise-resume");
    let whole = record(&dir.join("whole.jsonl"), "72h");
    // Stop at 30h, then tear the last entry as a crash mid-write would, at several places.
    for cut in [1usize, 17, 60] {
        let journal = dir.join(format!("cut-{cut}.jsonl"));
        record(&journal, "30h");
        let bytes = std::fs::read(&journal).unwrap();
        std::fs::write(&journal, &bytes[..bytes.len() - cut]).unwrap();
        let out = tidewatch(&[
            "run",
            "--resume",
            journal.to_str().unwrap(),
            "--commands",
            COMMANDS,
            "--until",
            "72h",
            "--json",
        ]);
        assert_eq!(digest_of(&out), whole, "resumed after cutting {cut} bytes");
        // The continued journal is whole again and replays to the same end.
        let out = tidewatch(&["replay", journal.to_str().unwrap(), "--verify", "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(digest_of(&out), whole);
    }
}

#[test]
fn a_fork_starts_a_new_exercise_from_a_moment_of_an_old_one() {
    let dir = scratch("exercise-fork");
    let journal = dir.join("exercise.jsonl");
    let whole = record(&journal, "72h");
    let fork = dir.join("fork.jsonl");
    let out = tidewatch(&[
        "replay",
        journal.to_str().unwrap(),
        "--until",
        "1d",
        "--fork",
        fork.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The same commands from then on lead to the same end; different ones to another.
    let same = tidewatch(&[
        "run",
        "--resume",
        fork.to_str().unwrap(),
        "--commands",
        COMMANDS,
        "--until",
        "72h",
        "--json",
    ]);
    assert_eq!(digest_of(&same), whole);
    let fork2 = dir.join("fork2.jsonl");
    tidewatch(&[
        "replay",
        journal.to_str().unwrap(),
        "--until",
        "1d",
        "--fork",
        fork2.to_str().unwrap(),
    ]);
    let other = tidewatch(&[
        "run",
        "--resume",
        fork2.to_str().unwrap(),
        "--until",
        "72h",
        "--json",
    ]);
    assert_ne!(digest_of(&other), whole);
}

#[test]
fn a_journal_is_never_overwritten_and_damage_is_named() {
    let dir = scratch("exercise-safety");
    let journal = dir.join("exercise.jsonl");
    record(&journal, "6h");
    let before = std::fs::read(&journal).unwrap();
    let out = tidewatch(&[
        "run",
        "eastern-caribbean",
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--resume") && stderr(&out).contains("--force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&journal).unwrap(),
        before,
        "the existing journal was touched"
    );

    // Damage in the middle (not a torn tail) is refused with the line.
    let text = String::from_utf8(before).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[3] = "{\"entry\":\"digest\",\"tick\":";
    let bad = dir.join("damaged.jsonl");
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
    let out = tidewatch(&["replay", bad.to_str().unwrap(), "--verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{}:4:", bad.display())),
        "{}",
        stderr(&out)
    );
    // An edited scenario inside the journal is caught by its hash.
    let edited = text.replacen("Saint Lucia", "Saint Lucie", 1);
    let bad = dir.join("edited.jsonl");
    std::fs::write(&bad, edited).unwrap();
    let out = tidewatch(&["replay", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("edited"), "{}", stderr(&out));
}

#[test]
fn bad_command_files_are_reported_with_their_position() {
    let dir = scratch("exercise-commands");
    let path = dir.join("cmds.ron");
    // A team the scenario has, so the mistake on line 3 is the organisation.
    const SCENARIO: &str = "tests/data/tabletop.ron";
    let team = plan(SCENARIO, &[]).scenario.teams[0].id.clone();
    std::fs::write(
        &path,
        format!(
            "[\n  Timed(at: \"D1 10:00\", do: Note(\"ok\")),\n  Timed(at: \"D1 11:00\", do: \
             IsolateOrganisation(team: \"{team}\", org: \"nowhere\")),\n]\n"
        ),
    )
    .unwrap();
    let out = tidewatch(&["run", SCENARIO, "--commands", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:3:", path.display()))
            && err.contains("unknown organisation `nowhere`"),
        "{err}"
    );
    std::fs::write(&path, "[ Timed(at: \"D1 10:00\", do: Explode) ]").unwrap();
    let out = tidewatch(&[
        "run",
        "eastern-caribbean",
        "--commands",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{}:1:", path.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn white_cell_and_team_commands_change_the_simulation() {
    use tidewatch::exercise::session::Session;
    use tidewatch::scenario::Command;
    use tidewatch::sim::events::SimEvent;
    let plan = plan("tests/data/tabletop.ron", &[]);
    let ddos = plan.ids.campaigns.get("telecom-ddos").unwrap();
    let mut s = Session::new(plan.clone(), 42);
    s.add_commands([
        (60, Command::CancelCampaign("telecom-ddos".into())),
        (90, Command::StartCampaign("telecom-ddos".into())),
    ]);
    s.run_until(72 * 60).unwrap();
    let ev = s.sim.events();
    assert!(
        ev.iter().any(
            |e| matches!(e.event, SimEvent::CampaignCancelled { campaign } if campaign == ddos)
        )
    );
    assert!(
        !ev.iter()
            .any(|e| matches!(e.event, SimEvent::CampaignStarted { campaign } if campaign == ddos))
    );

    let mut s = Session::new(plan.clone(), 42);
    s.add_commands([(90, Command::StartCampaign("telecom-ddos".into()))]);
    s.run_until(3 * 60).unwrap();
    let started =
        s.sim.events().iter().find(
            |e| matches!(e.event, SimEvent::CampaignStarted { campaign } if campaign == ddos),
        );
    assert_eq!(
        started.map(|e| e.tick),
        Some(90),
        "the white cell started the flood ahead of D2 12:00"
    );
}

#[test]
fn trainee_teams_respond_only_when_they_order_it() {
    use tidewatch::exercise::session::Session;
    use tidewatch::scenario::Command;
    use tidewatch::sim::events::SimEvent;
    let plan = plan(
        "tests/data/herd.ron",
        &["teams.a-csirt.auto=false", "intel.sharing=false"],
    );
    let a_gov = plan.ids.orgs.get("a-gov").unwrap();
    let order = |team: &str, org: &str| (team.to_string(), org.to_string());
    let run_with = |commands: Vec<(u64, Command)>| {
        let mut s = Session::new(plan.clone(), 4);
        s.add_commands(commands);
        s.run_until(2 * 24 * 60).unwrap();
        s
    };
    let isolated = |s: &Session| {
        s.sim
            .events()
            .iter()
            .filter(|e| matches!(e.event, SimEvent::HostIsolated { org, .. } if org == a_gov))
            .count()
    };
    // Left alone, the trainees' team triages and opens incidents but never acts on them.
    let idle = run_with(vec![]);
    assert!(
        idle.sim
            .events()
            .iter()
            .any(|e| matches!(e.event, SimEvent::IncidentOpened { org, .. } if org == a_gov))
    );
    assert_eq!(isolated(&idle), 0);
    // None of the trainees' incidents is scoped (other islands' teams play on by policy).
    let a_csirt = plan.ids.teams.get("a-csirt").unwrap();
    let theirs: Vec<u32> = idle
        .sim
        .events()
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::IncidentOpened { incident, team, .. } if team == a_csirt => Some(incident),
            _ => None,
        })
        .collect();
    assert!(!idle.sim.events().iter().any(
        |e| matches!(e.event, SimEvent::IncidentScoped { incident, .. } if theirs.contains(&incident))
    ));

    let (t, o) = order("a-csirt", "a-gov");
    let acted = run_with(vec![
        (
            6 * 60,
            Command::Investigate {
                team: t.clone(),
                org: o.clone(),
            },
        ),
        (
            8 * 60,
            Command::IsolateHosts {
                team: t.clone(),
                org: o.clone(),
            },
        ),
        (
            12 * 60,
            Command::Eradicate {
                team: t.clone(),
                org: o.clone(),
            },
        ),
        (
            12 * 60,
            Command::Patch {
                team: t.clone(),
                org: o.clone(),
            },
        ),
        (
            24 * 60,
            Command::Block {
                team: "d-csirt".into(),
                campaign: "wave-d".into(),
            },
        ),
    ]);
    let ev = acted.sim.events();
    assert!(
        ev.iter()
            .any(|e| matches!(e.event, SimEvent::IncidentScoped { .. })),
        "the investigation scoped the incident"
    );
    assert!(isolated(&acted) > 0, "the isolation order was carried out");
    assert!(
        ev.iter()
            .any(|e| matches!(e.event, SimEvent::HostCleaned { org, .. } if org == a_gov))
    );
    assert!(
        ev.iter()
            .any(|e| matches!(e.event, SimEvent::OrganisationPatched { org, .. } if org == a_gov))
    );
    // D blocked the crew before its wave on day four: attempts there are stopped.
    let d_gov = plan.ids.orgs.get("d-gov").unwrap();
    assert!(
        ev.iter()
            .any(|e| matches!(e.event, SimEvent::ActorBlocked { .. }))
    );
    let mut s = Session::new(plan.clone(), 4);
    s.add_commands([(
        24 * 60,
        Command::Block {
            team: "d-csirt".into(),
            campaign: "wave-d".into(),
        },
    )]);
    s.run_until(5 * 24 * 60).unwrap();
    let blocked = s
        .sim
        .events()
        .iter()
        .filter(|e| matches!(e.event, SimEvent::AccessBlocked { org, .. } if org == d_gov))
        .count();
    assert!(blocked > 0, "the block stops some of wave D's attempts");
}

#[test]
fn the_white_cell_launches_pushes_and_halts_intrusions() {
    use tidewatch::exercise::session::Session;
    use tidewatch::scenario::Command;
    use tidewatch::sim::events::SimEvent;
    let plan = plan("tests/data/tabletop.ron", &[]);
    let phish = plan.ids.campaigns.get("ministry-phish").unwrap();
    let ransom = plan.ids.campaigns.get("msp-ransomware").unwrap();
    let telecom = plan.ids.orgs.get("a-telecom").unwrap();
    let msp = plan.ids.orgs.get("a-msp").unwrap();
    let cmd = |c: &str, o: &str| (c.to_string(), o.to_string());
    let (c1, o1) = cmd("ministry-phish", "a-telecom");
    let (c2, o2) = cmd("msp-ransomware", "a-msp");
    let mut s = Session::new(plan.clone(), 42);
    s.add_commands([
        (
            120,
            Command::Launch {
                campaign: c1,
                org: o1,
            },
        ),
        (
            800,
            Command::HaltIntrusion {
                campaign: c2,
                org: o2,
            },
        ),
    ]);
    s.run_until(3 * 24 * 60).unwrap();
    let ev = s.sim.events();
    // The mobile operator was never a phishing target; the launch makes it one at 10:00.
    let hit_tt = ev.iter().filter(|e| matches!(e.event, SimEvent::AccessFailed { campaign, org, .. } | SimEvent::HostCompromised { campaign, org, .. } if campaign == phish && org == telecom)).count();
    assert!(
        hit_tt > 0,
        "the launched campaign attempts entry at the mobile operator"
    );
    // Halted at the provider, the ransomware does nothing more there.
    let after = ev.iter().filter(|e| e.tick > 800 && matches!(e.event, SimEvent::StageCompleted { campaign, org, .. } | SimEvent::HostCompromised { campaign, org, .. } if campaign == ransom && org == msp)).count();
    assert_eq!(after, 0);

    // Forcing the provider's current step makes its next step complete sooner.
    let completions = |s: &Session| -> Vec<u64> {
        s.sim.events().iter().filter(|e| matches!(e.event, SimEvent::StageCompleted { campaign, org, .. } if campaign == ransom && org == msp)).map(|e| e.tick).collect()
    };
    let mut free = Session::new(plan.clone(), 42);
    free.run_until(24 * 60).unwrap();
    let natural = completions(&free);
    let mut pushed = Session::new(plan.clone(), 42);
    let at = natural[0] + 1;
    pushed.add_commands([(
        at,
        Command::ForceStep {
            campaign: "msp-ransomware".into(),
            org: "a-msp".into(),
            through: None,
        },
    )]);
    pushed.run_until(24 * 60).unwrap();
    let forced = completions(&pushed);
    assert_eq!(
        forced[1], at,
        "the step the white cell forced completed at once"
    );
    assert!(forced[1] < natural[1]);
}

#[test]
fn a_deleted_duplicated_or_retotalled_journal_line_is_named() {
    let dir = scratch("exercise-numbers");
    let journal = dir.join("exercise.jsonl");
    record(&journal, "6h");
    let text = std::fs::read_to_string(&journal).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1..].iter().all(|l| l.contains("\"seq\":")),
        "every entry after the header is numbered"
    );
    let check = |name: &str, edited: Vec<&str>, expect: &str, line: usize| {
        let path = dir.join(name);
        std::fs::write(&path, edited.join("\n") + "\n").unwrap();
        let out = tidewatch(&["replay", path.to_str().unwrap(), "--verify"]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{}:{line}:", path.display())) && err.contains(expect),
            "{name}: expected `{expect}` at line {line}:\n{err}"
        );
    };
    // A digest line deleted from the middle.
    let digest_at = lines
        .iter()
        .rposition(|l| l.contains("\"entry\":\"digest\""))
        .unwrap();
    let deleted: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != digest_at - 1)
        .map(|(_, l)| *l)
        .collect();
    check("deleted.jsonl", deleted, "a line was deleted", digest_at);
    // A line duplicated.
    let mut duplicated = lines.clone();
    duplicated.insert(3, lines[2]);
    check("duplicated.jsonl", duplicated, "a line was duplicated", 4);
    // A digest's total changed but not its parts: the chain names the line; with the chain
    // recomputed, the replay names the line itself as damaged.
    let mut retotalled: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let l = &retotalled[digest_at];
    let at = l.find("\"digest\":\"").unwrap() + 10;
    let flipped = if &l[at..at + 1] == "0" { "1" } else { "0" };
    retotalled[digest_at] = format!("{}{flipped}{}", &l[..at], &l[at + 1..]);
    check(
        "retotalled.jsonl",
        retotalled.iter().map(String::as_str).collect(),
        "the journal's chain breaks here",
        digest_at + 1,
    );
    rechain(&mut retotalled, digest_at + 1);
    let path = dir.join("rechained.jsonl");
    std::fs::write(&path, retotalled.join("\n") + "\n").unwrap();
    let out = tidewatch(&["replay", path.to_str().unwrap(), "--verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the digest line itself is damaged"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_format_1_journal_without_numbers_still_replays() {
    let dir = scratch("exercise-format1");
    // The flagship's first day with the rehearsed commands, as a format 4 tidewatch wrote it
    // (version 1 digests).
    let journal = "tests/data/journals/flagship-digest-1.jsonl";
    let out = tidewatch(&["replay", journal, "--json"]);
    let recorded = digest_of(&out);
    let text = std::fs::read_to_string(journal).unwrap();
    // As format 1 was written: no chain, no end marker, no numbers.
    let old: Vec<String> = text
        .lines()
        .filter(|l| !l.contains("\"entry\":\"end\""))
        .map(|l| {
            let l = format!("{}}}", &l[..l.find(",\"chain\":").unwrap()]);
            let l = l.replacen("\"format\":4,", "\"format\":1,", 1);
            match l.find(",\"seq\":") {
                Some(at) => {
                    let end = l[at + 7..].find(',').map_or(l.len(), |e| at + 7 + e);
                    format!("{}{}", &l[..at], &l[end..])
                }
                None => l,
            }
        })
        .collect();
    assert!(!old.join("\n").contains("\"seq\""));
    let path = dir.join("old.jsonl");
    std::fs::write(&path, old.join("\n") + "\n").unwrap();
    let out = tidewatch(&["replay", path.to_str().unwrap(), "--verify", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(digest_of(&out), recorded);
}

/// Every output flag of every command is refused (exit 2, before any work) when it names the
/// journal, the scenario, a command file, a sheet or another output of the same invocation,
/// however the path is spelled; the journal still verifies afterwards. A new `--journal` over
/// an existing file needs `--force`.
#[test]
fn no_output_writes_over_what_the_command_reads_or_another_output() {
    let dir = scratch("exercise-outputs");
    let d = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let tabletop = "tests/data/tabletop.ron";
    let commands = "tests/data/tabletop-commands.ron";
    let scenario = d("scenario.ron");
    std::fs::copy(tabletop, &scenario).unwrap();
    let sheet = d("msel.csv");
    assert!(
        tidewatch(&["msel", "export", &scenario, "--out", &sheet])
            .status
            .success()
    );
    let journal = d("ex.jsonl");
    let out = tidewatch(&["run", &scenario, "--journal", &journal, "--until", "4h"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dotted = format!("{}/./ex.jsonl", dir.display());
    let recorded = std::fs::read(&journal).unwrap();
    let inputs = [
        (scenario.as_str(), std::fs::read(&scenario).unwrap()),
        (sheet.as_str(), std::fs::read(&sheet).unwrap()),
        (journal.as_str(), recorded.clone()),
    ];
    let new = d("new.jsonl");
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "run", "--resume", &journal, "--events", &journal, "--until", "8h",
        ],
        vec![
            "run", "--resume", &journal, "--events", &dotted, "--until", "8h",
        ],
        vec!["run", "--resume", &journal, "--report", &dotted],
        vec!["run", &scenario, "--events", &scenario],
        vec![
            "run",
            &scenario,
            "--commands",
            commands,
            "--report",
            commands,
        ],
        vec!["run", &scenario, "--journal", &new, "--events", &new],
        vec!["run", &scenario, "--report", &new, "--events", &new],
        vec!["replay", &journal, "--until", "1h", "--fork", &dotted],
        vec!["report", &journal, "--out", &journal],
        vec!["stix", &journal, "--out", &dotted],
        vec!["batch", &scenario, "--runs", "1", "--csv", &scenario],
        vec![
            "batch", &scenario, "--runs", "1", "--csv", &new, "--rows", &new,
        ],
        vec!["msel", "export", &scenario, "--out", &scenario],
        vec!["msel", "import", &scenario, &sheet, "--out", &sheet],
    ];
    for args in &cases {
        let out = tidewatch(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("never writes over")
                || stderr(&out).contains("already the output"),
            "{args:?}: {}",
            stderr(&out)
        );
        for (path, bytes) in &inputs {
            assert!(
                &std::fs::read(path).unwrap() == bytes,
                "{args:?} touched {path}"
            );
        }
        assert!(!std::path::Path::new(&new).exists(), "{args:?} wrote {new}");
    }
    let out = tidewatch(&["replay", &journal, "--verify"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // An existing journal is replaced only when asked.
    let out = tidewatch(&["run", &scenario, "--journal", &journal, "--until", "1h"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read(&journal).unwrap(), recorded);
    let out = tidewatch(&[
        "run",
        &scenario,
        "--journal",
        &journal,
        "--until",
        "1h",
        "--force",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(std::fs::read(&journal).unwrap(), recorded);
    assert!(
        tidewatch(&["replay", &journal, "--verify"])
            .status
            .success()
    );
    std::fs::remove_dir_all(dir).ok();
}

/// Input files are read only if they are regular files under the size cap: a device, a
/// directory or a runaway file gets exit 1 and a message, not a machine out of memory.
#[test]
fn only_regular_files_of_a_sane_size_are_read() {
    let dir = scratch("exercise-bounded");
    let big = dir.join("big.ron");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(tidewatch::scenario::MAX_FILE_BYTES + 1)
        .unwrap();
    let dir_arg = dir.to_str().unwrap();
    let sheet_dir = dir.join("sheet.csv");
    std::fs::create_dir_all(&sheet_dir).unwrap();
    for (args, says) in [
        (vec!["validate", "/dev/zero"], "not a regular file"),
        (vec!["validate", dir_arg], "not a regular file"),
        (vec!["validate", big.to_str().unwrap()], "over 32 MB"),
        (
            vec!["run", "tests/data/tabletop.ron", "--commands", "/dev/zero"],
            "not a regular file",
        ),
        (
            vec![
                "msel",
                "import",
                "tests/data/tabletop.ron",
                sheet_dir.to_str().unwrap(),
                "--out",
                "x.ron",
            ],
            "not a regular file",
        ),
    ] {
        let out = tidewatch(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    std::fs::remove_dir_all(dir).ok();
}

/// Everyday accented text in comments, Unicode whitespace and huge clock times are answered
/// with positioned errors (exit 1) or run, never a panic (exit 101), in this (dev) profile.
#[test]
fn unicode_and_huge_times_are_answered_without_a_panic() {
    let out = tidewatch(&[
        "run",
        "tests/data/tabletop.ron",
        "--commands",
        "tests/data/fuzz/commands-unicode-comment.ron",
        "--until",
        "4h",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for args in [
        vec!["validate", "tests/data/fuzz/unicode-comment-with-error.ron"],
        vec!["lint", "tests/data/fuzz/unicode-comment-with-error.ron"],
        vec![
            "run",
            "tests/data/tabletop.ron",
            "--commands",
            "tests/data/fuzz/commands-unicode-whitespace-overflow.ron",
        ],
        vec![
            "lint",
            "tests/data/tabletop.ron",
            "--set",
            "campaigns.ministry-phish.start=D1 999999999999999999:00",
        ],
    ] {
        let out = tidewatch(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(".ron:") || stderr(&out).contains("--set"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// The order reaches the gate through the exercise's commands, once.
#[test]
fn a_restore_anyway_order_is_recorded_once_and_reaches_the_organisations_it() {
    use tidewatch::exercise::session::Session;
    use tidewatch::scenario::Command;
    use tidewatch::sim::events::SimEvent;
    use tidewatch::sim::network::RestoreGate;
    let plan = plan("scenarios/eastern-caribbean.ron", &[]);
    let mut s = Session::new(plan, 1);
    let order = || Command::RestoreAnyway {
        team: "kn-npc".into(),
        org: "kn-gov".into(),
    };
    s.add_commands([(10, order()), (20, order())]);
    s.run_until(30).unwrap();
    let said: Vec<u64> = (s.sim.events().iter())
        .filter(|e| matches!(e.event, SimEvent::RestoreAnywayOrdered { .. }))
        .map(|e| e.tick)
        .collect();
    assert_eq!(said, [10]);
    let gate = s.sim.world_mut().resource::<RestoreGate>().clone();
    let kn_gov = s.sim.plan().ids.orgs.get("kn-gov").unwrap();
    assert!(gate.anyway(kn_gov));
}
