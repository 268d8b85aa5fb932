//! What `update` is told: the facts that reach the app (a key at a time, a tick, records
//! now durable in the journal, a command's result). Every message carries the data it
//! brings, times included, so `update` reads no clock. Plain data, no behaviour.

use super::state::{IncidentRow, LibraryRow, Overlay};
use crate::domain::event::Record;
use crate::domain::incident::Incident;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent, DateTime<Utc>),
    /// Text pasted into the terminal (bracketed paste): inserted into a text field, never
    /// read as keys, so it can neither confirm anything nor trigger a binding.
    Paste(String),
    Tick(DateTime<Utc>),
    /// The terminal's size (columns, rows): at start and on every resize.
    Resize(u16, u16),
    /// Records now durable in `incident`'s journal (ours and other writers'), in order, and
    /// its fold as it now is (the session's own, shared). `appended`: the answer to an append.
    Synced {
        incident: String,
        view: Arc<Incident>,
        records: Vec<Record>,
        appended: bool,
    },
    /// An append to `incident` failed: nothing from the batch after the failure was recorded.
    AppendFailed {
        incident: String,
        error: String,
        origin: Option<Overlay>,
    },
    /// Something the responder must be told that is not an error (a torn last line of the
    /// journal, left by a crashed writer, was set aside before our record: where its bytes
    /// went).
    Notice(String),
    /// A one-line answer for the footer (e.g. the saved output to page through is gone).
    Flash(String),
    Opened(Box<Opened>),
    OpenFailed(String),
    Library(Vec<LibraryRow>),
    Incidents(Vec<IncidentRow>),
    /// Read `request` of every journal (`Effect::ReadSummaries`) goes through this many.
    SummariesCounted {
        request: u64,
        incidents: usize,
    },
    /// The figures read `request` found (computed by the reader, off the UI loop).
    Summaries {
        request: u64,
        figures: Arc<crate::tui::stats::state::Figures>,
    },
    /// The incidents directory changed (another process appended).
    JournalChanged,
    /// Where sharing stands after a background exchange (see `crate::sync::status`).
    Sharing(crate::sync::status::Sharing),
    /// A runbook directory changed (a save, a rename, a delete).
    RunbooksChanged,
    /// A command's `command_started` (record `run`) is durable and the command runs now.
    Running {
        incident: String,
        run: u64,
        step: crate::domain::StepId,
    },
    CommandDone(CommandDone),
    Exported(Result<PathBuf, String>),
    /// SIGTERM, SIGHUP, SIGINT, SIGQUIT: leave now (everything recorded is already durable;
    /// a running command is killed and recorded as interrupted first).
    Terminate,
    /// SIGTSTP from outside (`kill -TSTP`): restore the terminal, then stop.
    Suspend,
    /// SIGCONT: the app runs again after a stop; the screen is drawn anew.
    Continued,
}

#[derive(Clone, Debug)]
pub struct Opened {
    /// The session's fold, shared read-only.
    pub incident: Arc<Incident>,
    pub records: Vec<Record>,
    /// Repairs made on opening (a torn tail set aside).
    pub notices: Vec<String>,
    pub read_only: Option<String>,
}

/// A command's result, naming the incident and run (the seq of its `command_started`) it
/// answers: the shared runner's answer (`crate::exec`).
pub type CommandDone = crate::domain::command::Outcome;
