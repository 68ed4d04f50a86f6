//! How to use a seat, for the Situation Manual: joining, the screen, and each order with what
//! it costs the team (analysts' time from the scenario's own defaults) and what it does, so a
//! trainee knows the price of an order before giving it.

use super::Doc;
use crate::scenario::Plan;

/// The section "How to use your seat".
pub(super) fn seat_guide(d: &mut Doc, plan: &Plan) {
    let x = &plan.defaults;
    d.heading(2, "How to use your seat");
    d.para(
        "Each team plays from a seat: a browser on the lab's network, or the tidewatch \
         window. The facilitator gives your team the host's address and a join code.",
    );
    d.list(
        &[
            "Join: open the address the facilitator gives (http://HOST:PORT) in any browser, \
             choose your team, type the join code and your name. With tidewatch installed: \
             tidewatch seat HOST:PORT --team YOUR-TEAM --code CODE --name \"Your name\"."
                .into(),
            "If the connection drops, the seat rejoins by itself with the same code; nothing \
             you ordered is lost (the host journals every order)."
                .into(),
            "Several people may sit for one team; every order is recorded under the seat that \
             gave it."
                .into(),
        ],
        false,
    );
    d.heading(3, "The screen");
    d.list(
        &[
            "The clock: exercise time on the scenario's clock (and, in a region across time \
             zones, each island's own time). It moves only while the facilitator runs it."
                .into(),
            "Inbox: the injects addressed to your team (emails, calls, news, briefings) and \
             what other teams said to you or to the public."
                .into(),
            "Decisions: a decision put to your team, its options and the time left; when time \
             runs out, the room moves on without your answer."
                .into(),
            "Desk: the alerts waiting for triage, the tasks your analysts work on and how many \
             are free. Your analysts work their shift; off shift, alerts wait."
                .into(),
            "Incidents: what your investigations found, organisation by organisation. Only what \
             you found is shown: an intruder you have not found is not on your screen."
                .into(),
            "Intelligence: what you received (and its TLP marking) and what you shared.".into(),
        ],
        false,
    );
    d.heading(3, "Your orders and what they cost");
    d.para(
        "Every order takes your analysts' time (or costs the organisation something); an \
         analyst on one task is not on another. The times are this scenario's.",
    );
    d.list(
        &[
            format!(
                "Investigate an organisation: {} of an analyst's time. Finds each host an \
                 intruder holds with a chance (better with skill), and opens or widens your \
                 incident. Nothing else can be done to hosts you have not found.",
                x.investigate
            ),
            format!(
                "Isolate hosts: {} per host your investigation found. They stop spreading, and \
                 stop serving.",
                x.isolate_per_host
            ),
            format!(
                "Eradicate: {} per isolated host, to clean it before it goes back.",
                x.eradicate_per_host
            ),
            format!(
                "Patch the organisation: {}. Closes what exploits used; it does not remove an \
                 intruder already inside.",
                x.patch
            ),
            format!(
                "Block a campaign's known infrastructure on your island: {}, once you know the \
                 campaign.",
                x.block
            ),
            format!(
                "Reset credentials: {} of your lead's time; the organisation's users lose half \
                 a working day. Stolen passwords stop working.",
                x.reset_credentials
            ),
            "Cut an organisation off the network: no analyst time, but its services stop \
             (citizens lose them, at their cost per hour) until you reconnect it."
                .into(),
            "Revoke a provider's remote access: the provider's trusted access no longer leads \
             in (an intruder already inside stays until found), and the client loses the \
             provider's remote support, which counts in its losses."
                .into(),
            "Restore anyway: an encrypted organisation restores before the intrusion is \
             contained; sooner back, but a crew still inside may encrypt again."
                .into(),
            "Share intelligence from your latest incident: choose the TLP marking and the \
             audience (the marking limits who may receive it, and a recipient may not loosen \
             it); those who receive it put it to work on their islands."
                .into(),
            "Ask the regional hub for analysts: they come if the hub can spare them, on site \
             after a flight or remote."
                .into(),
            "Decide (a decision put to you), speak (a statement to the public, partners abroad \
             or government staff) and write notes for the record: no analyst time."
                .into(),
        ],
        false,
    );
    d.para(
        "A leadership seat (a crisis committee, a cabinet office) decides and speaks; it gives \
         no technical orders.",
    );
}
