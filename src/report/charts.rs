//! The after-action report's charts, drawn as inline SVG from the events: hosts compromised and
//! encrypted over time per island, how long each island took to know, where intelligence was
//! put to work and when, services down over time, and losses by sector. Text stays text, so the
//! page prints sharp and needs no fonts or script.

use std::collections::BTreeMap;

use plotters::prelude::*;
use serde::Serialize;

use super::picture::OperatingPicture;
use crate::scenario::Plan;
use crate::scenario::ids::OrgIx;
use crate::sim::events::DownCause;

#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    /// What the reader is looking at, in a sentence (also the SVG's description).
    pub caption: String,
    #[serde(skip)]
    pub svg: String,
}

const WIDTH: u32 = 1000;

/// Every chart of the report, drawn from the operating picture of the exercise up to `end`
/// (never from a pass of its own over the events).
pub fn charts(plan: &Plan, picture: &OperatingPicture, end: u64) -> Vec<Chart> {
    let hours = end.max(60) as f64 / 60.0;
    vec![
        hosts_over_time(plan, picture, hours),
        detection_delay(plan, picture, hours),
        intel_reach(plan, picture, hours),
        services_down(plan, picture, end),
        losses_by_sector(plan, picture, end),
    ]
}

/// A count's steps as the corners of a line in hours, from (0, 0).
fn step_line(steps: &super::trend::Steps) -> Vec<(f64, f64)> {
    let mut line = vec![(0.0, 0.0)];
    for &(tick, value) in &steps.0 {
        let (t, before) = (tick as f64 / 60.0, line.last().map_or(0.0, |p| p.1));
        line.push((t, before));
        line.push((t, value as f64));
    }
    line
}

fn chart(id: &'static str, title: &'static str, caption: String, svg: String) -> Chart {
    // A title and a description for screen readers and for tools that list the charts.
    let svg = svg.replacen(
        '>',
        &format!(
            " role=\"img\" aria-label=\"{title}\" data-chart=\"{id}\"><title>{title}</title><desc>{}</desc>",
            caption.replace('&', "and").replace(['<', '>'], "")
        ),
        1,
    );
    Chart {
        id,
        title,
        caption,
        svg,
    }
}

/// Islands by index with their short ids, for axis labels.
fn island_ids(plan: &Plan) -> Vec<String> {
    plan.scenario.islands.iter().map(|i| i.id.clone()).collect()
}

fn hosts_over_time(plan: &Plan, picture: &OperatingPicture, hours: f64) -> Chart {
    let n = plan.islands.len();
    // Per island, (hour, running total) steps of compromised hosts and of encrypted ones.
    let trends = &picture.trends;
    let compromised: Vec<Vec<(f64, f64)>> = trends.compromised.iter().map(step_line).collect();
    let encrypted: Vec<Vec<(f64, f64)>> = trends.encrypted.iter().map(step_line).collect();
    let hit: Vec<usize> = (0..n)
        .filter(|i| compromised[*i].len() > 1 || encrypted[*i].len() > 1)
        .collect();
    let ids = island_ids(plan);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 340)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let halves = root.split_evenly((1, 2));
        for (half, (lines, what)) in halves
            .iter()
            .zip([(&compromised, "compromised"), (&encrypted, "encrypted")])
        {
            let top = hit
                .iter()
                .filter_map(|i| lines[*i].last().map(|p| p.1))
                .fold(1.0f64, f64::max);
            let Ok(mut c) = ChartBuilder::on(half)
                .caption(format!("hosts {what}"), ("sans-serif", 15))
                .margin(8)
                .x_label_area_size(32)
                .y_label_area_size(44)
                .build_cartesian_2d(0.0..hours, 0.0..top * 1.08)
            else {
                continue;
            };
            let _ = c
                .configure_mesh()
                .x_desc("hours into the exercise")
                .light_line_style(WHITE)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .draw();
            for (k, &i) in hit.iter().enumerate() {
                let colour = Palette99::pick(k).to_rgba();
                let mut line = lines[i].clone();
                let last = line.last().map_or(0.0, |p| p.1);
                line.push((hours, last));
                if let Ok(series) = c.draw_series(LineSeries::new(line, colour.stroke_width(2))) {
                    series.label(ids[i].clone()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                    });
                }
            }
            let _ = c
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .draw();
        }
        let _ = root.present();
    }
    let caption = format!(
        "Hosts an attacker held (left) and hosts encrypted (right), running totals per island, \
         over {hours:.0} hours; islands never touched are left out ({} shown).",
        hit.len()
    );
    chart(
        "hosts",
        "Hosts compromised and encrypted over time",
        caption,
        svg,
    )
}

/// The label of the bar centred at `y` (bars are drawn top to bottom in `names` order, each
/// one unit high); empty between bars.
fn bar_label(names: &[String], y: f64) -> String {
    let k = y - 0.5;
    if (k - k.round()).abs() > 0.01 || k < 0.0 {
        return String::new();
    }
    names
        .len()
        .checked_sub(1 + k.round() as usize)
        .and_then(|i| names.get(i))
        .cloned()
        .unwrap_or_default()
}

/// Grey: what no team could change (the scenario's own outages), and a bar drawn to the end
/// for "never".
const SCRIPTED_GREY: RGBColor = RGBColor(200, 200, 200);

/// Horizontal bars, one per row label, from 0 to each value (hours); `None` is drawn as a
/// grey bar to the end of the exercise, labelled "never". `scripted`, when given, is the part
/// of each value drawn grey from 0 (the script's own), the rest in `colour`.
fn bars(
    labels: &[String],
    (values, scripted): (&[Option<f64>], &[f64]),
    top: f64,
    unit: &str,
    colour: RGBColor,
) -> String {
    let mut svg = String::new();
    {
        let height = 60 + 26 * labels.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let rows = labels.len().max(1) as f64;
        let money = unit.starts_with("US$");
        if let Ok(mut c) = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(150)
            .build_cartesian_2d(0.0..top.max(1e-9) * 1.05, 0.0..rows)
        {
            let names = labels.to_vec();
            let _ = c
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(labels.len() * 2 + 1)
                .y_label_formatter(&move |y| bar_label(&names, *y))
                .x_desc(unit)
                .light_line_style(WHITE)
                .x_label_formatter(&|x| {
                    if money {
                        super::money::usd(*x)
                    } else {
                        format!("{x:.0}")
                    }
                })
                .draw();
            let n = labels.len();
            let _ = c.draw_series(values.iter().enumerate().map(|(k, v)| {
                let y = (n - 1 - k) as f64;
                let from = scripted.get(k).copied().unwrap_or(0.0);
                let (x, style) = match v {
                    Some(x) => (*x, colour.filled()),
                    None => (top, SCRIPTED_GREY.filled()),
                };
                Rectangle::new([(from.min(x), y + 0.2), (x, y + 0.8)], style)
            }));
            let _ = c.draw_series(scripted.iter().enumerate().map(|(k, x)| {
                let y = (n - 1 - k) as f64;
                Rectangle::new([(0.0, y + 0.2), (*x, y + 0.8)], SCRIPTED_GREY.filled())
            }));
            let _ = c.draw_series(values.iter().enumerate().map(|(k, v)| {
                let y = (n - 1 - k) as f64 + 0.5;
                let text = match v {
                    Some(x) if money => super::money::usd(*x),
                    Some(x) => format!("{x:.1}"),
                    None => "never".into(),
                };
                let x = v.unwrap_or(top);
                Text::new(text, (x, y), ("sans-serif", 12).into_font())
            }));
        }
        let _ = root.present();
    }
    svg
}

fn detection_delay(plan: &Plan, picture: &OperatingPicture, hours: f64) -> Chart {
    let ids = island_ids(plan);
    let (mut labels, mut values) = (Vec::new(), Vec::new());
    for (i, island) in picture.islands.iter().enumerate() {
        if let Some(hit) = island.first_compromised {
            labels.push(ids[i].clone());
            values.push(
                island
                    .first_detection
                    .map(|k: u64| k.saturating_sub(hit) as f64 / 60.0),
            );
        }
    }
    let top = values
        .iter()
        .flatten()
        .copied()
        .fold(hours.min(24.0), f64::max);
    let svg = bars(
        &labels,
        (&values, &[]),
        top,
        "hours from the first compromise to the island knowing",
        RGBColor(11, 110, 143),
    );
    let never = values.iter().filter(|v| v.is_none()).count();
    let caption = format!(
        "For each island hit, hours from its first compromised host to its first incident or \
         ransom note; {never} island{} never knew (grey).",
        if never == 1 { "" } else { "s" }
    );
    chart(
        "detection",
        "How long each island took to know",
        caption,
        svg,
    )
}

fn intel_reach(plan: &Plan, picture: &OperatingPicture, hours: f64) -> Chart {
    let ids = island_ids(plan);
    let n = ids.len();
    let points: Vec<(f64, usize, u32)> = picture
        .trends
        .intel
        .iter()
        .map(|&(tick, island, item)| (tick as f64 / 60.0, island.ix(), item))
        .collect();
    let mut svg = String::new();
    {
        let height = 70 + 24 * n as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        if let Ok(mut c) = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..hours, -0.5..n as f64 - 0.5)
        {
            let names = ids.clone();
            let _ = c
                .configure_mesh()
                .y_labels(n)
                .y_label_formatter(&move |y| {
                    let k = y.round();
                    if (y - k).abs() < 0.01 && k >= 0.0 {
                        names.get(k as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                })
                .x_desc("hours into the exercise")
                .light_line_style(WHITE)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .draw();
            let _ = c.draw_series(points.iter().map(|(t, i, item)| {
                Circle::new((*t, *i as f64), 5, Palette99::pick(*item as usize).filled())
            }));
        }
        let _ = root.present();
    }
    let items: std::collections::BTreeSet<u32> = points.iter().map(|p| p.2).collect();
    let reached: std::collections::BTreeSet<usize> = points.iter().map(|p| p.1).collect();
    let caption = format!(
        "Each dot is an item of intelligence put to work on an island (one colour per item): {} \
         item{} reached {} of {n} islands.",
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        reached.len()
    );
    chart(
        "intel",
        "Where intelligence was put to work, and when",
        caption,
        svg,
    )
}

fn services_down(plan: &Plan, picture: &OperatingPicture, end: u64) -> Chart {
    // Outages per service: (from, to) in hours; those still going run to the end.
    let mut spans: BTreeMap<usize, Vec<(f64, f64)>> = BTreeMap::new();
    let still_down = picture.down_since.iter().map(|(s, from)| (*s, *from, end));
    for (s, from, to) in picture.outages.iter().copied().chain(still_down) {
        spans
            .entry(s.ix())
            .or_default()
            .push((from as f64 / 60.0, to as f64 / 60.0));
    }
    let hours = end.max(60) as f64 / 60.0;
    let rows: Vec<(String, Vec<(f64, f64)>)> = spans
        .into_iter()
        .map(|(s, v)| {
            let svc = &plan.scenario.services[s];
            (
                format!(
                    "{} ({})",
                    svc.id,
                    plan.scenario.islands[plan.services[s].island.ix()].id
                ),
                v,
            )
        })
        .collect();
    let mut svg = String::new();
    {
        let height = 60 + 22 * rows.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        if let Ok(mut c) = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(190)
            .build_cartesian_2d(0.0..hours, 0.0..rows.len().max(1) as f64)
        {
            let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
            let count = names.len();
            let _ = c
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(count * 2 + 1)
                .y_label_formatter(&move |y| bar_label(&names, *y))
                .x_desc("hours into the exercise")
                .light_line_style(WHITE)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .draw();
            let n = rows.len();
            let _ = c.draw_series(rows.iter().enumerate().flat_map(|(k, (_, v))| {
                let y = (n - 1 - k) as f64;
                v.iter().map(move |(a, b)| {
                    Rectangle::new(
                        [(*a, y + 0.2), (b.max(*a + 0.05), y + 0.8)],
                        RGBColor(198, 40, 40).filled(),
                    )
                })
            }));
        }
        let _ = root.present();
    }
    let caption = format!(
        "Each bar is a service down, from the moment it failed to the moment it came back (or the \
         end); {} service{} went down.",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    chart("services", "Services down over time", caption, svg)
}

fn losses_by_sector(plan: &Plan, picture: &OperatingPicture, end: u64) -> Chart {
    let d = &plan.defaults;
    let mut by_sector: BTreeMap<String, f64> = BTreeMap::new();
    // Of it, services down because of the script's own outages alone.
    let mut scripted: BTreeMap<String, f64> = BTreeMap::new();
    let sector_of = |o: OrgIx| format!("{:?}", plan.orgs[o].sector);
    for (s, svc) in plan.services.iter().enumerate() {
        let s = crate::scenario::ids::ServiceIx::from(s);
        let down = picture.service_down_minutes(s, end);
        let per_minute = svc.cost_per_hour_usd / 60.0;
        *by_sector.entry(sector_of(svc.org)).or_default() += per_minute * down as f64;
        let by_cause = picture.service_down_minutes_by_cause(s, end);
        *scripted.entry(sector_of(svc.org)).or_default() +=
            per_minute * by_cause[DownCause::Scripted as usize] as f64;
    }
    for island in &picture.islands {
        for org in &island.breached {
            *by_sector.entry(sector_of(*org)).or_default() += d.breach_usd;
        }
    }
    for (org, usd) in &picture.ransoms {
        *by_sector.entry(sector_of(*org)).or_default() += *usd as f64;
    }
    for (org, r) in &picture.recovery {
        let rate =
            d.interruption_rate(plan.orgs[*org].sector) / crate::time::MINUTES_PER_DAY as f64;
        *by_sector.entry(sector_of(*org)).or_default() +=
            d.recovery_usd(r.encrypted, r.rebuilt) + r.host_minutes_down(end) as f64 * rate;
    }
    let mut rows: Vec<(String, f64)> = by_sector.into_iter().filter(|(_, v)| *v > 0.0).collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let values: Vec<Option<f64>> = rows.iter().map(|r| Some(r.1)).collect();
    let grey: Vec<f64> = (rows.iter())
        .map(|r| scripted.get(&r.0).copied().unwrap_or(0.0))
        .collect();
    let top = rows.first().map_or(1.0, |r| r.1);
    let svg = bars(
        &labels,
        (&values, &grey),
        top,
        "US$ lost by the end of the exercise",
        RGBColor(249, 168, 37),
    );
    let total: f64 = rows.iter().map(|r| r.1).sum();
    let caption = format!(
        "Losses by the sector of the organisation that bore them (services down, recovery, \
         business interruption, data breaches, ransoms): {} in all; in grey, {} of services \
         down because of the scenario's own outages (cable cuts, power), which no team could \
         change, in orange what followed the attacks and the response.",
        super::money::usd(total),
        super::money::usd(grey.iter().sum())
    );
    chart("losses", "Losses by sector", caption, svg)
}
