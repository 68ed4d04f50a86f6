//! Warnings: a scenario that loads but is probably not what its author meant. Each rule names
//! the item (and field) at fault, why it looks wrong and what to write instead; none stops a
//! run (`tidewatch lint --deny-warnings` makes them errors).

use std::collections::BTreeSet;

use super::check::Check;
use super::{Plan, Subject, TriggerPlan, WhenPlan};
use crate::scenario::ids::{IslandIx, OrgIx};
use crate::scenario::{Action, Diagnostic, Source, TeamKind};

/// More computers than this per person on an island is a typo in a `count`, not an estate.
const HOSTS_PER_PERSON: f64 = 0.5;
/// GDP per person outside this range (US dollars a year) is a unit slip (billions written as
/// units, or the reverse). The poorest and richest economies on earth sit well inside it.
const GDP_PER_PERSON: std::ops::RangeInclusive<f64> = 200.0..=300_000.0;
/// An island farther than this from every other one (km) has its coordinates mistyped,
/// usually latitude and longitude swapped.
const LONELY_KM: f64 = 2_500.0;

/// Every warning for `plan`, positioned in `source`, in file order.
pub fn lint(plan: &Plan, source: &Source) -> Vec<Diagnostic> {
    let mut c = Check::new(source);
    estate_against_people(&mut c, plan);
    gdp_units(&mut c, plan);
    lonely_islands(&mut c, plan);
    after_the_end(&mut c, plan);
    never_fires(&mut c, plan);
    idle_teams(&mut c, plan);
    unmeetable_expectations(&mut c, plan);
    modules_out_of_order(&mut c, plan);
    let mut found = std::mem::take(&mut c.found);
    found.sort_by_key(|d| (d.line, d.col));
    found.dedup();
    found
}

fn estate_against_people(c: &mut Check, plan: &Plan) {
    let s = &plan.scenario;
    for (i, island) in s.islands.iter().enumerate() {
        let orgs: Vec<usize> = (0..plan.orgs.len())
            .filter(|o| plan.orgs[*o].island.ix() == i)
            .collect();
        let hosts: u64 = orgs.iter().map(|o| plan.orgs[*o].hosts.len() as u64).sum();
        if (hosts as f64) <= island.population as f64 * HOSTS_PER_PERSON {
            continue;
        }
        let biggest = orgs
            .iter()
            .max_by_key(|o| plan.orgs[**o].hosts.len())
            .map(|o| s.organisations[*o].id.as_str())
            .unwrap_or_default();
        c.at(
            "organisations",
            biggest,
            Some("hosts"),
            format!(
                "{} has {hosts} hosts for {} people (more than one computer per two people); \
                 `{biggest}` is the largest",
                island.name, island.population
            ),
            Some(
                "check the host groups' `count`: a ministry of a small island has hundreds".into(),
            ),
        );
    }
}

fn gdp_units(c: &mut Check, plan: &Plan) {
    for island in &plan.scenario.islands {
        let per_person = island.gdp_usd / island.population.max(1) as f64;
        if GDP_PER_PERSON.contains(&per_person) {
            continue;
        }
        c.at(
            "islands",
            &island.id,
            Some("gdp_usd"),
            format!(
                "{} has a GDP of US${} for {} people, US${per_person:.2} a person a year: \
                 the unit looks wrong",
                island.name, island.gdp_usd, island.population
            ),
            Some("`gdp_usd` is in US dollars: write 2.4 billion as 2.4e9".into()),
        );
    }
}

/// Great-circle distance in km.
fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// An island far from every other one whose position is the gazetteer's for it (by id or
/// name, within this many km) is where it really is: the Indian Ocean's states are far apart.
const WHERE_IT_IS_KM: f64 = 100.0;

fn lonely_islands(c: &mut Check, plan: &Plan) {
    let islands = &plan.scenario.islands;
    if islands.len() < 2 {
        return;
    }
    let gazetteer = crate::scenario::gazetteer::Gazetteer::shipped();
    let real = |a: &crate::scenario::Island| {
        gazetteer.places.iter().any(|p| {
            (p.id == a.id || p.name.eq_ignore_ascii_case(&a.name))
                && km((a.lat, a.lon), (p.lat, p.lon)) <= WHERE_IT_IS_KM
        })
    };
    for (i, a) in islands.iter().enumerate() {
        let nearest = islands
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, b)| km((a.lat, a.lon), (b.lat, b.lon)))
            .fold(f64::MAX, f64::min);
        if nearest > LONELY_KM && !real(a) {
            c.at(
                "islands",
                &a.id,
                Some("lat"),
                format!(
                    "{} (lat {}, lon {}) is {nearest:.0} km from every other island",
                    a.name, a.lat, a.lon
                ),
                Some("are `lat` and `lon` swapped? Latitude is north-south (-90..90), e.g. 14.0 for Saint Lucia; longitude east-west, e.g. -61.0".into()),
            );
        }
    }
}

fn after_the_end(c: &mut Check, plan: &Plan) {
    let s = &plan.scenario;
    let end = s.duration.0;
    let when = |t: u64| s.start.at(t).clock();
    for (k, cp) in plan.campaigns.iter().enumerate() {
        if cp.start_tick >= end {
            let id = &s.campaigns[k].id;
            c.at(
                "campaigns",
                id,
                Some("start"),
                format!(
                    "campaign `{id}` starts at {}, after the exercise ends ({}): it never runs",
                    when(cp.start_tick),
                    when(end)
                ),
                Some("start it earlier, or lengthen `duration`".into()),
            );
        }
    }
    for (k, inj) in plan.injects.iter().enumerate() {
        let on_clock_only = inj
            .trigger
            .happenings()
            .iter()
            .all(|h| matches!(h, TriggerPlan::At(_)));
        if let Some(t) = inj.trigger.due_by()
            && on_clock_only
            && t + inj.delay >= end
            && !inj.contingency_only
        {
            let id = &s.msel[k].id;
            c.at(
                "msel",
                id,
                Some("trigger"),
                format!(
                    "inject `{id}` is due at {}, after the exercise ends ({}): it never fires",
                    when(t + inj.delay),
                    when(end)
                ),
                Some("move it earlier, or lengthen `duration`".into()),
            );
        }
    }
    if plan.disruptions.iter().any(|(t, _)| *t >= end) {
        c.at(
            "events",
            "",
            None,
            format!(
                "a disruption is set after the exercise ends ({}): it never happens",
                when(end)
            ),
            Some("move it earlier, or lengthen `duration`".into()),
        );
    }
}

/// An inject of a later module due by the clock before an earlier module's inject set by the
/// clock alone: the later module starts while the earlier one still runs, whatever the run
/// does. (Event triggers that may fire early are for `lint --runs`, which plays the seeds.)
fn modules_out_of_order(c: &mut Check, plan: &Plan) {
    let s = &plan.scenario;
    let when = |t: u64| s.start.at(t).clock();
    let clock_only = |i: &crate::scenario::ids::InjectIx| {
        let inj = &plan.injects[*i];
        let on_clock = (inj.trigger.happenings().iter()).all(|h| matches!(h, TriggerPlan::At(_)));
        (on_clock && !inj.contingency_only)
            .then(|| inj.trigger.due_by().map(|t| (t + inj.delay, *i)))
            .flatten()
    };
    for (k, earlier) in plan.modules.iter().enumerate() {
        // The earlier module runs at least until its last inject set by the clock alone.
        let Some((until, last)) = earlier.scripted.iter().filter_map(clock_only).max() else {
            continue;
        };
        for (j, later) in plan.modules.iter().enumerate().skip(k + 1) {
            for i in &later.scripted {
                let inj = &plan.injects[*i];
                let Some(due) = inj.trigger.due_by().map(|t| t + inj.delay) else {
                    continue;
                };
                if due >= until || inj.contingency_only {
                    continue;
                }
                let (id, last_id) = (&s.msel[*i].id, &s.msel[last].id);
                c.at(
                    "msel",
                    id,
                    Some("trigger"),
                    format!(
                        "inject `{id}` of module `{}` is due by {}, before `{last_id}` of the \
                         earlier module `{}` at {}: the modules run out of order",
                        s.modules[j].id,
                        when(due),
                        s.modules[k].id,
                        when(until)
                    ),
                    Some(format!(
                        "move it after {}, or let it wait for the earlier module (`Inject(\"{last_id}\")`)",
                        when(until)
                    )),
                );
            }
        }
    }
}

/// Organisations some attack can reach: campaign targets, what a white-cell launch names, and
/// the clients of a managed provider any of those reach.
fn attacked(plan: &Plan) -> BTreeSet<OrgIx> {
    let mut reached: BTreeSet<OrgIx> = plan
        .campaigns
        .iter()
        .flat_map(|c| c.targets.iter().copied())
        .collect();
    let launches = plan.injects.iter().flat_map(|i| {
        i.effects
            .iter()
            .chain(i.option_effects.iter().flatten())
            .filter_map(|a| match a {
                Action::Launch { org, .. } => Some(*org),
                _ => None,
            })
    });
    reached.extend(launches);
    let ids = &plan.ids;
    loop {
        let more: Vec<OrgIx> = plan
            .scenario
            .organisations
            .iter()
            .enumerate()
            .filter(|(o, _)| reached.contains(&OrgIx::from(*o)))
            .flat_map(|(_, o)| o.manages.iter())
            .filter_map(|m| ids.orgs.resolve(m).ok())
            .filter(|o| !reached.contains(o))
            .collect();
        if more.is_empty() {
            return reached;
        }
        reached.extend(more);
    }
}

fn never_fires(c: &mut Check, plan: &Plan) {
    let s = &plan.scenario;
    let hit = attacked(plan);
    let island_hit = |i: IslandIx| hit.iter().any(|o| plan.orgs[*o].island == i);
    // Why a trigger can never hold, if it cannot.
    fn impossible(
        w: &WhenPlan,
        why_not: &impl Fn(TriggerPlan) -> Option<String>,
    ) -> Option<String> {
        match w {
            WhenPlan::On(t) => why_not(*t),
            WhenPlan::Manual => None,
            WhenPlan::AnyOf(parts) => {
                let whys: Option<Vec<String>> =
                    parts.iter().map(|p| impossible(p, why_not)).collect();
                whys.filter(|w| !w.is_empty()).map(|w| w.join("; "))
            }
            WhenPlan::AllOf(parts) => parts.iter().find_map(|p| impossible(p, why_not)),
        }
    }
    let why_not = |t: TriggerPlan| match t {
        TriggerPlan::FirstIncident(i)
        | TriggerPlan::RansomNote(Subject::Island(i))
        | TriggerPlan::Contained(Subject::Island(i))
            if !island_hit(i) =>
        {
            Some(format!("nothing attacks {}", s.islands[i.ix()].name))
        }
        TriggerPlan::Evicted(o)
        | TriggerPlan::Compromised(Subject::Org(o))
        | TriggerPlan::DataStolen(Subject::Org(o))
        | TriggerPlan::Encrypted(Subject::Org(o))
        | TriggerPlan::RansomNote(Subject::Org(o))
        | TriggerPlan::Contained(Subject::Org(o))
        | TriggerPlan::IncidentOpened(_, Subject::Org(o))
            if !hit.contains(&o) =>
        {
            Some(format!("nothing attacks `{}`", s.organisations[o.ix()].id))
        }
        TriggerPlan::ServiceDown(svc) if !can_go_down(plan, &hit, svc) => Some(format!(
            "nothing attacks the hosts service `{}` needs",
            s.services[svc.ix()].id
        )),
        _ => None,
    };
    for (k, inj) in plan.injects.iter().enumerate() {
        let id = &s.msel[k].id;
        if let Some(why) = impossible(&inj.trigger, &why_not) {
            c.at(
                "msel",
                id,
                Some("trigger"),
                format!("inject `{id}` waits for something that cannot happen: {why}"),
                Some("trigger it on something a campaign causes, or at a time".into()),
            );
        }
        if let Some(why) = inj.only_if.as_ref().and_then(|w| impossible(w, &why_not)) {
            c.at(
                "msel",
                id,
                Some("only_if"),
                format!("inject `{id}` fires only if something happens that cannot: {why}"),
                Some("name a fact a campaign can cause, or drop `only_if`".into()),
            );
        }
    }
}

/// Whether anything can take a service down: an attack on the hosts it needs, a service it
/// depends on, or a power outage on its island (scripted or an inject's effect).
fn can_go_down(plan: &Plan, hit: &BTreeSet<OrgIx>, svc: crate::scenario::ids::ServiceIx) -> bool {
    let sp = &plan.services[svc];
    let outage = |island: IslandIx| {
        plan.disruptions.iter().any(|(_, h)| {
            matches!(h, super::DisruptionPlan::PowerOutage { island: i, .. } if *i == island)
        }) || plan.injects.iter().any(|i| {
            i.effects
                .iter()
                .chain(i.option_effects.iter().flatten())
                .any(|a| matches!(a, Action::PowerOutage { island: x, .. } if *x == island))
        })
    };
    sp.groups
        .iter()
        .any(|g| hit.contains(&plan.groups[*g as usize].org))
        || !sp.depends_on.is_empty()
        || outage(sp.island)
}

fn idle_teams(c: &mut Check, plan: &Plan) {
    let s = &plan.scenario;
    for (t, team) in plan.teams.iter().enumerate() {
        let id = &s.teams[t].id;
        // A CSIRT or contact the island has not (yet) got is a what-if kept ready: not idle.
        let planned = team.island.is_some_and(|i| {
            let island = plan.islands[i.ix()];
            (team.kind == TeamKind::NationalCsirt && !island.csirt)
                || (team.kind == TeamKind::Npc && !island.npc)
        });
        let addressed = s.msel.iter().any(|i| i.to.contains(id))
            || s.expectations.iter().any(|e| &e.team == id);
        let contact = plan.island_contact.contains(&Some(t.into()));
        let hub = plan.hub.is_some_and(|h| h.ix() == t);
        if planned || addressed || contact || hub || !team.monitors.is_empty() {
            continue;
        }
        c.at(
            "teams",
            id,
            Some("monitors"),
            format!(
                "team `{id}` watches no organisation, is no island's contact and is sent no inject: \
                 it will have nothing to do"
            ),
            Some("list the organisations it monitors in `monitors`, or address injects to it".into()),
        );
    }
}

/// Expectations a team can never meet: applying shared intelligence that never reaches it (a
/// sector SOC with no `feeds`), or technical work from a Leadership team.
fn unmeetable_expectations(c: &mut Check, plan: &Plan) {
    use super::CheckPlan;
    let s = &plan.scenario;
    for (k, e) in plan.expectations.iter().enumerate() {
        let team = &plan.teams[e.team];
        let id = &s.expectations[k].id;
        let contact = plan.island_contact.contains(&Some(e.team));
        let hub = plan.hub == Some(e.team);
        let why = match e.check {
            CheckPlan::IntelApplied if !contact && !hub && team.feeds.is_empty() => format!(
                "no shared intelligence reaches `{}`: it is no island's contact, not the hub, \
                 and has no `feeds`",
                s.teams[e.team].id
            ),
            CheckPlan::IncidentOpened(_)
            | CheckPlan::IncidentContained(_)
            | CheckPlan::IntelShared(_)
            | CheckPlan::Isolates
                if team.kind == TeamKind::Leadership =>
            {
                format!(
                    "`{}` is a Leadership team: it opens no incidents and isolates nothing",
                    s.teams[e.team].id
                )
            }
            _ => continue,
        };
        c.at(
            "expectations",
            id,
            Some("check"),
            format!("expectation `{id}` can never be met: {why}"),
            Some(match e.check {
                CheckPlan::IntelApplied => "give the team `feeds: [National]` (its CSIRT passes on what it holds) or `[Hub]`".into(),
                _ => "expect a decision (`Decides`) or the facilitator's judgement (`Facilitator`) instead".into(),
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;
    use crate::scenario::{EMBEDDED_SCENARIOS, load_source};

    /// The warnings of a region built in the test, with `--set` overrides.
    fn warnings(region: &TinyRegion, set: &[&str]) -> Vec<String> {
        let source = Source {
            name: "tiny.ron".into(),
            text: region.ron(),
            dir: None,
        };
        let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
        let plan = load_source(&source, &set).unwrap_or_else(|e| panic!("{e}"));
        lint(&plan, &source)
            .iter()
            .map(|d| d.as_warning())
            .collect()
    }

    /// Two islands, a watched ministry on A attacked from D1 09:00: nothing to warn about.
    fn region() -> TinyRegion {
        TinyRegion::new()
            .island("A", true, true)
            .island("B", true, true)
            .org("gov", "A", 50, 0.5, 0.5)
            .org("bgov", "B", 50, 0.5, 0.5)
            .campaign("wave", "D1 09:00", "Organisation(\"gov\")", &["T1566.001"])
            .csirt("a-csirt", "A")
            .csirt("b-csirt", "B")
    }

    fn one(found: &[String], words: &[&str]) {
        assert_eq!(found.len(), 1, "{found:#?}");
        for w in words {
            assert!(found[0].contains(w), "`{w}` in {}", found[0]);
        }
    }

    #[test]
    fn a_sound_region_and_the_shipped_scenarios_raise_nothing() {
        assert_eq!(warnings(&region(), &[]), Vec::<String>::new());
        for (name, text) in EMBEDDED_SCENARIOS {
            let source = Source {
                name: name.to_string(),
                text: text.to_string(),
                dir: None,
            };
            let plan = load_source(&source, &[]).unwrap();
            let found: Vec<String> = lint(&plan, &source)
                .iter()
                .map(|d| d.as_warning())
                .collect();
            assert!(found.is_empty(), "{name}: {found:#?}");
        }
    }

    #[test]
    fn more_computers_than_half_the_people_is_a_typo() {
        let found = warnings(&region().org("huge", "A", 60_000, 0.5, 0.5), &[]);
        one(
            &found,
            &[
                "60050 hosts for 100000 people",
                "`huge` is the largest",
                "tiny.ron:",
            ],
        );
    }

    #[test]
    fn gdp_in_the_wrong_unit_is_caught() {
        one(
            &warnings(&region(), &["islands.A.gdp_usd=19.4"]),
            &["GDP of US$19.4", "write 2.4 billion as 2.4e9"],
        );
    }

    #[test]
    fn swapped_coordinates_leave_an_island_far_from_the_rest() {
        let found = warnings(&region(), &["islands.B.lat=-61.0", "islands.B.lon=14.0"]);
        // Each of the two is far from the other: both are named.
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found
                .iter()
                .all(|w| w.contains("km from every other island"))
        );
        assert!(found[0].contains("swapped"));
        // Far apart where they really are (the gazetteer's Mauritius and Cabo Verde): not a typo.
        let real = warnings(
            &TinyRegion::new()
                .island_with("MU", "csirt: false, npc: false")
                .island_with("CV", "csirt: false, npc: false"),
            &[
                "islands.MU.lat=-20.16",
                "islands.MU.lon=57.50",
                "islands.CV.lat=14.93",
                "islands.CV.lon=-23.51",
            ],
        );
        assert!(real.is_empty(), "{real:#?}");
        // Mauritius's id with Cabo Verde's position is still far from the rest.
        let typo = warnings(
            &TinyRegion::new()
                .island_with("MU", "csirt: false, npc: false")
                .island_with("CV", "csirt: false, npc: false"),
            &["islands.MU.lat=14.93", "islands.MU.lon=-23.51"],
        );
        assert_eq!(typo.len(), 2, "{typo:#?}");
    }

    #[test]
    fn what_comes_after_the_end_never_happens() {
        let late = region()
            .campaign("late", "D9 09:00", "Organisation(\"bgov\")", &["T1566.001"])
            .field(
                r#"msel: [Inject(id: "I9", trigger: At("D5 10:00"), kind: Narrative,
                    channel: Email, to: ["a-csirt"], title: "late")]"#,
            );
        let found = warnings(&late, &[]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("campaign `late` starts at D9 09:00"));
        assert!(found[1].contains("inject `I9` is due at D5 10:00"));
    }

    #[test]
    fn an_inject_waiting_on_an_island_nothing_attacks_never_fires() {
        let region = region().field(
            r#"msel: [Inject(id: "I1", trigger: FirstIncident("B"), kind: Narrative,
                channel: Email, to: ["b-csirt"], title: "B's first incident")]"#,
        );
        one(
            &warnings(&region, &[]),
            &["inject `I1`", "nothing attacks B"],
        );
        // Once a campaign reaches B, it can.
        let reached = region.campaign("b-wave", "D1 10:00", "Island(\"B\")", &["T1566.001"]);
        assert!(warnings(&reached, &[]).is_empty());
    }

    /// A sector SOC hears shared intelligence only through its feeds; a Leadership team does no
    /// technical work: expectations otherwise are flagged, and a fed SOC's is not.
    #[test]
    fn an_expectation_the_team_cannot_meet_is_flagged() {
        let expect = |team: &str, check: &str| {
            format!(
                r#"objectives: [Objective(id: "O", title: "o")], msel: [Inject(id: "I",
                    trigger: At("D1 09:00"), kind: Narrative, channel: Email, to: ["{team}"],
                    title: "i")], expectations: [Expectation(id: "E", team: "{team}",
                    objective: "O", description: "e", after: Inject("I"), within: "1d",
                    check: {check})]"#
            )
        };
        let unfed = region()
            .team("soc", "SectorSoc", Some("A"), 2, "OfficeHours", true)
            .monitors("soc", &["gov"])
            .field(&expect("soc", "IntelApplied"));
        one(
            &warnings(&unfed, &[]),
            &[
                "expectation `E` can never be met",
                "no shared intelligence reaches `soc`",
                "feeds",
            ],
        );
        let fed = region()
            .team_with(
                "soc",
                "SectorSoc",
                Some("A"),
                "monitors: [\"gov\"], feeds: [National]",
            )
            .field(&expect("soc", "IntelApplied"));
        assert_eq!(warnings(&fed, &[]), Vec::<String>::new());
        let leaders = region()
            .team("cabinet", "Leadership", Some("A"), 3, "OfficeHours", true)
            .field(&expect("cabinet", "Isolates"));
        one(
            &warnings(&leaders, &[]),
            &["`cabinet` is a Leadership team"],
        );
    }

    #[test]
    fn a_team_with_nothing_to_watch_or_read_is_idle() {
        let region = region().team("soc", "SectorSoc", Some("A"), 2, "OfficeHours", true);
        one(
            &warnings(&region, &[]),
            &["team `soc` watches no organisation"],
        );
    }

    /// A later module's inject due by the clock before an earlier module's last clock inject
    /// is named, with the fix; modules in order raise nothing.
    #[test]
    fn modules_whose_clock_runs_them_out_of_order_are_named() {
        let msel = |m2_at: &str| {
            format!(
                r#"modules: [Module(id: "M1", title: "One"), Module(id: "M2", title: "Two")],
                msel: [
                    Inject(id: "I1", module: Some("M1"), trigger: At("D1 09:00"), kind: Narrative,
                        channel: Email, to: ["a-csirt"], title: "a", body: "a"),
                    Inject(id: "I2", module: Some("M1"), trigger: At("D1 12:00"), kind: Narrative,
                        channel: Email, to: ["a-csirt"], title: "b", body: "b"),
                    Inject(id: "I3", module: Some("M2"), trigger: AnyOf([At("{m2_at}"), FirstIncident("A")]),
                        kind: Narrative, channel: Email, to: ["a-csirt"], title: "c", body: "c"),
                ]"#
            )
        };
        let found = warnings(&region().field(&msel("D1 10:30")), &[]);
        one(
            &found,
            &[
                "`I3` of module `M2` is due by D1 10:30",
                "`I2`",
                "`M1` at D1 12:00",
                "Inject(\"I2\")",
            ],
        );
        assert!(warnings(&region().field(&msel("D1 13:00")), &[]).is_empty());
    }
}
