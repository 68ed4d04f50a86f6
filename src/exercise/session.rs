//! An exercise session: the simulation plus the commands that drive it and the journal that
//! records them. Headless runs, replays, forks and resumes all go through it, so a journal
//! written by one is read back by the others the same way.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::journal::{Entry, JournalFile, JournalWriter, SealKey};
use bevy::prelude::*;

pub use super::recorder::{
    DIGEST_EVERY, Recorder, RefusedOrder, due_clock_orders, finish, record, record_clock,
    record_seat_orders, tick,
};
use crate::scenario::{self, Diagnostic, LoadError, Plan, Source};
use crate::scenario::{Command, Issued};
use crate::sim::{Clock, Region, Simulation};

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

    /// Orders the lab host took from seats, and its refusals: on the record at once (see
    /// [`record_seat_orders`]).
    pub fn record_seat_orders(
        &mut self,
        orders: Vec<(Command, String)>,
        refused: Vec<RefusedOrder>,
    ) -> Result<(), String> {
        record_seat_orders(self.sim.world_mut(), orders, refused)
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

    /// Every command applied so far (a resumed journal's included), with its tick and seat:
    /// what the report's alternatives replay.
    pub fn applied(&mut self) -> Vec<Issued> {
        self.recorder().applied().to_vec()
    }

    /// A clock command obeyed now, on the record with the seat it came from, if a seat (see
    /// [`record_clock`]).
    pub fn record_clock(&mut self, command: Command, seat: Option<String>) -> Result<(), String> {
        record_clock(self.sim.world_mut(), command, seat)
    }

    /// The clock commands due now, on the record (see [`due_clock_orders`]).
    pub fn due_clock_orders(&mut self) -> Result<Vec<Command>, String> {
        due_clock_orders(self.sim.world_mut())
    }

    /// Whether commands taken are waiting for the next tick.
    pub fn has_due(&mut self) -> bool {
        let now = self.now();
        self.recorder().has_due(now)
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
    let plan = scenario::load_source_with(&source, &h.set, h.catalog_edition)?;
    Ok((Arc::new(plan), h.seed))
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
    // Hashed as the journal was, and so on if it is continued.
    world.insert_resource(crate::sim::digest::DigestVersion(
        file.header.digest_version,
    ));
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
    use crate::sim::StateDigest;

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

        let (dir, path, source) = journal_beside(&tiny, "digest");
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

    /// A fresh directory for a test's journal (`what` keeps tests apart), the journal's path
    /// and the scenario's source.
    fn journal_beside(
        tiny: &TinyRegion,
        what: &str,
    ) -> (std::path::PathBuf, std::path::PathBuf, Source) {
        let dir = std::env::temp_dir().join(format!("tw-{what}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("run.journal");
        let _ = std::fs::remove_file(&path);
        let source = Source {
            name: "tiny.ron".into(),
            text: tiny.ron(),
            dir: None,
        };
        (dir, path, source)
    }

    /// Refusals are journaled at the next tick, numbered like any entry, read back, and
    /// skipped by the replay, which still verifies; a run without a journal keeps none.
    #[test]
    fn refusals_are_journaled_and_replay_skips_them() {
        let tiny = TinyRegion::new().island("A", false, false);
        let (dir, path, source) = journal_beside(&tiny, "refused");
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

    /// A seat's order is on the disk the moment the host takes it (the seat is told "taken"):
    /// a host killed before the next tick runs loses nothing, and the resumed exercise applies
    /// the order at its tick, as the host that never crashed does.
    #[test]
    fn a_seat_order_taken_survives_a_crash_before_its_tick() {
        let tiny = TinyRegion::new().island("A", false, false);
        let (dir, path, source) = journal_beside(&tiny, "taken");
        let seat = "t/1 a (10.0.0.1)".to_string();
        let order = || vec![(Command::Note("from a seat".into()), seat.clone())];
        let mut crashed = Session::new(tiny.plan(), 1);
        crashed.record(&path, &source, &[], None).unwrap();
        crashed.run_until(5).unwrap();
        crashed.record_seat_orders(order(), Vec::new()).unwrap();
        drop(crashed);
        let file = JournalFile::read(&path).unwrap();
        let on_disk = file
            .entries
            .iter()
            .any(|(_, e)| matches!(e, Entry::Command { tick: 5, seat: Some(s), .. } if *s == seat));
        assert!(on_disk, "the order is on the disk before its tick");

        let (mut resumed, reached) = resume(&path, None).unwrap();
        assert_eq!(reached, Some(5));
        assert_eq!(
            resumed.now(),
            6,
            "the resumed exercise ran the order's tick"
        );
        let mut steady = Session::new(tiny.plan(), 1);
        steady.run_until(5).unwrap();
        steady.record_seat_orders(order(), Vec::new()).unwrap();
        steady.run_until(6).unwrap();
        let noted = |s: &Session| {
            (s.sim.events().iter())
                .any(|e| matches!(&e.event, crate::sim::events::SimEvent::Note { text } if text == "from a seat"))
        };
        assert!(noted(&steady) && noted(&resumed));
        assert_eq!(resumed.sim.digest().hex(), steady.sim.digest().hex());
        std::fs::remove_dir_all(dir).ok();
    }
}
