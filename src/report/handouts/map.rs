//! The region's map for the Situation Manual, as SVG: each island where it is (an
//! equirectangular projection, squeezed by the cosine of the mean latitude so the chain keeps
//! its shape), sized by population, with its name and the teams that stand on it, and the
//! links between islands drawn by kind. Public geography only: nothing a team must find out.

use std::fmt::Write;

use crate::scenario::{LinkKind, Plan, TeamKind};

const WIDTH: f64 = 720.0;
/// Room on the right of the easternmost island for its name and teams.
const LABELS: f64 = 260.0;
const PAD: f64 = 24.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The teams that stand on each island, in words ("CSIRT, NPC"); the hub is marked apart.
pub(super) fn teams_on(plan: &Plan, island: usize) -> Vec<&'static str> {
    let s = &plan.scenario;
    let isl = &s.islands[island];
    let mut out = Vec::new();
    for t in &s.teams {
        if t.island.as_deref() != Some(isl.id.as_str()) {
            continue;
        }
        let word = match t.kind {
            TeamKind::NationalCsirt if isl.csirt => "CSIRT",
            TeamKind::Npc if isl.npc => "NPC",
            TeamKind::SectorSoc => "SOC",
            TeamKind::RegionalHub => "regional hub",
            TeamKind::Leadership => "leadership",
            // A team the island has not stood up does not play.
            TeamKind::NationalCsirt | TeamKind::Npc => continue,
        };
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// The map as one `<svg>` element.
pub fn region_map(plan: &Plan) -> String {
    let s = &plan.scenario;
    if s.islands.is_empty() {
        return String::new();
    }
    let lat0 = s.islands.iter().map(|i| i.lat).sum::<f64>() / s.islands.len() as f64;
    let squeeze = lat0.to_radians().cos().max(0.2);
    let raw: Vec<(f64, f64)> = (s.islands.iter())
        .map(|i| (i.lon * squeeze, -i.lat))
        .collect();
    let (min_x, max_x) = raw
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (min_y, max_y) = raw
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let span_x = (max_x - min_x).max(0.5);
    let span_y = (max_y - min_y).max(0.5);
    // One scale for both axes, so distances keep their proportions.
    let scale = ((WIDTH - LABELS - 2.0 * PAD) / span_x).min(640.0 / span_y);
    let height = span_y * scale + 2.0 * PAD + 40.0;
    let at = |k: usize| {
        (
            PAD + (raw[k].0 - min_x) * scale,
            PAD + (raw[k].1 - min_y) * scale,
        )
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" \
         width=\"{WIDTH}\" height=\"{height:.0}\" role=\"img\" aria-label=\"Map of {}\" \
         font-family=\"sans-serif\"><rect width=\"100%\" height=\"100%\" fill=\"#eef5f8\"/>",
        esc(&s.name)
    );
    for l in &s.links {
        let (Some(a), Some(b)) = (
            plan.ids.islands.get(&l.between.0),
            plan.ids.islands.get(&l.between.1),
        ) else {
            continue;
        };
        let ((x1, y1), (x2, y2)) = (at(a.ix()), at(b.ix()));
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
    for (k, i) in s.islands.iter().enumerate() {
        let (x, y) = at(k);
        let r = 3.0 + 2.0 * (i.population as f64 / 1000.0).max(1.0).log10();
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
        let teams = teams_on(plan, k);
        let teams = if teams.is_empty() {
            "no national team".to_string()
        } else {
            teams.join(", ")
        };
        let _ = write!(
            svg,
            "<g>{shape}<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#1b2733\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#0b6e8f\">{}</text></g>",
            x + r + 5.0,
            y + 1.0,
            esc(&i.name),
            x + r + 5.0,
            y + 14.0,
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
    svg
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
