//! The facilitator's side of the mobile lab in the console (`console --host`): seats are served
//! between frames, their orders join the journal at the next tick with the seat's name, and a
//! window shows the address, each team's join code, who is connected and what each seat did.

use std::sync::Mutex;

use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, Color32, RichText};

use crate::exercise::pacing::Pacing;
use crate::exercise::session::Recorder;
use crate::lab::LabHost;
use crate::report::view::ClockView;
use crate::sim::{Clock, EventLog, Region};

/// The lab host, behind a lock so the world can hold it (its channels are not `Sync`).
#[derive(Resource)]
pub struct Lab(pub Mutex<LabHost>);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, serve_seats.before(super::run_ticks_for_frame));
    app.add_systems(
        bevy_egui::EguiPrimaryContextPass,
        lab_window.after(super::panels::draw),
    );
}

/// Lets seats in, sends them their views, and hands their orders and the host's refusals to
/// the recorder.
fn serve_seats(
    lab: Res<Lab>,
    region: Res<Region>,
    log: Res<EventLog>,
    clock: Res<Clock>,
    pacing: Res<Pacing>,
    mut recorder: ResMut<Recorder>,
) {
    let Ok(mut host) = lab.0.lock() else { return };
    let view = ClockView::of(&region, clock.now, pacing.paused, &pacing.speed.label());
    let given = host.serve(&region, log.all(), view);
    let now = clock.now;
    recorder.add_from(
        given
            .orders
            .into_iter()
            .map(|(c, seat)| (now, c, Some(seat))),
    );
    recorder.add_refused(given.refused);
}

fn lab_window(mut contexts: EguiContexts, lab: Res<Lab>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Ok(host) = lab.0.lock() else {
        return Ok(());
    };
    egui::Window::new("Lab seats")
        .default_pos([360.0, 70.0])
        .default_open(true)
        .resizable(true)
        .show(ctx, |ui| {
            ui.label(format!(
                "Seats join with: tidewatch seat {} --team TEAM --code CODE",
                host.address()
            ));
            egui::Grid::new("codes").striped(true).show(ui, |ui| {
                for (team, code) in host.codes() {
                    ui.label(team);
                    ui.label(RichText::new(code).monospace().strong());
                    let here: Vec<_> = host
                        .seats
                        .iter()
                        .filter(|s| s.connected && s.label.starts_with(&format!("{team}/")))
                        .collect();
                    ui.label(format!(
                        "{} of {} seats connected",
                        here.len(),
                        host.seats_per_team()
                    ));
                    ui.end_row();
                }
            });
            ui.separator();
            for s in &host.seats {
                let colour = if s.connected {
                    Color32::from_rgb(110, 200, 140)
                } else {
                    Color32::from_gray(150)
                };
                ui.colored_label(
                    colour,
                    format!(
                        "{}: {}, {} orders, {} refused",
                        s.label,
                        if s.connected { "connected" } else { "gone" },
                        s.orders,
                        s.refused
                    ),
                );
            }
            ui.separator();
            for line in host.log.iter().rev().take(8) {
                ui.label(RichText::new(line).weak());
            }
        });
    Ok(())
}
