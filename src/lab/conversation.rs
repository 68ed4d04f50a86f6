//! A seat's conversation once the gate let it in: its orders passed to the host within its
//! budget (a note too long, or one over the budget, refused with a reason), unreadable messages
//! refused until there are too many, a silent seat dropped, and what the host published for the
//! team sent out, until one side ends it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant};

use tungstenite::{Message, WebSocket};

use super::budget::{
    Budget, NOTE_MAX_BYTES, SEAT_BYTES_PER_MINUTE, SEAT_MESSAGES_PER_MINUTE, cost, describe,
};
use super::connection::{Inbound, SeatOrder, Wire, idle, send};
use super::protocol::{FromHost, FromSeat};
use crate::scenario::Command;

/// A seat not heard from (no message, no ping) for this long is dropped; a running seat pings
/// every [`super::seat::PING_EVERY`].
pub const SEAT_SILENCE: Duration = Duration::from_secs(600);
/// Unreadable messages a seat may send before it is cut off.
const GARBAGE_LIMIT: u32 = 20;

/// A seat's conversation once it is in: orders passed in within its budget, the team's
/// messages passed out, until the seat leaves, falls silent, the host finishes or the
/// connection fails.
pub(super) struct Conversation<'a> {
    ws: &'a mut WebSocket<Wire>,
    label: &'a str,
    budget: &'a mut Budget,
    inbound: &'a Sender<Inbound>,
    received: &'a AtomicU64,
    /// Unreadable messages so far.
    garbage: u32,
    /// When the seat was last heard from.
    heard: Instant,
}

impl<'a> Conversation<'a> {
    /// The conversation of a seat just let in (heard from now).
    pub fn new(
        ws: &'a mut WebSocket<Wire>,
        label: &'a str,
        budget: &'a mut Budget,
        inbound: &'a Sender<Inbound>,
        received: &'a AtomicU64,
    ) -> Self {
        Conversation {
            ws,
            label,
            budget,
            inbound,
            received,
            garbage: 0,
            heard: Instant::now(),
        }
    }

    /// Listens and speaks in turn; says why it ended.
    pub fn run(&mut self, outbox: &Receiver<Arc<str>>, stop: &AtomicBool) -> String {
        loop {
            if let Some(why) = self.listen() {
                return why;
            }
            if let Some(why) = self.speak(outbox) {
                return why;
            }
            if stop.load(Ordering::SeqCst) && outbox.try_recv().is_err() {
                return "the host stopped".into();
            }
        }
    }

    /// Takes what the seat sent, if anything; why the conversation is over, when it is.
    fn listen(&mut self) -> Option<String> {
        let read = self.ws.read();
        if read.is_ok() {
            self.heard = Instant::now();
        }
        match read {
            Ok(Message::Text(t)) => match serde_json::from_str::<FromSeat>(&t) {
                Ok(FromSeat::Order { id, command }) => self.order(id, command),
                Ok(FromSeat::Bye) => return Some("said goodbye".into()),
                Ok(FromSeat::Hello { .. }) | Err(_) => {
                    return self.unreadable("not an order this host understands");
                }
            },
            Ok(Message::Close(_)) => return Some("closed the connection".into()),
            Ok(Message::Binary(_)) => {
                return self.unreadable("a binary message: seats speak JSON text");
            }
            Ok(_) => {}
            Err(e) if idle(&e) => {
                if self.heard.elapsed() >= SEAT_SILENCE {
                    return Some(format!(
                        "dropped: not heard from for {} minutes",
                        SEAT_SILENCE.as_secs() / 60
                    ));
                }
            }
            Err(tungstenite::Error::Capacity(e)) => return Some(format!("cut off: {e}")),
            Err(e) => return Some(format!("connection lost: {e}")),
        }
        None
    }

    /// An order: refused over the seat's budget or as a note too long, else passed to the host.
    fn order(&mut self, id: u64, command: Command) {
        let now = Instant::now();
        let long_note = match &command {
            Command::Note(text) if text.len() > NOTE_MAX_BYTES => Some(text.len()),
            _ => None,
        };
        let what = describe(&command);
        // A long note is refused whole; what it costs is the refusal's line.
        let charge = if long_note.is_some() {
            what.len()
        } else {
            cost(&command)
        };
        if self.budget.charge(now, charge).is_err() {
            self.over_budget(now, id, what);
        } else if let Some(bytes) = long_note {
            let reason = format!("a note of {bytes} bytes is too long: at most {NOTE_MAX_BYTES}");
            let _ = self.inbound.send(Inbound::Refused {
                label: self.label.into(),
                what,
                why: reason.clone(),
                count: 1,
            });
            self.reject(id, reason);
        } else {
            let _ = self.inbound.send(Inbound::Order(SeatOrder {
                label: self.label.into(),
                id,
                command,
            }));
        }
    }

    /// Refuses an order over the seat's budget; the host hears of such refusals at most once a
    /// minute, with their count.
    fn over_budget(&mut self, now: Instant, id: u64, what: String) {
        let wait = self.budget.retry_in(now).as_secs().max(1);
        let reason = format!(
            "too many orders and notes from this seat: at most {SEAT_MESSAGES_PER_MINUTE} and {} \
             KB a minute; this one was not taken, try again in {wait} s",
            SEAT_BYTES_PER_MINUTE >> 10
        );
        if let Some(count) = self.budget.report(now) {
            let _ = self.inbound.send(Inbound::Refused {
                label: self.label.into(),
                what: if count > 1 {
                    format!("{count} orders and notes, the last a {what}")
                } else {
                    what
                },
                why: format!(
                    "over the seat's budget of {SEAT_MESSAGES_PER_MINUTE} orders and notes and {} \
                     KB a minute (refused without a line each for a minute)",
                    SEAT_BYTES_PER_MINUTE >> 10
                ),
                count,
            });
        }
        self.reject(id, reason);
    }

    /// Refuses an unreadable message; cut off once the seat has sent too many.
    fn unreadable(&mut self, reason: &str) -> Option<String> {
        self.garbage += 1;
        let _ = self.inbound.send(Inbound::Turned {
            about: format!("{}: unreadable messages", self.label),
            line: format!("{}: {reason}", self.label),
        });
        self.reject(0, reason.to_string());
        (self.garbage >= GARBAGE_LIMIT).then(|| "cut off after repeated unreadable messages".into())
    }

    fn reject(&mut self, id: u64, reason: String) {
        send(
            self.ws,
            &FromHost::Rejected { id, reason }.text(),
            self.received,
        );
    }

    /// Sends what the host published for the team; why the conversation is over, when it is.
    fn speak(&mut self, outbox: &Receiver<Arc<str>>) -> Option<String> {
        loop {
            match outbox.try_recv() {
                Ok(text) => {
                    if !send(self.ws, &text, self.received) {
                        return Some("connection lost while sending".into());
                    }
                    if text.starts_with("{\"type\":\"finished\"") {
                        return Some("the exercise ended".into());
                    }
                }
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => return Some("the host stopped".into()),
            }
        }
    }
}
