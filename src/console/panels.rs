//! The console's panels: clock and controls on top, the event feed on the right, the island
//! table at the bottom and the map in the middle. Everything shown is read from the event log.

use crate::scenario::ids::{IslandIx, TeamIx};
use std::collections::{BTreeMap, VecDeque};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, Color32, LayerId, RichText, ScrollArea, Ui, UiBuilder};

use super::Orders;
use super::map::{self, IslandView};
use crate::exercise::pacing::Pacing;
use crate::report::narrate::{self, Tone};
use crate::report::view::{FeedLine, Geography, Named, push_lines};
use crate::report::{OperatingPicture, RunSummary, summary_of};
use crate::scenario::Command;
use crate::scenario::Pace;
use crate::scenario::Plan;
use crate::sim::{Clock, Draws, EventLog, Region, StateDigest};

/// A trainee team's response orders against one organisation, as the buttons offer them.
type OrderAt = fn(String, String) -> Command;
const RESPONSE_ORDERS: [(&str, OrderAt); 6] = [
    ("Investigate", |team, org| Command::Investigate {
        team,
        org,
    }),
    ("Isolate hosts", |team, org| Command::IsolateHosts {
        team,
        org,
    }),
    ("Eradicate", |team, org| Command::Eradicate { team, org }),
    ("Patch", |team, org| Command::Patch { team, org }),
    ("Cut off network", |team, org| {
        Command::IsolateOrganisation { team, org }
    }),
    ("Revoke provider access", |team, org| {
        Command::RevokeAccess { team, org }
    }),
];

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

/// What every console screen's clock bar reads and changes.
#[derive(SystemParam)]
pub struct ClockControls<'w> {
    pub clock: Res<'w, Clock>,
    pub digest: Res<'w, StateDigest>,
    pub pacing: ResMut<'w, Pacing>,
    /// The window's orders this frame (the clock bar adds pauses and speed changes).
    pub orders: ResMut<'w, Orders>,
    /// The facilitator's window only: end the exercise and write its report.
    pub end: Option<ResMut<'w, super::EndExercise>>,
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
    fn apply(&mut self, ctx: &egui::Context) {
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
    let ClockControls {
        clock,
        digest,
        pacing,
        orders,
        end: ending,
        scale,
    } = controls;
    let ctx = root.ctx().clone();
    scale.apply(&ctx);
    let mut toggle =
        ctx.input(|i| i.key_pressed(egui::Key::Space)) && !ctx.egui_wants_keyboard_input();
    egui::Panel::top("clock").show(root, |ui| {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            let t = plan.scenario.start.at(clock.now);
            ui.label(RichText::new(&plan.scenario.name).strong().size(16.0));
            ui.separator();
            ui.label(
                RichText::new(t.clock())
                    .monospace()
                    .size(22.0)
                    .color(Color32::from_rgb(120, 200, 255)),
            );
            ui.label(
                RichText::new(format!("{} {}", t.calendar(), plan.scenario.time_zone)).monospace(),
            );
            ui.separator();
            let label = if pacing.paused {
                "Resume (space)"
            } else {
                "Pause (space)"
            };
            toggle |= ui.button(label).clicked();
            if pacing.paused && ui.button("Step 1 min").clicked() {
                pacing.steps += 1;
            }
            for s in Pace::ALL {
                if ui.selectable_label(pacing.speed == s, s.label()).clicked() && pacing.speed != s
                {
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
            let end = crate::time::Span(pacing.end_tick);
            ui.label(format!("{} of {end}", crate::time::Span(clock.now)));
            if clock.now >= pacing.end_tick {
                ui.colored_label(Color32::from_rgb(235, 190, 80), "exercise time is up");
            }
            if let Some(ending) = ending.as_mut() {
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
        });
        // The second line: where the MSEL stands on the left, the text size and the digest on
        // the right (so the first line fits a 1280-wide projector).
        ui.horizontal(|ui| {
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
        });
        ui.add_space(4.0);
    });
    if toggle {
        pacing.paused = !pacing.paused;
        // On the record: when the room stopped and started.
        orders.0.push(if pacing.paused {
            Command::Pause
        } else {
            Command::Resume
        });
    }
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

/// The screens of the facilitator's window, one at a time in the middle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Map,
    Timeline,
    Validation,
    Charts,
    Compose,
}

impl Screen {
    pub const ALL: [Screen; 5] = [
        Screen::Map,
        Screen::Timeline,
        Screen::Validation,
        Screen::Charts,
        Screen::Compose,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Screen::Map => "Map",
            Screen::Timeline => "MSEL timeline",
            Screen::Validation => "Validation",
            Screen::Charts => "Charts",
            Screen::Compose => "Compose",
        }
    }

    /// By its name on the command line (`--screen timeline`).
    pub fn named(name: &str) -> Option<Screen> {
        Screen::ALL
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
    note: String,
    rating_note: String,
    targets: BTreeMap<u32, usize>,
    geography: Option<Geography>,
    timeline: super::timeline::TimelineDesk,
    compose: super::compose::ComposeDesk,
}

impl DeskState {
    pub fn on(screen: Screen) -> Self {
        DeskState {
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
    let status = super::timeline::countdown(plan, picture, now);
    clock_bar(&mut root, plan, &mut controls, status);
    let orders = &mut *controls.orders;
    let DeskState {
        screen,
        note,
        rating_note,
        targets,
        geography,
        timeline,
        compose,
    } = &mut *desk;
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
    let geo = geography.get_or_insert_with(|| Geography::of(plan));
    for (id, link) in &links {
        if let Some(route) = geo.links.get_mut(id.0 as usize) {
            route.up = link.up;
        }
    }
    let mut run_to = None;
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.horizontal(|ui| {
            for s in Screen::ALL {
                let mut label = RichText::new(s.label()).size(15.0);
                if *screen == s {
                    label = label.strong();
                }
                if ui.selectable_label(*screen == s, label).clicked() {
                    *screen = s;
                }
            }
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
        }
    });
    if let Some(t) = run_to {
        controls.pacing.run_to(now, t);
    }
    Ok(())
}

/// The facilitator's MSEL desk: notes, injects (fire one now), decisions waiting for trainee
/// teams, and expectations to rate.
/// Response orders for teams the trainees play: pick an organisation, then act on it.
fn trainee_actions(
    ui: &mut Ui,
    plan: &crate::scenario::Plan,
    orders: &mut Orders,
    targets: &mut BTreeMap<u32, usize>,
) {
    let s = &plan.scenario;
    let trainees: Vec<usize> = (0..s.teams.len())
        .filter(|t| !plan.teams[*t].auto)
        .collect();
    if trainees.is_empty() {
        return;
    }
    ui.separator();
    egui::CollapsingHeader::new("Trainee team actions")
        .default_open(true)
        .show(ui, |ui| {
            for t in trainees {
                let team = &s.teams[t];
                let named = Named {
                    id: team.id.clone(),
                    name: team.name.clone(),
                };
                let list = crate::report::view::targets(plan, TeamIx::from(t));
                let chosen = targets.entry(t as u32).or_default();
                team_actions(ui, &named, &list, orders, chosen);
            }
        });
}

/// One team's response orders: pick one of the organisations it may act on, then act on it;
/// share; ask for help. Plan-free, so a seat draws it from its view.
pub(super) fn team_actions(
    ui: &mut Ui,
    team: &Named,
    targets: &[Named],
    orders: &mut Orders,
    chosen: &mut usize,
) {
    let Some(target) = targets.get(*chosen).or(targets.first()) else {
        return;
    };
    ui.label(RichText::new(&team.name).strong());
    egui::ComboBox::from_id_salt(("target", &team.id))
        .selected_text(&target.name)
        .show_ui(ui, |ui| {
            for (i, o) in targets.iter().enumerate() {
                ui.selectable_value(chosen, i, &o.name);
            }
        });
    let org = target.id.clone();
    let id = team.id.clone();
    ui.horizontal_wrapped(|ui| {
        for (label, order) in RESPONSE_ORDERS {
            if ui.small_button(label).clicked() {
                orders.0.push(order(id.clone(), org.clone()));
            }
        }
        if ui.small_button("Share (GREEN)").clicked() {
            orders.0.push(Command::ShareIntel {
                team: id.clone(),
                tlp: crate::scenario::Tlp::Green,
            });
        }
        if ui.small_button("Ask for help").clicked() {
            orders
                .0
                .push(Command::RequestAssistance { team: id.clone() });
        }
    });
}

/// The facilitator's desk beside the screens: notes for the record, the decisions trainee
/// teams owe (the room is waiting on them), and the orders of the teams trainees play.
fn exercise_panel(
    ui: &mut Ui,
    plan: &crate::scenario::Plan,
    picture: &OperatingPicture,
    orders: &mut Orders,
    note: &mut String,
    targets: &mut BTreeMap<u32, usize>,
    now: u64,
) {
    ui.heading("Exercise");
    ui.horizontal(|ui| {
        ui.text_edit_singleline(note);
        if ui.button("Add note").clicked() && !note.trim().is_empty() {
            orders.0.push(Command::Note(std::mem::take(note)));
        }
    });
    ui.separator();
    ScrollArea::vertical()
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            pending_decisions(ui, plan, picture, orders, now);
            trainee_actions(ui, plan, orders, targets);
        });
}

/// Decisions waiting for trainee teams, oldest first, with how long they have waited and
/// whether they are overdue; one click answers for the team.
fn pending_decisions(
    ui: &mut Ui,
    plan: &crate::scenario::Plan,
    picture: &OperatingPicture,
    orders: &mut Orders,
    now: u64,
) {
    let s = &plan.scenario;
    for w in picture.waiting_decisions(plan) {
        let inj = &s.msel[w.inject.ix()];
        let (Some(d), Some(decided_by)) = (&inj.decision, plan.injects[w.inject].decision) else {
            continue;
        };
        let team = decided_by.decider;
        let team_id = &s.teams[team.ix()].id;
        ui.label(
            RichText::new(format!("Decision {} for {team_id}: {}", inj.id, d.prompt))
                .strong()
                .color(Color32::from_rgb(235, 190, 80)),
        );
        let (text, colour) = super::validation::waiting_text(&w, now);
        ui.label(RichText::new(text).color(colour));
        for o in &d.options {
            if ui.button(&o.label).clicked() {
                orders.0.push(Command::Decide {
                    team: team_id.clone(),
                    inject: inj.id.clone(),
                    option: o.id.clone(),
                });
            }
        }
        ui.separator();
    }
    // Live injects that asked for a choice: answered for the first team they were put to.
    for sent in picture.sent.iter().filter(|x| x.waiting()) {
        let Some(team) = sent.to.first() else {
            continue;
        };
        let team_id = &s.teams[team.ix()].id;
        let id = crate::scenario::live_id(sent.number);
        ui.label(
            RichText::new(format!(
                "Decision {id} for {team_id}: {}",
                sent.inject.title
            ))
            .strong()
            .color(Color32::from_rgb(235, 190, 80)),
        );
        ui.label(
            RichText::new(format!(
                "asked {} ago",
                crate::time::Span(now.saturating_sub(sent.tick))
            ))
            .color(Color32::from_rgb(235, 190, 80)),
        );
        for (k, label) in sent.inject.options.iter().enumerate() {
            if ui.button(label).clicked() {
                orders.0.push(Command::Decide {
                    team: team_id.clone(),
                    inject: id.clone(),
                    option: (k + 1).to_string(),
                });
            }
        }
        ui.separator();
    }
}

fn island_table(ui: &mut Ui, plan: &crate::scenario::Plan, summary: Option<&RunSummary>) {
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
