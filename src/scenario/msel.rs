//! The master scenario events list (MSEL): injects, decision points, expectations and the
//! objectives they roll up into, as a scenario author writes them.

use serde::{Deserialize, Serialize};

use super::Tlp;
use super::command::Command;
use crate::time::{Span, When};

/// What an inject is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InjectKind {
    /// Changes the simulation (its `effects` run as commands).
    Technical,
    /// Information for the players: an email, a call, a news story.
    Narrative,
    /// For the facilitator: a prompt to steer the room. The teams in `to` read it too (a
    /// StartEx briefing, the questions for the room); with nobody in `to`, only the facilitator.
    Facilitation,
}

/// How an inject reaches its teams (Media and Social reach everyone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InjectChannel {
    /// An email.
    Email,
    /// A phone call.
    Phone,
    /// A news story: press, radio or television.
    Media,
    /// A social media post.
    Social,
    /// The attackers' ransom note.
    RansomNote,
    /// A request from a minister or their office.
    MinisterialRequest,
    /// An item on a threat intelligence feed.
    ThreatFeed,
    /// A briefing to the room, e.g. the opening situation brief.
    Briefing,
}

/// What makes an inject fire (or starts an expectation's clock).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// A moment on the exercise clock.
    At(When),
    /// The first incident any team opens on the island.
    FirstIncident(String),
    /// The first ransom note found on an island (`RansomNote("DM")`) or at an organisation
    /// (`RansomNote("dm-gov")`).
    RansomNote(String),
    /// A service (by id) goes down.
    ServiceDown(String),
    /// A campaign (by id) begins.
    CampaignStarted(String),
    /// Intelligence is first applied on the island.
    IntelApplied(String),
    /// Another inject fired.
    Inject(String),
    /// The first incident contained (its team has every known host back) on an island
    /// (`Contained("GD")`), about an organisation (`Contained("ag-caribmsp")`) or of a
    /// campaign (`Contained("corallock")`).
    Contained(String),
    /// The attackers take their first host of an organisation (`Compromised("ag-caribmsp")`)
    /// or in a campaign (`Compromised("msp-ransomware")`), by id. The facilitator's truth, not
    /// the teams': it lets the script narrate a breach only where there is one.
    Compromised(String),
    /// The attackers first take data out of an organisation or in a campaign (by id).
    DataStolen(String),
    /// The attackers first encrypt hosts of an organisation or in a campaign (by id).
    Encrypted(String),
    /// The team opens its first incident about an organisation or a campaign (by id):
    /// `IncidentOpened(team: "ag-npc", about: "ag-caribmsp")`.
    IncidentOpened { team: String, about: String },
    /// The attackers hold no host of the organisation (by id) any more, though they got in:
    /// the intrusion was stopped. A state, checked when it matters (`unless` at firing time).
    Evicted(String),
    /// Only by hand: the facilitator fires it (`FireInject`), nothing else does.
    Manual,
    /// Whichever comes first: `AnyOf([At("D9 03:47"), RansomNote("GD")])`.
    AnyOf(Vec<Trigger>),
    /// Once all have happened, in any order: `AllOf([Inject("I04"), FirstIncident("LC")])`.
    AllOf(Vec<Trigger>),
}

/// One entry of the MSEL: something put to the teams at a moment or on a trigger.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// Unique in `msel`, e.g. `I04`; triggers, expectations and the console name the inject
    /// by it.
    pub id: String,
    /// The move or phase it belongs to, e.g. "Move 1: Detection" (free text; an MSEL
    /// organised in `modules` names its module instead).
    #[serde(default)]
    pub phase: String,
    /// The exercise module (by id) it belongs to.
    #[serde(default)]
    pub module: Option<String>,
    /// What makes it fire: a moment like `At("D1 09:00")` (not before the exercise starts),
    /// something happening in the simulation, or `Manual`.
    pub trigger: Trigger,
    /// The storyline step is dropped if this has already happened when it comes due: the
    /// script announces encryption at D9 03:47 `unless: Some(Contained("GD"))`, so script and
    /// simulation never contradict each other.
    #[serde(default)]
    pub unless: Option<Trigger>,
    /// The inject narrates a fact of the simulation and is dropped unless the fact has
    /// happened when it comes due: the leak-site story `only_if: Some(DataStolen("ag-caribmsp"))`
    /// never runs on a seed where nothing was stolen. (To wait for the fact instead, put it
    /// in the trigger: `AllOf([At("D1 17:30"), DataStolen("ag-caribmsp")])`.)
    #[serde(default)]
    pub only_if: Option<Trigger>,
    /// Fire this long after the trigger.
    #[serde(default)]
    pub delay: Span,
    /// `Technical`, `Narrative` or `Facilitation`: whether it changes the simulation,
    /// informs the players or prompts the facilitator.
    pub kind: InjectKind,
    /// How it reaches the players, e.g. `Email` or `Phone`.
    pub channel: InjectChannel,
    /// The persona sending it, e.g. "Permanent Secretary, Ministry of Finance".
    #[serde(default)]
    pub from: String,
    /// Team ids it is addressed to.
    #[serde(default)]
    pub to: Vec<String>,
    /// The inject's headline, as the players see it.
    pub title: String,
    /// The full text the players read.
    #[serde(default)]
    pub body: String,
    /// Questions the facilitator puts to the room.
    #[serde(default)]
    pub questions: Vec<String>,
    /// Commands applied when it fires.
    #[serde(default)]
    pub effects: Vec<Command>,
    /// A choice the addressed team makes when it arrives (optional).
    #[serde(default)]
    pub decision: Option<Decision>,
    /// Fired only as an expectation's contingency, never by its trigger on its own.
    #[serde(default)]
    pub contingency_only: bool,
}

/// A part of a discussion-based exercise: the room works through its injects, then its
/// questions, before the next module begins.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// Unique in `modules`; injects name their module by it.
    pub id: String,
    /// Shown to the players, e.g. "Module 1: The first hours".
    pub title: String,
    /// The situation at the start of the module, written for the players.
    #[serde(default)]
    pub description: String,
    /// For the facilitator only: what to draw out, what to watch for.
    #[serde(default)]
    pub guidance: String,
    /// Discussion questions put to the room at the end of the module.
    #[serde(default)]
    pub questions: Vec<String>,
    /// How long the module is planned to take in the room (for the agenda and the console).
    #[serde(default)]
    pub duration: Option<Span>,
    /// Pause the clock when the module's last inject has fired, so the room can discuss.
    #[serde(default)]
    pub pause: bool,
}

/// An inject the facilitator writes while the exercise runs (the room went somewhere the MSEL
/// did not foresee). It reaches its teams like a scripted one and is numbered `live-1`,
/// `live-2`, ... in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveInject {
    /// The inject's headline, as the players see it.
    pub title: String,
    /// The full text the players read.
    #[serde(default)]
    pub body: String,
    /// How it reaches the players, e.g. `Email` or `Phone`.
    pub channel: InjectChannel,
    /// The persona sending it.
    #[serde(default)]
    pub from: String,
    /// Team ids it is addressed to.
    pub to: Vec<String>,
    /// Questions put to the room.
    #[serde(default)]
    pub questions: Vec<String>,
    /// A choice for the teams, by the options' labels: one of them answers with
    /// `Decide(team: "...", inject: "live-1", option: "2")` (the option by position from 1, or
    /// its label). Empty: nothing to decide.
    #[serde(default)]
    pub options: Vec<String>,
    /// Which of `to` takes the decision (the others read it); `None`: the first in `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decider: Option<String>,
}

/// How the record names a live inject.
pub fn live_id(number: u32) -> String {
    format!("live-{number}")
}

/// The number of a live inject's id (`live-3` is 3).
pub fn parse_live_id(id: &str) -> Option<u32> {
    id.strip_prefix("live-")?.parse().ok().filter(|n| *n > 0)
}

/// Where live inject `number` sits in a list kept in sending order (`live-1` first).
pub fn live_index(number: u32) -> Option<usize> {
    (number as usize).checked_sub(1)
}

impl LiveInject {
    /// The team whose decision it is: the one named in `decider`, else the first addressed.
    pub fn decider(&self) -> &str {
        self.decider
            .as_deref()
            .or(self.to.first().map(String::as_str))
            .unwrap_or_default()
    }

    /// An option given by position from 1 or by its label, as its position from 0.
    pub fn option(&self, given: &str) -> Option<u32> {
        let given = given.trim();
        given
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=self.options.len()).contains(n))
            .map(|n| n - 1)
            .or_else(|| {
                self.options
                    .iter()
                    .position(|o| o.eq_ignore_ascii_case(given))
            })
            .map(|k| k as u32)
    }
}

/// A choice the addressed team makes; the option's effects change the simulation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The question put to the deciding team.
    pub prompt: String,
    /// The choices the team has; at least one.
    pub options: Vec<DecisionOption>,
    /// What an auto-played team chooses (the policy's answer).
    pub default: String,
    /// How long an auto-played team takes to decide.
    #[serde(default = "half_hour")]
    pub takes: Span,
    /// How long a trainee team has to answer before the room moves on with the default (its
    /// screen counts down). None: the decision waits for them.
    #[serde(default)]
    pub answer_within: Option<Span>,
    /// The team whose decision it is (one of the inject's `to`); without it, the first there.
    #[serde(default)]
    pub decider: Option<String>,
}

fn half_hour() -> Span {
    Span(30)
}

/// One choice of a [Decision](#decision), and what choosing it does.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Option")]
pub struct DecisionOption {
    /// Names the option in the decision's `default` and in a `Decide` command; give each
    /// option of a decision its own id.
    pub id: String,
    /// The choice as the team sees it.
    pub label: String,
    /// Commands applied when the team chooses this option.
    #[serde(default)]
    pub effects: Vec<Command>,
}

/// What counts as the expected action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Check {
    /// The team opens an incident (about anything).
    IncidentOpened,
    /// The team contains an incident (about anything).
    IncidentContained,
    /// The team opens an incident about an organisation or a campaign (by id):
    /// `IncidentOpenedAbout("kn-mof")`, so the Foreign Affairs incident does not meet an
    /// expectation about Finance's.
    IncidentOpenedAbout(String),
    /// The team contains an incident about an organisation or a campaign (by id).
    IncidentContainedAbout(String),
    /// The team produces (shares) intelligence, at this marking or a wider one.
    IntelShared(Tlp),
    /// The team applies intelligence it received.
    IntelApplied,
    /// The team isolates an organisation's network.
    Isolates,
    /// The team asks for assistance.
    AssistanceRequested,
    /// The team takes the decision of an inject.
    Decides(String),
    /// Judged by the facilitator (a `Validate` command).
    Facilitator,
}

/// What a team should do by when; met or missed from events, or judged by the facilitator.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Unique in `expectations`; the facilitator names it when judging (`Validate`).
    pub id: String,
    /// The team expected to act (an id from `teams`).
    pub team: String,
    /// The objective it counts towards (an id from `objectives`).
    pub objective: String,
    /// What the team should do, in a sentence for the facilitator and the after-action
    /// report.
    pub description: String,
    /// When the clock starts.
    pub after: Trigger,
    /// How long the team has, counted from `after`, e.g. `2h`; more than zero.
    pub within: Span,
    /// What counts as done: an action the simulation sees, or `Facilitator` for a judgement
    /// call.
    pub check: Check,
    /// An inject (id) fired if the expectation is missed.
    #[serde(default)]
    pub contingency: Option<String>,
}

/// An exercise objective the expectations roll up into (rated P/S/M/U in the report).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Expectations name it in `objective`; give each objective its own id.
    pub id: String,
    /// The objective in a sentence, as the after-action report lists it.
    pub title: String,
    /// The capability it exercises, e.g. `Operational Coordination` (optional, free text).
    #[serde(default)]
    pub capability: String,
}
