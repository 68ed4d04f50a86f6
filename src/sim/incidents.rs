//! Incidents: what a team opens when it confirms an intrusion, scopes, contains and closes.
//! Containment is the team's judgement, made on what it knows: every host its investigations
//! found the intruder on is cut off, the stolen credentials it learned of are reset, and the
//! provider access it saw the crew come through is revoked. The team cannot see what it missed,
//! so an incident can be called contained while the crew still holds a host or can sign back
//! in; a confirmed alert or a later investigation that finds it again reopens the incident.
//! It closes when every host the team took out of service is back.

use crate::scenario::ids::{CampaignIx, OrgIx, TeamIx};
use std::collections::BTreeMap;

use bevy::prelude::*;

use super::attack::Intrusions;
use super::digest::kept::{Row, RowMut, SummedSet, SummedVec, row_hash_of};
use super::digest::{DigestAppExt, hash_of};
use super::events::{DetectedBy, EventLog, SimEvent};
use super::network::Hosts;
use super::{Clock, Region, SimSet, SimTick};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Incidents>()
        .add_systems(SimTick, finish_restores.in_set(SimSet::Response))
        .digest_part_kept(
            50,
            "incidents",
            |world| hash_of(&world.resource::<Incidents>().0),
            |world| hash_of(&world.resource::<Incidents>().0.sum()),
        );
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
    pub queued: SummedSet<u32>,
    /// Isolated hosts not yet back in service.
    pub outstanding: SummedSet<u32>,
    /// Hosts already on the team's cleaning list.
    pub cleaning: SummedSet<u32>,
    /// The team has learned the intruder holds the organisation's credentials and has not
    /// reset them since.
    pub credentials_found: bool,
    /// A reset of those credentials is on the team's list (auto-played teams).
    pub reset_listed: bool,
    /// Hosts the team's investigations ever found the intruder on. Hosts it missed stay the
    /// intruder's until an alert from one sends it looking again.
    pub known: SummedSet<u32>,
    /// Of those, the ones the team has not cut off yet: what it isolates, and what stands
    /// between it and calling the incident contained.
    pub held: SummedSet<u32>,
    /// The provider whose remote access the investigation saw the crew come in through, while
    /// the organisation has not revoked it.
    pub provider: Option<OrgIx>,
    /// An investigation to widen the scope is on the team's list.
    pub looking: bool,
    /// The last investigation found nothing the team did not know: it stops sweeping.
    pub quiet: bool,
}

/// Every incident in the order it was opened; the index is its id. Beside the history, where
/// to find the live ones, so a long exercise's closed incidents cost nothing per minute.
#[derive(Resource, Default)]
pub struct Incidents(pub SummedVec<Incident>, Lookup);

/// An incident's hash as a row of the digest (version 2): its host sets by their kept
/// fingerprints.
impl Row for Incident {
    fn row_hash(&self) -> u64 {
        row_hash_of(&(
            (self.team, self.org, self.campaign, self.opened),
            (self.scoped, self.contained, self.closed),
            (
                self.queued.sum(),
                self.outstanding.sum(),
                self.cleaning.sum(),
            ),
            (self.credentials_found, self.reset_listed),
            (self.known.sum(), self.held.sum()),
            (self.provider, self.looking, self.quiet),
        ))
    }
}

/// Indexes into the history, which only grows (closing never comes undone; a contained
/// incident found to be live again rejoins the live list). They follow from the history, so the
/// digest hashes the history alone.
#[derive(Default)]
pub struct Lookup {
    /// Incidents not seen contained yet, in id order (contained ones leave lazily).
    uncontained: Vec<u32>,
    /// Per organisation and campaign, the incidents any team opened on it, in id order.
    by_case: BTreeMap<(OrgIx, CampaignIx), Vec<u32>>,
}

impl Incidents {
    /// The ids of the incidents `pick` chooses, in id order.
    pub fn ids_where(&self, mut pick: impl FnMut(&Incident) -> bool) -> Vec<u32> {
        (self.0.iter().enumerate())
            .filter(|(_, i)| pick(i))
            .map(|(k, _)| k as u32)
            .collect()
    }

    /// Incident `id`, to change; its row in the digest follows when the handle is dropped.
    pub fn edit(&mut self, id: u32) -> RowMut<'_, usize, Incident> {
        (self.0.get_mut(id as usize)).expect("an incident's id is its place in the history")
    }

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
            queued: SummedSet::default(),
            outstanding: SummedSet::default(),
            cleaning: SummedSet::default(),
            credentials_found: false,
            reset_listed: false,
            known: SummedSet::default(),
            held: SummedSet::default(),
            provider: None,
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

    /// A contained incident the team finds live again: a confirmed alert or an investigation
    /// shows the intruder on a host it had not cut off. It is not contained any more.
    pub fn reopen(&mut self, id: u32, now: u64, log: &mut EventLog) {
        let mut inc = (self.0.get_mut(id as usize)).expect("an incident's id is its place");
        if !inc.contained || inc.closed {
            return;
        }
        inc.contained = false;
        let live = &mut self.1.uncontained;
        if let Err(at) = live.binary_search(&id) {
            live.insert(at, id);
        }
        log.push(now, SimEvent::IncidentReopened { incident: id });
    }

    /// Something the team learns at an organisation (a host back clean, its credentials reset,
    /// the provider's access revoked): each open incident there that `learn` changes is judged
    /// again.
    pub fn learn_at(
        &mut self,
        org: OrgIx,
        (now, log): (u64, &mut EventLog),
        mut learn: impl FnMut(&mut Incident) -> bool,
    ) {
        let ids: Vec<u32> = self.on_org(org).collect();
        for id in ids {
            let mut inc = self.edit(id);
            if !inc.closed && learn(&mut inc) {
                check_contained(&mut inc, id, now, log);
            }
        }
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
/// rebuild wipes whatever the intruder had on the host, and the team watching sees it back
/// clean: a host it still counted as the intruder's is no longer. What the organisation's IT
/// rebuilt is noted for `recovery`, which checks whether a crew still inside hits it again.
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
            intr.lose(r.host);
        }
        incidents.learn_at(org, (now, &mut log), |inc| inc.held.remove(&r.host));
        if let Some(incident) = r.incident {
            close_if_done(
                &mut incidents.edit(incident),
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

/// The team calls an incident contained once it has scoped it, cut off every host it found
/// the intruder on, reset the credentials it learned were stolen, seen the provider access the
/// crew came through revoked, and has no look still on its list (a sweep after the last
/// isolation reports first). With nothing outstanding it closes at once. Whether the crew
/// is really out is the simulation's business, not the team's: nothing here reads it.
pub fn check_contained(inc: &mut Incident, id: u32, now: u64, log: &mut EventLog) {
    let pending =
        !inc.held.is_empty() || inc.credentials_found || inc.provider.is_some() || inc.looking;
    if inc.scoped && !pending && !inc.contained {
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
    use super::*;
    use crate::scenario::ids::*;

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
    fn an_incident_is_contained_once_scoped_and_every_host_the_team_found_is_cut_off() {
        let (mut inc, mut log) = opened(false);
        check_contained(&mut inc.edit(0), 0, 1, &mut log);
        assert!(!inc.0[0].contained, "nobody has scoped it yet");
        inc.edit(0).scoped = true;
        inc.edit(0).held.insert(3);
        check_contained(&mut inc.edit(0), 0, 2, &mut log);
        assert!(
            !inc.0[0].contained,
            "a host it found is still the intruder's"
        );
        inc.edit(0).held.clear();
        check_contained(&mut inc.edit(0), 0, 4, &mut log);
        assert!(inc.0[0].contained && inc.0[0].closed);
        assert_eq!(
            events(&log)[1..],
            [
                SimEvent::IncidentContained { incident: 0 },
                SimEvent::IncidentClosed { incident: 0 }
            ]
        );
    }

    /// Credentials the team found stolen and provider access it found used keep the incident
    /// open whatever is isolated; once reset and revoked, it is contained.
    #[test]
    fn an_incident_waits_on_the_credentials_provider_access_and_sweep_the_team_has_pending() {
        let (mut inc, mut log) = opened(true);
        inc.edit(0).credentials_found = true;
        inc.edit(0).provider = Some(OrgIx(4));
        check_contained(&mut inc.edit(0), 0, 1, &mut log);
        assert!(!inc.0[0].contained, "every host cut off, the accounts work");
        inc.edit(0).credentials_found = false;
        check_contained(&mut inc.edit(0), 0, 2, &mut log);
        assert!(!inc.0[0].contained, "the provider's access still leads in");
        inc.edit(0).provider = None;
        inc.edit(0).looking = true;
        check_contained(&mut inc.edit(0), 0, 3, &mut log);
        assert!(!inc.0[0].contained, "a sweep is still on the list");
        inc.edit(0).looking = false;
        check_contained(&mut inc.edit(0), 0, 4, &mut log);
        assert!(inc.0[0].contained);
    }

    /// A contained incident the team finds live again is live: back on the live list, said
    /// once; a closed one stays closed (the team opens a new one).
    #[test]
    fn a_contained_incident_found_live_again_is_reopened_a_closed_one_is_not() {
        let (mut inc, mut log) = opened(true);
        inc.open(
            &mut log,
            1,
            TeamIx(0),
            OrgIx(1),
            CampaignIx(0),
            DetectedBy::Hunt,
        );
        inc.edit(0).outstanding.insert(7);
        check_contained(&mut inc.edit(0), 0, 2, &mut log);
        check_contained(&mut inc.edit(1), 1, 2, &mut log);
        assert!(inc.0[0].contained && !inc.0[0].closed && inc.0[1].closed);
        inc.forget_contained();
        assert_eq!(inc.uncontained().count(), 0);
        inc.reopen(0, 3, &mut log);
        inc.reopen(0, 3, &mut log);
        inc.reopen(1, 3, &mut log);
        assert!(!inc.0[0].contained && inc.0[1].contained);
        assert_eq!(inc.uncontained().map(|(k, _)| k).collect::<Vec<_>>(), [0]);
        let reopened = events(&log)
            .iter()
            .filter(|e| matches!(e, SimEvent::IncidentReopened { .. }))
            .count();
        assert_eq!(reopened, 1);
    }

    #[test]
    fn a_contained_incident_closes_when_its_last_host_is_back() {
        let (mut inc, mut log) = opened(true);
        inc.edit(0).outstanding.extend([4, 5]);
        check_contained(&mut inc.edit(0), 0, 1, &mut log);
        assert!(inc.0[0].contained && !inc.0[0].closed);
        close_if_done(&mut inc.edit(0), 0, 4, 2, &mut log);
        assert!(!inc.0[0].closed, "host 5 is still out");
        close_if_done(&mut inc.edit(0), 0, 5, 3, &mut log);
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
        check_contained(&mut inc.edit(0), 0, 3, &mut log);
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
