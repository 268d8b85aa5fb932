//! The second-level subcommands: `runbook team ...` and `runbook drill ...` (starting a drill,
//! or one of its actions).

use super::Which;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum TeamAction {
    /// Share through the git repository at URL (a path, ssh or https; your own git
    /// credentials are used, nothing is stored). Run again to change the remote.
    Init {
        /// The team's git repository.
        url: String,
    },
}

/// `runbook drill`: start one, or manage drills with a subcommand.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DrillArgs {
    #[command(subcommand)]
    pub action: Option<DrillAction>,
    /// The runbook to drill [default: the scenario's runbook].
    pub runbook: Option<String>,
    /// The scenario: an id (see --list) or a path to a scenario file.
    #[arg(long, value_name = "FILE|ID")]
    pub scenario: Option<String>,
    /// Run the drill clock N times faster than real time [default: the scenario's speed, else 1].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub speed: Option<f64>,
    /// Incident title [default: the runbook's title].
    #[arg(long)]
    pub title: Option<String>,
    /// A variable's value, NAME=VALUE (repeatable); checked against its pattern.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Do not open the interactive app, even on a terminal.
    #[arg(long)]
    pub no_tui: bool,
    /// List the available scenarios, with their runbook and length, and exit.
    #[arg(long)]
    pub list: bool,
}

#[derive(Subcommand, Debug)]
pub enum DrillAction {
    /// Fire every inject due at the drill's current time, and print them (for scripts; the
    /// app fires them by itself).
    #[command(
        after_help = "Example:\n  while sleep 5; do runbook drill tick; done\n\nExit status: 0 (also when nothing was due), 1 when the drill is closed or has no scenario."
    )]
    Tick {
        #[command(flatten)]
        which: Which,
    },
    /// Print a drill's scorecard: milestones against targets, overruns, skips, injects, notes.
    #[command(
        after_help = "Examples:\n  runbook drill scorecard\n  runbook drill scorecard 20260530-2212-etcd-quorum-loss --markdown"
    )]
    Scorecard {
        /// The drill's incident id [default: the newest drill, open or closed].
        incident: Option<String>,
        /// Markdown instead of text (the section the export of a drill includes).
        #[arg(long)]
        markdown: bool,
    },
    /// Check scenario files and report every problem, with file, line and column.
    #[command(
        after_help = "Examples:\n  runbook drill validate                           every scenario on the search path\n  runbook drill validate runbooks/scenarios/etcd-oom-quorum-loss.toml\n\nExit status: 0 no errors, 1 errors (or warnings with --deny-warnings), 2 misuse."
    )]
    Validate {
        /// Scenario files or directories of them. Without any, every scenario found.
        paths: Vec<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
}
