//! The model's figures beside the published ones (`tidewatch calibrate`): who finds ransomware
//! and when, how fast attackers move, how noisy the alerts are, how often backups go too, and
//! what the money is made of. Each run is folded from its events alone; the rows say where the
//! reference figure comes from (`../shared/facts/calibration.md`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::scenario::ids::{CampaignIx, OrgIx};
use crate::scenario::{Backups, Effect, Plan};
use crate::sim::events::{SimEvent, Stamped};

/// What one run offers each row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Samples {
    /// Organisations encrypted.
    pub encrypted_orgs: u32,
    /// ... where a team opened an incident there before the encryption.
    pub found_before: u32,
    /// ... where no team had an incident or a true alert there before the ransom note.
    pub told_by_note: u32,
    /// Minutes from an intrusion's foothold to its first lateral move.
    pub breakout: Vec<f64>,
    /// Hours from an intrusion's foothold to data leaving.
    pub to_exfiltration: Vec<f64>,
    /// Hours from an intrusion's foothold to encryption.
    pub to_encryption: Vec<f64>,
    pub alerts: u32,
    pub false_alerts: u32,
    /// Alerts about organisations from their first foothold on, and the false among them: what
    /// the analysts of an organisation under attack see.
    pub alerts_attacked: u32,
    pub false_attacked: u32,
    /// Organisations encrypted that had online backups, and those whose backups went too.
    pub online_backup_hits: u32,
    pub backups_lost: u32,
    /// Days from an intrusion's foothold until a team opened an incident there or the victim
    /// found the ransom note (intrusions never found in the run are left out).
    pub dwell: Vec<f64>,
    /// Per organisation encrypted: days until its last planned restore, or `None` where hosts
    /// still wait for anyone to start (a foothold nobody cleaned).
    pub recovery: Vec<Option<f64>>,
    /// The run's losses by kind: services (scripted, then the rest), recovery, interruption,
    /// breach, ransom, support lost; then the interruption still owed at the end.
    pub loss: [f64; 7],
    pub committed: f64,
}

/// The kinds of loss, in the order of `Samples::loss`.
pub const LOSS_KINDS: [&str; 7] = [
    "scripted outages",
    "other outages",
    "recovery",
    "interruption",
    "breach",
    "ransom",
    "support lost",
];

/// Folds one run's events, `ticks` minutes long.
pub fn samples(plan: &Plan, events: &[Stamped], ticks: u64) -> Samples {
    let mut s = Samples::default();
    let summary = super::summarise(plan, 0, ticks, String::new(), events);
    for i in &summary.islands {
        let parts = [
            i.loss_services_scripted_usd,
            i.loss_services_usd - i.loss_services_scripted_usd,
            i.loss_recovery_usd,
            i.loss_interruption_usd,
            i.loss_breach_usd,
            i.loss_ransom_usd,
            i.loss_support_usd,
        ];
        for (total, part) in s.loss.iter_mut().zip(parts) {
            *total += part;
        }
        s.committed += i.committed_usd;
    }
    let picture = super::OperatingPicture::of(plan, events);
    for r in picture.recovery.values() {
        let Some(hit) = r.hit else { continue };
        let planned: u64 = r.planned.iter().map(|p| p.0 as u64).sum();
        s.recovery.push(match r.recovered_by() {
            Some(done) if planned >= r.encrypted => Some(done.saturating_sub(hit) as f64 / 1440.0),
            _ => None,
        });
    }
    // Intrusions not yet found (since their foothold), and those found.
    let mut dwell_open: BTreeMap<(CampaignIx, OrgIx), u64> = BTreeMap::new();
    let mut dwell_done: std::collections::BTreeSet<(CampaignIx, OrgIx)> = Default::default();
    let mut foothold: BTreeMap<(CampaignIx, OrgIx), u64> = BTreeMap::new();
    let mut moved: BTreeMap<(CampaignIx, OrgIx), u64> = BTreeMap::new();
    let mut noticed: BTreeMap<OrgIx, u64> = BTreeMap::new();
    let mut found: BTreeMap<OrgIx, u64> = BTreeMap::new();
    let mut encrypted: BTreeMap<OrgIx, u64> = BTreeMap::new();
    let mut lost: std::collections::BTreeSet<OrgIx> = Default::default();
    let hours = |from: u64, to: u64| to.saturating_sub(from) as f64 / 60.0;
    for e in events {
        let t = e.tick;
        match e.event {
            SimEvent::HostCompromised {
                campaign,
                org,
                technique,
                ..
            } => {
                let start = *foothold.entry((campaign, org)).or_insert(t);
                if !dwell_done.contains(&(campaign, org)) {
                    dwell_open.entry((campaign, org)).or_insert(t);
                }
                if plan.techniques[technique].effect == Effect::LateralMovement
                    && !moved.contains_key(&(campaign, org))
                {
                    moved.insert((campaign, org), t);
                    s.breakout.push(t.saturating_sub(start) as f64);
                }
            }
            SimEvent::DataExfiltrated { campaign, org, .. } => {
                if let Some(&start) = foothold.get(&(campaign, org)) {
                    s.to_exfiltration.push(hours(start, t));
                }
            }
            SimEvent::HostsEncrypted { campaign, org, .. } => {
                if let Some(&start) = foothold.get(&(campaign, org)) {
                    s.to_encryption.push(hours(start, t));
                }
                if encrypted.insert(org, t).is_none() {
                    s.encrypted_orgs += 1;
                    s.found_before += found.get(&org).is_some_and(|f| *f < t) as u32;
                    s.told_by_note += noticed.get(&org).is_none_or(|n| *n >= t) as u32;
                    let o = &plan.orgs[org];
                    let online = plan.groups[o.groups.start as usize..o.groups.end as usize]
                        .iter()
                        .any(|g| g.backups == Backups::Online);
                    s.online_backup_hits += online as u32;
                }
            }
            // Per attacked organisation, however many of its groups went.
            SimEvent::BackupsLost { org, .. } if lost.insert(org) => s.backups_lost += 1,
            SimEvent::AlertRaised {
                org, true_positive, ..
            } => {
                s.alerts += 1;
                if foothold.keys().any(|(_, o)| *o == org) {
                    s.alerts_attacked += 1;
                    s.false_attacked += !true_positive as u32;
                }
                if true_positive {
                    noticed.entry(org).or_insert(t);
                } else {
                    s.false_alerts += 1;
                }
            }
            SimEvent::IncidentOpened { org, campaign, .. } => {
                found.entry(org).or_insert(t);
                noticed.entry(org).or_insert(t);
                if let Some(start) = dwell_open.remove(&(campaign, org)) {
                    s.dwell.push(t.saturating_sub(start) as f64 / 1440.0);
                    dwell_done.insert((campaign, org));
                }
            }
            SimEvent::RansomNoteFound { campaign, org } => {
                if let Some(start) = dwell_open.remove(&(campaign, org)) {
                    s.dwell.push(t.saturating_sub(start) as f64 / 1440.0);
                    dwell_done.insert((campaign, org));
                }
            }
            _ => {}
        }
    }
    s
}

/// One row: the model's figure over the runs, the published one, and where it comes from.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Row {
    pub figure: &'static str,
    pub model: String,
    /// How many cases the model's figure stands on.
    pub cases: usize,
    pub published: &'static str,
    pub source: &'static str,
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

/// The rows over every run's samples.
pub fn rows(runs: &[Samples]) -> Vec<Row> {
    let sum = |f: fn(&Samples) -> u32| runs.iter().map(f).sum::<u32>();
    let all = |f: fn(&Samples) -> &Vec<f64>| runs.iter().flat_map(f).copied().collect::<Vec<_>>();
    let (orgs, found, told) = (
        sum(|s| s.encrypted_orgs),
        sum(|s| s.found_before),
        sum(|s| s.told_by_note),
    );
    let breakout = all(|s| &s.breakout);
    let exfil = all(|s| &s.to_exfiltration);
    let encrypt = all(|s| &s.to_encryption);
    let median = |v: &[f64], unit: &str| {
        percentile(v, 0.5).map_or("-".into(), |m| format!("{m:.1} {unit} median"))
    };
    let mean = |v: &[f64]| {
        if v.is_empty() {
            "-".into()
        } else {
            format!("{:.0} min mean", v.iter().sum::<f64>() / v.len() as f64)
        }
    };
    let fast = encrypt.iter().filter(|h| **h < 5.0).count() as u32;
    let dwell = all(|s| &s.dwell);
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
    let mut loss = [0.0; 7];
    for r in runs {
        for (t, p) in loss.iter_mut().zip(r.loss) {
            *t += p;
        }
    }
    // The interruption still owed at the end counts: it is lost business all the same.
    let owed: f64 = runs.iter().map(|s| s.committed).sum();
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
    let per_victim = if orgs > 0 {
        let cost = loss[2] + loss[3] + runs.iter().map(|s| s.committed).sum::<f64>();
        format!("US${:.2}M mean", cost / orgs as f64 / 1e6)
    } else {
        "-".into()
    };
    vec![
        Row {
            figure: "ransomware found by a team before encryption",
            model: share(found, orgs),
            cases: orgs as usize,
            published: "43-52% found internally",
            source: "Mandiant M-Trends 2024-2025 (S)",
        },
        Row {
            figure: "victims first told by the ransom note",
            model: share(told, orgs),
            cases: orgs as usize,
            published: "~53%",
            source: "Mandiant M-Trends 2024 (S)",
        },
        Row {
            figure: "foothold to first lateral move",
            model: format!("{}, {}", mean(&breakout), median(&breakout, "min"))
                .replace(".0 min median", " min median"),
            cases: breakout.len(),
            published: "48 min average (2024)",
            source: "CrowdStrike Global Threat Report (S)",
        },
        Row {
            figure: "foothold to exfiltration",
            model: median(&exfil, "h"),
            cases: exfil.len(),
            published: "~73 h median",
            source: "Sophos Active Adversary 2025 (S)",
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
        },
        Row {
            figure: "false share of alerts, attacked orgs",
            model: share(sum(|s| s.false_attacked), sum(|s| s.alerts_attacked)),
            cases: sum(|s| s.alerts_attacked) as usize,
            published: "45-53%",
            source: "IDC 2021 (S)",
        },
        Row {
            figure: "online backups encrypted too",
            model: share(sum(|s| s.backups_lost), sum(|s| s.online_backup_hits)),
            cases: sum(|s| s.online_backup_hits) as usize,
            published: "57% of attacks",
            source: "Sophos State of Ransomware (S)",
        },
        Row {
            figure: "dwell: foothold to found (any intrusion)",
            model: median(&dwell, "d"),
            cases: dwell.len(),
            published: "ransomware 4-6 d, all 7-14 d median",
            source: "Mandiant M-Trends; Sophos Active Adversary 2025 (S)",
        },
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
        },
        Row {
            figure: "cost per ransomware victim, excl. ransom",
            model: per_victim,
            cases: orgs as usize,
            published: "US$2.73M mean, large organisations",
            source: "Sophos State of Ransomware 2024 (S)",
        },
        Row {
            figure: "loss by kind, with interruption owed",
            model: loss_shares,
            cases: runs.len(),
            published: "lost business the largest part",
            source: "IBM Cost of a Data Breach 2024 (S)",
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
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::{TeamIx, TechniqueIx};
    use crate::scenario::testkit::TinyRegion;

    #[test]
    fn one_intrusion_found_in_time_and_one_told_by_its_note() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 10, 0.5, 0.5)
            .org("port", "A", 10, 0.5, 0.5)
            .campaign(
                "crew",
                "D1 09:00",
                "Island(\"A\")",
                &["T1078", "T1021.002", "T1486"],
            )
            .plan();
        let stage = |k: usize| plan.campaigns[0].stages[k].technique;
        let (c, gov, port) = (CampaignIx(0), OrgIx(0), OrgIx(1));
        let at = |tick, event| Stamped { tick, event };
        let hit = |org, host, technique: TechniqueIx| SimEvent::HostCompromised {
            campaign: c,
            org,
            host,
            technique,
        };
        let log = vec![
            at(0, hit(gov, 1, stage(0))),
            at(30, hit(gov, 2, stage(1))),
            at(40, hit(port, 11, stage(0))),
            at(
                100,
                SimEvent::IncidentOpened {
                    incident: 0,
                    team: TeamIx(0),
                    org: gov,
                    campaign: c,
                    by: crate::sim::events::DetectedBy::Alert,
                },
            ),
            at(
                600,
                SimEvent::HostsEncrypted {
                    campaign: c,
                    org: gov,
                    hosts: 9,
                },
            ),
            at(
                640,
                SimEvent::HostsEncrypted {
                    campaign: c,
                    org: port,
                    hosts: 10,
                },
            ),
            at(
                640,
                SimEvent::BackupsLost {
                    org: port,
                    hosts: 10,
                },
            ),
        ];
        let s = samples(&plan, &log, 700);
        assert_eq!(
            (s.encrypted_orgs, s.found_before, s.told_by_note),
            (2, 1, 1)
        );
        assert_eq!(s.breakout, vec![30.0]);
        assert_eq!(s.to_encryption, vec![10.0, 10.0]);
        assert_eq!((s.online_backup_hits, s.backups_lost), (2, 1));
        let rows = rows(&[s.clone(), s]);
        assert_eq!(rows[0].model, "50%");
        assert_eq!(rows[6].model, "50%");
        assert!(render(&rows).contains("Mandiant"));
    }
}
