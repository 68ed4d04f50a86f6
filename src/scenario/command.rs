//! Commands: what facilitators and trainee teams do to a running exercise, and the white cell's
//! overrides. Authored with scenario ids (in a `--commands` file, a journal or the console),
//! resolved against the plan, then applied at a tick boundary and stamped with that tick.

use serde::{Deserialize, Serialize};

use super::ids::{
    CampaignIx, ExpectationIx, HostIx, InjectIx, IslandIx, LinkIx, OrgIx, TeamIx, TechniqueIx,
};
use super::{Diagnostic, LoadError, Plan, Tlp, find_field, line_col, parse_ron};
use crate::time::{Span, When};

/// Response work a trainee team orders (auto-played teams do it by policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Order {
    Investigate(OrgIx),
    IsolateHosts(OrgIx),
    Eradicate(OrgIx),
    Patch(OrgIx),
    Block(CampaignIx),
    ResetCredentials(OrgIx),
}

/// Whom a team's shared intelligence goes to. The marking limits it (FIRST TLP 2.0): the
/// NPC network is the community (TLP:GREEN or CLEAR), the hub relays to its members
/// (TLP:AMBER or lower), only TLP:CLEAR may be published; a named partner may receive any
/// marking.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// Everyone the marking allows: bilateral partners, every point of contact (GREEN or
    /// CLEAR), the hub (AMBER or lower) and the public (CLEAR).
    #[default]
    AsMarked,
    /// The island's bilateral partners, each by its point of contact.
    Partners,
    /// One bilateral partner, by its island's id (`Partner("GD")`).
    Partner(String),
    /// The regional hub, which vets the item and relays it to its members.
    Hub,
    /// Every island's point of contact, over the NPC network.
    Contacts,
    /// A public advisory every island picks up.
    Public,
}

impl Audience {
    /// The default, which files and journals leave out.
    pub fn is_as_marked(&self) -> bool {
        *self == Audience::AsMarked
    }

    /// The audience for `team`'s item marked `tlp`, or the rule that forbids it.
    pub fn resolve(&self, plan: &Plan, team: TeamIx, tlp: Tlp) -> Result<Recipients, String> {
        let label = tlp.label();
        Ok(match self {
            Audience::AsMarked => Recipients::AsMarked,
            Audience::Partners => Recipients::Partners,
            Audience::Partner(id) => {
                let other = plan.ids.islands.resolve(id).map_err(|e| e.to_string())?;
                let own = plan.teams[team].island;
                let agreed = own.is_some_and(|own| {
                    (plan.bilateral.iter())
                        .any(|&(a, b)| (a, b) == (own, other) || (b, a) == (own, other))
                });
                if !agreed {
                    return Err(format!(
                        "`{id}` is not a bilateral partner of this team's island: share with the \
                         hub (TLP:AMBER or lower) or every point of contact (TLP:GREEN or CLEAR)"
                    ));
                }
                Recipients::Partner(other)
            }
            Audience::Hub if tlp > Tlp::Amber => {
                return Err(format!(
                    "{label} may not go to the hub: it relays to its members, so it takes \
                     TLP:AMBER or lower; share a stricter marking with a named partner"
                ));
            }
            Audience::Hub => Recipients::Hub,
            Audience::Contacts if tlp > Tlp::Green => {
                return Err(format!(
                    "{label} may not go to every point of contact: the NPC network is the \
                     community, which takes TLP:GREEN or CLEAR"
                ));
            }
            Audience::Contacts => Recipients::Contacts,
            Audience::Public if tlp != Tlp::Clear => {
                return Err(format!("{label} may not be published: only TLP:CLEAR may"));
            }
            Audience::Public => Recipients::Public,
        })
    }
}

/// An `Audience` resolved against the plan (a partner by its island's index).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Recipients {
    #[default]
    AsMarked,
    Partners,
    Partner(IslandIx),
    Hub,
    Contacts,
    Public,
}

impl Recipients {
    /// In a sentence: "everyone the marking allows", "the hub", "partner GD".
    pub fn describe(self, plan: &Plan) -> String {
        match self {
            Recipients::AsMarked => "everyone the marking allows".into(),
            Recipients::Partners => "its bilateral partners".into(),
            Recipients::Partner(i) => format!("its partner {}", plan.scenario.islands[i].name),
            Recipients::Hub => "the regional hub".into(),
            Recipients::Contacts => "every point of contact".into(),
            Recipients::Public => "the public".into(),
        }
    }
}

/// One command as a person gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// The facilitator pauses the clock (recorded; no effect on the simulation).
    Pause,
    /// The facilitator resumes the clock (recorded; no effect on the simulation).
    Resume,
    /// A free-text note for the record and the after-action report.
    Note(String),
    /// A team cuts an organisation's network off: nothing spreads in or out, its services stop.
    IsolateOrganisation { team: String, org: String },
    /// A team puts an isolated organisation back on the network.
    ReconnectOrganisation { team: String, org: String },
    /// On a team's advice, an organisation cuts its managed service provider's remote access
    /// (accounts, remote-management agents, VPN): a trust hop from the provider no longer leads
    /// in, and the attempt shows in the logs. Footholds already inside stay until found.
    RevokeAccess { team: String, org: String },
    /// A team tells an encrypted organisation to restore without waiting for the intrusion to
    /// be contained: its hosts come back sooner, and each may be encrypted again while a crew
    /// still holds a foothold there.
    RestoreAnyway { team: String, org: String },
    /// White cell: a victim pays a ransom (US dollars); it counts in the losses. Whether paying
    /// stops the crew is a separate choice (`CancelCampaign`).
    PayRansom { org: String, usd: u64 },
    /// A team shares what it learned from its latest incident, with the marking it chooses,
    /// to the audience it chooses (everyone the marking allows unless it says `to:`); an
    /// audience the marking forbids is refused with the rule.
    ShareIntel {
        team: String,
        tlp: Tlp,
        #[serde(default, skip_serializing_if = "Audience::is_as_marked")]
        to: Audience,
    },
    /// A team asks the regional hub for analysts.
    RequestAssistance { team: String },
    /// The regional hub, played by trainees, vets an item it received (its analysts' time) and
    /// relays it to the members named by island (every member, and the teams the hub feeds
    /// directly, when `to` is empty) at the marking it chooses: the source's or a stricter one
    /// (TLP 2.0: a recipient may not loosen a marking). Auto-played, the hub relays everything
    /// it receives, to every member, at the source's marking.
    Relay {
        team: String,
        item: u32,
        tlp: Tlp,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        to: Vec<String>,
        /// Also as a regional advisory (TLP:GREEN or CLEAR only: it goes to the whole
        /// community): every island's organisations pick it up after `intel.public_latency`,
        /// members or not, without anyone's analyst time.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        advisory: bool,
    },
    /// The regional hub, played by trainees, keeps an item it received to itself for now (it
    /// may still relay it later).
    HoldIntel { team: String, item: u32 },
    /// The regional hub convenes a call of its members: an inject, from the hub, in the inbox
    /// of every member's point of contact, of the teams it feeds directly and its own, with the
    /// agenda as its text. What is said on the call is the room's; the model does not guess it.
    RegionalCall { team: String, agenda: String },
    /// The regional hub, played by trainees, answers a team's request for help: `analysts` of
    /// its own (it keeps one at home), on site (they fly: the policy's `travel`, and besides the
    /// desk they join the island's restores) or remote (they start after the policy's
    /// `remote_start`, on the desk only, and only while the island is reachable).
    SendAnalysts {
        team: String,
        to: String,
        analysts: u32,
        on_site: bool,
    },
    /// A trainee team's response work (auto-played teams do this by policy): scope an incident
    /// at the organisation (or hunt for one), isolate the hosts it found, clean the isolated ones,
    /// patch the organisation, block a campaign's known infrastructure on its island.
    Investigate { team: String, org: String },
    /// A trainee team isolates the hosts its investigation of the organisation found.
    IsolateHosts { team: String, org: String },
    /// A trainee team cleans the organisation's isolated hosts.
    Eradicate { team: String, org: String },
    /// A trainee team patches the organisation (closes what exploits used).
    Patch { team: String, org: String },
    /// A trainee team blocks a campaign's known infrastructure on its island.
    Block { team: String, campaign: String },
    /// A trainee team says what its analysis of an organisation's records found: the hosts it
    /// judges the intruder's (by name, `ag-gov-ws-0013`, as the evidence names them), the
    /// indicators it keyed on (addresses, domains, senders, hashes) and the techniques it
    /// recognised (catalog ids). The model acts on the submission, not on the truth: the hosts
    /// become the team's scope at the organisation (`IsolateHosts` cuts off these and no
    /// others; a host it missed stays the intruder's), indicators that are a campaign's block
    /// it at the team's island (the team is not told whose they were), a credential-access
    /// technique puts the organisation's reset between it and containment. The after-action report scores each
    /// submission against what was true at that moment.
    Findings {
        team: String,
        org: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        hosts: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        indicators: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        techniques: Vec<String>,
    },
    /// A team has the organisation reset its credentials (privileged accounts, the domain's
    /// keys, users' passwords): an intruder holding them can no longer sign back in, and an
    /// incident where they were stolen can be contained. Analyst hours, and half a working
    /// day lost by every user of the organisation.
    ResetCredentials { team: String, org: String },
    /// A link (by id) stops carrying traffic (and intelligence).
    CutLink(String),
    /// A cut link (by id) carries traffic again.
    RepairLink(String),
    /// Every service on the island stops for `duration`.
    PowerOutage { island: String, duration: Span },
    /// White cell: a campaign (by id) starts now.
    StartCampaign(String),
    /// White cell: a campaign (by id) stops where it stands; a flood it runs ends (`DdosEnded`).
    CancelCampaign(String),
    /// White cell: run a campaign from the scenario's library against an organisation now.
    Launch { campaign: String, org: String },
    /// White cell: the intrusion of a campaign in an organisation finishes its current step now;
    /// with `through: Some("T1486")`, every step up to and including that technique's now (the
    /// steps skipped do nothing, but a flood skipped ends): a scripted storyline step pinned to
    /// a moment.
    ForceStep {
        campaign: String,
        org: String,
        #[serde(default)]
        through: Option<String>,
    },
    /// White cell: the intrusion stops where it stands; a flood ends (`DdosEnded`).
    HaltIntrusion { campaign: String, org: String },
    /// The facilitator changes the clock's speed (recorded; no effect on the simulation).
    Speed(Pace),
    /// Fire an inject of the MSEL now, whatever its trigger.
    FireInject(String),
    /// The inject will not fire (the room runs short, or it no longer fits the story).
    SkipInject(String),
    /// The inject fires this much later than it would have (whether already due or not yet
    /// triggered).
    DelayInject { inject: String, by: Span },
    /// The inject fires at this moment instead (whether already due or not yet triggered).
    RescheduleInject { inject: String, at: When },
    /// A narrative inject written live, sent now to the teams named.
    SendInject(super::LiveInject),
    /// A team's choice at a decision point.
    Decide {
        team: String,
        inject: String,
        option: String,
    },
    /// A team speaks for itself: a public statement (the press, citizens), a message to its
    /// island's partners abroad, or a word to its own government's staff. On the record, heard
    /// by those it is addressed to, and in the after-action report; the model does not guess
    /// how it is received.
    Statement {
        team: String,
        to: Listeners,
        text: String,
    },
    /// The facilitator's judgement of an expectation.
    Validate {
        expectation: String,
        met: bool,
        #[serde(default)]
        note: String,
    },
}

/// Whom a team's statement is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Listeners {
    /// The press and citizens: every team hears it as the public does.
    Public,
    /// The island's bilateral partners, by their teams.
    Partners,
    /// Its own government's staff: the teams of its island.
    Staff,
}

impl Listeners {
    pub const ALL: [Listeners; 3] = [Listeners::Public, Listeners::Partners, Listeners::Staff];

    /// As a trainee picks it and the report says it: "the public".
    pub fn label(self) -> &'static str {
        match self {
            Listeners::Public => "the public",
            Listeners::Partners => "partners abroad",
            Listeners::Staff => "government staff",
        }
    }
}

/// The longest statement or note a command may carry (a press release, not a report).
pub const STATEMENT_MAX_CHARS: usize = 2000;

/// A team's findings at an organisation, resolved: hosts and techniques by index (each once,
/// in the order given), indicators `normalised` (each once, sorted). The action and the event
/// that records it (`SimEvent::FindingsSubmitted`) carry the same.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Findings {
    pub team: TeamIx,
    pub org: OrgIx,
    pub hosts: Vec<HostIx>,
    pub indicators: Vec<String>,
    pub techniques: Vec<TechniqueIx>,
}

/// The most indicators one submission of findings may carry.
pub const FINDINGS_MAX_INDICATORS: usize = 100;

/// Clock speeds a facilitator can choose, for the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pace {
    /// Real time: one simulated minute a minute.
    X1,
    /// Ten simulated minutes a minute.
    X10,
    /// A simulated hour a minute.
    X60,
    /// As fast as the machine allows.
    Max,
    /// Any other factor over real time (a headless host's `--pace 600x`): so many simulated
    /// minutes a minute.
    Times(u32),
}

/// A command resolved to indexes, ready for the tick chain.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Note(String),
    Statement {
        team: TeamIx,
        to: Listeners,
        text: String,
    },
    IsolateOrganisation {
        team: TeamIx,
        org: OrgIx,
    },
    ReconnectOrganisation {
        team: TeamIx,
        org: OrgIx,
    },
    RevokeAccess {
        team: TeamIx,
        org: OrgIx,
    },
    RestoreAnyway {
        team: TeamIx,
        org: OrgIx,
    },
    PayRansom {
        org: OrgIx,
        usd: u64,
    },
    ShareIntel {
        team: TeamIx,
        tlp: Tlp,
        to: Recipients,
    },
    RequestAssistance {
        team: TeamIx,
    },
    Relay {
        team: TeamIx,
        item: u32,
        tlp: Tlp,
        /// Members by island; empty for every member.
        to: Vec<IslandIx>,
        advisory: bool,
    },
    HoldIntel {
        team: TeamIx,
        item: u32,
    },
    SendAnalysts {
        hub: TeamIx,
        to: TeamIx,
        analysts: u32,
        on_site: bool,
    },
    Respond {
        team: TeamIx,
        order: Order,
    },
    Findings(Findings),
    CutLink(LinkIx),
    RepairLink(LinkIx),
    PowerOutage {
        island: IslandIx,
        minutes: u64,
    },
    StartCampaign(CampaignIx),
    CancelCampaign(CampaignIx),
    Launch {
        campaign: CampaignIx,
        org: OrgIx,
    },
    ForceStep {
        campaign: CampaignIx,
        org: OrgIx,
        /// The stage (by position) to complete now, if not the current one.
        through: Option<u32>,
    },
    HaltIntrusion {
        campaign: CampaignIx,
        org: OrgIx,
    },
    FireInject(InjectIx),
    SkipInject(InjectIx),
    DelayInject {
        inject: InjectIx,
        minutes: u64,
    },
    RescheduleInject {
        inject: InjectIx,
        at: u64,
    },
    SendInject {
        to: Vec<TeamIx>,
        inject: Box<super::LiveInject>,
    },
    /// A decision on a live inject: checked when it applies (the inject is written during
    /// the exercise, so the plan cannot know it).
    DecideLive {
        team: TeamIx,
        number: u32,
        option: String,
    },
    Decide {
        team: TeamIx,
        inject: InjectIx,
        /// The option's position among the decision's options.
        option: u32,
    },
    Validate {
        expectation: ExpectationIx,
        met: bool,
        note: String,
    },
}

impl Command {
    /// `None` for commands that only concern pacing; `Err` names the unknown id.
    pub fn resolve(&self, plan: &Plan) -> Result<Option<Action>, String> {
        let r = Resolver { plan };
        Ok(Some(match self {
            Command::Pause | Command::Resume | Command::Speed(_) => return Ok(None),
            Command::Launch { campaign, org } => Action::Launch {
                campaign: r.campaign(campaign)?,
                org: r.org(org)?,
            },
            Command::ForceStep {
                campaign,
                org,
                through,
            } => r.force_step(campaign, org, through.as_deref())?,
            Command::HaltIntrusion { campaign, org } => Action::HaltIntrusion {
                campaign: r.campaign(campaign)?,
                org: r.org(org)?,
            },
            Command::Note(text) => Action::Note(text.clone()),
            Command::Statement { team, to, text } => {
                let said = text.trim();
                if said.is_empty() {
                    return Err("a statement says something: its `text` is empty".into());
                }
                let chars = said.chars().count();
                if chars > STATEMENT_MAX_CHARS {
                    return Err(format!(
                        "a statement of {chars} characters is too long: at most \
                         {STATEMENT_MAX_CHARS} (a press release, not a report)"
                    ));
                }
                Action::Statement {
                    team: r.team(team)?,
                    to: *to,
                    text: said.to_string(),
                }
            }
            Command::IsolateOrganisation { team, org } => Action::IsolateOrganisation {
                team: r.team(team)?,
                org: r.org(org)?,
            },
            Command::ReconnectOrganisation { team, org } => Action::ReconnectOrganisation {
                team: r.team(team)?,
                org: r.org(org)?,
            },
            Command::RevokeAccess { team, org } => Action::RevokeAccess {
                team: r.team(team)?,
                org: r.org(org)?,
            },
            Command::RestoreAnyway { team, org } => Action::RestoreAnyway {
                team: r.team(team)?,
                org: r.org(org)?,
            },
            Command::PayRansom { org, usd } => Action::PayRansom {
                org: r.org(org)?,
                usd: *usd,
            },
            Command::ShareIntel { team, tlp, to } => {
                let team = r.team(team)?;
                Action::ShareIntel {
                    team,
                    tlp: *tlp,
                    to: to.resolve(plan, team, *tlp)?,
                }
            }
            Command::RequestAssistance { team } => Action::RequestAssistance {
                team: r.team(team)?,
            },
            Command::Relay {
                team,
                item,
                tlp,
                to,
                advisory,
            } => r.relay(team, (*item, *tlp, *advisory), to)?,
            Command::RegionalCall { team, agenda } => r.regional_call(team, agenda)?,
            Command::HoldIntel { team, item } => Action::HoldIntel {
                team: r.hub(team)?,
                item: *item,
            },
            Command::SendAnalysts {
                team,
                to,
                analysts,
                on_site,
            } => r.loan(team, to, (*analysts, *on_site))?,
            Command::Investigate { team, org } => r.respond(team, Order::Investigate, org)?,
            Command::IsolateHosts { team, org } => r.respond(team, Order::IsolateHosts, org)?,
            Command::Eradicate { team, org } => r.respond(team, Order::Eradicate, org)?,
            Command::Patch { team, org } => r.respond(team, Order::Patch, org)?,
            Command::ResetCredentials { team, org } => {
                r.respond(team, Order::ResetCredentials, org)?
            }
            Command::Block { team, campaign } => Action::Respond {
                team: r.team(team)?,
                order: Order::Block(r.campaign(campaign)?),
            },
            Command::Findings {
                team,
                org,
                hosts,
                indicators,
                techniques,
            } => r.findings((team, org), hosts, indicators, techniques)?,
            Command::CutLink(l) => Action::CutLink(r.link(l)?),
            Command::RepairLink(l) => Action::RepairLink(r.link(l)?),
            Command::PowerOutage { island, duration } => Action::PowerOutage {
                island: r.island(island)?,
                minutes: duration.0.max(1),
            },
            Command::StartCampaign(c) => Action::StartCampaign(r.campaign(c)?),
            Command::CancelCampaign(c) => Action::CancelCampaign(r.campaign(c)?),
            Command::FireInject(i) => Action::FireInject(r.inject(i)?),
            Command::SkipInject(i) => Action::SkipInject(r.inject(i)?),
            Command::DelayInject { inject, by } => Action::DelayInject {
                inject: r.inject(inject)?,
                minutes: by.0,
            },
            Command::RescheduleInject { inject, at } => r.reschedule(inject, at)?,
            Command::SendInject(live) => r.send(live)?,
            Command::Decide {
                team,
                inject,
                option,
            } => r.decide(team, inject, option)?,
            Command::Validate {
                expectation,
                met,
                note,
            } => Action::Validate {
                expectation: r.expectation(expectation)?,
                met: *met,
                note: note.clone(),
            },
        }))
    }
}

/// Scenario ids to the plan's indexes, for [`Command::resolve`]: each lookup's error names the
/// unknown id (with a guess); the commands that need more than a lookup have their own.
struct Resolver<'a> {
    plan: &'a Plan,
}

impl Resolver<'_> {
    fn team(&self, id: &str) -> Result<TeamIx, String> {
        self.plan.ids.teams.resolve(id).map_err(|e| e.to_string())
    }

    fn org(&self, id: &str) -> Result<OrgIx, String> {
        self.plan.ids.orgs.resolve(id).map_err(|e| e.to_string())
    }

    fn link(&self, id: &str) -> Result<LinkIx, String> {
        self.plan.ids.links.resolve(id).map_err(|e| e.to_string())
    }

    fn island(&self, id: &str) -> Result<IslandIx, String> {
        self.plan.ids.islands.resolve(id).map_err(|e| e.to_string())
    }

    fn inject(&self, id: &str) -> Result<InjectIx, String> {
        self.plan.ids.injects.resolve(id).map_err(|e| e.to_string())
    }

    fn expectation(&self, id: &str) -> Result<ExpectationIx, String> {
        self.plan
            .ids
            .expectations
            .resolve(id)
            .map_err(|e| e.to_string())
    }

    fn campaign(&self, id: &str) -> Result<CampaignIx, String> {
        self.plan
            .ids
            .campaigns
            .resolve(id)
            .map_err(|e| e.to_string())
    }

    /// Findings as submitted, each list bounded (a seat cannot flood the model) and each entry
    /// checked: a host of the organisation, a technique of the catalog, an indicator that is
    /// one value.
    fn findings(
        &self,
        (team, org): (&str, &str),
        hosts: &[String],
        indicators: &[String],
        techniques: &[String],
    ) -> Result<Action, String> {
        let (team, org) = (self.team(team)?, self.org(org)?);
        let at = &self.plan.orgs[org.ix()].hosts;
        if hosts.len() > (at.end - at.start) as usize {
            return Err(format!(
                "{} hosts named, more than the organisation has ({})",
                hosts.len(),
                at.end - at.start
            ));
        }
        let mut found = Vec::new();
        for name in hosts {
            let host = self.plan.host_named(org, name)?;
            if !found.contains(&host) {
                found.push(host);
            }
        }
        if indicators.len() > FINDINGS_MAX_INDICATORS {
            return Err(format!(
                "{} indicators: at most {FINDINGS_MAX_INDICATORS} in one submission",
                indicators.len()
            ));
        }
        let mut keyed = Vec::new();
        for value in indicators {
            let v = super::indicators::normalised(value);
            if v.is_empty() || v.len() > 256 || v.chars().any(char::is_whitespace) {
                return Err(format!(
                    "`{value}` is not an indicator: one address, domain, sender, hash or file \
                     name, without spaces, at most 256 characters"
                ));
            }
            keyed.push(v);
        }
        keyed.sort();
        keyed.dedup();
        if techniques.len() > self.plan.techniques.len() {
            return Err(format!(
                "{} techniques named, more than the catalog has ({})",
                techniques.len(),
                self.plan.techniques.len()
            ));
        }
        let mut recognised = Vec::new();
        for id in techniques {
            let t = (self.plan.ids.techniques.resolve(id)).map_err(|e| e.to_string())?;
            if !recognised.contains(&t) {
                recognised.push(t);
            }
        }
        if found.is_empty() && keyed.is_empty() && recognised.is_empty() {
            return Err("findings name at least one host, indicator or technique".into());
        }
        Ok(Action::Findings(Findings {
            team,
            org,
            hosts: found,
            indicators: keyed,
            techniques: recognised,
        }))
    }

    /// The team named must be the regional hub: only it relays and lends analysts.
    fn hub(&self, id: &str) -> Result<TeamIx, String> {
        let team = self.team(id)?;
        match self.plan.hub {
            Some(hub) if hub == team => Ok(team),
            Some(hub) => Err(format!(
                "only the regional hub (`{}`) relays and sends analysts, not `{id}`",
                self.plan.scenario.teams[hub.ix()].id
            )),
            None => Err("the scenario has no regional hub (a team of kind RegionalHub)".into()),
        }
    }

    /// Analysts the hub sends to a team that asked (checked against who asked when it applies).
    fn loan(
        &self,
        team: &str,
        to: &str,
        (analysts, on_site): (u32, bool),
    ) -> Result<Action, String> {
        let hub = self.hub(team)?;
        let to_team = self.team(to)?;
        if to_team == hub {
            return Err("the hub sends analysts to a team that asked, not to itself".into());
        }
        if analysts == 0 {
            return Err("send at least one analyst".into());
        }
        Ok(Action::SendAnalysts {
            hub,
            to: to_team,
            analysts,
            on_site,
        })
    }

    /// A relay to members named by island: each must be one the hub serves.
    fn relay(
        &self,
        team: &str,
        (item, tlp, advisory): (u32, Tlp, bool),
        to: &[String],
    ) -> Result<Action, String> {
        let team = self.hub(team)?;
        if advisory && tlp > Tlp::Green {
            return Err(format!(
                "{} may not go out as a regional advisory: it reaches every island's \
                 organisations, the community, which takes TLP:GREEN or CLEAR",
                tlp.label()
            ));
        }
        let mut members = Vec::new();
        for id in to {
            let island = self.island(id)?;
            if !self.plan.is_hub_member(island) {
                return Err(format!(
                    "`{id}` is not a member of the hub: it serves islands with a CSIRT or a \
                     point of contact"
                ));
            }
            if !members.contains(&island) {
                members.push(island);
            }
        }
        members.sort_unstable();
        Ok(Action::Relay {
            team,
            item,
            tlp,
            to: members,
            advisory,
        })
    }

    /// The hub's call: a live inject to every member's point of contact, the teams the hub
    /// feeds directly and the hub itself.
    fn regional_call(&self, team: &str, agenda: &str) -> Result<Action, String> {
        let hub = self.hub(team)?;
        let agenda = agenda.trim();
        if agenda.is_empty() {
            return Err("a regional call has an agenda: its `agenda` is empty".into());
        }
        let chars = agenda.chars().count();
        if chars > STATEMENT_MAX_CHARS {
            return Err(format!(
                "an agenda of {chars} characters is too long: at most {STATEMENT_MAX_CHARS}"
            ));
        }
        let plan = self.plan;
        let contacts = plan.hub_members().filter_map(|i| plan.island_contact[i]);
        let fed = plan.fed_by(super::Feed::Hub, None);
        let mut to: Vec<TeamIx> = contacts.chain(fed).chain([hub]).collect();
        to.sort_unstable();
        to.dedup();
        let name = &plan.scenario.teams[hub.ix()].name;
        Ok(Action::SendInject {
            inject: Box::new(super::LiveInject {
                title: format!("Regional call convened by {name}"),
                body: agenda.to_string(),
                channel: super::InjectChannel::Phone,
                from: name.clone(),
                to: (to.iter())
                    .map(|t| plan.scenario.teams[t.ix()].id.clone())
                    .collect(),
                questions: Vec::new(),
                options: Vec::new(),
                decider: None,
            }),
            to,
        })
    }

    /// A trainee team's response order against an organisation.
    fn respond(&self, team: &str, order: fn(OrgIx) -> Order, org: &str) -> Result<Action, String> {
        let team = self.team(team)?;
        Ok(Action::Respond {
            team,
            order: order(self.org(org)?),
        })
    }

    /// `through`: a technique of the campaign's, found as the stage (by position) it is.
    fn force_step(
        &self,
        campaign: &str,
        org: &str,
        through: Option<&str>,
    ) -> Result<Action, String> {
        let campaign = self.campaign(campaign)?;
        let through = match through {
            None => None,
            Some(t) => Some(self.plan.stage_of(campaign, t)?),
        };
        Ok(Action::ForceStep {
            campaign,
            org: self.org(org)?,
            through,
        })
    }

    /// A new moment for an inject: not before the exercise starts.
    fn reschedule(&self, inject: &str, at: &When) -> Result<Action, String> {
        let start = &self.plan.scenario.start;
        Ok(Action::RescheduleInject {
            inject: self.inject(inject)?,
            at: at
                .to_tick(start.minute_of_day)
                .ok_or_else(|| format!("{at} is before the exercise starts ({start})"))?,
        })
    }

    /// A live inject needs a title and a team to go to.
    fn send(&self, live: &super::LiveInject) -> Result<Action, String> {
        if live.title.trim().is_empty() {
            return Err("a live inject needs a title".into());
        }
        if live.to.is_empty() {
            return Err("a live inject needs at least one team in `to`".into());
        }
        if let Some(d) = &live.decider
            && !live.to.contains(d)
        {
            return Err(format!(
                "the live inject's decider `{d}` is not among the teams it is sent to"
            ));
        }
        Ok(Action::SendInject {
            to: live
                .to
                .iter()
                .map(|t| self.team(t))
                .collect::<Result<_, _>>()?,
            inject: Box::new(live.clone()),
        })
    }

    /// A decision on a live inject (checked when it applies: the plan cannot know it), or on
    /// an MSEL inject that has one, by one of its options.
    fn decide(&self, team: &str, inject: &str, option: &str) -> Result<Action, String> {
        if let Some(number) = self.plan.live_inject(inject) {
            return Ok(Action::DecideLive {
                team: self.team(team)?,
                number,
                option: option.to_string(),
            });
        }
        let ix = self.inject(inject)?;
        let decision = self.plan.scenario.msel[ix]
            .decision
            .as_ref()
            .ok_or_else(|| format!("inject `{inject}` has no decision to take"))?;
        let options = super::ids::IdIndex::<u32>::new(
            "option",
            decision.options.iter().map(|o| o.id.as_str()),
        );
        let option = options.resolve(option).map_err(|e| e.to_string())?;
        Ok(Action::Decide {
            team: self.team(team)?,
            inject: ix,
            option,
        })
    }
}

/// A command at a moment on the exercise clock, as written in a `--commands` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timed {
    pub at: When,
    #[serde(rename = "do")]
    pub command: Command,
}

/// A command as issued to the exercise: the tick it takes (or took) effect at and the trainee
/// seat it came from (`None`: the facilitator's window, a command file or an inject). What the
/// recorder queues and journals, and what an after-action report replays with another choice.
#[derive(Clone, Debug, PartialEq)]
pub struct Issued {
    pub tick: u64,
    pub command: Command,
    pub seat: Option<String>,
}

impl From<(u64, Command, Option<String>)> for Issued {
    fn from((tick, command, seat): (u64, Command, Option<String>)) -> Self {
        Issued {
            tick,
            command,
            seat,
        }
    }
}

impl From<(u64, Command)> for Issued {
    /// Not from a seat: a command file's line, or the facilitator's.
    fn from((tick, command): (u64, Command)) -> Self {
        Issued {
            tick,
            command,
            seat: None,
        }
    }
}

/// A command file, resolved: (tick, command) in time order (file order among equals).
pub fn load_commands(path: &str, plan: &Plan) -> Result<Vec<(u64, Command)>, LoadError> {
    commands_from(&super::Source::read(std::path::Path::new(path))?, plan)
}

/// Command file text as written (for a seat, which has no plan to resolve it against).
pub fn timed_from(source: &super::Source) -> Result<Vec<Timed>, LoadError> {
    parse_ron(&source.name, &source.text)
}

/// Command file text, resolved against the plan, with every problem positioned.
pub fn commands_from(
    source: &super::Source,
    plan: &Plan,
) -> Result<Vec<(u64, Command)>, LoadError> {
    let list: Vec<Timed> = parse_ron(&source.name, &source.text)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut from = 0;
    for (k, t) in list.into_iter().enumerate() {
        // Each entry's position: the k-th `at:` in the file.
        let at = find_field(&source.text, from, "at").unwrap_or(from);
        from = at + 1;
        let (line, col) = line_col(&source.text, at);
        let mut fail = |message: String| {
            problems.push(Diagnostic {
                file: source.name.clone(),
                line,
                col,
                message,
                help: None,
            });
        };
        match t.at.to_tick(plan.scenario.start.minute_of_day) {
            None => fail(format!(
                "command #{} at {} is before the exercise starts ({})",
                k + 1,
                t.at,
                plan.scenario.start
            )),
            Some(tick) => match t.command.resolve(plan) {
                Ok(_) => out.push((tick, t.command)),
                Err(e) => fail(format!("command #{}: {e}", k + 1)),
            },
        }
    }
    if !problems.is_empty() {
        return Err(LoadError(problems));
    }
    out.sort_by_key(|(t, _)| *t);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    fn findings(hosts: &[&str], indicators: &[&str], techniques: &[&str]) -> Command {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Command::Findings {
            team: "csirt".into(),
            org: "gov".into(),
            hosts: strings(hosts),
            indicators: strings(indicators),
            techniques: strings(techniques),
        }
    }

    /// Findings name hosts as the evidence does (each once), indicators as typed (trimmed, case
    /// folded, each once) and catalog techniques; a host of another organisation, a technique
    /// the catalog lacks, an indicator with spaces or nothing at all is refused, saying why.
    #[test]
    fn findings_resolve_host_names_and_refuse_what_is_not_one() {
        let plan = TinyRegion::new()
            .island("A", true, false)
            .org("gov", "A", 40, 1.0, 0.0)
            .org("bank", "A", 10, 1.0, 0.0)
            .team(
                "csirt",
                "NationalCsirt",
                Some("A"),
                2,
                "AroundTheClock",
                false,
            )
            .plan();
        let gov = plan.ids.orgs.resolve("gov").unwrap();
        let hosts = plan.orgs[gov.ix()].hosts.clone();
        let (first, last) = (plan.host_name(hosts.start), plan.host_name(hosts.end - 1));
        assert!(
            first.starts_with("gov-") && first.ends_with("-0001"),
            "{first}"
        );
        let c = findings(
            &[&last, &first, &last],
            &[" CDN-X.example ", "cdn-x.example", "198.51.100.7"],
            &["T1003", "T1021.002"],
        );
        let Ok(Some(Action::Findings(Findings {
            hosts: named,
            indicators,
            techniques,
            ..
        }))) = c.resolve(&plan)
        else {
            panic!("{:?}", c.resolve(&plan));
        };
        assert_eq!(named, vec![hosts.end - 1, hosts.start]);
        assert_eq!(indicators, vec!["198.51.100.7", "cdn-x.example"]);
        assert_eq!(techniques.len(), 2);

        let bank = plan.host_name(plan.orgs[1].hosts.start);
        let refused = |c: Command| c.resolve(&plan).unwrap_err();
        let e = refused(findings(&[&bank], &[], &[]));
        assert!(
            e.contains("is not a host of gov") && e.contains("-0001 to 0040"),
            "{e}"
        );
        assert!(refused(findings(&["gov-ws-0041"], &[], &[])).contains("not a host"));
        assert!(refused(findings(&[], &[], &["T9999"])).contains("T9999"));
        assert!(refused(findings(&[], &["two words"], &[])).contains("not an indicator"));
        assert!(refused(findings(&[], &[], &[])).contains("at least one"));
    }
}
