//! Response teams, and who watches whom: sector SOCs watch what they monitor, a national CSIRT
//! watches the rest of its island, and a victim's own report reaches the island's CSIRT or, if
//! it has none, its point of contact.

use super::check::Check;
use super::{OrgPlan, TeamPlan};
use crate::scenario::ids::{Ids, IslandIx, TeamIx};
use crate::scenario::{Scenario, TeamKind};

pub(super) fn teams(c: &mut Check, s: &Scenario, ids: &Ids) -> Vec<TeamPlan> {
    let mut teams = Vec::new();
    for t in &s.teams {
        let at = ("teams", t.id.as_str());
        let what = format!("`{}` refers to", t.id);
        let island = t
            .island
            .as_ref()
            .and_then(|i| c.reference(at, &what, &ids.islands, i));
        if t.island.is_none() && t.kind != TeamKind::RegionalHub {
            // A regional hub may name its seat island (for connectivity); others must.
            c.at(
                "teams",
                &t.id,
                Some("island"),
                format!(
                    "team `{}` has no island; only a RegionalHub serves the whole region",
                    t.id
                ),
                Some("add `island: Some(\"LC\")`".into()),
            );
        }
        c.share("teams", &t.id, "skill", t.skill);
        if t.analysts == 0 || t.analysts > 500 {
            c.at(
                "teams",
                &t.id,
                Some("analysts"),
                format!(
                    "team `{}` has {} analysts; give it 1 to 500",
                    t.id, t.analysts
                ),
                None,
            );
        }
        if t.kind == TeamKind::Leadership && !t.monitors.is_empty() {
            c.at(
                "teams",
                &t.id,
                Some("monitors"),
                format!(
                    "team `{}` is a Leadership team: it decides, but watches no network",
                    t.id
                ),
                Some("give these organisations to a SectorSoc's `monitors`, and leave this list empty".into()),
            );
        }
        let what = format!("team `{}` monitors", t.id);
        let monitors = t
            .monitors
            .iter()
            .filter_map(|m| c.reference(at, &what, &ids.orgs, m))
            .collect();
        teams.push(TeamPlan {
            island,
            kind: t.kind,
            analysts: t.analysts,
            skill: t.skill,
            shift: t.shift,
            auto: t.auto,
            investigation: t.investigation,
            monitors,
            feeds: t.feeds.clone(),
        });
    }
    teams
}

/// Sets who watches each organisation; returns each island's contact team (where a victim's
/// report goes). Teams on islands whose CSIRT or point of contact is switched off (an
/// override) stand down.
pub(super) fn assign_watch(
    c: &mut Check,
    s: &Scenario,
    teams: &mut [TeamPlan],
    orgs: &mut [OrgPlan],
) -> Vec<Option<TeamIx>> {
    for (ti, t) in teams.iter().enumerate() {
        for &o in &t.monitors {
            orgs[o].monitored_by.get_or_insert(TeamIx::from(ti));
        }
    }
    let mut island_contact = vec![None; s.islands.len()];
    for (ii, isl) in s.islands.iter().enumerate() {
        let find = |kind: TeamKind| {
            teams
                .iter()
                .position(|t| t.kind == kind && t.island == Some(IslandIx::from(ii)))
                .map(TeamIx::from)
        };
        let csirt = find(TeamKind::NationalCsirt);
        if isl.csirt && csirt.is_none() {
            c.at(
                "islands",
                &isl.id,
                Some("csirt"),
                format!(
                    "island `{}` says it has a national CSIRT, but no team of kind NationalCsirt \
                     serves it",
                    isl.id
                ),
                Some("add the team, or set `csirt: false`".into()),
            );
        }
        if isl.npc && find(TeamKind::Npc).is_none() && !(isl.csirt && csirt.is_some()) {
            c.at(
                "islands",
                &isl.id,
                Some("npc"),
                format!(
                    "island `{}` says it has designated a point of contact, but no team of kind \
                     Npc (or national CSIRT) serves it",
                    isl.id
                ),
                Some("add an Npc team for the island, or set `npc: false`".into()),
            );
        }
        let csirt = csirt.filter(|_| isl.csirt);
        let npc = find(TeamKind::Npc).filter(|_| isl.npc);
        // A CSIRT watches its island's organisations that no sector SOC watches.
        if let Some(team) = csirt {
            for o in orgs
                .iter_mut()
                .filter(|o| o.island == IslandIx::from(ii) && o.monitored_by.is_none())
            {
                o.monitored_by = Some(team);
            }
        }
        island_contact[ii] = csirt.or(npc);
    }
    for (ti, t) in teams.iter_mut().enumerate() {
        let Some(isl) = t.island.and_then(|i| s.islands.get(i.ix())) else {
            continue;
        };
        let off = (t.kind == TeamKind::NationalCsirt && !isl.csirt)
            || (t.kind == TeamKind::Npc && !isl.npc);
        if off {
            for o in orgs
                .iter_mut()
                .filter(|o| o.monitored_by == Some(TeamIx::from(ti)))
            {
                o.monitored_by = None;
            }
            t.monitors.clear();
        }
    }
    island_contact
}
