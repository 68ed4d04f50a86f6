//! The recorder: what drives a world from outside (commands waiting for their tick, the
//! journal) and the one function that ticks a world with it, so the headless `Session`, a
//! replay and the console tick it the same way and write the same record.

use std::collections::VecDeque;
use std::path::Path;

use bevy::prelude::*;

use super::CommandQueue;
use super::journal::{Entry, Header, JOURNAL_FORMAT, JournalWriter, SealKey, text_hash};
use crate::scenario::{Command, Issued, Source};
use crate::sim::{Clock, Region, SimTick, StateDigest};

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
    pub(super) journal: Option<JournalWriter>,
    /// Commands not yet applied, in tick order, with the seat each came from.
    pending: VecDeque<Issued>,
    /// Commands applied so far, at the tick each took effect: what an after-action report
    /// replays with another choice.
    applied: Vec<Issued>,
    /// Refusals waiting for the next tick's journal lines (only while recording).
    pub(super) refused: Vec<RefusedOrder>,
    /// Seats' orders already on the record ([`record_seat_orders`]), to apply at their tick.
    recorded: VecDeque<Issued>,
    pub(super) last_digest_written: Option<u64>,
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

    /// The clock commands (pause, resume, speed) due by `now`, taken out of the queue.
    fn take_due_clock_orders(&mut self, now: u64) -> Vec<Issued> {
        let clock = |c: &Command| matches!(c, Command::Pause | Command::Resume | Command::Speed(_));
        let mut due = Vec::new();
        let mut k = 0;
        while let Some(c) = self.pending.get(k).filter(|c| c.tick <= now) {
            if clock(&c.command) {
                due.extend(self.pending.remove(k));
            } else {
                k += 1;
            }
        }
        due
    }

    /// Whether commands are waiting for the tick at `now` (taken, not yet applied).
    pub fn has_due(&self, now: u64) -> bool {
        let due = |q: &VecDeque<Issued>| q.front().is_some_and(|c| c.tick <= now);
        due(&self.pending) || due(&self.recorded)
    }

    /// The journal being written, if any.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.as_ref().map(|j| j.path.as_path())
    }

    /// Commands applied so far, with the tick each took effect and its seat.
    pub fn applied(&self) -> &[Issued] {
        &self.applied
    }

    /// A command applied at `now`: kept for the report and, when recording, on the disk
    /// before it acts (a replay cannot recompute it).
    fn put_on_record(
        &mut self,
        now: u64,
        command: &Command,
        seat: Option<String>,
    ) -> Result<(), String> {
        self.applied.push(Issued {
            tick: now,
            command: command.clone(),
            seat: seat.clone(),
        });
        if let Some(journal) = &mut self.journal {
            journal.append(&Entry::Command {
                seq: 0,
                tick: now,
                command: command.clone(),
                seat,
            })?;
            journal.sync()?;
        }
        Ok(())
    }

    /// The host's refusals, journaled at `now` (kept nowhere without a journal).
    fn put_refused_on_record(
        &mut self,
        now: u64,
        refused: Vec<RefusedOrder>,
    ) -> Result<(), String> {
        if let Some(journal) = &mut self.journal {
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
        Ok(())
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
        catalog_edition: crate::scenario::CATALOG_EDITION,
        // A fork of an old journal goes on hashing as the world it continues was.
        digest_version: world.resource::<crate::sim::digest::DigestVersion>().0,
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
        // Seats' orders first: they went on the record before anything due now.
        while rec.recorded.front().is_some_and(|c| c.tick <= now) {
            let Issued { command, .. } = rec.recorded.pop_front().expect("checked above");
            if let Some(action) = command.resolve(&plan)? {
                world.resource_mut::<CommandQueue>().schedule(now, action);
            }
            commanded = true;
        }
        while rec.pending.front().is_some_and(|c| c.tick <= now) {
            let Issued { command, seat, .. } = rec.pending.pop_front().expect("checked above");
            rec.put_on_record(now, &command, seat)?;
            if let Some(action) = command.resolve(&plan)? {
                world.resource_mut::<CommandQueue>().schedule(now, action);
            }
            commanded = true;
        }
        let refused = std::mem::take(&mut rec.refused);
        rec.put_refused_on_record(now, refused)?;
        world.run_schedule(SimTick);
        // Hashed only for a journal: a run that records nothing reads the digest at its end.
        if rec.journal.is_some() && (commanded || (now + 1).is_multiple_of(DIGEST_EVERY)) {
            let digest = crate::sim::digest::current(world);
            rec.write_digest(&digest, now + 1)?;
        }
        Ok(())
    })
}

/// The clock commands (pause, resume, speed) due now, taken out of the queue and put on the
/// record, for the driver to obey before the tick runs: a command file's `Pause` at 08:30 stops
/// a live clock at 08:30, as the facilitator's button does. The simulation never acts on them,
/// so a replay (which leaves them in the queue) is the same.
pub fn due_clock_orders(world: &mut World) -> Result<Vec<Command>, String> {
    let now = world.resource::<Clock>().now;
    let due = world.resource_mut::<Recorder>().take_due_clock_orders(now);
    if !due.is_empty() {
        settle(world)?;
    }
    let mut rec = world.resource_mut::<Recorder>();
    due.into_iter()
        .map(|Issued { command, seat, .. }| {
            rec.put_on_record(now, &command, seat)?;
            Ok(command)
        })
        .collect()
}

/// Orders the lab host took from seats (each with its seat), on the record at once and
/// applied at the next tick, and the host's refusals: a seat is told its order was taken, so
/// a host killed before that tick runs must not lose it (`--resume` replays the journal
/// through the tick, the order with it).
pub fn record_seat_orders(
    world: &mut World,
    orders: Vec<(Command, String)>,
    refused: Vec<RefusedOrder>,
) -> Result<(), String> {
    if orders.is_empty() && refused.is_empty() {
        return Ok(());
    }
    settle(world)?;
    let now = world.resource::<Clock>().now;
    let mut rec = world.resource_mut::<Recorder>();
    for (command, seat) in orders {
        rec.put_on_record(now, &command, Some(seat.clone()))?;
        rec.recorded.push_back(Issued {
            tick: now,
            command,
            seat: Some(seat),
        });
    }
    rec.put_refused_on_record(now, refused)?;
    match &mut rec.journal {
        Some(journal) => journal.sync(),
        None => Ok(()),
    }
}

/// A clock command the driver has already obeyed (the facilitator paused a headless host, at
/// its terminal or from a facilitator's `seat`): on the record at once, at the tick the clock
/// stands at.
pub fn record_clock(
    world: &mut World,
    command: Command,
    seat: Option<String>,
) -> Result<(), String> {
    settle(world)?;
    let now = world.resource::<Clock>().now;
    world
        .resource_mut::<Recorder>()
        .put_on_record(now, &command, seat)
}

/// Before a command goes on the record between ticks: the digest of the tick last run, if it is
/// not there yet, so the journal's entries never go back in time.
fn settle(world: &mut World) -> Result<(), String> {
    if !world.resource::<Recorder>().is_recording() {
        return Ok(());
    }
    let digest = crate::sim::digest::current(world);
    let now = world.resource::<Clock>().now;
    world.resource_mut::<Recorder>().write_digest(&digest, now)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_commands_due_are_taken_before_the_tick_and_the_rest_wait_for_it() {
        let mut rec = Recorder::default();
        rec.add_commands([
            (5, Command::Note("before".into())),
            (5, Command::Pause),
            (5, Command::Speed(crate::scenario::Pace::X10)),
            (6, Command::Resume),
        ]);
        assert!(rec.take_due_clock_orders(4).is_empty(), "nothing due yet");
        let due: Vec<Command> = (rec.take_due_clock_orders(5).into_iter())
            .map(|c| c.command)
            .collect();
        assert_eq!(
            due,
            [Command::Pause, Command::Speed(crate::scenario::Pace::X10)]
        );
        assert!(rec.has_due(5), "the note waits for the tick");
        let left: Vec<&Command> = rec.pending.iter().map(|c| &c.command).collect();
        assert_eq!(left, [&Command::Note("before".into()), &Command::Resume]);
    }
}
