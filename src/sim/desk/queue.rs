//! A team's alert queue, kept as lanes so that no change walks it: a report or an urgent
//! alert joins its lane at the back instead of being inserted into the middle of a long
//! queue, and expiry takes stale alerts from the sensor lanes' fronts instead of looking at
//! every alert each minute. A backlogged desk at a million-host region holds thousands.

use std::hash::{Hash, Hasher};

use super::super::digest::kept::{RowSum, SummedDeque};
use super::super::tasks::Alert;

/// The alerts waiting for triage, in the order analysts take them: victims' reports (urgent
/// ones first), then urgent sensor alerts, then the rest. Reports wait in the order they came;
/// sensor alerts in the order they were raised, which is the order they came (a sensor alert
/// joins the queue the minute it is raised), so the oldest is always at its lane's front.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertQueue {
    lanes: [SummedDeque<Alert>; 4],
}

/// The lane an alert waits in, by rank: reports before sensor alerts, urgent before the rest.
fn lane(alert: &Alert) -> usize {
    usize::from(!alert.certain) * 2 + usize::from(!alert.urgent)
}

/// The lanes of sensor alerts, which expire; reports never do.
const SENSOR_LANES: [usize; 2] = [2, 3];

impl AlertQueue {
    /// Queues an alert behind the others of its rank.
    pub fn push(&mut self, alert: Alert) {
        let lane = &mut self.lanes[lane(&alert)];
        if alert.certain || lane.back().is_none_or(|last| last.raised <= alert.raised) {
            lane.push_back(alert);
        } else {
            // Raised before alerts already waiting (only a hand-built queue does this): it
            // takes its place by age, behind those raised at the same minute.
            let at = lane.partition_point(|a| a.raised <= alert.raised);
            lane.insert(at, alert);
        }
    }

    /// The alert an analyst takes next.
    pub fn front(&self) -> Option<&Alert> {
        self.lanes.iter().find_map(|l| l.front())
    }

    pub fn pop_front(&mut self) -> Option<Alert> {
        self.lanes.iter_mut().find_map(SummedDeque::pop_front)
    }

    pub fn len(&self) -> usize {
        self.lanes.iter().map(|l| l.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.lanes.iter().all(|l| l.is_empty())
    }

    /// In the order analysts take them.
    pub fn iter(&self) -> impl Iterator<Item = &Alert> {
        self.lanes.iter().flat_map(|l| l.iter())
    }

    /// Takes out the sensor alerts raised at `before` or earlier, in queue order: each lane's
    /// stale alerts are at its front, so this costs what it takes.
    pub fn take_raised_by(&mut self, before: u64) -> Vec<Alert> {
        let mut stale = Vec::new();
        for l in SENSOR_LANES {
            let lane = &mut self.lanes[l];
            while lane.front().is_some_and(|a| a.raised <= before) {
                stale.extend(lane.pop_front());
            }
        }
        stale
    }

    /// The queue's fingerprint (digest version 2): its alerts as a multiset, the order
    /// following from them.
    pub fn sum(&self) -> RowSum {
        self.lanes
            .iter()
            .map(SummedDeque::sum)
            .fold(RowSum::default(), |a, b| a + b)
    }
}

impl Extend<Alert> for AlertQueue {
    fn extend<I: IntoIterator<Item = Alert>>(&mut self, alerts: I) {
        alerts.into_iter().for_each(|a| self.push(a));
    }
}

/// Hashes as the one `VecDeque` the queue used to be: version 1 digests are what they were.
impl Hash for AlertQueue {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_usize(self.len());
        self.iter().for_each(|a| a.hash(h));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::OrgIx;
    use crate::sim::digest::hash_of;
    use std::collections::VecDeque;

    fn alert(id: u64, raised: u64, certain: bool, urgent: bool) -> Alert {
        Alert {
            id,
            org: OrgIx(0),
            host: None,
            technique: None,
            campaign: None,
            raised,
            certain,
            urgent,
        }
    }

    /// Every rank in arrival order, and a hand-built late sensor alert by its age: the lanes
    /// hash, and keep their sum, as the single queue of the same alerts in the same order.
    #[test]
    fn the_lanes_hash_and_sum_as_one_queue_in_rank_order() {
        let mut q = AlertQueue::default();
        let arrivals = [
            alert(1, 5, false, false),
            alert(2, 5, false, true),
            alert(3, 6, true, false),
            alert(4, 6, true, true),
            alert(5, 7, false, false),
            alert(6, 3, false, false),
            alert(7, 8, true, true),
        ];
        q.extend(arrivals);
        let order: Vec<u64> = q.iter().map(|a| a.id).collect();
        assert_eq!(order, vec![4, 7, 3, 2, 6, 1, 5]);
        let flat: VecDeque<Alert> = q.iter().copied().collect();
        assert_eq!(hash_of(&q), hash_of(&flat));
        let mut one = SummedDeque::default();
        flat.iter().for_each(|a| one.push_back(*a));
        assert_eq!(q.sum(), one.sum());
        assert_eq!((q.len(), q.front().map(|a| a.id)), (7, Some(4)));
        assert_eq!(q.pop_front().map(|a| a.id), Some(4));
        assert_ne!(q.sum(), one.sum());
    }

    /// Expiry takes the old sensor alerts from both lanes, urgent first, and leaves reports
    /// however old.
    #[test]
    fn stale_sensor_alerts_leave_from_the_lanes_fronts_and_reports_stay() {
        let mut q = AlertQueue::default();
        q.extend([
            alert(1, 0, true, true),
            alert(2, 1, false, false),
            alert(3, 2, false, true),
            alert(4, 3, false, false),
            alert(5, 9, false, true),
        ]);
        let gone: Vec<u64> = q.take_raised_by(3).iter().map(|a| a.id).collect();
        assert_eq!(gone, vec![3, 2, 4]);
        assert_eq!(q.iter().map(|a| a.id).collect::<Vec<_>>(), vec![1, 5]);
        assert!(q.take_raised_by(8).is_empty());
        let mut rest = AlertQueue::default();
        rest.extend([alert(1, 0, true, true), alert(5, 9, false, true)]);
        assert_eq!(q.sum(), rest.sum());
    }
}
