//! The author's commands: `validate`, `lint`, `new` (a starting scenario) and `handouts` (the
//! room's documents from a scenario).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tidewatch::scenario::{self, Plan};

use super::Failure;
use super::files::Files;

#[derive(clap::Args)]
pub struct ValidateArgs {
    #[arg(required = true)]
    scenarios: Vec<String>,
    /// Treat warnings (`lint`'s) as errors: exit 1 if there is any.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(clap::Args)]
pub struct LintArgs {
    #[arg(required = true)]
    scenarios: Vec<String>,
    #[arg(long)]
    deny_warnings: bool,
    /// Override a scenario value first, e.g. `--set islands.LC.csirt=false`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Also play N seeds and say, per inject, on how many it fired, was withdrawn or never
    /// came, and when; and whether the modules kept their order.
    #[arg(long, value_name = "N")]
    runs: Option<u64>,
    /// The first seed of `--runs` (default: the scenario's).
    #[arg(long, requires = "runs")]
    seed: Option<u64>,
}

#[derive(clap::Args)]
pub struct NewArgs {
    /// The scenario's name (and, without --out, its file name).
    name: String,
    /// Small island states by ISO code or name, the first setting the scenario's clock: any
    /// of the gazetteer's (the UN's small island developing states and the Caribbean and Pacific
    /// associate members, listed in docs/scenario-reference.md), e.g. `LC,BB` or
    /// `FJ,TO,WS,VU,SB,PG` (LC when no island is named).
    #[arg(long, value_delimiter = ',')]
    islands: Vec<String>,
    /// Any island the gazetteer does not know, described: `ID,Name,lat,lon,population,gdp_usd[,UTC+13][,csirt][,npc]`
    /// (repeat for several), e.g. `--island "TO,Tonga,-21.14,-175.2,105000,5e8,UTC+13,csirt"`.
    #[arg(
        long = "island",
        value_name = "ID,NAME,LAT,LON,POPULATION,GDP_USD[,UTC+H][,csirt][,npc]"
    )]
    island: Vec<String>,
    /// Where to write it (a new file; default: NAME as a file name, `.ron`).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct HandoutsArgs {
    /// Scenario file or shipped scenario name.
    scenario: String,
    /// The directory to write into (created if need be; the cards go in `cards/`).
    #[arg(long)]
    out: PathBuf,
    /// Override a scenario value first, e.g. `--set teams.ag-npc.auto=false`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

pub fn validate(args: ValidateArgs) -> Result<ExitCode, Failure> {
    check(&args.scenarios, &[], args.deny_warnings)?;
    Ok(ExitCode::SUCCESS)
}

pub fn lint(args: LintArgs) -> Result<ExitCode, Failure> {
    let Some(runs) = args.runs else {
        check(&args.scenarios, &args.set, args.deny_warnings)?;
        return Ok(ExitCode::SUCCESS);
    };
    super::batch::some_runs(runs)?;
    // Static faults first (every scenario), then the runs; warnings count together.
    let mut warnings = 0;
    if check(&args.scenarios, &args.set, false).is_err() {
        return Err(Failure::Said);
    }
    for p in &args.scenarios {
        let (plan, seed) = super::load(p, &args.set, args.seed)?;
        let found = script_over_seeds(&plan, seed, runs);
        println!(
            "{p}: the script over {runs} runs (seeds {seed}..{})\n{}",
            seed.wrapping_add(runs - 1),
            found.render()
        );
        for w in found.warnings() {
            eprintln!("warning: {p}: {w}");
            warnings += 1;
        }
    }
    if args.deny_warnings && warnings > 0 {
        return Err(Failure::Said);
    }
    Ok(ExitCode::SUCCESS)
}

/// The script of `runs` seeds from `seed`, each played to the scenario's end.
fn script_over_seeds(
    plan: &std::sync::Arc<Plan>,
    seed: u64,
    runs: u64,
) -> tidewatch::report::script_runs::ScriptRuns {
    use tidewatch::report::script_runs;
    tidewatch::sim::init_task_pool(Some(1));
    let ticks = plan.scenario.duration.0;
    let played = tidewatch::batch::over_seeds(
        plan,
        (seed, runs, ticks),
        super::batch::cores(),
        false,
        |plan, _, events| script_runs::of_run(plan, events),
    );
    script_runs::summarise(plan, &played, seed)
}

/// Errors exit 1; warnings are printed and exit 0 unless `deny_warnings`.
fn check(paths: &[String], set: &[String], deny_warnings: bool) -> Result<(), Failure> {
    let (mut errors, mut warnings) = (false, 0);
    for p in paths {
        let loaded = scenario::Source::resolve(p)
            .and_then(|src| Ok((scenario::load_source(&src, set)?, src)));
        match loaded {
            Ok((plan, source)) => {
                let found = scenario::lint(&plan, &source);
                for w in &found {
                    eprintln!("{}", w.as_warning());
                }
                warnings += found.len();
                println!(
                    "{p}: ok ({}){}",
                    sizes(&plan),
                    match found.len() {
                        0 => String::new(),
                        1 => ", 1 warning".into(),
                        n => format!(", {n} warnings"),
                    }
                );
            }
            Err(e) => {
                eprintln!("{e}");
                errors = true;
            }
        }
    }
    if errors || (deny_warnings && warnings > 0) {
        return Err(Failure::Said);
    }
    Ok(())
}

fn sizes(plan: &Plan) -> String {
    format!(
        "{} islands, {} organisations, {} hosts, {} campaigns, {} teams",
        plan.scenario.islands.len(),
        plan.orgs.len(),
        plan.host_count,
        plan.campaigns.len(),
        plan.teams.len(),
    )
}

/// `tidewatch new`: the starter written to a new file (never over an existing one).
pub fn new(args: NewArgs) -> Result<ExitCode, Failure> {
    let text = scenario::starter::starter(&args.name, &args.islands, &args.island)
        .map_err(|e| format!("tidewatch new: {e}"))?;
    let path = args.out.unwrap_or_else(|| default_file_name(&args.name));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| format!("{}: cannot write the scenario there: {e}", path.display()))?;
    println!(
        "wrote {0}: try `tidewatch validate {0}`, `tidewatch run {0}`, `tidewatch console {0}`",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `Saint Lucia drill` -> `saint-lucia-drill.ron`.
fn default_file_name(name: &str) -> PathBuf {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    PathBuf::from(format!(
        "{}.ron",
        if stem.is_empty() { "scenario" } else { stem }
    ))
}

/// `tidewatch handouts`: every handout written under `out`; says where, or why not (exit 1).
pub fn handouts(args: HandoutsArgs) -> Result<ExitCode, Failure> {
    let (plan, _) = super::load(&args.scenario, &args.set, None)?;
    let all = tidewatch::report::handouts::handouts(&plan);
    let paths: Vec<PathBuf> = all.iter().map(|h| args.out.join(&h.path)).collect();
    Files::default()
        .reads("the scenario", Some(Path::new(&args.scenario)))
        .writes_all("--out", &paths)
        .check()?;
    for (h, path) in all.iter().zip(&paths) {
        path.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(path, &h.text))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let cards = all.iter().filter(|h| h.path.starts_with("cards/")).count() / 2;
    println!(
        "wrote {} files to {}: situation-manual (for the players), facilitator-guide, and {cards} inject cards in cards/ (each as .md and .html)",
        all.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
