//! Money as people read it in a report or on a chart.

/// US dollars for people: US$1.6M, US$250k, US$900.
pub fn usd(v: f64) -> String {
    if v >= 1e6 {
        format!("US${:.1}M", v / 1e6)
    } else if v >= 1e3 {
        format!("US${:.0}k", v / 1e3)
    } else {
        format!("US${v:.0}")
    }
}
