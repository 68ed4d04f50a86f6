//! The host of a lab exercise: listens on the lab network, lets in seats that know their
//! team's join code (`gate`, which also holds connections and seats to their limits), checks
//! every order against the seat's team, and sends each seat its team's view and nothing else.
//! One thread per connection does the network work; the exercise's own thread calls
//! [`LabHost::serve`] between ticks, so orders and refusals join the journal at a tick
//! boundary like any other command. What the seats get wrong is printed for the facilitator,
//! the first of a kind at once and then a count once a minute, never a line per attempt.
//! What each team's seats are sent is kept in `desks.rs`.

mod desks;
mod white_cell;

use std::collections::{BTreeMap, VecDeque};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::budget;
use super::connection::{self, Arrival, Inbound, SeatOrder};
use super::evidence::{Ledger, SharedLedger};
use super::feed::Feed;
use super::gate::{self, Gate};
use super::protocol::{FACILITATOR, FromHost, PROTOCOL};
use crate::exercise::authority::team_may;
use crate::exercise::session::RefusedOrder;
use crate::report::view::{ClockView, Geography};
use crate::scenario::ids::TeamIx;
use crate::scenario::{Command, Plan};
use crate::sim::events::Stamped;
use desks::{PUBLISH_EVERY, TeamDesk};

pub use super::budget::{
    NOTE_MAX_BYTES, REFUSAL_CHARS, SEAT_BYTES_PER_MINUTE, SEAT_MESSAGES_PER_MINUTE,
};
pub use super::conversation::SEAT_SILENCE;
pub use gate::{
    FREE_WRONG_CODES, JOIN_DEADLINE, JOINING_PER_ADDRESS, MAX_JOINING, MAX_SEATS,
    MAX_SEATS_PER_TEAM, MAX_WRONG_CODE_DELAY, SEATS_PER_TEAM,
};

/// Lines kept in the facilitator's lab log.
const LOG_LINES: usize = 200;
/// A kind of trouble is printed once, then counted for this long.
const HUSH: Duration = Duration::from_secs(60);

/// What the seats gave since the last [`LabHost::serve`]: orders to apply, each with its
/// seat's label, and refusals to journal.
#[derive(Debug, Default)]
pub struct Given {
    pub orders: Vec<(Command, String)>,
    pub refused: Vec<RefusedOrder>,
    /// Lines a facilitator's seat said, as typed on the host's terminal, with its label.
    pub said: Vec<(String, String)>,
}

/// A kind of trouble printed once: since when, and how many more came since.
struct Hushed {
    since: Instant,
    more: u64,
}

/// A seat as the facilitator sees it.
#[derive(Clone, Debug)]
pub struct SeatRecord {
    /// `team/n name (address)`, as journaled with its orders.
    pub label: String,
    pub team: TeamIx,
    pub connected: bool,
    pub orders: u32,
    pub refused: u32,
    /// Bytes the host has sent to this seat (all its connections).
    pub received: Arc<AtomicU64>,
    tx: Option<Sender<Arc<str>>>,
}

pub struct LabHost {
    address: SocketAddr,
    codes: Vec<(String, String)>,
    geography: Geography,
    inbound: Receiver<Inbound>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
    desks: BTreeMap<TeamIx, TeamDesk>,
    pub seats: Vec<SeatRecord>,
    /// What happened on the lab network, newest last, for the facilitator.
    pub log: VecDeque<String>,
    clock: Option<Arc<str>>,
    published: Option<Instant>,
    quiet: BTreeMap<String, Hushed>,
    seats_per_team: usize,
    /// The exercise is over: an order still arriving is refused, never answered as taken.
    ended: bool,
    /// The place a facilitator's seat takes among the teams (one past the last), and its
    /// code, when the host takes facilitators' seats.
    facilitator: Option<TeamIx>,
    facilitator_code: Option<String>,
    /// The facilitator's desk, once a facilitator's seat has joined.
    white_cell: Option<white_cell::WhiteCellDesk>,
    /// The log as the seats' evidence downloads read it.
    ledger: SharedLedger,
    /// Evidence fed to a lab SIEM as the exercise runs.
    feed: Option<Feed>,
}

impl LabHost {
    /// Listens at `address` (port 0: any free port) for the plan's teams, each of which may
    /// have `seats_per_team` seats connected (1 to [`MAX_SEATS_PER_TEAM`]); the join codes
    /// come from `secret` (see [`super::secret`]). With `facilitators`, a facilitator may join
    /// too, with a code of its own printed only here (a headless host: the console's
    /// facilitator is at its window).
    pub fn start(
        address: &str,
        plan: &Arc<Plan>,
        seed: u64,
        seats_per_team: usize,
        secret: u64,
        facilitators: bool,
    ) -> Result<LabHost, String> {
        if !(1..=MAX_SEATS_PER_TEAM).contains(&seats_per_team) {
            return Err(format!(
                "--seats-per-team {seats_per_team}: a team may have 1 to {MAX_SEATS_PER_TEAM} \
                 seats (half the lab's {MAX_SEATS}, so one team never takes them all)"
            ));
        }
        let listener = TcpListener::bind(address).map_err(|e| {
            format!(
                "--host {address}: cannot listen there: {e} (is another exercise using the port?)"
            )
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("--host {address}: {e}"))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("--host {address}: {e}"))?;
        let codes: Vec<(String, String)> = plan
            .scenario
            .teams
            .iter()
            .map(|t| (t.id.clone(), gate::code_for(secret, &t.id)))
            .collect();
        let facilitator = facilitators.then(|| TeamIx::from(codes.len()));
        let facilitator_code = facilitator.map(|_| gate::code_for(secret, FACILITATOR));
        let mut admits: BTreeMap<String, (TeamIx, String)> = (codes.iter().enumerate())
            .map(|(i, (t, c))| (t.clone(), (TeamIx::from(i), c.clone())))
            .collect();
        if let (Some(f), Some(code)) = (facilitator, &facilitator_code) {
            admits.insert(FACILITATOR.into(), (f, code.clone()));
        }
        let gate = Arc::new(Mutex::new(Gate::new(admits, seats_per_team)));
        let (tx, inbound) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let page = Arc::new(super::page::Page::of(plan));
        let ledger = Ledger::new(plan.clone(), seed);
        let acceptor = {
            let (gate, stop, connections) = (gate.clone(), stop.clone(), connections.clone());
            let ledger = ledger.clone();
            std::thread::Builder::new()
                .name("lab-accept".into())
                .spawn(move || {
                    connection::accept(listener, gate, tx, stop, connections, page, ledger)
                })
                .map_err(|e| format!("cannot start the lab host: {e}"))?
        };
        Ok(LabHost {
            address: bound,
            codes,
            geography: Geography::of(plan),
            inbound,
            stop,
            acceptor: Some(acceptor),
            connections,
            desks: BTreeMap::new(),
            seats: Vec::new(),
            log: VecDeque::new(),
            clock: None,
            published: None,
            quiet: BTreeMap::new(),
            seats_per_team,
            ended: false,
            facilitator,
            facilitator_code,
            white_cell: None,
            ledger,
            feed: None,
        })
    }

    /// Feeds a lab SIEM the evidence as the exercise runs (`--evidence-to`).
    pub fn feed_evidence(&mut self, feed: Feed) {
        self.note(format!("evidence fed to {}", feed.target));
        self.feed = Some(feed);
    }

    /// Whether `team` is the place of facilitators' seats.
    pub fn is_facilitator(&self, team: TeamIx) -> bool {
        self.facilitator == Some(team)
    }

    /// Seats one team may have connected at once.
    pub fn seats_per_team(&self) -> usize {
        self.seats_per_team
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Where a browser opens the seat's page: this address, or, listening on every network,
    /// the laptop's own address on the lab network, which the facilitator reads out.
    pub fn page_url(&self) -> String {
        if self.address.ip().is_unspecified() {
            format!("http://<this laptop's address>:{}/", self.address.port())
        } else {
            format!("http://{}/", self.address)
        }
    }

    /// What the facilitator reads out: the address, where browsers join, and each team's join
    /// code.
    pub fn codes_text(&self) -> String {
        let mut text = format!(
            "lab host listening on {}\na browser joins at {}\njoin codes:\n",
            self.address,
            self.page_url()
        );
        for (team, code) in &self.codes {
            text.push_str(&format!("  {team:<14} {code}\n"));
        }
        if let Some(code) = &self.facilitator_code {
            text.push_str(&format!(
                "facilitator code, for your own browser at the same address (it runs the clock: \
                 keep it to yourself): {code}\n"
            ));
        }
        text
    }

    /// (team id, join code) for every team.
    pub fn codes(&self) -> &[(String, String)] {
        &self.codes
    }

    /// Teams' seats connected (a facilitator's is not a seat the clock waits for).
    pub fn connected(&self) -> usize {
        (self.seats.iter())
            .filter(|s| s.connected && !self.is_facilitator(s.team))
            .count()
    }

    fn note(&mut self, line: String) {
        eprintln!("lab: {line}");
        self.log.push_back(line);
        while self.log.len() > LOG_LINES {
            self.log.pop_front();
        }
    }

    /// Prints a kind of trouble (`about`) the first time; after that, counts it and prints
    /// how many more came once its minute is up ([`LabHost::unhush`]).
    fn note_once(&mut self, about: String, line: String) {
        match self.quiet.get_mut(&about) {
            Some(h) => h.more += 1,
            None => {
                self.note(line);
                self.quiet.insert(
                    about,
                    Hushed {
                        since: Instant::now(),
                        more: 0,
                    },
                );
            }
        }
    }

    /// Prints the counts of trouble whose minute is up, and forgets them.
    fn unhush(&mut self) {
        let now = Instant::now();
        let done: Vec<String> = self
            .quiet
            .iter()
            .filter(|(_, h)| now.saturating_duration_since(h.since) >= HUSH)
            .map(|(about, _)| about.clone())
            .collect();
        for about in done {
            if let Some(h) = self.quiet.remove(&about)
                && h.more > 0
            {
                self.note(format!("{about}: {} more in the last minute", h.more));
            }
        }
    }

    /// Between ticks: lets seats in, takes their orders (checked against their team), and sends
    /// each team's seats what changed. Returns the orders to apply and the refusals to journal.
    pub fn serve(&mut self, plan: &Plan, log: &[Stamped], clock: ClockView) -> Given {
        let mut given = Given::default();
        (self.ledger.lock().expect("not poisoned")).catch_up(log, clock.now);
        if let Some(line) = (self.feed.as_mut()).and_then(|f| f.advance(log, clock.now)) {
            self.note(line);
        }
        while let Ok(message) = self.inbound.try_recv() {
            self.take(plan, log, &clock, message, &mut given);
        }
        self.unhush();
        let due = self.published.is_none_or(|t| t.elapsed() >= PUBLISH_EVERY);
        if due {
            self.publish(plan, log, &clock);
        }
        given
    }

    /// One message from a connection thread.
    fn take(
        &mut self,
        plan: &Plan,
        log: &[Stamped],
        clock: &ClockView,
        message: Inbound,
        given: &mut Given,
    ) {
        match message {
            Inbound::Joined(arrival) => self.join(plan, log, clock, arrival),
            Inbound::Order(order) => self.order(plan, log, clock.now, order, given),
            Inbound::Refused {
                label,
                what,
                why,
                count,
            } => {
                if let Some(s) = self.seats.iter_mut().find(|s| s.label == label) {
                    s.refused = s
                        .refused
                        .saturating_add(u32::try_from(count).unwrap_or(u32::MAX));
                }
                self.note(format!("{label}: refused {what}: {why}"));
                given.refused.push(RefusedOrder {
                    seat: label,
                    what,
                    why,
                });
            }
            Inbound::Left { label, why } => {
                if let Some(s) = self.seats.iter_mut().find(|s| s.label == label) {
                    s.connected = false;
                    s.tx = None;
                }
                self.note(format!("{label} left ({why})"));
            }
            Inbound::Turned { about, line } => self.note_once(about, line),
            Inbound::Downloaded { line } => self.note(line),
            Inbound::Said { label, line } => self.said(label, line, given),
        }
    }

    /// A line from a seat: a facilitator's is the host terminal's to obey; a team's seat has
    /// no such voice and is told so.
    fn said(&mut self, label: String, line: String, given: &mut Given) {
        let Some(seat) = self.seats.iter().position(|s| s.label == label) else {
            return;
        };
        if self.is_facilitator(self.seats[seat].team) && !self.ended {
            self.seats[seat].orders += 1;
            given.said.push((line, label));
            return;
        }
        let reason = if self.ended {
            "the exercise has ended"
        } else {
            "only the facilitator's seat speaks to the host; a team gives orders"
        };
        self.seats[seat].refused += 1;
        self.note(format!("{label}: line refused: {reason}"));
        if let Some(tx) = &self.seats[seat].tx {
            let answer = FromHost::Rejected {
                id: 0,
                reason: reason.into(),
            };
            let _ = tx.send(answer.text().into());
        }
    }

    /// A seat joined: it gets the welcome, its team's view, feed and the clock, and is on the
    /// record (a seat rejoining under its label is the same seat).
    fn join(&mut self, plan: &Plan, log: &[Stamped], clock: &ClockView, arrival: Arrival) {
        self.note(format!("{} joined", arrival.label));
        if self.is_facilitator(arrival.team) {
            return self.join_white_cell(plan, log, clock, arrival);
        }
        let Arrival {
            label,
            team,
            tx,
            received,
        } = arrival;
        if plan.teams[team].auto {
            let id = &plan.scenario.teams[team].id;
            self.note(format!(
                "warning: {id} is auto-played, so its policy acts beside the seat; start the \
                 exercise with --set teams.{id}.auto=false"
            ));
        }
        let welcome = self.welcome(&label, &plan.scenario.teams[team].id);
        // The seats already there get what is pending first, so the newcomer's whole feed and
        // theirs end the same, with no line twice.
        self.flush(plan, log, team);
        let desk = self.desk(plan, log, team);
        let feed = FromHost::Feed {
            lines: desk.feed.iter().cloned().collect(),
        };
        let clock = FromHost::Clock {
            clock: clock.clone(),
        };
        for m in [welcome, desk.view.clone()] {
            let _ = tx.send(m);
        }
        let _ = tx.send(feed.text().into());
        let _ = tx.send(clock.text().into());
        self.seated(label, team, tx, received);
    }

    /// A facilitator's seat joined: the welcome, the whole feed, the MSEL and the clock.
    fn join_white_cell(
        &mut self,
        plan: &Plan,
        log: &[Stamped],
        clock: &ClockView,
        arrival: Arrival,
    ) {
        let Arrival {
            label,
            team,
            tx,
            received,
        } = arrival;
        let welcome = self.welcome(&label, FACILITATOR);
        self.flush_white_cell(plan, log);
        let desk = self.white_cell(plan, log);
        let feed = FromHost::Feed {
            lines: desk.feed.iter().cloned().collect(),
        };
        let messages: [Arc<str>; 4] = [
            welcome,
            desk.msel.clone(),
            feed.text().into(),
            FromHost::Clock {
                clock: clock.clone(),
            }
            .text()
            .into(),
        ];
        for m in messages {
            let _ = tx.send(m);
        }
        self.seated(label, team, tx, received);
    }

    /// The welcome of a seat let in as `team` (an id, or [`FACILITATOR`]).
    fn welcome(&self, label: &str, team: &str) -> Arc<str> {
        let welcome = FromHost::Welcome {
            protocol: PROTOCOL,
            version: env!("CARGO_PKG_VERSION").into(),
            seat: label.into(),
            team: team.into(),
            geography: self.geography.clone(),
        };
        welcome.text().into()
    }

    /// A seat on the record as connected (a seat rejoining under its label is the same seat).
    fn seated(
        &mut self,
        label: String,
        team: TeamIx,
        tx: Sender<Arc<str>>,
        received: Arc<AtomicU64>,
    ) {
        match self.seats.iter_mut().find(|s| s.label == label) {
            Some(s) => {
                s.connected = true;
                s.tx = Some(tx);
                s.received = received;
            }
            None => self.seats.push(SeatRecord {
                label,
                team,
                connected: true,
                orders: 0,
                refused: 0,
                received,
                tx: Some(tx),
            }),
        }
    }

    /// A seat's order: taken if the exercise is on, the seat's team may give it, it names what
    /// the plan has and a decision it takes is open to the team; refused otherwise. Either way
    /// the seat is answered.
    fn order(
        &mut self,
        plan: &Plan,
        log: &[Stamped],
        tick: u64,
        order: SeatOrder,
        given: &mut Given,
    ) {
        let SeatOrder { label, id, command } = order;
        let Some(seat) = self.seats.iter().position(|s| s.label == label) else {
            return;
        };
        let team = self.seats[seat].team;
        let over = if self.ended {
            Err("the exercise has ended: the order was not given".to_string())
        } else if self.is_facilitator(team) {
            Err("the facilitator's seat says lines as the host's terminal takes them".to_string())
        } else {
            Ok(())
        };
        let verdict = over
            .and_then(|()| team_may(plan, team, &command).map_err(|r| r.to_string()))
            .and_then(|()| command.resolve(plan).map(|_| ()))
            .and_then(|()| self.decision_open(plan, log, team, &command));
        let answer = match verdict {
            Ok(()) => {
                self.seats[seat].orders += 1;
                given.orders.push((command, label));
                FromHost::Accepted { id, tick }
            }
            Err(reason) => {
                self.seats[seat].refused += 1;
                let why = budget::cut(&reason, REFUSAL_CHARS);
                self.note(format!("{label}: order refused: {why}"));
                given.refused.push(RefusedOrder {
                    seat: label,
                    what: budget::describe(&command),
                    why,
                });
                FromHost::Rejected { id, reason }
            }
        };
        if let Some(tx) = &self.seats[seat].tx {
            let _ = tx.send(answer.text().into());
        }
    }

    /// A seat decides only what has been put to its team and is still open.
    fn decision_open(
        &mut self,
        plan: &Plan,
        log: &[Stamped],
        team: TeamIx,
        command: &Command,
    ) -> Result<(), String> {
        let Command::Decide { inject, .. } = command else {
            return Ok(());
        };
        let not_yours = |decider: &str| format!("decision {inject} is for {decider} to decide");
        if let Some(number) = plan.live_inject(inject) {
            let desk = self.desk(plan, log, team);
            let me = &plan.scenario.teams[team.ix()].id;
            return match desk.knowledge.live_pending().find(|(_, n, _)| *n == number) {
                Some((_, _, a)) if a.decider() != me => Err(not_yours(a.decider())),
                Some(_) => Ok(()),
                None => Err(format!(
                    "decision {inject} is not waiting for your team (not put to it, or already taken)"
                )),
            };
        }
        let ix = plan
            .ids
            .injects
            .resolve(inject)
            .map_err(|e| e.to_string())?;
        let desk = self.desk(plan, log, team);
        if desk.knowledge.pending_decisions.contains(&ix) {
            match plan.injects[ix].decision {
                Some(d) if d.decider != team => {
                    Err(not_yours(&plan.scenario.teams[d.decider.ix()].id))
                }
                _ => Ok(()),
            }
        } else {
            Err(format!(
                "decision {inject} is not waiting for your team (not put yet, or already taken)"
            ))
        }
    }

    /// The exercise is over: every seat gets the last of its view and `Finished`, and the
    /// host stops listening once they have been sent (or after a few seconds).
    pub fn finish(mut self, plan: &Plan, log: &[Stamped], clock: ClockView) -> Vec<SeatRecord> {
        // Orders still in flight are refused: the exercise has ended.
        self.ended = true;
        while let Ok(message) = self.inbound.try_recv() {
            let mut late = Given::default();
            self.take(plan, log, &clock, message, &mut late);
        }
        let tick = clock.now;
        if let Some(mut feed) = self.feed.take() {
            let line = (feed.finish(log, tick)).unwrap_or_else(|| {
                format!("evidence fed to {}: {} records", feed.target, feed.records)
            });
            self.note(line);
        }
        self.publish(plan, log, &clock);
        let end: Arc<str> = FromHost::Finished { tick }.text().into();
        for s in &mut self.seats {
            if let Some(tx) = s.tx.take() {
                let _ = tx.send(end.clone());
            }
        }
        self.stop.store(true, Ordering::SeqCst);
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        let handles = std::mem::take(&mut *self.connections.lock().expect("not poisoned"));
        for h in handles {
            while !h.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            if h.is_finished() {
                let _ = h.join();
            }
        }
        self.seats.clone()
    }
}

impl Drop for LabHost {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    fn one_csirt() -> std::sync::Arc<Plan> {
        TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 4, 0.5, 0.5)
            .csirt("csirt", "A")
            .plan()
    }

    /// A plain GET on the host's port, answered whole (head, body).
    fn get(host: &LabHost, target: &str) -> (String, Vec<u8>) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(host.address()).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: lab\r\n\r\n").unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let end = super::super::page::head_end(&answer).unwrap();
        let body = answer.split_off(end);
        (String::from_utf8(answer).unwrap(), body)
    }

    /// A team's seat downloads what `tidewatch evidence --team` would write up to the tick
    /// the host last served, byte for byte; the facilitator's code gets every sensor's records
    /// with the intruder's marked; a wrong code gets nothing, and the facilitator's log says
    /// what was downloaded.
    #[test]
    fn a_seat_downloads_its_teams_evidence_up_to_now_with_its_code() {
        use crate::evidence::{self, Format, Scope, Wanted};
        use crate::scenario::ids::{CampaignIx, OrgIx};
        use crate::sim::events::SimEvent;
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 20, 1.0, 0.5)
            .org("bank", "A", 10, 1.0, 0.5)
            .team("soc", "SectorSoc", Some("A"), 2, "AroundTheClock", true)
            .monitors("soc", &["gov"])
            .campaign("wave", "D1 09:00", "Organisation(\"gov\")", &["T1566.001"])
            .plan();
        let phish = (plan.techniques.iter())
            .position(|t| t.id == "T1566.001")
            .unwrap();
        let events = vec![Stamped {
            tick: 65,
            event: SimEvent::HostCompromised {
                campaign: CampaignIx(0),
                org: OrgIx(0),
                host: 3,
                technique: phish.into(),
            },
        }];
        let mut host = LabHost::start("127.0.0.1:0", &plan, 5, 8, 7, true).unwrap();
        host.serve(&plan, &events, ClockView::of(&plan, 180, false, "60x"));
        let code = host.codes()[0].1.clone();
        let expected = |scope| {
            let mut out = Vec::new();
            let wanted = Wanted {
                until: 180,
                scope,
                format: Format::Ecs,
                orgs: Vec::new(),
            };
            evidence::write(&plan, 5, &events, wanted, &mut out).unwrap();
            out
        };
        // The address a native seat shows its trainee.
        let ticket = crate::lab::seat::Ticket {
            address: host.address().to_string(),
            team: "soc".into(),
            code: code.clone(),
            name: "Ana".into(),
        };
        let url = ticket.evidence_url();
        let path = url
            .strip_prefix(&format!("http://{}", host.address()))
            .unwrap();
        let (head, body) = get(&host, path);
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        assert!(head.contains("filename=\"evidence-soc.ndjson\""), "{head}");
        assert_eq!(body, expected(Scope::Team(TeamIx::from(0usize))));
        let text = String::from_utf8(body).unwrap();
        assert!(text.lines().count() > 100 && !text.contains("\"threat\""));
        // The macro's shell, started by Word, on the phished host; nothing of the bank.
        assert!(
            text.contains("\"name\":\"WINWORD.EXE\"}") && !text.contains("\"hostname\":\"bank-")
        );
        let (head, body) = get(&host, "/evidence/soc.ndjson?code=WRONG1");
        assert!(head.starts_with("HTTP/1.1 403"), "{head}");
        assert!(String::from_utf8(body).unwrap().contains("wrong join code"));
        let facilitator = host.facilitator_code.clone().unwrap();
        let (head, body) = get(&host, &format!("/evidence/all.ndjson?code={facilitator}"));
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        assert_eq!(body, expected(Scope::All));
        let (head, _) = get(&host, &format!("/evidence/soc.ndjson?code={code}&org=nope"));
        assert!(head.starts_with("HTTP/1.1 404"), "{head}");
        let (head, body) = get(&host, &format!("/evidence/soc.cef.log?code={code}&org=gov"));
        assert!(
            head.starts_with("HTTP/1.1 200 OK") && body.starts_with(b"<"),
            "{head}"
        );
        host.serve(&plan, &events, ClockView::of(&plan, 181, false, "60x"));
        let log: Vec<&String> = host.log.iter().collect();
        assert!(
            log.iter()
                .any(|l| l.contains("evidence-soc.ndjson downloaded (")),
            "{log:?}"
        );
        assert!(log.iter().any(|l| l.contains("wrong join code")), "{log:?}");
    }

    /// An order that reaches the host as the exercise ends is refused to its seat, never
    /// answered as taken (it could no longer be given); the same order before the end is.
    #[test]
    fn an_order_arriving_as_the_exercise_ends_is_refused_not_taken() {
        let plan = one_csirt();
        let mut host = LabHost::start("127.0.0.1:0", &plan, 1, 8, 7, false).unwrap();
        let (to_host, inbound) = channel();
        host.inbound = inbound;
        let (to_seat, at_seat) = channel::<Arc<str>>();
        let label = "csirt/1 Ana@127.0.0.1".to_string();
        to_host
            .send(Inbound::Joined(Arrival {
                label: label.clone(),
                team: TeamIx::from(0usize),
                tx: to_seat,
                received: Arc::new(AtomicU64::new(0)),
            }))
            .unwrap();
        let clock = || ClockView::of(&plan, 60, false, "60x");
        let order = |id| {
            Inbound::Order(SeatOrder {
                label: label.clone(),
                id,
                command: Command::Note("hot wash".into()),
            })
        };
        to_host.send(order(1)).unwrap();
        let given = host.serve(&plan, &[], clock());
        assert_eq!(given.orders.len(), 1, "before the end the order is taken");
        to_host.send(order(2)).unwrap();
        host.finish(&plan, &[], clock());
        let answers: Vec<String> = at_seat.try_iter().map(|m| m.to_string()).collect();
        let answer = |id: u64| {
            answers
                .iter()
                .find(|m| m.contains(&format!("\"id\":{id}")))
                .cloned()
                .unwrap_or_default()
        };
        assert!(answer(1).contains("accepted"), "{answers:?}");
        assert!(
            answer(2).contains("rejected") && answer(2).contains("the exercise has ended"),
            "{answers:?}"
        );
    }

    /// A facilitator's seat speaks for the host's terminal and hears its answers; its orders
    /// are not taken as a team's; a team's seat that says a line is told it has no such voice.
    #[test]
    fn only_the_facilitators_seat_speaks_to_the_host() {
        let plan = one_csirt();
        let mut host = LabHost::start("127.0.0.1:0", &plan, 1, 8, 7, true).unwrap();
        assert!(host.codes_text().contains("facilitator code"));
        let (to_host, inbound) = channel();
        host.inbound = inbound;
        let seat = |label: &str, team: usize| {
            let (tx, rx) = channel::<Arc<str>>();
            to_host
                .send(Inbound::Joined(Arrival {
                    label: label.into(),
                    team: TeamIx::from(team),
                    tx,
                    received: Arc::new(AtomicU64::new(0)),
                }))
                .unwrap();
            rx
        };
        let white = seat("@facilitator/1 Ana (10.0.0.2)", 1);
        let team = seat("csirt/1 Ben (10.0.0.3)", 0);
        let clock = ClockView::of(&plan, 60, false, "60x");
        for label in ["@facilitator/1 Ana (10.0.0.2)", "csirt/1 Ben (10.0.0.3)"] {
            let said = Inbound::Said {
                label: label.into(),
                line: "pause".into(),
            };
            to_host.send(said).unwrap();
        }
        let order = Inbound::Order(SeatOrder {
            label: "@facilitator/1 Ana (10.0.0.2)".into(),
            id: 1,
            command: Command::Note("from the white cell".into()),
        });
        to_host.send(order).unwrap();
        let given = host.serve(&plan, &[], clock);
        assert_eq!(
            given.said,
            [(
                "pause".to_string(),
                "@facilitator/1 Ana (10.0.0.2)".to_string()
            )]
        );
        assert!(given.orders.is_empty(), "a facilitator's seat says lines");
        assert_eq!(host.connected(), 1, "the clock waits for teams' seats only");
        host.tell("paused at D1 09:00");
        let heard: Vec<String> = white.try_iter().map(|m| m.to_string()).collect();
        assert!(heard[0].contains("\"team\":\"@facilitator\""), "{heard:?}");
        assert!(
            heard.iter().any(|m| m.contains("\"type\":\"msel\"")),
            "{heard:?}"
        );
        assert!(
            heard.iter().any(|m| m.contains("paused at D1 09:00")),
            "{heard:?}"
        );
        assert!(
            !heard.iter().any(|m| m.contains("\"type\":\"view\"")),
            "{heard:?}"
        );
        let told: Vec<String> = team.try_iter().map(|m| m.to_string()).collect();
        assert!(
            told.iter()
                .any(|m| m.contains("only the facilitator's seat speaks")),
            "{told:?}"
        );
        assert!(
            !told.iter().any(|m| m.contains("paused at D1 09:00")),
            "{told:?}"
        );
    }
}
