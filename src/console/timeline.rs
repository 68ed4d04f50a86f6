//! The MSEL timeline: every inject with when it is due (or what it waits for), its move, channel
//! and recipients; the one selected previewed in full with its controls (fire, delay, move to a
//! time, skip); the clock run to the next inject, the next move or a time typed in. Every control
//! is a command, so the journal holds the exercise as it was run.

use bevy_egui::egui::{self, Color32, RichText, ScrollArea, Ui};

use super::Orders;
use crate::report::OperatingPicture;
use crate::scenario::ids::InjectIx;
use crate::scenario::{Command, Plan};
use crate::time::{Span, When, parse_span, parse_when};

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

/// A moment typed by the facilitator: `D2 06:00`, an offset from STARTEX like `26h`, or from
/// now like `+90m`.
pub fn typed_moment(plan: &Plan, now: u64, text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('+') {
        return parse_span(rest).map(|s| now + s.0);
    }
    let when = parse_when(text)?;
    when.to_tick(plan.scenario.start.minute_of_day)
        .ok_or_else(|| format!("`{text}` is before the exercise starts"))
}

/// The next inject the clock will reach, with when.
pub fn next_inject(plan: &Plan, picture: &OperatingPicture, now: u64) -> Option<(u64, InjectIx)> {
    (0..plan.injects.len())
        .filter_map(|i| {
            let i = InjectIx::from(i);
            picture
                .expected(plan, i)
                .filter(|t| *t >= now)
                .map(|t| (t, i))
        })
        .min()
}

/// The move the room is in: that of the latest inject fired (the first move before any).
pub fn current_move<'a>(plan: &'a Plan, picture: &OperatingPicture) -> Option<&'a str> {
    picture
        .fired
        .iter()
        .max_by_key(|(i, t)| (*t, *i))
        .map(|(i, _)| plan.move_of(*i))
        .or_else(|| (!plan.injects.is_empty()).then(|| plan.move_of(InjectIx(0))))
        .filter(|p| !p.is_empty())
}

/// The next move with a known start: its name and the time of its first inject.
pub fn next_move<'a>(
    plan: &'a Plan,
    picture: &OperatingPicture,
    now: u64,
) -> Option<(&'a str, u64)> {
    let all = || InjectIx::all(plan.injects.len());
    let current = current_move(plan, picture);
    let at = current.and_then(|c| all().position(|i| plan.move_of(i) == c))?;
    let mut seen: Vec<&str> = vec![current?];
    for inj in all().skip(at) {
        let phase = plan.move_of(inj);
        if phase.is_empty() || seen.contains(&phase) {
            continue;
        }
        seen.push(phase);
        let first = all()
            .filter(|k| plan.move_of(*k) == phase)
            .filter_map(|k| picture.expected(plan, k))
            .filter(|t| *t >= now)
            .min();
        if let Some(t) = first {
            return Some((phase, t));
        }
    }
    None
}

/// The clock bar's line: the move the room is in and how long to the next inject.
pub fn countdown(plan: &Plan, picture: &OperatingPicture, now: u64) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(m) = current_move(plan, picture) {
        parts.push(m.to_string());
    }
    if let Some((t, i)) = next_inject(plan, picture, now) {
        let id = &plan.scenario.msel[i.ix()].id;
        parts.push(match t - now {
            0 => format!("next {id} now"),
            wait => format!("next {id} in {}", Span(wait)),
        });
    }
    (!parts.is_empty()).then(|| parts.join("  |  "))
}

/// The module the room is in (the latest started): its index and a line for the facilitator,
/// "Module 2: The demand - 45m in, 1h30m planned" or "... - ended D1 11:55: time to discuss".
pub fn module_status(
    plan: &Plan,
    picture: &OperatingPicture,
    now: u64,
) -> Option<(crate::scenario::ids::ModuleIx, String)> {
    let (&m, &(started, ended)) = picture.modules.iter().max_by_key(|(m, (t, _))| (*t, **m))?;
    let module = &plan.scenario.modules[m];
    let planned = module
        .duration
        .map(|d| format!(", {d} planned"))
        .unwrap_or_default();
    let state = match ended {
        Some(t) if module.questions.is_empty() => {
            format!("ended {}", plan.scenario.start.at(t).clock())
        }
        Some(t) => format!(
            "ended {}: time for its {} questions",
            plan.scenario.start.at(t).clock(),
            module.questions.len()
        ),
        None => {
            let elapsed = now.saturating_sub(started);
            let over = module
                .duration
                .filter(|d| elapsed > d.0)
                .map(|d| format!(" (over by {})", Span(elapsed - d.0)))
                .unwrap_or_default();
            format!("{} in{planned}{over}", Span(elapsed))
        }
    };
    Some((m, format!("{} - {state}", module.title)))
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
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    let inj = &s.msel[i.ix()];
    // Clear of the scroll bar, so wrapped text is never cut at the edge.
    ui.set_max_width(ui.available_width() - 16.0);
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
    if picture.has_fired(i).is_some() || picture.skipped.contains(&i) {
        return;
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        if ui.button("Fire now").clicked() {
            orders.0.push(Command::FireInject(inj.id.clone()));
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
                        inject: inj.id.clone(),
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
                        inject: inj.id.clone(),
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
            orders.0.push(Command::SkipInject(inj.id.clone()));
        }
    });
}

/// What an inject not yet due waits for, in a few words.
pub fn awaited(plan: &Plan, inject: InjectIx) -> String {
    format!("({})", plan.awaited(inject))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    fn plan() -> std::sync::Arc<Plan> {
        TinyRegion::new()
            .island("A", false, false)
            .field(
                r#"msel: [
                    Inject(id: "A1", phase: "Move 1", trigger: At("D1 09:00"), kind: Narrative,
                        channel: Email, title: "a"),
                    Inject(id: "A2", phase: "Move 1", trigger: At("D1 10:00"), kind: Narrative,
                        channel: Email, title: "b"),
                    Inject(id: "B1", phase: "Move 2", trigger: At("D1 13:00"), kind: Narrative,
                        channel: Email, title: "c"),
                ]"#,
            )
            .plan()
    }

    /// The module line says how far in the room is against the plan, and when a module has
    /// ended that its questions are due.
    #[test]
    fn the_module_line_follows_the_modules_events() {
        use crate::scenario::ids::ModuleIx;
        use crate::sim::events::{SimEvent, Stamped};
        let plan = TinyRegion::new()
            .island("A", false, false)
            .field(
                r#"modules: [Module(id: "M1", title: "One", questions: ["Who?", "When?"],
                    duration: Some("1h"))]"#,
            )
            .field(
                r#"msel: [Inject(id: "A1", module: Some("M1"), trigger: At("D1 09:00"),
                    kind: Narrative, channel: Email, title: "a")]"#,
            )
            .plan();
        let mut picture = OperatingPicture::new(&plan);
        assert_eq!(module_status(&plan, &picture, 0), None);
        let start = |tick, event| Stamped { tick, event };
        let mut log = vec![start(
            60,
            SimEvent::ModuleStarted {
                module: ModuleIx(0),
            },
        )];
        picture.update(&plan, &log);
        assert_eq!(
            module_status(&plan, &picture, 105)
                .map(|(_, l)| l)
                .as_deref(),
            Some("One - 45m in, 1h planned")
        );
        assert_eq!(
            module_status(&plan, &picture, 135)
                .map(|(_, l)| l)
                .as_deref(),
            Some("One - 1h15m in, 1h planned (over by 15m)")
        );
        log.push(start(
            140,
            SimEvent::ModuleEnded {
                module: ModuleIx(0),
            },
        ));
        picture.update(&plan, &log);
        assert_eq!(
            module_status(&plan, &picture, 150)
                .map(|(_, l)| l)
                .as_deref(),
            Some("One - ended D1 10:20: time for its 2 questions")
        );
    }

    #[test]
    fn the_next_inject_and_the_next_move_follow_what_fired() {
        use crate::sim::events::{SimEvent, Stamped};
        let plan = plan();
        let mut picture = OperatingPicture::new(&plan);
        // STARTEX 08:00: the room is in move 1; A1 at 09:00 comes next, move 2 at 13:00.
        assert_eq!(current_move(&plan, &picture), Some("Move 1"));
        assert_eq!(next_inject(&plan, &picture, 0), Some((60, InjectIx(0))));
        assert_eq!(next_move(&plan, &picture, 0), Some(("Move 2", 300)));
        assert_eq!(
            countdown(&plan, &picture, 30).as_deref(),
            Some("Move 1  |  next A1 in 30m")
        );
        // B1 fired early by the facilitator: the room is in move 2, and no move comes after.
        let log = vec![Stamped {
            tick: 70,
            event: SimEvent::InjectFired {
                inject: InjectIx(2),
            },
        }];
        picture.update(&plan, &log);
        assert_eq!(current_move(&plan, &picture), Some("Move 2"));
        assert_eq!(next_move(&plan, &picture, 70), None);
        assert_eq!(next_inject(&plan, &picture, 70), Some((120, InjectIx(1))));
    }

    #[test]
    fn a_typed_moment_is_a_clock_time_an_offset_or_a_span_from_now() {
        let plan = plan();
        let start = plan.scenario.start.minute_of_day;
        let d2_0600 = 24 * 60 + 6 * 60 - start;
        assert_eq!(typed_moment(&plan, 100, "D2 06:00"), Ok(d2_0600));
        assert_eq!(typed_moment(&plan, 100, "26h"), Ok(26 * 60));
        assert_eq!(typed_moment(&plan, 100, "+90m"), Ok(190));
        assert!(typed_moment(&plan, 100, "tomorrow").is_err());
    }
}
