//! The picture's islands: what the attack did there (hosts taken, encrypted and restored, data
//! taken, ransoms), how each island first knew, and its services and power.

use std::collections::BTreeSet;

use super::OperatingPicture;
use crate::scenario::Plan;
use crate::scenario::ids::{CampaignIx, OrgIx, ServiceIx, TeamIx};
use crate::sim::events::{SimEvent, Stamped};

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
    /// Ransoms its organisations agreed to and had not paid yet (talks under way), USD, by
    /// organisation: owed at the end like the interruption still to come.
    pub ransom_agreed: std::collections::BTreeMap<OrgIx, u64>,
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

    /// The island first knew at `tick`, by `how` (an earlier word stands).
    fn known(&mut self, tick: u64, how: &'static str) {
        self.first_detection.get_or_insert(tick);
        self.first_detected_by.get_or_insert(how);
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

/// An incident as opened: when, by which team, at which organisation, on which campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opened {
    pub tick: u64,
    pub team: TeamIx,
    pub org: OrgIx,
    pub campaign: CampaignIx,
}

/// One organisation's encrypted hosts over time, enough to say how many host-minutes they were
/// down by any moment and how many more their planned restores commit it to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrgRecovery {
    pub encrypted: u64,
    /// Of those, hosts with no usable backup left: rebuilt, at a rebuild's price.
    pub rebuilt: u64,
    /// Sum over encrypted hosts of the tick each was encrypted.
    encrypted_at: u64,
    pub restored: u64,
    restored_at: u64,
    /// Restores planned: (hosts, first back, last back), spaced evenly between.
    pub planned: Vec<(u32, u64, u64)>,
    /// Tick of the first encryption.
    pub hit: Option<u64>,
    /// When its IT is ready to restore the hosts it prepared last, if it prepared any.
    ready: Option<u64>,
}

impl OrgRecovery {
    /// `hosts` more went down to ransomware at `tick`, `rebuilt` of them with no usable backup.
    pub fn hosts_encrypted(&mut self, (hosts, rebuilt): (u32, u32), tick: u64) {
        let hosts = u64::from(hosts);
        self.encrypted += hosts;
        self.rebuilt += u64::from(rebuilt);
        self.encrypted_at += hosts * tick;
        self.hit.get_or_insert(tick);
    }

    /// One encrypted host is back at `tick`.
    pub fn host_restored(&mut self, tick: u64) {
        self.restored += 1;
        self.restored_at += tick;
    }

    /// Host-minutes down from encryption to `now` (or to the restore, if before).
    pub fn host_minutes_down(&self, now: u64) -> u64 {
        (self.encrypted.saturating_sub(self.restored) * now + self.restored_at)
            .saturating_sub(self.encrypted_at)
    }

    /// Host-minutes still to come after `now`: planned restores not yet done; hosts prepared
    /// but not started one after another at the crew's pace (`per_host`) from when its IT is
    /// ready (the least they wait: containment may hold them longer); and hosts nobody has
    /// planned to restore at a rebuild's time each (they wait for someone to act).
    pub fn host_minutes_committed(&self, now: u64, rebuild: u64, per_host: u64) -> u64 {
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
        let unplanned = (self.encrypted.saturating_sub(self.restored)).saturating_sub(pending);
        let Some(ready) = self.ready else {
            return minutes + unplanned * rebuild;
        };
        let start = ready.max(now) - now;
        minutes + (1..=unplanned).map(|k| start + k * per_host).sum::<u64>()
    }

    /// When the organisation's last planned restore is done.
    pub fn recovered_by(&self) -> Option<u64> {
        self.planned.iter().map(|p| p.2).max()
    }

    /// When the organisation should be back, as far as the record says: its last planned
    /// restore, and after it (or once its IT is ready) the hosts prepared but not started,
    /// one after another at `per_host` (the soonest: containment may hold them longer). None
    /// while hosts wait that nobody prepared.
    pub fn expected_back(&self, per_host: u64) -> Option<u64> {
        let planned: u64 = self.planned.iter().map(|p| p.0 as u64).sum();
        let left = self.encrypted.saturating_sub(planned);
        if left == 0 {
            return self.recovered_by();
        }
        self.ready.map(|ready| {
            let start = self.recovered_by().unwrap_or(0).max(ready);
            start + left * per_host
        })
    }
}

impl OperatingPicture {
    /// What the attack did and how each island found out.
    pub(super) fn attack(&mut self, plan: &Plan, e: &Stamped) {
        let island = |org: OrgIx| plan.orgs[org].island.ix();
        let tick = e.tick;
        match e.event {
            SimEvent::HostCompromised { org, host, .. } => self.host_taken(plan, org, host, tick),
            SimEvent::HostIsolated { host, org, .. } => {
                self.islands[island(org)].held.remove(&host);
            }
            SimEvent::HostsEncrypted {
                org,
                hosts,
                rebuilt,
                ..
            } => self.hosts_encrypted(plan, org, (hosts, rebuilt), tick),
            SimEvent::HostRestored {
                org,
                encrypted: true,
                ..
            } => self.recovery.entry(org).or_default().host_restored(tick),
            // Down again: in the organisation's recovery, not a new victim's count.
            SimEvent::RestoredHostsEncrypted {
                org,
                hosts,
                rebuilt,
                ..
            } => (self.recovery.entry(org).or_default()).hosts_encrypted((hosts, rebuilt), tick),
            SimEvent::RestoresHastened { org, ready, .. } => {
                let r = self.recovery.entry(org).or_default();
                r.ready = r.ready.map(|was| was.min(ready));
            }
            SimEvent::RestoresPrepared { org, ready, .. } => {
                let r = self.recovery.entry(org).or_default();
                r.ready = r.ready.max(Some(ready));
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
            SimEvent::RansomPaid { org, usd } => self.ransom_paid(plan, org, usd),
            SimEvent::CredentialsReset { org, .. } => *self.resets.entry(org).or_default() += 1,
            SimEvent::RansomTalks { org, usd, .. } => {
                self.islands[island(org)].ransom_agreed.insert(org, usd);
            }
            SimEvent::DataExfiltrated { org, .. } => {
                self.islands[island(org)].breached.insert(org);
            }
            SimEvent::IncidentOpened {
                team,
                org,
                campaign,
                ..
            } => {
                let i = &mut self.islands[island(org)];
                i.incidents += 1;
                i.known(tick, "incident");
                self.incidents_opened.push(Opened {
                    tick,
                    team,
                    org,
                    campaign,
                });
            }
            SimEvent::RansomNoteFound { org, .. } => {
                self.islands[island(org)].known(tick, "ransom note")
            }
            _ => {}
        }
    }

    /// An attacker took `host` of `org` at `tick`.
    pub(in crate::report) fn host_taken(&mut self, plan: &Plan, org: OrgIx, host: u32, tick: u64) {
        let ix = plan.orgs[org].island;
        let i = &mut self.islands[ix.ix()];
        i.compromised.insert(host);
        i.held.insert(host);
        if i.first_compromised.is_none() {
            i.first_compromised = Some(tick);
            self.islands_hit.push(ix);
        }
        let ever = i.compromised.len() as u64;
        self.trends.compromised[ix.ix()].set(tick, ever);
    }

    /// Ransomware encrypted `hosts` of `org` at `tick`, `rebuilt` of them with no usable
    /// backup left.
    pub(in crate::report) fn hosts_encrypted(
        &mut self,
        plan: &Plan,
        org: OrgIx,
        (hosts, rebuilt): (u32, u32),
        tick: u64,
    ) {
        let island = plan.orgs[org].island.ix();
        self.islands[island].encrypted += u64::from(hosts);
        let now_encrypted = self.islands[island].encrypted;
        self.trends.encrypted[island].set(tick, now_encrypted);
        self.recovery
            .entry(org)
            .or_default()
            .hosts_encrypted((hosts, rebuilt), tick);
    }

    /// `org` paid a ransom. It comes from a command file: a silly sum must not overflow.
    pub(in crate::report) fn ransom_paid(&mut self, plan: &Plan, org: OrgIx, usd: u64) {
        let i = &mut self.islands[plan.orgs[org].island.ix()];
        i.ransom_usd = i.ransom_usd.saturating_add(usd);
        i.ransom_agreed.remove(&org);
        let paid = self.ransoms.entry(org).or_default();
        *paid = paid.saturating_add(usd);
    }

    /// Services up and down, power, and intelligence put to work on an island.
    pub(super) fn infrastructure(&mut self, plan: &Plan, e: &Stamped) {
        let tick = e.tick;
        match e.event {
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
            SimEvent::ServiceRestored { service } => {
                if let Some(since) = self.down_since.remove(&service) {
                    self.down_minutes[service] += tick - since;
                    self.outages.push((service, since, tick));
                }
                self.note_services_down(plan, service, tick);
                self.islands[plan.services[service].island].service_went(false, tick);
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
}
