//! The facilitator's ratings given after the exercise (`tidewatch rate`), kept in an assessment
//! file beside the journal (`drill.jsonl` -> `drill.assessment.ron`) that `tidewatch report`
//! reads. The journal is the record of what was played and is never written again; a rating
//! given afterwards is a judgement about it, so it lives apart, can be changed, and says so in
//! the report ("after the exercise").

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::scenario::Plan;
use crate::scenario::ids::ExpectationIx;

/// The facilitator's ratings of one journal's expectations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// The journal it rates (its file name; the assessment is read beside it).
    #[serde(default)]
    pub journal: String,
    /// One per expectation rated, in the order first rated; rating one again replaces it.
    #[serde(default)]
    pub ratings: Vec<Rating>,
}

/// One expectation as the facilitator rated it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    /// The expectation's id (`E04`).
    pub expectation: String,
    pub met: bool,
    /// Why, in the facilitator's words; in the report beside the rating.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A rating resolved against the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Rated {
    pub expectation: ExpectationIx,
    pub met: bool,
    pub note: String,
}

impl Assessment {
    /// Where the assessment of `journal` lives: beside it, `<stem>.assessment.ron`.
    pub fn beside(journal: &Path) -> PathBuf {
        let stem = journal
            .file_stem()
            .map_or("exercise".into(), |s| s.to_string_lossy().into_owned());
        journal.with_file_name(format!("{stem}.assessment.ron"))
    }

    /// The assessment at `path`, or an empty one when there is none yet; a file that does not
    /// parse is refused with where and why (it is never overwritten blindly).
    pub fn read(path: &Path) -> Result<Assessment, String> {
        if !path.exists() {
            return Ok(Assessment::default());
        }
        let file = path.display().to_string();
        let bytes = crate::scenario::read_bounded(path).map_err(|e| format!("{file}: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        crate::scenario::parse_ron(&file, &text).map_err(|e| e.to_string())
    }

    /// Rates `expectation` (replacing an earlier rating of it); returns the earlier one.
    pub fn rate(&mut self, expectation: &str, met: bool, note: &str) -> Option<Rating> {
        let new = Rating {
            expectation: expectation.to_string(),
            met,
            note: note.to_string(),
        };
        match self
            .ratings
            .iter_mut()
            .find(|r| r.expectation == expectation)
        {
            Some(old) => Some(std::mem::replace(old, new)),
            None => {
                self.ratings.push(new);
                None
            }
        }
    }

    /// The ratings resolved against the plan; an id the scenario does not have is named with
    /// the likely fix.
    pub fn resolve(&self, plan: &Plan, file: &str) -> Result<Vec<Rated>, String> {
        self.ratings
            .iter()
            .map(|r| {
                let expectation = (plan.ids.expectations.resolve(&r.expectation))
                    .map_err(|e| format!("{file}: {e}"))?;
                Ok(Rated {
                    expectation,
                    met: r.met,
                    note: r.note.clone(),
                })
            })
            .collect()
    }

    /// The file's text: a comment saying what it is, then the ratings as RON.
    pub fn text(&self) -> String {
        let pretty = ron::ser::PrettyConfig::new().struct_names(true);
        let body = ron::ser::to_string_pretty(self, pretty).unwrap_or_default();
        format!(
            "// The facilitator's ratings of {}, given after the exercise (tidewatch rate).\n\
             // The journal is never written to; tidewatch report reads this file beside it.\n\
             {body}\n",
            self.journal
        )
    }

    /// Writes the assessment whole or not at all: to a temporary file beside it, then renamed
    /// over, so a crash mid-write leaves the previous ratings intact.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let partial = path.with_file_name(format!(".{name}.partial"));
        let said = |e: std::io::Error| format!("{}: {e}", path.display());
        std::fs::write(&partial, self.text()).map_err(said)?;
        std::fs::rename(&partial, path).map_err(said)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    fn plan() -> std::sync::Arc<Plan> {
        TinyRegion::new()
            .island("A", true, false)
            .csirt("csirt", "A")
            .press_line()
            .plan()
    }

    /// Rating an expectation again replaces the rating; the file written reads back the same,
    /// and an id the scenario lacks is refused with the likely fix.
    #[test]
    fn ratings_replace_round_trip_and_name_unknown_expectations() {
        let mut a = Assessment {
            journal: "drill.jsonl".into(),
            ..Default::default()
        };
        assert_eq!(a.rate("E1", false, ""), None);
        let old = a.rate("E1", true, "held a press line by 10:00");
        assert_eq!(old.map(|r| r.met), Some(false));
        assert_eq!(a.ratings.len(), 1);
        let dir = std::env::temp_dir().join(format!("tidewatch-assess-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = Assessment::beside(&dir.join("drill.jsonl"));
        assert_eq!(path, dir.join("drill.assessment.ron"));
        assert_eq!(Assessment::read(&path).unwrap(), Assessment::default());
        a.write(&path).unwrap();
        assert_eq!(Assessment::read(&path).unwrap(), a);
        let rated = a.resolve(&plan(), "x").unwrap();
        assert_eq!(
            (rated[0].expectation, rated[0].met),
            (ExpectationIx(0), true)
        );
        a.rate("E2", true, "");
        let why = a.resolve(&plan(), "x").unwrap_err();
        assert!(why.contains("unknown expectation `E2`"), "{why}");
        std::fs::write(
            &path,
            "Assessment(ratings: [Rating(expectation: \"E1\", met: maybe)])",
        )
        .unwrap();
        let bad = Assessment::read(&path).unwrap_err();
        assert!(bad.contains("drill.assessment.ron:1:"), "{bad}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
