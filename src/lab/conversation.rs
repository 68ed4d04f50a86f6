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

/// A seat not heard from (no message, no ping, no answer to the host's ping) for this long is
/// dropped; a running seat pings every [`super::seat::PING_EVERY`].
pub const SEAT_SILENCE: Duration = Duration::from_secs(600);
/// A seat quiet for this long is pinged by the host. A browser cannot ping, but answers a
/// ping by itself, so a browser seat whose trainee is reading is not dropped.
const PROBE_AFTER: Duration = Duration::from_secs(60);
const _: () = assert!(PROBE_AFTER.as_secs() * 5 <= SEAT_SILENCE.as_secs());
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
    /// When the host last pinged it.
    probed: Option<Instant>,
    /// [`SEAT_SILENCE`] and [`PROBE_AFTER`] (shorter in the tests).
    silence: Duration,
    probe_after: Duration,
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
            probed: None,
            silence: SEAT_SILENCE,
            probe_after: PROBE_AFTER,
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
                Ok(FromSeat::Say { line }) => self.said(line),
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
                if self.heard.elapsed() >= self.silence {
                    return Some(format!(
                        "dropped: not heard from for {} minutes",
                        self.silence.as_secs() / 60
                    ));
                }
                self.probe();
            }
            Err(tungstenite::Error::Capacity(e)) => return Some(format!("cut off: {e}")),
            Err(e) => return Some(format!("connection lost: {e}")),
        }
        None
    }

    /// Pings a seat quiet for a while, at most once a while; its answer counts as hearing
    /// from it.
    fn probe(&mut self) {
        let since = |t: Instant| t.elapsed() >= self.probe_after;
        if since(self.heard) && self.probed.is_none_or(since) {
            self.probed = Some(Instant::now());
            let _ = self.ws.send(Message::Ping(Default::default()));
        }
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

    /// A facilitator's line: held to the seat's budget and a note's length like an order.
    fn said(&mut self, line: String) {
        let now = Instant::now();
        let what = format!("line `{}`", super::budget::cut(&line, 40));
        if line.len() > NOTE_MAX_BYTES {
            let reason = format!(
                "a line of {} bytes is too long: at most {NOTE_MAX_BYTES}",
                line.len()
            );
            self.reject(0, reason);
        } else if self.budget.charge(now, line.len()).is_err() {
            self.over_budget(now, 0, what);
        } else {
            let _ = self.inbound.send(Inbound::Said {
                label: self.label.into(),
                line,
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};
    use std::sync::mpsc::channel;

    /// A seat that never sends a thing but answers pings, as a browser does, is kept; one
    /// that answers nothing is dropped.
    #[test]
    fn a_quiet_seat_that_answers_the_hosts_ping_is_kept() {
        for answers in [true, false] {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let address = listener.local_addr().unwrap();
            let stop = Arc::new(AtomicBool::new(false));
            let host = {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let (stream, _) = listener.accept().unwrap();
                    let wire = Wire::new(stream, Instant::now() + Duration::from_secs(5));
                    let mut ws = tungstenite::accept(wire).unwrap();
                    ws.get_mut().seated(Duration::from_millis(10));
                    let (inbound, _keep) = channel();
                    let (_out, outbox) = channel::<Arc<str>>();
                    let mut budget = Budget::default();
                    let received = AtomicU64::new(0);
                    let mut talk =
                        Conversation::new(&mut ws, "seat", &mut budget, &inbound, &received);
                    talk.silence = Duration::from_millis(600);
                    talk.probe_after = Duration::from_millis(100);
                    talk.run(&outbox, &stop)
                })
            };
            let stream = TcpStream::connect(address).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_millis(20)))
                .unwrap();
            let (mut seat, _) = tungstenite::client::client("ws://lab/seat", stream).unwrap();
            let until = Instant::now() + Duration::from_millis(1500);
            while Instant::now() < until {
                if answers {
                    // Reading answers a ping with a pong, as a browser does by itself.
                    let _ = seat.read();
                    let _ = seat.flush();
                } else {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            stop.store(true, Ordering::SeqCst);
            let why = host.join().unwrap();
            if answers {
                assert_eq!(why, "the host stopped");
            } else {
                assert!(why.starts_with("dropped: not heard from"), "{why}");
            }
        }
    }
}
