//! Findings: what a team's analysts say they found in an organisation's records. The model acts
//! on the submission, never on the truth behind it: the hosts named become the team's scope
//! (what `IsolateHosts` cuts off, so a host it missed stays the intruder's and a wrong one is
//! cut off for nothing), a credential-access technique puts the organisation's reset between
//! it and containment, and indicators that are a campaign's block that campaign at its
//! island. Where a technical exercise's investigation delivers a collection instead of the
//! answer (`Investigation::Collection`), this is the only way the team's incidents learn
//! anything.

use crate::scenario::ids::CampaignIx;
use crate::scenario::indicators::campaign_indicators;
use crate::scenario::{Findings, Tactic};

use super::super::events::{DetectedBy, SimEvent};
use super::super::incidents::check_contained;
use super::super::tasks::Task;
use super::super::{Region, Tick};
use super::Casework;

/// The submission applied: the hosts filed on the team's open incident at the organisation
/// (one is opened if it has none), scoped at once; the blocks its indicators call for go on the
/// list.
pub(super) fn apply(tick: &Tick, s: &Findings, case: &mut Casework) -> Vec<Task> {
    let (now, region) = (tick.now(), &*tick.region);
    block(now, region, s, case);
    let credentials =
        (s.techniques.iter()).any(|t| region.techniques[*t].tactic == Tactic::CredentialAccess);
    let open = (case.incidents.on_org(s.org)).find(|k| {
        case.incidents.0[*k as usize].team == s.team && !case.incidents.0[*k as usize].closed
    });
    let id = match open {
        Some(id) => id,
        None if s.hosts.is_empty() => return vec![],
        None => {
            let Some(campaign) = filed_under(region, s, case) else {
                return vec![];
            };
            let by = DetectedBy::Findings;
            (case.incidents).open(&mut case.log, now, s.team, s.org, campaign, by)
        }
    };
    let mut inc = case.incidents.edit(id);
    let before = inc.held.len();
    for &h in &s.hosts {
        inc.known.insert(h);
        if !case.hosts.get(h).isolated {
            inc.held.insert(h);
        }
    }
    let wider = inc.held.len() > before;
    if credentials && !inc.credentials_found {
        inc.credentials_found = true;
        case.log
            .push(now, SimEvent::CredentialsStolen { incident: id });
    }
    drop(inc);
    if wider {
        case.incidents.reopen(id, now, &mut case.log);
    }
    let mut inc = case.incidents.edit(id);
    inc.scoped = true;
    inc.looking = false;
    let event = SimEvent::IncidentScoped {
        incident: id,
        hosts: inc.held.len() as u32,
    };
    case.log.push(now, event);
    // A team the model plays acts on findings given for it as on its own investigation's.
    let tasks = match region.teams[s.team].auto {
        true => super::act_on_scope(&mut inc, id),
        false => vec![],
    };
    check_contained(&mut inc, id, now, &mut case.log);
    tasks
}

/// The submitted indicators pushed to the team's island's perimeter (a team with no island has
/// none to block at): each campaign one of them belongs to is blocked there; one that is
/// nobody's blocks nothing. One event whatever they matched, so the team learns nothing of
/// whose they were.
fn block(now: u64, region: &Region, s: &Findings, case: &mut Casework) {
    let Some(island) = region.teams[s.team]
        .island
        .filter(|_| !s.indicators.is_empty())
    else {
        return;
    };
    let campaigns = (0..region.campaigns.len())
        .map(CampaignIx::from)
        .filter(|c| {
            let known = campaign_indicators(region, *c);
            (s.indicators.iter()).any(|i| known.contains(i))
        })
        .collect();
    let event = SimEvent::IndicatorsBlocked {
        team: s.team,
        island,
        indicators: s.indicators.len() as u32,
        campaigns,
    };
    case.log.push(now, event);
}

/// The campaign a new incident is filed under: the crew holding the first host named, else the
/// first campaign aimed at the organisation, else the scenario's first. Only the model's
/// bookkeeping reads it (a team's view of its incidents shows no campaign), so the choice tells
/// the team nothing. `None` in a scenario without campaigns: there is nothing to scope.
fn filed_under(region: &Region, s: &Findings, case: &Casework) -> Option<CampaignIx> {
    let holder = (s.hosts.iter()).find_map(|h| case.hosts.get(*h).held_by);
    let aimed = (0..region.campaigns.len())
        .map(CampaignIx::from)
        .find(|c| region.campaigns[*c].targets.contains(&s.org));
    let first = (!region.campaigns.is_empty()).then_some(CampaignIx(0));
    holder.or(aimed).or(first)
}
