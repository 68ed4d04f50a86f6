//! What a run amounted to, computed from the event log alone: the folds over the log
//! (`fold`), and everything that reads their results.

pub mod aar;
pub mod aar_page;
pub mod audience;
pub mod calibration;
pub mod charts;
pub mod counterfactual;
pub mod fold;
pub mod handouts;
pub mod markdown;
pub mod metrics;
pub mod money;
pub mod rehearsal;
pub mod script_runs;
pub mod stix;
pub mod summary;
pub mod trend;
pub mod view;

// The folds everyone reads, by the names they have always had.
pub use fold::{knowledge, narrate, picture};

/// Text from a scenario, a journal or a seat, made safe inside HTML (element text and quoted
/// attributes): the one escape the report's pages use.
pub(crate) fn html_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
pub use picture::{OperatingPicture, Outcome};
pub use summary::{IslandSummary, RunSummary, summarise, summary_of};
