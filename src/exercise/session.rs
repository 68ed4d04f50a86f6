//! An exercise session: the simulation plus the commands that drive it and the journal that
//! records them. Headless runs, replays, forks and resumes all go through it, so a journal
//! written by one is read back by the others the same way.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::Arc;

use super::journal::{
    Entry, Header, JOURNAL_FORMAT, JournalFile, JournalWriter, SealKey, text_hash,
};
use bevy::prelude::*;

use super::CommandQueue;
use crate::scenario::{self, Diagnostic, LoadError, Plan, Source};
use crate::scenario::{Command, Issued};
use crate::sim::{Clock, Region, SimTick, Simulation, StateDigest};

/// Digests go into the journal this often (and after every tick a command took effect).
pub const DIGEST_EVERY: u64 = 10;

/// An order or note a lab seat gave that the host refused: journaled at the next tick as
/// [`Entry::Refused`], beside the commands, so the record shows what a team's seats tried.
#[derive(Clone, Debug, PartialEq)]
pub struct RefusedOrder {
    pub seat: String,
    pub what: String,
    pub why: String,
}

/// What drives a world from outside, kept in the world itself so the headless `Session` and
/// the console tick it the same way: commands waiting for their tick and the journal.
#[derive(Resource, Default)]
pub struct Recorder {
    journal: Option<JournalWriter>,
    /// Commands not yet applied, in tick order, with the seat each came from.
    pending: VecDeque<Issued>,
    /// Commands applied so far, at the tick each took effect: what an after-action report
    /// replays with another choice.
    applied: Vec<Issued>,
    /// Refusals waiting for the next tick's journal lines (only while recording).
    refused: Vec<RefusedOrder>,
    last_digest_written: Option<u64>,
}

impl Recorder {
    /// Commands to apply when the clock reaches their ticks (late ones apply at the next tick).
    pub fn add_commands(&mut self, commands: impl IntoIterator<Item = (u64, Command)>) {
        self.add_from(commands);
    }

    /// Commands with the seat each came from (`None`: not a seat), journaled with it.
    pub fn add_from(&mut self, commands: impl IntoIterator<Item = impl Into<Issued>>) {
        let mut all: Vec<Issued> = self
            .pending
            .drain(..)
            .chain(commands.into_iter().map(Into::into))
            .collect();
        all.sort_by_key(|c| c.tick);
        self.pending = all.into();
    }

    /// Refusals to journal at the next tick; without a journal there is nothing to keep them
    /// for. The lab host bounds how many a seat can cause.
    pub fn add_refused(&mut self, refusals: impl IntoIterator<Item = RefusedOrder>) {
        if self.journal.is_some() {
            self.refused.extend(refusals);
        }
    }

    pub fn is_recording(&self) -> bool {
        self.journal.is_some()
    }

    /// The journal being written, if any.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.as_ref().map(|j| j.path.as_path())
    }

    /// Commands applied so far, with the tick each took effect and its seat.
    pub fn applied(&self) -> &[Issued] {
        &self.applied
    }

    fn write_digest(&mut self, digest: &StateDigest, now: u64) -> Result<(), String> {
        if let Some(journal) = &mut self.journal
            && self.last_digest_written != Some(digest.tick)
            && now > 0
        {
            journal.append(&Entry::digest(digest))?;
            self.last_digest_written = Some(digest.tick);
        }
        Ok(())
    }
}

/// Starts a new journal for the world's exercise, sealed with `seal` if given.
pub fn record(
    world: &mut World,
    path: &Path,
    source: &Source,
    set: &[String],
    seed: u64,
    seal: Option<SealKey>,
) -> Result<(), String> {
    let header = Header {
        format: JOURNAL_FORMAT,
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: source.name.clone(),
        scenario_hash: text_hash(&source.text),
        scenario_text: source.text.clone(),
        set: set.to_vec(),
        seed,
        digest_every: DIGEST_EVERY,
        sealed: false,
    };
    world.resource_mut::<Recorder>().journal = Some(JournalWriter::create(path, header, seal)?);
    Ok(())
}

/// Simulates one tick of the world: due commands are journaled and queued, the tick runs, and
/// the digest is journaled when it is time.
pub fn tick(world: &mut World) -> Result<(), String> {
    let plan = world.resource::<Region>().0.clone();
    let now = world.resource::<Clock>().now;
    world.resource_scope(|world, mut rec: Mut<Recorder>| {
        let mut commanded = false;
        while rec.pending.front().is_some_and(|c| c.tick <= now) {
            let Issued { command, seat, .. } = rec.pending.pop_front().expect("checked above");
            rec.applied.push(Issued {
                tick: now,
                command: command.clone(),
                seat: seat.clone(),
            });
            if let Some(journal) = &mut rec.journal {
                journal.append(&Entry::Command {
                    seq: 0,
                    tick: now,
                    command: command.clone(),
                    seat,
                })?;
                // A command is what a replay cannot recompute: on the disk before it acts.
                journal.sync()?;
            }
            if let Some(action) = command.resolve(&plan)? {
                world.resource_mut::<CommandQueue>().schedule(now, action);
            }
            commanded = true;
        }
        let refused = std::mem::take(&mut rec.refused);
        if let Some(journal) = &mut rec.journal {
            for RefusedOrder { seat, what, why } in refused {
                journal.append(&Entry::Refused {
                    seq: 0,
                    tick: now,
                    seat,
                    what,
                    why,
                })?;
            }
        }
        world.run_schedule(SimTick);
        // Hashed only for a journal: a run that records nothing reads the digest at its end.
        if rec.journal.is_some() && (commanded || (now + 1).is_multiple_of(DIGEST_EVERY)) {
            let digest = crate::sim::digest::current(world);
            rec.write_digest(&digest, now + 1)?;
        }
        Ok(())
    })
}

/// Records the final digest, so a replay checks the very end too, and the end marker, so a
/// reader tells this clean stop from a record cut short; syncs the journal: a clean stop
/// leaves everything on the disk.
pub fn finish(world: &mut World) -> Result<(), String> {
    let digest = crate::sim::digest::current(world);
    let now = world.resource::<Clock>().now;
    let mut rec = world.resource_mut::<Recorder>();
    rec.write_digest(&digest, now)?;
    match &mut rec.journal {
        Some(journal) => {
            journal.end(now)?;
            journal.sync()
        }
        None => Ok(()),
    }
}

/// A headless exercise: the simulation and its recorder.
pub struct Session {
    pub sim: Simulation,
    pub plan: Arc<Plan>,
    pub seed: u64,
}

impl Session {
    pub fn new(plan: Arc<Plan>, seed: u64) -> Self {
        Session {
            sim: super::simulation(plan.clone(), seed),
            plan,
            seed,
        }
    }

    /// Starts recording to a new journal file, sealed with `seal` if given.
    pub fn record(
        &mut self,
        path: &Path,
        source: &Source,
        set: &[String],
        seal: Option<SealKey>,
    ) -> Result<(), String> {
        record(self.sim.world_mut(), path, source, set, self.seed, seal)
    }

    pub fn add_commands(&mut self, commands: impl IntoIterator<Item = (u64, Command)>) {
        self.recorder().add_commands(commands);
    }

    /// Commands with the seat each came from, journaled with it.
    pub fn add_from(&mut self, commands: impl IntoIterator<Item = impl Into<Issued>>) {
        self.recorder().add_from(commands);
    }

    /// Refusals of the lab host, journaled at the next tick.
    pub fn add_refused(&mut self, refusals: impl IntoIterator<Item = RefusedOrder>) {
        self.recorder().add_refused(refusals);
    }

    /// A command given now: it takes effect at the next tick boundary.
    pub fn submit(&mut self, command: Command) -> Result<(), String> {
        command.resolve(&self.plan)?;
        let now = self.sim.now();
        self.add_commands([(now, command)]);
        Ok(())
    }

    fn recorder(&mut self) -> Mut<'_, Recorder> {
        self.sim.world_mut().resource_mut::<Recorder>()
    }

    pub fn now(&self) -> u64 {
        self.sim.now()
    }

    pub fn step(&mut self) -> Result<(), String> {
        tick(self.sim.world_mut())
    }

    pub fn run_until(&mut self, ticks: u64) -> Result<(), String> {
        while self.sim.now() < ticks {
            self.step()?;
        }
        Ok(())
    }

    pub fn finish(&mut self) -> Result<(), String> {
        finish(self.sim.world_mut())
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
    let (plan, seed) = journal_plan(file)?;
    let mut session = Session::new(plan, seed);
    let (checked, divergence) = replay_into(session.sim.world_mut(), file, until, verify)?;
    let source = Source {
        name: file.header.scenario.clone(),
        text: file.header.scenario_text.clone(),
        dir: None,
    };
    Ok(Replay {
        session,
        source,
        checked,
        divergence,
    })
}

/// The plan and seed a journal was recorded with.
pub fn journal_plan(file: &JournalFile) -> Result<(Arc<Plan>, u64), LoadError> {
    let h = &file.header;
    let source = Source {
        name: h.scenario.clone(),
        text: h.scenario_text.clone(),
        dir: None,
    };
    Ok((Arc::new(scenario::load_source(&source, &h.set)?), h.seed))
}

/// Re-runs a journal's commands in `world` (fresh, built from the journal's plan) up to `until`
/// (default: the journal's last tick), checking digests when `verify` is set. Returns how many
/// digests were checked and the first divergence.
pub fn replay_into(
    world: &mut World,
    file: &JournalFile,
    until: Option<u64>,
    verify: bool,
) -> Result<(usize, Option<Divergence>), LoadError> {
    let plan = world.resource::<Region>().0.clone();
    let mut expected: BTreeMap<u64, (String, BTreeMap<String, String>)> = BTreeMap::new();
    let mut commands = Vec::new();
    for (line, entry) in &file.entries {
        match entry {
            Entry::Command {
                tick,
                command,
                seat,
                ..
            } => {
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
                commands.push(Issued {
                    tick: *tick,
                    command: command.clone(),
                    seat: seat.clone(),
                });
            }
            Entry::Digest {
                tick,
                digest,
                parts,
                ..
            } => {
                expected.insert(*tick, (digest.clone(), parts.clone()));
            }
            // An end marker is where the record stopped, and what the host refused never
            // acted: the replay has nothing to do for either.
            Entry::Header(_) | Entry::End { .. } | Entry::Refused { .. } => {}
        }
    }
    let end = until.unwrap_or_else(|| file.reached());
    world
        .resource_mut::<Recorder>()
        .add_from(commands.into_iter().filter(|c: &Issued| c.tick < end));
    let (mut checked, mut divergence) = (0, None);
    while world.resource::<Clock>().now < end {
        tick(world).map_err(|e| at_line(file, 1, e))?;
        if !verify {
            continue;
        }
        // Hashed only where the journal has a digest to compare with.
        let done = world.resource::<Clock>().now - 1;
        if let Some((recorded, parts)) = expected.get(&done) {
            let d = crate::sim::digest::current(world);
            checked += 1;
            if *recorded != d.hex() {
                let mut differing: Vec<String> = d
                    .parts
                    .iter()
                    .filter(|(name, h)| parts.get(*name).is_none_or(|r| *r != format!("{h:016x}")))
                    .map(|(name, _)| name.to_string())
                    .collect();
                if differing.is_empty() {
                    // Every part agrees with the replay, so the total on that line is what
                    // changed: the record is damaged, not the exercise.
                    differing.push("none: the digest line itself is damaged".into());
                }
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
    Ok((checked, divergence))
}

/// Attaches an existing journal to `world` (which has replayed it) to keep recording into it,
/// cutting off a torn last line first; a sealed one only with its key (`file` read with it).
pub fn continue_journal(
    world: &mut World,
    path: &Path,
    file: &JournalFile,
    seal: Option<SealKey>,
) -> Result<(), LoadError> {
    let journal = JournalWriter::reopen(path, file, seal).map_err(|e| at_line(file, 1, e))?;
    let mut rec = world.resource_mut::<Recorder>();
    rec.journal = Some(journal);
    rec.last_digest_written = file.entries.iter().rev().find_map(|(_, e)| match e {
        Entry::Digest { tick, .. } => Some(*tick),
        _ => None,
    });
    Ok(())
}

/// Writes a new journal (sealed with `seal` if given) holding `file`'s record up to (not
/// including) `until`, to start a new exercise from that point with `--resume`. It ends with
/// an end marker at `until`: the record stops there on purpose, not by a crash.
pub fn fork(
    file: &JournalFile,
    until: u64,
    to: &Path,
    seal: Option<SealKey>,
) -> Result<(), String> {
    let mut w = JournalWriter::create(to, file.header.clone(), seal)?;
    for (_, e) in &file.entries {
        if !matches!(e, Entry::End { .. }) && e.tick().is_some_and(|t| t < until) {
            w.append(e)?;
        }
    }
    w.end(until)?;
    w.sync()
}

/// Continues a journal: replays and verifies what it holds (a sealed one with its key),
/// repairs a torn last line, then keeps recording into it. Also returns the last tick a
/// command or digest of the journal is about.
pub fn resume(path: &Path, seal: Option<SealKey>) -> Result<(Session, Option<u64>), LoadError> {
    let file = JournalFile::read_with(path, seal.as_ref())?;
    JournalWriter::may_continue(path, &file, seal.as_ref()).map_err(|e| at_line(&file, 1, e))?;
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
    continue_journal(session.sim.world_mut(), path, &file, seal)?;
    Ok((session, reached))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    /// A run that records nothing never hashes the state on the way (it reads the digest at
    /// its end); a recorded one journals it every `DIGEST_EVERY` ticks.
    #[test]
    fn the_digest_is_hashed_on_the_way_only_for_a_journal() {
        let tiny = TinyRegion::new().island("A", false, false);
        let mut session = Session::new(tiny.plan(), 1);
        session.run_until(3 * DIGEST_EVERY).unwrap();
        let hashed = |s: &mut Session| s.sim.world_mut().resource::<StateDigest>().clone();
        assert!(
            hashed(&mut session).parts.is_empty(),
            "nobody asked for a digest"
        );

        let dir = std::env::temp_dir().join(format!("tw-digest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("run.journal");
        let _ = std::fs::remove_file(&path);
        let source = Source {
            name: "tiny.ron".into(),
            text: tiny.ron(),
            dir: None,
        };
        let mut session = Session::new(tiny.plan(), 1);
        session.record(&path, &source, &[], None).unwrap();
        session.run_until(3 * DIGEST_EVERY).unwrap();
        let last = hashed(&mut session);
        assert_eq!(
            last.tick,
            3 * DIGEST_EVERY - 1,
            "journaled at the last point"
        );
        assert!(!last.parts.is_empty());
        let journal = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            journal.matches(r#""entry":"digest""#).count(),
            3,
            "{journal}"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    /// Refusals are journaled at the next tick, numbered like any entry, read back, and
    /// skipped by the replay, which still verifies; a run without a journal keeps none.
    #[test]
    fn refusals_are_journaled_and_replay_skips_them() {
        let tiny = TinyRegion::new().island("A", false, false);
        let dir = std::env::temp_dir().join(format!("tw-refused-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("run.journal");
        let _ = std::fs::remove_file(&path);
        let source = Source {
            name: "tiny.ron".into(),
            text: tiny.ron(),
            dir: None,
        };
        let refusal = |what: &str| RefusedOrder {
            seat: "t/1 a (10.0.0.1)".into(),
            what: what.into(),
            why: "over the seat's budget".into(),
        };
        let mut unrecorded = Session::new(tiny.plan(), 1);
        unrecorded.add_refused([refusal("note of 9000 bytes")]);
        assert!(unrecorded.recorder().refused.is_empty());

        let mut session = Session::new(tiny.plan(), 1);
        session.record(&path, &source, &[], None).unwrap();
        session.run_until(5).unwrap();
        session.add_refused([refusal("note of 9000 bytes"), refusal("Pause")]);
        session.add_commands([(5, Command::Note("taken".into()))]);
        session.run_until(3 * DIGEST_EVERY).unwrap();
        session.finish().unwrap();
        let file = JournalFile::read(&path).unwrap();
        let refused: Vec<_> = file
            .entries
            .iter()
            .filter_map(|(_, e)| match e {
                Entry::Refused { tick, what, .. } => Some((*tick, what.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(refused, [(5, "note of 9000 bytes"), (5, "Pause")]);
        let mut r = replay(&file, None, true).unwrap();
        assert!(r.divergence.is_none());
        assert!(r.checked > 0);
        assert_eq!(r.session.sim.digest().hex(), session.sim.digest().hex());
        std::fs::remove_dir_all(dir).ok();
    }
}
