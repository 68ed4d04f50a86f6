//! Where the exercise stands in its MSEL, for the timeline and the clock bar: the next inject
//! and when, the move the room is in and the next one, the module under way, what an inject
//! waits for, and a moment the facilitator types.

use crate::report::OperatingPicture;
use crate::scenario::Plan;
use crate::scenario::ids::InjectIx;
use crate::time::{Span, parse_span, parse_when};

/// A moment typed by the facilitator: `D2 06:00`, an offset from STARTEX like `26h`, or from
/// now like `+90m`.
pub fn typed_moment(plan: &Plan, now: u64, text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('+') {
        return parse_span(rest).map(|s| now + s.0);
    }
    let when = parse_when(text)?;
    when.to_tick(plan.scenario.start.minute_of_day)
        .ok_or_else(|| format!("`{text}` is before the exercise starts"))
}

/// The next inject the clock will reach, with when.
pub fn next_inject(plan: &Plan, picture: &OperatingPicture, now: u64) -> Option<(u64, InjectIx)> {
    (0..plan.injects.len())
        .filter_map(|i| {
            let i = InjectIx::from(i);
            picture
                .expected(plan, i)
                .filter(|t| *t >= now)
                .map(|t| (t, i))
        })
        .min()
}

/// The move the room is in: that of the latest inject fired (the first move before any).
pub fn current_move<'a>(plan: &'a Plan, picture: &OperatingPicture) -> Option<&'a str> {
    picture
        .fired
        .iter()
        .max_by_key(|(i, t)| (*t, *i))
        .map(|(i, _)| plan.move_of(*i))
        .or_else(|| (!plan.injects.is_empty()).then(|| plan.move_of(InjectIx(0))))
        .filter(|p| !p.is_empty())
}

/// The next move with a known start: its name and the time of its first inject.
pub fn next_move<'a>(
    plan: &'a Plan,
    picture: &OperatingPicture,
    now: u64,
) -> Option<(&'a str, u64)> {
    let all = || InjectIx::all(plan.injects.len());
    let current = current_move(plan, picture);
    let at = current.and_then(|c| all().position(|i| plan.move_of(i) == c))?;
    let mut seen: Vec<&str> = vec![current?];
    for inj in all().skip(at) {
        let phase = plan.move_of(inj);
        if phase.is_empty() || seen.contains(&phase) {
            continue;
        }
        seen.push(phase);
        let first = all()
            .filter(|k| plan.move_of(*k) == phase)
            .filter_map(|k| picture.expected(plan, k))
            .filter(|t| *t >= now)
            .min();
        if let Some(t) = first {
            return Some((phase, t));
        }
    }
    None
}

/// The clock bar's line: the move the room is in and how long to the next inject.
pub fn countdown(plan: &Plan, picture: &OperatingPicture, now: u64) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(m) = current_move(plan, picture) {
        parts.push(m.to_string());
    }
    if let Some((t, i)) = next_inject(plan, picture, now) {
        let id = &plan.scenario.msel[i.ix()].id;
        parts.push(match t - now {
            0 => format!("next {id} now"),
            wait => format!("next {id} in {}", Span(wait)),
        });
    }
    (!parts.is_empty()).then(|| parts.join("  |  "))
}

/// The module the room is in (the latest started): its index and a line for the facilitator,
/// "Module 2: The demand - 45m in, 1h30m planned" or "... - ended D1 11:55: time to discuss".
pub fn module_status(
    plan: &Plan,
    picture: &OperatingPicture,
    now: u64,
) -> Option<(crate::scenario::ids::ModuleIx, String)> {
    let (&m, &(started, ended)) = picture.modules.iter().max_by_key(|(m, (t, _))| (*t, **m))?;
    let module = &plan.scenario.modules[m];
    let planned = module
        .duration
        .map(|d| format!(", {d} planned"))
        .unwrap_or_default();
    let state = match ended {
        Some(t) if module.questions.is_empty() => {
            format!("ended {}", plan.scenario.start.at(t).clock())
        }
        Some(t) => format!(
            "ended {}: time for its {} questions",
            plan.scenario.start.at(t).clock(),
            module.questions.len()
        ),
        None => {
            let elapsed = now.saturating_sub(started);
            let over = module
                .duration
                .filter(|d| elapsed > d.0)
                .map(|d| format!(" (over by {})", Span(elapsed - d.0)))
                .unwrap_or_default();
            format!("{} in{planned}{over}", Span(elapsed))
        }
    };
    Some((m, format!("{} - {state}", module.title)))
}

/// What an inject not yet due waits for, in a few words.
pub fn awaited(plan: &Plan, inject: InjectIx) -> String {
    format!("({})", plan.awaited(inject))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    fn plan() -> std::sync::Arc<Plan> {
        TinyRegion::new()
            .island("A", false, false)
            .field(
                r#"msel: [
                    Inject(id: "A1", phase: "Move 1", trigger: At("D1 09:00"), kind: Narrative,
                        channel: Email, title: "a"),
                    Inject(id: "A2", phase: "Move 1", trigger: At("D1 10:00"), kind: Narrative,
                        channel: Email, title: "b"),
                    Inject(id: "B1", phase: "Move 2", trigger: At("D1 13:00"), kind: Narrative,
                        channel: Email, title: "c"),
                ]"#,
            )
            .plan()
    }

    /// The module line says how far in the room is against the plan, and when a module has
    /// ended that its questions are due.
    #[test]
    fn the_module_line_follows_the_modules_events() {
        use crate::scenario::ids::ModuleIx;
        use crate::sim::events::{SimEvent, Stamped};
        let plan = TinyRegion::new()
            .island("A", false, false)
            .field(
                r#"modules: [Module(id: "M1", title: "One", questions: ["Who?", "When?"],
                    duration: Some("1h"))]"#,
            )
            .field(
                r#"msel: [Inject(id: "A1", module: Some("M1"), trigger: At("D1 09:00"),
                    kind: Narrative, channel: Email, title: "a")]"#,
            )
            .plan();
        let mut picture = OperatingPicture::new(&plan);
        assert_eq!(module_status(&plan, &picture, 0), None);
        let start = |tick, event| Stamped { tick, event };
        let mut log = vec![start(
            60,
            SimEvent::ModuleStarted {
                module: ModuleIx(0),
            },
        )];
        picture.update(&plan, &log);
        assert_eq!(
            module_status(&plan, &picture, 105)
                .map(|(_, l)| l)
                .as_deref(),
            Some("One - 45m in, 1h planned")
        );
        assert_eq!(
            module_status(&plan, &picture, 135)
                .map(|(_, l)| l)
                .as_deref(),
            Some("One - 1h15m in, 1h planned (over by 15m)")
        );
        log.push(start(
            140,
            SimEvent::ModuleEnded {
                module: ModuleIx(0),
            },
        ));
        picture.update(&plan, &log);
        assert_eq!(
            module_status(&plan, &picture, 150)
                .map(|(_, l)| l)
                .as_deref(),
            Some("One - ended D1 10:20: time for its 2 questions")
        );
    }

    #[test]
    fn the_next_inject_and_the_next_move_follow_what_fired() {
        use crate::sim::events::{SimEvent, Stamped};
        let plan = plan();
        let mut picture = OperatingPicture::new(&plan);
        // STARTEX 08:00: the room is in move 1; A1 at 09:00 comes next, move 2 at 13:00.
        assert_eq!(current_move(&plan, &picture), Some("Move 1"));
        assert_eq!(next_inject(&plan, &picture, 0), Some((60, InjectIx(0))));
        assert_eq!(next_move(&plan, &picture, 0), Some(("Move 2", 300)));
        assert_eq!(
            countdown(&plan, &picture, 30).as_deref(),
            Some("Move 1  |  next A1 in 30m")
        );
        // B1 fired early by the facilitator: the room is in move 2, and no move comes after.
        let log = vec![Stamped {
            tick: 70,
            event: SimEvent::InjectFired {
                inject: InjectIx(2),
            },
        }];
        picture.update(&plan, &log);
        assert_eq!(current_move(&plan, &picture), Some("Move 2"));
        assert_eq!(next_move(&plan, &picture, 70), None);
        assert_eq!(next_inject(&plan, &picture, 70), Some((120, InjectIx(1))));
    }

    #[test]
    fn a_typed_moment_is_a_clock_time_an_offset_or_a_span_from_now() {
        let plan = plan();
        let start = plan.scenario.start.minute_of_day;
        let d2_0600 = 24 * 60 + 6 * 60 - start;
        assert_eq!(typed_moment(&plan, 100, "D2 06:00"), Ok(d2_0600));
        assert_eq!(typed_moment(&plan, 100, "26h"), Ok(26 * 60));
        assert_eq!(typed_moment(&plan, 100, "+90m"), Ok(190));
        assert!(typed_moment(&plan, 100, "tomorrow").is_err());
    }
}
