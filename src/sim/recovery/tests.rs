use std::collections::VecDeque;

use super::*;
use crate::scenario::testkit::TinyRegion;
use crate::sim::attack::{Intrusion, Phase};
use crate::sim::events::DetectedBy;

/// One island, a CSIRT, a ministry of 20 workstations with offline backups, and a ransomware
/// crew that targets it.
fn ministry() -> Region {
    Region(
        TinyRegion::new()
            .island("A", true, false)
            .csirt("csirt", "A")
            .org_with(
                "gov",
                "A",
                "HostGroup(id: \"ws\", kind: Workstation, count: 20, platform: Windows, \
                 sensor_coverage: 0.0, patch_level: 0.0, backups: Offline)",
            )
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"gov\")",
                &["T1078", "T1486"],
            )
            .plan(),
    )
}

/// The gate's system alone over a world holding the hosts encrypted at minute 0.
fn restoring(region: &Region) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(region.clone())
        .insert_resource(Draws::new(5))
        .insert_resource(Clock { now: 0 })
        .init_resource::<LostBackups>()
        .init_resource::<Incidents>()
        .init_resource::<RestoreGate>()
        .init_resource::<RestoreCrews>()
        .init_resource::<Hosts>()
        .init_resource::<EventLog>()
        .add_systems(Update, open_restores);
    let world = app.world_mut();
    let mut hosts = Hosts::default();
    for h in 0..20 {
        hosts.update(region, h, |s| s.encrypted = true);
    }
    world.insert_resource(hosts);
    let mut gate = RestoreGate::default();
    let lost = LostBackups::default();
    let all: Vec<u32> = (0..20).collect();
    let mut log = EventLog::default();
    gate.hold(
        (region, &Draws::new(5), &lost),
        (OrgIx(0), &all),
        0,
        &mut log,
    );
    world.insert_resource(gate);
    app
}

/// The CSIRT hunted the ministry: its incident is scoped, not contained.
fn hunted(app: &mut App) {
    app.world_mut()
        .resource_scope(|world, mut incidents: Mut<Incidents>| {
            let mut log = world.resource_mut::<EventLog>();
            let (team, org, crew) = (TeamIx(0), OrgIx(0), CampaignIx(0));
            incidents.open(&mut log, 0, team, org, crew, DetectedBy::Hunt);
        });
}

fn ready(app: &App) -> u64 {
    app.world()
        .resource::<RestoreGate>()
        .ready(OrgIx(0))
        .unwrap()
}

/// Runs the gate at minute `now`; the events it wrote then.
fn at(app: &mut App, now: u64) -> Vec<SimEvent> {
    app.world_mut().resource_mut::<Clock>().now = now;
    app.world_mut().resource_mut::<EventLog>().begin_tick();
    app.update();
    let log = app.world().resource::<EventLog>();
    (log.all().iter())
        .filter(|e| e.tick == now)
        .map(|e| e.event.clone())
        .collect()
}

fn planned(events: &[SimEvent]) -> Option<u32> {
    events.iter().find_map(|e| match e {
        SimEvent::RestoresPlanned { hosts, .. } => Some(*hosts),
        _ => None,
    })
}

#[test]
fn an_organisation_nobody_has_scoped_restores_as_soon_as_its_it_is_ready() {
    let region = ministry();
    let mut app = restoring(&region);
    let ready = ready(&app);
    assert!(ready > 60, "preparing takes a while: {ready}");
    assert_eq!(at(&mut app, ready - 1), [], "not ready yet");
    assert_eq!(planned(&at(&mut app, ready)), Some(20));
    let hosts = app.world().resource::<Hosts>();
    assert!((0..20).all(|h| hosts.get(h).restore_at.is_some_and(|t| t > ready)));
}

#[test]
fn a_team_that_scoped_the_intrusion_holds_the_restore_until_it_is_contained() {
    let region = ministry();
    let mut app = restoring(&region);
    let ready = ready(&app);
    hunted(&mut app);
    let held = at(&mut app, ready);
    assert_eq!(
        held,
        [SimEvent::RestoresHeld {
            org: OrgIx(0),
            hosts: 20,
            team: TeamIx(0)
        }]
    );
    assert_eq!(at(&mut app, ready + 1), [], "said once");
    let hosts = app.world().resource::<Hosts>();
    assert!((0..20).all(|h| hosts.get(h).restore_at.is_none()));
    // Contained an hour later: the restore starts then, not at `ready`.
    app.world_mut()
        .resource_mut::<Incidents>()
        .edit(0)
        .contained = true;
    assert_eq!(planned(&at(&mut app, ready + 60)), Some(20));
    let hosts = app.world().resource::<Hosts>();
    let first = (0..20).filter_map(|h| hosts.get(h).restore_at).min();
    assert!(first.is_some_and(|t| t > ready + 60), "{first:?}");
}

#[test]
fn a_team_may_order_the_restore_before_containment() {
    let region = ministry();
    let mut app = restoring(&region);
    let ready = ready(&app);
    hunted(&mut app);
    assert!(planned(&at(&mut app, ready)).is_none());
    assert!(
        app.world_mut()
            .resource_mut::<RestoreGate>()
            .restore_anyway(OrgIx(0))
    );
    assert_eq!(planned(&at(&mut app, ready + 1)), Some(20));
}

#[test]
fn hosts_restored_while_a_crew_still_holds_a_foothold_are_encrypted_again_a_quarter_of_the_time() {
    let region = ministry();
    let draws = Draws::new(9);
    let lost = LostBackups::default();
    let crew = |hosts: &[u32]| {
        let mut i = Intrusions::default();
        i.by_key.insert(
            (CampaignIx(0), OrgIx(0)),
            Intrusion {
                campaign: CampaignIx(0),
                org: OrgIx(0),
                phase: Phase::Finished,
                stage: 2,
                stage_ends: 0,
                attempts: VecDeque::new(),
                hosts: hosts.iter().copied().collect(),
                ddos: false,
                broken_out: true,
                credentials: false,
                returns_at: None,
                via: None,
                traces: Default::default(),
                mark: Default::default(),
                ahead: Default::default(),
            },
        );
        i
    };
    let mut hit = 0;
    let tries = 400;
    for now in 0..tries / 19 {
        let (mut hosts, mut gate, mut log) = Default::default();
        // Host 19 is the crew's last foothold; 0..19 just came back.
        let back: Vec<u32> = (0..19).collect();
        let again = reencrypt(
            (&region, &draws, &lost),
            &crew(&[19]),
            (&mut hosts, &mut gate, &mut log),
            &back,
            now,
        );
        hit += again.len();
        for &h in &again {
            assert!(hosts.get(h).encrypted);
        }
        assert_eq!(
            gate.waiting(OrgIx(0)).collect::<Vec<_>>(),
            again,
            "prepared again"
        );
        // The crew gone, nothing comes back encrypted.
        let (mut hosts, mut gate, mut log) = Default::default();
        let clean = reencrypt(
            (&region, &draws, &lost),
            &crew(&[]),
            (&mut hosts, &mut gate, &mut log),
            &back,
            now,
        );
        assert!(clean.is_empty());
    }
    let share = hit as f64 / (19 * (tries / 19)) as f64;
    assert!((0.19..0.31).contains(&share), "{share}");
}

/// A host a team cleaned leaves the waiting restores, keeping when its preparation began.
#[test]
fn a_cleaned_host_leaves_the_gate_with_its_preparation_time() {
    let region = ministry();
    let mut gate = RestoreGate::default();
    let mut log = EventLog::default();
    let lost = LostBackups::default();
    gate.hold(
        (&region, &Draws::new(5), &lost),
        (OrgIx(0), &[3, 4]),
        7,
        &mut log,
    );
    assert_eq!(gate.take(OrgIx(0), 3), Some(7));
    assert_eq!(gate.take(OrgIx(0), 3), None, "taken already");
    assert_eq!(gate.waiting(OrgIx(0)).collect::<Vec<_>>(), [4]);
    assert_eq!(gate.take(OrgIx(0), 4), Some(7));
    assert!(gate.is_empty());
}

/// Help on site halves what is left of an organisation's preparation, once, and the restores
/// planned from it start no earlier than the hastened readiness (never before the help came).
#[test]
fn help_on_site_halves_what_is_left_of_a_preparation_once() {
    let region = ministry();
    let mut gate = RestoreGate::default();
    let mut log = EventLog::default();
    let (lost, draws) = (LostBackups::default(), Draws::new(5));
    gate.hold((&region, &draws, &lost), (OrgIx(0), &[3, 4]), 0, &mut log);
    let was = gate.ready(OrgIx(0)).unwrap();
    assert!(was > 100, "{was}");
    assert_eq!(
        gate.hasten(OrgIx(0), was + 1),
        None,
        "ready already: nothing left"
    );
    let (before, after) = gate.hasten(OrgIx(0), 100).unwrap();
    assert_eq!(before, was);
    let share = crate::sim::judgement::HELPER_PREPARATION_SHARE;
    assert_eq!(after, 100 + ((was - 100) as f64 * share).round() as u64);
    assert_eq!(gate.hasten(OrgIx(0), 200), None, "once");
    assert_eq!(gate.hastened(OrgIx(0)), Some(100));
    let mut hosts = Hosts::default();
    for h in [3, 4] {
        hosts.update(&region, h, |s| s.encrypted = true);
    }
    let plan = RestoreCrews::default()
        .restore(
            &region,
            &draws,
            &lost,
            &mut hosts,
            RestoreBatch {
                org: OrgIx(0),
                hosts: &[3, 4],
                now: 0,
                start: after,
                incident: None,
                hastened: Some(100),
            },
        )
        .unwrap();
    assert!(plan.first < was, "{plan:?} against {was}");
    assert!(plan.first > after, "{plan:?}");
}
