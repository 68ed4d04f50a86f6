//! Incidents: what a team opens when it confirms an intrusion, scopes, contains and closes.
//! An incident is contained when the intruder holds no host and has no attempt running in the
//! organisation, and closed when every host it took out of service is back.

use crate::scenario::ids::{CampaignIx, OrgIx, TeamIx};
use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::*;

use super::attack::Intrusions;
use super::digest::{DigestAppExt, hash_of};
use super::events::{DetectedBy, EventLog, SimEvent};
use super::network::Hosts;
use super::{Clock, Region, SimSet, SimTick};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Incidents>()
        .add_systems(SimTick, finish_restores.in_set(SimSet::Response))
        .digest_part(50, "incidents", |world| {
            hash_of(&world.resource::<Incidents>().0)
        });
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Incident {
    pub team: TeamIx,
    pub org: OrgIx,
    pub campaign: CampaignIx,
    pub opened: u64,
    pub scoped: bool,
    pub contained: bool,
    pub closed: bool,
    /// Hosts already on the team's isolation list.
    pub queued: BTreeSet<u32>,
    /// Isolated hosts not yet back in service.
    pub outstanding: BTreeSet<u32>,
    /// Hosts already on the team's cleaning list.
    pub cleaning: BTreeSet<u32>,
    /// The team has learned the intruder holds the organisation's credentials.
    pub credentials_found: bool,
    /// A reset of those credentials is on the team's list (auto-played teams).
    pub reset_listed: bool,
    /// Hosts the team's investigations found the intruder on: what it isolates. Hosts it
    /// missed stay the intruder's until an alert from one sends it looking again.
    pub known: BTreeSet<u32>,
    /// An investigation to widen the scope is on the team's list.
    pub looking: bool,
    /// The last investigation found nothing the team did not know: it stops sweeping.
    pub quiet: bool,
}

/// Every incident in the order it was opened; the index is its id. Beside the history, where
/// to find the live ones, so a long exercise's closed incidents cost nothing per minute.
#[derive(Resource, Default)]
pub struct Incidents(pub Vec<Incident>, Lookup);

/// Indexes into the history, which only grows (containing and closing never come undone).
/// They follow from it, so the digest hashes the history alone.
#[derive(Default)]
pub struct Lookup {
    /// Incidents not seen contained yet, in id order (contained ones leave lazily).
    uncontained: Vec<u32>,
    /// Per organisation and campaign, the incidents any team opened on it, in id order.
    by_case: BTreeMap<(OrgIx, CampaignIx), Vec<u32>>,
}

impl Incidents {
    /// A team opens an incident on a campaign in an organisation (scoped at once when it was
    /// found by hunting, since the hunt saw everything the intruder holds).
    pub fn open(
        &mut self,
        log: &mut EventLog,
        now: u64,
        team: TeamIx,
        org: OrgIx,
        campaign: CampaignIx,
        by: DetectedBy,
    ) -> u32 {
        let id = self.0.len() as u32;
        self.1.uncontained.push(id);
        self.1.by_case.entry((org, campaign)).or_default().push(id);
        self.0.push(Incident {
            team,
            org,
            campaign,
            opened: now,
            scoped: by == DetectedBy::Hunt,
            contained: false,
            closed: false,
            queued: BTreeSet::new(),
            outstanding: BTreeSet::new(),
            cleaning: BTreeSet::new(),
            credentials_found: false,
            reset_listed: false,
            known: BTreeSet::new(),
            looking: false,
            quiet: false,
        });
        log.push(
            now,
            SimEvent::IncidentOpened {
                incident: id,
                team,
                org,
                campaign,
                by,
            },
        );
        id
    }

    /// The open incident a team already has on this campaign in this organisation.
    pub fn open_on(&self, team: TeamIx, org: OrgIx, campaign: CampaignIx) -> Option<u32> {
        self.on_case(org, campaign)
            .find(|k| self.0[*k as usize].team == team && !self.0[*k as usize].closed)
    }

    /// The incidents opened on a campaign in an organisation, by any team, in id order.
    pub fn on_case(&self, org: OrgIx, campaign: CampaignIx) -> impl Iterator<Item = u32> + use<'_> {
        self.1
            .by_case
            .get(&(org, campaign))
            .into_iter()
            .flatten()
            .copied()
    }

    /// Every incident any team opened in the organisation, whatever the campaign.
    pub fn on_org(&self, org: OrgIx) -> impl Iterator<Item = u32> + use<'_> {
        let campaigns = (org, CampaignIx(0))..=(org, CampaignIx(u32::MAX));
        (self.1.by_case.range(campaigns)).flat_map(|(_, ids)| ids.iter().copied())
    }

    /// The incidents not yet contained, in id order.
    pub fn uncontained(&self) -> impl Iterator<Item = (u32, &Incident)> {
        self.1
            .uncontained
            .iter()
            .map(|k| (*k, &self.0[*k as usize]))
            .filter(|(_, i)| !i.contained)
    }

    /// Contained incidents leave the live list (once a tick), so walking it costs what is live
    /// rather than everything that happened.
    fn forget_contained(&mut self) {
        let Incidents(history, lookup) = self;
        lookup
            .uncontained
            .retain(|k| !history[*k as usize].contained);
    }
}

/// Hosts whose restore finished are back; an incident with none left outstanding closes. A
/// rebuild wipes whatever the intruder had on the host: if that was its last, the incidents on
/// it are contained. What the organisation's IT rebuilt is noted for `recovery`, which checks
/// whether a crew still inside hits it again.
pub(super) fn finish_restores(
    (clock, region): (Res<Clock>, Res<Region>),
    mut hosts: ResMut<Hosts>,
    mut intrusions: ResMut<Intrusions>,
    mut incidents: ResMut<Incidents>,
    mut gate: ResMut<super::network::RestoreGate>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    // Once a minute, before the response walks the live list.
    incidents.forget_contained();
    let restored = hosts.finish_restores(&region, now);
    for r in restored {
        if r.rebuilt && r.incident.is_none() {
            gate.rebuilt(r.host);
        }
        let org = region.org_of_host(r.host);
        log.push(
            now,
            SimEvent::HostRestored {
                host: r.host,
                org,
                encrypted: true,
            },
        );
        if let Some(campaign) = r.held_by
            && let Some(intr) = intrusions.by_key.get_mut(&(campaign, org))
        {
            intr.hosts.remove(&r.host);
            let on_case: Vec<u32> = incidents.on_case(org, campaign).collect();
            for id in on_case {
                let inc = &mut incidents.0[id as usize];
                if !inc.closed {
                    check_contained(inc, id, &intrusions, now, &mut log);
                }
            }
        }
        if let Some(incident) = r.incident {
            close_if_done(
                &mut incidents.0[incident as usize],
                incident,
                r.host,
                now,
                &mut log,
            );
        }
    }
}

/// A restored host is no longer outstanding; a contained incident with none left closes.
pub fn close_if_done(inc: &mut Incident, id: u32, restored: u32, now: u64, log: &mut EventLog) {
    inc.outstanding.remove(&restored);
    if inc.contained && inc.outstanding.is_empty() && !inc.closed {
        inc.closed = true;
        log.push(now, SimEvent::IncidentClosed { incident: id });
    }
}

/// An incident is contained once scoped and the intruder holds nothing, tries nothing more in
/// the organisation and holds no credentials still valid there; with nothing outstanding it
/// closes at once.
pub fn check_contained(
    inc: &mut Incident,
    id: u32,
    intrusions: &Intrusions,
    now: u64,
    log: &mut EventLog,
) {
    let (held, credentials) = (intrusions.by_key.get(&(inc.campaign, inc.org)))
        .map_or((0, false), |i| {
            (i.hosts.len() + i.attempts.len(), i.credentials)
        });
    // What a scoped investigation sees: the intruder took the organisation's credentials, so
    // isolating its hosts will not keep it out.
    if inc.scoped && credentials && !inc.credentials_found && !inc.contained {
        inc.credentials_found = true;
        log.push(now, SimEvent::CredentialsStolen { incident: id });
    }
    if inc.scoped && held == 0 && !credentials && !inc.contained {
        inc.contained = true;
        log.push(now, SimEvent::IncidentContained { incident: id });
        if inc.outstanding.is_empty() {
            inc.closed = true;
            log.push(now, SimEvent::IncidentClosed { incident: id });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::scenario::ids::*;
    use crate::sim::attack::{Intrusion, Phase};

    fn intrusions(hosts: &[u32], attempting: bool) -> Intrusions {
        let mut i = Intrusions::default();
        i.by_key.insert(
            (CampaignIx(0), OrgIx(0)),
            Intrusion {
                campaign: CampaignIx(0),
                org: OrgIx(0),
                phase: Phase::Active,
                stage: 1,
                stage_ends: 100,
                attempts: if attempting {
                    VecDeque::from([crate::sim::attack::Attempt {
                        tick: 5,
                        host: 9,
                        roll: 0,
                    }])
                } else {
                    VecDeque::new()
                },
                hosts: hosts.iter().copied().collect(),
                ddos: false,
                broken_out: false,
                credentials: false,
                returns_at: None,
            },
        );
        i
    }

    fn opened(scoped: bool) -> (Incidents, EventLog) {
        let mut incidents = Incidents::default();
        let mut log = EventLog::default();
        let by = if scoped {
            DetectedBy::Hunt
        } else {
            DetectedBy::Alert
        };
        incidents.open(&mut log, 0, TeamIx(0), OrgIx(0), CampaignIx(0), by);
        (incidents, log)
    }

    fn events(log: &EventLog) -> Vec<SimEvent> {
        log.all().iter().map(|e| e.event.clone()).collect()
    }

    #[test]
    fn an_incident_is_contained_only_once_scoped_and_the_intruder_holds_and_tries_nothing() {
        let (mut inc, mut log) = opened(false);
        check_contained(&mut inc.0[0], 0, &intrusions(&[], false), 1, &mut log);
        assert!(!inc.0[0].contained, "nobody has scoped it yet");
        inc.0[0].scoped = true;
        check_contained(&mut inc.0[0], 0, &intrusions(&[3], false), 2, &mut log);
        assert!(!inc.0[0].contained, "the intruder still holds a host");
        check_contained(&mut inc.0[0], 0, &intrusions(&[], true), 3, &mut log);
        assert!(!inc.0[0].contained, "an attempt is still landing");
        check_contained(&mut inc.0[0], 0, &intrusions(&[], false), 4, &mut log);
        assert!(inc.0[0].contained && inc.0[0].closed);
        assert_eq!(
            events(&log)[1..],
            [
                SimEvent::IncidentContained { incident: 0 },
                SimEvent::IncidentClosed { incident: 0 }
            ]
        );
    }

    /// Stolen credentials keep the incident open whatever is isolated, and the team learns
    /// of them once, from its scoped investigation.
    #[test]
    fn an_incident_whose_credentials_were_stolen_is_contained_only_once_they_are_reset() {
        let (mut inc, mut log) = opened(true);
        let mut crew = intrusions(&[], false);
        crew.by_key.values_mut().for_each(|i| i.credentials = true);
        check_contained(&mut inc.0[0], 0, &crew, 1, &mut log);
        check_contained(&mut inc.0[0], 0, &crew, 2, &mut log);
        assert!(
            !inc.0[0].contained,
            "every host isolated, the accounts still work"
        );
        let stolen = events(&log)
            .iter()
            .filter(|e| **e == SimEvent::CredentialsStolen { incident: 0 })
            .count();
        assert_eq!(stolen, 1, "said once");
        crew.by_key.values_mut().for_each(|i| i.credentials = false);
        check_contained(&mut inc.0[0], 0, &crew, 3, &mut log);
        assert!(inc.0[0].contained);
    }

    #[test]
    fn a_contained_incident_closes_when_its_last_host_is_back() {
        let (mut inc, mut log) = opened(true);
        inc.0[0].outstanding.extend([4, 5]);
        check_contained(&mut inc.0[0], 0, &intrusions(&[], false), 1, &mut log);
        assert!(inc.0[0].contained && !inc.0[0].closed);
        close_if_done(&mut inc.0[0], 0, 4, 2, &mut log);
        assert!(!inc.0[0].closed, "host 5 is still out");
        close_if_done(&mut inc.0[0], 0, 5, 3, &mut log);
        assert!(inc.0[0].closed);
        assert_eq!(
            log.all().last().map(|e| (e.tick, e.event.clone())),
            Some((3, SimEvent::IncidentClosed { incident: 0 }))
        );
    }

    #[test]
    fn a_hunt_opens_its_incident_scoped_an_alert_does_not() {
        assert!(opened(true).0.0[0].scoped);
        assert!(!opened(false).0.0[0].scoped);
        let (inc, log) = opened(false);
        assert_eq!(inc.open_on(TeamIx(0), OrgIx(0), CampaignIx(0)), Some(0));
        assert_eq!(
            inc.open_on(TeamIx(0), OrgIx(0), CampaignIx(1)),
            None,
            "another campaign"
        );
        assert!(matches!(
            events(&log)[0],
            SimEvent::IncidentOpened {
                by: DetectedBy::Alert,
                ..
            }
        ));
    }

    /// The live-incident lookups agree with a walk of the whole history as incidents are
    /// opened, contained and closed, and the walk is what they spare each minute.
    #[test]
    fn the_lookups_find_what_a_walk_of_the_history_finds() {
        let (mut inc, mut log) = opened(true);
        let (t, o, c) = (TeamIx(0), OrgIx(0), CampaignIx(0));
        inc.open(&mut log, 1, TeamIx(1), o, c, DetectedBy::Alert);
        inc.open(&mut log, 2, t, OrgIx(1), c, DetectedBy::Alert);
        // The first is contained and closed; its team opens a new one on the same case.
        check_contained(&mut inc.0[0], 0, &intrusions(&[], false), 3, &mut log);
        assert!(inc.0[0].closed);
        assert_eq!(inc.open_on(t, o, c), None, "closed incidents are not open");
        inc.open(&mut log, 4, t, o, c, DetectedBy::Alert);
        assert_eq!(inc.open_on(t, o, c), Some(3));
        assert_eq!(inc.open_on(TeamIx(1), o, c), Some(1), "another team's own");
        assert_eq!(inc.on_case(o, c).collect::<Vec<_>>(), vec![0, 1, 3]);
        let walk = |inc: &Incidents| -> Vec<u32> {
            (0..inc.0.len() as u32)
                .filter(|k| !inc.0[*k as usize].contained)
                .collect()
        };
        let live = |inc: &Incidents| inc.uncontained().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(live(&inc), walk(&inc));
        inc.forget_contained();
        assert_eq!(live(&inc), vec![1, 2, 3]);
        assert_eq!(
            inc.1.uncontained,
            vec![1, 2, 3],
            "the contained one left the list"
        );
    }
}
