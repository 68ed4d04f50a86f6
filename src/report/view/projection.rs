//! Where each island goes on a flat map, decided once for every map (the console's, the
//! seats' SVG, the Situation Manual's): longitudes unwrapped around the region's centre, so a
//! region across the 180th meridian (Fiji at 178 E, Tonga at 175 W) is drawn in one piece and
//! its links the short way; then equirectangular, east-west squeezed by the cosine of the mean
//! latitude so a chain keeps its shape. Two links between the same islands get lanes side by
//! side, so a cut one is told from the live one.

/// Positions in degrees of latitude from the top-left corner (x east, y south), and the box
/// that bounds them (at least half a degree each way, so one island still has a map).
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub points: Vec<(f64, f64)>,
    pub width: f64,
    pub height: f64,
}

/// `places` as (latitude, longitude) in degrees.
pub fn layout(places: &[(f64, f64)]) -> Layout {
    if places.is_empty() {
        return Layout {
            points: Vec::new(),
            width: 0.5,
            height: 0.5,
        };
    }
    let n = places.len() as f64;
    // The circular mean of the longitudes: the region's centre, wherever the meridian runs.
    let (sin, cos) = places.iter().fold((0.0, 0.0), |(s, c), (_, lon)| {
        (s + lon.to_radians().sin(), c + lon.to_radians().cos())
    });
    let centre = if sin.abs() < 1e-12 && cos.abs() < 1e-12 {
        places[0].1
    } else {
        sin.atan2(cos).to_degrees()
    };
    let east_of_centre = |lon: f64| (lon - centre + 540.0).rem_euclid(360.0) - 180.0;
    let mean_lat = places.iter().map(|p| p.0).sum::<f64>() / n;
    let squeeze = mean_lat.to_radians().cos().max(0.2);
    let raw: Vec<(f64, f64)> = (places.iter())
        .map(|(lat, lon)| (east_of_centre(*lon) * squeeze, -lat))
        .collect();
    let min_x = raw.iter().map(|p| p.0).fold(f64::MAX, f64::min);
    let max_x = raw.iter().map(|p| p.0).fold(f64::MIN, f64::max);
    let min_y = raw.iter().map(|p| p.1).fold(f64::MAX, f64::min);
    let max_y = raw.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    let (width, height) = ((max_x - min_x).max(0.5), (max_y - min_y).max(0.5));
    // A lone island or a flat row sits in the middle of its box.
    let (pad_x, pad_y) = (
        (width - (max_x - min_x)) / 2.0,
        (height - (max_y - min_y)) / 2.0,
    );
    Layout {
        points: (raw.iter())
            .map(|(x, y)| (x - min_x + pad_x, y - min_y + pad_y))
            .collect(),
        width,
        height,
    }
}

/// Each link's lane among the links joining the same two islands: 0 for a link alone, -0.5
/// and 0.5 for two, -1, 0 and 1 for three. A map offsets a link sideways by its lane.
pub fn lanes(links: &[(usize, usize)]) -> Vec<f64> {
    let pair = |(a, b): (usize, usize)| (a.min(b), a.max(b));
    links
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let same: Vec<usize> = (0..links.len())
                .filter(|j| pair(links[*j]) == pair(*l))
                .collect();
            let at = same.iter().position(|j| *j == k).unwrap_or(0) as f64;
            at - (same.len() as f64 - 1.0) / 2.0
        })
        .collect()
}

/// A segment from `a` to `b` moved sideways by `by` (in the same units), to draw a lane.
pub fn offset(a: (f64, f64), b: (f64, f64), by: f64) -> ((f64, f64), (f64, f64)) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-9 || by == 0.0 {
        return (a, b);
    }
    let (nx, ny) = (-dy / len * by, dx / len * by);
    ((a.0 + nx, a.1 + ny), (b.0 + nx, b.1 + ny))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fiji (178.4 E), Tonga (175.2 W) and Samoa (171.8 W) lie a few degrees apart across the
    /// 180th meridian: drawn in one piece, west to east, not 350 degrees apart.
    #[test]
    fn a_region_across_the_antimeridian_is_drawn_in_one_piece() {
        let (fiji, tonga, samoa) = ((-18.1, 178.4), (-21.1, -175.2), (-13.8, -171.8));
        let l = layout(&[fiji, tonga, samoa]);
        assert!(l.width < 12.0, "{l:?}");
        let x = |k: usize| l.points[k].0;
        assert!(x(0) < x(1) && x(1) < x(2), "{l:?}");
        // Samoa is north of Tonga: higher on the map (a smaller y).
        assert!(l.points[2].1 < l.points[1].1, "{l:?}");
        // The Caribbean chain is unchanged by the unwrapping: Trinidad south-east of Tortola.
        let c = layout(&[(18.43, -64.62), (10.65, -61.5)]);
        assert!(c.points[1].0 > c.points[0].0 && c.points[1].1 > c.points[0].1);
        assert!((c.height - (18.43 - 10.65)).abs() < 1e-9);
    }

    /// Two links between the same islands take lanes either side; a link alone keeps the
    /// middle; a lane moves a segment sideways, square to it.
    #[test]
    fn parallel_links_get_their_own_lanes() {
        assert_eq!(
            lanes(&[(0, 1), (2, 1), (1, 0), (0, 2)]),
            vec![-0.5, 0.0, 0.5, 0.0]
        );
        let (a, b) = offset((0.0, 0.0), (10.0, 0.0), 2.0);
        assert_eq!((a, b), ((0.0, 2.0), (10.0, 2.0)));
    }
}
