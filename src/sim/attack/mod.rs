//! Threat actors' campaigns: initial access, stage by stage progress inside each organisation,
//! lateral movement, trust hops through managed service providers, exfiltration, encryption and
//! denial of service.
//!
//! Work is proportional to what attackers are doing: only running intrusions are visited, and a
//! lateral-movement stage costs in proportion to the hosts it holds.

mod access;
mod stages;

use crate::scenario::ids::{CampaignIx, OrgIx, TechniqueIx};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::digest::kept::{
    Mark, MarkedMap, MarkedRow, Row, SummedMap, SummedSet, row_hash_of, whole_rows,
};
use super::digest::{DigestAppExt, hash_of, sorted_rows};
use super::draws::Draws;
use super::events::{EventLog, SimEvent};
use super::network::RestoreGate;
use super::network::{Hosts, IsolatedOrgs, LostBackups, RevokedAccess};
use super::posture::IslandDefences;
use super::{Clock, Region, SimSet, SimTick, SpawnRegion, StableId, Tick};
#[cfg(test)]
use access::success_chance;
use access::{Step, begin_intrusion, land_attempts};
use stages::{Harm, SpreadAhead, follow_trust, next_visit, work_stage};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Intrusions>()
        .add_systems(SpawnRegion, spawn_campaigns)
        .add_systems(
            SimTick,
            (start_campaigns, run_intrusions)
                .chain()
                .in_set(SimSet::Attack),
        )
        .digest_part_kept(
            20,
            "intrusions",
            |world| {
                hash_of(
                    &world
                        .resource::<Intrusions>()
                        .by_key
                        .iter()
                        .collect::<Vec<_>>(),
                )
            },
            |world| {
                // Settling rehashes the rows changed since; it changes nothing simulated, so
                // no system sees the resource as changed.
                let mut intrusions = world.resource_mut::<Intrusions>();
                hash_of(&intrusions.bypass_change_detection().by_key.settle())
            },
        )
        .digest_part(30, "campaigns", |world| {
            hash_of(&sorted_rows::<Campaign>(world))
        });
}

/// A campaign's lifecycle; the plan says who and what, this says how far it got.
#[derive(Component, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Campaign {
    pub started: bool,
    /// The white cell started it at this tick, ahead of the plan.
    pub forced_start: Option<u64>,
    /// The white cell stopped it: no new steps anywhere.
    pub cancelled: bool,
}

pub fn campaign_bundle(id: u32) -> impl Bundle {
    (StableId(id), Campaign::default())
}

fn spawn_campaigns(world: &mut World) {
    let n = world.resource::<Region>().campaigns.len();
    for i in 0..n {
        world.spawn(campaign_bundle(i as u32));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Initial-access attempts are still landing.
    Attempting,
    /// Holding hosts and working through stages.
    Active,
    /// All stages done.
    Finished,
    /// Every attempt failed, or defenders took back every host.
    Stopped,
}

/// One pending initial-access attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Attempt {
    pub tick: u64,
    pub host: u32,
    /// The attempt's uniform draw; it succeeds if below the chance when it lands (defences may
    /// have changed since the campaign began).
    pub roll: u64,
}

/// A campaign inside one organisation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Intrusion {
    pub campaign: CampaignIx,
    pub org: OrgIx,
    pub phase: Phase,
    /// Index into the campaign's stages.
    pub stage: usize,
    pub stage_ends: u64,
    pub attempts: VecDeque<Attempt>,
    /// Hosts the intruder holds now (not isolated, not cleaned).
    pub hosts: SummedSet<u32>,
    /// A running DDoS against the organisation's services.
    pub ddos: bool,
    /// The crew has moved beyond its first host (see `BREAKOUT_TRY_MINUTES`).
    pub broken_out: bool,
    /// The crew holds the organisation's credentials (a credential-access stage completed
    /// here): until they are reset, losing every host does not keep it out.
    pub credentials: bool,
    /// When a crew that lost every host logs back in with the credentials it holds.
    pub returns_at: Option<u64>,
    /// The managed service provider whose remote access the crew came in through (a trust
    /// hop): until the organisation revokes that access, evicting the crew does not shut it.
    pub via: Option<OrgIx>,
    /// The technique each held host was taken with: the traces an investigation looks for.
    pub traces: SummedMap<u32, TechniqueIx>,
    /// Changed since the digest last read the intrusions (see `MarkedMap`).
    pub mark: Mark,
    /// Lateral-movement tries found ahead by `next_visit` (see `SpreadAhead`).
    pub ahead: SpreadAhead,
}

whole_rows!(TechniqueIx);

/// An intrusion's hash as a row of the digest (version 2): its held hosts and their traces by
/// their kept fingerprints.
impl Row for Intrusion {
    fn row_hash(&self) -> u64 {
        row_hash_of(&(
            (
                self.campaign,
                self.org,
                self.phase,
                self.stage,
                self.stage_ends,
            ),
            &self.attempts,
            self.hosts.sum(),
            (
                self.ddos,
                self.broken_out,
                self.credentials,
                self.returns_at,
            ),
            self.via,
            self.traces.sum(),
        ))
    }
}

impl MarkedRow for Intrusion {
    fn mark(&mut self) -> &mut Mark {
        &mut self.mark
    }
}

impl Intrusion {
    /// The crew takes a host, leaving the technique's traces on it.
    pub fn take(&mut self, host: u32, technique: TechniqueIx) {
        self.hosts.insert(host);
        self.traces.insert(host, technique);
    }

    /// The crew loses a host (cut off, or rebuilt); whether it held it.
    pub fn lose(&mut self, host: u32) -> bool {
        self.traces.remove(&host);
        self.hosts.remove(&host)
    }

    /// The crew's flood stops (the white cell's hand): the record of it, if one was running.
    fn end_flood(&mut self) -> Option<SimEvent> {
        std::mem::take(&mut self.ddos).then_some(SimEvent::DdosEnded {
            campaign: self.campaign,
            org: self.org,
        })
    }

    pub fn is_running(&self) -> bool {
        matches!(self.phase, Phase::Attempting | Phase::Active)
    }
}

/// An intrusion's key: the stable order work is done in.
pub type IntrusionKey = (CampaignIx, OrgIx);

/// Every intrusion, keyed by (campaign, organisation).
#[derive(Resource, Default)]
pub struct Intrusions {
    pub by_key: MarkedMap<IntrusionKey, Intrusion>,
    /// When each running intrusion next has something to do (`next_visit`), so a minute visits
    /// only those (most wait hours for a stage to end) and those changed since the last
    /// minute. Follows from the intrusions, so it is not part of the state's identity; an
    /// intrusion may be listed again at an earlier minute (the later visit does nothing).
    agenda: BTreeMap<u64, Vec<IntrusionKey>>,
    /// The intrusions flooding their organisation's services, kept as they are visited (a
    /// flood starts and ends only then), so the services do not walk every intrusion each
    /// minute to find them. Follows from the intrusions, like the agenda.
    flooding: BTreeSet<IntrusionKey>,
    /// Visit every running intrusion every minute, as before the agenda: the test that the
    /// agenda leaves out only visits that would do nothing.
    #[cfg(test)]
    every_minute: bool,
    /// Intrusions worked so far, minute by minute (the same test's measure).
    #[cfg(test)]
    visits: usize,
}

impl Intrusions {
    /// Whether the attackers got into an organisation and are out again: they hold none of
    /// its hosts, or their intrusion was stopped where it stood.
    pub fn evicted(&self, org: OrgIx) -> bool {
        let inside: Vec<&Intrusion> = self
            .by_key
            .values()
            .filter(|i| i.org == org && i.phase != Phase::Attempting)
            .collect();
        !inside.is_empty()
            && inside
                .iter()
                .all(|i| i.hosts.is_empty() || i.phase == Phase::Stopped)
    }

    /// Organisations under a running DDoS.
    pub fn ddos_orgs(&self) -> BTreeSet<OrgIx> {
        self.flooding.iter().map(|&(_, org)| org).collect()
    }
}

fn start_campaigns(
    clock: Res<Clock>,
    region: Res<Region>,
    draws: Res<Draws>,
    mut campaigns: Query<(&StableId, &mut Campaign)>,
    mut intrusions: ResMut<Intrusions>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.now;
    let due = |id: &StableId, c: &Campaign| {
        let starts = region.campaigns[CampaignIx(id.0)].start_tick == now;
        !c.started && !c.cancelled && (starts || c.forced_start == Some(now))
    };
    // Most minutes start nothing: the in-order walk (a sorted query, which allocates) only
    // when one is due.
    if !campaigns.iter().any(|(id, c)| due(id, c)) {
        return;
    }
    for (id, mut campaign) in campaigns.iter_mut().sort::<&StableId>() {
        let campaign_ix = CampaignIx(id.0);
        let plan = &region.campaigns[campaign_ix];
        if !due(id, &campaign) {
            continue;
        }
        campaign.started = true;
        log.push(
            now,
            SimEvent::CampaignStarted {
                campaign: campaign_ix,
            },
        );
        for &org in &plan.targets {
            let intrusion = begin_intrusion(&region, &draws, &mut log, now, campaign_ix, org);
            intrusions.by_key.insert((campaign_ix, org), intrusion);
        }
    }
    // The white cell's ad-hoc launches: a campaign from the library against an organisation now.
    let launches: Vec<(CampaignIx, OrgIx)> = log
        .this_tick()
        .iter()
        .filter_map(|e| match e.event {
            SimEvent::CampaignLaunched { campaign, org } => Some((campaign, org)),
            _ => None,
        })
        .collect();
    for (campaign, org) in launches {
        let running = intrusions
            .by_key
            .get(&(campaign, org))
            .is_some_and(Intrusion::is_running);
        if !running {
            let intrusion = begin_intrusion(&region, &draws, &mut log, now, campaign, org);
            intrusions.by_key.insert((campaign, org), intrusion);
        }
    }
}

/// Writes of a minute of intrusions: hosts taken and encrypted, backups lost, the record.
#[derive(SystemParam)]
struct Damage<'w> {
    hosts: ResMut<'w, Hosts>,
    lost: ResMut<'w, LostBackups>,
    gate: ResMut<'w, RestoreGate>,
    log: ResMut<'w, EventLog>,
}

fn run_intrusions(
    tick: Tick,
    isolated: Res<IsolatedOrgs>,
    revoked: Res<RevokedAccess>,
    defences: Res<IslandDefences>,
    campaigns: Query<(&StableId, &Campaign)>,
    mut intrusions: ResMut<Intrusions>,
    mut damage: Damage,
) {
    let now = tick.now();
    // In campaign order, sorted as a list (usually empty) rather than as a query.
    let mut cancelled: Vec<CampaignIx> = campaigns
        .iter()
        .filter(|(_, c)| c.cancelled)
        .map(|(i, _)| CampaignIx(i.0))
        .collect();
    cancelled.sort();
    white_cell(&mut intrusions, &mut damage.log, now);
    let step = Step {
        now,
        region: &tick.region,
        draws: &tick.draws,
        defences: &defences,
    };
    let Damage {
        hosts,
        lost,
        gate,
        log,
    } = &mut damage;
    let mut harm = Harm {
        hosts,
        lost,
        gate,
        log,
    };
    let Intrusions {
        by_key,
        agenda,
        flooding,
        ..
    } = &mut *intrusions;
    #[cfg(test)]
    let mut visits = 0;
    let mut trust_hops = Vec::new();
    let due = due_now(by_key, agenda, now);
    for &key in &due {
        if !by_key.get(&key).is_some_and(Intrusion::is_running) {
            continue;
        }
        // A cancelled campaign does nothing more; an isolated network is frozen (nothing
        // gets in, spreads or leaves) until it is reconnected.
        if cancelled.contains(&key.0) {
            continue;
        }
        if isolated.0.contains(&key.1) {
            agenda.entry(now + 1).or_default().push(key);
            continue;
        }
        #[cfg(test)]
        {
            visits += 1;
        }
        let intr = by_key.get_mut(&key).expect("looked up above");
        land_attempts(&step, intr, harm.hosts, harm.log);
        trust_hops.extend(work_stage(&step, intr, &mut harm));
        if let Some(next) = next_visit(&step, intr) {
            agenda.entry(next).or_default().push(key);
        }
    }
    for key in due {
        if by_key.get(&key).is_some_and(|i| i.ddos) {
            flooding.insert(key);
        } else {
            flooding.remove(&key);
        }
    }
    // What this minute changed is on the agenda; intrusions a trust hop starts are touched,
    // and visited next minute.
    by_key.take_touched();
    for hop in trust_hops {
        let closed = (&*isolated, &*revoked);
        follow_trust(&step, hop, closed, &mut intrusions, harm.hosts, harm.log);
    }
    #[cfg(test)]
    {
        intrusions.visits += visits;
        if intrusions.every_minute {
            let all = intrusions.by_key.keys().copied().collect::<Vec<_>>();
            intrusions.agenda.entry(now + 1).or_default().extend(all);
        }
    }
}

/// The intrusions to visit this minute, in key order: those due on the agenda, and those
/// changed since the last minute (a start, the white cell's hand, defenders taking hosts back
/// or resetting credentials), whatever the agenda said.
fn due_now(
    by_key: &mut MarkedMap<IntrusionKey, Intrusion>,
    agenda: &mut BTreeMap<u64, Vec<IntrusionKey>>,
    now: u64,
) -> Vec<IntrusionKey> {
    let mut due = by_key.take_touched();
    while let Some(minute) = agenda.first_entry().filter(|m| *m.key() <= now) {
        due.extend(minute.remove());
    }
    due.sort_unstable();
    due.dedup();
    due
}

/// The white cell's hand on a running intrusion: finish its current step now, or stop it; or
/// on a whole campaign, called off. A flood stopped either way subsides: the services come
/// back by themselves.
fn white_cell(intrusions: &mut Intrusions, log: &mut EventLog, now: u64) {
    let mut subsided = Vec::new();
    for e in log.this_tick() {
        match e.event {
            SimEvent::StageForced {
                campaign,
                org,
                through,
            } => {
                if let Some(i) = intrusions
                    .by_key
                    .get_mut(&(campaign, org))
                    .filter(|i| i.phase == Phase::Active)
                {
                    // Already past the pinned step: the simulation got there first.
                    match through.map(|s| s as usize) {
                        Some(s) if s < i.stage => continue,
                        // The steps skipped do nothing, but a flood skipped is over.
                        Some(s) => {
                            if s > i.stage {
                                subsided.extend(i.end_flood());
                            }
                            i.stage = s;
                        }
                        None => {}
                    }
                    i.stage_ends = now;
                }
            }
            SimEvent::IntrusionHalted { campaign, org } => {
                if let Some(i) = intrusions.by_key.get_mut(&(campaign, org)) {
                    i.phase = Phase::Stopped;
                    i.attempts.clear();
                    subsided.extend(i.end_flood());
                }
            }
            // The crew called off: its floods stop with it (its intrusions are frozen where
            // they stand, see `run_intrusions`).
            SimEvent::CampaignCancelled { campaign } => {
                let flooding: Vec<OrgIx> = (intrusions.by_key.range((campaign, OrgIx(0))..))
                    .take_while(|((c, _), _)| *c == campaign)
                    .filter(|(_, i)| i.ddos)
                    .map(|((_, org), _)| *org)
                    .collect();
                for org in flooding {
                    let i = intrusions.by_key.get_mut(&(campaign, org));
                    subsided.extend(i.and_then(Intrusion::end_flood));
                }
            }
            _ => {}
        }
    }
    subsided.into_iter().for_each(|e| log.push(now, e));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    /// An exploit of a public-facing application (patch-sensitive) against two organisations
    /// that differ only in their patch level.
    fn region() -> Region {
        Region(
            TinyRegion::new()
                .island("A", false, false)
                .org("stale", "A", 10, 0.5, 0.1)
                .org("patched", "A", 10, 0.5, 0.9)
                .campaign("crew", "D1 09:00", "Island(\"A\")", &["T1190"])
                .plan(),
        )
    }

    #[test]
    fn patching_lowers_the_chance_an_exploit_works() {
        let r = region();
        let t = r.campaigns[0].stages[0].technique;
        let mut d = IslandDefences::default();
        let stale = success_chance(&r, &d, CampaignIx(0), t, r.orgs[0].hosts.start);
        let patched = success_chance(&r, &d, CampaignIx(0), t, r.orgs[1].hosts.start);
        assert!(stale > 2.0 * patched, "{stale} vs {patched}");
        // The catalog's figure, scaled by the actor's skill and the patch level.
        let tech = &r.techniques[t];
        let expected = tech.success * (0.5 + 0.6) * (1.0 - tech.patch_sensitivity * 0.1);
        assert!((stale - expected).abs() < 1e-12);
        // An emergency patch round brings the stale organisation up to the patched level.
        d.patch(OrgIx(0));
        let after = success_chance(&r, &d, CampaignIx(0), t, r.orgs[0].hosts.start);
        assert!(after < patched && after < stale, "{after}");
    }

    /// Two islands' worth of work for crews and defenders: ransomware spreading through a
    /// ministry and a bank, a crew hopping from a provider into its clients, a flood at the
    /// port; a national team on each island with sensors to see it and analysts to isolate,
    /// clean and reset.
    fn busy_region() -> std::sync::Arc<crate::scenario::Plan> {
        TinyRegion::new()
            .island("A", false, false)
            .island("B", false, false)
            .org("gov", "A", 120, 0.8, 0.3)
            .org("bank", "A", 120, 0.8, 0.5)
            .org("msp", "B", 60, 0.6, 0.3)
            .org("port", "B", 120, 0.6, 0.3)
            .org("shop", "B", 120, 0.2, 0.2)
            .manages("msp", &["port", "shop"])
            .team("soc-a", "SectorSoc", Some("A"), 3, "AroundTheClock", true)
            .monitors("soc-a", &["gov", "bank"])
            .team("soc-b", "SectorSoc", Some("B"), 2, "OfficeHours", true)
            .monitors("soc-b", &["msp", "port", "shop"])
            .campaign(
                "ransom",
                "D1 09:00",
                "Organisation(\"gov\"), Organisation(\"bank\")",
                &["T1078", "T1021.002", "T1486"],
            )
            .campaign(
                "hop",
                "D1 10:00",
                "Organisation(\"msp\")",
                &["T1078", "T1199", "T1021.002", "T1041"],
            )
            .campaign("flood", "D1 12:00", "Organisation(\"port\")", &["T1498"])
            .plan()
    }

    /// The agenda leaves out only visits that would do nothing: a busy region runs to the
    /// same events and state, digest part by digest part, as the same region visiting every
    /// running intrusion every minute, with a tenth of the visits or fewer.
    #[test]
    fn an_intrusion_is_visited_when_it_has_something_to_do_or_was_changed() {
        let plan = busy_region();
        let mut seen = BTreeSet::new();
        for seed in 1..=4 {
            let run = |every_minute: bool| {
                let mut sim = crate::sim::Simulation::new(plan.clone(), seed);
                sim.world_mut().resource_mut::<Intrusions>().every_minute = every_minute;
                for minute in (6 * 60..=72 * 60).step_by(6 * 60) {
                    sim.run_until(minute);
                    sim.digest();
                }
                let events: Vec<SimEvent> = sim.events().iter().map(|e| e.event.clone()).collect();
                let visits = sim.app.world().resource::<Intrusions>().visits;
                (events, sim.digest(), visits)
            };
            let (agenda, every) = (run(false), run(true));
            assert!(agenda.0 == every.0, "seed {seed}: the events differ");
            assert_eq!(agenda.1, every.1, "seed {seed}");
            assert!(
                agenda.2 * 10 < every.2,
                "{} against {} visits",
                agenda.2,
                every.2
            );
            seen.extend(agenda.0.iter().map(|e| {
                format!("{e:?}")
                    .split([' ', '{'])
                    .next()
                    .unwrap()
                    .to_string()
            }));
        }
        // What wakes an intrusion early happened.
        for kind in [
            "HostIsolated",
            "HostRestored",
            "TrustFollowed",
            "DdosEnded",
            "HostCompromised",
        ] {
            assert!(seen.contains(kind), "no {kind} in {seen:?}");
        }
    }

    /// Runs `plan` for two days on `seed` and returns its events.
    fn events_of(plan: crate::scenario::Plan, seed: u64) -> Vec<SimEvent> {
        let mut sim = crate::sim::Simulation::new(std::sync::Arc::new(plan), seed);
        // Long enough for a slow crew's whole chain (stage times have a slow tail).
        sim.run_until(8 * 24 * 60);
        sim.events().iter().map(|e| e.event.clone()).collect()
    }

    /// Every technique certain, but for the ones named, at the chance given.
    fn certain_but(
        mut plan: crate::scenario::Plan,
        except: &[(&str, f64)],
    ) -> crate::scenario::Plan {
        for t in &mut plan.techniques {
            t.success = except
                .iter()
                .find(|(id, _)| *id == t.id)
                .map_or(1.0, |(_, p)| *p);
            t.reach = 1.0;
        }
        plan
    }

    /// A provider managing one client, and a crew that gets in, hops and encrypts.
    fn provider_and_client() -> std::sync::Arc<crate::scenario::Plan> {
        TinyRegion::new()
            .island("A", false, false)
            .org("msp", "A", 10, 0.0, 0.0)
            .org("client", "A", 10, 0.0, 0.0)
            .manages("msp", &["client"])
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"msp\")",
                &["T1078", "T1199", "T1486"],
            )
            .plan()
    }

    #[test]
    fn a_trust_hop_works_only_as_often_as_its_technique() {
        let plan = provider_and_client();
        let hops = |p: f64, seed| {
            let events = events_of(certain_but((*plan).clone(), &[("T1199", p)]), seed);
            let followed = events
                .iter()
                .filter(|e| matches!(e, SimEvent::TrustFollowed { .. }))
                .count();
            let tried = events
                .iter()
                .filter(|e| matches!(e, SimEvent::AccessFailed { org: OrgIx(1), .. }))
                .count();
            (followed, tried)
        };
        for seed in 1..=5 {
            assert_eq!(hops(0.0, seed), (0, 1), "seed {seed}: tried once, never in");
            assert_eq!(hops(1.0, seed), (1, 0), "seed {seed}: always in");
        }
    }

    #[test]
    fn a_client_that_revoked_its_providers_access_is_not_entered_through_it() {
        let plan = provider_and_client();
        for seed in 1..=5 {
            let mut sim = crate::sim::Simulation::new(
                std::sync::Arc::new(certain_but((*plan).clone(), &[])),
                seed,
            );
            sim.app
                .world_mut()
                .resource_mut::<crate::sim::network::RevokedAccess>()
                .0
                .insert(OrgIx(1));
            sim.run_until(8 * 24 * 60);
            let events: Vec<&SimEvent> = sim.events().iter().map(|e| &e.event).collect();
            assert!(
                !events
                    .iter()
                    .any(|e| matches!(e, SimEvent::TrustFollowed { .. })),
                "seed {seed}: the revoked access led in"
            );
            assert!(
                events
                    .iter()
                    .any(|e| matches!(e, SimEvent::AccessBlocked { org: OrgIx(1), .. })),
                "seed {seed}: the attempt shows in the client's logs"
            );
        }
    }

    #[test]
    fn a_crew_moves_off_its_first_host_within_the_hour_on_average() {
        // A day-long lateral stage: at the stage's pace alone the first move would take hours.
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 200, 0.0, 0.0)
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"gov\")",
                &["T1078", "T1021.002", "T1486"],
            )
            .plan();
        let mut gaps = Vec::new();
        for seed in 1..=40 {
            let mut sim = crate::sim::Simulation::new(plan.clone(), seed);
            sim.run_until(3 * 24 * 60);
            let hits: Vec<(u64, &str)> = sim
                .events()
                .iter()
                .filter_map(|e| match &e.event {
                    SimEvent::HostCompromised { technique, .. } => {
                        Some((e.tick, plan.techniques[*technique].id.as_str()))
                    }
                    SimEvent::StageCompleted { technique, .. }
                        if plan.techniques[*technique].id == "T1078" =>
                    {
                        Some((e.tick, "stage"))
                    }
                    _ => None,
                })
                .collect();
            let begun = hits.iter().find(|h| h.1 == "stage").map(|h| h.0);
            let first_move = hits.iter().find(|h| h.1 == "T1021.002").map(|h| h.0);
            if let (Some(b), Some(m)) = (begun, first_move) {
                gaps.push((m - b) as f64);
            }
        }
        assert!(gaps.len() >= 30, "{} crews moved", gaps.len());
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        // A try every 10 minutes at 30% (x skill and patch): about half an hour.
        assert!(mean < 60.0, "mean breakout {mean:.0} min");
    }

    #[test]
    fn ransomware_never_encrypts_a_controller_or_a_network_device() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org_with(
                "port",
                "A",
                "HostGroup(id: \"ws\", kind: Workstation, count: 20, platform: Windows, \
                 sensor_coverage: 0.0, patch_level: 0.0, backups: Offline), \
                 HostGroup(id: \"cranes\", kind: Controller, count: 6, platform: Embedded, \
                 sensor_coverage: 0.0, patch_level: 0.0, backups: None), \
                 HostGroup(id: \"edge\", kind: EdgeDevice, count: 2, platform: Network, \
                 sensor_coverage: 0.0, patch_level: 0.0, backups: None)",
            )
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"port\")",
                &["T1078", "T1021.002", "T1486"],
            )
            .plan();
        for seed in 1..=5 {
            let events = events_of(certain_but((*plan).clone(), &[]), seed);
            let encrypted: u32 = events
                .iter()
                .filter_map(|e| match e {
                    SimEvent::HostsEncrypted { hosts, .. } => Some(*hosts),
                    _ => None,
                })
                .sum();
            assert_eq!(
                encrypted, 20,
                "seed {seed}: every workstation and nothing else"
            );
            // Lateral movement over admin shares never lands on a crane or a router.
            for e in &events {
                if let SimEvent::HostCompromised {
                    host, technique, ..
                } = e
                    && plan.techniques[*technique].id == "T1021.002"
                {
                    assert!(*host < 20, "seed {seed}: host {host} is not a Windows host");
                }
            }
        }
    }

    #[test]
    fn a_chance_is_a_probability_whatever_the_actor() {
        let mut r = region();
        let mut plan = (*r.0).clone();
        plan.campaigns[0].actor_skill = 1.0;
        plan.groups[0].patch_level = 0.0;
        r = Region(std::sync::Arc::new(plan));
        let t = r.campaigns[0].stages[0].technique;
        let p = success_chance(&r, &IslandDefences::default(), CampaignIx(0), t, 0);
        assert!((0.0..=1.0).contains(&p));
    }
}
