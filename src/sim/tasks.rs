//! A desk's to-do list: tasks kept in the order they were listed, picked by priority.
//!
//! A backlogged team may list thousands of tasks (a worm's hosts to isolate and clean); a free
//! analyst must find the most urgent one without reading them all, and the assistance policy
//! must know the backlog without summing it every minute. So the list keeps one lane per
//! priority (first listed first within a lane) and a count of each kind of task.
//!
//! The listing order is the list's identity: two lists with the same tasks in the same order
//! are equal and hash alike (as the `Vec<Task>` the list once was, so digests did not move),
//! whatever lanes and sequence numbers got them there.

use std::collections::VecDeque;

use super::digest::kept::{RowSum, keyed, whole_rows};
use super::judgement::CERTAIN_TRIAGE_MINUTES;
use crate::scenario::ids::{CampaignIx, OrgIx, TechniqueIx};
use crate::scenario::{Defaults, IntelPolicy};

whole_rows!(Alert, Task);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Alert {
    pub id: u64,
    pub org: OrgIx,
    pub host: Option<u32>,
    pub technique: Option<TechniqueIx>,
    /// The campaign behind it, if the alert is a true positive.
    pub campaign: Option<CampaignIx>,
    pub raised: u64,
    /// A victim's own report (a ransom note, services down): nobody can mistake it.
    pub certain: bool,
    /// Raised at high severity (credential theft, lateral movement, data out, impact; and a
    /// share of the false ones): triaged before the rest.
    pub urgent: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Task {
    Triage(Alert),
    Investigate {
        incident: u32,
    },
    Isolate {
        incident: u32,
        host: u32,
    },
    Eradicate {
        incident: u32,
        host: u32,
    },
    /// Put an item of intelligence to work: sensors, mail filters, blocklists.
    ApplyIntel {
        item: u32,
    },
    /// The hub vets an item before relaying it to its members.
    RelayIntel {
        item: u32,
    },
    /// Look for an intruder at an organisation no incident covers yet (a trainee's order).
    Hunt {
        org: OrgIx,
    },
    /// Patch an organisation's systems against known vulnerabilities.
    Patch {
        org: OrgIx,
    },
    /// Block a campaign's known infrastructure (mail filters, firewalls) on the team's island.
    Block {
        campaign: CampaignIx,
    },
    /// Reset an organisation's credentials (privileged accounts, the domain's keys, users'
    /// passwords): what the intruder took stops working.
    ResetCredentials {
        org: OrgIx,
    },
}

pub(super) const TRIAGE_PRIORITY: u8 = 2;

/// Tasks that take the same time: what a backlog is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    /// A victim's own report needs no detective work.
    ReportTriage,
    Triage,
    Investigate,
    Isolate,
    Eradicate,
    ApplyIntel,
    RelayIntel,
    Patch,
    Block,
    ResetCredentials,
}

impl TaskKind {
    pub const COUNT: usize = 10;
    pub const ALL: [TaskKind; Self::COUNT] = [
        TaskKind::ReportTriage,
        TaskKind::Triage,
        TaskKind::Investigate,
        TaskKind::Isolate,
        TaskKind::Eradicate,
        TaskKind::ApplyIntel,
        TaskKind::RelayIntel,
        TaskKind::Patch,
        TaskKind::Block,
        TaskKind::ResetCredentials,
    ];

    /// Analyst minutes a task of this kind takes at skill 0.5.
    pub fn base_minutes(self, d: &Defaults, intel: &IntelPolicy) -> u64 {
        match self {
            TaskKind::ReportTriage => CERTAIN_TRIAGE_MINUTES,
            TaskKind::Triage => d.triage.0,
            TaskKind::Investigate => d.investigate.0,
            TaskKind::Isolate => d.isolate_per_host.0,
            TaskKind::Eradicate => d.eradicate_per_host.0,
            TaskKind::ApplyIntel => intel.apply.0,
            TaskKind::RelayIntel => intel.hub_processing.0,
            TaskKind::Patch => d.patch.0,
            TaskKind::Block => d.block.0,
            TaskKind::ResetCredentials => d.reset_credentials.0,
        }
    }
}

impl Task {
    pub fn kind(&self) -> TaskKind {
        match self {
            Task::Triage(a) if a.certain => TaskKind::ReportTriage,
            Task::Triage(_) => TaskKind::Triage,
            // Hunting is an investigation without a lead.
            Task::Investigate { .. } | Task::Hunt { .. } => TaskKind::Investigate,
            Task::Isolate { .. } => TaskKind::Isolate,
            Task::Eradicate { .. } => TaskKind::Eradicate,
            Task::ApplyIntel { .. } => TaskKind::ApplyIntel,
            Task::RelayIntel { .. } => TaskKind::RelayIntel,
            Task::Patch { .. } => TaskKind::Patch,
            Task::Block { .. } => TaskKind::Block,
            Task::ResetCredentials { .. } => TaskKind::ResetCredentials,
        }
    }

    /// Analyst minutes the task takes at skill 0.5 (slower or faster with the team's skill).
    pub fn base_minutes(&self, d: &Defaults, intel: &IntelPolicy) -> u64 {
        self.kind().base_minutes(d, intel)
    }

    /// Lower runs first: stop the bleeding, then understand, then sort alerts, then clean up.
    pub fn priority(&self) -> u8 {
        match self {
            // Shutting the door the intruder would come back through goes with isolating.
            Task::Isolate { .. } | Task::ResetCredentials { .. } => 0,
            Task::Investigate { .. } => 1,
            Task::Triage(_) => TRIAGE_PRIORITY,
            Task::ApplyIntel { .. }
            | Task::RelayIntel { .. }
            | Task::Hunt { .. }
            | Task::Block { .. } => 1,
            Task::Patch { .. } => 3,
            Task::Eradicate { .. } => 3,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Work {
    pub task: Task,
    pub remaining: u64,
}

/// Priorities run from 0 (first) to 3 (see [`Task::priority`]).
const LANES: usize = 4;

#[derive(Clone, Default)]
pub struct TaskList {
    /// Per priority, the tasks in listing order with their place in the listing.
    lanes: [VecDeque<(u64, Task)>; LANES],
    /// The fingerprint of the (place, task) rows (digest version 2): the places give the order.
    sum: RowSum,
    /// The next task's place in the listing.
    listed: u64,
    /// How many tasks of each kind are listed: the backlog without a walk.
    kinds: [u32; TaskKind::COUNT],
}

impl TaskList {
    pub fn push(&mut self, task: Task) {
        self.sum.add(keyed(&self.listed, &task));
        self.kinds[task.kind() as usize] += 1;
        self.lanes[task.priority() as usize].push_back((self.listed, task));
        self.listed += 1;
    }

    pub fn sum(&self) -> RowSum {
        self.sum
    }

    pub fn len(&self) -> usize {
        self.lanes.iter().map(VecDeque::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.lanes.iter().all(VecDeque::is_empty)
    }

    /// The priority of the most urgent task listed.
    pub fn top_priority(&self) -> Option<u8> {
        self.lanes
            .iter()
            .position(|l| !l.is_empty())
            .map(|p| p as u8)
    }

    /// Takes the most urgent task, first listed among equals, if one is at least as urgent as
    /// `at_most` (a priority; `u8::MAX` takes any).
    pub fn pop_if_at_most(&mut self, at_most: u8) -> Option<Task> {
        let p = self.top_priority().filter(|p| *p <= at_most)?;
        let (place, task) = self.lanes[p as usize].pop_front()?;
        self.sum.remove(keyed(&place, &task));
        self.kinds[task.kind() as usize] -= 1;
        Some(task)
    }

    /// Analyst-minutes of the listed tasks at base speed, from the counts of each kind.
    pub fn backlog_minutes(&self, d: &Defaults, intel: &IntelPolicy) -> u64 {
        TaskKind::ALL
            .iter()
            .map(|k| u64::from(self.kinds[*k as usize]) * k.base_minutes(d, intel))
            .sum()
    }

    /// The tasks in the order they were listed (a merge of the lanes).
    pub fn iter(&self) -> impl Iterator<Item = &Task> {
        let mut all: Vec<&(u64, Task)> = self.lanes.iter().flatten().collect();
        all.sort_unstable_by_key(|(place, _)| *place);
        all.into_iter().map(|(_, t)| t)
    }
}

impl Extend<Task> for TaskList {
    fn extend<I: IntoIterator<Item = Task>>(&mut self, tasks: I) {
        for t in tasks {
            self.push(t);
        }
    }
}

impl FromIterator<Task> for TaskList {
    fn from_iter<I: IntoIterator<Item = Task>>(tasks: I) -> Self {
        let mut list = TaskList::default();
        list.extend(tasks);
        list
    }
}

impl PartialEq for TaskList {
    fn eq(&self, o: &Self) -> bool {
        self.len() == o.len() && self.iter().eq(o.iter())
    }
}

impl Eq for TaskList {}

impl std::hash::Hash for TaskList {
    /// The encoding of a `Vec<Task>` in listing order: its length, then each task.
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_usize(self.len());
        for t in self.iter() {
            t.hash(h);
        }
    }
}

impl std::fmt::Debug for TaskList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::digest::hash_of;

    fn alert(certain: bool) -> Alert {
        Alert {
            id: 1,
            org: OrgIx(0),
            host: None,
            technique: None,
            campaign: None,
            raised: 0,
            certain,
            urgent: false,
        }
    }

    #[test]
    fn a_victims_report_takes_minutes_where_an_alert_takes_the_triage_time() {
        let d = Defaults::default();
        let i = IntelPolicy::default();
        assert_eq!(
            Task::Triage(alert(true)).base_minutes(&d, &i),
            CERTAIN_TRIAGE_MINUTES
        );
        assert_eq!(Task::Triage(alert(false)).base_minutes(&d, &i), d.triage.0);
    }

    fn sample() -> Vec<Task> {
        vec![
            Task::Patch { org: OrgIx(0) },
            Task::Eradicate {
                incident: 0,
                host: 1,
            },
            Task::Investigate { incident: 0 },
            Task::Isolate {
                incident: 0,
                host: 2,
            },
            Task::Hunt { org: OrgIx(3) },
            Task::Isolate {
                incident: 1,
                host: 7,
            },
        ]
    }

    /// The digest of a desk did not move when its list stopped being a `Vec`.
    #[test]
    fn a_list_hashes_and_compares_as_the_vec_of_its_tasks_in_listing_order() {
        let list: TaskList = sample().into_iter().collect();
        assert_eq!(hash_of(&list), hash_of(&sample()));
        assert_eq!(list.iter().copied().collect::<Vec<_>>(), sample());
        assert_eq!(format!("{list:?}"), format!("{:?}", sample()));
        // Same tasks, another order: another list.
        let mut reversed = sample();
        reversed.reverse();
        let other: TaskList = reversed.into_iter().collect();
        assert_ne!(list, other);
        assert_ne!(hash_of(&list), hash_of(&other));
        // Equal whatever history of lanes and places led there.
        let mut churned = TaskList::default();
        churned.push(Task::Isolate {
            incident: 9,
            host: 9,
        });
        churned.pop_if_at_most(u8::MAX);
        churned.extend(sample());
        assert_eq!(churned, list);
        assert_eq!(hash_of(&churned), hash_of(&list));
    }

    #[test]
    fn the_most_urgent_task_comes_first_and_the_first_listed_among_equals() {
        let mut list: TaskList = sample().into_iter().collect();
        assert_eq!(list.pop_if_at_most(0), Some(sample()[3]));
        assert_eq!(list.pop_if_at_most(0), Some(sample()[5]));
        assert_eq!(list.pop_if_at_most(0), None, "no other isolation listed");
        assert_eq!(list.pop_if_at_most(1), Some(sample()[2]));
        assert_eq!(list.pop_if_at_most(1), Some(sample()[4]));
        assert_eq!(list.top_priority(), Some(3));
        assert_eq!(list.pop_if_at_most(u8::MAX), Some(sample()[0]));
        assert_eq!(list.pop_if_at_most(u8::MAX), Some(sample()[1]));
        assert!(list.is_empty() && list.pop_if_at_most(u8::MAX).is_none());
    }

    #[test]
    fn the_backlog_counts_what_is_listed_as_tasks_come_and_go() {
        let d = Defaults::default();
        let intel = IntelPolicy::default();
        let walk = |l: &TaskList| -> u64 { l.iter().map(|t| t.base_minutes(&d, &intel)).sum() };
        let mut list = TaskList::default();
        assert_eq!(list.backlog_minutes(&d, &intel), 0);
        for (k, t) in sample().into_iter().enumerate() {
            list.push(t);
            assert_eq!(
                list.backlog_minutes(&d, &intel),
                walk(&list),
                "after {k} pushes"
            );
        }
        assert!(list.backlog_minutes(&d, &intel) > 0);
        while list.pop_if_at_most(u8::MAX).is_some() {
            assert_eq!(list.backlog_minutes(&d, &intel), walk(&list));
        }
        assert_eq!(list.backlog_minutes(&d, &intel), 0);
    }
}
