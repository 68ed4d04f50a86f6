//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::process::{Command, Output};
use std::sync::Arc;

use tidewatch::report::{RunSummary, summarise};
use tidewatch::scenario::{self, Plan};
use tidewatch::sim::Simulation;

pub fn plan(path: &str, set: &[&str]) -> Arc<Plan> {
    let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
    Arc::new(
        scenario::load(&format!("{}/{path}", env!("CARGO_MANIFEST_DIR")), &set)
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

pub fn run(plan: &Arc<Plan>, seed: u64, ticks: u64) -> (Simulation, RunSummary) {
    let mut sim = tidewatch::exercise::simulation(plan.clone(), seed);
    sim.run_until(ticks);
    let digest = sim.digest().hex();
    let s = summarise(plan, seed, ticks, digest, sim.events());
    (sim, s)
}

/// A fresh, empty directory for one test's files (`name` unique within its test file; the
/// process id keeps two runs apart).
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tidewatch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn tidewatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tidewatch"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the tidewatch binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "tidewatch failed: {}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

pub fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// The events a run wrote with `--events`, one JSON object per line.
pub fn events_in(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Recomputes every line's chain from line `from` (1-based) on, as someone without the key
/// would after an edit: the seals stay as they were. Lines without a chain are left alone.
pub fn rechain(lines: &mut [String], from: usize) {
    use sha2::Digest;
    let mut prev = [0u8; 32];
    for (i, line) in lines.iter_mut().enumerate() {
        let Some(at) = line.rfind(",\"chain\":\"") else {
            continue;
        };
        let Some(tail) = line.get(at + 10 + 64..) else {
            continue;
        };
        if i + 1 >= from {
            let body = format!("{}}}", &line[..at]);
            let chain: [u8; 32] = sha2::Sha256::new()
                .chain_update(prev)
                .chain_update(body.as_bytes())
                .finalize()
                .into();
            let hex: String = chain.iter().map(|b| format!("{b:02x}")).collect();
            *line = format!("{},\"chain\":\"{hex}{tail}", &line[..at]);
        }
        let hex = &line[at + 10..at + 10 + 64];
        for (j, p) in prev.iter_mut().enumerate() {
            *p = u8::from_str_radix(hex.get(2 * j..2 * j + 2).unwrap_or("00"), 16).unwrap_or(0);
        }
    }
}

/// Headless Chromium, where installed (`.ci/run` installs it; CI without it is a failure).
pub fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (see .ci/run)"
        );
        eprintln!("skipped: no chromium on this machine");
    }
    found
}

/// A PNG of `page` as headless Chromium renders it, and what it said on stderr.
pub fn screenshot(browser: &str, page: &std::path::Path, png: &std::path::Path) -> String {
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--window-size=1200,3000",
        ])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(png.exists(), "no screenshot: {}", stderr(&out));
    stderr(&out)
}
