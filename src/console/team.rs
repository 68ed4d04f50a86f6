//! The team view (`tidewatch console --team TEAM_ID`): one national team's screen, built only
//! from what that team may see (`report::knowledge`). Its inbox and the decisions put to it, its
//! orders, its alert queue, incidents and intelligence, its feed, and a map of what it knows.
//! Nothing here reads the simulation's state: a trainee must not see the ground truth.

use std::collections::{BTreeMap, VecDeque};

use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, Color32, RichText, ScrollArea, Ui};

use super::Orders;
use super::map::{self, IslandView};
use super::panels::{
    ClockControls, FeedLine, clock_bar, feed_panel, push_line, root_ui, team_actions,
};
use crate::report::knowledge::TeamKnowledge;

use crate::scenario::ids::TeamIx;
use crate::scenario::{Command, Plan};
use crate::sim::{EventLog, Region};

/// What one team's screen shows, folded from the events it may see as they come.
#[derive(Resource)]
pub struct TeamScreen {
    pub knowledge: TeamKnowledge,
    pub lines: VecDeque<FeedLine>,
}

impl TeamScreen {
    pub fn new(team: TeamIx) -> Self {
        TeamScreen {
            knowledge: TeamKnowledge::new(team),
            lines: VecDeque::new(),
        }
    }

    /// The map as the team knows it: its own incidents and what scoping found, outages
    /// everyone sees; never a compromise it has not found.
    fn islands(&self, plan: &Plan) -> Vec<IslandView> {
        let mut views = vec![IslandView::default(); plan.islands.len()];
        for inc in self.knowledge.incidents.values() {
            let v = &mut views[plan.orgs[inc.org].island];
            v.incidents += 1;
            v.detected = true;
            v.ever_compromised += inc.found.unwrap_or(0) as usize;
            if !inc.contained {
                v.held += inc.found.unwrap_or(0).saturating_sub(inc.isolated) as usize;
            }
        }
        for s in &self.knowledge.services_down {
            views[plan.services[*s].island].services_down += 1;
        }
        for i in &self.knowledge.dark {
            views[*i].dark = true;
        }
        views
    }
}

pub fn collect(region: Res<Region>, log: Res<EventLog>, mut screen: ResMut<TeamScreen>) {
    let screen = &mut *screen;
    for e in screen.knowledge.update(&region, log.all()) {
        push_line(&mut screen.lines, &region, e);
    }
}

pub fn draw(
    mut contexts: EguiContexts,
    region: Res<Region>,
    screen: Res<TeamScreen>,
    links: Query<&crate::sim::network::Link>,
    mut controls: ClockControls,
    mut targets: Local<BTreeMap<u32, usize>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx, "team");
    let plan = &region.0;
    let k = &screen.knowledge;
    clock_bar(&mut root, plan, &mut controls);
    let now = controls.clock.now;
    let orders = &mut *controls.orders;
    egui::Panel::bottom("desk")
        .default_size(250.0)
        .show(&mut root, |ui| desk(ui, plan, k, orders, &mut targets));
    egui::Panel::left("inbox")
        .default_size(380.0)
        .resizable(true)
        .show(&mut root, |ui| {
            let team = &plan.scenario.teams[k.team];
            ui.heading(&team.name);
            ui.separator();
            decisions(ui, plan, k, now, orders);
            ui.heading(format!("Inbox ({})", k.inbox.len()));
            ScrollArea::vertical()
                .auto_shrink([false; 2])
                .show(ui, |ui| inbox(ui, plan, k));
        });
    egui::Panel::right("known")
        .default_size(400.0)
        .resizable(true)
        .show(&mut root, |ui| {
            feed_panel(ui, plan, "What we know", &screen.lines);
        });
    egui::CentralPanel::default().show(&mut root, |ui| {
        let links: Vec<_> = links.iter().cloned().collect();
        map::draw(ui, plan, &screen.islands(plan), &links);
    });
    Ok(())
}

/// Decisions put to the team, with the time left before the exercise moves on without it.
fn decisions(ui: &mut Ui, plan: &Plan, k: &TeamKnowledge, now: u64, orders: &mut Orders) {
    for &inject in &k.pending_decisions {
        let authored = &plan.scenario.msel[inject];
        let Some(d) = &authored.decision else {
            continue;
        };
        let fired = k
            .inbox
            .iter()
            .find(|(_, i)| *i == inject)
            .map_or(now, |(t, _)| *t);
        let waited = crate::time::Span(now.saturating_sub(fired));
        ui.label(
            RichText::new(format!("Decision {}: {}", authored.id, d.prompt))
                .strong()
                .color(Color32::from_rgb(235, 190, 80)),
        );
        ui.label(RichText::new(format!("asked {waited} ago")).weak());
        ui.horizontal_wrapped(|ui| {
            for o in &d.options {
                if ui.button(&o.label).clicked() {
                    orders.0.push(Command::Decide {
                        team: plan.scenario.teams[k.team].id.clone(),
                        inject: authored.id.clone(),
                        option: o.id.clone(),
                    });
                }
            }
        });
        ui.separator();
    }
}

/// Injects delivered to the team, newest first, with their body and questions.
fn inbox(ui: &mut Ui, plan: &Plan, k: &TeamKnowledge) {
    for &(tick, inject) in k.inbox.iter().rev() {
        let i = &plan.scenario.msel[inject];
        let when = plan.scenario.start.at(tick).clock();
        egui::CollapsingHeader::new(
            RichText::new(format!("{when}  {:?}: {}", i.channel, i.title)).strong(),
        )
        .id_salt(("inbox", inject))
        .default_open(k.inbox.last().is_some_and(|(_, x)| *x == inject))
        .show(ui, |ui| {
            if !i.from.is_empty() {
                ui.label(RichText::new(format!("From: {}", i.from)).italics());
            }
            ui.label(&i.body);
            for q in &i.questions {
                ui.label(format!("- {q}"));
            }
        });
    }
}

/// The team's desk: its orders, the alert queue, its incidents and its intelligence.
fn desk(
    ui: &mut Ui,
    plan: &Plan,
    k: &TeamKnowledge,
    orders: &mut Orders,
    targets: &mut BTreeMap<u32, usize>,
) {
    let s = &plan.scenario;
    ui.columns(3, |cols| {
        team_actions(&mut cols[0], plan, k.team.ix(), orders, targets);
        cols[0].label(format!("{} orders given", k.orders.len()));
        let (confirmed, dismissed) = k.triaged;
        cols[1].heading(format!("Alert queue ({})", k.queue.len()));
        cols[1].label(format!(
            "triaged: {confirmed} confirmed, {dismissed} dismissed"
        ));
        for (n, a) in k.queue.iter().take(6) {
            let technique = a.technique.map_or("no technique named".into(), |t| {
                plan.techniques[t].name.clone()
            });
            cols[1].label(format!(
                "#{n} {} {} - {technique}",
                s.start.at(a.raised).clock(),
                s.organisations[a.org].name
            ));
        }
        cols[2].heading(format!("Incidents ({})", k.incidents.len()));
        for (n, i) in &k.incidents {
            let state = if i.closed {
                "closed"
            } else if i.contained {
                "contained"
            } else {
                "open"
            };
            let found = i
                .found
                .map_or("not scoped".into(), |f| format!("{f} hosts found"));
            cols[2].label(format!(
                "#{n} {} - {state}, {found}, {} isolated",
                s.organisations[i.org].name, i.isolated
            ));
        }
        cols[2].heading(format!("Intelligence ({})", k.intel.len()));
        for (n, i) in &k.intel {
            let how = i.channel.map_or("ours".into(), |c| format!("{c:?}"));
            let applied = i.applied.map_or("not applied".into(), |t| {
                format!("applied {}", s.start.at(t).clock())
            });
            cols[2].label(format!("item {n} ({how}) - {applied}"));
        }
    });
}
