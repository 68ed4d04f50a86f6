//! Threat actors and their campaigns: who, against which organisations, through which stages.

use super::check::Check;
use super::{CampaignPlan, StagePlan};
use crate::scenario::ids::{Ids, OrgIx};
use crate::scenario::{Campaign, Catalog, Effect, Scenario, Target};
use crate::time::MINUTES_PER_DAY;

pub(super) fn campaigns(
    c: &mut Check,
    s: &Scenario,
    ids: &Ids,
    catalog: &Catalog,
) -> Vec<CampaignPlan> {
    for a in &s.actors {
        c.share("actors", &a.id, "skill", a.skill);
    }
    s.campaigns
        .iter()
        .map(|cp| {
            let what = format!("campaign `{}` is run by", cp.id);
            let actor = c.reference(("campaigns", &cp.id), &what, &ids.actors, &cp.actor);
            let start_tick = start(c, s, cp);
            CampaignPlan {
                actor: actor.unwrap_or_default(),
                actor_skill: actor.map_or(0.5, |a| s.actors[a].skill),
                start_tick,
                targets: targets(c, s, ids, cp),
                stages: stages(c, ids, catalog, cp),
            }
        })
        .collect()
}

fn start(c: &mut Check, s: &Scenario, cp: &Campaign) -> u64 {
    let tick = match cp.start.to_tick(s.start.minute_of_day) {
        Some(t) => t,
        None => {
            c.at(
                "campaigns",
                &cp.id,
                Some("start"),
                format!(
                    "campaign `{}` starts at {}, before the exercise starts ({})",
                    cp.id, cp.start, s.start
                ),
                Some("use a later time, or an offset like `2h`".into()),
            );
            0
        }
    };
    if tick > 365 * MINUTES_PER_DAY {
        c.at(
            "campaigns",
            &cp.id,
            Some("start"),
            format!(
                "campaign `{}` starts more than a year into the exercise",
                cp.id
            ),
            None,
        );
    }
    tick
}

/// The organisations a campaign's selectors pick, sorted and without repeats.
fn targets(c: &mut Check, s: &Scenario, ids: &Ids, cp: &Campaign) -> Vec<OrgIx> {
    let at = ("campaigns", cp.id.as_str());
    let what = format!("campaign `{}` targets", cp.id);
    let mut targets = Vec::new();
    for t in &cp.targets {
        let before = targets.len();
        match t {
            Target::Organisation(o) => targets.extend(c.reference(at, &what, &ids.orgs, o)),
            Target::Island(i) | Target::IslandSector(i, _) if !ids.islands.contains(i) => {
                c.reference(at, &what, &ids.islands, i);
            }
            _ => {
                for (oi, o) in s.organisations.iter().enumerate() {
                    let hit = match t {
                        Target::Island(i) => &o.island == i,
                        Target::Sector(sec) => o.sector == *sec,
                        Target::IslandSector(i, sec) => &o.island == i && o.sector == *sec,
                        Target::Organisation(_) => false,
                    };
                    if hit {
                        targets.push(OrgIx::from(oi));
                    }
                }
                if targets.len() == before {
                    c.at(
                        "campaigns",
                        &cp.id,
                        Some("targets"),
                        format!("campaign `{}`: target {t:?} matches no organisation", cp.id),
                        None,
                    );
                }
            }
        }
    }
    targets.sort_unstable();
    targets.dedup();
    if cp.targets.is_empty() {
        c.at(
            "campaigns",
            &cp.id,
            Some("targets"),
            format!("campaign `{}` has no targets", cp.id),
            Some("add e.g. `Sector(Government)`".into()),
        );
    }
    targets
}

/// Stages in order: the first gains initial access, later ones cannot (valid accounts aside).
fn stages(c: &mut Check, ids: &Ids, catalog: &Catalog, cp: &Campaign) -> Vec<StagePlan> {
    let mut stages = Vec::new();
    for (k, st) in cp.stages.iter().enumerate() {
        let Some(t) = ids.techniques.get(&st.technique) else {
            c.at_value(
                "campaigns",
                &cp.id,
                &st.technique,
                format!(
                    "campaign `{}` uses technique `{}`, which is not in the catalog",
                    cp.id, st.technique
                ),
                Some(ids.techniques.resolve(&st.technique).unwrap_err().help()),
            );
            continue;
        };
        let tech = &catalog.techniques[t];
        if k == 0 && !tech.effect.is_initial_access() {
            c.at(
                "campaigns",
                &cp.id,
                Some("stages"),
                format!(
                    "campaign `{}` opens with {} ({}), which is not an initial-access technique",
                    cp.id, tech.id, tech.name
                ),
                Some(
                    "start with phishing, an exploit of a public-facing application, valid \
                     accounts or a DDoS"
                        .into(),
                ),
            );
        }
        if k > 0 && tech.effect.is_initial_access() && tech.effect != Effect::ValidAccounts {
            c.at(
                "campaigns",
                &cp.id,
                Some("stages"),
                format!(
                    "campaign `{}`: {} ({}) can only be the first stage",
                    cp.id, tech.id, tech.name
                ),
                None,
            );
        }
        let duration = st.duration.unwrap_or(tech.duration);
        if duration.0 == 0 {
            c.at(
                "campaigns",
                &cp.id,
                Some("duration"),
                format!(
                    "campaign `{}`: stage {} has zero duration",
                    cp.id, st.technique
                ),
                None,
            );
        }
        stages.push(StagePlan {
            technique: t,
            duration,
        });
    }
    if cp.stages.is_empty() {
        c.at(
            "campaigns",
            &cp.id,
            Some("stages"),
            format!("campaign `{}` has no stages", cp.id),
            None,
        );
    }
    stages
}
