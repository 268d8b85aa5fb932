//! What `update` asks for: the requests the shell (`effects.rs`) carries out, answering with
//! messages. Every decision is made before an effect is returned; an effect says exactly
//! what to do. Plain data, no behaviour.

use super::state::Overlay;
use crate::domain::Severity;
use crate::domain::event::Known;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Append these events in order, stopping at the first failure. `origin` is the dialog the
    /// action came from, reopened on failure so nothing typed is lost.
    Append {
        /// The incident it is for (not necessarily the one on screen: a command's result is
        /// recorded in its own incident).
        incident: String,
        events: Vec<Known>,
        origin: Option<Overlay>,
        /// How it was asked for (a deliberate repeat).
        opts: crate::domain::rules::Opts,
        /// When it happened, when the responder said so (backdated); else now.
        at: Option<DateTime<Utc>>,
        /// Who records it: the responder, or the drill announcing its injects.
        by: By,
    },
    /// Read what other processes appended to this incident's journal.
    CatchUp {
        incident: String,
    },
    OpenIncident(String),
    StartIncident {
        runbook: String,
        title: String,
        severity: Severity,
        vars: Vec<(String, String)>,
        drill: bool,
    },
    RefreshIncidents,
    /// Read every incident's summary (through the stats cache) and compute the figures, off
    /// the UI loop: answered by `Msg::SummariesCounted`, then `Msg::Summaries`, naming
    /// `request`.
    ReadSummaries {
        request: u64,
    },
    /// Load the library again (keeping the last good version of files that broke).
    ReloadLibrary,
    /// Run the command whose `command_started` is record `run` of `incident` (durable), with
    /// a timeout; answered by `Msg::Running`, then `Msg::CommandDone`.
    RunCommand {
        incident: String,
        run: u64,
        step: crate::domain::StepId,
        command: String,
        timeout_s: u64,
    },
    /// Put text on the clipboard with OSC 52.
    Copy(String),
    /// Hand the terminal to `$PAGER` on a run's saved output, then redraw. Named by the run,
    /// never by a path from a journal: the shell makes the path (`exec::output_path_of`).
    Pager {
        incident: String,
        run: u64,
        step: crate::domain::StepId,
    },
    /// Stop the running command's process group; its result comes back as interrupted.
    CancelCommand,
    /// Ctrl-Z: restore the terminal, stop the process, and redraw when it continues.
    Suspend,
    /// Draw the whole screen again (after the terminal was used by something else).
    Redraw,
    Bell,
    /// Write the postmortem draft of this incident.
    Export {
        incident: String,
    },
}

/// Who a record is by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum By {
    /// The responder at this keyboard.
    #[default]
    Responder,
    /// The drill itself (its injects).
    Drill,
}
