//! What a seat may send: its budget of orders and notes a minute (in messages, and in the bytes
//! they take in the journal), the longest note, and a refused order in words. The budget is kept
//! by the gate across a seat's connections, so leaving and rejoining does not refill it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::scenario::Command;

/// Orders and notes a seat may send per minute: a trainee clicking through a busy moment gives
/// a few a minute; twenty is a fast burst, never a typing pace.
pub const SEAT_MESSAGES_PER_MINUTE: usize = 20;
/// Bytes of orders and notes (as they go into the journal) a seat may send per minute: a fast
/// typist writes about 500 characters a minute; 8 KB also lets a trainee paste four full notes.
pub const SEAT_BYTES_PER_MINUTE: usize = 8 << 10;
/// The longest note, in bytes of text: a paragraph or a pasted log excerpt.
pub const NOTE_MAX_BYTES: usize = 2 << 10;
/// Characters of a refused order, or of its reason, kept in the journal and the host's log: a
/// refused order may carry names of any length.
pub const REFUSAL_CHARS: usize = 200;
const MINUTE: Duration = Duration::from_secs(60);

/// What one seat sent in the last minute, to hold it to its budget. Kept by the gate across
/// the seat's connections, so leaving and rejoining does not refill it.
#[derive(Clone, Debug, Default)]
pub(super) struct Budget {
    /// (when, bytes) of each message taken in the last minute.
    recent: VecDeque<(Instant, usize)>,
    /// Bytes of the messages in `recent`.
    pub(super) bytes: usize,
    /// Messages refused over the budget since the last report of them.
    over: u64,
    reported: Option<Instant>,
}

impl Budget {
    fn forget(&mut self, now: Instant) {
        while let Some(&(t, b)) = self.recent.front() {
            if now.saturating_duration_since(t) < MINUTE {
                break;
            }
            self.recent.pop_front();
            self.bytes -= b;
        }
    }

    /// Charges a message of `cost` bytes sent at `now`; `Err` (and counted for the report) when
    /// it does not fit in the last minute's budget.
    pub(super) fn charge(&mut self, now: Instant, cost: usize) -> Result<(), ()> {
        self.forget(now);
        if self.recent.len() < SEAT_MESSAGES_PER_MINUTE
            && self.bytes.saturating_add(cost) <= SEAT_BYTES_PER_MINUTE
        {
            self.recent.push_back((now, cost));
            self.bytes += cost;
            Ok(())
        } else {
            self.over += 1;
            Err(())
        }
    }

    /// How long until the oldest message of the last minute stops counting.
    pub(super) fn retry_in(&self, now: Instant) -> Duration {
        self.recent.front().map_or(Duration::ZERO, |&(t, _)| {
            MINUTE.saturating_sub(now.saturating_duration_since(t))
        })
    }

    /// Whether the refusals over budget are due to be reported (the first at once, then at
    /// most once a minute): how many there were since the last report.
    pub(super) fn report(&mut self, now: Instant) -> Option<u64> {
        if self.over == 0
            || self
                .reported
                .is_some_and(|t| now.saturating_duration_since(t) < MINUTE)
        {
            return None;
        }
        self.reported = Some(now);
        Some(std::mem::take(&mut self.over))
    }

    /// The refusals over budget not yet reported (when the seat leaves), forgotten once told.
    pub(super) fn unreported(&mut self) -> u64 {
        std::mem::take(&mut self.over)
    }
}

/// At most `chars` characters of `text`, marked when cut.
pub(super) fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

/// A refused order in words for the journal and the log: a note by its size (its text was not
/// taken), anything else as written, cut to [`REFUSAL_CHARS`].
pub(super) fn describe(command: &Command) -> String {
    match command {
        Command::Note(text) => format!("note of {} bytes", text.len()),
        other => cut(&format!("{other:?}"), REFUSAL_CHARS),
    }
}

/// The journal bytes an order may cost: the command as the journal writes it.
pub(super) fn cost(command: &Command) -> usize {
    serde_json::to_string(command).map_or(0, |t| t.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seat gets its messages and bytes a minute, no more; the minute slides; the refusals
    /// are reported once, then at most once a minute with their count.
    #[test]
    fn a_seat_is_held_to_its_budget_a_minute() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut b = Budget::default();
        for i in 0..SEAT_MESSAGES_PER_MINUTE {
            b.charge(t0 + Duration::from_millis(i as u64 * 100), 10)
                .unwrap();
        }
        assert!(b.charge(t0 + s(2), 10).is_err());
        assert_eq!(b.report(t0 + s(2)), Some(1));
        assert!(b.charge(t0 + s(3), 10).is_err());
        assert!(b.charge(t0 + s(4), 10).is_err());
        assert_eq!(b.report(t0 + s(4)), None, "once a minute");
        assert_eq!(b.retry_in(t0 + s(4)), s(56));
        // The first message is a minute old: one fits again.
        assert!(b.charge(t0 + s(60), 10).is_ok());
        assert!(b.charge(t0 + s(60), 10).is_err());
        assert_eq!(b.report(t0 + s(62)), Some(3));
        assert_eq!(b.report(t0 + s(200)), None, "nothing new to report");

        let mut b = Budget::default();
        let note = NOTE_MAX_BYTES + 20;
        let fit = SEAT_BYTES_PER_MINUTE / note;
        for _ in 0..fit {
            b.charge(t0, note).unwrap();
        }
        assert!(b.charge(t0, note).is_err(), "bytes, not only messages");
        assert!(b.charge(t0, SEAT_BYTES_PER_MINUTE - fit * note).is_ok());
        assert!(b.charge(t0 + s(61), SEAT_BYTES_PER_MINUTE).is_ok());
        assert!(b.charge(t0 + s(61), 1).is_err());
    }

    #[test]
    fn refused_orders_are_described_briefly() {
        assert_eq!(
            describe(&Command::Note("é".repeat(8192))),
            "note of 16384 bytes"
        );
        let long = describe(&Command::Patch {
            team: "ü".repeat(5000),
            org: "x".into(),
        });
        assert!(long.starts_with("Patch { team: \"üü"), "{long}");
        assert_eq!(long.chars().count(), REFUSAL_CHARS + 3);
        assert_eq!(cut("short", 10), "short");
    }
}
