//! Evidence at the seats: in a technical exercise a team's seats download the records its
//! sensors and collections hold up to now, over plain HTTP from the lab host
//! (`/evidence/ag-npc.ndjson?code=K7M2QX`, `&org=ag-gov` for one organisation's, `.cef.log`
//! for syslog lines), so a trainee opens them in the tools used at work without a facilitator
//! running `tidewatch evidence` for each team. The facilitator's code downloads every sensor's
//! records, the intruder's marked (`/evidence/all.ndjson`).
//!
//! The records are made on request from a copy of the live log (`Ledger`, brought up to date
//! by the host between ticks), the way `tidewatch evidence` makes them from a journal: the
//! same run gives the same bytes either way, and the exercise's thread never waits on a
//! download. The join code is checked by the gate, wrong codes counted and held as a seat's.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use crate::evidence::{self, Format, Scope, Wanted, Written};
use crate::scenario::Plan;
use crate::scenario::ids::{OrgIx, TeamIx};
use crate::sim::events::Stamped;

/// The file name the facilitator's download answers to.
pub const ALL: &str = "all";

/// What the seats' downloads are made from: the plan, the seed, and the log up to the last
/// tick the host served.
pub(super) struct Ledger {
    plan: Arc<Plan>,
    seed: u64,
    events: Vec<Stamped>,
    now: u64,
}

pub(super) type SharedLedger = Arc<Mutex<Ledger>>;

impl Ledger {
    pub fn new(plan: Arc<Plan>, seed: u64) -> SharedLedger {
        Arc::new(Mutex::new(Ledger {
            plan,
            seed,
            events: Vec::new(),
            now: 0,
        }))
    }

    /// Copies the events the log gained since the last call (a log that shrank, as after a
    /// rewind, is copied whole).
    pub fn catch_up(&mut self, log: &[Stamped], now: u64) {
        if log.len() < self.events.len() {
            self.events.clear();
        }
        self.events.extend_from_slice(&log[self.events.len()..]);
        self.now = now;
    }
}

/// A download asked for: whose file (a team's id, or [`ALL`]), with what code, of which
/// organisation, in which form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Download {
    pub team: String,
    pub code: String,
    pub org: Option<String>,
    pub format: Format,
}

impl Download {
    /// `/evidence/<team>.ndjson` or `.cef.log`, with `code=` and an optional `org=` in the
    /// query; `None` for another path, `Err` for an evidence path said wrong.
    pub fn parse(target: &str) -> Option<Result<Download, String>> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let file = path.strip_prefix("/evidence/")?;
        Some(Download::of(file, query))
    }

    /// The download named by a file (`TEAM.ndjson`) and a query (`code=...&org=...`).
    fn of(file: &str, query: &str) -> Result<Download, String> {
        let (team, format) = if let Some(t) = file.strip_suffix(".ndjson") {
            (t, Format::Ecs)
        } else if let Some(t) = file.strip_suffix(".cef.log") {
            (t, Format::Cef)
        } else {
            return Err("an evidence file ends in .ndjson or .cef.log".to_string());
        };
        let mut asked = Download {
            team: team.to_string(),
            code: String::new(),
            org: None,
            format,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "code" => asked.code = value.to_string(),
                "org" => asked.org = Some(value.to_string()),
                _ => {}
            }
        }
        if asked.code.is_empty() {
            return Err("an evidence file is given with the team's code (`?code=`)".into());
        }
        Ok(asked)
    }

    /// The team the gate checks the code against: a team's id, or the facilitator's place.
    pub fn gate_team(&self) -> &str {
        if self.team == ALL {
            super::protocol::FACILITATOR
        } else {
            &self.team
        }
    }

    /// The name the browser saves the file under.
    pub fn file_name(&self) -> String {
        let org = self
            .org
            .as_deref()
            .map(|o| format!("-{o}"))
            .unwrap_or_default();
        format!("evidence-{}{org}.{}", self.team, self.format.extension())
    }
}

/// Writes the evidence `asked` for (its code already let in as `team`: a team, or the
/// facilitator's place past the last team) as an HTTP answer into `out`. An organisation the
/// scenario does not hold is `Err` with the known ones, nothing written (the caller answers
/// 404).
pub(super) fn answer(
    ledger: &SharedLedger,
    asked: &Download,
    team: TeamIx,
    out: &mut dyn Write,
) -> io::Result<Result<Written, String>> {
    let (plan, seed, events, now) = {
        let l = ledger.lock().expect("not poisoned");
        (l.plan.clone(), l.seed, l.events.clone(), l.now)
    };
    let scope = if team.ix() < plan.scenario.teams.len() {
        Scope::Team(team)
    } else {
        Scope::All
    };
    let orgs: Vec<OrgIx> = match &asked.org {
        None => Vec::new(),
        Some(id) => match plan.ids.orgs.resolve(id) {
            Ok(org) => vec![org],
            Err(e) => {
                let id: String = id.chars().take(40).collect();
                return Ok(Err(format!("org `{id}`: {e}")));
            }
        },
    };
    let kind = match asked.format {
        Format::Ecs => "application/x-ndjson",
        Format::Cef => "text/plain; charset=utf-8",
    };
    // The length is known only once written: the answer ends when the connection closes.
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Disposition: attachment; \
         filename=\"{}\"\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        asked.file_name()
    );
    out.write_all(head.as_bytes())?;
    let wanted = Wanted {
        until: now,
        scope,
        format: asked.format,
        orgs,
    };
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    let written = evidence::write(&plan, seed, &events, wanted, &mut buffered)?;
    buffered.flush()?;
    Ok(Ok(written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_evidence_path_names_the_team_the_form_the_code_and_the_organisation() {
        assert_eq!(Download::parse("/"), None);
        assert_eq!(Download::parse("/evidencex"), None);
        let asked = Download::parse("/evidence/ag-npc.ndjson?code=K7M2QX&org=ag-gov")
            .unwrap()
            .unwrap();
        assert_eq!(
            asked,
            Download {
                team: "ag-npc".into(),
                code: "K7M2QX".into(),
                org: Some("ag-gov".into()),
                format: Format::Ecs,
            }
        );
        assert_eq!(asked.file_name(), "evidence-ag-npc-ag-gov.ndjson");
        assert_eq!(asked.gate_team(), "ag-npc");
        let all = Download::parse("/evidence/all.cef.log?x=1&code=AB")
            .unwrap()
            .unwrap();
        assert_eq!(
            (all.format, all.org.as_deref(), all.gate_team()),
            (Format::Cef, None, "@facilitator")
        );
        assert_eq!(all.file_name(), "evidence-all.cef.log");
        let err = |t: &str| Download::parse(t).unwrap().unwrap_err();
        assert!(err("/evidence/ag-npc.json?code=A").contains(".ndjson or .cef.log"));
        assert!(err("/evidence/ag-npc.ndjson").contains("?code="));
        assert!(err("/evidence/ag-npc.ndjson?code=").contains("?code="));
    }
}
