//! What the host and a seat say to each other: JSON text messages over a WebSocket. A seat
//! says hello with its team and join code, then sends orders; the host answers with the
//! region's public geography, the team's view, its feed and the clock, and says whether each
//! order was taken. The protocol carries its version so a seat from another tidewatch release
//! is told so instead of misreading the host.

use serde::{Deserialize, Serialize};

use crate::report::view::{ClockView, FeedLine, Geography, TeamView};
use crate::scenario::Command;

/// Bumped whenever a message changes shape (2: the facilitator's seat).
pub const PROTOCOL: u32 = 2;

/// The team a facilitator joins as, with the facilitator code the host prints (never a
/// scenario's team: no id has an `@`). The seat gets the whole feed, the clock, the MSEL's
/// state and the host's answers, and says the lines the host's terminal takes.
pub const FACILITATOR: &str = "@facilitator";

/// The largest message either side accepts. A team view with a full inbox is tens of
/// kilobytes; a seat's order is a few hundred bytes.
pub const MAX_MESSAGE: usize = 1 << 20;
/// The largest message a seat may send (an order or a hello).
pub const MAX_SEAT_MESSAGE: usize = 16 << 10;

/// From a seat to the host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FromSeat {
    Hello {
        protocol: u32,
        team: String,
        code: String,
        /// Who sits there (a laptop or trainee's name), for the facilitator and the journal.
        name: String,
    },
    /// An order; `id` is the seat's own number for it, echoed in the answer.
    Order {
        id: u64,
        command: Command,
    },
    /// A facilitator's line, as typed on the host's terminal (`pause`, `fire I05`).
    Say {
        line: String,
    },
    Bye,
}

/// From the host to a seat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FromHost {
    /// The seat is in: who it is, and the region as anyone may know it.
    Welcome {
        protocol: u32,
        version: String,
        seat: String,
        team: String,
        geography: Geography,
    },
    /// Not in (a wrong code, another protocol, the team's seats or the lab full); the
    /// connection closes.
    Refused {
        reason: String,
    },
    /// The team's whole screen but the clock and the feed, when it changes.
    View {
        view: Box<TeamView>,
    },
    /// New lines of the team's feed (on joining: the last ones kept).
    Feed {
        lines: Vec<FeedLine>,
    },
    Clock {
        clock: ClockView,
    },
    /// An order was taken: it acts at the next tick.
    Accepted {
        id: u64,
        tick: u64,
    },
    /// An order was refused, and why.
    Rejected {
        id: u64,
        reason: String,
    },
    /// The exercise is over; the seat may close.
    Finished {
        tick: u64,
    },
    /// To a facilitator's seat: what the host answered (what its terminal printed).
    Said {
        line: String,
    },
    /// To a facilitator's seat: the MSEL, each inject with its state.
    Msel {
        injects: Vec<MselLine>,
    },
}

/// An inject of the MSEL as the facilitator's seat lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MselLine {
    pub id: String,
    pub title: String,
    /// When it is planned, or what triggers it.
    pub when: String,
    /// `waiting`, `fired` or `skipped`.
    pub state: String,
}

impl FromHost {
    pub fn text(&self) -> String {
        serde_json::to_string(self).expect("host messages serialise")
    }
}

impl FromSeat {
    pub fn text(&self) -> String {
        serde_json::to_string(self).expect("seat messages serialise")
    }
}

/// A version mismatch in words both sides can act on.
pub fn mismatch(theirs: u32) -> String {
    format!(
        "this seat speaks lab protocol {theirs}, the host speaks {PROTOCOL} (tidewatch {}): \
         use the same tidewatch release as the facilitator",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_garbage_is_an_error_not_a_panic() {
        let hello = FromSeat::Hello {
            protocol: PROTOCOL,
            team: "ag-npc".into(),
            code: "K7M2QX".into(),
            name: "laptop 3".into(),
        };
        let back: FromSeat = serde_json::from_str(&hello.text()).unwrap();
        assert_eq!(back, hello);
        let order = FromSeat::Order {
            id: 4,
            command: Command::Patch {
                team: "ag-npc".into(),
                org: "ag-gov".into(),
            },
        };
        assert_eq!(
            serde_json::from_str::<FromSeat>(&order.text()).unwrap(),
            order
        );
        for garbage in [
            "",
            "{",
            "null",
            "{\"type\":\"order\"}",
            "\u{0}\u{1}",
            "[1,2]",
        ] {
            assert!(
                serde_json::from_str::<FromSeat>(garbage).is_err(),
                "{garbage:?}"
            );
        }
        assert!(mismatch(0).contains("protocol 0"));
    }
}
