//! The facilitator's desk beside the screens: notes for the record, the decisions trainee teams
//! owe, and the response orders of the teams trainees play (drawn from a team's view too, so a
//! seat offers the same buttons).

use std::collections::BTreeMap;

use bevy_egui::egui::{self, Color32, RichText, ScrollArea, Ui};

use super::Orders;
use crate::report::OperatingPicture;
use crate::report::view::{CollectionLine, Named, RESPONSE_ORDERS, findings_from_text};
use crate::scenario::ids::TeamIx;
use crate::scenario::{Command, Plan};

/// Response orders for teams the trainees play: pick an organisation, then act on it.
fn trainee_actions(
    ui: &mut Ui,
    plan: &Plan,
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
                let partners = crate::report::view::partners(plan, TeamIx::from(t));
                let chosen = targets.entry(t as u32).or_default();
                team_actions(ui, &named, (&list, &partners), orders, chosen);
            }
        });
}

/// One team's response orders: pick one of the organisations it may act on, then act on it;
/// share; ask for help. Plan-free, so a seat draws it from its view.
pub(super) fn team_actions(
    ui: &mut Ui,
    team: &Named,
    (targets, partners): (&[Named], &[Named]),
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
        share(ui, &id, partners, orders);
        if ui.small_button("Ask for help").clicked() {
            orders
                .0
                .push(Command::RequestAssistance { team: id.clone() });
        }
    });
}

/// Sharing the team's latest incident under the marking it chooses (TLP:GREEN unless it picks
/// another), the marking's reach said beside it, to the audience it chooses (everyone the
/// marking allows unless it picks one; one the marking forbids is refused with the rule).
fn share(ui: &mut Ui, team: &str, partners: &[Named], orders: &mut Orders) {
    use crate::scenario::{Audience, Tlp};
    let key = egui::Id::new(("share-tlp", team));
    let mut tlp = ui.data_mut(|d| *d.get_temp_mut_or(key, Tlp::Green));
    egui::ComboBox::from_id_salt(key)
        .selected_text(tlp.label())
        .show_ui(ui, |ui| {
            for t in Tlp::ALL {
                ui.selectable_value(&mut tlp, t, t.label())
                    .on_hover_text(t.reach());
            }
        })
        .response
        .on_hover_text(tlp.reach());
    ui.data_mut(|d| d.insert_temp(key, tlp));
    let mut audiences = vec![
        (Audience::AsMarked, "as marked".to_string()),
        (Audience::Partners, "partners".to_string()),
    ];
    audiences.extend(
        (partners.iter()).map(|p| (Audience::Partner(p.id.clone()), format!("partner {}", p.id))),
    );
    audiences.extend([
        (Audience::Hub, "the hub".to_string()),
        (Audience::Contacts, "every contact".to_string()),
        (Audience::Public, "public".to_string()),
    ]);
    let to_key = egui::Id::new(("share-to", team));
    let mut chosen = ui.data_mut(|d| *d.get_temp_mut_or(to_key, 0usize));
    chosen = chosen.min(audiences.len() - 1);
    egui::ComboBox::from_id_salt(to_key)
        .selected_text(&audiences[chosen].1)
        .show_ui(ui, |ui| {
            for (i, (_, label)) in audiences.iter().enumerate() {
                ui.selectable_value(&mut chosen, i, label);
            }
        })
        .response
        .on_hover_text("to whom: everyone the marking allows, or one audience");
    ui.data_mut(|d| d.insert_temp(to_key, chosen));
    let (to, named) = audiences.swap_remove(chosen);
    if ui
        .small_button("Share")
        .on_hover_text(format!(
            "share the latest incident with {named}: {}",
            tlp.reach()
        ))
        .clicked()
    {
        orders.0.push(Command::ShareIntel {
            team: team.to_string(),
            tlp,
            to,
        });
    }
}

/// A technical exercise's findings at the organisation chosen above: what the trainees found in
/// its records (host names, indicators, ATT&CK ids, pasted as they come), and the collections
/// they have to analyse.
pub(super) fn findings(
    ui: &mut Ui,
    team: &str,
    org: &Named,
    v: &[CollectionLine],
    orders: &mut Orders,
) {
    let key = egui::Id::new(("findings-text", team));
    let mut text: String = ui.data_mut(|d| d.get_temp(key).unwrap_or_default());
    ui.separator();
    ui.label(RichText::new(format!("Findings at {}", org.name)).strong());
    for c in v.iter().rev().take(3) {
        ui.label(format!("collection: {} at {}", c.org.name, c.time));
    }
    ui.add(
        egui::TextEdit::multiline(&mut text)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text("hosts, indicators and ATT&CK ids found in the records"),
    );
    if ui
        .button("Submit findings")
        .on_hover_text("the hosts named become the incident's scope: isolate cuts off these")
        .clicked()
        && let Some(c) = findings_from_text(team, &org.id, &text)
    {
        orders.0.push(c);
        text.clear();
    }
    ui.data_mut(|d| d.insert_temp(key, text));
}

/// A Leadership team's statement: to whom, what it says, and the button that issues it.
pub(super) fn statement(ui: &mut Ui, team: &str, orders: &mut Orders) {
    use crate::scenario::Listeners;
    let to_key = egui::Id::new(("statement-to", team));
    let text_key = egui::Id::new(("statement-text", team));
    let mut to = ui.data_mut(|d| *d.get_temp_mut_or(to_key, Listeners::Public));
    let mut text: String = ui.data_mut(|d| d.get_temp(text_key).unwrap_or_default());
    ui.horizontal(|ui| {
        ui.label("Statement to");
        egui::ComboBox::from_id_salt(to_key)
            .selected_text(to.label())
            .show_ui(ui, |ui| {
                for l in Listeners::ALL {
                    ui.selectable_value(&mut to, l, l.label());
                }
            });
    });
    ui.add(
        egui::TextEdit::multiline(&mut text)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text("What the government says, in the words it would publish"),
    );
    if ui.button("Issue statement").clicked() && !text.trim().is_empty() {
        orders.0.push(Command::Statement {
            team: team.to_string(),
            to,
            text: std::mem::take(&mut text),
        });
    }
    ui.data_mut(|d| {
        d.insert_temp(to_key, to);
        d.insert_temp(text_key, text);
    });
}

/// The facilitator's desk beside the screens: notes for the record, the decisions trainee
/// teams owe (the room is waiting on them), and the orders of the teams trainees play.
pub(super) fn exercise_panel(
    ui: &mut Ui,
    plan: &Plan,
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
    plan: &Plan,
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
