//! What a facilitator's seat is sent: the whole feed (the facilitator's truth, as the console's
//! feed tells it), the MSEL with each inject's state, and the host's answers to the lines it
//! says. The seat speaks as the host's terminal does, so the headless host obeys it there.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use super::LabHost;
use super::desks::feed_message;
use crate::lab::protocol::{FromHost, MselLine};
use crate::report::view::{FeedLine, push_lines};
use crate::scenario::Plan;
use crate::sim::events::{SimEvent, Stamped};

/// The facilitator's desk as the host keeps it for facilitators' seats.
#[derive(Default)]
pub(super) struct WhiteCellDesk {
    cursor: usize,
    pub(super) feed: VecDeque<FeedLine>,
    new_lines: Vec<FeedLine>,
    /// Injects fired or taken out, by index.
    states: BTreeMap<usize, &'static str>,
    pub(super) msel: Arc<str>,
    msel_sent: bool,
}

impl WhiteCellDesk {
    /// Folds the events since the last call: the feed, and the injects' states.
    fn update(&mut self, plan: &Plan, log: &[Stamped]) {
        let new = &log[self.cursor.min(log.len())..];
        self.cursor = log.len();
        let mut changed = self.msel.is_empty();
        for e in new {
            let state = match e.event {
                SimEvent::InjectFired { inject } => Some((inject.ix(), "fired")),
                SimEvent::InjectSkipped { inject } | SimEvent::InjectWithdrawn { inject } => {
                    Some((inject.ix(), "skipped"))
                }
                _ => None,
            };
            if let Some((i, s)) = state {
                changed |= self.states.insert(i, s) != Some(s);
            }
        }
        let lines: Vec<FeedLine> = new.iter().map(|e| FeedLine::of(plan, e)).collect();
        push_lines(&mut self.feed, lines.iter().cloned());
        self.new_lines.extend(lines);
        if changed {
            self.msel = FromHost::Msel {
                injects: msel(plan, &self.states),
            }
            .text()
            .into();
            self.msel_sent = false;
        }
    }
}

/// The MSEL in file order, each inject with when it is planned and its state.
fn msel(plan: &Plan, states: &BTreeMap<usize, &'static str>) -> Vec<MselLine> {
    (plan.scenario.msel.iter().enumerate())
        .map(|(i, inject)| MselLine {
            id: inject.id.clone(),
            title: inject.title.clone(),
            when: ron::to_string(&inject.trigger).unwrap_or_default(),
            state: states.get(&i).copied().unwrap_or("waiting").into(),
        })
        .collect()
}

impl LabHost {
    /// The facilitator's desk, folded up to now: started by the first facilitator's seat, so
    /// a host nobody facilitates from narrates nothing for it.
    pub(super) fn white_cell(&mut self, plan: &Plan, log: &[Stamped]) -> &mut WhiteCellDesk {
        let desk = self.white_cell.get_or_insert_default();
        desk.update(plan, log);
        desk
    }

    /// Sends the facilitators' seats the feed lines they have not had and the MSEL if it
    /// changed.
    pub(super) fn flush_white_cell(&mut self, plan: &Plan, log: &[Stamped]) {
        let (Some(team), Some(_)) = (self.facilitator, &self.white_cell) else {
            return;
        };
        let desk = self.white_cell(plan, log);
        let mut out: Vec<Arc<str>> = Vec::new();
        if !desk.msel_sent {
            out.push(desk.msel.clone());
            desk.msel_sent = true;
        }
        out.extend(feed_message(std::mem::take(&mut desk.new_lines)));
        self.send_team(team, &out);
    }

    /// Tells the facilitators' seats what the host answered (what its terminal printed).
    pub fn tell(&self, line: &str) {
        if let Some(team) = self.facilitator {
            let said: Arc<str> = FromHost::Said { line: line.into() }.text().into();
            self.send_team(team, &[said]);
        }
    }
}
