//! The model's figures beside the published ones (`tidewatch calibrate`): who finds ransomware
//! and when, how fast attackers move, how noisy the alerts are, how often backups go too, and
//! what the money is made of. Each run's samples are a fold of its events (`fold::samples`);
//! the rows say where the reference figure comes from (`../shared/facts/calibration.md`).

use serde::Serialize;

pub use super::fold::samples::{LOSS_KINDS, Samples, samples};

/// One row: the model's figure over the runs, the published one, and where it comes from.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Row {
    pub figure: &'static str,
    pub model: String,
    /// How many cases the model's figure stands on.
    pub cases: usize,
    pub published: &'static str,
    pub source: &'static str,
    /// The figure as a program checks it (`calibrate --json`).
    #[serde(flatten)]
    pub check: Check,
    /// Why the figure sits outside its range, where the scenario itself says so (campaigns
    /// whose stages it shortens, a run shorter than the figure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained: Option<String>,
}

/// A row's figure as a number beside the published range: `inside` is whether the model's
/// value falls in it (`None` where there is no value, or no published range to hold it to).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Check {
    pub id: &'static str,
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// `share` (0..1), `minutes`, `hours`, `days` or `usd`.
    pub unit: &'static str,
    pub inside: Option<bool>,
}

impl Check {
    /// A figure held to a published range, ends included.
    fn within(
        id: &'static str,
        value: Option<f64>,
        (low, high): (f64, f64),
        unit: &'static str,
    ) -> Self {
        Check {
            id,
            value,
            low: Some(low),
            high: Some(high),
            unit,
            inside: value.map(|v| (low..=high).contains(&v)),
        }
    }

    /// A figure with no published range it can be held to (another scale, or no figure).
    fn unbounded(id: &'static str, value: Option<f64>, unit: &'static str) -> Self {
        Check {
            id,
            value,
            low: None,
            high: None,
            unit,
            inside: None,
        }
    }
}

fn ratio(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).copied()
}

fn share(part: u32, whole: u32) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.0}%", 100.0 * part as f64 / whole as f64)
    }
}

/// Figures of how fast intruders move, which a scenario's own shape can put under the
/// published pace: campaigns whose stages it shortens (the first two), and a run shorter than
/// the published figure itself, which sees only what happens within it (all three).
const SHORTENED: [&str; 2] = [
    "foothold_to_exfiltration_hours_median",
    "foothold_to_encryption_hours_median",
];
/// The organisations ransomware can reach that nobody watches around the clock, in words, if
/// any.
fn thin_watch(reach: &crate::scenario::RansomwareReach) -> Option<String> {
    let mut parts = Vec::new();
    if reach.unwatched > 0 {
        parts.push(format!("{} watched by no team", reach.unwatched));
    }
    if reach.office_hours > 0 {
        parts.push(format!("{} in office hours only", reach.office_hours));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "of the {} organisations the scenario's ransomware can reach, {}",
            reach.orgs,
            parts.join(" and ")
        )
    })
}

/// Figures of how often ransomware is caught in time, which published surveys take from
/// organisations with a watch of their own: a scenario whose victims have none, or one only in
/// office hours, sits under them.
const WATCHED: [&str; 2] = ["found_before_encryption", "stopped_before_encryption"];
const CENSORED: [&str; 3] = [
    "foothold_to_exfiltration_hours_median",
    "foothold_to_encryption_hours_median",
    "dwell_days_median",
];

/// What in a scenario's own shape moves the pace figures off the published ones.
#[derive(Clone, Debug, Default)]
pub struct ScenarioShape<'a> {
    /// Campaigns whose stages it shortens, with the share of the catalog's times they keep
    /// (`Plan::compressed_campaigns`).
    pub compressed: Vec<(&'a str, f64)>,
    /// Campaigns that pass through other stages after getting in and before their first
    /// lateral movement, with those stages' minutes (`Plan::before_lateral`).
    pub before_lateral: Vec<(&'a str, u64)>,
    /// How long each run is.
    pub minutes: u64,
    /// The organisations ransomware can reach, by watch and backups (`Plan::ransomware_reach`).
    pub reach: crate::scenario::RansomwareReach,
}

/// Says, in each figure off its published range, what in the scenario puts it there: under
/// it, the campaigns it compresses and by how much, a run shorter than the range's low end,
/// and for catching ransomware in time, the organisations it reaches that nobody watches
/// around the clock; breakout over it, the campaigns' stages before their first lateral movement, when
/// those alone take longer than the published range allows.
pub fn explain_scenario(rows: &mut [Row], shape: &ScenarioShape) {
    let ScenarioShape {
        compressed,
        before_lateral,
        minutes,
        reach,
    } = shape;
    let (compressed, minutes) = (compressed.as_slice(), *minutes);
    for r in rows.iter_mut() {
        let c = &r.check;
        let over = c.value.zip(c.high).is_some_and(|(v, high)| v > high);
        if c.id != "breakout_minutes_mean" || !over {
            continue;
        }
        let high = c.high.unwrap_or(f64::INFINITY);
        let slow: Vec<String> = (before_lateral.iter())
            .filter(|(_, m)| *m as f64 > high)
            .map(|(id, m)| format!("{id} {}", crate::time::Span(*m)))
            .collect();
        if !slow.is_empty() {
            r.explained = Some(format!(
                "the scenario's crews pass through other stages before moving laterally: {}",
                slow.join(", ")
            ));
        }
    }
    let squeezed = compressed
        .iter()
        .map(|(id, f)| format!("{id} at {:.0}% of the catalog's stage times", 100.0 * f))
        .collect::<Vec<_>>()
        .join(", ");
    for r in rows {
        let c = &r.check;
        let Some(low) = c
            .value
            .zip(c.low)
            .filter(|(v, low)| v < low)
            .map(|(_, low)| low)
        else {
            continue;
        };
        let mut why = Vec::new();
        if SHORTENED.contains(&c.id) && !compressed.is_empty() {
            why.push(format!("the scenario compresses {squeezed}"));
        }
        let low_minutes = match c.unit {
            "hours" => low * 60.0,
            "days" => low * 24.0 * 60.0,
            _ => f64::INFINITY,
        };
        if let Some(thin) = (WATCHED.contains(&c.id))
            .then(|| thin_watch(reach))
            .flatten()
        {
            why.push(thin);
        }
        if c.id == "ransom_paid_share" && reach.offline_only > 0 {
            why.push(format!(
                "{} of the {} organisations the scenario's ransomware can reach {} only \
                 offline backups, which a crew cannot take (their victims pay less often)",
                reach.offline_only,
                reach.orgs,
                if reach.offline_only == 1 {
                    "keeps"
                } else {
                    "keep"
                }
            ));
        }
        if CENSORED.contains(&c.id) && (minutes as f64) < low_minutes {
            why.push(format!(
                "a run of {} sees only what happens within it",
                crate::time::Span(minutes)
            ));
        }
        if !why.is_empty() {
            r.explained = Some(why.join("; "));
        }
    }
}

/// The rows over every run's samples.
pub fn rows(runs: &[Samples]) -> Vec<Row> {
    let mut rows = Vec::from(victims(runs));
    rows.extend(speed(runs));
    rows.extend(defenders(runs));
    rows.extend(recovery_and_cost(runs));
    rows.extend(ransomware_outcomes(runs));
    rows
}

/// A count summed over the runs.
fn sum(runs: &[Samples], f: fn(&Samples) -> u32) -> u32 {
    runs.iter().map(f).sum()
}

/// A sample pooled over the runs.
fn all(runs: &[Samples], f: fn(&Samples) -> &Vec<f64>) -> Vec<f64> {
    runs.iter().flat_map(f).copied().collect()
}

fn median(v: &[f64], unit: &str) -> String {
    percentile(v, 0.5).map_or("-".into(), |m| format!("{m:.1} {unit} median"))
}

fn mean_minutes(v: &[f64]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        format!("{:.0} min mean", v.iter().sum::<f64>() / v.len() as f64)
    }
}

/// Who found the ransomware victims: a team before the encryption, or the note.
fn victims(runs: &[Samples]) -> [Row; 2] {
    let orgs = sum(runs, |s| s.encrypted_orgs);
    [
        Row {
            figure: "ransomware found by a team before encryption",
            model: share(sum(runs, |s| s.found_before), orgs),
            cases: orgs as usize,
            published: "43-52% found internally",
            source: "Mandiant M-Trends 2024-2025 (S)",
            check: Check::within(
                "found_before_encryption",
                ratio(sum(runs, |s| s.found_before), orgs),
                (0.43, 0.52),
                "share",
            ),
            explained: None,
        },
        Row {
            figure: "victims first told by the ransom note",
            model: share(sum(runs, |s| s.told_by_note), orgs),
            cases: orgs as usize,
            published: "~53%",
            source: "Mandiant M-Trends 2024 (S)",
            check: Check::within(
                "told_by_ransom_note",
                ratio(sum(runs, |s| s.told_by_note), orgs),
                (0.48, 0.58),
                "share",
            ),
            explained: None,
        },
    ]
}

/// How fast intrusions move: to the first lateral move, to exfiltration, to encryption.
fn speed(runs: &[Samples]) -> [Row; 3] {
    let breakout = all(runs, |s| &s.breakout);
    let exfil = all(runs, |s| &s.to_exfiltration);
    let encrypt = all(runs, |s| &s.to_encryption);
    let fast = encrypt.iter().filter(|h| **h < 5.0).count() as u32;
    [
        Row {
            figure: "foothold to first lateral move",
            model: format!("{}, {}", mean_minutes(&breakout), median(&breakout, "min"))
                .replace(".0 min median", " min median"),
            cases: breakout.len(),
            published: "48 min average (2024)",
            source: "CrowdStrike Global Threat Report (S)",
            check: Check::within(
                "breakout_minutes_mean",
                mean(&breakout),
                (29.0, 62.0),
                "minutes",
            ),
            explained: None,
        },
        Row {
            figure: "foothold to exfiltration",
            model: median(&exfil, "h"),
            cases: exfil.len(),
            published: "~73 h median",
            source: "Sophos Active Adversary 2025 (S)",
            check: Check::within(
                "foothold_to_exfiltration_hours_median",
                percentile(&exfil, 0.5),
                (48.0, 96.0),
                "hours",
            ),
            explained: None,
        },
        Row {
            figure: "foothold to encryption",
            model: format!(
                "{}, {} under 5 h",
                median(&encrypt, "h"),
                share(fast, encrypt.len() as u32)
            ),
            cases: encrypt.len(),
            published: "median < 24 h, 10% under 5 h",
            source: "Secureworks 2023 (S)",
            check: Check::within(
                "foothold_to_encryption_hours_median",
                percentile(&encrypt, 0.5),
                (0.0, 24.0),
                "hours",
            ),
            explained: None,
        },
    ]
}

/// What the defenders face: false alerts, backups that go too, how long intruders stay.
fn defenders(runs: &[Samples]) -> [Row; 3] {
    let dwell = all(runs, |s| &s.dwell);
    [
        Row {
            figure: "false share of alerts, attacked orgs",
            model: share(
                sum(runs, |s| s.false_attacked),
                sum(runs, |s| s.alerts_attacked),
            ),
            cases: sum(runs, |s| s.alerts_attacked) as usize,
            published: "45-53%",
            source: "IDC 2021 (S)",
            check: Check::within(
                "false_share_of_alerts",
                ratio(
                    sum(runs, |s| s.false_attacked),
                    sum(runs, |s| s.alerts_attacked),
                ),
                (0.45, 0.65),
                "share",
            ),
            explained: None,
        },
        Row {
            figure: "online backups encrypted too",
            model: share(
                sum(runs, |s| s.backups_lost),
                sum(runs, |s| s.online_backup_hits),
            ),
            cases: sum(runs, |s| s.online_backup_hits) as usize,
            published: "57% of attacks",
            source: "Sophos State of Ransomware (S)",
            check: Check::within(
                "online_backups_lost_share",
                ratio(
                    sum(runs, |s| s.backups_lost),
                    sum(runs, |s| s.online_backup_hits),
                ),
                (0.50, 0.65),
                "share",
            ),
            explained: None,
        },
        Row {
            figure: "dwell: foothold to found (any intrusion)",
            model: median(&dwell, "d"),
            cases: dwell.len(),
            published: "ransomware 4-6 d, all 7-14 d median",
            source: "Mandiant M-Trends; Sophos Active Adversary 2025 (S)",
            check: Check::within(
                "dwell_days_median",
                percentile(&dwell, 0.5),
                (4.0, 6.0),
                "days",
            ),
            explained: None,
        },
    ]
}

/// How ransomware attacks end: stopped once known, how much of a victim it takes, who pays.
fn ransomware_outcomes(runs: &[Samples]) -> [Row; 4] {
    let (known, stopped) = (
        sum(runs, |s| s.known_attacks),
        sum(runs, |s| s.stopped_known),
    );
    let shares = all(runs, |s| &s.encrypted_share);
    let mean = (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64);
    let p = |q: f64| percentile(&shares, q);
    let spread = p(0.9).zip(p(0.1)).map(|(hi, lo)| hi - lo);
    let victims = sum(runs, |s| s.model_victims);
    let paid = sum(runs, |s| s.ransom_paid);
    [
        Row {
            figure: "ransomware known and stopped before encryption",
            model: share(stopped, known),
            cases: known as usize,
            published: "44% (2025), ~30% (2024)",
            source: "Sophos State of Ransomware 2024-2025 (S)",
            check: Check::within(
                "stopped_before_encryption",
                ratio(stopped, known),
                (0.30, 0.44),
                "share",
            ),
            explained: None,
        },
        Row {
            figure: "share of a victim's computers encrypted",
            model: mean.map_or("-".into(), |m| format!("{:.0}% mean", 100.0 * m)),
            cases: shares.len(),
            published: "49% average",
            source: "Sophos State of Ransomware 2024 (S)",
            check: Check::within(
                "computers_encrypted_share_mean",
                mean,
                (0.40, 0.58),
                "share",
            ),
            explained: None,
        },
        Row {
            figure: "... its spread, tenth to ninetieth percentile",
            model: (p(0.1).zip(p(0.9))).map_or("-".into(), |(lo, hi)| {
                format!("{:.0}%-{:.0}%", 100.0 * lo, 100.0 * hi)
            }),
            cases: shares.len(),
            published: "wide: 4% of victims saw 91% or more",
            source: "Sophos State of Ransomware 2024 (S)",
            check: Check::unbounded("computers_encrypted_share_p90_p10", spread, "share"),
            explained: None,
        },
        Row {
            figure: "victims who paid (those the model plays)",
            model: share(paid, victims),
            cases: victims as usize,
            published: "23-25% of victims",
            source: "Coveware Q4 2024, Q3 2025 (S)",
            check: Check::within(
                "ransom_paid_share",
                ratio(paid, victims),
                (0.23, 0.25),
                "share",
            ),
            explained: None,
        },
    ]
}

/// How long victims take to recover, and what the money is made of.
fn recovery_and_cost(runs: &[Samples]) -> [Row; 3] {
    let orgs = sum(runs, |s| s.encrypted_orgs);
    // A recovery nobody has started on counts as over a month.
    let recovery: Vec<Option<f64>> = runs.iter().flat_map(|s| s.recovery.clone()).collect();
    let within_week = recovery
        .iter()
        .filter(|d| d.is_some_and(|d| d <= 7.0))
        .count() as u32;
    let over_month = recovery
        .iter()
        .filter(|d| d.is_none_or(|d| d > 30.0))
        .count() as u32;
    let mut loss = [0.0; 8];
    for r in runs {
        for (t, p) in loss.iter_mut().zip(r.loss) {
            *t += p;
        }
    }
    // The interruption still owed at the end counts: it is lost business all the same.
    let owed: f64 = runs.iter().map(|s| s.committed).sum();
    // A ransom agreed in the run is a ransom, paid in it or after.
    loss[5] += runs.iter().map(|s| s.ransom_agreed).sum::<f64>();
    let total: f64 = loss.iter().sum::<f64>() + owed;
    let loss_shares = if total > 0.0 {
        LOSS_KINDS
            .iter()
            .zip(loss)
            .chain([(&"owed after the end", owed)])
            .map(|(k, v)| format!("{k} {:.0}%", 100.0 * v / total))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        "-".into()
    };
    // Recovery, interruption (in the run and owed after it) per organisation encrypted.
    let per_victim_usd = (orgs > 0).then(|| {
        let cost = loss[2] + loss[3] + runs.iter().map(|s| s.committed).sum::<f64>();
        cost / orgs as f64
    });
    let per_victim = per_victim_usd.map_or("-".into(), |c| format!("US${:.2}M mean", c / 1e6));
    // The loss less the outages the script alone would have caused (kind 0), of the loss.
    let in_run: f64 = loss.iter().sum();
    let teams_share = (in_run > 0.0).then(|| 1.0 - loss[0] / in_run);
    [
        Row {
            figure: "victims back within a week / over a month",
            model: format!(
                "{} / {}",
                share(within_week, recovery.len() as u32),
                share(over_month, recovery.len() as u32)
            ),
            cases: recovery.len(),
            published: "35% / 34% (2024)",
            source: "Sophos State of Ransomware 2024 (S)",
            check: Check::within(
                "recovered_within_week",
                ratio(within_week, recovery.len() as u32),
                (0.35, 0.53),
                "share",
            ),
            explained: None,
        },
        Row {
            figure: "cost per ransomware victim, excl. ransom",
            model: per_victim,
            cases: orgs as usize,
            published: "US$2.73M mean, large organisations",
            source: "Sophos State of Ransomware 2024 (S)",
            check: Check::unbounded("cost_per_victim_usd_mean", per_victim_usd, "usd"),
            explained: None,
        },
        Row {
            figure: "loss by kind, with interruption owed",
            model: loss_shares,
            cases: runs.len(),
            published: "lost business the largest part",
            source: "IBM Cost of a Data Breach 2024 (S)",
            check: Check::unbounded("loss_share_teams_can_change", teams_share, "share"),
            explained: None,
        },
    ]
}

/// The table `tidewatch calibrate` prints.
pub fn render(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<44} {:<31} {:>6}  {:<38} {}\n",
        "figure", "model", "cases", "published", "source"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<44} {:<31} {:>6}  {:<38} {}\n",
            r.figure, r.model, r.cases, r.published, r.source
        ));
        if let Some(why) = &r.explained {
            out.push_str(&format!("  (outside: {why})\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_over_the_cases_of_every_run() {
        let s = Samples {
            encrypted_orgs: 2,
            found_before: 1,
            told_by_note: 1,
            breakout: vec![30.0],
            to_encryption: vec![10.0, 10.0],
            online_backup_hits: 2,
            backups_lost: 1,
            ..Default::default()
        };
        let rows = rows(&[s.clone(), s]);
        assert_eq!(rows.len(), 15);
        assert_eq!((rows[0].model.as_str(), rows[0].cases), ("50%", 4));
        assert_eq!(rows[2].model, "30 min mean, 30 min median");
        assert_eq!(rows[4].model, "10.0 h median, 0% under 5 h");
        assert_eq!(rows[6].model, "50%");
        assert!(render(&rows).contains("Mandiant"));
    }

    /// Every row has its own id, a number where it has cases, and says whether the number is
    /// inside the published range: 1 of 4 victims found before encryption is outside 43-52%,
    /// 2 of 4 inside.
    #[test]
    fn rows_say_as_numbers_whether_the_model_is_inside_the_published_range() {
        let run = |found| Samples {
            encrypted_orgs: 4,
            found_before: found,
            ..Default::default()
        };
        let rows = rows(&[run(1)]);
        let ids: std::collections::BTreeSet<_> = rows.iter().map(|r| r.check.id).collect();
        assert_eq!(ids.len(), rows.len(), "one id a row");
        let found = &rows[0].check;
        assert_eq!(found.id, "found_before_encryption");
        assert_eq!(
            (found.value, found.low, found.high),
            (Some(0.25), Some(0.43), Some(0.52))
        );
        assert_eq!(found.inside, Some(false));
        assert_eq!(super::rows(&[run(2)])[0].check.inside, Some(true));
        let breakout = rows
            .iter()
            .find(|r| r.check.id == "breakout_minutes_mean")
            .unwrap();
        assert_eq!(
            (breakout.check.value, breakout.check.inside),
            (None, None),
            "no cases"
        );
    }

    /// Known ransomware attacks stopped, the share of each victim encrypted and its spread,
    /// and victims who paid, each beside its published range.
    #[test]
    fn ransomware_outcomes_are_shares_of_the_right_cases() {
        let run = Samples {
            encrypted_orgs: 4,
            encrypted_share: vec![0.2, 0.4, 0.6, 0.8],
            model_victims: 4,
            ransom_paid: 1,
            known_attacks: 10,
            stopped_known: 4,
            ..Default::default()
        };
        let rows = rows(&[run]);
        let check = |id: &str| {
            rows.iter()
                .find(|r| r.check.id == id)
                .unwrap()
                .check
                .clone()
        };
        let stopped = check("stopped_before_encryption");
        assert_eq!((stopped.value, stopped.inside), (Some(0.4), Some(true)));
        let mean = check("computers_encrypted_share_mean");
        assert!((mean.value.unwrap() - 0.5).abs() < 1e-9 && mean.inside == Some(true));
        let spread = check("computers_encrypted_share_p90_p10");
        assert!((spread.value.unwrap() - 0.6).abs() < 1e-9, "{spread:?}");
        assert_eq!(spread.inside, None, "no published percentiles");
        let paid = check("ransom_paid_share");
        assert_eq!((paid.value, paid.inside), (Some(0.25), Some(true)));
    }
}

#[cfg(test)]
mod scenario_shape {
    use super::*;
    use crate::scenario::RansomwareReach;

    fn row(id: &'static str, value: f64, range: (f64, f64), unit: &'static str) -> Row {
        Row {
            figure: "f",
            model: String::new(),
            cases: 1,
            published: "",
            source: "",
            check: Check::within(id, Some(value), range, unit),
            explained: None,
        }
    }

    #[test]
    fn a_pace_figure_under_its_range_says_what_in_the_scenario_puts_it_there() {
        let mut rows = [
            row(
                "foothold_to_exfiltration_hours_median",
                20.0,
                (48.0, 96.0),
                "hours",
            ),
            row("dwell_days_median", 0.6, (4.0, 6.0), "days"),
            row("breakout_minutes_mean", 145.0, (29.0, 62.0), "minutes"),
            row(
                "foothold_to_encryption_hours_median",
                18.0,
                (0.0, 24.0),
                "hours",
            ),
        ];
        let shape = ScenarioShape {
            compressed: vec![("msp", 0.55)],
            before_lateral: vec![("msp", 10 * 60), ("phish", 45)],
            minutes: 3 * 24 * 60,
            reach: RansomwareReach {
                orgs: 6,
                unwatched: 2,
                office_hours: 3,
                offline_only: 0,
            },
        };
        explain_scenario(&mut rows, &shape);
        let why = |k: usize| rows[k].explained.clone().unwrap_or_default();
        assert!(why(0).contains("msp at 55%"), "{}", why(0));
        assert!(
            !why(0).contains("sees only"),
            "a 3-day run is longer than 48 h"
        );
        assert!(why(1).contains("run of 3d"), "{}", why(1));
        assert!(
            !why(1).contains("msp"),
            "compression does not explain dwell"
        );
        // Breakout over its range: the crew that takes ten hours before moving is named, the
        // one within the range is not; a figure inside says nothing.
        assert!(
            why(2).contains("msp 10h") && !why(2).contains("phish"),
            "{}",
            why(2)
        );
        assert_eq!(rows[3].explained, None);
        // Nothing compressed, a long run: nothing said.
        let mut plain = [row(
            "foothold_to_exfiltration_hours_median",
            20.0,
            (48.0, 96.0),
            "hours",
        )];
        let long = ScenarioShape {
            minutes: 30 * 24 * 60,
            ..Default::default()
        };
        explain_scenario(&mut plain, &long);
        assert_eq!(plain[0].explained, None);
    }

    /// Catching ransomware in time under its range: the organisations nobody watches around
    /// the clock are named; with every one watched around the clock, nothing is said, and a
    /// pace figure never blames the watch.
    #[test]
    fn catching_ransomware_late_is_put_down_to_the_watch_only_where_it_is_thin() {
        let rows = || {
            [
                row("stopped_before_encryption", 0.24, (0.30, 0.44), "share"),
                row("found_before_encryption", 0.5, (0.43, 0.52), "share"),
                row("dwell_days_median", 0.6, (4.0, 6.0), "days"),
            ]
        };
        let mut thin = rows();
        let shape = |unwatched, office_hours| ScenarioShape {
            minutes: 30 * 24 * 60,
            reach: RansomwareReach {
                orgs: 9,
                unwatched,
                office_hours,
                offline_only: 2,
            },
            ..Default::default()
        };
        explain_scenario(&mut thin, &shape(3, 4));
        let why = thin[0].explained.clone().unwrap_or_default();
        assert!(
            why.contains("of the 9") && why.contains("3 watched by no team"),
            "{why}"
        );
        assert!(why.contains("4 in office hours only"), "{why}");
        assert!(
            !why.contains("offline"),
            "backups do not stop an attack: {why}"
        );
        assert_eq!(thin[1].explained, None, "inside its range");
        assert_eq!(thin[2].explained, None, "dwell is not the watch's");
        let mut watched = rows();
        explain_scenario(&mut watched, &shape(0, 0));
        assert_eq!(watched[0].explained, None);
        // Victims who pay less than published, where some keep offline backups only.
        let mut paid = [row("ransom_paid_share", 0.22, (0.23, 0.25), "share")];
        explain_scenario(&mut paid, &shape(0, 0));
        let why = paid[0].explained.clone().unwrap_or_default();
        assert!(
            why.contains("2 of the 9") && why.contains("offline"),
            "{why}"
        );
    }
}

#[cfg(test)]
mod reach_tests {
    use crate::scenario::RansomwareReach;
    use crate::scenario::testkit::TinyRegion;

    /// Ransomware reaches its targets and, when it follows trust, their managed clients; a
    /// phishing crew that does not encrypt reaches nothing here. Each is counted by its watch.
    #[test]
    fn ransomware_reaches_its_targets_and_their_clients_counted_by_watch() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("msp", "A", 10, 1.0, 0.0)
            .org("client", "A", 10, 1.0, 0.0)
            .org("other", "A", 10, 1.0, 0.0)
            .manages("msp", &["client"])
            .team("desk", "SectorSoc", Some("A"), 2, "OfficeHours", true)
            .monitors("desk", &["msp"])
            .campaign(
                "crew",
                "D1 09:00",
                "Organisation(\"msp\")",
                &["T1078", "T1199", "T1486"],
            )
            .campaign(
                "phish",
                "D1 09:00",
                "Organisation(\"other\")",
                &["T1566.001", "T1041"],
            )
            .plan();
        let reach = plan.ransomware_reach();
        assert_eq!(
            (reach.orgs, reach.unwatched, reach.office_hours),
            (2, 1, 1),
            "{reach:?}"
        );
        assert_ne!(reach, RansomwareReach::default());
    }
}
