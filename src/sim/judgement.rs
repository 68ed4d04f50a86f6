//! Judgement figures: the model's numbers that no published figure pins down, in one table so a
//! reviewer can find and challenge them. Figures with a published source live in the technique
//! catalog and the scenario defaults (which cite `calibration.md`); these say why they are what
//! they are instead.

use std::ops::Range;

use crate::time::MINUTES_PER_DAY;

/// Analyst minutes to take in a victim's own report (a ransom note, services flooded): nobody
/// has to work out whether it is real, only log it. Judgement.
pub const CERTAIN_TRIAGE_MINUTES: u64 = 5;

/// Office hours in local time, minutes of the day: 08:00 to 16:00, the Eastern Caribbean public
/// service's working day (Monday to Friday). Judgement.
pub const OFFICE_HOURS: Range<u64> = 8 * 60..16 * 60;

/// Alerts nobody has looked at for a day are dropped from the queue: sensor consoles roll over
/// and nobody reads yesterday's untriaged noise. Judgement.
pub const ALERT_SHELF_LIFE: u64 = MINUTES_PER_DAY;

/// Chance an analyst recognises a true alert for what it is: 0.4 at skill 0 to 1.0 at skill 1
/// (`TRIAGE_RECOGNITION.0 + TRIAGE_RECOGNITION.1 * skill`). Judgement: a novice still spots
/// the obvious ones; an expert misses none.
pub const TRIAGE_RECOGNITION: (f64, f64) = (0.4, 0.6);

/// How long a task takes relative to the base time: `SKILL_PACE - skill`, so 1.0 at skill 0.5
/// (the base times are for an average analyst), 1.5 at skill 0 and 0.5 at skill 1. Judgement.
pub const SKILL_PACE: f64 = 1.5;

/// A failed attempt (a blocked exploit, a phish someone reported) is this much as likely to be
/// seen as a success of the same technique. Judgement.
pub const FAILED_ATTEMPT_VISIBILITY: f64 = 0.5;

/// An actor's skill scales the catalog's success odds by `SKILL_ODDS + skill`: 1.0 at skill 0.5
/// (the catalog's figures are for an average crew), 0.5 at 0 and 1.5 at 1. Judgement.
pub const SKILL_ODDS: f64 = 0.5;

/// An actor's stages take `ACTOR_PACE - skill` times the catalog's (or the scenario's) duration:
/// 1.0 at skill 0.5, 1.5 at 0 and 0.5 at 1. Judgement, as for analysts.
pub const ACTOR_PACE: f64 = 1.5;

/// Each intrusion's stage takes between this and one more times its paced duration (a uniform
/// draw): the same crew is faster in one network than another. Judgement.
pub const STAGE_JITTER_MIN: f64 = 0.5;

/// At most this many lateral-movement tries per intrusion per minute, however many hosts it
/// holds: hands on keyboards, not a worm. Judgement.
pub const MAX_SPREAD_TRIES_PER_MINUTE: u32 = 256;

/// What an emergency patch round brings an organisation's hosts to. Judgement: a rushed round
/// misses a few machines.
pub const PATCHED_LEVEL: f64 = 0.95;

/// How much of an item of intelligence a recipient can put to work, in thousandths. Judgement:
/// a CSIRT or SOC tunes sensors and filters; a one-person point of contact forwards advisories;
/// a hub or a public advisory reaches whoever reads it.
pub const APPLY_STRENGTH_ANALYSTS: u32 = 1000;
pub const APPLY_STRENGTH_POINT_OF_CONTACT: u32 = 600;
pub const APPLY_STRENGTH_READER: u32 = 400;
