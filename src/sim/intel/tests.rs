use super::*;
use crate::scenario::testkit::TinyRegion;

/// A, B and C each have a CSIRT and a point of contact; D has neither. A and B have a
/// bilateral agreement; the hub sits on B.
fn region() -> Region {
    let mut r = TinyRegion::new();
    for i in ["A", "B", "C"] {
        r = r.island(i, true, true).team(
            &format!("{i}-csirt"),
            "NationalCsirt",
            Some(i),
            2,
            "AroundTheClock",
            true,
        );
    }
    let plan = r
        .island("D", false, false)
        .team("hub", "RegionalHub", Some("B"), 2, "OfficeHours", true)
        .field("intel: Intel(bilateral: [(\"A\", \"B\")])")
        .plan();
    Region(plan)
}

/// A book holding one item, produced on island A by its CSIRT at this marking, to everyone
/// the marking allows.
fn book_with(tlp: Tlp) -> IntelBook {
    book_to(tlp, Recipients::AsMarked)
}

/// A book holding one item from island A's CSIRT at this marking, to this audience.
fn book_to(tlp: Tlp, audience: Recipients) -> IntelBook {
    let mut book = IntelBook::default();
    book.items.push(IntelItem {
        campaign: CampaignIx(0),
        actor: ActorIx(0),
        techniques: vec![TechniqueIx(0)],
        tlp,
        audience,
        team: TeamIx(0),
        island: IslandIx(0),
        produced: 0,
    });
    book
}

/// (channel, recipient) of everything an item from island A at this marking is sent to.
fn sent(tlp: Tlp) -> Vec<(Channel, Recipient)> {
    sent_to(tlp, Recipients::AsMarked)
}

/// The same, for the audience the team chose.
fn sent_to(tlp: Tlp, audience: Recipients) -> Vec<(Channel, Recipient)> {
    let r = region();
    let mut book = book_to(tlp, audience);
    let net = Connectivity {
        component: vec![0; 4],
        delay: Vec::new(),
        cut_off: Vec::new(),
    };
    book.dispatch(&r, &net, &mut EventLog::default(), 0, 0);
    let mut out: Vec<_> = book
        .in_transit
        .values()
        .map(|d| (d.channel, d.to))
        .collect();
    out.sort_by_key(|(c, to)| (*c, format!("{to:?}")));
    out
}

#[test]
fn the_marking_decides_the_channels() {
    use Channel::*;
    use Recipient::*;
    // RED: only to the named partner of a bilateral agreement.
    assert_eq!(sent(Tlp::Red), vec![(Bilateral, Team(TeamIx(1)))]);
    // AMBER: also to the hub, which vets and relays it to members.
    assert_eq!(
        sent(Tlp::Amber),
        vec![(Bilateral, Team(TeamIx(1))), (Hub, Team(TeamIx(3)))]
    );
    // GREEN: also across the network of points of contact.
    assert_eq!(
        sent(Tlp::Green),
        vec![
            (Bilateral, Team(TeamIx(1))),
            (NpcNetwork, Team(TeamIx(1))),
            (NpcNetwork, Team(TeamIx(2))),
            (Hub, Team(TeamIx(3)))
        ]
    );
    // CLEAR: a public advisory every other island can read, contact or not.
    let clear = sent(Tlp::Clear);
    for island in 1..4 {
        assert!(
            clear.contains(&(Public, Island(IslandIx(island)))),
            "{clear:?}"
        );
    }
}

/// The audience a team chooses narrows what the marking allows to that one channel: the
/// partner it names, the hub, the points of contact or the public.
#[test]
fn a_chosen_audience_gets_the_item_and_nobody_else_does() {
    use Channel::*;
    use Recipient::*;
    assert_eq!(
        sent_to(Tlp::Clear, Recipients::Partner(IslandIx(1))),
        vec![(Bilateral, Team(TeamIx(1)))]
    );
    // C has no agreement with A: naming it sends nothing (the command is refused first).
    assert_eq!(
        sent_to(Tlp::Clear, Recipients::Partner(IslandIx(2))),
        vec![]
    );
    assert_eq!(
        sent_to(Tlp::Green, Recipients::Hub),
        vec![(Hub, Team(TeamIx(3)))]
    );
    assert_eq!(
        sent_to(Tlp::Green, Recipients::Contacts),
        vec![(NpcNetwork, Team(TeamIx(1))), (NpcNetwork, Team(TeamIx(2)))]
    );
    let public = sent_to(Tlp::Clear, Recipients::Public);
    assert_eq!(public.len(), 3, "{public:?}");
    assert!(public.iter().all(|(c, _)| *c == Public), "{public:?}");
    // An audience the marking forbids gets nothing even if it reached the model.
    assert_eq!(sent_to(Tlp::Amber, Recipients::Contacts), vec![]);
}

/// A sector SOC learns what its island's CSIRT holds only if it is fed `National`: the
/// CSIRT passes on what it produces and what it receives, one hop later, GREEN and AMBER
/// but never RED.
#[test]
fn a_fed_sector_soc_hears_what_its_csirt_holds() {
    let base = region();
    let mut plan = (*base.0).clone();
    let soc = |feeds: Vec<crate::scenario::Feed>| crate::scenario::TeamPlan {
        island: Some(IslandIx(1)),
        kind: crate::scenario::TeamKind::SectorSoc,
        analysts: 2,
        skill: 0.5,
        shift: crate::scenario::Shift::AroundTheClock,
        auto: true,
        investigation: Default::default(),
        monitors: vec![],
        feeds,
    };
    plan.teams.push(soc(vec![crate::scenario::Feed::National]));
    plan.teams.push(soc(vec![]));
    let r = Region(std::sync::Arc::new(plan));
    // Team 4 is fed `National`; team 5, the same SOC without feeds, never appears below.
    let fed = TeamIx(4);
    let passed = |tlp: Tlp, holder: TeamIx| {
        let mut book = book_with(tlp);
        book.pass_on(&r, &mut EventLog::default(), 100, (0, tlp), holder);
        book.in_transit
            .iter()
            .map(|(&(at, _), d)| (at, d.to, d.channel))
            .collect::<Vec<_>>()
    };
    // B's CSIRT (team 1) holds a GREEN item: only the fed SOC on B hears, 30m later.
    let latency = r.intel.latency.0;
    assert_eq!(
        passed(Tlp::Green, TeamIx(1)),
        [(100 + latency, Recipient::Team(fed), Channel::National)]
    );
    assert_eq!(passed(Tlp::Amber, TeamIx(1)).len(), 1);
    assert!(passed(Tlp::Red, TeamIx(1)).is_empty(), "RED stays");
    // A's CSIRT is not the SOC's national team; the hub is no island's contact.
    assert!(passed(Tlp::Green, TeamIx(0)).is_empty());
    assert!(passed(Tlp::Green, TeamIx(3)).is_empty());
}

/// In a run: whenever A's CSIRT produces intelligence, the bank's SOC fed `National` gets it
/// through the National channel and applies it; unfed, it never hears.
#[test]
fn in_a_run_the_fed_soc_applies_what_its_csirt_found() {
    let run = |feeds: &str, seed: u64| {
        let plan = TinyRegion::new()
            .island("A", true, false)
            .org("gov", "A", 60, 0.8, 0.3)
            .org("bank", "A", 20, 0.8, 0.8)
            .campaign(
                "wave",
                "D1 09:00",
                "Organisation(\"gov\")",
                &["T1566.001", "T1087", "T1021.001"],
            )
            .csirt("a-csirt", "A")
            .team_with(
                "soc",
                "SectorSoc",
                Some("A"),
                &format!("monitors: [\"bank\"], feeds: [{feeds}]"),
            )
            .duration("3d")
            .plan();
        let mut sim = crate::sim::Simulation::new(plan, seed);
        sim.run_until(3 * 24 * 60);
        let soc = TeamIx(1);
        let produced = sim.events().iter().any(|e| {
            matches!(
                e.event,
                SimEvent::IntelProduced {
                    team: TeamIx(0),
                    ..
                }
            )
        });
        let heard = sim.events().iter().any(|e| {
            matches!(e.event, SimEvent::IntelReceived { team, channel: Channel::National, .. } if team == soc)
        });
        let applied = sim
            .events()
            .iter()
            .any(|e| matches!(e.event, SimEvent::IntelApplied { team: Some(t), .. } if t == soc));
        (produced, heard, applied)
    };
    let mut produced_somewhere = false;
    for seed in 1..=4 {
        let (produced, heard, applied) = run("National", seed);
        assert_eq!((heard, applied), (produced, produced), "seed {seed}");
        produced_somewhere |= produced;
        let (_, heard, applied) = run("", seed);
        assert!(!heard && !applied, "seed {seed}: an unfed SOC heard");
    }
    assert!(
        produced_somewhere,
        "the CSIRT never produced anything to pass on"
    );
}

#[test]
fn a_cut_cable_adds_the_fallback_latency() {
    let r = region();
    let up = Connectivity {
        component: vec![0, 0, 0, 0],
        delay: Vec::new(),
        cut_off: Vec::new(),
    };
    let cut = Connectivity {
        component: vec![0, 1, 1, 1],
        delay: Vec::new(),
        cut_off: Vec::new(),
    };
    assert_eq!(
        hop(&r, &up, Some(IslandIx(0)), Some(IslandIx(1))),
        r.intel.latency.0
    );
    assert_eq!(
        hop(&r, &cut, Some(IslandIx(0)), Some(IslandIx(1))),
        r.intel.latency.0 + r.intel.fallback_latency.0
    );
    // Rerouted over a link that adds 6h between A and B (four islands, all connected).
    let mut delay = vec![0; 16];
    delay[1] = 360;
    let rerouted = Connectivity {
        component: vec![0, 0, 0, 0],
        delay,
        cut_off: Vec::new(),
    };
    assert_eq!(
        hop(&r, &rerouted, Some(IslandIx(0)), Some(IslandIx(1))),
        r.intel.latency.0 + 360
    );
}

/// A hub with no island of its own is abroad: an island whose every link is down reaches it
/// only by the fallback, as the Pacific's Tonga did with no cable and no satellite.
#[test]
fn a_hub_abroad_is_out_of_reach_of_an_island_cut_off() {
    let r = region();
    let linked = Connectivity::compute(
        4,
        &[
            (IslandIx(0), IslandIx(1), true, 0),
            (IslandIx(2), IslandIx(3), false, 0),
        ],
    );
    assert!(!linked.cut_off(IslandIx(0)) && linked.cut_off(IslandIx(2)));
    let (latency, fallback) = (r.intel.latency.0, r.intel.fallback_latency.0);
    assert_eq!(hop(&r, &linked, Some(IslandIx(0)), None), latency);
    assert_eq!(
        hop(&r, &linked, Some(IslandIx(2)), None),
        latency + fallback
    );
    assert_eq!(
        hop(&r, &linked, None, Some(IslandIx(3))),
        latency + fallback
    );
    // No link in the scenario at all: nothing is modelled, nothing is cut.
    let bare = Connectivity::compute(4, &[]);
    assert_eq!(hop(&r, &bare, Some(IslandIx(2)), None), latency);
}
