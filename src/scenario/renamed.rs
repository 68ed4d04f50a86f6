//! Names the file format has changed and still reads: a file written before a rename loads as
//! it was written, and nothing rewrites an author's file. A renamed struct reads through
//! [`AnyName`]; a renamed field would keep its old name as a serde `alias`.

use serde::de::{Deserialize, Deserializer, Visitor};

use super::format::{Disruption, DisruptionKind};
use crate::time::When;

/// Reads a struct whatever name is written before its parentheses. ron checks a struct's name
/// against the Rust type's when a file writes one, so a type renamed in Rust would refuse files
/// that write its old name; read through this, `Happening(...)`, `Disruption(...)` and `(...)`
/// all load. The fields are still checked as the derive checks them (unknown, missing, types).
struct AnyName<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for AnyName<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// Files written before the rename say `Happening(at: ..., what: ...)`.
impl<'de> Deserialize<'de> for Disruption {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields, rename = "Disruption")]
        struct Fields {
            at: When,
            what: DisruptionKind,
        }
        let Fields { at, what } = Fields::deserialize(AnyName(deserializer))?;
        Ok(Disruption { at, what })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn disruptions(list: &str) -> Result<Vec<Disruption>, String> {
        let text = format!(
            "Scenario(format: 1, name: \"n\", start: \"2025-03-03 08:00\", duration: \"1d\", \
             seed: 1, islands: [], organisations: [], events: [{list}])"
        );
        let s: Scenario = ron::from_str(&text).map_err(|e| e.to_string())?;
        Ok(s.events)
    }

    #[test]
    fn old_and_new_names_of_a_disruption_read_the_same() {
        let old = disruptions(
            "Happening(at: \"D2 06:00\", what: CableCut(\"ab\")), \
             Happening(at: \"36h\", what: PowerOutage(island: \"A\", duration: \"8h\"))",
        )
        .unwrap();
        let new = disruptions(
            "Disruption(at: \"D2 06:00\", what: CableCut(\"ab\")), \
             (at: \"36h\", what: PowerOutage(island: \"A\", duration: \"8h\"))",
        )
        .unwrap();
        assert_eq!(format!("{old:?}"), format!("{new:?}"));
        assert_eq!(old.len(), 2);
        assert_eq!(old[0].what, DisruptionKind::CableCut("ab".into()));
    }

    #[test]
    fn a_disruption_s_fields_are_checked_whatever_its_name() {
        let unknown = disruptions("Happening(at: \"D1 09:00\", wat: CableCut(\"ab\"))");
        assert!(unknown.unwrap_err().contains("wat"));
        let missing = disruptions("Disruption(at: \"D1 09:00\")");
        assert!(missing.unwrap_err().contains("what"));
        let bad = disruptions("Disruption(at: \"D1 09:00\", what: Flood(\"A\"))");
        assert!(bad.unwrap_err().contains("Flood"));
    }

    /// `--set` goes through JSON and back: a disruption survives the trip.
    #[test]
    fn a_disruption_reads_back_from_json() {
        let d = disruptions("Happening(at: \"D2 06:00\", what: CableRepaired(\"ab\"))").unwrap();
        let json = serde_json::to_value(&d).unwrap();
        let back: Vec<Disruption> = serde_json::from_value(json).unwrap();
        assert_eq!(format!("{d:?}"), format!("{back:?}"));
    }
}
