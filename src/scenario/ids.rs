//! Stable identity: indexes into the scenario's lists (file order), and the one lookup from an
//! author's id to that index, used by validation, commands, the console and tests.

use std::collections::BTreeMap;

use super::{Catalog, Scenario};

/// A typed index into one of the scenario's lists (file order), so an organisation's index
/// cannot be passed where a team's is meant. `Debug` and `Hash` are the bare number's, which
/// keeps event text and digests independent of the wrapper.
macro_rules! index {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The position in its list.
            pub fn ix(self) -> usize {
                self.0 as usize
            }
            /// Every index of a list of `n` items, in order.
            pub fn all(n: usize) -> impl Iterator<Item = Self> {
                (0..n as u32).map($name)
            }
        }

        impl From<u32> for $name {
            fn from(i: u32) -> Self {
                $name(i)
            }
        }

        impl From<usize> for $name {
            fn from(i: usize) -> Self {
                $name(i as u32)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl<T> std::ops::Index<$name> for [T] {
            type Output = T;
            fn index(&self, i: $name) -> &T {
                &self[i.ix()]
            }
        }

        impl<T> std::ops::IndexMut<$name> for [T] {
            fn index_mut(&mut self, i: $name) -> &mut T {
                &mut self[i.ix()]
            }
        }

        impl<T> std::ops::Index<$name> for Vec<T> {
            type Output = T;
            fn index(&self, i: $name) -> &T {
                &self[i.ix()]
            }
        }

        impl<T> std::ops::IndexMut<$name> for Vec<T> {
            fn index_mut(&mut self, i: $name) -> &mut T {
                &mut self[i.ix()]
            }
        }
    };
}

index!(IslandIx);
index!(OrgIx);
index!(TeamIx);
index!(CampaignIx);
index!(ActorIx);
index!(ServiceIx);
index!(LinkIx);
index!(TechniqueIx);
index!(InjectIx);
index!(ExpectationIx);
index!(ObjectiveIx);
index!(ModuleIx);

/// A host's index. Hosts are numbered contiguously by organisation and group, and the model
/// works on ranges of them (`Range<HostIx>` must iterate), so this stays a plain number.
pub type HostIx = u32;
/// A host group's index: groups, like hosts, are handled as ranges.
pub type GroupIx = u32;

/// The ids of one list, in file order (the first of two equal ids wins; validation reports the
/// second).
#[derive(Clone, Debug, Default)]
pub struct IdIndex<I = u32> {
    /// What the list holds, in words: "island", "organisation".
    pub kind: &'static str,
    by_id: BTreeMap<String, u32>,
    _ix: std::marker::PhantomData<I>,
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

impl<I: From<u32>> IdIndex<I> {
    pub fn new<'a>(kind: &'static str, ids: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_id = BTreeMap::new();
        for (i, id) in ids.into_iter().enumerate() {
            by_id.entry(id.to_string()).or_insert(i as u32);
        }
        IdIndex {
            kind,
            by_id,
            _ix: std::marker::PhantomData,
        }
    }

    pub fn get(&self, id: &str) -> Option<I> {
        self.by_id.get(id).copied().map(I::from)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    pub fn resolve(&self, id: &str) -> Result<I, UnknownId> {
        self.get(id).ok_or_else(|| UnknownId {
            kind: self.kind,
            id: id.to_string(),
            nearest: self.nearest(id),
            known: self.known(),
        })
    }

    /// Every id, in id order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }

    /// "known ids: a, b, c" (the first 25 in id order).
    pub fn known(&self) -> String {
        if self.by_id.is_empty() {
            return format!("no {} is declared", self.kind);
        }
        let names: Vec<&str> = self.by_id.keys().map(String::as_str).take(25).collect();
        let more = if self.by_id.len() > 25 { ", ..." } else { "" };
        format!("known ids: {}{more}", names.join(", "))
    }

    /// The known id within two edits (ignoring case) of `id`, closest first.
    fn nearest(&self, id: &str) -> Option<String> {
        nearest_name(id, self.by_id.keys().map(String::as_str)).map(String::from)
    }
}

/// The name among `known` within two edits of `wanted` (ignoring case; one edit for short
/// names), closest first, then shortest: the likely meaning of a typo. Ids, fields and variants
/// all use it.
pub fn nearest_name<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = wanted.to_lowercase();
    let limit = 2.min(lower.chars().count().saturating_sub(1));
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(&lower, &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, k)| (*d, k.len()))
        .map(|(_, k)| k)
}

/// Every list's ids: one id -> index lookup.
#[derive(Clone, Debug, Default)]
pub struct Ids {
    pub islands: IdIndex<IslandIx>,
    pub links: IdIndex<LinkIx>,
    pub orgs: IdIndex<OrgIx>,
    pub services: IdIndex<ServiceIx>,
    pub actors: IdIndex<ActorIx>,
    pub campaigns: IdIndex<CampaignIx>,
    pub teams: IdIndex<TeamIx>,
    pub injects: IdIndex<InjectIx>,
    pub expectations: IdIndex<ExpectationIx>,
    pub objectives: IdIndex<ObjectiveIx>,
    pub modules: IdIndex<ModuleIx>,
    pub techniques: IdIndex<TechniqueIx>,
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
            modules: IdIndex::new("module", s.modules.iter().map(|x| x.id.as_str())),
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
        let ix = IdIndex::<IslandIx>::new("island", ["LC", "DM", "GD", "ag-csirt", "dm-csirt"]);
        assert_eq!(ix.resolve("DM"), Ok(IslandIx(1)));
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
        let ix = IdIndex::<TeamIx>::new("team", ["a", "b", "a"]);
        assert_eq!(ix.get("a"), Some(TeamIx(0)));
        assert_eq!(ix.get("b"), Some(TeamIx(1)));
    }
}
