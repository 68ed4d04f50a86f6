//! Driving the simulation from outside: commands applied at tick boundaries, the journal that
//! records them with state digests, and replay, verification, forking and resuming.

pub mod authority;
pub mod journal;
pub mod msel;
pub mod pacing;
pub mod session;

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy::prelude::*;

use crate::scenario::{Action, HappeningPlan, Plan};
use crate::sim::attack::Campaign;
use crate::sim::digest::{DigestAppExt, hash_of};
use crate::sim::events::{EventLog, SimEvent};
use crate::sim::network::{AdHocHappenings, IsolatedOrgs, RevokedAccess};
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

#[allow(clippy::too_many_arguments)] // a system: each resource it writes is a parameter
fn apply_commands(
    tick: crate::sim::Tick,
    mut queue: ResMut<CommandQueue>,
    mut isolated: ResMut<IsolatedOrgs>,
    mut revoked: ResMut<RevokedAccess>,
    mut adhoc: ResMut<AdHocHappenings>,
    mut campaigns: Query<(&StableId, &mut Campaign)>,
    mut log: ResMut<EventLog>,
    mut msel: ResMut<msel::MselState>,
) {
    let now = tick.now();
    // Anything scheduled for a tick already past (a resumed journal) applies now.
    let due: Vec<u64> = queue.0.range(..=now).map(|(t, _)| *t).collect();
    for t in due {
        for action in queue.0.remove(&t).unwrap_or_default() {
            match action {
                Action::Note(text) => log.push(now, SimEvent::Note { text }),
                Action::IsolateOrganisation { team, org } => {
                    if isolated.0.insert(org) {
                        log.push(now, SimEvent::OrganisationIsolated { org, team });
                    }
                }
                Action::ReconnectOrganisation { team, org } => {
                    if isolated.0.remove(&org) {
                        log.push(now, SimEvent::OrganisationReconnected { org, team });
                    }
                }
                Action::RevokeAccess { team, org } => {
                    if revoked.0.insert(org) {
                        log.push(now, SimEvent::AccessRevoked { org, team });
                    }
                }
                Action::PayRansom { org, usd } => log.push(now, SimEvent::RansomPaid { org, usd }),
                Action::ShareIntel { team, tlp } => {
                    log.push(now, SimEvent::ShareOrdered { team, tlp })
                }
                Action::Respond { team, order } => {
                    log.push(now, SimEvent::ResponseOrdered { team, order })
                }
                Action::RequestAssistance { team } => {
                    log.push(now, SimEvent::AssistanceRequested { team })
                }
                Action::CutLink(l) => adhoc.0.push(HappeningPlan::CableCut(l)),
                Action::RepairLink(l) => adhoc.0.push(HappeningPlan::CableRepaired(l)),
                Action::PowerOutage { island, minutes } => {
                    adhoc.0.push(HappeningPlan::PowerOutage { island, minutes })
                }
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
                Action::FireInject(inject) => log.push(now, SimEvent::InjectOrdered { inject }),
                Action::SkipInject(inject) => log.push(now, SimEvent::InjectSkipped { inject }),
                Action::DelayInject { inject, minutes } => {
                    log.push(now, SimEvent::InjectDelayed { inject, minutes })
                }
                Action::RescheduleInject { inject, at } => {
                    log.push(now, SimEvent::InjectRescheduled { inject, at })
                }
                Action::SendInject { to, inject } => {
                    let number = msel.send_live(&to, &inject);
                    log.push(
                        now,
                        SimEvent::InjectSent {
                            number,
                            to: to.into(),
                            inject,
                        },
                    );
                }
                Action::DecideLive {
                    team,
                    number,
                    option,
                } => {
                    let region = &tick.region;
                    let decision = msel.decide_live(number, team, &option).map_err(|why| {
                        format!(
                            "a decision on {} by {} was refused: {why}",
                            crate::scenario::live_id(number),
                            region.scenario.teams[team.ix()].id
                        )
                    });
                    match decision {
                        Ok((option, label)) => log.push(
                            now,
                            SimEvent::LiveDecisionTaken {
                                team,
                                number,
                                option,
                                label,
                            },
                        ),
                        Err(text) => log.push(now, SimEvent::Note { text }),
                    }
                }
                // A decision can be taken once it has been put, only by a team it was put
                // to, and only once.
                Action::Decide { team, inject, .. }
                    if !msel.fired.contains(&inject)
                        || msel.decided.contains(&inject)
                        || !tick.region.injects[inject].to.contains(&team) =>
                {
                    let id = &tick.region.scenario.msel[inject].id;
                    let why = if !msel.fired.contains(&inject) {
                        "it has not been put yet".to_string()
                    } else if msel.decided.contains(&inject) {
                        "it was already taken".to_string()
                    } else {
                        format!(
                            "it was not put to {}",
                            tick.region.scenario.teams[team.ix()].id
                        )
                    };
                    log.push(
                        now,
                        SimEvent::Note {
                            text: format!("a decision on {id} was refused: {why}"),
                        },
                    );
                }
                Action::Decide {
                    team,
                    inject,
                    option,
                } => log.push(
                    now,
                    SimEvent::DecisionTaken {
                        team,
                        inject,
                        option,
                    },
                ),
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
                Action::StartCampaign(c) | Action::CancelCampaign(c) => {
                    for (id, mut campaign) in campaigns.iter_mut().sort::<&StableId>() {
                        if id.0 != c.0 {
                            continue;
                        }
                        if matches!(action, Action::StartCampaign(_))
                            && !campaign.started
                            && !campaign.cancelled
                        {
                            campaign.forced_start = Some(now);
                            log.push(now, SimEvent::CampaignForced { campaign: c });
                        } else if matches!(action, Action::CancelCampaign(_)) && !campaign.cancelled
                        {
                            campaign.cancelled = true;
                            log.push(now, SimEvent::CampaignCancelled { campaign: c });
                        }
                    }
                }
            }
        }
    }
}
