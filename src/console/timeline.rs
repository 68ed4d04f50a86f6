//! The MSEL timeline: every inject with when it is due (or what it waits for), its move, channel
//! and recipients; the one selected previewed in full with its controls (fire, delay, move to a
//! time, skip); the clock run to the next inject, the next move or a time typed in. Every control
//! is a command, so the journal holds the exercise as it was run.

use bevy_egui::egui::{self, Color32, RichText, ScrollArea, Ui};

use super::Orders;
use super::schedule::{awaited, module_status, next_inject, next_move, typed_moment};
use crate::report::OperatingPicture;
use crate::scenario::ids::InjectIx;
use crate::scenario::{Command, Plan};
use crate::time::{Span, When, parse_span};

/// What the timeline remembers between frames: the inject selected and the fields typed.
pub struct TimelineDesk {
    pub selected: Option<InjectIx>,
    delay: String,
    at: String,
    run_to: String,
    problem: Option<String>,
}

impl Default for TimelineDesk {
    fn default() -> Self {
        TimelineDesk {
            selected: None,
            delay: "30m".into(),
            at: String::new(),
            run_to: String::new(),
            problem: None,
        }
    }
}

/// The module box: where the room is, and the facilitator's guidance and questions for it.
fn module_box(ui: &mut Ui, plan: &Plan, picture: &OperatingPicture, now: u64) {
    let Some((m, line)) = module_status(plan, picture, now) else {
        return;
    };
    let module = &plan.scenario.modules[m];
    ui.label(RichText::new(line).strong());
    let ended = picture.modules.get(&m).is_some_and(|(_, e)| e.is_some());
    egui::CollapsingHeader::new("Guidance and questions")
        .id_salt(("module", m.0, ended))
        .default_open(ended)
        .show(ui, |ui| {
            if !module.guidance.is_empty() {
                ui.label(RichText::new(&module.guidance).italics());
            }
            for (n, q) in module.questions.iter().enumerate() {
                ui.label(format!("{}. {q}", n + 1));
            }
        });
}

/// The timeline screen; returns a moment to run the clock to, if the facilitator asked for one.
pub fn draw(
    ui: &mut Ui,
    plan: &Plan,
    picture: &OperatingPicture,
    orders: &mut Orders,
    desk: &mut TimelineDesk,
    now: u64,
) -> Option<u64> {
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    let mut run_to = None;
    ui.horizontal_wrapped(|ui| {
        // One minute past: the inject has fired when the clock stops.
        if let Some((t, i)) = next_inject(plan, picture, now)
            && ui
                .button(format!(
                    "Run to the next inject: {} at {}",
                    s.msel[i.ix()].id,
                    clock(t)
                ))
                .on_hover_text("Flat out to it, then pause")
                .clicked()
        {
            run_to = Some(t + 1);
        }
        if let Some((m, t)) = next_move(plan, picture, now)
            && ui
                .button(format!("Run to the next move: {m} at {}", clock(t)))
                .clicked()
        {
            run_to = Some(t + 1);
        }
    });
    ui.horizontal(|ui| {
        ui.label("Run to");
        let field = ui.add(
            egui::TextEdit::singleline(&mut desk.run_to)
                .hint_text("D2 06:00 or +2h")
                .desired_width(110.0),
        );
        let go = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Go").clicked() || go {
            match typed_moment(plan, now, &desk.run_to) {
                Ok(t) if t > now => {
                    run_to = Some(t);
                    desk.problem = None;
                }
                Ok(_) => desk.problem = Some("that moment has passed".into()),
                Err(e) => desk.problem = Some(e),
            }
        }
    });
    if let Some(p) = &desk.problem {
        ui.colored_label(Color32::from_rgb(235, 120, 110), p);
    }
    module_box(ui, plan, picture, now);
    ui.separator();
    let list_height = (ui.available_height() * 0.55).max(120.0);
    ScrollArea::both()
        .id_salt("timeline")
        .max_height(list_height)
        .auto_shrink([false, true])
        .show(ui, |ui| rows(ui, plan, picture, desk));
    ui.separator();
    ScrollArea::vertical()
        .id_salt("inject-detail")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            // Until one is chosen, the next one due is previewed.
            let shown = desk
                .selected
                .or_else(|| next_inject(plan, picture, now).map(|(_, i)| i));
            match shown {
                Some(i) => {
                    if desk.selected.is_none() {
                        ui.label(
                            RichText::new("Next due (click a title above to preview another):")
                                .weak()
                                .italics(),
                        );
                    }
                    detail(ui, plan, picture, orders, desk, i, now)
                }
                None => {
                    ui.label(
                        RichText::new(
                            "Select an inject to read it in full and fire, delay, move or skip it.",
                        )
                        .weak()
                        .italics(),
                    );
                }
            }
        });
    run_to
}

/// One line per inject in MSEL order, then the injects written live.
fn rows(ui: &mut Ui, plan: &Plan, picture: &OperatingPicture, desk: &mut TimelineDesk) {
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    egui::Grid::new("msel-rows")
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            for h in ["Inject", "When", "Title", "To", "Channel", "Move"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (k, inj) in s.msel.iter().enumerate() {
                let i = InjectIx::from(k);
                let (when, colour) = match picture.has_fired(i) {
                    Some(t) => (format!("fired {}", clock(t)), Color32::from_gray(150)),
                    None if picture.withdrawn.contains(&i) => {
                        ("overtaken".into(), Color32::from_gray(110))
                    }
                    None if picture.skipped.contains(&i) => {
                        ("skipped".into(), Color32::from_gray(110))
                    }
                    None => match picture.expected(plan, i) {
                        Some(t) => (clock(t), Color32::from_rgb(120, 200, 255)),
                        None => (awaited(plan, i), Color32::from_rgb(170, 170, 190)),
                    },
                };
                ui.label(RichText::new(&inj.id).monospace());
                // A long trigger wraps rather than pushing the title out of sight.
                ui.scope(|ui| {
                    ui.set_max_width(170.0);
                    ui.add(egui::Label::new(RichText::new(when).monospace().color(colour)).wrap());
                });
                let mut title = RichText::new(&inj.title);
                if picture.skipped.contains(&i) {
                    title = title.strikethrough().weak();
                }
                if ui
                    .selectable_label(desk.selected == Some(i), title)
                    .on_hover_text("Click to read it in full")
                    .clicked()
                {
                    desk.selected = Some(i);
                }
                ui.label(inj.to.join(", "));
                ui.label(format!("{:?}", inj.channel));
                ui.label(plan.move_of(i));
                ui.end_row();
            }
            for sent in &picture.sent {
                ui.label(RichText::new(crate::scenario::live_id(sent.number)).monospace());
                ui.label(
                    RichText::new(format!("sent {}", clock(sent.tick)))
                        .monospace()
                        .color(Color32::from_gray(150)),
                );
                ui.label(&sent.inject.title).on_hover_text(format!(
                    "{:?} from {}\n\n{}\n\n{}",
                    sent.inject.channel,
                    sent.inject.from,
                    sent.inject.body,
                    sent.inject.questions.join("\n")
                ));
                ui.label(crate::report::picture::team_ids(plan, &sent.to));
                ui.label(format!("{:?}", sent.inject.channel));
                match sent.decided {
                    Some((_, team, option)) => ui.label(
                        RichText::new(format!(
                            "{} chose: {}",
                            s.teams[team.ix()].id,
                            sent.inject
                                .options
                                .get(option as usize)
                                .map_or("?", String::as_str)
                        ))
                        .color(Color32::from_rgb(110, 200, 140)),
                    ),
                    None => ui.label("written live"),
                };
                ui.end_row();
            }
        });
}

/// The selected inject in full, with what can still be done to it.
fn detail(
    ui: &mut Ui,
    plan: &Plan,
    picture: &OperatingPicture,
    orders: &mut Orders,
    desk: &mut TimelineDesk,
    i: InjectIx,
    now: u64,
) {
    // Clear of the scroll bar, so wrapped text is never cut at the edge.
    ui.set_max_width(ui.available_width() - 16.0);
    preview(ui, plan, picture, i, now);
    if picture.has_fired(i).is_some() || picture.skipped.contains(&i) {
        return;
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| controls(ui, plan, orders, desk, i, now));
}

/// The inject as the room will get it: its move, channel and people, where it stands (fired,
/// skipped, due, or what it waits for), its text, questions and decision.
fn preview(ui: &mut Ui, plan: &Plan, picture: &OperatingPicture, i: InjectIx, now: u64) {
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    let inj = &s.msel[i.ix()];
    ui.label(
        RichText::new(format!("{}  {}", inj.id, inj.title))
            .strong()
            .size(16.0),
    );
    ui.label(format!(
        "{} | {:?}, {:?} | from {} | to {}",
        match plan.move_of(i) {
            "" => "-",
            m => m,
        },
        inj.kind,
        inj.channel,
        if inj.from.is_empty() { "-" } else { &inj.from },
        inj.to.join(", ")
    ));
    let state = match picture.has_fired(i) {
        Some(t) => format!("fired at {}", clock(t)),
        None if picture.skipped.contains(&i) => "skipped".into(),
        None => match picture.expected(plan, i) {
            Some(t) => format!("due at {} (in {})", clock(t), Span(t.saturating_sub(now))),
            None => format!("waits for {}", awaited(plan, i)),
        },
    };
    ui.label(RichText::new(state).color(Color32::from_rgb(120, 200, 255)));
    if !inj.body.is_empty() {
        ui.add_space(4.0);
        ui.label(&inj.body);
    }
    for q in &inj.questions {
        ui.label(RichText::new(format!("? {q}")).italics());
    }
    if let Some(d) = &inj.decision {
        ui.add_space(4.0);
        ui.label(RichText::new(format!("Decision: {}", d.prompt)).strong());
        let taken = picture.decision_on(i).map(|d| d.option as usize);
        for (k, o) in d.options.iter().enumerate() {
            let mark = if taken == Some(k) {
                "->"
            } else if o.id == d.default {
                "(default)"
            } else {
                "-"
            };
            ui.label(format!("{mark} {}", o.label));
        }
    }
}

/// What can still be done to an inject not yet fired: fire it now, delay it, move it to a
/// time, skip it.
fn controls(
    ui: &mut Ui,
    plan: &Plan,
    orders: &mut Orders,
    desk: &mut TimelineDesk,
    i: InjectIx,
    now: u64,
) {
    let id = &plan.scenario.msel[i.ix()].id;
    if ui.button("Fire now").clicked() {
        orders.0.push(Command::FireInject(id.clone()));
    }
    ui.separator();
    ui.add(egui::TextEdit::singleline(&mut desk.delay).desired_width(60.0));
    if ui
        .button("Delay")
        .on_hover_text("Put it back by this span")
        .clicked()
    {
        match parse_span(&desk.delay) {
            Ok(by) if by.0 > 0 => {
                orders.0.push(Command::DelayInject {
                    inject: id.clone(),
                    by,
                });
                desk.problem = None;
            }
            Ok(_) => desk.problem = Some("a delay must be longer than nothing".into()),
            Err(e) => desk.problem = Some(e),
        }
    }
    ui.separator();
    ui.add(
        egui::TextEdit::singleline(&mut desk.at)
            .hint_text("D1 14:30 or +1h")
            .desired_width(110.0),
    );
    if ui
        .button("Move to")
        .on_hover_text("Fire it at this time")
        .clicked()
    {
        match typed_moment(plan, now, &desk.at) {
            Ok(t) => {
                orders.0.push(Command::RescheduleInject {
                    inject: id.clone(),
                    at: When::Offset(Span(t)),
                });
                desk.problem = None;
            }
            Err(e) => desk.problem = Some(e),
        }
    }
    ui.separator();
    if ui
        .button("Skip")
        .on_hover_text("Take it out of this exercise")
        .clicked()
    {
        orders.0.push(Command::SkipInject(id.clone()));
    }
}
