//! What a run amounted to, computed from the event log alone.

pub mod aar;
pub mod aar_page;
pub mod audience;
pub mod calibration;
pub mod charts;
pub mod handouts;
pub mod knowledge;
pub mod markdown;
pub mod metrics;
pub mod money;
pub mod narrate;
pub mod picture;
pub mod rehearsal;
pub mod stix;
pub mod summary;
pub mod trend;
pub mod view;

pub use picture::{OperatingPicture, Outcome};
pub use summary::{IslandSummary, RunSummary, summarise, summary_of};
