//! The simulation: plain ECS data and systems that advance the region one minute per tick.
//!
//! It knows nothing of who drives it. Headless runs, batches and the console all call
//! [`SimTick`] the same way, so they cannot disagree about what happens.

pub mod assistance;
pub mod attack;
pub mod desk;
pub mod detection;
pub mod digest;
pub mod draws;
pub mod events;
pub mod impact;
pub mod incidents;
pub mod intel;
pub mod judgement;
pub mod network;
pub mod posture;
pub mod ransom;
pub mod recovery;
pub mod response;
pub mod tasks;

use std::sync::Arc;

use bevy::ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::scenario::Plan;
pub use digest::StateDigest;
pub use draws::Draws;
pub use events::{EventLog, SimEvent, Stamped};

/// One simulated minute.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct SimTick;

/// The tick's phases, in the order a minute unfolds: attackers act, sensors see, defenders
/// respond, services feel it, then the state is fingerprinted.
#[derive(SystemSet, Clone, Debug, PartialEq, Eq, Hash)]
pub enum SimSet {
    BeginTick,
    /// Commands given for this tick take effect.
    Commands,
    /// Disruptions: cables cut and repaired, power lost and back.
    Disruptions,
    Attack,
    Detection,
    Response,
    /// Intelligence produced, travelling, applied; assistance dispatched.
    Cooperation,
    /// Defensive posture follows this tick's orders: patched organisations, blocked actors.
    Posture,
    Impact,
    /// The exercise reacts: injects fire, decisions land, expectations are checked.
    Exercise,
    Digest,
    /// The clock moves on to the next minute: the last thing of the tick, after the digest's
    /// event chain has folded in this minute's events.
    EndTick,
}

/// Run once, before the first tick: each domain spawns the entities and sizes the tables it
/// owns from the plan.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct SpawnRegion;

/// Builds the region's initial state (see [`SpawnRegion`]).
pub fn spawn_region(world: &mut World) {
    world.run_schedule(SpawnRegion);
}

/// Minutes since the exercise started; the tick being simulated while [`SimTick`] runs.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    pub now: u64,
}

/// The validated scenario every system reads: static facts, never changed by a run.
#[derive(Resource, Clone)]
pub struct Region(pub Arc<Plan>);

impl std::ops::Deref for Region {
    type Target = Plan;
    fn deref(&self) -> &Plan {
        &self.0
    }
}

/// What nearly every system reads: the tick being simulated, the plan and the dice.
#[derive(SystemParam)]
pub struct Tick<'w> {
    pub clock: Res<'w, Clock>,
    pub region: Res<'w, Region>,
    pub draws: Res<'w, Draws>,
}

impl Tick<'_> {
    pub fn now(&self) -> u64 {
        self.clock.now
    }
}

/// A thing's identity in the scenario (its index in file order within its kind). Sorting and
/// hashing use this, never `Entity`.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StableId(pub u32);

/// Adds the tick schedule and every domain plugin for one scenario and seed. The model alone:
/// whoever drives it (the exercise layer, a test) adds its own plugins beside it.
pub struct SimPlugin {
    pub plan: Arc<Plan>,
    pub seed: u64,
}

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        let mut schedule = Schedule::new(SimTick);
        schedule.set_executor(SingleThreadedExecutor::new());
        schedule.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..default()
        });
        app.add_schedule(schedule);
        app.add_schedule(Schedule::new(SpawnRegion));
        app.configure_sets(
            SimTick,
            (
                SimSet::BeginTick,
                SimSet::Commands,
                SimSet::Disruptions,
                SimSet::Attack,
                SimSet::Detection,
                SimSet::Response,
                SimSet::Cooperation,
                SimSet::Posture,
                SimSet::Impact,
                SimSet::Exercise,
                SimSet::Digest,
                SimSet::EndTick,
            )
                .chain(),
        );
        app.insert_resource(Region(self.plan.clone()))
            .insert_resource(Draws::new(self.seed))
            .init_resource::<Clock>()
            .init_resource::<EventLog>()
            .add_systems(SimTick, begin_tick.in_set(SimSet::BeginTick))
            .add_systems(SimTick, advance_clock.in_set(SimSet::EndTick));
        app.add_plugins((
            network::plugin,
            posture::plugin,
            attack::plugin,
            desk::plugin,
            detection::plugin,
            incidents::plugin,
            response::plugin,
            assistance::plugin,
            intel::plugin,
            impact::plugin,
            ransom::plugin,
            recovery::plugin,
            digest::plugin,
        ));
    }
}

fn begin_tick(mut log: ResMut<EventLog>) {
    log.begin_tick();
}

/// The clock moves only here, once a tick and last: between ticks `now` is the next minute, so
/// `digest::current` reads the minute just completed as `now - 1`.
fn advance_clock(mut clock: ResMut<Clock>) {
    clock.now += 1;
}

/// Makes sure the compute pool exists before the first tick: systems may split pure work
/// (draws) across it, and results never depend on how many threads it has.
pub fn init_task_pool(threads: Option<usize>) {
    use bevy::tasks::{ComputeTaskPool, TaskPoolBuilder};
    ComputeTaskPool::get_or_init(|| {
        let mut b = TaskPoolBuilder::new().thread_name("tidewatch-sim".into());
        if let Some(n) = threads {
            b = b.num_threads(n.max(1));
        }
        b.build()
    });
}

/// A headless simulation of one scenario: the world plus the loop that ticks it.
pub struct Simulation {
    pub app: App,
}

impl Simulation {
    /// The model alone: nothing drives it but its own plan.
    pub fn new(plan: Arc<Plan>, seed: u64) -> Self {
        Self::build(plan, seed, |_| {})
    }

    /// The model plus a driver's plugins (the exercise layer adds commands and the MSEL).
    pub fn build(plan: Arc<Plan>, seed: u64, drivers: impl FnOnce(&mut App)) -> Self {
        init_task_pool(None);
        let mut app = App::new();
        app.add_plugins(SimPlugin { plan, seed });
        drivers(&mut app);
        // Build the world (spawn the region) without running a tick.
        app.finish();
        app.cleanup();
        spawn_region(app.world_mut());
        Simulation { app }
    }

    pub fn step(&mut self) {
        self.app.world_mut().run_schedule(SimTick);
    }

    /// Runs until `ticks` minutes have been simulated.
    pub fn run_until(&mut self, ticks: u64) {
        while self.now() < ticks {
            self.step();
        }
    }

    pub fn now(&self) -> u64 {
        self.app.world().resource::<Clock>().now
    }

    /// The digest after the last completed tick (hashed now if nobody asked since).
    pub fn digest(&mut self) -> StateDigest {
        digest::current(self.app.world_mut())
    }

    pub fn events(&self) -> &[Stamped] {
        self.app.world().resource::<EventLog>().all()
    }

    pub fn plan(&self) -> Arc<Plan> {
        self.app.world().resource::<Region>().0.clone()
    }

    pub fn world_mut(&mut self) -> &mut World {
        self.app.world_mut()
    }

    pub fn world(&self) -> &World {
        self.app.world()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{self, EMBEDDED_SCENARIOS};

    fn tutorial() -> Arc<Plan> {
        let source = scenario::Source {
            name: "tutorial".into(),
            text: EMBEDDED_SCENARIOS[1].1.into(),
            dir: None,
        };
        Arc::new(scenario::load_source(&source, &[]).unwrap())
    }

    /// Drives the tick the way the console does: from a system in `Update`, via `app.update()`.
    fn tick_from_update(world: &mut World) {
        for _ in 0..60 {
            world.run_schedule(SimTick);
        }
    }

    #[test]
    fn an_app_with_minimal_plugins_ticks_like_the_headless_driver() {
        let plan = tutorial();
        let mut app = App::new();
        app.add_plugins((
            MinimalPlugins,
            SimPlugin {
                plan: plan.clone(),
                seed: 3,
            },
        ))
        .add_systems(Startup, spawn_region)
        .add_systems(Update, tick_from_update);
        for _ in 0..24 {
            app.update();
        }
        assert_eq!(app.world().resource::<Clock>().now, 24 * 60);

        let mut headless = Simulation::new(plan, 3);
        headless.run_until(24 * 60);
        assert_eq!(digest::current(app.world_mut()), headless.digest());
        assert_eq!(app.world().resource::<EventLog>().all(), headless.events());
    }

    #[test]
    fn the_tick_schedule_has_no_ambiguities() {
        let mut sim = Simulation::new(tutorial(), 1);
        let result = sim.world_mut().schedule_scope(SimTick, |world, schedule| {
            schedule
                .initialize(world)
                .map(|_| ())
                .map_err(|e| e.to_string(schedule.graph(), world))
        });
        assert!(result.is_ok(), "{result:?}");
    }
}
