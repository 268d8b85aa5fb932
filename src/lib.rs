//! runbook: incident response in the terminal. See README.md for the tour.
//!
//! Layers, each depending only on its own tier and those below it:
//! - `cli`, `commands` (headless subcommands) and `tui` (the app: a pure `update`, views, and
//!   a shell that does the IO);
//! - `store` (incidents on disk: journal + fold), `export` (postmortem drafts), `drill`
//!   (scenarios, schedule, scorecard), `runbook` (loading and validating runbooks);
//! - `journal` (the append-only file, generic over its records);
//! - `domain` (runbooks, events, the fold, rules; pure: no IO, and no clock but
//!   `domain::clock`) and `usage` (the misuse error).

pub mod cli;
pub mod commands;
pub mod domain;
pub mod drill;
pub mod export;
pub mod journal;
pub mod runbook;
pub mod store;
pub mod tui;
pub mod usage;
