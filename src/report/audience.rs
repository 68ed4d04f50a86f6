//! A team's view of an exercise's events: the events it may see (the fog of war decides,
//! `fold::fog`), with the facilitator-only fields (whether an alert was a true positive) left
//! out. What `run --events --team` writes.

use serde_json::Value;

use super::fold::fog::Fog;
use crate::scenario::Plan;
use crate::scenario::ids::TeamIx;
use crate::sim::events::Stamped;

/// Fields of a team-visible event that only the facilitator may read: whether an alert was
/// true, whose infrastructure the indicators a team blocked were.
pub const FACILITATOR_FIELDS: &[&str] = &["true_positive", "campaigns"];

/// The events `team` may see, in log order.
pub fn visible_to<'a>(plan: &Plan, team: TeamIx, events: &'a [Stamped]) -> Vec<&'a Stamped> {
    let mut fog = Fog::default();
    events
        .iter()
        .filter(|e| fog.audience(plan, &e.event).includes(team))
        .collect()
}

/// An event as a team's JSON line: the facilitator-only fields removed.
pub fn redact(mut json: Value) -> Value {
    if let Value::Object(map) = &mut json {
        for f in FACILITATOR_FIELDS {
            map.remove(*f);
        }
    }
    json
}

/// The event log as JSON lines (`run --events`): every event for the facilitator, or only
/// what `team` may see, with the facilitator-only fields removed.
pub fn write_events(
    plan: &Plan,
    events: &[Stamped],
    team: Option<TeamIx>,
    out: impl std::io::Write,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut w = std::io::BufWriter::new(out);
    let shown: Vec<&Stamped> = match team {
        Some(t) => visible_to(plan, t, events),
        None => events.iter().collect(),
    };
    for e in shown {
        let line = super::narrate::to_json(plan, e);
        let line = if team.is_some() { redact(line) } else { line };
        serde_json::to_writer(&mut w, &line)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_never_reads_whether_its_alert_was_true() {
        let json =
            serde_json::json!({"kind": "AlertRaised", "team": "csirt", "true_positive": true});
        assert_eq!(
            redact(json),
            serde_json::json!({"kind": "AlertRaised", "team": "csirt"})
        );
    }
}
