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
        events: Vec<Known>,
        origin: Option<Overlay>,
        /// How it was asked for (a deliberate repeat).
        opts: crate::domain::rules::Opts,
        /// When it happened, when the responder said so (backdated); else now.
        at: Option<DateTime<Utc>>,
    },
    /// Read what other processes appended.
    CatchUp,
    OpenIncident(String),
    StartIncident {
        runbook: String,
        title: String,
        severity: Severity,
        vars: Vec<(String, String)>,
        drill: bool,
    },
    RefreshIncidents,
    /// Load the library again (keeping the last good version of files that broke).
    ReloadLibrary,
    /// Record `command_started`, run the command with a timeout, answer `CommandDone`.
    RunCommand {
        step: String,
        command: String,
        timeout_s: u64,
    },
    /// Announce a drill's injects: appended as the drill (not the responder).
    FireInjects(Vec<Known>),
    /// Put text on the clipboard with OSC 52.
    Copy(String),
    /// Stop the running command's process group; its result comes back as interrupted.
    CancelCommand,
    /// Ctrl-Z: restore the terminal, stop the process, and redraw when it continues.
    Suspend,
    /// Draw the whole screen again (after the terminal was used by something else).
    Redraw,
    Bell,
    Export,
}
