//! The console's panels: clock and controls on top, the event feed on the right, the island
//! table at the bottom and the map in the middle. Everything shown is read from the event log.

use crate::scenario::ids::{ExpectationIx, InjectIx, IslandIx, TeamIx};
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
}

/// The clock, the pause and speed controls, and the digest. Space (or the button) toggles the
/// pause; both are on the record.
pub(super) fn clock_bar(root: &mut Ui, plan: &Plan, controls: &mut ClockControls) {
    let ClockControls {
        clock,
        digest,
        pacing,
        orders,
        end: ending,
    } = controls;
    let ctx = root.ctx().clone();
    let mut toggle =
        ctx.input(|i| i.key_pressed(egui::Key::Space)) && !ctx.egui_wants_keyboard_input();
    egui::Panel::top("clock").show(root, |ui| {
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

/// What the facilitator's window remembers between frames: the note being typed, each trainee
/// team's chosen organisation, the map's places.
#[derive(Default)]
pub struct DeskState {
    note: String,
    targets: BTreeMap<u32, usize>,
    geography: Option<Geography>,
}

pub fn draw(
    mut contexts: EguiContexts,
    region: Res<Region>,
    feed: Res<Feed>,
    links: Query<(&crate::sim::StableId, &crate::sim::network::Link)>,
    mut controls: ClockControls,
    mut desk: Local<DeskState>,
) -> Result {
    let DeskState {
        note,
        targets,
        geography,
    } = &mut *desk;
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx, "console");
    let plan = &region.0;
    clock_bar(&mut root, plan, &mut controls);
    let now = controls.clock.now;
    let orders = &mut *controls.orders;
    egui::Panel::left("exercise")
        .default_size(330.0)
        .resizable(true)
        .show(&mut root, |ui| {
            if let Some(t) = exercise_panel(ui, plan, &feed, orders, note, targets, now) {
                controls.pacing.run_to(now, t);
            }
        });
    egui::Panel::right("feed")
        .default_size(440.0)
        .resizable(true)
        .show(&mut root, |ui| {
            feed_panel(ui, "Event feed", &feed.lines);
        });
    egui::Panel::bottom("islands")
        .default_size(230.0)
        .show(&mut root, |ui| {
            island_table(ui, plan, feed.summary.as_ref());
        });
    let geo = geography.get_or_insert_with(|| Geography::of(plan));
    for (id, link) in &links {
        if let Some(route) = geo.links.get_mut(id.0 as usize) {
            route.up = link.up;
        }
    }
    egui::CentralPanel::default().show(&mut root, |ui| map::draw(ui, geo, &feed.islands));
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

/// Returns a moment to run the clock to, if the facilitator asked for one.
fn exercise_panel(
    ui: &mut Ui,
    plan: &crate::scenario::Plan,
    feed: &Feed,
    orders: &mut Orders,
    note: &mut String,
    targets: &mut BTreeMap<u32, usize>,
    now: u64,
) -> Option<u64> {
    let empty = OperatingPicture::new(plan);
    let picture = feed.picture.as_ref().unwrap_or(&empty);
    ui.heading("Exercise");
    ui.horizontal(|ui| {
        ui.text_edit_singleline(note);
        if ui.button("Add note").clicked() && !note.trim().is_empty() {
            orders.0.push(Command::Note(std::mem::take(note)));
        }
    });
    trainee_actions(ui, plan, orders, targets);
    ui.separator();
    ScrollArea::vertical()
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            pending_decisions(ui, plan, picture, orders);
            let run_to = inject_list(ui, plan, picture, orders, now);
            expectation_list(ui, plan, picture, orders, note);
            run_to
        })
        .inner
}

/// Decisions waiting for trainees come first: the room is waiting on them.
fn pending_decisions(
    ui: &mut Ui,
    plan: &crate::scenario::Plan,
    picture: &OperatingPicture,
    orders: &mut Orders,
) {
    let s = &plan.scenario;
    // Decisions waiting for trainees come first: the room is waiting on them.
    for (i, inj) in s.msel.iter().enumerate() {
        let i = InjectIx::from(i);
        let (Some(d), Some(_)) = (&inj.decision, picture.has_fired(i)) else {
            continue;
        };
        let team = plan.injects[i].to.first().copied();
        let trainees = team.is_some_and(|t| !plan.teams[t].auto);
        if picture.decision_on(i).is_some() || !trainees {
            continue;
        }
        let team_id = &s.teams[team.unwrap_or_default()].id;
        ui.label(
            RichText::new(format!("Decision {} for {team_id}: {}", inj.id, d.prompt))
                .strong()
                .color(Color32::from_rgb(235, 190, 80)),
        );
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
}

/// Every inject: when it fired (and what was decided), or a button to fire it now.
fn inject_list(
    ui: &mut Ui,
    plan: &crate::scenario::Plan,
    picture: &OperatingPicture,
    orders: &mut Orders,
    now: u64,
) -> Option<u64> {
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    let mut run_to = None;
    // The next inject the clock will reach, for "run to it".
    let next = (0..s.msel.len())
        .filter_map(|i| {
            let i = InjectIx::from(i);
            picture
                .expected(plan, i)
                .filter(|t| *t >= now)
                .map(|t| (t, i))
        })
        .min();
    egui::CollapsingHeader::new(format!(
        "Injects ({} of {} fired)",
        picture.fired.len(),
        s.msel.len()
    ))
    .default_open(true)
    .show(ui, |ui| {
        if let Some((t, i)) = next
            && ui
                .button(format!(
                    "Run to the next inject: {} at {}",
                    s.msel[i.ix()].id,
                    clock(t)
                ))
                .on_hover_text("Flat out to it, then pause")
                .clicked()
        {
            // One minute past it: the inject has fired when the clock stops.
            run_to = Some(t + 1);
        }
        for (i, inj) in s.msel.iter().enumerate() {
            let ix = InjectIx::from(i);
            let preview = format!(
                "{} - {} ({:?}) from {} to {}\n\n{}\n\n{}",
                inj.phase,
                inj.title,
                inj.channel,
                inj.from,
                inj.to.join(", "),
                inj.body,
                inj.questions.join("\n")
            );
            ui.horizontal_wrapped(|ui| match picture.has_fired(ix) {
                Some(t) => {
                    ui.label(
                        RichText::new(format!("{} {}", clock(t), inj.id))
                            .monospace()
                            .weak(),
                    );
                    ui.label(&inj.title).on_hover_text(preview);
                    if let Some(label) = picture
                        .decision_on(ix)
                        .and_then(|d| inj.decision.as_ref()?.options.get(d.option as usize))
                        .map(|o| &o.label)
                    {
                        ui.label(
                            RichText::new(format!("-> {label}"))
                                .color(Color32::from_rgb(110, 200, 140)),
                        );
                    }
                }
                None if picture.skipped.contains(&ix) => {
                    ui.label(
                        RichText::new(format!("skipped {} {}", inj.id, inj.title))
                            .weak()
                            .strikethrough(),
                    );
                }
                None => {
                    let when = match picture.expected(plan, ix) {
                        Some(t) => clock(t),
                        None => awaited(plan, ix),
                    };
                    ui.label(
                        RichText::new(format!("{when} {}", inj.id))
                            .monospace()
                            .color(Color32::from_rgb(170, 190, 210)),
                    );
                    ui.label(RichText::new(&inj.title).weak())
                        .on_hover_text(preview);
                    if ui.small_button("Fire").clicked() {
                        orders.0.push(Command::FireInject(inj.id.clone()));
                    }
                    if ui
                        .small_button("+30m")
                        .on_hover_text("Put it back by 30 minutes")
                        .clicked()
                    {
                        orders.0.push(Command::DelayInject {
                            inject: inj.id.clone(),
                            by: crate::time::Span(30),
                        });
                    }
                    if ui
                        .small_button("Skip")
                        .on_hover_text("Take it out of this exercise")
                        .clicked()
                    {
                        orders.0.push(Command::SkipInject(inj.id.clone()));
                    }
                }
            });
        }
    });
    run_to
}

/// What an inject not yet due waits for, in a few words.
fn awaited(plan: &crate::scenario::Plan, inject: InjectIx) -> String {
    use crate::scenario::TriggerPlan::*;
    let s = &plan.scenario;
    let i = &plan.injects[inject];
    let after = if i.delay > 0 {
        format!(" +{}", crate::time::Span(i.delay))
    } else {
        String::new()
    };
    let what = match i.trigger {
        _ if i.contingency_only => "if an expectation is missed".to_string(),
        At(t) => s.start.at(t).clock(),
        FirstIncident(isl) => format!("first incident on {}", s.islands[isl.ix()].id),
        RansomNote(isl) => format!("ransom note on {}", s.islands[isl.ix()].id),
        ServiceDown(svc) => format!("{} down", s.services[svc.ix()].id),
        CampaignStarted(c) => format!("{} starts", s.campaigns[c.ix()].id),
        IntelApplied(isl) => format!("intel applied on {}", s.islands[isl.ix()].id),
        Inject(j) => format!("after {}", s.msel[j.ix()].id),
    };
    format!("({what}{after})")
}

/// Every expectation's outcome, or buttons for the facilitator's judgement.
fn expectation_list(
    ui: &mut Ui,
    plan: &crate::scenario::Plan,
    picture: &OperatingPicture,
    orders: &mut Orders,
    note: &mut String,
) {
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    // Expectations only the facilitator can rate and not yet rated: they wait for you.
    let yours = |k: usize| {
        matches!(s.expectations[k].check, crate::scenario::Check::Facilitator)
            && picture.outcome(ExpectationIx::from(k)).is_none()
    };
    let waiting = (0..s.expectations.len()).filter(|k| yours(*k)).count();
    let mut order: Vec<usize> = (0..s.expectations.len()).collect();
    order.sort_by(|a, b| {
        let (x, y) = (&s.expectations[*a], &s.expectations[*b]);
        (&x.team, &x.objective, &x.id).cmp(&(&y.team, &y.objective, &y.id))
    });
    egui::CollapsingHeader::new(format!("Expectations ({waiting} waiting for your rating)"))
        .id_salt("expectations")
        .default_open(waiting > 0)
        .show(ui, |ui| {
            ui.label(
                RichText::new("A rating saves the note typed above with it.")
                    .weak()
                    .italics(),
            );
            let mut team = None;
            for k in order {
                let e = &s.expectations[k];
                if team != Some(&e.team) {
                    team = Some(&e.team);
                    ui.label(RichText::new(&e.team).strong());
                }
                ui.horizontal_wrapped(|ui| {
                    let outcome = picture.outcome(ExpectationIx::from(k));
                    let (text, colour) = match outcome {
                        Some((o, t)) => (
                            format!("{} {} {} {}", e.id, e.objective, o.label(), clock(t)),
                            if o.met() {
                                Color32::from_rgb(110, 200, 140)
                            } else {
                                Color32::from_rgb(235, 120, 110)
                            },
                        ),
                        None if yours(k) => (
                            format!("{} {} needs your rating", e.id, e.objective),
                            Color32::from_rgb(235, 190, 80),
                        ),
                        None => (format!("{} {} open", e.id, e.objective), Color32::GRAY),
                    };
                    ui.label(RichText::new(text).monospace().color(colour));
                    // The facilitator's word settles it, or overrides the automatic check.
                    let judged =
                        matches!(outcome, Some((crate::report::Outcome::Judged { .. }, _)));
                    if !judged {
                        for (label, met) in [("met", true), ("not met", false)] {
                            if ui.small_button(label).clicked() {
                                orders.0.push(Command::Validate {
                                    expectation: e.id.clone(),
                                    met,
                                    note: std::mem::take(note).trim().to_string(),
                                });
                            }
                        }
                    }
                    ui.label(&e.description);
                });
            }
        });
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
