//! Who gets in: join codes, the throttle on wrong ones, and the limits on connections joining
//! (per address and in all) and on seats (per team and in all), with each seat's number kept
//! for its return. The connection threads (`connection.rs`) ask here, under one lock.
//!
//! The rules take the time as an argument, so their tests run on logical time.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::budget::{Budget, cut};
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

/// A seat let in: its key among the team's live seats (its name, with `+` for a second seat
/// of the same name) and its number in the team.
#[derive(Debug, PartialEq)]
pub(super) struct Place {
    pub key: String,
    pub number: u32,
}

/// What a seat says when it joins: its team, the team's code, and its name (control
/// characters taken out, at most 40 characters).
pub(super) struct Hello {
    pub team: String,
    pub code: String,
    pub name: String,
}

/// A seat let in.
pub(super) struct Admitted {
    pub team: TeamIx,
    pub team_id: String,
    pub place: Place,
    pub budget: Budget,
}

/// Why a seat was not let in: a wrong code (its answer perhaps held), or no place for it.
pub(super) enum Refusal {
    Wrong(Wrong),
    NoRoom(String),
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
    pub(super) fn start_joining(&mut self, ip: IpAddr) -> Result<(), String> {
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

    pub(super) fn end_joining(&mut self, ip: IpAddr) {
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
    pub(super) fn leave_seat(&mut self, team: TeamIx, key: String, budget: Budget) {
        self.live.remove(&(team, key.clone()));
        self.budgets.insert((team, key), budget);
    }

    /// Lets a seat in if its code is right and the room and its team have a place: the team,
    /// its id, the seat's place and the budget it left with last time (fresh if none).
    pub(super) fn admit(
        &mut self,
        ip: IpAddr,
        hello: &Hello,
        now: Instant,
    ) -> Result<Admitted, Refusal> {
        let team = (self.check_code(ip, &hello.team, &hello.code, now)).map_err(Refusal::Wrong)?;
        let place = self.take_seat(team, &hello.name).map_err(Refusal::NoRoom)?;
        let budget = (self.budgets)
            .remove(&(team, place.key.clone()))
            .unwrap_or_default();
        Ok(Admitted {
            team,
            team_id: self.team_id(team),
            place,
            budget,
        })
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
