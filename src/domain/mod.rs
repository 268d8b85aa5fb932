//! The domain: runbooks, durations, severities, milestones, the journal's events and the fold
//! that turns them into an incident. Pure data and pure functions: nothing in here touches the
//! file system, the terminal, the network or the wall clock (except `clock.rs`, the one place
//! that reads it).

pub mod author;
pub mod cadence;
pub mod choice;
pub mod clock;
pub mod command;
pub mod comms;
pub mod describe;
pub mod diff;
pub mod duration;
pub mod event;
pub mod find;
pub mod incident;
pub mod merge;
pub mod open_work;
pub mod rules;
pub mod runbook;
pub mod step_id;
pub mod suggest;
pub mod template;
pub mod when;

pub use author::{Author, Role};
pub use duration::Dur;
pub use runbook::{
    Choice, Flow, KIND_NAMES, Link, Milestone, Runbook, Severity, Step, StepKind, Var,
};
pub use step_id::StepId;
