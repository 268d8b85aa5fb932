//! `Incident = fold(records)`: where an incident stands, derived from its journal and nothing
//! else. Pure: no IO, no clock. The screen, `status` and the export are projections of this.
//!
//! The fold accepts any well-formed journal, since what is recorded is history; the rules an
//! action must pass before it is appended are `rules::check`.

use super::event::{Event, Known, Record, ScenarioPin};
use super::{Milestone, Runbook, Severity};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

mod apply;

/// Parses pinned runbook source (the caller provides `crate::runbook::parse_source`, so this
/// module does not depend on the loader).
pub type Parse<'a> = &'a dyn Fn(&str) -> Result<Runbook, String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Active,
    Done,
    Failed,
    Skipped,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Active,
        Status::Done,
        Status::Failed,
        Status::Skipped,
    ];

    /// The status's one name, as `status --json` and the screen spell it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepState {
    pub status: Status,
    pub started: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    /// Who ended its latest run (completed, failed, skipped or took the decision).
    pub ended_by: Option<String>,
    /// Who started the step's latest run (the author of its last `step_started`).
    pub started_by: Option<String>,
    pub skip_reason: Option<String>,
    pub checklist: Vec<bool>,
    /// Who signed off most recently (shown; also after the sign-off was used).
    pub signed_off_by: Option<String>,
    /// The sign-off or break-glass override given for a run of the step and not yet used by
    /// a completion. It counts only for the run it was given for (`Signoff::run`): see
    /// `StepState::signoff`.
    pub signoff: Option<Signoff>,
    /// How many times the step was started (loops run steps again).
    pub runs: u32,
}

/// A sign-off, or a break-glass override standing in for one.
#[derive(Clone, Debug, PartialEq)]
pub struct Signoff {
    /// Who gave it: the record's author, never a name someone typed.
    pub by: String,
    pub at: DateTime<Utc>,
    pub seq: u64,
    /// The run it is for: the run in progress when it was given, else the next one.
    pub run: u32,
    /// Set for a break-glass override: the reason given.
    pub overridden: Option<String>,
}

impl StepState {
    fn new(checklist_len: usize) -> StepState {
        StepState {
            status: Status::Pending,
            started: None,
            ended: None,
            ended_by: None,
            started_by: None,
            skip_reason: None,
            checklist: vec![false; checklist_len],
            signed_off_by: None,
            signoff: None,
            runs: 0,
        }
    }

    pub fn duration(&self) -> Option<chrono::Duration> {
        Some(self.ended? - self.started?)
    }

    /// The run a sign-off given now is for: the one in progress, else the next one.
    pub fn run_now(&self) -> u32 {
        if self.status == Status::Active {
            self.runs
        } else {
            self.runs.saturating_add(1)
        }
    }

    /// The unused sign-off (or override) that counts for the step's current run.
    pub fn signoff(&self) -> Option<&Signoff> {
        self.signoff.as_ref().filter(|s| s.run == self.run_now())
    }
}

/// A break-glass override, as the export and `status` flag it.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub by: String,
    pub step: String,
    pub reason: String,
}

/// A milestone as first recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at: DateTime<Utc>,
    pub by: String,
    pub seq: u64,
    /// The step whose completion recorded it, if any.
    pub step: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
    pub action_item: bool,
    pub decision: bool,
    /// An action item's follow-up (`action_item_updated`): done, its owner, where tracked.
    pub done: bool,
    pub owner: Option<String>,
    pub link: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Taken {
    pub step: String,
    pub choice: usize,
    pub label: String,
    pub next: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoleChange {
    pub role: String,
    pub person: String,
    pub at: DateTime<Utc>,
}

/// One run of a step's command: its `command_started` and, once recorded, its
/// `command_finished`.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandRun {
    /// The run's id: the `seq` of its `command_started` (of its finish, when no start was
    /// recorded).
    pub run: u64,
    pub step: String,
    pub command: String,
    pub started: DateTime<Utc>,
    /// How long it was allowed to run (None in journals of older versions).
    pub timeout_s: Option<u64>,
    /// None when it was killed, or when no result was recorded.
    pub exit_code: Option<i32>,
    /// When its `command_finished` says it ended; None: no result was recorded (see
    /// `result_unknown`).
    pub finished: Option<DateTime<Utc>>,
    pub timed_out: bool,
    pub interrupted: bool,
    pub output_excerpt: String,
    pub output_sha256: String,
    /// Everything it printed, in bytes (None in journals of older versions).
    pub output_bytes: Option<u64>,
    /// The saved output stops at the cap.
    pub output_cut: bool,
    pub output_path: Option<String>,
}

impl CommandRun {
    fn started(run: u64, step: &str, command: &str, at: DateTime<Utc>) -> CommandRun {
        CommandRun {
            run,
            step: step.to_string(),
            command: command.to_string(),
            started: at,
            timeout_s: None,
            exit_code: None,
            finished: None,
            timed_out: false,
            interrupted: false,
            output_excerpt: String::new(),
            output_sha256: String::new(),
            output_bytes: None,
            output_cut: false,
            output_path: None,
        }
    }

    /// No `command_finished` answers it: whatever ran it stopped before recording the result
    /// (killed, crashed, the machine went down). It is shown as "interrupted, result unknown",
    /// never as running: a process running a command knows that by itself.
    pub fn result_unknown(&self) -> bool {
        self.finished.is_none()
    }

    /// How it ended, in words (`super::command::ending`).
    pub fn ending(&self) -> String {
        if self.result_unknown() {
            return super::command::RESULT_UNKNOWN.to_string();
        }
        super::command::ending(self.exit_code, self.timed_out, self.interrupted)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comms {
    pub at: DateTime<Utc>,
    pub by: String,
    pub step: Option<String>,
    pub text: String,
}

/// The folded state of one incident.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub drill: bool,
    pub runbook: Runbook,
    pub runbook_sha256: String,
    pub vars: Vec<(String, String)>,
    pub opened: DateTime<Utc>,
    pub opened_by: String,
    pub closed: Option<DateTime<Utc>>,
    pub severity: Severity,
    /// Every severity with when it took effect, starting with the opening one.
    pub severity_history: Vec<(DateTime<Utc>, Severity)>,
    /// Aligned with `runbook.steps`.
    pub steps: Vec<StepState>,
    /// Steps of an earlier runbook version that the adopted one no longer has.
    pub retired: Vec<(super::Step, StepState)>,
    /// The step the runbook is at (None when it has ended).
    pub current: Option<usize>,
    pub path: Vec<Taken>,
    pub milestones: BTreeMap<Milestone, Mark>,
    pub roles: Vec<RoleChange>,
    pub notes: Vec<Note>,
    pub comms: Vec<Comms>,
    pub commands: Vec<CommandRun>,
    /// Break-glass overrides of sign-offs, in journal order.
    pub overrides: Vec<Override>,
    /// Sequence numbers of records of kinds this version does not know.
    pub unknown: Vec<u64>,
    /// Things worth flagging that are not errors (chronology, references to unknown steps).
    pub warnings: Vec<String>,
    pub last_seq: u64,
    pub last_at: DateTime<Utc>,
    /// A drill's pinned scenario (`drill_configured`). Kept as source: callers parse it with
    /// `crate::drill::scenario`, so the domain does not depend on the scenario format.
    pub scenario: Option<ScenarioPin>,
    /// A drill's clock speed (`drill_configured`); None runs on real time.
    pub speed: Option<f64>,
    /// Injects announced so far: (1-based inject number, when), in journal order.
    pub injects: Vec<(usize, DateTime<Utc>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FoldError {
    Empty,
    NotOpened { seq: u64 },
    Gap { expected: u64, found: u64 },
    OpenedTwice { seq: u64 },
    BadRunbook { seq: u64, why: String },
}

impl std::fmt::Display for FoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FoldError::Empty => write!(f, "the journal is empty"),
            FoldError::NotOpened { seq } => {
                write!(f, "record {seq}: the first record must be incident_opened")
            }
            FoldError::Gap { expected, found } => {
                write!(f, "seq gap: expected {expected}, found {found}")
            }
            FoldError::OpenedTwice { seq } => write!(f, "record {seq}: a second incident_opened"),
            FoldError::BadRunbook { seq, why } => {
                write!(f, "record {seq}: the pinned runbook cannot be read: {why}")
            }
        }
    }
}

impl std::error::Error for FoldError {}

/// Folds a whole journal.
pub fn fold(records: &[Record], parse: Parse<'_>) -> Result<Incident, FoldError> {
    let (first, rest) = records.split_first().ok_or(FoldError::Empty)?;
    let mut inc = Incident::open(first, parse)?;
    for r in rest {
        inc.apply(r, parse)?;
    }
    Ok(inc)
}

impl Incident {
    /// The state right after the opening record.
    pub fn open(r: &Record, parse: Parse<'_>) -> Result<Incident, FoldError> {
        if r.seq != 1 {
            return Err(FoldError::Gap {
                expected: 1,
                found: r.seq,
            });
        }
        let Event::Known(Known::IncidentOpened {
            incident,
            title,
            severity,
            runbook_sha256,
            runbook_source,
            vars,
            drill,
            ..
        }) = &r.event
        else {
            return Err(FoldError::NotOpened { seq: r.seq });
        };
        let runbook =
            parse(runbook_source).map_err(|why| FoldError::BadRunbook { seq: r.seq, why })?;
        let steps = runbook
            .steps
            .iter()
            .map(|s| StepState::new(s.checklist.len()))
            .collect();
        Ok(Incident {
            id: incident.clone(),
            title: title.clone(),
            drill: *drill,
            runbook_sha256: runbook_sha256.clone(),
            vars: vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            opened: r.at,
            opened_by: r.author.clone(),
            closed: None,
            severity: *severity,
            severity_history: vec![(r.at, *severity)],
            steps,
            retired: Vec::new(),
            current: Some(0),
            path: Vec::new(),
            milestones: BTreeMap::new(),
            roles: Vec::new(),
            notes: Vec::new(),
            comms: Vec::new(),
            commands: Vec::new(),
            overrides: Vec::new(),
            unknown: Vec::new(),
            warnings: Vec::new(),
            last_seq: 1,
            last_at: r.at,
            scenario: None,
            speed: None,
            injects: Vec::new(),
            runbook,
        })
    }

    /// When the incident started: the `started` milestone if recorded, else when it was opened.
    pub fn started_at(&self) -> DateTime<Utc> {
        self.milestones
            .get(&Milestone::Started)
            .map_or(self.opened, |m| m.at)
    }

    /// The person holding each role now, in the order roles were first assigned.
    pub fn current_roles(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for rc in &self.roles {
            match out.iter_mut().find(|(r, _)| *r == rc.role) {
                Some(e) => e.1 = rc.person.clone(),
                None => out.push((rc.role.clone(), rc.person.clone())),
            }
        }
        out
    }

    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    pub fn action_items(&self) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(|n| n.action_item)
    }

    pub fn count(&self, status: Status) -> usize {
        self.steps.iter().filter(|s| s.status == status).count()
    }
}

/// A note starting with `TODO:` is an action item.
pub fn is_todo(text: &str) -> bool {
    text.trim_start()
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("todo:"))
}
