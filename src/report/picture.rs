//! The operating picture: the one fold from the event log to what a viewer needs (per-island
//! figures, where the MSEL stands, expectation outcomes). It is incremental: the console feeds it
//! only the events of the last frame, a headless run feeds it the whole log once. Summaries, the
//! rehearsal, batch metrics and the console all read it, so they cannot disagree, and whether an
//! expectation is met is decided here only (from the MSEL's and the facilitator's events).

use crate::scenario::ids::{ExpectationIx, InjectIx, IslandIx, OrgIx, ServiceIx, TeamIx};
use std::collections::{BTreeMap, BTreeSet};

use crate::scenario::Plan;
use crate::sim::events::{DownCause, SimEvent, Stamped};

/// How an expectation settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The expected action happened in time.
    Met,
    /// Its time ran out.
    Missed,
    /// The facilitator's judgement, which overrides the automatic check.
    Judged { met: bool },
}

impl Outcome {
    pub fn met(self) -> bool {
        matches!(self, Outcome::Met | Outcome::Judged { met: true })
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::Missed => "missed",
            Outcome::Judged { met: true } => "met (facilitator)",
            Outcome::Judged { met: false } => "not met (facilitator)",
        }
    }
}

/// A decision as taken: (tick, team, inject, option).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decided {
    pub tick: u64,
    pub team: TeamIx,
    pub inject: InjectIx,
    pub option: u32,
}

/// One island's running figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IslandPicture {
    /// Distinct hosts an attacker ever held.
    pub compromised: BTreeSet<u32>,
    /// Hosts an attacker holds now.
    pub held: BTreeSet<u32>,
    pub encrypted: u64,
    /// Organisations whose data an attacker took.
    pub breached: BTreeSet<OrgIx>,
    /// First host an attacker took.
    pub first_compromised: Option<u64>,
    /// First incident confirmed or ransom note found.
    pub first_detection: Option<u64>,
    /// How it first knew: `incident` or `ransom note`.
    pub first_detected_by: Option<&'static str>,
    /// Services of the island down now, and since when at least one has been.
    pub services_down: u32,
    pub any_down_since: u64,
    /// Minutes with at least one service down, over the spells that ended.
    pub any_down_minutes: u64,
    pub incidents: u64,
    /// Without power now.
    pub dark: bool,
    /// Items of intelligence applied on the island.
    pub intel_applied: u64,
    /// Ransoms paid by the island's organisations, USD.
    pub ransom_usd: u64,
}

impl IslandPicture {
    /// One of the island's services went down (or came back) at `tick`: the spell with at
    /// least one down starts with the first and ends with the last back.
    fn service_went(&mut self, down: bool, tick: u64) {
        if down {
            if self.services_down == 0 {
                self.any_down_since = tick;
            }
            self.services_down += 1;
        } else {
            self.services_down = self.services_down.saturating_sub(1);
            if self.services_down == 0 {
                self.any_down_minutes += tick - self.any_down_since;
            }
        }
    }

    /// Minutes with at least one of the island's services down, up to `now`.
    pub fn minutes_with_a_service_down(&self, now: u64) -> u64 {
        let running = if self.services_down > 0 {
            now.saturating_sub(self.any_down_since)
        } else {
            0
        };
        self.any_down_minutes + running
    }
}

/// One organisation's encrypted hosts over time, enough to say how many host-minutes they were
/// down by any moment and how many more their planned restores commit it to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrgRecovery {
    pub encrypted: u64,
    /// Sum over encrypted hosts of the tick each was encrypted.
    encrypted_at: u64,
    pub restored: u64,
    restored_at: u64,
    /// Restores planned: (hosts, first back, last back), spaced evenly between.
    pub planned: Vec<(u32, u64, u64)>,
    /// Tick of the first encryption.
    pub hit: Option<u64>,
}

impl OrgRecovery {
    /// Host-minutes down from encryption to `now` (or to the restore, if before).
    pub fn host_minutes_down(&self, now: u64) -> u64 {
        ((self.encrypted - self.restored) * now + self.restored_at)
            .saturating_sub(self.encrypted_at)
    }

    /// Host-minutes still to come after `now`: planned restores not yet done, and hosts
    /// nobody has planned to restore at a rebuild's time each (they wait for someone to act).
    pub fn host_minutes_committed(&self, now: u64, rebuild: u64) -> u64 {
        let mut minutes = 0;
        let mut pending = 0u64;
        for &(n, first, last) in &self.planned {
            for k in 0..n as u64 {
                let at = if n > 1 {
                    first + (last - first) * k / (n as u64 - 1)
                } else {
                    last
                };
                if at > now {
                    minutes += at - now;
                    pending += 1;
                }
            }
        }
        // Down and not waiting on a planned restore: a foothold nobody has cleaned yet.
        let unplanned = (self.encrypted - self.restored).saturating_sub(pending);
        minutes + unplanned * rebuild
    }

    /// When the organisation's last planned restore is done.
    pub fn recovered_by(&self) -> Option<u64> {
        self.planned.iter().map(|p| p.2).max()
    }
}

/// Teams by id, `a-npc, b-csirt`.
pub fn team_ids(plan: &Plan, teams: &[TeamIx]) -> String {
    teams
        .iter()
        .map(|t| plan.scenario.teams[t.ix()].id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A decision put to a team the trainees play and not yet taken: when it was put and by when
/// an answer is expected.
pub struct Waiting {
    pub inject: InjectIx,
    pub asked: u64,
    pub due: Option<u64>,
}

/// When an answer to an inject's decision is expected: the decision's own time limit, or the
/// earliest expectation that the team decides it within a time of it being put.
pub fn answer_due(plan: &Plan, inject: InjectIx, asked: u64) -> Option<u64> {
    use crate::scenario::{CheckPlan, TriggerPlan, WhenPlan};
    let limit = plan.injects[inject]
        .decision
        .and_then(|d| d.answer_within)
        .map(|w| asked + w);
    let expected = plan
        .expectations
        .iter()
        .filter(|e| {
            e.check == CheckPlan::Decides(inject)
                && e.after == WhenPlan::On(TriggerPlan::Inject(inject))
        })
        .map(|e| asked + e.within)
        .min();
    limit.into_iter().chain(expected).min()
}

/// A live inject as sent, and the decision on it if it offered one and it was taken.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub tick: u64,
    pub number: u32,
    pub to: Vec<TeamIx>,
    pub inject: crate::scenario::LiveInject,
    /// (tick, team, option)
    pub decided: Option<(u64, TeamIx, u32)>,
}

impl Sent {
    /// It offers a choice nobody has made yet.
    pub fn waiting(&self) -> bool {
        self.decided.is_none() && !self.inject.options.is_empty()
    }
}

#[derive(Clone, Debug, Default)]
pub struct OperatingPicture {
    /// Events folded so far (the log's length when last updated).
    cursor: usize,
    pub islands: Vec<IslandPicture>,
    /// Services down now, with the tick each went down.
    pub down_since: BTreeMap<ServiceIx, u64>,
    /// Minutes each service was down, over outages that ended.
    pub down_minutes: Vec<u64>,
    /// Injects fired, in firing order, with their tick.
    pub fired: Vec<(InjectIx, u64)>,
    pub decisions: Vec<Decided>,
    /// Per expectation that settled: how, and when.
    pub outcomes: BTreeMap<ExpectationIx, (Outcome, u64)>,
    /// Per organisation hit by ransomware: its hosts down and their restores.
    pub recovery: BTreeMap<OrgIx, OrgRecovery>,
    /// Injects the facilitator skipped, or the simulation overtook (withdrawn).
    pub skipped: std::collections::BTreeSet<InjectIx>,
    /// Injects dropped because the simulation overtook their storyline (also in `skipped`).
    pub withdrawn: std::collections::BTreeSet<InjectIx>,
    /// Modules by when they started and ended (`None` while under way).
    pub modules: BTreeMap<crate::scenario::ids::ModuleIx, (u64, Option<u64>)>,
    /// When each inject whose trigger happened is due (the latest word on it).
    pub scheduled: BTreeMap<InjectIx, u64>,
    /// Minutes the facilitator put each inject back by.
    pub delayed: BTreeMap<InjectIx, u64>,
    /// Live injects sent, `live-1` first.
    pub sent: Vec<Sent>,
    /// Per-island figures over time, for charts.
    pub trends: super::trend::Trends,
    /// Outages that ended: (service, down at, back at), in the order they ended.
    pub outages: Vec<(ServiceIx, u64, u64)>,
    /// Ransoms paid per organisation, USD.
    pub ransoms: BTreeMap<OrgIx, u64>,
    /// Per service down now: what keeps it down, since when.
    pub cause_since: BTreeMap<ServiceIx, (DownCause, u64)>,
    /// Per service, minutes down by cause (scripted, attack, response) over spells that ended.
    pub cause_minutes: Vec<[u64; 3]>,
    /// Support cut: which organisations are without their managed service provider now, since
    /// when, and for how long over the spells that ended.
    pub support: SupportCut,
}

/// Clients of a managed service provider left without its remote support: the provider's
/// network isolated, or the client's own cut of its access. The price of cutting a trusted
/// path, which the money charges (see `summary`).
#[derive(Clone, Debug, Default)]
pub struct SupportCut {
    /// Providers whose network is isolated now.
    isolated: std::collections::BTreeSet<OrgIx>,
    /// Clients that revoked their provider's access.
    revoked: std::collections::BTreeSet<OrgIx>,
    /// Clients without support now, since when.
    pub since: BTreeMap<OrgIx, u64>,
    /// Minutes each client was without support, over spells that ended.
    pub minutes: BTreeMap<OrgIx, u64>,
}

impl SupportCut {
    fn provider_isolated(&mut self, plan: &Plan, provider: OrgIx, isolated: bool, tick: u64) {
        if isolated {
            self.isolated.insert(provider);
        } else {
            self.isolated.remove(&provider);
        }
        for &client in &plan.orgs[provider].manages {
            self.update(plan, client, tick);
        }
    }

    fn access_revoked(&mut self, plan: &Plan, client: OrgIx, tick: u64) {
        self.revoked.insert(client);
        self.update(plan, client, tick);
    }

    /// Starts or ends the client's spell without support, as its providers and its own cut say.
    fn update(&mut self, plan: &Plan, client: OrgIx, tick: u64) {
        let cut = self.revoked.contains(&client)
            || self
                .isolated
                .iter()
                .any(|p| plan.orgs[*p].manages.contains(&client));
        match (cut, self.since.contains_key(&client)) {
            (true, false) => {
                self.since.insert(client, tick);
            }
            (false, true) => {
                let since = self.since.remove(&client).unwrap_or(tick);
                *self.minutes.entry(client).or_default() += tick - since;
            }
            _ => {}
        }
    }

    /// Minutes `client` has been without support by `now`, counting a spell still open.
    pub fn minutes(&self, client: OrgIx, now: u64) -> u64 {
        self.minutes.get(&client).copied().unwrap_or(0)
            + self
                .since
                .get(&client)
                .map_or(0, |since| now.saturating_sub(*since))
    }

    /// Every organisation that was ever without support.
    pub fn clients(&self) -> std::collections::BTreeSet<OrgIx> {
        self.since
            .keys()
            .chain(self.minutes.keys())
            .copied()
            .collect()
    }
}

impl OperatingPicture {
    pub fn new(plan: &Plan) -> Self {
        OperatingPicture {
            islands: vec![IslandPicture::default(); plan.islands.len()],
            down_minutes: vec![0; plan.services.len()],
            cause_minutes: vec![[0; 3]; plan.services.len()],
            trends: super::trend::Trends::new(plan.islands.len()),
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

    fn apply(&mut self, plan: &Plan, e: &Stamped) {
        let island = |org: OrgIx| plan.orgs[org].island.ix();
        let tick = e.tick;
        match e.event {
            SimEvent::HostCompromised { org, host, .. } => {
                let i = &mut self.islands[island(org)];
                i.compromised.insert(host);
                i.held.insert(host);
                i.first_compromised.get_or_insert(tick);
                let ever = i.compromised.len() as u64;
                self.trends.compromised[island(org)].set(tick, ever);
            }
            SimEvent::HostIsolated { host, org, .. } => {
                self.islands[island(org)].held.remove(&host);
            }
            SimEvent::HostsEncrypted { org, hosts, .. } => {
                self.islands[island(org)].encrypted += hosts as u64;
                let now_encrypted = self.islands[island(org)].encrypted;
                self.trends.encrypted[island(org)].set(tick, now_encrypted);
                let r = self.recovery.entry(org).or_default();
                r.encrypted += hosts as u64;
                r.encrypted_at += hosts as u64 * tick;
                r.hit.get_or_insert(tick);
            }
            SimEvent::HostRestored {
                org,
                encrypted: true,
                ..
            } => {
                let r = self.recovery.entry(org).or_default();
                r.restored += 1;
                r.restored_at += tick;
            }
            SimEvent::RestoresPlanned {
                org,
                hosts,
                first,
                last,
            } => self
                .recovery
                .entry(org)
                .or_default()
                .planned
                .push((hosts, first, last)),
            // A ransom comes from a command file: a silly sum must not overflow.
            SimEvent::OrganisationIsolated { org, .. } => {
                self.support.provider_isolated(plan, org, true, tick)
            }
            SimEvent::OrganisationReconnected { org, .. } => {
                self.support.provider_isolated(plan, org, false, tick)
            }
            SimEvent::AccessRevoked { org, .. } => self.support.access_revoked(plan, org, tick),
            SimEvent::RansomPaid { org, usd } => {
                let i = &mut self.islands[island(org)];
                i.ransom_usd = i.ransom_usd.saturating_add(usd);
                let paid = self.ransoms.entry(org).or_default();
                *paid = paid.saturating_add(usd);
            }
            SimEvent::DataExfiltrated { org, .. } => {
                self.islands[island(org)].breached.insert(org);
            }
            SimEvent::IncidentOpened { org, .. } => {
                let i = &mut self.islands[island(org)];
                i.incidents += 1;
                i.first_detection.get_or_insert(tick);
                i.first_detected_by.get_or_insert("incident");
            }
            SimEvent::RansomNoteFound { org, .. } => {
                let i = &mut self.islands[island(org)];
                i.first_detection.get_or_insert(tick);
                i.first_detected_by.get_or_insert("ransom note");
            }
            SimEvent::PowerOut { island } => self.islands[island].dark = true,
            SimEvent::PowerRestored { island } => self.islands[island].dark = false,
            SimEvent::IntelApplied { island, item, .. } => {
                self.islands[island].intel_applied += 1;
                self.trends.intel.push((tick, island, item));
            }
            SimEvent::ServiceDown { service } => {
                self.down_since.insert(service, tick);
                self.note_services_down(plan, service, tick);
                self.islands[plan.services[service].island].service_went(true, tick);
            }
            SimEvent::OutageCause { service, cause } => {
                self.end_cause(service, tick);
                self.cause_since.insert(service, (cause, tick));
            }
            SimEvent::ServiceRestored { service } => {
                self.end_cause(service, tick);
                if let Some(since) = self.down_since.remove(&service) {
                    self.down_minutes[service] += tick - since;
                    self.outages.push((service, since, tick));
                }
                self.note_services_down(plan, service, tick);
                self.islands[plan.services[service].island].service_went(false, tick);
            }
            SimEvent::InjectFired { inject } => self.fired.push((inject, tick)),
            SimEvent::InjectSent {
                number,
                ref to,
                ref inject,
            } => self.sent.push(Sent {
                tick,
                number,
                to: to.to_vec(),
                inject: (**inject).clone(),
                decided: None,
            }),
            SimEvent::LiveDecisionTaken {
                team,
                number,
                option,
                ..
            } => {
                if let Some(sent) =
                    crate::scenario::live_index(number).and_then(|k| self.sent.get_mut(k))
                {
                    sent.decided = Some((tick, team, option));
                }
            }
            SimEvent::InjectSkipped { inject } => {
                self.skipped.insert(inject);
            }
            SimEvent::InjectWithdrawn { inject } => {
                self.skipped.insert(inject);
                self.withdrawn.insert(inject);
            }
            SimEvent::ModuleStarted { module } => {
                self.modules.insert(module, (tick, None));
            }
            SimEvent::ModuleEnded { module } => {
                self.modules.entry(module).or_insert((tick, None)).1 = Some(tick);
            }
            SimEvent::InjectScheduled { inject, at }
            | SimEvent::InjectRescheduled { inject, at } => {
                self.scheduled.insert(inject, at);
            }
            SimEvent::InjectDelayed { inject, minutes } => {
                *self.delayed.entry(inject).or_default() += minutes;
            }
            SimEvent::DecisionTaken {
                team,
                inject,
                option,
            } => self.decisions.push(Decided {
                tick,
                team,
                inject,
                option,
            }),
            // The automatic check settles an expectation once; the facilitator's word overrides.
            SimEvent::ExpectationMet { expectation } => {
                self.outcomes
                    .entry(expectation)
                    .or_insert((Outcome::Met, tick));
            }
            SimEvent::ExpectationMissed { expectation } => {
                self.outcomes
                    .entry(expectation)
                    .or_insert((Outcome::Missed, tick));
            }
            SimEvent::ExpectationValidated {
                expectation, met, ..
            } => {
                self.outcomes
                    .insert(expectation, (Outcome::Judged { met }, tick));
            }
            _ => {}
        }
    }

    /// The count of services down on the service's island, for its chart.
    fn note_services_down(&mut self, plan: &Plan, service: ServiceIx, tick: u64) {
        let island = plan.services[service].island;
        let down = self.services_down_on(plan, island) as u64;
        self.trends.services_down[island.ix()].set(tick, down);
    }

    /// The spell of one cause of a service's outage ends at `tick`.
    fn end_cause(&mut self, service: ServiceIx, tick: u64) {
        if let Some((cause, since)) = self.cause_since.remove(&service) {
            self.cause_minutes[service.ix()][cause as usize] += tick - since;
        }
    }

    /// Minutes a service has been down by `now` for each cause (scripted, attack, response),
    /// counting an outage still open.
    pub fn service_down_minutes_by_cause(&self, service: ServiceIx, now: u64) -> [u64; 3] {
        let mut m = self.cause_minutes[service.ix()];
        if let Some((cause, since)) = self.cause_since.get(&service) {
            m[*cause as usize] += now.saturating_sub(*since);
        }
        m
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

    pub fn outcome(&self, expectation: ExpectationIx) -> Option<(Outcome, u64)> {
        self.outcomes.get(&expectation).copied()
    }

    /// The decision taken on an inject, if any.
    pub fn decision_on(&self, inject: InjectIx) -> Option<&Decided> {
        self.decisions.iter().find(|d| d.inject == inject)
    }

    /// When an inject not yet fired is expected: the time its trigger set, or for a clock
    /// trigger its time (with the facilitator's delays); `None` while its trigger is awaited.
    pub fn expected(&self, plan: &Plan, inject: InjectIx) -> Option<u64> {
        if self.has_fired(inject).is_some() || self.skipped.contains(&inject) {
            return None;
        }
        self.scheduled.get(&inject).copied().or_else(|| {
            let i = &plan.injects[inject];
            let by = i.trigger.due_by().filter(|_| !i.contingency_only)?;
            Some(by + i.delay + self.delayed.get(&inject).copied().unwrap_or(0))
        })
    }

    /// Decisions fired and waiting on trainee teams, oldest first.
    pub fn waiting_decisions(&self, plan: &Plan) -> Vec<Waiting> {
        let mut out: Vec<Waiting> = self
            .fired
            .iter()
            .filter(|(i, _)| {
                self.decision_on(*i).is_none()
                    && plan.injects[*i]
                        .decision
                        .is_some_and(|d| !plan.teams[d.decider].auto)
            })
            .map(|&(inject, asked)| Waiting {
                inject,
                asked,
                due: answer_due(plan, inject, asked),
            })
            .collect();
        out.sort_by_key(|w| (w.asked, w.inject));
        out
    }

    /// When an inject fired, if it did.
    pub fn has_fired(&self, inject: InjectIx) -> Option<u64> {
        self.fired
            .iter()
            .find(|(i, _)| *i == inject)
            .map(|(_, t)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::CampaignIx;
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::events::DetectedBy;

    fn at(tick: u64, event: SimEvent) -> Stamped {
        Stamped { tick, event }
    }

    /// What the report and its charts read instead of counting on their own: when an island
    /// was first hit and how it first knew, how long at least one of its services was down
    /// (overlapping outages counted once, one still going up to now), each outage's span and
    /// each organisation's ransoms.
    #[test]
    fn the_picture_keeps_firsts_outage_spans_and_ransoms_per_island() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .island("B", false, false)
            .org("gov", "A", 4, 0.5, 0.5)
            .org("port", "B", 4, 0.5, 0.5)
            .service("email", "gov", &["gov/ws"], &[])
            .service("web", "gov", &["gov/ws"], &[])
            .csirt("csirt", "A")
            .plan();
        let (gov, port) = (OrgIx::from(0usize), OrgIx::from(1usize));
        let (email, web) = (ServiceIx::from(0usize), ServiceIx::from(1usize));
        let campaign = CampaignIx::default();
        let events = vec![
            at(
                10,
                SimEvent::HostCompromised {
                    campaign,
                    org: gov,
                    host: 1,
                    technique: Default::default(),
                },
            ),
            at(20, SimEvent::ServiceDown { service: email }),
            at(30, SimEvent::ServiceDown { service: web }),
            at(40, SimEvent::ServiceRestored { service: email }),
            at(
                50,
                SimEvent::RansomNoteFound {
                    campaign,
                    org: port,
                },
            ),
            at(
                60,
                SimEvent::IncidentOpened {
                    incident: 1,
                    team: TeamIx::from(0usize),
                    org: port,
                    campaign,
                    by: DetectedBy::Alert,
                },
            ),
            at(70, SimEvent::ServiceRestored { service: web }),
            at(
                80,
                SimEvent::RansomPaid {
                    org: port,
                    usd: 1000,
                },
            ),
            at(
                90,
                SimEvent::RansomPaid {
                    org: port,
                    usd: u64::MAX,
                },
            ),
            at(100, SimEvent::ServiceDown { service: email }),
        ];
        let p = OperatingPicture::of(&plan, &events);
        let (a, b) = (&p.islands[0], &p.islands[1]);
        assert_eq!(
            (a.first_compromised, a.first_detection, a.first_detected_by),
            (Some(10), None, None)
        );
        assert_eq!(
            (b.first_compromised, b.first_detection, b.first_detected_by),
            (None, Some(50), Some("ransom note"))
        );
        // 20..70 with one down or both, then 100..now.
        assert_eq!(a.minutes_with_a_service_down(120), 50 + 20);
        assert_eq!(b.minutes_with_a_service_down(120), 0);
        assert_eq!(p.outages, vec![(email, 20, 40), (web, 30, 70)]);
        assert_eq!(p.down_since.get(&email), Some(&100));
        assert_eq!(
            p.ransoms.get(&port),
            Some(&u64::MAX),
            "a silly sum saturates"
        );
        // Folded in two parts, as the console does, the picture is the same.
        let mut split = OperatingPicture::new(&plan);
        split.update(&plan, &events[..4]);
        split.update(&plan, &events);
        assert_eq!(split.islands, p.islands);
        assert_eq!((split.outages, split.ransoms), (p.outages, p.ransoms));
    }
}
