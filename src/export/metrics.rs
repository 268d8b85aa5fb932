//! Key times: the four response metrics between milestones, the time spent at each severity,
//! and milestones recorded out of their natural order. Pure.
//!
//! Must never: invent a value. A metric whose milestone was not recorded is `None`, and the
//! layouts say which milestone is missing. A metric between milestones recorded in the wrong
//! order is negative, and `out_of_order` says so.

use crate::domain::incident::Incident;
use crate::domain::{Milestone, Severity};
use chrono::{DateTime, Utc};

/// One response metric: the time from one milestone to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metric {
    /// The JSON key (`time_to_detect_s`, ...).
    pub key: &'static str,
    /// What the Markdown calls it.
    pub label: &'static str,
    pub from: Milestone,
    pub to: Milestone,
    /// Whole seconds, `to - from`; `None` when either milestone is missing.
    pub secs: Option<i64>,
}

/// The metrics, in the order the issue and the docs list them.
const DEFINITIONS: [(&str, &str, Milestone, Milestone); 4] = [
    (
        "time_to_detect_s",
        "Time to detect",
        Milestone::Started,
        Milestone::Detected,
    ),
    (
        "time_to_acknowledge_s",
        "Time to acknowledge",
        Milestone::Detected,
        Milestone::Acknowledged,
    ),
    (
        "time_to_mitigate_s",
        "Time to mitigate",
        Milestone::Started,
        Milestone::Mitigated,
    ),
    (
        "time_to_resolve_s",
        "Time to resolve",
        Milestone::Started,
        Milestone::Resolved,
    ),
];

/// The four metrics. Only recorded milestones count: when `started` was not recorded, the
/// metrics from it are unknown (the opening time is not the start of the impact).
pub fn metrics(inc: &Incident) -> Vec<Metric> {
    DEFINITIONS
        .iter()
        .map(|&(key, label, from, to)| {
            let at = |m| inc.milestones.get(&m).map(|mark| mark.at);
            let secs = at(from).zip(at(to)).map(|(a, b)| (b - a).num_seconds());
            Metric {
                key,
                label,
                from,
                to,
                secs,
            }
        })
        .collect()
}

/// How long the incident spent at each severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeverityTimes {
    /// Each severity in effect, in time order, with when it took effect and until when.
    pub spans: Vec<(Severity, DateTime<Utc>, DateTime<Utc>)>,
    /// Total seconds per severity, worst first; only severities the incident had.
    pub totals: Vec<(Severity, i64)>,
    /// Where the last span ends, and why there: "resolved", "closed" or "the last entry".
    pub until: (DateTime<Utc>, &'static str),
}

/// Time at each severity, from the start of the incident (the `started` milestone when it is
/// earlier than the opening) until it was resolved (else closed, else the last entry).
pub fn severity_times(inc: &Incident) -> SeverityTimes {
    let until = match (inc.milestones.get(&Milestone::Resolved), inc.closed) {
        (Some(m), _) => (m.at, "resolved"),
        (None, Some(c)) => (c, "closed"),
        (None, None) => (inc.last_at, "the last entry"),
    };
    let mut history = inc.severity_history.clone();
    // Changes can be backdated: take them in the order they took effect (stable on ties).
    history.sort_by_key(|(at, _)| *at);
    if let Some(first) = history.first_mut() {
        first.0 = first.0.min(inc.started_at());
    }
    let mut spans = Vec::with_capacity(history.len());
    for (i, (from, sev)) in history.iter().enumerate() {
        let to = history
            .get(i + 1)
            .map_or(until.0, |next| next.0)
            .min(until.0);
        spans.push((*sev, *from, to.max(*from)));
    }
    let mut totals: Vec<(Severity, i64)> = Vec::new();
    for (sev, from, to) in &spans {
        let secs = (*to - *from).num_seconds();
        match totals.iter_mut().find(|(s, _)| s == sev) {
            Some(t) => t.1 = t.1.saturating_add(secs),
            None => totals.push((*sev, secs)),
        }
    }
    totals.sort_by_key(|(s, _)| *s);
    SeverityTimes {
        spans,
        totals,
        until,
    }
}

/// A milestone recorded as happening before one that comes earlier in an incident's life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutOfOrder {
    pub milestone: Milestone,
    pub at: DateTime<Utc>,
    /// The milestone it should follow, and when that one was recorded as happening.
    pub after: Milestone,
    pub after_at: DateTime<Utc>,
}

/// Each recorded milestone that is earlier than the latest recorded milestone before it in
/// the natural order (started, detected, acknowledged, identified, mitigated, resolved).
pub fn out_of_order(inc: &Incident) -> Vec<OutOfOrder> {
    let mut out = Vec::new();
    let mut latest: Option<(Milestone, DateTime<Utc>)> = None;
    for m in Milestone::ALL {
        let Some(mark) = inc.milestones.get(&m) else {
            continue;
        };
        match latest {
            Some((after, after_at)) if mark.at < after_at => {
                out.push(OutOfOrder {
                    milestone: m,
                    at: mark.at,
                    after,
                    after_at,
                });
            }
            _ => latest = Some((m, mark.at)),
        }
    }
    out
}

/// `1h13m`, `3m`, `45s`, `0s`; negative spans get a leading minus sign.
pub fn span(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    format!(
        "{sign}{}",
        crate::domain::duration::short(secs.unsigned_abs())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_like_runbook_durations() {
        assert_eq!(span(0), "0s");
        assert_eq!(span(180), "3m");
        assert_eq!(span(4380), "1h13m");
        assert_eq!(span(-300), "-5m");
        assert_eq!(span(158_400), "1d20h");
    }
}
