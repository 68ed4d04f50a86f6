//! Who gets in, and the wire work of each connection: join codes, the throttle on wrong ones,
//! the limits on connections (joining, per address, per team, in all), the budget each seat's
//! orders and notes are held to, and one thread per connection doing the WebSocket handshake,
//! the hello, the limits on what a seat sends (floods, garbage, oversize, silence) and the
//! sending of what the host published. Nothing here touches the exercise: it talks to
//! [`super::host::LabHost`] through channels.
//!
//! The rules themselves (`Gate`, `WrongCodes`, `Budget`) take the time as an argument, so their
//! tests run on logical time.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tungstenite::handshake::HandshakeError;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::protocol::{FromHost, FromSeat, MAX_SEAT_MESSAGE, PROTOCOL, mismatch};
use crate::scenario::Command;
use crate::scenario::ids::TeamIx;

/// Seats connected at once, in all (each is a thread).
pub const MAX_SEATS: usize = 64;
/// Seats one team may have connected unless the host allows more (`--seats-per-team`): a team
/// of trainees rarely has more than a few laptops, and a leaked code cannot fill the room.
pub const SEATS_PER_TEAM: usize = 8;
/// The most the host may allow one team: half the room, so one team (one leaked code) can
/// never take every seat.
pub const MAX_SEATS_PER_TEAM: usize = MAX_SEATS / 2;
/// Different seat names one team may have had: the host keeps a record and a number for each,
/// so joining under ever new names must not grow it without end. Rejoining under a name already
/// used is always possible.
pub const NAMES_PER_TEAM: usize = 4 * MAX_SEATS_PER_TEAM;
/// Connections still in the WebSocket handshake or the hello (or waiting for a wrong code's
/// answer), in all and from one address. Each is a thread, so they are few; per address, so
/// one machine dribbling bytes cannot hold the door for everyone else.
pub const MAX_JOINING: usize = 64;
pub const JOINING_PER_ADDRESS: usize = 4;
/// From the accept to the hello read: absolute, so a byte every few seconds buys no time. A
/// seat on a lab network says hello within milliseconds.
pub const JOIN_DEADLINE: Duration = Duration::from_secs(5);
/// Wrong codes an address may give before its wrong ones are answered late: a trainee mistyping
/// a few times is not slowed.
pub const FREE_WRONG_CODES: u32 = 5;
/// The longest a wrong code's answer is held: below the seat's wait for a welcome, so a
/// throttled seat still hears "wrong code" rather than retrying as if the host were gone.
pub const MAX_WRONG_CODE_DELAY: Duration = Duration::from_secs(16);
/// An address's wrong codes are forgotten after this long without one.
pub const WRONG_CODES_FORGOTTEN: Duration = Duration::from_secs(600);
/// Orders and notes a seat may send per minute: a trainee clicking through a busy moment gives
/// a few a minute; twenty is a fast burst, never a typing pace.
pub const SEAT_MESSAGES_PER_MINUTE: usize = 20;
/// Bytes of orders and notes (as they go into the journal) a seat may send per minute: a fast
/// typist writes about 500 characters a minute; 8 KB also lets a trainee paste four full notes.
pub const SEAT_BYTES_PER_MINUTE: usize = 8 << 10;
/// The longest note, in bytes of text: a paragraph or a pasted log excerpt.
pub const NOTE_MAX_BYTES: usize = 2 << 10;
/// A seat not heard from (no message, no ping) for this long is dropped; a running seat pings
/// every [`super::seat::PING_EVERY`].
pub const SEAT_SILENCE: Duration = Duration::from_secs(600);
/// Characters of a refused order, or of its reason, kept in the journal and the host's log: a
/// refused order may carry names of any length.
pub const REFUSAL_CHARS: usize = 200;
/// Unreadable messages a seat may send before it is cut off.
const GARBAGE_LIMIT: u32 = 20;
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a connection thread waits for a message before looking for ones to send.
const POLL: Duration = Duration::from_millis(20);
const MINUTE: Duration = Duration::from_secs(60);

/// What connection threads tell the exercise's thread.
pub(super) enum Inbound {
    Joined {
        label: String,
        team: TeamIx,
        tx: Sender<Arc<str>>,
        received: Arc<AtomicU64>,
    },
    /// An order within the seat's budget, for the host to check and take.
    Order {
        label: String,
        id: u64,
        command: Command,
    },
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
    /// Something refused before or outside a seat (a wrong code, garbage, a full lab). `about`
    /// names the kind and the address: the host prints the first of a kind and then how many
    /// more a minute, never one line per attempt.
    Turned {
        about: String,
        line: String,
    },
}

/// Wrong join codes from one address.
#[derive(Clone, Debug, Default)]
pub(super) struct WrongCodes {
    count: u32,
    last: Option<Instant>,
}

impl WrongCodes {
    /// Counts a wrong code given at `now`; returns how long to hold its answer.
    fn wrong(&mut self, now: Instant) -> Duration {
        if self.forgotten(now) {
            self.count = 0;
        }
        self.count = self.count.saturating_add(1);
        self.last = Some(now);
        wrong_code_delay(self.count)
    }

    fn forgotten(&self, now: Instant) -> bool {
        self.last
            .is_none_or(|t| now.saturating_duration_since(t) >= WRONG_CODES_FORGOTTEN)
    }
}

/// The hold on the answer to an address's `count`-th wrong code: none for the first few, then
/// doubling from a second. With [`JOINING_PER_ADDRESS`] connections at a time, an address
/// guesses at most a few codes a minute among 32^6.
pub(super) fn wrong_code_delay(count: u32) -> Duration {
    if count <= FREE_WRONG_CODES {
        return Duration::ZERO;
    }
    let doublings = (count - FREE_WRONG_CODES - 1).min(8);
    Duration::from_secs(1 << doublings).min(MAX_WRONG_CODE_DELAY)
}

/// A wrong code or unknown team, with how long to hold the answer.
#[derive(Debug, PartialEq)]
pub(super) struct Wrong {
    pub reason: String,
    pub hold: Duration,
    /// This wrong code is the one after which the address's wrong ones are held.
    pub throttled_now: bool,
}

/// What one seat sent in the last minute, to hold it to its budget. Kept by the gate across
/// the seat's connections, so leaving and rejoining does not refill it.
#[derive(Clone, Debug, Default)]
pub(super) struct Budget {
    /// (when, bytes) of each message taken in the last minute.
    recent: VecDeque<(Instant, usize)>,
    bytes: usize,
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
}

/// A seat let in: its key among the team's live seats (its name, with `+` for a second seat
/// of the same name) and its number in the team.
#[derive(Debug, PartialEq)]
pub(super) struct Place {
    pub key: String,
    pub number: u32,
}

/// State the connection threads share.
#[derive(Default)]
pub(super) struct Gate {
    /// team id -> (team, code)
    pub(super) codes: BTreeMap<String, (TeamIx, String)>,
    pub(super) seats_per_team: usize,
    wrong_codes: BTreeMap<IpAddr, WrongCodes>,
    /// Seat numbers by (team, name): a seat that rejoins keeps its number.
    numbers: BTreeMap<(TeamIx, String), u32>,
    /// Seats connected now, by (team, name).
    live: BTreeSet<(TeamIx, String)>,
    /// Budgets of seats not connected now, by (team, name), for when they rejoin.
    budgets: BTreeMap<(TeamIx, String), Budget>,
    /// Connections joining, by address, and in all.
    joining: BTreeMap<IpAddr, usize>,
    joining_all: usize,
}

impl Gate {
    pub(super) fn new(codes: BTreeMap<String, (TeamIx, String)>, seats_per_team: usize) -> Gate {
        Gate {
            codes,
            seats_per_team,
            ..Gate::default()
        }
    }

    /// A place for a new connection among those joining.
    fn start_joining(&mut self, ip: IpAddr) -> Result<(), String> {
        let here = self.joining.get(&ip).copied().unwrap_or(0);
        if here >= JOINING_PER_ADDRESS {
            return Err(format!(
                "{here} connections from this address are still joining"
            ));
        }
        if self.joining_all >= MAX_JOINING {
            return Err(format!("{MAX_JOINING} connections are still joining"));
        }
        *self.joining.entry(ip).or_default() += 1;
        self.joining_all += 1;
        Ok(())
    }

    fn end_joining(&mut self, ip: IpAddr) {
        if let Some(n) = self.joining.get_mut(&ip) {
            *n -= 1;
            if *n == 0 {
                self.joining.remove(&ip);
            }
            self.joining_all -= 1;
        }
    }

    /// Checks a join code at `now`. A right code is always let in, however many wrong ones the
    /// address gave; a wrong one counts against the address and may have its answer held.
    pub(super) fn check_code(
        &mut self,
        ip: IpAddr,
        team: &str,
        code: &str,
        now: Instant,
    ) -> Result<TeamIx, Wrong> {
        let found = self.codes.get(team).cloned();
        if let Some((t, expected)) = &found
            && expected.eq_ignore_ascii_case(code.trim())
        {
            return Ok(*t);
        }
        // Addresses quiet long enough are forgotten, so the map holds only recent guessers.
        self.wrong_codes.retain(|_, w| !w.forgotten(now));
        let tries = self.wrong_codes.entry(ip).or_default();
        let hold = tries.wrong(now);
        let team = cut(team, 40);
        Err(Wrong {
            reason: match found {
                Some(_) => format!("wrong join code for team `{team}`"),
                None => format!("no team `{team}` in this exercise"),
            },
            hold,
            throttled_now: tries.count == FREE_WRONG_CODES,
        })
    }

    /// A seat for `name` in `team`, if the room and the team have one.
    pub(super) fn take_seat(&mut self, team: TeamIx, name: &str) -> Result<Place, String> {
        let team_id = self.team_id(team);
        if self.live.len() >= MAX_SEATS {
            return Err(format!(
                "the lab is full: {MAX_SEATS} seats are connected; try again when one leaves"
            ));
        }
        let here = self.live.iter().filter(|(t, _)| *t == team).count();
        if here >= self.seats_per_team {
            return Err(format!(
                "team `{team_id}` already has {here} seats connected, the most this host allows \
                 a team; ask the facilitator"
            ));
        }
        // A seat that rejoins under its name keeps its number; two at once get two.
        let mut key = name.to_string();
        while self.live.contains(&(team, key.clone())) {
            key.push('+');
        }
        let had = self.numbers.keys().filter(|(t, _)| *t == team).count();
        if !self.numbers.contains_key(&(team, key.clone())) && had >= NAMES_PER_TEAM {
            return Err(format!(
                "team `{team_id}` has had {had} differently named seats; rejoin under a name \
                 it used before"
            ));
        }
        self.live.insert((team, key.clone()));
        let number = *self
            .numbers
            .entry((team, key.clone()))
            .or_insert(had as u32 + 1);
        Ok(Place { key, number })
    }

    /// The seat left: its place is free, its budget kept for its return.
    fn leave_seat(&mut self, team: TeamIx, key: String, budget: Budget) {
        self.live.remove(&(team, key.clone()));
        self.budgets.insert((team, key), budget);
    }

    fn team_id(&self, team: TeamIx) -> String {
        self.codes
            .iter()
            .find(|(_, (t, _))| *t == team)
            .map(|(id, _)| id.clone())
            .unwrap_or_default()
    }
}

/// Join codes: six letters and digits a trainer can read out, none that look alike.
pub(super) fn code_for(secret: u64, team: &str) -> String {
    use std::hash::{Hash, Hasher};
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut h = crate::sim::digest::Fnv::default();
    (secret, team).hash(&mut h);
    let mut x = h.finish() ^ secret.rotate_left(17);
    (0..6)
        .map(|_| {
            let c = ALPHABET[(x % ALPHABET.len() as u64) as usize] as char;
            x /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

/// A secret for this exercise's codes from the operating system's randomness (the simulation's
/// seed must not make codes guessable, and codes must not touch the simulation).
pub(super) fn fresh_secret() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
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

pub(super) fn accept(
    listener: TcpListener,
    gate: Arc<Mutex<Gate>>,
    tx: Sender<Inbound>,
    stop: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
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
                // A thread that cannot start drops its slot with the closure.
                let handle = std::thread::Builder::new()
                    .name(format!("lab-seat {peer}"))
                    .spawn(move || connection(stream, peer, accepted, slot, &gate, &tx, &stop));
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

fn send(ws: &mut WebSocket<Wire>, text: &str, received: &AtomicU64) -> bool {
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
fn hello(ws: &mut WebSocket<Wire>) -> Result<FromSeat, String> {
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

/// One connection, from the handshake to the close.
fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    accepted: Instant,
    mut slot: Joining,
    gate: &Mutex<Gate>,
    inbound: &Sender<Inbound>,
    stop: &AtomicBool,
) {
    let ip = peer.ip();
    let turned = |about: &str, why: String| {
        let _ = inbound.send(Inbound::Turned {
            about: format!("{ip}: {about}"),
            line: format!("{peer}: {why}"),
        });
    };
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let wire = Wire {
        stream,
        deadline: Some(accepted + JOIN_DEADLINE),
    };
    let mut ws = match handshake(wire) {
        Ok(ws) => ws,
        Err(e) => {
            return turned(
                "not seats",
                format!("not a seat (WebSocket handshake failed: {e})"),
            );
        }
    };
    let received = Arc::new(AtomicU64::new(0));
    let refuse = |ws: &mut WebSocket<Wire>, about: &str, reason: String| {
        send(
            ws,
            &FromHost::Refused {
                reason: reason.clone(),
            }
            .text(),
            &received,
        );
        let _ = ws.close(None);
        let _ = ws.flush();
        turned(about, reason);
    };
    let (team, code, name) = match hello(&mut ws) {
        Ok(FromSeat::Hello {
            protocol,
            team,
            code,
            name,
        }) => {
            if protocol != PROTOCOL {
                return refuse(&mut ws, "seats refused", mismatch(protocol));
            }
            (team, code, name)
        }
        Ok(_) => {
            return refuse(
                &mut ws,
                "seats refused",
                "a seat must say hello first".into(),
            );
        }
        Err(e) => return refuse(&mut ws, "not seats", format!("not a seat's hello: {e}")),
    };
    let name: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
    let admitted = {
        let mut g = gate.lock().expect("not poisoned");
        match g.check_code(ip, &team, &code, Instant::now()) {
            Ok(t) => match g.take_seat(t, &name) {
                Ok(place) => {
                    slot.release(&mut g);
                    let budget = g
                        .budgets
                        .remove(&(t, place.key.clone()))
                        .unwrap_or_default();
                    Ok((t, g.team_id(t), place, budget))
                }
                Err(reason) => Err(("seats refused", reason, None)),
            },
            Err(wrong) => Err((
                "wrong join codes",
                wrong.reason,
                Some((wrong.hold, wrong.throttled_now)),
            )),
        }
    };
    let (team, team_id, place, mut budget) = match admitted {
        Ok(a) => a,
        Err((about, reason, wrong)) => {
            if let Some((hold, throttled_now)) = wrong {
                if throttled_now {
                    let _ = inbound.send(Inbound::Turned {
                        about: format!("{ip}: throttled"),
                        line: format!(
                            "{ip}: {FREE_WRONG_CODES} wrong join codes: its further wrong ones \
                             are answered after a growing delay, up to {} s (a right code still \
                             gets in at once)",
                            MAX_WRONG_CODE_DELAY.as_secs()
                        ),
                    });
                }
                hold_answer(hold, stop);
            }
            return refuse(&mut ws, about, reason);
        }
    };
    let label = format!("{team_id}/{} {name} ({ip})", place.number);
    ws.get_mut().deadline = None;
    let _ = ws.get_mut().stream.set_read_timeout(Some(POLL));
    let (tx, outbox) = channel::<Arc<str>>();
    let _ = inbound.send(Inbound::Joined {
        label: label.clone(),
        team,
        tx,
        received: received.clone(),
    });
    let why = serve_seat(
        &mut ws,
        &label,
        &mut budget,
        inbound,
        &outbox,
        &received,
        stop,
    );
    let _ = ws.close(None);
    let _ = ws.flush();
    let mut why = why;
    if budget.over > 0 {
        why.push_str(&format!(
            "; {} more orders and notes refused over its budget",
            budget.over
        ));
        budget.over = 0;
    }
    gate.lock()
        .expect("not poisoned")
        .leave_seat(team, place.key, budget);
    let _ = inbound.send(Inbound::Left { label, why });
}

/// The journal bytes an order may cost: the command as the journal writes it.
fn cost(command: &Command) -> usize {
    serde_json::to_string(command).map_or(0, |t| t.len())
}

/// Passes orders in (within the seat's budget) and the team's messages out until the seat
/// leaves, falls silent, the host finishes or the connection fails; says why it ended.
fn serve_seat(
    ws: &mut WebSocket<Wire>,
    label: &str,
    budget: &mut Budget,
    inbound: &Sender<Inbound>,
    outbox: &Receiver<Arc<str>>,
    received: &AtomicU64,
    stop: &AtomicBool,
) -> String {
    let mut garbage = 0;
    let mut heard = Instant::now();
    // Refuses an unreadable message; true once the seat has sent too many.
    let mut unreadable = |ws: &mut WebSocket<Wire>, reason: &str| {
        garbage += 1;
        let _ = inbound.send(Inbound::Turned {
            about: format!("{label}: unreadable messages"),
            line: format!("{label}: {reason}"),
        });
        let reason = reason.to_string();
        send(ws, &FromHost::Rejected { id: 0, reason }.text(), received);
        garbage >= GARBAGE_LIMIT
    };
    loop {
        let read = ws.read();
        if read.is_ok() {
            heard = Instant::now();
        }
        match read {
            Ok(Message::Text(t)) => match serde_json::from_str::<FromSeat>(&t) {
                Ok(FromSeat::Order { id, command }) => {
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
                    if budget.charge(now, charge).is_err() {
                        let wait = budget.retry_in(now).as_secs().max(1);
                        let reason = format!(
                            "too many orders and notes from this seat: at most \
                             {SEAT_MESSAGES_PER_MINUTE} and {} KB a minute; this one was not \
                             taken, try again in {wait} s",
                            SEAT_BYTES_PER_MINUTE >> 10
                        );
                        if let Some(count) = budget.report(now) {
                            let _ = inbound.send(Inbound::Refused {
                                label: label.into(),
                                what: if count > 1 {
                                    format!("{count} orders and notes, the last a {what}")
                                } else {
                                    what
                                },
                                why: format!(
                                    "over the seat's budget of {SEAT_MESSAGES_PER_MINUTE} orders \
                                     and notes and {} KB a minute (refused without a line each \
                                     for a minute)",
                                    SEAT_BYTES_PER_MINUTE >> 10
                                ),
                                count,
                            });
                        }
                        send(ws, &FromHost::Rejected { id, reason }.text(), received);
                    } else if let Some(bytes) = long_note {
                        let reason = format!(
                            "a note of {bytes} bytes is too long: at most {NOTE_MAX_BYTES}"
                        );
                        let _ = inbound.send(Inbound::Refused {
                            label: label.into(),
                            what,
                            why: reason.clone(),
                            count: 1,
                        });
                        send(ws, &FromHost::Rejected { id, reason }.text(), received);
                    } else {
                        let _ = inbound.send(Inbound::Order {
                            label: label.into(),
                            id,
                            command,
                        });
                    }
                }
                Ok(FromSeat::Bye) => return "said goodbye".into(),
                Ok(FromSeat::Hello { .. }) | Err(_) => {
                    if unreadable(ws, "not an order this host understands") {
                        return "cut off after repeated unreadable messages".into();
                    }
                }
            },
            Ok(Message::Close(_)) => return "closed the connection".into(),
            Ok(Message::Binary(_)) => {
                if unreadable(ws, "a binary message: seats speak JSON text") {
                    return "cut off after repeated unreadable messages".into();
                }
            }
            Ok(_) => {}
            Err(e) if idle(&e) => {
                if heard.elapsed() >= SEAT_SILENCE {
                    return format!(
                        "dropped: not heard from for {} minutes",
                        SEAT_SILENCE.as_secs() / 60
                    );
                }
            }
            Err(tungstenite::Error::Capacity(e)) => return format!("cut off: {e}"),
            Err(e) => return format!("connection lost: {e}"),
        }
        loop {
            match outbox.try_recv() {
                Ok(text) => {
                    if !send(ws, &text, received) {
                        return "connection lost while sending".into();
                    }
                    if text.starts_with("{\"type\":\"finished\"") {
                        return "the exercise ended".into();
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return "the host stopped".into(),
            }
        }
        if stop.load(Ordering::SeqCst) && outbox.try_recv().is_err() {
            return "the host stopped".into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(seats_per_team: usize) -> Gate {
        Gate::new(
            [
                ("t".to_string(), (TeamIx(0), "ABC234".to_string())),
                ("u".to_string(), (TeamIx(1), "XYZ789".to_string())),
            ]
            .into(),
            seats_per_team,
        )
    }

    #[test]
    fn join_codes_differ_by_team_and_exercise_and_read_aloud_cleanly() {
        let a = code_for(1, "ag-npc");
        assert_eq!(a.len(), 6);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"01OI".contains(c))
        );
        assert_ne!(a, code_for(1, "lc-csirt"));
        assert_ne!(a, code_for(2, "ag-npc"));
        assert_eq!(a, code_for(1, "ag-npc"));
    }

    /// Wrong codes are answered at once, then later and later; the right code from the same
    /// address is let in at any point, and another address is not slowed at all.
    #[test]
    fn wrong_codes_slow_only_wrong_codes() {
        let mut g = gate(SEATS_PER_TEAM);
        let ip: IpAddr = [10, 0, 0, 7].into();
        let t0 = Instant::now();
        let mut holds = Vec::new();
        for i in 0..12u64 {
            let now = t0 + Duration::from_secs(i);
            let code = if i % 2 == 0 { "XXXXXX" } else { "ABC235" };
            let team = if i == 3 { "nobody" } else { "t" };
            let wrong = g.check_code(ip, team, code, now).unwrap_err();
            assert_eq!(wrong.throttled_now, i + 1 == FREE_WRONG_CODES as u64);
            holds.push(wrong.hold.as_secs());
            assert_eq!(g.check_code(ip, "t", " abc234", now), Ok(TeamIx(0)));
        }
        assert_eq!(holds, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 16, 16]);
        let wrong = g.check_code(ip, "nobody", "ABC234", t0).unwrap_err();
        assert!(wrong.reason.contains("no team `nobody`"), "{wrong:?}");
        let other: IpAddr = [10, 0, 0, 8].into();
        let w = g.check_code(other, "t", "XXXXXX", t0).unwrap_err();
        assert_eq!(w.hold, Duration::ZERO);
        assert!(w.reason.contains("wrong join code"), "{w:?}");
        // Ten quiet minutes and the address starts afresh.
        let later = t0 + Duration::from_secs(11) + WRONG_CODES_FORGOTTEN;
        let w = g.check_code(ip, "t", "XXXXXX", later).unwrap_err();
        assert_eq!(w.hold, Duration::ZERO);
        assert_eq!(
            g.wrong_codes.len(),
            1,
            "the other address was forgotten too"
        );
    }

    #[test]
    fn a_long_team_name_in_a_wrong_hello_is_cut() {
        let mut g = gate(SEATS_PER_TEAM);
        let long = "x".repeat(10_000);
        let w = g
            .check_code([10, 0, 0, 1].into(), &long, "A", Instant::now())
            .unwrap_err();
        assert!(w.reason.len() < 100, "{}", w.reason.len());
    }

    #[test]
    fn few_connections_join_at_once_per_address_and_in_all() {
        let mut g = gate(SEATS_PER_TEAM);
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..JOINING_PER_ADDRESS {
            g.start_joining(ip).unwrap();
        }
        let busy = g.start_joining(ip).unwrap_err();
        assert!(busy.contains("from this address"), "{busy}");
        g.end_joining(ip);
        g.start_joining(ip).unwrap();
        let mut n = JOINING_PER_ADDRESS;
        for a in 0..=255u8 {
            if n == MAX_JOINING {
                break;
            }
            let other: IpAddr = [10, 0, 1, a].into();
            while n < MAX_JOINING && g.start_joining(other).is_ok() {
                n += 1;
            }
        }
        let full = g.start_joining([10, 0, 2, 1].into()).unwrap_err();
        assert!(full.contains("still joining"), "{full}");
        g.end_joining(ip);
        assert!(g.start_joining([10, 0, 2, 1].into()).is_ok());
        // An address that never joined gives nothing back.
        g.end_joining([10, 9, 9, 9].into());
        assert_eq!(g.joining_all, MAX_JOINING);
    }

    #[test]
    fn one_team_cannot_take_every_seat() {
        let mut g = gate(SEATS_PER_TEAM);
        for i in 0..SEATS_PER_TEAM {
            let p = g.take_seat(TeamIx(0), "laptop").unwrap();
            assert_eq!(p.number as usize, i + 1);
        }
        let full = g.take_seat(TeamIx(0), "laptop").unwrap_err();
        assert!(
            full.contains("team `t` already has 8 seats connected"),
            "{full}"
        );
        assert_eq!(g.take_seat(TeamIx(1), "other").unwrap().number, 1);
        // One leaves and comes back: its number and its budget are kept.
        let mut spent = Budget::default();
        spent.charge(Instant::now(), 100).unwrap();
        g.leave_seat(TeamIx(0), "laptop+".into(), spent);
        let back = g.take_seat(TeamIx(0), "laptop").unwrap();
        assert_eq!(
            back,
            Place {
                key: "laptop+".into(),
                number: 2
            }
        );
        assert_eq!(g.budgets[&(TeamIx(0), "laptop+".to_string())].bytes, 100);
    }

    #[test]
    fn the_room_and_the_names_a_team_may_use_are_bounded() {
        let mut g = gate(MAX_SEATS_PER_TEAM);
        for i in 0..MAX_SEATS {
            g.take_seat(TeamIx((i % 2) as u32), &format!("s{i}"))
                .unwrap();
        }
        let full = g.take_seat(TeamIx(1), "late").unwrap_err();
        assert!(full.contains("the lab is full"), "{full}");
        let mut g = gate(1);
        for i in 0..NAMES_PER_TEAM {
            let name = format!("n{i}");
            g.take_seat(TeamIx(0), &name).unwrap();
            g.leave_seat(TeamIx(0), name, Budget::default());
        }
        let many = g.take_seat(TeamIx(0), "new").unwrap_err();
        assert!(many.contains("rejoin under a name"), "{many}");
        assert!(g.take_seat(TeamIx(0), "n3").is_ok());
    }

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

    #[test]
    fn wrong_code_delays_grow_to_their_cap() {
        assert_eq!(wrong_code_delay(FREE_WRONG_CODES), Duration::ZERO);
        assert_eq!(
            wrong_code_delay(FREE_WRONG_CODES + 1),
            Duration::from_secs(1)
        );
        assert_eq!(wrong_code_delay(u32::MAX), MAX_WRONG_CODE_DELAY);
        assert!(MAX_WRONG_CODE_DELAY < super::super::seat::WELCOME_TIMEOUT);
    }
}
