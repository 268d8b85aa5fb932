//! runbook: incident response in the terminal. See README.md for the tour.
//!
//! Layers, each depending only on its own tier and those below it:
//! - `cli`, `commands` (headless subcommands) and `tui` (the app: a pure `update` over
//!   `state` with `msg` in and `effect` out, views that borrow the state and report what
//!   they drew, the loop thread's `effects`, and the journaler `worker` that does the
//!   journal and library IO on its own thread);
//! - `exec` (running a step's command: the one runner, for the app and the CLI);
//! - `sync` (sharing incidents through git: the device, the exchange);
//! - `store` (incidents on disk: ids, sessions, the conditional append, the union of several
//!   devices' logs), `export`
//!   (postmortem drafts), `drill` (scenarios, schedule, scorecard), `runbook` (loading and
//!   validating runbooks), `stats` (figures across incidents), `config` (the settings file);
//! - `journal` (the append-only file, generic over its records);
//! - `domain` (runbooks, events, the fold and the merge of several logs, the rules; pure: no
//!   IO, and no clock but `domain::clock`), `usage` (the misuse error), `par` (work over
//!   the cores, answers in order) and `memo` (what was derived from a few large texts, kept).

pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod drill;
pub mod exec;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod journal;
pub mod memo;
pub mod par;
pub mod runbook;
pub mod stats;
pub mod store;
pub mod sync;
pub mod tui;
pub mod usage;

/// mimalloc rather than the system allocator: loading a runbook library and opening a long
/// journal are many small allocations, and mimalloc makes them cheaper and keeps its pages
/// (see BENCHMARKS.md). Set here, in the library, so that the binary, the tests and the
/// benchmarks all run on the allocator the product uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
