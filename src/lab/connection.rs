//! The wire work of each connection: a listener thread, and one thread per connection doing
//! the WebSocket handshake and the hello within the join deadline, asking the gate to let the
//! seat in, then holding the seat's conversation: what it sends, held to its budget and to the
//! limits on garbage, oversize and silence, and what the host published for its team. Nothing
//! here touches the exercise: it talks to [`super::host::LabHost`] through channels.

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tungstenite::handshake::HandshakeError;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::conversation::Conversation;
use super::evidence::{self, Download, SharedLedger};
use super::gate::{
    Admitted, FREE_WRONG_CODES, Gate, Hello, JOIN_DEADLINE, MAX_WRONG_CODE_DELAY, Refusal,
};
use super::page::{self, Asked, Page};
use super::protocol::{FromHost, FromSeat, MAX_SEAT_MESSAGE, PROTOCOL, mismatch};
use crate::scenario::Command;
use crate::scenario::ids::TeamIx;

const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a connection thread waits for a message before looking for ones to send.
const POLL: Duration = Duration::from_millis(20);

/// What connection threads tell the exercise's thread.
pub(super) enum Inbound {
    Joined(Arrival),
    /// An order within the seat's budget, for the host to check and take.
    Order(SeatOrder),
    /// Orders or notes the connection refused (a note too long, the seat over its budget):
    /// `count` of them, described by `what`; journaled as one refusal.
    Refused {
        label: String,
        what: String,
        why: String,
        count: u64,
    },
    Left {
        label: String,
        why: String,
    },
    /// A facilitator's line, within the seat's budget (the host checks it is one).
    Said {
        label: String,
        line: String,
    },
    /// Evidence a seat's browser downloaded: a line for the facilitator's log.
    Downloaded {
        line: String,
    },
    /// Something refused before or outside a seat (a wrong code, garbage, a full lab). `about`
    /// names the kind and the address: the host prints the first of a kind and then how many
    /// more a minute, never one line per attempt.
    Turned {
        about: String,
        line: String,
    },
}

/// A seat let in: its label, its team, where to send it messages, and the count of bytes sent.
pub(super) struct Arrival {
    pub label: String,
    pub team: TeamIx,
    pub tx: Sender<Arc<str>>,
    pub received: Arc<AtomicU64>,
}

/// An order a seat gave, with the seat's label and the number the seat's answer carries.
pub(super) struct SeatOrder {
    pub label: String,
    pub id: u64,
    pub command: Command,
}

/// A connection's place among those joining; given back when it becomes a seat or ends,
/// whatever way it ends.
struct Joining {
    gate: Arc<Mutex<Gate>>,
    ip: IpAddr,
    held: bool,
}

impl Joining {
    fn release(&mut self, g: &mut Gate) {
        if std::mem::take(&mut self.held) {
            g.end_joining(self.ip);
        }
    }
}

impl Drop for Joining {
    fn drop(&mut self) {
        if self.held {
            let mut g = self.gate.lock().unwrap_or_else(|e| e.into_inner());
            g.end_joining(self.ip);
        }
    }
}

/// The listener: a thread for each connection there is room for among those joining, a
/// "busy" answer for the others.
pub(super) fn accept(
    listener: TcpListener,
    gate: Arc<Mutex<Gate>>,
    tx: Sender<Inbound>,
    stop: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
    page: Arc<Page>,
    ledger: SharedLedger,
) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, peer)) => {
                let accepted = Instant::now();
                let ip = peer.ip();
                let room = gate.lock().expect("not poisoned").start_joining(ip);
                if let Err(why) = room {
                    turn_away(stream);
                    let _ = tx.send(Inbound::Turned {
                        about: format!("{ip}: connections turned away"),
                        line: format!("{peer}: turned away: {why}"),
                    });
                    continue;
                }
                let slot = Joining {
                    gate: gate.clone(),
                    ip,
                    held: true,
                };
                let (gate, tx, stop) = (gate.clone(), tx.clone(), stop.clone());
                let (page, ledger) = (page.clone(), ledger.clone());
                // A thread that cannot start drops its slot with the closure.
                let handle = std::thread::Builder::new()
                    .name(format!("lab-seat {peer}"))
                    .spawn(move || {
                        let wire = Wire::new(stream, accepted + JOIN_DEADLINE);
                        let asked = Asking {
                            peer,
                            page: &page,
                            ledger: &ledger,
                            gate: &gate,
                            inbound: &tx,
                            stop: &stop,
                        };
                        if let Some(wire) = browser(wire, &asked) {
                            connection(wire, peer, slot, &gate, &tx, &stop);
                        }
                    });
                if let Ok(h) = handle {
                    let mut list = connections.lock().expect("not poisoned");
                    list.retain(|h| !h.is_finished());
                    list.push(h);
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(POLL),
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

/// Says "busy" to a connection there is no room for (a browser or a seat's error shows it) and
/// closes it, without waiting on it.
fn turn_away(mut stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
}

/// A would-block or timed-out read: nothing arrived yet.
pub(super) fn idle(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if matches!(io.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
}

/// A connection's socket. Until the seat is in, every read waits only for what is left of the
/// deadline, so a peer sending a byte at a time cannot stretch the handshake or the hello.
pub(super) struct Wire {
    stream: TcpStream,
    deadline: Option<Instant>,
}

impl Wire {
    /// A new connection's socket, blocking until `deadline` for the handshake and the hello.
    pub(super) fn new(stream: TcpStream, deadline: Instant) -> Wire {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        Wire {
            stream,
            deadline: Some(deadline),
        }
    }

    /// The request's head, looked at without taking it (the WebSocket handshake reads it
    /// again), within the deadline; `Err(None)` for a connection that sent nothing (closed, or
    /// silent to the deadline).
    fn peek_head(&self) -> Result<Vec<u8>, Option<String>> {
        let mut buf = vec![0u8; page::HEAD_MAX];
        let mut seen = 0;
        loop {
            if self.expired() {
                // A browser's spare connection, opened ahead of need and never used, is no
                // trouble; one that began a request and stopped is.
                let what = format!("no request within {} s", JOIN_DEADLINE.as_secs());
                return Err((seen > 0).then_some(what));
            }
            let left = self
                .deadline
                .map(|d| d.saturating_duration_since(Instant::now()));
            let _ = self.stream.set_read_timeout(left.filter(|l| !l.is_zero()));
            let n = match self.stream.peek(&mut buf) {
                Ok(0) if seen == 0 => return Err(None),
                Ok(0) => return Err(Some("closed before its request ended".into())),
                Ok(n) => n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    continue;
                }
                Err(e) => return Err(Some(e.to_string())),
            };
            if let Some(end) = page::head_end(&buf[..n]) {
                buf.truncate(end);
                return Ok(buf);
            }
            if n == buf.len() {
                return Err(Some(format!(
                    "a request head over {} KB",
                    page::HEAD_MAX >> 10
                )));
            }
            if n == seen {
                // More is on its way: peeking again at once would only spin.
                std::thread::sleep(Duration::from_millis(10));
            }
            seen = n;
        }
    }

    /// In: no more deadline, and reads that wait `poll` before the host's messages go out.
    pub(super) fn seated(&mut self, poll: Duration) {
        self.deadline = None;
        let _ = self.stream.set_read_timeout(Some(poll));
    }

    fn expired(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(d) = self.deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(std::io::Error::new(
                    ErrorKind::TimedOut,
                    format!("no hello within {} s", JOIN_DEADLINE.as_secs()),
                ));
            }
            self.stream.set_read_timeout(Some(left))?;
        }
        self.stream.read(buf)
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

pub(super) fn send(ws: &mut WebSocket<Wire>, text: &str, received: &AtomicU64) -> bool {
    received.fetch_add(text.len() as u64, Ordering::Relaxed);
    ws.send(Message::text(text)).is_ok()
}

/// The WebSocket handshake, within the wire's deadline.
fn handshake(wire: Wire) -> Result<WebSocket<Wire>, String> {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_SEAT_MESSAGE))
        .max_frame_size(Some(MAX_SEAT_MESSAGE));
    let mut round = tungstenite::accept_with_config(wire, Some(config));
    loop {
        match round {
            Ok(ws) => return Ok(ws),
            Err(HandshakeError::Interrupted(mid)) => round = mid.handshake(),
            Err(HandshakeError::Failure(e)) => return Err(e.to_string()),
        }
    }
}

/// The first message, within the wire's deadline.
fn read_hello(ws: &mut WebSocket<Wire>) -> Result<FromSeat, String> {
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => {
                return serde_json::from_str::<FromSeat>(&t).map_err(|e| e.to_string());
            }
            Ok(Message::Ping(_) | Message::Pong(_)) => {}
            Ok(_) => return Err("the first message is not text".into()),
            Err(e) if idle(&e) && !ws.get_ref().expired() => {}
            Err(e) if idle(&e) => {
                return Err(format!("no hello within {} s", JOIN_DEADLINE.as_secs()));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Sleeps `hold`, or less if the host stops.
fn hold_answer(hold: Duration, stop: &AtomicBool) {
    let until = Instant::now() + hold;
    while Instant::now() < until && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What a plain HTTP request may be answered from, and to whom.
struct Asking<'a> {
    peer: SocketAddr,
    page: &'a Page,
    ledger: &'a SharedLedger,
    gate: &'a Mutex<Gate>,
    inbound: &'a Sender<Inbound>,
    stop: &'a AtomicBool,
}

impl Asking<'_> {
    fn turned(&self, about: &str, why: String) {
        let _ = self.inbound.send(Inbound::Turned {
            about: format!("{}: {about}", self.peer.ip()),
            line: format!("{}: {why}", self.peer),
        });
    }

    /// A download whose code the gate lets in is written from the ledger; a wrong code is
    /// answered 403 after the hold the gate sets, as a seat's would be.
    fn evidence(&self, wire: &mut Wire, download: &Download) {
        let checked = self.gate.lock().expect("not poisoned").check_code(
            self.peer.ip(),
            download.gate_team(),
            &download.code,
            Instant::now(),
        );
        let team = match checked {
            Ok(team) => team,
            Err(wrong) => {
                hold_answer(wrong.hold, self.stop);
                let refusal = format!("{}\n", wrong.reason);
                let _ = wire.write_all(&self.page.plain("403 Forbidden", &refusal));
                return self.turned("wrong join codes", format!("evidence: {}", wrong.reason));
            }
        };
        match evidence::answer(self.ledger, download, team, wire) {
            Ok(Ok(written)) => {
                let _ = self.inbound.send(Inbound::Downloaded {
                    line: format!(
                        "{}: {} downloaded ({} records of {} hosts)",
                        self.peer.ip(),
                        download.file_name(),
                        written.records,
                        written.hosts
                    ),
                });
            }
            Ok(Err(why)) => {
                let _ = wire.write_all(&self.page.plain("404 Not Found", &format!("{why}\n")));
                self.turned("evidence refused", format!("evidence: {why}"));
            }
            Err(e) => self.turned(
                "evidence cut short",
                format!("{}: cut short: {e}", download.file_name()),
            ),
        }
    }
}

/// A browser asking for the seat's page or its team's evidence gets it here and the
/// connection ends; a seat's WebSocket upgrade is passed on (`Some`). A request that never
/// completes is turned away.
fn browser(mut wire: Wire, asking: &Asking) -> Option<Wire> {
    let head = match wire.peek_head() {
        Ok(head) => head,
        // A browser opens spare connections ahead of need and closes them unused: no trouble.
        Err(None) => return None,
        Err(Some(why)) => {
            asking.turned("not seats", format!("not a seat ({why})"));
            return None;
        }
    };
    let asked = asking.page.answer(&head);
    // Take the request before answering: a socket closed with unread bytes is reset, and the
    // browser would lose the answer.
    let mut taken = vec![0u8; head.len()];
    if !matches!(asked, Asked::Seat) && wire.read_exact(&mut taken).is_err() {
        return None;
    }
    match asked {
        Asked::Seat => return Some(wire),
        Asked::Page(reply) => {
            let _ = wire.write_all(&reply);
        }
        Asked::Evidence(download) => asking.evidence(&mut wire, &download),
        Asked::Refused { reply, why } => {
            asking.turned("not seats", format!("not a seat ({why})"));
            let _ = wire.write_all(&reply);
        }
    }
    let _ = wire.flush();
    let _ = wire.stream.shutdown(std::net::Shutdown::Write);
    None
}

/// One connection, from the handshake to the close.
fn connection(
    wire: Wire,
    peer: SocketAddr,
    mut slot: Joining,
    gate: &Mutex<Gate>,
    inbound: &Sender<Inbound>,
    stop: &AtomicBool,
) {
    let caller = Caller {
        peer,
        inbound,
        received: Arc::new(AtomicU64::new(0)),
    };
    let mut ws = match handshake(wire) {
        Ok(ws) => ws,
        Err(e) => {
            let why = format!("not a seat (WebSocket handshake failed: {e})");
            return caller.turned("not seats", why);
        }
    };
    let Some(hello) = caller.hello(&mut ws) else {
        return;
    };
    let Some(mut seat) = caller.admit(&mut ws, &hello, &mut slot, gate, stop) else {
        return;
    };
    let label = format!(
        "{}/{} {} ({})",
        seat.team_id,
        seat.place.number,
        hello.name,
        peer.ip()
    );
    ws.get_mut().seated(POLL);
    let (tx, outbox) = channel::<Arc<str>>();
    let _ = inbound.send(Inbound::Joined(Arrival {
        label: label.clone(),
        team: seat.team,
        tx,
        received: caller.received.clone(),
    }));
    let mut why = Conversation::new(&mut ws, &label, &mut seat.budget, inbound, &caller.received)
        .run(&outbox, stop);
    let _ = ws.close(None);
    let _ = ws.flush();
    let more = seat.budget.unreported();
    if more > 0 {
        why.push_str(&format!(
            "; {more} more orders and notes refused over its budget"
        ));
    }
    gate.lock()
        .expect("not poisoned")
        .leave_seat(seat.team, seat.place.key, seat.budget);
    let _ = inbound.send(Inbound::Left { label, why });
}

/// A connection on its way in: who it is, and how the host hears of its refusal.
struct Caller<'a> {
    peer: SocketAddr,
    inbound: &'a Sender<Inbound>,
    /// Bytes sent to it, a refusal's included.
    received: Arc<AtomicU64>,
}

impl Caller<'_> {
    /// Tells the host a connection was turned away (it prints the first of a kind).
    fn turned(&self, about: &str, why: String) {
        let _ = self.inbound.send(Inbound::Turned {
            about: format!("{}: {about}", self.peer.ip()),
            line: format!("{}: {why}", self.peer),
        });
    }

    /// Answers `Refused` with the reason, closes, and tells the host.
    fn refuse(&self, ws: &mut WebSocket<Wire>, about: &str, reason: String) {
        let refused = FromHost::Refused {
            reason: reason.clone(),
        };
        send(ws, &refused.text(), &self.received);
        let _ = ws.close(None);
        let _ = ws.flush();
        self.turned(about, reason);
    }

    /// The seat's hello, in this host's protocol, its name cleaned of control characters and
    /// cut to 40; anything else is refused.
    fn hello(&self, ws: &mut WebSocket<Wire>) -> Option<Hello> {
        match read_hello(ws) {
            Ok(FromSeat::Hello { protocol, .. }) if protocol != PROTOCOL => {
                self.refuse(ws, "seats refused", mismatch(protocol))
            }
            Ok(FromSeat::Hello {
                team, code, name, ..
            }) => {
                let name = name.chars().filter(|c| !c.is_control()).take(40).collect();
                return Some(Hello { team, code, name });
            }
            Ok(_) => self.refuse(ws, "seats refused", "a seat must say hello first".into()),
            Err(e) => self.refuse(ws, "not seats", format!("not a seat's hello: {e}")),
        }
        None
    }

    /// Asks the gate to let the seat in; its place among those joining is given back under the
    /// same lock. A refusal is answered (a wrong code's after its hold) and the connection
    /// closed.
    fn admit(
        &self,
        ws: &mut WebSocket<Wire>,
        hello: &Hello,
        slot: &mut Joining,
        gate: &Mutex<Gate>,
        stop: &AtomicBool,
    ) -> Option<Admitted> {
        let ip = self.peer.ip();
        let admitted = {
            let mut g = gate.lock().expect("not poisoned");
            let admitted = g.admit(ip, hello, Instant::now());
            if admitted.is_ok() {
                slot.release(&mut g);
            }
            admitted
        };
        match admitted {
            Ok(seat) => return Some(seat),
            Err(Refusal::NoRoom(reason)) => self.refuse(ws, "seats refused", reason),
            Err(Refusal::Wrong(wrong)) => {
                if wrong.throttled_now {
                    let _ = self.inbound.send(Inbound::Turned {
                        about: format!("{ip}: throttled"),
                        line: format!(
                            "{ip}: {FREE_WRONG_CODES} wrong join codes: its further wrong ones \
                             are answered after a growing delay, up to {} s (a right code still \
                             gets in at once)",
                            MAX_WRONG_CODE_DELAY.as_secs()
                        ),
                    });
                }
                hold_answer(wrong.hold, stop);
                self.refuse(ws, "wrong join codes", wrong.reason);
            }
        }
        None
    }
}
