//! The facilitator console: the region on a map, the exercise clock with pause and speed, and a
//! live feed of what is happening. It drives the same [`SimTick`] schedule as a headless run, a
//! whole number of ticks per frame, so the window and `tidewatch run` cannot disagree.

mod charts;
mod clock_bar;
mod compose;
mod desk;
mod hub;
mod lab;
mod map;
mod panels;
mod schedule;
mod seat;
mod team;
mod timeline;
mod validation;

pub use panels::Screen;
pub use seat::{SeatWindow, seat};

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy_egui::{EguiPlugin, EguiPrimaryContextPass};

use crate::exercise;
use crate::exercise::journal::{JournalFile, JournalWriter, SealKey};
use crate::exercise::pacing::Pacing;
use crate::exercise::session::{self, Recorder};
use crate::scenario::ids::TeamIx;
use crate::scenario::{Command, Pace, Plan, Source};
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::{Clock, Region, SimPlugin, StateDigest};

/// How the console begins: a fresh exercise, one recorded to a new journal, or a recorded one
/// continued; each journal sealed with the key, if one is given.
pub enum Start {
    Fresh,
    Record(PathBuf, Source, Vec<String>, Option<SealKey>),
    Resume(PathBuf, JournalFile, Option<SealKey>),
}

/// Commands the facilitator gave through the UI this frame; they join the recorder (and so the
/// journal) at the next tick boundary.
#[derive(Resource, Default)]
pub struct Orders(pub Vec<Command>);

/// How the exercise begins, and the timed commands (`--commands`) to play from there.
#[derive(Resource)]
struct PendingStart(Option<(Start, Vec<(u64, Command)>)>);

/// How the window opens, beyond the exercise itself.
#[derive(Default)]
pub struct Options {
    /// `Some((path, ticks))`: run that far at full speed, print the digest, save a screenshot
    /// and exit.
    pub shot: Option<(PathBuf, u64)>,
    /// That team's view (only what it may see), played from the window.
    pub team: Option<TeamIx>,
    /// Seats of the mobile lab join this host.
    pub host: Option<crate::lab::LabHost>,
    /// End the exercise by itself at this tick (`--end-at`).
    pub end_at: Option<u64>,
    /// Timed commands to play, as `tidewatch run --commands` does.
    pub commands: Vec<(u64, Command)>,
    /// The size of everything in the window (1.0 unless `--scale`).
    pub scale: Option<f32>,
    /// The facilitator's screen to open on.
    pub screen: Screen,
    /// Open presenting: one screen at a time, the side panels folded (`--present`).
    pub present: bool,
    /// The window's size in logical pixels (1500x940 unless `--size`).
    pub size: Option<(u32, u32)>,
    /// With `shot`: write what the map drew where (`map::MapDrawn`) to this JSON file.
    pub map_layout: Option<PathBuf>,
}

/// Wall-clock time one frame may spend ticking, so the window stays responsive at `max`.
const FRAME_BUDGET: Duration = Duration::from_millis(14);

#[derive(Resource)]
struct ScreenshotPlan {
    path: PathBuf,
    /// Where to write what the map drew (`--map-layout`).
    map_layout: Option<PathBuf>,
    at_tick: u64,
    frames_waited: u32,
    requested: bool,
}

#[derive(Resource, Default)]
struct ScreenshotDone(bool);

/// Opens the console: the facilitator's view, or with `options.team` that team's view (only
/// what it may see).
pub fn run(plan: Arc<Plan>, seed: u64, start: Start, options: Options) -> ExitCode {
    let Options {
        shot,
        team,
        host,
        end_at,
        commands,
        scale,
        screen,
        present,
        size,
        map_layout,
    } = options;
    // The clock stops at the scenario's end, or where the facilitator said the exercise ends.
    let end_tick = end_at.unwrap_or(plan.scenario.duration.0);
    let title = format!("tidewatch - {}", plan.scenario.name);
    let mut app = App::new();
    app.add_plugins(window_plugins(title, size.unwrap_or(WINDOW_SIZE)))
        .add_plugins(EguiPlugin::default())
        .add_plugins(SimPlugin {
            plan: plan.clone(),
            seed,
        })
        .add_plugins(exercise::plugin)
        .insert_resource(ClearColor(Color::srgb(0.05, 0.07, 0.10)))
        // Paused at STARTEX: the opening briefing costs no exercise time; space starts the clock.
        .insert_resource(Pacing::new(end_tick, true, Pace::X60))
        .init_resource::<panels::Feed>()
        .init_resource::<ScreenshotDone>()
        .init_resource::<Orders>()
        .insert_resource(PendingStart(Some((start, commands))))
        .insert_resource(clock_bar::UiScale::new(scale.unwrap_or(1.0)))
        .add_systems(
            Startup,
            (
                crate::sim::spawn_region,
                begin_exercise,
                |mut commands: Commands| {
                    commands.spawn(Camera2d);
                },
            )
                .chain(),
        )
        .add_systems(Update, take_orders.before(run_ticks_for_frame));
    match team {
        Some(t) => app
            .insert_resource(team::LocalTeam::new(t))
            .init_resource::<team::TeamScreen>()
            .add_systems(
                Update,
                (run_ticks_for_frame, refresh_digest, team::collect).chain(),
            )
            .add_systems(EguiPrimaryContextPass, team::draw),
        None => app
            .insert_resource(EndExercise {
                at: end_at,
                ..default()
            })
            .insert_resource(panels::DeskState::on(screen, present))
            .add_systems(
                Update,
                (run_ticks_for_frame, refresh_digest, panels::collect_feed).chain(),
            )
            .add_systems(Update, end_exercise.after(take_orders))
            .add_systems(EguiPrimaryContextPass, panels::draw),
    };
    if let Some(host) = host {
        app.insert_resource(lab::Lab(std::sync::Mutex::new(host)))
            .add_plugins(lab::plugin);
    }
    if let Some((path, at_tick)) = shot {
        app.insert_resource(ScreenshotPlan {
            path,
            map_layout,
            at_tick,
            frames_waited: 0,
            requested: false,
        })
        .add_systems(
            Update,
            (
                take_screenshot
                    .after(panels::collect_feed)
                    .after(team::collect),
                write_map_layout.after(take_screenshot),
            ),
        );
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// Whether a window can open here: on Linux and the BSDs an X11 or Wayland display must be
/// named, else winit panics deep inside the event loop. `None` when it can, else what to do.
pub fn no_display(headless_way: &str) -> Option<String> {
    let unix_desktop = cfg!(all(unix, not(target_os = "macos")));
    let named = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
    (unix_desktop && !named("DISPLAY") && !named("WAYLAND_DISPLAY")).then(|| {
        format!(
            "no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set): \
             {headless_way}, or run the window under `xvfb-run -a tidewatch ...`"
        )
    })
}

/// The window's size unless told otherwise: fits a 1600x1000 screen with its decorations.
const WINDOW_SIZE: (u32, u32) = (1500, 940);

/// Bevy's default plugins for one of our windows (the console's or a seat's).
fn window_plugins(title: String, size: (u32, u32)) -> impl PluginGroup {
    DefaultPlugins
        .set(WindowPlugin {
            primary_window: Some(Window {
                title,
                resolution: size.into(),
                ..default()
            }),
            ..default()
        })
        .set(bevy::log::LogPlugin {
            filter: "warn,tidewatch=info".into(),
            ..default()
        })
}

/// Starts recording, or replays and verifies a journal before continuing it.
fn begin_exercise(world: &mut World) {
    let (start, commands) = world
        .resource_mut::<PendingStart>()
        .0
        .take()
        .unwrap_or((Start::Fresh, Vec::new()));
    let seed = world.resource::<crate::sim::Draws>().seed;
    let result = match start {
        Start::Fresh => Ok(()),
        Start::Record(path, source, set, seal) => {
            session::record(world, &path, &source, &set, seed, seal)
        }
        Start::Resume(path, file, seal) => JournalWriter::may_continue(&path, &file, seal.as_ref())
            .and_then(|_| session::replay_into(world, &file, None, true).map_err(|e| e.to_string()))
            .and_then(|(_, divergence)| match divergence {
                Some(d) => Err(format!(
                    "{}: the journal does not replay: it diverges at tick {}; parts: {}",
                    file.path,
                    d.tick,
                    d.parts.join(", ")
                )),
                None => {
                    session::continue_journal(world, &path, &file, seal).map_err(|e| e.to_string())
                }
            }),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        world.write_message(AppExit::from_code(1));
        return;
    }
    // A command file plays from where the clock stands (a resumed journal already holds the
    // commands before it).
    let now = world.resource::<Clock>().now;
    world
        .resource_mut::<Recorder>()
        .add_commands(commands.into_iter().filter(|(t, _)| *t >= now));
}

/// Hands this frame's orders to the recorder. In a team's view each order is checked first:
/// a team gives only its own orders (the clock stays in the hands of whoever runs the window).
fn take_orders(
    mut orders: ResMut<Orders>,
    clock: Res<Clock>,
    region: Res<crate::sim::Region>,
    team: Option<Res<team::LocalTeam>>,
    mut recorder: ResMut<Recorder>,
) {
    let now = clock.now;
    let allowed = orders.0.drain(..).filter(|c| {
        let clock_control = matches!(c, Command::Pause | Command::Resume | Command::Speed(_));
        let Some(team) = team.as_ref().filter(|_| !clock_control) else {
            return true;
        };
        match exercise::authority::team_may(&region, team.0.team, c) {
            Ok(()) => true,
            Err(refusal) => {
                warn!("order refused: {refusal}");
                false
            }
        }
    });
    recorder.add_commands(allowed.map(|c| (now, c)).collect::<Vec<_>>());
}

/// The facilitator's "End exercise": the clock stops, the journal is closed with its final
/// digest, and the after-action report is written beside it.
#[derive(Resource, Default)]
pub struct EndExercise {
    pub requested: bool,
    /// `console --end-at`: end by itself when the clock gets there.
    pub at: Option<u64>,
    /// What happened, for the clock bar.
    pub outcome: Option<String>,
}

fn end_exercise(world: &mut World) {
    let now = world.resource::<Clock>().now;
    let mut end = world.resource_mut::<EndExercise>();
    if end.at.is_some_and(|t| now >= t) {
        end.at = None;
        end.requested = true;
    }
    if !end.requested {
        return;
    }
    end.requested = false;
    world.resource_mut::<Pacing>().paused = true;
    let outcome = session::finish(world).and_then(|_| {
        let plan = world.resource::<crate::sim::Region>().0.clone();
        let seed = world.resource::<crate::sim::Draws>().seed;
        let end = world.resource::<Clock>().now;
        let recorder = world.resource::<Recorder>();
        let paths = crate::report::aar::report_paths(recorder.journal_path());
        let events = world.resource::<crate::sim::EventLog>().all();
        crate::report::aar_page::write_report_files(
            &plan,
            seed,
            end,
            crate::report::aar::Played::new(events, recorder.applied()),
            &paths,
            (1, None),
            None,
        )?;
        Ok(format!(
            "after-action report written: {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    });
    let text = outcome.unwrap_or_else(|e| format!("the report could not be written: {e}"));
    info!("{text}");
    world.resource_mut::<EndExercise>().outcome = Some(text);
}

/// Steps the simulation for this frame: as many whole ticks as the chosen speed and the frame
/// budget allow (not the model's clock advance, which is one tick's last step in `sim`).
fn run_ticks_for_frame(world: &mut World) {
    let dt = world.resource::<Time<Real>>().delta_secs_f64();
    let screenshot_target = world.get_resource::<ScreenshotPlan>().map(|s| s.at_tick);
    let now = world.resource::<Clock>().now;
    let mut pacing = world.resource_mut::<Pacing>();
    let target = pacing.rush_target(now, screenshot_target);
    let (budget_ticks, end) = pacing.due(now, dt, target);
    let started = Instant::now();
    let mut ran = 0;
    while ran < budget_ticks && world.resource::<Clock>().now < end {
        if obey_clock_orders(world) {
            break;
        }
        if let Err(e) = session::tick(world) {
            // The journal cannot be written: stop the clock rather than lose the record.
            eprintln!("{e}");
            world.resource_mut::<Pacing>().paused = true;
            return;
        }
        ran += 1;
        if module_pauses(world) {
            // The room discusses the module's questions; the facilitator resumes.
            world.resource_mut::<Pacing>().paused = true;
            break;
        }
        if started.elapsed() > FRAME_BUDGET {
            break;
        }
    }
}

/// Honours the clock commands due before the tick (a command file's `Pause`, `Resume` or
/// `Speed`, or the buttons' own, which already hold); true when one paused a running clock.
fn obey_clock_orders(world: &mut World) -> bool {
    let orders = match session::due_clock_orders(world) {
        Ok(orders) => orders,
        Err(e) => {
            // The journal cannot be written: stop the clock rather than lose the record.
            eprintln!("{e}");
            world.resource_mut::<Pacing>().paused = true;
            return true;
        }
    };
    let mut pacing = world.resource_mut::<Pacing>();
    let was = pacing.paused;
    for c in orders {
        match c {
            Command::Pause => pacing.paused = true,
            Command::Resume => pacing.paused = false,
            Command::Speed(pace) => pacing.speed = pace,
            _ => {}
        }
    }
    pacing.paused && !was
}

/// Whether the tick just run ended a module that pauses the clock at its end.
fn module_pauses(world: &World) -> bool {
    let plan = &world.resource::<Region>().0;
    world
        .resource::<EventLog>()
        .this_tick()
        .iter()
        .any(|e| matches!(e.event, SimEvent::ModuleEnded { module } if plan.modules[module].pause))
}

/// User and system CPU time of this process so far, from `/proc/self/stat`.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) closed by ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // The kernel's clock ticks per second: 100 on every Linux we ship to.
    Some(ticks / 100.0)
}

/// The digest the clock bar shows. While the clock runs it is hashed at most once a second of
/// real time (hashing a 100k-host region's state takes milliseconds, a frame's budget); on a
/// frame the clock did not move (paused, stopped at its end or at a screenshot's moment) it is
/// brought up to the tick at once, so a still exercise always shows its own digest. The
/// simulation itself only keeps its event chain up.
fn refresh_digest(world: &mut World, mut last: Local<(Option<std::time::Instant>, u64)>) {
    let now = world.resource::<Clock>().now;
    let (hashed, seen) = *last;
    let still = seen == now;
    if still || hashed.is_none_or(|t| t.elapsed() >= DIGEST_SHOWN_EVERY) {
        crate::sim::digest::current(world);
        last.0 = Some(std::time::Instant::now());
    }
    last.1 = now;
}

/// How often a running clock's digest is hashed for the clock bar.
const DIGEST_SHOWN_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// What the window's frames cost in CPU once started (Linux only), for the benchmark notes:
/// the frame and the process's CPU time when start-up was over.
#[derive(SystemParam)]
struct CpuPerFrame<'w, 's> {
    frames: Res<'w, bevy::diagnostic::FrameCount>,
    since: Local<'s, Option<(u32, f64)>>,
}

impl CpuPerFrame<'_, '_> {
    /// Start-up (shaders, fonts, the first layouts) is over by the fifth frame.
    fn note_start(&mut self) {
        if self.since.is_none() && self.frames.0 >= 5 {
            *self.since = process_cpu_seconds().map(|cpu| (self.frames.0, cpu));
        }
    }

    /// The frames since start-up and their CPU time, printed (nothing where it is unknown).
    fn print(&self) {
        if let (Some(cpu), Some((f0, cpu0))) = (process_cpu_seconds(), *self.since) {
            let n = self.frames.0.saturating_sub(f0).max(1);
            println!(
                "{n} frames after start-up, process CPU {:.2} s ({:.1} ms per frame)",
                cpu - cpu0,
                (cpu - cpu0) * 1e3 / n as f64
            );
        }
    }
}

/// With the screenshot, what the map drew where, as JSON (`--map-layout`); said on stderr
/// when the map is not on screen.
fn write_map_layout(
    plan: Res<ScreenshotPlan>,
    mut written: Local<bool>,
    mut contexts: bevy_egui::EguiContexts,
) {
    let Some(path) = plan
        .map_layout
        .as_ref()
        .filter(|_| plan.requested && !*written)
    else {
        return;
    };
    *written = true;
    let drawn = (contexts.ctx_mut().ok())
        .and_then(|ctx| ctx.data(|d| d.get_temp::<map::MapDrawn>(map::MapDrawn::id())));
    let Some(drawn) = drawn else {
        eprintln!("--map-layout: the map was not on screen; nothing written");
        return;
    };
    let text = serde_json::to_string_pretty(&drawn).unwrap_or_default();
    if let Err(e) = std::fs::write(path, text) {
        eprintln!("{}: cannot write the map's layout: {e}", path.display());
    }
}

fn take_screenshot(
    mut commands: Commands,
    clock: Res<Clock>,
    digest: Res<StateDigest>,
    done: Res<ScreenshotDone>,
    mut plan: ResMut<ScreenshotPlan>,
    mut exit: MessageWriter<AppExit>,
    mut cost: CpuPerFrame,
) {
    cost.note_start();
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
    cost.print();
    commands
        .spawn(Screenshot::primary_window())
        .observe(save_to_disk(plan.path.clone()))
        .observe(|_: On<ScreenshotCaptured>, mut done: ResMut<ScreenshotDone>| done.0 = true);
}
