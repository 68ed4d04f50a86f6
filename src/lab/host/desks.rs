//! What the host sends its seats: each team's desk (its knowledge folded from the log as it
//! grows, its feed, its view), the view when it changed and the feed lines not yet sent, to
//! every connected seat of the team; and the clock to all.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::LabHost;
use crate::lab::protocol::FromHost;
use crate::report::knowledge::TeamKnowledge;
use crate::report::view::{ClockView, FEED_LINES, FeedLine, TeamView, push_lines};
use crate::scenario::Plan;
use crate::scenario::ids::TeamIx;
use crate::sim::events::Stamped;

/// Views and clocks go out at most this often (joins and the end go at once).
pub(super) const PUBLISH_EVERY: Duration = Duration::from_millis(100);

/// One team's screen as the host keeps it for its seats.
pub(super) struct TeamDesk {
    pub(super) knowledge: TeamKnowledge,
    pub(super) feed: VecDeque<FeedLine>,
    new_lines: Vec<FeedLine>,
    pub(super) view: Arc<str>,
    view_sent: bool,
}

/// The feed lines a seat has not had, as one message (the last [`FEED_LINES`] of them), if any.
pub(super) fn feed_message(lines: Vec<FeedLine>) -> Option<Arc<str>> {
    let keep = lines.len().saturating_sub(FEED_LINES);
    (!lines.is_empty()).then(|| {
        FromHost::Feed {
            lines: lines[keep..].to_vec(),
        }
        .text()
        .into()
    })
}

impl LabHost {
    /// The team's desk, folded up to now (a team's first seat folds the log so far).
    pub(super) fn desk(&mut self, plan: &Plan, log: &[Stamped], team: TeamIx) -> &mut TeamDesk {
        let desk = self.desks.entry(team).or_insert_with(|| TeamDesk {
            knowledge: TeamKnowledge::new(team),
            feed: VecDeque::new(),
            new_lines: Vec::new(),
            view: Arc::from(""),
            view_sent: false,
        });
        let new = desk.knowledge.update(plan, log);
        if !new.is_empty() || desk.view.is_empty() {
            let lines: Vec<FeedLine> = new.iter().map(|e| FeedLine::for_team(plan, e)).collect();
            push_lines(&mut desk.feed, lines.iter().cloned());
            desk.new_lines.extend(lines);
            let view = FromHost::View {
                view: Box::new(TeamView::of(plan, &desk.knowledge)),
            };
            let text: Arc<str> = view.text().into();
            if text != desk.view {
                desk.view = text;
                desk.view_sent = false;
            }
        }
        desk
    }

    /// Sends every connected seat what changed for its team, and the clock.
    pub(super) fn publish(&mut self, plan: &Plan, log: &[Stamped], clock: &ClockView) {
        self.published = Some(Instant::now());
        let teams: Vec<TeamIx> = self.desks.keys().copied().collect();
        for team in teams {
            self.flush(plan, log, team);
        }
        self.flush_white_cell(plan, log);
        let text: Arc<str> = FromHost::Clock {
            clock: clock.clone(),
        }
        .text()
        .into();
        if self.clock.as_ref() != Some(&text) {
            self.clock = Some(text.clone());
            for s in self.seats.iter().filter(|s| s.connected) {
                if let Some(tx) = &s.tx {
                    let _ = tx.send(text.clone());
                }
            }
        }
    }

    /// Sends the team's connected seats its view if it changed and the feed lines they have
    /// not had.
    pub(super) fn flush(&mut self, plan: &Plan, log: &[Stamped], team: TeamIx) {
        let desk = self.desk(plan, log, team);
        let mut out: Vec<Arc<str>> = Vec::new();
        if !desk.view_sent {
            out.push(desk.view.clone());
            desk.view_sent = true;
        }
        out.extend(feed_message(std::mem::take(&mut desk.new_lines)));
        self.send_team(team, &out);
    }

    pub(super) fn send_team(&self, team: TeamIx, messages: &[Arc<str>]) {
        for s in self.seats.iter().filter(|s| s.team == team && s.connected) {
            if let Some(tx) = &s.tx {
                for m in messages {
                    let _ = tx.send(m.clone());
                }
            }
        }
    }
}
