//! The console's panels: clock and controls on top, the event feed on the right, the island
//! table at the bottom and the map in the middle. Everything shown is read from the event log.

use std::collections::{BTreeSet, VecDeque};

use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, Color32, LayerId, RichText, ScrollArea, Ui, UiBuilder};

use super::map::{self, IslandView};
use super::{Pacing, Speed};
use crate::report::narrate::{self, Tone};
use crate::report::{RunSummary, summarise};
use crate::sim::events::SimEvent;
use crate::sim::{Clock, Draws, EventLog, Region, StateDigest};

const FEED_LINES: usize = 400;

/// What the screen shows, folded from the event log as it grows.
#[derive(Resource, Default)]
pub struct Feed {
    cursor: usize,
    pub lines: VecDeque<(u64, Tone, String)>,
    pub islands: Vec<IslandView>,
    held: Vec<BTreeSet<u32>>,
    services_down: BTreeSet<u32>,
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
    let n = region.scenario.islands.len();
    if feed.islands.len() != n {
        feed.islands = vec![IslandView::default(); n];
        feed.held = vec![BTreeSet::new(); n];
    }
    let new = log.since(feed.cursor);
    if new.is_empty() && feed.summary.is_some() {
        return;
    }
    for e in new {
        let island = |org: u32| region.orgs[org as usize].island as usize;
        match e.event {
            SimEvent::HostCompromised { org, host, .. } => {
                feed.held[island(org)].insert(host);
                feed.islands[island(org)].ever_compromised += 1;
            }
            SimEvent::HostIsolated { host, org, .. } => {
                feed.held[island(org)].remove(&host);
            }
            SimEvent::HostsEncrypted { org, .. } => feed.islands[island(org)].encrypted = true,
            SimEvent::IncidentOpened { org, .. } => {
                let v = &mut feed.islands[island(org)];
                v.incidents += 1;
                v.detected = true;
            }
            SimEvent::RansomNoteFound { org, .. } => feed.islands[island(org)].detected = true,
            SimEvent::PowerOut { island } => feed.islands[island as usize].dark = true,
            SimEvent::PowerRestored { island } => feed.islands[island as usize].dark = false,
            SimEvent::IntelApplied { island, .. } => feed.islands[island as usize].intel_items += 1,
            SimEvent::ServiceDown { service } => {
                feed.services_down.insert(service);
            }
            SimEvent::ServiceRestored { service } => {
                feed.services_down.remove(&service);
            }
            _ => {}
        }
        if narrate::newsworthy(&region, &e.event) {
            let line = (
                e.tick,
                narrate::tone(&e.event),
                narrate::describe(&region, &e.event),
            );
            feed.lines.push_back(line);
            if feed.lines.len() > FEED_LINES {
                feed.lines.pop_front();
            }
        }
    }
    feed.cursor = log.len();
    for i in 0..n {
        let held = feed.held[i].len();
        let down = feed
            .services_down
            .iter()
            .filter(|s| region.services[**s as usize].island as usize == i)
            .count();
        let v = &mut feed.islands[i];
        v.held = held;
        v.services_down = down;
    }
    feed.summary = Some(summarise(
        &region,
        draws.seed,
        clock.now,
        digest.hex(),
        log.all(),
    ));
}

fn tone_colour(tone: Tone) -> Color32 {
    match tone {
        Tone::Routine => Color32::from_gray(170),
        Tone::Defence => Color32::from_rgb(110, 200, 140),
        Tone::Warning => Color32::from_rgb(235, 190, 80),
        Tone::Harm => Color32::from_rgb(240, 100, 90),
    }
}

pub fn draw(
    mut contexts: EguiContexts,
    region: Res<Region>,
    clock: Res<Clock>,
    digest: Res<StateDigest>,
    feed: Res<Feed>,
    links: Query<&crate::sim::network::Link>,
    mut pacing: ResMut<Pacing>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if ctx.input(|i| i.key_pressed(egui::Key::Space)) {
        pacing.paused = !pacing.paused;
    }
    let mut root = Ui::new(
        ctx.clone(),
        "console".into(),
        UiBuilder::new()
            .layer_id(LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let plan = &region.0;
    egui::Panel::top("clock").show(&mut root, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
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
            if ui.button(label).clicked() {
                pacing.paused = !pacing.paused;
            }
            for s in Speed::ALL {
                if ui.selectable_label(pacing.speed == s, s.label()).clicked() {
                    pacing.speed = s;
                }
            }
            ui.separator();
            let end = crate::time::Span(pacing.end_tick);
            ui.label(format!("{} of {end}", crate::time::Span(clock.now)));
            if clock.now >= pacing.end_tick {
                ui.colored_label(Color32::from_rgb(235, 190, 80), "exercise time is up");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    RichText::new(format!("digest {}", digest.hex()))
                        .monospace()
                        .weak(),
                );
            });
        });
        ui.add_space(4.0);
    });
    egui::Panel::right("feed")
        .default_size(440.0)
        .resizable(true)
        .show(&mut root, |ui| {
            ui.heading("Event feed");
            ui.separator();
            ScrollArea::vertical()
                .stick_to_bottom(true)
                .auto_shrink([false; 2])
                .show(ui, |ui| {
                    for (tick, tone, text) in &feed.lines {
                        ui.horizontal_wrapped(|ui| {
                            ui.label(
                                RichText::new(plan.scenario.start.at(*tick).clock())
                                    .monospace()
                                    .weak(),
                            );
                            ui.label(RichText::new(text).color(tone_colour(*tone)));
                        });
                    }
                });
        });
    egui::Panel::bottom("islands")
        .default_size(230.0)
        .show(&mut root, |ui| {
            island_table(ui, plan, feed.summary.as_ref());
        });
    egui::CentralPanel::default().show(&mut root, |ui| {
        let links: Vec<_> = links.iter().cloned().collect();
        map::draw(ui, plan, &feed.islands, &links);
    });
    Ok(())
}

fn island_table(ui: &mut Ui, plan: &crate::scenario::Plan, summary: Option<&RunSummary>) {
    let Some(summary) = summary else { return };
    ScrollArea::vertical()
        .auto_shrink([false; 2])
        .show(ui, |ui| {
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
