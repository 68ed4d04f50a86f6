//! The technique catalog: real MITRE ATT&CK techniques with the parameters the model needs.
//!
//! Each technique says which model behaviour it drives (`effect`) and where its numbers came
//! from (`source`), so a trainer can answer "why did that take four hours?".

use serde::{Deserialize, Serialize};

use crate::time::Span;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub techniques: Vec<Technique>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tactic {
    InitialAccess,
    Execution,
    Persistence,
    PrivilegeEscalation,
    DefenseEvasion,
    CredentialAccess,
    Discovery,
    LateralMovement,
    Collection,
    CommandAndControl,
    Exfiltration,
    Impact,
}

/// What a stage using the technique does in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Initial access by email: attempts land on workstations; people click or report.
    Phish,
    /// Initial access through an internet-facing host; patched hosts resist.
    ExploitPublicFacing,
    /// Initial access or escalation with stolen or bought credentials.
    ValidAccounts,
    /// A timed step inside an organisation (discovery, credential dumping, persistence...).
    Foothold,
    /// Follow a managed service provider's access into the organisations it manages.
    TrustedRelationship,
    /// Spread host to host inside the organisation.
    LateralMovement,
    /// Steal data.
    Exfiltrate,
    /// Encrypt every compromised host and leave a ransom note.
    Encrypt,
    /// Flood the organisation's services from outside: they go down for the stage's duration.
    Ddos,
}

impl Effect {
    pub fn is_initial_access(self) -> bool {
        matches!(
            self,
            Effect::Phish | Effect::ExploitPublicFacing | Effect::ValidAccounts | Effect::Ddos
        )
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Technique {
    /// ATT&CK id, e.g. `T1566.001`.
    pub id: String,
    /// ATT&CK name, e.g. `Spearphishing Attachment`.
    pub name: String,
    pub tactic: Tactic,
    pub effect: Effect,
    /// Chance (0..1) that one attempt succeeds against an unpatched, untrained target.
    pub success: f64,
    /// How much the target's patch level counts against success (0 = not at all, 1 = fully).
    #[serde(default)]
    pub patch_sensitivity: f64,
    /// Typical time the stage takes for a skilled actor.
    pub duration: Span,
    /// Attempts (initial access) or spread attempts per compromised host (lateral movement)
    /// made over the stage's duration.
    #[serde(default = "one")]
    pub attempts: u32,
    /// Encryption only: the mean share (0..1) of the organisation's other usable hosts the
    /// payload also reaches when it is pushed domain-wide, beyond the hosts the intruder holds.
    /// Each attack draws its own share around it, with a long tail (`push_reach`).
    #[serde(default)]
    pub reach: f64,
    /// Chance (0..1) that a fully covered host's sensors raise an alert on one use.
    pub detectability: f64,
    /// The platforms it works on (ransomware does not run on a PLC or a router); empty: any.
    #[serde(default)]
    pub platforms: Vec<super::Platform>,
    /// Where the numbers came from (a figure in calibration.md, or "judgement").
    pub source: String,
    /// What a later stage leaves in the logs of the host the crew works it from (`tidewatch
    /// evidence`): the program it starts and the command line, `{c2}` standing for the crew's
    /// command-and-control domain. Without one, a stage shows as a batch file named for the
    /// technique. Initial access, lateral movement, theft and encryption leave records of
    /// their own kind instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Trace>,
}

/// A process a stage starts, as a sensor records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trace {
    /// The program, as a path under the system's folders (`WindowsPowerShell\v1.0\powershell.exe`)
    /// or a file name (`net.exe`).
    pub program: String,
    /// Its command line.
    pub command: String,
}

impl Technique {
    pub fn runs_on(&self, platform: super::Platform) -> bool {
        self.platforms.is_empty() || self.platforms.contains(&platform)
    }
}

fn one() -> u32 {
    1
}
