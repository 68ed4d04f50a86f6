//! What the money needs beyond hosts and outages: why each outage lasted (the script, the
//! attack or the response, from the simulation's `OutageCause`), and which organisations were
//! cut off from their managed service provider, the price of cutting a trusted path.

use std::collections::{BTreeMap, BTreeSet};

use crate::scenario::Plan;
use crate::scenario::ids::{OrgIx, ServiceIx, TeamIx};
use crate::sim::events::{DownCause, SimEvent, Stamped};

/// Minutes each service was down, by cause.
#[derive(Clone, Debug, Default)]
pub struct OutageCauses {
    /// Per service down now: what keeps it down, since when.
    pub since: BTreeMap<ServiceIx, (DownCause, u64)>,
    /// Per service, minutes down by cause (scripted, attack, response) over spells that ended.
    pub minutes: BTreeMap<ServiceIx, [u64; 3]>,
}

impl OutageCauses {
    pub(super) fn apply(&mut self, e: &Stamped) {
        match e.event {
            SimEvent::OutageCause { service, cause } => {
                self.end(service, e.tick);
                self.since.insert(service, (cause, e.tick));
            }
            SimEvent::ServiceRestored { service } => self.end(service, e.tick),
            _ => {}
        }
    }

    /// The spell of one cause of a service's outage ends at `tick`.
    fn end(&mut self, service: ServiceIx, tick: u64) {
        if let Some((cause, since)) = self.since.remove(&service) {
            self.minutes.entry(service).or_default()[cause as usize] += tick - since;
        }
    }

    /// Minutes `service` has been down by `now` for each cause (scripted, attack, response),
    /// counting an outage still open.
    pub fn of(&self, service: ServiceIx, now: u64) -> [u64; 3] {
        let mut m = self.minutes.get(&service).copied().unwrap_or_default();
        if let Some((cause, since)) = self.since.get(&service) {
            m[*cause as usize] += now.saturating_sub(*since);
        }
        m
    }
}

/// Clients of a managed service provider left without its remote support: the provider's
/// network isolated, or the client's own cut of its access. The summary charges it.
#[derive(Clone, Debug, Default)]
pub struct SupportCut {
    /// Providers whose network is isolated now.
    isolated: BTreeSet<OrgIx>,
    /// Clients that revoked their provider's access.
    revoked: BTreeSet<OrgIx>,
    /// Clients without support now, since when.
    pub since: BTreeMap<OrgIx, u64>,
    /// Minutes each client was without support, over spells that ended.
    pub minutes: BTreeMap<OrgIx, u64>,
}

impl SupportCut {
    pub(super) fn apply(&mut self, plan: &Plan, e: &Stamped) {
        match e.event {
            SimEvent::OrganisationIsolated { org, .. } => {
                self.isolated.insert(org);
                self.clients_of(plan, org, e.tick);
            }
            SimEvent::OrganisationReconnected { org, .. } => {
                self.isolated.remove(&org);
                self.clients_of(plan, org, e.tick);
            }
            SimEvent::AccessRevoked { org, .. } => {
                self.revoked.insert(org);
                self.update(plan, org, e.tick);
            }
            _ => {}
        }
    }

    fn clients_of(&mut self, plan: &Plan, provider: OrgIx, tick: u64) {
        for &client in &plan.orgs[provider].manages {
            self.update(plan, client, tick);
        }
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
    pub fn clients(&self) -> BTreeSet<OrgIx> {
        self.since
            .keys()
            .chain(self.minutes.keys())
            .copied()
            .collect()
    }
}

/// What the response cost in people: the minutes of work each team's analysts put into the
/// tasks they finished (at the team's pace), and the analysts the hub lent each team (days on
/// loan from dispatch until back, and a return trip each when they came on site). The summary
/// charges them (`ANALYST_HOUR_USD`, `LENT_ANALYST_DAY_USD`, `LENT_ANALYST_TRIP_USD`).
#[derive(Clone, Debug, Default)]
pub struct ResponseWork {
    /// Per team, minutes of analyst work on finished tasks.
    pub minutes: BTreeMap<TeamIx, f64>,
    /// Per team helped, analysts on loan now and since when.
    lent: BTreeMap<TeamIx, Vec<(u32, u64)>>,
    /// Per team helped, analyst-minutes on loan over loans that ended, and trips made.
    pub loans: BTreeMap<TeamIx, (u64, u32)>,
    /// The last (team, minute) an investigation was charged: one look scopes several incidents.
    looked: Option<(TeamIx, u64)>,
}

impl ResponseWork {
    pub(super) fn apply(&mut self, plan: &Plan, e: &Stamped, opened: &[super::Opened]) {
        use crate::sim::tasks::TaskKind;
        use SimEvent::*;
        let (team, kind) = match e.event {
            AlertTriaged { team, .. } => (team, TaskKind::Triage),
            IncidentScoped { incident, .. } => {
                let Some(o) = opened.get(incident as usize) else {
                    return;
                };
                if self.looked == Some((o.team, e.tick)) {
                    return;
                }
                self.looked = Some((o.team, e.tick));
                (o.team, TaskKind::Investigate)
            }
            HuntFoundNothing { team, .. } => (team, TaskKind::Investigate),
            HostIsolated { team, .. } => (team, TaskKind::Isolate),
            HostCleaned { team, .. } => (team, TaskKind::Eradicate),
            OrganisationPatched { team, .. } => (team, TaskKind::Patch),
            CredentialsReset { team, .. } => (team, TaskKind::ResetCredentials),
            ActorBlocked { team, .. } | IndicatorsBlocked { team, .. } => (team, TaskKind::Block),
            // A collection is an investigation's work; the findings' scope that follows is the
            // trainees' own analysis, not charged again as one.
            CollectionDelivered { team, .. } => (team, TaskKind::Investigate),
            FindingsSubmitted(ref f) => {
                self.looked = Some((f.team, e.tick));
                return;
            }
            IntelApplied {
                team: Some(team), ..
            } => (team, TaskKind::ApplyIntel),
            IntelRelayed { team, .. } => (team, TaskKind::RelayIntel),
            AssistanceDispatched { team, analysts, .. } => {
                self.lent.entry(team).or_default().push((analysts, e.tick));
                if plan.assistance.on_site {
                    self.loans.entry(team).or_default().1 += analysts;
                }
                return;
            }
            AssistanceLeft { team, analysts } => {
                let lent = self.lent.entry(team).or_default();
                if let Some(k) = lent.iter().position(|(n, _)| *n == analysts) {
                    let (n, since) = lent.remove(k);
                    self.loans.entry(team).or_default().0 +=
                        n as u64 * e.tick.saturating_sub(since);
                }
                return;
            }
            _ => return,
        };
        // What the desk charges the task, at the team's pace (`response::work_desks`).
        let minutes = kind.base_minutes(&plan.defaults, &plan.intel);
        let pace = crate::sim::judgement::SKILL_PACE - plan.teams[team].skill;
        *self.minutes.entry(team).or_default() += minutes as f64 * pace;
    }

    /// Analyst-minutes team `team` had on loan by `now`, counting loans under way, and the
    /// trips made.
    pub fn loaned(&self, team: TeamIx, now: u64) -> (u64, u32) {
        let (mut minutes, trips) = self.loans.get(&team).copied().unwrap_or_default();
        for (n, since) in self.lent.get(&team).into_iter().flatten() {
            minutes += *n as u64 * now.saturating_sub(*since);
        }
        (minutes, trips)
    }

    /// Teams that worked or were helped, in team order.
    pub fn teams(&self) -> impl Iterator<Item = TeamIx> + '_ {
        let mut all: BTreeSet<TeamIx> = self.minutes.keys().copied().collect();
        all.extend(self.lent.keys().copied());
        all.extend(self.loans.keys().copied());
        all.into_iter()
    }
}
