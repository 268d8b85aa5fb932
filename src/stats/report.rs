//! The figures over many incidents: counts, the four response metrics' distributions, the
//! weekly trend, and each runbook's step analytics. Pure.
//!
//! Percentiles are nearest-rank over whole seconds (the median of 4 values is the 2nd), so
//! every figure is a time some incident really took. Steps are matched across incidents by
//! id: the newest incident of a runbook says which steps it has now, and a step only older
//! versions had is reported as removed. Must never: fold a missing milestone into a metric.

use super::{METRIC_KEYS, StepSummary, Summary};
use chrono::Datelike;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything `runbook stats` shows; serialised as is for `--json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// Drills were counted (and only drills).
    pub drills: bool,
    /// How many incidents are counted.
    pub incidents: usize,
    /// Of those, how many are still open.
    pub open: usize,
    /// Journals left out because they could not be read whole (filled in by the command).
    pub skipped: Vec<Skipped>,
    pub by_type: BTreeMap<String, usize>,
    /// By the worst severity each reached.
    pub by_severity: BTreeMap<String, usize>,
    pub metrics: Metrics,
    /// By ISO week of when the impact started, oldest first.
    pub weeks: Vec<Week>,
    pub runbooks: Vec<RunbookStats>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

/// The four metrics, in the order the export lists them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metrics {
    pub time_to_detect_s: Figure,
    pub time_to_acknowledge_s: Figure,
    pub time_to_mitigate_s: Figure,
    pub time_to_resolve_s: Figure,
}

impl Metrics {
    /// (JSON key, figure), in order.
    pub fn iter(&self) -> [(&'static str, &Figure); 4] {
        [
            (METRIC_KEYS[0], &self.time_to_detect_s),
            (METRIC_KEYS[1], &self.time_to_acknowledge_s),
            (METRIC_KEYS[2], &self.time_to_mitigate_s),
            (METRIC_KEYS[3], &self.time_to_resolve_s),
        ]
    }
}

/// One metric over the incidents that have both its milestones.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figure {
    pub count: usize,
    pub median: Option<i64>,
    pub p90: Option<i64>,
    pub max: Option<i64>,
    /// Incidents counted that lack one of its milestones.
    pub missing: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Week {
    /// ISO week, `2026-W18`.
    pub week: String,
    pub incidents: usize,
    pub median_time_to_resolve_s: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunbookStats {
    pub id: String,
    pub title: String,
    pub incidents: usize,
    /// Incidents in which some step was taken out of the runbook's order.
    pub out_of_order: usize,
    /// The steps of its newest version, in order, then the removed ones.
    pub steps: Vec<StepStats>,
    /// Steps of the newest version no counted incident reached.
    pub never_reached: Vec<String>,
    /// Steps older versions had and the newest does not.
    pub removed: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepStats {
    pub id: String,
    pub title: String,
    pub removed: bool,
    /// Incidents whose runbook version had the step.
    pub in_runbook: usize,
    pub reached: usize,
    pub completed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// The reasons given for skipping it, most common first (at most 3).
    pub skip_reasons: Vec<Reason>,
    /// Median duration of the runs with both ends recorded.
    pub median_s: Option<i64>,
    /// The newest version's target.
    pub target_s: Option<i64>,
    /// Over target, of the timed runs that had a target (0 to 1, 4 decimals).
    pub overrun_rate: Option<f64>,
    /// A decision's choices and how often each was taken.
    pub choices: Vec<ChoiceStats>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    pub reason: String,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChoiceStats {
    pub label: String,
    pub next: String,
    pub taken: usize,
}

/// Nearest-rank percentile `p` (0 < p ≤ 100) of `sorted`.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

fn figure(values: impl Iterator<Item = Option<i64>>) -> Figure {
    let mut missing = 0;
    let mut v: Vec<i64> = values
        .filter_map(|x| {
            missing += usize::from(x.is_none());
            x
        })
        .collect();
    v.sort_unstable();
    Figure {
        count: v.len(),
        median: percentile(&v, 50),
        p90: percentile(&v, 90),
        max: v.last().copied(),
        missing,
    }
}

impl Report {
    /// The figures over the summaries `filter` admits (any order).
    pub fn compute(all: &[Summary], filter: &super::Filter) -> Report {
        let mut counted: Vec<&Summary> = all.iter().filter(|s| filter.admits(s)).collect();
        // Newest first: the newest incident of a runbook says what its steps are now.
        counted.sort_by(|a, b| b.opened.cmp(&a.opened).then(b.id.cmp(&a.id)));
        let mut by_type = BTreeMap::new();
        let mut by_severity = BTreeMap::new();
        for s in &counted {
            *by_type.entry(s.incident_type.clone()).or_insert(0) += 1;
            *by_severity
                .entry(s.severity.name().to_string())
                .or_insert(0) += 1;
        }
        let metric = |i: usize| figure(counted.iter().map(|s| s.metrics[i]));
        let mut runbooks: BTreeMap<&str, Vec<&Summary>> = BTreeMap::new();
        for s in &counted {
            runbooks.entry(s.runbook.as_str()).or_default().push(s);
        }
        Report {
            schema_version: super::SCHEMA_VERSION,
            drills: filter.drills,
            incidents: counted.len(),
            open: counted.iter().filter(|s| s.closed.is_none()).count(),
            skipped: Vec::new(),
            by_type,
            by_severity,
            metrics: Metrics {
                time_to_detect_s: metric(0),
                time_to_acknowledge_s: metric(1),
                time_to_mitigate_s: metric(2),
                time_to_resolve_s: metric(3),
            },
            weeks: weeks(&counted),
            runbooks: runbooks.values().map(|list| runbook_stats(list)).collect(),
        }
    }
}

fn weeks(counted: &[&Summary]) -> Vec<Week> {
    let mut by: BTreeMap<(i32, u32), Vec<Option<i64>>> = BTreeMap::new();
    for s in counted {
        let w = s.started.iso_week();
        by.entry((w.year(), w.week()))
            .or_default()
            .push(s.metrics[3]);
    }
    by.into_iter()
        .map(|((y, w), ttr)| Week {
            week: format!("{y}-W{w:02}"),
            incidents: ttr.len(),
            median_time_to_resolve_s: figure(ttr.into_iter()).median,
        })
        .collect()
}

/// One runbook's figures; `list` is its incidents, newest first (never empty).
fn runbook_stats(list: &[&Summary]) -> RunbookStats {
    let newest = list[0];
    let current: Vec<&str> = newest
        .steps
        .iter()
        .filter(|s| !s.retired)
        .map(|s| s.id.as_str())
        .collect();
    let mut order: Vec<&str> = current.clone();
    for s in list {
        for st in &s.steps {
            if !order.contains(&st.id.as_str()) {
                order.push(&st.id);
            }
        }
    }
    let steps: Vec<StepStats> = order
        .iter()
        .map(|id| {
            let runs: Vec<&StepSummary> = list
                .iter()
                .filter_map(|s| s.steps.iter().find(|st| st.id == *id))
                .collect();
            step_stats(&runs, !current.contains(id))
        })
        .collect();
    RunbookStats {
        id: newest.runbook.clone(),
        title: newest.runbook_title.clone(),
        incidents: list.len(),
        out_of_order: list.iter().filter(|s| s.detours > 0).count(),
        never_reached: steps
            .iter()
            .filter(|s| !s.removed && s.reached == 0)
            .map(|s| s.id.clone())
            .collect(),
        removed: steps
            .iter()
            .filter(|s| s.removed)
            .map(|s| s.id.clone())
            .collect(),
        steps,
    }
}

/// One step over its runs, newest first (never empty).
fn step_stats(runs: &[&StepSummary], removed: bool) -> StepStats {
    let newest = runs[0];
    let count = |status: &str| runs.iter().filter(|r| r.status == status).count();
    let mut reasons: Vec<Reason> = Vec::new();
    for r in runs.iter().filter_map(|r| r.skip_reason.as_deref()) {
        match reasons.iter_mut().find(|x| x.reason == r) {
            Some(x) => x.count += 1,
            None => reasons.push(Reason {
                reason: r.to_string(),
                count: 1,
            }),
        }
    }
    reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
    reasons.truncate(3);
    let timed: Vec<&&StepSummary> = runs
        .iter()
        .filter(|r| r.duration_s.is_some() && r.target_s.is_some())
        .collect();
    let overrun_rate = (!timed.is_empty()).then(|| {
        let over = timed.iter().filter(|r| r.overrun).count() as f64;
        (over / timed.len() as f64 * 10_000.0).round() / 10_000.0
    });
    StepStats {
        id: newest.id.clone(),
        title: newest.title.clone(),
        removed,
        in_runbook: runs.len(),
        reached: runs.iter().filter(|r| r.reached()).count(),
        completed: count("done"),
        failed: count("failed"),
        skipped: count("skipped"),
        skip_reasons: reasons,
        median_s: figure(runs.iter().map(|r| r.duration_s).filter(Option::is_some)).median,
        target_s: newest.target_s,
        overrun_rate,
        choices: choices(runs),
    }
}

/// Every choice any version offered (the newest's first), with how often each was taken.
fn choices(runs: &[&StepSummary]) -> Vec<ChoiceStats> {
    let mut out: Vec<ChoiceStats> = Vec::new();
    for r in runs {
        for (label, next) in &r.choices {
            if !out.iter().any(|c| c.label == *label) {
                out.push(ChoiceStats {
                    label: label.clone(),
                    next: next.clone(),
                    taken: 0,
                });
            }
        }
    }
    for label in runs.iter().flat_map(|r| &r.taken) {
        if let Some(c) = out.iter_mut().find(|c| c.label == *label) {
            c.taken += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 50), Some(3));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90), Some(9));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(percentile(&eleven, 90), Some(10));
    }

    #[test]
    fn a_missing_milestone_is_counted_apart_never_as_zero() {
        let f = figure([Some(60), None, Some(120), None, Some(30)].into_iter());
        assert_eq!(
            f,
            Figure {
                count: 3,
                median: Some(60),
                p90: Some(120),
                max: Some(120),
                missing: 2
            }
        );
    }
}
