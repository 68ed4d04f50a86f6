use std::sync::Arc;

use super::*;
use crate::scenario::ids::*;
use crate::scenario::testkit::TinyRegion;
use crate::sim::Simulation;
use crate::sim::events::SimEvent;

#[test]
fn an_organisations_it_restores_one_host_after_another_after_a_varying_preparation() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .org_with(
            "gov",
            "A",
            "HostGroup(id: \"ws\", kind: Workstation, count: 100, platform: Windows, \
             sensor_coverage: 0.0, patch_level: 0.0, backups: Offline)",
        )
        .plan();
    let region = Region(plan.clone());
    let per_host = (24.0 * 60.0 / plan.defaults.restore_hosts_per_day).round() as u64;
    let mut spans = Vec::new();
    for seed in 0..200 {
        let draws = crate::sim::draws::Draws::new(seed);
        let (mut crews, mut hosts) = (RestoreCrews::default(), Hosts::default());
        let batch: Vec<u32> = (0..50).collect();
        let p = crews
            .restore(
                &region,
                &draws,
                &LostBackups::default(),
                &mut hosts,
                RestoreBatch {
                    org: OrgIx(0),
                    hosts: &batch,
                    now: 0,
                    start: 0,
                    incident: None,
                    hastened: None,
                },
            )
            .unwrap();
        assert_eq!(p.hosts, 50);
        // One after another at the crew's pace.
        assert_eq!(p.last - p.first, 49 * per_host, "seed {seed}");
        // A host restored later waits behind the batch.
        let more = crews
            .restore(
                &region,
                &draws,
                &LostBackups::default(),
                &mut hosts,
                RestoreBatch {
                    org: OrgIx(0),
                    hosts: &[60],
                    now: 1,
                    start: 1,
                    incident: None,
                    hastened: None,
                },
            )
            .unwrap();
        assert!(more.first >= p.last + per_host);
        spans.push(p.last as f64 / (24.0 * 60.0));
    }
    spans.sort_by(f64::total_cmp);
    let (fast, median, slow) = (spans[20], spans[100], spans[180]);
    // Offline backups: three days' preparation in the typical case, then two days of work.
    assert!((3.5..7.0).contains(&median), "median {median:.1} d");
    assert!(
        fast < 3.0 && slow > 20.0,
        "p10 {fast:.1} d, p90 {slow:.1} d"
    );
}

/// A cut reroutes over slower links: with the A-B cable up, A reaches C at no extra delay
/// (A-B-C by cable); cut, the way round is the 6h satellite path; both down, nothing.
#[test]
fn a_cut_reroutes_over_the_slower_links() {
    let (a, b, c) = (IslandIx(0), IslandIx(1), IslandIx(2));
    let net = |ab: bool, ac: bool| {
        Connectivity::compute(3, &[(a, b, ab, 0), (b, c, true, 0), (a, c, ac, 360)])
    };
    assert_eq!(net(true, true).delay(a, c), 0);
    assert_eq!(net(false, true).delay(a, b), 360, "A to B now goes via C");
    assert_eq!(net(false, true).delay(c, a), 360);
    assert!(!net(false, false).connected(a, b));
    assert_eq!(
        net(false, false).delay(a, b),
        0,
        "not connected: the fallback's to say"
    );
    // No link adds delay: nothing to compute, and the digest is what it was.
    assert!(
        Connectivity::compute(3, &[(a, b, true, 0)])
            .delay
            .is_empty()
    );
}

#[test]
fn islands_reach_each_other_only_over_links_that_are_up() {
    // A - B - C in a chain, D on its own.
    let all = Connectivity::compute(
        4,
        &[
            (IslandIx(0), IslandIx(1), true, 0),
            (IslandIx(1), IslandIx(2), true, 0),
        ],
    );
    assert!(all.connected(IslandIx(0), IslandIx(2)));
    assert!(!all.connected(IslandIx(0), IslandIx(3)));
    assert!(all.connected(IslandIx(3), IslandIx(3)));
    let cut = Connectivity::compute(
        4,
        &[
            (IslandIx(0), IslandIx(1), true, 0),
            (IslandIx(1), IslandIx(2), false, 0),
        ],
    );
    assert!(cut.connected(IslandIx(0), IslandIx(1)));
    assert!(!cut.connected(IslandIx(1), IslandIx(2)) && !cut.connected(IslandIx(0), IslandIx(2)));
}

#[test]
fn a_scripted_cable_cut_splits_the_region_until_it_is_repaired() {
    let plan: Arc<_> = TinyRegion::new()
        .island("A", false, false)
        .island("B", false, false)
        .island("C", false, false)
        .link("ab", "A", "B")
        .link("bc", "B", "C")
        .field(
            "events: [Disruption(at: \"D1 09:00\", what: CableCut(\"bc\")), \
             Disruption(at: \"D1 11:00\", what: CableRepaired(\"bc\"))]",
        )
        .plan();
    let mut sim = Simulation::new(plan, 1);
    let reach = |sim: &Simulation| {
        let net = sim.app.world().resource::<Connectivity>();
        (
            net.connected(IslandIx(0), IslandIx(1)),
            net.connected(IslandIx(0), IslandIx(2)),
        )
    };
    sim.run_until(60);
    assert_eq!(reach(&sim), (true, true), "before the cut");
    sim.run_until(61);
    assert_eq!(reach(&sim), (true, false), "C is cut off at 09:00");
    assert!(
        sim.events()
            .iter()
            .any(|e| e.tick == 60 && e.event == SimEvent::LinkCut { link: LinkIx(1) })
    );
    sim.run_until(181);
    assert_eq!(reach(&sim), (true, true), "repaired at 11:00");
}

/// A phased restore: the hosts the organisation's services run on come back first, the
/// costliest service's first, whatever order they were encrypted in.
#[test]
fn the_hosts_services_run_on_are_restored_first_costliest_first() {
    let group = |id: &str, n: u32| {
        format!(
            "HostGroup(id: \"{id}\", kind: Server, count: {n}, platform: Windows, \
             sensor_coverage: 0.0, patch_level: 0.0, backups: Offline)"
        )
    };
    let plan = TinyRegion::new()
        .island("A", false, false)
        .org_with(
            "bank",
            "A",
            &format!(
                "{}, {}, {}",
                group("desks", 6),
                group("mail", 2),
                group("pay", 2)
            ),
        )
        .service("email", "bank", &["bank/mail"], &[])
        .service("payments", "bank", &["bank/pay"], &[])
        .plan();
    let mut plan = (*plan).clone();
    plan.services[ServiceIx::from(0usize)].cost_per_hour_usd = 100.0;
    plan.services[ServiceIx::from(1usize)].cost_per_hour_usd = 5000.0;
    let region = Region(Arc::new(plan));
    let (mut crews, mut hosts) = (RestoreCrews::default(), Hosts::default());
    let batch: Vec<u32> = (0..10).collect();
    crews.restore(
        &region,
        &crate::sim::draws::Draws::new(1),
        &LostBackups::default(),
        &mut hosts,
        RestoreBatch {
            org: OrgIx(0),
            hosts: &batch,
            now: 0,
            start: 0,
            incident: None,
            hastened: None,
        },
    );
    let mut back: Vec<(u64, u32)> = hosts.restores().keys().map(|&(t, h)| (t, h)).collect();
    back.sort();
    let order: Vec<u32> = back.into_iter().map(|(_, h)| h).collect();
    assert_eq!(
        order,
        vec![8, 9, 6, 7, 0, 1, 2, 3, 4, 5],
        "payments, e-mail, the desks"
    );
}

/// Organisations differ widely in how long they need to get ready to restore (the slowest
/// tenth over ten times the typical), but none is stretched past the cap: no shop rebuilds
/// for years.
#[test]
fn getting_ready_to_restore_varies_widely_but_has_a_ceiling() {
    use crate::sim::judgement::RESTORE_STRETCH_MAX;
    let draws = crate::sim::draws::Draws::new(7);
    let mut v: Vec<f64> = (0..20_000u64)
        .map(|i| restore_difficulty(&draws, OrgIx((i % 50) as u32), i / 50))
        .collect();
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[(p * v.len() as f64) as usize];
    assert!((q(0.5) - 1.0).abs() < 0.1, "typical {}", q(0.5));
    assert!(q(0.9) > 10.0, "the slowest tenth: {}", q(0.9));
    assert!(q(0.1) < 0.1, "the quickest tenth: {}", q(0.1));
    assert_eq!(v.last().copied(), Some(RESTORE_STRETCH_MAX));
    let capped = v.iter().filter(|&&x| x == RESTORE_STRETCH_MAX).count() as f64 / v.len() as f64;
    assert!((0.05..0.13).contains(&capped), "capped share {capped}");
}

/// Analysts lent on site restore beside the organisation's IT while they are there: its
/// hosts come back faster in their window, at the IT's own pace before and after, and another
/// organisation's restores are untouched.
#[test]
fn analysts_lent_on_site_speed_the_restores_only_while_they_are_there() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .org("gov", "A", 200, 0.0, 0.0)
        .org("port", "A", 200, 0.0, 0.0)
        .plan();
    let region = Region(plan.clone());
    let alone = minutes_per_host(&plan);
    let mut crews = RestoreCrews::default();
    let (from, until) = (1000, 60 * 24 * 60);
    crews.lend(OrgIx(0), (from, until), 2);
    let with_two = crews.minutes_per_host(&region, OrgIx(0), from);
    let per_day = plan.defaults.restore_hosts_per_day
        + 2.0 * crate::sim::judgement::HELPER_RESTORE_HOSTS_PER_DAY;
    assert_eq!(with_two, (24.0 * 60.0 / per_day).round() as u64);
    assert!(with_two < alone);
    assert_eq!(crews.minutes_per_host(&region, OrgIx(0), from - 1), alone);
    assert_eq!(crews.minutes_per_host(&region, OrgIx(0), until), alone);
    assert_eq!(crews.minutes_per_host(&region, OrgIx(1), from), alone);
    // A batch planned across the window: the hosts restored in it come faster.
    let (mut hosts, batch) = (Hosts::default(), (0..100).collect::<Vec<u32>>());
    let restore = |crews: &mut RestoreCrews, hosts: &mut Hosts| {
        crews.restore(
            &region,
            &crate::sim::draws::Draws::new(3),
            &LostBackups::default(),
            hosts,
            RestoreBatch {
                org: OrgIx(0),
                hosts: &batch,
                now: 0,
                start: 0,
                incident: None,
                hastened: None,
            },
        )
    };
    let helped = restore(&mut crews, &mut hosts).unwrap();
    let plain = restore(&mut RestoreCrews::default(), &mut Hosts::default()).unwrap();
    assert!(
        helped.first < plain.first,
        "the first host too: {helped:?} {plain:?}"
    );
    assert!(plain.first < until, "ready within the window: {plain:?}");
    assert!(helped.last < plain.last, "{helped:?} {plain:?}");
}
