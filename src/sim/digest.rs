//! The per-tick state digest: a fingerprint of all simulated state, in stable-id order.
//!
//! It is built from parts (hosts, intrusions, teams, ...) so that a divergence can be named by
//! the part that differs. Only active state is hashed (idle hosts have no row). The parts are
//! hashed only when someone reads the digest (a journal point, the console's clock bar, the end
//! of a run): a batch pays for one. The event chain, which folds in everything that ever
//! happened, is kept up every tick, at a cost in proportion to the tick's events.
//!
//! Version 2 (journal format 5) hashes the large parts from fingerprints kept up as their rows
//! change (`kept.rs`), so a journal point costs what changed since the last one; version 1
//! hashed every row at every point. A replay hashes as its journal did ([`DigestVersion`]).

pub mod kept;

use std::hash::{Hash, Hasher};

use bevy::prelude::*;

pub use crate::scenario::stable_hash::{Fnv, hash_of};

use super::events::EventLog;
use super::{Clock, SimSet, SimTick, StableId};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<StateDigest>()
        .init_resource::<DigestVersion>()
        .init_resource::<DigestParts>()
        .init_resource::<EventChain>()
        .add_systems(SimTick, fold_events.in_set(SimSet::Digest));
}

/// The hash chain over every event so far, up to date after every tick.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventChain(pub u64);

/// Hashes one part of the state from the world, in stable-id order. It takes `&mut World` only
/// to keep its queries' state between ticks; it changes nothing simulated.
pub type PartHasher = fn(&mut World) -> u64;

/// The digest's version: 2 (kept fingerprints) for a new exercise, 1 for a replay of a journal
/// recorded before it (formats 1 to 4), which hashes as that journal did.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct DigestVersion(pub u32);

/// The version a new journal records.
pub const DIGEST_VERSION: u32 = 2;

impl Default for DigestVersion {
    fn default() -> Self {
        DigestVersion(DIGEST_VERSION)
    }
}

/// One part of the digest: how version 1 hashed it (every row) and how version 2 does (from
/// its kept fingerprints; the same function for a part small enough to hash whole).
#[derive(Clone, Copy)]
struct Part {
    order: u8,
    name: &'static str,
    whole: PartHasher,
    kept: PartHasher,
}

/// The parts of the state, registered by the plugin that owns each. A part's `order` fixes its
/// place in the total (the order is part of the journal format: changing it changes every
/// digest), so which plugin registers first does not matter.
#[derive(Resource, Default, Clone)]
pub struct DigestParts(Vec<Part>);

/// How a plugin adds its state to the digest.
pub trait DigestAppExt {
    /// A part hashed whole in every version: small, or changing everywhere at once.
    fn digest_part(&mut self, order: u8, name: &'static str, hash: PartHasher) -> &mut Self {
        self.digest_part_kept(order, name, hash, hash)
    }

    /// A part version 1 hashed whole (`whole`) and version 2 from kept fingerprints (`kept`).
    fn digest_part_kept(
        &mut self,
        order: u8,
        name: &'static str,
        whole: PartHasher,
        kept: PartHasher,
    ) -> &mut Self;
}

impl DigestAppExt for App {
    fn digest_part_kept(
        &mut self,
        order: u8,
        name: &'static str,
        whole: PartHasher,
        kept: PartHasher,
    ) -> &mut Self {
        let mut parts = self
            .world_mut()
            .get_resource_or_insert_with(DigestParts::default);
        assert!(
            parts.0.iter().all(|p| p.order != order && p.name != name),
            "digest part {order} `{name}` registered twice"
        );
        parts.0.push(Part {
            order,
            name,
            whole,
            kept,
        });
        parts.0.sort_by_key(|p| p.order);
        self
    }
}

/// The digest as last hashed: `current` brings it up to the last completed tick.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct StateDigest {
    pub tick: u64,
    pub total: u64,
    /// (part name, hash) in a fixed order.
    pub parts: Vec<(&'static str, u64)>,
    /// Hash chain over every event so far.
    pub events: u64,
}

impl StateDigest {
    pub fn hex(&self) -> String {
        format!("{:016x}", self.total)
    }
}

/// Folds this tick's events into the chain.
fn fold_events(log: Res<EventLog>, mut chain: ResMut<EventChain>) {
    use std::fmt::Write as _;
    let mut h = Fnv(chain.0);
    for e in log.this_tick() {
        e.tick.hash(&mut h);
        // The Debug form spells out every field and variant; it is stable for a given build of
        // the event types, which is what a digest compares. It is hashed as a `String` would
        // be (its bytes, then 0xff), streamed into the hasher rather than built first: FNV
        // reads bytes in order, so the pieces hash as the whole, without an allocation per
        // event.
        let _ = write!(StreamInto(&mut h), "{:?}", e.event);
        h.write_u8(0xff);
    }
    chain.0 = h.finish();
}

/// Text written into a hasher as it is formatted.
struct StreamInto<'a>(&'a mut Fnv);

impl std::fmt::Write for StreamInto<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

/// The digest of the state after the last completed tick, hashed now unless it already was
/// for this tick (the state does not change between ticks). Before the first tick: empty.
pub fn current(world: &mut World) -> StateDigest {
    let done = world.resource::<Clock>().now;
    let cached = world.resource::<StateDigest>();
    if done == 0 || (!cached.parts.is_empty() && cached.tick + 1 == done) {
        return cached.clone();
    }
    // The tick just completed: the clock has moved on past it, nothing else has.
    let now = done - 1;
    let parts = world.resource::<DigestParts>().0.clone();
    let chain = world.resource::<EventChain>().0;
    let kept = world.resource::<DigestVersion>().0 >= 2;
    let mut hashed: Vec<(&'static str, u64)> = (parts.iter())
        .map(|p| (p.name, (if kept { p.kept } else { p.whole })(world)))
        .collect();
    hashed.push(("events", chain));
    let mut total = Fnv::default();
    now.hash(&mut total);
    for (name, h) in &hashed {
        name.hash(&mut total);
        h.hash(&mut total);
    }
    let digest = StateDigest {
        tick: now,
        total: total.finish(),
        parts: hashed,
        events: chain,
    };
    *world.resource_mut::<StateDigest>() = digest.clone();
    digest
}

/// Each part's name and its two hashers (version 1, version 2), in the digest's order: what the
/// bench times to say what a journal point costs, part by part.
pub fn part_hashers(world: &World) -> Vec<(&'static str, PartHasher, PartHasher)> {
    (world.resource::<DigestParts>().0.iter())
        .map(|p| (p.name, p.whole, p.kept))
        .collect()
}

/// A query kept between ticks, so hashing entities does not rebuild it every minute.
#[derive(Resource)]
struct RowQuery<C: Component>(QueryState<(&'static StableId, &'static C)>);

/// Entities of one kind as (stable id, component clone), sorted by id.
pub fn sorted_rows<C: Component + Clone>(world: &mut World) -> Vec<(u32, C)> {
    with_sorted_rows(world, |rows: &[(u32, &C)], _| {
        rows.iter().map(|(i, c)| (*i, (*c).clone())).collect()
    })
}

/// Calls `f` with the entities of one kind as (stable id, component), sorted by id, and the
/// world, without cloning them: a team's desk holds its whole queue. `(u32, &C)` hashes as
/// `(u32, C)` does, so a part hashed from these rows has the digest it had from clones.
pub fn with_sorted_rows<C: Component, R>(
    world: &mut World,
    f: impl FnOnce(&[(u32, &C)], &World) -> R,
) -> R {
    if !world.contains_resource::<RowQuery<C>>() {
        let query = world.query::<(&StableId, &C)>();
        world.insert_resource(RowQuery(query));
    }
    world.resource_scope(|world, mut query: Mut<RowQuery<C>>| {
        let mut rows: Vec<(u32, &C)> = query.0.iter(world).map(|(i, c)| (i.0, c)).collect();
        rows.sort_by_key(|(i, _)| *i);
        f(&rows, world)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::{CampaignIx, OrgIx, TechniqueIx};
    use crate::sim::events::SimEvent;

    /// Streaming an event's Debug text into the hasher gives the chain it always had: the
    /// hash of the formatted `String`, which journals recorded before the change hold.
    #[test]
    fn an_event_streamed_into_the_chain_hashes_as_its_formatted_text() {
        let event = SimEvent::HostCompromised {
            campaign: CampaignIx(2),
            org: OrgIx(7),
            host: 1234,
            technique: TechniqueIx(5),
        };
        let mut whole = Fnv(42);
        format!("{event:?}").hash(&mut whole);
        let mut streamed = Fnv(42);
        use std::fmt::Write as _;
        write!(StreamInto(&mut streamed), "{event:?}").unwrap();
        streamed.write_u8(0xff);
        assert_eq!(streamed.finish(), whole.finish());
        assert_ne!(whole.finish(), Fnv(42).finish());
    }
}
