//! The facilitator's window: the clock bar on top (`clock_bar.rs`), the desk on the left
//! (`desk.rs`), the event feed on the right, the island table at the bottom and the screens in
//! the middle. Everything shown is read from the operating picture the `Feed` keeps.

use std::collections::{BTreeMap, VecDeque};

use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, Color32, LayerId, RichText, ScrollArea, Ui, UiBuilder};

use super::clock_bar::{ClockControls, clock_bar};
use super::desk::exercise_panel;
use super::map::{self, IslandView};
use crate::report::narrate::{self, Tone};
use crate::report::view::{FeedLine, Geography, push_lines};
use crate::report::{OperatingPicture, RunSummary, summary_of};
use crate::scenario::Plan;
use crate::scenario::ids::IslandIx;
use crate::sim::{Clock, Draws, EventLog, Region, StateDigest};

/// What the screen shows, folded from the event log as it grows: each frame folds only the
/// events added since the last one.
#[derive(Resource, Default)]
pub struct Feed {
    pub lines: VecDeque<FeedLine>,
    pub islands: Vec<IslandView>,
    pub picture: Option<OperatingPicture>,
    pub summary: Option<RunSummary>,
}

pub fn collect_feed(
    region: Res<Region>,
    log: Res<EventLog>,
    clock: Res<Clock>,
    draws: Res<Draws>,
    digest: Res<StateDigest>,
    mut feed: ResMut<Feed>,
) {
    let Feed {
        lines,
        islands,
        picture,
        summary,
    } = &mut *feed;
    let picture = picture.get_or_insert_with(|| OperatingPicture::new(&region));
    let new = picture.update(&region, log.all());
    if new.is_empty() && summary.is_some() {
        return;
    }
    push_lines(
        lines,
        new.iter()
            .filter(|e| narrate::newsworthy(&region, &e.event))
            .map(|e| FeedLine::of(&region, e)),
    );
    *islands = picture
        .islands
        .iter()
        .enumerate()
        .map(|(i, p)| IslandView {
            ever_compromised: p.compromised.len(),
            held: p.held.len(),
            encrypted: p.encrypted > 0,
            detected: p.first_detection.is_some(),
            incidents: p.incidents as usize,
            services_down: picture.services_down_on(&region, IslandIx::from(i)),
            dark: p.dark,
            intel_items: p.intel_applied as usize,
        })
        .collect();
    *summary = Some(summary_of(
        picture,
        &region,
        draws.seed,
        clock.now,
        digest.hex(),
        log.len(),
    ));
}

/// The whole window as one `Ui`, for the panels to divide.
pub(super) fn root_ui(ctx: &egui::Context, id: &'static str) -> Ui {
    Ui::new(
        ctx.clone(),
        id.into(),
        UiBuilder::new()
            .layer_id(LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

/// A feed: a heading and the lines, newest at the bottom.
pub(super) fn feed_panel(ui: &mut Ui, heading: &str, lines: &VecDeque<FeedLine>) {
    ui.heading(heading);
    ui.separator();
    ScrollArea::vertical()
        .stick_to_bottom(true)
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            for line in lines {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(&line.time).monospace().weak());
                    ui.label(RichText::new(&line.text).color(tone_colour(line.tone)));
                });
            }
        });
}

fn tone_colour(tone: Tone) -> Color32 {
    match tone {
        Tone::Routine => Color32::from_gray(170),
        Tone::Defence => Color32::from_rgb(110, 200, 140),
        Tone::Warning => Color32::from_rgb(235, 190, 80),
        Tone::Harm => Color32::from_rgb(240, 100, 90),
    }
}

/// The screens of the facilitator's window, one at a time in the middle. Presenting (a
/// projector), the side panels are folded and are screens too: the feed, the island table and
/// the exercise desk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Map,
    Timeline,
    Validation,
    Charts,
    Compose,
    Feed,
    Islands,
    Desk,
}

impl Screen {
    /// The middle's screens beside the side panels.
    pub const ALL: [Screen; 5] = [
        Screen::Map,
        Screen::Timeline,
        Screen::Validation,
        Screen::Charts,
        Screen::Compose,
    ];
    /// Every screen, one at a time, when presenting.
    pub const PRESENTED: [Screen; 8] = [
        Screen::Map,
        Screen::Timeline,
        Screen::Validation,
        Screen::Charts,
        Screen::Compose,
        Screen::Feed,
        Screen::Islands,
        Screen::Desk,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Screen::Map => "Map",
            Screen::Timeline => "MSEL timeline",
            Screen::Validation => "Validation",
            Screen::Charts => "Charts",
            Screen::Compose => "Compose",
            Screen::Feed => "Event feed",
            Screen::Islands => "Islands",
            Screen::Desk => "Exercise",
        }
    }

    /// A side panel's, shown as a screen only when presenting.
    fn folded(self) -> bool {
        !Screen::ALL.contains(&self)
    }

    /// By its name on the command line (`--screen timeline`).
    pub fn named(name: &str) -> Option<Screen> {
        Screen::PRESENTED
            .into_iter()
            .find(|s| format!("{s:?}").eq_ignore_ascii_case(name))
    }
}

/// What the facilitator's window remembers between frames: the screen shown, the note being
/// typed, each trainee team's chosen organisation, the map's places, the timeline's selection,
/// the forms being filled in.
#[derive(Resource, Default)]
pub struct DeskState {
    pub screen: Screen,
    /// For a projector: one screen at a time takes the whole window, the side panels folded.
    pub present: bool,
    note: String,
    rating_note: String,
    targets: BTreeMap<u32, usize>,
    geography: Option<Geography>,
    timeline: super::timeline::TimelineDesk,
    compose: super::compose::ComposeDesk,
}

impl DeskState {
    pub fn on(screen: Screen, present: bool) -> Self {
        DeskState {
            // A side panel's screen opens presented, whatever was asked.
            present: present || screen.folded(),
            screen,
            ..Default::default()
        }
    }
}

pub fn draw(
    mut contexts: EguiContexts,
    region: Res<Region>,
    feed: Res<Feed>,
    links: Query<(&crate::sim::StableId, &crate::sim::network::Link)>,
    mut controls: ClockControls,
    mut desk: ResMut<DeskState>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx, "console");
    let plan = &region.0;
    let now = controls.clock.now;
    let empty = OperatingPicture::new(plan);
    let picture = feed.picture.as_ref().unwrap_or(&empty);
    let status = super::schedule::countdown(plan, picture, now);
    clock_bar(&mut root, plan, &mut controls, status);
    let orders = &mut *controls.orders;
    let DeskState {
        screen,
        present,
        note,
        rating_note,
        targets,
        geography,
        timeline,
        compose,
    } = &mut *desk;
    if *present {
        // F5 leaves the projector's view, as in a slide deck.
        if ui_key(&root, egui::Key::F5) {
            *present = false;
        }
    } else {
        if ui_key(&root, egui::Key::F5) {
            *present = true;
        }
        // Side panels scale with the window, so a 1280-wide projector keeps a usable middle.
        let width = root.available_width();
        // The island table first: it spans the whole width, so no column is ever cut off.
        // As tall as its rows need (one island: three lines), at most a quarter of the window.
        let rows = (plan.scenario.islands.len() + 1) as f32 * 21.0 + 24.0;
        egui::Panel::bottom("islands")
            .default_size(rows.min((root.available_height() * 0.26).clamp(140.0, 280.0)))
            .resizable(true)
            .show(&mut root, |ui| {
                island_table(ui, plan, feed.summary.as_ref());
            });
        egui::Panel::left("exercise")
            .default_size((width * 0.18).clamp(220.0, 360.0))
            .resizable(true)
            .show(&mut root, |ui| {
                exercise_panel(ui, plan, picture, orders, note, targets, now)
            });
        egui::Panel::right("feed")
            .default_size((width * 0.26).clamp(260.0, 480.0))
            .resizable(true)
            .show(&mut root, |ui| {
                feed_panel(ui, "Event feed", &feed.lines);
            });
        if screen.folded() {
            *screen = Screen::Map;
        }
    }
    let geo = geography.get_or_insert_with(|| Geography::of(plan));
    for (id, link) in &links {
        if let Some(route) = geo.links.get_mut(id.0 as usize) {
            route.up = link.up;
        }
    }
    let mut run_to = None;
    egui::CentralPanel::default().show(&mut root, |ui| {
        // Wrapped, so a narrow window (a projector at 150%) never cuts a tab off.
        ui.horizontal_wrapped(|ui| {
            let shown: &[Screen] = if *present {
                &Screen::PRESENTED
            } else {
                &Screen::ALL
            };
            for &s in shown {
                let mut label = RichText::new(s.label()).size(15.0);
                if *screen == s {
                    label = label.strong();
                }
                if ui.selectable_label(*screen == s, label).clicked() {
                    *screen = s;
                }
            }
            ui.separator();
            ui.toggle_value(present, "Present").on_hover_text(
                "for a projector: one screen at a time, the side panels folded (F5)",
            );
        });
        ui.separator();
        match screen {
            Screen::Map => map::draw(ui, geo, &feed.islands),
            Screen::Timeline => {
                run_to = super::timeline::draw(ui, plan, picture, orders, timeline, now)
            }
            Screen::Validation => {
                super::validation::draw(ui, plan, picture, orders, rating_note, now)
            }
            Screen::Charts => super::charts::draw(ui, plan, picture, now),
            Screen::Compose => super::compose::draw(ui, plan, orders, compose),
            Screen::Feed => feed_panel(ui, "Event feed", &feed.lines),
            Screen::Islands => island_table(ui, plan, feed.summary.as_ref()),
            Screen::Desk => exercise_panel(ui, plan, picture, orders, note, targets, now),
        }
    });
    if let Some(t) = run_to {
        controls.pacing.run_to(now, t);
    }
    Ok(())
}

/// Whether `key` was pressed this frame.
fn ui_key(ui: &Ui, key: egui::Key) -> bool {
    ui.ctx().input(|i| i.key_pressed(key))
}

fn island_table(ui: &mut Ui, plan: &Plan, summary: Option<&RunSummary>) {
    let Some(summary) = summary else { return };
    // Both ways: on a small projector the loss columns scroll into view instead of being cut.
    ScrollArea::both().auto_shrink([false; 2]).show(ui, |ui| {
        egui::Grid::new("island-table")
            .striped(true)
            .num_columns(8)
            .show(ui, |ui| {
                for h in [
                    "Island",
                    "CSIRT / NPC",
                    "Hosts compromised",
                    "Encrypted",
                    "First detected",
                    "Incidents",
                    "Service downtime",
                    "Loss (USD)",
                ] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for (i, s) in summary.islands.iter().enumerate() {
                    let isl = &plan.scenario.islands[i];
                    ui.label(format!("{} ({})", s.name, s.id));
                    ui.label(format!(
                        "{} / {}",
                        if isl.csirt { "yes" } else { "no" },
                        if isl.npc { "yes" } else { "no" }
                    ));
                    ui.label(s.hosts_compromised.to_string());
                    ui.label(s.hosts_encrypted.to_string());
                    ui.label(
                        s.first_detection_minute
                            .map_or("not yet".into(), |t| plan.scenario.start.at(t).clock()),
                    );
                    ui.label(s.incidents.to_string());
                    ui.label(crate::time::Span(s.service_down_minutes).to_string());
                    ui.label(format!("{:.0}", s.loss_usd));
                    ui.end_row();
                }
            });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Presenting, the side panels are screens of their own; a side panel's screen asked for on
    /// the command line opens presented, and every screen is named as the command line says it.
    #[test]
    fn a_side_panels_screen_is_shown_presented() {
        assert!(!DeskState::on(Screen::Map, false).present);
        assert!(DeskState::on(Screen::Map, true).present);
        for s in [Screen::Feed, Screen::Islands, Screen::Desk] {
            assert!(DeskState::on(s, false).present, "{s:?}");
            assert!(!Screen::ALL.contains(&s));
        }
        for s in Screen::PRESENTED {
            assert_eq!(Screen::named(&format!("{s:?}").to_lowercase()), Some(s));
        }
        assert_eq!(Screen::named("slides"), None);
    }
}
