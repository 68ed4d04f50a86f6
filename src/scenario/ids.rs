//! Stable identity: indexes into the scenario's lists (file order), and the one lookup from an
//! author's id to that index, used by validation, commands, the console and tests.

use std::collections::BTreeMap;

use super::{Catalog, Scenario};

/// Indexes into the scenario's lists (file order).
pub type IslandIx = u32;
pub type OrgIx = u32;
pub type HostIx = u32;
pub type CampaignIx = u32;
pub type TeamIx = u32;
pub type ServiceIx = u32;
pub type TechniqueIx = u32;

/// The ids of one list, in file order (the first of two equal ids wins; validation reports the
/// second).
#[derive(Clone, Debug, Default)]
pub struct IdIndex {
    /// What the list holds, in words: "island", "organisation".
    pub kind: &'static str,
    by_id: BTreeMap<String, u32>,
}

/// An id that names nothing in its list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownId {
    pub kind: &'static str,
    pub id: String,
    /// The nearest known id, if one is close enough to be a typo.
    pub nearest: Option<String>,
    /// Known ids, for the help line.
    pub known: String,
}

impl UnknownId {
    /// The help line: a likely fix first, then what exists.
    pub fn help(&self) -> String {
        match &self.nearest {
            Some(n) => format!("did you mean `{n}`? {}", self.known),
            None => self.known.clone(),
        }
    }
}

impl std::fmt::Display for UnknownId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} `{}` ({})", self.kind, self.id, self.help())
    }
}

impl IdIndex {
    pub fn new<'a>(kind: &'static str, ids: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_id = BTreeMap::new();
        for (i, id) in ids.into_iter().enumerate() {
            by_id.entry(id.to_string()).or_insert(i as u32);
        }
        IdIndex { kind, by_id }
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    pub fn resolve(&self, id: &str) -> Result<u32, UnknownId> {
        self.get(id).ok_or_else(|| UnknownId {
            kind: self.kind,
            id: id.to_string(),
            nearest: self.nearest(id),
            known: self.known(),
        })
    }

    /// "known ids: a, b, c" (the first 25 in id order).
    pub fn known(&self) -> String {
        let names: Vec<&str> = self.by_id.keys().map(String::as_str).take(25).collect();
        let more = if self.by_id.len() > 25 { ", ..." } else { "" };
        format!("known ids: {}{more}", names.join(", "))
    }

    /// The known id within two edits (ignoring case) of `id`, closest first.
    fn nearest(&self, id: &str) -> Option<String> {
        let wanted = id.to_lowercase();
        self.by_id
            .keys()
            .map(|k| (edit_distance(&wanted, &k.to_lowercase()), k))
            .filter(|(d, _)| *d <= 2.min(wanted.chars().count().saturating_sub(1)))
            .min_by_key(|(d, k)| (*d, k.len()))
            .map(|(_, k)| k.clone())
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// Every list's ids: one id -> index lookup.
#[derive(Clone, Debug, Default)]
pub struct Ids {
    pub islands: IdIndex,
    pub links: IdIndex,
    pub orgs: IdIndex,
    pub services: IdIndex,
    pub actors: IdIndex,
    pub campaigns: IdIndex,
    pub teams: IdIndex,
    pub injects: IdIndex,
    pub expectations: IdIndex,
    pub objectives: IdIndex,
    pub techniques: IdIndex,
}

impl Ids {
    pub fn of(s: &Scenario, catalog: &Catalog) -> Self {
        Ids {
            islands: IdIndex::new("island", s.islands.iter().map(|x| x.id.as_str())),
            links: IdIndex::new("link", s.links.iter().map(|x| x.id.as_str())),
            orgs: IdIndex::new(
                "organisation",
                s.organisations.iter().map(|x| x.id.as_str()),
            ),
            services: IdIndex::new("service", s.services.iter().map(|x| x.id.as_str())),
            actors: IdIndex::new("actor", s.actors.iter().map(|x| x.id.as_str())),
            campaigns: IdIndex::new("campaign", s.campaigns.iter().map(|x| x.id.as_str())),
            teams: IdIndex::new("team", s.teams.iter().map(|x| x.id.as_str())),
            injects: IdIndex::new("inject", s.msel.iter().map(|x| x.id.as_str())),
            expectations: IdIndex::new("expectation", s.expectations.iter().map(|x| x.id.as_str())),
            objectives: IdIndex::new("objective", s.objectives.iter().map(|x| x.id.as_str())),
            techniques: IdIndex::new(
                "technique",
                catalog.techniques.iter().map(|x| x.id.as_str()),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_answered_with_the_nearest_id() {
        let ix = IdIndex::new("island", ["LC", "DM", "GD", "ag-csirt", "dm-csirt"]);
        assert_eq!(ix.resolve("DM"), Ok(1));
        let e = ix.resolve("dm-csrit").unwrap_err();
        assert_eq!(e.nearest.as_deref(), Some("dm-csirt"));
        assert!(
            e.help().starts_with("did you mean `dm-csirt`?"),
            "{}",
            e.help()
        );
        // Nothing close: no guess, only the list.
        let e = ix.resolve("barbados").unwrap_err();
        assert_eq!(e.nearest, None);
        assert!(
            e.to_string()
                .contains("known ids: DM, GD, LC, ag-csirt, dm-csirt")
        );
    }

    #[test]
    fn the_first_of_two_equal_ids_wins() {
        let ix = IdIndex::new("team", ["a", "b", "a"]);
        assert_eq!(ix.get("a"), Some(0));
        assert_eq!(ix.get("b"), Some(1));
    }
}
