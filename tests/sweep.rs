//! Batches and sweeps: the output does not move when the engine gets faster (a golden file
//! written before), a sweep's variants are the batches `--set` gives one by one, and shards
//! merged are byte for byte what one unsharded run prints.

mod common;
use common::*;

fn golden(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/data/batch-golden/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The flagship's 8-seed batch as committed before the digest was made lazy and the desks
/// reworked: table, JSON and CSV, bit for bit.
#[test]
fn a_batch_prints_what_it_printed_before_the_engine_changed() {
    let dir = scratch("sweep-golden");
    let csv = dir.join("runs.csv");
    let base = ["batch", "eastern-caribbean", "--runs", "8", "--seed", "1"];
    let text = tidewatch(&[&base[..], &["--csv", csv.to_str().unwrap()]].concat());
    assert!(text.status.success(), "{}", stderr(&text));
    assert_eq!(stdout(&text), golden("eastern-caribbean-8.txt"));
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        golden("eastern-caribbean-8.csv")
    );
    let json = tidewatch(&[&base[..], &["--json"]].concat());
    assert_eq!(stdout(&json), golden("eastern-caribbean-8.json"));
}

/// A sweep split three ways and merged prints exactly what the whole sweep prints (table, JSON
/// and CSV); its variants are the batches `--set` gives one at a time; merge refuses a missing,
/// repeated or foreign shard.
#[test]
fn sharded_sweeps_merge_into_the_unsharded_output() {
    let dir = scratch("sweep-shards");
    let path = |p: &str| dir.join(p).to_str().unwrap().to_string();
    let sweep = [
        "batch",
        "tutorial",
        "--runs",
        "4",
        "--seed",
        "3",
        "--until",
        "1d",
        "--vary",
        "intel.sharing=true,false",
        "--vary",
        "assistance.enabled=true,false",
    ];
    let whole = tidewatch(&[&sweep[..], &["--csv", &path("whole.csv")]].concat());
    assert!(whole.status.success(), "{}", stderr(&whole));
    let whole_json = tidewatch(&[&sweep[..], &["--json"]].concat());
    assert!(whole_json.status.success(), "{}", stderr(&whole_json));
    let text = stdout(&whole);
    assert_eq!(text.matches("variant ").count(), 4, "{text}");
    assert!(
        text.contains("variant intel.sharing=false assistance.enabled=true"),
        "{text}"
    );
    let csv = std::fs::read_to_string(path("whole.csv")).unwrap();
    assert!(
        csv.starts_with("intel.sharing,assistance.enabled,seed,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 4 * 4);

    // Shard 0 named, shard 1 a Slurm array's task (`--array=1-3`), shard 2 a Kubernetes
    // Indexed Job's: `auto/3` reads the index the scheduler gives.
    let scheduled: [(&str, &[(&str, &str)]); 3] = [
        ("0/3", &[]),
        (
            "auto/3",
            &[("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_MIN", "1")],
        ),
        ("auto/3", &[("JOB_COMPLETION_INDEX", "2")]),
    ];
    for (i, (shard, vars)) in scheduled.into_iter().enumerate() {
        let rows = path(&format!("rows-{i}.jsonl"));
        let args = [&sweep[..], &["--shard", shard, "--rows", &rows]].concat();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tidewatch"))
            .args(&args)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("SLURM_ARRAY_TASK_MIN")
            .env_remove("JOB_COMPLETION_INDEX")
            .envs(vars.iter().copied())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).contains(&format!("shard {i}/3")),
            "{}",
            stdout(&out)
        );
    }
    let rows: Vec<String> = (0..3).map(|i| path(&format!("rows-{i}.jsonl"))).collect();
    // Any order of the files.
    let merged = tidewatch(&[
        "merge",
        &rows[2],
        &rows[0],
        &rows[1],
        "--csv",
        &path("merged.csv"),
    ]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert_eq!(stdout(&merged), text);
    assert_eq!(std::fs::read_to_string(path("merged.csv")).unwrap(), csv);
    let merged_json = tidewatch(&["merge", &rows[0], &rows[1], &rows[2], "--json"]);
    assert_eq!(stdout(&merged_json), stdout(&whole_json));

    // One variant of the grid is the batch with those values set.
    let one = tidewatch(&[
        "batch",
        "tutorial",
        "--runs",
        "4",
        "--seed",
        "3",
        "--until",
        "1d",
        "--set",
        "intel.sharing=false",
        "--set",
        "assistance.enabled=true",
    ]);
    let third = text
        .split("variant ")
        .nth(3)
        .expect("a third variant")
        .split_once('\n')
        .unwrap()
        .1
        .trim_end()
        .to_string();
    assert_eq!(stdout(&one).trim_end(), third);

    // Refused: a shard missing, a shard twice, a shard of another sweep.
    let missing = tidewatch(&["merge", &rows[0], &rows[1]]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("shards missing: 2/3"),
        "{}",
        stderr(&missing)
    );
    let twice = tidewatch(&["merge", &rows[0], &rows[1], &rows[1], &rows[2]]);
    assert!(stderr(&twice).contains("is also in"), "{}", stderr(&twice));
    let other = tidewatch(&[
        "batch",
        "tutorial",
        "--runs",
        "5",
        "--seed",
        "3",
        "--until",
        "1d",
        "--shard",
        "2/3",
        "--rows",
        &path("other.jsonl"),
    ]);
    assert!(other.status.success(), "{}", stderr(&other));
    let foreign = tidewatch(&["merge", &rows[0], &rows[1], &path("other.jsonl")]);
    assert_eq!(foreign.status.code(), Some(1));
    assert!(
        stderr(&foreign).contains("another sweep"),
        "{}",
        stderr(&foreign)
    );
    // Shards of one sweep run on two versions of the scenario file do not merge.
    let file = path("t.ron");
    let text = std::fs::read_to_string(format!(
        "{}/scenarios/tutorial.ron",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    std::fs::write(&file, &text).unwrap();
    let shard = |i: &str, rows: &str| {
        tidewatch(&[
            "batch",
            &file,
            "--runs",
            "2",
            "--until",
            "6h",
            "--shard",
            i,
            "--rows",
            &path(rows),
        ])
    };
    assert!(shard("0/2", "v1.jsonl").status.success());
    std::fs::write(
        &file,
        text.replacen("description: \"", "description: \"Edited. ", 1),
    )
    .unwrap();
    assert!(shard("1/2", "v2.jsonl").status.success());
    let versions = tidewatch(&["merge", &path("v1.jsonl"), &path("v2.jsonl")]);
    assert_eq!(versions.status.code(), Some(1));
    assert!(
        stderr(&versions).contains("another version of the scenario"),
        "{}",
        stderr(&versions)
    );
    // A shard index out of range is refused before anything runs.
    let bad = tidewatch(&[
        "batch",
        "tutorial",
        "--runs",
        "2",
        "--shard",
        "3/3",
        "--rows",
        &path("x"),
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

/// `batch --commands` plays the file in every run as `run --commands` does: each seed's loss is
/// the single run's, the title names the file, and shards carry it so a merge checks it.
#[test]
fn a_batch_plays_a_command_file_in_every_run_as_a_single_run_does() {
    let dir = scratch("sweep-commands");
    let file = "tests/data/flagship-commands.ron";
    let csv = dir.join("runs.csv");
    let batch = tidewatch(&[
        "batch",
        "eastern-caribbean",
        "--runs",
        "3",
        "--seed",
        "5",
        "--commands",
        file,
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(batch.status.success(), "{}", stderr(&batch));
    assert!(
        stdout(&batch).contains(&format!("playing {file}")),
        "{}",
        stdout(&batch)
    );
    let rows = std::fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = rows.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "loss_usd").unwrap();
    for (k, line) in rows.lines().skip(1).enumerate() {
        let seed = (5 + k).to_string();
        let run = tidewatch(&[
            "run",
            "eastern-caribbean",
            "--seed",
            &seed,
            "--commands",
            file,
            "--json",
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
        let json: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
        let loss: f64 = (json["islands"].as_array().unwrap().iter())
            .map(|i| i["loss_usd"].as_f64().unwrap())
            .sum();
        let batch_loss: f64 = line.split(',').nth(col).unwrap().parse().unwrap();
        assert!(
            (loss - batch_loss).abs() < 0.01,
            "seed {seed}: {loss} against {batch_loss}"
        );
    }
    // Without the file the runs differ: the file's isolation of CaribLink shows.
    let plain = tidewatch(&["batch", "eastern-caribbean", "--runs", "3", "--seed", "5"]);
    assert_ne!(stdout(&plain), stdout(&batch));
}
