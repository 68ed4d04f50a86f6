//! The regional hub's dashboard in a window (a trainee's seat, `console --team` for the hub):
//! the same [`HubView`] the browser page draws. Members as the hub knows them; each item with
//! the source's marking and, while the hub may decide, the marking to relay at (never looser),
//! the members to send it to, a regional advisory, Relay and Hold; each request with how many
//! analysts and on site or remote; and a regional call. Choices live in egui's memory per item
//! and request, so a redraw keeps them.

use bevy_egui::egui::{self, Color32, RichText, ScrollArea, Ui};

use super::Orders;
use crate::report::view::{HubItemLine, HubView, RequestLine};
use crate::scenario::{Command, Tlp};

const WAITING: Color32 = Color32::from_rgb(235, 190, 80);
const HARM: Color32 = Color32::from_rgb(240, 100, 90);

/// The dashboard in three columns: members and the regional call; items; requests.
pub(super) fn dashboard(ui: &mut Ui, team: &str, h: &HubView, orders: &mut Orders) {
    ui.columns(3, |cols| {
        ScrollArea::vertical()
            .id_salt("hub-members")
            .auto_shrink([false; 2])
            .show(&mut cols[0], |ui| {
                members(ui, h);
                call(ui, team, orders);
            });
        let open = h.items.iter().filter(|i| i.relayable).count();
        cols[1].heading(format!(
            "Reports and intelligence ({}, {open} to decide)",
            h.items.len()
        ));
        ScrollArea::vertical()
            .id_salt("hub-items")
            .auto_shrink([false; 2])
            .show(&mut cols[1], |ui| {
                for i in h.items.iter().rev() {
                    item(ui, team, i, orders);
                    ui.separator();
                }
            });
        let waiting = h.requests.iter().filter(|r| r.open).count();
        cols[2].heading(format!(
            "Requests for help ({}, {waiting} waiting)",
            h.requests.len()
        ));
        ScrollArea::vertical()
            .id_salt("hub-requests")
            .auto_shrink([false; 2])
            .show(&mut cols[2], |ui| {
                if h.requests.is_empty() {
                    ui.label(RichText::new("none yet").weak());
                }
                for r in &h.requests {
                    request(ui, team, h, r, orders);
                    ui.separator();
                }
            });
    });
}

fn members(ui: &mut Ui, h: &HubView) {
    ui.heading("Regional coordination");
    let away = match h.analysts_away {
        0 => String::new(),
        n => format!(", {n} on loan"),
    };
    let policy = if h.played {
        ""
    } else {
        ". Played by the policy: it relays and lends by itself."
    };
    ui.label(
        RichText::new(format!(
            "{} analysts at the hub{away}{policy}",
            h.analysts_home
        ))
        .weak(),
    );
    egui::Grid::new("hub-members-grid")
        .striped(true)
        .show(ui, |ui| {
            for head in ["Member", "Contact", "Reports", "Help", "Down", "Reach"] {
                ui.label(RichText::new(head).weak());
            }
            ui.end_row();
            for m in &h.members {
                ui.label(&m.island.name);
                ui.label(RichText::new(m.contact.as_deref().unwrap_or("none")).weak());
                ui.label(m.reports.to_string());
                match (m.asking, m.helping, m.coming) {
                    (true, ..) => ui.label(RichText::new("asking").color(WAITING)),
                    (_, n, _) if n > 0 => ui.label(format!("{n} of ours")),
                    (_, _, n) if n > 0 => ui.label(format!("{n} on the way")),
                    _ => ui.label(""),
                };
                let dark = if m.dark { " no power" } else { "" };
                let down = match m.services_down {
                    0 => dark.trim().to_string(),
                    n => format!("{n}{dark}"),
                };
                ui.label(RichText::new(down).color(HARM));
                match m.reachable {
                    true => ui.label("up"),
                    false => ui.label(RichText::new("cut off").color(HARM)),
                };
                ui.end_row();
            }
        });
}

/// The hub's choice for one item, kept between frames.
#[derive(Clone)]
struct RelayChoice {
    tlp: Tlp,
    to: Vec<String>,
    advisory: bool,
}

fn item(ui: &mut Ui, team: &str, i: &HubItemLine, orders: &mut Orders) {
    ui.label(
        RichText::new(format!(
            "item {} from {} ({}), {}, {}",
            i.number,
            i.from,
            i.by,
            i.marking.label(),
            i.received
        ))
        .strong(),
    );
    ui.label(format!("{}: {}", i.about, i.techniques.join(", ")));
    let state = RichText::new(&i.state);
    ui.label(if i.relayable {
        state.color(WAITING)
    } else {
        state.weak()
    });
    if !i.relayable {
        return;
    }
    let key = egui::Id::new(("hub-item", i.number));
    let fresh = RelayChoice {
        tlp: i.marking,
        to: Vec::new(),
        advisory: false,
    };
    let mut c: RelayChoice = ui.data_mut(|d| d.get_temp(key).unwrap_or(fresh));
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_id_salt(key)
            .selected_text(c.tlp.label())
            .show_ui(ui, |ui| {
                // A relay keeps the source's marking or makes it stricter.
                for t in Tlp::ALL.into_iter().filter(|t| *t >= i.marking) {
                    ui.selectable_value(&mut c.tlp, t, t.label())
                        .on_hover_text(t.reach());
                }
            });
        for m in &i.to {
            let mut ticked = c.to.contains(&m.id);
            if ui
                .checkbox(&mut ticked, &m.id)
                .on_hover_text(&m.name)
                .changed()
            {
                c.to.retain(|x| *x != m.id);
                if ticked {
                    c.to.push(m.id.clone());
                }
            }
        }
    });
    let community = c.tlp <= Tlp::Green;
    c.advisory &= community;
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Relay")
            .on_hover_text("vet it and send it on: no member ticked sends it to every member")
            .clicked()
        {
            orders.0.push(Command::Relay {
                team: team.to_string(),
                item: i.number,
                tlp: c.tlp,
                to: c.to.clone(),
                advisory: c.advisory,
            });
        }
        ui.add_enabled(
            community,
            egui::Checkbox::new(&mut c.advisory, "as a regional advisory"),
        )
        .on_hover_text(
            "every island's organisations pick it up, members or not (TLP:GREEN or CLEAR)",
        );
        if i.holdable && ui.button("Hold").clicked() {
            orders.0.push(Command::HoldIntel {
                team: team.to_string(),
                item: i.number,
            });
        }
    });
    ui.data_mut(|d| d.insert_temp(key, c));
}

fn request(ui: &mut Ui, team: &str, h: &HubView, r: &RequestLine, orders: &mut Orders) {
    ui.label(format!("{} asked at {}: {}", r.team.name, r.asked, r.state));
    if !r.open {
        return;
    }
    let spare = h.analysts_home.saturating_sub(1).max(1);
    let key = egui::Id::new(("hub-request", &r.team.id, &r.asked));
    let (mut analysts, mut on_site) =
        ui.data_mut(|d| *d.get_temp_mut_or(key, (spare.min(2), true)));
    on_site |= r.unreachable;
    ui.horizontal_wrapped(|ui| {
        ui.label("analysts");
        ui.add(egui::DragValue::new(&mut analysts).range(1..=spare));
        ui.radio_value(&mut on_site, true, "on site (they fly)");
        ui.add_enabled_ui(!r.unreachable, |ui| {
            ui.radio_value(&mut on_site, false, "remote")
                .on_disabled_hover_text("the island is cut off: only on site");
        });
        if ui
            .button("Send")
            .on_hover_text(format!("{spare} to spare: the hub keeps one at home"))
            .clicked()
        {
            orders.0.push(Command::SendAnalysts {
                team: team.to_string(),
                to: r.team.id.clone(),
                analysts,
                on_site,
            });
        }
    });
    ui.data_mut(|d| d.insert_temp(key, (analysts, on_site)));
}

/// The hub convenes its members: the agenda goes to every member's contact as an inject.
fn call(ui: &mut Ui, team: &str, orders: &mut Orders) {
    let key = egui::Id::new(("hub-call", team));
    let mut agenda: String = ui.data_mut(|d| d.get_temp(key).unwrap_or_default());
    ui.add_space(8.0);
    ui.add(
        egui::TextEdit::multiline(&mut agenda)
            .desired_rows(2)
            .desired_width(f32::INFINITY)
            .hint_text("The regional call's agenda, as the members will read it"),
    );
    if ui.button("Convene regional call").clicked() && !agenda.trim().is_empty() {
        orders.0.push(Command::RegionalCall {
            team: team.to_string(),
            agenda: std::mem::take(&mut agenda),
        });
    }
    ui.data_mut(|d| d.insert_temp(key, agenda));
}
