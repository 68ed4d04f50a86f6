use super::*;
use crate::scenario::ids::{CampaignIx, TeamIx};
use crate::scenario::testkit::TinyRegion;
use crate::sim::events::{Channel, DetectedBy, DownCause, SimEvent};

fn at(tick: u64, event: SimEvent) -> Stamped {
    Stamped { tick, event }
}

/// What the report and its charts read instead of counting on their own: when an island
/// was first hit and how it first knew, how long at least one of its services was down
/// (overlapping outages counted once, one still going up to now), each outage's span and
/// each organisation's ransoms.
#[test]
fn the_picture_keeps_firsts_outage_spans_and_ransoms_per_island() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .island("B", false, false)
        .org("gov", "A", 4, 0.5, 0.5)
        .org("port", "B", 4, 0.5, 0.5)
        .service("email", "gov", &["gov/ws"], &[])
        .service("web", "gov", &["gov/ws"], &[])
        .csirt("csirt", "A")
        .plan();
    let (gov, port) = (OrgIx::from(0usize), OrgIx::from(1usize));
    let (email, web) = (ServiceIx::from(0usize), ServiceIx::from(1usize));
    let campaign = CampaignIx::default();
    let events = vec![
        at(
            10,
            SimEvent::HostCompromised {
                campaign,
                org: gov,
                host: 1,
                technique: Default::default(),
            },
        ),
        at(20, SimEvent::ServiceDown { service: email }),
        at(30, SimEvent::ServiceDown { service: web }),
        at(40, SimEvent::ServiceRestored { service: email }),
        at(
            50,
            SimEvent::RansomNoteFound {
                campaign,
                org: port,
            },
        ),
        at(
            60,
            SimEvent::IncidentOpened {
                incident: 1,
                team: TeamIx::from(0usize),
                org: port,
                campaign,
                by: DetectedBy::Alert,
            },
        ),
        at(70, SimEvent::ServiceRestored { service: web }),
        at(
            80,
            SimEvent::RansomPaid {
                org: port,
                usd: 1000,
            },
        ),
        at(
            90,
            SimEvent::RansomPaid {
                org: port,
                usd: u64::MAX,
            },
        ),
        at(100, SimEvent::ServiceDown { service: email }),
    ];
    let p = OperatingPicture::of(&plan, &events);
    let (a, b) = (&p.islands[0], &p.islands[1]);
    assert_eq!(
        (a.first_compromised, a.first_detection, a.first_detected_by),
        (Some(10), None, None)
    );
    assert_eq!(
        (b.first_compromised, b.first_detection, b.first_detected_by),
        (None, Some(50), Some("ransom note"))
    );
    // 20..70 with one down or both, then 100..now.
    assert_eq!(a.minutes_with_a_service_down(120), 50 + 20);
    assert_eq!(b.minutes_with_a_service_down(120), 0);
    assert_eq!(p.outages, vec![(email, 20, 40), (web, 30, 70)]);
    assert_eq!(p.down_since.get(&email), Some(&100));
    assert_eq!(
        p.ransoms.get(&port),
        Some(&u64::MAX),
        "a silly sum saturates"
    );
    // Folded in two parts, as the console does, the picture is the same.
    let mut split = OperatingPicture::new(&plan);
    split.update(&plan, &events[..4]);
    split.update(&plan, &events);
    assert_eq!(split.islands, p.islands);
    assert_eq!((split.outages, split.ransoms), (p.outages, p.ransoms));
}

/// What the after-action report, STIX and the batch metrics read instead of a pass of their
/// own: the order islands were hit in, each organisation's breach once however often its data
/// went, incidents as opened, intelligence as produced and received, the automatic check's
/// misses (whatever the facilitator judged later) and the facilitator's notes.
#[test]
fn the_picture_keeps_the_record_the_report_reads() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .island("B", false, false)
        .org("gov", "A", 4, 0.5, 0.5)
        .org("port", "B", 4, 0.5, 0.5)
        .plan();
    let (gov, port) = (OrgIx::from(0usize), OrgIx::from(1usize));
    let (me, hub) = (TeamIx::from(0usize), TeamIx::from(1usize));
    let campaign = CampaignIx::default();
    let expectation = ExpectationIx::from(0usize);
    let hit = |org, host| SimEvent::HostCompromised {
        campaign,
        org,
        host,
        technique: Default::default(),
    };
    let stolen = SimEvent::DataExfiltrated {
        campaign,
        org: gov,
        hosts: 2,
    };
    let rated = |met, note: &str| SimEvent::ExpectationValidated {
        expectation,
        met,
        note: note.into(),
    };
    let events = vec![
        at(10, hit(gov, 1)),
        at(10, hit(port, 5)),
        at(12, hit(gov, 2)),
        at(13, stolen.clone()),
        at(14, stolen),
        at(
            20,
            SimEvent::IncidentOpened {
                incident: 0,
                team: me,
                org: port,
                campaign,
                by: DetectedBy::Hunt,
            },
        ),
        at(
            30,
            SimEvent::IntelProduced {
                item: 0,
                team: me,
                campaign,
                tlp: crate::scenario::Tlp::Green,
                island: IslandIx::from(1usize),
                techniques: vec![Default::default()],
            },
        ),
        at(
            35,
            SimEvent::IntelReceived {
                item: 0,
                team: hub,
                channel: Channel::Hub,
            },
        ),
        at(
            40,
            SimEvent::Note {
                text: "STARTEX".into(),
            },
        ),
        at(50, SimEvent::ExpectationMissed { expectation }),
        at(55, rated(false, "")),
        at(60, rated(true, "by phone")),
    ];
    let p = OperatingPicture::of(&plan, &events);
    let (a, b) = (IslandIx::from(0usize), IslandIx::from(1usize));
    assert_eq!(
        p.islands_hit,
        vec![a, b],
        "A first, though both at minute 10"
    );
    assert_eq!(
        p.islands[0].breached.len(),
        1,
        "one organisation breached, twice"
    );
    assert_eq!(
        p.incidents_opened,
        vec![Opened {
            tick: 20,
            team: me,
            org: port,
            campaign
        }]
    );
    assert_eq!(p.intel.items[&0].produced, 30);
    assert_eq!(p.intel.received[&0], vec![(35, hub, Channel::Hub)]);
    assert_eq!(p.missed, vec![(expectation, 50)]);
    assert_eq!(
        p.outcome(expectation),
        Some((Outcome::Judged { met: true }, 60))
    );
    let notes: Vec<(u64, Option<ExpectationIx>, &str)> = p
        .notes
        .iter()
        .map(|n| (n.tick, n.on, n.text.as_str()))
        .collect();
    assert_eq!(
        notes,
        vec![(40, None, "STARTEX"), (60, Some(expectation), "by phone")],
        "a rating without a note is no note"
    );
}

/// The money's folds: services down by cause and support cut, as the summary charges them.
#[test]
fn services_down_are_split_by_what_kept_them_down_and_the_script_is_no_teams_doing() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .org("port", "A", 10, 0.5, 0.5)
        .service("cargo", "port", &["port/ws"], &[])
        .plan();
    let cargo = ServiceIx::from(0usize);
    let cause = |cause| SimEvent::OutageCause {
        service: cargo,
        cause,
    };
    // Down at 10 for a power cut; the power is back at 40 but encryption keeps it down;
    // restored at 70; down at 90 because a team isolated the port's network, still at 100.
    let log = vec![
        at(10, SimEvent::ServiceDown { service: cargo }),
        at(10, cause(DownCause::Scripted)),
        at(40, cause(DownCause::Attack)),
        at(70, SimEvent::ServiceRestored { service: cargo }),
        at(90, SimEvent::ServiceDown { service: cargo }),
        at(90, cause(DownCause::Response)),
    ];
    let s = crate::report::summary::summarise(&plan, 1, 100, String::new(), &log);
    let a = &s.islands[0];
    let per_minute = plan.services[cargo].cost_per_hour_usd / 60.0;
    assert!(per_minute > 0.0);
    assert_eq!(a.service_down_minutes, 70);
    assert!((a.loss_services_scripted_usd - 30.0 * per_minute).abs() < 1e-6);
    assert!((a.loss_services_attack_usd - 30.0 * per_minute).abs() < 1e-6);
    assert!((a.loss_services_response_usd - 10.0 * per_minute).abs() < 1e-6);
    assert!((a.loss_services_usd - 70.0 * per_minute).abs() < 1e-6);
    assert!((a.loss_teams_can_change_usd - 40.0 * per_minute).abs() < 1e-6);
}

/// Cutting a managed service provider off has a price: each client pays a share of its
/// interruption rate on all its hosts while it is without support, whether the provider's
/// network was isolated or the client revoked its access; the provider itself pays nothing
/// for its clients, and a client cut twice over pays once.
#[test]
fn clients_cut_off_from_their_provider_pay_for_the_support_they_lose() {
    let plan = TinyRegion::new()
        .island("A", false, false)
        .org("msp", "A", 10, 0.5, 0.5)
        .org("resort", "A", 40, 0.5, 0.5)
        .org("port", "A", 20, 0.5, 0.5)
        .manages("msp", &["resort", "port"])
        .plan();
    let (msp, port) = (OrgIx(0), OrgIx(2));
    let team = crate::scenario::ids::TeamIx(0);
    // The provider isolated 100..400; the port also revokes its access at 200, for good.
    let log = vec![
        at(100, SimEvent::OrganisationIsolated { org: msp, team }),
        at(200, SimEvent::AccessRevoked { org: port, team }),
        at(400, SimEvent::OrganisationReconnected { org: msp, team }),
    ];
    let s = crate::report::summary::summarise(&plan, 1, 1000, String::new(), &log);
    let a = &s.islands[0];
    let d = &plan.defaults;
    let per_host_minute = d.interruption_rate(crate::scenario::Sector::Government) / 1440.0
        * crate::sim::judgement::SUPPORT_LOST_SHARE;
    let expected = (40.0 * 300.0 + 20.0 * 900.0) * per_host_minute;
    assert!(
        (a.loss_support_usd - expected).abs() < 1e-6,
        "{} against {expected}",
        a.loss_support_usd
    );
    assert!(a.loss_support_usd > 0.0);
    assert_eq!(a.loss_usd, a.loss_support_usd, "the only loss");
    assert_eq!(a.loss_teams_can_change_usd, a.loss_usd);
}

/// The response's people cost money: each task a team finished at its analysts' hourly rate
/// and pace (one investigation that scopes two incidents is one look), and the analysts the hub
/// lent it by the day from dispatch until back, with a trip each on site; charged to the
/// island the team sits on, nowhere for a team without one.
#[test]
fn the_response_pays_for_its_analysts_hours_and_the_help_it_was_lent() {
    use crate::scenario::ids::{CampaignIx, TeamIx};
    use crate::sim::events::{DetectedBy, Verdict};
    use crate::sim::judgement::*;
    let plan = TinyRegion::new()
        .island("A", true, false)
        .island("B", false, false)
        .org("gov", "A", 10, 0.5, 0.5)
        .team(
            "csirt",
            "NationalCsirt",
            Some("A"),
            2,
            "AroundTheClock",
            true,
        )
        .team("hub", "RegionalHub", Some("B"), 3, "AroundTheClock", true)
        .plan();
    let (csirt, hub, gov) = (TeamIx(0), TeamIx(1), OrgIx(0));
    let opened = |incident, campaign| SimEvent::IncidentOpened {
        incident,
        team: csirt,
        org: gov,
        campaign: CampaignIx(campaign),
        by: DetectedBy::Alert,
    };
    let log = vec![
        at(
            10,
            SimEvent::AlertTriaged {
                alert: 1,
                team: csirt,
                verdict: Verdict::Confirmed,
                true_positive: true,
            },
        ),
        at(11, opened(0, 0)),
        at(11, opened(1, 0)),
        at(
            100,
            SimEvent::IncidentScoped {
                incident: 0,
                hosts: 2,
            },
        ),
        at(
            100,
            SimEvent::IncidentScoped {
                incident: 1,
                hosts: 1,
            },
        ),
        at(
            120,
            SimEvent::HostIsolated {
                host: 3,
                org: gov,
                team: csirt,
            },
        ),
        at(
            200,
            SimEvent::AssistanceDispatched {
                hub,
                team: csirt,
                analysts: 2,
                arrives: 920,
            },
        ),
        at(
            200 + 1440,
            SimEvent::AssistanceLeft {
                team: csirt,
                analysts: 2,
            },
        ),
    ];
    let s = crate::report::summary::summarise(&plan, 1, 3000, String::new(), &log);
    let d = &plan.defaults;
    let pace = SKILL_PACE - plan.teams[csirt].skill;
    let minutes = (d.triage.0 + d.investigate.0 + d.isolate_per_host.0) as f64 * pace;
    let expected = minutes / 60.0 * ANALYST_HOUR_USD
        + 2.0 * LENT_ANALYST_DAY_USD
        + 2.0 * LENT_ANALYST_TRIP_USD;
    let a = &s.islands[0];
    assert!(
        (a.loss_response_usd - expected).abs() < 1e-6,
        "{} against {expected}",
        a.loss_response_usd
    );
    assert!(
        (a.loss_usd - a.loss_response_usd).abs() < 1e-6,
        "the only loss"
    );
    assert_eq!(
        s.islands[1].loss_response_usd, 0.0,
        "the hub lends, the helped pay"
    );
}
