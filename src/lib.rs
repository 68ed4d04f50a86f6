//! tidewatch: a deterministic cyber crisis exercise simulator for small island states.
//!
//! See ARCHITECTURE.md for the map of this crate.

pub mod batch;
pub mod bench;
#[cfg(feature = "console")]
pub mod console;
pub mod evidence;
pub mod exercise;
pub mod lab;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod time;
