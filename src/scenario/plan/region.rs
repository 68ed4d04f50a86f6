//! The region's fabric: islands, links, organisations with their host groups, and services in
//! dependency order.

use std::collections::{BTreeMap, BTreeSet};

use super::check::Check;
use super::{GroupPlan, MAX_HOSTS, OrgPlan, ServicePlan};
use crate::scenario::Scenario;
use crate::scenario::ids::{Ids, IslandIx, OrgIx, ServiceIx};

/// Islands need a place on the map and a non-negative economy; the exercise needs a length.
pub(super) fn check_islands(c: &mut Check, s: &Scenario) {
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
        if let Some(offset) = i.utc_offset
            && s.utc_offset.is_none()
        {
            c.at(
                "islands",
                &i.id,
                Some("utc_offset"),
                format!(
                    "island `{}` keeps {offset}, but the scenario does not say which offset its own clock is on",
                    i.id
                ),
                Some("add e.g. `utc_offset: Some(\"UTC-4\")` beside the scenario's `time_zone`".into()),
            );
        }
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
        c.not_negative("islands", &i.id, "gdp_usd", i.gdp_usd);
    }
}

/// Each link as the pair of islands it joins (`None` where an end is unknown).
pub(super) fn links(c: &mut Check, s: &Scenario, ids: &Ids) -> Vec<Option<(IslandIx, IslandIx)>> {
    s.links
        .iter()
        .map(|l| {
            let what = format!("`{}` joins", l.id);
            let a = c.reference(("links", &l.id), &what, &ids.islands, &l.between.0);
            let b = c.reference(("links", &l.id), &what, &ids.islands, &l.between.1);
            if l.between.0 == l.between.1 {
                c.at(
                    "links",
                    &l.id,
                    Some("between"),
                    format!("link `{}` joins `{}` to itself", l.id, l.between.0),
                    None,
                );
            }
            Some((a?, b?))
        })
        .collect()
}

/// Organisations with their host groups expanded into contiguous host ranges.
pub(super) struct Estate {
    pub orgs: Vec<OrgPlan>,
    pub groups: Vec<GroupPlan>,
    /// (organisation, group id) -> group index, for services' `needs_hosts`.
    pub group_ix: BTreeMap<(OrgIx, String), u32>,
    pub hosts: u64,
}

pub(super) fn estate(c: &mut Check, s: &Scenario, ids: &Ids) -> Estate {
    let mut e = Estate {
        orgs: Vec::new(),
        groups: Vec::new(),
        group_ix: BTreeMap::new(),
        hosts: 0,
    };
    for (oi, o) in s.organisations.iter().enumerate() {
        let what = format!("`{}` refers to", o.id);
        let island = c
            .reference(("organisations", &o.id), &what, &ids.islands, &o.island)
            .unwrap_or_default();
        let first_group = e.groups.len() as u32;
        let first_host = e.hosts;
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
            host_group(c, &mut e, OrgIx::from(oi), o, g);
        }
        let cap = |h: u64| h.min(u32::MAX as u64) as u32;
        e.orgs.push(OrgPlan {
            island,
            sector: o.sector,
            groups: first_group..e.groups.len() as u32,
            hosts: cap(first_host)..cap(e.hosts),
            manages: Vec::new(),
            monitored_by: None,
        });
    }
    if e.hosts > MAX_HOSTS {
        c.at(
            "organisations",
            "",
            None,
            format!(
                "the scenario expands into {} hosts; at most {MAX_HOSTS} are supported",
                e.hosts
            ),
            Some("check host group counts for an extra zero".into()),
        );
    }
    for (oi, o) in s.organisations.iter().enumerate() {
        let what = format!("`{}` manages", o.id);
        for m in &o.manages {
            match c.reference(("organisations", &o.id), &what, &ids.orgs, m) {
                Some(t) if t.ix() != oi => e.orgs[oi].manages.push(t),
                Some(_) => c.at(
                    "organisations",
                    &o.id,
                    Some("manages"),
                    format!("`{}` cannot manage itself", o.id),
                    None,
                ),
                None => {}
            }
        }
    }
    e
}

fn host_group(
    c: &mut Check,
    e: &mut Estate,
    oi: OrgIx,
    o: &crate::scenario::Organisation,
    g: &crate::scenario::HostGroup,
) {
    if e.group_ix
        .insert((oi, g.id.clone()), e.groups.len() as u32)
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
    let start = e.hosts;
    e.hosts += g.count as u64;
    let cap = |h: u64| h.min(u32::MAX as u64) as u32;
    e.groups.push(GroupPlan {
        org: oi,
        kind: g.kind,
        platform: g.platform,
        hosts: cap(start)..cap(e.hosts),
        sensor_coverage: g.sensor_coverage,
        patch_level: g.patch_level,
        backups: g.backups,
    });
}

/// Services with their host groups and dependencies, and an order in which every service
/// comes after what it depends on.
pub(super) fn services(
    c: &mut Check,
    s: &Scenario,
    ids: &Ids,
    estate: &Estate,
) -> (Vec<ServicePlan>, Vec<ServiceIx>) {
    let mut services = Vec::new();
    for sv in &s.services {
        let at = ("services", sv.id.as_str());
        let what = format!("service `{}` is provided by", sv.id);
        let org = c
            .reference(at, &what, &ids.orgs, &sv.provider)
            .unwrap_or_default();
        let mut groups = Vec::new();
        for h in &sv.needs_hosts {
            let resolved = h.split_once('/').and_then(|(o, g)| {
                let oi = ids.orgs.get(o)?;
                estate.group_ix.get(&(oi, g.to_string())).copied()
            });
            match resolved {
                Some(g) => groups.push(g),
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
        let what = format!("service `{}` depends on", sv.id);
        let depends_on = sv
            .depends_on
            .iter()
            .filter_map(|d| c.reference(at, &what, &ids.services, d))
            .collect();
        c.share("services", &sv.id, "min_hosts_up", sv.min_hosts_up);
        c.not_negative(
            "services",
            &sv.id,
            "cost_per_hour_usd",
            sv.cost_per_hour_usd,
        );
        services.push(ServicePlan {
            island: estate
                .orgs
                .get(org.ix())
                .map_or_else(Default::default, |o| o.island),
            org,
            groups,
            depends_on,
            min_hosts_up: sv.min_hosts_up,
            cost_per_hour_usd: sv.cost_per_hour_usd,
            people_served: sv.people_served,
        });
    }
    let order = match topo_order(&services) {
        Ok(order) => order,
        Err(cycle_at) => {
            let id = &s.services[cycle_at].id;
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
    (services, order)
}

/// Kahn's algorithm in index order, so the order is the same on every run. `Err` names a
/// service on a cycle.
pub(super) fn topo_order(services: &[ServicePlan]) -> Result<Vec<ServiceIx>, ServiceIx> {
    let n = services.len();
    let mut indegree: Vec<usize> = services.iter().map(|s| s.depends_on.len()).collect();
    let mut dependents = vec![Vec::new(); n];
    for (i, s) in services.iter().enumerate() {
        for &d in &s.depends_on {
            dependents[d].push(ServiceIx::from(i));
        }
    }
    let mut ready: BTreeSet<ServiceIx> = ServiceIx::all(n).filter(|i| indegree[*i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &d in &dependents[i] {
            indegree[d] -= 1;
            if indegree[d] == 0 {
                ready.insert(d);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err(ServiceIx::all(n)
            .find(|i| indegree[*i] > 0)
            .unwrap_or_default())
    }
}
