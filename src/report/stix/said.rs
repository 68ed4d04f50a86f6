//! What the teams said, read from the operating picture: each item of intelligence, and the
//! objects the items mention, each with the most shareable marking it was said at and the
//! first moment it was; and where a team that shared about a campaign met it.

use std::collections::{BTreeMap, BTreeSet};

use super::openness;
use crate::report::picture::OperatingPicture;
use crate::scenario::ids::{ActorIx, CampaignIx, IslandIx, TeamIx, TechniqueIx};
use crate::scenario::{Plan, Tlp};

/// One intel item as produced, with its campaign's actor.
pub(super) struct Item<'a> {
    pub number: u32,
    pub campaign: CampaignIx,
    pub actor: ActorIx,
    pub techniques: &'a [TechniqueIx],
    pub tlp: Tlp,
    pub team: TeamIx,
    pub island: IslandIx,
    pub produced: u64,
}

/// Where a team that shared about a campaign met it: (campaign, island), (first tick, last
/// tick, times, team), and the most open marking it shared under.
pub(super) type Sighting = ((CampaignIx, IslandIx), (u64, u64, u32, TeamIx), Tlp);

#[derive(Default)]
pub(super) struct Said<'a> {
    /// By item number.
    pub items: Vec<Item<'a>>,
    /// The markings used, by openness.
    pub tlps: BTreeSet<u8>,
    pub teams: BTreeMap<TeamIx, u64>,
    pub campaigns: BTreeMap<CampaignIx, (Tlp, u64)>,
    pub actors: BTreeMap<usize, (Tlp, u64)>,
    pub techniques: BTreeMap<TechniqueIx, u64>,
    pub islands: BTreeSet<IslandIx>,
    pub sightings: Vec<Sighting>,
}

impl<'a> Said<'a> {
    pub fn of(plan: &Plan, picture: &'a OperatingPicture) -> Self {
        let items = picture
            .intel
            .items
            .iter()
            .map(|(&number, i)| Item {
                number,
                campaign: i.campaign,
                actor: plan.campaigns[i.campaign].actor,
                techniques: &i.techniques,
                tlp: i.tlp,
                team: i.team,
                island: i.island,
                produced: i.produced,
            })
            .collect();
        let mut said = Said {
            items,
            ..Default::default()
        };
        said.mentioned();
        said.sighted(plan, picture);
        if !said.teams.is_empty() {
            said.tlps.insert(openness(Tlp::Clear));
        }
        said
    }

    /// The teams, campaigns, actors, techniques and islands the items mention.
    fn mentioned(&mut self) {
        let more_open = |slot: &mut (Tlp, u64), tlp: Tlp, at: u64| {
            if openness(tlp) < openness(slot.0) {
                slot.0 = tlp;
            }
            slot.1 = slot.1.min(at);
        };
        for item in &self.items {
            let (tlp, at) = (item.tlp, item.produced);
            self.tlps.insert(openness(tlp));
            self.teams.entry(item.team).or_insert(at);
            more_open(
                self.campaigns.entry(item.campaign).or_insert((tlp, at)),
                tlp,
                at,
            );
            more_open(
                self.actors.entry(item.actor.ix()).or_insert((tlp, at)),
                tlp,
                at,
            );
            for &t in item.techniques {
                self.techniques.entry(t).or_insert(at);
            }
            self.islands.insert(item.island);
        }
    }

    /// Where a team that shared about a campaign met it: its incidents by campaign and island
    /// (first, last, count, first team), where an item on that campaign came from the island.
    fn sighted(&mut self, plan: &Plan, picture: &OperatingPicture) {
        let mut met: BTreeMap<(CampaignIx, IslandIx), (u64, u64, u32, TeamIx)> = BTreeMap::new();
        for o in &picture.incidents_opened {
            let island = plan.orgs[o.org].island;
            let m = met
                .entry((o.campaign, island))
                .or_insert((o.tick, o.tick, 0, o.team));
            m.1 = o.tick;
            m.2 += 1;
        }
        for (&(campaign, island), &m) in &met {
            let said = self
                .items
                .iter()
                .filter(|i| i.campaign == campaign && i.island == island)
                .map(|i| i.tlp)
                .min_by_key(|t| openness(*t));
            if let Some(tlp) = said {
                self.islands.insert(island);
                self.teams.entry(m.3).or_insert(m.0);
                self.sightings.push(((campaign, island), m, tlp));
            }
        }
    }
}
