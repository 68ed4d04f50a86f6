//! Recovery that the response shapes. An encrypted organisation's IT starts preparing at once
//! (backups fetched and checked, builds ready), but it brings hosts back only when it is safe
//! to: once a team has scoped the intrusion there, the restore waits until that team has
//! contained it, or until the team orders it to restore anyway. An organisation nobody has
//! scoped restores when ready, as it would alone. Either way, a host brought back while a
//! ransomware crew still holds a foothold in the organisation may be encrypted again and go
//! back in the queue: restoring into an uncontained network is the gamble the order names.

use std::collections::BTreeMap;

use bevy::prelude::*;

use super::attack::Intrusions;
use super::digest::{DigestAppExt, hash_of};
use super::draws::{Draws, Purpose, ids};
use super::events::{EventLog, SimEvent};
use super::incidents::Incidents;
use super::judgement::REENCRYPT_WHILE_HELD;
use super::network::{Hosts, LostBackups, RestoreBatch, RestoreCrews, RestoreGate};
use super::{Clock, Region, SimSet, SimTick};
use crate::scenario::ids::{CampaignIx, OrgIx, TeamIx};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        SimTick,
        (reencrypt_rebuilt, open_restores)
            .chain()
            .in_set(SimSet::Response)
            .after(super::incidents::finish_restores)
            .before(super::response::work_desks),
    )
    .digest_part_kept(
        55,
        "recovery",
        |world| hash_of(world.resource::<RestoreGate>()),
        |world| world.resource::<RestoreGate>().kept_hash(),
    );
}

/// The team whose scoped, uncontained incident holds the organisation's restore, if any.
fn holding_team(incidents: &Incidents, org: OrgIx) -> Option<TeamIx> {
    (incidents.on_org(org))
        .map(|k| &incidents.0[k as usize])
        .find(|i| i.scoped && !i.contained && !i.closed)
        .map(|i| i.team)
}

/// What starting a restore changes: the crews' schedules and the hosts.
#[derive(bevy::ecs::system::SystemParam)]
pub(super) struct Restoring<'w> {
    draws: Res<'w, Draws>,
    lost: Res<'w, LostBackups>,
    crews: ResMut<'w, RestoreCrews>,
    hosts: ResMut<'w, Hosts>,
}

/// Each minute, the organisations whose IT is ready: restore if nobody's containment is
/// pending (or a team said to go ahead), else say once whom they wait for.
pub(super) fn open_restores(
    (clock, region): (Res<Clock>, Res<Region>),
    incidents: Res<Incidents>,
    mut gate: ResMut<RestoreGate>,
    mut restoring: Restoring,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let Restoring {
        draws,
        lost,
        crews,
        hosts,
    } = &mut restoring;
    for org in gate.ready_by(now) {
        let holding = holding_team(&incidents, org).filter(|_| !gate.anyway(org));
        if let Some(team) = holding {
            if let Some(hosts) = gate.waits_for(org, team) {
                log.push(now, SimEvent::RestoresHeld { org, hosts, team });
            }
            continue;
        }
        let hastened = gate.hastened(org);
        let Some((since, waiting)) = gate.release(org) else {
            continue;
        };
        // A team cleaned some already and put them in the queue itself; a decryptor took others.
        let todo: Vec<u32> = (waiting.into_iter())
            .filter(|&h| hosts.get(h).encrypted && hosts.get(h).restore_at.is_none())
            .collect();
        let batch = RestoreBatch {
            org,
            hosts: &todo,
            now: since,
            start: now,
            incident: None,
            hastened,
        };
        if let Some(p) = crews.restore(&region, draws, lost, hosts, batch) {
            log.push(now, p.event(org));
        }
    }
}

/// What re-encryption reads.
#[derive(bevy::ecs::system::SystemParam)]
pub(super) struct Crews<'w> {
    region: Res<'w, Region>,
    draws: Res<'w, Draws>,
    lost: Res<'w, LostBackups>,
    intrusions: Res<'w, Intrusions>,
}

/// The hosts the organisations' IT rebuilt this minute, checked against the crews still inside.
fn reencrypt_rebuilt(
    clock: Res<Clock>,
    crews: Crews,
    mut hosts: ResMut<Hosts>,
    mut gate: ResMut<RestoreGate>,
    mut log: ResMut<EventLog>,
) {
    let back = gate.take_rebuilt();
    if back.is_empty() {
        return;
    }
    let Crews {
        region,
        draws,
        lost,
        intrusions,
    } = crews;
    let harm = (&mut *hosts, &mut *gate, &mut *log);
    reencrypt(
        (&region, &draws, &lost),
        &intrusions,
        harm,
        &back,
        clock.now,
    );
}

/// A ransomware crew that still holds a foothold in `org`, if any (the first by campaign).
fn crew_inside(region: &Region, intrusions: &Intrusions, org: OrgIx) -> Option<CampaignIx> {
    (intrusions.by_key.range((CampaignIx(0), org)..))
        .filter(|((_, o), i)| *o == org && !i.hosts.is_empty())
        .map(|((c, _), _)| *c)
        .find(|&c| region.is_ransomware(c))
}

/// Hosts the organisation's IT just brought back from backup: each is encrypted again, with
/// a chance, while a ransomware crew still holds a foothold there, and goes back to be
/// prepared again. Returns the hosts hit.
pub(super) fn reencrypt(
    (region, draws, lost): (&Region, &Draws, &LostBackups),
    intrusions: &Intrusions,
    (hosts, gate, log): (&mut Hosts, &mut RestoreGate, &mut EventLog),
    back: &[u32],
    now: u64,
) -> Vec<u32> {
    let mut by_org: BTreeMap<OrgIx, Vec<u32>> = BTreeMap::new();
    for &h in back {
        by_org.entry(region.org_of_host(h)).or_default().push(h);
    }
    let mut hit_all = Vec::new();
    for (org, back) in by_org {
        let Some(campaign) = crew_inside(region, intrusions, org) else {
            continue;
        };
        let key = ids(&[campaign.0 as u64, org.0 as u64]);
        let hit: Vec<u32> = (back.into_iter())
            .filter(|&h| draws.chance(REENCRYPT_WHILE_HELD, Purpose::ReEncrypt, key, now, h))
            .collect();
        if hit.is_empty() {
            continue;
        }
        for &h in &hit {
            hosts.update(region, h, |s| s.encrypted = true);
        }
        let n = hit.len() as u32;
        log.push(
            now,
            SimEvent::RestoredHostsEncrypted {
                campaign,
                org,
                hosts: n,
                rebuilt: super::network::count_rebuilt(region, lost, &hit),
            },
        );
        gate.hold((region, draws, lost), (org, &hit), now, log);
        hit_all.extend(hit);
    }
    hit_all
}

#[cfg(test)]
mod tests;
