//! The team view (`tidewatch console --team TEAM_ID`, and the window of a trainee's seat): one
//! national team's screen, drawn from a [`TeamView`] built only from what that team may see
//! (`report::knowledge`). Its inbox and the decisions put to it, its orders, its alert queue,
//! incidents and intelligence, its feed, and a map of what it knows. Nothing here reads the
//! simulation's state: a trainee must not see the ground truth.

use std::collections::VecDeque;

use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, Color32, RichText, ScrollArea, Ui};

use super::Orders;
use super::clock_bar::{ClockControls, clock_bar};
use super::desk::team_actions;
use super::map;
use super::panels::{feed_panel, root_ui};
use crate::exercise::pacing::Pacing;
use crate::report::knowledge::TeamKnowledge;
use crate::report::view::{ClockView, FeedLine, Geography, TeamView, push_lines};
use crate::scenario::Command;
use crate::scenario::ids::TeamIx;
use crate::sim::{Clock, EventLog, Region};

/// What one team's screen shows: filled from the team's knowledge in `console --team`, or from
/// the host on a seat.
#[derive(Resource, Default)]
pub struct TeamScreen {
    pub geography: Geography,
    pub clock: ClockView,
    pub view: TeamView,
    pub feed: VecDeque<FeedLine>,
}

/// The team's knowledge, folded in this window (`console --team`).
#[derive(Resource)]
pub struct LocalTeam(pub TeamKnowledge);

impl LocalTeam {
    pub fn new(team: TeamIx) -> Self {
        LocalTeam(TeamKnowledge::new(team))
    }
}

pub fn collect(
    region: Res<Region>,
    log: Res<EventLog>,
    clock: Res<Clock>,
    pacing: Res<Pacing>,
    mut local: ResMut<LocalTeam>,
    mut screen: ResMut<TeamScreen>,
) {
    let new = local.0.update(&region, log.all());
    if !new.is_empty() || screen.view.team.id.is_empty() {
        screen.view = TeamView::of(&region, &local.0);
        if screen.geography.islands.is_empty() {
            screen.geography = Geography::of(&region);
        }
        let lines: Vec<FeedLine> = new.iter().map(|e| FeedLine::for_team(&region, e)).collect();
        push_lines(&mut screen.feed, lines);
    }
    screen.clock = ClockView::of(&region, clock.now, pacing.paused, &pacing.speed.label());
}

/// `console --team`: the clock bar is the window's own (self-study: whoever sits here runs it).
pub fn draw(
    mut contexts: EguiContexts,
    region: Res<Region>,
    screen: Res<TeamScreen>,
    mut controls: ClockControls,
    mut chosen: Local<usize>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx, "team");
    clock_bar(&mut root, &region, &mut controls, None);
    let s = &*screen;
    let parts = (&s.geography, &s.clock, &s.view, &s.feed);
    show(&mut root, parts, &mut controls.orders, &mut chosen);
    Ok(())
}

/// A team's screen in parts: the region, the clock, the view and the feed.
pub type Parts<'a> = (
    &'a Geography,
    &'a ClockView,
    &'a TeamView,
    &'a VecDeque<FeedLine>,
);

/// Everything under the clock bar: decisions and inbox on the left, the desk at the bottom,
/// the feed on the right, the map in the middle.
pub fn show(root: &mut Ui, parts: Parts, orders: &mut Orders, chosen: &mut usize) {
    let (geography, clock, v, feed) = parts;
    egui::Panel::bottom("desk")
        .default_size(if v.hub.is_some() { 360.0 } else { 250.0 })
        .show(root, |ui| desk(ui, geography, v, orders, chosen));
    egui::Panel::left("inbox")
        .default_size(380.0)
        .resizable(true)
        .show(root, |ui| {
            ui.heading(&v.team.name);
            ui.separator();
            module(ui, v);
            decisions(ui, v, clock.now, orders);
            ui.heading(format!("Inbox ({})", v.inbox.len()));
            ScrollArea::vertical()
                .auto_shrink([false; 2])
                .show(ui, |ui| inbox(ui, v));
        });
    egui::Panel::right("known")
        .default_size(400.0)
        .resizable(true)
        .show(root, |ui| feed_panel(ui, "What we know", feed));
    let mut geo = geography.clone();
    for (i, route) in geo.links.iter_mut().enumerate() {
        route.up = !v.links_cut.contains(&i);
    }
    egui::CentralPanel::default().show(root, |ui| map::draw(ui, &geo, &v.islands));
}

/// Decisions put to the team, with how long the room has waited for its answer.
fn decisions(ui: &mut Ui, v: &TeamView, now: u64, orders: &mut Orders) {
    for d in &v.decisions {
        let waited = crate::time::Span(now.saturating_sub(d.asked));
        ui.label(
            RichText::new(format!("Decision {}: {}", d.inject, d.prompt))
                .strong()
                .color(Color32::from_rgb(235, 190, 80)),
        );
        let left = match d.deadline {
            Some(at) if at > now => format!(
                "asked {waited} ago; in {} the room moves on with \"{}\"",
                crate::time::Span(at - now),
                d.default
            ),
            Some(_) => format!("asked {waited} ago; time is up: \"{}\"", d.default),
            None => format!("asked {waited} ago"),
        };
        ui.label(RichText::new(left).weak());
        if !d.taken_by(&v.team.id) {
            ui.label(RichText::new(format!("for {} to decide", d.decider)).italics());
            ui.separator();
            continue;
        }
        ui.horizontal_wrapped(|ui| {
            for (option, label) in &d.options {
                if ui.button(label).clicked() {
                    orders.0.push(Command::Decide {
                        team: v.team.id.clone(),
                        inject: d.inject.clone(),
                        option: option.clone(),
                    });
                }
            }
        });
        ui.separator();
    }
}

/// The module the room is in: its situation and the questions it will discuss.
fn module(ui: &mut Ui, v: &TeamView) {
    let Some(m) = &v.module else {
        return;
    };
    ui.label(
        RichText::new(&m.title)
            .strong()
            .color(Color32::from_rgb(120, 200, 255)),
    );
    if !m.description.is_empty() {
        ui.label(&m.description);
    }
    if !m.questions.is_empty() {
        ui.label(
            RichText::new(if m.ended {
                "The room discusses now:"
            } else {
                "Questions for the end of the module:"
            })
            .italics(),
        );
        for q in &m.questions {
            ui.label(format!("- {q}"));
        }
    }
    ui.separator();
}

/// Injects delivered to the team, newest first, with their body and questions.
fn inbox(ui: &mut Ui, v: &TeamView) {
    let newest = v.inbox.len().saturating_sub(1);
    for (n, i) in v.inbox.iter().enumerate().rev() {
        egui::CollapsingHeader::new(
            RichText::new(format!("{}  {}: {}", i.time, i.channel, i.title)).strong(),
        )
        .id_salt(("inbox", n))
        .default_open(n == newest)
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

/// The team's desk: its orders, the alert queue, its incidents and its intelligence; for a
/// Leadership team, its statements and the services down it knows of; for the regional hub,
/// its coordination dashboard.
fn desk(ui: &mut Ui, geography: &Geography, v: &TeamView, orders: &mut Orders, chosen: &mut usize) {
    // The hub's work is relaying and lending, not a national desk's orders.
    if let Some(hub) = &v.hub {
        super::hub::dashboard(ui, &v.team.id, hub, orders);
        return;
    }
    if v.leads {
        ui.columns(2, |cols| {
            super::desk::statement(&mut cols[0], &v.team.id, orders);
            services_down(&mut cols[1], geography, v);
        });
        return;
    }
    ui.columns(3, |cols| {
        team_actions(
            &mut cols[0],
            &v.team,
            (&v.targets, &v.partners),
            orders,
            chosen,
        );
        if v.collects
            && let Some(org) = v.targets.get(*chosen).or(v.targets.first())
        {
            super::desk::findings(&mut cols[0], &v.team.id, org, &v.collections, orders);
        }
        cols[0].label(format!("{} orders given", v.orders_given));
        let (confirmed, dismissed) = v.triaged;
        cols[1].heading(format!("Alert queue ({})", v.queue_total));
        cols[1].label(format!(
            "triaged: {confirmed} confirmed, {dismissed} dismissed"
        ));
        for a in v.queue.iter().take(6) {
            let technique = a.technique.as_deref().unwrap_or("no technique named");
            cols[1].label(format!("#{} {} {} - {technique}", a.number, a.time, a.org));
        }
        cols[2].heading(format!("Incidents ({})", v.incidents.len()));
        for i in &v.incidents {
            let found = i
                .found
                .map_or("not scoped".into(), |f| format!("{f} hosts found"));
            let mut line = format!(
                "#{} {} - {}, {found}, {} isolated",
                i.number, i.org, i.state, i.isolated
            );
            if i.reopened > 0 {
                line += &format!(", reopened {}x", i.reopened);
            }
            if !i.waits_on.is_empty() {
                line += &format!("; waits on: {}", i.waits_on.join(", "));
            }
            cols[2].label(line);
        }
        cols[2].heading(format!("Intelligence ({})", v.intel.len()));
        for i in &v.intel {
            let applied = i
                .applied
                .as_ref()
                .map_or("not applied".into(), |t| format!("applied {t}"));
            cols[2].label(format!("item {} ({}) - {applied}", i.number, i.source));
        }
    });
}

/// What the public can see is down, island by island, as the team knows it.
fn services_down(ui: &mut Ui, geography: &Geography, v: &TeamView) {
    ui.heading("Services down");
    let mut any = false;
    for (place, known) in geography.islands.iter().zip(&v.islands) {
        if known.services_down > 0 || known.dark {
            any = true;
            let dark = if known.dark { ", no power" } else { "" };
            ui.label(format!(
                "{}: {} down{dark}",
                place.name, known.services_down
            ));
        }
    }
    if !any {
        ui.label(RichText::new("none known").weak());
    }
}
