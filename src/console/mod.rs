//! The facilitator console: the region on a map, the exercise clock with pause and speed, and a
//! live feed of what is happening. It drives the same [`SimTick`] schedule as a headless run, a
//! whole number of ticks per frame, so the window and `tidewatch run` cannot disagree.

mod map;
mod panels;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy_egui::{EguiPlugin, EguiPrimaryContextPass};

use crate::exercise::Command;
use crate::exercise::journal::JournalFile;
use crate::exercise::session::{self, Recorder};
use crate::scenario::{Plan, Source};
use crate::sim::{Clock, SimPlugin, StateDigest, network};

/// How the console begins: a fresh exercise, one recorded to a new journal, or a recorded one
/// continued.
pub enum Start {
    Fresh,
    Record(PathBuf, Source, Vec<String>),
    Resume(PathBuf, JournalFile),
}

/// Commands the facilitator gave through the UI this frame; they join the recorder (and so the
/// journal) at the next tick boundary.
#[derive(Resource, Default)]
pub struct Orders(pub Vec<Command>);

#[derive(Resource)]
struct PendingStart(Option<Start>);

/// How fast simulated time runs against the wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speed {
    /// One simulated minute per real minute: a live exercise.
    X1,
    X10,
    /// One simulated minute per second.
    X60,
    /// As fast as the machine allows while the window stays responsive.
    Max,
}

impl Speed {
    pub const ALL: [Speed; 4] = [Speed::X1, Speed::X10, Speed::X60, Speed::Max];
    pub fn label(self) -> &'static str {
        match self {
            Speed::X1 => "1x",
            Speed::X10 => "10x",
            Speed::X60 => "60x",
            Speed::Max => "max",
        }
    }
    /// The same speed as the journal records it.
    pub fn pace(self) -> crate::exercise::command::Pace {
        use crate::exercise::command::Pace;
        match self {
            Speed::X1 => Pace::X1,
            Speed::X10 => Pace::X10,
            Speed::X60 => Pace::X60,
            Speed::Max => Pace::Max,
        }
    }
    /// Simulated minutes per real second, or `None` for as fast as possible.
    fn minutes_per_second(self) -> Option<f64> {
        match self {
            Speed::X1 => Some(1.0 / 60.0),
            Speed::X10 => Some(10.0 / 60.0),
            Speed::X60 => Some(1.0),
            Speed::Max => None,
        }
    }
}

/// The facilitator's controls and what the screen is showing.
#[derive(Resource)]
pub struct Pacing {
    pub paused: bool,
    pub speed: Speed,
    /// Simulated minutes owed to the clock at the current speed (fractions carry over).
    owed: f64,
    /// Stop here (the exercise's end, or the screenshot moment).
    pub end_tick: u64,
    /// Single minutes the facilitator asked for while paused.
    pub steps: u64,
}

/// Wall-clock time one frame may spend ticking, so the window stays responsive at `max`.
const FRAME_BUDGET: Duration = Duration::from_millis(14);

#[derive(Resource)]
struct ScreenshotPlan {
    path: PathBuf,
    at_tick: u64,
    frames_waited: u32,
    requested: bool,
}

#[derive(Resource, Default)]
struct ScreenshotDone(bool);

/// Opens the console; with `shot = Some((path, ticks))` it runs that far at full speed, prints
/// the digest, saves a screenshot and exits.
pub fn run(plan: Arc<Plan>, seed: u64, shot: Option<(PathBuf, u64)>, start: Start) -> ExitCode {
    let end_tick = plan.scenario.duration.0;
    let title = format!("tidewatch - {}", plan.scenario.name);
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title,
                    resolution: (1500u32, 940u32).into(),
                    ..default()
                }),
                ..default()
            })
            .set(bevy::log::LogPlugin {
                filter: "warn,tidewatch=info".into(),
                ..default()
            }),
    )
    .add_plugins(EguiPlugin::default())
    .add_plugins(SimPlugin {
        plan: plan.clone(),
        seed,
    })
    .insert_resource(ClearColor(Color::srgb(0.05, 0.07, 0.10)))
    .insert_resource(Pacing {
        paused: shot.is_some(),
        speed: Speed::X60,
        owed: 0.0,
        end_tick,
        steps: 0,
    })
    .init_resource::<panels::Feed>()
    .init_resource::<ScreenshotDone>()
    .init_resource::<Orders>()
    .insert_resource(PendingStart(Some(start)))
    .add_systems(
        Startup,
        (
            network::spawn_region,
            begin_exercise,
            |mut commands: Commands| {
                commands.spawn(Camera2d);
            },
        )
            .chain(),
    )
    .add_systems(Update, (advance_clock, panels::collect_feed).chain())
    .add_systems(EguiPrimaryContextPass, panels::draw)
    .add_systems(Update, take_orders.before(advance_clock));
    if let Some((path, at_tick)) = shot {
        app.insert_resource(ScreenshotPlan {
            path,
            at_tick,
            frames_waited: 0,
            requested: false,
        })
        .add_systems(Update, take_screenshot.after(panels::collect_feed));
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// Starts recording, or replays and verifies a journal before continuing it.
fn begin_exercise(world: &mut World) {
    let start = world.resource_mut::<PendingStart>().0.take();
    let seed = world.resource::<crate::sim::Draws>().seed;
    let result = match start {
        None | Some(Start::Fresh) => Ok(()),
        Some(Start::Record(path, source, set)) => {
            session::record(world, &path, &source, &set, seed)
        }
        Some(Start::Resume(path, file)) => session::replay_into(world, &file, None, true)
            .map_err(|e| e.to_string())
            .and_then(|(_, divergence)| match divergence {
                Some(d) => Err(format!(
                    "{}: the journal does not replay: it diverges at tick {}; parts: {}",
                    file.path,
                    d.tick,
                    d.parts.join(", ")
                )),
                None => session::continue_journal(world, &path, &file).map_err(|e| e.to_string()),
            }),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        world.write_message(AppExit::from_code(1));
    }
}

/// Hands the facilitator's orders to the recorder, stamped with the coming tick.
fn take_orders(mut orders: ResMut<Orders>, clock: Res<Clock>, mut recorder: ResMut<Recorder>) {
    let now = clock.now;
    recorder.add_commands(orders.0.drain(..).map(|c| (now, c)));
}

/// Runs as many whole ticks as the speed and the frame budget allow.
fn advance_clock(world: &mut World) {
    let dt = world.resource::<Time<Real>>().delta_secs_f64();
    let screenshot_target = world.get_resource::<ScreenshotPlan>().map(|s| s.at_tick);
    let now = world.resource::<Clock>().now;
    let mut pacing = world.resource_mut::<Pacing>();
    let end = screenshot_target.unwrap_or(pacing.end_tick);
    // Rehearsing for a screenshot: run flat out to the moment, whatever the controls say.
    let (paused, speed) = if screenshot_target.is_some() {
        (false, Speed::Max)
    } else {
        (pacing.paused, pacing.speed)
    };
    if now >= end || (paused && pacing.steps == 0) {
        pacing.owed = 0.0;
        return;
    }
    let budget_ticks = match speed.minutes_per_second() {
        _ if paused => std::mem::take(&mut pacing.steps),
        Some(rate) => {
            pacing.owed += rate * dt;
            let whole = pacing.owed.floor();
            pacing.owed -= whole;
            whole as u64
        }
        None => u64::MAX,
    };
    let started = Instant::now();
    let mut ran = 0;
    while ran < budget_ticks && world.resource::<Clock>().now < end {
        if let Err(e) = session::tick(world) {
            // The journal cannot be written: stop the clock rather than lose the record.
            eprintln!("{e}");
            world.resource_mut::<Pacing>().paused = true;
            return;
        }
        ran += 1;
        if started.elapsed() > FRAME_BUDGET {
            break;
        }
    }
}

fn take_screenshot(
    mut commands: Commands,
    clock: Res<Clock>,
    digest: Res<StateDigest>,
    done: Res<ScreenshotDone>,
    mut plan: ResMut<ScreenshotPlan>,
    mut exit: MessageWriter<AppExit>,
) {
    if clock.now < plan.at_tick {
        return;
    }
    if done.0 {
        exit.write(AppExit::Success);
        return;
    }
    if plan.requested {
        return;
    }
    // Let egui lay out and render the final state for a few frames before capturing.
    plan.frames_waited += 1;
    if plan.frames_waited < 5 {
        return;
    }
    plan.requested = true;
    commands.queue(|world: &mut World| {
        if let Err(e) = session::finish(world) {
            eprintln!("{e}");
        }
    });
    println!("tick {} digest {}", clock.now, digest.hex());
    commands
        .spawn(Screenshot::primary_window())
        .observe(save_to_disk(plan.path.clone()))
        .observe(|_: On<ScreenshotCaptured>, mut done: ResMut<ScreenshotDone>| done.0 = true);
}
