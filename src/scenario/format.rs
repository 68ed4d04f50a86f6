//! Scenario format v1: the serde types a scenario author writes in RON.
//!
//! Field names are the `--set` paths (`islands.LC.csirt`), so they are chosen to read well on a
//! command line as much as in a file. Every list item that others refer to has an `id`.

use serde::{Deserialize, Serialize};

use crate::time::{Span, StartDate, When};

/// The current (and only) version of the format; bumped when a file written for an older
/// version would be read differently.
pub const FORMAT_VERSION: u32 = 1;

/// A whole scenario: the region, its attackers and defenders, the clock and the exercise
/// script. One RON file holds exactly one `Scenario(...)`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Version of the scenario format the file is written in; must be 1.
    pub format: u32,
    /// The exercise's name, shown in its reports.
    pub name: String,
    /// A few sentences on what the exercise is about (optional, free text): the facilitator's,
    /// and it may give the plot away, so the players' handouts never print it.
    #[serde(default)]
    pub description: String,
    /// What the players are told before the exercise starts (optional, free text): the
    /// situation as the public and the teams know it at the first minute. The Situation
    /// Manual's background; nothing in it should be what the teams must find out.
    #[serde(default)]
    pub briefing: String,
    /// Local date and time of the first tick, e.g. `2026-03-02 08:00`.
    pub start: StartDate,
    /// Shown beside the clock, e.g. `AST (UTC-4)`.
    #[serde(default)]
    pub time_zone: String,
    /// The UTC offset of the scenario's clock, e.g. `Some("UTC-4")`: needed only when an
    /// island keeps another time (its `utc_offset`); every time in the file is on this clock.
    #[serde(default)]
    pub utc_offset: Option<crate::time::UtcOffset>,
    /// How long a run lasts unless `--until` says otherwise; more than zero, at most 366 days.
    pub duration: Span,
    /// Random seed: the same scenario, seed and inputs always give the same run; change it
    /// to see another way the same exercise could go.
    pub seed: u64,
    /// Where the technique catalog comes from: the shipped one (`techniques.ron`, its latest
    /// edition; `techniques-1.ron` pins the first, 18 techniques) unless an author brings their
    /// own file beside the scenario. A journal records the edition it ran with and replays with it.
    #[serde(default = "default_catalog")]
    pub catalog: String,
    /// The islands of the region; at least one.
    pub islands: Vec<Island>,
    /// Connections between islands (cables, microwave and satellite links) that intelligence
    /// travels over.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The organisations whose computers can be attacked, each on one island.
    pub organisations: Vec<Organisation>,
    /// Services citizens rely on, which they lose when the hosts they run on fail.
    #[serde(default)]
    pub services: Vec<Service>,
    /// The threat actors who run the campaigns.
    #[serde(default)]
    pub actors: Vec<ThreatActor>,
    /// The attacks: which actor goes after which organisations, from when, and how.
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// The response teams: national CSIRTs, sector SOCs, points of contact, the regional hub
    /// and leadership.
    #[serde(default)]
    pub teams: Vec<Team>,
    /// Disruptions on the exercise clock: cable cuts and repairs, power outages.
    #[serde(default)]
    pub events: Vec<Disruption>,
    /// How intelligence travels between islands.
    #[serde(default)]
    pub intel: IntelPolicy,
    /// The parts of a discussion-based exercise, in order; injects name theirs in `module`.
    #[serde(default)]
    pub modules: Vec<super::msel::Module>,
    /// The master scenario events list: injects and decision points.
    #[serde(default)]
    pub msel: Vec<super::msel::Inject>,
    /// What each team should do by when, checked from events or by the facilitator.
    #[serde(default)]
    pub expectations: Vec<super::msel::Expectation>,
    /// Exercise objectives the expectations roll up into (rated P/S/M/U).
    #[serde(default)]
    pub objectives: Vec<super::msel::Objective>,
    /// Mutual assistance: analysts the regional hub sends to a team that asks.
    #[serde(default)]
    pub assistance: AssistancePolicy,
    /// Model parameters (alert rates, work times, recovery costs); any left out keep their
    /// calibrated defaults.
    #[serde(default)]
    pub defaults: super::defaults::Defaults,
}

/// A disruption of the region's infrastructure, scripted at a moment on the clock: a cable
/// cut or repaired, an island's power lost. Written `Disruption(at: ..., what: ...)`; files
/// from before the name changed write `Happening(...)`, which reads the same.
// Deserialize is in `renamed.rs`: it takes either name.
#[derive(Clone, Debug, Serialize)]
pub struct Disruption {
    /// When it happens: a moment like `D2 09:00` or an offset from the start like `36h`;
    /// not before the exercise starts.
    pub at: When,
    /// What happens: `CableCut`, `CableRepaired` or `PowerOutage`.
    pub what: DisruptionKind,
}

/// What a [Disruption](#disruption) does to cables and power.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DisruptionKind {
    /// A link (by id) stops carrying traffic: an anchor, a hurricane, a volcano.
    CableCut(String),
    /// A cut link (an id from `links`) carries traffic again.
    CableRepaired(String),
    /// Every service on the island stops for the duration.
    PowerOutage {
        /// The island that loses power (an id from `islands`).
        island: String,
        /// How long the outage lasts, e.g. `6h`.
        duration: Span,
    },
}

/// Traffic Light Protocol 2.0 (FIRST): who may receive an item of intelligence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tlp {
    /// Public: may be published; every island gets it as an advisory.
    Clear,
    /// Community: all sharing channels.
    Green,
    /// Recipient organisations and their clients: bilateral partners and the hub's members, no
    /// onward relay through the NPC network.
    Amber,
    /// Recipient organisation only: bilateral partners only.
    AmberStrict,
    /// Named recipients only: bilateral partners, who may watch for it but not push blocks.
    Red,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The marking as written on the item (`TLP:AMBER+STRICT`).
    pub fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// Who an item with this marking reaches here, in a sentence for the sharing team.
    pub fn reach(self) -> &'static str {
        match self {
            Tlp::Clear => "published: every island gets it as an advisory",
            Tlp::Green => "the community: every sharing channel, relayed by the hub and the NPCs",
            Tlp::Amber => "bilateral partners and the hub's members; no relay through the NPCs",
            Tlp::AmberStrict => "bilateral partners only",
            Tlp::Red => "named partners only, who may watch for it but not push blocks",
        }
    }
}

/// The sharing arrangements and the policy levers a what-if compares (`--set intel.sharing=false`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "Intel")]
pub struct IntelPolicy {
    /// Master switch: when false, nobody shares anything.
    pub sharing: bool,
    /// Whether the regional hub (a team of kind RegionalHub) relays to its members.
    pub hub: bool,
    /// The marking a team puts on what it produces.
    pub tlp_default: Tlp,
    /// Transit time of one hop between connected islands (email, portal, phone call).
    pub latency: Span,
    /// Extra time a hop takes when no cable path joins the two islands (satellite phone,
    /// courier) - judgement.
    pub fallback_latency: Span,
    /// Analyst time for the hub to vet and relay an item.
    pub hub_processing: Span,
    /// Analyst time for a recipient team to apply an item (sensors, mail filters, blocklists).
    pub apply: Span,
    /// Time until a CLEAR item is published as a public advisory that every island picks up.
    pub public_latency: Span,
    /// Detection of a known technique is multiplied by this where the intel is applied; 1 to 100.
    pub detection_boost: f64,
    /// Chance (0 to 1) that an initial-access attempt by a known actor is blocked where the
    /// intel is applied.
    pub block: f64,
    /// Bilateral sharing agreements between islands.
    pub bilateral: Vec<(String, String)>,
}

impl Default for IntelPolicy {
    fn default() -> Self {
        IntelPolicy {
            sharing: true,
            hub: true,
            tlp_default: Tlp::Green,
            latency: Span(30),
            fallback_latency: Span(12 * 60),
            hub_processing: Span(60),
            apply: Span(45),
            public_latency: Span(24 * 60),
            detection_boost: 2.0,
            block: 0.7,
            bilateral: Vec::new(),
        }
    }
}

/// Mutual assistance from the regional hub.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "Assistance")]
pub struct AssistancePolicy {
    /// Whether the hub sends analysts when a team asks; false turns mutual assistance off.
    pub enabled: bool,
    /// Analysts sent per request, at most 500.
    pub analysts: u32,
    /// From the decision to send them to their first shift on the island (regional flights).
    pub travel: Span,
    /// How long they stay.
    pub stay: Span,
    /// A team asks when its queued work exceeds this much per analyst.
    pub backlog: Span,
    /// The analysts come to the helped team's island (true): besides its desk, they join the
    /// island's encrypted organisations' IT while there (what is left of its preparation takes
    /// half as long, and each restores hosts beside it). False: they help remotely, on the desk
    /// only. This is the policy's choice; trainees playing the hub choose for each request.
    pub on_site: bool,
    /// From trainees at the hub choosing remote help to those analysts' first shift on the
    /// team's desk: accounts and VPN access on the helped team's systems and a handover call
    /// (judgement: same-day remote support between CSIRTs that already know each other).
    /// Remote help cannot reach an island cut off from the world.
    pub remote_start: Span,
}

impl Default for AssistancePolicy {
    fn default() -> Self {
        AssistancePolicy {
            enabled: true,
            analysts: 2,
            travel: Span(12 * 60),
            stay: Span(5 * 24 * 60),
            backlog: Span(8 * 60),
            on_site: true,
            remote_start: Span(2 * 60),
        }
    }
}

fn default_catalog() -> String {
    "techniques.ron".into()
}

/// An island state of the region, with real figures (the map and the lint use them).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Island {
    /// Short code for the island, e.g. `LC`, by which other items name it; unique in `islands`.
    pub id: String,
    /// The island's name as players see it, e.g. `Saint Lucia`.
    pub name: String,
    /// Number of people living on the island.
    pub population: u64,
    /// Gross domestic product per year, in US dollars (0 or more; `1.3e9`, not `1.3`).
    pub gdp_usd: f64,
    /// Latitude in decimal degrees, -90 to 90: the real position, so the console map shows the
    /// islands where a trainee knows them to be.
    pub lat: f64,
    /// Longitude in decimal degrees, -180 to 180 (west is negative, e.g. -61.0).
    pub lon: f64,
    /// Whether the island has a national CSIRT (a team of kind `NationalCsirt` must then exist).
    pub csirt: bool,
    /// Whether the island has designated a National Point of Contact for incident response.
    pub npc: bool,
    /// The island's clock, if not the scenario's: `Some("UTC-6")` for Belize in a scenario on
    /// `UTC-4`. Office hours and the days of the week there follow it (the scenario must then
    /// give its own `utc_offset`).
    #[serde(default)]
    pub utc_offset: Option<crate::time::UtcOffset>,
    /// A member state on the mainland (Belize, Guyana, Suriname) rather than an island: drawn
    /// as a square on the map; it may reach its neighbours over `Terrestrial` links.
    #[serde(default)]
    pub mainland: bool,
}

/// How a link carries traffic between two islands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    /// An undersea fibre-optic cable.
    SubmarineCable,
    /// A microwave radio link.
    Microwave,
    /// A satellite link.
    Satellite,
    /// Fibre over land, between mainland neighbours.
    Terrestrial,
}

/// A connection between two islands; intelligence travels over links, and a cut one slows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Unique in `links`; cable cuts and repairs name the link by it.
    pub id: String,
    /// What carries the traffic: `SubmarineCable`, `Microwave` or `Satellite`.
    pub kind: LinkKind,
    /// The named system, e.g. `ECFS`.
    #[serde(default)]
    pub system: String,
    /// The two islands the segment joins.
    pub between: (String, String),
    /// Extra time shared intelligence takes to cross this link, over the scenario's one-hop
    /// `intel.latency`: `"0m"` for a cable; a congested satellite or microwave path, say
    /// `"2h"`. When a cut reroutes traffic, it crosses the slower links on the way round.
    #[serde(default)]
    pub latency: Span,
}

/// What an organisation does: campaigns target sectors, and interruption costs weigh by sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Sector {
    /// Ministries and government departments.
    Government,
    /// Banks, credit unions and other financial services.
    Finance,
    /// Seaports and their operators.
    Port,
    /// Hotels, tour operators and other tourism businesses.
    Tourism,
    /// Electricity generation and distribution.
    Energy,
    /// Telephone and internet providers.
    Telecom,
    /// Hospitals, clinics and health authorities.
    Health,
    /// Water supply and treatment.
    Water,
    /// IT service providers, including managed service providers.
    ItServices,
    /// Schools, colleges and universities.
    Education,
    /// An electoral commission or office: voter rolls, results transmission.
    Elections,
}

/// A ministry, bank, port or company on an island: the hosts attackers go after.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Unique in `organisations`, e.g. `lc-port`; services, campaigns and teams name it.
    pub id: String,
    /// The island it is on (an id from `islands`).
    pub island: String,
    /// Its sector: campaigns can target by sector, and it weighs the cost of downtime.
    pub sector: Sector,
    /// The organisation's name as players see it.
    pub name: String,
    /// Its computers, in groups of similar hosts; at least one group.
    pub hosts: Vec<HostGroup>,
    /// Organisations this one has privileged remote access to (a managed service provider's
    /// clients). An intruder inside can follow that trust (ATT&CK T1199).
    #[serde(default)]
    pub manages: Vec<String>,
}

/// What a host group is: it decides what an intruder can do there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HostKind {
    /// Staff computers: desktops and laptops. The target of phishing.
    Workstation,
    /// Servers running the organisation's applications and data.
    Server,
    /// Internet-facing: web, VPN, mail gateways. The target of public-facing exploits.
    EdgeDevice,
    /// Operational technology: PLCs, SCADA, port cranes.
    Controller,
}

/// The operating system of a host group: a technique works only on the platforms it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Platform {
    /// Microsoft Windows hosts.
    Windows,
    /// Linux hosts.
    Linux,
    /// Apple macOS hosts.
    MacOs,
    /// Network equipment: routers, switches, firewalls, VPN appliances.
    Network,
    /// Embedded devices running their own firmware, such as PLCs.
    Embedded,
}

/// How a host group is backed up: it decides how long an encrypted host takes to come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Backups {
    /// No usable backups: encrypted hosts are rebuilt from scratch.
    None,
    /// Backups reachable from the network; an intruder may encrypt them too.
    Online,
    /// Offline or immutable backups: restore is slower to start but always works.
    Offline,
}

/// A set of alike hosts in an organisation (workstations, servers, edge devices).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostGroup {
    /// Unique within the organisation; services refer to `org-id/group-id`.
    pub id: String,
    /// What the hosts are for: `Workstation`, `Server`, `EdgeDevice` or `Controller`.
    pub kind: HostKind,
    /// Number of hosts in the group, at least 1; the whole scenario may have at most
    /// 2,000,000 hosts.
    pub count: u32,
    /// The hosts' operating system; a technique only works on the platforms it is made for.
    pub platform: Platform,
    /// Share of hosts (0..1) whose activity an EDR or network sensor can see.
    pub sensor_coverage: f64,
    /// Share of known vulnerabilities (0..1) already patched.
    pub patch_level: f64,
    /// What backups the hosts have, which decides how encrypted hosts come back.
    pub backups: Backups,
}

/// What citizens and the economy lose while an organisation's hosts are down.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Unique in `services`; other services' `depends_on` and triggers name it.
    pub id: String,
    /// The service as citizens know it, e.g. `Port clearance`.
    pub name: String,
    /// The organisation that runs it.
    pub provider: String,
    /// Host groups (`org-id/group-id`) the service runs on.
    #[serde(default)]
    pub needs_hosts: Vec<String>,
    /// The service is down when fewer than this share (0 to 1) of its hosts are usable.
    #[serde(default = "default_min_hosts")]
    pub min_hosts_up: f64,
    /// Services it depends on; they may be on other islands for regional services.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// What an hour of outage costs the economy, in US dollars (0 or more).
    pub cost_per_hour_usd: f64,
    /// Number of people who lose the service while it is down.
    pub people_served: u64,
}

fn default_min_hosts() -> f64 {
    0.5
}

/// Who attacks: a crew whose skill shapes every step of its campaigns.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreatActor {
    /// Unique in `actors`; campaigns name it in `actor`.
    pub id: String,
    /// The actor's name, e.g. a ransomware group's.
    pub name: String,
    /// Notes on who the actor is and how it works (optional, free text).
    #[serde(default)]
    pub description: String,
    /// 0..1: scales stage success and shortens stage durations.
    pub skill: f64,
}

/// Who a campaign goes after. A campaign's targets are the organisations matching any selector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Target {
    /// Every organisation on an island (an id from `islands`).
    Island(String),
    /// Every organisation in a sector, on any island.
    Sector(Sector),
    /// One organisation (an id from `organisations`).
    Organisation(String),
    /// A sector on one island, e.g. `IslandSector("LC", Government)`.
    IslandSector(String, Sector),
}

/// What an actor does, from when, against whom: stages run in order in each target it gets into.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Unique in `campaigns`; triggers such as `CampaignStarted` name it.
    pub id: String,
    /// Who runs it (an id from `actors`).
    pub actor: String,
    /// The campaign's name, as the console's event feed shows it.
    pub name: String,
    /// When the first stage begins: a moment like `D1 09:00` or an offset like `2h`; not
    /// before the exercise starts and not more than 365 days into it.
    pub start: When,
    /// Who it goes after: every organisation matching any of these; at least one, and each
    /// must match an organisation.
    pub targets: Vec<Target>,
    /// Ordered ATT&CK techniques (ids from the catalog), each run as a stage inside every
    /// organisation the campaign gets into.
    pub stages: Vec<Stage>,
}

/// One step of a campaign: an ATT&CK technique from the catalog (`assets/techniques.ron`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// An ATT&CK technique id from the catalog, e.g. `T1566.001`. The first stage must be an
    /// initial-access technique; later ones cannot be one, except valid accounts.
    pub technique: String,
    /// Overrides the catalog's typical duration for this stage.
    #[serde(default)]
    pub duration: Option<Span>,
}

/// What kind of response team it is: it decides what it watches and how intelligence reaches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TeamKind {
    /// An island's national CSIRT: it watches the island's organisations that no sector SOC
    /// monitors, and victims report to it.
    NationalCsirt,
    /// A security operations centre watching the organisations in its `monitors`.
    SectorSoc,
    /// An island's National Point of Contact: passes intelligence on and takes victims'
    /// reports where the island has no CSIRT.
    Npc,
    /// The regional hub: relays intelligence to its members and sends analysts to teams
    /// that ask. The only kind that may have no island.
    RegionalHub,
    /// A ministry's leadership, a cabinet office or a national crisis committee: it receives
    /// injects and takes decisions, but watches no network and does no technical work.
    Leadership,
}

/// A channel shared intelligence reaches a team by (see `Team.feeds`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Feed {
    /// Passed on by the island's national CSIRT (or point of contact) to its constituency.
    National,
    /// Relayed by the regional hub, as to its members.
    Hub,
}

/// When a team's analysts are at work: local time of the team's island.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shift {
    /// Monday to Friday, 08:00 to 16:00 local time.
    OfficeHours,
    /// Someone is always on duty.
    AroundTheClock,
}

/// A response team: played by the built-in policy, or by trainees (`auto: false`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Unique in `teams`; injects, expectations and commands name the team by it.
    pub id: String,
    /// The team's name as players see it.
    pub name: String,
    /// What sort of team it is, which decides what it watches and who reports to it.
    pub kind: TeamKind,
    /// The island the team serves; `None` for a regional team.
    #[serde(default)]
    pub island: Option<String>,
    /// Organisations the team monitors (their alerts reach its queue). Empty for a national CSIRT
    /// means every organisation on its island that no sector SOC monitors.
    #[serde(default)]
    pub monitors: Vec<String>,
    /// Number of analysts on the team, 1 to 500.
    pub analysts: u32,
    /// 0..1: how well an analyst tells a true alert from a false one, and how fast they work.
    pub skill: f64,
    /// When the team is on duty: `OfficeHours` or `AroundTheClock`.
    pub shift: Shift,
    /// Where shared intelligence reaches the team from, besides being its island's contact:
    /// `[National]` (what its island's CSIRT or point of contact receives or produces is passed
    /// on to it), `[Hub]` (the regional hub's relays). Empty, as for most sector SOCs: it learns
    /// only from its own incidents.
    #[serde(default)]
    pub feeds: Vec<Feed>,
    /// Played by the simulation's built-in policy; false when trainees play it.
    #[serde(default = "yes")]
    pub auto: bool,
    /// What an investigation gives the team when trainees play it: `Answer` (the hosts the
    /// intruder holds, found with the team's skill: a tabletop) or `Collection` (a technical
    /// exercise: the organisation's records, `tidewatch evidence`, which the trainees analyse
    /// and answer with `Findings`). Auto-played teams always investigate by skill.
    #[serde(default)]
    pub investigation: Investigation,
}

/// What an investigation by trainees yields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Investigation {
    /// The model's answer: each host the intruder holds, seen with a chance set by the team's
    /// skill, the technique's loudness and the investigation's time.
    #[default]
    Answer,
    /// A host triage package: the records of the organisation's hosts up to that moment. The
    /// model learns only what the team submits as `Findings`.
    Collection,
}

fn yes() -> bool {
    true
}
