//! Learning across incidents: per-incident summaries and the figures computed from many of
//! them (`runbook stats`). Pure: no IO, no clock; the command reads the journals.
//!
//! Owns: `Summary` (what one folded incident contributes: its response metrics, as the export
//! computes them, and each step's outcome, timing and decision), `Filter`, and `Report` (the
//! figures over many summaries). Must never: recompute a metric differently from the export
//! (`export::metrics` and `export::execution` are the one definition), invent a value (a
//! missing milestone is counted apart, never as zero), or count an incident it could not read.
//!
//! Layout: `mod.rs` (the summary of one incident), `filter.rs` (which incidents count),
//! `report.rs` (the figures), `render.rs` (terminal tables and CSV; JSON is `Report`'s serde),
//! `highlights.rs` (what the app's stats screen picks out of a report).

pub mod filter;
pub mod highlights;
pub mod render;
pub mod report;

use crate::domain::event::Record;
use crate::domain::incident::{Incident, Status};
use crate::domain::{Severity, StepKind};
use crate::export::{execution, metrics};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use filter::Filter;
pub use report::Report;

/// The version of `runbook stats --json`; raised when a field changes meaning or goes.
pub const SCHEMA_VERSION: u32 = 1;

/// What one incident contributes to the figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    pub title: String,
    pub drill: bool,
    pub runbook: String,
    pub runbook_title: String,
    pub incident_type: String,
    /// The worst severity it reached.
    pub severity: Severity,
    /// When the impact started: the `started` milestone, else the opening.
    pub started: DateTime<Utc>,
    pub opened: DateTime<Utc>,
    pub closed: Option<DateTime<Utc>>,
    /// `time_to_detect_s`, `time_to_acknowledge_s`, `time_to_mitigate_s`,
    /// `time_to_resolve_s`, in that order (`export::metrics`); None when a milestone is missing.
    pub metrics: [Option<i64>; 4],
    /// The steps of the runbook version it ended on, in order, then the retired ones.
    pub steps: Vec<StepSummary>,
    /// How many times a step was acted on before any step leading to it had finished.
    pub detours: usize,
}

/// One step of one incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepSummary {
    pub id: String,
    pub title: String,
    /// `done`, `failed`, `skipped`, `in_progress` or `not_reached` (`StepRow::status_key`).
    pub status: String,
    /// Dropped by a runbook adopted during the incident.
    // What is usually empty is left out of the cache file (it is read on every run).
    #[serde(default, skip_serializing_if = "is_false")]
    pub retired: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_s: Option<i64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub overrun: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// A decision's choices as (label, next step), in runbook order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<(String, String)>,
    /// The labels of the choices taken at this decision, in journal order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taken: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl StepSummary {
    /// The step was reached: anything but `not_reached`.
    pub fn reached(&self) -> bool {
        self.status != "not_reached"
    }
}

/// The summary of an incident: `records` is its whole journal and `inc` their fold.
pub fn summarize(records: &[Record], inc: &Incident) -> Summary {
    let m = metrics::metrics(inc);
    // Looked up by key, so the figures follow the export's definitions exactly.
    let secs = |i: usize| {
        m.iter()
            .find(|x| x.key == METRIC_KEYS[i])
            .and_then(|x| x.secs)
    };
    let exec = execution::build(records, inc);
    let steps = exec
        .steps
        .iter()
        .map(|row| {
            let choices = match &row.def.kind {
                StepKind::Decision { choices } => choices
                    .iter()
                    .map(|c| (c.label.clone(), c.next.clone()))
                    .collect(),
                _ => Vec::new(),
            };
            StepSummary {
                id: row.def.id.to_string(),
                title: row.def.title.clone(),
                status: row.status_key().to_string(),
                retired: row.retired,
                duration_s: row.duration_secs(),
                target_s: row.target_secs(),
                overrun: row.overrun_secs().is_some(),
                skip_reason: (row.state.status == Status::Skipped)
                    .then(|| row.state.skip_reason.clone())
                    .flatten(),
                choices,
                taken: inc
                    .path
                    .iter()
                    .filter(|t| t.step == row.def.id)
                    .map(|t| t.label.clone())
                    .collect(),
            }
        })
        .collect();
    let severity = inc
        .severity_history
        .iter()
        .map(|(_, s)| *s)
        .min()
        .unwrap_or(inc.severity);
    Summary {
        id: inc.id.clone(),
        title: inc.title.clone(),
        drill: inc.drill,
        runbook: inc.runbook.id.clone(),
        runbook_title: inc.runbook.title.clone(),
        incident_type: inc.runbook.incident_type.clone(),
        severity,
        started: inc.started_at(),
        opened: inc.opened,
        closed: inc.closed,
        metrics: [secs(0), secs(1), secs(2), secs(3)],
        steps,
        detours: exec.detours.len(),
    }
}

/// The JSON keys of the four metrics, in `Summary::metrics` order.
pub const METRIC_KEYS: [&str; 4] = [
    "time_to_detect_s",
    "time_to_acknowledge_s",
    "time_to_mitigate_s",
    "time_to_resolve_s",
];
