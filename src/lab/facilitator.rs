//! The facilitator at a headless host: one command a line on the host's standard input, so a
//! lab run without a window (`run --host`) is as much in the facilitator's hands as the console.
//! Short words for what a room needs at once (pause, resume, speed, fire, skip, delay, note,
//! status, end); any other command is written as in a command file (`CutLink("lc-cable")`).
//! Every line is checked against the plan before it is queued, so a typo is said back and never
//! reaches the journal.

use std::io::BufRead;
use std::sync::mpsc::{Receiver, channel};

use super::Speed;
use crate::scenario::{Command, Plan};

/// What the facilitator typed, once understood.
#[derive(Clone, Debug, PartialEq)]
pub enum Said {
    /// A command for the exercise (journaled, without a seat: the facilitator's).
    Command(Command),
    /// A pace that is not one of the console's four (`speed 600x`).
    Speed(Speed),
    /// Where the exercise stands.
    Status,
    /// End the exercise now.
    End,
    Help,
}

pub const HELP: &str = "\
facilitator commands (one a line):
  pause | resume            stop or start the clock
  speed 60x | speed max     the clock's pace
  fire I05 | skip I05       an MSEL inject now, or never
  delay I05 30m             an MSEL inject later
  note TEXT                 a note for the record
  status                    the clock, the seats and the next injects
  end                       end the exercise (journal closed, report written)
  any command as in a command file, e.g. CutLink(\"lc-cable\")
";

/// The host's standard input, a line at a time, read on its own thread (the exercise's thread
/// never blocks on a facilitator who types nothing). The channel closes at end of input.
pub fn listen_stdin() -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("facilitator".into())
        .spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        })
        .expect("a thread for the facilitator's input");
    rx
}

/// Understands one line (`Ok(None)`: blank), or says what is wrong with it.
pub fn parse(plan: &Plan, line: &str) -> Result<Option<Said>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let inject = || -> Result<String, String> {
        match rest.split_whitespace().next() {
            Some(id) => Ok(id.to_string()),
            None => Err(format!("`{word}` needs an inject id, e.g. `{word} I05`")),
        }
    };
    let said = match word.to_ascii_lowercase().as_str() {
        "pause" => Said::Command(Command::Pause),
        "resume" | "go" => Said::Command(Command::Resume),
        "speed" => {
            let speed = Speed::parse(rest)?;
            match speed.pace() {
                Some(pace) => Said::Command(Command::Speed(pace)),
                None => Said::Speed(speed),
            }
        }
        "fire" => Said::Command(Command::FireInject(inject()?)),
        "skip" => Said::Command(Command::SkipInject(inject()?)),
        "delay" => {
            let mut parts = rest.split_whitespace();
            let (Some(id), Some(by), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err("`delay` needs an inject id and how long, e.g. `delay I05 30m`".into());
            };
            let by = crate::time::parse_span(by)?;
            Said::Command(Command::DelayInject {
                inject: id.into(),
                by,
            })
        }
        "note" if !rest.is_empty() => Said::Command(Command::Note(rest.into())),
        "note" => {
            return Err("`note` needs its text, e.g. `note the room asked for a break`".into());
        }
        "status" => Said::Status,
        "end" => Said::End,
        "help" | "?" => Said::Help,
        _ if line.starts_with(char::is_uppercase) => {
            let command: Command = ron::from_str(line).map_err(|e| {
                format!("`{line}` is not a command: {e} (see the reference's commands)")
            })?;
            Said::Command(command)
        }
        _ => {
            return Err(format!(
                "`{word}` is not a facilitator command; type `help`"
            ));
        }
    };
    if let Said::Command(c) = &said {
        c.resolve(plan)?;
    }
    Ok(Some(said))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Pace;
    use crate::scenario::testkit::TinyRegion;

    fn plan() -> std::sync::Arc<Plan> {
        TinyRegion::new()
            .island("A", true, true)
            .csirt("a-csirt", "A")
            .field(
                "msel: [Inject(id: \"I1\", trigger: At(\"D1 09:00\"), kind: Narrative, \
                 channel: Phone, to: [\"a-csirt\"], title: \"Call\")]",
            )
            .plan()
    }

    #[test]
    fn the_room_s_words_become_commands() {
        let p = plan();
        let cmd = |l: &str| match parse(&p, l) {
            Ok(Some(Said::Command(c))) => c,
            other => panic!("{l}: {other:?}"),
        };
        assert_eq!(cmd("pause"), Command::Pause);
        assert_eq!(cmd("  Resume "), Command::Resume);
        assert_eq!(cmd("speed 60x"), Command::Speed(Pace::X60));
        assert_eq!(cmd("speed 600x"), Command::Speed(Pace::Times(600)));
        assert_eq!(cmd("fire I1"), Command::FireInject("I1".into()));
        assert_eq!(cmd("skip I1"), Command::SkipInject("I1".into()));
        assert_eq!(
            cmd("delay I1 30m"),
            Command::DelayInject {
                inject: "I1".into(),
                by: crate::time::Span(30)
            }
        );
        assert_eq!(
            cmd("note break for lunch"),
            Command::Note("break for lunch".into())
        );
        // Any other command as in a command file.
        assert_eq!(cmd("Note(\"from RON\")"), Command::Note("from RON".into()));
    }

    #[test]
    fn typos_are_said_back_and_never_queued() {
        let p = plan();
        for (line, says) in [
            ("fire I9", "I9"),
            ("fire", "needs an inject id"),
            ("delay I1", "how long"),
            ("delay I1 soon", "soon"),
            ("speed fast", "not a pace"),
            ("paws", "not a facilitator command"),
            ("CutLink(", "not a command"),
            ("CutLink(\"nowhere\")", "nowhere"),
        ] {
            let e = parse(&p, line).unwrap_err();
            assert!(e.contains(says), "{line}: {e}");
        }
        assert_eq!(parse(&p, "   "), Ok(None));
        assert_eq!(parse(&p, "status"), Ok(Some(Said::Status)));
        assert_eq!(parse(&p, "end"), Ok(Some(Said::End)));
        assert_eq!(
            parse(&p, "speed 0.5x"),
            Ok(Some(Said::Speed(Speed(Some(0.5 / 60.0)))))
        );
    }
}
