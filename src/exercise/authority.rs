//! Who may give which command. The facilitator may give any; a trainee team (at its seat, or at
//! the team view) may give only its own team's orders: on its own organisations, deciding only
//! what was put to it, never the clock, the white cell's hand or the evaluation. The host of a
//! lab exercise checks every command from a seat here before it reaches the journal.

use crate::scenario::ids::{OrgIx, TeamIx};
use crate::scenario::{Command, Plan};

/// Why a team may not give a command; said back to the seat and logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Only the facilitator controls the clock, the scenario and the evaluation.
    FacilitatorOnly(&'static str),
    /// The command names another team.
    OtherTeam { named: String },
    /// The organisation is not one this team may act on.
    NotItsOrganisation { org: String },
    /// The decision was not put to this team.
    NotAddressed { inject: String },
    /// The decision was put to this team to read; another team takes it.
    NotDecider { inject: String, decider: String },
    /// The marking forbids the audience the team chose (the rule, said back).
    Marking(String),
    /// The command names something that does not exist.
    Unknown(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::FacilitatorOnly(what) => write!(f, "{what} is the facilitator's to do"),
            Refusal::OtherTeam { named } => write!(f, "the command is for team `{named}`"),
            Refusal::NotItsOrganisation { org } => {
                write!(f, "`{org}` is not an organisation this team acts on")
            }
            Refusal::NotAddressed { inject } => {
                write!(f, "the decision on `{inject}` was not put to this team")
            }
            Refusal::NotDecider { inject, decider } => {
                write!(f, "the decision on `{inject}` is for {decider} to decide")
            }
            Refusal::Marking(rule) | Refusal::Unknown(rule) => write!(f, "{rule}"),
        }
    }
}

/// Whether `team` may give `command`.
pub fn team_may(plan: &Plan, team: TeamIx, command: &Command) -> Result<(), Refusal> {
    use Command::*;
    let own = |named: &str| -> Result<(), Refusal> {
        match plan.ids.teams.get(named) {
            Some(t) if t == team => Ok(()),
            Some(_) => Err(Refusal::OtherTeam {
                named: named.into(),
            }),
            None => Err(Refusal::Unknown(format!("unknown team `{named}`"))),
        }
    };
    let org_of = |org: &str| -> Result<(), Refusal> {
        let o = plan
            .ids
            .orgs
            .resolve(org)
            .map_err(|e| Refusal::Unknown(e.to_string()))?;
        if acts_on(plan, team, o) {
            Ok(())
        } else {
            Err(Refusal::NotItsOrganisation { org: org.into() })
        }
    };
    match command {
        IsolateOrganisation { team: t, org }
        | ReconnectOrganisation { team: t, org }
        | RevokeAccess { team: t, org }
        | RestoreAnyway { team: t, org }
        | ResetCredentials { team: t, org }
        | Investigate { team: t, org }
        | IsolateHosts { team: t, org }
        | Eradicate { team: t, org }
        | Patch { team: t, org }
        | Findings { team: t, org, .. } => own(t).and_then(|_| org_of(org)),
        ShareIntel { team: t, tlp, to } => {
            own(t)?;
            to.resolve(plan, team, *tlp)
                .map(|_| ())
                .map_err(Refusal::Marking)
        }
        RequestAssistance { team: t } | Block { team: t, .. } => own(t),
        // The hub's own work: only the hub's seats give it.
        Relay { team: t, .. }
        | HoldIntel { team: t, .. }
        | SendAnalysts { team: t, .. }
        | RegionalCall { team: t, .. } => {
            own(t)?;
            match plan.hub {
                Some(hub) if hub == team => Ok(()),
                _ => Err(Refusal::Unknown(
                    "only the regional hub relays intelligence, sends analysts and convenes regional calls"
                        .into(),
                )),
            }
        }
        Decide {
            team: t, inject, ..
        } => {
            own(t)?;
            // A live inject's decision is checked when it applies (to whom it was put is in
            // the exercise's state, not the plan).
            if plan.live_inject(inject).is_some() {
                return Ok(());
            }
            let i = plan
                .ids
                .injects
                .resolve(inject)
                .map_err(|e| Refusal::Unknown(e.to_string()))?;
            if !plan.injects[i].to.contains(&team) {
                return Err(Refusal::NotAddressed {
                    inject: inject.clone(),
                });
            }
            match plan.injects[i].decision {
                Some(d) if d.decider != team => Err(Refusal::NotDecider {
                    inject: inject.clone(),
                    decider: plan.scenario.teams[d.decider.ix()].id.clone(),
                }),
                _ => Ok(()),
            }
        }
        // A team's own note for the record.
        Note(_) => Ok(()),
        // A team speaks for itself only.
        Statement { team: t, .. } => own(t),
        Pause | Resume | Speed(_) => Err(Refusal::FacilitatorOnly("the clock")),
        CutLink(_) | RepairLink(_) | PowerOutage { .. } => {
            Err(Refusal::FacilitatorOnly("an infrastructure inject"))
        }
        StartCampaign(_)
        | CancelCampaign(_)
        | Launch { .. }
        | ForceStep { .. }
        | HaltIntrusion { .. }
        | PayRansom { .. } => Err(Refusal::FacilitatorOnly("the white cell's hand")),
        FireInject(_) | SendInject(_) => Err(Refusal::FacilitatorOnly("sending an inject")),
        SkipInject(_) | DelayInject { .. } | RescheduleInject { .. } => {
            Err(Refusal::FacilitatorOnly("the exercise's schedule"))
        }
        Validate { .. } => Err(Refusal::FacilitatorOnly("rating an expectation")),
    }
}

/// A team acts on the organisations of its own island, and on those it monitors; a regional
/// team (no island) on any.
pub fn acts_on(plan: &Plan, team: TeamIx, org: OrgIx) -> bool {
    let t = &plan.teams[team];
    t.island.is_none_or(|i| plan.orgs[org].island == i) || t.monitors.contains(&org)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::testkit::TinyRegion;

    fn plan() -> std::sync::Arc<Plan> {
        TinyRegion::new()
            .island("A", false, true)
            .island("B", true, true)
            .org("a-gov", "A", 10, 0.5, 0.5)
            .org("b-gov", "B", 10, 0.5, 0.5)
            .team("a-npc", "Npc", Some("A"), 1, "OfficeHours", false)
            .team(
                "b-csirt",
                "NationalCsirt",
                Some("B"),
                2,
                "AroundTheClock",
                true,
            )
            .field(
                "msel: [Inject(id: \"I1\", trigger: At(\"D1 09:00\"), kind: Narrative, \
                 channel: Phone, to: [\"a-npc\"], title: \"Call\", decision: Some(Decision(\
                 prompt: \"?\", default: \"wait\", options: [Option(id: \"wait\", label: \
                 \"Wait\")]))), Inject(id: \"I2\", trigger: At(\"D1 10:00\"), kind: Narrative, \
                 channel: Phone, to: [\"a-npc\", \"b-csirt\"], title: \"Ask\", decision: \
                 Some(Decision(prompt: \"?\", default: \"wait\", decider: Some(\"b-csirt\"), \
                 options: [Option(id: \"wait\", label: \"Wait\")])))]",
            )
            .plan()
    }

    /// A team speaks for itself: its own statement is taken, one in another team's name is
    /// refused; an empty or overlong statement is refused with what to do.
    #[test]
    fn a_team_issues_its_own_statements() {
        use crate::scenario::Listeners;
        let tiny = TinyRegion::new()
            .island("A", false, true)
            .team_with("a-cabinet", "Leadership", Some("A"), "")
            .team("a-npc", "Npc", Some("A"), 1, "OfficeHours", false);
        let p = tiny.plan();
        let said = |team: &str, text: &str| Command::Statement {
            team: team.into(),
            to: Listeners::Public,
            text: text.into(),
        };
        assert_eq!(team_may(&p, TeamIx(0), &said("a-cabinet", "calm")), Ok(()));
        assert!(matches!(
            team_may(&p, TeamIx(1), &said("a-cabinet", "calm")),
            Err(Refusal::OtherTeam { .. })
        ));
        assert!(
            said("a-cabinet", "  ")
                .resolve(&p)
                .unwrap_err()
                .contains("is empty")
        );
        let long = "x".repeat(crate::scenario::STATEMENT_MAX_CHARS + 1);
        assert!(
            said("a-cabinet", &long)
                .resolve(&p)
                .unwrap_err()
                .contains("too long")
        );
        let taken = said("a-cabinet", " calm ").resolve(&p).unwrap();
        assert!(
            matches!(taken, Some(crate::scenario::Action::Statement { text, .. }) if text == "calm")
        );
    }

    /// A share goes where the marking allows: an audience it forbids is refused with the rule,
    /// and a named partner must be one the island has an agreement with.
    #[test]
    fn the_marking_decides_the_audience_a_team_may_choose() {
        use crate::scenario::{Audience, Tlp};
        let tiny = TinyRegion::new()
            .island("A", false, true)
            .island("B", false, false)
            .island("C", false, false)
            .team("a-npc", "Npc", Some("A"), 1, "OfficeHours", false)
            .field(r#"intel: Intel(bilateral: [("A", "B")])"#);
        let p = tiny.plan();
        let share = |tlp: Tlp, to: Audience| Command::ShareIntel {
            team: "a-npc".into(),
            tlp,
            to,
        };
        let may = |tlp, to| team_may(&p, TeamIx(0), &share(tlp, to));
        for (tlp, to) in [
            (Tlp::Red, Audience::Partner("B".into())),
            (Tlp::AmberStrict, Audience::Partners),
            (Tlp::Amber, Audience::Hub),
            (Tlp::Green, Audience::Contacts),
            (Tlp::Clear, Audience::Public),
            (Tlp::Red, Audience::AsMarked),
        ] {
            assert_eq!(may(tlp, to.clone()), Ok(()), "{tlp:?} to {to:?}");
        }
        for (tlp, to, rule) in [
            (Tlp::AmberStrict, Audience::Hub, "may not go to the hub"),
            (
                Tlp::Amber,
                Audience::Contacts,
                "the NPC network is the community",
            ),
            (Tlp::Green, Audience::Public, "only TLP:CLEAR may"),
            (
                Tlp::Clear,
                Audience::Partner("C".into()),
                "not a bilateral partner",
            ),
        ] {
            let refused = may(tlp, to.clone()).unwrap_err();
            assert!(matches!(refused, Refusal::Marking(_)), "{refused:?}");
            assert!(
                refused.to_string().contains(rule),
                "{tlp:?} to {to:?}: {refused}"
            );
            // A command file is refused the same way.
            let err = share(tlp, to).resolve(&p).unwrap_err();
            assert!(err.contains(rule), "{err}");
        }
    }

    #[test]
    fn a_team_gives_its_own_orders_on_its_own_organisations() {
        let p = plan();
        let a = TeamIx(0);
        let order = |team: &str, org: &str| Command::Investigate {
            team: team.into(),
            org: org.into(),
        };
        assert_eq!(team_may(&p, a, &order("a-npc", "a-gov")), Ok(()));
        assert_eq!(
            team_may(&p, a, &order("b-csirt", "b-gov")),
            Err(Refusal::OtherTeam {
                named: "b-csirt".into()
            })
        );
        assert_eq!(
            team_may(&p, a, &order("a-npc", "b-gov")),
            Err(Refusal::NotItsOrganisation {
                org: "b-gov".into()
            })
        );
        assert!(matches!(
            team_may(&p, a, &order("a-npc", "nowhere")),
            Err(Refusal::Unknown(_))
        ));
    }

    #[test]
    fn only_the_teams_a_decision_was_put_to_may_take_it() {
        let p = plan();
        let decide = |team: &str| Command::Decide {
            team: team.into(),
            inject: "I1".into(),
            option: "wait".into(),
        };
        assert_eq!(team_may(&p, TeamIx(0), &decide("a-npc")), Ok(()));
        assert_eq!(
            team_may(&p, TeamIx(1), &decide("b-csirt")),
            Err(Refusal::NotAddressed {
                inject: "I1".into()
            })
        );
    }

    #[test]
    fn only_its_decider_takes_a_decision_the_others_read() {
        let p = plan();
        let decide = |team: &str| Command::Decide {
            team: team.into(),
            inject: "I2".into(),
            option: "wait".into(),
        };
        let refused = team_may(&p, TeamIx(0), &decide("a-npc")).unwrap_err();
        assert_eq!(
            refused,
            Refusal::NotDecider {
                inject: "I2".into(),
                decider: "b-csirt".into()
            }
        );
        assert!(refused.to_string().contains("for b-csirt to decide"));
        assert_eq!(team_may(&p, TeamIx(1), &decide("b-csirt")), Ok(()));
    }

    #[test]
    fn the_clock_the_white_cell_and_the_evaluation_stay_with_the_facilitator() {
        let p = plan();
        for c in [
            Command::Pause,
            Command::Speed(crate::scenario::Pace::Max),
            Command::CutLink("x".into()),
            Command::StartCampaign("x".into()),
            Command::FireInject("I1".into()),
            Command::Validate {
                expectation: "E1".into(),
                met: true,
                note: String::new(),
            },
        ] {
            let refused = team_may(&p, TeamIx(0), &c).unwrap_err();
            assert!(matches!(refused, Refusal::FacilitatorOnly(_)), "{c:?}");
            assert!(refused.to_string().contains("facilitator"));
        }
        assert_eq!(
            team_may(&p, TeamIx(0), &Command::Note("seen".into())),
            Ok(())
        );
    }
}
