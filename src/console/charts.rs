//! The charts screen: hosts compromised and encrypted and services down over time per island, and
//! the reach of shared intelligence (which island applied which item, when). Drawn from the
//! operating picture's trends, which the fold keeps as events arrive: a frame reads them, it
//! never re-reads the event log.

use bevy_egui::egui::{self, Color32, Ui};
use egui_plot::{GridMark, HoverPosition, Legend, Line, MarkerShape, Plot, PlotPoints, Points};

use crate::report::OperatingPicture;
use crate::report::trend::Steps;
use crate::scenario::Plan;

/// One colour per island, the same on every chart.
fn island_colour(i: usize, n: usize) -> Color32 {
    let hue = i as f32 / n.max(1) as f32;
    egui::ecolor::Hsva::new(hue, 0.65, 0.95, 1.0).into()
}

/// The corners of a step line, in hours since STARTEX.
fn line_points(steps: &Steps, now: u64) -> PlotPoints<'static> {
    steps
        .corners(now)
        .into_iter()
        .map(|(t, v)| [t as f64 / 60.0, v as f64])
        .collect()
}

pub fn draw(ui: &mut Ui, plan: &Plan, picture: &OperatingPicture, now: u64) {
    let trends = &picture.trends;
    let height = ((ui.available_height() - 40.0) / 2.0).max(140.0);
    let width = (ui.available_width() - 12.0) / 2.0;
    let per_island = |ui: &mut Ui, id: &str, title: &str, series: &[Steps]| {
        ui.vertical(|ui| {
            ui.strong(title);
            chart(plan, id, width, height - 20.0).show(ui, |p| {
                for (i, steps) in series.iter().enumerate() {
                    if steps.0.is_empty() {
                        continue;
                    }
                    p.line(
                        Line::new(plan.scenario.islands[i].id.clone(), line_points(steps, now))
                            .color(island_colour(i, series.len()))
                            .width(2.0),
                    );
                }
            });
        });
    };
    ui.horizontal(|ui| {
        per_island(
            ui,
            "compromised",
            "Hosts compromised (ever held), per island",
            &trends.compromised,
        );
        per_island(
            ui,
            "encrypted",
            "Hosts encrypted, per island",
            &trends.encrypted,
        );
    });
    ui.horizontal(|ui| {
        per_island(
            ui,
            "services",
            "Services down, per island",
            &trends.services_down,
        );
        ui.vertical(|ui| {
            ui.strong("Intelligence reach: each item applied, by island");
            let islands: Vec<String> = plan.scenario.islands.iter().map(|i| i.id.clone()).collect();
            let n = islands.len();
            // Per island: where its points go, and which item each one is (for the hover).
            let mut points: Vec<Vec<[f64; 2]>> = vec![Vec::new(); n];
            let mut items: Vec<Vec<u32>> = vec![Vec::new(); n];
            for &(t, isl, item) in &trends.intel {
                points[isl.ix()].push([t as f64 / 60.0, isl.ix() as f64]);
                items[isl.ix()].push(item);
            }
            let names = islands.clone();
            let start = &plan.scenario.start;
            chart(plan, "intel", width, height - 20.0)
                .y_axis_formatter(move |mark: GridMark, _| {
                    let k = mark.value.round();
                    if (mark.value - k).abs() < 1e-6 && k >= 0.0 {
                        islands.get(k as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                })
                .label_formatter(move |hover| match hover {
                    HoverPosition::NearDataPoint {
                        plot_name,
                        position,
                        index,
                    } => {
                        let island = names.iter().position(|n| n == plot_name)?;
                        let item = items[island].get(*index)?;
                        let t = (position.x.max(0.0) * 60.0).round() as u64;
                        Some(format!(
                            "{plot_name} applies item #{item} at {}",
                            start.at(t).clock()
                        ))
                    }
                    HoverPosition::Elsewhere { .. } => None,
                })
                .include_y(-0.5)
                .include_y(n as f64 - 0.5)
                .show(ui, |p| {
                    for (i, pts) in points.into_iter().enumerate() {
                        if pts.is_empty() {
                            continue;
                        }
                        p.points(
                            Points::new(plan.scenario.islands[i].id.clone(), pts)
                                .shape(MarkerShape::Diamond)
                                .radius(5.0)
                                .color(island_colour(i, n)),
                        );
                    }
                });
        });
    });
}

/// A chart over exercise time: hours since STARTEX on the axis, read as clock times.
fn chart<'a>(plan: &'a Plan, id: &str, width: f32, height: f32) -> Plot<'a> {
    let start = &plan.scenario.start;
    Plot::new(id.to_string())
        .width(width)
        .height(height)
        .legend(Legend::default())
        .include_x(0.0)
        .include_y(0.0)
        .allow_scroll(false)
        .x_axis_formatter(move |mark: GridMark, _| {
            if mark.value < 0.0 {
                return String::new();
            }
            start.at((mark.value * 60.0).round() as u64).clock()
        })
        .label_formatter(move |hover| {
            let (name, at) = match hover {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => (*plot_name, position),
                HoverPosition::Elsewhere { position } => ("", position),
            };
            let t = (at.x.max(0.0) * 60.0).round() as u64;
            Some(format!("{name} {}\n{:.0}", start.at(t).clock(), at.y))
        })
}
