//! Semantic validation and expansion: a parsed scenario becomes a [`Plan`] whose references are
//! resolved to indexes, or a list of positioned diagnostics saying what to fix. One file per
//! part of the scenario; `check` says where each problem is.

mod check;
mod clocks;
pub use clocks::IslandClock;
mod cooperation;
mod disruption;
mod lint;
mod msel;
mod policy;
mod region;
mod teams;
mod threats;

use std::ops::Range;

use super::ids::{
    ActorIx, CampaignIx, GroupIx, HostIx, Ids, InjectIx, IslandIx, ModuleIx, ObjectiveIx, OrgIx,
    ServiceIx, TeamIx, TechniqueIx,
};
use super::{
    Action, AssistancePolicy, Backups, Catalog, Defaults, HostKind, IntelPolicy, LinkKind,
    LoadError, Platform, Scenario, Sector, Shift, Source, TeamKind, Technique,
};
use crate::time::{Span, StartDate};

/// Hosts one scenario may expand into; beyond this a typo (an extra zero) is the likelier story.
pub const MAX_HOSTS: u64 = 2_000_000;

pub use disruption::DisruptionPlan;
pub use policy::{MAX_FALSE_ALERTS_PER_HOST_DAY, MAX_LOANED_ANALYSTS, MAX_TECHNIQUE_ATTEMPTS};

/// A validated scenario with every reference resolved to an index (file order).
#[derive(Clone, Debug)]
pub struct Plan {
    pub source_name: String,
    /// Author id -> index, for every list.
    pub ids: Ids,
    pub scenario: Scenario,
    pub techniques: Vec<Technique>,
    pub orgs: Vec<OrgPlan>,
    pub groups: Vec<GroupPlan>,
    pub services: Vec<ServicePlan>,
    /// Services in dependency order: each after everything it depends on.
    pub service_order: Vec<ServiceIx>,
    pub campaigns: Vec<CampaignPlan>,
    pub teams: Vec<TeamPlan>,
    pub links: Vec<(IslandIx, IslandIx)>,
    /// The team whose queue a victim's own report reaches, per island: its CSIRT, else its NPC.
    pub island_contact: Vec<Option<TeamIx>>,
    /// The regional hub team, if there is one.
    pub hub: Option<TeamIx>,
    /// The scripted disruptions in time order (file order among equals).
    pub disruptions: Vec<(u64, DisruptionPlan)>,
    /// Bilateral sharing agreements as island pairs.
    pub bilateral: Vec<(IslandIx, IslandIx)>,
    pub host_count: u32,
    pub injects: Vec<InjectPlan>,
    pub expectations: Vec<ExpectationPlan>,
    /// The exercise's modules, in order (empty for an MSEL not organised in modules).
    pub modules: Vec<ModulePlan>,
    /// Organisations a trigger asks about the attackers being out of (`Evicted`).
    pub evictions: Vec<OrgIx>,
    /// Every happening a trigger, an `unless`, an `only_if` or an expectation waits for: the
    /// exercise keeps these firsts and no others.
    pub awaited: std::collections::BTreeSet<TriggerPlan>,
    /// What the model reads of the islands.
    pub islands: Vec<IslandPlan>,
    /// Each link's kind, by link index.
    pub link_kinds: Vec<LinkKind>,
    /// Each link's extra transit time (minutes), by link index.
    pub link_latency: Vec<u64>,
    /// The exercise's first day and minute, for the local calendar (shifts, weekends).
    pub start: StartDate,
    /// Model parameters (durations, rates) as validated and overridden.
    pub defaults: Defaults,
    pub intel: IntelPolicy,
    pub assistance: AssistancePolicy,
}

#[derive(Clone, Copy, Debug)]
pub struct IslandPlan {
    /// A national CSIRT (a member of the regional hub).
    pub csirt: bool,
    /// A designated national point of contact (in the NPC network).
    pub npc: bool,
    /// Minutes the island's clock is ahead of the scenario's (negative: behind).
    pub clock_offset: i64,
}

#[derive(Clone, Debug)]
pub struct OrgPlan {
    pub island: IslandIx,
    pub sector: Sector,
    pub groups: Range<GroupIx>,
    pub hosts: Range<HostIx>,
    pub manages: Vec<OrgIx>,
    /// The team whose queue this organisation's alerts reach.
    pub monitored_by: Option<TeamIx>,
}

#[derive(Clone, Debug)]
pub struct GroupPlan {
    pub org: OrgIx,
    pub kind: HostKind,
    pub platform: Platform,
    pub hosts: Range<HostIx>,
    pub sensor_coverage: f64,
    pub patch_level: f64,
    pub backups: Backups,
}

#[derive(Clone, Debug)]
pub struct ServicePlan {
    pub island: IslandIx,
    pub org: OrgIx,
    pub groups: Vec<GroupIx>,
    pub depends_on: Vec<ServiceIx>,
    pub min_hosts_up: f64,
    pub cost_per_hour_usd: f64,
    pub people_served: u64,
}

#[derive(Clone, Debug)]
pub struct CampaignPlan {
    pub actor: ActorIx,
    pub actor_skill: f64,
    pub start_tick: u64,
    pub targets: Vec<OrgIx>,
    pub stages: Vec<StagePlan>,
}

/// The organisations a scenario's ransomware can reach, and what sets them apart from the
/// organisations published rates come from (`Plan::ransomware_reach`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RansomwareReach {
    pub orgs: usize,
    /// Watched by no team.
    pub unwatched: usize,
    /// Watched in office hours only.
    pub office_hours: usize,
    /// Keeping only offline backups, which a crew cannot reach.
    pub offline_only: usize,
}

#[derive(Clone, Copy, Debug)]
pub struct StagePlan {
    pub technique: TechniqueIx,
    pub duration: Span,
}

/// What starts an inject or an expectation's clock, resolved to indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TriggerPlan {
    At(u64),
    FirstIncident(IslandIx),
    RansomNote(Subject),
    ServiceDown(ServiceIx),
    CampaignStarted(CampaignIx),
    IntelApplied(IslandIx),
    Inject(InjectIx),
    Contained(Subject),
    Evicted(OrgIx),
    Compromised(Subject),
    DataStolen(Subject),
    Encrypted(Subject),
    IncidentOpened(TeamIx, Subject),
}

/// What a trigger or a check is about: an island, an organisation or a campaign, or (for a
/// check that names nothing) anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Any,
    Island(IslandIx),
    Org(OrgIx),
    Campaign(CampaignIx),
}

impl Subject {
    /// Every subject an incident (or a ransom note) about `org` in `campaign` on `island` is
    /// about, the widest last.
    pub fn of(island: IslandIx, org: OrgIx, campaign: CampaignIx) -> [Subject; 4] {
        [
            Subject::Island(island),
            Subject::Org(org),
            Subject::Campaign(campaign),
            Subject::Any,
        ]
    }

    /// Whether an incident about `org` in `campaign` on `island` is about this.
    pub fn covers(self, island: IslandIx, org: OrgIx, campaign: CampaignIx) -> bool {
        Subject::of(island, org, campaign).contains(&self)
    }
}

/// When an inject fires or an expectation's clock starts: one happening, or several combined.
/// It is a condition on what has happened so far, so it holds from the first tick it is true.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum WhenPlan {
    On(TriggerPlan),
    /// Never by itself: only the facilitator fires it.
    Manual,
    AnyOf(Vec<WhenPlan>),
    AllOf(Vec<WhenPlan>),
}

impl WhenPlan {
    /// Whether it holds, given which happenings have occurred so far.
    pub fn holds(&self, occurred: &impl Fn(TriggerPlan) -> bool) -> bool {
        match self {
            WhenPlan::On(t) => occurred(*t),
            WhenPlan::Manual => false,
            WhenPlan::AnyOf(parts) => parts.iter().any(|p| p.holds(occurred)),
            WhenPlan::AllOf(parts) => parts.iter().all(|p| p.holds(occurred)),
        }
    }

    /// The single happening it waits for, when it is that simple.
    pub fn single(&self) -> Option<TriggerPlan> {
        match self {
            WhenPlan::On(t) => Some(*t),
            _ => None,
        }
    }

    /// Every happening it mentions, in the order written.
    pub fn happenings(&self) -> Vec<TriggerPlan> {
        match self {
            WhenPlan::On(t) => vec![*t],
            WhenPlan::Manual => Vec::new(),
            WhenPlan::AnyOf(parts) | WhenPlan::AllOf(parts) => {
                parts.iter().flat_map(|p| p.happenings()).collect()
            }
        }
    }

    /// The tick by which the clock alone makes it hold, whatever else happens: `At(t)` by `t`,
    /// "whichever first" by its earliest moment, "all of" only when every part is a moment.
    pub fn due_by(&self) -> Option<u64> {
        match self {
            WhenPlan::On(TriggerPlan::At(t)) => Some(*t),
            WhenPlan::On(_) | WhenPlan::Manual => None,
            WhenPlan::AnyOf(parts) => parts.iter().filter_map(|p| p.due_by()).min(),
            WhenPlan::AllOf(parts) => parts
                .iter()
                .map(|p| p.due_by())
                .collect::<Option<Vec<u64>>>()
                .and_then(|ts| ts.into_iter().max()),
        }
    }

    /// Whether only the facilitator can make it hold.
    pub fn is_manual(&self) -> bool {
        match self {
            WhenPlan::On(_) => false,
            WhenPlan::Manual => true,
            WhenPlan::AnyOf(parts) => parts.iter().all(|p| p.is_manual()),
            WhenPlan::AllOf(parts) => parts.iter().any(|p| p.is_manual()),
        }
    }
}

/// A module of a discussion-based exercise, as the exercise follows it.
#[derive(Clone, Debug, Default)]
pub struct ModulePlan {
    /// Its injects that fire by themselves (not by hand, not as contingencies), in file order:
    /// the module is over when each has fired or been taken out.
    pub scripted: Vec<InjectIx>,
    /// Every inject that names it.
    pub injects: Vec<InjectIx>,
    pub pause: bool,
}

#[derive(Clone, Debug)]
pub struct InjectPlan {
    pub trigger: WhenPlan,
    /// Dropped, not fired, if this holds when it comes due.
    pub unless: Option<WhenPlan>,
    /// Dropped, not fired, unless this holds when it comes due.
    pub only_if: Option<WhenPlan>,
    pub module: Option<ModuleIx>,
    pub delay: u64,
    pub to: Vec<TeamIx>,
    pub decision: Option<DecisionPlan>,
    pub contingency_only: bool,
    /// What firing it does, resolved when the scenario loads (a bad reference is an authoring
    /// error there, never something dropped at run time).
    pub effects: Vec<Action>,
    /// Per decision option (file order): what choosing it does.
    pub option_effects: Vec<Vec<Action>>,
}

#[derive(Clone, Copy, Debug)]
pub struct DecisionPlan {
    /// Whose decision it is: the inject's `decider`, else the first team it is addressed to.
    pub decider: TeamIx,
    /// The default option's position among the decision's options.
    pub default: u32,
    pub takes: u64,
    /// Trainees not answering by then get the default.
    pub answer_within: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckPlan {
    IncidentOpened(Subject),
    IncidentContained(Subject),
    IntelShared(super::Tlp),
    IntelApplied,
    Isolates,
    AssistanceRequested,
    Decides(InjectIx),
    Facilitator,
}

#[derive(Clone, Debug)]
pub struct ExpectationPlan {
    pub team: TeamIx,
    pub objective: ObjectiveIx,
    pub after: WhenPlan,
    pub within: u64,
    pub check: CheckPlan,
    pub contingency: Option<InjectIx>,
}

#[derive(Clone, Debug)]
pub struct TeamPlan {
    pub island: Option<IslandIx>,
    pub kind: TeamKind,
    pub analysts: u32,
    pub skill: f64,
    pub shift: Shift,
    pub auto: bool,
    /// What the team's investigations give its trainees (auto-played teams: always `Answer`).
    pub investigation: super::Investigation,
    pub monitors: Vec<OrgIx>,
    /// Where shared intelligence reaches it from, besides being its island's contact.
    pub feeds: Vec<super::Feed>,
}

impl Plan {
    /// The live inject an inject id names (`live-3`), unless the MSEL has an inject by that id:
    /// a scripted id always wins.
    pub fn live_inject(&self, id: &str) -> Option<u32> {
        if self.ids.injects.resolve(id).is_ok() {
            return None;
        }
        super::parse_live_id(id)
    }

    /// The move an inject belongs to, as the room knows it: its module's title, else its
    /// free-text `phase` (empty for neither).
    pub fn move_of(&self, inject: InjectIx) -> &str {
        match self.injects[inject].module {
            Some(m) => &self.scenario.modules[m].title,
            None => &self.scenario.msel[inject].phase,
        }
    }

    /// What an inject waits for, in a few words: its trigger, delay and `unless`
    /// ("(D1 11:45 or after I07) +10m, unless first containment on GD").
    pub fn awaited(&self, inject: InjectIx) -> String {
        let i = &self.injects[inject];
        let mut when = if i.contingency_only {
            "if an expectation is missed".into()
        } else {
            self.when_text(&i.trigger)
        };
        if i.delay > 0 {
            if i.trigger.single().is_none() && !i.contingency_only {
                when = format!("({when})");
            }
            when.push_str(&format!(" +{}", Span(i.delay)));
        }
        if let Some(u) = &i.unless {
            when.push_str(&format!(", unless {}", self.when_text(u)));
        }
        when
    }

    /// What a trigger waits for, in a few words: "D1 09:00", "ransom note on GD or D9 03:47".
    pub fn when_text(&self, w: &WhenPlan) -> String {
        let s = &self.scenario;
        let list = |parts: &[WhenPlan], and: &str| {
            let texts: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    WhenPlan::AnyOf(_) | WhenPlan::AllOf(_) => format!("({})", self.when_text(p)),
                    _ => self.when_text(p),
                })
                .collect();
            texts.join(and)
        };
        match w {
            WhenPlan::Manual => "by hand".into(),
            WhenPlan::AnyOf(parts) => list(parts, " or "),
            WhenPlan::AllOf(parts) => list(parts, " and "),
            WhenPlan::On(t) => match *t {
                TriggerPlan::At(t) => s.start.at(t).clock(),
                TriggerPlan::FirstIncident(i) => format!("first incident on {}", s.islands[i].id),
                TriggerPlan::RansomNote(x) => format!("ransom note {}", self.subject_text(x)),
                TriggerPlan::Contained(x) => {
                    format!("first containment {}", self.subject_text(x))
                }
                TriggerPlan::Compromised(x) => format!("a breach {}", self.subject_text(x)),
                TriggerPlan::DataStolen(x) => format!("data stolen {}", self.subject_text(x)),
                TriggerPlan::Encrypted(x) => format!("encryption {}", self.subject_text(x)),
                TriggerPlan::IncidentOpened(t, x) => {
                    format!(
                        "{} opens an incident {}",
                        s.teams[t].id,
                        self.subject_text(x)
                    )
                }
                TriggerPlan::Evicted(o) => format!("attackers out of {}", s.organisations[o].id),
                TriggerPlan::ServiceDown(x) => format!("{} down", s.services[x].id),
                TriggerPlan::CampaignStarted(c) => format!("{} starts", s.campaigns[c].id),
                TriggerPlan::IntelApplied(i) => format!("intel applied on {}", s.islands[i].id),
                TriggerPlan::Inject(j) => format!("after {}", s.msel[j].id),
            },
        }
    }

    /// Whether the regional hub serves an island: it has a CSIRT or a designated point of
    /// contact.
    pub fn is_hub_member(&self, island: IslandIx) -> bool {
        let i = &self.islands[island];
        i.csirt || i.npc
    }

    /// The islands the regional hub serves, in order.
    pub fn hub_members(&self) -> impl Iterator<Item = IslandIx> + '_ {
        IslandIx::all(self.islands.len()).filter(|&i| self.is_hub_member(i))
    }

    /// Teams fed by a channel: those listing `feed`, on `island` if one is given.
    pub fn fed_by(
        &self,
        feed: crate::scenario::Feed,
        island: Option<IslandIx>,
    ) -> impl Iterator<Item = TeamIx> + '_ {
        (self.teams.iter().enumerate())
            .filter(move |(_, t)| {
                t.feeds.contains(&feed) && island.is_none_or(|i| t.island == Some(i))
            })
            .map(|(t, _)| TeamIx::from(t))
    }

    /// Whether the regional hub is played by trainees: its relays and loans wait for them.
    pub fn hub_played(&self) -> bool {
        self.hub.is_some_and(|h| !self.teams[h].auto)
    }

    /// Whether a campaign's stages include encryption: a ransomware attack.
    pub fn is_ransomware(&self, campaign: CampaignIx) -> bool {
        (self.campaigns[campaign].stages.iter())
            .any(|s| self.techniques[s.technique].effect == super::Effect::Encrypt)
    }

    /// The organisations whose ransom the room decides: an MSEL option pays for them. The model
    /// never decides for these.
    pub fn ransom_scripted(&self) -> std::collections::BTreeSet<OrgIx> {
        let options =
            (self.scenario.msel.iter()).flat_map(|i| i.decision.iter().flat_map(|d| &d.options));
        (options.flat_map(|o| &o.effects))
            .filter_map(|e| match e {
                crate::scenario::Command::PayRansom { org, .. } => self.ids.orgs.resolve(org).ok(),
                _ => None,
            })
            .collect()
    }

    /// Campaigns whose scenario shortens the catalog's stages (`duration` on a stage), each
    /// with its stages' total against the catalog's: those under four fifths of it. A figure of
    /// how fast intruders move stands on these, not on the published pace.
    pub fn compressed_campaigns(&self) -> Vec<(&str, f64)> {
        (self.campaigns.iter().enumerate())
            .filter_map(|(c, plan)| {
                let total = |f: &dyn Fn(&StagePlan) -> u64| plan.stages.iter().map(f).sum::<u64>();
                let scripted = total(&|s| s.duration.0);
                let catalog = total(&|s| self.techniques[s.technique].duration.0);
                let factor = scripted as f64 / catalog.max(1) as f64;
                (factor < 0.8).then(|| (self.scenario.campaigns[c].id.as_str(), factor))
            })
            .collect()
    }

    /// Campaigns that, once in, pass through other stages before their first lateral movement,
    /// with those stages' scripted minutes: a breakout figure stands on these.
    pub fn before_lateral(&self) -> Vec<(&str, u64)> {
        (self.campaigns.iter().enumerate())
            .filter_map(|(c, plan)| {
                let lateral = (plan.stages.iter()).position(|s| {
                    self.techniques[s.technique].effect == super::Effect::LateralMovement
                })?;
                let minutes: u64 = plan.stages[1.min(lateral)..lateral]
                    .iter()
                    .map(|s| s.duration.0)
                    .sum();
                (minutes > 0).then(|| (self.scenario.campaigns[c].id.as_str(), minutes))
            })
            .collect()
    }

    /// The organisations a ransomware crew can reach, as published rates would see them: a
    /// campaign's targets when it encrypts, and their managed clients when it also follows
    /// trust. Published detection, stopping and paying rates come from organisations with a
    /// watch of their own and backups a crew can find; these may stand apart from them.
    pub fn ransomware_reach(&self) -> RansomwareReach {
        let mut reached = std::collections::BTreeSet::new();
        for c in &self.campaigns {
            let has = |e: super::Effect| {
                (c.stages.iter()).any(|s| self.techniques[s.technique].effect == e)
            };
            if !has(super::Effect::Encrypt) {
                continue;
            }
            for &t in &c.targets {
                reached.insert(t);
                if has(super::Effect::TrustedRelationship) {
                    reached.extend(self.orgs[t].manages.iter().copied());
                }
            }
        }
        let watch = |o: &&OrgIx| self.orgs[**o].monitored_by.map(|t| self.teams[t].shift);
        let online = |o: &&OrgIx| {
            let groups = self.orgs[**o].groups.clone();
            (self.groups[groups.start as usize..groups.end as usize].iter())
                .any(|g| g.backups == super::Backups::Online)
        };
        RansomwareReach {
            orgs: reached.len(),
            unwatched: reached.iter().filter(|o| watch(o).is_none()).count(),
            office_hours: (reached.iter())
                .filter(|o| watch(o) == Some(super::Shift::OfficeHours))
                .count(),
            offline_only: reached.iter().filter(|o| !online(o)).count(),
        }
    }

    /// "on GD", "at ag-caribmsp", "by msp-ransomware": where a trigger looks.
    pub fn subject_text(&self, x: Subject) -> String {
        let s = &self.scenario;
        match x {
            Subject::Any => "anywhere".into(),
            Subject::Island(i) => format!("on {}", s.islands[i].id),
            Subject::Org(o) => format!("at {}", s.organisations[o].id),
            Subject::Campaign(c) => format!("by {}", s.campaigns[c].id),
        }
    }

    /// The position of a technique among a campaign's stages (the first, if it recurs).
    pub fn stage_of(&self, campaign: CampaignIx, technique: &str) -> Result<u32, String> {
        let stages = &self.campaigns[campaign].stages;
        stages
            .iter()
            .position(|s| self.techniques[s.technique].id == technique)
            .map(|k| k as u32)
            .ok_or_else(|| {
                let known: Vec<&str> = stages
                    .iter()
                    .map(|s| self.techniques[s.technique].id.as_str())
                    .collect();
                format!(
                    "campaign `{}` has no stage {technique}; its stages are {}",
                    self.scenario.campaigns[campaign].id,
                    known.join(", ")
                )
            })
    }

    pub fn org_ids(&self) -> impl Iterator<Item = &str> {
        self.scenario.organisations.iter().map(|o| o.id.as_str())
    }
    pub fn island_of_org(&self, org: OrgIx) -> IslandIx {
        self.orgs[org].island
    }
    pub fn group_of_host(&self, host: HostIx) -> GroupIx {
        // Groups are contiguous and sorted by first host.
        self.groups.partition_point(|g| g.hosts.end <= host) as GroupIx
    }
    /// Whether `technique` can work on `host` (its platform).
    pub fn runs_on(&self, technique: TechniqueIx, host: HostIx) -> bool {
        let platform = self.groups[self.group_of_host(host) as usize].platform;
        self.techniques[technique].runs_on(platform)
    }
    pub fn org_of_host(&self, host: HostIx) -> OrgIx {
        self.groups[self.group_of_host(host) as usize].org
    }

    /// `ag-gov-ws-0013`: the organisation, its host group and the host's number in it. How the
    /// evidence names a host, and how a team's findings name it back (`host_named`).
    pub fn host_name(&self, host: HostIx) -> String {
        let gi = self.group_of_host(host) as usize;
        let g = &self.groups[gi];
        let org = &self.scenario.organisations[g.org.ix()];
        let group = &org.hosts[gi - self.orgs[g.org.ix()].groups.start as usize];
        format!("{}-{}-{:04}", org.id, group.id, host - g.hosts.start + 1)
    }

    /// The host of the organisation a name gives (`host_name` read back); the error says what
    /// the organisation's host names look like.
    pub fn host_named(&self, org: OrgIx, name: &str) -> Result<HostIx, String> {
        let o = &self.scenario.organisations[org.ix()];
        let plan = &self.orgs[org.ix()];
        let found = (name.trim().strip_prefix(o.id.as_str()))
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|rest| rest.rsplit_once('-'))
            .and_then(|(group, number)| {
                let k = o.hosts.iter().position(|g| g.id == group)?;
                let g = &self.groups[plan.groups.start as usize + k];
                let n: u32 = number.parse().ok()?;
                (1..=g.hosts.end - g.hosts.start)
                    .contains(&n)
                    .then(|| g.hosts.start + n - 1)
            });
        found.ok_or_else(|| {
            let groups: Vec<String> = (o.hosts.iter().zip(plan.groups.clone()))
                .map(|(g, gi)| {
                    let r = &self.groups[gi as usize].hosts;
                    format!("{}-{}-0001 to {:04}", o.id, g.id, r.end - r.start)
                })
                .collect();
            format!(
                "`{name}` is not a host of {}: its hosts are {}",
                o.id,
                groups.join(", ")
            )
        })
    }
}

pub use lint::lint;

pub(super) fn build(
    source: &Source,
    scenario: Scenario,
    catalog: Catalog,
) -> Result<Plan, LoadError> {
    let mut c = check::Check::new(source);
    let s = &scenario;
    let ids = Ids::of(s, &catalog);
    let repeated = [
        c.unique("islands", s.islands.iter().map(|i| i.id.as_str())),
        c.unique("links", s.links.iter().map(|i| i.id.as_str())),
        c.unique(
            "organisations",
            s.organisations.iter().map(|i| i.id.as_str()),
        ),
        c.unique("services", s.services.iter().map(|i| i.id.as_str())),
        c.unique("actors", s.actors.iter().map(|i| i.id.as_str())),
        c.unique("campaigns", s.campaigns.iter().map(|i| i.id.as_str())),
        c.unique("teams", s.teams.iter().map(|i| i.id.as_str())),
    ];
    // With an id declared twice, whatever names it is ambiguous: say only that, not the
    // confusion it causes further on.
    if repeated.contains(&true) {
        c.finish()?;
    }

    region::check_islands(&mut c, s);
    let links = region::links(&mut c, s, &ids);
    let mut estate = region::estate(&mut c, s, &ids);
    let (services, service_order) = region::services(&mut c, s, &ids, &estate);
    let campaigns = threats::campaigns(&mut c, s, &ids, &catalog);
    let mut teams = teams::teams(&mut c, s, &ids);
    let island_contact = teams::assign_watch(&mut c, s, &mut teams, &mut estate.orgs);
    let disruptions = disruption::disruptions(&mut c, s, &ids);
    let bilateral = cooperation::intel_policy(&mut c, s, &ids);
    policy::check_policy(&mut c, s);
    policy::check_catalog(&mut c, s, &catalog);
    let injects = msel::injects(&mut c, s, &ids);
    let expectations = msel::expectations(&mut c, s, &ids);
    let modules = msel::modules(&mut c, s, &injects);
    c.finish()?;

    let hub = teams
        .iter()
        .position(|t| t.kind == TeamKind::RegionalHub)
        .map(TeamIx::from);
    let mut plan = Plan {
        source_name: source.name.clone(),
        ids,
        techniques: catalog.techniques,
        orgs: estate.orgs,
        groups: estate.groups,
        services,
        service_order,
        campaigns,
        teams,
        links: links.into_iter().map(Option::unwrap_or_default).collect(),
        island_contact,
        hub,
        disruptions,
        bilateral,
        host_count: estate.hosts as u32,
        evictions: msel::evictions(&injects, &expectations),
        awaited: msel::awaited(&injects, &expectations),
        injects,
        expectations,
        modules,
        islands: s
            .islands
            .iter()
            .map(|i| IslandPlan {
                csirt: i.csirt,
                npc: i.npc,
                clock_offset: match (i.utc_offset, s.utc_offset) {
                    (Some(island), Some(clock)) => island.0 - clock.0,
                    _ => 0,
                },
            })
            .collect(),
        link_kinds: s.links.iter().map(|l| l.kind).collect(),
        link_latency: s.links.iter().map(|l| l.latency.0).collect(),
        start: s.start,
        defaults: s.defaults.clone(),
        intel: s.intel.clone(),
        assistance: s.assistance.clone(),
        scenario,
    };
    msel::resolve_effects(&mut c, &mut plan);
    c.finish()?;
    Ok(plan)
}
