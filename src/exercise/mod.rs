//! Driving the simulation from outside: commands applied at tick boundaries, the journal that
//! records them with state digests, and replay, verification, forking and resuming.

pub mod assessment;
pub mod authority;
mod hub;
pub mod journal;
pub mod msel;
pub mod pacing;
mod recorder;
pub mod session;

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::scenario::ids::{CampaignIx, InjectIx, TeamIx};
use crate::scenario::{Action, DisruptionPlan, Plan};
use crate::sim::attack::Campaign;
use crate::sim::digest::{DigestAppExt, hash_of};
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::network::{AdHocDisruptions, IsolatedOrgs, RevokedAccess};
use crate::sim::{SimSet, SimTick, Simulation, StableId};

/// The exercise layer over the model: commands at tick boundaries, the MSEL, the recorder.
/// Every driver of an exercise (headless runs, batches, the console) adds it beside `SimPlugin`.
pub fn plugin(app: &mut App) {
    app.init_resource::<CommandQueue>()
        .init_resource::<session::Recorder>()
        .add_systems(SimTick, apply_commands.in_set(SimSet::Commands))
        .add_plugins(msel::plugin)
        .digest_part(80, "exercise", |world| {
            hash_of(&(
                &world.resource::<CommandQueue>().0,
                world.resource::<msel::MselState>(),
            ))
        });
}

/// A headless exercise: the model with the exercise layer, ready to tick.
pub fn simulation(plan: Arc<Plan>, seed: u64) -> Simulation {
    Simulation::build(plan, seed, |app| {
        app.add_plugins(plugin);
    })
}

/// Commands waiting for their tick, in the order they were given.
#[derive(Resource, Default, Clone, Debug, Hash)]
pub struct CommandQueue(pub BTreeMap<u64, Vec<Action>>);

impl CommandQueue {
    pub fn schedule(&mut self, tick: u64, action: Action) {
        self.0.entry(tick).or_default().push(action);
    }
}

/// What a command may change: the network's isolation and revoked access, the infrastructure
/// events still to happen, the white cell's campaigns, the MSEL's own state, and the record.
#[derive(SystemParam)]
struct CommandTargets<'w, 's> {
    isolated: ResMut<'w, IsolatedOrgs>,
    revoked: ResMut<'w, RevokedAccess>,
    gate: ResMut<'w, crate::sim::network::RestoreGate>,
    adhoc: ResMut<'w, AdHocDisruptions>,
    campaigns: Query<'w, 's, (&'static StableId, &'static mut Campaign)>,
    msel: ResMut<'w, msel::MselState>,
    hub: hub::HubState<'w, 's>,
    log: ResMut<'w, EventLog>,
}

fn apply_commands(
    tick: crate::sim::Tick,
    mut queue: ResMut<CommandQueue>,
    mut targets: CommandTargets,
) {
    let now = tick.now();
    // Anything scheduled for a tick already past (a resumed journal) applies now.
    let due: Vec<u64> = queue.0.range(..=now).map(|(t, _)| *t).collect();
    for t in due {
        for action in queue.0.remove(&t).unwrap_or_default() {
            targets.apply(&tick.region, now, action);
        }
    }
}

impl CommandTargets<'_, '_> {
    /// One command at `now`: most become an event the model reacts to in its own set.
    fn apply(&mut self, plan: &Plan, now: u64, action: Action) {
        let log = &mut self.log;
        match action {
            Action::Note(text) => log.push(now, SimEvent::Note { text }),
            Action::Statement { team, to, text } => {
                log.push(now, SimEvent::StatementIssued { team, to, text });
            }
            Action::IsolateOrganisation { team, org } => {
                if self.isolated.0.insert(org) {
                    log.push(now, SimEvent::OrganisationIsolated { org, team });
                }
            }
            Action::ReconnectOrganisation { team, org } => {
                if self.isolated.0.remove(&org) {
                    log.push(now, SimEvent::OrganisationReconnected { org, team });
                }
            }
            Action::RevokeAccess { team, org } => {
                if self.revoked.0.insert(org) {
                    log.push(now, SimEvent::AccessRevoked { org, team });
                }
            }
            Action::RestoreAnyway { team, org } => {
                if self.gate.restore_anyway(org) {
                    log.push(now, SimEvent::RestoreAnywayOrdered { org, team });
                }
            }
            Action::PayRansom { org, usd } => log.push(now, SimEvent::RansomPaid { org, usd }),
            Action::ShareIntel { team, tlp, to } => log.push(
                now,
                SimEvent::ShareOrdered {
                    team,
                    tlp,
                    audience: to,
                },
            ),
            Action::Respond { team, order } => {
                log.push(now, SimEvent::ResponseOrdered { team, order })
            }
            Action::Findings(found) => log.push(now, SimEvent::FindingsSubmitted(found)),
            Action::RequestAssistance { team } => {
                log.push(now, SimEvent::AssistanceRequested { team })
            }
            action @ (Action::Relay { .. }
            | Action::HoldIntel { .. }
            | Action::SendAnalysts { .. }) => self.hub.apply(plan, now, action, log),
            Action::CutLink(l) => self.adhoc.0.push(DisruptionPlan::CableCut(l)),
            Action::RepairLink(l) => self.adhoc.0.push(DisruptionPlan::CableRepaired(l)),
            Action::PowerOutage { island, minutes } => self
                .adhoc
                .0
                .push(DisruptionPlan::PowerOutage { island, minutes }),
            Action::Launch { campaign, org } => {
                log.push(now, SimEvent::CampaignLaunched { campaign, org })
            }
            Action::ForceStep {
                campaign,
                org,
                through,
            } => log.push(
                now,
                SimEvent::StageForced {
                    campaign,
                    org,
                    through,
                },
            ),
            Action::HaltIntrusion { campaign, org } => {
                log.push(now, SimEvent::IntrusionHalted { campaign, org })
            }
            Action::StartCampaign(c) => self.start_campaign(now, c),
            Action::CancelCampaign(c) => self.cancel_campaign(now, c),
            Action::FireInject(inject) => log.push(now, SimEvent::InjectOrdered { inject }),
            Action::SkipInject(inject) => log.push(now, SimEvent::InjectSkipped { inject }),
            Action::DelayInject { inject, minutes } => {
                log.push(now, SimEvent::InjectDelayed { inject, minutes })
            }
            Action::RescheduleInject { inject, at } => {
                log.push(now, SimEvent::InjectRescheduled { inject, at })
            }
            Action::SendInject { to, inject } => {
                let number = self.msel.send_live(&to, &inject);
                let to = to.into();
                log.push(now, SimEvent::InjectSent { number, to, inject });
            }
            Action::DecideLive {
                team,
                number,
                option,
            } => self.decide_live(plan, now, team, number, &option),
            Action::Decide {
                team,
                inject,
                option,
            } => self.decide(plan, now, team, inject, option),
            Action::Validate {
                expectation,
                met,
                note,
            } => log.push(
                now,
                SimEvent::ExpectationValidated {
                    expectation,
                    met,
                    note,
                },
            ),
        }
    }

    /// The white cell starts a campaign that has neither started nor been called off.
    fn start_campaign(&mut self, now: u64, c: CampaignIx) {
        for (id, mut campaign) in self.campaigns.iter_mut().sort::<&StableId>() {
            if id.0 == c.0 && !campaign.started && !campaign.cancelled {
                campaign.forced_start = Some(now);
                self.log.push(now, SimEvent::CampaignForced { campaign: c });
            }
        }
    }

    fn cancel_campaign(&mut self, now: u64, c: CampaignIx) {
        for (id, mut campaign) in self.campaigns.iter_mut().sort::<&StableId>() {
            if id.0 == c.0 && !campaign.cancelled {
                campaign.cancelled = true;
                self.log
                    .push(now, SimEvent::CampaignCancelled { campaign: c });
            }
        }
    }

    /// A decision can be taken once it has been put, only by its decider (the others it was
    /// put to read it), and only once; a refusal is a note in the record.
    fn decide(&mut self, plan: &Plan, now: u64, team: TeamIx, inject: InjectIx, option: u32) {
        let refused = if !self.msel.fired.contains(&inject) {
            Some("it has not been put yet".to_string())
        } else if self.msel.decided.contains(&inject) {
            Some("it was already taken".to_string())
        } else if !plan.injects[inject].to.contains(&team) {
            Some(format!(
                "it was not put to {}",
                plan.scenario.teams[team.ix()].id
            ))
        } else if let Some(d) = plan.injects[inject].decision
            && d.decider != team
        {
            Some(format!(
                "it is for {} to decide, not {}",
                plan.scenario.teams[d.decider.ix()].id,
                plan.scenario.teams[team.ix()].id
            ))
        } else {
            None
        };
        let event = match refused {
            None => SimEvent::DecisionTaken {
                team,
                inject,
                option,
            },
            Some(why) => SimEvent::Note {
                text: format!(
                    "a decision on {} was refused: {why}",
                    plan.scenario.msel[inject].id
                ),
            },
        };
        self.log.push(now, event);
    }

    /// A decision on a live inject, taken if it is open to the team, otherwise a note saying why.
    fn decide_live(&mut self, plan: &Plan, now: u64, team: TeamIx, number: u32, option: &str) {
        let event = match self.msel.decide_live(number, team, option) {
            Ok((option, label)) => SimEvent::LiveDecisionTaken {
                team,
                number,
                option,
                label,
            },
            Err(why) => SimEvent::Note {
                text: format!(
                    "a decision on {} by {} was refused: {why}",
                    crate::scenario::live_id(number),
                    plan.scenario.teams[team.ix()].id
                ),
            },
        };
        self.log.push(now, event);
    }
}
