//! The model's parameters a scenario may override (`defaults: Defaults(...)`): alert rates,
//! work times, recovery and interruption costs, each with the published figure or the
//! judgement behind its default. Part of the file format (see `format.rs`).

use serde::{Deserialize, Serialize};

use super::format::Sector;
use crate::time::Span;

/// Scenario-wide model parameters. The defaults come from ../shared/facts/calibration.md; each says
/// which figure it came from.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaults {
    /// False alerts per sensor-covered watched host per day. A mid-size SOC sees ~840 alerts a
    /// day over a few thousand hosts (0.05-0.3 per host-day, SIRP 2020), about half of them
    /// false (IDC 2021: 45-53%): 0.025-0.15 false per host-day. 0.04 puts the false share of
    /// alerts at the flagship's attacked organisations in the published range.
    pub false_alerts_per_host_day: f64,
    /// Minutes an analyst of skill 0.5 spends triaging one alert (78% of analysts need > 10 min).
    pub triage: Span,
    /// Median time for a small victim organisation (25 hosts or fewer) to phone its island's
    /// national team about a ransom note or a flood; a larger one calls sooner in proportion,
    /// day or night (`SMALL_ORGANISATION_HOSTS` in judgement.rs). Judgement: a working half-day.
    pub victim_report_delay: Span,
    /// Minutes an analyst needs to scope an incident (judgement).
    pub investigate: Span,
    /// Analyst minutes to isolate one host (judgement).
    pub isolate_per_host: Span,
    /// Analyst minutes to clean one host once isolated (judgement).
    pub eradicate_per_host: Span,
    /// Elapsed time to restore a host from offline backups (Sophos 2024: 35% recover within a week).
    pub restore_offline: Span,
    /// Elapsed time to rebuild a host with no usable backup (Sophos 2024: 34% take over a month).
    pub rebuild: Span,
    /// Chance that online backups were encrypted too (Sophos: 57% of attacks compromise backups).
    pub online_backups_lost: f64,
    /// Analyst time to patch an organisation's exposed systems on a trainee's order (judgement).
    pub patch: Span,
    /// Analyst time to block a campaign's known infrastructure (judgement).
    pub block: Span,
    /// Analyst time to lead the reset of an organisation's credentials: every privileged
    /// account, the domain's Kerberos key twice, users' passwords forced at next sign-in, with
    /// its IT doing the legwork (judgement: an afternoon). Its users lose half a working day
    /// (`RESET_LOCKOUT_MINUTES` in judgement.rs).
    pub reset_credentials: Span,
    /// Chance (0..1) that an organisation's own IT, where no team watches its sensors, looks
    /// into an alert they raise and recognises an intrusion (judgement: a small IT shop with an
    /// EDR console it checks now and then; Mandiant M-Trends 2024 has 46% of intrusions found
    /// internally, most of them by organisations with a SOC).
    pub own_it_notices: f64,
    /// How long its report takes to reach the island's CSIRT or point of contact, counted from
    /// the next office hour (judgement: a phone call after asking the manager).
    pub own_it_report: Span,
    /// Cost of bringing one encrypted host back (staff, contractors, hardware), USD. Sophos 2024:
    /// mean recovery cost US$2.73M excluding ransom with 49% of computers hit; for an estate of
    /// ~2,000 devices that is ~US$2,800 per host hit (judgement: the scaling).
    pub recovery_per_host_usd: f64,
    /// Cost of a data breach to an organisation whose data was taken (notification, legal,
    /// lost business), USD. IBM 2024: global mean US$4.88M, mostly large organisations; a
    /// small-island ministry or business holds a few per cent of those records (judgement:
    /// US$250,000).
    pub breach_usd: f64,
    /// Encrypted hosts an organisation's IT restores or rebuilds per day once backups or builds
    /// are ready (judgement: three or four technicians, with the provider's or a contractor's
    /// help, reimaging and checking six to eight machines each a day). A ministry with 150
    /// machines encrypted needs six days for this alone. With `RESTORE_SPREAD` it puts the
    /// flagship's victims near Sophos 2024: 35% back within a week, 34% over a month.
    pub restore_hosts_per_day: f64,
    /// Business interruption per encrypted host per day it is down, USD, before the sector's
    /// weight: the output of the person who uses it (judgement: ECCU output per worker is about
    /// US$25,000 a year, ~US$70 a calendar day; working by hand saves a little of it). IBM
    /// 2024 names lost business as the largest part of a breach's cost.
    pub interruption_per_host_day_usd: f64,
    /// How much more a host-day down costs in a sector than in government (a missing sector
    /// weighs 1). Judgement, except energy and water: Sophos 2024 has their recovery at four
    /// times the cross-sector median.
    pub interruption_weight: std::collections::BTreeMap<Sector, f64>,
}

/// The default sector weights of business interruption.
pub fn default_interruption_weights() -> std::collections::BTreeMap<Sector, f64> {
    use Sector::*;
    [
        (Government, 1.0),
        (Education, 1.0),
        // An electoral body costs what a ministry does; its harm is to trust, not output.
        (Elections, 1.0),
        (Health, 2.0),
        (ItServices, 2.0),
        (Tourism, 3.0),
        (Port, 3.0),
        (Telecom, 3.0),
        (Finance, 4.0),
        (Energy, 4.0),
        (Water, 4.0),
    ]
    .into_iter()
    .collect()
}

impl Defaults {
    /// Business interruption per host-day down for an organisation of `sector`, USD.
    pub fn interruption_rate(&self, sector: Sector) -> f64 {
        self.interruption_per_host_day_usd * self.interruption_weight.get(&sector).unwrap_or(&1.0)
    }
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            false_alerts_per_host_day: 0.04,
            triage: Span(15),
            victim_report_delay: Span(4 * 60),
            investigate: Span(90),
            isolate_per_host: Span(10),
            eradicate_per_host: Span(30),
            restore_offline: Span(3 * 24 * 60),
            rebuild: Span(12 * 24 * 60),
            online_backups_lost: 0.57,
            patch: Span(4 * 60),
            block: Span(30),
            reset_credentials: Span(3 * 60),
            own_it_notices: 0.3,
            own_it_report: Span(2 * 60),
            recovery_per_host_usd: 2800.0,
            breach_usd: 250_000.0,
            restore_hosts_per_day: 25.0,
            interruption_per_host_day_usd: 60.0,
            interruption_weight: default_interruption_weights(),
        }
    }
}
