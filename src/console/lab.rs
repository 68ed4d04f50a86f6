//! The facilitator's side of the mobile lab in the console (`console --host`): seats are served
//! between frames, their orders go on the record at once with the seat's name (applied at the
//! next tick), and a window shows the address, each team's join code, who is connected and what
//! each seat did.

use std::sync::Mutex;

use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, Color32, RichText};

use crate::exercise::pacing::Pacing;
use crate::exercise::session;
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

/// Lets seats in, sends them their views, and puts their orders and the host's refusals on
/// the record at once (a seat is told its order was taken); a journal that cannot be written
/// stops the clock rather than lose the record.
fn serve_seats(world: &mut World) {
    let given = {
        let (region, log, clock, pacing) = (
            world.resource::<Region>(),
            world.resource::<EventLog>(),
            world.resource::<Clock>(),
            world.resource::<Pacing>(),
        );
        let view = ClockView::of(region, clock.now, pacing.paused, &pacing.speed.label());
        let Ok(mut host) = world.resource::<Lab>().0.lock() else {
            return;
        };
        host.serve(region, log.all(), view)
    };
    if let Err(e) = session::record_seat_orders(world, given.orders, given.refused) {
        eprintln!("{e}");
        world.resource_mut::<Pacing>().paused = true;
    }
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
            ui.label(format!("or in a browser at {}", host.page_url()));
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
