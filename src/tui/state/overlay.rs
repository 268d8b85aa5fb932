//! The dialogs drawn over a screen, as plain data: which one is open (`Overlay`), and each
//! one's own state (a question, a text field, a menu whose choices carry their values, the
//! confirmation of a command with its arming time, the start form). Part of `state`: only
//! `update` changes it, the overlay views borrow it.

use crate::domain::Severity;
use chrono::{DateTime, Utc};

/// Modal things drawn over a screen; while one is open, keys go to it.
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    /// The keys of the screen underneath, scrolled down `scroll` rows on a small terminal.
    Help {
        scroll: usize,
    },
    Input(Input),
    Menu(Menu),
    /// Confirm running a command: shows the exact command.
    Confirm(Confirm),
    StartForm(StartForm),
    /// A text to read (the drill scorecard), dismissed like an error.
    Info {
        title: String,
        body: String,
        /// Lines scrolled past (a scorecard taller than the terminal scrolls).
        scroll: usize,
    },
    /// A yes/no question before something is recorded: a repeat the rules refused (a done
    /// step started again), a checklist not finished, a comms step to complete after sending.
    /// Yes appends `events` (`opts` says how: a deliberate repeat).
    Ask(Ask),
    /// Quitting while a command runs: wait for it, or kill it and quit.
    Quit,
    /// A blocking error; `then` is reopened when it is dismissed (nothing typed is lost).
    Error {
        message: String,
        then: Option<Box<Overlay>>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ask {
    pub title: String,
    /// What the question is about (a refusal says who did it and when).
    pub message: String,
    /// What `y` does, shown beside it.
    pub yes: String,
    pub events: Vec<crate::domain::event::Known>,
    pub opts: crate::domain::rules::Opts,
    pub origin: Option<Box<Overlay>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub purpose: InputPurpose,
    pub title: String,
    pub text: String,
    /// Cursor position in characters.
    pub cursor: usize,
    /// Why the last Enter was refused, shown inside the dialog (typing goes on in the text).
    pub error: Option<String>,
    /// What the dialog is about, shown above the text (what is still open at a close).
    pub context: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputPurpose {
    Note,
    ActionItem,
    SkipReason {
        step: crate::domain::StepId,
    },
    /// Break glass: the reason for completing (or running) a step without a second person's
    /// sign-off; completing the step follows when `then_complete`.
    Override {
        step: crate::domain::StepId,
        then_complete: bool,
    },
    RolePerson {
        role: String,
    },
    /// Closing the incident: an optional summary line.
    Close,
    /// When a milestone happened: empty for now, or a time (`22:15`, `-15m`, RFC 3339).
    MilestoneAt {
        milestone: crate::domain::Milestone,
    },
    RoleName,
    /// The rendered comms template, editable before it is recorded as sent.
    Comms {
        step: crate::domain::StepId,
    },
}

/// A list to pick one item from; each item carries what picking it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Menu {
    pub title: String,
    pub items: Vec<(String, Pick)>,
    pub selected: usize,
}

/// What a menu item stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    Milestone(crate::domain::Milestone),
    Severity(Severity),
    /// Assign this role (a person is asked for next).
    Role(String),
    /// A role not in the list: its name is asked for next.
    OtherRole,
    /// Adopt the newer version of the runbook.
    Adopt,
    /// Keep the pinned version.
    KeepPinned,
    /// Take choice `choice` (1-based) of decision `step`.
    Choice {
        step: crate::domain::StepId,
        choice: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub step: crate::domain::StepId,
    pub command: String,
    pub timeout_s: u64,
    /// Set when the command must not run (invisible characters): shown instead of yes/no.
    pub refused: Option<String>,
    /// Who signed off (or overrode) a step that needs a second person, shown with the command.
    pub signoff: Option<String>,
    /// When the dialog was first drawn (`app::drawn`). Keys from before it was on screen are
    /// ignored, and yes counts only once it has been on screen for `confirm::ARM_MS`.
    pub shown_at: Option<DateTime<Utc>>,
    /// Command lines scrolled past (a long command scrolls inside the dialog).
    pub scroll: usize,
    /// Every line of the command has been on screen: only then does yes count.
    pub seen_all: bool,
    /// The command's wrapped line count and how many fit, from the last draw.
    pub lines: usize,
    pub room: usize,
}

/// How long the confirmation must have been on screen before a yes counts: longer than any
/// key repeat or a paste takes to arrive, short enough not to be noticed by a reader.
pub const ARM_MS: i64 = 500;

impl Confirm {
    /// Whether a key pressed at `at` (app time, `speed` times real time in a drill) may say
    /// yes: the dialog was on screen before it, for at least `ARM_MS` of real time.
    pub fn armed(&self, at: DateTime<Utc>, speed: f64) -> bool {
        let Some(shown) = self.shown_at else {
            return false;
        };
        // A drill's clock runs `speed` times faster: the wait is measured in real time.
        let wait_ms = (ARM_MS as f64 * speed.clamp(1.0, 1000.0)).round() as i64;
        chrono::TimeDelta::try_milliseconds(wait_ms)
            .and_then(|d| shown.checked_add_signed(d))
            .is_some_and(|ready| at >= ready)
    }

    /// Whether a key pressed at `at` was typed before the dialog was on screen (type-ahead,
    /// a paste): such keys are ignored altogether.
    pub fn before_shown(&self, at: DateTime<Utc>) -> bool {
        self.shown_at.is_none_or(|shown| at < shown)
    }

    pub fn new(step: crate::domain::StepId, command: String, timeout_s: u64) -> Confirm {
        Confirm {
            step,
            command,
            timeout_s,
            refused: None,
            signoff: None,
            shown_at: None,
            scroll: 0,
            seen_all: false,
            lines: 0,
            room: 0,
        }
    }
}

/// Starting an incident from a runbook: title, severity, variables, drill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartForm {
    pub runbook: String,
    pub title: String,
    pub severity: Severity,
    /// (name, prompt, value, pattern).
    pub vars: Vec<FormVar>,
    pub drill: bool,
    /// Focused field: 0 title, 1 severity, 2.. vars, last drill.
    pub focus: usize,
    /// Problems found when Enter was pressed.
    pub errors: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormVar {
    pub name: String,
    pub prompt: String,
    pub value: String,
    pub pattern: Option<String>,
}

impl StartForm {
    pub fn field_count(&self) -> usize {
        3 + self.vars.len()
    }
}
