//! An exercise session: the simulation plus the commands that drive it and the journal that
//! records them. Headless runs, replays, forks and resumes all go through it, so a journal
//! written by one is read back by the others the same way.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::Arc;

use super::journal::{Entry, Header, JOURNAL_FORMAT, JournalFile, JournalWriter, text_hash};
use super::{Command, CommandQueue};
use crate::scenario::{self, Diagnostic, LoadError, Plan, Source};
use crate::sim::Simulation;

/// Digests go into the journal this often (and after every tick a command took effect).
pub const DIGEST_EVERY: u64 = 10;

pub struct Session {
    pub sim: Simulation,
    pub plan: Arc<Plan>,
    pub seed: u64,
    journal: Option<JournalWriter>,
    digest_every: u64,
    /// Commands not yet applied, in tick order.
    pending: VecDeque<(u64, Command)>,
    last_digest_written: Option<u64>,
}

impl Session {
    pub fn new(plan: Arc<Plan>, seed: u64) -> Self {
        Session {
            sim: Simulation::new(plan.clone(), seed),
            plan,
            seed,
            journal: None,
            digest_every: DIGEST_EVERY,
            pending: VecDeque::new(),
            last_digest_written: None,
        }
    }

    /// Starts recording to a new journal file.
    pub fn record(&mut self, path: &Path, source: &Source, set: &[String]) -> Result<(), String> {
        let header = Header {
            format: JOURNAL_FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            scenario: source.name.clone(),
            scenario_hash: text_hash(&source.text),
            scenario_text: source.text.clone(),
            set: set.to_vec(),
            seed: self.seed,
            digest_every: self.digest_every,
        };
        self.journal = Some(JournalWriter::create(path, header)?);
        Ok(())
    }

    /// Commands to apply when the clock reaches their ticks (late ones apply at the next tick).
    pub fn add_commands(&mut self, commands: impl IntoIterator<Item = (u64, Command)>) {
        let mut all: Vec<_> = self.pending.drain(..).chain(commands).collect();
        all.sort_by_key(|(t, _)| *t);
        self.pending = all.into();
    }

    /// A command given now (from the console): it takes effect at the next tick boundary.
    pub fn submit(&mut self, command: Command) -> Result<(), String> {
        command.resolve(&self.plan)?;
        let now = self.sim.now();
        self.add_commands([(now, command)]);
        Ok(())
    }

    pub fn now(&self) -> u64 {
        self.sim.now()
    }

    /// Simulates one tick: due commands are journaled and applied, then the digest is recorded
    /// if it is time.
    pub fn step(&mut self) -> Result<(), String> {
        let now = self.sim.now();
        let mut commanded = false;
        while self.pending.front().is_some_and(|(t, _)| *t <= now) {
            let (_, command) = self.pending.pop_front().expect("checked above");
            if let Some(journal) = &mut self.journal {
                journal.append(&Entry::Command {
                    tick: now,
                    command: command.clone(),
                })?;
            }
            if let Some(action) = command.resolve(&self.plan)? {
                self.sim
                    .world_mut()
                    .resource_mut::<CommandQueue>()
                    .schedule(now, action);
            }
            commanded = true;
        }
        self.sim.step();
        if commanded || (now + 1) % self.digest_every == 0 {
            self.write_digest()?;
        }
        Ok(())
    }

    pub fn run_until(&mut self, ticks: u64) -> Result<(), String> {
        while self.sim.now() < ticks {
            self.step()?;
        }
        Ok(())
    }

    fn write_digest(&mut self) -> Result<(), String> {
        let digest = self.sim.digest();
        if let Some(journal) = &mut self.journal
            && self.last_digest_written != Some(digest.tick)
            && self.sim.now() > 0
        {
            journal.append(&Entry::digest(&digest))?;
            self.last_digest_written = Some(digest.tick);
        }
        Ok(())
    }

    /// Records the final digest, so a replay checks the very end too.
    pub fn finish(&mut self) -> Result<(), String> {
        self.write_digest()
    }
}

/// Where a replay first disagreed with its journal.
#[derive(Clone, Debug, PartialEq)]
pub struct Divergence {
    pub tick: u64,
    pub recorded: String,
    pub replayed: String,
    /// The parts of the state whose hashes differ (hosts, intrusions, teams, ...).
    pub parts: Vec<String>,
}

pub struct Replay {
    pub session: Session,
    pub source: Source,
    pub checked: usize,
    pub divergence: Option<Divergence>,
}

fn at_line(file: &JournalFile, line: usize, message: String) -> LoadError {
    LoadError(vec![Diagnostic {
        file: file.path.clone(),
        line,
        col: 1,
        message,
        help: None,
    }])
}

/// Re-runs a journal to `until` (default: its last recorded tick), checking every digest on the
/// way when `verify` is set; stops at the first divergence.
pub fn replay(file: &JournalFile, until: Option<u64>, verify: bool) -> Result<Replay, LoadError> {
    let h = &file.header;
    let source = Source {
        name: h.scenario.clone(),
        text: h.scenario_text.clone(),
        dir: None,
    };
    let plan = Arc::new(scenario::load_source(&source, &h.set)?);
    let mut session = Session::new(plan.clone(), h.seed);
    let mut expected: BTreeMap<u64, (String, BTreeMap<String, String>)> = BTreeMap::new();
    let mut commands = Vec::new();
    for (line, entry) in &file.entries {
        match entry {
            Entry::Command { tick, command } => {
                command.resolve(&plan).map_err(|e| {
                    at_line(
                        file,
                        *line,
                        format!(
                            "command at tick {tick} ({}): {e}",
                            plan.scenario.start.at(*tick).clock()
                        ),
                    )
                })?;
                commands.push((*tick, command.clone()));
            }
            Entry::Digest {
                tick,
                digest,
                parts,
            } => {
                expected.insert(*tick, (digest.clone(), parts.clone()));
            }
            Entry::Header(_) => {}
        }
    }
    let end = until.unwrap_or_else(|| file.last_tick().map_or(0, |t| t + 1));
    session.add_commands(commands.into_iter().filter(|(t, _)| *t < end));
    let (mut checked, mut divergence) = (0, None);
    while session.now() < end {
        session.step().map_err(|e| at_line(file, 1, e))?;
        if !verify {
            continue;
        }
        let d = session.sim.digest();
        if let Some((recorded, parts)) = expected.get(&d.tick) {
            checked += 1;
            if *recorded != d.hex() {
                let differing = d
                    .parts
                    .iter()
                    .filter(|(name, h)| parts.get(*name).is_none_or(|r| *r != format!("{h:016x}")))
                    .map(|(name, _)| name.to_string())
                    .collect();
                divergence = Some(Divergence {
                    tick: d.tick,
                    recorded: recorded.clone(),
                    replayed: d.hex(),
                    parts: differing,
                });
                break;
            }
        }
    }
    Ok(Replay {
        session,
        source,
        checked,
        divergence,
    })
}

/// Writes a new journal holding `file`'s record up to (not including) `until`, to start a new
/// exercise from that point with `--resume`.
pub fn fork(file: &JournalFile, until: u64, to: &Path) -> Result<(), String> {
    let mut w = JournalWriter::create(to, file.header.clone())?;
    for (_, e) in &file.entries {
        if e.tick().is_some_and(|t| t < until) {
            w.append(e)?;
        }
    }
    Ok(())
}

/// Continues a journal: replays and verifies what it holds, repairs a torn last line, then
/// keeps recording into it. Also returns the last tick the journal had reached.
pub fn resume(path: &Path) -> Result<(Session, Option<u64>), LoadError> {
    let file = JournalFile::read(path)?;
    let r = replay(&file, None, true)?;
    if let Some(d) = r.divergence {
        return Err(at_line(
            &file,
            1,
            format!(
                "the journal does not replay: it diverges at tick {} ({}); parts: {}",
                d.tick,
                r.session.plan.scenario.start.at(d.tick).clock(),
                d.parts.join(", ")
            ),
        ));
    }
    let reached = file.last_tick();
    let mut session = r.session;
    session.journal =
        Some(JournalWriter::reopen(path, file.valid_len).map_err(|e| at_line(&file, 1, e))?);
    session.last_digest_written = file.entries.iter().rev().find_map(|(_, e)| match e {
        Entry::Digest { tick, .. } => Some(*tick),
        _ => None,
    });
    Ok((session, reached))
}
