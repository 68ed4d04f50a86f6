//! The same records as syslog lines carrying ArcSight's Common Event Format (CEF), for the SIEMs
//! and collectors that take syslog rather than JSON: RFC 5424's header (the record's host and
//! moment), then `CEF:0|vendor|product|version|signature|name|severity|extension`. Header fields
//! escape `|` and `\`; extension values escape `=`, `\` and line breaks, as the CEF guide says.

use super::ecs::Record;

/// A record as one syslog line (no line break).
pub fn line(r: &Record) -> String {
    let severity = match (r.event.category.first().copied(), r.event.outcome) {
        (Some("authentication"), Some("failure")) => 5,
        (Some("email"), _) => 4,
        _ => 3,
    };
    let mut ext: Vec<(&str, String)> = vec![
        ("rt", epoch_millis(&r.timestamp).to_string()),
        ("dvchost", r.host.name.clone()),
        ("dvc", r.host.ip.first().cloned().unwrap_or_default()),
        ("cat", r.event.dataset.to_string()),
        ("msg", r.message.clone()),
    ];
    if let Some(o) = r.event.outcome {
        ext.push(("outcome", o.to_string()));
    }
    if let Some(s) = &r.source {
        ext.push(("src", s.ip.clone()));
        ext.push(("spt", s.port.to_string()));
    }
    if let Some(d) = &r.destination {
        ext.push(("dst", d.ip.clone()));
        ext.push(("dpt", d.port.to_string()));
        if let Some(b) = d.bytes {
            ext.push(("out", b.to_string()));
        }
        if let Some(h) = &d.domain {
            ext.push(("dhost", h.clone()));
        }
    }
    if let Some(n) = &r.network {
        ext.push(("proto", n.transport.to_uppercase()));
        ext.push(("app", n.protocol.to_string()));
    }
    if let Some(u) = &r.user {
        ext.push(("suser", u.name.clone()));
        ext.push(("sntdom", u.domain.clone()));
    }
    if let Some(p) = &r.process {
        ext.push(("sproc", p.name.clone()));
        ext.push(("spid", p.pid.to_string()));
        ext.push(("filePath", p.executable.clone()));
        ext.push(("cs1Label", "commandLine".into()));
        ext.push(("cs1", p.command_line.clone()));
        if let Some(parent) = &p.parent {
            ext.push(("cs2Label", "parentProcess".into()));
            ext.push(("cs2", parent.name.clone()));
        }
    }
    if let Some(d) = &r.dns {
        ext.push(("cs3Label", "dnsQuestion".into()));
        ext.push(("cs3", d.question.name.clone()));
    }
    if let Some(f) = &r.file {
        ext.push(("fname", f.name.clone()));
        ext.push(("filePath", f.path.clone()));
        if let Some(h) = &f.hash {
            ext.push(("fileHash", h.sha256.clone()));
        }
    }
    if let Some(e) = &r.email {
        ext.push(("suser", e.from.address.join(",")));
        ext.push(("duser", e.to.address.join(",")));
        ext.push(("cs4Label", "subject".into()));
        ext.push(("cs4", e.subject.clone()));
    }
    if let Some(u) = &r.url {
        ext.push(("request", u.path.clone()));
    }
    if let Some(t) = &r.threat {
        ext.push(("cs5Label", "attackTechnique".into()));
        ext.push(("cs5", t.technique.id.join(",")));
        ext.push(("cs6Label", "campaign".into()));
        ext.push(("cs6", t.group.name.clone()));
    }
    let extension: Vec<String> = (ext.iter())
        .map(|(k, v)| format!("{k}={}", value(v)))
        .collect();
    format!(
        "<{}>1 {} {} tidewatch - {} - CEF:0|tidewatch|{}|1|{}|{}|{severity}|{}",
        8 * 16 + if severity >= 5 { 4 } else { 6 },
        r.timestamp,
        r.host.name,
        r.event.action,
        header(r.event.dataset),
        header(r.event.action),
        header(&r.message),
        extension.join(" ")
    )
}

/// Milliseconds since 1970 of an ECS timestamp (`2026-03-02T12:00:05.000Z`), CEF's `rt`.
fn epoch_millis(stamp: &str) -> i64 {
    let n = |a: usize, b: usize| {
        stamp
            .get(a..b)
            .and_then(|t| t.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    ((days * 24 + n(11, 13)) * 60 + n(14, 16)) * 60_000 + n(17, 19) * 1000 + n(20, 23)
}

/// A header field: `\` and `|` escaped.
fn header(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|")
}

/// An extension value: `\` and `=` escaped, line breaks written as `\n`.
fn value(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('=', "\\=")
        .replace('\r', "\\r")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::ecs::{Event, Process, Record};

    /// A command line with `=`, `|` and a backslash path stays one well-formed CEF line: seven
    /// unescaped bars end the header, each extension key is followed by a value with every
    /// `=` escaped, and unescaping gives the text back.
    #[test]
    fn a_record_is_one_well_formed_cef_line() {
        let r = Record {
            timestamp: "2026-03-02T12:00:05.000Z".into(),
            message: "Process Create: cmd.exe | a=b".into(),
            event: Event::endpoint(&["process"], &["start"], "process-started"),
            process: Some(Process {
                pid: 42,
                name: "cmd.exe".into(),
                executable: "C:\\Windows\\System32\\cmd.exe".into(),
                command_line: "cmd.exe /c set A=1 | more".into(),
                ..Process::default()
            }),
            ..Record::default()
        };
        let l = line(&r);
        assert!(!l.contains('\n'));
        let cef = &l[l.find("CEF:0|").unwrap()..];
        let bars: Vec<usize> = (cef.char_indices())
            .filter(|(k, c)| *c == '|' && !cef[..*k].ends_with('\\'))
            .map(|(k, _)| k)
            .collect();
        // The header's seven bars (the message's own is escaped); bars in values are allowed.
        assert!(bars.len() >= 7, "{cef}");
        assert_eq!(
            &cef[bars[4] + 1..bars[5]],
            "Process Create: cmd.exe \\| a=b"
        );
        let extension = &cef[bars[6] + 1..];
        assert!(
            extension.contains("cs1=cmd.exe /c set A\\=1 | more"),
            "{extension}"
        );
        assert!(extension.contains("filePath=C:\\\\Windows\\\\System32\\\\cmd.exe"));
        assert!(l.starts_with("<134>1 2026-03-02T12:00:05.000Z "), "{l}");
        // 2026-03-02T12:00:05Z is 1772452805 seconds after the epoch.
        assert!(extension.starts_with("rt=1772452805000 "), "{extension}");
        assert_eq!(epoch_millis("1970-01-01T00:00:00.000Z"), 0);
        assert_eq!(epoch_millis("2000-03-01T00:00:00.250Z"), 951_868_800_250);
    }
}
