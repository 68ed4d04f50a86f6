//! The window of a trainee's seat (`tidewatch seat HOST:PORT --team --code`): the team view,
//! fed by the host over the lab network. The seat runs no simulation and holds no scenario;
//! the clock is the facilitator's. A dropped connection is retried every few seconds and the
//! screen comes back whole.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, RichText};
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass};

use super::Orders;
use super::panels::root_ui;
use super::team::show;
use crate::lab::seat::{JoinError, SeatLink, SeatScreen, Ticket, rejoin};

/// How often a seat that lost the host tries again.
const RETRY: Duration = Duration::from_secs(3);

#[derive(Resource)]
struct Connection {
    link: Option<SeatLink>,
    screen: SeatScreen,
    ticket: Ticket,
    status: String,
    last_try: Instant,
    /// What the last Save of the team's records came to (written by its own thread).
    saved: std::sync::Arc<std::sync::Mutex<String>>,
}

/// `--screenshot`: save the window once the host's clock reaches `at`, then leave.
#[derive(Resource)]
struct SeatShot {
    path: std::path::PathBuf,
    at: u64,
    frames: u32,
    requested: bool,
}

#[derive(Resource, Default)]
struct ShotTaken(bool);

/// How the seat's window opens: its size and text scale (a 1366x768 laptop, a tablet), and
/// a screenshot to take.
#[derive(Default)]
pub struct SeatWindow {
    /// Logical pixels, 1500x940 unless given.
    pub size: Option<(u32, u32)>,
    /// The size of everything in it, 1.0 unless given.
    pub scale: Option<f32>,
    /// `Some((path, tick))`: save a screenshot once the exercise reaches `tick`, then exit.
    pub shot: Option<(std::path::PathBuf, u64)>,
}

/// Joins (a wrong code is said on the terminal, exit 1), then opens the seat's window.
pub fn seat(ticket: Ticket, patience: Duration, window: SeatWindow) -> ExitCode {
    let SeatWindow { size, scale, shot } = window;
    let mut screen = SeatScreen::default();
    let link = match rejoin(&ticket, &mut screen, patience) {
        Ok(link) => link,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    println!("joined as {}", screen.seat);
    let title = format!(
        "tidewatch seat - {} - {}",
        screen.geography.exercise, screen.seat
    );
    let mut app = App::new();
    app.add_plugins(super::window_plugins(
        title,
        size.unwrap_or(super::WINDOW_SIZE),
    ))
    .insert_resource(super::clock_bar::UiScale::new(scale.unwrap_or(1.0)))
    .add_plugins(EguiPlugin::default())
    .insert_resource(ClearColor(Color::srgb(0.05, 0.07, 0.10)))
    .init_resource::<Orders>()
    .insert_resource(Connection {
        link: Some(link),
        screen,
        ticket,
        status: "connected".into(),
        last_try: Instant::now(),
        saved: Default::default(),
    })
    .add_systems(Startup, |mut commands: Commands| {
        commands.spawn(Camera2d);
    })
    .add_systems(Update, talk)
    .add_systems(EguiPrimaryContextPass, draw);
    if let Some((path, at)) = shot {
        app.insert_resource(SeatShot {
            path,
            at,
            frames: 0,
            requested: false,
        })
        .init_resource::<ShotTaken>()
        .add_systems(Update, take_screenshot.after(talk));
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// Takes in what the host sent, sends the team's orders, and rejoins after a drop.
fn talk(mut connection: ResMut<Connection>, mut orders: ResMut<Orders>) {
    let c = &mut *connection;
    if let Some(link) = &mut c.link
        && let Err(e) = link.receive(&mut c.screen)
    {
        c.status = format!("{e}; rejoining");
        c.link = None;
    }
    if c.link.is_none() && c.screen.finished.is_none() && c.last_try.elapsed() > RETRY {
        c.last_try = Instant::now();
        match SeatLink::join(&c.ticket, &mut c.screen) {
            Ok(link) => {
                c.link = Some(link);
                c.status = "connected".into();
            }
            Err(e @ JoinError::Refused(_)) => c.status = e.to_string(),
            Err(e) => c.status = format!("{e}; trying again"),
        }
    }
    for command in orders.0.drain(..) {
        match &mut c.link {
            Some(link) => {
                if let Err(e) = link.order(command) {
                    c.status = format!("order not sent: {e}");
                }
            }
            None => c.status = "not connected: the order was not sent".into(),
        }
    }
    if let Some(t) = c.screen.finished {
        c.status = format!("the exercise ended (tick {t})");
    }
}

fn draw(
    mut contexts: EguiContexts,
    connection: Res<Connection>,
    mut orders: ResMut<Orders>,
    mut chosen: Local<usize>,
    mut scale: ResMut<super::clock_bar::UiScale>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    scale.apply(ctx);
    let mut root = root_ui(ctx, "seat");
    let s = &connection.screen;
    egui::Panel::top("clock").show(&mut root, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(&s.geography.exercise).strong().size(16.0));
            ui.separator();
            ui.label(
                RichText::new(&s.clock.clock)
                    .monospace()
                    .size(22.0)
                    .color(Color32::from_rgb(120, 200, 255)),
            );
            ui.label(
                RichText::new(format!("{} {}", s.clock.calendar, s.geography.time_zone))
                    .monospace(),
            );
            super::clock_bar::island_labels(ui, &s.clock.islands);
            ui.separator();
            ui.label(if s.clock.paused {
                "paused by the facilitator".to_string()
            } else {
                format!("running at {}", s.clock.pace)
            });
            ui.separator();
            ui.label(RichText::new(&s.seat).weak());
            ui.label(&connection.status);
            if let Some((id, answer)) = s.answers.last() {
                ui.separator();
                match answer {
                    Ok(_) => ui.label(format!("order {id} taken")),
                    Err(reason) => ui.colored_label(
                        Color32::from_rgb(240, 100, 90),
                        format!("order {id} refused: {reason}"),
                    ),
                };
            }
        });
        if s.view.collects {
            // A technical exercise: the records to analyse, saved here or opened in a browser.
            ui.horizontal(|ui| save_records(ui, &connection));
        }
        ui.add_space(4.0);
    });
    let parts = (&s.geography, &s.clock, &s.view, &s.feed);
    show(&mut root, parts, &mut orders, &mut chosen);
    Ok(())
}

/// The team's records up to now: a button that saves them in the folder the seat was started
/// from (downloaded on a thread of its own, so the window never waits), and the address a
/// browser opens.
fn save_records(ui: &mut egui::Ui, connection: &Connection) {
    let saved = connection.saved.clone();
    let busy = saved.lock().is_ok_and(|s| s.starts_with("saving"));
    if ui
        .add_enabled(!busy, egui::Button::new("Save records"))
        .on_hover_text("the team's records up to now, as NDJSON, in the folder the seat started in")
        .clicked()
    {
        let ticket = connection.ticket.clone();
        if let Ok(mut s) = saved.lock() {
            *s = "saving...".into();
        }
        std::thread::spawn(move || {
            let said = match ticket.save_evidence(std::path::Path::new(".")) {
                Ok((path, bytes)) => {
                    format!("saved {} ({:.1} MB)", path.display(), bytes as f64 / 1e6)
                }
                Err(e) => format!("not saved: {e}"),
            };
            if let Ok(mut s) = saved.lock() {
                *s = said;
            }
        });
    }
    if let Ok(s) = connection.saved.lock() {
        ui.label(&*s);
    }
    ui.separator();
    ui.label("or open in a browser:");
    ui.label(RichText::new(connection.ticket.evidence_url()).monospace());
}

fn take_screenshot(
    mut commands: Commands,
    connection: Res<Connection>,
    taken: Res<ShotTaken>,
    mut shot: ResMut<SeatShot>,
    mut exit: MessageWriter<AppExit>,
) {
    let s = &connection.screen;
    if taken.0 {
        exit.write(AppExit::Success);
        return;
    }
    if shot.requested || (s.clock.now < shot.at && s.finished.is_none()) {
        return;
    }
    // Let egui lay out the screen for a few frames first.
    shot.frames += 1;
    if shot.frames < 5 {
        return;
    }
    shot.requested = true;
    println!("screenshot at {} (tick {})", s.clock.clock, s.clock.now);
    commands
        .spawn(bevy::render::view::screenshot::Screenshot::primary_window())
        .observe(bevy::render::view::screenshot::save_to_disk(
            shot.path.clone(),
        ))
        .observe(
            |_: On<bevy::render::view::screenshot::ScreenshotCaptured>,
             mut taken: ResMut<ShotTaken>| taken.0 = true,
        );
}
