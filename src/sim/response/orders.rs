//! Trainees' orders become work: an order reaches its team's own incidents in the organisation
//! named, and each host goes on the list once (queued or being cleaned already: left as it is).
//! The desk then works these tasks like any other; what finishing one does is in `complete`.

use crate::scenario::ids::{OrgIx, TeamIx};

use super::super::events::Order;
use super::super::incidents::{Incident, Incidents};
use super::super::network::Hosts;
use super::super::tasks::Task;

/// The work a trainee's order puts on the team's list.
pub(super) fn order_tasks(
    order: Order,
    team: TeamIx,
    incidents: &mut Incidents,
    hosts: &Hosts,
) -> Vec<Task> {
    let mine = |i: &Incident, org: OrgIx| i.team == team && i.org == org && !i.closed;
    match order {
        Order::Investigate(org) => {
            let open: Vec<u32> = (0..incidents.0.len() as u32)
                .filter(|k| {
                    mine(&incidents.0[*k as usize], org) && !incidents.0[*k as usize].scoped
                })
                .collect();
            if open.is_empty() {
                vec![Task::Hunt { org }]
            } else {
                open.into_iter()
                    .map(|incident| Task::Investigate { incident })
                    .collect()
            }
        }
        Order::IsolateHosts(org) => {
            let mut tasks = Vec::new();
            let open = |i: &Incident| mine(i, org) && i.scoped && !i.contained;
            for k in incidents.ids_where(open) {
                let mut inc = incidents.edit(k);
                // Only what the team's investigation found and it has not cut off yet: it
                // cannot isolate what it has not seen.
                let known: Vec<u32> = inc.held.iter().copied().collect();
                for h in known {
                    if inc.queued.insert(h) {
                        tasks.push(Task::Isolate {
                            incident: k,
                            host: h,
                        });
                    }
                }
            }
            tasks
        }
        Order::Eradicate(org) => {
            let mut tasks = Vec::new();
            for k in incidents.ids_where(|i| mine(i, org)) {
                let mut inc = incidents.edit(k);
                let ready: Vec<u32> = inc
                    .outstanding
                    .iter()
                    .copied()
                    .filter(|h| hosts.get(*h).isolated && hosts.get(*h).restore_at.is_none())
                    .collect();
                for h in ready {
                    if inc.cleaning.insert(h) {
                        tasks.push(Task::Eradicate {
                            incident: k,
                            host: h,
                        });
                    }
                }
            }
            tasks
        }
        Order::Patch(org) => vec![Task::Patch { org }],
        Order::ResetCredentials(org) => vec![Task::ResetCredentials { org }],
        Order::Block(campaign) => vec![Task::Block { campaign }],
    }
}
