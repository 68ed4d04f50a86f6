//! Defensive posture: what an island's organisations have learned and done that makes the next
//! attack harder. Applied intelligence sharpens detection of its techniques and blocks its
//! actor; a trainee's patch order raises an organisation's patch level; a block order shuts out
//! a campaign's actor. Attack and detection read it; intelligence and response change it.

use crate::scenario::ids::{ActorIx, IslandIx, OrgIx, TeamIx, TechniqueIx};
use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::*;

use super::digest::{DigestAppExt, hash_of};
use super::events::{EventLog, SimEvent};
use super::judgement::{
    APPLY_STRENGTH_ANALYSTS, APPLY_STRENGTH_POINT_OF_CONTACT, APPLY_STRENGTH_READER, PATCHED_LEVEL,
};
use super::{Region, SimSet, SimTick};
use crate::scenario::{TeamKind, Tlp};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<IslandDefences>()
        .add_systems(SimTick, follow_orders.in_set(SimSet::Posture))
        .digest_part(85, "posture", |world| {
            hash_of(world.resource::<IslandDefences>())
        });
}

/// How strongly applied intelligence protects an island's organisations.
#[derive(Resource, Default, Clone, Debug, PartialEq, Hash)]
pub struct IslandDefences {
    /// Per island: technique -> strength (0..1) of the detection boost.
    known_techniques: BTreeMap<IslandIx, BTreeMap<TechniqueIx, Strength>>,
    /// Per island: actor -> strength (0..1) of blocking its initial access.
    blocked_actors: BTreeMap<IslandIx, BTreeMap<ActorIx, Strength>>,
    /// Organisations a team patched on order.
    patched: BTreeSet<OrgIx>,
}

/// A strength in thousandths (1000 = full), so defences hash and compare exactly.
pub type Strength = u32;

const FULL: Strength = 1000;

impl IslandDefences {
    /// Multiplier on the chance that a sensor sees `technique` on `island`.
    pub fn detection_factor(
        &self,
        region: &Region,
        island: IslandIx,
        technique: TechniqueIx,
    ) -> f64 {
        let s = self
            .known_techniques
            .get(&island)
            .and_then(|m| m.get(&technique))
            .copied()
            .unwrap_or(0);
        1.0 + (region.intel.detection_boost - 1.0) * s as f64 / FULL as f64
    }

    /// Chance that an initial-access attempt by `actor` is stopped on `island`.
    pub fn block_chance(&self, region: &Region, island: IslandIx, actor: ActorIx) -> f64 {
        let s = self
            .blocked_actors
            .get(&island)
            .and_then(|m| m.get(&actor))
            .copied()
            .unwrap_or(0);
        region.intel.block * s as f64 / FULL as f64
    }

    /// The patch level that counts for a host of `org` whose group is at `base`.
    pub fn patch_level(&self, org: OrgIx, base: f64) -> f64 {
        if self.patched.contains(&org) {
            base.max(PATCHED_LEVEL)
        } else {
            base
        }
    }

    /// An emergency patch round on an organisation (a trainee's order, done).
    pub fn patch(&mut self, org: OrgIx) {
        self.patched.insert(org);
    }

    pub fn block_actor(&mut self, island: IslandIx, actor: ActorIx) {
        self.blocked_actors
            .entry(island)
            .or_default()
            .insert(actor, FULL);
    }

    /// An island puts an item of intelligence to work: it watches for the techniques and, unless
    /// the item is TLP RED, blocks the actor.
    pub fn apply(
        &mut self,
        island: IslandIx,
        techniques: &[TechniqueIx],
        actor: ActorIx,
        tlp: Tlp,
        strength: Strength,
    ) {
        let known = self.known_techniques.entry(island).or_default();
        for &t in techniques {
            let s = known.entry(t).or_default();
            *s = (*s).max(strength);
        }
        // RED is for named recipients' eyes: they watch for it but cannot push blocks.
        if tlp != Tlp::Red {
            let s = self
                .blocked_actors
                .entry(island)
                .or_default()
                .entry(actor)
                .or_default();
            *s = (*s).max(strength);
        }
    }
}

/// How much of an item's value a recipient can put to work (judgement): a CSIRT or SOC tunes
/// sensors and filters; a one-person point of contact forwards advisories; a public advisory
/// reaches whoever reads it.
pub fn strength(region: &Region, team: Option<TeamIx>) -> Strength {
    match team.map(|t| region.teams[t].kind) {
        Some(TeamKind::NationalCsirt | TeamKind::SectorSoc) => APPLY_STRENGTH_ANALYSTS,
        Some(TeamKind::Npc) => APPLY_STRENGTH_POINT_OF_CONTACT,
        Some(TeamKind::RegionalHub | TeamKind::Leadership) | None => APPLY_STRENGTH_READER,
    }
}

/// Patch and block orders completed this tick take hold before the next attacker's step.
fn follow_orders(region: Res<Region>, log: Res<EventLog>, mut defences: ResMut<IslandDefences>) {
    for e in log.this_tick() {
        match e.event {
            SimEvent::OrganisationPatched { org, .. } => defences.patch(org),
            SimEvent::ActorBlocked {
                island, campaign, ..
            } => {
                defences.block_actor(island, region.campaigns[campaign].actor);
            }
            SimEvent::IndicatorsBlocked {
                island,
                ref campaigns,
                ..
            } => {
                for c in campaigns {
                    defences.block_actor(island, region.campaigns[*c].actor);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use bevy::ecs::system::RunSystemOnce;

    use super::*;
    use crate::scenario::ids::*;
    use crate::scenario::testkit::TinyRegion;

    fn region() -> Region {
        let plan = TinyRegion::new()
            .island("A", true, true)
            .island("B", false, true)
            .org("gov", "A", 10, 0.5, 0.5)
            .org("bank", "B", 10, 0.5, 0.5)
            .campaign("crew", "D1 09:00", "Island(\"A\")", &["T1566.001"])
            .csirt("csirt", "A")
            .team("npc", "Npc", Some("B"), 1, "OfficeHours", true)
            .plan();
        Region(plan)
    }

    #[test]
    fn a_blocked_actor_is_stopped_at_the_policy_rate_on_that_island_only() {
        let r = region();
        let mut d = IslandDefences::default();
        assert_eq!(d.block_chance(&r, IslandIx(0), ActorIx(0)), 0.0);
        d.block_actor(IslandIx(0), ActorIx(0));
        assert_eq!(d.block_chance(&r, IslandIx(0), ActorIx(0)), r.intel.block);
        assert_eq!(
            d.block_chance(&r, IslandIx(1), ActorIx(0)),
            0.0,
            "island B blocked nothing"
        );
    }

    #[test]
    fn red_intelligence_sharpens_sensors_but_blocks_nothing() {
        let r = region();
        let mut d = IslandDefences::default();
        d.apply(IslandIx(0), &[TechniqueIx(7)], ActorIx(0), Tlp::Red, 1000);
        assert_eq!(
            d.detection_factor(&r, IslandIx(0), TechniqueIx(7)),
            r.intel.detection_boost
        );
        assert_eq!(
            d.detection_factor(&r, IslandIx(0), TechniqueIx(8)),
            1.0,
            "only the techniques named"
        );
        assert_eq!(d.block_chance(&r, IslandIx(0), ActorIx(0)), 0.0);
        d.apply(IslandIx(0), &[TechniqueIx(7)], ActorIx(0), Tlp::Green, 1000);
        assert_eq!(d.block_chance(&r, IslandIx(0), ActorIx(0)), r.intel.block);
    }

    #[test]
    fn a_point_of_contact_puts_less_to_work_than_a_csirt_and_the_stronger_holds() {
        let r = region();
        let (csirt, npc) = (strength(&r, Some(TeamIx(0))), strength(&r, Some(TeamIx(1))));
        assert!(csirt > npc && npc > strength(&r, None));
        let mut d = IslandDefences::default();
        d.apply(IslandIx(1), &[TechniqueIx(3)], ActorIx(0), Tlp::Green, npc);
        let weak = d.detection_factor(&r, IslandIx(1), TechniqueIx(3));
        d.apply(
            IslandIx(1),
            &[TechniqueIx(3)],
            ActorIx(0),
            Tlp::Green,
            strength(&r, None),
        );
        assert_eq!(
            d.detection_factor(&r, IslandIx(1), TechniqueIx(3)),
            weak,
            "a weaker copy changes nothing"
        );
        assert!(weak > 1.0 && weak < r.intel.detection_boost);
    }

    #[test]
    fn a_patch_order_raises_the_patch_level_but_never_lowers_it() {
        let mut world = World::new();
        world.insert_resource(region());
        world.init_resource::<IslandDefences>();
        let mut log = EventLog::default();
        log.push(
            0,
            SimEvent::OrganisationPatched {
                team: TeamIx(0),
                org: OrgIx(1),
            },
        );
        world.insert_resource(log);
        world.run_system_once(follow_orders).unwrap();
        let d = world.resource::<IslandDefences>();
        assert_eq!(d.patch_level(OrgIx(1), 0.3), PATCHED_LEVEL);
        assert_eq!(d.patch_level(OrgIx(1), 0.99), 0.99);
        assert_eq!(
            d.patch_level(OrgIx(0), 0.3),
            0.3,
            "only the organisation ordered"
        );
    }
}
