//! Drills: practice incidents run from a scenario on a simulated clock.
//!
//! - `scenario`: the scenario file format; `validate`: parsing it, every error with its line:col.
//! - `catalog`: where scenarios come from (`scenarios/` beside runbooks, bundled, or a path).
//! - `schedule`: which injects are due at a drill time (pure).
//! - `scorecard`: how the drill went, as data (pure); `render`: as text and Markdown (pure).
//!
//! The journal is the record of a drill as of any incident: `incident_opened` with
//! `drill = true`, then `drill_configured` pinning the scenario's source and the clock speed,
//! then `inject_fired` as injects are announced. Drills never run real commands: a command
//! step shows its scenario's canned output (`Scenario::canned`) or nothing.

pub mod catalog;
pub mod render;
pub mod scenario;
pub mod schedule;
pub mod scorecard;
pub mod validate;

pub use scenario::{Inject, Scenario};
pub use scorecard::{Scorecard, render_markdown, render_text};

use crate::domain::clock::{Clock, SimClock};
use crate::domain::command::Outcome;
use crate::domain::event::{Known, Record};
use crate::domain::incident::Incident;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// The author of `inject_fired` records: the drill itself announces them.
pub const INJECT_AUTHOR: &str = "drill";

/// The drill's pinned scenario, parsed: None when the incident has none.
pub fn pinned(inc: &Incident) -> Option<Result<Scenario, String>> {
    inc.scenario
        .as_ref()
        .map(|p| scenario::parse_source(&p.source))
}

/// The numbers of the injects already announced.
pub fn fired(inc: &Incident) -> Vec<usize> {
    inc.injects.iter().map(|(n, _)| *n).collect()
}

/// The record announcing `inject`.
pub fn inject_event(inject: &Inject) -> Known {
    Known::InjectFired {
        inject: inject.number,
        text: inject.text.clone(),
        for_step: inject.for_step.clone(),
    }
}

/// The `inject_fired` records due at drill time `now`, in firing order: what a tick appends
/// (as `INJECT_AUTHOR`). Empty for a closed drill.
pub fn due_events(inc: &Incident, scenario: &Scenario, now: DateTime<Utc>) -> Vec<Known> {
    if inc.is_closed() {
        return Vec::new();
    }
    schedule::due(&scenario.injects, inc.opened, now, &fired(inc))
        .into_iter()
        .map(inject_event)
        .collect()
}

/// What a drill shows for a run of a step's command, since nothing real runs in a drill: the
/// canned output of the scenario's inject for the step (the latest one fired, else the first),
/// with its exit code; without one, a line saying the command was not run (exit 0).
pub fn canned_outcome(inc: &Incident, run: &crate::domain::command::Run) -> Outcome {
    let canned = pinned(inc).and_then(Result::ok).and_then(|sc| {
        sc.canned(&run.step, &fired(inc))
            .map(|i| (i.output.clone(), i.exit_code))
    });
    let (text, exit_code) = match canned {
        Some((Some(out), code)) => (
            format!("DRILL (canned output, nothing was run):\n{out}"),
            code,
        ),
        _ => (
            "DRILL: the command was not run (the scenario has no output for it)".to_string(),
            0,
        ),
    };
    let mut out = Outcome::of(run);
    out.exit_code = Some(exit_code);
    out.sha256 = crate::runbook::sha256_hex(&text);
    out.output_bytes = u64::try_from(text.len()).unwrap_or(u64::MAX);
    out.excerpt = text;
    out
}

/// The clock the interactive app runs a drill on. A drill with a speed gets a simulated clock
/// that continues from its latest record (the newest `at` or `ts`): time while nobody had the
/// drill open does not count, so reopening it after a break does not fire everything at once.
/// Other incidents (and closed drills) run on `inner` itself.
pub fn app_clock(inc: &Incident, records: &[Record], inner: Arc<dyn Clock>) -> Arc<dyn Clock> {
    match inc.speed {
        Some(speed) if inc.drill && !inc.is_closed() => {
            let latest = records
                .iter()
                .map(|r| r.ts)
                .max()
                .unwrap_or(inc.last_at)
                .max(inc.last_at);
            Arc::new(SimClock::new(inner, latest, speed))
        }
        _ => inner,
    }
}
