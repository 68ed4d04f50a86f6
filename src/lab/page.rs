//! The browser seat: the lab host answers a plain HTTP request on its own port with one page,
//! its style and script inside it (nothing from the internet, which a lab may not have), and
//! the page joins over a WebSocket to the same port. It speaks the native seat's messages
//! (`protocol`), so the gate, the team's authority and the journal treat it exactly like one:
//! a trainee or a minister needs only a browser, on a laptop, a tablet or a phone.
//!
//! What the page needs from the scenario (the teams to choose from, the markings, the orders'
//! names) is written into it as JSON when the host starts, from the same definitions the
//! native seat draws its buttons from.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::report::view::RESPONSE_ORDERS;
use crate::scenario::{Listeners, Plan, Tlp};

/// The longest request head the host reads; a browser's is well under 2 KB.
pub(super) const HEAD_MAX: usize = 8 << 10;

const HTML: &str = include_str!("page/seat.html");
const STYLE: &str = include_str!("page/seat.css");
const SCRIPT: &str = include_str!("page/seat.js");

/// The page, assembled once, and the policy that lets only its own script and style run.
pub(super) struct Page {
    html: String,
    policy: String,
}

/// What the host does with a connection, from its request's head.
#[derive(Debug, PartialEq)]
pub(super) enum Asked {
    /// A WebSocket upgrade: a seat (native or a page) joining.
    Seat,
    /// A team's evidence (or the facilitator's), once its code is let in.
    Evidence(super::evidence::Download),
    /// The page (or its head), answered with these bytes; the connection then closes.
    Page(Vec<u8>),
    /// Not the page nor a seat: answered (404, 405) and closed, and `why` is trouble for the
    /// facilitator's log.
    Refused { reply: Vec<u8>, why: String },
}

impl Page {
    pub fn of(plan: &Plan) -> Page {
        let s = &plan.scenario;
        let teams: Vec<_> = (s.teams.iter())
            .map(|t| json!({ "id": t.id, "name": t.name }))
            .collect();
        let markings: Vec<_> = (Tlp::ALL.iter())
            .map(|t| json!({ "value": t, "label": t.label(), "reach": t.reach() }))
            .collect();
        let orders: Vec<_> = (RESPONSE_ORDERS.iter())
            .map(|(label, order)| {
                let example = serde_json::to_value(order(String::new(), String::new()));
                let variant = example.ok().and_then(|v| {
                    let object = v.as_object()?;
                    object.keys().next().cloned()
                });
                json!({ "label": label, "variant": variant })
            })
            .collect();
        let listeners: Vec<_> = (Listeners::ALL.iter())
            .map(|l| json!({ "value": l, "label": l.label() }))
            .collect();
        let lab = json!({
            "facilitator": super::protocol::FACILITATOR,
            "listeners": listeners,
            "protocol": super::protocol::PROTOCOL,
            "exercise": s.name,
            "teams": teams,
            "markings": markings,
            "orders": orders,
        });
        // Inside a script element only `</` could end it early.
        let lab = lab.to_string().replace("</", "<\\/");
        let html = HTML
            .replace("{{title}}", &escape(&s.name))
            .replace("{{style}}", STYLE)
            .replace("{{lab}}", &lab)
            .replace("{{script}}", SCRIPT);
        let policy = format!(
            "default-src 'none'; script-src {}; style-src {}; connect-src 'self'; img-src data:; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            hash(SCRIPT),
            hash(STYLE)
        );
        Page { html, policy }
    }

    /// What to do for a request whose head is `head` (up to and including its blank line).
    pub fn answer(&self, head: &[u8]) -> Asked {
        let text = String::from_utf8_lossy(head);
        let mut lines = text.lines();
        let request = lines.next().unwrap_or_default();
        let upgrade = lines.any(|l| {
            l.split_once(':').is_some_and(|(name, value)| {
                name.trim().eq_ignore_ascii_case("upgrade")
                    && value.trim().eq_ignore_ascii_case("websocket")
            })
        });
        if upgrade {
            return Asked::Seat;
        }
        let mut parts = request.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let target = target.split('#').next().unwrap_or("");
        let path = target.split('?').next().unwrap_or("");
        let head_only = method == "HEAD";
        if method == "GET"
            && let Some(download) = super::evidence::Download::parse(target)
        {
            return match download {
                Ok(download) => Asked::Evidence(download),
                Err(why) => Asked::Refused {
                    reply: self.plain("400 Bad Request", &format!("{why}\n")),
                    why: format!("asked for {}: {why}", clean(path)),
                },
            };
        }
        match (method, path) {
            ("GET" | "HEAD", "/" | "/index.html") => {
                Asked::Page(self.reply(head_only, "200 OK", "text/html", &self.html))
            }
            ("GET" | "HEAD", _) => Asked::Refused {
                reply: self.reply(
                    head_only,
                    "404 Not Found",
                    "text/plain",
                    "nothing here: the seat's page is at /\n",
                ),
                why: format!("asked for {}", clean(path)),
            },
            _ => Asked::Refused {
                reply: self.reply(
                    false,
                    "405 Method Not Allowed",
                    "text/plain",
                    "the lab host serves its page to GET and seats over a WebSocket\n",
                ),
                why: format!("not a page's request or a seat's: `{}`", clean(request)),
            },
        }
    }

    /// A short plain-text answer (a refusal), with the page's headers; the connection then
    /// closes.
    pub fn plain(&self, status: &str, body: &str) -> Vec<u8> {
        self.reply(false, status, "text/plain", body)
    }

    fn reply(&self, head_only: bool, status: &str, kind: &str, body: &str) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}; charset=utf-8\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
             Referrer-Policy: no-referrer\r\nContent-Security-Policy: {}\r\n\
             Connection: close\r\n\r\n",
            body.len(),
            self.policy
        )
        .into_bytes();
        if !head_only {
            out.extend_from_slice(body.as_bytes());
        }
        out
    }
}

/// Where a request's head ends (just past its blank line), once it has all arrived.
pub(super) fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}

/// A content-security-policy source for exactly this text.
fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("'sha256-{}'", data_encoding::BASE64.encode(&digest))
}

/// A stranger's words for the log: printable, and short.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(60).collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page {
        let plan = crate::scenario::load(
            &format!(
                "{}/scenarios/eastern-caribbean.ron",
                env!("CARGO_MANIFEST_DIR")
            ),
            &[],
        )
        .unwrap();
        Page::of(&plan)
    }

    fn body(asked: Asked) -> String {
        match asked {
            Asked::Page(bytes) | Asked::Refused { reply: bytes, .. } => {
                String::from_utf8(bytes).unwrap()
            }
            Asked::Seat => panic!("answered as a seat"),
            Asked::Evidence(d) => panic!("answered as evidence: {d:?}"),
        }
    }

    #[test]
    fn a_browser_gets_the_page_a_websocket_is_a_seat_and_anything_else_is_turned_away() {
        let page = page();
        let got = body(page.answer(b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n"));
        assert!(got.starts_with("HTTP/1.1 200 OK\r\n"), "{got}");
        assert!(got.contains("Content-Type: text/html"));
        let (head, html) = got.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("Content-Length: {}", html.len())));
        // The page carries the scenario's teams, and its script is the one the policy allows.
        assert!(html.contains("\"bb-csirt\""), "the teams are in the page");
        assert!(html.contains(SCRIPT) && head.contains(&hash(SCRIPT)));
        assert!(!html.contains("{{"), "every part of the page is filled in");
        let upgrade = b"GET /seat HTTP/1.1\r\nHost: lab\r\nConnection: Upgrade\r\n\
                        upgrade:  WebSocket\r\nSec-WebSocket-Version: 13\r\n\r\n";
        assert_eq!(page.answer(upgrade), Asked::Seat);
        let missing = page.answer(b"GET /admin HTTP/1.1\r\n\r\n");
        assert!(matches!(&missing, Asked::Refused { why, .. } if why == "asked for /admin"));
        assert!(body(missing).starts_with("HTTP/1.1 404"));
        let head_only = body(page.answer(b"HEAD /?team=x HTTP/1.1\r\n\r\n"));
        assert!(head_only.starts_with("HTTP/1.1 200") && head_only.ends_with("\r\n\r\n"));
        for garbage in [
            &b"POST / HTTP/1.1\r\n\r\n"[..],
            b"\r\n\r\n",
            b"\x00\x01\r\n\r\n",
        ] {
            let asked = page.answer(garbage);
            assert!(matches!(&asked, Asked::Refused { why, .. } if why.starts_with("not a page")));
            assert!(body(asked).starts_with("HTTP/1.1 405"));
        }
    }

    #[test]
    fn the_page_names_each_order_as_the_host_reads_it() {
        let page = page();
        for (label, order) in RESPONSE_ORDERS {
            let json = serde_json::to_string(&order("t".into(), "o".into())).unwrap();
            let variant = json.split('"').nth(1).unwrap();
            assert!(
                page.html.contains(&format!(
                    "{{\"label\":\"{label}\",\"variant\":\"{variant}\"}}"
                )),
                "{label} as {variant}"
            );
        }
    }

    #[test]
    fn a_head_ends_at_its_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nrest"), Some(27));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(escape("<a&\"b\">"), "&lt;a&amp;&quot;b&quot;&gt;");
    }
}
