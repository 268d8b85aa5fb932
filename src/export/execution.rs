//! How the runbook was followed: each step's outcome and timing against its target, and the
//! deviations a reviewer wants to see (steps skipped, taken out of order, over target, and
//! decisions noted outside the runbook). Pure.
//!
//! "Out of order" is judged from the runbook's flow, not from where the fold says the runbook
//! stands (one pointer cannot follow work done in parallel): a step is in order when it is
//! the first step, or when a step that leads to it (its predecessor in the flow, or a decision
//! choosing it) finished since the step itself last ran. Loops are in order as long as they
//! go round through the runbook.

use crate::domain::event::{Event, Known, Outcome, Record};
use crate::domain::incident::{Incident, Note, Status, StepState};
use crate::domain::{Step, StepId, StepKind};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// One step of the runbook (or of an earlier version of it) and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRow<'a> {
    /// 1-based position in the runbook; retired steps continue the numbering.
    pub n: usize,
    pub def: &'a Step,
    pub state: &'a StepState,
    /// A step of an earlier runbook version that the adopted one no longer has.
    pub retired: bool,
    /// False when the step was finished without a recorded start: its duration is unknown.
    pub timed: bool,
}

impl StepRow<'_> {
    /// What became of it: `done`, `failed`, `skipped`, `in progress` or `not reached`.
    pub fn outcome(&self) -> &'static str {
        match self.state.status {
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Active => "in progress",
            Status::Pending => "not reached",
        }
    }

    /// The same for machines: `done`, `failed`, `skipped`, `in_progress`, `not_reached`.
    pub fn status_key(&self) -> &'static str {
        match self.state.status {
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Active => "in_progress",
            Status::Pending => "not_reached",
        }
    }

    /// How long its last run took, when both ends were recorded.
    pub fn duration_secs(&self) -> Option<i64> {
        if !self.timed {
            return None;
        }
        self.state.duration().map(|d| d.num_seconds())
    }

    /// Its target: `target`, or for a wait step, how long it waits.
    pub fn target_secs(&self) -> Option<i64> {
        let wait = match &self.def.kind {
            StepKind::Wait { duration } => Some(*duration),
            _ => None,
        };
        self.def
            .target
            .or(wait)
            .and_then(|t| i64::try_from(t.secs()).ok())
    }

    /// Seconds over target, when it overran.
    pub fn overrun_secs(&self) -> Option<i64> {
        let over = self.duration_secs()?.checked_sub(self.target_secs()?)?;
        (over > 0).then_some(over)
    }
}

/// A step acted on before any step leading to it had finished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detour {
    pub at: DateTime<Utc>,
    pub seq: u64,
    pub step: StepId,
    /// "started", "completed", "failed" or "decided".
    pub what: &'static str,
    /// The steps that lead to it in the runbook (none had finished since it last ran).
    pub expected_after: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Execution<'a> {
    /// Every step in runbook order, then retired steps.
    pub steps: Vec<StepRow<'a>>,
    pub detours: Vec<Detour>,
    /// Notes that record a decision taken outside the runbook.
    pub outside: Vec<&'a Note>,
}

impl Execution<'_> {
    pub fn skipped(&self) -> impl Iterator<Item = &StepRow<'_>> {
        self.steps
            .iter()
            .filter(|s| s.state.status == Status::Skipped)
    }

    pub fn overruns(&self) -> impl Iterator<Item = &StepRow<'_>> {
        self.steps.iter().filter(|s| s.overrun_secs().is_some())
    }

    pub fn failed(&self) -> impl Iterator<Item = &StepRow<'_>> {
        self.steps
            .iter()
            .filter(|s| s.state.status == Status::Failed)
    }
}

pub fn build<'a>(records: &'a [Record], inc: &'a Incident) -> Execution<'a> {
    let started: HashSet<&str> = records
        .iter()
        .filter_map(|r| match &r.event {
            Event::Known(Known::StepStarted { step }) => Some(step.as_str()),
            _ => None,
        })
        .collect();
    let current = inc.runbook.steps.iter().zip(&inc.steps).map(|s| (s, false));
    let retired = inc.retired.iter().map(|(def, state)| ((def, state), true));
    let steps = current
        .chain(retired)
        .enumerate()
        .map(|(i, ((def, state), retired))| StepRow {
            n: i + 1,
            def,
            state,
            retired,
            timed: started.contains(def.id.as_str()),
        })
        .collect();
    Execution {
        steps,
        detours: detours(records, inc),
        outside: inc.notes.iter().filter(|n| n.decision).collect(),
    }
}

/// Walks the journal, keeping for each step when it last finished (completed, failed,
/// skipped or decided) and when a decision last chose it, and judges each step's first record
/// of a run: its start, or its end when it was never started.
fn detours(records: &[Record], inc: &Incident) -> Vec<Detour> {
    let rb = &inc.runbook;
    let n = rb.steps.len();
    // Flow predecessors; a decision leads to a step only through the choice taken.
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut deciders: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, step) in rb.steps.iter().enumerate() {
        let list = if matches!(step.kind, StepKind::Decision { .. }) {
            &mut deciders
        } else {
            &mut preds
        };
        for s in rb.successors(i) {
            if !list[s].contains(&i) {
                list[s].push(i);
            }
        }
    }
    let mut ended: Vec<Option<u64>> = vec![None; n];
    let mut chosen: Vec<Option<u64>> = vec![None; n];
    let mut active = vec![false; n];
    let mut out = Vec::new();
    let later =
        |t: Option<u64>, than: Option<u64>| t.is_some_and(|t| than.is_none_or(|than| t > than));
    for r in records {
        let Event::Known(k) = &r.event else { continue };
        let (step, what) = match k {
            Known::StepStarted { step } => (step, "started"),
            Known::StepCompleted {
                step,
                outcome: Outcome::Ok,
            } => (step, "completed"),
            Known::StepCompleted {
                step,
                outcome: Outcome::Failed,
            } => (step, "failed"),
            Known::DecisionMade { step, .. } => (step, "decided"),
            Known::StepSkipped { step, .. } => (step, "skipped"),
            _ => continue,
        };
        let Some(i) = rb.step_index(step) else {
            continue;
        };
        let first_of_run = what == "started" || !active[i];
        if what != "skipped" && first_of_run {
            let first_step = i == 0 && ended[i].is_none() && !active[i];
            let led =
                preds[i].iter().any(|&p| later(ended[p], ended[i])) || later(chosen[i], ended[i]);
            if !first_step && !led {
                let expected_after = preds[i]
                    .iter()
                    .chain(&deciders[i])
                    .map(|&p| rb.steps[p].id.to_string())
                    .collect();
                out.push(Detour {
                    at: r.at,
                    seq: r.seq,
                    step: step.clone(),
                    what,
                    expected_after,
                });
            }
        }
        match k {
            Known::StepStarted { .. } => active[i] = true,
            Known::DecisionMade { next, .. } => {
                active[i] = false;
                ended[i] = Some(r.seq);
                if let Some(j) = rb.step_index(next) {
                    chosen[j] = Some(r.seq);
                }
            }
            _ => {
                active[i] = false;
                ended[i] = Some(r.seq);
            }
        }
    }
    out
}
