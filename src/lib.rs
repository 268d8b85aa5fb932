//! runbook: incident response in the terminal. See README.md for the tour.
//!
//! Layers, and the direction of dependencies: `cli` -> `runbook`, `journal` -> `domain`.
//! `domain` is pure (no IO, no clock but `domain::clock`).

pub mod cli;
pub mod commands;
pub mod domain;
pub mod drill;
pub mod export;
pub mod journal;
pub mod runbook;
pub mod store;
pub mod tui;
