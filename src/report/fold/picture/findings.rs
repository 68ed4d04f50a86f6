//! Each team's findings scored against what was true when it submitted them: the hosts a crew
//! held at the organisation then, the techniques crews had used there, the indicators their
//! records there carry. Precision says how much of what the team named was right, recall how
//! much of what was there it found; the time is from the organisation's first compromise, and
//! from the collection the team analysed.

use std::collections::{BTreeMap, BTreeSet};

use crate::scenario::Plan;
use crate::scenario::ids::{CampaignIx, OrgIx, TeamIx, TechniqueIx};
use crate::scenario::indicators::indicators_of;
use crate::sim::events::{SimEvent, Stamped};

use super::Footholds;

/// Named right, named wrong, missed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    pub right: u32,
    pub wrong: u32,
    pub missed: u32,
}

impl Score {
    fn of<T: Ord>(named: &BTreeSet<T>, truth: &BTreeSet<T>) -> Self {
        let right = named.intersection(truth).count() as u32;
        Score {
            right,
            wrong: named.len() as u32 - right,
            missed: truth.len() as u32 - right,
        }
    }

    /// Of what was named, the share right; `None` when nothing was named.
    pub fn precision(&self) -> Option<f64> {
        let named = self.right + self.wrong;
        (named > 0).then(|| self.right as f64 / named as f64)
    }

    /// Of what was there, the share named; `None` when nothing was there.
    pub fn recall(&self) -> Option<f64> {
        let there = self.right + self.missed;
        (there > 0).then(|| self.right as f64 / there as f64)
    }
}

/// One submission, scored.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    pub tick: u64,
    pub team: TeamIx,
    pub org: OrgIx,
    pub hosts: Score,
    pub indicators: Score,
    pub techniques: Score,
    /// Minutes since a crew first took a host at the organisation (`None`: none ever had).
    pub since_compromise: Option<u64>,
    /// Minutes since the team's latest collection from the organisation, if it had one.
    pub since_collection: Option<u64>,
}

#[derive(Clone, Debug, Default)]
pub struct FindingsRecord {
    /// Per organisation, the techniques each crew used there so far.
    used: BTreeMap<OrgIx, BTreeSet<(CampaignIx, TechniqueIx)>>,
    /// When a crew first took a host at each organisation.
    first: BTreeMap<OrgIx, u64>,
    /// Each team's latest collection per organisation.
    collected: BTreeMap<(TeamIx, OrgIx), u64>,
    /// Every submission, in log order.
    pub scored: Vec<Scored>,
}

impl FindingsRecord {
    pub(super) fn apply(&mut self, plan: &Plan, e: &Stamped, footholds: &Footholds) {
        match e.event {
            SimEvent::HostCompromised {
                campaign,
                org,
                technique,
                ..
            } => {
                self.first.entry(org).or_insert(e.tick);
                self.used
                    .entry(org)
                    .or_default()
                    .insert((campaign, technique));
            }
            SimEvent::StageCompleted {
                campaign,
                org,
                technique,
            } => {
                self.used
                    .entry(org)
                    .or_default()
                    .insert((campaign, technique));
            }
            SimEvent::CollectionDelivered { team, org } => {
                self.collected.insert((team, org), e.tick);
            }
            SimEvent::FindingsSubmitted(crate::scenario::Findings {
                team,
                org,
                ref hosts,
                ref indicators,
                ref techniques,
            }) => {
                let none = BTreeSet::new();
                let used = self.used.get(&org).unwrap_or(&none);
                let named_hosts: BTreeSet<u32> = hosts.iter().copied().collect();
                let held = footholds.held_at(org);
                let named_techniques: BTreeSet<TechniqueIx> = techniques.iter().copied().collect();
                let true_techniques: BTreeSet<TechniqueIx> = used.iter().map(|u| u.1).collect();
                let named_indicators: BTreeSet<String> = indicators.iter().cloned().collect();
                self.scored.push(Scored {
                    tick: e.tick,
                    team,
                    org,
                    hosts: Score::of(&named_hosts, &held),
                    indicators: Score::of(&named_indicators, &carried(plan, used)),
                    techniques: Score::of(&named_techniques, &true_techniques),
                    since_compromise: self.first.get(&org).map(|t| e.tick - t),
                    since_collection: self.collected.get(&(team, org)).map(|t| e.tick - t),
                });
            }
            _ => {}
        }
    }
}

/// The indicators the crews' records at an organisation carry: each technique's (as the
/// evidence writes it), and each crew's command-and-control domain and tool hash.
fn carried(plan: &Plan, used: &BTreeSet<(CampaignIx, TechniqueIx)>) -> BTreeSet<String> {
    (used.iter())
        .flat_map(|&(c, t)| indicators_of(plan, c, [t]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Precision is over what was named, recall over what was there; neither exists over
    /// nothing.
    #[test]
    fn a_score_counts_right_wrong_and_missed() {
        let named: BTreeSet<u32> = [1, 2, 9].into();
        let truth: BTreeSet<u32> = [1, 2, 3, 4].into();
        let s = Score::of(&named, &truth);
        assert_eq!(
            s,
            Score {
                right: 2,
                wrong: 1,
                missed: 2
            }
        );
        assert_eq!(s.precision(), Some(2.0 / 3.0));
        assert_eq!(s.recall(), Some(0.5));
        let none = Score::of(&BTreeSet::<u32>::new(), &BTreeSet::new());
        assert_eq!((none.precision(), none.recall()), (None, None));
    }
}
