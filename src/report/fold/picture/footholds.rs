//! Which crew holds which host, from the record (taken, cut off, rebuilt), so the report can
//! say when a team called an incident contained while the crew still held hosts it had missed:
//! the learning point an imperfect investigation leaves, which the team could not see itself.

use std::collections::BTreeMap;

use crate::scenario::ids::{CampaignIx, OrgIx, TeamIx};
use crate::sim::events::{SimEvent, Stamped};

/// An incident the team called contained while the crew still held hosts there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EarlyContainment {
    pub tick: u64,
    pub incident: u32,
    pub team: TeamIx,
    pub org: OrgIx,
    /// Hosts the crew still held then.
    pub held: u32,
}

#[derive(Clone, Debug, Default)]
pub struct Footholds {
    /// Per host a crew holds now: which crew, where.
    held: BTreeMap<u32, (CampaignIx, OrgIx)>,
    /// Incidents called contained while the crew still held hosts, in log order.
    pub early: Vec<EarlyContainment>,
    /// When each incident was first found live again.
    pub reopened: BTreeMap<u32, u64>,
}

impl Footholds {
    /// The hosts a crew holds at the organisation now.
    pub fn held_at(&self, org: OrgIx) -> std::collections::BTreeSet<u32> {
        (self.held.iter())
            .filter(|(_, (_, o))| *o == org)
            .map(|(h, _)| *h)
            .collect()
    }

    /// When the team found out it had called `early` too soon: its incident reopened, or a new
    /// one of its own on the same crew at the same organisation; `None` if it never did.
    pub fn found_again(&self, early: &EarlyContainment, opened: &[super::Opened]) -> Option<u64> {
        let crew = opened.get(early.incident as usize)?.campaign;
        let reopened = self.reopened.get(&early.incident).copied();
        let new = (opened.iter())
            .find(|o| {
                o.tick > early.tick
                    && o.team == early.team
                    && o.org == early.org
                    && o.campaign == crew
            })
            .map(|o| o.tick);
        reopened.into_iter().chain(new).min()
    }
}

impl Footholds {
    pub(super) fn apply(&mut self, e: &Stamped, opened: &[super::Opened]) {
        match e.event {
            SimEvent::HostCompromised {
                campaign,
                org,
                host,
                ..
            } => {
                self.held.insert(host, (campaign, org));
            }
            // Cut off, or rebuilt (a decrypted host's foothold stays, but the record does not
            // tell a decryption from a rebuild: the report counts short, never long).
            SimEvent::HostIsolated { host, .. } | SimEvent::HostRestored { host, .. } => {
                self.held.remove(&host);
            }
            SimEvent::IncidentReopened { incident } => {
                self.reopened.entry(incident).or_insert(e.tick);
            }
            SimEvent::IncidentContained { incident } => {
                let Some(o) = opened.get(incident as usize) else {
                    return;
                };
                let held = (self.held.values())
                    .filter(|(c, org)| *c == o.campaign && *org == o.org)
                    .count() as u32;
                if held > 0 {
                    self.early.push(EarlyContainment {
                        tick: e.tick,
                        incident,
                        team: o.team,
                        org: o.org,
                        held,
                    });
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fold::picture::Opened;

    fn at(tick: u64, event: SimEvent) -> Stamped {
        Stamped { tick, event }
    }

    /// Contained with a host of its crew still held (another crew's host does not count) is
    /// early, found again when the incident reopens; contained once every host is cut off or
    /// rebuilt is not.
    #[test]
    fn an_incident_called_contained_while_its_crew_held_a_host_is_early() {
        let (team, gov) = (TeamIx(0), OrgIx(0));
        let taken = |host, campaign| SimEvent::HostCompromised {
            campaign: CampaignIx(campaign),
            org: gov,
            host,
            technique: crate::scenario::ids::TechniqueIx(0),
        };
        let opened = [
            Opened {
                tick: 5,
                team,
                org: gov,
                campaign: CampaignIx(0),
            },
            Opened {
                tick: 6,
                team,
                org: gov,
                campaign: CampaignIx(1),
            },
        ];
        let log = [
            at(1, taken(1, 0)),
            at(2, taken(2, 0)),
            at(3, taken(3, 1)),
            at(
                10,
                SimEvent::HostIsolated {
                    host: 1,
                    org: gov,
                    team,
                },
            ),
            at(20, SimEvent::IncidentContained { incident: 0 }),
            at(
                30,
                SimEvent::HostRestored {
                    host: 3,
                    org: gov,
                    encrypted: true,
                },
            ),
            at(31, SimEvent::IncidentContained { incident: 1 }),
            at(50, SimEvent::IncidentReopened { incident: 0 }),
        ];
        let mut f = Footholds::default();
        for e in &log {
            f.apply(e, &opened);
        }
        assert_eq!(
            f.early,
            [EarlyContainment {
                tick: 20,
                incident: 0,
                team,
                org: gov,
                held: 1
            }]
        );
        assert_eq!(f.found_again(&f.early[0], &opened), Some(50));
    }
}
