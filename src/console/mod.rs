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

use crate::scenario::Plan;
use crate::sim::{Clock, SimPlugin, SimTick, StateDigest, network};

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
pub fn run(plan: Arc<Plan>, seed: u64, shot: Option<(PathBuf, u64)>) -> ExitCode {
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
    })
    .init_resource::<panels::Feed>()
    .init_resource::<ScreenshotDone>()
    .add_systems(
        Startup,
        (network::spawn_region, |mut commands: Commands| {
            commands.spawn(Camera2d);
        }),
    )
    .add_systems(Update, (advance_clock, panels::collect_feed).chain())
    .add_systems(EguiPrimaryContextPass, panels::draw);
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
    if paused || now >= end {
        pacing.owed = 0.0;
        return;
    }
    let budget_ticks = match speed.minutes_per_second() {
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
        world.run_schedule(SimTick);
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
    println!("tick {} digest {}", clock.now, digest.hex());
    commands
        .spawn(Screenshot::primary_window())
        .observe(save_to_disk(plan.path.clone()))
        .observe(|_: On<ScreenshotCaptured>, mut done: ResMut<ScreenshotDone>| done.0 = true);
}
