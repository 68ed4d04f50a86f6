//! Exercise time: one tick is one simulated minute.
//!
//! Scenario authors write durations like `90m`, `2h30m` or `3d`, and moments on the exercise clock
//! like `D2 09:00` (day 2 of the exercise, 09:00 local time). Everything inside the simulation is a
//! plain minute count so that no floating point or calendar arithmetic leaks into the tick chain.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Minutes per simulated tick is fixed at one; these helpers keep the arithmetic readable.
pub const MINUTES_PER_HOUR: u64 = 60;
pub const MINUTES_PER_DAY: u64 = 24 * MINUTES_PER_HOUR;

/// The exercise clock's limit: 366 days of ticks. No duration, offset or exercise time may be
/// longer, so the engine can add any few of them to a tick without overflowing, and a run's
/// length is bounded.
pub const MAX_TICKS: u64 = 366 * MINUTES_PER_DAY;
/// The last exercise day that can be written (`D366 23:59`).
pub const MAX_DAY: u64 = MAX_TICKS / MINUTES_PER_DAY;

/// A length of simulated time, in minutes. Written `90m`, `2h30m`, `1d6h`, `45s` is not allowed
/// (the clock has minute resolution).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span(pub u64);

impl Span {
    pub const ZERO: Span = Span(0);
    pub fn minutes(self) -> u64 {
        self.0
    }
    pub fn hours(h: u64) -> Span {
        Span(h * MINUTES_PER_HOUR)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, rest) = (self.0 / MINUTES_PER_DAY, self.0 % MINUTES_PER_DAY);
        let (h, m) = (rest / MINUTES_PER_HOUR, rest % MINUTES_PER_HOUR);
        let mut out = String::new();
        if d > 0 {
            out.push_str(&format!("{d}d"));
        }
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if m > 0 || out.is_empty() {
            out.push_str(&format!("{m}m"));
        }
        f.write_str(&out)
    }
}

/// Parses `90m`, `2h30m`, `1d6h`, `3d`. A bare number is rejected so that nobody wonders whether
/// it meant minutes or hours.
pub fn parse_span(text: &str) -> Result<Span, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration; write it like `90m`, `2h30m` or `3d`".into());
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut seen_unit = false;
    let mut last_rank = u8::MAX;
    for c in t.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let (mult, rank) = match c {
            'd' => (MINUTES_PER_DAY, 3),
            'h' => (MINUTES_PER_HOUR, 2),
            'm' => (1, 1),
            ' ' if number.is_empty() => continue,
            _ => {
                return Err(format!(
                    "`{t}` is not a duration: unexpected `{c}`; write it like `90m`, `2h30m` or `3d`"
                ));
            }
        };
        if number.is_empty() {
            return Err(format!(
                "`{t}` is not a duration: `{c}` has no number before it"
            ));
        }
        if rank >= last_rank {
            return Err(format!(
                "`{t}` is not a duration: write units largest first, each once (like `1d2h30m`)"
            ));
        }
        last_rank = rank;
        let too_long = || format!("`{t}` is longer than the exercise clock allows (at most 366d)");
        let n: u64 = number.parse().map_err(|_| too_long())?;
        total = n
            .checked_mul(mult)
            .and_then(|v| total.checked_add(v))
            .filter(|v| *v <= MAX_TICKS)
            .ok_or_else(too_long)?;
        number.clear();
        seen_unit = true;
    }
    if !number.is_empty() {
        return Err(format!(
            "`{t}` needs a unit after `{number}`: `m` for minutes, `h` for hours, `d` for days"
        ));
    }
    if !seen_unit {
        return Err(format!(
            "`{t}` is not a duration; write it like `90m`, `2h30m` or `3d`"
        ));
    }
    Ok(Span(total))
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_span(&text).map_err(serde::de::Error::custom)
    }
}

/// A moment on the exercise clock, as an author writes it: either `D2 09:00` (day 2 of the
/// exercise at 09:00 local time) or an offset from the start such as `2h30m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Day number (1-based) and minute of that day.
    Clock {
        day: u64,
        minute_of_day: u64,
    },
    Offset(Span),
}

impl When {
    /// The tick this moment falls on, given the minute of day the exercise starts at.
    /// `None` when a clock time lies before the exercise starts.
    pub fn to_tick(self, start_minute_of_day: u64) -> Option<u64> {
        match self {
            When::Offset(s) => Some(s.0),
            // Parsing bounds the day (`MAX_DAY`), so this cannot overflow; `saturating_sub`
            // keeps a hand-built `day: 0` from underflowing.
            When::Clock { day, minute_of_day } => (day.saturating_sub(1) * MINUTES_PER_DAY
                + minute_of_day)
                .checked_sub(start_minute_of_day),
        }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::Clock { day, minute_of_day } => write!(
                f,
                "D{day} {:02}:{:02}",
                minute_of_day / MINUTES_PER_HOUR,
                minute_of_day % MINUTES_PER_HOUR
            ),
            When::Offset(s) => write!(f, "{s}"),
        }
    }
}

pub fn parse_when(text: &str) -> Result<When, String> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('D') {
        let (day, clock) = rest.split_once(' ').ok_or_else(|| {
            format!("`{t}` is not an exercise time; write it like `D2 09:00` (day, space, HH:MM)")
        })?;
        let day: u64 = day
            .parse()
            .ok()
            .filter(|d| (1..=MAX_DAY).contains(d))
            .ok_or_else(|| {
                format!("`{t}`: the day after `D` must be a number from 1 to {MAX_DAY}")
            })?;
        let minute_of_day = parse_clock(clock.trim()).ok_or_else(|| {
            format!(
                "`{t}`: `{}` is not a time of day like `09:00`",
                clock.trim()
            )
        })?;
        Ok(When::Clock { day, minute_of_day })
    } else {
        parse_span(t).map(When::Offset).map_err(|e| {
            format!("{e}; an exercise time is either `D2 09:00` or an offset from the start like `2h30m`")
        })
    }
}

/// `HH:MM` on a 24-hour clock, to a minute of the day.
pub fn parse_clock(text: &str) -> Option<u64> {
    let (h, m) = text.split_once(':')?;
    if !(h.len() == 2 && m.len() == 2 && (h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    // `then`, not `then_some`: the product is worked out only for an hour that passed the check
    // (an eager `h * 60` overflows on `D1 999999999999999999:00` in the dev profile).
    (h < 24 && m < 60 && text.len() == 5).then(|| h * MINUTES_PER_HOUR + m)
}

impl Serialize for When {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_when(&text).map_err(serde::de::Error::custom)
    }
}

/// The calendar moment the exercise starts, `2026-03-02 08:00` in the scenario's local time.
/// Only used to show dates and to know weekdays for office-hours shifts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StartDate {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub minute_of_day: u64,
}

impl StartDate {
    /// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's `days_from_civil`.
    fn days(&self) -> i64 {
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// The local calendar date, weekday (0 = Monday) and minute of day `tick` minutes after start.
    pub fn at(&self, tick: u64) -> LocalTime {
        self.at_offset(tick, 0)
    }

    /// The weekday (0 = Monday) and minute of day `tick` minutes after start on a clock
    /// `offset` minutes ahead: what shift rosters ask every minute, without the calendar.
    pub fn weekday_minute(&self, tick: u64, offset: i64) -> (u32, u64) {
        let per_day = MINUTES_PER_DAY as i64;
        let total = self.minute_of_day as i64 + tick as i64 + offset;
        let days = self.days() + total.div_euclid(per_day);
        (
            (days + 3).rem_euclid(7) as u32,
            total.rem_euclid(per_day) as u64,
        )
    }

    /// The same on a clock `offset` minutes ahead of the scenario's (an island in another time
    /// zone: -60 for UTC-5 in a scenario on UTC-4).
    pub fn at_offset(&self, tick: u64, offset: i64) -> LocalTime {
        let per_day = MINUTES_PER_DAY as i64;
        let total = self.minute_of_day as i64 + tick as i64 + offset;
        let days = self.days() + total.div_euclid(per_day);
        let minute_of_day = total.rem_euclid(per_day) as u64;
        // civil_from_days
        let z = days + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
        let weekday = (days + 3).rem_euclid(7) as u32; // 1970-01-01 was a Thursday
        LocalTime {
            year,
            month,
            day,
            weekday,
            minute_of_day,
            exercise_day: (total.div_euclid(per_day) + 1).max(1) as u64,
        }
    }
}

/// A moment in local time, for display and for shift rosters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    /// 0 = Monday ... 6 = Sunday.
    pub weekday: u32,
    pub minute_of_day: u64,
    /// 1-based day of the exercise, as in `D2 09:00`.
    pub exercise_day: u64,
}

impl LocalTime {
    pub fn is_weekend(&self) -> bool {
        self.weekday >= 5
    }
    pub fn clock(&self) -> String {
        format!(
            "D{} {:02}:{:02}",
            self.exercise_day,
            self.minute_of_day / 60,
            self.minute_of_day % 60
        )
    }
    /// "Mon" ... "Sun".
    pub fn weekday_name(&self) -> &'static str {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        DAYS[self.weekday as usize % 7]
    }
    pub fn calendar(&self) -> String {
        format!(
            "{} {:04}-{:02}-{:02} {:02}:{:02}",
            self.weekday_name(),
            self.year,
            self.month,
            self.day,
            self.minute_of_day / 60,
            self.minute_of_day % 60
        )
    }
}

impl fmt::Display for StartDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}",
            self.year,
            self.month,
            self.day,
            self.minute_of_day / 60,
            self.minute_of_day % 60
        )
    }
}

pub fn parse_start_date(text: &str) -> Result<StartDate, String> {
    let bad =
        || format!("`{text}` is not a start date; write it like `2026-03-02 08:00` (local time)");
    let (date, clock) = text.trim().split_once(' ').ok_or_else(bad)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let month: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let day: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    let minute_of_day = parse_clock(clock.trim()).ok_or_else(bad)?;
    if !(1900..=9999).contains(&year) {
        return Err(bad());
    }
    Ok(StartDate {
        year,
        month,
        day,
        minute_of_day,
    })
}

/// A clock's offset from UTC, in minutes: written `"UTC-4"`, `"UTC+5:30"` or `"UTC"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UtcOffset(pub i64);

/// Offsets in use on Earth run from UTC-12 to UTC+14.
const OFFSETS: std::ops::RangeInclusive<i64> = -12 * 60..=14 * 60;

pub fn parse_utc_offset(text: &str) -> Result<UtcOffset, String> {
    let bad = || {
        format!("`{text}` is not a UTC offset; write it like \"UTC-4\", \"UTC+5:30\" or \"UTC\"")
    };
    let rest = text.trim().strip_prefix("UTC").ok_or_else(bad)?;
    if rest.is_empty() {
        return Ok(UtcOffset(0));
    }
    let (sign, rest) = match rest.as_bytes()[0] {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..60).contains(&m) {
        return Err(bad());
    }
    let minutes = h
        .checked_mul(60)
        .and_then(|v| v.checked_add(m))
        .map(|v| sign * v)
        .ok_or_else(|| format!("`{text}`: offsets run from UTC-12 to UTC+14"))?;
    if !OFFSETS.contains(&minutes) {
        return Err(format!("`{text}`: offsets run from UTC-12 to UTC+14"));
    }
    Ok(UtcOffset(minutes))
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, m) = if self.0 < 0 {
            ('-', -self.0)
        } else {
            ('+', self.0)
        };
        match (m / 60, m % 60) {
            (0, 0) => write!(f, "UTC"),
            (h, 0) => write!(f, "UTC{sign}{h}"),
            (h, mm) => write!(f, "UTC{sign}{h}:{mm:02}"),
        }
    }
}

impl Serialize for UtcOffset {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for UtcOffset {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_utc_offset(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for StartDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for StartDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_start_date(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Huge hours and offsets are refused, not multiplied: the dev profile checks overflow.
    #[test]
    fn huge_clock_times_and_offsets_are_refused_without_overflow() {
        assert_eq!(parse_clock("999999999999999999:00"), None);
        assert_eq!(parse_clock("+1:00"), None);
        assert_eq!(parse_clock("23:59"), Some(23 * 60 + 59));
        assert!(parse_when("D1 999999999999999999:00").is_err());
        assert!(parse_when("D999999999999999999 09:00").is_err());
        assert!(parse_utc_offset("UTC+999999999999999999").is_err());
        assert!(parse_utc_offset("UTC-9223372036854775807:59").is_err());
        assert_eq!(parse_utc_offset("UTC-4").unwrap(), UtcOffset(-240));
    }

    #[test]
    fn utc_offsets_read_and_write_as_authors_write_them() {
        for (text, minutes) in [
            ("UTC-4", -240),
            ("UTC+5:30", 330),
            ("UTC", 0),
            ("UTC-3", -180),
        ] {
            let o = parse_utc_offset(text).unwrap();
            assert_eq!(o, UtcOffset(minutes));
            assert_eq!(o.to_string(), text);
        }
        for bad in ["GMT-4", "UTC4", "UTC-4:75", "UTC-13", "UTC+15", "-4"] {
            assert!(parse_utc_offset(bad).is_err(), "{bad}");
        }
        // An island an hour behind the scenario's clock: 08:00 there is 07:00, even on D1.
        let start = parse_start_date("2026-03-02 08:00").unwrap();
        let t = start.at_offset(0, -60);
        assert_eq!((t.minute_of_day, t.weekday, t.exercise_day), (7 * 60, 0, 1));
        // Tuesday 00:30 on the scenario's clock is still Monday an hour west.
        let t = start.at_offset(16 * 60 + 30, -60);
        assert_eq!((t.minute_of_day, t.weekday), (23 * 60 + 30, 0));
        let t = parse_start_date("2026-03-02 00:30")
            .unwrap()
            .at_offset(0, -60);
        assert_eq!((t.minute_of_day, t.weekday, t.day), (23 * 60 + 30, 6, 1));
        // The rosters' shortcut agrees with the calendar, minute by minute over two weeks and
        // both sides of UTC.
        for offset in [-120, -60, 0, 90] {
            for tick in (0..14 * MINUTES_PER_DAY).step_by(7) {
                let t = start.at_offset(tick, offset);
                assert_eq!(
                    start.weekday_minute(tick, offset),
                    (t.weekday, t.minute_of_day)
                );
            }
        }
    }

    #[test]
    fn times_beyond_the_exercise_clock_are_refused_not_overflowed() {
        assert_eq!(parse_span("366d"), Ok(Span(MAX_TICKS)));
        for t in [
            "367d",
            "366d1m",
            "18446744073709551615m",
            "999999999999999999d",
            "9999999h",
        ] {
            let e = parse_span(t).unwrap_err();
            assert!(e.contains("at most 366d"), "{t}: {e}");
        }
        assert!(parse_when("D366 23:59").is_ok());
        for t in ["D367 00:00", "D999999999999999999 08:00", "D0 08:00"] {
            let e = parse_when(t).unwrap_err();
            assert!(e.contains("from 1 to 366"), "{t}: {e}");
        }
        let latest = parse_when("D366 23:59").unwrap().to_tick(0).unwrap();
        assert!(latest < MAX_TICKS);
    }

    #[test]
    fn spans_parse_and_print_round_trip() {
        for (text, minutes) in [
            ("90m", 90),
            ("2h30m", 150),
            ("3d", 4320),
            ("1d2h3m", 1563),
            ("0m", 0),
        ] {
            let span = parse_span(text).unwrap();
            assert_eq!(span.0, minutes, "{text}");
            assert_eq!(parse_span(&span.to_string()).unwrap(), span);
        }
        assert_eq!(parse_span("90m").unwrap().to_string(), "1h30m");
    }

    #[test]
    fn spans_reject_ambiguous_text() {
        for bad in [
            "",
            "90",
            "h",
            "2x",
            "30m2h",
            "2h2h",
            "99999999999999999999d",
        ] {
            assert!(parse_span(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn exercise_times_resolve_against_the_start() {
        let w = parse_when("D2 09:00").unwrap();
        assert_eq!(w.to_tick(8 * 60), Some(MINUTES_PER_DAY + 60));
        assert_eq!(parse_when("D1 07:00").unwrap().to_tick(8 * 60), None);
        assert_eq!(parse_when("2h").unwrap().to_tick(8 * 60), Some(120));
        assert!(parse_when("D0 09:00").is_err());
        assert!(parse_when("D1 25:00").is_err());
    }

    #[test]
    fn calendar_follows_the_start_date() {
        let start = parse_start_date("2026-03-02 08:00").unwrap(); // a Monday
        let t = start.at(0);
        assert_eq!((t.year, t.month, t.day, t.weekday), (2026, 3, 2, 0));
        let t = start.at(5 * MINUTES_PER_DAY + 16 * 60); // Sunday 00:00
        assert_eq!((t.month, t.day, t.weekday, t.minute_of_day), (3, 8, 6, 0));
        assert_eq!(t.exercise_day, 7);
        let t = start.at(30 * MINUTES_PER_DAY);
        assert_eq!((t.month, t.day), (4, 1));
        assert_eq!(start.at(90).clock(), "D1 09:30");
    }
}
