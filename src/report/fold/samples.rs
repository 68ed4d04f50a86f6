//! What one run offers the calibration's rows (`report::calibration`): who found each
//! ransomware victim before the encryption, how fast intrusions moved, how noisy alerts were,
//! backups lost, dwell, recovery and the losses by kind. The pass over the events keeps what
//! the picture does not (per intrusion, a campaign at an organisation, and the alerts); victims,
//! their first incident, recoveries and losses are the picture's.

use std::collections::{BTreeMap, BTreeSet};

use super::picture::OperatingPicture;
use crate::report::summary::summary_of;
use crate::scenario::ids::{CampaignIx, OrgIx, TechniqueIx};
use crate::scenario::{Backups, Effect, Plan};
use crate::sim::events::{SimEvent, Stamped};

/// What one run offers each row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Samples {
    /// Organisations encrypted.
    pub encrypted_orgs: u32,
    /// ... where a team opened an incident there before the encryption.
    pub found_before: u32,
    /// ... where no team had an incident or a true alert there before the ransom note.
    pub told_by_note: u32,
    /// ... the share of its computers encrypted, each.
    pub encrypted_share: Vec<f64>,
    /// ... those whose ransom the model decides (no MSEL option pays for them), and of
    /// these, those that paid or decided to.
    pub model_victims: u32,
    pub ransom_paid: u32,
    /// Ransomware intrusions (a campaign with an encryption stage, at an organisation) that
    /// became known, and those of them never encrypted by the end of the run.
    pub known_attacks: u32,
    pub stopped_known: u32,
    /// Minutes from an intrusion's foothold to its first lateral move.
    pub breakout: Vec<f64>,
    /// Hours from an intrusion's foothold to data leaving.
    pub to_exfiltration: Vec<f64>,
    /// Hours from an intrusion's foothold to encryption.
    pub to_encryption: Vec<f64>,
    pub alerts: u32,
    pub false_alerts: u32,
    /// Alerts about organisations from their first foothold on, and the false among them: what
    /// the analysts of an organisation under attack see.
    pub alerts_attacked: u32,
    pub false_attacked: u32,
    /// Organisations encrypted that had online backups, and those whose backups went too.
    pub online_backup_hits: u32,
    pub backups_lost: u32,
    /// Days from an intrusion's foothold until a team opened an incident there or the victim
    /// found the ransom note (intrusions never found in the run are left out).
    pub dwell: Vec<f64>,
    /// Per organisation encrypted: days until its last planned restore, or `None` where hosts
    /// still wait for anyone to start (a foothold nobody cleaned).
    pub recovery: Vec<Option<f64>>,
    /// The run's losses by kind (see `LOSS_KINDS`); then the interruption still owed at the end,
    /// and the ransoms agreed and not yet paid.
    pub loss: [f64; 8],
    pub committed: f64,
    pub ransom_agreed: f64,
}

/// The kinds of loss, in the order of `Samples::loss`.
pub const LOSS_KINDS: [&str; 8] = [
    "scripted outages",
    "other outages",
    "recovery",
    "interruption",
    "breach",
    "ransom",
    "support lost",
    "response's people",
];

/// One run's samples, its events `ticks` minutes long.
pub fn samples(plan: &Plan, events: &[Stamped], ticks: u64) -> Samples {
    let picture = OperatingPicture::of(plan, events);
    let mut s = Samples::default();
    let mut pass = Intrusions::default();
    for e in events {
        pass.apply(plan, &mut s, e);
    }
    s.victims(plan, &picture, &pass.first_true_alert);
    // The ransom the model decides: victims whose payment the room decides are left out.
    let scripted = plan.ransom_scripted();
    let played = |o: &&OrgIx| !scripted.contains(o);
    let hit = |o: &&OrgIx| picture.recovery.get(o).is_some_and(|r| r.hit.is_some());
    s.model_victims = (picture.recovery.keys()).filter(hit).filter(played).count() as u32;
    s.ransom_paid = pass.paid.iter().filter(hit).filter(played).count() as u32;
    for intrusion in &pass.found {
        if plan.is_ransomware(intrusion.0) {
            s.known_attacks += 1;
            s.stopped_known += !pass.encrypted.contains(intrusion) as u32;
        }
    }
    s.losses(plan, &picture, ticks, events.len());
    s
}

/// An intrusion: a campaign at an organisation.
type Intrusion = (CampaignIx, OrgIx);

/// What the pass remembers between events.
#[derive(Default)]
struct Intrusions {
    /// Each intrusion's first host taken.
    foothold: BTreeMap<Intrusion, u64>,
    /// Intrusions that have moved laterally.
    moved: BTreeSet<Intrusion>,
    /// Intrusions not yet found, since their first host; and those found.
    unfound: BTreeMap<Intrusion, u64>,
    found: BTreeSet<Intrusion>,
    /// Organisations whose backups went.
    lost: BTreeSet<OrgIx>,
    /// Per organisation, its first true alert.
    first_true_alert: BTreeMap<OrgIx, u64>,
    /// Intrusions that encrypted, and organisations that paid a ransom.
    encrypted: BTreeSet<Intrusion>,
    paid: BTreeSet<OrgIx>,
}

impl Intrusions {
    fn apply(&mut self, plan: &Plan, s: &mut Samples, e: &Stamped) {
        let t = e.tick;
        let hours = |from: u64| t.saturating_sub(from) as f64 / 60.0;
        match e.event {
            SimEvent::HostCompromised {
                campaign,
                org,
                technique,
                ..
            } => self.host_taken(plan, s, (campaign, org), technique, t),
            SimEvent::DataExfiltrated { campaign, org, .. } => {
                if let Some(&start) = self.foothold.get(&(campaign, org)) {
                    s.to_exfiltration.push(hours(start));
                }
            }
            SimEvent::HostsEncrypted { campaign, org, .. } => {
                if let Some(&start) = self.foothold.get(&(campaign, org)) {
                    s.to_encryption.push(hours(start));
                }
                self.encrypted.insert((campaign, org));
            }
            // Decided to pay (the payment itself may fall after the run's end).
            SimEvent::RansomPaid { org, .. } | SimEvent::RansomTalks { org, .. } => {
                self.paid.insert(org);
            }
            // Per attacked organisation, however many of its groups went.
            SimEvent::BackupsLost { org, .. } if self.lost.insert(org) => s.backups_lost += 1,
            SimEvent::AlertRaised {
                org, true_positive, ..
            } => self.alert(s, org, true_positive, t),
            SimEvent::IncidentOpened { org, campaign, .. }
            | SimEvent::RansomNoteFound { campaign, org } => self.found(s, (campaign, org), t),
            _ => {}
        }
    }

    fn host_taken(
        &mut self,
        plan: &Plan,
        s: &mut Samples,
        intrusion: Intrusion,
        technique: TechniqueIx,
        t: u64,
    ) {
        let start = *self.foothold.entry(intrusion).or_insert(t);
        if !self.found.contains(&intrusion) {
            self.unfound.entry(intrusion).or_insert(t);
        }
        if plan.techniques[technique].effect == Effect::LateralMovement
            && self.moved.insert(intrusion)
        {
            s.breakout.push(t.saturating_sub(start) as f64);
        }
    }

    fn alert(&mut self, s: &mut Samples, org: OrgIx, true_positive: bool, t: u64) {
        s.alerts += 1;
        if self.foothold.keys().any(|(_, o)| *o == org) {
            s.alerts_attacked += 1;
            s.false_attacked += !true_positive as u32;
        }
        if true_positive {
            self.first_true_alert.entry(org).or_insert(t);
        } else {
            s.false_alerts += 1;
        }
    }

    /// A team opened an incident on the intrusion, or its victim found the ransom note.
    fn found(&mut self, s: &mut Samples, intrusion: Intrusion, t: u64) {
        if let Some(start) = self.unfound.remove(&intrusion) {
            s.dwell.push(t.saturating_sub(start) as f64 / 1440.0);
            self.found.insert(intrusion);
        }
    }
}

impl Samples {
    /// Per organisation encrypted: found by a team before, first told by the note, online
    /// backups, and how long its recovery takes.
    fn victims(
        &mut self,
        plan: &Plan,
        picture: &OperatingPicture,
        first_true_alert: &BTreeMap<OrgIx, u64>,
    ) {
        let mut first_incident: BTreeMap<OrgIx, u64> = BTreeMap::new();
        for o in &picture.incidents_opened {
            first_incident.entry(o.org).or_insert(o.tick);
        }
        for (org, r) in &picture.recovery {
            let Some(hit) = r.hit else { continue };
            let found = first_incident.get(org).copied();
            let noticed = found
                .into_iter()
                .chain(first_true_alert.get(org).copied())
                .min();
            self.encrypted_orgs += 1;
            self.found_before += found.is_some_and(|f| f < hit) as u32;
            self.told_by_note += noticed.is_none_or(|n| n >= hit) as u32;
            let o = &plan.orgs[*org];
            let online = plan.groups[o.groups.start as usize..o.groups.end as usize]
                .iter()
                .any(|g| g.backups == Backups::Online);
            self.online_backup_hits += online as u32;
            let computers = (o.hosts.end - o.hosts.start).max(1) as f64;
            self.encrypted_share
                .push((r.encrypted as f64 / computers).min(1.0));
            let per_host = crate::sim::network::minutes_per_host(plan);
            (self.recovery).push(
                (r.expected_back(per_host)).map(|done| done.saturating_sub(hit) as f64 / 1440.0),
            );
        }
    }

    /// The run's losses by kind, summed over the islands.
    fn losses(&mut self, plan: &Plan, picture: &OperatingPicture, ticks: u64, events: usize) {
        let summary = summary_of(picture, plan, 0, ticks, String::new(), events);
        for i in &summary.islands {
            let parts = [
                i.loss_services_scripted_usd,
                i.loss_services_usd - i.loss_services_scripted_usd,
                i.loss_recovery_usd,
                i.loss_interruption_usd,
                i.loss_breach_usd,
                i.loss_ransom_usd,
                i.loss_support_usd,
                i.loss_response_usd,
            ];
            for (total, part) in self.loss.iter_mut().zip(parts) {
                *total += part;
            }
            self.committed += i.committed_usd - i.ransom_agreed_usd;
            self.ransom_agreed += i.ransom_agreed_usd;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::TeamIx;
    use crate::scenario::testkit::TinyRegion;

    #[test]
    fn one_intrusion_found_in_time_and_one_told_by_its_note() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 10, 0.5, 0.5)
            .org("port", "A", 10, 0.5, 0.5)
            .campaign(
                "crew",
                "D1 09:00",
                "Island(\"A\")",
                &["T1078", "T1021.002", "T1486"],
            )
            .plan();
        let stage = |k: usize| plan.campaigns[0].stages[k].technique;
        let (c, gov, port) = (CampaignIx(0), OrgIx(0), OrgIx(1));
        let at = |tick, event| Stamped { tick, event };
        let hit = |org, host, technique: TechniqueIx| SimEvent::HostCompromised {
            campaign: c,
            org,
            host,
            technique,
        };
        let log = vec![
            at(0, hit(gov, 1, stage(0))),
            at(30, hit(gov, 2, stage(1))),
            at(40, hit(port, 11, stage(0))),
            at(
                100,
                SimEvent::IncidentOpened {
                    incident: 0,
                    team: TeamIx(0),
                    org: gov,
                    campaign: c,
                    by: crate::sim::events::DetectedBy::Alert,
                },
            ),
            at(
                600,
                SimEvent::HostsEncrypted {
                    campaign: c,
                    org: gov,
                    hosts: 9,
                    rebuilt: 0,
                },
            ),
            at(
                640,
                SimEvent::HostsEncrypted {
                    campaign: c,
                    org: port,
                    hosts: 10,
                    rebuilt: 0,
                },
            ),
            at(
                640,
                SimEvent::BackupsLost {
                    org: port,
                    hosts: 10,
                },
            ),
        ];
        let s = samples(&plan, &log, 700);
        assert_eq!(
            (s.encrypted_orgs, s.found_before, s.told_by_note),
            (2, 1, 1)
        );
        assert_eq!(s.breakout, vec![30.0]);
        assert_eq!(s.to_encryption, vec![10.0, 10.0]);
        assert_eq!((s.online_backup_hits, s.backups_lost), (2, 1));
        assert_eq!(s.dwell, vec![100.0 / 1440.0], "gov found; port never was");
        assert_eq!(s.recovery, vec![None, None], "nobody planned a restore");
    }
}
