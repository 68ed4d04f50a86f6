//! The folds: the only code of the report that reads events one by one. Each is one pass over
//! the log (incremental where the console keeps one up to date); everything else in the report
//! (the after-action report, its charts, summaries, metrics, STIX, the calibration's rows, the
//! team view) reads their results and never matches on an event.
//!
//! - `picture`: the operating picture, the whole truth a facilitator and the report read.
//! - `fog` and `knowledge`: who may see each event, and one team's fold of only that;
//!   `coordination`, the regional hub's part of it (items, requests, loans).
//! - `narrate`: each event in words (and as JSON), and the milestones of a timeline.
//! - `samples`: what one run offers the calibration's rows.

pub mod coordination;
pub mod fog;
pub mod knowledge;
pub mod narrate;
pub mod picture;
pub mod samples;
