//! Evidence for technical exercises: the records the sensors of the run's estate would have
//! written, as an analyst meets them at work (ECS, NDJSON), drawn from the same events the
//! tabletop plays, so what a team finds in its logs agrees with what it was told and what the
//! simulation did. Benign activity on every host with a sensor (`background`), the intruder's
//! traces where it acted (`intrusion`), names and addresses of the estate (`estate`), the
//! record's schema (`ecs`).
//!
//! A team gets the records of the hosts its sensors cover (those of the organisations it
//! monitors); the facilitator's evidence (`Scope::All`) covers every sensor and says which
//! records the intruder made. Writing evidence reads the events and draws from its own streams,
//! so it never changes a run or its digest.

mod background;
mod cef;
pub mod ecs;
mod estate;
mod intrusion;
#[cfg(test)]
mod sigma;

use std::io::{self, Write};
use std::ops::Range;

use crate::scenario::Plan;
use crate::scenario::ids::{HostIx, OrgIx, TeamIx};
use crate::sim::events::{SimEvent, Stamped};

pub use estate::Estate;

/// Whose evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A team's: the sensors of the organisations it monitors.
    Team(TeamIx),
    /// The facilitator's ground truth: every sensor, the intruder's records marked.
    All,
}

/// How the records are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// ECS documents, one JSON object a line (NDJSON).
    #[default]
    Ecs,
    /// Syslog (RFC 5424) lines carrying CEF.
    Cef,
}

impl Format {
    /// `ecs` or `cef`, as the command line names them.
    pub fn named(name: &str) -> Option<Format> {
        match name {
            "ecs" => Some(Format::Ecs),
            "cef" => Some(Format::Cef),
            _ => None,
        }
    }

    /// The file name's ending.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Ecs => "ndjson",
            Format::Cef => "cef.log",
        }
    }
}

/// Whose evidence, up to when (a tick), in which form, of which organisations.
#[derive(Clone, Debug)]
pub struct Wanted {
    pub until: u64,
    pub scope: Scope,
    pub format: Format,
    /// Only these organisations' hosts (the facilitator's truth for one victim, say); empty:
    /// every organisation the scope covers.
    pub orgs: Vec<OrgIx>,
}

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub records: u64,
    /// Of which the intruder's.
    pub intruder: u64,
    /// Hosts whose sensors the evidence covers.
    pub hosts: usize,
    /// Of those, hosts the intruder took.
    pub hosts_taken: usize,
}

/// Until when (a tick, exclusive) the scope's evidence covers each host, by index; 0 for a
/// host it never sees. A sensor on a host of an organisation the team monitors covers the
/// whole run (every organisation's, for the facilitator); a collection the team's
/// investigation delivered (`CollectionDelivered`) covers every host of that organisation,
/// sensor or not, up to its moment (its latest collection there): a triage package is the
/// host's own logs.
pub fn covered(estate: &Estate, scope: Scope, events: &[Stamped]) -> Vec<u64> {
    let plan = estate.plan;
    let mut until: Vec<u64> = (0..plan.host_count)
        .map(|h| {
            let watched = match scope {
                Scope::All => true,
                Scope::Team(t) => plan.orgs[estate.org_of(h).ix()].monitored_by == Some(t),
            };
            if watched && estate.sensored(h) {
                u64::MAX
            } else {
                0
            }
        })
        .collect();
    if let Scope::Team(team) = scope {
        for e in events {
            if let SimEvent::CollectionDelivered { team: t, org } = e.event
                && t == team
            {
                for h in plan.orgs[org.ix()].hosts.clone() {
                    let u = &mut until[h as usize];
                    if *u != u64::MAX {
                        *u = e.tick + 1;
                    }
                }
            }
        }
    }
    until
}

/// The scope's coverage (`covered`), narrowed to `orgs` if any are named.
fn coverage(estate: &Estate, scope: Scope, orgs: &[OrgIx], events: &[Stamped]) -> Vec<u64> {
    let mut seen = covered(estate, scope, events);
    if !orgs.is_empty() {
        for (h, until) in seen.iter_mut().enumerate() {
            if !orgs.contains(&estate.org_of(h as HostIx)) {
                *until = 0;
            }
        }
    }
    seen
}

/// Writes the evidence of `scope` for the run whose events are `events`, from its start to
/// `until` (a tick), in time order, an hour at a time, one record a line.
pub fn write(
    plan: &Plan,
    seed: u64,
    events: &[Stamped],
    wanted: Wanted,
    out: &mut dyn Write,
) -> io::Result<Written> {
    let estate = Estate::new(plan, seed);
    let seen = coverage(&estate, wanted.scope, &wanted.orgs, events);
    let windows: Vec<Range<u64>> = seen.iter().map(|&s| 0..s.min(wanted.until)).collect();
    let truth = wanted.scope == Scope::All;
    write_windows(&estate, events, &windows, truth, wanted.format, out)
}

/// Evidence written as the exercise runs, for a lab SIEM to read as it comes: each call
/// writes the records of the ticks the last did not reach. A collection delivered since
/// brings its hosts' earlier records too (stamped when they were made, as a triage package
/// loaded into a SIEM is). Without collections the calls together write the bytes `write`
/// would, in the same order.
pub struct Stream {
    scope: Scope,
    format: Format,
    orgs: Vec<OrgIx>,
    /// Per host, the tick its records are written up to.
    done: Vec<u64>,
}

impl Stream {
    pub fn new(plan: &Plan, scope: Scope, format: Format, orgs: Vec<OrgIx>) -> Stream {
        Stream {
            scope,
            format,
            orgs,
            done: vec![0; plan.host_count as usize],
        }
    }

    /// Writes the records made before `now` (a tick) not yet written.
    pub fn advance(
        &mut self,
        plan: &Plan,
        seed: u64,
        events: &[Stamped],
        now: u64,
        out: &mut dyn Write,
    ) -> io::Result<Written> {
        let estate = Estate::new(plan, seed);
        let seen = coverage(&estate, self.scope, &self.orgs, events);
        let windows: Vec<Range<u64>> = (seen.iter().zip(&self.done))
            .map(|(&s, &done)| done..s.min(now).max(done))
            .collect();
        let truth = self.scope == Scope::All;
        let written = write_windows(&estate, events, &windows, truth, self.format, out)?;
        for (done, w) in self.done.iter_mut().zip(windows) {
            *done = w.end;
        }
        Ok(written)
    }
}

/// Writes the records of each host over its window (`windows[h]`, ticks; empty for a host
/// not wanted), in time order, an hour at a time, one record a line.
fn write_windows(
    estate: &Estate,
    events: &[Stamped],
    windows: &[Range<u64>],
    truth: bool,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<Written> {
    let hosts: Vec<HostIx> = (0..estate.plan.host_count)
        .filter(|h| !windows[*h as usize].is_empty())
        .collect();
    let traces = intrusion::traces(estate, events, windows, truth);
    let taken: std::collections::BTreeSet<String> =
        traces.iter().map(|t| t.2.host.name.clone()).collect();
    let mut written = Written {
        hosts: hosts.len(),
        hosts_taken: taken.len(),
        ..Written::default()
    };
    let words: Vec<background::Words> = (hosts.iter())
        .map(|&h| background::Words::new(estate, h))
        .collect();
    let first = (hosts.iter()).map(|&h| windows[h as usize].start).min();
    let last = (hosts.iter()).map(|&h| windows[h as usize].end).max();
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(written);
    };
    let mut traces = traces.into_iter().peekable();
    let mut hour = Hour::default();
    let mut drawn = Vec::new();
    let mut buffer = Vec::with_capacity(1 << 17);
    let mut stamp = (u64::MAX, String::new());
    for start in (first - first % 60..last).step_by(60) {
        hour.clear();
        for (n, &h) in hosts.iter().enumerate() {
            let window = &windows[h as usize];
            if window.end <= start || window.start >= start + 60 {
                continue;
            }
            drawn.clear();
            background::hour(estate, &words[n], h, start, &mut drawn);
            for &(second, benign) in &drawn {
                if window.contains(&(start + second / 60)) {
                    hour.push(second, Made::Benign(n as u32, benign));
                }
            }
        }
        while let Some((tick, second, _)) = traces.peek()
            && *tick < start + 60
        {
            let at = (tick - start) * 60 + second.min(&59);
            let (_, _, record) = traces.next().expect("peeked");
            hour.push(at, Made::Intruder(hour.intruder.len() as u32));
            hour.intruder.push(record);
        }
        hour.sort();
        for k in 0..hour.order.len() {
            let (at, made) = hour.made[hour.order[k] as usize];
            // Every record of a second carries the same stamp: made once per second.
            let second = start * 60 + at;
            if stamp.0 != second {
                stamp = (second, estate.timestamp(start + at / 60, at % 60));
            }
            match (made, format) {
                (Made::Benign(n, b), Format::Ecs) => {
                    b.write_ecs(&words[n as usize], &stamp.1, &mut buffer)
                }
                (Made::Benign(n, b), Format::Cef) => {
                    let mut record = b.record(&words[n as usize]);
                    record.timestamp.clone_from(&stamp.1);
                    buffer.extend_from_slice(cef::line(&record).as_bytes());
                }
                (Made::Intruder(k), _) => {
                    let record = &mut hour.intruder[k as usize];
                    record.timestamp.clone_from(&stamp.1);
                    written.intruder += 1;
                    match format {
                        Format::Ecs => {
                            serde_json::to_writer(&mut buffer, record).map_err(io::Error::other)?
                        }
                        Format::Cef => buffer.extend_from_slice(cef::line(record).as_bytes()),
                    }
                }
            }
            buffer.push(b'\n');
            written.records += 1;
            if buffer.len() >= 1 << 16 {
                out.write_all(&buffer)?;
                buffer.clear();
            }
        }
    }
    out.write_all(&buffer)?;
    Ok(written)
}

/// What made a record: a host's sensor (the host's place in the file's list) or the intruder
/// (its record's place in the hour's).
#[derive(Clone, Copy)]
enum Made {
    Benign(u32, background::Benign),
    Intruder(u32),
}

/// An hour's records as made: the benign ones host by host, then the intruder's in event
/// order, each with its second in the hour.
#[derive(Default)]
struct Hour {
    made: Vec<(u64, Made)>,
    intruder: Vec<ecs::Record>,
    /// Records per second, then where each second starts in the order (a counting sort).
    starts: Vec<u32>,
    order: Vec<u32>,
}

impl Hour {
    fn clear(&mut self) {
        self.made.clear();
        self.intruder.clear();
    }

    fn push(&mut self, second: u64, made: Made) {
        self.made.push((second.min(3599), made));
    }

    /// Puts the records' places in time order (`order`); records of one second keep the order they were
    /// made in (by host, the intruder's after, in event order). A counting sort by second:
    /// stable, and linear in the records (sorting the hour's records cost more than writing
    /// them).
    fn sort(&mut self) {
        self.starts.clear();
        self.starts.resize(3601, 0);
        for &(at, _) in &self.made {
            self.starts[at as usize + 1] += 1;
        }
        for s in 1..self.starts.len() {
            self.starts[s] += self.starts[s - 1];
        }
        self.order.clear();
        self.order.resize(self.made.len(), 0);
        for (i, &(at, _)) in self.made.iter().enumerate() {
            let slot = &mut self.starts[at as usize];
            self.order[*slot as usize] = i as u32;
            *slot += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ids::{CampaignIx, OrgIx};
    use crate::scenario::testkit::TinyRegion;
    use crate::sim::events::SimEvent;

    /// Island A: a ministry of `hosts` workstations at `coverage`, and a bank of 50 no team
    /// watches; A's SOC watches the ministry; a phishing campaign against it.
    fn region(hosts: u32, coverage: f64) -> std::sync::Arc<Plan> {
        TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", hosts, coverage, 0.5)
            .org("bank", "A", 50, 1.0, 0.5)
            .team("soc", "SectorSoc", Some("A"), 2, "AroundTheClock", true)
            .monitors("soc", &["gov"])
            .campaign(
                "wave",
                "D1 09:00",
                "Organisation(\"gov\")",
                &["T1566.001", "T1087"],
            )
            .plan()
    }

    fn lines(plan: &Plan, seed: u64, events: &[Stamped], until: u64, scope: Scope) -> Vec<String> {
        let mut out = Vec::new();
        let wanted = Wanted {
            until,
            scope,
            format: Format::Ecs,
            orgs: Vec::new(),
        };
        write(plan, seed, events, wanted, &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    fn phished(plan: &Plan, host: HostIx) -> Vec<Stamped> {
        let technique = plan
            .techniques
            .iter()
            .position(|t| t.id == "T1566.001")
            .unwrap();
        vec![Stamped {
            tick: 65,
            event: SimEvent::HostCompromised {
                campaign: CampaignIx(0),
                org: OrgIx(0),
                host,
                technique: technique.into(),
            },
        }]
    }

    /// A group's hosts carry sensors in the share its coverage says (0.3 of 2,000: within
    /// 0.03), and the same hosts every time.
    #[test]
    fn sensors_cover_the_share_of_hosts_the_coverage_says() {
        let plan = region(2000, 0.3);
        let estate = Estate::new(&plan, 7);
        let share = (0..2000).filter(|h| estate.sensored(*h)).count() as f64 / 2000.0;
        assert!((share - 0.3).abs() < 0.03, "{share}");
        let again = Estate::new(&plan, 7);
        assert!((0..2000).all(|h| estate.sensored(h) == again.sensored(h)));
    }

    /// A team covers the sensored hosts of what it monitors, the facilitator every sensor.
    #[test]
    fn a_team_covers_only_the_sensored_hosts_it_monitors() {
        let plan = region(100, 0.5);
        let estate = Estate::new(&plan, 1);
        let soc = plan.ids.teams.resolve("soc").unwrap();
        let team = covered(&estate, Scope::Team(soc), &[]);
        let all = covered(&estate, Scope::All, &[]);
        let whole = |sees: bool| if sees { u64::MAX } else { 0 };
        for h in 0..plan.host_count {
            let gov = estate.org_of(h) == OrgIx(0);
            assert_eq!(team[h as usize], whole(gov && estate.sensored(h)));
            assert_eq!(all[h as usize], whole(estate.sensored(h)));
        }
        // The bank is in full sensor view, but nobody watches it.
        assert!((100..150).all(|h| all[h as usize] == u64::MAX && team[h as usize] == 0));
        // A collection from the bank covers every host of it, sensor or not, up to its
        // moment; the ministry's sensors still cover the whole run.
        let collected = [Stamped {
            tick: 600,
            event: SimEvent::CollectionDelivered {
                team: soc,
                org: OrgIx(1),
            },
        }];
        let team = covered(&estate, Scope::Team(soc), &collected);
        assert!((100..150).all(|h| team[h as usize] == 601));
        assert!((0..100).all(|h| team[h as usize] == whole(estate.sensored(h))));
        // The bank's records stop at the collection: a day's evidence holds no more of them
        // than the evidence up to that moment.
        let bank = |until| {
            (lines(&plan, 1, &collected, until, Scope::Team(soc)).iter())
                .filter(|l| l.contains("\"hostname\":\"bank-"))
                .count()
        };
        assert!(bank(601) > 50, "{}", bank(601));
        assert_eq!(bank(24 * 60), bank(601));
    }

    /// Written as the run goes, at uneven moments, the evidence is the one-shot file byte for
    /// byte; a collection delivered midway brings its hosts' earlier records at the next
    /// call, so the stream then holds the same records as the file, the collected ones later.
    #[test]
    fn evidence_streamed_as_the_run_goes_is_the_files_records() {
        let plan = region(30, 0.5);
        let watched = (0..30)
            .find(|h| Estate::new(&plan, 2).sensored(*h))
            .unwrap();
        let events = phished(&plan, watched);
        let soc = plan.ids.teams.resolve("soc").unwrap();
        let whole = |scope, events: &[Stamped]| lines(&plan, 2, events, 24 * 60, scope).join("\n");
        let streamed = |scope, events: &[Stamped]| {
            let mut stream = Stream::new(&plan, scope, Format::Ecs, Vec::new());
            let mut calls = Vec::new();
            for now in [0, 7, 60, 61, 200, 333, 600, 601, 1000, 24 * 60] {
                // What the log holds at `now`: the events before it.
                let known: Vec<Stamped> = events.iter().filter(|e| e.tick < now).cloned().collect();
                let mut out = Vec::new();
                stream.advance(&plan, 2, &known, now, &mut out).unwrap();
                calls.push(String::from_utf8(out).unwrap());
            }
            calls
        };
        let all = streamed(Scope::All, &events);
        assert_eq!(all.concat().trim_end(), whole(Scope::All, &events));
        assert!(
            all[1].lines().count() > 0 && all[4].contains("\"threat\""),
            "the phish at 65"
        );
        let mut collected = events.clone();
        collected.push(Stamped {
            tick: 600,
            event: SimEvent::CollectionDelivered {
                team: soc,
                org: OrgIx(1),
            },
        });
        let team = streamed(Scope::Team(soc), &collected);
        let bank = |text: &str| text.matches("\"hostname\":\"bank-").count();
        assert_eq!(
            team[..7].iter().map(|c| bank(c)).sum::<usize>(),
            0,
            "before it arrived"
        );
        // The call after the collection brings the bank's morning, stamped when made.
        assert!(
            bank(&team[7]) > 50 && team[7].contains("T08:"),
            "{}",
            bank(&team[7])
        );
        let mut got: Vec<&str> = team.iter().flat_map(|c| c.lines()).collect();
        let file = whole(Scope::Team(soc), &collected);
        let mut want: Vec<&str> = file.lines().collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want);
    }

    /// Evidence of some organisations holds their hosts' records and no others'.
    #[test]
    fn evidence_of_one_organisation_holds_only_its_hosts() {
        let plan = region(20, 1.0);
        let mut out = Vec::new();
        let wanted = Wanted {
            until: 6 * 60,
            scope: Scope::All,
            format: Format::Ecs,
            orgs: vec![OrgIx(1)],
        };
        let written = write(&plan, 1, &phished(&plan, 3), wanted, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(written.records > 100 && written.hosts == 50, "{written:?}");
        assert!(text.lines().all(|l| l.contains("\"hostname\":\"bank-")));
        assert_eq!(written.intruder, 0, "the crew was at the ministry");
    }

    /// A later stage leaves the command line the catalog gives its technique (an author's own
    /// catalog may say its own), the crew's domain put in for `{c2}`; a technique without one
    /// leaves a batch file named for it.
    #[test]
    fn a_stage_leaves_the_command_line_its_catalog_entry_gives() {
        let mut plan = (*region(10, 1.0)).clone();
        let discovery = crate::scenario::ids::TechniqueIx::from(
            (plan.techniques.iter())
                .position(|t| t.id == "T1087")
                .unwrap(),
        );
        plan.techniques[discovery].trace = Some(crate::scenario::catalog::Trace {
            program: "adfind.exe".into(),
            command: "adfind.exe -f objectcategory=person -h {c2}".into(),
        });
        let mut events = phished(&plan, 3);
        events.push(Stamped {
            tick: 90,
            event: SimEvent::StageCompleted {
                campaign: CampaignIx(0),
                org: OrgIx(0),
                technique: discovery,
            },
        });
        let text = lines(&plan, 1, &events, 3 * 60, Scope::All).join("\n");
        let c2 = crate::scenario::indicators::c2_domain("wave");
        assert!(
            text.contains(&format!("adfind.exe -f objectcategory=person -h {c2}")),
            "the catalog's command line, with the crew's domain"
        );
        plan.techniques[discovery].trace = None;
        let text = lines(&plan, 1, &events, 3 * 60, Scope::All).join("\n");
        assert!(
            text.contains("ProgramData\\\\accountdiscovery.bat"),
            "a batch file"
        );
    }

    /// The intruder leaves traces only where it acted and a sensor watched: a phished host
    /// under a sensor shows the mail and the macro's PowerShell; one without a sensor, or no
    /// attack at all, shows nothing of it; only the facilitator's evidence says whose it is.
    #[test]
    fn the_intruder_leaves_traces_only_where_it_acted_and_a_sensor_watched() {
        let plan = region(100, 0.5);
        let estate = Estate::new(&plan, 1);
        let soc = Scope::Team(plan.ids.teams.resolve("soc").unwrap());
        let watched = (0..100).find(|h| estate.sensored(*h)).unwrap();
        let blind = (0..100).find(|h| !estate.sensored(*h)).unwrap();
        let quiet = lines(&plan, 1, &[], 120, soc);
        let seen = lines(&plan, 1, &phished(&plan, watched), 120, soc);
        let name = estate.name(watched);
        let extra: Vec<&String> = seen.iter().filter(|l| !quiet.contains(l)).collect();
        assert!(
            extra
                .iter()
                .any(|l| l.contains("mail-delivered") && l.contains(&name))
                && extra
                    .iter()
                    .any(|l| l.contains("\"parent\":{") && l.contains("WINWORD.EXE")),
            "{extra:#?}"
        );
        assert!(extra.iter().all(|l| !l.contains("\"threat\"")));
        assert_eq!(lines(&plan, 1, &phished(&plan, blind), 120, soc), quiet);
        let truth = lines(&plan, 1, &phished(&plan, watched), 120, Scope::All);
        let marked: Vec<&String> = truth.iter().filter(|l| l.contains("\"threat\"")).collect();
        assert_eq!(marked.len(), extra.len());
        assert!(
            marked
                .iter()
                .all(|l| l.contains("T1566.001") && l.contains("\"wave\""))
        );
    }

    /// People make noise at work, little at night; the same run always gives the same
    /// evidence, another seed another.
    #[test]
    fn people_make_more_noise_at_work_than_at_night() {
        let plan = region(200, 1.0);
        let estate = Estate::new(&plan, 3);
        let count = |tick: u64| {
            let mut out = Vec::new();
            for h in 0..200 {
                let words = background::Words::new(&estate, h);
                background::hour(&estate, &words, h, tick, &mut out);
            }
            out.len()
        };
        // The exercise starts Monday 08:00: 10:00 and 02:00 the next night.
        let (day, night) = (count(120), count(18 * 60));
        assert!(day > 10 * night, "{day} at work, {night} at night");
        let soc = Scope::Team(plan.ids.teams.resolve("soc").unwrap());
        assert_eq!(
            lines(&plan, 3, &[], 180, soc),
            lines(&plan, 3, &[], 180, soc)
        );
        assert_ne!(
            lines(&plan, 3, &[], 180, soc),
            lines(&plan, 4, &[], 180, soc)
        );
    }
}
