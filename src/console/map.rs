//! The regional map: islands at their real positions, cable and radio links between them, and
//! each island coloured by what is happening there. A dense cluster (the Leewards beside a
//! hub on the mainland, Fiji beside Papua New Guinea) is opened up with the wheel: scroll to
//! zoom where the pointer is, drag to move, double-click to see the whole region again. What
//! was drawn where is kept (`MapDrawn`) for `console --map-layout` and its tests.

use bevy_egui::egui::{self, Align2, Color32, FontId, Pos2, Sense, Stroke, Ui, pos2, vec2};

pub use crate::report::view::IslandView;
use crate::report::view::{Geography, Route};
use crate::scenario::LinkKind;

/// The island's state as a colour a room can read from the back: calm, intruder unseen,
/// responding, services down.
pub fn state_colour(v: &IslandView) -> (Color32, &'static str) {
    if v.services_down > 0 || v.encrypted {
        (Color32::from_rgb(225, 70, 60), "impact")
    } else if v.held > 0 && !v.detected {
        (Color32::from_rgb(240, 190, 60), "intruder unseen")
    } else if v.held > 0 || (v.incidents > 0 && v.detected) {
        (Color32::from_rgb(240, 130, 50), "responding")
    } else {
        (Color32::from_rgb(70, 150, 210), "calm")
    }
}

pub fn draw(ui: &mut Ui, geo: &Geography, views: &[IslandView]) {
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
    // Room at the sides for the labels of the islands at the edges (the festoon is tall, so
    // its scale is set by the height and the side margins cost nothing).
    let side = (response.rect.width() * 0.16).max(40.0);
    let rect = response.rect.shrink2(vec2(side, 40.0));
    painter.rect_filled(response.rect, 0.0, Color32::from_rgb(12, 30, 48));
    let islands = &geo.islands;
    if islands.is_empty() {
        return;
    }
    // The one projection every map of the region uses (across the 180th meridian too).
    let places: Vec<(f64, f64)> = islands.iter().map(|i| (i.lat, i.lon)).collect();
    let at = crate::report::view::projection::layout(&places);
    let scale = (rect.width() as f64 / at.width).min(rect.height() as f64 / at.height);
    let corner = rect.center() - vec2((at.width * scale) as f32, (at.height * scale) as f32) / 2.0;
    let view = ui
        .ctx()
        .data(|d| d.get_temp::<MapView>(MapView::id()))
        .unwrap_or_default()
        .steered(ui, &response, rect.center());
    ui.ctx().data_mut(|d| d.insert_temp(MapView::id(), view));
    let points: Vec<Pos2> = (at.points.iter())
        .map(|(x, y)| corner + vec2((x * scale) as f32, (y * scale) as f32))
        .map(|p| view.place(p, rect.center()))
        .collect();
    let links = draw_links(&painter, &geo.links, &points);
    let labels = draw_islands(&painter, geo, views, &points, response.rect);
    legend(&painter, response.rect);
    hint(&painter, response.rect, view);
    let drawn = MapDrawn {
        area: [
            response.rect.left(),
            response.rect.top(),
            response.rect.right(),
            response.rect.bottom(),
        ],
        zoom: view.zoom,
        islands: (geo.islands.iter().zip(&points).zip(labels))
            .map(|((i, p), label)| DrawnIsland {
                id: i.id.clone(),
                at: [p.x, p.y],
                label: label.map(|r| [r.left(), r.top(), r.right(), r.bottom()]),
            })
            .collect(),
        links,
    };
    ui.ctx().data_mut(|d| d.insert_temp(MapDrawn::id(), drawn));
}

/// How far the map is zoomed in and moved: the whole region at 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapView {
    pub zoom: f32,
    pub pan: egui::Vec2,
}

impl Default for MapView {
    fn default() -> Self {
        MapView {
            zoom: 1.0,
            pan: egui::Vec2::ZERO,
        }
    }
}

/// Far enough in to part islands a few kilometres apart on a region-wide map.
const MAX_ZOOM: f32 = 16.0;

impl MapView {
    fn id() -> egui::Id {
        egui::Id::new("tidewatch-map-view")
    }

    /// The view after this frame's input: a double-click back to the whole region, a drag
    /// moves it, the wheel (or a pinch) zooms about the pointer.
    fn steered(self, ui: &Ui, response: &egui::Response, anchor: Pos2) -> Self {
        if response.double_clicked() {
            return Self::default();
        }
        let mut view = self;
        if response.dragged() && view.zoom > 1.0 {
            view.pan += response.drag_delta();
        }
        if let Some(pointer) = response.hover_pos() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
            let factor = pinch * (scroll / 200.0).exp();
            if factor != 1.0 {
                view = view.zoomed(factor, pointer, anchor);
            }
        }
        view
    }

    /// Zoomed by `factor` (within 1..MAX_ZOOM) keeping what is under `pointer` there; back
    /// at 1 the whole region is centred again.
    pub fn zoomed(self, factor: f32, pointer: Pos2, anchor: Pos2) -> Self {
        let zoom = (self.zoom * factor).clamp(1.0, MAX_ZOOM);
        if zoom == 1.0 {
            return Self::default();
        }
        let under = anchor + (pointer - anchor - self.pan) / self.zoom;
        MapView {
            zoom,
            pan: pointer - anchor - (under - anchor) * zoom,
        }
    }

    /// Where a point of the whole-region map is drawn.
    pub fn place(&self, p: Pos2, anchor: Pos2) -> Pos2 {
        anchor + (p - anchor) * self.zoom + self.pan
    }
}

/// How to zoom, bottom right; and how far in, when it is.
fn hint(painter: &egui::Painter, area: egui::Rect, view: MapView) {
    let text = if view.zoom > 1.0 {
        format!(
            "x{:.1} - drag to move, double-click for the whole region",
            view.zoom
        )
    } else {
        "scroll to zoom".to_string()
    };
    painter.text(
        area.right_bottom() + vec2(-10.0, -8.0),
        Align2::RIGHT_BOTTOM,
        text,
        FontId::proportional(12.0),
        Color32::from_gray(170),
    );
}

/// What the map drew where, in the window's points: each island's centre and label box
/// (none when it is out of view), each link's ends. Written by `console --map-layout` beside
/// the screenshot, so a test checks positions rather than pixels.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct MapDrawn {
    /// The map's box: left, top, right, bottom.
    pub area: [f32; 4],
    pub zoom: f32,
    pub islands: Vec<DrawnIsland>,
    pub links: Vec<DrawnLink>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct DrawnIsland {
    pub id: String,
    pub at: [f32; 2],
    /// Left, top, right, bottom.
    pub label: Option<[f32; 4]>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct DrawnLink {
    /// The islands' indices, as the scenario lists them.
    pub between: (usize, usize),
    pub kind: LinkKind,
    pub up: bool,
    pub from: [f32; 2],
    pub to: [f32; 2],
}

impl MapDrawn {
    pub fn id() -> egui::Id {
        egui::Id::new("tidewatch-map-drawn")
    }
}

/// Cables solid, radio paths dashed, cut ones red; each as drawn.
fn draw_links(painter: &egui::Painter, links: &[Route], points: &[Pos2]) -> Vec<DrawnLink> {
    let at = |i: usize| points.get(i).copied().unwrap_or_default();
    let mut drawn = Vec::new();
    for l in links {
        let colour = match (l.up, l.kind) {
            (false, _) => Color32::from_rgb(200, 60, 60),
            (true, LinkKind::SubmarineCable | LinkKind::Terrestrial) => {
                Color32::from_rgb(80, 140, 190)
            }
            (true, _) => Color32::from_rgb(150, 150, 110),
        };
        // Links between the same two islands side by side, 6 points apart.
        let ((ax, ay), (bx, by)) = crate::report::view::projection::offset(
            (at(l.a).x as f64, at(l.a).y as f64),
            (at(l.b).x as f64, at(l.b).y as f64),
            6.0 * l.lane,
        );
        let (a, b) = (pos2(ax as f32, ay as f32), pos2(bx as f32, by as f32));
        drawn.push(DrawnLink {
            between: (l.a, l.b),
            kind: l.kind,
            up: l.up,
            from: [a.x, a.y],
            to: [b.x, b.y],
        });
        if matches!(l.kind, LinkKind::SubmarineCable | LinkKind::Terrestrial) {
            painter.line_segment([a, b], Stroke::new(2.0, colour));
        } else {
            painter.add(egui::Shape::dashed_line(
                &[a, b],
                Stroke::new(1.5, colour),
                6.0,
                4.0,
            ));
        }
    }
    drawn
}

/// Each island coloured by its state, ringed by its CSIRT or point of contact, with its name
/// and a line of detail placed where it overwrites no other label, island or the legend; each
/// label's box (none for an island zoomed out of view).
fn draw_islands(
    painter: &egui::Painter,
    geo: &Geography,
    views: &[IslandView],
    points: &[Pos2],
    area: egui::Rect,
) -> Vec<Option<egui::Rect>> {
    let islands = &geo.islands;
    let radius: Vec<f32> = islands
        .iter()
        .map(|isl| (6.0 + (isl.population as f32).sqrt() / 60.0).min(16.0))
        .collect();
    // What a label must not cover: every island's disc and the legend.
    let mut taken: Vec<egui::Rect> = points
        .iter()
        .zip(&radius)
        .map(|(p, r)| egui::Rect::from_center_size(*p, vec2(2.0 * r + 6.0, 2.0 * r + 6.0)))
        .collect();
    taken.push(legend_area(area));
    let mut labels = Vec::new();
    for (i, isl) in islands.iter().enumerate() {
        let p = points[i];
        let r = radius[i];
        if !area.contains(p) {
            labels.push(None);
            continue;
        }
        let v = views.get(i).cloned().unwrap_or_default();
        let (colour, state) = state_colour(&v);
        if isl.mainland {
            // A mainland member is a square: it is not an island.
            let square = egui::Rect::from_center_size(p, vec2(2.0 * r, 2.0 * r));
            painter.rect_filled(square, 2.0, colour);
        } else {
            painter.circle_filled(p, r, colour);
        }
        if isl.csirt {
            painter.circle_stroke(
                p,
                r + 3.0,
                Stroke::new(2.0, Color32::from_rgb(120, 230, 150)),
            );
        } else if isl.npc {
            painter.circle_stroke(p, r + 3.0, Stroke::new(1.0, Color32::from_gray(200)));
        }
        let mut detail = if v.ever_compromised > 0 {
            format!("{state} - {} held, {} incidents", v.held, v.incidents)
        } else {
            state.to_string()
        };
        if v.intel_items > 0 {
            detail.push_str(&format!(", {} intel", v.intel_items));
        }
        if v.dark {
            detail.push_str(" - POWER OUT");
            painter.circle_stroke(
                p,
                r + 6.0,
                Stroke::new(2.0, Color32::from_rgb(250, 250, 120)),
            );
        }
        let name = painter.layout_no_wrap(
            isl.name.clone(),
            FontId::proportional(NAME_SIZE),
            Color32::WHITE,
        );
        // The detail on one line; where that fits nowhere, wrapped under the name.
        let one_line =
            painter.layout_no_wrap(detail.clone(), FontId::proportional(DETAIL_SIZE), colour);
        let size_of = |line: &egui::Galley| {
            vec2(
                name.size().x.max(line.size().x),
                name.size().y + line.size().y,
            )
        };
        let (cost, mut spot) = label_spot(p, r, size_of(&one_line), area, &taken);
        let mut line = one_line;
        if cost > 0.0 {
            let wrapped = painter.layout(
                detail,
                FontId::proportional(DETAIL_SIZE),
                colour,
                name.size().x.max(140.0),
            );
            let (c, s) = label_spot(p, r, size_of(&wrapped), area, &taken);
            if c < cost {
                (line, spot) = (wrapped, s);
            }
        }
        taken.push(spot);
        labels.push(Some(spot));
        leader(painter, p, r, spot);
        let x = |w: f32| {
            if spot.left() > p.x {
                spot.left()
            } else if spot.right() < p.x {
                spot.right() - w
            } else {
                spot.center().x - w / 2.0
            }
        };
        painter.galley(
            pos2(x(name.size().x), spot.top()),
            name.clone(),
            Color32::WHITE,
        );
        painter.galley(
            pos2(x(line.size().x), spot.top() + name.size().y),
            line,
            colour,
        );
    }
    labels
}

/// A thin line from the island to its label when the label had to go farther than beside it,
/// so it is never read as a neighbour's.
fn leader(painter: &egui::Painter, p: Pos2, radius: f32, label: egui::Rect) {
    let nearest = pos2(
        p.x.clamp(label.left(), label.right()),
        p.y.clamp(label.top(), label.bottom()),
    );
    let away = nearest - p;
    if away.length() > radius + 12.0 {
        let from = p + away.normalized() * (radius + 2.0);
        painter.line_segment([from, nearest], Stroke::new(1.0, Color32::from_gray(150)));
    }
}

/// Where an island's label goes: beside it, left or right, level with it or a line up or down;
/// the first spot inside the map that covers nothing taken, else the one that covers least;
/// with how much it covers (0 when nothing).
fn label_spot(
    p: Pos2,
    radius: f32,
    size: egui::Vec2,
    area: egui::Rect,
    taken: &[egui::Rect],
) -> (f32, egui::Rect) {
    let gap = radius + 6.0;
    // Beside it, level; then at its corners; then centred above or below it; then beside it
    // a line or more up or down (a leader line then says whose label it is).
    let d = gap * std::f32::consts::FRAC_1_SQRT_2;
    let mut corners: Vec<Pos2> = vec![
        pos2(p.x + gap, p.y - size.y / 2.0),
        pos2(p.x - gap - size.x, p.y - size.y / 2.0),
        pos2(p.x + d, p.y - d - size.y),
        pos2(p.x - d - size.x, p.y - d - size.y),
        pos2(p.x + d, p.y + d),
        pos2(p.x - d - size.x, p.y + d),
        pos2(p.x - size.x / 2.0, p.y - gap - size.y),
        pos2(p.x - size.x / 2.0, p.y + gap),
    ];
    for dy in [-0.6, 0.6, -1.2, 1.2, -1.8, 1.8] {
        let y = p.y - size.y / 2.0 + dy * size.y;
        corners.push(pos2(p.x + gap, y));
        corners.push(pos2(p.x - gap - size.x, y));
    }
    let mut best: Option<(f32, egui::Rect)> = None;
    for corner in corners {
        let spot = egui::Rect::from_min_size(corner, size);
        // Cut off by the map's edge is worse than any overlap: the text would be lost.
        let outside = if area.contains_rect(spot) {
            0.0
        } else {
            spot.area() - spot.intersect(area).area().max(0.0) + 1.0e4
        };
        let covered: f32 = taken
            .iter()
            .filter(|t| t.intersects(spot))
            .map(|t| t.intersect(spot).area())
            .sum();
        let cost = outside + covered;
        if cost == 0.0 {
            return (0.0, spot);
        }
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, spot));
        }
    }
    best.unwrap_or((f32::MAX, egui::Rect::from_min_size(p, size)))
}

/// The legend's corner of the map (bottom left).
fn legend_area(area: egui::Rect) -> egui::Rect {
    egui::Rect::from_min_max(
        pos2(
            area.left(),
            area.bottom() - LEGEND_ROWS as f32 * 16.0 - 12.0,
        ),
        pos2(area.left() + 300.0, area.bottom()),
    )
}

const LEGEND_ROWS: usize = 8;

/// Label sizes readable from the back of a room at 1280x720 (and larger with `--scale`).
const NAME_SIZE: f32 = 15.0;
const DETAIL_SIZE: f32 = 12.5;

/// How a legend entry is drawn.
enum Mark {
    Fill(Color32),
    Ring(Stroke),
    Line(Stroke),
}

/// The legend, bottom left: the open sea south-west of the festoon.
fn legend(painter: &egui::Painter, area: egui::Rect) {
    let x = area.left() + 12.0;
    let entries = [
        (Mark::Fill(state_colour(&IslandView::default()).0), "calm"),
        (
            Mark::Fill(Color32::from_rgb(240, 190, 60)),
            "intruder unseen",
        ),
        (Mark::Fill(Color32::from_rgb(240, 130, 50)), "responding"),
        (
            Mark::Fill(Color32::from_rgb(225, 70, 60)),
            "impact: hosts encrypted or services down",
        ),
        (
            Mark::Ring(Stroke::new(2.0, Color32::from_rgb(120, 230, 150))),
            "national CSIRT",
        ),
        (
            Mark::Ring(Stroke::new(1.0, Color32::from_gray(200))),
            "point of contact only",
        ),
        (
            Mark::Line(Stroke::new(2.0, Color32::from_rgb(200, 60, 60))),
            "link cut",
        ),
    ];
    for (k, (mark, text)) in entries.into_iter().enumerate() {
        let y = area.bottom() - LEGEND_ROWS as f32 * 16.0 + k as f32 * 16.0;
        match mark {
            Mark::Fill(colour) => {
                painter.circle_filled(pos2(x, y), 5.0, colour);
            }
            Mark::Ring(stroke) => {
                painter.circle_stroke(pos2(x, y), 5.0, stroke);
            }
            Mark::Line(stroke) => {
                painter.line_segment([pos2(x - 6.0, y), pos2(x + 6.0, y)], stroke);
            }
        }
        painter.text(
            pos2(x + 10.0, y),
            Align2::LEFT_CENTER,
            text,
            FontId::proportional(12.0),
            Color32::from_gray(210),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_goes_where_it_covers_nothing_and_stays_on_the_map() {
        let area = egui::Rect::from_min_max(pos2(0.0, 0.0), pos2(400.0, 300.0));
        let size = vec2(100.0, 30.0);
        // Free all round: to the right, level with the island.
        let (cost, spot) = label_spot(pos2(100.0, 150.0), 10.0, size, area, &[]);
        assert_eq!(cost, 0.0);
        assert_eq!(spot.left(), 116.0);
        assert_eq!(spot.center().y, 150.0);
        // Its right taken by a neighbour's label: to the left.
        let neighbour = egui::Rect::from_min_size(pos2(110.0, 120.0), vec2(150.0, 60.0));
        let (_, spot) = label_spot(pos2(200.0, 150.0), 10.0, size, area, &[neighbour]);
        assert!(
            !spot.intersects(neighbour) && area.contains_rect(spot),
            "{spot:?}"
        );
        // At the map's right edge: never cut off.
        let (_, spot) = label_spot(pos2(380.0, 150.0), 10.0, size, area, &[]);
        assert!(area.contains_rect(spot) && spot.right() < 380.0, "{spot:?}");
    }

    /// Zooming keeps what is under the pointer where it is and parts what is near it; back at
    /// 1 the whole region is centred again; it never zooms out past the region or in past
    /// MAX_ZOOM.
    #[test]
    fn zooming_opens_a_cluster_about_the_pointer() {
        let anchor = pos2(400.0, 300.0);
        let (a, b) = (pos2(600.0, 100.0), pos2(606.0, 104.0));
        let view = MapView::default().zoomed(4.0, a, anchor);
        assert!((view.place(a, anchor) - a).length() < 1e-3, "{view:?}");
        let apart = (view.place(b, anchor) - view.place(a, anchor)).length();
        assert!((apart - 4.0 * (b - a).length()).abs() < 1e-3);
        // Twice more about another point: that point stays put too.
        let again = view.zoomed(2.0, pos2(300.0, 200.0), anchor);
        let under = anchor + (pos2(300.0, 200.0) - anchor - view.pan) / view.zoom;
        assert!((again.place(under, anchor) - pos2(300.0, 200.0)).length() < 1e-3);
        assert_eq!(again.zoomed(1.0 / 1000.0, a, anchor), MapView::default());
        assert_eq!(again.zoomed(1000.0, a, anchor).zoom, MAX_ZOOM);
    }
}
