//! Evidence fed to a lab SIEM as the exercise runs (`--evidence-to`): a file a collector tails
//! (Filebeat, the Wazuh agent, Splunk's forwarder) or a TCP input it listens on (Logstash's
//! `json_lines`, Fluent Bit, a syslog server's TCP port for `cef`), one record a line. Every
//! couple of seconds of real time the records made since the last write are sent
//! (`evidence::Stream`), so at any pace the SIEM is a few seconds behind the exercise; a
//! collection a team receives brings its hosts' earlier records when it arrives.
//!
//! A feed that fails (the SIEM gone, the disk full) stops with one line for the facilitator
//! and the exercise goes on: the journal holds everything, and `tidewatch evidence` writes
//! the same records from it afterwards.

use std::io::{BufWriter, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::evidence::{Format, Scope, Stream};
use crate::scenario::Plan;
use crate::scenario::ids::TeamIx;
use crate::sim::events::Stamped;

/// Real time between writes: the SIEM's lag behind the exercise, at any pace.
pub const FEED_EVERY: Duration = Duration::from_secs(2);
/// How long opening a TCP feed waits for the SIEM to answer.
const CONNECT_WAIT: Duration = Duration::from_secs(5);

pub struct Feed {
    plan: Arc<Plan>,
    seed: u64,
    stream: Stream,
    out: Option<Box<dyn Write + Send + Sync>>,
    /// Where it goes, as the facilitator named it.
    pub target: String,
    last: Option<Instant>,
    /// Records sent so far.
    pub records: u64,
}

impl Feed {
    /// Opens `target`: `tcp:HOST:PORT` connects to a SIEM's TCP input, anything else is a new
    /// file, its directory made if missing (an existing file is refused: a feed never writes
    /// over records). `team` is whose
    /// evidence (`None`: the facilitator's, every sensor's with the intruder's marked).
    pub fn open(
        target: &str,
        (plan, seed): (&Arc<Plan>, u64),
        team: Option<TeamIx>,
        format: Format,
    ) -> Result<Feed, String> {
        let out: Box<dyn Write + Send + Sync> = match target.strip_prefix("tcp:") {
            Some(address) => Box::new(connect(address)?),
            None => {
                if let Some(dir) = Path::new(target)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("--evidence-to {target}: {}: {e}", dir.display()))?;
                }
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(Path::new(target))
                    .map_err(|e| {
                        format!(
                            "--evidence-to {target}: {e} (a feed writes a new file; name \
                             another, or `tcp:HOST:PORT` for a SIEM's TCP input)"
                        )
                    })?;
                Box::new(BufWriter::with_capacity(1 << 16, file))
            }
        };
        let scope = team.map_or(Scope::All, Scope::Team);
        Ok(Feed {
            plan: plan.clone(),
            seed,
            stream: Stream::new(plan, scope, format, Vec::new()),
            out: Some(out),
            target: target.to_string(),
            last: None,
            records: 0,
        })
    }

    /// Sends what was made before `now` if [`FEED_EVERY`] has passed since the last send;
    /// a line for the facilitator if the feed failed (it then stops).
    pub fn advance(&mut self, events: &[Stamped], now: u64) -> Option<String> {
        if self.last.is_some_and(|t| t.elapsed() < FEED_EVERY) {
            return None;
        }
        self.send(events, now)
    }

    /// Sends everything made before `now` (at the end of the exercise).
    pub fn finish(&mut self, events: &[Stamped], now: u64) -> Option<String> {
        self.send(events, now)
    }

    fn send(&mut self, events: &[Stamped], now: u64) -> Option<String> {
        let out = self.out.as_mut()?;
        self.last = Some(Instant::now());
        let (plan, seed) = (&self.plan, self.seed);
        let sent = (self.stream.advance(plan, seed, events, now, out)).and_then(|w| {
            out.flush()?;
            Ok(w)
        });
        match sent {
            Ok(w) => {
                self.records += w.records;
                None
            }
            Err(e) => {
                self.out = None;
                Some(format!(
                    "evidence feed to {} stopped after {} records: {e}; the exercise goes on, \
                     and `tidewatch evidence JOURNAL` writes the same records from its journal",
                    self.target, self.records
                ))
            }
        }
    }

    /// Whether it still sends.
    pub fn live(&self) -> bool {
        self.out.is_some()
    }
}

fn connect(address: &str) -> Result<TcpStream, String> {
    use std::net::ToSocketAddrs;
    let fail = |e: String| format!("--evidence-to tcp:{address}: {e}");
    let to = (address.to_socket_addrs())
        .map_err(|e| fail(format!("{e} (write tcp:HOST:PORT)")))?
        .next()
        .ok_or_else(|| fail("names no address".into()))?;
    let stream = TcpStream::connect_timeout(&to, CONNECT_WAIT)
        .map_err(|e| fail(format!("{e} (is the SIEM's TCP input listening?)")))?;
    let _ = stream.set_write_timeout(Some(CONNECT_WAIT));
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{self, Wanted};
    use crate::scenario::testkit::TinyRegion;
    use std::io::Read;

    /// A SIEM's TCP input receives, over the calls of a run, the records the evidence command
    /// writes for that run, byte for byte; a file feed the same; an existing file or a port
    /// nobody listens on is refused with what to do; a feed whose SIEM went away stops with a
    /// line for the facilitator.
    #[test]
    fn a_siem_receives_the_runs_evidence_as_it_goes() {
        let plan = TinyRegion::new()
            .island("A", false, false)
            .org("gov", "A", 20, 1.0, 0.5)
            .campaign("wave", "D1 09:00", "Organisation(\"gov\")", &["T1566.001"])
            .plan();
        let mut sim = crate::exercise::simulation(plan.clone(), 3);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let mut feed =
            Feed::open(&format!("tcp:{address}"), (&plan, 3), None, Format::Ecs).unwrap();
        let (mut siem, _) = listener.accept().unwrap();
        let dir = std::env::temp_dir().join(format!("tidewatch-feed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("siem").join("feed.ndjson");
        let target = path.to_string_lossy().to_string();
        let mut file = Feed::open(&target, (&plan, 3), None, Format::Ecs).unwrap();
        for until in [30, 95, 240, 600] {
            sim.run_until(until);
            assert_eq!(feed.send(sim.events(), until), None);
            assert_eq!(file.advance(sim.events(), until), None);
        }
        assert_eq!(file.finish(sim.events(), 600), None);
        drop(feed.out.take());
        let mut got = Vec::new();
        siem.read_to_end(&mut got).unwrap();
        let mut want = Vec::new();
        let wanted = Wanted {
            until: 600,
            scope: Scope::All,
            format: Format::Ecs,
            orgs: Vec::new(),
        };
        evidence::write(&plan, 3, sim.events(), wanted, &mut want).unwrap();
        assert!(String::from_utf8_lossy(&want).contains("\"threat\""));
        assert_eq!(got, want);
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), want);
        let again = Feed::open(&target, (&plan, 3), None, Format::Ecs)
            .err()
            .unwrap();
        assert!(again.contains("a feed writes a new file"), "{again}");
        drop(listener);
        let gone = Feed::open(&format!("tcp:{address}"), (&plan, 3), None, Format::Ecs).err();
        assert!(gone.unwrap().contains("is the SIEM's TCP input listening?"));
        // A SIEM that closes: the feed stops and says so, once.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let mut feed =
            Feed::open(&format!("tcp:{address}"), (&plan, 3), None, Format::Ecs).unwrap();
        drop(listener.accept().unwrap());
        drop(listener);
        let mut said = None;
        for _ in 0..50 {
            said = said.or(feed.send(sim.events(), 600));
            if !feed.live() {
                break;
            }
            feed.stream = Stream::new(&plan, Scope::All, Format::Ecs, Vec::new());
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!feed.live() && said.unwrap().contains("stopped after"));
        std::fs::remove_dir_all(dir).ok();
    }
}
