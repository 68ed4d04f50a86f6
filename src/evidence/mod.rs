//! Evidence for technical exercises: the records the sensors of the run's estate would have
//! written, as an analyst meets them at work (ECS, NDJSON), drawn from the same events the
//! tabletop plays, so what a team finds in its logs agrees with what it was told and what the
//! simulation did. Benign activity on every host with a sensor (`background`), the intruder's
//! traces where it acted (`intrusion`), names and addresses of the estate (`estate`), the
//! record's schema (`ecs`).
//!
//! A team gets the records of the hosts its sensors cover (those of the organisations it
//! monitors); the facilitator's evidence (`Scope::All`) covers every sensor and says which
//! records the intruder made. Writing evidence reads the events and draws from its own streams,
//! so it never changes a run or its digest.

mod background;
pub mod ecs;
mod estate;
mod intrusion;

use std::io::{self, Write};

use crate::scenario::Plan;
use crate::scenario::ids::{HostIx, TeamIx};
use crate::sim::events::Stamped;

pub use estate::Estate;

/// Whose evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A team's: the sensors of the organisations it monitors.
    Team(TeamIx),
    /// The facilitator's ground truth: every sensor, the intruder's records marked.
    All,
}

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub records: u64,
    /// Of which the intruder's.
    pub intruder: u64,
    /// Hosts whose sensors the evidence covers.
    pub hosts: usize,
    /// Of those, hosts the intruder took.
    pub hosts_taken: usize,
}

/// The hosts a scope's evidence covers, by index: a sensor, and an organisation the team
/// monitors (every organisation for the facilitator).
pub fn covered(estate: &Estate, scope: Scope) -> Vec<bool> {
    let plan = estate.plan;
    (0..plan.host_count)
        .map(|h| {
            estate.sensored(h)
                && match scope {
                    Scope::All => true,
                    Scope::Team(t) => plan.orgs[estate.org_of(h).ix()].monitored_by == Some(t),
                }
        })
        .collect()
}

/// Writes the evidence of `scope` for the run whose events are `events`, from its start to
/// `until` (a tick), as NDJSON in time order, an hour at a time.
pub fn write(
    plan: &Plan,
    seed: u64,
    events: &[Stamped],
    until: u64,
    scope: Scope,
    out: &mut dyn Write,
) -> io::Result<Written> {
    let estate = Estate::new(plan, seed);
    let seen = covered(&estate, scope);
    let hosts: Vec<HostIx> = (0..plan.host_count).filter(|h| seen[*h as usize]).collect();
    let mut traces = intrusion::traces(&estate, events, &seen, scope == Scope::All);
    traces.retain(|t| t.0 < until);
    let taken: std::collections::BTreeSet<String> =
        traces.iter().map(|t| t.2.host.name.clone()).collect();
    let mut written = Written {
        hosts: hosts.len(),
        hosts_taken: taken.len(),
        ..Written::default()
    };
    let mut traces = traces.into_iter().peekable();
    let mut batch: Vec<(u64, estate_order::Order, ecs::Record)> = Vec::new();
    let mut hour_batch = Vec::new();
    let mut line = Vec::with_capacity(1024);
    for hour in (0..until).step_by(60) {
        batch.clear();
        for (n, &h) in hosts.iter().enumerate() {
            hour_batch.clear();
            background::hour(&estate, h, hour, &mut hour_batch);
            batch.extend(
                hour_batch
                    .drain(..)
                    .map(|(second, r)| (second, estate_order::Order(n as u64, 0), r)),
            );
        }
        let mut k = 0;
        while let Some((tick, second, _)) = traces.peek()
            && *tick < hour + 60
        {
            let at = (tick - hour) * 60 + second.min(&59);
            let (_, _, record) = traces.next().expect("peeked");
            k += 1;
            batch.push((at, estate_order::Order(u64::MAX, k), record));
        }
        batch.sort_by_key(|(at, order, _)| (*at, *order));
        for (at, order, mut record) in batch.drain(..) {
            if hour + at / 60 >= until {
                continue;
            }
            record.timestamp = estate.timestamp(hour + at / 60, at % 60);
            written.intruder += u64::from(order.0 == u64::MAX);
            line.clear();
            serde_json::to_writer(&mut line, &record).map_err(io::Error::other)?;
            line.push(b'\n');
            out.write_all(&line)?;
            written.records += 1;
        }
    }
    Ok(written)
}

mod estate_order {
    /// Records of one second in a stable order: by host, the intruder's after, in event order.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub struct Order(pub u64, pub u64);
}
