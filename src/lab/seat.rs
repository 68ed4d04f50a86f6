//! A trainee's seat: joins the host with its team's code, keeps the team's screen as the host
//! sends it, and sends the team's orders. The window (`tidewatch seat`) and the scripted
//! headless seat (`--headless --commands FILE`, for rehearsals and tests) share this.

use std::collections::VecDeque;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::protocol::{FromHost, FromSeat, MAX_MESSAGE, PROTOCOL};
use crate::report::view::{ClockView, FeedLine, Geography, TeamView, push_lines};
use crate::scenario::{Command, LoadError, Timed};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a seat waits for the host's answer to its hello: longer than the host holds the
/// answer to a throttled wrong code, so a wrong code is heard as one, not as a host gone.
pub const WELCOME_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(20);
/// A seat with nothing to say pings this often, so the host, which drops seats it has not
/// heard from for [`super::conversation::SEAT_SILENCE`], knows a quiet trainee is still there.
pub const PING_EVERY: Duration = Duration::from_secs(30);
const _: () = assert!(PING_EVERY.as_secs() * 10 <= super::conversation::SEAT_SILENCE.as_secs());

/// Why a seat is not in.
#[derive(Debug)]
pub enum JoinError {
    /// The host said no (a wrong code, another protocol): trying again will not help.
    Refused(String),
    /// The host could not be reached or the connection broke: try again.
    Unreachable(String),
}

impl std::fmt::Display for JoinError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JoinError::Refused(r) => write!(f, "the host refused this seat: {r}"),
            JoinError::Unreachable(r) => write!(f, "cannot reach the host: {r}"),
        }
    }
}

/// What the seat shows: the team's screen as the host last sent it, and the answers to its
/// orders.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SeatScreen {
    pub seat: String,
    pub geography: Geography,
    pub clock: ClockView,
    pub view: TeamView,
    pub feed: VecDeque<FeedLine>,
    /// (order id, accepted at tick or the reason it was refused)
    pub answers: Vec<(u64, Result<u64, String>)>,
    /// The tick the exercise ended at, once it has.
    pub finished: Option<u64>,
}

impl SeatScreen {
    pub fn apply(&mut self, message: FromHost) {
        match message {
            FromHost::Welcome {
                seat, geography, ..
            } => {
                self.seat = seat;
                self.geography = geography;
                // The host sends the whole feed after a welcome: start it afresh.
                self.feed.clear();
            }
            FromHost::View { view } => self.view = *view,
            FromHost::Feed { lines } => push_lines(&mut self.feed, lines),
            FromHost::Clock { clock } => self.clock = clock,
            FromHost::Accepted { id, tick } => self.answers.push((id, Ok(tick))),
            FromHost::Rejected { id, reason } => self.answers.push((id, Err(reason))),
            FromHost::Finished { tick } => self.finished = Some(tick),
            FromHost::Refused { .. } | FromHost::Said { .. } | FromHost::Msel { .. } => {}
        }
    }
}

/// Where a seat joins and as whom: the host, the team, its code and the seat's name.
#[derive(Clone, Debug)]
pub struct Ticket {
    pub address: String,
    pub team: String,
    pub code: String,
    pub name: String,
}

impl Ticket {
    /// Where a browser downloads the team's records up to now (its sensors' and collections'),
    /// made by the host from the live exercise (`lab::evidence`).
    pub fn evidence_url(&self) -> String {
        format!("http://{}{}", self.address, self.evidence_path())
    }

    fn evidence_path(&self) -> String {
        format!("/evidence/{}.ndjson?code={}", self.team, self.code)
    }

    /// Downloads the team's records up to now into `dir` as `evidence-TEAM.ndjson` (a file
    /// already there is replaced: each download holds the last one's records and more); its
    /// path and size in bytes. Blocks until the host has sent it all: call it off the
    /// window's thread.
    pub fn save_evidence(&self, dir: &Path) -> Result<(std::path::PathBuf, u64), String> {
        use std::io::{BufRead, BufReader, Write};
        let to = (self.address.to_socket_addrs())
            .map_err(|e| format!("{}: {e}", self.address))?
            .next()
            .ok_or_else(|| format!("`{}` names no address", self.address))?;
        let mut stream = TcpStream::connect_timeout(&to, CONNECT_TIMEOUT)
            .map_err(|e| format!("{}: {e}", self.address))?;
        let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.evidence_path(),
            self.address
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut answer = BufReader::new(stream);
        let mut status = String::new();
        answer.read_line(&mut status).map_err(|e| e.to_string())?;
        let mut line = String::new();
        while answer.read_line(&mut line).map_err(|e| e.to_string())? > 2 {
            line.clear();
        }
        if !status.starts_with("HTTP/1.1 200") {
            let mut why = String::new();
            let _ = std::io::Read::read_to_string(&mut answer, &mut why);
            return Err(format!("the host said {}: {}", status.trim(), why.trim()));
        }
        let path = dir.join(format!("evidence-{}.ndjson", self.team));
        let part = dir.join(format!("evidence-{}.ndjson.part", self.team));
        let mut file =
            std::fs::File::create(&part).map_err(|e| format!("{}: {e}", part.display()))?;
        let bytes = std::io::copy(&mut answer, &mut file).map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        // Whole or not at all: an analyst never opens half a download as the records.
        std::fs::rename(&part, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok((path, bytes))
    }
}

/// A seat's connection to the host.
pub struct SeatLink {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// When this seat last sent the host anything.
    said: Instant,
}

impl SeatLink {
    /// Connects and says hello; on a welcome, `screen` holds the team's screen so far.
    pub fn join(ticket: &Ticket, screen: &mut SeatScreen) -> Result<SeatLink, JoinError> {
        let address = &ticket.address;
        let unreachable = |e: String| JoinError::Unreachable(format!("{address}: {e}"));
        let target = address
            .to_socket_addrs()
            .map_err(|e| JoinError::Refused(format!("`{address}` is not HOST:PORT: {e}")))?
            .next()
            .ok_or_else(|| JoinError::Refused(format!("`{address}` names no address")))?;
        let stream = TcpStream::connect_timeout(&target, CONNECT_TIMEOUT)
            .map_err(|e| unreachable(e.to_string()))?;
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(WELCOME_TIMEOUT));
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE));
        let (ws, _) = tungstenite::client::client_with_config(
            format!("ws://{target}/seat"),
            stream,
            Some(config),
        )
        .map_err(|e| unreachable(format!("not a tidewatch host? {e}")))?;
        let mut link = SeatLink {
            ws,
            next_id: 1,
            said: Instant::now(),
        };
        link.say(&FromSeat::Hello {
            protocol: PROTOCOL,
            team: ticket.team.clone(),
            code: ticket.code.clone(),
            name: ticket.name.clone(),
        })
        .map_err(unreachable)?;
        let deadline = Instant::now() + WELCOME_TIMEOUT;
        loop {
            match link.next() {
                Ok(Some(FromHost::Refused { reason })) => return Err(JoinError::Refused(reason)),
                Ok(Some(m @ FromHost::Welcome { .. })) => {
                    screen.apply(m);
                    break;
                }
                Ok(Some(other)) => screen.apply(other),
                Ok(None) if Instant::now() < deadline => {}
                Ok(None) => return Err(unreachable("no answer from the host".into())),
                Err(e) => return Err(unreachable(e)),
            }
        }
        let _ = link.ws.get_mut().set_read_timeout(Some(POLL));
        Ok(link)
    }

    fn say(&mut self, m: &FromSeat) -> Result<(), String> {
        self.said = Instant::now();
        self.ws
            .send(Message::text(m.text()))
            .map_err(|e| e.to_string())
    }

    /// The next message, `None` if none came within the poll time.
    fn next(&mut self) -> Result<Option<FromHost>, String> {
        match self.ws.read() {
            Ok(Message::Text(t)) => serde_json::from_str(&t)
                .map(Some)
                .map_err(|e| format!("the host sent something this seat cannot read: {e}")),
            Ok(Message::Close(_)) => Err("the host closed the connection".into()),
            Ok(_) => Ok(None),
            Err(e) if super::connection::idle(&e) => Ok(None),
            Err(e) => Err(format!("connection lost: {e}")),
        }
    }

    /// Takes in everything the host has sent, and pings it when the seat has been quiet for
    /// [`PING_EVERY`]; `Err` when the connection is gone.
    pub fn receive(&mut self, screen: &mut SeatScreen) -> Result<(), String> {
        if self.said.elapsed() >= PING_EVERY {
            self.said = Instant::now();
            self.ws
                .send(Message::Ping(Default::default()))
                .map_err(|e| format!("connection lost: {e}"))?;
        }
        while let Some(m) = self.next()? {
            screen.apply(m);
            if screen.finished.is_some() {
                break;
            }
        }
        Ok(())
    }

    /// Sends an order; returns its id (the host's answer names it).
    pub fn order(&mut self, command: Command) -> Result<u64, String> {
        let id = self.next_id;
        self.next_id += 1;
        self.say(&FromSeat::Order { id, command })?;
        Ok(id)
    }

    pub fn leave(mut self) {
        let _ = self.say(&FromSeat::Bye);
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
    }
}

/// A command file for a seat: timed orders, each sent when the host's clock reaches it.
pub fn load_orders(path: &Path) -> Result<Vec<Timed>, LoadError> {
    let source = crate::scenario::Source::read(path)?;
    crate::scenario::command::timed_from(&source)
}

/// Plays a seat without a window: joins (retrying while the host is unreachable), sends each
/// order when the clock reaches it, rejoins after a dropped connection, and returns the screen
/// as it stood when the exercise ended. Prints what happens, one line each.
pub fn play_headless(
    ticket: &Ticket,
    mut orders: Vec<Timed>,
    patience: Duration,
) -> Result<SeatScreen, JoinError> {
    let mut screen = SeatScreen::default();
    orders.reverse();
    let mut link = rejoin(ticket, &mut screen, patience)?;
    println!("joined as {}", screen.seat);
    let mut answered = 0;
    while screen.finished.is_none() {
        if let Err(e) = link.receive(&mut screen) {
            println!("{e}; rejoining");
            link = rejoin(ticket, &mut screen, patience)?;
            println!("rejoined as {}", screen.seat);
            continue;
        }
        let start = screen.geography.start_minute;
        while let Some(t) = orders.last() {
            let due = t.at.to_tick(start).unwrap_or(0);
            if screen.clock.clock.is_empty() || due > screen.clock.now {
                break;
            }
            let t = orders.pop().expect("checked above");
            match link.order(t.command.clone()) {
                Ok(id) => println!("order {id} sent at {}: {:?}", screen.clock.clock, t.command),
                Err(e) => {
                    orders.push(t);
                    println!("{e}; rejoining");
                    link = rejoin(ticket, &mut screen, patience)?;
                }
            }
        }
        answered = print_answers(&screen, answered);
    }
    print_answers(&screen, answered);
    println!(
        "the exercise ended at {} (tick {})",
        screen.clock.clock,
        screen.finished.unwrap_or_default()
    );
    link.leave();
    Ok(screen)
}

/// Prints the host's answers from the `from`-th on; returns how many there are now.
fn print_answers(screen: &SeatScreen, from: usize) -> usize {
    for (id, answer) in &screen.answers[from..] {
        match answer {
            Ok(tick) => println!("order {id} accepted at tick {tick}"),
            Err(reason) => println!("order {id} refused: {reason}"),
        }
    }
    screen.answers.len()
}

/// Joins, trying again while the host cannot be reached, for up to `patience`.
pub fn rejoin(
    ticket: &Ticket,
    screen: &mut SeatScreen,
    patience: Duration,
) -> Result<SeatLink, JoinError> {
    let deadline = Instant::now() + patience;
    loop {
        match SeatLink::join(ticket, screen) {
            Ok(link) => return Ok(link),
            Err(JoinError::Unreachable(_)) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(250));
            }
            Err(e) => return Err(e),
        }
    }
}
