//! The scenario-wide numbers: the model's defaults, the sharing policy, mutual assistance and the
//! technique catalog. Each is checked for range, finiteness and unit, so the engine never meets
//! a negative chance, an infinite rate or an analyst task that takes no time.

use super::check::Check;
use crate::scenario::{Catalog, Diagnostic, Scenario};
use crate::time::Span;

/// False alerts per monitored host per day, at most. Published loads are 0.025 to 0.15 (the
/// defaults cite them); above one a day per host the queue is pure noise and a large region's
/// run would spend its time and memory on it.
pub const MAX_FALSE_ALERTS_PER_HOST_DAY: f64 = 1.0;

/// Initial-access or spread attempts a technique may make, at most: the catalog's largest is 30.
pub const MAX_TECHNIQUE_ATTEMPTS: u32 = 1000;

/// Analysts the hub may send per request, at most (a team has at most 500).
pub const MAX_LOANED_ANALYSTS: u32 = 500;

pub(super) fn check_policy(c: &mut Check, s: &Scenario) {
    let d = &s.defaults;
    let rate = d.false_alerts_per_host_day;
    if !(0.0..=MAX_FALSE_ALERTS_PER_HOST_DAY).contains(&rate) {
        c.at(
            "defaults",
            "",
            Some("false_alerts_per_host_day"),
            format!(
                "`defaults.false_alerts_per_host_day` is {rate}; it is a rate from 0 to \
                 {MAX_FALSE_ALERTS_PER_HOST_DAY} per monitored host per day"
            ),
            Some("published figures are 0.025 to 0.15; the default is 0.04".into()),
        );
    }
    c.share("defaults", "", "online_backups_lost", d.online_backups_lost);
    c.share("defaults", "", "own_it_notices", d.own_it_notices);
    c.not_negative(
        "defaults",
        "",
        "restore_per_host_usd",
        d.restore_per_host_usd,
    );
    c.not_negative(
        "defaults",
        "",
        "rebuild_per_host_usd",
        d.rebuild_per_host_usd,
    );
    if let Some(usd) = d.recovery_per_host_usd {
        c.not_negative("defaults", "", "recovery_per_host_usd", usd);
    }
    c.not_negative("defaults", "", "breach_usd", d.breach_usd);
    c.not_negative(
        "defaults",
        "",
        "interruption_per_host_day_usd",
        d.interruption_per_host_day_usd,
    );
    for (sector, w) in &d.interruption_weight {
        let field = format!("interruption_weight.{sector:?}");
        c.not_negative("defaults", "", &field, *w);
    }
    if !(d.restore_hosts_per_day.is_finite() && d.restore_hosts_per_day > 0.0) {
        c.at(
            "defaults",
            "",
            Some("restore_hosts_per_day"),
            format!(
                "`defaults.restore_hosts_per_day` is {}; an organisation's IT restores some \
                 hosts a day",
                d.restore_hosts_per_day
            ),
            Some("the default is 25 (three or four technicians)".into()),
        );
    }
    // Analyst work and recovery take time: a zero would make them free and instant.
    for (field, span) in [
        ("triage", d.triage),
        ("investigate", d.investigate),
        ("isolate_per_host", d.isolate_per_host),
        ("eradicate_per_host", d.eradicate_per_host),
        ("patch", d.patch),
        ("block", d.block),
        ("restore_offline", d.restore_offline),
        ("rebuild", d.rebuild),
    ] {
        positive_span(c, "defaults", field, span);
    }
    let ip = &s.intel;
    positive_span(c, "intel", "hub_processing", ip.hub_processing);
    positive_span(c, "intel", "apply", ip.apply);
    let a = &s.assistance;
    positive_span(c, "assistance", "stay", a.stay);
    positive_span(c, "assistance", "backlog", a.backlog);
    if a.analysts > MAX_LOANED_ANALYSTS {
        c.at(
            "assistance",
            "",
            Some("analysts"),
            format!(
                "`assistance.analysts` is {}; the hub can send at most {MAX_LOANED_ANALYSTS}",
                a.analysts
            ),
            None,
        );
    }
}

fn positive_span(c: &mut Check, list: &str, field: &str, span: Span) {
    if span.0 == 0 {
        c.at(
            list,
            "",
            Some(field),
            format!("`{list}.{field}` is zero; it is work or waiting that takes time"),
            Some("write at least `1m`".into()),
        );
    }
}

/// The catalog's chances are shares, its counts bounded, its durations real.
pub(super) fn check_catalog(c: &mut Check, s: &Scenario, catalog: &Catalog) {
    for (k, t) in catalog.techniques.iter().enumerate() {
        let shares = [t.success, t.detectability, t.patch_sensitivity, t.reach];
        let problem = if !shares.iter().all(|v| (0.0..=1.0).contains(v)) {
            Some("success, detectability, patch_sensitivity and reach are shares between 0 and 1")
        } else if t.attempts > MAX_TECHNIQUE_ATTEMPTS {
            Some("attempts is more than 1000")
        } else if t.duration.0 == 0 {
            Some("duration is zero")
        } else {
            None
        };
        if let Some(problem) = problem {
            c.found.push(Diagnostic {
                file: s.catalog.clone(),
                line: 1,
                col: 1,
                message: format!("technique #{k} `{}`: {problem}", t.id),
                help: None,
            });
        }
    }
}
