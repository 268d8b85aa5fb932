//! The command line: clap definitions. Each subcommand's behaviour lives in `commands/`.
//!
//! This module holds the top of the parse (`Cli`), the options every subcommand shares
//! (`Global`, `At`, `Which`) and the small value enums; the subcommand list is `command`, the
//! second-level subcommands (`team`, `drill`) are `sub`, and the long help texts are `help`.
//! Definitions only: nothing here reads a file or the clock.

mod command;
mod help;
mod sub;

pub use command::Command;
pub use sub::{DrillAction, DrillArgs, TeamAction};

use clap::{Args, Parser};
use help::AFTER_HELP;
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "runbook", version, about = "Incident response in the terminal: guided runbooks, a crash-safe journal, postmortem drafts and drills.", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// A directory of runbooks to search (repeatable; replaces the default search path).
    #[arg(long = "runbooks", value_name = "DIR", global = true)]
    pub runbooks: Vec<PathBuf>,
    /// Where incidents are kept [default: $RUNBOOK_STATE_DIR, else $XDG_STATE_HOME/runbook,
    /// else ~/.local/state/runbook].
    #[arg(long, value_name = "DIR", global = true)]
    pub state_dir: Option<PathBuf>,
    /// Who is acting, as recorded in the journal [default: $RUNBOOK_USER, else $USER].
    #[arg(long = "as", value_name = "NAME", global = true)]
    pub author: Option<String>,
    /// Time zone for --at times given as HH:MM (an IANA name).
    #[arg(long, value_name = "ZONE", global = true, default_value = "UTC")]
    pub tz: String,
    /// Leave the bundled runbooks and scenarios out of the library (also `bundled = false`
    /// in ~/.config/runbook/config.toml).
    #[arg(long, global = true)]
    pub no_bundled: bool,
}

/// When something happened, if not now.
#[derive(Args, Debug, Clone, Default)]
pub struct At {
    /// When it happened, if not now: RFC 3339, HH:MM or HH:MM:SS (the most recent such time,
    /// in --tz), or relative like -15m (`--at -15m` and `--at=-15m` alike). At most 5 minutes
    /// ahead and 30 days back.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub at: Option<String>,
}

/// Which incident; may be omitted when exactly one is open. Taken as an `OsString` so that
/// every value, even one that is not UTF-8, reaches the id check (`store::IncidentRef`) and is
/// refused there with a clear message.
#[derive(Args, Debug, Clone, Default)]
pub struct Which {
    /// The incident id, or a unique start of it (see `runbook incidents`); optional when
    /// exactly one is open.
    #[arg(long = "incident", value_name = "INC")]
    pub incident: Option<OsString>,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A Markdown postmortem draft.
    Md,
    /// A versioned JSON document for other tools.
    Json,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTemplate {
    /// After the Google SRE book's postmortem layout.
    Google,
    /// After PagerDuty's postmortem template.
    Pagerduty,
    /// After Atlassian's incident postmortem template.
    Atlassian,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepAction {
    /// Start the step.
    Start,
    /// Complete it (checks: ok).
    Done,
    /// Record that a check failed.
    Fail,
    /// Skip it (needs --reason).
    Skip,
}
