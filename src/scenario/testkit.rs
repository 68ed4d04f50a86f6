//! A small region built in a test, written as the RON an author would write, so that each model
//! rule is tested on a plan a reader can see whole (never on the flagship).

use std::sync::Arc;

use super::{Plan, Source, load_source};

/// Lists of RON items, rendered into a scenario starting Monday 2026-03-02 08:00 local time.
#[derive(Clone, Debug)]
pub struct TinyRegion {
    islands: Vec<String>,
    links: Vec<String>,
    orgs: Vec<String>,
    services: Vec<String>,
    campaigns: Vec<String>,
    teams: Vec<String>,
    /// Extra top-level fields, e.g. `intel: IntelPolicy(...)`.
    fields: Vec<String>,
    duration: String,
}

impl Default for TinyRegion {
    fn default() -> Self {
        Self::new()
    }
}

impl TinyRegion {
    pub fn new() -> Self {
        TinyRegion {
            islands: Vec::new(),
            links: Vec::new(),
            orgs: Vec::new(),
            services: Vec::new(),
            campaigns: Vec::new(),
            teams: Vec::new(),
            fields: Vec::new(),
            duration: "3d".into(),
        }
    }

    /// An island at a made-up position near Saint Lucia.
    pub fn island(self, id: &str, csirt: bool, npc: bool) -> Self {
        self.island_with(id, &format!("csirt: {csirt}, npc: {npc}"))
    }

    /// An island with more fields written as RON (`csirt: false, npc: false, utc_offset: ...`).
    pub fn island_with(mut self, id: &str, fields: &str) -> Self {
        let k = self.islands.len() as f64;
        self.islands.push(format!(
            "Island(id: \"{id}\", name: \"{id}\", population: 100000, gdp_usd: 1e9, \
             lat: {}, lon: -61.0, {fields})",
            13.0 + k
        ));
        self
    }

    pub fn link(mut self, id: &str, a: &str, b: &str) -> Self {
        self.links.push(format!(
            "Link(id: \"{id}\", kind: SubmarineCable, system: \"{id}\", between: (\"{a}\", \"{b}\"))"
        ));
        self
    }

    /// An organisation with one group of `count` workstations (`ws`) at the given sensor
    /// coverage and patch level, with online backups.
    pub fn org(self, id: &str, island: &str, count: u32, coverage: f64, patch: f64) -> Self {
        self.org_with(
            id,
            island,
            &format!(
                "HostGroup(id: \"ws\", kind: Workstation, count: {count}, platform: Windows, \
                 sensor_coverage: {coverage}, patch_level: {patch}, backups: Online)"
            ),
        )
    }

    /// An organisation with the host groups given as RON.
    pub fn org_with(mut self, id: &str, island: &str, groups: &str) -> Self {
        self.orgs.push(format!(
            "Organisation(id: \"{id}\", island: \"{island}\", sector: Government, name: \"{id}\", \
             hosts: [{groups}])"
        ));
        self
    }

    /// The provider `provider` manages `clients` (remote access a trust hop can follow).
    pub fn manages(mut self, provider: &str, clients: &[&str]) -> Self {
        let list: Vec<String> = clients.iter().map(|c| format!("\"{c}\"")).collect();
        let at = format!("Organisation(id: \"{provider}\"");
        if let Some(o) = self.orgs.iter_mut().find(|o| o.starts_with(&at)) {
            o.pop();
            o.push_str(&format!(", manages: [{}])", list.join(", ")));
        }
        self
    }

    /// A service run on `needs` (`org/group` ids), depending on other services.
    pub fn service(
        mut self,
        id: &str,
        provider: &str,
        needs: &[&str],
        depends_on: &[&str],
    ) -> Self {
        let list = |xs: &[&str]| {
            xs.iter()
                .map(|x| format!("\"{x}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        self.services.push(format!(
            "Service(id: \"{id}\", name: \"{id}\", provider: \"{provider}\", needs_hosts: [{}], \
             min_hosts_up: 0.5, depends_on: [{}], cost_per_hour_usd: 1000.0, people_served: 1000)",
            list(needs),
            list(depends_on)
        ));
        self
    }

    /// A campaign by a skill-0.6 actor of its own, starting at `start`, against `targets`
    /// (RON selectors), through the techniques given by catalog id.
    pub fn campaign(mut self, id: &str, start: &str, targets: &str, techniques: &[&str]) -> Self {
        let stages: Vec<String> = techniques
            .iter()
            .map(|t| format!("Stage(technique: \"{t}\")"))
            .collect();
        self.campaigns.push(format!(
            "Campaign(id: \"{id}\", actor: \"{id}-actor\", name: \"{id}\", start: \"{start}\", \
             targets: [{targets}], stages: [{}])",
            stages.join(", ")
        ));
        self
    }

    /// A team; `kind` and `shift` as written in RON (`NationalCsirt`, `OfficeHours`), watching
    /// what the scenario's defaults give it (or what [`TinyRegion::monitors`] says).
    pub fn team(
        mut self,
        id: &str,
        kind: &str,
        island: Option<&str>,
        analysts: u32,
        shift: &str,
        auto: bool,
    ) -> Self {
        let island = island.map_or("None".into(), |i| format!("Some(\"{i}\")"));
        self.teams.push(format!(
            "Team(id: \"{id}\", name: \"{id}\", kind: {kind}, island: {island}, monitors: [], \
             analysts: {analysts}, skill: 0.5, shift: {shift}, auto: {auto})"
        ));
        self
    }

    /// The organisations a team made by [`TinyRegion::team`] watches, by id.
    pub fn monitors(mut self, team: &str, orgs: &[&str]) -> Self {
        let at = format!("Team(id: \"{team}\"");
        let list: Vec<String> = orgs.iter().map(|o| format!("\"{o}\"")).collect();
        let made = self
            .teams
            .iter_mut()
            .find(|t| t.starts_with(&at) && t.contains("monitors: [],"))
            .unwrap_or_else(|| panic!("no team `{team}` made by `team` to watch {orgs:?}"));
        *made = made.replacen(
            "monitors: []",
            &format!("monitors: [{}]", list.join(", ")),
            1,
        );
        self
    }

    /// A team of two analysts around the clock, auto-played, with more fields written as RON
    /// (`monitors: ["gov"], feeds: [National]`).
    pub fn team_with(mut self, id: &str, kind: &str, island: Option<&str>, fields: &str) -> Self {
        let island = island.map_or("None".into(), |i| format!("Some(\"{i}\")"));
        self.teams.push(format!(
            "Team(id: \"{id}\", name: \"{id}\", kind: {kind}, island: {island}, analysts: 2, \
             skill: 0.5, shift: AroundTheClock, {fields})"
        ));
        self
    }

    /// A national CSIRT of two analysts on `island`, around the clock, auto-played, watching
    /// what the scenario's defaults give it.
    pub fn csirt(self, id: &str, island: &str) -> Self {
        self.team(id, "NationalCsirt", Some(island), 2, "AroundTheClock", true)
    }

    /// Objective O1 "Talk to the press" and its one expectation, E1: team `csirt` gives a
    /// public line within an hour of D1 09:00, which only the facilitator can rate.
    pub fn press_line(self) -> Self {
        self.field(
            "objectives: [Objective(id: \"O1\", title: \"Talk to the press\")], \
             expectations: [Expectation(id: \"E1\", team: \"csirt\", objective: \"O1\", \
             description: \"A public line\", after: At(\"D1 09:00\"), within: \"1h\", \
             check: Facilitator)]",
        )
    }

    /// Any other top-level field, as RON (`intel: IntelPolicy(sharing: false)`).
    pub fn field(mut self, ron: &str) -> Self {
        self.fields.push(ron.into());
        self
    }

    pub fn duration(mut self, d: &str) -> Self {
        self.duration = d.into();
        self
    }

    pub fn ron(&self) -> String {
        let list = |xs: &[String]| xs.join(",\n        ");
        let actors: Vec<String> = self
            .campaigns
            .iter()
            .filter_map(|c| c.split("actor: \"").nth(1)?.split('"').next())
            .map(|a| format!("ThreatActor(id: \"{a}\", name: \"{a}\", skill: 0.6)"))
            .collect();
        format!(
            "Scenario(\n    format: 1,\n    name: \"tiny\",\n    start: \"2026-03-02 08:00\",\n    \
             duration: \"{}\",\n    seed: 1,\n    islands: [{}],\n    links: [{}],\n    \
             organisations: [{}],\n    services: [{}],\n    actors: [{}],\n    campaigns: [{}],\n    \
             teams: [{}],\n    {}\n)\n",
            self.duration,
            list(&self.islands),
            list(&self.links),
            list(&self.orgs),
            list(&self.services),
            list(&actors),
            list(&self.campaigns),
            list(&self.teams),
            self.fields
                .iter()
                .map(|f| format!("{f},"))
                .collect::<Vec<_>>()
                .join("\n    ")
        )
    }

    /// The plan, or a panic showing the diagnostics and the RON (a broken test fixture).
    pub fn plan(&self) -> Arc<Plan> {
        let source = Source {
            name: "tiny.ron".into(),
            text: self.ron(),
            dir: None,
        };
        match load_source(&source, &[]) {
            Ok(plan) => Arc::new(plan),
            Err(e) => panic!("{e}\n{}", source.text),
        }
    }
}
