//! The generated regions the bench runs: an idle one, where one attacked ministry is all that
//! happens whatever the size, and an active one, whose islands, teams and attacks grow with it.

use crate::scenario::{
    self, AssistancePolicy, Backups, Campaign, Defaults, FORMAT_VERSION, HostGroup, HostKind,
    IntelPolicy, Island, Link, LinkKind, Organisation, Plan, Platform, Scenario, Sector, Service,
    Shift, Source, Stage, Target, Team, TeamKind, ThreatActor,
};
use crate::time::{Span, When, parse_start_date};

fn group(id: &str, kind: HostKind, count: u32, coverage: f64) -> HostGroup {
    HostGroup {
        id: id.into(),
        kind,
        count,
        platform: Platform::Windows,
        sensor_coverage: coverage,
        patch_level: 0.6,
        backups: Backups::Offline,
    }
}

/// A two-island region: island A holds the attacked ministry and a 24/7 SOC watching it;
/// island B holds the idle bulk.
pub fn generated_region(total_hosts: u32) -> Scenario {
    let attacked = 500;
    let idle = total_hosts.saturating_sub(attacked);
    let island = |id: &str, lat: f64| Island {
        id: id.into(),
        name: format!("Bench {id}"),
        population: 100_000,
        gdp_usd: 1e9,
        lat,
        lon: -61.0,
        csirt: false,
        npc: false,
        utc_offset: None,
        mainland: false,
    };
    let mut organisations = vec![Organisation {
        id: "target".into(),
        island: "A".into(),
        sector: Sector::Government,
        name: "Attacked ministry".into(),
        hosts: vec![
            group("ws", HostKind::Workstation, 460, 0.5),
            group("srv", HostKind::Server, 36, 0.7),
            group("edge", HostKind::EdgeDevice, 4, 0.7),
        ],
        manages: vec![],
    }];
    // Idle organisations of up to 5,000 hosts each.
    let mut left = idle;
    let mut n = 0;
    while left > 0 {
        let count = left.min(5_000);
        organisations.push(Organisation {
            id: format!("idle-{n}"),
            island: "B".into(),
            sector: Sector::Finance,
            name: format!("Idle organisation {n}"),
            hosts: vec![group("ws", HostKind::Workstation, count, 0.5)],
            manages: vec![],
        });
        left -= count;
        n += 1;
    }
    Scenario {
        format: FORMAT_VERSION,
        name: format!("bench {total_hosts} hosts"),
        description: String::new(),
        briefing: String::new(),
        start: parse_start_date("2026-03-02 08:00").expect("valid literal"),
        time_zone: "AST".into(),
        utc_offset: None,
        duration: Span::hours(72),
        seed: 1,
        catalog: "techniques.ron".into(),
        islands: vec![island("A", 14.0), island("B", 13.0)],
        links: vec![],
        organisations,
        services: vec![Service {
            id: "eservices".into(),
            name: "E-services".into(),
            provider: "target".into(),
            needs_hosts: vec!["target/srv".into()],
            min_hosts_up: 0.5,
            depends_on: vec![],
            cost_per_hour_usd: 10_000.0,
            people_served: 50_000,
        }],
        actors: vec![ThreatActor {
            id: "crew".into(),
            name: "Bench crew".into(),
            description: String::new(),
            skill: 0.7,
        }],
        campaigns: vec![Campaign {
            id: "wave".into(),
            actor: "crew".into(),
            name: "Bench campaign".into(),
            start: When::Offset(Span(60)),
            targets: vec![Target::Organisation("target".into())],
            stages: ["T1566.001", "T1087", "T1021.002", "T1041", "T1486"]
                .iter()
                .map(|t| Stage {
                    technique: t.to_string(),
                    duration: None,
                })
                .collect(),
        }],
        teams: vec![Team {
            id: "soc".into(),
            name: "Bench SOC".into(),
            kind: TeamKind::SectorSoc,
            island: Some("A".into()),
            monitors: vec!["target".into()],
            analysts: 4,
            skill: 0.6,
            shift: Shift::AroundTheClock,
            auto: true,
            investigation: Default::default(),
            feeds: vec![],
        }],
        events: vec![],
        modules: vec![],
        msel: vec![],
        expectations: vec![],
        objectives: vec![],
        intel: IntelPolicy::default(),
        assistance: AssistancePolicy::default(),
        defaults: Defaults::default(),
    }
}

/// Hosts per island in the active regions: a small island state's worth.
pub const HOSTS_PER_ISLAND: u32 = 2_500;

/// A region whose activity grows with its size, as a real one's does: one island per 2,500
/// hosts, each with a ministry, a bank, a port, a telecom operator, a hotel group and a
/// managed service provider that runs the ministry's and the port's IT; a national CSIRT, a
/// national contact and a bank SOC on every island, a regional hub, cables island to island;
/// false alerts at the default rate everywhere; and waves of three kinds of campaign that
/// target sectors, so every island is attacked again and again, each spreading through poorly
/// patched, thinly watched estates: five phishing and data-theft waves against ministries and
/// hotels, three worms through banks', telecom operators' and ports' public-facing systems,
/// three ransomware waves through the service providers' trusted access.
pub fn active_region(total_hosts: u32) -> Scenario {
    let islands_n = (total_hosts / HOSTS_PER_ISLAND).max(2);
    let per_island = total_hosts / islands_n;
    let mut scenario = generated_region(1_000);
    scenario.name = format!("active {total_hosts} hosts");
    scenario.duration = Span::hours(72);
    scenario.islands.clear();
    scenario.organisations.clear();
    scenario.services.clear();
    scenario.teams.clear();
    scenario.links.clear();
    for n in 0..islands_n {
        add_island(&mut scenario, n, per_island);
    }
    scenario.teams.push(Team {
        id: "hub".into(),
        name: "Regional hub".into(),
        kind: TeamKind::RegionalHub,
        island: None,
        monitors: vec![],
        analysts: 6,
        skill: 0.7,
        shift: Shift::AroundTheClock,
        auto: true,
        investigation: Default::default(),
        feeds: vec![],
    });
    scenario.actors = WAVES
        .iter()
        .flat_map(|(id, starts, _, _)| {
            (1..=starts.len()).map(move |w| ThreatActor {
                id: format!("{id}-crew-{w}"),
                name: format!("The {id} crew of wave {w}"),
                description: String::new(),
                skill: 0.85,
            })
        })
        .collect();
    scenario.campaigns = WAVES
        .iter()
        .flat_map(|(id, starts, sectors, stages)| {
            starts.iter().enumerate().map(move |(w, hours)| {
                let (campaign_id, actor) =
                    (format!("{id}-{}", w + 1), format!("{id}-crew-{}", w + 1));
                wave(&campaign_id, &actor, *hours, sectors, stages)
            })
        })
        .collect();
    scenario
}

/// The organisations of every active island: (name, sector, share of the island's hosts in
/// percent).
const ESTATE: [(&str, Sector, u32); 6] = [
    ("ministry", Sector::Government, 30),
    ("bank", Sector::Finance, 22),
    ("port", Sector::Port, 15),
    ("telecom", Sector::Telecom, 15),
    ("hotels", Sector::Tourism, 13),
    ("msp", Sector::ItServices, 5),
];

/// Island `n` of an active region: the island, its organisations, the ministry's e-services,
/// its three teams, and the cable from the island before it.
fn add_island(scenario: &mut Scenario, n: u32, per_island: u32) {
    let island = format!("I{n}");
    scenario.islands.push(Island {
        id: island.clone(),
        name: format!("Island {n}"),
        population: 100_000,
        gdp_usd: 1.5e9,
        lat: 10.0 + (n % 80) as f64 * 0.2,
        lon: -62.0 + (n / 80) as f64 * 0.5,
        csirt: true,
        npc: true,
        utc_offset: None,
        mainland: false,
    });
    for (kind, sector, share) in ESTATE {
        let id = format!("{kind}-{n}");
        scenario.organisations.push(Organisation {
            id: id.clone(),
            island: island.clone(),
            sector,
            name: format!("{kind} {n}"),
            hosts: weak_estate(kind, per_island * share / 100),
            manages: if kind == "msp" {
                vec![format!("ministry-{n}"), format!("port-{n}")]
            } else {
                vec![]
            },
        });
    }
    scenario.services.push(Service {
        id: format!("eservices-{n}"),
        name: format!("E-services {n}"),
        provider: format!("ministry-{n}"),
        needs_hosts: vec![format!("ministry-{n}/ministry-srv")],
        min_hosts_up: 0.5,
        depends_on: vec![],
        cost_per_hour_usd: 10_000.0,
        people_served: 50_000,
    });
    scenario.teams.extend(island_teams(n, &island));
    if n > 0 {
        scenario.links.push(Link {
            id: format!("cable-{n}"),
            kind: LinkKind::SubmarineCable,
            system: "Bench ring".into(),
            between: (format!("I{}", n - 1), island.clone()),
            latency: Span(0),
        });
    }
}

/// An organisation's hosts: workstations, 12% servers and 2% edge devices, poorly patched
/// and thinly watched, as lets a worm and its operators spread.
fn weak_estate(id: &str, hosts: u32) -> Vec<HostGroup> {
    let weak = |id: String, kind: HostKind, count: u32, coverage: f64| HostGroup {
        patch_level: 0.2,
        ..group(&id, kind, count, coverage)
    };
    let servers = (hosts * 12 / 100).max(1);
    let edge = (hosts * 2 / 100).max(1);
    vec![
        weak(
            format!("{id}-ws"),
            HostKind::Workstation,
            hosts.saturating_sub(servers + edge).max(1),
            0.4,
        ),
        weak(format!("{id}-srv"), HostKind::Server, servers, 0.6),
        weak(format!("{id}-edge"), HostKind::EdgeDevice, edge, 0.5),
    ]
}

/// An island's national CSIRT, national contact and bank SOC: small teams in office hours, as
/// on most small islands (the intruders work nights).
fn island_teams(n: u32, island: &str) -> [Team; 3] {
    let team = |id: String, kind: TeamKind, monitors: Vec<String>, analysts: u32| Team {
        name: id.clone(),
        id,
        kind,
        island: Some(island.to_string()),
        monitors,
        analysts,
        skill: 0.6,
        shift: Shift::OfficeHours,
        auto: true,
        investigation: Default::default(),
        feeds: vec![],
    };
    [
        team(format!("csirt-{n}"), TeamKind::NationalCsirt, vec![], 2),
        team(format!("npc-{n}"), TeamKind::Npc, vec![], 1),
        team(
            format!("soc-{n}"),
            TeamKind::SectorSoc,
            vec![format!("bank-{n}")],
            2,
        ),
    ]
}

/// A wave: (name, start hours of its waves, sectors targeted, techniques in order).
type Wave = (
    &'static str,
    &'static [u64],
    &'static [Sector],
    &'static [&'static str],
);

/// Waves through the three days, each a campaign of its own by a crew of its own (new lures,
/// new exploit servers, new affiliates), so what one wave taught the region, and the blocks it
/// led to, do not stop the next.
const WAVES: [Wave; 3] = [
    (
        "phishing",
        &[1, 13, 25, 37, 49],
        &[Sector::Government, Sector::Tourism],
        &["T1566.001", "T1021.002", "T1570", "T1041"],
    ),
    (
        "worm",
        &[2, 26, 50],
        &[Sector::Finance, Sector::Telecom, Sector::Port],
        &["T1190", "T1570", "T1021.002", "T1021.001", "T1486"],
    ),
    (
        "msp-ransomware",
        &[6, 30, 54],
        &[Sector::ItServices],
        &["T1078", "T1199", "T1021.001", "T1021.002", "T1486"],
    ),
];

/// One wave's campaign: `actor` runs `stages` against `sectors` from `hours` in.
fn wave(id: &str, actor: &str, hours: u64, sectors: &[Sector], stages: &[&str]) -> Campaign {
    Campaign {
        id: id.into(),
        actor: actor.into(),
        name: id.into(),
        start: When::Offset(Span::hours(hours)),
        targets: sectors.iter().map(|s| Target::Sector(*s)).collect(),
        stages: stages
            .iter()
            .map(|t| Stage {
                technique: t.to_string(),
                duration: None,
            })
            .collect(),
    }
}

pub fn plan_for(scenario: Scenario) -> Plan {
    let source = Source {
        name: "generated".into(),
        text: String::new(),
        dir: None,
    };
    scenario::load_generated(&source, scenario).expect("the generated bench region is valid")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::exercise;

    /// The active regions load, and their activity grows with their size: four times the
    /// hosts, at least three times the events and the compromised hosts.
    #[test]
    fn active_regions_grow_their_activity_with_their_size() {
        let run = |hosts: u32| {
            let plan = Arc::new(plan_for(active_region(hosts)));
            let mut sim = exercise::simulation(plan.clone(), 1);
            sim.run_until(48 * 60);
            let digest = sim.digest().hex();
            let s = crate::report::summarise(&plan, 1, 48 * 60, digest, sim.events());
            let compromised: u64 = s.islands.iter().map(|i| i.hosts_compromised).sum();
            (plan.scenario.islands.len(), sim.events().len(), compromised)
        };
        let (islands_small, events_small, hit_small) = run(2 * HOSTS_PER_ISLAND);
        let (islands_big, events_big, hit_big) = run(8 * HOSTS_PER_ISLAND);
        assert_eq!((islands_small, islands_big), (2, 8));
        assert!(
            events_big >= 3 * events_small,
            "{events_small} -> {events_big}"
        );
        assert!(
            hit_big >= 3 * hit_small && hit_small > 0,
            "{hit_small} -> {hit_big}"
        );
    }
}
