//! Who gets in, and the wire work of each connection: join codes, the limit on wrong ones per
//! address, and one thread per connection doing the WebSocket handshake, the hello, the limits
//! on what a seat sends (floods, garbage, oversize) and the sending of what the host published.
//! Nothing here touches the exercise: it talks to [`super::host::LabHost`] through channels.

use std::collections::{BTreeMap, VecDeque};
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::protocol::{FromHost, FromSeat, MAX_SEAT_MESSAGE, PROTOCOL, mismatch};
use crate::scenario::Command;
use crate::scenario::ids::TeamIx;

/// Wrong codes one address may try per minute before it is told to wait.
pub const CODE_TRIES_PER_MINUTE: usize = 5;
/// Orders a seat may send in a burst, and per second after it.
const ORDER_BURST: f64 = 20.0;
const ORDERS_PER_SECOND: f64 = 5.0;
/// Connections open at once (each is a thread).
pub const MAX_CONNECTIONS: usize = 64;
/// Unreadable messages a seat may send before it is cut off.
const GARBAGE_LIMIT: u32 = 20;
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a connection thread waits for a message before looking for ones to send.
const POLL: Duration = Duration::from_millis(20);

/// What connection threads tell the exercise's thread.
pub(super) enum Inbound {
    Joined {
        label: String,
        team: TeamIx,
        tx: Sender<Arc<str>>,
        received: Arc<AtomicU64>,
    },
    Order {
        label: String,
        id: u64,
        command: Command,
    },
    Left {
        label: String,
        why: String,
    },
    /// Something refused before or outside a seat (a wrong code, garbage, a flood).
    Turned(String),
}

/// State the connection threads share.
pub(super) struct Gate {
    /// team id -> (team, code)
    pub(super) codes: BTreeMap<String, (TeamIx, String)>,
    pub(super) wrong_codes: BTreeMap<IpAddr, VecDeque<Instant>>,
    /// Seat numbers by (team, name): a seat that rejoins keeps its number.
    pub(super) numbers: BTreeMap<(TeamIx, String), u32>,
    /// Seats connected now, by (team, name).
    pub(super) live: std::collections::BTreeSet<(TeamIx, String)>,
    pub(super) open: usize,
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
                let full = {
                    let mut g = gate.lock().expect("not poisoned");
                    let full = g.open >= MAX_CONNECTIONS;
                    if !full {
                        g.open += 1;
                    }
                    full
                };
                if full {
                    let _ = tx.send(Inbound::Turned(format!(
                        "{peer}: turned away, {MAX_CONNECTIONS} connections already open"
                    )));
                    continue;
                }
                let (gate, tx, stop) = (gate.clone(), tx.clone(), stop.clone());
                let handle = std::thread::Builder::new()
                    .name(format!("lab-seat {peer}"))
                    .spawn(move || {
                        connection(stream, peer, &gate, &tx, &stop);
                        gate.lock().expect("not poisoned").open -= 1;
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

/// A would-block or timed-out read: nothing arrived yet.
pub(super) fn idle(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if matches!(io.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
}

fn send(ws: &mut WebSocket<TcpStream>, text: &str, received: &AtomicU64) -> bool {
    received.fetch_add(text.len() as u64, Ordering::Relaxed);
    ws.send(Message::text(text)).is_ok()
}

/// One connection, from the handshake to the close.
fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    gate: &Mutex<Gate>,
    inbound: &Sender<Inbound>,
    stop: &AtomicBool,
) {
    let turned = |why: String| {
        let _ = inbound.send(Inbound::Turned(format!("{peer}: {why}")));
    };
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(HELLO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_SEAT_MESSAGE))
        .max_frame_size(Some(MAX_SEAT_MESSAGE));
    let mut ws = match tungstenite::accept_with_config(stream, Some(config)) {
        Ok(ws) => ws,
        Err(e) => return turned(format!("not a seat (WebSocket handshake failed: {e})")),
    };
    let received = Arc::new(AtomicU64::new(0));
    let refuse = |ws: &mut WebSocket<TcpStream>, reason: String| {
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
        turned(reason);
    };
    let hello = match ws.read() {
        Ok(Message::Text(t)) => serde_json::from_str::<FromSeat>(&t).map_err(|e| e.to_string()),
        Ok(_) => Err("the first message is not text".into()),
        Err(e) => Err(e.to_string()),
    };
    let (team, name) = match hello {
        Ok(FromSeat::Hello {
            protocol,
            team,
            code,
            name,
        }) => {
            if protocol != PROTOCOL {
                return refuse(&mut ws, mismatch(protocol));
            }
            match admit(gate, peer.ip(), &team, &code) {
                Ok(t) => (t, name),
                Err(reason) => return refuse(&mut ws, reason),
            }
        }
        Ok(_) => return refuse(&mut ws, "a seat must say hello first".into()),
        Err(e) => return refuse(&mut ws, format!("not a seat's hello: {e}")),
    };
    let name: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
    let label = {
        let mut g = gate.lock().expect("not poisoned");
        let team_id = g
            .codes
            .iter()
            .find(|(_, (t, _))| *t == team)
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        // A seat that rejoins under its name keeps its number; two at once get two.
        let mut key = name.clone();
        while g.live.contains(&(team, key.clone())) {
            key.push('+');
        }
        g.live.insert((team, key.clone()));
        let taken = g.numbers.keys().filter(|(t, _)| *t == team).count() as u32;
        let n = *g.numbers.entry((team, key.clone())).or_insert(taken + 1);
        (format!("{team_id}/{n} {name} ({})", peer.ip()), key)
    };
    let (label, key) = label;
    let (tx, outbox) = channel::<Arc<str>>();
    let _ = inbound.send(Inbound::Joined {
        label: label.clone(),
        team,
        tx,
        received: received.clone(),
    });
    let _ = ws.get_mut().set_read_timeout(Some(POLL));
    let why = serve_seat(&mut ws, &label, inbound, &outbox, &received, stop);
    let _ = ws.close(None);
    let _ = ws.flush();
    gate.lock().expect("not poisoned").live.remove(&(team, key));
    let _ = inbound.send(Inbound::Left { label, why });
}

/// Checks a join code, with a limit on wrong ones per address.
fn admit(gate: &Mutex<Gate>, ip: IpAddr, team: &str, code: &str) -> Result<TeamIx, String> {
    let mut g = gate.lock().expect("not poisoned");
    let now = Instant::now();
    let tries = g.wrong_codes.entry(ip).or_default();
    while tries
        .front()
        .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60))
    {
        tries.pop_front();
    }
    if tries.len() >= CODE_TRIES_PER_MINUTE {
        return Err(format!(
            "too many wrong join codes from {ip}; wait a minute and check the code with the facilitator"
        ));
    }
    let found = g.codes.get(team).cloned();
    match found {
        Some((t, expected)) if expected.eq_ignore_ascii_case(code.trim()) => Ok(t),
        _ => {
            g.wrong_codes.entry(ip).or_default().push_back(now);
            Err(match found {
                Some(_) => format!("wrong join code for team `{team}`"),
                None => format!("no team `{team}` in this exercise"),
            })
        }
    }
}

/// Passes orders in and the team's messages out until the seat leaves, the host finishes or
/// the connection fails; says why it ended.
fn serve_seat(
    ws: &mut WebSocket<TcpStream>,
    label: &str,
    inbound: &Sender<Inbound>,
    outbox: &Receiver<Arc<str>>,
    received: &AtomicU64,
    stop: &AtomicBool,
) -> String {
    let mut tokens = ORDER_BURST;
    let mut refilled = Instant::now();
    let mut garbage = 0;
    // Refuses an unreadable message; true once the seat has sent too many.
    let mut unreadable = |ws: &mut WebSocket<TcpStream>, reason: &str| {
        garbage += 1;
        let _ = inbound.send(Inbound::Turned(format!("{label}: {reason}")));
        let reason = reason.to_string();
        send(ws, &FromHost::Rejected { id: 0, reason }.text(), received);
        garbage >= GARBAGE_LIMIT
    };
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => {
                tokens = (tokens + refilled.elapsed().as_secs_f64() * ORDERS_PER_SECOND)
                    .min(ORDER_BURST);
                refilled = Instant::now();
                match serde_json::from_str::<FromSeat>(&t) {
                    Ok(FromSeat::Order { id, command }) if tokens >= 1.0 => {
                        tokens -= 1.0;
                        let _ = inbound.send(Inbound::Order {
                            label: label.into(),
                            id,
                            command,
                        });
                    }
                    Ok(FromSeat::Order { id, .. }) => {
                        let reason = format!(
                            "too many orders: at most {ORDERS_PER_SECOND} a second after a burst of {ORDER_BURST}"
                        );
                        let _ = inbound.send(Inbound::Turned(format!("{label}: {reason}")));
                        send(ws, &FromHost::Rejected { id, reason }.text(), received);
                    }
                    Ok(FromSeat::Bye) => return "said goodbye".into(),
                    Ok(FromSeat::Hello { .. }) | Err(_) => {
                        if unreadable(ws, "not an order this host understands") {
                            return "cut off after repeated unreadable messages".into();
                        }
                    }
                }
            }
            Ok(Message::Close(_)) => return "closed the connection".into(),
            Ok(Message::Binary(_)) => {
                if unreadable(ws, "a binary message: seats speak JSON text") {
                    return "cut off after repeated unreadable messages".into();
                }
            }
            Ok(_) => {}
            Err(e) if idle(&e) => {}
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

    #[test]
    fn wrong_codes_are_limited_per_address_even_before_the_right_one() {
        let gate = Mutex::new(Gate {
            codes: [("t".to_string(), (TeamIx(0), "ABC234".to_string()))].into(),
            wrong_codes: BTreeMap::new(),
            numbers: BTreeMap::new(),
            live: Default::default(),
            open: 0,
        });
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert_eq!(admit(&gate, ip, "t", "abc234 "), Ok(TeamIx(0)));
        assert!(
            admit(&gate, ip, "u", "ABC234")
                .unwrap_err()
                .contains("no team")
        );
        for _ in 1..CODE_TRIES_PER_MINUTE {
            assert!(
                admit(&gate, ip, "t", "XXXXXX")
                    .unwrap_err()
                    .contains("wrong")
            );
        }
        let limited = admit(&gate, ip, "t", "ABC234").unwrap_err();
        assert!(limited.contains("too many"), "{limited}");
        let other: IpAddr = [127, 0, 0, 2].into();
        assert_eq!(admit(&gate, other, "t", "ABC234"), Ok(TeamIx(0)));
    }
}
