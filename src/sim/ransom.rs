//! Ransom as the world does it: a victim the model plays decides, when it finds the note,
//! whether to pay (more often when its online backups went with the hosts), settles for a price
//! after days of talks, and gets a decryptor that brings most of its encrypted hosts back sooner
//! than a restore would, one after another, leaving the intruder where it was. A victim whose
//! payment the MSEL scripts (an option that pays for it) is the room's to decide, never the
//! model's.

use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::*;

use super::digest::{DigestAppExt, hash_of};
use super::draws::{Draws, Purpose, ids};
use super::events::{EventLog, SimEvent};
use super::judgement::{
    DECRYPT_FAILS, RANSOM_MAX_MEDIANS, RANSOM_MEDIAN_USD, RANSOM_PAY_BACKUPS_INTACT,
    RANSOM_PAY_BACKUPS_LOST, RANSOM_SPREAD, RANSOM_TALKS_MINUTES,
};
use super::network::{Hosts, LostBackups, minutes_per_host};
use super::{Clock, Region, SimSet, SimTick, SpawnRegion};
use crate::scenario::ids::OrgIx;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Extortion>()
        .add_systems(SpawnRegion, scripted_payers)
        .add_systems(
            SimTick,
            (victims_decide, ransoms_paid)
                .chain()
                .in_set(SimSet::Impact)
                .before(super::impact::update_services),
        )
        .digest_part(65, "ransom", |world| hash_of(world.resource::<Extortion>()));
}

/// Where each victim stands with the crews that hold it.
#[derive(Resource, Default, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Extortion {
    /// Organisations whose payment the MSEL scripts: the room decides for them.
    scripted: BTreeSet<OrgIx>,
    /// Victims that have decided, either way (one decision per victim, whichever crew).
    decided: BTreeSet<OrgIx>,
    /// Talks under way: (the tick the decryptor is in hand, the victim) -> the price.
    talks: BTreeMap<(u64, OrgIx), u64>,
}

/// The organisations an MSEL option pays for.
fn scripted_payers(region: Res<Region>, mut extortion: ResMut<Extortion>) {
    extortion.scripted = region.ransom_scripted();
}

/// Whether a victim pays, and what: one draw each per victim, keyed by the organisation.
fn decision(draws: &Draws, org: OrgIx, backups_lost: bool) -> Option<u64> {
    let p = if backups_lost {
        RANSOM_PAY_BACKUPS_LOST
    } else {
        RANSOM_PAY_BACKUPS_INTACT
    };
    let key = ids(&[org.0 as u64]);
    if !draws.chance(p, Purpose::RansomPays, key, 0, 0) {
        return None;
    }
    let stretch = draws.lognormal(RANSOM_SPREAD, Purpose::RansomPrice, key, 0, 0);
    Some((RANSOM_MEDIAN_USD * stretch.min(RANSOM_MAX_MEDIANS)).round() as u64)
}

/// Victims who found a ransom note this minute decide; a payment the white cell or the MSEL
/// makes first settles it.
fn victims_decide(
    clock: Res<Clock>,
    region: Res<Region>,
    draws: Res<Draws>,
    lost: Res<LostBackups>,
    mut extortion: ResMut<Extortion>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let mut notes = Vec::new();
    for e in log.this_tick() {
        match e.event {
            SimEvent::RansomNoteFound { org, .. } => notes.push(org),
            SimEvent::RansomPaid { org, .. } => {
                extortion.decided.insert(org);
                extortion.talks.retain(|(_, o), _| *o != org);
            }
            _ => {}
        }
    }
    for org in notes {
        if extortion.scripted.contains(&org) || !extortion.decided.insert(org) {
            continue;
        }
        let backups_lost = region.orgs[org].groups.clone().any(|g| lost.0.contains(&g));
        if let Some(usd) = decision(&draws, org, backups_lost) {
            let until = now + RANSOM_TALKS_MINUTES;
            extortion.talks.insert((until, org), usd);
            log.push(now, SimEvent::RansomTalks { org, usd, until });
        }
    }
}

/// Talks that end this minute: the victim pays and runs the decryptor.
fn ransoms_paid(
    clock: Res<Clock>,
    region: Res<Region>,
    draws: Res<Draws>,
    mut extortion: ResMut<Extortion>,
    mut hosts: ResMut<Hosts>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    while let Some((&(until, org), &usd)) = extortion.talks.first_key_value() {
        if until > now {
            break;
        }
        extortion.talks.pop_first();
        log.push(now, SimEvent::RansomPaid { org, usd });
        if let Some(run) = decrypt(&region, &draws, &mut hosts, org, now) {
            log.push(now, run);
        }
    }
}

/// The decryptor at `org` from `now`: its encrypted hosts still waiting, in the order their
/// restores were planned (services first; those whose restore has not started last), each decrypted by the crew in turn unless the tool
/// fails on it. The event that says so, if there was anything to decrypt.
fn decrypt(
    region: &Region,
    draws: &Draws,
    hosts: &mut Hosts,
    org: OrgIx,
    now: u64,
) -> Option<SimEvent> {
    // Those whose restore is planned, in its order, then those still waiting for it to start.
    let mut waiting: Vec<(u64, u32)> = (region.orgs[org].hosts.clone())
        .filter(|&h| hosts.get(h).encrypted)
        .map(|h| (hosts.get(h).restore_at.unwrap_or(u64::MAX), h))
        .filter(|&(at, _)| at > now)
        .collect();
    waiting.sort_unstable();
    let per_host = minutes_per_host(region);
    let key = ids(&[org.0 as u64]);
    let (mut done, mut failed, mut first, mut last) = (0u32, 0u32, u64::MAX, 0u64);
    let mut at = now;
    for (_, h) in waiting {
        if draws.chance(DECRYPT_FAILS, Purpose::DecryptFails, key, now, h) {
            failed += 1;
            continue;
        }
        at += per_host;
        if hosts.decrypt_by(region, h, at) {
            done += 1;
            first = first.min(at);
            last = last.max(at);
        }
    }
    (done + failed > 0).then_some(SimEvent::Decrypting {
        org,
        hosts: done,
        failed,
        first: first.min(last),
        last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::CampaignIx;
    use crate::scenario::testkit::TinyRegion;

    #[test]
    fn a_paid_decryptor_brings_most_hosts_back_sooner_and_leaves_the_intruder() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org_with(
                "gov",
                "A",
                "HostGroup(id: \"ws\", kind: Workstation, count: 100, platform: Windows, \
                 sensor_coverage: 0.0, patch_level: 0.0, backups: None)",
            )
            .plan();
        let region = Region(plan.clone());
        let draws = Draws::new(3);
        let mut hosts = Hosts::default();
        // Encrypted, the intruder on every host, each due back from a rebuild in 30 days.
        let rebuild = 30 * 24 * 60;
        for h in 0..100 {
            hosts.update(&region, h, |s| {
                s.encrypted = true;
                s.held_by = Some(CampaignIx(0));
            });
            hosts.schedule_restore(&region, h, rebuild + u64::from(h), None);
        }
        let Some(SimEvent::Decrypting {
            hosts: done,
            failed,
            first,
            last,
            ..
        }) = decrypt(&region, &draws, &mut hosts, OrgIx(0), 100)
        else {
            panic!("nothing decrypted");
        };
        assert_eq!(done + failed, 100);
        assert!((3..=20).contains(&failed), "about a tenth fail: {failed}");
        // One after another at the crew's pace, from the payment: sooner than any rebuild.
        let per_host = minutes_per_host(&region);
        assert_eq!(
            (first, last),
            (100 + per_host, 100 + u64::from(done) * per_host)
        );
        assert!(last < rebuild);
        let failed_still_waiting = (0..100)
            .filter(|&h| hosts.get(h).restore_at.is_some_and(|at| at >= rebuild))
            .count();
        assert_eq!(failed_still_waiting as u32, failed);
        // Decrypted hosts come back with the intruder still on them; rebuilt ones without.
        hosts.finish_restores(&region, rebuild + 200);
        let back = (0..100).filter(|&h| !hosts.get(h).encrypted).count();
        assert_eq!(back, 100);
        let held = (0..100).filter(|&h| hosts.get(h).held_by.is_some()).count();
        assert_eq!(
            held as u32, done,
            "decrypting does not clean a host; a rebuild does"
        );
    }

    #[test]
    fn victims_pay_about_as_often_as_coveware_counts_and_more_when_backups_are_gone() {
        let draws = Draws::new(7);
        let n = 4000;
        let pays = |lost: bool| {
            (0..n)
                .filter_map(|o| decision(&draws, OrgIx(o), lost))
                .collect::<Vec<u64>>()
        };
        let (lost, intact) = (pays(true), pays(false));
        let share = |v: &Vec<u64>| v.len() as f64 / n as f64;
        assert!((share(&lost) - 0.30).abs() < 0.03, "{}", share(&lost));
        assert!((share(&intact) - 0.16).abs() < 0.03, "{}", share(&intact));
        // At Sophos's 57% of attacks reaching the backups, Coveware's 23-25% of victims pay.
        let overall = 0.57 * share(&lost) + 0.43 * share(&intact);
        assert!((0.21..0.27).contains(&overall), "{overall}");
        // The price: a median near Coveware's, a long tail, a ceiling.
        let mut prices = [lost, intact].concat();
        prices.sort_unstable();
        let median = prices[prices.len() / 2] as f64;
        assert!((90_000.0..170_000.0).contains(&median), "{median}");
        let mean = prices.iter().sum::<u64>() as f64 / prices.len() as f64;
        assert!(
            mean > 2.5 * median,
            "a long tail: mean {mean}, median {median}"
        );
        assert!(*prices.last().unwrap() <= 2_500_000);
    }
}
