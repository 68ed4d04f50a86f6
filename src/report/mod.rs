//! What a run amounted to, computed from the event log alone.

pub mod metrics;
pub mod narrate;
pub mod rehearsal;
pub mod summary;

pub use summary::{IslandSummary, RunSummary, summarise};
