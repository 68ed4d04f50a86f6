//! `tidewatch evidence`: the records a team's sensors would have written during a recorded
//! exercise, as ECS NDJSON, for trainees to analyse with the tools they use at work.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::Arc;
use tidewatch::evidence::{self, Format, Scope, Wanted};
use tidewatch::exercise::journal::JournalFile;
use tidewatch::exercise::session;
use tidewatch::lab::feed::Feed;
use tidewatch::scenario::Plan;

use super::Failure;
use super::files::Files;

#[derive(clap::Args)]
pub struct EvidenceArgs {
    /// The exercise's journal (only read).
    journal: PathBuf,
    /// The team whose evidence it is: the records of the hosts its sensors cover (the
    /// organisations it monitors), from the start of the exercise to where the journal ends,
    /// and of every host of an organisation its investigation collected from (teams with
    /// `investigation: Collection`), up to the collection.
    #[arg(long, required_unless_present = "all", conflicts_with = "all")]
    team: Option<String>,
    /// The facilitator's ground truth: every sensor's records, the intruder's marked with the
    /// campaign and ATT&CK technique that made them (`threat.*`). Never hand it to a team.
    #[arg(long)]
    all: bool,
    /// The directory to write `evidence-TEAM.ndjson` (or `evidence-all.ndjson`) in (a new file;
    /// the directory is made if missing).
    #[arg(long)]
    out: PathBuf,
    /// `ecs`: Elastic Common Schema documents, one JSON object a line (`.ndjson`); `cef`: the
    /// same records as syslog lines carrying CEF, for collectors that take syslog (`.cef.log`).
    #[arg(long, default_value = "ecs", value_parser = ["ecs", "cef"])]
    format: String,
    /// Only this organisation's hosts (by id; give it again for more): the truth of one
    /// victim, or a team's records of one organisation. The file's name says which
    /// (`evidence-all-ag-gov.ndjson`).
    #[arg(long, value_name = "ORG")]
    org: Vec<String>,
}

pub fn run(args: EvidenceArgs) -> Result<ExitCode, Failure> {
    tidewatch::sim::init_task_pool(Some(1));
    let format = Format::named(&args.format).unwrap_or_default();
    let orgs: String = args.org.iter().map(|o| format!("-{o}")).collect();
    let name = format!(
        "evidence-{}{orgs}.{}",
        args.team.as_deref().unwrap_or("all"),
        format.extension()
    );
    let path = args.out.join(&name);
    Files::default()
        .reads("the journal", Some(&args.journal))
        .writes("--out", Some(&path))
        .check()?;
    let file = JournalFile::read(&args.journal)?;
    let replayed = session::replay(&file, None, false)?.session;
    let plan = replayed.plan.clone();
    let scope = match &args.team {
        Some(t) => Scope::Team(
            plan.ids
                .teams
                .resolve(t)
                .map_err(|e| Failure::Usage(format!("--team: {e}")))?,
        ),
        None => Scope::All,
    };
    let mut orgs = Vec::new();
    for o in &args.org {
        let org = (plan.ids.orgs.resolve(o)).map_err(|e| Failure::Usage(format!("--org: {e}")))?;
        if !orgs.contains(&org) {
            orgs.push(org);
        }
    }
    let until = replayed.sim.now();
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure::Refused(format!("{}: {e}", args.out.display())))?;
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| Failure::Refused(format!("{}: {e}", path.display())))?;
    let mut out = BufWriter::new(created);
    let written = evidence::write(
        &plan,
        replayed.seed,
        replayed.sim.events(),
        Wanted {
            until,
            scope,
            format,
            orgs,
        },
        &mut out,
    )
    .and_then(|w| out.flush().map(|_| w))
    .map_err(|e| Failure::Refused(format!("{}: {e}", path.display())))?;
    println!(
        "wrote {} records to {} ({} the intruder's; {} hosts seen, {} of them taken)",
        written.records,
        path.display(),
        written.intruder,
        written.hosts,
        written.hosts_taken
    );
    Ok(ExitCode::SUCCESS)
}

/// `--evidence-to` on a live host (`run --host`, `console --host`): the evidence fed to a lab
/// SIEM as the exercise runs.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct FeedArgs {
    /// With --host: feed a lab SIEM the evidence as the exercise runs, one record a line a
    /// couple of seconds behind the clock: a new file a collector tails (Filebeat, the Wazuh
    /// agent), or `tcp:HOST:PORT`, a SIEM's TCP input (Logstash `json_lines`, a syslog port
    /// for `cef`). A feed that fails stops with a line in the lab log; the exercise goes on.
    #[arg(long, value_name = "FILE|tcp:HOST:PORT", requires_all = ["host", "evidence_for"])]
    evidence_to: Option<String>,
    /// Whose evidence the feed carries: a team's id (its sensors' records, and its
    /// collections' when they arrive), or `all`: the facilitator's ground truth, the
    /// intruder's records marked (never a trainee's SIEM).
    #[arg(long, value_name = "TEAM|all", requires = "evidence_to")]
    evidence_for: Option<String>,
    /// `ecs` (NDJSON, the default) or `cef` (syslog lines carrying CEF).
    #[arg(long, value_name = "ecs|cef", value_parser = ["ecs", "cef"], requires = "evidence_to")]
    evidence_format: Option<String>,
}

impl FeedArgs {
    /// The feed asked for, opened (a file made, a SIEM connected), or `None`.
    pub fn open(&self, plan: &Arc<Plan>, seed: u64) -> Result<Option<Feed>, Failure> {
        let Some(target) = &self.evidence_to else {
            return Ok(None);
        };
        let team = match self.evidence_for.as_deref() {
            None | Some("all") => None,
            Some(t) => Some(
                (plan.ids.teams.resolve(t))
                    .map_err(|e| Failure::Usage(format!("--evidence-for: {e} (or `all`)")))?,
            ),
        };
        let format = (self.evidence_format.as_deref())
            .and_then(Format::named)
            .unwrap_or_default();
        Ok(Some(
            Feed::open(target, (plan, seed), team, format).map_err(Failure::Refused)?,
        ))
    }
}
