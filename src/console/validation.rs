//! The validation screen: decisions waiting for trainee teams (and which are overdue, as the
//! operating picture works out), and every expectation grouped by team and objective with its
//! status: met, missed, open, or waiting for the facilitator's rating, which saves the note
//! typed with it.

use bevy_egui::egui::{self, Color32, RichText, ScrollArea, Ui};

use super::Orders;
use crate::report::picture::Waiting;
use crate::report::{OperatingPicture, Outcome};
use crate::scenario::ids::ExpectationIx;
use crate::scenario::{Command, Plan};
use crate::time::Span;

const AMBER: Color32 = Color32::from_rgb(235, 190, 80);
const RED: Color32 = Color32::from_rgb(235, 120, 110);
const GREEN: Color32 = Color32::from_rgb(110, 200, 140);

/// "asked 40m ago, overdue by 10m" or "due in 20m".
pub fn waiting_text(w: &Waiting, now: u64) -> (String, Color32) {
    let asked = format!("asked {} ago", Span(now.saturating_sub(w.asked)));
    match w.due {
        Some(due) if now > due => (format!("{asked}, OVERDUE by {}", Span(now - due)), RED),
        Some(due) => (format!("{asked}, due in {}", Span(due - now)), AMBER),
        None => (asked, AMBER),
    }
}

pub fn draw(
    ui: &mut Ui,
    plan: &Plan,
    picture: &OperatingPicture,
    orders: &mut Orders,
    note: &mut String,
    now: u64,
) {
    let s = &plan.scenario;
    let clock = |t: u64| s.start.at(t).clock();
    ScrollArea::vertical()
        .id_salt("validation")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            ui.heading("Decisions waiting for trainee teams");
            let waiting = picture.waiting_decisions(plan);
            let live: Vec<_> = picture.sent.iter().filter(|x| x.waiting()).collect();
            if waiting.is_empty() && live.is_empty() {
                ui.label(RichText::new("None waiting.").weak());
            }
            for sent in live {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(crate::scenario::live_id(sent.number))
                            .monospace()
                            .strong(),
                    );
                    ui.label(crate::report::picture::team_ids(plan, &sent.to));
                    ui.label(&sent.inject.title);
                    ui.label(
                        RichText::new(format!(
                            "asked {} ago (written live: no time limit)",
                            Span(now.saturating_sub(sent.tick))
                        ))
                        .color(AMBER),
                    );
                });
            }
            for w in &waiting {
                let inj = &s.msel[w.inject.ix()];
                let (text, colour) = waiting_text(w, now);
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(&inj.id).monospace().strong());
                    ui.label(inj.to.join(", "));
                    ui.label(inj.decision.as_ref().map_or("", |d| d.prompt.as_str()));
                    ui.label(RichText::new(text).color(colour));
                });
            }
            ui.separator();
            expectations(ui, plan, picture, orders, note, &clock);
        });
}

fn expectations(
    ui: &mut Ui,
    plan: &Plan,
    picture: &OperatingPicture,
    orders: &mut Orders,
    note: &mut String,
    clock: &dyn Fn(u64) -> String,
) {
    let s = &plan.scenario;
    let yours = |k: usize| {
        matches!(s.expectations[k].check, crate::scenario::Check::Facilitator)
            && picture.outcome(ExpectationIx::from(k)).is_none()
    };
    let (mut met, mut missed, mut open, mut rate) = (0, 0, 0, 0);
    for k in 0..s.expectations.len() {
        match picture.outcome(ExpectationIx::from(k)) {
            Some((o, _)) if o.met() => met += 1,
            Some(_) => missed += 1,
            None if yours(k) => rate += 1,
            None => open += 1,
        }
    }
    ui.heading("Expectations");
    ui.label(format!(
        "{met} met, {missed} missed or not met, {open} open, {rate} need your rating"
    ));
    ui.horizontal(|ui| {
        ui.label("Note saved with the next rating:");
        ui.add(
            egui::TextEdit::singleline(note)
                .hint_text("what the room did, in a line")
                .desired_width(f32::INFINITY),
        );
    });
    let mut order: Vec<usize> = (0..s.expectations.len()).collect();
    order.sort_by(|a, b| {
        let (x, y) = (&s.expectations[*a], &s.expectations[*b]);
        (&x.team, &x.objective, &x.id).cmp(&(&y.team, &y.objective, &y.id))
    });
    let mut heading: Option<(&str, &str)> = None;
    for k in order {
        let e = &s.expectations[k];
        if heading.map(|h| h.0) != Some(e.team.as_str()) {
            ui.add_space(6.0);
            let team = s.teams.iter().find(|t| t.id == e.team);
            ui.label(
                RichText::new(team.map_or(e.team.clone(), |t| format!("{} ({})", t.name, t.id)))
                    .strong()
                    .size(15.0),
            );
            heading = None;
        }
        if heading.map(|h| h.1) != Some(e.objective.as_str()) {
            let title = s
                .objectives
                .iter()
                .find(|o| o.id == e.objective)
                .map_or("", |o| o.title.as_str());
            ui.label(RichText::new(format!("  {} {title}", e.objective)).italics());
        }
        heading = Some((&e.team, &e.objective));
        let outcome = picture.outcome(ExpectationIx::from(k));
        ui.horizontal_wrapped(|ui| {
            ui.add_space(16.0);
            let (status, colour) = match outcome {
                Some((o, t)) => (
                    format!("{} {}", o.label(), clock(t)),
                    if o.met() { GREEN } else { RED },
                ),
                None if yours(k) => ("needs your rating".to_string(), AMBER),
                None => ("open".to_string(), Color32::GRAY),
            };
            ui.label(RichText::new(&e.id).monospace());
            ui.label(RichText::new(status).color(colour));
            // The facilitator's word settles it, or overrides the automatic check.
            if !matches!(outcome, Some((Outcome::Judged { .. }, _))) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::InjectIx;
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::events::{SimEvent, Stamped};

    #[test]
    fn a_decision_is_overdue_past_its_limit_or_its_expectation() {
        let plan = TinyRegion::new()
            .island("A", true, true)
            .team("a-csirt", "NationalCsirt", Some("A"), 2, "AroundTheClock", false)
            .field(
                r#"msel: [
                    Inject(id: "D1", trigger: At("D1 09:00"), kind: Narrative, channel: Phone,
                        to: ["a-csirt"], title: "limit",
                        decision: Some(Decision(prompt: "p", default: "x", answer_within: Some("2h"),
                            options: [Option(id: "x", label: "x")]))),
                    Inject(id: "D2", trigger: At("D1 09:00"), kind: Narrative, channel: Phone,
                        to: ["a-csirt"], title: "expected",
                        decision: Some(Decision(prompt: "p", default: "x",
                            options: [Option(id: "x", label: "x")]))),
                ],
                expectations: [
                    Expectation(id: "E1", team: "a-csirt", objective: "O1", description: "d",
                        after: Inject("D2"), within: "30m", check: Decides("D2")),
                ],
                objectives: [Objective(id: "O1", title: "o")]"#,
            )
            .plan();
        let mut picture = OperatingPicture::new(&plan);
        let fired = |i| Stamped {
            tick: 60,
            event: SimEvent::InjectFired {
                inject: InjectIx(i),
            },
        };
        picture.update(&plan, &[fired(0), fired(1)]);
        let waiting = picture.waiting_decisions(&plan);
        let due: Vec<_> = waiting.iter().map(|w| w.due).collect();
        assert_eq!(due, vec![Some(180), Some(90)]);
        let (text, colour) = waiting_text(&waiting[1], 100);
        assert_eq!(text, "asked 40m ago, OVERDUE by 10m");
        assert_eq!(colour, RED);
        assert_eq!(
            waiting_text(&waiting[0], 100).0,
            "asked 40m ago, due in 1h20m"
        );
    }
}
