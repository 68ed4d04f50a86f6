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
    /// Cost of restoring one encrypted host from a backup that survived (staff, contractors),
    /// USD. Sophos 2024: mean recovery cost US$2.73M excluding ransom with 49% of computers
    /// hit, ~US$2,800 per host hit for an estate of ~2,000 devices (judgement: the scaling);
    /// Sophos 2024, "The impact of compromised backups on ransomware outcomes" (2,974
    /// victims): an overall recovery bill eight times higher where the backups were
    /// compromised. Split eight to one so that at the published 57% of attacks compromising
    /// backups the mean stays ~US$2,800.
    pub restore_per_host_usd: f64,
    /// Cost of rebuilding one encrypted host with no usable backup left (new builds, data
    /// recreated, hardware), USD: eight times a restore (`restore_per_host_usd`).
    pub rebuild_per_host_usd: f64,
    /// Older files' single price for bringing an encrypted host back, USD; when set it stands
    /// for both prices above (`restore_per_host_usd` and `rebuild_per_host_usd`).
    #[serde(
        deserialize_with = "bare_or_optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub recovery_per_host_usd: Option<f64>,
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

/// A number as older files wrote it (`2800.0`), or `Some(2800.0)` / `None` (and `null` in the
/// JSON tree `--set` goes through).
fn bare_or_optional<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Price {
        Bare(f64),
        Optional(Option<f64>),
    }
    Ok(match Price::deserialize(d)? {
        Price::Bare(usd) => Some(usd),
        Price::Optional(usd) => usd,
    })
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
    /// What bringing back `encrypted` hosts costs, `rebuilt` of them with no usable backup, USD.
    pub fn recovery_usd(&self, encrypted: u64, rebuilt: u64) -> f64 {
        let (restore, rebuild) = match self.recovery_per_host_usd {
            Some(usd) => (usd, usd),
            None => (self.restore_per_host_usd, self.rebuild_per_host_usd),
        };
        let rebuilt = rebuilt.min(encrypted);
        (encrypted - rebuilt) as f64 * restore + rebuilt as f64 * rebuild
    }

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
            restore_per_host_usd: 560.0,
            rebuild_per_host_usd: 4480.0,
            recovery_per_host_usd: None,
            breach_usd: 250_000.0,
            restore_hosts_per_day: 25.0,
            interruption_per_host_day_usd: 60.0,
            interruption_weight: default_interruption_weights(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Defaults;

    #[test]
    fn a_rebuild_costs_eight_restores_and_the_mix_keeps_the_published_mean() {
        let d = Defaults::default();
        assert_eq!(d.rebuild_per_host_usd, 8.0 * d.restore_per_host_usd);
        // Sophos: 57% of attacks compromise backups; the mean per host stays ~US$2,800.
        let mean = d.recovery_usd(100, 57) / 100.0;
        assert!((mean - 2800.0).abs() < 50.0, "{mean}");
        assert_eq!(d.recovery_usd(10, 0), 10.0 * d.restore_per_host_usd);
        assert_eq!(d.recovery_usd(10, 10), 10.0 * d.rebuild_per_host_usd);
    }

    #[test]
    fn an_older_file_single_recovery_price_still_loads_and_stands_for_both() {
        for text in [
            "(recovery_per_host_usd: 2800.0)",
            "(recovery_per_host_usd: Some(2800.0))",
        ] {
            let d: Defaults = ron::from_str(text).unwrap();
            assert_eq!(d.recovery_per_host_usd, Some(2800.0), "{text}");
            assert_eq!(d.recovery_usd(10, 4), 28_000.0, "{text}");
        }
        let d: Defaults = ron::from_str("(recovery_per_host_usd: None)").unwrap();
        assert_eq!(d.recovery_per_host_usd, None);
        let d: Defaults = ron::from_str("()").unwrap();
        assert_eq!(d.recovery_per_host_usd, None);
        // The JSON tree `--set` goes through, both ways.
        let json = serde_json::to_value(&d).unwrap();
        let back: Defaults = serde_json::from_value(json).unwrap();
        assert_eq!(back.recovery_per_host_usd, None);
        let d: Defaults = serde_json::from_str(r#"{"recovery_per_host_usd": 1000}"#).unwrap();
        assert_eq!(d.recovery_per_host_usd, Some(1000.0));
    }
}
