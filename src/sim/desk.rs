//! Teams at work: each team's desk holds its alert queue, its to-do list and its analysts;
//! shifts say when they are at their desks, and the priority of a task says what a free
//! analyst picks up next. Detection fills the queue, response works the list.
//!
//! Desks are entities (one per team, found by index through [`TeamEntities`]) because the
//! console and the digest query them; alerts and tasks are plain values inside them.

mod queue;

use crate::scenario::ids::{IslandIx, OrgIx, TeamIx};

use bevy::prelude::*;

use super::digest::kept::row_hash_of;
use super::digest::{DigestAppExt, hash_of, with_sorted_rows};
use super::events::{EventLog, SimEvent};
use super::judgement::{ALERT_SHELF_LIFE, OFFICE_HOURS};
use super::tasks::{Alert, TRIAGE_PRIORITY, Task, TaskList, Work};
use super::{Region, SpawnRegion, StableId};
use crate::scenario::{Defaults, IntelPolicy, Shift};
pub use queue::AlertQueue;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<AlertCounter>()
        .add_systems(SpawnRegion, spawn_teams)
        .digest_part_kept(
            40,
            "teams",
            |world| {
                with_sorted_rows::<Desk, _>(world, |desks, world| {
                    hash_of(&(desks, world.resource::<AlertCounter>().0))
                })
            },
            |world| {
                with_sorted_rows::<Desk, _>(world, |desks, world| {
                    let kept: Vec<(u32, u64)> =
                        desks.iter().map(|(id, d)| (*id, d.kept_hash())).collect();
                    hash_of(&(kept, world.resource::<AlertCounter>().0))
                })
            },
        );
}

/// A team's working state: its alert queue, its to-do list and what each analyst is doing.
/// Alerts join the queue through [`Desk::enqueue`].
#[derive(Component, Clone, Debug, Default, PartialEq, Eq)]
pub struct Desk {
    pub queue: AlertQueue,
    pub tasks: TaskList,
    pub analysts: Vec<Option<Work>>,
    /// How many of `analysts`, at the end, are on loan from the regional hub: they work around
    /// the clock at the hub's skill, whatever the team's shift (a crisis is declared).
    pub visitors: usize,
    /// Victim reports on their way (tick they arrive, alert).
    pub reports: Vec<(u64, Alert)>,
    /// Sensor-covered hosts across everything this team watches: false alerts come from
    /// sensors, so an unwatched or sensorless estate raises none.
    pub watched_covered: u64,
}

impl std::hash::Hash for Desk {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        // The derived encoding of the five fields, in order: digests stay what they were.
        self.queue.hash(h);
        self.tasks.hash(h);
        self.analysts.hash(h);
        self.reports.hash(h);
        self.watched_covered.hash(h);
        // Hashed only while there are any: a desk nobody helps hashes as it always did.
        if self.visitors > 0 {
            self.visitors.hash(h);
        }
    }
}

impl Desk {
    /// The desk's hash from its queue's and list's kept fingerprints (digest version 2): the
    /// analysts and reports on their way are few, and hashed whole.
    fn kept_hash(&self) -> u64 {
        row_hash_of(&(
            self.queue.sum(),
            self.tasks.sum(),
            &self.analysts,
            &self.reports,
            self.watched_covered,
            self.visitors,
        ))
    }

    pub fn add_analysts(&mut self, n: u32) {
        self.analysts.extend(std::iter::repeat_n(None, n as usize));
    }

    /// Analysts of the team's own leave (lent to another team); whatever they were doing goes
    /// back on the list.
    pub fn remove_analysts(&mut self, n: u32) {
        let home = self.analysts.len() - self.visitors;
        for _ in 0..n.min(home as u32) {
            let home = self.analysts.len() - self.visitors;
            // Idle analysts leave first.
            let i = self.analysts[..home]
                .iter()
                .rposition(Option::is_none)
                .unwrap_or(home - 1);
            if let Some(work) = self.analysts.remove(i) {
                self.tasks.push(work.task);
            }
        }
    }

    /// Analysts on loan join the desk (after the team's own, see `visitors`).
    pub fn add_visitors(&mut self, n: u32) {
        self.add_analysts(n);
        self.visitors += n as usize;
    }

    /// Analysts on loan go home, idle ones first; their work goes back on the list.
    pub fn remove_visitors(&mut self, n: u32) {
        for _ in 0..n.min(self.visitors as u32) {
            let home = self.analysts.len() - self.visitors;
            let i = self.analysts[home..]
                .iter()
                .rposition(Option::is_none)
                .map_or(self.analysts.len() - 1, |k| home + k);
            if let Some(work) = self.analysts.remove(i) {
                self.tasks.push(work.task);
            }
            self.visitors -= 1;
        }
    }

    /// Whether any analyst is taking a victim's call (which goes on out of hours, where any
    /// other work waits for the morning).
    pub fn on_a_call(&self) -> bool {
        (0..self.analysts.len()).any(|a| self.taking_call(a))
    }

    fn taking_call(&self, a: usize) -> bool {
        matches!(self.analysts[a], Some(w) if matches!(w.task, Task::Triage(x) if x.certain))
    }

    /// Out of hours, whether analyst `a` works: on a call, or free to pick one up.
    pub fn answers_calls(&self, a: usize) -> bool {
        self.taking_call(a)
            || (self.analysts[a].is_none() && self.queue.front().is_some_and(|x| x.certain))
    }

    /// Whether analyst `a` is on loan.
    pub fn is_visitor(&self, a: usize) -> bool {
        a >= self.analysts.len() - self.visitors
    }

    /// Analyst-minutes of listed tasks (not counting the alert queue) at base speed.
    pub fn backlog_minutes(&self, d: &Defaults, intel: &IntelPolicy) -> u64 {
        self.tasks.backlog_minutes(d, intel)
    }

    /// Victim reports whose delay has run out join the queue.
    pub fn receive_reports(&mut self, now: u64) {
        if !self.reports.iter().any(|(t, _)| *t <= now) {
            return;
        }
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.reports)
            .into_iter()
            .partition(|(t, _)| *t <= now);
        self.reports = later;
        for (_, a) in due {
            self.enqueue(a);
        }
    }

    /// Queues an alert. A victim's own report (certain) goes ahead of every sensor alert, behind
    /// earlier reports: a phone call saying "our files are encrypted" is not triaged after a
    /// day of false positives. A high-severity alert goes ahead of the other sensor alerts.
    pub fn enqueue(&mut self, alert: Alert) {
        self.queue.push(alert);
    }

    /// Alerts left untriaged beyond their shelf life leave the queue (victims' reports stay).
    pub fn expire_alerts(&mut self, now: u64, team: TeamIx, log: &mut EventLog) {
        let Some(before) = now.checked_sub(ALERT_SHELF_LIFE) else {
            return;
        };
        for a in self.queue.take_raised_by(before) {
            log.push(
                now,
                SimEvent::AlertExpired {
                    alert: a.id,
                    team,
                    true_positive: a.campaign.is_some(),
                },
            );
        }
    }

    /// What a free analyst picks up: a victim's call first (the phone rings: it comes before
    /// any work on the list), then the most urgent listed task (first listed among equals) if
    /// it outranks triage, else the oldest alert, else whatever is listed.
    pub fn next_task(&mut self) -> Option<Task> {
        if let Some(call) = self.take_call() {
            return Some(call);
        }
        let outranks = if self.queue.is_empty() {
            u8::MAX
        } else {
            TRIAGE_PRIORITY - 1
        };
        self.tasks
            .pop_if_at_most(outranks)
            .or_else(|| self.queue.pop_front().map(Task::Triage))
    }
}

impl Desk {
    /// A victim's report waiting at the front of the queue (reports queue first), if any: what
    /// an analyst on call takes even out of hours.
    pub fn take_call(&mut self) -> Option<Task> {
        if self.queue.front().is_some_and(|a| a.certain) {
            self.queue.pop_front().map(Task::Triage)
        } else {
            None
        }
    }
}

pub fn team_bundle(id: u32, analysts: u32, watched_covered: u64) -> impl Bundle {
    (
        StableId(id),
        Desk {
            analysts: vec![None; analysts as usize],
            watched_covered,
            ..default()
        },
        Name::new(format!("team {id}")),
    )
}

/// Team entities in index order, for routing alerts to a team by its index.
#[derive(Resource, Default)]
pub struct TeamEntities(pub Vec<Entity>);

/// Per team, the organisations it watches with their sensor-covered hosts (which a false
/// alert comes from, in proportion).
#[derive(Resource, Default)]
pub struct CoveredHosts(pub Vec<Vec<(OrgIx, u64)>>);

fn spawn_teams(world: &mut World) {
    let region = world.resource::<Region>().clone();
    let mut covered: Vec<Vec<(OrgIx, u64)>> = vec![Vec::new(); region.teams.len()];
    for (i, o) in region.orgs.iter().enumerate() {
        if let Some(t) = o.monitored_by {
            let n: u64 = region.groups[o.groups.start as usize..o.groups.end as usize]
                .iter()
                .map(|g| ((g.hosts.end - g.hosts.start) as f64 * g.sensor_coverage).round() as u64)
                .sum();
            if n > 0 {
                covered[t].push((OrgIx::from(i), n));
            }
        }
    }
    let watched: Vec<u64> = covered
        .iter()
        .map(|c| c.iter().map(|(_, n)| n).sum())
        .collect();
    world.insert_resource(CoveredHosts(covered));
    let entities = region
        .teams
        .iter()
        .enumerate()
        .map(|(i, t)| {
            world
                .spawn(team_bundle(i as u32, t.analysts, watched[i]))
                .id()
        })
        .collect();
    world.insert_resource(TeamEntities(entities));
}

/// The running number of alerts raised, so each alert has a stable id.
#[derive(Resource, Default)]
pub struct AlertCounter(pub u64);

/// The first minute at or after `now` when someone on `shift` is at their desk, on `island`'s
/// clock (the scenario's for a regional team).
pub fn next_on_duty(region: &Region, shift: Shift, island: Option<IslandIx>, now: u64) -> u64 {
    // At most a weekend and a night away: a few hundred steps of a quarter hour.
    (0..=4 * 24 * 4)
        .map(|k| now + k * 15)
        .find(|t| on_duty(region, shift, island, *t))
        .unwrap_or(now)
}

/// Whether a team's analysts are at their desks at `now`: office hours are those of the
/// team's island, which may keep another time than the scenario's clock.
pub fn on_duty(region: &Region, shift: Shift, island: Option<IslandIx>, now: u64) -> bool {
    match shift {
        Shift::AroundTheClock => true,
        Shift::OfficeHours => {
            let offset = island.map_or(0, |i| region.islands[i].clock_offset);
            let (weekday, minute) = region.start.weekday_minute(now, offset);
            weekday < 5 && OFFICE_HOURS.contains(&minute)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::CampaignIx;
    use crate::scenario::testkit::TinyRegion;
    use crate::time::MINUTES_PER_DAY;

    fn alert(id: u64, raised: u64, certain: bool) -> Alert {
        Alert {
            urgent: false,
            id,
            org: OrgIx(0),
            host: None,
            technique: None,
            campaign: Some(CampaignIx(0)),
            raised,
            certain,
        }
    }

    /// Office hours are the team's island's: Belize (UTC-6) opens two hours after Antigua
    /// (UTC-4) on the scenario's clock, and its Friday runs two hours into Antigua's evening.
    #[test]
    fn office_hours_follow_the_islands_own_clock() {
        let r = Region(
            TinyRegion::new()
                .island("A", false, false)
                .island_with(
                    "BZ",
                    r#"csirt: false, npc: false, utc_offset: Some("UTC-6")"#,
                )
                .field(r#"utc_offset: Some("UTC-4")"#)
                .plan(),
        );
        let (a, bz) = (Some(IslandIx(0)), Some(IslandIx(1)));
        let office = |island, t| on_duty(&r, Shift::OfficeHours, island, t);
        // The scenario starts Monday 08:00 on Antigua's clock (06:00 in Belize).
        assert!(office(a, 0) && !office(bz, 0));
        assert!(
            !office(bz, 119) && office(bz, 120),
            "Belize opens at 10:00 Antigua time"
        );
        assert!(
            !office(a, 8 * 60) && office(bz, 8 * 60),
            "16:00 in Antigua, 14:00 in Belize"
        );
        assert!(!office(bz, 10 * 60), "Belize closes at 18:00 Antigua time");
        let friday_evening = 4 * MINUTES_PER_DAY + 9 * 60;
        assert!(!office(a, friday_evening) && office(bz, friday_evening));
        assert_eq!(next_on_duty(&r, Shift::OfficeHours, bz, 0), 120);
    }

    #[test]
    fn office_hours_teams_are_away_at_night_and_at_weekends() {
        // TinyRegion starts on Monday 2026-03-02 at 08:00.
        let r = Region(TinyRegion::new().island("A", false, false).plan());
        let at = |day: u64, hh: u64, mm: u64| day * MINUTES_PER_DAY + (hh * 60 + mm) - 8 * 60;
        let office = |t| on_duty(&r, Shift::OfficeHours, None, t);
        assert!(office(at(0, 8, 0)), "Monday 08:00");
        assert!(office(at(0, 15, 59)));
        assert!(!office(at(0, 16, 0)), "Monday 16:00 is home time");
        assert!(!office(at(1, 7, 59)), "Tuesday before eight");
        assert!(office(at(4, 10, 0)), "Friday");
        assert!(!office(at(5, 10, 0)), "Saturday");
        assert!(!office(at(6, 10, 0)), "Sunday");
        assert!(office(at(7, 10, 0)), "Monday again");
        assert!((0..8 * MINUTES_PER_DAY).all(|t| on_duty(&r, Shift::AroundTheClock, None, t)));
    }

    #[test]
    fn untriaged_alerts_expire_after_their_shelf_life_but_victim_reports_wait() {
        let mut desk = Desk::default();
        desk.queue
            .extend([alert(1, 0, false), alert(2, 10, true), alert(3, 20, false)]);
        let mut log = EventLog::default();
        desk.expire_alerts(ALERT_SHELF_LIFE - 1, TeamIx(4), &mut log);
        assert_eq!(desk.queue.len(), 3, "nothing is a day old yet");
        desk.expire_alerts(ALERT_SHELF_LIFE, TeamIx(4), &mut log);
        assert_eq!(
            desk.queue.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert_eq!(
            log.all().iter().map(|e| &e.event).collect::<Vec<_>>(),
            vec![&SimEvent::AlertExpired {
                alert: 1,
                team: TeamIx(4),
                true_positive: true
            }]
        );
        // A victim's report never expires, and the queue is first in, first out.
        desk.expire_alerts(10 * ALERT_SHELF_LIFE, TeamIx(4), &mut log);
        assert_eq!(desk.queue.front().map(|a| a.id), Some(2));
    }

    #[test]
    fn a_victims_report_jumps_the_queue_of_sensor_alerts_behind_earlier_reports() {
        let mut desk = Desk::default();
        desk.enqueue(alert(1, 0, false));
        desk.enqueue(alert(2, 1, false));
        desk.enqueue(alert(3, 2, true));
        desk.reports.push((9, alert(4, 3, true)));
        desk.receive_reports(8);
        let order = |d: &Desk| d.queue.iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(
            order(&desk),
            vec![3, 1, 2],
            "the report is on its way until 9"
        );
        desk.receive_reports(9);
        assert_eq!(order(&desk), vec![3, 4, 1, 2]);
        assert_eq!(desk.next_task(), Some(Task::Triage(alert(3, 2, true))));
    }

    #[test]
    fn high_severity_alerts_go_ahead_of_the_rest_behind_victims_reports() {
        let mut desk = Desk::default();
        let urgent = |id, raised| Alert {
            urgent: true,
            ..alert(id, raised, false)
        };
        desk.enqueue(alert(1, 0, false));
        desk.enqueue(urgent(2, 1));
        desk.enqueue(alert(3, 2, true));
        desk.enqueue(urgent(4, 3));
        desk.enqueue(alert(5, 4, false));
        let order: Vec<u64> = desk.queue.iter().map(|a| a.id).collect();
        assert_eq!(order, vec![3, 2, 4, 1, 5]);
        // Stale sensor alerts leave wherever they stand in the queue.
        let mut log = EventLog::default();
        desk.expire_alerts(ALERT_SHELF_LIFE + 3, TeamIx(0), &mut log);
        let order: Vec<u64> = desk.queue.iter().map(|a| a.id).collect();
        assert_eq!(order, vec![3, 5]);
        assert_eq!(log.all().len(), 3);
    }

    #[test]
    fn analysts_stop_the_bleeding_first_then_scope_then_triage_then_clean_up() {
        let mut desk = Desk::default();
        desk.tasks.extend([
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
        ]);
        desk.queue.push(alert(9, 0, false));
        let mut order = Vec::new();
        while let Some(t) = desk.next_task() {
            order.push(t);
        }
        assert_eq!(
            order,
            vec![
                Task::Isolate {
                    incident: 0,
                    host: 2
                },
                Task::Investigate { incident: 0 },
                Task::Triage(alert(9, 0, false)),
                // Equal priority: first listed first.
                Task::Patch { org: OrgIx(0) },
                Task::Eradicate {
                    incident: 0,
                    host: 1
                },
            ]
        );
    }

    /// A victim's call comes before any listed work, isolation included; out of hours an
    /// analyst answers a waiting call (and stays on it) but picks up nothing else.
    #[test]
    fn a_victims_call_comes_first_and_is_answered_out_of_hours() {
        let mut desk = Desk::default();
        desk.add_analysts(2);
        desk.tasks.push(Task::Isolate {
            incident: 0,
            host: 2,
        });
        desk.enqueue(alert(9, 0, false));
        assert!(
            !desk.answers_calls(0),
            "no call waiting: nothing to do at night"
        );
        desk.enqueue(alert(7, 0, true));
        assert!(desk.answers_calls(0) && desk.answers_calls(1));
        assert_eq!(desk.next_task(), Some(Task::Triage(alert(7, 0, true))));
        desk.analysts[0] = Some(Work {
            task: Task::Triage(alert(7, 0, true)),
            remaining: 5,
        });
        assert!(desk.on_a_call() && desk.answers_calls(0));
        assert!(
            !desk.answers_calls(1),
            "the call is taken; the isolation waits for morning"
        );
        assert_eq!(desk.take_call(), None, "only calls are taken out of hours");
    }

    #[test]
    fn analysts_leaving_hand_back_their_work_idle_ones_first() {
        let mut desk = Desk::default();
        desk.add_analysts(3);
        let work = Work {
            task: Task::Patch { org: OrgIx(0) },
            remaining: 5,
        };
        desk.analysts[0] = Some(work);
        desk.remove_analysts(2);
        assert_eq!(desk.analysts, vec![Some(work)], "the two idle ones left");
        desk.remove_analysts(1);
        assert!(desk.analysts.is_empty());
        assert_eq!(
            desk.tasks.iter().collect::<Vec<_>>(),
            vec![&Task::Patch { org: OrgIx(0) }]
        );
    }
}
