//! What the other choice would have cost: the exercise replayed from the start with the same
//! seed and the same commands, but a decision's other option taken at the same moment (a
//! command the MSEL's default would otherwise have answered), or a missed expectation's action
//! given when the expectation began, to the same end. Exact for the model: one run, not a
//! forecast; with `report --seeds N`, the same change over other seeds gives a spread.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::money::usd;
use super::picture::{Decided, OperatingPicture};
use super::summary::summary_of;
use crate::scenario::ids::{InjectIx, TeamIx};
use crate::scenario::{Check, Command, DecisionOption, Expectation, Issued, Plan};
use crate::sim::events::Stamped;

#[derive(Clone, Debug, Serialize)]
pub struct Counterfactual {
    pub inject: String,
    pub prompt: String,
    pub team: String,
    pub time: String,
    /// The exercise minute the decision was taken, where the alternative is taken instead.
    pub tick: u64,
    pub taken: String,
    pub alternatives: Vec<Alternative>,
}

/// The end of the run had another option been taken, against the end as played.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Alternative {
    pub option: String,
    pub label: String,
    pub hosts_compromised: i64,
    pub hosts_encrypted: i64,
    pub service_hours_down: f64,
    pub loss_usd: f64,
    pub owed_usd: f64,
    /// With `report --seeds N`: the same change over N seeds (the exercise's and the next).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
    /// Where the end figures do not differ, why: the option changed nothing the model plays,
    /// or it changed the course (from when, and the first thing that went otherwise) and the
    /// course came back to the same figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_no_difference: Option<String>,
}

/// A change in the loss smaller than this is no measurable difference: the report prints money
/// in thousands, and beside an exercise whose losses run to millions a few hundred dollars
/// (an analyst's hour moved) is not a lesson (judgement).
pub const MEASURABLE_USD: f64 = 1_000.0;

/// The difference a change makes to the loss over several seeds: in how many it differs at
/// all, and where it does, its median and range; how many seeds it made better or worse.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Spread {
    pub seeds: u64,
    /// Seeds where the decision came up at all (a trigger may not happen on every seed); the
    /// counts below are of these.
    pub put: u64,
    /// Seeds where the loss moved by [`MEASURABLE_USD`] or more.
    pub differs: u64,
    /// Where it differs: the change in the loss, median and range.
    pub loss_median: f64,
    pub loss_low: f64,
    pub loss_high: f64,
    /// Seeds where the other option lost measurably less, and more.
    pub better: u64,
    pub worse: u64,
    pub hosts_encrypted_mean: f64,
}

impl Spread {
    /// Over seeds' changes in (loss, hosts encrypted); `None` where the decision never came up.
    fn of(seeds: &[Option<(f64, f64)>]) -> Spread {
        let changes: Vec<(f64, f64)> = seeds.iter().flatten().copied().collect();
        let mut differ: Vec<f64> = (changes.iter())
            .map(|c| c.0)
            .filter(|l| l.abs() >= MEASURABLE_USD)
            .collect();
        differ.sort_by(f64::total_cmp);
        let median = match differ.len() {
            0 => 0.0,
            n if n % 2 == 1 => differ[n / 2],
            n => (differ[n / 2 - 1] + differ[n / 2]) / 2.0,
        };
        Spread {
            seeds: seeds.len() as u64,
            put: changes.len() as u64,
            differs: differ.len() as u64,
            loss_median: median,
            loss_low: differ.first().copied().unwrap_or(0.0),
            loss_high: differ.last().copied().unwrap_or(0.0),
            better: differ.iter().filter(|l| **l < 0.0).count() as u64,
            worse: differ.iter().filter(|l| **l > 0.0).count() as u64,
            hosts_encrypted_mean: changes.iter().map(|c| c.1).sum::<f64>()
                / changes.len().max(1) as f64,
        }
    }

    pub fn sentence(&self) -> String {
        let signed = |v: f64| {
            if v < 0.0 {
                format!("-{}", usd(-v))
            } else {
                format!("+{}", usd(v))
            }
        };
        let of = if self.put == self.seeds {
            format!("{} seeds", self.seeds)
        } else {
            format!(
                "the {} of {} seeds where the decision came up",
                self.put, self.seeds
            )
        };
        if self.differs == 0 {
            return format!("the loss differs in none of {of}");
        }
        let range = if self.differs == 1 {
            String::new()
        } else {
            format!(
                " (from {} to {})",
                signed(self.loss_low),
                signed(self.loss_high)
            )
        };
        format!(
            "the loss differs in {} of {of}; where it differs, {} median{range}",
            self.differs,
            signed(self.loss_median),
        )
    }
}

impl Alternative {
    /// The difference in words: "18 fewer hosts compromised, US$1.6M saved".
    pub fn sentence(&self) -> String {
        let count = |n: i64, what: &str| match n {
            0 => None,
            n if n < 0 => Some(format!("{} fewer {what}", -n)),
            n => Some(format!("{n} more {what}")),
        };
        let money = |v: f64, what: &str| {
            if v.abs() < MEASURABLE_USD {
                None
            } else if v < 0.0 {
                Some(format!("{} less {what}", usd(-v)))
            } else {
                Some(format!("{} more {what}", usd(v)))
            }
        };
        let parts: Vec<String> = [
            count(self.hosts_compromised, "hosts compromised"),
            count(self.hosts_encrypted, "hosts encrypted"),
            (self.service_hours_down.abs() >= 0.5).then(|| {
                if self.service_hours_down < 0.0 {
                    format!("{:.0} fewer service-hours down", -self.service_hours_down)
                } else {
                    format!("{:.0} more service-hours down", self.service_hours_down)
                }
            }),
            money(self.loss_usd, "lost"),
            money(self.owed_usd, "owed at the end"),
        ]
        .into_iter()
        .flatten()
        .collect();
        match (parts.is_empty(), &self.why_no_difference) {
            (true, Some(why)) => {
                format!("no measurable difference by the end of the exercise: {why}")
            }
            (true, None) => "no measurable difference by the end of the exercise".into(),
            (false, _) => parts.join(", "),
        }
    }
}

/// An expectation missed where the action it looked for is a command (a share at the expected
/// marking, a request for assistance): the exercise replayed with that command given when the
/// expectation began, against the exercise as played.
#[derive(Clone, Debug, Serialize)]
pub struct MissedAction {
    pub expectation: String,
    pub team: String,
    /// The action, in words, and when it is taken.
    pub action: String,
    pub time: String,
    pub difference: Alternative,
}

/// Region-wide figures at the end of a run, to compare one run with another.
#[derive(Clone, Copy, Debug, PartialEq)]
struct EndFigures {
    hosts_compromised: u64,
    hosts_encrypted: u64,
    service_hours_down: f64,
    loss_usd: f64,
    owed_usd: f64,
}

impl EndFigures {
    /// The figures at `end` of a run's events.
    fn of(plan: &Plan, seed: u64, end: u64, events: &[Stamped]) -> EndFigures {
        EndFigures::of_picture(plan, &OperatingPicture::of(plan, events), seed, end)
    }

    /// The figures at `end` of a run's picture.
    fn of_picture(plan: &Plan, picture: &OperatingPicture, seed: u64, end: u64) -> EndFigures {
        let summary = summary_of(picture, plan, seed, end, String::new(), 0);
        let sum = |f: fn(&super::IslandSummary) -> f64| summary.islands.iter().map(f).sum::<f64>();
        EndFigures {
            hosts_compromised: summary.islands.iter().map(|i| i.hosts_compromised).sum(),
            hosts_encrypted: summary.islands.iter().map(|i| i.hosts_encrypted).sum(),
            service_hours_down: sum(|i| i.service_down_minutes as f64 / 60.0),
            loss_usd: sum(|i| i.loss_usd),
            owed_usd: sum(|i| i.committed_usd),
        }
    }

    /// What this run changed against `base` in loss and in hosts encrypted: a spread's two
    /// figures.
    fn difference_from(self, base: EndFigures) -> (f64, f64) {
        (
            self.loss_usd - base.loss_usd,
            self.hosts_encrypted as f64 - base.hosts_encrypted as f64,
        )
    }

    /// What the `other` run changed against the one `played`, as an alternative (its option's
    /// id and label) with the spread over seeds if one was run.
    fn difference(
        (option, label): (String, String),
        other: EndFigures,
        played: EndFigures,
        spread: Option<Spread>,
    ) -> Alternative {
        Alternative {
            option,
            label,
            hosts_compromised: other.hosts_compromised as i64 - played.hosts_compromised as i64,
            hosts_encrypted: other.hosts_encrypted as i64 - played.hosts_encrypted as i64,
            service_hours_down: other.service_hours_down - played.service_hours_down,
            loss_usd: other.loss_usd - played.loss_usd,
            owed_usd: other.owed_usd - played.owed_usd,
            spread,
            why_no_difference: None,
        }
    }
}

impl Alternative {
    /// Whether any end figure moved enough to tell.
    pub fn measurable(&self) -> bool {
        self.hosts_compromised != 0
            || self.hosts_encrypted != 0
            || self.service_hours_down.abs() >= 0.5
            || self.loss_usd.abs() >= MEASURABLE_USD
            || self.owed_usd.abs() >= MEASURABLE_USD
    }

    /// With no measurable difference, says why from the two runs' events.
    fn explained(mut self, plan: &Plan, played: &[Stamped], other: &[Stamped]) -> Alternative {
        if !self.measurable() {
            self.why_no_difference = Some(why_the_same(plan, played, other));
        }
        self
    }
}

/// Why two runs end with the same figures: nothing the model plays went otherwise (the
/// decisions' and notes' own records aside), or the first thing that did, and when.
fn why_the_same(plan: &Plan, played: &[Stamped], other: &[Stamped]) -> String {
    use crate::sim::events::SimEvent;
    let played_course = |e: &&Stamped| {
        !matches!(
            e.event,
            SimEvent::DecisionTaken { .. } | SimEvent::Note { .. }
        )
    };
    let mut a = played.iter().filter(played_course);
    let mut b = other.iter().filter(played_course);
    let at = |e: &Stamped| plan.scenario.start.at(e.tick).clock();
    loop {
        let (x, y) = (a.next(), b.next());
        if x == y {
            match x {
                None => {
                    return "the option changes nothing the model plays (a choice for the \
                            room to discuss)"
                        .into();
                }
                Some(_) => continue,
            }
        }
        // The first event one run has and the other has not, at that minute.
        let (e, first) = match (x, y) {
            (Some(x), _) if !other.iter().any(|o| o == x) => (x, "without"),
            (_, Some(y)) => (y, "with"),
            (Some(x), None) => (x, "without"),
            (None, None) => unreachable!("equal, handled above"),
        };
        return format!(
            "what happened differs from {} (first {first}: {}), the end figures do not",
            at(e),
            super::narrate::describe(plan, &e.event)
        );
    }
}

/// Each decision's other options, replayed (see the module's note). `seeds` above 1 adds the
/// spread of each change over that many seeds.
pub fn counterfactuals(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    events: &[Stamped],
    seeds: u64,
) -> Result<Vec<Counterfactual>, String> {
    let replay = Replay {
        plan,
        commands,
        end,
        played: events,
    };
    let picture = OperatingPicture::of(plan, events);
    let played = EndFigures::of_picture(plan, &picture, seed, end);
    let others = replay.other_seeds(seed, seeds)?;
    let s = &plan.scenario;
    let mut out = Vec::new();
    for d in &picture.decisions {
        let inj = &s.msel[d.inject];
        let Some(decision) = inj.decision.as_ref() else {
            continue;
        };
        let mut alternatives = Vec::new();
        for (k, alt) in decision.options.iter().enumerate() {
            if k as u32 != d.option {
                alternatives.push(replay.alternative(seed, d, alt, played, &others)?);
            }
        }
        out.push(Counterfactual {
            inject: inj.id.clone(),
            prompt: decision.prompt.clone(),
            team: s.teams[d.team].id.clone(),
            time: s.start.at(d.tick).clock(),
            tick: d.tick,
            taken: decision
                .options
                .get(d.option as usize)
                .map_or("?".into(), |o| o.label.clone()),
            alternatives,
        });
    }
    Ok(out)
}

/// Another seed's run with the commands as played: its end, and when each decision was taken
/// there (a trigger can fire at another minute).
struct OtherSeed {
    seed: u64,
    end: EndFigures,
    taken: BTreeMap<InjectIx, u64>,
}

/// What every replay of the exercise shares: the plan, the commands as given, the end.
struct Replay<'a> {
    plan: &'a Arc<Plan>,
    commands: &'a [Issued],
    end: u64,
    /// The exercise's own events, which an alternative is told apart from.
    played: &'a [Stamped],
}

impl Replay<'_> {
    /// The runs a spread over `seeds` compares with: the seeds after the exercise's.
    fn other_seeds(&self, seed: u64, seeds: u64) -> Result<Vec<OtherSeed>, String> {
        let others: Vec<u64> = (1..seeds.max(1)).map(|k| seed.wrapping_add(k)).collect();
        over(&others, |s| {
            let events = replay_with(self.plan, s, self.commands, self.end, None)?;
            let picture = OperatingPicture::of(self.plan, &events);
            Ok(OtherSeed {
                seed: s,
                end: EndFigures::of_picture(self.plan, &picture, s, self.end),
                taken: picture
                    .decisions
                    .iter()
                    .map(|d| (d.inject, d.tick))
                    .collect(),
            })
        })
    }

    /// `alt` taken instead of decision `d`, against the run as `played`.
    fn alternative(
        &self,
        seed: u64,
        d: &Decided,
        alt: &DecisionOption,
        played: EndFigures,
        others: &[OtherSeed],
    ) -> Result<Alternative, String> {
        let change = (d.tick, d.team, d.inject, alt.id.as_str());
        let events = alternative_run(self.plan, seed, self.commands, self.end, change)?;
        let other = EndFigures::of(self.plan, seed, self.end, &events);
        let spread = if others.is_empty() {
            None
        } else {
            Some(self.spread(d, alt, other.difference_from(played), others)?)
        };
        let alternative =
            EndFigures::difference((alt.id.clone(), alt.label.clone()), other, played, spread);
        Ok(alternative.explained(self.plan, self.played, &events))
    }

    /// The same change on each other seed, where that seed's decision was taken (a seed it
    /// was never put on counts as no change), beside this seed's `first` difference.
    fn spread(
        &self,
        d: &Decided,
        alt: &DecisionOption,
        first: (f64, f64),
        others: &[OtherSeed],
    ) -> Result<Spread, String> {
        let seeds: Vec<u64> = others.iter().map(|o| o.seed).collect();
        let alts = over(&seeds, |s| {
            let at = others
                .iter()
                .find(|o| o.seed == s)
                .and_then(|o| o.taken.get(&d.inject).copied());
            match at {
                Some(t) => replay_with(
                    self.plan,
                    s,
                    self.commands,
                    self.end,
                    Some((t, d.team, d.inject, &alt.id)),
                )
                .map(|e| Some(EndFigures::of(self.plan, s, self.end, &e))),
                // Never put on that seed: no alternative to take.
                None => Ok(None),
            }
        })?;
        let mut changes = vec![Some(first)];
        for (a, b) in alts.iter().zip(others) {
            changes.push(a.map(|a| a.difference_from(b.end)));
        }
        Ok(Spread::of(&changes))
    }
}

/// The events of the exercise replayed with `option` taken on `inject` at `tick` instead of
/// what was decided (a recorded decision on that inject is left out).
pub fn alternative_run(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    change: (u64, TeamIx, InjectIx, &str),
) -> Result<Vec<Stamped>, String> {
    replay_with(plan, seed, commands, end, Some(change))
}

/// The exercise's commands replayed on `seed` to `end`, with a decision changed if given.
fn replay_with(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    change: Option<(u64, TeamIx, InjectIx, &str)>,
) -> Result<Vec<Stamped>, String> {
    let s = &plan.scenario;
    let changed = change.map(|(_, _, inject, _)| s.msel[inject].id.clone());
    let extra = change.map(|(tick, team, inject, option)| {
        (
            tick,
            Command::Decide {
                team: s.teams[team].id.clone(),
                inject: s.msel[inject].id.clone(),
                option: option.to_string(),
            },
        )
    });
    replay_changed(
        plan,
        seed,
        commands,
        end,
        changed.as_deref(),
        extra.into_iter().collect(),
    )
}

/// The exercise's commands replayed on `seed` to `end`, leaving out the decision on `drop` and
/// adding `extra`.
fn replay_changed(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    drop: Option<&str>,
    extra: Vec<(u64, Command)>,
) -> Result<Vec<Stamped>, String> {
    let mut list: Vec<Issued> = commands
        .iter()
        .filter(|c| {
            c.tick < end
                && !matches!(&c.command, Command::Decide { inject: i, .. } if Some(i.as_str()) == drop)
        })
        .cloned()
        .collect();
    list.extend(extra.into_iter().map(Issued::from));
    list.sort_by_key(|c| c.tick);
    let mut session = crate::exercise::session::Session::new(plan.clone(), seed);
    session.add_from(list);
    session.run_until(end)?;
    Ok(session.sim.events().to_vec())
}

/// Each missed expectation whose action is a command, replayed with it (see [`MissedAction`]).
pub fn missed_actions(
    plan: &Arc<Plan>,
    seed: u64,
    commands: &[Issued],
    end: u64,
    events: &[Stamped],
) -> Result<Vec<MissedAction>, String> {
    let picture = OperatingPicture::of(plan, events);
    let played = EndFigures::of_picture(plan, &picture, seed, end);
    let s = &plan.scenario;
    let mut out = Vec::new();
    for &(expectation, tick) in &picture.missed {
        let x = &s.expectations[expectation.ix()];
        // When the expectation began: its deadline less its window.
        let at = tick.saturating_sub(x.within.0);
        let Some((orders, action)) = missed_orders(plan, &picture, x, at) else {
            continue;
        };
        let extra: Vec<(u64, Command)> = orders.into_iter().map(|c| (at, c)).collect();
        let course = replay_changed(plan, seed, commands, end, None, extra)?;
        let other = EndFigures::of(plan, seed, end, &course);
        let difference =
            EndFigures::difference((x.id.clone(), action.clone()), other, played, None);
        out.push(MissedAction {
            expectation: x.id.clone(),
            team: x.team.clone(),
            action,
            time: s.start.at(at).clock(),
            difference: difference.explained(plan, events, &course),
        });
    }
    Ok(out)
}

/// The commands that would have met a missed expectation at `at`, and the action in words;
/// `None` where what it looked for is no command.
fn missed_orders(
    plan: &Plan,
    picture: &OperatingPicture,
    x: &Expectation,
    at: u64,
) -> Option<(Vec<Command>, String)> {
    let s = &plan.scenario;
    let team = plan.ids.teams.get(&x.team);
    match &x.check {
        Check::IntelShared(tlp) => {
            let share = Command::ShareIntel {
                team: x.team.clone(),
                tlp: *tlp,
                to: Default::default(),
            };
            // Trainees scope only on order: scope the incident they had, then share.
            let incident = picture
                .incidents_opened
                .iter()
                .find(|o| Some(o.team) == team && o.tick <= at)
                .map(|o| o.org);
            let scope = team
                .filter(|t| !plan.teams[*t].auto)
                .and(incident)
                .map(|org| Command::Investigate {
                    team: x.team.clone(),
                    org: s.organisations[org.ix()].id.clone(),
                });
            let what = match scope {
                Some(_) => format!("{} scopes its incident and shares at TLP:{tlp:?}", x.team),
                None => format!("{} shares its findings at TLP:{tlp:?}", x.team),
            };
            Some((scope.into_iter().chain([share]).collect(), what))
        }
        Check::AssistanceRequested => Some((
            vec![Command::RequestAssistance {
                team: x.team.clone(),
            }],
            format!("{} asks the hub for analysts", x.team),
        )),
        _ => None,
    }
}

/// `run` for each seed, on two threads at most (results in seed order, whatever the threads).
fn over<T: Send>(
    seeds: &[u64],
    run: impl Fn(u64) -> Result<T, String> + Sync,
) -> Result<Vec<T>, String> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(seeds.len().max(1));
    let chunk = seeds.len().div_ceil(workers.max(1)).max(1);
    let run = &run;
    std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|s| run(*s)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("a replay panicked".into())])
            })
            .collect()
    })
}

#[cfg(test)]
mod tests;
