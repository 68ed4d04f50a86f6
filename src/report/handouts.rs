//! For the room: the players' Situation Manual (the setting, who plays, the objectives, the
//! modules and their questions, the rules of play; no facilitator-only facts), one printable
//! card per inject for the teams it is addressed to, and the facilitator's guide with
//! everything (triggers, bodies, guidance, decisions' defaults, expectations). Each is written
//! as Markdown and as one self-contained HTML page.

use std::fmt::Write;

use super::html_escaped as esc;

use crate::scenario::ids::InjectIx;
use crate::scenario::{InjectKind, Plan, TeamKind, TriggerPlan, WhenPlan};

mod map;
mod seats;

pub use map::region_map;

/// One file of the handouts: where it goes under the output directory, and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Handout {
    pub path: String,
    pub text: String,
}

/// A document written once and rendered twice, as Markdown and as HTML.
#[derive(Default)]
struct Doc {
    md: String,
    html: String,
}

impl Doc {
    fn heading(&mut self, level: usize, text: &str) {
        let _ = writeln!(self.md, "\n{} {text}\n", "#".repeat(level));
        let _ = writeln!(self.html, "<h{level}>{}</h{level}>", esc(text));
    }
    fn para(&mut self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let _ = writeln!(self.md, "{text}\n");
        let _ = writeln!(self.html, "<p>{}</p>", esc(text));
    }
    /// A labelled line: "**From:** Permanent Secretary".
    fn field(&mut self, label: &str, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let _ = writeln!(self.md, "**{label}:** {text}  ");
        let _ = writeln!(
            self.html,
            "<p class=\"field\"><b>{}:</b> {}</p>",
            esc(label),
            esc(text)
        );
    }
    fn list(&mut self, items: &[String], numbered: bool) {
        if items.is_empty() {
            return;
        }
        let tag = if numbered { "ol" } else { "ul" };
        let _ = writeln!(self.html, "<{tag}>");
        for (k, item) in items.iter().enumerate() {
            if numbered {
                let _ = writeln!(self.md, "{}. {item}", k + 1);
            } else {
                let _ = writeln!(self.md, "- {item}");
            }
            let _ = writeln!(self.html, "<li>{}</li>", esc(item));
        }
        let _ = writeln!(self.md);
        let _ = writeln!(self.html, "</{tag}>");
    }
    /// Both renderings, the HTML as a whole page.
    fn finish(self, title: &str, class: &str) -> (String, String) {
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
             <style>{STYLE}</style></head><body class=\"{class}\">\n{}</body></html>\n",
            esc(title),
            self.html
        );
        (super::markdown::defanged(self.md.trim_start()), page)
    }
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:860px;\
margin:2em auto;padding:0 1em;color:#1b2733;line-height:1.45}h1{border-bottom:3px solid #0b6e8f}\
h2{color:#0b6e8f;margin-top:1.6em;border-bottom:1px solid #c9d6df}p.field{margin:.2em 0}\
body.card{max-width:640px;border:2px solid #1b2733;border-radius:8px;padding:1em 1.5em}\
body.card h1{font-size:1.5em}body.card h2{font-size:1.15em}.stamp{float:right;font-weight:bold;color:#0b6e8f}\
.guide{background:#fff8e1;border-left:4px solid #f9a825;padding:.4em 1em}\
figure.map{margin:1em 0;page-break-inside:avoid}figure.map svg{max-width:100%;height:auto}\
@media print{body{margin:0;max-width:none}body.card{page-break-after:always}}";

/// A pack prints one card per sheet.
const PACK_STYLE: &str = "body.pack{max-width:680px}section.cover{padding:2em 0 1em;text-align:center;\
page-break-after:always}@media print{section.cover{padding-top:35vh}}section.card{border:2px solid #1b2733;border-radius:8px;padding:1em 1.5em;\
margin:1.5em 0;page-break-after:always;break-after:page}section.card h1{font-size:1.5em}\
section.card h2{font-size:1.15em}@media print{section.card{margin:0;border:none}}";

fn team_names(plan: &Plan, ids: &[String]) -> String {
    ids.iter()
        .map(|id| {
            plan.ids
                .teams
                .resolve(id)
                .map(|t| plan.scenario.teams[t].name.clone())
                .unwrap_or_else(|_| id.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_words(kind: TeamKind) -> &'static str {
    match kind {
        TeamKind::NationalCsirt => "national CSIRT",
        TeamKind::SectorSoc => "sector security operations centre",
        TeamKind::Npc => "national point of contact",
        TeamKind::RegionalHub => "regional hub",
        TeamKind::Leadership => "leadership",
    }
}

/// Whether a team plays: not a national CSIRT or point of contact its island has not stood up
/// (a planned CSIRT, a what-if kept ready).
fn stands(plan: &Plan, t: &crate::scenario::Team) -> bool {
    let island = (t.island.as_ref()).and_then(|i| plan.ids.islands.get(i));
    !island.is_some_and(|i| {
        let isl = &plan.scenario.islands[i.ix()];
        (t.kind == TeamKind::NationalCsirt && !isl.csirt) || (t.kind == TeamKind::Npc && !isl.npc)
    })
}

/// Whether an inject is for the facilitator alone (never shown to players before it fires).
pub fn facilitator_only(plan: &Plan, inject: InjectIx) -> bool {
    let inj = &plan.scenario.msel[inject];
    inj.kind == InjectKind::Facilitation || inj.to.is_empty()
}

/// The players' Situation Manual: the background they are told, the region (facts and a
/// map), who plays, the objectives, the agenda, how to use a seat and the rules of play. The
/// scenario's `description` is the facilitator's and is never printed here.
fn situation_manual(plan: &Plan) -> Doc {
    let s = &plan.scenario;
    let mut d = Doc::default();
    d.heading(1, &format!("{}: Situation Manual", s.name));
    d.para(&format!(
        "The exercise starts on {} and runs for {} of exercise time. Times are written like \
         D1 09:30: day 1 of the exercise, {}.",
        s.start.at(0).calendar(),
        s.duration,
        if s.time_zone.is_empty() {
            "local time".to_string()
        } else {
            format!("on the scenario's clock, {}", s.time_zone)
        }
    ));
    let clocks = plan.island_clocks(0);
    if !clocks.is_empty() {
        d.para(&format!(
            "Not every island keeps that time. When the exercise starts it is {}. Each time \
             below is also given on the islands' own clocks.",
            clocks
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    d.heading(2, "Background");
    if s.briefing.trim().is_empty() {
        d.para("The facilitator briefs the room on the situation at the start.");
    } else {
        d.para(s.briefing.trim());
    }
    setting(&mut d, plan);
    who_plays(&mut d, plan);
    agenda(&mut d, plan);
    how_it_runs(&mut d, plan);
    seats::seat_guide(&mut d, plan);
    rules_of_play(&mut d);
    d
}

/// The region: each island's facts and teams, and the map.
fn setting(d: &mut Doc, plan: &Plan) {
    let s = &plan.scenario;
    d.heading(2, "The region");
    let places: Vec<String> = s
        .islands
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let what = if i.mainland {
                "mainland member"
            } else {
                "island"
            };
            let teams = map::teams_on(plan, k);
            let teams = if teams.is_empty() {
                "no national team".to_string()
            } else {
                teams.join(", ")
            };
            let clock = match (i.utc_offset, s.utc_offset) {
                (Some(own), Some(base)) if own != base => format!("; its clock {own}"),
                _ => String::new(),
            };
            format!(
                "{} ({what}; {} people; GDP about US${:.1}bn a year; {teams}{clock})",
                i.name,
                thousands(i.population),
                i.gdp_usd / 1e9
            )
        })
        .collect();
    d.list(&places, false);
    let svg = region_map(plan);
    if !svg.is_empty() {
        let _ = writeln!(
            d.html,
            "<figure class=\"map\">{svg}<figcaption>The region: islands sized by population, \
             with the teams that play on each, and the links between them.</figcaption></figure>"
        );
        let _ = writeln!(
            d.md,
            "The map of the region is in the HTML manual and in map.svg beside it.\n"
        );
    }
    if let Some(first) = s.modules.first()
        && !first.description.is_empty()
    {
        d.heading(3, "The situation");
        d.para(&first.description);
    }
}

/// 94,000 for 94000.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// When an inject set by the clock fires: its tick, if its trigger is a time.
fn clock_time(plan: &Plan, i: InjectIx) -> Option<u64> {
    match plan.injects[i].trigger {
        WhenPlan::On(TriggerPlan::At(t)) => Some(t),
        _ => None,
    }
}

/// The agenda: each module (or move) with when it is planned to start, on the scenario's clock
/// and the islands' own, and how long it is planned to take.
fn agenda(d: &mut Doc, plan: &Plan) {
    let s = &plan.scenario;
    let mut rows: Vec<String> = Vec::new();
    let starts = |injects: &mut dyn Iterator<Item = InjectIx>| {
        injects.filter_map(|i| clock_time(plan, i)).min()
    };
    if s.modules.is_empty() {
        let mut moves: Vec<(&str, Option<u64>)> = Vec::new();
        for i in InjectIx::all(plan.injects.len()) {
            let m = plan.move_of(i);
            if m.is_empty() {
                continue;
            }
            let t = clock_time(plan, i);
            match moves.iter_mut().find(|(name, _)| *name == m) {
                Some(entry) => entry.1 = entry.1.into_iter().chain(t).min(),
                None => moves.push((m, t)),
            }
        }
        for (m, t) in moves {
            rows.push(match t {
                Some(t) => format!("{}: {m}", plan.clock_with_islands(t)),
                None => format!("{m} (when the situation calls for it)"),
            });
        }
    } else {
        for (k, m) in s.modules.iter().enumerate() {
            let t = starts(&mut plan.modules[k].scripted.iter().copied());
            let length = m
                .duration
                .map_or(String::new(), |t| format!(", planned {t}"));
            rows.push(match t {
                Some(t) => format!("{}: {}{length}", plan.clock_with_islands(t), m.title),
                None => format!("{}{length} (after the one before)", m.title),
            });
        }
    }
    if rows.is_empty() {
        return;
    }
    d.heading(2, "Agenda");
    d.list(&rows, true);
}

/// The teams that play, and what the exercise sets out to test.
fn who_plays(d: &mut Doc, plan: &Plan) {
    let s = &plan.scenario;
    d.heading(2, "Who plays");
    // Teams stood down (a CSIRT the island has not got, a what-if kept ready) do not play.
    let standing = |t: &crate::scenario::Team| stands(plan, t);
    let teams: Vec<String> = s
        .teams
        .iter()
        .filter(|t| standing(t))
        .map(|t| {
            let island = t
                .island
                .as_ref()
                .and_then(|i| plan.ids.islands.resolve(i).ok())
                .map(|i| format!(", {}", s.islands[i].name))
                .unwrap_or_default();
            format!("{} ({}{island})", t.name, kind_words(t.kind))
        })
        .collect();
    d.list(&teams, false);
    if !s.objectives.is_empty() {
        d.heading(2, "Objectives");
        let objectives: Vec<String> = s
            .objectives
            .iter()
            .map(|o| match o.capability.as_str() {
                "" => o.title.clone(),
                c => format!("{} ({c})", o.title),
            })
            .collect();
        d.list(&objectives, true);
    }
}

/// The exercise's parts (modules, or the moves of the MSEL) and their questions.
fn how_it_runs(d: &mut Doc, plan: &Plan) {
    let s = &plan.scenario;
    d.heading(2, "How the exercise runs");
    if s.modules.is_empty() {
        let mut moves: Vec<&str> = Vec::new();
        for i in InjectIx::all(plan.injects.len()) {
            let m = plan.move_of(i);
            if !m.is_empty() && !moves.contains(&m) {
                moves.push(m);
            }
        }
        d.list(
            &moves.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            true,
        );
    }
    for m in &s.modules {
        d.heading(3, &m.title);
        if let Some(t) = m.duration {
            d.field("Planned time", &t.to_string());
        }
        if !std::ptr::eq(m, &s.modules[0]) {
            d.para(&m.description);
        }
        if !m.questions.is_empty() {
            d.para("Questions for discussion at the end of the module:");
            d.list(&m.questions, true);
        }
    }
}

fn rules_of_play(d: &mut Doc) {
    d.heading(2, "Rules of play");
    d.list(
        &[
            "This is a no-fault exercise: decisions are explored, not judged.".into(),
            "Play as your organisation would today, with the people, plans and tools it has."
                .into(),
            "Information reaches you as injects (emails, calls, news, briefings) addressed to \
             your team; act on what you know, not on what you guess the script says."
                .into(),
            "Time may move faster than real time; the facilitator pauses for discussion.".into(),
            "Respect the Traffic Light Protocol marking on anything you share.".into(),
            "Ask the facilitator when something is unclear; the answer may be an inject.".into(),
        ],
        false,
    );
}

/// One inject's card, for the teams it is addressed to.
fn card(plan: &Plan, inject: InjectIx) -> Doc {
    let inj = &plan.scenario.msel[inject];
    let mut d = Doc::default();
    let _ = writeln!(d.html, "<div class=\"stamp\">{}</div>", esc(&inj.id));
    let _ = writeln!(d.md, "`{}`", inj.id);
    d.heading(1, &inj.title);
    d.field("For", &team_names(plan, &inj.to));
    d.field("From", &inj.from);
    d.field("By", &format!("{:?}", inj.channel));
    if let Some(t) = clock_time(plan, inject) {
        d.field("Time", &plan.clock_with_islands(t));
    }
    d.field("Part", plan.move_of(inject));
    d.para(&inj.body);
    if !inj.questions.is_empty() {
        d.heading(2, "Questions");
        d.list(&inj.questions, true);
    }
    if let Some(dec) = &inj.decision {
        d.heading(2, &format!("Decision: {}", dec.prompt));
        let options: Vec<String> = dec.options.iter().map(|o| o.label.clone()).collect();
        d.list(&options, true);
        if let Some(limit) = dec.answer_within {
            d.field("Answer within", &limit.to_string());
        }
    }
    d
}

/// The facilitator's guide: everything, in MSEL order.
fn facilitator_guide(plan: &Plan) -> Doc {
    let s = &plan.scenario;
    let mut d = Doc::default();
    d.heading(1, &format!("{}: Facilitator's guide", s.name));
    d.para(&s.description);
    for (k, m) in s.modules.iter().enumerate() {
        d.heading(2, &m.title);
        if let Some(t) = m.duration {
            d.field("Planned time", &t.to_string());
        }
        if m.pause {
            d.field("At its end", "the clock pauses for discussion");
        }
        d.para(&m.description);
        if !m.guidance.is_empty() {
            let _ = writeln!(d.md, "> {}\n", m.guidance);
            let _ = writeln!(d.html, "<p class=\"guide\">{}</p>", esc(&m.guidance));
        }
        d.list(&m.questions, true);
        for i in &plan.modules[k].injects {
            guide_inject(&mut d, plan, *i);
        }
    }
    let loose: Vec<InjectIx> = InjectIx::all(plan.injects.len())
        .filter(|i| plan.injects[*i].module.is_none())
        .collect();
    if !loose.is_empty() {
        d.heading(
            2,
            if s.modules.is_empty() {
                "Injects"
            } else {
                "Injects in no module"
            },
        );
        for i in loose {
            guide_inject(&mut d, plan, i);
        }
    }
    if !s.expectations.is_empty() {
        d.heading(2, "Expectations");
        let rows: Vec<String> = s
            .expectations
            .iter()
            .map(|e| {
                format!(
                    "{} ({}, {}, within {}): {}",
                    e.id, e.team, e.objective, e.within, e.description
                )
            })
            .collect();
        d.list(&rows, false);
    }
    d
}

fn guide_inject(d: &mut Doc, plan: &Plan, i: InjectIx) {
    let inj = &plan.scenario.msel[i];
    d.heading(3, &format!("{} {}", inj.id, inj.title));
    d.field("When", &plan.awaited(i));
    d.field("To", &team_names(plan, &inj.to));
    d.field("From", &inj.from);
    d.field("Kind", &format!("{:?}, by {:?}", inj.kind, inj.channel));
    d.field("Part", plan.move_of(i));
    d.para(&inj.body);
    d.list(&inj.questions, true);
    if let Some(dec) = &inj.decision {
        let options: Vec<String> = dec
            .options
            .iter()
            .map(|o| {
                let default = if o.id == dec.default {
                    " (default)"
                } else {
                    ""
                };
                format!("{}{default}", o.label)
            })
            .collect();
        d.field("Decision", &dec.prompt);
        d.list(&options, true);
    }
    if !inj.effects.is_empty() {
        d.field(
            "Effects",
            &format!("{} command(s) when it fires", inj.effects.len()),
        );
    }
}

/// Every handout of a scenario, paths relative to the output directory.
pub fn handouts(plan: &Plan) -> Vec<Handout> {
    let mut out = Vec::new();
    let mut push = |stem: &str, title: &str, class: &str, doc: Doc| {
        let (md, html) = doc.finish(title, class);
        out.push(Handout {
            path: format!("{stem}.md"),
            text: md,
        });
        out.push(Handout {
            path: format!("{stem}.html"),
            text: html,
        });
    };
    let name = &plan.scenario.name;
    push(
        "situation-manual",
        &format!("{name}: Situation Manual"),
        "manual",
        situation_manual(plan),
    );
    push(
        "facilitator-guide",
        &format!("{name}: Facilitator's guide"),
        "guide",
        facilitator_guide(plan),
    );
    for i in InjectIx::all(plan.injects.len()) {
        if facilitator_only(plan, i) {
            continue;
        }
        let inj = &plan.scenario.msel[i];
        push(
            &format!("cards/{}", inj.id),
            &format!("{} {}", inj.id, inj.title),
            "card",
            card(plan, i),
        );
    }
    let svg = region_map(plan);
    if !svg.is_empty() {
        out.push(Handout {
            path: "map.svg".into(),
            text: svg + "\n",
        });
    }
    for t in &plan.scenario.teams {
        if let Some(text) = pack(plan, &t.id) {
            out.push(Handout {
                path: format!("cards/pack-{}.html", t.id),
                text,
            });
        }
    }
    out
}

/// One team's cards in one printable page, one card per sheet, in the script's order, behind a
/// cover that says whose they are; `None` when no card is addressed to the team.
fn pack(plan: &Plan, team: &str) -> Option<String> {
    let s = &plan.scenario;
    let cards: Vec<InjectIx> = InjectIx::all(plan.injects.len())
        .filter(|i| !facilitator_only(plan, *i) && s.msel[*i].to.iter().any(|t| t == team))
        .collect();
    if cards.is_empty() {
        return None;
    }
    let name = team_names(plan, &[team.to_string()]);
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}: cards \
         for {}</title><style>{STYLE}{PACK_STYLE}</style></head><body class=\"pack\">\n\
         <section class=\"cover\"><h1>{}</h1><h2>Cards for {}</h2><p>{} card{}, in the order of \
         the script. Hand each to the team when it fires (the facilitator's console says \
         when), not before.</p></section>\n",
        esc(&s.name),
        esc(&name),
        esc(&s.name),
        esc(&name),
        cards.len(),
        if cards.len() == 1 { "" } else { "s" }
    );
    for i in cards {
        let _ = writeln!(
            html,
            "<section class=\"card\">{}</section>",
            card(plan, i).html
        );
    }
    html.push_str("</body></html>\n");
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    fn plan() -> std::sync::Arc<Plan> {
        TinyRegion::new()
            .island("A", false, false)
            .team_with("ops", "Leadership", Some("A"), "")
            .field(r#"description: "SECRET PLOT", briefing: "PUBLIC BRIEFING""#)
            .field(
                r#"modules: [Module(id: "M1", title: "Module 1", description: "Monday.",
                    guidance: "SECRET GUIDANCE", questions: ["Who leads?"])]"#,
            )
            .field(
                r#"msel: [
                    Inject(id: "I1", module: Some("M1"), trigger: At("D1 09:00"), kind: Narrative,
                        channel: Email, to: ["ops"], title: "A call", body: "PLAYER BODY",
                        decision: Some(Decision(prompt: "Pay?", default: "no", options: [
                            Option(id: "no", label: "Refuse"), Option(id: "yes", label: "Pay")]))),
                    Inject(id: "I2", module: Some("M1"), trigger: At("D1 10:00"), kind: Facilitation,
                        channel: Briefing, to: ["ops"], title: "Prompt", body: "FACILITATOR BODY"),
                ]"#,
            )
            .plan()
    }

    fn text(all: &[Handout], path: &str) -> String {
        all.iter().find(|h| h.path == path).unwrap().text.clone()
    }

    #[test]
    fn players_see_the_structure_and_questions_but_nothing_facilitator_only() {
        let all = handouts(&plan());
        for path in ["situation-manual.md", "situation-manual.html"] {
            let manual = text(&all, path);
            assert!(
                manual.contains("Monday.") && manual.contains("Who leads?"),
                "{manual}"
            );
            for secret in [
                "SECRET PLOT",
                "SECRET GUIDANCE",
                "FACILITATOR BODY",
                "PLAYER BODY",
                "default",
            ] {
                assert!(!manual.contains(secret), "{path} shows `{secret}`");
            }
        }
        // What a participant needs: the background they are told, the region's map (in the
        // HTML), the agenda with its times, how to use a seat and what each order costs.
        let manual = text(&all, "situation-manual.html");
        for part in [
            "<h2>Background</h2>",
            "PUBLIC BRIEFING",
            "<svg",
            "<h2>Agenda</h2>",
            "D1 09:00: Module 1",
            "How to use your seat",
            "Investigate an organisation: 1h",
            "Rules of play",
        ] {
            assert!(manual.contains(part), "`{part}` not in the manual");
        }
        assert!(all.iter().any(|h| h.path == "map.svg"));
        // The team's pack: a cover and its one card, one per sheet.
        let pack = text(&all, "cards/pack-ops.html");
        assert!(pack.contains("Cards for "), "{pack}");
        assert_eq!(
            pack.matches("<section class=\"card\">").count(),
            1,
            "{pack}"
        );
        assert!(pack.contains("PLAYER BODY") && !pack.contains("FACILITATOR BODY"));
        // One card, for the narrative inject, with its options but not the default.
        let card = text(&all, "cards/I1.md");
        assert!(
            card.contains("PLAYER BODY")
                && card.contains("1. Refuse")
                && card.contains("**For:** ops")
        );
        assert!(!card.contains("default"));
        assert!(!all.iter().any(|h| h.path.starts_with("cards/I2")));
        // The facilitator sees it all.
        let guide = text(&all, "facilitator-guide.md");
        for all_of in [
            "SECRET GUIDANCE",
            "FACILITATOR BODY",
            "Refuse (default)",
            "When:** D1 09:00",
            "SECRET PLOT",
        ] {
            assert!(
                guide.contains(all_of),
                "`{all_of}` not in the guide:\n{guide}"
            );
        }
    }

    /// In a region across time zones (Fiji's clock, Tonga an hour ahead, Vanuatu an hour and
    /// Papua New Guinea two behind), the manual's start, its agenda and a card's time give each
    /// island's own time beside the scenario's.
    #[test]
    fn handouts_give_each_island_its_own_time() {
        let at = |o: &str| format!("csirt: false, npc: false, utc_offset: Some(\"{o}\")");
        let plan = TinyRegion::new()
            .island_with("FJ", "csirt: true, npc: false, utc_offset: Some(\"UTC+12\")")
            .island_with("TO", &at("UTC+13"))
            .island_with("VU", &at("UTC+11"))
            .island_with("PG", &at("UTC+10"))
            .csirt("fj-csirt", "FJ")
            .field(r#"utc_offset: Some("UTC+12"), time_zone: "FJT (UTC+12)""#)
            .field(
                r#"msel: [Inject(id: "I1", trigger: At("D1 09:00"), kind: Narrative, phase: "Move 1",
                    channel: Email, to: ["fj-csirt"], title: "A call", body: "Hello")]"#,
            )
            .plan();
        let all = handouts(&plan);
        let manual = text(&all, "situation-manual.md");
        assert!(
            manual.contains("When the exercise starts it is TO 09:00 Mon (UTC+13); VU 07:00 Mon (UTC+11); PG 06:00 Mon (UTC+10)"),
            "{manual}"
        );
        assert!(
            manual.contains("D1 09:00 FJT (UTC+12); TO 10:00 Mon (UTC+13); VU 08:00 Mon (UTC+11); PG 07:00 Mon (UTC+10): Move 1"),
            "{manual}"
        );
        assert!(manual.contains("its clock UTC+13"), "{manual}");
        let card = text(&all, "cards/I1.md");
        assert!(
            card.contains("**Time:** D1 09:00 FJT (UTC+12); TO 10:00 Mon"),
            "{card}"
        );
    }
}
