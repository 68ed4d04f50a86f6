//! A headless lab host as the facilitator sees it, for the end-to-end tests of the lab
//! (`lab_room.rs`, `browser_seat.rs`): started as a process, spoken to on its standard input,
//! heard line by line.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_tidewatch");
pub const LIMIT: Duration = Duration::from_secs(120);

/// A fresh directory for one test (`what` keeps tests running at once apart).
pub fn dir(what: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tidewatch-{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A port free now (a resumed host must listen where the first one did).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A headless host as the facilitator sees it: its standard input and output, line by line.
pub struct Host {
    pub child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    /// Everything it printed so far.
    pub heard: Vec<String>,
    pub address: String,
    /// Where it says a browser joins.
    pub page: String,
    /// The facilitator's code it prints after the teams' (a headless host's).
    pub facilitator_code: Option<String>,
    pub codes: std::collections::BTreeMap<String, String>,
}

impl Host {
    pub fn start(args: &[&str]) -> Host {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut host = Host {
            child,
            stdin,
            lines,
            heard: Vec::new(),
            address: String::new(),
            page: String::new(),
            facilitator_code: None,
            codes: Default::default(),
        };
        let listening = host.until(|l| l.starts_with("lab host listening on "));
        host.address = listening["lab host listening on ".len()..].to_string();
        let mut line = host.next().expect("the join codes");
        while line != "join codes:" {
            if let Some(page) = line.strip_prefix("a browser joins at ") {
                host.page = page.to_string();
            }
            line = host.next().expect("the join codes");
        }
        loop {
            let line = host.next().expect("the join codes");
            match line.split_whitespace().collect::<Vec<_>>()[..] {
                [team, code] if line.starts_with("  ") => {
                    host.codes.insert(team.into(), code.into());
                }
                _ if line.starts_with("facilitator code") => {
                    host.facilitator_code = line.split_whitespace().last().map(Into::into);
                }
                _ => break,
            }
        }
        host
    }

    /// The next line, or `None` once the host has closed its output.
    pub fn next(&mut self) -> Option<String> {
        match self.lines.recv_timeout(LIMIT) {
            Ok(l) => {
                self.heard.push(l.clone());
                Some(l)
            }
            Err(RecvTimeoutError::Disconnected) => None,
            Err(RecvTimeoutError::Timeout) => panic!("the host said nothing for {LIMIT:?}"),
        }
    }

    /// Reads until a line matches; fails if the host ends first.
    pub fn until(&mut self, matches: impl Fn(&str) -> bool) -> String {
        loop {
            match self.next() {
                Some(l) if matches(&l) => return l,
                Some(_) => {}
                None => panic!("the host ended first:\n{}", self.heard.join("\n")),
            }
        }
    }

    pub fn say(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// The tick its `status` gives.
    pub fn tick(&mut self) -> u64 {
        self.say("status");
        let status = self.until(|l| l.starts_with("status: "));
        let tick = status.split("(tick ").nth(1).unwrap();
        tick.split_whitespace().next().unwrap().parse().unwrap()
    }

    /// Resumes at every pause until the exercise is over; returns the pauses' lines.
    pub fn resume_to_the_end(&mut self) -> Vec<String> {
        let mut pauses = Vec::new();
        while let Some(line) = self.next() {
            if line.starts_with("paused at ") {
                pauses.push(line);
                self.say("resume");
            }
        }
        pauses
    }

    /// The facilitator's laptop dies: the host is killed (SIGKILL), nothing said or flushed.
    pub fn crash(mut self) {
        self.child.kill().unwrap();
        let _ = self.child.wait();
    }

    pub fn wait(mut self) -> (std::process::ExitStatus, String) {
        while self.next().is_some() {}
        let status = self.child.wait().unwrap();
        (status, self.heard.join("\n"))
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
