//! The pieces of a folded incident: a step's status and state (its runs, sign-off, checklist),
//! overrides, milestones as first recorded, notes, decisions taken, role changes, command runs
//! and comms. Plain data with the small queries they answer; `Incident` in `incident` holds
//! them and `incident::apply` fills them. Pure.

use crate::domain::StepId;
use chrono::{DateTime, Utc};

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
    pub(super) fn new(checklist_len: usize) -> StepState {
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
    pub step: StepId,
    pub reason: String,
}

/// A milestone as first recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at: DateTime<Utc>,
    pub by: String,
    pub seq: u64,
    /// The step whose completion recorded it, if any.
    pub step: Option<StepId>,
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
    pub step: StepId,
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
    pub step: StepId,
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
    pub(super) fn started(run: u64, step: &str, command: &str, at: DateTime<Utc>) -> CommandRun {
        CommandRun {
            run,
            step: step.into(),
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

    /// How it ended, in words (`crate::domain::command::ending`).
    pub fn ending(&self) -> String {
        if self.result_unknown() {
            return crate::domain::command::RESULT_UNKNOWN.to_string();
        }
        crate::domain::command::ending(self.exit_code, self.timed_out, self.interrupted)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comms {
    pub at: DateTime<Utc>,
    pub by: String,
    pub step: Option<StepId>,
    pub text: String,
}
