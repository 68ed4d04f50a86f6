//! The operating picture: the one fold from the event log to what a viewer needs (per-island
//! figures, where the MSEL stands, expectation outcomes, the record the after-action report and
//! STIX read). It is incremental: the console feeds it only the events of the last frame, a
//! headless run feeds it the whole log once. Summaries, the rehearsal, batch metrics, the
//! report, STIX and the console all read it, so they cannot disagree, and whether an
//! expectation is met is decided here only (from the MSEL's and the facilitator's events).
//!
//! One file per part of the fold: `islands.rs` (what the attack did and what each island
//! noticed, services and power), `msel.rs` (injects, decisions, expectations, the
//! facilitator's notes), `intel.rs` (intelligence produced and received).

mod costs;
mod findings;
mod footholds;
mod intel;
mod islands;
mod msel;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::scenario::Plan;
use crate::scenario::ids::{ExpectationIx, InjectIx, IslandIx, ModuleIx, OrgIx, ServiceIx};
use crate::sim::events::Stamped;

pub use costs::{OutageCauses, ResponseWork, SupportCut};
pub use findings::{FindingsRecord, Score, Scored};
pub use footholds::{EarlyContainment, Footholds};
pub use intel::{IntelItem, IntelRecord};
pub use islands::{IslandPicture, Opened, OrgRecovery};
pub use msel::{Decided, Noted, Outcome, Sent, Waiting, answer_due, team_ids};

#[derive(Clone, Debug, Default)]
pub struct OperatingPicture {
    /// Events folded so far (the log's length when last updated).
    cursor: usize,
    pub islands: Vec<IslandPicture>,
    /// Islands in the order an attacker first took a host there.
    pub islands_hit: Vec<IslandIx>,
    /// Incidents opened, in log order.
    pub incidents_opened: Vec<Opened>,
    /// Services down now, with the tick each went down.
    pub down_since: BTreeMap<ServiceIx, u64>,
    /// Minutes each service was down, over outages that ended.
    pub down_minutes: Vec<u64>,
    /// Injects fired, in firing order, with their tick.
    pub fired: Vec<(InjectIx, u64)>,
    pub decisions: Vec<Decided>,
    /// Per expectation that settled: how, and when.
    pub outcomes: BTreeMap<ExpectationIx, (Outcome, u64)>,
    /// Expectations the automatic check found missed, with when, in log order (whatever the
    /// facilitator later judged).
    pub missed: Vec<(ExpectationIx, u64)>,
    /// The facilitator's notes and the notes on expectations rated by hand, in log order.
    pub notes: Vec<Noted>,
    /// Per organisation hit by ransomware: its hosts down and their restores.
    pub recovery: BTreeMap<OrgIx, OrgRecovery>,
    /// Injects the facilitator skipped, or the simulation overtook (withdrawn).
    pub skipped: BTreeSet<InjectIx>,
    /// Injects dropped because the simulation overtook their storyline (also in `skipped`).
    pub withdrawn: BTreeSet<InjectIx>,
    /// Modules by when they started and ended (`None` while under way).
    pub modules: BTreeMap<ModuleIx, (u64, Option<u64>)>,
    /// When each inject whose trigger happened is due (the latest word on it).
    pub scheduled: BTreeMap<InjectIx, u64>,
    /// Minutes the facilitator put each inject back by.
    pub delayed: BTreeMap<InjectIx, u64>,
    /// Live injects sent, `live-1` first.
    pub sent: Vec<Sent>,
    /// Per-island figures over time, for charts; and every item of intelligence applied.
    pub trends: crate::report::trend::Trends,
    /// Outages that ended: (service, down at, back at), in the order they ended.
    pub outages: Vec<(ServiceIx, u64, u64)>,
    /// Ransoms paid per organisation, USD.
    pub ransoms: BTreeMap<OrgIx, u64>,
    /// Intelligence produced and received.
    pub intel: IntelRecord,
    /// Why each outage lasted: the script, the attack or the response.
    pub causes: OutageCauses,
    /// Clients cut off from their managed service provider.
    pub support: SupportCut,
    /// The analysts' work and the help lent: the response's cost in people.
    pub work: ResponseWork,
    /// Which crew holds which host, and incidents called contained while one still did.
    pub footholds: Footholds,
    /// Teams' findings, scored against what was true when they were submitted.
    pub findings: FindingsRecord,
    /// Per organisation, how many times its credentials were reset (each costs its users
    /// half a working day).
    pub resets: BTreeMap<OrgIx, u32>,
}

impl OperatingPicture {
    pub fn new(plan: &Plan) -> Self {
        OperatingPicture {
            islands: vec![IslandPicture::default(); plan.islands.len()],
            down_minutes: vec![0; plan.services.len()],
            trends: crate::report::trend::Trends::new(plan.islands.len()),
            ..Default::default()
        }
    }

    /// The picture of a whole log.
    pub fn of(plan: &Plan, events: &[Stamped]) -> Self {
        let mut p = Self::new(plan);
        p.update(plan, events);
        p
    }

    /// Folds the events added to `log` since the last update; returns them.
    pub fn update<'a>(&mut self, plan: &Plan, log: &'a [Stamped]) -> &'a [Stamped] {
        let new = &log[self.cursor.min(log.len())..];
        for e in new {
            self.apply(plan, e);
        }
        self.cursor = log.len();
        new
    }

    /// One event, offered to each part of the fold (each takes the kinds it keeps).
    fn apply(&mut self, plan: &Plan, e: &Stamped) {
        self.attack(plan, e);
        self.infrastructure(plan, e);
        self.msel(e);
        self.settle(e);
        self.intel.apply(e);
        self.causes.apply(e);
        self.support.apply(plan, e);
        self.work.apply(plan, e, &self.incidents_opened);
        self.findings.apply(plan, e, &self.footholds);
        self.footholds.apply(e, &self.incidents_opened);
    }

    /// Minutes a service has been down by `now` for each cause (scripted, attack, response).
    pub fn service_down_minutes_by_cause(&self, service: ServiceIx, now: u64) -> [u64; 3] {
        self.causes.of(service, now)
    }

    /// Minutes a service has been down by `now`, counting an outage still open.
    pub fn service_down_minutes(&self, service: ServiceIx, now: u64) -> u64 {
        self.down_minutes[service]
            + self
                .down_since
                .get(&service)
                .map_or(0, |since| now.saturating_sub(*since))
    }

    /// Services down now on an island.
    pub fn services_down_on(&self, plan: &Plan, island: IslandIx) -> usize {
        self.down_since
            .keys()
            .filter(|s| plan.services[**s].island == island)
            .count()
    }
}
