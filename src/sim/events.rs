//! The typed event log: the single record of what happened.
//!
//! Console feed, summaries, metrics, reports and tests all read this log; nothing keeps a second
//! tally. Events name things by their index in the scenario (file order), which is stable, and
//! are turned into author ids only when written out.

use bevy::prelude::*;
use serde::Serialize;

pub use crate::scenario::Order;
use crate::scenario::ids::{
    CampaignIx, ExpectationIx, HostIx, InjectIx, IslandIx, LinkIx, ModuleIx, OrgIx, ServiceIx,
    TeamIx, TechniqueIx,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DetectedBy {
    /// A sensor alert that an analyst confirmed.
    Alert,
    /// The victim reported what it could not miss: a ransom note, services flooded.
    VictimReport,
    /// A team went looking (a trainee's order) and found the intruder.
    Hunt,
    /// A team's analysts found the intruder in the records and said so (`Findings`).
    Findings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Verdict {
    Confirmed,
    Dismissed,
}

/// How an item of intelligence reached a team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Channel {
    Bilateral,
    NpcNetwork,
    /// To the regional hub, or from it to a member.
    Hub,
    /// A public advisory (TLP CLEAR).
    Public,
    /// Passed on by an island's national CSIRT or contact to a team of its constituency.
    National,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum SimEvent {
    ResponseOrdered {
        team: TeamIx,
        order: Order,
    },
    /// A team submitted what its analysis of the organisation's records found: the hosts it
    /// judges held, the indicators and techniques it recognised.
    FindingsSubmitted(crate::scenario::Findings),
    /// A team pushed the indicators its findings named to its island's perimeter: the
    /// campaigns whose infrastructure they are (none when they are nobody's) are blocked there.
    /// The team is told it blocked them, never whose they were (`campaigns` is the
    /// facilitator's).
    IndicatorsBlocked {
        team: TeamIx,
        island: IslandIx,
        indicators: u32,
        campaigns: Vec<CampaignIx>,
    },
    /// A team's investigation (played by trainees, `investigation: Collection`) delivered a
    /// host triage package: the records of the organisation's hosts up to now, which
    /// `tidewatch evidence` writes for the team. The model learns nothing from it by itself.
    CollectionDelivered {
        team: TeamIx,
        org: OrgIx,
    },
    /// A hunt at an organisation found no intruder.
    HuntFoundNothing {
        team: TeamIx,
        org: OrgIx,
    },
    OrganisationPatched {
        team: TeamIx,
        org: OrgIx,
    },
    /// A team blocked a campaign's known infrastructure for its island.
    ActorBlocked {
        team: TeamIx,
        island: IslandIx,
        campaign: CampaignIx,
    },
    /// A facilitator's note for the record.
    Note {
        text: String,
    },
    /// A team spoke: to the public, its partners abroad or its government's staff.
    StatementIssued {
        team: TeamIx,
        to: crate::scenario::Listeners,
        text: String,
    },
    OrganisationIsolated {
        org: OrgIx,
        team: TeamIx,
    },
    OrganisationReconnected {
        org: OrgIx,
        team: TeamIx,
    },
    /// A team decided to share its latest findings with this marking.
    ShareOrdered {
        team: TeamIx,
        tlp: crate::scenario::Tlp,
        /// Whom to: everyone the marking allows, or the audience the team chose.
        audience: crate::scenario::Recipients,
    },
    /// The white cell started a campaign ahead of its schedule.
    CampaignForced {
        campaign: CampaignIx,
    },
    /// The white cell launched a campaign against an organisation now.
    CampaignLaunched {
        campaign: CampaignIx,
        org: OrgIx,
    },
    /// The white cell made an intrusion finish its current step now, or every step through
    /// stage `through` (by position).
    StageForced {
        campaign: CampaignIx,
        org: OrgIx,
        through: Option<u32>,
    },
    /// The white cell stopped an intrusion where it stood.
    IntrusionHalted {
        campaign: CampaignIx,
        org: OrgIx,
    },
    /// The white cell stopped a campaign where it stood.
    CampaignCancelled {
        campaign: CampaignIx,
    },
    /// An inject of the MSEL reaches its recipients.
    InjectFired {
        inject: InjectIx,
    },
    /// The facilitator fired an inject ahead of its trigger.
    InjectOrdered {
        inject: InjectIx,
    },
    /// An inject's trigger happened (or the facilitator moved it): it fires at `at`.
    InjectScheduled {
        inject: InjectIx,
        at: u64,
    },
    /// The facilitator took an inject out of the exercise.
    InjectSkipped {
        inject: InjectIx,
    },
    /// An inject's storyline was overtaken by the simulation (its `unless` had happened by the
    /// time it came due): it is dropped, not fired.
    InjectWithdrawn {
        inject: InjectIx,
    },
    /// The first inject of an exercise module reached the room.
    ModuleStarted {
        module: ModuleIx,
    },
    /// Every scripted inject of a module has fired or been taken out: the room discusses its
    /// questions (the clock pauses if the module says so).
    ModuleEnded {
        module: ModuleIx,
    },
    /// The facilitator put an inject back by this many minutes.
    InjectDelayed {
        inject: InjectIx,
        minutes: u64,
    },
    /// The facilitator moved an inject to fire at `at`.
    InjectRescheduled {
        inject: InjectIx,
        at: u64,
    },
    /// The facilitator sent an inject written live (`live-<number>`).
    InjectSent {
        number: u32,
        to: Box<[TeamIx]>,
        inject: Box<crate::scenario::LiveInject>,
    },
    /// A team chose an option of a live inject.
    LiveDecisionTaken {
        team: TeamIx,
        number: u32,
        option: u32,
        label: String,
    },
    DecisionTaken {
        team: TeamIx,
        inject: InjectIx,
        option: u32,
    },
    ExpectationMet {
        expectation: ExpectationIx,
    },
    ExpectationMissed {
        expectation: ExpectationIx,
    },
    ExpectationValidated {
        expectation: ExpectationIx,
        met: bool,
        note: String,
    },
    LinkCut {
        link: LinkIx,
    },
    LinkRepaired {
        link: LinkIx,
    },
    PowerOut {
        island: IslandIx,
    },
    PowerRestored {
        island: IslandIx,
    },
    CampaignStarted {
        campaign: CampaignIx,
    },
    /// An initial-access attempt failed or was not noticed by the target.
    AccessFailed {
        campaign: CampaignIx,
        org: OrgIx,
        host: HostIx,
        technique: TechniqueIx,
    },
    HostCompromised {
        campaign: CampaignIx,
        org: OrgIx,
        host: HostIx,
        technique: TechniqueIx,
    },
    StageCompleted {
        campaign: CampaignIx,
        org: OrgIx,
        technique: TechniqueIx,
    },
    /// The intruder followed a managed service provider's access into a client.
    TrustFollowed {
        campaign: CampaignIx,
        from: OrgIx,
        to: OrgIx,
    },
    DataExfiltrated {
        campaign: CampaignIx,
        org: OrgIx,
        hosts: u32,
    },
    HostsEncrypted {
        campaign: CampaignIx,
        org: OrgIx,
        hosts: u32,
        /// Of those, the hosts with no usable backup left (none kept, or online ones the crew
        /// encrypted too): rebuilt, at a rebuild's price.
        rebuilt: u32,
    },
    /// Online backups were reachable and encrypted too.
    BackupsLost {
        org: OrgIx,
        hosts: u32,
    },
    DdosStarted {
        campaign: CampaignIx,
        org: OrgIx,
    },
    DdosEnded {
        campaign: CampaignIx,
        org: OrgIx,
    },
    AlertRaised {
        alert: u64,
        team: TeamIx,
        org: OrgIx,
        technique: Option<TechniqueIx>,
        true_positive: bool,
    },
    /// A sensor fired but no team monitors the organisation.
    AlertUnwatched {
        org: OrgIx,
        technique: TechniqueIx,
    },
    /// The alert waited a day without anyone looking at it.
    AlertExpired {
        alert: u64,
        team: TeamIx,
        true_positive: bool,
    },
    AlertTriaged {
        alert: u64,
        team: TeamIx,
        verdict: Verdict,
        true_positive: bool,
    },
    RansomNoteFound {
        campaign: CampaignIx,
        org: OrgIx,
    },
    IncidentOpened {
        incident: u32,
        team: TeamIx,
        org: OrgIx,
        campaign: CampaignIx,
        by: DetectedBy,
    },
    IncidentScoped {
        incident: u32,
        hosts: u32,
    },
    HostIsolated {
        host: HostIx,
        org: OrgIx,
        team: TeamIx,
    },
    HostCleaned {
        host: HostIx,
        org: OrgIx,
        team: TeamIx,
    },
    /// A host is back in service: cleaned, or (`encrypted`) restored from backup or rebuilt.
    HostRestored {
        host: HostIx,
        org: OrgIx,
        encrypted: bool,
    },
    /// An organisation's IT has planned the restore of encrypted hosts: the first back at
    /// `first`, the last at `last` (its crew restores them one after another).
    RestoresPlanned {
        org: OrgIx,
        hosts: u32,
        first: u64,
        last: u64,
    },
    /// An organisation's IT starts preparing to bring `hosts` encrypted hosts back (backups
    /// fetched and checked, or new builds): it can start at `ready`, if nothing holds it.
    RestoresPrepared {
        org: OrgIx,
        hosts: u32,
        ready: u64,
    },
    /// Analysts lent on site to `team` join the organisation's IT in getting ready to restore:
    /// it is ready at `ready` rather than `was`.
    RestoresHastened {
        org: OrgIx,
        team: TeamIx,
        was: u64,
        ready: u64,
    },
    /// An organisation's IT is ready to restore `hosts` encrypted hosts but waits for `team`,
    /// which has scoped an intrusion there and not yet contained it.
    RestoresHeld {
        org: OrgIx,
        hosts: u32,
        team: TeamIx,
    },
    /// A team tells an organisation to restore without waiting for containment.
    RestoreAnywayOrdered {
        org: OrgIx,
        team: TeamIx,
    },
    /// Hosts just restored are encrypted again by a crew that still holds a foothold in the
    /// organisation; they go back to be prepared again.
    RestoredHostsEncrypted {
        campaign: CampaignIx,
        org: OrgIx,
        hosts: u32,
        /// Of those, the hosts with no usable backup left, as in `HostsEncrypted`.
        rebuilt: u32,
    },
    /// A victim paid a ransom.
    RansomPaid {
        org: OrgIx,
        usd: u64,
    },
    /// A victim the model plays decides to pay and opens talks with the crew: it pays `usd`
    /// and has the decryptor at `until`.
    RansomTalks {
        org: OrgIx,
        usd: u64,
        until: u64,
    },
    /// A paid decryptor runs at the victim: `hosts` of its encrypted hosts come back by
    /// decryption, the first at `first` and the last at `last`; `failed` stay on their restore.
    Decrypting {
        org: OrgIx,
        hosts: u32,
        failed: u32,
        first: u64,
        last: u64,
    },
    /// An organisation cut its provider's remote access: the provider's trust no longer leads in.
    AccessRevoked {
        org: OrgIx,
        team: TeamIx,
    },
    /// The team's investigation finds the intruder took the organisation's credentials: the
    /// incident is not contained until they are reset, however many hosts are isolated.
    CredentialsStolen {
        incident: u32,
    },
    /// A team reset an organisation's credentials: what any intruder took there stops working.
    CredentialsReset {
        org: OrgIx,
        team: TeamIx,
    },
    /// The team's investigation finds the crew came in through a managed provider's remote
    /// access: the incident is not contained until the organisation revokes it.
    ProviderAccessFound {
        incident: u32,
        provider: OrgIx,
    },
    /// The team judges the intrusion contained: every host it found is cut off, and the
    /// credentials and provider access it learned of are reset and revoked. Hosts it missed
    /// are not in that judgement.
    IncidentContained {
        incident: u32,
    },
    /// A contained incident is live again: a confirmed alert or an investigation found the
    /// intruder on a host the team had not cut off.
    IncidentReopened {
        incident: u32,
    },
    IncidentClosed {
        incident: u32,
    },
    /// Intelligence about a campaign, produced by the team that scoped an incident: the
    /// island it was found on and the techniques the intruder had used there (what is shared).
    IntelProduced {
        item: u32,
        team: TeamIx,
        campaign: CampaignIx,
        tlp: crate::scenario::Tlp,
        island: IslandIx,
        techniques: Vec<TechniqueIx>,
    },
    IntelSent {
        item: u32,
        recipient: TeamIx,
        channel: Channel,
        arrives: u64,
    },
    IntelReceived {
        item: u32,
        team: TeamIx,
        channel: Channel,
    },
    /// The hub, played by trainees, chose to relay an item it received: at this marking, to
    /// these members by island (every member, and the teams it feeds, when empty). Its
    /// analysts vet it first (`IntelRelayed` when done).
    RelayOrdered {
        team: TeamIx,
        item: u32,
        tlp: crate::scenario::Tlp,
        to: Vec<IslandIx>,
        /// Also as a regional advisory every island picks up.
        advisory: bool,
    },
    /// The hub, played by trainees, keeps an item to itself for now.
    IntelHeld {
        team: TeamIx,
        item: u32,
    },
    /// The hub, played by trainees, chose to answer a request for help: `analysts` on site or
    /// remote (`AssistanceDispatched` follows the same minute).
    AnalystsOrdered {
        hub: TeamIx,
        team: TeamIx,
        analysts: u32,
        on_site: bool,
    },
    /// A hub's order that could not be carried out as given, and why (said back to its seat).
    HubOrderRefused {
        team: TeamIx,
        why: String,
    },
    /// The hub vetted an item and sends it on to its members.
    IntelRelayed {
        item: u32,
        team: TeamIx,
    },
    /// The island's defences now know the item's techniques (and its actor, unless TLP RED);
    /// `team` is `None` for a public advisory picked up without a team.
    IntelApplied {
        item: u32,
        island: IslandIx,
        team: Option<TeamIx>,
    },
    /// Applied intelligence stopped an initial-access attempt.
    AccessBlocked {
        campaign: CampaignIx,
        org: OrgIx,
        host: HostIx,
        technique: TechniqueIx,
    },
    AssistanceRequested {
        team: TeamIx,
    },
    AssistanceDispatched {
        hub: TeamIx,
        team: TeamIx,
        analysts: u32,
        arrives: u64,
    },
    AssistanceArrived {
        team: TeamIx,
        analysts: u32,
    },
    AssistanceLeft {
        team: TeamIx,
        analysts: u32,
    },
    ServiceDown {
        service: ServiceIx,
    },
    ServiceRestored {
        service: ServiceIx,
    },
    /// Why a service is down, from the minute it goes down and again whenever the reason
    /// changes while it stays down (the power comes back but its servers are still encrypted).
    /// The simulation's truth, for the money and the report: a team sees the outage, never this.
    OutageCause {
        service: ServiceIx,
        cause: DownCause,
    },
}

/// What keeps a service down, in the order the money reads it: what the script would have done
/// on its own (a cable cut, a power cut) is no team's doing; what the attack adds (hosts
/// encrypted or being restored, a flood of traffic) is what the teams were there to prevent;
/// what only the response adds (hosts or a whole network isolated) is the response's price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum DownCause {
    Scripted,
    Attack,
    Response,
}

impl SimEvent {
    /// Whether the event is an intruder's move: an access tried (failed or blocked), a host
    /// taken, a stage done, a trust followed, data taken, hosts encrypted, a flood started,
    /// credentials stolen. What a network simulator counts as a step, so the bench's cost per
    /// attacker action compares with theirs.
    pub fn is_intruders_move(&self) -> bool {
        matches!(
            self,
            SimEvent::AccessFailed { .. }
                | SimEvent::AccessBlocked { .. }
                | SimEvent::HostCompromised { .. }
                | SimEvent::StageCompleted { .. }
                | SimEvent::TrustFollowed { .. }
                | SimEvent::DataExfiltrated { .. }
                | SimEvent::HostsEncrypted { .. }
                | SimEvent::DdosStarted { .. }
                | SimEvent::CredentialsStolen { .. }
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stamped {
    pub tick: u64,
    pub event: SimEvent,
}

/// Append-only; `this_tick` is the slice the current tick has written so far, which later
/// systems in the chain react to.
#[derive(Resource, Default)]
pub struct EventLog {
    events: Vec<Stamped>,
    tick_start: usize,
}

impl EventLog {
    pub fn push(&mut self, tick: u64, event: SimEvent) {
        self.events.push(Stamped { tick, event });
    }
    pub fn begin_tick(&mut self) {
        self.tick_start = self.events.len();
    }
    pub fn this_tick(&self) -> &[Stamped] {
        &self.events[self.tick_start..]
    }
    pub fn all(&self) -> &[Stamped] {
        &self.events
    }
    pub fn since(&self, cursor: usize) -> &[Stamped] {
        &self.events[cursor.min(self.events.len())..]
    }
    pub fn len(&self) -> usize {
        self.events.len()
    }
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}
