//! The region's map for the Situation Manual, as SVG: each island where it is (an
//! equirectangular projection, squeezed by the cosine of the mean latitude so the chain keeps
//! its shape), sized by population, with its name and the teams that stand on it, and the
//! links between islands drawn by kind. Public geography only: nothing a team must find out.

use std::fmt::Write;

use super::esc;
use crate::report::view::projection::{lanes, layout, offset};
use crate::scenario::{LinkKind, Plan, TeamKind};

const WIDTH: f64 = 720.0;
/// Room on each side of the map for the labels of the islands at its edges.
const LABELS: f64 = 150.0;
const PAD: f64 = 24.0;

/// The teams that stand on each island, in words ("CSIRT, NPC"); the hub is marked apart.
pub(super) fn teams_on(plan: &Plan, island: usize) -> Vec<&'static str> {
    let s = &plan.scenario;
    let isl = &s.islands[island];
    let mut out = Vec::new();
    for t in &s.teams {
        if t.island.as_deref() != Some(isl.id.as_str()) || !super::stands(plan, t) {
            continue;
        }
        let word = match t.kind {
            TeamKind::NationalCsirt => "CSIRT",
            TeamKind::Npc => "NPC",
            TeamKind::SectorSoc => "SOC",
            TeamKind::RegionalHub => "regional hub",
            TeamKind::Leadership => "leadership",
        };
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// A label's box on the map: left, top, right, bottom.
type Area = (f64, f64, f64, f64);

fn overlaps(a: Area, b: Area) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Where an island's two-line label goes: beside it, right or left, level or a line up or
/// down, or centred above or below; the first spot inside the map that covers no island and no
/// label already placed, else the one that covers least.
fn label_spot(
    (x, y, r): (f64, f64, f64),
    (w, h): (f64, f64),
    (width, height): (f64, f64),
    taken: &[Area],
) -> Area {
    let gap = r + 4.0;
    let mut spots: Vec<Area> = Vec::new();
    for dy in [0.0, -0.7, 0.7, -1.4, 1.4, -2.1, 2.1] {
        let top = y - h / 2.0 + dy * h;
        spots.push((x + gap, top, x + gap + w, top + h));
        spots.push((x - gap - w, top, x - gap, top + h));
    }
    spots.push((x - w / 2.0, y - gap - h, x + w / 2.0, y - gap));
    spots.push((x - w / 2.0, y + gap, x + w / 2.0, y + gap + h));
    let cost = |a: Area| {
        let outside = (a.0 < 0.0 || a.1 < 0.0 || a.2 > width || a.3 > height) as u32;
        let covered = taken.iter().filter(|t| overlaps(a, **t)).count() as u32;
        outside * 100 + covered
    };
    spots
        .iter()
        .copied()
        .min_by_key(|a| cost(*a))
        .unwrap_or((x + gap, y, x + gap + w, y + h))
}

/// The map as one `<svg>` element, with where each island's label went (for tests).
pub fn region_map(plan: &Plan) -> String {
    region_map_with_labels(plan).0
}

fn region_map_with_labels(plan: &Plan) -> (String, Vec<Area>) {
    let s = &plan.scenario;
    if s.islands.is_empty() {
        return (String::new(), Vec::new());
    }
    let at = layout(&s.islands.iter().map(|i| (i.lat, i.lon)).collect::<Vec<_>>());
    // One scale for both axes, so distances keep their proportions.
    let scale = ((WIDTH - 2.0 * LABELS - 2.0 * PAD) / at.width).min(640.0 / at.height);
    let height = at.height * scale + 2.0 * PAD + 60.0;
    let map_w = at.width * scale;
    let left = (WIDTH - map_w) / 2.0;
    let point = |k: usize| {
        let (x, y) = at.points[k];
        (left + x * scale, PAD + 10.0 + y * scale)
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" \
         width=\"{WIDTH}\" height=\"{height:.0}\" role=\"img\" aria-label=\"Map of {}\" \
         font-family=\"sans-serif\"><rect width=\"100%\" height=\"100%\" fill=\"#eef5f8\"/>",
        esc(&s.name)
    );
    let pairs: Vec<(usize, usize)> = plan.links.iter().map(|(a, b)| (a.ix(), b.ix())).collect();
    for ((l, (a, b)), lane) in s.links.iter().zip(&pairs).zip(lanes(&pairs)) {
        let ((x1, y1), (x2, y2)) = offset(point(*a), point(*b), 8.0 * lane);
        let style = match l.kind {
            LinkKind::SubmarineCable | LinkKind::Terrestrial => {
                "stroke=\"#0b6e8f\" stroke-width=\"2\""
            }
            LinkKind::Microwave => "stroke=\"#c77700\" stroke-width=\"2\" stroke-dasharray=\"6 4\"",
            LinkKind::Satellite => {
                "stroke=\"#78909c\" stroke-width=\"1.5\" stroke-dasharray=\"2 4\""
            }
        };
        let _ = write!(
            svg,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" {style}/>"
        );
    }
    let radius = |k: usize| 3.0 + 2.0 * (s.islands[k].population as f64 / 1000.0).max(1.0).log10();
    // Islands first, so no label is put over one; then each label, largest island first.
    let mut taken: Vec<Area> = (0..s.islands.len())
        .map(|k| {
            let ((x, y), r) = (point(k), radius(k));
            (x - r, y - r, x + r, y + r)
        })
        .collect();
    let mut order: Vec<usize> = (0..s.islands.len()).collect();
    order.sort_by_key(|k| std::cmp::Reverse(s.islands[*k].population));
    let mut labels = vec![(0.0, 0.0, 0.0, 0.0); s.islands.len()];
    for k in order {
        let i = &s.islands[k];
        let ((x, y), r) = (point(k), radius(k));
        let teams = teams_on(plan, k);
        let teams = if teams.is_empty() {
            "no national team".to_string()
        } else {
            teams.join(", ")
        };
        // Text widths at 13 and 11 pixels, about 0.55 em a character.
        let w = (i.name.chars().count() as f64 * 7.2).max(teams.chars().count() as f64 * 6.1);
        let spot = label_spot((x, y, r), (w, 28.0), (WIDTH, height - 30.0), &taken);
        taken.push(spot);
        labels[k] = spot;
        let shape = if i.mainland {
            format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#1b2733\"/>",
                x - r,
                y - r,
                2.0 * r,
                2.0 * r
            )
        } else {
            format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"#1b2733\"/>")
        };
        let _ = write!(
            svg,
            "<g>{shape}<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#1b2733\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#0b6e8f\">{}</text></g>",
            spot.0,
            spot.1 + 12.0,
            esc(&i.name),
            spot.0,
            spot.1 + 25.0,
            esc(&teams)
        );
    }
    let legend_y = height - 14.0;
    let _ = write!(
        svg,
        "<g font-size=\"11\" fill=\"#1b2733\">\
         <line x1=\"{PAD}\" y1=\"{y:.0}\" x2=\"{x1}\" y2=\"{y:.0}\" stroke=\"#0b6e8f\" stroke-width=\"2\"/>\
         <text x=\"{t1}\" y=\"{ty:.0}\">cable</text>\
         <line x1=\"{x2}\" y1=\"{y:.0}\" x2=\"{x3}\" y2=\"{y:.0}\" stroke=\"#c77700\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
         <text x=\"{t2}\" y=\"{ty:.0}\">microwave</text>\
         <line x1=\"{x4}\" y1=\"{y:.0}\" x2=\"{x5}\" y2=\"{y:.0}\" stroke=\"#78909c\" stroke-width=\"1.5\" stroke-dasharray=\"2 4\"/>\
         <text x=\"{t3}\" y=\"{ty:.0}\">satellite; dots sized by population</text></g></svg>",
        y = legend_y,
        ty = legend_y + 4.0,
        x1 = PAD + 30.0,
        t1 = PAD + 35.0,
        x2 = PAD + 80.0,
        x3 = PAD + 110.0,
        t2 = PAD + 115.0,
        x4 = PAD + 185.0,
        x5 = PAD + 215.0,
        t3 = PAD + 220.0,
    );
    (svg, labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    /// Every island is on the map with its teams (one it has not stood up left out), the
    /// northern one above the southern, and names are escaped.
    #[test]
    fn the_map_shows_each_island_where_it_is_with_its_teams() {
        let plan = TinyRegion::new()
            .island("A", true, false)
            .island("B<", false, false)
            .csirt("a-csirt", "A")
            .team(
                "b-csirt",
                "NationalCsirt",
                Some("B<"),
                1,
                "OfficeHours",
                true,
            )
            .plan();
        let svg = region_map(&plan);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains(">CSIRT<"), "{svg}");
        assert!(svg.contains("B&lt;"), "{svg}");
        // B (stood up no CSIRT) shows no CSIRT: its team does not play.
        assert_eq!(svg.matches(">CSIRT<").count(), 1, "{svg}");
        // The kit puts B north of A: it is drawn higher (a smaller y).
        let y = |name: &str| -> f64 {
            let at = svg.find(&format!(">{name}</text>")).unwrap();
            let tag = svg[..at].rfind("<text").unwrap();
            let y = &svg[tag..at];
            let y = &y[y.find("y=\"").unwrap() + 3..];
            y[..y.find('"').unwrap()].parse().unwrap()
        };
        assert!(y("B&lt;") < y("A"), "{svg}");
    }
}

#[cfg(test)]
mod regions {
    use super::*;

    fn labels_of(arg: &str) -> (Plan, Vec<Area>) {
        let plan = crate::scenario::load(arg, &[]).unwrap();
        let labels = region_map_with_labels(&plan).1;
        (plan, labels)
    }

    /// On the flagship's festoon, where Saint Kitts, Antigua and Montserrat crowd together, no
    /// label lies over another.
    #[test]
    fn no_label_covers_another_on_the_flagship() {
        let (plan, labels) = labels_of("eastern-caribbean");
        for (a, x) in labels.iter().enumerate() {
            for (b, y) in labels.iter().enumerate().skip(a + 1) {
                assert!(
                    !overlaps(*x, *y),
                    "{} and {} overlap: {x:?} {y:?}",
                    plan.scenario.islands[a].name,
                    plan.scenario.islands[b].name
                );
            }
        }
    }

    /// Across the 180th meridian, Fiji, Tonga and Samoa are drawn side by side west to east,
    /// and the two links between Fiji and Tonga as two lines.
    #[test]
    fn a_pacific_region_is_drawn_in_one_piece_with_each_link_its_own_line() {
        let plan = crate::scenario::load(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pacific.ron"),
            &[],
        )
        .unwrap();
        let svg = region_map(&plan);
        let cx: Vec<f64> = svg
            .match_indices("<circle cx=\"")
            .map(|(at, m)| {
                let rest = &svg[at + m.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(cx.len(), 3, "{svg}");
        // Labels are placed largest island first; circles follow the same order: Fiji, Samoa,
        // Tonga by population.
        let (fiji, samoa, tonga) = (cx[0], cx[1], cx[2]);
        assert!(fiji < tonga && tonga < samoa, "{cx:?}");
        assert!(samoa - fiji < WIDTH, "{cx:?}");
        let lines: Vec<&str> = svg.matches("<line x1=").collect();
        assert!(lines.len() >= 3, "{svg}");
        // Where the first two lines run (their coordinates, not their style).
        let ends: Vec<&str> = (svg.split("<line ").skip(1).take(2))
            .map(|l| &l[..l.find(" stroke").unwrap()])
            .collect();
        assert_ne!(
            ends[0], ends[1],
            "the two Fiji-Tonga links drawn over each other"
        );
    }
}
