//! Composing live: a narrative inject written on the spot for the teams chosen, and the technical
//! injects (a link cut or repaired, a power outage, a campaign launched, started or stopped), each
//! from a form offering the scenario's own ids. What is sent is a command like any other: on the
//! record, replayed the same.

use bevy_egui::egui::{self, Color32, RichText, ScrollArea, Ui};

use super::Orders;
use crate::scenario::{Command, InjectChannel, LiveInject, Plan};
use crate::time::parse_span;

const CHANNELS: [InjectChannel; 8] = [
    InjectChannel::Email,
    InjectChannel::Phone,
    InjectChannel::Media,
    InjectChannel::Social,
    InjectChannel::RansomNote,
    InjectChannel::MinisterialRequest,
    InjectChannel::ThreatFeed,
    InjectChannel::Briefing,
];

/// The forms as filled in so far.
pub struct ComposeDesk {
    title: String,
    body: String,
    channel: InjectChannel,
    from: String,
    to: Vec<bool>,
    questions: String,
    options: String,
    /// The team (by position) that takes the decision, among those ticked.
    decider: usize,
    link: usize,
    outage_island: usize,
    outage_for: String,
    campaign: usize,
    org: usize,
    /// What the last send did, or why it was not sent.
    said: Option<(String, bool)>,
}

impl Default for ComposeDesk {
    fn default() -> Self {
        ComposeDesk {
            title: String::new(),
            body: String::new(),
            channel: InjectChannel::Email,
            from: String::new(),
            to: Vec::new(),
            questions: String::new(),
            options: String::new(),
            decider: 0,
            link: 0,
            outage_island: 0,
            outage_for: "8h".into(),
            campaign: 0,
            org: 0,
            said: None,
        }
    }
}

impl ComposeDesk {
    /// The deciding team as chosen, if it is still ticked (else the first ticked decides).
    fn decider(&self) -> Option<usize> {
        (self.to.get(self.decider) == Some(&true)).then_some(self.decider)
    }

    /// The narrative inject as filled in, or what is missing.
    fn live_inject(&self, plan: &Plan) -> Result<LiveInject, String> {
        let to: Vec<String> = plan
            .scenario
            .teams
            .iter()
            .zip(&self.to)
            .filter(|(_, on)| **on)
            .map(|(t, _)| t.id.clone())
            .collect();
        if self.title.trim().is_empty() {
            return Err("give the inject a title".into());
        }
        if to.is_empty() {
            return Err("tick at least one team to send it to".into());
        }
        Ok(LiveInject {
            title: self.title.trim().to_string(),
            body: self.body.trim().to_string(),
            channel: self.channel,
            from: self.from.trim().to_string(),
            to,
            questions: lines(&self.questions),
            options: lines(&self.options),
            decider: self.decider().map(|t| plan.scenario.teams[t].id.clone()),
        })
    }
}

/// The non-empty lines of a text box, trimmed.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

pub fn draw(ui: &mut Ui, plan: &Plan, orders: &mut Orders, desk: &mut ComposeDesk) {
    let s = &plan.scenario;
    desk.to.resize(s.teams.len(), false);
    ScrollArea::vertical()
        .id_salt("compose")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            if let Some((text, ok)) = &desk.said {
                let colour = if *ok {
                    Color32::from_rgb(110, 200, 140)
                } else {
                    Color32::from_rgb(235, 120, 110)
                };
                ui.label(RichText::new(text).color(colour));
            }
            ui.heading("A narrative inject, written now");
            narrative(ui, plan, orders, desk);
            ui.separator();
            ui.heading("A technical inject");
            technical(ui, plan, orders, desk);
        });
}

fn narrative(ui: &mut Ui, plan: &Plan, orders: &mut Orders, desk: &mut ComposeDesk) {
    let s = &plan.scenario;
    egui::Grid::new("narrative")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label("Title");
            ui.add(egui::TextEdit::singleline(&mut desk.title).desired_width(f32::INFINITY));
            ui.end_row();
            ui.label("Channel");
            egui::ComboBox::from_id_salt("channel")
                .selected_text(format!("{:?}", desk.channel))
                .show_ui(ui, |ui| {
                    for c in CHANNELS {
                        ui.selectable_value(&mut desk.channel, c, format!("{c:?}"));
                    }
                });
            ui.end_row();
            ui.label("From");
            ui.add(
                egui::TextEdit::singleline(&mut desk.from)
                    .hint_text("e.g. Permanent Secretary, Ministry of Finance")
                    .desired_width(f32::INFINITY),
            );
            ui.end_row();
        });
    // The recipients wrap over as many lines as the scenario has teams (outside the grid, whose
    // rows would not grow with them).
    ui.horizontal_wrapped(|ui| {
        ui.label("To");
        for (t, on) in s.teams.iter().zip(desk.to.iter_mut()) {
            ui.checkbox(on, &t.id).on_hover_text(&t.name);
        }
    });
    egui::Grid::new("narrative-text")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label("Body");
            ui.add(
                egui::TextEdit::multiline(&mut desk.body)
                    .desired_rows(4)
                    .desired_width(f32::INFINITY),
            );
            ui.end_row();
            ui.label("Questions");
            ui.add(
                egui::TextEdit::multiline(&mut desk.questions)
                    .hint_text("one per line")
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            );
            ui.end_row();
            ui.label("Decision");
            ui.add(
                egui::TextEdit::multiline(&mut desk.options)
                    .hint_text("options to choose from, one per line (none: nothing to decide)")
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            );
            ui.end_row();
        });
    if !desk.options.trim().is_empty() {
        decider(ui, plan, desk);
    }
    if ui.button("Send to the teams ticked").clicked() {
        desk.said = Some(match desk.live_inject(plan) {
            Ok(inject) => {
                let text = format!("sent \"{}\" to {}", inject.title, inject.to.join(", "));
                orders.0.push(Command::SendInject(inject));
                desk.title.clear();
                desk.body.clear();
                desk.questions.clear();
                desk.options.clear();
                (text, true)
            }
            Err(e) => (e, false),
        });
    }
}

/// Which ticked team takes the decision (the others read it).
fn decider(ui: &mut Ui, plan: &Plan, desk: &mut ComposeDesk) {
    let ticked: Vec<usize> = (0..desk.to.len()).filter(|&t| desk.to[t]).collect();
    let Some(&first) = ticked.first() else {
        return;
    };
    if !ticked.contains(&desk.decider) {
        desk.decider = first;
    }
    let teams = &plan.scenario.teams;
    ui.horizontal(|ui| {
        ui.label("Decided by");
        egui::ComboBox::from_id_salt("decider")
            .selected_text(&teams[desk.decider].id)
            .show_ui(ui, |ui| {
                for t in ticked {
                    ui.selectable_value(&mut desk.decider, t, &teams[t].id);
                }
            });
        ui.label(RichText::new("the other teams ticked read it").weak());
    });
}

/// A combo box over a list of (id, name), by position.
fn pick(ui: &mut Ui, salt: &str, items: &[(String, String)], chosen: &mut usize) {
    let shown = items
        .get(*chosen)
        .map_or(String::from("-"), |(id, name)| format!("{id}  {name}"));
    egui::ComboBox::from_id_salt(salt)
        .selected_text(shown)
        .width(260.0)
        .show_ui(ui, |ui| {
            for (k, (id, name)) in items.iter().enumerate() {
                ui.selectable_value(chosen, k, format!("{id}  {name}"));
            }
        });
}

/// The technical injects, a row each: a link cut or repaired, a power outage, a campaign
/// started or stopped, or launched against an organisation; each from the scenario's own ids.
fn technical(ui: &mut Ui, plan: &Plan, orders: &mut Orders, desk: &mut ComposeDesk) {
    let s = &plan.scenario;
    let links: Vec<(String, String)> = s
        .links
        .iter()
        .map(|l| (l.id.clone(), format!("{} - {}", l.between.0, l.between.1)))
        .collect();
    let islands: Vec<(String, String)> = s
        .islands
        .iter()
        .map(|i| (i.id.clone(), i.name.clone()))
        .collect();
    let campaigns: Vec<(String, String)> = s
        .campaigns
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let orgs: Vec<(String, String)> = s
        .organisations
        .iter()
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    egui::Grid::new("technical")
        .num_columns(3)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            link_row(ui, &links, orders, desk);
            ui.end_row();
            outage_row(ui, &islands, orders, desk);
            ui.end_row();
            campaign_row(ui, &campaigns, orders, desk);
            ui.end_row();
            launch_row(ui, &campaigns, &orgs, orders, desk);
            ui.end_row();
        });
}

/// A technical inject given: on the record, and said on the form.
fn send(orders: &mut Orders, desk: &mut ComposeDesk, command: Command, text: String) {
    orders.0.push(command);
    desk.said = Some((text, true));
}

/// A link, cut or repaired.
fn link_row(ui: &mut Ui, links: &[(String, String)], orders: &mut Orders, desk: &mut ComposeDesk) {
    ui.label("Link");
    pick(ui, "link", links, &mut desk.link);
    ui.horizontal(|ui| {
        if let Some((id, _)) = links.get(desk.link).cloned() {
            if ui.button("Cut").clicked() {
                send(
                    orders,
                    desk,
                    Command::CutLink(id.clone()),
                    format!("cut {id}"),
                );
            }
            if ui.button("Repair").clicked() {
                send(
                    orders,
                    desk,
                    Command::RepairLink(id.clone()),
                    format!("repair {id}"),
                );
            }
        }
    });
}

/// An island's power cut for a span typed in (a minute or more).
fn outage_row(
    ui: &mut Ui,
    islands: &[(String, String)],
    orders: &mut Orders,
    desk: &mut ComposeDesk,
) {
    ui.label("Power outage");
    pick(ui, "outage", islands, &mut desk.outage_island);
    ui.horizontal(|ui| {
        ui.label("for");
        ui.add(egui::TextEdit::singleline(&mut desk.outage_for).desired_width(60.0));
        if ui.button("Cut the power").clicked()
            && let Some((id, _)) = islands.get(desk.outage_island).cloned()
        {
            match parse_span(&desk.outage_for) {
                Ok(duration) if duration.0 > 0 => send(
                    orders,
                    desk,
                    Command::PowerOutage {
                        island: id.clone(),
                        duration,
                    },
                    format!("power out on {id} for {duration}"),
                ),
                Ok(_) => desk.said = Some(("an outage lasts a minute or more".into(), false)),
                Err(e) => desk.said = Some((e, false)),
            }
        }
    });
}

/// A campaign started now against its own targets, or stopped where it stands.
fn campaign_row(
    ui: &mut Ui,
    campaigns: &[(String, String)],
    orders: &mut Orders,
    desk: &mut ComposeDesk,
) {
    ui.label("Campaign");
    pick(ui, "campaign", campaigns, &mut desk.campaign);
    ui.horizontal(|ui| {
        if let Some((id, _)) = campaigns.get(desk.campaign).cloned() {
            if ui
                .button("Start now")
                .on_hover_text("Begin it now against its own targets")
                .clicked()
            {
                send(
                    orders,
                    desk,
                    Command::StartCampaign(id.clone()),
                    format!("start {id}"),
                );
            }
            if ui
                .button("Stop")
                .on_hover_text("The crew stops where it stands")
                .clicked()
            {
                send(
                    orders,
                    desk,
                    Command::CancelCampaign(id.clone()),
                    format!("stop {id}"),
                );
            }
        }
    });
}

/// The chosen campaign's playbook run against an organisation now.
fn launch_row(
    ui: &mut Ui,
    campaigns: &[(String, String)],
    orgs: &[(String, String)],
    orders: &mut Orders,
    desk: &mut ComposeDesk,
) {
    ui.label("Launch it against");
    pick(ui, "launch-org", orgs, &mut desk.org);
    if ui
        .button("Launch")
        .on_hover_text("Run the chosen campaign's playbook against this organisation now")
        .clicked()
        && let (Some((c, _)), Some((o, _))) = (
            campaigns.get(desk.campaign).cloned(),
            orgs.get(desk.org).cloned(),
        )
    {
        send(
            orders,
            desk,
            Command::Launch {
                campaign: c.clone(),
                org: o.clone(),
            },
            format!("launch {c} against {o}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    #[test]
    fn a_narrative_inject_needs_a_title_and_a_team_and_resolves_against_the_plan() {
        let plan = TinyRegion::new()
            .island("A", true, true)
            .csirt("a-csirt", "A")
            .csirt("b-csirt", "A")
            .plan();
        let mut desk = ComposeDesk {
            to: vec![false, false],
            ..Default::default()
        };
        assert_eq!(
            desk.live_inject(&plan).unwrap_err(),
            "give the inject a title"
        );
        desk.title = "  Radio calls  ".into();
        assert_eq!(
            desk.live_inject(&plan).unwrap_err(),
            "tick at least one team to send it to"
        );
        desk.to[1] = true;
        desk.questions = "What do you say?\n\n  Who speaks?  ".into();
        desk.options = "Holding statement\nSay nothing\n".into();
        let inject = desk.live_inject(&plan).unwrap();
        assert_eq!(inject.title, "Radio calls");
        assert_eq!(inject.to, vec!["b-csirt".to_string()]);
        assert_eq!(inject.questions, vec!["What do you say?", "Who speaks?"]);
        assert_eq!(inject.options, vec!["Holding statement", "Say nothing"]);
        assert_eq!(inject.option("2"), Some(1));
        assert_eq!(inject.option("holding statement"), Some(0));
        assert_eq!(inject.option("3"), None);
        assert!(Command::SendInject(inject).resolve(&plan).is_ok());
    }
}
