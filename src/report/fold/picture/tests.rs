use super::*;
use crate::scenario::ids::{CampaignIx, TeamIx};
use crate::scenario::testkit::TinyRegion;
use crate::sim::events::{Channel, DetectedBy, SimEvent};

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
