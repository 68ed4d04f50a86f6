//! Semantic validation and expansion: a parsed scenario becomes a [`Plan`] whose references are
//! resolved to indexes, or a list of positioned diagnostics saying what to fix.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{
    Backups, Catalog, Check as Checked, Diagnostic, Effect, HostKind, LoadError, Scenario, Sector,
    Shift, Source, Target, TeamKind, Technique, Trigger, find_field, find_item, line_col,
};
use crate::time::{MINUTES_PER_DAY, Span};

/// Hosts one scenario may expand into; beyond this a typo (an extra zero) is the likelier story.
pub const MAX_HOSTS: u64 = 2_000_000;

/// A validated scenario with every reference resolved to an index (file order).
#[derive(Clone, Debug)]
pub struct Plan {
    pub source_name: String,
    pub scenario: Scenario,
    pub techniques: Vec<Technique>,
    pub orgs: Vec<OrgPlan>,
    pub groups: Vec<GroupPlan>,
    pub services: Vec<ServicePlan>,
    /// Services in dependency order: each after everything it depends on.
    pub service_order: Vec<u32>,
    pub campaigns: Vec<CampaignPlan>,
    pub teams: Vec<TeamPlan>,
    pub links: Vec<(u32, u32)>,
    /// The team whose queue a victim's own report reaches, per island: its CSIRT, else its NPC.
    pub island_contact: Vec<Option<u32>>,
    /// The regional hub team, if there is one.
    pub hub: Option<u32>,
    /// Infrastructure events in time order (file order among equals).
    pub happenings: Vec<(u64, HappeningPlan)>,
    /// Bilateral sharing agreements as island pairs.
    pub bilateral: Vec<(u32, u32)>,
    pub host_count: u32,
    pub injects: Vec<InjectPlan>,
    pub expectations: Vec<ExpectationPlan>,
}

#[derive(Clone, Debug)]
pub struct OrgPlan {
    pub island: u32,
    pub sector: Sector,
    pub groups: Range<u32>,
    pub hosts: Range<u32>,
    pub manages: Vec<u32>,
    /// The team whose queue this organisation's alerts reach.
    pub monitored_by: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct GroupPlan {
    pub org: u32,
    pub kind: HostKind,
    pub hosts: Range<u32>,
    pub sensor_coverage: f64,
    pub patch_level: f64,
    pub backups: Backups,
}

#[derive(Clone, Debug)]
pub struct ServicePlan {
    pub island: u32,
    pub org: u32,
    pub groups: Vec<u32>,
    pub depends_on: Vec<u32>,
    pub min_hosts_up: f64,
    pub cost_per_hour_usd: f64,
    pub people_served: u64,
}

#[derive(Clone, Debug)]
pub struct CampaignPlan {
    pub actor: u32,
    pub actor_skill: f64,
    pub start_tick: u64,
    pub targets: Vec<u32>,
    pub stages: Vec<StagePlan>,
}

#[derive(Clone, Copy, Debug)]
pub struct StagePlan {
    pub technique: u32,
    pub duration: Span,
}

/// What starts an inject or an expectation's clock, resolved to indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TriggerPlan {
    At(u64),
    FirstIncident(u32),
    RansomNote(u32),
    ServiceDown(u32),
    CampaignStarted(u32),
    IntelApplied(u32),
    Inject(u32),
}

#[derive(Clone, Debug)]
pub struct InjectPlan {
    pub trigger: TriggerPlan,
    pub delay: u64,
    pub to: Vec<u32>,
    pub decision: Option<DecisionPlan>,
    pub contingency_only: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct DecisionPlan {
    pub default: u32,
    pub takes: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckPlan {
    IncidentOpened,
    IncidentContained,
    IntelShared(crate::scenario::Tlp),
    IntelApplied,
    Isolates,
    AssistanceRequested,
    Decides(u32),
    Facilitator,
}

#[derive(Clone, Debug)]
pub struct ExpectationPlan {
    pub team: u32,
    pub objective: u32,
    pub after: TriggerPlan,
    pub within: u64,
    pub check: CheckPlan,
    pub contingency: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HappeningPlan {
    CableCut(u32),
    CableRepaired(u32),
    PowerOutage { island: u32, minutes: u64 },
}

#[derive(Clone, Debug)]
pub struct TeamPlan {
    pub island: Option<u32>,
    pub kind: TeamKind,
    pub analysts: u32,
    pub skill: f64,
    pub shift: Shift,
    pub auto: bool,
    pub monitors: Vec<u32>,
}

impl Plan {
    pub fn org_ids(&self) -> impl Iterator<Item = &str> {
        self.scenario.organisations.iter().map(|o| o.id.as_str())
    }
    pub fn island_of_org(&self, org: u32) -> u32 {
        self.orgs[org as usize].island
    }
    pub fn group_of_host(&self, host: u32) -> u32 {
        // Groups are contiguous and sorted by first host.
        self.groups.partition_point(|g| g.hosts.end <= host) as u32
    }
    pub fn org_of_host(&self, host: u32) -> u32 {
        self.groups[self.group_of_host(host) as usize].org
    }
}

/// Collects diagnostics, each pointing at the item (and field) at fault.
struct Check<'a> {
    source: &'a Source,
    found: Vec<Diagnostic>,
}

impl Check<'_> {
    fn at(
        &mut self,
        list: &str,
        id: &str,
        field: Option<&str>,
        message: String,
        help: Option<String>,
    ) {
        let text = &self.source.text;
        let item = find_item(text, list, id).or_else(|| find_field(text, 0, list));
        let pos = match (item, field) {
            (Some(i), Some(f)) => find_field(text, i + 1, f)
                .filter(|p| {
                    // Only accept the field if it belongs to this item, i.e. comes before the next `id:`.
                    find_field(text, i + 1, "id").is_none_or(|next| *p < next)
                })
                .unwrap_or(i),
            (Some(i), None) => i,
            (None, _) => 0,
        };
        let (line, col) = line_col(text, pos);
        self.found.push(Diagnostic {
            file: self.source.name.clone(),
            line,
            col,
            message,
            help,
        });
    }

    /// Points at a quoted value (a reference) inside the item, e.g. the `"XX"` of `island: "XX"`.
    fn at_value(
        &mut self,
        list: &str,
        id: &str,
        value: &str,
        message: String,
        help: Option<String>,
    ) {
        let text = &self.source.text;
        let quoted = format!("\"{value}\"");
        let pos =
            find_item(text, list, id).and_then(|i| text[i + 1..].find(&quoted).map(|p| p + i + 1));
        match pos {
            Some(pos) => {
                let (line, col) = line_col(text, pos);
                self.found.push(Diagnostic {
                    file: self.source.name.clone(),
                    line,
                    col,
                    message,
                    help,
                });
            }
            None => self.at(list, id, None, message, help),
        }
    }

    /// Points at `field` of the nested item `sub` (a host group) inside the item `id`.
    fn at_sub(
        &mut self,
        list: &str,
        id: &str,
        sub: &str,
        field: &str,
        message: String,
        help: Option<String>,
    ) {
        let text = &self.source.text;
        let quoted = format!("\"{sub}\"");
        let pos = find_item(text, list, id)
            .and_then(|i| text[i + 1..].find(&quoted).map(|p| p + i + 1))
            .and_then(|g| find_field(text, g, field));
        match pos {
            Some(pos) => {
                let (line, col) = line_col(text, pos);
                self.found.push(Diagnostic {
                    file: self.source.name.clone(),
                    line,
                    col,
                    message,
                    help,
                });
            }
            None => self.at(list, id, Some(field), message, help),
        }
    }
}

fn index_of<'a>(ids: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, u32> {
    let mut map = BTreeMap::new();
    for (i, id) in ids.enumerate() {
        map.entry(id).or_insert(i as u32);
    }
    map
}

fn suggest(known: &BTreeMap<&str, u32>) -> String {
    let names: Vec<&str> = known.keys().copied().take(25).collect();
    let more = if known.len() > 25 { ", ..." } else { "" };
    format!("known ids: {}{more}", names.join(", "))
}

fn share(c: &mut Check, list: &str, id: &str, field: &str, v: f64) {
    if !(0.0..=1.0).contains(&v) || v.is_nan() {
        c.at(
            list,
            id,
            Some(field),
            format!("`{field}` is {v}, but it is a share between 0 and 1"),
            Some("write e.g. 0.6 for 60%".into()),
        );
    }
}

fn positive_money(c: &mut Check, list: &str, id: &str, field: &str, v: f64) {
    if !v.is_finite() || v < 0.0 {
        c.at(
            list,
            id,
            Some(field),
            format!("`{field}` is {v}; it must be zero or more"),
            None,
        );
    }
}

pub(super) fn build(
    source: &Source,
    scenario: Scenario,
    catalog: Catalog,
) -> Result<Plan, LoadError> {
    let mut c = Check {
        source,
        found: Vec::new(),
    };
    let s = &scenario;

    // Unique ids per list.
    fn dupes<'a>(c: &mut Check, list: &str, ids: impl Iterator<Item = &'a str>) {
        let mut seen = BTreeMap::new();
        for id in ids {
            if seen.insert(id, ()).is_some() {
                c.at(
                    list,
                    id,
                    None,
                    format!("`{id}` is declared twice in `{list}`"),
                    Some("give each item its own id".into()),
                );
            }
        }
    }
    dupes(&mut c, "islands", s.islands.iter().map(|i| i.id.as_str()));
    dupes(&mut c, "links", s.links.iter().map(|i| i.id.as_str()));
    dupes(
        &mut c,
        "organisations",
        s.organisations.iter().map(|i| i.id.as_str()),
    );
    dupes(&mut c, "services", s.services.iter().map(|i| i.id.as_str()));
    dupes(&mut c, "actors", s.actors.iter().map(|i| i.id.as_str()));
    dupes(
        &mut c,
        "campaigns",
        s.campaigns.iter().map(|i| i.id.as_str()),
    );
    dupes(&mut c, "teams", s.teams.iter().map(|i| i.id.as_str()));

    let islands = index_of(s.islands.iter().map(|i| i.id.as_str()));
    let orgs_ix = index_of(s.organisations.iter().map(|o| o.id.as_str()));
    let services_ix = index_of(s.services.iter().map(|o| o.id.as_str()));
    let actors = index_of(s.actors.iter().map(|o| o.id.as_str()));
    let techniques = index_of(catalog.techniques.iter().map(|t| t.id.as_str()));

    if s.islands.is_empty() {
        c.at(
            "islands",
            "",
            None,
            "the scenario has no islands".into(),
            Some("add at least one `Island(...)`".into()),
        );
    }
    if s.duration.0 == 0 {
        c.at(
            "duration",
            "",
            None,
            "`duration` is zero".into(),
            Some("write e.g. `72h`".into()),
        );
    }
    for i in &s.islands {
        if !(-90.0..=90.0).contains(&i.lat) || !(-180.0..=180.0).contains(&i.lon) {
            c.at(
                "islands",
                &i.id,
                Some("lat"),
                format!(
                    "island `{}` has no real position ({}, {})",
                    i.id, i.lat, i.lon
                ),
                Some("lat is -90..90, lon -180..180".into()),
            );
        }
        positive_money(&mut c, "islands", &i.id, "gdp_usd", i.gdp_usd);
    }

    let island_ref = |c: &mut Check, list: &str, item: &str, field: &str, id: &str| -> u32 {
        match islands.get(id) {
            Some(i) => *i,
            None => {
                let _ = field;
                c.at_value(
                    list,
                    item,
                    id,
                    format!("`{item}` refers to island `{id}`, which is not declared"),
                    Some(suggest(&islands)),
                );
                0
            }
        }
    };

    let mut links = Vec::new();
    for l in &s.links {
        let a = island_ref(&mut c, "links", &l.id, "between", &l.between.0);
        let b = island_ref(&mut c, "links", &l.id, "between", &l.between.1);
        if l.between.0 == l.between.1 {
            c.at(
                "links",
                &l.id,
                Some("between"),
                format!("link `{}` joins `{}` to itself", l.id, l.between.0),
                None,
            );
        }
        links.push((a, b));
    }

    // Organisations and their hosts.
    let mut orgs = Vec::new();
    let mut groups = Vec::new();
    let mut group_ix: BTreeMap<(u32, &str), u32> = BTreeMap::new();
    let mut host: u64 = 0;
    for (oi, o) in s.organisations.iter().enumerate() {
        let island = island_ref(&mut c, "organisations", &o.id, "island", &o.island);
        let first_group = groups.len() as u32;
        let first_host = host;
        if o.hosts.is_empty() {
            c.at(
                "organisations",
                &o.id,
                Some("hosts"),
                format!("organisation `{}` has no hosts", o.id),
                Some("add a `HostGroup(...)`".into()),
            );
        }
        for g in &o.hosts {
            if group_ix
                .insert((oi as u32, g.id.as_str()), groups.len() as u32)
                .is_some()
            {
                c.at(
                    "organisations",
                    &o.id,
                    Some("hosts"),
                    format!("host group `{}` appears twice in `{}`", g.id, o.id),
                    None,
                );
            }
            if g.count == 0 {
                c.at_sub(
                    "organisations",
                    &o.id,
                    &g.id,
                    "count",
                    format!("host group `{}/{}` has count 0", o.id, g.id),
                    Some("remove the group or give it hosts".into()),
                );
            }
            for (field, v) in [
                ("sensor_coverage", g.sensor_coverage),
                ("patch_level", g.patch_level),
            ] {
                if !(0.0..=1.0).contains(&v) || v.is_nan() {
                    c.at_sub(
                        "organisations",
                        &o.id,
                        &g.id,
                        field,
                        format!(
                            "`{field}` of `{}/{}` is {v}, but it is a share between 0 and 1",
                            o.id, g.id
                        ),
                        Some("write e.g. 0.6 for 60%".into()),
                    );
                }
            }
            let start = host;
            host += g.count as u64;
            groups.push(GroupPlan {
                org: oi as u32,
                kind: g.kind,
                hosts: start.min(u32::MAX as u64) as u32..host.min(u32::MAX as u64) as u32,
                sensor_coverage: g.sensor_coverage,
                patch_level: g.patch_level,
                backups: g.backups,
            });
        }
        orgs.push(OrgPlan {
            island,
            sector: o.sector,
            groups: first_group..groups.len() as u32,
            hosts: first_host.min(u32::MAX as u64) as u32..host.min(u32::MAX as u64) as u32,
            manages: Vec::new(),
            monitored_by: None,
        });
    }
    if host > MAX_HOSTS {
        c.at(
            "organisations",
            "",
            None,
            format!("the scenario expands into {host} hosts; at most {MAX_HOSTS} are supported"),
            Some("check host group counts for an extra zero".into()),
        );
    }
    for (oi, o) in s.organisations.iter().enumerate() {
        for m in &o.manages {
            match orgs_ix.get(m.as_str()) {
                Some(&t) if t as usize != oi => orgs[oi].manages.push(t),
                Some(_) => c.at(
                    "organisations",
                    &o.id,
                    Some("manages"),
                    format!("`{}` cannot manage itself", o.id),
                    None,
                ),
                None => c.at_value(
                    "organisations",
                    &o.id,
                    m,
                    format!(
                        "`{}` manages `{m}`, which is not a declared organisation",
                        o.id
                    ),
                    Some(suggest(&orgs_ix)),
                ),
            }
        }
    }

    // Services.
    let mut services = Vec::new();
    for sv in &s.services {
        let org = match orgs_ix.get(sv.provider.as_str()) {
            Some(o) => *o,
            None => {
                c.at_value(
                    "services",
                    &sv.id,
                    &sv.provider,
                    format!(
                        "service `{}` is provided by `{}`, which is not a declared organisation",
                        sv.id, sv.provider
                    ),
                    Some(suggest(&orgs_ix)),
                );
                0
            }
        };
        let mut gs = Vec::new();
        for h in &sv.needs_hosts {
            let resolved = h.split_once('/').and_then(|(o, g)| {
                let oi = *orgs_ix.get(o)?;
                group_ix.get(&(oi, g)).copied()
            });
            match resolved {
                Some(g) => gs.push(g),
                None => c.at_value(
                    "services",
                    &sv.id,
                    h,
                    format!(
                        "service `{}` needs hosts `{h}`, which is not a declared host group",
                        sv.id
                    ),
                    Some("write `organisation-id/group-id`, e.g. `lc-port/srv`".into()),
                ),
            }
        }
        let mut deps = Vec::new();
        for d in &sv.depends_on {
            match services_ix.get(d.as_str()) {
                Some(x) => deps.push(*x),
                None => c.at_value(
                    "services",
                    &sv.id,
                    d,
                    format!(
                        "service `{}` depends on `{d}`, which is not a declared service",
                        sv.id
                    ),
                    Some(suggest(&services_ix)),
                ),
            }
        }
        share(&mut c, "services", &sv.id, "min_hosts_up", sv.min_hosts_up);
        positive_money(
            &mut c,
            "services",
            &sv.id,
            "cost_per_hour_usd",
            sv.cost_per_hour_usd,
        );
        services.push(ServicePlan {
            island: orgs.get(org as usize).map_or(0, |o| o.island),
            org,
            groups: gs,
            depends_on: deps,
            min_hosts_up: sv.min_hosts_up,
            cost_per_hour_usd: sv.cost_per_hour_usd,
            people_served: sv.people_served,
        });
    }
    let service_order = match topo_order(&services) {
        Ok(order) => order,
        Err(cycle_at) => {
            let id = &s.services[cycle_at as usize].id;
            c.at(
                "services",
                id,
                Some("depends_on"),
                format!("service `{id}` depends on itself through a cycle of `depends_on`"),
                Some("a service cannot need, directly or indirectly, itself".into()),
            );
            Vec::new()
        }
    };

    // Actors and campaigns.
    for a in &s.actors {
        share(&mut c, "actors", &a.id, "skill", a.skill);
    }
    let start_minute = s.start.minute_of_day;
    let mut campaigns = Vec::new();
    for cp in &s.campaigns {
        let actor = actors.get(cp.actor.as_str()).copied().unwrap_or(0);
        let skill = match actors.get(cp.actor.as_str()) {
            Some(a) => s.actors[*a as usize].skill,
            None => {
                c.at_value(
                    "campaigns",
                    &cp.id,
                    &cp.actor,
                    format!(
                        "campaign `{}` is run by `{}`, which is not a declared actor",
                        cp.id, cp.actor
                    ),
                    Some(suggest(&actors)),
                );
                0.5
            }
        };
        let start_tick = match cp.start.to_tick(start_minute) {
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
        if start_tick > 365 * MINUTES_PER_DAY {
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
        let mut targets = Vec::new();
        for t in &cp.targets {
            let before = targets.len();
            match t {
                Target::Organisation(o) => match orgs_ix.get(o.as_str()) {
                    Some(x) => targets.push(*x),
                    None => c.at_value(
                        "campaigns",
                        &cp.id,
                        o,
                        format!(
                            "campaign `{}` targets organisation `{o}`, which is not declared",
                            cp.id
                        ),
                        Some(suggest(&orgs_ix)),
                    ),
                },
                Target::Island(i) | Target::IslandSector(i, _)
                    if !islands.contains_key(i.as_str()) =>
                {
                    c.at_value(
                        "campaigns",
                        &cp.id,
                        i,
                        format!(
                            "campaign `{}` targets island `{i}`, which is not declared",
                            cp.id
                        ),
                        Some(suggest(&islands)),
                    );
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
                            targets.push(oi as u32);
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
        let mut stages = Vec::new();
        for (k, st) in cp.stages.iter().enumerate() {
            match techniques.get(st.technique.as_str()) {
                Some(&t) => {
                    let tech = &catalog.techniques[t as usize];
                    if k == 0 && !tech.effect.is_initial_access() {
                        c.at("campaigns", &cp.id, Some("stages"), format!("campaign `{}` opens with {} ({}), which is not an initial-access technique", cp.id, tech.id, tech.name), Some("start with phishing, an exploit of a public-facing application, valid accounts or a DDoS".into()));
                    }
                    if k > 0
                        && tech.effect.is_initial_access()
                        && tech.effect != Effect::ValidAccounts
                    {
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
                None => c.at_value(
                    "campaigns",
                    &cp.id,
                    &st.technique,
                    format!(
                        "campaign `{}` uses technique `{}`, which is not in the catalog",
                        cp.id, st.technique
                    ),
                    Some(suggest(&techniques)),
                ),
            }
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
        campaigns.push(CampaignPlan {
            actor,
            actor_skill: skill,
            start_tick,
            targets,
            stages,
        });
    }

    // Teams, and who watches whom.
    let mut teams = Vec::new();
    for t in &s.teams {
        let island = t
            .island
            .as_ref()
            .map(|i| island_ref(&mut c, "teams", &t.id, "island", i));
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
        share(&mut c, "teams", &t.id, "skill", t.skill);
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
        let mut monitors = Vec::new();
        for m in &t.monitors {
            match orgs_ix.get(m.as_str()) {
                Some(x) => monitors.push(*x),
                None => c.at_value(
                    "teams",
                    &t.id,
                    m,
                    format!(
                        "team `{}` monitors `{m}`, which is not a declared organisation",
                        t.id
                    ),
                    Some(suggest(&orgs_ix)),
                ),
            }
        }
        teams.push(TeamPlan {
            island,
            kind: t.kind,
            analysts: t.analysts,
            skill: t.skill,
            shift: t.shift,
            auto: t.auto,
            monitors,
        });
    }
    for (ti, t) in teams.iter().enumerate() {
        for &o in &t.monitors {
            orgs[o as usize].monitored_by.get_or_insert(ti as u32);
        }
    }
    let mut island_contact = vec![None; s.islands.len()];
    for (ii, isl) in s.islands.iter().enumerate() {
        let find = |kind: TeamKind| {
            teams
                .iter()
                .position(|t| t.kind == kind && t.island == Some(ii as u32))
                .map(|x| x as u32)
        };
        let csirt = find(TeamKind::NationalCsirt);
        if isl.csirt && csirt.is_none() {
            c.at("islands", &isl.id, Some("csirt"), format!("island `{}` says it has a national CSIRT, but no team of kind NationalCsirt serves it", isl.id), Some("add the team, or set `csirt: false`".into()));
        }
        if isl.npc && find(TeamKind::Npc).is_none() && !(isl.csirt && csirt.is_some()) {
            c.at("islands", &isl.id, Some("npc"), format!("island `{}` says it has designated a point of contact, but no team of kind Npc (or national CSIRT) serves it", isl.id), Some("add an Npc team for the island, or set `npc: false`".into()));
        }
        let csirt = csirt.filter(|_| isl.csirt);
        let npc = find(TeamKind::Npc).filter(|_| isl.npc);
        // A CSIRT watches its island's organisations that no sector SOC watches.
        if let Some(team) = csirt {
            for o in orgs
                .iter_mut()
                .filter(|o| o.island == ii as u32 && o.monitored_by.is_none())
            {
                o.monitored_by = Some(team);
            }
        }
        island_contact[ii] = csirt.or(npc);
    }

    // Teams on islands whose CSIRT was switched off by an override stand down.
    for (ti, t) in teams.iter_mut().enumerate() {
        let Some(i) = t.island else { continue };
        let isl = &s.islands[i as usize];
        let off = (t.kind == TeamKind::NationalCsirt && !isl.csirt)
            || (t.kind == TeamKind::Npc && !isl.npc);
        if off {
            for o in orgs
                .iter_mut()
                .filter(|o| o.monitored_by == Some(ti as u32))
            {
                o.monitored_by = None;
            }
            t.monitors.clear();
        }
    }

    // Infrastructure events.
    let links_ix = index_of(s.links.iter().map(|l| l.id.as_str()));
    let mut happenings = Vec::new();
    for (k, h) in s.events.iter().enumerate() {
        let tick = match h.at.to_tick(start_minute) {
            Some(t) => t,
            None => {
                c.at(
                    "events",
                    "",
                    None,
                    format!(
                        "event #{} happens at {}, before the exercise starts",
                        k + 1,
                        h.at
                    ),
                    None,
                );
                0
            }
        };
        let link = |c: &mut Check, id: &str| match links_ix.get(id) {
            Some(l) => Some(*l),
            None => {
                c.at_value(
                    "events",
                    "",
                    id,
                    format!("event #{} names link `{id}`, which is not declared", k + 1),
                    Some(suggest(&links_ix)),
                );
                None
            }
        };
        let resolved = match &h.what {
            crate::scenario::Infrastructure::CableCut(id) => {
                link(&mut c, id).map(HappeningPlan::CableCut)
            }
            crate::scenario::Infrastructure::CableRepaired(id) => {
                link(&mut c, id).map(HappeningPlan::CableRepaired)
            }
            crate::scenario::Infrastructure::PowerOutage { island, duration } => {
                match islands.get(island.as_str()) {
                    Some(i) => Some(HappeningPlan::PowerOutage {
                        island: *i,
                        minutes: duration.0,
                    }),
                    None => {
                        c.at_value(
                            "events",
                            "",
                            island,
                            format!(
                                "event #{} names island `{island}`, which is not declared",
                                k + 1
                            ),
                            Some(suggest(&islands)),
                        );
                        None
                    }
                }
            }
        };
        if let Some(r) = resolved {
            happenings.push((tick, r));
        }
    }
    happenings.sort_by_key(|(t, _)| *t);

    // Intelligence sharing and assistance.
    let ip = &s.intel;
    let mut bilateral = Vec::new();
    for (a, b) in &ip.bilateral {
        match (islands.get(a.as_str()), islands.get(b.as_str())) {
            (Some(x), Some(y)) if x != y => bilateral.push((*x, *y)),
            (Some(_), Some(_)) => c.at_value(
                "intel",
                "",
                a,
                format!("bilateral agreement between `{a}` and itself"),
                None,
            ),
            _ => {
                let bad = if islands.contains_key(a.as_str()) {
                    b
                } else {
                    a
                };
                c.at_value(
                    "intel",
                    "",
                    bad,
                    format!("bilateral agreement names island `{bad}`, which is not declared"),
                    Some(suggest(&islands)),
                );
            }
        }
    }
    if !(0.0..=1.0).contains(&ip.block) {
        c.at(
            "intel",
            "",
            Some("block"),
            format!(
                "`intel.block` is {}, but it is a chance between 0 and 1",
                ip.block
            ),
            None,
        );
    }
    if !(1.0..=100.0).contains(&ip.detection_boost) {
        c.at(
            "intel",
            "",
            Some("detection_boost"),
            format!(
                "`intel.detection_boost` is {}; it multiplies detection, so 1 (no effect) to 100",
                ip.detection_boost
            ),
            None,
        );
    }
    let hub = teams
        .iter()
        .position(|t| t.kind == TeamKind::RegionalHub)
        .map(|h| h as u32);

    for (k, t) in catalog.techniques.iter().enumerate() {
        let fine = (0.0..=1.0).contains(&t.success)
            && (0.0..=1.0).contains(&t.detectability)
            && (0.0..=1.0).contains(&t.patch_sensitivity);
        if !fine {
            c.found.push(Diagnostic { file: s.catalog.clone(), line: 1, col: 1, message: format!("technique #{k} `{}`: success, detectability and patch_sensitivity are shares between 0 and 1", t.id), help: None });
        }
    }

    // The MSEL: triggers, recipients, decisions, expectations and objectives.
    let (injects, expectations) = resolve_msel(&mut c, s, &islands, &services_ix, start_minute);

    if !c.found.is_empty() {
        c.found.sort_by_key(|d| (d.line, d.col));
        c.found.dedup();
        return Err(LoadError(c.found));
    }
    let plan = Plan {
        source_name: source.name.clone(),
        techniques: catalog.techniques,
        orgs,
        groups,
        services,
        service_order,
        campaigns,
        teams,
        links,
        island_contact,
        hub,
        happenings,
        bilateral,
        host_count: host as u32,
        injects,
        expectations,
        scenario,
    };
    // Commands inside injects and decisions are checked against the finished plan.
    let mut c = Check {
        source,
        found: Vec::new(),
    };
    for inj in &plan.scenario.msel {
        let options = inj
            .decision
            .iter()
            .flat_map(|d| d.options.iter().flat_map(|o| o.effects.iter()));
        for cmd in inj.effects.iter().chain(options) {
            if let Err(e) = cmd.resolve(&plan) {
                c.at(
                    "msel",
                    &inj.id,
                    Some("effects"),
                    format!("inject `{}`: {e}", inj.id),
                    None,
                );
            }
        }
    }
    if !c.found.is_empty() {
        return Err(LoadError(c.found));
    }
    Ok(plan)
}

fn resolve_trigger(
    c: &mut Check,
    list: &str,
    id: &str,
    t: &Trigger,
    s: &Scenario,
    islands: &BTreeMap<&str, u32>,
    services: &BTreeMap<&str, u32>,
    start_minute: u64,
) -> TriggerPlan {
    let find = |c: &mut Check, what: &str, ids: &BTreeMap<&str, u32>, x: &str| -> u32 {
        ids.get(x).copied().unwrap_or_else(|| {
            c.at_value(
                list,
                id,
                x,
                format!("`{id}` is triggered by {what} `{x}`, which is not declared"),
                Some(suggest(ids)),
            );
            0
        })
    };
    let campaigns = index_of(s.campaigns.iter().map(|x| x.id.as_str()));
    let injects = index_of(s.msel.iter().map(|x| x.id.as_str()));
    match t {
        Trigger::At(w) => TriggerPlan::At(w.to_tick(start_minute).unwrap_or_else(|| {
            c.at(
                list,
                id,
                Some("trigger"),
                format!("`{id}` is set for {w}, before the exercise starts"),
                None,
            );
            0
        })),
        Trigger::FirstIncident(i) => TriggerPlan::FirstIncident(find(c, "island", islands, i)),
        Trigger::RansomNote(i) => TriggerPlan::RansomNote(find(c, "island", islands, i)),
        Trigger::IntelApplied(i) => TriggerPlan::IntelApplied(find(c, "island", islands, i)),
        Trigger::ServiceDown(x) => TriggerPlan::ServiceDown(find(c, "service", services, x)),
        Trigger::CampaignStarted(x) => {
            TriggerPlan::CampaignStarted(find(c, "campaign", &campaigns, x))
        }
        Trigger::Inject(x) => TriggerPlan::Inject(find(c, "inject", &injects, x)),
    }
}

fn resolve_msel(
    c: &mut Check,
    s: &Scenario,
    islands: &BTreeMap<&str, u32>,
    services: &BTreeMap<&str, u32>,
    start_minute: u64,
) -> (Vec<InjectPlan>, Vec<ExpectationPlan>) {
    let teams = index_of(s.teams.iter().map(|x| x.id.as_str()));
    let injects_ix = index_of(s.msel.iter().map(|x| x.id.as_str()));
    let objectives = index_of(s.objectives.iter().map(|x| x.id.as_str()));
    let mut seen = BTreeMap::new();
    for i in &s.msel {
        if seen.insert(i.id.as_str(), ()).is_some() {
            c.at(
                "msel",
                &i.id,
                None,
                format!("inject `{}` is declared twice", i.id),
                None,
            );
        }
    }
    let mut injects = Vec::new();
    for inj in &s.msel {
        let trigger = resolve_trigger(
            c,
            "msel",
            &inj.id,
            &inj.trigger,
            s,
            islands,
            services,
            start_minute,
        );
        let mut to = Vec::new();
        for t in &inj.to {
            match teams.get(t.as_str()) {
                Some(x) => to.push(*x),
                None => c.at_value(
                    "msel",
                    &inj.id,
                    t,
                    format!(
                        "inject `{}` is addressed to team `{t}`, which is not declared",
                        inj.id
                    ),
                    Some(suggest(&teams)),
                ),
            }
        }
        let decision = inj.decision.as_ref().map(|d| {
            let default = d
                .options
                .iter()
                .position(|o| o.id == d.default)
                .unwrap_or_else(|| {
                    c.at_value(
                        "msel",
                        &inj.id,
                        &d.default,
                        format!(
                            "inject `{}`: the default `{}` is not one of its options",
                            inj.id, d.default
                        ),
                        None,
                    );
                    0
                }) as u32;
            if d.options.is_empty() {
                c.at(
                    "msel",
                    &inj.id,
                    Some("options"),
                    format!("inject `{}`: a decision needs options", inj.id),
                    None,
                );
            }
            DecisionPlan {
                default,
                takes: d.takes.0,
            }
        });
        injects.push(InjectPlan {
            trigger,
            delay: inj.delay.0,
            to,
            decision,
            contingency_only: inj.contingency_only,
        });
    }
    let mut expectations = Vec::new();
    let mut seen = BTreeMap::new();
    for e in &s.expectations {
        if seen.insert(e.id.as_str(), ()).is_some() {
            c.at(
                "expectations",
                &e.id,
                None,
                format!("expectation `{}` is declared twice", e.id),
                None,
            );
        }
        let team = teams.get(e.team.as_str()).copied().unwrap_or_else(|| {
            c.at_value(
                "expectations",
                &e.id,
                &e.team,
                format!(
                    "expectation `{}` is for team `{}`, which is not declared",
                    e.id, e.team
                ),
                Some(suggest(&teams)),
            );
            0
        });
        let objective = objectives
            .get(e.objective.as_str())
            .copied()
            .unwrap_or_else(|| {
                c.at_value(
                    "expectations",
                    &e.id,
                    &e.objective,
                    format!(
                        "expectation `{}` belongs to objective `{}`, which is not declared",
                        e.id, e.objective
                    ),
                    Some(suggest(&objectives)),
                );
                0
            });
        let after = resolve_trigger(
            c,
            "expectations",
            &e.id,
            &e.after,
            s,
            islands,
            services,
            start_minute,
        );
        let check = match &e.check {
            Checked::Decides(i) => match injects_ix.get(i.as_str()) {
                Some(&x) if s.msel[x as usize].decision.is_some() => CheckPlan::Decides(x),
                _ => {
                    c.at_value("expectations", &e.id, i, format!("expectation `{}` waits for a decision on `{i}`, which is not an inject with a decision", e.id), None);
                    CheckPlan::Facilitator
                }
            },
            Checked::IncidentOpened => CheckPlan::IncidentOpened,
            Checked::IncidentContained => CheckPlan::IncidentContained,
            Checked::IntelShared(t) => CheckPlan::IntelShared(*t),
            Checked::IntelApplied => CheckPlan::IntelApplied,
            Checked::Isolates => CheckPlan::Isolates,
            Checked::AssistanceRequested => CheckPlan::AssistanceRequested,
            Checked::Facilitator => CheckPlan::Facilitator,
        };
        let contingency = e
            .contingency
            .as_ref()
            .and_then(|i| match injects_ix.get(i.as_str()) {
                Some(x) => Some(*x),
                None => {
                    c.at_value(
                        "expectations",
                        &e.id,
                        i,
                        format!(
                            "expectation `{}` falls back on inject `{i}`, which is not declared",
                            e.id
                        ),
                        Some(suggest(&injects_ix)),
                    );
                    None
                }
            });
        if e.within.0 == 0 {
            c.at(
                "expectations",
                &e.id,
                Some("within"),
                format!("expectation `{}` gives no time (`within` is zero)", e.id),
                None,
            );
        }
        expectations.push(ExpectationPlan {
            team,
            objective,
            after,
            within: e.within.0,
            check,
            contingency,
        });
    }
    (injects, expectations)
}

/// Kahn's algorithm in index order, so the order is the same on every run. `Err` names a
/// service on a cycle.
fn topo_order(services: &[ServicePlan]) -> Result<Vec<u32>, u32> {
    let n = services.len();
    let mut indegree: Vec<usize> = services.iter().map(|s| s.depends_on.len()).collect();
    let mut dependents = vec![Vec::new(); n];
    for (i, s) in services.iter().enumerate() {
        for &d in &s.depends_on {
            dependents[d as usize].push(i as u32);
        }
    }
    let mut ready: std::collections::BTreeSet<u32> = (0..n as u32)
        .filter(|i| indegree[*i as usize] == 0)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &d in &dependents[i as usize] {
            indegree[d as usize] -= 1;
            if indegree[d as usize] == 0 {
                ready.insert(d);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err((0..n as u32)
            .find(|i| indegree[*i as usize] > 0)
            .unwrap_or(0))
    }
}
