//! The clock bar every console window opens with: the scenario's clock, pause and speed, how
//! far the exercise has run, "End exercise" in the facilitator's window, the MSEL's status
//! line, the text size and the digest.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, RichText, Ui};

use super::{EndExercise, Orders};
use crate::exercise::pacing::Pacing;
use crate::scenario::{Command, Pace, Plan};
use crate::sim::{Clock, StateDigest};

/// What every console screen's clock bar reads and changes.
#[derive(SystemParam)]
pub struct ClockControls<'w> {
    pub clock: Res<'w, Clock>,
    pub digest: Res<'w, StateDigest>,
    pub pacing: ResMut<'w, Pacing>,
    /// The window's orders this frame (the clock bar adds pauses and speed changes).
    pub orders: ResMut<'w, Orders>,
    /// The facilitator's window only: end the exercise and write its report.
    pub end: Option<ResMut<'w, EndExercise>>,
    pub scale: ResMut<'w, UiScale>,
}

/// The size of everything in the window (`--scale`, the clock bar's A- and A+, or Ctrl +/-):
/// a projector at the back of a room wants 1.5 or more.
#[derive(Resource, Debug)]
pub struct UiScale {
    pub wanted: f32,
    applied: Option<f32>,
}

impl UiScale {
    pub const RANGE: std::ops::RangeInclusive<f32> = 0.5..=3.0;

    pub fn new(wanted: f32) -> Self {
        UiScale {
            wanted: wanted.clamp(*Self::RANGE.start(), *Self::RANGE.end()),
            applied: None,
        }
    }

    /// Brings the window to the wanted size, and follows a change made with Ctrl +/-.
    pub(super) fn apply(&mut self, ctx: &egui::Context) {
        let zoom = ctx.zoom_factor();
        if self.applied == Some(self.wanted) && (zoom - self.wanted).abs() > 1e-3 {
            self.wanted = zoom;
        }
        if self.applied != Some(self.wanted) || (zoom - self.wanted).abs() > 1e-3 {
            ctx.set_zoom_factor(self.wanted);
        }
        self.applied = Some(self.wanted);
    }
}

impl Default for UiScale {
    fn default() -> Self {
        UiScale::new(1.0)
    }
}

/// The clock, the pause and speed controls, and the digest. Space (or the button) toggles the
/// pause; both are on the record.
/// `status`: a line about the MSEL (the move, the next inject) for the facilitator.
pub(super) fn clock_bar(
    root: &mut Ui,
    plan: &Plan,
    controls: &mut ClockControls,
    status: Option<String>,
) {
    let ctx = root.ctx().clone();
    controls.scale.apply(&ctx);
    let mut toggle =
        ctx.input(|i| i.key_pressed(egui::Key::Space)) && !ctx.egui_wants_keyboard_input();
    egui::Panel::top("clock").show(root, |ui| {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| toggle |= clock_line(ui, plan, controls));
        // The second line: where the MSEL stands on the left, the text size and the digest on
        // the right (so the first line fits a 1280-wide projector).
        ui.horizontal(|ui| status_line(ui, status, &controls.digest, &mut controls.scale));
        ui.add_space(4.0);
    });
    if toggle {
        let ClockControls { pacing, orders, .. } = controls;
        pacing.paused = !pacing.paused;
        // On the record: when the room stopped and started.
        orders.0.push(if pacing.paused {
            Command::Pause
        } else {
            Command::Resume
        });
    }
}

/// The first line: the scenario and its clock, pause, a minute's step and the speeds, how far
/// the exercise has run, and "End exercise" where the window has it. True when the pause
/// button was pressed.
fn clock_line(ui: &mut Ui, plan: &Plan, controls: &mut ClockControls) -> bool {
    let ClockControls {
        clock,
        pacing,
        orders,
        end,
        ..
    } = controls;
    let t = plan.scenario.start.at(clock.now);
    ui.label(RichText::new(&plan.scenario.name).strong().size(16.0));
    ui.separator();
    ui.label(
        RichText::new(t.clock())
            .monospace()
            .size(22.0)
            .color(Color32::from_rgb(120, 200, 255)),
    );
    ui.label(RichText::new(format!("{} {}", t.calendar(), plan.scenario.time_zone)).monospace());
    island_times(ui, &plan.island_clocks(clock.now));
    ui.separator();
    let label = if pacing.paused {
        "Resume (space)"
    } else {
        "Pause (space)"
    };
    let toggle = ui.button(label).clicked();
    if pacing.paused && ui.button("Step 1 min").clicked() {
        pacing.steps += 1;
    }
    for s in Pace::ALL {
        if ui.selectable_label(pacing.speed == s, s.label()).clicked() && pacing.speed != s {
            pacing.speed = s;
            orders.0.push(Command::Speed(s));
        }
    }
    if let Some(t) = pacing.run_to {
        ui.label(
            RichText::new(format!("running to {}", plan.scenario.start.at(t).clock()))
                .color(Color32::from_rgb(235, 190, 80)),
        );
    }
    ui.separator();
    let end_tick = crate::time::Span(pacing.end_tick);
    ui.label(format!("{} of {end_tick}", crate::time::Span(clock.now)));
    if clock.now >= pacing.end_tick {
        ui.colored_label(Color32::from_rgb(235, 190, 80), "exercise time is up");
    }
    if let Some(ending) = end.as_mut() {
        end_exercise(ui, ending);
    }
    toggle
}

/// The facilitator's "End exercise" button, and what ending it did.
fn end_exercise(ui: &mut Ui, ending: &mut EndExercise) {
    ui.separator();
    if ui
        .button("End exercise")
        .on_hover_text(
            "Stop the clock, close the journal and write the after-action report \
             beside it",
        )
        .clicked()
    {
        ending.requested = true;
    }
    if let Some(text) = &ending.outcome {
        ui.label(RichText::new(text).color(Color32::from_rgb(150, 220, 150)));
    }
}

/// The second line: the MSEL's status on the left; the digest and the text size on the right.
fn status_line(ui: &mut Ui, status: Option<String>, digest: &StateDigest, scale: &mut UiScale) {
    if let Some(status) = status {
        ui.label(
            RichText::new(status)
                .size(14.0)
                .color(Color32::from_rgb(170, 200, 230)),
        );
    }
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(
            RichText::new(format!("digest {}", digest.hex()))
                .monospace()
                .weak(),
        );
        ui.separator();
        if ui
            .small_button("A+")
            .on_hover_text("Larger (Ctrl +)")
            .clicked()
        {
            scale.wanted = (scale.wanted + 0.1).min(*UiScale::RANGE.end());
        }
        ui.label(format!("text {:.0}%", scale.wanted * 100.0));
        if ui
            .small_button("A-")
            .on_hover_text("Smaller (Ctrl -)")
            .clicked()
        {
            scale.wanted = (scale.wanted - 0.1).max(*UiScale::RANGE.start());
        }
    });
}

/// The islands' own clocks beside the scenario's, in a region across time zones: the first on
/// the bar, all of them on hover.
pub fn island_times(ui: &mut Ui, clocks: &[crate::scenario::IslandClock]) {
    let labels: Vec<String> = clocks.iter().map(|c| c.label()).collect();
    island_labels(ui, &labels);
}

/// The same from labels already written (a seat receives them from the host).
pub fn island_labels(ui: &mut Ui, labels: &[String]) {
    let Some(first) = labels.first() else {
        return;
    };
    let more = match labels.len() {
        1 => String::new(),
        n => format!(" +{}", n - 1),
    };
    ui.label(RichText::new(format!("{first}{more}")).monospace().weak())
        .on_hover_text(labels.join("\n"));
}
