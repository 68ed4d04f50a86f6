//! Commands: what facilitators and trainee teams do to a running exercise, and the white cell's
//! overrides. Authored with scenario ids (in a `--commands` file, a journal or the console),
//! resolved against the plan, then applied at a tick boundary and stamped with that tick.

use serde::{Deserialize, Serialize};

use super::ids::{CampaignIx, ExpectationIx, InjectIx, IslandIx, LinkIx, OrgIx, TeamIx};
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
    /// White cell: a victim pays a ransom (US dollars); it counts in the losses. Whether paying
    /// stops the crew is a separate choice (`CancelCampaign`).
    PayRansom { org: String, usd: u64 },
    /// A team shares what it learned from its latest incident, with the marking it chooses.
    ShareIntel { team: String, tlp: Tlp },
    /// A team asks the regional hub for analysts.
    RequestAssistance { team: String },
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
    /// A link (by id) stops carrying traffic (and intelligence).
    CutLink(String),
    /// A cut link (by id) carries traffic again.
    RepairLink(String),
    /// Every service on the island stops for `duration`.
    PowerOutage { island: String, duration: Span },
    /// White cell: a campaign (by id) starts now.
    StartCampaign(String),
    /// White cell: a campaign (by id) stops where it stands.
    CancelCampaign(String),
    /// White cell: run a campaign from the scenario's library against an organisation now.
    Launch { campaign: String, org: String },
    /// White cell: the intrusion of a campaign in an organisation finishes its current step now;
    /// with `through: Some("T1486")`, every step up to and including that technique's now (the
    /// steps skipped do nothing): a scripted storyline step pinned to a moment.
    ForceStep {
        campaign: String,
        org: String,
        #[serde(default)]
        through: Option<String>,
    },
    /// White cell: the intrusion stops where it stands.
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
    /// The facilitator's judgement of an expectation.
    Validate {
        expectation: String,
        met: bool,
        #[serde(default)]
        note: String,
    },
}

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
}

/// A command resolved to indexes, ready for the tick chain.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Note(String),
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
    PayRansom {
        org: OrgIx,
        usd: u64,
    },
    ShareIntel {
        team: TeamIx,
        tlp: Tlp,
    },
    RequestAssistance {
        team: TeamIx,
    },
    Respond {
        team: TeamIx,
        order: Order,
    },
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
        let ids = &plan.ids;
        let err = |e: super::ids::UnknownId| e.to_string();
        let team = |id: &str| ids.teams.resolve(id).map_err(err);
        let org = |id: &str| ids.orgs.resolve(id).map_err(err);
        let link = |id: &str| ids.links.resolve(id).map_err(err);
        let island = |id: &str| ids.islands.resolve(id).map_err(err);
        let inject = |id: &str| ids.injects.resolve(id).map_err(err);
        let expectation = |id: &str| ids.expectations.resolve(id).map_err(err);
        let campaign = |id: &str| ids.campaigns.resolve(id).map_err(err);
        Ok(Some(match self {
            Command::Pause | Command::Resume | Command::Speed(_) => return Ok(None),
            Command::Launch {
                campaign: c,
                org: o,
            } => Action::Launch {
                campaign: campaign(c)?,
                org: org(o)?,
            },
            Command::ForceStep {
                campaign: c,
                org: o,
                through,
            } => {
                let c = campaign(c)?;
                let through = match through {
                    None => None,
                    Some(t) => Some(plan.stage_of(c, t)?),
                };
                Action::ForceStep {
                    campaign: c,
                    org: org(o)?,
                    through,
                }
            }
            Command::HaltIntrusion {
                campaign: c,
                org: o,
            } => Action::HaltIntrusion {
                campaign: campaign(c)?,
                org: org(o)?,
            },
            Command::Note(text) => Action::Note(text.clone()),
            Command::IsolateOrganisation { team: t, org: o } => Action::IsolateOrganisation {
                team: team(t)?,
                org: org(o)?,
            },
            Command::ReconnectOrganisation { team: t, org: o } => Action::ReconnectOrganisation {
                team: team(t)?,
                org: org(o)?,
            },
            Command::RevokeAccess { team: t, org: o } => Action::RevokeAccess {
                team: team(t)?,
                org: org(o)?,
            },
            Command::PayRansom { org: o, usd } => Action::PayRansom {
                org: org(o)?,
                usd: *usd,
            },
            Command::ShareIntel { team: t, tlp } => Action::ShareIntel {
                team: team(t)?,
                tlp: *tlp,
            },
            Command::RequestAssistance { team: t } => Action::RequestAssistance { team: team(t)? },
            Command::Investigate { team: t, org: o } => Action::Respond {
                team: team(t)?,
                order: Order::Investigate(org(o)?),
            },
            Command::IsolateHosts { team: t, org: o } => Action::Respond {
                team: team(t)?,
                order: Order::IsolateHosts(org(o)?),
            },
            Command::Eradicate { team: t, org: o } => Action::Respond {
                team: team(t)?,
                order: Order::Eradicate(org(o)?),
            },
            Command::Patch { team: t, org: o } => Action::Respond {
                team: team(t)?,
                order: Order::Patch(org(o)?),
            },
            Command::Block {
                team: t,
                campaign: c,
            } => Action::Respond {
                team: team(t)?,
                order: Order::Block(campaign(c)?),
            },
            Command::CutLink(l) => Action::CutLink(link(l)?),
            Command::RepairLink(l) => Action::RepairLink(link(l)?),
            Command::PowerOutage {
                island: i,
                duration,
            } => Action::PowerOutage {
                island: island(i)?,
                minutes: duration.0.max(1),
            },
            Command::StartCampaign(c) => Action::StartCampaign(campaign(c)?),
            Command::CancelCampaign(c) => Action::CancelCampaign(campaign(c)?),
            Command::FireInject(i) => Action::FireInject(inject(i)?),
            Command::SkipInject(i) => Action::SkipInject(inject(i)?),
            Command::DelayInject { inject: i, by } => Action::DelayInject {
                inject: inject(i)?,
                minutes: by.0,
            },
            Command::RescheduleInject { inject: i, at } => Action::RescheduleInject {
                inject: inject(i)?,
                at: at
                    .to_tick(plan.scenario.start.minute_of_day)
                    .ok_or_else(|| {
                        format!(
                            "{at} is before the exercise starts ({})",
                            plan.scenario.start
                        )
                    })?,
            },
            Command::SendInject(live) => {
                if live.title.trim().is_empty() {
                    return Err("a live inject needs a title".into());
                }
                if live.to.is_empty() {
                    return Err("a live inject needs at least one team in `to`".into());
                }
                Action::SendInject {
                    to: live.to.iter().map(|t| team(t)).collect::<Result<_, _>>()?,
                    inject: Box::new(live.clone()),
                }
            }
            Command::Decide {
                team: t,
                inject: i,
                option,
            } if plan.live_inject(i).is_some() => Action::DecideLive {
                team: team(t)?,
                number: plan.live_inject(i).unwrap_or_default(),
                option: option.clone(),
            },
            Command::Decide {
                team: t,
                inject: i,
                option,
            } => {
                let ix = inject(i)?;
                let decision = plan.scenario.msel[ix]
                    .decision
                    .as_ref()
                    .ok_or_else(|| format!("inject `{i}` has no decision to take"))?;
                let options = super::ids::IdIndex::<u32>::new(
                    "option",
                    decision.options.iter().map(|o| o.id.as_str()),
                );
                let o = options.resolve(option).map_err(err)?;
                Action::Decide {
                    team: team(t)?,
                    inject: ix,
                    option: o,
                }
            }
            Command::Validate {
                expectation: e,
                met,
                note,
            } => Action::Validate {
                expectation: expectation(e)?,
                met: *met,
                note: note.clone(),
            },
        }))
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
