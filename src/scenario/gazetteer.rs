//! The small island states a starting scenario can be written for: the UN's small island
//! developing states and the regional associate members, each with its capital's position,
//! people, GDP, clock and national CSIRT as of the data's year, and the submarine cables that
//! join them (`assets/gazetteer.ron`, every figure with its source in the file). It is what
//! lets `tidewatch new pacific --islands FJ,TO,WS` write Fiji as Fiji.

use serde::Deserialize;

use super::{Island, LoadError, parse_ron};
use crate::time::UtcOffset;

/// The shipped gazetteer's text.
pub const EMBEDDED_GAZETTEER: &str = include_str!("../../assets/gazetteer.ron");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gazetteer {
    /// The year the figures are for.
    pub year: u16,
    pub places: Vec<Place>,
    pub cables: Vec<Cable>,
}

/// A small island state or territory, by its ISO 3166-1 code.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub id: String,
    pub name: String,
    /// The capital's (or seat of government's) position.
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    pub gdp_usd: f64,
    /// The capital's standard time.
    pub utc_offset: UtcOffset,
    /// The national CSIRT's name, where one operates.
    pub csirt: Option<String>,
    pub region: Region,
    /// A continental member (Belize, Guyana, Suriname, Guinea-Bissau).
    pub mainland: bool,
}

/// The UN's three SIDS regions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Region {
    Caribbean,
    Pacific,
    /// Atlantic, Indian Ocean and South China Sea.
    AtlanticIndianSouthChinaSea,
}

/// A segment of a submarine cable system between two places of the gazetteer.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cable {
    pub system: String,
    pub between: (String, String),
    /// The year it was ready for service.
    pub ready: u16,
}

impl Gazetteer {
    /// The shipped gazetteer.
    pub fn shipped() -> Self {
        Self::read("assets/gazetteer.ron", EMBEDDED_GAZETTEER)
            .expect("the shipped gazetteer reads (a unit test holds it)")
    }

    fn read(name: &str, text: &str) -> Result<Self, LoadError> {
        parse_ron(name, text)
    }

    pub fn place(&self, id: &str) -> Option<&Place> {
        self.places.iter().find(|p| p.id.eq_ignore_ascii_case(id))
    }

    /// How the chosen places reach each other by cable: a pair is joined when a path of the
    /// gazetteer's cables runs between them through no other chosen place (the landings in
    /// between, not chosen, are named), unless a way through shorter routes kept is as short
    /// (Saint Kitts to Montserrat through Antigua, not round by Saint Martin and Guadeloupe).
    /// Each pair once, in the order the places are chosen.
    pub fn routes(&self, chosen: &[&str]) -> Vec<Route> {
        let rank = |id: &str| chosen.iter().position(|c| *c == id).unwrap_or(0);
        let mut found: Vec<Route> = Vec::new();
        for (k, from) in chosen.iter().enumerate() {
            found.extend((self.reached_from(from, chosen).into_iter()).filter(|r| rank(&r.to) > k));
        }
        found.sort_by_key(|r| r.via.len());
        let mut kept: Vec<Route> = Vec::new();
        for route in found {
            let hops = route.via.len() + 1;
            if hops_between(&kept, &route.from, &route.to).is_none_or(|h| h > hops) {
                kept.push(route);
            }
        }
        kept.sort_by_key(|r| (rank(&r.from), rank(&r.to)));
        kept
    }

    /// Breadth first from `from`, not going on past a chosen place.
    fn reached_from(&self, from: &str, chosen: &[&str]) -> Vec<Route> {
        // Each place reached: the place it was reached from and the cable that did it.
        let mut came: Vec<(String, Option<(String, String)>)> = vec![(from.to_string(), None)];
        let mut frontier = vec![from.to_string()];
        let mut found = Vec::new();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for at in &frontier {
                for cable in &self.cables {
                    let (a, b) = (&cable.between.0, &cable.between.1);
                    let other = if a == at {
                        b
                    } else if b == at {
                        a
                    } else {
                        continue;
                    };
                    if came.iter().any(|(p, _)| p == other) {
                        continue;
                    }
                    came.push((other.clone(), Some((at.clone(), cable.system.clone()))));
                    if chosen.contains(&other.as_str()) {
                        found.push(other.clone());
                    } else {
                        next.push(other.clone());
                    }
                }
            }
            frontier = next;
        }
        found
            .into_iter()
            .map(|to| {
                let (mut via, mut systems) = (Vec::new(), Vec::new());
                let mut at = to.clone();
                while let Some((_, Some((prev, system)))) = came.iter().find(|(p, _)| *p == at) {
                    if !systems.contains(system) {
                        systems.insert(0, system.clone());
                    }
                    if prev != from {
                        via.insert(0, prev.clone());
                    }
                    at = prev.clone();
                }
                Route {
                    from: from.to_string(),
                    to,
                    systems,
                    via,
                }
            })
            .collect()
    }
}

/// The fewest cable segments from `a` to `b` over the routes (each its segments long).
fn hops_between(routes: &[Route], a: &str, b: &str) -> Option<usize> {
    let mut best: Vec<(&str, usize)> = vec![(a, 0)];
    let mut changed = true;
    while changed {
        changed = false;
        for r in routes {
            let hops = r.via.len() + 1;
            for (x, y) in [(&r.from, &r.to), (&r.to, &r.from)] {
                let Some(&(_, at)) = best.iter().find(|(p, _)| p == x) else {
                    continue;
                };
                match best.iter_mut().find(|(p, _)| p == y) {
                    Some(entry) if entry.1 <= at + hops => {}
                    Some(entry) => {
                        entry.1 = at + hops;
                        changed = true;
                    }
                    None => {
                        best.push((y, at + hops));
                        changed = true;
                    }
                }
            }
        }
    }
    best.iter().find(|(p, _)| *p == b).map(|(_, h)| *h)
}

/// Two chosen places joined by cable, through landings not chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub from: String,
    pub to: String,
    /// The cable systems on the way, in order.
    pub systems: Vec<String>,
    /// The places in between, by id.
    pub via: Vec<String>,
}

impl Place {
    /// The place as a scenario's island: a point of contact only where the shipped region
    /// says it has one (the gazetteer does not know), its clock always given.
    pub fn island(&self, npc: bool) -> Island {
        Island {
            id: self.id.clone(),
            name: self.name.clone(),
            population: self.population,
            gdp_usd: self.gdp_usd,
            lat: self.lat,
            lon: self.lon,
            csirt: self.csirt.is_some(),
            npc,
            utc_offset: Some(self.utc_offset),
            mainland: self.mainland,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped file reads; its places are unique, on the map, sized as states are, and
    /// cover the three regions; each cable joins two of them; every island of the shipped
    /// Eastern Caribbean scenario is there.
    #[test]
    fn the_shipped_gazetteer_is_whole_and_sound() {
        let g = Gazetteer::shipped();
        assert!(g.places.len() >= 57, "{}", g.places.len());
        for (k, p) in g.places.iter().enumerate() {
            assert!(
                p.id.len() == 2 && p.id.chars().all(|c| c.is_ascii_uppercase()),
                "{}",
                p.id
            );
            assert!(
                !g.places[..k].iter().any(|q| q.id == p.id),
                "{} twice",
                p.id
            );
            assert!((-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon));
            let per_person = p.gdp_usd / p.population as f64;
            assert!((500.0..=150_000.0).contains(&per_person), "{}", p.id);
        }
        for region in [
            Region::Caribbean,
            Region::Pacific,
            Region::AtlanticIndianSouthChinaSea,
        ] {
            assert!(g.places.iter().filter(|p| p.region == region).count() >= 9);
        }
        for c in &g.cables {
            assert!(g.place(&c.between.0).is_some() && g.place(&c.between.1).is_some());
            assert!(c.ready <= 2026 && c.ready >= 1990, "{c:?}");
        }
        let flagship = super::super::starter::shipped_islands();
        for island in &flagship {
            assert!(g.place(&island.id).is_some(), "{}", island.id);
        }
    }

    /// A pair is joined through landings not chosen, never through a chosen one: on a
    /// festoon A-B-C-D, choosing A and D joins them via B and C; choosing A, C and D joins
    /// A-C and C-D, not A-D.
    #[test]
    fn routes_run_through_landings_not_chosen() {
        let g = Gazetteer::read(
            "g.ron",
            r#"Gazetteer(year: 2023, places: [], cables: [
                Cable(system: "F", between: ("A", "B"), ready: 2000),
                Cable(system: "F", between: ("B", "C"), ready: 2000),
                Cable(system: "G", between: ("C", "D"), ready: 2010),
                Cable(system: "H", between: ("E", "F"), ready: 2010),
            ])"#,
        )
        .unwrap();
        assert_eq!(
            g.routes(&["A", "D"]),
            [Route {
                from: "A".into(),
                to: "D".into(),
                systems: vec!["F".into(), "G".into()],
                via: vec!["B".into(), "C".into()],
            }]
        );
        let pairs: Vec<(String, String)> = g
            .routes(&["A", "C", "D", "E"])
            .into_iter()
            .map(|r| (r.from, r.to))
            .collect();
        assert_eq!(pairs, [("A".into(), "C".into()), ("C".into(), "D".into())]);
        // A ring A-B-C-D-A choosing A, B, C: A-B and B-C, and A-C round by D is longer than
        // through B, so it is not a route of its own.
        let ring = Gazetteer::read(
            "g.ron",
            r#"Gazetteer(year: 2023, places: [], cables: [
                Cable(system: "R", between: ("A", "B"), ready: 2000),
                Cable(system: "R", between: ("B", "C"), ready: 2000),
                Cable(system: "R", between: ("C", "D"), ready: 2000),
                Cable(system: "R", between: ("D", "A"), ready: 2000),
            ])"#,
        )
        .unwrap();
        let pairs: Vec<(String, String)> = (ring.routes(&["A", "B", "C"]).into_iter())
            .map(|r| (r.from, r.to))
            .collect();
        assert_eq!(pairs, [("A".into(), "B".into()), ("B".into(), "C".into())]);
    }
}
