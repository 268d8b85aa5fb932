//! One incident from several append-only logs: each writer (a device) appends only to its
//! own log, and an incident is the union of its logs, folded in one total order, so every
//! replica holding the same records reaches the same state, byte for byte, whatever order
//! it read the logs in. With one log the order is the log's own and nothing changes.
//!
//! The order: each log keeps its own order (seq 1, 2, 3...); across logs, the next record is
//! the one recorded earliest (`ts`), and at equal times the one from the log whose name sorts
//! first. It depends only on the records and the logs' names. Pure.

use super::event::Record;
use super::incident::{FoldError, Incident, Parse};

/// One writer's log of an incident: its name (the device) and its records in seq order.
#[derive(Clone, Copy, Debug)]
pub struct Log<'a> {
    pub name: &'a str,
    pub records: &'a [Record],
}

/// Every record of every log, in the documented total order.
pub fn order<'a>(logs: &[Log<'a>]) -> Vec<(&'a str, &'a Record)> {
    let mut logs: Vec<Log<'a>> = logs.to_vec();
    logs.sort_by(|a, b| a.name.cmp(b.name));
    let total = logs.iter().map(|l| l.records.len()).sum();
    let mut next = vec![0usize; logs.len()];
    let mut out = Vec::with_capacity(total);
    while out.len() < total {
        // The log whose next record was recorded first; on a tie the first by name.
        let pick = (0..logs.len())
            .filter(|&i| next[i] < logs[i].records.len())
            .min_by_key(|&i| (logs[i].records[next[i]].ts, i));
        let Some(i) = pick else { break };
        out.push((logs[i].name, &logs[i].records[next[i]]));
        next[i] += 1;
    }
    out
}

/// Folds an incident from its logs. Each log must run seq 1, 2, 3... with no gap; the first
/// record in the order must open the incident.
pub fn fold(logs: &[Log<'_>], parse: Parse<'_>) -> Result<Incident, FoldError> {
    for log in logs {
        for (i, r) in log.records.iter().enumerate() {
            let expected = i as u64 + 1;
            if r.seq != expected {
                return Err(FoldError::Gap {
                    expected,
                    found: r.seq,
                });
            }
        }
    }
    let ordered = order(logs);
    let ((_, first), rest) = ordered.split_first().ok_or(FoldError::Empty)?;
    let mut inc = Incident::open(first, parse)?;
    for (_, r) in rest {
        inc.apply_next(r, parse)?;
    }
    Ok(inc)
}

/// Facts from different logs that disagree: the same step completed (or skipped) twice in one
/// run of it, or one decision taken with different choices, by different devices. Both
/// records are kept and folded in the order above (the later one stands); this says they
/// disagreed, so that nobody mistakes the fold's pick for what everyone saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The step both records are about.
    pub step: String,
    pub kind: ConflictKind,
    /// The records that disagree, as (log name, index into the ordered records), in order.
    pub records: Vec<(String, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictKind {
    /// Completed or skipped more than once, by different logs, with no start between.
    Finished,
    /// Decided with different choices by different logs, with no start between.
    Decided,
}

/// The conflicts among `ordered` (records in the total order, with their log's name): for
/// each step, the finishing records (`step_completed`, `step_skipped`) and the decisions
/// since it was last started, when more than one log holds one and they are not all alike
/// (for decisions: not all the same choice). A repeat by one log (`--again`) is never one.
pub fn conflicts(ordered: &[(&str, &Record)]) -> Vec<Conflict> {
    use super::event::{Event, Known};
    use std::collections::BTreeMap;
    // Per step: the finishes and the decisions since its last start.
    let mut open: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    let mut found = Vec::new();
    let flush = |step: &str, runs: &(Vec<usize>, Vec<usize>), found: &mut Vec<Conflict>| {
        let (finished, decided) = runs;
        let many_logs = |ix: &[usize]| ix.iter().any(|&i| ordered[i].0 != ordered[ix[0]].0);
        if finished.len() > 1 && many_logs(finished) {
            found.push(conflict(step, ConflictKind::Finished, finished, ordered));
        }
        let choice = |i: usize| match &ordered[i].1.event {
            Event::Known(Known::DecisionMade { choice, .. }) => Some(*choice),
            _ => None,
        };
        if decided.len() > 1
            && many_logs(decided)
            && decided.iter().any(|&i| choice(i) != choice(decided[0]))
        {
            found.push(conflict(step, ConflictKind::Decided, decided, ordered));
        }
    };
    for (i, (_, r)) in ordered.iter().enumerate() {
        let Event::Known(k) = &r.event else { continue };
        match k {
            Known::StepStarted { step } => {
                if let Some(runs) = open.remove(step.as_str()) {
                    flush(step, &runs, &mut found);
                }
            }
            Known::StepCompleted { step, .. } | Known::StepSkipped { step, .. } => {
                open.entry(step.as_str()).or_default().0.push(i);
            }
            Known::DecisionMade { step, .. } => open.entry(step.as_str()).or_default().1.push(i),
            _ => {}
        }
    }
    for (step, runs) in &open {
        flush(step, runs, &mut found);
    }
    found.sort_by_key(|c| c.records.first().map(|r| r.1));
    found
}

fn conflict(step: &str, kind: ConflictKind, ix: &[usize], ordered: &[(&str, &Record)]) -> Conflict {
    Conflict {
        step: step.to_string(),
        kind,
        records: ix.iter().map(|&i| (ordered[i].0.to_string(), i)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Event, Known, Outcome};
    use chrono::{TimeZone, Utc};

    fn rec(seq: u64, min: u32, author: &str, k: Known) -> Record {
        let t = Utc.with_ymd_and_hms(2026, 5, 30, 10, min, 0).unwrap();
        Record {
            seq,
            ts: t,
            at: t,
            author: author.into(),
            wall: None,
            event: Event::Known(k),
        }
    }
    fn done(step: &str) -> Known {
        Known::StepCompleted {
            step: step.into(),
            outcome: Outcome::Ok,
        }
    }
    fn chose(step: &str, choice: usize) -> Known {
        Known::DecisionMade {
            step: step.into(),
            choice,
            label: format!("choice {choice}"),
            next: String::new(),
        }
    }
    /// Devices a and b with these logs.
    fn two<'a>(a: &'a [Record], b: &'a [Record]) -> [Log<'a>; 2] {
        [
            Log {
                name: "a",
                records: a,
            },
            Log {
                name: "b",
                records: b,
            },
        ]
    }

    fn start(step: &str) -> Known {
        Known::StepStarted { step: step.into() }
    }

    #[test]
    fn two_devices_choosing_differently_is_a_conflict_and_alike_is_not() {
        let a = [rec(1, 2, "ana", chose("d", 1))];
        let b = [rec(1, 3, "bo", chose("d", 2))];
        let logs = two(&a, &b);
        let c = conflicts(&order(&logs));
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].kind, ConflictKind::Decided);
        assert_eq!(c[0].records, vec![("a".into(), 0), ("b".into(), 1)]);
        let same = [rec(1, 3, "bo", chose("d", 1))];
        let logs = two(&a, &same);
        assert_eq!(conflicts(&order(&logs)), vec![]);
    }

    #[test]
    fn a_step_finished_on_two_devices_in_one_run_is_a_conflict() {
        let a = [rec(1, 1, "ana", start("s")), rec(2, 2, "ana", done("s"))];
        let b = [rec(1, 3, "bo", done("s"))];
        let logs = two(&a, &b);
        let c = conflicts(&order(&logs));
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].kind, c[0].step.as_str()),
            (ConflictKind::Finished, "s")
        );
    }

    #[test]
    fn repeats_by_one_device_and_finishes_of_separate_runs_are_not_conflicts() {
        let a = [
            rec(1, 1, "ana", done("s")),
            rec(2, 2, "ana", done("s")),
            rec(3, 3, "ana", chose("d", 1)),
            rec(4, 4, "ana", chose("d", 2)),
        ];
        let b = [rec(1, 5, "bo", start("s")), rec(2, 6, "bo", done("s"))];
        let logs = two(&a, &b);
        assert_eq!(conflicts(&order(&logs)), vec![]);
    }
}
